"""What a column's name and comment say it holds.

A DBA names columns ``receiver_mobile``, ``emergency_contact_phone`` or ``c3`` with the
comment ``身份证号``. Two pieces of evidence come from the schema alone:

* **the name**: split into words (``snake_case``, ``camelCase``), a protection suffix
  dropped (``phone_hash``, ``id_card_enc``: the column *is* about phones and IDs, protected),
  then the longest run of final words that is a sensitive key
  (:data:`dataguard.mask.keys.SENSITIVE_KEYS`): ``receiver_mobile`` → ``mobile`` →
  CN_MOBILE, while ``mobile_verified`` and ``order_no`` name nothing; a number ending the
  name counts a column among its kind (``mobile2``, ``联系电话_2``, a repeated header's
  ``phone_3``) and is dropped;
* **the comment**: the first keyword found in the comment text (``收货人手机号`` holds
  手机 → CN_MOBILE). Comments are prose, so keywords are searched, not matched whole.

Either is evidence, not proof: values that classify confidently as another entity win.
"""

from __future__ import annotations

import re

from dataguard.mask.keys import SENSITIVE_KEYS, canonical_key

__all__ = ["PROTECTION_WORDS", "entity_of_comment", "entity_of_name"]

_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])|[^\x00-\x7f]+")

#: Final words that say a column holds a protected form of what the words before it name.
_PROTECTION_TEXT = (
    "hash hashed digest md5 sha sha1 sha256 hmac enc encrypted cipher ciphertext crypt "
    "mask masked desensitized tm"
)
PROTECTION_WORDS = frozenset(_PROTECTION_TEXT.split())


def _words(name: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(name)]


def entity_of_name(name: str, keys: dict[str, str] | None = None) -> str | None:
    """The entity *name* says its column holds, or None.

    ``keys`` maps canonical key names to entities (default: the built-in sensitive keys).
    """
    keys = SENSITIVE_KEYS if keys is None else keys
    whole = keys.get(canonical_key(name))
    if whole is not None:
        return whole
    words = _words(name.rsplit(".", 1)[-1])
    while words and words[-1] in PROTECTION_WORDS:
        words.pop()
    if words and words[-1].isdigit():  # phone_2: the second phone column
        words.pop()
    elif words and words[-1][-1:].isdigit():  # mobile2
        words[-1] = words[-1].rstrip("0123456789")
    # The longest final run that is a key: ``emergency_contact_phone`` → ``contact_phone``.
    for start in range(len(words)):
        entity = keys.get("".join(words[start:]))
        if entity is not None:
            return entity
    return None


# ref. column comments of Chinese business schemas (RuoYi, jeecg-boot, Youzan and Ele.me
# open-platform field descriptions). Ordered: the first match wins, so specific words
# (身份证, 银行卡) come before general ones (号, 电话).
_COMMENT_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("身份证", "CN_ID_CARD"),
    ("证件号", "CN_ID_CARD"),
    ("id card", "CN_ID_CARD"),
    ("护照", "CN_PASSPORT"),
    ("passport", "CN_PASSPORT"),
    ("统一社会信用代码", "CN_USCC"),
    ("信用代码", "CN_USCC"),
    ("车牌", "CN_LICENSE_PLATE"),
    ("银行卡", "BANK_CARD"),
    ("卡号", "BANK_CARD"),
    ("银行账号", "BANK_CARD"),
    ("bank card", "BANK_CARD"),
    ("邮箱", "EMAIL_ADDRESS"),
    ("email", "EMAIL_ADDRESS"),
    ("手机", "CN_MOBILE"),
    ("mobile", "CN_MOBILE"),
    ("固话", "CN_LANDLINE"),
    ("座机", "CN_LANDLINE"),
    ("固定电话", "CN_LANDLINE"),
    ("电话", "CN_MOBILE"),
    ("phone", "CN_MOBILE"),
    ("联系方式", "CN_MOBILE"),
    ("地址", "CN_ADDRESS"),
    ("住址", "CN_ADDRESS"),
    ("address", "CN_ADDRESS"),
    ("姓名", "CN_NAME"),
    ("收货人", "CN_NAME"),
    ("收件人", "CN_NAME"),
    ("联系人", "CN_NAME"),
    ("real name", "CN_NAME"),
    ("密码", "SECRET"),
    ("令牌", "SECRET"),
    ("验证码", "SECRET"),
    ("密钥", "SECRET"),
    ("password", "SECRET"),
    ("token", "SECRET"),
    ("ip address", "IP_ADDRESS"),
)

# Comments that mention a keyword without the column holding it: ``手机是否验证``,
# ``地址ID``, ``邮箱类型`` describe a flag, a foreign key or a kind.
_NOT_THE_VALUE = re.compile(
    r"(是否|状态|类型|标志|标识|个数|数量|次数|时间|日期|id\b|ID\b|编号|flag|type|status|count|"
    r"verified|time|date)",
    re.IGNORECASE,
)


def entity_of_comment(comment: str | None) -> str | None:
    """The entity a column comment says its column holds, or None."""
    if not comment:
        return None
    text = comment.strip().lower()
    for keyword, entity in _COMMENT_KEYWORDS:
        at = text.find(keyword)
        if at < 0:
            continue
        # ``IP地址`` is an IP, not a postal address.
        if entity == "CN_ADDRESS" and text[max(0, at - 2) : at] == "ip":
            return "IP_ADDRESS"
        if _NOT_THE_VALUE.search(text[at + len(keyword) :]):
            return None
        return entity
    return None
