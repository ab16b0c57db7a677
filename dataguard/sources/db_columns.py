"""The type of each column of a database result, fixed before its rows stream, and batches
built to it without losing a value.

A streamed table must name its schema before the first batch, so a column's type is chosen
from what is known then: the type the database declares for it (a ``--table`` read), what
SQLite stores in it (a ``typeof`` pass, since SQLite lets any column hold any value), and
the values of the first rows. Three kinds of column are read as **text**, losslessly:

* JSON documents and arrays: a column declared JSON/JSONB or as an array (PostgreSQL
  ``text[]``, ``bigint[]``), or holding mappings or lists (psycopg returns ``jsonb`` as
  dicts, ``hstore`` as dicts, arrays as lists). Each value becomes its JSON text
  (``json.dumps``, non-ASCII kept: ``["13812341050", "13912345678"]``), which the
  redaction engine masks in place, keeping it valid JSON (the ``{"password": …}`` key
  rule included); a document nested too deeply to parse comes as its text
  (:func:`dataguard.json_text.loads_or_text`) and is masked as text;
* a column holding values of more than one kind (SQLite: an ``INTEGER`` column holding
  ``'138-1234-1050'``);
* a MySQL ``SET`` column, which SQLAlchemy hands over as Python sets: the text MySQL
  shows (``vip,new``: members in their declared order, joined by commas), not a set's
  repr with its members in hash order;
* a column with no value in the first rows and no usable declared type, or holding a
  driver's own value class (PostgreSQL ``inet`` as ``IPv4Address``, ``uuid``): its text;
  a duration (MySQL ``TIME``, PostgreSQL ``interval``) as ``HH:MM:SS``, which every output
  format can hold;
* an unconstrained decimal (PostgreSQL ``numeric`` without a scale, or a query's decimals
  of varying places): its digits, as the database gives them.

Every other column keeps the type of its values. A later value that does not fit that type
(another kind, or a decimal with more places than the column's scale) stops the read
with a :class:`~dataguard.errors.UsageError` naming the column, the row and the two kinds,
never the value: a value is never rounded or turned into a null.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from dataguard.errors import UsageError

__all__ = ["ColumnType", "column_types", "sqlite_storage", "to_frame"]

#: Python kinds that can share one numeric column without loss (SQLite ``NUMERIC``
#: affinity stores 2 as an integer and 1.5 as a real; PostgreSQL ``numeric`` has no ints).
_NUMERIC_MIXES = ({int, float}, {int, Decimal})
#: Kinds of value polars builds a typed column from; a column holding any other kind
#: is read as its text.
_SCALARS = frozenset(
    {str, int, float, bool, Decimal, dt.date, dt.datetime, dt.time, bytes, memoryview}
)
#: Kinds of value that make their column text: documents, durations and MySQL sets.
_AS_TEXT = frozenset({dict, list, dt.timedelta, set, frozenset})
#: Declared Python types that map to a polars type when the first rows hold no value.
_DECLARED = {
    str: pl.String(),
    int: pl.Int64(),
    float: pl.Float64(),
    bool: pl.Boolean(),
    dt.date: pl.Date(),
}


@dataclass(frozen=True)
class ColumnType:
    """One column's polars type and the Python kinds of value it takes as they are."""

    name: str
    dtype: pl.DataType
    #: Values are converted to text (JSON text for mappings and lists).
    as_text: bool
    #: Kinds of value the type holds as they are; any other kind does not fit.
    kinds: frozenset[type]
    #: A MySQL ``SET`` column's members in declared order (the order of its text).
    members: tuple[str, ...] = ()

    @property
    def scale(self) -> int | None:
        """Decimal places a :class:`~polars.Decimal` column holds, else None."""
        return self.dtype.scale if isinstance(self.dtype, pl.Decimal) else None


def _text(name: str, members: tuple[str, ...] = ()) -> ColumnType:
    return ColumnType(name, pl.String(), True, frozenset({str}), members)


def _is_json(declared: Any) -> bool:
    """Whether a column is declared JSON/JSONB or an array (PostgreSQL ``text[]``)."""
    if declared is None:
        return False
    import sqlalchemy as sa

    return isinstance(declared, sa.JSON | sa.ARRAY)


