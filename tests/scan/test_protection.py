"""Protection forms of values (dataguard.scan.protection) and placeholders."""

from __future__ import annotations

import base64
import hashlib
import random

import pytest

from dataguard.scan.placeholders import is_placeholder
from dataguard.scan.protection import column_protection, value_form

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
        ("550e8400-e29b-41d4-a716-446655440000", "plaintext"),  # a UUID is an identifier
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaa", "plaintext"),  # long, but no entropy
        ("**重要**", "masked"),
    ],
)
def test_value_form(value: str, form: str) -> None:
    assert value_form(value) == form


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
