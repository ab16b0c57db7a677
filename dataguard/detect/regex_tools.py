"""Small rewrites of recognizer regexes so they can be combined into one scanner.

* :func:`uncapture` turns every capturing group into a non-capturing one, so that in the
  combined alternation the only capturing groups are the per-pattern wrappers and
  ``match.lastindex`` names the pattern that matched.
* :func:`strip_lookarounds` deletes lookaround assertions. The result matches a superset
  of the original (lookarounds only ever restrict), which is what a prefilter needs, and
  it is in the syntax subset shared with Rust's ``regex`` crate, which polars runs.
"""

from __future__ import annotations

__all__ = ["strip_lookarounds", "uncapture"]

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


def _rewrite(regex: str, *, drop_lookarounds: bool) -> str:
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
            if drop_lookarounds and regex.startswith(_LOOKAROUND_OPENERS, i):
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


def uncapture(regex: str) -> str:
    """Make every capturing group (numbered or named) non-capturing."""
    return _rewrite(regex, drop_lookarounds=False)


def strip_lookarounds(regex: str) -> str:
    """Remove lookaround assertions (and captures); the result matches a superset."""
    stripped = _rewrite(regex, drop_lookarounds=True)
    # An alternation whose branches were all lookarounds collapses to ``(?:|)``: harmless.
    return stripped
