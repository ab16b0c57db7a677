"""The CLI's audit trail: one entry in the audit log per command that opens the keystore.

:func:`record` writes one entry (:mod:`dataguard.audit`) under the keyring's audit key;
:func:`audited` wraps a command's body and writes its entry when the body ends, with the
outcome it ended with:

* ``ok``: the body returned, or exited 0 or 1 (1 is "findings present", not a failure)
  unless it set :attr:`Trail.outcome` itself;
* ``denied``: it raised :class:`~dataguard.errors.UsageError`, the CLI's "refused, here is
  what to do" (an unknown scope, a retention below the minimum, a bad column);
* ``failed``: any other exception, Ctrl-C or another exit status; ``details["error"]``
  holds the exception's class name only, never its message (a message may hold data).

Nothing can be recorded before the keystore is open, since the audit key is in it: a wrong
passphrase or a missing keystore leaves no entry (docs/audit.md, "What is not recorded").
Details never hold a plaintext value: every detail is run through the detector and one
that looks like personal data is written as :data:`dataguard.audit.WITHHELD`.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import click
from dataguard.cli.errors import EXIT_FINDINGS, EXIT_OK

from dataguard.audit import (
    ROLES,
    AuditEntry,
    AuditLog,
    DetailValue,
    audit_key,
    default_audit_log_path,
)
from dataguard.crypto.keyring import Keyring
from dataguard.errors import UsageError

__all__ = [
    "ACTOR_ENV",
    "Trail",
    "audited",
    "current_actor",
    "record",
    "scope_detail",
    "target_detail",
]

#: The environment variable naming the actor (a service account, a ticket's assignee).
ACTOR_ENV = "DATAGUARD_ACTOR"
_SUBJECT = "subject:"
_STORED_SUBJECT = "subject-hmac:"


def current_actor() -> str:
    """``$DATAGUARD_ACTOR``, else the login name (:func:`getpass.getuser`), else ``unknown``."""
    configured = os.environ.get(ACTOR_ENV, "").strip()
    if configured:
        return configured
    try:
        return getpass.getuser() or "unknown"
    except (ImportError, KeyError, OSError):  # no login name: a container without a user
        return "unknown"


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"audit role must be one of {', '.join(ROLES)}, not {role!r}")


def _open(keyring: Keyring, log: Path | None) -> AuditLog:
    return AuditLog(log or default_audit_log_path(), audit_key(keyring), suite=keyring.suite.name)


def _append(
    audit: AuditLog,
    event: str,
    role: str,
    outcome: str,
    details: Mapping[str, DetailValue] | None,
    actor: str | None,
) -> AuditEntry:
    try:
        return audit.append(
            event,
            actor=actor or current_actor(),
            role=role,
            outcome=outcome,
            details=details,
            withhold=True,
        )
    except OSError as exc:
        raise UsageError(
            f"cannot write the audit log {audit.path}: {exc.strerror or type(exc).__name__}"
        ) from None


def record(
    keyring: Keyring,
    event: str,
    *,
    role: str,
    outcome: str,
    details: Mapping[str, DetailValue] | None = None,
    actor: str | None = None,
    log: Path | None = None,
) -> AuditEntry:
    """Append one entry to *log* (default: :func:`default_audit_log_path`) and return it.

    The MAC key is the keyring's audit key, the hash its suite's. *role* is one of
    ``operator``, ``approver``, ``auditor``, ``admin`` (ValueError otherwise); *actor*
    defaults to :func:`current_actor`. A detail that looks like personal data is written
    as ``(withheld: …)``, never as itself. A log that cannot be written raises
    :class:`UsageError`.
    """
    _check_role(role)
    return _append(_open(keyring, log), event, role, outcome, details, actor)


def scope_detail(keyring: Keyring, scope: str) -> str:
    """How a key scope appears in an entry: a purpose the keystore knows, as itself.

    A subject scope (``subject:<id>``, whose id is personal data) and a scope the keystore
    has never held (a typo may be anything, a subject id without its prefix included) are
    not shown.
    """
    if scope.startswith(_SUBJECT):
        return "subject scope (not shown)"
    known = {info.scope for info in keyring.keystore.keys()}  # noqa: SIM118 - a method
    return scope if scope in known else "unknown scope (not shown)"


def target_detail(keyring: Keyring, target: str) -> str:
    """How ``keys destroy TARGET`` appears: a key id by its scope (never the id itself)."""
    for info in keyring.keystore.keys():  # noqa: SIM118 - a method, not a dict
        if info.id == target:
            if info.scope is None or info.scope.startswith(_STORED_SUBJECT):
                return "subject scope (not shown)"
            return info.scope
    return scope_detail(keyring, target)


class Trail:
    """The entry one command will write: its keyring once open, and details as it runs."""

    def __init__(self, event: str, role: str, log: Path | None = None) -> None:
        _check_role(role)
        self.event = event
        self.role = role
        self.log = log
        #: What the entry will say when the command ends normally (``ok`` unless set).
        self.outcome = "ok"
        self.details: dict[str, DetailValue] = {}
        #: Who the entry names (an identity's name once known; else :func:`current_actor`).
        self.actor: str | None = None
        self._audit: AuditLog | None = None

    @property
    def attached(self) -> bool:
        """Whether a keyring is attached, so that an entry will be written."""
        return self._audit is not None

    def attach(self, keyring: Keyring) -> Keyring:
        """Record under *keyring*'s audit key from now on; return *keyring*.

        Raises :class:`UsageError` if the log cannot take an entry (a partial last line),
        before the command acts.
        """
        audit = _open(keyring, self.log)
        audit.check_appendable()
        self._audit = audit
        return keyring

    def write(self, outcome: str) -> AuditEntry | None:
        """Write the entry with *outcome* (nothing without a keyring)."""
        if self._audit is None:
            return None
        _check_role(self.role)
        return _append(self._audit, self.event, self.role, outcome, self.details, self.actor)

    def write_failure(self, outcome: str, error: str) -> None:
        """Write a denied or failed entry; a write error is a warning, never a new exception."""
        self.details["error"] = error
        try:
            self.write(outcome)
        except (UsageError, ValueError, OSError) as exc:
            message = str(exc) if isinstance(exc, UsageError) else type(exc).__name__
            click.echo(f"warning: {self.event} ({outcome}) not recorded: {message}", err=True)


@contextmanager
def audited(event: str, *, role: str, log: Path | None = None) -> Iterator[Trail]:
    """Run a command's body and record how it ended (see the module docstring).

    The body attaches the keyring once it is open (``keyring = trail.attach(...)``) and
    adds counts to ``trail.details``; before that, nothing is recorded.
    """
    trail = Trail(event, role, log)
    try:
        yield trail
    except UsageError:
        trail.write_failure("denied", "UsageError")
        raise
    except SystemExit as exc:
        if exc.code in (None, EXIT_OK, EXIT_FINDINGS):
            trail.write(trail.outcome)
        else:
            if isinstance(exc.code, int):
                trail.details["exit"] = exc.code
            trail.write_failure("failed", str(trail.details.get("error") or "SystemExit"))
        raise
    except (Exception, KeyboardInterrupt) as exc:
        trail.write_failure("failed", type(exc).__name__)
        raise
    trail.write(trail.outcome)
