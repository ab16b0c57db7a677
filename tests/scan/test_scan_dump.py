"""``dataguard scan dump``: real mariadb-dump and pg_dump output of a labelled schema.

A dump scan must reach the same verdicts as a live scan of the database it came from
(same columns, comments and sampled values), without a server.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from dataguard.cli.main import cli

from dataguard.errors import UsageError
from dataguard.scan.database import scan_database
from dataguard.scan.dump import scan_dump
from dataguard.testing.schemas import create_schema


def _dump(url: str, target: Path, *options: str) -> None:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "postgresql":
        tool = shutil.which("pg_dump")
        command = [
            str(tool),
            "-h",
            str(parsed.host),
            "-U",
            str(parsed.username),
            *options,
            str(parsed.database),
        ]
    else:
        tool = shutil.which("mariadb-dump") or shutil.which("mysqldump")
        command = [
            str(tool),
            "-h",
            str(parsed.host),
            "-u",
            str(parsed.username),
            *options,
            str(parsed.database),
        ]
    if tool is None:
        pytest.skip("pg_dump / mariadb-dump not installed")
    with target.open("wb") as out:
        subprocess.run(command, stdout=out, check=True)


# Dumps come from the servers: every test here takes both, not SQLite.
pytestmark = pytest.mark.parametrize("empty_database", ["postgresql", "mariadb"], indirect=True)


@pytest.fixture
def dumped(empty_database: str, tmp_path: Path) -> tuple[str, Path]:
    create_schema(empty_database, "shop", rows=150, seed=9)
    target = tmp_path / "shop.sql"
    _dump(empty_database, target)
    return empty_database, target


def _verdicts(report: object) -> dict[tuple[str, str], tuple[object, ...]]:
    return {
        (c.table.rsplit(".", 1)[-1], c.column): (c.entity, c.protection, c.kind, c.comment)
        for c in report.columns  # type: ignore[attr-defined]
    }


def test_a_dump_scan_agrees_with_a_live_scan(dumped: tuple[str, Path]) -> None:
    url, dump = dumped
    live = scan_database(url, sample=1000)
    offline = scan_dump(dump, sample=1000)
    assert _verdicts(offline) == _verdicts(live)
    assert offline.source == "dump"
    assert {t.table.rsplit(".", 1)[-1]: t.rows for t in offline.tables} == {
        t.table.rsplit(".", 1)[-1]: t.rows for t in live.tables
    }


def test_gzip_and_the_cli(dumped: tuple[str, Path], tmp_path: Path) -> None:
    _, dump = dumped
    packed = tmp_path / "shop.sql.gz"
    packed.write_bytes(gzip.compress(dump.read_bytes()))
    result = CliRunner().invoke(
        cli, ["scan", "dump", str(packed), "--table", "orders", "--fail-on", "never"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {c["table"].rsplit(".", 1)[-1] for c in report["columns"]} == {"orders"}
    phone = next(c for c in report["columns"] if c["column"] == "receiver_phone")
    assert (phone["entity"], phone["grade"]) == ("CN_MOBILE", "S2")


def test_a_dump_powershell_wrote_in_utf16_agrees_with_a_live_scan(
    dumped: tuple[str, Path], tmp_path: Path
) -> None:
    # Windows PowerShell 5's `mysqldump … > backup.sql` writes UTF-16 with a byte-order
    # mark; read as bytes it had "no CREATE TABLE, INSERT or COPY statements".
    _, dump = dumped
    utf16 = tmp_path / "backup.sql"
    utf16.write_bytes(b"\xff\xfe" + dump.read_text("utf-8").encode("utf-16-le"))
    assert _verdicts(scan_dump(utf16, sample=1000)) == _verdicts(scan_dump(dump, sample=1000))


def test_a_small_sample_bounds_what_is_kept(dumped: tuple[str, Path]) -> None:
    _, dump = dumped
    report = scan_dump(dump, sample=7, seed=3)
    assert all(t.sampled <= 7 for t in report.tables)
    assert report.tables
    assert max(t.rows or 0 for t in report.tables) > 7
    # Seeded: the same seed, the same verdicts.
    assert _verdicts(scan_dump(dump, sample=7, seed=3)) == _verdicts(report)


def test_a_dump_without_tables_is_a_clear_error(empty_database: str, tmp_path: Path) -> None:
    empty = tmp_path / "data-only.sql"
    empty.write_text("-- nothing but a comment\nSET NAMES utf8mb4;\n", "utf-8")
    with pytest.raises(UsageError, match="no CREATE TABLE"):
        scan_dump(empty)


def test_a_data_only_dump_is_scanned_by_position(empty_database: str, tmp_path: Path) -> None:
    """``--no-create-info`` / ``--data-only``: no definitions, so values carry the verdict.

    mariadb-dump's INSERTs then name no columns (positions stand in, with a note per
    table); pg_dump's COPY blocks still do. Wherever the full dump's verdict rests on the
    values (some validate, or hold personal data inside text), the data-only dump agrees.
    """
    create_schema(empty_database, "shop", rows=150, seed=9)
    full_dump, data_dump = tmp_path / "full.sql", tmp_path / "data.sql"
    _dump(empty_database, full_dump)
    data_only = "--data-only" if empty_database.startswith("postgresql") else "--no-create-info"
    _dump(empty_database, data_dump, data_only)
    full, data = scan_dump(full_dump), scan_dump(data_dump)

    by_position = empty_database.startswith("mysql")
    assert {t.table for t in data.tables} == {t.table for t in full.tables}
    noted = {note.split(":")[0] for note in data.notes}
    assert noted == ({t.table for t in full.tables} if by_position else set())
    checked = 0
    for table in {t.table for t in full.tables}:
        declared = [c for c in full.columns if c.table == table]
        seen = {c.column: c for c in data.columns if c.table == table}
        for position, column in enumerate(declared, start=1):
            twin = seen[f"#{position}" if by_position else column.column]
            if column.evidence.valid or column.evidence.partial:
                assert twin.entity == column.entity, (table, column.column)
                checked += 1
    assert checked >= 20  # the shop schema's plaintext personal columns, at least
    result = CliRunner().invoke(cli, ["scan", "dump", str(data_dump), "-f", "json"])
    assert result.exit_code == 1  # plaintext personal data found
    assert ("note: " in result.stderr) == by_position


def test_a_partitioned_table_is_one_table_as_in_a_live_scan(
    empty_database: str, tmp_path: Path
) -> None:
    """pg_dump writes each partition as a table of its own, tied to its table by ATTACH
    PARTITION before its rows: each was reported apart, and the table itself by its name
    alone, with no values."""
    import random

    from dataguard.testing import generators as gen

    rng = random.Random(4)
    rows = [{"i": i, "m": i % 3 + 1, "p": gen.mobile_digits(rng)} for i in range(120)]
    postgres = empty_database.startswith("postgresql")
    engine = sa.create_engine(empty_database)
    with engine.begin() as connection:
        if postgres:
            connection.execute(
                sa.text("CREATE TABLE orders (id INT, m INT, phone TEXT) PARTITION BY LIST (m)")
            )
            for m in (1, 2):
                connection.execute(
                    sa.text(f"CREATE TABLE orders_m{m} PARTITION OF orders FOR VALUES IN ({m})")
                )
            # A third one made apart and attached, as a DBA rolls in a month.
            connection.execute(sa.text("CREATE TABLE orders_m3 (id INT, m INT, phone TEXT)"))
            connection.execute(
                sa.text("ALTER TABLE orders ATTACH PARTITION orders_m3 FOR VALUES IN (3)")
            )
        else:  # MySQL keeps partitions inside the table: one table in a dump already
            connection.execute(
                sa.text(
                    "CREATE TABLE orders (id INT, m INT, phone VARCHAR(11)) "
                    "PARTITION BY LIST (m) (PARTITION p1 VALUES IN (1), "
                    "PARTITION p2 VALUES IN (2), PARTITION p3 VALUES IN (3))"
                )
            )
        connection.execute(sa.text("INSERT INTO orders VALUES (:i, :m, :p)"), rows)
    engine.dispose()
    target = tmp_path / "orders.sql"
    _dump(empty_database, target)
    report = scan_dump(target)
    assert [(t.table.rsplit(".", 1)[-1], t.rows) for t in report.tables] == [("orders", 120)]
    assert {c.column: c.entity for c in report.columns} == {
        "id": None,
        "m": None,
        "phone": "CN_MOBILE",
    }
    live = scan_database(empty_database)
    assert _verdicts(report) == _verdicts(live)
    if postgres:
        assert report.notes == [
            "public.orders is partitioned: the rows of its 3 partition(s) were read as its "
            "own, not reported one by one"
        ]
        alone = scan_dump(target, tables=["orders_m2"])
        assert [(t.table, t.rows) for t in alone.tables] == [("public.orders_m2", 40)]
