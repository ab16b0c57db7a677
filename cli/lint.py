"""``dataguard lint``: schema hygiene (Youzan 7.1–7.3) of a live database or a DDL file."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from dataguard.cli.errors import EXIT_FINDINGS, user_errors
from dataguard.cli.options import OutputFile

from dataguard.errors import UsageError
from dataguard.scan.lint import (
    SEVERITIES,
    LintReport,
    lint,
    normalize_dialect,
    rules,
    select_rules,
)
from dataguard.sources.catalog import TableInfo, matches

__all__ = ["lint_command"]

FORMATS = ("text", "json", "md")


def _rule_lines() -> str:
    width = max(len(r.id) for r in rules())
    return "\n".join(f"  {r.id:<{width}}  {r.description}" for r in rules())


LINT_HELP = f"""Check a schema against the hygiene rules of Youzan 7.1–7.3.

TARGET is a database URL (SQLAlchemy; read-only) or a DDL file or dump (.sql,
.sql.gz; MySQL or PostgreSQL; pg_dump -Fc/-Ft/-Fd archives through pg_restore).
Only the schema is read: names, types, comments, engine, charset and keys, never
a row; findings name tables and columns and say how to fix them.

\b
Examples:
  dataguard lint sqlite:///shop.db
  dataguard lint mysql+pymysql://dba@db.internal/shop --table 'order_*'
  dataguard lint postgresql+psycopg://dba@pg/shop --schema sales
  dataguard lint schema.sql --dialect mysql
  dataguard lint dump.sql.gz --select DG-Y71 --format json -o lint.json
  dataguard lint shop.sql --ignore DG-Y73-SPARE-COLUMN --format md -o lint.md
  dataguard lint --rules                       # the rules, with their clauses

\b
Rules (select or ignore them by id or prefix, e.g. DG-Y72 or DG-Y72-TABLE):
{_rule_lines()}

A rule the dialect cannot support (comments in SQLite, storage engines in
PostgreSQL) is reported once as "not checkable" instead of flagging every table.

