"""Character helpers shared by the masking operators."""

from __future__ import annotations

__all__ = ["SEPARATORS", "check_mask_char"]

#: Characters a keep-ends mask leaves in place and does not count: the spaces, dashes and
#: brackets people write inside numbers (``138 1234 5678``, ``(010)6234-5678``).
SEPARATORS = frozenset(" -()\u3000")


def check_mask_char(char: str) -> None:
    """Raise ValueError unless *char* is one printable character that needs no escaping.

    The mask character lands inside JSON strings, CSV fields and query strings, so quotes,
    backslashes, commas and control characters are refused.
    """
    if len(char) != 1 or not char.isprintable() or char in "\"'\\,&=;%" or char.isspace():
        raise ValueError(f"mask char must be one printable character like '*', not {char!r}")
