"""Database tables and queries as a stream of polars batches, read-only (SQLAlchemy).

:func:`open_database` connects with an SQLAlchemy URL (``sqlite:///shop.db``,
``postgresql+psycopg://user@host/db``, ``mysql+pymysql://user@host/db``) and gives a
:class:`~dataguard.sources.tables.TableSource` whose lazy frame streams the table (or the
query) in batches, so the redaction pipeline and its writers work unchanged.

Read-only, and it says so: every connection is put in read-only mode before the first
statement (SQLite ``PRAGMA query_only``, PostgreSQL and MySQL/MariaDB read-only
transactions), so even a query that tries to write fails. Errors name the database with
its password hidden and never echo row data.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from dataguard import json_text
from dataguard.errors import UsageError
from dataguard.sources.catalog import ColumnInfo, TableInfo, unknown_types_quiet
from dataguard.sources.refusals import DENIED, TIMED_OUT, TIMEOUT_SETTINGS, account, refusal
from dataguard.sources.tables import TableSource, draw_sample

__all__ = [
    "describe_url",
    "open_database",
    "read_only_engine",
    "read_write_engine",
    "row_security_applies",
    "sample_database",
    "sample_table",
    "with_installed_driver",
]

_WRITABLE_DIALECTS = ("sqlite", "postgresql", "mysql", "mariadb")

#: Rows fetched per round trip and per polars batch.
BATCH_ROWS = 50_000

# ref. the SQL to put a session in read-only mode, per dialect.
_READ_ONLY = {
    "sqlite": "PRAGMA query_only = ON",
    "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
    "mysql": "SET SESSION TRANSACTION READ ONLY",
    "mariadb": "SET SESSION TRANSACTION READ ONLY",
}


def describe_url(url: Any) -> str:
    """The URL (text or an SQLAlchemy URL) with its password hidden, for messages and
    reports."""
    from sqlalchemy.exc import ArgumentError

    try:
        return _parsed(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def _parsed(url: Any) -> Any:
    """*url* parsed by SQLAlchemy, with a password holding an unescaped ``@`` put back
    together: ``root:p@ss#1@db/shop`` parses as password ``p`` and host ``ss#1@db``, so
    messages showed ``root:***@ss#1@db``, the password's tail. A host never holds ``@``:
    the last one ends the password."""
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    host = parsed.host or ""
    if "@" in host and parsed.password is not None:
        tail, host = host.rsplit("@", 1)
        parsed = parsed.set(password=f"{parsed.password}@{tail}", host=host)
    return parsed


# URL schemes written without a driver, as DATABASE_URL variables and other tools write them,
# and the driver dataguard's extras install for each (``postgres`` is Heroku's and libpq's
# spelling, which SQLAlchemy does not know; its default drivers, psycopg2 and mysqlclient,
# are not the ones ``dataguard[postgres]`` and ``dataguard[mysql]`` install).
_BARE_SCHEMES = {
    "postgres": ("postgresql", "psycopg2", "psycopg"),
    "postgresql": ("postgresql", "psycopg2", "psycopg"),
    "mysql": ("mysql", "MySQLdb", "pymysql"),
    "mariadb": ("mariadb", "MySQLdb", "pymysql"),
}


def with_installed_driver(url: Any) -> Any:
    """*url* (text or an SQLAlchemy URL) as an SQLAlchemy URL that names a driver this
    Python has: ``postgres://`` and ``postgresql://`` read with psycopg (3) and ``mysql://``
    and ``mariadb://`` with PyMySQL when SQLAlchemy's default drivers (psycopg2,
    mysqlclient) are not installed; any other URL unchanged. A password with an unescaped
    ``@`` is read whole (see :func:`_parsed`)."""
    import importlib.util

    parsed = _parsed(url)
    bare = _BARE_SCHEMES.get(parsed.drivername)
    if bare is None:
        return parsed
    dialect, default, installed = bare
    if importlib.util.find_spec(default) is None and importlib.util.find_spec(installed):
        return parsed.set(drivername=f"{dialect}+{installed}")
    return parsed.set(drivername=dialect)


def _engine(url: str) -> Any:
    try:
        import sqlalchemy as sa
        from sqlalchemy import event
    except ImportError:
        raise UsageError(
            "reading databases needs SQLAlchemy and a driver: "
            "pip install 'dataguard[postgres]' or 'dataguard[mysql]'"
        ) from None
    try:
        engine = sa.create_engine(
            with_installed_driver(url), json_deserializer=json_text.loads_or_text
        )
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        raise UsageError(f"cannot use database URL {describe_url(url)}: {exc}") from None
    database = engine.url.database or ""
    in_file = engine.dialect.name == "sqlite" and database not in ("", ":memory:")
    if in_file and not Path(database).is_file():
        # SQLite would create an empty file: reading must never write.
        raise UsageError(f"no SQLite database file {database}")
    statement = _READ_ONLY.get(engine.dialect.name)
    if statement is None:
        raise UsageError(
            f"{engine.dialect.name} is not supported; use SQLite, PostgreSQL or MySQL/MariaDB"
        )

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        if engine.dialect.name == "postgresql":
            # A sequential scan starts at the table's first block, not where another scan
            # of a large table is (ref. PostgreSQL 15 §20.13.2 synchronize_seqscans): the
            # same rows in the same order, run after run.
            cursor.execute("SET synchronize_seqscans = off")
        cursor.close()
        if engine.dialect.name == "postgresql":
            dbapi_connection.commit()

    return engine


def read_write_engine(url: str) -> Any:
    """A read-write engine for *url*, for the commands that write (encrypt, destroy).

    SQLite: the file must exist (nothing is created) and transactions begin IMMEDIATE.
    Errors are UsageErrors naming the database with its password hidden.
    """
    try:
        import sqlalchemy as sa
        from sqlalchemy import event
    except ImportError:
        raise UsageError(
            "writing to a database needs SQLAlchemy and a driver: "
            "pip install 'dataguard[postgres]' or 'dataguard[mysql]'"
        ) from None
    shown = describe_url(url)
    try:
        parsed = with_installed_driver(url)
    except sa.exc.ArgumentError:
        raise UsageError(
            f"cannot parse database URL {shown}; write it as dialect+driver://user@host/db"
        ) from None
    dialect = parsed.get_backend_name()
    if dialect not in _WRITABLE_DIALECTS:
        raise UsageError(f"{dialect} is not supported; use SQLite, PostgreSQL or MySQL/MariaDB")
    try:
        engine = sa.create_engine(parsed, json_deserializer=json_text.loads_or_text)
    except (sa.exc.NoSuchModuleError, ImportError) as exc:
        raise UsageError(f"cannot use database URL {shown}: {exc}") from None
    if dialect == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or not Path(database).is_file():
            raise UsageError(f"no SQLite database file {database or '(none given)'}")

        # ref. SQLAlchemy, "Serializable isolation / Savepoints / Transactional DDL" (pysqlite):
        # the driver's own BEGIN is deferred; an IMMEDIATE one takes the write lock before
        # the batch is read, so no other writer changes the batch between read and write.
        @event.listens_for(engine, "connect")
        def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _selectable(engine: Any, table: str | None, query: str | None, schema: str | None) -> Any:
    import sqlalchemy as sa

    if (table is None) == (query is None):
        raise UsageError("give exactly one of --table or --query")
    if query is not None:
        return sa.text(query)
    assert table is not None
    quoted = _quoted_name(table)
    if quoted is not None:  # "Sales Dept"."Customer List", `shop`.`orders`
        quoted_schema, table = quoted
        if quoted_schema is not None and schema is not None and quoted_schema != schema:
            raise UsageError(f"--table names schema {quoted_schema!r}, --db-schema {schema!r}")
        schema = quoted_schema or schema
    try:
        try:
            reflected = _reflect(sa, engine, table, schema)
        except sa.exc.NoSuchTableError:
            if schema is not None or "." not in table:
                raise
            # A qualified name, as a DBA writes it (sales.orders): schema (a database on
            # MySQL) and table. Tried only after the name as a whole, which may hold a dot.
            schema, table = table.split(".", 1)
            reflected = _reflect(sa, engine, table, schema)
    except sa.exc.NoSuchTableError:
        where = f" schema {schema!r} of" if schema is not None else ""
        hint = "" if schema is not None else " (in another schema? give --db-schema NAME)"
        raise UsageError(
            f"no table {table!r} in{where} {describe_url(str(engine.url))}{hint}"
        ) from None
    except sa.exc.SQLAlchemyError as exc:
        raise _unreachable(engine, exc) from None
    # A SELECT without ORDER BY has no order, and a copy should repeat run after run.
    # MySQL/MariaDB (InnoDB clusters rows by primary key) and SQLite (rowid) read in key
    # order at no cost. PostgreSQL would need an index scan, random reads of the heap
    # where keys are random (2.7x slower on two million UUID-keyed rows, and far worse on
    # a table larger than memory): it reads in physical order instead, from the first
    # block (the read-only engine turns synchronised scans off, which started a large
    # table's scan wherever another scan of it was).
    if engine.dialect.name == "postgresql":
        return sa.select(reflected)
    return sa.select(reflected).order_by(*reflected.primary_key.columns)


# An identifier as SQL quotes it: "a ""b""" (standard, PostgreSQL), `a``b` (MySQL).
_QUOTED_PART = r'"(?:[^"]|"")+"|`(?:[^`]|``)+`'
_NAME_PART = rf"{_QUOTED_PART}|[^.\"`]+"
_QUALIFIED = re.compile(rf"(?:(?P<schema>{_NAME_PART})\.)?(?P<table>{_NAME_PART})")


