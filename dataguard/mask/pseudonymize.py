"""pseudonymize: replace a value with a keyed HMAC token that still joins across runs.

The token is ``HMAC(subkey, entity | 0x00 | canonical value)`` in lower-case hex, cut to
``length`` characters and put into ``template`` (``CN_MOBILE_3f9a0c1d2b7e4a68``). It is
stable across runs and machines for the same master key, entity and value, so masked
tables still join on it; without the key it can be neither reversed nor recomputed (a
bare hash of a mobile number is undone by hashing all 10^9 numbers of a prefix).

The master key never touches data: each algorithm gets a subkey,
``HMAC(master key, "dataguard/mask/pseudonymize/v1/" + algorithm)`` (a one-step key
derivation in the manner of NIST SP 800-108's PRF-based KDF), so a token leaks nothing
about the key other operators use. Key material comes from :class:`OperatorEnv`, never
from a policy parameter (:mod:`dataguard.mask.operator`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from dataguard.errors import UsageError
from dataguard.mask.operator import MaskContext, Operator, OperatorEnv
from dataguard.recognizers.id_card import check_char

__all__ = [
    "Pseudonymize",
    "attach_key",
    "attached_key",
    "canonical",
    "derive_subkey",
    "landline_match",
]

#: HMAC algorithms: the international suite (Feishu: hashes at least SHA-256) and the
#: national one (SM3, GB/T 32905-2016), standards.md §3.
ALGORITHMS = ("sha256", "sm3")
#: The shortest master key accepted (NIST SP 800-107 rev. 1 §5.3.4: an HMAC key of at
#: least the security strength wanted; 128 bits here). The CLI asks for 32 characters.
MIN_KEY_BYTES = 16
_DIGEST_HEX = 64  # SHA-256 and SM3 both give 256 bits
_KEY_ATTR = "_dataguard_subkey"
_SEPARATORS = re.compile(r"[\s\-()\u3000]")
# ref. ITU-T E.164 country code 86 (+86, 0086, 86) before an 11-digit mobile number.
_MOBILE = re.compile(r"\+?(?:0086|86)?(1[0-9]{10})")
# ref. MIIT numbering plan / ITU-T E.123 (as recognizers.landline parses it): country
# prefix, trunk 0, area code, local number, extension.
_LANDLINE = re.compile(
    r"(?:\+86|\(\+?86\)|0086)?[- ]?(?:\(0\)|\(?0)?(?P<area>10|2[0-9]|[3-9][0-9]{2})\)?[- ]?"
    r"(?P<local>[2-8][0-9]{2,3}[- ]?[0-9]{4})"
    r"(?:[ ]?(?:-|转|[Ee][Xx][Tt]\.?|[Xx])[ ]?(?P<ext>[0-9]{1,6}))?"
)
_DIGIT_ENTITIES = frozenset({"CN_MOBILE", "CN_LANDLINE", "CN_ID_CARD", "BANK_CARD"})


# -- key handling (shared with the surrogate operator) -------------------------------------


def derive_subkey(master_key: bytes, label: bytes, algorithm: str = "sha256") -> bytes:
    """``HMAC-<algorithm>(master_key, label)``: the key one operator uses, never the master.

    Raises:
        UsageError: the master key is shorter than :data:`MIN_KEY_BYTES`.
    """
    if len(master_key) < MIN_KEY_BYTES:
        raise UsageError(
            f"the masking key must be at least {MIN_KEY_BYTES} bytes; "
            "set DATAGUARD_MASK_KEY (at least 32 characters) or pass --key-file"
        )
    return hmac.new(master_key, label, algorithm).digest()


def attach_key(operator: Operator, key: bytes) -> None:
    """Store a derived key on a (frozen) operator outside its dataclass fields.

    Not a field, so neither ``repr()``, ``describe()`` nor equality ever shows it.
    """
    object.__setattr__(operator, _KEY_ATTR, key)


def attached_key(operator: Operator) -> bytes:
    """The key stored by :func:`attach_key`.

    Raises:
        UsageError: the operator was built without a key (the same error as
            :class:`OperatorEnv` gives when no master key is configured).
    """
    key = getattr(operator, _KEY_ATTR, None)
    if isinstance(key, bytes):
        return key
    OperatorEnv().master_key()  # raises the UsageError for a missing DATAGUARD_MASK_KEY
    raise UsageError(f"operator {operator.name!r} has no key; build it with build_operator")


# -- canonical values ----------------------------------------------------------------------


def _id_canonical(value: str) -> str:
    """An ID number without separators, check char upper case, 15 digits upgraded to 18.

    ref. GB 11643-1999 §5: a legacy 15-digit number (GB 11643-1989) becomes the 18-char
    number of the same person by inserting the century ``19`` and appending the
    ISO 7064 MOD 11-2 check char, so old and new records join.
    """
    number = _SEPARATORS.sub("", value).upper()
    if len(number) == 15 and number.isdigit():
        body = number[:6] + "19" + number[6:]
        return body + check_char(body)
    return number


def landline_match(value: str) -> re.Match[str] | None:
    """*value* split into groups ``area`` (no trunk 0), ``local`` and ``ext``, or None.

    Country prefix (``+86``, ``(86)``, ``0086``), trunk ``0`` or ``(0)``, brackets and
    separators as the MIIT numbering plan and ITU-T E.123 write them.
    """
    return _LANDLINE.fullmatch(value)


def _landline_canonical(value: str) -> str:
    """``0<area><local>`` plus ``#<extension>``; country prefix and layout dropped."""
    m = landline_match(value.strip())
    if m is None:
        return _SEPARATORS.sub("", value)
    local = m.group("local").replace("-", "").replace(" ", "")
    ext = m.group("ext")
    return "0" + m.group("area") + local + (f"#{ext}" if ext else "")


