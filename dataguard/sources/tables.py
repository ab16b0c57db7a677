"""Tables on disk: CSV/TSV (UTF-8 with or without BOM, GBK/GB18030), Parquet, JSONL.

Everything here is lazy or streamed, so memory stays bounded whatever the file size:

* :func:`table_format` names a file's format from its extension (or ``--to``);
* :func:`sniff_encoding` tells UTF-8 (BOM or not) from GB18030, the superset of GBK that
  Chinese Excel exports still use, from the first megabyte;
* :func:`open_table` gives a polars ``LazyFrame`` over a file: CSV columns are read as
  text (no type guessing, so ``0571…`` keeps its zero and an ID keeps its ``X``); a
  GB18030 file is first transcoded to a temporary UTF-8 copy in chunks;
* :func:`sample_rows` draws a seeded, reproducible sample without reading the file into
  memory;
* :func:`write_batches` writes batches into a file of the same format and encoding,
  one at a time; :func:`read_error` turns a polars CSV error into one naming the record
  (:func:`explain_csv_error` finds it);
* :func:`first_ragged_record` finds a record whose field count is not the header's,
  counted in Rust over the raw lines: polars refuses a record with too many fields but
  pads one with too few with nulls, and :meth:`TableSource.check_batch` uses it to refuse
  those too;
* :func:`first_bad_quote` finds a quote polars cannot read past (a stray quote, text after
  a closing quote, a quoted field that never closes), counted the same way.

Blank lines at the very end of a CSV/TSV file of two or more columns are not records:
:func:`open_table` leaves them out of the frame (polars would read each as a row of nulls).
Nor is Excel's separator line (``sep=;`` before the header, :func:`excel_separator_line`):
it names the separator, is read around and is written back; nor are a spreadsheet's title
lines above the header (:func:`title_lines`), read around and written back the same way.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import polars as pl

from dataguard import json_text
from dataguard.errors import UsageError
from dataguard.sources.compressed import (
    CAT,
    HANDLED,
    compression_of_file,
    compression_of_name,
    open_output,
)
from dataguard.sources.sparse import FirstValues
from dataguard.sources.utf16 import utf16_codec

__all__ = [
    "JsonlScan",
    "QuoteFault",
    "RaggedRecord",
    "TableSource",
    "Workbook",
    "compressed_error",
    "draw_sample",
    "estimate_rows",
    "excel_separator_line",
    "explain_csv_error",
    "first_bad_quote",
    "first_ragged_record",
    "footer_lines",
    "open_table",
    "read_error",
    "read_workbook",
    "sample_jsonl",
    "sample_rows",
    "scan_jsonl",
    "sniff_encoding",
    "table_format",
    "title_lines",
    "title_rows",
    "write_batches",
    "write_workbook",
]

_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "xlsx",
}
FORMATS = ("csv", "tsv", "parquet", "jsonl", "xlsx")
_SNIFF_BYTES = 1 << 20
_CHUNK = 1 << 22


def table_format(path: Path, override: str | None = None) -> str:
    """``csv``, ``tsv``, ``parquet`` or ``jsonl`` from *override* or the file extension;
    a compressed file's from the extension before (``orders.csv.gz``: ``csv``).

    Raises:
        UsageError: an extension naming no format, or a compression not read (zstd).
    """
    if override:
        return override
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        compression = compression_of_name(path)
        inner = _EXTENSIONS.get(path.with_suffix("").suffix.lower())
        if compression is not None and inner is not None:
            if compression not in HANDLED:
                raise compressed_error(path, compression)
            return inner
        if path.suffix.lower() == ".zip" or (path.is_file() and compression_of_file(path) == "zip"):
            raise compressed_error(path, "zip")  # an export's usual wrapping: name what to do
        if path.suffix.lower() == ".xls":
            raise UsageError(
                f"{path.name}: legacy .xls workbooks are not supported; save it as .xlsx "
                "or as CSV (UTF-8 or GBK) and redact that"
            )
        raise UsageError(
            f"{path.name}: cannot tell the format from the extension; "
            f"pass --to / --from with one of {', '.join(FORMATS)}"
        )
    return fmt


def compressed_error(path: Path, compression: str) -> UsageError:
    """The error for a compressed table that is not read here: zstd, a zip archive, or any
    compressed file handed to :func:`open_table` (which reads tables in place, by columns;
    ``dataguard redact`` decompresses gzip, bzip2 and xz into a copy first)."""
    cat = CAT.get(compression)
    if compression_of_name(path) is not None:
        plain = path.with_suffix("").name
        how = f"{cat} {path.name} > {plain}, then redact {plain}"
    else:
        how = f"{cat} {path.name} > plain{path.suffix}, then redact that"
    return UsageError(
        f"{path.name} is {compression}-compressed: decompress it first ({how})"
        if cat
        else f"{path.name} is a {compression} archive: extract it (unzip {path.name}) and "
        "redact the files it holds"
    )


def named_format(path: Path) -> str | None:
    """The format *path*'s extension names, or None when it names none (``.txt``, ``.dat``);
    a compressed file's from the extension before (``out.csv.gz``: ``csv``).

    Raises:
        UsageError: a legacy ``.xls`` workbook (unsupported).
    """
    if path.suffix.lower() == ".xls":
        return table_format(path)  # raises, saying what to do instead
    if compression_of_name(path) is not None:
        return _EXTENSIONS.get(path.with_suffix("").suffix.lower())
    return _EXTENSIONS.get(path.suffix.lower())


_UNICODE_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def sniff_encoding(path: Path) -> tuple[str, bool]:
    """``(encoding, has_bom)``: ``utf-8`` or ``gb18030``, from the first megabyte; or
    ``utf-16-le``, ``utf-16-be``, ``utf-32-le``, ``utf-32-be`` when the file starts with
    one of their byte order marks (``has_bom`` then True: it is written back).

    UTF-8 is tried first (a cut multi-byte character at the end of the sample is allowed);
    text that is not UTF-8 is taken as GB18030, which decodes GBK and GB2312 too. Excel's
    "Unicode text" export is tab-separated UTF-16 LE with a BOM.

    Raises:
        UsageError: text in neither encoding, or in both (:func:`_mixed_encodings`).
    """
    with path.open("rb") as stream:
        head = stream.read(_SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", True
    # UTF-32 LE's mark starts with UTF-16 LE's, so it is tested first.
    for mark, name in _UNICODE_MARKS:
        if head.startswith(mark):
            return name, True
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", False
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
    except UnicodeDecodeError:
        raise UsageError(
            f"{path.name}: neither UTF-8 nor GB18030/GBK text; pass --encoding"
        ) from None
    mixed = _mixed_encodings(head)
    if mixed is not None:
        utf8, other = mixed
        raise UsageError(
            f"{path.name}: mixes encodings: line {utf8} is UTF-8 Chinese, line {other} is "
            "not UTF-8 (GBK?); read as one encoding the other lines' text would come out "
            "garbled and their personal data unmasked. Convert the file to one encoding "
            "(or redact its parts apart), or pass --encoding to read it all as one"
        )
    return "gb18030", False


#: CJK ideographs in a line that decodes as UTF-8 before the file counts as mixing
#: encodings: a short GBK line may decode as UTF-8 by chance (女 is C5 AE, UTF-8's Ů),
#: but not into two ideographs, which take three bytes each in UTF-8.
_MIXED_IDEOGRAPHS = 2
_IDEOGRAPH = re.compile("[\u4e00-\u9fff]")


def _mixed_encodings(head: bytes) -> tuple[int, int] | None:
    """``(line, line)`` numbers of a UTF-8 line of Chinese and of a line that is not UTF-8
    in *head*, the start of a file that is not UTF-8 as a whole; or None.

    Files concatenated from two systems (a GBK export from Excel on Windows appended to a
    UTF-8 one) are both: read as GB18030, which decodes almost any bytes, the UTF-8 lines'
    Chinese came out garbled, names and addresses in them went out unmasked and a kept
    first character left half a UTF-8 character in the copy.
    """
    first_utf8 = first_other = None
    for number, line in enumerate(head.split(b"\n")[:-1], start=1):  # the last may be cut
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            first_other = first_other or number
        else:
            if len(_IDEOGRAPH.findall(text)) >= _MIXED_IDEOGRAPHS:
                first_utf8 = first_utf8 or number
        if first_utf8 and first_other:
            return first_utf8, first_other
    return None


@dataclass
class TableSource:
    """An opened table: its lazy frame, format and encoding, and temporary files to remove."""

    path: Path
    fmt: str
    frame: pl.LazyFrame
    encoding: str = "utf-8"
    bom: bool = False
    scratch: Path | None = None
    crlf: bool = False
    #: Lines end in a bare CR (read through a copy with LF endings, written back with CR).
    cr: bool = False
    #: Whether the first line is a header (False: columns ``column_1``, … and no header
    #: is written).
    header: bool = True
    #: The CSV/TSV header line as read (no line ending): written back as it was, quoting
    #: and empty names included, when the output has the input's format.
    header_line: str | None = None
    #: The row count, when a pass over the source already counted it (database sampling,
    #: or :func:`open_table` over a file ending in blank lines).
    rows: int | None = None
    #: How many blank lines end the file: not records, so left out of :attr:`frame`.
    blank_tail: int = 0
    #: The CSV/TSV field separator, read and written (``,``; a tab for TSV; ``;`` or
    #: ``|`` when the file uses them: :func:`sniff_separator`).
    separator: str = ","
    #: Excel's separator line as read (``sep=;``, no line ending; see
    #: :func:`excel_separator_line`), or None. It is not read as a record (the file is
    #: read through a copy without it) and is written back before the header when the
    #: output has the input's format.
    preamble: str | None = None
    #: A spreadsheet's title lines above the header, as read (no line endings; see
    #: :func:`title_lines`). Not records: the file is read through a copy without them,
    #: and they are written back before the header when the output has the input's
    #: format (a caller that masks values masks them first: a title may name a person).
    title: tuple[str, ...] = ()
    #: A bill's summary lines below the records, as read (see :func:`footer_lines`); read
    #: around and written back after the records, as the title lines are before them.
    footer: tuple[str, ...] = ()
    #: Whether quotes delimit fields (RFC 4180). False: quotes are plain characters and
    #: a line is a record, as in a database's own tab-separated text (``mysql -B``,
    #: PostgreSQL's ``COPY … TO`` text format, ``SELECT … INTO OUTFILE``: backslash
    #: escapes, ``\N`` for NULL); written back unquoted.
    quoting: bool = True
    #: A database table's column comments by column name (``referrer`` → ``推荐人``):
    #: evidence and detection context when the name says nothing.
    comments: dict[str, str] = field(default_factory=dict)
    #: A database table's own sampler, ``server_sample(rows, seed)``: about *rows* rows
    #: spread over the table, picked by the server so that only they are sent
    #: (:func:`~dataguard.sources.database.open_database`); it returns None where it
    #: cannot pick them, and the source is sampled as it streams instead.
    server_sample: Callable[[int, int], pl.DataFrame | None] | None = None
    #: Whether PostgreSQL row-level security filters the rows the database user reads of
    #: the table: the copy then holds only the rows its policies show that user.
    row_security: bool = False
    #: Whether :meth:`check_records` found every record as wide as the header.
    records_checked: bool = field(default=False, init=False, repr=False)

    def close(self) -> None:
        """Remove the temporary UTF-8 copy of a transcoded file, if any."""
        if self.scratch is not None:
            self.scratch.unlink(missing_ok=True)
            self.scratch = None

    def check_batch(self, batch: pl.DataFrame) -> None:
        """Refuse the file if *batch*, rows as read from it, may come from a short record.

        Polars pads a CSV record that has fewer fields than the header with nulls, and so
        does it for an unquoted empty field: the rows cannot tell them apart. But a short
        record always lacks the last field, so a batch whose last column has no null holds
        none, and that costs one null count (kept by polars). Otherwise the whole file's
        field counts are checked (:meth:`check_records`), once. No-op for other formats.

        Raises:
            UsageError: naming the first record whose field count is not the header's.
        """
        if self.fmt not in ("csv", "tsv") or self.records_checked or batch.width < 2:
            return
        # Without quoting a missing field is read as an empty string (an empty string is
        # one there, NULL is \N): no null marks a short record, so the lines are counted.
        if not self.quoting or batch.get_column(batch.columns[-1]).null_count():
            self.check_records()

    def check_records(self) -> None:
        """Refuse a CSV/TSV file with a record narrower (or wider) than its header.

        Counted in Rust over the raw lines (:func:`first_ragged_record`), streamed; the
        error names the record and the counts, never its content. A quoted field that is
        still open at the end of the file is refused too, naming where it opened. No-op
        for other formats and for one-column files (where a blank line is an empty value).

        Raises:
            UsageError: naming the first record whose field count is not the header's.
        """
        if self.fmt not in ("csv", "tsv") or self.records_checked:
            return
        columns = len(self.frame.collect_schema())
        if columns >= 2:
            problem = self.record_problem(columns)
            if problem is not None:
                raise self.invalid(problem)
        self.records_checked = True

    def record_problem(self, columns: int) -> str | None:
        """What is wrong with the first record without *columns* fields, or None.

        Counted on the raw lines (:func:`first_ragged_record`); a record still open at the
        end of the file is a quote that never closed, located by :func:`first_bad_quote`.
        """
        path = self.scratch or self.path
        found = first_ragged_record(path, self.separator, columns, quoting=self.quoting)
        if found is None or self._in_blank_tail(found):
            return None
        if found.unclosed:
            return self.quote_problem() or _UNCLOSED.format(number=found.number)
        return _field_count_error(found.number, found.fields, columns)

    def invalid(self, problem: str) -> UsageError:
        """The error for a file that is not valid in its format: *problem* says where."""
        return UsageError(f"{self.path.name}: not valid {self.fmt.upper()}: {problem}")

    def _in_blank_tail(self, found: RaggedRecord) -> bool:
        """Whether *found* is one of the blank lines that end the file: past the last row
        (the header is record 1), where only blank lines are."""
        return (
            self.blank_tail > 0
            and found.fields == 0
            and self.rows is not None
            and found.number > self.rows + self.header
        )

    def quote_problem(self) -> str | None:
        """The first quote polars cannot read past (:func:`first_bad_quote`), described, or
        None. Byte offsets are left out for a transcoded file: they would be the UTF-8
        copy's, not the file's."""
        if not self.quoting:  # quotes are plain characters: none can be bad
            return None
        fault = first_bad_quote(self.scratch or self.path, self.separator)
        if fault is None:
            return None
        skipped = (self.preamble is not None) + len(self.title)
        if skipped:  # counted in the copy without the separator and title lines
            fault = fault._replace(line=fault.line + skipped)
        described = fault.describe(with_byte=self.scratch is None)
        if self.separator == "\t":
            # mysql -B, psql's COPY and SELECT … INTO OUTFILE write tab-separated text in
            # which a quote is a plain character: such a file is not RFC 4180 TSV.
            described += (
                "; a database's tab-separated text (mysql -B, PostgreSQL COPY, SELECT … INTO"
                " OUTFILE), where quotes are plain characters, is read with --no-quoting"
            )
        return described


def _separator(fmt: str) -> str:
    """The field separator of a text table format: a tab for TSV, else a comma."""
    return "\t" if fmt == "tsv" else ","


#: Separators a ``.csv`` export may use besides the comma: ``;`` (Excel where the decimal
#: mark is a comma), ``|`` (bank and clearing batch files), a tab (a TSV named .csv).
SEPARATORS = (",", ";", "|", "\t")
_SNIFF_LINES = 50


def sniff_separator(path: Path) -> str:
    """The separator of a UTF-8 CSV file: the comma, unless the header holds none.

    Then it is whichever of ``;``, ``|`` and tab splits the header into the most fields
    and splits the first records (up to 50, read as CSV, quotes honoured) into that same
    number; a file no candidate splits that way is read with commas, as one column.
    Reading a ``;`` file with commas made it one text column: its name column lost the
    header that said so, and the names in it went out unmasked.
    """
    with path.open(encoding="utf-8-sig", newline="") as stream:
        head = [line for _, line in zip(range(_SNIFF_LINES), stream, strict=False)]
    if not head:
        return ","

    def widths(separator: str) -> list[int]:
        return [len(row) for row in csv.reader(head, delimiter=separator) if row]

    if len(next(csv.reader(head[:1]), [])) >= 2:
        return ","
    best, best_fields = ",", 1
    for separator in SEPARATORS[1:]:
        counts = widths(separator)
        # The last line read may be cut inside a quoted record: it does not count.
        whole = counts[:-1] if len(head) == _SNIFF_LINES and len(counts) > 1 else counts
        if counts and counts[0] > best_fields and all(n == counts[0] for n in whole):
            best, best_fields = separator, counts[0]
    return best


class _Undecodable(Exception):
    """A byte that is not in the encoding, at ``offset`` in the file."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


