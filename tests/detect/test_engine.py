"""The engine's contract, tested with small purpose-built recognizers.

These recognizers are defined here (not the built-ins) so that each test pins one rule of
the engine: every alternative tried at a position, validation, context, overlaps,
suppressors, value groups, records and the batch path.
"""

from __future__ import annotations

from typing import ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard import Detector, Finding
from dataguard.detect.engine import _SMALL_BATCH
from dataguard.detect.recognizer import DIGITS_AFTER_NOT, DIGITS_BEFORE_NOT, Pattern, Recognizer
from dataguard.errors import RecognizerError, UsageError

D = DIGITS_BEFORE_NOT
A = DIGITS_AFTER_NOT


class EvenSix(Recognizer):
    """Six digits whose sum is even (a stand-in for a checksum)."""

    entity: ClassVar[str] = "EVEN6"
    patterns: ClassVar[tuple[Pattern, ...]] = (Pattern("even6", D + r"[0-9]{6}" + A, 0.4),)
    context: ClassVar[tuple[str, ...]] = ("code", "编号")
    negative_context: ClassVar[tuple[str, ...]] = ("order",)
    specificity: ClassVar[int] = 90
    description = validation = standard = "test"

    def validate(self, value: str) -> bool | None:
        return sum(map(int, value)) % 2 == 0


class AnySix(Recognizer):
    """Any six digits, less specific, always plausible."""

    entity: ClassVar[str] = "ANY6"
    patterns: ClassVar[tuple[Pattern, ...]] = (Pattern("any6", D + r"[0-9]{6}" + A, 0.6),)
    specificity: ClassVar[int] = 10
    description = validation = standard = "test"


class Word(Recognizer):
    """'secret=VALUE' where only VALUE is the finding; needs context."""

    entity: ClassVar[str] = "WORD"
    patterns: ClassVar[tuple[Pattern, ...]] = (Pattern("kv", r"secret=(?P<value>[a-z]+)", 0.7),)
    description = validation = standard = "test"


class Named(Recognizer):
    """Capitalised words, reported only with context."""

    entity: ClassVar[str] = "NAMED"
    patterns: ClassVar[tuple[Pattern, ...]] = (Pattern("cap", r"(?<![A-Za-z])[A-Z][a-z]{2,}", 0.3),)
    context: ClassVar[tuple[str, ...]] = ("name",)
    requires_context: ClassVar[bool] = True
    description = validation = standard = "test"


class HexRun(Recognizer):
    """Suppressor: runs of 8+ hex characters that contain a letter."""

    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("hex", r"(?=[0-9a-f]*[a-f])[0-9a-f]{8,}", 0.1),
    )
    suppress_only: ClassVar[bool] = True


def make(*recognizers: Recognizer, **kwargs: float) -> Detector:
    """A detector of *recognizers* whose single-text path never loads the Hyperscan
    prefilter: ``detect`` stays the pure reference, and a batch padded to
    ``_SMALL_BATCH`` lines always takes the batch path."""
    detector = Detector(recognizers=recognizers, min_score=kwargs.get("min_score", 0.5))
    detector._multi = False
    return detector