def canonical(entity: str, value: str) -> str:
    """The form of *value* that is hashed, so one datum written differently joins.

    * ``CN_MOBILE``: digits only, without a ``+86`` / ``0086`` / ``86`` prefix
      (``+86 138-1234-5678`` → ``13812345678``);
    * ``CN_LANDLINE``: ``0`` + area code + local number (+ ``#`` extension), whether
      written ``0571-88881234``, ``(0571)88881234`` or ``+86-571-8888-1234``;
    * ``CN_ID_CARD``: no separators, ``X`` upper case, 15 digits upgraded to 18;
    * ``BANK_CARD``: digits without spaces, dashes or brackets;
    * ``EMAIL_ADDRESS``: lower case (providers treat local parts case-insensitively);
    * anything else: as is.

    Every value is NFKC-folded first (full-width digits → ASCII), as the applier does.
    """
    value = unicodedata.normalize("NFKC", value)
    if entity == "CN_MOBILE":
        number = _SEPARATORS.sub("", value)
        m = _MOBILE.fullmatch(number)
        return m.group(1) if m else number
    if entity == "CN_LANDLINE":
        return _landline_canonical(value)
    if entity == "CN_ID_CARD":
        return _id_canonical(value)
    if entity in _DIGIT_ENTITIES:
        return _SEPARATORS.sub("", value)
    if entity == "EMAIL_ADDRESS":
        return value.strip().lower()
    return value


# -- the operator --------------------------------------------------------------------------


def _check_algorithm(algorithm: str) -> None:
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}")
    try:
        hashlib.new(algorithm)
    except ValueError:
        raise ValueError(
            f"HMAC-{algorithm.upper()} needs an OpenSSL that offers {algorithm}; "
            "this Python's OpenSSL does not (use algorithm = 'sha256')"
        ) from None


def _check_template(template: str) -> None:
    """ValueError unless *template* uses {digest}, optionally {entity}, and nothing else."""
    if any(ch in template for ch in "\"'\\,\n\r\t"):
        raise ValueError("template must not contain quotes, backslashes, commas or breaks")
    try:
        fields = [(n, s, c) for _, n, s, c in string.Formatter().parse(template) if n is not None]
    except ValueError:
        raise ValueError("template is not a valid format string") from None
    if any(name not in ("entity", "digest") or spec or conv for name, spec, conv in fields):
        raise ValueError("template may only use {entity} and {digest}, without format specs")
    if not any(name == "digest" for name, _, _ in fields):
        raise ValueError("template must contain {digest}")


