"""The labelled test schemas: complete truth, real tables on every database, honest data.

Validity is checked with the checksum helpers of :mod:`dataguard.testing.generators` and
small format checks written here, never with dataguard's recognizers (the code that the
schemas exist to test).
"""

from __future__ import annotations

import datetime as dt
import decimal
import ipaddress
import math
import re
import sqlite3
import subprocess
import sys
import unicodedata
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from dataguard.sources.catalog import read_catalog
from dataguard.testing import generators as g
from dataguard.testing.schemas import (
    ENTITIES,
    PLACEHOLDERS,
    PROTECTIONS,
    SCHEMAS,
    ColumnSpec,
    ColumnTruth,
    SchemaSpec,
    create_schema,
    generate_rows,
    get_schema,
    ground_truth,
    metadata,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "shop.db"
DB_ROWS = 30  # per database kind: enough to fill every table, small enough to be quick
RATE_ROWS = 600  # in memory, for share-of-valid-values checks


# -- independent validity checks ------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, decimal.Decimal):
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value))


def _id_ok(value: Any) -> bool:
    text = _text(value)
    if len(text) != 18 or not text[:17].isdigit() or g.id_check_char(text[:17]) != text[17].upper():
        return False
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    return born <= dt.date.today()


def _mobile_ok(value: Any) -> bool:
    text = re.sub(r"[\s()\-]", "", _text(value))
    text = re.sub(r"^(\+86|0086)", "", text)
    return (
        len(text) == 11 and text.isdigit() and text[:3] in g.MOBILE_PREFIXES
    ) and text not in PLACEHOLDERS


def _card_ok(value: Any) -> bool:
    text = re.sub(r"[\s\-]", "", _text(value))
    return text.isdigit() and 15 <= len(text) <= 19 and g.luhn_check_digit(text[:-1]) == text[-1]


def _uscc_ok(value: Any) -> bool:
    text = _text(value)
    return (
        len(text) == 18
        and all(c in g.USCC_ALPHABET for c in text)
        and g.uscc_check_char(text[:17]) == text[17]
    )


def _ip_ok(value: Any) -> bool:
    try:
        ipaddress.ip_address(_text(value))
    except ValueError:
        return False
    return True


# ref. standards §1 formats (passport, e-mail, GA 36 plates).
_PASSPORT = re.compile(r"[EGDSPH]\d{8}|E[A-HJ-NP-Z]\d{7}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z]·?[A-Z0-9]{5,6}"
)

VALIDATORS: dict[str, Callable[[Any], bool]] = {
    "CN_ID_CARD": _id_ok,
    "CN_MOBILE": _mobile_ok,
    "BANK_CARD": _card_ok,
    "CN_USCC": _uscc_ok,
    "IP_ADDRESS": _ip_ok,
    "CN_PASSPORT": lambda v: bool(_PASSPORT.fullmatch(_text(v))),
    "EMAIL_ADDRESS": lambda v: bool(_EMAIL.fullmatch(_text(v))),
    "CN_LICENSE_PLATE": lambda v: bool(_PLATE.fullmatch(_text(v))),
}

RATE_COLUMNS = [
    pytest.param(s.name, t.name, c.name, id=f"{t.name}.{c.name}")
    for s in SCHEMAS.values()
    for t in s.tables
    for c in t.columns
    if c.protection == "plaintext" and not c.in_text and c.entity in VALIDATORS
]

DIRTY_COLUMNS = [
    pytest.param(s.name, t.name, c.name, id=f"{t.name}.{c.name}")
    for s in SCHEMAS.values()
    for t in s.tables
    for c in t.columns
    if any(c.share(label) for label in ("null", "blank", "placeholder"))
]


@pytest.fixture(scope="module")
def big_rows() -> dict[str, dict[str, list[dict[str, Any]]]]:
    return {name: generate_rows(name, rows=RATE_ROWS) for name in SCHEMAS}


# -- the specs themselves -------------------------------------------------------------------


def test_every_column_has_truth_and_every_entity_and_state_occurs() -> None:
    seen_entities: set[str] = set()
    seen_states: set[str] = set()
    for schema in SCHEMAS.values():
        truth = ground_truth(schema)
        assert set(truth) == {(t.name, c.name) for t in schema.tables for c in t.columns}
        for truth_of in truth.values():
            assert isinstance(truth_of, ColumnTruth)
            assert truth_of.entities <= ENTITIES
            assert (truth_of.entity is None) == (truth_of.protection is None)
            seen_entities |= truth_of.entities
            if truth_of.protection:
                seen_states.add(truth_of.protection)
    assert seen_entities == ENTITIES
    assert seen_states == set(PROTECTIONS)


