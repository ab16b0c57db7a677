"""What a destruction plan must never destroy, whatever its config says.

Ele.me 5.12 (standards.md §6): enterprise registration information (a business's credit
code, licence and registration record) is never destroyed: it is a legal-hold style
exemption. A [[rows]] target whose table looks like it holds it (by the table's name, or a
column named for a unified social credit code, a business licence or a registration
number) is exempted whole; the plan records the exemption and the rows it kept.

Legal holds from destroy.toml ([[holds]]) are the other kind: they exempt rows, not tables
(:mod:`dataguard.destroy.selection`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["ENTERPRISE_RULE", "enterprise_registration_evidence"]

#: The rule an exemption of enterprise registration information cites.
ENTERPRISE_RULE = "Ele.me 5.12: enterprise registration information is never destroyed"

# Word-bounded by "_" or the ends: `merchant_uscc`, `uscc_code` and `companies_registration`
# count; `merchant_region`, `buyer_credit_score` and `credit_code_hint` do not.
_HOLDER = r"(?:enterprise|compan(?:y|ie)|corp(?:orate)?|business|merchant|firm)s?"
_RECORD = r"(?:registration|register|registry|reg|licen[cs]e)s?"
_TABLE = re.compile(
    rf"(?:^|_){_HOLDER}_?{_RECORD}(?:_|$)|(?:^|_){_RECORD}_?{_HOLDER}(?:_|$)"
    r"|工商|企业注册|营业执照|企业登记",
    re.IGNORECASE,
)
_COLUMN = re.compile(
    r"(?:^|_)(?:uscc|unified_social_credit(?:_code)?|social_credit_code|credit_code|"
    r"business_licen[cs]e(?:_no|_number|_code)?|biz_licen[cs]e(?:_no)?|"
    r"(?:enterprise|company)_(?:registration|reg)_(?:no|number|code))(?:_(?:no|number|code|id))?$"
    r"|统一社会信用代码|营业执照|工商注册号",
    re.IGNORECASE,
)


def enterprise_registration_evidence(table: str, columns: Iterable[str]) -> str | None:
    """Why *table* looks like enterprise registration information, or None.

    The evidence names the table or the column (names, never values).
    """
    if _TABLE.search(table):
        return f"table name {table!r}"
    for column in columns:
        if _COLUMN.search(column):
            return f"column {column!r}"
    return None
