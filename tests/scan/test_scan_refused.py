"""``scan db`` with the narrow audit accounts DBAs scan with (real PostgreSQL and MariaDB).

An account granted ``SELECT`` table by table, or one whose reads wait on a lock until its
timeout, used to end the whole scan at the first table it could not read
("failed during the scan (InsufficientPrivilege)"): the tables it could read went
unreported. Now a refused table is named in the notes with the grant it needs, the rest
are reported, and the CLI exits 2 after writing the report.
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from dataguard.cli.main import cli

from dataguard.errors import UsageError
from dataguard.scan.database import scan_database
from dataguard.sources.refusals import DENIED, TIMED_OUT, refusal
from dataguard.testing import generators as gen


def _fill(url: str) -> None:
    rng = random.Random(11)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE emp (id INT PRIMARY KEY, sjh VARCHAR(20))"))
        connection.execute(
            sa.text("CREATE TABLE salary (id INT PRIMARY KEY, bank_card VARCHAR(30))")
        )
        for i in range(1, 41):
            connection.execute(
                sa.text("INSERT INTO emp VALUES (:i, :m)"), {"i": i, "m": gen.mobile_digits(rng)}
            )
            connection.execute(
                sa.text("INSERT INTO salary VALUES (:i, :c)"),
                {"i": i, "c": gen.bank_card_digits(rng)},
            )
    # Not analysed: PostgreSQL's catalogue has no estimate yet (reltuples -1), so the scan
    # counts rows, and the count of a table the user may not read is refused too.
    engine.dispose()


@pytest.fixture
def audit_url(empty_database: str) -> Iterator[str]:
    """A login that may read ``emp`` and not ``salary``, on a filled database."""
    _fill(empty_database)
    url = sa.engine.make_url(empty_database)
    user = f"dg_audit_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if url.get_backend_name() == "postgresql":
            connection.execute(sa.text(f"CREATE ROLE {user} LOGIN"))
            connection.execute(sa.text(f"GRANT SELECT ON emp TO {user}"))
        else:
            for grantee in _mysql_accounts(user):
                connection.execute(sa.text(f"CREATE USER {grantee}"))
                connection.execute(sa.text(f"GRANT SELECT ON {url.database}.emp TO {grantee}"))
                # MySQL lists only tables the user holds some privilege on: INSERT
                # makes salary visible to the catalogue, and still unreadable
                connection.execute(sa.text(f"GRANT INSERT ON {url.database}.salary TO {grantee}"))
    try:
        # the new login has no password (URL.set would keep the admin's)
        yield url._replace(username=user, password=None).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            if url.get_backend_name() == "postgresql":
                connection.execute(sa.text(f"DROP OWNED BY {user}"))
                connection.execute(sa.text(f"DROP ROLE {user}"))
            else:
                for grantee in _mysql_accounts(user):
                    connection.execute(sa.text(f"DROP USER {grantee}"))
        admin.dispose()


def _mysql_accounts(user: str) -> tuple[str, ...]:
    """The accounts a login from anywhere and from the local socket use."""
    return (f"'{user}'@'%'", f"'{user}'@'localhost'")


@pytest.mark.parametrize("empty_database", ["postgresql", "mariadb"], indirect=True)
def test_a_table_the_user_may_not_read_is_named_and_the_rest_are_scanned(
    audit_url: str,
) -> None:
    report = scan_database(audit_url, tables=["emp", "salary"])
    user = sa.engine.make_url(audit_url).username
    assert [t.table.rsplit(".", 1)[-1] for t in report.tables] == ["emp"]
    assert [(c.column, c.entity) for c in report.columns if c.entity] == [("sjh", "CN_MOBILE")]
    assert report.unreadable == 1
    (note,) = [n for n in report.notes if "not scanned" in n]
    assert "salary not scanned" in note
    assert "GRANT SELECT ON" in note
    if "mysql" in audit_url:  # an account is user and host there
        assert f"TO '{user}'@'%'" in note
    else:
        assert f"TO {user}" in note


@pytest.mark.parametrize("empty_database", ["postgresql", "mariadb"], indirect=True)
def test_the_cli_writes_the_report_and_exits_2(audit_url: str) -> None:
    result = CliRunner().invoke(cli, ["scan", "db", audit_url, "-f", "md", "--fail-on", "never"])
    assert result.exit_code == 2, result.output
    assert "| sjh |" in result.stdout
    assert "salary not scanned" in result.stdout
    assert "1 table(s) could not be scanned" in result.stderr


@pytest.mark.parametrize("empty_database", ["postgresql", "mariadb"], indirect=True)
def test_a_user_who_may_read_nothing_gets_one_error(audit_url: str) -> None:
    with pytest.raises(UsageError, match=r"no table of .* could be read: .*salary not scanned"):
        scan_database(audit_url, tables=["salary"])


@pytest.mark.parametrize("empty_database", ["postgresql"], indirect=True)
def test_a_table_locked_past_the_users_lock_timeout_costs_that_table(
    empty_database: str,
) -> None:
    _fill(empty_database)
    holder = sa.create_engine(empty_database)
    locked = threading.Event()
    release = threading.Event()

    def hold_lock() -> None:
        with holder.begin() as connection:  # as a migration's ALTER TABLE would
            connection.execute(sa.text("LOCK TABLE salary IN ACCESS EXCLUSIVE MODE"))
            locked.set()
            release.wait(30)

    thread = threading.Thread(target=hold_lock)
    thread.start()
    try:
        assert locked.wait(10)
        url = sa.engine.make_url(empty_database).update_query_dict(
            {"options": "-c lock_timeout=300"}
        )
        report = scan_database(url.render_as_string(hide_password=False))
    finally:
        release.set()
        thread.join()
        holder.dispose()
    assert [t.table.rsplit(".", 1)[-1] for t in report.tables] == ["emp"]
    assert report.unreadable == 1
    assert any("salary not scanned" in n and "timeout" in n for n in report.notes)


def test_refusals_are_told_from_lost_connections() -> None:
    class PgError(Exception):
        def __init__(self, sqlstate: str) -> None:
            self.sqlstate = sqlstate

    assert refusal(PgError("42501")) == DENIED
    assert refusal(PgError("57014")) == TIMED_OUT
    assert refusal(PgError("08006")) is None  # connection failure
    assert refusal(Exception(1142, "SELECT command denied")) == DENIED
    mysql_error = Exception(1142, "SELECT command denied")
    mysql_error.sqlstate = "42000"  # type: ignore[attr-defined] # PyMySQL sets one too
    assert refusal(mysql_error) == DENIED
    assert refusal(Exception(3024, "Query execution was interrupted")) == TIMED_OUT
    assert refusal(Exception(2013, "Lost connection to MySQL server")) is None
    assert refusal(Exception("no code")) is None


@pytest.mark.parametrize("empty_database", ["postgresql"], indirect=True)
def test_against_a_baseline_an_unread_table_is_not_gone_and_never_the_baseline(
    audit_url: str, empty_database: str, tmp_path: Path
) -> None:
    """The baseline of the owner's full scan, then the audit account's partial one: the
    table it could not read was reported "gone: salary.bank_card", and --update-baseline
    recorded the partial scan, so the table came back as new next time."""
    baseline = tmp_path / "baseline.json"
    first = CliRunner().invoke(cli, ["scan", "db", empty_database, "--baseline", str(baseline)])
    assert first.exit_code == 1, first.output  # plaintext personal data: the default gate
    recorded = baseline.read_bytes()
    assert b"bank_card" in recorded
    partial = CliRunner().invoke(
        cli,
        ["scan", "db", audit_url, "--baseline", str(baseline), "--update-baseline"],
    )
    assert partial.exit_code == 2, partial.output
    report = json.loads(partial.stdout)
    assert report["baseline"]["gone"] == []
    assert [t.rsplit(".", 1)[-1] for t in report["not_scanned"]] == ["salary"]
    assert "baseline not recorded" in partial.stderr
    assert baseline.read_bytes() == recorded


@pytest.mark.parametrize("empty_database", ["postgresql"], indirect=True)
@pytest.mark.parametrize("policy", ["tenant = 'nobody'", "id % 2 = 0"])
def test_row_level_security_that_hides_rows_from_the_account_is_said(
    empty_database: str, policy: str
) -> None:
    """Row-level security showed the audit account none (or half) of a table's rows, and
    the scan judged it from what it saw without a word: no rows, a column with a telling
    name only, or a clean table."""
    engine = sa.create_engine(empty_database, isolation_level="AUTOCOMMIT")
    role = f"dg_rls_{uuid.uuid4().hex[:8]}"
    rng = random.Random(5)
    with engine.connect() as connection:
        connection.execute(sa.text("CREATE TABLE staff (id INT PRIMARY KEY, tenant TEXT, c3 TEXT)"))
        connection.execute(
            sa.text("INSERT INTO staff VALUES (:i, 'a', :m)"),
            [{"i": i, "m": gen.mobile_digits(rng)} for i in range(1, 41)],
        )
        connection.execute(sa.text("ANALYZE staff"))
        connection.execute(sa.text("ALTER TABLE staff ENABLE ROW LEVEL SECURITY"))
        connection.execute(sa.text(f"CREATE POLICY only_some ON staff USING ({policy})"))
        connection.execute(sa.text(f"CREATE ROLE {role} LOGIN"))
        connection.execute(sa.text(f"GRANT SELECT ON staff TO {role}"))
    login = sa.engine.make_url(empty_database)._replace(username=role, password=None)
    url = login.render_as_string(False)
    try:
        if policy.startswith("tenant"):  # none of its rows
            with pytest.raises(UsageError, match=r"row-level security policies show .* none"):
                scan_database(url)
        else:
            report = scan_database(url)
            assert report.unreadable == 0
            (note,) = [n for n in report.notes if "row-level security" in n]
            assert "20 sampled, about 40 in the table" in note
            assert [c.entity for c in report.columns if c.column == "c3"] == ["CN_MOBILE"]
        owner = scan_database(empty_database)  # the owner: no policy applies
        assert not [n for n in owner.notes if "row-level security" in n]
    finally:
        with engine.connect() as connection:
            connection.execute(sa.text("DROP TABLE staff"))
            connection.execute(sa.text(f"DROP ROLE {role}"))
        engine.dispose()
