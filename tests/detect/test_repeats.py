"""A name found once is found wherever else it stands in the text (detect/repeats.py)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard import Detector
from dataguard.mask import Masker
from dataguard.testing import generators as gen


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


def _names(detector: Detector, text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector.detect(text) if f.entity == "CN_NAME"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # 万华 (a company's name too) has no label in the remark; the key names it first.
        ('{"id":1,"name":"万华","remark":"万华来电咨询退款"}', ["万华", "万华"]),
        ("客户：李娜，李娜要求退款", ["李娜", "李娜"]),
        # Full-width digits are normalised before the scan; offsets still point at the names.
        ("姓名：王芳 １３８ 王芳", ["王芳", "王芳"]),
        # A name that nothing labels stays unfound, repeated or not.
        ("万华来电，万华要求退款", []),
    ],
)
def test_a_found_name_is_found_again_in_the_same_text(
    detector: Detector, text: str, names: list[str]
) -> None:
    assert _names(detector, text) == names


def test_the_repeat_is_masked_as_the_first_and_in_a_batch(detector: Detector) -> None:
    line = '{"name":"万华","remark":"万华来电咨询退款"}'
    expected = '{"name":"万*","remark":"万*来电咨询退款"}'
    assert Masker("display").mask_lines([line]) == [expected]
    assert Masker("display").mask_lines([line] * 40) == [expected] * 40


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_a_generated_labelled_name_is_masked_everywhere_in_its_line(seed: int) -> None:
    rng = random.Random(seed)
    name = gen.chinese_name(rng)
    line = f"收件人：{name}，备注：{name}不在家请放门卫，{name}"
    masked = Masker("display").mask(line)
    assert name not in masked
    assert masked.count("，") == line.count("，")  # the text around the names stays
