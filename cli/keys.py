"""``dataguard keys`` (init, list, rotate, destroy) and ``dataguard encrypt`` / ``decrypt``."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import click
from dataguard.cli.errors import user_errors
from dataguard.cli.trail import audited, scope_detail, target_detail

from dataguard.audit import AUDIT_SCOPE
from dataguard.crypto.hazmat.kek import ENV_VAR, PassphraseSource
from dataguard.crypto.keyring import Keyring, default_keystore_path
from dataguard.crypto.keystore import Keystore
from dataguard.destroy.documents import DESTROY_SCOPE
from dataguard.errors import UsageError

__all__ = [
    "KeyringOnDemand",
    "decrypt_command",
    "encrypt_command",
    "keys_group",
    "keystore_options",
    "open_keyring",
]

KEYS_HELP = f"""Manage the keystore: data-encryption keys wrapped by a key-encryption key.

The keystore file never holds a plaintext key: each data key (DEK) is wrapped
by a KEK derived from a passphrase (scrypt or Argon2id) or held by a KMS. The
passphrase comes from --passphrase-fd N, from ${ENV_VAR}, or from a prompt;
never from an argument or a plain file. Keep the keystore apart from the data.

\b
Examples:
  dataguard keys init                                 # ~/.config/dataguard/keystore.json
  dataguard keys init --suite gm --keystore keys.json # SM4-GCM / HMAC-SM3
  dataguard keys list
  dataguard keys rotate orders.receiver_phone         # a new DEK version
  dataguard keys rotate --kek --new-passphrase-fd 4   # re-wrap every DEK
  dataguard keys rotate --kek --to aws-kms://alias/dataguard   # move the KEK to KMS
  dataguard keys destroy subject:10086 --yes          # crypto-shredding

Every command but a failed opening (no keystore, wrong passphrase) writes an
entry to the audit log (`dataguard audit show`), role admin (list: auditor).

The keystore path: --keystore, else $DATAGUARD_KEYSTORE, else
~/.config/dataguard/keystore.json. See docs/keys.md.
"""


def keystore_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--keystore`` and ``--passphrase-fd``, for every command that may open the keyring."""
    func = click.option(
        "--passphrase-fd",
        type=int,
        metavar="N",
        help=f"Read the passphrase from file descriptor N (else ${ENV_VAR}, else a prompt).",
    )(func)
    return click.option(
        "--keystore",
        type=click.Path(dir_okay=False, path_type=Path),
        help="The keystore file (default: $DATAGUARD_KEYSTORE or ~/.config/dataguard/).",
    )(func)


def _passphrase(fd: int | None, *, new: bool = False, env: str = ENV_VAR) -> PassphraseSource:
    """Where the passphrase comes from: the fd, the environment, or a prompt on a terminal."""
    if fd is not None:
        return PassphraseSource.from_fd(fd)
    if os.environ.get(env):
        return PassphraseSource.from_env(env)
    if sys.stdin.isatty():
        # A new passphrase is asked twice by the keystore when it derives the KEK.
        return PassphraseSource.from_prompt(
            "New keystore passphrase: " if new else "Keystore passphrase: "
        )
    raise UsageError(
        f"no keystore passphrase: pass --passphrase-fd N or set {env} "
        "(or run in a terminal to be asked)"
    )


def _path(keystore: Path | None) -> Path:
    return keystore or default_keystore_path()


def open_keyring(keystore: Path | None, passphrase_fd: int | None) -> Keyring:
    """The keyring of the keystore at *keystore* (or the default path), or a what-to-do error."""
    path = _path(keystore)
    if not path.exists():
        raise UsageError(f"no keystore at {path}; run `dataguard keys init` first")
    # A KMS keystore needs no passphrase; a file: one, given none, says how to give it.
    unattended = passphrase_fd is None and not os.environ.get(ENV_VAR) and not sys.stdin.isatty()
    return Keyring.open(path, None if unattended else _passphrase(passphrase_fd))


class KeyringOnDemand(Mapping[str, Any]):
    """Operator extras whose ``"keyring"`` opens the keystore on first use.

    Commands that mask (``mask``, ``filter``, ``redact``) pass it to their policy; only a
    policy using the ``encrypt`` operator asks for the keyring, so only then is a
    passphrase needed. :attr:`used` says whether it was. With *command*, opening it writes
    an ``encrypt.policy`` audit entry naming the command (Feishu: every key use is
    recorded); commands that record their own entry (``encrypt file``) pass none.
    """

    def __init__(
        self, keystore: Path | None, passphrase_fd: int | None, command: str | None = None
    ) -> None:
        self.keystore = keystore
        self.passphrase_fd = passphrase_fd
        self.command = command
        self._keyring: Keyring | None = None

    @property
    def used(self) -> bool:
        """Whether the keyring was opened."""
        return self._keyring is not None

    def __getitem__(self, name: str) -> Any:
        if name != "keyring":
            raise KeyError(name)
        if self._keyring is None:
            keyring = open_keyring(self.keystore, self.passphrase_fd)
            if self.command is not None:
                from dataguard.cli.trail import record

                record(
                    keyring,
                    "encrypt.policy",
                    role="operator",
                    outcome="ok",
                    details={"command": self.command},
                )
            self._keyring = keyring
        return self._keyring

    def __iter__(self) -> Iterator[str]:
        return iter(("keyring",))

    def __len__(self) -> int:
        return 1


