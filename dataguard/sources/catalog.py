"""What a schema declares: tables, their columns, types and comments.

The same description comes from a live database (:func:`read_catalog`, through SQLAlchemy's
inspector) and from a SQL dump or DDL file (:mod:`dataguard.sources.dump`), so scanning
and schema linting work the same on both. It holds names, types and comments only, never
row data.
"""

from __future__ import annotations

import fnmatch
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from dataguard.errors import UsageError
from dataguard.sources.refusals import refusal

__all__ = ["ColumnInfo", "TableInfo", "matches", "read_catalog", "unknown_types_quiet"]


@dataclass(frozen=True)
class ColumnInfo:
    """One column as the schema declares it.

    Attributes:
        name: the column name as declared (case kept).
        type: the declared SQL type as text (``VARCHAR(20)``, ``BIGINT``, ``DECIMAL(10,2)``).
        comment: the column comment (MySQL ``COMMENT '…'``, PostgreSQL ``COMMENT ON``).
        nullable: whether NULL is allowed.
        primary_key: whether the column is part of the primary key.
    """

    name: str
    type: str
    comment: str | None = None
    nullable: bool = True
    primary_key: bool = False


@dataclass(frozen=True)
class TableInfo:
    """One table as the schema declares it.

    Attributes:
        name: the table name.
        columns: its columns in declaration order.
        schema: the schema (PostgreSQL) or database (MySQL) it lives in; None for the default.
        comment: the table comment.
        engine: the MySQL/MariaDB storage engine (``InnoDB``), None elsewhere or when unknown.
        charset: the MySQL/MariaDB default character set (``utf8mb4``), None when unknown.
        rows: the row count or the database's estimate of it, None when unknown.
        options: MySQL/MariaDB table options (``mysql_engine`` …).
        kind: ``table``, ``partitioned`` (a PostgreSQL partitioned table: its rows are
            its partitions', read through it) or ``materialized view`` (PostgreSQL: a
            query's result stored as rows, which may copy personal data).
        partitions: for a partitioned table, how many partitions are read through it.
        partition_of: for a PostgreSQL partition read from a dump (``PARTITION OF``,
            ``ATTACH PARTITION``), the qualified name of the table it partitions.
    """

    name: str
    columns: tuple[ColumnInfo, ...]
    schema: str | None = None
    comment: str | None = None
    engine: str | None = None
    charset: str | None = None
    rows: int | None = None
    options: dict[str, str] = field(default_factory=dict)
    kind: str = "table"
    partitions: int = 0
    partition_of: str | None = None

    @property
    def qualified_name(self) -> str:
        """``schema.table``, or the bare table name in the default schema."""
        return f"{self.schema}.{self.name}" if self.schema else self.name

    @property
    def primary_key(self) -> tuple[str, ...]:
        """The primary-key column names, in declaration order."""
        return tuple(c.name for c in self.columns if c.primary_key)


def matches(name: str, patterns: Sequence[str]) -> bool:
    """Whether *name* matches one of the shell-style *patterns* (all match when empty).

    Comparison ignores case, as MySQL and unquoted PostgreSQL identifiers do.
    """
    return not patterns or any(fnmatch.fnmatchcase(name.lower(), p.lower()) for p in patterns)


# Schemas that belong to the database system, never to the application.
_SYSTEM_SCHEMAS = frozenset(
    {"information_schema", "pg_catalog", "pg_toast", "mysql", "performance_schema", "sys"}
)


def _schemas(inspector: Any, dialect: str, schemas: Sequence[str]) -> list[str | None]:
    if dialect == "sqlite":
        return [None]
    if dialect in ("mysql", "mariadb") and not schemas:
        # The database in the URL; scanning every database on a server is opt-in.
        if not inspector.bind.url.database:
            raise UsageError(
                "the MySQL/MariaDB URL names no database: add one (mysql://user@host/shop), "
                "or name databases with --schema PATTERN (--schema '*' reads every database "
                "on the server but the system's)"
            )
        return [None]
    names = [s for s in inspector.get_schema_names() if s not in _SYSTEM_SCHEMAS]
    return [s for s in names if matches(s, schemas) and not s.startswith("pg_")]


def _row_estimate(connection: Any, dialect: str, schema: str | None, table: str) -> int | None:
    """The catalogue's row estimate (cheap), or an exact count for SQLite and for a
    PostgreSQL table never analysed (None when the server refuses to count it)."""
    import sqlalchemy as sa

    if dialect == "postgresql":
        before_12 = _postgres_before(connection, 12)
        query = sa.text(_RELTUPLES_SQL if before_12 else _LEAF_RELTUPLES_SQL)
        value = connection.execute(query, {"t": table, "s": schema or "public"}).scalar()
        if value is None and not before_12:
            # pg_partition_tree lists nothing to a role that does not own the table (an
            # audit account), which then counted the rows: a full pass, and under
            # row-level security only the rows its policies show.
            query = sa.text(_RELTUPLES_SQL)
            value = connection.execute(query, {"t": table, "s": schema or "public"}).scalar()
        if value is not None and value >= 0:
            return int(value)
        # -1: never analysed (a new table autovacuum has not reached): count it.
    if dialect in ("mysql", "mariadb"):
        query = sa.text(
            "SELECT table_rows FROM information_schema.tables "
            "WHERE table_name = :t AND table_schema = COALESCE(:s, DATABASE())"
        )
        value = connection.execute(query, {"t": table, "s": schema}).scalar()
        return None if value is None else int(value)
    quoted = sa.table(table, schema=schema)
    count = sa.select(sa.func.count()).select_from(quoted)
    if dialect != "postgresql":
        return int(connection.execute(count).scalar())
    try:
        # A savepoint: a table the user may not read (or a count that outlasts the
        # statement timeout) has no count, and the catalogue's transaction goes on.
        with connection.begin_nested():
            return int(connection.execute(count).scalar())
    except sa.exc.DBAPIError as exc:
        if refusal(exc) is None:
            raise
        return None


