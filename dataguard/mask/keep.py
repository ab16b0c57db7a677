"""keep: leave the value as it is (an explicit exemption in a policy)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dataguard.mask.operator import MaskContext, Operator

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Keep"]


@dataclass(frozen=True)
class Keep(Operator):
    """Leave the value unchanged: for entities or fields a policy exempts on purpose.

    >>> Keep().apply("91350100M000100Y43", MaskContext("CN_USCC"))
    '91350100M000100Y43'
    """

    name = "keep"
    summary = "leave the value unchanged (an explicit exemption)"

    def expression(self, column: pl.Expr, context: MaskContext) -> pl.Expr | None:

        return column

    def apply(self, value: str, context: MaskContext) -> str:
        return value
