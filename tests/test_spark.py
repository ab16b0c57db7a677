"""``dataguard.spark`` on a real Spark in local mode: the same plan, the same output.

Needs ``pip install 'dataguard[spark]'`` and Java 17; skipped otherwise (with the reason),
unless DATAGUARD_REQUIRE_SPARK is set, as ``.ci/run`` does.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from dataguard.mask import Masker
from dataguard.redact import redact_file
from dataguard.testing import generators as gen

if os.environ.get("DATAGUARD_REQUIRE_SPARK"):
    import pyspark  # noqa: F401  (fail loudly when required)
pyspark_sql = pytest.importorskip("pyspark.sql", reason="pip install 'dataguard[spark]'")


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    # Workers run this interpreter, whatever `python3` is on PATH (an unactivated venv).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("dataguard-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def _table(rows: int, seed: int) -> pl.DataFrame:
    rng = random.Random(seed)
    return pl.DataFrame(
        {
            "id": list(range(rows)),
            "mobile": [gen.mobile_digits(rng) for _ in range(rows)],
            "id_card": [gen.id_card(rng) for _ in range(rows)],
            "remark": [f"客户电话{gen.mobile_digits(rng)}" if i % 2 else "无" for i in range(rows)],
            "amount": [round(rng.random() * 100, 2) for _ in range(rows)],
        }
    )


def _one_machine_and_spark(spark: object, tmp_path: Path, table: pl.DataFrame) -> tuple[Any, ...]:
    """*table* written as Parquet and redacted by `dataguard redact` and by
    `redact_dataframe` over three partitions: ``(local, distributed, redacted, plan)``,
    the two outputs as polars frames sorted by ``id``, Spark's DataFrame and its plan."""
    from dataguard.spark import redact_dataframe

    source = tmp_path / "in.parquet"
    table.write_parquet(source)
    redact_file(source, tmp_path / "local.parquet", Masker())
    local = pl.read_parquet(tmp_path / "local.parquet").sort("id")
    frame = spark.read.parquet(str(source)).repartition(3)  # type: ignore[attr-defined]
    redacted, plan = redact_dataframe(frame)
    distributed = pl.from_arrow(redacted.toArrow()).sort("id")  # type: ignore[union-attr]
    return local, distributed, redacted, plan


def test_spark_gives_the_same_output_as_one_machine(spark: object, tmp_path: Path) -> None:
    table = _table(400, 1)
    local, distributed, _, plan = _one_machine_and_spark(spark, tmp_path, table)

    assert [c.action for c in plan.columns] == ["keep", "mask", "mask", "engine", "keep"]
    assert distributed.columns == table.columns
    assert distributed.equals(local)
    # Hand-written masks (standards.md §2) of the first rows.
    first = distributed.row(0, named=True)
    assert first["mobile"] == "******" + table["mobile"][0][-4:]
    assert first["id_card"] == table["id_card"][0][0] + "*" * 16 + table["id_card"][0][-1]
    assert first["remark"] == "无"


def test_unmasked_columns_keep_their_spark_types(spark: object) -> None:
    from dataguard.spark import redact_dataframe

    table = _table(50, 2)
    frame = spark.createDataFrame(  # type: ignore[attr-defined]
        table.rows(), schema="id long, mobile string, id_card string, remark string, amount double"
    )
    redacted, _ = redact_dataframe(frame)
    types = {f.name: f.dataType.simpleString() for f in redacted.schema.fields}
    assert types["id"] == "bigint"
    assert types["amount"] == "double"
    assert types["mobile"] == "string"
    assert redacted.count() == 50