def _declared_type(name: str, declared: Any) -> ColumnType:
    """The column's type from its declaration alone (its first rows held no value)."""
    python_type: type | None
    try:
        python_type = declared.python_type if declared is not None else None
    except NotImplementedError:  # a dialect type with no Python counterpart
        python_type = None
    if python_type is dt.datetime and not getattr(declared, "timezone", False):
        return ColumnType(name, pl.Datetime("us"), False, frozenset({dt.datetime}))
    dtype = _DECLARED.get(python_type) if python_type is not None else None
    if python_type is None or dtype is None or python_type is str:
        return _text(name)
    kinds: set[type] = {python_type, int} if python_type is float else {python_type}
    return ColumnType(name, dtype, False, frozenset(kinds))


def column_types(
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    declared: Mapping[str, Any] | None = None,
    storage: Mapping[str, str] | None = None,
) -> list[ColumnType]:
    """The type of each column, from its declaration, its storage and the first *rows*.

    Args:
        names: the result's column names, in order.
        rows: its first rows (any number, none included).
        declared: SQLAlchemy types by column name, where the database declares them.
        storage: columns known to mix kinds of value: ``"text"`` or ``"real"`` (see
            :func:`sqlite_storage`).
    """
    types = []
    storage = storage or {}
    for j, name in enumerate(names):
        values = [row[j] for row in rows if row[j] is not None]
        kinds = set(map(type, values))
        declared_type = declared.get(name) if declared else None
        stored = storage.get(name)
        if stored == "real" and kinds <= {int, float}:
            types.append(ColumnType(name, pl.Float64(), False, frozenset({int, float})))
        elif stored == "text" or _is_json(declared_type) or kinds & _AS_TEXT:
            types.append(_text(name, tuple(getattr(declared_type, "values", None) or ())))
        elif not values:
            types.append(_declared_type(name, declared_type))
        elif len(kinds) > 1 and kinds not in _NUMERIC_MIXES:
            types.append(_text(name))
        else:
            # A driver's own value classes (psycopg's inet as IPv4Address, UUID, ranges)
            # are objects to polars, or worse (a Range sent its constructor into endless
            # recursion): their text is what the database shows.
            dtype = (
                pl.Series(name, values, strict=False).dtype if kinds <= _SCALARS else pl.Object()
            )
            if (
                dtype == pl.String
                or dtype == pl.Object
                or (isinstance(dtype, pl.Decimal) and not _fixed_scale(values, declared_type))
            ):
                types.append(_text(name))
                continue
            if isinstance(dtype, pl.Decimal):
                scale = getattr(declared_type, "scale", None)
                if isinstance(scale, int) and scale > (dtype.scale or 0):
                    dtype = pl.Decimal(38, scale)
            if isinstance(dtype, pl.Decimal | pl.Float64):
                kinds.add(int)  # an integer fits a decimal or float column exactly
            types.append(ColumnType(name, dtype, False, frozenset(kinds)))
    return types


def _fixed_scale(values: Sequence[Any], declared: Any) -> bool:
    """Whether a decimal column has one scale: declared (``numeric(10,2)``), or, for a
    query, shared by every decimal of its first rows. An unconstrained ``numeric`` holds
    any number of places, so it is read as text, digits as the database gives them."""
    if declared is not None:
        return isinstance(getattr(declared, "scale", None), int)
    exponents = {v.as_tuple().exponent for v in values if isinstance(v, Decimal)}
    return len(exponents) == 1


def _json_text(value: Any, members: Sequence[str] = ()) -> str:
    if isinstance(value, set | frozenset):
        order = {member: i for i, member in enumerate(members)}
        return ",".join(sorted(value, key=lambda m: (order.get(m, len(order)), m)))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, dt.timedelta):
        return _duration_text(value)
    return str(value)