@click.group("keys", help=KEYS_HELP)
def keys_group() -> None:
    """The ``dataguard keys`` command group."""


@keys_group.command("init")
@keystore_options
@click.option(
    "--suite",
    type=click.Choice(["intl", "gm"]),
    default="intl",
    show_default=True,
    help="intl: AES-256-GCM, HMAC-SHA-256; gm: SM4-GCM, HMAC-SM3.",
)
@click.option(
    "--kdf",
    type=click.Choice(["scrypt", "argon2id"]),
    default="scrypt",
    show_default=True,
    help="How a passphrase becomes the KEK.",
)
@click.option(
    "--kek",
    "kek_uri",
    default="file:",
    show_default=True,
    metavar="URI",
    help="The KEK: file: (a passphrase) or a KMS provider's URI.",
)
@user_errors
def keys_init_command(
    keystore: Path | None, passphrase_fd: int | None, suite: str, kdf: str, kek_uri: str
) -> None:
    """Create an empty keystore (and its audit scope's key)."""
    path = _path(keystore)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    passphrase = _passphrase(passphrase_fd, new=True) if kek_uri == "file:" else None
    with audited("keys.init", role="admin") as trail:
        created = Keystore.create(path, suite, kek_uri, passphrase, kdf)
        # The audit key is made now, not by a later command racing another for the file.
        trail.attach(Keyring(created))
        trail.details.update(suite=created.suite, kek=_kek_kind(created.kek_uri))
        if created.kek_uri.startswith("file:"):
            trail.details["kdf"] = kdf
    click.echo(f"created keystore {path} (suite {created.suite}, KEK {created.kek_uri})", err=True)


@keys_group.command("list")
@keystore_options
@user_errors
def keys_list_command(keystore: Path | None, passphrase_fd: int | None) -> None:
    """List the keys: id, version, scope, state and dates (never key material)."""
    # Opening the keystore unlocks every key: an auditor's read is recorded like any access.
    with audited("keys.list", role="auditor") as trail:
        keyring = trail.attach(open_keyring(keystore, passphrase_fd))
        infos = keyring.keystore.keys()
        click.echo("id\tversion\tscope\tstate\tcreated")
        for info in infos:
            scope = info.scope if info.scope is not None else "-"
            click.echo(f"{info.id}\t{info.version}\t{scope}\t{info.state}\t{info.created}")
        trail.details["keys"] = len(infos)


@keys_group.command("rotate")
@click.argument("scope", required=False)
@keystore_options
@click.option("--kek", "rotate_kek", is_flag=True, help="Re-wrap every DEK under a new KEK.")
@click.option(
    "--new-passphrase-fd",
    type=int,
    metavar="N",
    help="With --kek: the new passphrase on fd N "
    "(else $DATAGUARD_KEYSTORE_NEW_PASSPHRASE, else a prompt).",
)
@click.option(
    "--to",
    "new_kek_uri",
    metavar="URI",
    help="With --kek: move to this KEK (file: or aws-kms://…; default: the same "
    "kind, a new passphrase).",
)
@user_errors
def keys_rotate_command(
    scope: str | None,
    keystore: Path | None,
    passphrase_fd: int | None,
    rotate_kek: bool,
    new_passphrase_fd: int | None,
    new_kek_uri: str | None,
) -> None:
    """Rotate SCOPE's data key (old ciphertexts stay readable), or the KEK with --kek."""
    if rotate_kek == (scope is not None):
        raise UsageError("give a SCOPE to rotate its data key, or --kek to rotate the KEK")
    with audited("keys.rotate_kek" if rotate_kek else "keys.rotate", role="admin") as trail:
        keyring = trail.attach(open_keyring(keystore, passphrase_fd))
        if scope is not None:
            trail.details["scope"] = scope_detail(keyring, scope)
            _not_the_audit_key(keyring, scope, "rotate")
            ref = keyring.rotate(scope)
            click.echo(f"{scope}: key {ref.id} is now at version {ref.version}", err=True)
            return
        trail.details["kek"] = _kek_kind(keyring.keystore.kek_uri)
        if new_kek_uri is not None and not new_kek_uri.startswith("file:"):
            new = None  # a KMS holds the new KEK: no passphrase
        elif new_kek_uri is None and not keyring.keystore.kek_uri.startswith("file:"):
            new = None  # rotate to a fresh wrap under the same KMS key
        else:
            new = _passphrase(new_passphrase_fd, new=True, env="DATAGUARD_KEYSTORE_NEW_PASSPHRASE")
        keyring.keystore.rotate_kek(new, kek_uri=new_kek_uri)
        keyring.keystore.save()
        trail.details["new_kek"] = _kek_kind(keyring.keystore.kek_uri)
    click.echo(f"every data key re-wrapped under a new KEK in {keyring.keystore.path}", err=True)


