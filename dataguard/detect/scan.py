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
lookbehind consumed as in the scan form, a trailing negative lookahead of one character
class consumed as ``(?:$|[^CLASS])``, other lookarounds dropped). Where it has no match,
no candidate of the pattern can pass the anchored check, so a line without one can skip
the pattern altogether (:mod:`dataguard.detect.multiscan`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dataguard.detect.recognizer import (
    ALNUM_BEFORE_NOT,
    DIGITS_BEFORE_NOT,
    Pattern,
)
from dataguard.detect.regex_tools import strip_lookarounds

__all__ = ["BOUNDARY_FORMS", "ScanForm", "scan_form"]

# Leading lookbehinds rewritten as a consumed boundary: (lookbehind, consumed equivalent).
BOUNDARY_FORMS: tuple[tuple[str, str], ...] = (
    (ALNUM_BEFORE_NOT, r"^|\\[ntr]|[^0-9A-Za-z]"),
    (DIGITS_BEFORE_NOT, r"^|[^0-9]"),
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


def scan_form(pattern: Pattern) -> ScanForm:
    """Build the scan form of a recognizer pattern (see the module docstring)."""
    regex = pattern.regex
    boundary = ""
    for lookbehind, consumed in BOUNDARY_FORMS:
        if regex.startswith(lookbehind):
            boundary, regex = consumed, regex[len(lookbehind) :]
            break
    core = strip_lookarounds(regex)
    form = f"({boundary})({core})"
    tail = _TRAILING_LOOKAHEAD.search(regex)
    if tail is not None:
        checked = f"(?:{strip_lookarounds(regex[: tail.start()])})(?:$|[^{tail[1]}])"
    else:
        checked = f"(?:{core})"
    prefilter = f"(?:{boundary}){checked}" if boundary else checked
    return ScanForm(form, re.compile(form), re.compile(pattern.regex), core, prefilter)


# A negative lookahead of one character class ending the pattern: ``(?![0-9])``. The class
# body has no ``]`` (escaped or not) and does not start with ``^``.
_TRAILING_LOOKAHEAD = re.compile(r"\(\?!\[([^\]\\^](?:[^\]\\]|\\[^\]])*)\]\)$")
