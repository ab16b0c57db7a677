"""Scan forms: how each recognizer pattern is searched for, by Python or by Rust.

The engine's candidate semantics, shared by the single-text path (Python ``re``) and the
batch path (Rust's regex crate through polars), so that both find exactly the same
candidates:

1. Each pattern has a *scan form*: ``(BOUNDARY)(CORE)``. CORE is the pattern with its
   lookarounds removed (a superset of what it matches; lookarounds only restrict). A
   leading boundary lookbehind the engine knows (:data:`BOUNDARY_FORMS`) becomes a
   consumed BOUNDARY alternative (``^`` or one non-word character); any other pattern
   gets an empty BOUNDARY. The scan form is written in the syntax subset that Python and
   Rust share and both engines find the same leftmost-first, non-overlapping matches.
2. Each scan-form match is a *candidate start* (where CORE begins). The full pattern,
   lookarounds included, is then matched *anchored* at that start; if it fails the
   candidate is dropped, otherwise its own match gives the span.

Python touches only candidate starts on the batch path: the per-byte work is Rust's.

Each pattern also has a *prefilter form*: a lookaround-free regex matching a superset of
the places where the full pattern matches, lookarounds included (the known leading
lookbehind consumed as in the scan form, the first negative lookahead of one character
class among those ending the pattern consumed as ``(?:$|[^CLASS])``, other lookarounds
dropped). Where it has no match,
no candidate of the pattern can pass the anchored check, so a line without one can skip
the pattern altogether (:mod:`dataguard.detect.multiscan`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from dataguard.detect.recognizer import (
    ALNUM_BEFORE_NOT,
    DIGITS_BEFORE_NOT,
    Pattern,
)
from dataguard.detect.regex_cache import cached_strings, code_version, compile_cached
from dataguard.detect.regex_tools import (
    OUTSIDE,
    first_char_hint,
    group_end,
    pieces,
    requires_char,
    strip_lookarounds,
)

__all__ = ["BOUNDARY_FORMS", "ScanForm", "scan_form"]

#: The version of the code that works scan forms out (:func:`_form_strings`): the source
#: of the modules it runs, so forms kept on disk by another version are not used.
_FORMS = code_version(__name__, "dataguard.detect.regex_tools", "dataguard.detect.recognizer")

# Leading lookbehinds rewritten as a consumed boundary: (lookbehind, consumed equivalent).
BOUNDARY_FORMS: tuple[tuple[str, str], ...] = (
    (
        ALNUM_BEFORE_NOT,
        r"^|\\[ntr]|%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\x[0-9A-Fa-f]{2}|[^0-9A-Za-z]",
    ),
    (DIGITS_BEFORE_NOT, r"^|[^0-9]"),
    # An XML element's name: after its ``<``. Consumed, the ``<`` is a literal prefix
    # Python's re searches for, instead of trying the element pattern at every position
    # (270 times as fast on a log line).
    ("(?<=<)", "<"),
)


@dataclass(frozen=True)
class ScanForm:
    """A pattern's scan form (group 1: boundary, group 2: core) and its anchored check."""

    regex: str
    python: re.Pattern[str]
    verify: re.Pattern[str]
    core: str = ""
    #: Lookaround-free superset of the full pattern's matches (see the module docstring).
    prefilter: str = ""
    #: Whether every match holds a line break (the CSV column patterns: a header, then a
    #: row), so that a text without one cannot hold a candidate.
    line_break_only: bool = False


def scan_form(pattern: Pattern) -> ScanForm:
    """Build the scan form of a recognizer pattern (see the module docstring)."""
    return _scan_form(pattern.regex)


@functools.cache  # a form depends on the regex alone, and every detector builds them all
def _scan_form(regex: str) -> ScanForm:
    verify = compile_cached(regex)
    # Working the forms out parses each regex several times (0.3 s for all of them): they
    # are kept with the compiled regexes, under the version of the code that makes them.
    form, python, core, prefilter, line_break = cached_strings(
        _FORMS, regex, lambda: _form_strings(regex)
    )
    return ScanForm(form, compile_cached(python), verify, core, prefilter, line_break == "yes")


def _form_strings(regex: str) -> list[str]:
    """The scan form, its Python version, its core, the prefilter form of *regex*, and
    whether every match holds a line break (``yes`` or ``no``)."""
    boundary = ""
    for lookbehind, consumed in BOUNDARY_FORMS:
        if regex.startswith(lookbehind):
            boundary, regex = consumed, regex[len(lookbehind) :]
            break
    core = strip_lookarounds(regex)
    form = f"({boundary})({core})"
    body, lookaheads = _trailing_lookaheads(regex)
    classes = [m[1] for m in map(_ONE_CLASS_LOOKAHEAD.fullmatch, lookaheads) if m is not None]
    # The lookaheads ending the pattern all hold where a match ends: one that excludes a
    # single class (the first) is consumed; ``X(?![0-9A-Za-z])(?!\.[0-9])`` then reports
    # once per maximal run, not at every length X allows.
    checked = f"(?:{core})"
    if classes:
        checked = f"(?:{strip_lookarounds(body)})(?:$|[^{classes[0]}])"
    prefilter = f"(?:{boundary}){checked}" if boundary else checked
    line_break = "yes" if requires_char(form, "\n") else "no"
    return [form, _python_form(form, boundary, core), core, prefilter, line_break]


def _python_form(form: str, boundary: str, core: str) -> str:
    """The scan form as Python's ``re`` runs it: the same matches, found sooner.

    Where ``re`` has no literal prefix or first-character set of its own to search for,
    the core starts with a lookahead of the characters it can start with
    (:func:`~dataguard.detect.regex_tools.first_char_hint`), so that most positions are
    rejected by one class test (a keyed pattern's seventy case-insensitive keys were tried
    at every position: four times as slow). The lookahead holds wherever the core
    matches, so the matches are the same as Rust's, which runs *form* as it is.
    """
    hint = first_char_hint(form, group=2)
    return form if hint is None else f"({boundary})({hint}{core})"


# A negative lookahead of one character class: ``(?![0-9])``. The class body has no ``]``
# (escaped or not) and does not start with ``^``.
_ONE_CLASS_LOOKAHEAD = re.compile(r"\(\?!\[([^\]\\^](?:[^\]\\]|\\[^\]])*)\]\)")


def _trailing_lookaheads(regex: str) -> tuple[str, list[str]]:
    """*regex* split into its body and the lookaheads ending it (``X(?!a)(?!b)``).

    Only lookaheads at the top level count, and only when the body has no top-level
    ``|`` (a trailing lookahead then constrains every match's end). Otherwise the whole
    regex is the body and no lookahead is returned.
    """
    groups: list[tuple[int, int]] = []  # top-level lookahead groups (start, end)
    skip_to = 0
    for start, _, kind in pieces(regex):
        if start < skip_to or kind != OUTSIDE:
            continue
        if regex[start] == "|":
            return regex, []
        if regex[start] == "(":
            skip_to = group_end(regex, start)  # the group's insides are not top level
            if regex.startswith(("(?=", "(?!"), start):
                groups.append((start, skip_to))
    start = len(regex)
    for group_start, group_stop in reversed(groups):
        if group_stop != start:
            break
        start = group_start
    lookaheads = [regex[a:b] for a, b in groups if a >= start]
    return regex[:start], lookaheads
