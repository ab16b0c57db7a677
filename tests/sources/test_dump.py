"""The SQL dump reader (dataguard.sources.dump).

1. Real dumps: tables with Chinese comments and rows of awkward strings are created on the
   real PostgreSQL and MariaDB servers (the ``empty_database`` fixture; they skip when the
   servers are not reachable), dumped with the real ``mariadb-dump`` and ``pg_dump`` in their
   usual forms, and read back: the rows must be exactly the values that were inserted.
2. Hand-written vectors: one small dump per edge case, with the rows and schema it must give.
3. Streaming: a ~35 MB dump with one giant INSERT (and one with a giant COPY block) is read with
   a peak of traced memory far below the file size.
4. Malformed input: a UsageError naming the file and line, never the data.
5. Properties (hypothesis): any text, escaped by MySQL's or PostgreSQL's rules, round-trips.

Personal data in the rows comes from dataguard.testing.generators: synthetic, no real people.
"""

from __future__ import annotations

import gzip
import os
import random
import re
import shutil
import subprocess
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dataguard.errors import UsageError
from dataguard.sources import dump as dump_module
from dataguard.sources.catalog import ColumnInfo, TableInfo
from dataguard.sources.dump import DumpRows, read_ddl, read_dump
from dataguard.sources.dump import stream as dump_stream
from dataguard.testing import generators as g

Row = tuple[str | None, ...]


# -- helpers --------------------------------------------------------------------------------


@dataclass
class Dump:
    """Everything read_dump gave for one file: the last TableInfo per table, rows per table."""

    tables: dict[str, TableInfo] = field(default_factory=dict)
    rows: dict[str, list[Row]] = field(default_factory=dict)
    columns: dict[str, tuple[str, ...] | None] = field(default_factory=dict)
    batches: list[DumpRows] = field(default_factory=list)


def read_all(path: Path, **options: object) -> Dump:
    dump = Dump()
    for item in read_dump(path, **options):  # type: ignore[arg-type]
        if isinstance(item, TableInfo):
            dump.tables[item.qualified_name] = item
        else:
            dump.batches.append(item)
            dump.rows.setdefault(item.table, []).extend(item.rows)
            dump.columns[item.table] = item.columns
    return dump


@contextmanager
def chunks_of(size: int | None) -> Iterator[None]:
    """Read in chunks of *size* bytes (None: the default), so that chunk boundaries fall
    inside escapes, doubled quotes, delimiters, CRLF pairs and COPY end markers."""
    if size is None:
        yield
        return
    with (
        mock.patch.object(dump_stream, "_CHUNK", size),
        mock.patch.object(dump_module, "_WINDOW", 64),
    ):
        yield