def _quoted_name(name: str) -> tuple[str | None, str] | None:
    """``(schema, table)`` of a name a DBA copied as SQL quotes it (``"Sales Dept".orders``,
    `` `shop`.`order items` ``), quotes taken off; None when no part is quoted."""
    found = _QUALIFIED.fullmatch(name.strip())
    if found is None or not re.search(_QUOTED_PART, name):
        return None

    def unquoted(part: str) -> str:
        if part[0] in '"`' and part[-1] == part[0]:
            return part[1:-1].replace(part[0] * 2, part[0])
        return part

    schema = found["schema"]
    return (None if schema is None else unquoted(schema)), unquoted(found["table"])


def _reflect(sa: Any, engine: Any, table: str, schema: str | None) -> Any:
    """The reflected table; a column of a type the dialect does not know is read as its
    text (:mod:`dataguard.sources.db_columns`), without SQLAlchemy's warning."""
    with unknown_types_quiet():
        return sa.Table(table, sa.MetaData(), schema=schema, autoload_with=engine)


def _declared_types(selectable: Any) -> dict[str, Any] | None:
    """SQLAlchemy types by column name of a reflected table's SELECT; None for a query."""
    columns = getattr(selectable, "selected_columns", None)
    if columns is None:
        return None
    return {column.name: column.type for column in columns}


