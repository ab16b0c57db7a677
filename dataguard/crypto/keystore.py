"""The keystore: a keyring's data-encryption keys, each wrapped by a KEK, in one JSON file.

Envelope encryption (standards.md §3): every DEK is written down only wrapped by the
keystore's key-encryption key (:mod:`dataguard.crypto.hazmat.kek`): a passphrase-derived
KEK (``file:``) or a KMS key. The file never holds a plaintext key (Ele.me 5.7), and it is
meant to be stored apart from the data it protects, under its own access control
(GB/T 35273-2020 §6.2). Rotating the KEK re-wraps every DEK without touching data; rotating
a DEK adds a version and keeps the old one readable; destroying a DEK (crypto-shredding,
standards.md §6) removes every wrapped copy the keystore keeps.

File format (``"format": 1``; UTF-8 JSON; binary values are standard base64)::

    {
      "format": 1,
      "keystore_id": "<22 chars, URL-safe base64 of 16 random bytes>",
      "suite": "intl" | "gm",
      "generation": <int, +1 on every save>,
      "kek": {"uri": "file:", "kdf": "scrypt", "params": {"n": 131072, "r": 8, "p": 1},
              "salt": "<base64>"},                 # or {"uri": "fake-kms://…", …provider meta}
      "check": "<base64: a known constant wrapped by the KEK>",
      "index_key": "<base64: the wrapped 32-byte key of the subject-scope HMAC>",
      "keys": [
        {"id": "<22 chars>", "scope": "orders.receiver_phone", "version": 1,
         "state": "active" | "retired" | "destroyed", "created": "2025-01-31T08:00:00Z",
         "wrapped": "<base64>" | null, "destroyed": "<timestamp>"  (destroyed keys only)}
      ]
    }

* ``kek`` describes the KEK (URI, and for ``file:`` the KDF name, parameters and salt),
  never the key. ``check`` lets a wrong passphrase be reported as such at open time.
* A key's ``id`` is random (it names the key inside every ciphertext, so it must say
  nothing about the scope); ``version`` counts its rotations. One version per scope is
  ``active`` (new data), older ones are ``retired`` (still decrypt), ``destroyed`` ones have
  no ``wrapped`` value left.
* Scopes: a purpose (``orders.receiver_phone``: letters, digits, ``_``, ``-``, dot-separated)
  is stored as is. A data subject's scope is written ``subject:<subject id>`` in the API;
  a subject id is personal data, so the file stores ``subject-hmac:<base64url of
  HMAC(index key, subject id)>`` (HMAC-SHA-256, or HMAC-SM3 for ``gm``) under a key that is
  itself wrapped by the KEK. When a subject's key is destroyed its scope becomes ``null``:
  the tombstone keeps the id and dates, for the destruction certificate, and nothing else.
* Every wrapped value is bound to its place by the KEK's associated data::

      DEK:        "dataguard.keystore/1" 0x00 "dek" 0x00 keystore_id 0x00 suite 0x00 id
                  0x00 version 0x00 scope
      index key:  "dataguard.keystore/1" 0x00 "index" 0x00 keystore_id 0x00 suite

  so a wrapped DEK copied to another key id, version, scope or keystore does not unwrap.
  The other fields (``state``, dates) are not authenticated: whoever can write the file
  can also delete keys from it, so guard it by file permissions.

Writing (crash safety). :meth:`Keystore.save` holds an exclusive ``fcntl.flock`` on
``PATH.lock`` (a separate file, never deleted: deleting a lock file races) and refuses to
overwrite a generation other than the one it read (another process saved meanwhile). Then:

1. write the new generation to a fresh temporary file in the same directory (mode 0600),
   and ``fsync`` it;
2. write the bytes ``PATH.prev`` should hold to another temporary file and ``fsync`` it:
   normally the current file's bytes; after :meth:`~Keystore.destroy` or
   :meth:`~Keystore.rotate_kek`, the new generation itself, so that no copy of a destroyed
   key (or of a key under a retired KEK) stays behind;
3. ``os.replace`` the second temporary file over ``PATH.prev``; ``fsync`` the directory;
4. ``os.replace`` the first over ``PATH``; ``fsync`` the directory.

``PATH`` is never renamed away and only ever replaced by a complete, synced file, so a crash
at any point leaves ``PATH`` holding either the old or the new generation; ``PATH.prev``
is likewise always a complete generation. A crash can leave a temporary file
(``.NAME.*.tmp``) behind: it holds nothing the keystore does not (only wrapped keys), and
the next save deletes it. A failed write (``ENOSPC``, a read-only file system) removes the
temporary files, leaves ``PATH`` as it was, and raises :class:`UsageError`; the changes stay
in memory, so :meth:`~Keystore.save` can be called again once there is space.

Readers take no lock: ``os.replace`` is atomic, so a reader sees one whole generation.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import glob
import json
import os
import re
import secrets
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

from dataguard.crypto.hazmat import suites
from dataguard.crypto.hazmat.kek import (
    FileKek,
    KeyEncryptionKey,
    PassphraseSource,
    make_check,
    open_kek,
    verify_check,
)
from dataguard.errors import InvalidToken, UsageError

if sys.platform != "win32":
    import fcntl

__all__ = ["FORMAT", "KeyInfo", "KeyRef", "Keystore", "State"]

#: The keystore file format this module reads and writes.
FORMAT = 1
State = Literal["active", "retired", "destroyed"]
_STATES: tuple[State, ...] = ("active", "retired", "destroyed")

_SUBJECT = "subject:"
_STORED_SUBJECT = "subject-hmac:"
_PURPOSE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_][A-Za-z0-9_-]*)*\Z")
_MAX_SCOPE = 200
_MAX_SUBJECT = 1024
_ID = re.compile(r"[A-Za-z0-9_-]{22}\Z")
_STORED_SCOPE = re.compile(r"subject-hmac:[A-Za-z0-9_-]{43}\Z")
_AAD_PREFIX = "dataguard.keystore/1"
_INDEX_KEY_SIZE = 32
_MAX_VERSION = 0xFFFFFFFF  # the wire format's uint32 key_version
_LOCK_POLL = 0.05


@dataclass(frozen=True)
class KeyRef:
    """A DEK's name: its random id and its version (what a ciphertext records)."""

    id: str
    version: int


