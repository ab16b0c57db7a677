"""The clauses of ``CREATE TABLE`` and ``ALTER TABLE``: columns, keys, options, actions.

Each function reads a list of :class:`~dataguard.sources.dump.ddl_lexer.Token` (one element of
a ``CREATE TABLE`` body, a table's option list, one ``ALTER TABLE`` action) into
:class:`~dataguard.sources.catalog.ColumnInfo` values or MySQL table options.
"""

from __future__ import annotations

from dataclasses import replace

from dataguard.sources.catalog import ColumnInfo
from dataguard.sources.dump.ddl_lexer import Cursor, Token, split_commas


def column_name(columns: tuple[ColumnInfo, ...] | list[ColumnInfo], name: str) -> str:
    """The declared name of column *name*: exact, else ignoring case."""
    if any(c.name == name for c in columns):
        return name
    return next((c.name for c in columns if c.name.lower() == name.lower()), name)


_INDEX_WORDS = frozenset({"KEY", "INDEX", "FULLTEXT", "SPATIAL"})


def element_kind(element: list[Token], mysql: bool) -> str:
    """What one element of a CREATE TABLE body is: column, primary, like or other."""
    first = element[0]
    if first.kind != "word":
        return "column"
    word = first.upper
    second = element[1].upper if len(element) > 1 else ""
    if word == "CONSTRAINT":
        rest = [t.upper for t in element[2:4]]
        return "primary" if rest == ["PRIMARY", "KEY"] else "other"
    if word == "PRIMARY" and second == "KEY":
        return "primary"
    if word in ("UNIQUE", "CHECK", "FOREIGN") or (mysql and word in _INDEX_WORDS):
        return "other"
    if word == "EXCLUDE" and (second == "USING" or element[1].text == "("):
        return "other"
    if word == "PERIOD" and second == "FOR":
        return "other"
    if word == "LIKE":
        return "like"
    return "column"


def key_columns(element: list[Token]) -> list[str]:
    """The column names of ``[CONSTRAINT x] PRIMARY KEY [USING …] (a, b(10) DESC)``."""
    cursor = Cursor(element)
    while cursor.index < len(element) and not cursor.at_punct("("):
        cursor.index += 1
    if cursor.index >= len(element):
        return []
    return [part[0].text for part in split_commas(cursor.parenthesised())]


# Words that end a column's type and start its constraints (MySQL and PostgreSQL).
_COLUMN_CONSTRAINTS = frozenset(
    {
        "NOT",
        "NULL",
        "DEFAULT",
        "PRIMARY",
        "UNIQUE",
        "COMMENT",
        "AUTO_INCREMENT",
        "REFERENCES",
        "CHECK",
        "COLLATE",
        "CHARSET",
        "CONSTRAINT",
        "GENERATED",
        "AS",
        "ON",
        "INVISIBLE",
        "VISIBLE",
        "COLUMN_FORMAT",
        "STORAGE",
        "COMPRESSION",
        "KEY",
        "SRID",
        "DEFERRABLE",
        "INITIALLY",
    }
)


def _ends_type(element: list[Token], index: int) -> bool:
    """Whether the token at *index* starts the constraints of a column (``CHARACTER SET``
    does, ``CHARACTER VARYING`` does not)."""
    word = element[index].upper
    if word == "CHARACTER":
        return index + 1 < len(element) and element[index + 1].upper == "SET"
    return word in _COLUMN_CONSTRAINTS


def column_definition(element: list[Token]) -> ColumnInfo | None:
    """A column definition: name, type, NOT NULL, PRIMARY KEY, COMMENT."""
    if not element or element[0].kind not in ("word", "ident", "str"):
        return None
    name = element[0]
    index = 1
    depth = 0
    type_tokens: list[Token] = []
    while index < len(element):
        token = element[index]
        if token.kind == "punct" and token.text in ("(", "["):
            depth += 1
        elif token.kind == "punct" and token.text in (")", "]"):
            depth -= 1
        elif depth == 0 and _ends_type(element, index):
            break
        type_tokens.append(token)
        index += 1
    nullable = True
    primary = False
    comment: str | None = None
    depth = 0
    while index < len(element):
        token = element[index]
        following = element[index + 1] if index + 1 < len(element) else None
        if token.kind == "punct" and token.text == "(":
            depth += 1
        elif token.kind == "punct" and token.text == ")":
            depth -= 1
        elif depth == 0:
            word = token.upper
            if word == "NOT" and following is not None and following.upper == "NULL":
                nullable = False
                index += 1
            elif word == "NULL":
                nullable = True
            elif word == "PRIMARY" and following is not None and following.upper == "KEY":
                primary = True
                nullable = False
                index += 1
            elif word == "COMMENT" and following is not None and following.kind == "str":
                comment = following.text
                index += 1
            elif word == "DEFAULT" and following is not None and following.kind != "punct":
                index += 1  # DEFAULT NULL says nothing about NOT NULL
        index += 1
    return ColumnInfo(
        name=name.text,
        type=_type_text(type_tokens),
        comment=comment,
        nullable=nullable,
        primary_key=primary,
    )


