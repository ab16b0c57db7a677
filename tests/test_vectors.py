"""Data-driven detection vectors: ``tests/vectors/<ENTITY>.tsv``.

Each non-blank line not starting with ``#`` is ``expect<TAB>text``: ``match`` means the
text holds exactly one finding of the file's entity, covering the whole text or the part
marked ``⟦…⟧``; ``no-match`` means no finding of that entity. ``\\t`` and ``\\n`` in the
text stand for a tab and a newline.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dataguard import Detector
from dataguard.detect.recognizer import Example

VECTORS = Path(__file__).parent / "vectors"


def _load() -> list[object]:
    cases: list[object] = []
    for path in sorted(VECTORS.glob("*.tsv")):
        entity = path.stem
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            expect, _, raw = line.partition("\t")
            if expect not in ("match", "no-match"):
                raise ValueError(f"{path.name}:{lineno}: expect must be match or no-match")
            raw = raw.replace("\\t", "\t").replace("\\n", "\n")
            cases.append(pytest.param(entity, Example.parse(expect, raw), id=f"{entity}:{lineno}"))
    return cases


@pytest.mark.parametrize(("entity", "example"), _load())
def test_vector(detector: Detector, entity: str, example: Example) -> None:
    found = [f for f in detector.detect(example.text) if f.entity == entity]
    if example.should_match:
        assert [(f.start, f.end) for f in found] == [(example.start, example.end)]
    else:
        assert found == []
