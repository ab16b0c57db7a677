"""Seedable generators of synthetic Chinese personal data and of hard negatives.

Every generator takes a :class:`random.Random` and returns the surface text of one value,
so ``random.Random(seed)`` reproduces a corpus exactly. Values follow the standards that
dataguard enforces (``/work/shared/standards.md`` §1): allocated mobile prefixes, real
telephone area codes, real GB/T 2260 county codes, ISO 7064 MOD 11-2 and GB 32100 check
characters, Luhn-valid card numbers. Faker's ``zh_CN`` locale gets region codes, phone
prefixes and addresses wrong, which is why these are written by hand.

Hard negatives (:data:`NEGATIVES`) look like personal data but are not: numbers that fail
their checksum or date, timestamps, hashes, versions, masked values, e-mail look-alikes.

All values are synthetic. Any resemblance to a real person's data is a coincidence of the
formats, which is the point.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import random
import string
import uuid
from collections.abc import Callable
from typing import NamedTuple

__all__ = [
    "CHECKSUM_NEGATIVES",
    "ID_REGION_CODES",
    "LANDLINE_AREA_CODES",
    "MOBILE_PREFIXES",
    "NEGATIVES",
    "POSITIVES",
    "USCC_ALPHABET",
    "Snippet",
    "address",
    "amount",
    "bank_card",
    "bank_card_digits",
    "bank_card_luhn_invalid",
    "chinese_name",
    "date_string",
    "docker_digest",
    "eleven_digits_not_mobile",
    "email",
    "email_lookalike",
    "hex_hash",
    "id_card",
    "id_card_bad_check",
    "id_card_bad_date",
    "id_card_legacy",
    "id_check_char",
    "ipv4",
    "ipv6",
    "java_annotation",
    "landline",
    "license_plate",
    "luhn_check_digit",
    "masked_value",
    "mobile",
    "mobile_digits",
    "order_number",
    "passport",
    "postcode",
    "secret_snippet",
    "timestamp",
    "to_fullwidth",
    "uscc",
    "uscc_bad_check",
    "uscc_check_char",
    "uuid_string",
    "version_string",
]

Generator = Callable[[random.Random], str]


class Snippet(NamedTuple):
    """A surface text holding one value at ``text[start:end]`` (``password=⟦hunter2⟧``)."""

    text: str
    start: int
    end: int


# -- helpers ------------------------------------------------------------------------------


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def to_fullwidth(text: str) -> str:
    """*text* with ASCII digits and letters replaced by their full-width forms (U+FF10…)."""
    out = []
    for ch in text:
        if ch.isascii() and ch.isalnum():
            out.append(chr(ord(ch) + 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def as_read_from_latin1(text: str, encoding: str = "utf-8") -> str:
    """What a utf8mb4 client reads of *text*'s bytes in *encoding* (UTF-8, or GBK: a GBK
    client on a latin1 connection) stored in a MySQL latin1 column (乱码): each byte a
    character of MySQL's latin1, which is Windows-1252 with its five unassigned bytes
    (0x81, 0x8D, 0x8F, 0x90, 0x9D) as the C1 controls of the same number.
    Written out byte by byte here, independently of :mod:`dataguard.sources.mojibake`."""
    return "".join(
        chr(b) if b in b"\x81\x8d\x8f\x90\x9d" else bytes([b]).decode("cp1252")
        for b in text.encode(encoding)
    )


def _group(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    parts: list[str] = []
    pos = 0
    for size in sizes:
        parts.append(digits[pos : pos + size])
        pos += size
    if pos < len(digits):
        parts.append(digits[pos:])
    return sep.join(p for p in parts if p)


def luhn_check_digit(body: str) -> str:
    """The Luhn (ISO/IEC 7812-1 annex B) check digit that completes the digit string *body*."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # doubled: these sit at odd positions once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _luhn_ok(number: str) -> bool:
    return luhn_check_digit(number[:-1]) == number[-1]


# ref. GB 11643-1999 / ISO 7064 MOD 11-2.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_char(body17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) of 17 digits."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True)) % 11]


def _id_valid(number: str) -> bool:
    return len(number) == 18 and id_check_char(number[:17]) == number[17].upper()


def _valid_date(yyyymmdd: str) -> bool:
    try:
        dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return True


def _looks_like_id(number: str) -> bool:
    """True when an 18-digit string could pass as an ID: MOD 11-2 and any calendar date."""
    return (
        len(number) == 18
        and number[:17].isdigit()
        and _id_valid(number)
        and _valid_date(number[6:14])
    )


def _ambiguous(number: str) -> bool:
    """True when a would-be negative passes some entity's check: a Luhn-valid 15–19 digit
    number (a card), an ID shape with a good check char and a calendar date, or an
    18-char code with a good GB 32100 check char (a USCC). Negatives must be none of these.
    """
    if number.isdigit() and 15 <= len(number) <= 19 and _luhn_ok(number):
        return True
    if _looks_like_id(number):
        return True
    return (
        len(number) == 18
        and all(c in USCC_ALPHABET for c in number)
        and uscc_check_char(number[:17]) == number[17]
    )


# -- mobile numbers -----------------------------------------------------------------------

