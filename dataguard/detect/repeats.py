"""A name found once in a text, found wherever else it stands in that text.

A name is found by its context: a label (``姓名：``), a phone beside it, an honorific, a
key (``"name":``). The same person is often written again in the same line without any
(``{"name":"万华","remark":"万华来电咨询退款"}``; ``客户：李娜，李娜要求退款``), and the
second time stood unmasked beside the masked first: the line said whose it was. Every other
occurrence of a found Chinese name (two characters or more, the first an ideograph: a
Latin ``Li`` occurs inside words) is a finding of the same entity, score and recognizer,
where no other finding already covers it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping

from dataguard.detect.finding import Finding

__all__ = ["FOLLOWED_NAME", "with_repeats"]

#: A name worth following: two characters or more, the first an ideograph (a Latin ``Li``
#: occurs inside words). A regex, as polars reads it too (dataguard.mask.row_names).
FOLLOWED_NAME = "^[\u3400-\u9fff]."
_FOLLOWED = re.compile(FOLLOWED_NAME)


def with_repeats(
    text: str,
    kept: list[Finding],
    spans: Mapping[int, tuple[int, int]],
    to_original: Callable[[int, int], tuple[int, int]],
) -> list[Finding]:
    """*kept* (findings of *text*, in order) with the other occurrences in *text* of each
    name among them; *spans* maps ``id(finding)`` of the names to their span in *text*
    (which *to_original* maps to the original's offsets, as the findings' are)."""
    sources: dict[str, Finding] = {}
    for finding in kept:
        span = spans.get(id(finding))
        if span is not None:
            value = text[span[0] : span[1]]
            if _FOLLOWED.match(value):
                sources.setdefault(value, finding)
    if not sources:
        return kept
    taken = _Taken((f.start, f.end) for f in kept)
    added: list[Finding] = []
    for value, source in sources.items():
        at = text.find(value)
        while at >= 0:
            start, end = to_original(at, at + len(value))
            if taken.free(start, end):
                taken.add(start, end)
                added.append(
                    Finding(
                        source.entity, start, end, source.score, source.recognizer, source.preview
                    )
                )
            at = text.find(value, at + len(value))
    if not added:
        return kept
    return sorted(kept + added, key=lambda f: f.start)


class _Taken:
    """The spans findings cover, as disjoint intervals sorted by start.

    Whether a span is free is one bisection, not a look at every finding: a line naming
    the same person 8,000 times (``@李雷 @李雷 …``, a mention list) took 5.6 s that way.
    """

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted(spans):
            if self._ends and start < self._ends[-1]:  # overlapping findings: one interval
                self._ends[-1] = max(self._ends[-1], end)
            else:
                self._starts.append(start)
                self._ends.append(end)

    def free(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps no interval."""
        # The intervals starting before *end*; of them the last ends last (disjoint).
        before = bisect_left(self._starts, end)
        return before == 0 or self._ends[before - 1] <= start

    def add(self, start: int, end: int) -> None:
        """Take a free span."""
        at = bisect_left(self._starts, start)
        self._starts.insert(at, start)
        self._ends.insert(at, end)
