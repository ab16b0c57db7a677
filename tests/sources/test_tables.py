"""CSV/TSV records against their header: what polars reads, and the field count check.

Polars refuses a record with more fields than the header but pads one with fewer with
nulls; :func:`~dataguard.sources.tables.first_ragged_record` counts the fields on the raw
lines instead, and :meth:`~dataguard.sources.tables.TableSource.check_batch` runs it only
when a batch's last column holds a null. These tests pin both halves: the polars
behaviour the design relies on (so an upgrade that changes it shows up here), and the
count, against Python's csv module, on generated files. The quotes polars refuses are
located by :func:`~dataguard.sources.tables.first_bad_quote`, pinned the same way.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataguard.sources.tables as tables
from dataguard.errors import UsageError
from dataguard.sources.tables import (
    QuoteFault,
    RaggedRecord,
    estimate_rows,
    explain_csv_error,
    first_bad_quote,
    first_ragged_record,
    footer_lines,
    open_table,
    title_lines,
)


def read(data: bytes, separator: str = ",", **options: Any) -> list[tuple[Any, ...]]:
    return pl.read_csv(data, separator=separator, infer_schema=False, **options).rows()


# -- what polars does (the reasons for the design) ---------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"empty_string_is_null": False},
        {"null_values": [""]},
        {"truncate_ragged_lines": True},
        {"quote_char": None},
    ],
    ids=["default", "empty-string-is-not-null", "null-values", "truncate-ragged", "no-quotes"],
)
def test_polars_reads_a_missing_field_as_an_empty_one(options: dict[str, Any]) -> None:
    """No reader option tells ``1`` from ``1,`` under a two-column header: the frame
    carries no sign of a short record, so the check has to look at the raw lines."""
    assert read(b"a,b\n1\n", **options) == read(b"a,b\n1,\n", **options)


def test_polars_refuses_a_long_record_and_pads_a_short_one_with_null() -> None:
    with pytest.raises(pl.exceptions.ComputeError):
        read(b"a,b\n1,2,3\n")
    assert read(b"a,b,c\n1\n") == [("1", None, None)]
    assert read(b"a\tb\r\n1\r\n", "\t") == [("1", None)]
    assert read(b'a,b\n"x\ny"\n') == [("x\ny", None)]
    assert read(b"a,b\n1,2\n\n") == [("1", "2"), (None, None)]  # a blank line: a record


def test_polars_keeps_unquoted_and_quoted_empty_fields_apart() -> None:
    """``,,`` is null and ``""`` is an empty string, and each is written back as read: the
    default ``empty_string_is_null=True`` keeps the bytes (False would quote every empty
    field on the way out)."""
    data = b'a,b,c\n,"",x\n"",,\n'
    frame = pl.read_csv(data, infer_schema=False)
    assert frame.rows() == [(None, "", "x"), ("", None, None)]
    assert frame.write_csv().encode() == data
    padded = pl.read_csv(data, infer_schema=False, empty_string_is_null=False)
    assert padded.write_csv() == 'a,b,c\n"","",x\n"","",""\n'


def test_polars_takes_paired_stray_quotes_as_characters() -> None:
    """Quotes inside an unquoted field are read as they are when the record's quotes pair
    up; so dataguard accepts them too (RFC 4180 forbids them, hand-made exports have them)."""
    assert read(b'a,b\n4"x"y,1\n') == [('4"x"y', "1")]
    assert read(b'a,b\n3""4,1\n') == [('3""4', "1")]


@pytest.mark.parametrize(
    "data",
    [b'a,b\n3"x,4\n5,6\n', b'a,b\n"3"x,4\n5,6\n', b'a,b\n3,"4\n5,6\n', b'a,b\n3,"4'],
    ids=["stray-quote", "text-after-closing-quote", "unclosed", "unclosed-at-the-end"],
)
def test_polars_refuses_the_quotes_first_bad_quote_locates(data: bytes) -> None:
    with pytest.raises(pl.exceptions.ComputeError):
        read(data)


# -- first_ragged_record --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "columns", "found"),
    [
        (b"a,b\n1,2\n3,4\n", 2, None),
        (b"a,b\n1\n2,3\n", 2, RaggedRecord(2, 1)),
        (b"a,b\n1,2,3\n", 2, RaggedRecord(2, 3)),
        (b"a,b\n1,\n,\n", 2, None),
        (b'a,b\n1,""\n"",""\n', 2, None),
        (b"a,b\n1,2\n\n3,4\n", 2, RaggedRecord(3, 0)),
        (b"a,b\r\n1,2\r\n\r\n", 2, RaggedRecord(3, 0)),
        (b"a\n1\n\n2\n", 1, None),  # one column: a blank line is an empty value
        (b'a,b\n"x\ny",2\n"p\n\nq"\n3,4\n', 2, RaggedRecord(3, 1)),
        (b'a,b\n"x\ny",2\n"p\n\n,q","r,""s"""\n3,4\n', 2, None),
        (b'a,b,c\n"1,2,3",x\n', 3, RaggedRecord(2, 2)),
        (b"\xef\xbb\xbfa,b\n1\n", 2, RaggedRecord(2, 1)),
        (b"a,b\n1,2\n3", 2, RaggedRecord(3, 1)),
        # a quoted field still open at the end of the file: counted up to there
        (b'a,b\n1,2\n3,"4\n5,6\n', 2, RaggedRecord(3, 2, unclosed=True)),
        (b'a,b\n"1\n', 2, RaggedRecord(2, 1, unclosed=True)),
    ],
)
@pytest.mark.parametrize("lines_per_batch", [1, 2, 1000])
def test_first_ragged_record(
    tmp_path: Path,
    data: bytes,
    columns: int,
    found: RaggedRecord | None,
    lines_per_batch: int,
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    assert first_ragged_record(path, ",", columns, lines_per_batch=lines_per_batch) == found


_PIECES = ["", "a", "1", ",", "\t", '"', "\n", "\r\n", " ", "张三", "x,y", '""']


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[str, str, int]:
    """``(text, separator, columns)``: mostly well-formed records, quoted as the csv
    module does, some with too few or too many fields, some blank lines."""
    separator = draw(st.sampled_from([",", "\t"]))
    columns = draw(st.integers(1, 4))
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=separator,
        lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
    )
    writer.writerow([f"c{i}" for i in range(columns)])
    field = st.lists(st.sampled_from(_PIECES), max_size=3).map("".join)
    for width in draw(st.lists(st.integers(0, columns + 1), max_size=8)):
        if width == 0:
            buffer.write(str(writer.dialect.lineterminator))
        else:
            writer.writerow(draw(st.lists(field, min_size=width, max_size=width)))
    return buffer.getvalue(), separator, columns


