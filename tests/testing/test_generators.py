"""The synthetic-data generators produce what their docstrings promise.

Every checksum is re-implemented here independently of the generator module (weights
derived from their definitions, not copied), so a bug in the generator cannot hide
behind the same bug in the test.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import random
import re
import unicodedata
from collections.abc import Callable

import pytest

from dataguard.testing import generators as g

N = 2000


def _many(fn: Callable[[random.Random], str], n: int = N, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [fn(rng) for _ in range(n)]


# -- independent checks -------------------------------------------------------------------


def mod11_2_ok(id18: str) -> bool:
    """ISO 7064 MOD 11-2 from its definition: weight of position i (1-based, left to right
    over 18 chars) is 2^(18-i) mod 11, and the weighted sum including the check value
    (X = 10) is 1 mod 11."""
    total = 0
    for i, ch in enumerate(id18.upper()):
        value = 10 if ch == "X" else int(ch)
        total += value * pow(2, 17 - i, 11)
    return total % 11 == 1


def luhn_ok(number: str) -> bool:
    """Luhn, left to right: double every second digit counting from the rightmost."""
    digits = [int(c) for c in number]
    parity = len(digits) % 2
    total = 0
    for i, d in enumerate(digits):
        if i % 2 == parity:
            d = d * 2
            if d > 9:
                d = d - 9
        total += d
    return total % 10 == 0


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc_ok(code: str) -> bool:
    """GB 32100-2015: weights 3^(i-1) mod 31; check value = 31 - (sum mod 31), 31 -> 0."""
    if len(code) != 18 or any(c not in USCC_CHARS for c in code):
        return False
    total = sum(USCC_CHARS.index(c) * pow(3, i, 31) for i, c in enumerate(code[:17]))
    return USCC_CHARS.index(code[17]) == (31 - total % 31) % 31


def org_code_ok(code: str) -> bool:
    """GB 11714-1997: weights 3 7 9 10 5 8 4 2, check = 11 - sum mod 11 (10 -> X, 11 -> 0)."""
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    total = 0
    for ch, w in zip(code[:8], weights, strict=True):
        total += (int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10) * w
    c = 11 - total % 11
    expected = "X" if c == 10 else "0" if c == 11 else str(c)
    return code[8] == expected


def real_date(yyyymmdd: str) -> bool:
    try:
        day = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return day <= dt.date.today()


def digits_of(text: str) -> str:
    return re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", text))


MOBILE_RE = re.compile(r"1(3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}")


# -- determinism --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(g.POSITIVES) + sorted(g.NEGATIVES))
def test_same_seed_same_values(name: str) -> None:
    fn = g.POSITIVES.get(name) or g.NEGATIVES[name]
    assert _many(fn, 50, seed=3) == _many(fn, 50, seed=3)
    assert fn.__doc__, f"{name} must document its format"


# -- positives ----------------------------------------------------------------------------


def test_mobile_allocated_prefix_and_forms() -> None:
    values = _many(g.mobile)
    for v in values:
        d = digits_of(v)
        if len(d) == 13:
            assert d.startswith("86")
            d = d[2:]
        elif len(d) == 15:
            assert d.startswith("0086")
            d = d[4:]
        assert len(d) == 11, v
        assert MOBILE_RE.fullmatch(d), v
    # the surface forms the docstring promises all occur
    assert any(re.fullmatch(r"1\d{10}", v) for v in values)
    assert any(v.startswith("+86 ") for v in values)
    assert any(re.fullmatch(r"\+86-1\d\d-\d{4}-\d{4}", v) for v in values)
    assert any(re.fullmatch(r"1\d\d \d{4} \d{4}", v) for v in values)
    assert any("\uff10" <= v[0] <= "\uff19" for v in values)


def test_mobile_never_unallocated_prefix() -> None:
    for d in _many(g.mobile_digits, 5000):
        assert d[:3] not in {
            "140",
            "141",
            "142",
            "143",
            "144",
            "154",
            "160",
            "161",
            "163",
            "164",
            "168",
            "169",
            "179",
            "194",
        }


LANDLINE_RE = re.compile(
    r"(?:\(0\d{2,3}\)|0\d{2,3}[- ]?|\+86-\d{2,3}-)[2-8][\d -]{5,9}(?:(?:-|转)\d{2,4})?"
)


def test_landline_real_area_codes_and_local_length() -> None:
    codes = g.LANDLINE_AREA_CODES
    assert {"010", "021", "0571", "0755", "0898"} <= set(codes)
    assert "755" not in codes
    values = _many(g.landline)
    for v in values:
        assert LANDLINE_RE.fullmatch(v), v
        d = digits_of(v)
        if v.startswith("+86-"):
            d = "0" + d[2:]
        matching = [c for c in codes if d.startswith(c)]
        assert len(matching) == 1, v  # area codes are prefix-free
        code = matching[0]
        rest = d[len(code) :]
        assert rest[0] in "2345678", v
        extension = len(rest) - codes[code]
        assert extension == 0 or 2 <= extension <= 4, v
    assert any(v.startswith("(") for v in values)
    assert any("转" in v for v in values)


def test_id_card_valid() -> None:
    values = _many(g.id_card, 5000)
    for v in values:
        assert re.fullmatch(r"\d{17}[\dXx]", v), v
        assert mod11_2_ok(v), v
        assert v[:6] in g.ID_REGION_CODES, v
        assert real_date(v[6:14]), v
    # both sexes, lowercase x sometimes
    assert {int(v[16]) % 2 for v in values} == {0, 1}
    assert any(v.endswith("x") for v in values)
    assert any(v.endswith("X") for v in values)


def test_id_region_codes_look_like_county_codes() -> None:
    assert len(g.ID_REGION_CODES) >= 50
    provinces = {
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
    }
    for code in g.ID_REGION_CODES:
        assert re.fullmatch(r"\d{6}", code)
        assert int(code[:2]) in provinces
        assert code[4:] != "00"  # county level, not a prefecture


def test_id_card_legacy() -> None:
    for v in _many(g.id_card_legacy):
        assert re.fullmatch(r"\d{15}", v), v
        assert v[:6] in g.ID_REGION_CODES
        assert real_date("19" + v[6:12]), v


def test_bank_card_luhn_and_bins() -> None:
    values = _many(g.bank_card, 5000)
    bins = (
        "622202",
        "621700",
        "622848",
        "9558",
        "601382",
        "4",
        "51",
        "52",
        "53",
        "54",
        "55",
        "622588",
        "625965",
    )
    for v in values:
        assert re.fullmatch(r"\d+|\d{4}(?:[ -]\d{1,4})+", v), v
        d = digits_of(v)
        assert 15 <= len(d) <= 19, v
        assert luhn_ok(d), v
        assert d.startswith(bins), v
        if len(d) == 18:
            assert not (mod11_2_ok(d) and real_date(d[6:14])), v
    lengths = {len(digits_of(v)) for v in values}
    assert {16, 19} <= lengths
    assert any(" " in v for v in values)
    assert any("-" in v for v in values)


EMAIL_RE = re.compile(r"[A-Za-z0-9._+]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}|[A-Za-z0-9._+]+@\w+\.\w+")


def test_email() -> None:
    values = _many(g.email)
    for v in values:
        assert EMAIL_RE.fullmatch(v), v
        local, domain = v.split("@")
        assert "." in domain
        assert not local.startswith(".")
        assert ".." not in local
        domain.encode("idna")  # a valid IDN label set
    assert any("+" in v for v in values)
    assert any(not v.isascii() for v in values)


ADDRESS_RE = re.compile(
    r"(?:[^省市区]+(?:省|自治区|市))?(?:[^市区县旗]+(?:市|自治州|地区|盟))?[^区县旗]+?(?:区|县|市|旗)"
    r"(?:[^街镇]+(?:街道|镇))?.+?(?:路|街|大道|道|巷|胡同)(?:\d+弄(?=\d+号楼)|(?:\d+弄)?\d+号)"
    r".*?(?:\d+(?:幢|栋|号楼)|[A-D]座|T\d栋|\d+层)?(?:\d单元)?(?:\d+室)?"
)


def test_address_structure() -> None:
    values = _many(g.address)
    for v in values:
        assert ADDRESS_RE.fullmatch(v), v
        assert re.search(r"\d+[号弄]", v), v
    assert any(v.startswith(("浙江省", "广东省", "北京市", "内蒙古自治区")) for v in values)
    assert any(
        not re.match(r".+?(省|自治区)", v) and not v.startswith(("北京", "上海", "天津", "重庆"))
        for v in values
    )
    assert any("室" in v for v in values)
    assert any("单元" in v for v in values)
    # Forms the recognizer once cut short: a road ending 道, a lane before its building, a
    # named building's floor, a tower letter after a Latin estate name.
    assert any(re.search(r"[^大街]道\d+号", v) for v in values)
    assert any(re.search(r"\d+弄\d+号楼", v) for v in values)
    assert any(re.search(r"楼\d+层$", v) for v in values)
    assert any(re.search(r"SOHO[A-D]座", v) for v in values)


def test_chinese_names() -> None:
    values = _many(g.chinese_name)
    for v in values:
        assert 2 <= len(v) <= 10
        assert all("\u4e00" <= c <= "\u9fff" or c == "·" for c in v), v
    assert any(v.startswith(("欧阳", "司马", "上官", "诸葛")) for v in values)
    assert any("·" in v for v in values)


def test_passport() -> None:
    for v in _many(g.passport):
        assert re.fullmatch(r"[EGDSPH]\d{8}|E[A-HJ-NP-Z]\d{7}", v), v


def test_uscc_check_chars() -> None:
    for v in _many(g.uscc, 5000):
        assert uscc_ok(v), v
        assert v[2:8] in g.ID_REGION_CODES
        assert org_code_ok(v[8:17]), v


def test_uscc_known_value() -> None:
    # a code from the GB 32100-2015 worked example family: checks the test's own helper
    assert uscc_ok("91350100M000100Y43")


def test_license_plate() -> None:
    pattern = re.compile(
        r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z]·?"
        r"(?:[A-HJ-NP-Z0-9]{5}|[DF][A-HJ-NP-Z0-9]\d{4}|\d{5}[DF])"
    )
    values = _many(g.license_plate)
    for v in values:
        assert pattern.fullmatch(v), v
    assert any(len(v.replace("·", "")) == 8 for v in values)


def test_ip_addresses() -> None:
    for v in _many(g.ipv4):
        assert isinstance(ipaddress.ip_address(v), ipaddress.IPv4Address)
    for v in _many(g.ipv6):
        assert isinstance(ipaddress.ip_address(v), ipaddress.IPv6Address)


def test_secret_snippets() -> None:
    rng = random.Random(5)
    kinds: set[str] = set()
    for _ in range(N):
        s = g.secret_snippet(rng)
        value = s.text[s.start : s.end]
        assert value
        assert value == value.strip()
        if value.startswith("eyJ"):
            header = value.split(".")[0]
            assert json.loads(_b64url_decode(header))["typ"] == "JWT"
            kinds.add("jwt")
        elif value.startswith("AKIA"):
            assert re.fullmatch(r"AKIA[A-Z2-7]{16}", value)
            kinds.add("akia")
        elif "验证码" in s.text:
            assert re.fullmatch(r"\d{4,6}", value)
            kinds.add("sms")
        elif "Bearer" in s.text:
            kinds.add("bearer")
        elif "pass" in s.text or "pwd" in s.text:
            kinds.add("password")
    assert kinds == {"jwt", "akia", "sms", "bearer", "password"}


def _b64url_decode(part: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


# -- hard negatives -----------------------------------------------------------------------


def test_id_bad_check_fails_mod11_2_and_luhn() -> None:
    for v in _many(g.id_card_bad_check, 5000):
        assert re.fullmatch(r"\d{17}[\dX]", v), v
        assert not mod11_2_ok(v), v
        assert real_date(v[6:14])  # only the check char is wrong
        if v[-1] != "X":
            assert not luhn_ok(v), v


def test_id_bad_date_has_impossible_date_but_right_check() -> None:
    for v in _many(g.id_card_bad_date, 5000):
        assert mod11_2_ok(v), v
        assert not real_date(v[6:14]), v
        if v[-1] != "X":
            assert not luhn_ok(v), v


def test_order_numbers_and_bad_cards_fail_luhn() -> None:
    for fn in (g.order_number, g.bank_card_luhn_invalid):
        for v in _many(fn, 5000):
            assert re.fullmatch(r"\d{15,19}", v), v
            assert 16 <= len(v) <= 19 or fn is g.bank_card_luhn_invalid
            assert not luhn_ok(v), v
            if len(v) == 18:
                assert not (mod11_2_ok(v) and real_date(v[6:14])), v


def test_uscc_bad_check() -> None:
    for v in _many(g.uscc_bad_check):
        assert not uscc_ok(v), v
        assert not (v.isdigit() and luhn_ok(v)), v


def test_checksum_negatives_pass_no_other_check() -> None:
    """A negative that passed some entity's check by chance would be a real value."""
    for kind in sorted(g.CHECKSUM_NEGATIVES):
        for v in _many(g.NEGATIVES[kind], 3000):
            assert not uscc_ok(v), (kind, v)
            assert not (v.isdigit() and 15 <= len(v) <= 19 and luhn_ok(v)), (kind, v)
            if len(v) == 18 and v[:17].isdigit() and v[17] in "0123456789Xx":
                assert not (mod11_2_ok(v) and real_date(v[6:14])), (kind, v)


