"""keep_ends: keep the first *n* and last *m* characters, mask the middle."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dataguard.mask._chars import SEPARATORS, check_mask_char
from dataguard.mask.operator import MaskContext, Operator

if TYPE_CHECKING:
    import polars as pl

# The longest value the vectorised form handles (longer ones are rare and go to apply()).
_LONGEST = 256
_SEPARATOR_CHARS = "".join(sorted(SEPARATORS))
_HAS_SEPARATOR = re.compile("[" + re.escape(_SEPARATOR_CHARS) + "]")

__all__ = ["KeepEnds"]


@dataclass(frozen=True)
class KeepEnds(Operator):
    """Keep ``first`` leading and ``last`` trailing characters; mask the rest.

    Length-preserving by default: separators (spaces, dashes, brackets) stay where they
    were and are not counted (``6222 0212 3456 7890`` with first 6, last 4 →
    ``6222 02** **** 7890``). With ``width`` the masked middle is exactly ``width`` mask
    characters and separators are dropped; Ele.me 8.4's mobile rule is ``first=0, last=4,
    width=6`` (``13812341050`` → ``******1050``). A value too short to hide anything once
    its ends are kept is masked whole: a mask never gives the whole value back.

    >>> KeepEnds(first=6, last=4).apply("6222021234561234", MaskContext("BANK_CARD"))
    '622202******1234'
    """

    name = "keep_ends"
    summary = "keep the first n and last m characters, mask the middle"

    first: int = 0
    last: int = 0
    char: str = "*"
    width: int | None = None

    def __post_init__(self) -> None:
        if self.first < 0 or self.last < 0 or (self.width is not None and self.width < 0):
            raise ValueError("first, last and width must not be negative")
        check_mask_char(self.char)

    def expression(self, column: pl.Expr, context: MaskContext) -> pl.Expr | None:
        """Vectorised: separators dropped (``width``) or values without separators only.

        Runs of mask characters are sliced from a constant, so values longer than
        :data:`_LONGEST` characters go to :meth:`apply`.
        """
        import polars as pl

        stars = pl.lit(self.char * _LONGEST)
        separators = "[" + re.escape("".join(sorted(SEPARATORS))) + "]"
        if self.width is not None:
            core = column.str.replace_all(separators, "")
            length = core.str.len_chars()
            tail = core.str.slice(-self.last) if self.last else pl.lit("")
            masked = pl.concat_str(
                core.str.slice(0, self.first), pl.lit(self.char * self.width), tail
            )
            short = stars.str.slice(0, pl.max_horizontal(length, pl.lit(self.width)))
            plain = pl.when(length > self.first + self.last).then(masked).otherwise(short)
        else:
            length = column.str.len_chars()
            hidden = (length - self.first - self.last).clip(lower_bound=0)
            tail = column.str.slice(-self.last) if self.last else pl.lit("")
            masked = pl.concat_str(
                column.str.slice(0, self.first), stars.str.slice(0, hidden), tail
            )
            everything = stars.str.slice(0, length)
            plain = pl.when(length > self.first + self.last).then(masked).otherwise(everything)
            plain = pl.when(column.str.contains(separators)).then(None).otherwise(plain)
        too_long = column.str.len_chars() > _LONGEST
        masked_whole = column.str.contains("^[" + re.escape(self.char) + separators[1:] + "+$")
        return pl.when(too_long).then(None).when(masked_whole).then(column).otherwise(plain)

    def apply(self, value: str, context: MaskContext) -> str:
        if value and not value.strip(self.char + _SEPARATOR_CHARS):
            return value  # already masked whole: masking again must not change it
        if _HAS_SEPARATOR.search(value) is None:
            # Most values (a phone, a card number as found): plain slices, which is what
            # the general form below gives when every character counts.
            n = len(value)
            if self.width is not None:
                if n <= self.first + self.last:
                    return self.char * max(self.width, n)
                return value[: self.first] + self.char * self.width + value[n - self.last :]
            if n <= self.first + self.last:
                return self.char * n
            hidden = n - self.first - self.last
            return value[: self.first] + self.char * hidden + value[n - self.last :]
        return self._apply_with_separators(value)

    def _apply_with_separators(self, value: str) -> str:
        """:meth:`apply` for a value holding separators (they are kept or dropped)."""
        if self.width is not None:
            core = "".join(ch for ch in value if ch not in SEPARATORS)
            if len(core) <= self.first + self.last:
                return self.char * max(self.width, len(core))
            tail = core[len(core) - self.last :] if self.last else ""
            return core[: self.first] + self.char * self.width + tail
        positions = [i for i, ch in enumerate(value) if ch not in SEPARATORS]
        n = len(positions)
        if n <= self.first + self.last:
            hidden = set(positions)
        else:
            hidden = set(positions[self.first : n - self.last])
        return "".join(self.char if i in hidden else ch for i, ch in enumerate(value))