def write(tmp_path: Path, text: str, name: str = "dump.sql", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def records(dump: Dump, table: str) -> list[dict[str, str | None]]:
    """The rows of *table* as dicts by column name (declaration order when not named)."""
    names = dump.columns.get(table) or tuple(c.name for c in dump.tables[table].columns)
    return [dict(zip(names, row, strict=True)) for row in dump.rows.get(table, [])]


# ref. MySQL 8.0 Reference Manual, 11.1.1 String Literals, Table 11.1: what mysqldump
# (mysql_real_escape_string) escapes.
MYSQL_QUOTE = {
    "\\": "\\\\",
    "'": "\\'",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\0": "\\0",
    "\x1a": "\\Z",
}


_MYSQL_TABLE = str.maketrans(MYSQL_QUOTE)


def mysql_literal(text: str) -> str:
    return "'" + text.translate(_MYSQL_TABLE) + "'"


# ref. PostgreSQL 16 documentation, COPY, "Text Format": what COPY TO escapes.
COPY_QUOTE = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


_COPY_TABLE = str.maketrans(COPY_QUOTE)


def copy_field(text: str | None) -> str:
    return "\\N" if text is None else text.translate(_COPY_TABLE)


# Strings that break naive dump parsers: quotes, backslashes, statement and tuple ends,
# comment and dollar-quote starts, COPY markers, control characters, Chinese and emoji.
NASTY = [
    "it's",
    'say "hi"',
    "back\\slash",
    "trailing backslash\\",
    "\\\\double\\\\",
    "line1\nline2",
    "cr\rlf\r\n",
    "tab\there\t",
    "');DROP TABLE x;--",
    "),(",
    "a;b;",
    "\\N",
    "\\.",
    "\\.\nnext",
    "中文，标点。“引号”",
    "emoji 😀 ok",
    "",
    " ",
    "-- not a comment",
    "/* not a comment */",
    "$$ not dollar $$",
    "# hash",
    "ctrl-z \x1a",
    "bell \x07 bs \b ff \f vt \v",
    "100% _like_",
    "\\%\\_",
    "NULL",
    "null",
    "E'x'",
    "0x41",
]


def personal_rows(seed: int, n: int) -> list[dict[str, object]]:
    """*n* synthetic customers, a NASTY note each, some NULLs, amounts and big numbers."""
    rng = random.Random(seed)
    bigs = [2**63 - 1, -(2**63), 0, 12345678901234567, -1]
    blobs = [
        b"\x00\xff'\\\n\r\x1a\"",
        "张三 13812345678".encode(),
        b"",
        bytes(range(256)),
        b"\xe5\xbc",  # a truncated UTF-8 character
    ]
    rows = []
    for i in range(n):
        rows.append(
            {
                "id": i + 1,
                "name": g.chinese_name(rng),
                "mobile": g.mobile(rng) if i % 9 else None,
                "id_card": g.id_card(rng),
                "email": g.email(rng),
                "address": g.address(rng),
                "note": NASTY[i % len(NASTY)],
                "amount": Decimal(rng.randint(-(10**9), 10**9)) / 100 if i % 7 else None,
                "big": bigs[i % len(bigs)],
                "photo": blobs[i % len(blobs)] if i % 6 else None,
            }
        )
    return rows


TEXT_COLUMNS = ("name", "mobile", "id_card", "email", "address", "note")


def expected_text(row: dict[str, object], photo: str) -> dict[str, str | None]:
    """What the dump must give back for *row*; *photo* says how binary is rendered."""
    out: dict[str, str | None] = {"id": str(row["id"])}
    for name in TEXT_COLUMNS:
        value = row[name]
        out[name] = None if value is None else str(value)
    amount = row["amount"]
    out["amount"] = None if amount is None else f"{amount:.2f}"
    out["big"] = str(row["big"])
    data = row["photo"]
    if data is None:
        out["photo"] = None
    else:
        assert isinstance(data, bytes)
        if photo == "hex":  # mysqldump --hex-blob, read as UTF-8 when it is UTF-8
            try:
                out["photo"] = data.decode("utf-8")
            except UnicodeDecodeError:
                out["photo"] = "0x" + data.hex().upper()
        elif photo == "raw":  # raw bytes in a MySQL string: invalid UTF-8 becomes U+FFFD
            out["photo"] = data.decode("utf-8", "replace")
        else:  # PostgreSQL bytea, hex output format
            out["photo"] = "\\x" + data.hex()
    return out


# -- 1. real dumps --------------------------------------------------------------------------

MARIADB_DDL = """
CREATE TABLE customer (
  id BIGINT NOT NULL AUTO_INCREMENT COMMENT '编号',
  name VARCHAR(50) COMMENT '姓名',
  mobile VARCHAR(20) COMMENT '手机号',
  id_card CHAR(18) NOT NULL COMMENT '身份证号',
  email VARCHAR(100) COMMENT '电子邮箱 ''工作''',
  address VARCHAR(200) COMMENT '地址\\\\路径',
  note TEXT,
  amount DECIMAL(12,2) COMMENT '金额',
  big BIGINT,
  photo BLOB,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='客户表'
"""
MARIADB_EXTRA = [
    "CREATE TABLE `订单` (`订单号` INT NOT NULL, `行` INT NOT NULL, `收货人` VARCHAR(20), "
    "PRIMARY KEY (`订单号`, `行`)) COMMENT='订单表'",
    "INSERT INTO `订单` VALUES (1, 1, '王五'), (1, 2, NULL)",
    "CREATE VIEW v_customer AS SELECT id, name FROM customer",
    "CREATE TRIGGER trg BEFORE INSERT ON `订单` FOR EACH ROW SET NEW.`收货人` = "
    "CONCAT(NEW.`收货人`, ';')",
    "CREATE PROCEDURE p() BEGIN INSERT INTO `订单` VALUES (9, 9, 'x'); SELECT 1; END",
]
COLUMN_COMMENTS = {
    "id": "编号",
    "name": "姓名",
    "mobile": "手机号",
    "id_card": "身份证号",
    "email": "电子邮箱 '工作'",
    "address": "地址\\路径",
    "note": None,
    "amount": "金额",
    "big": None,
    "photo": None,
}

PG_DDL = [
    """CREATE TABLE customer (
      id BIGINT NOT NULL,
      name VARCHAR(50),
      mobile VARCHAR(20),
      id_card CHAR(18) NOT NULL,
      email VARCHAR(100),
      address VARCHAR(200),
      note TEXT,
      amount NUMERIC(12,2),
      big BIGINT,
      photo BYTEA
    )""",
    "ALTER TABLE customer ADD CONSTRAINT customer_pkey PRIMARY KEY (id)",
    "COMMENT ON TABLE customer IS '客户表'",
    "COMMENT ON COLUMN customer.id IS '编号'",
    "COMMENT ON COLUMN customer.name IS '姓名'",
    "COMMENT ON COLUMN customer.mobile IS '手机号'",
    "COMMENT ON COLUMN customer.id_card IS '身份证号'",
    "COMMENT ON COLUMN customer.email IS '电子邮箱 ''工作'''",
    "COMMENT ON COLUMN customer.address IS E'地址\\\\路径'",
    "COMMENT ON COLUMN customer.amount IS '金额'",
    'CREATE TABLE "订单" ("订单号" INT, "行" INT, "收货人" VARCHAR(20), '
    'PRIMARY KEY ("订单号", "行"))',
    "COMMENT ON TABLE \"订单\" IS '订单表'",
    """INSERT INTO "订单" VALUES (1, 1, '王五'), (1, 2, NULL)""",
    "CREATE SCHEMA app",
    "CREATE TABLE app.account (id INT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
    "login TEXT NOT NULL)",
    "INSERT INTO app.account (login) VALUES ('李四'), ('O''Brien')",
    "CREATE VIEW v_customer AS SELECT id, name FROM customer",
    "CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $body$ BEGIN "
    "RAISE NOTICE 'x;y'; RETURN $$COPY t FROM stdin;$$; END; $body$",
]


def _run(command: list[str], out: Path, password: str | None, variable: str) -> None:
    env = dict(os.environ)
    if password:
        env[variable] = password
    with out.open("wb") as handle:
        result = subprocess.run(command, stdout=handle, stderr=subprocess.PIPE, env=env)
    if result.returncode != 0:
        pytest.fail(f"{command[0]} failed: {result.stderr.decode(errors='replace')}")


@pytest.fixture
def loaded_database(empty_database: str) -> tuple[str, str, list[dict[str, object]]]:
    """(kind, url, inserted rows) of a new database holding the test tables."""
    sa = pytest.importorskip("sqlalchemy")
    url = sa.engine.make_url(empty_database)
    kind = "postgresql" if url.get_backend_name() == "postgresql" else "mariadb"
    rows = personal_rows(seed=7, n=120)
    engine = sa.create_engine(empty_database)
    with engine.begin() as connection:
        if kind == "mariadb":
            connection.execute(sa.text(MARIADB_DDL))
            statements = MARIADB_EXTRA
        else:
            connection.execute(sa.text(PG_DDL[0]))
            statements = PG_DDL[1:]
            rows = [
                {k: v.replace("\0", "") if isinstance(v, str) else v for k, v in r.items()}
                for r in rows
            ]  # PostgreSQL text cannot hold NUL
        names = list(rows[0])
        connection.execute(
            sa.text(
                f"INSERT INTO customer ({', '.join(names)}) "
                f"VALUES ({', '.join(':' + n for n in names)})"
            ),
            rows,
        )
        for statement in statements:
            connection.exec_driver_sql(statement)
    engine.dispose()
    return kind, empty_database, rows


def _dump_command(kind: str, url_text: str, options: list[str]) -> tuple[list[str], str | None]:
    import sqlalchemy as sa

    url = sa.engine.make_url(url_text)
    if kind == "mariadb":
        tool = shutil.which("mariadb-dump") or shutil.which("mysqldump")
        if tool is None:
            pytest.skip("mariadb-dump is not installed")
        command = [tool, "-h", url.host or "127.0.0.1", "-P", str(url.port or 3306)]
        command += ["-u", url.username or "root", *options, str(url.database)]
    else:
        tool = shutil.which("pg_dump")
        if tool is None:
            pytest.skip("pg_dump is not installed")
        command = [tool, "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432)]
        command += ["-U", url.username or "postgres", *options, str(url.database)]
    return command, url.password


DUMP_VARIANTS = {
    "mariadb": {
        "default": (["--routines", "--triggers"], "raw"),
        "hex-blob": (["--hex-blob", "--net-buffer-length=4096"], "hex"),
        "single-row": (["--skip-extended-insert", "--complete-insert", "--hex-blob"], "hex"),
    },
    "postgresql": {
        "copy": ([], "bytea"),
        "inserts": (["--inserts", "--rows-per-insert=7"], "bytea"),
        "column-inserts": (["--column-inserts"], "bytea"),
    },
}


@pytest.mark.parametrize("empty_database", ["postgresql", "mariadb"], indirect=True)
def test_real_dumps_give_back_exactly_the_inserted_rows(
    loaded_database: tuple[str, str, list[dict[str, object]]], tmp_path: Path
) -> None:
    kind, url, inserted = loaded_database
    schema = "public." if kind == "postgresql" else ""
    for variant, (options, photo) in DUMP_VARIANTS[kind].items():
        command, password = _dump_command(kind, url, options)
        path = tmp_path / f"{variant}.sql"
        _run(command, path, password, "PGPASSWORD" if kind == "postgresql" else "MYSQL_PWD")
        dump = read_all(path, batch_rows=50)

        customer = f"{schema}customer"
        got = sorted(records(dump, customer), key=lambda r: int(r["id"] or 0))
        assert got == [expected_text(row, photo) for row in inserted], variant
        assert all(len(b.rows) <= 50 for b in dump.batches)

        table = dump.tables[customer]
        assert table.comment == "客户表"
        assert table.primary_key == ("id",)
        assert {c.name: c.comment for c in table.columns} == COLUMN_COMMENTS
        assert not table.columns[3].nullable  # id_card NOT NULL
        types = {c.name: c.type for c in table.columns}
        assert types["amount"] in ("DECIMAL(12,2)", "NUMERIC(12,2)")
        assert types["big"] in ("BIGINT", "BIGINT(20)")

        orders = dump.tables[f"{schema}订单"]
        assert orders.primary_key == ("订单号", "行")
        assert orders.comment == "订单表"
        # The procedure's INSERT (mariadb) is code, not data.
        assert records(dump, f"{schema}订单") == [
            {"订单号": "1", "行": "1", "收货人": "王五"},
            {"订单号": "1", "行": "2", "收货人": None},
        ]
        if kind == "postgresql":
            account = dump.tables["app.account"]
            assert account.primary_key == ("id",)
            assert [r["login"] for r in records(dump, "app.account")] == ["李四", "O'Brien"]
        else:
            assert table.engine == "InnoDB"
            assert table.charset == "utf8mb4"
        assert set(dump.rows) <= {customer, f"{schema}订单", "app.account"}

        # read_ddl gives the same final definitions without the rows.
        ddl = {t.qualified_name: t for t in read_ddl(path)}
        assert ddl[customer] == table
        # Chunk boundaries at every kind of place change nothing.
        with chunks_of(97):
            assert read_all(path, batch_rows=50).rows == dump.rows


# -- 2. hand-written vectors ----------------------------------------------------------------


@dataclass(frozen=True)
class Vector:
    name: str
    sql: str
    rows: dict[str, list[Row]]
    dialect: str = "auto"
    columns: dict[str, tuple[str, ...] | None] = field(default_factory=dict)
    tables: dict[str, list[ColumnInfo]] = field(default_factory=dict)
    comments: dict[str, str | None] = field(default_factory=dict)


MYSQL_HEADER = "/*!40101 SET NAMES utf8mb4 */;\n"

VECTORS = [
    Vector(
        "mysql backslash escapes (MySQL Table 11.1)",
        MYSQL_HEADER + r"INSERT INTO `t` VALUES ('\0\'\"\b\n\r\t\Z\\\%\_\x\q');",
        {"t": [("\0'\"\b\n\r\t\x1a\\\\%\\_xq",)]},
    ),
    Vector(
        "mysql doubled quotes",
        MYSQL_HEADER + 'INSERT INTO `t` VALUES (\'it\'\'s\', "say ""hi""", \'a"b\');',
        {"t": [("it's", 'say "hi"', 'a"b')]},
    ),
    Vector(
        "mysql tuple and statement ends inside strings",
        MYSQL_HEADER
        + "INSERT INTO `t` VALUES ('a);b','),(','x;\ny'),\n('中文；','-- no','/* no */');",
        {"t": [("a);b", "),(", "x;\ny"), ("中文；", "-- no", "/* no */")]},
    ),
    Vector(
        "mysql numbers, NULL, booleans",
        MYSQL_HEADER
        + "INSERT INTO `t` VALUES (-1.50,1e300,-2.5E-3,.5,+7,NULL,null,TRUE,"
        + "18446744073709551615,DEFAULT);",
        {
            "t": [
                (
                    "-1.50",
                    "1e300",
                    "-2.5E-3",
                    ".5",
                    "+7",
                    None,
                    None,
                    "TRUE",
                    "18446744073709551615",
                    "DEFAULT",
                )
            ]
        },
    ),
    Vector(
        "mysql hex, bit and introducer literals",
        MYSQL_HEADER
        + "INSERT INTO `t` VALUES (0xE5BCA0E4B889,X'e5bca0',0x00FF27,x'',_binary 'b\\'y',"
        + "_utf8mb4'张三',N'李四',b'101',0b11,0xABC);",
        {
            "t": [
                (
                    "张三",
                    "张",
                    "0x00FF27",
                    "",
                    "b'y",
                    "张三",
                    "李四",
                    "0b101",
                    "0b11",
                    "0x0ABC",
                )
            ]
        },
    ),
    Vector(
        "mysql INSERT forms: column list, IGNORE, REPLACE, VALUE, ON DUPLICATE KEY",
        MYSQL_HEADER
        + "INSERT INTO t (a, `b`) VALUES (1,'x');\n"
        + "INSERT IGNORE INTO t VALUES (2,'y');\n"
        + "REPLACE INTO `t` (`a`,`b`) VALUES (3,'z');\n"
        + "INSERT LOW_PRIORITY t VALUE (4,'w');\n"
        + "INSERT INTO t VALUES (5,'v') ON DUPLICATE KEY UPDATE b=VALUES(b), a='x;y';\n"
        + "INSERT INTO t VALUES (6,'u');",
        {
            "t": [
                ("1", "x"),
                ("2", "y"),
                ("3", "z"),
                ("4", "w"),
                ("5", "v"),
                ("6", "u"),
            ]
        },
    ),
    Vector(
        "mysqldump framing: comments, LOCK TABLES, conditional comments, DELIMITER blocks",
        "-- MySQL dump 10.13\n# a hash comment\n/*!40101 SET NAMES utf8mb4 */;\n"
        "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n"
        "DROP TABLE IF EXISTS `t`;\n"
        "CREATE TABLE IF NOT EXISTS `t` (\n  `a` int(11) NOT NULL COMMENT '编号',\n"
        "  `b` varchar(20) DEFAULT 'x;y' COMMENT '姓名;',\n  PRIMARY KEY (`a`)\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='表;';\n"
        "LOCK TABLES `t` WRITE;\n/*!40000 ALTER TABLE `t` DISABLE KEYS */;\n"
        "INSERT INTO `t` VALUES (1,'a'),(2,'b');\n"
        "/*!40000 ALTER TABLE `t` ENABLE KEYS */;\nUNLOCK TABLES;\n"
        "DELIMITER ;;\n"
        "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`%`*/ /*!50003 TRIGGER tr BEFORE INSERT "
        "ON t FOR EACH ROW SET NEW.b = ';' */;;\n"
        "CREATE PROCEDURE p() BEGIN INSERT INTO t VALUES (9,'no'); SELECT ';'; END ;;\n"
        "DELIMITER ;\n"
        "DELIMITER $$\nCREATE FUNCTION f() RETURNS INT BEGIN RETURN 1; END$$\nDELIMITER ;\n"
        "INSERT INTO `t` VALUES (3,'c');\n-- Dump completed",
        {"t": [("1", "a"), ("2", "b"), ("3", "c")]},
        tables={
            "t": [
                ColumnInfo("a", "INT(11)", "编号", nullable=False, primary_key=True),
                ColumnInfo("b", "VARCHAR(20)", "姓名;"),
            ]
        },
        comments={"t": "表;"},
    ),
    Vector(
        "mysql USE qualifies names; backticks with doubled backticks",
        "USE `shop`;\nCREATE TABLE `we``ird` (`x``y` INT);\n"
        "INSERT INTO `we``ird` (`x``y`) VALUES (1);\nINSERT INTO other.t2 VALUES (2);",
        {"shop.we`ird": [("1",)], "other.t2": [("2",)]},
        columns={"shop.we`ird": ("x`y",), "other.t2": None},
        tables={"shop.we`ird": [ColumnInfo("x`y", "INT")]},
    ),
    Vector(
        "mysql NO_BACKSLASH_ESCAPES",
        "/*!40101 SET SQL_MODE='NO_BACKSLASH_ESCAPES' */;\n"
        "INSERT INTO `t` VALUES ('C:\\','it''s');",
        {"t": [("C:\\", "it's")]},
    ),
    Vector(
        "mysql CRLF line ends, blanks between tuples, empty tuple, no final semicolon",
        "INSERT INTO `t` VALUES\r\n ( 1 , 'a\r\nb' ) ,\r\n ( 2 , NULL )\r\n;\r\n"
        "INSERT INTO `e` VALUES ();\r\nINSERT INTO `t` VALUES (3,'x')",
        {"t": [("1", "a\r\nb"), ("2", None), ("3", "x")], "e": [()]},
    ),
    Vector(
        "mysql CREATE TABLE: types, comments, keys, options",
        "CREATE TABLE `p` (\n"
        "  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n"
        "  `price` decimal(10,2) NOT NULL DEFAULT '0.00' COMMENT '价格 \\'含税\\'',\n"
        "  `kind` enum('a','b''c') CHARACTER SET utf8 COLLATE utf8_bin DEFAULT NULL,\n"
        "  `ts` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),\n"
        "  `g` int GENERATED ALWAYS AS (`id` * 2) VIRTUAL,\n"
        "  `d` double DEFAULT (1 + 1) NOT NULL,\n"
        "  KEY `k` (`kind`(1)),\n  UNIQUE KEY `u` (`price`),\n"
        "  CONSTRAINT `pk` PRIMARY KEY (`id`),\n"
        "  CONSTRAINT `fk` FOREIGN KEY (`g`) REFERENCES `q` (`id`)\n"
        ") ENGINE=MyISAM AUTO_INCREMENT=5 DEFAULT CHARSET=gbk ROW_FORMAT=DYNAMIC "
        "COMMENT='商品 /* 表 */';",
        {},
        tables={
            "p": [
                ColumnInfo("id", "INT(10) UNSIGNED", None, nullable=False, primary_key=True),
                ColumnInfo("price", "DECIMAL(10,2)", "价格 '含税'", nullable=False),
                ColumnInfo("kind", "ENUM('a','b''c')"),
                ColumnInfo("ts", "TIMESTAMP", nullable=False),
                ColumnInfo("g", "INT"),
                ColumnInfo("d", "DOUBLE", nullable=False),
            ]
        },
        comments={"p": "商品 /* 表 */"},
    ),
    Vector(
        "mysql ALTER TABLE after CREATE: primary key, comment, modify, add and drop columns",
        "CREATE TABLE `a` (`id` INT, `x` TEXT, `y` TEXT);\n"
        "ALTER TABLE `a` ADD PRIMARY KEY (`id`), COMMENT = '改过', MODIFY `x` VARCHAR(9) "
        "NOT NULL COMMENT '新', ADD COLUMN `z` INT COMMENT 'z', DROP COLUMN `y`;\n"
        "INSERT INTO `a` VALUES (1,'x',2);",
        {"a": [("1", "x", "2")]},
        tables={
            "a": [
                ColumnInfo("id", "INT", nullable=False, primary_key=True),
                ColumnInfo("x", "VARCHAR(9)", "新", nullable=False),
                ColumnInfo("z", "INT", "z"),
            ]
        },
        comments={"a": "改过"},
    ),
    Vector(
        "pg COPY escapes (PostgreSQL COPY text format)",
        "COPY public.t (a, b, c) FROM stdin;\n"
        "\\b\\f\\n\\r\\t\\v\\\\\t\\101\\x41\\q\t\\345\\274\\240\\xe4\\xb8\\x89\n"
        "\\N\t\\\\N\t\n"
        "中文\t\\.\ttab\\there\n"
        "\\.\n",
        {
            "public.t": [
                ("\b\f\n\r\t\v\\", "AAq", "张三"),
                (None, "\\N", ""),
                ("中文", ".", "tab\there"),
            ]
        },
        columns={"public.t": ("a", "b", "c")},
    ),
    Vector(
        "pg COPY without column list, CRLF lines, empty block, end marker at end of file",
        "SET search_path = app, pg_catalog;\n"
        "CREATE TABLE t (a text, b int);\n"
        "COPY t FROM stdin;\r\nx\t1\r\n\\N\t2\r\n\\.\r\n"
        "COPY empty (a) FROM stdin;\n\\.\n"
        "COPY t FROM stdin;\ny\t3\n\\.",
        {"app.t": [("x", "1"), (None, "2"), ("y", "3")]},
        dialect="postgresql",
        tables={"app.t": [ColumnInfo("a", "TEXT"), ColumnInfo("b", "INT")]},
    ),
    Vector(
        "pg INSERT: standard and E strings, casts, OVERRIDING, ON CONFLICT, booleans",
        "SET standard_conforming_strings = on;\n"
        "INSERT INTO public.t (a, b, c, d) OVERRIDING SYSTEM VALUE VALUES "
        "('C:\\', E'\\x41\\101\\u5f20\\'\\n', '1'::integer, true),\n"
        "\t('it''s', E'\\\\', '{1,2}'::int[], NULL) ON CONFLICT DO NOTHING;\n"
        "INSERT INTO public.t VALUES (-1.5, 'NaN', '2024-01-01'::timestamp(0) without time zone,"
        " false);",
        {
            "public.t": [
                ("C:\\", "AA张'\n", "1", "true"),
                ("it's", "\\", "{1,2}", None),
                ("-1.5", "NaN", "2024-01-01", "false"),
            ]
        },
        columns={"public.t": None},
        dialect="postgresql",
    ),
    Vector(
        "pg dollar quotes, E-strings and comments do not split statements",
        "-- PostgreSQL database dump\n\\connect shop\n\\restrict abc\n"
        "CREATE FUNCTION public.f() RETURNS text LANGUAGE sql AS $_$ SELECT 'a;'; "
        "INSERT INTO public.t VALUES (9); COPY public.t FROM stdin; $_$;\n"
        "CREATE FUNCTION public.g() RETURNS text AS $$ SELECT $q$;$q$ $$ LANGUAGE sql;\n"
        "COMMENT ON FUNCTION public.f() IS E'it\\'s; /* not */';\n"
        "/* a comment; with ; */\nCREATE SEQUENCE public.s START WITH 1;\n"
        "INSERT INTO public.t VALUES (1);\n\\unrestrict abc\n",
        {"public.t": [("1",)]},
    ),
    Vector(
        "pg DDL: quoted names, COMMENT ON, ALTER TABLE ONLY … PRIMARY KEY",
        "SELECT pg_catalog.set_config('search_path', '', false);\n"
        'CREATE TABLE public."用户" (\n    id bigint NOT NULL,\n'
        '    "Na""me" character varying(20),\n    amount numeric(10,2)[] DEFAULT \'{}\',\n'
        "    ts timestamp(6) with time zone,\n    f double precision\n);\n"
        "COMMENT ON TABLE public.\"用户\" IS '用户''表';\n"
        'COMMENT ON COLUMN public."用户"."Na""me" IS E\'姓名\\n\';\n'
        "COMMENT ON COLUMN public.\"用户\".id IS '编号';\n"
        'COMMENT ON COLUMN public."用户".id IS NULL;\n'
        'ALTER TABLE ONLY public."用户"\n    ADD CONSTRAINT "用户_pkey" PRIMARY KEY (id);\n'
        'ALTER TABLE public."用户" OWNER TO postgres;\n',
        {},
        dialect="postgresql",
        tables={
            "public.用户": [
                ColumnInfo("id", "BIGINT", None, nullable=False, primary_key=True),
                ColumnInfo('Na"me', "CHARACTER VARYING(20)", "姓名\n"),
                ColumnInfo("amount", "NUMERIC(10,2)[]"),
                ColumnInfo("ts", "TIMESTAMP(6) WITH TIME ZONE"),
                ColumnInfo("f", "DOUBLE PRECISION"),
            ]
        },
        comments={"public.用户": "用户'表"},
    ),
    Vector(
        "pg standard_conforming_strings off: backslashes escape in plain strings",
        "SET standard_conforming_strings = off;\nINSERT INTO t VALUES ('it\\'s \\\\ \\n');",
        {"t": [("it's \\ \n",)]},
        dialect="postgresql",
    ),
    Vector(
        "pg CREATE TABLE LIKE / PARTITION OF copy the columns",
        "CREATE TABLE public.p (id int PRIMARY KEY, v text);\n"
        "CREATE TABLE public.c PARTITION OF public.p FOR VALUES IN (1);\n"
        "CREATE TABLE public.l (LIKE public.p INCLUDING ALL, extra int);",
        {},
        dialect="postgresql",
        tables={
            "public.c": [
                ColumnInfo("id", "INT", nullable=False, primary_key=True),
                ColumnInfo("v", "TEXT"),
            ],
            "public.l": [
                ColumnInfo("id", "INT", nullable=False, primary_key=True),
                ColumnInfo("v", "TEXT"),
                ColumnInfo("extra", "INT"),
            ],
        },
    ),
]


@pytest.mark.parametrize("chunk", [None, 1, 5], ids=["chunk=default", "chunk=1", "chunk=5"])
@pytest.mark.parametrize("vector", VECTORS, ids=[v.name for v in VECTORS])
def test_vectors(vector: Vector, chunk: int | None, tmp_path: Path) -> None:
    with chunks_of(chunk):
        dump = read_all(write(tmp_path, vector.sql), dialect=vector.dialect)
    assert dump.rows == vector.rows
    for table, columns in vector.columns.items():
        assert dump.columns[table] == columns
    for table, expected in vector.tables.items():
        assert list(dump.tables[table].columns) == expected
    for table, comment in vector.comments.items():
        assert dump.tables[table].comment == comment


# -- API behaviour --------------------------------------------------------------------------


@pytest.mark.parametrize("chunk", [None, 2])
def test_batches_have_at_most_batch_rows_and_the_statement_line(
    chunk: int | None, tmp_path: Path
) -> None:
    sql = (
        "-- x\n\nINSERT INTO `t` VALUES\n(1),\n(2),\n(3),\n(4),\n(5);\nINSERT INTO `t` VALUES (6);"
    )
    with chunks_of(chunk):
        dump = read_all(write(tmp_path, sql), batch_rows=2)
    assert [(len(b.rows), b.line) for b in dump.batches] == [(2, 3), (2, 3), (1, 3), (1, 9)]
    pg = "SET x = 1;\n\nCOPY t (a) FROM stdin;\n1\n2\n3\n\\.\nCOPY u (a) FROM stdin;\n4\n\\.\n"
    with chunks_of(chunk):
        dump = read_all(write(tmp_path, pg), batch_rows=2)
    assert [(len(b.rows), b.line) for b in dump.batches] == [(2, 3), (1, 3), (1, 8)]


def test_later_changes_yield_a_revised_table_at_the_end(tmp_path: Path) -> None:
    sql = (
        "CREATE TABLE public.t (id int, name text);\n"
        "COPY public.t (id, name) FROM stdin;\n1\tx\n\\.\n"
        "COMMENT ON COLUMN public.t.name IS '姓名';\n"
        "ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);\n"
        "CREATE TABLE public.u (id int);\n"
    )
    items = list(read_dump(write(tmp_path, sql)))
    kinds = [(type(i).__name__, getattr(i, "name", getattr(i, "table", ""))) for i in items]
    assert kinds == [
        ("TableInfo", "t"),
        ("DumpRows", "public.t"),
        ("TableInfo", "u"),
        ("TableInfo", "t"),
    ]
    revised = items[-1]
    assert isinstance(revised, TableInfo)
    assert revised.primary_key == ("id",)
    assert revised.columns[1].comment == "姓名"
    assert read_ddl(write(tmp_path, sql)) == [revised, items[2]]


def test_on_bytes_reports_progress_up_to_the_file_size(tmp_path: Path) -> None:
    path = write(tmp_path, "INSERT INTO `t` VALUES " + ",".join(["('x')"] * 600_000) + ";")
    seen: list[int] = []
    assert sum(len(b.rows) for b in read_all(path, on_bytes=seen.append).batches) == 600_000
    assert len(seen) > 2
    assert seen == sorted(seen)
    assert seen[-1] == path.stat().st_size


def test_compressed_dumps_are_read_transparently(tmp_path: Path) -> None:
    sql = "CREATE TABLE `t` (`a` TEXT COMMENT '手机号');\nINSERT INTO `t` VALUES ('13812345678');"
    path = tmp_path / "dump.sql.gz"
    path.write_bytes(gzip.compress(sql.encode()))
    seen: list[int] = []
    dump = read_all(path, on_bytes=seen.append)
    assert dump.rows == {"t": [("13812345678",)]}
    assert dump.tables["t"].columns[0].comment == "手机号"
    assert seen[-1] == path.stat().st_size


@pytest.mark.parametrize(
    ("sql", "dialect"),
    [
        ("-- MySQL dump 10.13\n", "mysql"),
        ("CREATE TABLE `t` (a int) ENGINE=InnoDB;", "mysql"),
        ("/*!40101 SET NAMES utf8 */;", "mysql"),
        ("--\n-- PostgreSQL database dump\n--\nSET client_encoding = 'UTF8';", "postgresql"),
        ("SET search_path = public;\nCREATE TABLE t (a int);", "postgresql"),
        ("COPY public.t (a) FROM stdin;\n1\n\\.\n", "postgresql"),
    ],
)
def test_the_dialect_is_detected_from_the_content(sql: str, dialect: str, tmp_path: Path) -> None:
    # 'a\'b' only reads as one string with MySQL's rules; C:\ only with PostgreSQL's.
    probe = "('a\\'b')" if dialect == "mysql" else "('C:\\')"
    dump = read_all(write(tmp_path, f"{sql}\nINSERT INTO probe VALUES {probe};"))
    probed = [rows for name, rows in dump.rows.items() if name.endswith("probe")]
    assert probed == [[("a'b",) if dialect == "mysql" else ("C:\\",)]]


def test_gbk_dumps_are_decoded_from_their_declaration_or_their_bytes(tmp_path: Path) -> None:
    body = (
        "CREATE TABLE `客户` (`姓名` VARCHAR(20) COMMENT '姓名');\n"
        "INSERT INTO `客户` VALUES ('张三');"
    )
    for header in ("/*!40101 SET NAMES gbk */;\n", ""):
        path = write(tmp_path, header + body, encoding="gbk")
        dump = read_all(path)
        assert dump.rows == {"客户": [("张三",)]}
        assert dump.tables["客户"].columns[0].comment == "姓名"


def test_invalid_utf8_is_replaced_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "bad.sql"
    path.write_bytes(
        b"/*!40101 SET NAMES utf8mb4 */;\nINSERT INTO `t` VALUES ('ok\xff\xfe',"
        + "'张三'".encode()
        + b");"
    )
    assert read_all(path).rows == {"t": [("ok\ufffd\ufffd", "张三")]}


def test_bad_arguments_are_usage_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "SELECT 1;")
    with pytest.raises(UsageError, match="dialect"):
        read_dump(path, dialect="oracle")
    with pytest.raises(UsageError, match="batch_rows"):
        read_dump(path, batch_rows=0)
    with pytest.raises(UsageError, match="no such file"):
        read_dump(tmp_path / "missing.sql")
    with pytest.raises(UsageError, match="no such file"):
        read_ddl(tmp_path / "missing.sql")


# -- 3. streaming ---------------------------------------------------------------------------


def _giant_rows(n: int) -> Iterator[tuple[int, str, str, str, str]]:
    """Rows of about 1 KB (a long free-text note): few objects per MB keeps tracemalloc fast."""
    rng = random.Random(3)
    pool = [
        (
            g.chinese_name(rng),
            g.mobile(rng),
            g.id_card(rng),
            "；".join(f"{g.address(rng)} 电话 {g.landline(rng)} it's \\ ok\n" for _ in range(12)),
        )
        for _ in range(300)
    ]
    for i in range(n):
        yield (i, *pool[i % len(pool)])


# The reader holds one 512 KiB chunk of text (a few copies while it refills), two batches of
# rows and the longest value: a few MB whatever the size of the file (measured: 4.8 MB with
# batch_rows=200 for these ~33 MB files).
PEAK_BOUND = 8_000_000


def _traced_peak(path: Path, **options: object) -> tuple[int, int]:
    rows = 0
    tracemalloc.start()
    try:
        for item in read_dump(path, **options):  # type: ignore[arg-type]
            if isinstance(item, DumpRows):
                rows += len(item.rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return rows, peak


@pytest.mark.slow
def test_a_giant_insert_is_streamed_in_bounded_memory(tmp_path: Path) -> None:
    n = 28_000
    path = tmp_path / "giant.sql"
    with path.open("w", encoding="utf-8") as out:
        out.write("CREATE TABLE `c` (`id` INT, `name` TEXT, `mobile` TEXT, `id_card` TEXT, ")
        out.write("`address` TEXT);\nINSERT INTO `c` VALUES ")
        out.write(
            ",".join(
                f"({i},{mysql_literal(a)},{mysql_literal(b)},{mysql_literal(c)},{mysql_literal(d)})"
                for i, a, b, c, d in _giant_rows(n)
            )
        )
        out.write(";\n")
    size = path.stat().st_size
    assert size > 30_000_000
    rows, peak = _traced_peak(path, batch_rows=200)
    assert rows == n
    assert peak < min(size / 4, PEAK_BOUND), (peak, size)


@pytest.mark.slow
def test_a_giant_copy_block_is_streamed_in_bounded_memory(tmp_path: Path) -> None:
    n = 28_000
    path = tmp_path / "giant.sql"
    with path.open("w", encoding="utf-8") as out:
        out.write("COPY public.c (id, name, mobile, id_card, address) FROM stdin;\n")
        for row in _giant_rows(n):
            out.write("\t".join(copy_field(str(v)) for v in row) + "\n")
        out.write("\\.\n")
    size = path.stat().st_size
    assert size > 30_000_000
    rows, peak = _traced_peak(path, batch_rows=200)
    assert rows == n
    assert peak < min(size / 4, PEAK_BOUND), (peak, size)


def test_one_value_longer_than_the_buffer_is_read_whole(tmp_path: Path) -> None:
    big = ("身份证号 110105194912310029 ' \\ \n" * 150_000)[:-1]
    path = write(tmp_path, f"INSERT INTO `t` VALUES (1,{mysql_literal(big)}),(2,'x');")
    assert read_all(path).rows == {"t": [("1", big), ("2", "x")]}
    copy = f"COPY t (a) FROM stdin;\n{copy_field(big)}\n\\.\n"
    assert read_all(write(tmp_path, copy, "c.sql")).rows == {"t": [(big,)]}


# -- 4. malformed input ---------------------------------------------------------------------

MARKER = "13812345678"  # must never appear in an error message

MALFORMED = [
    ("unterminated string", f"INSERT INTO `t` VALUES (1,'{MARKER}\n\n", 1),
    ("truncated inside a row", f"SELECT 1;\nINSERT INTO `t` VALUES\n(1,'{MARKER}'),\n(2,", 4),
    ("garbage instead of a value", f"INSERT INTO `t` VALUES\n(1,'{MARKER}',@@{MARKER});", 2),
    ("garbage after a row", f"INSERT INTO `t` VALUES\n('{MARKER}') '{MARKER}';", 2),
    ("garbage instead of a tuple", f"INSERT INTO `t` VALUES\n(1),\n{MARKER};", 3),
    ("row widths differ", f"INSERT INTO `t` VALUES (1,'{MARKER}'),\n('{MARKER}');", 2),
    ("unterminated comment", f"SELECT 1;\n/* {MARKER}\n", 2),
    ("unterminated string in DDL", f"CREATE TABLE t (a int COMMENT '{MARKER});\n", 1),
    ("COPY without end marker", f"COPY t (a) FROM stdin;\n{MARKER}\n{MARKER}\n", 3),
    ("COPY row with wrong width", f"COPY t (a, b) FROM stdin;\n1\t{MARKER}\n{MARKER}\n\\.\n", 3),
    ("COPY in CSV format", f"COPY t (a) FROM stdin WITH (FORMAT csv);\n{MARKER}\n\\.\n", 1),
]


@pytest.mark.parametrize("chunk", [None, 3], ids=["chunk=default", "chunk=3"])
@pytest.mark.parametrize(("sql", "line"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_input_names_file_and_line_but_no_value(
    sql: str, line: int, chunk: int | None, tmp_path: Path
) -> None:
    path = write(tmp_path, sql, "broken.sql")
    with chunks_of(chunk), pytest.raises(UsageError) as error:
        read_all(path)
    message = str(error.value)
    assert f"broken.sql:{line}:" in message
    assert MARKER not in message


# -- 5. properties --------------------------------------------------------------------------

# Text that stresses quoting: quotes, backslashes, newlines, tabs, control characters,
# semicolons and parentheses, Chinese, and any other Unicode scalar value.
_AWKWARD = st.sampled_from([*"'\"\\\n\r\t\0\x1a\b;(),.N中文张三𠀀 ", "\\N", "\\.", "''", "--"])
TEXT = st.lists(st.one_of(_AWKWARD, st.characters(exclude_categories=["Cs"])), max_size=40).map(
    "".join
)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CHUNKS = st.sampled_from([None, 1, 2, 3, 7])


@PROPERTY
@given(
    values=st.lists(st.lists(st.one_of(st.none(), TEXT), min_size=3, max_size=3), min_size=1),
    doubled=st.booleans(),
    batch=st.integers(1, 4),
    chunk=CHUNKS,
)
def test_mysql_escaped_strings_round_trip(
    values: list[list[str | None]],
    doubled: bool,
    batch: int,
    chunk: int | None,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    def literal(text: str | None) -> str:
        if text is None:
            return "NULL"
        if doubled:  # '' for a quote, as hand-written SQL does
            return "'" + "".join("''" if c == "'" else MYSQL_QUOTE.get(c, c) for c in text) + "'"
        return mysql_literal(text)

    tuples = ",\n".join("(" + ",".join(literal(v) for v in row) + ")" for row in values)
    path = write(tmp_path_factory.mktemp("my"), f"{MYSQL_HEADER}INSERT INTO `t` VALUES {tuples};")
    with chunks_of(chunk):
        dump = read_all(path, batch_rows=batch)
    assert dump.rows == {"t": [tuple(row) for row in values]}


@PROPERTY
@given(
    values=st.lists(st.lists(st.one_of(st.none(), TEXT), min_size=2, max_size=2), min_size=1),
    chunk=CHUNKS,
)
def test_pg_copy_escaped_fields_round_trip(
    values: list[list[str | None]], chunk: int | None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    values = [[None if v is None else v.replace("\0", "") for v in row] for row in values]
    lines = "".join("\t".join(copy_field(v) for v in row) + "\n" for row in values)
    sql = f"COPY public.t (a, b) FROM stdin;\n{lines}\\.\n"
    with chunks_of(chunk):
        dump = read_all(write(tmp_path_factory.mktemp("pg"), sql))
    assert dump.rows == {"public.t": [tuple(row) for row in values]}


@PROPERTY
@given(values=st.lists(st.one_of(st.none(), TEXT), min_size=1, max_size=5), chunk=CHUNKS)
# A backslash before a doubled quote, the read cut after a later backslash: the prefix of
# a plain string was read with the E-string body and refused (found by hypothesis).
@example(values=[None, "'" * 10, "'''\\''\\N"], chunk=7)
def test_pg_insert_strings_round_trip(
    values: list[str | None], chunk: int | None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    values = [None if v is None else v.replace("\0", "") for v in values]
    literals = ", ".join("NULL" if v is None else "'" + v.replace("'", "''") + "'" for v in values)
    sql = f"SET standard_conforming_strings = on;\nINSERT INTO public.t VALUES ({literals});\n"
    with chunks_of(chunk):
        dump = read_all(write(tmp_path_factory.mktemp("pgi"), sql))
    assert dump.rows == {"public.t": [tuple(values)]}


# Pieces of dumps, to be cut up and recombined: whatever comes of it, the reader either reads it
# or raises UsageError, never another exception.
_FRAGMENTS = [piece for v in VECTORS for piece in v.sql.split(" ")] + [
    "(",
    ")",
    "'",
    '"',
    "`",
    ",",
    ";",
    "\n",
    "\\",
    "$$",
    "/*",
    "*/",
    "--",
    "\\.",
    "\t",
    "VALUES",
    "INSERT INTO t",
    "CREATE TABLE t (",
    "COPY t FROM stdin;\n",
    "ALTER TABLE t ADD",
    "COMMENT ON COLUMN t.a IS",
    "DELIMITER ;;\n",
]


@PROPERTY
@given(
    pieces=st.lists(st.sampled_from(_FRAGMENTS), max_size=30),
    dialect=st.sampled_from(["auto", "mysql", "postgresql"]),
    chunk=CHUNKS,
)
def test_any_input_is_read_or_refused_with_a_usage_error(
    pieces: list[str], dialect: str, chunk: int | None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = write(tmp_path_factory.mktemp("fuzz"), " ".join(pieces))
    errors: list[str] = []
    with chunks_of(chunk):
        try:
            read_all(path, dialect=dialect)
            read_ddl(path, dialect=dialect)
        except UsageError as error:
            errors.append(str(error))
    assert all(re.search(r"dump\.sql:\d+: ", e) for e in errors), errors


def _pg_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@PROPERTY
@given(
    tables=st.lists(
        st.tuples(TEXT, st.lists(st.one_of(st.none(), TEXT), min_size=1, max_size=4)),
        min_size=1,
        max_size=4,
    ),
    dialect=st.sampled_from(["mysql", "postgresql"]),
    chunk=CHUNKS,
)
def test_skipping_rows_and_reading_them_agree_on_statement_boundaries(
    tables: list[tuple[str, list[str | None]]],
    dialect: str,
    chunk: int | None,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """read_ddl skips INSERT statements without parsing them; it must end each one where
    read_dump does, whatever the strings in the rows and in the comments hold."""
    statements = []
    for index, (comment, values) in enumerate(tables):
        comment = comment.replace("\0", "")
        values = [None if v is None else v.replace("\0", "") for v in values]
        if dialect == "mysql":
            rows = ",".join(
                f"({index},{'NULL' if v is None else mysql_literal(v)})" for v in values
            )
            statements.append(
                f"CREATE TABLE `t{index}` (`a` INT, `b` TEXT COMMENT {mysql_literal(comment)});\n"
                f"INSERT INTO `t{index}` VALUES {rows};\n"
            )
        else:
            rows = ",".join(f"({index},{'NULL' if v is None else _pg_literal(v)})" for v in values)
            statements.append(
                f"CREATE TABLE t{index} (a int, b text);\nINSERT INTO t{index} VALUES {rows};\n"
                f"COMMENT ON COLUMN t{index}.b IS {_pg_literal(comment)};\n"
            )
    path = write(tmp_path_factory.mktemp("agree"), "".join(statements))
    with chunks_of(chunk):
        dump = read_all(path, dialect=dialect)
        ddl = read_ddl(path, dialect=dialect)
    assert ddl == list(dump.tables.values())
    assert [t.columns[1].comment for t in ddl] == [c.replace("\0", "") for c, _ in tables]
    assert dump.rows == {
        f"t{i}": [(str(i), None if v is None else v.replace("\0", "")) for v in values]
        for i, (_, values) in enumerate(tables)
    }


def test_a_partition_names_its_table_when_created_of_it_or_attached(tmp_path: Path) -> None:
    """Hand-written DDL says PARTITION OF; pg_dump creates the partition as a table and
    ties it with ATTACH PARTITION before its rows: either way the partition names the
    table it partitions as soon as its rows can come."""
    path = tmp_path / "parts.sql"
    path.write_text(
        "CREATE TABLE orders (id int, phone text) PARTITION BY RANGE (id);\n"
        "CREATE TABLE orders_a PARTITION OF orders FOR VALUES FROM (0) TO (100);\n"
        "CREATE TABLE orders_b (id int, phone text);\n"
        "CREATE TABLE archive (LIKE orders);\n"
        "ALTER TABLE ONLY orders ATTACH PARTITION orders_b FOR VALUES FROM (100) TO (200);\n"
        "COPY orders_b (id, phone) FROM stdin;\n150\t13812341050\n\\.\n",
        "utf-8",
    )
    seen: list[tuple[str, str | None]] = []
    for item in dump_module.read_dump(path, dialect="postgresql"):
        if isinstance(item, TableInfo):
            seen.append((item.name, item.partition_of))
        else:
            seen.append((item.table, "rows"))
    assert seen == [
        ("orders", None),
        ("orders_a", "orders"),
        ("orders_b", None),
        ("archive", None),  # LIKE copies columns, not a partition
        ("orders_b", "orders"),  # marked before its rows
        ("orders_b", "rows"),
    ]