def test_digit_negatives_are_not_mobiles() -> None:
    for v in _many(g.eleven_digits_not_mobile):
        assert re.fullmatch(r"1[012]\d{9}", v)
        assert not MOBILE_RE.fullmatch(v)
    for v in _many(g.timestamp):
        assert len(v) in (10, 13)
    for v in _many(g.postcode):
        assert re.fullmatch(r"[0-8]\d{5}", v)


def test_shape_negatives() -> None:
    for v in _many(g.uuid_string, 200):
        assert re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", v
        )
    for v in _many(g.hex_hash, 200):
        assert re.fullmatch(r"[0-9a-f]{64}", v)
    for v in _many(g.docker_digest, 200):
        assert re.fullmatch(r"[a-z0-9./]+@sha256:[0-9a-f]{64}", v)
    for v in _many(g.version_string, 200):
        assert re.fullmatch(r"v?\d+\.\d+\.\d+", v)
    for v in _many(g.amount, 200):
        assert re.fullmatch(r"\d+\.\d\d", v)
    for v in _many(g.masked_value, 500):
        assert "*" in v
    for v in _many(g.email_lookalike, 500):
        assert "@" in v
        assert not EMAIL_RE.fullmatch(v) or v.endswith(".png"), v
    for v in _many(g.java_annotation, 50):
        assert v.startswith("@")


def test_negative_registry() -> None:
    assert set(g.NEGATIVES) >= g.CHECKSUM_NEGATIVES
    assert "CN_MOBILE" in g.POSITIVES
