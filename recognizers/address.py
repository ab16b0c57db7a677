"""Mainland China postal addresses, from any administrative level down to the room."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import ClassVar

from dataguard.detect.recognizer import Pattern, Recognizer, ideographs_except

__all__ = ["AddressRecognizer", "WalkStep", "split_at_county", "walk_steps"]

_LEVELS = {"province": 0, "prefecture": 1, "county": 2}


@dataclass(frozen=True, slots=True)
class _Division:
    levels: frozenset[int]
    #: A short form (``浙江``, ``杭州``) rather than a full name (``浙江省``).
    short: bool


# ref. GB/T 2260 naming: suffixes dropped in everyday short forms of provinces and prefectures
# (浙江省 → 浙江, 杭州市 → 杭州, 广西壮族自治区 → 广西, 延边朝鲜族自治州 → 延边 / 延边州).
_SHORT_SUFFIX = re.compile(r"(?:特别行政区|自治区|自治州|省|市|地区|盟)$")
# ref. GB/T 3304-1991 names of China's nationalities: those named in autonomous regions and
# prefectures, stripped from the end of a short form (新疆维吾尔 → 新疆).
_NATIONALITY = re.compile(
    r"(?:(?:朝鲜|土家|布依|哈尼|景颇|傈僳|蒙古|哈萨克|柯尔克孜|维吾尔|苗|藏|羌|彝|侗|壮|傣|白|回)族?)+$"
)


def _short_form(name: str) -> str | None:
    stem = _SHORT_SUFFIX.sub("", name)
    if stem == name:
        return None
    bare = _NATIONALITY.sub("", stem)
    stem = bare if len(bare) >= 2 else stem  # 内蒙古 keeps its 蒙古
    return stem if len(stem) >= 2 else None


@cache
def _gazetteer() -> dict[str, _Division]:
    """Division names (full and short forms) → levels, from ``data/cn_divisions.tsv``."""
    text = files("dataguard.recognizers").joinpath("data/cn_divisions.tsv").read_text("utf-8")
    full: dict[str, set[int]] = {}
    short: dict[str, set[int]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        _code, name, level = line.split("\t")
        lv = _LEVELS[level]
        full.setdefault(name, set()).add(lv)
        if lv < 2:
            stem = _short_form(name)
            if stem is not None:
                short.setdefault(stem, set()).add(lv)
                if name.endswith("自治州"):
                    short.setdefault(stem + "州", set()).add(lv)
    table = {name: _Division(frozenset(lv), short=True) for name, lv in short.items()}
    table.update({name: _Division(frozenset(lv), short=False) for name, lv in full.items()})
    return table


_MAX_NAME = 15
_CJK = "\u4e00-\u9fff"
# Function characters that never occur in a division or road name (checked against the
# gazetteer in the tests): a place-name run stops at them, so ``我住在文三路90号`` starts at 文.
_STOP = "的了是在我你他她您这吗呢吧啊把被给说到往与或及住寄送去位址"


# Function words that also begin a few division names (于洪区, 从化区, 来宾市, 和平区): an
# address does not *start* at them (位于杭州市… starts at 杭), though a chain may contain them
# (沈阳市于洪区) and a street address may start there (于洪区黄河北大街12号).
_NOT_FIRST = "于至从向来将离自和由对经为同"


def _first_chars() -> str:
    """The characters a division name (full or short) starts with, as a character class."""
    first = {name[0] for name in _gazetteer()} - set(_NOT_FIRST)
    return "[" + "".join(sorted(first)) + "]"


_N = ideographs_except(_STOP)  # a division name holds no stop character
_CNUM = "[0-9一二三四五六七八九十]"
# ref. standards.md §1 CN_ADDRESS hierarchy: province (省/自治区/直辖市 市/特别行政区) ›
# prefecture (市/地区/自治州/盟) › county (区/县/县级市/旗).
_ADMIN_SUFFIX = r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|林区|省|市|区|县|旗|盟)"
_ADMIN = _N + f"{{1,{_MAX_NAME - 1}}}?" + _ADMIN_SUFFIX
# The first division of an address starts at a gazetteer first character (a cheap charset
# test at every position; the validator checks the names themselves).
_FIRST_ADMIN = _first_chars() + _N + f"{{0,{_MAX_NAME - 2}}}?" + _ADMIN_SUFFIX
# ref. standards.md §1: township (街道/镇/乡) › road (路/街/大道/巷/弄/胡同) › number (号) ›
# building (栋/幢/座/号楼) › unit (单元) › room (室); villages (村/社区) sit under townships.
_TOWN = _N + r"{1,8}?(?:街道|镇|乡)"
# A village's group (村民小组) or team: 王庄村3组, 李家村五队.
_VILLAGE = _N + r"{1,8}?(?:社区|村)(?:" + "[0-9一二三四五六七八九十]" + r"{1,3}(?:组|队))?"
_SECTION = r"(?:[东西南北中]?段|" + _CNUM + r"{1,2}段)?"
# A building's code: 3号楼, T3栋, A座, and the campus codes of science parks (深圳 高新南七道
# R2-B栋, 软件园 A-3栋, 2-1栋).
_BUILDING_CODE = (
    r"(?:[A-Za-z]?[0-9]{1,4}(?:-[A-Za-z0-9]{1,3})?|[A-Za-z](?:-?[A-Za-z0-9]{1,3})?|"
    + _CNUM
    + "{1,3})"
)
# A road named …道 (天津 睦南道, 深圳 高新南七道) is taken only before its house number or a
# building code: 道 alone ends too many words (知道, 频道, 报道) to end a road by itself.
# Where the address ends, a road numbered or named by a direction ends it too (深圳市南山区
# 粤海街道高新南七道, then a space or a comma: the road went out beside the mask).
_DAO = (
    r"道(?= ?(?:[0-9]|"
    + _BUILDING_CODE
    + r"(?:号楼|栋|幢|座)))|(?<=[东西南北中一二三四五六七八九十])道(?![\u4e00-\u9fff])"
)
_ROAD = _N + r"{1,10}?(?:大道|大街|胡同|路|街|巷|弄|" + _DAO + ")" + _SECTION
_NAMED = _N + r"{1,10}?(?:街道|大道|大街|胡同|社区|镇|乡|村|路|街|巷|弄|" + _DAO + ")" + _SECTION
# A lane number may come between the road and the house number (上海 漕溪北路100弄29号), or
# stand for it before a building (祖冲之路887弄72号楼).
_LANE = r"[0-9]{1,5}弄"
_HOUSE = r"[0-9]{1,5}(?:-[0-9]{1,5})?(?:号院|号(?![线楼]))"
_NUMBER = "(?:(?:" + _LANE + ")?" + _HOUSE + "|" + _LANE + r"(?=[0-9]{1,4}(?:号楼|栋|幢|座)))"
# ref. common estate (小区) naming: 万科城, 锦绣华庭, 翠苑 + a numbered or lettered section
# (翠苑一区, 阳光花园二期, 金色家园B区). The name is greedy up to its last suffix, bounded.
_ESTATE = (
    # Latin letters may lead the name: SOHO现代城, K11购物艺术中心.
    r"(?:(?:[A-Za-z][A-Za-z0-9]{0,7})?"
    + _N
    # A named building before its floor or tower (亚太商务楼10层, 太古汇一座) ends 楼 or 汇;
    # a campus or park, 园区 / 校区 (阿里巴巴西溪园区, not …西溪园 and a stray 区).
    + r"{1,12}(?:小区|大厦|花园|公寓|家园|新村|广场|大楼|中心|公馆|华庭|园区|校区|医院|酒店"
    + r"|大学|学院|苑|园|城|邸|湾|楼|汇)"
    + r"(?:(?:[一二三四五六七八九十]{1,2}|[东西南北中]|[A-Za-z0-9]{1,2})(?:区|期))?"
    # …or ends with a Latin word in capitals (望京SOHO, 来福士MALL), which leaves a
    # tower's letter to the building (望京SOHOB座: SOHO, then B座).
    + "|"
    + _N
    + r"{1,8}[A-Z]{2,8}(?![座栋幢]))"
)
# A room number may follow the building directly, without 室 (A座1501), but not the
# number of a unit or floor (3栋2单元, A座15楼).
# A university's dormitory building is a 舍 (华中科技大学东区17舍302).
_BUILDING = (
    _BUILDING_CODE + r"(?:号楼|栋|幢|座|舍)(?:[A-Za-z]?[0-9]{1,5}(?:室|房)?(?![0-9单楼层号]))?"
)
_UNIT = r"(?:[0-9]{1,3}|" + _CNUM + r"{1,3})单元(?: ?[0-9]{1,5}(?:室|房)?(?![0-9]))?"
# …written 18F in office addresses (圣爱大厦18F).
_FLOOR = r"(?:(?:[0-9]{1,3}|" + _CNUM + r"{1,3})(?:楼|层)|[0-9]{1,3}[Ff](?![A-Za-z0-9]))"
_ROOM = r"[A-Za-z]?[0-9]{1,5}(?:室|房)"
# ref. office and apartment addresses: the room right after the building's name or a floor,
# without 室 (中关村大厦1101, 太古汇2801, 中关村大厦11层1101), or after a tower's code
# (望京SOHO T1 1502). Three to five digits, not a count, a year, a time or the number of a
# floor or unit that follows.
_BARE_ROOM = (
    r"[A-Za-z]?[0-9]{3,5}(?:室|房|(?![0-9A-Za-z.:：/\\-]"
    r"|[号楼层栋幢座单元期区弄年月日时分点件个人次位米平万块]))"
)
_TAIL = "".join(
    f"(?: ?{part})?"
    for part in (
        # A tower's code before the room: T1 1502, or a building's number and a dash
        # (创意产业园2-B501).
        _ESTATE + r"(?: ?(?:[A-Z][0-9]{1,2} |[0-9]{1,3}-)?" + _BARE_ROOM + ")?",
        _BUILDING,
        _UNIT,
        _FLOOR + "(?:" + _BARE_ROOM + ")?",
        _ROOM,
    )
)
_LOWER = "".join(f"(?: ?{part})?" for part in (_TOWN, _VILLAGE, _ROAD, _NUMBER)) + _TAIL
_STREET = _NAMED + r"(?: ?" + _NAMED + r")? ?" + _NUMBER + _TAIL
# ref. delivery addresses that name the housing estate, not the road (翠苑一区12幢3单元501室,
# 阳光花园小区5栋2单元1802): an estate followed by a building number is an address.
_ESTATE_ADDRESS = (
    _ESTATE + " ?" + _BUILDING + "".join(f"(?: ?{part})?" for part in (_UNIT, _FLOOR, _ROOM))
)

# Verbs that introduce an address in chat and notes (收货地址改成…, 快递放…): an address
# starting right after one of them does not include it.
_LEAD = r"(?:改成|改为|改到|更改为|修改为|换成|变更为|快递放|放到|放在|发往|送至|寄至)?"

_LOWER_RE = re.compile(_LOWER)
_STREET_RE = re.compile(_STREET)
_ESTATE_ADDRESS_RE = re.compile(_ESTATE_ADDRESS)
# A short form directly followed by one of these is a road or estate name (中山路), not a city.
_LOWER_SUFFIX_CHARS = frozenset("路街道巷弄镇乡村号区县市段园苑")


def _admin_prefix(address: str) -> int:
    """Length of the leading run of gazetteer divisions, levels strictly descending."""
    table = _gazetteer()
    pos = 0
    last = -1
    n = len(address)
    while pos < n:
        start = pos + 1 if pos and address[pos] == " " else pos
        found = 0
        for size in range(min(_MAX_NAME, n - start), 1, -1):
            division = table.get(address[start : start + size])
            if division is None:
                continue
            deeper = [lv for lv in division.levels if lv > last]
            if not deeper:
                continue
            end = start + size
            if division.short and end < n and address[end] in _LOWER_SUFFIX_CHARS:
                continue
            found, last = size, min(deeper)
            break
        if not found:
            break
        pos = start + found
    return pos


@dataclass(frozen=True, slots=True)
class WalkStep:
    """One step of :func:`_admin_prefix`'s walk, as data for engines that cannot call Python
    per value (the ``address`` mask's polars expression, :mod:`dataguard.mask.address`).

    The step is the one taken when the deepest level reached so far is *last* (``-1`` at the
    start, ``0`` province, ``1`` prefecture; after a county the walk stops). Where the walk
    may skip a space (after the first division), the caller skips it before matching.

    Attributes:
        pattern: ``^(?:name|name|…)``, the gazetteer names (2 to ``_MAX_NAME`` characters)
            with a level deeper than *last*, longest first. Read alike by Python's ``re``
            and Rust's ``regex``; being literals only, Rust runs it as one Aho-Corasick
            automaton. Its leftmost-first match is the walk's first candidate: the longest
            name that starts the text (浙江省杭州市… → ``浙江省``).
        level: every name of the pattern → the level the walk has reached after taking it.
        suffixes: the characters after which a short form is a road's or estate's name
            (中山路), not a division: ``_LOWER_SUFFIX_CHARS``.
        fallback: every short form of the pattern → what the walk takes instead when one of
            *suffixes* follows it: its longest proper prefix the walk accepts there, or
            None (nothing: the walk stops). The walk's shorter candidates are prefixes of
            the rejected name, each followed by a character of that name, so the answer
            depends on the name alone (``中山`` + 路 → None).
    """

    pattern: str
    level: dict[str, int]
    suffixes: str
    fallback: dict[str, str | None]


def _regex_literal(name: str) -> str:
    """*name* as a regex literal both engines read alike (every name is CJK today)."""
    return "".join(ch if "\u4e00" <= ch <= "\u9fff" else f"\\U{ord(ch):08x}" for ch in name)


def _shorter(name: str, last: int) -> str | None:
    """What :func:`_admin_prefix`'s loop takes after rejecting the short form *name*."""
    table = _gazetteer()
    for size in range(len(name) - 1, 1, -1):
        division = table.get(name[:size])
        if division is None or not any(lv > last for lv in division.levels):
            continue
        if division.short and name[size] in _LOWER_SUFFIX_CHARS:
            continue
        return name[:size]
    return None


@cache
def walk_steps() -> dict[int, WalkStep]:
    """The walk of :func:`_admin_prefix` as one :class:`WalkStep` per level reached so far.

    Keys are ``-1`` (start), ``0`` and ``1``; a walk visits them in that order, each at most
    once (levels strictly descend), so three passes over a column replay every walk.
    """
    table = _gazetteer()
    steps: dict[int, WalkStep] = {}
    for last in (-1, 0, 1):
        names = sorted(
            (
                name
                for name, division in table.items()
                if 2 <= len(name) <= _MAX_NAME and any(lv > last for lv in division.levels)
            ),
            key=lambda name: (-len(name), name),
        )
        steps[last] = WalkStep(
            pattern="^(?:" + "|".join(_regex_literal(name) for name in names) + ")",
            level={name: min(lv for lv in table[name].levels if lv > last) for name in names},
            suffixes="".join(sorted(_LOWER_SUFFIX_CHARS)),
            fallback={name: _shorter(name, last) for name in names if table[name].short},
        )
    return steps


def split_at_county(address: str) -> tuple[str, str]:
    """Split an address after its county-level part (Ele.me 8.4 masks everything below it).

    The head is the leading run of administrative divisions found in the gazetteer
    (province › prefecture › county, each optional); the tail is the rest, from the
    township or road on. An address without a county keeps its deepest administrative
    level in the head (``杭州市文三路90号`` → ``("杭州市", "文三路90号")``); one that starts
    below the county has an empty head.

    >>> split_at_county("浙江省杭州市西湖区文三路90号1幢")
    ('浙江省杭州市西湖区', '文三路90号1幢')
    """
    head = _admin_prefix(address)
    return address[:head], address[head:]


class AddressRecognizer(Recognizer):
    """A mainland postal address, starting at any level of the administrative hierarchy.

    Format: province (省 / 自治区 / 直辖市 / 特别行政区) › prefecture (市 / 地区 / 自治州 / 盟) ›
    county (区 / 县 / 县级市 / 旗) › township (街道 / 镇 / 乡) › village (村 / 社区) › road
    (路 / 街 / 大道 / 巷 / 弄 / 胡同) › number (号) › estate (小区 / 大厦 …) › building
    (栋 / 幢 / 座 / 号楼) › unit (单元) › floor (楼 / 层) › room (室), every level optional,
    single spaces allowed between levels. The span runs from the first recognisable level
    to the last and never crosses punctuation.

    Scoring: an address whose administrative head is in the gazetteer
    (``data/cn_divisions.tsv``, GB/T 2260 names and their short forms) and which goes on
    below the county is confirmed. A street address without a gazetteer head needs a named
    level and a number (``文三路90号``). An administrative head alone (``杭州市``,
    ``浙江省杭州市西湖区``, or the ``杭州市西湖区`` of ``杭州市西湖区人民政府``) is a place or an
    organisation, not a personal address: it is reported only next to a context word
    (地址, 收货地址, address …). Without an administrative head a street address starts after
    the last function character or punctuation, so ``快递放文三路90号`` is reported whole. A
    housing estate followed by a building number is an address too (``翠苑一区12幢501室``).

    Masking below the county (Ele.me 8.4): :func:`split_at_county` splits an address into the
    administrative head and the rest.

    Examples:
        match: 浙江省杭州市西湖区文三路90号1幢2单元301室
        match: 收货地址：⟦浙江省杭州市西湖区文三路90号⟧，电话13812345678
        match: 我家在⟦西湖区文三路90号1幢⟧
        match: {"address": "⟦杭州市西湖区文三路90号⟧"}
        match: 地址：⟦文三路90号⟧
        match: 寄到⟦北京市朝阳区建国路88号院3号楼⟧
        match: 寄件地址：⟦广东省深圳市南山区高新南七道R2-B栋3楼⟧
        match: 地址 ⟦北京市朝阳区建国路88号SOHO现代城A座1501⟧，前台代收
        match: 住址：⟦河南省周口市郸城县汲冢镇王庄村3组⟧
        match: 配送至：⟦翠苑一区12幢3单元501室⟧
        match: address=⟦阳光花园小区5栋2单元1802⟧
        match: 地址：⟦北京市海淀区中关村大街27号中关村大厦1101⟧，电话13812345678
        match: 地址：⟦北京市海淀区中关村大街27号中关村大厦11层1101⟧
        match: 寄到⟦北京市朝阳区望京SOHO T1 1502⟧ 前台
        match: 会场：⟦上海市浦东新区世纪大道100号环球金融中心⟧2026年开业
        match: 地址：⟦杭州市西湖区文三路90号3楼⟧ 10:30到
        match: 配送地址：⟦上海市徐汇区漕溪北路88号圣爱大厦18F⟧
        match: 地址：⟦江苏省苏州市工业园区星湖街328号创意产业园2-B501⟧
        match: 家庭住址：⟦湖北省武汉市洪山区珞喻路1037号华中科技大学东区17舍302⟧
        no-match: 阳光花园小区今天停水
        no-match: 杭州市今天多云转晴，气温12到20度
        no-match: 杭州市西湖区人民政府发布通知
        no-match: 第3号
        no-match: 乘坐地铁5号线到终点站
    """

    entity: ClassVar[str] = "CN_ADDRESS"
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "cn_address_admin",
            _LEAD + "(?P<value>" + _FIRST_ADMIN + r"(?: ?" + _ADMIN + r"){0,3}" + _LOWER + ")",
            0.3,
        ),
        Pattern("cn_address_street", _LEAD + "(?P<value>" + _STREET + ")", 0.6),
        Pattern("cn_address_estate", _LEAD + "(?P<value>" + _ESTATE_ADDRESS + ")", 0.6),
    )
    context: ClassVar[tuple[str, ...]] = (
        "地址",
        "住址",
        "收货",
        "收件",
        "寄送",
        "送货",
        "配送",
        "居住",
        "户籍",
        "所在地",
        "address",
        "addr",
        "dizhi",
        "zhuzhi",
        "shdz",
        "jtzz",
    )
    specificity: ClassVar[int] = 30
    description: ClassVar[str] = "Mainland China postal address"
    validation: ClassVar[str] = (
        "administrative divisions looked up in the GB/T 2260 gazetteer; otherwise a named "
        "level plus a house number; an administrative head alone needs context"
    )
    standard: ClassVar[str] = "GB/T 2260 divisions; address hierarchy of standards.md §1"

    def validate(self, value: str) -> bool | None:
        head = _admin_prefix(value)
        rest = value[head:].lstrip(" ")
        if not rest:
            return None if head else False
        if _LOWER_RE.fullmatch(rest) is None:
            # A road named after a division (山东大道, 北京路): the "division" was the road's
            # name, so read the whole value as a street.
            return None if head and _STREET_RE.fullmatch(value) else False
        if head:
            return True
        if _STREET_RE.fullmatch(rest) or _ESTATE_ADDRESS_RE.fullmatch(rest):
            return None
        return False
