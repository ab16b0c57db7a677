"""Native memory of the long-running stream commands: returned to the system promptly.

polars (the batch detection path) allocates through its own jemalloc, which polars sets to
keep freed pages for half a second (``dirty_decay_ms:500,muzzy_decay_ms:1000``) in case
they are needed again. A log filter allocates and frees about the same amount for every
batch, so those pages add up to a resident size that grows with the run: 177-184 MB on a
10 MB log (three runs) and 201 MB on a 200 MB one, over issue 3's 200 MB line, although
nothing is alive across batches. With freed pages given back at once the same 10 MB log
peaks at 161-163 MB, for about 0.4 s more system time per 10 MB (about 5%).

jemalloc reads its options once, when polars is loaded, from ``_RJEM_MALLOC_CONF``
(polars' jemalloc is built with the ``_rjem_`` prefix; polars puts its defaults first and
the variable's value after them, so the value wins). So the setting must be made before
the first ``import polars`` of the process; the variable is inherited by worker
processes, which are spawned. A value the user set is left alone.
"""

from __future__ import annotations

import os
import sys

__all__ = ["JEMALLOC_OPTIONS", "return_freed_memory_promptly"]

#: jemalloc options: no delay before freed ("dirty") and lazily freed ("muzzy") pages go
#: back to the system.
JEMALLOC_OPTIONS = "dirty_decay_ms:0,muzzy_decay_ms:0"
_VARIABLE = "_RJEM_MALLOC_CONF"


def return_freed_memory_promptly() -> bool:
    """Ask polars' allocator to return freed pages at once (see the module docstring).

    Returns whether the setting can take effect: False when polars is already loaded in
    this process (it has read its options) or the user set the variable themselves.
    """
    if "polars" in sys.modules or _VARIABLE in os.environ:
        return False
    os.environ[_VARIABLE] = JEMALLOC_OPTIONS
    return True
