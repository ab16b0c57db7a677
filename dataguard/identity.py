"""Identities with roles and Ed25519 signing keys, kept in a keyring.

Feishu separates the roles of operator, auditor and administrator, and Ele.me 5.10 has a
destruction run approved by someone other than its operator (standards.md §4, §6). An
identity is a name, one role and an Ed25519 key pair:

* roles: ``operator`` (plans and runs), ``approver`` (approves plans), ``auditor``
  (verifies and checks), ``admin`` (manages keys and identities). One name holds one role:
  a keystore refuses a second role for a name it already has.
* the private key is never stored: it is derived from a DEK of the keystore scope
  ``identity.<role>.<name>`` with HKDF (label ``dataguard/identity/ed25519/1``, the
  keystore's suite), so it is wrapped by the keystore's KEK like every other key and
  destroyed with it. Whoever can open the keystore can sign as its identities, so each
  person keeps their identity in a keystore of their own (docs/destruction.md).
* the public half, :class:`PublicIdentity`, is JSON ``{"name", "role", "public_key"}``
  (``public_key``: 64 hex digits, the raw 32-byte Ed25519 key) with a ``fingerprint``:
  the first 16 bytes of SHA-256 of the raw key, in hex. Signed documents embed it; a third
  party pins the fingerprints it trusts (a *roster*, :func:`load_roster`).
* a signature covers ``b"dataguard/" + purpose + b"\\x00" + payload`` so a signature made
  for one purpose (approving a plan) can never be replayed as another (a certificate).

Ed25519 is used under both suites: SM2 signatures (GB/T 32918) are not offered by
``cryptography``; a ``gm`` deployment that must sign with SM2 cannot use these signatures
yet (docs/destruction.md).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from dataguard.errors import UsageError

if TYPE_CHECKING:
    from dataguard.crypto.keyring import Keyring

__all__ = [
    "ROLES",
    "Identity",
    "PublicIdentity",
    "create_identity",
    "find_identity",
    "identities",
    "load_roster",
]

#: The roles of issue [6/6] (Feishu: operator, auditor and administrator are separated).
ROLES = ("operator", "approver", "auditor", "admin")
_SCOPE_PREFIX = "identity."
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,63}\Z")
_HEX_KEY = re.compile(r"[0-9a-f]{64}\Z")
_DERIVE_INFO = b"dataguard/identity/ed25519/1\x00"


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise UsageError(
            "an identity name is 1 to 64 letters, digits, _ and - (an account name such as "
            "`alice` or `ops-bot`, not personal data)"
        )
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}; the roles are {', '.join(ROLES)}")
    return role


def _message(purpose: str, payload: bytes) -> bytes:
    if not purpose or "\x00" in purpose or not purpose.isascii():
        raise UsageError("a signature's purpose is a non-empty ASCII name without NUL")
    return b"dataguard/" + purpose.encode("ascii") + b"\x00" + payload


@dataclass(frozen=True)
class PublicIdentity:
    """What others know of an identity: name, role and the raw Ed25519 public key (hex)."""

    name: str
    role: str
    public_key: str

    def __post_init__(self) -> None:
        _check_name(self.name)
        _check_role(self.role)
        if not isinstance(self.public_key, str) or not _HEX_KEY.match(self.public_key):
            raise UsageError("an identity's public_key is 64 lower-case hex digits")

    @property
    def fingerprint(self) -> str:
        """The first 16 bytes of SHA-256 of the raw public key, in hex (32 digits)."""
        return hashlib.sha256(bytes.fromhex(self.public_key)).hexdigest()[:32]

    def to_dict(self) -> dict[str, str]:
        """The identity as JSON: name, role, public_key and fingerprint."""
        return {
            "name": self.name,
            "role": self.role,
            "public_key": self.public_key,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_dict(cls, data: Any) -> PublicIdentity:
        """Read :meth:`to_dict`'s form; UsageError when malformed or the fingerprint lies."""
        if not isinstance(data, Mapping):
            raise UsageError("an identity is a JSON object with name, role and public_key")
        try:
            found = cls(str(data["name"]), str(data["role"]), str(data["public_key"]))
        except KeyError as exc:
            raise UsageError(f"an identity has no {exc.args[0]!r}") from None
        claimed = data.get("fingerprint")
        if claimed is not None and claimed != found.fingerprint:
            raise UsageError(f"identity {found.name!r}: its fingerprint does not match its key")
        return found

    def verify(self, purpose: str, payload: bytes, signature: str) -> bool:
        """Whether *signature* (hex) is this identity's signature of *payload* for *purpose*."""
        try:
            key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.public_key))
            key.verify(bytes.fromhex(signature), _message(purpose, payload))
        except (InvalidSignature, ValueError, TypeError, UsageError):
            return False
        return True

    def same_holder(self, other: PublicIdentity) -> bool:
        """Whether *other* is this identity (same name or same key): roles must differ."""
        return self.name == other.name or self.public_key == other.public_key


