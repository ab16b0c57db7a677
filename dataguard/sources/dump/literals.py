"""What the text of a SQL string or hex literal stands for, by the rules of each dialect.

The ``# ref.`` tables below are the escape rules of MySQL strings, PostgreSQL ``E'…'`` strings
and PostgreSQL COPY text fields; standard strings (PostgreSQL, MySQL's NO_BACKSLASH_ESCAPES)
only double their quote.
"""

from __future__ import annotations

import re

# ref. MySQL 8.0 Reference Manual, 11.1.1 "String Literals", Table 11.1 "Special Character
# Escape Sequences". Any other escaped character stands for itself; \% and \_ keep their
# backslash outside pattern matching. A quote may also be written twice ('' inside '…').
_MYSQL_ESCAPES = {
    "0": "\0",
    "'": "'",
    '"': '"',
    "b": "\b",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "Z": "\x1a",
    "\\": "\\",
    "%": "\\%",
    "_": "\\_",
}
_MYSQL_ESCAPE = {"'": re.compile(r"\\(.)|''", re.S), '"': re.compile(r'\\(.)|""', re.S)}


def mysql_unescape(text: str, quote: str = "'") -> str:
    """The content of a MySQL string literal quoted with *quote*, escapes resolved."""

    def one(match: re.Match[str]) -> str:
        char = match.group(1)
        return quote if char is None else _MYSQL_ESCAPES.get(char, char)

    return _MYSQL_ESCAPE[quote].sub(one, text)


def undouble(text: str, quote: str = "'") -> str:
    """The content of a string without backslash escapes (PostgreSQL standard strings,
    MySQL's NO_BACKSLASH_ESCAPES): only the doubled quote."""
    return text.replace(quote + quote, quote)


# ref. PostgreSQL 16 documentation, 4.1.2.2 "String Constants with C-Style Escapes",
# Table 4.1 "Backslash Escape Sequences": \b \f \n \r \t, \o \oo \ooo (octal byte value),
# \xh \xhh (hexadecimal byte value), \uxxxx \Uxxxxxxxx (Unicode); any other character after a
# backslash is taken literally; '' is a quote. Octal and hex escapes are bytes in the client
# encoding, so several of them may spell one character.
_PG_E_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_PG_E_ESCAPE = re.compile(
    r"\\(?:(?P<oct>[0-7]{1,3})|x(?P<hex>[0-9A-Fa-f]{1,2})|u(?P<u4>[0-9A-Fa-f]{4})"
    r"|U(?P<u8>[0-9A-Fa-f]{8})|(?P<char>.))|(?P<quote>'')",
    re.S,
)

# ref. PostgreSQL 16 documentation, COPY, "File Formats" → "Text Format": \b \f \n \r \t \v,
# \digits (one to three octal digits: a byte), \xdigits (one or two hex digits: a byte); a
# backslash before any other character stands for that character; \N alone is NULL.
_COPY_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_COPY_ESCAPE = re.compile(r"\\(?:(?P<oct>[0-7]{1,3})|x(?P<hex>[0-9A-Fa-f]{1,2})|(?P<char>.))", re.S)


def _escape_value(match: re.Match[str], simple: dict[str, str]) -> str | int:
    """What one backslash escape stands for: text, or a byte (an int)."""
    kind = match.lastgroup
    if kind == "char":
        char = match.group("char")
        return simple.get(char, char)
    if kind == "oct":
        return int(match.group("oct"), 8) & 0xFF
    if kind == "hex":
        return int(match.group("hex"), 16)
    if kind == "quote":
        return "'"
    code = int(match.group(kind or "u4"), 16)
    return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def _unescape_backslashes(
    text: str, pattern: re.Pattern[str], simple: dict[str, str], encoding: str
) -> str:
    """Resolve the backslash escapes of a PostgreSQL E-string or COPY field."""
    parts: list[str | int] = []
    last = 0
    for match in pattern.finditer(text):
        parts.append(text[last : match.start()])
        parts.append(_escape_value(match, simple))
        last = match.end()
    parts.append(text[last:])
    if not any(isinstance(part, int) for part in parts):
        return "".join(part for part in parts if isinstance(part, str))
    data = bytearray()
    for part in parts:
        if isinstance(part, int):
            data.append(part)
        else:
            data += part.encode(encoding, "replace")
    return data.decode(encoding, "replace")


def pg_e_unescape(text: str, encoding: str) -> str:
    """The content of a PostgreSQL ``E'…'`` string (or a string read with
    standard_conforming_strings off); byte escapes are decoded with *encoding*."""
    return _unescape_backslashes(text, _PG_E_ESCAPE, _PG_E_ESCAPES, encoding)


def copy_unescape(text: str, encoding: str) -> str:
    """A field of a COPY text-format line (not ``\\N``), escapes resolved."""
    return _unescape_backslashes(text, _COPY_ESCAPE, _COPY_ESCAPES, encoding)


def hex_text(digits: str) -> str:
    """A MySQL hex literal as text: its bytes if they are UTF-8, else ``0x`` + hex digits."""
    if len(digits) % 2:
        digits = "0" + digits  # MySQL pads an odd 0x literal on the left
    try:
        return bytes.fromhex(digits).decode("utf-8")
    except UnicodeDecodeError:
        return "0x" + digits.upper()
