"""End to end on SQLite, PostgreSQL and MariaDB: plan → approve → run → verify → certify.

The expected row sets are computed here, from the generated rows and the rule as written
in the test (not from the plan), and compared with the rows left in the database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from dataguard.crypto.keyring import Keyring
from dataguard.destroy import approve, load_config, make_plan, run_plan, verify_plan
from dataguard.destroy.certificate import check_certificate, issue_certificate
from dataguard.destroy.documents import Companions
from dataguard.errors import InvalidToken, UsageError
from dataguard.identity import Identity, create_identity

FAST = {"kdf_params": {"n": 2**15, "r": 8, "p": 1}}
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
CUTOFF = dt.datetime(2023, 11, 20, 12, 0)  # three calendar years before NOW, naive UTC
ORDERS = 400
SHREDDED = "u7"  # the subject whose own key is destroyed
HELD_SUBJECT = "u3"


@dataclass
class People:
    team: Keyring
    operator: Identity
    approver: Identity
    auditor: Identity
    passphrases: dict[str, str]


def _keyring(path: Path, passphrase: str) -> Keyring:
    return Keyring.create(path, passphrase=passphrase, **FAST)


@pytest.fixture
def people(tmp_path: Path) -> People:
    phrases = {"team": "team passphrase 1", "olga": "olga passphrase 1", "arun": "arun pass 12"}
    team = _keyring(tmp_path / "team.json", phrases["team"])
    operator = create_identity(
        _keyring(tmp_path / "olga.json", phrases["olga"]), "olga", "operator"
    )
    approver = create_identity(
        _keyring(tmp_path / "arun.json", phrases["arun"]), "arun", "approver"
    )
    auditor = create_identity(team, "audrey", "auditor")
    return People(team, operator, approver, auditor, phrases)


def _created_at(i: int) -> dt.datetime:
    # Every fifth day back from NOW, at 06:00, so no row sits on the cutoff instant.
    return (NOW - dt.timedelta(days=5 * i)).replace(hour=6, tzinfo=None)


def _status(i: int) -> str:
    return "disputed" if i % 37 == 0 else "closed"


def _user(i: int) -> str:
    return f"u{i % 20}"


def _make_shop(url: str, team: Keyring) -> dict[str, Any]:
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    orders = sa.Table(
        "orders",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("user_id", sa.String(16)),
        sa.Column("created_at", sa.DateTime),
        sa.Column("status", sa.String(16)),
        sa.Column("receiver_phone", sa.String(160)),
    )
    merchants = sa.Table(
        "merchants",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("uscc", sa.String(18)),
        sa.Column("created_at", sa.DateTime),
    )
    addresses = sa.Table(
        "addresses",
        meta,
        sa.Column("user_id", sa.String(16)),
        sa.Column("seq", sa.Integer),
        sa.Column("line", sa.String(160)),
        sa.PrimaryKeyConstraint("user_id", "seq"),
    )
    meta.create_all(engine)
    phone = team.cipher(f"subject:{SHREDDED}")
    rows = [
        {
            "id": i,
            "user_id": _user(i),
            "created_at": _created_at(i),
            "status": _status(i),
            "receiver_phone": phone.encrypt(f"1381234{i:04d}") if _user(i) == SHREDDED else None,
        }
        for i in range(1, ORDERS + 1)
    ]
    with engine.begin() as connection:
        connection.execute(orders.insert(), rows)
        connection.execute(
            merchants.insert(),
            [
                {"id": i, "uscc": "91350100M000100Y43", "created_at": _created_at(400)}
                for i in range(1, 6)
            ],
        )
        connection.execute(
            addresses.insert(),
            [
                {"user_id": f"u{u}", "seq": s, "line": f"line {s}"}
                for u in range(20)
                for s in range(3)
            ],
        )
    engine.dispose()
    return {"orders": rows}


def _expected_orders_left() -> set[int]:
    """The orders the rule (older than 3 years) and the holds leave, computed here."""
    left = set()
    for i in range(1, ORDERS + 1):
        old = _created_at(i) < CUTOFF
        held = _status(i) == "disputed" or _user(i) == HELD_SUBJECT
        if not old or held:
            left.add(i)
    return left


def _ids(url: str, table: str, column: str = "id") -> set[Any]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = {row[0] for row in connection.execute(sa.text(f"SELECT {column} FROM {table}"))}
    engine.dispose()
    return found


def _config(tmp_path: Path, url: str, extra: str = "") -> Path:
    path = tmp_path / "destroy.toml"
    path.write_text(
        textwrap.dedent(f"""
        name = "orders-retention-test"
        reason = "authorisation lapsed (Ele.me 5.12)"
        organisation = "Example Shop Ltd"

        [database]
        url = "{url}"

        [subjects]
        ids = ["{SHREDDED}"]

        [[rows]]
        table = "orders"
        date_column = "created_at"
        older_than = "3y"

        [[rows]]
        table = "addresses"
        subject_column = "user_id"

        [[rows]]
        table = "merchants"
        where = "1 = 1"

        [[holds]]
        name = "dispute-2026-17"
        table = "orders"
        where = "status = 'disputed'"

        [[holds]]
        name = "litigation-u3"
        table = "orders"
        where = "user_id = '{HELD_SUBJECT}'"

        [[keys]]
        keystore = "team.json"
        """)
        + extra,
        encoding="utf-8",
    )
    return path


def _plan_and_approve(tmp_path: Path, url: str, people: People) -> Path:
    config = load_config(_config(tmp_path, url))
    plan = tmp_path / "plan.json"
    make_plan(config, people.team, people.operator, plan, now=NOW)
    approve(plan, people.approver)
    return plan


def _expected_deleted() -> int:
    return ORDERS - len(_expected_orders_left())


def test_plan_approve_run_verify_certify(
    empty_database: str, people: People, tmp_path: Path
) -> None:
    _make_shop(empty_database, people.team)
    plan = _plan_and_approve(tmp_path, empty_database, people)
    body = json.loads(plan.read_text())["body"]
    by_id = {t["id"]: t for t in body["targets"]}
    assert by_id["rows:orders"]["rows"] == _expected_deleted()
    assert by_id["rows:addresses"]["rows"] == 3
    assert by_id["rows:merchants"]["exempt"] is True
    kinds = {(e["kind"], e.get("hold")) for e in body["exemptions"]}
    assert kinds == {
        ("legal-hold", "dispute-2026-17"),
        ("legal-hold", "litigation-u3"),
        ("enterprise-registration", None),
    }

    record = run_plan(plan, people.team, people.operator)
    deleted = {t["id"]: t.get("deleted") for t in record.body["targets"]}
    assert deleted["rows:orders"] == _expected_deleted()
    assert deleted["rows:addresses"] == 3
    assert _ids(empty_database, "orders") == _expected_orders_left()
    assert _ids(empty_database, "merchants") == {1, 2, 3, 4, 5}
    assert _ids(empty_database, "addresses", "user_id") == {f"u{u}" for u in range(20)} - {"u7"}

    verification = verify_plan(plan, people.team, people.auditor)
    assert verification.body["passed"] is True
    certificate = issue_certificate(plan, people.auditor)
    assert certificate.body["people"]["approver"]["name"] == "arun"
    result = check_certificate(Companions(plan).certificate, plan=plan)
    assert result.ok, result.problems


def test_the_plan_holds_no_subject_id_and_no_row_key(people: People, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    _make_shop(url, people.team)
    plan = _plan_and_approve(tmp_path, url, people)
    written = b"".join(p.read_bytes() for p in tmp_path.glob("plan*") if p.is_file())
    assert b'"u7"' not in written
    # Not as a token of its own either; inside a base64 signature or key, the two
    # characters turn up by chance (CI saw it once, 2026-11-27).
    unescaped = written.replace(b"\\u", b"")
    assert re.search(rb"(?<![A-Za-z0-9+/=_-])u7(?![A-Za-z0-9+/=_-])", unescaped) is None
    assert b"13812340" not in written  # no phone number prefix of the encrypted values
    # The row files hold sorted 16-byte keyed hashes and nothing else (plan.py): random
    # bytes, where two given bytes ("u7") can turn up by chance (they did once, in CI), so
    # they are held to that shape instead.
    for part in Companions(plan).rows.iterdir():
        blob = part.read_bytes()
        assert blob
        assert len(blob) % 16 == 0
        hashes = [blob[at : at + 16] for at in range(0, len(blob), 16)]
        assert hashes == sorted(set(hashes))
        assert b"13812340" not in blob


@pytest.mark.parametrize(
    "point",
    [
        "rows.before-delete",
        "rows.before-commit",
        "rows.after-commit",
        "files.before-clear",
        "keys.before-destroy",
    ],
)
def test_a_crash_at_any_point_resumes_to_the_exact_rows(
    empty_database: str, people: People, tmp_path: Path, point: str
) -> None:
    _make_shop(empty_database, people.team)
    export = tmp_path / "exports" / "orders-2023.csv"
    export.parent.mkdir()
    export.write_text("id,phone\n1,13812340001\n", encoding="utf-8")
    config = _config(tmp_path, empty_database, '\n[[files]]\npaths = ["exports/*.csv"]\n')
    plan = tmp_path / "plan.json"
    make_plan(load_config(config), people.team, people.operator, plan, now=NOW)
    approve(plan, people.approver)

    calls = {"n": 0}

    class Crash(Exception):
        pass

    def crash(name: str) -> None:
        if name == point:
            calls["n"] += 1
            if calls["n"] == 2 or not name.startswith("rows."):
                raise Crash(name)

    with pytest.raises(Crash):
        run_plan(plan, people.team, people.operator, batch=40, faults=crash)
    assert not Companions(plan).run.exists()
    record = run_plan(plan, people.team, people.operator, batch=40)
    deleted = {t["id"]: t.get("deleted") for t in record.body["targets"]}
    assert deleted["rows:orders"] == _expected_deleted()  # each row counted exactly once
    assert record.body["attempts"] == 2
    assert _ids(empty_database, "orders") == _expected_orders_left()
    assert not export.exists()
    assert verify_plan(plan, people.team, people.auditor).body["passed"] is True


def test_a_killed_process_resumes(people: People, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    _make_shop(url, people.team)
    plan = _plan_and_approve(tmp_path, url, people)
    script = tmp_path / "kill.py"
    script.write_text(
        textwrap.dedent(f"""
        import os, signal
        from dataguard.crypto.keyring import Keyring
        from dataguard.destroy import run_plan
        from dataguard.identity import find_identity
        team = Keyring.open({str(tmp_path / "team.json")!r}, {people.passphrases["team"]!r})
        olga = find_identity(Keyring.open({str(tmp_path / "olga.json")!r},
                                          {people.passphrases["olga"]!r}), "olga")
        seen = []
        def kill(point):
            if point == "rows.after-commit":
                seen.append(point)
                if len(seen) == 3:
                    os.kill(os.getpid(), signal.SIGKILL)
        run_plan({str(plan)!r}, team, olga, batch=25, faults=kill)
        """),
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    left_after_kill = _ids(url, "orders")
    assert _expected_orders_left() < left_after_kill < set(range(1, ORDERS + 1))
    record = run_plan(plan, people.team, people.operator, batch=25)
    by_id = {t["id"]: t for t in record.body["targets"]}
    assert by_id["rows:orders"]["deleted"] == _expected_deleted()
    assert _ids(url, "orders") == _expected_orders_left()


def test_rows_added_or_changed_after_the_plan_are_left_alone(
    empty_database: str, people: People, tmp_path: Path
) -> None:
    _make_shop(empty_database, people.team)
    plan = _plan_and_approve(tmp_path, empty_database, people)
    engine = sa.create_engine(empty_database)
    with engine.begin() as connection:
        # A new old row (not in the plan), and a planned row that no longer matches the rule.
        connection.execute(
            sa.text(
                "INSERT INTO orders (id, user_id, created_at, status) VALUES "
                "(9001, 'u1', :old, 'closed')"
            ),
            {"old": dt.datetime(2015, 1, 1)},
        )
        connection.execute(
            sa.text("UPDATE orders SET created_at = :new WHERE id = 300"),
            {"new": dt.datetime(2026, 11, 1)},
        )
    engine.dispose()
    run_plan(plan, people.team, people.operator)
    left = _ids(empty_database, "orders")
    assert left == _expected_orders_left() | {9001, 300}
    verification = verify_plan(plan, people.team, people.auditor).body
    orders = next(t for t in verification["targets"] if t["id"] == "rows:orders")
    # Row 300 is still there and still in the plan: the verification says so and fails.
    assert orders["remaining"] == 1
    assert orders["selected_not_in_plan"] == 1
    assert verification["passed"] is False
    with pytest.raises(UsageError, match="verification failed"):
        issue_certificate(plan, people.auditor)


def test_a_plan_changed_after_approval_will_not_run(people: People, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    _make_shop(url, people.team)
    plan = _plan_and_approve(tmp_path, url, people)
    original = plan.read_text()
    before = _ids(url, "orders")

    # 1. One number of the body edited: the hash no longer matches.
    doc = json.loads(original)
    doc["body"]["targets"][0]["rows"] += 1
    plan.write_text(json.dumps(doc))
    with pytest.raises(UsageError, match="changed after it was made"):
        run_plan(plan, people.team, people.operator)

    # 2. Re-hashed and re-signed by the operator: a valid plan, but not the approved one.
    from dataguard.destroy.documents import seal, write_document

    resealed = seal("dataguard.destroy.plan/1", doc["body"], people.operator, "sha256")
    write_document(plan, resealed)
    with pytest.raises(UsageError, match="changed after it was approved"):
        run_plan(plan, people.team, people.operator)

    # 3. The rows file edited.
    plan.write_text(original)
    rows_file = next(Companions(plan).rows.iterdir())
    planned_rows = rows_file.read_bytes()
    rows_file.write_bytes(planned_rows[16:])
    with pytest.raises(UsageError, match="rows file"):
        run_plan(plan, people.team, people.operator)

    # 4. destroy.toml edited after approval.
    rows_file.write_bytes(planned_rows)
    config = tmp_path / "destroy.toml"
    config.write_text(config.read_text().replace('older_than = "3y"', 'older_than = "1y"'))
    with pytest.raises(UsageError, match="changed since the plan was made"):
        run_plan(plan, people.team, people.operator)
    assert _ids(url, "orders") == before


def test_self_approval_is_refused(people: People, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    _make_shop(url, people.team)
    config = load_config(_config(tmp_path, url))
    plan = tmp_path / "plan.json"
    make_plan(config, people.team, people.operator, plan, now=NOW)
    # The operator's name as an approver, in another keystore: the same holder.
    twin = create_identity(_keyring(tmp_path / "twin.json", "twin passphrase"), "olga", "approver")
    with pytest.raises(UsageError, match="cannot approve"):
        approve(plan, twin)
    with pytest.raises(UsageError, match="only an approver approves"):
        approve(plan, people.operator)
    with pytest.raises(UsageError, match="not approved"):
        run_plan(plan, people.team, people.operator)
    approve(plan, people.approver)
    # The approver cannot run it either (an approver is not an operator).
    with pytest.raises(UsageError, match="an operator runs"):
        run_plan(plan, people.team, people.approver)
    assert len(_ids(url, "orders")) == ORDERS


def test_a_tampered_certificate_is_detected(people: People, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    _make_shop(url, people.team)
    plan = _plan_and_approve(tmp_path, url, people)
    run_plan(plan, people.team, people.operator)
    verify_plan(plan, people.team, people.auditor)
    issue_certificate(plan, people.auditor)
    path = Companions(plan).certificate
    original = json.loads(path.read_text())
    assert check_certificate(path).ok

    edited = json.loads(json.dumps(original))
    edited["body"]["items"][0]["what"] = edited["body"]["items"][0]["what"].replace("1", "2", 1)
    path.write_text(json.dumps(edited))
    assert not check_certificate(path).ok

    # Re-sealed by the auditor with a forged approval: the embedded approval fails.
    from dataguard.destroy.documents import seal, write_document

    forged = json.loads(json.dumps(original))
    forged["body"]["documents"]["approval"]["body"]["approved"] = "2020-01-01T00:00:00Z"
    resealed = seal("dataguard.destroy.certificate/1", forged["body"], people.auditor, "sha256")
    path.write_text(json.dumps(resealed.to_dict()))
    result = check_certificate(path)
    assert not result.ok
    assert any("approval" in p for p in result.problems)

    # The plan file given is not the certified one (a valid plan, signed, but another).
    path.write_text(json.dumps(original))
    assert check_certificate(path, plan=plan).ok
    other_body = json.loads(plan.read_text())["body"]
    other_body["reason"] = "another reason"
    other = tmp_path / "other-plan.json"
    write_document(other, seal("dataguard.destroy.plan/1", other_body, people.operator, "sha256"))
    result = check_certificate(path, plan=other)
    assert any("not the certified plan" in p for p in result.problems)


def test_crypto_shredding_reaches_a_backup_copy(people: People, tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    url = f"sqlite:///{db}"
    _make_shop(url, people.team)
    backup = tmp_path / "backup-before-destruction.db"
    shutil.copy(db, backup)
    engine = sa.create_engine(f"sqlite:///{backup}")
    with engine.connect() as connection:
        tokens = [
            r[0]
            for r in connection.execute(
                sa.text("SELECT receiver_phone FROM orders WHERE receiver_phone IS NOT NULL")
            )
        ]
    engine.dispose()
    assert tokens
    assert all(people.team.decrypt(t).startswith("1381234") for t in tokens)
    plan = _plan_and_approve(tmp_path, url, people)
    run_plan(plan, people.team, people.operator)
    reopened = Keyring.open(tmp_path / "team.json", people.passphrases["team"])
    for token in tokens:
        with pytest.raises((InvalidToken, UsageError)):
            reopened.decrypt(token)
    keys = next(
        t
        for t in verify_plan(plan, reopened, people.auditor).body["targets"]
        if t["kind"] == "keys"
    )
    assert keys["subjects"] == 1
    assert keys["still_readable"] == 0


def _fault_once(point: str) -> Callable[[str], None]:
    def fault(name: str) -> None:
        if name == point:
            raise RuntimeError(name)

    return fault


def test_a_finished_plan_does_not_run_twice(people: People, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    _make_shop(url, people.team)
    plan = _plan_and_approve(tmp_path, url, people)
    run_plan(plan, people.team, people.operator)
    with pytest.raises(UsageError, match="already run"):
        run_plan(plan, people.team, people.operator)
    assert os.path.exists(Companions(plan).journal)


def test_a_plan_runs_only_on_the_database_it_was_made_on(
    people: People, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "shop.db", tmp_path / "copy.db"
    _make_shop(f"sqlite:///{first}", people.team)
    shutil.copy(first, second)
    monkeypatch.setenv("SHOP_URL", f"sqlite:///{first}")
    config = _config(tmp_path, "unused").read_text()
    config = config.replace('url = "unused"', 'url_env = "SHOP_URL"')
    (tmp_path / "destroy.toml").write_text(config, encoding="utf-8")
    plan = tmp_path / "plan.json"
    make_plan(load_config(tmp_path / "destroy.toml"), people.team, people.operator, plan, now=NOW)
    approve(plan, people.approver)
    # The environment now names another database with the same rows (same keys, same
    # hashes): the approved plan must not run there.
    monkeypatch.setenv("SHOP_URL", f"sqlite:///{second}")
    with pytest.raises(UsageError, match="the plan was made on"):
        run_plan(plan, people.team, people.operator)
    assert len(_ids(f"sqlite:///{second}", "orders")) == ORDERS


def _plan_with_where(people: People, tmp_path: Path, where: str) -> None:
    """Plan the shop with the retention rule's ``where = "1 = 1"`` replaced by *where*."""
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    _make_shop(url, people.team)
    config = _config(tmp_path, url).read_text()
    config = config.replace('where = "1 = 1"', f"where = {where}")
    (tmp_path / "destroy.toml").write_text(config, encoding="utf-8")
    make_plan(
        load_config(tmp_path / "destroy.toml"),
        people.team,
        people.operator,
        tmp_path / "plan.json",
        now=NOW,
    )


