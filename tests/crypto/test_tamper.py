"""Tampering: every change to a sealed envelope, its key or its context is InvalidToken.

And the exception says nothing: no message, no chained cause, nothing of the plaintext,
the key or the ciphertext in its text or traceback.
"""

from __future__ import annotations

import dataclasses
import traceback
from collections.abc import Callable

import pytest

from dataguard.crypto.hazmat.suites import GM, INTL, Suite
from dataguard.crypto.hazmat.wire import Envelope, open_envelope, seal_envelope
from dataguard.errors import InvalidToken

PLAINTEXT = b"110101199003074578"
CTX = {"table": "customers", "column": "id_card", "row": "42"}
CASES = [
    pytest.param(s, det, id=f"{s.name}-{'deterministic' if det else 'randomised'}")
    for s in (INTL, GM)
    for det in (False, True)
]


def _sealed(s: Suite, deterministic: bool, key: bytes) -> Envelope:
    return seal_envelope(
        s,
        key,
        PLAINTEXT,
        key_id="pii-2024",
        key_version=3,
        context=CTX,
        deterministic=deterministic,
    )


def _opaque(call: Callable[..., object], *args: object, secrets: tuple[bytes, ...] = ()) -> None:
    """``call(*args)`` raises InvalidToken that carries no detail."""
    with pytest.raises(InvalidToken) as info:
        call(*args)
    exc = info.value
    assert str(exc) == ""
    assert repr(exc) == "InvalidToken()"
    assert exc.args == ()
    assert exc.__cause__ is None
    assert exc.__suppress_context__ or exc.__context__ is None
    shown = "".join(traceback.format_exception_only(type(exc), exc))
    for secret in (PLAINTEXT, *secrets):
        assert secret.hex() not in shown
        assert secret.decode("latin-1") not in shown


def _open_bytes(s: Suite, key: bytes, data: bytes) -> bytes:
    return open_envelope(Envelope.from_bytes(data), s, key, CTX)


def _open_text(s: Suite, key: bytes, text: str) -> bytes:
    return open_envelope(Envelope.from_text(text), s, key, CTX)


@pytest.mark.parametrize(("s", "deterministic"), CASES)
def test_every_bit_flip_is_rejected(s: Suite, deterministic: bool) -> None:
    key = s.new_key()
    data = _sealed(s, deterministic, key).to_bytes()
    assert _open_bytes(s, key, data) == PLAINTEXT
    for i in range(len(data)):
        for bit in range(8):
            mutated = bytearray(data)
            mutated[i] ^= 1 << bit
            _opaque(_open_bytes, s, key, bytes(mutated), secrets=(key,))


@pytest.mark.parametrize(("s", "deterministic"), CASES)
def test_every_byte_replaced_by_every_other_value_in_the_header(
    s: Suite, deterministic: bool
) -> None:
    key = s.new_key()
    env = _sealed(s, deterministic, key)
    data = env.to_bytes()
    for i in range(len(env.header())):
        for value in range(256):
            if value != data[i]:
                mutated = data[:i] + bytes([value]) + data[i + 1 :]
                _opaque(_open_bytes, s, key, mutated)


@pytest.mark.parametrize(("s", "deterministic"), CASES)
def test_every_truncation_and_extension_is_rejected(s: Suite, deterministic: bool) -> None:
    key = s.new_key()
    data = _sealed(s, deterministic, key).to_bytes()
    for n in range(len(data)):
        _opaque(_open_bytes, s, key, data[:n])
        _opaque(_open_bytes, s, key, data[n + 1 :])
    for extra in (b"\x00", b"\x00" * 16, data):
        _opaque(_open_bytes, s, key, data + extra)


@pytest.mark.parametrize(("s", "deterministic"), CASES)
def test_every_text_character_changed_is_rejected(s: Suite, deterministic: bool) -> None:
    key = s.new_key()
    text = _sealed(s, deterministic, key).to_text()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for i in range(len(text)):
        for c in ("A", "z", "-", "_", "0", "+", "="):
            if c != text[i]:
                mutated = text[:i] + c + text[i + 1 :]
                _opaque(_open_text, s, key, mutated)
    assert set(text[4:]) <= set(alphabet)
    for n in range(len(text)):
        _opaque(_open_text, s, key, text[:n])


