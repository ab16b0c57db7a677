"""``dataguard scan``: find, grade and report personal data in databases, dumps and files."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from dataguard.cli.errors import EXIT_FINDINGS, EXIT_USAGE, exit_on_sigterm, user_errors
from dataguard.cli.keys import keystore_options, open_keyring
from dataguard.cli.options import (
    OutputFile,
    entities_option,
    min_score_option,
    parse_entities,
    processes_option,
)
from dataguard.cli.trail import Trail, audited

from dataguard.detect import Detector
from dataguard.errors import UsageError
from dataguard.scan.baseline import Changes, compare, load_baseline, save_baseline
from dataguard.scan.database import DEFAULT_SAMPLE, scan_database
from dataguard.scan.grading import SCHEMES
from dataguard.scan.parallel import default_workers
from dataguard.scan.report import ScanReport
from dataguard.sources.database import describe_url

__all__ = ["scan_group"]

FORMATS = ("json", "csv", "md", "html")
_SUFFIXES = {".json": "json", ".csv": "csv", ".md": "md", ".markdown": "md", ".html": "html"}
FAIL_ON = ("plaintext", "new-plaintext", "new", "any", "never")

SCAN_HELP = """Find, grade and report personal data in databases, SQL dumps and files.

For every column: the entity it holds, how sure the scan is and why (column name
and comment, how many sampled values validate, placeholders), whether it is
already protected (masked, hashed, encrypted), its grade (S1-S4 by default) and
the mandate it breaks, and what to do about it. Reports show masked previews only.

\b
Examples:
  dataguard scan db sqlite:///samples/shop.db -o shop-report.html
  dataguard scan db postgresql+psycopg://postgres@127.0.0.1/test --schema public
  dataguard scan db mysql+pymysql://root@127.0.0.1/shop --table 'order*' -f md
  dataguard scan dump backup.sql.gz -o dump-report.json
  dataguard scan files exports/ app.log -f csv -o files.csv
  dataguard scan db URL --baseline scan-baseline.json --fail-on new-plaintext
  dataguard scan db URL --audit        # also record the scan in the audit log

--audit opens the keystore (for the audit key) and writes an entry with the
counts of personal columns per grade; without it no keystore is needed.

Exit status: 0 nothing to report, 1 the --fail-on condition holds (default:
personal data in plaintext), 2 usage or input error.
"""


def _output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every scan source shares: sampling, grading, output, gating and audit."""
    options: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
        click.option(
            "--sample",
            type=click.IntRange(min=1),
            default=DEFAULT_SAMPLE,
            show_default=True,
            help="Rows sampled per table (lines per log file).",
        ),
        click.option("--seed", type=int, default=0, show_default=True, help="Sampling seed."),
        click.option(
            "--scheme",
            default="S1-S4",
            show_default=True,
            metavar="NAME",
            help=f"Grading scheme: {', '.join(repr(n) for n in SCHEMES)}.",
        ),
        click.option(
            "-f",
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            help="Report format (default: from the -o suffix, else json).",
        ),
        click.option(
            "-o",
            "--output",
            type=OutputFile(),
            help="Write the report here (default: stdout).",
        ),
        click.option(
            "--include-clean",
            is_flag=True,
            help="List columns without personal data too (JSON always lists them).",
        ),
        click.option(
            "--baseline",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Compare with this earlier scan and report only changes; "
            "records the scan there if the file does not exist.",
        ),
        click.option(
            "--update-baseline", is_flag=True, help="Replace the baseline with this scan."
        ),
        click.option(
            "--fail-on",
            type=click.Choice(FAIL_ON),
            default="plaintext",
            show_default=True,
            help="Exit 1 when: any plaintext personal data; new-plaintext (vs. --baseline); "
            "new (any new personal column); any personal column; never.",
        ),
        entities_option,
        min_score_option,
        click.option(
            "--audit",
            is_flag=True,
            help="Record the scan (counts, never values) in the audit log; opens the keystore.",
        ),
        keystore_options,
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group("scan", help=SCAN_HELP)
def scan_group() -> None:
    """The ``dataguard scan`` command group."""