@dataclass(frozen=True)
class KeyInfo:
    """What :meth:`Keystore.keys` tells about a DEK: everything but key material.

    ``scope`` is a purpose as given, ``subject-hmac:…`` for a subject's key, and ``None``
    for a destroyed subject key. Timestamps are UTC, ``YYYY-MM-DDTHH:MM:SSZ``.
    """

    id: str
    version: int
    scope: str | None
    state: State
    created: str
    destroyed: str | None = None


@dataclass
class _Entry:
    id: str
    scope: str | None
    version: int
    state: State
    created: str
    wrapped: bytes | None
    destroyed: str | None = None

    def live(self) -> bool:
        return self.state != "destroyed"

    def ref(self) -> KeyRef:
        return KeyRef(self.id, self.version)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _source(passphrase: PassphraseSource | str | bytes | None) -> PassphraseSource | None:
    if passphrase is None or isinstance(passphrase, PassphraseSource):
        return passphrase
    return PassphraseSource.from_value(passphrase)


def _scheme(uri: str) -> str:
    return uri.split(":", 1)[0].lower() if isinstance(uri, str) else ""


def _is_subject(scope: str) -> bool:
    return scope.startswith(_SUBJECT)


def _show(scope: str) -> str:
    # A subject id is personal data: it never appears in a message (architecture.md §6).
    return "a subject scope (not shown)" if _is_subject(scope) else f"scope {scope!r}"


# -- files ------------------------------------------------------------------------------------


def _prev_path(path: Path) -> Path:
    return path.with_name(path.name + ".prev")


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(f"cannot read keystore {path}: {exc.strerror}") from None


