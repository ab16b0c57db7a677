"""One Hyperscan pass over a batch: which lines can hold a candidate of which pattern.

The batch path (:mod:`dataguard.detect.batch`) used to run every pattern's scan form over
every line of a batch in polars: 57 passes, most of them finding nothing. This module
makes one pass instead, and polars then scans each pattern only on the lines this pass
names. The candidates themselves are still found by polars (leftmost-first, as Python's
``re``), so the answer is unchanged; Hyperscan only skips lines, and only when it proves
they cannot matter:

1. Every pattern has a *prefilter form* (:func:`dataguard.detect.scan.scan_form`): a
   lookaround-free regex matching wherever the full pattern, lookarounds included, can
   match. A candidate counts only if the full pattern matches at its start, so a line
   with no prefilter match has no candidate worth finding (and candidates that fail the
   anchored check were dropped anyway, so leaving them out changes nothing).
2. The lines are joined with ``\\n`` into one UTF-8 buffer and scanned once by a
   database holding every prefilter form (``HS_FLAG_UTF8 | HS_FLAG_UCP |
   HS_FLAG_MULTILINE``: ``^`` and ``$`` hold at line starts and ends, as on a line
   alone). Hyperscan reports *every* end offset of *every* match, so each line where a
   form matches gets a report; a report is mapped to the line holding the match's last
   byte. A match spanning the separator only adds a line to scan: never a finding.
3. Hyperscan and ``re`` must agree on what a form matches. They do on the syntax subset
   accepted here (:func:`hyperscan_syntax`: literals, classes, ``\\s \\d \\w`` and their
   negations, ``(?i:…)``, ``(?m:…)``, counted and lazy repetition) for lines made only of
   tab, printable ASCII and the CJK ranges of :data:`SAFE_LINE_CHARS`, where Unicode case
   folding and character properties cannot differ between the two engines. Other lines,
   and forms outside the subset or too large for Hyperscan ("Pattern is too large": the
   long name and address alternations), are scanned by polars on every line, as before.

Property tests hold the batch path, with and without this pass, to the single-text path.

Compiling the database takes seconds (the name and address patterns are large), so it is
cached in the process and, best effort, on disk under ``$XDG_CACHE_HOME/dataguard``
(keyed by the forms, flags and Hyperscan's version). Setting :envvar:`DATAGUARD_NO_HYPERSCAN`
to ``1`` switches the pass off; so does a missing or unloadable ``hyperscan`` module (no
wheel for the platform, a CPU without SSSE3).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataguard.detect.disk_cache import cache_dir, store, touch, trusted
from dataguard.detect.regex_cache import cached_strings, code_version, flush
from dataguard.detect.regex_tools import ESCAPE, OUTSIDE, pieces

if TYPE_CHECKING:
    import polars as pl

    from dataguard.detect.engine import _Alternative

__all__ = [
    "SAFE_LINE_CHARS",
    "MultiScanner",
    "available",
    "hyperscan_syntax",
]

_hs: Any  # the hyperscan module, or None
try:  # the wheel bundles Hyperscan; it needs an x86-64 CPU with SSSE3
    import hyperscan as _hyperscan
except Exception:  # ImportError, or the library refusing to load on this CPU
    _hs = None
else:
    _hs = _hyperscan

#: Characters (as a Rust / PCRE class body) of lines the Hyperscan pass may scan: tab,
#: printable ASCII, curly quotes, CJK punctuation and the CJK ideographs assigned since
#: Unicode 1.1 (Hyperscan's Unicode tables may predate later additions to the block).
SAFE_LINE_CHARS = r"\t\x{20}-\x{7E}\x{2018}-\x{201D}\x{3000}-\x{303F}\x{4E00}-\x{9FA5}"
_SAFE_LINE = re.compile(
    "[" + re.sub(r"\\x\{([0-9A-F]+)\}", lambda m: f"\\U{int(m[1], 16):08X}", SAFE_LINE_CHARS) + "]*"
)

# Escapes whose meaning is the same in Python's re and in Hyperscan (PCRE syntax).
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|x[0-9A-Fa-f]{2}|[sSdDwWntr]|[^0-9A-Za-z])")
_GROUP_OPENER = re.compile(r"\(\?[ims]{0,3}:")
# POSIX classes (``[[:alpha:]]``) mean something in PCRE, a set of characters in re.
_POSIX_CLASS = re.compile(r"\[:[^\]]*:\]|\[\.[^\]]*\.\]|\[=[^\]]*=\]")
_BOUNDED = re.compile(r"\{([0-9]+),([0-9]+)\}")
_CACHE_VERSION = 2


def available() -> bool:
    """Whether the Hyperscan pass can be used (importable, not switched off)."""
    return _hs is not None and os.environ.get("DATAGUARD_NO_HYPERSCAN", "") != "1"


def line_is_safe(line: str) -> bool:
    """Whether *line* consists only of :data:`SAFE_LINE_CHARS` (Python twin of the class)."""
    return _SAFE_LINE.fullmatch(line) is not None


def hyperscan_syntax(regex: str) -> str | None:
    """*regex* (Python syntax) in Hyperscan's syntax, or None outside the shared subset.

    Only ``\\uXXXX`` needs rewriting (PCRE spells it ``\\x{XXXX}``). Escapes other than
    ``\\s \\d \\w`` (and negations), ``\\n \\t \\r``, ``\\xHH`` and escaped punctuation;
    groups other than ``(?:`` with optional ``i``, ``m``, ``s`` flags; ``{,n}`` (which PCRE
    reads as literal text), possessive quantifiers and ``[:…:]`` (a POSIX class in PCRE) are
    refused, so the regex stays on the polars path.
    """
    if _POSIX_CLASS.search(regex):
        return None
    out: list[str] = []
    skip_to = 0
    for start, end, kind in pieces(regex):
        if start < skip_to:
            continue  # the rest of a longer escape (\\uXXXX, \\xHH): hex digits only
        if kind == ESCAPE:
            m = _ESCAPE.match(regex, start)
            if m is None:
                return None
            out.append(f"\\x{{{m[1]}}}" if m[1] else m[0])
            skip_to = m.end()
            continue
        if kind == OUTSIDE and _refused_at(regex, start, out):
            return None
        out.append(regex[start:end])
    return "".join(out)


def _refused_at(regex: str, i: int, out: list[str]) -> bool:
    """Whether the construct at ``regex[i]`` (outside a class) is outside the subset."""
    ch = regex[i]
    if ch == "(":
        return regex.startswith("(?", i) and _GROUP_OPENER.match(regex, i) is None
    if ch == "{":
        return regex.startswith("{,", i)
    if ch == "+":  # possessive (a{1,2}+): opening its bounds would be no superset
        return bool(out) and out[-1] in ("*", "+", "?", "}")
    return False


@dataclass(frozen=True)
class _Compiled:
    database: Any
    #: For each alternative: covered by the database?
    covered: tuple[bool, ...]


_compiled: dict[str, _Compiled] = {}
#: The version of the code that turns prefilter forms into Hyperscan expressions.
_EXPRESSIONS = code_version(__name__, "dataguard.detect.regex_tools")
#: Called (with the cache folder) before a database is compiled afresh, which takes several
#: seconds, once per machine and pattern set: the CLI sets it to say so on stderr, so a
#: first run does not look hung. None (the default): a library stays quiet.
on_cold_compile: Callable[[Path], object] | None = None


def _flags() -> int:
    assert _hs is not None
    return int(_hs.HS_FLAG_UTF8 | _hs.HS_FLAG_UCP | _hs.HS_FLAG_MULTILINE)


def _compile(expressions: Sequence[str | None]) -> _Compiled:
    """The database for the expressions Hyperscan accepts; the others are not covered."""
    assert _hs is not None
    key = hashlib.sha256(
        json.dumps([_CACHE_VERSION, _hs.__version__, _flags(), list(expressions)]).encode()
    ).hexdigest()
    if key in _compiled:
        return _compiled[key]
    path = cache_dir() / f"hyperscan-{key[:32]}.bin"
    compiled = _load(path, len(expressions))
    if compiled is None:
        if on_cold_compile is not None:
            on_cold_compile(path.parent)
        compiled = _build(expressions)
        _store(path, compiled)
    _compiled[key] = compiled
    return compiled


def _bounded_repeats(regex: str) -> Iterator[re.Match[str]]:
    """Each bounded repetition ``{m,n}`` of *regex*: not escaped, not inside a class."""
    skip_to = 0
    for start, _, kind in pieces(regex):
        if start < skip_to or kind != OUTSIDE or regex[start] != "{":
            continue
        m = _BOUNDED.match(regex, start)
        if m is not None:
            yield m
            skip_to = m.end()


def relax_repeats(regex: str) -> str:
    """*regex* with every bounded repetition ``{m,n}`` opened up to ``{m,}``.

    The result matches a superset of what *regex* matches, which is all a prefilter
    needs; Hyperscan builds far smaller automata for it (the address and name patterns
    repeat large classes up to ten times and are "too large" as written). Braces that are
    escaped or inside a class are left alone.
    """
    out: list[str] = []
    at = 0
    for m in _bounded_repeats(regex):
        out.append(regex[at : m.start()] + "{" + m[1] + ",}")
        at = m.end()
    out.append(regex[at:])
    return "".join(out)


def _compiles(expression: str) -> bool:
    assert _hs is not None
    try:
        _hs.Database().compile(
            expressions=[expression.encode()], ids=[0], elements=1, flags=[_flags()]
        )
    except _hs.error:
        return False
    return True


#: A bounded repetition wider than this is opened up (:func:`relax_repeats`) before
#: Hyperscan sees it: as written, ``curl…[^\r\n|;&]{0,400}?…`` took Hyperscan 46 s to
#: compile (0.00 s opened), and a {0,400} gap inside an alternation of eleven programs made
#: it give up after 3.7 s.
_WIDE_BOUND = 100


def _widest_bound(regex: str) -> int:
    """The largest upper bound of a ``{m,n}`` repetition in *regex* (0 if none)."""
    return max((int(m[2]) for m in _bounded_repeats(regex)), default=0)


def _accepted_form(expression: str) -> str | None:
    """The form of *expression* Hyperscan compiles: as written, else with its repetitions
    opened up (one with a very wide bound is tried opened up first: :data:`_WIDE_BOUND`);
    None if it refuses both.

    Trying them is two thirds of a cold build (50 of 74 s for the built-in patterns:
    refusals are slow), so the verdict is kept on disk with the expressions: a database
    for another pattern set (``--entities``, a plugin, an edited pattern) then tries only
    the expressions it has not seen.
    """
    assert _hs is not None

    def work_out() -> list[str]:
        candidates = (expression, relax_repeats(expression))
        if _widest_bound(expression) > _WIDE_BOUND:
            candidates = candidates[::-1]
        accepted = next((c for c in dict.fromkeys(candidates) if _compiles(c)), None)
        return [] if accepted is None else [accepted]

    version = None if _EXPRESSIONS is None else f"{_EXPRESSIONS}:{_hs.__version__}:{_flags()}"
    found = cached_strings(version, "hyperscan-form:" + expression, work_out)
    return found[0] if found else None


def _build(expressions: Sequence[str | None]) -> _Compiled:
    """Compile one by one (a refused expression is left out), then all together."""
    assert _hs is not None
    used: dict[int, str] = {}
    for index, expression in enumerate(expressions):
        form = None if expression is None else _accepted_form(expression)
        if form is not None:
            used[index] = form
    flush()
    database = None
    if used:
        database = _hs.Database()
        database.compile(
            expressions=[e.encode() for e in used.values()],
            ids=list(used),
            elements=len(used),
            flags=[_flags()] * len(used),
        )
    return _Compiled(database, tuple(i in used for i in range(len(expressions))))


def _load(path: Path, count: int) -> _Compiled | None:
    assert _hs is not None
    try:
        if not trusted(path):
            return None
        blob = path.read_bytes()
        header, _, body = blob.partition(b"\n")
        covered = tuple(bool(c) for c in json.loads(header))
        if len(covered) != count:
            return None
        database = _hs.loadb(body, _hs.HS_MODE_BLOCK) if body else None
    except Exception:  # missing, truncated or from another build: compile afresh
        return None
    touch(path)
    return _Compiled(database, covered)


def _store(path: Path, compiled: _Compiled) -> None:
    assert _hs is not None
    body = b"" if compiled.database is None else _hs.dumpb(compiled.database)
    header = json.dumps([int(c) for c in compiled.covered]).encode()
    store(path, header + b"\n" + body)


def _expression(prefilter: str) -> str | None:
    """A prefilter form in Hyperscan's syntax, or None where Hyperscan cannot run it.

    Working it out parses the regex (0.25 s for all of a detector's, paid by the first
    batch of every process): kept on disk with the compiled regexes
    (:mod:`~dataguard.detect.regex_cache`), under the version of the code that does it.
    """

    def work_out() -> list[str]:
        expression = hyperscan_syntax(prefilter)
        if expression is not None and _min_width(prefilter) == 0:
            expression = None  # Hyperscan refuses empty matches; keep it out explicitly
        return [] if expression is None else [expression]

    found = cached_strings(_EXPRESSIONS, prefilter, work_out)
    return found[0] if found else None


def _min_width(regex: str) -> int:
    """The fewest code points a match of *regex* spans (Python's own parser says)."""
    parsed = re._parser.parse(regex)  # type: ignore[attr-defined]
    return int(parsed.getwidth()[0])


class MultiScanner:
    """All Hyperscan-compatible scan forms of a detector, scanned in one pass per batch.

    ``covered[k]`` says whether alternative ``k`` is in the database; :meth:`scan` says
    which lines may hold a match of each covered alternative.
    """

    def __init__(self, alternatives: Sequence[_Alternative]) -> None:
        assert _hs is not None, "check multiscan.available() first"
        expressions = [_expression(alt.form.prefilter) for alt in alternatives]
        flush()  # the next process reads the expressions this one worked out
        compiled = _compile(expressions)
        self._database = compiled.database
        self.covered: tuple[bool, ...] = compiled.covered
        #: Indices of the alternatives not in the database (always scanned).
        self.uncovered = frozenset(k for k, covered in enumerate(self.covered) if not covered)
        self._scratch = None if self._database is None else _hs.Scratch(self._database)
        # One scratch space serves one scan at a time; the scan holds the GIL anyway, so
        # threads sharing a detector lose nothing by taking turns.
        self._lock = threading.Lock()

    @staticmethod
    def scans(text: str) -> bool:
        """Whether :meth:`patterns_in` may scan *text* (:func:`line_is_safe`)."""
        return line_is_safe(text)

    def patterns_in(self, text: str) -> set[int]:
        """The alternatives (indices ``k``) that may match in the one line *text*.

        A superset of the covered ``k`` whose ``form.python.search(text)`` finds a match;
        uncovered alternatives are never named. *text* must satisfy :func:`line_is_safe`.
        One scan costs about 1.6 µs on a log line, against about 140 µs for running every
        scan form with Python's ``re``.
        """
        found: set[int] = set()
        if self._database is None or not text:
            return found
        add = found.add

        def on_match(pattern: int, _start: int, _end: int, _flags: int, _ctx: object) -> None:
            add(pattern)

        with self._lock:
            self._database.scan(
                text.encode("utf-8"), match_event_handler=on_match, scratch=self._scratch
            )
        return found

    def scan(self, texts: pl.Series) -> pl.DataFrame:
        """Unique pairs ``k`` (alternative), ``n`` (position in *texts*) that may match.

        A superset of the pairs where ``alternatives[k].form.python.search(texts[n])``
        finds a match (see the module docstring); the pairs it adds come from matches
        spanning the line separator. Every text must satisfy :func:`line_is_safe`.
        """
        import polars as pl  # the batch path's; the single-text path needs none of it

        patterns: list[int] = []
        ends: list[int] = []
        if self._database is not None and len(texts):
            add_pattern = patterns.append
            add_end = ends.append

            def on_match(pattern: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
                add_pattern(pattern)
                add_end(end)

            buffer = texts.str.join("\n").cast(pl.Binary).item()  # UTF-8, built in Rust
            with self._lock:
                self._database.scan(buffer, match_event_handler=on_match, scratch=self._scratch)
        if not ends:
            return pl.DataFrame(schema={"k": pl.UInt32, "n": pl.UInt32})
        # An end is exclusive: its match's last byte, end - 1, lies in the line holding it.
        lengths = texts.str.len_bytes().cast(pl.Int64) + 1
        line_starts = lengths.cum_sum() - lengths
        last_byte = pl.Series(ends, dtype=pl.Int64) - 1
        lines = line_starts.search_sorted(last_byte, side="right").cast(pl.Int64) - 1
        return pl.DataFrame(
            {"k": pl.Series(patterns, dtype=pl.UInt32), "n": lines.cast(pl.UInt32)}
        ).unique()
