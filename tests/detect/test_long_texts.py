"""Long single texts: no scan form reads a run once per position in it (scan.py), a long
text goes to Rust's linear-time regex engine (engine.LONG_TEXT), and a name repeated
thousands of times is followed in one pass (repeats.py).

A log line with an address in it and a 40 KB hex dump took 25 s through the logging
filter: the e-mail scan forms had no boundary, so Python's ``re`` read the rest of the hex
run from each of its 40,000 positions. ``benchmarks/long_lines.py`` measures these shapes;
the tests here hold the structure that keeps them linear, and the findings unchanged.
"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard import Detector
from dataguard.detect import engine
from dataguard.detect.recognizer import ALNUM_BEFORE_NOT
from dataguard.detect.repeats import _Taken
from dataguard.detect.scan import BOUNDARY_FORMS, _leading_boundary
from dataguard.mask import Masker

_ALNUM_CONSUMED = dict(BOUNDARY_FORMS)[ALNUM_BEFORE_NOT]


# -- boundaries ----------------------------------------------------------------------------


def test_a_further_one_class_lookbehind_narrows_the_consumed_character() -> None:
    boundary, rest = _leading_boundary(ALNUM_BEFORE_NOT + r"(?<![_+\-\\])[a-z]+@")
    assert rest == "[a-z]+@"
    assert boundary == _ALNUM_CONSUMED[:-1] + r"_+\-\\]"
    assert boundary.endswith(r"|[^0-9A-Za-z_+\-\\]")


def test_a_class_and_a_character_take_that_character_only_after_the_class() -> None:
    boundary, rest = _leading_boundary(
        ALNUM_BEFORE_NOT + r"(?<![_+\-\\])(?<![A-Za-z0-9]\.)(?<!//)[a-z]+@"
    )
    assert rest == "(?<!//)[a-z]+@"  # left to the anchored check
    assert boundary.endswith(r"|[^0-9A-Za-z_+\-\\\.]|(?:^|[^A-Za-z0-9])\.")


def test_after_a_class_or_at_the_start_consumes_one_of_the_class() -> None:
    regex = r"(?:(?<=[\s,\[\]])|^(?=[a-z]+@x\Z))[a-z]+@x"
    assert _leading_boundary(regex) == (r"^|[\s,\[\]]", "[a-z]+@x")
    # Not a negated class, nor an alternative other than the start.
    assert _leading_boundary(r"(?:(?<=[^a])|^)b") == ("", r"(?:(?<=[^a])|^)b")
    assert _leading_boundary(r"(?:(?<=[a])|(?=c))b") == ("", r"(?:(?<=[a])|(?=c))b")


def test_other_lookbehinds_are_left_alone() -> None:
    assert _leading_boundary(r"(?<![0-9])(?<!x)1") == ("^|[^0-9]", "(?<!x)1")
    assert _leading_boundary(r"(?<=a)b") == ("", "(?<=a)b")


_RUNS = st.lists(
    st.sampled_from([*"aZ09_+-.@,; \t\"'[]=|，。：张伟", "\\n", "%2C", "\\u0027"]), max_size=60
).map("".join)
_ADDRESSES = st.sampled_from(
    ["tt@163.com", "zhang.san+x@mail.qq.com", "用户@例子.中国", "a-b@c.cn"]
)


def _verified(alt: engine._Alternative, form: str, text: str) -> set[tuple[int, int]]:
    """The spans the full pattern gives at the starts *form* proposes."""
    spans = set()
    for m in re.finditer(form, text):
        found = alt.verify(text, m.start(2))
        if found is not None:
            spans.add(found)
    return spans


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_RUNS, _ADDRESSES), min_size=1, max_size=6))
def test_a_narrower_boundary_loses_no_address(pieces: list[str]) -> None:
    """The e-mail forms' boundaries (narrowed, or new for a Chinese local part) find each
    address the plain boundary (or none) found, or one overlapping it: a start the plain
    boundary proposed in vain consumed text where the narrower finds another start
    (``…qq.comtt@163.com`` run together)."""
    text = "".join(pieces)
    detector = Detector(entities=["EMAIL_ADDRESS"])
    for alt in detector._alternatives:
        plain = _ALNUM_CONSUMED if alt.pattern.name != "email_cjk_local" else ""
        now = _verified(alt, alt.form.regex, text)
        for start, end in _verified(alt, f"({plain})({alt.form.core})", text):
            assert any(s < end and start < e for s, e in now), (alt.pattern.name, text)


# -- long texts ----------------------------------------------------------------------------


def _long_line(rng: random.Random) -> str:
    pieces = [
        "user=tt@163.com recv hex=",
        "".join(rng.choice("0123456789abcdef") for _ in range(9_000)),
        " 姓名：张伟，手机13812341050 ",
        "\t" * 3_000,
        "张伟\t13912345678 ",
        "a." * 2_000,
        "@李雷 " * 500,
        "身份证110101199003074258",
    ]
    return "".join(pieces)


def test_a_long_text_goes_to_rust_and_finds_what_re_finds(
    detector: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _long_line(random.Random(7))
    assert len(text) > engine.LONG_TEXT
    expected = detector._detect_single(text, None)
    assert {f.entity for f in expected} >= {"EMAIL_ADDRESS", "CN_NAME", "CN_MOBILE", "CN_ID_CARD"}

    def refuse(text: str, field: str | None) -> list[object]:
        raise AssertionError(f"a text of {len(text)} code points went to Python's re")

    monkeypatch.setattr(detector, "_detect_single", refuse)
    assert detector.detect(text) == expected
    assert detector.detect(text, field="remark") == expected
    short = "手机13812341050"
    with pytest.raises(AssertionError, match="Python's re"):
        detector.detect(short)


def test_a_long_text_is_masked_whole() -> None:
    text = _long_line(random.Random(8))
    masked = Masker().mask(text)
    for value in ("tt@163.com", "13812341050", "13912345678", "110101199003074258", "李雷", "张伟"):
        assert value not in masked
    assert len(masked.splitlines()) == len(text.splitlines())


def test_a_name_after_a_long_run_of_tabs_is_still_found(detector: Detector) -> None:
    # The row patterns bound a cell's padding at 64 blanks; the last tab starts the cell.
    text = "\t" * 500 + "张伟\t13812341050"
    names = [text[f.start : f.end] for f in detector.detect(text) if f.entity == "CN_NAME"]
    assert names == ["张伟"]


def test_a_mention_list_names_everyone(detector: Detector) -> None:
    text = "@李雷 请审核 " + "@李雷 " * 3_000
    names = [f for f in detector.detect(text) if f.entity == "CN_NAME"]
    assert len(names) == 3_001
    assert all(text[f.start : f.end] == "李雷" for f in names)


# -- repeats' free spans ---------------------------------------------------------------------

_SPANS = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 8)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(_SPANS, _SPANS)
def test_taken_spans_answer_as_a_look_at_every_span(
    kept: list[tuple[int, int]], asked: list[tuple[int, int]]
) -> None:
    taken = _Taken(kept)
    spans = list(kept)
    for start, end in asked:
        free = not any(s < end and start < e for s, e in spans)
        assert taken.free(start, end) == free
        if free:
            taken.add(start, end)
            spans.append((start, end))