def _expected(text: str, separator: str, columns: int) -> RaggedRecord | None:
    """The first record whose field count is off, by Python's csv module."""
    for number, row in enumerate(
        csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True), start=1
    ):
        if len(row) != columns and (row or columns != 1):
            return RaggedRecord(number, len(row))
    return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_files(), st.sampled_from([1, 3, 1000]))
def test_the_count_agrees_with_the_csv_module(
    generated: tuple[str, str, int], lines_per_batch: int
) -> None:
    """And :func:`first_bad_quote` takes every quote the csv module writes."""
    text, separator, columns = generated
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "in.csv"
        path.write_text(text, "utf-8", newline="")
        found = first_ragged_record(path, separator, columns, lines_per_batch=lines_per_batch)
        quote = first_bad_quote(path, separator, lines_per_batch=lines_per_batch)
    assert found == _expected(text, separator, columns)
    assert quote is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_files())
def test_a_short_record_always_leaves_a_null_in_the_last_column(
    generated: tuple[str, str, int],
) -> None:
    """What makes the per-batch check free: no null in the last column, no short record."""
    text, separator, columns = generated
    expected = _expected(text, separator, columns)
    if columns < 2 or expected is None or expected.fields > columns:
        return  # no short record first
    try:
        frame = pl.read_csv(text.encode(), separator=separator, infer_schema=False)
    except pl.exceptions.ComputeError:
        return  # a long record later on: polars' own error
    assert frame.get_column(frame.columns[-1]).null_count() > 0


