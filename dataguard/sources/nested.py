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

A list of structs (``items: list<struct<sku, receiver, phone>>``, what order and event
exports hold) becomes one list column per leaf field of its elements, named by path like
a struct's (``items.phone``, a ``list<string>`` of every item's phone), each masked element
by element; :func:`restore` zips them back into the list's structs, element by element, so
each list keeps its length, a null element stays null (a hidden list of booleans per
struct remembers which elements were there) and null and empty lists stay as they were.

A map of text to text (``ext: map<string, string>``, Hive's and Spark's bag of extra
attributes) becomes one text column of JSON objects (``{"phone": "13812341050", "city":
"杭州"}``), masked by the engine as JSON, where each key is the context of its value (a
``name`` key's value is a name), as JSON lines are; :func:`restore` reads the masked JSON
back into the map, keys and their order kept.

A list of key-value structs is a map written as a list (``attrs: list<struct<key, value>>``:
a map converted from protobuf or Avro, BigQuery's repeated key-value records, HTTP headers
as ``list<struct<name, value>>``): two text fields, one naming the field and one holding
its value, as :func:`dataguard.mask.kv.member_role` reads a JSON object's members. Masked
as its fields' columns, a password under the key ``password`` was no password to the
value column. It becomes one text column of JSON arrays of its structs
(``[{"key": "password", "value": "…"}, null]``), masked as JSON, where each value is read
under the key its struct gives it; :func:`restore` reads them back into the list, its
length, its order, null elements and null keys kept.

Lists of lists (also inside the elements of a list of structs), maps of other types or
inside lists, and fixed-size arrays are refused by :func:`unsupported` (their elements
cannot be masked as one column's values).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from dataguard.errors import UsageError
from dataguard.mask.kv import member_role

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
#: of, and the columns are dropped before anything is planned or reported. Inside a list
#: of structs the column is a list of booleans, one per element.
_VALID = "\x00dataguard-struct-present:"
#: Names of the columns :func:`restore` puts rebuilt lists of structs in for a moment.
_REBUILT = "\x00dataguard-list-of-structs:"


def _scalar(dtype: _Type) -> bool:
    return not dtype.is_nested()


def _text_map(dtype: _Type) -> bool:
    """Whether *dtype* is a map of text to text (masked as JSON text)."""
    return isinstance(dtype, pl.Map) and dtype.key == pl.String and dtype.value == pl.String


def _pair_list(dtype: _Type) -> bool:
    """Whether *dtype* is a list of key-value structs (masked as JSON text): two text
    fields, one naming the field (``key``, ``name`` …) and one its value (``value`` …)."""
    element = _structs_in_list(dtype)
    if element is None or len(element.fields) != 2:
        return False
    if any(field.dtype != pl.String for field in element.fields):
        return False
    return sorted(member_role(field.name) for field in element.fields) == ["name", "value"]


def _as_json_text(dtype: _Type) -> bool:
    """Whether a column of *dtype* (outside lists) is masked as JSON text."""
    return _text_map(dtype) or _pair_list(dtype)


def _structs_in_list(dtype: _Type) -> pl.Struct | None:
    """The element type of a list of structs, else None."""
    if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):
        return dtype.inner
    return None


def unsupported(schema: pl.Schema) -> tuple[str, _Type] | None:
    """The first column (a path, ``a.b`` inside structs and lists of structs) that cannot
    be masked, and its type as :func:`leaves` gives it: a list whose elements are not
    scalars (a list of lists; a list field inside a list of structs), a map that is not
    of text to text or sits inside a list, or a fixed-size array. None when every column
    can be."""
    for path, dtype in leaves(schema):
        if isinstance(dtype, pl.Array | pl.Map) or (
            isinstance(dtype, pl.List) and not _scalar(dtype.inner)
        ):
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
    path (``buyer.mobile``); the fields of a list's structs by path, as lists of their
    type (``items.phone: list<string>``); a map of text to text as text (its JSON);
    every other column (lists too) as it is."""
    for name, dtype in schema.items():
        yield from _leaves(name, dtype, in_list=False)


def _leaves(path: str, dtype: _Type, *, in_list: bool) -> Iterator[tuple[str, _Type]]:
    if not in_list and _as_json_text(dtype):
        yield path, pl.String()
        return
    element = None if in_list else _structs_in_list(dtype)
    struct = element if element is not None else dtype
    if isinstance(struct, pl.Struct):
        for field in struct.fields:
            name = path + SEPARATOR + field.name
            yield from _leaves(name, field.dtype, in_list=in_list or element is not None)
    elif in_list:
        yield path, pl.List(dtype)
    else:
        yield path, dtype


@dataclass(frozen=True)
class Nesting:
    """How :func:`flatten` flattened a table: its original schema, the hidden columns and
    the maps it wrote as JSON text."""

    schema: pl.Schema
    #: The hidden presence columns (one per struct, nested ones included).
    hidden: tuple[str, ...]
    #: The paths of the maps of text to text, now columns of JSON objects.
    maps: tuple[str, ...] = ()
    #: The paths of the lists of key-value structs, now columns of JSON arrays.
    pair_lists: tuple[str, ...] = ()

    @property
    def flattened(self) -> bool:
        """Whether any column was a struct, a map or a list of key-value structs (else
        :func:`restore` has nothing to do)."""
        return bool(self.hidden or self.maps or self.pair_lists)


def flatten(frame: pl.LazyFrame) -> tuple[pl.LazyFrame, Nesting]:
    """*frame* with every struct column (and list of structs) replaced, in place, by its
    leaf fields.

    Leaves are named by their path (``contact.name``; ``items.phone``, a list with one
    value per element of ``items``); each struct also gets a hidden presence column
    (:attr:`Nesting.hidden`; a list of booleans inside a list of structs), placed last. A
    map of text to text (outside lists) becomes the text of a JSON object
    (:attr:`Nesting.maps`), a list of key-value structs the text of a JSON array
    (:attr:`Nesting.pair_lists`).

    Raises:
        UsageError: a leaf's path is also the name of another column (``contact.name``
            beside a struct ``contact`` with a field ``name``).
    """
    schema = frame.collect_schema()
    leaves: list[pl.Expr] = []
    hidden: list[pl.Expr] = []
    names: list[str] = []
    maps: list[str] = []
    pair_lists: list[str] = []

    def walk(path: str, expr: pl.Expr, dtype: _Type, lift: Callable[[pl.Expr], pl.Expr]) -> None:
        # Inside a list of structs, *expr* is over one element (pl.element()) and *lift*
        # evaluates it on every element of the list column.
        if lift is _column and _pair_list(dtype):
            leaves.append(_pairs_as_json(expr).alias(path))
            names.append(path)
            pair_lists.append(path)
            return
        element = _structs_in_list(dtype) if lift is _column else None
        if element is not None:
            in_list = expr.list.eval
            hidden.append(in_list(pl.element().is_not_null()).alias(_VALID + path))
            for field in element.fields:
                name = path + SEPARATOR + field.name
                walk(name, pl.element().struct.field(field.name), field.dtype, in_list)
            return
        if not isinstance(dtype, pl.Struct):
            if lift is _column and _text_map(dtype):
                expr = _map_as_json(expr)
                maps.append(path)
            leaves.append(lift(expr).alias(path))
            names.append(path)
            return
        hidden.append(lift(expr.is_not_null()).alias(_VALID + path))
        for field in dtype.fields:
            walk(path + SEPARATOR + field.name, expr.struct.field(field.name), field.dtype, lift)

    for name, dtype in schema.items():
        walk(name, pl.col(name), dtype, _column)
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise UsageError(
                f"two columns would be named {name!r}: a column of that name, and a struct "
                "field (struct fields are masked as columns named by their path); rename one"
            )
        seen.add(name)
    if not hidden and not maps and not pair_lists:
        return frame, Nesting(schema, ())
    return frame.select(*leaves, *hidden), Nesting(
        schema, tuple(e.meta.output_name() for e in hidden), tuple(maps), tuple(pair_lists)
    )


#: A map entry as polars encodes it, ``{"key":"…","value":…}``: the key's JSON string
#: (escapes included) and the value's JSON.
_ENTRY = r'^\{"key":("(?:[^"\\]|\\.)*"),"value":(.*)\}$'


def _map_as_json(expr: pl.Expr) -> pl.Expr:
    """A map of text to text as the text of a JSON object, entries in order (null: null)."""
    entries = expr.cast(pl.List(pl.Struct({"key": pl.String, "value": pl.String})))
    pairs = entries.list.eval(pl.element().struct.json_encode().str.replace(_ENTRY, "${1}:${2}"))
    return pl.concat_str(pl.lit("{"), pairs.list.join(","), pl.lit("}"))


def _json_as_map(texts: pl.Series) -> pl.Series:
    """The JSON objects :func:`_map_as_json` wrote (and masking kept JSON) as a map of
    text to text again.

    Raises:
        ValueError: a text is not a JSON object of text values (naming the column only).
    """
    rows: list[list[dict[str, str | None]] | None] = []
    for text in texts.to_list():
        if text is None:
            rows.append(None)
            continue
        try:
            pairs = json.loads(text, object_pairs_hook=list)
        except ValueError:
            pairs = None
        if not isinstance(pairs, list) or not all(
            isinstance(v, str) or v is None for _, v in pairs
        ):
            raise ValueError(f"map column {texts.name!r}: masking did not keep a JSON object")
        rows.append([{"key": k, "value": v} for k, v in pairs])
    entry = pl.Struct({"key": pl.String, "value": pl.String})
    return pl.Series(texts.name, rows, dtype=pl.List(entry)).cast(pl.Map(pl.String, pl.String))


def _pairs_as_json(expr: pl.Expr) -> pl.Expr:
    """A list of key-value structs as the text of a JSON array of its structs, in order
    (a null element: null; a null list: null)."""
    encoded = expr.list.eval(pl.element().struct.json_encode().fill_null("null"))
    return pl.concat_str(pl.lit("["), encoded.list.join(","), pl.lit("]"))


def _json_as_pairs(texts: pl.Series, dtype: _Type) -> pl.Series:
    """The JSON arrays :func:`_pairs_as_json` wrote (and masking kept JSON) as the list
    of key-value structs of *dtype* again.

    Raises:
        ValueError: a text is not a JSON array of such structs (naming the column only).
    """
    element = _structs_in_list(dtype)
    assert element is not None
    fields = [field.name for field in element.fields]
    rows: list[list[dict[str, str | None] | None] | None] = []
    for text in texts.to_list():
        if text is None:
            rows.append(None)
            continue
        try:
            items = json.loads(text)
        except ValueError:
            items = None
        if not isinstance(items, list) or not all(
            item is None
            or (
                isinstance(item, dict)
                and list(item) == fields
                and all(isinstance(v, str) or v is None for v in item.values())
            )
            for item in items
        ):
            raise ValueError(
                f"key-value list column {texts.name!r}: masking did not keep a JSON array"
            )
        rows.append(items)
    return pl.Series(texts.name, rows, dtype=dtype)


def _column(expr: pl.Expr) -> pl.Expr:
    """A column-level expression as it is (outside lists of structs)."""
    return expr


def restore(batch: pl.DataFrame, nesting: Nesting) -> pl.DataFrame:
    """A flattened, masked *batch* in its original shape: leaves back in their structs
    (masked leaves keep their new type), lists of structs zipped back element by
    element, null structs and elements null, hidden columns gone."""
    if not nesting.flattened:
        return batch
    if nesting.maps:
        batch = batch.with_columns(_json_as_map(batch[path]) for path in nesting.maps)
    rebuilt: list[pl.Series] = []

    def build(path: str, dtype: _Type, name: str) -> pl.Expr:
        if path in nesting.pair_lists:
            rebuilt.append(_json_as_pairs(batch[path], dtype).alias(_REBUILT + path))
            return pl.col(_REBUILT + path).alias(name)
        element = _structs_in_list(dtype)
        if element is not None:
            rebuilt.append(_zip_list(batch, path, element).alias(_REBUILT + path))
            return pl.col(_REBUILT + path).alias(name)
        return _build_struct(path, dtype, name, build)

    columns = [build(name, dtype, name) for name, dtype in nesting.schema.items()]
    return batch.with_columns(rebuilt).select(columns)


def _build_struct(
    path: str, dtype: _Type, name: str, build: Callable[[str, _Type, str], pl.Expr]
) -> pl.Expr:
    """The expression that puts a struct back from its leaf and presence columns (a
    leaf: the column itself), fields built by *build*."""
    if not isinstance(dtype, pl.Struct):
        return pl.col(path).alias(name)
    fields = [build(path + SEPARATOR + f.name, f.dtype, f.name) for f in dtype.fields]
    return pl.when(pl.col(_VALID + path)).then(pl.struct(fields)).alias(name)


def _element_columns(path: str, dtype: _Type) -> Iterator[str]:
    """The flat columns :func:`flatten` made of the structs at *path* inside a list:
    leaves and presence lists."""
    if isinstance(dtype, pl.Struct):
        yield _VALID + path
        for field in dtype.fields:
            yield from _element_columns(path + SEPARATOR + field.name, field.dtype)
    else:
        yield path


def _zip_list(batch: pl.DataFrame, path: str, element: pl.Struct) -> pl.Series:
    """The list of structs at *path*, zipped back from its flat list columns.

    Every flat list of a row has the list's length and null-ness (they were evaluated on
    its elements), so the elements, taken out in order, line up column by column; the
    presence list is the skeleton they go back into.
    """
    flat = pl.DataFrame(
        [
            batch[name].explode(empty_as_null=False, keep_nulls=False)
            for name in _element_columns(path, element)
        ]
    )

    def build(inner: str, dtype: _Type, name: str) -> pl.Expr:
        return _build_struct(inner, dtype, name, build)

    values = flat.select(build(path, element, "value")).to_series()
    return _into_lists(values, batch[_VALID + path])


def list_elements(series: pl.Series) -> tuple[pl.Series, Callable[[pl.Series], pl.Series]]:
    """The elements of a list column, flat, and the function that puts a series of as
    many elements (the masked ones) back into lists of the original lengths.

    Empty lists stay empty and null lists null; a null element stays where it was.
    """
    flat = series.explode(empty_as_null=False, keep_nulls=False)

    def rebuild(values: pl.Series) -> pl.Series:
        return _into_lists(values, series)

    return flat, rebuild


def _into_lists(values: pl.Series, like: pl.Series) -> pl.Series:
    """*values* (one per element of the list column *like*, in order) as lists of
    *like*'s lengths, null where *like* is null, named as *like*."""
    lengths = like.list.len().fill_null(0)
    rows = pl.int_range(like.len(), eager=True, dtype=pl.UInt32)
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
            pl.when(pl.lit(like.is_null()))
            .then(None)
            .when(pl.lit(lengths == 0))
            .then(empty)
            .otherwise(pl.lit(lists))
        )
        .to_series()
        .alias(like.name)
    )
