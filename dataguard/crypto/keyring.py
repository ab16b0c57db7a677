"""Recipes: :class:`Keyring` and :class:`FieldCipher`, envelope encryption of fields.

The calls an application, the CLI and the ``encrypt`` masking operator make. Under them:
the keystore (:mod:`dataguard.crypto.keystore`: DEKs wrapped by a KEK, never in plaintext
on disk), the suites (:mod:`dataguard.crypto.hazmat.suites`: ``intl`` AES-256-GCM /
HMAC-SHA-256, ``gm`` SM4-GCM / HMAC-SM3) and the self-describing ciphertext
(:mod:`dataguard.crypto.hazmat.wire`: ``dg1:`` + version, suite, key id and version,
nonce, ciphertext and tag).

* A :class:`FieldCipher` encrypts the values of one *scope* (a purpose such as
  ``orders.receiver_phone``, or ``subject:<id>`` for one data subject's own key, which
  crypto-shredding destroys) under the scope's active DEK.
* *Context* (table, column, record key) is bound to each value as associated data: a
  ciphertext copied to another row or column does not decrypt. Pass the same context to
  decrypt.
* Decryption finds the DEK by the key id and version the ciphertext carries, so values
  written before a rotation stay readable; every failure raises one opaque
  :class:`~dataguard.errors.InvalidToken`.
* Modes and what they leak (docs/encryption.md, "Threat model"): randomised (default) leaks only the
  length; deterministic (``deterministic=True``: AES-SIV / SM4-SIV) also leaks equality of
  values under the same scope and context, which is what equality joins need;
  :meth:`FieldCipher.blind_index` is a keyed HMAC for equality *search* on randomised
  ciphertexts, leaking equality of the indexed values (and their frequencies) to whoever
  reads the index.

Decrypted keys are cached in this object's memory only (the keystore never caches).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dataguard.crypto.hazmat import suites
from dataguard.crypto.hazmat.kek import PassphraseSource
from dataguard.crypto.hazmat.wire import Envelope, open_envelope, seal_envelope
from dataguard.crypto.keystore import KeyRef, Keystore
from dataguard.errors import InvalidToken, UsageError

__all__ = ["BLIND_INDEX_SUFFIX", "FieldCipher", "Keyring"]

#: The scope of a field's blind-index key: ``<scope>.blind_index``. Its own key (not the
#: field's DEK), so that rotating the field's DEK does not change the index.
BLIND_INDEX_SUFFIX = ".blind_index"
_BLIND_INDEX_INFO = b"dataguard/blind-index/1"
_BLIND_INDEX_BYTES = 16


class Keyring:
    """A keystore's DEKs, used to encrypt and decrypt fields.

    Build one with :meth:`open` (an existing keystore) or :meth:`create`; or wrap a
    :class:`~dataguard.crypto.keystore.Keystore` you opened yourself.
    """

    def __init__(self, keystore: Keystore) -> None:
        self.keystore = keystore
        self.suite = suites.suite(keystore.suite)
        self._keys: dict[tuple[str, int], bytes] = {}

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        passphrase: PassphraseSource | str | bytes | None = None,
        **options: Any,
    ) -> Keyring:
        """The keyring of the keystore at *path* (see :meth:`Keystore.open`)."""
        return cls(Keystore.open(path, passphrase, **options))

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        suite: str = "intl",
        kek_uri: str = "file:",
        passphrase: PassphraseSource | str | bytes | None = None,
        **options: Any,
    ) -> Keyring:
        """A new keyring with an empty keystore at *path* (see :meth:`Keystore.create`)."""
        return cls(Keystore.create(path, suite, kek_uri, passphrase, **options))

    def __repr__(self) -> str:
        return f"Keyring({self.keystore!r})"

    # -- keys ------------------------------------------------------------------------------

    def ensure(self, scope: str) -> KeyRef:
        """The active key of *scope*, created (and the keystore saved) if it has none."""
        try:
            return self.keystore.active(scope)
        except UsageError:
            ref = self.keystore.add_key(scope)
            self.keystore.save()
            return ref

    def _key(self, key_id: str, version: int) -> bytes:
        cached = self._keys.get((key_id, version))
        if cached is None:
            cached = self._keys[key_id, version] = self.keystore.key(key_id, version)
        return cached

    def rotate(self, scope: str) -> KeyRef:
        """A new active version of *scope*'s key, saved; older ciphertexts stay readable."""
        ref = self.keystore.rotate_key(scope)
        self.keystore.save()
        return ref

    def destroy(self, target: str) -> list[KeyRef]:
        """Destroy every version of a scope's (or key id's) key and save: crypto-shredding.

        Whatever was encrypted under it can never be decrypted again, in any copy of the
        data, once no copy of the keystore that still wraps the key can be opened
        (docs/keys.md). A later :meth:`cipher` of the same scope makes a new key.
        """
        destroyed = self.keystore.destroy(target)
        self.keystore.save()
        self.forget()
        return destroyed

    def derived_key(
        self, scope: str, info: bytes, length: int = 32, *, create: bool = True
    ) -> bytes:
        """A key for one purpose: HKDF (the suite's hash) of *scope*'s active DEK and *info*.

        How the audit MAC key, the destroy key and identities' signing keys are made: the
        purpose key is never stored, and it goes with the scope's DEK. With *create* the
        scope's key is made (and saved) if missing; without, a missing one is a UsageError.
        """
        ref = self.ensure(scope) if create else self.keystore.active(scope)
        return self.suite.derive(self._key(ref.id, ref.version), info, length)

    def forget(self) -> None:
        """Drop the decrypted keys this keyring holds in memory."""
        self._keys.clear()

    # -- fields ----------------------------------------------------------------------------

    def cipher(self, scope: str, *, deterministic: bool = False) -> FieldCipher:
        """A :class:`FieldCipher` for *scope*, its key created if the scope has none."""
        return FieldCipher(self, scope, deterministic=deterministic)

    def decrypt(self, token: str | bytes, context: Mapping[str, str] | None = None) -> str:
        """The text a ciphertext of any scope holds (the key is found by its id)."""
        # surrogateescape both ways: a value holding bytes that are not UTF-8 (a GBK name
        # in a log read as UTF-8 arrives as lone surrogates) decrypts to the same bytes.
        return self.decrypt_bytes(token, context).decode("utf-8", "surrogateescape")

    def decrypt_bytes(self, token: str | bytes, context: Mapping[str, str] | None = None) -> bytes:
        """The bytes a ciphertext (text form ``dg1:…`` or the binary form) holds."""
        envelope = (
            Envelope.from_text(token) if isinstance(token, str) else Envelope.from_bytes(token)
        )
        if envelope.suite_id != self.suite.suite_id:
            raise InvalidToken
        key = self._key(envelope.key_id, envelope.key_version)
        return open_envelope(envelope, self.suite, key, context)


