"""Property tests of the detector (hypothesis).

(a) For any text, findings are in bounds, sorted, non-overlapping, and point at the text
    they claim (the masked preview is the preview of the normalised text at the span).
(b) A valid generated mobile number, ID number or bank card embedded in random CJK/ASCII
    context (joined by a non-alphanumeric separator or a CJK character) is found with the
    right entity and exactly its span.
(c) The same value with a corrupted checksum (ID check char, card Luhn digit; for mobiles
    an unallocated prefix) is not found as that entity.

The recognizers are written in parallel with these tests: a property for an entity the
detector does not know yet is skipped, not weakened.
"""

from __future__ import annotations

import itertools
import random
import re
import string
from functools import cache

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dataguard import Detector, Finding
from dataguard.detect.finding import preview_of
from dataguard.detect.normalize import normalize
from dataguard.testing import generators as g


@cache
def detector() -> Detector:
    return Detector()


@cache
def negative_words() -> tuple[str, ...]:
    """Every negative context word of every recognizer (they may legitimately veto)."""
    return tuple({w.lower() for r in detector().recognizers for w in r.negative_context})


SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Neutral CJK: no digits, and none of the words that are context for some entity.
CJK = "的是了在有和人这中大为上个我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
ASCII_WORDS = string.ascii_letters
PUNCT = " ，。：:;,|\t=()[]\"'/!?、"

# -- (a) offsets --------------------------------------------------------------------------

_ANY_CHARS = (
    string.digits
    + "０１２３４５６７８９"
    + ASCII_WORDS
    + PUNCT
    + CJK
    + "+-@._%\\xX*#&"
    + "手机号身份证卡邮箱地址省市区路号室"
)
_GENERATORS = [
    g.mobile,
    g.landline,
    g.id_card,
    g.id_card_legacy,
    g.bank_card,
    g.email,
    g.address,
    g.passport,
    g.uscc,
    g.license_plate,
    g.ipv4,
    g.ipv6,
    g.order_number,
    g.id_card_bad_check,
    g.uuid_string,
    g.masked_value,
    g.email_lookalike,
    g.timestamp,
]


@st.composite
def generated_value(draw: st.DrawFn) -> str:
    rng = random.Random(draw(st.integers(0, 2**32)))
    value = rng.choice(_GENERATORS)(rng)
    encoding = draw(st.sampled_from(("plain", "plain", "percent", "json")))
    if encoding == "percent":
        from urllib.parse import quote

        return quote(value, safe="")
    if encoding == "json":
        return value.encode("ascii", "backslashreplace").decode("ascii").replace("\\x", "\\u00")
    return value


any_text = st.lists(
    st.one_of(st.text(alphabet=_ANY_CHARS, max_size=30), generated_value()),
    max_size=6,
).map("".join)


def _check_offsets(text: str, findings: list[Finding]) -> None:
    for f in findings:
        assert 0 <= f.start < f.end <= len(text), (f, len(text))
    starts = [f.start for f in findings]
    assert starts == sorted(starts), findings
    for a, b in itertools.pairwise(findings):
        assert a.end <= b.start, (a, b)


@SETTINGS
@given(any_text)
def test_a_findings_in_bounds_sorted_disjoint(text: str) -> None:
    _check_offsets(text, detector().detect(text))


@SETTINGS
@given(any_text)
def test_a_findings_point_at_what_they_claim(text: str) -> None:
    """The span covers exactly the value: its normalised text has the finding's preview."""
    for f in detector().detect(text):
        claimed = normalize(text[f.start : f.end]).text
        assert preview_of(claimed) == f.preview, (f, text[f.start : f.end], text)


# -- (b) / (c) embedded values ------------------------------------------------------------

_CONTEXT_CHARS = CJK + ASCII_WORDS + " ，。：、"
_SEPARATORS = list(PUNCT) + list(CJK[:12])


