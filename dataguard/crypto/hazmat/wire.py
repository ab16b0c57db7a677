"""The self-describing, versioned ciphertext and its associated data (architecture.md, conv. 5).

.. warning:: hazmat (see :mod:`dataguard.crypto.hazmat`).

A dataguard ciphertext names everything needed to decrypt it except the key itself: the
format version, the cipher suite, the mode, and the id and version of the key (Tink's
key-id prefix, so that decryption picks the key by id and rotation keeps old ciphertexts
readable). :class:`Envelope` documents the byte layout; :meth:`Envelope.to_text` gives the
compact text form stored in VARCHAR columns, ``dg1:`` followed by unpadded base64url, which
the scanner recognises as dataguard-encrypted
(:data:`dataguard.scan.protection.DATAGUARD_CIPHERTEXT_PREFIX`).

What is authenticated: the header (everything before the body) and the caller's context
(table, column, record key ...) are the associated data of the AEAD
(:func:`associated_data`), so no header field can be swapped and a value copied to another
row or column fails to decrypt. :func:`seal_envelope` and :func:`open_envelope` put the
pieces together.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from dataguard.crypto.hazmat.suites import NONCE_SIZE, SUITES, TAG_SIZE, Suite
from dataguard.errors import InvalidToken

__all__ = [
    "KEY_ID_PATTERN",
    "MAX_KEY_ID_LENGTH",
    "MODE_DETERMINISTIC",
    "MODE_RANDOMISED",
    "TEXT_PREFIX",
    "VERSION",
    "Envelope",
    "associated_data",
    "open_envelope",
    "seal_envelope",
]

#: The format version this module writes and reads (the first byte).
VERSION = 1
#: Mode byte: randomised AEAD (AES-256-GCM / SM4-GCM) with a 12-byte nonce.
MODE_RANDOMISED = 0
#: Mode byte: deterministic AEAD (AES-SIV / SM4 SIV), no nonce.
MODE_DETERMINISTIC = 1
#: Text form prefix ("dg" + the text format version); equals the scanner's
#: ``DATAGUARD_CIPHERTEXT_PREFIX`` (a test holds them together).
TEXT_PREFIX = "dg1:"
MAX_KEY_ID_LENGTH = 64
#: Key ids: 1 to 64 ASCII letters, digits and ``. _ : / -`` (safe in paths, URLs and KMS
#: resource names such as ``projects/p/locations/l/keyRings/r/cryptoKeys/k``).
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9._:/-]{1,64}")

# Nonce length per mode: the mode alone decides it, so the layout parses without the suite.
_NONCE_SIZES = {MODE_RANDOMISED: NONCE_SIZE, MODE_DETERMINISTIC: 0}
_SUITE_IDS = frozenset(s.suite_id for s in SUITES.values())
_FIXED = struct.Struct(">BBBB")
_U32 = struct.Struct(">I")
_U32_MAX = 0xFFFFFFFF
_PADDING = ("", "", "==", "=")
_URL_TO_STD = bytes.maketrans(b"-_", b"+/")
_B64URL_VALUES = {
    c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Envelope:
    """One ciphertext: header fields and body.

    Byte layout (version 1; integers unsigned, big-endian)::

        offset  size         field
        0       1            version       1
        1       1            suite         1 = intl, 2 = gm (suites.Suite.suite_id)
        2       1            mode          0 = randomised AEAD, 1 = deterministic
        3       1            key_id_len    n, 1..64
        4       n            key_id        ASCII [A-Za-z0-9._:/-]
        4+n     4            key_version   uint32
        8+n     12 or 0      nonce         12 bytes in mode 0, absent in mode 1
        ...     >= 16        body          mode 0: ciphertext || 16-byte tag
                                           mode 1: 16-byte SIV || ciphertext

    :meth:`header` is everything before the body. The body's length is the plaintext's
    plus 16; an 11-digit phone under key id ``k1`` takes 4 + 2 + 4 + 12 + 27 = 49 bytes,
    and ``dg1:`` + 66 characters as text.

    The constructor validates every field and raises :class:`ValueError`;
    :meth:`from_bytes` and :meth:`from_text` raise :class:`InvalidToken` (without detail)
    for anything malformed.
    """

    version: int = VERSION
    suite_id: int
    mode: int
    key_id: str
    key_version: int
    nonce: bytes
    body: bytes

    def __post_init__(self) -> None:
        if self.version != VERSION:
            raise ValueError(f"unsupported ciphertext version {self.version}")
        _check_header(self.suite_id, self.mode, self.key_id, self.key_version, self.nonce)
        if len(self.body) < TAG_SIZE:
            raise ValueError(f"the body holds at least the {TAG_SIZE}-byte tag")

    @classmethod
    def _checked(
        cls, suite_id: int, mode: int, key_id: str, key_version: int, nonce: bytes, body: bytes
    ) -> Envelope:
        # The fields were checked by the caller (_check_header and the body's length):
        # skipping the dataclass __init__ saves a third of the cost of a short field.
        env = object.__new__(cls)
        init = object.__setattr__
        init(env, "version", VERSION)
        init(env, "suite_id", suite_id)
        init(env, "mode", mode)
        init(env, "key_id", key_id)
        init(env, "key_version", key_version)
        init(env, "nonce", nonce)
        init(env, "body", body)
        return env

    def header(self) -> bytes:
        """Everything before the body; the caller authenticates it as associated data."""
        return _pack_header(self.suite_id, self.mode, self.key_id, self.key_version, self.nonce)

    def to_bytes(self) -> bytes:
        """The binary form: :meth:`header` then the body."""
        return self.header() + self.body

    @classmethod
    def from_bytes(cls, data: bytes) -> Envelope:
        """Parse :meth:`to_bytes` output; :class:`InvalidToken` for anything malformed."""
        try:
            version, suite_id, mode, n = _FIXED.unpack_from(data, 0)
            nonce_size = _NONCE_SIZES[mode]
            key_id = bytes(data[4 : 4 + n]).decode("ascii")
            (key_version,) = _U32.unpack_from(data, 4 + n)
            start = 8 + n
            nonce = bytes(data[start : start + nonce_size])
            body = bytes(data[start + nonce_size :])
            if version != VERSION or len(body) < TAG_SIZE:
                raise InvalidToken
            _check_header(suite_id, mode, key_id, key_version, nonce)
        except (struct.error, KeyError, ValueError):  # UnicodeDecodeError is a ValueError
            raise InvalidToken from None
        return cls._checked(suite_id, mode, key_id, key_version, nonce, body)

    def to_text(self) -> str:
        """``"dg1:"`` + base64url of :meth:`to_bytes` without padding (RFC 4648 §5)."""
        encoded = base64.urlsafe_b64encode(self.to_bytes()).rstrip(b"=")
        return TEXT_PREFIX + encoded.decode("ascii")

    @classmethod
    def from_text(cls, text: str) -> Envelope:
        """Parse :meth:`to_text` output; :class:`InvalidToken` for anything malformed.

        Only the canonical form is accepted: no padding, no whitespace, no characters of
        the standard alphabet (``+ /``), and zero unused bits in the last character, so
        that one ciphertext has exactly one text form.
        """
        if not isinstance(text, str) or not text.startswith(TEXT_PREFIX):
            raise InvalidToken
        payload = text[len(TEXT_PREFIX) :]
        rest = len(payload) % 4
        # a2b_base64(strict_mode=True) refuses characters outside the standard alphabet once
        # "-_" are mapped to "+/", so the standard alphabet's own "+/" and "=" are refused here.
        if rest == 1 or "+" in payload or "/" in payload or "=" in payload:
            raise InvalidToken
        try:
            if rest and _B64URL_VALUES[payload[-1]] & (0x0F if rest == 2 else 0x03):
                raise InvalidToken
            std = (payload + _PADDING[rest]).encode("ascii").translate(_URL_TO_STD)
            data = binascii.a2b_base64(std, strict_mode=True)
        except (KeyError, ValueError):  # binascii.Error and UnicodeEncodeError are ValueErrors
            raise InvalidToken from None
        return cls.from_bytes(data)


def _check_header(suite_id: int, mode: int, key_id: str, key_version: int, nonce: bytes) -> None:
    if suite_id not in _SUITE_IDS:
        raise ValueError(f"unknown suite id {suite_id}")
    nonce_size = _NONCE_SIZES.get(mode)
    if nonce_size is None:
        raise ValueError(f"unknown mode {mode}")
    if not isinstance(key_id, str) or not KEY_ID_PATTERN.fullmatch(key_id):
        raise ValueError(
            f"a key id is 1 to {MAX_KEY_ID_LENGTH} characters of A-Z a-z 0-9 . _ : / -"
        )
    if not isinstance(key_version, int) or not 0 <= key_version <= _U32_MAX:
        raise ValueError("a key version is an integer from 0 to 2**32 - 1")
    if len(nonce) != nonce_size:
        raise ValueError(f"mode {mode} takes a {nonce_size}-byte nonce, not {len(nonce)}")


def _pack_header(suite_id: int, mode: int, key_id: str, key_version: int, nonce: bytes) -> bytes:
    kid = key_id.encode("ascii")
    return _FIXED.pack(VERSION, suite_id, mode, len(kid)) + kid + _U32.pack(key_version) + nonce


def associated_data(header: bytes, context: Mapping[str, str] | None = None) -> bytes:
    """The canonical associated data: *header*, then the context, length-prefixed.

    Layout (integers uint32 big-endian, strings UTF-8)::

        header || count || (len(name) || name || len(value) || value) * count

    with the pairs sorted by name (code-point order, which is also UTF-8 byte order).
    ``None`` and an empty mapping both encode as ``count = 0``. The header is
    self-delimiting (its length follows from ``key_id_len`` and the mode) and every string
    carries its length, so two different (header, context) pairs never give the same bytes.

    The context binds a ciphertext to where it is stored, e.g.
    ``{"table": "orders", "column": "mobile", "row": "10086"}``: the same value decrypted
    under another row or column's context fails with :class:`InvalidToken`, so copying a
    ciphertext between rows or columns (or swapping two of them) is detected. The caller
    must supply the same context at decryption; dataguard stores none of it.
    """
    if not context:
        return header + b"\x00\x00\x00\x00"
    parts = [header, _U32.pack(len(context))]
    pack = _U32.pack
    try:
        for name in sorted(context):
            n = name.encode("utf-8")
            v = context[name].encode("utf-8")
            parts.append(pack(len(n)) + n + pack(len(v)) + v)
    except AttributeError:
        raise TypeError("context names and values are str") from None
    return b"".join(parts)


def seal_envelope(
    suite: Suite,
    key: bytes,
    plaintext: bytes,
    *,
    key_id: str,
    key_version: int,
    context: Mapping[str, str] | None = None,
    deterministic: bool = False,
    random_bytes: Callable[[int], bytes] = os.urandom,
) -> Envelope:
    """Encrypt *plaintext* under *key* (a data key of *suite*) into an :class:`Envelope`.

    Randomised mode draws a fresh 12-byte nonce from *random_bytes* (the OS CSPRNG; a test
    seam, never to be replaced in production); deterministic mode has no nonce. The
    associated data is :func:`associated_data` of the header and *context*.
    """
    mode = MODE_DETERMINISTIC if deterministic else MODE_RANDOMISED
    nonce = b"" if deterministic else random_bytes(NONCE_SIZE)
    _check_header(suite.suite_id, mode, key_id, key_version, nonce)
    aad = associated_data(_pack_header(suite.suite_id, mode, key_id, key_version, nonce), context)
    if deterministic:
        body = suite.seal_deterministic(key, plaintext, aad)
    else:
        body = suite.seal(key, nonce, plaintext, aad)
    if len(body) < TAG_SIZE:  # a suite's contract; checked, since _checked skips it
        raise ValueError("the suite returned a body shorter than its tag")
    return Envelope._checked(suite.suite_id, mode, key_id, key_version, nonce, body)


def open_envelope(
    envelope: Envelope,
    suite: Suite,
    key: bytes,
    context: Mapping[str, str] | None = None,
) -> bytes:
    """Decrypt *envelope* with *key*, a data key of *suite*, under *context*.

    The caller found *key* (and its suite) by ``envelope.key_id`` and ``key_version``.
    :class:`InvalidToken` if the envelope names another suite, or for any failure to
    authenticate (wrong key, tampered header or body, different context).
    """
    if envelope.suite_id != suite.suite_id:
        raise InvalidToken
    aad = associated_data(envelope.header(), context)
    if envelope.mode == MODE_DETERMINISTIC:
        return suite.open_deterministic(key, envelope.body, aad)
    return suite.open(key, envelope.nonce, envelope.body, aad)
