"""Addresses: gazetteer, spans, the county split used by Ele.me 8.4 masking."""

from __future__ import annotations

import re
import time

import pytest
from dataguard.recognizers.address import (
    _STOP,
    AddressRecognizer,
    _gazetteer,
    split_at_county,
    walk_steps,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard import Detector


@pytest.fixture(scope="module")
def address_only() -> Detector:
    return Detector(recognizers=[AddressRecognizer()])


def _spans(detector: Detector, text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector.detect(text) if f.entity == "CN_ADDRESS"]


def test_gazetteer_holds_provinces_prefectures_counties_and_short_forms() -> None:
    table = _gazetteer()
    assert len(table) > 3000
    assert table["浙江省"].levels == {0}
    assert table["杭州市"].levels == {1}
    assert table["西湖区"].levels == {2}
    assert table["义乌市"].levels == {2}
    for short in ("浙江", "杭州", "新疆", "内蒙古", "延边", "广西"):
        assert table[short].short, short
    assert "市辖区" not in table


def test_stop_characters_occur_in_no_division_name() -> None:
    assert not [name for name in _gazetteer() if set(name) & set(_STOP)]


@pytest.mark.parametrize(
    ("address", "head", "tail"),
    [
        ("浙江省杭州市西湖区文三路90号1幢", "浙江省杭州市西湖区", "文三路90号1幢"),
        ("北京市朝阳区建国路88号", "北京市朝阳区", "建国路88号"),
        ("浙江杭州西湖区文三路90号", "浙江杭州西湖区", "文三路90号"),
        ("河南省新乡市辉县市城关街道人民路12号", "河南省新乡市辉县市", "城关街道人民路12号"),
        ("浙江省 杭州市 西湖区 文三路90号", "浙江省 杭州市 西湖区", " 文三路90号"),
        # no county: the deepest administrative level present ends the head
        ("杭州市文三路90号", "杭州市", "文三路90号"),
        # starts below the county
        ("文三路90号1幢", "", "文三路90号1幢"),
        # a short form followed by 路 is a road name, not a city
        ("中山路12号", "", "中山路12号"),
        # levels only ever descend: 西湖区 then 中山(市) is a road, not a prefecture
        ("西湖区中山东路12号", "西湖区", "中山东路12号"),
    ],
)
def test_split_at_county(address: str, head: str, tail: str) -> None:
    assert split_at_county(address) == (head, tail)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "浙江省杭州市西湖区文三路90号1幢2单元301室",
            ["浙江省杭州市西湖区文三路90号1幢2单元301室"],
        ),
        (
            "收货地址：浙江省杭州市西湖区文三路90号，电话13812345678",
            ["浙江省杭州市西湖区文三路90号"],
        ),
        ("西湖区文三路90号1幢", ["西湖区文三路90号1幢"]),
        ("杭州市西湖区文三路90号", ["杭州市西湖区文三路90号"]),
        ("上海市浦东新区世纪大道100号环球金融中心", ["上海市浦东新区世纪大道100号环球金融中心"]),
        (
            "广东省深圳市南山区粤海街道科技园社区科苑路15号",
            ["广东省深圳市南山区粤海街道科技园社区科苑路15号"],
        ),
        ("文三路90号 13812345678", ["文三路90号"]),
        ("文三路90号2024年启用", ["文三路90号"]),
        ("位于杭州市西湖区文三路90号", ["杭州市西湖区文三路90号"]),
        ("辽宁省沈阳市于洪区黄河北大街12号", ["辽宁省沈阳市于洪区黄河北大街12号"]),
        ("于洪区黄河北大街12号", ["于洪区黄河北大街12号"]),
        ("杭州市", []),
        ("地址：杭州市", ["杭州市"]),
        ("浙江省杭州市西湖区", []),
        ("address: 浙江省杭州市西湖区", ["浙江省杭州市西湖区"]),
        ("杭州市西湖区人民政府", []),
        ("第3号", []),
        ("5号线", []),
        ("乘坐地铁5号线", []),
    ],
)
def test_spans(address_only: Detector, text: str, expected: list[str]) -> None:
    assert _spans(address_only, text) == expected


