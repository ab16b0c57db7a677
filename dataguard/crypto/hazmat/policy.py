"""The crypto policy: which algorithm names configuration may ask for (standards.md §3).

.. warning:: hazmat (see :mod:`dataguard.crypto.hazmat`).

Feishu's ISV security spec forbids MD5, DES and SHA-1 and sets floors: symmetric encryption
at least AES-256, asymmetric at least RSA-2048, hashes at least SHA-256. The bank spec
requires the national algorithms (SM3, SM4; SM2 is not in ``cryptography``), and SM4's
128-bit key is allowed as the ``gm`` suite even though it is below the AES-256 floor
(see :mod:`dataguard.crypto.hazmat.suites`). Youzan 7.4 forbids personal data under weak
algorithms.

:func:`check_algorithm` is what the keystore and the recipes call on every algorithm name
read from configuration or key files: a weak name raises :class:`UsageError` saying why and
what to use instead; an unknown one raises :class:`UsageError` listing :data:`ALLOWED`.
Names are compared case-insensitively, with ``_``, spaces and ``/`` read as ``-``
(``aes_256_gcm``, ``HMAC-SHA256`` and ``hmac/sha-256`` are the same name).
"""

from __future__ import annotations

import itertools
import re

from dataguard.errors import UsageError

__all__ = ["ALLOWED", "WEAK", "check_algorithm", "is_weak"]

# ref. standards.md §3 (Feishu floors, the bank's SM3/SM4 requirement) and the algorithms
# the suites and the keystore use (architecture.md "Dependencies").
ALLOWED: frozenset[str] = frozenset(
    {
        # intl suite
        "AES-256-GCM",
        "AES-256-SIV",
        "HMAC-SHA-256",
        "HKDF-SHA-256",
        # gm suite (SM4 is 128-bit by definition: GB/T 32907-2016)
        "SM4-GCM",
        "SM4-CTR",
        "SM3",
        "HMAC-SM3",
        "HKDF-SM3",
        # hashes at or above the SHA-256 floor
        "SHA-256",
        "SHA-384",
        "SHA-512",
        "SHA3-256",
        "SHA3-384",
        "SHA3-512",
        "HMAC-SHA-384",
        "HMAC-SHA-512",
        # key wrapping, password-based key derivation and signatures used by the keystore
        "AES-256-KW",
        "SCRYPT",
        "ARGON2ID",
        "ED25519",
        "RSA-2048",
        "RSA-3072",
        "RSA-4096",
    }
)

# Spellings of allowed names that normalisation alone does not join.
_ALIASES = {
    "AES-GCM-256": "AES-256-GCM",
    "AES256-GCM": "AES-256-GCM",
    "AES-SIV-512": "AES-256-SIV",
    "AES-SIV": "AES-256-SIV",
    "SHA256": "SHA-256",
    "SHA384": "SHA-384",
    "SHA512": "SHA-512",
    "HMAC-SHA256": "HMAC-SHA-256",
    "HMAC-SHA384": "HMAC-SHA-384",
    "HMAC-SHA512": "HMAC-SHA-512",
    "HKDF-SHA256": "HKDF-SHA-256",
    "SM4-128-GCM": "SM4-GCM",
    "SM4-128-CTR": "SM4-CTR",
    "AES-256-KEYWRAP": "AES-256-KW",
}

