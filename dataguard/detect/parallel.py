"""Detection over a stream of line batches on several processes, order preserved.

Python's ``re`` holds the GIL, so threads do not help; worker processes each build their
own :class:`~dataguard.detect.engine.Detector` once. Workers are *spawned*, not forked:
polars runs its own thread pool, and forking a process that holds other threads' locks
can deadlock the child. At most ``2 × jobs`` batches are in
flight, so memory stays bounded however long the stream (``Executor.map`` would submit
the whole input at once).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from dataguard.detect.engine import Detector
from dataguard.detect.finding import Finding
from dataguard.workers import exit_with_parent, in_order

__all__ = ["detect_batches"]

_worker: Detector | None = None


def _init_worker(entities: Sequence[str] | None, min_score: float) -> None:
    global _worker
    exit_with_parent()
    _worker = Detector(entities, min_score=min_score)


def _detect_batch(lines: list[str]) -> list[list[Finding]]:
    assert _worker is not None, "worker not initialised"
    return _worker.detect_lines(lines)


def detect_batches(
    batches: Iterable[list[str]], detector: Detector, *, jobs: int = 1
) -> Iterator[list[list[Finding]]]:
    """Findings per line for each batch, in input order, using ``jobs`` processes.

    With one job ``detector`` does the work; worker processes build their own detector
    from its entities and minimum score (built-in and plugin recognizers).
    """
    if jobs <= 1:
        for batch in batches:
            yield detector.detect_lines(batch)
        return
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(detector.entities, detector.min_score),
    ) as pool:
        yield from in_order(pool, _detect_batch, batches, window=2 * jobs)