def spans(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return [(f.entity, f.start, f.end) for f in findings]


def test_validated_candidate_beats_a_less_specific_one_on_the_same_text() -> None:
    det = make(EvenSix(), AnySix())
    assert spans(det.detect("x 112233 y")) == [("EVEN6", 2, 8)]


def test_a_rejected_candidate_leaves_the_other_alternative_at_the_same_position() -> None:
    det = make(EvenSix(), AnySix())
    assert spans(det.detect("x 112234 y")) == [("ANY6", 2, 8)]


def test_digit_boundaries_exclude_values_inside_longer_runs() -> None:
    det = make(EvenSix(), AnySix())
    assert det.detect("1122334") == []
    assert spans(det.detect("编号112233号")) == [("EVEN6", 2, 8)]


def test_positive_context_raises_and_negative_context_lowers_the_score() -> None:
    det = make(EvenSix(), min_score=0.0)
    plain = det.detect("value 112233")[0].score
    boosted = det.detect("code: 112233")[0].score
    lowered = det.detect("order: 112233")[0].score
    assert lowered < plain < boosted


def test_the_nearest_context_word_wins() -> None:
    det = make(EvenSix(), min_score=0.0)
    near_positive = det.detect("order 1, code 112233")[0].score
    near_negative = det.detect("code 1, order 112233")[0].score
    assert near_positive > near_negative


def test_field_name_counts_as_context() -> None:
    det = make(EvenSix(), min_score=0.0)
    assert det.detect("112233", field="product_code")[0].score > det.detect("112233")[0].score


def test_value_group_limits_the_span() -> None:
    assert spans(make(Word()).detect("a secret=hunter b")) == [("WORD", 9, 15)]


def test_requires_context() -> None:
    det = make(Named())
    assert det.detect("Alice went home") == []
    assert spans(det.detect("name: Alice")) == [("NAMED", 6, 11)]


def test_suppressor_removes_findings_inside_its_span_only() -> None:
    det = make(AnySix(), HexRun())
    assert det.detect("trace=ab123456cd") == []
    assert spans(det.detect("trace=abcdef12 123456")) == [("ANY6", 15, 21)]


def test_offsets_refer_to_the_original_text_after_normalisation() -> None:
    det = make(AnySix())
    text = "编号：１２３４５６"
    (finding,) = det.detect(text)
    assert text[finding.start : finding.end] == "１２３４５６"


def test_min_score_filters() -> None:
    assert make(AnySix(), min_score=0.7).detect("123456") == []


def test_unknown_entity_is_a_usage_error_naming_the_known_ones() -> None:
    with pytest.raises(UsageError, match="ANY6"):
        Detector(["NOPE"], recognizers=[AnySix()])


def test_min_score_outside_the_unit_interval_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        Detector(min_score=1.5, recognizers=[AnySix()])


def test_malformed_recognizers_fail_at_construction() -> None:
    class NoDocs(Recognizer):
        entity: ClassVar[str] = "X"
        patterns: ClassVar[tuple[Pattern, ...]] = (Pattern("x", "x", 0.5),)

    class BadRegex(Recognizer):
        entity: ClassVar[str] = "X"
        patterns: ClassVar[tuple[Pattern, ...]] = (Pattern("x", "(", 0.5),)
        description = validation = standard = "test"

    for bad in (NoDocs(), BadRegex()):
        with pytest.raises(RecognizerError):
            Detector(recognizers=[bad])


def test_finding_repr_and_dict_never_hold_the_value() -> None:
    (finding,) = make(AnySix()).detect("pin 987654")
    assert "987654" not in repr(finding)
    assert "987654" not in str(finding.to_dict())
    assert finding.preview == "9****4"


def test_detect_record_walks_nested_values_with_their_keys_as_context() -> None:
    det = make(EvenSix(), AnySix(), min_score=0.0)
    record = {"user": {"code": 112233, "tags": ["x", "445566"]}, "ok": True}
    found = det.detect_record(record)
    assert set(found) == {"user.code", "user.tags[1]"}
    assert found["user.code"][0].entity == "EVEN6"


LINE = st.text(
    alphabet=st.sampled_from(list("0123456789 ,:=-abcdefxyz编号码１２%\\u")), max_size=60
)


SMALL = make(EvenSix(), AnySix(), Word(), Named(), HexRun(), min_score=0.0)


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, max_size=20))
def test_batch_path_equals_line_by_line(lines: list[str]) -> None:
    padded = lines + [""] * _SMALL_BATCH  # always take the batch path
    assert SMALL.detect_lines(padded)[: len(lines)] == [SMALL.detect(x) for x in lines]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=10))
def test_batch_path_equals_line_by_line_with_the_builtins(
    detector: Detector, lines: list[str]
) -> None:
    padded = lines + [""] * _SMALL_BATCH
    assert detector.detect_lines(padded)[: len(lines)] == [detector.detect(x) for x in lines]


def test_batch_path_survives_undecodable_bytes() -> None:
    det = make(AnySix())
    line = b"\xff\xfe 123456".decode("utf-8", "surrogateescape")
    batch = [line] * _SMALL_BATCH
    assert det.detect_lines(batch) == [det.detect(line)] * _SMALL_BATCH
    assert spans(det.detect_lines(batch)[0]) == [("ANY6", 3, 9)]


def test_a_word_before_the_value_outweighs_a_nearer_word_after_it() -> None:
    det = make(EvenSix(), min_score=0.0)
    assert det.detect("code=112233, order=7")[0].score > det.detect("112233")[0].score


def test_words_after_count_when_none_come_before() -> None:
    det = make(EvenSix(), min_score=0.0)
    assert det.detect("112233 (order)")[0].score < det.detect("112233")[0].score


def test_context_never_crosses_a_line_break() -> None:
    det = make(EvenSix(), min_score=0.0)
    assert det.detect("code\n112233")[0].score == det.detect("112233")[0].score
