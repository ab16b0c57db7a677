"""Placeholder values: what forms and test fixtures put where personal data would go.

``12345678901``, ``13800000000``, ``00000000000``, ``N/A`` or ``无`` in a phone column are
not anyone's phone number, but they are evidence about the column: someone typed a
placeholder *because* the field asks for a phone. A scan counts them apart from valid and
invalid values, so a column of placeholders is reported as "named a phone column, holding
placeholders", not as a column of invalid phones.
"""

from __future__ import annotations

import re

__all__ = ["PLACEHOLDER_WORDS", "is_placeholder"]

# ref. what Chinese web forms and seed scripts commonly fill in for "unknown".
_WORDS_TEXT = (
    "n/a na null none nil undefined unknown test tbd todo - -- / 无 暂无 未知 未填 空 不详 "
    "xxx 待定 待补充 保密 "
    # How database tools write NULL into an export: Navicat (Null), DataGrip <null>,
    # DBeaver [NULL], MySQL's SELECT … INTO OUTFILE and mysqldump --tab \N.
    "(null) <null> [null] \\n"
)
#: The placeholder words, lower case: what a form or an export writes for "no value".
PLACEHOLDER_WORDS = frozenset(_WORDS_TEXT.split())
_SEPARATORS = re.compile(r"[\s\-+()（）]")


_UP = "0123456789" * 3
_DOWN = "9876543210" * 3


def is_placeholder(value: str) -> bool:
    """Whether *value* is a placeholder rather than real data.

    Placeholders: the words above (any case), one character repeated (``xxxxxx``,
    ``000000``), runs of consecutive digits (``12345678901``, ``9876543210``: wrapping
    9→0), and a phone- or ID-length number that is a prefix and one digit repeated
    (``13800000000``, ``13811111111``: an allocated prefix with nothing after it).
    """
    text = value.strip().lower()
    if text in PLACEHOLDER_WORDS:
        return True
    digits = _SEPARATORS.sub("", text) if not text.isdigit() else text
    if len(digits) >= 4 and digits == digits[0] * len(digits):
        return True
    if len(digits) < 7 or not digits.isdigit() or not digits.isascii():
        return False
    if len(digits) <= 20 and (digits in _UP or digits in _DOWN):
        return True
    return len(digits) >= 10 and digits[3:] == digits[3] * (len(digits) - 3)
