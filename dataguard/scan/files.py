"""``dataguard scan files``: CSV, TSV, JSON lines, Parquet, Excel and log files.

Tables (by extension, :func:`dataguard.sources.tables.table_format`) are sampled as batch
redaction samples them (seeded, spread over the file, streamed) and each column is assessed
like a database column (:mod:`dataguard.scan.assess`); JSON lines give one column per
top-level field. Any other file is read as a log: a seeded reservoir of its lines, held
to the sample size, is assessed as one free-text column named ``<line>``. A gzip, bzip2 or
xz table (``orders.csv.gz``) is read from a decompressed copy in the temporary folder, a
compressed log (``app.log.1.gz``) as its lines. Directories are walked; hidden files and
directories are skipped.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import polars as pl

from dataguard.detect import Detector
from dataguard.detect.headers import personal_column_name
from dataguard.detect.normalize import UNDECODABLE_BYTE
from dataguard.errors import UsageError
from dataguard.scan.assess import MAX_VALUE_CHARS, SUMMARY_COLUMN, TITLE_COLUMN, TableAssessor
from dataguard.scan.report import ScanReport, TableSummary
from dataguard.scan.reservoir import Reservoir
from dataguard.sources.catalog import ColumnInfo
from dataguard.sources.compressed import (
    HANDLED,
    compression_of_name,
    decompressed_copy,
    open_decompressed,
)
from dataguard.sources.dump.archive import archive_format
from dataguard.sources.logs import decode_text
from dataguard.sources.nested import elements, flatten
from dataguard.sources.sparse import sparse_note, top_up_frame
from dataguard.sources.tables import (
    _EXTENSIONS,
    estimate_rows,
    named_format,
    open_table,
    read_error,
    read_workbook,
    sample_rows,
    scan_jsonl,
)
from dataguard.sources.utf16 import utf8_lines

__all__ = ["LINE_COLUMN", "SUMMARY_COLUMN", "TITLE_COLUMN", "scan_files"]

#: The column name a log file's lines are reported under.
LINE_COLUMN = "<line>"


def _walk(paths: Sequence[Path]) -> Iterator[Path]:
    """The files under *paths*, hidden ones left out; a pg_dump directory-format archive
    (a folder holding ``toc.dat``) is one item, read as the archive it is."""
    for path in paths:
        if path.is_dir() and archive_format(path) is None:
            archives: list[Path] = []
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if any(p.startswith(".") for p in relative):
                    continue
                if any(child.is_relative_to(a) for a in archives):
                    continue
                if child.is_dir() and archive_format(child) == "directory":
                    archives.append(child)
                    yield child
                elif child.is_file():
                    yield child
        elif path.is_file() or path.is_dir():
            yield path
        else:
            raise UsageError(f"no such file or directory: {path}")


def scan_files(
    paths: Sequence[Path],
    *,
    sample: int = 1000,
    seed: int = 0,
    scheme: str = "S1-S4",
    detector: Detector | None = None,
    keys: Mapping[str, str] | None = None,
    on_file: Callable[[Path, int], object] | None = None,
    sparse: bool = True,
    quoting: bool = True,
) -> ScanReport:
    """Scan files and directories; one table per file (per sheet for workbooks).

    A file that cannot be read (malformed CSV, mixed encodings, a binary file named .csv)
    costs that file, not the scan: the error goes into the report's notes, counted in
    :attr:`ScanReport.unreadable`, and the other files are scanned. When no file could be
    read, the first error is raised.

    ``sparse``: give the columns (JSON keys) that the sample leaves almost empty a second
    look at more of their values (:mod:`dataguard.sources.sparse`); False judges every
    column from the sample alone, and a JSON-lines file is read only as far as its
    sample reaches. ``quoting`` False: CSV/TSV files are a database's tab-separated text,
    whose quotes are plain characters (:func:`~dataguard.sources.tables.open_table`).
    """
    report = ScanReport.begin(
        ", ".join(str(p) for p in paths), "files", scheme=scheme, sample=sample, seed=seed
    )
    clock = time.perf_counter()
    assessor = TableAssessor(detector or Detector(), report.grading, keys)
    first_error: UsageError | None = None
    for done, path in enumerate(_walk(paths), 1):
        try:
            _scan_file(report, assessor, path, sample, seed, sparse=sparse, quoting=quoting)
        except UsageError as exc:  # its message names the file and place, never a value
            first_error = first_error or exc
            report.unreadable += 1
            report.not_scanned.append(str(path))
            report.notes.append(f"not scanned ({path}): {exc}")
        if on_file is not None:
            on_file(path, done)
    if not report.tables:
        raise first_error or UsageError("no files to scan")
    report.seconds = time.perf_counter() - clock
    return report


def _scan_file(
    report: ScanReport,
    assessor: TableAssessor,
    path: Path,
    sample: int,
    seed: int,
    *,
    sparse: bool,
    quoting: bool,
) -> None:
    """Assess each table of *path* into *report*."""
    if archive_format(path) is not None:
        _scan_archive(report, assessor, path, sample, seed)
        return
    for name, frame, rows, extra, notes, title, footer in _tables(
        path, sample, seed, assessor.detector, sparse=sparse, quoting=quoting
    ):
        columns = [ColumnInfo(c, _type_name(frame.schema[c])) for c in frame.columns]
        # A list column is judged by its elements, as redaction plans it (a phones list
        # of mobiles is a mobile column, not text holding some).
        values = {
            c: elements(frame.get_column(c)).to_list() + extra.get(c, []) for c in frame.columns
        }
        # The lines above the header and below the records are text of their own: a
        # bill's summary names its account holder (姓名：…, 用户:…), which redaction masks.
        for column, lines in ((TITLE_COLUMN, title), (SUMMARY_COLUMN, footer)):
            if lines:
                columns.append(ColumnInfo(column, "TEXT"))
                values[column] = list(lines)
        report.columns.extend(assessor.assess(name, columns, values))
        if extra:
            report.notes.append(sparse_note(name, list(extra), frame.height))
        report.notes.extend(notes)
        report.tables.append(TableSummary(name, rows, len(columns), None, frame.height))


def _scan_archive(
    report: ScanReport, assessor: TableAssessor, path: Path, sample: int, seed: int
) -> None:
    """A pg_dump archive among the files (a nightly ``backup.dump``), scanned as ``scan dump``
    scans it: read as bytes it is compressed junk, and a backup full of personal data was
    reported clean. Its tables are named ``PATH#schema.table``."""
    from dataguard.scan.dump import scan_dump

    dumped = scan_dump(
        path,
        sample=sample,
        seed=seed,
        scheme=report.scheme,
        detector=assessor.detector,
        keys=assessor.keys,
    )
    prefix = f"{path}#"
    report.columns.extend(replace(c, table=prefix + c.table) for c in dumped.columns)
    report.tables.extend(replace(t, table=prefix + t.table) for t in dumped.tables)
    report.notes.extend(f"{path}: {note}" for note in dumped.notes)


