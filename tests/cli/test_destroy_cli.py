"""``dataguard identity`` and ``dataguard destroy`` from the command line, with the audit log.

A SQLite shop, three people each with their own keystore (olga the operator, arun the
approver) and the team keystore (which also holds audrey the auditor). Every step goes
through click's runner; the audit log is the one tests/conftest.py points
``DATAGUARD_AUDIT_LOG`` at. Personal keystores write to their own log (an audit log has one
audit key), as docs/destruction.md says to.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from dataguard.cli.main import cli

from dataguard.audit import audit_key, verify
from dataguard.crypto.keyring import Keyring

FAST: dict[str, Any] = {"kdf_params": {"n": 2**15, "r": 8, "p": 1}}
TEAM = "team passphrase for tests"
OLGA = "olga passphrase for tests"
ARUN = "arun passphrase for tests"
ROWS = 300


@pytest.fixture(autouse=True)
def _restore_sigterm() -> Iterator[None]:
    before = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, before)


def run(*args: object, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def _old(i: int) -> bool:
    return i % 3 != 0


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    db = tmp_path / "shop.db"
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with sqlite3.connect(db) as connection:
        connection.execute(
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id TEXT, created_at TEXT)"
        )
        connection.executemany(
            "INSERT INTO orders VALUES (?, ?, ?)",
            [
                (i, f"u{i % 7}", str(now - dt.timedelta(days=4000 if _old(i) else 10)))
                for i in range(1, ROWS + 1)
            ],
        )
    (tmp_path / "destroy.toml").write_text(
        'name = "orders-retention"\nreason = "authorisation lapsed"\n'
        '[database]\nurl = "sqlite:///shop.db"\n'
        '[[rows]]\ntable = "orders"\ndate_column = "created_at"\nolder_than = "3y"\n'
        '[[files]]\npaths = ["exports/*.csv"]\n',
        encoding="utf-8",
    )
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "old.csv").write_text("id\n1\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
def people(shop: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, str]]:
    """The keystores and identities; returns the environment each person runs with."""
    monkeypatch.chdir(shop)
    for name, phrase in (("team", TEAM), ("olga", OLGA), ("arun", ARUN)):
        Keyring.create(shop / f"{name}.json", passphrase=phrase, **FAST)
    own_log = {"DATAGUARD_AUDIT_LOG": str(shop / "personal-audit.jsonl")}
    made = [
        run(
            "identity",
            "create",
            "olga",
            "--role",
            "operator",
            "--keystore",
            "olga.json",
            env={"DATAGUARD_KEYSTORE_PASSPHRASE": OLGA, **own_log},
        ),
        run(
            "identity",
            "create",
            "arun",
            "--role",
            "approver",
            "--keystore",
            "arun.json",
            env={"DATAGUARD_KEYSTORE_PASSPHRASE": ARUN, **own_log},
        ),
        run(
            "identity",
            "create",
            "audrey",
            "--role",
            "auditor",
            "--keystore",
            "team.json",
            env={"DATAGUARD_KEYSTORE_PASSPHRASE": TEAM},
        ),
    ]
    for result in made:
        assert result.exit_code == 0, result.output
    team = {"DATAGUARD_KEYSTORE": "team.json", "DATAGUARD_KEYSTORE_PASSPHRASE": TEAM}
    return {
        "olga": {
            **team,
            "DATAGUARD_IDENTITY_KEYSTORE": "olga.json",
            "DATAGUARD_IDENTITY_PASSPHRASE": OLGA,
        },
        "arun": {
            **team,
            "DATAGUARD_IDENTITY_KEYSTORE": "arun.json",
            "DATAGUARD_IDENTITY_PASSPHRASE": ARUN,
        },
        "audrey": team,
    }


def _orders(shop: Path) -> set[int]:
    with sqlite3.connect(shop / "shop.db") as connection:
        return {row[0] for row in connection.execute("SELECT id FROM orders")}


def _log_entries() -> list[dict[str, Any]]:
    path = Path(os.environ["DATAGUARD_AUDIT_LOG"])
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_whole_workflow_from_the_command_line(
    shop: Path, people: dict[str, dict[str, str]]
) -> None:
    plan = run("destroy", "plan", "--config", "destroy.toml", "-o", "plan.json", env=people["olga"])
    assert plan.exit_code == 0, plan.output
    expected_gone = sum(1 for i in range(1, ROWS + 1) if _old(i))
    assert f"rows:orders: {expected_gone:,} rows" in plan.output

    self_approval = run("destroy", "approve", "plan.json", env=people["olga"])
    assert self_approval.exit_code == 2
    assert "only an approver approves" in self_approval.output
    early = run("destroy", "run", "plan.json", env=people["olga"])
    assert early.exit_code == 2
    assert "not approved" in early.output
    assert len(_orders(shop)) == ROWS

    approved = run("destroy", "approve", "plan.json", env=people["arun"])
    assert approved.exit_code == 0, approved.output
    ran = run("destroy", "run", "plan.json", env=people["olga"])
    assert ran.exit_code == 0, ran.output
    assert _orders(shop) == {i for i in range(1, ROWS + 1) if not _old(i)}
    assert not (shop / "exports" / "old.csv").exists()

    verified = run("destroy", "verify", "plan.json", "--as", "audrey", env=people["audrey"])
    assert verified.exit_code == 0, verified.output
    issued = run("destroy", "certificate", "plan.json", "--as", "audrey", env=people["audrey"])
    assert issued.exit_code == 0, issued.output
    assert (shop / "plan.certificate.html").read_text(encoding="utf-8").count("audrey") >= 1

    log = os.environ["DATAGUARD_AUDIT_LOG"]
    checked = run("destroy", "check", "plan.certificate.json", "--plan", "plan.json", "--log", log)
    assert checked.exit_code == 0, checked.output
    assert "valid" in checked.output

    events = [(e["event"], e["actor"], e["role"], e["outcome"]) for e in _log_entries()]
    for expected in [
        ("destroy.plan", "olga", "operator", "ok"),
        ("destroy.approve", "olga", "operator", "denied"),
        ("destroy.run", "olga", "operator", "denied"),
        ("destroy.approve", "arun", "approver", "ok"),
        ("destroy.run", "olga", "operator", "ok"),
        ("destroy.verify", "audrey", "auditor", "ok"),
        ("destroy.certificate", "audrey", "auditor", "ok"),
    ]:
        assert expected in events
    team = Keyring.open(shop / "team.json", TEAM)
    assert verify(log, audit_key(team), suite="intl").ok

    status = run("destroy", "status", "plan.json")
    assert "certified: yes" in status.output


def test_check_detects_a_tampered_certificate_and_audit_log(
    shop: Path, people: dict[str, dict[str, str]]
) -> None:
    steps = [
        (("destroy", "plan", "--config", "destroy.toml", "-o", "plan.json"), "olga"),
        (("destroy", "approve", "plan.json"), "arun"),
        (("destroy", "run", "plan.json"), "olga"),
        (("destroy", "verify", "plan.json", "--as", "audrey"), "audrey"),
        (("destroy", "certificate", "plan.json", "--as", "audrey"), "audrey"),
    ]
    for args, who in steps:
        result = run(*args, env=people[who])
        assert result.exit_code == 0, result.output
    log = Path(os.environ["DATAGUARD_AUDIT_LOG"])
    certificate = shop / "plan.certificate.json"
    assert run("destroy", "check", certificate, "--log", log).exit_code == 0

    # One entry before the anchored head removed: the chain breaks and check says so.
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    log.write_text("".join(lines[:1] + lines[2:]), encoding="utf-8")
    broken = run("destroy", "check", certificate, "--log", log)
    assert broken.exit_code == 1
    assert "audit log" in broken.output
    log.write_text("".join(lines), encoding="utf-8")

    # A count in the certificate edited.
    doc = json.loads(certificate.read_text(encoding="utf-8"))
    doc["body"]["reason"] = "no reason"
    certificate.write_text(json.dumps(doc), encoding="utf-8")
    tampered = run("destroy", "check", certificate)
    assert tampered.exit_code == 1
    assert "changed after it was made" in tampered.output


def test_help_teaches_every_destroy_command() -> None:
    for command in ("plan", "approve", "run", "verify", "certificate", "check", "status"):
        result = run("destroy", command, "--help")
        assert result.exit_code == 0
        assert "Usage:" in result.output
    assert "Examples:" in run("destroy", "--help").output
    assert "Examples:" in run("identity", "--help").output


def test_identity_export_makes_a_roster_check_accepts(
    shop: Path, people: dict[str, dict[str, str]]
) -> None:
    exported = run(
        "identity",
        "export",
        "--keystore",
        "olga.json",
        "-o",
        "olga.pub.json",
        env={"DATAGUARD_KEYSTORE_PASSPHRASE": OLGA},
    )
    assert exported.exit_code == 0, exported.output
    roster = json.loads((shop / "olga.pub.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in roster] == ["olga"]
    assert "private" not in json.dumps(roster)
    listed = run(
        "identity", "list", "--keystore", "team.json", env={"DATAGUARD_KEYSTORE_PASSPHRASE": TEAM}
    )
    assert "audrey" in listed.output
    assert "auditor" in listed.output
    # With a roster missing the approver, approval is refused.
    plan = run("destroy", "plan", "--config", "destroy.toml", "-o", "plan.json", env=people["olga"])
    assert plan.exit_code == 0, plan.output
    refused = run(
        "destroy", "approve", "plan.json", "--roster", "olga.pub.json", env=people["arun"]
    )
    assert refused.exit_code == 2
    assert "not in the roster" in refused.output


def test_keys_that_signed_or_hashed_cannot_be_rotated(
    shop: Path, people: dict[str, dict[str, str]]
) -> None:
    env = {"DATAGUARD_KEYSTORE_PASSPHRASE": TEAM}
    planned = run(
        "destroy", "plan", "--config", "destroy.toml", "-o", "plan.json", env=people["olga"]
    )
    assert planned.exit_code == 0, planned.output
    for scope, reason in (
        ("destroy", "destruction plans"),
        ("identity.auditor.audrey", "signing key"),
    ):
        refused = run("keys", "rotate", scope, "--keystore", "team.json", env=env)
        assert refused.exit_code == 2
        assert reason in refused.output


def test_plan_and_status_show_what_other_tables_reference(
    shop: Path, people: dict[str, dict[str, str]]
) -> None:
    """A table that is no target but references one: its rows go with the target's (ON
    DELETE CASCADE), uncounted by the plan; the approver reads it before approving."""
    with sqlite3.connect(shop / "shop.db") as connection:
        connection.execute(
            "CREATE TABLE refunds (id INTEGER PRIMARY KEY, "
            "order_id INTEGER REFERENCES orders(id) ON DELETE CASCADE)"
        )
    note = (
        "    note: refunds.order_id references these rows (ON DELETE CASCADE): its rows go "
        "with them, and the plan does not count them\n"
    )
    plan = run("destroy", "plan", "--config", "destroy.toml", "-o", "plan.json", env=people["olga"])
    assert plan.exit_code == 0, plan.output
    assert note in plan.output
    assert note in run("destroy", "status", "plan.json").output