def _duration_text(value: dt.timedelta) -> str:
    """A MySQL ``TIME`` / PostgreSQL ``interval`` as MySQL prints it: ``[-]H:MM:SS[.ffffff]``
    (hours past 24 included: ``838:59:59``)."""
    micros = abs(value) // dt.timedelta(microseconds=1)
    seconds, fraction = divmod(micros, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    sign = "-" if value < dt.timedelta(0) else ""
    tail = f".{fraction:06d}" if fraction else ""
    return f"{sign}{hours:02d}:{minute:02d}:{second:02d}{tail}"


def _misfit(label: str, column: ColumnType, where: str, kind: str) -> UsageError:
    return UsageError(
        f"{label}: column {column.name!r} holds a value ({kind}) {where} that does not "
        f"fit the type read from its declaration and first rows ({column.dtype}); dataguard "
        "never rounds or drops a value: read the column as text with --query, e.g. "
        f"SELECT ..., CAST({column.name} AS CHAR) AS {column.name} (VARCHAR in PostgreSQL, "
        "TEXT in SQLite)"
    )


def _too_precise(value: Decimal, scale: int) -> bool:
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or -exponent <= scale:
        return False
    return value != value.quantize(Decimal(1).scaleb(-scale))


def _series(label: str, column: ColumnType, values: list[Any], first_row: int) -> pl.Series:
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if column.as_text:
        if kinds <= {str}:
            return pl.Series(column.name, values, dtype=pl.String)
        if bytes in kinds or memoryview in kinds:
            at = next(i for i, v in enumerate(values) if isinstance(v, bytes | memoryview))
            raise _misfit(label, column, f"at row {first_row + at:,}", "binary")
        members = column.members
        text = [
            None if v is None else v if type(v) is str else _json_text(v, members) for v in values
        ]
        return pl.Series(column.name, text, dtype=pl.String)
    if not kinds <= column.kinds:
        at = next(i for i, v in enumerate(values) if v is not None and type(v) not in column.kinds)
        raise _misfit(label, column, f"at row {first_row + at:,}", type(values[at]).__name__)
    scale = column.scale
    if scale is not None and Decimal in kinds:
        for i, v in enumerate(values):
            if isinstance(v, Decimal) and _too_precise(v, scale):
                raise _misfit(
                    label, column, f"at row {first_row + i:,}", f"more than {scale} decimal places"
                )
    try:
        return pl.Series(column.name, values, dtype=column.dtype, strict=True)
    except (TypeError, OverflowError, pl.exceptions.PolarsError):
        # polars' message would quote the value; ours names the column and kind only.
        last = first_row + len(values) - 1
        raise _misfit(label, column, f"in rows {first_row:,} to {last:,}", "out of range") from None


def to_frame(
    label: str, columns: Sequence[ColumnType], rows: Sequence[Sequence[Any]], first_row: int
) -> pl.DataFrame:
    """A batch of *rows* as a frame of *columns*' types; *first_row* (1-based) numbers errors.

    Raises:
        UsageError: a value does not fit its column's type (named by *label*, column and
            row; never the value).
    """
    by_column = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    return pl.DataFrame(
        [
            _series(label, column, list(values), first_row)
            for column, values in zip(columns, by_column, strict=True)
        ]
    )


def sqlite_storage(connection: Any, source_sql: str, names: Sequence[str]) -> dict[str, str]:
    """Columns of an SQLite result whose values are of more than one storage class.

    SQLite lets a column declared ``INTEGER`` hold text; one pass of ``typeof`` over the
    result (*source_sql*: a query in parentheses) finds them. Returns ``"text"`` for a
    column mixing text or blobs with anything, ``"real"`` for integers mixed with reals
    (one numeric column of floats); columns of one class are left out.
    """
    import sqlalchemy as sa

    def quoted(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    probes = ", ".join(f"group_concat(DISTINCT typeof({quoted(n)}))" for n in names)
    query = f"SELECT {probes} FROM {source_sql}"  # noqa: S608 - quoted names, the user's query
    found = connection.execute(sa.text(query)).one()
    storage = {}
    for name, classes in zip(names, found, strict=True):
        kinds = set((classes or "").split(",")) - {"null", ""}
        if kinds == {"integer", "real"}:
            storage[name] = "real"
        elif len(kinds) > 1:
            storage[name] = "text"
    return storage
