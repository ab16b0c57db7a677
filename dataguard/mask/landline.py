"""landline: keep the area code and the last digits of a fixed-line number (Ele.me 8.4)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dataguard.mask._chars import check_mask_char
from dataguard.mask.operator import MaskContext, Operator

__all__ = ["Landline"]

# ref. MIIT numbering plan: trunk 0, then 10 / 2x (2-digit) or 3xx-9xx (3-digit) area codes,
# a 7-8 digit local number starting 2-8, and an optional extension. The prefix is decided
# by the digits alone, so an unseparated 057188881123 splits the same way as 0571-88881123.
# The local number may already be masked (*), so masking a masked number changes nothing.
_SHAPE = re.compile(
    r"(?P<head>(?:\+86|\(\+?86\)|0086)?[- ]?(?:\(0\)|\(?0|\((?=[1-9]))?"
    r"(?:10|2[0-9]|[3-9][0-9]{2})\)?[- ]?)"
    r"(?P<local>[2-8*][0-9*]{2,3}[- ]?[0-9*]{4})(?P<ext>.*)",
    re.DOTALL,
)
# A local number without its area code (座机：6234-5678转801), as HR and CRM exports write
# one under a landline key: masked the same way, extension and all.
_LOCAL_SHAPE = re.compile(
    r"(?P<head>)(?P<local>[2-8*][0-9*]{2,3}[- ]?[0-9*]{4})(?P<ext>.*)", re.DOTALL
)


@dataclass(frozen=True)
class Landline(Operator):
    """Keep the country and area code; mask the local number but its last ``last`` digits.

    Ele.me 8.4: ``0571-88881123`` → ``0571-*****123``. Separators stay; an extension is
    masked whole, also after a local number written without its area code. A value that
    is not shaped like a landline keeps only its last digits.

    >>> Landline().apply("0571-88881123", MaskContext("CN_LANDLINE"))
    '0571-*****123'
    >>> Landline().apply("+86(10)62345678", MaskContext("CN_LANDLINE"))
    '+86(10)*****678'
    >>> Landline().apply("6234-5678转801", MaskContext("CN_LANDLINE"))
    '****-*678转***'
    """

    name = "landline"
    summary = "keep the area code and the last 3 digits of a fixed-line number"

    last: int = 3
    char: str = "*"

    def __post_init__(self) -> None:
        check_mask_char(self.char)
        if self.last < 0:
            raise ValueError("last must not be negative")

    def apply(self, value: str, context: MaskContext) -> str:
        m = _SHAPE.fullmatch(value) or _LOCAL_SHAPE.fullmatch(value)
        if m is None:
            return self._mask_digits(value, self.last)
        ext = re.sub(r"[0-9]", self.char, m.group("ext"))
        return m.group("head") + self._mask_digits(m.group("local"), self.last) + ext

    def _mask_digits(self, text: str, keep: int) -> str:
        # Masked positions count as digits, so a masked number keeps the same shape.
        digits = [i for i, ch in enumerate(text) if ch.isdigit() or ch == self.char]
        hidden = set(digits[: len(digits) - keep]) if len(digits) > keep else set(digits)
        return "".join(self.char if i in hidden else ch for i, ch in enumerate(text))
