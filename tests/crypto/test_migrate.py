"""In-place column encryption (dataguard.crypto.migrate, ``dataguard encrypt db``).

Every database test runs on SQLite, PostgreSQL and MariaDB (the ``empty_database``
fixture: real servers, a database of its own per test). Values are generated
(``dataguard.testing.generators``), never real.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from dataguard.cli.main import cli

from dataguard.crypto.hazmat.wire import Envelope
from dataguard.crypto.keyring import Keyring
from dataguard.crypto.migrate import (
    encrypt_column,
    rekey_column,
    row_context,
    row_key,
    verify_column,
)
from dataguard.errors import InvalidToken, UsageError
from dataguard.testing import generators as gen

sa = pytest.importorskip("sqlalchemy", reason="pip install 'dataguard[postgres,mysql]'")

PASSPHRASE = "a long enough test passphrase"
FAST = {"kdf_params": {"n": 2**15, "r": 8, "p": 1}}  # the lowest cost the keystore accepts
ROWS = 300
BATCH = 64


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring.create(tmp_path / "keys.json", "intl", passphrase=PASSPHRASE, **FAST)


@pytest.fixture
def engine(empty_database: str) -> Iterator[Any]:
    engine = sa.create_engine(empty_database)
    yield engine
    engine.dispose()


def people(n: int = ROWS, seed: int = 7) -> list[dict[str, Any]]:
    """Rows of generated mobiles and ID numbers; some NULL, some empty, some repeated."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for i in range(1, n + 1):
        mobile: str | None = gen.mobile_digits(rng)
        if i % 7 == 0:
            mobile = rows[-1]["mobile"] or mobile  # the same phone again, in another row
        if i % 25 == 0:
            mobile = None
        elif i % 31 == 0:
            mobile = ""
        rows.append({"id": i, "mobile": mobile, "id_card": gen.id_card(rng)})
    return rows


def make_table(
    engine: Any,
    rows: list[dict[str, Any]],
    *,
    name: str = "members",
    mobile_type: str = "VARCHAR(120)",
    key: str = "id INTEGER PRIMARY KEY",
) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                f"CREATE TABLE {name} ({key}, mobile {mobile_type}, id_card VARCHAR(120), "
                "mobile_idx VARCHAR(32))"
            )
        )
        connection.execute(
            sa.text(f"INSERT INTO {name} (id, mobile, id_card) VALUES (:id, :mobile, :id_card)"),
            rows,
        )


def column(engine: Any, name: str = "mobile", table: str = "members") -> dict[int, Any]:
    with engine.connect() as connection:
        return dict(connection.execute(sa.text(f"SELECT id, {name} FROM {table}")).all())


def whole_table(engine: Any, table: str = "members") -> str:
    with engine.connect() as connection:
        rows = connection.execute(sa.text(f"SELECT * FROM {table}")).all()
    return "\n".join("\t".join(map(str, row)) for row in rows)


def plain_values(rows: list[dict[str, Any]]) -> set[str]:
    return {v for r in rows for v in (r["mobile"], r["id_card"]) if v}


# -- encrypting ---------------------------------------------------------------------------------


