"""The signed documents of a destruction run, their hashes and where they live.

Every document (plan, approval, run record, verification, certificate) is a JSON file::

    {"format": "dataguard.destroy.plan/1", "body": {…}, "hash": "<hex>",
     "signer": {"name", "role", "public_key", "fingerprint"}, "signature": "<hex>"}

* ``hash`` is SHA-256 (suite ``intl``) or SM3 (``gm``) of the canonical JSON of ``body``
  (sorted keys, no spaces, UTF-8): a plan's hash is what its approver signs.
* ``signature`` is the signer's Ed25519 signature of ``hash`` (ASCII hex) for the purpose
  ``format`` (:mod:`dataguard.identity`), so an approval can never pass for a certificate.
* files are written atomically (temporary file, fsync, rename, fsync of the folder).

A plan ``P.json`` keeps its companions beside it: ``P.rows/`` (the keyed hashes of the
planned rows, one binary file a target), ``P.approval.json``, ``P.journal`` (the run's
journal), ``P.run.json``, ``P.verification.json``, ``P.certificate.json`` and ``.html``.

Keyed hashes (:func:`keyed_digest`) use the *destroy key*, HKDF of the keystore scope
``destroy``'s DEK: whoever lacks the keystore cannot test a guess of a subject id or a row
key against a plan (architecture.md, convention 6).
"""

from __future__ import annotations

import hmac as std_hmac
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac

from dataguard.audit import canonical_json as canonical
from dataguard.errors import UsageError
from dataguard.identity import Identity, PublicIdentity

if TYPE_CHECKING:
    from dataguard.crypto.keyring import Keyring

__all__ = [
    "DESTROY_SCOPE",
    "Companions",
    "Document",
    "canonical",
    "destroy_key",
    "digest",
    "hash_algorithm",
    "keyed_digest",
    "plan_algorithm",
    "read_document",
    "seal",
    "write_atomically",
    "write_document",
]

#: The keystore scope whose DEK the destroy key is derived from.
DESTROY_SCOPE = "destroy"
_DESTROY_KEY_INFO = b"dataguard/destroy/keyed-hash/1"
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}\Z")


def hash_algorithm(suite: str) -> str:
    """``sha256`` for the ``intl`` suite, ``sm3`` for ``gm``."""
    if suite not in ("intl", "gm"):
        raise UsageError(f"unknown suite {suite!r}; use intl or gm")
    return "sm3" if suite == "gm" else "sha256"


def plan_algorithm(plan: Document) -> str:
    """The hash of a plan's suite, which its companions and keyed hashes use too."""
    return hash_algorithm(str(plan.body.get("suite")))


def _hash(algorithm: str) -> hashes.HashAlgorithm:
    if algorithm == "sm3":
        return hashes.SM3()
    if algorithm == "sha256":
        return hashes.SHA256()
    raise UsageError(f"unknown hash {algorithm!r}; use sha256 or sm3")


def digest(data: bytes, algorithm: str = "sha256") -> str:
    """SHA-256 or SM3 of *data*, in hex."""
    hasher = hashes.Hash(_hash(algorithm))
    hasher.update(data)
    return hasher.finalize().hex()


def keyed_digest(key: bytes, label: bytes, data: bytes, algorithm: str = "sha256") -> str:
    """HMAC of ``label || 0x00 || data`` under *key*, in hex (labels keep uses apart)."""
    return keyed_digest_bytes(key, label, data, algorithm).hex()


def keyed_digest_bytes(key: bytes, label: bytes, data: bytes, algorithm: str = "sha256") -> bytes:
    """:func:`keyed_digest` as bytes."""
    mac = crypto_hmac.HMAC(key, _hash(algorithm))
    mac.update(label + b"\x00" + data)
    return mac.finalize()


def destroy_key(keyring: Keyring) -> bytes:
    """The destroy key of *keyring* (its ``destroy`` scope's DEK, made if missing), 32 bytes."""
    return keyring.derived_key(DESTROY_SCOPE, _DESTROY_KEY_INFO)


