"""The cipher suites (dataguard.crypto.hazmat.suites): API, key checks, the gm SIV."""

from __future__ import annotations

import hashlib
import hmac
import struct

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from dataguard.crypto.hazmat import suites
from dataguard.crypto.hazmat.policy import check_algorithm
from dataguard.crypto.hazmat.suites import (
    GM,
    GM_SIV_ENC_INFO,
    GM_SIV_MAC_INFO,
    INTL,
    SUITES,
    Suite,
    suite,
    suite_by_id,
)
from dataguard.errors import InvalidToken, UsageError

BOTH = pytest.mark.parametrize("s", [INTL, GM], ids=["intl", "gm"])
NONCE = bytes(range(12))


def test_the_two_suites() -> None:
    assert set(SUITES) == {"intl", "gm"}
    assert (INTL.name, INTL.suite_id, INTL.dek_size) == ("intl", 1, 32)
    assert (GM.name, GM.suite_id, GM.dek_size) == ("gm", 2, 16)
    for s in (INTL, GM):
        assert (s.nonce_size, s.tag_size) == (12, 16)
        assert isinstance(s, Suite)
        assert suite(s.name) is s
        assert suite_by_id(s.suite_id) is s


def test_suite_algorithms_pass_the_policy() -> None:
    for s in SUITES.values():
        for name in s.algorithms:
            assert check_algorithm(name) == name


def test_unknown_suite_name_is_a_usage_error_naming_the_choices() -> None:
    with pytest.raises(UsageError, match=r"'aes128'.*'intl'.*'gm'"):
        suite("aes128")


@pytest.mark.parametrize("bad", [0, 3, 255, -1, None, "1"])
def test_unknown_suite_id_is_an_invalid_token(bad: object) -> None:
    with pytest.raises(InvalidToken) as exc:
        suite_by_id(bad)  # type: ignore[arg-type]
    assert str(exc.value) == ""


@BOTH
def test_new_key(s: Suite) -> None:
    keys = {s.new_key() for _ in range(100)}
    assert len(keys) == 100
    assert {len(k) for k in keys} == {s.dek_size}
    assert s.new_key(lambda n: b"\x07" * n) == b"\x07" * s.dek_size
    with pytest.raises(ValueError, match="data key"):
        s.new_key(lambda n: b"\x07" * (n - 1))


@BOTH
@pytest.mark.parametrize("delta", [-1, 1, -8, 16])
def test_wrong_key_length_is_a_value_error_at_the_call(s: Suite, delta: int) -> None:
    key = bytes(s.dek_size + delta)
    sealed = s.seal(s.new_key(), NONCE, b"x", b"")
    for call in (
        lambda: s.seal(key, NONCE, b"x", b""),
        lambda: s.open(key, NONCE, sealed, b""),
        lambda: s.seal_deterministic(key, b"x", b""),
        lambda: s.open_deterministic(key, sealed, b""),
    ):
        with pytest.raises(ValueError, match=f"{s.name} data key is {s.dek_size} bytes"):
            call()


def test_an_intl_key_is_not_a_gm_key() -> None:
    with pytest.raises(ValueError):
        GM.seal(INTL.new_key(), NONCE, b"x", b"")
    with pytest.raises(ValueError):
        INTL.seal(GM.new_key(), NONCE, b"x", b"")


@BOTH
@pytest.mark.parametrize("size", [0, 8, 11, 13, 16])
def test_a_wrong_nonce_is_a_value_error_when_sealing_and_invalid_when_opening(
    s: Suite, size: int
) -> None:
    key = s.new_key()
    with pytest.raises(ValueError, match="nonce is 12 bytes"):
        s.seal(key, bytes(size), b"x", b"")
    sealed = s.seal(key, NONCE, b"x", b"")
    with pytest.raises(InvalidToken):
        s.open(key, bytes(size), sealed, b"")


@BOTH
def test_seal_open_and_sizes(s: Suite) -> None:
    key = s.new_key()
    for pt in (b"", b"1", b"13812341050", b"110101199003074578", bytes(1000)):
        sealed = s.seal(key, NONCE, pt, b"aad")
        assert len(sealed) == len(pt) + 16
        assert s.open(key, NONCE, sealed, b"aad") == pt
        det = s.seal_deterministic(key, pt, b"aad")
        assert len(det) == len(pt) + 16
        assert s.open_deterministic(key, det, b"aad") == pt


@BOTH
def test_bytearray_and_memoryview_keys_work(s: Suite) -> None:
    key = s.new_key()
    sealed = s.seal(bytearray(key), NONCE, b"x", b"")  # type: ignore[arg-type]
    assert s.open(memoryview(key), NONCE, sealed, b"") == b"x"  # type: ignore[arg-type]
    det = s.seal_deterministic(key, b"x", b"")
    assert s.open_deterministic(bytearray(key), det, b"") == b"x"  # type: ignore[arg-type]


