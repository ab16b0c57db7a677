"""Key-encryption keys (KEKs): the provider interface, the passphrase KEK and the registry.

.. warning:: hazmat (see :mod:`dataguard.crypto.hazmat`). A KEK wraps data-encryption keys;
   the keystore (:mod:`dataguard.crypto.keystore`) decides what to wrap, under which
   associated data, and where the wrapped keys live. Call the keystore, not this module.

Envelope encryption (standards.md §3): a data-encryption key (DEK) encrypts the data; a
key-encryption key (KEK) wraps the DEK, and only the wrapped DEK is ever written down
(Ele.me 5.7: keys are never stored in plaintext locally). The KEK lives somewhere else: in
the user's head (a passphrase), or in a KMS that never lets it out. That is also how
GB/T 35273-2020 §6.2 wants re-identification keys kept: apart from the data they protect,
under separate access control.

Providers are chosen by the scheme of a URI (:func:`open_kek`):

``file:``
    the KEK is derived from a passphrase with scrypt or Argon2id (:class:`FileKek`); the
    keystore file holds the KDF name, its parameters and the salt, never the key.
``fake-kms://NAME``
    :mod:`dataguard.testing.fake_kms`, an in-memory KMS for tests only.
``aws-kms://<key id, ARN or alias>``
    :mod:`dataguard.crypto.hazmat.aws_kms`, AWS KMS through boto3 (``dataguard[aws]``;
    imported only when used).
any other scheme
    a factory registered in the ``dataguard.kms`` entry-point group under the scheme's name
    (Vault Transit, Alibaba KMS, an HSM)::

        [project.entry-points."dataguard.kms"]
        vault-transit = "my_package.kms:open_vault_kek"

    The factory is called as ``factory(uri, passphrase=…, keystore_meta=…, suite=…,
    **options)``; it must accept (and may ignore) every keyword, and return an object
    that satisfies :class:`KeyEncryptionKey`. ``docs/keys.md`` has a complete example.

A provider may expose a ``meta`` attribute: a JSON-serialisable mapping of non-secret
parameters (a key version, a region). The keystore stores it beside the URI and passes it
back as ``keystore_meta`` when it is opened again.

Passphrases come from :class:`PassphraseSource`: an environment variable, an inherited file
descriptor or an interactive prompt, never a command-line argument (``ps`` and shell history
show those to everyone) and never a plain file (a passphrase in a file is a key in
plaintext on disk).

Errors: user mistakes (no passphrase, a wrong passphrase, an unknown scheme, weak KDF
parameters) raise :class:`~dataguard.errors.UsageError` saying what to do; every failure to
unwrap raises :class:`~dataguard.errors.InvalidToken` with no detail (architecture.md,
convention 7).
"""

from __future__ import annotations

import base64
import binascii
import getpass as _getpass
import hmac
import os
import secrets
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any, Literal, Protocol, runtime_checkable
from urllib.parse import parse_qsl, urlsplit

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from dataguard.crypto.hazmat import suites
from dataguard.crypto.hazmat.policy import check_algorithm
from dataguard.crypto.hazmat.suites import NONCE_SIZE, TAG_SIZE, Suite
from dataguard.errors import InvalidToken, UsageError

__all__ = [
    "ARGON2ID_DEFAULTS",
    "ENTRY_POINT_GROUP",
    "ENV_VAR",
    "KDFS",
    "SALT_SIZE",
    "SCRYPT_DEFAULTS",
    "FileKek",
    "KeyEncryptionKey",
    "PassphraseSource",
    "derive_kek",
    "kek_schemes",
    "make_check",
    "open_file_kek",
    "open_kek",
    "verify_check",
]

#: The entry-point group third-party KEK providers register under (name = URI scheme).
ENTRY_POINT_GROUP = "dataguard.kms"
#: The environment variable :meth:`PassphraseSource.from_env` reads by default.
ENV_VAR = "DATAGUARD_KEYSTORE_PASSPHRASE"
#: The key-derivation functions a file KEK may use.
KDFS = ("scrypt", "argon2id")
#: Salt size of a file KEK, fresh for every derivation of a new KEK (RFC 7914 §6 / RFC 9106
#: §3.1 recommend at least 16 bytes).
SALT_SIZE = 16

