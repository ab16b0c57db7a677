"""The tamper-evident audit log: append-only JSON lines, hash-chained and authenticated.

Kept apart from the application log (standards.md §4: Feishu, DB23, Ele.me). One entry a
line, UTF-8, in canonical JSON (sorted keys, no spaces, ``ensure_ascii=False``)::

    {"actor":"alice","details":{"rows":12},"event":"keys.rotate","hash":"…","mac":"…",
     "outcome":"ok","prev":"…","role":"admin","seq":7,"time":"2025-01-02T03:04:05.000000Z"}

* ``seq`` counts from 0; ``time`` is UTC ISO 8601; ``prev`` is the previous entry's
  ``hash`` (64 zeros for entry 0); ``role`` is one of :data:`ROLES` (``operator``,
  ``approver``, ``auditor``, ``admin``: Feishu's separation of roles).
* ``hash`` is SHA-256 (``intl``) or SM3 (``gm``) of the canonical JSON of the entry without
  ``hash`` and ``mac``; ``mac`` is HMAC with the same hash, under the *audit key*, over the
  same bytes. The hash chain shows a changed, removed, inserted or reordered entry; the MAC
  shows one rewritten by someone who recomputed the hashes but has no audit key.
* Never a plaintext value (architecture.md, convention 6): :meth:`AuditLog.append` runs the
  detector over every ``details`` value and refuses one holding personal data (or, with
  ``withhold=True``, writes :data:`WITHHELD` in its place). Callers pass counts, keyed
  hashes (:meth:`FieldCipher.blind_index`) and masked previews.

The audit key comes from the caller; the CLI keeps it in the keystore under the scope
``audit`` (:func:`audit_key`). Retention (:func:`prune`) never drops an entry younger than
the minimum (six months by default) and replaces what it drops by a signed checkpoint, so
the chain still verifies. See docs/audit.md.
"""

from __future__ import annotations

import fcntl
import functools
import hmac
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac

from dataguard.errors import UsageError

if TYPE_CHECKING:
    from dataguard.crypto.keyring import Keyring
    from dataguard.detect.engine import Detector

__all__ = [
    "AUDIT_SCOPE",
    "CHECKPOINT_EVENT",
    "DEFAULT_MINIMUM_RETENTION",
    "GENESIS",
    "ROLES",
    "WITHHELD",
    "AuditEntry",
    "AuditLog",
    "DetailValue",
    "VerifyResult",
    "audit_key",
    "canonical_json",
    "chain_head",
    "default_audit_log_path",
    "prune",
    "verify",
]

DetailValue = str | int | float | bool | None

#: The keystore scope whose key the audit MAC key is derived from.
AUDIT_SCOPE = "audit"
_AUDIT_KEY_INFO = b"dataguard/audit/1"
#: The event of the signed first entry :func:`prune` writes in place of what it dropped.
CHECKPOINT_EVENT = "audit.checkpoint"
# ref. standards.md §4: DB23 and Ele.me keep logs at least 6 months.
DEFAULT_MINIMUM_RETENTION = timedelta(days=183)
GENESIS = "0" * 64
# ref. standards.md §4: Feishu separates the operator, auditor and admin roles; destruction
# adds the approver who signs off a plan.
#: The roles an entry may name.
ROLES = ("operator", "approver", "auditor", "admin")
#: What ``append(..., withhold=True)`` writes in place of a detail that looks like personal data.
WITHHELD = "(withheld: looks like personal data)"
_FIELDS = ("seq", "time", "event", "actor", "role", "outcome", "details", "prev")
_MIN_KEY = 16
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def default_audit_log_path() -> Path:
    """``$DATAGUARD_AUDIT_LOG``, else ``~/.local/share/dataguard/audit.jsonl``."""
    configured = os.environ.get("DATAGUARD_AUDIT_LOG")
    if configured:
        return Path(configured)
    return Path.home() / ".local" / "share" / "dataguard" / "audit.jsonl"


