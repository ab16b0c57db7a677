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
    "first_char_hint",
    "group_end",
    "pieces",
    "requires_char",
    "sre_searches_fast",
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
    """Remove lookaround assertions and captures; the result matches a superset.

    A group left holding only empty alternatives, as ``(?:(?<!\\w)|(?<=%2[27]))``
    becomes (``(?:|)``), is dropped too when no quantifier follows it: it matches the
    empty string either way, but Python's ``re`` tries every empty branch in turn, so
    each failing attempt at a position was made once per branch (three times as slow).
    """
    out: list[str] = []
    opened: list[int] = []  # for each open group, where its opener sits in ``out``
    skip_to = 0
    for start, end, kind in pieces(regex):
        if start < skip_to:
            continue
        if kind == OUTSIDE and regex[start] == "(":
            opened.append(len(out))
            if regex.startswith(_LOOKAROUND_OPENERS, start):
                opened.pop()
                skip_to = group_end(regex, start)
                continue
            if regex.startswith("(?P<", start):
                out.append("(?:")
                skip_to = regex.index(">", start) + 1
                continue
            if not regex.startswith("(?", start):
                out.append("(?:")
                continue
        if kind == OUTSIDE and regex[start] == ")" and opened:
            at = opened.pop()
            if _empty_group(out, at) and not regex.startswith(_QUANTIFIERS, end):
                del out[at:]
                continue
        out.append(regex[start:end])
    return "".join(out)


_QUANTIFIERS = ("?", "*", "+", "{")


def _empty_group(out: list[str], at: int) -> bool:
    """Whether ``out[at:]`` is a non-capturing group opener and nothing but ``|``.

    Asked at every ``)``, so it stops at the first piece that settles it (joining the
    group's text each time made building a detector twice as slow).
    """
    opener, i = "", at
    while i < len(out) and len(opener) < 3:
        opener += out[i]
        i += 1
    return opener == "(?:" and all(out[j] == "|" for j in range(i, len(out)))


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


def first_char_hint(regex: str, group: int = 0) -> str | None:
    """A lookahead naming every character a match of *regex* (Python syntax) can start
    with, or None when that cannot be told.

    ``(?=HINT)REGEX`` matches exactly what *regex* matches, at the same places, since the
    hint holds wherever a match starts; but Python's ``re`` then rejects most positions
    with one class test instead of trying every alternative (a case-insensitive list of
    seventy keys, as the name and secret key patterns have). Rust's engine needs no such
    help, and the scan forms it runs stay without one.

    Read from Python's parse tree: literals and classes that can come first (after
    optional items and zero-width ones), letters under ``(?i)`` as a class under ``(?i)``,
    so that case folding (``ſ``, the Kelvin sign ``K``) is the engine's own; lookarounds
    are passed over (they consume nothing). Anything the walk does not know (``.``,
    backreferences, flags other than ``i``), or a regex that can match the empty string,
    gives None. So does a regex in which ``re``
    finds a literal prefix or a first-character set of its own (:func:`sre_searches_fast`):
    it skips ahead by itself, and a hint would hide that prefix and slow it down.

    With *group*, the hint is for that top-level group (a scan form's core, group 2), and
    None when the whole regex has a prefix ``re`` searches for. One parse serves both.
    """
    try:
        parsed = re._parser.parse(regex)  # type: ignore[attr-defined]
    except re.error:
        return None
    flags = parsed.state.flags
    if flags & ~(re.IGNORECASE | re.UNICODE | re.VERBOSE | re.DOTALL | re.MULTILINE):
        return None
    if _sre_searches_fast(parsed, flags):
        return None
    items = list(parsed)
    if group:
        items = _top_level_group(items, group)
    firsts: list[tuple[str, bool]] = []  # (class text, case-insensitive)
    try:
        nullable = _sequence_firsts(items, bool(flags & re.IGNORECASE), firsts)
    except _Unknown:
        return None
    if nullable or not firsts:
        return None
    plain = "".join(text for text, icase in firsts if not icase and not text.startswith("^"))
    folded = "".join(text for text, icase in firsts if icase and not text.startswith("^"))
    options = [f"[{plain}]"] if plain else []
    if folded:
        options.append(f"(?i:[{folded}])")
    options += [f"(?i:[{t}])" if icase else f"[{t}]" for t, icase in firsts if t.startswith("^")]
    # Flags of the whole regex apply to the hint too: ``(?-i:…)`` keeps a global (?i) off
    # the classes that came from case-sensitive items.
    prefix = "(?-i:" if flags & re.IGNORECASE else "(?:"
    return "(?=" + prefix + "|".join(options) + "))"


