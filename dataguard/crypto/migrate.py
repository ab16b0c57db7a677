"""In-place encryption of one database column (``dataguard encrypt db``, issue [5/6]).

:func:`encrypt_column` replaces every plaintext value of a text column with its ``dg1:``
token, where it is stored, on SQLite, PostgreSQL and MySQL/MariaDB; :func:`verify_column`
decrypts a seeded sample of the column to check the result; after a DEK rotation
:func:`rekey_column` re-encrypts the tokens not under the scope's active key, with the
same batches and crash safety. They take an SQLAlchemy URL and a
:class:`~dataguard.crypto.keyring.Keyring`.

**Each token is bound to its row.** The context of every value is
``{"table": T, "column": C, "row": <the row's key as text>}`` (:func:`row_context`; the
key's text is :func:`row_key`), the AEAD's associated data: a token copied or swapped to
another row, column or table does not decrypt. So **decrypting needs the row's key**: the
application decrypts ``members.mobile`` of row 42 with
``keyring.decrypt(token, row_context("members", "mobile", 42))``. The key is the primary
key (or a NOT NULL unique key); a table with neither is refused, as is encrypting a key
column itself (the key is how a row is found and what its token is bound to). With
``deterministic=True`` equal values give equal tokens only within the same row (the row is
in the context), so it buys no joins; search by the blind index instead.

**How it runs.** One pass in key order by keyset pagination (``WHERE pending AND key > :last
ORDER BY key LIMIT :batch``), each batch one transaction: read the batch's rows (locked:
``SELECT … FOR UPDATE`` on PostgreSQL and MySQL/MariaDB, ``BEGIN IMMEDIATE`` on SQLite, so
an application write to one of them waits for the batch instead of being overwritten),
encrypt them, write them back, commit. *Pending* rows are those with a plaintext value
(not NULL, not empty, not starting with ``dg1:``) — and with ``blind_index_column``, also
encrypted rows whose index is still NULL (their token is decrypted with its row context to
compute the index, and left as it is). The database does that filtering, so encrypted rows
are never sent back. The write-back is the fastest path measured per dialect
(``benchmarks/encrypt_db.py``): PostgreSQL one ``UPDATE … FROM unnest(:keys, :tokens)``
per batch; MySQL/MariaDB a multi-row ``INSERT`` into a session's temporary table and one
``UPDATE … JOIN`` (``INSERT … ON DUPLICATE KEY UPDATE`` would re-insert rows deleted
meanwhile, and a ``CASE`` of 5,000 branches is quadratic); SQLite ``executemany``.
NULL and empty values stay as they are.

**Crash safety: no progress record, by design.** A batch commits whole or not at all, and
a value that already is a token is never touched again. A crash, ``kill -9``, a lost
connection or Ctrl-C between or inside batches leaves committed batches encrypted and the
batch in flight rolled back by the database; running the same migration again finishes
the job, and never encrypts a token twice. A journal or a ``dataguard_migrations`` table
would only let a rerun start later in the table: the rerun's first query skips the
encrypted rows inside the database, which is one scan of the table without sending a row
(0.44 s for a million encrypted rows on PostgreSQL), so the record would save little and
would be one more thing that can disagree with the data (a restored backup, a journal on
another host). A second run over an encrypted column changes nothing and says so
(:attr:`MigrationReport.changed` is 0).

**Concurrency and the runbook.** The migration can run while the application writes: rows
are locked only while their batch runs (about 0.1 s for 5,000 rows on PostgreSQL; SQLite
locks the whole database for writing that long), and rows written in plaintext after the
pass went by are left for the next run. So:

1. ``encrypt_column`` (``dataguard encrypt db``) over the live table;
2. switch the application to encrypt on write (and decrypt on read) with the same scope
   and :func:`row_context`;
3. run the migration again: it encrypts only the stragglers written in plaintext between
   1 and 2 (and says how many);
4. ``verify_column`` (``--verify``): a seeded sample decrypts, nothing is left in plaintext.

**What it refuses, before changing anything** (:class:`~dataguard.errors.UsageError`, each
saying what to do): a table without a primary key or NOT NULL unique key; a numeric
column (a BIGINT of phone numbers cannot hold a token: add a text column, copy, encrypt
that); a column too short for the token of its longest value (with the ``ALTER TABLE`` to
run: dataguard never changes the schema itself, since widening a column may rewrite or
lock a big table and is the DBA's call); on PostgreSQL a ``CHAR(n)`` column (it pads
tokens with blanks). SQLite does not enforce declared lengths, so there only the type is
checked. A value that only looks like a token (a plaintext starting with ``dg1:``) is
left alone, and :func:`verify_column` reports it as failing.

**Errors** name the database with its password hidden and never hold a value: a
connection that dies mid-run is a ``UsageError`` saying how much was committed and that a
rerun resumes. Driver exceptions are never shown, since they carry the statement's
parameters.
"""

from __future__ import annotations

import datetime as _dt
import json
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dataguard.crypto.hazmat.wire import MODE_DETERMINISTIC, TEXT_PREFIX, Envelope
from dataguard.crypto.keyring import FieldCipher, Keyring
from dataguard.errors import InvalidToken, UsageError
from dataguard.sources.catalog import ColumnInfo, TableInfo
from dataguard.sources.database import (
    describe_url,
    read_only_engine,
    read_write_engine,
    sample_table,
)

__all__ = [
    "DEFAULT_BATCH",
    "UPDATE_METHODS",
    "MigrationReport",
    "VerifyReport",
    "encrypt_column",
    "rekey_column",
    "row_context",
    "row_key",
    "verify_column",
]

