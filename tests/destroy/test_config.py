"""destroy.toml: parsing, paths relative to the file, every refusal, retention arithmetic.

Also the enterprise-registration exemption (dataguard.destroy.exemptions), which decides
which configured tables a plan must never destroy. Real files under tmp_path.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dataguard.destroy.config import (
    DestroyConfig,
    FilesTarget,
    Hold,
    KeysTarget,
    RowsTarget,
    load_config,
    older_than_cutoff,
)
from dataguard.destroy.exemptions import ENTERPRISE_RULE, enterprise_registration_evidence
from dataguard.errors import UsageError

KEY = bytes(range(32))
HEAD = 'name = "orders-retention"\nreason = "authorisation lapsed"\n'
DB = '[database]\nurl = "sqlite:////srv/shop.db"\n'
ROWS = '[[rows]]\ntable = "orders"\nwhere = "consent_expired = 1"\n'

FULL = """\
name = "orders-retention-2026-11"
reason = "authorisation lapsed (Ele.me 5.12)"
organisation = "示例商城有限公司"

[database]
url = "sqlite:///data/shop.db"

[subjects]
ids = ["u1001", "u1002", 1003, "u1001"]
file = "subjects.txt"

[[rows]]
table = "orders"
schema = "main"
key = ["id"]
date_column = "created_at"
older_than = "3y"
where = "consent_expired = 1"
subject_column = "user_id"

[[rows]]
table = "addresses"
database = "postgresql+psycopg://dba@db/crm"
key = "address_id"
subject_column = "owner_id"

[[holds]]
name = "litigation-2026-17"
table = "orders"
where = "order_no = 'A-1001'"
subjects = ["u1002"]

[[holds]]
name = "regulator-freeze"
table = "*"
where = "frozen = 1"

[[files]]
paths = ["exports/2023-*.csv", "/var/tmp/dump.sql"]

