"""IP addresses: validated by the standard library's ipaddress."""

from __future__ import annotations

import ipaddress

import pytest
from dataguard.recognizers.ip_address import IpAddressRecognizer
from hypothesis import assume, given
from hypothesis import strategies as st

from dataguard import Detector


def _spans(detector: Detector, text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in detector.detect(text) if f.entity == "IP_ADDRESS"]


@pytest.mark.parametrize(
    ("value", "verdict"),
    [
        ("192.0.2.1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("::1", False),
        ("2001:db8::1", True),
        ("1:2:3:4:5:6:7", False),
        ("192.0.2.01", False),
    ],
)
def test_validate(value: str, verdict: bool) -> None:
    assert IpAddressRecognizer().validate(value) is verdict


@given(address=st.ip_addresses(v=4))
def test_every_ipv4_address_is_found_in_a_log_line(
    detector: Detector, address: ipaddress.IPv4Address
) -> None:
    assume(not address.is_unspecified)
    text = f'client={address} "GET / HTTP/1.1" 200'
    assert _spans(detector, text) == [(7, 7 + len(str(address)))]


@given(address=st.ip_addresses(v=6), exploded=st.booleans())
def test_every_ipv6_address_is_found(
    detector: Detector, address: ipaddress.IPv6Address, exploded: bool
) -> None:
    assume(not address.is_unspecified)
    value = address.exploded if exploded else str(address)
    assume(sum(1 for g in value.split(":") if g) >= 2)  # ::1 is nobody's address
    text = f"登录IP：{value}，请确认"
    assert _spans(detector, text) == [(5, 5 + len(value))]


@given(parts=st.lists(st.integers(0, 255), min_size=5, max_size=8))
def test_longer_dotted_runs_are_not_addresses(detector: Detector, parts: list[int]) -> None:
    assert _spans(detector, "oid " + ".".join(map(str, parts))) == []


@given(address=st.ip_addresses(v=4), word=st.sampled_from(["version=", "版本：", "build "]))
def test_version_context_suppresses(
    detector: Detector, address: ipaddress.IPv4Address, word: str
) -> None:
    assert _spans(detector, f"{word}{address}") == []