#: Rows per batch (one transaction each).
DEFAULT_BATCH = 5000
#: How a batch is written back: ``auto`` picks the fastest for the dialect (module docstring).
UPDATE_METHODS = ("auto", "executemany", "unnest", "temp-table")
_AUTO_METHOD = {"postgresql": "unnest", "mysql": "temp-table", "mariadb": "temp-table"}
#: FieldCipher.blind_index gives 32 hex digits.
_BLIND_INDEX_LENGTH = 32
#: Row keys of failing rows kept in a VerifyReport (keys locate rows; values are never kept).
_MAX_FAILED_ROWS = 20


# -- the row context ----------------------------------------------------------------------------


def row_key(key: Any) -> str:
    """The canonical text of a row's key, as bound into its tokens' context.

    One key column: integers in decimal, strings as they are, bytes in lowercase hex,
    dates and times in ISO 8601 (``2024-05-17T08:00:00``), anything else (``Decimal``,
    ``UUID``) by ``str()``. Several key columns (a tuple or list, in the order of the key
    columns): a compact JSON array of those texts, ``["7","A-1"]``.
    """
    if isinstance(key, tuple | list):
        texts = [_key_text(v) for v in key]
        if len(texts) == 1:
            return texts[0]
        return json.dumps(texts, ensure_ascii=False, separators=(",", ":"))
    return _key_text(key)


def _key_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(int(value))  # bool too, as 0 / 1
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, _dt.date | _dt.time):  # datetime is a date
        return value.isoformat()
    return str(value)


def row_context(table: str, column: str, key: Any) -> dict[str, str]:
    """The context a value of *table*.*column* in the row with *key* is encrypted under.

    ``{"table": table, "column": column, "row": row_key(key)}``; *table* is the bare
    table name (no schema), *key* the row's key value, or a tuple of them for a key of
    several columns.
    """
    return {"table": table, "column": column, "row": row_key(key)}


# -- reports ------------------------------------------------------------------------------------


@dataclass
class MigrationReport:
    """What :func:`encrypt_column` or :func:`rekey_column` found and did. Counts, never values.

    ``rows``, ``already_encrypted``, ``empty`` and ``pending`` describe the table when the
    run started; ``encrypted``, ``indexed`` and ``rekeyed`` are what this run changed.
    ``current`` counts tokens a rekey found already under the active key; ``undecryptable``
    tokens that do not decrypt under their row context (left as they are), the keys
    (:func:`row_key`) of up to 20 of them in ``failed_rows``.
    """

    database: str
    table: str
    column: str
    scope: str
    key_columns: tuple[str, ...]
    blind_index_column: str | None = None
    method: str = ""
    rows: int = 0
    pending: int = 0
    already_encrypted: int = 0
    empty: int = 0
    encrypted: int = 0
    indexed: int = 0
    rekeyed: int = 0
    current: int = 0
    undecryptable: int = 0
    failed_rows: list[str] = field(default_factory=list)
    batches: int = 0
    seconds: float = 0.0
    cancelled: bool = False

    @property
    def changed(self) -> int:
        """Rows this run wrote: values encrypted or re-encrypted, plus blind indexes filled in."""
        return self.encrypted + self.indexed + self.rekeyed

    @property
    def rows_per_second(self) -> float:
        """Rows changed per second of the run."""
        return self.changed / self.seconds if self.seconds > 0 else 0.0


@dataclass
class VerifyReport:
    """What :func:`verify_column` found in its sample. Counts and row keys, never values.

    ``failed_rows`` holds the keys (:func:`row_key`) of up to 20 rows whose token does not
    decrypt under its row context: tampered, moved from another row, or under a key that
    is destroyed or not in this keyring.
    """

    database: str
    table: str
    column: str
    rows: int = 0
    sampled: int = 0
    ok: int = 0
    failed: int = 0
    not_encrypted: int = 0
    empty: int = 0
    failed_rows: list[str] = field(default_factory=list)
    seconds: float = field(default=0.0, compare=False)

    @property
    def passed(self) -> bool:
        """Every sampled value decrypted, and none was left in plaintext."""
        return self.failed == 0 and self.not_encrypted == 0


# -- engines ------------------------------------------------------------------------------------


def _session(connection: Any, dialect: str) -> None:
    """MySQL/MariaDB: READ COMMITTED for the migration's session, where the binary log allows.

    Under REPEATABLE READ, InnoDB keeps a lock on every row a locking read scans until
    commit, the already encrypted rows it skips included; under READ COMMITTED it releases
    those at once. A server logging statements (``binlog_format=STATEMENT``) refuses
    writes under READ COMMITTED, so there the default stays.
    """
    import sqlalchemy as sa

    if dialect not in ("mysql", "mariadb"):
        return
    log_bin, binlog_format = connection.execute(sa.text("SELECT @@log_bin, @@binlog_format")).one()
    connection.rollback()
    if not (log_bin and str(binlog_format).upper() == "STATEMENT"):
        connection.execution_options(isolation_level="READ COMMITTED")


def _database_error(url: str, exc: Exception, doing: str) -> UsageError:
    """A failure before anything was written: which database, what kind; never the driver's text."""
    kind = type(getattr(exc, "orig", None) or exc).__name__
    return UsageError(
        f"database {describe_url(url)} failed while {doing} ({kind}); check that it is "
        "reachable, the credentials and their privileges, and the table name"
    )


# -- the target ---------------------------------------------------------------------------------


@dataclass
class _Target:
    url: str
    dialect: str
    table: Any  # sqlalchemy.Table
    column: Any  # sqlalchemy.Column
    keys: tuple[Any, ...]
    blind: Any | None  # sqlalchemy.Column

    @property
    def name(self) -> str:
        return f"{self.table.name}.{self.column.name}"