def _type_name(dtype: pl.DataType) -> str:
    return "TEXT" if dtype == pl.String else str(dtype).upper()


class _Table(NamedTuple):
    """A table of a file: its sample, its row count (or estimate, or None), the second
    look's extra values per sparse column, and notes for the report."""

    name: str
    frame: pl.DataFrame
    rows: int | None
    extra: dict[str, list[str]]
    notes: tuple[str, ...] = ()
    #: A spreadsheet's title lines above the header (CSV) or title rows' cells (xlsx).
    title: tuple[str, ...] = ()
    #: A bill's summary lines below the records (CSV).
    footer: tuple[str, ...] = ()


def _tables(
    path: Path,
    sample: int,
    seed: int,
    detector: Detector,
    *,
    sparse: bool = True,
    quoting: bool = True,
) -> Iterator[_Table]:
    """Each table in *path* (:class:`_Table`).

    Extra values: of the columns the sample saw (almost) empty
    (:func:`~dataguard.sources.sparse.top_up_frame`); none unless *sparse*.

    A table whose first line holds personal data has no header
    (:func:`~dataguard.detect.headers.personal_column_name`): it is read as data, its
    columns named ``column_1``, ``column_2``, …, so no value becomes a column name in the
    report.
    """
    fmt = _EXTENSIONS.get(path.suffix.lower())
    compression = compression_of_name(path)
    if fmt is None and compression in HANDLED and named_format(path) not in (None, "xlsx"):
        # orders.csv.gz: a table, read by columns from a decompressed copy.
        copy = decompressed_copy(path)
        try:
            for table in _tables(copy, sample, seed, detector, sparse=sparse, quoting=quoting):
                yield table._replace(name=str(path) + table.name[len(str(copy)) :])
        finally:
            shutil.rmtree(copy.parent, ignore_errors=True)
        return
    if fmt is None:
        lines, total = _sample_lines(path, sample, seed)
        lined = pl.DataFrame({LINE_COLUMN: lines}, schema={LINE_COLUMN: pl.String})
        yield _Table(str(path), lined, total, {})
        return
    if fmt == "xlsx":
        workbook = read_workbook(path)
        for sheet, frame in workbook.sheets.items():
            if personal_column_name(frame.columns, detector)[0]:
                frame = _header_as_row(frame)
            # A seeded spread, as redaction draws it: an export sorted by date holds its
            # phones only in the rows after those a head would read.
            drawn = frame.sample(min(sample, frame.height), seed=seed) if frame.height else frame
            extra = top_up_frame(frame.lazy(), drawn) if sparse else {}
            title = tuple(cell for row in workbook.titles.get(sheet, ()) for cell in row if cell)
            yield _Table(f"{path}#{sheet}", drawn, frame.height, extra, title=title)
        return
    if fmt == "jsonl":
        yield _jsonl_table(path, sample, seed, sparse=sparse)
        return
    source = open_table(path, fmt, quoting=quoting)
    try:
        names = source.frame.collect_schema().names()
    except pl.exceptions.PolarsError as exc:
        source.close()
        raise read_error(source, exc) from None
    if personal_column_name(names, detector)[0]:
        source.close()
        source = open_table(path, fmt, header=False, quoting=quoting)
    try:
        try:
            # Struct fields are columns of their own, named by their path (buyer.mobile),
            # as redaction plans them.
            source.frame, nesting = flatten(source.frame)
            # Every batch the sample is drawn from is checked as redaction checks it: a
            # short CSV record is refused, not read as one padded with empty values.
            frame = sample_rows(source, sample, seed, check=source.check_batch)
            frame = frame.drop(nesting.hidden)
            rows = estimate_rows(source)
            extra = top_up_frame(source.frame, frame) if sparse else {}
        except pl.exceptions.PolarsError as exc:
            raise read_error(source, exc) from None
        yield _Table(str(path), frame, rows, extra, title=source.title, footer=source.footer)
    finally:
        source.close()


