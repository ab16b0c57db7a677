"""``dataguard identity`` (create, list, export): people and their roles, with signing keys."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from dataguard.cli.errors import user_errors
from dataguard.cli.keys import keystore_options, open_keyring
from dataguard.cli.options import OutputFile
from dataguard.cli.trail import audited

from dataguard.crypto.keyring import Keyring
from dataguard.errors import UsageError
from dataguard.identity import ROLES, create_identity, find_identity, identities

__all__ = ["IDENTITY_ENV", "Acting", "acting_options", "identity_group", "open_identity"]

#: The keystore holding the acting person's identity, when not the team keystore.
IDENTITY_ENV = "DATAGUARD_IDENTITY_KEYSTORE"
#: The passphrase of that keystore.
IDENTITY_PASSPHRASE_ENV = "DATAGUARD_IDENTITY_PASSPHRASE"  # noqa: S105 - a variable name

IDENTITY_HELP = """People and their roles, each with an Ed25519 signing key.

The roles: operator (plans and runs destruction), approver (approves
plans), auditor (verifies, issues certificates) and admin (keys and
identities). One name holds one role; an operator cannot approve.

The private key is derived from a DEK of the keystore (scope
identity.<role>.<name>), so it is protected by the keystore's KEK.
Keep your identity in a keystore of your own: whoever can open a
keystore can sign as the identities in it.

\b
Examples:
  dataguard identity create olga --role operator --keystore ~/olga.json
  dataguard identity create arun --role approver --keystore ~/arun.json
  dataguard identity list --keystore ~/olga.json
  dataguard identity export --keystore ~/olga.json -o olga.pub.json

A roster (for `destroy check --roster`) is a JSON list of exported
identities. See docs/destruction.md.
"""


@dataclass(frozen=True)
class Acting:
    """Who acts: the team keystore (and its passphrase fd) and the identity to sign as."""

    keystore: Path | None
    passphrase_fd: int | None
    as_name: str | None
    identity_keystore: Path | None
    identity_passphrase_fd: int | None


def acting_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The team keystore's and the identity's options, given to *func* as ``acting=Acting``."""

    @functools.wraps(func)
    def wrapper(
        *args: Any,
        keystore: Path | None,
        passphrase_fd: int | None,
        as_name: str | None,
        identity_keystore: Path | None,
        identity_passphrase_fd: int | None,
        **kwargs: Any,
    ) -> Any:
        acting = Acting(keystore, passphrase_fd, as_name, identity_keystore, identity_passphrase_fd)
        return func(*args, acting=acting, **kwargs)

    return keystore_options(_identity_options(wrapper))


def _identity_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--as``, ``--identity-keystore`` and ``--identity-passphrase-fd`` for signing commands."""
    func = click.option(
        "--identity-passphrase-fd",
        type=int,
        metavar="N",
        help=f"The identity keystore's passphrase on fd N (else ${IDENTITY_PASSPHRASE_ENV}).",
    )(func)
    func = click.option(
        "--identity-keystore",
        type=click.Path(dir_okay=False, path_type=Path),
        help=f"The keystore holding your identity (else ${IDENTITY_ENV}, else --keystore).",
    )(func)
    return click.option(
        "--as",
        "as_name",
        metavar="NAME",
        help="The identity to act as (default: the only one in the identity keystore).",
    )(func)


def open_identity(team: Keyring, acting: Acting) -> Keyring:
    """The keyring holding the acting identity: its identity keystore, else the team's."""
    identity_keystore = acting.identity_keystore
    path = identity_keystore or (
        Path(os.environ[IDENTITY_ENV]) if os.environ.get(IDENTITY_ENV) else None
    )
    if path is None or path.resolve() == team.keystore.path.resolve():
        return team
    if not path.exists():
        raise UsageError(f"no identity keystore at {path}")
    from dataguard.crypto.hazmat.kek import PassphraseSource

    if acting.identity_passphrase_fd is not None:
        source: PassphraseSource | None = PassphraseSource.from_fd(acting.identity_passphrase_fd)
    elif os.environ.get(IDENTITY_PASSPHRASE_ENV):
        source = PassphraseSource.from_env(IDENTITY_PASSPHRASE_ENV)
    elif sys.stdin.isatty():
        source = PassphraseSource.from_prompt("Identity keystore passphrase: ")
    else:
        source = None  # a KMS keystore needs none; a file keystore will say how to give one
    return Keyring.open(path, source)


@click.group("identity", help=IDENTITY_HELP)
def identity_group() -> None:
    """The ``dataguard identity`` command group."""


@identity_group.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="The identity's one role.")
@keystore_options
@user_errors
def identity_create_command(
    name: str, role: str, keystore: Path | None, passphrase_fd: int | None
) -> None:
    """Make identity NAME with --role in the keystore; print its public half as JSON.

    The keystore must exist (`dataguard keys init`). NAME is an account name
    (letters, digits, _ and -), not personal data.
    """
    with audited("identity.create", role="admin") as trail:
        keyring = trail.attach(open_keyring(keystore, passphrase_fd))
        trail.details.update(name=name, identity_role=role)
        identity = create_identity(keyring, name, role)
        trail.details["fingerprint"] = identity.fingerprint
    click.echo(json.dumps(identity.public.to_dict(), indent=2))


@identity_group.command("list")
@keystore_options
@user_errors
def identity_list_command(keystore: Path | None, passphrase_fd: int | None) -> None:
    """List the keystore's identities: name, role and key fingerprint."""
    keyring = open_keyring(keystore, passphrase_fd)
    found = identities(keyring)
    if not found:
        click.echo("no identities; make one with `dataguard identity create NAME --role ROLE`")
    for public in found:
        click.echo(f"{public.name:<20} {public.role:<9} {public.fingerprint}")


@identity_group.command("export")
@click.argument("name", required=False)
@click.option(
    "-o",
    "--output",
    type=OutputFile(),
    help="Write the JSON here (default: stdout).",
)
@keystore_options
@user_errors
def identity_export_command(
    name: str | None, output: Path | None, keystore: Path | None, passphrase_fd: int | None
) -> None:
    """Print the public halves (a roster: a JSON list) of NAME, or of every identity."""
    keyring = open_keyring(keystore, passphrase_fd)
    found = [find_identity(keyring, name).public] if name else identities(keyring)
    text = json.dumps([p.to_dict() for p in found], indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(found)} identities to {output}", err=True)
    else:
        click.echo(text, nl=False)
