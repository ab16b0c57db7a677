"""The run's write-ahead journal: lines, open intents, resuming, torn and damaged lines.

Real files under tmp_path; a crash is simulated by writing the bytes it would leave.
"""

from __future__ import annotations

import base64
import json
import os
import re
import stat
from pathlib import Path

import pytest

from dataguard.destroy.journal import Journal, Pending, pack_hashes, unpack_hashes
from dataguard.errors import UsageError

ORDERS = "rows:orders"
FILES = "files"
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")


def test_write_then_read_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "p.journal"
    with Journal(path) as journal:
        journal.write("start", {"plan": "abc"})
        journal.write("intent", {"target": ORDERS, "batch": 1, "rows": 2})
    lines = list(Journal(path).lines())
    assert [(line["event"], line.get("batch")) for line in lines] == [
        ("start", None),
        ("intent", 1),
    ]
    assert lines[0]["plan"] == "abc"
    assert lines[1]["rows"] == 2
    assert all(STAMP.match(line["time"]) for line in lines)


def test_each_line_is_compact_sorted_json_ending_in_a_newline(tmp_path: Path) -> None:
    path = tmp_path / "p.journal"
    with Journal(path) as journal:
        journal.write("done", {"target": ORDERS, "batch": 1, "deleted": 2})
    data = path.read_bytes()
    assert data.endswith(b"\n")
    assert data.count(b"\n") == 1
    line = json.loads(data)
    assert list(line) == sorted(line)
    assert b" " not in data


