"""A fake KMS for tests: in memory, keys by name, with a failure switch. TEST ONLY.

.. warning:: Never use this outside tests. Its keys live in this process's memory and die
   with it; anything wrapped under them is unreadable after the process exits.

Architecture.md convention 8: test seams are public and shipped (Tink ships ``fake_kms``).
A keystore can be created with the KEK URI ``fake-kms://NAME`` and exercised without a
network, a cloud account or a passphrase::

    from dataguard.crypto.keystore import Keystore
    from dataguard.testing.fake_kms import FakeKms

    kms = FakeKms(seed=b"test seed")
    ks = Keystore.create(path, kek_uri="fake-kms://orders", kek_options={"kms": kms})
    with kms.outage():            # every wrap and unwrap now fails
        ...

Keys are deterministic: a key's bytes are ``HMAC-SHA-256(seed, name)``, so one
:class:`FakeKms` (or two built with the same *seed*) always gives the same key for the same
name. The default instance (:func:`default_kms`, used when no ``kms`` option is given) takes
a random seed when this module is imported, so a keystore wrapped by it cannot outlive the
process: the fake can never quietly become a production key store.

A wrapped key is ``nonce (12 bytes) || AES-256-GCM(key, nonce, dek, aad) || tag (16 bytes)``
whatever the keystore's suite: a real KMS uses its own algorithm too.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from dataguard.errors import InvalidToken, UsageError

__all__ = ["SCHEME", "FakeKms", "FakeKmsKey", "default_kms", "open_fake_kek"]

#: The KEK URI scheme of the fake: ``fake-kms://NAME``.
SCHEME = "fake-kms"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,127}\Z")
_NONCE_SIZE = 12


class FakeKms:
    """An in-memory KMS: named AES-256 keys derived from *seed*, and a failure switch.

    Attributes:
        failing: while true, every :meth:`FakeKmsKey.wrap` and :meth:`FakeKmsKey.unwrap`
            raises :class:`~dataguard.errors.InvalidToken`, as a KMS that is down or denies
            access would make the keystore fail (see :meth:`outage`).
        calls: every operation as ``(operation, key name)``, oldest first, so a test can
            check what reached the KMS (e.g. that a KEK rotation re-wrapped every DEK).
    """

    def __init__(self, seed: bytes | None = None) -> None:
        self._seed = os.urandom(32) if seed is None else bytes(seed)
        self.failing = False
        self.calls: list[tuple[str, str]] = []

    def __repr__(self) -> str:
        return f"FakeKms(failing={self.failing}, calls={len(self.calls)})"

    def key(self, name: str) -> FakeKmsKey:
        """The KEK called *name* (``[A-Za-z0-9._/-]``, at most 128 characters)."""
        if not isinstance(name, str) or not _NAME.match(name):
            raise UsageError(
                f"a fake KMS key name is 1-128 letters, digits, '.', '_', '/' or '-', "
                f"not {name!r}: write fake-kms://NAME"
            )
        return FakeKmsKey(self, name)

    @contextmanager
    def outage(self) -> Iterator[FakeKms]:
        """Within the block every operation fails (the failure switch); restored after."""
        before, self.failing = self.failing, True
        try:
            yield self
        finally:
            self.failing = before

    def _material(self, name: str) -> bytes:
        return hmac.new(self._seed, name.encode("utf-8"), hashlib.sha256).digest()


class FakeKmsKey:
    """One key of a :class:`FakeKms`: a :class:`~dataguard.crypto.hazmat.kek.KeyEncryptionKey`."""

    def __init__(self, kms: FakeKms, name: str) -> None:
        self._kms = kms
        self.name = name

    def __repr__(self) -> str:
        return f"FakeKmsKey({self.name!r})"

    @property
    def uri(self) -> str:
        """``fake-kms://NAME``."""
        return f"{SCHEME}://{self.name}"

    def _enter(self, operation: str) -> AESGCM:
        self._kms.calls.append((operation, self.name))
        if self._kms.failing:
            raise InvalidToken
        return AESGCM(self._kms._material(self.name))

    def wrap(self, dek: bytes, aad: bytes) -> bytes:
        """``nonce || AES-256-GCM(key, nonce, dek, aad)``; InvalidToken while failing."""
        aead = self._enter("wrap")
        nonce = os.urandom(_NONCE_SIZE)
        return nonce + aead.encrypt(nonce, dek, aad)

    def unwrap(self, wrapped: bytes, aad: bytes) -> bytes:
        """The DEK of :meth:`wrap`; InvalidToken for any failure (or while failing)."""
        aead = self._enter("unwrap")
        try:
            return aead.decrypt(wrapped[:_NONCE_SIZE], wrapped[_NONCE_SIZE:], aad)
        except (InvalidTag, ValueError):
            raise InvalidToken from None


_DEFAULT = FakeKms()


def default_kms() -> FakeKms:
    """The process-wide fake (random seed) that ``fake-kms://`` URIs use by default."""
    return _DEFAULT


def open_fake_kek(uri: str, *, kms: FakeKms | None = None, **_options: Any) -> FakeKmsKey:
    """The ``fake-kms`` provider: ``fake-kms://NAME`` → ``(kms or default_kms()).key(NAME)``."""
    prefix = f"{SCHEME}://"
    if not uri.lower().startswith(prefix):
        raise UsageError(f"a fake KMS URI is {prefix}NAME, not {uri!r}")
    return (kms if kms is not None else _DEFAULT).key(uri[len(prefix) :])
