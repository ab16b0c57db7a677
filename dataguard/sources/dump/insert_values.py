"""The rows of ``INSERT``/``REPLACE … VALUES (…), (…)`` statements, read as they arrive.

A statement may be far larger than the buffer (mysqldump writes 1 MB statements, and a dump
may hold one INSERT of many megabytes): rows are parsed tuple by tuple and handed out in
batches, and only the unread rest of the statement stays in memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from dataguard.sources.dump.lexemes import COLUMNS, NAME, WS, match_end
from dataguard.sources.dump.literals import hex_text, mysql_unescape, pg_e_unescape, undouble
from dataguard.sources.dump.rows import DumpRows
from dataguard.sources.dump.session import Session
from dataguard.sources.dump.statements import header_target, move_past_statement
from dataguard.sources.dump.stream import TextWindow
from dataguard.sources.dump.value_patterns import fast_converter, row_pattern, value_patterns

INSERT_HEADER = re.compile(
    rf"(?:INSERT|REPLACE)\s+(?:(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE)\s+)*"
    rf"(?:INTO\s+)?(?P<table>{NAME})\s*(?:PARTITION\s*\([^()]*\)\s*)?"
    rf"(?:\((?P<columns>{COLUMNS})\)\s*)?(?:OVERRIDING\s+(?:SYSTEM|USER)\s+VALUE\s+)?"
    r"VALUES?(?=[\s(])",
    re.I,
)
_OPEN_TUPLE = re.compile(r"[ \t\r\n]*+\(")
_EMPTY_TUPLE = re.compile(r"[ \t\r\n]*+\)")
_BLANKS = re.compile(r"[ \t\r\n]*+(?:,[ \t\r\n]*+)?")
_WORD_AHEAD = re.compile(r"[ \t\r\n]*+[A-Za-z]")


def read_insert(
    window: TextWindow, session: Session, header: re.Match[str], line: int, batch_rows: int
) -> Iterator[DumpRows]:
    """The rows of the INSERT whose *header* (:data:`INSERT_HEADER`) was matched at ``pos``,
    in batches of at most *batch_rows*; ``pos`` ends up after the statement's delimiter."""
    table, column_names = header_target(session, header)
    width = len(column_names) if column_names is not None else None
    delimiter = session.delimiter
    after = re.compile(rf"{WS}(?:(,){WS}\(|({re.escape(delimiter)}))")
    what = f"in the VALUES of an INSERT into {table}"
    # The fast path reads a whole row with one match once its width is known; rows with
    # rarer values (introducers, X'…', E'…', casts) and rows cut by the end of the buffer
    # go through _row, one value at a time.
    fast: Callable[[str, int], re.Match[str] | None] | None = None
    convert = fast_converter(session.mysql, _unescaper(session, window.encoding))
    rows: list[tuple[str | None, ...]] = []
    pos = header.end()
    buf = window.buf
    opening = _OPEN_TUPLE.match(buf, pos)
    while opening is None and not window.eof and _BLANKS.fullmatch(buf, pos):
        pos -= window.more(pos)
        buf = window.buf
        opening = _OPEN_TUPLE.match(buf, pos)
    if opening is None:
        raise window.error(pos, f"expected '(' {what}")
    pos = opening.end()
    while True:  # one tuple; pos is just after its "("
        if fast is not None:
            match = fast(buf, pos)
            if match is not None:
                rows.append(tuple(map(convert, match.groups())))
                if len(rows) >= batch_rows:
                    yield DumpRows(table, column_names, rows, line)
                    rows = []
                pos = match.end()
                if buf[pos - 1] == "(":
                    continue
                break  # the delimiter
        row, pos = _row(window, session, pos, what)
        buf = window.buf
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise window.error(
                pos, f"a row has {len(row)} values where {width} are expected {what}"
            )
        if fast is None and width:
            fast = row_pattern(session.dialect, session.backslash, width, delimiter).match
        rows.append(row)
        if len(rows) >= batch_rows:
            yield DumpRows(table, column_names, rows, line)
            rows = []
        while True:  # after the tuple: "," and the next "(", or the delimiter
            match = after.match(buf, pos)
            if match is not None or window.eof:
                break
            # Only blanks, a comma or the start of the delimiter before the end of the
            # buffer: the rest is still to be read.
            blank = match_end(_BLANKS, buf, pos)
            if len(buf) - blank >= len(delimiter) or not delimiter.startswith(buf[blank:]):
                break
            pos -= window.more(pos)
            buf = window.buf
        if match is not None:
            pos = match.end()
            if match.group(1) is None:  # the delimiter
                break
            continue
        if _BLANKS.fullmatch(buf, pos):  # end of file without a delimiter
            pos = len(buf)
            break
        if _WORD_AHEAD.match(buf, pos):  # ON DUPLICATE KEY UPDATE …, RETURNING …
            window.pos = pos
            move_past_statement(window, session, keep=False)
            pos = window.pos
            break
        blank = match_end(_BLANKS, buf, pos)
        if "," in buf[pos:blank]:
            raise window.error(blank, f"expected '(' of the next row {what}")
        raise window.error(pos, f"expected ',' or '{delimiter}' after a row {what}")
    window.pos = pos
    if rows:
        yield DumpRows(table, column_names, rows, line)


def _unescaper(session: Session, encoding: str) -> Callable[[str], str]:
    """How the content of a '…' string is unescaped in the current mode."""
    if not session.backslash:
        return undouble
    if session.mysql:
        return mysql_unescape

    def escaped(text: str) -> str:  # PostgreSQL with standard_conforming_strings off
        return pg_e_unescape(text, encoding)

    return escaped


def _row(
    window: TextWindow, session: Session, pos: int, what: str
) -> tuple[tuple[str | None, ...], int]:
    """The values of the tuple whose "(" ends at *pos*, and the index after its ")"."""
    value_pattern, prefix_pattern = value_patterns(session.dialect, session.backslash)
    unescape = _unescaper(session, window.encoding)
    buf = window.buf
    empty = _EMPTY_TUPLE.match(buf, pos)
    if empty is not None:
        return (), empty.end()
    row: list[str | None] = []
    while True:
        match = value_pattern.match(buf, pos)
        if match is None:
            if prefix_pattern.fullmatch(buf, pos):
                if not window.eof:
                    pos -= window.more(pos)
                    buf = window.buf
                    continue
                raise window.error(pos, f"the file ends inside a row {what}; it may be truncated")
            raise window.error(pos, f"not a value, or an unterminated string, {what}")
        kind = match.lastindex or 0
        value: str | None
        if kind == 1:
            value = match.group(1)
            if "\\" in value or "''" in value:
                value = unescape(value)
        elif kind == 2:
            value = match.group(2)
        elif kind == 3:
            value = None
        else:
            value = _other_value(match, kind, session, window.encoding)
        row.append(value)
        pos = match.end()
        if buf[pos - 1] == ")":
            return tuple(row), pos


def _other_value(match: re.Match[str], kind: int, session: Session, encoding: str) -> str:
    """A value of the rarer kinds (group *kind* of :func:`value_patterns`) as text."""
    text = match.group(kind)
    if session.mysql:
        if kind in (4, 5):
            return hex_text(text)
        if kind == 6:
            return mysql_unescape(text, '"') if session.backslash else undouble(text, '"')
        if kind in (7, 8):
            return "0b" + text
        return text
    if kind == 4:
        return pg_e_unescape(text, encoding)
    return text
