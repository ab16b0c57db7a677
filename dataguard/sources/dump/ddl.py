"""The tables of a dump: ``CREATE TABLE``, then ``COMMENT ON`` and ``ALTER TABLE`` applied.

``CREATE TABLE`` (also ``LIKE``, ``PARTITION OF``, ``IF NOT EXISTS``, temporary and unlogged
tables) gives a new :class:`~dataguard.sources.catalog.TableInfo`; ``COMMENT ON TABLE/COLUMN``
and ``ALTER TABLE [ONLY] … ADD PRIMARY KEY / ADD COLUMN / ALTER COLUMN … SET|DROP NOT NULL /
MODIFY / CHANGE / DROP COLUMN / COMMENT`` revise one read earlier. ``ALTER TABLE [ONLY] parent
ATTACH PARTITION child`` (how pg_dump ties a partition to its table, before the rows) marks the
child at once (:attr:`~dataguard.sources.catalog.TableInfo.partition_of`), so that a scan can
read its rows as the parent's.
"""

from __future__ import annotations

from dataclasses import replace

from dataguard.errors import UsageError
from dataguard.sources.catalog import ColumnInfo, TableInfo
from dataguard.sources.dump.ddl_clauses import (
    apply_alter_action,
    column_definition,
    column_name,
    element_kind,
    key_columns,
    table_options,
    with_primary_key,
)
from dataguard.sources.dump.ddl_lexer import Cursor, Malformed, Token, lex, split_commas
from dataguard.sources.dump.session import Session, qualified


class TableDefinitions:
    """The tables defined so far in one dump, by qualified name, as revised so far."""

    def __init__(self, session: Session, name: str) -> None:
        self.session = session
        self.name = name  # the dump, for error messages
        self.tables: dict[str, TableInfo] = {}

    def apply(self, word: str, text: str, line: int) -> TableInfo | None:
        """Apply the DDL statement *text* (starting with *word*: CREATE, COMMENT or ALTER)
        that starts on *line*; the new TableInfo of a ``CREATE TABLE``, or of a partition
        an ``ATTACH PARTITION`` marks."""
        tokens = lex(text, self.session.dialect, self.session.backslash)
        try:
            if word == "CREATE":
                table = self._create_table(tokens)
                if table is not None:
                    self.tables[table.qualified_name] = table
                return table
            if word == "COMMENT":
                self._comment_on(tokens)
            elif word == "ALTER":
                return self._alter_table(tokens)
        except Malformed as exc:
            raise UsageError(f"{self.name}:{line}: {exc}") from None
        return None

    def _find_table(self, parts: list[str]) -> TableInfo | None:
        """A table read earlier, by exact name, else ignoring case (unquoted names fold)."""
        key = qualified(*self.session.qualify(parts))
        table = self.tables.get(key)
        if table is None:
            folded = key.lower()
            table = next((t for k, t in self.tables.items() if k.lower() == folded), None)
        return table

    def _create_table(self, tokens: list[Token]) -> TableInfo | None:
        cursor = Cursor(tokens)
        cursor.expect_word("CREATE")
        cursor.skip_words("OR", "REPLACE", "GLOBAL", "LOCAL", "TEMPORARY", "TEMP", "UNLOGGED")
        cursor.expect_word("TABLE")
        if cursor.at_words("IF", "NOT", "EXISTS"):
            cursor.index += 3
        schema, name = self.session.qualify(cursor.name())
        partition = cursor.at_words("PARTITION", "OF")
        if cursor.at_words("LIKE") or partition:
            cursor.index += 2 if partition else 1
            source = self._find_table(cursor.name())
            if source is None:
                return None
            parent = source.qualified_name if partition else None
            return replace(source, name=name, schema=schema, rows=None, partition_of=parent)
        if not cursor.at_punct("("):
            return None  # CREATE TABLE … AS SELECT, OF type: no column list to read
        body = cursor.parenthesised()
        columns: list[ColumnInfo] = []
        primary: list[str] = []
        mysql = self.session.mysql
        for element in split_commas(body):
            kind = element_kind(element, mysql)
            if kind == "column":
                column = column_definition(element)
                if column is not None:
                    columns.append(column)
            elif kind == "primary":
                primary.extend(key_columns(element))
            elif kind == "like":
                like = Cursor(element[1:])
                copied = self._find_table(like.name())
                if copied is not None:
                    columns.extend(copied.columns)
        columns = with_primary_key(columns, primary)
        options = table_options(cursor.tokens[cursor.index :]) if mysql else {}
        return TableInfo(
            name=name,
            columns=tuple(columns),
            schema=schema,
            comment=options.get("mysql_comment") or None,
            engine=options.get("mysql_engine"),
            charset=options.get("mysql_default charset"),
            options=options,
        )

    def _comment_on(self, tokens: list[Token]) -> None:
        cursor = Cursor(tokens)
        cursor.expect_word("COMMENT")
        cursor.expect_word("ON")
        target = cursor.word()
        parts = cursor.name()
        cursor.expect_word("IS")
        token = cursor.next()
        comment = token.text if token.kind == "str" else None
        if target == "TABLE":
            table = self._find_table(parts)
            if table is not None and table.comment != comment:
                self.tables[table.qualified_name] = replace(table, comment=comment)
        elif target == "COLUMN" and len(parts) >= 2:
            table = self._find_table(parts[:-1])
            if table is not None:
                name = column_name(table.columns, parts[-1])
                columns = tuple(
                    replace(c, comment=comment) if c.name == name else c for c in table.columns
                )
                if columns != table.columns:
                    self.tables[table.qualified_name] = replace(table, columns=columns)

    def _alter_table(self, tokens: list[Token]) -> TableInfo | None:
        cursor = Cursor(tokens)
        cursor.expect_word("ALTER")
        cursor.expect_word("TABLE")
        if cursor.at_words("IF", "EXISTS"):
            cursor.index += 2
        cursor.skip_words("ONLY")
        table = self._find_table(cursor.name())
        if table is None:
            return None
        if cursor.at_words("ATTACH", "PARTITION"):
            cursor.index += 2
            child = self._find_table(cursor.name())
            if child is None:
                return None
            child = replace(child, partition_of=table.qualified_name)
            self.tables[child.qualified_name] = child
            return child
        columns = list(table.columns)
        comment = table.comment
        for action in split_commas(cursor.tokens[cursor.index :]):
            columns, comment = apply_alter_action(action, columns, comment)
        revised = replace(table, columns=tuple(columns), comment=comment)
        if revised != table:
            self.tables[table.qualified_name] = revised
        return None
