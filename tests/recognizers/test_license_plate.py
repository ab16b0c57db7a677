"""Vehicle number plates (GA 36-2018)."""

from __future__ import annotations

import pytest
from dataguard.recognizers.license_plate import LicensePlateRecognizer
from hypothesis import given
from hypothesis import strategies as st

from dataguard import Detector

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def _spans(detector: Detector, text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in detector.detect(text) if f.entity == "CN_LICENSE_PLATE"]


@pytest.mark.parametrize(
    ("plate", "verdict"),
    [
        ("京A12345", None),
        ("京A·AB123", None),
        ("京ABCD12", False),
        ("粤Z1234港", None),
        ("浙A1234港", False),
        ("沪A1234澳", False),
        ("京AD12345", None),
    ],
)
def test_validate(plate: str, verdict: bool | None) -> None:
    assert LicensePlateRecognizer().validate(plate) is verdict


@st.composite
def ordinary_plates(draw: st.DrawFn) -> str:
    serial = list(draw(st.from_regex(r"[0-9]{5}", fullmatch=True)))
    for i in draw(st.lists(st.integers(0, 4), max_size=2, unique=True)):
        serial[i] = draw(st.sampled_from(_LETTERS))
    sep = draw(st.sampled_from(["", "·", " "]))
    return (
        draw(st.sampled_from(_PROVINCES)) + draw(st.sampled_from(_LETTERS)) + sep + "".join(serial)
    )


@st.composite
def nev_plates(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(_PROVINCES)) + draw(st.sampled_from(_LETTERS))
    if draw(st.booleans()):
        second = draw(st.sampled_from(_LETTERS + "0123456789"))
        serial = (
            draw(st.sampled_from("DF")) + second + draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
        )
    else:
        serial = draw(st.from_regex(r"[0-9]{5}", fullmatch=True)) + draw(st.sampled_from("DF"))
    return head + serial


@given(plate=st.one_of(ordinary_plates(), nev_plates()))
def test_plates_are_found_in_chat(detector: Detector, plate: str) -> None:
    text = f"我的车牌是{plate}，谢谢"
    assert _spans(detector, text) == [(5, 5 + len(plate))]


@given(plate=ordinary_plates(), letter=st.sampled_from("IO"))
def test_i_and_o_are_never_used(detector: Detector, plate: str, letter: str) -> None:
    corrupted = plate[0] + letter + plate[2:]
    assert _spans(detector, f"车牌{corrupted}") == []


@given(plate=ordinary_plates(), extra=st.sampled_from("0123456789ABC"))
def test_a_longer_run_is_not_a_plate(detector: Detector, plate: str, extra: str) -> None:
    assert _spans(detector, f"车牌{plate}{extra}9") == []
