"""UTF-16 log streams, read as UTF-8 and written back as UTF-16.

Windows writes logs in UTF-16 with a byte-order mark: SQL Server's ``ERRORLOG``, Windows
PowerShell 5's ``>`` and ``Out-File``, exported event logs, ``reg export``. Read as UTF-8,
each character is a byte and a NUL, nothing matches a pattern, and a log filter passed
every phone number and name through unmasked (and said the lines were GBK). Such a stream
is told by its mark (:func:`utf16_codec`), read through :class:`Utf16AsUtf8` (what the
line reader splits and the masker reads is UTF-8) and each masked piece written back
through :class:`Utf8AsUtf16`, so an unmasked line comes out as its very bytes: the mark,
``\\r\\n``, even a lone surrogate (``surrogatepass`` both ways) and an odd last byte.
"""

from __future__ import annotations

import codecs
from typing import BinaryIO, cast

__all__ = [
    "HEAD",
    "Utf8AsUtf16",
    "Utf16AsUtf8",
    "lines_encoding",
    "sniffed",
    "utf8_lines",
    "utf16_codec",
]

_MARKS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
#: Raw bytes read at a time to fill the UTF-8 buffer.
_CHUNK = 1 << 16
#: Bytes looked at to tell a UTF-16 stream: its mark, then what a read buffer holds.
HEAD = 8192
_ASCII_UNIT = frozenset(b"\t\n\r" + bytes(range(0x20, 0x7F)))


def utf16_codec(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when *head* (a stream's first bytes, up to
    :data:`HEAD`) starts with that byte-order mark and goes on as UTF-16 text, else None.

    ``FF FE`` also starts binary junk and UTF-8 logs that begin with it (which the filter
    passes through byte for byte and masks around): after the mark, a code unit there must
    be an ASCII character (a digit, a space, a line break: every log line has some; ASCII
    bytes read as UTF-16 pair up into other characters and have none). UTF-32's mark,
    ``FF FE 00 00``, is not UTF-16's.
    """
    codec = _MARKS.get(head[:2])
    if codec is None or head.startswith(b"\xff\xfe\x00\x00"):
        return None
    units = head[2 : 2 + (len(head) - 2) // 2 * 2]
    if not units:
        return codec  # the mark alone, so far: a UTF-16 writer's first write
    low = 0 if codec == "utf-16-le" else 1
    pairs = zip(units[low::2], units[1 - low :: 2], strict=True)
    return codec if any(high == 0 and byte in _ASCII_UNIT for byte, high in pairs) else None


class _Prefixed:
    """*raw* with *head*, already read from it, served first (a stream without ``peek``)."""

    def __init__(self, raw: BinaryIO, head: bytes) -> None:
        self._raw = raw
        self._head = head

    def fileno(self) -> int:
        return self._raw.fileno()

    def _take(self, n: int) -> bytes:
        out = self._head if n < 0 else self._head[:n]
        self._head = self._head[len(out) :]
        return out

    def read1(self, n: int = -1) -> bytes:
        if self._head:
            return self._take(n)
        read = getattr(self._raw, "read1", self._raw.read)
        return bytes(read(n))

    def read(self, n: int = -1) -> bytes:
        head = self._take(n)
        if 0 <= n <= len(head):
            return head
        return head + bytes(self._raw.read(-1 if n < 0 else n - len(head)) or b"")

    def readline(self, limit: int = -1) -> bytes:
        if self._head:
            cut = self._head.find(b"\n") + 1 or len(self._head)
            line = self._take(cut if limit < 0 else min(cut, limit))
            if line.endswith(b"\n") or len(line) == limit:
                return line
            return line + self._raw.readline(-1 if limit < 0 else limit - len(line))
        return self._raw.readline(limit)


def sniffed(stream: BinaryIO) -> tuple[BinaryIO, str | None]:
    """*stream* (its first bytes still to read) and its UTF-16 codec, if it has a mark."""
    peek = getattr(stream, "peek", None)
    if peek is not None:
        try:
            return stream, utf16_codec(peek(HEAD)[:HEAD])
        except (OSError, ValueError):
            pass
    head = stream.read(HEAD)
    return _Prefixed(stream, head), utf16_codec(head)  # type: ignore[return-value]


class Utf16AsUtf8:
    """A UTF-16 binary stream read as UTF-8 bytes (``read1``, ``read``, ``readline``,
    ``fileno``: what :func:`~dataguard.sources.logs.read_pieces` uses).

    Lone surrogates pass as their ``surrogatepass`` bytes; an odd last byte, no UTF-16
    unit, is kept in :attr:`leftover` for the writer to put back.
    """

    def __init__(self, raw: BinaryIO, codec: str) -> None:
        self._raw = raw
        #: ``utf-16-le`` or ``utf-16-be``.
        self.codec = codec
        self._decoder = codecs.getincrementaldecoder(codec)("surrogatepass")
        self._buffer = b""
        self._eof = False
        #: Undecodable bytes at the very end (an odd byte), known once the end is read.
        self.leftover = b""

    def fileno(self) -> int:
        return self._raw.fileno()

    def _fill(self) -> None:
        read = getattr(self._raw, "read1", self._raw.read)
        chunk = read(_CHUNK)
        if chunk:
            text = self._decoder.decode(chunk)
        else:
            self._eof = True
            try:
                text = self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.leftover = bytes(self._decoder.getstate()[0])
                text = ""
        self._buffer += text.encode("utf-8", "surrogatepass")

    def read1(self, n: int = -1) -> bytes:
        while not self._buffer and not self._eof:
            self._fill()
        end = len(self._buffer) if n < 0 else n
        out, self._buffer = self._buffer[:end], self._buffer[end:]
        return out

    read = read1

    def readline(self, limit: int = -1) -> bytes:
        while (
            b"\n" not in self._buffer and not self._eof and (limit < 0 or len(self._buffer) < limit)
        ):
            self._fill()
        end = self._buffer.find(b"\n") + 1 or len(self._buffer)
        if limit >= 0:
            end = min(end, limit)
        out, self._buffer = self._buffer[:end], self._buffer[end:]
        return out


def utf8_lines(stream: BinaryIO) -> tuple[BinaryIO, Utf16AsUtf8 | None]:
    """*stream* to read lines of UTF-8 (or another ASCII-compatible encoding) from: itself,
    or, when it starts with a UTF-16 byte-order mark, read through :class:`Utf16AsUtf8`
    (returned a second time, for its codec and :attr:`~Utf16AsUtf8.leftover`)."""
    opened, codec = sniffed(stream)
    if codec is None:
        return opened, None
    decoded = Utf16AsUtf8(opened, codec)
    return cast(BinaryIO, decoded), decoded


def lines_encoding(encoding: str, decoded: Utf16AsUtf8 | None) -> str:
    """The encoding to read the lines of :func:`utf8_lines`' stream in: *encoding* (what
    ``--encoding`` says of the run's logs), or UTF-8 for a UTF-16 stream, decoded."""
    return encoding if decoded is None else "utf-8"


class Utf8AsUtf16:
    """Pieces of UTF-8 bytes (in order, possibly cut inside a character) back as UTF-16.

    The stream's odd last byte, if any (:attr:`Utf16AsUtf8.leftover`), is the caller's to
    write after the last piece.
    """

    def __init__(self, codec: str) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
        self._codec = codec

    def __call__(self, data: bytes) -> bytes:
        return self._decoder.decode(data).encode(self._codec, "surrogatepass")
