"""UTF-8 stored in latin1 columns read back (``dataguard/sources/mojibake.py``)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataguard.sources.mojibake import utf8_behind_latin1
from dataguard.testing import generators as gen


@pytest.mark.parametrize(
    ("garbled", "text"),
    [
        ("å¼\xa0ä¼Ÿ", "张伟"),  # 张 ends in 0xA0: a no-break space in latin1
        ("èµµé\x9d™", "赵静"),  # 0x9D: unassigned in Windows-1252
        ("å®¢æˆ·ä¸\x81å®‡è½©", "客户丁宇轩"),
        ("ä¸Šæµ·å¸‚é»„æµ¦åŒº 13812341050", "上海市黄浦区 13812341050"),
    ],
)
def test_utf8_read_as_latin1_is_read_back(garbled: str, text: str) -> None:
    assert gen.as_read_from_latin1(text) == garbled
    assert utf8_behind_latin1(garbled) == text


@pytest.mark.parametrize(
    "value",
    [
        "café",  # é alone is no UTF-8 sequence
        "Müller",
        "Ã©",  # é encoded twice: valid, but no Chinese behind it
        "plain ascii 13812341050",
        "张伟",  # already text
        "å¼ ä¼Ÿ",  # a space where 0xA0 stood: not the bytes of anything
        "",
    ],
)
def test_other_text_is_left_alone(value: str) -> None:
    assert utf8_behind_latin1(value) is None


@given(seed=st.integers(0, 10**6))
def test_generated_names_and_addresses_round_trip(seed: int) -> None:
    rng = random.Random(seed)
    for text in (gen.chinese_name(rng), gen.address(rng), f"客户{gen.chinese_name(rng)}"):
        assert utf8_behind_latin1(gen.as_read_from_latin1(text)) == text
