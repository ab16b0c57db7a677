"""BANK_CARD by account label: settlement and passbook accounts without a Luhn digit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard import Detector
from dataguard.mask import Masker

_LABELS = [
    "银行账号：",
    "收款账号 ",
    "对公账户=",
    "结算账户：",
    '"bankAccount":"',
    "acct_no=",
    "账号：",
]
# Words around the value: no surname character, so no name is found beside it (时上你好
# reads as a greeting to 时上).
_CONTEXT = st.text(alphabet="的是了在这们到得 abcxyz,;，。", max_size=12)


@st.composite
def accounts(draw: st.DrawFn) -> str:
    digits = draw(st.text(alphabet="0123456789", min_size=12, max_size=25))
    return digits if len(set(digits)) > 1 else digits[:-1] + str((int(digits[-1]) + 1) % 10)


@settings(max_examples=150, deadline=None)
@given(label=st.sampled_from(_LABELS), account=accounts(), before=_CONTEXT, after=_CONTEXT)
def test_an_account_after_its_label_is_found_whole_and_masked(
    detector: Detector, label: str, account: str, before: str, after: str
) -> None:
    text = f"{before} {label}{account} {after}"
    start = len(before) + 1 + len(label)
    found = [f for f in detector.detect(text) if f.entity == "BANK_CARD"]
    assert [(f.start, f.end) for f in found] == [(start, start + len(account))]
    masked = Masker().mask(text)
    assert account not in masked
    assert masked.startswith(f"{before} {label}")


@settings(max_examples=100, deadline=None)
@given(
    digits=st.text(alphabet="0123456789", min_size=1, max_size=11), label=st.sampled_from(_LABELS)
)
def test_fewer_than_twelve_digits_are_no_account(
    detector: Detector, digits: str, label: str
) -> None:
    """A login account, a QQ number or a short code under 账号 is no bank account."""
    from dataguard.recognizers.bank_account import BankAccountRecognizer

    text = f"{label}{digits} 已登录"
    found = detector.detect(text)
    assert not [f for f in found if f.recognizer == BankAccountRecognizer.__name__]


def test_a_bare_value_is_an_account_only_under_an_account_field(detector: Detector) -> None:
    """A cell under 工资账户 or 收款人账号 is an account; the same digits under a login
    account id or in a remark are not (no label says so)."""
    value = "0200004509012345678"
    found = detector.detect_record(
        {"工资账户": value, "收款人账号": value, "employee_bank_account": value,
         "accountId": value, "remark": value}
    )  # fmt: skip
    entities = {field: [f.entity for f in fs] for field, fs in found.items() if fs}
    assert entities == {
        "工资账户": ["BANK_CARD"],
        "收款人账号": ["BANK_CARD"],
        "employee_bank_account": ["BANK_CARD"],
    }
