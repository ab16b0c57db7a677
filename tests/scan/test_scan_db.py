"""``scan_database`` against real SQLite, PostgreSQL and MariaDB (see tests/conftest.py).

Expected verdicts are written by hand from how each column was filled; the data come from
the standards-following generators.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from dataguard.errors import UsageError
from dataguard.scan.database import scan_database
from dataguard.testing import generators as gen

ROWS = 300


def _rows(seed: int = 3) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows = []
    for i in range(ROWS):
        mobile = gen.mobile_digits(rng)
        rows.append(
            {
                "id": i + 1,
                "receiver_mobile": mobile,
                "mobile_num": int(gen.mobile_digits(rng)),  # BIGINT phone numbers
                "c3": gen.id_card(rng),  # only the comment says what it is
                "buyer_email": gen.email(rng),
                "remark": f"请联系 {gen.mobile(rng)}" if i % 4 == 0 else "已发货",
                "phone_sha256": hashlib.sha256(mobile.encode()).hexdigest(),
                "masked_phone": mobile[:3] + "****" + mobile[-4:],
                "order_no": gen.order_number(rng),
                "amount": f"{rng.randrange(100, 99999) / 100:.2f}",
                "extra": json.dumps({"contact": {"tel": gen.mobile_digits(rng)}}),
                "created_at": None,
            }
        )
    return rows


EXPECTED = {
    # column: (entity, protection, kind)
    "id": (None, None, "clean"),
    "receiver_mobile": ("CN_MOBILE", "plaintext", "value"),
    "mobile_num": ("CN_MOBILE", "plaintext", "value"),
    "c3": ("CN_ID_CARD", "plaintext", "value"),
    "buyer_email": ("EMAIL_ADDRESS", "plaintext", "value"),
    "remark": ("CN_MOBILE", "plaintext", "text"),
    "phone_sha256": ("CN_MOBILE", "hashed", "value"),
    "masked_phone": ("CN_MOBILE", "masked", "value"),
    "order_no": (None, None, "clean"),
    "amount": (None, None, "clean"),
    "extra": ("CN_MOBILE", "plaintext", "text"),
    "created_at": (None, None, "clean"),
}


@pytest.fixture
def shop(empty_database: str) -> Iterator[str]:
    engine = sa.create_engine(empty_database)
    metadata = sa.MetaData()
    orders = sa.Table(
        "orders",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, comment="主键"),
        sa.Column("receiver_mobile", sa.String(20), comment="收货人手机号"),
        sa.Column("mobile_num", sa.BigInteger),
        sa.Column("c3", sa.String(18), comment="身份证号"),
        sa.Column("buyer_email", sa.String(64)),
        sa.Column("remark", sa.Text, comment="备注"),
        sa.Column("phone_sha256", sa.String(64)),
        sa.Column("masked_phone", sa.String(20)),
        sa.Column("order_no", sa.String(32), comment="订单编号"),
        sa.Column("amount", sa.String(12)),
        sa.Column("extra", sa.Text),
        sa.Column("created_at", sa.DateTime),
        comment="订单",
    )
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(orders.insert(), _rows())
    engine.dispose()
    return empty_database


def _verdicts(url: str, **kwargs: object) -> dict[str, tuple[object, object, object]]:
    report = scan_database(url, **kwargs)  # type: ignore[arg-type]
    return {c.column: (c.entity, c.protection, c.kind) for c in report.columns}


def test_every_column_is_classified(shop: str) -> None:
    assert _verdicts(shop) == EXPECTED


def test_comments_types_and_evidence_reach_the_report(shop: str) -> None:
    report = scan_database(shop)
    columns = {c.column: c for c in report.columns}
    c3 = columns["c3"]
    if not shop.startswith("sqlite"):  # SQLite keeps no comments
        assert c3.comment == "身份证号"
        assert c3.evidence.comment == "CN_ID_CARD"
        assert report.tables[0].comment == "订单"
    assert c3.evidence.valid == ROWS
    assert c3.grade == "S3"
    assert c3.action == "encrypt"
    assert c3.mandates == ("Youzan 7.4: personal data stored in plaintext",)
    assert "INT" in columns["mobile_num"].type.upper()
    assert columns["masked_phone"].action == "none"
    assert report.read_only


def test_the_report_never_holds_a_sampled_value(shop: str) -> None:
    text = scan_database(shop).to_json()
    for row in _rows():
        for column in ("receiver_mobile", "c3", "buyer_email", "phone_sha256"):
            assert str(row[column]) not in text
        assert str(row["mobile_num"]) not in text


def test_a_sample_is_bounded_and_repeatable(shop: str) -> None:
    first = scan_database(shop, sample=50, seed=1)
    again = scan_database(shop, sample=50, seed=1)
    assert first.tables[0].sampled <= 50
    assert first.tables[0].sampled >= 25
    assert [c.to_dict() for c in first.columns] == [c.to_dict() for c in again.columns]


def test_filters(shop: str) -> None:
    assert {t.table.rsplit(".", 1)[-1] for t in scan_database(shop, tables=["ord*"]).tables} == {
        "orders"
    }
    with pytest.raises(UsageError, match="no tables to scan"):
        scan_database(shop, tables=["nothing_like_this"])


def test_the_scan_never_writes(shop: str) -> None:
    engine = sa.create_engine(shop)
    with engine.connect() as connection:
        before = connection.execute(sa.text("SELECT COUNT(*) FROM orders")).scalar()
    scan_database(shop)
    with engine.connect() as connection:
        after = connection.execute(sa.text("SELECT COUNT(*) FROM orders")).scalar()
    engine.dispose()
    assert before == after == ROWS


def _events(url: str) -> tuple[Any, Any]:
    """A table ``events`` of ids 1-20,000 (analysed on PostgreSQL, for its row estimate):
    a read-only engine, and the table as the catalogue describes it."""
    from dataguard.sources.catalog import read_catalog
    from dataguard.sources.database import read_only_engine

    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    table = sa.Table("events", metadata, sa.Column("id", sa.Integer, primary_key=True))
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(table.insert(), [{"id": i} for i in range(1, 20_001)])
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("ANALYZE events"))
    engine.dispose()
    reader = read_only_engine(url)
    return reader, next(iter(read_catalog(reader)))


def test_big_tables_are_sampled_across_their_rows(empty_database: str) -> None:
    from dataguard.sources.database import sample_table

    reader, info = _events(empty_database)
    assert info.rows is not None
    assert info.rows > 10_000
    with reader.connect() as connection:
        ids = sample_table(connection, info, 200, seed=5)["id"]
        again = sample_table(connection, info, 200, seed=5)["id"]
    reader.dispose()
    assert 50 <= len(ids) <= 200
    assert sorted(ids) == sorted(again)  # the same seed, the same sample
    # Spread over the table, not its first rows.
    assert max(ids) > 10_000
    assert min(ids) < 10_000


def test_the_sample_stays_when_the_row_estimate_drifts(empty_database: str) -> None:
    """The row estimate (``information_schema.tables.table_rows``, ``pg_class.reltuples``)
    moves when the server refreshes its statistics, not only when data changes: a MariaDB
    table scanned right after it was loaded and again a minute later gave two samples
    (476 and 499 values of one column) from one seed on the same rows."""
    import dataclasses

    from dataguard.sources.database import sample_table

    reader, info = _events(empty_database)
    samples = []
    with reader.connect() as connection:
        for estimate in (17_000, 19_000, 20_000, 23_000):
            drifted = dataclasses.replace(info, rows=estimate)
            samples.append(sorted(sample_table(connection, drifted, 200, seed=5)["id"]))
    reader.dispose()
    assert len(samples[0]) == 200
    assert all(sample == samples[0] for sample in samples)


def _accounts(path: str, tables: int = 1) -> str:
    import sqlite3

    rng = random.Random(8)
    connection = sqlite3.connect(path)
    for t in range(tables):
        connection.execute(
            f"CREATE TABLE accounts_{t} (id INTEGER PRIMARY KEY, c4 TEXT, password TEXT, "
            "sms_code TEXT, city TEXT)"
        )
        connection.executemany(
            f"INSERT INTO accounts_{t} VALUES (?, ?, ?, ?, ?)",
            [
                (
                    i,
                    gen.chinese_name(rng),
                    "".join(rng.choice("abcdefgh12345!") for _ in range(10)),
                    f"{rng.randrange(10**6):06d}",
                    rng.choice(["杭州", "北京", "上海"]),
                )
                for i in range(200)
            ],
        )
    connection.commit()
    connection.close()
    return f"sqlite:///{path}"


def test_names_without_context_and_shapeless_credentials(tmp_path: Path) -> None:
    report = scan_database(_accounts(str(tmp_path / "a.db")))
    verdicts = {c.column: (c.entity, c.protection, c.action) for c in report.columns}
    assert verdicts == {
        "id": (None, None, "none"),
        # Nothing names c4, but a column of surname-led names is its own context.
        "c4": ("CN_NAME", "plaintext", "encrypt"),
        # Passwords and SMS codes have no shape: the name decides.
        "password": ("SECRET", "plaintext", "hash"),
        "sms_code": ("SECRET", "plaintext", "encrypt"),
        "city": (None, None, "none"),
    }


def test_worker_processes_give_the_same_report(tmp_path: Path) -> None:
    url = _accounts(str(tmp_path / "many.db"), tables=9)  # enough tables for workers
    alone = scan_database(url, workers=1)
    shared = scan_database(url, workers=2)
    assert [c.to_dict() for c in shared.columns] == [c.to_dict() for c in alone.columns]
    assert [t.table for t in shared.tables] == [f"accounts_{t}" for t in range(9)]


def _binary_rows(seed: int = 5) -> list[dict[str, object]]:
    """Binary columns as applications fill them: a raw SHA-256 of the mobile, an address
    under AES-CBC (IV first, PKCS#7 padding: sizes grow with the address) and a pickled
    profile holding a mobile in plaintext."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    rng = random.Random(seed)
    key = rng.randbytes(32)
    rows = []
    for i in range(ROWS):
        mobile = gen.mobile_digits(rng)
        padder = padding.PKCS7(128).padder()
        plain = padder.update(gen.address(rng).encode()) + padder.finalize()
        iv = rng.randbytes(16)
        encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        rows.append(
            {
                "id": i + 1,
                "mobile_digest": hashlib.sha256(mobile.encode()).digest(),
                "receiver_address": iv + encryptor.update(plain) + encryptor.finalize(),
                "profile_blob": pickle.dumps({"uid": i, "mobile": gen.mobile_digits(rng)}),
            }
        )
    return rows


def _scan_one_table(url: str, *columns: sa.Column[Any], rows: list[dict[str, Any]]) -> Any:
    """Create the table ``t`` of *columns* in *url*, insert *rows*, scan the database: the
    report, and its columns by name."""
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    table = sa.Table("t", metadata, *columns)
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(table.insert(), rows)
    engine.dispose()
    report = scan_database(url)
    return report, {c.column: c for c in report.columns}


def test_plaintext_rows_in_a_mostly_encrypted_column_are_reported(empty_database: str) -> None:
    """A column half-way through an encryption migration (or written to by a service that
    bypasses it) was reported by its majority form: 80% ciphertext, 20% plaintext mobiles
    and ID numbers, "opaque-ciphertext, 0 in plaintext". The plaintext rows are the leak."""
    import base64

    rng = random.Random(4)

    def ciphertext() -> str:
        return base64.b64encode(rng.randbytes(32)).decode()

    rows = [
        {
            "id": i,
            "mobile": gen.mobile_digits(rng) if i % 5 == 0 else ciphertext(),
            "cert_no": gen.id_card(rng) if i % 5 == 0 else ciphertext(),
            # One stray plaintext value among ciphertext is not enough to say so.
            "bank_account": gen.bank_card_digits(rng) if i == 7 else ciphertext(),
        }
        for i in range(1, 301)  # not 0: MariaDB numbers an id of 0 itself
    ]
    report, columns = _scan_one_table(
        empty_database,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("mobile", sa.String(64)),
        sa.Column("cert_no", sa.String(64)),
        sa.Column("bank_account", sa.String(64)),
        rows=rows,
    )
    verdicts = {name: (c.entity, c.protection, c.action) for name, c in columns.items()}
    assert verdicts == {
        "id": (None, None, "none"),
        "mobile": ("CN_MOBILE", "plaintext", "encrypt"),
        "cert_no": ("CN_ID_CARD", "plaintext", "encrypt"),
        "bank_account": ("BANK_CARD", "opaque-ciphertext", "none"),
    }
    mobile = columns["mobile"]
    assert mobile.evidence.valid == 60
    assert "60 of 300 sampled values are plaintext" in mobile.evidence.reasons[0]
    # The previews are the plaintext values, masked; never a ciphertext.
    assert len(mobile.previews) == 3
    assert all(re.fullmatch(r"\*{6}\d{4}", preview) for preview in mobile.previews)
    plain = {row["mobile"] for row in rows if row["id"] % 5 == 0}
    assert not any(value in str(report.to_dict()) for value in plain)


def test_binary_columns_are_judged_by_their_bytes(empty_database: str) -> None:
    # Bytes that are not UTF-8 were skipped like NULLs: a BINARY(32) digest column was
    # reported as a plaintext mobile on its name alone, an encrypted address likewise, and
    # the mobiles inside a pickled profile were never read.
    rows = _binary_rows()
    report, columns = _scan_one_table(
        empty_database,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("mobile_digest", sa.LargeBinary),
        sa.Column("receiver_address", sa.LargeBinary),
        sa.Column("profile_blob", sa.LargeBinary),
        rows=rows,
    )
    verdicts = {name: (c.entity, c.protection, c.kind) for name, c in columns.items()}
    assert verdicts == {
        "id": (None, None, "clean"),
        "mobile_digest": ("CN_MOBILE", "hashed", "value"),
        "receiver_address": ("CN_ADDRESS", "opaque-ciphertext", "value"),
        "profile_blob": ("CN_MOBILE", "plaintext", "text"),
    }
    assert columns["mobile_digest"].mandates == ()
    assert columns["receiver_address"].mandates == ()
    assert columns["profile_blob"].mandates == ("Youzan 7.4: personal data stored in plaintext",)
    text = report.to_json()  # a report is UTF-8: undecodable bytes show as U+FFFD
    assert "\ufffd" in "".join(columns["profile_blob"].previews)
    for row in rows:
        assert pickle.loads(row["profile_blob"])["mobile"] not in text  # type: ignore[arg-type]


def test_sparse_text_columns_get_a_second_look(empty_database: str) -> None:
    """Three phones in 3,000 rows: a 200-row sample misses them; the top-up does not."""
    rng = random.Random(11)
    engine = sa.create_engine(empty_database)
    metadata = sa.MetaData()
    table = sa.Table(
        "customers",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contact", sa.String(20)),  # NULL but in every 1,000th row
        sa.Column("note", sa.Text),  # blank but in every 1,500th row
        sa.Column("meta", sa.JSON(none_as_null=True)),  # never compared with a string
        sa.Column("status", sa.String(8)),  # always filled: not sparse
        sa.Column("alt_no", sa.BigInteger),  # 0 but in every 1,000th row
        sa.Column("alt_tel", sa.String(20)),  # '0' but in every 1,000th row
    )
    metadata.create_all(engine)
    phones = [gen.mobile_digits(rng) for _ in range(3)]
    ids = [gen.id_card(rng) for _ in range(2)]
    rows = [
        {
            "id": i + 1,  # MariaDB's AUTO_INCREMENT takes 0 for "the next one"
            "contact": phones[i // 1000] if i % 1000 == 500 else None,
            "note": f"客户身份证 {ids[i // 1500]}" if i % 1500 == 700 else "",
            "meta": None,
            "status": "ok",
            "alt_no": int(phones[i // 1000]) if i % 1000 == 600 else 0,
            "alt_tel": phones[i // 1000] if i % 1000 == 800 else "0",
        }
        for i in range(3000)
    ]
    with engine.begin() as connection:
        connection.execute(table.insert(), rows)
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("ANALYZE customers"))
    engine.dispose()

    report = scan_database(empty_database, sample=200, seed=2)
    columns = {c.column: c for c in report.columns}
    assert (columns["contact"].entity, columns["contact"].kind) == ("CN_MOBILE", "value")
    assert columns["contact"].evidence.valid == 3  # every one of them, from the top-up
    assert (columns["note"].entity, columns["note"].kind) == ("CN_ID_CARD", "text")
    assert columns["status"].entity is None
    # A BIGINT that defaults to 0: zero is its "nothing", so it is sparse too.
    assert (columns["alt_no"].entity, columns["alt_no"].evidence.valid) == ("CN_MOBILE", 3)
    # Text holding '0' where it holds nothing: the second look skips the zeros too.
    assert (columns["alt_tel"].entity, columns["alt_tel"].evidence.valid) == ("CN_MOBILE", 3)
    assert report.tables[0].sampled <= 200  # the row sample, not the top-up
    (note,) = report.notes
    assert note.startswith("customers: ") or note.startswith("public.customers: ")
    # Declared text and sparse. JSON is not compared with '' (MariaDB's JSON is LONGTEXT).
    mariadb = empty_database.startswith("mysql")
    assert note.endswith(
        "contact, note, meta, alt_no, alt_tel" if mariadb else "contact, note, alt_no, alt_tel"
    )
    assert not [p for p in phones + ids if p in report.to_json()]

    without = scan_database(empty_database, sample=200, seed=2, sparse=False)
    assert without.notes == []
    assert {c.column: c for c in without.columns}["contact"].evidence.valid < 3

    # A table no larger than the sample is read whole: nothing more to look at.
    whole = scan_database(empty_database, sample=5000)
    assert whole.notes == []
    assert {c.column: c for c in whole.columns}["contact"].evidence.valid == 3


def _sparse_tables(url: str, rng: random.Random) -> list[str]:
    """Tables ``first`` and ``second`` with a phone in one row in 1,000 of ``contact``."""
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    tables = [
        sa.Table(
            name,
            metadata,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("contact", sa.String(20)),
            sa.Column("status", sa.String(8)),
        )
        for name in ("first", "second")
    ]
    metadata.create_all(engine)
    phones = [gen.mobile_digits(rng) for _ in range(3)]
    rows = [
        {"id": i + 1, "contact": phones[i // 1000] if i % 1000 == 500 else None, "status": "ok"}
        for i in range(3000)
    ]
    with engine.begin() as connection:
        for table in tables:
            connection.execute(table.insert(), rows)
    engine.dispose()
    return phones


def test_a_failing_second_look_costs_that_table_not_the_scan(
    empty_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second look at ``first`` fails in the database (a statement the server rejects,
    as a statement timeout would be); ``second`` still gets its own, and the report says
    which table was judged from the sample alone."""
    import dataguard.scan.database as scanning

    phones = _sparse_tables(empty_database, random.Random(5))
    real_top_up = scanning.top_up

    def failing_for_first(connection: sa.Connection, info: object, *args: object) -> object:
        if getattr(info, "name", "") == "first":
            connection.execute(sa.text("SELECT contact FROM no_such_table_here"))
        return real_top_up(connection, info, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(scanning, "top_up", failing_for_first)
    report = scan_database(empty_database, sample=200, seed=2)
    verdicts = {(c.table.split(".")[-1], c.column): c for c in report.columns}
    assert verdicts["second", "contact"].evidence.valid == 3  # its second look ran
    assert verdicts["first", "contact"].evidence.valid < 3  # the sample alone
    failed, looked = sorted(report.notes)
    assert "first: 1 column(s)" in failed
    assert "reading more of their values failed (" in failed
    assert failed.endswith(
        "judged from the sample alone and may hold personal data it did not see: contact"
    )
    assert "second: 1 column(s)" in looked
    assert "more non-empty values" in looked
    assert not [p for p in phones if p in report.to_json()]


@pytest.mark.parametrize("empty_database", ["postgresql"], indirect=True)
def test_a_type_that_only_looks_like_text_gets_its_second_look(empty_database: str) -> None:
    """A PostgreSQL enum named ``ticket_text`` is declared "text" by its name; TRIM of an
    enum is an error there (the whole scan failed), so the second look reads it as text."""
    phones = _sparse_tables(empty_database, random.Random(6))
    engine = sa.create_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TYPE ticket_text AS ENUM ('open', 'closed')"))
        connection.execute(sa.text("ALTER TABLE first ADD COLUMN state ticket_text"))
        connection.execute(sa.text("UPDATE first SET state = 'open' WHERE id % 1000 = 7"))
    engine.dispose()
    report = scan_database(empty_database, sample=200, seed=2, tables=["first"])
    (note,) = report.notes
    assert note.endswith("were read: contact, state"), note
    contact = {c.column: c for c in report.columns}["contact"]
    assert contact.evidence.valid == 3
    assert not [p for p in phones if p in report.to_json()]


@pytest.mark.parametrize("empty_database", ["postgresql"], indirect=True)
def test_a_partitioned_table_is_one_table_and_a_materialized_view_is_scanned(
    empty_database: str,
) -> None:
    """A table partitioned by month was reported once for itself and once per partition
    (thirteen times for a year's orders), and a materialized view, which stores a copy of
    its query's rows, was not scanned at all."""
    rng = random.Random(11)
    phones = [gen.mobile_digits(rng) for _ in range(120)]
    engine = sa.create_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(
            sa.text("CREATE TABLE orders (id INT, month INT, phone TEXT) PARTITION BY LIST (month)")
        )
        for month in (1, 2, 3):
            connection.execute(
                sa.text(f"CREATE TABLE orders_m{month} PARTITION OF orders FOR VALUES IN ({month})")
            )
        connection.execute(
            sa.text("INSERT INTO orders VALUES (:i, :m, :p)"),
            [{"i": i, "m": i % 3 + 1, "p": p} for i, p in enumerate(phones)],
        )
        connection.execute(sa.text("CREATE MATERIALIZED VIEW buyers AS SELECT phone FROM orders"))
        connection.execute(sa.text("CREATE VIEW recent AS SELECT phone FROM orders"))
        connection.execute(sa.text("ANALYZE orders_m1, orders_m2, orders_m3"))
    engine.dispose()
    report = scan_database(empty_database)
    tables = {t.table: t.rows for t in report.tables}
    assert tables == {"public.buyers": 120, "public.orders": 120}  # the view holds no rows
    verdicts = {(c.table, c.column): (c.entity, c.protection) for c in report.columns}
    assert verdicts == {
        ("public.buyers", "phone"): ("CN_MOBILE", "plaintext"),
        ("public.orders", "id"): (None, None),
        ("public.orders", "month"): (None, None),
        ("public.orders", "phone"): ("CN_MOBILE", "plaintext"),
    }
    assert "public.orders is partitioned: its 3 partition(s) were read" in report.notes[1]
    assert report.notes[0].startswith("public.buyers is a materialized view")
    # A partition named alone, without its table, is scanned as itself.
    alone = scan_database(empty_database, tables=["orders_m2"])
    assert [t.table for t in alone.tables] == ["public.orders_m2"]
    assert alone.notes == []


@pytest.mark.parametrize("encoding", ["UTF-8", "GBK"])
def test_text_stored_in_a_latin1_column_is_read_as_what_it_is(
    empty_database: str, encoding: str
) -> None:
    """A legacy application wrote UTF-8 (or, a GBK client, GBK) into latin1 columns (乱码
    to every other client): the names and addresses were not found, the column of names
    was reported clean, and the previews of the remarks around their phone numbers showed
    the rest, readable to anyone who reverses the encoding."""
    rng = random.Random(6)
    people = [(gen.chinese_name(rng), gen.address(rng), gen.mobile_digits(rng)) for _ in range(60)]
    engine = sa.create_engine(empty_database)
    mysql = engine.dialect.name in ("mysql", "mariadb")
    with engine.begin() as connection:
        charset = " CHARACTER SET latin1" if mysql else ""
        connection.execute(
            sa.text(f"CREATE TABLE member (id INT PRIMARY KEY, name VARCHAR(50), "
                    f"addr VARCHAR(200), note VARCHAR(200)){charset}")
        )  # fmt: skip
        for i, (name, address, mobile) in enumerate(people, 1):
            texts = [name, address, f"客户{name}电话{mobile}"]
            # MySQL: the bytes themselves, as the application's latin1 connection wrote
            # them; elsewhere what a client reads of them.
            stored = [
                t.encode(encoding) if mysql else gen.as_read_from_latin1(t, encoding) for t in texts
            ]
            connection.execute(
                sa.text("INSERT INTO member VALUES (:i, :n, :a, :r)"),
                {"i": i, "n": stored[0], "a": stored[1], "r": stored[2]},
            )
    engine.dispose()
    report = scan_database(empty_database)
    columns = {c.column: c for c in report.columns}
    assert {c: (columns[c].entity, columns[c].protection) for c in ("name", "addr", "note")} == {
        "name": ("CN_NAME", "plaintext"),
        "addr": ("CN_ADDRESS", "plaintext"),
        "note": ("CN_NAME", "plaintext"),
    }
    assert columns["note"].entities == ("CN_NAME", "CN_MOBILE")
    assert columns["name"].evidence.reasons[0] == (
        f"60 sampled values are {encoding} stored in a latin1 column (mojibake to any other "
        f"client), read as {encoding}"
    )
    text = report.to_json()
    leaked = [
        v
        for person in people
        for v in (*person, *(gen.as_read_from_latin1(t, encoding) for t in person))
    ]
    assert not [v for v in leaked if v in text]
    assert "**" in "".join(columns["note"].previews)
