"""Log streams as pieces: whole lines, and bounded fragments of huge lines.

:func:`read_pieces` turns a binary stream into batches of *pieces* whose concatenation is
exactly the stream's bytes: nothing is decoded, dropped, merged or reordered here. A piece
is a complete line with its terminator, a last line without one, or, for a line longer
than ``max_line`` bytes, a fragment of it, so that a 50 MB line never has to sit in memory
whole. Fragments are cut after a delimiter byte (space, tab, comma, semicolon, ``&``,
quotes, brackets) near the limit when there is one: values are written between delimiters,
so a finding is rarely split; a fragment boundary inside a multi-byte character is safe,
because the masker decodes with ``surrogateescape`` and writes the same bytes back.

Reads are adaptive: ``read1`` returns what the pipe holds, up to ``block`` bytes, so lines
that trickle in come out one batch each (low latency) and a streaming file comes out in
large blocks (throughput), with no timer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

__all__ = ["DEFAULT_BLOCK", "DEFAULT_MAX_LINE", "read_pieces", "split_terminator"]

DEFAULT_BLOCK = 1 << 20
DEFAULT_MAX_LINE = 1 << 20
# How far back from the limit a fragment cut looks for a delimiter.
_CUT_WINDOW = 64 * 1024
_DELIMITER = re.compile(rb"[ \t,;&\"'<>()\[\]{}|]")


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
    carry = b""
    while True:
        chunk = read(block)
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