@pytest.mark.parametrize(
    ("ddl", "value", "path"),
    [
        ("map<string,bigint>", {"13812341050": 1}, "attrs"),
        ("array<map<string,string>>", [{"phone": "13812341050"}], "attrs"),
        ("array<struct<phones:array<string>>>", [(["13812341050"],)], "attrs.phones"),
        ("array<array<string>>", [["13812341050"]], "attrs"),
        (
            "struct<name:string,tags:map<string,int>>",
            ("张三", {"13812341050": 1}),
            "attrs.tags",
        ),
    ],
)
def test_a_map_or_array_of_arrays_is_refused_by_name_and_json_of_it_is_masked(
    spark: object, ddl: str, value: object, path: str
) -> None:
    # It used to fail inside polars ("cannot cast map[str, str] to str") after sampling.
    from pyspark.sql import functions as F

    from dataguard.errors import UsageError
    from dataguard.spark import redact_dataframe

    frame = spark.createDataFrame([(1, value)], schema=f"id long, attrs {ddl}")  # type: ignore[attr-defined]
    with pytest.raises(UsageError, match=rf"column '{path}' is nested .*to_json") as raised:
        redact_dataframe(frame)
    assert "13812341050" not in str(raised.value)
    redacted, _ = redact_dataframe(frame.withColumn("attrs", F.to_json("attrs")))
    text = redacted.collect()[0]["attrs"]
    assert "13812341050" not in text


def test_a_map_of_strings_is_masked_by_key_as_on_one_machine(spark: object, tmp_path: Path) -> None:
    # Spark refused it; dataguard redact masks a Parquet map<string,string> as JSON text.

    rng = random.Random(12)
    names = [gen.chinese_name(rng) for _ in range(120)]
    table = pl.DataFrame(
        [
            pl.Series("id", range(120)),
            pl.Series(
                "ext",
                [
                    None
                    if i % 10 == 7
                    else {"name": n, "phone": gen.mobile_digits(rng), "vip": "1"}
                    for i, n in enumerate(names)
                ],
                dtype=pl.Map(pl.String, pl.String),
            ),
        ]
    )
    local, distributed, redacted, plan = _one_machine_and_spark(spark, tmp_path, table)
    assert {c.column: c.action for c in plan.columns}["ext"] != "keep"
    assert redacted.schema["ext"].dataType.simpleString() == "map<string,string>"
    assert distributed.equals(local)
    text = distributed.write_ndjson()
    assert not [name for name in names if name in text]
    assert distributed["ext"].map.get("vip").drop_nulls().eq("1").all()


def test_struct_fields_and_arrays_are_masked_in_place_as_on_one_machine(
    spark: object, tmp_path: Path
) -> None:
    # Spark refused them whole; `dataguard redact` masks nested Parquet field by field.

    rng = random.Random(5)
    rows = 300
    table = pl.DataFrame(
        {
            "id": list(range(rows)),
            "buyer": [
                None
                if i % 9 == 4
                else {
                    "name": gen.chinese_name(rng),
                    "mobile": gen.mobile_digits(rng),
                    "cert": {"id_card": gen.id_card(rng)} if i % 3 else None,
                    "level": i % 4,
                }
                for i in range(rows)
            ],
            "phones": [
                None if i % 7 == 2 else [gen.mobile_digits(rng) for _ in range(i % 3)]
                for i in range(rows)
            ],
            # An array of structs: order lines, a null element now and then.
            "items": [
                None
                if i % 11 == 3
                else [
                    None
                    if (i + j) % 8 == 5
                    else {
                        "sku": f"SKU-{i}-{j}",
                        "receiver": gen.chinese_name(rng),
                        "ship": {"tel": gen.landline(rng)} if j % 2 else None,
                    }
                    for j in range(i % 4)
                ]
                for i in range(rows)
            ],
            # A map written as an array of key-value structs: each value read under its key.
            "attrs": [
                None
                if i % 13 == 6
                else [
                    {"key": "password", "value": f"S3cr3t!{i:04d}"},
                    {"key": "vip", "value": str(i % 3)},
                ]
                for i in range(rows)
            ],
        },
        schema_overrides={
            "items": pl.List(
                pl.Struct(
                    {"sku": pl.String, "receiver": pl.String, "ship": pl.Struct({"tel": pl.String})}
                )
            ),
            "attrs": pl.List(pl.Struct({"key": pl.String, "value": pl.String})),
        },
    )
    local, distributed, redacted, plan = _one_machine_and_spark(spark, tmp_path, table)
    planned = {c.column: (c.action, c.entity) for c in plan.columns}
    assert planned["buyer.mobile"] == ("mask", "CN_MOBILE")
    assert planned["buyer.cert.id_card"] == ("mask", "CN_ID_CARD")
    assert planned["phones"] == ("mask", "CN_MOBILE")
    assert planned["items.receiver"] == ("mask", "CN_NAME")
    assert planned["items.ship.tel"] == ("mask", "CN_LANDLINE")
    assert planned["items.sku"][0] == "keep"
    assert planned["attrs"] == ("engine", None)
    types = {f.name: f.dataType.simpleString() for f in redacted.schema.fields}
    assert types["attrs"] == "array<struct<key:string,value:string>>"
    assert types["phones"] == "array<string>"
    assert types["items"] == "array<struct<sku:string,receiver:string,ship:struct<tel:string>>>"
    assert types["buyer"].startswith("struct<name:string,mobile:string,cert:struct<id_card:")
    assert distributed.equals(local)
    text = distributed.write_ndjson()
    originals = table.write_ndjson()
    receivers = table["items"].explode().struct.field("receiver").drop_nulls().to_list()
    passwords = [f"S3cr3t!{i:04d}" for i in range(rows) if i % 13 != 6]
    mobiles = table["buyer"].struct.field("mobile").drop_nulls().to_list()
    for value in mobiles + receivers + passwords:
        assert value in originals
        assert value not in text


