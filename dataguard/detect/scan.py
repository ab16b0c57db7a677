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
    boundary, regex = _leading_boundary(regex)
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


# A negative lookbehind of one character class, ``(?<![_+\-\\])``, and a start after one
# of a class or at the very start, ``(?:(?<=[\s,;])|^(?=…))``: no ``]`` but an escaped one.
_CLASS_BODY = r"((?!\^)(?:[^\]\\]|\\.)+)"
_ONE_CLASS_LOOKBEHIND = re.compile(r"\(\?<!\[" + _CLASS_BODY + r"\]\)")
_CLASS_THEN_CHAR_LOOKBEHIND = re.compile(r"\(\?<!\[" + _CLASS_BODY + r"\](\\[^0-9A-Za-z])\)")
_AFTER_CLASS_OR_AT_START = re.compile(r"\(\?:\(\?<=\[" + _CLASS_BODY + r"\]\)\|\^(?:\(\?=|\))")


def _leading_boundary(regex: str) -> tuple[str, str]:
    r"""The consumed boundary of *regex*'s leading lookbehind, and the regex after it.

    A boundary consumes the character before a candidate, so a scan tries a start only
    there: without one, Python's ``re`` tries every position, and where the core starts
    with a run (``[A-Za-z0-9_+\-]+…@`` on a 40 KB hex dump in a line holding an
    address) each try reads the rest of the run: quadratic, 25 s for that line.

    * a lookbehind of :data:`BOUNDARY_FORMS`; a one-class negative lookbehind right
      after it narrows the consumed character (``(?<![_+\-\\])`` after
      ``ALNUM_BEFORE_NOT``: an e-mail's local part never starts after ``-`` or ``+``),
      and one of a class and an escaped character after that (``(?<![A-Za-z0-9]\.)``)
      takes that character only after one the class excludes;
    * ``(?:(?<=[C])|^…)``, after a character of C or at the start (a Chinese local
      part after a delimiter, or a whole cell): ``^|[C]``.

    Each consumes only what the full pattern requires before its start, so the scan
    finds a superset of the starts where the full pattern, checked anchored, matches.
    """
    for lookbehind, consumed in BOUNDARY_FORMS:
        if regex.startswith(lookbehind):
            rest = regex[len(lookbehind) :]
            narrower = _ONE_CLASS_LOOKBEHIND.match(rest)
            if narrower and consumed.endswith("]") and "|[^" in consumed:
                consumed = consumed[:-1] + narrower[1] + "]"
                rest = rest[narrower.end() :]
                # …and one of a class and a character, ``(?<![A-Za-z0-9]\.)``: that
                # character starts a candidate only after what the class excludes.
                pair = _CLASS_THEN_CHAR_LOOKBEHIND.match(rest)
                if pair:
                    body, char = pair[1], pair[2]
                    consumed = f"{consumed[:-1]}{char}]|(?:^|[^{body}]){char}"
                    rest = rest[pair.end() :]
            return consumed, rest
    after = _AFTER_CLASS_OR_AT_START.match(regex)
    if after:
        return f"^|[{after[1]}]", regex[group_end(regex, 0) :]
    return "", regex


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
