"""Value generators shared by the business schemas: keys, dirt, protected forms, text.

Every generator is a :data:`~._model.Gen` (a row context in, a value out). Personal data
comes from :mod:`dataguard.testing.generators`, which follows the standards; this module
adds what databases do to it: placeholders and blanks, masking, hashing, ciphertext.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dataguard.testing import generators as g
from dataguard.testing.schemas._model import ColumnSpec, Gen, Mix, RowContext
from dataguard.testing.schemas._types import BIGINT, DATETIME

# -- placeholders: what forms and imports put into a column when the real value is missing

MOBILE_PLACEHOLDERS = ("13800000000", "12345678901", "00000000000", "13888888888", "11111111111")
ID_PLACEHOLDERS = ("000000000000000000", "111111111111111111", "123456789012345678")
BLANKS = ("", "N/A", "无", "-", "null")
#: Every placeholder and blank the schemas write where a real value is missing.
PLACEHOLDERS: frozenset[str] = frozenset(MOBILE_PLACEHOLDERS + ID_PLACEHOLDERS + BLANKS)

# Business time window of the synthetic systems.
START = dt.datetime(2023, 1, 1)
END = dt.datetime(2025, 6, 30, 23, 59, 59)


# -- plumbing -------------------------------------------------------------------------------


def use(fn: Callable[[random.Random], Any]) -> Gen:
    """Adapt a ``generators``-style function (rng in, value out)."""
    return lambda ctx: fn(ctx.rng)


def pk(ctx: RowContext) -> int:
    """Row ids 1, 2, 3…"""
    return ctx.index + 1


def ref(table: str) -> Gen:
    """A foreign key into *table* (no FOREIGN KEY constraint: Chinese Java shops mostly
    forbid them, following Alibaba's Java development manual)."""
    return lambda ctx: ctx.ref(table)


def const(value: Any) -> Gen:
    return lambda ctx: value


def pick(*options: Any) -> Gen:
    """One of *options*, uniformly."""
    return lambda ctx: ctx.rng.choice(options)


def weighted(*pairs: tuple[Any, float]) -> Gen:
    """One of the values of *pairs* ``(value, weight)``."""
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    return lambda ctx: ctx.rng.choices(values, weights=weights)[0]


def integer(low: int, high: int) -> Gen:
    return lambda ctx: ctx.rng.randint(low, high)


def money(low: float, high: float) -> Gen:
    """A Decimal amount with two decimals (DECIMAL, never FLOAT, for money)."""
    lo, hi = round(low * 100), round(high * 100)
    return lambda ctx: decimal.Decimal(ctx.rng.randint(lo, hi)).scaleb(-2)


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def moment(rng: random.Random, start: dt.datetime = START, end: dt.datetime = END) -> dt.datetime:
    return start + dt.timedelta(seconds=rng.randint(0, int((end - start).total_seconds())))


def timestamp_gen(ctx: RowContext) -> dt.datetime:
    """A moment in the business window (whole seconds)."""
    return moment(ctx.rng)


def after(column: str, low_s: int, high_s: int, null: float = 0.0) -> Gen:
    """A moment *low_s*…*high_s* seconds after this row's *column* (NULL with prob. *null*)."""

    def gen(ctx: RowContext) -> dt.datetime | None:
        base = ctx.values.get(column)
        if base is None or ctx.rng.random() < null:
            return None
        return base + dt.timedelta(seconds=ctx.rng.randint(low_s, high_s))

    return gen


def date_of_birth(ctx: RowContext) -> dt.date:
    return dt.date(1960, 1, 1) + dt.timedelta(days=ctx.rng.randint(0, 16000))


def dirty(
    valid: Gen,
    *,
    null: float = 0.0,
    blank: float = 0.0,
    placeholder: float = 0.0,
    placeholders: tuple[Any, ...] = (),
    other: tuple[tuple[str, float, Gen | None], ...] = (),
) -> Mix:
    """*valid* values with a share of dirt: NULLs, blanks (``''``, ``N/A``, ``无``, ``-``,
    ``null``), *placeholders* and *other* labelled parts. Shares are fractions of rows."""
    parts: list[tuple[str, float, Gen | None]] = []
    if null:
        parts.append(("null", null, None))
    if blank:
        parts.append(("blank", blank, pick(*BLANKS)))
    if placeholder:
        parts.append(("placeholder", placeholder, pick(*placeholders)))
    parts.extend(other)
    rest = 1.0 - sum(w for _, w, _ in parts)
    if rest <= 0:
        raise ValueError("dirt takes every row")
    return Mix((("valid", rest, valid), *parts))


def maybe_null(gen: Gen, null: float) -> Mix:
    return dirty(gen, null=null)


# -- personal values in database forms ------------------------------------------------------


def id_card_digits(rng: random.Random) -> str:
    """An 18-digit ID number without the ``X`` check char (one that fits a DECIMAL column)."""
    while True:
        number = g.id_card(rng)
        if number[-1].isdigit():
            return number


def mobile_or_landline(rng: random.Random) -> str:
    return g.mobile_digits(rng) if rng.random() < 0.7 else g.landline(rng)


def virtual_number(rng: random.Random) -> str:
    """A platform privacy number with an extension (``17012345678转1234``, ``…-1234``)."""
    return rng.choice(("170", "171", "165")) + digits(rng, 8) + rng.choice("-转") + digits(rng, 4)


# ref. GB/T 2260 naming: a province-level unit ends in 省 / 自治区 or is a municipality;
# prefectures end in 市 / 自治州 / 地区 / 盟, counties in 区 / 县 / 市 / 旗.
_MUNICIPALITY = re.compile(
    r"(?P<province>北京市|上海市|天津市|重庆市)(?P<county>.+?[区县])(?P<rest>.+)"
)
_PROVINCIAL = re.compile(
    r"(?P<province>.+?(?:省|自治区))(?P<city>.+?(?:市|自治州|地区|盟))"
    r"(?P<county>.+?[区县市旗])(?P<rest>.+)"
)


def split_address(text: str) -> tuple[str, str, str, str] | None:
    """``(province, city, county, rest)`` of an address that starts at the province; a
    municipality is its own city. None when the text does not start at the province."""
    if m := _MUNICIPALITY.fullmatch(text):
        return m["province"], m["province"], m["county"], m["rest"]
    if m := _PROVINCIAL.fullmatch(text):
        return m["province"], m["city"], m["county"], m["rest"]
    return None


def address_parts(rng: random.Random) -> tuple[str, str, str, str]:
    """An address from :func:`generators.address` split into province, city, county and the
    detail below the county (``文三路90号1幢2单元301室``)."""
    while True:
        parts = split_address(g.address(rng))
        if parts is not None:
            return parts


# -- protected forms --------------------------------------------------------------------------


def mask_mobile(number: str) -> str:
    """``138****1050``: first 3 and last 4 kept (the form most apps display)."""
    return number[:3] + "****" + number[-4:]


def mask_card(number: str) -> str:
    """``622202******1234``: first 6 and last 4 kept (JR/T 0171-2020 practice)."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_name(name: str) -> str:
    """``张*``, ``欧阳**``: the surname kept."""
    keep = 2 if len(name) >= 4 and "·" not in name else 1
    return name[:keep] + "*" * (len(name) - keep)


def mask_id(number: str) -> str:
    """``1****************X``: first 1 and last 1 kept."""
    return number[0] + "*" * 16 + number[-1]


def mask_email(address: str) -> str:
    local, domain = address.split("@", 1)
    return local[:2] + "***@" + domain


def masked_mobile(ctx: RowContext) -> str:
    return mask_mobile(g.mobile_digits(ctx.rng))


def sha256_hex(text: str) -> str:
    """Unsalted SHA-256 hex, as lookup columns (``mobile_hash``) store it."""
    return hashlib.sha256(text.encode()).hexdigest()


def legacy_hex32(text: str) -> str:
    """32 hex chars shaped like the MD5 digests legacy systems stored (the project bans MD5
    in code, so this is a truncated SHA-256: same shape, same meaning to a scanner)."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


_BCRYPT_ALPHABET = "./" + string.ascii_uppercase + string.ascii_lowercase + string.digits


def bcrypt_like(rng: random.Random) -> str:
    """A bcrypt hash's shape (``$2a$10$`` + 22 salt + 31 hash chars); not a real hash."""
    cost = rng.choice(("$2a$10$", "$2a$10$", "$2b$12$"))
    return cost + "".join(rng.choice(_BCRYPT_ALPHABET) for _ in range(53))


def ciphertext_b64(rng: random.Random, plaintext_len: int) -> str:
    """Opaque AES-GCM-like ciphertext: base64 of nonce (12) + body + tag (16) random bytes."""
    return base64.b64encode(rng.randbytes(12 + plaintext_len + 16)).decode("ascii")


def sm4_ecb_hex(rng: random.Random, plaintext_len: int) -> str:
    """SM4-ECB-like ciphertext in upper-case hex: whole 16-byte blocks (an 11-digit phone
    gives 32 hex chars, the same shape as an MD5 digest)."""
    blocks = plaintext_len // 16 + 1
    return rng.randbytes(16 * blocks).hex().upper()


# -- business identifiers that are not personal data -------------------------------------------


def luhn_ok(number: str) -> bool:
    return g.luhn_check_digit(number[:-1]) == number[-1]


def not_luhn(number_gen: Callable[[random.Random], str]) -> Callable[[random.Random], str]:
    """Retry *number_gen* until its value fails Luhn (so it can never pass as a card)."""

    def gen(rng: random.Random) -> str:
        while True:
            number = number_gen(rng)
            if not luhn_ok(number):
                return number

    return gen


def ean13(rng: random.Random) -> str:
    """A GS1 EAN-13 barcode with a Chinese ``690``–``699`` prefix and a correct check digit."""
    body = "69" + str(rng.randint(0, 9)) + digits(rng, 9)
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def alipay_trade_no(rng: random.Random) -> str:
    """28 digits: date + ``2200`` + 16 digits (Alipay's layout)."""
    return moment(rng).strftime("%Y%m%d") + "2200" + digits(rng, 16)


def wechat_transaction_id(rng: random.Random) -> str:
    """28 digits: ``42000`` + 5 digits + date + 10 digits (WeChat Pay's layout)."""
    return "42000" + digits(rng, 5) + moment(rng).strftime("%Y%m%d") + digits(rng, 10)


def tracking_no(rng: random.Random) -> str:
    """A parcel tracking number: ``SF`` + 13 digits, ``YT`` + 13, ``JDVA`` + 11, or 12–14
    pure digits (ZTO, Yunda, EMS); never 11 digits (a mobile's length) or Luhn-valid."""
    kind = rng.randrange(4)
    if kind == 0:
        return "SF" + digits(rng, 13)
    if kind == 1:
        return "YT" + digits(rng, 13)
    if kind == 2:
        return "JDVA" + digits(rng, 11)
    return not_luhn(lambda r: str(r.randint(3, 9)) + digits(r, r.randint(11, 13)))(rng)


_CITIES = ("杭州", "上海", "北京", "深圳", "广州", "成都", "苏州", "南京", "武汉", "宁波")
_FIRM_WORDS = ("云帆", "星辰", "锦程", "恒信", "博远", "新丰", "嘉禾", "华联", "德润", "启明")
_FIRM_KINDS = ("科技", "贸易", "电子商务", "网络科技", "供应链管理", "食品", "服饰")


def company_name(rng: random.Random) -> str:
    """A company name (not personal data, though it may contain a surname-like word)."""
    return f"{rng.choice(_CITIES)}{rng.choice(_FIRM_WORDS)}{rng.choice(_FIRM_KINDS)}有限公司"


_LOGIN_PINYIN = ("zhang", "wang", "li", "liu", "chen", "yang", "zhao", "huang", "zhou", "wu")
_LOGIN_GIVEN = ("wei", "fang", "min", "jing", "lei", "jun", "yang", "tao", "hao", "xin")


def login_name(rng: random.Random) -> str:
    """An account name (``zhangwei``, ``li.jing88``): pinyin, not a CN_NAME."""
    name = rng.choice(_LOGIN_PINYIN) + rng.choice(("", ".", "_")) + rng.choice(_LOGIN_GIVEN)
    return name + (str(rng.randint(1, 99)) if rng.random() < 0.4 else "")


# ref. real browser user agents (Chrome's reduced UA freezes its version as N.0.0.0, which
# is also a dotted quad: the hard part).
_USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.{m}(0x18003030) NetType/WIFI "
    "Language/zh_CN",
    "Mozilla/5.0 (Linux; Android 14; 23127PN0CC Build/UKQ1.230804.001; wv) AppleWebKit/537.36"
    " (KHTML, like Gecko) Version/4.0 Chrome/{v}.0.6261.120 Mobile Safari/537.36 "
    "AlipayClient/10.5.{m}.8000",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    " Version/17.4 Safari/605.1.15",
    "okhttp/4.12.0",
    "ShopApp/3.{m}.0 (iPhone; iOS 17.5; Scale/3.00)",
)


