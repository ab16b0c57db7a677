"""The two cipher suites, chosen per keyring: ``intl`` and ``gm`` (standards.md §3).

.. warning:: hazmat (see :mod:`dataguard.crypto.hazmat`): these are raw primitives. The
   caller picks nonces, keys and associated data; the recipes in :mod:`dataguard.crypto`
   do that for you.

Why two suites: Feishu's ISV spec sets a floor of AES-256 for symmetric encryption and
SHA-256 for hashes; the bank spec requires the national (ShangMi) algorithms, whose block
cipher SM4 (GB/T 32907-2016) only has 128-bit keys. No single suite satisfies both, so a
keyring is created with one suite and every ciphertext records which (its ``suite_id``):

=========================  ==========================================  =====================
                           ``intl`` (suite id 1)                       ``gm`` (suite id 2)
=========================  ==========================================  =====================
data key (DEK)             32 bytes (AES-256)                          16 bytes (SM4-128)
randomised AEAD            AES-256-GCM (NIST SP 800-38D)               SM4-GCM (RFC 8998)
nonce / tag                12 / 16 bytes                               12 / 16 bytes
deterministic AEAD         AES-SIV (RFC 5297), 64-byte key from HKDF   SM4 SIV (below)
MAC (:meth:`Suite.mac`)    HMAC-SHA-256 (RFC 2104), 32 bytes           HMAC-SM3, 32 bytes
KDF (:meth:`Suite.derive`) HKDF-SHA-256 (RFC 5869), no salt            HKDF-SM3, no salt
=========================  ==========================================  =====================

Formats:

* :meth:`Suite.seal` returns ``ciphertext || tag`` (tag 16 bytes, ciphertext as long as the
  plaintext); the DEK is the GCM key itself, so the suites are exactly AES-256-GCM and
  SM4-GCM and the NIST / RFC 8998 vectors run through them.
* :meth:`Suite.seal_deterministic` returns ``SIV || ciphertext`` (SIV 16 bytes), RFC 5297's
  output order. Its keys are derived from the DEK with the suite's HKDF and a purpose label
  (:data:`INTL_SIV_INFO`, :data:`GM_SIV_MAC_INFO`, :data:`GM_SIV_ENC_INFO`): the DEK keys
  only the GCM cipher, and is the input keying material of HKDF for everything else.

The ``gm`` deterministic mode. ``cryptography`` has no SM4-SIV, so ``gm`` composes one from
SM4-CTR and HMAC-SM3 after RFC 5297 §2 (a PRF over the associated data and plaintext gives
the synthetic IV, which is the CTR counter block: S2V then CTR; the SIV construction of
Rogaway and Shrimpton, "Deterministic Authenticated-Encryption", EUROCRYPT 2006, RFC 5297's
[DAE]), with HMAC-SM3 as the PRF in place of S2V's AES-CMAC::

    k_mac = HKDF-SM3(DEK, info=GM_SIV_MAC_INFO, 32 bytes)
    k_enc = HKDF-SM3(DEK, info=GM_SIV_ENC_INFO, 16 bytes)
    V     = HMAC-SM3(k_mac, uint64_be(len(aad)) || aad || plaintext)[:16]
    Q     = V with the top bit of byte 8 and of byte 12 cleared   (RFC 5297 §2.6)
    C     = SM4-CTR(k_enc, initial counter block Q, plaintext)
    out   = V || C

Decryption recomputes ``V`` from the decrypted plaintext and compares it with the stored one
in constant time (:func:`hmac.compare_digest`). The length prefix makes the split between
associated data and plaintext unambiguous, as S2V's per-component PRF does in RFC 5297.
Clearing two bits of the counter block is RFC 5297's allowance for 32- and 64-bit counter
arithmetic; ``cryptography`` counts over all 128 bits, but the cleared bits let other
implementations interoperate.

Deterministic encryption is deterministic authenticated encryption with the leakage of
AES-SIV and of any deterministic scheme, in both suites: equal plaintexts under the same key
and the same associated data give equal ciphertexts (that is the point: equality lookups
and joins on encrypted columns), so an observer learns which values repeat and how often.
Use it only for columns that must be searched by equality; use :meth:`Suite.seal` otherwise.

Errors: a key of the wrong length raises :class:`ValueError` at the call (a programming or
configuration error); every failure to decrypt raises :class:`~dataguard.errors.InvalidToken`
with no message, whatever the cause.

Cipher objects for recently used keys (and the keys derived from them) are cached in this
process, because building them costs more than encrypting a short field (AES-SIV: ~6 µs
against ~1 µs); :func:`forget_keys` empties the cache, e.g. after a key is destroyed.
"""

