"""CN_ID_CARD: MOD 11-2 check character, birth date, region soft signal."""

from __future__ import annotations

import datetime as dt

import pytest
from dataguard.recognizers.id_card import (
    IdCardRecognizer,
    birth_date,
    check_char,
    is_valid_id,
    regions,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard import Detector

R = IdCardRecognizer()
# Filler text around a value: CJK, punctuation, spaces and letters that spell no context
# word; the characters touching the value are never letters or digits.
_CJK = "的是了我你他好在有个人这上们来到时大地为子中你说生国年着就那和要她出也得里后自以会"
_FILLER = st.text(alphabet=_CJK + " ,;:=，。：、“”()[]{}bfgjkmpqvwy", max_size=20)
_EDGE = st.sampled_from([" ", ",", "：", "=", "“", "。", "(", "\t", "的"])


def make_id(region: str, born: dt.date, seq: int) -> str:
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + check_char(body)


def test_check_char_of_the_standard_example() -> None:
    # ref. GB 11643-1999 annex: 11010519491231002X
    assert check_char("11010519491231002") == "X"
    assert is_valid_id("11010519491231002X")


def test_lowercase_x_is_accepted() -> None:
    assert R.validate("11010519491231002x") is True


def test_wrong_check_char_is_rejected() -> None:
    assert R.validate("110105194912310021") is False


@pytest.mark.parametrize(
    "body",
    [
        "11010519900230001",  # 30 February
        "11010519900229001",  # 29 February of a common year
        "11010519901301001",  # month 13
        "11010518991231001",  # before 1900
        "11010520991231001",  # in the future
    ],
)
def test_impossible_or_future_dates_are_rejected(body: str) -> None:
    assert R.validate(body + check_char(body)) is False


def test_leap_day_is_a_real_date() -> None:
    assert R.validate(make_id("440305", dt.date(2000, 2, 29), 61)) is True


def test_today_is_injectable_for_the_future_check() -> None:
    value = make_id("110105", dt.date(2020, 6, 1), 1)
    assert is_valid_id(value, today=dt.date(2020, 6, 1))
    assert not is_valid_id(value, today=dt.date(2020, 5, 31))


def test_birth_date_of_both_lengths() -> None:
    assert birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert birth_date("110105491231002") == dt.date(1949, 12, 31)
    assert birth_date("110105490230002") is None


def test_legacy_15_digits() -> None:
    assert R.validate("320102800101153") is True
    assert R.validate("320102800230153") is False  # 30 February 1980
    assert R.validate("990000800101153") is None  # unknown region: pattern score only


def test_region_is_a_soft_signal() -> None:
    assert "110103" in regions()  # 崇文区, abolished 2010: still issued on old IDs
    assert "990000" not in regions()
    known = make_id("110103", dt.date(1985, 1, 1), 123)
    unknown = make_id("990000", dt.date(1985, 1, 1), 123)
    assert R.validate(known) is True
    assert R.validate(unknown) is None


def test_unknown_region_scores_lower_but_is_still_reported(detector: Detector) -> None:
    known = make_id("110105", dt.date(1985, 1, 1), 123)
    unknown = make_id("990000", dt.date(1985, 1, 1), 123)
    [k] = [f for f in detector.detect(f"x {known} y") if f.entity == "CN_ID_CARD"]
    [u] = [f for f in detector.detect(f"x {unknown} y") if f.entity == "CN_ID_CARD"]
    assert u.score == pytest.approx(0.6)
    assert k.score > u.score


def test_region_table_is_large_and_documented() -> None:
    assert len(regions()) > 5000
    assert all(len(code) == 6 and code.isdigit() for code in regions())


_ids = st.builds(
    make_id,
    st.sampled_from(sorted(regions())),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today()),
    st.integers(0, 999),
)


@settings(max_examples=150, deadline=None)
@given(value=_ids, before=_FILLER, after=_FILLER, left=_EDGE, right=_EDGE, lower=st.booleans())
def test_every_valid_id_is_found_in_text(
    detector: Detector, value: str, before: str, after: str, left: str, right: str, lower: bool
) -> None:
    value = value.lower() if lower else value
    text = before + left + value + right + after
    start = len(before + left)
    found = [(f.start, f.end) for f in detector.detect(text) if f.entity == "CN_ID_CARD"]
    assert found == [(start, start + 18)]


@settings(max_examples=150, deadline=None)
@given(value=_ids, before=_FILLER, after=_FILLER, left=_EDGE, right=_EDGE, data=st.data())
def test_a_changed_check_char_is_not_found(
    detector: Detector,
    value: str,
    before: str,
    after: str,
    left: str,
    right: str,
    data: st.DataObject,
) -> None:
    wrong = data.draw(st.sampled_from([c for c in "0123456789X" if c != value[-1]]))
    text = before + left + value[:-1] + wrong + right + after
    assert [f for f in detector.detect(text) if f.entity == "CN_ID_CARD"] == []


@settings(max_examples=100, deadline=None)
@given(value=_ids, digit=st.integers(0, 9), right=st.booleans())
def test_an_id_inside_a_longer_digit_run_is_not_found(
    detector: Detector, value: str, digit: int, right: bool
) -> None:
    text = f"{value}{digit}" if right else f"{digit}{value}"
    assert [f for f in detector.detect(text) if f.entity == "CN_ID_CARD"] == []


@given(
    st.text(alphabet="0123456789Xx", min_size=18, max_size=18).filter(lambda s: s[:17].isdigit())
)
def test_batch_rejection_only_rejects_what_validate_rejects(value: str) -> None:
    import polars as pl

    recognizer = IdCardRecognizer()
    rejected = (
        pl.DataFrame({"core": [value]})
        .select(recognizer.reject_many("cn_id_card_18", pl.col("core")))
        .item()
    )
    if rejected:
        assert recognizer.validate(value) is False
    else:
        assert value[17].upper() == check_char(value[:17])