DB_HELP = """Scan a live database: SQLite, PostgreSQL or MySQL/MariaDB.

URL is an SQLAlchemy URL. The scan is READ-ONLY: every connection is put in
read-only mode before its first statement, so it cannot write even by mistake.
It reads the catalogue (types, comments, row estimates) and a seeded sample of
each table (TABLESAMPLE on PostgreSQL; at most --sample rows), numeric, JSON
and long-text columns included. Text and wide number columns that the sample
leaves almost empty (a phone in one row of thousands) get a second look: up to
200 of their non-empty values are read besides, and the report notes it.

\b
Examples:
  dataguard scan db sqlite:///samples/shop.db -o shop-report.html
  dataguard scan db postgresql+psycopg://postgres@127.0.0.1:5432/test -f md
  dataguard scan db mysql+pymysql://root@127.0.0.1:3306/shop --table 'sys_*'
  dataguard scan db URL --scheme 'JR/T 0197' -o report.json
"""


@scan_group.command("db", help=DB_HELP)
@click.argument("url")
@click.option("--schema", "schemas", multiple=True, metavar="PATTERN", help="Schemas to scan.")
@click.option("--table", "tables", multiple=True, metavar="PATTERN", help="Tables to scan.")
@processes_option("Processes assessing tables (0: one per CPU, at most 4; small scans use one).")
@click.option(
    "--sparse-check/--no-sparse-check",
    default=True,
    show_default=True,
    help="Read up to 200 more non-empty values of text and wide number columns that a "
    "full sample leaves with fewer than 20 (one more statement, at most one more pass, "
    "per such table).",
)
@_output_options
@user_errors
def scan_db_command(
    url: str,
    schemas: tuple[str, ...],
    tables: tuple[str, ...],
    jobs: int,
    sparse_check: bool,
    **opts: Any,
) -> None:
    with audited("scan.db", role="operator") as trail:
        _audit(trail, opts, target=describe_url(url))
        progress = _Progress("tables")
        exit_on_sigterm()
        with progress:
            report = scan_database(
                url,
                schemas=schemas,
                tables=tables,
                sample=opts["sample"],
                seed=opts["seed"],
                scheme=opts["scheme"],
                detector=_detector(opts),
                on_table=lambda info, done, total: progress(info.qualified_name, done, total),
                workers=jobs or default_workers(),
                sparse=sparse_check,
            )
        _finish(report, opts, trail)


DUMP_HELP = """Scan a MySQL/MariaDB or PostgreSQL SQL dump without a server.

The dump (plain, .gz, .bz2 or .xz) is streamed: CREATE TABLE statements give
the columns, types and comments; INSERT and COPY data give a seeded reservoir
sample of at most --sample rows per table, so multi-GB dumps scan in bounded
memory. pg_dump archives (-Fc custom, -Ft tar, -Fd directory) are read through
pg_restore, which comes with the PostgreSQL client; no server is needed.

\b
Examples:
  mysqldump shop > shop.sql && dataguard scan dump shop.sql -o shop.html
  pg_dump shop | gzip > shop.sql.gz && dataguard scan dump shop.sql.gz -f md
  pg_dump -Fc shop > shop.dump && dataguard scan dump shop.dump -o shop.html
"""


@scan_group.command("dump", help=DUMP_HELP)
@click.argument("dump", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--dialect",
    type=click.Choice(["auto", "mysql", "postgresql"]),
    default="auto",
    show_default=True,
    help="The dump's SQL dialect.",
)
@click.option("--table", "tables", multiple=True, metavar="PATTERN", help="Tables to scan.")
@_output_options
@user_errors
def scan_dump_command(dump: Path, dialect: str, tables: tuple[str, ...], **opts: Any) -> None:
    from dataguard.scan.dump import scan_dump
    from dataguard.sources.dump.archive import archive_size

    with audited("scan.dump", role="operator") as trail:
        _audit(trail, opts, target=dump.name)
        progress = _Progress("bytes", total=archive_size(dump))
        exit_on_sigterm()
        with progress:
            report = scan_dump(
                dump,
                dialect=dialect,
                tables=tables,
                sample=opts["sample"],
                seed=opts["seed"],
                scheme=opts["scheme"],
                detector=_detector(opts),
                on_bytes=progress.advance_to,
            )
        _finish(report, opts, trail)


