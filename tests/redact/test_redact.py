"""Batch redaction of export files (:func:`dataguard.redact.redact_file`), tested from outside.

Expected masked strings are written by hand from standards.md §2 (display profile):
mobile ``*`` x6 + last 4, landline area code + ``*****`` + last 3, e-mail first 2 of the
local part + ``**`` @ first char of the domain + ``**`` + suffix, address down to the
county + ``****``, bank card first 6 + last 4, ID number first 1 + last 1, name keeps
the surname. Nothing expected is computed with the code under test.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import random
import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataguard.redact
from dataguard.detect import Detector
from dataguard.errors import UsageError
from dataguard.mask import Masker
from dataguard.mask.stream import MaskerSpec
from dataguard.mask.table import TableRedactor, _as_text
from dataguard.redact import redact_file
from dataguard.testing import generators as gen

# Two Luhn-failing order numbers (generators.order_number): card-shaped, not cards.
ORDER_1 = "6223286012904047966"
ORDER_2 = "8251027346468695896"

HEADER = "order_id,name,mobile,id_card,card,email,landline,address,amount,remark\n"
ORDERS = (
    HEADER
    + f"{ORDER_1},张三,13812341050,11010519491231002X,6222021234567890128,tt@163.com,"
    + "0571-88881123,浙江省杭州市西湖区文三路90号1幢,"
    + '"1,280.50","客户说, 改天再联系: 电话 13912345678"\n'
    + f"{ORDER_2},欧阳娜娜,13912345678,320106198503151236,6228480402564890018,"
    + 'zhang.wei@qq.com,010-62345678,北京市海淀区中关村大街1号,99.00,"第一行\n第二行, 无"\n'
)
ORDERS_MASKED = (
    HEADER
    + f"{ORDER_1},张*,******1050,1****************X,622202*********0128,tt**@1**.com,"
    + "0571-*****123,浙江省杭州市西湖区****,"
    + '"1,280.50","客户说, 改天再联系: 电话 ******5678"\n'
    + f"{ORDER_2},欧阳**,******5678,3****************6,622848*********0018,"
    + 'zh**@q**.com,010-*****678,北京市海淀区****,99.00,"第一行\n第二行, 无"\n'
)


def redact(src: Path, dst: Path, **kwargs: object) -> dict[str, object]:
    return redact_file(src, dst, Masker(), **kwargs)  # type: ignore[arg-type]


def read_csv(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as stream:
        return list(csv.reader(stream, delimiter=delimiter))


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_excel_text_wrappers_stay_around_masked_values(tmp_path: Path) -> None:
    # Exports keep numbers as text for Excel: ="…", a leading apostrophe or tab. The
    # operator saw the wrapper: ="13812341050" came out ******050" (three digits kept).
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text(
        'id,mobile,id_card\n1,="13812341050","\t11010519491231002X"\n'
        "2,'13912345678, 11010519491231002X \n",
        "utf-8",
    )
    redact(src, dst)
    assert read_csv(dst) == [
        ["id", "mobile", "id_card"],
        ["1", '="******1050"', "\t1****************X"],
        ["2", "'******5678", " 1****************X "],
    ]


def test_a_column_of_base64_json_is_masked_inside_and_stays_base64(tmp_path: Path) -> None:
    # A column of gateway identity tokens (base64 JSON) was read as a mobile column and its
    # decoded text given to the mobile mask: ******76"} came out, no longer base64.
    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    people = [
        ("张伟", "13812341050", "张*", "******1050"),
        ("李娜", "13912345678", "李*", "******5678"),
    ]
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    rows = [["id", "user_info"]]
    rows += [
        [str(i), b64(f'{{"name":"{p[0]}","phone":"{p[1]}"}}')] for i, p in enumerate(people * 20)
    ]
    src.write_bytes(csv_bytes(rows))
    redact(src, dst)
    assert read_csv(dst)[1:] == [
        [str(i), b64(f'{{"name":"{p[2]}","phone":"{p[3]}"}}')] for i, p in enumerate(people * 20)
    ]


# -- formats ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf")],
    ids=["utf-8", "utf-8-bom"],
)
def test_utf8_csv_is_masked_by_the_display_rules(
    tmp_path: Path, encoding: str, prefix: bytes
) -> None:
    src, dst = tmp_path / "orders.csv", tmp_path / "orders.redacted.csv"
    src.write_bytes(prefix + ORDERS.encode(encoding))
    report = redact(src, dst)
    # The BOM (or its absence) is kept; everything else is the hand-written expectation.
    assert dst.read_bytes() == prefix + ORDERS_MASKED.encode("utf-8")
    assert report["encoding"] == "utf-8"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_csv_is_written_back_in_gb18030(tmp_path: Path, encoding: str) -> None:
    src, dst = tmp_path / "orders.csv", tmp_path / "orders.redacted.csv"
    src.write_bytes(ORDERS.encode(encoding))
    report = redact(src, dst)
    out = dst.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        out.decode("utf-8")  # not silently converted to UTF-8
    assert out.decode("gb18030") == ORDERS_MASKED
    assert out == ORDERS_MASKED.encode("gb18030")
    assert report["encoding"] == "gb18030"


def test_gb18030_only_characters_survive(tmp_path: Path) -> None:
    # 䶮 (U+4DAE, CJK extension A) is in GB18030 but not in GBK: four bytes in GB18030.
    text = "mobile,note\n13812341050,刘䶮\n13912345678,普通\n"
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(text.encode("gb18030"))
    redact(src, dst)
    assert dst.read_bytes().decode("gb18030") == "mobile,note\n******1050,刘䶮\n******5678,普通\n"


def test_quoted_fields_with_commas_quotes_and_newlines_survive(tmp_path: Path) -> None:
    rows = [
        ["mobile", "note", "remark"],
        ["13812341050", "a, b", '他说 "你好",\n然后电话 13912345678'],
        ["13912345678", "第一行\r\n第二行", ""],
        ["15000001234", 'x""y', "无"],
    ]
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(csv_bytes(rows))
    redact(src, dst)
    assert read_csv(dst) == [
        ["mobile", "note", "remark"],
        ["******1050", "a, b", '他说 "你好",\n然后电话 ******5678'],
        ["******5678", "第一行\r\n第二行", ""],
        ["******1234", 'x""y', "无"],
    ]


def test_tsv(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.tsv", tmp_path / "out.tsv"
    src.write_text(
        "mobile\tnote\tamount\n13812341050\ta, b\t1.00\n13912345678\tc;d\t2.50\n", "utf-8"
    )
    report = redact(src, dst)
    assert report["format"] == "tsv"
    assert dst.read_text("utf-8") == (
        "mobile\tnote\tamount\n******1050\ta, b\t1.00\n******5678\tc;d\t2.50\n"
    )


def test_parquet_int64_mobiles_become_strings(tmp_path: Path) -> None:
    """An Int64 column of mobiles comes out as String: masked values are text.

    ``TableRedactor.apply`` maps every planned column with ``return_dtype=pl.String``;
    columns that are kept (here Int64 order ids, Float64 amounts, dates) keep their dtype.
    """
    src, dst = tmp_path / "in.parquet", tmp_path / "out.parquet"
    frame = pl.DataFrame(
        {
            "order_id": pl.Series([1001, 1002, 1003], dtype=pl.Int64),
            "buyer_contact": pl.Series([13812341050, 13912345678, None], dtype=pl.Int64),
            "name": ["张三", "欧阳娜娜", None],
            "amount": [1.5, 2.25, 3.0],
            "day": pl.Series(["2024-05-01", "2024-05-02", "2024-05-03"]).str.to_date(),
        }
    )
    frame.write_parquet(src)
    report = redact(src, dst)
    out = pl.read_parquet(dst)
    assert out.columns == frame.columns
    assert out.schema["buyer_contact"] == pl.String
    assert out.schema["name"] == pl.String
    for kept in ("order_id", "amount", "day"):
        assert out.schema[kept] == frame.schema[kept]
        assert out[kept].to_list() == frame[kept].to_list()
    assert out["buyer_contact"].to_list() == ["******1050", "******5678", None]
    assert out["name"].to_list() == ["张*", "欧阳**", None]
    plan = {c["column"]: c for c in report["columns"]}  # type: ignore[attr-defined]
    assert plan["buyer_contact"]["dtype"] == "Int64"
    assert plan["buyer_contact"]["entity"] == "CN_MOBILE"
    assert plan["buyer_contact"]["values"] == 2  # the null is not a value
    assert plan["buyer_contact"]["changed"] == 2


def test_parquet_float_mobiles_are_masked_as_the_integers_they_are(tmp_path: Path) -> None:
    """A mobile column that pandas made float64 (a missing value) holds 13812341050.0;
    masked as that text it came out ``******50.0``."""
    src, dst = tmp_path / "in.parquet", tmp_path / "out.parquet"
    mobiles = pl.Series([13812341050.0, None, 13912345678.0], dtype=pl.Float64)
    pl.DataFrame({"buyer_mobile": mobiles}).write_parquet(src)
    redact(src, dst)
    assert pl.read_parquet(dst)["buyer_mobile"].to_list() == ["******1050", None, "******5678"]


@pytest.mark.parametrize(
    ("values", "text"),
    [
        ([13812341050.0, None], ["13812341050", None]),
        ([1.0, 2.5], ["1.0", "2.5"]),  # a fraction somewhere: read as it is
        ([1.0, float("nan")], ["1.0", "NaN"]),
        ([2.0**60], [str(2.0**60)]),  # past 2**53 a float is no exact integer
    ],
)
def test_floats_are_read_as_integers_only_when_all_are_whole(
    values: list[float | None], text: list[str | None]
) -> None:
    assert _as_text(pl.Series(values, dtype=pl.Float64)).to_list() == text


def test_csv_to_parquet(tmp_path: Path) -> None:
    src, dst = tmp_path / "orders.csv", tmp_path / "orders.parquet"
    src.write_text(ORDERS, "utf-8")
    redact(src, dst)
    out = pl.read_parquet(dst)
    assert out.columns == HEADER.strip().split(",")
    assert out["mobile"].to_list() == ["******1050", "******5678"]
    assert out["order_id"].to_list() == [ORDER_1, ORDER_2]  # CSV columns are text


JSONL_IN = (
    '{"z": 1, "phone": "13812341050", "note":  "\\u4f60\\u597d 世界",  "n": 1.50, '
    '"nested": {"k": [1, 2]}}\n'
    '{"z":2,"phone":"13912345678","note":"x","n":2e3,"nested":{}}\n'
    '{"phone": "15000001234" , "z":3, "n": -0.0}\n'
)
JSONL_OUT = (
    '{"z": 1, "phone": "******1050", "note":  "\\u4f60\\u597d 世界",  "n": 1.50, '
    '"nested": {"k": [1, 2]}}\n'
    '{"z":2,"phone":"******5678","note":"x","n":2e3,"nested":{}}\n'
    '{"phone": "******1234" , "z":3, "n": -0.0}\n'
)


def test_jsonl_keeps_every_byte_but_the_masked_values(tmp_path: Path) -> None:
    src, dst = tmp_path / "events.jsonl", tmp_path / "events.redacted.jsonl"
    src.write_text(JSONL_IN, "utf-8")
    report = redact(src, dst)
    assert dst.read_text("utf-8") == JSONL_OUT
    assert report["rows"] == 3
    assert report["lines_changed"] == 3
    # Key order as in the input, line by line.
    for before, after in zip(JSONL_IN.splitlines(), JSONL_OUT.splitlines(), strict=True):
        assert list(json.loads(before)) == list(json.loads(after))


def test_jsonl_is_only_redacted_to_jsonl(tmp_path: Path) -> None:
    src = tmp_path / "events.jsonl"
    src.write_text(JSONL_IN, "utf-8")
    with pytest.raises(UsageError, match="JSONL"):
        redact(src, tmp_path / "events.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.jsonl"]


def test_jsonl_with_a_key_changing_type_late_is_still_valid(tmp_path: Path) -> None:
    lines = [json.dumps({"code": i, "phone": "13812341050"}) for i in range(1200)]
    lines.append(json.dumps({"code": "E01", "phone": "13912345678"}))
    src, dst = tmp_path / "late.jsonl", tmp_path / "late.out.jsonl"
    src.write_text("\n".join(lines) + "\n", "utf-8")
    redact(src, dst)
    assert dst.read_text("utf-8").splitlines()[-1] == '{"code": "E01", "phone": "******5678"}'


# -- shape ------------------------------------------------------------------------------


def _orders_table(rows: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    table = [["order_id", "amount", "mobile", "id_card", "email", "remark"]]
    for _ in range(rows):
        table.append(
            [
                gen.order_number(rng),
                gen.amount(rng),
                gen.mobile_digits(rng),
                gen.id_card(rng),
                gen.email(rng),
                f"请送到{gen.address(rng)}, 联系 {gen.mobile_digits(rng)}",
            ]
        )
    return table


def test_shape_header_order_and_clean_columns_are_kept(tmp_path: Path, detector: Detector) -> None:
    table = _orders_table(60, seed=11)
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(csv_bytes(table))
    report = redact(src, dst)
    out = read_csv(dst)
    assert len(out) == len(table)
    assert out[0] == table[0]
    assert all(len(row) == len(table[0]) for row in out)
    # Luhn-failing order numbers are not cards: the column is clean and copied.
    assert not any(detector.detect(row[0], field="order_id") for row in table[1:])
    plan = {c["column"]: c["action"] for c in report["columns"]}  # type: ignore[attr-defined]
    assert plan == {
        "order_id": "keep",
        "amount": "keep",
        "mobile": "mask",
        "id_card": "mask",
        "email": "mask",
        "remark": "engine",
    }
    for before, after in zip(table[1:], out[1:], strict=True):
        assert after[0].encode() == before[0].encode()
        assert after[1].encode() == before[1].encode()
        assert after[2] == "******" + before[2][-4:]
        assert after[3] == before[3][0] + "*" * 16 + before[3][-1]
        assert after[4] != before[4]
        assert after[5].startswith("请送到")
        assert after[5] != before[5]
    # The clean columns' bytes in the file itself: each input line's first two fields.
    raw_in = src.read_bytes().splitlines()
    raw_out = dst.read_bytes().splitlines()
    assert len(raw_in) == len(raw_out)
    for a, b in zip(raw_in[1:], raw_out[1:], strict=True):
        assert a.split(b",")[:2] == b.split(b",")[:2]


def test_header_only_csv(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("mobile,remark\n", "utf-8")
    report = redact(src, dst)
    assert dst.read_text("utf-8") == "mobile,remark\n"
    assert [c["column"] for c in report["columns"]] == ["mobile", "remark"]  # type: ignore[attr-defined]


def test_a_repeated_header_name_is_a_column_of_its_own(tmp_path: Path) -> None:
    # Exports repeat a header for a second phone (联系电话,联系电话): refused before, with
    # "rename one". The later one is mobile_2 (its position) in the plan and the report; the
    # header goes back as it was.
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("mobile,mobile,x\n13812341050,13912345678,1\n", "utf-8")
    report = redact(src, dst)
    assert dst.read_text("utf-8") == "mobile,mobile,x\n******1050,******5678,1\n"
    columns = {c["column"]: c["entity"] for c in report["columns"]}  # type: ignore[attr-defined]
    assert columns == {"mobile": "CN_MOBILE", "mobile_2": "CN_MOBILE", "x": None}


# -- safety (API level; the CLI's exit codes are in tests/cli/test_redact_cli.py) --------


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_an_interrupted_write_leaves_neither_output_nor_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    work, scratch = tmp_path / "work", tmp_path / "scratch"
    work.mkdir()
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where transcoding copies go
    src, dst = work / "orders.csv", work / "orders.redacted.csv"
    src.write_bytes(ORDERS.encode(encoding))
    seen: list[Path] = []

    def interrupted(batches: object, source: object, target: Path, *_: object) -> None:
        seen.append(target)
        target.write_bytes(b"order_id,name\n6223,\xe5\xbc")  # a partial write
        raise KeyboardInterrupt

    monkeypatch.setattr(dataguard.redact, "write_batches", interrupted)
    with pytest.raises(KeyboardInterrupt):
        redact(src, dst)
    assert len(seen) == 1
    assert seen[0].parent == work
    assert seen[0] != dst
    assert sorted(p.name for p in work.iterdir()) == ["orders.csv"]
    assert list(scratch.iterdir()) == []
    assert src.read_bytes() == ORDERS.encode(encoding)


def test_an_interrupted_jsonl_run_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, dst = tmp_path / "e.jsonl", tmp_path / "e.out.jsonl"
    src.write_text(JSONL_IN, "utf-8")

    def interrupted(sources: object, dst_stream: object, *args: object, **kwargs: object) -> None:
        dst_stream.write(b'{"z": 1, "pho')  # type: ignore[attr-defined]
        raise KeyboardInterrupt

    monkeypatch.setattr(dataguard.redact, "filter_stream", interrupted)
    with pytest.raises(KeyboardInterrupt):
        redact(src, dst)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.jsonl"]


def test_a_failing_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text(ORDERS, "utf-8")

    def failing(batches: object, source: object, target: Path, *_: object) -> None:
        target.write_bytes(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(dataguard.redact, "write_batches", failing)
    with pytest.raises(OSError, match="disk full"):
        redact(src, dst)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_dry_run_needs_no_output_and_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(ORDERS, "utf-8")
    report = redact_file(src, None, Masker(), dry_run=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    assert [c["column"] for c in report["columns"]] == HEADER.strip().split(",")


# -- value columns holding more than their entity ---------------------------------------


def test_a_mobile_in_text_inside_an_ip_column_is_masked(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("ip\n10.23.145.8\n登录 13812341050\n", "utf-8")
    redact(src, dst)
    out = dst.read_text("utf-8")
    assert "10.23.*.*" in out
    assert "13812341050" not in out


def test_a_mobile_after_an_email_in_an_email_column_is_masked(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("email\ntt@163.com\nabc@qq.com\nzhang.wei@sina.com，13812341050\n", "utf-8")
    redact(src, dst)
    out = read_csv(dst)
    assert out[1:3] == [["tt**@1**.com"], ["ab**@q**.com"]]
    assert "13812341050" not in out[3][0]


def test_a_contact_column_masks_each_value_as_what_it_wholly_is(tmp_path: Path) -> None:
    """联系方式 holds mobiles, and e-mails and landlines too: planned as a mobile column,
    an e-mail went out under the mobile's mask (``*******.网络``), not the e-mail display
    rule; a value wholly of another entity now gets that entity's operator."""
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    rows = ["13812341050", "13912345678", "15012345678", "tt@163.com", "0571-88881123"]
    src.write_text("联系方式\n" + "\n".join(rows) + "\n", "utf-8")
    redact(src, dst)
    out = [row[0] for row in read_csv(dst)[1:]]
    assert out == ["******1050", "******5678", "******5678", "tt**@1**.com", "0571-*****123"]


