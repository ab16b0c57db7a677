"""The batch path (Rust scan through polars) finds exactly what the single-text path finds.

Lines are built from generated personal data, hard negatives, context words, separators,
escapes and CJK text, the material on which the two paths could drift apart.
"""

from __future__ import annotations

import random
import re
from urllib.parse import quote

import pytest
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
    # Escapes the normaliser keeps, before and after values (percent-encoded JSON payloads).
    "%22",
    "%2C%22name%22%3A%22",
    "%22password%22%3A%22",
    "%26",
    "\\u0027",
    # ANSI colour codes of console logs, raw and as a JSON log holds them.
    "\x1b[36m",
    "\x1b[0m",
    "\\u001b[1;31m",
    "。",
    "qq。com",
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


FIELDS = st.sampled_from([None, "mobile", "orderNo", "realName", "bank_card", "address", "x"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(log_lines(), FIELDS), min_size=1, max_size=20))
def test_batch_with_field_names_equals_single(
    detector: Detector, rows: list[tuple[str, str | None]]
) -> None:
    padded = rows + [("", None)] * _SMALL_BATCH
    lines = [text for text, _ in padded]
    fields = [field for _, field in padded]
    batch = detector.detect_lines(lines, fields=fields)[: len(rows)]
    assert batch == [detector.detect(text, field=field) for text, field in rows]


def test_batch_finds_columns_across_line_breaks(detector: Detector) -> None:
    # The CSV column patterns match a header line and a row: only texts holding a line
    # break are scanned for them, and those must still give what detect gives.
    texts = [
        "id,姓名,phone\n1,张伟,13812345678",
        'user,password\nroot,"s3cr3t-Pa55"',
        "姓名,电话 张伟,13812345678",
        "nothing here",
    ]
    padded = texts + [""] * _SMALL_BATCH
    assert detector.detect_lines(padded)[: len(texts)] == [detector.detect(t) for t in texts]
    assert any(f.entity == "CN_NAME" for f in detector.detect(texts[0]))


def test_detect_record_with_many_fields_uses_field_names(detector: Detector) -> None:
    record = {f"k{i}": "nothing" for i in range(30)}
    record["receiver"] = {"mobile": 13812345678, "name": "x"}  # type: ignore[assignment]
    found = detector.detect_record(record)
    assert list(found) == ["receiver.mobile"]
    assert found["receiver.mobile"][0].entity == "CN_MOBILE"


def test_fields_must_match_lines(detector: Detector) -> None:
    with pytest.raises(ValueError, match="one field per line"):
        detector.detect_lines(["a", "b"], fields=["x"])


_FOLDED = st.sampled_from(
    ["ſecret=x", "paſſword:1", "\u212aey=1", "\u0130d_token=a", "<password>x</"]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(log_lines(), _FOLDED), min_size=1, max_size=12))
def test_python_scan_forms_find_what_the_rust_forms_say(
    detector: Detector, lines: list[str]
) -> None:
    """Python runs a scan form with a first-character hint (scan.py); the matches are the
    ones of the form as written, which is what Rust runs."""
    text = "\n".join(lines)
    for alt in detector._alternatives:
        if alt.form.python.pattern == alt.form.regex:
            continue
        written = [(m.start(2), m.end()) for m in re.finditer(alt.form.regex, text)]
        hinted = [(m.start(2), m.end()) for m in alt.form.python.finditer(text)]
        assert hinted == written, alt.pattern.name