@BOTH
def test_open_failures_are_invalid_tokens(s: Suite) -> None:
    key = s.new_key()
    sealed = s.seal(key, NONCE, b"13812341050", b"aad")
    det = s.seal_deterministic(key, b"13812341050", b"aad")
    failures = [
        lambda: s.open(s.new_key(), NONCE, sealed, b"aad"),
        lambda: s.open(key, bytes(12), sealed, b"aad"),
        lambda: s.open(key, NONCE, sealed, b"aaD"),
        lambda: s.open(key, NONCE, sealed[:-1], b"aad"),
        lambda: s.open(key, NONCE, sealed[:15], b"aad"),
        lambda: s.open(key, NONCE, b"", b"aad"),
        lambda: s.open_deterministic(s.new_key(), det, b"aad"),
        lambda: s.open_deterministic(key, det, b"aaD"),
        lambda: s.open_deterministic(key, det[:-1], b"aad"),
        lambda: s.open_deterministic(key, det[:15], b"aad"),
        lambda: s.open_deterministic(key, b"", b"aad"),
        lambda: s.open_deterministic(key, sealed, b"aad"),
        lambda: s.open(key, NONCE, det, b"aad"),
    ]
    for fail in failures:
        with pytest.raises(InvalidToken) as exc:
            fail()
        assert str(exc.value) == ""
        assert exc.value.args == ()
        assert exc.value.__cause__ is None
        assert exc.value.__suppress_context__ or exc.value.__context__ is None


@BOTH
def test_deterministic_is_deterministic_per_key_and_aad(s: Suite) -> None:
    key = s.new_key()
    a = s.seal_deterministic(key, b"13812341050", b"orders.mobile")
    assert s.seal_deterministic(key, b"13812341050", b"orders.mobile") == a
    assert s.seal_deterministic(key, b"13812341050", b"orders.phone") != a
    assert s.seal_deterministic(key, b"13812341051", b"orders.mobile") != a
    assert s.seal_deterministic(s.new_key(), b"13812341050", b"orders.mobile") != a


@BOTH
def test_mac_and_derive(s: Suite) -> None:
    key = bytes(range(16))
    assert len(s.mac(key, b"data")) == 32
    assert s.mac(key, b"data") != s.mac(key, b"datb")
    assert len(s.derive(key, b"purpose", 17)) == 17
    assert s.derive(key, b"a", 32) != s.derive(key, b"b", 32)
    for short in (b"", bytes(15)):
        with pytest.raises(ValueError, match="at least 16 bytes"):
            s.mac(short, b"data")
        with pytest.raises(ValueError, match="at least 16 bytes"):
            s.derive(short, b"purpose", 32)


def test_intl_mac_is_hmac_sha256_and_gm_mac_is_hmac_sm3() -> None:
    key = bytes(range(32))
    assert INTL.mac(key, b"abc") == hmac.new(key, b"abc", "sha256").digest()
    if "sm3" in hashlib.algorithms_available:
        assert GM.mac(key, b"abc") == hmac.new(key, b"abc", "sm3").digest()


def _gm_siv_reference(dek: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """The construction exactly as the suites module docstring writes it."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    k_mac = HKDF(hashes.SM3(), 32, None, GM_SIV_MAC_INFO).derive(dek)
    k_enc = HKDF(hashes.SM3(), 16, None, GM_SIV_ENC_INFO).derive(dek)
    from cryptography.hazmat.primitives import hmac as crypto_hmac

    mac = crypto_hmac.HMAC(k_mac, hashes.SM3())
    mac.update(struct.pack(">Q", len(aad)) + aad + plaintext)
    v = mac.finalize()[:16]
    q = bytearray(v)
    q[8] &= 0x7F
    q[12] &= 0x7F
    ctr = Cipher(algorithms.SM4(k_enc), modes.CTR(bytes(q))).encryptor()
    return v + ctr.update(plaintext) + ctr.finalize()


@pytest.mark.parametrize(
    ("plaintext", "aad"),
    [(b"", b""), (b"13812341050", b"ctx"), (bytes(range(256)) * 3, b"a" * 40), (b"x", b"")],
)
def test_gm_siv_matches_the_documented_construction(plaintext: bytes, aad: bytes) -> None:
    dek = bytes(range(16))
    assert GM.seal_deterministic(dek, plaintext, aad) == _gm_siv_reference(dek, plaintext, aad)


def test_gm_siv_length_prefix_separates_aad_from_plaintext() -> None:
    dek = GM.new_key()
    assert GM.seal_deterministic(dek, b"bc", b"a") != GM.seal_deterministic(dek, b"c", b"ab")
    with pytest.raises(InvalidToken):
        GM.open_deterministic(dek, GM.seal_deterministic(dek, b"bc", b"a"), b"ab")


def test_gm_siv_compares_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(suites.hmac, "compare_digest", spy)
    dek = GM.new_key()
    GM.open_deterministic(dek, GM.seal_deterministic(dek, b"x", b""), b"")
    assert len(calls) == 1


def test_forget_keys_empties_the_caches() -> None:
    dek = INTL.new_key()
    INTL.seal_deterministic(dek, b"x", b"")
    GM.seal_deterministic(GM.new_key(), b"x", b"")
    suites.forget_keys()
    assert suites._aesgcm.cache_info().currsize == 0
    assert suites._aessiv.cache_info().currsize == 0
    assert suites._gm_siv_keys.cache_info().currsize == 0
    assert INTL.open_deterministic(dek, INTL.seal_deterministic(dek, b"x", b""), b"") == b"x"


def test_suites_are_immutable() -> None:
    with pytest.raises(AttributeError):
        INTL.dek_size = 16  # type: ignore[misc]
