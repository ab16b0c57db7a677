"""Context words match lowercased ASCII text case-sensitively exactly as re.IGNORECASE does;
field names' signals are remembered, within a bound."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard import Detector
from dataguard.detect import context
from dataguard.detect.context import ContextScorer, _caseless_or_ascii

ASCII_PIECES = st.sampled_from(
    [
        *("Mobile", "MOBILE", "tel", "Phone", "order", "ORDER_NO", "Card", "id", "=", ":"),
        *(" ", "_", "13812345678", "x", "K", "S", "\\n", "\t", "email", "Name", "PassWord"),
        "token",
    ]
)


def test_caseless_or_ascii() -> None:
    assert _caseless_or_ascii(("mobile", "手机号", "卡号", "tel-1"))
    assert not _caseless_or_ascii(("ſecret",))  # re folds ſ with s
    assert not _caseless_or_ascii(("\u212aey",))  # and the Kelvin sign with k
    assert not _caseless_or_ascii(("straße",))
    assert ContextScorer.of(("ſ",), ()).folded is None


@settings(max_examples=300, deadline=None)
@given(st.lists(ASCII_PIECES, min_size=1, max_size=14).map("".join), st.data())
def test_folded_words_find_what_ignorecase_finds(
    detector: Detector, text: str, data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    for alt in detector._alternatives:
        scorer = alt.scorer
        assert scorer.signal_near(text, start, end, text.lower()) == scorer.signal_near(
            text, start, end
        )


def test_field_signals_are_remembered_within_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    scorer = ContextScorer.of(("手机", "mobile"), ("订单",))
    names = ["buyer_mobile", "订单号", "remark", "", None, "MOBILE_NO"]
    expected = [1, -1, 0, 0, 0, 1]
    assert [scorer.signal_in_field(n) for n in names] == expected
    assert [scorer.signal_in_field(n) for n in names] == expected  # remembered: the same
    monkeypatch.setattr(context, "_FIELDS_REMEMBERED", 3)
    for i in range(10):
        assert scorer.signal_in_field(f"field{i}") == 0
    assert len(scorer._fields) <= 3
    assert scorer.signal_in_field("buyer_mobile") == 1  # forgotten, then read again


def test_a_field_veto_outweighs_the_positive_words_beside_it() -> None:
    scorer = ContextScorer.of(("账号", "bank_account"), ("订单",), ("公积金", "housing_fund"))
    names = ["工资账号", "公积金账号", "HOUSING_FUND_bank_account", "订单账号", "remark"]
    assert [scorer.signal_in_field(n) for n in names] == [1, -1, -1, 1, 0]


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("订单号 138", -1),  # the negative word labels the value
        ('{"orderNo":"138', -1),
        ("订单号：138", -1),
        ("订单已创建 buyer=张伟(138", 0),  # it labels another key's value
        ('{"orderNo":"SO1","buyer":"138', 0),
        ("订单 ... a long way back, past sixteen: 138", 0),  # too far to label it
        ("订单备注：联系不上打138", 0),  # it begins another key (the order's remark)
        ("订单收货人：张伟 138", 0),
        ("订单编号：138", -1),  # the key goes on, naming an identifier
        ("订单号码=138", -1),
        ("orderno_list: 138", 0),
        ("138 订单号", -1),  # after the value, within its field
        ("138(订单号)", -1),
        ("sms_log|138|您的订单已发货", 0),  # after it, in the next field
        ("138，订单已发货", 0),
        ("138\t订单", 0),
    ],
)
def test_a_negative_word_counts_only_where_it_labels_the_value(text: str, signal: int) -> None:
    scorer = ContextScorer.of(("手机",), ("订单", "orderno"))
    start = text.index("138")
    assert scorer.signal_near(text, start, start + 3) == signal
