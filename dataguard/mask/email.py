"""email: the Ele.me 8.4 email display mask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dataguard.mask.operator import MaskContext, Operator

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Email"]

# Second-level labels under which the registrable name sits one label deeper
# (163.com.cn, pku.edu.cn): they are part of the kept suffix.
_SECOND_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "ac", "co", "mil"})


def _split_domain(domain: str) -> tuple[str, str]:
    """Split a domain into ``(name, suffix)``.

    ``163.com`` → ``("163", ".com")``; ``a.b.com.cn`` → ``("a.b", ".com.cn")``.

    ``.com.cn``-style second levels stay in the suffix.
    """
    labels = domain.split(".")
    if len(labels) == 1:
        return domain, ""
    keep = 2 if len(labels) > 2 and labels[-2].lower() in _SECOND_LEVEL else 1
    return ".".join(labels[:-keep]), "." + ".".join(labels[-keep:])


@dataclass(frozen=True)
class Email(Operator):
    """The local part's first ``local_keep`` characters plus ``fill``; the domain's first
    ``domain_keep`` characters plus ``fill``; the suffix kept.

    Ele.me 8.4: ``tt@163.com`` → ``tt**@1**.com``. The fill is fixed, so the mask does not
    reveal the lengths. Subdomains are hidden with the name (``mail.corp.cn`` →
    ``m**.cn``). A value without ``@`` becomes the fill alone.

    >>> Email().apply("zhangsan@mail.163.com", MaskContext("EMAIL_ADDRESS"))
    'zh**@m**.com'
    """

    name = "email"
    summary = "Ele.me email mask: first 2 of the local part, first 1 of the domain, suffix kept"

    local_keep: int = 2
    domain_keep: int = 1
    fill: str = "**"

    def __post_init__(self) -> None:
        if self.local_keep < 0 or self.domain_keep < 0:
            raise ValueError("local_keep and domain_keep must not be negative")
        if any(ch in self.fill for ch in "\"'\\,@.%&= "):
            raise ValueError("fill must not contain quotes, backslashes, commas, @, . or spaces")

    def expression(self, column: pl.Expr, context: MaskContext) -> pl.Expr | None:
        """Vectorised with one regex replace, mirroring :func:`_split_domain`."""
        import polars as pl

        second = "|".join(sorted(_SECOND_LEVEL))
        shape = (
            rf"^([^@]{{0,{self.local_keep}}})[^@]*@([^@.]{{0,{self.domain_keep}}})[^@]*?"
            rf"((?:\.(?i:{second}))?\.[^.@]+)$"
        )
        fill = self.fill.replace("$", "$$")
        replaced = column.str.replace(shape, f"${{1}}{fill}@${{2}}{fill}${{3}}")
        # Values the regex does not take (no dot in the domain, several @) go to apply(),
        # and so do those with a dot among the domain's first domain_keep characters
        # (@.x.com, or a.com.cn with domain_keep 3): apply() keeps that dot, the regex's
        # kept group stops before it.
        taken = column.str.contains(shape)
        if self.domain_keep:
            taken = taken & ~column.str.contains(rf"@[^@]{{0,{self.domain_keep - 1}}}\.")
        return pl.when(taken).then(replaced).otherwise(None)

    def apply(self, value: str, context: MaskContext) -> str:
        local, at, domain = value.rpartition("@")
        if not at:
            return self.fill
        name, suffix = _split_domain(domain)
        # Ele.me 8.4 keeps the first characters even of a two-letter local part (tt**).
        local_kept = local[: self.local_keep]
        name_kept = name[: self.domain_keep]
        return f"{local_kept}{self.fill}@{name_kept}{self.fill}{suffix}"
