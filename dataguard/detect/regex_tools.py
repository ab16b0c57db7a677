"""The regex rewrite behind scan forms (:mod:`dataguard.detect.scan`).

:func:`strip_lookarounds` deletes lookaround assertions and makes every capturing group
non-capturing. The result matches a superset of the original (lookarounds only ever
restrict), its only groups are the ones the scan form adds, and it is in the syntax
subset shared with Rust's ``regex`` crate, which polars runs. :func:`requires_char` proves
that every match of a regex holds a character (a line without it cannot match).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["class_opener_end", "group_end", "requires_char", "strip_lookarounds"]

_LOOKAROUND_OPENERS = ("(?=", "(?!", "(?<=", "(?<!")


def class_opener_end(regex: str, i: int) -> int:
    """Index just past the opener of the character class whose ``[`` is at *i*.

    The opener is ``[`` with a leading ``^`` (negation) and then a leading ``]``, which is a
    literal there, not the class's end (``[]a]``, ``[^]a]``). Every walker over regex text
    that must know whether it is inside a class starts the class here, so they all agree
    on where it ends.
    """
    j = i + 1
    if regex.startswith("^", j):
        j += 1
    if regex.startswith("]", j):
        j += 1
    return j


def group_end(regex: str, open_index: int) -> int:
    """Index just past the ``)`` closing the group opened at ``open_index``."""
    depth = 0
    i = open_index
    in_class = False
    while i < len(regex):
        ch = regex[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            i = class_opener_end(regex, i)
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced group in regex")


def strip_lookarounds(regex: str) -> str:
    """Remove lookaround assertions and captures; the result matches a superset."""
    out: list[str] = []
    i = 0
    in_class = False
    while i < len(regex):
        ch = regex[i]
        if ch == "\\":
            out.append(regex[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            out.append(ch)
            i += 1
            continue
        if ch == "[":
            in_class = True
            end = class_opener_end(regex, i)
            out.append(regex[i:end])
            i = end
            continue
        if ch == "(":
            if regex.startswith(_LOOKAROUND_OPENERS, i):
                i = group_end(regex, i)
                continue
            if regex.startswith("(?P<", i):
                close = regex.index(">", i)
                out.append("(?:")
                i = close + 1
                continue
            if not regex.startswith("(?", i):
                out.append("(?:")
                i += 1
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def requires_char(regex: str, char: str) -> bool:
    """Whether every match of *regex* (Python syntax) contains *char*.

    Read from Python's own parse tree: a literal *char*, a group or a sequence holding
    one, every branch of an alternation, a repetition of at least once. Anything else
    (classes, lookarounds, backreferences…) counts as not requiring it, so the answer
    errs towards False; a True is a proof.
    """
    parsed = re._parser.parse(regex)  # type: ignore[attr-defined]
    return _sequence_requires(list(parsed), ord(char))


def _sequence_requires(items: list[tuple[Any, Any]], code: int) -> bool:
    return any(_item_requires(op, av, code) for op, av in items)


def _item_requires(op: Any, av: Any, code: int) -> bool:
    constants = re._constants  # type: ignore[attr-defined]
    if op is constants.LITERAL:
        return bool(av == code)
    if op is constants.SUBPATTERN:
        return _sequence_requires(list(av[-1]), code)
    if op is constants.BRANCH:
        return all(_sequence_requires(list(branch), code) for branch in av[1])
    if op in (constants.MAX_REPEAT, constants.MIN_REPEAT, constants.POSSESSIVE_REPEAT):
        low, _high, item = av
        return bool(low >= 1) and _sequence_requires(list(item), code)
    if op is constants.ATOMIC_GROUP:
        return _sequence_requires(list(av), code)
    return False