# ref. MIIT numbering plan as condensed in standards.md §1: allocated 3-digit prefixes.
MOBILE_PREFIXES: tuple[str, ...] = tuple(
    [f"13{d}" for d in range(10)]
    + [f"14{d}" for d in range(5, 10)]
    + [f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
    + [f"16{d}" for d in (2, 5, 6, 7)]
    + [f"17{d}" for d in range(9)]
    + [f"18{d}" for d in range(10)]
    + [f"19{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
)


def mobile_digits(rng: random.Random) -> str:
    """11 plain digits of a mainland mobile number with an allocated prefix (MIIT plan)."""
    return rng.choice(MOBILE_PREFIXES) + _digits(rng, 8)


def mobile(rng: random.Random) -> str:
    """A mobile number in one of its surface forms (standards.md §1, ``CN_MOBILE``).

    Forms: ``13812345678``; ``+86 13812345678``; ``+8613812345678``; ``008613812345678``;
    ``+86-138-1234-5678``; ``138 1234 5678``; ``138-1234-5678``; ``(+86)13812345678``;
    full-width digits ``１３８１２３４５６７８``. Allocated prefixes only.
    """
    d = mobile_digits(rng)
    spaced = f"{d[:3]} {d[3:7]} {d[7:]}"
    dashed = f"{d[:3]}-{d[3:7]}-{d[7:]}"
    forms = [
        (d, 40),
        (f"+86 {d}", 8),
        (f"+86{d}", 5),
        (f"0086{d}", 3),
        (f"+86-{dashed}", 6),
        (spaced, 8),
        (dashed, 6),
        (f"(+86){d}", 3),
        (f"+86 {spaced}", 3),
        (to_fullwidth(d), 5),
    ]
    return rng.choices([f for f, _ in forms], weights=[w for _, w in forms])[0]


# -- landlines ----------------------------------------------------------------------------

# ref. MIIT long-distance area code plan: real codes and the local-number length used there.
LANDLINE_AREA_CODES: dict[str, int] = {
    "010": 8,
    "020": 8,
    "021": 8,
    "022": 8,
    "023": 8,
    "024": 8,
    "025": 8,
    "027": 8,
    "028": 8,
    "029": 8,
    "0311": 8,
    "0351": 7,
    "0371": 8,
    "0431": 8,
    "0451": 8,
    "0471": 7,
    "0512": 8,
    "0531": 8,
    "0532": 8,
    "0551": 7,
    "0571": 8,
    "0574": 8,
    "0577": 8,
    "0591": 8,
    "0592": 7,
    "0731": 8,
    "0755": 8,
    "0757": 8,
    "0769": 8,
    "0771": 7,
    "0791": 8,
    "0851": 8,
    "0871": 8,
    "0891": 7,
    "0898": 8,
    "0931": 7,
    "0951": 7,
    "0971": 7,
    "0991": 7,
}


def landline(rng: random.Random) -> str:
    """A fixed-line number with a real area code (standards.md §1, ``CN_LANDLINE``).

    Trunk ``0`` + area code, then a 7- or 8-digit local number (the length used in that
    area) starting 2–8. Forms: ``0571-88881234``, ``057188881234``, ``(010)62345678``,
    ``010 6234 5678``, ``+86-10-6234-5678``, and any of these with an extension
    ``-1234`` or ``转1234``.
    """
    code = rng.choice(sorted(LANDLINE_AREA_CODES))
    local = str(rng.randint(2, 8)) + _digits(rng, LANDLINE_AREA_CODES[code] - 1)
    half = len(local) // 2
    forms = [
        (f"{code}-{local}", 40),
        (f"{code}{local}", 10),
        (f"({code}){local}", 15),
        (f"{code} {local[:half]} {local[half:]}", 8),
        (f"+86-{code[1:]}-{local[:half]}-{local[half:]}", 8),
        (f"{code}-{local[:half]}-{local[half:]}", 5),
    ]
    number = rng.choices([f for f, _ in forms], weights=[w for _, w in forms])[0]
    roll = rng.random()
    if roll < 0.12:
        number += "-" + _digits(rng, rng.randint(3, 4))
    elif roll < 0.2:
        number += "转" + _digits(rng, rng.randint(3, 4))
    return number


# -- identity cards -----------------------------------------------------------------------

# ref. GB/T 2260 county-level division codes (all real, county level or county-level city).
ID_REGION_CODES: dict[str, str] = {
    "110101": "北京市东城区",
    "110102": "北京市西城区",
    "110105": "北京市朝阳区",
    "110108": "北京市海淀区",
    "120101": "天津市和平区",
    "130102": "石家庄市长安区",
    "130181": "辛集市",
    "140105": "太原市小店区",
    "150102": "呼和浩特市新城区",
    "152502": "锡林浩特市",
    "210102": "沈阳市和平区",
    "220102": "长春市南关区",
    "230102": "哈尔滨市道里区",
    "310101": "上海市黄浦区",
    "310104": "上海市徐汇区",
    "310115": "上海市浦东新区",
    "320102": "南京市玄武区",
    "320506": "苏州市吴中区",
    "320583": "昆山市",
    "330102": "杭州市上城区",
    "330106": "杭州市西湖区",
    "330110": "杭州市余杭区",
    "330203": "宁波市海曙区",
    "330382": "乐清市",
    "340104": "合肥市蜀山区",
    "350102": "福州市鼓楼区",
    "350203": "厦门市思明区",
    "360102": "南昌市东湖区",
    "370102": "济南市历下区",
    "370202": "青岛市市南区",
    "410105": "郑州市金水区",
    "420106": "武汉市武昌区",
    "420111": "武汉市洪山区",
    "430104": "长沙市岳麓区",
    "440103": "广州市荔湾区",
    "440106": "广州市天河区",
    "440304": "深圳市福田区",
    "440305": "深圳市南山区",
    "450103": "南宁市青秀区",
    "460106": "海口市龙华区",
    "500103": "重庆市渝中区",
    "510104": "成都市锦江区",
    "510107": "成都市武侯区",
    "520102": "贵阳市南明区",
    "530102": "昆明市五华区",
    "540102": "拉萨市城关区",
    "610103": "西安市碑林区",
    "610113": "西安市雁塔区",
    "620102": "兰州市城关区",
    "630102": "西宁市城东区",
    "640104": "银川市兴庆区",
    "650102": "乌鲁木齐市天山区",
    "654002": "伊宁市",
}

_BIRTH_FIRST = dt.date(1940, 1, 1)
_BIRTH_LAST = dt.date(2010, 12, 31)


def _birth_date(
    rng: random.Random, first: dt.date = _BIRTH_FIRST, last: dt.date = _BIRTH_LAST
) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _id_body(rng: random.Random, birth: str, male: bool | None = None) -> str:
    region = rng.choice(sorted(ID_REGION_CODES))
    if male is None:
        male = rng.random() < 0.5
    seq = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    return f"{region}{birth}{seq:03d}"


def id_card(rng: random.Random) -> str:
    """An 18-character resident ID number (GB 11643-1999, ``CN_ID_CARD``).

    Real GB/T 2260 county code, a real birth date between 1940 and 2010 (``YYYYMMDD``), a
    3-digit sequence (odd = male, even = female) and the ISO 7064 MOD 11-2 check char
    ``"10X98765432"[sum(d_i * w_i) % 11]``, weights ``7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2``.
    An ``X`` check char is written lowercase one time in five.
    """
    body = _id_body(rng, _birth_date(rng).strftime("%Y%m%d"))
    check = id_check_char(body)
    if check == "X" and rng.random() < 0.2:
        check = "x"
    return body + check


def id_card_legacy(rng: random.Random) -> str:
    """A legacy 15-digit ID number: county code, ``YYMMDD`` (1940–1999), 3-digit sequence.

    Issued before GB 11643-1999; no check character.
    """
    birth = _birth_date(rng, _BIRTH_FIRST, dt.date(1999, 12, 31)).strftime("%y%m%d")
    body = _id_body(rng, "00" + birth)  # the century is not written
    return body[:6] + body[8:]


def id_card_bad_check(rng: random.Random) -> str:
    """Hard negative: an 18-char ID shape (real region, real date) with a WRONG check char.

    Never passes another entity's check either (Luhn card, GB 32100 USCC).
    """
    while True:
        body = _id_body(rng, _birth_date(rng).strftime("%Y%m%d"))
        good = id_check_char(body)
        bad = rng.choice([c for c in _ID_CHECK if c != good])
        number = body + bad
        if not _ambiguous(number):
            return number


def id_card_bad_date(rng: random.Random) -> str:
    """Hard negative: an 18-digit ID shape whose birth date is impossible.

    Feb 30, Feb 29 of a common year, day 31 of a 30-day month, month 00 or 13, or a date in
    the future; the MOD 11-2 check char is CORRECT, so only date validation rejects it.
    Never passes another entity's check either (Luhn card, GB 32100 USCC).
    """
    while True:
        year = rng.randint(1950, 2005)
        kind = rng.randrange(5)
        if kind == 0:
            birth = f"{year}0230"
        elif kind == 1:
            year = rng.choice([y for y in range(1950, 2006) if y % 4 != 0])
            birth = f"{year}0229"
        elif kind == 2:
            birth = f"{year}{rng.choice(('04', '06', '09', '11'))}31"
        elif kind == 3:
            birth = f"{year}{rng.choice(('00', '13'))}{rng.randint(1, 28):02d}"
        else:
            birth = f"{rng.randint(2031, 2099)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        body = _id_body(rng, birth)
        number = body + id_check_char(body)
        if not _ambiguous(number):
            return number


# -- bank cards ---------------------------------------------------------------------------

# ref. ISO/IEC 7812 issuer identification numbers of common cards in China: (BIN, length).
_CARD_BINS: tuple[tuple[str, int], ...] = (
    ("622202", 19),  # ICBC debit (UnionPay)
    ("621700", 19),  # CCB debit
    ("622848", 19),  # ABC debit
    ("9558", 19),  # ICBC legacy domestic BIN
    ("601382", 19),  # Bank of China legacy domestic BIN
    ("622588", 16),  # CMB (UnionPay, 16 digits)
    ("625965", 16),  # UnionPay credit
    ("436742", 16),  # CCB Visa
    ("4", 16),  # Visa
    ("51", 16),
    ("52", 16),
    ("53", 16),
    ("54", 16),
    ("55", 16),  # Mastercard 51-55
)


def bank_card_digits(rng: random.Random) -> str:
    """A Luhn-valid card number (digits only) for a real BIN and its usual length.

    BINs: 622202, 621700, 622848, 9558, 601382 (19 digits); 622588, 625965, 436742, other
    Visa 4…, Mastercard 51–55 (16 digits). Never also a valid 18-digit ID number.
    """
    while True:
        bin_, length = rng.choice(_CARD_BINS)
        body = bin_ + _digits(rng, length - len(bin_) - 1)
        number = body + luhn_check_digit(body)
        if not _looks_like_id(number):
            return number


def bank_card(rng: random.Random) -> str:
    """A Luhn-valid bank card number (``BANK_CARD``), plain or grouped.

    Forms: plain digits; groups of four separated by spaces or dashes
    (``6222 0212 3456 7890 123``).
    """
    number = bank_card_digits(rng)
    roll = rng.random()
    if roll < 0.6:
        return number
    sep = " " if roll < 0.85 else "-"
    return _group(number, (4, 4, 4, 4), sep)


def bank_card_luhn_invalid(rng: random.Random) -> str:
    """Hard negative: a card-shaped number with a real BIN whose Luhn check digit is wrong.

    Never passes another entity's check (ID number, GB 32100 USCC).
    """
    while True:
        number = bank_card_digits(rng)
        wrong = rng.choice([d for d in string.digits if d != number[-1]])
        bad = number[:-1] + wrong
        if not _ambiguous(bad):
            return bad


def order_number(rng: random.Random) -> str:
    """Hard negative: a 16–19 digit order / trade number that FAILS Luhn.

    Shapes seen in logs: date-prefixed (``20240517…``), ``62…`` (looks like UnionPay) and
    random. Never passes another entity's check (ID number, GB 32100 USCC).
    """
    while True:
        length = rng.randint(16, 19)
        style = rng.randrange(3)
        if style == 0:
            day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 2000))
            number = day.strftime("%Y%m%d") + _digits(rng, length - 8)
        elif style == 1:
            number = "62" + _digits(rng, length - 2)
        else:
            number = str(rng.randint(1, 9)) + _digits(rng, length - 1)
        if not _ambiguous(number):
            return number


