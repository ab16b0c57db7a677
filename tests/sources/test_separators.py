"""CSV field separators other than the comma: detected, honoured by every check, kept.

A ``;``-separated export read with commas is one text column: the header that named its
name column is gone, and names in it went out unmasked. These tests pin the detection
(:func:`~dataguard.sources.tables.sniff_separator`) and that the record and quote checks
count with the file's own separator, against Python's csv module.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataguard.errors import UsageError
from dataguard.sources.tables import (
    first_bad_quote,
    first_ragged_record,
    open_table,
    sniff_separator,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id,name\n1,张三\n", ","),
        ("id;name;phone\n1;张三;13812341050\n", ";"),
        ("id|name|phone\n1|张三|13812341050\n", "|"),
        ("id\tname\n1\t张三\n", "\t"),
        # A comma header wins, whatever the rows hold.
        ("id,note\n1,a;b;c\n", ","),
        # One column: a quoted header holding a semicolon is not a separator.
        ('"a;b"\nx\n', ","),
        # Records of another width than the header: no consistent separator, commas.
        ("a;b\n1;2;3\n", ","),
        # Quoted fields may hold the separator and line breaks.
        ('id|note\n1|"x|y\nz"\n2|w\n', "|"),
        ("", ","),
        ("single\n1\n", ","),
    ],
)
def test_the_separator_is_detected_from_the_header_and_first_records(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, "utf-8")
    assert sniff_separator(path) == expected


_FIELD = st.text(alphabet='ab|;,"\n 1张', max_size=6)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(_FIELD, min_size=3, max_size=3), min_size=1, max_size=6),
    short=st.integers(0, 6),
    separator=st.sampled_from([";", "|"]),
)
def test_record_checks_count_fields_with_the_files_separator(
    tmp_path: Path, rows: list[list[str]], short: int, separator: str
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\n")
    writer.writerow(["a", "b", "c"])
    for number, row in enumerate(rows, start=2):
        writer.writerow(row[:2] if number == short else row)
    path = tmp_path / "p.csv"
    path.write_text(buffer.getvalue(), "utf-8")
    assert first_bad_quote(path, separator) is None  # csv.writer quotes properly
    found = first_ragged_record(path, separator, 3)
    widths = [len(r) for r in csv.reader(io.StringIO(buffer.getvalue()), delimiter=separator)]
    expected = next((n for n, w in enumerate(widths, start=1) if w != 3), None)
    assert (found.number if found is not None else None) == expected


def test_a_stray_quote_is_located_in_a_pipe_separated_file(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text('id|note\n1|"a"b\n', "utf-8")
    with pytest.raises(UsageError, match="record 2"):
        open_table(path, "csv")


def test_a_given_separator_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("a|b\n1|2\n", "utf-8")
    assert open_table(path, "csv").separator == "|"
    table = open_table(path, "csv", separator=",")
    assert table.separator == ","
    assert table.frame.collect_schema().names() == ["a|b"]


# ref. Microsoft Excel's separator line: ``sep=;`` before the header. Read as the header, it
# made the real header a row (``name;phone`` came out as ``name;******hone``) and the name
# column ``column_1``, copied unmasked.
@pytest.mark.parametrize(
    ("first", "separator"),
    [("sep=;", ";"), ("sep=|", "|"), ('"sep=;"', ";"), ("sep=\t", "\t"), ("sep=,", ",")],
)
@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_excels_separator_line_names_the_separator_and_is_no_record(
    tmp_path: Path, first: str, separator: str, ending: str
) -> None:
    path = tmp_path / "excel.csv"
    rows = [["name", "phone"], ["张三", "13812341050"], ["李四", "13912345678"]]
    body = ending.join(separator.join(row) for row in rows) + ending
    path.write_bytes(("\ufeff" + first + ending + body).encode("utf-8"))
    table = open_table(path, "csv")
    try:
        assert table.separator == separator
        assert table.preamble == first
        assert table.frame.collect().rows() == [tuple(r) for r in rows[1:]]
    finally:
        table.close()


def test_a_line_that_only_starts_like_a_separator_line_is_the_header(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("sep=;x,phone\n1,13812341050\n", "utf-8")
    table = open_table(path, "csv")
    assert table.preamble is None
    assert table.frame.collect_schema().names() == ["sep=;x", "phone"]


def test_a_gbk_export_with_a_separator_line_is_read_through_one_copy(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("sep=|\r\n姓名|手机\r\n张三|13812341050\r\n".encode("gbk"))
    table = open_table(path, "csv")
    try:
        assert (table.encoding, table.separator, table.preamble) == ("gb18030", "|", "sep=|")
        assert table.frame.collect().rows() == [("张三", "13812341050")]
    finally:
        table.close()
    assert table.scratch is None


def test_a_quote_fault_below_a_separator_line_names_the_files_own_line(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('sep=;\nid;note\n1;ok\n2;"a"b\n', "utf-8")
    # The stray quote is on line 4 of the file (line 3 of the copy read without sep=;).
    with pytest.raises(UsageError, match="line 4"):
        open_table(path, "csv")
