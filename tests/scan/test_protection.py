"""Protection forms of values (dataguard.scan.protection) and placeholders."""

from __future__ import annotations

import base64
import hashlib
import pickle
import random

import pytest

from dataguard.scan.assess import as_text
from dataguard.scan.placeholders import is_placeholder
from dataguard.scan.protection import binary_form, column_protection, value_form

_RNG = random.Random(7)
_B64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
BCRYPT = "$2a$10$" + "".join(_RNG.choice(_B64) for _ in range(53))
SHA256 = hashlib.sha256(b"13812341050").hexdigest()
CIPHER = base64.b64encode(bytes(_RNG.randrange(256) for _ in range(48))).decode()


@pytest.mark.parametrize(
    ("value", "form"),
    [
        ("13812341050", "plaintext"),
        ("张三", "plaintext"),
        ("138****1050", "masked"),
        ("张*", "masked"),
        ("tt**@163.com", "masked"),
        ("1****************X", "masked"),
        ("＊＊＊＊1050", "masked"),
        (BCRYPT, "hashed"),
        ("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", "hashed"),
        (SHA256, "hashed"),
        (SHA256.upper(), "hashed"),
        (SHA256[:32], "weak-hash"),  # the size of an MD5 digest
        (SHA256[:40], "weak-hash"),  # the size of a SHA-1 digest
        ("1" * 32, "plaintext"),  # a 32-digit number is a number
        ("dg1:AQIDBAUGBwgJ", "dataguard-encrypted"),
        (CIPHER, "opaque-ciphertext"),
        # base64 of a JSON object is an encoding the detector reads through, not a cipher
        (base64.b64encode(b'{"phone":"13812341050","uid":7}').decode(), "plaintext"),
        ("550e8400-e29b-41d4-a716-446655440000", "plaintext"),  # a UUID is an identifier
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaa", "plaintext"),  # long, but no entropy
        ("**重要**", "masked"),
    ],
)
def test_value_form(value: str, form: str) -> None:
    assert value_form(value) == form


# Written to hold no run of 8 printable characters, as ciphertext rarely does.
_NOISE = bytes.fromhex(
    "8cd1d1c65a06e2ba8f1e73a3e1ee8e0b5dd1e1c6d8bb6c50f5c0a7f8b1e36d90"
    "ff01c4e99a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f302112030405"
    "a1b2c3d4e5f60718293a4b5c6d7e8f90"
)


@pytest.mark.parametrize(
    ("data", "form"),
    [
        (hashlib.sha256(b"13812341050").digest(), "hashed"),  # BINARY(32)
        (hashlib.sha512(b"13812341050").digest(), "hashed"),
        (hashlib.sha256(b"x").digest()[:16], "weak-hash"),  # sized like MD5, or one AES block
        (hashlib.sha256(b"x").digest()[:20], "weak-hash"),  # sized like SHA-1
        (_NOISE, "opaque-ciphertext"),  # 80 bytes: AES output of a long value
        (pickle.dumps({"uid": 7, "mobile": "13812341050"}), "plaintext"),  # a serialised object
    ],
)
def test_binary_form(data: bytes, form: str) -> None:
    assert binary_form(data) == form
    # as the scan sees a database's bytes (undecodable ones surrogate-escaped) …
    assert value_form(as_text(data) or "") == form
    # … or a dump's hex literal of them
    assert value_form("0x" + data.hex().upper()) == form


def test_digests_of_several_sizes_are_ciphertext() -> None:
    # HEX(AES_ENCRYPT(address, key)) grows with the address; one column's digests do not.
    cipher = [hashlib.sha512(str(i).encode()).hexdigest()[: 32 * (1 + i % 3)] for i in range(9)]
    assert column_protection(cipher) == ("opaque-ciphertext", {"opaque-ciphertext": 9})
    digests = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(9)]
    assert column_protection(digests) == ("hashed", {"hashed": 9})
    raw = [as_text(hashlib.sha256(str(i).encode()).digest()) or "" for i in range(300)]
    assert column_protection(raw) == ("hashed", {"hashed": 300})  # white space bytes kept


def test_a_column_takes_the_form_of_most_values() -> None:
    state, forms = column_protection(["138****1050", "139****5678", "13812341050"])
    assert state == "masked"
    assert forms == {"masked": 2, "plaintext": 1}
    assert column_protection([]) == ("plaintext", {})


@pytest.mark.parametrize(
    "value",
    [
        "12345678901",
        "13800000000",
        "13811111111",
        "00000000000",
        "000000000000000000",
        "98765432109",
        "N/A",
        "null",
        "无",
        "暂无",
        "xxxxxx",
        "  -  ",
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize(
    "value", ["13812341050", "11010519491231002X", "张三", "0571-88881234", "123", "1380000"]
)
def test_real_values_are_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)