def _type_text(tokens: list[Token]) -> str:
    """``VARCHAR(20)``, ``DECIMAL(10,2)``, ``CHARACTER VARYING(20)[]``, ``ENUM('a','b')``."""
    out: list[str] = []
    previous: Token | None = None
    for token in tokens:
        if token.kind == "word":
            text = token.text.upper()
        elif token.kind == "str":
            text = "'" + token.text.replace("'", "''") + "'"
        else:
            text = token.text
        if (
            previous is not None
            and token.kind != "punct"
            and not (previous.kind == "punct" and previous.text in ("(", ".", ",", "["))
        ):
            out.append(" ")
        out.append(text)
        previous = token
    return "".join(out)


def with_primary_key(columns: list[ColumnInfo], primary: list[str]) -> list[ColumnInfo]:
    if not primary:
        return columns
    keys = set(primary)
    return [replace(c, primary_key=True, nullable=False) if c.name in keys else c for c in columns]


# MySQL table options as SQLAlchemy's inspector names them (``mysql_engine``,
# ``mysql_default charset``), so a dump and a live catalogue compare equal.
_OPTION_KEYS = {
    ("DEFAULT", "CHARACTER", "SET"): "default charset",
    ("CHARACTER", "SET"): "default charset",
    ("DEFAULT", "CHARSET"): "default charset",
    ("CHARSET",): "default charset",
    ("DEFAULT", "COLLATE"): "collate",
    ("COLLATE",): "collate",
    ("TYPE",): "engine",
}
_SKIPPED_OPTIONS = frozenset({"auto_increment"})


def table_options(tokens: list[Token]) -> dict[str, str]:
    """``ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='…'`` → ``{"mysql_engine": …}``."""
    options: dict[str, str] = {}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "punct" and token.text == ",":
            index += 1
            continue
        if token.kind != "word" or token.upper in ("PARTITION", "AS", "SELECT"):
            break
        key = None
        for words, name in _OPTION_KEYS.items():
            if [t.upper for t in tokens[index : index + len(words)]] == list(words):
                key = name
                index += len(words)
                break
        if key is None:
            key = token.text.lower()
            index += 1
        if index < len(tokens) and tokens[index].text == "=":
            index += 1
        if index >= len(tokens) or tokens[index].kind == "punct":
            break
        if key not in _SKIPPED_OPTIONS:
            options[f"mysql_{key}"] = tokens[index].text
        index += 1
    return options


_NOT_COLUMNS = frozenset(
    {"UNIQUE", "INDEX", "KEY", "FOREIGN", "CHECK", "FULLTEXT", "SPATIAL", "EXCLUDE", "PARTITION"}
)


def apply_alter_action(
    action: list[Token], columns: list[ColumnInfo], comment: str | None
) -> tuple[list[ColumnInfo], str | None]:
    """Apply one ALTER TABLE action to (columns, table comment)."""
    cursor = Cursor(action)
    verb = cursor.word()
    if verb == "ADD":
        constraint = cursor.at_words("CONSTRAINT")
        if constraint:
            cursor.index += 2
        if cursor.at_words("PRIMARY", "KEY"):
            return with_primary_key(columns, key_columns(action)), comment
        if constraint or cursor.peek_word() in _NOT_COLUMNS:
            return columns, comment
        cursor.skip_words("COLUMN")
        if cursor.at_words("IF", "NOT", "EXISTS"):
            cursor.index += 3
        column = column_definition(action[cursor.index :])
        if column is not None and all(c.name != column.name for c in columns):
            columns = [*columns, column]
        return columns, comment
    if verb == "ALTER":
        cursor.skip_words("COLUMN")
        name = column_name(columns, cursor.next().text)
        if cursor.at_words("SET", "NOT", "NULL") or cursor.at_words("DROP", "NOT", "NULL"):
            nullable = cursor.peek_word() == "DROP"
            columns = [replace(c, nullable=nullable) if c.name == name else c for c in columns]
        return columns, comment
    if verb in ("MODIFY", "CHANGE"):
        cursor.skip_words("COLUMN")
        old = action[cursor.index].text if cursor.index < len(action) else ""
        if verb == "CHANGE":
            cursor.index += 1
        column = column_definition(action[cursor.index :])
        if column is not None:
            columns = [
                replace(column, primary_key=column.primary_key or c.primary_key)
                if c.name == old
                else c
                for c in columns
            ]
        return columns, comment
    if verb == "DROP":
        if cursor.at_words("PRIMARY", "KEY"):
            return [replace(c, primary_key=False) for c in columns], comment
        if cursor.peek_word() in ("CONSTRAINT", "INDEX", "KEY", "FOREIGN", "CHECK"):
            return columns, comment
        cursor.skip_words("COLUMN")
        if cursor.at_words("IF", "EXISTS"):
            cursor.index += 2
        if cursor.index < len(action):
            name = action[cursor.index].text
            columns = [c for c in columns if c.name != name]
        return columns, comment
    if verb == "COMMENT":
        if cursor.at_punct("="):
            cursor.index += 1
        if cursor.index < len(action) and action[cursor.index].kind == "str":
            comment = action[cursor.index].text
    return columns, comment
