"""The audit trail (dataguard.cli.trail): real commands write entries that verify.

Each test runs ``dataguard`` commands through click's runner, then reads the audit log the
autouse fixture in tests/conftest.py points ``DATAGUARD_AUDIT_LOG`` at, checks it with
:func:`dataguard.audit.verify` and looks for the events, roles and outcomes, and for what
must never be there: subject ids, plaintext values, key ids.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from dataguard.cli import trail
from dataguard.cli.main import cli

from dataguard.audit import WITHHELD, AuditLog, audit_key, verify
from dataguard.crypto.keyring import Keyring

PASSPHRASE = "a long enough test passphrase"
FAST: dict[str, Any] = {"kdf_params": {"n": 2**15, "r": 8, "p": 1}}
# Test values chosen so that they cannot occur by chance in hex hashes or base64 MACs.
SUBJECT = "subject:u-zhang-san"
PHONE = "13812341050"
ADDRESS = "浙江省杭州市西湖区文三路"


@pytest.fixture(autouse=True)
def _restore_sigterm() -> Iterator[None]:
    """Commands install a SIGTERM handler; the test process gets its own back."""
    before = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, before)


@pytest.fixture
def keystore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A keystore made by ``dataguard keys init`` (so its init is the log's first entry)."""
    path = tmp_path / "keys.json"
    monkeypatch.setenv("DATAGUARD_KEYSTORE", str(path))
    monkeypatch.setenv("DATAGUARD_KEYSTORE_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("DATAGUARD_ACTOR", "ops-bot")
    result = run("keys", "init")
    assert result.exit_code == 0, result.output
    return path


def run(*args: object, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], input=stdin)


def log_path() -> Path:
    return Path(os.environ["DATAGUARD_AUDIT_LOG"])


def entries(keystore: Path, passphrase: str = PASSPHRASE) -> list[dict[str, Any]]:
    """The log's entries, after checking that it verifies under the keystore's audit key."""
    keyring = Keyring.open(keystore, passphrase)
    result = verify(log_path(), audit_key(keyring), suite=keyring.suite.name)
    assert result.ok, result.problems
    return [json.loads(line) for line in log_path().read_bytes().splitlines()]


def events(log: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(e["event"], e["role"], e["outcome"]) for e in log]


def assert_nothing_secret(*secrets: str) -> None:
    data = log_path().read_bytes()
    for secret in secrets:
        assert secret.encode("utf-8") not in data


def key_ids(keystore: Path) -> list[str]:
    return [k.id for k in Keyring.open(keystore, PASSPHRASE).keystore.keys()]  # noqa: SIM118


# -- keys -------------------------------------------------------------------------------------


def test_key_operations_are_recorded_without_subject_ids_or_key_ids(keystore: Path) -> None:
    token = run("encrypt", "--scope", SUBJECT, ADDRESS).stdout.strip()
    assert token.startswith("dg1:")
    assert run("encrypt", "--scope", "members.mobile", PHONE).exit_code == 0
    assert run("keys", "rotate", SUBJECT).exit_code == 0
    assert run("keys", "rotate", "members.mobile").exit_code == 0
    assert run("keys", "list").exit_code == 0
    assert run("decrypt", token).stdout == f"{ADDRESS}\n"
    assert run("keys", "destroy", SUBJECT, "--yes").exit_code == 0
    ids = key_ids(keystore)

    log = entries(keystore)
    assert events(log) == [
        ("keys.init", "admin", "ok"),
        ("encrypt.values", "operator", "ok"),
        ("encrypt.values", "operator", "ok"),
        ("keys.rotate", "admin", "ok"),
        ("keys.rotate", "admin", "ok"),
        ("keys.list", "auditor", "ok"),
        ("decrypt.values", "operator", "ok"),
        ("keys.destroy", "admin", "ok"),
    ]
    assert {e["actor"] for e in log} == {"ops-bot"}
    assert log[0]["details"] == {"suite": "intl", "kek": "file", "kdf": "scrypt"}
    assert log[1]["details"] == {
        "scope": "subject scope (not shown)", "values": 1, "deterministic": False,
    }  # fmt: skip
    assert log[2]["details"]["scope"] == "members.mobile"
    assert log[3]["details"] == {"scope": "subject scope (not shown)"}
    assert log[4]["details"] == {"scope": "members.mobile"}
    assert log[5]["details"] == {"keys": 5}  # audit, the subject's two, members.mobile's two
    assert log[6]["details"] == {"tokens": 1, "failed": 0}
    assert log[7]["details"] == {"target": "subject scope (not shown)", "versions": 2}
    assert [e["time"] for e in log] == sorted(e["time"] for e in log)
    assert_nothing_secret("u-zhang-san", ADDRESS, PHONE, token, *ids)