class _Unknown(Exception):
    """An item :func:`first_char_hint` cannot read."""


_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


def _char(code: int) -> str:
    return f"\\U{code:08x}"


def _sequence_firsts(
    items: list[tuple[Any, Any]], icase: bool, out: list[tuple[str, bool]]
) -> bool:
    """Add the classes the sequence can start with to *out*; whether it can be empty."""
    # Items after the first one that cannot be empty cannot come first.
    return all(_item_firsts(op, av, icase, out) for op, av in items)


def _item_firsts(op: Any, av: Any, icase: bool, out: list[tuple[str, bool]]) -> bool:
    """Add the classes *op* can start with to *out*; whether it can match the empty string."""
    constants = re._constants  # type: ignore[attr-defined]
    if op is constants.LITERAL:
        out.append((_char(av), icase))
        return False
    if op is constants.NOT_LITERAL:
        out.append(("^" + _char(av), icase))
        return False
    if op is constants.IN:
        out.append((_class_text(av), icase))
        return False
    if op is constants.AT or op in (constants.ASSERT, constants.ASSERT_NOT):
        return True  # zero-width: it restricts where a match starts, consumes nothing
    if op is constants.SUBPATTERN:
        _group, add, remove, sub = av
        if (add | remove) & ~re.IGNORECASE:
            raise _Unknown
        scoped = (icase or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
        return _sequence_firsts(list(sub), scoped, out)
    if op is constants.BRANCH:
        results = [_sequence_firsts(list(branch), icase, out) for branch in av[1]]
        return any(results)
    if op in (constants.MAX_REPEAT, constants.MIN_REPEAT, constants.POSSESSIVE_REPEAT):
        low, high, sub = av
        if high == 0:
            return True
        return _sequence_firsts(list(sub), icase, out) or low == 0
    if op is constants.ATOMIC_GROUP:
        return _sequence_firsts(list(av), icase, out)
    raise _Unknown


def _class_text(items: list[tuple[Any, Any]]) -> str:
    """The body of a class (``^`` first when negated) from its parsed items."""
    constants = re._constants  # type: ignore[attr-defined]
    body: list[str] = []
    for op, av in items:
        if op is constants.NEGATE:
            body.insert(0, "^")
        elif op is constants.LITERAL:
            body.append(_char(av))
        elif op is constants.RANGE:
            body.append(_char(av[0]) + "-" + _char(av[1]))
        elif op is constants.CATEGORY and str(av) in _CATEGORIES:
            body.append(_CATEGORIES[str(av)])
        else:
            raise _Unknown
    return "".join(body)


def sre_searches_fast(regex: str) -> bool:
    """Whether Python's ``re`` finds a literal prefix or a first-character set in *regex*.

    ``re`` then skips ahead to where a match can start by itself, and a
    :func:`first_char_hint` would only slow it down (it hides that prefix).
    """
    parsed = re._parser.parse(regex)  # type: ignore[attr-defined]
    return _sre_searches_fast(parsed, parsed.state.flags)


def _sre_searches_fast(parsed: Any, flags: int) -> bool:
    # Asked of re's own compiler (a private API): should it change, the answer is False
    # and a hint is added, which costs speed, never a match.
    try:
        compiler = re._compiler  # type: ignore[attr-defined]
        prefix = compiler._get_literal_prefix(parsed, flags)[0]
        return bool(prefix) or compiler._get_charset_prefix(parsed, flags) is not None
    except Exception:  # any change in re's internals
        return False


def _top_level_group(items: list[tuple[Any, Any]], number: int) -> list[tuple[Any, Any]]:
    """The parsed items of capturing group *number* at the top level of *items*."""
    constants = re._constants  # type: ignore[attr-defined]
    for op, av in items:
        if op is constants.SUBPATTERN and av[0] == number:
            return list(av[-1])
    raise ValueError(f"no top-level group {number}")
