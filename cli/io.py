"""Line-oriented input for the CLI: files or stdin, bytes in, text records out.

Input is read as bytes and decoded as UTF-8 with ``surrogateescape``, so invalid UTF-8 or
binary junk never stops a run: each undecodable byte becomes one code point (a lone
surrogate) that no recognizer matches, and offsets still count code points of the record.
A record is a line without its ``\\n`` (or ``\\r\\n``) terminator.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from typing import BinaryIO

from dataguard.sources.compressed import (
    compression_of_file,
    decompressing,
    open_decompressed,
)
from dataguard.sources.logs import decode_text, read_pieces
from dataguard.sources.utf16 import lines_encoding, utf8_lines

__all__ = [
    "BATCH_BYTES",
    "batches",
    "decode_line",
    "open_inputs",
    "silence_closed_stdout",
    "stdin_is_interactive",
    "total_size",
]

#: Most bytes one batch reads: with ``detect``'s 32,768-record cap, a batch costs polars'
#: fixed per-batch overhead (one planned scan per pattern) about once per 4 MB.
BATCH_BYTES = 4 << 20


def decode_line(raw: bytes, encoding: str = "utf-8") -> str:
    """A record's text: the line without its terminator, undecodable bytes escaped.

    *encoding*: one of :data:`~dataguard.sources.logs.ENCODINGS` (``auto``: per line).
    """
    if raw.endswith(b"\n"):
        raw = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
    return decode_text(raw, encoding)[0]


def open_inputs(stack: ExitStack, paths: Sequence[str]) -> list[BinaryIO]:
    """Binary streams for the given paths (``-`` or none means stdin), gzip, bzip2 and xz
    decompressed (:mod:`dataguard.sources.compressed`: a rotated ``app.log.1.gz`` is read
    as the lines it holds, not passed through as binary)."""
    streams: list[BinaryIO] = []
    for path in paths or ["-"]:
        if path == "-":
            streams.append(stack.enter_context(decompressing(sys.stdin.buffer, "stdin")))
        else:
            streams.append(stack.enter_context(open_decompressed(path)))
    return streams


def batches(
    streams: Sequence[BinaryIO],
    size: int,
    on_bytes: Callable[[int], object] | None = None,
    *,
    block: int = BATCH_BYTES,
    encoding: str = "utf-8",
) -> Iterator[list[str]]:
    """Records of all streams in order, in lists of at most ``size``.

    A list holds what the input holds *now* (up to ``block`` bytes and ``size`` records;
    :func:`~dataguard.sources.logs.read_pieces`), so ``tail -f app.log | dataguard
    detect`` answers each line as it arrives while a file or a busy pipe still comes in
    large batches. With ``size`` 1 every record is read alone, with ``readline``.
    ``on_bytes`` is told how many bytes each line took (for a progress bar). Lines are
    read in *encoding* (:func:`decode_line`); a stream starting with a UTF-16 byte-order
    mark, as UTF-16 (:mod:`dataguard.sources.utf16`).
    """
    for stream in streams:
        # A UTF-16 log (its byte-order mark) is read as text, UTF-8 once decoded.
        lines, decoded = utf8_lines(stream)
        read_in = lines_encoding(encoding, decoded)
        # A record is never cut: max_line is unbounded, a record needs its whole text.
        pieces = read_pieces(lines, block=block, max_line=sys.maxsize, line_buffered=size == 1)
        for arrived in pieces:
            for start in range(0, len(arrived), size):
                batch = arrived[start : start + size]
                if on_bytes is not None:
                    on_bytes(sum(map(len, batch)))
                yield [decode_line(raw, read_in) for raw in batch]


def total_size(paths: Sequence[str]) -> int | None:
    """Bytes in all the given regular files, or None when any input is a pipe or stdin."""
    if not paths:
        return None
    total = 0
    for path in paths:
        if path == "-" or not os.path.isfile(path):
            return None
        if compression_of_file(path) is not None:
            return None  # its size on disk says nothing of the lines it holds
        total += os.path.getsize(path)
    return total


def stdin_is_interactive() -> bool:
    """True when stdin is a terminal (records then go out one at a time)."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def silence_closed_stdout() -> None:
    """After stdout closed early (``| head``), stop the interpreter's exit-time error."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
