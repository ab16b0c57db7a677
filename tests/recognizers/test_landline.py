"""CN_LANDLINE: area-code table, local-number length, bare digit runs."""

from __future__ import annotations

from importlib.resources import files

import pytest
from dataguard.recognizers.landline import LandlineRecognizer, area_codes, parse_landline
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard import Detector

R = LandlineRecognizer()
_CJK = "的是了我你他好在有个人这上们来到时大地为子中你说生国年着就那和要她出也得里后自以会"
_FILLER = st.text(alphabet=_CJK + " ,;:=，。：、“”()[]{}bfgjkmqvwy", max_size=20)
_EDGE = st.sampled_from([" ", ",", "：", "=", "“", "。", "\t", "的"])


def test_area_code_table() -> None:
    codes = area_codes()
    assert len(codes) > 300
    assert {"010", "020", "021", "022", "023", "024", "025", "027", "028", "029"} <= codes
    assert {"0571", "0755", "0912", "0999"} <= codes
    assert "026" not in codes  # not assigned
    assert all(c[0] == "0" and c[1] != "0" and len(c) in (3, 4) for c in codes)
    header = files("dataguard.recognizers").joinpath("data/cn_area_codes.txt").read_text("utf-8")
    assert header.startswith("#")
    assert "numbering plan" in header.splitlines()[1]


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("0571-88881234", ("0571", "88881234", False)),
        ("0571-8888-1234", ("0571", "88881234", False)),
        ("(010)62345678", ("010", "62345678", False)),
        ("010 6234 5678", ("010", "62345678", False)),
        ("+86-10-6234-5678", ("010", "62345678", False)),
        ("+86 571 8888 1234", ("0571", "88881234", False)),
        ("0755-26661234转8021", ("0755", "26661234", False)),
        ("0571-88881234 ext.802", ("0571", "88881234", False)),
        ("057188881234", ("0571", "88881234", True)),
        ("01062345678", ("010", "62345678", True)),
    ],
)
def test_parse(value: str, parsed: tuple[str, str, bool]) -> None:
    assert parse_landline(value) == parsed


@pytest.mark.parametrize(
    ("value", "verdict"),
    [
        ("0571-88881234", True),
        ("0571-8888123", True),  # 3-digit area codes: 7 or 8 local digits
        ("010-62345678", True),
        ("010-6234567", False),  # 2-digit area codes: 8 local digits
        ("0600-88881234", False),  # not an area code
        ("026-62345678", False),
        ("010-12345678", False),  # local numbers start with 2-8
        ("5718888123", False),  # a national number needs its trunk 0
        ("057188881234", None),  # bare: keeps the pattern score
        ("+86-571-88881234", True),
    ],
)
def test_validate(value: str, verdict: bool | None) -> None:
    assert R.validate(value) is verdict


def test_bare_runs_keep_the_pattern_score(detector: Detector) -> None:
    # A bare run is reported on its own (CSV cells, SQL values: the column name is not
    # near it), unconfirmed; context raises it and negative context drops it.
    found = [f for f in detector.detect("057188881234") if f.entity == "CN_LANDLINE"]
    assert [(f.start, f.end, f.score) for f in found] == [(0, 12, 0.5)]
    for word in ("座机", "tel=", "电话：", "zuoji ", "landline:"):
        found = [f for f in detector.detect(word + "057188881234") if f.entity == "CN_LANDLINE"]
        assert len(found) == 1, word
        assert found[0].score > 0.5, word
    for word in ("订单号", "orderNo=", "流水号：", "trace_no=", "交易号 "):
        found = [f for f in detector.detect(word + "057188881234") if f.entity == "CN_LANDLINE"]
        assert found == [], word


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("0571-88881234-085", "0571-88881234-085"),
        ("(0891)7065083-085", "(0891)7065083-085"),
        ("+86-431-3118-3404-075", "+86-431-3118-3404-075"),
        ("08912062758-012", "08912062758-012"),
        ("tel: 024 8595 3938-028", "024 8595 3938-028"),
    ],
)
def test_extensions_with_leading_zeros_are_part_of_the_span(
    detector: Detector, text: str, span: str
) -> None:
    found = [text[f.start : f.end] for f in detector.detect(text) if f.entity == "CN_LANDLINE"]
    assert found == [span]


