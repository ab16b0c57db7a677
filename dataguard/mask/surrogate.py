"""surrogate: replace a value with a keyed fake that is itself valid for its entity.

A surrogate ID number has a real region code, a real birth date and a correct check
character; a surrogate card keeps its BIN and passes Luhn; a surrogate mobile keeps its
allocated prefix. Test systems, analytics and format validators keep working on the
output, and the same key, entity and value always give the same surrogate, so masked
tables still join. The randomness is a keyed deterministic random bit generator:
HMAC-SHA-256 blocks over ``entity | 0x00 | canonical value | counter`` (a counter-mode
stream in the manner of NIST SP 800-108, HMAC as the PRF), keyed with a subkey derived from
the master key (:func:`dataguard.mask.pseudonymize.derive_subkey`).

A surrogate is not a one-way function of the value the way an HMAC token is: it keeps
the kept parts (BIN, prefix, domain, area code, birth year, sex) in clear. Use
``pseudonymize`` where only joinability matters.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, TypeVar

from dataguard.mask.operator import MaskContext, Operator, OperatorEnv
from dataguard.mask.pseudonymize import (
    attach_key,
    attached_key,
    canonical,
    derive_subkey,
    landline_match,
)
from dataguard.recognizers.address import AddressRecognizer, split_at_county
from dataguard.recognizers.id_card import birth_date, check_char, is_valid_id, regions
from dataguard.recognizers.ip_address import IpAddressRecognizer
from dataguard.recognizers.name import NameRecognizer, surnames
from dataguard.recognizers.uscc import ALPHABET as USCC_ALPHABET
from dataguard.recognizers.uscc import check_char as uscc_check_char
from dataguard.recognizers.uscc import org_check_char

__all__ = ["Surrogate"]

_T = TypeVar("_T")
_KEY_LABEL = b"dataguard/mask/surrogate/v1"
#: Draws before giving up on an output different from the input (each draw has at least
#: a 1/10 chance; 100 failures in a row do not happen outside degenerate inputs).
_MAX_DRAWS = 100
_DIGITS = "0123456789"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# ref. GA 36-2018 §5.1: plate letters never include I or O.
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
# Common given-name characters (none a title, a stop word or 某: names stay recognisable).
_GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英建华文红玉兰志晓东雪梅婷浩然宇轩涵欣怡"
    "梓萱诺思远俊鹏辉斌丹颖琳嘉雨桐晨佳欢秀凤春海波宁慧瑶琪睿泽昊煜航鑫亮峰彬"
)
# ref. the most common surnames (2020 census ranking) and classic compound surnames.
_COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶"
)
_COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "公孙",
    "慕容",
    "司徒",
    "夏侯",
)
# Syllables of transliterated (Uyghur, Kazakh …) names written with the middle dot.
_DOTTED_CHARS = "阿艾买提古丽娜尔热依拉迪努兰哈克吾守帕库班孜汗木江别尼沙图穆罕默德"
_NAME_DOTS = "·•・‧"
# Road-name characters (none a stop character of the address recognizer nor a level
# suffix such as 路 / 街 / 区, so ``<两字>路<n>号`` parses as a road and a number).
_ROAD_CHARS = "文华兴建新和平安康宁光明长青春阳东西南北中朝晨曙丰泰福寿德惠民利云松柏梅桂兰"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ID18 = re.compile(r"[0-9]{17}[0-9Xx]")
_ID15 = re.compile(r"[0-9]{15}")
_ID_SHAPED = re.compile(r"[0-9]{17}[0-9X]")
_PASSPORT = re.compile(r"(?P<letters>[A-Z]+)(?P<digits>[0-9]+)")
_PLATE = re.compile(
    r"(?P<head>[\u4e00-\u9fff][A-Z])(?P<sep>[·・•\- ]?)(?P<serial>[A-Z0-9]+)"
    r"(?P<suffix>[学警挂港澳]?)"
)
# ref. GB 11643-1999: surrogate birth dates when the year is not kept.
_BIRTH_FIRST = dt.date(1940, 1, 1)
_BIRTH_LAST = dt.date(2005, 12, 31)
_LEGACY_LAST = dt.date(1999, 12, 31)


# -- the keyed random source ---------------------------------------------------------------


class _Drbg:
    """A keyed deterministic random stream: HMAC-SHA-256 blocks over a fixed input.

    Block *i* is ``HMAC-SHA-256(key, entity | 0x00 | value | i)`` with *i* a 32-bit
    big-endian counter (an HMAC counter-mode stream in the manner of NIST SP 800-108).
    Integers come from 64-bit draws by rejection sampling, so every choice is uniform.
    """

    def __init__(self, key: bytes, entity: str, value: str) -> None:
        self._mac = hmac.new(
            key,
            entity.encode("utf-8") + b"\x00" + value.encode("utf-8", "surrogateescape"),
            "sha256",
        )
        self._counter = 0
        self._buffer = b""

    def _read(self, n: int) -> bytes:
        while len(self._buffer) < n:
            block = self._mac.copy()
            block.update(self._counter.to_bytes(4, "big"))
            self._counter += 1
            self._buffer += block.digest()
        out, self._buffer = self._buffer[:n], self._buffer[n:]
        return out

    def below(self, n: int) -> int:
        """A uniform integer in ``[0, n)``."""
        limit = (1 << 64) - (1 << 64) % n
        while True:
            x = int.from_bytes(self._read(8), "big")
            if x < limit:
                return x % n

    def choice(self, items: Sequence[_T]) -> _T:
        """A uniform element of *items*."""
        return items[self.below(len(items))]

    def text(self, alphabet: str, n: int) -> str:
        """*n* uniform characters of *alphabet*."""
        return "".join(self.choice(alphabet) for _ in range(n))


def _place(value: str, positions: Sequence[int], chars: str) -> str:
    """*value* with ``value[positions[k]]`` replaced by ``chars[k]`` (layout kept)."""
    out = list(value)
    for pos, ch in zip(positions, chars, strict=True):
        out[pos] = ch
    return "".join(out)


def _digit_positions(value: str) -> list[int]:
    return [i for i, ch in enumerate(value) if "0" <= ch <= "9"]


# -- CN_ID_CARD: GB 11643-1999 -------------------------------------------------------------


@cache
def _county_codes() -> tuple[str, ...]:
    """Current county-level GB/T 2260 codes that are in the shipped region list.

    ``regions()`` (GB/T 2260, abolished codes included) does not say which codes are
    current; ``data/cn_divisions.tsv`` lists today's divisions with their level, so the
    intersection is the current county-level codes. Falls back to every code below the
    prefecture (not ending in ``00``) if that table is missing.
    """
    known = regions()
    try:
        text = files("dataguard.recognizers").joinpath("data/cn_divisions.tsv").read_text("utf-8")
    except OSError:
        text = ""
    current = {
        fields[0]
        for fields in (line.split("\t") for line in text.splitlines() if not line.startswith("#"))
        if len(fields) == 3 and fields[2] == "county"
    }
    codes = sorted(current & known) or sorted(c for c in known if not c.endswith("00"))
    return tuple(codes)


def _birth(rng: _Drbg, born: dt.date | None, same_year: bool, legacy: bool) -> dt.date:
    """A birth date: in *born*'s year when asked (never after today), else 1940-2005.

    Legacy 15-digit numbers carry ``YYMMDD`` of the 1900s, so their dates stay in 1940-1999.
    """
    today = dt.date.today()
    if same_year and born is not None:
        first = dt.date(born.year, 1, 1)
        last = dt.date(born.year, 12, 31)
        if last > today:  # born this year: not after the original date nor today
            last = min(born, today)
    else:
        first, last = _BIRTH_FIRST, _LEGACY_LAST if legacy else _BIRTH_LAST
    return first + dt.timedelta(days=rng.below((last - first).days + 1))


def _sequence(rng: _Drbg, parity: int | None) -> str:
    """A 3-digit order code 001-999, last digit odd for men, even for women (GB 11643 §5.4)."""
    while True:
        n = rng.below(1000) if parity is None else rng.below(100) * 10 + 2 * rng.below(5) + parity
        if n:
            return f"{n:03d}"


def _id_card(op: Surrogate, rng: _Drbg, value: str) -> str | None:
    """A valid ID number (GB 11643-1999): current GB/T 2260 county code, real birth date,
    order code of the same sex, ISO 7064 MOD 11-2 check char. 15 digits in, 15 out
    (``YYMMDD``, no check char, GB 11643-1989). A number grouped 6-8-4 (``110105 19491231
    002X``) keeps its spaces or dashes."""
    characters = [i for i, ch in enumerate(value) if ch not in " -"]
    if len(characters) != len(value):
        compact = "".join(value[i] for i in characters)
        made = _id_card(op, rng, compact) if len(compact) == 18 else None
        return None if made is None else _place(value, characters, made)
    legacy = _ID15.fullmatch(value) is not None
    if not legacy and _ID18.fullmatch(value) is None:
        return None
    born = birth_date(value)
    if born is not None and not 1900 <= born.year <= dt.date.today().year:
        born = None
    parity = int(value[16 if not legacy else 14]) % 2 if op.same_sex else None
    region = rng.choice(_county_codes())
    birth = _birth(rng, born, op.same_birth_year, legacy)
    sequence = _sequence(rng, parity)
    if legacy:
        return region + birth.strftime("%y%m%d") + sequence
    body = region + birth.strftime("%Y%m%d") + sequence
    check = check_char(body)
    return body + (check.lower() if value[17] == "x" else check)


# -- BANK_CARD: ISO/IEC 7812 ---------------------------------------------------------------


def _luhn_digit(body: str) -> str:
    """The Luhn check digit (ISO/IEC 7812-1 annex B) completing the digit string *body*."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str(-total % 10)


