"""The dump's bytes as a sliding window of decoded text.

Files starting with the gzip, bzip2 or xz magic bytes are decompressed on the fly. The codec
is the dump's own declaration (``SET NAMES …``, ``client_encoding = '…'``), else the first
megabyte decides (UTF-8, else GB18030, else UTF-8); invalid bytes become U+FFFD. The file is
read in 512 KiB chunks; the scanners keep only what is still to be read.
"""

from __future__ import annotations

import codecs
import lzma
import re
from collections.abc import Callable
from pathlib import Path
from typing import IO, BinaryIO, cast

from dataguard.errors import UsageError
from dataguard.sources.compressed import decompressor
from dataguard.sources.dump.archive import head_format
from dataguard.sources.utf16 import utf16_codec

_CHUNK = 1 << 19  # bytes read per refill
_SNIFF = 1 << 20  # bytes that decide the encoding and the dialect

# MySQL character set names (SET NAMES) and PostgreSQL encoding names (client_encoding) →
# Python codecs. GB18030 is a superset of GBK and GB2312, so it decodes all three.
_CHARSETS = {
    "utf8": "utf-8-sig",
    "utf8mb3": "utf-8-sig",
    "utf8mb4": "utf-8-sig",
    "unicode": "utf-8-sig",
    "binary": "utf-8-sig",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "gb18030": "gb18030",
    "euc_cn": "gb18030",
    "big5": "big5",
    "latin1": "latin-1",
    "sql_ascii": "utf-8-sig",
}
_DECLARED_ENCODING = re.compile(
    rb"SET\s+NAMES\s+'?([A-Za-z0-9_]+)|client_encoding\s*=\s*'([A-Za-z0-9_]+)'", re.I
)


def sniff_encoding(head: bytes) -> str:
    """The codec to decode a dump with, from its declaration or its first bytes.

    A dump with a UTF-16 byte-order mark is UTF-16 whatever it declares: Windows
    PowerShell 5's ``mysqldump … > backup.sql`` writes UTF-16 (and ``SET NAMES utf8mb4``
    in it), which was read as bytes and had "no CREATE TABLE, INSERT or COPY statements".
    """
    if utf16_codec(head) is not None:
        return "utf-16"
    match = _DECLARED_ENCODING.search(head)
    if match:
        name = (match.group(1) or match.group(2)).decode("ascii").lower()
        if name in _CHARSETS:
            return _CHARSETS[name]
        try:
            return codecs.lookup(name).name
        except LookupError:
            return "utf-8-sig"
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)("strict").decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    return "utf-8-sig"


def decompressed(raw: IO[bytes], name: str) -> BinaryIO:
    """*raw* (a file at its start), or a decompressing reader over it when it starts with
    gzip, bzip2 or xz magic (:mod:`dataguard.sources.compressed`)."""
    magic = raw.read(6)
    raw.seek(0)
    return decompressor(cast(BinaryIO, raw), name, magic)


class TextWindow:
    """The decoded text of one dump, seen through a buffer that slides forward.

    ``buf`` holds the text in view and ``pos`` the scanners' place in it; ``eof`` is True once
    the whole file is in ``buf``. :meth:`more` drops what lies before a given index and reads
    on, and returns the shift that the scanners subtract from their indexes.
    """

    def __init__(
        self,
        path: Path,
        raw: IO[bytes],
        on_bytes: Callable[[int], object] | None,
        *,
        compressed: bool = True,
    ) -> None:
        self.name = str(path)
        self._raw = raw
        self._on_bytes = on_bytes
        try:
            # compressed=False: a stream that cannot seek back after its magic is sniffed
            self._stream = decompressed(raw, self.name) if compressed else cast(BinaryIO, raw)
            head = self._stream.read(_SNIFF)
        except (OSError, EOFError, lzma.LZMAError) as exc:
            raise UsageError(f"cannot read {path}: {exc}") from None
        if compressed and self._stream is not raw and head_format(head) is not None:
            # Read as SQL, a gzipped tar archive gave its restore script's tables with no
            # rows (its data is in the tar's .dat members), judged by their names alone.
            raise UsageError(
                f"{path} holds a compressed pg_dump archive: decompress it first "
                f"(zcat {path.name} > backup.dump, or gunzip -k) and scan that file, which "
                "is read through pg_restore"
            )
        self._codec = sniff_encoding(head)
        self._decoder = codecs.getincrementaldecoder(self._codec)("replace")
        # for the bytes of octal/hex escapes (encoding with utf-8-sig would add a BOM)
        self.encoding = "utf-8" if self._codec in ("utf-8-sig", "utf-16") else self._codec
        self._pending = head  # sniffed bytes, handed to the decoder chunk by chunk
        self.buf = ""
        self.eof = False
        self.pos = 0
        self._line_pos = 0  # buf index at which self._line_no is known
        self._line_no = 1

    def head_text(self) -> str:
        """The sniffed first megabyte, decoded (for dialect detection, before any reading)."""
        return codecs.decode(self._pending, self._codec, "replace")

    def _report(self) -> None:
        if self._on_bytes is not None:
            self._on_bytes(self._raw.tell())

    def more(self, keep: int) -> int:
        """Drop the buffer before *keep*, read one chunk or, when more than a chunk is kept,
        at least as much again (doubling keeps re-scans of a long token linear); return the
        shift of the indexes into the buffer.
        """
        if self.eof:
            return 0
        self.line_at(keep)
        self._line_pos -= keep
        parts = [self.buf[keep:]]
        self.buf = ""
        want = len(parts[0])
        got = -1
        while got < want:
            got = max(got, 0)
            if self._pending:
                data, self._pending = self._pending[:_CHUNK], self._pending[_CHUNK:]
            else:
                try:
                    data = self._stream.read(_CHUNK)
                except (OSError, EOFError, lzma.LZMAError) as exc:
                    raise UsageError(f"cannot read {self.name}: {exc}") from None
            if not data:
                parts.append(self._decoder.decode(b"", final=True))
                self.eof = True
                break
            text = self._decoder.decode(data)
            parts.append(text)
            got += len(text)
        self.buf = "".join(parts)
        self._report()
        return keep

    def ensure(self, size: int) -> None:
        """Make at least *size* characters after ``pos`` available (or all that is left)."""
        while len(self.buf) - self.pos < size and not self.eof:
            self.pos -= self.more(self.pos)

    def line_at(self, index: int) -> int:
        """The 1-based line of the dump at *index* of ``buf``."""
        if index >= self._line_pos:
            self._line_no += self.buf.count("\n", self._line_pos, index)
            self._line_pos = index
            return self._line_no
        return self._line_no - self.buf.count("\n", index, self._line_pos)

    def error(self, index: int, message: str) -> UsageError:
        """A UsageError naming the file and the line at *index* (never the data)."""
        return UsageError(f"{self.name}:{self.line_at(index)}: {message}")
