"""The rows of pg_dump's ``COPY … FROM stdin;`` blocks (text format), read line by line.

A block ends at a line holding only ``\\.``. Fields are separated by tabs, ``\\N`` is NULL
and backslash escapes are resolved by the COPY rules (:func:`.literals.copy_unescape`).
Whole lines are split a block of up to 256 Ki characters at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dataguard.errors import UsageError
from dataguard.sources.dump.lexemes import COLUMNS, NAME
from dataguard.sources.dump.literals import copy_unescape
from dataguard.sources.dump.rows import DumpRows
from dataguard.sources.dump.session import Session
from dataguard.sources.dump.statements import header_target
from dataguard.sources.dump.stream import TextWindow

_COPY_BLOCK = 1 << 18  # characters of COPY lines split at once

COPY_HEADER = re.compile(
    rf"COPY\s+(?P<table>{NAME})\s*(?:\((?P<columns>{COLUMNS})\)\s*)?"
    r"FROM\s+stdin\b(?P<options>[^;]*);[ \t]*\r?\n",
    re.I,
)
_COPY_TEXT_OPTIONS = re.compile(r"\s*(?:WITH\s*)?(?:\(\s*FORMAT\s+'?text'?\s*\))?\s*", re.I)


def read_copy(
    window: TextWindow,
    session: Session,
    header: re.Match[str],
    line: int,
    batch_rows: int,
    *,
    rows: bool,
) -> Iterator[DumpRows]:
    """The rows of the COPY block whose *header* (:data:`COPY_HEADER`) was matched at
    ``pos``, in batches of at most *batch_rows* (none, and no parsing, unless *rows*);
    ``pos`` ends up after the end marker's line."""
    table, column_names = header_target(session, header)
    if rows and not _COPY_TEXT_OPTIONS.fullmatch(header.group("options")):
        raise window.error(
            window.pos,
            f"COPY into {table} uses options other than the default text format; "
            "only pg_dump's plain COPY blocks are supported",
        )
    width = len(column_names) if column_names is not None else None
    pos = header.end()
    row_line = line + header.group().count("\n")
    batch: list[tuple[str | None, ...]] = []
    encoding = window.encoding
    unescape = copy_unescape
    while True:
        buf = window.buf
        # a block of whole lines, of at most _COPY_BLOCK characters unless one line is longer
        last = buf.rfind("\n", pos, pos + _COPY_BLOCK)
        if last < 0:
            last = buf.find("\n", pos)
        if last < 0:  # no complete line in the buffer
            if not window.eof:
                pos -= window.more(pos)
                continue
            if buf[pos:].rstrip("\r") == "\\.":  # the end marker without a newline
                window.pos = len(buf)
                break
            raise window.error(
                len(buf) - 1 if buf.endswith("\n") else len(buf),
                f"the COPY block of {table} has no end marker (\\.); the file may be truncated",
            )
        end = _copy_end(buf, pos, last + 1)
        stop = end if end >= 0 else last + 1
        if rows and stop > pos:
            block = buf[pos : stop - 1]
            if "\r" in block:  # CRLF line ends
                block = block.replace("\r\n", "\n").removesuffix("\r")
            for data in block.split("\n"):
                fields = data.split("\t")
                if width is None:
                    width = len(fields)
                elif len(fields) != width:
                    raise UsageError(
                        f"{window.name}:{row_line}: a COPY row of {table} has {len(fields)} "
                        f"fields where {width} are expected"
                    )
                batch.append(
                    tuple(
                        [
                            None if f == "\\N" else (unescape(f, encoding) if "\\" in f else f)
                            for f in fields
                        ]
                    )
                )
                row_line += 1
                if len(batch) >= batch_rows:
                    yield DumpRows(table, column_names, batch, line)
                    batch = []
        if end >= 0:
            newline = buf.find("\n", end)
            window.pos = len(buf) if newline < 0 else newline + 1
            break
        pos = last + 1
    if batch:
        yield DumpRows(table, column_names, batch, line)


def _copy_end(buf: str, start: int, stop: int) -> int:
    """Where the ``\\.`` line that ends a COPY block starts in buf[start:stop], or -1."""
    if buf.startswith("\\.", start) and buf[start + 2 : start + 3] in ("\n", "\r", ""):
        return start
    index = start
    while True:
        index = buf.find("\n\\.", index, stop)
        if index < 0:
            return -1
        if buf[index + 3 : index + 4] in ("\n", "\r", ""):
            return index + 1
        index += 3
