"""``dataguard scan``: formats, baselines, exit statuses and errors, through the CLI."""

from __future__ import annotations

import csv
import io
import json
import random
import sqlite3
import tempfile
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from dataguard.cli.main import cli

from dataguard.testing import generators as gen


def _make_db(path: Path, *, with_email: bool = False, rows: int = 60) -> str:
    rng = random.Random(11)
    connection = sqlite3.connect(path)
    connection.execute("DROP TABLE IF EXISTS members")
    extra = ", email TEXT" if with_email else ""
    connection.execute(
        f"CREATE TABLE members (id INTEGER PRIMARY KEY, mobile TEXT, nickname TEXT{extra})"
    )
    for i in range(rows):
        values = [i, gen.mobile_digits(rng), f"user{i}"]
        if with_email:
            values.append(gen.email(rng))
        connection.execute(f"INSERT INTO members VALUES ({', '.join('?' * len(values))})", values)
    connection.commit()
    connection.close()
    return f"sqlite:///{path}"


def run(*args: object) -> object:
    return CliRunner().invoke(cli, ["scan", *map(str, args)])


def test_json_on_stdout_by_default(tmp_path: Path) -> None:
    url = _make_db(tmp_path / "shop.db")
    result = run("db", url)
    assert result.exit_code == 1, result.output  # plaintext personal data: the default gate
    report = json.loads(result.stdout)
    assert report["format"] == 1
    verdicts = {c["column"]: c["entity"] for c in report["columns"]}
    assert verdicts == {"id": None, "mobile": "CN_MOBILE", "nickname": None}
    for column in report["columns"]:
        assert {"table", "column", "entity", "confidence", "grade"} <= set(column)
    assert "1 of 3 columns in 1 tables hold personal data, 1 in plaintext" in result.stderr
    assert "read-only scan: nothing was written" in result.stderr