class FieldCipher:
    """Encrypts and decrypts the values of one scope (see the module docstring).

    Example::

        keyring = Keyring.open("keys.json", PassphraseSource.from_env())
        phones = keyring.cipher("orders.receiver_phone")
        token = phones.encrypt("13812341050", {"table": "orders", "row": "1001"})
        phones.decrypt(token, {"table": "orders", "row": "1001"})  # '13812341050'
    """

    def __init__(self, keyring: Keyring, scope: str, *, deterministic: bool = False) -> None:
        self.keyring = keyring
        self.scope = scope
        self.deterministic = deterministic
        keyring.ensure(scope)  # fail early: a bad scope or a read-only keystore shows here
        self._index_keys: dict[tuple[str, int], bytes] = {}

    def __repr__(self) -> str:
        mode = "deterministic" if self.deterministic else "randomised"
        return f"FieldCipher({self.scope!r}, {mode})"

    def encrypt_bytes(self, data: bytes, context: Mapping[str, str] | None = None) -> bytes:
        """The binary envelope of *data* under the scope's active key."""
        return self._seal(data, context).to_bytes()

    def encrypt(self, value: str, context: Mapping[str, str] | None = None) -> str:
        """The text form (``dg1:`` + base64url) of *value*, for VARCHAR columns and logs."""
        return self._seal(value.encode("utf-8", "surrogateescape"), context).to_text()

    def _seal(self, data: bytes, context: Mapping[str, str] | None) -> Envelope:
        ref = self.keyring.keystore.active(self.scope)
        return seal_envelope(
            self.keyring.suite,
            self.keyring._key(ref.id, ref.version),
            data,
            key_id=ref.id,
            key_version=ref.version,
            context=context,
            deterministic=self.deterministic,
        )

    def decrypt(self, token: str | bytes, context: Mapping[str, str] | None = None) -> str:
        """The value *token* holds; :class:`InvalidToken` for any failure."""
        return self.keyring.decrypt(token, context)

    def decrypt_bytes(self, token: str | bytes, context: Mapping[str, str] | None = None) -> bytes:
        """The bytes *token* holds; :class:`InvalidToken` for any failure."""
        return self.keyring.decrypt_bytes(token, context)

    def blind_index(self, value: str) -> str:
        """A keyed equality index of *value*: 32 hex digits, the same for equal values.

        HMAC (the suite's: SHA-256 or SM3) under a key derived from the scope's own
        blind-index key, over the NFKC form of *value* (full-width digits match). Store it
        beside a randomised ciphertext and search by it. It leaks which rows are equal, and
        how often a value occurs, to anyone who can read the index column; it does not
        leak values to anyone without the key (unlike a bare hash of a phone number, which
        a dictionary of 10^11 numbers reverses).
        """
        ref = self.keyring.ensure(self.scope + BLIND_INDEX_SUFFIX)
        key = self._index_keys.get((ref.id, ref.version))
        if key is None:  # derived once per key version, not per value
            key = self.keyring.suite.derive(
                self.keyring._key(ref.id, ref.version), _BLIND_INDEX_INFO, 32
            )
            self._index_keys[ref.id, ref.version] = key
        normal = unicodedata.normalize("NFKC", value).strip()
        return self.keyring.suite.mac(key, normal.encode("utf-8"))[:_BLIND_INDEX_BYTES].hex()


def default_keystore_path() -> Path:
    """``$DATAGUARD_KEYSTORE``, else ``~/.config/dataguard/keystore.json``."""
    configured = os.environ.get("DATAGUARD_KEYSTORE")
    if configured:
        return Path(configured)
    return Path.home() / ".config" / "dataguard" / "keystore.json"