def _bank_card(op: Surrogate, rng: _Drbg, value: str) -> str | None:
    """Same BIN (first 6 digits, ISO/IEC 7812 IIN) and length, random account digits, a
    Luhn check digit; spaces and dashes stay where they were."""
    positions = _digit_positions(value)
    if len(positions) < 8:
        return None
    body = "".join(value[i] for i in positions[:6]) + rng.text(_DIGITS, len(positions) - 7)
    return _place(value, positions, body + _luhn_digit(body))


# -- CN_MOBILE, CN_LANDLINE: MIIT numbering plan -------------------------------------------


def _mobile(op: Surrogate, rng: _Drbg, value: str) -> str | None:
    """The last 8 digits replaced: ``+86`` prefix, allocated 3-digit prefix and the layout
    (``+86 138 1234 5678``) kept."""
    positions = _digit_positions(value)
    if len(positions) < 11 or value[positions[-11]] != "1":
        return None
    return _place(value, positions[-8:], rng.text(_DIGITS, 8))


def _landline(op: Surrogate, rng: _Drbg, value: str) -> str | None:
    """A new local number of the same length starting 2-8 (MIIT plan); country prefix,
    area code, separators and extension kept."""
    m = landline_match(value)
    if m is None:
        return None
    start, end = m.span("local")
    positions = [i for i in _digit_positions(value) if start <= i < end]
    local = rng.choice("2345678") + rng.text(_DIGITS, len(positions) - 1)
    return _place(value, positions, local)