@dataclass(frozen=True)
class Document:
    """A signed document as read and checked: its body, hash and signer."""

    kind: str
    body: Mapping[str, Any]
    hash: str
    signer: PublicIdentity
    signature: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON object the file holds."""
        return {
            "format": self.kind,
            "body": self.body,
            "hash": self.hash,
            "signer": self.signer.to_dict(),
            "signature": self.signature,
        }


def seal(kind: str, body: Mapping[str, Any], signer: Identity, algorithm: str) -> Document:
    """Hash *body* and sign the hash as *signer* for the purpose *kind*."""
    hashed = digest(canonical(body), algorithm)
    return Document(kind, body, hashed, signer.public, signer.sign(kind, hashed.encode()))


def check_document(raw: Any, kind: str, where: str, algorithm: str | None = None) -> Document:
    """A document from its JSON object: format, hash and signature checked (UsageError)."""
    if not isinstance(raw, Mapping) or raw.get("format") != kind:
        found = raw.get("format") if isinstance(raw, Mapping) else None
        raise UsageError(f"{where} is not a {kind} document (format {found!r})")
    body = raw.get("body")
    if not isinstance(body, Mapping):
        raise UsageError(f"{where}: no body")
    signer = PublicIdentity.from_dict(raw.get("signer"))
    claimed = raw.get("hash")
    if not isinstance(claimed, str) or not _HEX_DIGEST.match(claimed):
        raise UsageError(f"{where}: its hash is not 64 hex digits")
    try:
        data = canonical(body)
    except (TypeError, ValueError):
        raise UsageError(f"{where}: its body is not plain JSON (NaN or infinity)") from None
    algorithms = [algorithm] if algorithm else ["sha256", "sm3"]
    if not any(std_hmac.compare_digest(digest(data, a), claimed) for a in algorithms):
        raise UsageError(f"{where} was changed after it was made: its hash does not match")
    signature = str(raw.get("signature", ""))
    if not signer.verify(kind, claimed.encode(), signature):
        raise UsageError(
            f"{where}: the signature of {signer.name!r} ({signer.fingerprint}) does not verify"
        )
    return Document(kind, body, claimed, signer, signature)


def read_document(path: Path, kind: str, algorithm: str | None = None) -> Document:
    """Read and check the document at *path* (UsageError when missing, changed or forged)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"no {kind.split('.')[-1].split('/')[0]} document at {path}") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    return check_document(raw, kind, str(path), algorithm)


def write_atomically(path: Path, data: bytes) -> None:
    """Write *data* to *path* through a temporary file, fsync and rename (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def write_document(path: Path, document: Document) -> None:
    """Write *document* as indented JSON (readable; the hash covers the body, not layout)."""
    text = json.dumps(document.to_dict(), indent=2, ensure_ascii=False, sort_keys=True)
    write_atomically(path, (text + "\n").encode("utf-8"))


@dataclass(frozen=True)
class Companions:
    """The files that accompany the plan at :attr:`plan` (module docstring)."""

    plan: Path

    def _beside(self, suffix: str) -> Path:
        stem = self.plan.name[:-5] if self.plan.name.endswith(".json") else self.plan.name
        return self.plan.with_name(stem + suffix)

    @property
    def rows(self) -> Path:
        """The folder of the planned rows' keyed hashes."""
        return self._beside(".rows")

    @property
    def approval(self) -> Path:
        """The approver's signed approval."""
        return self._beside(".approval.json")

    @property
    def journal(self) -> Path:
        """The run's journal (JSON lines)."""
        return self._beside(".journal")

    @property
    def run(self) -> Path:
        """The signed record of a finished run."""
        return self._beside(".run.json")

    @property
    def verification(self) -> Path:
        """The signed verification."""
        return self._beside(".verification.json")

    @property
    def certificate(self) -> Path:
        """The signed certificate (JSON)."""
        return self._beside(".certificate.json")

    @property
    def certificate_html(self) -> Path:
        """The certificate's readable rendering."""
        return self._beside(".certificate.html")
