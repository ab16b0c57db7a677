"""What the database benchmarks share: a dg_bench_* database, its admin engine, its marker.

A benchmark database's name starts with ``dg_bench``; anything else is refused, so a
benchmark can never drop or fill a real database. It is created and dropped through an
AUTOCOMMIT connection to :data:`ADMIN_DB`. Its marker table :data:`META_TABLE` holds one
JSON row describing what was loaded (rows, seed), so a later run reuses the data.
"""

from __future__ import annotations

import json
import sys
from typing import Any

__all__ = ["ADMIN_DB", "META_TABLE", "admin_engine", "database_name", "log", "read_meta"]

ADMIN_DB = "test"
META_TABLE = "dg_bench_meta"


def log(message: str) -> None:
    """A progress line on stderr (stdout is for results)."""
    print(message, file=sys.stderr, flush=True)


def database_name(url: str) -> str:
    """The benchmark database's name in *url*; exits unless it starts with ``dg_bench``."""
    import sqlalchemy as sa

    name = sa.engine.make_url(url).database or ""
    if not name.startswith("dg_bench"):
        raise SystemExit(
            f"refusing to use database {name!r}: a benchmark database's name starts with dg_bench"
        )
    return name


def admin_engine(url: str) -> Any:
    """An AUTOCOMMIT engine on :data:`ADMIN_DB` of *url*'s server (CREATE / DROP DATABASE)."""
    import sqlalchemy as sa

    admin_url = sa.engine.make_url(url).set(database=ADMIN_DB)
    return sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")


def read_meta(engine: Any) -> dict[str, Any] | None:
    """The marker's JSON, or None when the database holds none (or cannot be read)."""
    import sqlalchemy as sa

    try:
        with engine.connect() as connection:
            row = connection.execute(sa.text(f"SELECT meta FROM {META_TABLE}")).scalar()
    except sa.exc.SQLAlchemyError:
        return None
    return json.loads(row) if row else None
