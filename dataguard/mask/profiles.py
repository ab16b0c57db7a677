"""The built-in profiles: ``display`` (default), ``hutool``, ``strict``, ``pseudonymize``,
``surrogate``.

``display`` reproduces Ele.me 8.4's examples exactly (standards.md §2) and the stated
conventions for the other entities; ``hutool`` gives the strings Hutool's
``DesensitizedUtil`` gives; ``strict`` replaces every value with its tag;
``pseudonymize`` and ``surrogate`` need a key (``DATAGUARD_MASK_KEY``).
"""

from __future__ import annotations

from dataguard.mask.keys import SENSITIVE_KEYS
from dataguard.mask.policy import Policy, Rule

__all__ = ["DEFAULT_PROFILE", "EXAMPLES", "PROFILES"]

DEFAULT_PROFILE = "display"

# ref. Ele.me open platform security guide 8.4 (mobile, landline, email, address); JR/T
# 0171-2020 practice for cards (first 6, last 4); the strictest common ID convention
# (first 1, last 1); surname kept for names (standards.md §2). The rest are conventions.
_DISPLAY = {
    "CN_MOBILE": Rule("keep_ends", {"first": 0, "last": 4, "width": 6}),
    "CN_LANDLINE": Rule("landline"),
    "EMAIL_ADDRESS": Rule("email"),
    "CN_ADDRESS": Rule("address"),
    "BANK_CARD": Rule("keep_ends", {"first": 6, "last": 4}),
    "CN_ID_CARD": Rule("keep_ends", {"first": 1, "last": 1}),
    "CN_NAME": Rule("surname"),
    "CN_PASSPORT": Rule("keep_ends", {"first": 1, "last": 2}),
    "CN_USCC": Rule("keep_ends", {"first": 2, "last": 2}),
    "CN_LICENSE_PLATE": Rule("keep_ends", {"first": 2, "last": 1}),
    "IP_ADDRESS": Rule("ip"),
    "SECRET": Rule("fixed"),
}

PROFILES: dict[str, Policy] = {
    "display": Policy(
        "display",
        Rule("tag"),
        _DISPLAY,
        keys=SENSITIVE_KEYS,
        description="Ele.me 8.4 display masks and the standards.md §2 conventions (default)",
    ),
    "hutool": Policy(
        "hutool",
        Rule("hutool"),
        keys=SENSITIVE_KEYS,
        description="the same strings as Hutool's DesensitizedUtil (Java) for its types",
    ),
    "strict": Policy(
        "strict",
        Rule("tag"),
        keys=SENSITIVE_KEYS,
        description="every value replaced by its entity tag, <CN_MOBILE>",
    ),
    "pseudonymize": Policy(
        "pseudonymize",
        Rule("pseudonymize"),
        {"SECRET": Rule("fixed")},
        keys=SENSITIVE_KEYS,
        description="keyed HMAC tokens that still join across runs (needs a key); secrets fixed",
    ),
    "surrogate": Policy(
        "surrogate",
        Rule("surrogate"),
        {"SECRET": Rule("fixed")},
        keys=SENSITIVE_KEYS,
        description="keyed, valid fake values: IDs, cards, phones that pass checks (needs a key)",
    ),
}

#: Example values per entity (generated, standards-valid, not real people) for listings.
EXAMPLES: dict[str, str] = {
    "CN_MOBILE": "13812341050",
    "CN_LANDLINE": "0571-88881123",
    "EMAIL_ADDRESS": "tt@163.com",
    "CN_ADDRESS": "浙江省杭州市西湖区文三路90号1幢",
    "BANK_CARD": "6222021234567890128",
    "CN_ID_CARD": "11010519491231002X",
    "CN_NAME": "欧阳娜娜",
    "CN_PASSPORT": "E12345678",
    "CN_USCC": "91350100M000100Y43",
    "CN_LICENSE_PLATE": "浙A12345",
    "IP_ADDRESS": "10.23.145.8",
    "SECRET": "eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo",
}
