"""``dataguard encrypt db``: encrypt a database column in place, resumably; ``--verify`` checks it.

The command object is :data:`encrypt_db_command`; ``dataguard encrypt`` runs it when its
first argument is ``db`` (see ``_WithSubcommands`` in :mod:`dataguard.cli.keys`).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click
from dataguard.cli.errors import EXIT_FINDINGS, exit_on_sigterm, user_errors
from dataguard.cli.keys import keystore_options, open_keyring
from dataguard.cli.trail import Trail, audited, scope_detail

from dataguard.crypto.keyring import Keyring
from dataguard.crypto.migrate import (
    DEFAULT_BATCH,
    MigrationReport,
    VerifyReport,
    encrypt_column,
    rekey_column,
    verify_column,
)
from dataguard.errors import UsageError
from dataguard.sources.database import describe_url

__all__ = ["encrypt_db_command"]

ENCRYPT_DB_HELP = """Encrypt a text column of a database table in place, batch by batch.

Every plaintext value of --column becomes a dg1: token bound to its row: the
context is table, column and the row's primary key, so decrypting needs the
row's key, and a token moved to another row does not decrypt. NULL and empty
values stay as they are; values that already are tokens are skipped.

Each batch (--batch rows, in primary-key order) is one transaction. If the run
stops (Ctrl-C, a crash, a lost connection), what was committed stays encrypted:
run the same command again to finish. A second run over an encrypted column
changes nothing. The column must be text and long enough for the tokens (the
error says which ALTER TABLE to run); dataguard never changes the schema.

With --rekey (after dataguard keys rotate SCOPE) every token not under the
scope's active key is decrypted with its row context and encrypted again under
it, in the same batches; tokens already under it are left alone (rerun to
finish), plaintext values are encrypted, a token that does not decrypt is
left as it is and its row key reported. The blind index is kept.

With --verify nothing is written: a seeded sample is decrypted with each row's
context and counted (ok, failed, not encrypted); exit status 1 if any value
fails or is still in plaintext. Values are never printed.

\b
Runbook:
  1. dataguard encrypt db URL --table members --column mobile
  2. switch the application to encrypt on write (same scope and row context)
  3. run 1 again: it encrypts the rows written in plaintext meanwhile
  4. dataguard encrypt db URL --table members --column mobile --verify
  after dataguard keys rotate members.mobile: run 1 with --rekey, then 4

\b
Examples:
  dataguard encrypt db postgresql+psycopg://app@db/shop --table members --column mobile
  dataguard encrypt db sqlite:///shop.db --table orders --column receiver_phone \\
      --blind-index receiver_phone_idx
  dataguard encrypt db mysql+pymysql://app@db/shop --table members --column id_card \\
      --verify --sample 1000

Exit status: 0 done (or verified), 1 --verify found failures or plaintext,
2 usage or database error.
"""


@click.command("db", help=ENCRYPT_DB_HELP)
@click.argument("url")
@click.option("--table", required=True, help="The table.")
@click.option("--column", required=True, help="The text column to encrypt.")
@click.option("--schema", "db_schema", help="Its schema (PostgreSQL) or database (MySQL).")
@click.option("--scope", help="The key's scope (default: TABLE.COLUMN).")
@click.option("--key-column", "key_columns", multiple=True, metavar="NAME",
              help="Identify rows by this unique key instead of the primary key "
              "(repeat for a key of several columns).")  # fmt: skip
@click.option("--batch", type=click.IntRange(min=1), default=DEFAULT_BATCH, show_default=True,
              help="Rows per transaction.")  # fmt: skip
@click.option("--deterministic", is_flag=True,
              help="Equal values in one row give equal tokens (AES-SIV / SM4-SIV).")  # fmt: skip
@click.option("--blind-index", "blind_index", metavar="COLUMN",
              help="Also write a keyed equality index of each value into COLUMN "
              "(an existing text column of at least 32 characters).")  # fmt: skip
@click.option("--rekey", is_flag=True,
              help="Re-encrypt the tokens not under the scope's active key "
              "(after a rotation).")  # fmt: skip
@click.option("--verify", is_flag=True, help="Write nothing: decrypt a sample and report.")
@click.option("--sample", type=click.IntRange(min=1), default=100, show_default=True,
              help="With --verify: rows to check.")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True, help="With --verify: seed.")
@keystore_options
@user_errors
def encrypt_db_command(
    url: str,
    table: str,
    column: str,
    db_schema: str | None,
    scope: str | None,
    key_columns: tuple[str, ...],
    batch: int,
    deterministic: bool,
    blind_index: str | None,
    rekey: bool,
    verify: bool,
    sample: int,
    seed: int,
    keystore: Path | None,
    passphrase_fd: int | None,
) -> None:
    if rekey and verify:
        raise UsageError("--rekey writes and --verify only reads: run them one after the other")
    event = "encrypt.db.verify" if verify else "encrypt.db.rekey" if rekey else "encrypt.db"
    with audited(event, role="operator") as trail:
        keyring = trail.attach(open_keyring(keystore, passphrase_fd))
        trail.details.update(database=describe_url(url), table=table, column=column)
        if db_schema:
            trail.details["schema"] = db_schema
        if verify:
            report = verify_column(
                url,
                table,
                column,
                keyring,
                schema=db_schema,
                key_columns=key_columns or None,
                sample=sample,
                seed=seed,
            )
            # Counts only: the keys of failing rows (report.failed_rows) may be personal data.
            trail.details.update(
                rows=report.rows,
                sampled=report.sampled,
                ok=report.ok,
                failed=report.failed,
                not_encrypted=report.not_encrypted,
                empty=report.empty,
            )
            _verify_summary(report)
            if not report.passed:
                raise SystemExit(EXIT_FINDINGS)
            return
        trail.details["scope"] = scope_detail(keyring, scope or f"{table}.{column}")
        exit_on_sigterm()
        progress = _Progress()
        try:
            migrated = (rekey_column if rekey else encrypt_column)(
                url,
                table,
                column,
                keyring,
                schema=db_schema,
                scope=scope,
                key_columns=key_columns or None,
                batch=batch,
                deterministic=deterministic,
                blind_index_column=blind_index,
                on_rows=progress,
                on_total=progress.start,
            )
        except (KeyboardInterrupt, SystemExit) as exc:
            progress.close()
            if isinstance(exc, SystemExit) and exc.code in (0, None):
                raise
            click.echo(
                f"error: interrupted after {progress.rows:,} value(s) in {progress.batches:,} "
                "committed batch(es), which stay encrypted; run the same command again to "
                "finish",
                err=True,
            )
            trail.details.update(
                committed=progress.rows, batches=progress.batches, error=type(exc).__name__
            )
            raise SystemExit(130 if isinstance(exc, KeyboardInterrupt) else exc.code) from None
        finally:
            progress.close()
        _record(trail, keyring, migrated)
    if rekey:
        _rekey_summary(migrated)
    else:
        _summary(migrated)
    if migrated.changed:
        click.echo(
            f"check it: dataguard encrypt db {describe_url(url)} --table {table} "
            f"--column {column} --verify",
            err=True,
        )


def _record(trail: Trail, keyring: Keyring, report: MigrationReport) -> None:
    """The run's counts in its audit entry; never values nor row keys (they may be personal)."""
    trail.details.update(
        scope=scope_detail(keyring, report.scope),
        rows=report.rows,
        encrypted=report.encrypted,
        rekeyed=report.rekeyed,
        indexed=report.indexed,
        already_encrypted=report.already_encrypted,
        empty=report.empty,
        undecryptable=report.undecryptable,
        batches=report.batches,
    )


