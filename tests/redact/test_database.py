"""``dataguard redact --from-db``: SQLite, PostgreSQL and MariaDB, read-only.

PostgreSQL and MariaDB are real servers: their URLs come from DATAGUARD_TEST_POSTGRES_URL and
DATAGUARD_TEST_MYSQL_URL (defaults: the local services). Without a reachable server the
tests skip, naming the variable, unless DATAGUARD_REQUIRE_DATABASES is set (``.ci/run``
sets it), in which case they fail.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import server_url
from dataguard.cli.main import cli

import dataguard.redact
from dataguard.mask import Masker
from dataguard.redact import redact_file

sa = pytest.importorskip("sqlalchemy", reason="pip install 'dataguard[postgres,mysql]'")

# Hand-written display masks (standards.md §2) of the rows below.
ROWS = [
    (1, "13812341050", "tt@163.com", "11010519491231002X", "客户电话13912345678", "10.50"),
    (2, "13912345678", "zhang@qq.com", "44010319570824766X", "无", "3.00"),
]
EXPECTED = [
    "id,mobile,email,id_card,note,amount",
    "1,******1050,tt**@1**.com,1****************X,客户电话******5678,10.50",
    "2,******5678,zh**@q**.com,4****************X,无,3.00",
]


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """``(url, table)`` of a table holding ROWS, dropped afterwards."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shop.db'}"
    else:
        url = server_url(request.param)
    table = f"dg_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                f"CREATE TABLE {table} (id INTEGER, mobile VARCHAR(20), email VARCHAR(64), "
                "id_card VARCHAR(18), note VARCHAR(200), amount VARCHAR(10))"
            )
        )
        connection.execute(
            sa.text(f"INSERT INTO {table} VALUES (:a, :b, :c, :d, :e, :f)"),
            [dict(zip("abcdef", row, strict=True)) for row in ROWS],
        )
    yield url, table
    with engine.begin() as connection:
        connection.execute(sa.text(f"DROP TABLE {table}"))
    engine.dispose()


def server_table(
    server: str, *statements: str | tuple[str, Mapping[str, object]]
) -> AbstractContextManager[tuple[str, str]]:
    """``(url, table)`` of a scratch table on *server* (see :func:`table_at`)."""
    return table_at(server_url(server), *statements)


@contextmanager
def table_at(
    url: str, *statements: str | tuple[str, Mapping[str, object]]
) -> Iterator[tuple[str, str]]:
    """``(url, table)`` of a scratch table in the database at *url*, made by *statements*
    (``{table}`` in them is its name; a statement may come with its parameters), dropped
    afterwards."""
    table = f"dg_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, {})
            connection.execute(sa.text(sql.format(table=table)), params)
    try:
        yield url, table
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP TABLE {table}"))
        engine.dispose()


def redact_table(url: str, table: str, out: Path, *options: str) -> object:
    """``dataguard redact --from-db URL --table TABLE -o OUT`` with *options*."""
    return CliRunner().invoke(
        cli, ["redact", "--from-db", url, "--table", table, "-o", str(out), *options]
    )


