"""Build rows for a :class:`SchemaSpec` and create its tables in a real database."""

from __future__ import annotations

import random
from typing import Any

import sqlalchemy as sa

from dataguard.testing.schemas._model import ColumnTruth, RowContext, SchemaSpec, TableSpec
from dataguard.testing.schemas._types import dumps

__all__ = ["create_schema", "generate_rows", "metadata"]

#: Rows per INSERT round trip.
CHUNK = 500


def _resolve(schema: SchemaSpec | str) -> SchemaSpec:
    if isinstance(schema, SchemaSpec):
        return schema
    from dataguard.testing.schemas import SCHEMAS

    try:
        return SCHEMAS[schema]
    except KeyError:
        raise ValueError(f"no schema {schema!r}; known: {', '.join(sorted(SCHEMAS))}") from None


def _table_rows(
    spec: SchemaSpec, table: TableSpec, counts: dict[str, int], seed: int
) -> list[dict[str, Any]]:
    # One random source per table: adding a table or a column elsewhere changes nothing here.
    rng = random.Random(f"dataguard.testing.schemas:{seed}:{spec.name}:{table.name}")  # noqa: S311
    out = []
    for index in range(counts[table.name]):
        ctx = RowContext(rng, index, counts)
        row = {}
        for column in table.columns:
            value = column.generator(ctx)
            ctx.values[column.name] = value
            row[column.name] = value
            length = getattr(column.type, "length", None)
            if isinstance(value, str) and length is not None and len(value) > length:
                raise ValueError(
                    f"{table.name}.{column.name}: generated {len(value)} chars for "
                    f"a column of {length}"
                )
        out.append(row)
    return out


def generate_rows(
    schema: SchemaSpec | str, *, rows: int = 200, seed: int = 0
) -> dict[str, list[dict[str, Any]]]:
    """``table → rows`` (dicts by column name), exactly what :func:`create_schema` inserts.

    Deterministic: the same *schema*, *rows* and *seed* give the same values on every
    machine. *rows* sizes every table through its ``scale`` (see :class:`TableSpec`).
    """
    spec = _resolve(schema)
    counts = spec.row_counts(rows)
    return {t.name: _table_rows(spec, t, counts, seed) for t in spec.tables}


def metadata(schema: SchemaSpec | str, *, db_schema: str | None = None) -> sa.MetaData:
    """SQLAlchemy Core tables of *schema* (comments on tables and columns; InnoDB and
    utf8mb4 on MySQL/MariaDB), in *db_schema* when given."""
    spec = _resolve(schema)
    meta = sa.MetaData(schema=db_schema)
    for table in spec.tables:
        sa.Table(
            table.name,
            meta,
            *(
                sa.Column(
                    c.name,
                    c.type,
                    comment=c.comment,
                    nullable=c.nullable and c.name not in table.primary_key,
                    primary_key=c.name in table.primary_key,
                    autoincrement=False,
                )
                for c in table.columns
            ),
            comment=table.comment,
            mysql_engine="InnoDB",
            mysql_charset="utf8mb4",
            mysql_collate="utf8mb4_general_ci",
        )
    return meta


def _ensure_db_schema(connection: sa.Connection, db_schema: str) -> None:
    dialect = connection.dialect.name
    if dialect == "sqlite":
        raise ValueError("SQLite has no schemas to create tables in; leave db_schema unset")
    if dialect == "postgresql":
        connection.execute(sa.schema.CreateSchema(db_schema, if_not_exists=True))
    else:
        name = connection.dialect.identifier_preparer.quote(db_schema)
        connection.execute(sa.text(f"CREATE DATABASE IF NOT EXISTS {name} CHARACTER SET utf8mb4"))


def create_schema(
    url: str | sa.Engine,
    schema: SchemaSpec | str,
    *,
    rows: int = 200,
    seed: int = 0,
    db_schema: str | None = None,
) -> dict[tuple[str, str], ColumnTruth]:
    """Create *schema*'s tables in the database at *url*, fill them, return the truth.

    *url* is an SQLAlchemy URL (SQLite, PostgreSQL or MySQL/MariaDB) or an engine. *schema*
    is a :class:`SchemaSpec` or a name in :data:`SCHEMAS`. *rows* sizes the tables (see
    :class:`TableSpec`); *seed* picks the data set (same seed, same rows everywhere).
    *db_schema* puts the tables in that PostgreSQL schema or MySQL database, created when
    missing. Existing tables are never touched: one of the same name is an error.

    Returns ``(table, column) → ColumnTruth`` for every column created.
    """
    spec = _resolve(schema)
    owned = not isinstance(url, sa.Engine)
    # ensure_ascii=False: JSON columns hold Chinese as text, as Java applications write it.
    engine = url if isinstance(url, sa.Engine) else sa.create_engine(url, json_serializer=dumps)
    try:
        meta = metadata(spec, db_schema=db_schema)
        data = generate_rows(spec, rows=rows, seed=seed)
        with engine.begin() as connection:
            if db_schema is not None:
                _ensure_db_schema(connection, db_schema)
            inspector = sa.inspect(connection)
            existing = [t.name for t in spec.tables if inspector.has_table(t.name, db_schema)]
            if existing:
                raise ValueError(f"tables already exist: {', '.join(existing)}")
            meta.create_all(connection, checkfirst=False)
            for table in meta.sorted_tables:
                values = data[table.name]
                for start in range(0, len(values), CHUNK):
                    connection.execute(table.insert(), values[start : start + CHUNK])
            _analyze(connection, meta)
    finally:
        if owned:
            engine.dispose()
    return spec.truth()


def _analyze(connection: sa.Connection, meta: sa.MetaData) -> None:
    """Refresh the planner statistics, so catalogue row estimates match the data."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        return
    preparer = connection.dialect.identifier_preparer
    for table in meta.sorted_tables:
        keyword = "ANALYZE" if dialect == "postgresql" else "ANALYZE TABLE"
        connection.execute(sa.text(f"{keyword} {preparer.format_table(table)}"))
