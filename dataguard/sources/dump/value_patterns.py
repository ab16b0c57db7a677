"""Regular expressions for the values of INSERT tuples, per dialect and quoting mode.

Two speeds: :func:`row_pattern` reads a whole row of common values (strings, numbers, NULL,
words, ``0x…``) with one match, and :func:`value_patterns` reads any value one at a time,
with a prefix pattern that tells a value cut by the end of the buffer from a malformed one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from dataguard.sources.dump.lexemes import E_BODY, NUMBER, PG_CAST, WS, string_bodies
from dataguard.sources.dump.literals import hex_text


@lru_cache(maxsize=8)
def value_patterns(dialect: str, backslash: bool) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(one value and the ',' or ')' after it, a prefix of one) for *dialect*.

    Group numbers say what matched: 1 string, 2 number, 3 NULL, then per dialect
    (MySQL: 4/5 hex, 6 double-quoted string, 7/8 bits, 9 word; PostgreSQL: 4 E-string, 5 word).
    """
    single, double = string_bodies(backslash)
    if dialect == "mysql":
        value = (
            rf"{WS}(?:(?:(?<![\w$])_[A-Za-z0-9]++{WS}|[Nn])?'({single})'"
            rf"|({NUMBER})|((?i:NULL))(?![\w$])"
            r"|0x([0-9A-Fa-f]++)|[Xx]'([0-9A-Fa-f]*+)'"
            rf'|"({double})"'
            r"|0b([01]++)|[Bb]'([01]*+)'"
            r"|([A-Za-z_][\w$]*+))"
            rf"{WS}[,)]"
        )
        prefix = (
            rf"{WS}(?:(?:_[A-Za-z0-9]*+{WS}|[NnXxBb])?'{single}(?:\\|'{WS})?"
            rf'|"{double}(?:\\|"{WS})?|[\w.+\-$]*+{WS})'
        )
    else:
        value = (
            rf"{WS}(?:'({single})'|({NUMBER})|((?i:NULL))(?![\w$])"
            rf"|[Ee]'({E_BODY})'|([A-Za-z_][\w$]*+))"
            rf"{PG_CAST}{WS}[,)]"
        )
        # A plain string's prefix is read with the plain body. Read as an E-string body,
        # a plain value with a backslash before a doubled quote, cut after a later
        # backslash, was no prefix of anything (found by hypothesis), so a row split
        # across two reads was refused.
        prefix = (
            rf"{WS}(?:'{single}(?:\\|')?|[Ee]'{E_BODY}(?:\\|')?|[\w.+\-$]*+)"
            r"(?:[ \t\r\n:\w.\"\[\]]|\([^()]*+\)?)*+"
        )
    return re.compile(value, re.S), re.compile(prefix, re.S)


@lru_cache(maxsize=64)
def row_pattern(dialect: str, backslash: bool, width: int, delimiter: str) -> re.Pattern[str]:
    """A whole row of *width* common values (strings, numbers, NULL, words, 0x…) after its
    "(", with the "," and "(" of the next row or the delimiter: one group per value."""
    single, _ = string_bodies(backslash)
    hex_literal = r"|0x[0-9A-Fa-f]++" if dialect == "mysql" else ""
    value = rf"{WS}('{single}'|{NUMBER}{hex_literal}|[A-Za-z_][\w$]*+){WS}"
    values = ",".join([value] * width)
    return re.compile(rf"{values}\){WS}(?:,{WS}\(|{re.escape(delimiter)})", re.S)


def fast_converter(mysql: bool, unescape: Callable[[str], str]) -> Callable[[str], str | None]:
    """The value of one token matched by :func:`row_pattern`."""

    def convert(token: str) -> str | None:
        first = token[0]
        if first == "'":
            text = token[1:-1]
            return unescape(text) if "\\" in text or "''" in text else text
        if first in "Nn" and token.upper() == "NULL":
            return None
        if mysql and first == "0" and token[1:2] in ("x", "X"):
            return hex_text(token[2:])
        return token

    return convert
