"""Suppressors: machine identifiers and masked values hide the digit runs inside them."""

from __future__ import annotations

import re
from typing import ClassVar

import pytest
from dataguard.recognizers.suppressors import (
    HexDigestSuppressor,
    MaskedValueSuppressor,
    UuidSuppressor,
)

from dataguard import Detector
from dataguard.detect.recognizer import Pattern, Recognizer
from dataguard.detect.registry import builtin_recognizers


class _LooseDigits(Recognizer):
    """A test recognizer with digit boundaries only, as a careless plugin might write."""

    entity: ClassVar[str] = "LOOSE_DIGITS"
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("mobile_like", r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])", 0.9),
        Pattern("id_like", r"(?<![0-9])[1-9][0-9]{16}[0-9X](?![0-9])", 0.9),
    )
    description: ClassVar[str] = "test"
    validation: ClassVar[str] = "test"
    standard: ClassVar[str] = "test"


SUPPRESSORS = [UuidSuppressor(), HexDigestSuppressor(), MaskedValueSuppressor()]

# Each holds a phone- or ID-number-shaped digit run inside a machine identifier.
HIDDEN = [
    "request_id=550e8400-e29b-41d4-a716-f13812345678",
    "REQUEST_ID=550E8400-E29B-41D4-A716-A13812345678",
    "traceparent: 00-" + "4bf92f3577b34da" + "a13812345678e" + "4736" + "-00f067aa0ba902b7-01",
    "trace_id=4bf92f3577b34da6a3ce13812345678f",
    "commit " + "ab" + "110105194912310023" + "cdef" * 5,
    "image: nginx@sha256:" + "a13812345678b" * 4 + "abcdefabcdef",
    "digest=sm3:" + "13812345678abcdef0" * 3 + "0123456789",
    "DIGEST=" + "AB" + "13812345678" + "CDEF" * 4 + "012",
]


def test_hidden_identifiers_have_the_lengths_they_claim() -> None:
    assert len(HIDDEN[2].split("-")[1]) == 32
    assert len(HIDDEN[3].split("=")[1]) == 32
    assert len(HIDDEN[4].split(" ")[1]) == 40
    assert len(HIDDEN[5].split(":")[-1]) == 64
    assert len(HIDDEN[6].split(":")[-1]) == 64
    assert len(HIDDEN[7].split("=")[1]) == 32


@pytest.mark.parametrize("text", HIDDEN)
def test_no_default_finding_inside_a_machine_identifier(detector: Detector, text: str) -> None:
    assert detector.detect(text) == []


@pytest.mark.parametrize("text", HIDDEN)
def test_suppressors_remove_what_a_loose_recognizer_finds_inside_identifiers(text: str) -> None:
    loose = Detector(recognizers=[_LooseDigits()])
    guarded = Detector(recognizers=[_LooseDigits(), *SUPPRESSORS])
    assert loose.detect(text), "the loose recognizer should fire without suppressors"
    assert guarded.detect(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("13812345678 550e8400-e29b-41d4-a716-446655440000", "13812345678"),
        ("550e8400-e29b-41d4-a716-446655440000 13812345678", "13812345678"),
        ("550e8400-e29b-41d4-a716-446655440000,tel=13812345678", "13812345678"),
        ("sha256:" + "ab" * 32 + " 联系电话13812345678", "13812345678"),
        ("138****5678 13912345678", "13912345678"),
    ],
)
def test_a_real_number_next_to_an_identifier_is_still_found(
    detector: Detector, text: str, value: str
) -> None:
    for det in (detector, Detector(recognizers=[_LooseDigits(), *SUPPRESSORS])):
        assert [text[f.start : f.end] for f in det.detect(text)] == [value]


@pytest.mark.parametrize(
    "text",
    ["138****5678", "6222********1234", "110***********1234", "1**************X", "tt**@1**.com"],
)
def test_masked_values_are_recognised(detector: Detector, text: str) -> None:
    assert any(re.fullmatch(p.regex, text) for p in MaskedValueSuppressor.patterns)
    assert detector.detect(f"phone={text}") == []


def test_pure_digit_runs_are_not_hex_digests() -> None:
    # 32 digits are a number; what it holds is for the digit recognizers to judge.
    assert HexDigestSuppressor().validate("1" * 32) is False
    assert HexDigestSuppressor().validate("a" + "1" * 31) is True
    assert HexDigestSuppressor().validate("sha256:" + "1" * 64) is True


def test_card_length_hex_runs_are_not_suppressed() -> None:
    # 16 hex digits are not a digest length here: a 16-digit run may be a card number.
    card_like = "6222021234567894"
    assert not any(re.search(p.regex, card_like) for p in HexDigestSuppressor.patterns)


def test_suppressors_are_registered_documented_and_report_nothing() -> None:
    names = {r.name for r in builtin_recognizers() if r.suppress_only}
    assert {"UuidSuppressor", "HexDigestSuppressor", "MaskedValueSuppressor"} <= names
    for suppressor in SUPPRESSORS:
        assert suppressor.suppress_only
        assert suppressor.__doc__
        suppressor.check()
