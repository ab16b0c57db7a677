"""The data model of a labelled test schema: columns, tables, schemas and their truth."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.types import TypeEngine

__all__ = [
    "ENTITIES",
    "PROTECTIONS",
    "ColumnSpec",
    "ColumnTruth",
    "Gen",
    "Mix",
    "Protection",
    "RowContext",
    "SchemaSpec",
    "TableSpec",
]

# ref. /work/shared/standards.md §1: the entities dataguard recognises.
ENTITIES: frozenset[str] = frozenset(
    {
        "CN_MOBILE",
        "CN_LANDLINE",
        "CN_ID_CARD",
        "BANK_CARD",
        "EMAIL_ADDRESS",
        "CN_ADDRESS",
        "CN_NAME",
        "CN_PASSPORT",
        "CN_USCC",
        "CN_LICENSE_PLATE",
        "IP_ADDRESS",
        "SECRET",
    }
)

Protection = Literal["plaintext", "masked", "hashed", "encrypted"]
PROTECTIONS: tuple[Protection, ...] = ("plaintext", "masked", "hashed", "encrypted")


@dataclass
class RowContext:
    """What a value generator sees while one row is built.

    Attributes:
        rng: the table's seeded random source (one per table, so tables are independent).
        index: the 0-based row number.
        counts: the number of rows of every table of the schema (for foreign keys).
        values: the values of the columns already built in this row, by column name.
    """

    rng: random.Random
    index: int
    counts: Mapping[str, int]
    values: dict[str, Any] = field(default_factory=dict)

    def ref(self, table: str) -> int:
        """A random existing ``id`` of *table* (ids run 1…count)."""
        return self.rng.randint(1, max(1, self.counts[table]))


#: A value generator: a row context in, one column value out (``None`` is SQL NULL).
Gen = Callable[[RowContext], Any]


@dataclass(frozen=True)
class Mix:
    """A weighted choice between labelled generators (``None`` as a generator means NULL).

    Labels say what a part is, so a test can ask how much of a column should validate:
    ``"valid"`` is a genuine value of the column's entity in the column's protection form;
    other labels name the dirt (``"bad_check"``, ``"placeholder"``, ``"blank"``, ``"null"``…).
    """

    parts: tuple[tuple[str, float, Gen | None], ...]
    _cumulative: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.parts or any(w < 0 for _, w, _ in self.parts):
            raise ValueError("a Mix needs parts with non-negative weights")
        object.__setattr__(
            self, "_cumulative", tuple(itertools.accumulate(w for _, w, _ in self.parts))
        )

    def __call__(self, ctx: RowContext) -> Any:
        pick = ctx.rng.random() * self._cumulative[-1]
        gen = self.parts[bisect.bisect_right(self._cumulative, pick)][2]
        return None if gen is None else gen(ctx)

    def share(self, *labels: str) -> float:
        """The expected fraction of values drawn from the parts named *labels*."""
        return sum(w for label, w, _ in self.parts if label in labels) / self._cumulative[-1]


@dataclass(frozen=True)
class ColumnTruth:
    """What a perfect scan reports for one column.

    Attributes:
        entity: the §1 entity the column holds; a frozenset when free text holds several;
            None when the column holds no personal data.
        protection: ``plaintext`` / ``masked`` / ``hashed`` / ``encrypted``; None exactly
            when *entity* is None. A column mixing states is labelled by its worst
            (plaintext beats masked).
        in_text: True when the entity occurs inside free text or a document (chat, JSON,
            form-encoded or XML text, an error message), False when it is the whole value.
        comment: the column comment (the only name evidence for some columns).
        trap: why the column is hard to classify, or None.
    """

    entity: str | frozenset[str] | None
    protection: Protection | None
    in_text: bool = False
    comment: str | None = None
    trap: str | None = None

    @property
    def entities(self) -> frozenset[str]:
        """The entity or entities as a set (empty for a clean column)."""
        if self.entity is None:
            return frozenset()
        if isinstance(self.entity, str):
            return frozenset({self.entity})
        return self.entity


@dataclass(frozen=True)
class ColumnSpec:
    """One column: its SQL type, comment, how its values are made, and its ground truth.

    *type* is an SQLAlchemy type; per-dialect differences live in the type itself
    (``with_variant``, :mod:`._types`). *generator* is a :data:`Gen`; a :class:`Mix` lets
    tests read the intended share of valid values with :meth:`share`.
    """

    name: str
    type: TypeEngine[Any]
    comment: str | None
    generator: Gen
    entity: str | frozenset[str] | None = None
    protection: Protection | None = None
    nullable: bool = True
    in_text: bool = False
    trap: str | None = None

    def __post_init__(self) -> None:
        names = {self.entity} if isinstance(self.entity, str) else set(self.entity or ())
        if unknown := names - ENTITIES:
            raise ValueError(f"{self.name}: unknown entities {sorted(unknown)}")
        if isinstance(self.entity, frozenset) and not self.entity:
            raise ValueError(f"{self.name}: use None, not an empty set, for a clean column")
        if (self.entity is None) != (self.protection is None):
            raise ValueError(f"{self.name}: protection is given exactly when entity is")
        if self.protection is not None and self.protection not in PROTECTIONS:
            raise ValueError(f"{self.name}: unknown protection {self.protection!r}")
        if self.in_text and self.entity is None:
            raise ValueError(f"{self.name}: in_text needs an entity")

    @property
    def truth(self) -> ColumnTruth:
        return ColumnTruth(self.entity, self.protection, self.in_text, self.comment, self.trap)

    def share(self, *labels: str) -> float:
        """The intended fraction of rows drawn from *labels*: the generator's own ``share``
        (:class:`Mix`) when it has one, else a plain generator is all ``"valid"``."""
        share = getattr(self.generator, "share", None)
        if share is not None:
            return float(share(*labels))
        return 1.0 if "valid" in labels else 0.0


@dataclass(frozen=True)
class TableSpec:
    """One table. Rows: ``fixed_rows`` when given, else ``round(rows * scale)`` (at least 1),
    where *rows* is what :func:`~dataguard.testing.schemas.create_schema` is asked for."""

    name: str
    comment: str | None
    columns: tuple[ColumnSpec, ...]
    primary_key: tuple[str, ...] = ("id",)
    scale: float = 1.0
    fixed_rows: int | None = None

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: duplicate column names")
        if missing := set(self.primary_key) - set(names):
            raise ValueError(f"{self.name}: primary key columns {sorted(missing)} not declared")

    def column(self, name: str) -> ColumnSpec:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name}.{name}")

    def row_count(self, rows: int) -> int:
        if self.fixed_rows is not None:
            return self.fixed_rows
        return max(1, round(rows * self.scale))


@dataclass(frozen=True)
class SchemaSpec:
    """A named set of tables imitating one kind of business system."""

    name: str
    description: str
    tables: tuple[TableSpec, ...]

    def __post_init__(self) -> None:
        names = [t.name for t in self.tables]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: duplicate table names")

    def table(self, name: str) -> TableSpec:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"{self.name}.{name}")

    def truth(self) -> dict[tuple[str, str], ColumnTruth]:
        """``(table, column) → ColumnTruth`` for every column."""
        return {(t.name, c.name): c.truth for t in self.tables for c in t.columns}

    def row_counts(self, rows: int) -> dict[str, int]:
        """``table → number of rows`` when *rows* rows are asked for."""
        return {t.name: t.row_count(rows) for t in self.tables}