# ref. standards.md §3 (Feishu: no MD5, DES or SHA-1; AES-256, RSA-2048, SHA-256 floors)
# plus the algorithms every current guideline retires with them (NIST SP 800-131A Rev. 2):
# MD2/MD4, RC2/RC4, two-key and three-key Triple-DES, 64-bit-block ciphers, ECB mode.
#: Why each weak name is refused, by the token that appears in the normalised name.
WEAK: dict[str, str] = {
    "MD2": "MD2 is a broken hash",
    "MD4": "MD4 is a broken hash",
    "MD5": "Feishu forbids MD5",
    "SHA-0": "SHA-0 is a broken hash",
    "SHA-1": "Feishu forbids SHA-1",
    "SHA1": "Feishu forbids SHA-1",
    "DES": "Feishu forbids DES",
    "3DES": "Feishu forbids DES (Triple-DES included)",
    "TDES": "Feishu forbids DES (Triple-DES included)",
    "TDEA": "Feishu forbids DES (Triple-DES included)",
    "DESEDE": "Feishu forbids DES (Triple-DES included)",
    "DES3": "Feishu forbids DES (Triple-DES included)",
    "TRIPLEDES": "Feishu forbids DES (Triple-DES included)",
    "DES-EDE": "Feishu forbids DES (Triple-DES included)",
    "DES-EDE3": "Feishu forbids DES (Triple-DES included)",
    "RC2": "RC2 is a broken cipher",
    "RC4": "RC4 is a broken cipher",
    "ARC4": "RC4 is a broken cipher",
    "ARCFOUR": "RC4 is a broken cipher",
    "BLOWFISH": "64-bit-block ciphers leak after a few GB (Sweet32)",
    "CAST5": "64-bit-block ciphers leak after a few GB (Sweet32)",
    "IDEA": "64-bit-block ciphers leak after a few GB (Sweet32)",
    "ECB": "ECB mode shows which blocks are equal",
    "AES-128": "Feishu requires AES-256 for symmetric encryption",
    "AES-192": "Feishu requires AES-256 for symmetric encryption",
    "SHA-224": "Feishu requires hashes of at least SHA-256",
    "SHA224": "Feishu requires hashes of at least SHA-256",
}

_SEPARATORS = re.compile(r"[\s_/]+")
_RSA = re.compile(r"(?:^|-)RSA-?(\d+)(?:$|-)")
_RSA_FLOOR = 2048


def _normalise(name: str) -> str:
    return _SEPARATORS.sub("-", name.strip().upper()).strip("-")


def _weak_reason(norm: str) -> str | None:
    tokens = norm.split("-")
    # Single tokens (MD5, DES, ECB, SHA1) and two-token names (SHA-1, AES-128, DES-EDE3).
    candidates = tokens + [f"{a}-{b}" for a, b in itertools.pairwise(tokens)]
    for candidate in candidates:
        if candidate in WEAK:
            return WEAK[candidate]
    if norm.startswith(("AES128", "AES192")):
        return WEAK["AES-128"]
    rsa = _RSA.search(norm)
    if rsa and int(rsa.group(1)) < _RSA_FLOOR:
        return f"Feishu requires RSA keys of at least {_RSA_FLOOR} bits"
    return None


def is_weak(name: str) -> bool:
    """Whether *name* is an algorithm the policy refuses as weak (not merely unknown)."""
    return _weak_reason(_normalise(name)) is not None


def check_algorithm(name: str) -> str:
    """The canonical spelling of *name* if the policy allows it; :class:`UsageError` if not.

    >>> check_algorithm("aes_256_gcm")
    'AES-256-GCM'
    >>> check_algorithm("HMAC-SHA256")
    'HMAC-SHA-256'
    """
    norm = _normalise(name)
    reason = _weak_reason(norm)
    if reason is not None:
        raise UsageError(
            f"{name!r} is not allowed: {reason}. Feishu's ISV security spec forbids MD5, DES "
            "and SHA-1 and requires at least AES-256, RSA-2048 and SHA-256 (standards.md §3); "
            "use AES-256-GCM with HMAC-SHA-256 (suite 'intl') or SM4-GCM with HMAC-SM3 "
            "(suite 'gm')"
        )
    norm = _ALIASES.get(norm, norm)
    if norm not in ALLOWED:
        raise UsageError(
            f"{name!r} is not an algorithm dataguard's crypto policy knows; "
            f"use one of: {', '.join(sorted(ALLOWED))}"
        )
    return norm