def test_a_second_number_after_a_dash_is_not_an_extension(detector: Detector) -> None:
    text = "0571-88881234-0571-88885678"
    found = [text[f.start : f.end] for f in detector.detect(text) if f.entity == "CN_LANDLINE"]
    assert found == ["0571-88881234", "0571-88885678"]


def test_order_in_a_logger_name_is_no_negative_context(detector: Detector) -> None:
    text = '{"logger":"com.example.OrderController","msg":"绑定银行卡，0591-66632633"}'
    found = [f for f in detector.detect(text) if f.entity == "CN_LANDLINE"]
    assert len(found) == 1


_AREAS = sorted(area_codes())
_NOT_AREAS = sorted({f"0{n}" for n in range(300, 1000)} - area_codes())


@st.composite
def numbers(draw: st.DrawFn, areas: list[str]) -> str:
    area = draw(st.sampled_from(areas))
    length = 8 if len(area) == 3 else draw(st.sampled_from([7, 8]))
    local = draw(st.sampled_from("2345678")) + draw(
        st.text("0123456789", min_size=length - 1, max_size=length - 1)
    )
    form = draw(st.integers(0, 4))
    if form == 0:
        return f"{area}-{local}"
    if form == 1:
        return f"({area}){local}"
    if form == 2:
        return f"{area} {local[:-4]} {local[-4:]}"
    if form == 3:
        return f"+86-{area[1:]}-{local}"
    return f"{area}-{local}转{draw(st.integers(1, 9999))}"


@settings(max_examples=150, deadline=None)
@given(value=numbers(_AREAS), before=_FILLER, after=_FILLER, left=_EDGE, right=_EDGE)
def test_every_valid_landline_is_found_in_text(
    detector: Detector, value: str, before: str, after: str, left: str, right: str
) -> None:
    text = before + left + value + right + after
    start = len(before + left)
    found = [(f.start, f.end) for f in detector.detect(text) if f.entity == "CN_LANDLINE"]
    assert found == [(start, start + len(value))]


@settings(max_examples=150, deadline=None)
@given(value=numbers(_NOT_AREAS), before=_FILLER, after=_FILLER, left=_EDGE, right=_EDGE)
def test_an_unknown_area_code_is_not_found(
    detector: Detector, value: str, before: str, after: str, left: str, right: str
) -> None:
    text = before + left + value + right + after
    assert [f for f in detector.detect(text) if f.entity == "CN_LANDLINE"] == []


def test_a_number_after_x_is_a_second_number_not_an_extension(detector: Detector) -> None:
    # " x 0287…" was read as the start of an extension of the first number and consumed,
    # so the second number was found only once the first had been masked (hypothesis:
    # masking masked output changed it). Extensions with a leading zero still count.
    text = "总机 051265118715 x 02878461060转3373"
    found = [text[f.start : f.end] for f in detector.detect(text)]
    assert found == ["051265118715", "02878461060转3373"]
    for with_zero in ("0571-88881234转063", "0571-88881234 x 063", "0571-88881234-085"):
        spans = [(f.start, f.end) for f in detector.detect(with_zero)]
        assert spans == [(0, len(with_zero))]


def test_an_extension_is_not_the_first_group_of_a_card_after_it(detector: Detector) -> None:
    # Read as the extension x 4367, the card's first group made the landline overlap the
    # card; the card won and the landline went out unmasked (hypothesis: masking masked
    # output changed it).
    text = "0991-5397136 x 4367 4200 9010 6948"
    found = [(f.entity, text[f.start : f.end]) for f in detector.detect(text)]
    assert found == [("CN_LANDLINE", "0991-5397136"), ("BANK_CARD", "4367 4200 9010 6948")]
    # The card's groups dashed (hypothesis again).
    text = "0531-34166655 - 6222-0255-6486-9997-916"
    found = [(f.entity, text[f.start : f.end]) for f in detector.detect(text)]
    assert found == [("CN_LANDLINE", "0531-34166655"), ("BANK_CARD", "6222-0255-6486-9997-916")]
    text = "0571-88881234-8021 13812345678"  # an extension before a mobile stays one
    found = [(f.entity, text[f.start : f.end]) for f in detector.detect(text)]
    assert found == [("CN_LANDLINE", "0571-88881234-8021"), ("CN_MOBILE", "13812345678")]
