"""The regex rewrite behind scan forms (:mod:`dataguard.detect.scan`).

:func:`strip_lookarounds` deletes lookaround assertions and makes every capturing group
non-capturing. The result matches a superset of the original (lookarounds only ever
restrict), its only groups are the ones the scan form adds, and it is in the syntax
subset shared with Rust's ``regex`` crate, which polars runs.
"""

from __future__ import annotations

__all__ = ["strip_lookarounds"]

_LOOKAROUND_OPENERS = ("(?=", "(?!", "(?<=", "(?<!")


def _group_end(regex: str, open_index: int) -> int:
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
            if regex[i + 1 : i + 2] == "]":
                i += 1
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
            out.append(ch)
            if regex[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if regex[i + 1 : i + 2] == "]":
                out.append("]")
                i += 1
            i += 1
            continue
        if ch == "(":
            if regex.startswith(_LOOKAROUND_OPENERS, i):
                i = _group_end(regex, i)
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