# -- EMAIL_ADDRESS, CN_NAME, CN_ADDRESS ----------------------------------------------------


def _email(op: Surrogate, rng: _Drbg, value: str) -> str | None:
    """Domain kept; local part replaced by ``[a-z0-9]`` of the same length (4 to 64,
    RFC 5321 §4.5.3.1)."""
    local, at, domain = value.rpartition("@")
    if not (local and at and domain):
        return None
    return rng.text(_LOWER + _DIGITS, min(max(len(local), 4), 64)) + "@" + domain


@cache
def _surname_pool() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(single, compound) surnames the name recognizer knows."""
    known = surnames()
    single = tuple(s for s in _COMMON_SURNAMES if s in known)
    compound = tuple(s for s in _COMPOUND_SURNAMES if s in known)
    return single, compound


def _name(op: Surrogate, rng: _Drbg, value: str) -> str | None:
    """Surname (kept, or keyed from the common ones of the same length) plus keyed
    given-name characters, as many as the original has; a dotted minority name gets keyed
    transliteration syllables, part by part (GB/T 28039-2011 middle dot kept)."""
    if any(dot in value for dot in _NAME_DOTS):
        parts = re.split(f"([{_NAME_DOTS}])", value)
        if not all(_CJK.fullmatch(ch) for part in parts[::2] for ch in part):
            return None
        return "".join(
            part if i % 2 else rng.text(_DOTTED_CHARS, len(part)) for i, part in enumerate(parts)
        )
    if not value or not all(_CJK.fullmatch(ch) for ch in value):
        return None
    surname = value[:2] if len(value) > 2 and value[:2] in surnames() else value[:1]
    given = len(value) - len(surname)
    if not op.keep_surname or given == 0:
        single, compound = _surname_pool()
        surname = rng.choice(compound if len(surname) == 2 and compound else single)
    return surname + rng.text(_GIVEN_CHARS, given)


def _address(op: Surrogate, rng: _Drbg, value: str) -> str | None:
    """Everything up to the county kept (:func:`split_at_county`); the rest replaced by
    a keyed road and house number, ``<两字>路<n>号`` (n 1-999)."""
    head, _tail = split_at_county(value)
    road = rng.text(_ROAD_CHARS, 2) + "路"
    return f"{head}{road}{rng.below(999) + 1}号"


# -- CN_USCC: GB 32100-2015 ----------------------------------------------------------------


def _uscc(op: Surrogate, rng: _Drbg, value: str) -> str | None:
    """Registration authority, type and region code (chars 1-8) kept; a new GB 11714
    organisation code with its own check char (chars 9-17); the GB 32100 check char.

    An organisation code starting with letters (``MA…``) keeps them; an all-digit one
    stays all digits.
    """
    if len(value) != 18 or any(ch not in USCC_ALPHABET for ch in value):
        return None
    org = value[8:16]
    kept = org[:2] if org[:2].isalpha() else ""
    alphabet = _DIGITS if org.isdigit() else USCC_ALPHABET
    body = kept + rng.text(alphabet, 8 - len(kept))
    first17 = value[:8] + body + org_check_char(body)
    return first17 + uscc_check_char(first17)


# -- CN_PASSPORT, CN_LICENSE_PLATE, IP_ADDRESS ---------------------------------------------


def _passport(op: Surrogate, rng: _Drbg, value: str) -> str | None:
    """Letter prefix kept (``E``, ``EA``, ``G`` …), digits random."""
    m = _PASSPORT.fullmatch(value)
    if m is None:
        return None
    return m.group("letters") + rng.text(_DIGITS, len(m.group("digits")))


def _plate(op: Surrogate, rng: _Drbg, value: str) -> str | None:
    """Province character and authority letter kept; serial digits and letters replaced
    in kind (letters without I / O, GA 36-2018 §5.1); the D / F of new-energy plates and
    the class character (学, 警 …) kept."""
    m = _PLATE.fullmatch(value)
    if m is None:
        return None
    serial = m.group("serial")
    keep = set()
    if len(serial) == 6 and serial[0] in "DF":
        keep.add(0)
    if len(serial) == 6 and serial[-1] in "DF" and serial[:5].isdigit():
        keep.add(5)
    new = "".join(
        ch if i in keep else rng.choice(_DIGITS) if ch.isdigit() else rng.choice(_PLATE_LETTERS)
        for i, ch in enumerate(serial)
    )
    return m.group("head") + m.group("sep") + new + m.group("suffix")


def _ip(op: Surrogate, rng: _Drbg, value: str) -> str | None:
    """IPv4 (RFC 791): first octet kept, the others 0-255. IPv6 (RFC 4291): first group
    kept, the other seven random, written in RFC 5952 canonical text."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv4Address):
        rest = ".".join(str(rng.below(256)) for _ in range(3))
        return f"{address.packed[0]}.{rest}"
    first = int.from_bytes(address.packed[:2], "big")
    number = first << 112 | int.from_bytes(bytes(rng.below(256) for _ in range(14)), "big")
    scope = f"%{address.scope_id}" if address.scope_id else ""
    return str(ipaddress.IPv6Address(number)) + scope