def test_names_and_comments_follow_schema_hygiene() -> None:
    tables = [t.name for s in SCHEMAS.values() for t in s.tables]
    assert len(tables) == len(set(tables)), "table names must be unique across schemas"
    for schema in SCHEMAS.values():
        for table in schema.tables:
            assert table.comment, table.name
            assert table.primary_key, table.name
            for column in table.columns:
                # ref. standards §5 (Youzan 7.1): lower-case snake_case, at most 32 characters.
                assert re.fullmatch(r"[a-z][a-z0-9_]{0,31}", column.name), column.name
                assert column.comment, f"{table.name}.{column.name}"


def test_the_hard_cases_asked_for_are_there() -> None:
    def col(schema: str, table: str, column: str) -> ColumnSpec:
        return get_schema(schema).table(table).column(column)

    # an uninformative name whose comment is the only name evidence
    assert col("hr", "employee_ext", "c3").comment == "身份证号"
    assert col("hr", "employee_ext", "c3").entity == "CN_ID_CARD"
    # numbers in numeric columns
    assert isinstance(col("hr", "employees", "mobile").type, sa.BigInteger)
    assert col("hr", "employees", "si_account").entity == "CN_ID_CARD"
    # dirt with its labels
    id_card = col("hr", "employees", "id_card")
    for label in ("bad_check", "bad_date", "legacy", "placeholder", "blank", "null"):
        assert id_card.share(label) > 0, label
    # free text with several entities
    assert len(col("shop", "cs_messages", "content").truth.entities) >= 5


def test_rows_are_deterministic() -> None:
    first = generate_rows("shop", rows=20, seed=3)
    assert first == generate_rows("shop", rows=20, seed=3)
    assert first != generate_rows("shop", rows=20, seed=4)
    counts = get_schema("shop").row_counts(20)
    assert {t: len(r) for t, r in first.items()} == counts
    assert get_schema("hr").row_counts(20)["departments"] == 12  # fixed-size lookup table


def test_unknown_schema_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="known: admin, hr, logistics, shop"):
        get_schema("crm")


def test_a_bad_spec_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown entities"):
        ColumnSpec("x", sa.Integer(), "x", lambda ctx: 1, "PHONE", "plaintext")
    with pytest.raises(ValueError, match="protection"):
        ColumnSpec("x", sa.Integer(), "x", lambda ctx: 1, "CN_MOBILE")


# -- the values -----------------------------------------------------------------------------


@pytest.mark.parametrize(("schema", "table", "column"), RATE_COLUMNS)
def test_plaintext_values_validate_at_the_intended_rate(
    big_rows: dict[str, dict[str, list[dict[str, Any]]]], schema: str, table: str, column: str
) -> None:
    spec = get_schema(schema).table(table).column(column)
    assert isinstance(spec.entity, str)
    values = [row[column] for row in big_rows[schema][table] if row[column] is not None]
    assert values, "a column holding personal data has values"
    valid = sum(VALIDATORS[spec.entity](v) for v in values) / len(values)
    expected = spec.share("valid") / (1 - spec.share("null"))
    tolerance = 4 * math.sqrt(expected * (1 - expected) / len(values)) + 0.01
    assert abs(valid - expected) <= tolerance, (valid, expected)


@pytest.mark.parametrize(("schema", "table", "column"), DIRTY_COLUMNS)
def test_dirt_is_present(
    big_rows: dict[str, dict[str, list[dict[str, Any]]]], schema: str, table: str, column: str
) -> None:
    spec = get_schema(schema).table(table).column(column)
    values = [row[column] for row in big_rows[schema][table]]
    if spec.share("null"):
        assert None in values
    if spec.share("blank"):
        assert any(v in ("", "N/A", "无", "-", "null") for v in values)
    if spec.share("placeholder"):
        assert any(_text(v) in PLACEHOLDERS or v == 0 for v in values if v is not None)


def test_protected_columns_have_protected_shapes(
    big_rows: dict[str, dict[str, list[dict[str, Any]]]],
) -> None:
    shapes = {
        "masked": re.compile(r".*\*{1,}.*"),
        "hashed": re.compile(r"[0-9a-f]{32}|[0-9a-f]{64}|\$2[ab]\$\d\d\$[./A-Za-z0-9]{53}"),
        "encrypted": re.compile(r"[A-Za-z0-9+/]+={0,2}|[0-9A-F]{32,}"),
    }
    for schema in SCHEMAS.values():
        for table in schema.tables:
            for column in table.columns:
                if column.protection not in shapes or column.in_text:
                    continue
                values = [r[column.name] for r in big_rows[schema.name][table.name]]
                values = [v for v in values if v is not None]
                assert values, f"{table.name}.{column.name}"
                for value in values:
                    assert shapes[column.protection].fullmatch(value), (column.name, value)


