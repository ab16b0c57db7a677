"""The batch path: Rust finds candidate starts for a whole batch of lines at once.

:meth:`Detector.detect_lines <dataguard.detect.engine.Detector.detect_lines>` hands a
batch here. For each line that needs no Python-only normalisation, every pattern's scan
form (:mod:`dataguard.detect.scan`) runs in polars' Rust regex engine over the column of
lines; the starts of its matches come back as ``(line, offset)`` pairs, computed without
Python touching the text:

* ``replace_all(form, "${1}\\x00${2}\\x01")`` marks each candidate core;
* splitting on ``\\x00`` and summing the code-point lengths of the pieces before each
  mark gives the core's offset.

Lines the Python
normaliser would change in ways NFKC in polars does not reproduce one-for-one (percent
and ``\\uXXXX`` escapes, characters outside ASCII, CJK ideographs, CJK punctuation and
full-width forms) go to the single-text path instead, as do lines holding the marker
characters. The result is identical to scanning each line with ``Detector.detect``; a
property test holds the two paths to that.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from dataguard.detect.normalize import NormalizedText, normalize

if TYPE_CHECKING:
    from dataguard.detect.engine import _Alternative

__all__ = ["BatchScanner"]

# Inside this set NFKC maps one character to one character and needs no context, so
# polars' normalised text has the same offsets as the original and equals what
# dataguard.detect.normalize produces. Lines holding anything else, or escapes, are
# normalised in Python (dataguard.detect.normalize) before the scan.
_FAST_CHARS = r"\x{00}-\x{7F}\x{4E00}-\x{9FFF}\x{3000}-\x{303F}\x{FF01}-\x{FF5E}\x{2018}-\x{201D}"
_NEEDS_PYTHON = r"[^" + _FAST_CHARS + r"]|%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}"
_NFKC_CHANGES = r"[\x{3000}\x{3036}\x{3038}-\x{303A}\x{FF01}-\x{FF5E}]"
_MARK_START = "\x00"
_MARK_END = "\x01"

Candidate = tuple["_Alternative", int]


def _rust_accepts(regex: str) -> bool:
    try:
        pl.Series([""], dtype=pl.String).str.contains(regex)
    except Exception:  # polars raises its own error types for regexes it cannot compile
        return False
    return True


def _storable(line: str) -> str | None:
    """The line if polars can hold it (no lone surrogates), else None."""
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return line


class BatchScanner:
    """Candidate starts for batches of lines, per pattern, computed by polars."""

    def __init__(self, alternatives: Sequence[_Alternative]) -> None:
        self.alternatives = tuple(alternatives)
        self.in_rust = tuple(_rust_accepts(a.form.regex) for a in self.alternatives)

    def scan(
        self, lines: Sequence[str]
    ) -> Iterator[tuple[int, str, list[Candidate] | None, NormalizedText | None]]:
        """Yield ``(index, text, candidates, normalized)`` for lines that may hold findings.

        ``candidates`` is None when the line must go through the single-text path (its
        text is then the original line). Otherwise ``text`` is the normalised line and
        ``normalized`` maps its offsets back (None: offsets are the original's).
        """
        storable = [_storable(line) for line in lines]
        single = [
            i for i, s in enumerate(storable) if s is None or _MARK_START in s or _MARK_END in s
        ]
        raw = pl.Series("t", [s if s is not None else "" for s in storable], dtype=pl.String)
        text = raw
        # NFKC changes only these characters of the fast set; normalise just those lines.
        changed = raw.str.contains(_NFKC_CHANGES).arg_true()
        if len(changed):
            text = text.scatter(changed, raw.gather(changed).str.normalize("NFKC"))
        # Lines polars' NFKC cannot normalise one-for-one get the Python normaliser.
        needy = raw.str.contains(_NEEDS_PYTHON).arg_true().to_list()
        mapped: dict[int, NormalizedText] = {}
        for index in needy:
            if storable[index] is not None:
                mapped[index] = normalize(lines[index])
        if mapped:
            text = text.scatter(list(mapped), [n.text for n in mapped.values()])
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
        for alt, in_rust in zip(self.alternatives, self.in_rust, strict=True):
            if in_rust:
                for index, start in _core_starts(frame, alt.form.regex):
                    per_line[index].append((alt, start))
            else:
                for index, line in zip(frame["i"], frame["t"], strict=True):
                    for m in alt.form.python.finditer(line):
                        per_line[index].append((alt, m.start(2)))
        if not per_line:
            return
        texts = frame.filter(pl.col("i").is_in(list(per_line)))
        for index, line in zip(texts["i"].to_list(), texts["t"].to_list(), strict=True):
            yield index, line, per_line[index], mapped.get(index)


def _core_starts(frame: pl.DataFrame, regex: str) -> list[tuple[int, int]]:
    """``(line index, code-point offset)`` of every scan-form core in ``frame``."""
    hits = frame.filter(pl.col("t").str.contains(regex))
    if hits.height == 0:
        return []
    pieces = (
        hits.select(
            "i",
            piece=pl.col("t")
            .str.replace_all(regex, "${1}" + _MARK_START + "${2}" + _MARK_END)
            .str.split(_MARK_START),
        )
        .explode("piece")
        .with_columns(
            length=pl.col("piece").str.replace_all(_MARK_END, "", literal=True).str.len_chars(),
            nth=pl.int_range(pl.len()).over("i"),
        )
        .with_columns(offset=(pl.col("length").cum_sum() - pl.col("length")).over("i"))
        .filter(pl.col("nth") > 0)
    )
    rows: Any = zip(pieces["i"].to_list(), pieces["offset"].to_list(), strict=True)
    return list(rows)
