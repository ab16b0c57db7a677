"""The ``dataguard`` command line: one module per command group (see ``main``).

For the stream commands (``filter``, ``detect``), importing it asks polars' allocator to
return freed memory at once (:mod:`dataguard.memory`): the setting must come before
anything loads polars, and every command module below may. Batch commands keep polars'
default, which is faster for them, and the library alone (``import dataguard``) leaves it
to its user.
"""

import sys

from dataguard.memory import return_freed_memory_promptly

#: Commands that run for as long as their input lasts, under a memory target.
STREAM_COMMANDS = frozenset({"filter", "detect"})

if STREAM_COMMANDS.intersection(sys.argv[1:2]):
    return_freed_memory_promptly()
