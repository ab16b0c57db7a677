"""Streaming reader of MySQL/MariaDB and PostgreSQL SQL dumps and DDL files.

:func:`read_dump` walks a dump once, front to back, and yields what it finds: a
:class:`~dataguard.sources.catalog.TableInfo` for every ``CREATE TABLE`` and :class:`DumpRows`
batches for the data of ``INSERT``/``REPLACE`` statements and PostgreSQL ``COPY … FROM stdin``
blocks. :func:`read_ddl` gives just the final table definitions. Both feed
``dataguard scan dump`` and ``dataguard lint``; ``docs/dumps.md`` is the user's guide.

What is understood
==================

* **mysqldump / mariadb-dump**: extended and single-row ``INSERT`` (``IGNORE``, ``REPLACE``,
  column lists, ``ON DUPLICATE KEY UPDATE`` tails), ``--hex-blob`` (``0x…``/``X'…'``),
  ``_binary '…'`` and other introducers, ``--databases`` (``USE db`` qualifies the names that
  follow), ``LOCK TABLES``, ``/*!40101 … */`` conditional comments, ``DELIMITER`` blocks of
  triggers and routines (skipped whole), ``--`` and ``#`` comments, ``CREATE TABLE`` with
  column and table ``COMMENT``, inline and table ``PRIMARY KEY`` and table options.
* **pg_dump** archives (custom ``-Fc``, tar ``-Ft``, directory ``-Fd``) are read through
  ``pg_restore --file=-`` as the plain script they hold (:mod:`.archive`).
* **pg_dump** (plain format): ``COPY … FROM stdin`` blocks, ``--inserts`` and
  ``--column-inserts`` (including ``--rows-per-insert`` and ``OVERRIDING SYSTEM VALUE``),
  ``COMMENT ON TABLE/COLUMN``, ``ALTER TABLE [ONLY] … ADD [CONSTRAINT …] PRIMARY KEY``,
  dollar-quoted function bodies, ``E'…'`` strings, psql meta-commands (``\\connect``,
  ``\\restrict``), ``search_path``.
* Changes made after a ``CREATE TABLE`` (``COMMENT ON``, ``ALTER TABLE … ADD PRIMARY KEY /
  ADD COLUMN / ALTER COLUMN … SET|DROP NOT NULL / MODIFY / CHANGE / DROP COLUMN``) are applied
  and the revised :class:`TableInfo` is yielded once more at the end of the dump.

Values
======

Every value is text, as the dump wrote it, after the quoting is undone:

* ``NULL`` (and ``\\N`` in COPY) → ``None``.
* numbers, ``TRUE``/``FALSE``/``DEFAULT`` and other bare words → their literal text
  (``-1.50``, ``1e+300``, ``true``).
* strings → their content, escapes resolved by the rules of the dialect (the ``# ref.``
  tables in :mod:`~dataguard.sources.dump.literals`).
* MySQL hex literals (``0x…``, ``X'…'``, written by ``--hex-blob``) → the bytes decoded as
  UTF-8 when they are valid UTF-8 (so text kept in BLOB columns can be scanned), otherwise
  ``"0x"`` followed by the upper-case hex digits (``0x00FF27``). Bit literals (``b'101'``,
  ``0b101``) → ``"0b101"``.
* PostgreSQL ``bytea`` stays in PostgreSQL's own text form (``\\x00ff27``).
* Raw binary bytes inside MySQL strings (mysqldump without ``--hex-blob``) that are not valid in
  the dump's encoding become U+FFFD; use ``--hex-blob`` to keep binary columns exact.

Encodings
=========

The dump's own declaration wins: mysqldump writes ``SET NAMES utf8mb4`` and pg_dump writes
``SET client_encoding = 'UTF8'`` near the top (GBK/GB2312/GB18030 declarations are read as
GB18030, its superset). Without one, the first megabyte decides: valid UTF-8 → UTF-8, else valid
GB18030 → GB18030, else UTF-8. Bytes that are invalid in the chosen encoding are replaced with
U+FFFD rather than stopping the scan (decoding uses ``errors="replace"``; a UTF-8 BOM is
dropped). Files starting with the gzip, bzip2 or xz magic bytes are decompressed on the fly.

Memory
======

The file is read in 512 KiB chunks into a sliding buffer; INSERT tuples and COPY lines are
parsed as they arrive and handed out in batches of ``batch_rows``, so memory is bounded by the
chunk size, two batches (the one handed out and the next) and the longest single value,
whatever the size of the file or of a statement (a 33 MB single-INSERT dump peaks at 4.8 MB
traced with ``batch_rows=200``). Other statements (``CREATE TABLE``, ``COMMENT ON``,
``ALTER TABLE``) are small and are held whole while they are read; statements of no interest
(functions, views, triggers, grants) are skipped without being held.

Why the data is scanned by hand and not with sqlparse
=====================================================

sqlparse lexes the DDL statements only: it refuses statements of more than 10 000 tokens
(about 90 KB of ``INSERT``), reads far slower than the hand-written scanner, and misreads
backslashes in strings. The measurements are in :mod:`~dataguard.sources.dump.statements`,
the string cases in :mod:`~dataguard.sources.dump.ddl_lexer`.

Errors
======

Malformed input (an unterminated string or comment, something that is not a value where a
value should be, a COPY row with the wrong number of fields, a file that ends inside a
statement or COPY block) raises :class:`~dataguard.errors.UsageError` naming the file and line.
Messages never quote the data: rows may hold personal data.

Modules
=======

* :mod:`.archive`: pg_dump's custom, tar and directory archives, through pg_restore.
* :mod:`.stream`: the file as a sliding window of decoded text (decompression, encoding).
* :mod:`.dialect`: which dialect a dump is written in.
* :mod:`.session`: the settings the dump changes as it goes (quoting, delimiter, schema).
* :mod:`.lexemes`: regular-expression pieces for names, strings and numbers.
* :mod:`.literals`: escape rules of each dialect, hex literals.
* :mod:`.statements`: splitting the dump into statements.
* :mod:`.value_patterns` and :mod:`.insert_values`: the rows of ``INSERT`` statements.
* :mod:`.copy_blocks`: the rows of ``COPY … FROM stdin`` blocks.
* :mod:`.ddl_lexer`, :mod:`.ddl_clauses` and :mod:`.ddl`: table definitions.
* :mod:`.rows`: the :class:`DumpRows` batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from dataguard.errors import UsageError
from dataguard.sources.catalog import TableInfo
from dataguard.sources.dump.archive import RestoredScript, archive_format
from dataguard.sources.dump.copy_blocks import COPY_HEADER, read_copy
from dataguard.sources.dump.ddl import TableDefinitions
from dataguard.sources.dump.dialect import DIALECTS, detect_dialect
from dataguard.sources.dump.insert_values import INSERT_HEADER, read_insert
from dataguard.sources.dump.rows import DumpRows
from dataguard.sources.dump.session import Session
from dataguard.sources.dump.statements import (
    DELIMITER,
    FIRST_WORD,
    KEPT,
    move_past_statement,
    read_header,
    skip_space,
)
from dataguard.sources.dump.stream import TextWindow

__all__ = ["DIALECTS", "DumpRows", "read_ddl", "read_dump"]

_WINDOW = 1 << 16  # characters in view when a statement's kind is decided


def read_dump(
    path: Path,
    *,
    dialect: str = "auto",
    batch_rows: int = 1000,
    on_bytes: Callable[[int], object] | None = None,
) -> Iterator[TableInfo | DumpRows]:
    """Read the SQL dump at *path*, front to back, in bounded memory.

    Yields a :class:`TableInfo` for every ``CREATE TABLE``, :class:`DumpRows` batches of at most
    *batch_rows* rows as ``INSERT``/``COPY`` data is read, and, at the end, a revised
    :class:`TableInfo` for every table whose definition was changed later in the dump
    (``COMMENT ON``, ``ALTER TABLE … ADD PRIMARY KEY`` …): keep the last one per qualified name.

    Args:
        path: a ``.sql`` file, a gzip/bzip2/xz-compressed one, or a pg_dump custom, tar or
            directory archive (read through ``pg_restore``, see :mod:`.archive`).
        dialect: ``auto`` (decided from the first megabyte: backticks, ``ENGINE=``, ``/*!40101``
            → mysql; ``COPY … FROM stdin``, ``SET search_path``, a pg_dump header →
            postgresql; mysql when nothing tells), ``mysql`` or ``postgresql``.
        batch_rows: the largest number of rows in one :class:`DumpRows`.
        on_bytes: called with the number of bytes of *path* consumed so far (compressed bytes
            for a compressed file, archive bytes pg_restore has read for an archive), after
            every chunk, for a progress bar.

    Raises:
        UsageError: a bad argument, an unreadable file, or malformed SQL (with the line number,
            never with the data).
    """
    _check_arguments(path, dialect, batch_rows)
    return _read(Path(path), dialect, batch_rows, on_bytes, rows=True)


def read_ddl(path: Path, *, dialect: str = "auto") -> list[TableInfo]:
    """The final definition of every table in the DDL file or dump at *path*.

    Rows are skipped cheaply (COPY blocks by line, INSERT statements without parsing their
    values), in declaration order of the tables.
    """
    _check_arguments(path, dialect, 1)
    tables: dict[str, TableInfo] = {}
    for item in _read(Path(path), dialect, 1, None, rows=False):
        if isinstance(item, TableInfo):
            tables[item.qualified_name] = item
    return list(tables.values())


def _check_arguments(path: Path, dialect: str, batch_rows: int) -> None:
    if dialect not in DIALECTS:
        raise UsageError(f"unknown SQL dialect {dialect!r}; choose one of {', '.join(DIALECTS)}")
    if batch_rows < 1:
        raise UsageError("batch_rows must be at least 1")
    if Path(path).is_dir() and archive_format(Path(path)) is None:
        raise UsageError(
            f"{path} is a directory and not a pg_dump directory-format archive (no toc.dat "
            "in it); pass a dump file"
        )
    if not Path(path).exists():
        raise UsageError(f"no such file: {path}")


def _read(
    path: Path,
    dialect: str,
    batch_rows: int,
    on_bytes: Callable[[int], object] | None,
    *,
    rows: bool,
) -> Iterator[TableInfo | DumpRows]:
    kind = archive_format(path)
    raw: BinaryIO
    try:
        raw = (
            RestoredScript(path, kind, schema_only=not rows)  # type: ignore[assignment]
            if kind
            else open(path, "rb")  # noqa: SIM115 - closed in the finally below
        )
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        window = TextWindow(path, raw, on_bytes, compressed=kind is None)
        if dialect == "auto":
            dialect = detect_dialect(window.head_text())
        yield from _events(window, Session(dialect), batch_rows, rows=rows)
    finally:
        raw.close()


def _events(
    window: TextWindow, session: Session, batch_rows: int, *, rows: bool
) -> Iterator[TableInfo | DumpRows]:
    """One pass over one dump: each statement's kind is decided by its first word, then its
    reader moves past it; revised table definitions come last."""
    definitions = TableDefinitions(session, window.name)
    yielded: dict[str, TableInfo] = {}
    while skip_space(window, session):
        if window.buf.startswith(session.delimiter, window.pos):
            window.pos += len(session.delimiter)
            continue
        window.ensure(_WINDOW)
        buf, pos = window.buf, window.pos
        line = window.line_at(pos)
        word_match = FIRST_WORD.match(buf, pos)
        word = word_match.group().upper() if word_match else ""
        if word == "DELIMITER" and session.mysql:
            delimiter = DELIMITER.match(buf, pos)
            if delimiter:
                session.delimiter = delimiter.group(1)
                window.pos = delimiter.end()
                continue
        if word in ("INSERT", "REPLACE") and rows:
            header = read_header(window, INSERT_HEADER)
            if header:
                yield from read_insert(window, session, header, line, batch_rows)
                continue
        elif word == "COPY":
            header = read_header(window, COPY_HEADER)
            if header:
                yield from read_copy(window, session, header, line, batch_rows, rows=rows)
                continue
        elif KEPT.match(buf, pos):
            text = move_past_statement(window, session, keep=True)
            assert text is not None
            if word == "SET" or word == "SELECT":
                session.setting(text)
            elif word == "USE":
                session.use(text)
            else:
                table = definitions.apply(word, text, line)
                if table is not None:
                    yielded[table.qualified_name] = table
                    yield table
            continue
        move_past_statement(window, session, keep=False)
    for name, table in definitions.tables.items():
        if yielded.get(name) is not table:
            yield table
