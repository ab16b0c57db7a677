"""Motor vehicle number plates of mainland China."""

from __future__ import annotations

import re
from typing import ClassVar

from dataguard.detect.recognizer import ALNUM_AFTER_NOT, ALNUM_BEFORE_NOT, Pattern, Recognizer

# ref. GA 36-2018 §5.1 / Appendix A: one-character abbreviations of the 31 provincial-level
# divisions that issue plates.
_PROVINCE = "[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
# Typed plates put a space after the province too (车牌：沪 A12345, which went out).
_PROVINCE_GAP = "[ ]?"
# ref. GA 36-2018 §5.1: issuing-authority letter; I and O are never used (read as 1 and 0).
_AUTHORITY = "[A-HJ-NP-Z]"
_SEP = "[·・•\\- ]?"
_CHAR = "[A-HJ-NP-Z0-9]"
# ref. GA 36-2018 §5.3: ordinary plates carry a 5-character serial of digits and letters.
_ORDINARY = _PROVINCE + _PROVINCE_GAP + _AUTHORITY + _SEP + _CHAR + "{5}"
# ref. GA 36-2018 §5.3 (new-energy plates): small vehicles D (battery electric) or F
# (other new energy) first, then a letter or digit, then 4 digits; large vehicles 5 digits
# then D or F.
_NEV_SMALL = _PROVINCE + _PROVINCE_GAP + _AUTHORITY + _SEP + "[DF][A-HJ-NP-Z0-9][0-9]{4}"
_NEV_LARGE = _PROVINCE + _PROVINCE_GAP + _AUTHORITY + _SEP + "[0-9]{5}[DF]"
# ref. GA 36-2018 §5.3: coach (学), police (警), trailer (挂) plates and Hong Kong / Macao
# cross-boundary plates (粤Z…港 / 粤Z…澳): a 4-character serial and the class character.
_SPECIAL = _PROVINCE + _PROVINCE_GAP + _AUTHORITY + _SEP + _CHAR + "{4}[学警挂港澳]"
_PARTS = re.compile(
    f"(?P<province>{_PROVINCE}){_PROVINCE_GAP}(?P<authority>{_AUTHORITY}){_SEP}"
    "(?P<serial>[A-Z0-9]+)"
    "(?P<suffix>[学警挂港澳]?)"
)
# ref. GA 36-2018 §5.3 serial numbering: at most two letters in an ordinary serial.
_MAX_LETTERS = 2


class LicensePlateRecognizer(Recognizer):
    """A mainland China vehicle number plate (GA 36-2018).

    Format: a province abbreviation (京, 粤 …), an issuing-authority letter (not I or O), an
    optional ``·`` or space, then a serial: 5 characters for ordinary plates (at most two
    letters, never I or O), 6 for new-energy plates (``京AD12345``, ``粤B12345F``, D or F in
    the positions GA 36-2018 gives them), or 4 plus 学 / 警 / 挂 / 港 / 澳 (港 and 澳 only
    on 粤Z cross-boundary plates).

    Examples:
        match: 京A12345
        match: 车牌号：⟦京A·F0236⟧，已入场
        match: 车牌：⟦沪 A12345⟧ 违停
        match: 新能源车⟦沪AD12345⟧驶离
        match: 粤B12345F
        match: {"plate":"⟦粤Z1234港⟧"}
        match: 教练车⟦苏E0123学⟧
        no-match: 京I12345
        no-match: 京A1234
        no-match: 京ABCD12
        no-match: 京A123456
        no-match: 浙A1234港
        no-match: 京A12O45
    """

    entity: ClassVar[str] = "CN_LICENSE_PLATE"
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("cn_plate_nev_small", ALNUM_BEFORE_NOT + _NEV_SMALL + ALNUM_AFTER_NOT, 0.55),
        Pattern("cn_plate_nev_large", ALNUM_BEFORE_NOT + _NEV_LARGE + ALNUM_AFTER_NOT, 0.55),
        Pattern("cn_plate_special", ALNUM_BEFORE_NOT + _SPECIAL, 0.55),
        Pattern("cn_plate", ALNUM_BEFORE_NOT + _ORDINARY + ALNUM_AFTER_NOT, 0.5),
    )
    context: ClassVar[tuple[str, ...]] = (
        "车牌",
        "车牌号",
        "车牌号码",
        "号牌",
        "号牌号码",
        "牌照",
        "车辆",
        "车号",
        "新能源",
        "入场",
        "出场",
        "停车",
        "plate",
        "plate_no",
        "license plate",
        "licence plate",
        "vehicle",
        "car_no",
        "chepai",
        "cph",
        "chepaihao",
    )
    negative_context: ClassVar[tuple[str, ...]] = ("型号", "model", "sku", "版本")
    specificity: ClassVar[int] = 50
    description: ClassVar[str] = "Mainland China motor vehicle number plate"
    validation: ClassVar[str] = (
        "province abbreviation; authority letter not I/O; serial shape per plate class; "
        "at most two letters in an ordinary serial; 港/澳 only on 粤Z"
    )
    standard: ClassVar[str] = "GA 36-2018"

    def validate(self, value: str) -> bool | None:
        m = _PARTS.fullmatch(value)
        if m is None:
            return False
        serial, suffix = m.group("serial"), m.group("suffix")
        if suffix in ("港", "澳") and m.group("province") + m.group("authority") != "粤Z":
            return False
        if len(serial) == 5 and not suffix and sum(ch.isalpha() for ch in serial) > _MAX_LETTERS:
            return False
        # No check character exists: the shape is all there is to confirm.
        return None
