"""``dataguard scan dump``: personal data in a MySQL/MariaDB or PostgreSQL dump, no server.

The dump is streamed once (:func:`dataguard.sources.dump.read_dump`): table definitions
give columns, types and comments; row batches feed a seeded reservoir per table
(Algorithm R) holding at most ``sample`` rows, so memory is bounded by the number of tables
times the sample, whatever the dump's size. Definitions revised later in the dump
(PostgreSQL's ``COMMENT ON`` and ``ALTER TABLE … PRIMARY KEY``) replace earlier ones before
the tables are assessed.

A data-only dump (``mysqldump --no-create-info``, ``pg_dump --data-only``) has rows whose
``INSERT`` names no columns for tables it never defines. Those columns are named by
position (:func:`positional_name`: ``#1``, ``#2``, …) and judged by their values alone,
and the report says so in :attr:`~dataguard.scan.report.ScanReport.notes`; a definition
that turns up later in the dump gives them their names back.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from dataguard.detect import Detector
from dataguard.errors import UsageError
from dataguard.scan.assess import TableAssessor
from dataguard.scan.report import ScanReport, TableSummary
from dataguard.scan.reservoir import Reservoir
from dataguard.sources.catalog import ColumnInfo, TableInfo, matches
from dataguard.sources.sparse import FirstValues, sparse_note

__all__ = ["positional_name", "scan_dump"]


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
    """Scan the SQL dump at *path* (plain or ``.gz``) and return the report.

    A PostgreSQL partition's rows are read as its partitioned table's (as ``scan db``
    reads them through it), unless the *tables* filters leave that table out: one report
    for the table, not one per month of it.
    """
    from dataguard.sources.dump import DumpRows, read_dump

    report = ScanReport.begin(str(path), "dump", scheme=scheme, sample=sample, seed=seed)
    clock = time.perf_counter()
    definitions: dict[str, TableInfo] = {}
    reservoirs: dict[str, Reservoir[dict[str, str | None]]] = {}
    positional: dict[str, int] = {}  # table -> line of its first rows without column names
    first_values: dict[str, FirstValues] = {}  # for sparse columns (sources.sparse)
    for item in read_dump(path, dialect=dialect, on_bytes=on_bytes):
        if isinstance(item, TableInfo):
            definitions[item.qualified_name] = item
            continue
        assert isinstance(item, DumpRows)
        owner = _owner(item.table, definitions, tables)
        if owner != item.table:
            item = replace(item, table=owner)
        elif not _wanted(item.table, tables):
            continue
        names = item.columns or _declared(definitions.get(item.table))
        if names is None:
            positional.setdefault(item.table, item.line)
            names = [positional_name(i) for i in range(max(map(len, item.rows), default=0))]
        reservoir = reservoirs.get(item.table)
        if reservoir is None:  # not setdefault: a Random per batch would be built for nothing
            reservoir = reservoirs[item.table] = Reservoir(sample, seed)
        for row in item.rows:
            reservoir.add(dict(zip(names, row, strict=False)))
        first_values.setdefault(item.table, FirstValues()).add_rows(names, item.rows)
    assessor = TableAssessor(detector or Detector(), report.grading, keys)
    partitions = Counter(
        owner for name in definitions if (owner := _owner(name, definitions, tables)) != name
    )
    for name in sorted(set(definitions) | set(reservoirs)):
        if not _wanted(name, tables) or _owner(name, definitions, tables) != name:
            continue  # left out, or read as its partitioned table
        if partitions[name]:
            report.notes.append(
                f"{name} is partitioned: the rows of its {partitions[name]} partition(s) were "
                "read as its own, not reported one by one"
            )
        reservoir = reservoirs.get(name, Reservoir(0, seed))
        info = definitions.get(name)
        seen_first = first_values.get(name, FirstValues())
        if info is not None and name in positional:  # defined after its first rows
            _name_positions(reservoir.items, info)
            seen_first.renamed({positional_name(i): c.name for i, c in enumerate(info.columns)})
        elif info is None:
            # Rows for a table the dump never defines: the names its INSERTs give, else
            # positions; every column as TEXT.
            info = TableInfo(name, tuple(ColumnInfo(c, "TEXT") for c in _seen(reservoir.items)))
            if name in positional:
                report.notes.append(
                    f"{name}: the dump never defines this table (line {positional[name]} "
                    "inserts rows without column names); its columns are named by position "
                    "(#1, #2, …) and judged by their values alone"
                )
        columns = info.columns
        values = {c.name: [row.get(c.name) for row in reservoir.items] for c in columns}
        if reservoir.seen > len(reservoir.items):  # a sample, not every row: sparse columns?
            more = seen_first.beyond(values)
            for column, extra in more.items():
                values[column] = values[column] + extra
            if more:
                report.notes.append(sparse_note(name, list(more), len(reservoir.items)))
        report.columns.extend(assessor.assess(name, columns, values))
        report.tables.append(
            TableSummary(name, reservoir.seen, len(columns), info.comment, len(reservoir.items))
        )
    if not report.tables:
        raise UsageError(
            f"{path.name}: no CREATE TABLE, INSERT or COPY statements"
            + (" for tables matching the --table filters" if tables else "")
            + "; is it a MySQL/MariaDB or PostgreSQL plain-text dump?"
        )
    report.seconds = time.perf_counter() - clock
    report.read_only = True
    return report


def _owner(table: str, definitions: Mapping[str, TableInfo], patterns: Sequence[str]) -> str:
    """The table whose rows *table*'s are: its outermost wanted partitioned table, or
    itself."""
    owner, seen = table, {table}
    parent = definitions[table].partition_of if table in definitions else None
    while parent is not None and parent not in seen:
        if _wanted(parent, patterns):
            owner = parent
        seen.add(parent)
        parent = definitions[parent].partition_of if parent in definitions else None
    return owner


def _wanted(table: str, patterns: Sequence[str]) -> bool:
    return matches(table, patterns) or matches(table.rsplit(".", 1)[-1], patterns)


def positional_name(index: int) -> str:
    """The name of the column at 0-based *index* of a table the dump never defines: ``#1``…"""
    return f"#{index + 1}"


def _declared(info: TableInfo | None) -> list[str] | None:
    """Column names in declaration order, for INSERT/COPY without a column list."""
    return None if info is None else [c.name for c in info.columns]


def _seen(rows: Sequence[dict[str, str | None]]) -> list[str]:
    """Every column name the sampled rows hold, in first-seen order."""
    return list(dict.fromkeys(name for row in rows for name in row))


def _name_positions(rows: list[dict[str, str | None]], info: TableInfo) -> None:
    """Rename ``#1``, ``#2``… to the declared names, in place (a definition came late)."""
    names = {positional_name(i): c.name for i, c in enumerate(info.columns)}
    for index, row in enumerate(rows):
        rows[index] = {names.get(key, key): value for key, value in row.items()}