# ref. RFC 7914 (scrypt); OWASP Password Storage Cheat Sheet: N=2^17, r=8, p=1 is the
# recommended setting (128 MiB), and nothing below N=2^15 is acceptable.
SCRYPT_DEFAULTS: Mapping[str, int] = {"n": 2**17, "r": 8, "p": 1}
_SCRYPT_MIN_N = 2**15
_SCRYPT_MAX_MEMORY = 2**30  # 128 * r * n bytes: refuse a keystore that asks for > 1 GiB
# ref. RFC 9106 §4 (Argon2id), OWASP Password Storage Cheat Sheet: the first recommended
# setting is 3 passes over 64 MiB with one lane; the floor is 19 MiB and 2 passes.
ARGON2ID_DEFAULTS: Mapping[str, int] = {"time_cost": 3, "memory_kib": 65536, "parallelism": 1}
_ARGON2ID_MIN_MEMORY_KIB = 19 * 1024
_ARGON2ID_MIN_TIME_COST = 2
_ARGON2ID_MAX_MEMORY_KIB = 4 * 1024 * 1024

#: Wrapped-key layout version of :class:`FileKek`.
_FILE_KEK_VERSION = 1
#: Longest passphrase read from a file descriptor; a longer input is refused, not cut.
_MAX_PASSPHRASE_BYTES = 64 * 1024
#: The known value a keystore wraps so that a wrong passphrase is told apart early.
_CHECK_VALUE = b"dataguard keystore check, format 1"


# -- the interface ----------------------------------------------------------------------------


@runtime_checkable
class KeyEncryptionKey(Protocol):
    """What a KEK provider gives the keystore: wrap and unwrap DEKs, nothing else.

    ``uri`` names the KEK without secrets (it is written into the keystore file and into
    messages). ``wrap`` returns an opaque blob; ``unwrap`` returns the DEK, or raises
    :class:`~dataguard.errors.InvalidToken` for any failure (a wrong key, a tampered blob,
    other associated data, a KMS that refuses), without detail. *aad* binds the wrapped
    key to its identity (key id, version, scope): unwrapping with other associated data
    fails.
    """

    @property
    def uri(self) -> str:
        """The KEK's URI, without secrets."""
        ...

    def wrap(self, dek: bytes, aad: bytes) -> bytes:
        """The DEK encrypted and authenticated under this KEK, bound to *aad*."""
        ...

    def unwrap(self, wrapped: bytes, aad: bytes) -> bytes:
        """The DEK of :meth:`wrap`'s output; :class:`InvalidToken` for any failure."""
        ...


KekFactory = Callable[..., KeyEncryptionKey]


# -- passphrases ------------------------------------------------------------------------------


def _passphrase_bytes(value: str | bytes) -> bytes:
    # A str is NFC-normalised (RFC 8265's OpaqueString profile does the same), so the same
    # passphrase typed on macOS and on Linux derives the same key.
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).encode("utf-8")
    return bytes(value)