# -- e-mail -------------------------------------------------------------------------------

_PINYIN = (
    "zhang",
    "wang",
    "li",
    "liu",
    "chen",
    "yang",
    "huang",
    "zhao",
    "wu",
    "zhou",
    "xu",
    "sun",
    "ma",
    "zhu",
    "hu",
    "guo",
    "lin",
    "he",
    "gao",
    "luo",
    "wei",
    "ming",
    "jun",
    "hua",
    "fang",
    "xiaoming",
    "lei",
    "tao",
    "jing",
    "yan",
    "ting",
    "hao",
    "yu",
    "xin",
    "ying",
)
_MAIL_DOMAINS = (
    "qq.com",
    "163.com",
    "126.com",
    "sina.com",
    "sohu.com",
    "foxmail.com",
    "aliyun.com",
    "gmail.com",
    "outlook.com",
    "139.com",
    "yeah.net",
    "vip.qq.com",
    "corp.example.com.cn",
    "mail.example.cn",
    "dept.example.edu.cn",
    "example.org",
)
# ref. IANA root zone: real IDN top-level domains (.中国, .公司, .网络).
_IDN_DOMAINS = ("例子.中国", "测试.公司", "邮件.网络", "示例.中国")


def email(rng: random.Random) -> str:
    """An e-mail address as used in practice (RFC 5322 dot-atom; ``EMAIL_ADDRESS``).

    Local parts: pinyin, digits (QQ numbers), dots, underscores, ``+tags``; domains: common
    Chinese providers, ``.com.cn`` / ``.edu.cn`` subdomains, and Chinese IDN domains
    (``例子.中国``) about one time in twenty.
    """
    kind = rng.randrange(5)
    if kind == 0:
        local = str(rng.randint(10000, 3999999999))  # QQ number
    elif kind == 1:
        local = rng.choice(_PINYIN) + "." + rng.choice(_PINYIN)
    elif kind == 2:
        local = rng.choice(_PINYIN) + rng.choice(_PINYIN) + str(rng.randint(1, 9999))
    elif kind == 3:
        local = rng.choice(_PINYIN) + "_" + str(rng.randint(70, 2005))
    else:
        local = rng.choice(_PINYIN) + rng.choice(_PINYIN)
    if rng.random() < 0.1:
        local += "+" + rng.choice(("shop", "news", "jd", "taobao", "test"))
    domain = rng.choice(_IDN_DOMAINS) if rng.random() < 0.05 else rng.choice(_MAIL_DOMAINS)
    return f"{local}@{domain}"


