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

A GBK client on a latin1 connection (old PHP sites: ``SET NAMES latin1``, pages in GB2312)
stored GBK bytes the same way: ``张伟`` reads ``ÕÅÎ°``. :func:`gbk_behind_latin1` reads
a value whose bytes are not UTF-8 Chinese but valid GBK as that GBK when it is Chinese
text (two or more characters outside ASCII, all of them CJK: what the log filter asks of
a line to call it GBK), so accented Western text (``café``: a lone high byte) stays as it
is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dataguard.detect.normalize import gbk_text

__all__ = ["gbk_behind_latin1", "read_behind_latin1", "utf8_behind_latin1"]

# Windows-1252's characters for bytes 0x80-0x9F (the five it leaves unassigned are the C1
# controls U+0081 … U+009D, below U+0100 like every other byte of latin1).
_CP1252_HIGH = {
    bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in b"\x81\x8d\x8f\x90\x9d"
}
_NOT_LATIN1 = re.compile("[^\x00-\xff" + re.escape("".join(_CP1252_HIGH)) + "]")
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _latin1_bytes(value: str) -> bytes | None:
    """The bytes whose MySQL latin1 characters *value* is, if it has one outside ASCII."""
    if value.isascii() or _NOT_LATIN1.search(value):
        return None
    return bytes(_CP1252_HIGH.get(c, ord(c) if ord(c) < 0x100 else 0) for c in value)


def _utf8_chinese(raw: bytes) -> str | None:
    """*raw* as UTF-8 text, if it is valid UTF-8 holding a CJK ideograph; else None."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if _CJK.search(text) else None


def utf8_behind_latin1(value: str) -> str | None:
    """The UTF-8 text *value*'s latin1 characters are the bytes of, if it holds Chinese
    (module docstring); else None."""
    raw = _latin1_bytes(value)
    return None if raw is None else _utf8_chinese(raw)


def _gbk_chinese(raw: bytes) -> str | None:
    """*raw* as GBK text, if it is valid GBK reading as Chinese text; else None."""
    try:
        text = raw.decode("gbk")
    except UnicodeDecodeError:
        return None
    return text if gbk_text(text) else None


def gbk_behind_latin1(value: str) -> str | None:
    """The GBK text *value*'s latin1 characters are the bytes of, if they are no UTF-8
    Chinese and read as Chinese text in GBK (module docstring); else None."""
    raw = _latin1_bytes(value)
    # UTF-8's first: a name's GBK bytes may be valid UTF-8 too (0xC3 0xA9 …).
    if raw is None or _utf8_chinese(raw) is not None:
        return None
    return _gbk_chinese(raw)


def read_behind_latin1(texts: Sequence[str | None]) -> tuple[list[str | None], dict[str, int]]:
    """*texts* with each value that is UTF-8 (:func:`utf8_behind_latin1`), else GBK
    (:func:`gbk_behind_latin1`), behind latin1 characters replaced by that text (None stays
    None), and how many were of each (``{"UTF-8": n, "GBK": m}``)."""
    counts = {"UTF-8": 0, "GBK": 0}
    out: list[str | None] = []
    for text in texts:
        raw = None if text is None else _latin1_bytes(text)
        fixed = None
        if raw is not None:
            if (fixed := _utf8_chinese(raw)) is not None:
                counts["UTF-8"] += 1
            elif (fixed := _gbk_chinese(raw)) is not None:
                counts["GBK"] += 1
        out.append(text if fixed is None else fixed)
    return out, counts