# -- properties -------------------------------------------------------------------------

PII = {
    "mobile": gen.mobile,
    "id_card": gen.id_card,
    "bank_card": gen.bank_card,
    "email": gen.email,
    "address": gen.address,
    "chinese_name": gen.chinese_name,
    "landline": gen.landline,
}
FILLER = {"order_number": gen.order_number, "amount": gen.amount}


def _random_table(seed: int) -> list[list[str]]:
    """A small table: homogeneous PII and filler columns, and a free-text remark column."""
    rng = random.Random(seed)
    kinds = rng.sample(sorted(PII) + sorted(FILLER) + ["remark"], rng.randint(1, 5))
    rows = rng.randint(1, 8)
    table = [[f"c{i}_{kind}" for i, kind in enumerate(kinds)]]
    for _ in range(rows):
        row = []
        for kind in kinds:
            if kind == "remark":
                pii = PII[rng.choice(sorted(PII))](rng)
                row.append(f"{rng.choice(('备注', '请联系', 'note:'))} {pii} {gen.amount(rng)}")
            else:
                row.append({**PII, **FILLER}[kind](rng))
        table.append(row)
    return table


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_property_no_detected_value_survives_shape_is_kept_and_redaction_is_idempotent(
    seed: int,
) -> None:
    detector = Detector()
    table = _random_table(seed)
    with tempfile.TemporaryDirectory() as name:
        work = Path(name)
        src, once, twice = work / "in.csv", work / "once.csv", work / "twice.csv"
        src.write_bytes(csv_bytes(table))
        redact(src, once)
        out = read_csv(once)
        # (b) shape
        assert out[0] == table[0]
        assert len(out) == len(table)
        assert all(len(row) == len(table[0]) for row in out)
        # (a) nothing the detector finds in a cell is left in that cell
        for before, after in zip(table[1:], out[1:], strict=True):
            for column, cell, masked in zip(table[0], before, after, strict=True):
                for finding in detector.detect(cell, field=column):
                    assert cell[finding.start : finding.end] not in masked, (column, seed)
        # (c) idempotence
        redact(once, twice)
        assert twice.read_bytes() == once.read_bytes()