def _reflect(engine: Any, url: str, table: str, schema: str | None) -> Any:
    import sqlalchemy as sa

    try:
        return sa.Table(table, sa.MetaData(), schema=schema, autoload_with=engine)
    except sa.exc.NoSuchTableError:
        where = f" schema {schema}" if schema else ""
        raise UsageError(f"no table {table!r} in{where} {describe_url(url)}") from None
    except sa.exc.SQLAlchemyError as exc:
        raise _database_error(url, exc, f"reading the definition of {table}") from None


def _column(reflected: Any, name: str, what: str) -> Any:
    if name not in reflected.c:
        names = ", ".join(c.name for c in reflected.c)
        raise UsageError(f"{what} {name!r} is not a column of {reflected.name} (columns: {names})")
    return reflected.c[name]


def _unique_keys(engine: Any, reflected: Any) -> list[tuple[str, ...]]:
    """The primary key, then NOT NULL unique constraints and unique indexes, as column tuples."""
    import sqlalchemy as sa

    inspector = sa.inspect(engine)
    keys: list[tuple[str, ...]] = []
    primary = tuple(c.name for c in reflected.primary_key.columns)
    if primary:
        keys.append(primary)
    candidates = [
        tuple(u.get("column_names") or ())
        for u in inspector.get_unique_constraints(reflected.name, schema=reflected.schema)
    ]
    # SQLite reports an inline UNIQUE only as its automatic index.
    automatic = {"include_auto_indexes": True} if engine.dialect.name == "sqlite" else {}
    candidates += [
        tuple(i.get("column_names") or ())
        for i in inspector.get_indexes(reflected.name, schema=reflected.schema, **automatic)
        if i.get("unique")
    ]
    for names in candidates:
        # An expression index has None for its columns; a nullable column lets rows share NULL.
        if not names or any(n is None or n not in reflected.c for n in names):
            continue
        if any(reflected.c[n].nullable for n in names) or names in keys:
            continue
        keys.append(names)
    return keys


def _key_columns(
    engine: Any, reflected: Any, column: str, requested: Sequence[str] | None
) -> tuple[Any, ...]:
    keys = _unique_keys(engine, reflected)
    table = reflected.name
    if requested:
        names = tuple(requested)
        for name in names:
            _column(reflected, name, "key column")
        if not any(set(k) == set(names) for k in keys):
            known = "; ".join(", ".join(k) for k in keys) or "none"
            raise UsageError(
                f"{', '.join(names)} is not the primary key or a NOT NULL unique key of "
                f"{table} (its keys: {known}): rows must be told apart by their key"
            )
    else:
        usable = [k for k in keys if column not in k]
        if not keys:
            raise UsageError(
                f"table {table} has no primary key and no NOT NULL unique key: without one, "
                "rows cannot be told apart, a token cannot be bound to its row and a batch "
                f"cannot be resumed. Add one (e.g. ALTER TABLE {table} ADD PRIMARY KEY (id)) "
                "or name a unique key with key_columns / --key-column"
            )
        if not usable:
            raise UsageError(
                f"{column} is part of every key of {table}: a key column cannot be encrypted "
                "(rows are found, and tokens bound, by their key)"
            )
        names = usable[0]
    if column in names:
        raise UsageError(
            f"{column} is part of the key of {table}: a key column cannot be encrypted "
            "(rows are found, and tokens bound, by their key)"
        )
    return tuple(reflected.c[n] for n in names)


def _resolve(
    engine: Any,
    url: str,
    table: str,
    column: str,
    schema: str | None,
    key_columns: Sequence[str] | None,
    blind_index_column: str | None = None,
) -> _Target:
    reflected = _reflect(engine, url, table, schema)
    target_column = _column(reflected, column, "column")
    blind = None
    if blind_index_column is not None:
        blind = _column(reflected, blind_index_column, "blind index column")
        if blind_index_column == column:
            raise UsageError("the blind index needs a column of its own, not the encrypted one")
    keys = _key_columns(engine, reflected, column, key_columns)
    if blind is not None and blind.name in {k.name for k in keys}:
        raise UsageError(f"the blind index column {blind.name} is part of the key of {table}")
    return _Target(url, engine.dialect.name, reflected, target_column, keys, blind)


# -- checks before writing ----------------------------------------------------------------------


def _is_numeric(type_: Any) -> bool:
    import sqlalchemy as sa

    return isinstance(type_, sa.Integer | sa.Numeric | sa.Float | sa.Boolean)


def _is_text(type_: Any) -> bool:
    import sqlalchemy as sa

    # An ENUM or MySQL SET is a String to SQLAlchemy, but holds only its listed values.
    return (
        isinstance(type_, sa.String)
        and not isinstance(type_, sa.Enum)
        and type(type_).__name__ != "SET"
    )


def _widen_sql(engine: Any, target: _Target, column: Any, length: int) -> str:
    preparer = engine.dialect.identifier_preparer
    table = preparer.format_table(target.table)
    name = preparer.quote(column.name)
    if target.dialect == "postgresql":
        return f"ALTER TABLE {table} ALTER COLUMN {name} TYPE VARCHAR({length});"
    null = "NULL" if column.nullable else "NOT NULL"
    return (
        f"ALTER TABLE {table} MODIFY COLUMN {name} VARCHAR({length}) {null}; "
        "(MODIFY replaces the whole definition: repeat the column's DEFAULT, COMMENT and "
        "character set)"
    )


def _new_column_sql(engine: Any, target: _Target, length: int) -> str:
    preparer = engine.dialect.identifier_preparer
    table = preparer.format_table(target.table)
    name = preparer.quote(target.column.name)
    new = preparer.quote(f"{target.column.name}_enc")
    text = {"postgresql": f"VARCHAR({length})", "sqlite": "TEXT"}.get(
        target.dialect, f"VARCHAR({length})"
    )
    cast = {"postgresql": "TEXT", "sqlite": "TEXT"}.get(target.dialect, "CHAR")
    return (
        f"ALTER TABLE {table} ADD COLUMN {new} {text}; "  # noqa: S608 - advice, not run
        f"UPDATE {table} SET {new} = CAST({name} AS {cast});"
    )


