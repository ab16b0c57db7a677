"""Splitting a dump into statements: comments, quotes, dollar quotes and ``DELIMITER``.

The scanner moves past whitespace, comments and psql meta-commands (:func:`skip_space`), then
past one statement up to its delimiter (:func:`move_past_statement`), token by token, so a
skipped statement is never held whole. It knows the quoting of each dialect: MySQL's
backslash escapes (off under NO_BACKSLASH_ESCAPES), back-quoted names, ``#`` comments and
``/*!40101 … */`` conditional comments; PostgreSQL's standard and ``E'…'`` strings and
``$tag$ … $tag$`` dollar quotes.

Why the data is scanned by hand and not with sqlparse
=====================================================

sqlparse is used for what it is fit for: it lexes the DDL statements (``CREATE TABLE``,
``COMMENT ON``, ``ALTER TABLE``) into words, names, numbers and punctuation
(:mod:`~dataguard.sources.dump.ddl_lexer`). It is not used for statement splitting or for row
data, for two measured reasons:

* **Speed and size** (measured with sqlparse 0.6.1 on CPython 3.11, on a generated mysqldump
  extended ``INSERT`` of synthetic customer rows with Chinese names and addresses):
  ``sqlparse.parse`` refuses any statement of more than 10 000 tokens (its DoS guard
  ``MAX_GROUPING_TOKENS``), which is about 90 KB of ``INSERT``, while mysqldump writes 1 MB
  statements by default. Below the limit it read 0.7 MB/s (83 KB in 0.12 s); with the limit
  lifted, a 1.4 MB statement took 22.8 s (0.06 MB/s: grouping is superlinear). Its bare lexer,
  ``sqlparse.lexer.tokenize``, read a 4 MB statement at 1.9 MB/s and ``sqlparse.split`` at
  1.6 MB/s. The scanner of this package reads the same 4 MB file at about 40 MB/s (44-50 MB/s
  for MySQL INSERTs and 95 MB/s for COPY blocks on 40 MB files), so a 5 GB dump takes minutes
  instead of most of an hour just to be lexed.
* **Correctness**: sqlparse's string rule misreads backslashes in strings; see
  :mod:`~dataguard.sources.dump.ddl_lexer` for the cases and how the DDL lexer avoids them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dataguard.sources.dump.lexemes import E_BODY, match_end, split_name, string_bodies
from dataguard.sources.dump.session import Session, qualified
from dataguard.sources.dump.stream import TextWindow

_GUARD = 8  # a token this close to the end of the buffer may continue after it
_HEADER_WINDOW = 1 << 20  # the longest INSERT/COPY header (column list) that is read

FIRST_WORD = re.compile(r"[A-Za-z_]+")
# The statements whose text is kept and read: table definitions and the settings that change
# how the rest of the dump is read.
KEPT = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL)\s+)?(?:(?:TEMPORARY|TEMP|UNLOGGED)\s+)?"
    r"TABLE\b|COMMENT\s+ON\s+(?:TABLE|COLUMN)\b|ALTER\s+TABLE\b|SET\s|USE\s|"
    r"SELECT\s+pg_catalog\.set_config\s*\(\s*'search_path'",
    re.I,
)
DELIMITER = re.compile(r"DELIMITER[ \t]+(\S+)[ \t]*(?:\r?\n|$)", re.I)
_SPACE = re.compile(r"\s*+")


@lru_cache(maxsize=16)
def _statement_pattern(dialect: str, backslash: bool, delimiter: str) -> re.Pattern[str]:
    """One token of a statement: the delimiter (group ``delim``), a comment, up to 64 runs of
    plain text and complete strings or quoted names (few tokens, so skipping is fast, yet a
    token is short enough to re-read when the buffer ends inside it), an opener left
    unterminated in the buffer (group ``open``), a word, or any single character."""
    single, double = string_bodies(backslash)
    delim = re.escape(delimiter)
    first = re.escape(delimiter[0])
    lone = rf"(?!{delim})-(?!-)|(?!{delim})/(?!\*)"  # a '-' or '/' that starts no comment
    if dialect == "mysql":
        bulk = rf"[^'\"`/\#\-{first}]++|'{single}'|\"{double}\"|`[^`]*+(?:``[^`]*+)*+`|{lone}"
        alternatives = [
            r"/\*.*?\*/",
            r"--(?=[ \t\r\n])[^\n]*+\n?",
            r"\#[^\n]*+\n?",
            rf"(?:{bulk}){{1,64}}+",
            r"(?P<open>['\"`]|/\*)",
        ]
    else:
        bulk = (
            rf"[^'\"$/\-\w{first}]++|\w[\w$]*+(?!')|(?<![\w$])[Ee]'{E_BODY}'|'{single}'"
            r'|"[^"]*+(?:""[^"]*+)*+"'
            r"|(?<![\w$])\$(?P<tag>(?:[^\W\d]\w*+)?)\$.*?\$(?P=tag)\$"
            rf"|{lone}"
        )
        alternatives = [
            r"/\*.*?\*/",
            r"--[^\n]*+\n?",
            rf"(?:{bulk}){{1,64}}+",
            r"(?P<open>(?<![\w$])[Ee]'|['\"]|/\*|(?<![\w$])\$(?:[^\W\d]\w*+)?\$)",
            r"\w[\w$]*+",
        ]
    pattern = "|".join([f"(?P<delim>{delim})", *alternatives, "."])
    return re.compile(pattern, re.S)


def skip_space(window: TextWindow, session: Session) -> bool:
    """Move past whitespace, comments and psql meta-commands; False at the end."""
    while True:
        buf = window.buf
        pos = match_end(_SPACE, buf, window.pos)
        window.pos = pos
        if len(buf) - pos < 4 and not window.eof:
            window.pos -= window.more(pos)
            continue
        if pos >= len(buf):
            return False
        char = buf[pos]
        if buf.startswith("--", pos) or char == "\\" or (char == "#" and session.mysql):
            end = buf.find("\n", pos)
            if end < 0:
                if window.eof:
                    window.pos = len(buf)
                    return False
                window.pos -= window.more(pos)
                continue
            window.pos = end + 1
        elif buf.startswith("/*", pos):
            end = buf.find("*/", pos + 2)
            if end < 0:
                if window.eof:
                    raise window.error(pos, "unterminated /* comment")
                window.pos -= window.more(pos)
                continue
            if session.mysql and buf.startswith(("/*!", "/*M!"), pos):
                session.sql_mode(buf[pos + 2 : end])
            window.pos = end + 2
        else:
            return True


def move_past_statement(window: TextWindow, session: Session, *, keep: bool) -> str | None:
    """Move past the statement at ``pos`` and its delimiter; its text when *keep*.

    A skipped statement is never held whole: the buffer is dropped token by token.
    """
    pattern = _statement_pattern(session.dialect, session.backslash, session.delimiter)
    guard = max(_GUARD, len(session.delimiter) + 2)
    start = pos = window.pos
    while True:
        buf = window.buf
        size = len(buf)
        match = pattern.match(buf, pos)
        if match is None or (match.end() > size - guard and not window.eof):
            if window.eof:  # the file ends without a delimiter: accept what is there
                window.pos = size
                return buf[start:size] if keep else None
            shift = window.more(start if keep else pos)
            start -= shift
            pos -= shift
            continue
        group = match.lastgroup
        if group == "delim":
            window.pos = match.end()
            return buf[start : match.start()] if keep else None
        if group == "open":
            if window.eof:
                what = "string or quoted name" if match.group() in "'\"`" else "comment"
                raise window.error(pos, f"unterminated {what}; the file may be truncated")
            shift = window.more(start if keep else pos)
            start -= shift
            pos -= shift
            continue
        pos = match.end()


def read_header(window: TextWindow, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The INSERT or COPY header at ``pos``, read on until it is whole (or too long)."""
    while True:
        match = pattern.match(window.buf, window.pos)
        if match or window.eof or len(window.buf) - window.pos >= _HEADER_WINDOW:
            return match
        window.pos -= window.more(window.pos)


def header_target(session: Session, header: re.Match[str]) -> tuple[str, tuple[str, ...] | None]:
    """The qualified table and the column list (None when absent) of an INSERT or COPY
    header (groups ``table`` and ``columns``)."""
    table = qualified(*session.qualify(split_name(header.group("table"))))
    columns = header.group("columns")
    return table, tuple(split_name(columns)) if columns is not None else None
