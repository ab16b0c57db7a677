"""Worker processes that end with their parent.

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
import threading

__all__ = ["exit_with_parent"]


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
