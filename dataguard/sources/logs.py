"""Log streams as pieces: whole lines, and bounded fragments of huge lines.

:func:`read_pieces` turns a binary stream into batches of *pieces* whose concatenation is
exactly the stream's bytes: nothing is decoded, dropped, merged or reordered here. A piece
is a complete line with its terminator, a last line without one, or, for a line longer
than ``max_line`` bytes, a fragment of it, so that a 50 MB line never has to sit in memory
whole. Fragments are cut after a delimiter byte (space, tab, comma, semicolon, ``&``,
quotes, brackets) near the limit when there is one: values are written between delimiters,
so a finding is rarely split; a fragment boundary inside a multi-byte character is safe,
because the masker decodes with ``surrogateescape`` and writes the same bytes back.

Reads are adaptive: a batch is what the stream holds *now*, up to ``block`` bytes, so lines
that trickle in come out one batch each (low latency) and a streaming file or a busy pipe
comes out in large blocks (throughput), with no timer. ``read1`` alone is not enough for a
pipe: it returns at most what the pipe buffer holds (64 KiB on Linux), and a batch that
small costs the batch detector its fixed overhead every 350 lines (``cat big.log |
dataguard filter`` ran at half the speed of ``dataguard filter < big.log``). So after a
read, more is read while the operating system says more is ready (:func:`_ready`).
"""

from __future__ import annotations

import io
import os
import re
import select
import stat
from collections.abc import Callable, Iterator
from typing import BinaryIO

from dataguard.detect.normalize import gbk_text

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "DEFAULT_BLOCK",
    "DEFAULT_MAX_LINE",
    "ENCODINGS",
    "cut_utf8",
    "decode_text",
    "read_pieces",
    "reads_as_gbk",
    "split_terminator",
]

#: Up to this many bytes make one batch. Each batch costs the batch detector a fixed
#: overhead (polars plans, the Hyperscan pass), and holds its text several times over
#: (Python strings, polars columns, the masked copy): on the 200 MB benchmark log
#: ``dataguard filter`` took 49.9 s and 171 MB with 1 MiB batches, 43.9 s and 192 MB with
#: 2 MiB, 41.5 s and 225 MB with 4 MiB (the filter's memory target is < 200 MB). With the
#: patterns of 2026-11-28 on that day's machine: 1 MiB 70.8 s and 191 MB, 1.5 MiB 67.3 s
#: and 200 MB, 2 MiB 62.4 s and 207 MB: hence 1 MiB again.
DEFAULT_BLOCK = 1 << 20
DEFAULT_MAX_LINE = 1 << 20
#: The pipe buffer asked for (``F_SETPIPE_SZ``): the default ``pipe-max-size``, which an
#: unprivileged process may not exceed.
_PIPE_SIZE = 1 << 20
# How far back from the limit a fragment cut looks for a delimiter.
_CUT_WINDOW = 64 * 1024
_DELIMITER = re.compile(rb"[ \t,;&\"'<>()\[\]{}|]")


#: Encodings log lines are read in (``--encoding``); ``auto``: UTF-8, else GB18030, per line.
ENCODINGS = ("utf-8", "gbk", "gb18030", "auto")


def decode_text(body: bytes, encoding: str) -> tuple[str, str]:
    """*body* (one line, no terminator) as text, and the encoding to write it back in.

    *encoding* is one of :data:`ENCODINGS`. Undecodable bytes become lone surrogates
    (``surrogateescape``), so encoding the text back in the returned encoding gives *body*
    again, whatever it holds. ``auto`` reads a line as UTF-8 when it is valid UTF-8 (or
    would be but for a character cut at its end: :func:`cut_utf8`), else as GB18030 when it
    is valid GB18030, else as UTF-8 with its bad bytes escaped.
    ``\\n`` is never a GBK or GB18030 trail byte, so lines split alike in all of them.
    """
    if encoding == "auto":
        try:
            return body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            if not cut_utf8(body, exc):
                try:
                    return body.decode("gb18030"), "gb18030"
                except UnicodeDecodeError:
                    pass
            encoding = "utf-8"
    return body.decode(encoding, "surrogateescape"), encoding


def cut_utf8(body: bytes, error: UnicodeDecodeError) -> bool:
    """Whether *body*, whose UTF-8 decoding failed with *error*, is UTF-8 but for its last
    character, cut short: a logger truncating a message at a byte limit (syslog's 1,024,
    nginx's, a column's). Read as GB18030 instead, a line of Chinese of an even length in
    bytes decodes, as nonsense: its names went unseen, and a mask could split a character.
    """
    return error.reason == "unexpected end of data" and error.end == len(body)