def _write_temp(path: Path, data: bytes) -> str:
    """A synced temporary file beside *path* holding *data* (mode 0600, from mkstemp)."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    os.close(fd)
    return name


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as exc:  # some file systems cannot sync a directory; the rename stands
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _write_error(path: Path, exc: OSError, *, committed: bool) -> UsageError:
    if committed:
        return UsageError(
            f"keystore {path} was saved, but its directory could not be synced "
            f"({exc.strerror}); check the disk, then open the keystore to confirm it"
        )
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        why = "the disk is full (or the quota is used up)"
    else:
        why = exc.strerror or type(exc).__name__
    return UsageError(
        f"cannot save keystore {path}: {why}. The keystore on disk is unchanged and the "
        "changes are still in memory: free some space (or fix the directory), then save again"
    )


def _commit(path: Path, new: bytes, prev: bytes | None) -> None:
    """Steps 1-4 of the module docstring: PATH is always a whole old or new generation."""
    temps: list[str] = []
    committed = False
    try:
        new_tmp = _write_temp(path, new)
        temps.append(new_tmp)
        if prev is not None:
            prev_tmp = _write_temp(path, prev)
            temps.append(prev_tmp)
            os.replace(prev_tmp, _prev_path(path))
            temps.remove(prev_tmp)
            _fsync_dir(path.parent)
        os.replace(new_tmp, path)
        temps.remove(new_tmp)
        committed = True
        _fsync_dir(path.parent)
    except OSError as exc:
        for name in temps:
            with contextlib.suppress(OSError):
                os.unlink(name)
        raise _write_error(path, exc, committed=committed) from None


def _remove_stale_temps(path: Path) -> None:
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _acquire_lock(path: Path, timeout: float) -> int:
    if sys.platform == "win32":
        raise UsageError("changing a keystore needs POSIX file locking (fcntl.flock)")
    lock = _lock_path(path)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as exc:
        raise UsageError(
            f"cannot lock keystore {path} ({lock}: {exc.strerror}); the keystore's directory "
            "must be writable by whoever changes the keystore"
        ) from None
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                os.close(fd)
                by = f" by process {holder}" if holder.isdigit() else ""
                raise UsageError(
                    f"keystore {path} is locked{by}, which is changing it; wait for it to "
                    "finish and try again"
                ) from None
            time.sleep(_LOCK_POLL)
        except OSError as exc:
            os.close(fd)
            raise UsageError(f"cannot lock keystore {path}: {exc.strerror}") from None
    with contextlib.suppress(OSError):  # the holder's pid, for the message above
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    return fd


def _release_lock(fd: int) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# -- parsing ----------------------------------------------------------------------------------


def _damaged(path: Path, what: str) -> UsageError:
    return UsageError(
        f"keystore {path} is damaged ({what}); restore the previous generation "
        f"({_prev_path(path).name}) or a backup over it"
    )


def _field(doc: Mapping[str, Any], name: str, kind: type, path: Path) -> Any:
    value = doc.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _damaged(path, f"field {name!r} is missing or not a {kind.__name__}")
    return value


def _unb64(value: Any, what: str, path: Path) -> bytes:
    if not isinstance(value, str):
        raise _damaged(path, f"{what} is missing")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _damaged(path, f"{what} is not base64") from None


def _parse(path: Path, data: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _damaged(path, "not JSON") from None
    if not isinstance(doc, dict):
        raise _damaged(path, "not a JSON object")
    fmt = doc.get("format")
    if fmt != FORMAT:
        raise UsageError(
            f"keystore {path} has format {fmt!r}; this dataguard reads format {FORMAT}: "
            "upgrade dataguard (or check that the path is a dataguard keystore)"
        )
    return doc


def _entry(raw: Any, path: Path) -> _Entry:
    if not isinstance(raw, dict):
        raise _damaged(path, "a key is not a JSON object")
    key_id = _field(raw, "id", str, path)
    version = _field(raw, "version", int, path)
    state = raw.get("state")
    scope = raw.get("scope")
    if not _ID.match(key_id) or not 1 <= version <= _MAX_VERSION or state not in _STATES:
        raise _damaged(path, "a key has a bad id, version or state")
    if not (scope is None and state == "destroyed") and not (
        isinstance(scope, str) and (_PURPOSE.match(scope) or _STORED_SCOPE.match(scope))
    ):
        raise _damaged(path, f"key {key_id} has a bad scope")
    wrapped = None
    if state != "destroyed":
        wrapped = _unb64(raw.get("wrapped"), f"key {key_id} v{version}", path)
    destroyed = raw.get("destroyed")
    return _Entry(
        id=key_id,
        scope=scope,
        version=version,
        state=cast(State, state),
        created=_field(raw, "created", str, path),
        wrapped=wrapped,
        destroyed=destroyed if isinstance(destroyed, str) else None,
    )


def _generation_of(path: Path, data: bytes) -> int:
    generation: int = _field(_parse(path, data), "generation", int, path)
    return generation


# -- the keystore -----------------------------------------------------------------------------


class Keystore:
    """A keyring's DEKs in one file, wrapped by one KEK (the module docstring has the format).

    Build one with :meth:`create`, :meth:`open` or :meth:`locked`. Changes (:meth:`add_key`,
    :meth:`rotate_key`, :meth:`rotate_kek`, :meth:`destroy`) are made in memory and written
    by :meth:`save`; :meth:`locked` saves on leaving its block. :meth:`key` unwraps a DEK on
    every call and never caches it: plaintext keys exist only in the caller's memory
    (Ele.me 5.7), so cache in the recipe that uses them, not here.

    Concurrency: :meth:`save` takes an exclusive ``flock`` on ``PATH.lock`` and refuses to
    write over a generation it did not read, so a concurrent change is never lost: the
    second writer gets a :class:`UsageError` and repeats its change. Writers that must not
    fail, such as two processes rotating, use :meth:`locked`, which holds the lock from
    reading to writing, so they run one after the other.

    Parameters common to the constructors: *passphrase* (a :class:`PassphraseSource`, or a
    ``str``/``bytes`` already in memory) for a ``file:`` KEK; *kek_options*, keywords for
    the KEK provider (e.g. ``{"kms": FakeKms()}``); *clock*, the source of timestamps (a
    test seam); *lock_timeout*, seconds to wait for another writer.
    """

    def __init__(
        self,
        path: Path,
        *,
        suite: str,
        keystore_id: str,
        kek: KeyEncryptionKey,
        index_key: bytes,
        entries: list[_Entry],
        generation: int,
        wrapped_index: bytes | None = None,
        check: bytes | None = None,
        kek_options: Mapping[str, Any] | None = None,
        clock: Callable[[], datetime] | None,
        lock_timeout: float,
    ) -> None:
        self._path = path
        self._suite = suites.suite(suite)
        self._keystore_id = keystore_id
        self._kek = kek
        self._index_key = index_key
        self._wrapped_index = wrapped_index
        self._check = check
        self._kek_options = dict(kek_options or {})
        self._entries = entries
        self._generation = generation
        self._clock = clock or _utc_now
        self._lock_timeout = lock_timeout
        self._lock_fd: int | None = None
        self._dirty = False
        self._shred = False  # the next save also rewrites PATH.prev (see the module docstring)

    def __repr__(self) -> str:
        return (
            f"Keystore({str(self._path)!r}, suite={self._suite.name!r}, kek={self._kek.uri!r}, "
            f"generation={self._generation}, keys={len(self._entries)})"
        )

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        suite: str = "intl",
        kek_uri: str = "file:",
        passphrase: PassphraseSource | str | bytes | None = None,
        kdf: str = "scrypt",
        *,
        kdf_params: Mapping[str, int] | None = None,
        kek_options: Mapping[str, Any] | None = None,
        clock: Callable[[], datetime] | None = None,
        lock_timeout: float = 30.0,
    ) -> Keystore:
        """A new, empty keystore at *path*, saved (generation 1).

        *suite* is ``intl`` (AES-256-GCM, HMAC-SHA-256) or ``gm`` (SM4-GCM, HMAC-SM3) and
        holds for every key of the keystore. *kek_uri* picks the KEK provider; for
        ``file:``, *kdf* (``scrypt`` or ``argon2id``) and *kdf_params* choose the key
        derivation, and a prompt asks the passphrase twice. Raises :class:`UsageError` if
        *path* (or a lone ``PATH.prev``) already exists or its directory does not.
        """
        target = Path(path)
        suites.suite(suite)
        if not target.parent.is_dir():
            raise UsageError(
                f"cannot create keystore {target}: directory {target.parent} does not exist"
            )
        fd = _acquire_lock(target, lock_timeout)
        try:
            if target.exists():
                raise UsageError(
                    f"a keystore already exists at {target}; open it, or choose another path"
                )
            if _prev_path(target).exists():
                raise UsageError(
                    f"{target} does not exist but {_prev_path(target).name} does: restore it "
                    f"(`mv {_prev_path(target)} {target}`) or remove it before creating a new one"
                )
            options = dict(kek_options or {})
            if _scheme(kek_uri) == "file":
                options.update(kdf=kdf, kdf_params=kdf_params)
            kek = open_kek(
                kek_uri, passphrase=_source(passphrase), keystore_meta=None, suite=suite, **options
            )
            store = cls(
                target,
                suite=suite,
                keystore_id=_b64url(secrets.token_bytes(16)),
                kek=kek,
                index_key=secrets.token_bytes(_INDEX_KEY_SIZE),
                entries=[],
                generation=0,
                kek_options=kek_options,
                clock=clock,
                lock_timeout=lock_timeout,
            )
            store._lock_fd = fd
            try:
                store._save_locked()
            finally:
                store._lock_fd = None
            return store
        finally:
            _release_lock(fd)

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        passphrase: PassphraseSource | str | bytes | None = None,
        *,
        kek_options: Mapping[str, Any] | None = None,
        clock: Callable[[], datetime] | None = None,
        lock_timeout: float = 30.0,
    ) -> Keystore:
        """The keystore at *path*, its KEK opened and checked.

        Raises :class:`UsageError` for a missing or damaged file, an unknown format, and a
        wrong passphrase ("wrong passphrase for keystore …") or KEK; a wrapped value that
        fails to unwrap after the check passed raises :class:`InvalidToken`.
        """
        target = Path(path)
        data = _read_bytes(target)
        if data is None:
            hint = (
                f"; {_prev_path(target).name} exists: restore it with "
                f"`mv {_prev_path(target)} {target}`"
                if _prev_path(target).exists()
                else "; create one with `dataguard keys init`"
            )
            raise UsageError(f"no keystore at {target}{hint}")
        doc = _parse(target, data)
        suite = _field(doc, "suite", str, target)
        if suite not in suites.SUITES:
            raise _damaged(target, f"unknown suite {suite!r}")
        keystore_id = _field(doc, "keystore_id", str, target)
        if not _ID.match(keystore_id):
            raise _damaged(target, "bad keystore_id")
        generation = _field(doc, "generation", int, target)
        kek_doc = _field(doc, "kek", dict, target)
        uri = _field(kek_doc, "uri", str, target)
        check = _unb64(doc.get("check"), "the passphrase check", target)
        wrapped_index = _unb64(doc.get("index_key"), "the index key", target)
        entries = [_entry(raw, target) for raw in _field(doc, "keys", list, target)]
        if len({(e.id, e.version) for e in entries}) != len(entries):
            raise _damaged(target, "a key id and version appear twice")
        meta = {k: v for k, v in kek_doc.items() if k != "uri"}
        options = dict(kek_options or {})
        kek = open_kek(
            uri, passphrase=_source(passphrase), keystore_meta=meta, suite=suite, **options
        )
        verify_check(kek, check, _check_context(keystore_id, suite), where=str(target))
        index_key = kek.unwrap(wrapped_index, _index_aad(keystore_id, suite))
        if len(index_key) != _INDEX_KEY_SIZE:
            raise InvalidToken
        return cls(
            target,
            suite=suite,
            keystore_id=keystore_id,
            kek=kek,
            index_key=index_key,
            entries=entries,
            generation=generation,
            wrapped_index=wrapped_index,
            check=check,
            kek_options=kek_options,
            clock=clock,
            lock_timeout=lock_timeout,
        )

    @classmethod
    @contextlib.contextmanager
    def locked(
        cls,
        path: str | os.PathLike[str],
        passphrase: PassphraseSource | str | bytes | None = None,
        *,
        kek_options: Mapping[str, Any] | None = None,
        clock: Callable[[], datetime] | None = None,
        lock_timeout: float = 30.0,
    ) -> Iterator[Keystore]:
        """The keystore at *path*, opened and held under its write lock for the block.

        Changes are saved when the block ends without an exception, and dropped when it
        raises. Two processes that rotate the same keystore this way run one after the
        other, and the second sees the first's rotation.
        """
        target = Path(path)
        fd = _acquire_lock(target, lock_timeout)
        store: Keystore | None = None
        try:
            store = cls.open(
                target, passphrase, kek_options=kek_options, clock=clock, lock_timeout=lock_timeout
            )
            store._lock_fd = fd
            yield store
            if store._dirty:
                store._save_locked()
        finally:
            if store is not None:
                store._lock_fd = None
            _release_lock(fd)

    # -- properties ---------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        """The keystore file."""
        return self._path

    @property
    def suite(self) -> str:
        """``intl`` or ``gm``."""
        return self._suite.name

    @property
    def kek_uri(self) -> str:
        """The KEK's URI (``file:`` for a passphrase KEK), without secrets."""
        return self._kek.uri

    @property
    def keystore_id(self) -> str:
        """The keystore's random id (bound into every wrapped key)."""
        return self._keystore_id

    @property
    def generation(self) -> int:
        """The generation last read or saved (0 before a new keystore's first save)."""
        return self._generation

    @property
    def dirty(self) -> bool:
        """Whether there are changes that :meth:`save` has not written yet."""
        return self._dirty

    # -- scopes -------------------------------------------------------------------------------

    def _stored_scope(self, scope: str) -> str:
        if not isinstance(scope, str):
            raise UsageError(f"a key scope is a string, not {type(scope).__name__}")
        if _is_subject(scope):
            subject = unicodedata.normalize("NFC", scope[len(_SUBJECT) :])
            if not subject or len(subject) > _MAX_SUBJECT:
                raise UsageError(
                    f"a subject scope is `subject:<subject id>` with an id of 1 to "
                    f"{_MAX_SUBJECT} characters"
                )
            mac = self._suite.mac(
                self._index_key, b"dataguard.keystore.subject\x00" + subject.encode("utf-8")
            )
            return _STORED_SUBJECT + _b64url(mac)
        if len(scope) > _MAX_SCOPE or not _PURPOSE.match(scope):
            raise UsageError(
                f"bad key scope {scope!r}: use a purpose such as `orders.receiver_phone` "
                "(letters, digits, _ and -, dot-separated) or `subject:<subject id>`"
            )
        return scope

    def _live(self, stored: str) -> list[_Entry]:
        return [e for e in self._entries if e.scope == stored and e.live()]

    # -- associated data ----------------------------------------------------------------------

    def _dek_aad(self, entry: _Entry) -> bytes:
        parts = (
            _AAD_PREFIX,
            "dek",
            self._keystore_id,
            self._suite.name,
            entry.id,
            str(entry.version),
            entry.scope or "",
        )
        return "\x00".join(parts).encode("utf-8")

    def _new_entry(self, key_id: str, scope: str, version: int, kek: KeyEncryptionKey) -> _Entry:
        entry = _Entry(
            id=key_id,
            scope=scope,
            version=version,
            state="active",
            created=self._now(),
            wrapped=None,
        )
        entry.wrapped = kek.wrap(self._suite.new_key(), self._dek_aad(entry))
        return entry

    def _now(self) -> str:
        return self._clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    # -- keys ---------------------------------------------------------------------------------

    def add_key(self, scope: str) -> KeyRef:
        """A new DEK (version 1, active) for *scope*; UsageError if the scope has one.

        *scope* is a purpose (``orders.receiver_phone``) or ``subject:<subject id>`` for a
        data subject's own key (crypto-shredding, :meth:`destroy`).
        """
        stored = self._stored_scope(scope)
        if self._live(stored):
            raise UsageError(f"{_show(scope)} already has a key; rotate it with rotate_key")
        known = {e.id for e in self._entries}
        key_id = _b64url(secrets.token_bytes(16))
        while key_id in known or not _ID.match(key_id):  # pragma: no cover - 2^-128
            key_id = _b64url(secrets.token_bytes(16))
        entry = self._new_entry(key_id, stored, 1, self._kek)
        self._entries.append(entry)
        self._dirty = True
        return entry.ref()

    def rotate_key(self, scope: str) -> KeyRef:
        """A new version of *scope*'s DEK becomes active; the old one stays, retired.

        Data encrypted under any earlier version still decrypts (its ciphertexts name
        their version); new data uses the new one. Nothing is re-encrypted.
        """
        stored = self._stored_scope(scope)
        live = self._live(stored)
        if not live:
            raise UsageError(f"{_show(scope)} has no key to rotate; add one with add_key")
        key_id = live[0].id
        version = max(e.version for e in self._entries if e.id == key_id) + 1
        if version > _MAX_VERSION:
            raise UsageError(f"key {key_id} has reached the last version; add a new key")
        entry = self._new_entry(key_id, stored, version, self._kek)
        for old in live:
            if old.state == "active":
                old.state = "retired"
        self._entries.append(entry)
        self._dirty = True
        return entry.ref()

    def active(self, scope: str) -> KeyRef:
        """The active version of *scope*'s DEK (the one new data is encrypted under)."""
        stored = self._stored_scope(scope)
        for entry in self._live(stored):
            if entry.state == "active":
                return entry.ref()
        raise UsageError(f"{_show(scope)} has no active key; add one with add_key or rotate_key")

    def key(self, key_id: str, version: int) -> bytes:
        """The plaintext DEK *key_id* version *version*, unwrapped now (never cached).

        Raises :class:`InvalidToken` (no detail) for an unknown or destroyed key and for a
        wrapped value that does not unwrap (tampered, moved, wrong KEK, KMS refusal).
        """
        for entry in self._entries:
            if entry.id == key_id and entry.version == version:
                if entry.wrapped is None:
                    break
                dek = self._kek.unwrap(entry.wrapped, self._dek_aad(entry))
                if len(dek) != self._suite.dek_size:
                    raise InvalidToken
                return dek
        raise InvalidToken

    def keys(self) -> list[KeyInfo]:
        """Every DEK's id, version, scope, state and dates, oldest first; no key material."""
        return [
            KeyInfo(
                id=e.id,
                version=e.version,
                scope=e.scope,
                state=e.state,
                created=e.created,
                destroyed=e.destroyed,
            )
            for e in self._entries
        ]

    def rotate_kek(
        self,
        passphrase: PassphraseSource | str | bytes | None = None,
        *,
        kek_uri: str | None = None,
        kdf: str | None = None,
        kdf_params: Mapping[str, int] | None = None,
        kek_options: Mapping[str, Any] | None = None,
    ) -> None:
        """Re-wrap every DEK (and the index key) under a new KEK; data is not touched.

        For a ``file:`` KEK give the new *passphrase* (a fresh salt is drawn, and *kdf* and
        *kdf_params* may change); or name another KEK with *kek_uri* (e.g. move from a
        passphrase to a KMS). *kek_options* default to the ones the keystore was opened
        with when the provider stays the same. Every DEK is unwrapped and re-wrapped in
        memory first; if any step fails nothing changes. The next :meth:`save` also
        replaces ``PATH.prev``, so no copy wrapped under the old KEK is kept (copies made
        earlier, such as backups, still open with the old KEK: see docs/keys.md).
        """
        uri = self._kek.uri if kek_uri is None else kek_uri
        if kek_options is not None:
            options = dict(kek_options)
        elif _scheme(uri) == _scheme(self._kek.uri):
            options = dict(self._kek_options)  # same provider: same client, same options
        else:
            options = {}
        if _scheme(uri) == "file":
            # By default the new KEK keeps the old one's KDF and parameters (a new salt).
            current = self._kek.meta if isinstance(self._kek, FileKek) else None
            if kdf is None:
                kdf = current["kdf"] if current else "scrypt"
            if kdf_params is None and current and current["kdf"] == kdf:
                kdf_params = current["params"]
            options.update(kdf=kdf, kdf_params=kdf_params)
        plain = [(e, self.key(e.id, e.version)) for e in self._entries if e.live()]
        new_kek = open_kek(
            uri, passphrase=_source(passphrase), keystore_meta=None, suite=self.suite, **options
        )
        rewrapped = [(e, new_kek.wrap(dek, self._dek_aad(e))) for e, dek in plain]
        index = new_kek.wrap(self._index_key, _index_aad(self._keystore_id, self.suite))
        check = make_check(new_kek, _check_context(self._keystore_id, self.suite))
        # Everything wrapped: now switch, all at once.
        for entry, wrapped in rewrapped:
            entry.wrapped = wrapped
        self._wrapped_index = index
        self._check = check
        self._kek = new_kek
        self._dirty = True
        self._shred = True

    def destroy(self, target: str, *, version: int | None = None) -> list[KeyRef]:
        """Destroy a DEK: every version of key id or scope *target* (or just *version*).

        The wrapped DEK is dropped from memory now, and from both the keystore file and
        ``PATH.prev`` at the next :meth:`save`; its entry stays as a ``destroyed``
        tombstone (a subject key's tombstone forgets its scope). Data encrypted under it
        can then never be decrypted again: this is crypto-shredding, and it reaches every
        copy of the data, backups included, but only once no copy of the *wrapped* DEK
        can still be opened: see docs/keys.md on keystore backups. Returns the destroyed
        versions; raises :class:`UsageError` when nothing live matches.
        """
        by_id = [e for e in self._entries if e.id == target]
        if by_id:
            shown = f"key {target}"
            matching = [e for e in by_id if e.live() and version in (None, e.version)]
        else:
            stored = self._stored_scope(target)
            shown = _show(target)
            matching = [e for e in self._live(stored) if version in (None, e.version)]
        if not matching:
            which = "" if version is None else f" version {version}"
            raise UsageError(
                f"{shown}{which} has no live key (unknown, or already destroyed); nothing was "
                "destroyed"
            )
        stamp = self._now()
        for entry in matching:
            entry.state = "destroyed"
            entry.wrapped = None
            entry.destroyed = stamp
            if entry.scope is not None and entry.scope.startswith(_STORED_SUBJECT):
                entry.scope = None
        suites.forget_keys()  # no cached cipher object may outlive the key
        self._dirty = True
        self._shred = True
        return [e.ref() for e in matching]

    # -- saving -------------------------------------------------------------------------------

    def _document(self, generation: int) -> dict[str, Any]:
        kek_doc: dict[str, Any] = {"uri": self._kek.uri}
        meta = getattr(self._kek, "meta", None)
        if isinstance(meta, Mapping):
            kek_doc.update((k, v) for k, v in meta.items() if k != "uri")
        try:
            json.dumps(kek_doc)
        except (TypeError, ValueError):
            raise UsageError(
                f"the KEK provider of {self._kek.uri} gave a meta that is not JSON; fix the "
                "provider (its meta must hold plain strings, numbers, lists and objects)"
            ) from None
        if self._wrapped_index is None:
            aad = _index_aad(self._keystore_id, self.suite)
            self._wrapped_index = self._kek.wrap(self._index_key, aad)
        if self._check is None:
            self._check = make_check(self._kek, _check_context(self._keystore_id, self.suite))
        keys = []
        for e in self._entries:
            item: dict[str, Any] = {
                "id": e.id,
                "scope": e.scope,
                "version": e.version,
                "state": e.state,
                "created": e.created,
                "wrapped": None if e.wrapped is None else _b64(e.wrapped),
            }
            if e.destroyed is not None:
                item["destroyed"] = e.destroyed
            keys.append(item)
        return {
            "format": FORMAT,
            "keystore_id": self._keystore_id,
            "suite": self.suite,
            "generation": generation,
            "kek": kek_doc,
            "check": _b64(self._check),
            "index_key": _b64(self._wrapped_index),
            "keys": keys,
        }

    def save(self) -> None:
        """Write the changes: atomically, keeping the previous generation as ``PATH.prev``.

        Nothing happens when nothing changed since the last read or save.
        The module docstring gives the order of the steps and what a crash or a full disk
        leaves. Raises :class:`UsageError` when another process saved a newer generation
        since this one was read (open it again and repeat the change), when the file
        disappeared, and when the write fails (the file on disk is then unchanged).
        """
        if not self._dirty:
            return
        if self._lock_fd is not None:
            self._save_locked()
            return
        fd = _acquire_lock(self._path, self._lock_timeout)
        self._lock_fd = fd
        try:
            self._save_locked()
        finally:
            self._lock_fd = None
            _release_lock(fd)

    def _save_locked(self) -> None:
        current = _read_bytes(self._path)
        if current is None and self._generation:
            raise UsageError(
                f"keystore {self._path} was removed since it was opened; restore it "
                f"(e.g. from {_prev_path(self._path).name}) and repeat the change"
            )
        if current is not None:
            on_disk = _generation_of(self._path, current)
            if on_disk != self._generation:
                raise UsageError(
                    f"keystore {self._path} was changed by another process since it was "
                    f"opened (generation {self._generation}, now {on_disk}); open it again "
                    "and repeat the change, or use Keystore.locked to wait for other writers"
                )
        _remove_stale_temps(self._path)
        generation = self._generation + 1
        doc = self._document(generation)
        new = (json.dumps(doc, indent=2, ensure_ascii=True) + "\n").encode("ascii")
        prev = None if current is None else (new if self._shred else current)
        _commit(self._path, new, prev)
        self._generation = generation
        self._dirty = False
        self._shred = False


def _index_aad(keystore_id: str, suite: str) -> bytes:
    return "\x00".join((_AAD_PREFIX, "index", keystore_id, suite)).encode("utf-8")


def _check_context(keystore_id: str, suite: str) -> str:
    return f"{_AAD_PREFIX}/{keystore_id}/{suite}"
