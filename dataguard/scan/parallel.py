"""Reading samples and assessing tables at the same time, on every core.

A scan is two kinds of work per table: waiting for the database to return a sample (I/O)
and running the detection engine over it (CPU, under the GIL). :func:`assess_tables` keeps
both busy: reader threads fetch the next samples while worker *processes* assess earlier
ones, and results come back in catalogue order.

Workers are started with ``spawn``, not ``fork``: polars keeps a thread pool that a
forked child would inherit half-alive (polars' own documentation warns against fork).
Each worker rebuilds the assessor from a pickled detector, about half a second, so small
scans (fewer tables than :data:`MIN_TABLES_FOR_WORKERS`) stay in one process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, TypeVar

from dataguard.detect import Detector
from dataguard.scan.assess import TableAssessor
from dataguard.scan.grading import scheme as grading_scheme
from dataguard.scan.report import ColumnReport
from dataguard.sources.catalog import ColumnInfo
from dataguard.workers import exit_with_parent, in_order

__all__ = ["MIN_TABLES_FOR_WORKERS", "assess_tables", "default_workers"]

#: Below this many tables, starting worker processes costs more than it saves.
MIN_TABLES_FOR_WORKERS = 8
#: Worker processes at most by default (detection does not scale past the cores anyway).
MAX_DEFAULT_WORKERS = 4

T = TypeVar("T")
Sample = Mapping[str, Sequence[Any]]

_assessor: TableAssessor | None = None


def default_workers() -> int:
    """One worker per CPU, at most :data:`MAX_DEFAULT_WORKERS`."""
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS))


def _start_worker(detector: Detector, scheme: str, keys: Mapping[str, str] | None) -> None:
    global _assessor
    exit_with_parent()
    _assessor = TableAssessor(detector, grading_scheme(scheme), keys)


def _assess_in_worker(
    table: str, columns: Sequence[ColumnInfo], sample: Sample
) -> list[ColumnReport]:
    assert _assessor is not None, "worker not initialised"
    return _assessor.assess(table, columns, sample)


def assess_tables(
    items: Sequence[T],
    read: Callable[[T], tuple[str, Sequence[ColumnInfo], Sample]],
    assessor: TableAssessor,
    *,
    workers: int,
    readers: int = 2,
) -> Iterator[tuple[T, Sample, list[ColumnReport]]]:
    """``(item, sample, reports)`` for each of *items*, in order.

    ``read(item)`` returns ``(table name, columns, sample)``; it runs in up to *readers*
    threads. The assessment runs in *workers* processes (or here, when *workers* is 1 or
    the tables are few). At most about ``2 × (workers + readers)`` samples are held at
    once, whatever the number of tables.
    """
    if workers <= 1 or len(items) < MIN_TABLES_FOR_WORKERS:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dataguard-read") as pool:
            for item, (name, columns, sample) in in_order(pool, _with_item(read), items, window=2):
                yield item, sample, assessor.assess(name, columns, sample)
        return
    context = multiprocessing.get_context("spawn")
    with (
        ThreadPoolExecutor(max_workers=readers, thread_name_prefix="dataguard-read") as io,
        ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(assessor.detector, assessor.grading.name, assessor.keys),
        ) as cpu,
    ):
        pending: deque[tuple[T, Sample, Future[list[ColumnReport]]]] = deque()
        for item, (name, columns, sample) in in_order(
            io, _with_item(read), items, window=readers + 1
        ):
            pending.append((item, sample, cpu.submit(_assess_in_worker, name, columns, sample)))
            while len(pending) > 2 * workers:
                done, kept, future = pending.popleft()
                yield done, kept, future.result()
        while pending:
            done, kept, future = pending.popleft()
            yield done, kept, future.result()


def _with_item(read: Callable[[T], Any]) -> Callable[[T], tuple[T, Any]]:
    """``read`` that also hands back its item (for :func:`in_order`, on threads)."""
    return lambda item: (item, read(item))
