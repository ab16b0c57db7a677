"""Overlap resolution against a brute-force reference."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dataguard.detect.finding import Finding
from dataguard.detect.overlap import resolve_overlaps


def brute_force(
    candidates: list[tuple[Finding, int]], shadows: list[tuple[int, int]]
) -> list[Finding]:
    alive = [
        (f, s) for f, s in candidates if not any(a <= f.start and f.end <= b for a, b in shadows)
    ]
    alive.sort(key=lambda fs: (-fs[0].score, -(fs[0].end - fs[0].start), -fs[1], fs[0].start))
    kept: list[Finding] = []
    for f, _ in alive:
        if all(f.end <= k.start or k.end <= f.start for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)


SPAN = st.tuples(st.integers(0, 60), st.integers(1, 15))
CANDIDATE = st.builds(
    lambda span, score, spec, ent: (
        Finding(ent, span[0], span[0] + span[1], score, "r"),
        spec,
    ),
    SPAN,
    st.sampled_from([0.4, 0.6, 0.9, 1.0]),
    st.integers(0, 3),
    st.sampled_from(["A", "B"]),
)


@given(st.lists(CANDIDATE, max_size=25), st.lists(SPAN, max_size=4))
def test_matches_brute_force(
    candidates: list[tuple[Finding, int]], shadow_spans: list[tuple[int, int]]
) -> None:
    shadows = [(s, s + n) for s, n in shadow_spans]
    assert resolve_overlaps(candidates, shadows) == brute_force(candidates, shadows)


def test_many_findings_on_one_line_are_fast() -> None:
    candidates = [(Finding("A", i * 20, i * 20 + 11, 0.9, "r"), 1) for i in range(50_000)]
    assert len(resolve_overlaps(candidates, [(0, 5)])) == 50_000
