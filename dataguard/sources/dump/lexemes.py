"""Regular-expression pieces for SQL names, strings and numbers, shared by the scanners.

The statement splitter, the INSERT value patterns, the COPY header and the DDL lexer are all
built from these, so that the dialects' quoting rules are written down once.
"""

from __future__ import annotations

import re

# An identifier: `back quoted`, "double quoted" or bare (Unicode letters, digits, _ and $).
IDENT = r"(?:`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|[\w$]+)"
# A name qualified by up to two identifiers (database.schema.table).
NAME = rf"{IDENT}(?:\s*\.\s*{IDENT}){{0,2}}"
# The inside of a column list: identifiers separated by commas.
COLUMNS = rf"\s*{IDENT}\s*(?:,\s*{IDENT}\s*)*"
IDENT_RE = re.compile(IDENT)

# The body of a PostgreSQL E'…' string (backslash escapes always apply).
E_BODY = r"[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+"
WS = r"[ \t\r\n]*+"
NUMBER = r"[-+]?(?:\d++(?:\.\d*+)?|\.\d++)(?:[eE][-+]?\d++)?"
# '…'::type, '…'::timestamp(0) without time zone, '{1}'::integer[]
PG_CAST = rf"(?:{WS}::(?:[\w.\"$ \t\r\n\[\]]++|\([^()]*+\))*+)*+"


def string_bodies(backslash: bool) -> tuple[str, str]:
    """Regex bodies (without quotes) of single- and double-quoted strings."""
    if backslash:
        return r"[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+", r'[^"\\]*+(?:(?:\\.|"")[^"\\]*+)*+'
    return r"[^']*+(?:''[^']*+)*+", r'[^"]*+(?:""[^"]*+)*+'


def match_end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where a match of *pattern* (one that may be empty) at *pos* ends."""
    match = pattern.match(text, pos)
    return match.end() if match else pos


def unquote(ident: str) -> str:
    """An identifier without its back or double quotes (doubled quotes undone)."""
    if len(ident) >= 2 and ident[0] == ident[-1] and ident[0] in '`"':
        quote = ident[0]
        return ident[1:-1].replace(quote * 2, quote)
    return ident


def split_name(text: str) -> list[str]:
    """The unquoted identifiers of a qualified name or a column list, in order."""
    return [unquote(m.group()) for m in IDENT_RE.finditer(text)]