def _first_rows(engine: Any, selectable: Any, n: int) -> tuple[list[str], list[Any]] | None:
    """The column names and first *n* rows, read with a LIMIT.

    Breaking off a streamed result instead is not free: PyMySQL reads the rest of an
    unfinished result before the connection's next statement, so a first look at a large
    MariaDB table used to read all of it. A query is wrapped as a subquery; one the
    database cannot wrap is read as it is.
    """
    import sqlalchemy as sa

    def read_whole(bounded: Any) -> tuple[list[str], list[Any]] | None:
        # To the end (the LIMIT keeps it short), so no result is left unfinished.
        batches = list(_rows(engine, bounded, n))
        return (batches[0][0], [row for _, rows in batches for row in rows]) if batches else None

    if isinstance(selectable, sa.TextClause):
        try:
            bounded = f"SELECT * FROM {_subquery(engine, selectable)} AS dg_first_rows LIMIT {n}"  # noqa: S608 - the user's own query
            return read_whole(sa.text(bounded))
        except UsageError:
            return next(_rows(engine, selectable, n), None)
    return read_whole(selectable.limit(n))


def _count(engine: Any, selectable: Any) -> int | None:
    """The number of rows of *selectable*, counted by the database; None when it cannot
    count it (a ``--query`` it will not wrap as a subquery), and the rows are counted as
    they stream instead.

    Counting on the server costs the server one pass and sends one number: streaming the
    rows through Python only to count them took as long as reading them for redaction
    (a third of ``redact --from-db``'s time on a two-million-row PostgreSQL table).
    """
    import sqlalchemy as sa

    if isinstance(selectable, sa.TextClause):
        counting: Any = sa.text(
            f"SELECT COUNT(*) FROM {_subquery(engine, selectable)} AS dg_count"  # noqa: S608 - the user's own query
        )
    else:
        counting = sa.select(sa.func.count()).select_from(selectable.subquery())
    try:
        with engine.connect() as connection:
            return int(connection.execute(counting).scalar_one())
    except sa.exc.SQLAlchemyError:
        return None


def _subquery(engine: Any, selectable: Any) -> str:
    """*selectable* as SQL to read from: ``(query)``, a ``--query`` without its ``;``."""
    import sqlalchemy as sa

    if isinstance(selectable, sa.TextClause):
        return "(" + selectable.text.strip().rstrip(";") + ")"
    return "(" + str(selectable.compile(engine)) + ")"


