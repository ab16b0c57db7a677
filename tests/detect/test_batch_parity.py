"""The batch path (Rust scan through polars) finds exactly what the single-text path finds.

Lines are built from generated personal data, hard negatives, context words, separators,
escapes and CJK text, the material on which the two paths could drift apart.
"""

from __future__ import annotations

import random
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard import Detector
from dataguard.detect.engine import _SMALL_BATCH
from dataguard.testing import generators as g

GENERATORS = [*g.POSITIVES.values(), *g.NEGATIVES.values()]
GLUE = [
    " ",
    ",",
    "=",
    ":",
    "：",
    "，",
    "\\n",
    "\t",
    '"',
    "&",
    "手机号",
    "身份证",
    "卡号",
    "order_id=",
    "姓名：",
    "收货地址",
    "password=",
    "邮箱",
    "tel ",
    "订单号",
    "x",
    "中",
]


@st.composite
def log_lines(draw: st.DrawFn) -> str:
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    pieces: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        choice = draw(st.integers(0, 3))
        if choice == 0:
            pieces.append(rng.choice(GLUE))
        else:
            value = rng.choice(GENERATORS)(rng)
            form = draw(st.integers(0, 5))
            if form == 0:
                value = quote(value, safe="")
            elif form == 1:
                value = g.to_fullwidth(value)
            elif form == 2:
                value = value.encode("unicode_escape").decode("ascii")
            pieces.append(value)
    return "".join(pieces)


@settings(max_examples=150, deadline=None)
@given(st.lists(log_lines(), min_size=1, max_size=30))
def test_batch_equals_single_on_generated_logs(detector: Detector, lines: list[str]) -> None:
    padded = lines + [""] * _SMALL_BATCH  # always take the batch path
    assert detector.detect_lines(padded)[: len(lines)] == [detector.detect(x) for x in lines]