def test_every_value_is_encrypted_bound_to_its_row(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    rows = people()
    make_table(engine, rows)
    done: list[int] = []
    report = encrypt_column(empty_database, "members", "mobile", keyring, batch=BATCH,
                            on_rows=done.append)  # fmt: skip
    encrypt_column(empty_database, "members", "id_card", keyring, batch=BATCH)
    filled = [r for r in rows if r["mobile"]]
    assert (report.encrypted, report.already_encrypted, report.indexed) == (len(filled), 0, 0)
    assert report.empty == ROWS - len(filled)
    assert (report.rows, report.pending, report.scope) == (ROWS, len(filled), "members.mobile")
    assert report.key_columns == ("id",)
    assert sum(done) == len(filled)
    assert len(done) == report.batches == -(-len(filled) // BATCH)

    stored, cards = column(engine), column(engine, "id_card")
    for row in rows:
        token = stored[row["id"]]
        if not row["mobile"]:
            assert token == row["mobile"]  # NULL and '' stay as they are
            continue
        assert token.startswith("dg1:")
        context = row_context("members", "mobile", row["id"])
        assert context == {"table": "members", "column": "mobile", "row": str(row["id"])}
        assert keyring.decrypt(token, context) == row["mobile"]
        assert keyring.decrypt(cards[row["id"]], row_context("members", "id_card", row["id"]))
    # Bound to the row and the column: moved elsewhere, a token does not decrypt.
    with pytest.raises(InvalidToken):
        keyring.decrypt(stored[1], row_context("members", "mobile", 2))
    with pytest.raises(InvalidToken):
        keyring.decrypt(stored[1], row_context("members", "id_card", 1))
    text = whole_table(engine)
    assert not [v for v in plain_values(rows) if v in text]  # no plaintext left anywhere


def test_a_second_run_changes_nothing_and_says_so(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    rows = people()
    make_table(engine, rows)
    encrypt_column(empty_database, "members", "mobile", keyring, batch=BATCH)
    before = column(engine)
    again = encrypt_column(empty_database, "members", "mobile", keyring, batch=BATCH)
    assert (again.changed, again.pending, again.batches) == (0, 0, 0)
    assert again.already_encrypted == len([r for r in rows if r["mobile"]])
    assert column(engine) == before


def test_gm_suite_and_deterministic_mode(empty_database: str, engine: Any, tmp_path: Path) -> None:
    keyring = Keyring.create(tmp_path / "gm.json", "gm", passphrase=PASSPHRASE, **FAST)
    rows = people(40)
    make_table(engine, rows)
    encrypt_column(empty_database, "members", "mobile", keyring, deterministic=True)
    stored = column(engine)
    for row in rows:
        if row["mobile"]:
            context = row_context("members", "mobile", row["id"])
            assert keyring.decrypt(stored[row["id"]], context) == row["mobile"]
            # Deterministic under the same row context: the same token again.
            cipher = keyring.cipher("members.mobile", deterministic=True)
            assert cipher.encrypt(row["mobile"], context) == stored[row["id"]]


# -- crashes ------------------------------------------------------------------------------------


class Crash(Exception):
    pass


def test_a_crash_after_the_second_batch_loses_nothing_and_a_rerun_finishes(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    rows = people()
    make_table(engine, rows)
    batches: list[int] = []

    def crash_after_two(n: int) -> None:
        batches.append(n)
        if len(batches) == 2:
            raise Crash

    with pytest.raises(Crash):
        encrypt_column(empty_database, "members", "mobile", keyring, batch=BATCH,
                       on_rows=crash_after_two)  # fmt: skip
    tokens = [v for v in column(engine).values() if v and v.startswith("dg1:")]
    assert len(tokens) == 2 * BATCH  # two whole batches committed, nothing more

    rerun = encrypt_column(empty_database, "members", "mobile", keyring, batch=BATCH)
    filled = [r for r in rows if r["mobile"]]
    assert rerun.already_encrypted == 2 * BATCH
    assert rerun.encrypted == len(filled) - 2 * BATCH
    _all_decrypt_once(engine, keyring, rows)


def _all_decrypt_once(engine: Any, keyring: Keyring, rows: list[dict[str, Any]]) -> None:
    """Every value decrypts to its plaintext: none was lost, none encrypted twice."""
    stored = column(engine)
    for row in rows:
        if row["mobile"]:
            context = row_context("members", "mobile", row["id"])
            assert keyring.decrypt(stored[row["id"]], context) == row["mobile"]
        else:
            assert stored[row["id"]] == row["mobile"]


KILLED_RUN = """
import sys, time
from dataguard.crypto import keyring as kr
from dataguard.crypto.keyring import Keyring
from dataguard.crypto.migrate import encrypt_column

url, keys, passphrase = sys.argv[1:4]
encrypt = kr.FieldCipher.encrypt

def slow_encrypt(self, value, context=None):
    time.sleep(0.002)  # a batch of 32 takes about 70 ms: the kill lands inside one
    return encrypt(self, value, context)

kr.FieldCipher.encrypt = slow_encrypt
keyring = Keyring.open(keys, passphrase)

def committed(n):
    print("batch", n, flush=True)

encrypt_column(url, "members", "mobile", keyring, batch=32, on_rows=committed)
print("done", flush=True)
"""


def test_kill_9_inside_a_batch_then_a_rerun_finishes(
    empty_database: str, engine: Any, keyring: Keyring, tmp_path: Path
) -> None:
    rows = people()
    make_table(engine, rows)
    keys = str(tmp_path / "keys.json")
    keyring.cipher("members.mobile")  # the scope's key exists before the child opens the keystore
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, empty_database, keys, PASSPHRASE],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    try:
        for _ in range(3):  # three batches committed, then kill it inside the fourth
            assert child.stdout.readline().startswith("batch"), "the child ended early"
        time.sleep(0.03)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    tokens = [v for v in column(engine).values() if v and v.startswith("dg1:")]
    # Whole batches only: the one in flight was rolled back by the database.
    assert len(tokens) % 32 == 0
    assert 3 * 32 <= len(tokens) < len([r for r in rows if r["mobile"]])

    rerun = encrypt_column(empty_database, "members", "mobile", keyring, batch=32)
    assert rerun.already_encrypted == len(tokens)
    _all_decrypt_once(engine, keyring, rows)


def _kill_other_sessions(url: str) -> None:
    """Drop every other connection to this test's database: a dead connection, for real."""
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if admin.dialect.name == "postgresql":
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        else:
            ids = connection.execute(
                sa.text(
                    "SELECT id FROM information_schema.processlist "
                    "WHERE db = DATABASE() AND id <> CONNECTION_ID()"
                )
            ).scalars()
            for session in list(ids):
                connection.execute(sa.text(f"KILL {int(session)}"))
    admin.dispose()


@pytest.mark.parametrize("empty_database", ["postgresql", "mariadb"], indirect=True)
def test_a_dead_connection_says_what_is_committed_and_a_rerun_resumes(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    rows = people()
    make_table(engine, rows)
    seen: list[int] = []

    def kill_after_two(n: int) -> None:
        seen.append(n)
        if len(seen) == 2:
            _kill_other_sessions(empty_database)

    with pytest.raises(UsageError) as failed:
        encrypt_column(empty_database, "members", "mobile", keyring, batch=BATCH,
                       on_rows=kill_after_two)  # fmt: skip
    engine.dispose()  # its pooled connection was dropped too
    message = str(failed.value)
    assert message.startswith(f"database {empty_database} failed while encrypting members.mobile")
    assert f"{2 * BATCH} value(s) in 2 batch(es) were committed" in message
    assert "run the same migration again" in message
    assert not [v for v in plain_values(rows) if v in message]
    encrypt_column(empty_database, "members", "mobile", keyring, batch=BATCH)
    _all_decrypt_once(engine, keyring, rows)


# -- rekey after a rotation ---------------------------------------------------------------------


def _all_under(engine: Any, keyring: Keyring, rows: list[dict[str, Any]], version: int) -> None:
    """Every token names *version* of the scope's key and decrypts with its row context."""
    stored = column(engine)
    for row in rows:
        if row["mobile"]:
            assert Envelope.from_text(stored[row["id"]]).key_version == version
    _all_decrypt_once(engine, keyring, rows)


def test_rekey_moves_every_token_to_the_new_version_and_a_rerun_changes_nothing(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    rows = people()
    make_table(engine, rows)
    encrypt_column(empty_database, "members", "mobile", keyring, batch=BATCH,
                   blind_index_column="mobile_idx")  # fmt: skip
    indexes = column(engine, "mobile_idx")
    old = keyring.keystore.active("members.mobile")
    new = keyring.rotate("members.mobile")
    assert (new.id, new.version) == (old.id, old.version + 1)
    with engine.begin() as connection:  # a straggler written in plaintext meanwhile
        connection.execute(sa.text("UPDATE members SET mobile = :m, mobile_idx = NULL "
                                   "WHERE id = 3"), {"m": rows[2]["mobile"]})  # fmt: skip
    filled = len([r for r in rows if r["mobile"]])
    done: list[int] = []
    report = rekey_column(empty_database, "members", "mobile", keyring, batch=BATCH,
                          blind_index_column="mobile_idx", on_rows=done.append)  # fmt: skip
    assert (report.rekeyed, report.encrypted, report.current) == (filled - 1, 1, 0)
    assert (report.undecryptable, report.failed_rows) == (0, [])
    assert sum(done) == report.changed == filled
    _all_under(engine, keyring, rows, new.version)
    assert column(engine, "mobile_idx") == indexes  # the blind index does not change

    before = column(engine)
    again = rekey_column(empty_database, "members", "mobile", keyring, batch=BATCH)
    assert (again.changed, again.current) == (0, filled)
    assert column(engine) == before


class RekeyCrash(Exception):
    pass


def test_a_rekey_crashing_after_the_first_batch_is_finished_by_a_rerun(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    rows = people()
    make_table(engine, rows)
    encrypt_column(empty_database, "members", "mobile", keyring, batch=BATCH)
    new = keyring.rotate("members.mobile")

    def crash(n: int) -> None:
        raise RekeyCrash

    with pytest.raises(RekeyCrash):
        rekey_column(empty_database, "members", "mobile", keyring, batch=BATCH, on_rows=crash)
    versions = [Envelope.from_text(v).key_version for v in column(engine).values() if v]
    first = BATCH  # one whole batch committed (a batch reads only non-empty values)
    assert versions.count(new.version) == first
    rerun = rekey_column(empty_database, "members", "mobile", keyring, batch=BATCH)
    filled = len([r for r in rows if r["mobile"]])
    assert (rerun.current, rerun.rekeyed) == (first, filled - first)
    _all_under(engine, keyring, rows, new.version)


def test_a_rekey_leaves_a_tampered_token_counts_it_and_names_its_row(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    rows = people(100)
    make_table(engine, rows)
    encrypt_column(empty_database, "members", "mobile", keyring, batch=16)
    stored = column(engine)
    with engine.begin() as connection:  # swap two rows' tokens: neither decrypts any more
        update = sa.text("UPDATE members SET mobile = :m WHERE id = :id")
        connection.execute(update, [{"id": 1, "m": stored[2]}, {"id": 2, "m": stored[1]}])
    new = keyring.rotate("members.mobile")
    report = rekey_column(empty_database, "members", "mobile", keyring, batch=16)
    filled = len([r for r in rows if r["mobile"]])
    assert (report.undecryptable, sorted(report.failed_rows)) == (2, ["1", "2"])
    assert report.rekeyed == filled - 2
    after = column(engine)
    assert (after[1], after[2]) == (stored[2], stored[1])  # left as they were
    for row in rows[2:]:
        if row["mobile"]:
            assert Envelope.from_text(after[row["id"]]).key_version == new.version
            context = row_context("members", "mobile", row["id"])
            assert keyring.decrypt(after[row["id"]], context) == row["mobile"]
    assert not [v for v in plain_values(rows) if v in repr(report)]


def test_rekey_keeps_a_deterministic_token_deterministic_and_refuses_a_scope_without_a_key(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    rows = people(30)
    make_table(engine, rows)
    encrypt_column(empty_database, "members", "mobile", keyring, deterministic=True)
    keyring.rotate("members.mobile")
    rekey_column(empty_database, "members", "mobile", keyring)
    cipher = keyring.cipher("members.mobile", deterministic=True)
    stored = column(engine)
    for row in rows:
        if row["mobile"]:
            context = row_context("members", "mobile", row["id"])
            assert stored[row["id"]] == cipher.encrypt(row["mobile"], context)
    with pytest.raises(UsageError, match="rotate it first"):
        rekey_column(empty_database, "members", "id_card", keyring)


# -- refusals -----------------------------------------------------------------------------------


def test_a_column_too_short_for_the_tokens_is_refused_with_the_alter(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    rows = people(20)
    make_table(engine, rows, mobile_type="VARCHAR(20)")
    if engine.dialect.name == "sqlite":  # declared lengths are not enforced: it just works
        assert encrypt_column(empty_database, "members", "mobile", keyring).encrypted > 0
        return
    with pytest.raises(UsageError) as refused:
        encrypt_column(empty_database, "members", "mobile", keyring)
    message = str(refused.value)
    assert "members.mobile is VARCHAR(20), too short" in message
    assert "needs 96 characters" in message  # dg1: + base64url(4 + 22 + 4 + 12 + 11 + 16 bytes)
    assert "ALTER TABLE members" in message
    assert "VARCHAR(96)" in message
    assert "Nothing was changed" in message
    assert column(engine) == {r["id"]: r["mobile"] for r in rows}


def test_a_numeric_column_is_refused_with_a_way_out(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE phones (id INTEGER PRIMARY KEY, mobile BIGINT)"))
        connection.execute(sa.text("INSERT INTO phones VALUES (1, 13812341050)"))
    with pytest.raises(UsageError) as refused:
        encrypt_column(empty_database, "phones", "mobile", keyring)
    message = str(refused.value)
    assert "phones.mobile is BIGINT (numeric)" in message
    assert "cannot be stored in it" in message
    assert "ADD COLUMN mobile_enc" in message
    assert "13812341050" not in message


def test_a_table_without_a_key_is_refused(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE loose (id INTEGER, mobile VARCHAR(120))"))
        connection.execute(sa.text("INSERT INTO loose VALUES (1, '13812341050')"))
    with pytest.raises(UsageError, match="no primary key and no NOT NULL unique key"):
        encrypt_column(empty_database, "loose", "mobile", keyring)
    with pytest.raises(UsageError, match="not the primary key or a NOT NULL unique key"):
        encrypt_column(empty_database, "loose", "mobile", keyring, key_columns=["id"])
    make_table(engine, people(3))
    with pytest.raises(UsageError, match="a key column cannot be encrypted"):
        encrypt_column(empty_database, "members", "id", keyring)


def test_a_unique_key_or_a_composite_key_identifies_rows(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text("CREATE TABLE coded (code VARCHAR(20) NOT NULL UNIQUE, mobile VARCHAR(120))")
        )
        connection.execute(
            sa.text(
                "CREATE TABLE order_lines (order_id INTEGER NOT NULL, line INTEGER NOT NULL, "
                "mobile VARCHAR(120), PRIMARY KEY (order_id, line))"
            )
        )
        connection.execute(
            sa.text("INSERT INTO coded VALUES (:c, :m)"),
            [{"c": f"A-{i:03d}", "m": f"1381234{i:04d}"} for i in range(50)],
        )
        connection.execute(
            sa.text("INSERT INTO order_lines VALUES (:o, :l, :m)"),
            [
                {"o": o, "l": line, "m": f"139{o:04d}{line:04d}"}
                for o in range(9)
                for line in range(7)
            ],
        )
    coded = encrypt_column(empty_database, "coded", "mobile", keyring, batch=16)
    lines = encrypt_column(empty_database, "order_lines", "mobile", keyring, batch=10)
    assert (coded.key_columns, coded.encrypted) == (("code",), 50)
    assert (lines.key_columns, lines.encrypted) == (("order_id", "line"), 63)
    with engine.connect() as connection:
        token = connection.execute(
            sa.text("SELECT mobile FROM coded WHERE code = 'A-007'")
        ).scalar()
        assert keyring.decrypt(token, row_context("coded", "mobile", "A-007")) == "13812340007"
        token = connection.execute(
            sa.text("SELECT mobile FROM order_lines WHERE order_id = 3 AND line = 5")
        ).scalar()
    assert row_key((3, 5)) == '["3","5"]'
    assert keyring.decrypt(token, row_context("order_lines", "mobile", (3, 5))) == "13900030005"
    assert verify_column(empty_database, "order_lines", "mobile", keyring, sample=1000).ok == 63


def test_cancel_stops_between_batches_and_on_total_announces_the_work(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    rows = people()
    make_table(engine, rows)
    announced: list[int] = []
    done: list[int] = []
    report = encrypt_column(
        empty_database, "members", "mobile", keyring, batch=BATCH,
        on_total=lambda r: announced.append(r.pending), on_rows=done.append,
        cancel=lambda: len(done) == 1,
    )  # fmt: skip
    filled = len([r for r in rows if r["mobile"]])
    assert announced == [filled]
    assert (report.cancelled, report.batches, report.encrypted) == (True, 1, BATCH)


def test_names_are_quoted_and_a_scope_that_does_not_fit_says_so(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    table = sa.Table(
        "订单",
        sa.MetaData(),
        sa.Column("编号", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("手机", sa.String(120)),
    )
    table.create(engine)
    with engine.begin() as connection:
        connection.execute(table.insert(), [{"编号": i, "手机": f"1381234{i:04d}"} for i in (1, 2)])
    with pytest.raises(UsageError, match="name one with scope= \\(--scope\\)"):
        encrypt_column(empty_database, "订单", "手机", keyring)
    report = encrypt_column(empty_database, "订单", "手机", keyring, scope="orders.mobile")
    assert (report.encrypted, report.scope, report.key_columns) == (2, "orders.mobile", ("编号",))
    with engine.connect() as connection:
        token = connection.execute(sa.select(table.c["手机"]).where(table.c["编号"] == 2)).scalar()
    assert keyring.decrypt(token, row_context("订单", "手机", 2)) == "13812340002"


# -- blind index --------------------------------------------------------------------------------


def test_the_blind_index_is_written_and_equal_for_equal_values(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    rows = people()
    make_table(engine, rows)
    report = encrypt_column(empty_database, "members", "mobile", keyring, batch=BATCH,
                            blind_index_column="mobile_idx")  # fmt: skip
    assert report.blind_index_column == "mobile_idx"
    indexes = column(engine, "mobile_idx")
    cipher = keyring.cipher("members.mobile")
    by_value: dict[str, set[str]] = {}
    for row in rows:
        if not row["mobile"]:
            assert indexes[row["id"]] is None
            continue
        assert indexes[row["id"]] == cipher.blind_index(row["mobile"])
        by_value.setdefault(row["mobile"], set()).add(indexes[row["id"]])
    assert any(len([r for r in rows if r["mobile"] == v]) > 1 for v in by_value)  # repeats exist
    assert all(len(found) == 1 for found in by_value.values())  # equal values, equal index
    assert len({i for found in by_value.values() for i in found}) == len(by_value)


def test_a_blind_index_added_later_is_filled_from_the_tokens(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    rows = people(100)
    make_table(engine, rows)
    encrypt_column(empty_database, "members", "mobile", keyring, batch=BATCH)
    tokens = column(engine)
    later = encrypt_column(empty_database, "members", "mobile", keyring, batch=BATCH,
                           blind_index_column="mobile_idx")  # fmt: skip
    filled = [r for r in rows if r["mobile"]]
    assert (later.encrypted, later.indexed) == (0, len(filled))
    assert column(engine) == tokens  # the tokens themselves are left alone
    cipher = keyring.cipher("members.mobile")
    indexes = column(engine, "mobile_idx")
    assert all(indexes[r["id"]] == cipher.blind_index(r["mobile"]) for r in filled)
    again = encrypt_column(empty_database, "members", "mobile", keyring,
                           blind_index_column="mobile_idx")  # fmt: skip
    assert again.changed == 0


# -- verification -------------------------------------------------------------------------------


def test_verify_counts_and_finds_swapped_tokens(
    empty_database: str, engine: Any, keyring: Keyring
) -> None:
    rows = people()
    make_table(engine, rows)
    encrypt_column(empty_database, "members", "mobile", keyring, batch=BATCH)
    filled = len([r for r in rows if r["mobile"]])
    checked = verify_column(empty_database, "members", "mobile", keyring, sample=10_000)
    assert (checked.sampled, checked.ok, checked.failed, checked.not_encrypted) == (
        ROWS, filled, 0, 0,
    )  # fmt: skip
    assert checked.empty == ROWS - filled
    assert checked.passed
    sampled = verify_column(empty_database, "members", "mobile", keyring, sample=50, seed=3)
    assert 0 < sampled.sampled <= 50
    assert sampled.failed == 0
    same = verify_column(empty_database, "members", "mobile", keyring, sample=50, seed=3)
    assert same == sampled  # the same seed, the same sample

    stored = column(engine)
    with engine.begin() as connection:  # swap two rows' tokens; put one value back in clear
        update = sa.text("UPDATE members SET mobile = :m WHERE id = :id")
        connection.execute(update, [{"id": 1, "m": stored[2]}, {"id": 2, "m": stored[1]}])
        connection.execute(update, {"id": 3, "m": rows[2]["mobile"]})
    tampered = verify_column(empty_database, "members", "mobile", keyring, sample=10_000)
    assert (tampered.ok, tampered.failed, tampered.not_encrypted) == (filled - 3, 2, 1)
    assert sorted(tampered.failed_rows) == ["1", "2"]
    assert not tampered.passed
    assert not [v for v in plain_values(rows) if v in repr(tampered)]


# -- the command line ---------------------------------------------------------------------------


def run(*args: object) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_the_command_line(
    empty_database: str,
    engine: Any,
    keyring: Keyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATAGUARD_KEYSTORE", str(tmp_path / "keys.json"))
    monkeypatch.setenv("DATAGUARD_KEYSTORE_PASSPHRASE", PASSPHRASE)
    rows = people()
    make_table(engine, rows)
    filled = len([r for r in rows if r["mobile"]])
    target = [empty_database, "--table", "members", "--column", "mobile"]

    first = run("encrypt", "db", *target, "--batch", 50, "--blind-index", "mobile_idx")
    assert first.exit_code == 0, first.output
    assert f"encrypted {filled:,} value(s) of members.mobile" in first.stderr
    assert "--verify" in first.stderr  # says how to check
    second = run("encrypt", "db", *target)
    assert second.exit_code == 0, second.output
    assert second.stderr.startswith("nothing to do: members.mobile has no plaintext value left")

    verified = run("encrypt", "db", *target, "--verify", "--sample", 1000)
    assert verified.exit_code == 0, verified.output
    assert f"{filled:,} ok, 0 failed, 0 not encrypted" in verified.stdout
    stored = column(engine)
    with engine.begin() as connection:
        update = sa.text("UPDATE members SET mobile = :m WHERE id = :id")
        connection.execute(update, [{"id": 4, "m": stored[5]}, {"id": 5, "m": stored[4]}])
    tampered = run("encrypt", "db", *target, "--verify", "--sample", 1000)
    assert tampered.exit_code == 1
    assert "2 failed" in tampered.stdout
    assert "(by key): 4, 5" in tampered.stdout
    for result in (first, second, verified, tampered):
        assert not [v for v in plain_values(rows) if v in result.output]

    with engine.begin() as connection:  # put the swapped tokens back
        update = sa.text("UPDATE members SET mobile = :m WHERE id = :id")
        connection.execute(update, [{"id": 4, "m": stored[4]}, {"id": 5, "m": stored[5]}])
    assert run("keys", "rotate", "members.mobile").exit_code == 0
    rekeyed = run("encrypt", "db", *target, "--rekey", "--blind-index", "mobile_idx")
    assert rekeyed.exit_code == 0, rekeyed.output
    assert f"re-encrypted {filled:,} token(s) of members.mobile" in rekeyed.stderr
    both = run("encrypt", "db", *target, "--rekey", "--verify")
    assert both.exit_code == 2
    assert "--rekey writes and --verify only reads" in both.stderr
    reverified = run("encrypt", "db", *target, "--verify", "--sample", 1000)
    assert f"{filled:,} ok, 0 failed, 0 not encrypted" in reverified.stdout
    assert not [v for v in plain_values(rows) if v in rekeyed.output]

    # The values form of `dataguard encrypt` still works beside `encrypt db`.
    token = run("encrypt", "--scope", "members.mobile", "13812341050")
    assert token.exit_code == 0
    assert token.stdout.startswith("dg1:")
    assert run("encrypt", "--scope", "x.y", "db").stdout.startswith("dg1:")  # the word "db"
    refused = run("encrypt", "db", empty_database, "--table", "members", "--column", "id")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("error: id is part of")


def test_the_command_line_names_a_missing_database_without_its_password(
    keyring: Keyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAGUARD_KEYSTORE", str(tmp_path / "keys.json"))
    monkeypatch.setenv("DATAGUARD_KEYSTORE_PASSPHRASE", PASSPHRASE)
    url = "postgresql+psycopg://postgres:s3cret-pw@127.0.0.1:1/test"
    result = run("encrypt", "db", url, "--table", "t", "--column", "c")
    assert result.exit_code == 2
    assert "s3cret-pw" not in result.stderr
    assert "***" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run("encrypt", "db", f"sqlite:///{tmp_path / 'nope.db'}", "--table", "t",
                  "--column", "c")  # fmt: skip
    assert missing.exit_code == 2
    assert "no SQLite database file" in missing.stderr
    assert not (tmp_path / "nope.db").exists()


# -- the row key --------------------------------------------------------------------------------


def test_row_keys_are_canonical_text() -> None:
    import datetime
    import uuid
    from decimal import Decimal

    assert row_key(42) == row_key((42,)) == "42"
    assert row_key("A-1") == "A-1"
    assert row_key((7, "A-1")) == '["7","A-1"]'
    assert row_key(b"\x01\xff") == "01ff"
    assert row_key(datetime.datetime(2024, 5, 17, 8, 0)) == "2024-05-17T08:00:00"
    assert row_key(Decimal("10.50")) == "10.50"
    value = uuid.UUID(int=1)
    assert row_key(value) == str(value)
    assert json.loads(row_key(("张三", 1))) == ["张三", "1"]
