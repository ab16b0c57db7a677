"""The tamper-evident audit log: chain, MAC, tampering found by line, retention, CLI."""

from __future__ import annotations

import itertools
import json
import multiprocessing
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from dataguard.cli.audit import audit_group

from dataguard.audit import (
    CHECKPOINT_EVENT,
    GENESIS,
    WITHHELD,
    AuditLog,
    audit_key,
    prune,
    verify,
)
from dataguard.crypto.keyring import Keyring
from dataguard.errors import UsageError

KEY = b"k" * 32
PASSPHRASE = "a long enough test passphrase"
FAST = {"kdf_params": {"n": 2**15, "r": 8, "p": 1}}
START = datetime(2025, 1, 1, tzinfo=UTC)


class Clock:
    """A settable clock: each call returns ``now``, then steps a minute."""

    def __init__(self, now: datetime = START, step: timedelta = timedelta(minutes=1)) -> None:
        self.now = now
        self.step = step

    def __call__(self) -> datetime:
        now = self.now
        self.now += self.step
        return now


def write(path: Path, n: int, *, suite: str = "intl", clock: Callable[[], datetime] | None = None,
          key: bytes = KEY) -> AuditLog:  # fmt: skip
    log = AuditLog(path, key, suite=suite, clock=clock or Clock())
    for i in range(n):
        details = {"table": f"t{i}", "rows": i, "share": 0.5, "sampled": True}
        log.append("scan.table", actor="alice", role="operator", outcome="ok", details=details)
    return log


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


@pytest.fixture
def log50(tmp_path: Path) -> Path:
    path = tmp_path / "audit.jsonl"
    write(path, 50)
    return path


def test_chain_of_50_verifies(log50: Path) -> None:
    result = verify(log50, KEY)
    assert (result.ok, result.entries, result.problems) == (True, 50, [])
    entries = [json.loads(line) for line in lines(log50)]
    assert [e["seq"] for e in entries] == list(range(50))
    assert entries[0]["prev"] == GENESIS
    assert all(b["prev"] == a["hash"] for a, b in itertools.pairwise(entries))
    assert result.head == entries[-1]["hash"]
    assert entries[0]["time"] == "2025-01-01T00:00:00.000000Z"
    assert set(entries[0]) == {"seq", "time", "event", "actor", "role", "outcome", "details",
                               "prev", "hash", "mac"}  # fmt: skip


def test_changed_byte_is_found_on_its_line(log50: Path) -> None:
    data = lines(log50)
    data[6] = data[6].replace(b'"rows":6', b'"rows":7')
    log50.write_bytes(b"".join(data))
    result = verify(log50, KEY)
    assert result.problems == ["line 7: entry changed (hash mismatch)"]


