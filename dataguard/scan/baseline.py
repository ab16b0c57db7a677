"""Baselines: record a scan, then report only what changed (a CI or cron gate).

A baseline is a scan report's JSON (:meth:`ScanReport.to_json`). Comparing a new scan with
it sorts personal columns into:

``new``
    holds personal data now, did not before (or did not exist);
``changed``
    held personal data before and now, but its entity, grade or protection changed;
``gone``
    held personal data before, does not now (dropped, emptied or protected away); not the
    columns of a table or file the new scan could not read (``ScanReport.not_scanned``);
``new_plaintext``
    the ``new`` and ``changed`` columns that are plaintext now and were not before: what
    ``--fail-on new-plaintext`` fails on.

Columns match by ``table.column``. Baselines hold what reports hold: names, counts and
masked previews, never values.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from dataguard.errors import UsageError
from dataguard.scan.report import ColumnReport, ScanReport

__all__ = ["Changes", "compare", "load_baseline", "save_baseline"]


@dataclass(frozen=True)
class Changes:
    """What changed between a baseline and a scan (``table.column`` keys, sorted)."""

    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    gone: tuple[str, ...] = ()
    new_plaintext: tuple[str, ...] = ()
    details: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """The JSON form (the ``baseline`` member of a report)."""
        return {
            "new": list(self.new),
            "changed": list(self.changed),
            "gone": list(self.gone),
            "new_plaintext": list(self.new_plaintext),
            "details": self.details,
        }

    @property
    def keys(self) -> set[str]:
        """Every column that is new or changed."""
        return set(self.new) | set(self.changed)


def _describe(column: ColumnReport) -> tuple[str | None, str | None, str | None]:
    return column.entity, column.grade, column.protection


def compare(report: ScanReport, baseline: ScanReport) -> Changes:
    """The changes from *baseline* to *report*."""
    before = {c.key: c for c in baseline.personal}
    after = {c.key: c for c in report.personal}
    new = sorted(set(after) - set(before))
    # A table or file this scan could not read is unread, not gone (a narrower account,
    # a file locked by its writer): its columns stay out of the changes.
    unread = set(report.not_scanned)
    gone = sorted(
        key
        for key in set(before) - set(after)
        if before[key].table not in unread and before[key].table.split("#")[0] not in unread
    )
    changed = []
    details: dict[str, list[str]] = {}
    for key in sorted(set(after) & set(before)):
        if _describe(after[key]) != _describe(before[key]):
            changed.append(key)
            fields = ("entity", "grade", "protection")
            details[key] = [
                f"{name}: {old} → {now}"
                for name, old, now in zip(
                    fields, _describe(before[key]), _describe(after[key]), strict=True
                )
                if old != now
            ]
    new_plaintext = sorted(
        k
        for k in (*new, *changed)
        if after[k].protection == "plaintext"
        and (k not in before or before[k].protection != "plaintext")
    )
    return Changes(tuple(new), tuple(changed), tuple(gone), tuple(new_plaintext), details)


def load_baseline(path: Path) -> ScanReport | None:
    """The baseline at *path*, or None when there is none yet."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(f"cannot read the baseline {path}: {exc.strerror}") from None
    try:
        return ScanReport.from_dict(json.loads(text))
    except (ValueError, KeyError, TypeError) as exc:
        raise UsageError(
            f"{path} is not a dataguard scan baseline ({type(exc).__name__}); "
            "delete it to record a new one"
        ) from None


def save_baseline(report: ScanReport, path: Path) -> None:
    """Write *report* to *path* as a baseline, atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(report.to_json())
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