@dataclass(frozen=True)
class PassphraseSource:
    """Where a keystore passphrase comes from. Build one with a ``from_…`` constructor.

    * :meth:`from_env`: an environment variable (default ``DATAGUARD_KEYSTORE_PASSPHRASE``),
      for services started by a secrets manager;
    * :meth:`from_fd`: an inherited file descriptor (the CLI's ``--passphrase-fd N``), read
      until a newline or the end, then closed: ``dataguard … --passphrase-fd 3
      3< <(vault kv get -field=passphrase secret/dataguard)``;
    * :meth:`from_prompt`: an interactive prompt (:func:`getpass.getpass`), asked twice when
      a new passphrase is set;
    * :meth:`from_value`: a passphrase a library caller already holds in memory.

    There is deliberately no "from argument" and no "from file": arguments are visible to
    every user through ``ps`` and shell history, and a passphrase in a file is a key in
    plaintext on disk (Ele.me 5.7). An empty passphrase is refused by every source. The
    passphrase is only ever held in memory, and only until the KEK is derived.
    """

    kind: Literal["env", "fd", "prompt", "value"]
    env_var: str = ENV_VAR
    fd: int = -1
    prompt: str = "Keystore passphrase: "
    getpass: Callable[[str], str] = field(default=_getpass.getpass, repr=False)
    value: bytes = field(default=b"", repr=False)

    @classmethod
    def from_env(cls, name: str = ENV_VAR) -> PassphraseSource:
        """The passphrase in environment variable *name*."""
        return cls(kind="env", env_var=name)

    @classmethod
    def from_fd(cls, fd: int) -> PassphraseSource:
        """The passphrase on file descriptor *fd*: up to a newline or the end; then closed."""
        if not isinstance(fd, int) or isinstance(fd, bool) or fd < 0:
            raise UsageError(f"--passphrase-fd needs a file descriptor number, not {fd!r}")
        return cls(kind="fd", fd=fd)

    @classmethod
    def from_prompt(
        cls,
        prompt: str = "Keystore passphrase: ",
        *,
        getpass: Callable[[str], str] = _getpass.getpass,
    ) -> PassphraseSource:
        """An interactive prompt; *getpass* is a test seam (default :func:`getpass.getpass`)."""
        return cls(kind="prompt", prompt=prompt, getpass=getpass)

    @classmethod
    def from_value(cls, value: str | bytes) -> PassphraseSource:
        """A passphrase already in memory (e.g. fetched by the caller from a secrets manager)."""
        return cls(kind="value", value=_passphrase_bytes(value))

    def describe(self) -> str:
        """Where the passphrase comes from, for messages (never the passphrase)."""
        return {
            "env": f"environment variable {self.env_var}",
            "fd": f"file descriptor {self.fd}",
            "prompt": "the prompt",
            "value": "the caller",
        }[self.kind]

    def read(self, *, confirm: bool = False) -> bytes:
        """The passphrase as bytes (UTF-8, NFC); *confirm* asks a prompt twice (a new one).

        Raises :class:`UsageError` when the source is unset, unreadable or empty, or when
        the two answers of a confirmed prompt differ.
        """
        if self.kind == "env":
            raw = os.environ.get(self.env_var, "")
            if not raw:
                raise UsageError(
                    f"no keystore passphrase: {self.env_var} is unset or empty; set it, or "
                    "pass the passphrase on a file descriptor (--passphrase-fd N)"
                )
            data = _passphrase_bytes(raw)
        elif self.kind == "fd":
            data = _read_fd(self.fd)
        elif self.kind == "prompt":
            data = _passphrase_bytes(self.getpass(self.prompt))
            if confirm and data:
                again = _passphrase_bytes(self.getpass("Repeat the passphrase: "))
                if not hmac.compare_digest(data, again):
                    raise UsageError("the two passphrases differ; nothing was changed, try again")
        else:
            data = self.value
        if not data:
            raise UsageError(
                f"the keystore passphrase from {self.describe()} is empty; an empty "
                "passphrase protects nothing, give a real one"
            )
        return data


