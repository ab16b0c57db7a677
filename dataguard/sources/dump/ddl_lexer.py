"""DDL statements as tokens: sqlparse's lexer, after the strings are hidden from it.

sqlparse lexes the kept DDL statements (``CREATE TABLE``, ``COMMENT ON``, ``ALTER TABLE``)
into words, names, numbers and punctuation; :class:`Cursor` walks the tokens for the grammar
in :mod:`~dataguard.sources.dump.ddl` and :mod:`~dataguard.sources.dump.ddl_clauses`.

Why the strings are hidden first
================================

**Correctness**: sqlparse's string rule ``'(''|\\\\'|[^'])*'`` reads ``\\'`` as an escaped
quote everywhere, so a MySQL string ending in an escaped backslash (``'C:\\\\'``) or a
PostgreSQL standard string ending in a backslash (``'C:\\'``) runs on past its closing quote
and swallows the rest of the statement. Before lexing DDL with sqlparse, this module
therefore replaces every string literal with a numbered placeholder, using the quoting rules
of the dialect; sqlparse then only ever sees ``'0'``, ``'1'``, …. (Why sqlparse is not used
for the rows: :mod:`~dataguard.sources.dump.statements`.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import sqlparse.lexer
from sqlparse import tokens as sqltokens

from dataguard.sources.dump.lexemes import E_BODY, string_bodies, unquote
from dataguard.sources.dump.literals import mysql_unescape, pg_e_unescape, undouble


class Malformed(Exception):
    """A DDL statement this package cannot read although it was kept for reading."""


@dataclass(frozen=True)
class Token:
    """One DDL token: its kind and text (names unquoted, strings unescaped)."""

    kind: str  # word, ident (quoted), str, num, punct
    text: str

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


@lru_cache(maxsize=8)
def _hide_pattern(dialect: str, backslash: bool) -> re.Pattern[str]:
    """String literals, quoted identifiers and comments of a complete DDL statement."""
    single, double = string_bodies(backslash)
    if dialect == "mysql":
        strings = rf"(?P<s>(?:(?<![\w$])_[A-Za-z0-9]+\s*|N(?='))?'{single}')|(?P<d>\"{double}\")"
        rest = (
            r"(?P<ident>`[^`]*+(?:``[^`]*+)*+`)|(?P<cond>/\*[M]?!\d*|\*/)"
            r"|(?P<comment>/\*.*?\*/|--(?=\s)[^\n]*|\#[^\n]*)"
        )
    else:
        strings = (
            rf"(?P<e>(?<![\w$])[Ee]'{E_BODY}')|(?P<s>'{single}')"
            r"|(?P<dollar>(?<![\w$])\$(?P<tag>(?:[^\W\d]\w*)?)\$.*?\$(?P=tag)\$)"
        )
        rest = r"(?P<ident>\"[^\"]*+(?:\"\"[^\"]*+)*+\")|(?P<comment>/\*.*?\*/|--[^\n]*)"
    return re.compile(f"{strings}|{rest}", re.S)


def lex(text: str, dialect: str, backslash: bool) -> list[Token]:
    """The tokens of a DDL statement: sqlparse's lexer, after hiding strings and comments.

    sqlparse misreads backslashes in strings (see the module docstring), so the strings are
    cut out first by the dialect's own rules and replaced with ``'0'``, ``'1'``, …
    """
    strings: list[str] = []

    def hide(match: re.Match[str]) -> str:
        group = match.lastgroup
        if group in ("ident",):
            return match.group()
        if group == "comment":
            return " "
        if group == "cond":  # /*!40101 … */: the content is SQL, the markers go
            return " "
        literal = match.group()
        if group == "e":
            value = pg_e_unescape(literal[2:-1], "utf-8")
        elif group == "dollar":
            tag = len(match.group("tag")) + 2
            value = literal[tag:-tag]
        elif group == "d":
            body = literal[1:-1]
            value = mysql_unescape(body, '"') if backslash else undouble(body, '"')
        else:
            body = literal[literal.index("'") + 1 : -1]
            value = mysql_unescape(body) if backslash else undouble(body)
        strings.append(value)
        return f" '{len(strings) - 1}' "

    hidden = _hide_pattern(dialect, backslash).sub(hide, text)
    out: list[Token] = []
    for ttype, value in sqlparse.lexer.tokenize(hidden):
        if ttype in sqltokens.Whitespace or ttype in sqltokens.Comment:
            continue
        if ttype in sqltokens.String.Single:
            out.append(Token("str", strings[int(value[1:-1])]))
        elif ttype in sqltokens.String.Symbol or value[:1] in ("`", '"'):
            out.append(Token("ident", unquote(value)))
        elif (ttype in sqltokens.Punctuation or ttype in sqltokens.Operator) and not (
            value[:1].isalpha()  # LIKE, IN … are operators to sqlparse, words here
        ):
            out.append(Token("punct", value))
        elif ttype in sqltokens.Number:
            out.append(Token("num", value))
        else:
            out.extend(Token("word", part) for part in value.split())
    return out


class Cursor:
    """A position in a token list, with the few moves the DDL grammar needs."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def next(self) -> Token:
        if self.index >= len(self.tokens):
            raise Malformed("the statement ends too early")
        token = self.tokens[self.index]
        self.index += 1
        return token

    def word(self) -> str:
        return self.next().upper

    def peek_word(self, ahead: int = 0) -> str:
        index = self.index + ahead
        return self.tokens[index].upper if index < len(self.tokens) else ""

    def expect_word(self, word: str) -> None:
        if self.word() != word:
            raise Malformed(f"expected {word}")

    def at_words(self, *words: str) -> bool:
        return all(self.peek_word(i) == w for i, w in enumerate(words))

    def at_punct(self, text: str) -> bool:
        index = self.index
        return index < len(self.tokens) and self.tokens[index].text == text

    def skip_words(self, *words: str) -> None:
        while self.peek_word() in words and self.peek_word():
            self.index += 1

    def name(self) -> list[str]:
        """A possibly qualified name: ``a``, ``a.b``, ``"a"."b"``."""
        parts = [self._name_part()]
        while self.at_punct("."):
            self.index += 1
            parts.append(self._name_part())
        return parts

    def _name_part(self) -> str:
        token = self.next()
        if token.kind in ("word", "ident", "str"):
            return token.text
        raise Malformed("expected a name")

    def parenthesised(self) -> list[Token]:
        """The tokens inside the parentheses at the cursor (the cursor moves past them)."""
        if not self.at_punct("("):
            raise Malformed("expected '('")
        depth = 0
        start = self.index + 1
        for index in range(self.index, len(self.tokens)):
            text = self.tokens[index].text if self.tokens[index].kind == "punct" else ""
            if text == "(":
                depth += 1
            elif text == ")":
                depth -= 1
                if depth == 0:
                    self.index = index + 1
                    return self.tokens[start:index]
        raise Malformed("unbalanced parentheses")


def split_commas(tokens: list[Token]) -> list[list[Token]]:
    """*tokens* split at the commas outside parentheses (empty parts dropped)."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.kind == "punct":
            if token.text in ("(", "["):
                depth += 1
            elif token.text in (")", "]"):
                depth -= 1
            elif token.text == "," and depth == 0:
                parts.append([])
                continue
        parts[-1].append(token)
    return [p for p in parts if p]
