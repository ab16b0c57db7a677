"""Dump tables without a definition: columns by position, a note, and names when one comes.

The real ``--no-create-info`` dumps of both servers are in ``test_scan_dump.py``; these
hand-written dumps cover what a server does not write (a definition after the rows).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from dataguard.scan.dump import scan_dump
from dataguard.scan.html import render_html
from dataguard.scan.render import render_markdown
from dataguard.scan.report import ScanReport
from dataguard.testing import generators as g

_DEFINITION = "CREATE TABLE `members` (`id` int, `remark` text, `contact` varchar(20));\n"


def _rows(rng: random.Random, n: int) -> str:
    values = ",".join(f"({i},'已处理','{g.mobile_digits(rng)}')" for i in range(n))
    return f"INSERT INTO `members` VALUES {values};\n"


def test_rows_without_a_definition_are_scanned_by_position(tmp_path: Path) -> None:
    dump = tmp_path / "data-only.sql"
    dump.write_text(_rows(random.Random(1), 40), "utf-8")
    report = scan_dump(dump)
    assert [c.column for c in report.columns] == ["#1", "#2", "#3"]
    assert [c.entity for c in report.columns] == [None, None, "CN_MOBILE"]
    assert len(report.notes) == 1
    assert report.notes[0].startswith("members: the dump never defines this table (line 1")
    # The note reaches every format, escaped where markup is made; never a value.
    assert "- Note: members: the dump never defines" in render_markdown(report)
    assert "inserts rows without column names" in render_html(report)
    data = json.loads(report.to_json())
    assert data["notes"] == report.notes
    assert ScanReport.from_dict(data).notes == report.notes
    shown = render_markdown(report) + render_html(report) + report.to_json()
    assert not [m for m in re.findall(r"1[3-9][0-9]{9}", dump.read_text("utf-8")) if m in shown]


def test_a_definition_after_the_rows_names_their_columns(tmp_path: Path) -> None:
    rng = random.Random(2)
    dump = tmp_path / "late.sql"
    dump.write_text(_rows(rng, 20) + _DEFINITION + _rows(rng, 20), "utf-8")
    report = scan_dump(dump)
    assert [c.column for c in report.columns] == ["id", "remark", "contact"]
    assert [c.entity for c in report.columns] == [None, None, "CN_MOBILE"]
    assert report.tables[0].sampled == 40  # the early rows count under their real names
    assert report.notes == []


def test_a_dump_with_its_schema_has_no_notes(tmp_path: Path) -> None:
    dump = tmp_path / "full.sql"
    dump.write_text(_DEFINITION + _rows(random.Random(3), 10), "utf-8")
    report = scan_dump(dump)
    assert report.notes == []
    assert "notes" not in json.loads(report.to_json())
    assert "Note:" not in render_markdown(report)


def test_clean_columns_show_no_python_none_in_markdown_or_csv(tmp_path: Path) -> None:
    """A clean column has no protection state: the tables show a dash (CSV: empty), as
    they do for its grade and entity, not Python's ``None``."""
    from dataguard.scan.render import render_csv

    dump = tmp_path / "shop.sql"
    dump.write_text(_DEFINITION + _rows(random.Random(2), 30), "utf-8")
    report = scan_dump(dump)
    clean = [c for c in report.columns if c.entity is None]
    assert clean
    assert all(c.protection is None for c in clean)
    markdown = render_markdown(report, include_clean=True)
    assert "| members | id | - | 1.00 | - | none |" in markdown
    assert "None" not in markdown
    assert "None" not in render_csv(report, include_clean=True)
