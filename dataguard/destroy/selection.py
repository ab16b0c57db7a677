"""Which rows of a table a [[rows]] target selects, read by key and hashed.

A target selects the rows where its rule holds (``date_column < cutoff``, the ``where``
condition, ``subject_column IN subjects``: all that are given) and no legal hold does.
SQL's three-valued logic errs towards keeping data: a rule that is NULL for a row does
not select it, and a hold that is NULL for a row holds it.

Rows are read by their key (the primary key, or columns with a unique constraint) in key
order, a page at a time (keyset pagination: ``WHERE (key) > (last) ORDER BY key LIMIT n``),
so no cursor stays open across the deletes that follow. Each row is known by its *row
hash*: the first 16 bytes of HMAC(destroy key, ``row`` || target id || encoded key), where
the key's values are encoded with a type tag and a length, so ``1`` and ``"1"`` differ.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from dataguard.destroy.config import DestroyConfig, Hold, RowsTarget
from dataguard.destroy.documents import keyed_digest_bytes
from dataguard.errors import UsageError

__all__ = ["ROW_HASH_SIZE", "BoundTarget", "bind", "encode_key", "row_hash", "row_hasher"]

#: Bytes of a row hash (128 bits: no collision in any table a database can hold).
ROW_HASH_SIZE = 16


def encode_key(values: Sequence[Any]) -> bytes:
    """The key's values as bytes: per value a type tag, the length and the bytes."""
    if len(values) == 1:
        # The usual key, one integer or text column: the same bytes as below, sooner.
        value = values[0]
        if type(value) is int:
            data = str(value).encode()
            return b"i%d:%s" % (len(data), data)
        if type(value) is str:
            data = value.encode("utf-8")
            return b"s%d:%s" % (len(data), data)
    parts = []
    for value in values:
        if isinstance(value, bool):
            tag, data = b"?", b"1" if value else b"0"
        elif isinstance(value, int):
            tag, data = b"i", str(value).encode()
        elif isinstance(value, str):
            tag, data = b"s", value.encode("utf-8")
        elif isinstance(value, bytes | bytearray | memoryview):
            tag, data = b"b", bytes(value)
        elif isinstance(value, decimal.Decimal):
            tag, data = b"d", str(value.normalize()).encode()
        elif isinstance(value, float):
            tag, data = b"f", repr(value).encode()
        elif isinstance(value, _dt.datetime | _dt.date | _dt.time):
            tag, data = b"t", value.isoformat().encode()
        elif isinstance(value, uuid.UUID):
            tag, data = b"u", value.bytes
        elif value is None:
            raise UsageError("a key column holds NULL: use columns that identify each row")
        else:
            tag, data = b"r", repr(value).encode("utf-8")
        parts.append(tag + str(len(data)).encode() + b":" + data)
    return b"".join(parts)


def row_hash(key: bytes, target_id: str, values: Sequence[Any], algorithm: str) -> bytes:
    """The row hash of the row whose key has *values* (module docstring)."""
    data = target_id.encode("utf-8") + b"\x00" + encode_key(values)
    return keyed_digest_bytes(key, b"row", data, algorithm)[:ROW_HASH_SIZE]


def row_hasher(key: bytes, target_id: str, algorithm: str) -> Callable[[Sequence[Any]], bytes]:
    """:func:`row_hash` of *target_id*'s rows as a function of the key's values.

    The same bytes, in half the time: the HMAC is keyed and given ``row`` and the target
    id once (as :func:`~dataguard.destroy.documents.keyed_digest_bytes` would), then copied
    for each row.
    """
    from cryptography.hazmat.primitives import hashes, hmac

    if algorithm not in ("sha256", "sm3"):
        keyed_digest_bytes(key, b"row", b"", algorithm)  # the UsageError for the name
    mac = hmac.HMAC(key, hashes.SM3() if algorithm == "sm3" else hashes.SHA256())
    mac.update(b"row\x00" + target_id.encode("utf-8") + b"\x00")

    def hashed(values: Sequence[Any]) -> bytes:
        copy = mac.copy()
        copy.update(encode_key(values))
        return copy.finalize()[:ROW_HASH_SIZE]

    return hashed


