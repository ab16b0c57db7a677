"""Whether a column's values are already protected, and how.

Youzan 7.4 forbids personal data in plaintext *or under weak algorithms*; a scan therefore
says, per column, which form the values are in. Each sampled value gets one form:

``masked``
    display-masked: a run of mask characters among kept characters (``138****1050``,
    ``张*``, ``tt**@163.com``; standards.md §2).
``hashed``
    a hash in a recognised encoding: bcrypt / Argon2 / scrypt / PBKDF2 modular-crypt
    strings, or 56, 64, 96 or 128 hex digits (SHA-224/256/384/512, SM3 sizes).
``weak-hash``
    32 or 40 hex digits: the sizes of MD5 and SHA-1, which Feishu and Youzan 7.4 forbid.
    A value of that size cannot prove its algorithm; the report says "sized like".
``dataguard-encrypted``
    dataguard's own ciphertext text form (it starts with :data:`DATAGUARD_CIPHERTEXT_PREFIX`).
``opaque-ciphertext``
    long base64 / base64url / hex with high entropy that is none of the above (nor base64
    of a JSON object, ``eyJ…``, which is an encoding the detector reads through): encrypted
    by something else (or random tokens: a credential column's opaque values are the
    credentials themselves, and :func:`column_protection` says plaintext for them).
``plaintext``
    anything else (whether it *is* personal data is the classifier's verdict).

Binary values (``BINARY``, ``VARBINARY``, ``BLOB``, ``bytea`` holding bytes that are not
UTF-8, which :func:`~dataguard.scan.assess.as_text` passes on surrogate-escaped, or a
dump's ``0x…`` literal) are judged by their bytes: a raw digest is as hashed as its hex
form (32 bytes: ``hashed``; 16 or 20: ``weak-hash``, sized like MD5 or SHA-1, and also like
one AES block, which the bytes cannot tell apart), other bytes with no readable text in
them ``opaque-ciphertext`` (MySQL ``AES_ENCRYPT`` output, encrypted blobs), and bytes
holding a run of readable text (a serialised object, a document) ``plaintext``, for the
detector to read.

A column's state is the form of most of its non-empty sampled values.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

from dataguard.detect.normalize import UNDECODABLE_BYTE, base64_json

__all__ = [
    "DATAGUARD_CIPHERTEXT_PREFIX",
    "PROTECTED",
    "binary_form",
    "column_protection",
    "masked_entities",
    "value_form",
]

#: The text form of dataguard's field ciphertexts begins with this (issue [5/6]).
DATAGUARD_CIPHERTEXT_PREFIX = "dg1:"

#: Forms that count as protected at rest.
PROTECTED = frozenset({"masked", "hashed", "dataguard-encrypted", "opaque-ciphertext"})

# ref. modular crypt formats: bcrypt ($2a$/$2b$/$2y$, cost, 53 chars of bcrypt base64),
# Argon2 PHC strings, scrypt ($7$ and $scrypt$), PBKDF2 as Django and passlib write it.
_CRYPT = re.compile(
    r"^(?:\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}"
    r"|\$argon2(?:id|i|d)\$\S+"
    r"|\$7\$\S+|\$scrypt\$\S+"
    r"|pbkdf2_sha(?:256|512)\$\d+\$\S+|\$pbkdf2(?:-sha\d+)?\$\S+)$"
)
# Hex with at least one letter: a 32-digit number is a number, not an MD5.
_HEX = re.compile(r"^(?=.*[a-fA-F])(?:[0-9a-f]+|[0-9A-F]+)$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_STRONG_HEX = frozenset({56, 64, 96, 128})
_WEAK_HEX = frozenset({32, 40})
_B64 = re.compile(r"^[A-Za-z0-9+/_-]{16,}={0,2}$")
# Mask characters the platform specs use (standards.md §2): asterisks, full-width too.
_MASKED = re.compile(r"[*＊]{1,}")
_KEPT = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")


def _entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


# A dump's hex literal of bytes that are not UTF-8 (dataguard.sources.dump.literals).
_HEX_LITERAL = re.compile(r"^0x(?:[0-9A-F]{2})+$")
# Readable text inside bytes: a run of 8 or more characters that are neither undecodable
# bytes nor control characters. A random byte is printable 3 times in 8, so such a run is
# in about 2% of 80-byte ciphertexts, and in a serialised object wherever it holds a
# phone number, an ID number or an address.
_READABLE_RUN = re.compile("[^\udc80-\udcff\x00-\x1f\x7f]{8,}")
_DIGEST_FORMS = frozenset({"hashed", "weak-hash"})
_STRONG_DIGEST_BYTES = frozenset(n // 2 for n in _STRONG_HEX)
_WEAK_DIGEST_BYTES = frozenset(n // 2 for n in _WEAK_HEX)


def binary_form(data: bytes) -> str:
    """The form of a value made of bytes that are not UTF-8 (see the module docstring).

    A digest's size decides first: 32 random bytes hold printable runs often enough to
    pass for text now and then.
    """
    if len(data) in _STRONG_DIGEST_BYTES:
        return "hashed"
    if len(data) in _WEAK_DIGEST_BYTES:
        return "weak-hash"
    readable = _READABLE_RUN.search(data.decode("utf-8", "surrogateescape"))
    return "opaque-ciphertext" if readable is None else "plaintext"


def value_form(value: str) -> str:
    """The form of one non-empty value (see the module docstring)."""
    text = value.strip()
    if UNDECODABLE_BYTE.search(value):
        return binary_form(value.encode("utf-8", "surrogateescape"))
    if _HEX_LITERAL.match(text):
        return binary_form(bytes.fromhex(text[2:]))
    if text.startswith(DATAGUARD_CIPHERTEXT_PREFIX):
        return "dataguard-encrypted"
    if _CRYPT.match(text):
        return "hashed"
    if _HEX.match(text):
        if len(text) in _STRONG_HEX:
            return "hashed"
        if len(text) in _WEAK_HEX:
            return "weak-hash"
    if _MASKED.search(text) and _KEPT.search(text):
        return "masked"
    if len(text) >= 24 and _B64.match(text) and not _UUID.match(text) and _entropy(text) >= 4.0:
        # Base64 of a JSON object is an encoding, not a cipher: the detector reads inside.
        return "plaintext" if base64_json(text) is not None else "opaque-ciphertext"
    return "plaintext"


def _digest_size(text: str) -> int:
    """The size in bytes of a value judged a digest: raw bytes, ``0x…`` or hex digits."""
    if UNDECODABLE_BYTE.search(text):  # raw bytes: white space among them is data
        return len(text.encode("utf-8", "surrogateescape"))
    return len(text.strip().removeprefix("0x")) // 2


def column_protection(values: Iterable[str]) -> tuple[str, Counter[str]]:
    """The state of a column from its non-empty sampled values, and the count per form.

    The most common form wins; a column with no values is ``plaintext`` (nothing shows
    it is protected). Digest-sized values of more than one size are ciphertext: one
    column's digests come from one algorithm and share a size, while a block cipher's
    output grows with its input (``HEX(AES_ENCRYPT(address, k))`` is 64, 96 or 128 hex
    digits; phone numbers, all one block, stay sized like MD5).
    """
    judged = [(value, value_form(value)) for value in values]
    if not judged:
        return "plaintext", Counter()
    digests = {
        text for text, form in judged if form in _DIGEST_FORMS and not _CRYPT.match(text.strip())
    }
    if len({_digest_size(text) for text in digests}) > 1:
        judged = [(t, "opaque-ciphertext" if t in digests else f) for t, f in judged]
    forms = Counter(form for _, form in judged)
    return forms.most_common(1)[0][0], forms


# A masked token: kept characters around a run of mask characters (``138****1050``,
# ``622202******1234``, ``tt**@163.com``, ``张*``).
_MASKED_TOKEN = re.compile(r"[0-9A-Za-z@.\u4e00-\u9fff_+-]*[*＊]{1,}[0-9A-Za-z@.\u4e00-\u9fff_+-]*")
_DIGITISH = re.compile(r"^[0-9*＊]+[0-9Xx*＊]$")


def _masked_entity(token: str) -> str | None:
    """The entity a masked token was, from what display masking keeps (standards.md §2)."""
    if "@" in token:
        return "EMAIL_ADDRESS"
    if re.fullmatch(r"[\u4e00-\u9fff][*＊\u4e00-\u9fff]{1,3}", token):
        return "CN_NAME"
    if not _DIGITISH.match(token) or token.count("*") + token.count("＊") >= len(token):
        return None
    if len(token) == 11 and re.match(r"1[3-9*＊]", token):
        return "CN_MOBILE"
    if len(token) == 18:
        return "CN_ID_CARD"
    if 15 <= len(token) <= 19:
        return "BANK_CARD"
    return None


def masked_entities(value: str) -> list[str]:
    """The entities of the masked tokens in *value*, in order (unknown tokens left out).

    Display masking hides the digits that validate a value, but keeps its length and
    ends: an 11-character ``1`` token is a mobile, 18 characters an ID number, 15-19
    digits a card, a token with ``@`` an email, a CJK token a name.
    """
    found = []
    for match in _MASKED_TOKEN.finditer(value):
        entity = _masked_entity(match.group().strip("._+-"))
        if entity is not None:
            found.append(entity)
    return found