def test_a_where_condition_holding_personal_data_is_refused(people: People, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="holds personal data") as refused:
        _plan_with_where(people, tmp_path, "\"receiver_phone = '13812340007'\"")
    assert "13812340007" not in str(refused.value)
    assert "CN_MOBILE" in str(refused.value)
    assert not (tmp_path / "plan.json").exists()
    assert not (tmp_path / "plan.rows").exists()


def test_a_plan_that_fails_part_way_leaves_nothing(people: People, tmp_path: Path) -> None:
    # The first target is planned (its rows file written), then the third fails in SQL.
    with pytest.raises(UsageError, match="refused the selection"):
        _plan_with_where(people, tmp_path, '"no_such_column = 1"')
    assert not (tmp_path / "plan.json").exists()
    assert not (tmp_path / "plan.rows").exists()


def _customers_and_orders(url: str) -> None:
    """customer 1-6 (1-4 old), orders 10-15 referencing them (10-13 old)."""
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    customer = sa.Table(
        "customer",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("mobile", sa.String(20)),
        sa.Column("created_at", sa.DateTime),
    )
    orders = sa.Table(
        "orders",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("customer.id")),
        sa.Column("created_at", sa.DateTime),
    )
    metadata.create_all(engine)
    old, new = dt.datetime(2020, 1, 1), dt.datetime(2026, 1, 1)
    with engine.begin() as connection:
        connection.execute(
            customer.insert(),
            [{"id": i, "mobile": f"1381234{i:04d}", "created_at": old if i <= 4 else new}
             for i in range(1, 7)],
        )  # fmt: skip
        connection.execute(
            orders.insert(),
            [{"id": 9 + i, "customer_id": i, "created_at": old if i <= 4 else new}
             for i in range(1, 7)],
        )  # fmt: skip
    engine.dispose()