def test_rehashed_entry_without_the_key_fails_its_mac(log50: Path) -> None:
    import hashlib

    data = lines(log50)
    entry = json.loads(data[6])
    entry["outcome"] = "denied"
    body = {k: v for k, v in entry.items() if k not in ("hash", "mac")}
    canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    entry["hash"] = hashlib.sha256(canon.encode()).hexdigest()
    data[6] = json.dumps(entry, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    log50.write_bytes(b"".join(data))
    problems = verify(log50, KEY).problems
    assert problems[0] == "line 7: MAC does not verify (wrong key or forged)"
    assert problems[1].startswith("line 8: previous-hash link broken")


def test_removed_entry_is_found(log50: Path) -> None:
    data = lines(log50)
    del data[10]  # seq 10, line 11
    log50.write_bytes(b"".join(data))
    assert verify(log50, KEY).problems == [
        "line 11: sequence jumps from 9 to 11: an entry was removed",
        "line 11: previous-hash link broken: entries inserted, removed or reordered",
    ]


def test_inserted_copy_is_found(log50: Path) -> None:
    data = lines(log50)
    data.insert(11, data[10])  # a copy of seq 10 on line 12
    log50.write_bytes(b"".join(data))
    problems = verify(log50, KEY).problems
    assert problems
    assert all(p.startswith("line 12: ") for p in problems)
    assert "inserted or reordered" in problems[0]


def test_swapped_entries_are_found(log50: Path) -> None:
    data = lines(log50)
    data[4], data[5] = data[5], data[4]
    log50.write_bytes(b"".join(data))
    problems = verify(log50, KEY).problems
    assert problems[0] == "line 5: sequence jumps from 3 to 5: an entry was removed"
    assert any(p.startswith("line 6: sequence goes from 5 back to 4") for p in problems)
    assert {p.split(":")[0] for p in problems} == {"line 5", "line 6", "line 7"}


def test_wrong_key_is_reported_once(log50: Path) -> None:
    result = verify(log50, b"x" * 32)
    assert not result.ok
    assert len(result.problems) == 1
    assert result.problems[0].startswith("line 1: MAC does not verify (wrong key or forged)")


def test_wrong_suite_fails(log50: Path) -> None:
    assert verify(log50, KEY, suite="gm").problems[0] == "line 1: entry changed (hash mismatch)"


def test_truncated_last_line_is_reported_distinctly(log50: Path) -> None:
    data = log50.read_bytes()
    log50.write_bytes(data[: len(data) - 40])
    problems = verify(log50, KEY).problems
    assert problems == ["line 50: truncated last entry (a write was interrupted, e.g. a crash)"]
    with pytest.raises(UsageError, match="partial entry"):
        AuditLog(log50, KEY).append("x", actor="a", role="operator", outcome="ok")


def test_garbage_line_is_not_valid_json(log50: Path) -> None:
    data = lines(log50)
    data[2] = b"{not json\n"
    log50.write_bytes(b"".join(data))
    problems = verify(log50, KEY).problems
    assert problems[0] == "line 3: not valid JSON"


def _appender(path: str, worker: int) -> None:
    log = AuditLog(path, KEY)
    for i in range(100):
        log.append("scan.table", actor=f"worker{worker}", role="operator", outcome="ok",
                   details={"n": i})  # fmt: skip


def test_concurrent_appends_from_two_processes_make_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_appender, args=(str(path), w)) for w in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    result = verify(path, KEY)
    assert (result.ok, result.entries) == (True, 200), result.problems
    actors = [json.loads(line)["actor"] for line in lines(path)]
    assert actors.count("worker1") == actors.count("worker2") == 100


def test_gm_suite(tmp_path: Path) -> None:
    path = tmp_path / "gm.jsonl"
    write(path, 5, suite="gm")
    assert verify(path, KEY, suite="gm").ok
    assert not verify(path, KEY, suite="intl").ok


@pytest.mark.parametrize("value", ["13812345678", "call 138 1234 5678 now", 13812345678])
def test_personal_data_in_details_is_refused(tmp_path: Path, value: object) -> None:
    log = AuditLog(tmp_path / "a.jsonl", KEY)
    with pytest.raises(ValueError, match="looks like personal data") as info:
        log.append("scan.table", actor="a", role="operator", outcome="ok",
                   details={"sample": value})  # type: ignore[dict-item]  # fmt: skip
    assert "5678" not in str(info.value)  # the refusal never echoes the value
    assert not (tmp_path / "a.jsonl").exists() or not (tmp_path / "a.jsonl").read_bytes()


def test_masked_previews_counts_and_hashes_are_accepted(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "a.jsonl", KEY)
    entry = log.append("scan.column", actor="a", role="operator", outcome="ok",
                       details={"preview": "138****5678", "findings": 12, "entity": "PHONE",
                                "index": "3f9a0c1d2e4b5a6978877665544332211"})  # fmt: skip
    assert entry.seq == 0
    assert verify(tmp_path / "a.jsonl", KEY).ok


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        AuditLog(tmp_path / "a", b"short")
    with pytest.raises(UsageError, match="unknown suite"):
        AuditLog(tmp_path / "a", KEY, suite="des")
    log = AuditLog(tmp_path / "a", KEY)
    with pytest.raises(ValueError, match="only str"):
        log.append("e", actor="a", role="operator", outcome="ok", details={"x": [1]})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="prune only"):
        log.append(CHECKPOINT_EVENT, actor="a", role="operator", outcome="ok")
    with pytest.raises(UsageError, match="no audit log"):
        verify(tmp_path / "missing", KEY)