def _read_fd(fd: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        try:
            while True:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                newline = chunk.find(b"\n")
                if newline >= 0:
                    chunks.append(chunk[:newline])
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > _MAX_PASSPHRASE_BYTES:
                    raise UsageError(
                        f"file descriptor {fd} holds more than {_MAX_PASSPHRASE_BYTES} bytes "
                        "without a newline; pass the passphrase alone, on one line"
                    )
        finally:
            os.close(fd)
    except OSError as exc:
        raise UsageError(
            f"cannot read the keystore passphrase from file descriptor {fd}: {exc.strerror}; "
            f"open it for the command, e.g. `--passphrase-fd {fd} {fd}< <(…)`"
        ) from None
    data = b"".join(chunks)
    return data[:-1] if data.endswith(b"\r") else data


# -- key derivation ---------------------------------------------------------------------------


def _int_param(kdf: str, params: Mapping[str, Any], name: str) -> int:
    value = params.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise UsageError(f"{kdf} parameter {name!r} must be an integer, not {value!r}")
    return value


def _checked_params(kdf: str, params: Mapping[str, Any] | None) -> dict[str, int]:
    """*params* completed with the defaults and checked against the floors and ceilings."""
    check_algorithm(kdf)  # a weak name (md5, sha1 …) gets the crypto policy's reason
    if kdf == "scrypt":
        merged = {**SCRYPT_DEFAULTS, **(params or {})}
        if set(merged) != set(SCRYPT_DEFAULTS):
            raise UsageError(f"scrypt takes the parameters n, r and p, not {sorted(merged)}")
        n, r, p = (_int_param(kdf, merged, k) for k in ("n", "r", "p"))
        if n < _SCRYPT_MIN_N or n & (n - 1):
            raise UsageError(
                f"scrypt n={n} is too weak or not a power of two: use a power of two of at "
                f"least 2^15 = {_SCRYPT_MIN_N} (default 2^17, OWASP)"
            )
        if r < 8 or not 1 <= p <= 16:
            raise UsageError(f"scrypt needs r ≥ 8 and 1 ≤ p ≤ 16, not r={r}, p={p}")
        if 128 * r * n > _SCRYPT_MAX_MEMORY:
            raise UsageError(f"scrypt n={n}, r={r} needs more than 1 GiB of memory; lower n")
        return {"n": n, "r": r, "p": p}
    if kdf == "argon2id":
        merged = {**ARGON2ID_DEFAULTS, **(params or {})}
        if set(merged) != set(ARGON2ID_DEFAULTS):
            raise UsageError(
                "argon2id takes the parameters time_cost, memory_kib and parallelism, "
                f"not {sorted(merged)}"
            )
        t, m, lanes = (_int_param(kdf, merged, k) for k in ARGON2ID_DEFAULTS)
        if t < _ARGON2ID_MIN_TIME_COST or m < _ARGON2ID_MIN_MEMORY_KIB:
            raise UsageError(
                f"argon2id time_cost={t}, memory_kib={m} is too weak: use at least time_cost "
                f"{_ARGON2ID_MIN_TIME_COST} and {_ARGON2ID_MIN_MEMORY_KIB} KiB (OWASP)"
            )
        if not 1 <= lanes <= 16 or m > _ARGON2ID_MAX_MEMORY_KIB or t > 64:
            raise UsageError(
                f"argon2id needs 1 ≤ parallelism ≤ 16, memory_kib ≤ {_ARGON2ID_MAX_MEMORY_KIB} "
                f"and time_cost ≤ 64, not {lanes}, {m} and {t}"
            )
        return {"time_cost": t, "memory_kib": m, "parallelism": lanes}
    raise UsageError(f"unknown key-derivation function {kdf!r}; choose one of {', '.join(KDFS)}")


def derive_kek(
    passphrase: bytes, kdf: str, params: Mapping[str, Any], salt: bytes, length: int
) -> bytes:
    """The KEK derived from *passphrase*: *length* bytes of scrypt or Argon2id.

    *params* are checked (:data:`SCRYPT_DEFAULTS`, :data:`ARGON2ID_DEFAULTS` and the OWASP
    floors); *salt* has at least :data:`SALT_SIZE` bytes.
    """
    checked = _checked_params(kdf, params)
    if len(salt) < SALT_SIZE:
        raise UsageError(f"a KEK salt has at least {SALT_SIZE} bytes; the keystore is damaged")
    if kdf == "scrypt":
        return Scrypt(
            salt=salt, length=length, n=checked["n"], r=checked["r"], p=checked["p"]
        ).derive(passphrase)
    return Argon2id(
        salt=salt,
        length=length,
        iterations=checked["time_cost"],
        lanes=checked["parallelism"],
        memory_cost=checked["memory_kib"],
    ).derive(passphrase)


# -- the file (passphrase) KEK ----------------------------------------------------------------


class FileKek:
    """A KEK derived from a passphrase; the keystore file carries its salt and parameters.

    The KEK is ``KDF(passphrase, salt, params)``, as long as the suite's key: 32 bytes for
    ``intl`` (AES-256-GCM), 16 for ``gm`` (SM4-GCM). A wrapped key is::

        version (1 byte, = 1) || nonce (12 random bytes) || AEAD ciphertext || tag (16 bytes)

    with the suite's AEAD under the KEK and the caller's associated data. :attr:`meta`
    (stored in the keystore) is ``{"kdf", "params", "salt"}``, the salt in base64; the key
    itself is only ever in this object's memory.
    """

    def __init__(
        self,
        key: bytes,
        *,
        suite_name: str,
        kdf: str,
        params: Mapping[str, int],
        salt: bytes,
        source: str = "the caller",
    ) -> None:
        self._suite: Suite = suites.suite(suite_name)
        if len(key) != self._suite.dek_size:
            raise ValueError(f"a {suite_name} KEK is {self._suite.dek_size} bytes, not {len(key)}")
        self._key = key
        self._kdf = kdf
        self._params = dict(params)
        self._salt = base64.b64encode(salt).decode("ascii")
        #: Where the passphrase came from, for the wrong-passphrase message.
        self.source = source

    def __repr__(self) -> str:
        return f"FileKek(suite={self._suite.name!r}, kdf={self._kdf!r})"

    @property
    def uri(self) -> str:
        """Always ``file:``: the KEK lives in the keystore's passphrase, not at an address."""
        return "file:"

    @property
    def meta(self) -> dict[str, Any]:
        """The KDF name, parameters and salt (base64): what the keystore stores."""
        return {"kdf": self._kdf, "params": dict(self._params), "salt": self._salt}

    def wrap(self, dek: bytes, aad: bytes) -> bytes:
        """``1 || nonce || AEAD(KEK, nonce, dek, aad)`` (see the class docstring)."""
        nonce = secrets.token_bytes(NONCE_SIZE)
        return bytes([_FILE_KEK_VERSION]) + nonce + self._suite.seal(self._key, nonce, dek, aad)

    def unwrap(self, wrapped: bytes, aad: bytes) -> bytes:
        """The DEK of :meth:`wrap`; :class:`InvalidToken` for any failure."""
        if len(wrapped) < 1 + NONCE_SIZE + TAG_SIZE or wrapped[0] != _FILE_KEK_VERSION:
            raise InvalidToken
        nonce = wrapped[1 : 1 + NONCE_SIZE]
        return self._suite.open(self._key, nonce, wrapped[1 + NONCE_SIZE :], aad)


def _b64decode(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise UsageError(f"the keystore's {what} is missing or not base64; the file is damaged")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise UsageError(f"the keystore's {what} is not base64; the file is damaged") from None


def open_file_kek(
    uri: str,
    *,
    passphrase: PassphraseSource | None = None,
    keystore_meta: Mapping[str, Any] | None = None,
    suite: str = "intl",
    kdf: str = "scrypt",
    kdf_params: Mapping[str, Any] | None = None,
    **_options: Any,
) -> FileKek:
    """The ``file:`` provider: a KEK derived from the passphrase.

    With *keystore_meta* (``{"kdf", "params", "salt"}`` as :attr:`FileKek.meta` gave it)
    the existing KEK is derived again. Without, a new KEK is made: a fresh random salt,
    *kdf* with *kdf_params* (defaults: scrypt N=2^17, r=8, p=1; Argon2id 3 passes, 64 MiB,
    1 lane), and a prompt asks the passphrase twice.
    """
    if uri not in ("file:", "file://"):
        raise UsageError(
            f"the file KEK takes no address ({uri!r}): its key is derived from the passphrase "
            "and its salt lives in the keystore; write `file:`"
        )
    if passphrase is None:
        raise UsageError(
            f"this keystore's KEK is derived from a passphrase; set {ENV_VAR}, pass "
            "--passphrase-fd N, or answer the prompt"
        )
    size = suites.suite(suite).dek_size
    if keystore_meta is None:
        params = _checked_params(kdf, kdf_params)
        salt = secrets.token_bytes(SALT_SIZE)
        secret = passphrase.read(confirm=True)
    else:
        stored_kdf = keystore_meta.get("kdf")
        if not isinstance(stored_kdf, str):
            raise UsageError("the keystore's KEK names no key-derivation function; it is damaged")
        kdf = stored_kdf
        raw_params = keystore_meta.get("params")
        if not isinstance(raw_params, Mapping):
            raise UsageError("the keystore's KEK has no KDF parameters; it is damaged")
        params = _checked_params(kdf, raw_params)
        salt = _b64decode(keystore_meta.get("salt"), "KEK salt")
        secret = passphrase.read()
    key = derive_kek(secret, kdf, params, salt, size)
    return FileKek(
        key, suite_name=suite, kdf=kdf, params=params, salt=salt, source=passphrase.describe()
    )


# -- the passphrase / KEK check ---------------------------------------------------------------


def _check_aad(context: str) -> bytes:
    return b"dataguard.kek.check\x00" + context.encode("utf-8")


def make_check(kek: KeyEncryptionKey, context: str) -> bytes:
    """A known value wrapped under *kek*, bound to *context* (the keystore's id and suite).

    Stored in the keystore so that :func:`verify_check` can tell a wrong passphrase (or a
    wrong KMS key) at open time, rather than as an opaque failure on first use. The value
    is a constant, not key material.
    """
    return kek.wrap(_CHECK_VALUE, _check_aad(context))


def verify_check(kek: KeyEncryptionKey, blob: bytes, context: str, *, where: str) -> None:
    """Nothing if *kek* unwraps *blob*; else a :class:`UsageError` about keystore *where*.

    For a passphrase KEK the message is "wrong passphrase for keystore …": the one place
    where saying why is right, because the user can fix it and the check value is no
    secret.
    """
    try:
        ok = hmac.compare_digest(kek.unwrap(blob, _check_aad(context)), _CHECK_VALUE)
    except InvalidToken:
        ok = False
    if ok:
        return
    if isinstance(kek, FileKek):
        raise UsageError(
            f"wrong passphrase for keystore {where} (passphrase from {kek.source}); "
            "give the passphrase the keystore was created or last re-keyed with"
        )
    raise UsageError(
        f"the KEK {kek.uri} cannot open keystore {where}: it is not the key the keystore was "
        "wrapped with, or the KMS refused; check the KEK URI and your KMS permissions"
    )


# -- the registry -----------------------------------------------------------------------------

_SECRET_QUERY_KEYS = frozenset(
    {"password", "passwd", "pwd", "token", "secret", "secret_key", "access_key", "credential"}
)
_BUILTINS: dict[str, str] = {
    "file": "dataguard.crypto.hazmat.kek:open_file_kek",
    "fake-kms": "dataguard.testing.fake_kms:open_fake_kek",
    "aws-kms": "dataguard.crypto.hazmat.aws_kms:open_aws_kek",  # needs boto3: dataguard[aws]
}


def _load(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(import_module(module), name)


def _plugin_entry_points() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def kek_schemes() -> list[str]:
    """Every URI scheme :func:`open_kek` knows: built-ins and ``dataguard.kms`` entry points."""
    return sorted(set(_BUILTINS) | set(_plugin_entry_points()))


def _scheme(uri: str) -> str:
    if not isinstance(uri, str) or ":" not in uri:
        raise UsageError(
            f"a KEK is named by a URI such as `file:` or `aws-kms://…`, not {uri!r}; "
            f"known schemes: {', '.join(kek_schemes())}"
        )
    parts = urlsplit(uri)
    secret_params = {k.lower() for k, _ in parse_qsl(parts.query)} & _SECRET_QUERY_KEYS
    if parts.password is not None or secret_params:
        raise UsageError(
            "the KEK URI contains a password or token; URIs are stored in the keystore and "
            "shown in messages, so give credentials to the KMS client (its environment or "
            "config file)"
        )
    return uri.split(":", 1)[0].lower()


def _factory(scheme: str) -> KekFactory:
    if scheme in _BUILTINS:
        factory: KekFactory = _load(_BUILTINS[scheme])
        return factory
    plugins = _plugin_entry_points()
    ep = plugins.get(scheme)
    if ep is None:
        raise UsageError(
            f"unknown KEK scheme {scheme!r}; known schemes: {', '.join(kek_schemes())} "
            f"(third-party providers register in the {ENTRY_POINT_GROUP!r} entry-point group)"
        )
    try:
        loaded: KekFactory = ep.load()
    except Exception as exc:
        raise UsageError(
            f"the KEK provider {scheme!r} ({ep.value}) cannot be loaded: {type(exc).__name__}; "
            "reinstall the package that provides it"
        ) from exc
    if not callable(loaded):
        raise UsageError(f"the KEK provider {scheme!r} ({ep.value}) is not a factory")
    return loaded


def open_kek(
    uri: str,
    *,
    passphrase: PassphraseSource | None = None,
    keystore_meta: Mapping[str, Any] | None = None,
    suite: str = "intl",
    **options: Any,
) -> KeyEncryptionKey:
    """The KEK named by *uri*, from the provider its scheme selects.

    *keystore_meta* is what the provider's ``meta`` gave when the keystore was created
    (``None`` for a new KEK); *suite* is the keystore's suite (``intl`` or ``gm``);
    *options* go to the provider as keywords (for ``file:``: ``kdf`` and ``kdf_params``
    of a new KEK; for ``fake-kms:``: ``kms``, the fake instance; for ``aws-kms:``:
    ``client``, ``region``, ``endpoint_url``, ``profile``). Built-in schemes win over
    entry points of the same name. Raises :class:`UsageError` for an unknown scheme (the
    message lists the known ones), a URI holding a password, or a provider that does not
    return a :class:`KeyEncryptionKey`.
    """
    scheme = _scheme(uri)
    factory = _factory(scheme)
    kek = factory(uri, passphrase=passphrase, keystore_meta=keystore_meta, suite=suite, **options)
    if not isinstance(kek, KeyEncryptionKey):
        raise UsageError(
            f"the KEK provider {scheme!r} returned {type(kek).__name__}, which has no uri, "
            "wrap and unwrap; fix or update the provider"
        )
    return kek
