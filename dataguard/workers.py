"""Worker pools: results in input order, and worker processes that end with their parent.

:func:`in_order` maps a function over a stream through any executor with a bounded
number of calls in flight, yielding results in input order: every pool of dataguard
(``detect --jobs``, ``redact --jobs``, ``scan db``'s readers) feeds its workers with it.

dataguard's worker pools (``detect --jobs``, ``filter --jobs``, ``redact --jobs``,
``scan --workers``) spawn processes that wait for batches on a pipe. If the parent is
killed outright (SIGKILL, the OOM killer), a waiting worker never sees that pipe close:
every worker of a pool holds both ends of the pool's pipes, so no end of file ever
comes, and the workers would live on, idle and holding their memory, for ever. Each
pool's initializer calls :func:`exit_with_parent`, so such a worker notices within about
a second that it was orphaned and exits.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections import deque
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

    At most *window* calls are submitted at a time, so memory stays bounded however long
    the stream (``Executor.map`` would submit it all at once); the next item is submitted
    as soon as a result is in and before it is handed on, so the pool keeps working while
    the caller uses it.
    An exception from ``fn`` is raised when its result's turn comes.
    """
    source = iter(items)
    running: deque[Future[R]] = deque(
        pool.submit(fn, item) for item in itertools.islice(source, window)
    )
    while running:
        result = running.popleft().result()
        running.extend(pool.submit(fn, item) for item in itertools.islice(source, 1))
        yield result


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
