"""fixed: replace the value with a constant that does not reveal its length."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dataguard.mask.operator import MaskContext, Operator

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Fixed"]


@dataclass(frozen=True)
class Fixed(Operator):
    """Replace the value with ``text`` whatever it was (secrets: not even the length shows).

    >>> Fixed().apply("eyJhbGciOiJIUzI1NiJ9.e30.abc", MaskContext("SECRET"))
    '******'
    """

    name = "fixed"
    drops_other_data = True
    summary = "replace the value with a constant (length hidden), ****** by default"

    text: str = "******"

    def __post_init__(self) -> None:
        if any(ch in self.text for ch in "\"'\\,\n\r\t"):
            raise ValueError("text must not contain quotes, backslashes, commas or breaks")

    def expression(self, column: pl.Expr, context: MaskContext) -> pl.Expr | None:
        import polars as pl

        return pl.lit(self.text)

    def apply(self, value: str, context: MaskContext) -> str:
        return self.text
