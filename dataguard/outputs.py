"""Where a command's output goes: the checks made before any work is done.

An output is written to a temporary file beside it and renamed into place, so a folder
that is missing or not writable is found only at the end, after the work, and the error
names the temporary file. These checks name the output instead, up front: the CLI when an
``-o`` or ``--stats`` option is given (``dataguard.cli.options.OutputFile``), the library
when :func:`dataguard.redact.redact_file` is called.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["folder_problem"]


def folder_problem(target: Path) -> str | None:
    """Why *target* cannot be created in its folder, or None when it can."""
    folder = target.parent
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"no permission to create files in {folder}"
    return None
