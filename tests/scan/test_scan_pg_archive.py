"""``dataguard scan dump`` and ``dataguard lint`` on pg_dump's archive formats.

``pg_dump -Fc`` (custom), ``-Ft`` (tar) and ``-Fd`` (directory) are how most PostgreSQL
backups are taken; read as text, a custom archive stopped the dump reader at its first
``/*`` ("unterminated comment"). They are read through ``pg_restore --file=-`` and must give
the verdicts the plain dump of the same database gives.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from dataguard.cli.main import cli

from dataguard.errors import UsageError
from dataguard.scan.dump import scan_dump
from dataguard.sources.dump import read_ddl
from dataguard.sources.dump.archive import archive_format
from dataguard.testing.schemas import create_schema

pytestmark = pytest.mark.parametrize("empty_database", ["postgresql"], indirect=True)


def _pg_dump(url: str, target: Path, *options: str) -> Path:
    tool = shutil.which("pg_dump")
    if tool is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump / pg_restore not installed (package postgresql-client)")
    parsed = sa.engine.make_url(url)
    command = [tool, "-h", str(parsed.host), "-U", str(parsed.username), *options]
    subprocess.run([*command, "-f", str(target), str(parsed.database)], check=True)
    return target


@pytest.fixture
def shop(empty_database: str) -> str:
    create_schema(empty_database, "shop", rows=150, seed=9)
    return empty_database


def _verdicts(report: object) -> dict[tuple[str, str], tuple[object, ...]]:
    return {
        (c.table, c.column): (c.entity, c.protection, c.kind, c.comment, c.grade)
        for c in report.columns  # type: ignore[attr-defined]
    }


@pytest.mark.parametrize(
    ("option", "kind"), [("-Fc", "custom"), ("-Ft", "tar"), ("-Fd", "directory")]
)
def test_each_archive_format_gives_the_plain_dumps_verdicts(
    shop: str, tmp_path: Path, option: str, kind: str
) -> None:
    plain = _pg_dump(shop, tmp_path / "shop.sql")
    archive = _pg_dump(shop, tmp_path / f"shop.{kind}", option)
    assert archive_format(archive) == kind
    assert archive_format(plain) is None
    expected = scan_dump(plain, sample=1000)
    got = scan_dump(archive, sample=1000)
    assert _verdicts(got) == _verdicts(expected)
    assert any(c.entity == "CN_MOBILE" for c in got.columns)
    assert {t.table: t.rows for t in got.tables} == {t.table: t.rows for t in expected.tables}


def test_the_cli_scans_a_custom_archive_with_its_progress_sized_by_the_archive(
    shop: str, tmp_path: Path
) -> None:
    archive = _pg_dump(shop, tmp_path / "shop.dump", "-Fc")
    result = CliRunner().invoke(
        cli, ["scan", "dump", str(archive), "--table", "orders", "--fail-on", "never"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    phone = next(c for c in report["columns"] if c["column"] == "receiver_phone")
    assert (phone["entity"], phone["grade"]) == ("CN_MOBILE", "S2")


def test_a_truncated_archive_is_a_clear_error_without_values(shop: str, tmp_path: Path) -> None:
    archive = _pg_dump(shop, tmp_path / "shop.dump", "-Fc")
    cut = tmp_path / "cut.dump"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    with pytest.raises(UsageError, match=r"pg_restore could not read.*incomplete"):
        scan_dump(cut)
    result = CliRunner().invoke(cli, ["scan", "dump", str(cut)])
    assert result.exit_code == 2
    assert "cut.dump" in result.output
    assert "Traceback" not in result.output


def test_without_pg_restore_the_error_says_what_to_install(
    shop: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = _pg_dump(shop, tmp_path / "shop.dump", "-Fc")
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    with pytest.raises(UsageError, match=r"pg_restore is not on PATH.*postgresql-client"):
        scan_dump(archive)


def test_lint_reads_a_directory_archives_schema(shop: str, tmp_path: Path) -> None:
    archive = _pg_dump(shop, tmp_path / "shop.d", "-Fd")
    plain = _pg_dump(shop, tmp_path / "shop.sql", "--schema-only")
    tables = {t.qualified_name: t for t in read_ddl(archive)}
    assert tables == {t.qualified_name: t for t in read_ddl(plain)}
    assert any(name.endswith("orders") for name in tables)
    findings = []
    for target in (archive, plain):
        result = CliRunner().invoke(cli, ["lint", str(target), "--format", "json"])
        assert result.exit_code in (0, 1), result.output
        report = json.loads(result.stdout)
        findings.append(report["findings"])
    assert findings[0] == findings[1]
    assert findings[0]


def test_a_folder_that_is_not_an_archive_and_a_foreign_tar_are_told_apart(
    empty_database: str, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(UsageError, match="not a pg_dump directory-format archive"):
        scan_dump(folder)
    member = tmp_path / "dump.sql"
    member.write_text("CREATE TABLE t (phone varchar(20));\n", "utf-8")
    foreign = tmp_path / "backup.tar"
    with tarfile.open(foreign, "w", format=tarfile.USTAR_FORMAT) as tar:
        tar.add(member, arcname="dump.sql")
    assert archive_format(foreign) is None


def test_scan_files_reads_a_backup_folders_archives_as_dumps(shop: str, tmp_path: Path) -> None:
    """``scan files backups/`` read a custom archive's compressed bytes as lines and reported
    a backup full of personal data clean; a directory archive's files one by one."""
    from dataguard.scan.files import scan_files

    backups = tmp_path / "backups"
    backups.mkdir()
    plain = _pg_dump(shop, tmp_path / "shop.sql")
    _pg_dump(shop, backups / "nightly.dump", "-Fc")
    _pg_dump(shop, backups / "weekly", "-Fd")
    (backups / "cut.dump").write_bytes((backups / "nightly.dump").read_bytes()[:4000])
    report = scan_files([backups])
    expected = _verdicts(scan_dump(plain))
    for archive in ("nightly.dump", "weekly"):
        prefix = f"{backups / archive}#"
        got = {
            (c.table.removeprefix(prefix), c.column): (
                c.entity,
                c.protection,
                c.kind,
                c.comment,
                c.grade,
            )
            for c in report.columns
            if c.table.startswith(prefix)
        }
        assert got == expected
    assert not [c for c in report.columns if "toc.dat" in c.table or ".dat" in c.table]
    assert report.not_scanned == [str(backups / "cut.dump")]
    assert report.unreadable == 1


@pytest.mark.parametrize(("option", "kind"), [("-Fc", "custom"), ("-Ft", "tar")])
def test_a_compressed_archive_says_to_decompress_it_first(
    shop: str, tmp_path: Path, option: str, kind: str
) -> None:
    """``pg_dump -Ft | gzip`` was read as SQL: the tar's restore script gave the tables with
    no rows (their data is in the tar's .dat members), judged by column names alone, and
    no word said so."""
    import gzip

    archive = _pg_dump(shop, tmp_path / f"shop.{kind}", option)
    packed = tmp_path / f"shop.{kind}.gz"
    packed.write_bytes(gzip.compress(archive.read_bytes()))
    with pytest.raises(UsageError, match="compressed pg_dump archive: decompress it first"):
        scan_dump(packed)
    result = CliRunner().invoke(cli, ["scan", "dump", str(packed)])
    assert result.exit_code == 2
