"""The :class:`Finding` record produced by every detector.

Offsets are code points into the *original* text (not the normalised text the engine
scanned), ``end`` exclusive, so ``text[f.start:f.end]`` is the surface form. A finding
never holds the value itself: only a masked preview, so that printing, logging or
pickling findings cannot leak what they point at (architecture.md §6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Finding", "preview_of"]


def preview_of(value: str) -> str:
    """Return a masked preview of *value* that keeps at most its first and last character.

    Values of up to four characters are fully starred: revealing two of four characters
    would reveal half the value.
    """
    n = len(value)
    if n <= 4:
        return "*" * n
    return f"{value[0]}{'*' * (n - 2)}{value[-1]}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data found in a text.

    Attributes:
        entity: the public entity name, e.g. ``"CN_MOBILE"``.
        start: code-point offset of the first character in the original text.
        end: code-point offset one past the last character (exclusive).
        score: confidence in [0, 1] after validation and context.
        recognizer: the name of the recognizer that produced it.
        preview: a masked preview (see :func:`preview_of`), never the value.
    """

    entity: str
    start: int
    end: int
    score: float
    recognizer: str
    preview: str = field(default="", compare=False)

    def __len__(self) -> int:
        return self.end - self.start

    def __repr__(self) -> str:
        return (
            f"Finding({self.entity} [{self.start}:{self.end}] score={self.score:.2f} "
            f"{self.preview!r} by {self.recognizer})"
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by ``dataguard detect``: offsets, entity and score, no value."""
        return {
            "start": self.start,
            "end": self.end,
            "entity": self.entity,
            "score": round(self.score, 4),
        }