# -- addresses ----------------------------------------------------------------------------

# ref. GB/T 2260 division names; township and road names are real places in that county.
# (province, prefecture or "" for municipalities, county, townships, roads)
_GAZETTEER: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "北京市",
        "",
        "海淀区",
        ("中关村街道", "学院路街道", "海淀街道"),
        ("中关村大街", "知春路", "学院路", "北四环西路"),
    ),
    (
        "北京市",
        "",
        "朝阳区",
        ("建外街道", "望京街道", "三里屯街道"),
        ("建国路", "望京西路", "工体北路", "东三环中路"),
    ),
    (
        "北京市",
        "",
        "东城区",
        ("东华门街道", "景山街道"),
        ("王府井大街", "东长安街", "南锣鼓巷", "帽儿胡同"),
    ),
    (
        "上海市",
        "",
        "浦东新区",
        ("陆家嘴街道", "张江镇", "花木街道"),
        ("世纪大道", "张江路", "陆家嘴环路", "东方路"),
    ),
    ("上海市", "", "徐汇区", ("徐家汇街道", "田林街道"), ("漕溪北路", "肇嘉浜路", "衡山路")),
    ("上海市", "", "黄浦区", ("南京东路街道", "外滩街道"), ("南京东路", "中山东一路", "福州路")),
    ("天津市", "", "和平区", ("劝业场街道", "小白楼街道"), ("南京路", "睦南道", "成都道")),
    ("重庆市", "", "渝中区", ("解放碑街道", "上清寺街道"), ("民族路", "中山四路", "邹容路")),
    (
        "浙江省",
        "杭州市",
        "西湖区",
        ("西溪街道", "古荡街道", "文新街道", "转塘街道"),
        ("文三路", "文二路", "天目山路", "教工路", "学院路"),
    ),
    (
        "浙江省",
        "杭州市",
        "余杭区",
        ("五常街道", "仓前街道", "闲林街道"),
        ("文一西路", "五常大道", "良睦路"),
    ),
    ("浙江省", "杭州市", "桐庐县", ("桐君街道", "富春江镇"), ("迎春南路", "学圣路")),
    ("浙江省", "宁波市", "鄞州区", ("首南街道", "钟公庙街道"), ("天童南路", "四明中路")),
    ("浙江省", "温州市", "乐清市", ("乐成街道", "柳市镇"), ("双雁路", "旭阳路")),
    ("浙江省", "湖州市", "安吉县", ("递铺街道", "天荒坪镇"), ("胜利西路", "昌硕东路")),
    ("江苏省", "南京市", "玄武区", ("新街口街道", "玄武门街道"), ("中山路", "珠江路", "北京东路")),
    (
        "江苏省",
        "苏州市",
        "昆山市",
        ("玉山镇", "周市镇", "花桥镇"),
        ("前进中路", "人民路", "柏庐南路"),
    ),
    ("江苏省", "苏州市", "吴中区", ("长桥街道", "木渎镇"), ("东吴北路", "宝带西路")),
    (
        "广东省",
        "广州市",
        "天河区",
        ("林和街道", "天河南街道", "石牌街道"),
        ("天河路", "体育西路", "黄埔大道", "中山大道"),
    ),
    (
        "广东省",
        "深圳市",
        "南山区",
        ("粤海街道", "南头街道", "蛇口街道"),
        ("深南大道", "南海大道", "科技南十二路", "高新南七道"),
    ),
    (
        "广东省",
        "深圳市",
        "福田区",
        ("福田街道", "华强北街道"),
        ("深南中路", "华强北路", "福华一路"),
    ),
    (
        "四川省",
        "成都市",
        "武侯区",
        ("浆洗街街道", "玉林街道"),
        ("人民南路", "武侯祠大街", "玉林西路"),
    ),
    ("四川省", "成都市", "锦江区", ("春熙路街道", "书院街街道"), ("春熙路", "红星路", "东大街")),
    ("湖北省", "武汉市", "洪山区", ("珞南街道", "关山街道"), ("珞喻路", "雄楚大道", "光谷大道")),
    ("湖北省", "武汉市", "武昌区", ("中华路街道", "水果湖街道"), ("中山路", "中北路", "东湖路")),
    ("陕西省", "西安市", "雁塔区", ("小寨路街道", "大雁塔街道"), ("长安南路", "雁塔路", "高新路")),
    (
        "湖南省",
        "长沙市",
        "岳麓区",
        ("岳麓街道", "橘子洲街道"),
        ("麓山南路", "枫林一路", "桐梓坡路"),
    ),
    ("河南省", "郑州市", "金水区", ("经八路街道", "花园路街道"), ("花园路", "经三路", "金水路")),
    (
        "山东省",
        "青岛市",
        "市南区",
        ("八大关街道", "香港中路街道"),
        ("香港中路", "东海西路", "山东路"),
    ),
    ("山东省", "济南市", "历下区", ("泉城路街道", "趵突泉街道"), ("泉城路", "经十路", "解放路")),
    ("福建省", "厦门市", "思明区", ("鹭江街道", "中华街道"), ("中山路", "思明南路", "湖滨南路")),
    (
        "安徽省",
        "合肥市",
        "蜀山区",
        ("三里庵街道", "稻香村街道"),
        ("长江西路", "黄山路", "望江西路"),
    ),
    ("云南省", "昆明市", "五华区", ("华山街道", "护国街道"), ("东风西路", "人民中路", "青年路")),
    ("云南省", "大理白族自治州", "大理市", ("下关街道",), ("人民路", "复兴路")),
    ("贵州省", "贵阳市", "南明区", ("花果园街道",), ("中华南路", "市府路")),
    ("辽宁省", "沈阳市", "和平区", ("太原街街道", "南湖街道"), ("中华路", "太原北街", "南京北街")),
    (
        "黑龙江省",
        "哈尔滨市",
        "道里区",
        ("兆麟街道", "新阳路街道"),
        ("中央大街", "友谊路", "西十道街"),
    ),
    ("内蒙古自治区", "呼和浩特市", "新城区", ("海拉尔东路街道",), ("新华大街", "中山东路")),
    ("内蒙古自治区", "锡林郭勒盟", "锡林浩特市", ("希日塔拉街道",), ("锡林大街", "额尔敦路")),
    ("内蒙古自治区", "鄂尔多斯市", "伊金霍洛旗", ("阿勒腾席热镇",), ("天骄路", "伊金霍洛街")),
    (
        "广西壮族自治区",
        "南宁市",
        "青秀区",
        ("新竹街道", "南湖街道"),
        ("民族大道", "竹溪大道", "金湖路"),
    ),
    (
        "新疆维吾尔自治区",
        "乌鲁木齐市",
        "天山区",
        ("解放北路街道",),
        ("解放北路", "人民路", "中山路"),
    ),
    ("新疆维吾尔自治区", "伊犁哈萨克自治州", "伊宁市", (), ("解放路", "斯大林街")),
    ("新疆维吾尔自治区", "喀什地区", "喀什市", (), ("人民东路", "解放北路")),
    ("西藏自治区", "拉萨市", "城关区", ("八廓街道",), ("北京中路", "江苏路")),
    ("海南省", "海口市", "龙华区", ("中山街道",), ("滨海大道", "龙昆北路")),
    ("宁夏回族自治区", "银川市", "兴庆区", (), ("解放西街", "北京东路")),
)
_ESTATES = (
    "东部软件园", "华星科技大厦", "阳光花园", "翠苑一区", "金色家园", "万科城", "锦绣华庭",
    "SOHO现代城", "K11购物艺术中心", "望京SOHO", "阿里巴巴西溪园区", "太古汇", "亚太商务楼",
)  # fmt: skip


