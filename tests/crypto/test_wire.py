"""The ciphertext wire format (dataguard.crypto.hazmat.wire): layout, text form, AAD."""

from __future__ import annotations

import base64
import dataclasses
import inspect
import json
import os
import struct
from pathlib import Path
from typing import Any

import pytest

from dataguard.crypto.hazmat.suites import GM, INTL, SUITES, Suite
from dataguard.crypto.hazmat.wire import (
    MODE_DETERMINISTIC,
    MODE_RANDOMISED,
    TEXT_PREFIX,
    VERSION,
    Envelope,
    associated_data,
    open_envelope,
    seal_envelope,
)
from dataguard.errors import InvalidToken
from dataguard.scan.protection import DATAGUARD_CIPHERTEXT_PREFIX, value_form

FROZEN: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[1] / "vectors" / "crypto" / "envelope.json").read_text(
        encoding="utf-8"
    )
)
BOTH = pytest.mark.parametrize("s", [INTL, GM], ids=["intl", "gm"])
CTX = {"table": "orders", "column": "mobile", "row": "10086"}


def test_text_prefix_is_the_scanners() -> None:
    assert TEXT_PREFIX == DATAGUARD_CIPHERTEXT_PREFIX == "dg1:"


@BOTH
@pytest.mark.parametrize("deterministic", [False, True])
def test_the_scanner_sees_the_text_form_as_dataguard_encrypted(
    s: Suite, deterministic: bool
) -> None:
    env = seal_envelope(
        s, s.new_key(), b"13812341050", key_id="k1", key_version=1, deterministic=deterministic
    )
    assert value_form(env.to_text()) == "dataguard-encrypted"


@pytest.mark.parametrize(
    "v", [pytest.param(v, id=f"{v['suite']}-mode{v['mode']}") for v in FROZEN["vectors"]]
)
def test_frozen_envelopes(v: dict[str, Any]) -> None:
    """Self-made vectors freeze the layout: the same inputs give exactly these bytes."""
    s = SUITES[v["suite"]]
    key = bytes.fromhex(FROZEN["keys"][v["suite"]])
    nonce = bytes.fromhex(FROZEN["nonce"])
    env = seal_envelope(
        s,
        key,
        FROZEN["plaintext"].encode(),
        key_id=FROZEN["key_id"],
        key_version=FROZEN["key_version"],
        context=FROZEN["context"],
        deterministic=bool(v["mode"]),
        random_bytes=lambda n: nonce[:n],
    )
    assert env.header().hex() == v["header"]
    assert associated_data(env.header(), FROZEN["context"]).hex() == v["aad"]
    assert env.to_bytes().hex() == v["bytes"]
    assert env.to_text() == v["text"]
    parsed = Envelope.from_text(v["text"])
    assert parsed == env == Envelope.from_bytes(bytes.fromhex(v["bytes"]))
    assert open_envelope(parsed, s, key, FROZEN["context"]) == FROZEN["plaintext"].encode()


def test_the_layout_field_by_field() -> None:
    """The class docstring's table, byte by byte, for the frozen intl randomised vector."""
    data = bytes.fromhex(FROZEN["vectors"][0]["bytes"])
    version, suite_id, mode, n = struct.unpack_from(">BBBB", data)
    assert (version, suite_id, mode, n) == (1, 1, 0, len("pii-2024"))
    assert data[4 : 4 + n] == b"pii-2024"
    assert struct.unpack_from(">I", data, 4 + n) == (3,)
    assert data[8 + n : 20 + n].hex() == FROZEN["nonce"]
    assert len(data[20 + n :]) == len(FROZEN["plaintext"]) + 16


def test_the_docstring_size_example() -> None:
    env = seal_envelope(INTL, INTL.new_key(), b"13812341050", key_id="k1", key_version=1)
    assert len(env.to_bytes()) == 49
    assert len(env.to_text()) == len("dg1:") + 66


def test_associated_data_layout() -> None:
    header = b"H"
    assert associated_data(header, None) == b"H\x00\x00\x00\x00"
    assert associated_data(header, {}) == associated_data(header, None)
    ctx = {"b": "2", "a": "値"}
    want = (
        b"H"
        + struct.pack(">I", 2)
        + struct.pack(">I", 1)
        + b"a"
        + struct.pack(">I", 3)
        + "値".encode()
        + struct.pack(">I", 1)
        + b"b"
        + struct.pack(">I", 1)
        + b"2"
    )
    assert associated_data(header, ctx) == want


