"""Properties (hypothesis): round trips for arbitrary values, contexts and headers; parsing
arbitrary bytes or text either fails with InvalidToken or gives back exactly the input."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataguard.crypto.hazmat.suites import GM, INTL, Suite
from dataguard.crypto.hazmat.wire import (
    KEY_ID_PATTERN,
    Envelope,
    associated_data,
    open_envelope,
    seal_envelope,
)
from dataguard.errors import InvalidToken

KEYS = {INTL.name: INTL.new_key(), GM.name: GM.new_key()}
suites = st.sampled_from([INTL, GM])
contexts = st.one_of(
    st.none(),
    st.dictionaries(st.text(max_size=12), st.text(max_size=24), max_size=5),
)
key_ids = st.from_regex(KEY_ID_PATTERN, fullmatch=True)
key_versions = st.integers(min_value=0, max_value=2**32 - 1)
T = TypeVar("T", bytes, str)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    s=suites,
    plaintext=st.binary(max_size=300),
    context=contexts,
    key_id=key_ids,
    key_version=key_versions,
    deterministic=st.booleans(),
)
def test_seal_open_round_trip(
    s: Suite,
    plaintext: bytes,
    context: dict[str, str] | None,
    key_id: str,
    key_version: int,
    deterministic: bool,
) -> None:
    key = KEYS[s.name]
    env = seal_envelope(
        s,
        key,
        plaintext,
        key_id=key_id,
        key_version=key_version,
        context=context,
        deterministic=deterministic,
    )
    text = env.to_text()
    assert text.startswith("dg1:")
    back = Envelope.from_text(text)
    assert back == env == Envelope.from_bytes(env.to_bytes())
    assert back.to_text() == text
    assert open_envelope(back, s, key, context) == plaintext
    assert len(env.body) == len(plaintext) + 16


@given(
    s=suites,
    plaintext=st.binary(max_size=64),
    a=contexts,
    b=contexts,
    deterministic=st.booleans(),
)
def test_another_context_fails(
    s: Suite,
    plaintext: bytes,
    a: dict[str, str] | None,
    b: dict[str, str] | None,
    deterministic: bool,
) -> None:
    key = KEYS[s.name]
    env = seal_envelope(
        s, key, plaintext, key_id="k1", key_version=1, context=a, deterministic=deterministic
    )
    if (a or {}) == (b or {}):
        assert open_envelope(env, s, key, b) == plaintext
    else:
        with pytest.raises(InvalidToken):
            open_envelope(env, s, key, b)


@given(a=contexts, b=contexts)
def test_associated_data_is_injective(a: dict[str, str] | None, b: dict[str, str] | None) -> None:
    same = associated_data(b"h", a) == associated_data(b"h", b)
    assert same == ((a or {}) == (b or {}))


@given(s=suites, plaintext=st.binary(max_size=64), aad=st.binary(max_size=64))
def test_deterministic_equal_input_equal_output(s: Suite, plaintext: bytes, aad: bytes) -> None:
    key = KEYS[s.name]
    once = s.seal_deterministic(key, plaintext, aad)
    assert s.seal_deterministic(key, plaintext, aad) == once
    assert s.open_deterministic(key, once, aad) == plaintext
    assert s.seal_deterministic(key, plaintext, aad + b"\x00") != once


def _parse(parse: Callable[[T], Envelope], data: T) -> Envelope | None:
    """The envelope, or None after an InvalidToken that says nothing."""
    try:
        return parse(data)
    except InvalidToken as exc:
        message = str(exc)
    assert message == ""
    return None


@given(data=st.binary(max_size=120))
def test_from_bytes_of_anything(data: bytes) -> None:
    env = _parse(Envelope.from_bytes, data)
    if env is not None:
        assert env.to_bytes() == data


@given(text=st.one_of(st.text(max_size=100), st.text(max_size=100).map(lambda t: "dg1:" + t)))
def test_from_text_of_anything(text: str) -> None:
    env = _parse(Envelope.from_text, text)
    if env is not None:
        assert env.to_text() == text


@given(
    s=suites,
    plaintext=st.binary(min_size=1, max_size=40),
    position=st.integers(min_value=0),
    bit=st.integers(min_value=0, max_value=7),
    deterministic=st.booleans(),
)
def test_any_bit_flip_fails(
    s: Suite, plaintext: bytes, position: int, bit: int, deterministic: bool
) -> None:
    key = KEYS[s.name]
    data = bytearray(
        seal_envelope(
            s, key, plaintext, key_id="k1", key_version=1, deterministic=deterministic
        ).to_bytes()
    )
    data[position % len(data)] ^= 1 << bit
    with pytest.raises(InvalidToken):
        open_envelope(Envelope.from_bytes(bytes(data)), s, key)