# -- first_bad_quote ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b'a,b\n1,2\n3,"4\n5,6\n', QuoteFault(3, 3, 10, "unclosed")),
        (b'a,b\n1,2\n3,4\n5,"6', QuoteFault(4, 4, 14, "unclosed")),
        (b'a,b\n1,2\n3"x,4\n5,6\n', QuoteFault(3, 3, 9, "stray")),
        (b'a,b\n1,2\n3"x,4\n5"y,6\n', QuoteFault(3, 3, 9, "stray")),  # would pair up
        (b'a,b\n1,2\n"3"x,4\n5,6\n', QuoteFault(3, 3, 10, "after")),
        (b'a,b\n"1,"2,3\n', QuoteFault(2, 2, 7, "after")),
        (b'a,b\n1,2\n3,"4" \n', QuoteFault(3, 3, 12, "after")),
        # records, not lines: the quoted field's line break does not move the number
        (b'a,b\n"x\ny",2\n3,"4\n', QuoteFault(3, 4, 14, "unclosed")),
        (b'a,b\n"x\ny"z,2\n', QuoteFault(2, 3, 8, "after")),
        (b'a,b\r\n1,2\r\n3,"4\r\n5,6\r\n', QuoteFault(3, 3, 12, "unclosed")),
        ('a,b\n张三,"4\n'.encode(), QuoteFault(2, 2, 11, "unclosed")),
        (b'\xef\xbb\xbf"a"x,b\n1,2\n', QuoteFault(1, 1, 5, "after")),
        (b'\xef\xbb\xbfa,b\n1,"2\n', QuoteFault(2, 2, 9, "unclosed")),
        # what polars reads: RFC 4180 quoting, and quotes that pair up in an unquoted field
        (b'a,b\n"x\n""y""",2\n1,"2"\n', None),
        (b'a,b\n"",""\n"a,""b",c\n', None),  # a separator inside quotes starts no field
        (b'a,b\nx,"a""\nb"\n"""\n",2\n', None),  # a doubled quote ends a line
        (b'a,b\n4"x"y,1\n3""4,2\n', None),
        (b"a,b\n1,2\n", None),
    ],
)
@pytest.mark.parametrize("lines_per_batch", [1, 2, 1000])
def test_first_bad_quote(
    tmp_path: Path, data: bytes, found: QuoteFault | None, lines_per_batch: int
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    assert first_bad_quote(path, ",", lines_per_batch=lines_per_batch) == found


def test_first_bad_quote_reads_tsv(tmp_path: Path) -> None:
    path = tmp_path / "in.tsv"
    path.write_bytes(b'a\tb\n"1,2"\t3\n"4"x\t5\n')
    assert first_bad_quote(path, "\t") == QuoteFault(3, 3, 14, "after")


# -- TableSource.check_batch / check_records --------------------------------------------


def _count_field_counts(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files :func:`first_ragged_record` is asked to count, from now on, in order."""
    counted: list[Path] = []

    def counting(
        path: Path, separator: str, columns: int, *, quoting: bool = True
    ) -> RaggedRecord | None:
        counted.append(path)
        return first_ragged_record(path, separator, columns, quoting=quoting)

    monkeypatch.setattr("dataguard.sources.tables.first_ragged_record", counting)
    return counted


def test_check_batch_looks_at_the_file_only_when_the_last_column_has_a_null(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"mobile,x\n13812341050\n13912345678,1\n")
    source = open_table(path, "csv")
    counted = _count_field_counts(monkeypatch)
    text = {"mobile": pl.String, "x": pl.String}
    source.check_batch(pl.DataFrame({"mobile": ["1"], "x": ["1"]}, schema=text))
    assert counted == []
    with pytest.raises(UsageError, match="record 2 has 1 fields where the header has 2"):
        source.check_batch(pl.DataFrame({"mobile": ["1"], "x": [None]}, schema=text))
    assert counted == [path]


def test_a_checked_file_is_counted_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"mobile,x\n13812341050,\n13912345678,1\n")
    source = open_table(path, "csv")
    counted = _count_field_counts(monkeypatch)
    batch = source.frame.collect()
    source.check_batch(batch)
    source.check_batch(batch)
    source.check_records()
    assert counted == [path]


def test_a_transcoded_file_is_counted_on_its_utf8_copy(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes("mobile,备注\n13812341050,刘䶮\n13912345678\n".encode("gb18030"))
    source = open_table(path, "csv")
    try:
        with pytest.raises(UsageError, match="record 3 has 1 fields where the header has 2"):
            source.check_records()
    finally:
        source.close()


def test_check_records_refuses_a_quote_that_never_closes(tmp_path: Path) -> None:
    """The dangerous case: were polars to read the rest of the file into one field, the
    records below would be gone without an error. The count refuses it, naming where the
    quote opened."""
    path = tmp_path / "in.csv"
    data = b'mobile,x\n13812341050,1\n13912345678,"a\n15000001234,2\n'
    path.write_bytes(data)
    opened = data.index(b'"')
    with pytest.raises(UsageError) as refused:
        open_table(path, "csv").check_records()
    assert str(refused.value) == (
        "in.csv: not valid CSV: record 3 opens a quoted field that is never closed "
        f"(line 3, byte {opened}); it would take in the rest of the file"
    )


def test_a_transcoded_file_names_the_line_not_the_byte(tmp_path: Path) -> None:
    """The byte offset would be the UTF-8 copy's, not the file's."""
    path = tmp_path / "in.csv"
    path.write_bytes('mobile,备注\n13812341050,"刘䶮\n'.encode("gb18030"))
    copies = set(Path(tempfile.gettempdir()).glob("dataguard-*.utf8.csv"))
    # Refused as it is opened (its quotes are checked first), and its UTF-8 copy removed.
    with pytest.raises(UsageError) as refused:
        open_table(path, "csv")
    assert str(refused.value) == (
        "in.csv: not valid CSV: record 2 opens a quoted field that is never closed "
        "(line 2); it would take in the rest of the file"
    )
    assert set(Path(tempfile.gettempdir()).glob("dataguard-*.utf8.csv")) == copies


def test_explain_csv_error_takes_a_blank_line_of_a_one_column_file_as_a_value(
    tmp_path: Path,
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"mobile\n13812341050\n\n13912345678,1\n")
    assert explain_csv_error(open_table(path, "csv"), "csv") == (
        "record 4 has 2 fields where the header has 1"
    )
    path.write_bytes(b"mobile,x\n13812341050,1\n\n13912345678,2\n")
    assert explain_csv_error(open_table(path, "csv"), "csv") == (
        "record 3 is a blank line where the header has 2 fields"
    )
    path.write_bytes(b"mobile,x\n13812341050,1\n\n")  # at the end: no record
    assert explain_csv_error(open_table(path, "csv"), "csv") is None


# -- blank lines at the end of the file ----------------------------------------------


@pytest.mark.parametrize(
    ("data", "rows"),
    [
        (b"a,b\n1,2\n\n", [("1", "2")]),
        (b"a,b\n1,2\n\n\n\n", [("1", "2")]),
        (b"a,b\r\n1,2\r\n\r\n\r\n", [("1", "2")]),
        (b"a,b\n1,2\n,\n\n", [("1", "2"), (None, None)]),  # ``,`` is a record
        (b'a,b\n1,"2\n\n"\n\n', [("1", "2\n\n")]),  # line breaks inside a value
        (b"a,b\n\n", []),
        (b"a\n1\n\n", [("1",), (None,)]),  # one column: a blank line is an empty value
    ],
)
@pytest.mark.parametrize("tail", [2, 1 << 16], ids=["small-blocks", "one-block"])
def test_blank_lines_at_the_end_are_no_records(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    data: bytes,
    rows: list[tuple[str | None, ...]],
    tail: int,
) -> None:
    monkeypatch.setattr("dataguard.sources.tables._TAIL", tail)
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    source = open_table(path, "csv")
    assert source.frame.collect().rows() == rows
    source.check_records()  # the blank lines are not refused as short records
    assert estimate_rows(source) == len(rows)


def test_a_file_ending_in_blank_lines_is_counted_only_then(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row count that trims the frame is a pass over the file: only paid when the file
    ends in a blank line."""
    path = tmp_path / "in.csv"
    path.write_bytes(b"a,b\n1,2\n")
    assert open_table(path, "csv").rows is None
    path.write_bytes(b"a,b\n1,2\n\n")
    assert open_table(path, "csv").rows == 1


def test_a_quote_that_never_closes_is_refused_before_blank_lines_are_cut(tmp_path: Path) -> None:
    """Polars' own count stops at such a quote without an error: cutting the frame at it
    would drop the records below without a word, so the raw lines are counted instead."""
    path = tmp_path / "in.csv"
    path.write_bytes(b'a,b\n1,2\n3,"4\n5,6\n7,8\n\n')
    assert pl.scan_csv(path, infer_schema=False).select(pl.len()).collect().item() < 4
    with pytest.raises(UsageError, match=r"record 3 opens a quoted field that is never closed"):
        open_table(path, "csv")


@pytest.mark.parametrize(
    "data",
    [
        b"abc\xe4\xb8\xad\xe6\x96\x87xyz\xff",
        b"ab\xe4\xb8\xadcdef\xd5\xc5q",
        b"x" * 6 + b"\xe4\xb8",
        b"ok",
    ],
)
def test_first_undecodable_byte_across_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    # Chunks of 7 bytes cut multi-byte characters; the offset must still be the file's.
    monkeypatch.setattr(tables, "_CHUNK", 7)
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    try:
        data.decode("utf-8")
        expected = None
    except UnicodeDecodeError as exc:
        expected = exc.start
    assert tables._first_undecodable_byte(path) == expected


def test_a_file_ending_inside_a_character_is_a_usage_error(tmp_path: Path) -> None:
    # The transcoder's last decode was not checked: a traceback, not an error naming the byte.
    path = tmp_path / "in.csv"
    path.write_bytes("id,name\n1,张三\n2,".encode("gbk") + b"\x81")
    with pytest.raises(UsageError, match=r"in.csv: not valid gbk at byte 17; pass --encoding"):
        open_table(path, "csv", "gbk")


def test_a_file_mixing_utf8_and_gbk_lines_is_refused_by_line(tmp_path: Path) -> None:
    # Read as GB18030 the UTF-8 rows came out garbled: 李四 went out unmasked and its
    # kept first "character" was half of 李 in UTF-8 bytes.
    path = tmp_path / "both.csv"
    gbk = "张三丰,13812341050\n".encode("gbk")
    utf8 = "李四,13912345678\n".encode()
    path.write_bytes(b"name,phone\n" + gbk + utf8)
    with pytest.raises(UsageError) as caught:
        open_table(path, "csv")
    message = str(caught.value)
    assert "mixes encodings: line 3 is UTF-8 Chinese, line 2 is not UTF-8" in message
    assert "13812341050" not in message
    # One encoding throughout reads, a GBK line that decodes as UTF-8 by chance included
    # (女 is C5 AE in GBK: UTF-8's Ů).
    path.write_bytes(b"name,sex\n" + "张三丰,男\n,女\n".encode("gbk"))
    source = open_table(path, "csv")
    assert source.encoding == "gb18030"
    source.close()
    # Told the encoding, the file is read as that.
    path.write_bytes(b"name,phone\n" + gbk + utf8)
    source = open_table(path, "csv", "gb18030")
    assert source.encoding == "gb18030"
    source.close()


def test_a_value_a_file_without_quoting_cannot_hold_is_refused(tmp_path: Path) -> None:
    """Written back unquoted, a tab or line break inside a value would split its row: the
    write is refused naming the column (none comes from the input; a policy's operator
    could write one)."""
    src = tmp_path / "t.tsv"
    src.write_text("a\tb\n1\t2\n", "utf-8")
    source = open_table(src, "tsv", quoting=False)
    for bad in ("x\ty", "x\ny"):
        batch = pl.DataFrame({"a": ["1"], "b": [bad]})
        with pytest.raises(UsageError, match="column b: a masked value holds the separator"):
            tables.write_batches(iter([batch]), source, tmp_path / "out.tsv", "tsv")
    # Into CSV the value is quoted, as any CSV writes it.
    batch = pl.DataFrame({"a": ["1"], "b": ["x\ny"]})
    tables.write_batches(iter([batch]), source, tmp_path / "out.csv", "csv")
    assert (tmp_path / "out.csv").read_text("utf-8") == 'a,b\n1,"x\ny"\n'


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # A title, padded with separators by Excel or not; a date line and a blank row.
        ("客户名单,,\n姓名,手机,备注\n张三,138,x\n", ("客户名单,,",)),
        (
            "客户名单\n导出时间：2026-11-28\n\n姓名,手机\n张三,138\n",
            ("客户名单", "导出时间：2026-11-28", ""),
        ),
        ('"Customers, November",,\nname,phone,note\nWang,138,x\n', ('"Customers, November",,',)),
        ("客户名单\r姓名,手机\r张三,138\r", ("客户名单",)),  # CSV (Macintosh)
        # No title: a header first; a one-column file; a header with an empty name (its
        # next line is data); a first line of data under no header; a blank first row
        # alone; a quoted cell running onto the next line; no header within 30 lines.
        ("姓名,手机\n张三,138\n", ()),
        ("mobile\n13812341050\n13912345678\n", ()),
        ("id,,\n1,张三,138\n", ()),
        ("总计\n1,张三,13812341050\n", ()),
        (",,\n姓名,手机,备注\n", ()),
        ('"备注\n第二行",x\n姓名,手机\n', ()),
        ("".join(f"{n}\n" for n in range(31)) + "姓名,手机\n张三,138\n", ()),
        ("客户名单\n姓名,姓名\n", ()),  # names repeat: no header
        ("客户名单\n2026-11-28,100.00\n", ()),  # numbers: data
        # Split by tabs, a record with a quoted tab reads as two words, but the record
        # after it does not split alike.
        ('id,mobile\n1,"\t110105"\n2,13912345678\n', ()),
        ("tags\na;b\nc;d\n", ()),  # a one-column file, not two columns split by ;
        ("组别,,,\n张三,李四,王五,赵六\n钱七,孙八,周九,吴十\n", ()),  # names are data
        ("客户名单,,\n姓名,金额,余额\n张三,1,2\n", ("客户名单,,",)),  # words, not names
        ('客户名单\n姓名,备注\n张三,"第一行\n第二行"\n', ("客户名单",)),  # a quoted line break
        ("客户名单\n姓名,手机\n", ()),  # a header and no record: nothing says it is one
        # A header ending in a separator, as its records do (Alipay's bill): the empty
        # last name is no reason to read the title as the header.
        ("客户名单\n姓名,手机,\n张三,138,\n", ("客户名单",)),
        ("客户名单\n姓名,,手机\n张三,,138\n", ()),  # an empty name inside: not a header
        # A payment bill's summary above the header (WeChat Pay's: 16 lines).
        (
            "微信支付账单明细,,\n"
            + "".join(f"说明{n}：…,,\n" for n in range(14))
            + "------微信支付账单明细列表------,,\n交易时间,交易对方,金额(元)\n"
            + "2026-10-31 18:20:11,李娜,¥500.00\n",
            (
                "微信支付账单明细,,",
                *(f"说明{n}：…,," for n in range(14)),
                "------微信支付账单明细列表------,,",
            ),
        ),
    ],
)
def test_title_lines_are_the_lines_above_a_header(
    tmp_path: Path, text: str, title: tuple[str, ...]
) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    assert title_lines(path, "utf-8") == title