FILES_HELP = """Scan files: CSV, TSV, JSON lines, Parquet, Excel (.xlsx) and logs.

Tables are classified column by column from a seeded sample spread over the
file; any other file is read as a log (a reservoir of --sample lines, one
free-text column). pg_dump archives (-Fc, -Ft, -Fd) among them are scanned as
`scan dump` scans them, their tables named PATH#schema.table. Directories are
walked; hidden files are skipped.

\b
Examples:
  dataguard scan files exports/orders.csv exports/members.parquet
  dataguard scan files /var/log/app/ -f md -o logs-report.md
  dataguard scan files --no-quoting orders.tsv      # from mysql -B or COPY ... TO
"""


@scan_group.command("files", help=FILES_HELP)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--sparse-check/--no-sparse-check",
    default=True,
    show_default=True,
    help="Give columns and JSON keys the sample leaves with fewer than 20 values a second "
    "look: up to 200 more of their non-empty values (a CSV, Parquet or sheet: one more "
    "streamed pass over such a table; JSON lines: the file is read to its end).",
)
@click.option(
    "--no-quoting",
    is_flag=True,
    help="CSV/TSV files whose quotes are plain characters: a database's tab-separated "
    "text (mysql -B, PostgreSQL COPY ... TO, SELECT ... INTO OUTFILE), a line a record.",
)
@_output_options
@user_errors
def scan_files_command(
    paths: tuple[Path, ...], sparse_check: bool, no_quoting: bool, **opts: Any
) -> None:
    from dataguard.scan.files import scan_files

    with audited("scan.files", role="operator") as trail:
        # File names may be personal (a CV, a case file): the entry counts the paths.
        _audit(trail, opts, paths=len(paths))
        progress = _Progress("files")
        exit_on_sigterm()
        with progress:
            report = scan_files(
                list(paths),
                sample=opts["sample"],
                seed=opts["seed"],
                scheme=opts["scheme"],
                detector=_detector(opts),
                on_file=lambda path, done: progress(str(path), done, None),
                sparse=sparse_check,
                quoting=not no_quoting,
            )
        _finish(report, opts, trail)


# -- shared -------------------------------------------------------------------------------


def _audit(trail: Trail, opts: dict[str, Any], **details: str | int) -> None:
    """With --audit, open the keystore now (before scanning) so that the scan is recorded."""
    if not opts["audit"]:
        if opts["keystore"] is not None or opts["passphrase_fd"] is not None:
            raise UsageError("--keystore and --passphrase-fd are for --audit; add --audit")
        return
    trail.attach(open_keyring(opts["keystore"], opts["passphrase_fd"]))
    trail.details.update(details, scheme=opts["scheme"], sample=opts["sample"])


def _detector(opts: dict[str, Any]) -> Detector:
    return Detector(parse_entities(opts["entities"]), min_score=opts["min_score"])


def _format(opts: dict[str, Any]) -> str:
    if opts["fmt"]:
        return str(opts["fmt"])
    output: Path | None = opts["output"]
    if output is None:
        return "json"
    fmt = _SUFFIXES.get(output.suffix.lower())
    if fmt is None:
        raise UsageError(
            f"cannot tell the report format from {output.name}; pass -f {'|'.join(FORMATS)}"
        )
    return fmt


def render(report: ScanReport, fmt: str, include_clean: bool) -> str:
    """The report in *fmt* (json, csv, md or html)."""
    if fmt == "json":
        return report.to_json(include_clean=True) + "\n"
    if fmt == "csv":
        from dataguard.scan.render import render_csv

        return render_csv(report, include_clean=include_clean)
    if fmt == "md":
        from dataguard.scan.render import render_markdown

        return render_markdown(report, include_clean=include_clean)
    from dataguard.scan.html import render_html

    return render_html(report)


