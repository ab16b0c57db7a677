"""mask_range: mask the characters between two positions."""

from __future__ import annotations

from dataclasses import dataclass

from dataguard.mask._chars import check_mask_char
from dataguard.mask.operator import MaskContext, Operator

__all__ = ["MaskRange"]


@dataclass(frozen=True)
class MaskRange(Operator):
    """Mask characters ``start`` (inclusive) to ``end`` (exclusive), like a Python slice.

    Negative positions count from the end; ``end`` omitted means to the end. Length is
    preserved. ``mask_range(start=3, end=7)`` gives the common mobile display
    ``138****1050``.

    >>> MaskRange(start=3, end=7).apply("13812341050", MaskContext("CN_MOBILE"))
    '138****1050'
    """

    name = "mask_range"
    summary = "mask the characters from start to end (slice positions, negative from the end)"

    start: int = 0
    end: int | None = None
    char: str = "*"

    def __post_init__(self) -> None:
        check_mask_char(self.char)

    def apply(self, value: str, context: MaskContext) -> str:
        lo, hi, _ = slice(self.start, self.end).indices(len(value))
        if hi <= lo:
            return value
        return value[:lo] + self.char * (hi - lo) + value[hi:]
