"""Realistic, labelled Chinese business schemas for testing database scans.

Each schema imitates a kind of system found in Chinese companies and says, for every
column, what a perfect ``dataguard scan db`` would report: the §1 entity (or entities, for
free text) and the protection state. Values come from :mod:`dataguard.testing.generators`
(standards-following, seeded), with the dirt real databases have.

Schemas (:data:`SCHEMAS`; table names are unique across them, so several fit in one
database):

* :mod:`~dataguard.testing.schemas.shop`: e-commerce (members, addresses, orders, items,
  payments, invoices, customer-service chat, login logs, access tokens, products);
* :mod:`~dataguard.testing.schemas.hr`: HR (departments, employees, a migrated extension
  table with ``c1``…``c4`` columns, payroll);
* :mod:`~dataguard.testing.schemas.admin`: a RuoYi-style admin back end (``sys_user``,
  ``sys_dept``, ``sys_oper_log``, ``sys_config``, ``sys_logininfor``);
* :mod:`~dataguard.testing.schemas.logistics`: express delivery (waybills, tracking
  events, drivers).

Use::

    from dataguard.testing.schemas import create_schema

    truth = create_schema("sqlite:///shop.db", "shop", rows=200, seed=0)
    truth["orders", "receiver_phone"]
    # ColumnTruth(entity='CN_MOBILE', protection='plaintext', in_text=False,
    #             comment='收货人电话', trap='plaintext mixed with platform-masked …')

Truth: :class:`ColumnTruth` per ``(table, column)``. ``entity`` is one name from
standards §1 (``CN_MOBILE``, ``CN_LANDLINE``, ``CN_ID_CARD``, ``BANK_CARD``,
``EMAIL_ADDRESS``, ``CN_ADDRESS``, ``CN_NAME``, ``CN_PASSPORT``, ``CN_USCC``,
``CN_LICENSE_PLATE``, ``IP_ADDRESS``, ``SECRET``), a frozenset of them for a column of free
text or JSON holding several, or None for a column without personal data (personal
attributes outside §1, such as birthdays or salaries, are None). ``protection`` is
``plaintext``, ``masked``, ``hashed`` or ``encrypted`` (None exactly when ``entity`` is);
a column is labelled by the entity it holds even when only a share of its rows do, and by
its worst state when states mix. ``in_text`` says the entity sits inside free text or a
document (chat, JSON, form-encoded text, an error message) rather than being the value.

The hashes and ciphertexts are shapes, not the output of a real key: SHA-256 hex,
32-hex legacy digests, bcrypt-shaped strings, base64 of seeded random bytes.
"""

from __future__ import annotations

from dataguard.testing.schemas import admin, hr, logistics, shop
from dataguard.testing.schemas._create import create_schema, generate_rows, metadata
from dataguard.testing.schemas._model import (
    ENTITIES,
    PROTECTIONS,
    ColumnSpec,
    ColumnTruth,
    Gen,
    Mix,
    Protection,
    RowContext,
    SchemaSpec,
    TableSpec,
)
from dataguard.testing.schemas._values import PLACEHOLDERS

__all__ = [
    "ENTITIES",
    "PLACEHOLDERS",
    "PROTECTIONS",
    "SCHEMAS",
    "ColumnSpec",
    "ColumnTruth",
    "Gen",
    "Mix",
    "Protection",
    "RowContext",
    "SchemaSpec",
    "TableSpec",
    "create_schema",
    "generate_rows",
    "get_schema",
    "ground_truth",
    "metadata",
]

#: Every schema by name.
SCHEMAS: dict[str, SchemaSpec] = {
    s.name: s for s in (shop.SCHEMA, hr.SCHEMA, admin.SCHEMA, logistics.SCHEMA)
}


def get_schema(name: str) -> SchemaSpec:
    """The schema called *name* (``shop``, ``hr``, ``admin``, ``logistics``)."""
    try:
        return SCHEMAS[name]
    except KeyError:
        raise ValueError(f"no schema {name!r}; known: {', '.join(sorted(SCHEMAS))}") from None


def ground_truth(schema: SchemaSpec | str) -> dict[tuple[str, str], ColumnTruth]:
    """``(table, column) → ColumnTruth`` for *schema*, without touching a database."""
    return (schema if isinstance(schema, SchemaSpec) else get_schema(schema)).truth()
