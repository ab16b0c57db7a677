"""Bank account numbers after an account label: settlement and passbook accounts, which
follow no card checksum."""

from __future__ import annotations

from typing import ClassVar

from dataguard.detect.recognizer import ALNUM_AFTER_NOT, Pattern, Recognizer

from ._tabular import column_patterns

# ref. standards.md §2 (the bank's API spec: an account, a card, a name, an ID number
# returned to an application are masked) and invoice, payroll and transfer records: the
# labels of a bank account (银行账号：…, 开户行 … 账号：…). A bare 账号 (a login account as
# often) labels one only before twelve digits or more, which no login name or QQ number has.
# In text a bare 账号 is searched for, which also ends every longer label (银行账号, 对公账户):
# a pattern for those would find the same values again. The longer labels name a column.
_BARE_LABEL = "(?:账号|帐号|账户|帐户)(?:号码|号)?"
_ACCOUNT_LABELS = (
    "(?:银行|收款|付款|对公|结算|开户|基本|一般|工资|入账|出账|汇款|转入|转出|还款|放款)"
    + _BARE_LABEL
)
# English account keys (bank_account, bankAccountNo, account_no, acctNum), in text and as
# column names.
# The pinyin initials of 银行账号 and 银行卡号 too (yhzh, yhkh: government and hospital
# systems).
_ENGLISH_KEY = (
    r"bank_?acc(?:oun)?t(?:_?(?:no|num(?:ber)?))?|acc(?:oun)?t_?(?:no|num(?:ber)?)|yh[kz]h"
)
_ENGLISH_LABEL = (
    r"(?<![A-Za-z])(?i:"
    + _ENGLISH_KEY
    + r"|payee_?acc(?:oun)?t|payer_?acc(?:oun)?t|settle(?:ment)?_?acc(?:oun)?t)"
)
# The label's quote, a separator, the value's quote: ``账号：…``, ``"bankAccount":"…"``.
# Or an opening bracket (收款账号[{}], a Java log template; 账号【…】).
_SEP = r"""["']?[ \t]*(?:[:：=]|是|为|[\[【(（])?[ \t]*["']?"""
# ref. account numbering of the large banks: 12 (BOC, older) to 22 digits (corporate
# accounts), bare or grouped in fours by spaces or dashes; the first digit may be 0
# (ICBC passbooks: 0200…).
_DIGITS = r"[0-9]{10,25}|[0-9]{4}(?:[- ][0-9]{4}){2,5}(?:[- ][0-9]{1,4})?"
# An account column of a CSV header or an INSERT column list (bank_account, acct_no,
# 收款账号): the column name is the label the value lacks.
_COLUMN = _ACCOUNT_LABELS + r"|(?i:(?:[a-z]+_?)?(?:" + _ENGLISH_KEY + "))"
_VALUE = "(?P<value>" + _DIGITS + ")" + ALNUM_AFTER_NOT + r"(?![- ]?[0-9])(?!\.[0-9])(?![*＊])"


class BankAccountRecognizer(Recognizer):
    """A bank account number after a label that names it (reported as ``BANK_CARD``).

    Format: 12 to 25 digits, bare or grouped by four, after an account label: 银行账号,
    收款账号, 付款账户, 对公账户, 结算账号, 开户账号 … (with 号码 / 号), ``bank_account``,
    ``account_no``, ``acct_number``, ``payee_account``; after a bare 账号 / 账户 only from 12
    digits up (a login account or a QQ number has fewer). Settlement, corporate and passbook
    accounts carry no Luhn digit, so, unlike a card number, the label is the whole evidence.
    Masked as a card is (first 6 and last 4 kept).

    Examples:
        match: 开户行：中国工商银行北京海淀支行 账号：⟦0200004509012345678⟧
        match: 发票信息：抬头=杭州某某科技有限公司 开户行=招商银行杭州分行 账号=⟦571909876543210⟧
        match: 对公账户 ⟦1234 5678 9012 3456 789⟧
        match: {"bankAccount":"⟦0200004509012345678⟧","bankName":"工商银行"}
        match: 收款账号：⟦110061234018800012345⟧ 户名：张三
        match: bank_account: ⟦0200004509012345678⟧
        match: 收款账号[⟦110061234018800012345⟧]
        match: yhzh：⟦0200004509012345678⟧
        no-match: 账号：10086
        no-match: 账号：13812341050
        no-match: 账号：zhangsan2024
        no-match: 银行账号：0200004509012345678901234567
        no-match: 账户余额 1234567890123.50
        no-match: 账号：020000450901****5678
        no-match: 0200004509012345678
        match: INSERT INTO t_pay (id, bank_account) VALUES (1, '⟦0200004509012345678⟧');
    """

    entity: ClassVar[str] = "BANK_CARD"
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("bank_account_label", _BARE_LABEL + _SEP + _VALUE, 0.85),
        Pattern("bank_account_english", _ENGLISH_LABEL + _SEP + _VALUE, 0.85),
        # A whole field value (a cell under 工资账户, {"bankAccount": …} in a record): the
        # field name supplies the label, so the base score is below the threshold and
        # only an account field lifts it.
        Pattern("bank_account_field", r"^[ \t]*(?P<value>" + _DIGITS + r")[ \t]*$", 0.3),
        # The value under an account column of a CSV export or an INSERT statement.
        *column_patterns("bank_account", _COLUMN, "[0-9]{12,25}", 0.6),
    )
    # Substrings of a field name that name a bank account (工资账户, 收款人账号,
    # employee_bank_account); not a bare "account", which names login accounts as often.
    context: ClassVar[tuple[str, ...]] = (
        "账号",
        "帐号",
        "账户",
        "帐户",
        "bank_account",
        "bankaccount",
        "bank_acct",
        "bankacct",
        "account_no",
        "accountno",
        "account_num",
        "accountnum",
        "acct_no",
        "acctno",
        "acct_num",
        "acctnum",
    )
    # ref. accounts of the housing provident fund and social and medical insurance: they
    # are numbered by their funds, not by banks (公积金账号, 社保账号, 医保账户).
    field_vetoes: ClassVar[tuple[str, ...]] = (
        "公积金",
        "社保",
        "医保",
        "housing_fund",
        "housingfund",
        "provident",
        "social_security",
        "social_insurance",
        "medical_insurance",
    )
    # Below the card recognizer: a Luhn-valid card under 账号 is reported as the card.
    specificity: ClassVar[int] = 70
    description: ClassVar[str] = "Bank account number (after an account label)"
    validation: ClassVar[str] = (
        "12-25 digits after an account label (银行账号, 对公账户, bank_account …); "
        "no checksum exists"
    )
    standard: ClassVar[str] = "standards.md §2 (bank API spec: accounts masked); JR/T 0171-2020"

    def validate(self, value: str) -> bool | None:
        digits = "".join(ch for ch in value if ch.isdigit())
        # A run of one digit (000000000000) is a placeholder, not an account. A valid one
        # keeps its pattern's score (no checksum confirms it): the label's 0.85, or a bare
        # field's 0.3 until an account field name lifts it.
        if not 12 <= len(digits) <= 25 or len(set(digits)) == 1:
            return False
        return None
