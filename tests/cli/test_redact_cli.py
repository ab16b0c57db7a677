"""``dataguard redact`` as a user runs it: dry runs, reports, exit codes, policies."""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import io
import json
import lzma
import random
import signal
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner, Result
from dataguard.cli.main import cli

import dataguard.redact
from dataguard.sources.tables import TableSource
from dataguard.testing import generators as gen

ORDERS = (
    "order_id,mobile,email,amount,remark\n"
    "6223286012904047966,13812341050,tt@163.com,12.50,电话 13912345678\n"
    "8251027346468695896,13912345678,zhang.wei@qq.com,99.00,无\n"
)


@pytest.fixture(autouse=True)
def _restore_sigterm() -> Iterator[None]:
    """``redact`` installs a SIGTERM handler; the test process gets its own back."""
    before = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, before)


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, ["redact", *map(str, args)])


def redact_lines(
    source: Path, lines: list[str], *options: object, ending: str = "\r\n", encoding: str = "gbk"
) -> tuple[Result, Path]:
    """Write *lines* into *source* (each ended by *ending*, in *encoding*), redact it into
    ``out`` beside it (a CSV into out.csv) with *options*; the result and the output."""
    source.write_bytes(ending.join([*lines, ""]).encode(encoding))
    out = source.with_name("out" + source.suffix)
    result = run(source, "-o", out, *options)
    assert result.exit_code == 0, result.output
    return result, out


def joined(lines: list[str], ending: str = "\r\n", encoding: str = "gbk") -> bytes:
    """*lines* as a file holds them: each ended by *ending*, in *encoding*."""
    return ending.join([*lines, ""]).encode(encoding)


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


# -- dry run and report -----------------------------------------------------------------


def test_dry_run_prints_the_plan_and_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "orders.csv"
    src.write_text(ORDERS, "utf-8")
    result = run(src, "-o", tmp_path / "out.csv", "--dry-run")
    assert result.exit_code == 0, result.output
    assert listing(tmp_path) == ["orders.csv"]
    report = json.loads(result.stdout)
    columns = report["columns"]
    assert [c["column"] for c in columns] == ["order_id", "mobile", "email", "amount", "remark"]
    for column in columns:
        assert {"action", "entity", "operator", "confidence", "evidence"} <= set(column)
    plan = {c["column"]: (c["action"], c["entity"]) for c in columns}
    assert plan == {
        "order_id": ("keep", None),
        "mobile": ("mask", "CN_MOBILE"),
        "email": ("mask", "EMAIL_ADDRESS"),
        "amount": ("keep", None),
        "remark": ("engine", None),
    }
    assert report["profile"] == "display"
    for value in ("13812341050", "13912345678", "tt@163.com", "zhang.wei@qq.com"):
        assert value not in result.output
    assert "would mask mobile as CN_MOBILE" in result.stderr


def test_dry_run_without_an_output(tmp_path: Path) -> None:
    src = tmp_path / "orders.csv"
    src.write_text(ORDERS, "utf-8")
    result = run(src, "--dry-run")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["output"] is None
    assert listing(tmp_path) == ["orders.csv"]


def test_no_output_and_no_dry_run_is_a_usage_error(tmp_path: Path) -> None:
    src = tmp_path / "orders.csv"
    src.write_text(ORDERS, "utf-8")
    result = run(src)
    assert result.exit_code == 2
    assert "-o" in result.output
    assert listing(tmp_path) == ["orders.csv"]


def _generated_export(rows: int, seed: int) -> tuple[list[list[str]], list[str]]:
    rng = random.Random(seed)
    table = [["order_id", "mobile", "id_card", "email", "address", "receiver", "amount"]]
    for _ in range(rows):
        table.append(
            [
                gen.order_number(rng),
                gen.mobile_digits(rng),
                gen.id_card(rng),
                gen.email(rng),
                gen.address(rng),
                gen.chinese_name(rng),
                f"{rng.randint(1000, 99999)}.{rng.randint(10, 99)}",
            ]
        )
    values = [v for row in table[1:] for v in row]
    return table, values


def test_report_holds_counts_per_column_and_no_value(tmp_path: Path) -> None:
    table, values = _generated_export(40, seed=4)
    src, dst, report_path = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "r.json"
    src.write_bytes(csv_bytes(table))
    result = run(src, "-o", dst, "--report", report_path)
    assert result.exit_code == 0, result.output
    text = report_path.read_text("utf-8")
    for value in values:
        assert value not in text, value
    for value in values:
        assert value not in result.output
    report = json.loads(text)
    assert report["rows"] == 40
    assert report["output"] == str(dst)
    columns = {c["column"]: c for c in report["columns"]}
    assert list(columns) == table[0]
    mobile = columns["mobile"]
    assert (mobile["action"], mobile["entity"]) == ("mask", "CN_MOBILE")
    assert mobile["values"] == mobile["changed"] == 40
    assert mobile["entities"] == {"CN_MOBILE": 40}
    for name in ("id_card", "email", "address"):
        assert columns[name]["changed"] == 40, name
    for name in ("order_id", "amount"):
        assert (columns[name]["action"], columns[name]["changed"]) == ("keep", 0)
    assert "40 rows" in result.stderr


def test_report_of_a_dry_run(tmp_path: Path) -> None:
    src, report_path = tmp_path / "in.csv", tmp_path / "plan.json"
    src.write_text(ORDERS, "utf-8")
    result = run(src, "--dry-run", "--report", report_path)
    assert result.exit_code == 0, result.output
    assert listing(tmp_path) == ["in.csv", "plan.json"]
    assert (
        json.loads(report_path.read_text("utf-8"))["columns"]
        == json.loads(result.stdout)["columns"]
    )


# -- safety -----------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["same", "dotted"])
def test_output_equal_to_input_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spelling: str
) -> None:
    src = tmp_path / "orders.csv"
    src.write_text(ORDERS, "utf-8")
    monkeypatch.chdir(tmp_path)
    target = src if spelling == "same" else Path(".") / "sub" / ".." / "orders.csv"
    (tmp_path / "sub").mkdir()
    result = run(src, "-o", target, "--force")
    assert result.exit_code == 2
    assert "input" in result.output
    assert src.read_text("utf-8") == ORDERS
    assert listing(tmp_path) == ["orders.csv", "sub"]


def test_existing_output_needs_force(tmp_path: Path) -> None:
    src, dst = tmp_path / "orders.csv", tmp_path / "out.csv"
    src.write_text(ORDERS, "utf-8")
    dst.write_text("old\n", "utf-8")
    result = run(src, "-o", dst)
    assert result.exit_code == 2
    assert "--force" in result.output
    assert dst.read_text("utf-8") == "old\n"
    assert listing(tmp_path) == ["orders.csv", "out.csv"]
    result = run(src, "-o", dst, "--force")
    assert result.exit_code == 0, result.output
    assert dst.read_text("utf-8").splitlines()[1] == (
        "6223286012904047966,******1050,tt**@1**.com,12.50,电话 ******5678"
    )
    assert listing(tmp_path) == ["orders.csv", "out.csv"]


