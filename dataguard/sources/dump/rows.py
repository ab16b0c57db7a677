"""The batches of table rows that :func:`~dataguard.sources.dump.read_dump` yields."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DumpRows:
    """A batch of rows of one table from an ``INSERT`` or a ``COPY`` block.

    Attributes:
        table: the table, qualified like :attr:`TableInfo.qualified_name` (``schema.table`` or
            ``table``), identifier quotes removed.
        columns: the column list the statement names, or None for the table's declaration order.
        rows: the values as text (see :mod:`dataguard.sources.dump`): ``NULL`` → None,
            numbers as their literal text, strings unescaped, hex literals decoded.
        line: the 1-based line of the dump where the statement starts.
    """

    table: str
    columns: tuple[str, ...] | None
    rows: list[tuple[str | None, ...]]
    line: int
