"""The regex rewrite behind scan forms (:mod:`dataguard.detect.scan`).

:func:`strip_lookarounds` deletes lookaround assertions and makes every capturing group
non-capturing. The result matches a superset of the original (lookarounds only ever
restrict), its only groups are the ones the scan form adds, and it is in the syntax
subset shared with Rust's ``regex`` crate, which polars runs. :func:`requires_char` proves
that every match of a regex holds a character (a line without it cannot match).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

__all__ = [
    "CLASS_OPENER",
    "ESCAPE",
    "IN_CLASS",
    "OUTSIDE",
    "class_opener_end",
    "group_end",
    "pieces",
    "requires_char",
    "strip_lookarounds",
]

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


#: Kinds of :func:`pieces`: an escape, a class opener, a character inside a class (its
#: closing ``]`` included), and a character outside every class (syntax or a literal).
ESCAPE, CLASS_OPENER, IN_CLASS, OUTSIDE = "escape", "opener", "in_class", "outside"


def pieces(regex: str, start: int = 0) -> Iterator[tuple[int, int, str]]:
    """``(start, end, kind)`` for each piece of *regex* from *start*, in order.

    An escape is a backslash and the character after it, inside a class or not; a class
    begins with its whole opener (:func:`class_opener_end`) and ends with its first
    unescaped ``]``; every other character is a piece of its own. This is the one reading
    of escapes and classes that every walker over regex text shares, so they agree on
    what is syntax: only ``OUTSIDE`` pieces are.
    """
    i = start
    in_class = False
    while i < len(regex):
        ch = regex[i]
        if ch == "\\":
            yield i, i + 2, ESCAPE
            i += 2
        elif in_class:
            in_class = ch != "]"
            yield i, i + 1, IN_CLASS
            i += 1
        elif ch == "[":
            in_class = True
            end = class_opener_end(regex, i)
            yield i, end, CLASS_OPENER
            i = end
        else:
            yield i, i + 1, OUTSIDE
            i += 1


def group_end(regex: str, open_index: int) -> int:
    """Index just past the ``)`` closing the group opened at ``open_index``."""
    depth = 0
    for start, end, kind in pieces(regex, open_index):
        if kind != OUTSIDE:
            continue
        if regex[start] == "(":
            depth += 1
        elif regex[start] == ")":
            depth -= 1
            if depth == 0:
                return end
    raise ValueError("unbalanced group in regex")


def strip_lookarounds(regex: str) -> str:
    """Remove lookaround assertions and captures; the result matches a superset."""
    out: list[str] = []
    skip_to = 0
    for start, end, kind in pieces(regex):
        if start < skip_to:
            continue
        if kind == OUTSIDE and regex[start] == "(":
            if regex.startswith(_LOOKAROUND_OPENERS, start):
                skip_to = group_end(regex, start)
                continue
            if regex.startswith("(?P<", start):
                out.append("(?:")
                skip_to = regex.index(">", start) + 1
                continue
            if not regex.startswith("(?", start):
                out.append("(?:")
                continue
        out.append(regex[start:end])
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
