"""Mainland China resident identity card numbers (citizen ID numbers)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, ClassVar

from dataguard.detect.recognizer import ALNUM_AFTER_NOT, ALNUM_BEFORE_NOT, Pattern, Recognizer

if TYPE_CHECKING:
    import polars as pl

# ref. GB 11643-1999 §5: 6-digit address code, 8-digit birth date, 3-digit sequence, check.
_MONTH = r"(?:0[1-9]|1[0-2])"
_DAY = r"(?:0[1-9]|[12][0-9]|3[01])"
_ID18 = r"[1-9][0-9]{5}(?:19|20)[0-9]{2}" + _MONTH + _DAY + r"[0-9]{3}[0-9Xx]"
# The same 18 characters grouped as forms and chat show them: region, birth date (or its
# year, then month and day), the rest (``440304 19520120 9705``, ``440304-19520120-9705``,
# ``440304 1952 0120 9705``).
_ID18_GROUPED = r"[1-9][0-9]{5}[ -](?:19|20)[0-9]{2}[ -]?" + _MONTH + _DAY + r"[ -][0-9]{3}[0-9Xx]"
# …or in fours, as a bank card is shown (4403 0419 5201 2097 05), which read as a
# landline in the middle and put the rest of the number out.
_ID18_FOURS = (
    r"[1-9][0-9]{3}(?: [0-9]{4}){3} [0-9][0-9Xx]|[1-9][0-9]{3}(?:-[0-9]{4}){3}-[0-9][0-9Xx]"
)
# ref. GB 11643-1989 (superseded): 15 digits, 2-digit year of the 1900s, no check char.
_ID15 = r"[1-9][0-9]{5}[0-9]{2}" + _MONTH + _DAY + r"[0-9]{3}"
# A decimal point followed by digits makes the run a number (an amount), not an ID.
_BEFORE = ALNUM_BEFORE_NOT + r"(?<![0-9]\.)"
_AFTER = ALNUM_AFTER_NOT + r"(?!\.[0-9])"

# ref. GB 11643-1999 §6 / ISO 7064 MOD 11-2: weights 2^(17-i) mod 11, check table.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits of an ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def birth_date(value: str) -> dt.date | None:
    """The birth date encoded in an 18- or 15-character ID number, or None if not a date."""
    digits = value[6:14] if len(value) == 18 else "19" + value[6:12]
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


@cache
def regions() -> frozenset[str]:
    """GB/T 2260 region codes, abolished ones included, from the packaged table."""
    text = files("dataguard.recognizers").joinpath("data/gb2260_regions.txt").read_text("utf-8")
    return frozenset(
        line.split("\t", 1)[0]
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def is_valid_id(value: str, *, today: dt.date | None = None) -> bool:
    """Structure, birth date (1900 to today) and, for 18 chars, the check character."""
    if len(value) == 18:
        if not value[:17].isdigit() or value[17].upper() != check_char(value[:17]):
            return False
    elif len(value) != 15 or not value.isdigit():
        return False
    born = birth_date(value)
    return born is not None and born.year >= 1900 and born <= (today or dt.date.today())


class IdCardRecognizer(Recognizer):
    """A citizen ID number: 18 characters (GB 11643-1999) or the legacy 15 digits.

    Format: 6-digit region code (GB/T 2260), birth date ``YYYYMMDD``, 3-digit sequence
    (odd = male), then a check character from ISO 7064 MOD 11-2 (``0-9`` or ``X``, lowercase
    ``x`` accepted); the 18 characters may be grouped 6-8-4, or in fours, by spaces or
    dashes. Legacy
    15-digit numbers carry ``YYMMDD`` (1900s) and no check character.
    The birth date must be a real date between 1900 and today. The region code is a soft
    signal: a code in ``data/gb2260_regions.txt`` (abolished codes included) confirms the
    number; an unknown code keeps the lower pattern score (0.6 for 18 characters, 0.4 for
    15 digits, which then needs context).

    Examples:
        match: 11010519491231002X
        match: 11010519491231002x
        match: 身份证号：⟦44030519900101123X⟧，请核对
        match: {"id_no":"⟦110105491231002⟧"}
        match: sfz=⟦99000019900101005X⟧&name=x
        match: 身份证 ⟦110105 19491231 002X⟧
        match: 身份证 ⟦110105-19491231-002X⟧
        match: 身份证 ⟦1101 0519 4912 3100 2X⟧
        no-match: 110105 19491231 0021
        no-match: 110105194912310021
        no-match: 11010519900230001X
        no-match: 110105209912310029
        no-match: 110***********1234
        no-match: order=911010519491231002X
        match: 学籍号 G⟦11010519491231002X⟧ 学生 王小明
        no-match: sku=G110105194912310021
        no-match: hash=a11010519491231002Xf
        no-match: 990000900101001
        no-match: 金额：110105491231002.50元
        no-match: ts=1700000000123
    """

    entity: ClassVar[str] = "CN_ID_CARD"
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("cn_id_card_18", _BEFORE + _ID18 + _AFTER, 0.6),
        Pattern("cn_id_card_15", _BEFORE + _ID15 + _AFTER, 0.4),
        Pattern("cn_id_card_18_grouped", _BEFORE + _ID18_GROUPED + _AFTER, 0.6),
        Pattern("cn_id_card_18_fours", _BEFORE + "(?:" + _ID18_FOURS + ")" + _AFTER, 0.6),
        # ref. 全国中小学生学籍信息管理系统: a student's national number is G and their ID
        # number (学籍号 G11010519491231002X), which the boundary before an ID hid.
        Pattern(
            "cn_id_card_student_number",
            ALNUM_BEFORE_NOT + "G(?P<value>" + _ID18 + ")" + _AFTER,
            0.6,
        ),
    )
    context: ClassVar[tuple[str, ...]] = (
        "身份证",
        "身份证号",
        "证件号",
        "证件号码",
        "公民身份号码",
        "身份号码",
        "证件",
        "idcard",
        "id_card",
        "id card",
        "id_no",
        "idno",
        "id_number",
        "idnumber",
        "cert_no",
        "certno",
        "identity",
        "citizen",
        "sfz",
        "sfzh",
        "shenfenzheng",
        "zjhm",
    )
    negative_context: ClassVar[tuple[str, ...]] = ("订单号", "order_no", "orderno", "流水号")
    specificity: ClassVar[int] = 90
    description: ClassVar[str] = "Mainland China resident identity card number"
    validation: ClassVar[str] = (
        "ISO 7064 MOD 11-2 check character; real birth date 1900..today; region code in "
        "GB/T 2260 (soft: unknown regions keep a lower score)"
    )
    standard: ClassVar[str] = "GB 11643-1999; ISO 7064 MOD 11-2; GB/T 2260"

    def reject_many(self, pattern: str, core: pl.Expr) -> pl.Expr | None:
        """Batch path: a wrong MOD 11-2 check character (18-character pattern only).

        The 18-character pattern has a fixed length, so the verified value is the core.
        """
        if pattern != "cn_id_card_18":
            return None
        import polars as pl

        total = pl.sum_horizontal(
            [core.str.slice(k, 1).cast(pl.Int64) * w for k, w in enumerate(_WEIGHTS)]
        )
        expected = pl.lit(_CHECK_CHARS).str.slice(total % 11, 1)
        return core.str.slice(17, 1).str.to_uppercase() != expected

    def validate(self, value: str) -> bool | None:
        if len(value) in (20, 21, 22):  # grouped 6-8-4, 6-4-4-4 or in fours
            value = value.replace(" ", "").replace("-", "")
        if not is_valid_id(value):
            return False
        return True if value[:6] in regions() else None