def _retention_config(tmp_path: Path, url: str, tables: Sequence[str]) -> Path:
    path = tmp_path / "destroy.toml"
    rows = "".join(
        f'\n[[rows]]\ntable = "{table}"\ndate_column = "created_at"\nolder_than = "3y"\n'
        for table in tables
    )
    path.write_text(
        f'name = "fk-test"\nreason = "authorisation lapsed"\n[database]\nurl = "{url}"\n' + rows,
        encoding="utf-8",
    )
    return path


def test_rows_that_reference_others_are_destroyed_first(
    empty_database: str, people: People, tmp_path: Path
) -> None:
    """destroy.toml listed customer before orders, whose customer_id references it: the
    run failed at its first batch (MariaDB 1451, PostgreSQL 23503) and at every resume."""
    _customers_and_orders(empty_database)
    config = load_config(_retention_config(tmp_path, empty_database, ["customer", "orders"]))
    plan = tmp_path / "plan.json"
    make_plan(config, people.team, people.operator, plan, now=NOW)
    planned = json.loads(plan.read_text())["body"]["targets"]
    assert [t["id"] for t in planned] == ["rows:orders", "rows:customer"]
    assert [t["notes"] for t in planned] == [[], []]  # the reference is within the plan
    approve(plan, people.approver)
    record = run_plan(plan, people.team, people.operator)
    assert {t["id"]: t["deleted"] for t in record.body["targets"]} == {
        "rows:orders": 4,
        "rows:customer": 4,
    }
    assert _ids(empty_database, "customer") == {5, 6}
    assert _ids(empty_database, "orders") == {14, 15}
    assert verify_plan(plan, people.team, people.auditor).body["passed"] is True


def test_a_delete_refused_by_a_foreign_key_says_why_without_values(
    empty_database: str, people: People, tmp_path: Path
) -> None:
    """Only customer is a target; orders outside the plan still reference its rows."""
    if empty_database.startswith("sqlite"):
        pytest.skip("SQLite enforces foreign keys only with PRAGMA foreign_keys = ON")
    _customers_and_orders(empty_database)
    config = load_config(_retention_config(tmp_path, empty_database, ["customer"]))
    plan = tmp_path / "plan.json"
    make_plan(config, people.team, people.operator, plan, now=NOW)
    # The approver is told before approving.
    [target] = json.loads(plan.read_text())["body"]["targets"]
    assert target["notes"] == [
        "orders.customer_id references these rows and is no target: a row it still "
        "references cannot be deleted, and the run stops there (make it a target, or keep "
        "these rows)"
    ]
    approve(plan, people.approver)
    with pytest.raises(UsageError) as refused:
        run_plan(plan, people.team, people.operator)
    message = str(refused.value)
    assert "foreign key" in message
    assert "run the same command again" not in message  # it would fail the same way
    assert not re.search(r"\d{4}", message)  # no key or value of the refused rows
    assert _ids(empty_database, "customer") == {1, 2, 3, 4, 5, 6}