def test_a_kek_rotation_is_recorded_and_the_log_still_verifies(
    keystore: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read, write = os.pipe()
    os.write(write, b"the brand new passphrase\n")
    os.close(write)
    rotated = run("keys", "rotate", "--kek", "--new-passphrase-fd", read)
    assert rotated.exit_code == 0, rotated.output
    log = entries(keystore, "the brand new passphrase")  # the audit key itself is unchanged
    assert events(log)[-1] == ("keys.rotate_kek", "admin", "ok")
    assert log[-1]["details"] == {"kek": "file", "new_kek": "file"}


def test_refusals_and_failures_are_recorded_too(keystore: Path) -> None:
    token = run("encrypt", "--scope", "members.mobile", "--context", "row=7", PHONE).stdout
    wrong_row = run("decrypt", "--context", "row=8", token.strip(), "dg1:garbage")
    assert wrong_row.exit_code == 1
    unknown = run("keys", "destroy", "u-zhang-san", "--yes")  # a subject id without its prefix
    assert unknown.exit_code == 2
    no_rotation = run("keys", "rotate", "nobody.knows")
    assert no_rotation.exit_code == 2
    audit_key_kept = run("keys", "destroy", "audit", "--yes")
    assert audit_key_kept.exit_code == 2
    assert "refusing to destroy the `audit` scope's key" in audit_key_kept.stderr
    assert run("keys", "rotate", "audit").exit_code == 2

    log = entries(keystore)
    assert events(log)[2:] == [
        ("decrypt.values", "operator", "failed"),
        ("keys.destroy", "admin", "denied"),
        ("keys.rotate", "admin", "denied"),
        ("keys.destroy", "admin", "denied"),
        ("keys.rotate", "admin", "denied"),
    ]
    assert log[2]["details"] == {"tokens": 2, "failed": 2}
    assert log[3]["details"] == {"target": "unknown scope (not shown)", "error": "UsageError"}
    assert log[4]["details"] == {"scope": "unknown scope (not shown)", "error": "UsageError"}
    assert log[5]["details"]["target"] == "audit"
    assert_nothing_secret("u-zhang-san", "nobody.knows", PHONE)


def test_what_cannot_be_recorded_leaves_no_entry(
    keystore: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = log_path().read_bytes()
    monkeypatch.setenv("DATAGUARD_KEYSTORE_PASSPHRASE", "not the passphrase at all")
    wrong = run("keys", "rotate", "audit")
    assert wrong.exit_code == 2
    assert "wrong passphrase" in wrong.stderr
    monkeypatch.setenv("DATAGUARD_KEYSTORE", str(tmp_path / "missing.json"))
    assert run("keys", "list").exit_code == 2
    assert log_path().read_bytes() == before  # no key, no entry (docs/audit.md)


def test_a_damaged_log_stops_the_command_before_it_acts(keystore: Path) -> None:
    assert run("encrypt", "--scope", "members.mobile", PHONE).exit_code == 0
    log_path().write_bytes(log_path().read_bytes()[:-20])  # a crash mid-write
    result = run("keys", "rotate", "members.mobile")
    assert result.exit_code == 2
    assert "partial entry" in result.stderr
    versions = [k.version for k in Keyring.open(keystore, PASSPHRASE).keystore.keys()]  # noqa: SIM118
    assert versions == [1, 1]  # audit and members.mobile: nothing was rotated


# -- encrypt / decrypt file and db ----------------------------------------------------------


def test_encrypt_and_decrypt_file_record_columns_and_counts(keystore: Path, tmp_path: Path) -> None:
    src, enc, dec = tmp_path / "orders.csv", tmp_path / "orders.enc.csv", tmp_path / "out.csv"
    src.write_text(f"id,mobile,address\n1,{PHONE},{ADDRESS}\n2,,x\n3,13912345678,y\n", "utf-8")
    assert run("encrypt", "file", src, "-o", enc, "--column", "mobile").exit_code == 0
    assert run("decrypt", "file", enc, "-o", dec, "--column", "mobile").exit_code == 0
    broken = run("decrypt", "file", src, "-o", tmp_path / "no.csv", "--column", "mobile")
    assert broken.exit_code == 1

    log = entries(keystore)
    assert events(log)[1:] == [
        ("encrypt.file", "operator", "ok"),
        ("decrypt.file", "operator", "ok"),
        ("decrypt.file", "operator", "failed"),
    ]
    assert log[1]["details"] == {
        "source": "orders.csv", "output": "orders.enc.csv", "format": "csv",
        "columns": "mobile", "deterministic": False, "values": 2, "changed": 2, "failed": 0,
    }  # fmt: skip
    assert log[2]["details"]["changed"] == 2
    assert log[3]["details"]["failed"] == 2  # two plaintext values are not tokens
    assert_nothing_secret(PHONE, "13912345678", ADDRESS)


def test_encrypt_db_and_its_verification_are_recorded(keystore: Path, tmp_path: Path) -> None:
    database = tmp_path / "shop.db"
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE members (id INTEGER PRIMARY KEY, mobile TEXT)")
    connection.executemany(
        "INSERT INTO members VALUES (?, ?)", [(1, PHONE), (2, "13912345678"), (3, None)]
    )
    connection.commit()
    connection.close()
    url = f"sqlite:///{database}"
    encrypted = run("encrypt", "db", url, "--table", "members", "--column", "mobile")
    assert encrypted.exit_code == 0, encrypted.output
    verified = run("encrypt", "db", url, "--table", "members", "--column", "mobile", "--verify")
    assert verified.exit_code == 0, verified.output
    missing = run("encrypt", "db", url, "--table", "nope", "--column", "mobile")
    assert missing.exit_code == 2

    log = entries(keystore)
    assert events(log)[1:] == [
        ("encrypt.db", "operator", "ok"),
        ("encrypt.db.verify", "operator", "ok"),
        ("encrypt.db", "operator", "denied"),
    ]
    first = log[1]["details"]
    assert (first["table"], first["column"], first["scope"]) == ("members", "mobile",
                                                                 "members.mobile")  # fmt: skip
    assert (first["rows"], first["encrypted"], first["empty"]) == (3, 2, 1)
    assert log[2]["details"]["ok"] == 2
    assert log[3]["details"]["error"] == "UsageError"
    assert_nothing_secret(PHONE, "13912345678")


# -- scans ----------------------------------------------------------------------------------


def _phones_csv(path: Path) -> Path:
    path.write_text("id,mobile\n" + "".join(f"{i},1381234{i:04d}\n" for i in range(30)), "utf-8")
    return path


def test_a_scan_needs_no_keystore_and_writes_nothing_without_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAGUARD_KEYSTORE", str(tmp_path / "none.json"))
    result = run("scan", "files", _phones_csv(tmp_path / "export.csv"), "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert not log_path().exists()
    stray = run("scan", "files", tmp_path / "export.csv", "--keystore", tmp_path / "k.json")
    assert stray.exit_code == 2
    assert "add --audit" in stray.stderr


def test_scan_with_audit_records_counts_per_grade(keystore: Path, tmp_path: Path) -> None:
    export = _phones_csv(tmp_path / "export.csv")
    found = run("scan", "files", export, "--audit")
    assert found.exit_code == 1  # plaintext personal data: findings, not a failure
    database = tmp_path / "shop.db"
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT)")
    connection.commit()
    connection.close()
    clean = run("scan", "db", f"sqlite:///{database}", "--audit")
    assert clean.exit_code == 0, clean.output

    log = entries(keystore)
    assert events(log)[1:] == [("scan.files", "operator", "ok"), ("scan.db", "operator", "ok")]
    files = log[1]["details"]
    assert files["paths"] == 1
    assert (files["personal_columns"], files["plaintext_columns"]) == (1, 1)
    assert sum(v for k, v in files.items() if k.startswith("grade ")) == 1
    assert "export.csv" not in json.dumps(files)
    db = log[2]["details"]
    assert db["target"] == f"sqlite:///{database}"
    assert (db["tables"], db["personal_columns"]) == (1, 0)
    assert_nothing_secret("13812340007")


# -- audit prune ----------------------------------------------------------------------------


def test_prune_refuses_less_than_the_minimum_retention_and_records_the_refusal(
    keystore: Path,
) -> None:
    refused = run("audit", "prune", "--older-than", "30")
    assert refused.exit_code == 2
    assert "minimum retention of 183 days" in refused.stderr
    assert "Traceback" not in refused.output
    log = entries(keystore)
    assert events(log) == [("keys.init", "admin", "ok"), ("audit.prune", "auditor", "denied")]
    assert log[1]["details"] == {"older_than_days": 30, "error": "UsageError"}


def test_prune_drops_old_entries_and_records_itself(keystore: Path) -> None:
    keyring = Keyring.open(keystore, PASSPHRASE)
    path = log_path()
    path.unlink()  # start over with entries a year old
    old = AuditLog(path, audit_key(keyring), clock=lambda: datetime.now(UTC) - timedelta(400))
    for _ in range(3):
        old.append("scan.files", actor="ops-bot", role="operator", outcome="ok")
    result = run("audit", "prune", "--older-than", "365")
    assert result.exit_code == 0, result.output
    assert "3 entries older than 365 days pruned" in result.stdout
    log = entries(keystore)
    assert [e["event"] for e in log] == ["audit.checkpoint", "audit.prune"]
    assert (log[0]["role"], log[0]["actor"], log[0]["details"]["pruned_entries"]) == (
        "auditor", "ops-bot", 3,
    )  # fmt: skip
    assert (log[1]["role"], log[1]["outcome"], log[1]["details"]["pruned"]) == ("auditor", "ok", 3)
    assert run("audit", "verify").exit_code == 0


# -- the module itself ------------------------------------------------------------------------


def test_the_actor_comes_from_the_environment_else_the_login(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATAGUARD_ACTOR", "svc-batch")
    assert trail.current_actor() == "svc-batch"
    monkeypatch.delenv("DATAGUARD_ACTOR")
    monkeypatch.setattr(trail.getpass, "getuser", lambda: "alice")
    assert trail.current_actor() == "alice"

    def no_user() -> str:
        raise KeyError("uid not found")

    monkeypatch.setattr(trail.getpass, "getuser", no_user)
    assert trail.current_actor() == "unknown"


def test_record_checks_the_role_and_withholds_personal_data(tmp_path: Path) -> None:
    keyring = Keyring.create(tmp_path / "k.json", passphrase=PASSPHRASE, **FAST)
    with pytest.raises(ValueError, match="operator, approver, auditor, admin"):
        trail.record(keyring, "x.y", role="administrator", outcome="ok")
    log = tmp_path / "a.jsonl"
    entry = trail.record(keyring, "x.y", role="approver", outcome="ok", log=log,
                         details={"file": f"{PHONE}.csv", "rows": 3}, actor="bob")  # fmt: skip
    assert entry.details == {"file": WITHHELD, "rows": 3}
    assert (entry.actor, entry.role) == ("bob", "approver")
    assert PHONE.encode() not in log.read_bytes()
    assert verify(log, audit_key(keyring), suite="intl").ok


def _failing(keyring: Keyring, log: Path) -> None:
    with trail.audited("destroy.execute", role="operator", log=log) as pending:
        pending.attach(keyring)
        pending.details["rows"] = 2
        raise RuntimeError(f"row with {PHONE} is locked")


def _exiting(keyring: Keyring, log: Path) -> None:
    with trail.audited("x.exit", role="admin", log=log) as pending:
        pending.attach(keyring)
        raise SystemExit(3)


def test_audited_records_the_class_of_an_error_never_its_message(tmp_path: Path) -> None:
    keyring = Keyring.create(tmp_path / "k.json", passphrase=PASSPHRASE, **FAST)
    log = tmp_path / "a.jsonl"
    with pytest.raises(RuntimeError):
        _failing(keyring, log)
    with trail.audited("destroy.plan", role="operator", log=log):
        pass  # never attached: nothing to write with, nothing written
    with pytest.raises(SystemExit):
        _exiting(keyring, log)
    written = [json.loads(line) for line in log.read_bytes().splitlines()]
    assert [(e["event"], e["outcome"], e["details"]) for e in written] == [
        ("destroy.execute", "failed", {"rows": 2, "error": "RuntimeError"}),
        ("x.exit", "failed", {"exit": 3, "error": "SystemExit"}),
    ]
    assert PHONE.encode() not in log.read_bytes()


def test_masking_commands_record_the_keystore_only_when_encrypting(
    keystore: Path, tmp_path: Path
) -> None:
    policy = tmp_path / "encrypt.toml"
    policy.write_text('[entities.CN_MOBILE]\noperator = "encrypt"\n', "utf-8")
    before = len(entries(keystore))
    masked = run("mask", "-p", "display", PHONE)  # no encrypt operator: no keystore, no entry
    assert masked.exit_code == 0, masked.output
    assert len(entries(keystore)) == before
    source = tmp_path / "app.log"
    source.write_text(f"user phone={PHONE}\n", "utf-8")
    for args in (("mask", "-p", policy, PHONE), ("filter", "-p", policy, source)):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert PHONE not in result.output
    log = entries(keystore)[before:]
    assert [(e["event"], e["role"], e["details"]["command"]) for e in log] == [
        ("encrypt.policy", "operator", "mask"),
        ("encrypt.policy", "operator", "filter"),
    ]
    assert_nothing_secret(PHONE)
