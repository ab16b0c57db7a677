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