@keys_group.command("destroy")
@click.argument("target")
@keystore_options
@click.option("--yes", is_flag=True, help="Do it without asking.")
@user_errors
def keys_destroy_command(
    target: str, keystore: Path | None, passphrase_fd: int | None, yes: bool
) -> None:
    """Destroy every version of TARGET's key (a scope or key id): crypto-shredding.

    Whatever was encrypted under it, in every copy of the data, can never be decrypted
    again once no older copy of the keystore file survives (see docs/keys.md).
    """
    if not yes and not click.confirm(f"destroy every version of {target}'s key for good?"):
        raise UsageError("nothing destroyed")
    with audited("keys.destroy", role="admin") as trail:
        keyring = trail.attach(open_keyring(keystore, passphrase_fd))
        trail.details["target"] = target_detail(keyring, target)
        _not_the_audit_key(keyring, target, "destroy")
        destroyed = keyring.destroy(target)
        trail.details["versions"] = len(destroyed)
    for ref in destroyed:
        click.echo(f"destroyed key {ref.id} version {ref.version}", err=True)


def _kek_kind(uri: str) -> str:
    """A KEK URI's scheme (``file``, ``aws-kms``): what the audit log says of a KEK."""
    return uri.split(":", 1)[0]


def _not_the_audit_key(keyring: Keyring, target: str, verb: str) -> None:
    """Refuse to rotate or destroy a key whose change would break what was signed with it.

    The ``audit`` scope authenticates the audit log; the ``destroy`` scope made the keyed
    hashes of destruction plans (their config and row hashes); an ``identity.*`` scope is an
    identity's signing key, which its roster entries name (retire an identity by
    destroying it and create a new one instead of rotating).
    """
    scopes = {info.id: info.scope for info in keyring.keystore.keys()}  # noqa: SIM118
    scope = scopes.get(target, target)
    if scope == AUDIT_SCOPE:
        raise UsageError(
            f"refusing to {verb} the `{AUDIT_SCOPE}` scope's key: the audit log's entries "
            "are authenticated with it and would no longer verify (docs/audit.md)"
        )
    if scope == DESTROY_SCOPE:
        raise UsageError(
            f"refusing to {verb} the `{DESTROY_SCOPE}` scope's key: destruction plans made "
            "with it would no longer run or verify (docs/destruction.md)"
        )
    if verb == "rotate" and scope is not None and scope.startswith("identity."):
        raise UsageError(
            "refusing to rotate an identity's key: it is the identity's signing key, named by "
            "rosters; destroy it and create a new identity instead (docs/destruction.md)"
        )


# -- encrypt / decrypt ------------------------------------------------------------------------


def _context(pairs: tuple[str, ...]) -> dict[str, str] | None:
    context = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--context takes NAME=VALUE, not {pair!r}")
        context[name] = value
    return context or None


def _inputs(values: tuple[str, ...]) -> Iterator[str]:
    """The arguments, or the lines of stdin when there are none or the one is ``-``."""
    if values and values != ("-",):
        yield from values
        return
    for line in sys.stdin:
        yield line.rstrip("\r\n")


_context_option = click.option(
    "--context",
    "context_pairs",
    multiple=True,
    metavar="NAME=VALUE",
    help="Associated data bound to the value (table=orders, column=phone, row=42): "
    "decrypting needs the same.",
)

ENCRYPT_HELP = """Encrypt values under a scope's data key: one dg1: token per value.

Values come from the arguments, or one per line on stdin (no argument, or `-`).
The token carries the suite, key id and version, so `dataguard decrypt` needs only
the keystore.

\b
Examples:
  dataguard encrypt --scope orders.receiver_phone 13812341050
  cut -d, -f3 phones.csv | dataguard encrypt --scope members.mobile --deterministic
  dataguard encrypt --scope members.mobile --context table=members --context row=42 1381234105
  dataguard encrypt --scope members.mobile --blind-index 13812341050   # token<TAB>index

A database column is encrypted in place by `dataguard encrypt db URL --table T
--column C` (see `dataguard encrypt db --help`); columns of a CSV, TSV, JSONL or
Parquet file by `dataguard encrypt file SRC -o DST --column C` (`... file --help`).
"""


