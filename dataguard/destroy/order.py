"""The order a plan destroys its [[rows]] targets in, and what other tables say of them.

A row that another table's foreign key points at cannot be deleted while the row pointing at
it exists (MySQL/MariaDB error 1451, PostgreSQL SQLSTATE 23503, SQLite with
``PRAGMA foreign_keys``). When both tables are targets of one plan in one database, the
referencing table's rows are destroyed first, whatever order destroy.toml lists them in
(``customer`` listed before ``orders``, whose ``customer_id`` references it, failed the
run at its first batch, and again at every resume). Targets in a cycle of references, or
referencing their own table, keep destroy.toml's order among themselves.

A table that is no target but references a target is a note of the plan, for its approver:
with ``ON DELETE CASCADE`` its rows go with the target's, uncounted by the plan; with
``SET NULL`` they lose the reference; otherwise a referenced row cannot be deleted and the
run stops there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dataguard.destroy.config import RowsTarget
from dataguard.sources.database import read_only_engine

__all__ = ["ForeignKeys", "foreign_keys"]

Table = tuple[str | None, str]


@dataclass(frozen=True)
class _Reference:
    child: Table
    columns: tuple[str, ...]
    parent: Table
    on_delete: str | None


@dataclass(frozen=True)
class ForeignKeys:
    """The targets in deletion order, and the notes on each (by target id)."""

    order: list[RowsTarget]
    notes: dict[str, list[str]]


def _reflect(database: str, schemas: set[str | None]) -> list[_Reference]:
    """The foreign keys of every table in *schemas* of *database*."""
    import sqlalchemy as sa

    references = []
    engine = read_only_engine(database)
    try:
        inspector = sa.inspect(engine)
        for schema in schemas:
            for (_, table), keys in inspector.get_multi_foreign_keys(schema=schema).items():
                for key in keys:
                    on_delete = (key.get("options") or {}).get("ondelete")
                    if on_delete is None and engine.dialect.name == "sqlite":
                        on_delete = _sqlite_on_delete(engine, table, key["constrained_columns"])
                    references.append(
                        _Reference(
                            (schema, table),
                            tuple(key["constrained_columns"]),
                            (key.get("referred_schema") or schema, key["referred_table"]),
                            on_delete,
                        )
                    )
    finally:
        engine.dispose()
    return references


def _sqlite_on_delete(engine: Any, table: str, columns: Sequence[str]) -> str | None:
    """The ON DELETE action of *table*'s foreign key over *columns*, from SQLite's own
    pragma: SQLAlchemy reads it from a table constraint (``FOREIGN KEY (c) REFERENCES …
    ON DELETE CASCADE``) but not from a column's (``c INTEGER REFERENCES … ON DELETE
    CASCADE``)."""
    import sqlalchemy as sa

    quoted = table.replace('"', '""')
    with engine.connect() as connection:
        rows = connection.execute(sa.text(f'PRAGMA foreign_key_list("{quoted}")')).all()
    # (id, seq, table, from, to, on_update, on_delete, match), one row per column.
    by_key: dict[int, list[Any]] = {}
    for row in rows:
        by_key.setdefault(row[0], []).append(row)
    for parts in by_key.values():
        if [p[3] for p in sorted(parts, key=lambda p: p[1])] == list(columns):
            action = parts[0][6]
            return None if action in (None, "NO ACTION") else str(action)
    return None


def _outside_note(reference: _Reference) -> str:
    schema, table = reference.child
    where = f"{schema + '.' if schema else ''}{table}.{', '.join(reference.columns)}"
    action = (reference.on_delete or "").upper()
    if action == "CASCADE":
        return (
            f"{where} references these rows (ON DELETE CASCADE): its rows go with them, "
            "and the plan does not count them"
        )
    if action in ("SET NULL", "SET DEFAULT"):
        return f"{where} references these rows (ON DELETE {action}): its rows lose the reference"
    return (
        f"{where} references these rows and is no target: a row it still references cannot "
        "be deleted, and the run stops there (make it a target, or keep these rows)"
    )


def foreign_keys(targets: Sequence[RowsTarget]) -> ForeignKeys:
    """*targets* ordered so that a target whose table references another's comes before
    it (otherwise in the order given), and each target's notes (module docstring)."""
    by_database: dict[str, list[int]] = {}
    for index, target in enumerate(targets):
        by_database.setdefault(target.database, []).append(index)
    before: dict[int, set[int]] = {i: set() for i in range(len(targets))}
    notes: dict[str, list[str]] = {t.target_id: [] for t in targets}
    for database, indexes in by_database.items():
        tables = {(targets[i].schema, targets[i].table): i for i in indexes}
        for reference in _reflect(database, {targets[i].schema for i in indexes}):
            parent = tables.get(reference.parent)
            if parent is None:
                continue
            child = tables.get(reference.child)
            if child is None:
                notes[targets[parent].target_id].append(_outside_note(reference))
            elif child != parent:
                before[parent].add(child)  # the child's rows go first
    placed: list[int] = []
    left = list(range(len(targets)))
    while left:
        waiting = set(left)
        ready = [j for j in left if not (before[j] & waiting)]
        chosen = ready[0] if ready else left[0]  # a cycle: destroy.toml's order
        placed.append(chosen)
        left.remove(chosen)
    return ForeignKeys([targets[i] for i in placed], notes)
