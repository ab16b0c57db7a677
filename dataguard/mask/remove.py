"""remove: delete the value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dataguard.mask.operator import MaskContext, Operator

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Remove"]


@dataclass(frozen=True)
class Remove(Operator):
    """Replace the value with nothing (the text around it stays).

    >>> Remove().apply("13812341050", MaskContext("CN_MOBILE"))
    ''
    """

    name = "remove"
    drops_other_data = True
    summary = "delete the value, leaving the text around it"

    def expression(self, column: pl.Expr, context: MaskContext) -> pl.Expr | None:
        import polars as pl

        return pl.lit("")

    def apply(self, value: str, context: MaskContext) -> str:
        return ""