@pytest.mark.parametrize(("suffix", "marker"), [(".md", "# dataguard scan"), (".csv", "table,")])
def test_the_format_follows_the_output_suffix(tmp_path: Path, suffix: str, marker: str) -> None:
    url = _make_db(tmp_path / "shop.db")
    out = tmp_path / f"report{suffix}"
    result = run("db", url, "-o", out, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    assert text.startswith(marker)
    assert result.stdout == ""
    if suffix == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [(r["column"], r["entity"], r["grade"]) for r in rows] == [
            ("mobile", "CN_MOBILE", "S2")
        ]


def test_an_unknown_suffix_asks_for_a_format(tmp_path: Path) -> None:
    url = _make_db(tmp_path / "shop.db")
    result = run("db", url, "-o", tmp_path / "report.txt")
    assert result.exit_code == 2
    assert "pass -f" in result.stderr


def test_a_baseline_records_then_reports_only_changes(tmp_path: Path) -> None:
    db, baseline = tmp_path / "shop.db", tmp_path / "baseline.json"
    url = _make_db(db)
    first = run("db", url, "--baseline", baseline, "--fail-on", "new-plaintext")
    # No baseline yet: this scan is recorded and reported whole; nothing is "new".
    assert first.exit_code == 0, first.output
    assert "baseline recorded" in first.stderr
    assert [c["column"] for c in json.loads(first.stdout)["columns"]] == [
        "id",
        "mobile",
        "nickname",
    ]
    assert baseline.exists()
    again = run("db", url, "--baseline", baseline, "--fail-on", "new-plaintext")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["columns"] == []
    assert "0 new, 0 changed, 0 gone, 0 new in plaintext" in again.stderr

    _make_db(db, with_email=True)  # a release adds a plaintext email column
    changed = run("db", url, "--baseline", baseline, "--fail-on", "new-plaintext")
    assert changed.exit_code == 1, changed.output
    report = json.loads(changed.stdout)
    assert [c["column"] for c in report["columns"]] == ["email"]
    assert report["baseline"]["new_plaintext"] == ["members.email"]
    assert report["baseline"]["new"] == ["members.email"]


def test_fail_on_new_needs_a_baseline(tmp_path: Path) -> None:
    result = run("db", _make_db(tmp_path / "shop.db"), "--fail-on", "new-plaintext")
    assert result.exit_code == 2
    assert "needs --baseline" in result.stderr


def test_a_corrupt_baseline_is_a_clear_error(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text("{not json", "utf-8")
    result = run("db", _make_db(tmp_path / "shop.db"), "--baseline", baseline)
    assert result.exit_code == 2
    assert "not a dataguard scan baseline" in result.stderr


def test_an_unreachable_database_hides_the_password() -> None:
    result = run("db", "postgresql+psycopg://scanner:s3cr3t-pw@127.0.0.1:1/none")
    assert result.exit_code == 2
    assert "s3cr3t-pw" not in result.output
    assert "127.0.0.1:1" in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    result = run("db", f"sqlite:///{missing}")
    assert result.exit_code == 2
    assert "no SQLite database file" in result.stderr
    assert not missing.exists()


def test_files_and_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path.parent / f"{tmp_path.name}-tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where a copy is decompressed
    rng = random.Random(2)
    (tmp_path / "members.csv").write_text(
        "id,phone,city\n" + "".join(f"{i},{gen.mobile_digits(rng)},杭州\n" for i in range(40)),
        "utf-8",
    )
    (tmp_path / "app.log").write_text(
        "".join(
            f"2024-05-01 INFO login ok user={i} phone={gen.mobile(rng)}\n"
            if i % 2
            else f"2024-05-01 INFO heartbeat {i}\n"
            for i in range(100)
        ),
        "utf-8",
    )
    # Yesterday's log, rotated and gzipped: it used to be scanned as binary, and clean.
    import gzip

    rotated = tmp_path / "app.log.1.gz"
    rotated.write_bytes(gzip.compress((tmp_path / "app.log").read_bytes()))
    # A compressed export is a table, column by column (it was read as lines).
    exported = tmp_path / "members.2024.csv.gz"
    exported.write_bytes(gzip.compress((tmp_path / "members.csv").read_bytes()))
    result = run("files", tmp_path, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    personal = {
        (Path(c["table"]).name, c["column"]): (c["entity"], c["kind"])
        for c in report["columns"]
        if c["entity"]
    }
    assert personal == {
        ("members.csv", "phone"): ("CN_MOBILE", "value"),
        ("app.log", "<line>"): ("CN_MOBILE", "text"),
        ("app.log.1.gz", "<line>"): ("CN_MOBILE", "text"),
        ("members.2024.csv.gz", "phone"): ("CN_MOBILE", "value"),
    }
    assert list(scratch.iterdir()) == []  # the decompressed copy is gone


def test_jsonl_and_parquet_columns(tmp_path: Path) -> None:
    import polars as pl

    rng = random.Random(5)
    records = [
        {
            "id": i,
            "email": gen.email(rng),
            "profile": {"idNo": gen.id_card(rng)},
            "sku": f"SKU{i:06d}",
        }
        for i in range(50)
    ]
    (tmp_path / "events.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8"
    )
    pl.DataFrame({"card_no": [gen.bank_card_digits(rng) for _ in range(50)]}).write_parquet(
        tmp_path / "cards.parquet"
    )
    result = run("files", tmp_path / "events.jsonl", tmp_path / "cards.parquet", "-f", "csv")
    assert result.exit_code == 1, result.output  # plaintext personal data
    rows = {
        (Path(r["table"]).name, r["column"]): (r["entity"], r["kind"])
        for r in csv.DictReader(io.StringIO(result.stdout))
    }
    assert rows == {
        ("events.jsonl", "email"): ("EMAIL_ADDRESS", "value"),
        ("events.jsonl", "profile"): ("CN_ID_CARD", "text"),  # a nested document
        ("cards.parquet", "card_no"): ("BANK_CARD", "value"),
    }


def test_a_spreadsheets_title_lines_are_reported_as_text_of_their_own(tmp_path: Path) -> None:
    """A bill's summary above the header names its account holder (姓名：…, the account's
    phone), as its summary below the records may: redaction masks them, but the scan
    reported only the columns between."""
    (tmp_path / "bill.csv").write_text(
        "交易记录明细,,\n姓名：张伟,,\n支付宝账户：13812341050,,\n交易时间,商品说明,金额\n"
        "2026-10-31 18:20:11,外卖订单,35.50\n2026-10-30 09:10:00,快车,12.00\n"
        "----------\n共2笔记录\n用户:李娜\n",
        "utf-8",
    )
    pl.DataFrame({"商品": ["苹果", "梨"], "数量": [1, 2]}).write_csv(tmp_path / "clean.csv")
    result = run("files", tmp_path, "-f", "json")
    assert result.exit_code == 1, result.output  # plaintext personal data
    report = json.loads(result.stdout)
    personal = {
        (Path(c["table"]).name, c["column"]): (c["entities"], c["previews"])
        for c in report["columns"]
        if c["entity"]
    }
    # Display masks by hand: the name its surname, the mobile its last 4 digits; the
    # lines as they are in the file.
    assert personal == {
        ("bill.csv", "<title>"): (
            ["CN_NAME", "CN_MOBILE"],
            ["姓名：张*,,", "支付宝账户：******1050,,"],
        ),
        # …and a summary below the records (one name there is no stray: it is reported).
        ("bill.csv", "<summary>"): (["CN_NAME"], ["用户:李*"]),
    }
    # An .xlsx sheet's title rows too, their cells' text.
    pytest.importorskip("xlsxwriter")
    import xlsxwriter

    workbook = xlsxwriter.Workbook(tmp_path / "clients.xlsx")
    sheet = workbook.add_worksheet("S1")
    sheet.write(0, 0, "客户名单（导出人：张伟 13812341050）")
    for row, cells in enumerate([["客户", "金额"], ["甲公司", 1], ["乙公司", 2]], start=2):
        sheet.write_row(row, 0, cells)
    workbook.close()
    result = run("files", tmp_path / "clients.xlsx", "-f", "json")
    assert result.exit_code == 1, result.output
    (column,) = [c for c in json.loads(result.stdout)["columns"] if c["entity"]]
    assert (column["table"].rsplit("#", 1)[1], column["column"]) == ("S1", "<title>")
    assert column["previews"] == ["客户名单（导出人：张* ******1050）"]


def test_a_malformed_jsonl_file_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"a": 1}\n{"a": \n', "utf-8")
    result = run("files", bad)
    assert result.exit_code == 2
    assert "line 2" in result.stderr


def _members(rows: int, *, header: bool = True) -> bytes:
    """*rows* good records of a members CSV, after its header unless told otherwise."""
    rng = random.Random(3)
    records = "".join(f"{i},{gen.mobile_digits(rng)},杭州\n" for i in range(rows))
    return (("id,phone,city\n" if header else "") + records).encode()


# A malformed CSV as scan reads it: (what follows 40 or 3,000 good records, the message).
# The records count from the header, record 1, as in ``dataguard redact``.
MALFORMED = {
    "short-row": (b"41,13912345678\n", "record {n} has 2 fields where the header has 3"),
    "long-row": (b"41,13912345678,x,y\n", "record {n} has 4 fields where the header has 3"),
    "blank-line": (b"\n41,13912345678,x\n", "record {n} is a blank line where the header has 3"),
    "stray-quote": (
        b'41,139"12345678,x\n',
        "record {n} has a stray quote inside an unquoted field",
    ),
    "unclosed-quote": (b'41,"13912345678,x\n42,1,x\n', "record {n} opens a quoted field that is"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
@pytest.mark.parametrize("rows", [40, 3000], ids=["small", "sampled"])
def test_a_malformed_csv_file_is_refused_as_redact_refuses_it(
    tmp_path: Path, case: str, rows: int
) -> None:
    """Every batch the sample is drawn from is checked, so a short record is refused, not
    scanned as a record padded with empty values; errors name the record, never a value."""
    bad, says = MALFORMED[case]
    path = tmp_path / "members.csv"
    path.write_bytes(_members(rows) + bad + _members(20, header=False))
    result = run("files", path, "-o", tmp_path / "report.json")
    assert result.exit_code == 2, result.output
    assert f"members.csv: not valid CSV: {says.format(n=rows + 2)}" in result.stderr
    assert "13912345678" not in result.output
    assert not (tmp_path / "report.json").exists()


def test_blank_lines_at_the_end_of_a_csv_file_are_no_records(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes(_members(40) + b"\n\n")
    result = run("files", path, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["tables"][0]["rows"] == 40


def test_a_csv_file_without_a_header_is_scanned_as_data(tmp_path: Path) -> None:
    # Its first record was taken for column names: a phone number was reported as a column.
    path = tmp_path / "rows.csv"
    path.write_bytes(b"1,13812341050,a\n2,13912345678,b\n3,13712345678,c\n")
    result = run("files", path, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert "13812341050" not in result.output
    report = json.loads(result.stdout)
    columns = {c["column"]: c for c in report["columns"]}
    assert list(columns) == ["column_1", "column_2", "column_3"]
    assert columns["column_2"]["entity"] == "CN_MOBILE"
    assert report["tables"][0]["rows"] == 3


def test_a_semicolon_separated_file_is_scanned_by_column(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text("id;姓名;手机\n1;张三;13812341050\n2;李四;13912345678\n", "utf-8")
    result = run("files", path, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    columns = {c["column"]: c for c in json.loads(result.stdout)["columns"]}
    assert list(columns) == ["id", "姓名", "手机"]
    assert columns["姓名"]["entity"] == "CN_NAME"
    assert columns["手机"]["entity"] == "CN_MOBILE"


def test_a_sheet_without_a_header_is_scanned_as_data(tmp_path: Path) -> None:
    pytest.importorskip("xlsxwriter")
    path = tmp_path / "rows.xlsx"
    pl.DataFrame({"13812341050": ["13912345678", "13712345678"], "a": ["b", "c"]}).write_excel(path)
    result = run("files", path, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert "13812341050" not in result.output
    columns = {c["column"]: c for c in json.loads(result.stdout)["columns"]}
    assert list(columns) == ["column_1", "column_2"]
    assert columns["column_1"]["entity"] == "CN_MOBILE"


def test_a_sparse_file_column_is_judged_from_more_values_and_noted(tmp_path: Path) -> None:
    """One phone in 4,000 rows of an uninformatively named column: the row sample misses
    them, the second look finds them (dataguard.sources.sparse)."""
    rng = random.Random(12)
    phones = [gen.mobile_digits(rng) for _ in range(10)]
    rows = [f"{i},{phones[i // 4000] if i % 4000 == 9 else ''},ok" for i in range(40_000)]
    export = tmp_path / "export.csv"
    export.write_text("id,c7,status\n" + "\n".join(rows) + "\n", "utf-8")
    result = CliRunner().invoke(cli, ["scan", "files", str(export), "-f", "json"])
    assert result.exit_code == 1, result.stderr  # plaintext personal data
    report = json.loads(result.stdout)
    c7 = next(c for c in report["columns"] if c["column"] == "c7")
    assert (c7["entity"], c7["kind"], c7["evidence"]["valid"]) == ("CN_MOBILE", "value", 10)
    (note,) = report["notes"]
    assert note.endswith("were read: c7")
    assert "note: " in result.stderr
    assert not [p for p in phones if p in result.output + result.stderr]


def test_a_sheet_is_sampled_across_its_rows_not_from_its_top(tmp_path: Path) -> None:
    """Sorted by date, a sheet holds placeholders in its first rows and phones after them:
    a sample of the top 200 rows saw only the placeholders."""
    pytest.importorskip("xlsxwriter")
    rng = random.Random(13)
    phones = [gen.mobile_digits(rng) for _ in range(1_000)]
    contact = ["未填写"] * 2_000 + phones
    path = tmp_path / "orders.xlsx"
    pl.DataFrame({"id": list(range(3_000)), "contact": contact}).write_excel(path)
    result = run("files", path, "--sample", "200", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    columns = {c["column"]: c for c in json.loads(result.stdout)["columns"]}
    assert columns["contact"]["entity"] == "CN_MOBILE"
    (reason,) = columns["contact"]["evidence"]["reasons"]
    assert reason.endswith("sampled values are valid CN_MOBILE")
    assert not [p for p in phones if p in result.output]


def test_a_databases_tab_separated_text_is_scanned_with_no_quoting(tmp_path: Path) -> None:
    """mysql -B and COPY … TO write quotes as characters and \\N for NULL: refused as TSV
    (the error says what reads it), scanned with --no-quoting, \\N no value."""
    rng = random.Random(8)
    lines = [f'{i}\t{gen.mobile_digits(rng)}\t"VIP" 客户' for i in range(30)]
    tsv = tmp_path / "users.tsv"
    tsv.write_text("id\tmobile\tremark\n" + "\n".join(lines) + "\n31\t\\N\t\\N\n", "utf-8")
    refused = run("files", tsv)
    assert refused.exit_code == 2
    assert "is read with --no-quoting" in refused.stderr
    result = run("files", "--no-quoting", tsv, "-f", "csv")
    assert result.exit_code == 1, result.output  # plaintext personal data
    rows = {r["column"]: r["entity"] for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows == {"mobile": "CN_MOBILE"}  # the remark's quotes and words are no one's data


def test_an_unreadable_file_costs_that_file_not_the_folders_scan(tmp_path: Path) -> None:
    """One broken export in a folder stopped the whole scan, with no report of the files
    that could be read."""
    folder = tmp_path / "exports"
    folder.mkdir()
    rng = random.Random(3)
    mobiles = [gen.mobile_digits(rng) for _ in range(20)]
    (folder / "a_members.csv").write_text(
        "id,mobile\n" + "".join(f"{i},{m}\n" for i, m in enumerate(mobiles)), "utf-8"
    )
    (folder / "b_broken.csv").write_text(f'id,remark\n1,"{mobiles[0]}\n2,x\n', "utf-8")
    mixed = "张三丰,13812341050\n".encode("gbk") + "李四,13912345678\n".encode()
    (folder / "c_mixed.csv").write_bytes(b"name,phone\n" + mixed)
    result = run("files", folder)
    assert result.exit_code == 2  # not 1: a gate must not read it as a complete scan
    report = json.loads(result.stdout)
    assert [t["table"] for t in report["tables"]] == [str(folder / "a_members.csv")]
    assert {c["column"]: c["entity"] for c in report["columns"]} == {
        "id": None,
        "mobile": "CN_MOBILE",
    }
    assert report["unreadable"] == 2
    broken, mixed_note = report["notes"]
    assert broken.startswith(f"not scanned ({folder / 'b_broken.csv'}): b_broken.csv: not valid")
    assert "mixes encodings" in mixed_note
    assert "2 file(s) could not be scanned" in result.stderr
    for number in (*mobiles, "13812341050", "13912345678"):
        assert number not in result.output
    # One file named alone fails as before, with its own error.
    alone = run("files", folder / "b_broken.csv")
    assert alone.exit_code == 2
    assert alone.stderr.startswith("error: b_broken.csv: not valid CSV")


def test_a_gbk_log_is_scanned_in_its_own_encoding(tmp_path: Path) -> None:
    """A Windows service's GBK log, read as UTF-8, was all U+FFFD where its names and
    addresses were: reported clean, a false all-clear."""
    log = tmp_path / "service.log"
    line = "2026-11-28 INFO 收件人：张三丰，地址：浙江省杭州市西湖区文三路100号 已签收\n"
    log.write_bytes((line * 30).encode("gbk") + b"\xff\xfe junk\n")
    result = run("files", log)
    assert result.exit_code == 1, result.output  # plaintext personal data
    (column,) = json.loads(result.stdout)["columns"]
    assert column["column"] == "<line>"
    assert {"CN_NAME", "CN_ADDRESS"} <= set(column["entities"])
    assert "张三丰" not in result.stdout
