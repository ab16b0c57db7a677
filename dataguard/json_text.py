"""JSON parsed from what dataguard reads (log lines, JSON-lines exports, tokens inside
them), with nesting too deep to parse reported as bad JSON.

``json.loads`` recurses once per level of nesting and raises :class:`RecursionError`, not
:class:`ValueError`, on a document nested deeper than the interpreter's recursion limit
(``{"a":{"a":…}}`` a thousand levels deep, which nothing stops a log line or an export
from holding). Callers that catch ``ValueError`` to read a line as text instead, or to
name a bad line, let it through as a crash: a log filter stopped with a traceback.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["TOO_DEEP", "loads", "loads_or_text"]

#: The message of the :class:`ValueError` :func:`loads` raises for too deep a document.
TOO_DEEP = "JSON nested too deeply"


def loads(text: str | bytes, **options: Any) -> Any:
    """:func:`json.loads` (*options* passed on), a too deeply nested document raised as
    :class:`ValueError` (:data:`TOO_DEEP`), as every other invalid JSON is."""
    try:
        return json.loads(text, **options)
    except RecursionError:
        raise ValueError(TOO_DEEP) from None


def loads_or_text(text: str | bytes) -> Any:
    """:func:`json.loads` of a database driver's JSON value, or, nested too deeply to
    parse, the document's text: a column is read to be masked as JSON text anyway
    (:mod:`dataguard.sources.db_columns`), and a text too deep to parse is masked as text.

    SQLAlchemy hands it to the driver as ``json_deserializer`` (psycopg parses ``json``
    and ``jsonb`` itself; SQLAlchemy parses a column declared ``JSON``).
    """
    try:
        return json.loads(text)
    except RecursionError:
        return text.decode("utf-8", "surrogateescape") if isinstance(text, bytes) else text
