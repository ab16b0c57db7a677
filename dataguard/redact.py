"""Redacting an export file: source → classify → plan → transform → sink, atomically.

:func:`redact_file` is what ``dataguard redact`` runs. CSV, TSV and Parquet go through
the column-wise :class:`~dataguard.mask.table.TableRedactor` on a polars ``LazyFrame``
(streamed: bounded memory whatever the size). JSONL goes through the line masker in JSON
mode, which keeps every byte outside the masked values (key order, spacing, number
formats) and masks the keys the sample classified as personal data.

The output is written to a temporary file next to it and renamed into place only when
complete, so a failed or interrupted run never leaves a partial file under the final
name; the input is never overwritten.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from dataguard.detect.headers import personal_column_name
from dataguard.errors import UsageError
from dataguard.mask.apply import Masker
from dataguard.mask.keys import canonical_key
from dataguard.mask.policy import keep_rule
from dataguard.mask.stream import MaskerSpec, filter_stream
from dataguard.mask.table import BATCH_ROWS, TablePlan, TableRedactor
from dataguard.outputs import folder_problem
from dataguard.sources.compressed import (
    HANDLED,
    compression_of_file,
    compression_of_name,
    decompressed_copy,
    open_output,
    process_alive,
)
from dataguard.sources.mojibake import read_behind_latin1
from dataguard.sources.nested import flatten, holds_bytes, leaves, restore, unsupported
from dataguard.sources.sparse import top_up_frame
from dataguard.sources.tables import (
    TableSource,
    compressed_error,
    estimate_rows,
    named_format,
    open_table,
    read_error,
    read_workbook,
    sample_jsonl,
    sample_rows,
    table_format,
    write_batches,
    write_workbook,
)

__all__ = ["DEFAULT_SAMPLE", "check_paths", "redact_file", "temporary_path"]

DEFAULT_SAMPLE = 2000
_NO_HEADER_HINT = (
    "pass --no-header for a file without one (columns are then named column_1, column_2, ...)"
)


def check_paths(source: Path, target: Path, force: bool) -> None:
    """Refuse a missing input, an output that is the input, or a bad output
    (:func:`check_output`)."""
    if not source.is_file():
        raise UsageError(f"no such file: {source}")
    if target.exists() and (
        target.resolve() == source.resolve() or os.path.samefile(source, target)
    ):
        raise UsageError(f"{target} is the input: dataguard never overwrites its input")
    check_output(target, force)


def check_output(target: Path, force: bool) -> None:
    """Refuse an existing output without *force*, or one that cannot be written: its
    folder missing or not writable, or not a regular file. Checked before any work, and
    by name: the output is written to a temporary file beside it (:func:`temporary_path`),
    whose name an error would show instead."""
    problem = folder_problem(target)
    if problem is not None:
        raise UsageError(f"cannot write {target}: {problem}")
    if target.exists() and not target.is_file():  # a folder, or /dev/stdout (a link to
        # replace, not to write through): the output is renamed into place
        raise UsageError(f"cannot write {target}: it exists and is not a regular file")
    if target.exists() and not force:
        raise UsageError(f"{target} exists; pass --force to replace it")


def temporary_path(target: Path) -> Path:
    """Where the output is written before it is renamed into place.

    A run killed outright (SIGKILL, power loss) cannot clean up after itself; its leftover
    is removed here by the next run to the same output, once its process is gone.
    """
    for stale in target.parent.glob(f".{target.name}.dataguard-*.tmp"):
        pid = stale.name.rsplit("-", 1)[-1].removesuffix(".tmp")
        if pid.isdigit() and not process_alive(int(pid)):
            stale.unlink(missing_ok=True)
    return target.with_name(f".{target.name}.dataguard-{os.getpid()}.tmp")


def redact_file(
    source: Path | None,
    target: Path | None,
    masker: Masker,
    *,
    database: str | None = None,
    table: str | None = None,
    query: str | None = None,
    db_schema: str | None = None,
    source_format: str | None = None,
    target_format: str | None = None,
    encoding: str = "auto",
    header: bool = True,
    separator: str | None = None,
    quoting: bool = True,
    binary_as_text: bool = False,
    sample: int = DEFAULT_SAMPLE,
    seed: int = 0,
    dry_run: bool = False,
    force: bool = False,
    jobs: int = 1,
    on_rows: Callable[[int], object] | None = None,
    on_total: Callable[[int | None], object] | None = None,
) -> dict[str, Any]:
    """Redact *source* into *target*; return the report (plan, counts; never values).

    With ``dry_run`` nothing is written (``target`` may be None) and the report holds
    the classification and the plan. ``on_total`` is told the (estimated) row count
    before rows are processed, ``on_rows`` how many rows each batch held: a progress bar.
    ``jobs`` worker processes mask CSV, TSV, Parquet and database batches (0: one per
    CPU); one process is used anyway for inputs of a single batch, and when the policy
    holds the keystore (``encrypt``: keys are never sent to other processes).
    ``separator`` is a CSV file's field separator; None: detected (``,``, else ``;``,
    ``|`` or a tab, :func:`~dataguard.sources.tables.sniff_separator`), and kept.
    ``quoting`` False: a CSV/TSV whose quotes are plain characters, a database's own
    tab-separated text (:func:`~dataguard.sources.tables.open_table`), written back the
    same way. ``binary_as_text``: binary columns (Parquet ``BYTE_ARRAY`` written without a
    string type by Impala or old Hive and Spark, a MySQL ``BLOB`` or PostgreSQL ``bytea``
    holding text) are read as UTF-8 text and redacted as text; written back as binary
    into Parquet (:func:`_binary_read_as_text`).

    Raises:
        UsageError: unreadable or malformed input (naming the record or byte), an output
            that is the input or exists without ``force``, an unsupported format, a
            binary column read as text holding bytes that are not UTF-8.
    """
    started = time.monotonic()
    if target is None and not dry_run:
        raise UsageError("give an output file with -o (or use --dry-run)")
    out_compression = None if target is None else compression_of_name(target)
    if out_compression is not None and out_compression not in HANDLED:
        raise UsageError(f"{target}: cannot write {out_compression}; name it .gz, .bz2 or .xz")
    run = _Run(sample, seed, dry_run, jobs, on_rows, on_total, out_compression, binary_as_text)
    if database is not None:
        if source is not None:
            raise UsageError("give either an input file or --from-db, not both")
        report = _redact_database(
            database, table, query, db_schema, target, masker, target_format, force, run
        )
        if out_compression is not None:
            report["output_compression"] = out_compression
        report["seconds"] = round(time.monotonic() - started, 3)
        return report
    if source is None:
        raise UsageError("give an input file (or --from-db URL with --table or --query)")
    fmt = table_format(source, source_format)
    # The output's format: --to, else what its extension names, else the input's
    # (bank-batch.txt --from csv -o redacted.txt stays CSV).
    out_fmt = target_format or (named_format(target) if target is not None else None) or fmt
    if target is not None and not dry_run:
        check_paths(source, target, force)
    if out_compression is not None and out_fmt in ("parquet", "xlsx"):
        raise UsageError(
            f"{target}: {out_fmt} is compressed inside already; name it without {target.suffix}"
            if target is not None
            else f"{out_fmt} is compressed inside already"
        )
    compression = compression_of_file(source)
    if compression is not None and fmt != "xlsx":  # a workbook is a zip archive by design
        return _redact_compressed(
            source,
            compression,
            target,
            masker,
            source_format=fmt,
            target_format=out_fmt,
            encoding=encoding,
            header=header,
            separator=separator,
            quoting=quoting,
            binary_as_text=binary_as_text,
            sample=sample,
            seed=seed,
            dry_run=dry_run,
            force=force,
            jobs=jobs,
            on_rows=on_rows,
            on_total=on_total,
        )
    if fmt == "xlsx" or out_fmt == "xlsx":
        if fmt != out_fmt:
            raise UsageError("an .xlsx workbook is redacted to .xlsx only")
        report = _redact_workbook(source, target, masker, sample, seed, dry_run, on_rows)
    elif fmt == "jsonl":
        if fmt != out_fmt:
            raise UsageError("JSONL is redacted to JSONL only (--to jsonl)")
        report = _redact_jsonl(source, target, masker, run)
    else:
        opened = open_table(
            source, fmt, encoding, header=header, separator=separator, quoting=quoting
        )
        if fmt in ("csv", "tsv") and opened.header:
            try:
                refuse_data_in_header(source.name, opened.frame.collect_schema().names(), masker)
            except (UsageError, pl.exceptions.PolarsError) as exc:
                error = exc if isinstance(exc, UsageError) else read_error(opened, exc)
                opened.close()
                raise error from None
        # A title may name a person (张伟的订单), a bill's summary its holder (用户:张伟):
        # masked as text, as log lines are.
        if opened.title:
            opened.title = tuple(masker.mask_lines(list(opened.title)))
        if opened.footer:
            opened.footer = tuple(masker.mask_lines(list(opened.footer)))
        report = _redact_source(opened, target, masker, out_fmt, sample_rows, run)
        if fmt in ("csv", "tsv"):
            report["separator"] = opened.separator
            if opened.preamble is not None:
                report["separator_line"] = opened.preamble
            if opened.title:
                report["title_lines"] = len(opened.title)
            if opened.footer:
                report["footer_lines"] = len(opened.footer)
    if out_compression is not None:
        report["output_compression"] = out_compression
    report["seconds"] = round(time.monotonic() - started, 3)
    return report


def refuse_data_in_header(
    where: str, columns: list[str], masker: Masker, *, hint: str = _NO_HEADER_HINT
) -> None:
    """Refuse a table whose header line holds personal data: a file without a header.

    Its first record would be taken for column names: never redacted, and printed in
    the summary and the report. A column name in which the detector finds a phone, an
    ID, a card, an email… is data; the error names the column's position and the
    entity, never the value, and points to ``--no-header``.

    Raises:
        UsageError: naming the first such column.
    """
    number, entity = personal_column_name(columns, masker.detector)
    if number:
        raise UsageError(
            f"{where}: column {number} of the header holds a {entity} value, so the first "
            f"line is data, not a header; {hint}"
        )


@dataclass(frozen=True)
class _Run:
    """How a table or database is redacted: sampling, dry run, jobs, progress callbacks."""

    sample: int
    seed: int
    dry_run: bool
    jobs: int
    on_rows: Callable[[int], object] | None
    on_total: Callable[[int | None], object] | None
    #: The output's compression (gzip, bzip2, xz: from its name, ``out.csv.gz``), or None.
    compression: str | None = None
    #: Read binary columns as UTF-8 text (:func:`_binary_read_as_text`).
    binary_as_text: bool = False


def _redact_source(
    source: TableSource,
    target: Path | None,
    masker: Masker,
    out_fmt: str,
    sampler: Callable[[TableSource, int, int], pl.DataFrame],
    run: _Run,
) -> dict[str, Any]:
    """Sample, plan and (unless a dry run) write one opened source; closes it."""
    fmt = source.fmt
    try:
        redactor = TableRedactor(masker)
        redactor.on_rows = run.on_rows
        try:
            texts = _binary_read_as_text(source, masker) if run.binary_as_text else []
            _refuse_unsupported_columns(source, masker, out_fmt)
            # Struct columns are planned and masked leaf by leaf, then put back together.
            source.frame, nesting = flatten(source.frame)
            drawn = sampler(source, run.sample, run.seed).drop(nesting.hidden)
            drawn = drawn.with_columns(pl.col(texts).cast(pl.String))  # a database's sample
            # A short CSV record in the sample is refused before it is classified padded.
            source.check_batch(drawn)
            _refuse_text_stored_as_latin1(source, drawn)
            # A column the sample sees (almost) empty would be planned clean and copied.
            extra = top_up_frame(source.frame, drawn)
            plan = redactor.plan(drawn, extra, source.comments)
            if run.dry_run:  # refuses what the real run would refuse
                source.check_records()
        except pl.exceptions.PolarsError as exc:
            raise _not_text_error(source, texts, exc) or read_error(source, exc) from None
        report = _report_head(source.path, target, fmt, out_fmt, source.encoding, plan)
        report["sparse_columns"] = sorted(extra)
        if run.dry_run:
            return report
        assert target is not None
        total = estimate_rows(source)
        if run.on_total is not None:
            run.on_total(total)
        spec, workers = _workers(masker, run.jobs, total)
        report["jobs"] = workers
        temporary = temporary_path(target)
        # Parquet keeps the column's type; a text format holds the text.
        back = texts if out_fmt == "parquet" else []
        try:
            batches = (
                restore(batch, nesting).with_columns(pl.col(back).cast(pl.Binary))
                for batch in redactor.apply_batches(
                    source.frame, plan, jobs=workers, spec=spec, check=source.check_batch
                )
            )
            _interruptible(
                redactor,
                lambda: write_batches(batches, source, temporary, out_fmt, run.compression),
            )
            os.replace(temporary, target)
        except pl.exceptions.PolarsError as exc:
            raise _not_text_error(source, texts, exc) or read_error(source, exc) from None
        finally:
            temporary.unlink(missing_ok=True)
    finally:
        source.close()
    for column in report["columns"]:
        _add_counts(column, redactor.counts.get(column["column"], Counter()))
    report["rows"] = redactor.rows if redactor.counts else None
    return report


def _add_counts(column: dict[str, Any], counts: Counter[str]) -> None:
    """A report column's counts: values read, values changed, per entity the values found
    (masked, or for a number column copied as numbers, copied), and the row names masked
    in it (:mod:`dataguard.mask.row_names`) with the values only they changed."""
    column["values"] = counts.get("values", 0)
    column["changed"] = counts.get("changed", 0)
    column["entities"] = {k[7:]: v for k, v in counts.items() if k.startswith("entity:") and v}
    if counts.get("row_names"):
        column["row_names"] = counts["row_names"]
        column["changed_by_row_names"] = counts.get("row_names_changed", 0)


def _redact_compressed(
    source: Path,
    compression: str,
    target: Path | None,
    masker: Masker,
    **options: Any,
) -> dict[str, Any]:
    """A gzip, bzip2 or xz export: decompressed into a private folder beside the output
    (the system's temporary folder for a dry run), redacted from there, the copy removed.

    Tables are read by columns, in place, so a compressed one needs its plain bytes on
    disk; beside the output, because the output needs as much room anyway and the system's
    temporary folder is often a small RAM disk.
    """
    if compression not in HANDLED:
        raise compressed_error(source, compression)
    started = time.monotonic()
    beside = None if target is None or options["dry_run"] else target.parent
    copy = decompressed_copy(source, beside)
    try:
        report = redact_file(copy, target, masker, **options)
    except UsageError as exc:
        # Messages about the copy name the file the user gave (lines and bytes count in
        # its decompressed data).
        message = str(exc)
        if message.startswith(copy.name + ":"):
            message = f"{source.name} (decompressed)" + message[len(copy.name) :]
            raise UsageError(message) from None
        raise
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)
    report["input"] = str(source)
    report["input_compression"] = compression
    report["seconds"] = round(time.monotonic() - started, 3)
    return report


def _binary_read_as_text(source: TableSource, masker: Masker) -> list[str]:
    """Read *source*'s top-level binary columns as UTF-8 text; their names. Those the
    policy keeps stay bytes, copied as they are.

    Impala and Hive before 2.x wrote Parquet strings as ``BYTE_ARRAY`` without the UTF8
    annotation (Spark reads them with ``spark.sql.parquet.binaryAsString``), and legacy
    MySQL schemas keep remarks in ``BLOB`` columns: text that arrives as bytes. The cast is
    strict: a value that is not UTF-8 (an image, a scanned ID card) stops the run
    (:func:`_not_text_error`) rather than being masked or copied half-read. Binary struct
    fields and lists of binary values stay refused.
    """
    schema = source.frame.collect_schema()
    names = [
        name
        for name, dtype in schema.items()
        if dtype == pl.Binary and not masker.policy.keeps(name)
    ]
    source.frame = source.frame.with_columns(pl.col(names).cast(pl.String))
    return names


def _not_text_error(
    source: TableSource, texts: list[str], exc: pl.exceptions.PolarsError
) -> UsageError | None:
    """The error for a binary column read as text holding bytes that are not UTF-8, when
    *exc* is polars' strict cast failing on one (its message holds no data); else None."""
    if not texts or "utf8" not in str(exc).replace("-", "").lower():
        return None
    return UsageError(
        f"{source.path.name}: --binary-as-text: column(s) {', '.join(map(repr, texts))} hold "
        "bytes that are not UTF-8 text (an image or a file?); leave such a column out (with "
        "--from-db, a --query selecting the others) or copy it unchanged with a policy: "
        f"{keep_rule(texts[0])}"
    )


# What the error names to read text of each encoding behind latin1 characters: MySQL's
# character set for CONVERT, Python's codec for a file.
_LATIN1_READ_AS = {"UTF-8": ("utf8mb4", "utf-8"), "GBK": ("gbk", "gbk")}


def _refuse_text_stored_as_latin1(source: TableSource, drawn: pl.DataFrame) -> None:
    """Refuse a sample whose text columns hold UTF-8 (or GBK) stored in a latin1 column
    (乱码, :mod:`dataguard.sources.mojibake`): names and addresses in it cannot be found as
    stored, and written as read they would go out readable to anyone who reverses the
    encoding. The error names the columns and counts (no values) and how to read them."""
    garbled: dict[str, tuple[str, int]] = {}
    for name, dtype in drawn.schema.items():
        if dtype == pl.String:
            _, counts = read_behind_latin1(drawn.get_column(name).drop_nulls().unique().to_list())
            encoding, count = max(counts.items(), key=lambda item: item[1])
            if count:
                garbled[name] = (encoding, count)
    if not garbled:
        return
    listed = ", ".join(
        f"{name!r} ({count} sampled values of {encoding})"
        for name, (encoding, count) in garbled.items()
    )
    first, (encoding, _) = next(iter(garbled.items()))
    charset, codec = _LATIN1_READ_AS[encoding]
    query = f"SELECT …, CONVERT(CAST({first} AS BINARY) USING {charset}) AS {first} FROM …"  # noqa: S608 - shown, never run
    raise UsageError(
        f"{source.path.name}: {listed} hold text stored as latin1 (乱码: a legacy latin1 "
        "connection wrote it), whose names and addresses cannot be found as stored; "
        "nothing was written. Read it as the text it is: from MySQL/MariaDB with --query "
        f"'{query}'; a file by converting it back first (its text to Windows-1252 bytes, "
        f"read as {codec})"
    )


def _refuse_unsupported_columns(source: TableSource, masker: Masker, out_fmt: str) -> None:
    """Refuse, by name, a column the plan cannot treat: nested beyond what
    :mod:`dataguard.sources.nested` flattens, or binary.

    Masking works on scalar columns, struct fields (flattened), lists of scalars (element
    by element), lists of structs (each field's values element by element) and maps of
    text to text (as JSON text); a list of lists (also a list field of a list's structs),
    another map or a fixed-size array would fail deep inside the run, reported as "not
    valid PARQUET" although the file is fine. A nested column cannot go into CSV or TSV
    at all.
    A binary column (Parquet ``BYTE_ARRAY`` without a string type, a database ``bytea`` or
    ``BLOB``) holds bytes that may be text, an image or a scanned ID card: nothing can be
    said of them, so it is refused unless the policy pins it to ``keep`` (copied as it is,
    into Parquet: a CSV or JSON file cannot hold bytes).
    Column names come from the schema, not from the data, so naming them leaks nothing.

    Raises:
        UsageError: naming the first such column and its type.
    """
    schema = source.frame.collect_schema()
    found = unsupported(schema)
    if found is not None:
        path, dtype = found
        raise UsageError(
            f"{source.path.name}: column {path!r} is {dtype}; dataguard redacts scalar "
            "columns, structs, lists of scalars or structs and maps of text to text: "
            "flatten or cast it first, or export the rows as JSON lines, whose nested "
            "values are masked in place"
        )
    nested = next((name for name, dtype in schema.items() if dtype.is_nested()), None)
    if nested is not None and out_fmt not in ("parquet", "jsonl"):
        raise UsageError(
            f"{source.path.name}: column {nested!r} is nested ({schema[nested]}) and "
            f"{out_fmt.upper()} cannot hold it: write Parquet or JSON lines"
        )
    # Struct fields are planned as columns named by their path: a binary one too.
    for name, dtype in leaves(schema):
        if holds_bytes(dtype):
            if not masker.policy.keeps(name):
                raise UsageError(
                    f"{source.path.name}: column {name!r} is binary: its bytes cannot be "
                    "checked for personal data. If it holds text (Parquet from Impala or "
                    "old Hive, a BLOB of remarks), pass --binary-as-text; else leave it out "
                    "(with --from-db, a --query selecting the other columns) or copy it "
                    f"unchanged with a policy: {keep_rule(name)} (see docs/masking.md)"
                )
            if out_fmt != "parquet":
                raise UsageError(
                    f"{source.path.name}: column {name!r} is binary and {out_fmt.upper()} "
                    "cannot hold bytes: write Parquet (-o ….parquet) or leave the column out"
                )


def _workers(masker: Masker, jobs: int, rows: int | None) -> tuple[MaskerSpec | None, int]:
    """The spec for worker processes and how many to start (1: mask in this process).

    *jobs* 0 means one per CPU. Workers cost a second or two to start (each builds its
    detector), so an input of one batch (*rows* known and at most :data:`BATCH_ROWS`)
    stays here; so does a policy whose operators hold the keystore (``encrypt``), whose
    keys never leave this process, and a detector given recognizers in code (a worker
    could not build it).
    """
    wanted = jobs or os.cpu_count() or 1
    if wanted <= 1 or (rows is not None and rows <= BATCH_ROWS):
        return None, 1
    spec = MaskerSpec.of(masker)
    if spec.extras or not masker.detector.rebuildable:
        return None, 1
    return spec, wanted


def _interruptible(redactor: TableRedactor, work: Callable[[], None]) -> None:
    """Run *work* (a polars sink) on a thread, so this thread keeps handling signals.

    While polars runs, the main thread would sit in Rust and a SIGTERM or Ctrl-C would
    wait for the whole file; here it cancels the redactor's stream at the next batch and
    is raised as soon as the sink has stopped.
    """
    failure: list[BaseException] = []
    # Waited on instead of Thread.join: a join interrupted by a signal can leave the thread
    # looking finished (CPython 3.11), and the cleanup below would not wait for it.
    finished = threading.Event()

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the waiting thread below
            failure.append(exc)
        finally:
            finished.set()

    thread = threading.Thread(target=run, name="dataguard-sink", daemon=True)
    thread.start()
    try:
        while not finished.wait(0.2):
            pass
    except BaseException:
        redactor.cancel.set()
        finished.wait()
        raise
    if failure:
        raise failure[0]


def _redact_workbook(
    source: Path,
    target: Path | None,
    masker: Masker,
    sample: int,
    seed: int,
    dry_run: bool,
    on_rows: Callable[[int], object] | None,
) -> dict[str, Any]:
    """Every sheet of an .xlsx workbook, each with its own plan, into a new workbook."""
    sheets, titles = read_workbook(source)
    # A title may name a person (张伟的订单): its cells are masked as text.
    titles = {name: [masker.mask_lines(row) for row in rows] for name, rows in titles.items()}
    redacted: dict[str, pl.DataFrame] = {}
    reports = []
    sparse: list[str] = []
    for name, frame in sheets.items():
        refuse_data_in_header(
            f"{source.name}, sheet {name!r}", frame.columns, masker, hint="give it a header row"
        )
        redactor = TableRedactor(masker)
        redactor.on_rows = on_rows
        drawn = frame.sample(min(sample, frame.height), seed=seed) if frame.height else frame
        extra = top_up_frame(frame.lazy(), drawn)
        plan = redactor.plan(drawn, extra)
        head = _report_head(source, target, "xlsx", "xlsx", "utf-8", plan)
        sparse.extend(f"{name}: {column}" for column in sorted(extra))
        if not dry_run:
            redacted[name] = redactor.apply(frame.lazy(), plan).collect()
            for column in head["columns"]:
                _add_counts(column, redactor.counts.get(column["column"], Counter()))
        reports.append(
            {
                "sheet": name,
                "rows": frame.height,
                "columns": head["columns"],
                **({"title_lines": len(titles[name])} if name in titles else {}),
            }
        )
    report = _report_head(source, target, "xlsx", "xlsx", "utf-8", TablePlan(()))
    report["columns"] = [dict(c, sheet=r["sheet"]) for r in reports for c in r["columns"]]
    report["sheets"] = [{k: v for k, v in r.items() if k != "columns"} for r in reports]
    if titles:
        report["title_lines"] = sum(len(rows) for rows in titles.values())
    report["sparse_columns"] = sparse
    report["rows"] = sum(r["rows"] for r in reports)
    if dry_run:
        return report
    assert target is not None
    temporary = temporary_path(target)
    try:
        write_workbook(redacted, temporary, titles)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return report


def _redact_database(
    url: str,
    table: str | None,
    query: str | None,
    db_schema: str | None,
    target: Path | None,
    masker: Masker,
    target_format: str | None,
    force: bool,
    run: _Run,
) -> dict[str, Any]:
    """A table or query of a database, read-only and streamed, into a file."""
    from dataguard.sources.database import open_database, sample_database

    out_fmt = target_format or (table_format(target) if target is not None else "csv")
    if target is not None and not run.dry_run:
        check_output(target, force)
    source = open_database(url, table=table, query=query, schema=db_schema)
    row_security = source.row_security
    report = _redact_source(source, target, masker, out_fmt, sample_database, run)
    report["read_only"] = True
    if row_security:
        report["row_security"] = True
    return report


def _report_head(
    source: Path, target: Path | None, fmt: str, out_fmt: str, encoding: str, plan: TablePlan
) -> dict[str, Any]:
    return {
        "input": str(source),
        "output": None if target is None else str(target),
        "format": fmt,
        "output_format": out_fmt,
        "encoding": encoding,
        "profile": "",
        "columns": [
            {
                "column": c.column,
                "action": c.action,
                "entity": c.entity,
                "operator": c.operator,
                "pinned": c.pinned,
                "dtype": c.dtype,
                "confidence": c.classification.to_dict()["confidence"],
                "evidence": list(c.classification.evidence),
                **({"key_column": c.key_column} if c.key_column else {}),
            }
            for c in plan.columns
        ],
    }


def _redact_jsonl(source: Path, target: Path | None, masker: Masker, run: _Run) -> dict[str, Any]:
    """JSON lines: classify top-level keys from a sample, then mask line by line."""
    drawn = sample_jsonl(source, run.sample, run.seed)
    plan = TableRedactor(masker).plan(drawn)
    report = _report_head(source, target, "jsonl", "jsonl", "utf-8", plan)
    if run.dry_run:
        return report
    assert target is not None
    keys = dict(masker.policy.policy.keys)
    for column in plan.columns:
        if column.action == "mask" and column.entity is not None:
            keys[canonical_key(column.column)] = column.entity
    policy = replace(masker.policy.policy, keys=keys)
    spec = MaskerSpec.of(masker, policy=policy, fmt="json")
    temporary = temporary_path(target)
    stats: Counter[str] = Counter()
    try:
        with source.open("rb") as src, open_output(temporary, run.compression) as dst:
            filter_stream([src], dst, spec, stats=stats, on_bytes=None)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    if run.on_rows is not None:
        run.on_rows(stats.get("lines", 0))
    report["rows"] = stats.get("lines", 0)
    report["lines_changed"] = stats.get("lines_changed", 0)
    report["entities"] = {k[7:]: v for k, v in sorted(stats.items()) if k.startswith("entity:")}
    return report


def report_json(report: dict[str, Any]) -> str:
    """The report as indented JSON (no values are ever in it)."""
    return json.dumps(report, ensure_ascii=False, indent=2)