def test_redacting_twice_is_idempotent_for_short_dirty_mobiles(tmp_path: Path) -> None:
    src, once, twice = tmp_path / "in.csv", tmp_path / "once.csv", tmp_path / "twice.csv"
    src.write_text("mobile\n13812341050\nx12\nn/a\n", "utf-8")
    redact(src, once)
    # Too short to keep its last four, x12 is masked whole; n/a says there is no value
    # and stays (masked, it read as a phone's ******).
    assert once.read_text("utf-8") == "mobile\n******1050\n******\nn/a\n"
    redact(once, twice)
    assert twice.read_bytes() == once.read_bytes()


@pytest.fixture
def engine_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The batches of lines the detection engine masks (``Masker.mask_lines``), in order."""
    runs: list[list[str]] = []
    mask_lines = Masker.mask_lines

    def counted(self: Masker, lines: list[str], **kwargs: object) -> list[str]:
        runs.append(list(lines))
        return mask_lines(self, lines, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Masker, "mask_lines", counted)
    return runs


def test_full_width_values_of_the_column_shape_skip_the_engine(
    tmp_path: Path, engine_runs: list[list[str]]
) -> None:
    # Full-width digits are one clean mobile once normalised: masked like the ASCII form
    # without the engine looking for it again. A value with more in it still goes there.
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text(
        "mobile\n13812341050\n１３９１２３４５６７８\n１３９ １２３４ ５６７９\n"
        "13912345670 tt@163.com\n",
        "utf-8",
    )
    redact(src, dst)
    assert dst.read_text("utf-8") == (
        # display's mobile mask (standards.md §2): six stars and the last four characters
        "mobile\n******1050\n******5678\n******5679\n******.com\n"
    )
    assert engine_runs == [["13912345670 tt@163.com"]]


def test_other_data_in_an_address_column_goes_with_the_part_below_the_county(
    tmp_path: Path, engine_runs: list[list[str]]
) -> None:
    # The address mask keeps only the gazetteer divisions, so what follows them (a phone,
    # a name) is gone without the engine looking at the value first.
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text(
        "address\n"
        "浙江省杭州市西湖区文三路90号1幢\n"
        "北京市海淀区中关村大街1号 张三 13812341050\n"
        "13912345678\n",
        "utf-8",
    )
    redact(src, dst)
    assert dst.read_text("utf-8") == ("address\n浙江省杭州市西湖区****\n北京市海淀区****\n****\n")
    assert engine_runs == []  # no value went through the engine


def test_a_column_of_local_numbers_under_a_landline_header_is_masked(tmp_path: Path) -> None:
    """An HR export's 座机 column held eight-digit office numbers without an area code,
    which no pattern can tell from other digits: they were copied as they were."""
    src = tmp_path / "staff.csv"
    src.write_text("工号,座机,传真\n1001,62345678,6234-5679\n1002,88881234转801,\n", "utf-8")
    redact(src, tmp_path / "out.csv")
    # Landline display mask (Ele.me 8.4) by hand: the last 3 digits, the extension masked.
    assert read_csv(tmp_path / "out.csv") == [
        ["工号", "座机", "传真"],
        ["1001", "*****678", "****-*679"],
        ["1002", "*****234转***", ""],
    ]


# WordPress's wp_usermeta, exported: one field of a customer per row.
USERMETA = (
    "umeta_id,user_id,meta_key,meta_value\n"
    "1,7,nickname,lily\n"
    "2,7,billing_first_name,李娜\n"
    "3,7,billing_phone,13812341050\n"
    "4,7,billing_address_1,文三路90号3幢502\n"
    "5,7,db_password,S3cr3t!pw\n"
    "6,7,note,请致电13912345678\n"
    "7,8,billing_phone,\n"
    "8,8,db_password,NULL\n"
)


def test_a_key_value_table_masks_each_value_as_what_its_key_names(tmp_path: Path) -> None:
    """EAV and meta tables keep a person's fields in one value column: the phones were
    found by shape, while the name, the address without divisions and the password went
    out as they were."""
    src, dst = tmp_path / "usermeta.csv", tmp_path / "out.csv"
    src.write_text(USERMETA, "utf-8")
    report = redact(src, dst)
    # By hand: a name keeps its surname (a key naming a name field gives the engine its
    # context), a mobile its last 4 digits, an address without divisions is masked whole,
    # a password is six stars; the nickname stays.
    assert read_csv(dst) == [
        ["umeta_id", "user_id", "meta_key", "meta_value"],
        ["1", "7", "nickname", "lily"],
        ["2", "7", "billing_first_name", "李*"],
        ["3", "7", "billing_phone", "******1050"],
        ["4", "7", "billing_address_1", "****"],
        ["5", "7", "db_password", "******"],
        ["6", "7", "note", "请致电******5678"],
        ["7", "8", "billing_phone", ""],
        ["8", "8", "db_password", "NULL"],  # an export's "no value", as in a masked column
    ]
    (column,) = [c for c in report["columns"] if c["column"] == "meta_value"]  # type: ignore[attr-defined]
    assert (column["action"], column["key_column"], column["changed"]) == ("by_key", "meta_key", 5)
    assert column["evidence"][0] == "each value is what its row's meta_key names"
    # The same on worker processes, batch by batch.
    frame = pl.read_csv(src, infer_schema=False)
    masker = Masker()
    redactor = TableRedactor(masker)
    plan = redactor.plan(frame)
    spec = MaskerSpec(masker.policy.policy)
    batches = redactor.apply_batches(frame.lazy(), plan, jobs=2, spec=spec, batch_rows=2)
    rows = [tuple(v or "" for v in row) for row in pl.concat(list(batches)).rows()]
    assert rows == [tuple(r) for r in read_csv(dst)[1:]]


def test_a_name_and_value_table_without_a_sensitive_key_is_read_as_before(tmp_path: Path) -> None:
    src, dst = tmp_path / "prices.csv", tmp_path / "out.csv"
    src.write_text("name,value\n苹果,5.0\n手机壳,13.5\n", "utf-8")
    report = redact(src, dst)
    assert dst.read_text("utf-8") == "name,value\n苹果,5.0\n手机壳,13.5\n"
    assert [c["action"] for c in report["columns"]] == ["keep", "keep"]  # type: ignore[index]
