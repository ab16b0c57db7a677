"""mask_before: mask what comes before a special character (the local part of an email)."""

from __future__ import annotations

from dataclasses import dataclass

from dataguard.mask._chars import check_mask_char
from dataguard.mask.operator import MaskContext, Operator

__all__ = ["MaskBefore"]


@dataclass(frozen=True)
class MaskBefore(Operator):
    """Mask the characters before the first ``special`` character, keeping ``keep`` of them.

    Without the special character the whole value is masked (nothing is revealed by a
    value of the wrong shape).

    >>> MaskBefore(special="@", keep=1).apply("zhangsan@163.com", MaskContext("EMAIL_ADDRESS"))
    'z*******@163.com'
    """

    name = "mask_before"
    summary = "mask what comes before a special character, keeping its first k characters"

    special: str = "@"
    keep: int = 0
    char: str = "*"

    def __post_init__(self) -> None:
        check_mask_char(self.char)
        if not self.special or self.keep < 0:
            raise ValueError("special must be a non-empty string and keep not negative")

    def apply(self, value: str, context: MaskContext) -> str:
        at = value.find(self.special)
        if at < 0:
            return self.char * len(value)
        keep = min(self.keep, at)
        return value[:keep] + self.char * (at - keep) + value[at:]