def _sqlite_storage(engine: Any, selectable: Any, names: list[str]) -> dict[str, str]:
    """SQLite only (other databases type their columns): columns mixing kinds of value."""
    if engine.dialect.name != "sqlite" or not names:
        return {}
    import sqlalchemy as sa

    from dataguard.sources.db_columns import sqlite_storage

    try:
        with engine.connect() as connection:
            return sqlite_storage(connection, _subquery(engine, selectable), names)
    except sa.exc.SQLAlchemyError as exc:
        raise _unreachable(engine, exc) from None


def _unreachable(engine: Any, exc: Exception) -> UsageError:
    """The error for a database that cannot be read: which one, what kind; no data."""
    kind = type(getattr(exc, "orig", exc)).__name__
    shown = describe_url(engine.url)
    why = refusal(exc)
    if why == DENIED:
        user = account(engine.url, "this user")
        return UsageError(
            f"database {shown} refused to let {user} read the table or query ({kind}); "
            f"grant {user} SELECT on it, or connect as a user who may read it"
        )
    if why == TIMED_OUT:
        return UsageError(
            f"database {shown} stopped the read at its statement or lock timeout ({kind}); "
            f"raise the user's timeout ({TIMEOUT_SETTINGS}), or read when the table is not "
            "locked"
        )
    return UsageError(
        f"database {shown} failed ({kind}); "
        "check that it is reachable, the credentials, and the table or query"
    )


def _rows(engine: Any, selectable: Any, batch: int) -> Iterator[tuple[list[str], list[Any]]]:
    """``(column names, rows)`` per batch, streamed with a server-side cursor."""
    import sqlalchemy as sa

    try:
        with engine.connect() as connection:
            result = connection.execution_options(stream_results=True).execute(selectable)
            names = list(result.keys())
            for rows in result.partitions(batch):
                yield names, rows  # Rows zip as tuples do: no copy per row
    except sa.exc.SQLAlchemyError as exc:
        raise _unreachable(engine, exc) from None


def open_database(
    url: str, *, table: str | None = None, query: str | None = None, schema: str | None = None
) -> TableSource:
    """A streaming, read-only :class:`TableSource` over a table or query.

    Column types are fixed before the rows stream, from the table's declared types, what
    SQLite holds, and the first rows (:mod:`dataguard.sources.db_columns`): JSON columns
    and columns mixing kinds of value are read as text; a later value that would not fit
    its column's type is a :class:`UsageError`, never rounded or dropped.
    """
    import sqlalchemy as sa
    from polars.io.plugins import register_io_source

    from dataguard.sources.db_columns import column_types, to_frame

    engine = _engine(url)
    selectable = _selectable(engine, table, query, schema)
    first = _first_rows(engine, selectable, 1000)
    if first is None:
        raise UsageError(f"{table or 'the query'} returned no columns")
    names, rows = first
    label = table or "query"
    shown = f"{describe_url(url)}#{label}"
    columns = column_types(
        names, rows, _declared_types(selectable), _sqlite_storage(engine, selectable, names)
    )
    polars_schema = pl.Schema({c.name: c.dtype for c in columns})

    def source(
        with_columns: list[str] | None,
        predicate: pl.Expr | None,
        n_rows: int | None,
        batch_size: int | None,
    ) -> Iterator[pl.DataFrame]:
        seen = 0
        read = 0
        for _, batch in _rows(engine, selectable, BATCH_ROWS):
            frame = to_frame(shown, columns, batch, read + 1)
            read += len(batch)
            if with_columns is not None:
                frame = frame.select(with_columns)
            if predicate is not None:
                frame = frame.filter(predicate)
            if n_rows is not None:
                frame = frame.head(n_rows - seen)
            seen += frame.height
            yield frame
            if n_rows is not None and seen >= n_rows:
                return

    frame = register_io_source(source, schema=polars_schema)
    opened = TableSource(Path(shown), "database", frame, comments=_comments(selectable))
    opened.rows = _count(engine, selectable)
    if not isinstance(selectable, sa.TextClause):

        def server_sample(rows: int, seed: int) -> pl.DataFrame | None:
            picked = _hashed_sample(engine, selectable, opened.rows, rows, seed)
            return None if picked is None else to_frame(shown, columns, picked, 1)

        opened.server_sample = server_sample
        read = selectable.get_final_froms()[0]
        try:
            with engine.connect() as connection:
                opened.row_security = row_security_applies(
                    connection, TableInfo(read.name, (), schema=read.schema)
                )
        except sa.exc.SQLAlchemyError as exc:
            raise _unreachable(engine, exc) from None
    return opened


