"""Mainland China mobile numbers."""

from __future__ import annotations

import re
from typing import ClassVar

from dataguard.detect.recognizer import ALNUM_AFTER_NOT, ALNUM_BEFORE_NOT, Pattern, Recognizer

from ._context import ORDER_FIELD_WORDS

# ref. MIIT numbering plan as condensed in standards.md §1: allocated 3-digit prefixes.
_ALLOCATED = re.compile(r"1(?:3[0-9]|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8[0-9]|9[0-35-9])")
_COUNTRY = r"(?:\(\+?86\)[- ]?|(?:\+|00)?86[- ]?)?"


class MobileRecognizer(Recognizer):
    """An 11-digit mainland mobile number, with optional +86 / 0086 / 86 / (+86) prefix.

    Format: ``1[3-9]x`` then 8 digits, optionally grouped 3-4-4 by spaces or dashes; the
    span includes the country prefix. The 3-digit prefix must be allocated (standards.md §1).

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
    """

    entity: ClassVar[str] = "CN_MOBILE"
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "cn_mobile",
            ALNUM_BEFORE_NOT + _COUNTRY + r"1[3-9][0-9](?:[- ]?[0-9]{4}){2}" + ALNUM_AFTER_NOT,
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
        digits = re.sub(r"[^0-9]", "", value)
        if len(digits) > 11:
            digits = digits[-11:]
        return _ALLOCATED.match(digits) is not None
