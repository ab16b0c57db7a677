"""Worker pools: results in input order, and worker processes that end with their parent.

:func:`in_order` maps a function over a stream through any executor with a bounded
number of calls in flight, yielding results in input order: every pool of dataguard
(``detect --jobs``, ``filter --jobs``, ``redact --jobs``, ``scan db``'s readers) feeds its
workers with it.

dataguard's worker pools (``detect --jobs``, ``filter --jobs``, ``redact --jobs``,
``scan --workers``) spawn processes that wait for batches on a pipe. If the parent is
killed outright (SIGKILL, the OOM killer), a waiting worker never sees that pipe close:
every worker of a pool holds both ends of the pool's pipes, so no end of file ever
comes, and the workers would live on, idle and holding their memory, for ever. Each
pool's initializer calls :func:`exit_with_parent`, so such a worker notices within about
a second that it was orphaned and exits.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from typing import TypeVar

__all__ = ["exit_with_parent", "in_order"]

T = TypeVar("T")
R = TypeVar("R")


def in_order(
    pool: Executor, fn: Callable[[T], R], items: Iterable[T], *, window: int
) -> Iterator[R]:
    """``fn(item)`` for each of *items*, run on *pool*, yielded in input order.

    At most *window* items are taken from *items* and not yet handed on, so memory stays
    bounded however long the stream (``Executor.map`` would submit it all at once).
    A feeder thread takes and submits items while results are handed on: a result is
    yielded as soon as it is ready, even while the next item is still being read (a
    line that trickles into ``dataguard detect --jobs 2`` from a pipe is answered at
    once, not when *window* more lines have come).
    An exception from ``fn`` is raised when its result's turn comes; one from *items*
    after every result before it.
    """
    slots = threading.Semaphore(window)
    submitted: queue.SimpleQueue[Future[R] | _End] = queue.SimpleQueue()
    stop = threading.Event()

    def feed() -> None:
        try:
            source = iter(items)
            while _acquire(slots, stop):
                try:
                    item = next(source)
                except StopIteration:
                    break
                submitted.put(pool.submit(fn, item))
        except BaseException as exc:  # handed to the consumer, in its turn
            submitted.put(_End(exc))
        else:
            submitted.put(_End(None))

    feeder = threading.Thread(target=feed, name="dataguard-feeder", daemon=True)
    feeder.start()
    try:
        while not isinstance(head := submitted.get(), _End):
            result = head.result()
            slots.release()
            yield result
        if head.error is not None:
            raise head.error
    finally:
        # The caller stopped early (an error, a closed pipe): the feeder takes nothing
        # more, and what was submitted but not yet started is cancelled.
        stop.set()
        slots.release()
        while True:
            try:
                pending = submitted.get_nowait()
            except queue.Empty:
                break
            if not isinstance(pending, _End):
                pending.cancel()


class _End:
    """The feeder's last word: *items* ran out (``error`` None) or raised ``error``."""

    def __init__(self, error: BaseException | None) -> None:
        self.error = error


def _acquire(slots: threading.Semaphore, stop: threading.Event) -> bool:
    """Wait for a free slot; False once *stop* is set (checked every 0.1 s)."""
    while not stop.is_set():
        if slots.acquire(timeout=0.1):
            return not stop.is_set()
    return False


def exit_with_parent(interval: float = 1.0) -> None:
    """Exit this process (status 1, at once) when its parent process is gone.

    A daemon thread compares ``os.getppid()`` with the parent at the time of the call
    every *interval* seconds: an orphan is re-parented (to init or a subreaper), so the
    parent id changes. ``os._exit`` because the worker's other threads may be inside
    polars or a blocked pipe write, which a normal exit would wait for.
    """
    parent = os.getppid()

    def watch() -> None:
        stop = threading.Event()
        while not stop.wait(interval):
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="dataguard-parent-watch", daemon=True).start()