def _count(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        n = connection.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    engine.dispose()
    return int(n)


def test_a_table_is_redacted_into_a_file(database: tuple[str, str], tmp_path: Path) -> None:
    url, table = database
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["redact", "--from-db", url, "--table", table, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_text("utf-8").splitlines() == EXPECTED


@pytest.mark.parametrize("threshold", [None, 0])
def test_a_table_is_redacted_on_worker_processes_only_when_it_is_large(
    database: tuple[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    threshold: int | None,
) -> None:
    url, table = database
    if threshold is not None:  # every table counts as large: the workers mask it
        monkeypatch.setattr(dataguard.redact, "BATCH_ROWS", threshold)
    out = tmp_path / "out.csv"
    report = redact_file(None, out, Masker(), database=url, table=table, jobs=2)
    # The sampling pass counted the rows: a two-row table stays in one process.
    assert report["jobs"] == (1 if threshold is None else 2)
    assert report["rows"] == len(ROWS)
    assert out.read_text("utf-8").splitlines() == EXPECTED


def test_a_query_is_redacted_and_the_report_holds_no_value(
    database: tuple[str, str], tmp_path: Path
) -> None:
    url, table = database
    out = tmp_path / "out.jsonl"
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        cli,
        [
            "redact", "--from-db", url, "--query", f"SELECT id, mobile FROM {table} WHERE id = 1",
            "-o", str(out), "--report", str(report),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert out.read_text("utf-8").splitlines() == ['{"id":1,"mobile":"******1050"}']
    text = report.read_text("utf-8")
    assert '"read_only": true' in text
    assert all(str(value) not in text for row in ROWS for value in row[1:5])


def test_reading_never_writes(database: tuple[str, str], tmp_path: Path) -> None:
    url, table = database
    result = CliRunner().invoke(
        cli,
        [
            "redact",
            "--from-db",
            url,
            "--query",
            f"DELETE FROM {table}",
            "-o",
            str(tmp_path / "x.csv"),
        ],
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: database ")
    assert _count(url, table) == len(ROWS)
    assert not (tmp_path / "x.csv").exists()


def test_an_unreachable_database_is_a_usage_error_without_the_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres:s3cret-pw@127.0.0.1:1/test"
    result = CliRunner().invoke(
        cli, ["redact", "--from-db", url, "--table", "t", "-o", str(tmp_path / "x.csv")]
    )
    assert result.exit_code == 2
    assert "s3cret-pw" not in result.stderr
    assert "***" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nope.db'}"
    result = CliRunner().invoke(
        cli, ["redact", "--from-db", url, "--table", "t", "-o", str(tmp_path / "x.csv")]
    )
    assert result.exit_code == 2
    assert "no SQLite database file" in result.stderr
    assert not (tmp_path / "nope.db").exists()


def test_a_missing_table_is_named(tmp_path: Path) -> None:
    sa.create_engine(f"sqlite:///{tmp_path / 'empty.db'}").connect().close()
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = CliRunner().invoke(
        cli, ["redact", "--from-db", url, "--table", "nope", "-o", str(tmp_path / "x.csv")]
    )
    assert result.exit_code == 2
    assert "no table 'nope'" in result.stderr


def _server_or_sqlite(name: str, tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'late.db'}" if name == "sqlite" else server_url(name)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql", "mariadb"])
def test_values_that_first_appear_after_the_first_rows_are_kept_and_masked(
    kind: str, tmp_path: Path
) -> None:
    # Column types used to come from the first 1,000 rows alone: a column empty there was
    # typed Null and every later value became a null (exit 0, "kept as they were").
    url = _server_or_sqlite(kind, tmp_path)
    table = f"dg_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE TABLE {table} (id INTEGER, note TEXT, qty INTEGER)"))
        connection.execute(
            sa.text(f"INSERT INTO {table} VALUES (:id, NULL, NULL)"),
            [{"id": i} for i in range(1, 1201)],
        )
        connection.execute(sa.text(f"INSERT INTO {table} VALUES (1201, '客户电话13812341050', 42)"))
    try:
        out = tmp_path / "out.csv"
        result = CliRunner().invoke(
            cli, ["redact", "--from-db", url, "--table", table, "-o", str(out)]
        )
        assert result.exit_code == 0, result.stderr
        last = out.read_text("utf-8").splitlines()[-1]
        assert last == "1201,客户电话******1050,42"
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP TABLE {table}"))
        engine.dispose()


def test_a_postgres_jsonb_column_is_masked_as_json_text(tmp_path: Path) -> None:
    profile = '{"email": "tt@163.com", "password": "hunter2", "phone": 13812341050}'
    with server_table(
        "postgresql",
        "CREATE TABLE {table} (id INTEGER, profile JSONB, amount NUMERIC)",
        (
            "INSERT INTO {table} VALUES (1, :p, 1.5), (2, '[\"x\"]', 123456789012.125)",
            {"p": profile},
        ),
    ) as (url, table):
        out = tmp_path / "out.jsonl"
        result = redact_table(url, table, out)
        assert result.exit_code == 0, result.stderr
        rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        # jsonb comes back with its keys sorted by length, then bytes (PostgreSQL's order).
        assert json.loads(rows[0]["profile"]) == {
            "email": "tt**@1**.com", "phone": "******1050", "password": "******"
        }  # fmt: skip
        assert json.loads(rows[1]["profile"]) == ["x"]
        # An unconstrained numeric keeps every digit (it was rounded to the first rows' scale).
        assert [r["amount"] for r in rows] == ["1.5", "123456789012.125"]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_json_document_too_deep_to_parse_is_read_as_its_text(kind: str, tmp_path: Path) -> None:
    # psycopg (and SQLAlchemy, for a column declared JSON) parse JSON with json.loads,
    # which raised RecursionError on a document thousands of levels deep: the scan and the
    # redaction stopped with a traceback. The document is its text instead, still masked.
    deep = '{"a":' * 3000 + '"13812341050"' + "}" * 3000
    column = "JSONB" if kind == "postgresql" else "JSON"
    with table_at(
        _server_or_sqlite(kind, tmp_path),
        f"CREATE TABLE {{table}} (id INTEGER PRIMARY KEY, doc {column})",
        (
            "INSERT INTO {table} VALUES (1, :d), (2, :s)",
            {"d": deep, "s": '{"phone": "13912345678"}'},
        ),
    ) as (url, table):
        out = tmp_path / "out.jsonl"
        result = redact_table(url, table, out)
        assert result.exit_code == 0, result.stderr
        written = out.read_text("utf-8")
        assert "13812341050" not in written
        assert "13912345678" not in written
        rows = [json.loads(line) for line in written.splitlines()]
        assert rows[0]["doc"].count('{"a":') == 3000
        scanned = CliRunner().invoke(cli, ["scan", "db", url, "--table", table, "-f", "json"])
        assert scanned.exit_code == 1, scanned.stderr
        assert "13812341050" not in scanned.stdout


@pytest.mark.parametrize("server", ["postgresql", "mariadb"])
def test_a_column_comment_is_read_as_scan_reads_it(server: str, tmp_path: Path) -> None:
    """``c3`` COMMENT '推荐人': only the comment says the column holds names, and a few
    bare names are no context to themselves; the copy kept them."""
    url = server_url(server)
    table = f"dg_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    names = ["诸葛亮", "司马懿", "黄月英"]
    with engine.begin() as connection:
        if server == "postgresql":
            connection.execute(sa.text(f"CREATE TABLE {table} (id INTEGER, c3 VARCHAR(32))"))
            connection.execute(sa.text(f"COMMENT ON COLUMN {table}.c3 IS '推荐人'"))
        else:
            connection.execute(
                sa.text(f"CREATE TABLE {table} (id INTEGER, c3 VARCHAR(32) COMMENT '推荐人')")
            )
        connection.execute(
            sa.text(f"INSERT INTO {table} VALUES (:i, :n)"),
            [{"i": i, "n": n} for i, n in enumerate(names)],
        )
    try:
        out = tmp_path / "out.csv"
        result = CliRunner().invoke(
            cli, ["redact", "--from-db", url, "--table", table, "-o", str(out)]
        )
        assert result.exit_code == 0, result.stderr
        cells = [line.split(",")[1] for line in out.read_text("utf-8").splitlines()[1:]]
        assert cells == ["诸葛*", "司马*", "黄**"]
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP TABLE {table}"))
        engine.dispose()


def test_postgres_arrays_and_inet_in_a_schema_are_read_as_text_and_masked(
    tmp_path: Path,
) -> None:
    """A DBA's table: ``text[]`` phones, an ``inet`` column, in a schema named with the
    table (sales.customer). The array used to be refused as nested, inet failed as
    "not valid DATABASE" (psycopg returns IPv4Address objects), and a qualified name was
    "no table"."""
    url = server_url("postgresql")
    schema = f"dg_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
        connection.execute(
            sa.text(f"CREATE TABLE {schema}.customer (id INTEGER, phones TEXT[], ip INET)")
        )
        connection.execute(
            sa.text(
                f"INSERT INTO {schema}.customer VALUES "
                "(1, ARRAY['13812341050', '13912345678'], '10.1.2.3'), (2, NULL, NULL)"
            )
        )
    try:
        out = tmp_path / "out.csv"
        result = CliRunner().invoke(
            cli, ["redact", "--from-db", url, "--table", f"{schema}.customer", "-o", str(out)]
        )
        assert result.exit_code == 0, result.stderr
        # Display masks by hand: a mobile keeps its last 4, an IPv4 its first two parts.
        assert out.read_text("utf-8").splitlines() == [
            "id,phones,ip",
            '1,"[""******1050"", ""******5678""]",10.1.*.*',
            "2,,",
        ]
        missing = CliRunner().invoke(
            cli, ["redact", "--from-db", url, "--table", "customer", "-o", str(tmp_path / "x.csv")]
        )
        assert missing.exit_code == 2
        assert "give --db-schema NAME" in missing.stderr
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def test_postgres_types_polars_has_no_column_for_are_read_as_their_text(
    tmp_path: Path,
) -> None:
    """A numrange sent polars' constructor into endless recursion (a traceback), interval
    and point failed the writers; each is its text now, masked where it holds data."""
    with server_table(
        "postgresql",
        "CREATE TABLE {table} (r NUMRANGE, iv INTERVAL, pt POINT, x XML)",
        "INSERT INTO {table} VALUES ('[1,5)', '1 day 2 hours', '(1,2)', '<tel>13812341050</tel>')",
    ) as (url, table):
        out = tmp_path / "out.csv"
        result = redact_table(url, table, out)
        assert result.exit_code == 0, result.stderr
        assert "SAWarning" not in result.stderr  # unknown types are not noise on stderr
        assert out.read_text("utf-8").splitlines() == [
            "r,iv,pt,x",
            '"[1,5)",26:00:00,"(1,2)",<tel>******1050</tel>',
        ]


def test_an_sqlite_column_holding_text_among_integers_is_read_as_text(tmp_path: Path) -> None:
    # SQLite stores what it is given: an INTEGER column may hold '138-1234-1050'. Such a
    # value used to become an empty cell; a REAL among integers stays a number.
    url = f"sqlite:///{tmp_path / 'mixed.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (id INTEGER, phone INTEGER, amount)"))
        connection.execute(
            sa.text("INSERT INTO t VALUES (:i, 13812341050, 2)"),
            [{"i": i} for i in range(1, 1201)],
        )
        connection.execute(sa.text("INSERT INTO t VALUES (1201, '139-8765-4321', 2.5)"))
    engine.dispose()
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["redact", "--from-db", url, "--table", "t", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    lines = out.read_text("utf-8").splitlines()
    assert lines[1] == "1,******1050,2.0"
    assert lines[-1].startswith("1201,")
    assert lines[-1].endswith(",2.5")
    assert "4321" in lines[-1]
    assert "8765" not in lines[-1]


def test_a_mysql_set_column_is_written_as_mysql_shows_it(tmp_path: Path) -> None:
    """SQLAlchemy reads a reflected SET column as Python sets: the copy held their repr
    (``{'vip', 'new'}``, members in hash order, different from run to run)."""
    with server_table(
        "mariadb",
        "CREATE TABLE {table} (id INT, tags SET('vip','new','blocked'), tel CHAR(11))",
        "INSERT INTO {table} VALUES (1, 'new,vip', '13812341050'), (2, '', '13912345678'), "
        "(3, NULL, '13812341050'), (4, 'blocked,new', NULL)",
    ) as (url, table):
        out = tmp_path / "out.csv"
        result = redact_table(url, table, out)
        assert result.exit_code == 0, result.stderr
        # MySQL's own text: members in declared order, joined by commas.
        assert out.read_text("utf-8").splitlines() == [
            "id,tags,tel",
            '1,"vip,new",******1050',
            '2,"",******5678',
            "3,,******1050",
            '4,"new,blocked",',
        ]


@pytest.mark.parametrize("server", ["postgresql", "mariadb"])
def test_binary_columns_holding_text_are_redacted_with_binary_as_text(
    server: str, tmp_path: Path
) -> None:
    """Legacy schemas keep remarks in a BLOB (bytea): refused as bytes, with no way to
    mask them but leaving the column out."""
    blob = "BYTEA" if server == "postgresql" else "BLOB"
    with server_table(
        server,
        f"CREATE TABLE {{table}} (id INTEGER, memo {blob})",
        (
            "INSERT INTO {table} VALUES (1, :a), (2, :b), (3, NULL)",
            {"a": "客户电话13912345678".encode(), "b": b""},
        ),
    ) as (url, table):
        out = tmp_path / "out.csv"
        result = redact_table(url, table, out)
        assert result.exit_code == 2
        assert "--binary-as-text" in result.stderr
        result = redact_table(url, table, out, "--binary-as-text")
        assert result.exit_code == 0, result.stderr
        assert out.read_text("utf-8").splitlines() == [
            "id,memo",
            "1,客户电话******5678",
            '2,""',
            "3,",
        ]


@pytest.mark.parametrize("server", ["postgresql", "mariadb"])
def test_a_table_named_as_sql_quotes_it_is_found(server: str, tmp_path: Path) -> None:
    """A DBA pastes ``"Sales Dept"."Customer List"`` (or MySQL's backticks): the quotes
    were kept as part of the names, and the table was "no table"."""
    url = server_url(server)
    table = f"Customer List {uuid.uuid4().hex[:8]}"
    q = '"' if server == "postgresql" else "`"
    schema = "public" if server == "postgresql" else sa.engine.make_url(url).database
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE TABLE {q}{table}{q} ({q}Mobile Phone{q} CHAR(11))"))
        connection.execute(sa.text(f"INSERT INTO {q}{table}{q} VALUES ('13812341050')"))
    try:
        for name in (f"{q}{table}{q}", f"{q}{schema}{q}.{q}{table}{q}", f"{schema}.{q}{table}{q}"):
            out = tmp_path / "out.csv"
            result = redact_table(url, name, out, "--force")
            assert result.exit_code == 0, (name, result.stderr)
            assert out.read_text("utf-8").splitlines() == ["Mobile Phone", "******1050"]
        qualified = f"{q}{schema}{q}.{q}{table}{q}"
        result = redact_table(url, qualified, tmp_path / "x.csv", "--db-schema", "other")
        assert result.exit_code == 2
        assert f"--table names schema '{schema}', --db-schema 'other'" in result.stderr
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP TABLE {q}{table}{q}"))
        engine.dispose()


@pytest.mark.parametrize("server", ["postgresql", "mariadb"])
def test_an_approval_forms_json_is_masked_by_the_field_each_member_names(
    server: str, tmp_path: Path
) -> None:
    """A workflow table stores each approval's form as JSON, a field's name in one member
    and its value in another (DingTalk's form_component_values): the applicant's name and
    a password match no pattern, and the column was kept as it was."""
    form_type = "JSONB" if server == "postgresql" else "JSON"
    form = '[{"name": "姓名", "value": "刘德华"}, {"name": "密码", "value": "S3cr3t!pw"}]'
    with server_table(
        server,
        f"CREATE TABLE {{table}} (id INT, form {form_type}, status VARCHAR(8))",
        ("INSERT INTO {table} VALUES (1, :form, 'done')", {"form": form}),
    ) as (url, table):
        out = tmp_path / "out.jsonl"
        result = redact_table(url, table, out)
        assert result.exit_code == 0, result.stderr
        (row,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        # By hand: a name keeps its surname, a password is six stars.
        assert json.loads(row["form"]) == [
            {"name": "姓名", "value": "刘**"},
            {"name": "密码", "value": "******"},
        ]
        assert row["status"] == "done"


@pytest.mark.parametrize("server", ["postgresql", "mariadb"])
def test_a_settings_table_masks_each_value_as_what_its_key_names(
    server: str, tmp_path: Path
) -> None:
    """A sys_config table keeps the database password and the support contact beside
    harmless settings in one value column: only values with a shape were masked."""
    with server_table(
        server,
        "CREATE TABLE {table} (id INT, config_key VARCHAR(64), config_value VARCHAR(255))",
        "INSERT INTO {table} VALUES (1, 'site.title', '商城'), (2, 'db.password', 'S3cr3t!pw'), "
        "(3, 'support.contact_name', '王芳'), (4, 'support.mobile', '13812341050')",
    ) as (url, table):
        out = tmp_path / "out.csv"
        result = redact_table(url, table, out, "--report", str(tmp_path / "r.json"))
        assert result.exit_code == 0, result.stderr
        assert "masked config_value by config_key" in result.stderr
        # By hand: a password six stars, a name its surname, a mobile its last 4 digits.
        assert sorted(out.read_text("utf-8").splitlines()) == [
            "1,site.title,商城",
            "2,db.password,******",
            "3,support.contact_name,王*",
            "4,support.mobile,******1050",
            "id,config_key,config_value",
        ]


def test_an_sqlite_table_is_copied_in_primary_key_order(tmp_path: Path) -> None:
    """A SELECT without ORDER BY has no order: SQLite returned a text-keyed table in the
    order its rows were written. MySQL/MariaDB (clustered) and SQLite read in key order."""
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    engine = sa.create_engine(url)
    keys = [f"M{i:03d}" for i in (7, 3, 9, 1, 5)]
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE members (code TEXT PRIMARY KEY, mobile TEXT)"))
        for key in keys:
            connection.execute(
                sa.text("INSERT INTO members VALUES (:k, '13812341050')"), {"k": key}
            )
    engine.dispose()
    out = tmp_path / "out.csv"
    result = redact_table(url, "members", out)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    got = [line.split(",")[0] for line in out.read_text("utf-8").splitlines()[1:]]
    assert got == sorted(keys)


def test_postgres_reads_start_at_the_tables_first_block(tmp_path: Path) -> None:
    """PostgreSQL's synchronised scans start a large table's scan wherever another scan of
    it is, so two copies (and one run's sample and copy) came out in different orders.
    An ORDER BY on the key would cost an index scan's random reads (2.7x on two million
    UUID-keyed rows): the read-only engine turns synchronised scans off instead."""
    from dataguard.sources.database import read_only_engine

    engine = read_only_engine(server_url("postgresql"))
    with engine.connect() as connection:
        assert connection.execute(sa.text("SHOW synchronize_seqscans")).scalar() == "off"
    engine.dispose()
    rows = [{"id": i, "m": f"1381234{i:04d}"} for i in range(1, 41)]
    with server_table(
        "postgresql",
        "CREATE TABLE {table} (id INTEGER PRIMARY KEY, mobile VARCHAR(20), note VARCHAR(20))",
        ("INSERT INTO {table} (id, mobile) VALUES (:id, :m)", rows),  # type: ignore[arg-type]
        "UPDATE {table} SET note = 'moved' WHERE id <= 5",  # new versions go to the end
    ) as (url, table):
        copies = []
        for run in range(2):
            out = tmp_path / f"out{run}.csv"
            result = redact_table(url, table, out)
            assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
            copies.append(out.read_bytes())
        assert copies[0] == copies[1]
        ids = [int(line.split(b",")[0]) for line in copies[0].splitlines()[1:]]
        assert sorted(ids) == list(range(1, 41))
        assert ids == [*range(6, 41), *range(1, 6)]  # physical order: updated rows last


@pytest.mark.parametrize("kind", ["sqlite", "postgresql", "mariadb"])
def test_the_database_counts_the_rows_before_any_is_streamed(kind: str, tmp_path: Path) -> None:
    """The count (a progress bar's total, the sample's stride) comes from the server: it
    used to stream the whole table through Python once only to count it."""
    from dataguard.sources.database import open_database

    url = _server_or_sqlite(kind, tmp_path)
    rows = [{"id": i, "m": f"1391234{i:04d}"} for i in range(1, 258)]
    table = f"dg_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE TABLE {table} (id INTEGER, mobile VARCHAR(20))"))
        connection.execute(sa.text(f"INSERT INTO {table} VALUES (:id, :m)"), rows)
    try:
        assert open_database(url, table=table).rows == 257
        query = f"SELECT * FROM {table} WHERE id > 7;"
        assert open_database(url, query=query).rows == 250
        out = tmp_path / "out.csv"
        result = CliRunner().invoke(
            cli, ["redact", "--from-db", url, "--query", query, "-o", str(out)]
        )
        assert result.exit_code == 0, result.stderr
        assert len(out.read_text("utf-8").splitlines()) == 251
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP TABLE {table}"))
        engine.dispose()


