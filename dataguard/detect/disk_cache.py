"""The detector's on-disk cache: where it lives, whom it may trust, how a file is written.

Compiled forms of the recognizers' patterns (the Hyperscan database,
:mod:`~dataguard.detect.multiscan`; Python's regex code, :mod:`~dataguard.detect.regex_cache`)
are kept under ``$XDG_CACHE_HOME/dataguard`` (``~/.cache/dataguard``), best effort: a
read-only or missing home only means compiling again.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["BUDGET_BYTES", "cache_dir", "store", "touch", "trusted"]

#: The most the cache keeps, in bytes: past it, the files used longest ago go. A database
#: is built for each set of patterns (every release, every entity subset, each of the
#: presidio adapter's recognizers), and none was ever removed: a machine that upgraded
#: often, or a developer editing patterns, gathered hundreds of megabytes of stale ones.
BUDGET_BYTES = 128 * 1024 * 1024
#: The files the cache writes (``hyperscan-<key>.bin``, ``re-<build>.json``); nothing else
#: in the folder is touched.
_ENTRY_SUFFIXES = (".bin", ".json")


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
    private folder, then keep the folder within :data:`BUDGET_BYTES`; an error (a
    read-only home) is ignored: the cache is an optimisation."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        tmp.replace(path)
        _prune(path.parent, keep=path)
    except OSError:
        pass


def touch(path: Path) -> None:
    """Mark *path* as used now (its modification time), so that pruning keeps it."""
    with contextlib.suppress(OSError):
        os.utime(path)


def _prune(folder: Path, keep: Path) -> None:
    """Remove the cache entries used longest ago until the rest fit :data:`BUDGET_BYTES`
    (*keep*, just written, stays). Another process that was about to read a removed file
    compiles again: a cost, never a wrong answer."""
    entries = []
    for item in folder.iterdir():
        if item.name.endswith(_ENTRY_SUFFIXES) and item != keep:
            try:
                info = item.stat()
            except OSError:
                continue  # removed meanwhile by another process
            entries.append((info.st_mtime, info.st_size, item))
    total = sum(size for _, size, _ in entries) + keep.stat().st_size
    for _, size, item in sorted(entries):  # oldest first
        if total <= BUDGET_BYTES:
            break
        try:
            item.unlink()
        except OSError:
            continue
        total -= size
