"""``scan files`` on JSON lines: keys the sample sees almost empty, or not at all.

A JSON-lines export names its keys line by line: a ``refund_phone`` written in one line
in two thousand is missing from a 200-line sample, so the report never listed it. The
sample is now drawn as the file is read to its end, keeping the first values of every key.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from dataguard.scan.files import scan_files
from dataguard.sources.tables import sample_jsonl, scan_jsonl
from dataguard.testing import generators as gen

LINES = 6_000


def _events(path: Path, seed: int = 3) -> list[str]:
    """Events with a key in three lines only (``refund_phone``), a key in every line that
    is null but in three (``alt``), and dense clean keys; returns the personal values."""
    rng = random.Random(seed)
    personal: list[str] = []
    with path.open("w", encoding="utf-8") as out:
        for i in range(LINES):
            event: dict[str, object] = {"id": i, "status": "paid", "alt": None}
            if i % 2000 == 1234:
                event["refund_phone"] = gen.mobile_digits(rng)
                event["alt"] = gen.id_card(rng)
                personal += [str(event["refund_phone"]), str(event["alt"])]
            out.write(json.dumps(event, ensure_ascii=False) + "\n")
    return personal


def test_rare_and_sparse_keys_are_judged_from_their_values(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    personal = _events(path)
    assert "refund_phone" not in sample_jsonl(path, 200, 0).columns  # the blind spot

    report = scan_files([path], sample=200, seed=0)
    columns = {c.column: c for c in report.columns}
    assert (columns["refund_phone"].entity, columns["refund_phone"].evidence.valid) == (
        "CN_MOBILE",
        3,
    )
    assert (columns["alt"].entity, columns["alt"].evidence.valid) == ("CN_ID_CARD", 3)
    assert columns["status"].entity is None
    (note,) = report.notes
    assert note.endswith("were read: alt, refund_phone") or note.endswith(
        "were read: refund_phone, alt"
    )
    assert report.tables[0].rows == LINES  # every line was read, so the count is exact
    assert not [value for value in personal if value in report.to_json()]


def test_a_file_the_sample_reads_whole_needs_no_second_look(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    _events(path)
    report = scan_files([path], sample=10_000, seed=0)
    assert report.notes == []
    assert {c.column: c for c in report.columns}["refund_phone"].evidence.valid == 3


def test_the_second_look_passes_over_a_broken_line_the_sample_did_not_draw(
    tmp_path: Path,
) -> None:
    """A log still being written ends in half a line; only a sampled line is an error."""
    path = tmp_path / "events.jsonl"
    _events(path)
    with path.open("a", encoding="utf-8") as out:
        out.write('{"id": 6000, "refund_phone": "1381')
    read = scan_jsonl(path, 200, 0, first_values=True)
    assert (read.lines, read.skipped) == (LINES, 1)
    assert read.first_values is not None
    assert len(read.first_values.values["refund_phone"]) == 3


def test_the_report_says_what_the_second_look_passed_over(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    _events(path)
    with path.open("a", encoding="utf-8") as out:
        out.write('{"id": 6000, "refund_phone": "1381')
    report = scan_files([path], sample=200, seed=0)
    assert f"{path}: 1 line(s) after the sample are not JSON objects" in " ".join(report.notes)


def test_without_the_second_look_the_file_is_read_as_far_as_the_sample(tmp_path: Path) -> None:
    # `scan files --no-sparse-check`, as `scan db` has it: the sample alone decides, and the
    # row count, which only a read to the end could give, is reported unknown.
    path = tmp_path / "events.jsonl"
    _events(path)
    report = scan_files([path], sample=200, seed=0, sparse=False)
    columns = {c.column: c for c in report.columns}
    assert "refund_phone" not in columns
    assert columns["alt"].entity is None
    assert report.notes == []
    assert report.tables[0].rows is None
    read = scan_jsonl(path, 200, 0)
    assert not read.whole
    assert read.lines == 200


def test_the_cli_switch_turns_the_second_look_off_for_every_table(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from dataguard.cli.main import cli

    path = tmp_path / "events.jsonl"
    _events(path)
    csv_path = tmp_path / "orders.csv"
    rows = ["id,alt_contact"] + [f"{i}," for i in range(5000)]
    rows[3001] = "3000,13812341050"
    csv_path.write_text("\n".join(rows) + "\n", "utf-8")
    for switch, sparse_columns in (("--sparse-check", 3), ("--no-sparse-check", 0)):
        result = CliRunner().invoke(
            cli, ["scan", "files", str(path), str(csv_path), "--sample", "200", switch]
        )
        assert result.exit_code in (0, 1), result.output
        report = json.loads(result.stdout)
        found = [c for c in report["columns"] if c["entity"] is not None]
        assert len(found) == sparse_columns, found
