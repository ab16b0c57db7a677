"""Database URLs as DBAs and other tools write them: ``postgres://``, ``mysql://``.

``DATABASE_URL`` variables (Heroku, Rails, Django's dj-database-url, libpq) name no driver,
and ``postgres`` is a scheme SQLAlchemy does not know: ``scan db postgres://…`` failed with
"Can't load plugin: sqlalchemy.dialects:postgres", and ``mysql://`` and ``postgresql://``
with "No module named 'MySQLdb'" / "'psycopg2'", drivers the extras do not install.
"""

from __future__ import annotations

import importlib.util

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from dataguard.cli.main import cli

from dataguard.scan.database import scan_database
from dataguard.sources.database import with_installed_driver


def _bare(url: str, scheme: str) -> str:
    """*url* with its scheme written as *scheme* (no driver)."""
    return scheme + "://" + url.split("://", 1)[1]


@pytest.mark.parametrize(
    ("written", "dialect", "defaults", "installed"),
    [
        ("postgres://u@h/db", "postgresql", "psycopg2", "psycopg"),
        ("postgresql://u@h/db", "postgresql", "psycopg2", "psycopg"),
        ("mysql://u@h/db", "mysql", "MySQLdb", "pymysql"),
        ("mariadb://u@h/db", "mariadb", "MySQLdb", "pymysql"),
    ],
)
def test_a_url_without_a_driver_gets_one_that_is_installed(
    written: str, dialect: str, defaults: str, installed: str
) -> None:
    url = with_installed_driver(written)
    assert url.get_backend_name() == dialect
    assert (url.username, url.host, url.database) == ("u", "h", "db")
    if importlib.util.find_spec(defaults) is None:
        assert url.drivername == f"{dialect}+{installed}"
    else:  # SQLAlchemy's own default is installed: it is kept
        assert url.drivername == dialect


def test_urls_naming_a_driver_or_another_database_are_kept() -> None:
    for written in (
        "postgresql+psycopg://u@h/db",
        "mysql+pymysql://u@h/db",
        "sqlite:///shop.db",
        "oracle+oracledb://u@h/db",
    ):
        assert with_installed_driver(written).render_as_string() == written


@pytest.mark.parametrize(
    ("empty_database", "schemes"),
    [("postgresql", ("postgres", "postgresql")), ("mariadb", ("mysql", "mariadb"))],
    indirect=["empty_database"],
)
def test_scan_db_reads_a_database_url_as_other_tools_write_it(
    empty_database: str, schemes: tuple[str, ...]
) -> None:
    engine = sa.create_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE members (id INT PRIMARY KEY, mobile VARCHAR(20))"))
        connection.execute(
            sa.text("INSERT INTO members VALUES (1, '13812341050'), (2, '13912345678')")
        )
    engine.dispose()
    for scheme in schemes:
        url = _bare(empty_database, scheme)
        report = scan_database(url)
        assert [(c.column, c.entity) for c in report.personal] == [("mobile", "CN_MOBILE")]
        assert report.target.startswith(f"{scheme}://")  # as the user wrote it
        result = CliRunner().invoke(cli, ["scan", "db", url, "--fail-on", "never", "-f", "md"])
        assert result.exit_code == 0, result.output