def audit_key(keyring: Keyring) -> bytes:
    """The audit MAC key: derived from the keyring's ``audit`` scope key (made if missing).

    HKDF with the keyring's suite and the label ``dataguard/audit/1``, 32 bytes. Its
    custody is the keystore's: whoever can open the keystore can write entries that verify.
    Rotating the ``audit`` scope changes the key, and entries written before no longer
    verify under the new one (docs/audit.md: not yet supported).
    """
    return keyring.derived_key(AUDIT_SCOPE, _AUDIT_KEY_INFO)


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the log, as written (``hash`` and ``mac`` in hex)."""

    seq: int
    time: str
    event: str
    actor: str
    role: str
    outcome: str
    details: Mapping[str, DetailValue]
    prev: str
    hash: str
    mac: str

    def to_dict(self) -> dict[str, Any]:
        """The entry as the JSON object its line holds."""
        return {
            "seq": self.seq,
            "time": self.time,
            "event": self.event,
            "actor": self.actor,
            "role": self.role,
            "outcome": self.outcome,
            "details": dict(self.details),
            "prev": self.prev,
            "hash": self.hash,
            "mac": self.mac,
        }


@dataclass
class VerifyResult:
    """What :func:`verify` found: ``ok`` when ``problems`` is empty."""

    ok: bool
    entries: int
    head: str
    problems: list[str] = field(default_factory=list)
    #: Each entry's hash by its ``seq`` (how a certificate's anchored head is found).
    hashes: dict[int, str] = field(default_factory=dict)


# -- primitives -------------------------------------------------------------------------------


def _algorithm(suite: str) -> hashes.HashAlgorithm:
    if suite == "intl":
        return hashes.SHA256()
    if suite == "gm":
        return hashes.SM3()
    raise UsageError(f"unknown suite {suite!r}; use 'intl' (SHA-256) or 'gm' (SM3)")


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) < _MIN_KEY:
        raise ValueError(f"the audit key needs at least {_MIN_KEY} bytes")


def canonical_json(obj: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8 (``ensure_ascii=False``), no NaN.

    The bytes every hash chain and signature here covers: audit entries and the signed
    destruction documents (:mod:`dataguard.destroy.documents`).
    """
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _seal(body: Mapping[str, Any], key: bytes, suite: str) -> tuple[str, str]:
    """``(hash, mac)`` in hex of the canonical bytes of *body* (no ``hash``/``mac``)."""
    data = canonical_json(body)
    digest = hashes.Hash(_algorithm(suite))
    digest.update(data)
    mac = crypto_hmac.HMAC(key, _algorithm(suite))
    mac.update(data)
    return digest.finalize().hex(), mac.finalize().hex()


def _now(clock: Callable[[], datetime] | None) -> datetime:
    now = clock() if clock is not None else datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("the audit clock must return an aware datetime")
    return now.astimezone(UTC)


def _parse_time(text: str) -> datetime:
    return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=UTC)


@functools.lru_cache(maxsize=1)
def _detector() -> Detector:
    from dataguard.detect.engine import Detector  # loading the recognizers costs; once

    return Detector()


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"audit role must be one of {', '.join(ROLES)}, not {role!r}")


def _check_details(
    details: Mapping[str, DetailValue] | None, *, withhold: bool = False
) -> dict[str, DetailValue]:
    """The details as a plain dict; ValueError for a bad type or a personal-data value.

    With *withhold*, a personal-data value becomes :data:`WITHHELD` instead of an error.
    """
    checked: dict[str, DetailValue] = {}
    for name, value in (details or {}).items():
        if not isinstance(name, str):
            raise ValueError("audit detail names are strings")
        if value is not None and not isinstance(value, (str, int, float, bool)):
            raise ValueError(f"audit detail {name!r}: only str, int, float, bool or None")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"audit detail {name!r}: not a finite number")
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            findings = _detector().detect(str(value), field=name)
            if findings and withhold:
                checked[name] = WITHHELD
                continue
            if findings:
                # Never echo the value: say only which detail and what it looks like.
                kinds = ", ".join(sorted({f.entity for f in findings}))
                raise ValueError(
                    f"audit detail {name!r} looks like personal data ({kinds}); "
                    "pass a count, a keyed hash or a masked preview instead"
                )
        checked[name] = value
    return checked


# -- the log ----------------------------------------------------------------------------------


