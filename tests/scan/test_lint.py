"""``dataguard lint``: the Youzan 7.1–7.3 schema-hygiene rules, the API and the command.

Every expected finding below is written by hand from standards.md §5 and the rule
descriptions, never computed by the code under test. Column cases live in
``tests/vectors/lint/columns.tsv``; table cases and live databases (the ``empty_database``
fixture: SQLite, PostgreSQL, MariaDB) are here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from dataguard.cli.lint import lint_command

from dataguard.errors import UsageError
from dataguard.scan.lint import (
    MYSQL_RESERVED_WORDS,
    LintFinding,
    NotCheckable,
    Rule,
    lint,
    normalize_dialect,
    rules,
    select_rules,
)
from dataguard.sources.catalog import ColumnInfo, TableInfo

VECTORS = Path(__file__).resolve().parent.parent / "vectors" / "lint" / "columns.tsv"

ALL_RULES = [
    "DG-Y71-NAME-CASE",
    "DG-Y71-NAME-LENGTH",
    "DG-Y71-RESERVED-WORD",
    "DG-Y72-TABLE-COMMENT",
    "DG-Y72-COLUMN-COMMENT",
    "DG-Y72-ENGINE",
    "DG-Y72-CHARSET",
    "DG-Y72-PRIMARY-KEY",
    "DG-Y73-MONEY-DECIMAL",
    "DG-Y73-SPARE-COLUMN",
]


def run(*args: object) -> Result:
    return CliRunner().invoke(lint_command, [str(a) for a in args])


def clean_table(name: str = "member", **overrides: Any) -> TableInfo:
    """A table that follows every rule (MySQL), changed by *overrides*."""
    fields: dict[str, Any] = {
        "name": name,
        "columns": (
            ColumnInfo("id", "BIGINT UNSIGNED", "主键", nullable=False, primary_key=True),
            ColumnInfo("nick_name", "VARCHAR(32)", "昵称"),
            ColumnInfo("balance", "DECIMAL(18,2)", "账户余额"),
        ),
        "comment": "会员",
        "engine": "InnoDB",
        "charset": "utf8mb4",
    }
    fields.update(overrides)
    return TableInfo(**fields)


def keyed(findings: list[LintFinding]) -> set[tuple[str, str, str | None, str]]:
    return {(f.rule, f.table, f.column, f.severity) for f in findings}


# -- the registry ----------------------------------------------------------------------------


def test_the_rules_are_the_ten_of_youzan_7_1_to_7_3_in_order() -> None:
    assert [r.id for r in rules()] == ALL_RULES


def test_every_rule_names_its_clause_and_says_what_it_checks_in_one_line() -> None:
    clauses = {"Y71": "Youzan 7.1", "Y72": "Youzan 7.2", "Y73": "Youzan 7.3"}
    for rule in rules():
        assert rule.clause == clauses[rule.id.split("-")[1]], rule.id
        assert rule.description, rule.id
        assert "\n" not in rule.description, rule.id
        assert rule.severity in ("error", "warning", "info"), rule.id


def test_a_rule_registers_itself_by_being_defined() -> None:
    class Probe(Rule):
        id = "DG-Y73-PROBE-ONLY"
        clause = "Youzan 7.3"
        description = "a test rule"

        def check(self, table: TableInfo, dialect: str | None):  # type: ignore[no-untyped-def]
            yield self.finding(table, None, "probe")

    try:
        assert "DG-Y73-PROBE-ONLY" in [r.id for r in rules()]
        report = lint([clean_table()], dialect="mysql", select=["DG-Y73-PROBE"])
        assert [(f.rule, f.message) for f in report.findings] == [("DG-Y73-PROBE-ONLY", "probe")]
    finally:
        del Rule.registry["DG-Y73-PROBE-ONLY"]


def test_a_rule_without_clause_or_with_a_taken_id_is_refused() -> None:
    with pytest.raises(TypeError):

        class NoClause(Rule):
            id = "DG-Y71-NO-CLAUSE"
            description = "x"

    with pytest.raises(TypeError):

        class Taken(Rule):
            id = "DG-Y71-NAME-CASE"
            clause = "Youzan 7.1"
            description = "x"


# -- the reserved words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "word",
    ["order", "desc", "group", "key", "range", "match", "delayed", "interval", "select", "rank",
     "groups", "rows", "row", "function", "cube", "system", "lateral", "json_table", "of",
     "empty", "intersect", "window", "usage", "read_write", "_filename"],
)  # fmt: skip
def test_mysql_8_0_reserved_words_are_listed(word: str) -> None:
    assert word in MYSQL_RESERVED_WORDS


@pytest.mark.parametrize(
    "word",
    ["name", "status", "type", "comment", "date", "time", "year", "value", "user", "level",
     "admin", "array", "member", "persist", "persist_only", "role", "get_master_public_key",
     "qualify", "parallel", "manual", "tablesample", "full", "general", "slow"],
)  # fmt: skip
def test_keywords_that_are_not_reserved_in_mysql_8_0_are_not_listed(word: str) -> None:
    assert word not in MYSQL_RESERVED_WORDS


def test_the_reserved_words_agree_with_sqlalchemys_mysql_list() -> None:
    reserved = pytest.importorskip("sqlalchemy.dialects.mysql.reserved_words")
    # SQLAlchemy's list is the union over MySQL 5.6 to 8.3, so ours (8.0) is inside it.
    assert MYSQL_RESERVED_WORDS - {"_filename"} <= reserved.RESERVED_WORDS_MYSQL


# -- column rules, data-driven ---------------------------------------------------------------


def _column_cases() -> list[object]:
    cases: list[object] = []
    for lineno, line in enumerate(VECTORS.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        rule, expect, name, type_, comment, why = line.split("\t")
        assert expect in ("flag", "pass"), f"columns.tsv:{lineno}"
        cases.append(
            pytest.param(rule, expect == "flag", name, type_, comment or None, id=f"{lineno}-{why}")
        )
    return cases


@pytest.mark.parametrize(("rule", "flagged", "name", "type_", "comment"), _column_cases())
def test_column_vectors(
    rule: str, flagged: bool, name: str, type_: str, comment: str | None
) -> None:
    table = TableInfo("t", (ColumnInfo(name, type_, comment),))
    report = lint([table], dialect="mysql", select=[rule])
    hits = [f for f in report.findings if f.column == name]
    assert bool(hits) is flagged
    for finding in hits:
        assert finding.rule == rule
        assert finding.table == "t"
        assert name in finding.message


def test_every_rule_about_columns_has_flag_and_pass_vectors() -> None:
    seen: dict[str, set[str]] = {}
    for line in VECTORS.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rule, expect = line.split("\t")[:2]
            seen.setdefault(rule, set()).add(expect)
    for rule in (
        "DG-Y71-NAME-CASE",
        "DG-Y71-NAME-LENGTH",
        "DG-Y71-RESERVED-WORD",
        "DG-Y72-COLUMN-COMMENT",
        "DG-Y73-MONEY-DECIMAL",
        "DG-Y73-SPARE-COLUMN",
    ):
        assert seen[rule] == {"flag", "pass"}, rule


# -- table rules -----------------------------------------------------------------------------


def test_a_clean_table_has_no_findings_in_any_dialect() -> None:
    for dialect in ("mysql", "mariadb", "postgresql", "sqlite", None):
        assert lint([clean_table()], dialect=dialect).findings == [], dialect


@pytest.mark.parametrize(
    ("table", "rule", "severity"),
    [
        (clean_table("MemberInfo"), "DG-Y71-NAME-CASE", "error"),
        (clean_table("member_profile_extension_attributes"), "DG-Y71-NAME-LENGTH", "error"),
        (clean_table("order"), "DG-Y71-RESERVED-WORD", "error"),
        (clean_table("groups"), "DG-Y71-RESERVED-WORD", "error"),
        (clean_table(comment=None), "DG-Y72-TABLE-COMMENT", "error"),
        (clean_table(comment="  "), "DG-Y72-TABLE-COMMENT", "error"),
        (clean_table(engine="MyISAM"), "DG-Y72-ENGINE", "error"),
        (clean_table(engine="MEMORY"), "DG-Y72-ENGINE", "error"),
        (clean_table(engine="Aria"), "DG-Y72-ENGINE", "error"),
        (clean_table(charset="latin1"), "DG-Y72-CHARSET", "error"),
        (clean_table(charset="gbk"), "DG-Y72-CHARSET", "error"),
        (clean_table(charset="utf8"), "DG-Y72-CHARSET", "info"),
        (clean_table(charset="utf8mb3"), "DG-Y72-CHARSET", "info"),
        (
            clean_table(columns=(ColumnInfo("nick_name", "VARCHAR(32)", "昵称"),)),
            "DG-Y72-PRIMARY-KEY",
            "error",
        ),
    ],
)
def test_a_table_that_breaks_one_rule_gets_exactly_that_finding(
    table: TableInfo, rule: str, severity: str
) -> None:
    report = lint([table], dialect="mysql")
    assert keyed(report.findings) == {(rule, table.name, None, severity)}


@pytest.mark.parametrize(
    "overrides",
    [
        {"engine": "InnoDB"},
        {"engine": "innodb"},
        {"engine": None},  # a DDL file without ENGINE=: the server default, InnoDB
        {"charset": "utf8mb4"},
        {"charset": "UTF8MB4"},
        {"charset": None},
        {"name": "member_profile_extension_attrib"},  # 31 characters
        {"name": "abcdefghijabcdefghijabcdefghijab"},  # 32 characters
    ],
)
def test_tables_that_follow_the_table_rules_pass(overrides: dict[str, Any]) -> None:
    assert lint([clean_table(**overrides)], dialect="mysql").findings == []


def test_a_composite_primary_key_counts() -> None:
    table = clean_table(
        columns=(
            ColumnInfo("order_id", "BIGINT", "订单", primary_key=True),
            ColumnInfo("line_no", "INT", "行号", primary_key=True),
        )
    )
    assert lint([table], dialect="mysql", select=["DG-Y72-PRIMARY-KEY"]).findings == []


def test_findings_name_the_schema_qualified_table() -> None:
    table = clean_table("Member", schema="crm")
    (finding,) = lint([table], dialect="postgresql").findings
    assert (finding.table, finding.column, finding.location) == ("crm.Member", None, "crm.Member")


def test_messages_say_how_to_fix_in_the_dialect() -> None:
    table = clean_table("member", comment=None, engine="MyISAM", charset="latin1")
    mysql = {f.rule: f.message for f in lint([table], dialect="mysql").findings}
    assert "ALTER TABLE member COMMENT = '…'" in mysql["DG-Y72-TABLE-COMMENT"]
    assert "ALTER TABLE member ENGINE=InnoDB" in mysql["DG-Y72-ENGINE"]
    assert "CONVERT TO CHARACTER SET utf8mb4" in mysql["DG-Y72-CHARSET"]
    postgres = {f.rule: f.message for f in lint([table], dialect="postgresql").findings}
    assert "COMMENT ON TABLE member IS '…'" in postgres["DG-Y72-TABLE-COMMENT"]
    camel = lint([clean_table("OrderItem")], dialect="mysql").findings
    assert "rename it to order_item" in camel[0].message
    money = TableInfo("t", (ColumnInfo("price", "FLOAT", "价格", primary_key=True),))

    def money_fix(dialect: str | None) -> str:
        (finding,) = lint([money], dialect=dialect, select=["DG-Y73-MONEY"]).findings
        return finding.message

    assert money_fix(None).endswith("declare it DECIMAL(18, 2)")
    assert money_fix("mysql").endswith("declare it DECIMAL(18, 2)")
    assert money_fix("postgresql").endswith("declare it NUMERIC(18, 2)")
    assert "store INTEGER minor units (fen/分) instead" in money_fix("sqlite")


def test_utf8_is_named_as_utf8mb3() -> None:
    (utf8,) = lint([clean_table(charset="utf8")], dialect="mysql").findings
    assert utf8.message.startswith("table member uses utf8, which is utf8mb3 (no emoji")
    (utf8mb3,) = lint([clean_table(charset="utf8mb3")], dialect="mysql").findings
    assert utf8mb3.message.startswith("table member uses utf8mb3 (no emoji")


def test_reserved_words_are_quoted_in_suggested_sql() -> None:
    table = TableInfo("order", (ColumnInfo("desc", "VARCHAR(20)"),))
    messages = [f.message for f in lint([table], dialect="mysql", select=["DG-Y72"]).findings]
    assert any(
        "ALTER TABLE `order` MODIFY `desc` <its full definition> COMMENT" in m for m in messages
    )
    messages = [f.message for f in lint([table], dialect="postgresql", select=["DG-Y72"]).findings]
    assert any('COMMENT ON COLUMN "order"."desc" IS' in m for m in messages)


# -- dialects --------------------------------------------------------------------------------


def test_sqlite_comments_are_not_checkable_rather_than_flagged() -> None:
    table = clean_table(comment=None, columns=(ColumnInfo("id", "INTEGER", primary_key=True),))
    report = lint([table], dialect="sqlite")
    assert report.findings == []
    assert report.not_checkable == [
        NotCheckable("DG-Y72-TABLE-COMMENT", "SQLite cannot store table or column comments"),
        NotCheckable("DG-Y72-COLUMN-COMMENT", "SQLite cannot store table or column comments"),
        NotCheckable("DG-Y72-ENGINE", "only MySQL/MariaDB tables have a storage engine"),
        NotCheckable("DG-Y72-CHARSET", "only MySQL/MariaDB tables have a character set per table"),
    ]
    assert "DG-Y72-TABLE-COMMENT" not in report.rules


def test_postgresql_has_no_engine_or_table_charset_to_check() -> None:
    report = lint([clean_table(engine=None, charset=None)], dialect="postgresql")
    assert [n.rule for n in report.not_checkable] == ["DG-Y72-ENGINE", "DG-Y72-CHARSET"]


def test_unknown_dialect_checks_everything_it_can() -> None:
    report = lint([clean_table(comment=None, engine=None)], dialect=None)
    assert report.not_checkable == []
    assert keyed(report.findings) == {("DG-Y72-TABLE-COMMENT", "member", None, "error")}
    assert "a COMMENT clause" in report.findings[0].message


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("mysql", "mysql"),
        ("mariadb", "mysql"),
        ("MySQL", "mysql"),
        ("mysql+pymysql", "mysql"),
        ("postgresql", "postgresql"),
        ("postgres", "postgresql"),
        ("sqlite", "sqlite"),
        ("auto", None),
        (None, None),
    ],
)
def test_dialect_names(given: str | None, expected: str | None) -> None:
    assert normalize_dialect(given) == expected


def test_an_unknown_dialect_name_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="oracle"):
        lint([clean_table()], dialect="oracle")


# -- selecting rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [
        ((), (), ALL_RULES),
        (("DG-Y71",), (), ALL_RULES[:3]),
        (("dg-y71-",), (), ALL_RULES[:3]),
        (("DG-Y72-TABLE",), (), ["DG-Y72-TABLE-COMMENT"]),
        (("DG-Y71-NAME",), (), ["DG-Y71-NAME-CASE", "DG-Y71-NAME-LENGTH"]),
        (("DG-Y73-MONEY-DECIMAL,DG-Y71-NAME-CASE",), (), [ALL_RULES[0], ALL_RULES[8]]),
        (("DG-Y73", "DG-Y72-ENGINE"), (), ["DG-Y72-ENGINE", *ALL_RULES[8:]]),
        ((), ("DG-Y72",), ALL_RULES[:3] + ALL_RULES[8:]),
        (("DG-Y72",), ("DG-Y72-COLUMN-COMMENT", "DG-Y72-CHARSET"),
         ["DG-Y72-TABLE-COMMENT", "DG-Y72-ENGINE", "DG-Y72-PRIMARY-KEY"]),
    ],
)  # fmt: skip
def test_select_and_ignore_by_id_or_prefix(
    select: tuple[str, ...], ignore: tuple[str, ...], expected: list[str]
) -> None:
    assert [r.id for r in select_rules(select, ignore)] == expected


@pytest.mark.parametrize(
    ("select", "ignore"),
    [(("DG-Y74",), ()), (("DG-Y71-NAM",), ()), ((), ("NAME-CASE",)), (("DG-Y71,nope",), ())],
)
def test_a_rule_that_does_not_exist_is_a_usage_error(
    select: tuple[str, ...], ignore: tuple[str, ...]
) -> None:
    with pytest.raises(UsageError, match="dataguard lint --rules"):
        select_rules(select, ignore)


def test_an_ignored_rule_reports_nothing() -> None:
    table = clean_table("Member", engine="MyISAM")
    report = lint([table], dialect="mysql", ignore=["DG-Y71"])
    assert keyed(report.findings) == {("DG-Y72-ENGINE", "Member", None, "error")}


# -- the report ------------------------------------------------------------------------------


def test_counts_and_fail_threshold() -> None:
    report = lint([clean_table(charset="utf8")], dialect="mysql")
    assert report.counts() == {"error": 0, "warning": 0, "info": 1}
    assert not report.failed("warning")
    assert not report.failed("error")
    assert report.failed("info")
    spare = clean_table(columns=(*clean_table().columns, ColumnInfo("spare1", "INT", "备用1")))
    report = lint([spare], dialect="mysql")
    assert report.counts() == {"error": 0, "warning": 1, "info": 0}
    assert report.failed("warning")
    assert not report.failed("error")


def test_the_json_form() -> None:
    table = clean_table("Member", charset="utf8")
    assert lint([table], dialect="mariadb").to_dict() == {
        "version": 1,
        "dialect": "mysql",
        "tables": 1,
        "rules": ALL_RULES,
        "counts": {"error": 1, "warning": 0, "info": 1},
        "findings": [
            {
                "rule": "DG-Y71-NAME-CASE",
                "clause": "Youzan 7.1",
                "severity": "error",
                "table": "Member",
                "column": None,
                "message": "table Member is not lower-case snake_case; rename it to member",
            },
            {
                "rule": "DG-Y72-CHARSET",
                "clause": "Youzan 7.2",
                "severity": "info",
                "table": "Member",
                "column": None,
                "message": "table Member uses utf8, which is utf8mb3 (no emoji, no CJK Extension B "
                "characters); utf8mb4 is recommended: ALTER TABLE `Member` CONVERT TO CHARACTER "
                "SET utf8mb4",
            },
        ],
        "not_checkable": [],
    }


# -- live databases --------------------------------------------------------------------------

# The same schema in each dialect: good_order follows every rule, BadOrder breaks most,
# legacy_member (MariaDB only) is utf8 = utf8mb3.
DDL = {
    "sqlite": [
        "CREATE TABLE good_order (id INTEGER PRIMARY KEY, order_no VARCHAR(32) NOT NULL, "
        "pay_amount NUMERIC(18, 2) NOT NULL)",
        'CREATE TABLE "BadOrder" ("order" INT, "desc" VARCHAR(200), price REAL, '
        "spare1 VARCHAR(64))",
    ],
    "postgresql": [
        "CREATE TABLE good_order (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "order_no VARCHAR(32) NOT NULL, pay_amount NUMERIC(18, 2) NOT NULL)",
        "COMMENT ON TABLE good_order IS '订单'",
        "COMMENT ON COLUMN good_order.id IS '主键'",
        "COMMENT ON COLUMN good_order.order_no IS '订单号'",
        "COMMENT ON COLUMN good_order.pay_amount IS '实付金额'",
        'CREATE TABLE "BadOrder" ("order" INT, "desc" VARCHAR(200), price REAL, '
        "spare1 VARCHAR(64))",
        'COMMENT ON COLUMN "BadOrder"."order" IS \'排序\'',
        "COMMENT ON COLUMN \"BadOrder\".price IS '价格'",
        "COMMENT ON COLUMN \"BadOrder\".spare1 IS '备用1'",
    ],
    "mariadb": [
        "CREATE TABLE good_order (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY "
        "COMMENT '主键', order_no VARCHAR(32) NOT NULL COMMENT '订单号', pay_amount "
        "DECIMAL(18, 2) NOT NULL COMMENT '实付金额') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
        "COMMENT='订单'",
        "CREATE TABLE BadOrder (`order` INT COMMENT '排序', `desc` VARCHAR(200), price FLOAT "
        "COMMENT '价格', spare1 VARCHAR(64) COMMENT '备用1') ENGINE=MyISAM "
        "DEFAULT CHARSET=latin1",
        "CREATE TABLE legacy_member (id INT NOT NULL PRIMARY KEY COMMENT '主键', nick_name "
        "VARCHAR(32) COMMENT '昵称') ENGINE=InnoDB DEFAULT CHARSET=utf8 COMMENT='会员'",
    ],
}

# A value that must never appear in lint output: linting reads the schema, not rows.
ROW_VALUE = "13812341050"


def _expected(kind: str) -> set[tuple[str, str, str | None, str]]:
    bad = {"sqlite": "BadOrder", "postgresql": "public.BadOrder", "mariadb": "BadOrder"}[kind]
    found = {
        ("DG-Y71-NAME-CASE", bad, None, "error"),
        ("DG-Y71-RESERVED-WORD", bad, "order", "error"),
        ("DG-Y71-RESERVED-WORD", bad, "desc", "error"),
        ("DG-Y72-PRIMARY-KEY", bad, None, "error"),
        ("DG-Y73-MONEY-DECIMAL", bad, "price", "error"),
        ("DG-Y73-SPARE-COLUMN", bad, "spare1", "warning"),
    }
    if kind != "sqlite":
        found |= {
            ("DG-Y72-TABLE-COMMENT", bad, None, "error"),
            ("DG-Y72-COLUMN-COMMENT", bad, "desc", "error"),
        }
    if kind == "mariadb":
        found |= {
            ("DG-Y72-ENGINE", bad, None, "error"),
            ("DG-Y72-CHARSET", bad, None, "error"),
            ("DG-Y72-CHARSET", "legacy_member", None, "info"),
        }
    return found


NOT_CHECKABLE = {
    "sqlite": [
        "DG-Y72-TABLE-COMMENT",
        "DG-Y72-COLUMN-COMMENT",
        "DG-Y72-ENGINE",
        "DG-Y72-CHARSET",
    ],
    "postgresql": ["DG-Y72-ENGINE", "DG-Y72-CHARSET"],
    "mariadb": [],
}


def _kind(url: str) -> str:
    return (
        "sqlite" if url.startswith("sqlite") else "postgresql" if "postgres" in url else "mariadb"
    )


@pytest.fixture
def schema(empty_database: str) -> tuple[str, str]:
    """``(url, kind)`` of a database holding the DDL above and one row."""
    import sqlalchemy as sa

    kind = _kind(empty_database)
    engine = sa.create_engine(empty_database)
    with engine.begin() as connection:
        for statement in DDL[kind]:
            connection.execute(sa.text(statement))
        connection.execute(
            sa.text("INSERT INTO good_order (order_no, pay_amount) VALUES (:n, 1.5)"),
            {"n": ROW_VALUE},
        )
    engine.dispose()
    return empty_database, kind


def test_python_api_on_a_live_database(schema: tuple[str, str]) -> None:
    from dataguard.sources.catalog import read_catalog
    from dataguard.sources.database import read_only_engine

    url, kind = schema
    engine = read_only_engine(url)
    try:
        report = lint(read_catalog(engine), dialect=engine.dialect.name)
    finally:
        engine.dispose()
    assert keyed(report.findings) == _expected(kind)
    assert [n.rule for n in report.not_checkable] == NOT_CHECKABLE[kind]
    assert report.tables == (3 if kind == "mariadb" else 2)


def test_cli_json_on_a_live_database(schema: tuple[str, str]) -> None:
    url, kind = schema
    result = run(url, "--format", "json")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert list(document)[:2] == ["version", "target"]
    assert document["version"] == 1
    assert "://" in document["target"]
    assert document["dialect"] == ("mysql" if kind == "mariadb" else kind)
    findings = {(f["rule"], f["table"], f["column"], f["severity"]) for f in document["findings"]}
    assert findings == _expected(kind)
    assert [n["rule"] for n in document["not_checkable"]] == NOT_CHECKABLE[kind]
    assert ROW_VALUE not in result.output


@pytest.mark.parametrize("output_format", ["text", "json", "md"])
def test_no_format_carries_row_data(schema: tuple[str, str], output_format: str) -> None:
    url, _ = schema
    result = run(url, "--format", output_format)
    assert result.exit_code == 1
    assert ROW_VALUE not in result.output
    assert "good_order" not in result.stdout  # the clean table has nothing to report


def test_cli_text_on_a_live_database(schema: tuple[str, str]) -> None:
    url, kind = schema
    result = run(url)
    assert result.exit_code == 1
    bad = "public.BadOrder" if kind == "postgresql" else "BadOrder"
    lines = result.stdout.splitlines()
    price = f"{bad}.price: DG-Y73-MONEY-DECIMAL [error] column {bad}.price holds money"
    assert any(line.startswith(price) for line in lines)
    spare = f"{bad}.spare1: DG-Y73-SPARE-COLUMN [warning] column {bad}.spare1 looks like a spare"
    assert any(line.startswith(spare) for line in lines)
    if kind == "sqlite":
        sqlite_note = "not checkable: DG-Y72-TABLE-COMMENT: SQLite cannot store table or column"
        assert any(line.startswith(sqlite_note) for line in lines)
    summary = {
        "sqlite": ": 5 errors, 1 warning, 0 notes in 2 tables (sqlite)",
        "postgresql": ": 7 errors, 1 warning, 0 notes in 2 tables (postgresql)",
        "mariadb": ": 9 errors, 1 warning, 1 note in 3 tables (mysql)",
    }[kind]
    assert lines[-1].endswith(summary)


def test_cli_table_and_schema_filters(schema: tuple[str, str]) -> None:
    url, kind = schema
    result = run(url, "--table", "good_*")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].endswith(
        f": 0 errors, 0 warnings, 0 notes in 1 table ({'mysql' if kind == 'mariadb' else kind})"
    )
    if kind == "postgresql":
        assert run(url, "--schema", "public", "--table", "good_order").exit_code == 0
        missing = run(url, "--schema", "sales")
        assert missing.exit_code == 2
        assert "no tables matching --schema/--table in" in missing.stderr


def test_cli_select_and_fail_on(schema: tuple[str, str]) -> None:
    url, kind = schema
    # Only the spare column (a warning) is left: it fails by default, not with --fail-on error.
    only_spare = ("--select", "DG-Y73-SPARE-COLUMN")
    assert run(url, *only_spare).exit_code == 1
    assert run(url, *only_spare, "--fail-on", "error").exit_code == 0
    if kind == "mariadb":
        # legacy_member's utf8 is an info note: exit 0 unless --fail-on info.
        assert run(url, "--table", "legacy_member").exit_code == 0
        assert run(url, "--table", "legacy_member", "--fail-on", "info").exit_code == 1


def test_cli_writes_the_report_to_a_file(schema: tuple[str, str], tmp_path: Path) -> None:
    url, _ = schema
    out = tmp_path / "lint.md"
    result = run(url, "--format", "md", "-o", out)
    assert result.exit_code == 1
    assert result.stdout == ""
    text = out.read_text("utf-8")
    assert text.startswith("# Schema lint: ")
    assert "| Table | Column | Rule | Clause | Severity | Message |" in text
    assert "| price | DG-Y73-MONEY-DECIMAL | Youzan 7.3 | error |" in text
    assert "errors, 1 warning" in result.stderr  # a one-line summary for the CI log


# -- the command without a database ----------------------------------------------------------


def _sqlite(path: Path, statement: str) -> None:
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(path)) as connection:
        connection.execute(statement)
        connection.commit()


def test_rules_listing() -> None:
    result = run("--rules")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ALL_RULES
    assert lines[0].split("  ")[0] == "DG-Y71-NAME-CASE"
    assert lines[0].split()[1:4] == ["Youzan", "7.1", "error"]
    assert lines[-1].split()[1:4] == ["Youzan", "7.3", "warning"]
    listed = json.loads(run("--rules", "--format", "json").stdout)
    assert [r["id"] for r in listed] == ALL_RULES
    assert listed[5] == {
        "id": "DG-Y72-ENGINE",
        "clause": "Youzan 7.2",
        "severity": "error",
        "description": "MySQL/MariaDB tables use the InnoDB storage engine",
    }


def test_help_has_examples_and_the_rule_list() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "dataguard lint sqlite:///shop.db" in result.stdout
    assert "dataguard lint --rules" in result.stdout
    for rule in ALL_RULES:
        assert rule in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give a TARGET"),
        (("sqlite:///{tmp}/missing.db",), "no SQLite database file"),
        (("{tmp}/missing.sql",), "no file"),
        (("sqlite:///{tmp}/shop.db", "--select", "DG-Y79"), "--select DG-Y79: no such rule"),
        (("sqlite:///{tmp}/shop.db", "--ignore", "NAME"), "--ignore NAME: no such rule"),
        (("sqlite:///{tmp}/shop.db", "--table", "nothing_*"), "no tables matching"),
        (("sqlite:///{tmp}/empty.db",), "no tables in"),
        (("oracle+cx_oracle://scott@db/orcl",), "oracle"),
    ],
)
def test_usage_errors_exit_2_without_traceback(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    _sqlite(tmp_path / "shop.db", "CREATE TABLE member (id INTEGER PRIMARY KEY)")
    _sqlite(tmp_path / "empty.db", "VACUUM")
    result = run(*(a.format(tmp=tmp_path) for a in args))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_an_unreachable_database_exits_2_naming_it_without_password() -> None:
    pytest.importorskip("psycopg")
    result = run("postgresql+psycopg://dg:s3cret@127.0.0.1:1/shop")
    assert result.exit_code == 2
    assert "cannot read the schema of postgresql+psycopg://dg:***@127.0.0.1:1/shop" in result.stderr
    assert "s3cret" not in result.output


def test_a_clean_sqlite_database_exits_0(tmp_path: Path) -> None:
    _sqlite(
        tmp_path / "shop.db",
        "CREATE TABLE member (id INTEGER PRIMARY KEY, nick_name TEXT, balance NUMERIC)",
    )
    result = run(f"sqlite:///{tmp_path / 'shop.db'}")
    assert result.exit_code == 0, result.output
    summary = ": 0 errors, 0 warnings, 0 notes in 1 table (sqlite)"
    assert result.stdout.splitlines()[-1].endswith(summary)


# -- DDL files and dumps ---------------------------------------------------------------------

# mysqldump-style and pg_dump-style files holding the same schema as DDL above, with a row of
# data each (which lint must skip, not report).
MYSQL_DUMP = """\
-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS `good_order`;
CREATE TABLE `good_order` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT COMMENT '主键',
  `order_no` varchar(32) NOT NULL COMMENT '订单号',
  `pay_amount` decimal(18,2) NOT NULL COMMENT '实付金额',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='订单';
