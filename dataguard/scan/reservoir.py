"""A seeded reservoir sample of a stream (Vitter's Algorithm R), in bounded memory.

Dump scans keep one per table, log scans one per file: at most ``size`` items whatever
the stream's length, each item of the stream equally likely to be kept, the same items
for the same seed.
"""

from __future__ import annotations

import random
from typing import Generic, TypeVar

__all__ = ["Reservoir"]

T = TypeVar("T")


class Reservoir(Generic[T]):
    """At most *size* items of a stream, each equally likely to be kept.

    Attributes:
        seen: items offered so far (the stream's length once it is done).
        items: the items kept, at most *size*.
    """

    def __init__(self, size: int, seed: int) -> None:
        self.size = size
        self.seen = 0
        self.items: list[T] = []
        self._rng = random.Random(seed)  # noqa: S311 - a repeatable sample, not a secret

    def add(self, item: T) -> None:
        """Offer the next item of the stream."""
        self.seen += 1
        if len(self.items) < self.size:
            self.items.append(item)
            return
        slot = self._rng.randrange(self.seen)
        if slot < self.size:
            self.items[slot] = item
