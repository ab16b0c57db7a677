"""The hutool operator gives the strings Hutool's DesensitizedUtil gives.

Expected outputs live in tests/vectors/mask/hutool.tsv (a subfolder: tests/test_vectors.py
reads every tests/vectors/*.tsv as detection vectors), copied from Hutool's own
DesensitizedUtilTest and javadoc or worked out by hand from the Java source; nothing here
computes an expected mask with Python. The hypothesis properties check shape rules only
(lengths, kept characters, something hidden, idempotence).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataguard.errors import UsageError
from dataguard.mask import hutool
from dataguard.mask.hutool import HUTOOL_TYPES, TYPES, Hutool, desensitized
from dataguard.mask.operator import MaskContext, OperatorEnv

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "mask" / "hutool.tsv"

_ESCAPE = re.compile(r"\\(U[0-9A-Fa-f]{8}|u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|[tnr\\])")
_SIMPLE = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
_CALL = re.compile(r"^([a-z][A-Za-z0-9]*)(?:\(([-0-9, ]*)\))?$")


class Vector(NamedTuple):
    type: str
    input: str
    expected: str | None
    source: str
    line: int


def _unescape(field: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        return _SIMPLE[code] if code in _SIMPLE else chr(int(code[1:], 16))

    return _ESCAPE.sub(one, field)


def _load() -> list[Vector]:
    vectors: list[Vector] = []
    lines = VECTORS.read_text(encoding="utf-8").splitlines()
    header_seen = False
    for number, line in enumerate(lines, start=1):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        assert len(fields) == 4, f"hutool.tsv:{number}: want 4 tab-separated fields: {line!r}"
        if not header_seen:
            assert fields == ["type", "input", "expected", "source"], fields
            header_seen = True
            continue
        kind, raw_input, raw_expected, source = fields
        assert source, f"hutool.tsv:{number}: every vector cites its source"
        expected = None if raw_expected == r"\N" else _unescape(raw_expected)
        vectors.append(Vector(kind, _unescape(raw_input), expected, source, number))
    return vectors


ALL_VECTORS = _load()

# Java method name -> port, called with the int arguments written in the type column.
_METHODS: dict[str, Callable[..., str | None]] = {
    "userId": hutool.user_id,
    "firstMask": hutool.first_mask,
    "chineseName": hutool.chinese_name,
    "idCardNum": hutool.id_card_num,
    "fixedPhone": hutool.fixed_phone,
    "mobilePhone": hutool.mobile_phone,
    "address": hutool.address,
    "email": hutool.email,
    "password": hutool.password,
    "carLicense": hutool.car_license,
    "bankCard": hutool.bank_card,
    "ipv4": hutool.ipv4,
    "ipv6": hutool.ipv6,
    "passport": hutool.passport,
    "creditCode": hutool.credit_code,
    "hide": hutool.hide,
}


def _call(kind: str, value: str) -> str | None:
    if kind.isupper():
        return desensitized(value, kind)
    m = _CALL.match(kind)
    assert m, f"bad type column {kind!r}"
    args = [int(a) for a in m.group(2).split(",")] if m.group(2) else []
    return _METHODS[m.group(1)](value, *args)


def test_vector_file_covers_every_type() -> None:
    assert len(ALL_VECTORS) > 100
    covered = {v.type for v in ALL_VECTORS if v.type.isupper()}
    assert covered == set(TYPES)
    derived = [v for v in ALL_VECTORS if v.source.startswith("derived from source")]
    assert len(derived) < len(ALL_VECTORS)


@pytest.mark.parametrize("vector", ALL_VECTORS, ids=[f"L{v.line}-{v.type}" for v in ALL_VECTORS])
def test_vector(vector: Vector) -> None:
    got = _call(vector.type, vector.input)
    assert got == vector.expected, f"{vector.source} (hutool.tsv:{vector.line})"


@pytest.mark.parametrize(
    "vector",
    [v for v in ALL_VECTORS if v.type.isupper()],
    ids=[f"L{v.line}-{v.type}" for v in ALL_VECTORS if v.type.isupper()],
)
def test_operator_with_explicit_type(vector: Vector) -> None:
    # The operator is desensitized() with Java null written as "".
    expected = "" if vector.expected is None else vector.expected
    for spelling in (vector.type, vector.type.lower()):
        got = Hutool(type=spelling).apply(vector.input, MaskContext("ANYTHING"))
        assert got == expected, f"{vector.source} (hutool.tsv:{vector.line})"


# Entity mode: the type follows the entity. Expected strings are Hutool's (see the TSV).
@pytest.mark.parametrize(
    ("entity", "value", "expected"),
    [
        ("CN_MOBILE", "18049531999", "180****1999"),
        ("CN_LANDLINE", "09157518479", "0915*****79"),
        ("CN_ID_CARD", "51343620000320711X", "5***************1X"),
        ("BANK_CARD", "11011111222233333256", "1101 **** **** **** 3256"),
        ("EMAIL_ADDRESS", "duandazhi-jack@gmail.com.cn", "d*************@gmail.com.cn"),
        ("CN_ADDRESS", "北京市海淀区马连洼街道289号", "北京市海淀区马********"),
        ("CN_NAME", "段正淳", "段**"),
        ("CN_LICENSE_PLATE", "苏D40000", "苏D4***0"),
        ("IP_ADDRESS", "192.168.1.1", "192.*.*.*"),
        ("IP_ADDRESS", "2001:0db8:86a3:08d3:1319:8a2e:0370:7344", "2001:*:*:*:*:*:*:*"),
        ("IP_ADDRESS", "fe80::1", "fe80:*:*:*:*:*:*:*"),
        ("SECRET", "1234567890", "**********"),
        # Anything unlisted: FIRST_MASK (DesensitizedUtil#firstMask doc: 123456789 -> 1********)
        ("SOMETHING_ELSE", "123456789", "1********"),
        # desensitized() gives "" for a blank value whatever the type
        ("CN_MOBILE", " ", ""),
    ],
)
def test_operator_by_entity(entity: str, value: str, expected: str) -> None:
    assert Hutool().apply(value, MaskContext(entity)) == expected


def test_explicit_type_overrides_entity() -> None:
    op = Hutool(type="mobile_phone")
    assert op.apply("18049531999", MaskContext("CN_NAME")) == "180****1999"


def test_clear_to_null_is_empty_for_the_operator() -> None:
    assert desensitized("100", "CLEAR_TO_NULL") is None
    assert Hutool(type="CLEAR_TO_NULL").apply("100", MaskContext("SECRET")) == ""


def test_user_id_is_the_string_zero() -> None:
    assert hutool.user_id() == "0"
    assert Hutool(type="USER_ID").apply("9876543210", MaskContext("X")) == "0"


def test_hutool_types_table() -> None:
    assert HUTOOL_TYPES == {
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
        "CN_PASSPORT": "PASSPORT",
        "CN_USCC": "CREDIT_CODE",
    }
    assert set(HUTOOL_TYPES.values()) <= set(TYPES)
    assert hutool.hutool_type("IP_ADDRESS", "::1") == "IPV6"
    assert hutool.hutool_type("IP_ADDRESS", "10.0.0.1") == "IPV4"
    assert hutool.hutool_type("CN_VIN") == "FIRST_MASK"


def test_unknown_type_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="MOBILE_PHONE") as info:
        Hutool(type="MOBILE")
    assert "CLEAR_TO_EMPTY" in str(info.value)
    with pytest.raises(ValueError, match="unknown Hutool DesensitizedType"):
        desensitized("x", "NOPE")


def test_from_params() -> None:
    env = OperatorEnv()
    assert Hutool.from_params({"type": "Bank_Card"}, env) == Hutool(type="Bank_Card")
    assert Hutool.from_params({}, env) == Hutool()
    with pytest.raises(UsageError, match="CHINESE_NAME"):
        Hutool.from_params({"type": "name"}, env)
    with pytest.raises(UsageError, match="must be str"):
        Hutool.from_params({"type": 3}, env)
    with pytest.raises(UsageError, match="no parameter char"):
        Hutool.from_params({"char": "#"}, env)


def test_registered_and_described() -> None:
    from dataguard.mask.operator import operator_classes

    assert operator_classes()["hutool"] is Hutool
    assert Hutool().describe() == "hutool()"
    assert Hutool(type="EMAIL").describe() == "hutool(type='EMAIL')"


# --------------------------------------------------------------------------- properties

_ctx = MaskContext("TEST")
_digits = st.sampled_from("0123456789")
# Text inside the Basic Multilingual Plane, where UTF-16 units and code points agree.
_bmp_text = st.text(alphabet=st.characters(max_codepoint=0xFFFF, codec="utf-8"), max_size=30)


@given(st.text(alphabet=_digits, min_size=10, max_size=10).map(lambda s: "1" + s))
def test_mobile_keeps_length_and_hides_the_middle(mobile: str) -> None:
    out = Hutool(type="MOBILE_PHONE").apply(mobile, _ctx)
    assert len(out) == 11
    assert out[:3] == mobile[:3]
    assert out[-4:] == mobile[-4:]
    assert out[3:7] == "****"
    assert out != mobile


@given(
    st.text(alphabet=_digits, min_size=17, max_size=17),
    st.sampled_from("0123456789X"),
)
def test_id_card_keeps_length_and_hides_something(body: str, check: str) -> None:
    card = body + check
    out = Hutool().apply(card, MaskContext("CN_ID_CARD"))
    assert len(out) == 18
    assert out[0] == card[0]
    assert out[-2:] == card[-2:]
    assert set(out[1:-2]) == {"*"}
    assert out != card


@given(st.text(alphabet=_digits, min_size=12, max_size=19))
def test_bank_card_shows_ends_and_hides_the_rest(card: str) -> None:
    out = Hutool().apply(card, MaskContext("BANK_CARD"))
    assert out != card
    assert "*" in out
    shown_tail = len(card) % 4 or 4
    assert (
        out.replace(" ", "") == card[:4] + "*" * (len(card) - 4 - shown_tail) + card[-shown_tail:]
    )
    groups = out.split(" ")
    assert all(g == "****" for g in groups[1:-2])
    assert 1 <= len(groups[-2]) <= 4


# Types that only turn characters into '*' (CharSequenceUtil.hide): same code-point count,
# and every character that is not a star is the input's character at that position.
_HIDE_TYPES = (
    "CHINESE_NAME",
    "FIXED_PHONE",
    "MOBILE_PHONE",
    "ADDRESS",
    "EMAIL",
    "CAR_LICENSE",
    "FIRST_MASK",
    "PASSPORT",
    "CREDIT_CODE",
)


@given(st.sampled_from(_HIDE_TYPES), _bmp_text)
def test_hide_types_only_replace_characters_with_stars(type_name: str, value: str) -> None:
    out = desensitized(value, type_name)
    assert out is not None
    if hutool.is_blank(value):
        assert out == ""
        return
    assert len(out) == len(value)
    assert all(o in ("*", v) for o, v in zip(out, value, strict=True))


@given(_bmp_text)
def test_password_is_one_star_per_character(value: str) -> None:
    out = desensitized(value, "PASSWORD")
    assert out == ("" if hutool.is_blank(value) else "*" * len(value))


@given(st.sampled_from(TYPES), _bmp_text)
def test_idempotent_on_bmp_text(type_name: str, value: str) -> None:
    op = Hutool(type=type_name)
    once = op.apply(value, _ctx)
    assert op.apply(once, _ctx) == once


@given(st.sampled_from([*HUTOOL_TYPES, "OTHER"]), _bmp_text)
def test_idempotent_by_entity_on_bmp_text(entity: str, value: str) -> None:
    op = Hutool()
    once = op.apply(value, MaskContext(entity))
    assert op.apply(once, MaskContext(entity)) == once