def test_a_binary_column_is_refused_unless_the_policy_keeps_it(
    spark: object, tmp_path: Path
) -> None:
    # Without values to classify, a binary column holding UTF-8 text went through as kept.
    from dataguard.errors import UsageError
    from dataguard.spark import redact_dataframe

    blob = "电话13812341050".encode()
    frame = spark.createDataFrame([(1, bytearray(blob))], schema="id long, blob binary")  # type: ignore[attr-defined]
    with pytest.raises(UsageError, match="column 'blob' is binary"):
        redact_dataframe(frame)
    policy = tmp_path / "keep.toml"
    policy.write_text('[fields.blob]\noperator = "keep"\n', "utf-8")
    redacted, plan = redact_dataframe(frame, str(policy))
    assert [c.action for c in plan.columns] == ["keep", "keep"]
    assert bytes(redacted.collect()[0]["blob"]) == blob


def test_the_plan_samples_in_one_pass_seeded(spark: object, tmp_path: Path) -> None:
    """The driver's sample: *rows* distinct rows, the same for a seed, one Spark job."""
    from dataguard.spark import _sample

    table = _table(3000, 3)
    source = tmp_path / "in.parquet"
    table.write_parquet(source)
    frame = spark.read.parquet(str(source)).repartition(4)  # type: ignore[attr-defined]
    frame.cache().count()  # the repartition's shuffle is not the sample's work
    context = spark.sparkContext  # type: ignore[attr-defined]
    context.setJobGroup("dataguard-sample", "the sample under test")
    try:
        first = _sample(frame, 500, seed=7)
    finally:
        context.setJobGroup("other", "after the sample")
    jobs = context.statusTracker().getJobIdsForGroup("dataguard-sample")
    assert len(jobs) == 1  # counting first took a second pass over the input

    assert first.columns == table.columns
    assert first.height == 500
    assert first["id"].n_unique() == 500
    assert first.sort("id").equals(_sample(frame, 500, seed=7).sort("id"))
    assert not first.sort("id").equals(_sample(frame, 500, seed=8).sort("id"))
    # Spread over the whole input, not its first rows: ids are 0..2999.
    ids = first["id"].to_list()
    assert min(ids) < 300
    assert max(ids) > 2700
    assert _sample(frame, 5000, seed=7).height == 3000  # all of a smaller input