def address(rng: random.Random) -> str:
    """A postal address (``CN_ADDRESS``) with real division names, largest unit first.

    province (省 / 自治区 / municipality 市) › prefecture (市 / 自治州 / 地区 / 盟) › county
    (区 / 县 / 县级市 / 旗) › optional township (街道 / 镇) › road (路 / 街 / 大道 / 巷 /
    胡同, 道 before its number, sometimes ``…弄``) › number (号; in Shanghai a lane, ``887弄``,
    may stand for it before a ``号楼``) › optional estate or named building (``亚太商务楼``, then
    a floor ``10层`` and nothing more) › building (栋 / 幢 / 座 / 号楼, ``T3栋``) › unit (单元) ›
    room (室; left out after a building, ``A座1501``, in about a tenth).
    About 40% start below the province (prefecture or county).
    """
    province, prefecture, county, towns, roads = rng.choice(_GAZETTEER)
    start = rng.choices((0, 1, 2), weights=(60, 25, 15))[0]
    parts: list[str] = []
    if start == 0:
        parts.append(province)
    if start <= 1 and prefecture:
        parts.append(prefecture)
    if start == 1 and not prefecture:
        parts.append(province)  # a municipality is its own prefecture
    parts.append(county)
    if towns and rng.random() < 0.35:
        parts.append(rng.choice(towns))
    road = rng.choice(roads)
    parts.append(road)
    lane_only = False
    if province == "上海市" and rng.random() < 0.3:
        # A lane stands for the house number before a building: 887弄72号楼.
        lane_only = rng.random() < 0.3
        lane = f"{rng.randint(1, 999)}弄"
        parts.append(lane if lane_only else f"{lane}{rng.randint(1, 60)}号")
    else:
        parts.append(f"{rng.randint(1, 999)}号")
    if not lane_only and rng.random() < 0.25:
        parts.append(rng.choice(_ESTATES))
        if parts[-1].endswith("楼") and rng.random() < 0.5:  # a named building's floor
            parts.append(f"{rng.randint(1, 40)}层")
            return "".join(parts)
    if lane_only or rng.random() < 0.6:
        n = rng.randint(1, 30)
        towers = (f"{n}幢", f"{n}栋", f"{n}号楼", f"{'ABCD'[n % 4]}座", f"T{n % 9 + 1}栋")
        parts.append(f"{n}号楼" if lane_only else rng.choice(towers))
        unit = rng.random() < 0.5
        if unit:
            parts.append(f"{rng.randint(1, 6)}单元")
        if rng.random() < 0.7:
            room = f"{rng.randint(1, 32)}{rng.randint(1, 12):02d}"
            # Straight after the building the 室 is often left out: A座1501.
            parts.append(room if not unit and rng.random() < 0.3 else room + "室")
    return "".join(parts)


