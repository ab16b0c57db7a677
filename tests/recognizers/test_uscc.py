"""Unified social credit code: GB 32100-2015 check character and detection."""

from __future__ import annotations

import pytest
from dataguard.recognizers.uscc import (
    ALPHABET,
    WEIGHTS,
    UsccRecognizer,
    check_char,
    is_valid_org_code,
    is_valid_uscc,
    org_check_char,
)
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dataguard import Detector

_TEXT = st.text(alphabet="统一社会信用代码公司名称：，。 ", max_size=12)


def _make(prefix: str, body8: str) -> str:
    first17 = prefix + body8 + org_check_char(body8)
    return first17 + check_char(first17)


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    authority = draw(st.sampled_from("1234589ANY"))
    kind = draw(st.sampled_from("1239"))
    region = draw(st.from_regex(r"[1-8][0-9]{5}", fullmatch=True))
    body = draw(st.text(alphabet=ALPHABET, min_size=8, max_size=8))
    assume(org_check_char(body) in ALPHABET)
    return _make(authority + kind + region, body)


def test_weights_are_powers_of_three_mod_31() -> None:
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(ALPHABET) == 31
    assert not set("IOSVZ") & set(ALPHABET)


def test_check_char_maps_31_to_zero() -> None:
    # A sum divisible by 31 gives 31 - 0 = 31, which wraps to the character 0.
    assert check_char("0" * 17) == "0"


@pytest.mark.parametrize(
    "code",
    ["91110108MA7K3P2Q81", "91330106MA2H8R4T62", "52440305MJL5Y0C39F", "5111000050001234XG"],
)
def test_valid_codes(code: str) -> None:
    assert is_valid_uscc(code)
    assert is_valid_org_code(code[8:17])
    assert UsccRecognizer().validate(code) is True


@pytest.mark.parametrize(
    "code", ["91110108MA7K3P2Q82", "91110108MA7K3P2Q8", "91110108MA7K3P2QI1", "91110108ma7k3p2q81"]
)
def test_invalid_codes(code: str) -> None:
    assert not is_valid_uscc(code)
    assert UsccRecognizer().validate(code) is False


def test_org_code_check_failure_keeps_the_score_instead_of_confirming() -> None:
    assert UsccRecognizer().validate("91440300MA5G7N1W0H") is None


def test_id_card_shaped_codes_need_context() -> None:
    assert is_valid_uscc("913501005731284907")
    assert UsccRecognizer().validate("913501005731284907") is None


def test_org_check_char_examples() -> None:
    # ref. GB 11714-1997 §4.2: X for 10, 0 for 11.
    assert org_check_char("MA7K3P2Q") == "8"
    values = {org_check_char(f"{n:08d}") for n in range(200)}
    assert "X" in values
    assert "0" in values


@given(code=valid_codes(), before=_TEXT, after=_TEXT)
def test_every_valid_code_is_found_embedded(
    detector: Detector, code: str, before: str, after: str
) -> None:
    assume(not code.isdigit() and not (code[:17].isdigit() and code[17] == "X"))
    text = f"{before}{code}{after}"
    found = [(f.start, f.end) for f in detector.detect(text) if f.entity == "CN_USCC"]
    assert found == [(len(before), len(before) + 18)]


@given(code=valid_codes(), delta=st.integers(1, 30), before=_TEXT)
def test_a_corrupted_check_char_is_not_found(
    detector: Detector, code: str, delta: int, before: str
) -> None:
    bad = code[:17] + ALPHABET[(ALPHABET.index(code[17]) + delta) % 31]
    assert not is_valid_uscc(bad)
    found = [f for f in detector.detect(f"{before}{bad}。") if f.entity == "CN_USCC"]
    assert found == []


@settings(deadline=None)  # polars' first expression of a run may take longer than 200 ms
@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=18, max_size=18))
def test_batch_rejection_only_rejects_what_validate_rejects(value: str) -> None:
    import polars as pl

    recognizer = UsccRecognizer()
    rejected = (
        pl.DataFrame({"core": [value]})
        .select(recognizer.reject_many("cn_uscc", pl.col("core")))
        .item()
    )
    assert rejected == (not is_valid_uscc(value))
    if rejected:
        assert recognizer.validate(value) is False


@pytest.mark.parametrize(
    ("header", "cell"),
    [
        ("id,credit_code,address", '"{}"'),
        ("id,统一社会信用代码,version", "{}"),
        ("TAX_NO,name", "{}"),
        ("id,supplier_uscc", "{}"),
    ],
)
def test_an_all_digit_code_under_a_credit_code_column_is_found(header: str, cell: str) -> None:
    """An all-digit code needs context, and a CSV's context is its header line, which
    context words never reach (they stop at a line break): such codes went unfound."""
    code = "511525027084816207"
    assert UsccRecognizer().validate(code) is None  # ID-shaped: context decides
    position = header.split(",").index(
        next(h for h in header.split(",") if h not in ("id", "name", "address", "version"))
    )
    cells = ["7"] * len(header.split(","))
    cells[position] = cell.format(code)
    text = header + "\n" + ",".join(cells)
    found = [(f.entity, text[f.start : f.end]) for f in Detector().detect(text)]
    assert ("CN_USCC", code) in found


def test_an_all_digit_code_under_another_column_is_not_a_credit_code() -> None:
    text = "id,order_no\n7,511525027084816207"
    assert not any(f.entity == "CN_USCC" for f in Detector().detect(text))