# -- real databases -------------------------------------------------------------------------


def test_every_schema_creates_and_fills_on_each_database(empty_database: str) -> None:
    dialect = sa.engine.make_url(empty_database).get_backend_name()
    truths: dict[tuple[str, str], ColumnTruth] = {}
    for schema in SCHEMAS.values():  # all four in one database: table names never collide
        truths |= create_schema(empty_database, schema, rows=DB_ROWS)
    engine = sa.create_engine(empty_database)
    try:
        catalog = {t.name: t for t in read_catalog(engine)}
        assert set(truths) == {(t, c.name) for t, info in catalog.items() for c in info.columns}
        specs = {t.name: (s, t) for s in SCHEMAS.values() for t in s.tables}
        for name, info in catalog.items():
            schema, table = specs[name]
            if dialect == "sqlite":
                assert info.comment is None  # SQLite keeps no comments
            else:
                assert info.comment == table.comment
                assert {c.name: c.comment for c in info.columns} == {
                    c.name: c.comment for c in table.columns
                }
            if dialect == "mysql":
                assert (info.engine, info.charset) == ("InnoDB", "utf8mb4")
            assert info.primary_key == table.primary_key
        # the rows in the database are exactly the rows generate_rows promises
        with engine.connect() as connection:
            for schema in SCHEMAS.values():
                expected = generate_rows(schema, rows=DB_ROWS)
                for db_table in metadata(schema).sorted_tables:
                    query = sa.select(db_table).order_by(*db_table.primary_key.columns)
                    got = [dict(r._mapping) for r in connection.execute(query)]
                    assert got == expected[db_table.name], db_table.name
    finally:
        engine.dispose()


def test_db_schema_puts_the_tables_there(empty_database: str) -> None:
    dialect = sa.engine.make_url(empty_database).get_backend_name()
    if dialect == "sqlite":
        with pytest.raises(ValueError, match="SQLite has no schemas"):
            create_schema(empty_database, "admin", rows=5, db_schema="crm")
        return
    engine = sa.create_engine(empty_database)
    # MariaDB: a database of its own next to the test's (dropped here); PostgreSQL: a schema.
    name = f"dg_{uuid.uuid4().hex[:12]}"
    try:
        create_schema(engine, "admin", rows=5, db_schema=name)
        tables = {t.name for t in read_catalog(engine, schemas=[name])}
        assert tables == {t.name for t in get_schema("admin").tables}
        with pytest.raises(ValueError, match="tables already exist: sys_dept"):
            create_schema(engine, "admin", rows=5, db_schema=name)
    finally:
        if dialect == "mysql":
            with engine.begin() as connection:
                connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        engine.dispose()


def test_existing_tables_are_never_touched(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    create_schema(url, "hr", rows=5)
    with pytest.raises(ValueError, match="tables already exist: departments, employees"):
        create_schema(url, "hr", rows=5)


def test_a_custom_schema_spec_works(tmp_path: Path) -> None:
    shop = get_schema("shop")
    small = SchemaSpec("mini", "one table", (shop.table("members"),))
    truth = create_schema(f"sqlite:///{tmp_path / 'm.db'}", small, rows=3)
    assert truth["members", "mobile_hash"] == ColumnTruth(
        "CN_MOBILE",
        "hashed",
        comment="手机号SHA256摘要",
        trap="64 hex chars; only the name says what was hashed",
    )


# -- samples/shop.db ------------------------------------------------------------------------


def _dump(path: Path) -> dict[str, Any]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out: dict[str, Any] = {}
        for name, sql in connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ):
            rows = connection.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall()
            out[name] = (sql, rows)
        return out
    finally:
        connection.close()


def test_make_shop_db_reproduces_the_committed_sample(tmp_path: Path) -> None:
    out = tmp_path / "shop.db"
    subprocess.run(
        [sys.executable, str(ROOT / "samples" / "make_shop_db.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    assert SAMPLE.is_file(), "samples/shop.db is committed; run samples/make_shop_db.py"
    fresh, committed = _dump(out), _dump(SAMPLE)
    assert sorted(fresh) == sorted(t.name for t in get_schema("shop").tables)
    assert sorted(fresh) == sorted(committed)
    for name in fresh:
        assert fresh[name][0] == committed[name][0], f"{name}: DDL differs"
        assert fresh[name][1] == committed[name][1], f"{name}: rows differ"
    assert SAMPLE.stat().st_size < 3 * 1024 * 1024
    assert not list(tmp_path.glob(".*.tmp")), "the temp file is renamed, never left behind"
    rows = {name: len(v[1]) for name, v in committed.items()}
    assert min(rows.values()) >= 200, rows
    assert max(rows.values()) <= 2500, rows
