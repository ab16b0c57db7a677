"""Sparse columns: a second look at text columns that a row sample leaves almost empty.

A row sample sees a column as often as the column holds values. A ``backup_phone`` filled
in one row in two thousand shows up in a 1,000-row sample of a million-row table about
half the time; a ``remark`` filled once in ten thousand rows, almost never. The scan would
then call the column clean, which for a compliance scan is the one wrong answer that
matters. So after the row sample:

1. :func:`sparse_columns` names the text columns (declared ``CHAR``, ``VARCHAR``,
   ``TEXT``, ``CLOB``…, or untyped in SQLite) and wide number columns (``BIGINT``,
   ``DECIMAL``…, where zero counts as blank) with fewer than :data:`SPARSE_BELOW`
   non-blank values in the sample (:func:`is_thin`), when the sample did not read the
   whole table;
2. :func:`top_up` reads up to :data:`TOP_UP_VALUES` non-empty values of each, in *one*
   statement per table (``WHERE TRIM(a) NOT IN ('', '0', …) OR b <> 0 … LIMIT n``): at
   most one pass over the table, which ends as soon as enough values are found.

A dump scan reads every row, so it needs no second pass: :class:`FirstValues` keeps the
first :data:`TOP_UP_VALUES` non-blank values of each column as the rows stream by (a
column stops costing anything once it has them), and the sparse ones are assessed with
those values too.

Batch redaction has the same blind spot, and there it leaks: a column planned clean is
copied as it is, so the phones of a sparse ``alt_contact`` column reached the output
unmasked. :func:`top_up_frame` is the same second look over a polars frame (a CSV,
Parquet or Excel sheet being redacted, or scanned by ``scan files``), in one streamed
filter that stops once it has enough values.

The values come from the first qualifying rows, not a spread over the table: the question
here is whether the column holds personal data at all, not in what share. Reports name the
columns that got the second look (:func:`sparse_note`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dataguard.sources.catalog import ColumnInfo, TableInfo

__all__ = [
    "SPARSE_BELOW",
    "TOP_UP_VALUES",
    "ZERO",
    "FirstValues",
    "blank",
    "is_thin",
    "new_text_values",
    "new_values",
    "sparse_columns",
    "sparse_note",
    "thin_columns",
    "thin_lists",
    "top_up",
    "top_up_frame",
    "unseen",
    "zero_number",
]

#: A text column with fewer non-blank sampled values than this is sparse.
SPARSE_BELOW = 20
#: Non-empty values read per sparse column.
TOP_UP_VALUES = 200

if TYPE_CHECKING:
    import polars as pl

# ref. SQL:2016 character types and their MySQL/PostgreSQL/SQLite spellings (CHARACTER
# VARYING, NVARCHAR, MEDIUMTEXT, CITEXT, CLOB, STRING); JSON and binary types are left out:
# comparing them with '' is an error in PostgreSQL.
_TEXT_TYPE = re.compile(r"CHAR|TEXT|CLOB|STRING", re.IGNORECASE)


# ref. integer and exact numeric types wide enough for a phone or an ID number (BIGINT,
# INT8, DECIMAL(18,0), NUMERIC, Oracle's NUMBER): columns that default to 0 and hold a
# phone in a few rows. INTEGER (at most 2,147,483,647) holds neither.
_NUMBER_TYPE = re.compile(r"BIGINT|INT8|DECIMAL|NUMERIC|NUMBER", re.IGNORECASE)


def _textual(column: ColumnInfo, dialect: str) -> bool:
    declared = column.type.strip()
    if declared.endswith("]") or "ARRAY" in declared.upper():  # PostgreSQL's TEXT[]
        return False
    return bool(_TEXT_TYPE.search(declared)) or (dialect == "sqlite" and not declared)


def _numeric(column: ColumnInfo) -> bool:
    declared = column.type.strip()
    return bool(_NUMBER_TYPE.search(declared)) and not declared.endswith("]")


#: Zero as text (``0``, ``0.00``, ``-0``): what a number column holds where it holds nothing.
ZERO = r"^[+-]?0+(?:\.0*)?$"
_ZERO = re.compile(ZERO)
# The common spellings of blank() text, for the per-value loop of FirstValues and for SQL.
_NOTHING = frozenset(("", "0", "0.0", "0.00", "-0"))


def zero_number(value: Any) -> bool:
    """Whether *value* is a number equal to zero (not a bool, not text)."""
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and value == 0


def blank(value: Any) -> bool:
    """NULL, whitespace or zero (a number column's "nothing": ``BIGINT NOT NULL DEFAULT
    0``); text columns give str (bytes from binary collations), number columns numbers."""
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        return not text or _ZERO.match(text) is not None
    return zero_number(value)


def is_thin(values: Sequence[Any]) -> bool:
    """Whether fewer than :data:`SPARSE_BELOW` of a column's sampled *values* are not
    :func:`blank`: the column is sparse."""
    return sum(not blank(v) for v in values) < SPARSE_BELOW


def sparse_note(table: str, columns: Sequence[str], rows: int, failed: str | None = None) -> str:
    """The report's note on the sparse *columns* of *table* (*rows* rows sampled).

    *failed* names the database error (its class, never its text, which may quote
    values) when the second look could not be read: the columns were then judged from
    the sample alone, and the note says so.
    """
    thin = (
        f"{table}: {len(columns)} column(s) had fewer than {SPARSE_BELOW} non-blank values in "
        f"{rows} sampled rows"
    )
    if failed is not None:
        return (
            f"{thin}; reading more of their values failed ({failed}), so they were judged "
            f"from the sample alone and may hold personal data it did not see: "
            f"{', '.join(columns)}"
        )
    return f"{thin}, so up to {TOP_UP_VALUES} more non-empty values of each were read: " + (
        ", ".join(columns)
    )


def sparse_columns(
    info: TableInfo, sample: Mapping[str, Sequence[Any]], rows: int, dialect: str
) -> list[ColumnInfo]:
    """The text and wide number columns of *info* that are thin in *sample*
    (:func:`is_thin`; zero counts as blank in a number column).

    Empty when the sample holds fewer than *rows* rows (the sample limit): the table was
    then read whole, and what it holds is all there is.
    """
    sampled = len(next(iter(sample.values()), ()))
    if sampled < rows:
        return []
    return [
        column
        for column in info.columns
        if (_textual(column, dialect) or _numeric(column)) and is_thin(sample.get(column.name, ()))
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
    present = sa.or_(
        *(
            sa.and_(c.is_not(None), c != 0)
            if _numeric(column)
            # blank() in SQL: TRIM in every dialect, zero in its common spellings. The cast
            # reads a column whose type only looks like text (a PostgreSQL enum named
            # ticket_text, a domain) as text: TRIM of the type itself is an error there.
            else sa.func.trim(sa.cast(c, sa.String)).not_in(sorted(_NOTHING))
            for c, column in zip(selected, columns, strict=True)
        )
    )
    statement = sa.select(*selected).where(present).limit(values * len(columns))
    return new_values([c.name for c in columns], connection.execute(statement), sample, values)


def unseen(values: Sequence[Any], sampled: Sequence[Any]) -> list[Any]:
    """*values* less as many copies of each as *sampled* holds (most likely the very rows
    sampled: a value is not counted twice)."""
    left = Counter(v for v in sampled if not blank(v))
    kept = []
    for value in values:
        if left[value] > 0:
            left[value] -= 1
        else:
            kept.append(value)
    return kept


def new_values(
    names: Sequence[str],
    rows: Any,
    sample: Mapping[str, Sequence[Any]],
    values: int,
) -> dict[str, list[Any]]:
    """Per column of *names*, up to *values* non-blank values of *rows* (tuples in that
    column order) that *sample* does not already hold (:func:`unseen`)."""
    found: dict[str, list[Any]] = {name: [] for name in names}
    for row in rows:
        for name, value in zip(names, row, strict=True):
            if not blank(value):
                found[name].append(value)
    return {name: unseen(found[name], sample.get(name, ()))[:values] for name in names}


def top_up_frame(
    frame: pl.LazyFrame, sample: pl.DataFrame, values: int = TOP_UP_VALUES
) -> dict[str, list[str]]:
    """Up to *values* more non-blank values (as text) of each sparse column of *sample*.

    Sparse: a string or numeric column of *sample* with fewer than :data:`SPARSE_BELOW`
    non-blank values, or a list of them with fewer such elements (binary, other nested and
    temporal columns are left out). *frame* is the whole table *sample* was drawn from; it
    is read once by polars for the scalar columns, keeping only rows with a value in one of
    them, and only until it has ``values × columns`` of them, and once more for each thin
    list column (:func:`_top_up_lists`). Small tables, read whole by the sample, give
    nothing new: values the sample holds are left out. Columns without new values are left
    out of the result.
    """
    import polars as pl

    found = _top_up_lists(frame, sample, values)
    wanted = thin_columns(sample)
    if not wanted:
        return found
    as_text = [pl.col(name).cast(pl.String) for name in wanted]
    present = pl.any_horizontal([_present(c) for c in as_text])
    drawn = (
        frame.select(as_text).filter(present.fill_null(False)).head(values * len(wanted)).collect()
    )
    return new_text_values(drawn, sample, values) | found


def _top_up_lists(frame: pl.LazyFrame, sample: pl.DataFrame, values: int) -> dict[str, list[str]]:
    """The second look for list columns (``phones: list<string>``, and ``items.phone`` of a
    list of structs) whose elements *sample* saw (almost) none of: up to *values* more
    non-blank elements of each, one streamed pass per column (usually a Parquet column of
    a few bytes a row), stopping once it has them."""
    import polars as pl

    found: dict[str, list[str]] = {}
    for name, seen in thin_lists(sample).items():
        text = pl.col(name).explode().cast(pl.String)
        drawn = frame.select(text).filter(_present(text).fill_null(False)).head(values).collect()
        more = new_values([name], drawn.iter_rows(), {name: seen}, values)[name]
        if more:
            found[name] = more
    return found


def thin_lists(sample: pl.DataFrame) -> dict[str, list[str | None]]:
    """The list columns of strings or numbers of *sample* with fewer than
    :data:`SPARSE_BELOW` non-blank elements, each with its sampled elements as text."""
    import polars as pl

    from dataguard.sources.nested import elements

    thin: dict[str, list[str | None]] = {}
    for name, dtype in sample.schema.items():
        if isinstance(dtype, pl.List) and (dtype.inner == pl.String or dtype.inner.is_numeric()):
            seen = elements(sample.get_column(name))
            if _non_blank(seen) < SPARSE_BELOW:
                thin[name] = seen.cast(pl.String).to_list()
    return thin


def thin_columns(sample: pl.DataFrame) -> list[str]:
    """The string and numeric columns of *sample* with fewer than :data:`SPARSE_BELOW`
    non-blank values (binary, nested and temporal columns are left out)."""
    import polars as pl

    return [
        name
        for name, dtype in sample.schema.items()
        if (dtype == pl.String or dtype.is_numeric())
        and _non_blank(sample.get_column(name)) < SPARSE_BELOW
    ]


def new_text_values(
    drawn: pl.DataFrame, sample: pl.DataFrame, values: int = TOP_UP_VALUES
) -> dict[str, list[str]]:
    """Per column of *drawn* (rows read for the second look), its non-blank values as
    text, at most *values*, less the copies *sample* holds; columns with none left out."""
    import polars as pl

    names = drawn.columns
    text = drawn.select(pl.col(name).cast(pl.String) for name in names)
    seen = {name: sample.get_column(name).cast(pl.String).to_list() for name in names}
    found = new_values(names, text.iter_rows(), seen, values)
    return {name: more for name, more in found.items() if more}


def _present(text: pl.Expr) -> pl.Expr:
    """Not :func:`blank`, column-wise, over a column cast to text."""
    stripped = text.str.strip_chars()
    return (stripped.str.len_bytes() > 0) & ~stripped.str.contains(ZERO)


def _non_blank(column: pl.Series) -> int:
    import polars as pl

    text = column.cast(pl.String).rename("v").to_frame()
    return int(text.select(_present(pl.col("v")).fill_null(False).sum()).item())


class FirstValues:
    """The first *size* non-blank values of each column of a stream of row batches.

    Attributes:
        values: per column name, its first non-blank values (at most *size*).
    """

    def __init__(self, size: int = TOP_UP_VALUES) -> None:
        self.size = size
        self.values: dict[str, list[Any]] = {}
        self._full: set[str] = set()

    def add_rows(self, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Take the non-blank values of *rows* (tuples in *names* order) that are needed."""
        for index, name in enumerate(names):
            if name in self._full:
                continue
            kept = self.values.setdefault(name, [])
            try:  # one comprehension per column and batch: an empty column is common
                present = [
                    v for row in rows if (v := row[index]) is not None and v.strip() not in _NOTHING
                ]
            except (IndexError, AttributeError):  # a short row, or values other than text
                present = [v for row in rows if index < len(row) and not blank(v := row[index])]
            kept.extend(present[: self.size - len(kept)])
            if len(kept) >= self.size:
                self._full.add(name)

    def wants(self, name: str) -> bool:
        """Whether values of column *name* are still taken (it has fewer than *size*)."""
        return name not in self._full

    def add_record(self, record: Mapping[str, Any]) -> None:
        """Take the non-blank values of one record (a JSON line: keys vary by line)."""
        for name, value in record.items():
            if name in self._full or blank(value):
                continue
            kept = self.values.setdefault(name, [])
            kept.append(value)
            if len(kept) >= self.size:
                self._full.add(name)

    def beyond(self, sample: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
        """For each column of *sample* that is thin there (:func:`is_thin`), the kept values
        the sample does not already hold (:func:`unseen`); columns with none left out."""
        more = {
            name: unseen(self.values.get(name, []), sampled)
            for name, sampled in sample.items()
            if is_thin(sampled)
        }
        return {name: extra for name, extra in more.items() if extra}

    def renamed(self, names: Mapping[str, str]) -> None:
        """Rename columns (``#1`` → ``phone`` once a late definition names them)."""
        merged: dict[str, list[Any]] = {}
        for name, kept in self.values.items():  # a column seen under both names: both
            merged.setdefault(names.get(name, name), []).extend(kept)
        self.values = {name: kept[: self.size] for name, kept in merged.items()}
        self._full = {name for name, kept in self.values.items() if len(kept) >= self.size}
