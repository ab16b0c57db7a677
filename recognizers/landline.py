"""Mainland China fixed-line (landline) telephone numbers."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import ClassVar

from dataguard.detect.recognizer import ALNUM_AFTER_NOT, ALNUM_BEFORE_NOT, Pattern, Recognizer

from ._context import ORDER_FIELD_WORDS

# ref. MIIT national numbering plan: 2-digit area codes (010, 02x) carry 8-digit local
# numbers; 3-digit area codes (03xx-09xx) carry 7 or 8; a local number starts with 2-8.
_AREA2 = r"(?:10|2[0-9])"
_AREA3 = r"[3-9][0-9]{2}"
_LOCAL8 = r"[2-8][0-9]{3}[- ]?[0-9]{4}"
_LOCAL78 = r"[2-8][0-9]{2,3}[- ]?[0-9]{4}"
_LOCAL8_BARE = r"[2-8][0-9]{7}"
_LOCAL78_BARE = r"[2-8][0-9]{6,7}"
# ref. ITU-T E.164 country code 86; the international form drops the trunk 0.
_INTL = r"(?:\+86|\(\+?86\)|0086(?=[- ]))[- ]?"
# Extensions: ``-1234``, ``转1234``, ``ext.1234``, ``x1234``.
# An extension is not the first group of a grouped number after it (``0991-5397136 x 4367
# 4200 9010 6948`` is a landline and a card: read as an extension, 4367 made the landline
# overlap the card, which won, and the landline went out unmasked), the groups spaced or
# dashed (``0531-34166655 - 6222-0255-6486-9997-916``).
_EXT_MARK = r"(?:-|转|[Ee][Xx][Tt]\.?|[Xx])"
_EXT = r"(?:[ ]?" + _EXT_MARK + r"[ ]?[1-9][0-9]{0,5}(?![ -][0-9]{4}[ -][0-9]))?"
# Switchboards number extensions with leading zeros too (``-085``, ``转063``). Such an
# extension has patterns of its own: candidates of one pattern never overlap, so an
# optional ``-0…`` (or ``x 0…``) tail would eat the start of a second number after it
# (``0571-88881234-0571-88885678``, ``051265118715 x 02878461060``: the second was
# found only once the first was masked); and it is not followed by a further separator
# and digit, so that the second number is not swallowed by the full match either.
_EXT0 = r"[ ]?" + _EXT_MARK + r"[ ]?0[0-9]{0,5}(?![- ][0-9])"
# A decimal point followed by digits makes the run a number, not a phone number.
_AFTER = ALNUM_AFTER_NOT + r"(?!\.[0-9])"
_END = _EXT + _AFTER
_END0 = _EXT0 + _AFTER

# ref. MIIT numbering plan: written forms 0571-88881234, (010)62345678, 010 6234 5678.
_TRUNK = (
    rf"(?:\(0{_AREA2}\)[ ]?{_LOCAL8}|\(0{_AREA3}\)[ ]?{_LOCAL78}"
    rf"|0{_AREA2}[- ]{_LOCAL8}|0{_AREA3}[- ]{_LOCAL78})"
)
# ref. ITU-T E.123 international notation: +86-10-6234-5678, +86 571 8888 1234; the area
# code is also bracketed as the national form brackets it (+86(10)62345678).
_INTERNATIONAL = (
    rf"{_INTL}(?:(?:\(0\)|0)?(?:{_AREA2}[- ]?{_LOCAL8}|{_AREA3}[- ]?{_LOCAL78})"
    rf"|\(0?{_AREA2}\)[ ]?{_LOCAL8}|\(0?{_AREA3}\)[ ]?{_LOCAL78})"
)
# ref. MIIT numbering plan: bare digit runs 01062345678, 057188881234 (11-12 digits).
_BARE = r"0(?:" + _AREA2 + _LOCAL8_BARE + r"|" + _AREA3 + _LOCAL78_BARE + r")"

# ref. MIIT numbering plan, as above: splits a candidate into country prefix, trunk, area
# code, separator and local number.
_PARSE = re.compile(
    r"(?P<cc>\+86|\(\+?86\)|0086)?[- ]?(?P<open>\(0\)|\(?0|\((?=[1-9]))?"
    r"(?P<area>10|2[0-9]|[3-9][0-9]{2})\)?(?P<sep>[- ]?)"
    r"(?P<local>[2-8][0-9]{2,3}[- ]?[0-9]{4})"
    r"(?:[ ]?" + _EXT_MARK + r"[ ]?[0-9]{1,6})?"
)


@cache
def area_codes() -> frozenset[str]:
    """Mainland area codes with their trunk 0 (``010``, ``0571`` …) from the packaged table."""
    text = files("dataguard.recognizers").joinpath("data/cn_area_codes.txt").read_text("utf-8")
    return frozenset(
        line.split("\t", 1)[0]
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def parse_landline(value: str) -> tuple[str, str, bool] | None:
    """``(area code with trunk 0, local digits, bare?)``, or None when *value* is no landline.

    ``bare`` is true for an unseparated national digit run (``057188881234``), which the
    area code and length confirm less well: it keeps the pattern score.
    """
    m = _PARSE.fullmatch(value.strip())
    if m is None or (m.group("cc") is None and not m.group("open")):
        return None  # a national number needs its trunk 0
    local = re.sub(r"[- ]", "", m.group("local"))
    bare = m.group("cc") is None and m.group("open") == "0" and not m.group("sep")
    return "0" + m.group("area"), local, bare


class LandlineRecognizer(Recognizer):
    """A mainland fixed-line number: trunk 0, area code, 7-8 digit local number, extension.

    Format: ``0`` + a 2-digit (``010``, ``02x``, then 8 local digits) or 3-digit area code
    (``03xx``-``09xx``, then 7 or 8 local digits); the local number starts with 2-8. Written
    ``0571-88881234``, ``(010)62345678``, ``010 6234 5678``, or internationally without the
    trunk 0 (``+86-10-6234-5678``); an extension (``-1234``, ``-085``, ``转1234``,
    ``ext.1234``) is part of the span. The area code must be in ``data/cn_area_codes.txt``.
    A bare digit run (``057188881234``) is not confirmed by the table and keeps the pattern
    score (0.5): it is reported on its own, but negative context (订单号, orderNo, 流水 …)
    drops it.

    Examples:
        match: 0571-88881234
        match: (010)62345678
        match: 010 6234 5678
        match: +86-10-6234-5678
        match: +86 571 8888 1234
        match: 办公电话：⟦0755-26661234转8021⟧
        match: {"tel": "⟦057188881234⟧"}
        match: 座机⟦01062345678⟧
        match: 057188881234
        match: "officeTel":"⟦(0891)7065083-085⟧"
        no-match: orderNo=057188881234
        no-match: 0600-88881234
        no-match: 026-62345678
        no-match: 010-1234567
        no-match: 021-12345678
        no-match: ts=1700000000123
        no-match: 邮编310012
        no-match: 0571-****1234
        no-match: id=90571888812345
        no-match: hash=ab0571-88881234
    """

    entity: ClassVar[str] = "CN_LANDLINE"
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("cn_landline", ALNUM_BEFORE_NOT + _TRUNK + _END, 0.5),
        Pattern("cn_landline_intl", ALNUM_BEFORE_NOT + _INTERNATIONAL + _END, 0.5),
        Pattern("cn_landline_bare", ALNUM_BEFORE_NOT + _BARE + _END, 0.5),
        Pattern("cn_landline_ext0", ALNUM_BEFORE_NOT + _TRUNK + _END0, 0.5),
        Pattern("cn_landline_intl_ext0", ALNUM_BEFORE_NOT + _INTERNATIONAL + _END0, 0.5),
        Pattern("cn_landline_bare_ext0", ALNUM_BEFORE_NOT + _BARE + _END0, 0.5),
    )
    context: ClassVar[tuple[str, ...]] = (
        "座机",
        "固话",
        "固定电话",
        "电话",
        "联系电话",
        "办公电话",
        "传真",
        "总机",
        "tel",
        "phone",
        "landline",
        "fax",
        "telephone",
        "office",
        "zuoji",
        "guhua",
        "dianhua",
        "lxdh",
    )
    # Order words are written as field names (``orderNo``, ``order_id``), not ``order``
    # alone, which also occurs in logger and class names (``OrderController``) and URL
    # paths (``/api/order/create``) that say nothing about the value. Postcode words
    # (邮编, zip) are no negative: a postcode is 6 digits and never landline-shaped, while
    # ``邮编310012，0571-88881234`` is common in address blocks.
    negative_context: ClassVar[tuple[str, ...]] = (
        "订单",
        *ORDER_FIELD_WORDS,
        "流水",
        "trace",
        "交易号",
        "txn",
    )
    specificity: ClassVar[int] = 55
    description: ClassVar[str] = "Mainland China fixed-line telephone number"
    validation: ClassVar[str] = (
        "area code in the mainland table; local length 8 after 010/02x, 7-8 after 3-digit "
        "codes; a bare digit run keeps the pattern score (negative context drops it)"
    )
    standard: ClassVar[str] = "MIIT national numbering plan; ITU-T E.164 / E.123 (+86)"

    def validate(self, value: str) -> bool | None:
        parsed = parse_landline(value)
        if parsed is None:
            return False
        area, local, bare = parsed
        if area not in area_codes():
            return False
        if len(local) not in ((8,) if len(area) == 3 else (7, 8)):
            return False
        return None if bare else True
