"""Overlap resolution: one finding per stretch of text.

When candidates overlap, the highest score wins; on equal scores the longer span (an
email address containing a phone number), then the more specific entity (an ID number is
not also a bank card). Suppressor spans (UUIDs, hex digests, masked values) remove every
finding lying wholly inside them, except findings of entities that may well be such
shapes (credentials: :attr:`~dataguard.detect.recognizer.Recognizer.suppressible`).

Both steps are O(n log n) in the number of candidates, so a multi-megabyte line with tens
of thousands of findings stays fast.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from dataguard.detect.finding import Finding

__all__ = ["resolve_overlaps"]


def _inside_any(start: int, end: int, starts: list[int], max_end_upto: list[int]) -> bool:
    """Whether ``[start, end)`` lies inside one of the sorted shadow spans."""
    i = bisect.bisect_right(starts, start) - 1
    return i >= 0 and max_end_upto[i] >= end


def resolve_overlaps(
    candidates: Iterable[tuple[Finding, int]],
    suppressed: Iterable[tuple[int, int]] = (),
    unsuppressed: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Non-overlapping findings, in text order, from ``(finding, specificity)`` candidates.

    Findings of the *unsuppressed* entities stand inside suppressor spans too (a
    credential is often a hex string: ``X-Auth-Token: 8f14e45f…``).
    """
    shadows = sorted(suppressed)
    starts = [s for s, _ in shadows]
    max_end_upto: list[int] = []
    for _, e in shadows:
        max_end_upto.append(max(e, max_end_upto[-1]) if max_end_upto else e)
    ranked = sorted(
        (
            (finding, specificity)
            for finding, specificity in candidates
            if not (
                shadows
                and finding.entity not in unsuppressed
                and _inside_any(finding.start, finding.end, starts, max_end_upto)
            )
        ),
        key=lambda fs: (-fs[0].score, -(fs[0].end - fs[0].start), -fs[1], fs[0].start),
    )
    # Kept spans never overlap, so sorted by start their ends are sorted too.
    kept_starts: list[int] = []
    kept: list[Finding] = []
    for finding, _ in ranked:
        i = bisect.bisect_right(kept_starts, finding.start)
        if i > 0 and kept[i - 1].end > finding.start:
            continue
        if i < len(kept) and kept[i].start < finding.end:
            continue
        kept_starts.insert(i, finding.start)
        kept.insert(i, finding)
    return kept