@pytest.mark.parametrize(
    ("suffix", "compress", "decompress"),
    [
        (".gz", gzip.compress, gzip.decompress),
        (".bz2", bz2.compress, bz2.decompress),
        (".xz", lzma.compress, lzma.decompress),
    ],
)
def test_a_compressed_export_is_redacted_into_a_compressed_copy(
    tmp_path: Path, suffix: str, compress: Callable[[bytes], bytes], decompress: Any
) -> None:
    src, dst = tmp_path / f"orders.csv{suffix}", tmp_path / f"out.csv{suffix}"
    src.write_bytes(compress(ORDERS.encode()))
    result = run(src, "-o", dst, "--report", tmp_path / "report.json")
    assert result.exit_code == 0, result.output
    assert decompress(dst.read_bytes()).decode().splitlines() == [
        "order_id,mobile,email,amount,remark",
        "6223286012904047966,******1050,tt**@1**.com,12.50,电话 ******5678",
        "8251027346468695896,******5678,zh**@q**.com,99.00,无",
    ]
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["input"] == str(src)
    assert report["input_compression"] == report["output_compression"]
    # The decompressed copy beside the output is gone.
    assert listing(tmp_path) == sorted([src.name, dst.name, "report.json"])


def test_compressed_output_is_the_same_bytes_on_every_run(tmp_path: Path) -> None:
    src = tmp_path / "orders.csv"
    src.write_text(ORDERS, "utf-8")
    first, second = tmp_path / "a.csv.gz", tmp_path / "b.csv.gz"
    assert run(src, "-o", first).exit_code == 0
    assert run(src, "-o", second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert gzip.decompress(first.read_bytes()).decode().count("******") == 3


def test_the_magic_bytes_tell_a_compressed_export_whatever_its_name(tmp_path: Path) -> None:
    src, dst = tmp_path / "orders.csv", tmp_path / "out.csv"
    src.write_bytes(gzip.compress(b"mobile\n13812341050\n"))
    result = run(src, "-o", dst)
    assert result.exit_code == 0, result.output
    assert dst.read_text("utf-8") == "mobile\n******1050\n"


def test_a_truncated_compressed_export_writes_nothing(tmp_path: Path) -> None:
    src, dst = tmp_path / "orders.csv.gz", tmp_path / "out.csv"
    src.write_bytes(gzip.compress(ORDERS.encode() * 50)[:200])
    result = run(src, "-o", dst)
    assert result.exit_code == 2
    assert "orders.csv.gz: the gzip data is truncated or corrupt" in result.stderr
    assert listing(tmp_path) == ["orders.csv.gz"]


def test_a_bad_record_in_a_compressed_export_names_the_file_given(tmp_path: Path) -> None:
    src, dst = tmp_path / "orders.csv.gz", tmp_path / "out.csv"
    src.write_bytes(gzip.compress('id,name\n1,"张三\n2,x"y\n'.encode()))
    result = run(src, "-o", dst)
    assert result.exit_code == 2
    assert "orders.csv.gz (decompressed): not valid CSV: record 2" in result.stderr
    assert "张三" not in result.stderr
    assert listing(tmp_path) == ["orders.csv.gz"]


def test_compressions_not_read_or_written_are_refused_saying_what_to_do(tmp_path: Path) -> None:
    zst = tmp_path / "orders.csv.zst"
    zst.write_bytes(b"\x28\xb5\x2f\xfd" + b"\0" * 16)
    result = run(zst, "-o", tmp_path / "out.csv")
    assert result.exit_code == 2
    assert "zstdcat orders.csv.zst > orders.csv" in result.stderr
    src = tmp_path / "orders.csv"
    src.write_text(ORDERS, "utf-8")
    result = run(src, "-o", tmp_path / "out.csv.zst")
    assert result.exit_code == 2
    assert "cannot write zstd; name it .gz, .bz2 or .xz" in result.stderr
    result = run(src, "-o", tmp_path / "out.parquet.gz")
    assert result.exit_code == 2
    assert "parquet is compressed inside already" in result.stderr
    assert listing(tmp_path) == ["orders.csv", "orders.csv.zst"]


def test_jsonl_gz_is_redacted_line_by_line(tmp_path: Path) -> None:
    src, dst = tmp_path / "events.jsonl.gz", tmp_path / "out.jsonl.gz"
    src.write_bytes(
        gzip.compress(b'{"mobile": "13812341050", "n": 1}\n{"mobile": "13912345678"}\n')
    )
    result = run(src, "-o", dst)
    assert result.exit_code == 0, result.output
    assert gzip.decompress(dst.read_bytes()) == (
        b'{"mobile": "******1050", "n": 1}\n{"mobile": "******5678"}\n'
    )


def test_a_database_table_is_written_compressed(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE members (id INTEGER, mobile TEXT)")
        conn.execute("INSERT INTO members VALUES (1, '13812341050')")
    dst = tmp_path / "members.csv.xz"
    result = run("--from-db", f"sqlite:///{db}", "--table", "members", "-o", dst)
    assert result.exit_code == 0, result.output
    assert lzma.decompress(dst.read_bytes()).decode() == "id,mobile\n1,******1050\n"


def test_a_ragged_row_is_refused_naming_the_record(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("mobile,x\n13812341050,1\n13912345678,1,2\n15000001234,3\n", "utf-8")
    result = run(src, "-o", dst)
    assert result.exit_code == 2
    assert "record 3" in result.output
    assert "13912345678" not in result.output  # the row is located, not quoted
    assert listing(tmp_path) == ["in.csv"]


# A bad quote in each form polars refuses: (bytes, message). The record counts the header
# as record 1, as the field-count messages do; the byte is the quote's, from 0.
BAD_QUOTES = {
    "unterminated": (
        b'mobile,x\n13812341050,1\n13912345678,"abc\n15000001234,2\n',
        "record 3 opens a quoted field that is never closed (line 3, byte 35); "
        "it would take in the rest of the file",
    ),
    "unterminated-at-the-end": (
        b'mobile,x\n13812341050,1\n13912345678,"abc',
        "record 3 opens a quoted field that is never closed (line 3, byte 35)",
    ),
    "stray-quote": (
        b'mobile,x\n13812341050,1\n13912345678,a"bc\n15000001234,2\n',
        "record 3 has a stray quote inside an unquoted field (line 3, byte 36); "
        "quote the field and double the quote (RFC 4180)",
    ),
    "text-after-the-closing-quote": (
        b'mobile,x\n13812341050,1\n13912345678,"ab"c\n15000001234,2\n',
        "record 3 has text after the closing quote of a quoted field (line 3, byte 38); "
        "a quote inside a quoted field must be doubled (RFC 4180)",
    ),
    # Polars reads this one without an error, as 345: the file is checked before it is read.
    "text-after-the-closing-quote-read-silently": (
        b'mobile,x\n13812341050,1\n13912345678,"3"4"5"\n15000001234,2\n',
        "record 3 has text after the closing quote of a quoted field (line 3, byte 37)",
    ),
    "after-a-multi-line-field": (
        b'mobile,x\n13812341050,"a\nb"\n13912345678,"abc\n',
        "record 3 opens a quoted field that is never closed (line 4, byte 39)",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_QUOTES))
@pytest.mark.parametrize("dry_run", [False, True], ids=["run", "dry-run"])
def test_bad_quotes_are_refused_naming_the_record_and_byte(
    tmp_path: Path, case: str, dry_run: bool
) -> None:
    data, says = BAD_QUOTES[case]
    src = tmp_path / "in.csv"
    src.write_bytes(data)
    result = run(src, *(["--dry-run"] if dry_run else ["-o", tmp_path / "out.csv"]))
    assert result.exit_code == 2, result.output
    assert f"in.csv: not valid CSV: {says}" in result.output
    for value in ("13912345678", "13812341050", "abc"):
        assert value not in result.output  # located, not quoted
    assert "Traceback" not in result.output
    assert listing(tmp_path) == ["in.csv"]


def test_quotes_polars_reads_as_characters_are_kept(tmp_path: Path) -> None:
    """``ab"c"d`` in an unquoted field: RFC 4180 forbids it, polars reads the quotes as
    characters when they pair up, and so they are written back (quoted, as RFC 4180 says)."""
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(b'note,x\nab"c"d,1\n')
    result = run(src, "-o", dst)
    assert result.exit_code == 0, result.output
    assert dst.read_bytes() == b'note,x\n"ab""c""d",1\n'


def test_a_short_row_is_refused_too(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("mobile,x\n13812341050\n13912345678,1\n", "utf-8")
    result = run(src, "-o", dst)
    assert result.exit_code == 2
    assert "record 2 has 1 fields where the header has 2" in result.output
    assert "13812341050" not in result.output  # located, not quoted
    assert "Traceback" not in result.output
    assert listing(tmp_path) == ["in.csv"]


# A short record in each spelling of CSV the reader takes: (file name, bytes, message).
SHORT_ROWS = {
    "crlf": ("in.csv", b"mobile,x\r\n13812341050,1\r\n13912345678\r\n", "record 3 has 1 fields"),
    "bom": (
        "in.csv",
        b"\xef\xbb\xbfmobile,x\n13812341050,1\n13912345678\n",
        "record 3 has 1 fields",
    ),
    "tsv": ("in.tsv", b"mobile\tx\n13812341050\t1\n13912345678\n", "record 3 has 1 fields"),
    "gb18030": (
        "in.csv",
        "mobile,备注,x\n13812341050,无,1\n13912345678,刘䶮\n".encode("gb18030"),
        "record 3 has 2 fields where the header has 3",
    ),
    # records, not lines: the quoted field's newline does not move the count
    "after-embedded-newline": (
        "in.csv",
        b'mobile,x\n13812341050,"a\nb, c"\n13912345678\n',
        "record 3 has 1 fields",
    ),
    "quoted-comma-is-one-field": (
        "in.csv",
        b'mobile,x,y\n13812341050,1,2\n"13912345678,1",2\n',
        "record 3 has 2 fields where the header has 3",
    ),
    "quoted-empty-then-missing": (
        "in.csv",
        b'mobile,x,y\n13812341050,1,2\n13912345678,""\n',
        "record 3 has 2 fields where the header has 3",
    ),
    "last-line-without-newline": ("in.csv", b"mobile,x\n13812341050,1\n13912345678", "record 3"),
    "blank-line": (
        "in.csv",
        b"mobile,x\n13812341050,1\n\n13912345678,2\n",
        "record 3 is a blank line where the header has 2 fields",
    ),
    "blank-line-before-blank-lines-at-the-end": (
        "in.csv",
        b"mobile,x\n13812341050,1\n\n13912345678\n\n\n",
        "record 3 is a blank line where the header has 2 fields",
    ),
}


@pytest.mark.parametrize(
    "data",
    [
        b"mobile,x\n13812341050,1\n13912345678,2\n\n",
        b"mobile,x\r\n13812341050,1\r\n13912345678,2\r\n\r\n\r\n",
        "mobile,备注\n13812341050,无\n13912345678,刘䶮\n\n".encode("gb18030"),
    ],
    ids=["lf", "crlf", "gb18030"],
)
def test_blank_lines_at_the_end_are_no_records(tmp_path: Path, data: bytes) -> None:
    """They are left out: the output and the report have the file's two records."""
    src, dst, report = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "report.json"
    src.write_bytes(data)
    dry = run(src, "--dry-run")
    assert dry.exit_code == 0, dry.output
    result = run(src, "-o", dst, "--report", report)
    assert result.exit_code == 0, result.output
    assert json.loads(report.read_text("utf-8"))["rows"] == 2
    ending = b"\r\n" if b"\r\n" in data else b"\n"
    lines = dst.read_bytes().split(ending)
    assert len(lines) == 4  # the header, two records, and after the last line break
    assert lines[-1] == b""  # nothing: no empty record
    assert b"13812341050" not in dst.read_bytes()


@pytest.mark.parametrize("case", sorted(SHORT_ROWS))
@pytest.mark.parametrize("dry_run", [False, True], ids=["run", "dry-run"])
def test_short_rows_are_refused_in_every_spelling(tmp_path: Path, case: str, dry_run: bool) -> None:
    name, data, says = SHORT_ROWS[case]
    src = tmp_path / name
    src.write_bytes(data)
    result = run(src, *(["--dry-run"] if dry_run else ["-o", tmp_path / f"out{src.suffix}"]))
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert "13912345678" not in result.output
    assert "13812341050" not in result.output
    assert "Traceback" not in result.output
    assert listing(tmp_path) == [name]


# A bad record after 3,000 good ones: (its line, the message; {at}: the offset of its quote).
BEYOND_THE_SAMPLE = {
    "short-row": (b"13912345678\n", "record 3002 has 1 fields where the header has 2"),
    "stray-quote": (
        b'13912345678,a"b\n',
        "record 3002 has a stray quote inside an unquoted field (line 3002, byte {at})",
    ),
}


@pytest.mark.parametrize("case", sorted(BEYOND_THE_SAMPLE))
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_bad_record_outside_the_sample_is_refused_while_streaming(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int, case: str
) -> None:
    """The sample is clean; the batch holding the bad record refuses it, on one process or
    with worker processes (the batch is checked here before it is handed out)."""

    def clean_head(source: TableSource, rows: int, seed: int) -> pl.DataFrame:
        return source.frame.head(10).collect()

    monkeypatch.setattr(dataguard.redact, "sample_rows", clean_head)
    monkeypatch.setattr(dataguard.redact, "BATCH_ROWS", 0)  # reach the workers on 3,000 rows
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    bad, says = BEYOND_THE_SAMPLE[case]
    rows = [["mobile", "x"]] + [[f"1381234{i:04d}", "1"] for i in range(3000)]
    head = csv_bytes(rows)
    src.write_bytes(head + bad + csv_bytes(rows[1:20]))
    result = run(src, "-o", dst, "--jobs", jobs)
    assert result.exit_code == 2, result.output
    assert says.format(at=len(head) + bad.find(b'"')) in result.output
    assert "13912345678" not in result.output
    assert listing(tmp_path) == ["in.csv"]


@pytest.mark.parametrize("ending", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("separator", [",", "\t"], ids=["csv", "tsv"])
def test_empty_fields_are_written_back_as_they_were(
    tmp_path: Path, ending: str, separator: str
) -> None:
    """Unquoted empty fields stay unquoted, quoted ones ``""`` stay quoted, in every column:
    an empty last column is not a short row."""
    suffix = ".csv" if separator == "," else ".tsv"
    src, dst = tmp_path / f"in{suffix}", tmp_path / f"out{suffix}"
    lines = [
        ["id", "mobile", "remark"],
        ["1", "13812341050", ""],
        ["2", "", '""'],
        ["3", '""', "x"],
        ["4", "13912345678", ""],
        ["", "", ""],
    ]
    src.write_bytes("".join(separator.join(row) + ending for row in lines).encode("utf-8"))
    result = run(src, "-o", dst)
    assert result.exit_code == 0, result.output
    masked = [row[:] for row in lines]
    masked[1][1], masked[4][1] = "******1050", "******5678"
    expected = "".join(separator.join(row) + ending for row in masked).encode("utf-8")
    assert dst.read_bytes() == expected


def test_blank_lines_in_a_one_column_file_are_empty_values(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(b"mobile\n13812341050\n\n13912345678\n\n")
    result = run(src, "-o", dst)
    assert result.exit_code == 0, result.output
    assert dst.read_bytes() == b"mobile\n******1050\n\n******5678\n\n"


def test_a_missing_input(tmp_path: Path) -> None:
    result = run(tmp_path / "nope.csv", "-o", tmp_path / "out.csv")
    assert result.exit_code == 2
    assert "no such file" in result.output
    assert listing(tmp_path) == []


@pytest.mark.parametrize("which", ["broken", "csv-to-xlsx", "xls"])
def test_unusable_excel_is_refused_clearly(tmp_path: Path, which: str) -> None:
    csv_path, xlsx = tmp_path / "orders.csv", tmp_path / "orders.xlsx"
    csv_path.write_text(ORDERS, "utf-8")
    if which == "broken":
        pytest.importorskip("fastexcel", reason="pip install 'dataguard[excel]'")
        xlsx.write_bytes(b"PK\x03\x04 not really a workbook")
        result = run(xlsx, "-o", tmp_path / "out.xlsx")
        expected, says = ["orders.csv", "orders.xlsx"], "not a readable .xlsx"
    elif which == "xls":
        legacy = tmp_path / "orders.xls"
        legacy.write_bytes(b"\xd0\xcf\x11\xe0 legacy")
        result = run(legacy, "-o", tmp_path / "out.xls")
        expected, says = ["orders.csv", "orders.xls"], "legacy .xls"
    else:
        result = run(csv_path, "-o", xlsx)
        expected, says = ["orders.csv"], "redacted to .xlsx only"
    assert result.exit_code == 2
    assert says in result.output
    assert "Traceback" not in result.output
    assert listing(tmp_path) == expected


def test_an_xlsx_workbook_is_redacted_sheet_by_sheet(tmp_path: Path) -> None:
    import polars as pl

    xlsxwriter = pytest.importorskip("xlsxwriter", reason="pip install 'dataguard[excel]'")
    pytest.importorskip("fastexcel", reason="pip install 'dataguard[excel]'")

    source = tmp_path / "book.xlsx"
    with xlsxwriter.Workbook(str(source)) as book:
        pl.DataFrame({"姓名": ["张三"], "手机": ["13812341050"], "金额": [1.5]}).write_excel(
            book, worksheet="订单"
        )
        pl.DataFrame({"email": ["tt@163.com"], "备注": ["客户电话13912345678"]}).write_excel(
            book, worksheet="客户"
        )
    out = tmp_path / "out.xlsx"
    result = run(source, "-o", out)
    assert result.exit_code == 0, result.output
    sheets = pl.read_excel(out, sheet_id=0)
    assert list(sheets) == ["订单", "客户"]
    assert sheets["订单"].rows() == [("张*", "******1050", 1.5)]
    assert sheets["客户"].rows() == [("tt**@1**.com", "客户电话******5678")]


def test_an_xlsx_sheets_title_rows_are_read_as_such_and_written_back(tmp_path: Path) -> None:
    """A merged title cell above the header (客户信息导出) was read as the header: the real
    header became a row of data, masked as one (姓*, ******), and the output's header
    was the title and __UNNAMED__1, __UNNAMED__2."""
    import polars as pl

    xlsxwriter = pytest.importorskip("xlsxwriter", reason="pip install 'dataguard[excel]'")
    pytest.importorskip("fastexcel", reason="pip install 'dataguard[excel]'")

    source = tmp_path / "book.xlsx"
    with xlsxwriter.Workbook(str(source)) as book:
        sheet = book.add_worksheet("订单")
        sheet.merge_range(0, 0, 0, 2, "客户信息导出（2026年11月）")
        sheet.write_row(1, 0, ["制表人：张三丰"])
        sheet.write_row(3, 0, ["姓名", "手机", "金额"])  # a blank row above the header
        sheet.write_row(4, 0, ["李四", "13812341050", 1.5])
        sheet.write_row(5, 0, ["王五", "13912345678", 2])
        plain = book.add_worksheet("客户")
        plain.write_row(0, 0, ["email", "备注"])
        plain.write_row(1, 0, ["tt@163.com", "VIP"])
    out = tmp_path / "out.xlsx"
    result = run(source, "-o", out, "--report", tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    assert pl.read_excel(out, sheet_id=0).keys() == {"订单", "客户"}
    orders = pl.read_excel(out, sheet_name="订单", read_options={"header_row": 3})
    assert orders.columns == ["姓名", "手机", "金额"]
    assert orders.rows() == [("李*", "******1050", 1.5), ("王*", "******5678", 2.0)]
    raw = pl.read_excel(out, sheet_name="订单", has_header=False, drop_empty_rows=False)
    # The title rows as they were, the maker's name masked (a name keeps its surname).
    assert raw.head(3).rows() == [
        ("客户信息导出（2026年11月）", None, None),
        ("制表人：张**", None, None),
        (None, None, None),
    ]
    assert pl.read_excel(out, sheet_name="客户").rows() == [("tt**@1**.com", "VIP")]
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert report["sheets"] == [
        {"sheet": "订单", "rows": 2, "title_lines": 3},
        {"sheet": "客户", "rows": 1},
    ]


def test_an_xlsx_cell_of_another_kind_below_the_first_rows_is_kept(tmp_path: Path) -> None:
    # calamine types a column from its cells and nulls the odd ones out: a phone typed as
    # text among numeric ones, and "n/a" among amounts, used to vanish from the copy.
    import polars as pl

    xlsxwriter = pytest.importorskip("xlsxwriter", reason="pip install 'dataguard[excel]'")
    pytest.importorskip("fastexcel", reason="pip install 'dataguard[excel]'")

    source = tmp_path / "book.xlsx"
    with xlsxwriter.Workbook(str(source)) as book:
        sheet = book.add_worksheet("订单")
        sheet.write_row(0, 0, ["id", "手机", "金额"])
        for row in range(1, 1500):
            sheet.write_row(row, 0, [row, 13812341050, 1.5])
        sheet.write_row(1500, 0, [1500, "139-8765-4321", "n/a"])
    out = tmp_path / "out.xlsx"
    result = run(source, "-o", out)
    assert result.exit_code == 0, result.output
    frame = pl.read_excel(out)
    assert frame.height == 1500
    assert frame["金额"].dtype == pl.String  # the only lossless type for 1.5 and "n/a"
    last = frame.row(-1)
    assert last[2] == "n/a"
    assert last[1].endswith("4321")
    assert "8765" not in last[1]
    assert frame.row(0)[1:] == ("******1050", "1.5")


@pytest.mark.parametrize("separator", [";", "|"])
def test_a_semicolon_or_pipe_separated_export_is_read_by_column_and_kept(
    tmp_path: Path, separator: str
) -> None:
    # Read with commas it was one text column: the 姓名 header was lost and the names in it
    # went out unmasked (mobiles were still found by shape).
    rows = [["id", "姓名", "手机", "备注"], ["1", "张三", "13812341050", "电话13912345678"],
            ["2", "欧阳娜娜", "13987654321", f"a{separator}b"]]  # fmt: skip
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\n").writerows(rows)
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(buffer.getvalue(), "utf-8")
    result = run(source, "-o", out, "--report", tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    assert f"read as {separator}-separated values" in result.stderr
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["separator"] == separator
    written = list(csv.reader(io.StringIO(out.read_text("utf-8")), delimiter=separator))
    assert written == [
        ["id", "姓名", "手机", "备注"],
        ["1", "张*", "******1050", "电话******5678"],
        ["2", "欧阳**", "******4321", f"a{separator}b"],
    ]


def test_the_separator_option_overrides_detection(tmp_path: Path) -> None:
    source, out = tmp_path / "in.txt", tmp_path / "out.txt"
    source.write_text("id|phone\n1|13812341050\n", "utf-8")
    result = run(source, "--from", "csv", "--separator", "|", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8") == "id|phone\n1|******1050\n"
    result = run(source, "--from", "csv", "--separator", "||", "-o", tmp_path / "x.txt")
    assert result.exit_code == 2
    assert "one character" in result.output


def test_a_binary_column_is_refused_by_name_unless_the_policy_keeps_it(tmp_path: Path) -> None:
    # It failed as "not valid PARQUET: polars could not read it" on a valid file.
    import polars as pl

    source = tmp_path / "in.parquet"
    blobs = pl.Series([b"\xe7\x94\xb5\xe8\xaf\x9d13812341050", b"\x00\xff"], dtype=pl.Binary)
    pl.DataFrame({"phone": ["13812341050", "13912345678"], "blob": blobs}).write_parquet(source)
    out = tmp_path / "out.parquet"
    result = run(source, "-o", out)
    assert result.exit_code == 2
    assert "column 'blob' is binary" in result.stderr
    assert "13812341050" not in result.output
    assert not out.exists()
    policy = tmp_path / "keep.toml"
    policy.write_text('[fields.blob]\noperator = "keep"\n', "utf-8")
    result = run(source, "-o", out, "-p", policy)
    assert result.exit_code == 0, result.output
    written = pl.read_parquet(out)
    assert written["blob"].dtype == pl.Binary
    assert written["blob"].to_list() == blobs.to_list()
    assert written["phone"].to_list() == ["******1050", "******5678"]
    result = run(source, "-o", tmp_path / "out.csv", "-p", policy)
    assert result.exit_code == 2
    assert "CSV cannot hold bytes" in result.stderr


def test_binary_columns_holding_text_are_redacted_with_binary_as_text(tmp_path: Path) -> None:
    # Impala and old Hive wrote Parquet strings as plain BYTE_ARRAY: every text column of
    # such a file was refused as binary, with no way to mask it.
    import polars as pl

    source, out = tmp_path / "impala.parquet", tmp_path / "out.parquet"
    remarks = ["客户电话13912345678".encode(), b"", None]
    frame = pl.DataFrame(
        {
            "name": pl.Series(["张三".encode(), "李四".encode(), "王五".encode()], dtype=pl.Binary),
            "remark": pl.Series(remarks, dtype=pl.Binary),
            "photo": pl.Series([b"\x89PNG\r\n\x1a\n\xff", None, None], dtype=pl.Binary),
        }
    )
    frame.write_parquet(source)
    result = run(source, "-o", out)
    assert result.exit_code == 2
    assert "--binary-as-text" in result.stderr
    # The photo is no text: the run stops, naming the column, until the policy keeps it.
    result = run(source, "-o", out, "--binary-as-text")
    assert result.exit_code == 2
    assert "'photo'" in result.stderr
    assert "not UTF-8" in result.stderr
    assert not out.exists()
    policy = tmp_path / "keep.toml"
    policy.write_text('[fields.photo]\noperator = "keep"\n', "utf-8")
    result = run(source, "-o", out, "--binary-as-text", "-p", policy)
    assert result.exit_code == 0, result.output
    written = pl.read_parquet(out)
    assert [written[c].dtype for c in written.columns] == [pl.Binary] * 3  # the same types
    assert written["name"].to_list() == ["张*".encode(), "李*".encode(), "王*".encode()]
    assert written["remark"].to_list() == ["客户电话******5678".encode(), b"", None]
    assert written["photo"].to_list() == frame["photo"].to_list()
    # Into CSV the text is text (the kept photo cannot go there).
    frame.drop("photo").write_parquet(source)
    result = run(source, "-o", tmp_path / "out.csv", "--binary-as-text")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.csv").read_text("utf-8").splitlines() == [
        "name,remark",
        "张*,客户电话******5678",
        '李*,""',
        "王*,",
    ]


def test_a_zip_archive_is_named_as_one(tmp_path: Path) -> None:
    # Exports are often handed over zipped: "cannot tell the format" said nothing useful.
    import zipfile

    for name in ("export.zip", "export.dat"):
        archive = tmp_path / name
        with zipfile.ZipFile(archive, "w") as z:
            z.writestr("orders.csv", ORDERS)
        result = run(archive, "-o", tmp_path / "out.csv")
        assert result.exit_code == 2
        assert f"{name} is a zip archive: extract it (unzip {name})" in result.stderr


def test_an_unknown_extension_asks_for_the_format(tmp_path: Path) -> None:
    src = tmp_path / "orders.dat"
    src.write_text(ORDERS, "utf-8")
    result = run(src, "-o", tmp_path / "out.dat")
    assert result.exit_code == 2
    assert "--from" in result.output
    result = run(src, "-o", tmp_path / "out.dat", "--from", "csv", "--to", "csv")
    assert result.exit_code == 0, result.output
    assert "******1050" in (tmp_path / "out.dat").read_text("utf-8")


def test_the_report_never_overwrites_the_input(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text(ORDERS, "utf-8")
    result = run(src, "-o", dst, "--report", src)
    assert src.read_text("utf-8") == ORDERS
    assert result.exit_code == 2


# -- policies ---------------------------------------------------------------------------


def test_a_policy_pins_a_column_and_exempts_another(tmp_path: Path) -> None:
    src, dst, policy = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "policy.toml"
    src.write_text(
        "buyer_f1,remark,mobile\n"
        "garbage42x,买家电话 13812341050,13812341050\n"
        "unknown,地址 浙江省杭州市西湖区文三路90号1幢,13912345678\n"
        "待确认电话号码,无,15000001234\n",
        "utf-8",
    )
    policy.write_text(
        '[keys]\nbuyer_f1 = "CN_MOBILE"\n\n[fields.remark]\noperator = "keep"\n', "utf-8"
    )
    # Without the policy: buyer_f1 holds nothing a pattern finds, remark goes to the engine.
    plain = run(src, "--dry-run")
    assert plain.exit_code == 0, plain.output
    before = {c["column"]: c["action"] for c in json.loads(plain.stdout)["columns"]}
    assert before == {"buyer_f1": "keep", "remark": "engine", "mobile": "mask"}

    result = run(src, "-o", dst, "-p", policy, "--report", tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    assert dst.read_text("utf-8") == (
        "buyer_f1,remark,mobile\n"
        "******e42x,买家电话 13812341050,******1050\n"
        # "unknown" says there is no value: it stays (a placeholder word, as NULL or N/A).
        "unknown,地址 浙江省杭州市西湖区文三路90号1幢,******5678\n"
        "******电话号码,无,******1234\n"
    )
    columns = {c["column"]: c for c in json.loads((tmp_path / "r.json").read_text())["columns"]}
    assert (columns["buyer_f1"]["action"], columns["buyer_f1"]["entity"]) == (
        "mask",
        "CN_MOBILE",
    )
    assert columns["buyer_f1"]["pinned"] is True
    assert columns["buyer_f1"]["changed"] == 2  # not "unknown"
    assert (columns["remark"]["action"], columns["remark"]["pinned"]) == ("keep", True)
    assert columns["remark"]["changed"] == 0


def test_a_bad_policy_file_is_a_usage_error(tmp_path: Path) -> None:
    src, policy = tmp_path / "in.csv", tmp_path / "policy.toml"
    src.write_text(ORDERS, "utf-8")
    policy.write_text("[keys\nbuyer_f1 = ", "utf-8")
    result = run(src, "-o", tmp_path / "out.csv", "-p", policy)
    assert result.exit_code == 2
    assert listing(tmp_path) == ["in.csv", "policy.toml"]


# -- line endings and header lines ------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_bare_cr_line_endings_are_read_and_kept(tmp_path: Path, encoding: str) -> None:
    # "CSV (Macintosh)": polars splits records at LF only, so it read the whole file as a
    # header of six columns and no rows, and the phones went out as they came in.
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes("id,mobile,备注\r1,13812341050,a\r2,13912345678,b\r".encode(encoding))
    result = run(src, "-o", dst)
    assert result.exit_code == 0, result.output
    expected = "id,mobile,备注\r1,******1050,a\r2,******5678,b\r".encode(encoding)
    assert dst.read_bytes() == expected
    assert "2 rows" in result.stderr


def test_a_header_holding_personal_data_is_refused(tmp_path: Path) -> None:
    # A file without a header line: its first record was taken for column names, so it
    # was never redacted, and its values were printed in the summary.
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("1,13812341050,a\n2,13912345678,b\n", "utf-8")
    result = run(src, "-o", dst)
    assert result.exit_code == 2, result.output
    assert "column 2 of the header holds a CN_MOBILE value" in result.output
    assert "--no-header" in result.output
    assert "13812341050" not in result.output
    assert listing(tmp_path) == ["in.csv"]


@pytest.mark.parametrize(("name", "separator"), [("in.csv", ","), ("in.tsv", "\t")])
def test_no_header_reads_every_line_as_a_record(tmp_path: Path, name: str, separator: str) -> None:
    src, dst, report = tmp_path / name, tmp_path / f"out{name[2:]}", tmp_path / "r.json"
    lines = [["1", "13812341050", "a"], ["2", "13912345678", "b"]]
    src.write_text("".join(separator.join(row) + "\n" for row in lines), "utf-8")
    result = run(src, "--no-header", "-o", dst, "--report", report)
    assert result.exit_code == 0, result.output
    masked = [["1", "******1050", "a"], ["2", "******5678", "b"]]
    assert dst.read_text("utf-8") == "".join(separator.join(row) + "\n" for row in masked)
    columns = {c["column"]: c for c in json.loads(report.read_text("utf-8"))["columns"]}
    assert list(columns) == ["column_1", "column_2", "column_3"]
    assert columns["column_2"]["entity"] == "CN_MOBILE"
    assert json.loads(report.read_text("utf-8"))["rows"] == 2


def test_a_header_of_data_repeating_a_value_is_refused_by_position(tmp_path: Path) -> None:
    # A data line read as the header, its phone twice: refused as data in the header,
    # by position; the value never reaches the message.
    src = tmp_path / "in.csv"
    src.write_text("13812341050,x,13812341050\n1,2,3\n", "utf-8")
    result = run(src, "-o", tmp_path / "out.csv")
    assert result.exit_code == 2
    assert "column 1 of the header holds a CN_MOBILE value" in result.output
    assert "13812341050" not in result.output


def test_a_sheet_whose_header_holds_personal_data_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("xlsxwriter")
    src, dst = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    pl.DataFrame({"13812341050": ["13912345678"], "a": ["b"]}).write_excel(src)
    result = run(src, "-o", dst)
    assert result.exit_code == 2, result.output
    assert "column 1 of the header holds a CN_MOBILE value" in result.output
    assert "give it a header row" in result.output
    assert "13812341050" not in result.output
    assert listing(tmp_path) == ["in.xlsx"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_excel_unicode_text_is_read_and_written_in_utf16_with_one_bom(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    # Excel's "Unicode text" export: tab-separated UTF-16 with a byte order mark, CRLF. It
    # was refused ("neither UTF-8 nor GB18030"); with --encoding utf-16 every batch began
    # with another byte order mark. 不 and 上 hold the bytes 0D and 0A in UTF-16.
    monkeypatch.setattr("dataguard.mask.table.BATCH_ROWS", 2)
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    rows = [f"{i}\t1381234{i:04d}\t不在家上午送" for i in range(5)]
    src, dst = tmp_path / "in.tsv", tmp_path / "out.tsv"
    src.write_bytes(
        bom + ("id\tmobile\tnote\r\n" + "".join(r + "\r\n" for r in rows)).encode(encoding)
    )
    result = run(src, "-o", dst)
    assert result.exit_code == 0, result.output
    masked = [f"{i}\t******{i:04d}\t不在家上午送" for i in range(5)]
    expected = "id\tmobile\tnote\r\n" + "".join(r + "\r\n" for r in masked)
    assert dst.read_bytes() == bom + expected.encode(encoding)


def test_an_encoding_with_its_own_mark_writes_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dataguard.mask.table.BATCH_ROWS", 2)
    text = "id,mobile\n" + "".join(f"{i},1381234{i:04d}\n" for i in range(5))
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(text.encode("utf-16"))
    result = run(src, "-o", dst, "--encoding", "utf-16")
    assert result.exit_code == 0, result.output
    masked = "id,mobile\n" + "".join(f"{i},******{i:04d}\n" for i in range(5))
    assert dst.read_bytes() == masked.encode("utf-16")  # one mark, at the start


def test_a_header_only_file_keeps_its_byte_order_mark(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(codecs.BOM_UTF8 + b"id,mobile\n")
    result = run(src, "-o", dst)
    assert result.exit_code == 0, result.output
    assert dst.read_bytes() == codecs.BOM_UTF8 + b"id,mobile\n"


def test_nested_parquet_columns_it_cannot_mask_are_refused_by_name(tmp_path: Path) -> None:
    # It used to fail deep in the run as "not valid PARQUET" although the file is fine.
    # Structs, lists of scalars and lists of structs are masked (tests/redact/
    # test_nested.py); a list of lists is not.
    src, dst = tmp_path / "in.parquet", tmp_path / "out.parquet"
    contacts = [[["13812341050", "张三"]]]
    pl.DataFrame({"id": [1], "contacts": contacts}).write_parquet(src)
    result = run(src, "-o", dst)
    assert result.exit_code == 2, result.output
    assert "column 'contacts' is List(List(String" in result.output
    assert "not valid PARQUET" not in result.output
    assert "13812341050" not in result.output
    assert listing(tmp_path) == ["in.parquet"]


def test_invalid_utf8_past_the_sniffed_megabyte_is_a_clear_error(tmp_path: Path) -> None:
    # A GBK tail appended to a UTF-8 export: the encoding is sniffed from the first
    # megabyte, and polars' reader then stopped with a traceback (exit 1).
    head = b"id,name,mobile\n" + b"".join(b"%d,abc,13812341050\n" % i for i in range(60_000))
    assert len(head) > 1 << 20
    tail = "1,张三,13912345678\n".encode("gbk")
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(head + tail)
    result = run(src, "-o", dst)
    assert result.exit_code == 2, result.output
    assert f"not valid UTF-8 at byte {len(head) + 2}" in result.output
    assert "Traceback" not in result.output
    assert listing(tmp_path) == ["in.csv"]
    result = run(src, "-o", dst, "--encoding", "gb18030")
    assert result.exit_code == 0, result.output
    assert dst.read_bytes().endswith("1,张三,******5678\n".encode("gbk"))


def test_the_summary_of_json_lines_counts_lines_not_zero_per_key(tmp_path: Path) -> None:
    # JSON lines are masked line by line; the summary said "0 value(s) changed" per key.
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(
        '{"mobile": "13812341050", "note": "ok"}\n{"mobile": "13912345678", "note": "ok"}\n'
        '{"mobile": "", "note": "ok"}\n',
        "utf-8",
    )
    result = run(src, "-o", dst)
    assert result.exit_code == 0, result.output
    assert "0 value(s) changed" not in result.stderr
    assert "2 line(s) changed; found CN_MOBILE 2" in result.stderr
    assert "13812341050" not in result.stderr


@pytest.mark.parametrize(
    "header",
    ["id,mobile,,", "id,mobile,", '"id","mobile",""', "id,mobile,note"],
    ids=["two-empty", "one-empty", "quoted", "plain"],
)
def test_the_header_line_is_written_back_as_it_was(tmp_path: Path, header: str) -> None:
    # Excel leaves empty names for trailing columns: two were refused as duplicates, one
    # came back as "" (and quoted names lost their quotes).
    width = header.count(",") + 1
    src, dst, report = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "r.json"
    rest = "," * (width - 2)
    src.write_text(f"{header}\n1,13812341050{rest}\n2,13912345678{rest}\n", "utf-8")
    result = run(src, "-o", dst, "--report", report)
    assert result.exit_code == 0, result.output
    assert dst.read_text("utf-8") == f"{header}\n1,******1050{rest}\n2,******5678{rest}\n"
    names = [c["column"] for c in json.loads(report.read_text("utf-8"))["columns"]]
    assert names[:2] == ["id", "mobile"]
    assert len(names) == width


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_excels_separator_line_is_read_as_such_and_written_back(
    tmp_path: Path, encoding: str
) -> None:
    # Read as the header, ``sep=;`` made the real header a row of data (masked as one:
    # ``name;******hone``) and the name column column_1, copied unmasked.
    source, out = tmp_path / "excel.csv", tmp_path / "out.csv"
    source.write_bytes("sep=;\r\n姓名;手机\r\n张三;13812341050\r\n".encode(encoding))
    result = run(source, "-o", out, "--report", tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    assert "read as ;-separated values (Excel's separator line 'sep=;', kept)" in result.stderr
    written = out.read_bytes()
    assert written == "sep=;\r\n姓名;手机\r\n张*;******1050\r\n".encode(encoding)
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert (report["separator"], report["separator_line"]) == (";", "sep=;")
    # Into another format the line has no meaning and is left out.
    result = run(source, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.jsonl").read_text("utf-8") == '{"姓名":"张*","手机":"******1050"}\n'


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
@pytest.mark.parametrize("ending", ["\r\n", "\n"])
def test_a_spreadsheets_title_lines_are_read_as_such_and_written_back(
    tmp_path: Path, encoding: str, ending: str
) -> None:
    """Excel users put a title (and a date line, a blank row) above the header: read as
    the header, the title made the real header a row of data, masked as one (姓*,
    ******), and every column column_N."""
    lines = [
        "客户信息导出（2026年11月）,,",
        '"导出人：张三丰, 13912345678",,',
        ",,",
        "姓名,手机,备注",
        "李四,13812341050,VIP",
    ]
    source = tmp_path / "export.csv"
    result, out = redact_lines(
        source, lines, "--report", tmp_path / "r.json", ending=ending, encoding=encoding
    )
    assert "3 title line(s) above the header read as such" in result.stderr
    # Written by hand: a name keeps its surname, a mobile its last 4 digits; the title
    # lines are masked as text (the exporter's name beside its label and phone).
    masked = [
        "客户信息导出（2026年11月）,,",
        '"导出人：张**, ******5678",,',
        ",,",
        "姓名,手机,备注",
        "李*,******1050,VIP",
    ]
    assert out.read_bytes() == joined(masked, ending, encoding)
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert report["title_lines"] == 3
    assert [c["column"] for c in report["columns"]] == ["姓名", "手机", "备注"]
    # Into another format the lines have no place and are left out.
    result = run(source, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.jsonl").read_text("utf-8") == (
        '{"姓名":"李*","手机":"******1050","备注":"VIP"}\n'
    )


def test_a_payment_bills_summary_and_counterparties_are_masked(tmp_path: Path) -> None:
    """People hand in their Alipay and WeChat Pay bills with a loan or an expense claim:
    CSV with the account's summary above the header (姓名, the account; Alipay's about 25
    lines, its header and records ending in a comma). The summary made the export
    unreadable (\"record 17 has 13 fields\"); the counterparty column (交易对方, a person
    for a transfer) was copied, and the payment method (收/付款方式: 余额宝, 花呗) was
    masked as names, the payer (付款方) being a context word inside it."""
    lines = [
        "-" * 40,
        "导出信息：",
        "姓名：张伟",
        "支付宝账户：13812345678",
        "起始时间：[2026-10-01 00:00:00]    终止时间：[2026-10-31 23:59:59]",
        "共2笔记录",
        "",
        "特别提示：",
        "1.本回单内容可表明支付宝受理了相关交易申请，不代表交易已成功",
        "-" * 10 + "电子客户回单" + "-" * 10,
        "交易时间,交易对方,对方账号,收/支,金额,收/付款方式,交易状态,备注,",
        "2026-10-31 18:20:11,李娜,lina@163.com,收入,500.00,余额宝,交易成功,,",
        "2026-10-29 09:10:00,王芳,6222021234567890128,支出,50.00,花呗,交易成功,,",
    ]
    result, out = redact_lines(tmp_path / "alipay.csv", lines)
    assert "10 title line(s) above the header read as such" in result.stderr
    # Written by hand: names keep their surname, the phone and the card their ends, the
    # e-mail its first two characters; the payment method and the rest are kept.
    masked = [
        *lines[:2],
        "姓名：张*",
        "支付宝账户：******5678",
        *lines[4:11],
        "2026-10-31 18:20:11,李*,li**@1**.com,收入,500.00,余额宝,交易成功,,",
        "2026-10-29 09:10:00,王*,622202*********0128,支出,50.00,花呗,交易成功,,",
    ]
    assert out.read_bytes() == joined(masked)


def test_a_bills_summary_below_its_records_is_read_as_such_and_written_back(
    tmp_path: Path,
) -> None:
    """Alipay's bills before 2022 end in a rule line and a summary naming the account
    holder (用户:张伟): one-field lines under a header of many, refused as malformed."""
    rule = "-" * 40
    lines = [
        "支付宝交易记录明细查询",
        "账号:[zhangwei@example.com]",
        rule,
        "交易号,交易对方,金额（元）,备注",
        "2019010122001400001,李娜,500.00,",
        "2019010222001400002,美团,35.50,外卖",
        rule,
        "共2笔记录",
        "已收入:1笔,500.00元",
        "导出时间:[2019-02-01 10:00:00]    用户:张伟",
    ]
    source = tmp_path / "alipay.csv"
    result, out = redact_lines(source, lines, "--report", tmp_path / "r.json")
    assert "4 summary line(s) below the records read as such" in result.stderr
    # Written by hand: names keep their surname, the e-mail its first two characters.
    masked = [
        "支付宝交易记录明细查询",
        "账号:[zh**@e**.com]",
        rule,
        "交易号,交易对方,金额（元）,备注",
        "2019010122001400001,李*,500.00,",
        "2019010222001400002,美*,35.50,外卖",
        rule,
        "共2笔记录",
        "已收入:1笔,500.00元",
        "导出时间:[2019-02-01 10:00:00]    用户:张*",
    ]
    assert out.read_bytes() == joined(masked)
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert (report["title_lines"], report["footer_lines"]) == (3, 4)
    # Into another format the summary has no place and is left out.
    result = run(source, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.output
    assert len((tmp_path / "out.jsonl").read_text("utf-8").splitlines()) == 2


def test_a_databases_tab_separated_text_is_refused_saying_what_reads_it(
    tmp_path: Path,
) -> None:
    """mysql -B and PostgreSQL's COPY write tabs with plain quotes and \\N for NULL: a
    field opening with a quote is no RFC 4180 field, and the error says which option
    reads it (a user was left with the RFC's rule alone)."""
    src = tmp_path / "users.tsv"
    src.write_bytes(b'id\tmobile\tremark\n1\t13812341050\t\\N\n2\t13912345678\t"VIP" customer\n')
    result = run(src, "-o", tmp_path / "out.tsv")
    assert result.exit_code == 2, result.output
    assert "users.tsv: not valid TSV: record 3 has text after the closing quote" in result.output
    assert "where quotes are plain characters, is read with --no-quoting" in result.output
    assert "13912345678" not in result.output
    assert "VIP" not in result.output
    assert listing(tmp_path) == ["users.tsv"]


# PostgreSQL's COPY … TO text format and MySQL's SELECT … INTO OUTFILE: tabs, quotes as
# plain characters, backslash escapes, \N for NULL, nothing for an empty string.
DATABASE_TSV = (
    "id\tname\tmobile\tremark\n"
    "1\t张三丰\t13812341050\t\\N\n"
    '2\t李四光\t\\N\t"VIP" 客户\n'
    "3\t王五\t\t第一行\\n第二行电话13912345678\n"
    '4\t\\N\t15000001234\t5" screen\n'
)


def test_a_databases_tab_separated_text_is_redacted_with_no_quoting(tmp_path: Path) -> None:
    src = tmp_path / "users.tsv"
    src.write_text(DATABASE_TSV, "utf-8")
    result = run(src, "--no-quoting", "-o", tmp_path / "out.tsv")
    assert result.exit_code == 0, result.output
    # Written by hand from the display rules: names keep the surname, mobiles their last
    # four; \N stays NULL, the empty string stays empty, quotes and escapes as they were.
    assert (tmp_path / "out.tsv").read_text("utf-8") == (
        "id\tname\tmobile\tremark\n"
        "1\t张**\t******1050\t\\N\n"
        '2\t李**\t\\N\t"VIP" 客户\n'
        "3\t王*\t\t第一行\\n第二行电话******5678\n"
        '4\t\\N\t******1234\t5" screen\n'
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        # The quote opens nothing: the third line is the one with a field too many.
        ('id\tname\n1\t"张三丰\n2\tx\ty\n', "record 3 has 3 fields where the header has 2"),
        # A missing field reads as an empty string here (NULL is \N), so no null marked
        # these: they were written out padded with empty fields.
        ("id\tname\n1\t张三丰\n2\n3\tx\n", "record 3 has 1 fields where the header has 2"),
        ("id\tname\n1\t张三丰\n\n3\tx\n", "record 3 is a blank line where the header has 2"),
    ],
    ids=["long", "short", "blank"],
)
def test_a_ragged_line_of_database_text_is_refused_by_its_number(
    tmp_path: Path, text: str, says: str
) -> None:
    src = tmp_path / "users.tsv"
    src.write_text(text, "utf-8")
    result = run(src, "--no-quoting", "-o", tmp_path / "out.tsv")
    assert result.exit_code == 2, result.output
    assert f"users.tsv: not valid TSV: {says}" in result.output
    assert "张三丰" not in result.output
    assert listing(tmp_path) == ["users.tsv"]


def test_medical_insurance_card_columns_are_masked_whole(tmp_path: Path) -> None:
    """A hospital's export: 医保卡号 (medical-insurance card numbers, city-issued, no Luhn
    digit) was read as free text, and only the one in ten that passed Luhn was masked as a
    bank card; the others were copied. 就诊卡号 (the hospital's patient card) likewise."""
    rng = random.Random(5)
    cards = ["3301" + "".join(rng.choice("0123456789") for _ in range(12)) for _ in range(40)]
    visits = [f"00{rng.randrange(10**8):08d}" for _ in range(40)]
    lines = ["门诊号,医保卡号,就诊卡号"] + [
        f"MZ{i:06d},{card},{visit}"
        for i, (card, visit) in enumerate(zip(cards, visits, strict=True))
    ]
    result, out = redact_lines(tmp_path / "his.csv", lines)
    text = out.read_bytes().decode("gbk")
    assert not [c for c in cards + visits if c in text]
    rows = text.splitlines()
    assert rows[1] == f"MZ000000,{cards[0][:6]}******{cards[0][-4:]},**********"
    assert "masked 医保卡号 as BANK_CARD" in result.output


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_rows_name_is_masked_where_it_recurs_in_the_rows_remark(
    tmp_path: Path, jobs: str
) -> None:
    """A ticket export: 万华 and 江南 (a company and a region as well as names) stood in the
    remark with nothing beside them that says "name", and went out there while the name
    column was masked. The row says whose name it is."""
    rng = random.Random(3)
    names = ["万华", "江南", "于洋"] + [gen.chinese_name(rng) for _ in range(57)]
    lines = ["工单号,姓名,备注"] + [
        f"T{i:05d},{name},{name}来电咨询退款进度" for i, name in enumerate(names)
    ]
    result, out = redact_lines(tmp_path / "tickets.csv", lines, "--jobs", jobs)
    rows = [row.split(",") for row in out.read_bytes().decode("gbk").splitlines()[1:]]
    assert [row[2] for row in rows[:3]] == [
        "万*来电咨询退款进度",
        "江*来电咨询退款进度",
        "于*来电咨询退款进度",
    ]
    assert all(row[2] == row[1] + "来电咨询退款进度" for row in rows)  # as its column masks it
    assert not [name for name in names if name in out.read_bytes().decode("gbk")]
    assert "masked 60 name(s) in 备注 where they recur from their row's name column" in (
        result.output
    )
    assert "stray" not in result.output  # the remark's values were no strays


@pytest.mark.parametrize(("encoding", "charset"), [("UTF-8", "utf8mb4"), ("GBK", "gbk")])
def test_text_stored_as_latin1_is_refused_naming_the_columns(
    tmp_path: Path, encoding: str, charset: str
) -> None:
    """An export of a legacy table whose latin1 columns hold UTF-8 or GBK (乱码): its names
    were not found and went out as read, readable to anyone who reverses the encoding."""
    rng = random.Random(8)
    people = [(gen.chinese_name(rng), gen.mobile_digits(rng)) for _ in range(30)]
    lines = ["id,name,phone"] + [
        f"{i},{gen.as_read_from_latin1(name, encoding)},{phone}"
        for i, (name, phone) in enumerate(people)
    ]
    source = tmp_path / "legacy.csv"
    source.write_bytes(joined(lines, encoding="utf-8"))
    result = run(source, "-o", tmp_path / "out.csv")
    assert result.exit_code == 2
    assert f"'name' (30 sampled values of {encoding}) hold text stored as latin1" in result.output
    assert f"CONVERT(CAST(name AS BINARY) USING {charset})" in result.output
    assert listing(tmp_path) == ["legacy.csv"]
    garbled = [gen.as_read_from_latin1(name, encoding) for name, _ in people]
    plain = [value for person in people for value in person]
    assert not [value for value in garbled + plain if value in result.output]


def test_the_nulls_database_tools_write_into_exports_stay_as_they_are(tmp_path: Path) -> None:
    """Navicat writes NULL as ``(Null)``, DataGrip as ``<null>``, DBeaver as ``[NULL]``,
    ``SELECT … INTO OUTFILE`` as ``\\N``: masked, each came out as a phone's ``******``,
    a value that was never there, and was counted as changed."""
    header = "id,cust_name,phone,id_no"
    rows = [
        "1,罗华,18401815908,360102194709173012",
        "2,马子涵,(Null),(Null)",
        "3,董雪,<null>,[NULL]",
        "4,陈静,\\N,\\N",
        "5,王芳,13912345678,440305198110084644",
    ]
    result, out = redact_lines(tmp_path / "navicat.csv", [header, *rows], encoding="utf-8")
    got = out.read_text("utf-8").splitlines()
    assert got[2:5] == ["2,马**,(Null),(Null)", "3,董*,<null>,[NULL]", "4,陈*,\\N,\\N"]
    assert got[1] == "1,罗*,******5908,3****************2"
    assert "masked phone as CN_MOBILE with keep_ends: 2 value(s) changed" in result.output
