"""Redaction on Spark: the same plan, run on each Arrow batch on the executors.

``pip install 'dataguard[spark]'``. The driver draws a seeded sample, classifies the
columns and makes the plan exactly as ``dataguard redact`` does; the executors apply it
with ``mapInArrow``: each Arrow record batch becomes a polars frame, goes through the same
:class:`~dataguard.mask.table.TableRedactor` (vectorised operators, the detection engine
for free text) and goes back as Arrow. There is no per-row Python UDF: Python sees one
batch at a time, and polars does the per-value work.

    >>> from dataguard.spark import redact_dataframe            # doctest: +SKIP
    >>> redacted, plan = redact_dataframe(spark.read.parquet("s3://exports/orders/"))
    >>> redacted.write.parquet("s3://exports/orders-redacted/")

Keyed profiles (``pseudonymize``, ``surrogate``) read ``DATAGUARD_MASK_KEY`` on each
executor (``spark.executorEnv.DATAGUARD_MASK_KEY``, or your secret store): the key is never
shipped inside the job's closure.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from dataguard.detect import DEFAULT_MIN_SCORE
from dataguard.errors import UsageError
from dataguard.mask.apply import Masker
from dataguard.mask.policy import CompiledPolicy, Policy, keep_rule, load_policy
from dataguard.mask.stream import MaskerSpec
from dataguard.mask.table import BATCH_ROWS, TablePlan, TableRedactor
from dataguard.sources.nested import flatten, restore

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["plan_dataframe", "redact_dataframe"]

# One masker per executor process, built on first use (compiling the detector takes a
# second; a partition should not pay it again).
_executor_masker: dict[str, Masker] = {}


def _masker_for(spec: MaskerSpec) -> Masker:
    # Each task unpickles its own copy of the spec: key the cache by its content.
    key = hashlib.sha256(pickle.dumps(spec)).hexdigest()
    masker = _executor_masker.get(key)
    if masker is None:
        masker = _executor_masker[key] = spec.build()
    return masker


def _rebatched(batches: Iterable[Any], rows: int) -> Iterator[Any]:
    """Arrow record *batches* gathered into tables of at least *rows* rows, in order.

    Spark hands ``mapInArrow`` batches of ``spark.sql.execution.arrow.maxRecordsPerBatch``
    rows (10,000 by default). Masking has a fixed cost per batch (a plan per column, the
    engine's scans), and 10,000-row batches took 1.8 times as long as the 100,000 rows
    ``dataguard redact`` masks at once (200,000 rows of the redaction benchmark: 11.3 s
    against 6.3 s), so each task masks what it gathered, about :data:`BATCH_ROWS` rows at a
    time (the last table of a partition may be smaller).
    """
    import pyarrow as pa  # type: ignore[import-untyped]  # pyspark's Arrow path brings it

    gathered: list[Any] = []
    count = 0
    for batch in batches:
        gathered.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield pa.Table.from_batches(gathered)
            gathered, count = [], 0
    if gathered:
        yield pa.Table.from_batches(gathered)


def _sample(df: DataFrame, rows: int, seed: int) -> pl.DataFrame:
    """A seeded uniform sample of *rows* rows (all of them if fewer), on the driver.

    One pass over the input: every row draws a seeded random number and the *rows*
    smallest are kept (Spark's ``TakeOrderedAndProject``: a bounded heap per partition,
    merged on the driver), which is a uniform sample without replacement. Counting
    first, to turn *rows* into a ``sample`` fraction, read the whole input once more: on
    a CSV that second parse was most of the plan's 10 to 20 s. Like ``DataFrame.sample``,
    the draw depends on the seed and on how the input is partitioned.
    """
    from pyspark.sql import functions as F

    order = "__dataguard_sample_order"
    drawn = df.withColumn(order, F.rand(seed)).orderBy(order).limit(rows).drop(order)
    return pl.from_arrow(drawn.toArrow())  # type: ignore[return-value]


def _top_up(df: DataFrame, drawn: pl.DataFrame) -> dict[str, list[str]]:
    """More values of the columns the sample saw (almost) empty, on the driver.

    The second look of :mod:`dataguard.sources.sparse`, in Spark: one job keeping rows
    with a value in one of those columns, stopping at ``200 × columns`` of them, and one
    job per array (or field of an array of structs) reading its elements. Without it such
    a column is planned clean and copied, personal data and all.
    """
    import functools
    import operator

    from pyspark.sql import functions as F

    from dataguard.sources.sparse import (
        TOP_UP_VALUES,
        ZERO,
        new_text_values,
        new_values,
        thin_columns,
        thin_lists,
    )

    found: dict[str, list[str]] = {}
    # Arrays (and the fields of arrays of structs, items.receiver): their elements, one job
    # each, as `dataguard redact` looks at a list column's.
    for name, seen in thin_lists(drawn).items():
        element = F.trim(F.col("e").cast("string"))
        drawn_elements = (
            df.select(F.explode(df[name]).alias("e"))  # a generator stands alone in a select
            .select(element.alias("v"))
            .where((F.length("v") > 0) & ~F.col("v").rlike(ZERO))
            .limit(TOP_UP_VALUES)
            .collect()
        )
        values = ((row["v"],) for row in drawn_elements)
        more = new_values([name], values, {name: seen}, TOP_UP_VALUES)[name]
        if more:
            found[name] = more
    wanted = thin_columns(drawn)
    if not wanted:
        return found
    texts = [F.trim(df[name].cast("string")) for name in wanted]
    # Not blank (dataguard.sources.sparse.blank): zero is a number column's nothing.
    present = [(F.length(text) > 0) & ~text.rlike(ZERO) for text in texts]
    rows = (
        df.select(*(df[name].alias(name) for name in wanted))  # a struct field keeps its path
        .where(functools.reduce(operator.or_, present))
        .limit(TOP_UP_VALUES * len(wanted))
    )
    return new_text_values(pl.from_arrow(rows.toArrow()), drawn) | found  # type: ignore[arg-type]


def _refuse_unsupported(df: DataFrame, policy: CompiledPolicy) -> None:
    """Refuse, by name, a column the plan cannot treat, with the way to redact it.

    Struct fields are planned and masked as columns named by their path, arrays of
    scalars element by element, the fields of an array's structs as arrays of their
    values, and a ``map<string,string>`` as JSON text (each key the context of its value),
    as ``dataguard redact`` treats nested Parquet (:mod:`dataguard.sources.nested`).
    Another map, or an array of arrays or maps (also inside an array's structs), used to
    fail inside polars (``cannot cast map[str, str] to str``) after the sampling pass;
    serialised with ``to_json`` it is JSON text, which the engine masks in place (keys
    included). A binary column's or field's bytes cannot be inspected: refused unless
    *policy* keeps it, as ``dataguard redact`` refuses one.
    """
    from pyspark.sql.types import ArrayType, BinaryType, MapType, StructType

    def refuse_nested(path: str, data_type: Any) -> None:
        top = path.split(".", 1)[0]
        raise UsageError(
            f"column {path!r} is nested ({data_type.simpleString()}); dataguard redacts "
            "scalar columns, structs, arrays of scalars or structs and maps of strings to "
            f'strings: serialise it first, df.withColumn("{top}", F.to_json("{top}")), and '
            "its JSON is masked in place, or select its fields as columns"
        )

    def walk(path: str, data_type: Any, in_array: bool = False) -> None:
        # in_array: *path* is a field of an array's structs (masked as an array of values).
        if isinstance(data_type, StructType):
            for field in data_type.fields:
                walk(f"{path}.{field.name}", field.dataType, in_array)
            return
        element = data_type.elementType if isinstance(data_type, ArrayType) else None
        if isinstance(element, StructType) and not in_array:
            walk(path, element, in_array=True)
            return
        if isinstance(data_type, MapType) and not in_array and _text_map(data_type):
            return  # masked as JSON text, each key the context of its value
        # An array of arrays or maps; any array inside an array's structs; another map.
        if isinstance(data_type, MapType) or (
            element is not None and (in_array or isinstance(element, ArrayType | MapType))
        ):
            refuse_nested(path, data_type)
        if isinstance(data_type, BinaryType) or isinstance(element, BinaryType):
            if not policy.keeps(path):
                raise UsageError(
                    f"column {path!r} is binary: its bytes cannot be checked for "
                    "personal data; drop it, cast text to string, or keep it unchanged with "
                    f"a policy: {keep_rule(path)}"
                )
            return

    for field in df.schema.fields:
        walk(field.name, field.dataType)


def _text_map(data_type: Any) -> bool:
    """Whether a Spark map holds text under text keys (``map<string,string>``)."""
    from pyspark.sql.types import StringType

    return isinstance(data_type.keyType, StringType) and isinstance(data_type.valueType, StringType)


def _output_type(path: str, data_type: Any, changed: set[str]) -> Any:
    """The Spark type of *path* after masking: masked leaves (and the elements of masked
    arrays) become strings, structs (also an array's) keep their fields in order, the
    rest its type."""
    from pyspark.sql.types import ArrayType, MapType, StringType, StructField, StructType

    if isinstance(data_type, ArrayType) and isinstance(data_type.elementType, StructType):
        return ArrayType(_output_type(path, data_type.elementType, changed), data_type.containsNull)

    if isinstance(data_type, StructType):
        return StructType(
            [
                StructField(
                    f.name,
                    _output_type(f"{path}.{f.name}", f.dataType, changed),
                    f.nullable,
                    f.metadata,
                )
                for f in data_type.fields
            ]
        )
    if path not in changed or isinstance(data_type, MapType):  # map<string,string>: as it is
        return data_type
    if isinstance(data_type, ArrayType):
        return ArrayType(StringType(), data_type.containsNull)
    return StringType()


def plan_dataframe(
    df: DataFrame,
    policy: str | Policy = "display",
    *,
    sample: int = 2000,
    seed: int = 0,
    entities: Sequence[str] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
) -> tuple[TablePlan, MaskerSpec]:
    """Classify *df*'s columns from a seeded sample and plan their treatment (on the driver).

    Raises:
        UsageError: *df* has a map of other than strings, an array of arrays or maps
            (also inside an array's structs), or (unless the policy keeps it) a binary
            column or field (named; see :func:`_refuse_unsupported`).
    """
    loaded = policy if isinstance(policy, Policy) else load_policy(policy)
    spec = MaskerSpec(loaded, "auto", tuple(entities) if entities else None, min_score)
    masker = spec.build()
    _refuse_unsupported(df, masker.policy)
    # Struct fields are columns named by their path (buyer.mobile), as Spark names them.
    flat, nesting = flatten(_sample(df, sample, seed).lazy())
    drawn = flat.collect().drop(nesting.hidden)
    plan = TableRedactor(masker).plan(drawn, _top_up(df, drawn))
    return plan, spec


def redact_dataframe(
    df: DataFrame,
    policy: str | Policy = "display",
    *,
    sample: int = 2000,
    seed: int = 0,
    entities: Sequence[str] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
) -> tuple[DataFrame, TablePlan]:
    """*df* redacted column by column, and the plan used. Lazy, like any Spark transform.

    Masked columns become strings (a mask is no number); the other columns keep their
    type, and the column order is kept.
    """
    from pyspark.sql.types import ArrayType, MapType, StructField, StructType

    plan, spec = plan_dataframe(
        df, policy, sample=sample, seed=seed, entities=entities, min_score=min_score
    )
    changed = {c.column for c in plan.columns if c.action != "keep"}
    schema = StructType(
        [
            StructField(
                f.name,
                _output_type(f.name, f.dataType, changed),
                f.nullable or f.name in changed,
                f.metadata,
            )
            for f in df.schema.fields
        ]
    )

    # Polars hands nested columns to Arrow as large lists (maps with large strings),
    # which Spark refuses (UNSUPPORTED_ARROWTYPE): they are cast to the types Spark
    # declares for them.
    from pyspark.sql.pandas.types import to_arrow_schema

    declared = to_arrow_schema(schema)
    nested_types = {
        f.name: declared.field(f.name).type
        for f in schema.fields
        if isinstance(f.dataType, ArrayType | MapType | StructType)
    }

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        redactor = TableRedactor(_masker_for(spec))
        for table in _rebatched(batches, BATCH_ROWS):
            frame = pl.from_arrow(table)
            assert isinstance(frame, pl.DataFrame)
            flat, nesting = flatten(frame.lazy())
            out = restore(redactor.apply(flat, plan).collect(), nesting).to_arrow()
            for name, arrow_type in nested_types.items():
                index = out.schema.get_field_index(name)
                out = out.set_column(index, name, out.column(index).cast(arrow_type))
            yield from out.to_batches()

    return df.mapInArrow(run, schema), plan
