"""Schema hygiene, Youzan 7.1–7.3: the checks a DBA also wants (standards.md §5).

Each rule is a small :class:`Rule` subclass in this module, registered by being defined
(``__init_subclass__``): adding a rule touches one class, never a central list. A rule has an
id (``DG-Y71-NAME-CASE``: the clause, then what it checks), the clause it comes from, a
one-line description and a severity, and turns one :class:`TableInfo` into
:class:`LintFinding` objects. Rules read the schema only (names, types, comments, engine,
charset, keys), so findings can never carry row data.

The dialect is a parameter of :func:`lint` (``mysql``, ``postgresql``, ``sqlite``, or None
when unknown, e.g. a DDL file with no engine clauses), because some rules only make sense
in some databases: a rule that cannot be checked there (table comments in SQLite, storage
engines in PostgreSQL) is reported once as *not checkable* rather than flagging every table.

Clauses: standards.md §5 lists Youzan 7.1–7.3 as one block. The split used here follows its
order: 7.1 names (case, length, reserved words), 7.2 tables (comments, engine, charset,
primary key), 7.3 columns (money types, spare columns).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from dataguard.errors import UsageError
from dataguard.sources.catalog import ColumnInfo, TableInfo

__all__ = [
    "DIALECTS",
    "MYSQL_RESERVED_WORDS",
    "SEVERITIES",
    "LintFinding",
    "LintReport",
    "NotCheckable",
    "Rule",
    "is_money_column",
    "is_spare_column",
    "lint",
    "normalize_dialect",
    "rules",
    "select_rules",
    "snake_case",
]

#: Severities, most severe first.
SEVERITIES = ("error", "warning", "info")
#: The dialects a rule can tell apart; None means unknown.
DIALECTS = ("mysql", "postgresql", "sqlite")

_DIALECT_NAMES = {
    "mysql": "mysql",
    "mariadb": "mysql",
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "sqlite": "sqlite",
}

#: Longest table or column name (Youzan 7.1).
MAX_NAME_LENGTH = 32

# ref. MySQL 8.0 Reference Manual, 11.3 "Keywords and Reserved Words", the words marked (R)
# in "MySQL 8.0 Keywords and Reserved Words" (https://dev.mysql.com/doc/refman/8.0/en/
# keywords.html), up to 8.0.31 (INTERSECT). Words reserved only in some 8.0 releases and
# nonreserved later (ADMIN, ARRAY, MEMBER, PERSIST, PERSIST_ONLY, ROLE,
# GET_MASTER_PUBLIC_KEY) are left out, as are the words first reserved in 8.4 (MANUAL,
# PARALLEL, QUALIFY, TABLESAMPLE). The manual also reserves _FILENAME.
_MYSQL_8_0_RESERVED = """
    _filename accessible add all alter analyze and as asc asensitive before between bigint
    binary blob both by call cascade case change char character check collate column
    condition constraint continue convert create cross cube cume_dist current_date
    current_time current_timestamp current_user cursor database databases day_hour
    day_microsecond day_minute day_second dec decimal declare default delayed delete
    dense_rank desc describe deterministic distinct distinctrow div double drop dual each
    else elseif empty enclosed escaped except exists exit explain false fetch first_value
    float float4 float8 for force foreign from fulltext function generated get grant group
    grouping groups having high_priority hour_microsecond hour_minute hour_second if ignore
    in index infile inner inout insensitive insert int int1 int2 int3 int4 int8 integer
    intersect interval into io_after_gtids io_before_gtids is iterate join json_table key
    keys kill lag last_value lateral lead leading leave left like limit linear lines load
    localtime localtimestamp lock long longblob longtext loop low_priority master_bind
    master_ssl_verify_server_cert match maxvalue mediumblob mediumint mediumtext middleint
    minute_microsecond minute_second mod modifies natural no_write_to_binlog not nth_value
    ntile null numeric of on optimize optimizer_costs option optionally or order out outer
    outfile over partition percent_rank precision primary procedure purge range rank read
    read_write reads real recursive references regexp release rename repeat replace require
    resignal restrict return revoke right rlike row row_number rows schema schemas
    second_microsecond select sensitive separator set show signal smallint spatial specific
    sql sql_big_result sql_calc_found_rows sql_small_result sqlexception sqlstate sqlwarning
    ssl starting stored straight_join system table terminated then tinyblob tinyint tinytext
    to trailing trigger true undo union unique unlock unsigned update usage use using
    utc_date utc_time utc_timestamp values varbinary varchar varcharacter varying virtual
    when where while window with write xor year_month zerofill
    """
MYSQL_RESERVED_WORDS = frozenset(_MYSQL_8_0_RESERVED.split())


def normalize_dialect(name: str | None) -> str | None:
    """``mysql``, ``postgresql`` or ``sqlite`` for a dialect or SQLAlchemy driver name.

    MariaDB counts as MySQL; None, ``""``, ``auto`` and ``unknown`` mean unknown (None).
    """
    if name is None:
        return None
    key = name.strip().lower().split("+", 1)[0]
    if key in ("", "auto", "unknown"):
        return None
    try:
        return _DIALECT_NAMES[key]
    except KeyError:
        raise UsageError(
            f"unknown SQL dialect {name!r}; use one of {', '.join(DIALECTS)}"
        ) from None


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LintFinding:
    """One place where the schema breaks a rule.

    Attributes:
        rule: the rule id (``DG-Y72-PRIMARY-KEY``).
        clause: the clause of the standard (``Youzan 7.2``).
        severity: ``error``, ``warning`` or ``info``.
        table: the table, schema-qualified when it has a schema.
        column: the column, or None for a finding about the table.
        message: what is wrong and how to fix it; names and types only, never row data.
    """

    rule: str
    clause: str
    severity: str
    table: str
    column: str | None
    message: str

    @property
    def location(self) -> str:
        """``table.column``, or the table."""
        return f"{self.table}.{self.column}" if self.column is not None else self.table

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "clause": self.clause,
            "severity": self.severity,
            "table": self.table,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class NotCheckable:
    """A rule that was selected but cannot be checked in this dialect, and why."""

    rule: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "reason": self.reason}


@dataclass
class LintReport:
    """The result of :func:`lint`.

    Attributes:
        dialect: the dialect the rules assumed (None: unknown).
        tables: how many tables were checked.
        rules: the ids of the rules that ran, in order.
        findings: the findings, table by table, in rule order within a table.
        not_checkable: selected rules that could not run in this dialect.
    """

    dialect: str | None
    tables: int
    rules: tuple[str, ...]
    findings: list[LintFinding] = field(default_factory=list)
    not_checkable: list[NotCheckable] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Findings per severity, every severity present (zero when none)."""
        counts = dict.fromkeys(SEVERITIES, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def failed(self, fail_on: str = "warning") -> bool:
        """Whether a finding is at least as severe as *fail_on*."""
        if fail_on not in SEVERITIES:
            raise UsageError(f"unknown severity {fail_on!r}; use one of {', '.join(SEVERITIES)}")
        limit = SEVERITIES.index(fail_on)
        return any(SEVERITIES.index(f.severity) <= limit for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (docs/lint.md describes it; ``version`` changes if it does)."""
        return {
            "version": 1,
            "dialect": self.dialect,
            "tables": self.tables,
            "rules": list(self.rules),
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
            "not_checkable": [n.to_dict() for n in self.not_checkable],
        }


# -- rules -----------------------------------------------------------------------------------

_RULE_ID = re.compile(r"DG(?:-[A-Z0-9]+){2,}")


class Rule:
    """A schema-hygiene rule; subclasses with an ``id`` register themselves.

    Subclasses set the class attributes and implement :meth:`check`; a rule that cannot be
    checked in some dialects overrides :meth:`not_checkable`.
    """

    id: ClassVar[str] = ""
    clause: ClassVar[str] = ""
    description: ClassVar[str] = ""
    severity: ClassVar[str] = "error"

    registry: ClassVar[dict[str, type[Rule]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.id:
            return
        if not _RULE_ID.fullmatch(cls.id) or not cls.clause or not cls.description:
            raise TypeError(f"{cls.__qualname__}: a rule needs an id, a clause and a description")
        if cls.severity not in SEVERITIES:
            raise TypeError(f"{cls.__qualname__}: unknown severity {cls.severity!r}")
        known = Rule.registry.get(cls.id)
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise TypeError(f"rule id {cls.id} is used by {known.__qualname__} already")
        Rule.registry[cls.id] = cls

    def not_checkable(self, dialect: str | None) -> str | None:
        """Why this rule cannot be checked in *dialect*, or None when it can."""
        return None

    def check(self, table: TableInfo, dialect: str | None) -> Iterator[LintFinding]:
        """The findings of this rule for *table*."""
        raise NotImplementedError

    def finding(
        self,
        table: TableInfo,
        column: ColumnInfo | None,
        message: str,
        severity: str | None = None,
    ) -> LintFinding:
        return LintFinding(
            rule=self.id,
            clause=self.clause,
            severity=severity or self.severity,
            table=table.qualified_name,
            column=column.name if column is not None else None,
            message=message,
        )


def _objects(table: TableInfo) -> Iterator[tuple[ColumnInfo | None, str]]:
    """``(column, name)`` for the table itself (column None) and then each column."""
    yield None, table.name
    for column in table.columns:
        yield column, column.name


def _where(table: TableInfo, column: ColumnInfo | None) -> str:
    if column is None:
        return f"table {table.qualified_name}"
    return f"column {table.qualified_name}.{column.name}"


_SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def snake_case(name: str) -> str | None:
    """*name* as lower-case snake_case (``OrderID`` → ``order_id``), or None if none fits."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    words = re.findall(r"[A-Za-z0-9]+", spaced)
    candidate = "_".join(words).lower()
    return candidate if _SNAKE_CASE.fullmatch(candidate) else None


class NameCase(Rule):
    id = "DG-Y71-NAME-CASE"
    clause = "Youzan 7.1"
    description = "table and column names are lower-case snake_case (a-z, 0-9, _)"

    def check(self, table: TableInfo, dialect: str | None) -> Iterator[LintFinding]:
        for column, name in _objects(table):
            if _SNAKE_CASE.fullmatch(name):
                continue
            better = snake_case(name)
            fix = (
                f"rename it to {better}"
                if better
                else "rename it with lower-case ASCII letters, digits and _, starting with a letter"
            )
            yield self.finding(
                table,
                column,
                f"{_where(table, column)} is not lower-case snake_case; {fix}",
            )


class NameLength(Rule):
    id = "DG-Y71-NAME-LENGTH"
    clause = "Youzan 7.1"
    description = f"table and column names have at most {MAX_NAME_LENGTH} characters"

    def check(self, table: TableInfo, dialect: str | None) -> Iterator[LintFinding]:
        for column, name in _objects(table):
            if len(name) > MAX_NAME_LENGTH:
                yield self.finding(
                    table,
                    column,
                    f"{_where(table, column)} has {len(name)} characters; "
                    f"shorten it to at most {MAX_NAME_LENGTH}",
                )


class ReservedWord(Rule):
    id = "DG-Y71-RESERVED-WORD"
    clause = "Youzan 7.1"
    description = "no table or column is named with a MySQL 8.0 reserved word"

    def check(self, table: TableInfo, dialect: str | None) -> Iterator[LintFinding]:
        for column, name in _objects(table):
            if name.lower() in MYSQL_RESERVED_WORDS:
                yield self.finding(
                    table,
                    column,
                    f"{_where(table, column)} is the MySQL reserved word "
                    f"{name.upper()}; rename it to say what it holds "
                    "(every query must otherwise quote it)",
                )


def _ident(name: str, dialect: str | None) -> str:
    """*name* quoted for *dialect* when it needs quoting (a reserved word, capitals…)."""
    if _SNAKE_CASE.fullmatch(name) and name not in MYSQL_RESERVED_WORDS:
        return name
    if dialect == "mysql":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def _table_ident(table: TableInfo, dialect: str | None) -> str:
    parts = ([table.schema] if table.schema else []) + [table.name]
    return ".".join(_ident(p, dialect) for p in parts)


def _no_comments(dialect: str | None) -> str | None:
    if dialect == "sqlite":
        return "SQLite cannot store table or column comments"
    return None


class TableComment(Rule):
    id = "DG-Y72-TABLE-COMMENT"
    clause = "Youzan 7.2"
    description = "every table has a comment saying what it holds"

    def not_checkable(self, dialect: str | None) -> str | None:
        return _no_comments(dialect)

    def check(self, table: TableInfo, dialect: str | None) -> Iterator[LintFinding]:
        if table.comment and table.comment.strip():
            return
        sql = _table_ident(table, dialect)
        if dialect == "mysql":
            fix = f"ALTER TABLE {sql} COMMENT = '…'"
        elif dialect == "postgresql":
            fix = f"COMMENT ON TABLE {sql} IS '…'"
        else:
            fix = "a COMMENT clause"
        yield self.finding(
            table, None, f"table {table.qualified_name} has no comment; add one ({fix})"
        )


class ColumnComment(Rule):
    id = "DG-Y72-COLUMN-COMMENT"
    clause = "Youzan 7.2"
    description = "every column has a comment saying what it holds"

    def not_checkable(self, dialect: str | None) -> str | None:
        return _no_comments(dialect)

    def check(self, table: TableInfo, dialect: str | None) -> Iterator[LintFinding]:
        sql = _table_ident(table, dialect)
        for column in table.columns:
            if column.comment and column.comment.strip():
                continue
            name = _ident(column.name, dialect)
            if dialect == "mysql":
                fix = f"ALTER TABLE {sql} MODIFY {name} <its full definition> COMMENT '…'"
            elif dialect == "postgresql":
                fix = f"COMMENT ON COLUMN {sql}.{name} IS '…'"
            else:
                fix = "a COMMENT clause"
            yield self.finding(
                table,
                column,
                f"column {table.qualified_name}.{column.name} has no comment; add one ({fix})",
            )


def _mysql_only(what: str, dialect: str | None) -> str | None:
    if dialect in ("postgresql", "sqlite"):
        return f"only MySQL/MariaDB tables have {what}"
    return None


class Engine(Rule):
    id = "DG-Y72-ENGINE"
    clause = "Youzan 7.2"
    description = "MySQL/MariaDB tables use the InnoDB storage engine"

    def not_checkable(self, dialect: str | None) -> str | None:
        return _mysql_only("a storage engine", dialect)

    def check(self, table: TableInfo, dialect: str | None) -> Iterator[LintFinding]:
        # Unknown (None): a DDL file without ENGINE= gets the server default, InnoDB.
        if table.engine is None or table.engine.lower() == "innodb":
            return
        yield self.finding(
            table,
            None,
            f"table {table.qualified_name} uses the {table.engine} engine (no transactions "
            f"or crash recovery); convert it: ALTER TABLE {_table_ident(table, dialect)} "
            "ENGINE=InnoDB",
        )


_LEGACY_CHARSETS = {
    "latin1": "no Chinese text at all",
    "ascii": "no Chinese text at all",
    "binary": "bytes, no text",
    "gbk": "a Chinese code page: no emoji, and a conversion at every UTF-8 client",
    "gb2312": "a Chinese code page: no emoji, and a conversion at every UTF-8 client",
    "gb18030": "a Chinese code page: no emoji, and a conversion at every UTF-8 client",
    "big5": "a Chinese code page: no emoji, and a conversion at every UTF-8 client",
}


class Charset(Rule):
    id = "DG-Y72-CHARSET"
    clause = "Youzan 7.2"
    description = "MySQL/MariaDB tables use utf8mb4 (utf8, an alias of utf8mb3, is noted)"

    def not_checkable(self, dialect: str | None) -> str | None:
        return _mysql_only("a character set per table", dialect)

    def check(self, table: TableInfo, dialect: str | None) -> Iterator[LintFinding]:
        if table.charset is None:
            return
        charset = table.charset.lower()
        name = table.qualified_name
        convert = f"ALTER TABLE {_table_ident(table, dialect)} CONVERT TO CHARACTER SET utf8mb4"
        if charset == "utf8mb4":
            return
        if charset in ("utf8", "utf8mb3"):
            alias = f"{table.charset}, which is " if charset == "utf8" else ""
            yield self.finding(
                table,
                None,
                f"table {name} uses {alias}utf8mb3 (no emoji, no CJK Extension B "
                f"characters); utf8mb4 is recommended: {convert}",
                severity="info",
            )
            return
        why = _LEGACY_CHARSETS.get(charset, "a legacy character set")
        yield self.finding(
            table,
            None,
            f"table {name} uses {table.charset} ({why}), not utf8mb4; convert it: {convert}",
        )


class PrimaryKey(Rule):
    id = "DG-Y72-PRIMARY-KEY"
    clause = "Youzan 7.2"
    description = "every table has a primary key"

    def check(self, table: TableInfo, dialect: str | None) -> Iterator[LintFinding]:
        if table.primary_key:
            return
        if dialect == "mysql":
            example = "id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY"
        elif dialect == "postgresql":
            example = "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
        elif dialect == "sqlite":
            example = "id INTEGER PRIMARY KEY"
        else:
            example = "an id column declared PRIMARY KEY"
        yield self.finding(
            table,
            None,
            f"table {table.qualified_name} has no primary key; add one, e.g. {example}",
        )


# ref. Youzan 7.3 / Alibaba Java Development Manual (MySQL, table design 6): "decimals are
# DECIMAL; FLOAT and DOUBLE are forbidden" (they lose precision). What marks a money column:
# English words as whole name tokens (short, ambiguous ones) or inside a token (longer
# ones), Chinese words anywhere in the name or comment; rates and counts are not money.
_MONEY_TOKENS = frozenset(
    {"amt", "cash", "cost", "costs", "fee", "fees", "gmv", "tax", "wage", "wages", "yuan"}
)
_MONEY_STEMS = (
    "amount",
    "balance",
    "commission",
    "deposit",
    "income",
    "money",
    "payment",
    "price",
    "refund",
    "revenue",
    "salary",
)
_MONEY_ZH = re.compile(
    "金额|价格|价钱|单价|总价|售价|余额|工资|薪资|薪水|费用|运费|手续费|成本|退款|佣金|收入|押金|税额|货款|现金"
)
_MONEY_COMMENT = re.compile(
    r"\b(?:" + "|".join(sorted(_MONEY_TOKENS | set(_MONEY_STEMS))) + r")s?\b", re.IGNORECASE
)
_NOT_MONEY_TOKENS = frozenset(
    {"rate", "ratio", "percent", "pct", "percentage", "count", "cnt", "num", "qty", "weight"}
)
_NOT_MONEY_ZH = re.compile("率|比例|百分比|占比|数量|次数|权重")
_NOT_MONEY_COMMENT = re.compile(
    r"\b(?:" + "|".join(sorted(_NOT_MONEY_TOKENS)) + r")s?\b", re.IGNORECASE
)
_FLOAT_TYPE = re.compile(r"\s*(?:float\d?|double|real|binary_float|binary_double)\b", re.I)


def _tokens(name: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return [t.lower() for t in re.findall(r"[A-Za-z]+", spaced)]


def is_money_column(column: ColumnInfo) -> bool:
    """Whether the name or comment says the column holds an amount of money."""
    tokens = _tokens(column.name)
    comment = column.comment or ""
    if _NOT_MONEY_TOKENS.intersection(tokens) or _NOT_MONEY_COMMENT.search(comment):
        return False
    if _NOT_MONEY_ZH.search(column.name) or _NOT_MONEY_ZH.search(comment):
        return False
    if _MONEY_TOKENS.intersection(tokens):
        return True
    if any(stem in token for token in tokens for stem in _MONEY_STEMS):
        return True
    return bool(
        _MONEY_ZH.search(column.name) or _MONEY_ZH.search(comment) or _MONEY_COMMENT.search(comment)
    )


class MoneyDecimal(Rule):
    id = "DG-Y73-MONEY-DECIMAL"
    clause = "Youzan 7.3"
    description = "money columns (price, amount, fee, 金额 …) are DECIMAL/NUMERIC, not FLOAT/DOUBLE"

    def check(self, table: TableInfo, dialect: str | None) -> Iterator[LintFinding]:
        for column in table.columns:
            if not _FLOAT_TYPE.match(column.type) or not is_money_column(column):
                continue
            where = f"column {table.qualified_name}.{column.name}"
            if dialect == "sqlite":
                fix = (
                    "store INTEGER minor units (fen/分) instead; SQLite keeps DECIMAL values "
                    "as floating point"
                )
            elif dialect == "postgresql":
                fix = "declare it NUMERIC(18, 2)"
            else:
                fix = "declare it DECIMAL(18, 2)"
            yield self.finding(
                table,
                column,
                f"{where} holds money but is {column.type}, which rounds; {fix}",
            )


# ref. Youzan 7.3: no "reserved" columns kept for later. Names: a spare-word followed by a
# number (spare1, reserved_2, ext3, attr4), a bare spare-word (spare, reserved, bak), or a
# spare-word + field/col (reserved_field). Comments: 备用/预留/保留/扩展 on their own or
# followed by 字段/列, or "reserved for future use". 银行预留手机号 (the phone number a bank
# has on file) and 备用手机号 (a second phone number) hold real data and do not match.
_SPARE_WORDS = r"(?:spare|reserved?|ext|extend|extra|backup|bak|unused|field|attr)"
_SPARE_NAME = re.compile(
    rf"{_SPARE_WORDS}_?\d+"
    r"|(?:spare|reserved?|bak|backup|unused)"
    r"|(?:spare|reserved?|ext|extend|backup|bak|unused)_(?:field|col|column)_?\d*",
    re.IGNORECASE,
)
_SPARE_ZH = re.compile(r"(?:备用|预留|保留|扩展)(?:字段|列|位)?\s*\d*")
_SPARE_ZH_ANYWHERE = re.compile(r"(?:备用|预留|保留|扩展)(?:字段|列)")
_SPARE_COMMENT = re.compile(
    r"\s*(?:(?:spare|reserved|backup|unused)(?:\s+(?:field|column))?\s*\d*"
    r"|.*\breserved for (?:future|later) use\b.*)\s*[.。]?\s*",
    re.IGNORECASE,
)


def is_spare_column(column: ColumnInfo) -> bool:
    """Whether the name or comment marks the column as kept for some later use."""
    comment = (column.comment or "").strip()
    return bool(
        _SPARE_NAME.fullmatch(column.name)
        or _SPARE_ZH.fullmatch(column.name)
        or _SPARE_ZH_ANYWHERE.search(column.name)
        or (comment and _SPARE_ZH.fullmatch(comment))
        or _SPARE_ZH_ANYWHERE.search(comment)
        or (comment and _SPARE_COMMENT.fullmatch(comment))
    )


class SpareColumn(Rule):
    id = "DG-Y73-SPARE-COLUMN"
    clause = "Youzan 7.3"
    description = "no spare columns kept for later (spare1, reserved2, ext1, bak, 备用, 预留)"
    severity = "warning"

    def check(self, table: TableInfo, dialect: str | None) -> Iterator[LintFinding]:
        for column in table.columns:
            if is_spare_column(column):
                yield self.finding(
                    table,
                    column,
                    f"column {table.qualified_name}.{column.name} looks like a spare column "
                    "kept for later; drop it and add a named column when it is needed",
                )


# -- running ---------------------------------------------------------------------------------


def rules() -> list[Rule]:
    """One instance of every registered rule, in definition order."""
    return [cls() for cls in Rule.registry.values()]


def _matching(token: str, ids: Sequence[str]) -> list[str]:
    """The rule ids *token* names: an exact id or an id prefix ending at a ``-``."""
    wanted = token.strip().upper().rstrip("-")
    return [i for i in ids if i == wanted or i.startswith(wanted + "-")]


def select_rules(select: Sequence[str] = (), ignore: Sequence[str] = ()) -> list[Rule]:
    """The rules named by *select* (all when empty) less those named by *ignore*.

    Each entry is a rule id or an id prefix (``DG-Y71`` for all of 7.1, ``DG-Y72-TABLE``);
    entries may be comma-separated. An entry that names no rule is a UsageError.
    """
    available = rules()
    ids = [r.id for r in available]

    def expand(entries: Sequence[str], option: str) -> set[str]:
        chosen: set[str] = set()
        for entry in entries:
            for token in filter(None, (t.strip() for t in entry.split(","))):
                found = _matching(token, ids)
                if not found:
                    raise UsageError(
                        f"{option} {token}: no such rule; run `dataguard lint --rules` to list them"
                    )
                chosen.update(found)
        return chosen

    selected = expand(select, "--select") if select else set(ids)
    ignored = expand(ignore, "--ignore")
    return [r for r in available if r.id in selected and r.id not in ignored]


def lint(
    tables: Iterable[TableInfo],
    *,
    dialect: str | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> LintReport:
    """Check *tables* against the selected rules.

    *dialect* (``mysql``/``mariadb``, ``postgresql``, ``sqlite`` or None for unknown) decides
    which rules can be checked and how fixes are spelled; *select* and *ignore* take rule ids
    or prefixes as :func:`select_rules` does.
    """
    dialect = normalize_dialect(dialect)
    active: list[Rule] = []
    skipped: list[NotCheckable] = []
    for rule in select_rules(select, ignore):
        reason = rule.not_checkable(dialect)
        if reason is None:
            active.append(rule)
        else:
            skipped.append(NotCheckable(rule.id, reason))
    report = LintReport(
        dialect=dialect, tables=0, rules=tuple(r.id for r in active), not_checkable=skipped
    )
    for table in tables:
        report.tables += 1
        for rule in active:
            report.findings.extend(rule.check(table, dialect))
    return report
