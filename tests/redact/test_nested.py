"""Nested Parquet columns: structs masked field by field, lists element by element.

Parquet written by Spark, Hive or a data-lake export nests: ``contact: struct<name,
phone>``, ``phones: list<string>``. Such a file was refused whole ("column 'contact' is
nested"); the user had to flatten it by hand. Now struct leaves are planned and masked as
columns named by their path (``contact.phone``) and put back; lists are masked element by
element. The output keeps the input's schema (masked leaves become text, as masked flat
columns do), its nulls and its list lengths. Lists of structs (``items: list<struct<…>>``,
order lines with a receiver and a phone each) were refused too; their fields are now lists
masked element by element and zipped back into the structs. A map of text to text
(``ext: map<string,string>``) failed as "not valid PARQUET"; it is masked as JSON text,
each key the context of its value, and read back into the map.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner
from dataguard.cli.main import cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataguard.detect import Detector
from dataguard.errors import UsageError
from dataguard.mask import Masker
from dataguard.mask.table import BATCH_ROWS
from dataguard.redact import redact_file
from dataguard.sources.nested import flatten, list_elements, restore
from dataguard.testing import generators as gen

_DETECTOR = Detector()


def _masker() -> Masker:
    return Masker(detector=_DETECTOR)


def _orders(rows: int, seed: int) -> tuple[pl.DataFrame, list[str]]:
    """Orders with a struct (a nested struct inside), a list of phones and a clean list;
    returns the frame and every personal value put in it."""
    rng = random.Random(seed)
    personal: list[str] = []
    records: list[dict[str, Any]] = []
    for i in range(rows):
        name, phone = gen.chinese_name(rng), gen.mobile_digits(rng)
        id_number = gen.id_card(rng)
        phones = [gen.mobile_digits(rng) for _ in range(rng.randint(0, 3))]
        personal += [name, phone, id_number, *phones]
        items: list[dict[str, Any] | None] | None = []
        for _ in range(rng.randint(0, 3)):
            receiver, item_phone, landline = (
                gen.chinese_name(rng),
                gen.mobile_digits(rng),
                gen.landline(rng),
            )
            personal += [receiver, item_phone, landline]
            ship = None if rng.random() < 0.2 else {"tel": landline, "floor": rng.randint(1, 30)}
            items.append(
                {
                    "sku": f"SKU-{rng.randint(100, 999)}",
                    "receiver": receiver,
                    "phone": item_phone,
                    "ship": ship,
                }
            )
        if i % 9 == 4 and items:
            items[0] = None  # a null element
        if i % 13 == 6:
            items = None
        records.append(
            {
                "order_id": i,
                "buyer": None
                if i % 7 == 3
                else {
                    "name": name,
                    "mobile": phone,
                    "cert": {"id_card": id_number, "kind": "身份证"} if i % 5 else None,
                    "level": i % 4,
                },
                "backup_phones": None if i % 11 == 5 else phones,
                "tags": ["vip", "new"] if i % 2 else [],
                "items": items,
            }
        )
    return pl.DataFrame(records), personal


def _redact(tmp_path: Path, frame: pl.DataFrame, out_name: str = "out.parquet", **kw: Any) -> Any:
    source = tmp_path / "in.parquet"
    frame.write_parquet(source)
    target = tmp_path / out_name
    report = redact_file(source, target, _masker(), force=True, **kw)
    return report, target


def test_struct_fields_and_list_elements_are_masked_in_place(tmp_path: Path) -> None:
    frame, personal = _orders(300, seed=1)
    report, target = _redact(tmp_path, frame)
    out = pl.read_parquet(target)

    plan = {c["column"]: (c["action"], c["entity"]) for c in report["columns"]}
    assert plan["buyer.name"] == ("mask", "CN_NAME")
    assert plan["buyer.mobile"] == ("mask", "CN_MOBILE")
    assert plan["buyer.cert.id_card"] == ("mask", "CN_ID_CARD")
    assert plan["backup_phones"] == ("mask", "CN_MOBILE")
    assert plan["tags"][0] == "keep"
    assert plan["items.receiver"] == ("mask", "CN_NAME")
    assert plan["items.phone"] == ("mask", "CN_MOBILE")
    assert plan["items.ship.tel"] == ("mask", "CN_LANDLINE")
    assert plan["items.sku"][0] == plan["items.ship.floor"][0] == "keep"
    # The shape is the input's: the same columns and fields, in order; leaves that were
    # text are text, the clean number leaf keeps its type.
    assert out.columns == frame.columns
    assert out.schema["buyer"] == frame.schema["buyer"]
    assert out.schema["backup_phones"] == pl.List(pl.String)
    # Nulls and lengths are kept: a null struct, a null nested struct, null and empty lists.
    assert out["buyer"].is_null().to_list() == frame["buyer"].is_null().to_list()
    cert_in = frame["buyer"].struct.field("cert").is_null().to_list()
    assert out["buyer"].struct.field("cert").is_null().to_list() == cert_in
    assert out["backup_phones"].list.len().to_list() == frame["backup_phones"].list.len().to_list()
    assert out["tags"].to_list() == frame["tags"].to_list()
    # Lists of structs: each list its length, null lists and null elements (and a null
    # struct inside an element) where they were; clean fields unchanged, in their type.
    assert out.schema["items"] == frame.schema["items"]
    assert out["items"].list.len().to_list() == frame["items"].list.len().to_list()
    elements_in = frame["items"].explode()
    elements_out = out["items"].explode()
    assert elements_out.is_null().to_list() == elements_in.is_null().to_list()
    for field in ("sku", "ship"):
        if field == "ship":
            ship_in, ship_out = (e.struct.field("ship") for e in (elements_in, elements_out))
            assert ship_out.is_null().to_list() == ship_in.is_null().to_list()
            assert ship_out.struct.field("floor").equals(ship_in.struct.field("floor"))
        else:
            assert elements_out.struct.field(field).equals(elements_in.struct.field(field))
    assert elements_out.struct.field("phone").drop_nulls().str.contains(r"^\*{6}\d{4}$").all()
    assert out["order_id"].to_list() == frame["order_id"].to_list()
    level = out["buyer"].struct.field("level")
    assert level.to_list() == frame["buyer"].struct.field("level").to_list()
    # Nothing personal is left, anywhere in the file.
    text = out.write_ndjson()
    assert not [value for value in personal if value in text]
    masked = out["buyer"].struct.field("mobile").drop_nulls()
    assert masked.str.contains(r"^\*{6}\d{4}$").all()


def test_nested_parquet_can_be_written_as_json_lines_but_not_as_csv(tmp_path: Path) -> None:
    frame, personal = _orders(20, seed=2)
    _, target = _redact(tmp_path, frame, "out.jsonl")
    text = target.read_text("utf-8")
    assert text.count("\n") == 20
    assert '"buyer":{"name":' in text
    assert not [value for value in personal if value in text]
    with pytest.raises(UsageError, match=r"'buyer' is nested .* CSV cannot hold it"):
        _redact(tmp_path, frame, "out.csv")
    assert not (tmp_path / "out.csv").exists()


_TEXT_MAP = pl.Map(pl.String, pl.String)


def test_maps_of_text_are_masked_by_key_and_stay_maps(tmp_path: Path) -> None:
    rng = random.Random(9)
    rows, personal = [], []
    for i in range(200):
        name, phone, id_number = gen.chinese_name(rng), gen.mobile_digits(rng), gen.id_card(rng)
        personal += [name, phone, id_number]
        # A bare two-character name is found only by its key (name), as in JSON lines.
        ext = {"name": name, "phone": phone, "cert": id_number, "city": "杭州", "vip": "1"}
        rows.append(None if i % 10 == 3 else {} if i % 10 == 4 else ext)
    frame = pl.DataFrame(
        [
            pl.Series("id", range(200)),
            pl.Series("ext", rows, dtype=_TEXT_MAP),
            pl.Series(
                "buyer",
                [{"tags": {"level": "gold", "mobile": p}} for p in personal[1::3]],
                dtype=pl.Struct({"tags": _TEXT_MAP}),
            ),
        ]
    )
    report, target = _redact(tmp_path, frame)
    out = pl.read_parquet(target)
    plan = {c["column"]: c["action"] for c in report["columns"]}
    assert plan["ext"] != "keep"
    assert plan["buyer.tags"] != "keep"
    assert out.schema == frame.schema
    assert out["ext"].is_null().to_list() == frame["ext"].is_null().to_list()
    # Keys, their order and the clean values are kept; every personal value is masked.
    entries_in = frame["ext"].map.entries().explode()
    entries_out = out["ext"].map.entries().explode()
    assert entries_out.struct.field("key").equals(entries_in.struct.field("key"))
    clean = entries_in.struct.field("key").is_in(["city", "vip"])
    assert (
        entries_out.struct.field("value")
        .filter(clean)
        .equals(entries_in.struct.field("value").filter(clean))
    )
    assert out["ext"].map.len().to_list() == frame["ext"].map.len().to_list()
    text = out.write_ndjson()
    assert not [value for value in personal if value in text]
    # The surname is kept (compound ones too: 欧阳*), the given name masked.
    assert out["ext"].map.get("name").drop_nulls().str.contains(r"^\w{1,2}\*+$").all()


_PAIRS = pl.List(pl.Struct({"key": pl.String, "value": pl.String}))


def test_lists_of_key_value_structs_are_masked_by_key_and_stay_lists(tmp_path: Path) -> None:
    """A map written as a list (``attrs: list<struct<key, value>>``: converted from
    protobuf or Avro, BigQuery's repeated key-value records) was masked field by field:
    the values under password and real_name matched no pattern and were copied."""
    rng = random.Random(11)
    rows: list[list[dict[str, str | None] | None] | None] = []
    secrets: list[str] = []
    for i in range(200):
        password = f"S3cr3t!{rng.randrange(10**6):06d}"
        name = rng.choice(["张伟", "李娜", "王芳", "刘德华", "陈静"])  # one-character surnames
        secrets.append(password)
        attrs: list[dict[str, str | None] | None] = [
            {"key": "password", "value": password},
            {"key": "real_name", "value": name},
            {"key": "vip", "value": str(i % 3)},
            None,  # a null element
            {"key": None, "value": "x"},  # a null key
            {"key": "vip", "value": "9"},  # a key twice
        ]
        rows.append(None if i % 10 == 3 else [] if i % 10 == 4 else attrs)
    headers = [
        [
            {"name": "Accept", "value": "*/*"},
            {"name": "Authorization", "value": "Bearer abc123def456"},
        ]
    ]
    frame = pl.DataFrame(
        [
            pl.Series("id", range(200)),
            pl.Series("attrs", rows, dtype=_PAIRS),
            # HTTP headers, name and value; and a list of structs that is no map.
            pl.Series(
                "headers",
                headers * 200,
                dtype=pl.List(pl.Struct({"name": pl.String, "value": pl.String})),
            ),
            pl.Series(
                "items",
                [[{"sku": "A1", "qty": 2}]] * 200,
                dtype=pl.List(pl.Struct({"sku": pl.String, "qty": pl.Int64})),
            ),
        ]
    )
    report, target = _redact(tmp_path, frame)
    out = pl.read_parquet(target)
    plan = {c["column"]: c["action"] for c in report["columns"]}
    assert plan == {
        "id": "keep",
        "attrs": "engine",
        "headers": "engine",
        "items.sku": "keep",
        "items.qty": "keep",
    }
    assert out.schema == frame.schema
    # Display masks by hand: a password six stars, a name its surname, a credential six stars;
    # lengths, order, null elements, null keys and the clean values kept.
    expected = [
        None
        if row is None
        else [
            None
            if item is None
            else {
                "key": item["key"],
                "value": "******"
                if item["key"] == "password"
                else item["value"][:1] + "*" * (len(item["value"]) - 1)
                if item["key"] == "real_name"
                else item["value"],
            }
            for item in row
        ]
        for row in rows
    ]
    assert out["attrs"].to_list() == expected
    assert (
        out["headers"].to_list()
        == [[{"name": "Accept", "value": "*/*"}, {"name": "Authorization", "value": "******"}]]
        * 200
    )
    assert out["items"].equals(frame["items"])
    text = out.write_ndjson()
    assert not [value for value in secrets if value in text]
    assert not [n for n in ("张伟", "李娜", "王芳", "刘德华", "陈静") if n in text]


@pytest.mark.parametrize(
    ("column", "path"),
    [
        (pl.Series("m", [{"13812341050": 1}], dtype=pl.Map(pl.String, pl.Int64)), "m"),
        (
            pl.Series(
                "items",
                [[{"ext": {"phone": "13812341050"}}]],
                dtype=pl.List(pl.Struct({"ext": _TEXT_MAP})),
            ),
            "items.ext",
        ),
        (pl.Series("items", [[{"mobiles": ["13812341050"]}]]), "items.mobiles"),
        (pl.Series("m", [{"inner": [["13812341050"]]}]), "m.inner"),
        (pl.Series("ll", [[["13812341050"]]]), "ll"),
        (pl.Series("fixed", [["13812341050", "x"]], dtype=pl.Array(pl.String, 2)), "fixed"),
    ],
)
def test_lists_of_structs_or_lists_and_arrays_are_refused_by_path(
    tmp_path: Path, column: pl.Series, path: str
) -> None:
    with pytest.raises(UsageError, match=f"column '{path}' is .*JSON lines") as caught:
        _redact(tmp_path, pl.DataFrame([column]))
    assert "13812341050" not in str(caught.value)
    assert not (tmp_path / "out.parquet").exists()


def test_a_leaf_path_equal_to_another_columns_name_is_refused(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": [{"b": "x"}], "a.b": ["y"]})
    with pytest.raises(UsageError, match=r"two columns would be named 'a\.b'"):
        _redact(tmp_path, frame)


def test_the_cli_redacts_a_nested_parquet_and_the_dry_run_lists_leaves(tmp_path: Path) -> None:
    frame, personal = _orders(50, seed=3)
    source = tmp_path / "orders.parquet"
    frame.write_parquet(source)
    result = CliRunner().invoke(cli, ["redact", str(source), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "buyer.mobile" in result.output
    out = tmp_path / "orders.redacted.parquet"
    result = CliRunner().invoke(cli, ["redact", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "masked buyer.mobile as CN_MOBILE" in result.stderr
    assert not [v for v in personal if v in pl.read_parquet(out).write_ndjson()]


def test_workers_mask_nested_batches_as_one_process_does(tmp_path: Path) -> None:
    # Workers start only for an input of more than one batch (BATCH_ROWS).
    frame, _ = _orders(BATCH_ROWS + 5_000, seed=4)
    _, one = _redact(tmp_path, frame, "one.parquet")
    report, two = _redact(tmp_path, frame, "two.parquet", jobs=2)
    assert report["jobs"] == 2
    assert pl.read_parquet(one).equals(pl.read_parquet(two))


_LEAF = st.one_of(
    st.none(),
    st.sampled_from(["已发货", "杭州", "", "x", "0"]),
    st.integers(0, 2**31).map(str),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(
        st.tuples(_LEAF, st.lists(_LEAF, max_size=3) | st.none(), st.booleans()),
        min_size=1,
        max_size=8,
    ),
    records=st.lists(
        st.none()
        | st.lists(
            st.none()
            | st.fixed_dictionaries(
                {"a": _LEAF, "in": st.none() | st.fixed_dictionaries({"b": _LEAF})}
            ),
            max_size=3,
        ),
        min_size=8,
        max_size=8,
    ),
    maps=st.lists(
        st.none()
        | st.dictionaries(st.text(max_size=4), st.none() | st.text(max_size=4), max_size=3),
        min_size=8,
        max_size=8,
    ),
    pairs=st.lists(
        st.none()
        | st.lists(
            st.none()
            | st.fixed_dictionaries(
                {"key": st.none() | st.text(max_size=4), "value": st.none() | _LEAF}
            ),
            max_size=3,
        ),
        min_size=8,
        max_size=8,
    ),
)
def test_property_flatten_then_restore_gives_the_frame_back(
    values: list[tuple[str | None, list[str | None] | None, bool]],
    records: list[list[dict[str, Any] | None] | None],
    maps: list[dict[str, str | None] | None],
    pairs: list[list[dict[str, str | None] | None] | None],
) -> None:
    frame = pl.DataFrame(
        {
            "s": [
                {"a": leaf, "inner": {"l": items, "b": leaf}} if present else None
                for leaf, items, present in values
            ],
            "l": [items for _, items, _ in values],
            "ls": records[: len(values)],
            "m": maps[: len(values)],
            "kv": pairs[: len(values)],
        },
        schema={
            "s": pl.Struct(
                {"a": pl.String, "inner": pl.Struct({"l": pl.List(pl.String), "b": pl.String})}
            ),
            "l": pl.List(pl.String),
            "ls": pl.List(pl.Struct({"a": pl.String, "in": pl.Struct({"b": pl.String})})),
            "m": _TEXT_MAP,
            "kv": _PAIRS,
        },
    )
    flat, nesting = flatten(frame.lazy())
    assert restore(flat.collect(), nesting).equals(frame)
    elements, rebuild = list_elements(frame["l"])
    assert rebuild(elements).equals(frame["l"])


def test_scan_files_reports_struct_fields_as_redaction_plans_them(tmp_path: Path) -> None:
    # The report's column names are the ones a redaction policy pins (buyer.mobile).
    from dataguard.scan.files import scan_files

    frame, personal = _orders(200, seed=5)
    source = tmp_path / "orders.parquet"
    frame.write_parquet(source)
    report = scan_files([source], sample=100)
    entities = {c.column: c.entity for c in report.columns}
    assert entities["buyer.mobile"] == "CN_MOBILE"
    assert entities["buyer.cert.id_card"] == "CN_ID_CARD"
    assert entities["buyer.name"] == "CN_NAME"
    assert entities["buyer.level"] is None
    assert entities["items.phone"] == "CN_MOBILE"
    assert entities["items.ship.tel"] == "CN_LANDLINE"
    # A list column is judged by its elements, as redaction plans it: a phone column.
    phones = next(c for c in report.columns if c.column == "backup_phones")
    assert (phones.entity, phones.kind) == ("CN_MOBILE", "value")
    assert not any(name.startswith("\x00") for name in entities)
    assert not [value for value in personal if value in report.to_json()]


@pytest.mark.parametrize(
    "column",
    [
        pl.Series("buyer", [{"photo": b"\x89PNG", "name": "x"}]),
        pl.Series("scans", [[b"\x89PNG"]]),
    ],
)
def test_binary_struct_fields_and_lists_are_refused_unless_kept(
    tmp_path: Path, column: pl.Series
) -> None:
    # A binary leaf was planned clean and copied; a binary list's elements cast to null.
    path = "buyer.photo" if column.name == "buyer" else "scans"
    with pytest.raises(UsageError, match=f"column '{path}' is binary") as caught:
        _redact(tmp_path, pl.DataFrame([column]))
    if column.name == "buyer":
        assert '[fields."buyer.photo"] operator = "keep"' in str(caught.value)
    policy = tmp_path / "keep.toml"
    policy.write_text(f'[fields."{path}"]\noperator = "keep"\n', "utf-8")
    source, target = tmp_path / "in.parquet", tmp_path / "kept.parquet"
    masker = Masker(policy, detector=_DETECTOR)
    redact_file(source, target, masker, force=True)
    assert pl.read_parquet(target).equals(pl.DataFrame([column]))


def test_a_struct_field_the_sample_sees_empty_gets_the_second_look(tmp_path: Path) -> None:
    # One phone in 1,000 rows of a field: a 100-row sample is unlikely to see it, and a
    # field planned clean would be copied, phone and all.
    rng = random.Random(8)
    phones = [gen.mobile_digits(rng) for _ in range(5)]
    buyers = [
        {"status": "已签收", "alt": phones[i // 1000] if i % 1000 == 500 else None}
        for i in range(5000)
    ]
    frame = pl.DataFrame({"id": list(range(5000)), "buyer": buyers})
    report, target = _redact(tmp_path, frame, sample=100)
    assert "buyer.alt" in report["sparse_columns"]
    alt = pl.read_parquet(target)["buyer"].struct.field("alt").drop_nulls().to_list()
    assert alt == ["******" + p[-4:] for p in phones]


def test_a_list_field_the_sample_sees_empty_gets_the_second_look(tmp_path: Path) -> None:
    # Order lines in one row of 5,000: a 500-row sample sees no receiver, and a list field
    # planned clean was copied (a name has no shape for the stray guard to catch).
    rng = random.Random(11)
    names = [gen.chinese_name(rng) for _ in range(4)]
    entry = pl.Struct({"sku": pl.String, "receiver": pl.String})
    items = [
        [{"sku": "A1", "receiver": names[i // 5000]}] if i % 5000 == 2500 else []
        for i in range(20_000)
    ]
    frame = pl.DataFrame(
        [pl.Series("id", range(20_000)), pl.Series("items", items, dtype=pl.List(entry))]
    )
    report, target = _redact(tmp_path, frame, sample=500)
    assert "items.receiver" in report["sparse_columns"]
    assert {c["column"]: c["entity"] for c in report["columns"]}["items.receiver"] == "CN_NAME"
    text = pl.read_parquet(target).write_ndjson()
    assert not [name for name in names if name in text]


def test_scan_files_reads_a_map_of_text_as_json_text(tmp_path: Path) -> None:
    from dataguard.scan.files import scan_files

    rng = random.Random(10)
    names = [gen.chinese_name(rng) for _ in range(60)]
    ext = [{"name": name, "vip": "1"} for name in names]
    source = tmp_path / "ext.parquet"
    pl.DataFrame([pl.Series("ext", ext, dtype=_TEXT_MAP)]).write_parquet(source)
    report = scan_files([source], sample=30)
    (column,) = report.columns
    # Bare names, found by their key: the map's keys are context, as in JSON lines.
    assert (column.column, column.kind, column.entity) == ("ext", "text", "CN_NAME")
    assert not [name for name in names if name in report.to_json()]