_RULE = "-" * 40


@pytest.mark.parametrize(
    ("text", "footer"),
    [
        # Alipay's bills before 2022: a rule line, then the summary, below the records.
        (
            f"交易号,金额,备注\n1,35.50,外卖\n{_RULE}\n共1笔记录\n已收入:0笔,0.00元\n用户:张伟\n",
            (_RULE, "共1笔记录", "已收入:0笔,0.00元", "用户:张伟"),
        ),
        (
            f"a,b,c\r\n1,2,3\r\n{_RULE}\r\n导出时间:[2019-01-01]\r\n",
            (_RULE, "导出时间:[2019-01-01]"),
        ),
        (f"a,b,c\n1,2,3\n{_RULE}", (_RULE,)),  # no line break at the end
        # No footer: none at all; a short last record without a rule line (a crash cut it:
        # still refused); a record as wide as the header after the rule; a rule line in a
        # record's quoted text; a rule line as a record's only field in a one-field file;
        # lines padded to the header's width.
        ("a,b,c\n1,2,3\n", ()),
        ("a,b,c\n1,2,3\n4,5\n", ()),
        (f"a,b,c\n{_RULE}\n1,2,3\n", ()),
        (f'a,b,c\n1,2,"note\n{_RULE}\n"\n', ()),
        (f"a\n1\n{_RULE}\n", ()),
        (f"a,b,c\n1,2,3\n{_RULE},,\n用户:张伟,,\n", ()),  # padded: records
    ],
)
def test_footer_lines_are_a_rule_and_the_narrow_lines_after_it(
    tmp_path: Path, text: str, footer: tuple[str, ...]
) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    width = len(text.split("\n", 1)[0].split(","))
    lines, cut = footer_lines(path, ",", width)
    assert lines == footer
    if footer:  # the records end where the footer starts
        assert not path.read_bytes()[:cut].decode("utf-8").endswith(footer[0])
        assert path.read_bytes()[cut:].decode("utf-8").startswith(footer[0])
    else:
        assert cut == 0


