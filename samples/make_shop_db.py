"""Write samples/shop.db: a synthetic e-commerce database for ``dataguard scan db``.

The tables, columns, comments and the ground truth of what each column holds come from
:mod:`dataguard.testing.schemas.shop` (members, addresses, orders, payments, invoices,
customer-service chat, login logs, access tokens, products); every value comes from the
standards-following generators in :mod:`dataguard.testing.generators`, so nothing here is
a real person's data. Deterministic: the same ``--rows`` gives the same rows. Run from the
repository root::

    python samples/make_shop_db.py [--out samples/shop.db] [--rows 400]

The file is written next to its destination and renamed over it, so a reader never sees
a half-written database.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
from pathlib import Path

from dataguard.testing.schemas import create_schema

OUT = Path(__file__).resolve().parent / "shop.db"
ROWS = 400  # members; the other tables scale from it (order_items: 2400, login_logs: 2000)
SEED = 20261125


def write(out: Path, rows: int = ROWS, seed: int = SEED) -> None:
    """Create the shop database at *out* atomically (a temp file renamed over *out*)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.chmod(0o644)  # mkstemp makes it private; the sample is meant to be read by anyone
    try:
        create_schema(f"sqlite:///{tmp}", "shop", rows=rows, seed=seed)
        connection = sqlite3.connect(tmp)
        try:
            connection.execute("VACUUM")  # compact: no free pages left by the bulk load
        finally:
            connection.close()
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"output file (default {OUT})")
    parser.add_argument("--rows", type=int, default=ROWS, help=f"members (default {ROWS})")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    write(args.out, args.rows)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