INSERT INTO `good_order` VALUES (1,'13812341050',1.50);
CREATE TABLE `BadOrder` (
  `order` int DEFAULT NULL COMMENT '排序',
  `desc` varchar(200) DEFAULT NULL,
  `price` float DEFAULT NULL COMMENT '价格',
  `spare1` varchar(64) DEFAULT NULL COMMENT '备用1'
) ENGINE=MyISAM DEFAULT CHARSET=latin1;
CREATE TABLE `legacy_member` (
  `id` int NOT NULL COMMENT '主键',
  `nick_name` varchar(32) DEFAULT NULL COMMENT '昵称',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8 COMMENT='会员';
"""

PG_DUMP = """\
--
-- PostgreSQL database dump
--
SET client_encoding = 'UTF8';
CREATE TABLE public.good_order (
    id bigint NOT NULL,
    order_no character varying(32) NOT NULL,
    pay_amount numeric(18,2) NOT NULL
);
COMMENT ON TABLE public.good_order IS '订单';
COMMENT ON COLUMN public.good_order.id IS '主键';
COMMENT ON COLUMN public.good_order.order_no IS '订单号';
COMMENT ON COLUMN public.good_order.pay_amount IS '实付金额';
CREATE TABLE public."BadOrder" (
    "order" integer,
    "desc" character varying(200),
    price real,
    spare1 character varying(64)
);
COMMENT ON COLUMN public."BadOrder"."order" IS '排序';
COMMENT ON COLUMN public."BadOrder".price IS '价格';
COMMENT ON COLUMN public."BadOrder".spare1 IS '备用1';
COPY public.good_order (id, order_no, pay_amount) FROM stdin;
1\t13812341050\t1.50
\\.
ALTER TABLE ONLY public.good_order
    ADD CONSTRAINT good_order_pkey PRIMARY KEY (id);
"""


@pytest.fixture
def dumps(tmp_path: Path) -> dict[str, Path]:
    import gzip

    pytest.importorskip("dataguard.sources.dump")
    paths = {
        "mysql": tmp_path / "shop_mysql.sql",
        "postgresql": tmp_path / "shop_pg.sql",
        "mysql.gz": tmp_path / "shop_mysql.sql.gz",
    }
    paths["mysql"].write_text(MYSQL_DUMP, "utf-8")
    paths["postgresql"].write_text(PG_DUMP, "utf-8")
    paths["mysql.gz"].write_bytes(gzip.compress(MYSQL_DUMP.encode("utf-8")))
    return paths


@pytest.mark.parametrize("name", ["mysql", "mysql.gz"])
def test_cli_on_a_mysql_dump(dumps: dict[str, Path], name: str) -> None:
    result = run(dumps[name], "--format", "json")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["target"] == str(dumps[name])
    assert document["dialect"] == "mysql"  # betrayed by ENGINE= and CHARSET=
    findings = {(f["rule"], f["table"], f["column"], f["severity"]) for f in document["findings"]}
    assert findings == _expected("mariadb")
    assert document["not_checkable"] == []
    assert ROW_VALUE not in result.output


def test_cli_on_a_postgresql_dump(dumps: dict[str, Path]) -> None:
    result = run(dumps["postgresql"], "--format", "json", "--dialect", "postgresql")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["dialect"] == "postgresql"
    findings = {(f["rule"], f["table"], f["column"], f["severity"]) for f in document["findings"]}
    assert findings == _expected("postgresql")
    assert [n["rule"] for n in document["not_checkable"]] == NOT_CHECKABLE["postgresql"]
    comment = next(f for f in document["findings"] if f["rule"] == "DG-Y72-TABLE-COMMENT")
    assert "COMMENT ON TABLE public.\"BadOrder\" IS '…'" in comment["message"]
    assert ROW_VALUE not in result.output


def test_a_pg_dump_is_linted_as_postgresql_without_dialect(dumps: dict[str, Path]) -> None:
    # pg_dump's header and `SET search_path` mark the file, though its tables carry no clause
    # that only PostgreSQL has.
    result = run(dumps["postgresql"], "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["dialect"] == "postgresql"
    findings = {(f["rule"], f["table"], f["column"], f["severity"]) for f in document["findings"]}
    assert findings == _expected("postgresql")
    assert [n["rule"] for n in document["not_checkable"]] == NOT_CHECKABLE["postgresql"]


def test_a_ddl_file_without_any_marker_has_an_unknown_dialect(tmp_path: Path) -> None:
    ddl = tmp_path / "schema.sql"
    ddl.write_text("CREATE TABLE good_order (id INTEGER PRIMARY KEY);\n", "utf-8")
    result = run(ddl, "--format", "json")
    document = json.loads(result.stdout)
    assert document["dialect"] is None


def test_python_api_on_a_ddl_file(dumps: dict[str, Path]) -> None:
    from dataguard.sources.dump import read_ddl

    report = lint(read_ddl(dumps["mysql"]), dialect="mysql", select=["DG-Y72"])
    assert keyed(report.findings) == {
        ("DG-Y72-TABLE-COMMENT", "BadOrder", None, "error"),
        ("DG-Y72-COLUMN-COMMENT", "BadOrder", "desc", "error"),
        ("DG-Y72-ENGINE", "BadOrder", None, "error"),
        ("DG-Y72-CHARSET", "BadOrder", None, "error"),
        ("DG-Y72-PRIMARY-KEY", "BadOrder", None, "error"),
        ("DG-Y72-CHARSET", "legacy_member", None, "info"),
    }


def test_table_and_schema_filters_on_a_file(dumps: dict[str, Path]) -> None:
    assert run(dumps["mysql"], "--table", "good_order").exit_code == 0
    assert run(dumps["mysql"], "--table", "legacy_*").exit_code == 0  # an info note only
    assert run(dumps["postgresql"], "--table", "public.good_*").exit_code == 0
    assert run(dumps["postgresql"], "--schema", "public", "--table", "good_order").exit_code == 0
    missing = run(dumps["mysql"], "--schema", "sales")
    assert missing.exit_code == 2
    assert "no tables matching --schema/--table in" in missing.stderr


def test_the_report_never_overwrites_the_file_being_linted(dumps: dict[str, Path]) -> None:
    result = run(dumps["mysql"], "-o", dumps["mysql"])
    assert result.exit_code == 2
    assert "is the file being linted" in result.stderr
    assert dumps["mysql"].read_text("utf-8") == MYSQL_DUMP


def test_a_malformed_file_exits_2_without_traceback(tmp_path: Path) -> None:
    pytest.importorskip("dataguard.sources.dump")
    broken = tmp_path / "broken.sql"
    broken.write_text("CREATE TABLE t (a varchar(10) COMMENT 'never closed);\n", "utf-8")
    result = run(broken)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output