@cache
def _token_shape(template: str, entity: str, length: int) -> re.Pattern[str] | None:
    """A regex matching exactly the tokens *template* makes for *entity*, or None.

    A digest always holds a letter (:func:`_lettered`). A bare ``{digest}`` template has
    no shape to tell its tokens from data (a 16-digit hex session id is one), so it gets
    None: its tokens are hashed again, which the detector never asks for (it finds
    nothing in a token).
    """
    parts: list[str] = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name == "entity":
            parts.append(re.escape(entity))
        elif name == "digest":
            parts.append(f"(?=[0-9]*[a-f])[0-9a-f]{{{length}}}")
    if template == "{digest}":
        return None
    return re.compile("".join(parts))


def _lettered(digest: str) -> str:
    """*digest* with its first char turned into a letter when it is all decimal digits.

    A token must never look like personal data: an all-digit cut of 11 hex digits can be
    a mobile number, 16 a Luhn-valid card. ``0``-``9`` map to ``a``-``f`` (mod 6), so
    such a cut loses under one bit and the token stays lower-case hex.
    """
    if digest.isdigit():
        return "abcdef"[int(digest[0]) % 6] + digest[1:]
    return digest


@dataclass(frozen=True)
class Pseudonymize(Operator):
    """Replace a value with a keyed HMAC token: ``{entity}_{digest}``.

    ``digest`` is the first ``length`` (8-64) lower-case hex characters of
    HMAC-SHA-256 (``algorithm = "sha256"``, default) or HMAC-SM3 (``"sm3"``, GB/T
    32905-2016, when the linked OpenSSL offers it) over ``entity | 0x00 | canonical
    value`` (see :func:`canonical`: ``138 1234 5678`` and ``+8613812345678`` give one
    token). The same key, entity and value give the same token on every run and machine;
    the same value under two entities gives two tokens. A digest cut that is all decimal
    digits gets a letter first, so no token contains a number the detector would report.

    Idempotent: the detector finds nothing in a token, and a value that already has the
    token shape for its entity (template text and entity around a lower-case hex digest
    holding a letter) is returned as is. A bare ``"{digest}"`` template has no such
    shape, so there a token given back is hashed again.

    The key is derived from the master key of :class:`OperatorEnv` when the operator is
    built (:meth:`from_params`); it is not a parameter and not shown by ``repr()``.
    """

    name = "pseudonymize"
    summary = "keyed HMAC token that joins across runs, CN_MOBILE_3f9a0c1d2b7e4a68 (needs a key)"
    keyed = True
    idempotent = True

    algorithm: str = "sha256"
    length: int = 16
    template: str = "{entity}_{digest}"

    def __post_init__(self) -> None:
        _check_algorithm(self.algorithm)
        if isinstance(self.length, bool) or not 8 <= self.length <= _DIGEST_HEX:
            raise ValueError(f"length must be between 8 and {_DIGEST_HEX} hex characters")
        _check_template(self.template)

    @classmethod
    def from_params(cls, params: Mapping[str, Any], env: OperatorEnv) -> Operator:
        """Build from policy parameters; derive the subkey from ``env.master_key()``."""
        operator = super().from_params(params, env)
        assert isinstance(operator, Pseudonymize)
        label = b"dataguard/mask/pseudonymize/v1/" + operator.algorithm.encode("ascii")
        attach_key(operator, derive_subkey(env.master_key(), label, operator.algorithm))
        return operator

    def digest(self, value: str, entity: str) -> str:
        """The ``length``-character hex digest of *value* as *entity*."""
        # Bytes that are not UTF-8 (lone surrogates, from surrogateescape) hash as they are.
        message = (
            entity.encode("utf-8")
            + b"\x00"
            + canonical(entity, value).encode("utf-8", "surrogateescape")
        )
        mac = hmac.new(attached_key(self), message, self.algorithm).hexdigest()
        return _lettered(mac[: self.length])

    def apply(self, value: str, context: MaskContext) -> str:
        attached_key(self)  # no key, no token: fail the same way on every value
        shape = _token_shape(self.template, context.entity, self.length)
        if shape is not None and shape.fullmatch(value):
            return value
        return self.template.format(
            entity=context.entity, digest=self.digest(value, context.entity)
        )
