"""Mainland China mobile numbers."""

from __future__ import annotations

import re
from typing import ClassVar

from dataguard.detect.recognizer import ALNUM_AFTER_NOT, ALNUM_BEFORE_NOT, Pattern, Recognizer

from ._context import ORDER_FIELD_WORDS

# ref. MIIT numbering plan as condensed in standards.md §1: allocated 3-digit prefixes.
_ALLOCATED = re.compile(r"1(?:3[0-9]|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8[0-9]|9[0-35-9])")
_COUNTRY = r"(?:\(\+?86\)[- ]?|(?:\+|00)?86[- ]?)?"
# ref. chat and marketplace messages that dodge number filters: a number in Chinese
# numerals (一三八…, 幺 for 1, 两 for 2, 〇 or 零 for 0), or with a space between digits.
_NUMERALS = str.maketrans("零〇一幺二两三四五六七八九", "0011223456789")
_CN_DIGIT = "[零〇一幺二两三四五六七八九]"


class MobileRecognizer(Recognizer):
    """An 11-digit mainland mobile number, with optional +86 / 0086 / 86 / (+86) prefix.

    Format: ``1[3-9]x`` then 8 digits, optionally grouped 3-4-4 by spaces or dashes; the
    span includes the country prefix. The 3-digit prefix must be allocated (standards.md §1).
    Chat that dodges number filters writes it with a space between every digit, or in
    Chinese numerals (``一三八…``, ``幺`` for 1, ``两`` for 2, ``〇``/``零`` for 0): both
    are numbers too.

    Examples:
        match: 13812345678
        match: +86 138 1234 5678
        match: +86-138-1234-5678
        match: 008613812345678
        match: 手机号⟦13812345678⟧，请回电
        match: {"mobile": "⟦19912345678⟧"}
        no-match: 12012345678
        no-match: 138123456789
        no-match: 1381234567
        no-match: 14012345678
        no-match: 138****5678
        no-match: ts=1700000000123
        no-match: orderNo=13812345678
        match: OrderController - receiver ⟦13812345678⟧
        match: 用户：我的手机是⟦一三八一二三四五六七八⟧，加我
        match: 用户：电话⟦幺三八幺二三四五六七八⟧
        match: 手机 ⟦1 3 8 1 2 3 4 5 6 7 8⟧
        match: 手机：⟦138.1234.5678⟧
        no-match: version 138.1234.5678.9
        no-match: 一二三四五六七八九十一二
        no-match: 1 3 8 1 2 3 4 5 6 7 8 9
    """

    entity: ClassVar[str] = "CN_MOBILE"
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "cn_mobile",
            ALNUM_BEFORE_NOT + _COUNTRY + r"1[3-9][0-9](?:[- ]?[0-9]{4}){2}" + ALNUM_AFTER_NOT,
            0.5,
        ),
        # Grouped 3-4-4 by dots, as some forms and signatures write it (138.1234.5678).
        Pattern(
            "cn_mobile_dotted",
            ALNUM_BEFORE_NOT
            + r"(?<![0-9A-Za-z]\.)1[3-9][0-9]\.[0-9]{4}\.[0-9]{4}"
            + ALNUM_AFTER_NOT
            + r"(?!\.[0-9A-Za-z])",  # not part of a longer dotted name: pkg-138.1234.5678.tgz
            0.5,
        ),
        Pattern(
            "cn_mobile_spaced_digits",
            ALNUM_BEFORE_NOT + r"1 [3-9](?: [0-9]){9}" + ALNUM_AFTER_NOT + r"(?! [0-9])",
            0.5,
        ),
        Pattern(
            "cn_mobile_chinese_numerals",
            r"(?<![零〇一幺二两三四五六七八九十百千万])[一幺][三四五六七八九]"
            + _CN_DIGIT
            + "{9}"
            + r"(?![零〇一幺二两三四五六七八九十百千万])",
            0.5,
        ),
    )
    context: ClassVar[tuple[str, ...]] = (
        "手机",
        "电话",
        "联系方式",
        "号码",
        "手机号",
        "mobile",
        "phone",
        "tel",
        "cell",
        "contact",
        "msisdn",
        "shouji",
        "dianhua",
        "sjh",
        "lxdh",
    )
    negative_context: ClassVar[tuple[str, ...]] = (
        "订单",
        "流水",
        "traceid",
        "trace_id",
        *ORDER_FIELD_WORDS,
    )
    specificity: ClassVar[int] = 60
    description: ClassVar[str] = "Mainland China mobile phone number"
    validation: ClassVar[str] = "allocated 3-digit prefix; not part of a longer digit run"
    standard: ClassVar[str] = "MIIT numbering plan (standards.md §1)"

    def validate(self, value: str) -> bool | None:
        digits = re.sub(r"[^0-9]", "", value.translate(_NUMERALS))
        if len(digits) > 11:
            digits = digits[-11:]
        return _ALLOCATED.match(digits) is not None
