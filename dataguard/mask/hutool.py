"""hutool: mask exactly like Hutool's ``cn.hutool.core.util.DesensitizedUtil`` (Java).

Teams that mask in Java with Hutool 5.8 and in Python with dataguard get the same
strings. Each public function below ports one Java method line by line, including the
places where Hutool hands a value back *unmasked* (a mobile number shorter than 8
characters, an e-mail whose ``@`` is at position 0 or 1, a car plate that is not 7 or 8
characters, a bank card shorter than 9 digits, a passport of 3 characters …). Those are
Hutool's rules, kept on purpose so both sides agree; use another profile if that matters.

Ported from Hutool 5.8 (``v5-master``), ``hutool-core/src/main/java/cn/hutool/core/util/
DesensitizedUtil.java`` as of 5.8.39 or later (``PASSPORT`` and ``CREDIT_CODE`` arrived in
5.8.39; ``CLEAR_TO_NULL`` / ``CLEAR_TO_EMPTY`` in 5.8.22; the bank-card rule that shows
the last 1–4 digits replaced the fixed last-4 rule earlier in 5.8), and the helpers it
calls in ``cn.hutool.core.text.CharSequenceUtil`` (``hide``, ``isBlank``, ``cleanBlank``,
``subBefore``, ``repeat``) and ``cn.hutool.core.util.CharUtil.isBlankChar``.

Java strings are UTF-16, and Hutool mixes two ways of counting: the ``DesensitizedUtil``
methods compute positions with ``String.length()`` (UTF-16 code units) while
``CharSequenceUtil.hide`` replaces by *code point*. For text inside the Basic
Multilingual Plane the two agree; for characters outside it (CJK Extension B names such
as 𠮷, emoji) they do not, and this port reproduces Java's result, not a "fixed" one:
``address("北京市海淀区𠮷村1号", 8)`` is ``北京市*******`` (seven stars) in both.

Java ``null`` has no string form: ``CLEAR_TO_NULL`` gives ``None`` from
:func:`desensitized` and an empty string from the operator. ``USER_ID`` gives ``"0"``
whatever the input, because ``DesensitizedUtil.userId()`` returns the ``Long`` 0 and
``desensitized`` renders it with ``String.valueOf``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from dataguard.mask.operator import MaskContext, Operator

__all__ = [
    "HUTOOL_TYPES",
    "TYPES",
    "Hutool",
    "address",
    "bank_card",
    "car_license",
    "chinese_name",
    "clear",
    "clear_to_null",
    "credit_code",
    "desensitized",
    "email",
    "first_mask",
    "fixed_phone",
    "hide",
    "hutool_type",
    "id_card_num",
    "ipv4",
    "ipv6",
    "is_blank",
    "mobile_phone",
    "passport",
    "password",
    "user_id",
]

#: ``DesensitizedUtil.DesensitizedType``, in the Java enum's order (Hutool 5.8.39+).
TYPES: tuple[str, ...] = (
    "USER_ID",
    "CHINESE_NAME",
    "ID_CARD",
    "FIXED_PHONE",
    "MOBILE_PHONE",
    "ADDRESS",
    "EMAIL",
    "PASSWORD",
    "CAR_LICENSE",
    "BANK_CARD",
    "IPV4",
    "IPV6",
    "PASSPORT",
    "CREDIT_CODE",
    "FIRST_MASK",
    "CLEAR_TO_NULL",
    "CLEAR_TO_EMPTY",
)

#: The Hutool type each dataguard entity is masked with when the operator's ``type`` is
#: empty. ``IP_ADDRESS`` is listed as ``IPV4`` but is really chosen by shape: a value with
#: a ``:`` is masked as ``IPV6`` (see :func:`hutool_type`). Any entity not listed here
#: (``CN_PASSPORT``, ``CN_USCC``, custom ones) gets ``FIRST_MASK``.
HUTOOL_TYPES: dict[str, str] = {
    "CN_MOBILE": "MOBILE_PHONE",
    "CN_LANDLINE": "FIXED_PHONE",
    "CN_ID_CARD": "ID_CARD",
    "BANK_CARD": "BANK_CARD",
    "EMAIL_ADDRESS": "EMAIL",
    "CN_ADDRESS": "ADDRESS",
    "CN_NAME": "CHINESE_NAME",
    "CN_LICENSE_PLATE": "CAR_LICENSE",
    "IP_ADDRESS": "IPV4",
    "SECRET": "PASSWORD",
    # Hutool 5.8.39 added these two types.
    "CN_PASSPORT": "PASSPORT",
    "CN_USCC": "CREDIT_CODE",
}

_FALLBACK_TYPE = "FIRST_MASK"
_MASK = "*"

# --------------------------------------------------------------------------- Java strings


def _java_len(s: str) -> int:
    """``String.length()``: UTF-16 code units (a character above U+FFFF counts twice)."""
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


def _utf16(s: str) -> bytes:
    return s.encode("utf-16-le", "surrogatepass")


def _from_utf16(b: bytes) -> str:
    return b.decode("utf-16-le", "surrogatepass")


def _java_substring(s: str, begin: int, end: int) -> str:
    """``s.substring(begin, end)`` with UTF-16 indices (may split a surrogate pair, as Java)."""
    return _from_utf16(_utf16(s)[2 * begin : 2 * end])


def _java_index_of(s: str, ch: str) -> int:
    """``s.indexOf(ch)`` for a BMP character: the UTF-16 index, or -1."""
    pos = s.find(ch)
    return -1 if pos < 0 else _java_len(s[:pos])


# Character.isWhitespace's extra controls besides the Zs/Zl/Zp space characters.
_JAVA_WHITESPACE_CONTROLS = frozenset("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f")
# CharUtil.isBlankChar's additions: BOM, LRE, NUL, Hangul filler, Braille blank, ZWNJ, MVS.
_HUTOOL_BLANK_EXTRAS = frozenset("\ufeff\u202a\u0000\u3164\u2800\u200c\u180e")


def _is_blank_char(ch: str) -> bool:
    """``CharUtil.isBlankChar``: ``Character.isWhitespace || isSpaceChar`` plus Hutool's list.

    ``isSpaceChar`` is the Unicode categories Zs, Zl and Zp (no-break spaces and the
    ideographic space U+3000 included); ``isWhitespace`` adds ``\\t \\n \\v \\f \\r`` and
    U+001C–U+001F.
    """
    return (
        ch in _JAVA_WHITESPACE_CONTROLS
        or ch in _HUTOOL_BLANK_EXTRAS
        or unicodedata.category(ch) in ("Zs", "Zl", "Zp")
    )


def is_blank(s: str) -> bool:
    """``CharSequenceUtil.isBlank``: empty, or only blank characters (see ``isBlankChar``).

    >>> is_blank(" \\t\\u3000"), is_blank(" a ")
    (True, False)
    """
    return all(_is_blank_char(ch) for ch in s)


def _clean_blank(s: str) -> str:
    """``CharSequenceUtil.cleanBlank``: every blank character removed."""
    return "".join(ch for ch in s if not _is_blank_char(ch))


def hide(s: str, start_include: int, end_exclude: int) -> str:
    """``CharSequenceUtil.hide(str, startInclude, endExclude)``: ``*`` over a code-point range.

    Port of ``replaceByCodePoint(str, startInclude, endExclude, '*')``: positions count
    code points; an end past the string is clipped; a start past the string, or a start
    after the end, changes nothing; a negative start counts as 0. From the Java doc::

        hide("jackduan@163.com", -1, 4)   = "****duan@163.com"
        hide("jackduan@163.com", 2, 3)    = "ja*kduan@163.com"
        hide("jackduan@163.com", 3, 2)    = "jackduan@163.com"
        hide("jackduan@163.com", 16, 17)  = "jackduan@163.com"
    """
    if not s:
        return s
    points = _from_utf16(_utf16(s))  # String.codePoints(): surrogate pairs joined
    length = len(points)
    if start_include > length:
        return s
    end_exclude = min(end_exclude, length)
    if start_include > end_exclude:
        return s
    return "".join(_MASK if start_include <= i < end_exclude else ch for i, ch in enumerate(points))


# --------------------------------------------------------------------- DesensitizedUtil


def clear() -> str:
    """``DesensitizedUtil.clear()`` (type ``CLEAR_TO_EMPTY``): always ``""``."""
    return ""


def clear_to_null() -> None:
    """``DesensitizedUtil.clearToNull()`` (type ``CLEAR_TO_NULL``): always ``null``."""
    return None


def user_id() -> str:
    """``DesensitizedUtil.userId()`` (type ``USER_ID``): the ``Long`` 0, here ``"0"``.

    ``desensitized("100", USER_ID)`` is ``"0"``: the id is never shown.
    """
    return "0"


def first_mask(s: str) -> str:
    """``DesensitizedUtil.firstMask(str)`` (type ``FIRST_MASK``): keep the first character.

    ``hide(str, 1, str.length())``: ``123456789`` → ``1********``.
    """
    if is_blank(s):
        return ""
    return hide(s, 1, _java_len(s))


def chinese_name(full_name: str) -> str:
    """``DesensitizedUtil.chineseName(fullName)`` (type ``CHINESE_NAME``): ``firstMask``.

    ``段正淳`` → ``段**``; a one-character name is returned as it is.
    """
    return first_mask(full_name)


def id_card_num(id_card: str, front: int, end: int) -> str:
    """``DesensitizedUtil.idCardNum(idCardNum, front, end)``: keep ``front`` and ``end``.

    ``""`` when ``front + end`` exceeds the length or either is negative. Type ``ID_CARD``
    uses ``idCardNum(str, 1, 2)``: ``51343620000320711X`` → ``5***************1X``.
    """
    if is_blank(id_card):
        return ""
    length = _java_len(id_card)
    if front + end > length:
        return ""
    if front < 0 or end < 0:
        return ""
    return hide(id_card, front, length - end)


def fixed_phone(num: str) -> str:
    """``DesensitizedUtil.fixedPhone(num)`` (type ``FIXED_PHONE``): keep first 4, last 2.

    ``hide(num, 4, num.length() - 2)``: ``09157518479`` → ``0915*****79``; 6 characters
    or fewer come back unchanged.
    """
    if is_blank(num):
        return ""
    return hide(num, 4, _java_len(num) - 2)


def mobile_phone(num: str) -> str:
    """``DesensitizedUtil.mobilePhone(num)`` (type ``MOBILE_PHONE``): keep first 3, last 4.

    ``hide(num, 3, num.length() - 4)``: ``18049531999`` → ``180****1999``; 7 characters or
    fewer come back unchanged.
    """
    if is_blank(num):
        return ""
    return hide(num, 3, _java_len(num) - 4)


def address(addr: str, sensitive_size: int) -> str:
    """``DesensitizedUtil.address(address, sensitiveSize)``: hide the last ``sensitiveSize``.

    ``hide(address, length - sensitiveSize, length)``. Type ``ADDRESS`` uses
    ``address(str, 8)``: ``北京市海淀区马连洼街道289号`` → ``北京市海淀区马********``;
    with 5, ``北京市海淀区马连洼街*****``; with 0 or -1 nothing is hidden.
    """
    if is_blank(addr):
        return ""
    length = _java_len(addr)
    return hide(addr, length - sensitive_size, length)


def email(mail: str) -> str:
    """``DesensitizedUtil.email(email)`` (type ``EMAIL``): keep the first character and ``@…``.

    ``hide(email, 1, indexOf('@'))``: ``duandazhi-jack@gmail.com.cn`` →
    ``d*************@gmail.com.cn``. Without ``@``, or with it at position 0 or 1, the
    value comes back unchanged.
    """
    if is_blank(mail):
        return ""
    index = _java_index_of(mail, "@")
    if index <= 1:
        return mail
    return hide(mail, 1, index)


def password(pwd: str) -> str:
    """``DesensitizedUtil.password(password)`` (type ``PASSWORD``): one ``*`` per char.

    ``StrUtil.repeat('*', password.length())``: ``1234567890`` → ``**********`` (a
    character above U+FFFF gives two stars, as ``length()`` counts UTF-16 units).
    """
    if is_blank(pwd):
        return ""
    return _MASK * _java_len(pwd)


def car_license(plate: str) -> str:
    """``DesensitizedUtil.carLicense(carLicense)`` (type ``CAR_LICENSE``).

    7 characters: ``hide(3, 6)``, ``苏D40000`` → ``苏D4***0``; 8 (new energy):
    ``hide(3, 7)``, ``陕A12345D`` → ``陕A1****D``; any other length is returned
    unchanged (``京A123`` → ``京A123``).
    """
    if is_blank(plate):
        return ""
    length = _java_len(plate)
    if length == 7:
        return hide(plate, 3, 6)
    if length == 8:
        return hide(plate, 3, 7)
    return plate


def bank_card(card: str) -> str:
    """``DesensitizedUtil.bankCard(bankCardNo)`` (type ``BANK_CARD``).

    Blanks are removed (``cleanBlank``); under 9 characters the cleaned value is returned;
    otherwise the first 4 and the last 1–4 (``length % 4``, or 4) are shown and the middle
    is written as groups of four stars: ``11011111222233333256`` →
    ``1101 **** **** **** 3256``, ``6227880100100105123`` → ``6227 **** **** **** 123``.
    A blank card is returned as it is (``desensitized`` turns it into ``""`` first).
    """
    if is_blank(card):
        return card
    card = _clean_blank(card)
    length = _java_len(card)
    if length < 9:
        return card
    end_length = 4 if length % 4 == 0 else length % 4
    mid_length = length - 4 - end_length
    buf = [_java_substring(card, 0, 4)]
    for i in range(mid_length):
        if i % 4 == 0:
            buf.append(" ")
        buf.append(_MASK)
    buf.append(" ")
    buf.append(_java_substring(card, length - end_length, length))
    return "".join(buf)


def _sub_before(s: str, separator: str) -> str:
    """``StrUtil.subBefore(string, separator, false)``: text before the first separator."""
    if not s:
        return ""
    pos = s.find(separator)
    if pos < 0:
        return s
    return s[:pos]


def ipv4(ip: str) -> str:
    """``DesensitizedUtil.ipv4(ipv4)`` (type ``IPV4``): the part before the first ``.``.

    ``subBefore(ipv4, '.', false) + ".*.*.*"``: ``192.168.1.1`` → ``192.*.*.*`` (a value
    without a dot is kept whole before the suffix).
    """
    return _sub_before(ip, ".") + ".*.*.*"


def ipv6(ip: str) -> str:
    """``DesensitizedUtil.ipv6(ipv6)`` (type ``IPV6``): the part before the first ``:``.

    ``subBefore(ipv6, ':', false) + ":*:*:*:*:*:*:*"``:
    ``2001:0db8:86a3:08d3:1319:8a2e:0370:7344`` → ``2001:*:*:*:*:*:*:*``.
    """
    return _sub_before(ip, ":") + ":*:*:*:*:*:*:*"


def passport(number: str) -> str:
    """``DesensitizedUtil.passport(passport)`` (type ``PASSPORT``, Hutool 5.8.39+).

    Keep the first 2 and last 2: ``PJ1234567`` → ``PJ*****67``; 2 characters or fewer
    are all hidden; 3 or 4 come back unchanged (``hide(2, length - 2)`` is empty).
    """
    if is_blank(number):
        return number
    length = _java_len(number)
    if length <= 2:
        return hide(number, 0, length)
    return hide(number, 2, length - 2)


def credit_code(code: str) -> str:
    """``DesensitizedUtil.creditCode(code)`` (type ``CREDIT_CODE``, Hutool 5.8.39+).

    Keep the first 4 and last 4 of a unified social credit code: ``91110108MA01ABCDE7``
    → ``9111**********CDE7``; 4 characters or fewer are all hidden; 5 to 8 come back
    unchanged.
    """
    if is_blank(code):
        return code
    length = _java_len(code)
    if length <= 4:
        return hide(code, 0, length)
    return hide(code, 4, length - 4)


_BY_TYPE: dict[str, Callable[[str], str | None]] = {
    "USER_ID": lambda s: user_id(),
    "CHINESE_NAME": chinese_name,
    "ID_CARD": lambda s: id_card_num(s, 1, 2),
    "FIXED_PHONE": fixed_phone,
    "MOBILE_PHONE": mobile_phone,
    "ADDRESS": lambda s: address(s, 8),
    "EMAIL": email,
    "PASSWORD": password,
    "CAR_LICENSE": car_license,
    "BANK_CARD": bank_card,
    "IPV4": ipv4,
    "IPV6": ipv6,
    "PASSPORT": passport,
    "CREDIT_CODE": credit_code,
    "FIRST_MASK": first_mask,
    "CLEAR_TO_NULL": lambda s: clear_to_null(),
    "CLEAR_TO_EMPTY": lambda s: clear(),
}


def _check_type(type_name: str) -> str:
    name = type_name.strip().upper()
    if name not in _BY_TYPE:
        raise ValueError(
            f"unknown Hutool DesensitizedType {type_name!r}; known types: {', '.join(TYPES)}"
        )
    return name


def desensitized(s: str, type_name: str) -> str | None:
    """``DesensitizedUtil.desensitized(str, desensitizedType)``: the default strategies.

    A blank value gives ``""`` whatever the type; otherwise the type's method is called
    with the defaults of the Java ``switch`` (``idCardNum(str, 1, 2)``,
    ``address(str, 8)``). ``type_name`` is a ``DesensitizedType`` name, any case.
    ``CLEAR_TO_NULL`` gives ``None``. From the Java doc::

        desensitized("100", USER_ID)                       = "0"
        desensitized("段正淳", CHINESE_NAME)                = "段**"
        desensitized("09157518479", FIXED_PHONE)           = "0915*****79"
        desensitized("11011111222233333256", BANK_CARD)    = "1101 **** **** **** 3256"
        desensitized("192.168.1.1", IPV4)                  = "192.*.*.*"

    Raises:
        ValueError: *type_name* is not a ``DesensitizedType``.
    """
    method = _BY_TYPE[_check_type(type_name)]
    if is_blank(s):
        return ""
    result: str | None = method(s)
    return result


def hutool_type(entity: str, value: str = "") -> str:
    """The Hutool type for a dataguard *entity* (:data:`HUTOOL_TYPES`, else ``FIRST_MASK``).

    ``IP_ADDRESS`` is ``IPV6`` when *value* contains a ``:`` and ``IPV4`` otherwise.

    >>> hutool_type("CN_MOBILE"), hutool_type("IP_ADDRESS", "fe80::1"), hutool_type("X")
    ('MOBILE_PHONE', 'IPV6', 'FIRST_MASK')
    """
    if entity == "IP_ADDRESS":
        return "IPV6" if ":" in value else "IPV4"
    return HUTOOL_TYPES.get(entity, _FALLBACK_TYPE)


# ---------------------------------------------------------------------------- operator


@dataclass(frozen=True)
class Hutool(Operator):
    """Mask like Hutool's ``DesensitizedUtil.desensitized(value, type)``, string for string.

    ``type`` names a ``DesensitizedType`` (``MOBILE_PHONE``, ``ID_CARD``, ``BANK_CARD`` …,
    any case; see :data:`TYPES`). Left empty, the type follows the entity
    (:data:`HUTOOL_TYPES`: ``CN_MOBILE`` → ``MOBILE_PHONE``, ``IP_ADDRESS`` → ``IPV4`` or
    ``IPV6`` by shape, anything unlisted → ``FIRST_MASK``). The mask character is Hutool's
    ``*`` and cannot be changed. ``CLEAR_TO_NULL`` (Java ``null``) gives ``""``.

    Hutool leaves some short or odd values unmasked (see the module docstring); this
    operator does the same, since its purpose is identical output. It is idempotent for
    text in the Basic Multilingual Plane (Hutool itself is not when a character above
    U+FFFF shifts its UTF-16 positions).

    >>> Hutool().apply("18049531999", MaskContext("CN_MOBILE"))
    '180****1999'
    >>> Hutool(type="id_card").apply("51343620000320711X", MaskContext("CN_ID_CARD"))
    '5***************1X'
    """

    name = "hutool"
    summary = "the strings Hutool's DesensitizedUtil (Java) gives, by type or by entity"

    type: str = ""

    def __post_init__(self) -> None:
        if self.type:
            _check_type(self.type)

    def apply(self, value: str, context: MaskContext) -> str:
        type_name = self.type or hutool_type(context.entity, value)
        result = desensitized(value, type_name)
        return "" if result is None else result