def test_the_journal_is_created_private(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "p.journal"
    with Journal(path):
        pass
    assert path.exists()
    assert path.read_bytes() == b""
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_writing_to_a_closed_journal_is_refused(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "p.journal")
    with pytest.raises(RuntimeError, match="not open"):
        journal.write("start")
    with journal:
        journal.write("start")
    with pytest.raises(RuntimeError, match="not open"):
        journal.write("finish")


def test_a_journal_appends_across_runs(tmp_path: Path) -> None:
    path = tmp_path / "p.journal"
    with Journal(path) as journal:
        journal.write("start")
    with Journal(path) as journal:
        journal.write("start")
        journal.write("finish")
    assert [line["event"] for line in Journal(path).lines()] == ["start", "start", "finish"]


def test_no_journal_means_nothing_pending(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "none.journal")
    assert list(journal.lines()) == []
    assert journal.pending() == Pending()
    assert journal.pending().batches(ORDERS) == 1
    assert not (tmp_path / "none.journal").exists()


# -- pending -----------------------------------------------------------------------------------


def test_an_intent_without_done_is_open(tmp_path: Path) -> None:
    path = tmp_path / "p.journal"
    with Journal(path) as journal:
        journal.write("start")
        journal.write("intent", {"target": ORDERS, "batch": 1, "rows": 2})
        journal.write("done", {"target": ORDERS, "batch": 1, "deleted": 2})
        journal.write("intent", {"target": ORDERS, "batch": 2, "rows": 5, "hashes": "x"})
    pending = Journal(path).pending()
    assert pending.started
    assert not pending.finished
    assert set(pending.open_intents) == {ORDERS}
    assert list(pending.open_intents[ORDERS]) == [2]
    assert pending.open_intents[ORDERS][2]["rows"] == 5
    assert pending.open_intents[ORDERS][2]["hashes"] == "x"
    assert list(pending.done[ORDERS]) == [1]
    assert pending.batches(ORDERS) == 3
    assert pending.total(ORDERS, "deleted") == 2


def test_settled_closes_an_open_intent(tmp_path: Path) -> None:
    path = tmp_path / "p.journal"
    with Journal(path) as journal:
        journal.write("intent", {"target": ORDERS, "batch": 1, "rows": 3})
    assert list(Journal(path).pending().open_intents[ORDERS]) == [1]
    with Journal(path) as journal:  # the resumed run settles it
        journal.write("settled", {"target": ORDERS, "batch": 1, "deleted": 1})
    pending = Journal(path).pending()
    assert pending.open_intents[ORDERS] == {}
    assert pending.done[ORDERS][1]["event"] == "settled"
    assert pending.total(ORDERS, "deleted") == 1
    assert pending.batches(ORDERS) == 2


def test_batches_count_per_target(tmp_path: Path) -> None:
    path = tmp_path / "p.journal"
    with Journal(path) as journal:
        for batch in (1, 2, 3):
            journal.write("intent", {"target": ORDERS, "batch": batch})
            journal.write("done", {"target": ORDERS, "batch": batch, "deleted": 10})
        journal.write("intent", {"target": FILES, "batch": 1})
    pending = Journal(path).pending()
    assert pending.batches(ORDERS) == 4
    assert pending.batches(FILES) == 2  # an open intent takes its number too
    assert pending.batches("rows:users") == 1
    assert pending.total(ORDERS, "deleted") == 30
    assert pending.total(ORDERS, "missing") == 0
    assert pending.total(FILES, "deleted") == 0


def test_target_done_and_finish(tmp_path: Path) -> None:
    path = tmp_path / "p.journal"
    with Journal(path) as journal:
        journal.write("start")
        journal.write("target-done", {"target": ORDERS})
        journal.write("target-done", {"target": FILES})
        journal.write("finish")
    pending = Journal(path).pending()
    assert pending.started
    assert pending.finished
    assert pending.done_targets == {ORDERS, FILES}


# -- crashes and damage ----------------------------------------------------------------------


def test_a_torn_last_line_is_dropped_on_open(tmp_path: Path) -> None:
    path = tmp_path / "p.journal"
    with Journal(path) as journal:
        journal.write("start")
        journal.write("intent", {"target": ORDERS, "batch": 1})
    complete = path.read_bytes()
    torn = b'{"batch":2,"event":"inte'
    path.write_bytes(complete + torn)  # what a crash mid-write leaves
    # Reading alone ignores the torn line...
    assert [line["event"] for line in Journal(path).lines()] == ["start", "intent"]
    # ...and opening cuts the file back to its last newline before appending.
    with Journal(path) as journal:
        assert path.read_bytes() == complete
        journal.write("settled", {"target": ORDERS, "batch": 1, "deleted": 0})
    events = [line["event"] for line in Journal(path).lines()]
    assert events == ["start", "intent", "settled"]
    assert path.read_bytes().startswith(complete)
    assert torn not in path.read_bytes()


def test_a_torn_first_line_empties_the_journal(tmp_path: Path) -> None:
    path = tmp_path / "p.journal"
    path.write_bytes(b'{"event":"sta')
    with Journal(path):
        pass
    assert path.read_bytes() == b""
    assert Journal(path).pending() == Pending()


def test_a_torn_tail_that_happens_to_parse_is_still_dropped(tmp_path: Path) -> None:
    path = tmp_path / "p.journal"
    path.write_bytes(b'{"event":"start"}\n{"event":"finish"}')  # no newline: never completed
    assert not Journal(path).pending().finished
    with Journal(path):
        pass
    assert path.read_bytes() == b'{"event":"start"}\n'


@pytest.mark.parametrize(
    ("middle", "message"),
    [
        (b'{"event":"intent","batch":\n', "line 2 is damaged"),
        (b"\x00\x00\x00\n", "line 2 is damaged"),
        (b"\xff\xfe\n", "line 2 is damaged"),
        (b"[1, 2]\n", "line 2 is not a journal line"),
        (b'{"target":"rows:orders"}\n', "line 2 is not a journal line"),
    ],
)
def test_a_damaged_middle_line_is_a_usage_error(
    tmp_path: Path, middle: bytes, message: str
) -> None:
    path = tmp_path / "p.journal"
    path.write_bytes(b'{"event":"start"}\n' + middle + b'{"event":"finish"}\n')
    with pytest.raises(UsageError, match=message):
        Journal(path).pending()
    with pytest.raises(UsageError, match=str(path)):
        list(Journal(path).lines())


# Regression: a parseable line with no usable batch number once escaped as a bare
# KeyError / ValueError / TypeError from Journal.pending instead of the UsageError it promises.
@pytest.mark.parametrize(
    "line",
    [
        b'{"event":"intent","target":"rows:orders"}\n',
        b'{"event":"done","target":"rows:orders","batch":"x"}\n',
        b'{"event":"settled","target":"rows:orders","batch":null}\n',
    ],
)
def test_fixed_bug_a_line_without_a_batch_number_is_a_usage_error(
    tmp_path: Path, line: bytes
) -> None:
    path = tmp_path / "p.journal"
    path.write_bytes(b'{"event":"start"}\n' + line)
    with pytest.raises(UsageError):
        Journal(path).pending()


def test_opening_does_not_touch_a_damaged_middle(tmp_path: Path) -> None:
    path = tmp_path / "p.journal"
    data = b'{"event":"start"}\nnot json\n{"event":"finish"}\n'
    path.write_bytes(data)
    with Journal(path):
        pass
    assert path.read_bytes() == data  # only a torn tail is ever cut


# -- packed hashes -----------------------------------------------------------------------------


def test_pack_and_unpack_hashes_round_trip() -> None:
    hashes = [bytes([n]) * 16 for n in range(5)] + [os.urandom(16) for _ in range(50)]
    packed = pack_hashes(hashes)
    assert base64.b64decode(packed) == b"".join(hashes)
    assert unpack_hashes(packed) == set(hashes)


def test_pack_of_nothing_is_empty() -> None:
    assert pack_hashes([]) == ""
    assert unpack_hashes("") == set()


def test_unpack_with_another_size() -> None:
    hashes = [b"a" * 32, b"b" * 32]
    assert unpack_hashes(pack_hashes(hashes), 32) == set(hashes)


def test_packed_hashes_survive_the_journal(tmp_path: Path) -> None:
    path = tmp_path / "p.journal"
    hashes = [os.urandom(16) for _ in range(100)]
    with Journal(path) as journal:
        journal.write("intent", {"target": ORDERS, "batch": 1, "hashes": pack_hashes(hashes)})
    line = Journal(path).pending().open_intents[ORDERS][1]
    assert unpack_hashes(line["hashes"]) == set(hashes)
