"""``dataguard scan dump``: personal data in a MySQL/MariaDB or PostgreSQL dump, no server.

The dump is streamed once (:func:`dataguard.sources.dump.read_dump`): table definitions
give columns, types and comments; row batches feed a seeded reservoir per table
(Algorithm R) holding at most ``sample`` rows, so memory is bounded by the number of tables
times the sample, whatever the dump's size. Definitions revised later in the dump
(PostgreSQL's ``COMMENT ON`` and ``ALTER TABLE … PRIMARY KEY``) replace earlier ones before
the tables are assessed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from dataguard.detect import Detector
from dataguard.errors import UsageError
from dataguard.scan.assess import TableAssessor
from dataguard.scan.report import ScanReport, TableSummary
from dataguard.scan.reservoir import Reservoir
from dataguard.sources.catalog import ColumnInfo, TableInfo, matches

__all__ = ["scan_dump"]


def scan_dump(
    path: Path,
    *,
    dialect: str = "auto",
    tables: Sequence[str] = (),
    sample: int = 1000,
    seed: int = 0,
    scheme: str = "S1-S4",
    detector: Detector | None = None,
    keys: Mapping[str, str] | None = None,
    on_bytes: Callable[[int], object] | None = None,
) -> ScanReport:
    """Scan the SQL dump at *path* (plain or ``.gz``) and return the report."""
    from dataguard.sources.dump import DumpRows, read_dump

    report = ScanReport.begin(str(path), "dump", scheme=scheme, sample=sample, seed=seed)
    clock = time.perf_counter()
    definitions: dict[str, TableInfo] = {}
    reservoirs: dict[str, Reservoir[dict[str, str | None]]] = {}
    for item in read_dump(path, dialect=dialect, on_bytes=on_bytes):
        if isinstance(item, TableInfo):
            definitions[item.qualified_name] = item
            continue
        assert isinstance(item, DumpRows)
        if not _wanted(item.table, tables):
            continue
        names = item.columns or _declared(definitions.get(item.table), item)
        reservoir = reservoirs.get(item.table)
        if reservoir is None:  # not setdefault: a Random per batch would be built for nothing
            reservoir = reservoirs[item.table] = Reservoir(sample, seed)
        for row in item.rows:
            reservoir.add(dict(zip(names, row, strict=False)))
    assessor = TableAssessor(detector or Detector(), report.grading, keys)
    for name in sorted(set(definitions) | set(reservoirs)):
        if not _wanted(name, tables):
            continue
        reservoir = reservoirs.get(name, Reservoir(0, seed))
        # Rows with a column list for a table the dump never defines: names only, as TEXT.
        info = definitions.get(name) or TableInfo(
            name,
            tuple(ColumnInfo(c, "TEXT") for c in (reservoir.items[0] if reservoir.items else {})),
        )
        columns = info.columns
        values = {c.name: [row.get(c.name) for row in reservoir.items] for c in columns}
        report.columns.extend(assessor.assess(name, columns, values))
        report.tables.append(
            TableSummary(name, reservoir.seen, len(columns), info.comment, len(reservoir.items))
        )
    if not report.tables:
        raise UsageError(
            f"{path.name}: no CREATE TABLE statements"
            + (" matching the --table filters" if tables else "")
            + "; is it a MySQL or PostgreSQL dump with its schema (not --no-create-info)?"
        )
    report.seconds = time.perf_counter() - clock
    report.read_only = True
    return report


def _wanted(table: str, patterns: Sequence[str]) -> bool:
    return matches(table, patterns) or matches(table.rsplit(".", 1)[-1], patterns)


def _declared(info: TableInfo | None, rows: object) -> list[str]:
    """Column names in declaration order, for INSERT/COPY without a column list."""
    if info is None:
        line = getattr(rows, "line", "?")
        raise UsageError(
            f"line {line}: rows for a table the dump never defines and whose INSERT names "
            "no columns; dump the schema too (no --no-create-info / --data-only)"
        )
    return [c.name for c in info.columns]