# -- names --------------------------------------------------------------------------------

# ref. the most common Chinese surnames (2020 census ranking) and classic compound surnames.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "司徒",
    "夏侯",
)
_GIVEN = (
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "文",
    "华",
    "红",
    "玉兰",
    "志强",
    "晓东",
    "雪",
    "梅",
    "婷",
    "浩然",
    "宇轩",
    "子涵",
    "欣怡",
    "梓萱",
    "一诺",
    "思远",
    "俊杰",
    "鹏",
    "辉",
    "斌",
    "丹",
    "颖",
    "琳",
    "嘉怡",
    "文博",
    "雨桐",
)
# ref. Uyghur and other minority names written with the interpunct (GB/T 28039 practice).
_MINORITY = (
    "买买提·艾力",
    "阿依古丽·买买提",
    "古丽娜尔·吐尔逊",
    "艾力·买买提",
    "热依拉·阿不都",
    "阿卜杜拉·艾山",
    "努尔兰·哈力克",
    "迪丽娜尔·阿不都",
    "阿迪力·吾守尔",
    "帕提古丽·库尔班",
)


def chinese_name(rng: random.Random) -> str:
    """A Chinese personal name (``CN_NAME``).

    Common single surname + 1–2 character given name (``张伟``, ``李秀英``), a compound
    surname (``欧阳娜``, ``司马浩然``) one time in ten, or a minority name with the
    interpunct ``·`` (``买买提·艾力``) one time in twenty.
    """
    roll = rng.random()
    if roll < 0.05:
        return rng.choice(_MINORITY)
    surname = rng.choice(_COMPOUND_SURNAMES) if roll < 0.15 else rng.choice(_SURNAMES)
    return surname + rng.choice(_GIVEN)


# -- passports, USCC, plates, IPs ---------------------------------------------------------


def passport(rng: random.Random) -> str:
    """A PRC passport number (``CN_PASSPORT``): ``E`` + 8 digits (ordinary e-passport),
    ``E`` + letter + 7 digits (the letter never I or O), or ``G``/``D``/``S``/``P``/``H`` +
    8 digits (older ordinary, diplomatic, service, public affairs, Hong Kong/Macao permit).
    """
    roll = rng.random()
    if roll < 0.5:
        return "E" + _digits(rng, 8)
    if roll < 0.8:
        return "E" + rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + _digits(rng, 7)
    return rng.choice("GDSPH") + _digits(rng, 8)