@pytest.mark.parametrize(("s", "deterministic"), CASES)
def test_wrong_key_is_rejected(s: Suite, deterministic: bool) -> None:
    key = s.new_key()
    env = _sealed(s, deterministic, key)
    for _ in range(20):
        other = s.new_key()
        _opaque(open_envelope, env, s, other, CTX, secrets=(key, other))
    one_bit = bytes([key[0] ^ 1]) + key[1:]
    _opaque(open_envelope, env, s, one_bit, CTX, secrets=(key,))


@pytest.mark.parametrize(("s", "deterministic"), CASES)
def test_another_row_column_or_table_is_rejected(s: Suite, deterministic: bool) -> None:
    key = s.new_key()
    env = _sealed(s, deterministic, key)
    for other in (
        CTX | {"row": "43"},
        CTX | {"column": "mobile"},
        CTX | {"table": "orders"},
        CTX | {"tenant": "a"},
        {k: v for k, v in CTX.items() if k != "row"},
        {"table": "customers", "column": "id_card", "row": "4", "": "2"},
        {},
        None,
    ):
        _opaque(open_envelope, env, s, key, other)


@pytest.mark.parametrize(("s", "deterministic"), CASES)
def test_two_values_swapped_between_rows_are_rejected(s: Suite, deterministic: bool) -> None:
    key = s.new_key()
    row1 = seal_envelope(
        s,
        key,
        b"13812341050",
        key_id="k",
        key_version=1,
        deterministic=deterministic,
        context={"table": "t", "column": "mobile", "row": "1"},
    )
    row2 = seal_envelope(
        s,
        key,
        b"13912345678",
        key_id="k",
        key_version=1,
        deterministic=deterministic,
        context={"table": "t", "column": "mobile", "row": "2"},
    )
    _opaque(lambda: open_envelope(row1, s, key, {"table": "t", "column": "mobile", "row": "2"}))
    _opaque(lambda: open_envelope(row2, s, key, {"table": "t", "column": "mobile", "row": "1"}))


@pytest.mark.parametrize(("s", "deterministic"), CASES)
def test_swapped_header_fields_are_rejected(s: Suite, deterministic: bool) -> None:
    key = s.new_key()
    env = _sealed(s, deterministic, key)
    other_suite = GM if s is INTL else INTL
    swaps: list[Envelope] = [
        dataclasses.replace(env, key_id="pii-2025"),
        dataclasses.replace(env, key_id="pii-202"),
        dataclasses.replace(env, key_version=4),
        dataclasses.replace(env, key_version=0),
        dataclasses.replace(env, suite_id=other_suite.suite_id),
    ]
    if deterministic:
        swaps.append(dataclasses.replace(env, mode=0, nonce=bytes(12)))
    else:
        swaps.append(dataclasses.replace(env, mode=1, nonce=b""))
        swaps.append(dataclasses.replace(env, nonce=bytes(12)))
    for swapped in swaps:
        _opaque(open_envelope, swapped, s, key, CTX)
        _opaque(_open_text, s, key, swapped.to_text())
    # The suite byte swapped and opened with a key of the other suite: still only InvalidToken.
    swapped = dataclasses.replace(env, suite_id=other_suite.suite_id)
    _opaque(lambda: open_envelope(swapped, other_suite, other_suite.new_key(), CTX))


@pytest.mark.parametrize(("s", "deterministic"), CASES)
def test_a_body_moved_under_another_header_is_rejected(s: Suite, deterministic: bool) -> None:
    key = s.new_key()
    a = _sealed(s, deterministic, key)
    b = seal_envelope(
        s,
        key,
        b"another value",
        key_id="other",
        key_version=9,
        context=CTX,
        deterministic=deterministic,
    )
    _opaque(lambda: open_envelope(dataclasses.replace(b, body=a.body), s, key, CTX))
    _opaque(lambda: open_envelope(dataclasses.replace(a, body=b.body), s, key, CTX))
