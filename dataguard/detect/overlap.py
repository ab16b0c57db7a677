"""Overlap resolution: one finding per stretch of text.

When candidates overlap, the highest score wins; on equal scores the longer span (an
email address containing a phone number), then the more specific entity (an ID number is
not also a bank card). Suppressor spans (UUIDs, hex digests, masked values) remove every
finding lying wholly inside them.
"""

from __future__ import annotations

from collections.abc import Iterable

from dataguard.detect.finding import Finding

__all__ = ["resolve_overlaps"]


def resolve_overlaps(
    candidates: Iterable[tuple[Finding, int]],
    suppressed: Iterable[tuple[int, int]] = (),
) -> list[Finding]:
    """Non-overlapping findings, in text order, from ``(finding, specificity)`` candidates."""
    shadows = list(suppressed)
    ranked = sorted(
        (
            (finding, specificity)
            for finding, specificity in candidates
            if not any(s <= finding.start and finding.end <= e for s, e in shadows)
        ),
        key=lambda fs: (-fs[0].score, -(fs[0].end - fs[0].start), -fs[1], fs[0].start),
    )
    kept: list[Finding] = []
    for finding, _ in ranked:
        if all(finding.end <= k.start or k.end <= finding.start for k in kept):
            kept.append(finding)
    kept.sort(key=lambda f: f.start)
    return kept