# ref. GB 32100-2015: the code alphabet (no I O S V Z) and position weights 3^(i-1) mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# ref. GB 11714-1997 organisation code check weights.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(body17: str) -> str:
    """The GB 32100-2015 check char: ``(31 - sum(v_i * w_i) % 31) % 31`` in the alphabet."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _org_code(rng: random.Random) -> str:
    """A 9-char GB 11714 organisation code whose own check char is correct."""
    body = (
        "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
        if rng.random() < 0.5
        else _digits(rng, 8)
    )
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def _uscc_body(rng: random.Random) -> str:
    # ref. GB 32100-2015 table 1: registering authority + entity category.
    kind = rng.choice(("91", "91", "91", "92", "93", "11", "12", "51", "52", "Y1"))
    while True:
        org = _org_code(rng)
        if all(c in USCC_ALPHABET for c in org):
            return kind + rng.choice(sorted(ID_REGION_CODES)) + org


def uscc(rng: random.Random) -> str:
    """An 18-char unified social credit code (GB 32100-2015, ``CN_USCC``).

    Authority + category (``91`` enterprise, ``92`` individual business, ``11``, ``12``,
    ``51``, ``Y1`` …), a real GB/T 2260 county code, a GB 11714 organisation code (with its
    own check char) and the GB 32100 check char over the alphabet
    ``0123456789ABCDEFGHJKLMNPQRTUWXY`` with weights ``3^(i-1) mod 31``. Never an all-digit
    code that is also Luhn-valid or a valid ID number (that would be ambiguous).
    """
    while True:
        body = _uscc_body(rng)
        code = body + uscc_check_char(body)
        # an all-digit code that is also Luhn-valid or an ID number is ambiguous
        if not (code.isdigit() and _luhn_ok(code)) and not _looks_like_id(code):
            return code


def uscc_bad_check(rng: random.Random) -> str:
    """Hard negative: a USCC shape whose GB 32100 check char is wrong.

    Never also a Luhn-valid digit string or an ID number.
    """
    while True:
        body = _uscc_body(rng)
        good = uscc_check_char(body)
        code = body + rng.choice([c for c in USCC_ALPHABET if c != good])
        if not _ambiguous(code):
            return code


# ref. GA 36-2018: province abbreviations; issuing-authority letters (no I, O).
_PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def license_plate(rng: random.Random) -> str:
    """A motor-vehicle plate (GA 36-2018, ``CN_LICENSE_PLATE``).

    Ordinary: province + authority letter + 5 serial chars (digits, at most 2 letters, no
    I/O): ``浙A12345``, ``粤B8K23L``. New-energy (8 chars): small ``D``/``F`` + 1 letter or
    digit + 4 digits (``粤BD12345``), large 5 digits + ``D``/``F`` (``沪A12345F``). One in
    ten is written with the middle dot after the authority letter (``京A·12345``).
    """
    head = rng.choice(_PLATE_PROVINCES) + rng.choice(_PLATE_LETTERS)
    roll = rng.random()
    if roll < 0.65:
        serial = list(_digits(rng, 5))
        for pos in rng.sample(range(5), rng.choice((0, 0, 1, 2))):
            serial[pos] = rng.choice(_PLATE_LETTERS)
        tail = "".join(serial)
    elif roll < 0.9:
        tail = rng.choice("DF") + rng.choice(_PLATE_LETTERS + string.digits) + _digits(rng, 4)
    else:
        tail = _digits(rng, 5) + rng.choice("DF")
    sep = "·" if rng.random() < 0.1 else ""
    return head + sep + tail


def ipv4(rng: random.Random) -> str:
    """A dotted-quad IPv4 address (RFC 791): public, RFC 1918 private or CGNAT."""
    roll = rng.random()
    if roll < 0.2:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if roll < 0.35:
        return f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    first = rng.choice([n for n in range(1, 224) if n not in (10, 127, 169, 172, 192)])
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def ipv6(rng: random.Random) -> str:
    """An IPv6 address in RFC 5952 canonical text (zero runs compressed with ``::``).

    Prefixes of Chinese carriers (240e: China Telecom, 2409: China Mobile, 2408: China
    Unicom) and link-local ``fe80::``.
    """
    prefix = rng.choice((0x240E, 0x2409, 0x2408, 0xFE80))
    groups = [prefix] + [rng.choice((0, rng.randint(0, 0xFFFF))) for _ in range(7)]
    if prefix == 0xFE80:
        groups[1:4] = [0, 0, 0]
    value = 0
    for g in groups:
        value = (value << 16) | g
    return str(ipaddress.IPv6Address(value))


# -- secrets ------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _jwt(rng: random.Random) -> str:
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    claims = {"sub": str(rng.randint(10000, 99999999)), "iat": rng.randint(1600000000, 1800000000)}
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    key = rng.randbytes(32)
    signature = _b64url(hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"


def _token(rng: random.Random, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _password(rng: random.Random) -> str:
    word = rng.choice(("hunter", "P@ss", "admin", "qwer", "Zh", "root", "Welcome", "abc"))
    word = word.replace("@", "a")  # no '@': a password should not look like an e-mail
    return word + _token(rng, rng.randint(3, 8)) + rng.choice(("!", "#", "_", "*", ""))


def secret_snippet(rng: random.Random) -> Snippet:
    """A credential in the form logs carry it (``SECRET``); the span is the secret only.

    Forms: ``password=⟦…⟧`` / ``pwd=`` / ``passwd:``; ``"token": "⟦…⟧"``;
    ``Authorization: Bearer ⟦JWT⟧``; a bare JWT (``eyJ….….…``); an AWS access key id
    ``AKIA`` + 16 base-32 chars; ``验证码⟦123456⟧`` / ``验证码：⟦1234⟧``.
    """
    kind = rng.randrange(6)
    if kind == 0:
        prefix = rng.choice(("password=", "pwd=", "passwd: ", "password: "))
        value = _password(rng)
        suffix = ""
    elif kind == 1:
        prefix = rng.choice(('"token": "', '"access_token":"', '"secret": "'))
        value = _token(rng, rng.randint(24, 40))
        suffix = '"'
    elif kind == 2:
        prefix = "Authorization: Bearer "
        value = _jwt(rng) if rng.random() < 0.6 else _token(rng, 32)
        suffix = ""
    elif kind == 3:
        prefix, value, suffix = "", _jwt(rng), ""
    elif kind == 4:
        prefix = rng.choice(("", "aws_access_key_id=", "AccessKeyId: "))
        value = "AKIA" + _token(rng, 16, string.ascii_uppercase + "234567")
        suffix = ""
    else:
        prefix = rng.choice(("验证码", "验证码：", "您的验证码是", "短信验证码为"))
        value = _digits(rng, rng.choice((4, 6, 6, 6)))
        suffix = rng.choice(("，5分钟内有效", "。请勿泄露", ""))
    text = prefix + value + suffix
    return Snippet(text, len(prefix), len(prefix) + len(value))


# -- hard negatives -----------------------------------------------------------------------


def timestamp(rng: random.Random) -> str:
    """Hard negative: a Unix timestamp, 10 digits (seconds) or 13 digits (milliseconds)."""
    seconds = rng.randint(1_500_000_000, 1_900_000_000)
    return str(seconds) if rng.random() < 0.5 else str(seconds * 1000 + rng.randint(0, 999))


def eleven_digits_not_mobile(rng: random.Random) -> str:
    """Hard negative: an 11-digit number starting 10, 11 or 12 (no mobile prefix there)."""
    return rng.choice(("10", "11", "12")) + _digits(rng, 9)


def uuid_string(rng: random.Random) -> str:
    """Hard negative: an RFC 4122 version-4 UUID, lowercase hex with dashes."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def hex_hash(rng: random.Random) -> str:
    """Hard negative: a SHA-256 digest in lowercase hex (64 chars)."""
    return hashlib.sha256(rng.randbytes(16)).hexdigest()


def docker_digest(rng: random.Random) -> str:
    """Hard negative: a container image reference pinned by digest (``name@sha256:<64 hex>``)."""
    image = rng.choice(("nginx", "library/redis", "registry.example.cn/app/api", "mysql"))
    return f"{image}@sha256:{hex_hash(rng)}"


def version_string(rng: random.Random) -> str:
    """Hard negative: a three-part version (``1.2.3``, ``v2.10.0``); never four parts."""
    v = f"{rng.randint(0, 20)}.{rng.randint(0, 30)}.{rng.randint(0, 200)}"
    return ("v" + v) if rng.random() < 0.3 else v


def amount(rng: random.Random) -> str:
    """Hard negative: a money amount with two decimals, often mobile-like (``13800.00``)."""
    if rng.random() < 0.5:
        return f"{rng.choice(MOBILE_PREFIXES)}{_digits(rng, rng.randint(0, 3))}.{_digits(rng, 2)}"
    return f"{rng.randint(1, 999999)}.{rng.randint(0, 99):02d}"