def _check_column(engine: Any, target: _Target, token_length: Callable[[int], int]) -> None:
    """Refuse a column that cannot hold the tokens (numeric, ENUM, too short, padded CHAR)."""
    import sqlalchemy as sa

    column = target.column
    type_ = column.type
    name = target.name
    if _is_numeric(type_):
        with engine.connect() as connection:
            longest = connection.execute(
                sa.select(sa.func.max(sa.func.length(sa.cast(column, sa.Text))))
            ).scalar()
        need = token_length(int(longest or 20))
        raise UsageError(
            f"{name} is {type_} (numeric): a dg1: token is text and cannot be stored in it. "
            f"Add a text column, copy the values into it and encrypt that one, e.g. "
            f"{_new_column_sql(engine, target, need)} then encrypt "
            f"{column.name}_enc, switch the application to it and drop {column.name}"
        )
    if not _is_text(type_):
        raise UsageError(
            f"{name} is {type_}, not a text column (VARCHAR or TEXT): a dg1: token cannot be "
            "stored in it"
        )
    if target.dialect == "postgresql" and isinstance(type_, sa.CHAR):
        raise UsageError(
            f"{name} is {type_}: PostgreSQL pads CHAR values with blanks, which breaks tokens. "
            f"Make it a VARCHAR first, e.g. "
            f"{_widen_sql(engine, target, column, token_length(4 * (type_.length or 16)))}"
        )
    blind = target.blind
    if blind is not None:
        if not _is_text(blind.type):
            raise UsageError(
                f"the blind index column {blind.name} is {blind.type}; it needs a text column "
                f"of at least {_BLIND_INDEX_LENGTH} characters (e.g. VARCHAR(32))"
            )
        short = getattr(blind.type, "length", None)
        if target.dialect != "sqlite" and short is not None and short < _BLIND_INDEX_LENGTH:
            raise UsageError(
                f"the blind index column {blind.name} is {blind.type}, too short for the "
                f"{_BLIND_INDEX_LENGTH} hex digits of an index; widen it first: "
                f"{_widen_sql(engine, target, blind, _BLIND_INDEX_LENGTH)}"
            )


def _check_length(engine: Any, target: _Target, need: int) -> None:
    """Refuse a column shorter than the token of its longest plaintext value (*need*)."""
    if target.dialect == "sqlite":  # SQLite does not enforce declared lengths
        return
    length = getattr(target.column.type, "length", None)
    if length is not None and length < need:
        raise UsageError(
            f"{target.name} is {target.column.type}, too short: the token of its longest "
            f"value needs {need} characters (longer values need longer tokens, 4 characters "
            f"per 3 bytes). Nothing was changed; widen the column first, e.g. "
            f"{_widen_sql(engine, target, target.column, need)}"
        )


# -- SQL pieces ---------------------------------------------------------------------------------


def _conditions(target: _Target) -> tuple[Any, Any, Any]:
    """``(plaintext, token, pending)`` conditions on the target column, and its byte length."""
    import sqlalchemy as sa

    column = target.column
    prefix: Any = sa.func.substr(column, 1, len(TEXT_PREFIX))
    if target.dialect in ("mysql", "mariadb"):
        # MySQL compares strings under the column's collation, usually case-insensitive:
        # compare bytes, so that a plaintext "DG1:…" is not taken for a token.
        prefix = sa.cast(prefix, sa.LargeBinary)
    marker: Any = sa.literal_column(f"'{TEXT_PREFIX}'")
    token = prefix == marker
    plaintext = sa.and_(sa.func.length(column) > 0, prefix != marker)
    pending = plaintext
    if target.blind is not None:
        pending = sa.or_(plaintext, sa.and_(token, target.blind.is_(None)))
    return plaintext, token, pending


def _octets(target: _Target) -> Any:
    import sqlalchemy as sa

    if target.dialect == "sqlite":  # octet_length() came in SQLite 3.43
        return sa.func.length(sa.cast(target.column, sa.LargeBinary))
    return sa.func.octet_length(target.column)


