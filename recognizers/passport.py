"""Passports of the People's Republic of China."""

from __future__ import annotations

from typing import ClassVar

from dataguard.detect.recognizer import ALNUM_AFTER_NOT, ALNUM_BEFORE_NOT, Pattern, Recognizer

from ._context import ORDER_FIELD_WORDS
from ._tabular import column_patterns

# ref. standards.md §1 (MPS / NIA passport numbering): a type letter E (electronic
# ordinary), G (ordinary, pre-2012), D (diplomatic), S (service), P (public affairs) or
# H, then 8 digits.
_LETTER_8 = r"[EGDSPH][0-9]{8}"
# ref. standards.md §1: electronic ordinary passports after the E + 8-digit series ran
# out (2017-): E, a second letter, 7 digits.
_EE_7 = r"E[A-Z][0-9]{7}"
_VALUE = f"(?:{_LETTER_8}|{_EE_7})"
# ref. NIA exit-entry permits, which stand in for a passport on these journeys: the
# mainland resident's permit to Hong Kong and Macau (往来港澳通行证: C + 8 digits, or C, a
# letter and 7 digits), to Taiwan (L or T + 8 digits), the Hong Kong and Macau resident's
# home-return permit (回乡证: H or M + 8 or 10 digits) and the Taiwan resident's permit
# (台胞证: 8 digits). Only after the permit's name: the shapes alone are order codes.
_PERMIT_LABEL = (
    "(?:(?:往来)?港澳通行证|(?:往来|大陆居民往来)?台湾通行证|回乡证|台胞证|"
    "港澳居民来往内地通行证|台湾居民来往大陆通行证)(?:号码|号)?[ \t]*[:：=]?[ \t]*"
)
_PERMIT = (
    "(?P<value>C[0-9A-Z][0-9]{7}|[LT][0-9]{8}|[HM][0-9]{8}(?:[0-9]{2})?|[0-9]{8})" + ALNUM_AFTER_NOT
)
# A passport column of a CSV header or an INSERT column list (passport_no, user_passport,
# 护照号码): the column name is the context the value lacks.
_COLUMN = (
    r"(?i:(?:[a-z]+_?)?passport(?:_?(?:no|num(?:ber)?|id|code))?|huzhao(?:_?hm)?|hzhm)"
    r"|护照(?:号码|号)?"
)


class PassportRecognizer(Recognizer):
    """A passport number of the People's Republic of China, or an exit-entry permit's.

    Format: ``[EGDSPH]`` + 8 digits (``E12345678``, ``G12345678``) or ``E`` + letter + 7
    digits (``EA1234567``), not glued to other letters or digits. No check digit exists,
    and the shape is common among order and SKU codes, so a bare match scores below the
    reporting threshold: a context word (护照, passport, huzhao, 证件 …) nearby or in the
    field name is needed. In a CSV export or an ``INSERT`` statement the column name is that
    context (``passport_no``, ``护照号码``, up to the eighth column). The exit-entry permits
    that stand in for a passport to Hong Kong, Macau and Taiwan (港澳通行证 ``C12345678``,
    回乡证, 台胞证) are reported after their name.

    Examples:
        match: 护照号码：⟦E12345678⟧
        match: passport_no=⟦EA1234567⟧
        match: 证件类型：护照 证件号：⟦G23456789⟧
        match: {"huzhao":"⟦D10293847⟧"}
        no-match: E12345678
        no-match: 护照号码：E123456789
        no-match: 护照号码：XE12345678
        no-match: 订单号G12345678
        no-match: 护照 e12345678
        match: 港澳通行证：⟦C12345678⟧
        match: 往来港澳通行证号码 ⟦CA1234567⟧
        match: 回乡证号：⟦H1234567801⟧
        match: 台胞证⟦12345678⟧
        no-match: 通行证C12345678
        no-match: 订单号C12345678
    """

    entity: ClassVar[str] = "CN_PASSPORT"
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("cn_passport", ALNUM_BEFORE_NOT + _LETTER_8 + ALNUM_AFTER_NOT, 0.3),
        Pattern("cn_passport_e2", ALNUM_BEFORE_NOT + _EE_7 + ALNUM_AFTER_NOT, 0.3),
        Pattern("cn_exit_entry_permit", _PERMIT_LABEL + _PERMIT, 0.6),
        # The value under a passport column of a CSV export or an INSERT statement.
        *column_patterns("cn_passport", _COLUMN, _VALUE, 0.6),
    )
    context: ClassVar[tuple[str, ...]] = (
        "护照",
        "护照号",
        "护照号码",
        "证件",
        "证件号",
        "证件号码",
        "旅行证件",
        "通行证",
        "回乡证",
        "台胞证",
        "passport",
        "passport_no",
        "passportno",
        "travel document",
        "huzhao",
        "hzhm",
        "zhengjian",
        "zjhm",
    )
    negative_context: ClassVar[tuple[str, ...]] = (
        "订单",
        *ORDER_FIELD_WORDS,
        "sku",
        "型号",
        "model",
        "流水",
        "trace",
        "批次",
    )
    specificity: ClassVar[int] = 50
    description: ClassVar[str] = "Passport number of the People's Republic of China"
    validation: ClassVar[str] = "shape only (no check digit exists); needs context to report"
    standard: ClassVar[str] = "standards.md §1 (PRC passport numbering)"