def _hashed_sample(
    engine: Any, selectable: Any, total: int | None, rows: int, seed: int
) -> list[Any] | None:
    """The *rows* rows of a table whose identity hashes lowest with *seed*, chosen by the
    database as ``scan db`` chooses its sample (:func:`sample_table`): the server reads
    the table once and sends only those rows, where sampling the stream sent every row
    through Python. In the hash's order. None when the table has no identity to hash (a
    MySQL table without a primary key, an SQLite table without rowid) or no count.
    """
    table = selectable.get_final_froms()[0]
    info = TableInfo(
        table.name,
        tuple(ColumnInfo(c.name, "", primary_key=c.primary_key) for c in table.columns),
        schema=table.schema,
        rows=total,
    )
    statement = _lowest_hashes(selectable.order_by(None), engine.dialect.name, info, rows, seed)
    if statement is None:
        return None
    try:
        return [row for _, batch in _rows(engine, statement, rows) for row in batch]
    except UsageError:  # a WITHOUT ROWID table has no rowid: sampled as it streams
        return None


def _comments(selectable: Any) -> dict[str, str]:
    """Column comments of a reflected table's SELECT by column name (none for a query)."""
    columns = getattr(selectable, "selected_columns", None) or ()
    return {c.name: c.comment for c in columns if getattr(c, "comment", None)}