def _jsonl_table(path: Path, sample: int, seed: int, *, sparse: bool = True) -> _Table:
    """A JSON-lines file as :func:`_tables` yields it, with the second look at sparse keys.

    The sample is drawn as the file is read to its end, keeping the first non-blank
    values of every key (:func:`~dataguard.sources.tables.scan_jsonl`); a key the sample
    saw almost empty, or not at all (filled in one line in five thousand), is judged with
    those values too, as a sparse column of a CSV is. Keys the sample never saw become
    columns of their own, with no sampled value. Without *sparse*, the file is read only
    as far as the sample reaches, and its row count is the sample's.
    """
    read = scan_jsonl(path, sample, seed, first_values=sparse)
    frame = read.frame
    extra: dict[str, list[str]] = {}
    if read.lines > frame.height and read.first_values is not None:  # a sample, not all
        first = read.first_values
        sampled = {
            key: frame.get_column(key).to_list() if key in frame.columns else []
            for key in first.values
        }
        extra = first.beyond(sampled)
        unsampled = [key for key in extra if key not in frame.columns]
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(key) for key in unsampled)
    notes = []
    if read.skipped:
        notes.append(
            f"{path}: {read.skipped} line(s) after the sample are not JSON objects; the second "
            "look at sparse keys passed over them"
        )
    # Without the second look the file is read only as far as the sample reaches: its
    # row count is then unknown (the report says so), not the sample's size.
    rows = read.lines if read.whole else None
    return _Table(str(path), frame, rows, extra, tuple(notes))


def _header_as_row(frame: pl.DataFrame) -> pl.DataFrame:
    """*frame* whose column names were its first row: that row first, as text, and the
    columns named ``column_1``, ``column_2``, …"""
    names = [f"column_{i}" for i in range(1, frame.width + 1)]
    first = pl.DataFrame([[str(c)] for c in frame.columns], schema=names, orient="col")
    rest = frame.select(pl.all().cast(pl.String)).rename(
        dict(zip(frame.columns, names, strict=True))
    )
    return pl.concat([first, rest])


def _sample_lines(path: Path, sample: int, seed: int) -> tuple[list[str], int]:
    """A seeded reservoir sample (Algorithm R) of *path*'s lines, and the line count.

    Memory stays at *sample* lines whatever the file's size. Each line is read as UTF-8
    when it is, else as GB18030 when it is (a Windows service's GBK log: read as UTF-8, its
    names and addresses were U+FFFD and went unseen), as ``filter --encoding auto`` reads
    it; bytes valid in neither become U+FFFD (the sample is for detection; nothing is
    written back). A file starting with a UTF-16 byte-order mark is read as UTF-16
    (:mod:`dataguard.sources.utf16`). A gzip, bzip2 or xz file is read decompressed
    (:mod:`dataguard.sources.compressed`).
    """
    kept: Reservoir[str] = Reservoir(sample, seed)
    limit = MAX_VALUE_CHARS * 4
    with open_decompressed(path) as opened:  # a rotated app.log.1.gz holds lines too
        lines, _ = utf8_lines(opened)  # SQL Server's ERRORLOG is UTF-16
        while raw := lines.readline(limit):
            if not raw.endswith(b"\n"):
                # A huge line: keep its head, skip the rest without holding it.
                while (rest := lines.readline(limit)) and not rest.endswith(b"\n"):
                    pass
            text, _ = decode_text(raw.rstrip(b"\r\n"), "auto")
            kept.add(UNDECODABLE_BYTE.sub("\ufffd", text))
    return kept.items, kept.seen
