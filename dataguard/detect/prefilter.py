"""A vectorised prefilter that clears whole lines without running Python on them.

Most log lines hold no personal data. Scanning each with Python's ``re`` costs far more
than the Rust regex engine polars runs over a column of lines, so :class:`Prefilter`
asks polars, for a whole batch at once, which lines *could* hold a candidate:

* every recognizer pattern with its lookarounds removed (a superset of what it matches:
  lookarounds only restrict), combined into one alternation and run on the
  NFKC-normalised lines (full-width digits become ASCII, as in the engine);
* for recognizers that need context (names), the pattern AND one of their context words;
* lines holding what only the Python normaliser decodes (percent escapes, ``\\uXXXX``,
  CJK radical supplements) are always passed on.

A line the prefilter clears provably yields no finding; a flagged line goes through the
full engine. A pattern that Rust's regex syntax cannot express makes the prefilter pass
every line (``exact`` is then False): slower, never wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

from dataguard.detect.recognizer import Recognizer
from dataguard.detect.regex_tools import strip_lookarounds

__all__ = ["Prefilter"]

# What only the Python normaliser decodes (see dataguard.detect.normalize).
_NEEDS_PYTHON = r"%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|[\x{2E80}-\x{2EFF}]"


def _rust_accepts(regex: str) -> bool:
    try:
        pl.Series([""], dtype=pl.String).str.contains(regex)
    except Exception:  # polars raises ComputeError/PolarsError subclasses for bad regexes
        return False
    return True


def _context_regex(words: Iterable[str]) -> str:
    escaped = sorted({pl_escape(w.lower()) for w in words}, key=len, reverse=True)
    return "(?i)(?:" + "|".join(escaped) + ")"


def pl_escape(literal: str) -> str:
    """Escape a literal for Rust's regex syntax."""
    return "".join("\\" + ch if ch in r"\.+*?()|[]{}^$#&-~" else ch for ch in literal)


def _storable(line: str) -> str:
    return line.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


class Prefilter:
    """Flags the lines of a batch that may hold a finding for the given recognizers."""

    def __init__(self, recognizers: Sequence[Recognizer]) -> None:
        plain: list[str] = []
        self._with_context: list[tuple[str, str]] = []
        self.exact = True
        for recognizer in recognizers:
            if recognizer.suppress_only:
                continue
            supersets = [strip_lookarounds(p.regex) for p in recognizer.patterns]
            if not all(_rust_accepts(s) for s in supersets):
                self.exact = False
                continue
            if recognizer.requires_context and recognizer.context:
                joined = "|".join(f"(?:{s})" for s in supersets)
                self._with_context.append((joined, _context_regex(recognizer.context)))
            else:
                plain.extend(supersets)
        self._any = "|".join(f"(?:{s})" for s in plain) if plain else None
        if self._any is not None and not _rust_accepts(self._any):
            self.exact = False  # too large for one automaton: pass everything

    def flags(self, lines: Sequence[str]) -> list[bool]:
        """One boolean per line: True where the full engine must look."""
        if not self.exact:
            return [True] * len(lines)
        try:
            raw = pl.Series("line", lines, dtype=pl.String)
        except UnicodeEncodeError:
            # Undecodable input bytes arrive as lone surrogates, which polars cannot hold;
            # U+FFFD stands in for them here (no pattern matches either).
            raw = pl.Series("line", [_storable(line) for line in lines], dtype=pl.String)
        norm = raw.str.normalize("NFKC")
        flagged = raw.str.contains(_NEEDS_PYTHON)
        if self._any is not None:
            flagged = flagged | norm.str.contains(self._any)
        for pattern, context in self._with_context:
            flagged = flagged | (norm.str.contains(pattern) & norm.str.contains(context))
        return [bool(f) for f in flagged.fill_null(True).to_list()]