def test_executors_mask_gathered_batches_in_order() -> None:
    """Spark's small Arrow batches are masked together, in order, nothing lost."""
    import pyarrow as pa

    from dataguard.spark import _rebatched

    batches = [
        pa.RecordBatch.from_pydict({"n": list(range(start, start + size))})
        for start, size in ((0, 4), (4, 3), (7, 5), (12, 1), (13, 2))
    ]
    tables = list(_rebatched(iter(batches), 6))
    assert [t.num_rows for t in tables] == [7, 6, 2]  # at least 6, the rest at the end
    assert [n for t in tables for n in t.column("n").to_pylist()] == list(range(15))
    assert list(_rebatched(iter([]), 6)) == []


def test_many_small_arrow_batches_give_the_same_output(spark: object, tmp_path: Path) -> None:
    from dataguard.spark import redact_dataframe

    table = _table(300, 4)
    source = tmp_path / "in.parquet"
    table.write_parquet(source)
    redact_file(source, tmp_path / "local.parquet", Masker())
    conf = spark.conf  # type: ignore[attr-defined]
    conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "7")
    try:
        frame = spark.read.parquet(str(source)).repartition(2)  # type: ignore[attr-defined]
        redacted, _ = redact_dataframe(frame)
        distributed = pl.from_arrow(redacted.toArrow()).sort("id")
    finally:
        conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")
    assert distributed.equals(pl.read_parquet(tmp_path / "local.parquet").sort("id"))