# -- any other entity ----------------------------------------------------------------------


def _same_classes(rng: _Drbg, value: str) -> str:
    """Same length and character classes: digit → digit, a-z → a-z, A-Z → A-Z, a Chinese
    character (or another non-ASCII letter) → a common Chinese one, so nothing readable
    survives; anything else (punctuation, spaces) kept."""
    out = []
    for ch in value:
        if "0" <= ch <= "9":
            out.append(rng.choice(_DIGITS))
        elif "a" <= ch <= "z":
            out.append(rng.choice(_LOWER))
        elif "A" <= ch <= "Z":
            out.append(rng.choice(_UPPER))
        elif ch.isalpha():  # Chinese characters and other non-ASCII letters
            out.append(rng.choice(_GIVEN_CHARS))
        else:
            out.append(ch)
    return "".join(out)


def _replaceable(value: str) -> bool:
    return any(("0" <= ch <= "9") or ch.isalpha() for ch in value)


_Maker = Callable[["Surrogate", _Drbg, str], "str | None"]
_MAKERS: dict[str, _Maker] = {
    "CN_ID_CARD": _id_card,
    "BANK_CARD": _bank_card,
    "CN_MOBILE": _mobile,
    "CN_LANDLINE": _landline,
    "EMAIL_ADDRESS": _email,
    "CN_NAME": _name,
    "CN_ADDRESS": _address,
    "CN_USCC": _uscc,
    "CN_PASSPORT": _passport,
    "CN_LICENSE_PLATE": _plate,
    "IP_ADDRESS": _ip,
}