def test_roles_are_the_issue_s_four(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "a.jsonl", KEY)
    for role in ("operator", "approver", "auditor", "admin"):
        log.append("keys.list", actor="a", role=role, outcome="ok")
    with pytest.raises(ValueError, match="operator, approver, auditor, admin"):
        log.append("keys.list", actor="a", role="administrator", outcome="ok")
    with pytest.raises(ValueError, match="audit role"):
        prune(tmp_path / "a.jsonl", KEY, older_than=timedelta(days=200), role="root")
    assert verify(tmp_path / "a.jsonl", KEY).entries == 4


def test_withhold_writes_the_entry_without_the_value(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "a.jsonl", KEY)
    entry = log.append("encrypt.file", actor="a", role="operator", outcome="ok",
                       details={"source": "13812345678.csv", "rows": 2}, withhold=True)  # fmt: skip
    assert entry.details == {"source": WITHHELD, "rows": 2}
    assert b"5678" not in (tmp_path / "a.jsonl").read_bytes()
    assert verify(tmp_path / "a.jsonl", KEY).ok


def test_check_appendable_refuses_a_partial_last_entry(log50: Path, tmp_path: Path) -> None:
    AuditLog(tmp_path / "new.jsonl", KEY).check_appendable()  # no file yet: fine
    AuditLog(log50, KEY).check_appendable()
    log50.write_bytes(log50.read_bytes()[:-10])
    with pytest.raises(UsageError, match="partial entry"):
        AuditLog(log50, KEY).check_appendable()


def test_prune_refuses_entries_younger_than_the_minimum(log50: Path) -> None:
    with pytest.raises(UsageError, match="minimum retention of 183 days"):
        prune(log50, KEY, older_than=timedelta(days=30))
    assert verify(log50, KEY).entries == 50


