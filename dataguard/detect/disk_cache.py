"""The detector's on-disk cache: where it lives, whom it may trust, how a file is written.

Compiled forms of the recognizers' patterns (the Hyperscan database,
:mod:`~dataguard.detect.multiscan`; Python's regex code, :mod:`~dataguard.detect.regex_cache`)
are kept under ``$XDG_CACHE_HOME/dataguard`` (``~/.cache/dataguard``), best effort: a
read-only or missing home only means compiling again.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir", "store", "trusted"]


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/dataguard``, or ``~/.cache/dataguard``."""
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "dataguard"


def trusted(path: Path) -> bool:
    """Whether *path* and its folder are this user's and writable by nobody else.

    What the cache holds decides what the detector finds: a file that someone else could
    write would let them hide personal data from it (the rule ssh applies to its keys).

    Raises:
        OSError: *path* or its folder cannot be read (missing).
    """
    for item in (path.parent, path):
        info = item.stat()
        if info.st_uid != os.getuid() or info.st_mode & 0o022:
            return False
    return True


def store(path: Path, data: bytes) -> None:
    """Write *data* to *path* atomically (a private temporary file, then a rename), in a
    private folder; an error (a read-only home) is ignored: the cache is an optimisation."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        tmp.replace(path)
    except OSError:
        pass