# A value right after a credential key (``PASSWORD：13812345678``) is reported as that
# secret, rightly, and digits right after an account label (``ACCTNUM 5566…``, a Luhn-failing
# card number) as a bank account; the context of these properties is neutral text, so no
# such keys.
_CREDENTIAL = re.compile(
    r"(?i)pass|pwd|token|secret|session|cookie|auth|key|code|sid|otp|acc(?:oun)?t|账|帐"
)


@st.composite
def context(draw: st.DrawFn) -> tuple[str, str]:
    before = draw(
        st.text(alphabet=_CONTEXT_CHARS, max_size=20).filter(lambda s: not _CREDENTIAL.search(s))
    )
    after = draw(st.text(alphabet=_CONTEXT_CHARS, max_size=20))
    return before + draw(st.sampled_from(_SEPARATORS)), draw(st.sampled_from(_SEPARATORS)) + after


def _needs(entity: str) -> pytest.MarkDecorator:
    known = entity in detector().entities
    return pytest.mark.skipif(not known, reason=f"no {entity} recognizer yet")


def _assert_found(entity: str, value: str, ctx: tuple[str, str]) -> None:
    before, after = ctx
    text = before + value + after
    assume(not any(w in text.lower() for w in negative_words()))
    start, end = len(before), len(before) + len(value)
    findings = detector().detect(text)
    overlapping = [f for f in findings if f.start < end and start < f.end]
    assert [(f.entity, f.start, f.end) for f in overlapping] == [(entity, start, end)], (
        text,
        overlapping,
    )


def _assert_not_found(entity: str, value: str, ctx: tuple[str, str]) -> None:
    before, after = ctx
    text = before + value + after
    start, end = len(before), len(before) + len(value)
    hits = [
        f for f in detector().detect(text) if f.entity == entity and f.start < end and start < f.end
    ]
    assert hits == [], (text, hits)


seeds = st.integers(0, 2**32)


@_needs("CN_MOBILE")
@SETTINGS
@given(seeds, context())
def test_b_valid_mobile_found_exactly(seed: int, ctx: tuple[str, str]) -> None:
    _assert_found("CN_MOBILE", g.mobile(random.Random(seed)), ctx)


@_needs("CN_ID_CARD")
@SETTINGS
@given(seeds, context())
def test_b_valid_id_found_exactly(seed: int, ctx: tuple[str, str]) -> None:
    _assert_found("CN_ID_CARD", g.id_card(random.Random(seed)), ctx)


@_needs("BANK_CARD")
@SETTINGS
@given(seeds, context())
def test_b_valid_card_found_exactly(seed: int, ctx: tuple[str, str]) -> None:
    _assert_found("BANK_CARD", g.bank_card(random.Random(seed)), ctx)


@_needs("CN_ID_CARD")
@SETTINGS
@given(seeds, st.integers(1, 10), context())
def test_c_id_with_wrong_check_char_not_an_id(seed: int, shift: int, ctx: tuple[str, str]) -> None:
    valid = g.id_card(random.Random(seed))
    alphabet = "0123456789X"
    wrong = alphabet[(alphabet.index(valid[-1].upper()) + shift) % 11]
    _assert_not_found("CN_ID_CARD", valid[:-1] + wrong, ctx)


@_needs("BANK_CARD")
@SETTINGS
@given(seeds, st.integers(1, 9), context())
def test_c_card_with_wrong_luhn_digit_not_a_card(
    seed: int, shift: int, ctx: tuple[str, str]
) -> None:
    valid = g.bank_card(random.Random(seed))
    wrong = str((int(valid[-1]) + shift) % 10)
    _assert_not_found("BANK_CARD", valid[:-1] + wrong, ctx)


@_needs("CN_MOBILE")
@SETTINGS
@given(
    seeds,
    st.sampled_from(
        ["140", "141", "142", "143", "144", "154", "160", "161", "164", "168", "169", "179", "194"]
    ),
    context(),
)
def test_c_mobile_with_unallocated_prefix_not_a_mobile(
    seed: int, prefix: str, ctx: tuple[str, str]
) -> None:
    digits = prefix + g.mobile_digits(random.Random(seed))[3:]
    _assert_not_found("CN_MOBILE", digits, ctx)
