"""The batch path: Rust finds candidate starts for a whole batch of lines at once.

:meth:`Detector.detect_lines <dataguard.detect.engine.Detector.detect_lines>` hands a
batch here. Every pattern's scan
form (:mod:`dataguard.detect.scan`) runs in polars' Rust regex engine over the column of
lines; the starts of its matches come back as ``(line, offset)`` pairs, computed without
Python touching the text:

* ``replace_all(form, "${1}\\ufdd0${2}\\ufdd1")`` marks each candidate core;
* splitting on ``\\ufdd0`` and summing the code-point lengths of the pieces before each
  mark gives the core's offset.

Lines that polars' NFKC normalises one character for one character are normalised in
Rust; the rest (percent and ``\\uXXXX`` escapes, characters outside ASCII, CJK
ideographs, CJK punctuation and full-width forms) by the Python normaliser, whose edits
map offsets back. Lone surrogates (undecodable input bytes) become U+FFFD for the scan.
Only lines holding the marker characters take the single-text path. The result equals
scanning each line with ``Detector.detect``; property tests hold the two paths to that.

When Hyperscan is available, one pass over the batch (:mod:`dataguard.detect.multiscan`)
first says which lines can hold a candidate of which pattern; each pattern is then scanned
only on those lines (and on the lines Hyperscan may not scan), by polars, or by Python's
``re`` when they are few and short. Without it, every pattern runs over every line.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import polars as pl

from dataguard.detect import multiscan
from dataguard.detect.normalize import ESCAPES, IME_DOT, NormalizedText, normalize
from dataguard.detect.regex_cache import cached_strings, flush

if TYPE_CHECKING:
    from dataguard.detect.engine import _Alternative

__all__ = ["BatchScanner"]

# Inside this set NFKC maps one character to one character and needs no context, so
# polars' normalised text has the same offsets as the original and equals what
# dataguard.detect.normalize produces. Lines holding anything else, or escapes, are
# normalised in Python (dataguard.detect.normalize) before the scan, and so are lines
# holding octal escapes, base64 JSON (eyJ…), ESC (ANSI colour codes, which the normaliser
# turns into spaces) or an ideographic full stop between ASCII letters (zhangsan@qq。com).
_FAST_CHARS = r"\x{00}-\x{7F}\x{4E00}-\x{9FFF}\x{3000}-\x{303F}\x{FF01}-\x{FF5E}\x{2018}-\x{201D}"
_NEEDS_PYTHON = r"[^" + _FAST_CHARS + r"]|" + ESCAPES + "|" + IME_DOT
_CORE = pl.col("core")
_NFKC_CHANGES = r"[\x{3000}\x{3036}\x{3038}-\x{303A}\x{FF01}-\x{FF5E}]"
# Noncharacters: never in interchanged text, and never produced by decoding junk bytes.
_MARK_START = "\ufdd0"
_MARK_END = "\ufdd1"

Candidate = tuple["_Alternative", int]
#: A pattern Hyperscan names at most this many lines (of at most this many characters in
#: all) for is scanned there by Python's re: cheaper than the fixed cost of one more polars
#: plan. Long lines stay in Rust, which scans them ~50x faster than re.
_FEW_LINES = 64
_FEW_CHARS = 16_384


def rust_accepts(regex: str) -> bool:
    """Whether polars' (Rust's) regex engine compiles *regex*.

    Asking polars costs about a millisecond a pattern, 0.1-0.15 s for the built-in set on
    every start of a filter, a redaction or a worker, so the verdict is kept on disk with
    the compiled regexes, under polars' version.
    """

    def work_out() -> list[str]:
        try:
            pl.Series([""], dtype=pl.String).str.contains(regex)
        except Exception:  # polars raises its own error types for regexes it cannot compile
            return []
        return ["accepted"]

    key = "rust-accepts:" + hashlib.sha256(regex.encode("utf-8", "surrogatepass")).hexdigest()
    return bool(cached_strings(_RUST_REGEX_VERSION, key, work_out))


#: What :func:`rust_accepts` verdicts depend on: the regex engine polars carries.
_RUST_REGEX_VERSION = f"polars:{pl.__version__}"


def storable(line: str) -> str:
    """The line as polars can hold it: each lone surrogate becomes U+FFFD.

    Undecodable input bytes arrive as lone surrogates (``surrogateescape``). One code
    point replaces one, so offsets hold; no pattern matches either character.
    """
    if line.isascii():
        return line
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in line)
    return line


class BatchScanner:
    """Candidate starts for batches of lines, per pattern, computed by polars."""

    def __init__(
        self,
        alternatives: Sequence[_Alternative],
        *,
        hyperscan: bool | None = None,
        multi: multiscan.MultiScanner | None = None,
    ) -> None:
        self.alternatives = tuple(alternatives)
        self.in_rust = tuple(rust_accepts(a.form.regex) for a in self.alternatives)
        flush()  # the verdicts worked out afresh, if any
        if hyperscan is None:
            hyperscan = multiscan.available()
        #: The one-pass Hyperscan prefilter (:mod:`dataguard.detect.multiscan`; *multi*
        #: when the detector built one already), or None: then every pattern runs in
        #: polars, as on machines without Hyperscan.
        self.multi = (multi or multiscan.MultiScanner(self.alternatives)) if hyperscan else None
        self.covered = (
            self.multi.covered if self.multi is not None else (False,) * len(self.alternatives)
        )
        #: Per alternative: every match of its scan form holds a line break (the CSV
        #: column patterns: a header, then a row), so only lines holding one are scanned.
        self.multiline = tuple(a.form.line_break_only for a in self.alternatives)

    def scan(
        self, lines: Sequence[str]
    ) -> Iterator[tuple[int, str, list[Candidate] | None, NormalizedText | None]]:
        """Yield ``(index, text, candidates, normalized)`` for lines that may hold findings.

        ``candidates`` is None when the line must go through the single-text path (its
        text is then the original line). Otherwise ``text`` is the normalised line and
        ``normalized`` maps its offsets back (None: offsets are the original's).
        """
        storable_lines = [storable(line) for line in lines]
        single = [i for i, s in enumerate(storable_lines) if _MARK_START in s or _MARK_END in s]
        text = pl.Series("t", storable_lines, dtype=pl.String)
        # NFKC changes only these characters of the fast set; normalise just those lines.
        # (Series.scatter works in place: ``text`` is the one series, edited.)
        changed = text.str.contains(_NFKC_CHANGES).arg_true()
        if len(changed):
            text.scatter(changed, text.gather(changed).str.normalize("NFKC"))
        # Lines polars' NFKC cannot normalise one-for-one get the Python normaliser. Looked
        # for after NFKC: full-width escapes (％４０, ＼ｕ４Ｅ００) only show as escapes then.
        needy = text.str.contains(_NEEDS_PYTHON).arg_true().to_list()
        mapped: dict[int, NormalizedText] = {}
        for index in needy:
            mapped[index] = normalize(storable_lines[index])
        if mapped:
            text.scatter(list(mapped), [n.text for n in mapped.values()])
        frame = pl.DataFrame(
            {"i": pl.int_range(len(lines), eager=True, dtype=pl.UInt32), "t": text}
        )
        if single:
            frame = frame.filter(~pl.col("i").is_in(single))
        for index in single:
            yield index, lines[index], None, None
        if frame.height == 0:
            return
        per_line: dict[int, list[Candidate]] = defaultdict(list)
        # Lines with a candidate that can become a finding; suppressor matches alone
        # cannot make one, so a line holding nothing else is skipped.
        reportable: set[int] = set()
        sources = self._sources(frame)
        # All Rust scans are planned lazily and collected together, so polars runs them
        # in parallel on its thread pool.
        planned = [
            _core_starts(
                source, alt.form.regex, alt.recognizer.reject_many(alt.pattern.name, _CORE)
            )
            for alt, in_rust, source in zip(self.alternatives, self.in_rust, sources, strict=True)
            if in_rust and isinstance(source, pl.LazyFrame)
        ]
        collected = iter(pl.collect_all(planned))
        for alt, in_rust, source in zip(self.alternatives, self.in_rust, sources, strict=True):
            if source is None:  # no line can hold a candidate (Hyperscan, or no line break)
                continue
            if in_rust and isinstance(source, pl.LazyFrame):
                found = next(collected)
                indices: list[int] = found["i"].to_list()
                offsets: list[int] = found["offset"].to_list()
            else:  # the definition itself: Python's re (scan.py)
                rows = source if isinstance(source, pl.DataFrame) else source.collect()
                indices, offsets = [], []
                for index, line in zip(rows["i"].to_list(), rows["t"].to_list(), strict=True):
                    for m in alt.form.python.finditer(line):
                        indices.append(index)
                        offsets.append(m.start(2))
            for index, start in zip(indices, offsets, strict=True):
                per_line[index].append((alt, start))
            if not alt.recognizer.suppress_only:
                reportable.update(indices)
        if not reportable:
            return
        texts = frame.filter(pl.col("i").is_in(list(reportable)))
        for index, line in zip(texts["i"].to_list(), texts["t"].to_list(), strict=True):
            yield index, line, per_line[index], mapped.get(index)

    def _sources(self, frame: pl.DataFrame) -> list[pl.LazyFrame | pl.DataFrame | None]:
        """Per alternative, the lines to scan for it: lazily in polars, or eagerly (a
        :class:`~polars.DataFrame` of a few lines) with Python's ``re``; None: no line.

        One Hyperscan pass (:mod:`dataguard.detect.multiscan`) says which lines may hold
        a verified candidate of each pattern it covers; polars scans only those, and the
        lines Hyperscan may not scan. Other patterns are scanned on every line, except
        that a pattern whose every match holds a line break skips lines without one.
        """
        lazy = frame.lazy()
        broken: pl.LazyFrame | None = None  # lines holding a line break, if any
        if any(self.multiline) and frame.height:
            with_break = frame.filter(pl.col("t").str.contains("\n", literal=True))
            broken = with_break.lazy() if with_break.height else None
        if self.multi is None or not any(self.covered) or frame.height == 0:
            return [broken if m else lazy for m in self.multiline]
        safe = ~frame["t"].str.contains("[^" + multiscan.SAFE_LINE_CHARS + "]")
        rows = pl.int_range(frame.height, eager=True, dtype=pl.UInt32).alias("row")
        unsafe = rows.filter(~safe)
        fast_rows = rows.filter(safe)
        lengths = frame["t"].str.len_chars()
        pairs = self.multi.scan(frame["t"].filter(safe))
        pairs = pairs.with_columns(row=fast_rows.gather(pairs["n"]))
        hits = {int(k[0]): part["row"] for k, part in pairs.partition_by("k", as_dict=True).items()}
        sources: list[pl.LazyFrame | pl.DataFrame | None] = []
        for k, covered in enumerate(self.covered):
            if not covered:
                sources.append(broken if self.multiline[k] else lazy)
                continue
            wanted = hits[k].append(unsafe).sort() if k in hits else unsafe
            if not len(wanted):
                sources.append(None)
            elif len(wanted) <= _FEW_LINES and lengths.gather(wanted).sum() <= _FEW_CHARS:
                sources.append(frame[wanted])  # Python's re beats one more polars plan
            else:
                sources.append(frame[wanted].lazy())
        return sources


def _core_starts(frame: pl.LazyFrame, regex: str, reject: pl.Expr | None) -> pl.LazyFrame:
    """Columns ``i`` (line) and ``offset`` (code points) of every scan-form core in ``frame``.

    ``reject`` (over :data:`_CORE`, the text the scan form's core matched) drops
    candidates the recognizer has proved, column-wise, that it would reject.

    After marking, a line splits at the start marks into pieces ``p0, p1, …, pn``; core
    ``j`` (1-based) starts after ``p0 … p(j-1)``, less the ``j - 1`` end marks they hold:
    its offset is ``cumsum(len)[j-1] - (j-1)``. The offsets are computed per line as lists
    (no window over exploded rows) and only then exploded.
    """
    pieces = (
        pl.col("t")
        .str.replace_all(regex, "${1}" + _MARK_START + "${2}" + _MARK_END)
        .str.split(_MARK_START)
    )
    offsets = pl.element().str.len_chars().cum_sum() - pl.int_range(pl.len())
    columns = {"offset": pl.col("piece").list.eval(offsets.slice(0, pl.len() - 1))}
    if reject is not None:
        core = pl.element().str.splitn(_MARK_END, 2).struct.field("field_0")
        columns["core"] = pl.col("piece").list.slice(1).list.eval(core)
    found = (
        frame.filter(pl.col("t").str.contains(regex))
        .select("i", piece=pieces)
        .select("i", **columns)
        .explode(*columns)
    )
    if reject is not None:
        found = found.filter(~reject)
    return found.select("i", pl.col("offset").cast(pl.Int64))
