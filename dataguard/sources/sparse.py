"""Sparse columns: a second look at text columns that a row sample leaves almost empty.

A row sample sees a column as often as the column holds values. A ``backup_phone`` filled
in one row in two thousand shows up in a 1,000-row sample of a million-row table about
half the time; a ``remark`` filled once in ten thousand rows, almost never. The scan would
then call the column clean, which for a compliance scan is the one wrong answer that
matters. So after the row sample:

1. :func:`sparse_columns` names the text columns (declared ``CHAR``, ``VARCHAR``,
   ``TEXT``, ``CLOB``…, or untyped in SQLite) with fewer than :data:`SPARSE_BELOW`
   non-blank values in the sample, when the sample did not read the whole table;
2. :func:`top_up` reads up to :data:`TOP_UP_VALUES` non-empty values of each, in *one*
   statement per table (``WHERE a <> '' OR b <> '' … LIMIT n``): at most one pass over
   the table, which ends as soon as enough values are found.

The values come from the first qualifying rows the database returns, not a spread over the
table: the question here is whether the column holds personal data at all, not in what
share. The scan reports the top-up in a note, with the columns it concerned.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from dataguard.sources.catalog import ColumnInfo, TableInfo

__all__ = ["SPARSE_BELOW", "TOP_UP_VALUES", "sparse_columns", "top_up"]

#: A text column with fewer non-blank sampled values than this is sparse.
SPARSE_BELOW = 20
#: Non-empty values read per sparse column.
TOP_UP_VALUES = 200

# ref. SQL:2016 character types and their MySQL/PostgreSQL/SQLite spellings (CHARACTER
# VARYING, NVARCHAR, MEDIUMTEXT, CITEXT, CLOB, STRING); JSON and binary types are left out:
# comparing them with '' is an error in PostgreSQL.
_TEXT_TYPE = re.compile(r"CHAR|TEXT|CLOB|STRING", re.IGNORECASE)


def _textual(column: ColumnInfo, dialect: str) -> bool:
    declared = column.type.strip()
    if declared.endswith("]") or "ARRAY" in declared.upper():  # PostgreSQL's TEXT[]
        return False
    return bool(_TEXT_TYPE.search(declared)) or (dialect == "sqlite" and not declared)


def _blank(value: Any) -> bool:
    """NULL or whitespace; text columns give str (bytes from binary collations)."""
    return value is None or (isinstance(value, str) and not value.strip())


def sparse_columns(
    info: TableInfo, sample: Mapping[str, Sequence[Any]], rows: int, dialect: str
) -> list[ColumnInfo]:
    """The text columns of *info* with fewer than :data:`SPARSE_BELOW` non-blank values.

    None when the sample holds fewer than *rows* rows (the sample limit): the table was
    then read whole, and what it holds is all there is.
    """
    sampled = len(next(iter(sample.values()), ()))
    if sampled < rows:
        return []
    return [
        column
        for column in info.columns
        if _textual(column, dialect)
        and sum(not _blank(v) for v in sample.get(column.name, ())) < SPARSE_BELOW
    ]


def top_up(
    connection: Any,
    info: TableInfo,
    columns: Sequence[ColumnInfo],
    sample: Mapping[str, Sequence[Any]],
    values: int = TOP_UP_VALUES,
) -> dict[str, list[Any]]:
    """Up to *values* non-blank values of each of *columns*, read in one statement.

    The statement asks for ``values × len(columns)`` rows holding a non-empty value in any
    of the columns, so a denser column may take more of them than a sparser one; each
    column keeps at most *values*. A value the row *sample* already holds is not counted
    twice: as many of its copies as the sample has are left out.
    """
    import sqlalchemy as sa

    if not columns:
        return {}
    table = sa.table(info.name, *(sa.column(c.name) for c in columns), schema=info.schema)
    selected = [table.c[c.name] for c in columns]
    present = sa.or_(*(sa.and_(c.is_not(None), c != "") for c in selected))
    statement = sa.select(*selected).where(present).limit(values * len(columns))
    found: dict[str, list[Any]] = {c.name: [] for c in columns}
    already = {c.name: Counter(v for v in sample.get(c.name, ()) if not _blank(v)) for c in columns}
    for row in connection.execute(statement):
        for column, value in zip(columns, row, strict=True):
            kept = found[column.name]
            if len(kept) >= values or _blank(value):
                continue
            if already[column.name][value] > 0:
                already[column.name][value] -= 1  # most likely the very row sampled
                continue
            kept.append(value)
    return found