def test_associated_data_is_canonical_and_unambiguous() -> None:
    h = b"header"
    assert associated_data(h, {"a": "1", "b": "2"}) == associated_data(h, {"b": "2", "a": "1"})
    distinct = [
        {"a": "1b", "": "2"},
        {"a": "1", "b": "2"},
        {"a1": "", "b": "2"},
        {"ab": "12"},
        {"a": "12"},
        {"a": ""},
        {},
    ]
    encodings = {associated_data(h, c) for c in distinct}
    assert len(encodings) == len(distinct)
    with pytest.raises(TypeError):
        associated_data(h, {"row": 10086})  # type: ignore[dict-item]


def test_envelope_constructor_validates() -> None:
    good: dict[str, Any] = {
        "suite_id": 1,
        "mode": MODE_RANDOMISED,
        "key_id": "k1",
        "key_version": 1,
        "nonce": bytes(12),
        "body": bytes(16),
    }
    assert Envelope(**good).version == VERSION
    bad: list[dict[str, Any]] = [
        {"version": 2},
        {"suite_id": 0},
        {"suite_id": 3},
        {"mode": 2},
        {"key_id": ""},
        {"key_id": "k" * 65},
        {"key_id": "k 1"},
        {"key_id": "密钥"},
        {"key_version": -1},
        {"key_version": 2**32},
        {"nonce": bytes(11)},
        {"mode": MODE_DETERMINISTIC},  # a deterministic envelope has no nonce
        {"body": bytes(15)},
    ]
    for change in bad:
        with pytest.raises(ValueError):
            Envelope(**(good | change))
    assert Envelope(**(good | {"key_id": "k" * 64, "key_version": 2**32 - 1})).key_version
    assert Envelope(**(good | {"key_id": "projects/p/keyRings/r:v1.a_b-c"})).key_id
    with pytest.raises(dataclasses.FrozenInstanceError):
        Envelope(**good).key_id = "k2"  # type: ignore[misc]


@BOTH
@pytest.mark.parametrize("deterministic", [False, True])
def test_round_trip(s: Suite, deterministic: bool) -> None:
    key = s.new_key()
    env = seal_envelope(
        s,
        key,
        b"13812341050",
        key_id="k1",
        key_version=7,
        context=CTX,
        deterministic=deterministic,
    )
    assert env.suite_id == s.suite_id
    assert env.mode == (MODE_DETERMINISTIC if deterministic else MODE_RANDOMISED)
    assert len(env.nonce) == (0 if deterministic else 12)
    assert env.to_bytes() == env.header() + env.body
    for back in (Envelope.from_bytes(env.to_bytes()), Envelope.from_text(env.to_text())):
        assert back == env
        assert open_envelope(back, s, key, CTX) == b"13812341050"
    assert Envelope.from_bytes(memoryview(env.to_bytes())) == env  # type: ignore[arg-type]


def test_randomised_mode_draws_nonces_from_os_urandom() -> None:
    param = inspect.signature(seal_envelope).parameters["random_bytes"]
    assert param.default is os.urandom
    asked: list[int] = []

    def rand(n: int) -> bytes:
        asked.append(n)
        return os.urandom(n)

    seal_envelope(INTL, INTL.new_key(), b"x", key_id="k", key_version=1, random_bytes=rand)
    seal_envelope(
        INTL,
        INTL.new_key(),
        b"x",
        key_id="k",
        key_version=1,
        deterministic=True,
        random_bytes=rand,
    )
    assert asked == [12]


@BOTH
def test_many_seals_have_distinct_nonces_and_bodies(s: Suite) -> None:
    key = s.new_key()
    envs = [
        seal_envelope(s, key, b"13812341050", key_id="k1", key_version=1, context=CTX)
        for _ in range(5000)
    ]
    assert len({e.nonce for e in envs}) == len(envs)
    assert len({e.body for e in envs}) == len(envs)


