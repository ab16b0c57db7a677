"""Every recognizer's docstring examples run as test vectors (docs and behaviour agree)."""

from __future__ import annotations

import pytest

from dataguard import Detector
from dataguard.detect.recognizer import Example, Recognizer
from dataguard.detect.registry import builtin_recognizers

RECOGNIZERS = [r for r in builtin_recognizers() if not r.suppress_only]
CASES = [
    pytest.param(r, ex, id=f"{r.name}-{'match' if ex.should_match else 'no'}-{i}")
    for r in RECOGNIZERS
    for i, ex in enumerate(r.examples())
]


@pytest.mark.parametrize("recognizer", RECOGNIZERS, ids=lambda r: r.name)
def test_every_recognizer_documents_three_matches_and_three_non_matches(
    recognizer: Recognizer,
) -> None:
    examples = recognizer.examples()
    assert sum(ex.should_match for ex in examples) >= 3
    assert sum(not ex.should_match for ex in examples) >= 3


@pytest.mark.parametrize(("recognizer", "example"), CASES)
def test_docstring_example(detector: Detector, recognizer: Recognizer, example: Example) -> None:
    found = [f for f in detector.detect(example.text) if f.entity == recognizer.entity]
    if example.should_match:
        assert [(f.start, f.end) for f in found] == [(example.start, example.end)]
    else:
        assert found == []