class Identity:
    """An identity whose private key this process holds (see :func:`find_identity`)."""

    def __init__(self, name: str, role: str, private_key: Ed25519PrivateKey) -> None:
        self._private = private_key
        raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.public = PublicIdentity(name, role, raw.hex())

    def __repr__(self) -> str:
        return f"Identity({self.name!r}, role={self.role!r}, fingerprint={self.fingerprint!r})"

    @property
    def name(self) -> str:
        """The account name."""
        return self.public.name

    @property
    def role(self) -> str:
        """One of :data:`ROLES`."""
        return self.public.role

    @property
    def fingerprint(self) -> str:
        """See :attr:`PublicIdentity.fingerprint`."""
        return self.public.fingerprint

    def sign(self, purpose: str, payload: bytes) -> str:
        """The Ed25519 signature (hex, 128 digits) of *payload* for *purpose*."""
        return self._private.sign(_message(purpose, payload)).hex()


def _scope(role: str, name: str) -> str:
    return f"{_SCOPE_PREFIX}{role}.{name}"


def _parse_scope(scope: str | None) -> tuple[str, str] | None:
    if not scope or not scope.startswith(_SCOPE_PREFIX):
        return None
    role, _, name = scope[len(_SCOPE_PREFIX) :].partition(".")
    if role not in ROLES or not _NAME.match(name):
        return None
    return role, name


def _derive(keyring: Keyring, role: str, name: str) -> Identity:
    info = _DERIVE_INFO + f"{role}.{name}".encode("ascii")
    seed = keyring.derived_key(_scope(role, name), info, create=False)
    return Identity(name, role, Ed25519PrivateKey.from_private_bytes(seed))


def _roles_of(keyring: Keyring, name: str) -> list[str]:
    roles = []
    for info in keyring.keystore.keys():  # noqa: SIM118 - a method
        parsed = _parse_scope(info.scope)
        if parsed and parsed[1] == name and info.state == "active":
            roles.append(parsed[0])
    return sorted(set(roles))


def create_identity(keyring: Keyring, name: str, role: str) -> Identity:
    """Make identity *name* with *role* in *keyring* (saved) and return it.

    UsageError when the name already exists, with this role or another one: one name holds
    one role, so an operator cannot also be the approver of the same keystore.
    """
    _check_name(name)
    _check_role(role)
    existing = _roles_of(keyring, name)
    if existing:
        raise UsageError(
            f"identity {name!r} already exists with role {existing[0]!r}; one name holds one "
            "role (use another name for another role)"
        )
    keyring.keystore.add_key(_scope(role, name))
    keyring.keystore.save()
    return _derive(keyring, role, name)


def find_identity(keyring: Keyring, name: str | None = None) -> Identity:
    """Identity *name* of *keyring*; with no name, its only identity.

    UsageError when it does not exist, or when *name* is None and the keyring holds none or
    several (the message lists their names).
    """
    held = identities(keyring)
    if name is None:
        if len(held) == 1:
            return _derive(keyring, held[0].role, held[0].name)
        names = ", ".join(sorted(i.name for i in held)) or "none"
        raise UsageError(
            f"say which identity to act as with --as NAME (this keystore holds: {names}); "
            "make one with `dataguard identity create NAME --role ROLE`"
        )
    _check_name(name)
    for found in held:
        if found.name == name:
            return _derive(keyring, found.role, found.name)
    raise UsageError(
        f"no identity {name!r} in {keyring.keystore.path}; make one with "
        f"`dataguard identity create {name} --role ROLE`"
    )


def identities(keyring: Keyring) -> list[PublicIdentity]:
    """The public halves of every live identity in *keyring*, sorted by name."""
    found = []
    for info in keyring.keystore.keys():  # noqa: SIM118 - a method
        parsed = _parse_scope(info.scope)
        if parsed and info.state == "active":
            found.append(_derive(keyring, *parsed).public)
    return sorted(found, key=lambda i: (i.name, i.role))


def load_roster(path: str | Path) -> list[PublicIdentity]:
    """A roster: a JSON list of public identities a verifier trusts (``identity export``).

    UsageError when unreadable, malformed, or when one name appears with two roles or two
    keys (a roster that lets one person hold two roles defeats their separation).
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the roster {path}: {exc}") from None
    if isinstance(data, Mapping):
        data = [data]
    if not isinstance(data, Sequence) or isinstance(data, str):
        raise UsageError(f"the roster {path} is a JSON list of identities")
    roster = [PublicIdentity.from_dict(item) for item in data]
    for i, one in enumerate(roster):
        for other in roster[i + 1 :]:
            if one.same_holder(other) and one != other:
                raise UsageError(
                    f"the roster {path} gives {one.name!r} two roles or two keys; one name "
                    "and one key hold one role"
                )
    return roster