def reads_as_gbk(body: bytes) -> bool:
    """Whether *body*, a line that is not UTF-8, reads as GBK / GB18030 Chinese text (two
    or more characters outside ASCII, all of them CJK): a GBK log read as UTF-8, whose
    names and addresses cannot be scanned. (A UTF-8 line cut short, :func:`cut_utf8`, is
    none: the caller, who has its decoding error, asks that first.)"""
    try:
        text = body.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return gbk_text(text)  # what the normaliser asks of GBK percent escapes too


def split_terminator(piece: bytes) -> tuple[bytes, bytes]:
    """``(body, terminator)``: the terminator is ``\\r\\n``, ``\\n`` or empty."""
    if piece.endswith(b"\r\n"):
        return piece[:-2], b"\r\n"
    if piece.endswith(b"\n"):
        return piece[:-1], b"\n"
    return piece, b""


def _cut(data: bytes, limit: int) -> int:
    """Where to end a fragment of *data* (longer than *limit*): after a delimiter near it."""
    window_start = max(limit - _CUT_WINDOW, 1)
    last = None
    for m in _DELIMITER.finditer(data, window_start, limit):
        last = m.end()
    return last if last is not None else limit


def _fragments(line: bytes, max_line: int) -> Iterator[bytes]:
    """A complete line longer than *max_line* as fragments of at most that many bytes."""
    while len(line) > max_line:
        at = _cut(line, max_line)
        yield line[:at]
        line = line[at:]
    if line:
        yield line


def _fileno(stream: BinaryIO) -> int | None:
    """The stream's file descriptor, or None (an in-memory stream)."""
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


def _widen_pipe(fd: int | None, size: int) -> None:
    """Let a pipe hold up to *size* bytes (Linux ``F_SETPIPE_SZ``; elsewhere a no-op).

    While a batch is masked the writer keeps writing; a 64 KiB pipe is full almost at once
    and the next batch is small again. ``/proc/sys/fs/pipe-max-size`` caps *size* (1 MiB
    by default); a refusal or another kind of file leaves the pipe as it is.
    """
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    get_size = getattr(fcntl, "F_GETPIPE_SZ", None) if fcntl is not None else None
    if fd is None or set_size is None or get_size is None:
        return
    try:
        # Only ever wider: a writer may have made the pipe larger still.
        if stat.S_ISFIFO(os.fstat(fd).st_mode) and fcntl.fcntl(fd, get_size) < size:
            fcntl.fcntl(fd, set_size, size)
    except OSError:
        pass


def _ready(fd: int) -> bool:
    """Whether reading *fd* would return at once (data, or end of file)."""
    try:
        readable, _, _ = select.select([fd], [], [], 0)
    except (OSError, ValueError):  # not selectable here (a Windows pipe, fd >= FD_SETSIZE)
        return False
    return bool(readable)


def _read_ready(read: Callable[[int], bytes], fd: int | None, block: int) -> bytes:
    """One read of up to *block* bytes, then more while more is ready, up to *block*.

    Never waits for data that has not arrived: a line that trickles in is returned alone.
    """
    chunk = read(block)
    if fd is None or not chunk or len(chunk) >= block:
        return chunk
    parts = [chunk]
    size = len(chunk)
    while size < block and _ready(fd):
        more = read(block - size)
        if not more:  # end of file: the next read says so again
            break
        parts.append(more)
        size += len(more)
    return b"".join(parts)


def read_pieces(
    stream: BinaryIO,
    *,
    block: int = DEFAULT_BLOCK,
    max_line: int = DEFAULT_MAX_LINE,
    line_buffered: bool = False,
) -> Iterator[list[bytes]]:
    """Batches of pieces of *stream* (see the module docstring), in order.

    With ``line_buffered`` every batch holds one piece, read with ``readline``, so each
    line is answered before the next is read.
    """
    if line_buffered:
        while True:
            piece = stream.readline(max_line)
            if not piece:
                return
            yield [piece]
    read = getattr(stream, "read1", stream.read)
    fd = _fileno(stream)
    _widen_pipe(fd, min(block, _PIPE_SIZE))
    carry = b""
    while True:
        chunk = _read_ready(read, fd, block)
        if not chunk:
            break
        data = carry + chunk if carry else chunk
        end = data.rfind(b"\n") + 1
        pieces: list[bytes] = []
        if end:
            for part in data[:end].split(b"\n")[:-1]:
                if len(part) < max_line:
                    pieces.append(part + b"\n")
                else:
                    pieces.extend(_fragments(part + b"\n", max_line))
            carry = data[end:]
        else:
            carry = data
        while len(carry) > max_line:
            at = _cut(carry, max_line)
            pieces.append(carry[:at])
            carry = carry[at:]
        if pieces:
            yield pieces
    if carry:
        yield [carry]