def _unfit(entity: str, candidate: str, value: str) -> bool:
    """True when *candidate* would not be taken for *entity*: drawn again.

    Names and addresses are checked by their recognizer (a keyed name may spell a place,
    宁波); an 18-digit card must not also be a valid ID number; a USCC must not turn
    ID-shaped; an IP must not be the unspecified address.
    """
    if entity == "CN_NAME":
        return NameRecognizer().validate(candidate) is False
    if entity == "CN_ADDRESS":
        return AddressRecognizer().validate(candidate) is False
    if entity == "BANK_CARD":
        return is_valid_id("".join(ch for ch in candidate if ch.isdigit()))
    if entity == "CN_USCC":
        return bool(_ID_SHAPED.fullmatch(candidate)) and not _ID_SHAPED.fullmatch(value)
    if entity == "IP_ADDRESS":
        return IpAddressRecognizer().validate(candidate) is False
    return False


# -- the operator --------------------------------------------------------------------------


@dataclass(frozen=True)
class Surrogate(Operator):
    """Replace a value with a keyed, deterministic fake that is valid for its entity.

    No anchor does this: ShardingSphere's random ID and credit-code replacements break
    checksums.

    The same key, entity and value always give the same surrogate; different values give
    different ones (almost always); the surrogate never equals the value (drawn again if it
    does). Per entity:

    * ``CN_ID_CARD`` (GB 11643-1999): current county-level GB/T 2260 region code, real
      birth date (``same_birth_year``: in the original year), order code of the same sex
      (``same_sex``: parity of the 17th digit), ISO 7064 MOD 11-2 check char; a legacy
      15-digit number gives a 15-digit number (``YYMMDD`` of the 1900s, no check char).
    * ``BANK_CARD`` (ISO/IEC 7812): BIN (first 6 digits) and length kept, Luhn-valid.
    * ``CN_MOBILE``: ``+86`` prefix, the allocated first 3 digits and the layout kept, the
      other 8 digits random.
    * ``EMAIL_ADDRESS``: domain kept, local part ``[a-z0-9]`` of the same length (min 4).
    * ``CN_LANDLINE``: country prefix, area code, layout and extension kept, a new local
      number of the same length starting 2-8.
    * ``CN_NAME``: the surname (``keep_surname``; else a common one of the same length)
      and common given-name characters, as many as before.
    * ``CN_USCC`` (GB 32100-2015): chars 1-8 kept, a new GB 11714 organisation code, the
      check char.
    * ``CN_PASSPORT``: letter prefix kept, digits random. ``CN_LICENSE_PLATE`` (GA
      36-2018): province and authority letter kept, serial replaced in kind (no I / O).
      ``IP_ADDRESS``: first IPv4 octet or first IPv6 group kept.
    * ``CN_ADDRESS``: the part up to the county kept, then a keyed ``<两字>路<n>号``.
    * ``SECRET`` and anything else, or a value that does not parse as its entity: same
      length and character classes (digits, a-z, A-Z, Chinese characters replaced in
      kind; punctuation kept). A value with nothing to replace is returned as is.

    Not idempotent: a surrogate looks real, so masking it again gives another surrogate.
    """

    name = "surrogate"
    summary = (
        "keyed fake that is valid for its entity: IDs, cards, phones pass checks (needs a key)"
    )
    keyed = True
    idempotent = False

    same_birth_year: bool = True
    same_sex: bool = True
    keep_surname: bool = True

    @classmethod
    def from_params(cls, params: Mapping[str, Any], env: OperatorEnv) -> Operator:
        """Build from policy parameters; derive the subkey from ``env.master_key()``."""
        operator = super().from_params(params, env)
        attach_key(operator, derive_subkey(env.master_key(), _KEY_LABEL))
        return operator

    def apply(self, value: str, context: MaskContext) -> str:
        key = attached_key(self)
        value = unicodedata.normalize("NFKC", value)  # the applier did; direct callers may not
        if not _replaceable(value):
            return value
        entity = context.entity
        rng = _Drbg(key, entity, canonical(entity, value))
        maker = _MAKERS.get(entity)
        for _ in range(_MAX_DRAWS):
            candidate = maker(self, rng, value) if maker is not None else None
            if candidate is None:
                candidate = _same_classes(rng, value)
            if candidate != value and not _unfit(entity, candidate, value):
                return candidate
        raise ValueError(f"no {entity} surrogate different from the value could be drawn")