class _Progress:
    """Rows, rows/s and ETA on stderr when it is a terminal; nothing in pipes."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.rows = 0
        self.batches = 0
        self.started = time.monotonic()
        self.bar: Any = None

    def start(self, report: MigrationReport) -> None:
        if not self.enabled or not report.pending:
            return
        self.started = time.monotonic()
        self.bar = click.progressbar(
            length=report.pending,
            label=f"encrypting {report.table}.{report.column}",
            file=sys.stderr,
            show_eta=True,
            show_pos=True,
            item_show_func=self._show,
        )
        self.bar.__enter__()

    def _show(self, _: object) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        return f"{self.rows / elapsed:,.0f} rows/s"

    def __call__(self, rows: int) -> None:
        self.rows += rows
        self.batches += 1
        if self.bar is not None:
            self.bar.update(rows)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _summary(report: MigrationReport) -> None:
    """A few lines on stderr: what was encrypted, what was left, how fast. Never values."""
    name = f"{report.table}.{report.column}"
    left = f"{report.empty:,} NULL or empty left as they are"
    if report.changed == 0:
        click.echo(
            f"nothing to do: {name} has no plaintext value left "
            f"({report.already_encrypted:,} encrypted, {left})",
            err=True,
        )
    else:
        rate = f"{report.rows_per_second:,.0f} rows/s"
        click.echo(
            f"encrypted {report.encrypted:,} value(s) of {name} under scope {report.scope} "
            f"in {report.batches:,} batch(es), {report.seconds:.1f} s ({rate}); "
            f"{report.already_encrypted:,} were already encrypted, {left}",
            err=True,
        )
        if report.blind_index_column:
            click.echo(
                f"blind index written to {report.blind_index_column} for "
                f"{report.changed:,} row(s) ({report.indexed:,} of them already encrypted)",
                err=True,
            )
    if report.undecryptable:
        click.echo(
            f"warning: {report.undecryptable:,} token(s) do not decrypt under their row's "
            "context; their blind index was left empty (see --verify)",
            err=True,
        )


def _rekey_summary(report: MigrationReport) -> None:
    """What a rekey changed and left, on stderr; row keys of failing tokens, never values."""
    name = f"{report.table}.{report.column}"
    click.echo(
        f"re-encrypted {report.rekeyed:,} token(s) of {name} under the active key of scope "
        f"{report.scope} in {report.batches:,} batch(es), {report.seconds:.1f} s; "
        f"{report.current:,} already under it, {report.encrypted:,} plaintext value(s) "
        f"encrypted, {report.empty:,} NULL or empty left as they are",
        err=True,
    )
    if report.undecryptable:
        more = " …" if report.undecryptable > len(report.failed_rows) else ""
        click.echo(
            f"warning: {report.undecryptable:,} token(s) do not decrypt under their row's "
            f"context and were left as they are; rows (by key): "
            f"{', '.join(report.failed_rows)}{more}",
            err=True,
        )


def _verify_summary(report: VerifyReport) -> None:
    """The verification's counts on stdout; the keys of failing rows, never values."""
    name = f"{report.table}.{report.column}"
    click.echo(
        f"verified {name}: {report.sampled:,} of {report.rows:,} row(s) sampled: "
        f"{report.ok:,} ok, {report.failed:,} failed, {report.not_encrypted:,} not encrypted, "
        f"{report.empty:,} NULL or empty"
    )
    if report.failed_rows:
        more = " …" if report.failed > len(report.failed_rows) else ""
        click.echo(
            f"rows whose token does not decrypt (by key): {', '.join(report.failed_rows)}{more}"
        )
    if report.not_encrypted:
        click.echo("plaintext values remain: run the migration again to encrypt them", err=True)