def user_agent(ctx: RowContext) -> str:
    template = ctx.rng.choice(_USER_AGENTS)
    return template.format(v=ctx.rng.randint(109, 126), m=ctx.rng.randint(30, 49))


def ip_any(rng: random.Random) -> str:
    return g.ipv4(rng) if rng.random() < 0.85 else g.ipv6(rng)


# -- columns that every table has -------------------------------------------------------------


def id_column(comment: str = "主键ID", name: str = "id") -> ColumnSpec:
    """``id BIGINT NOT NULL`` numbered 1, 2, 3…"""
    return ColumnSpec(name, BIGINT, comment, pk, nullable=False)


def created_at(comment: str = "创建时间") -> ColumnSpec:
    return ColumnSpec("created_at", DATETIME, comment, timestamp_gen, nullable=False)


@dataclass(frozen=True)
class Preset:
    """Fixed values for the first rows (seed data shipped with a product), then *then*."""

    first: tuple[Any, ...]
    then: Gen

    def __call__(self, ctx: RowContext) -> Any:
        if ctx.index < len(self.first):
            return self.first[ctx.index]
        return self.then(ctx)

    def share(self, *labels: str) -> float:
        """The share of *then* (the preset rows are few and count as ``"valid"``)."""
        share = getattr(self.then, "share", None)
        if share is not None:
            return float(share(*labels))
        return 1.0 if "valid" in labels else 0.0