[[keys]]
keystore = "keys/team-keys.json"
passphrase_env = "TEAM_KEYS_PASS"
"""


def write(folder: Path, text: str, name: str = "destroy.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> DestroyConfig:
    return load_config(write(tmp_path, text))


def refused(tmp_path: Path, text: str, *fragments: str) -> str:
    """The message of the UsageError *text* raises; it must hold every fragment."""
    with pytest.raises(UsageError) as caught:
        load(tmp_path, text)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


# -- a valid file --------------------------------------------------------------------------


def test_a_full_config_parses_to_its_fields(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    write(folder, "u2001\n\n  u2002  \nu1001\n", "subjects.txt")
    config = load_config(write(folder, FULL))
    assert config.path == (folder / "destroy.toml").resolve()
    assert config.name == "orders-retention-2026-11"
    assert config.reason == "authorisation lapsed (Ele.me 5.12)"
    assert config.organisation == "示例商城有限公司"
    # Inline ids first, then the file's; numbers become text; repeats are dropped.
    assert config.subjects == ("u1001", "u1002", "1003", "u2001", "u2002")
    shop = "sqlite:///" + str((folder / "data" / "shop.db").resolve())
    assert config.rows == (
        RowsTarget(
            table="orders",
            database=shop,
            schema="main",
            key=("id",),
            date_column="created_at",
            older_than="3y",
            where="consent_expired = 1",
            subject_column="user_id",
        ),
        RowsTarget(
            table="addresses",
            database="postgresql+psycopg://dba@db/crm",
            key=("address_id",),
            subject_column="owner_id",
        ),
    )
    assert [t.target_id for t in config.rows] == ["rows:main.orders", "rows:addresses"]
    assert config.holds == (
        Hold("litigation-2026-17", "orders", "order_no = 'A-1001'", ("u1002",)),
        Hold("regulator-freeze", "*", "frozen = 1"),
    )
    assert config.files == (FilesTarget(("exports/2023-*.csv", "/var/tmp/dump.sql")),)
    assert config.keys == (
        KeysTarget((folder / "keys" / "team-keys.json").resolve(), "TEAM_KEYS_PASS"),
    )


def test_holds_apply_to_their_table_or_every_table() -> None:
    orders = RowsTarget("orders", "sqlite:////x.db", where="1 = 1")
    users = RowsTarget("users", "sqlite:////x.db", where="1 = 1")
    assert Hold("h", "orders", "a = 1").applies_to(orders)
    assert not Hold("h", "orders", "a = 1").applies_to(users)
    assert Hold("h", "*", "a = 1").applies_to(users)


def test_a_minimal_config_with_files_only(tmp_path: Path) -> None:
    config = load(tmp_path, HEAD + '[[files]]\npaths = ["old/*.csv"]\n')
    assert config.rows == config.holds == config.keys == ()
    assert config.subjects == ()
    assert config.organisation is None
    assert config.files == (FilesTarget(("old/*.csv",)),)


def test_values_are_trimmed(tmp_path: Path) -> None:
    config = load(tmp_path, 'name = "  n  "\nreason = " r "\n[[files]]\npaths = [" a.csv "]\n')
    assert (config.name, config.reason, config.files[0].patterns) == ("n", "r", ("a.csv",))


def test_a_relative_sqlite_url_is_relative_to_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "conf"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = load_config(write(folder, HEAD + '[database]\nurl = "sqlite:///../db/a.db"\n' + ROWS))
    assert config.rows[0].database == "sqlite:///" + str((tmp_path / "db" / "a.db").resolve())


def test_an_absolute_sqlite_url_and_other_urls_are_kept(tmp_path: Path) -> None:
    config = load(tmp_path, HEAD + DB + ROWS)
    assert config.rows[0].database == "sqlite:////srv/shop.db"
    other = HEAD + '[database]\nurl = "mysql+pymysql://u@h/shop"\n' + ROWS
    assert load(tmp_path, other).rows[0].database == "mysql+pymysql://u@h/shop"


def test_a_relative_config_path_is_resolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "conf", HEAD + '[[keys]]\nkeystore = "k.json"\n[subjects]\nids = ["u1"]\n')
    monkeypatch.chdir(tmp_path)
    config = load_config("conf/destroy.toml")
    assert config.path == (tmp_path / "conf" / "destroy.toml").resolve()
    assert config.keys[0].keystore == (tmp_path / "conf" / "k.json").resolve()


def test_url_env_reads_the_url_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOP_DB_URL", "postgresql+psycopg://dba@db/shop")
    config = load(tmp_path, HEAD + '[database]\nurl_env = "SHOP_DB_URL"\n' + ROWS)
    assert config.rows[0].database == "postgresql+psycopg://dba@db/shop"
    monkeypatch.setenv("SHOP_DB_URL", "sqlite:///rel.db")
    config = load(tmp_path, HEAD + '[database]\nurl_env = "SHOP_DB_URL"\n' + ROWS)
    assert config.rows[0].database == "sqlite:///" + str((tmp_path / "rel.db").resolve())


def test_url_env_unset_or_empty_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOP_DB_URL", raising=False)
    text = HEAD + '[database]\nurl_env = "SHOP_DB_URL"\n' + ROWS
    refused(tmp_path, text, "[database]", "$SHOP_DB_URL", "not set")
    monkeypatch.setenv("SHOP_DB_URL", "")
    refused(tmp_path, text, "[database]", "not set")


def test_url_and_url_env_together_are_refused(tmp_path: Path) -> None:
    text = HEAD + '[database]\nurl = "sqlite:///a.db"\nurl_env = "X"\n' + ROWS
    refused(tmp_path, text, "[database]", "url or url_env, not both")


def test_a_target_database_overrides_the_default(tmp_path: Path) -> None:
    text = HEAD + DB + ROWS + '[[rows]]\ntable = "b"\ndatabase = "sqlite:///b.db"\nwhere = "x"\n'
    config = load(tmp_path, text)
    assert config.rows[0].database == "sqlite:////srv/shop.db"
    assert config.rows[1].database == "sqlite:///" + str((tmp_path / "b.db").resolve())


def test_subject_ids_from_a_file_only(tmp_path: Path) -> None:
    write(tmp_path, "u1\r\nu2\r\n", "ids.txt")
    text = HEAD + DB + '[subjects]\nfile = "ids.txt"\n[[rows]]\ntable = "t"\nsubject_column = "u"\n'
    assert load(tmp_path, text).subjects == ("u1", "u2")


# -- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (HEAD + DB + ROWS + "colour = 1\n", ["unknown key(s) colour"]),
        (HEAD + '[database]\nurl = "sqlite:///a"\nhost = "x"\n' + ROWS, ["[database]", "host"]),
        (HEAD + DB + ROWS + "limit = 5\n", ["[rows #1]", "unknown key(s) limit"]),
        (
            HEAD + DB + ROWS + '[[holds]]\nname = "h"\ntable = "orders"\nwhere = "a"\nwho = 1\n',
            ["[holds #1]", "who"],
        ),
        (HEAD + '[[files]]\npaths = ["a"]\nglob = "b"\n', ["[files #1]", "glob"]),
        (HEAD + '[[keys]]\nkeystore = "k"\npass = "x"\n', ["[keys #1]", "pass"]),
        (HEAD + DB + ROWS + '[subjects]\nids = ["u"]\nlist = 1\n', ["[subjects]", "list"]),
    ],
)
def test_unknown_keys_are_refused_naming_the_section(
    tmp_path: Path, text: str, fragments: list[str]
) -> None:
    refused(tmp_path, text, *fragments)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('reason = "r"\n' + DB + ROWS, "`name` is required"),
        ('name = "n"\n' + DB + ROWS, "`reason` is required"),
        ('name = ""\nreason = "r"\n' + DB + ROWS, "`name` must be a non-empty string"),
        ('name = "n"\nreason = 5\n' + DB + ROWS, "`reason` must be a non-empty string"),
    ],
)
def test_name_and_reason_are_required(tmp_path: Path, text: str, fragment: str) -> None:
    refused(tmp_path, text, fragment)


@pytest.mark.parametrize(
    "rows",
    [
        '[[rows]]\ntable = "orders"\ndate_column = "created_at"\n',
        '[[rows]]\ntable = "orders"\nolder_than = "3y"\n',
    ],
)
def test_date_column_and_older_than_go_together(tmp_path: Path, rows: str) -> None:
    refused(tmp_path, HEAD + DB + rows, "[rows #1]", "date_column and older_than go together")


def test_a_target_must_say_which_rows_go(tmp_path: Path) -> None:
    refused(
        tmp_path,
        HEAD + DB + '[[rows]]\ntable = "orders"\nkey = ["id"]\n',
        "[rows #1]",
        "say which rows go",
        "whole table is never destroyed",
    )


def test_an_invalid_older_than_is_refused_at_load(tmp_path: Path) -> None:
    rows = '[[rows]]\ntable = "o"\ndate_column = "d"\nolder_than = "3 years"\n'
    refused(tmp_path, HEAD + DB + rows, "older_than '3 years'")


def test_a_table_in_two_targets_is_refused(tmp_path: Path) -> None:
    refused(tmp_path, HEAD + DB + ROWS + ROWS, "a table appears in two [[rows]] targets")


def test_the_same_table_in_two_schemas_is_allowed(tmp_path: Path) -> None:
    text = HEAD + DB + ROWS + '[[rows]]\ntable = "orders"\nschema = "archive"\nwhere = "1 = 1"\n'
    assert [t.target_id for t in load(tmp_path, text).rows] == [
        "rows:orders",
        "rows:archive.orders",
    ]


def test_a_hold_on_a_table_no_target_destroys_is_refused(tmp_path: Path) -> None:
    hold = '[[holds]]\nname = "lit-1"\ntable = "order"\nwhere = "a = 1"\n'
    refused(tmp_path, HEAD + DB + ROWS + hold, "hold 'lit-1'", "table 'order'", "no [[rows]]")


def test_a_hold_of_subjects_needs_a_subject_column(tmp_path: Path) -> None:
    hold = '[[holds]]\nname = "lit-1"\ntable = "orders"\nsubjects = ["u1"]\n'
    refused(tmp_path, HEAD + DB + ROWS + hold, "hold 'lit-1'", "no subject_column")
    star = '[[holds]]\nname = "lit-2"\ntable = "*"\nsubjects = ["u1"]\n'
    refused(tmp_path, HEAD + DB + ROWS + star, "hold 'lit-2'", "no subject_column")


@pytest.mark.parametrize(
    ("hold", "fragment"),
    [
        ('[[holds]]\ntable = "orders"\nwhere = "a"\n', "`name` is required"),
        ('[[holds]]\nname = "h"\nwhere = "a"\n', "`table` is required"),
        ('[[holds]]\nname = "h"\ntable = "orders"\n', "needs where and/or subjects"),
        ('[[holds]]\nname = "h"\ntable = "orders"\nsubjects = "u1"\n', "list of strings"),
    ],
)
def test_malformed_holds_are_refused(tmp_path: Path, hold: str, fragment: str) -> None:
    refused(tmp_path, HEAD + DB + ROWS + hold, "[holds #1]", fragment)


def test_keys_need_subjects(tmp_path: Path) -> None:
    refused(tmp_path, HEAD + '[[keys]]\nkeystore = "k.json"\n', "keys select by subject")


def test_keys_need_a_keystore(tmp_path: Path) -> None:
    text = HEAD + '[subjects]\nids = ["u"]\n[[keys]]\npassphrase_env = "P"\n'
    refused(tmp_path, text, "[keys #1]", "`keystore` is required")


def test_a_subject_column_needs_subjects(tmp_path: Path) -> None:
    text = HEAD + DB + '[[rows]]\ntable = "orders"\nsubject_column = "user_id"\n'
    refused(tmp_path, text, "rows:orders select by subject", "[subjects] lists none")
    empty = text + "[subjects]\nids = []\n"
    refused(tmp_path, empty, "[subjects] lists none")


def test_a_missing_subjects_file_is_refused(tmp_path: Path) -> None:
    text = HEAD + DB + ROWS + '[subjects]\nfile = "nope.txt"\n'
    refused(tmp_path, text, "[subjects]", "cannot read the subjects file", "nope.txt")


def test_a_non_utf8_subjects_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ids.txt").write_bytes("张三\n".encode("gbk"))
    text = HEAD + DB + ROWS + '[subjects]\nfile = "ids.txt"\n'
    refused(tmp_path, text, "[subjects]", "is not UTF-8")


@pytest.mark.parametrize(
    ("subjects", "fragment"),
    [
        ('[subjects]\nids = "u1"\n', "list of strings"),
        ('[subjects]\nids = ["u1", ""]\n', "non-empty strings"),
        ("[subjects]\nids = [true]\n", "non-empty strings"),
        ('subjects = ["u1"]\n', "[subjects] is a table"),
    ],
)
def test_malformed_subjects_are_refused(tmp_path: Path, subjects: str, fragment: str) -> None:
    refused(tmp_path, HEAD + subjects + DB + ROWS, fragment)


def test_a_non_utf8_config_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "destroy.toml"
    path.write_bytes((HEAD + '[[files]]\npaths = ["导出.csv"]\n').encode("gbk"))
    with pytest.raises(UsageError, match="is not UTF-8"):
        load_config(path)


@pytest.mark.parametrize("text", ['name = "n\nreason = "r"\n', "[[rows]\n", "a = = 1\n"])
def test_invalid_toml_is_refused(tmp_path: Path, text: str) -> None:
    refused(tmp_path, text, "is not valid TOML")


def test_a_missing_config_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read the destruction config"):
        load_config(tmp_path / "none.toml")


def test_nothing_to_destroy_is_refused(tmp_path: Path) -> None:
    refused(tmp_path, HEAD, "nothing to destroy")
    refused(tmp_path, HEAD + DB + '[subjects]\nids = ["u1"]\n', "nothing to destroy")


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        ('table = "orders; drop table users"', "`table`"),
        ('table = "1orders"', "`table`"),
        ('table = "订单"', "`table`"),
        ('table = "orders"\nschema = "a.b"', "`schema`"),
        ('table = "orders"\ndate_column = "created at"\nolder_than = "1y"', "`date_column`"),
        ('table = "orders"\nsubject_column = "user-id"', "`subject_column`"),
    ],
)
def test_names_must_be_plain_identifiers(tmp_path: Path, rows: str, fragment: str) -> None:
    text = HEAD + DB + '[subjects]\nids = ["u"]\n[[rows]]\nwhere = "1 = 1"\n' + rows + "\n"
    refused(tmp_path, text, "[rows #1]", fragment, "not a plain SQL identifier")


def test_key_columns_must_be_plain_identifiers(tmp_path: Path) -> None:
    text = HEAD + DB + '[[rows]]\ntable = "orders"\nkey = ["id", "x)"]\nwhere = "1 = 1"\n'
    refused(tmp_path, text, "[rows #1]", "key column 'x)'")


def test_a_target_needs_a_table_and_a_database(tmp_path: Path) -> None:
    refused(tmp_path, HEAD + DB + '[[rows]]\nwhere = "1 = 1"\n', "[rows #1]", "`table` is required")
    refused(tmp_path, HEAD + ROWS, "[rows #1]", "no database")


def test_files_need_at_least_one_path(tmp_path: Path) -> None:
    refused(tmp_path, HEAD + "[[files]]\npaths = []\n", "[files #1]", "at least one path")
    refused(tmp_path, HEAD + "[[files]]\n", "[files #1]", "at least one path")


@pytest.mark.parametrize("section", ["rows", "holds", "files", "keys"])
def test_array_sections_must_be_arrays_of_tables(tmp_path: Path, section: str) -> None:
    refused(tmp_path, HEAD + f"{section} = 1\n", f"`{section}` is a list of tables")


def test_the_second_target_is_named_in_its_error(tmp_path: Path) -> None:
    text = HEAD + DB + ROWS + '[[rows]]\ntable = "b"\nolder_than = "1y"\n'
    refused(tmp_path, text, "[rows #2]")


def test_errors_name_the_file(tmp_path: Path) -> None:
    message = refused(tmp_path, HEAD + DB + ROWS + "extra = 1\n")
    assert str((tmp_path / "destroy.toml").resolve()) in message


# -- the configuration's MAC and its repr ----------------------------------------------------


def config_with_subjects_file(tmp_path: Path) -> Path:
    write(tmp_path, "u1\nu2\n", "ids.txt")
    return write(
        tmp_path,
        HEAD + DB + '[subjects]\nfile = "ids.txt"\n[[rows]]\ntable = "t"\nsubject_column = "u"\n',
    )


def test_the_mac_is_an_hmac_of_the_file_and_the_subjects_file(tmp_path: Path) -> None:
    path = config_with_subjects_file(tmp_path)
    config = load_config(path)
    covered = path.read_bytes() + b"\x00" + (tmp_path / "ids.txt").read_bytes()
    expected = hmac.new(KEY, b"config\x00" + covered, hashlib.sha256).hexdigest()
    assert config.mac(KEY) == expected
    assert config.matches(KEY, expected)
    assert not config.matches(bytes(32), expected)
    assert config.mac(KEY, "sm3") != expected
    assert len(config.mac(KEY, "sm3")) == 64


def test_the_mac_changes_when_the_file_changes(tmp_path: Path) -> None:
    path = config_with_subjects_file(tmp_path)
    before = load_config(path).mac(KEY)
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after = load_config(path)
    assert after.mac(KEY) != before
    assert not after.matches(KEY, before)


def test_the_mac_changes_when_the_subjects_file_changes(tmp_path: Path) -> None:
    path = config_with_subjects_file(tmp_path)
    before = load_config(path)
    (tmp_path / "ids.txt").write_text("u1\nu3\n", encoding="utf-8")
    after = load_config(path)
    assert after.mac(KEY) != before.mac(KEY)
    assert not after.matches(KEY, before.mac(KEY))
    assert load_config(path).mac(KEY) == after.mac(KEY)  # and is stable otherwise


def test_repr_never_shows_subject_ids(tmp_path: Path) -> None:
    write(tmp_path, "subject-from-file-7781\n", "ids.txt")
    text = (
        HEAD
        + DB
        + '[subjects]\nids = ["subject-inline-5512"]\nfile = "ids.txt"\n'
        + '[[rows]]\ntable = "t"\nsubject_column = "u"\n'
    )
    config = load(tmp_path, text)
    assert len(config.subjects) == 2
    for shown in (repr(config), str(config), f"{config}"):
        assert "subject-inline-5512" not in shown
        assert "subject-from-file-7781" not in shown
        assert "subjects=2" in shown
        assert "rows=1" in shown


# -- older_than ------------------------------------------------------------------------------

NOW = datetime(2024, 2, 29, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("age", "now", "expected"),
    [
        ("3y", NOW, datetime(2021, 2, 28, 12, 30, tzinfo=UTC)),
        ("4y", NOW, datetime(2020, 2, 29, 12, 30, tzinfo=UTC)),
        ("18m", NOW, datetime(2022, 8, 29, 12, 30, tzinfo=UTC)),
        ("1m", NOW, datetime(2024, 1, 29, 12, 30, tzinfo=UTC)),
        ("2m", NOW, datetime(2023, 12, 29, 12, 30, tzinfo=UTC)),
        ("12m", NOW, datetime(2023, 2, 28, 12, 30, tzinfo=UTC)),
        ("90d", NOW, datetime(2023, 12, 1, 12, 30, tzinfo=UTC)),
        ("0d", NOW, NOW),
        (" 3 y ", NOW, datetime(2021, 2, 28, 12, 30, tzinfo=UTC)),
        ("1m", datetime(2024, 3, 31, tzinfo=UTC), datetime(2024, 2, 29, tzinfo=UTC)),
        ("1m", datetime(2024, 5, 31, tzinfo=UTC), datetime(2024, 4, 30, tzinfo=UTC)),
        ("13m", datetime(2024, 1, 31, tzinfo=UTC), datetime(2022, 12, 31, tzinfo=UTC)),
        ("18m", datetime(2024, 8, 31, tzinfo=UTC), datetime(2023, 2, 28, tzinfo=UTC)),
    ],
)
def test_older_than_is_calendar_arithmetic(age: str, now: datetime, expected: datetime) -> None:
    assert older_than_cutoff(age, now) == expected


@pytest.mark.parametrize("age", ["", "3", "y", "3 years", "3w", "-1y", "1.5y", "12345d", "3Y"])
def test_older_than_refuses_other_text(age: str) -> None:
    with pytest.raises(UsageError, match="write a number and y, m or d"):
        older_than_cutoff(age, NOW)


def test_older_than_before_the_year_one_is_refused() -> None:
    with pytest.raises(UsageError, match="before the year 1"):
        older_than_cutoff("9999y", NOW)


# -- exemptions: enterprise registration information -----------------------------------------


def test_the_rule_cites_the_mandate() -> None:
    assert "Ele.me 5.12" in ENTERPRISE_RULE


@pytest.mark.parametrize(
    ("table", "columns", "evidence"),
    [
        ("merchants", ["id", "uscc"], "column 'uscc'"),
        ("merchants", ["id", "USCC"], "column 'USCC'"),
        ("shops", ["unified_social_credit_code"], "column 'unified_social_credit_code'"),
        ("shops", ["credit_code"], "column 'credit_code'"),
        ("shops", ["business_license_no"], "column 'business_license_no'"),
        ("shops", ["business_licence"], "column 'business_licence'"),
        ("shops", ["biz_license"], "column 'biz_license'"),
        ("shops", ["company_reg_no"], "column 'company_reg_no'"),
        ("shops", ["enterprise_registration_number"], "column 'enterprise_registration_number'"),
        ("shops", ["营业执照"], "column '营业执照'"),
        ("shops", ["统一社会信用代码"], "column '统一社会信用代码'"),
        ("shops", ["工商注册号"], "column '工商注册号'"),
        ("company_registration", [], "table name 'company_registration'"),
        ("CompanyRegistration", [], "table name 'CompanyRegistration'"),
        ("merchant_license", ["id"], "table name 'merchant_license'"),
        ("business_reg", ["id"], "table name 'business_reg'"),
        ("license_enterprise", ["id"], "table name 'license_enterprise'"),
        ("企业注册信息", ["id"], "table name '企业注册信息'"),
        ("营业执照", ["id"], "table name '营业执照'"),
        ("t_工商登记", ["id"], "table name 't_工商登记'"),
    ],
)
def test_enterprise_registration_is_recognised(
    table: str, columns: list[str], evidence: str
) -> None:
    assert enterprise_registration_evidence(table, columns) == evidence


@pytest.mark.parametrize(
    ("table", "columns"),
    [
        ("orders", ["id", "buyer_credit_score"]),
        ("orders", ["id", "credit_card"]),
        ("users", ["id", "phone", "id_card", "license_plate"]),
        ("drivers", ["driver_license_no"]),
        ("payments", ["credit_code_hint"]),
        ("companies", ["name", "address"]),
        ("registrations", ["email"]),
        ("merchants", []),
    ],
)
def test_other_tables_are_not_exempt(table: str, columns: list[str]) -> None:
    assert enterprise_registration_evidence(table, columns) is None


def test_the_table_name_is_evidence_before_any_column() -> None:
    evidence = enterprise_registration_evidence("company_registration", ["uscc"])
    assert evidence == "table name 'company_registration'"


def test_columns_may_be_any_iterable() -> None:
    columns = (c for c in ["id", "uscc"])
    assert enterprise_registration_evidence("merchants", columns) == "column 'uscc'"


# Regressions: a registration column with a prefix (`merchant_uscc`) and plural or
# `corporate` table names must be recognised (else their rows would be planned for
# destruction); `merchant_region` holds no registration information.
@pytest.mark.parametrize(
    ("table", "columns"),
    [
        ("merchants", ["id", "merchant_uscc"]),
        ("companies_registration", ["id"]),
        ("corporate_registration", ["id"]),
    ],
)
def test_fixed_gap_prefixed_and_plural_names_are_recognised(table: str, columns: list[str]) -> None:
    assert enterprise_registration_evidence(table, columns) is not None


def test_fixed_gap_a_region_table_is_not_registration_information() -> None:
    assert enterprise_registration_evidence("merchant_regions", ["id", "name"]) is None