def date_string(rng: random.Random) -> str:
    """Hard negative: a date or date-time (``2024-05-17``, ``2024/05/17 12:30:00``, ``20240517``,
    ``2024年05月17日``)."""
    day = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))
    roll = rng.random()
    if roll < 0.4:
        return day.isoformat()
    if roll < 0.7:
        return day.strftime("%Y/%m/%d") + f" {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00"
    if roll < 0.85:
        return day.strftime("%Y%m%d")
    return day.strftime("%Y年%m月%d日")


def postcode(rng: random.Random) -> str:
    """Hard negative: a 6-digit postal code (first digit 0–8, e.g. ``310012``)."""
    return str(rng.randint(0, 8)) + _digits(rng, 5)


# What callers in customer-service chat say they are, after 我是 or 本人, when it is not
# their name: roles, trades and origins, many starting with a surname character (房, 商,
# 程, 法, 游, 路, 车, 党, 高, 班, 杭, 东, 全, 钟, 申, 有, 明).
_SELF_DESCRIPTIONS = (
    "房东",
    "房主",
    "商家",
    "程序员",
    "法人",
    "游客",
    "路人",
    "车主",
    "党员",
    "高中生",
    "班长",
    "新用户",
    "老客户",
    "学生",
    "业主",
    "家长",
    "管理员",
    "快递员",
    "钟点工",
    "杭州人",
    "东北人",
    "上海人",
    "全职妈妈",
    "单亲妈妈",
    "第一次买",
    "有问题",
    "明天到",
    "申请",
    "本人",
    "他家属",
)


def self_description(rng: random.Random) -> str:
    """Hard negative: what a caller says they are after 我是 / 本人 when it is not their
    name (``房东``, ``杭州人``, ``有问题``); many start with a surname character."""
    return rng.choice(_SELF_DESCRIPTIONS)


def masked_value(rng: random.Random) -> str:
    """Hard negative: an already-masked value (``138****5678``, ``110101********123X``,
    ``6222 **** **** 1234``, ``zh**@1**.com``, ``张*``)."""
    kind = rng.randrange(6)
    if kind == 0:
        d = mobile_digits(rng)
        return d[:3] + "****" + d[7:]
    if kind == 1:
        return "******" + mobile_digits(rng)[7:]
    if kind == 2:
        i = id_card(rng)
        return i[:6] + "********" + i[14:]
    if kind == 3:
        c = bank_card_digits(rng)
        return c[:6] + "*" * (len(c) - 10) + c[-4:]
    if kind == 4:
        return rng.choice(_PINYIN)[:2] + "**@" + rng.choice("1qs") + "**.com"
    return rng.choice(_SURNAMES) + "*"


def email_lookalike(rng: random.Random) -> str:
    """Hard negative: text with ``@`` that is not an e-mail address.

    ``logo@2x.png``; ``root@localhost``; a Java object's ``toString``
    (``com.example.User@1b6d3586``); an npm scoped package with version; ``user@10.0.0.1``
    (an SSH target: the IP after ``@`` IS an ``IP_ADDRESS``, the whole is not an e-mail).
    """
    kind = rng.randrange(5)
    if kind == 0:
        return f"{rng.choice(('logo', 'icon', 'banner', 'avatar'))}@{rng.choice('23')}x.png"
    if kind == 1:
        return f"{rng.choice(('root', 'admin', 'deploy'))}@localhost"
    if kind == 2:
        cls = rng.choice(("com.example.User", "cn.demo.order.OrderDTO", "java.lang.Object"))
        return f"{cls}@{rng.getrandbits(32):x}"
    if kind == 3:
        return f"@{rng.choice(('vue', 'babel', 'types'))}/core@{version_string(rng).lstrip('v')}"
    return f"{rng.choice(('root', 'ubuntu', 'deploy'))}@{ipv4(rng)}"


def java_annotation(rng: random.Random) -> str:
    """Hard negative: a Java annotation (``@Autowired``, ``@RequestMapping("/api/user")``)."""
    return rng.choice(
        (
            "@Override",
            "@Autowired",
            "@Service",
            "@Transactional(rollbackFor = Exception.class)",
            '@RequestMapping("/api/user")',
            "@Data",
            "@SpringBootApplication",
            '@Value("${app.name}")',
        )
    )


#: Entity → generator of its surface forms (``CN_NAME`` and ``SECRET`` need context and are
#: produced by :func:`chinese_name` and :func:`secret_snippet` with their surroundings).
POSITIVES: dict[str, Generator] = {
    "CN_MOBILE": mobile,
    "CN_LANDLINE": landline,
    "CN_ID_CARD": id_card,
    "BANK_CARD": bank_card,
    "EMAIL_ADDRESS": email,
    "CN_ADDRESS": address,
    "CN_NAME": chinese_name,
    "CN_PASSPORT": passport,
    "CN_USCC": uscc,
    "CN_LICENSE_PLATE": license_plate,
    "IP_ADDRESS": ipv4,
}

#: Hard-negative kind → generator.
NEGATIVES: dict[str, Generator] = {
    "order_number": order_number,
    "card_bad_luhn": bank_card_luhn_invalid,
    "id_bad_check": id_card_bad_check,
    "id_bad_date": id_card_bad_date,
    "uscc_bad_check": uscc_bad_check,
    "timestamp": timestamp,
    "eleven_digits": eleven_digits_not_mobile,
    "uuid": uuid_string,
    "sha256_hex": hex_hash,
    "docker_digest": docker_digest,
    "version": version_string,
    "amount": amount,
    "date": date_string,
    "postcode": postcode,
    "masked": masked_value,
    "email_lookalike": email_lookalike,
    "java_annotation": java_annotation,
    "self_description": self_description,
}

#: Negatives that only a checksum or date validation tells apart from real values.
CHECKSUM_NEGATIVES: frozenset[str] = frozenset(
    {"order_number", "card_bad_luhn", "id_bad_check", "id_bad_date", "uscc_bad_check"}
)
