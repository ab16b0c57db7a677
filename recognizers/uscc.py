"""Unified social credit codes (统一社会信用代码) of organisations."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from dataguard.detect.recognizer import ALNUM_AFTER_NOT, ALNUM_BEFORE_NOT, Pattern, Recognizer

from ._context import ORDER_FIELD_WORDS
from ._tabular import column_patterns

if TYPE_CHECKING:
    import polars as pl

# ref. GB 32100-2015 §4.2 / Table 1: the 31-character code set (no I, O, S, V, Z).
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# ref. GB 32100-2015 §4.3 / Table 2: weights W_i = 3^(i-1) mod 31 for positions 1-17.
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# ref. GB 11714-1997 §4.2: weights of the organisation code's 8 body characters.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_CHAR = "[0-9A-HJ-NP-RTUW-Y]"
# ref. GB 32100-2015 §4.1 / Appendix A: 1 registration authority (1-9, A, N, Y), 2 org
# type, 3-8 GB/T 2260 region code, 9-17 GB 11714 organisation code, 18 check character.
_USCC = r"[1-9ANY][1-9][0-9]{6}" + _CHAR + r"{9}" + _CHAR
_ID_SHAPED = re.compile(r"[0-9]{17}[0-9X]")
# A credit-code column of a CSV header or an INSERT column list: the context of its values
# is a line above them (context words never cross a line break).
_COLUMN = (
    r"统一社会信用代码|社会信用代码|信用代码|纳税人识别号|税号"
    r"|(?i:(?:[a-z]+_?)?(?:uscc|(?:social_?)?credit_?code|tax_?(?:no|id|num(?:ber)?)|"
    r"taxpayer_?(?:no|id)|(?:ty)?shxydm))"
)


def check_char(first17: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters of a code."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True when *code* is 18 code-set characters whose check character is right."""
    if len(code) != 18 or any(ch not in ALPHABET for ch in code):
        return False
    return check_char(code[:17]) == code[17]


def org_check_char(body: str) -> str:
    """The GB 11714-1997 check character of an organisation code's 8 body characters."""
    # ref. GB 11714-1997 §4.2: digits keep their value, letters A-Z count 10-35;
    # C9 = 11 - (sum mod 11), 10 → X, 11 → 0.
    total = sum(int(ch, 36) * w for ch, w in zip(body, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else str(value % 11)


def is_valid_org_code(code: str) -> bool:
    """True when the 9-character organisation code carries a correct GB 11714 check."""
    return len(code) == 9 and code[:8].isalnum() and org_check_char(code[:8]) == code[8]


class UsccRecognizer(Recognizer):
    """A unified social credit code (统一社会信用代码) of a company or other organisation.

    Format (GB 32100-2015): 18 characters from ``0-9ABCDEFGHJKLMNPQRTUWXY``: registration
    authority (1 机构编制, 5 民政, 9 工商, Y 其他 …), organisation type, 6-digit region
    code, 9-character organisation code (GB 11714, with its own check character) and a
    check character: weights ``3^(i-1) mod 31``, check = ``31 - sum mod 31`` (31 → 0).
    A code whose organisation code also checks out is confirmed; one that passes only the
    main check needs context. An all-digit code is ID-card shaped (18 digits, check 0-9 or
    X) and also needs context, so that an ID number is not reported as a company.

    Examples:
        match: 91110108MA7K3P2Q81
        match: 统一社会信用代码：⟦91330106MA2H8R4T62⟧
        match: {"uscc":"⟦52440305MJL5Y0C39F⟧"}
        match: 纳税人识别号 ⟦91440300MA5G7N1W0H⟧ 开票
        match: 供应商⟦Y1110000MB1K0E9X6X⟧已入库
        no-match: 91110108MA7K3P2Q82
        match: INSERT INTO firm (id, uscc) VALUES (7, '⟦511525027084816207⟧');
        no-match: INSERT INTO orders (id, order_no) VALUES (7, '511525027084816207');
        no-match: 91440300MA5G7N1W0H
        no-match: 913501005731284907
        no-match: 91110108MA7K3P2Q81A
        no-match: 0x91110108MA7K3P2Q81
        no-match: 9I110108MA7K3P2Q81
    """

    entity: ClassVar[str] = "CN_USCC"
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("cn_uscc", ALNUM_BEFORE_NOT + _USCC + ALNUM_AFTER_NOT, 0.4),
        *column_patterns("cn_uscc", _COLUMN, _USCC, 0.6),
    )
    context: ClassVar[tuple[str, ...]] = (
        "统一社会信用代码",
        "社会信用代码",
        "信用代码",
        "纳税人识别号",
        "税号",
        "营业执照",
        "企业",
        "公司",
        "单位",
        "uscc",
        "credit code",
        "credit_code",
        "creditcode",
        "credit-code",
        "tax id",
        "tax_no",
        "taxno",
        "tin",
        "license",
        "tongyishehuixinyongdaima",
        "xinyongdaima",
        "shxydm",
        "tyshxydm",
    )
    negative_context: ClassVar[tuple[str, ...]] = (
        "订单",
        *ORDER_FIELD_WORDS,
        "trace",
        "流水",
        "sku",
    )
    validated_score: ClassVar[float] = 0.9
    specificity: ClassVar[int] = 85
    description: ClassVar[str] = "Unified social credit code of an organisation (China)"
    validation: ClassVar[str] = (
        "GB 32100-2015 mod-31 check character; confirmed when the GB 11714 organisation "
        "code check also holds and the code is not ID-card shaped (all digits)"
    )
    standard: ClassVar[str] = "GB 32100-2015; GB 11714-1997"

    def reject_many(self, pattern: str, core: pl.Expr) -> pl.Expr | None:
        """Batch path: a wrong GB 32100 check character, computed column-wise.

        The pattern has a fixed length of 18, so the verified value is the core itself.
        """
        import polars as pl

        values = {ch: i for i, ch in enumerate(ALPHABET)}
        total = pl.sum_horizontal(
            [
                core.str.slice(k, 1).replace_strict(values, return_dtype=pl.Int64) * w
                for k, w in enumerate(WEIGHTS)
            ]
        )
        expected = pl.lit(ALPHABET).str.slice((31 - total % 31) % 31, 1)
        return core.str.slice(17, 1) != expected

    def validate(self, value: str) -> bool | None:
        if not is_valid_uscc(value):
            return False
        if _ID_SHAPED.fullmatch(value) or not is_valid_org_code(value[8:17]):
            return None
        return True
