"""``dataguard redact``: a redacted copy of an export, column by column."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from dataguard.cli.errors import exit_on_sigterm, user_errors
from dataguard.cli.keys import KeyringOnDemand, keystore_options
from dataguard.cli.options import (
    OutputFile,
    entities_option,
    min_score_option,
    parse_entities,
    processes_option,
    profile_option,
)

from dataguard.detect import Detector
from dataguard.errors import UsageError
from dataguard.mask import Masker, OperatorEnv, load_policy
from dataguard.mask.master_key import key_from_env
from dataguard.mask.policy import pin_rule
from dataguard.redact import DEFAULT_SAMPLE, redact_file, report_json
from dataguard.sources.tables import FORMATS

__all__ = ["exit_at_once_when_interrupted", "redact_command"]

REDACT_HELP = """Write a redacted copy of an export: CSV, TSV, Parquet or JSONL.

Every column is classified from a seeded sample of its values (entity, confidence,
evidence: the column name and how many values validate); columns that are
personal data are masked with the profile's operator for their entity, free-text
columns (remarks, chat, JSON) go through the detection engine, the rest is copied.
Row count and column order are kept; CSV is read and written in its own encoding
(UTF-8 with or without BOM, GBK/GB18030, UTF-16 with a BOM; LF, CRLF or bare-CR
line endings) and separator (a comma, or ; | or tab, detected from the header,
or named by Excel's sep= first line, which is kept). A spreadsheet's title
lines above the header (a WeChat Pay or Alipay bill's account summary too) and a
bill's summary below the records are read as such, masked as text and kept.
Parquet struct fields are masked as columns named by their path (buyer.mobile),
lists element by element, lists of structs field by field (items.phone), maps
of text and lists of key-value structs as JSON by key.
The output has the input's format unless --to or its extension names another.
A gzip, bzip2 or xz export (orders.csv.gz) is decompressed into a private folder
beside the output and read from there; an output named .gz, .bz2 or .xz is
compressed as it is written.

\b
Examples:
  dataguard redact orders.csv -o orders.redacted.csv
  dataguard redact orders.csv --dry-run                 # the plan, nothing written
  dataguard redact export.parquet -o out.parquet --report report.json
  dataguard redact orders.csv -o out.csv -p policy.toml # pin or exempt columns
  dataguard redact big.csv -o out.csv -j 0              # a worker process per CPU
  dataguard redact events.jsonl -o events.redacted.jsonl
  dataguard redact orders.csv.gz -o orders.redacted.csv.gz   # compressed in and out
  mysql -B -e 'SELECT * FROM orders' shop > orders.tsv
  dataguard redact orders.tsv --no-quoting -o orders.redacted.tsv
  dataguard redact bank-batch.txt --from csv --separator "|" -o redacted.txt
  dataguard redact --from-db sqlite:///shop.db --table members -o members.csv
  dataguard redact --from-db postgresql+psycopg://postgres@127.0.0.1/test \\
      --query "SELECT * FROM orders WHERE created_at > '2024-01-01'" -o orders.parquet

A policy pins columns: [keys] buyer_tel = "CN_MOBILE" masks that column as
mobiles whatever the sample says; [fields.remark] operator = "keep" leaves it.

The output appears only when complete (written to a temporary file, then renamed);
the input is never overwritten. Exit status: 0 done, 2 usage or input error.
"""


@click.command("redact", help=REDACT_HELP)
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("-o", "--output", type=OutputFile(), help="The redacted copy.")
@profile_option
@click.option(
    "--from-db",
    "database",
    metavar="URL",
    help="Read a database instead of a file (SQLAlchemy URL; read-only), with --table or --query.",
)
@click.option("--table", metavar="NAME", help="With --from-db: the table to read.")
@click.option("--query", metavar="SQL", help="With --from-db: a SELECT to read.")
@click.option("--db-schema", metavar="NAME", help="With --from-db --table: the schema.")
@click.option("--from", "source_format", type=click.Choice(FORMATS), help="Input format.")
@click.option("--to", "target_format", type=click.Choice(FORMATS), help="Output format.")
@click.option(
    "--encoding",
    default="auto",
    show_default=True,
    help="CSV/TSV text encoding: auto (a BOM's, else UTF-8, else GB18030), utf-8, gbk, utf-16 ...",
)
@click.option(
    "--no-header",
    is_flag=True,
    help="CSV/TSV without a header line: columns are column_1, column_2, ... (for --profile "
    "column rules) and the output has no header either. A header holding personal data is "
    "refused without it.",
)
@click.option(
    "--separator",
    callback=lambda _ctx, _param, value: parse_separator(value),
    metavar="CHAR",
    help="CSV field separator: , ; | or tab (default: detected from the header, a comma "
    "unless it holds none; kept in the output).",
)
@click.option(
    "--no-quoting",
    is_flag=True,
    help="CSV/TSV whose quotes are plain characters: a database's tab-separated text "
    "(mysql -B, PostgreSQL COPY ... TO, SELECT ... INTO OUTFILE), where each line is a "
    "record and \\N, \\t, \\n stay as written. Written back the same way.",
)
@click.option(
    "--binary-as-text",
    is_flag=True,
    help="Read binary columns as UTF-8 text and redact them as text: Parquet strings "
    "written without a string type (Impala, old Hive or Spark), a MySQL BLOB or PostgreSQL "
    "bytea of remarks. Parquet output keeps them binary; a value that is not UTF-8 stops "
    "the run.",
)
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=DEFAULT_SAMPLE,
    show_default=True,
    help="Rows sampled to classify the columns.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sample.")
@click.option("--dry-run", is_flag=True, help="Print the classification and plan; write nothing.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON report here (counts per column, never values).",
)
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@processes_option(
    "Worker processes masking batches (0: one per CPU). Pays off when the engine is the "
    "bottleneck and there are cores to spare: on 2 cores it was no faster. Inputs of one "
    "batch (100,000 rows), JSONL, .xlsx and policies using encrypt run in one process.",
    default=1,
)
@entities_option
@min_score_option
@keystore_options
@user_errors
def redact_command(
    source: Path | None,
    output: Path | None,
    profile: str,
    database: str | None,
    table: str | None,
    query: str | None,
    db_schema: str | None,
    source_format: str | None,
    target_format: str | None,
    encoding: str,
    no_header: bool,
    separator: str | None,
    no_quoting: bool,
    binary_as_text: bool,
    sample: int,
    seed: int,
    dry_run: bool,
    report_path: Path | None,
    force: bool,
    jobs: int,
    entities: str | None,
    min_score: float,
    keystore: Path | None,
    passphrase_fd: int | None,
) -> None:
    if report_path is not None:
        for other, what in ((source, "the input"), (output, "the output")):  # never clobber
            if other is not None and report_path.resolve() == other.resolve():
                raise UsageError(f"--report {report_path} is {what}; give the report its own file")
    policy = load_policy(profile)
    detector = Detector(parse_entities(entities), min_score=min_score)
    # Opened only by the encrypt operator, which then writes an audit entry.
    extras = KeyringOnDemand(keystore, passphrase_fd, command="redact")
    env = OperatorEnv(master_key=key_from_env, extras=extras)
    masker = Masker(policy, detector=detector, env=env)
    exit_on_sigterm()
    with _progress(dry_run) as progress, exit_at_once_when_interrupted():
        report = redact_file(
            source,
            output,
            masker,
            database=database,
            table=table,
            query=query,
            db_schema=db_schema,
            source_format=source_format,
            target_format=target_format,
            encoding=encoding,
            header=not no_header,
            separator=separator,
            quoting=not no_quoting,
            binary_as_text=binary_as_text,
            sample=sample,
            seed=seed,
            dry_run=dry_run,
            force=force,
            jobs=jobs,
            on_rows=progress,
            on_total=progress.total,
        )
    report["profile"] = policy.name
    if report_path is not None:
        report_path.write_text(report_json(report) + "\n", "utf-8")
    if dry_run:
        click.echo(report_json(report))
    _summary(report, dry_run)


@contextlib.contextmanager
def exit_at_once_when_interrupted() -> Iterator[None]:
    """After Ctrl-C or SIGTERM (and the cleanup the redaction does on its way out), exit.

    The exit skips interpreter shutdown: polars' worker threads may still be unwinding a
    cancelled query, and finalising the interpreter under them aborts the process.
    """
    try:
        yield
    except KeyboardInterrupt:
        click.echo("error: interrupted; no output was written", err=True)
        sys.stderr.flush()
        os._exit(130)
    except SystemExit as exc:
        if exc.code in (0, None):
            raise
        click.echo("error: terminated; no output was written", err=True)
        sys.stderr.flush()
        os._exit(exc.code if isinstance(exc.code, int) else 1)


class _progress:
    """Rows, rows/s and ETA on stderr when it is a terminal; nothing in pipes.

    The bar starts when the redaction knows its (estimated) row count.
    """

    def __init__(self, dry_run: bool) -> None:
        self.enabled = sys.stderr.isatty() and not dry_run
        self.rows = 0
        self.started = 0.0
        self.bar: Any = None

    def __enter__(self) -> _progress:
        return self

    def total(self, rows: int | None) -> None:
        if not self.enabled or self.bar is not None:
            return
        self.started = time.monotonic()
        self.bar = click.progressbar(
            length=rows or None,
            label="redacting",
            file=sys.stderr,
            show_eta=True,
            item_show_func=self._show,
        )
        self.bar.__enter__()

    def _show(self, _: object) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        return f"{self.rows:,} rows, {self.rows / elapsed:,.0f} rows/s"

    def __call__(self, rows: int) -> None:
        self.rows += rows
        if self.bar is not None:
            self.bar.update(rows)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def parse_separator(value: str | None) -> str | None:
    """``--separator``: one character; ``tab`` or ``\\t`` for a tab; None: detect."""
    if value is None:
        return None
    if value.lower() in ("tab", "\\t"):
        return "\t"
    if len(value) != 1 or value in '"\r\n':
        raise click.BadParameter("give one character: , ; | or tab")
    return value


def _summary(report: dict[str, Any], dry_run: bool) -> None:
    """A few lines on stderr: what was masked, per column."""
    if report.get("separator_line"):
        click.echo(
            f"read as {report['separator']}-separated values (Excel's separator line "
            f"{report['separator_line']!r}, kept)",
            err=True,
        )
    elif report.get("separator") not in (None, ",", "\t"):
        click.echo(f"read as {report['separator']}-separated values", err=True)
    if report.get("title_lines"):
        click.echo(
            f"{report['title_lines']} title line(s) above the header read as such, "
            "masked as text and kept",
            err=True,
        )
    if report.get("footer_lines"):
        click.echo(
            f"{report['footer_lines']} summary line(s) below the records read as such, "
            "masked as text and kept",
            err=True,
        )
    if report.get("sparse_columns"):
        click.echo(
            "classified from more values (the sample saw them almost empty): "
            + ", ".join(report["sparse_columns"]),
            err=True,
        )
    verb = "would mask" if dry_run else "masked"
    for column in report["columns"]:
        if column["action"] == "keep":
            continue
        # JSON lines are masked line by line: counted per file (below), not per key.
        counted = not dry_run and column.get("changed") is not None
        changed = f": {column['changed']:,} value(s) changed" if counted else ""
        if column["action"] == "by_key":
            how = (
                f"by {column['key_column']} (each value as what its key names: a sensitive "
                "key's entity, else what the engine finds)"
            )
        else:
            how = f"as {column['entity'] or 'findings in text'} with {column['operator']}"
        click.echo(f"{verb} {column['column']} {how}{changed}", err=True)
    kept = [c for c in report["columns"] if c["action"] == "keep"]
    for column in kept:
        strays = column.get("changed", 0) - column.get("changed_by_row_names", 0)
        if strays:
            click.echo(
                f"masked {strays:,} stray value(s) in {column['column']}, clean in "
                "the sample (values shaped like a phone, ID number, e-mail, landline or card "
                "were checked by the engine)",
                err=True,
            )
    for column in report["columns"]:
        if column.get("row_names"):
            click.echo(
                f"masked {column['row_names']:,} name(s) in {column['column']} where they "
                "recur from their row's name column",
                err=True,
            )
    for column in kept:
        left = {} if column.get("changed") else column.get("entities") or {}
        if left:  # a number column (its type kept) holding phones or ID numbers
            entity = max(left, key=left.__getitem__)
            found = ", ".join(f"{n:,} {e}" for e, n in left.items())
            click.echo(
                f"warning: {column['column']} is a number column, copied as numbers (a mask "
                f"is no number) with {found} value(s) in it. To mask those, read the column "
                "as text (from a database: --query with CAST(... AS CHAR)), where such "
                "values are masked and the rest copied, or mask every value as text: "
                f"{pin_rule(column['column'], entity)}",
                err=True,
            )
    if report.get("row_security"):
        click.echo(
            "warning: row-level security filters what this database user reads of the "
            "table: the copy holds only the rows its policies show it; read as the table's "
            "owner or a role with BYPASSRLS for all of them",
            err=True,
        )
    untouched = [c["column"] for c in kept if not c.get("changed") and not c.get("entities")]
    if untouched:
        click.echo(
            f"kept {len(untouched)} column(s) as they were: {', '.join(untouched)}", err=True
        )
    if report.get("lines_changed") is not None and not dry_run:
        found = ", ".join(f"{k} {v:,}" for k, v in report.get("entities", {}).items())
        click.echo(
            f"{report['lines_changed']:,} line(s) changed" + (f"; found {found}" if found else ""),
            err=True,
        )
    if report.get("rows") is not None and not dry_run:
        click.echo(f"{report['rows']:,} rows in {report['seconds']} s", err=True)
