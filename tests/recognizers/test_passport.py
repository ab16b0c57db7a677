"""PRC passport numbers: shape only, reported with context."""

from __future__ import annotations

from dataguard.recognizers.passport import PassportRecognizer
from hypothesis import given
from hypothesis import strategies as st

from dataguard import Detector

_NUMBERS = st.one_of(
    st.from_regex(r"[EGDSPH][0-9]{8}", fullmatch=True),
    st.from_regex(r"E[A-Z][0-9]{7}", fullmatch=True),
)
_CONTEXT = st.sampled_from(["护照号码：", "passport=", "huzhao:", "证件号 ", '{"passportNo":"'])


def _spans(detector: Detector, text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in detector.detect(text) if f.entity == "CN_PASSPORT"]


def test_bare_score_is_below_the_reporting_threshold() -> None:
    # The column patterns carry their context (the column name) in the match itself, and
    # the permit pattern its label (港澳通行证…).
    bare = [
        p
        for p in PassportRecognizer.patterns
        if not p.name.endswith("_column") and p.name != "cn_exit_entry_permit"
    ]
    assert [p.name for p in bare] == ["cn_passport", "cn_passport_e2"]
    assert all(p.score < 0.5 for p in bare)
    assert PassportRecognizer().validate("E12345678") is None


def test_field_name_counts_as_context(detector: Detector) -> None:
    assert [f.entity for f in detector.detect("E12345678", field="passport_no")] == ["CN_PASSPORT"]
    assert detector.detect("E12345678", field="order_no") == []


@given(number=_NUMBERS, context=_CONTEXT)
def test_with_context_every_number_is_found(detector: Detector, number: str, context: str) -> None:
    text = f"{context}{number}，请核对"
    assert _spans(detector, text) == [(len(context), len(context) + len(number))]


@given(number=_NUMBERS)
def test_without_context_nothing_is_reported(detector: Detector, number: str) -> None:
    assert _spans(detector, f"编号 {number} 已登记") == []


@given(number=_NUMBERS, glue=st.sampled_from("0123456789AZaz"))
def test_glued_to_letters_or_digits_is_not_a_passport(
    detector: Detector, number: str, glue: str
) -> None:
    assert _spans(detector, f"护照号码：{number}{glue}") == []
    assert _spans(detector, f"护照号码：{glue}{number}") == []
