"""Sparse columns in a dump: judged with the first non-empty values the stream showed.

A dump scan samples rows with a reservoir; a column filled in one row in 2,000 is then
seen empty, or once. The stream passes every row, so the first 200 non-empty values of
each column are kept as it goes (``sources.sparse.FirstValues``) and a sparse column is
assessed with them too.
"""

from __future__ import annotations

import random
from pathlib import Path

from dataguard.scan.dump import scan_dump
from dataguard.sources.sparse import FirstValues
from dataguard.testing import generators as gen

_DEFINITION = "CREATE TABLE `members` (`id` int, `c7` varchar(20), `status` varchar(8));\n"


def _rows(rng: random.Random, start: int, n: int, phones: list[str]) -> str:
    values = []
    for i in range(start, start + n):
        contact = "NULL"
        if i % 2000 == 999:
            phones.append(gen.mobile_digits(rng))
            contact = f"'{phones[-1]}'"
        values.append(f"({i},{contact},'ok')")
    return f"INSERT INTO `members` VALUES {','.join(values)};\n"


def test_a_sparse_dump_column_is_judged_with_its_first_values(tmp_path: Path) -> None:
    rng, phones = random.Random(1), []
    dump = tmp_path / "shop.sql"
    dump.write_text(
        _DEFINITION + "".join(_rows(rng, s, 1000, phones) for s in range(0, 20000, 1000)),
        "utf-8",
    )
    report = scan_dump(dump, sample=200)
    columns = {c.column: c for c in report.columns}
    assert (columns["c7"].entity, columns["c7"].evidence.valid) == ("CN_MOBILE", len(phones))
    assert columns["status"].entity is None
    (note,) = report.notes
    assert note.startswith("members: 1 column(s) had fewer than 20 non-blank values")
    assert note.endswith(": c7")
    assert not [p for p in phones if p in report.to_json()]
    # A dump the reservoir holds whole needs no second look.
    assert scan_dump(dump, sample=50_000).notes == []


def test_a_late_definition_names_the_first_values_too(tmp_path: Path) -> None:
    rng, phones = random.Random(2), []
    dump = tmp_path / "late.sql"
    early = "".join(_rows(rng, s, 1000, phones) for s in range(0, 10000, 1000))
    late = "".join(_rows(rng, s, 1000, phones) for s in range(10000, 20000, 1000))
    dump.write_text(early + _DEFINITION + late, "utf-8")
    report = scan_dump(dump, sample=200)
    columns = {c.column: c for c in report.columns}
    assert list(columns) == ["id", "c7", "status"]
    assert columns["c7"].evidence.valid == len(phones)


def test_first_values_stop_at_their_size_and_skip_blanks() -> None:
    first = FirstValues(size=2)
    first.add_rows(["a", "b"], [("1", None), (" ", "x"), ("2", ""), ("3", "y")])
    first.add_rows(["a", "b"], [("4", "z")])
    assert first.values == {"a": ["1", "2"], "b": ["x", "y"]}
    first.renamed({"a": "id"})
    assert first.values == {"id": ["1", "2"], "b": ["x", "y"]}