def test_prune_keeps_the_chain_verifiable(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    clock = Clock(START, timedelta(days=10))  # 30 entries over 300 days
    log = write(path, 30, clock=clock)
    now = START + timedelta(days=400)
    pruned = prune(path, KEY, older_than=timedelta(days=200), clock=lambda: now)
    # The cutoff is day 200: entries of days 0..190 go (seq 0..19), days 200..290 stay.
    assert pruned == 20
    data = [json.loads(line) for line in lines(path)]
    assert data[0]["event"] == CHECKPOINT_EVENT
    assert data[0]["details"]["pruned_seq"] == 19
    assert data[1]["seq"] == 20
    result = verify(path, KEY)
    assert (result.ok, result.entries) == (True, 11), result.problems
    # Appending after a prune continues the chain; so does a second prune.
    log.append("keys.rotate", actor="bob", role="admin", outcome="ok")
    assert verify(path, KEY).ok
    assert prune(path, KEY, older_than=timedelta(days=200), clock=lambda: now) == 0
    later = now + timedelta(days=1000)
    assert prune(path, KEY, older_than=timedelta(days=183), clock=lambda: later) == 11
    data = [json.loads(line) for line in lines(path)]
    assert len(data) == 1
    assert data[0]["details"]["pruned_entries"] == 31
    log.append("keys.rotate", actor="bob", role="admin", outcome="ok")
    result = verify(path, KEY)
    assert (result.ok, result.entries) == (True, 2), result.problems
    assert json.loads(lines(path)[-1])["seq"] == 31


def test_forged_or_moved_checkpoint_is_found(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write(path, 10, clock=Clock(START, timedelta(days=30)))
    prune(path, KEY, older_than=timedelta(days=200), clock=lambda: START + timedelta(days=400))
    data = lines(path)
    forged = data[0].replace(b'"pruned_entries":', b'"pruned_entries":1')
    path.write_bytes(forged + b"".join(data[1:]))
    assert verify(path, KEY).problems[0] == "line 1: entry changed (hash mismatch)"
    path.write_bytes(b"".join([data[1], data[0], *data[2:]]))
    problems = verify(path, KEY).problems
    assert "line 2: a checkpoint that is not the first entry" in problems


def test_prune_refuses_a_log_that_does_not_verify(log50: Path) -> None:
    data = lines(log50)
    del data[3]
    log50.write_bytes(b"".join(data))
    with pytest.raises(UsageError, match="does not verify"):
        prune(log50, KEY, older_than=timedelta(days=183),
              clock=lambda: START + timedelta(days=900))  # fmt: skip


# -- keyring and CLI ----------------------------------------------------------------------------


@pytest.fixture
def keyring_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Keyring:
    path = tmp_path / "keys.json"
    monkeypatch.setenv("DATAGUARD_KEYSTORE", str(path))
    monkeypatch.setenv("DATAGUARD_KEYSTORE_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("DATAGUARD_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    return Keyring.create(path, passphrase=PASSPHRASE, **FAST)


def test_audit_key_is_stable_and_kept_in_the_keystore(keyring_env: Keyring) -> None:
    key = audit_key(keyring_env)
    assert len(key) == 32
    assert audit_key(keyring_env) == key
    reopened = Keyring.open(keyring_env.keystore.path, passphrase=PASSPHRASE)
    assert audit_key(reopened) == key


def run(*args: str) -> object:
    return CliRunner().invoke(audit_group, list(args))


def test_cli_verify_exit_codes(keyring_env: Keyring, tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    assert run("verify").exit_code == 2  # no log yet
    write(path, 5, key=audit_key(keyring_env))
    ok = run("verify")
    assert ok.exit_code == 0, ok.output
    assert "ok, 5 entries" in ok.stdout
    data = lines(path)
    del data[2]
    path.write_bytes(b"".join(data))
    bad = run("verify", "--log", str(path))
    assert bad.exit_code == 1
    assert "line 3: sequence jumps from 1 to 3" in bad.stderr
    assert run("verify", "--keystore", str(tmp_path / "nope.json")).exit_code == 2


def test_cli_show_tail(keyring_env: Keyring, tmp_path: Path) -> None:
    write(tmp_path / "audit.jsonl", 5, key=audit_key(keyring_env))
    shown = run("show", "--tail", "2")
    assert shown.exit_code == 0, shown.output
    assert [json.loads(line)["seq"] for line in shown.stdout.splitlines()] == [3, 4]
    assert len(run("show").stdout.splitlines()) == 5
    assert run("show", "--log", str(tmp_path / "missing")).exit_code == 2


def test_without_the_key_the_chain_is_checked_and_each_hash_is_known(log50: Path) -> None:
    from dataguard.audit import chain_head

    keyless = verify(log50, None)
    assert (keyless.ok, keyless.entries) == (True, 50)
    entries = [json.loads(line) for line in lines(log50)]
    assert keyless.hashes == {e["seq"]: e["hash"] for e in entries}
    assert chain_head(log50) == (49, entries[-1]["hash"])
    # A changed entry is still found without the key; a wrong key is not an issue then.
    data = lines(log50)
    data[6] = data[6].replace(b'"rows":6', b'"rows":7')
    log50.write_bytes(b"".join(data))
    assert verify(log50, None).problems == ["line 7: entry changed (hash mismatch)"]


def test_chain_head_of_a_missing_or_empty_log_is_none(tmp_path: Path) -> None:
    from dataguard.audit import chain_head

    assert chain_head(tmp_path / "none.jsonl") is None
    (tmp_path / "empty.jsonl").write_bytes(b"")
    assert chain_head(tmp_path / "empty.jsonl") is None
