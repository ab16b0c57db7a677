"""Chinese names in pinyin (``recognizers/name_pinyin.py``)."""

from __future__ import annotations

import json

import pytest
from dataguard.recognizers.name_pinyin import PinyinNameRecognizer, is_pinyin_name
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard import Detector
from dataguard.mask import Masker

# Written by hand from GB/T 28039-2011's rules, not drawn from the data files under test.
_SURNAMES = ["Zhang", "Wang", "Li", "Liu", "Chen", "Ouyang", "Zhuge", "Lv", "Xie", "Guo"]
_GIVEN = ["Wei", "Fang", "Xiaoming", "Nana", "Jianguo", "Yuxuan", "Hao", "Zihan", "Lei"]


@pytest.fixture(scope="module")
def pinyin_only() -> Detector:
    return Detector(recognizers=[PinyinNameRecognizer()])


def _names(detector: Detector, text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector.detect(text) if f.entity == "CN_NAME"]


_NAMES = st.builds(
    lambda surname, given, style: style(surname, given),
    st.sampled_from(_SURNAMES),
    st.sampled_from(_GIVEN),
    st.sampled_from(
        [
            lambda s, g: f"{s} {g}",
            lambda s, g: f"{s.upper()} {g}",
            lambda s, g: f"{s.upper()} {g.upper()}",
            lambda s, g: f"{g} {s}",
            lambda s, g: f"{s.lower()} {g.lower()}",
        ]
    ),
)
_PLACES = st.sampled_from(
    [
        '{{"name":"{}","mobile":"13812341050"}}',
        "passenger={} seat=32A",
        "realName: {}\n",
        "Dear {}, your order has shipped",
        "Hello {}!",
    ]
)


@settings(max_examples=150, deadline=None)
@given(name=_NAMES, place=_PLACES)
def test_a_pinyin_name_in_a_name_place_is_found(
    pinyin_only: Detector, name: str, place: str
) -> None:
    assert is_pinyin_name(name)
    assert _names(pinyin_only, place.format(name)) == [name]


@settings(max_examples=100, deadline=None)
@given(surname=st.sampled_from(_SURNAMES), given_name=st.sampled_from(_GIVEN))
def test_an_airline_record_with_a_title_is_found_and_one_without_is_not(
    pinyin_only: Detector, surname: str, given_name: str
) -> None:
    pnr = f"{surname.upper()}/{given_name.upper()}"
    assert _names(pinyin_only, f"PNR 7KQ2LM {pnr} MR CA1831") == [pnr]
    assert _names(pinyin_only, f"route {pnr} CA1831") == []


@pytest.mark.parametrize(
    "text",
    [
        '{"name":"Order Service"}',
        '{"name":"John Smith"}',
        '{"name":"order-service","env":"prod"}',
        "Dear Customer, thank you",
        "Hello World!",
        "see HE/SHE and AN/OR",
        '{"name":"McDonald Li"}',
        "Zhang Wei called",  # no name place: a pinyin pair alone is not enough
    ],
)
def test_english_words_and_bare_pairs_are_not_names(pinyin_only: Detector, text: str) -> None:
    assert _names(pinyin_only, text) == []


def test_the_given_name_holds_one_or_two_syllables() -> None:
    assert is_pinyin_name("Zhang Xiaoming")
    assert is_pinyin_name("Li Xiao Ming")
    assert not is_pinyin_name("Zhang Xiaomingming")  # three syllables
    assert not is_pinyin_name("Zhang Wxyz")  # no syllables
    assert not is_pinyin_name("Smith John")  # no surname at either end


def test_a_json_log_line_is_masked_and_stays_json() -> None:
    line = '{"name":"Zhang Wei","mobile":"13812341050"}'
    (out,) = Masker(fmt="json").mask_lines([line])
    record = json.loads(out)
    assert record["name"] == "Zhang ***"  # the surname kept, as 张伟 → 张*
    assert list(record) == ["name", "mobile"]
