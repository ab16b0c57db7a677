"""``dataguard scan db``: every column of a live database, classified and graded.

Read-only by construction: the engine comes from
:func:`dataguard.sources.database.read_only_engine`, which puts every connection in
read-only mode before its first statement, so the scan cannot write even by mistake.

Per table: the catalogue gives the columns, types, comments and a row estimate
(:mod:`dataguard.sources.catalog`); a seeded, bounded sample is read where the database
can sample (:func:`~dataguard.sources.database.sample_table`); the sample is assessed in
one detection batch (:mod:`dataguard.scan.assess`). Reading samples overlaps with
assessing them, on every core (:mod:`dataguard.scan.parallel`). Text and wide number
columns the sample leaves almost empty get a second look (:mod:`dataguard.sources.sparse`),
noted in the report. A table the server refuses to let the scanning user read (no
``SELECT`` grant, a statement timeout: :mod:`dataguard.sources.refusals`) costs that table,
not the scan: it is named in the notes with what to grant, counted in
:attr:`~dataguard.scan.report.ScanReport.unreadable`, and ``dataguard scan db`` exits 2
after writing the report, so no gate reads a partial scan as a clean one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dataguard.detect import Detector
from dataguard.errors import UsageError
from dataguard.scan.assess import TableAssessor
from dataguard.scan.parallel import assess_tables
from dataguard.scan.report import ScanReport, TableSummary
from dataguard.sources.catalog import ColumnInfo, TableInfo, read_catalog
from dataguard.sources.database import (
    describe_url,
    read_only_engine,
    row_security_applies,
    sample_table,
)
from dataguard.sources.refusals import DENIED, TIMEOUT_SETTINGS, account, refusal
from dataguard.sources.sparse import sparse_columns, sparse_note, top_up

__all__ = ["DEFAULT_SAMPLE", "scan_database"]

#: Rows sampled per table by default: enough to see a 1% share of values with high
#: probability, few enough that 200 tables scan in seconds.
DEFAULT_SAMPLE = 1000


def scan_database(
    url: str,
    *,
    schemas: Sequence[str] = (),
    tables: Sequence[str] = (),
    sample: int = DEFAULT_SAMPLE,
    seed: int = 0,
    scheme: str = "S1-S4",
    detector: Detector | None = None,
    keys: Mapping[str, str] | None = None,
    on_table: Callable[[TableInfo, int, int], object] | None = None,
    workers: int | None = None,
    sparse: bool = True,
) -> ScanReport:
    """Scan the database at *url* (an SQLAlchemy URL) and return the report.

    Args:
        url: ``sqlite:///shop.db``, ``postgresql+psycopg://user@host/db``,
            ``mysql+pymysql://user@host/db``.
        schemas: shell patterns of schemas to scan (PostgreSQL: default all but the
            system's; MySQL/MariaDB: default the URL's database).
        tables: shell patterns of tables (``orders``, ``sys_*``, ``public.users``).
        sample: rows sampled per table (at most).
        seed: the sampling seed: the same seed gives the same sample on unchanged data.
        scheme: the grading scheme (``S1-S4``, ``GB/T 43697``, ``JR/T 0197``).
        detector: the detection engine (default: all recognizers).
        keys: extra sensitive column names (canonical name → entity).
        on_table: called as ``on_table(table, done, total)`` after each table.
        workers: processes assessing tables (default 1: in this process). More use
            ``spawn``, so a calling script needs the ``if __name__ == "__main__":`` guard
            that multiprocessing requires; ``dataguard scan db`` uses one per CPU.
            Samples are read by a thread (two with workers) meanwhile.
        sparse: give text and wide number columns with fewer than 20 non-blank values in
            a full sample up to 200 more non-empty values
            (:mod:`dataguard.sources.sparse`); this can cost one more pass over such a
            table. Should that pass fail (a statement timeout on a huge table), the
            table's note says so and its sparse columns are judged from the sample alone.

    Raises:
        UsageError: a bad URL, an unreachable database, an unknown scheme, filters that
            match no table, or no table the server lets the user read (one refused table
            among others is a note instead). Messages name the database with its password hidden.
    """
    import sqlalchemy as sa

    report = ScanReport.begin(
        describe_url(url), "database", scheme=scheme, sample=sample, seed=seed
    )
    clock = time.perf_counter()
    engine = read_only_engine(url)
    target = report.target
    assessor = TableAssessor(detector or Detector(), report.grading, keys)
    try:
        catalog = list(read_catalog(engine, schemas=schemas, tables=tables))
        if not catalog:
            raise UsageError(
                f"no tables to scan in {target}"
                + (" matching the --schema/--table filters" if schemas or tables else "")
            )

        rows_sampled: dict[str, int] = {}
        topped_up: dict[str, list[str]] = {}
        second_look_failed: dict[str, str] = {}  # table: the database error's class

        refused: dict[str, tuple[str, str]] = {}  # table: (refusal, the error's class)
        filtered: set[str] = set()  # tables row-level security filters for this user

        def read(info: TableInfo) -> tuple[str, tuple[ColumnInfo, ...], dict[str, list[Any]]]:
            name = info.qualified_name
            with engine.connect() as connection:
                try:
                    values = sample_table(connection, info, sample, seed)
                except sa.exc.DBAPIError as exc:
                    why = refusal(exc)
                    if why is None:  # the connection or the database: the scan's end
                        raise
                    refused[name] = (why, type(exc.orig).__name__)
                    return name, info.columns, {c.name: [] for c in info.columns}
                rows_sampled[name] = len(next(iter(values.values()), []))
                if row_security_applies(connection, info):
                    filtered.add(name)
                if sparse:
                    dialect = connection.dialect.name
                    thin = sparse_columns(info, values, sample, dialect)
                    topped_up[name] = [c.name for c in thin]
                    try:
                        more = top_up(connection, info, thin, values)
                    except sa.exc.DBAPIError as exc:
                        # The second look is extra: a statement timeout on a huge table,
                        # or a type it cannot compare, costs that table's second look,
                        # not the scan. A dead connection fails the next table's read.
                        connection.rollback()
                        second_look_failed[name] = type(exc.orig).__name__
                        more = {}
                    for column, extra in more.items():
                        values[column].extend(extra)
            return name, info.columns, values

        jobs = 1 if workers is None else workers
        assessed = assess_tables(catalog, read, assessor, workers=jobs)
        user = account(engine.url, "the scanning user")
        for done, (info, _, reports) in enumerate(assessed, 1):
            name = info.qualified_name
            if name in filtered and not rows_sampled[name] and info.rows:
                # Policies show the user none of its rows: judged by names alone, the
                # table would read as clean.
                refused[name] = (_ROW_SECURITY, "row-level security")
            if name in refused:
                report.unreadable += 1
                report.not_scanned.append(name)
                report.notes.append(_refused_note(name, user, *refused[name]))
                if on_table is not None:
                    on_table(info, done, len(catalog))
                continue
            if name in filtered:
                report.notes.append(
                    f"{name} has row-level security for {user}: the sample holds only the "
                    f"rows its policies show {user} ({rows_sampled[name]:,} sampled, about "
                    f"{info.rows or 0:,} in the table); scan as the table's owner or a role "
                    "with BYPASSRLS to see them all"
                )
            report.columns.extend(reports)
            report.tables.append(
                TableSummary(name, info.rows, len(info.columns), info.comment, rows_sampled[name])
            )
            if info.kind == "partitioned":
                report.notes.append(
                    f"{name} is partitioned: its {info.partitions} partition(s) were read "
                    "through it, not reported one by one"
                )
            elif info.kind == "materialized view":
                report.notes.append(
                    f"{name} is a materialized view: it stores a copy of its query's rows, "
                    "so what it holds must be protected as its tables' data is"
                )
            if topped_up.get(name):
                failed = second_look_failed.get(name)
                report.notes.append(sparse_note(name, topped_up[name], rows_sampled[name], failed))
            if on_table is not None:
                on_table(info, done, len(catalog))
    except sa.exc.SQLAlchemyError as exc:
        kind = type(getattr(exc, "orig", exc)).__name__
        raise UsageError(
            f"database {target} failed during the scan ({kind}); check that it is reachable "
            "and that the user may read the catalogue and the tables"
        ) from None
    finally:
        engine.dispose()
    if not report.tables:
        raise UsageError(
            f"no table of {target} could be read: "
            + "; ".join(n for n in report.notes if " not scanned: " in n)
        )
    report.seconds = time.perf_counter() - clock
    return report


# Not a refusal of the server's: policies that show the scanning user no row of a table.
_ROW_SECURITY = "row security"


def _refused_note(table: str, user: str, why: str, kind: str) -> str:
    """The report's note for a table the server would not let *user* read."""
    if why == DENIED:
        return (
            f"{table} not scanned: the server refused to let {user} read it ({kind}); "
            f"grant it (GRANT SELECT ON {table} TO {user}), or scan as a user who may read it"
        )
    if why == _ROW_SECURITY:
        return (
            f"{table} not scanned: its row-level security policies show {user} none of its "
            f"rows; scan as the table's owner or a role with BYPASSRLS (ALTER ROLE {user} "
            "BYPASSRLS), or add a policy that lets it read them"
        )
    return (
        f"{table} not scanned: reading its sample outlasted the server's statement or "
        f"lock timeout ({kind}); raise the scanning user's timeout ({TIMEOUT_SETTINGS}) "
        "or scan it when the table is not locked"
    )