@BOTH
def test_deterministic_envelopes(s: Suite) -> None:
    key = s.new_key()

    def det(pt: bytes, ctx: dict[str, str], key_id: str = "k1", version: int = 1) -> str:
        return seal_envelope(
            s, key, pt, key_id=key_id, key_version=version, context=ctx, deterministic=True
        ).to_text()

    a = det(b"13812341050", CTX)
    assert det(b"13812341050", CTX) == a
    assert det(b"13812341050", dict(reversed(CTX.items()))) == a  # context order is irrelevant
    assert det(b"13812341050", CTX | {"row": "10087"}) != a
    assert det(b"13812341050", CTX | {"column": "phone"}) != a
    assert det(b"13812341051", CTX) != a
    assert det(b"13812341050", CTX, key_id="k2") != a
    assert det(b"13812341050", CTX, version=2) != a
    # Searchable by column: a context without the row gives one value per plaintext.
    col = {"table": "orders", "column": "mobile"}
    assert det(b"13812341050", col) == det(b"13812341050", col)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x01",
        b"\x01\x01\x00",
        b"\x01\x01\x00\x02k1",
        b"\x01\x01\x00\x02k1\x00\x00\x00",
        b"\x01\x01\x00\x02k1\x00\x00\x00\x01" + bytes(12) + bytes(15),  # body < tag
        b"\x02\x01\x00\x02k1\x00\x00\x00\x01" + bytes(12) + bytes(16),  # version 2
        b"\x00\x01\x00\x02k1\x00\x00\x00\x01" + bytes(12) + bytes(16),  # version 0
        b"\x01\x09\x00\x02k1\x00\x00\x00\x01" + bytes(12) + bytes(16),  # suite 9
        b"\x01\x01\x02\x02k1\x00\x00\x00\x01" + bytes(12) + bytes(16),  # mode 2
        b"\x01\x01\x00\x00\x00\x00\x00\x01" + bytes(12) + bytes(16),  # empty key id
        b"\x01\x01\x00\x02k \x00\x00\x00\x01" + bytes(12) + bytes(16),  # space in key id
        b"\x01\x01\x00\x02\xe5\xaf\x00\x00\x00\x01" + bytes(12) + bytes(16),  # not ASCII
        b"\x01\x01\x00\x41" + b"k" * 65 + b"\x00\x00\x00\x01" + bytes(12) + bytes(16),
        b"\x01\x01\x00\xff" + b"k" * 20,  # key id length past the end
    ],
)
def test_from_bytes_rejects_malformed(data: bytes) -> None:
    with pytest.raises(InvalidToken) as exc:
        Envelope.from_bytes(data)
    assert str(exc.value) == ""


def test_from_bytes_accepts_the_smallest_envelopes() -> None:
    smallest = b"\x01\x01\x01\x01k\x00\x00\x00\x00" + bytes(16)
    assert Envelope.from_bytes(smallest).to_bytes() == smallest
    randomised = b"\x01\x02\x00\x01k\xff\xff\xff\xff" + bytes(12) + bytes(16)
    assert Envelope.from_bytes(randomised).key_version == 2**32 - 1


def _text() -> str:
    env = seal_envelope(INTL, INTL.new_key(), b"13812341050", key_id="k1", key_version=1)
    return env.to_text()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[4:],  # no prefix
        lambda t: "dg2:" + t[4:],
        lambda t: "DG1:" + t[4:],
        lambda t: " " + t,
        lambda t: t + " ",
        lambda t: t + "\n",
        lambda t: t + "=",
        lambda t: t + "==",
        lambda t: t + "AAA",  # 66 + 3 characters: 1 mod 4
        lambda t: t[:-1],
        lambda t: t[:10] + "+" + t[11:],
        lambda t: t[:10] + "/" + t[11:],
        lambda t: t[:10] + "*" + t[11:],
        lambda t: t[:10] + "é" + t[11:],
        lambda t: "dg1:",
        lambda t: "",
    ],
)
def test_from_text_rejects_malformed(mangle: Any) -> None:
    with pytest.raises(InvalidToken):
        Envelope.from_text(mangle(_text()))


def test_from_text_rejects_non_canonical_trailing_bits() -> None:
    text = _text()  # 49 bytes: 66 characters, the last carries 4 unused bits
    assert (len(text) - 4) % 4 == 2
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(text[-1])
    for low in range(1, 16):
        other = text[:-1] + alphabet[last | low]
        if other != text:
            with pytest.raises(InvalidToken):
                Envelope.from_text(other)


def test_from_text_rejects_non_strings() -> None:
    with pytest.raises(InvalidToken):
        Envelope.from_text(_text().encode())  # type: ignore[arg-type]


def test_text_form_is_unpadded_base64url() -> None:
    env = Envelope.from_text(_text())
    raw = env.to_bytes()
    assert env.to_text() == "dg1:" + base64.urlsafe_b64encode(raw).decode().rstrip("=")
    assert "=" not in env.to_text()


def test_open_envelope_checks_the_suite() -> None:
    env = seal_envelope(INTL, INTL.new_key(), b"x", key_id="k1", key_version=1)
    with pytest.raises(InvalidToken):
        open_envelope(env, GM, GM.new_key())


def test_seal_envelope_validates_the_header_before_sealing() -> None:
    for kwargs in ({"key_id": ""}, {"key_id": "a b"}, {"key_version": -1}):
        args: dict[str, Any] = {"key_id": "k1", "key_version": 1} | kwargs
        with pytest.raises(ValueError):
            seal_envelope(INTL, INTL.new_key(), b"x", **args)
    with pytest.raises(ValueError, match="data key"):
        seal_envelope(INTL, GM.new_key(), b"x", key_id="k1", key_version=1)
