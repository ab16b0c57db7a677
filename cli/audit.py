"""``dataguard audit`` (verify, show, prune): the tamper-evident audit log."""

from __future__ import annotations

import collections
import sys
from datetime import timedelta
from pathlib import Path

import click
from dataguard.cli.errors import EXIT_FINDINGS, EXIT_OK, user_errors
from dataguard.cli.keys import keystore_options, open_keyring
from dataguard.cli.trail import audited, current_actor

from dataguard.audit import (
    DEFAULT_MINIMUM_RETENTION,
    audit_key,
    default_audit_log_path,
    prune,
    verify,
)
from dataguard.errors import UsageError

__all__ = ["audit_group"]

AUDIT_HELP = """Check and read the tamper-evident audit log.

Each entry is one JSON line, chained to the previous one by SHA-256 (SM3
under the gm suite) and authenticated with the audit key, which is kept
in the keystore under the scope `audit`. Entries hold no personal data.

\b
Examples:
  dataguard audit verify                    # exit 0 intact, 1 problems found
  dataguard audit verify --log /var/log/dataguard/audit.jsonl
  dataguard audit show --tail 20
  dataguard audit prune --older-than 365    # drop entries older than a year

Commands that open the keystore (keys, encrypt, decrypt, scan --audit) write
entries: actor ($DATAGUARD_ACTOR, else the login name), role, time, outcome.

The log path: --log, else $DATAGUARD_AUDIT_LOG, else
~/.local/share/dataguard/audit.jsonl. See docs/audit.md.
"""

_LOG_OPTION = click.option(
    "--log",
    "log",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The audit log (default: $DATAGUARD_AUDIT_LOG or ~/.local/share/dataguard/).",
)


def _log_path(log: Path | None) -> Path:
    path = log or default_audit_log_path()
    if not path.exists():
        raise UsageError(f"no audit log at {path}; pass --log or set DATAGUARD_AUDIT_LOG")
    return path


@click.group("audit", help=AUDIT_HELP)
def audit_group() -> None:
    """The ``dataguard audit`` command group."""


@audit_group.command("verify")
@_LOG_OPTION
@keystore_options
@user_errors
def audit_verify_command(
    log: Path | None, keystore: Path | None, passphrase_fd: int | None
) -> None:
    """Check every entry's hash, MAC, sequence and link; list problems on stderr.

    Exit status: 0 the log is intact, 1 problems found (each with its line
    number), 2 usage error (no log, no keystore, wrong passphrase).
    """
    path = _log_path(log)
    keyring = open_keyring(keystore, passphrase_fd)
    result = verify(path, audit_key(keyring), suite=keyring.suite.name)
    for problem in result.problems:
        click.echo(f"{path}: {problem}", err=True)
    state = "ok" if result.ok else f"{len(result.problems)} problems"
    click.echo(f"{path}: {state}, {result.entries} entries, head {result.head}")
    sys.exit(EXIT_OK if result.ok else EXIT_FINDINGS)


@audit_group.command("show")
@_LOG_OPTION
@click.option("--tail", type=click.IntRange(min=1), metavar="N", help="Only the last N entries.")
@user_errors
def audit_show_command(log: Path | None, tail: int | None) -> None:
    """Print the entries as JSON lines (they hold no personal data); does not verify."""
    path = _log_path(log)
    with open(path, encoding="utf-8", errors="replace") as handle:
        lines = collections.deque(handle, maxlen=tail) if tail else handle.readlines()
    for line in lines:
        click.echo(line.rstrip("\n"))


@audit_group.command("prune")
@click.option("--older-than", "days", type=click.IntRange(min=0), required=True, metavar="DAYS",
              help=f"Drop the entries older than DAYS days (at least "
              f"{DEFAULT_MINIMUM_RETENTION.days}).")  # fmt: skip
@_LOG_OPTION
@keystore_options
@user_errors
def audit_prune_command(
    days: int, log: Path | None, keystore: Path | None, passphrase_fd: int | None
) -> None:
    """Drop the entries older than DAYS days, keeping the log verifiable.

    Refuses a DAYS under the minimum retention (183 days: DB23 and Ele.me keep
    logs at least six months) and a log that does not verify. The dropped entries
    are replaced by one signed checkpoint; the prune itself is recorded as an
    `audit.prune` entry (refusals too), role auditor.
    """
    path = _log_path(log)
    with audited("audit.prune", role="auditor", log=path) as trail:
        keyring = trail.attach(open_keyring(keystore, passphrase_fd))
        trail.details["older_than_days"] = days
        pruned = prune(
            path,
            audit_key(keyring),
            older_than=timedelta(days=days),
            suite=keyring.suite.name,
            actor=current_actor(),
            role="auditor",
        )
        trail.details["pruned"] = pruned
    click.echo(f"{path}: {pruned} entries older than {days} days pruned")