class AuditLog:
    """Appends entries to the audit log at *path* (created, mode 0600, if missing).

    Args:
        path: the JSON-lines file; keep it apart from application logs.
        key: the audit MAC key, at least 16 bytes (:func:`audit_key`).
        suite: ``intl`` (SHA-256, HMAC-SHA-256) or ``gm`` (SM3, HMAC-SM3).
        clock: returns the current time as an aware datetime (a test seam).

    Safe across processes: each append takes an exclusive ``flock`` on the file, reads the
    last entry under it, writes one line with ``O_APPEND`` and ``fsync``\\ s it.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        key: bytes,
        *,
        suite: str = "intl",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        _check_key(key)
        _algorithm(suite)  # fail early on an unknown suite
        self.path = Path(path)
        self.suite = suite
        self._key = key
        self._clock = clock

    def __repr__(self) -> str:
        return f"AuditLog({str(self.path)!r}, suite={self.suite!r})"

    def append(
        self,
        event: str,
        *,
        actor: str,
        role: str,
        outcome: str,
        details: Mapping[str, DetailValue] | None = None,
        withhold: bool = False,
    ) -> AuditEntry:
        """Write one entry and return it.

        ValueError for a *role* not in :data:`ROLES` and for details holding personal data;
        with *withhold*, such a detail is written as :data:`WITHHELD` instead (the entry is
        still made, the value never).
        """
        for name, value in (("event", event), ("actor", actor), ("role", role),
                            ("outcome", outcome)):  # fmt: skip
            if not isinstance(value, str) or not value:
                raise ValueError(f"audit {name} must be a non-empty string")
        _check_role(role)
        if event == CHECKPOINT_EVENT:
            raise ValueError(f"{CHECKPOINT_EVENT!r} entries are written by prune only")
        checked = _check_details(details, withhold=withhold)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.path) as fd:
            seq, prev = _next_link(self.path, fd)
            body: dict[str, Any] = {
                "seq": seq,
                "time": _now(self._clock).strftime(_TIME_FORMAT),
                "event": event,
                "actor": actor,
                "role": role,
                "outcome": outcome,
                "details": checked,
                "prev": prev,
            }
            digest, mac = _seal(body, self._key, self.suite)
            entry = AuditEntry(hash=digest, mac=mac, **body)
            _write_all(fd, canonical_json(entry.to_dict()) + b"\n")
            os.fsync(fd)
        return entry

    def check_appendable(self) -> None:
        """Raise UsageError if :meth:`append` would refuse (a partial or damaged last entry).

        Also if the file cannot be written. Commands call it before they act, so that an
        action is not done and then left unrecorded.
        """
        if not self.path.exists():
            return
        if not os.access(self.path, os.W_OK):
            raise UsageError(f"cannot write the audit log {self.path}: permission denied")
        fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            _next_link(self.path, fd)
        finally:
            os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


@contextmanager
def _locked(path: Path) -> Iterator[int]:
    """An O_APPEND descriptor of *path* under an exclusive flock, of the current file.

    :func:`prune` replaces the file by rename; a writer that waited for the lock on the
    old file reopens the new one, so no entry lands in an unlinked file.
    """
    while True:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                current = os.stat(path)
            except FileNotFoundError:
                current = None
            if current is not None and current.st_ino == os.fstat(fd).st_ino:
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        yield fd
    finally:
        os.close(fd)  # closing releases the flock


def _last_line(fd: int) -> bytes | None:
    """The file's last line (with its newline, if it has one), read backwards from the end."""
    size = os.fstat(fd).st_size
    if size == 0:
        return None
    chunk = 8192
    end = size
    data = b""
    while end > 0:
        start = max(0, end - chunk)
        data = os.pread(fd, end - start, start) + data
        end = start
        # The newline that ends the previous line is any but the file's last byte.
        if data[:-1].rfind(b"\n") != -1:
            break
    cut = data[:-1].rfind(b"\n")
    return data[cut + 1 :]


