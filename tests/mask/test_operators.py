"""The masking operators keep their documented contracts (dataguard/mask/*.py, standards.md §2).

Expected strings are written by hand from the docstrings and standards.md, never computed by
the code under test. Parameters are checked through :func:`build_operator`, the path a
policy file takes, so a bad value must surface as a :class:`UsageError`.
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataguard.errors import UsageError
from dataguard.mask import Masker
from dataguard.mask.keep_ends import KeepEnds
from dataguard.mask.operator import (
    MaskContext,
    Operator,
    OperatorEnv,
    build_operator,
    operator_classes,
)
from dataguard.testing import generators as g

ENV = OperatorEnv()
MOBILE = MaskContext("CN_MOBILE")


def op(name: str, **params: Any) -> Operator:
    return build_operator(name, params, ENV)


def run(name: str, value: str, entity: str = "CN_MOBILE", **params: Any) -> str:
    return op(name, **params).apply(value, MaskContext(entity))


# -- registry -----------------------------------------------------------------------------


def test_builtin_operators_are_registered() -> None:
    names = set(operator_classes())
    expected = {
        "keep_ends",
        "mask_range",
        "mask_before",
        "mask_after",
        "tag",
        "remove",
        "keep",
        "fixed",
        "landline",
        "email",
        "address",
        "surname",
        "ip",
    }
    assert expected <= names


def test_unknown_operator_lists_known_ones() -> None:
    with pytest.raises(UsageError, match="unknown operator 'nope'") as info:
        build_operator("nope", {}, ENV)
    assert "keep_ends" in str(info.value)
    assert "tag" in str(info.value)


@pytest.mark.parametrize("name", sorted(operator_classes()))
def test_every_operator_has_a_summary_and_rejects_unknown_parameters(name: str) -> None:
    cls = operator_classes()[name]
    assert cls.name == name
    assert cls.summary
    with pytest.raises(UsageError, match="no parameter"):
        build_operator(name, {"no_such_parameter": 1}, ENV)


# -- parameter checking -------------------------------------------------------------------


def test_unknown_parameter_names_the_allowed_ones() -> None:
    with pytest.raises(UsageError) as info:
        op("keep_ends", firsst=3)
    message = str(info.value)
    assert "firsst" in message
    for allowed in ("first", "last", "char", "width"):
        assert allowed in message


def test_operator_without_parameters_says_none() -> None:
    with pytest.raises(UsageError, match="none"):
        op("keep", x=1)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("keep_ends", {"first": "3"}),
        ("keep_ends", {"last": 4.0}),
        ("keep_ends", {"first": True}),
        ("keep_ends", {"width": "6"}),
        ("mask_range", {"start": 1.5}),
        ("mask_range", {"end": "7"}),
        ("mask_before", {"keep": "1"}),
        ("mask_after", {"special": 1}),
        ("tag", {"template": 3}),
        ("fixed", {"text": ["*"]}),
        ("landline", {"last": "3"}),
        ("email", {"local_keep": "2"}),
        ("ip", {"keep": False}),
        ("surname", {"char": 1}),
    ],
)
def test_wrong_parameter_type_is_a_usage_error(name: str, params: dict[str, Any]) -> None:
    key = next(iter(params))
    with pytest.raises(UsageError, match=re.escape(repr(key))):
        op(name, **params)


@pytest.mark.parametrize("char", ['"', "'", "\\", ",", "&", "=", ";", "%", " ", "\n", "**", ""])
@pytest.mark.parametrize(
    "name", ["keep_ends", "mask_range", "mask_before", "mask_after", "landline", "surname", "ip"]
)
def test_bad_mask_char_is_rejected(name: str, char: str) -> None:
    with pytest.raises(UsageError, match="mask char"):
        op(name, char=char)


@pytest.mark.parametrize("char", ["#", "x", "•", "＊"])
def test_other_mask_chars_are_used(char: str) -> None:
    assert run("keep_ends", "13812341050", first=3, last=4, char=char) == f"138{char * 4}1050"


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("keep_ends", {"first": -1}),
        ("keep_ends", {"last": -1}),
        ("keep_ends", {"width": -1}),
        ("mask_before", {"keep": -1}),
        ("mask_before", {"special": ""}),
        ("mask_after", {"keep": -1}),
        ("mask_after", {"special": ""}),
        ("landline", {"last": -1}),
        ("email", {"local_keep": -1}),
        ("email", {"domain_keep": -1}),
        ("ip", {"keep": -1}),
    ],
)
def test_bad_parameter_values_are_usage_errors(name: str, params: dict[str, Any]) -> None:
    with pytest.raises(UsageError, match=name):
        op(name, **params)


# -- keep_ends ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "params", "expected"),
    [
        ("6222021234561234", {"first": 6, "last": 4}, "622202******1234"),
        ("13812341050", {"first": 3, "last": 4}, "138****1050"),
        ("13812341050", {"first": 0, "last": 4, "width": 6}, "******1050"),
        ("13812341050", {}, "***********"),
        ("13812341050", {"first": 11}, "***********"),
        # separators stay in place and are not counted (docstring example)
        ("6222 0212 3456 7890", {"first": 6, "last": 4}, "6222 02** **** 7890"),
        ("138-1234-1050", {"first": 3, "last": 4}, "138-****-1050"),
        ("(010)62345678", {"first": 3, "last": 2}, "(010)******78"),
        ("138\u30001234\u30001050", {"first": 3, "last": 4}, "138\u3000****\u30001050"),
        # with width: separators dropped, the middle exactly `width` characters
        ("138 1234 1050", {"first": 3, "last": 4, "width": 4}, "138****1050"),
        ("13812341050", {"first": 3, "last": 4, "width": 2}, "138**1050"),
        ("13812341050", {"first": 3, "last": 0, "width": 3}, "138***"),
    ],
)
def test_keep_ends(value: str, params: dict[str, Any], expected: str) -> None:
    assert run("keep_ends", value, **params) == expected


@pytest.mark.parametrize(
    ("value", "params", "expected"),
    [
        ("1234567", {"first": 3, "last": 4}, "*******"),
        ("123456", {"first": 3, "last": 4}, "******"),
        ("1", {"first": 1, "last": 1}, "*"),
        ("12", {"first": 1, "last": 1}, "**"),
        ("12-3", {"first": 1, "last": 2}, "**-*"),
        ("1050", {"first": 0, "last": 4, "width": 6}, "******"),
        ("1234567", {"first": 3, "last": 4, "width": 2}, "*******"),
        ("123", {"first": 3, "last": 4, "width": 6}, "******"),
    ],
)
def test_keep_ends_too_short_is_masked_whole(
    value: str, params: dict[str, Any], expected: str
) -> None:
    assert run("keep_ends", value, **params) == expected


def test_keep_ends_empty_value() -> None:
    assert run("keep_ends", "", first=3, last=4) == ""
    # with a width the mask has its fixed width even for nothing
    assert run("keep_ends", "", width=6) == "******"


@given(
    value=st.text(min_size=1, max_size=30),
    first=st.integers(0, 12),
    last=st.integers(0, 12),
)
def test_keep_ends_never_gives_the_value_back(value: str, first: int, last: int) -> None:
    # (a value already holding the mask character may legitimately come back unchanged)
    has_content = "*" not in value and any(ch not in " -()\u3000" for ch in value)
    out = run("keep_ends", value, first=first, last=last)
    if has_content:
        assert out != value


# -- mask_range ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "params", "expected"),
    [
        ("13812341050", {"start": 3, "end": 7}, "138****1050"),
        ("13812341050", {"start": 3}, "138********"),
        ("13812341050", {}, "***********"),
        ("13812341050", {"start": -4}, "1381234****"),
        ("13812341050", {"start": 3, "end": -4}, "138****1050"),
        ("13812341050", {"start": -8, "end": -4}, "138****1050"),
        ("13812341050", {"start": 0, "end": 100}, "***********"),
        ("13812341050", {"start": 20}, "13812341050"),  # empty slice: nothing to mask
        ("13812341050", {"start": 7, "end": 3}, "13812341050"),
        ("abc", {"start": 1, "end": 2, "char": "#"}, "a#c"),
        ("", {"start": 3, "end": 7}, ""),
    ],
)
def test_mask_range(value: str, params: dict[str, Any], expected: str) -> None:
    assert run("mask_range", value, **params) == expected


# -- mask_before / mask_after -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "params", "expected"),
    [
        ("zhangsan@163.com", {"keep": 1}, "z*******@163.com"),
        ("zhangsan@163.com", {}, "********@163.com"),
        ("zh@163.com", {"keep": 5}, "zh@163.com"),  # keep longer than the part: all kept
        ("a@b@163.com", {}, "*@b@163.com"),  # the FIRST special character
        ("13812341050", {}, "***********"),  # no special character: masked whole
        ("", {}, ""),
        ("user:pass", {"special": ":", "keep": 1}, "u***:pass"),
        ("key==value", {"special": "==", "char": "#"}, "###==value"),
    ],
)
def test_mask_before(value: str, params: dict[str, Any], expected: str) -> None:
    assert run("mask_before", value, "EMAIL_ADDRESS", **params) == expected


@pytest.mark.parametrize(
    ("value", "params", "expected"),
    [
        ("192.168.1.23", {"special": "."}, "192.168.1.**"),
        ("192.168.1.23", {"special": ".", "keep": 1}, "192.168.1.2*"),
        ("zhangsan@163.com", {}, "zhangsan@*******"),
        ("zhangsan@163.com", {"keep": 2}, "zhangsan@16*****"),
        ("a@b@c.com", {}, "a@b@*****"),  # the LAST special character
        ("13812341050", {}, "***********"),  # no special character: masked whole
        ("trailing.", {"special": "."}, "trailing."),  # nothing after it
        ("", {}, ""),
        ("a::bcd", {"special": "::", "keep": 10}, "a::bcd"),
    ],
)
def test_mask_after(value: str, params: dict[str, Any], expected: str) -> None:
    assert run("mask_after", value, "IP_ADDRESS", **params) == expected


# -- length-preserving modes --------------------------------------------------------------

_TEXT = st.text(max_size=40)


@given(value=_TEXT, first=st.integers(0, 20), last=st.integers(0, 20))
def test_keep_ends_preserves_length(value: str, first: int, last: int) -> None:
    assert len(run("keep_ends", value, first=first, last=last)) == len(value)


@given(value=_TEXT, start=st.integers(-50, 50), end=st.none() | st.integers(-50, 50))
def test_mask_range_preserves_length(value: str, start: int, end: int | None) -> None:
    params: dict[str, Any] = {"start": start} if end is None else {"start": start, "end": end}
    out = run("mask_range", value, **params)
    assert len(out) == len(value)
    # only the slice changes
    lo, hi, _ = slice(start, end).indices(len(value))
    if hi > lo:
        assert out[:lo] == value[:lo]
        assert out[hi:] == value[hi:]
        assert out[lo:hi] == "*" * (hi - lo)
    else:
        assert out == value


@given(
    value=_TEXT,
    special=st.sampled_from(["@", ".", ":", "::", "中"]),
    keep=st.integers(0, 10),
)
def test_mask_before_and_after_preserve_length(value: str, special: str, keep: int) -> None:
    before = run("mask_before", value, special=special, keep=keep)
    after = run("mask_after", value, special=special, keep=keep)
    assert len(before) == len(value)
    assert len(after) == len(value)
    if special in value:
        at = value.find(special)
        assert before[at:] == value[at:]
        last = value.rfind(special) + len(special)
        assert after[:last] == value[:last]


# -- tag / remove / keep / fixed ----------------------------------------------------------


def test_tag_default_and_template() -> None:
    assert run("tag", "13812341050") == "<CN_MOBILE>"
    assert run("tag", "tt@163.com", "EMAIL_ADDRESS", template="[{entity}]") == "[EMAIL_ADDRESS]"
    assert run("tag", "x", "SECRET", template="REDACTED") == "REDACTED"


@pytest.mark.parametrize(
    "template",
    ["{name}", "{0}", "{}", "{entity", "entity}", '"{entity}"', "<{entity}>,", "a\\b", "a\nb"],
)
def test_tag_template_validation(template: str) -> None:
    with pytest.raises(UsageError, match="template"):
        op("tag", template=template)


@pytest.mark.parametrize("template", ["{entity.__doc__}", "{entity!r}"])
def test_tag_template_may_only_use_entity(template: str) -> None:
    # Tag's docstring: "The template may use {entity} only, and must not contain quotes,
    # backslashes or commas, so the tag is safe inside JSON strings and CSV fields."
    with pytest.raises(UsageError, match="template"):
        op("tag", template=template)


def test_remove_keep_fixed() -> None:
    assert run("remove", "13812341050") == ""
    assert run("keep", "91350100M000100Y43", "CN_USCC") == "91350100M000100Y43"
    assert run("fixed", "hunter2", "SECRET") == "******"
    assert run("fixed", "a" * 500, "SECRET") == "******"
    assert run("fixed", "", "SECRET") == "******"
    assert run("fixed", "hunter2", "SECRET", text="[hidden]") == "[hidden]"


@given(st.text(max_size=60))
def test_fixed_width_hides_the_length(value: str) -> None:
    assert run("fixed", value, "SECRET") == "******"
    assert run("fixed", value, "SECRET", text="x") == "x"


@pytest.mark.parametrize("text", ['a"b', "a'b", "a,b", "a\\b", "a\nb", "a\tb"])
def test_fixed_text_validation(text: str) -> None:
    with pytest.raises(UsageError, match="text"):
        op("fixed", text=text)


# -- landline -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "params", "expected"),
    [
        ("0571-88881123", {}, "0571-*****123"),  # Ele.me 8.4
        ("0571-88881123", {"last": 2}, "0571-******23"),
        ("0571-88881123", {"last": 0}, "0571-********"),
        ("0571-88881123", {"char": "#"}, "0571-#####123"),
        ("(010)62345678", {}, "(010)*****678"),
        ("010-62345678", {}, "010-*****678"),
        ("02162345678", {}, "021*****678"),
        ("0351-2345678", {}, "0351-****678"),
        ("010-6234-5678", {}, "010-****-*678"),
        ("+86-10-6234-5678", {}, "+86-10-****-*678"),
        ("+86(10)62345678", {}, "+86(10)*****678"),
        ("+86 (571) 8888 1234", {}, "+86 (571) **** *234"),
        ("010-62345678-1234", {}, "010-*****678-****"),
        ("0571-88881123转8001", {}, "0571-*****123转****"),
    ],
)
def test_landline(value: str, params: dict[str, Any], expected: str) -> None:
    assert run("landline", value, "CN_LANDLINE", **params) == expected


def test_landline_of_another_shape_keeps_only_last_digits() -> None:
    assert run("landline", "12345", "CN_LANDLINE") == "**345"
    assert run("landline", "12", "CN_LANDLINE") == "**"
    assert run("landline", "", "CN_LANDLINE") == ""


# -- email --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "params", "expected"),
    [
        ("tt@163.com", {}, "tt**@1**.com"),  # Ele.me 8.4
        ("zhangsan@mail.163.com", {}, "zh**@m**.com"),
        ("zhangsan@163.com.cn", {}, "zh**@1**.com.cn"),
        ("wang@pku.edu.cn", {}, "wa**@p**.edu.cn"),
        ("wang@example.cn", {}, "wa**@e**.cn"),
        ("t@163.com", {}, "t**@1**.com"),
        ("zhangsan@163.com", {"local_keep": 1, "domain_keep": 0}, "z**@**.com"),
        ("zhangsan@163.com", {"fill": "##"}, "zh##@1##.com"),
        ("zhangsan@localhost", {}, "zh**@l**"),
        ("no-at-sign", {}, "**"),
        ("", {}, "**"),
    ],
)
def test_email(value: str, params: dict[str, Any], expected: str) -> None:
    assert run("email", value, "EMAIL_ADDRESS", **params) == expected


@pytest.mark.parametrize("fill", ['"', "@", ".", "%", " ", ",", "&", "="])
def test_email_fill_validation(fill: str) -> None:
    with pytest.raises(UsageError, match="fill"):
        op("email", fill=fill)


def test_email_fill_hides_the_lengths() -> None:
    short = run("email", "ab@c.com", "EMAIL_ADDRESS")
    long = run("email", "abcdefghij@cdefghijk.com", "EMAIL_ADDRESS")
    assert len(short) == len(long)


# -- address ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "params", "expected"),
    [
        ("浙江省杭州市西湖区文三路90号1幢", {}, "浙江省杭州市西湖区****"),  # Ele.me 8.4
        ("浙江省杭州市西湖区文三路90号1幢", {"fill": "…"}, "浙江省杭州市西湖区…"),
        ("杭州市西湖区文三路90号", {}, "杭州市西湖区****"),
        ("文三路90号", {}, "****"),
        # Nothing below the county: Ele.me 8.4 lets the county level show, unchanged.
        ("浙江省杭州市西湖区", {}, "浙江省杭州市西湖区"),
    ],
)
def test_address(value: str, params: dict[str, Any], expected: str) -> None:
    assert run("address", value, "CN_ADDRESS", **params) == expected


def test_address_fill_hides_the_length() -> None:
    a = run("address", "浙江省杭州市西湖区文三路1号", "CN_ADDRESS")
    b = run("address", "浙江省杭州市西湖区文三路90号1幢2单元301室", "CN_ADDRESS")
    assert a == b == "浙江省杭州市西湖区****"


@pytest.mark.parametrize("fill", ['"', ",", "\\", "\n"])
def test_address_fill_validation(fill: str) -> None:
    with pytest.raises(UsageError, match="fill"):
        op("address", fill=fill)


# -- surname ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "params", "expected"),
    [
        ("张三", {}, "张*"),
        ("欧阳娜娜", {}, "欧阳**"),
        ("司马光", {}, "司马*"),
        ("王小明", {}, "王**"),
        ("欧阳", {}, "欧*"),  # a compound surname alone is still masked
        ("张", {}, "*"),
        ("", {}, ""),
        ("张三", {"char": "某"}, "张某"),
        # A name in pinyin keeps its surname word, first or last (GB/T 28039-2011 order or
        # Western order), and a masked one stays as it is.
        ("Zhang Wei", {}, "Zhang ***"),
        ("Xiaoming Li", {}, "******** Li"),
        ("OUYANG/NANA", {}, "OUYANG/****"),
        ("Zhang ***", {}, "Zhang ***"),
        ("John Smith", {}, "J*********"),  # not pinyin: its first letter, as before
        # A vCard N value: the family name's field kept, separator and all.
        ("张;三丰", {}, "张;**"),
        ("欧阳;娜娜", {}, "欧阳;**"),
        ("张;**", {}, "张;**"),
    ],
)
def test_surname(value: str, params: dict[str, Any], expected: str) -> None:
    assert run("surname", value, "CN_NAME", **params) == expected


# -- ip -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "params", "expected"),
    [
        ("10.23.145.8", {}, "10.23.*.*"),
        ("192.168.1.23", {"keep": 3}, "192.168.1.*"),
        ("192.168.1.23", {"keep": 0}, "*.*.*.*"),
        ("192.168.1.23", {"keep": 9}, "192.168.1.23"),
        ("2409:8a00:1:2:3:4:5:6", {}, "2409:8a00:*:*:*:*:*:*"),
        ("10.23.145.8", {"char": "x"}, "10.23.x.x"),
    ],
)
def test_ip(value: str, params: dict[str, Any], expected: str) -> None:
    assert run("ip", value, "IP_ADDRESS", **params) == expected


# -- describe -----------------------------------------------------------------------------


def test_describe_lists_non_default_parameters() -> None:
    assert op("keep_ends", first=3, last=4).describe() == "keep_ends(first=3, last=4)"
    assert op("tag").describe() == "tag()"


# -- display profile properties -----------------------------------------------------------

DISPLAY = Masker("display")

# Entities of the display profile with a generator of valid values.
_DISPLAY_GENERATED = {
    "CN_MOBILE": g.mobile,
    "CN_LANDLINE": g.landline,
    "CN_ID_CARD": g.id_card,
    "BANK_CARD": g.bank_card,
    "EMAIL_ADDRESS": g.email,
    "CN_ADDRESS": g.address,
    "CN_NAME": g.chinese_name,
    "CN_PASSPORT": g.passport,
    "CN_USCC": g.uscc,
    "CN_LICENSE_PLATE": g.license_plate,
    "IP_ADDRESS": g.ipv4,
}

_SETTINGS = settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])


def _value(entity: str, seed: int) -> str:
    return _DISPLAY_GENERATED[entity](random.Random(seed))


@pytest.mark.parametrize(
    "entity",
    [e for e in sorted(_DISPLAY_GENERATED)],
)
@_SETTINGS
@given(seed=st.integers(0, 2**32))
def test_display_masks_are_idempotent(entity: str, seed: int) -> None:
    value = _value(entity, seed)
    once = DISPLAY.mask_value(value, entity)
    assert DISPLAY.mask_value(once, entity) == once


def test_landline_display_mask_is_idempotent_example() -> None:
    once = DISPLAY.mask_value("0571-88881123", "CN_LANDLINE")
    assert once == "0571-*****123"
    assert DISPLAY.mask_value(once, "CN_LANDLINE") == "0571-*****123"


_IDEMPOTENT_SAMPLES = {
    "keep_ends": "6222021234561234",
    "mask_range": "13812341050",
    "mask_before": "zhangsan@163.com",
    "mask_after": "192.168.1.23",
    "tag": "13812341050",
    "remove": "13812341050",
    "keep": "13812341050",
    "fixed": "hunter2",
    "landline": "0571-88881123",
    "email": "tt@163.com",
    "address": "浙江省杭州市西湖区文三路90号1幢",
    "surname": "欧阳娜娜",
    "ip": "10.23.145.8",
}


@pytest.mark.parametrize(
    ("name", "value"),
    [(n, v) for n, v in _IDEMPOTENT_SAMPLES.items()],
)
def test_operators_claiming_idempotence_are_idempotent(name: str, value: str) -> None:
    operator = op(name)
    assert type(operator).idempotent
    once = operator.apply(value, MOBILE)
    assert operator.apply(once, MOBILE) == once


@pytest.mark.parametrize("entity", ["CN_MOBILE", "CN_ID_CARD", "BANK_CARD", "EMAIL_ADDRESS"])
@_SETTINGS
@given(seed=st.integers(0, 2**32))
def test_display_mask_never_returns_the_value(entity: str, seed: int) -> None:
    value = _value(entity, seed)
    out = DISPLAY.mask_value(value, entity)
    assert out != value
    assert "*" in out


@_SETTINGS
@given(seed=st.integers(0, 2**32))
def test_display_mobile_shows_only_the_last_four_digits(seed: int) -> None:
    rng = random.Random(seed)
    digits = g.mobile_digits(rng)
    assert DISPLAY.mask_value(digits, "CN_MOBILE") == "******" + digits[-4:]


@_SETTINGS
@given(seed=st.integers(0, 2**32))
def test_display_card_keeps_first_six_and_last_four_digits(seed: int) -> None:
    digits = g.bank_card_digits(random.Random(seed))
    out = DISPLAY.mask_value(digits, "BANK_CARD")
    assert out == digits[:6] + "*" * (len(digits) - 10) + digits[-4:]


@_SETTINGS
@given(seed=st.integers(0, 2**32))
def test_display_id_keeps_first_and_last_char(seed: int) -> None:
    number = g.id_card(random.Random(seed))
    out = DISPLAY.mask_value(number, "CN_ID_CARD")
    assert out == number[0] + "*" * 16 + number[-1]


@pytest.mark.parametrize(
    "operator",
    [
        KeepEnds(first=0, last=4, width=6),
        KeepEnds(first=6, last=4),
        KeepEnds(first=1, last=1),
        KeepEnds(first=3, last=0, char="#"),
        KeepEnds(first=0, last=0, width=0),
    ],
    ids=repr,
)
@settings(max_examples=200, deadline=None)
@given(value=st.text(alphabet=st.sampled_from("0123456789Xx*#中 -()\u3000"), max_size=24))
def test_keep_ends_slices_equal_the_general_form(operator: KeepEnds, value: str) -> None:
    # apply() slices values without separators; the general form (which keeps or drops
    # separators character by character) is the definition for all values.
    masked_whole = bool(value) and not value.strip(operator.char + " -()\u3000")
    expected = value if masked_whole else operator._apply_with_separators(value)
    assert operator.apply(value, MaskContext("CN_MOBILE")) == expected