@dataclass
class BoundTarget:
    """A [[rows]] target bound to its table: the statements that read and delete its rows."""

    target: RowsTarget
    engine: Any
    table: Any
    key: tuple[str, ...]
    rule: Any
    holds: tuple[str, ...]
    hold_clauses: tuple[Any, ...]
    cutoff: _dt.datetime | None

    @property
    def held(self) -> Any | None:
        """The condition of the rows some legal hold keeps (None: no hold applies)."""
        import sqlalchemy as sa

        return sa.or_(*self.hold_clauses) if self.hold_clauses else None

    @property
    def database(self) -> str:
        """The database URL with its password hidden."""
        from dataguard.sources.database import describe_url

        return describe_url(self.target.database)

    @property
    def selectable(self) -> Any:
        """The condition of the rows this target destroys: its rule and no hold."""
        import sqlalchemy as sa

        if self.held is None:
            return self.rule
        return sa.and_(self.rule, sa.not_(sa.func.coalesce(self.held, sa.true())))

    def key_columns(self) -> list[Any]:
        """The key columns, in order."""
        return [self.table.c[name] for name in self.key]

    def page(self, after: Sequence[Any] | None, size: int, *, everything: bool = False) -> Any:
        """SELECT the key of the next *size* selected rows after key *after* (in key order).

        With *everything*, every row of the table (verification's full key scan).
        """
        import sqlalchemy as sa

        columns = self.key_columns()
        statement = sa.select(*columns)
        if not everything:
            statement = statement.where(self.selectable)
        if after is not None:
            if len(columns) == 1:
                statement = statement.where(columns[0] > after[0])
            else:
                statement = statement.where(sa.tuple_(*columns) > sa.tuple_(*after))
        return statement.order_by(*columns).limit(size)

    def pages(
        self, connection_factory: Any, size: int, *, everything: bool = False
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Every page of keys; each page read in its own short transaction."""
        after: Sequence[Any] | None = None
        while True:
            with connection_factory() as connection:
                statement = self.page(after, size, everything=everything)
                keys = [tuple(row) for row in connection.execute(statement)]
            if not keys:
                return
            yield keys
            if len(keys) < size:
                return
            after = keys[-1]

    def delete(self, keys: Sequence[Sequence[Any]]) -> Any:
        """DELETE the rows with these keys that are still selected (a hold added meanwhile
        still protects them)."""
        import sqlalchemy as sa

        columns = self.key_columns()
        if len(columns) == 1:
            match = _one_of(columns[0], [k[0] for k in keys], self.engine.dialect.name)
        else:
            match = sa.tuple_(*columns).in_([tuple(k) for k in keys])
        return sa.delete(self.table).where(match).where(self.selectable)

    def count(self, condition: Any) -> Any:
        """SELECT COUNT(*) of the rows where *condition* holds."""
        import sqlalchemy as sa

        return sa.select(sa.func.count()).select_from(self.table).where(condition)


def _one_of(column: Any, values: list[Any], dialect: str) -> Any:
    """``column IN (values)``; on PostgreSQL, for integer and text keys, ``column =
    ANY(:array)``, which PostgreSQL runs the same way (it rewrites an IN list to ``= ANY``)
    but is one parameter instead of one per value: SQLAlchemy and psycopg no longer render
    and parse thousands of placeholders per batch (benchmarks/destroy.py)."""
    import sqlalchemy as sa

    if dialect == "postgresql" and not isinstance(column.type, sa.Enum):
        try:
            python_type = column.type.python_type
        except NotImplementedError:
            python_type = None
        if python_type in (int, str):
            from sqlalchemy.dialects import postgresql

            # The element type IN would cast each value to: the integer type, or VARCHAR.
            element = column.type if python_type is int else sa.String()
            array = sa.bindparam(None, values, type_=postgresql.ARRAY(element))
            return column == sa.any_(array)
    return column.in_(values)


def _reflect(engine: Any, target: RowsTarget) -> Any:
    import sqlalchemy as sa

    try:
        return sa.Table(target.table, sa.MetaData(), schema=target.schema, autoload_with=engine)
    except sa.exc.NoSuchTableError:
        from dataguard.sources.database import describe_url

        where = f" in schema {target.schema}" if target.schema else ""
        raise UsageError(
            f"{target.target_id}: no table {target.table!r}{where} in "
            f"{describe_url(target.database)}"
        ) from None


def _key(engine: Any, table: Any, target: RowsTarget) -> tuple[str, ...]:
    import sqlalchemy as sa

    primary = tuple(c.name for c in table.primary_key.columns)
    if not target.key:
        if not primary:
            raise UsageError(
                f"{target.target_id}: the table has no primary key; name columns with a "
                "unique constraint as key = [...]"
            )
        return primary
    for column in target.key:
        if column not in table.c:
            raise UsageError(f"{target.target_id}: no key column {column!r}")
    if set(target.key) == set(primary):
        return target.key
    inspector = sa.inspect(engine)
    unique = [set(u["column_names"]) for u in inspector.get_unique_constraints(
        target.table, schema=target.schema)]  # fmt: skip
    unique += [set(i["column_names"]) for i in inspector.get_indexes(
        target.table, schema=target.schema) if i.get("unique")]  # fmt: skip
    if set(target.key) not in unique:
        raise UsageError(
            f"{target.target_id}: key columns {', '.join(target.key)} are neither the primary "
            "key nor unique; a key must identify exactly one row"
        )
    return target.key


def _column(table: Any, name: str, target: RowsTarget, what: str) -> Any:
    if name not in table.c:
        raise UsageError(f"{target.target_id}: no {what} column {name!r}")
    return table.c[name]


def _cutoff_value(column: Any, cutoff: _dt.datetime) -> Any:
    import sqlalchemy as sa

    naive = cutoff.astimezone(_dt.UTC).replace(tzinfo=None)
    if isinstance(column.type, sa.DateTime):
        return cutoff if getattr(column.type, "timezone", False) else naive
    if isinstance(column.type, sa.Date):
        return naive.date()
    # Text dates (SQLite, or a VARCHAR): ISO 8601 text compares in time order.
    return naive.strftime("%Y-%m-%d %H:%M:%S")


def _subject_values(column: Any, subjects: Sequence[str]) -> list[Any]:
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        python_type = str
    if python_type is int:
        # An integer column can only hold the ids that are integers.
        return [int(s) for s in subjects if s.lstrip("-").isdigit()]
    return list(subjects)


def _hold_clause(hold: Hold, table: Any, target: RowsTarget) -> Any:
    import sqlalchemy as sa

    parts = []
    if hold.where:
        parts.append(sa.text(f"({hold.where})"))
    if hold.subjects:
        if not target.subject_column:
            raise UsageError(
                f"hold {hold.name!r} holds subjects, but {target.target_id} has no subject_column"
            )
        column = _column(table, target.subject_column, target, "subject")
        parts.append(column.in_(_subject_values(column, hold.subjects)))
    return sa.or_(*parts) if len(parts) > 1 else parts[0]


def bind(
    target: RowsTarget, config: DestroyConfig, engine: Any, cutoff: _dt.datetime | None
) -> BoundTarget:
    """Bind *target* to its table in *engine*: key, rule and holds (UsageError if impossible).

    *cutoff* is the instant ``older_than`` counts back from (the plan's, so a run deletes
    what was approved even days later).
    """
    import sqlalchemy as sa

    table = _reflect(engine, target)
    key = _key(engine, table, target)
    parts = []
    if target.date_column:
        if cutoff is None:
            raise UsageError(f"{target.target_id}: older_than needs the plan's cutoff")
        column = _column(table, target.date_column, target, "date")
        parts.append(column < sa.literal(_cutoff_value(column, cutoff), column.type))
    if target.where:
        parts.append(sa.text(f"({target.where})"))
    if target.subject_column:
        column = _column(table, target.subject_column, target, "subject")
        parts.append(column.in_(_subject_values(column, config.subjects)))
    holds = [h for h in config.holds if h.applies_to(target)]
    return BoundTarget(
        target=target,
        engine=engine,
        table=table,
        key=key,
        rule=sa.and_(*parts),
        holds=tuple(h.name for h in holds),
        hold_clauses=tuple(_hold_clause(h, table, target) for h in holds),
        cutoff=cutoff,
    )