@pytest.mark.parametrize(
    ("kind", "create"),
    [
        ("sqlite", "CREATE TABLE {table} (id INTEGER PRIMARY KEY, contact VARCHAR(20))"),
        ("postgresql", "CREATE TABLE {table} (id INTEGER PRIMARY KEY, contact VARCHAR(20))"),
        ("mariadb", "CREATE TABLE {table} (id INTEGER PRIMARY KEY, contact VARCHAR(20))"),
        # No identity to hash: sampled as it streams, as before.
        ("mariadb", "CREATE TABLE {table} (id INTEGER, contact VARCHAR(20))"),
        ("sqlite", "CREATE TABLE {table} (id INTEGER PRIMARY KEY, contact TEXT) WITHOUT ROWID"),
    ],
)
def test_a_large_tables_sample_is_spread_over_it_and_repeats(
    kind: str, create: str, tmp_path: Path
) -> None:
    """The server picks the sample of a table with an identity (the rows whose primary
    key, ctid or rowid hashes lowest with the seed), so only those rows are sent: the
    stream sampled before sent the whole table through Python. Either way the sample
    spreads over the table (the phones live only in its last fifth) and repeats."""
    url = _server_or_sqlite(kind, tmp_path)
    rows = [{"id": i, "c": f"1391234{i:04d}" if i > 4000 else None} for i in range(1, 5001)]
    table = f"dg_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(create.format(table=table)))
        connection.execute(sa.text(f"INSERT INTO {table} VALUES (:id, :c)"), rows)
    try:
        from dataguard.sources.database import open_database

        sampler = open_database(url, table=table).server_sample
        assert sampler is not None
        picked = sampler(400, 0)
        if "PRIMARY KEY" in create and "WITHOUT ROWID" not in create:
            assert picked is not None
            assert picked.height == 400
            assert picked["id"].min() < 1000 < 4000 < picked["id"].max()  # type: ignore[operator]
        else:
            assert picked is None
        reports = []
        for run in range(2):
            out = tmp_path / f"out{run}.csv"
            report = tmp_path / f"report{run}.json"
            result = redact_table(url, table, out, "--sample", "400", "--report", str(report))
            assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
            lines = out.read_text("utf-8").splitlines()
            assert len(lines) == 5001
            assert lines[-1].endswith(",******5000")
            reports.append(json.loads(report.read_text("utf-8"))["columns"])
        assert reports[0] == reports[1]
        (contact,) = [c for c in reports[0] if c["column"] == "contact"]
        assert contact["entity"] == "CN_MOBILE"
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP TABLE {table}"))
        engine.dispose()


