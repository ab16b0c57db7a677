"""BANK_CARD: Luhn, issuer prefixes, context."""

from __future__ import annotations

import pytest
from dataguard.recognizers.bank_card import BankCardRecognizer, known_bin, luhn_ok
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard import Detector

R = BankCardRecognizer()
_CJK = "的是了我你他好在有个人这上们来到时大地为子中你说生国年着就那和要她出也得里后自以会"
_FILLER = st.text(alphabet=_CJK + " ,;:=，。：、“”()[]{}bfgjkmqvwy", max_size=20)
_EDGE = st.sampled_from([" ", ",", "：", "=", "“", "。", "(", "\t", "的"])


def with_luhn(prefix: str) -> str:
    """*prefix* completed by its Luhn check digit."""
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


def test_luhn_reference_number() -> None:
    # ref. ISO/IEC 7812-1 annex B worked example
    assert luhn_ok("79927398713")
    assert not luhn_ok("79927398710")


@pytest.mark.parametrize(
    ("prefix", "length"),
    [
        ("622202", 19),
        ("621700", 16),
        ("9558", 19),
        ("9559", 19),
        ("601382", 19),
        ("601428", 19),
        ("4367", 16),
        ("4367", 19),
        ("51", 16),
        ("55", 16),
        ("2221", 16),
        ("2720", 16),
        ("34", 15),
        ("37", 15),
        ("3528", 16),
        ("3589", 19),
        ("6011", 16),
        ("644", 16),
        ("65", 16),
    ],
)
def test_known_issuer_prefixes_are_confirmed(prefix: str, length: int) -> None:
    value = with_luhn(prefix + "1" * (length - len(prefix) - 1))
    assert known_bin(value)
    assert R.validate(value) is True


@pytest.mark.parametrize(
    ("prefix", "length"),
    [("88", 19), ("4", 18), ("51", 19), ("2720", 19), ("37", 16), ("56", 16), ("2721", 16)],
)
def test_unknown_prefix_or_length_keeps_the_low_score(prefix: str, length: int) -> None:
    value = with_luhn(prefix + "1" * (length - len(prefix) - 1))
    assert R.validate(value) is None


def test_failing_luhn_is_rejected() -> None:
    good = with_luhn("622202123456789012")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert R.validate(good) is True
    assert R.validate(bad) is False


def test_grouped_forms_are_validated_on_their_digits() -> None:
    value = with_luhn("622202123456789012")
    assert R.validate(" ".join(value[i : i + 4] for i in range(0, 19, 4))) is True
    assert R.validate("-".join(value[i : i + 4] for i in range(0, 19, 4))) is True


def test_unknown_prefix_needs_context(detector: Detector) -> None:
    value = with_luhn("880012345678901234")
    assert [f for f in detector.detect(value) if f.entity == "BANK_CARD"] == []
    for word in ("卡号：", "card_no=", "kahao ", "银行卡 ", "账号"):
        assert [f.entity for f in detector.detect(word + value)] == ["BANK_CARD"], word


@pytest.mark.parametrize(
    "word", ["订单号：", "order_id=", "trade_no=", "交易号 ", "流水 ", "运单 ", "txn=", "serial "]
)
def test_negative_context_drops_a_valid_card(detector: Detector, word: str) -> None:
    value = with_luhn("622202123456789012")
    assert [f for f in detector.detect(word + value) if f.entity == "BANK_CARD"] == []


_PREFIXES = st.sampled_from(["62", "622202", "621700", "9558", "601382", "4", "51", "2221", "3528"])


@st.composite
def cards(draw: st.DrawFn) -> str:
    prefix = draw(_PREFIXES)
    # 16 and 19 digits: 15 and 18 are also the lengths of ID numbers, which win overlaps.
    lengths = [16] if prefix in ("51", "2221") else [16, 19]
    length = draw(st.sampled_from(lengths))
    body = draw(
        st.text("0123456789", min_size=length - len(prefix) - 1, max_size=length - len(prefix) - 1)
    )
    return with_luhn(prefix + body)


def _grouped(value: str, sep: str) -> str:
    return sep.join(value[i : i + 4] for i in range(0, len(value), 4)) if sep else value


@settings(max_examples=150, deadline=None)
@given(
    value=cards(),
    sep=st.sampled_from(["", " ", "-"]),
    before=_FILLER,
    after=_FILLER,
    left=_EDGE,
    right=_EDGE,
)
def test_every_valid_card_is_found_in_text(
    detector: Detector, value: str, sep: str, before: str, after: str, left: str, right: str
) -> None:
    shown = _grouped(value, sep)
    text = before + left + shown + right + after
    start = len(before + left)
    found = [(f.start, f.end) for f in detector.detect(text) if f.entity == "BANK_CARD"]
    assert found == [(start, start + len(shown))]


@settings(max_examples=150, deadline=None)
@given(value=cards(), before=_FILLER, after=_FILLER, left=_EDGE, right=_EDGE, data=st.data())
def test_a_changed_digit_is_not_found(
    detector: Detector,
    value: str,
    before: str,
    after: str,
    left: str,
    right: str,
    data: st.DataObject,
) -> None:
    i = data.draw(st.integers(0, len(value) - 1))
    d = data.draw(st.sampled_from([c for c in "0123456789" if c != value[i]]))
    changed = value[:i] + d + value[i + 1 :]
    assert not luhn_ok(changed)  # Luhn catches every single-digit error
    text = before + left + changed + right + after
    assert [f for f in detector.detect(text) if f.entity == "BANK_CARD"] == []


# No deadline: the first example imports polars and builds its expression engine.
@settings(deadline=None)
@given(st.text(alphabet="0123456789", min_size=15, max_size=19).filter(lambda s: s[0] != "0"))
def test_batch_rejection_only_rejects_what_validate_rejects(value: str) -> None:
    import polars as pl

    recognizer = BankCardRecognizer()
    rejected = (
        pl.DataFrame({"core": [value]})
        .select(recognizer.reject_many("bank_card", pl.col("core")))
        .item()
    )
    assert rejected == (not luhn_ok(value))
    if rejected:
        assert recognizer.validate(value) is False