def test_validator_tri_state() -> None:
    r = AddressRecognizer()
    assert r.validate("浙江省杭州市西湖区文三路90号") is True
    assert r.validate("杭州市") is None  # administrative head alone: needs context
    assert r.validate("文三路90号") is None  # street address without a gazetteer head
    assert r.validate("某某市") is False


def test_pathological_input_does_not_backtrack(address_only: Detector) -> None:
    text = ("路" * 2000 + "1号") + ("市区县" * 700) + ("镇" * 1000)
    started = time.perf_counter()
    address_only.detect(text)
    assert time.perf_counter() - started < 5.0


_ROADS = st.text(alphabet="文三一西中山人民解放建国东南北", min_size=1, max_size=4)
_ADMIN_HEADS = st.sampled_from(
    ["", "浙江省杭州市西湖区", "北京市朝阳区", "西湖区", "广东省深圳市南山区", "江苏省苏州市吴中区"]
)


@settings(max_examples=150, deadline=None)
@given(
    head=_ADMIN_HEADS,
    road=_ROADS,
    suffix=st.sampled_from(["路", "街", "大道", "巷", "弄", "胡同"]),
    number=st.integers(1, 9999),
    building=st.one_of(st.just(""), st.integers(1, 30).map(lambda n: f"{n}幢")),
    unit=st.one_of(st.just(""), st.integers(1, 9).map(lambda n: f"{n}单元")),
    room=st.one_of(st.just(""), st.integers(101, 3505).map(lambda n: f"{n}室")),
)
def test_generated_address_found_whole_and_split_at_county(
    address_only: Detector,
    head: str,
    road: str,
    suffix: str,
    number: int,
    building: str,
    unit: str,
    room: str,
) -> None:
    tail = f"{road}{suffix}{number}号{building}{unit}{room}"
    address = head + tail
    text = f"收货地址：{address}，电话13812345678"
    assert _spans(address_only, text) == [address]
    if head:
        assert split_at_county(address) == (head, tail)


def test_two_addresses_on_one_line(address_only: Detector) -> None:
    text = "收货地址：浙江省杭州市西湖区文三路90号；发货地址：江苏省苏州市吴中区木渎镇金山村15号"
    assert _spans(address_only, text) == [
        "浙江省杭州市西湖区文三路90号",
        "江苏省苏州市吴中区木渎镇金山村15号",
    ]


# -- the walk as data (walk_steps), replayed in Python -----------------------------------


def _replay(address: str) -> int:
    """The head length by walk_steps() alone, as the polars expression uses it."""
    steps = walk_steps()
    pos, last = 0, -1
    while last in steps:
        step = steps[last]
        start = pos + 1 if pos and address[pos : pos + 1] == " " else pos
        match = re.match(step.pattern, address[start:])
        if match is None:
            break
        name: str | None = match.group()
        after = address[start + len(match.group()) : start + len(match.group()) + 1]
        if name in step.fallback and after and after in step.suffixes:
            name = step.fallback[name]
        if name is None:
            break
        pos, last = start + len(name), step.level[name]
    return pos


_NAMES = sorted(walk_steps()[-1].level)


@settings(max_examples=300)
@given(
    parts=st.lists(
        st.one_of(
            st.sampled_from(_NAMES),
            st.sampled_from(_NAMES).map(lambda name: name[:-1]),
            st.sampled_from(list("路街道巷弄镇乡村号区县市段园苑州 *1")),
            st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        ),
        max_size=6,
    )
)
def test_walk_steps_replay_the_walk(parts: list[str]) -> None:
    address = "".join(parts)
    assert _replay(address) == len(split_at_county(address)[0])


@pytest.mark.parametrize(
    ("address", "head"),
    [
        ("中山路1号", ""),  # 中山 + 路: a road; no shorter name
        ("大理州路1号", "大理"),  # 大理州 + 路 rejected, 大理 + 州 accepted
        ("浙江 杭州 西湖区文三路", "浙江 杭州 西湖区"),
        ("河北区中山路", "河北区"),
    ],
)
def test_walk_steps_examples(address: str, head: str) -> None:
    assert address[: _replay(address)] == head == split_at_county(address)[0]