def _finish(report: ScanReport, opts: dict[str, Any], trail: Trail) -> None:
    """Compare with the baseline, write the report, summarise, and exit by --fail-on
    (exit 2 after the report when part of the source could not be scanned; such a scan
    never becomes the baseline)."""
    counts = report.summary()
    trail.details.update(
        tables=counts["tables"],
        columns=counts["columns"],
        personal_columns=counts["personal_columns"],
        plaintext_columns=counts["plaintext_columns"],
    )
    trail.details.update({f"grade {grade}": n for grade, n in counts["by_grade"].items()})
    fmt = _format(opts)
    baseline_path: Path | None = opts["baseline"]
    changes = None
    full = report
    if baseline_path is not None:
        baseline = load_baseline(baseline_path)
        if report.unreadable and (baseline is None or opts["update_baseline"]):
            # A partial scan as the baseline would make the unread tables "new" next time.
            click.echo(
                f"baseline not recorded in {baseline_path}: part of the source could not "
                "be scanned",
                err=True,
            )
        elif baseline is None or opts["update_baseline"]:
            save_baseline(report, baseline_path)
            click.echo(f"baseline recorded in {baseline_path}", err=True)
        if baseline is None:
            # The first scan is the baseline: everything is reported, nothing is new.
            changes = Changes()
        else:
            changes = compare(report, baseline)
            keys = changes.keys
            # A later scan reports only what changed.
            report = ScanReport(
                **{**report.__dict__, "columns": [c for c in report.columns if c.key in keys]}
            )
            report.baseline = changes.to_dict()
    elif opts["update_baseline"]:
        raise UsageError("--update-baseline needs --baseline FILE")
    text = render(report, fmt, opts["include_clean"])
    output: Path | None = opts["output"]
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, "utf-8")
    _summary(full, report, changes, output)
    if full.unreadable:  # no gate may read a scan that skipped files as a clean one
        what = "table(s)" if full.source == "database" else "file(s)"
        click.echo(
            f"error: {full.unreadable} {what} could not be scanned (see the notes)", err=True
        )
        raise SystemExit(EXIT_USAGE)
    if _fails(opts["fail_on"], full, changes):
        raise SystemExit(EXIT_FINDINGS)


def _fails(fail_on: str, report: ScanReport, changes: Any) -> bool:
    if fail_on == "never":
        return False
    if fail_on == "plaintext":
        return any(c.protection == "plaintext" for c in report.personal)
    if fail_on == "any":
        return bool(report.personal)
    if changes is None:
        raise UsageError(f"--fail-on {fail_on} needs --baseline FILE")
    return bool(changes.new_plaintext if fail_on == "new-plaintext" else changes.new)


def _summary(full: ScanReport, shown: ScanReport, changes: Any, output: Path | None) -> None:
    s = full.summary()
    click.echo(
        f"{s['personal_columns']} of {s['columns']} columns in {s['tables']} tables hold "
        f"personal data, {s['plaintext_columns']} in plaintext "
        f"({', '.join(f'{g}: {n}' for g, n in s['by_grade'].items()) or 'none'}); "
        f"{full.seconds:.1f} s",
        err=True,
    )
    if changes is not None and shown.baseline is not None:
        click.echo(
            f"since the baseline: {len(changes.new)} new, {len(changes.changed)} changed, "
            f"{len(changes.gone)} gone, {len(changes.new_plaintext)} new in plaintext",
            err=True,
        )
    for note in full.notes:
        click.echo(f"note: {note}", err=True)
    if full.source == "database":
        click.echo(f"read-only scan: nothing was written to {full.target}", err=True)
    if output is not None:
        click.echo(f"report written to {output}", err=True)


class _Progress:
    """A progress line on stderr when it is a terminal; nothing in pipes and tests."""

    def __init__(self, unit: str, total: int | None = None) -> None:
        self.enabled = sys.stderr.isatty()
        self.unit = unit
        self.bar: Any = None
        self.total = total
        self.position = 0

    def __enter__(self) -> _Progress:
        if self.enabled and self.total is not None:
            self._start(self.total)
        return self

    def _start(self, total: int | None) -> None:
        self.bar = click.progressbar(
            length=total, label=f"scanning {self.unit}", file=sys.stderr, show_eta=True
        )
        self.bar.__enter__()

    def __call__(self, name: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self._start(total)
        self.bar.label = f"scanning {name[-40:]:<40}"
        self.bar.update(done - self.position)
        self.position = done

    def advance_to(self, position: int) -> None:
        if self.bar is not None:
            self.bar.update(position - self.position)
            self.position = position

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
