"""mask_after: mask what comes after a special character."""

from __future__ import annotations

from dataclasses import dataclass

from dataguard.mask._chars import check_mask_char
from dataguard.mask.operator import MaskContext, Operator

__all__ = ["MaskAfter"]


@dataclass(frozen=True)
class MaskAfter(Operator):
    """Mask the characters after the last ``special`` character, keeping ``keep`` of them.

    Without the special character the whole value is masked.

    >>> MaskAfter(special=".", keep=0).apply("192.168.1.23", MaskContext("IP_ADDRESS"))
    '192.168.1.**'
    """

    name = "mask_after"
    summary = "mask what comes after the last special character, keeping its first k"

    special: str = "@"
    keep: int = 0
    char: str = "*"

    def __post_init__(self) -> None:
        check_mask_char(self.char)
        if not self.special or self.keep < 0:
            raise ValueError("special must be a non-empty string and keep not negative")

    def apply(self, value: str, context: MaskContext) -> str:
        at = value.rfind(self.special)
        if at < 0:
            return self.char * len(value)
        begin = at + len(self.special)
        keep = min(self.keep, len(value) - begin)
        return value[: begin + keep] + self.char * (len(value) - begin - keep)
