"""UTF-8 text stored in a latin1 column (乱码), read back as the UTF-8 it was.

A legacy application that talked to MySQL in latin1 (the server default before 5.5, and
``SET NAMES latin1`` long after) wrote the UTF-8 bytes of its Chinese text into latin1
columns, byte for byte. The application reads its bytes back and sees Chinese; any other
client, reading in utf8mb4 as dataguard does, gets each byte as a latin1 character:
``张伟`` reads ``å¼ ä¼Ÿ``. MySQL's latin1 is Windows-1252 with its five unassigned bytes
(0x81, 0x8D, 0x8F, 0x90, 0x9D) as the C1 controls of the same number. Read that way, no
name or address in such a column was found and the column was reported clean (its phone
numbers, being ASCII, were found, and the previews around them showed the rest, readable
to anyone who reverses the encoding).

:func:`utf8_behind_latin1` reverses it: a value whose every character is a byte of MySQL's
latin1, at least one of them outside ASCII, whose bytes are valid UTF-8 holding a CJK
ideograph, is that UTF-8 text. Valid UTF-8 by chance is rare in real Western text (``é``
alone is an invalid sequence), and the ideograph requirement leaves ``Ã©`` (é, twice
encoded) to be what it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["read_as_utf8", "utf8_behind_latin1"]

# Windows-1252's characters for bytes 0x80-0x9F (the five it leaves unassigned are the C1
# controls U+0081 … U+009D, below U+0100 like every other byte of latin1).
_CP1252_HIGH = {
    bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in b"\x81\x8d\x8f\x90\x9d"
}
_NOT_LATIN1 = re.compile("[^\x00-\xff" + re.escape("".join(_CP1252_HIGH)) + "]")
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def utf8_behind_latin1(value: str) -> str | None:
    """The UTF-8 text *value*'s latin1 characters are the bytes of, if it holds Chinese
    (module docstring); else None."""
    if value.isascii() or _NOT_LATIN1.search(value):
        return None
    raw = bytes(_CP1252_HIGH.get(c, ord(c) if ord(c) < 0x100 else 0) for c in value)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if _CJK.search(text) else None


def read_as_utf8(texts: Sequence[str | None]) -> tuple[list[str | None], int]:
    """*texts* with each value :func:`utf8_behind_latin1` reads as UTF-8 replaced by that
    text (None stays None), and how many were."""
    repaired = 0
    out: list[str | None] = []
    for text in texts:
        fixed = None if text is None else utf8_behind_latin1(text)
        repaired += fixed is not None
        out.append(text if fixed is None else fixed)
    return out, repaired