def _next_link(path: Path, fd: int) -> tuple[int, str]:
    """``(seq, prev)`` of the next entry, from the last one."""
    line = _last_line(fd)
    if line is None:
        return 0, GENESIS
    if not line.endswith(b"\n"):
        raise UsageError(
            f"the audit log {path} ends in a partial entry (a write was interrupted); "
            "run `dataguard audit verify` and have an auditor repair it before appending"
        )
    try:
        last = json.loads(line)
        if last.get("event") == CHECKPOINT_EVENT:
            return int(last["details"]["pruned_seq"]) + 1, str(last["details"]["pruned_head"])
        return int(last["seq"]) + 1, str(last["hash"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise UsageError(
            f"the audit log {path} ends in a damaged entry; run `dataguard audit verify`"
        ) from None


# -- verification -----------------------------------------------------------------------------


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with open(path, "rb") as handle:
        yield from enumerate(handle, start=1)


def verify(path: str | os.PathLike[str], key: bytes | None, *, suite: str = "intl") -> VerifyResult:
    """Check every entry of the log at *path*: canonical form, hash, MAC, sequence and links.

    Each problem names its line. After a problem the entry as stored becomes the base for
    the next one, so one removed or changed entry is reported where it is, not on every
    line after it. A missing file raises :class:`UsageError`.

    With *key* None (a third party without the audit key) the MACs are not checked: the
    chain shows a changed, removed, inserted or reordered entry, but not a log rewritten
    whole with recomputed hashes; an anchored head (a destruction certificate's) does.
    """
    if key is not None:
        _check_key(key)
    _algorithm(suite)
    path = Path(path)
    if not path.exists():
        raise UsageError(f"no audit log at {path}; pass --log or set DATAGUARD_AUDIT_LOG")
    problems: list[str] = []
    mac_failures: list[int] = []
    entries = 0
    prev_seq: int | None = None
    prev_hash = GENESIS
    hashes: dict[int, str] = {}
    for number, raw in _lines(path):
        where = f"line {number}"
        if not raw.endswith(b"\n"):
            try:
                json.loads(raw)
                problems.append(f"{where}: last entry has no newline (a write was interrupted)")
            except ValueError:
                problems.append(
                    f"{where}: truncated last entry (a write was interrupted, e.g. a crash)"
                )
                continue
        try:
            obj = json.loads(raw)
        except ValueError:
            problems.append(f"{where}: not valid JSON")
            continue
        if not isinstance(obj, dict) or set(obj) != {*_FIELDS, "hash", "mac"}:
            problems.append(f"{where}: not an audit entry (wrong fields)")
            continue
        entries += 1
        body = {name: obj[name] for name in _FIELDS}
        try:
            digest, mac = _seal(body, key or bytes(_MIN_KEY), suite)
            canonical = canonical_json(obj) + b"\n"
        except (TypeError, ValueError):
            problems.append(f"{where}: not an audit entry (bad values)")
            continue
        seq = obj["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool):
            problems.append(f"{where}: not an audit entry (bad seq)")
            continue
        if digest != obj["hash"] or canonical != raw.rstrip(b"\n") + b"\n":
            problems.append(f"{where}: entry changed (hash mismatch)")
        elif key is not None and not hmac.compare_digest(mac, str(obj["mac"])):
            mac_failures.append(number)
            problems.append(f"{where}: MAC does not verify (wrong key or forged)")
        if obj["event"] == CHECKPOINT_EVENT:
            if number != 1:
                problems.append(f"{where}: a checkpoint that is not the first entry")
            pruned = obj["details"] if isinstance(obj["details"], dict) else {}
            prev_seq = (
                pruned.get("pruned_seq") if isinstance(pruned.get("pruned_seq"), int) else seq
            )
            prev_hash = str(pruned.get("pruned_head", obj["hash"]))
            continue
        if prev_seq is None:
            if seq != 0:
                problems.append(
                    f"{where}: log starts at sequence {seq}, not 0: entries were removed"
                )
        elif seq > prev_seq + 1:
            problems.append(
                f"{where}: sequence jumps from {prev_seq} to {seq}: an entry was removed"
            )
        elif seq <= prev_seq:
            problems.append(
                f"{where}: sequence goes from {prev_seq} back to {seq}: "
                "an entry was inserted or reordered"
            )
        if obj["prev"] != prev_hash:
            problems.append(
                f"{where}: previous-hash link broken: entries inserted, removed or reordered"
            )
        prev_seq, prev_hash = seq, str(obj["hash"])
        hashes[seq] = prev_hash
    if entries and len(mac_failures) == entries:
        # Every MAC fails and nothing else does: the key is wrong, say so once.
        problems = [p for p in problems if "MAC does not verify" not in p]
        problems.insert(
            0,
            f"line {mac_failures[0]}: MAC does not verify (wrong key or forged): no entry's "
            "MAC verifies, is this the right audit key and suite?",
        )
    return VerifyResult(
        ok=not problems, entries=entries, head=prev_hash, problems=problems, hashes=hashes
    )


def chain_head(path: str | os.PathLike[str]) -> tuple[int, str] | None:
    """The last entry's ``(seq, hash)``, or None for a missing or empty log (not verified)."""
    path = Path(path)
    if not path.exists():
        return None
    last: bytes | None = None
    for _number, raw in _lines(path):
        if raw.endswith(b"\n"):
            last = raw
    if last is None:
        return None
    try:
        obj = json.loads(last)
        return int(obj["seq"]), str(obj["hash"])
    except (ValueError, KeyError, TypeError):
        return None


# -- retention --------------------------------------------------------------------------------


def prune(
    path: str | os.PathLike[str],
    key: bytes,
    *,
    older_than: timedelta,
    minimum: timedelta = DEFAULT_MINIMUM_RETENTION,
    suite: str = "intl",
    clock: Callable[[], datetime] | None = None,
    actor: str = "dataguard",
    role: str = "admin",
) -> int:
    """Drop the entries older than *older_than* from the start of the log; the number dropped.

    Refuses (:class:`UsageError`) when *older_than* is under *minimum* (six months by
    default, standards.md §4), and when the log does not verify (pruning must not launder
    tampering). The dropped prefix is replaced by one signed ``audit.checkpoint`` first
    entry whose details carry ``pruned_seq`` and ``pruned_head`` (the last dropped entry's
    seq and hash), to which the first kept entry links; its actor, role and time record
    who pruned and when. The new file is written beside the old one and renamed over it.
    """
    if older_than < minimum:
        raise UsageError(
            f"refusing to prune audit entries younger than the minimum retention of "
            f"{minimum.days} days (asked for {older_than.days} days)"
        )
    _check_key(key)
    _check_role(role)
    path = Path(path)
    now = _now(clock)
    cutoff = now - older_than
    if not path.exists():
        raise UsageError(f"no audit log at {path}; pass --log or set DATAGUARD_AUDIT_LOG")
    with _locked(path):
        result = verify(path, key, suite=suite)
        if not result.ok:
            raise UsageError(
                f"the audit log {path} does not verify ({len(result.problems)} problems); "
                "refusing to prune it: run `dataguard audit verify`"
            )
        lines = path.read_bytes().splitlines(keepends=True)
        entries = [json.loads(line) for line in lines]
        start = already = first_seq = 0
        if entries and entries[0]["event"] == CHECKPOINT_EVENT:
            already = int(entries[0]["details"]["pruned_entries"])
            first_seq = int(entries[0]["details"]["first_seq"])
            start = 1  # the old checkpoint is replaced by the new one
        dropped = start
        last: dict[str, Any] | None = None
        for entry in entries[dropped:]:
            if _parse_time(entry["time"]) >= cutoff:
                break
            last = entry
            dropped += 1
        if last is None:
            return 0
        pruned = dropped - start
        body: dict[str, Any] = {
            "seq": last["seq"],
            "time": now.strftime(_TIME_FORMAT),
            "event": CHECKPOINT_EVENT,
            "actor": actor,
            "role": role,
            "outcome": "ok",
            "details": {
                "first_seq": first_seq,
                "pruned_entries": already + pruned,
                "pruned_before": cutoff.strftime(_TIME_FORMAT),
                "pruned_head": last["hash"],
                "pruned_seq": last["seq"],
            },
            "prev": GENESIS,
        }
        digest, mac = _seal(body, key, suite)
        checkpoint = canonical_json({**body, "hash": digest, "mac": mac}) + b"\n"
        _replace(path, [checkpoint, *lines[dropped:]])
    return pruned


def _replace(path: Path, lines: list[bytes]) -> None:
    """Write *lines* to a temporary file beside *path*, fsync it, rename it over *path*."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.writelines(lines)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
