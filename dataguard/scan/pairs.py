"""Key-value column pairs: tables that store one field of a record per row.

An entity-attribute-value table (``t_user_attr(user_id, attr_key, attr_value)``),
WordPress's ``wp_usermeta(meta_key, meta_value)``, a settings table
(``sys_config(config_key, config_value)``) or a form's answers (``field_name,
field_value``) keep a person's name, phone, address and password in one value column, each
row's key column saying which. Read as a column, the values are a mix: the phones are found
by their shape, while names, addresses written without divisions and passwords have none
and went out as they were. Paired with its key column, each value is read as what its
key names, as a JSON object's value is read under its key.

A pair is two columns whose names say key and value with the same stem (``attr_key`` and
``attr_value``, ``meta_key`` and ``meta_value``, ``param_name`` and ``param_value``,
``key`` and ``value``), and whose sampled keys include at least one sensitive key of the
policy (``real_name``, ``password``, ``mobile``): a name-and-value table of products or
metrics is left as it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from dataguard.scan.naming import entity_of_name

__all__ = ["key_entity", "key_value_pairs"]

# The last word of a key column's name and of a value column's name; what comes before it
# (attr_, meta_, config_, param_, field_ …) is the stem two columns of a pair share.
_KEY_COLUMN = re.compile(r"(?i)^(?P<stem>.*?)[_\-.]?(?:key|name|code|field)$")
_VALUE_COLUMN = re.compile(r"(?i)^(?P<stem>.*?)[_\-.]?(?:value|val)$")
#: Keys longer than this are no field names (a key column holds identifiers).
_LONGEST_KEY = 64


def key_entity(key: str, keys: dict[str, str] | None = None) -> str | None:
    """The entity a key-value table's key names, read as a column name is
    (:func:`~dataguard.scan.naming.entity_of_name`): ``billing_phone`` → CN_MOBILE,
    ``db.password`` → SECRET. *keys*: canonical key → entity (default: the built-ins)."""
    return entity_of_name(key.strip(), keys)


def key_value_pairs(
    columns: Mapping[str, Sequence[str]], keys: dict[str, str] | None = None
) -> dict[str, str]:
    """Value column → its key column, for each pair among *columns* (name → sampled
    non-empty values, as text) whose sampled keys include a sensitive one
    (:func:`key_entity` under *keys*)."""
    key_columns: dict[str, str] = {}  # stem (folded) → key column
    value_columns: dict[str, str] = {}  # stem (folded) → value column
    for name in columns:
        key = _KEY_COLUMN.match(name)
        value = _VALUE_COLUMN.match(name)
        if key is not None:
            key_columns.setdefault(_folded(key["stem"]), name)
        elif value is not None:
            value_columns.setdefault(_folded(value["stem"]), name)
    pairs: dict[str, str] = {}
    for stem, value_column in value_columns.items():
        key_column = key_columns.get(stem)
        if key_column is None:
            continue
        sampled = [k for k in columns[key_column] if len(k) <= _LONGEST_KEY]
        if any(key_entity(k, keys) is not None for k in set(sampled)):
            pairs[value_column] = key_column
    return pairs


def _folded(stem: str) -> str:
    return re.sub(r"[_\-.\s]", "", stem).lower()