def read_catalog(
    engine: Any,
    *,
    schemas: Sequence[str] = (),
    tables: Sequence[str] = (),
    count_rows: bool = True,
) -> Iterator[TableInfo]:
    """Every table of the database behind *engine* (an SQLAlchemy engine), filtered.

    *schemas* and *tables* are shell-style patterns (``sales``, ``order_*``); a table
    pattern may be qualified (``public.users``). Views are left out: they hold no data of
    their own; PostgreSQL's materialized views are read, since they store their rows. A
    PostgreSQL partition is read through its partitioned table (one report for the
    table, not one per month of it), unless the filters leave that table out.
    ``count_rows=False`` leaves :attr:`TableInfo.rows` None (no estimate, and no
    ``COUNT(*)`` on SQLite), for callers that need only the schema.
    """
    import sqlalchemy as sa

    inspector = sa.inspect(engine)
    dialect = engine.dialect.name

    def wanted(schema: str | None, name: str) -> bool:
        qualified = f"{schema}.{name}" if schema else name
        return not tables or matches(name, tables) or matches(qualified, tables)

    with engine.connect() as connection:
        for schema in _schemas(inspector, dialect, schemas):
            kinds = dict.fromkeys(inspector.get_table_names(schema=schema), "table")
            parents: dict[str, str] = {}
            if dialect == "postgresql":
                kinds.update(
                    dict.fromkeys(
                        inspector.get_materialized_view_names(schema=schema), "materialized view"
                    )
                )
                parents = _partition_parents(connection, schema)
            partitions = Counter(parents.values())
            for name in sorted(kinds):
                if not wanted(schema, name):
                    continue
                parent = parents.get(name)
                if parent is not None and wanted(schema, parent):
                    continue  # read through its partitioned table
                info = _table_info(inspector, connection, dialect, schema, name, count_rows)
                if partitions[name]:
                    info = replace(info, kind="partitioned", partitions=partitions[name])
                elif kinds[name] != "table":
                    info = replace(info, kind=kinds[name])
                yield info


def _postgres_before(connection: Any, major: int) -> bool:
    version = connection.dialect.server_version_info
    return version is not None and version[0] < major


_RELTUPLES_SQL = (
    "SELECT c.reltuples::bigint FROM pg_class c JOIN pg_namespace n "
    "ON n.oid = c.relnamespace WHERE c.relname = :t AND n.nspname = :s"
)
# A partitioned table holds no rows itself: its estimate is its leaf partitions'
# (pg_partition_tree, PostgreSQL 12 and later, lists a plain table as its own leaf);
# -1 when one of them was never analysed.
_LEAF_RELTUPLES_SQL = (
    "SELECT CASE WHEN count(*) FILTER (WHERE l.reltuples < 0) = 0 "
    "THEN sum(l.reltuples)::bigint ELSE -1 END "
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, "
    "pg_partition_tree(c.oid) t JOIN pg_class l ON l.oid = t.relid "
    "WHERE c.relname = :t AND n.nspname = :s AND t.isleaf"
)


def _partition_parents(connection: Any, schema: str | None) -> dict[str, str]:
    """Each PostgreSQL partition of *schema* (by name) and the table it partitions (none
    before PostgreSQL 10, which had no declarative partitioning)."""
    import sqlalchemy as sa

    if _postgres_before(connection, 10):
        return {}
    query = sa.text(
        "SELECT c.relname, p.relname FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relispartition AND n.nspname = :s AND p.relnamespace = c.relnamespace"
    )
    return {child: parent for child, parent in connection.execute(query, {"s": schema or "public"})}


@contextmanager
def unknown_types_quiet() -> Iterator[None]:
    """Silence SQLAlchemy's warning for each column type its dialect does not know
    (PostgreSQL ``point``, ``xml``). Such a column is still scanned and redacted, as its
    text; the warning only printed a source line on stderr."""
    import sqlalchemy as sa

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        yield


def _table_info(
    inspector: Any,
    connection: Any,
    dialect: str,
    schema: str | None,
    name: str,
    count_rows: bool = True,
) -> TableInfo:
    primary = set(inspector.get_pk_constraint(name, schema=schema).get("constrained_columns") or [])
    with unknown_types_quiet():
        reflected = inspector.get_columns(name, schema=schema)
    columns = tuple(
        ColumnInfo(
            name=c["name"],
            type=str(c["type"]),
            comment=c.get("comment") or None,
            nullable=bool(c.get("nullable", True)),
            primary_key=c["name"] in primary,
        )
        for c in reflected
    )
    try:
        comment = inspector.get_table_comment(name, schema=schema).get("text") or None
    except NotImplementedError:  # SQLite has no table comments
        comment = None
    options: dict[str, str] = {}
    if dialect in ("mysql", "mariadb"):
        options = {
            k: str(v) for k, v in inspector.get_table_options(name, schema=schema).items() if v
        }
    engine_name = options.get(f"{dialect}_engine") or options.get("mysql_engine")
    charset = options.get(f"{dialect}_default charset") or options.get("mysql_default charset")
    return TableInfo(
        name=name,
        columns=columns,
        schema=schema,
        comment=comment,
        engine=engine_name,
        charset=charset,
        rows=_row_estimate(connection, dialect, schema, name) if count_rows else None,
        options=options,
    )
