"""The run's journal: what a destruction run intended and what it did, so it can resume.

``P.journal`` holds JSON lines, each written with ``O_APPEND`` and fsynced before the run
acts on it (write-ahead): an ``intent`` line before a batch of rows is deleted, a file is
cleared or keys are destroyed, and a ``done`` line after the database committed (or the file
was unlinked). A crash leaves at most one intent without its ``done``; the resumed run
settles it exactly (for rows: a full key scan finds which of the batch's rows are still
there) before going on. A line cut short by the crash is dropped on open. Lines hold row
hashes, counts, inode numbers and paths, never a row's values.

Line shapes: ``{"event": "start" | "intent" | "done" | "settled" | "target-done" |
"finish", "target": id, "batch": n, …, "time": "…Z"}``.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataguard.errors import UsageError

__all__ = ["Journal", "Pending", "pack_hashes", "unpack_hashes"]

_BATCH_EVENTS = ("intent", "done", "settled")


def pack_hashes(hashes: list[bytes]) -> str:
    """Row hashes as one base64 string (16 bytes each)."""
    return base64.b64encode(b"".join(hashes)).decode("ascii")


def unpack_hashes(text: str, size: int = 16) -> set[bytes]:
    """The row hashes :func:`pack_hashes` packed."""
    data = base64.b64decode(text)
    return {data[i : i + size] for i in range(0, len(data), size)}


@dataclass
class Pending:
    """What an earlier, interrupted run of this plan left: per target its state."""

    started: bool = False
    finished: bool = False
    done_targets: set[str] = field(default_factory=set)
    #: target id -> batch number -> the intent line whose ``done`` is missing
    open_intents: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    #: target id -> batch number -> the done (or settled) line
    done: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)

    def batches(self, target: str) -> int:
        """The next batch number of *target*."""
        numbers = set(self.open_intents.get(target, {})) | set(self.done.get(target, {}))
        return max(numbers, default=0) + 1

    def total(self, target: str, name: str) -> int:
        """The sum of *name* over *target*'s done lines."""
        return sum(int(line.get(name, 0)) for line in self.done.get(target, {}).values())


class Journal:
    """The journal at *path*: read what is there, then append (module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> Journal:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._drop_torn_tail()
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _drop_torn_tail(self) -> None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        if data and not data.endswith(b"\n"):
            # A line cut short by a crash was never acted on (write-ahead): drop it.
            keep = data.rfind(b"\n") + 1
            with open(self.path, "r+b") as handle:
                handle.truncate(keep)
                handle.flush()
                os.fsync(handle.fileno())

    def lines(self) -> Iterator[dict[str, Any]]:
        """Every complete line, in order (UsageError for a damaged journal)."""
        if not self.path.exists():
            return
        with open(self.path, "rb") as handle:
            for number, raw in enumerate(handle, 1):
                if not raw.endswith(b"\n"):
                    return
                try:
                    line = json.loads(raw)
                except ValueError:
                    raise UsageError(f"{self.path}: line {number} is damaged") from None
                if not isinstance(line, dict) or not isinstance(line.get("event"), str):
                    raise UsageError(f"{self.path}: line {number} is not a journal line")
                if line["event"] in _BATCH_EVENTS and not (
                    isinstance(line.get("batch"), int) and not isinstance(line["batch"], bool)
                ):
                    raise UsageError(f"{self.path}: line {number} has no batch number")
                yield line

    def pending(self) -> Pending:
        """What the journal says an earlier run did (empty when there was none)."""
        state = Pending()
        for line in self.lines():
            event, target = line["event"], line.get("target", "")
            if event == "start":
                state.started = True
            elif event == "finish":
                state.finished = True
            elif event == "target-done":
                state.done_targets.add(target)
            elif event == "intent":
                state.open_intents.setdefault(target, {})[int(line["batch"])] = line
            elif event in ("done", "settled"):
                state.open_intents.get(target, {}).pop(int(line["batch"]), None)
                state.done.setdefault(target, {})[int(line["batch"])] = line
        return state

    def write(self, event: str, line: Mapping[str, Any] | None = None) -> None:
        """Append one line and fsync it before returning."""
        from dataguard.destroy.plan import utc_stamp

        if self._fd is None:
            raise RuntimeError("the journal is not open")
        record = {"event": event, **(line or {}), "time": utc_stamp()}
        data = json.dumps(record, sort_keys=True, separators=(",", ":")).encode() + b"\n"
        written = os.write(self._fd, data)
        if written != len(data):  # pragma: no cover - a full disk
            raise UsageError(f"{self.path}: the journal could not be written (disk full?)")
        os.fsync(self._fd)