Exit status: 0 clean, 1 findings at or above --fail-on (default: warning; utf8
tables are an info note), 2 usage or input error (unknown rule, unreadable file,
unreachable database).
"""


@click.command("lint", help=LINT_HELP)
@click.argument("target", required=False)
@click.option(
    "--schema",
    "schemas",
    multiple=True,
    metavar="PATTERN",
    help="Only schemas (PostgreSQL) or databases (MySQL) matching this shell pattern; repeatable.",
)
@click.option(
    "--table",
    "tables",
    multiple=True,
    metavar="PATTERN",
    help="Only tables matching this shell pattern (order_*, sales.users); repeatable.",
)
@click.option(
    "--select",
    multiple=True,
    metavar="RULE",
    help="Run only these rules (id or prefix; repeatable or comma-separated). Default: all.",
)
@click.option(
    "--ignore", multiple=True, metavar="RULE", help="Skip these rules (id or prefix; repeatable)."
)
@click.option(
    "--dialect",
    type=click.Choice(["auto", "mysql", "postgresql"]),
    default="auto",
    show_default=True,
    help="SQL dialect of a DDL file (a database URL names its own).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, json for tools (docs/lint.md), md for reviews.",
)
@click.option(
    "-o",
    "--output",
    type=OutputFile(),
    help="Write the report here instead of stdout.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default="warning",
    show_default=True,
    help="Exit 1 when a finding is at least this severe.",
)
@click.option("--rules", "list_rules", is_flag=True, help="List the rules and exit.")
@user_errors
def lint_command(
    target: str | None,
    schemas: tuple[str, ...],
    tables: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    dialect: str,
    output_format: str,
    output: Path | None,
    fail_on: str,
    list_rules: bool,
) -> None:
    if list_rules:
        _emit(_rules_listing(output_format), output)
        return
    if target is None:
        raise UsageError(
            "give a TARGET: a database URL (sqlite:///shop.db) or a DDL file (schema.sql); "
            "see `dataguard lint --help`"
        )
    select_rules(select, ignore)  # a typo fails before a database is contacted
    if output is not None and not _is_url(target) and output.resolve() == Path(target).resolve():
        raise UsageError(f"-o {output} is the file being linted; give the report its own file")
    target_dialect: str | None
    if _is_url(target):
        found, where, target_dialect = _read_database(target, schemas, tables)
    else:
        found, where, target_dialect = _read_file(Path(target), dialect, schemas, tables)
    if not found:
        what = " matching --schema/--table" if schemas or tables else ""
        raise UsageError(f"no tables{what} in {where}; check the target and the patterns")
    report = lint(found, dialect=target_dialect, select=select, ignore=ignore)
    rendered = {"text": _text, "json": _json, "md": _markdown}[output_format](report, where)
    _emit(rendered, output)
    if output is not None:
        click.echo(_summary(report), err=True)
    if report.failed(fail_on):
        raise SystemExit(EXIT_FINDINGS)


# -- reading the target ----------------------------------------------------------------------


def _is_url(target: str) -> bool:
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", target) is not None


def _read_database(
    url: str, schemas: Sequence[str], tables: Sequence[str]
) -> tuple[list[TableInfo], str, str]:
    import sqlalchemy as sa

    from dataguard.sources.catalog import read_catalog
    from dataguard.sources.database import describe_url, read_only_engine

    where = describe_url(url)
    engine = read_only_engine(url)
    try:
        found = list(read_catalog(engine, schemas=schemas, tables=tables, count_rows=False))
        return found, where, engine.dialect.name
    except sa.exc.SQLAlchemyError as exc:
        kind = type(getattr(exc, "orig", None) or exc).__name__
        raise UsageError(
            f"cannot read the schema of {where} ({kind}); check that the database is "
            "reachable, the credentials, and that the user may read its catalogue"
        ) from None
    finally:
        engine.dispose()


def _read_file(
    path: Path, dialect: str, schemas: Sequence[str], tables: Sequence[str]
) -> tuple[list[TableInfo], str, str | None]:
    from dataguard.sources.dump.archive import archive_format

    if not path.is_file() and archive_format(path) is None:
        raise UsageError(
            f"no file {path}; TARGET is a DDL file or dump (.sql, .sql.gz, a pg_dump archive) "
            "or a database URL "
            "such as sqlite:///shop.db"
        )
    try:
        from dataguard.sources.dump import read_ddl
    except ImportError:
        raise UsageError(
            "this dataguard cannot read DDL files yet (dataguard.sources.dump is missing); "
            "lint the live database with its URL instead"
        ) from None
    found = [
        t
        for t in read_ddl(path, dialect=dialect)
        if (not schemas or (t.schema is not None and matches(t.schema, schemas)))
        and (not tables or matches(t.name, tables) or matches(t.qualified_name, tables))
    ]
    return found, str(path), _file_dialect(dialect, found, path)


#: How much of a DDL file is sniffed for a dialect's markers (pg_dump's header, backquotes).
_SNIFF_BYTES = 1 << 20


def _file_dialect(dialect: str, tables: Sequence[TableInfo], path: Path) -> str | None:
    """The dialect given, the one the tables betray (a storage engine is MySQL's), or the
    one the file's first megabyte is marked with (a pg_dump header, ``SET search_path``)."""
    if dialect != "auto":
        return normalize_dialect(dialect)
    if any(
        t.engine or t.charset or any(k.startswith(("mysql_", "mariadb_")) for k in t.options)
        for t in tables
    ):
        return "mysql"
    from dataguard.sources.dump.dialect import marked_dialect

    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None
    return marked_dialect(head)


# -- rendering -------------------------------------------------------------------------------


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        output.write_text(text if text.endswith("\n") else text + "\n", "utf-8")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _summary(report: LintReport) -> str:
    counts = report.counts()
    found = ", ".join(
        _plural(counts[s], {"error": "error", "warning": "warning", "info": "note"}[s])
        for s in SEVERITIES
    )
    dialect = report.dialect or "dialect unknown"
    return f"{found} in {_plural(report.tables, 'table')} ({dialect})"


def _text(report: LintReport, where: str) -> str:
    lines = [f"{f.location}: {f.rule} [{f.severity}] {f.message}" for f in report.findings]
    for skipped in report.not_checkable:
        lines.append(f"not checkable: {skipped.rule}: {skipped.reason}")
    lines.append(f"{where}: {_summary(report)}")
    return "\n".join(lines) + "\n"


def _json(report: LintReport, where: str) -> str:
    document = report.to_dict()
    document = {"version": document.pop("version"), "target": where, **document}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _cell(text: str | None) -> str:
    return "" if text is None else text.replace("|", "\\|").replace("\n", " ")


def _markdown(report: LintReport, where: str) -> str:
    lines = [
        f"# Schema lint: {_cell(where)}",
        "",
        _summary(report) + ".",
        "",
    ]
    if report.findings:
        lines += [
            "| Table | Column | Rule | Clause | Severity | Message |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {_cell(f.table)} | {_cell(f.column)} | {f.rule} | {f.clause} | {f.severity} "
            f"| {_cell(f.message)} |"
            for f in report.findings
        ]
    else:
        lines.append("No findings.")
    if report.not_checkable:
        lines += ["", "## Not checkable", ""]
        lines += [f"- {n.rule}: {_cell(n.reason)}" for n in report.not_checkable]
    return "\n".join(lines) + "\n"


def _rules_listing(output_format: str) -> str:
    listed: list[dict[str, Any]] = [
        {"id": r.id, "clause": r.clause, "severity": r.severity, "description": r.description}
        for r in rules()
    ]
    if output_format == "json":
        return json.dumps(listed, ensure_ascii=False, indent=2) + "\n"
    if output_format == "md":
        lines = ["| Rule | Clause | Severity | Checks |", "|---|---|---|---|"]
        lines += [
            f"| {r['id']} | {r['clause']} | {r['severity']} | {_cell(r['description'])} |"
            for r in listed
        ]
        return "\n".join(lines) + "\n"
    width = max(len(r["id"]) for r in listed)
    return "".join(
        f"{r['id']:<{width}}  {r['clause']}  {r['severity']:<7}  {r['description']}\n"
        for r in listed
    )
