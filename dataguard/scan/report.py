"""The result of a scan: one :class:`ColumnReport` per column, in a :class:`ScanReport`.

The JSON form (:meth:`ScanReport.to_dict`) is the stable interface for automation; its
schema is documented in ``docs/scanning.md`` and versioned by ``"format"``. Reports hold
names, counts, grades and *masked* previews, never a sampled value in plaintext
(architecture convention 6).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dataguard.errors import UsageError

if TYPE_CHECKING:
    from dataguard.scan.grading import Scheme

__all__ = ["FORMAT_VERSION", "ColumnReport", "Evidence", "ScanReport", "TableSummary"]

#: Version of the JSON report schema; bumped only for incompatible changes.
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Evidence:
    """Why a column was classified as it was: counts and names only.

    Attributes:
        name: the entity the column name implies (None when it implies none).
        comment: the entity the column comment implies.
        sampled: rows sampled (NULLs and empty values included).
        non_empty: sampled values that were not NULL or blank.
        valid: values that are wholly a valid value of the column's entity.
        invalid: values shaped like the entity that fail its validation (checksum, date,
            allocated prefix).
        partial: values with personal data inside longer text.
        placeholders: values such as ``12345678901`` or ``N/A`` (see :mod:`.placeholders`).
        forms: values per protection form (:mod:`dataguard.scan.protection`).
        reasons: the reasoning in words.
    """

    name: str | None = None
    comment: str | None = None
    sampled: int = 0
    non_empty: int = 0
    valid: int = 0
    invalid: int = 0
    partial: int = 0
    placeholders: int = 0
    forms: dict[str, int] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "name": self.name,
            "comment": self.comment,
            "sampled": self.sampled,
            "non_empty": self.non_empty,
            "valid": self.valid,
            "invalid": self.invalid,
            "partial": self.partial,
            "placeholders": self.placeholders,
            "forms": dict(sorted(self.forms.items())),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class ColumnReport:
    """One column's verdict.

    Attributes:
        table: the qualified table name (``schema.table`` or ``table``); for files, the file.
        column: the column name (for JSON lines, the field path).
        type: the declared type (``VARCHAR(20)``), or the inferred one for files.
        comment: the column comment, if the schema has one.
        kind: ``value`` (every value is one entity), ``text`` (personal data inside free
            text) or ``clean``.
        entity: the main entity (the column's for ``value``, the most frequent for ``text``).
        entities: every entity found, most frequent first.
        confidence: in [0, 1].
        protection: the state of the values (:mod:`dataguard.scan.protection`); None for
            a column without personal data.
        grade: the grade under the report's scheme (None for clean columns).
        mandates: the rules the column breaks (``Youzan 7.4: …``).
        action: ``encrypt``, ``hash``, ``mask``, ``drop``, ``rehash`` or ``none``.
        evidence: the counts behind the verdict.
        previews: up to three sampled values, masked.
    """

    table: str
    column: str
    type: str
    comment: str | None
    kind: str
    entity: str | None
    entities: tuple[str, ...]
    confidence: float
    protection: str | None
    grade: str | None
    mandates: tuple[str, ...]
    action: str
    evidence: Evidence
    previews: tuple[str, ...] = ()

    @property
    def personal(self) -> bool:
        """Whether the column holds personal data (in any form)."""
        return self.entity is not None

    @property
    def key(self) -> str:
        """``table.column``: how baselines match columns between scans."""
        return f"{self.table}.{self.column}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (one object per column; documented in docs/scanning.md)."""
        return {
            "table": self.table,
            "column": self.column,
            "type": self.type,
            "comment": self.comment,
            "kind": self.kind,
            "entity": self.entity,
            "entities": list(self.entities),
            "confidence": round(self.confidence, 3),
            "protection": self.protection,
            "grade": self.grade,
            "mandates": list(self.mandates),
            "action": self.action,
            "evidence": self.evidence.to_dict(),
            "previews": list(self.previews),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnReport:
        """A column read back from its JSON form (baselines)."""
        evidence = dict(data.get("evidence") or {})
        evidence["reasons"] = tuple(evidence.get("reasons", ()))
        return cls(
            table=data["table"],
            column=data["column"],
            type=data.get("type", ""),
            comment=data.get("comment"),
            kind=data.get("kind", "value"),
            entity=data.get("entity"),
            entities=tuple(data.get("entities", ())),
            confidence=float(data.get("confidence", 0.0)),
            protection=data.get("protection"),
            grade=data.get("grade"),
            mandates=tuple(data.get("mandates", ())),
            action=data.get("action", "none"),
            evidence=Evidence(**evidence),
            previews=tuple(data.get("previews", ())),
        )


@dataclass(frozen=True)
class TableSummary:
    """A scanned table: its name, row estimate, column count and comment."""

    table: str
    rows: int | None
    columns: int
    comment: str | None = None
    sampled: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "table": self.table,
            "rows": self.rows,
            "columns": self.columns,
            "comment": self.comment,
            "sampled": self.sampled,
        }


@dataclass
class ScanReport:
    """A whole scan: what was scanned, how, and every column's verdict.

    Attributes:
        target: what was scanned (a database URL with the password hidden, a file path).
        source: ``database``, ``dump`` or ``files``.
        scheme: the grading scheme's name.
        sample: rows sampled per table (the ``--sample`` setting).
        seed: the sampling seed.
        started: when the scan started (ISO 8601, UTC).
        seconds: how long it took.
        tables: the tables (or files) scanned.
        columns: every column's verdict, clean ones included.
        read_only: whether the source was opened read-only (databases always are).
        baseline: for a scan against a baseline, what changed (see :mod:`.baseline`).
        notes: what a reader should know about how the scan saw the source (a table
            without a definition in a dump, say); names only, never values.
        unreadable: how many files of a ``files`` scan, or tables of a ``database``
            scan, could not be read (each has a note saying why); the rest were scanned.
        not_scanned: those files (paths) or tables (qualified names): a baseline's
            columns in them are not "gone", only unread this time.
    """

    target: str
    source: str
    scheme: str
    sample: int
    seed: int
    started: str
    seconds: float = 0.0
    tables: list[TableSummary] = field(default_factory=list)
    columns: list[ColumnReport] = field(default_factory=list)
    read_only: bool = True
    baseline: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    unreadable: int = 0
    not_scanned: list[str] = field(default_factory=list)

    @classmethod
    def begin(cls, target: str, source: str, *, scheme: str, sample: int, seed: int) -> ScanReport:
        """An empty report for a scan starting now; the scan settings are checked first.

        Raises:
            UsageError: *sample* below 1, or an unknown grading *scheme*.
        """
        from dataguard.scan.grading import scheme as grading_scheme

        if sample < 1:
            raise UsageError("--sample must be at least 1")
        try:
            grading = grading_scheme(scheme)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        return cls(
            target=target,
            source=source,
            scheme=grading.name,
            sample=sample,
            seed=seed,
            started=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )

    @property
    def grading(self) -> Scheme:
        """The grading scheme the report uses."""
        from dataguard.scan.grading import SCHEMES

        return SCHEMES[self.scheme]

    @property
    def personal(self) -> list[ColumnReport]:
        """The columns holding personal data, most sensitive first."""
        return [c for c in self.columns if c.personal]

    def summary(self) -> dict[str, Any]:
        """Counts by grade, entity, protection and action over the personal columns."""
        personal = self.personal
        return {
            "tables": len(self.tables),
            "columns": len(self.columns),
            "personal_columns": len(personal),
            "plaintext_columns": sum(1 for c in personal if c.protection == "plaintext"),
            "by_grade": dict(sorted(Counter(c.grade or "-" for c in personal).items())),
            "by_entity": dict(sorted(Counter(c.entity or "-" for c in personal).items())),
            "by_protection": dict(sorted(Counter(c.protection for c in personal).items())),
            "by_action": dict(sorted(Counter(c.action for c in personal).items())),
        }

    def to_dict(self, *, include_clean: bool = True) -> dict[str, Any]:
        """The JSON form (``format`` versions the schema)."""
        columns = self.columns if include_clean else self.personal
        data: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "target": self.target,
            "source": self.source,
            "read_only": self.read_only,
            "scheme": self.scheme,
            "sample": self.sample,
            "seed": self.seed,
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "summary": self.summary(),
            "tables": [t.to_dict() for t in self.tables],
            "columns": [c.to_dict() for c in columns],
        }
        if self.baseline is not None:
            data["baseline"] = self.baseline
        if self.notes:
            data["notes"] = list(self.notes)
        if self.unreadable:
            data["unreadable"] = self.unreadable
        if self.not_scanned:
            data["not_scanned"] = list(self.not_scanned)
        return data

    def to_json(self, *, include_clean: bool = True) -> str:
        """The JSON text, UTF-8 characters kept, indented for people and diffs."""
        return json.dumps(self.to_dict(include_clean=include_clean), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScanReport:
        """A report read back from its JSON form."""
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported scan report format {data.get('format')!r}")
        return cls(
            target=data["target"],
            source=data["source"],
            scheme=data["scheme"],
            sample=int(data["sample"]),
            seed=int(data["seed"]),
            started=data["started"],
            seconds=float(data.get("seconds", 0.0)),
            tables=[TableSummary(**t) for t in data.get("tables", [])],
            columns=[ColumnReport.from_dict(c) for c in data.get("columns", [])],
            read_only=bool(data.get("read_only", True)),
            notes=list(data.get("notes", [])),
            unreadable=int(data.get("unreadable", 0)),
            not_scanned=list(data.get("not_scanned", [])),
        )