def _survey(connection: Any, target: _Target) -> tuple[int, int, int, int, int]:
    """``(rows, plaintext values, tokens, longest plaintext in bytes, tokens to index)``."""
    import sqlalchemy as sa

    plaintext, token, _ = _conditions(target)

    def count(condition: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    unindexed: Any = sa.literal(0)
    if target.blind is not None:
        unindexed = count(sa.and_(token, target.blind.is_(None)))
    row = connection.execute(
        sa.select(
            sa.func.count(),
            count(plaintext),
            count(token),
            sa.func.max(sa.case((plaintext, _octets(target)))),
            unindexed,
        ).select_from(target.table)
    ).one()
    return int(row[0]), int(row[1]), int(row[2]), int(row[3] or 0), int(row[4])


def _batch_query(
    target: _Target, batch: int, last: tuple[Any, ...] | None, rekey: bool = False
) -> Any:
    """The next batch's rows: ``key…, value`` (and for a rekey the blind index), locked.

    Encrypting selects only pending rows; a rekey every non-empty value, since a token's
    key version is inside its base64 and only Python can tell whether it is current.
    """
    import sqlalchemy as sa

    selected = [*target.keys, target.column]
    if rekey:
        pending = sa.func.length(target.column) > 0
        if target.blind is not None:
            selected.append(target.blind)
    else:
        pending = _conditions(target)[2]
    statement = sa.select(*selected).where(pending)
    if last is not None:
        if len(target.keys) == 1:
            statement = statement.where(target.keys[0] > last[0])
        else:
            statement = statement.where(sa.tuple_(*target.keys) > sa.tuple_(*last))
    statement = statement.order_by(*target.keys).limit(batch)
    if target.dialect != "sqlite":  # SQLite: BEGIN IMMEDIATE already holds the write lock
        statement = statement.with_for_update()
    return statement


# -- writing a batch back -----------------------------------------------------------------------

#: (key values, new value of the column, blind index or None)
_Change = tuple[tuple[Any, ...], str, str | None]


class _Writer:
    """Writes one batch's changes back, inside the batch's transaction."""

    def __init__(self, engine: Any, target: _Target) -> None:
        self.target = target
        preparer = engine.dialect.identifier_preparer
        self.q = preparer.quote
        self.table = preparer.format_table(target.table)

    def setup(self, connection: Any) -> None:
        """Run once per connection before the first batch."""

    def __call__(self, connection: Any, changes: list[_Change]) -> None:
        raise NotImplementedError


class _ExecuteMany(_Writer):
    """One ``UPDATE … WHERE key = ?`` per row, sent with the driver's executemany."""

    def __init__(self, engine: Any, target: _Target) -> None:
        import sqlalchemy as sa

        super().__init__(engine, target)
        table = target.table
        where = [k == sa.bindparam(f"dg_k{i}") for i, k in enumerate(target.keys)]
        values: dict[str, Any] = {target.column.name: sa.bindparam("dg_v")}
        if target.blind is not None:
            values[target.blind.name] = sa.bindparam("dg_b")
        self.statement = sa.update(table).where(*where).values(values)

    def __call__(self, connection: Any, changes: list[_Change]) -> None:
        rows = []
        for key, value, index in changes:
            row: dict[str, Any] = {f"dg_k{i}": k for i, k in enumerate(key)}
            row["dg_v"] = value
            row["dg_b"] = index
            rows.append(row)
        connection.execute(self.statement, rows)


class _Unnest(_Writer):
    """PostgreSQL: ``UPDATE t SET c = u.v FROM unnest(:keys, :values) AS u …``, one statement."""

    def __init__(self, engine: Any, target: _Target) -> None:
        import sqlalchemy as sa

        super().__init__(engine, target)
        q = self.q
        arrays, names, joins = [], [], []
        for i, key in enumerate(target.keys):
            sql_type = key.type.compile(dialect=engine.dialect)
            arrays.append(f"CAST(:dg_k{i} AS {sql_type}[])")
            names.append(f"dg_k{i}")
            joins.append(f"dg_t.{q(key.name)} = dg_u.dg_k{i}")
        arrays.append("CAST(:dg_v AS TEXT[])")
        names.append("dg_v")
        sets = [f"{q(target.column.name)} = dg_u.dg_v"]
        if target.blind is not None:
            arrays.append("CAST(:dg_b AS TEXT[])")
            names.append("dg_b")
            sets.append(f"{q(target.blind.name)} = dg_u.dg_b")
        self.statement = sa.text(
            f"UPDATE {self.table} AS dg_t SET {', '.join(sets)} "  # noqa: S608 - quoted names, bound values
            f"FROM unnest({', '.join(arrays)}) AS dg_u({', '.join(names)}) "
            f"WHERE {' AND '.join(joins)}"
        )

    def __call__(self, connection: Any, changes: list[_Change]) -> None:
        params: dict[str, Any] = {
            f"dg_k{i}": [c[0][i] for c in changes] for i in range(len(self.target.keys))
        }
        params["dg_v"] = [c[1] for c in changes]
        if self.target.blind is not None:
            params["dg_b"] = [c[2] for c in changes]
        connection.execute(self.statement, params)


class _TempTable(_Writer):
    """MySQL/MariaDB: a multi-row INSERT into a session's temporary table, one UPDATE … JOIN.

    The temporary table copies the key columns' definitions (type and collation, so the
    join uses the primary key) with ``CREATE TEMPORARY TABLE … SELECT … WHERE 1 = 0``,
    which does not end the transaction; it disappears with the session.
    """

    def __init__(self, engine: Any, target: _Target) -> None:
        super().__init__(engine, target)
        q = self.q
        self.scratch = q(f"dg_migrate_{uuid.uuid4().hex[:12]}")
        keys = [q(k.name) for k in target.keys]
        copied = [*keys, f"{q(target.column.name)} AS dg_v"]
        inserted = [*keys, "dg_v"]
        params = [f":dg_k{i}" for i in range(len(keys))] + [":dg_v"]
        sets = [f"dg_t.{q(target.column.name)} = dg_u.dg_v"]
        if target.blind is not None:
            copied.append(f"{q(target.blind.name)} AS dg_b")
            inserted.append("dg_b")
            params.append(":dg_b")
            sets.append(f"dg_t.{q(target.blind.name)} = dg_u.dg_b")
        joins = " AND ".join(f"dg_t.{k} = dg_u.{k}" for k in keys)
        self.create = (
            f"CREATE TEMPORARY TABLE {self.scratch} (PRIMARY KEY ({', '.join(keys)})) "  # noqa: S608 - quoted names
            f"SELECT {', '.join(copied)} FROM {self.table} WHERE 1 = 0"
        )
        self.clear = f"DELETE FROM {self.scratch}"  # noqa: S608 - a quoted identifier
        self.insert = (
            f"INSERT INTO {self.scratch} ({', '.join(inserted)}) "  # noqa: S608 - values bound
            f"VALUES ({', '.join(params)})"
        )
        self.update = (
            f"UPDATE {self.table} AS dg_t JOIN {self.scratch} AS dg_u ON {joins} "  # noqa: S608 - quoted names
            f"SET {', '.join(sets)}"
        )

    def setup(self, connection: Any) -> None:
        import sqlalchemy as sa

        with connection.begin():
            connection.execute(sa.text(self.create))

    def __call__(self, connection: Any, changes: list[_Change]) -> None:
        import sqlalchemy as sa

        rows = []
        for key, value, index in changes:
            row: dict[str, Any] = {f"dg_k{i}": k for i, k in enumerate(key)}
            row["dg_v"] = value
            row["dg_b"] = index
            rows.append(row)
        connection.execute(sa.text(self.clear))
        connection.execute(sa.text(self.insert), rows)  # pymysql sends one multi-row INSERT
        connection.execute(sa.text(self.update))


def _writer(engine: Any, target: _Target, method: str) -> tuple[str, _Writer]:
    if method not in UPDATE_METHODS:
        raise UsageError(f"unknown update method {method!r}; choose from {UPDATE_METHODS}")
    if method == "auto":
        method = _AUTO_METHOD.get(target.dialect, "executemany")
    if method == "unnest" and target.dialect != "postgresql":
        raise UsageError("the unnest update method needs PostgreSQL")
    if method == "temp-table" and target.dialect not in ("mysql", "mariadb"):
        raise UsageError("the temp-table update method needs MySQL or MariaDB")
    if method == "unnest":
        return method, _Unnest(engine, target)
    if method == "temp-table":
        return method, _TempTable(engine, target)
    return method, _ExecuteMany(engine, target)


# -- the migration ------------------------------------------------------------------------------


def encrypt_column(
    url: str,
    table: str,
    column: str,
    keyring: Keyring,
    *,
    schema: str | None = None,
    scope: str | None = None,
    key_columns: Sequence[str] | None = None,
    batch: int = DEFAULT_BATCH,
    deterministic: bool = False,
    blind_index_column: str | None = None,
    on_rows: Callable[[int], object] | None = None,
    on_total: Callable[[MigrationReport], object] | None = None,
    cancel: Callable[[], bool] | None = None,
    update_method: str = "auto",
) -> MigrationReport:
    """Encrypt every plaintext value of *table*.*column* in place (see the module docstring).

    Args:
        url: an SQLAlchemy URL (``sqlite:///shop.db``, ``postgresql+psycopg://…``,
            ``mysql+pymysql://…``); the account needs SELECT and UPDATE on the table.
        table, column: the text column to encrypt; *schema* its schema (PostgreSQL) or
            database (MySQL), default the connection's.
        keyring: the keyring whose key of *scope* encrypts (created if the scope has none).
        scope: the key's scope, default ``"<table>.<column>"``.
        key_columns: the columns that identify a row, bound into each token's context;
            default the primary key, else the first NOT NULL unique key.
        batch: rows per transaction.
        deterministic: equal values in the same row give equal tokens (AES-SIV / SM4-SIV).
        blind_index_column: an existing text column (at least 32 characters) to fill with
            :meth:`FieldCipher.blind_index` of each value, in the same UPDATE; rows already
            encrypted whose index is NULL get it too.
        on_rows: called after each committed batch with the number of rows it changed.
        on_total: called once before the first batch with the report so far (its
            ``pending`` is the number of rows to change), for a progress bar.
        cancel: called before each batch; when it returns True the run stops after the
            batches committed so far (``report.cancelled``); e.g. ``event.is_set``.
        update_method: how a batch is written back, one of :data:`UPDATE_METHODS`
            (``auto`` picks the fastest for the dialect); for benchmarks and diagnosis.

    Returns a :class:`MigrationReport`. Raises :class:`UsageError` for a column or table it
    cannot encrypt (before anything is written) and for a database that fails mid-run
    (saying what was committed; rerun to resume).
    """
    return _migrate(
        url, table, column, keyring, schema=schema, scope=scope, key_columns=key_columns,
        batch=batch, deterministic=deterministic, blind_index_column=blind_index_column,
        on_rows=on_rows, on_total=on_total, cancel=cancel, update_method=update_method,
        rekey=False,
    )  # fmt: skip


def rekey_column(
    url: str,
    table: str,
    column: str,
    keyring: Keyring,
    *,
    schema: str | None = None,
    scope: str | None = None,
    key_columns: Sequence[str] | None = None,
    batch: int = DEFAULT_BATCH,
    deterministic: bool = False,
    blind_index_column: str | None = None,
    on_rows: Callable[[int], object] | None = None,
    on_total: Callable[[MigrationReport], object] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> MigrationReport:
    """Re-encrypt *table*.*column*'s tokens under *scope*'s active key, after a rotation.

    The same batches, locks, write-back and crash safety as :func:`encrypt_column` (same
    arguments), over every non-empty value in key order: a token whose key id and version
    (:class:`~dataguard.crypto.hazmat.wire.Envelope`) are not the scope's active ones is
    decrypted with its row context and encrypted again under the active key, keeping its
    mode (randomised or deterministic); a token already under the active key is left
    alone, so a rerun after a crash finishes the job and a second run changes nothing;
    a plaintext value is encrypted (mode *deterministic*), so one run converges the
    column. A token that does not decrypt is left as it is and counted
    (``undecryptable``, its row key in ``failed_rows``); the run goes on. The blind index
    is not recomputed (its key is separate from the DEK): a re-encrypted row keeps its
    index, a NULL one is filled in.

    Every row is read (only Python can read a token's key version), so ``on_total``'s
    ``pending`` is an upper bound (plaintext values plus tokens) and ``batch`` counts rows
    read per transaction. Refuses a scope without a key (:class:`UsageError`): check
    *scope*, or ``dataguard keys rotate SCOPE`` first.
    """
    return _migrate(
        url, table, column, keyring, schema=schema, scope=scope, key_columns=key_columns,
        batch=batch, deterministic=deterministic, blind_index_column=blind_index_column,
        on_rows=on_rows, on_total=on_total, cancel=cancel, update_method="auto", rekey=True,
    )  # fmt: skip


def _migrate(
    url: str,
    table: str,
    column: str,
    keyring: Keyring,
    *,
    schema: str | None,
    scope: str | None,
    key_columns: Sequence[str] | None,
    batch: int,
    deterministic: bool,
    blind_index_column: str | None,
    on_rows: Callable[[int], object] | None,
    on_total: Callable[[MigrationReport], object] | None,
    cancel: Callable[[], bool] | None,
    update_method: str,
    rekey: bool,
) -> MigrationReport:
    """:func:`encrypt_column` and :func:`rekey_column`: checks, survey, then the batches."""
    import sqlalchemy as sa

    if batch < 1:
        raise UsageError("the batch size is at least 1 row")
    started = time.perf_counter()
    engine = read_write_engine(url)
    try:
        target = _resolve(engine, url, table, column, schema, key_columns, blind_index_column)
        if rekey:
            try:
                keyring.keystore.active(scope or f"{table}.{column}")
            except UsageError as exc:
                raise UsageError(
                    f"{exc}: a rekey re-encrypts under the scope's active key; check the "
                    "scope (--scope), or rotate it first with dataguard keys rotate SCOPE"
                ) from None
        try:
            cipher = keyring.cipher(scope or f"{table}.{column}", deterministic=deterministic)
        except UsageError as exc:
            if scope is not None:
                raise
            raise UsageError(
                f"{exc}; the default scope TABLE.COLUMN does not fit, name one with "
                "scope= (--scope)"
            ) from None
        scope = cipher.scope
        probe_context = row_context(table, column, "0")

        def token_length(plain_bytes: int) -> int:
            # A token's length depends only on the value's length in bytes and the mode.
            return len(cipher.encrypt("0" * plain_bytes, probe_context))

        _check_column(engine, target, token_length)
        method, writer = _writer(engine, target, update_method)
        report = MigrationReport(
            database=describe_url(url),
            table=table,
            column=column,
            scope=scope,
            key_columns=tuple(k.name for k in target.keys),
            blind_index_column=blind_index_column,
            method=method,
        )
        try:
            with engine.connect() as connection:
                _session(connection, target.dialect)
                rows, plaintext, tokens, longest, unindexed = _survey(connection, target)
                connection.rollback()
                report.rows, report.already_encrypted = rows, tokens
                report.empty = rows - plaintext - tokens
                report.pending = plaintext + (tokens if rekey else unindexed)
                limit = None
                if target.dialect != "sqlite":
                    limit = getattr(target.column.type, "length", None)
                if plaintext:
                    _check_length(engine, target, token_length(longest))
                if on_total is not None:
                    on_total(report)
                if report.pending:
                    step = (_rekey_step if rekey else _encrypt_step)(target, cipher, limit)
                    writer.setup(connection)
                    _run(connection, target, step, writer, report, batch, rekey, on_rows, cancel)
        except sa.exc.SQLAlchemyError as exc:
            raise _interrupted(url, target, exc, report, rekey) from None
    except sa.exc.SQLAlchemyError as exc:
        raise _database_error(url, exc, f"preparing to encrypt {table}.{column}") from None
    finally:
        engine.dispose()
    report.seconds = time.perf_counter() - started
    return report


#: One row's work: ``step(key, value, extra) -> (outcome, change or None)``; *extra* is what
#: the batch query selected after the value, the outcome a MigrationReport counter's name.
_Step = Callable[[tuple[Any, ...], str, tuple[Any, ...]], tuple[str, _Change | None]]


def _encrypt_step(target: _Target, cipher: FieldCipher, limit: int | None) -> _Step:
    """Encrypt a plaintext value; fill in the blind index of a token that has none."""
    table, column = target.table.name, target.column.name
    keyring = cipher.keyring
    with_index = target.blind is not None

    def step(key: tuple[Any, ...], value: str, _extra: tuple[Any, ...]) -> tuple[str, Any]:
        context = {"table": table, "column": column, "row": row_key(key)}
        if value.startswith(TEXT_PREFIX):
            # Already encrypted, only its blind index is missing: fill it, keep the token.
            try:
                plain = keyring.decrypt(value, context)
            except InvalidToken:
                return "undecryptable", None
            return "indexed", (key, value, cipher.blind_index(plain))
        token = _sealed(target, cipher, value, context, limit)
        return "encrypted", (key, token, cipher.blind_index(value) if with_index else None)

    return step


def _rekey_step(target: _Target, cipher: FieldCipher, limit: int | None) -> _Step:
    """Re-encrypt a token not under the active key (same mode); encrypt a plaintext value."""
    table, column = target.table.name, target.column.name
    keyring = cipher.keyring
    active = keyring.keystore.active(cipher.scope)
    modes = {
        cipher.deterministic: cipher,
        not cipher.deterministic: keyring.cipher(
            cipher.scope, deterministic=not cipher.deterministic
        ),
    }
    with_index = target.blind is not None

    def step(key: tuple[Any, ...], value: str, extra: tuple[Any, ...]) -> tuple[str, Any]:
        context = {"table": table, "column": column, "row": row_key(key)}
        if not value.startswith(TEXT_PREFIX):
            token = _sealed(target, cipher, value, context, limit)
            return "encrypted", (key, token, cipher.blind_index(value) if with_index else None)
        try:
            envelope = Envelope.from_text(value)
            if envelope.key_id == active.id and envelope.key_version == active.version:
                return "current", None
            plain = keyring.decrypt(value, context)
        except InvalidToken:
            return "undecryptable", None
        same_mode = modes[envelope.mode == MODE_DETERMINISTIC]
        token = _sealed(target, same_mode, plain, context, limit)
        index = None
        if with_index:  # the index key is not the DEK: keep the index, fill a missing one
            index = extra[0] if extra[0] is not None else cipher.blind_index(plain)
        return "rekeyed", (key, token, index)

    return step


def _sealed(
    target: _Target, cipher: FieldCipher, value: str, context: dict[str, str], limit: int | None
) -> str:
    token = cipher.encrypt(value, context)
    if limit is not None and len(token) > limit:
        # A value grew since the survey: stop before the database truncates it.
        raise _too_long(target, limit)
    return token


def _run(
    connection: Any,
    target: _Target,
    step: _Step,
    writer: _Writer,
    report: MigrationReport,
    batch: int,
    rekey: bool,
    on_rows: Callable[[int], object] | None,
    cancel: Callable[[], bool] | None,
) -> None:
    """The batches: read rows after the last key, *step* each, write back, commit."""
    n_keys = len(target.keys)
    last: tuple[Any, ...] | None = None
    while True:
        if cancel is not None and cancel():
            report.cancelled = True
            return
        changes: list[_Change] = []
        counts: dict[str, int] = {}
        failed: list[str] = []
        with connection.begin():
            rows = connection.execute(_batch_query(target, batch, last, rekey)).all()
            if not rows:
                return
            for row in rows:
                key = tuple(row[:n_keys])
                value = row[n_keys]
                if not isinstance(value, str):
                    value = str(value)
                outcome, change = step(key, value, tuple(row[n_keys + 1 :]))
                counts[outcome] = counts.get(outcome, 0) + 1
                if outcome == "undecryptable":
                    failed.append(row_key(key))
                if change is not None:
                    changes.append(change)
            if changes:
                writer(connection, changes)
            last = tuple(rows[-1][:n_keys])
        # Counted once committed: a report never claims a batch that was rolled back.
        report.batches += 1
        for outcome, n in counts.items():
            setattr(report, outcome, getattr(report, outcome) + n)
        room = _MAX_FAILED_ROWS - len(report.failed_rows)
        report.failed_rows.extend(failed[: max(room, 0)])
        if on_rows is not None:
            on_rows(len(changes))


def _too_long(target: _Target, limit: int) -> UsageError:
    return UsageError(
        f"a value of {target.name} written during the migration is too long for its token "
        f"to fit the column's {limit} characters; that batch was rolled back. Widen the "
        "column and run the migration again"
    )


def _interrupted(
    url: str, target: _Target, exc: Exception, report: MigrationReport, rekey: bool = False
) -> UsageError:
    """The database failed mid-run: say what is committed and that a rerun resumes; no values."""
    kind = type(getattr(exc, "orig", None) or exc).__name__
    doing = "re-encrypting" if rekey else "encrypting"
    return UsageError(
        f"database {describe_url(url)} failed while {doing} {target.name} ({kind}): "
        f"{report.encrypted + report.rekeyed:,} value(s) in {report.batches:,} batch(es) were "
        "committed and stay encrypted, the batch in progress was committed whole or not at "
        "all. Check the connection and the server, then run the same migration again: it "
        "resumes where it stopped and skips what is already done"
    )


# -- verification -------------------------------------------------------------------------------


def verify_column(
    url: str,
    table: str,
    column: str,
    keyring: Keyring,
    *,
    schema: str | None = None,
    key_columns: Sequence[str] | None = None,
    sample: int = 100,
    seed: int = 0,
) -> VerifyReport:
    """Decrypt a seeded sample of *table*.*column* with each row's context; count outcomes.

    Reads through a read-only connection. The sample is spread over the table
    (:func:`dataguard.sources.database.sample_table`; the same seed gives the same rows on
    unchanged data); *sample* at least the row count checks every row. Counts ``ok``,
    ``failed`` (a token that does not decrypt under its row's context: tampered, swapped
    with another row's, a destroyed key), ``not_encrypted`` (plaintext left) and ``empty``
    (NULL or empty). Never reads a value out of the process: the report has counts and
    the keys of failing rows.
    """
    import sqlalchemy as sa

    if sample < 1:
        raise UsageError("the verification sample is at least 1 row")
    started = time.perf_counter()
    engine = read_only_engine(url)
    try:
        target = _resolve(engine, url, table, column, schema, key_columns)
        keys = [k.name for k in target.keys]
        with engine.connect() as connection:
            total = int(
                connection.execute(
                    sa.select(sa.func.count()).select_from(target.table)
                ).scalar_one()
            )
            info = TableInfo(
                name=target.table.name,
                columns=tuple(ColumnInfo(name=n, type="") for n in [*keys, column]),
                schema=schema,
                rows=total,
            )
            data = sample_table(connection, info, sample, seed)
    except sa.exc.SQLAlchemyError as exc:
        raise _database_error(url, exc, f"verifying {table}.{column}") from None
    finally:
        engine.dispose()
    report = VerifyReport(database=describe_url(url), table=table, column=column, rows=total)
    values = data[column]
    key_values = list(zip(*(data[k] for k in keys), strict=True))
    for key, value in zip(key_values, values, strict=True):
        report.sampled += 1
        if value is None or value == "":
            report.empty += 1
            continue
        if not isinstance(value, str) or not value.startswith(TEXT_PREFIX):
            report.not_encrypted += 1
            continue
        try:
            keyring.decrypt(value, row_context(table, column, key))
            report.ok += 1
        except InvalidToken:
            report.failed += 1
            if len(report.failed_rows) < _MAX_FAILED_ROWS:
                report.failed_rows.append(row_key(key))
    report.seconds = time.perf_counter() - started
    return report