def _decoded_chunks(path: Path, encoding: str) -> Iterator[str]:
    """*path*'s text, decoded chunk by chunk (bounded memory).

    Raises:
        _Undecodable: with the file offset of the first byte that is not *encoding*. The
            decoder may hold the first bytes of a character cut by a chunk boundary, and
            ``UnicodeDecodeError.start`` counts those first, so they are taken off.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0  # of the next chunk
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            held = len(decoder.getstate()[0])
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise _Undecodable(offset - held + exc.start) from None
            yield text
            offset += len(chunk)
    held = len(decoder.getstate()[0])
    try:
        yield decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:  # the file ends inside a character
        raise _Undecodable(offset - held + exc.start) from None


def _transcode(
    src: Path,
    dst: Path,
    source: str,
    target: str,
    *,
    cr_to_lf: bool = False,
    skip_lines: int = 0,
) -> None:
    """Re-encode a file in chunks (bounded memory); raises UsageError naming the byte.

    ``cr_to_lf``: every CR becomes LF (a file whose lines end in a bare CR), one character
    for one, so line numbers hold. ``skip_lines``: the copy starts after that many line
    breaks (Excel's ``sep=`` line, a spreadsheet's title lines).
    """
    skipping = skip_lines
    with dst.open("wb") as fout:
        try:
            for text in _decoded_chunks(src, source):
                if cr_to_lf:
                    text = text.replace("\r", "\n")
                while skipping and text:
                    at = text.find("\n")
                    text = "" if at < 0 else text[at + 1 :]
                    skipping -= at >= 0
                fout.write(text.encode(target))
        except _Undecodable as bad:
            raise UsageError(
                f"{src.name}: not valid {source} at byte {bad.offset}; "
                "pass --encoding if the file uses another one"
            ) from None


def open_table(
    path: Path,
    fmt: str,
    encoding: str = "auto",
    *,
    header: bool = True,
    separator: str | None = None,
    quoting: bool = True,
) -> TableSource:
    """A lazy frame over *path* (see the module docstring).

    ``separator``: the CSV field separator; None reads a tab for TSV and, for CSV, the
    comma unless :func:`sniff_separator` finds ``;``, ``|`` or a tab. It is written back.

    ``header`` False: a CSV/TSV file without a header line; its columns are named
    ``column_1``, ``column_2``, … and it is written back without one. A file whose lines
    end in a bare CR (``\\r``, "CSV (Macintosh)") is read through a copy with LF endings
    and written back with CR.

    ``quoting`` False: quotes are plain characters, each line is a record and a field
    ends at the next separator (a database's tab-separated text: ``mysql -B``,
    PostgreSQL's ``COPY … TO``, ``SELECT … INTO OUTFILE``, whose escapes ``\\t``, ``\\n``
    and ``\\N`` are kept as written); the output is written unquoted.
    """
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    compression = compression_of_file(path)
    if compression is not None:
        raise compressed_error(path, compression)
    if fmt == "parquet":
        return TableSource(path, fmt, pl.scan_parquet(path))
    if fmt == "jsonl":
        return TableSource(path, fmt, pl.scan_ndjson(path, infer_schema_length=1000))
    bom = False
    if encoding == "auto":
        encoding, bom = sniff_encoding(path)
    encoding = codecs.lookup(encoding).name
    source = path
    scratch = None
    cr = _bare_cr_endings(path, encoding)
    preamble, declared = excel_separator_line(path, encoding)
    title = (
        title_lines(
            path,
            encoding,
            skip=preamble is not None,
            separator=separator or declared or (_separator(fmt) if fmt == "tsv" else None),
        )
        if header and quoting
        else ()
    )
    skipped = (preamble is not None) + len(title)
    if cr or skipped or encoding not in ("utf-8", "utf-8-sig"):
        scratch = _scratch_copy(
            lambda copy: _transcode(path, copy, encoding, "utf-8", cr_to_lf=cr, skip_lines=skipped)
        )
        source = scratch
    if separator is None:
        separator = declared or (sniff_separator(source) if fmt == "csv" else _separator(fmt))
    names, line, crlf = _header(source, separator, quoting)
    footer: tuple[str, ...] = ()
    if header and quoting:
        footer, cut = footer_lines(source, separator, len(names))
        if footer:  # read through a copy that ends before it
            if scratch is None:
                scratch = _scratch_copy(lambda copy: _copy_head(source, copy, cut))
                source = scratch
            else:
                os.truncate(scratch, cut)
    # Columns polars is told the names of, numbered from 1 as the error messages count
    # them (polars' own start at 0): every column of a file without a header; empty names
    # (the trailing columns of an Excel export: id,mobile,,), which polars would refuse or
    # rename; and the later columns of a name the header repeats (联系电话,联系电话: a second
    # phone), which polars would rename silently. The header line is written back as it was.
    renamed = not header or "" in names or len(set(names)) < len(names)
    if not header:
        names = [f"column_{i}" for i in range(1, len(names) + 1)]
    elif renamed:
        names = _distinct_names(names)
    frame = pl.scan_csv(
        source,
        separator=separator,
        has_header=header,
        new_columns=names if renamed else None,
        infer_schema=False,
        quote_char='"' if quoting else None,
        # A database's text format writes NULL as \N, and an empty string as nothing.
        null_values=None if quoting else [_DATABASE_NULL],
        empty_string_is_null=quoting,
        raise_if_empty=False,
    )
    table = TableSource(
        path,
        fmt,
        frame,
        encoding,
        bom,
        scratch,
        crlf,
        cr=cr,
        header=header,
        separator=separator,
        preamble=preamble,
        title=title,
        footer=footer,
        # A quoted name running onto the next line: the first line is not the whole header.
        header_line=line if header and (not quoting or line.count('"') % 2 == 0) else None,
        quoting=quoting,
    )
    # Polars reads some bad quoting without an error, changing values: 1,"3"4"5" comes
    # out as 345. So every file's quotes are checked before it is read (a pass over the
    # raw lines, in Rust: 0.07 s per 100 MB without quotes, 0.24 s for 62 MB quoted on
    # every line).
    try:
        problem = table.quote_problem()
    except pl.exceptions.ComputeError:
        # Polars' line reader stops at invalid UTF-8, which can lie past the megabyte the
        # encoding was sniffed from (a GBK tail appended to a UTF-8 export).
        table.close()
        at = _first_undecodable_byte(path)
        raise UsageError(
            f"{path.name}: not valid UTF-8 at byte {at}, past the first megabyte, which "
            "was; pass --encoding with the file's encoding (gb18030 reads GBK too)"
            if at is not None
            else f"{path.name}: not valid {fmt.upper()}: polars could not read it"
        ) from None
    if problem is not None:
        table.close()
        raise table.invalid(problem)
    if len(names) >= 2:  # in a one-column file a blank line is an empty value
        _drop_blank_tail(table)
    return table


# ref. Microsoft Excel: a first line ``sep=;`` names the separator of the lines below it
# (Excel writes and reads it; a spreadsheet user's "open in Excel" exports carry it). Some
# tools quote it. One character, never a quote or a line break.
_EXCEL_SEPARATOR_LINE = re.compile(r'"?sep=([^"\r\n])"?')


def excel_separator_line(path: Path, encoding: str) -> tuple[str | None, str | None]:
    """Excel's separator line, if the file at *path* starts with one: the line as written
    (no line ending, no byte order mark) and the separator it names; else ``(None, None)``.

    Read as a record it would be the header (``sep=``), and the real header a row of data:
    the column names went out as values (``******hone``) and the name column, now
    ``column_1``, was copied unmasked.
    """
    with path.open("rb") as stream:
        head = stream.read(64)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    first = text.lstrip("\ufeff").split("\n", 1)
    if len(first) < 2:  # no line break in the first 64 bytes: not a separator line
        return None, None
    line = first[0].rstrip("\r")
    match = _EXCEL_SEPARATOR_LINE.fullmatch(line)
    return (line, match.group(1)) if match else (None, None)


#: How many lines above a header :func:`title_lines` looks at: a spreadsheet's title is a
#: line or two, but the bill exports people hand in with a loan or an expense claim are
#: CSV with the account's summary above the header (WeChat Pay's 微信支付账单明细: 16 lines,
#: 微信昵称：[…] among them; Alipay's 交易记录明细: about 25, 姓名：… and the account among
#: them).
_MOST_TITLE_LINES = 30
# A cell that is a number, an amount, a date or a time: data, never a column's name.
_NUMERIC_CELL = re.compile(r"[\s0-9.,:/+\-%￥$]*")


def title_lines(
    path: Path, encoding: str, *, skip: int = 0, separator: str | None = None
) -> tuple[str, ...]:
    """A spreadsheet's title lines above the header (after *skip* lines), as read, or ().

    Excel users put a title above a sheet's header (``客户信息导出（2026年11月）,,,``,
    sometimes a date line or a blank row too) and save it as CSV. Read as a record, the
    title was the header and the real header a row of data: the column names were masked
    as values (``姓*``, ``******``) and every column was named ``column_N``. Which lines
    are titles: :func:`title_rows`, the lines split by *separator*, else by the comma
    (a ``;`` or ``|`` file's titles are read with ``--separator``: tried without it, a
    one-column file of ``a;b`` values read its header as a title).
    """
    with path.open("rb") as stream:
        head = stream.read(65_536)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    lines = re.split(r"\r\n|\r|\n", text.lstrip("\ufeff"))[skip:-1]  # whole lines only
    return tuple(lines[: _title_line_count(lines, separator or ",")])


def _title_line_count(lines: list[str], separator: str) -> int:
    """How many of *lines* are title lines, their records split by *separator* (quoted
    line breaks read as such)."""
    reader = csv.reader(lines, delimiter=separator)
    rows: list[list[str]] = []
    ends: list[int] = []  # the line each record ends on (1-based)
    try:
        for row in reader:
            rows.append(row)
            ends.append(reader.line_num)
            if len(rows) > _MOST_TITLE_LINES + 1:  # the header's first record too
                break
    except csv.Error:
        return 0
    count = title_rows(rows)
    return ends[count - 1] if count else 0


def title_rows(rows: Sequence[Sequence[str | None]]) -> int:
    """How many of a table's first *rows* (their cells) are title rows above its header.

    Title rows hold at most one non-empty cell (a title, a date line, a blank row), and
    at least one of them is not blank; the header below them holds two cells or more, each
    non-empty but for trailing ones (Alipay's header ends in a comma, as its records do),
    distinct and not a number or a date (column names are words), fewer than half
    of them shaped like a person's name, and the row after it as many cells (a line split by
    the wrong separator is no header).
    Without such a header within :data:`_MOST_TITLE_LINES` rows, or with one first, it is 0.
    """
    for index, cells in enumerate(rows[: _MOST_TITLE_LINES + 1]):
        if _filled(cells) < 2:
            continue  # a title, a blank row, or a one-column table's row
        names = [(c or "").strip() for c in cells]
        while not names[-1]:
            names.pop()  # at least two are filled: one is left
        header = (
            all(names)
            and len(set(names)) == len(names)
            and not any(_NUMERIC_CELL.fullmatch(n) for n in names)
            and index + 1 < len(rows)
            and len(rows[index + 1]) == len(cells)
            # A row of people's names is data (组别,,, above 张三,李四,王五): read as the
            # header, it would be written back and reported as column names, unmasked.
            and sum(map(_name_like, names)) * 2 < len(names)
        )
        titled = any(_filled(row) for row in rows[:index])
        return index if header and titled else 0
    return 0


#: How much of a file's end :func:`footer_lines` reads.
_FOOTER_BYTES = 65_536
# A rule line: dashes, equals signs or stars, padded with separators by a spreadsheet
# (Alipay's bill draws one between its records and its summary).
_RULE_LINE = re.compile(r"[-=*_—─]{3,}[\s,;|]*")


def footer_lines(path: Path, separator: str, width: int) -> tuple[tuple[str, ...], int]:
    """A bill's summary below its records, as read (no line endings), and the byte offset
    in *path* (UTF-8) where it starts; ``((), 0)`` without one.

    Alipay's bill exports of the years before 2022 end in a rule line and a summary (共N笔
    记录, 已收入:…, 导出时间:[…], 用户:…): records of one or two fields under a header of
    a dozen, refused as malformed. A footer is a rule line (dashes, equals signs, stars)
    after the last record as wide as the header (*width* fields), it and every line after
    it narrower than the header (lines padded to the header's width are records, read as
    such). Only a rule line starts one: a record's quoted text running
    onto a line of its own (``…"备注\n第二行"``) is no footer, and a record cut short by a
    crash stays an error.
    """
    with path.open("rb") as stream:
        size = stream.seek(0, os.SEEK_END)
        start = max(0, size - _FOOTER_BYTES)
        stream.seek(start)
        tail = stream.read()
    offsets, lines = [], []
    at = 0
    for raw in tail.split(b"\n"):
        offsets.append(start + at)
        lines.append(raw.decode("utf-8", errors="replace").rstrip("\r"))
        at += len(raw) + 1
    if start:  # the first line read is a part of one
        offsets, lines = offsets[1:], lines[1:]
    if lines and lines[-1] == "":  # after the file's last line break
        offsets, lines = offsets[:-1], lines[:-1]

    def fields(line: str) -> int:
        return len(next(csv.reader([line], delimiter=separator), []))

    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if _RULE_LINE.fullmatch(line):
            footer = lines[index:]
            # An odd number of quotes: a record's quoted text runs into these lines.
            quoted = sum(rest.count('"') for rest in footer) % 2
            if not quoted and all(fields(rest) < width for rest in footer):
                return tuple(footer), offsets[index]
            return (), 0
        if fields(line) >= width:
            return (), 0  # a record: the file ends in records
    return (), 0


def _scratch_copy(fill: Callable[[Path], object]) -> Path:
    """A private temporary file (0600, the system's temporary folder) that *fill* writes:
    the UTF-8 copy a CSV is read through. Removed if writing it fails."""
    handle, name = tempfile.mkstemp(prefix="dataguard-", suffix=".utf8.csv")
    os.close(handle)
    scratch = Path(name)
    try:
        fill(scratch)
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise
    return scratch


def _copy_head(src: Path, dst: Path, length: int) -> None:
    """Copy the first *length* bytes of *src* into *dst*, in chunks."""
    with src.open("rb") as fin, dst.open("wb") as fout:
        while length > 0:
            chunk = fin.read(min(length, 1 << 20))
            if not chunk:
                break
            fout.write(chunk)
            length -= len(chunk)


def _name_like(cell: str) -> bool:
    """Whether *cell* could be a person's Chinese name: two or three ideographs after a
    surname, and no common word (金额 and 余额 start with a surname, and are words)."""
    from dataguard.recognizers.name import surnames  # the tables module loads without them
    from dataguard.recognizers.name_beside import common_words

    return (
        2 <= len(cell) <= 3
        and all("\u4e00" <= ch <= "\u9fff" for ch in cell)
        and (cell[:1] in surnames() or cell[:2] in surnames())
        and cell not in common_words()
    )


def _filled(cells: Sequence[str | None]) -> int:
    """How many of *cells* hold more than white space."""
    return sum(bool(c and c.strip()) for c in cells)


def _cells(line: str, separator: str) -> list[str]:
    return next(csv.reader([line], delimiter=separator), [])


def _first_undecodable_byte(path: Path) -> int | None:
    """The offset of the first byte of *path* that is not valid UTF-8, or None."""
    try:
        for _ in _decoded_chunks(path, "utf-8"):
            pass
    except _Undecodable as bad:
        return bad.offset
    return None


def _distinct_names(given: list[str]) -> list[str]:
    """*given* header names, each empty one named ``column_N`` and each repeated one
    ``name_N`` (*N* its position from 1), none of them a name taken already."""
    names: list[str] = []
    for i, name in enumerate(given, 1):
        if name and name not in names:
            names.append(name)
        else:
            names.append(_unused(f"{name}_{i}" if name else f"column_{i}", given + names))
    return names


def _unused(name: str, taken: list[str]) -> str:
    """*name*, with underscores added until it is not in *taken*."""
    while name in taken:
        name += "_"
    return name


def _bare_cr_endings(path: Path, encoding: str) -> bool:
    """Whether the file's lines end in a bare CR: its first megabyte, decoded, holds a
    ``\\r`` and no ``\\n``. Polars splits records at ``\\n`` only, so it would read such a
    file as one header line and no rows (nothing redacted). Decoded, because in UTF-16 the
    bytes 0x0D and 0x0A are also halves of other characters (不 is 0D 4E)."""
    with path.open("rb") as stream:
        head = stream.read(_SNIFF_BYTES)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    return "\r" in text and "\n" not in text


def _drop_blank_tail(source: TableSource) -> None:
    """Leave the blank lines at the end of a CSV/TSV file out of its frame.

    Polars reads each as a row of nulls, which would be written back as a record of empty
    fields; they are no records (editors and ``echo >>`` leave them), so the frame stops
    at the last record. That takes the record count, paid only by a file that ends in a
    blank line: counted on the raw lines (:func:`_quoted_lines`) rather than by polars,
    whose count stops without an error at a quote that never closes, so cutting the frame
    there would lose the records below it; such a file is refused here. A blank line
    before a record stays refused (:meth:`TableSource.check_records`): there it stands for
    a record that lost its fields.

    Raises:
        UsageError: naming the quote that never closes, if one does.
    """
    blank = _blank_lines_at_end(source.scratch or source.path)
    if not blank:
        return
    records, unclosed = _count_records(source.scratch or source.path, source.quoting)
    if unclosed is not None:
        error = source.invalid(source.quote_problem() or _UNCLOSED.format(number=unclosed))
        source.close()
        raise error
    rows = records - source.header - blank  # the header is a record
    source.frame = source.frame.head(rows)
    source.rows = rows
    source.blank_tail = blank


def _count_records(path: Path, quoting: bool = True) -> tuple[int, int | None]:
    """How many records the UTF-8 CSV at *path* holds, the header and blank lines
    included, and the number of the one still open at the end of the file (a quoted field
    that never closes), if any. Counted as :func:`_quoted_lines` pairs quotes (without
    ``quoting``, a line is a record)."""
    records = odd = 0
    for lines in _quoted_lines(path, _CHECK_LINES, quoting):
        records = int(lines.get_column("record")[-1])
        odd = int(lines.get_column("odd_after")[-1])
    return records, records if odd else None


#: Bytes read at a time from the end of a file by :func:`_blank_lines_at_end`.
_TAIL = 1 << 16


def _blank_lines_at_end(path: Path) -> int:
    """How many blank lines end the file at *path*: line breaks (LF or CRLF) after the one
    that ends its last line. Read backwards from the end, a block at a time."""
    with path.open("rb") as stream:
        end = stream.seek(0, os.SEEK_END)
        tail = b""
        while end and not tail.strip(b"\r\n"):
            start = max(0, end - _TAIL)
            stream.seek(start)
            tail = stream.read(end - start) + tail
            end = start
    breaks = tail[len(tail.rstrip(b"\r\n")) :]
    return max(0, breaks.count(b"\n") - 1)


def _header(path: Path, separator: str, quoting: bool = True) -> tuple[list[str], str, bool]:
    """The header's column names, its line as written (without the line ending), and
    whether lines end with CRLF."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        first = stream.readline()
    line = first.rstrip("\r\n")
    if not quoting:
        return (line.split(separator) if line else []), line, first.endswith("\r\n")
    row = next(csv.reader([first], delimiter=separator), [])
    return row, line, first.endswith("\r\n")


class Workbook(NamedTuple):
    """What :func:`read_workbook` read: the sheets, and the title rows above their headers."""

    sheets: dict[str, pl.DataFrame]
    #: Per sheet with any, its title rows above the header (:func:`title_rows`), each row's
    #: cells as text ("" for an empty one).
    titles: dict[str, list[list[str]]]


def read_workbook(path: Path) -> Workbook:
    """Every sheet of an ``.xlsx`` workbook, by name (read whole: a sheet holds at most
    1,048,576 rows). Needs ``pip install 'dataguard[excel]'``.

    A column keeps its cells' type (numbers, dates) when every cell has it. A column
    mixing kinds (``138-1234-1050`` typed among numeric phones, ``n/a`` among amounts) is
    read as text: calamine types a column from its cells and turns the others into
    nulls, which would drop them from the redacted copy.

    A sheet whose first row is a title (a merged ``客户信息导出（2026年11月）`` cell: one
    column named, the others ``__UNNAMED__``) is read from the header below its title
    rows (:func:`title_rows`); the title rows are returned beside it. Read with the
    title as the header, the real header was a row of data, masked as one.
    """
    try:
        sheets = dict(
            pl.read_excel(path, sheet_id=0, infer_schema_length=None, raise_if_empty=False)
        )
        titles = {name: _title_of(path, name, frame.columns) for name, frame in sheets.items()}
        titles = {name: rows for name, rows in titles.items() if rows}
        for name, rows in titles.items():
            sheets[name] = _read_sheet(path, name, None, len(rows))
        typed = [name for name, frame in sheets.items() if _typed_columns(frame)]
        texts = {name: _read_sheet(path, name, 0, len(titles.get(name, ()))) for name in typed}
    except ImportError:
        raise UsageError("reading .xlsx needs: pip install 'dataguard[excel]'") from None
    except Exception as exc:  # calamine's own error types; never echo cell contents
        raise UsageError(
            f"{path.name}: not a readable .xlsx workbook ({type(exc).__name__})"
        ) from None
    for name in typed:
        sheets[name] = _keep_every_cell(sheets[name], texts[name])
    return Workbook(sheets, titles)


# What calamine names a header cell that is empty (the cells a merged title spans).
_UNNAMED = "__UNNAMED__"


def _title_of(path: Path, sheet: str, columns: list[str]) -> list[list[str]]:
    """The title rows above the header of *sheet*, if its first row, read as the header
    (*columns*), looks like a title: one cell named, the others empty."""
    if len(columns) < 2 or sum(not c.startswith(_UNNAMED) for c in columns) != 1:
        return []
    raw = pl.read_excel(
        path,
        sheet_name=sheet,
        has_header=False,
        drop_empty_rows=False,
        drop_empty_cols=False,
        infer_schema_length=0,
        raise_if_empty=False,
    )
    rows = [list(row) for row in raw.head(_MOST_TITLE_LINES + 1).rows()]
    return [[c or "" for c in row] for row in rows[: title_rows(rows)]]


def _read_sheet(path: Path, sheet: str, infer: int | None, header_row: int) -> pl.DataFrame:
    """*sheet* read with its header at *header_row* (0: the first row)."""
    return pl.read_excel(
        path,
        sheet_name=sheet,
        infer_schema_length=infer,
        read_options={"header_row": header_row},
        raise_if_empty=False,
    )


def _typed_columns(frame: pl.DataFrame) -> list[str]:
    return [name for name, dtype in frame.schema.items() if dtype not in (pl.String, pl.Null)]


def _keep_every_cell(typed: pl.DataFrame, text: pl.DataFrame) -> pl.DataFrame:
    """*typed*, with each column that lost a cell (null where *text* has one) as text."""
    lossy = [
        name
        for name in _typed_columns(typed)
        if (typed[name].is_null() & text[name].is_not_null() & (text[name] != "")).any()
    ]
    return typed.with_columns(text[name] for name in lossy) if lossy else typed


def write_workbook(
    sheets: dict[str, pl.DataFrame],
    target: Path,
    titles: dict[str, list[list[str]]] | None = None,
) -> None:
    """Write sheets, in order, into a new ``.xlsx`` workbook at *target*, each below its
    title rows (*titles*, as :func:`read_workbook` returns them), if any."""
    try:
        import xlsxwriter  # type: ignore[import-untyped]
    except ImportError:
        raise UsageError("writing .xlsx needs: pip install 'dataguard[excel]'") from None
    with xlsxwriter.Workbook(str(target)) as workbook:
        for name, frame in sheets.items():
            title = (titles or {}).get(name, [])
            if title:
                worksheet = workbook.add_worksheet(name)
                for index, row in enumerate(title):
                    worksheet.write_row(index, 0, row)
            frame.write_excel(workbook, worksheet=name, position=(len(title), 0), autofit=True)


def sample_jsonl(path: Path, rows: int, seed: int) -> pl.DataFrame:
    """A seeded sample of a JSON-lines file's top-level scalar values, as text columns.

    Read line by line (types may change from line to line, which polars' schema
    inference refuses); a line that is not a JSON object raises a UsageError naming it.
    """
    return scan_jsonl(path, rows, seed).frame


@dataclass
class JsonlScan:
    """What :func:`scan_jsonl` read.

    Attributes:
        frame: the sample, one text column per top-level key.
        lines: the JSON object lines read (every one, with *first_values*).
        first_values: the first non-blank values of every key, over the whole file
            (for :mod:`dataguard.sources.sparse`'s second look), or None.
        skipped: lines after the sample that were not JSON objects (the second look
            passes over them; a sampled one is an error).
        whole: whether the file was read to its end (else *lines* counts the sample's).
    """

    frame: pl.DataFrame
    lines: int
    first_values: FirstValues | None = None
    skipped: int = 0
    whole: bool = True


def scan_jsonl(path: Path, rows: int, seed: int, *, first_values: bool = False) -> JsonlScan:
    """Sample a JSON-lines file as :func:`sample_jsonl` does; with *first_values*, read
    on to its end, keeping the first non-blank values of every key
    (:class:`~dataguard.sources.sparse.FirstValues`): a key filled in one line in five
    thousand, which the sample saw empty or not at all."""
    size = path.stat().st_size
    with path.open("rb") as stream:
        head = stream.read(1 << 16)
    per_line = max(1, len(head) // max(head.count(b"\n"), 1))
    stride = max(1, (size // per_line) // max(rows, 1))
    records: list[dict[str, str | None]] = []
    first = FirstValues() if first_values else None
    lines = skipped = 0
    whole = True
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            sampled = len(records) < rows and not (stride > 1 and hash((seed, number)) % stride)
            if not sampled and (first is None or not raw.strip()):
                if len(records) >= rows and first is None:
                    whole = False
                    break
                continue
            if sampled:
                record = _jsonl_record(path, number, raw)
                records.append(record)
                if first is not None:
                    first.add_record(record)
            elif first is not None:
                # Only keys still short of values are written as text: once the common
                # keys have theirs, a line costs its parse alone.
                try:
                    parsed = json_text.loads(raw)
                except ValueError:
                    parsed = None
                if not isinstance(parsed, dict):
                    skipped += 1
                    continue
                wanted = {str(k): v for k, v in parsed.items() if first.wants(str(k))}
                if wanted:
                    first.add_record(_as_text(wanted))
            lines += 1
    columns: dict[str, list[str | None]] = {}
    for i, record in enumerate(records):
        for key, value in record.items():
            columns.setdefault(key, [None] * i).append(value)
        for values in columns.values():
            if len(values) < i + 1:
                values.append(None)
    frame = pl.DataFrame({k: pl.Series(k, v, dtype=pl.String) for k, v in columns.items()})
    return JsonlScan(frame, lines if first is not None else len(records), first, skipped, whole)


def _jsonl_record(path: Path, number: int, raw: bytes) -> dict[str, str | None]:
    """Line *number* of a JSON-lines file: its top-level values as text (nested values as
    their JSON), or a UsageError naming the line."""
    try:
        record = json_text.loads(raw)
    except ValueError as exc:
        if number == 1 and utf16_codec(raw):
            raise UsageError(
                f"{path.name} is UTF-16 (it starts with a byte-order mark); JSON lines are "
                "UTF-8: convert it first (iconv -f utf-16 -t utf-8)"
            ) from None
        why = exc.args[0] if exc.args == (json_text.TOO_DEEP,) else "not valid JSON"
        raise UsageError(f"{path.name}: line {number} is {why}") from None
    if not isinstance(record, dict):
        raise UsageError(f"{path.name}: line {number} is not a JSON object")
    return _as_text(record)


def _as_text(record: dict[Any, Any]) -> dict[str, str | None]:
    """Top-level values as text: strings as they are, other values as their JSON."""
    return {
        str(k): None
        if v is None
        else (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
        for k, v in record.items()
    }


#: A check of a batch as read, which raises to refuse it (:meth:`TableSource.check_batch`).
_Check = Callable[[pl.DataFrame], None]


def sample_rows(
    source: TableSource, rows: int, seed: int, *, check: _Check | None = None
) -> pl.DataFrame:
    """A seeded sample of about *rows* rows spread over the whole file, streamed.

    Rows are kept when a hash of their position (seeded) falls in a band sized from an
    estimate of the row count, so the same seed gives the same sample. The file is read
    batch by batch and only the drawn rows are kept (copied out of their batch), so
    memory does not grow with the file. *check* (:meth:`TableSource.check_batch`) is
    called on every batch read, whole, before rows are drawn from it.
    """
    head = source.frame.head(1000).collect()
    if check is not None:
        check(head)
    if head.height < 1000:
        return head
    size = source.path.stat().st_size
    per_row = max(1, _approx_bytes(head) // head.height)
    stride = max(1, (size // per_row) // max(rows, 1))
    return draw_sample(source.frame, rows, stride, seed, empty=head.clear(), check=check)


def draw_sample(
    frame: pl.LazyFrame,
    rows: int,
    stride: int,
    seed: int,
    *,
    empty: pl.DataFrame,
    check: _Check | None = None,
) -> pl.DataFrame:
    """The first *rows* rows of *frame* whose position hashes to 0 modulo *stride*.

    Position ``i`` (0-based, Int64) is kept when ``hash(i, seed) % stride == 0``: the same
    seed gives the same rows on unchanged data. *frame* is read batch by batch and only the
    drawn rows are kept, so memory does not grow with its size. *empty* is returned when
    nothing is drawn. *check* is called on every batch read.
    """
    drawn: list[pl.DataFrame] = []
    taken = 0
    offset = 0
    for batch in frame.collect_batches(chunk_size=_SAMPLE_BATCH_ROWS):
        if check is not None:
            check(batch)
        position = pl.int_range(offset, offset + batch.height, dtype=pl.Int64)
        offset += batch.height
        kept = batch.filter(position.hash(seed) % stride == 0)
        if kept.height:
            drawn.append(_detached(kept))
            taken += kept.height
            if taken >= rows:
                break
    if not drawn:
        return empty
    return pl.concat(drawn).head(rows)


#: Rows per batch of the sampling pass (the same batching as the redaction pass).
_SAMPLE_BATCH_ROWS = 100_000


def _detached(frame: pl.DataFrame) -> pl.DataFrame:
    """A copy of a few rows that shares no buffers with the batch they came from.

    A filtered polars string column is a set of views into its batch's buffers, so
    keeping 20 rows of every batch would keep every batch alive: memory would grow with
    the file (2.6 GB peak sampling a 2.2 GB CSV). The sample is small; copying it through
    Python costs nothing.
    """
    return pl.DataFrame(frame.to_dict(as_series=False), schema=frame.schema)


def estimate_rows(source: TableSource) -> int | None:
    """The row count: exact for Parquet (from its metadata) and for a source whose count
    is known (:attr:`TableSource.rows`), estimated for text files, else None."""
    if source.rows is not None:
        return source.rows
    if source.fmt == "database":
        return None
    if source.fmt == "parquet":
        return int(source.frame.select(pl.len()).collect().item())
    head = source.frame.head(1000).collect()
    if head.height < 1000:
        return head.height
    per_row = max(1, _approx_bytes(head) // head.height)
    return max(head.height, (source.scratch or source.path).stat().st_size // per_row)


#: NULL in a database's tab-separated text (PostgreSQL's COPY text format, MySQL's
#: SELECT … INTO OUTFILE and LOAD DATA).
_DATABASE_NULL = "\\N"


def _refuse_unquotable(batch: pl.DataFrame, separator: str) -> None:
    """Refuse to write *batch* unquoted if a text value holds *separator* or a line break
    (it would split its row); names the column, never the value."""
    pattern = "[" + re.escape(separator) + "\r\n]"
    for name, dtype in batch.schema.items():
        if dtype == pl.String and batch.get_column(name).str.contains(pattern).any():
            raise UsageError(
                f"column {name}: a masked value holds the separator or a line break, "
                "which a file without quoting cannot hold; write Parquet or JSON lines "
                "(--to parquet, --to jsonl)"
            )


def _approx_bytes(frame: pl.DataFrame) -> int:
    return int(frame.estimated_size()) or 1


def write_batches(
    batches: Iterator[pl.DataFrame],
    source: TableSource,
    target: Path,
    fmt: str,
    compression: str | None = None,
) -> None:
    """Write *batches* into *target* one at a time, in *fmt*.

    CSV and TSV keep the source's encoding, BOM and line ending; Parquet is written with
    pyarrow's ``ParquetWriter`` when pyarrow is installed (``dataguard[spark]`` brings it),
    else collected by polars' sink. *compression* (gzip, bzip2, xz; CSV, TSV and JSONL
    only) compresses the output as it is written.
    """
    if fmt == "parquet":
        if compression is not None:
            raise UsageError("Parquet compresses its own columns: write it without .gz")
        _write_parquet_batches(batches, source, target)
        return
    separator = source.separator if fmt == source.fmt else _separator(fmt)
    ending = "\r" if source.cr else "\r\n" if source.crlf else "\n"
    encoding = source.encoding if source.encoding not in ("utf-8-sig",) else "utf-8"
    # Incremental: a plain "utf-16" (--encoding utf-16) writes its mark once, not once a
    # batch.
    encode = codecs.getincrementalencoder(encoding)().encode
    # The input's own header line, when the output has its format: quoting and empty
    # names as they were (polars would write "" for an empty name).
    verbatim = source.header_line if source.header and fmt == source.fmt else None
    # polars writes the header with the first batch, or alone when there is none.
    polars_header = source.header and verbatim is None
    # A database's tab-separated text (read without quoting) is written back the same way.
    unquoted = not source.quoting and fmt == source.fmt
    with open_output(target, compression) as out:
        if fmt != "jsonl":
            head = "\ufeff" if source.bom else ""  # the encoding's byte order mark
            if source.preamble is not None and fmt == source.fmt:
                head += source.preamble + ending  # Excel's sep= line, as it was
            if fmt == source.fmt:
                head += "".join(line + ending for line in source.title)
            out.write(encode(head + (verbatim + ending if verbatim is not None else "")))
        first = True
        for batch in batches:
            if fmt == "jsonl":
                out.write(batch.write_ndjson().encode("utf-8"))
                continue
            if unquoted:
                # Written back as read: no quotes, so no value may hold a separator or a
                # line break (none can come from the input; a mask never writes one).
                _refuse_unquotable(batch, separator)
            text = batch.write_csv(
                separator=separator,
                include_header=first and polars_header,
                line_terminator=ending,
                quote_style="never" if unquoted else "necessary",
                null_value=_DATABASE_NULL if unquoted else "",
            )
            out.write(encode(text))
            first = False
        if first and fmt != "jsonl" and polars_header:  # no batch: still write the header
            header = pl.DataFrame(schema=source.frame.collect_schema()).write_csv(
                separator=separator, line_terminator=ending
            )
            out.write(encode(header))
        if fmt == source.fmt and source.footer:
            out.write(encode("".join(line + ending for line in source.footer)))


def _write_parquet_batches(
    batches: Iterator[pl.DataFrame], source: TableSource, target: Path
) -> None:
    try:
        import pyarrow.parquet as pq  # type: ignore[import-untyped]
    except ImportError:  # polars alone cannot append to a Parquet file
        frames = list(batches)
        (pl.concat(frames) if frames else pl.DataFrame()).write_parquet(target)
        return
    writer = None
    try:
        for batch in batches:
            table = batch.to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(str(target), table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        pl.DataFrame(schema=source.frame.collect_schema()).write_parquet(target)


def read_error(source: TableSource, exc: Exception) -> UsageError:
    """A UsageError for a polars read error, locating it; polars' text is not echoed.

    Polars may quote the offending data in its message, so only its error class is kept,
    and the location of a CSV/TSV error comes from our own reading of the file
    (:func:`explain_csv_error`).
    """
    fmt = source.fmt
    where = explain_csv_error(source, fmt) if fmt in ("csv", "tsv") else None
    return source.invalid(where or f"polars could not read it ({type(exc).__name__})")


def explain_csv_error(source: TableSource, fmt: str) -> str | None:
    """Where a CSV breaks: the first bad quote (:func:`first_bad_quote`), else the first
    record whose field count differs from the header's (:func:`first_ragged_record`).

    Only run on the error path. Text that is not UTF-8 stops both (polars reads the lines);
    Python's csv module then names the byte. The message names a record, line or byte and
    counts, never the row's content.
    """
    try:
        return source.quote_problem() or source.record_problem(len(source.frame.collect_schema()))
    except pl.exceptions.PolarsError:
        pass
    path = source.scratch or source.path
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.reader(
                stream,
                delimiter=source.separator,
                strict=True,
                quoting=csv.QUOTE_MINIMAL if source.quoting else csv.QUOTE_NONE,
            )
            for _ in reader:
                pass
    except csv.Error as exc:
        return f"malformed CSV near line {reader.line_num}: {exc}"
    except UnicodeDecodeError as exc:
        return f"not valid UTF-8 at byte {exc.start}"
    return None


def _field_count_error(number: int, fields: int, columns: int) -> str:
    """The message for a record of *fields* fields (0: a blank line) under *columns*."""
    if fields == 0:
        return f"record {number} is a blank line where the header has {columns} fields"
    return f"record {number} has {fields} fields where the header has {columns}"


class RaggedRecord(NamedTuple):
    """A record whose field count is not the header's: its number (the header is record
    1) and its field count (0 for a blank line). ``unclosed``: the record opens a quoted
    field that is still open at the end of the file (its fields are counted up to there).
    """

    number: int
    fields: int
    unclosed: bool = False


#: Lines per batch of :func:`first_ragged_record` and :func:`first_bad_quote`.
_CHECK_LINES = 50_000

# ref. RFC 4180 §2, rules 5-7: a quoted field may hold separators, line breaks and
# quotes doubled. A quoted stretch of a line: from a quote to the next one (a doubled
# quote ends one stretch and opens the next), or to the end of the line when the field
# goes on below.
_QUOTED = r'"[^"]*(?:"|$)'


def _quoted_lines(path: Path, lines_per_batch: int, quoting: bool = True) -> Iterator[pl.DataFrame]:
    """The raw lines of the UTF-8 text at *path*, in batches, with their quote state.

    Columns: ``line`` (without its line break), ``quotes`` (how many ``"`` it holds),
    ``inside`` (it starts inside a quoted field: the quotes before it are odd in number),
    ``odd_after`` (1 when a quoted field goes on below it), ``record`` (the number of the
    record it belongs to; the header is record 1) and ``number`` (the line's, from 1).
    Quotes pair up as in RFC 4180 (an escaped ``""`` is two), which is how polars splits a
    file into records. The state carried from batch to batch is three numbers. Without
    ``quoting`` a quote is a plain character: none is counted, and each line is a record.
    """
    quotes = pl.col("line").str.count_matches('"', literal=True) if quoting else pl.lit(0)
    odd = 0  # quotes before the batch, modulo 2: the batch starts inside a field
    records = 0  # records started before the batch
    first = 1  # the number of the batch's first line
    for batch in pl.scan_lines(path, name="line").collect_batches(chunk_size=lines_per_batch):
        if not batch.height:
            continue
        lines = (
            batch.with_columns(quotes=quotes)
            .with_columns(odd_after=(pl.col("quotes").cast(pl.Int64).cum_sum() + odd) % 2)
            .with_columns(inside=(pl.col("odd_after") - pl.col("quotes")) % 2 == 1)
            .with_columns(
                record=(~pl.col("inside")).cum_sum().cast(pl.Int64) + records,
                number=pl.int_range(first, first + batch.height, dtype=pl.Int64),
            )
        )
        yield lines
        odd = int(lines.get_column("odd_after")[-1])
        records = int(lines.get_column("record")[-1])
        first += batch.height


def _with_quote(text: pl.Expr) -> pl.Expr:
    """*text*, with a quote in front of a line that starts inside a quoted field: its
    quoted stretches then pair up within the line."""
    return pl.when("inside").then(pl.concat_str(pl.lit('"'), text)).otherwise(text)


def first_ragged_record(
    path: Path,
    separator: str,
    columns: int,
    *,
    lines_per_batch: int = _CHECK_LINES,
    quoting: bool = True,
) -> RaggedRecord | None:
    """The first record of the UTF-8 CSV at *path* without *columns* fields, or None.

    Polars refuses a record with more fields than the header and pads one with fewer with
    nulls, which the frame cannot tell from empty fields (whatever
    ``empty_string_is_null``, ``null_values``, ``missing_columns`` or
    ``truncate_ragged_lines`` say: tests/sources/test_tables.py), so the fields are
    counted here, on the raw lines, by polars expressions in bounded memory:

    * lines are paired into records by their quotes (:func:`_quoted_lines`; polars
      refuses a stray quote inside an unquoted field, so quotes pair up as in RFC 4180);
    * a line's separators outside quotes are counted after removing the quoted stretches
      (a line that starts inside a field gets a quote in front first);
    * a record ends on the line after which the quotes are even, and has one field more
      than the separators of its lines: a blank line is one empty field, as polars reads
      it (:class:`RaggedRecord` reports it as 0 fields, a blank line).

    A record still open at the end of the file is returned with ``unclosed`` set: polars
    may have read the rest of the file into one of its fields. Lines without quotes, the
    usual case, take a plain count of the separator, and so does every line when
    ``quoting`` is False (quotes are plain characters). Nothing runs per row in Python.
    """
    carried = 0  # separators of the record still open at the end of the previous batch
    unclosed = None  # that record, when the file ends there
    for lines in _quoted_lines(path, lines_per_batch, quoting):
        if not lines.get_column("quotes").sum() and not lines.get_column("inside").any():
            fields = lines.get_column("line").str.count_matches(separator, literal=True) + 1
            wrong = (fields != columns).arg_true()
            if wrong.len():
                at = int(wrong[0])
                return _ragged(lines, at, int(lines.get_column("record")[at]), int(fields[at]))
            unclosed = None
            continue
        counted = lines.select(
            "record",
            separators=_with_quote(pl.col("line"))
            .str.replace_all(_QUOTED, "")
            .str.count_matches(separator, literal=True)
            .cast(pl.Int64),
            start=~pl.col("inside"),
            end=pl.col("odd_after") == 0,
        ).with_columns(total=pl.col("separators").cum_sum() + carried)
        counted = counted.with_columns(
            # separators of earlier records: the running total where this record began
            before=pl.when("start")
            .then(pl.col("total") - pl.col("separators"))
            .forward_fill()
            .fill_null(0),
        ).with_columns(fields=pl.col("total") - pl.col("before") + 1)
        wrong = (counted.get_column("end") & (counted.get_column("fields") != columns)).arg_true()
        if wrong.len():
            at = int(wrong[0])
            row = counted.row(at, named=True)
            if row["start"]:  # the record is this one line
                return _ragged(lines, at, row["record"], row["fields"])
            return RaggedRecord(row["record"], row["fields"])
        last = counted.row(-1, named=True)
        carried = 0 if last["end"] else last["total"] - last["before"]
        unclosed = None if last["end"] else RaggedRecord(last["record"], last["fields"], True)
    return unclosed


def _ragged(batch: pl.DataFrame, at: int, number: int, fields: int) -> RaggedRecord:
    """The record on line *at* of *batch*, a whole record: 0 fields when it is blank."""
    blank = fields == 1 and not (batch.get_column("line")[at] or "").rstrip("\r")
    return RaggedRecord(number, 0 if blank else fields)


class QuoteFault(NamedTuple):
    """A quote polars cannot read past, located: the record it is in (the header is record
    1), the line it is on (from 1) and its byte offset in the file (from 0), and what is
    wrong with it, one of ``stray``, ``after``, ``unclosed`` (:func:`first_bad_quote`)."""

    number: int
    line: int
    byte: int
    problem: str

    def describe(self, *, with_byte: bool = True) -> str:
        """The message: the record, line and byte and what to do; never the content."""
        where = f"line {self.line}, byte {self.byte}" if with_byte else f"line {self.line}"
        return _QUOTE_PROBLEMS[self.problem].format(number=self.number, where=where)


# ref. RFC 4180 §2, rules 5-7. What polars refuses, and what to do about it. Polars itself
# takes a quote inside an unquoted field as a character when the record's quotes pair up
# (``ab"c"d``), and so does dataguard; an odd one makes polars' record splitting and its
# parser disagree, and it refuses the file.
_QUOTE_PROBLEMS = {
    "stray": (
        "record {number} has a stray quote inside an unquoted field ({where}); "
        "quote the field and double the quote (RFC 4180)"
    ),
    "after": (
        "record {number} has text after the closing quote of a quoted field ({where}); "
        "a quote inside a quoted field must be doubled (RFC 4180)"
    ),
    "unclosed": (
        "record {number} opens a quoted field that is never closed ({where}); "
        "it would take in the rest of the file"
    ),
}
#: The same, when :func:`first_bad_quote` cannot tell where the quote opened.
_UNCLOSED = "record {number} opens a quoted field that is never closed"


def _quote_patterns(separator: str) -> tuple[str, str]:
    """``(opens, after)``: the regexes :func:`first_bad_quote` matches lines with.

    Both read a line from its start, field by field, as polars does: a quoted field, or an
    unquoted one, which does not start with a quote but may hold some (polars takes them
    as characters). Starting anywhere else, a separator inside a quoted field would be
    taken for the start of a field.

    * ``opens``: the fields end with a quoted field that goes on below (group 1: the
      fields before it);
    * ``after``: a quoted field is followed by something other than a separator or the
      end of the line; not by a quote either, so ``"a""b"`` cannot read as ``"a"`` and
      a quote.
    """
    # ref. RFC 4180 §2, rules 5-7: a quoted field, quotes inside doubled.
    quoted = '"(?:[^"]|"")*"'
    sep = "\\|" if separator == "|" else separator  # the one separator a regex must escape
    fields = f'(?:(?:{quoted}|[^{sep}"][^{sep}]*|){sep})*'
    return f'^({fields})"(?:[^"]|"")*$', f'^{fields}{quoted}[^{sep}"\\r]'


def first_bad_quote(
    path: Path, separator: str, *, lines_per_batch: int = _CHECK_LINES
) -> QuoteFault | None:
    """The first quote of the UTF-8 CSV at *path* that polars cannot read past, or None.

    Lines are paired into records by their quotes (:func:`_quoted_lines`), as polars
    splits them, and a line holding quotes is refused when (vectorised, per batch):

    * ``stray``: it leaves a quoted field open (odd quotes) but its fields do not end
      with a quoted field: a quote inside an unquoted field, which would run the record on
      into the lines below;
    * ``after``: a quoted field's closing quote is followed by text, not a separator;

    and, at the end of the file, ``unclosed``: a quoted field is still open, where it
    opened (the dangerous case: it takes in every record below it). Lines without quotes
    cost a count; only the one line found is looked at in Python, for its byte offset.
    """
    opens, after = _quote_patterns(separator)
    opened: dict[str, Any] | None = None  # the line whose quoted field is still open
    for lines in _quoted_lines(path, lines_per_batch):
        if lines.get_column("quotes").sum():
            text = _with_quote(pl.col("line").str.strip_prefix("\ufeff"))
            opening = (pl.col("odd_after") == 1) & (pl.col("quotes") > 0)
            flagged = lines.with_columns(
                opening=opening,
                stray=opening & ~text.str.contains(opens),
                after=text.str.contains(after),
            )
            bad = flagged.filter(pl.col("stray") | pl.col("after")).head(1)
            if bad.height:
                row = bad.row(0, named=True)
                problem = "after" if row["after"] else "stray"
                return _quote_fault(path, row, problem, after)
            openers = flagged.filter("opening").tail(1)
            if openers.height:
                opened = openers.row(0, named=True)
        if not lines.get_column("odd_after")[-1]:
            opened = None
    return None if opened is None else _quote_fault(path, opened, "unclosed", opens)


def _quote_fault(path: Path, row: dict[str, Any], problem: str, pattern: str) -> QuoteFault:
    """The fault *problem* on the line *row* (of :func:`_quoted_lines`), with the byte
    offset of its quote, found with *pattern* (:func:`_quote_patterns`): for ``after``
    the closing quote text follows, for ``unclosed`` the quote that opens the field, for
    ``stray`` the line's last quote.
    """
    line = str(row["line"])
    body = line.lstrip("\ufeff")
    bom = len(line) - len(body)  # a BOM is three bytes
    inside = bool(row["inside"])
    found = re.match(pattern, '"' + body if inside else body)
    if problem == "after" and found:
        at = found.end() - 2 - inside
    elif problem == "unclosed" and found:
        at = len(found.group(1)) - inside
    else:
        at = body.rfind('"')
    byte = _line_start(path, row["number"]) + 3 * bom + len(body[:at].encode("utf-8"))
    return QuoteFault(row["record"], row["number"], byte, problem)


def _line_start(path: Path, line: int) -> int:
    """The byte offset at which *line* (from 1) of *path* starts; lines end with LF."""
    offset = 0
    left = line - 1
    with path.open("rb") as stream:
        while left and (chunk := stream.read(_CHUNK)):
            breaks = chunk.count(b"\n")
            if breaks >= left:
                rest = chunk.split(b"\n", left)[-1]
                return offset + len(chunk) - len(rest)
            left -= breaks
            offset += len(chunk)
    return offset