def _login(url: str, role: str) -> str:
    """*url* for a login *role* without a password (URL.set keeps the old one)."""
    return sa.engine.make_url(url)._replace(username=role, password=None).render_as_string(False)


def _drop_role(url: str, role: str) -> None:
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP OWNED BY {role}"))
        connection.execute(sa.text(f"DROP ROLE {role}"))
    admin.dispose()


def test_a_table_the_user_may_not_read_names_the_grant_it_needs(tmp_path: Path) -> None:
    """A read-only account without SELECT on the table got "failed (InsufficientPrivilege);
    check that it is reachable, the credentials, and the table or query"."""
    role = f"dg_reader_{uuid.uuid4().hex[:8]}"
    with server_table(
        "postgresql",
        "CREATE TABLE {table} (id INTEGER PRIMARY KEY, mobile VARCHAR(20))",
        "INSERT INTO {table} VALUES (1, '13812341050')",
        f"CREATE ROLE {role} LOGIN",
    ) as (url, table):
        try:
            reader = _login(url, role)
            out = tmp_path / "out.csv"
            result = redact_table(reader, table, out)
            assert result.exit_code == 2  # type: ignore[attr-defined]
            message = result.output  # type: ignore[attr-defined]
            assert f"refused to let {role} read" in message
            assert f"grant {role} SELECT" in message
            assert "13812341050" not in message
            assert not out.exists()
        finally:
            _drop_role(url, role)