from __future__ import annotations

import functools
import hmac
import os
import struct
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from dataguard.errors import InvalidToken, UsageError

__all__ = [
    "GM",
    "GM_SIV_ENC_INFO",
    "GM_SIV_MAC_INFO",
    "INTL",
    "INTL_SIV_INFO",
    "MIN_SECRET_SIZE",
    "NONCE_SIZE",
    "SUITES",
    "TAG_SIZE",
    "GmSuite",
    "IntlSuite",
    "Suite",
    "forget_keys",
    "suite",
    "suite_by_id",
]

# ref. NIST SP 800-38D §8.2 (96-bit IVs for GCM, the length GCM is fastest and safest with)
# and RFC 8998 §3.1 (SM4-GCM in TLS 1.3 uses the same 12-byte nonce).
NONCE_SIZE = 12
# ref. NIST SP 800-38D §5.2.1.2 (128-bit tag) and RFC 5297 §2.6 (the SIV is one AES block).
TAG_SIZE = 16
#: HMAC output size: SHA-256 and SM3 both give 32 bytes.
MAC_SIZE = 32
#: Shortest key :meth:`Suite.mac` and :meth:`Suite.derive` accept: 128 bits of security.
MIN_SECRET_SIZE = 16
#: Keys of a few hundred recently used DEKs are enough for any batch; bounded so a process
#: that handles many data subjects (a DEK each) does not grow without end.
_CACHE_SIZE = 256

#: HKDF info of the 64-byte AES-SIV key (two AES-256 keys, RFC 5297 §2.2) of ``intl``.
INTL_SIV_INFO = b"dataguard/v1 intl deterministic: AES-SIV key (RFC 5297)"
#: HKDF info of the HMAC-SM3 key that computes ``gm``'s synthetic IV.
GM_SIV_MAC_INFO = b"dataguard/v1 gm deterministic: HMAC-SM3 key of the synthetic IV"
#: HKDF info of the SM4-CTR key of ``gm``'s deterministic mode.
GM_SIV_ENC_INFO = b"dataguard/v1 gm deterministic: SM4-CTR key"

_U64 = struct.Struct(">Q")


def _check_secret(key: bytes) -> None:
    if len(key) < MIN_SECRET_SIZE:
        raise ValueError(f"a MAC or KDF key needs at least {MIN_SECRET_SIZE} bytes, not {len(key)}")


def _check_nonce(nonce: bytes) -> None:
    if len(nonce) != NONCE_SIZE:
        raise ValueError(f"the nonce is {NONCE_SIZE} bytes, not {len(nonce)}")


# -- per-key caches (see the module docstring) -----------------------------------------------


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _aesgcm(key: bytes) -> AESGCM:
    return AESGCM(key)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _aessiv(key: bytes) -> AESSIV:
    return AESSIV(HKDF(hashes.SHA256(), 64, None, INTL_SIV_INFO).derive(key))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _gm_siv_keys(key: bytes) -> tuple[bytes, bytes]:
    k_mac = HKDF(hashes.SM3(), MAC_SIZE, None, GM_SIV_MAC_INFO).derive(key)
    k_enc = HKDF(hashes.SM3(), 16, None, GM_SIV_ENC_INFO).derive(key)
    return k_mac, k_enc


def forget_keys() -> None:
    """Drop every cached cipher object and derived key of this process.

    Python cannot wipe memory, so this only makes the objects unreachable; it is still worth
    calling when a key is destroyed (crypto-shredding), so that this process stops being
    able to decrypt with it.
    """
    _aesgcm.cache_clear()
    _aessiv.cache_clear()
    _gm_siv_keys.cache_clear()