def sample_database(source: TableSource, rows: int, seed: int) -> pl.DataFrame:
    """A seeded sample spread over the whole table: rows whose position hashes into a band.

    The band comes from the row count, so one streamed pass finds about *rows* rows; the
    same seed gives the same sample on unchanged data. The count is the database's own
    (:func:`open_database` asks for it), else counted from the stream, and kept in
    :attr:`TableSource.rows` (a progress bar's total; whether worker processes pay off).
    """
    if source.rows is None:  # the database could not count it (open_database)
        source.rows = int(source.frame.select(pl.len()).collect().item())
    total = source.rows
    stride = max(1, total // max(rows, 1))
    if stride == 1:
        return source.frame.head(rows).collect()
    if source.server_sample is not None:
        picked = source.server_sample(rows, seed)
        if picked is not None:
            return picked
    empty = source.frame.head(0).collect()
    return draw_sample(source.frame, rows, stride, seed, empty=empty)


def read_only_engine(url: str) -> Any:
    """A read-only SQLAlchemy engine for *url* (see the module docstring), or a UsageError.

    For callers that need the engine itself, such as
    :func:`~dataguard.sources.catalog.read_catalog`.
    """
    return _engine(url)


def _row_hash(dialect: str, info: TableInfo, seed: int) -> tuple[Any, int] | None:
    """An SQL expression hashing each row's identity with *seed* to an integer in
    [0, size), and *size*; None where the table has no identity to hash (a MySQL table
    without a primary key) or the dialect is not one of the three."""
    import sqlalchemy as sa

    if dialect == "sqlite":
        # A Lehmer step then a square mod 2**31 - 1: a linear hash of rowid would keep
        # every k-th row, in step with any periodic pattern in the data.
        prime = 2147483647
        step: Any = (sa.literal_column("rowid") % prime * 48271 + seed % prime) % prime
        return step * step % prime, prime
    if dialect == "postgresql":
        # The tuple's place, which only a rewrite of the table (VACUUM FULL, CLUSTER) or
        # of the row moves; hashtext is int4, shifted to [0, 2**32).
        place: Any = sa.literal_column("ctid::text") + sa.literal(f":{seed}")
        return sa.cast(sa.func.hashtext(place), sa.BigInteger) + 2**31, 2**32
    if dialect in ("mysql", "mariadb") and info.primary_key:
        key = sa.func.concat_ws("\x1f", str(seed), *(sa.column(c) for c in info.primary_key))
        # The first 32 bits of SHA-256 (CRC32 is linear: its high bits follow a
        # sequential key's low digits).
        return sa.func.conv(sa.func.left(sa.func.sha2(key, 256), 8), 16, 10) + 0, 2**32
    return None


# ref. PostgreSQL 15 §5.8 Row Security Policies: policies apply to a role that is neither a
# superuser nor BYPASSRLS, and to the table's owner only under FORCE ROW LEVEL SECURITY.
_ROW_SECURITY_SQL = (
    "SELECT c.relrowsecurity AND NOT (r.rolsuper OR r.rolbypassrls) "
    "AND (c.relforcerowsecurity OR NOT pg_has_role(c.relowner, 'USAGE')) "
    "FROM pg_class c, pg_roles r "
    "WHERE c.oid = to_regclass(quote_ident(COALESCE(:s, current_schema())) || '.' "
    "|| quote_ident(:t)) AND r.rolname = current_user"
)


def row_security_applies(connection: Any, info: TableInfo) -> bool:
    """Whether PostgreSQL row-level security filters what this connection's user reads of
    the table: a sample then holds only the rows the policies show it, and a scan that
    sees none must not read as a clean one. False on other databases."""
    import sqlalchemy as sa

    if connection.dialect.name != "postgresql":
        return False
    applies = connection.execute(
        sa.text(_ROW_SECURITY_SQL), {"s": info.schema, "t": info.name}
    ).scalar()
    return bool(applies)


def _lowest_hashes(select: Any, dialect: str, info: TableInfo, rows: int, seed: int) -> Any:
    """*select* (of the table *info* describes) narrowed to the *rows* rows whose identity
    hashes lowest with *seed* (:func:`_row_hash`), in the hash's order: rows with a hash
    below the band that keeps about 1.5 × *rows* by the row count, then the lowest of those.
    None for a small table (at most twice *rows*: read it whole) or one without an
    identity to hash. The sample of ``scan db`` and of ``redact --from-db``."""
    if info.rows is None or info.rows <= 2 * rows:
        return None
    hashed = _row_hash(dialect, info, seed)
    if hashed is None:
        return None
    value, size = hashed
    share = min(1.0, 1.5 * rows / info.rows)
    return select.where(value < int(share * size)).order_by(value).limit(rows)


def sample_table(connection: Any, info: TableInfo, rows: int, seed: int) -> dict[str, list[Any]]:
    """About *rows* rows of the table *info* describes, spread over it, as column lists.

    Small tables (at most twice *rows*) are read whole up to *rows*. Larger ones are
    sampled where the rows live: every row's identity is hashed with the seed to a number
    ``h`` in [0, 1), the rows with ``h < p`` are kept (``p`` chosen from the row estimate to
    keep about 1.5 × *rows*), and of those the *rows* with the smallest ``h`` are the
    sample (so no part of the table is favoured by a LIMIT). The sample is then the
    *rows* smallest hashes of the whole table, whatever ``p`` was: it stays the same when
    only the row estimate moves (a server refreshing its statistics), not only the data.

    * PostgreSQL: ``hashtext(ctid || seed)``, the tuple's place (``TABLESAMPLE BERNOULLI``
      hashes the same, but cannot give its hash to order by);
    * MySQL/MariaDB: SHA-256 of the seed and the primary key; a table without one keeps
      ``WHERE RAND(seed) < p`` and picks *rows* of those with the seed, so there the sample
      moves with the estimate;
    * SQLite: a Lehmer step of ``rowid`` and the seed, squared (tables without rowid: the
      first rows).

    Values come back as the driver gives them (int, Decimal, str, dict for JSON…).
    """
    import sqlalchemy as sa

    table = sa.table(info.name, *(sa.column(c.name) for c in info.columns), schema=info.schema)
    columns = [table.c[c.name] for c in info.columns]
    dialect = connection.dialect.name
    statement = _lowest_hashes(sa.select(*columns), dialect, info, rows, seed)
    if statement is None:
        statement = sa.select(*columns).limit(rows)
        if info.rows and info.rows > 2 * rows and dialect in ("mysql", "mariadb"):
            share = min(1.0, 1.5 * rows / info.rows)
            cap = 3 * rows  # a bound on what one sample may fetch, estimates being estimates
            statement = sa.select(*columns).where(sa.func.rand(seed) < share).limit(cap)
    try:
        fetched = connection.execute(statement).fetchall()
    except sa.exc.OperationalError:
        if dialect != "sqlite":
            raise
        connection.rollback()  # a WITHOUT ROWID table
        fetched = connection.execute(sa.select(*columns).limit(rows)).fetchall()
    if len(fetched) > rows:
        picker = random.Random(seed)  # noqa: S311 - a repeatable sample, not a secret
        fetched = [fetched[i] for i in sorted(picker.sample(range(len(fetched)), rows))]
    names = [c.name for c in info.columns]
    out: dict[str, list[Any]] = {name: [] for name in names}
    for row in fetched:
        for name, value in zip(names, row, strict=True):
            out[name].append(value)
    return out