def test_a_footer_is_read_around_and_the_records_read_alone(tmp_path: Path) -> None:
    path = tmp_path / "bill.csv"
    path.write_bytes(f"交易号,金额\r\n1,35.50\r\n2,12.00\r\n{_RULE}\r\n用户:张伟\r\n".encode("gbk"))
    table = open_table(path, "csv", "gbk")
    try:
        assert table.footer == (_RULE, "用户:张伟")
        assert table.frame.collect().rows() == [("1", "35.50"), ("2", "12.00")]
    finally:
        table.close()
    assert table.scratch is None  # the copy without the footer is gone


def test_title_lines_after_excels_separator_line(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("sep=;\r\n客户名单;;\r\n姓名;手机;备注\r\n张三;138;x\r\n".encode("gbk"))
    assert title_lines(path, "gbk", skip=1, separator=";") == ("客户名单;;",)
    table = open_table(path, "csv", "gbk")
    try:
        assert (table.preamble, table.title, table.separator) == ("sep=;", ("客户名单;;",), ";")
        assert table.frame.collect().rows() == [("张三", "138", "x")]
    finally:
        table.close()


_CELL = st.text(alphabet=st.sampled_from('ab张三,;|"\n 1-'), max_size=8)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(
        st.text(alphabet="abc姓名", min_size=1, max_size=4), min_size=1, max_size=4, unique=True
    ),
    cells=st.lists(_CELL, max_size=40),
)
def test_property_a_table_that_starts_with_its_header_has_no_title(
    tmp_path: Path, names: list[str], cells: list[str]
) -> None:
    """Whatever its records hold (separators, quotes, line breaks), a file whose first line
    is its header (one column or more) is never read as titled."""
    width = len(names)
    rows = [cells[i : i + width] for i in range(0, len(cells) - width + 1, width)]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([names, *rows])
    path = tmp_path / "t.csv"
    path.write_text(buffer.getvalue(), "utf-8")
    assert title_lines(path, "utf-8") == ()