class _WithSubcommands(click.Command):
    """A command that runs a subcommand when its first argument names one.

    ``dataguard encrypt VALUES…`` stays a plain command, and ``dataguard encrypt db …``
    runs the ``db`` command. *subcommands* maps a name to ``(module, attribute)``,
    imported only when asked for (``db`` needs SQLAlchemy). To encrypt the word "db"
    itself, put an option first (``--scope S db``) or pass it on stdin.
    """

    def __init__(
        self, *args: Any, subcommands: Mapping[str, tuple[str, str]] | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.subcommands = dict(subcommands or {})

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        if args and args[0] in self.subcommands:
            import importlib

            module, name = self.subcommands[args[0]]
            command: click.Command = getattr(importlib.import_module(module), name)
            # This command acting as a group: usage reads `dataguard encrypt db [OPTIONS] URL`.
            group = click.Group(info_name, commands={args[0]: command})
            here = click.Context(group, info_name=info_name, parent=parent, **extra)
            return command.make_context(args[0], args[1:], parent=here)
        return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        if ctx.command is not self:  # make_context chose a subcommand
            return ctx.command.invoke(ctx)
        return super().invoke(ctx)


@click.command(
    "encrypt",
    cls=_WithSubcommands,
    subcommands={
        "db": ("dataguard.cli.encrypt_db", "encrypt_db_command"),
        "file": ("dataguard.cli.encrypt_file", "encrypt_file_command"),
    },
    help=ENCRYPT_HELP,
)
@click.argument("values", nargs=-1)
@click.option(
    "--scope", required=True, help="The key's purpose (orders.receiver_phone) or subject:ID."
)
@click.option(
    "--deterministic", is_flag=True, help="Equal values give equal tokens (joins); leaks equality."
)
@click.option("--blind-index", is_flag=True, help="Also print a keyed equality index.")
@_context_option
@keystore_options
@user_errors
def encrypt_command(
    values: tuple[str, ...],
    scope: str,
    deterministic: bool,
    blind_index: bool,
    context_pairs: tuple[str, ...],
    keystore: Path | None,
    passphrase_fd: int | None,
) -> None:
    with audited("encrypt.values", role="operator") as trail:
        keyring = trail.attach(open_keyring(keystore, passphrase_fd))
        trail.details.update(values=0, deterministic=deterministic)
        trail.details["scope"] = scope_detail(keyring, scope)
        cipher = keyring.cipher(scope, deterministic=deterministic)
        trail.details["scope"] = scope_detail(keyring, scope)
        context = _context(context_pairs)
        for count, value in enumerate(_inputs(values), 1):
            token = cipher.encrypt(value, context)
            click.echo(f"{token}\t{cipher.blind_index(value)}" if blind_index else token)
            trail.details["values"] = count


DECRYPT_HELP = """Decrypt dg1: tokens (arguments, or one per line on stdin: none, or `-`).

A token that does not decrypt (tampered, another row's context, a destroyed key)
is an error: nothing about why is said, and the exit status is 1.

\b
Examples:
  dataguard decrypt dg1:AQEAF...
  dataguard decrypt --context table=members --context row=42 < tokens.txt
  dataguard decrypt file orders.enc.csv -o orders.csv --column mobile
"""


@click.command(
    "decrypt",
    help=DECRYPT_HELP,
    cls=_WithSubcommands,
    subcommands={"file": ("dataguard.cli.encrypt_file", "decrypt_file_command")},
)
@click.argument("tokens", nargs=-1)
@_context_option
@keystore_options
@user_errors
def decrypt_command(
    tokens: tuple[str, ...],
    context_pairs: tuple[str, ...],
    keystore: Path | None,
    passphrase_fd: int | None,
) -> None:
    from dataguard.errors import InvalidToken

    with audited("decrypt.values", role="operator") as trail:
        keyring = trail.attach(open_keyring(keystore, passphrase_fd))
        context = _context(context_pairs)
        trail.details.update(tokens=0, failed=0)
        failed = 0
        for number, token in enumerate(_inputs(tokens), 1):
            trail.details["tokens"] = number
            try:
                click.echo(keyring.decrypt(token.strip(), context))
            except InvalidToken:
                failed += 1
                trail.details["failed"] = failed
                click.echo(f"error: token {number} does not decrypt", err=True)
                click.echo("")  # keep line positions: one output line per input line
        if failed:
            # A token that does not decrypt failed authentication (DB23: recorded as such).
            trail.outcome = "failed"
            raise SystemExit(1)