# -- the suites --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suite(ABC):
    """A cipher suite: randomised and deterministic AEAD, MAC and KDF over one hash.

    Attributes:
        name: ``"intl"`` or ``"gm"``, as configuration names it.
        suite_id: the byte recorded in every ciphertext (intl = 1, gm = 2).
        dek_size: data-key size in bytes (32 for AES-256, 16 for SM4).
        algorithms: the algorithm names the suite uses, as
            :func:`dataguard.crypto.hazmat.policy.check_algorithm` knows them.
        nonce_size: 12, for :meth:`seal` and :meth:`open`.
        tag_size: 16, the GCM tag and the SIV.
    """

    name: str
    suite_id: int
    dek_size: int
    algorithms: tuple[str, ...]
    nonce_size: int = NONCE_SIZE
    tag_size: int = TAG_SIZE

    @abstractmethod
    def hash_algorithm(self) -> hashes.HashAlgorithm:
        """A new instance of the suite's hash (SHA-256 or SM3)."""

    @abstractmethod
    def seal(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        """Randomised AEAD: ``ciphertext || tag``. Never reuse a nonce under one key."""

    @abstractmethod
    def open(self, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
        """The plaintext of :meth:`seal`'s output, or :class:`InvalidToken`."""

    @abstractmethod
    def seal_deterministic(self, key: bytes, plaintext: bytes, aad: bytes) -> bytes:
        """Deterministic AEAD: ``SIV || ciphertext`` (see the module docstring's leakage)."""

    @abstractmethod
    def open_deterministic(self, key: bytes, sealed: bytes, aad: bytes) -> bytes:
        """The plaintext of :meth:`seal_deterministic`'s output, or :class:`InvalidToken`."""

    def mac(self, key: bytes, data: bytes) -> bytes:
        """HMAC with the suite's hash: 32 bytes. *key* has at least 16 bytes."""
        _check_secret(key)
        h = crypto_hmac.HMAC(key, self.hash_algorithm())
        h.update(data)
        return h.finalize()

    def derive(self, key: bytes, info: bytes, length: int) -> bytes:
        """HKDF (RFC 5869) with the suite's hash and no salt: *length* bytes for *info*.

        *key* has at least 16 bytes; *info* names the purpose, so that keys derived for
        different purposes are independent.
        """
        _check_secret(key)
        return HKDF(self.hash_algorithm(), length, None, info).derive(key)

    def new_key(self, random_bytes: Callable[[int], bytes] = os.urandom) -> bytes:
        """A fresh data key of :attr:`dek_size` bytes from the OS CSPRNG (or *random_bytes*)."""
        key = random_bytes(self.dek_size)
        self._dek(key)
        return key

    def _dek(self, key: bytes) -> bytes:
        if len(key) != self.dek_size:
            raise ValueError(f"a {self.name} data key is {self.dek_size} bytes, not {len(key)}")
        return key if type(key) is bytes else bytes(key)


@dataclass(frozen=True)
class IntlSuite(Suite):
    """``intl``: AES-256-GCM, AES-SIV, HMAC-SHA-256, HKDF-SHA-256."""

    def hash_algorithm(self) -> hashes.HashAlgorithm:
        return hashes.SHA256()

    def seal(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        aead = _aesgcm(self._dek(key))
        _check_nonce(nonce)
        return aead.encrypt(nonce, plaintext, aad)

    def open(self, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
        aead = _aesgcm(self._dek(key))
        if len(nonce) != NONCE_SIZE:
            raise InvalidToken
        try:
            return aead.decrypt(nonce, sealed, aad)
        except (InvalidTag, ValueError):
            raise InvalidToken from None

    def seal_deterministic(self, key: bytes, plaintext: bytes, aad: bytes) -> bytes:
        return _aessiv(self._dek(key)).encrypt(plaintext, [aad])

    def open_deterministic(self, key: bytes, sealed: bytes, aad: bytes) -> bytes:
        siv = _aessiv(self._dek(key))
        try:
            return siv.decrypt(sealed, [aad])
        except (InvalidTag, ValueError):
            raise InvalidToken from None


def _sm4_ctr(key: bytes, counter_block: bytes, data: bytes) -> bytes:
    ctx = Cipher(algorithms.SM4(key), modes.CTR(counter_block)).encryptor()
    return ctx.update(data) + ctx.finalize()


def _synthetic_iv(k_mac: bytes, plaintext: bytes, aad: bytes) -> bytes:
    h = crypto_hmac.HMAC(k_mac, hashes.SM3())
    h.update(_U64.pack(len(aad)))
    h.update(aad)
    h.update(plaintext)
    return h.finalize()[:TAG_SIZE]


def _counter_block(v: bytes) -> bytes:
    # ref. RFC 5297 §2.6: Q = V bitand (1^64 || 0^1 || 1^31 || 0^1 || 1^31)
    q = bytearray(v)
    q[8] &= 0x7F
    q[12] &= 0x7F
    return bytes(q)


@dataclass(frozen=True)
class GmSuite(Suite):
    """``gm``: SM4-GCM, an SM4-CTR/HMAC-SM3 SIV, HMAC-SM3, HKDF-SM3 (GB/T 32907, 32905)."""

    def hash_algorithm(self) -> hashes.HashAlgorithm:
        return hashes.SM3()

    def seal(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        key = self._dek(key)
        _check_nonce(nonce)
        ctx = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        ctx.authenticate_additional_data(aad)
        body = ctx.update(plaintext) + ctx.finalize()
        return body + ctx.tag

    def open(self, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
        key = self._dek(key)
        if len(nonce) != NONCE_SIZE or len(sealed) < TAG_SIZE:
            raise InvalidToken
        try:
            ctx = Cipher(algorithms.SM4(key), modes.GCM(nonce, sealed[-TAG_SIZE:])).decryptor()
            ctx.authenticate_additional_data(aad)
            plaintext = ctx.update(sealed[:-TAG_SIZE])
            return plaintext + ctx.finalize()
        except (InvalidTag, ValueError):
            raise InvalidToken from None

    def seal_deterministic(self, key: bytes, plaintext: bytes, aad: bytes) -> bytes:
        k_mac, k_enc = _gm_siv_keys(self._dek(key))
        v = _synthetic_iv(k_mac, plaintext, aad)
        return v + _sm4_ctr(k_enc, _counter_block(v), plaintext)

    def open_deterministic(self, key: bytes, sealed: bytes, aad: bytes) -> bytes:
        k_mac, k_enc = _gm_siv_keys(self._dek(key))
        if len(sealed) < TAG_SIZE:
            raise InvalidToken
        v = sealed[:TAG_SIZE]
        plaintext = _sm4_ctr(k_enc, _counter_block(v), sealed[TAG_SIZE:])
        if not hmac.compare_digest(v, _synthetic_iv(k_mac, plaintext, aad)):
            raise InvalidToken
        return plaintext


INTL: Suite = IntlSuite(
    name="intl",
    suite_id=1,
    dek_size=32,
    algorithms=("AES-256-GCM", "AES-256-SIV", "HMAC-SHA-256", "HKDF-SHA-256"),
)
GM: Suite = GmSuite(
    name="gm",
    suite_id=2,
    dek_size=16,
    algorithms=("SM4-GCM", "SM4-CTR", "HMAC-SM3", "HKDF-SM3"),
)

#: The suites by name.
SUITES: dict[str, Suite] = {s.name: s for s in (INTL, GM)}
_BY_ID: dict[int, Suite] = {s.suite_id: s for s in SUITES.values()}


def suite(name: str) -> Suite:
    """The suite called *name*; :class:`UsageError` naming the choices for any other."""
    try:
        return SUITES[name]
    except (KeyError, TypeError):
        raise UsageError(
            f"unknown cipher suite {name!r}: choose 'intl' (AES-256-GCM, HMAC-SHA-256) or "
            "'gm' (SM4-GCM, HMAC-SM3, for the national-cryptography requirement)"
        ) from None


def suite_by_id(suite_id: int) -> Suite:
    """The suite a ciphertext names; :class:`InvalidToken` for an unknown id."""
    try:
        return _BY_ID[suite_id]
    except (KeyError, TypeError):
        raise InvalidToken from None
