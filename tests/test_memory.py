"""The stream commands ask polars' allocator to return freed memory at once."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dataguard.memory import JEMALLOC_OPTIONS

_VARIABLE = "_RJEM_MALLOC_CONF"


def _python(code: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != _VARIABLE} | env
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True
    )
    return done.stdout.strip()


def test_set_before_polars_is_loaded() -> None:
    code = (
        "import os; from dataguard.memory import return_freed_memory_promptly as r; "
        "print(r(), os.environ.get('_RJEM_MALLOC_CONF'))"
    )
    assert _python(code) == f"True {JEMALLOC_OPTIONS}"


def test_too_late_once_polars_is_loaded() -> None:
    code = (
        "import os, polars; from dataguard.memory import return_freed_memory_promptly as r; "
        "print(r(), os.environ.get('_RJEM_MALLOC_CONF'))"
    )
    done, polars_own = _python(code).split(" ", 1)
    assert done == "False"
    assert JEMALLOC_OPTIONS not in polars_own  # what polars set for itself, untouched


def test_a_users_own_setting_is_kept() -> None:
    code = (
        "import os; from dataguard.memory import return_freed_memory_promptly as r; "
        "print(r(), os.environ.get('_RJEM_MALLOC_CONF'))"
    )
    assert _python(code, _RJEM_MALLOC_CONF="narenas:1") == "False narenas:1"


@pytest.mark.parametrize(
    ("command", "sets"), [("filter", True), ("detect", True), ("redact", False), ("scan", False)]
)
def test_the_stream_commands_set_it_before_polars_loads(command: str, sets: bool) -> None:
    """The command line package decides from the command named, before any command
    module loads polars; workers inherit the variable."""
    code = (
        f"import os, sys; sys.argv = ['dataguard', {command!r}, 'x.log']; "
        "import dataguard.cli.main; print(os.environ.get('_RJEM_MALLOC_CONF', 'None'))"
    )
    # polars puts its own defaults first; the value after them wins.
    assert _python(code).endswith(JEMALLOC_OPTIONS) == sets
