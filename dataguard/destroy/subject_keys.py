"""Crypto-shredding: destroying the data subjects' own DEKs in every keystore that holds them.

When each subject's fields are encrypted under a key of the scope ``subject:<id>``
(:class:`~dataguard.crypto.keyring.FieldCipher`), destroying that key makes every copy of
those fields unreadable, backups included (standards.md §6, NIST SP 800-88 Rev. 1 Purge by
cryptographic erase). It takes the same time for one field or a million: the keystore
drops one wrapped key.

The plan records, per keystore, the subjects that have a live key there (as keyed hashes),
their key ids, and a *canary*: a random text encrypted under each subject's key when the
plan is made. Verification decrypts every canary with the keystore as it is on disk after
the run; each must fail. Subjects with no key in a keystore are counted, not listed.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dataguard.destroy.documents import keyed_digest
from dataguard.errors import InvalidToken, UsageError

if TYPE_CHECKING:
    from dataguard.crypto.keyring import Keyring

__all__ = ["KeysVerdict", "plan_keys", "shred_keys", "subject_hash", "verify_keys"]


def subject_hash(key: bytes, subject: str, algorithm: str) -> str:
    """The keyed hash a plan records for a subject id (32 hex digits)."""
    return keyed_digest(key, b"subject", subject.encode("utf-8"), algorithm)[:32]


def _scope(subject: str) -> str:
    return f"subject:{subject}"


def plan_keys(
    keyring: Keyring, subjects: Sequence[str], key: bytes, algorithm: str
) -> dict[str, Any]:
    """What shredding *subjects*' keys in *keyring* will destroy (a plan's ``keys`` target).

    Never creates a key: a subject without a live key in this keystore is only counted.
    """
    planned = []
    absent = 0
    infos = keyring.keystore.keys()
    live = {(k.id, k.version) for k in infos if k.state != "destroyed"}
    for subject in subjects:
        try:
            active = keyring.keystore.active(_scope(subject))
        except UsageError:
            absent += 1
            continue
        canary = keyring.cipher(_scope(subject)).encrypt(secrets.token_hex(16))
        planned.append(
            {
                "subject": subject_hash(key, subject, algorithm),
                "key_id": active.id,
                "versions": sorted(v for i, v in live if i == active.id),
                "canary": canary,
            }
        )
    return {
        "keystore": str(keyring.keystore.path),
        "keystore_id": keyring.keystore.keystore_id,
        "subjects": sorted(planned, key=lambda p: p["subject"]),
        "absent": absent,
    }


def shred_keys(
    keyring: Keyring,
    planned: Mapping[str, Any],
    subjects: Sequence[str],
    key: bytes,
    algorithm: str,
) -> dict[str, int]:
    """Destroy the planned subjects' keys in *keyring* (saved); counts of what happened.

    Only subjects the plan lists are touched (a subject added to the config later is not).
    A key already destroyed (a resumed run) counts as ``already``.
    """
    if keyring.keystore.keystore_id != planned["keystore_id"]:
        raise UsageError(
            f"{keyring.keystore.path} is not the keystore the plan names "
            f"({planned['keystore_id']}); nothing was destroyed"
        )
    wanted = {p["subject"] for p in planned["subjects"]}
    destroyed = already = 0
    for subject in subjects:
        if subject_hash(key, subject, algorithm) not in wanted:
            continue
        try:
            keyring.keystore.destroy(_scope(subject))
            destroyed += 1
        except UsageError:
            already += 1
    keyring.keystore.save()
    keyring.forget()
    return {"destroyed": destroyed, "already": already}


@dataclass(frozen=True)
class KeysVerdict:
    """Whether every canary of a keystore now fails to decrypt."""

    keystore_id: str
    subjects: int
    still_readable: int

    @property
    def passed(self) -> bool:
        """True when no canary decrypts."""
        return self.still_readable == 0


def verify_keys(keyring: Keyring, planned: Mapping[str, Any]) -> KeysVerdict:
    """Decrypt each planned canary with *keyring* (open it afresh from disk): all must fail."""
    readable = 0
    for subject in planned["subjects"]:
        try:
            keyring.decrypt(subject["canary"])
            readable += 1
        except (InvalidToken, UsageError):
            pass
    return KeysVerdict(planned["keystore_id"], len(planned["subjects"]), readable)