def test_a_copy_filtered_by_row_level_security_says_so(tmp_path: Path) -> None:
    """Row-level security showed the database user half of the table, and the copy held
    that half without a word: an export that silently leaves rows out."""
    role = f"dg_rls_{uuid.uuid4().hex[:8]}"
    rows = [{"id": i, "m": f"1391234{i:04d}"} for i in range(1, 41)]
    with server_table(
        "postgresql",
        "CREATE TABLE {table} (id INTEGER PRIMARY KEY, mobile VARCHAR(20))",
        ("INSERT INTO {table} VALUES (:id, :m)", rows),  # type: ignore[arg-type]
        "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY even ON {table} USING (id % 2 = 0)",
        f"CREATE ROLE {role} LOGIN",
        f"GRANT SELECT ON {{table}} TO {role}",
    ) as (url, table):
        try:
            reader = _login(url, role)
            out = tmp_path / "out.csv"
            report = tmp_path / "report.json"
            result = redact_table(reader, table, out, "--report", str(report))
            assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
            assert "row-level security" in result.output  # type: ignore[attr-defined]
            assert json.loads(report.read_text("utf-8"))["row_security"] is True
            assert len(out.read_text("utf-8").splitlines()) == 21
            owner = redact_table(url, table, tmp_path / "all.csv")
            assert "row-level security" not in owner.output  # type: ignore[attr-defined]
        finally:
            _drop_role(url, role)
