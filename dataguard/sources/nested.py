"""Nested table columns (Parquet structs and lists) as flat columns, and back.

Redaction plans and masks column by column. A struct column is therefore read as one flat
column per leaf field, named by its path (``contact`` holding ``{name, phone}`` becomes
``contact.name`` and ``contact.phone``): each leaf is classified, reported and masked like
any column, its field name as context (a ``phone`` field is a phone column, wherever it
sits). After masking, :func:`restore` puts the leaves back into their structs, in their
order, so the output has the input's shape; a struct that was null stays null (a hidden
column per struct remembers which rows had one).

A list column of scalars (``phones: list<string>``) stays one column: it is planned from
its elements and masked element by element (:func:`list_elements`), each list keeping its
length; empty and null lists stay as they were.

Lists of structs or of lists, and fixed-size arrays, are refused by :func:`unsupported`
(their elements cannot be masked as one column's values).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from dataguard.errors import UsageError

if TYPE_CHECKING:
    # A polars type as schemas and struct fields give it (an instance, or a class).
    from polars._typing import PolarsDataType as _Type

__all__ = [
    "Nesting",
    "elements",
    "flatten",
    "holds_bytes",
    "leaves",
    "list_elements",
    "restore",
    "unsupported",
]

#: Joins a struct's path and a field's name in the flat column's name.
SEPARATOR = "."
#: Names of the hidden columns that say whether a struct was there (not null). A NUL
#: character cannot occur in a Parquet or Arrow column name written by any tool we know
#: of, and the columns are dropped before anything is planned or reported.
_VALID = "\x00dataguard-struct-present:"


def _scalar(dtype: _Type) -> bool:
    return not dtype.is_nested()


def unsupported(schema: pl.Schema) -> tuple[str, _Type] | None:
    """The first column (a path, ``a.b`` inside structs) that cannot be masked, and its
    type: a list whose elements are not scalars (structs, lists), or a fixed-size array.
    None when every column can be."""
    for path, dtype in leaves(schema):
        if isinstance(dtype, pl.Array) or (isinstance(dtype, pl.List) and not _scalar(dtype.inner)):
            return path, dtype
    return None


def holds_bytes(dtype: _Type) -> bool:
    """Whether a column (a struct field by :func:`leaves`) holds bytes: binary, or a list
    of binary values."""
    return dtype == pl.Binary or (isinstance(dtype, pl.List) and dtype.inner == pl.Binary)


def elements(column: pl.Series) -> pl.Series:
    """A column's values as they are classified and masked: a list column's elements,
    flat (:func:`list_elements`); any other column as it is."""
    if isinstance(column.dtype, pl.List):
        return list_elements(column)[0]
    return column


def leaves(schema: pl.Schema) -> Iterator[tuple[str, _Type]]:
    """The columns :func:`flatten` makes of *schema*, with their types: struct fields by
    path (``buyer.mobile``), every other column (lists too) as it is."""
    for name, dtype in schema.items():
        yield from _leaves(name, dtype)


def _leaves(path: str, dtype: _Type) -> Iterator[tuple[str, _Type]]:
    if isinstance(dtype, pl.Struct):
        for field in dtype.fields:
            yield from _leaves(path + SEPARATOR + field.name, field.dtype)
    else:
        yield path, dtype


@dataclass(frozen=True)
class Nesting:
    """How :func:`flatten` flattened a table: its original schema and the hidden columns."""

    schema: pl.Schema
    #: The hidden presence columns (one per struct, nested ones included).
    hidden: tuple[str, ...]

    @property
    def flattened(self) -> bool:
        """Whether any column was a struct (else :func:`restore` has nothing to do)."""
        return bool(self.hidden)


def flatten(frame: pl.LazyFrame) -> tuple[pl.LazyFrame, Nesting]:
    """*frame* with every struct column replaced, in place, by its leaf fields.

    Leaves are named by their path (``contact.name``); each struct also gets a hidden
    presence column (:attr:`Nesting.hidden`), placed last.

    Raises:
        UsageError: a leaf's path is also the name of another column (``contact.name``
            beside a struct ``contact`` with a field ``name``).
    """
    schema = frame.collect_schema()
    leaves: list[pl.Expr] = []
    hidden: list[pl.Expr] = []
    names: list[str] = []

    def walk(path: str, expr: pl.Expr, dtype: _Type) -> None:
        if not isinstance(dtype, pl.Struct):
            leaves.append(expr.alias(path))
            names.append(path)
            return
        hidden.append(expr.is_not_null().alias(_VALID + path))
        for field in dtype.fields:
            walk(path + SEPARATOR + field.name, expr.struct.field(field.name), field.dtype)

    for name, dtype in schema.items():
        walk(name, pl.col(name), dtype)
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise UsageError(
                f"two columns would be named {name!r}: a column of that name, and a struct "
                "field (struct fields are masked as columns named by their path); rename one"
            )
        seen.add(name)
    if not hidden:
        return frame, Nesting(schema, ())
    return frame.select(*leaves, *hidden), Nesting(
        schema, tuple(e.meta.output_name() for e in hidden)
    )


def restore(batch: pl.DataFrame, nesting: Nesting) -> pl.DataFrame:
    """A flattened, masked *batch* in its original shape: leaves back in their structs
    (masked leaves keep their new type), null structs null, hidden columns gone."""
    if not nesting.flattened:
        return batch

    def build(path: str, dtype: _Type, name: str) -> pl.Expr:
        if not isinstance(dtype, pl.Struct):
            return pl.col(path).alias(name)
        fields = [build(path + SEPARATOR + f.name, f.dtype, f.name) for f in dtype.fields]
        return pl.when(pl.col(_VALID + path)).then(pl.struct(fields)).alias(name)

    return batch.select(build(name, dtype, name) for name, dtype in nesting.schema.items())


def list_elements(series: pl.Series) -> tuple[pl.Series, Callable[[pl.Series], pl.Series]]:
    """The elements of a list column, flat, and the function that puts a series of as
    many elements (the masked ones) back into lists of the original lengths.

    Empty lists stay empty and null lists null; a null element stays where it was.
    """
    flat = series.explode(empty_as_null=False, keep_nulls=False)
    lengths = series.list.len().fill_null(0)

    def rebuild(values: pl.Series) -> pl.Series:
        rows = pl.int_range(series.len(), eager=True, dtype=pl.UInt32)
        owners = rows.repeat_by(lengths).explode(empty_as_null=False, keep_nulls=False)
        grouped = (
            pl.DataFrame({"row": owners, "value": values})
            .group_by("row", maintain_order=True)
            .agg("value")
        )
        lists = pl.DataFrame({"row": rows}).join(grouped, on="row", how="left")["value"]
        empty = pl.lit([], dtype=pl.List(values.dtype))
        return (
            pl.select(
                pl.when(pl.lit(series.is_null()))
                .then(None)
                .when(pl.lit(lengths == 0))
                .then(empty)
                .otherwise(pl.lit(lists))
            )
            .to_series()
            .alias(series.name)
        )

    return flat, rebuild
