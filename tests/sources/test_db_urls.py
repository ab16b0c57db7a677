"""Database URLs as DBAs and other tools write them: ``postgres://``, ``mysql://``.

``DATABASE_URL`` variables (Heroku, Rails, Django's dj-database-url, libpq) name no driver,
and ``postgres`` is a scheme SQLAlchemy does not know: ``scan db postgres://…`` failed with
"Can't load plugin: sqlalchemy.dialects:postgres", and ``mysql://`` and ``postgresql://``
with "No module named 'MySQLdb'" / "'psycopg2'", drivers the extras do not install.
"""

from __future__ import annotations

import importlib.util
import uuid

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from dataguard.cli.main import cli

from dataguard.scan.database import scan_database
from dataguard.sources.database import describe_url, with_installed_driver


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


def test_a_password_holding_an_unescaped_at_sign_is_read_whole_and_never_shown() -> None:
    """SQLAlchemy ends the password at its first ``@``: ``p@ss#1`` became password ``p``
    and host ``ss#1@127.0.0.1``, and messages showed ``root:***@ss#1@127.0.0.1``."""
    written = "mysql+pymysql://root:p@ss#1@127.0.0.1:3306/shop"
    url = with_installed_driver(written)
    assert (url.password, url.host, url.port, url.database) == ("p@ss#1", "127.0.0.1", 3306, "shop")
    assert describe_url(written) == "mysql+pymysql://root:***@127.0.0.1:3306/shop"


@pytest.mark.parametrize("empty_database", ["mariadb"], indirect=True)
def test_an_account_whose_password_holds_an_at_sign_can_scan(empty_database: str) -> None:
    admin = sa.create_engine(empty_database, isolation_level="AUTOCOMMIT")
    user = f"dg_at_{uuid.uuid4().hex[:8]}"
    database = sa.engine.make_url(empty_database).database
    accounts = (f"'{user}'@'%'", f"'{user}'@'localhost'")
    with admin.connect() as connection:
        connection.execute(sa.text("CREATE TABLE members (id INT PRIMARY KEY, sjh VARCHAR(20))"))
        connection.execute(sa.text("INSERT INTO members VALUES (1, '13812341050')"))
        for account in accounts:
            connection.execute(sa.text(f"CREATE USER {account} IDENTIFIED BY 'p@ss#1'"))
            connection.execute(sa.text(f"GRANT SELECT ON {database}.* TO {account}"))
    try:
        host = sa.engine.make_url(empty_database)
        url = f"mysql://{user}:p@ss#1@{host.host}:{host.port or 3306}/{database}"
        result = CliRunner().invoke(cli, ["scan", "db", url, "--fail-on", "never", "-f", "md"])
        assert result.exit_code == 0, result.output
        assert "| sjh |" in result.stdout
        assert "ss#1" not in result.output
    finally:
        with admin.connect() as connection:
            for account in accounts:
                connection.execute(sa.text(f"DROP USER {account}"))
        admin.dispose()


@pytest.mark.parametrize("empty_database", ["mariadb"], indirect=True)
def test_a_mysql_url_without_a_database_asks_for_one_or_for_schemas(empty_database: str) -> None:
    """``mysql://root@host/`` (a server, no database) crashed with an AttributeError
    traceback inside SQLAlchemy's reflection."""
    engine = sa.create_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE members (id INT PRIMARY KEY, sjh VARCHAR(20))"))
        connection.execute(sa.text("INSERT INTO members VALUES (1, '13812341050')"))
    engine.dispose()
    parsed = sa.engine.make_url(empty_database)
    login = parsed.username + (f":{parsed.password}" if parsed.password else "")
    server = f"{parsed.drivername}://{login}@{parsed.host}:{parsed.port or 3306}/"
    result = CliRunner().invoke(cli, ["scan", "db", server])
    assert result.exit_code == 2, result.output
    assert "names no database" in result.output
    assert "Traceback" not in result.output
    report = scan_database(server, schemas=[str(parsed.database)])
    assert [(c.column, c.entity) for c in report.personal] == [("sjh", "CN_MOBILE")]