def test_a_column_the_sample_sees_empty_is_classified_from_more_values(spark: object) -> None:
    """One phone in 2,000 rows: the 200-row plan sample is unlikely to draw it, and a column
    planned clean would be copied, phone and all."""
    from dataguard.spark import redact_dataframe

    rng = random.Random(5)
    phones = [gen.mobile_digits(rng) for _ in range(4)]
    rows = [(i, phones[i // 500] if i % 500 == 250 else None) for i in range(2000)]
    frame = spark.createDataFrame(rows, "id long, c7 string")  # type: ignore[attr-defined]
    redacted, plan = redact_dataframe(frame, sample=200)
    assert {c.column: c.action for c in plan.columns} == {"id": "keep", "c7": "mask"}
    masked = [r["c7"] for r in redacted.where("c7 IS NOT NULL").orderBy("id").collect()]
    assert masked == ["******" + p[-4:] for p in phones]


def test_a_field_of_an_array_of_structs_the_sample_sees_empty_gets_the_second_look(
    spark: object,
) -> None:
    # Order lines in one row of 500: the 200-row sample sees no receiver, and a field
    # planned clean was copied, names and all (a name has no shape for the stray guard).
    from dataguard.spark import redact_dataframe

    rng = random.Random(7)
    names = [gen.chinese_name(rng) for _ in range(4)]
    rows = [(i, [("A1", names[i // 500])] if i % 500 == 250 else []) for i in range(2000)]
    schema = "id long, items array<struct<sku:string,receiver:string>>"
    frame = spark.createDataFrame(rows, schema)  # type: ignore[attr-defined]
    redacted, plan = redact_dataframe(frame, sample=200)
    assert {c.column: c.entity for c in plan.columns}["items.receiver"] == "CN_NAME"
    text = pl.from_arrow(redacted.toArrow()).write_ndjson()  # type: ignore[union-attr]
    assert not [name for name in names if name in text]


def test_a_struct_field_the_sample_sees_empty_is_classified_from_more_values(
    spark: object,
) -> None:
    # The second look selected the field as `c7` (Spark names a selected field by its
    # last part), not `buyer.c7`: the plan failed looking it up in the sample.
    from dataguard.spark import redact_dataframe

    rng = random.Random(6)
    phones = [gen.mobile_digits(rng) for _ in range(4)]
    rows = [(i, ("已签收", phones[i // 500] if i % 500 == 250 else None)) for i in range(2000)]
    frame = spark.createDataFrame(rows, "id long, buyer struct<status:string,c7:string>")  # type: ignore[attr-defined]
    redacted, plan = redact_dataframe(frame, sample=200)
    assert {c.column: c.action for c in plan.columns}["buyer.c7"] == "mask"
    masked = [
        r["buyer"]["c7"] for r in redacted.where("buyer.c7 IS NOT NULL").orderBy("id").collect()
    ]
    assert masked == ["******" + p[-4:] for p in phones]


def test_stray_values_in_a_clean_column_are_masked_on_the_executors(spark: object) -> None:
    from dataguard.spark import redact_dataframe

    rng = random.Random(6)
    phone = gen.mobile_digits(rng)
    rows = [(i, f"客户来电 {phone}" if i == 1234 else "已处理") for i in range(3000)]
    frame = spark.createDataFrame(rows, "id long, status string")  # type: ignore[attr-defined]
    redacted, plan = redact_dataframe(frame, sample=200)
    assert {c.column: c.action for c in plan.columns}["status"] == "keep"
    statuses = [r["status"] for r in redacted.orderBy("id").collect()]
    assert statuses[1234] == f"客户来电 ******{phone[-4:]}"
    assert statuses[:1234] + statuses[1235:] == ["已处理"] * 2999


def test_a_number_column_that_defaults_to_zero_is_classified_from_more_values(
    spark: object,
) -> None:
    """Zero is a number column's blank on Spark too: the second look keeps rows with a
    value other than zero, or its 200 × columns rows would all be zeros."""
    from dataguard.spark import redact_dataframe

    rng = random.Random(7)
    phones = [int(gen.mobile_digits(rng)) for _ in range(4)]
    rows = [(i, phones[i // 500] if i % 500 == 250 else 0) for i in range(2000)]
    frame = spark.createDataFrame(rows, "id long, c9 long")  # type: ignore[attr-defined]
    redacted, plan = redact_dataframe(frame, sample=200)
    assert {c.column: c.action for c in plan.columns}["c9"] != "keep"
    masked = [r["c9"] for r in redacted.where("c9 != '0'").orderBy("id").collect()]
    assert masked == ["******" + str(p)[-4:] for p in phones]


def test_a_key_value_table_is_masked_by_key_as_on_one_machine(
    spark: object, tmp_path: Path
) -> None:
    keys = ["nickname", "real_name", "mobile", "password"]
    values = ["lily", "李娜", "13812341050", "S3cr3t!pw"]
    table = pl.DataFrame(
        {
            "id": list(range(40)),
            "attr_key": [keys[i % 4] for i in range(40)],
            "attr_value": [values[i % 4] for i in range(40)],
        }
    )
    local, distributed, _, plan = _one_machine_and_spark(spark, tmp_path, table)
    assert [(c.action, c.key_column) for c in plan.columns][-1] == ("by_key", "attr_key")
    assert distributed.equals(local)
    # By hand: the nickname stays, a name keeps its surname, a mobile its last 4 digits,
    # a password is six stars.
    assert distributed["attr_value"].to_list()[:4] == ["lily", "李*", "******1050", "******"]


def test_a_rows_name_in_its_remark_is_masked_as_on_one_machine(
    spark: object, tmp_path: Path
) -> None:
    """万华 and 江南 stand in the remark with nothing saying "name" (dataguard.mask.row_names)."""
    rng = random.Random(3)
    names = ["万华", "江南"] + [gen.chinese_name(rng) for _ in range(58)]
    table = pl.DataFrame(
        {"id": list(range(60)), "姓名": names, "备注": [f"{n}来电咨询退款进度" for n in names]}
    )
    local, distributed, _, _ = _one_machine_and_spark(spark, tmp_path, table)
    assert distributed.equals(local)
    assert distributed["备注"].to_list()[:2] == ["万*来电咨询退款进度", "江*来电咨询退款进度"]
