"""Recipes: Keyring and FieldCipher over a real keystore file (dataguard.crypto.keyring)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard.crypto.hazmat.wire import Envelope
from dataguard.crypto.keyring import Keyring
from dataguard.errors import InvalidToken, UsageError

PASSPHRASE = "correct horse battery staple"
FAST = {"kdf_params": {"n": 2**15, "r": 8, "p": 1}}  # the lowest cost the keystore accepts
ROW = {"table": "orders", "column": "receiver_phone", "row": "1001"}


@pytest.fixture(params=["intl", "gm"])
def keyring(request: pytest.FixtureRequest, tmp_path: Path) -> Keyring:
    return Keyring.create(tmp_path / "keys.json", request.param, passphrase=PASSPHRASE, **FAST)


def test_a_field_round_trips_under_its_context(keyring: Keyring) -> None:
    phones = keyring.cipher("orders.receiver_phone")
    token = phones.encrypt("13812341050", ROW)
    assert token.startswith("dg1:")
    assert phones.decrypt(token, ROW) == "13812341050"
    # Another row, another column, no context: the copy does not decrypt.
    for other in ({**ROW, "row": "1002"}, {**ROW, "column": "buyer_phone"}, None):
        with pytest.raises(InvalidToken):
            phones.decrypt(token, other)


def test_a_value_of_undecodable_bytes_decrypts_to_the_same_bytes(keyring: Keyring) -> None:
    # A GBK name in a log read as UTF-8 reaches the encrypt operator as lone surrogates
    # (surrogateescape); encrypting it raised UnicodeEncodeError.
    value = "赵敏".encode("gbk").decode("utf-8", "surrogateescape")
    names = keyring.cipher("log.name")
    assert names.decrypt(names.encrypt(value, ROW), ROW) == value


def test_randomised_tokens_differ_deterministic_ones_repeat(keyring: Keyring) -> None:
    randomised = keyring.cipher("members.mobile")
    assert randomised.encrypt("13812341050") != randomised.encrypt("13812341050")
    joinable = keyring.cipher("members.mobile_join", deterministic=True)
    assert joinable.encrypt("13812341050") == joinable.encrypt("13812341050")
    assert joinable.encrypt("13812341050") != joinable.encrypt("13912345678")
    assert joinable.decrypt(joinable.encrypt("13812341050")) == "13812341050"


def test_rotation_keeps_old_tokens_readable(keyring: Keyring, tmp_path: Path) -> None:
    phones = keyring.cipher("orders.receiver_phone")
    old = phones.encrypt("13812341050", ROW)
    keyring.rotate("orders.receiver_phone")
    new = phones.encrypt("13812341050", ROW)
    versions = [Envelope.from_text(t).key_version for t in (old, new)]
    assert versions == [1, 2]  # the header names the key version
    reopened = Keyring.open(tmp_path / "keys.json", PASSPHRASE)
    assert reopened.decrypt(old, ROW) == reopened.decrypt(new, ROW) == "13812341050"


def test_the_blind_index_survives_rotation_and_normalises(keyring: Keyring) -> None:
    phones = keyring.cipher("orders.receiver_phone")
    index = phones.blind_index("13812341050")
    assert len(index) == 32
    assert phones.blind_index("１３８１２３４１０５０") == index  # full-width digits
    keyring.rotate("orders.receiver_phone")
    assert phones.blind_index("13812341050") == index
    assert phones.blind_index("13912345678") != index


def test_destroying_a_subject_key_shreds_every_copy(keyring: Keyring, tmp_path: Path) -> None:
    subject = keyring.cipher("subject:10086")
    token = subject.encrypt("浙江省杭州市西湖区文三路90号")
    backup_of_the_data = token  # a copy in a backup: it is the key that must go
    keyring.destroy("subject:10086")
    reopened = Keyring.open(tmp_path / "keys.json", PASSPHRASE)
    with pytest.raises(InvalidToken):
        reopened.decrypt(backup_of_the_data)
    raw = (tmp_path / "keys.json").read_bytes() + (tmp_path / "keys.json.prev").read_bytes()
    assert b"10086" not in raw  # the subject id is stored only as a keyed hash


def test_no_plaintext_key_or_value_reaches_the_disk(keyring: Keyring, tmp_path: Path) -> None:
    phones = keyring.cipher("orders.receiver_phone")
    phones.encrypt("13812341050")
    ref = keyring.keystore.active("orders.receiver_phone")
    dek = keyring.keystore.key(ref.id, ref.version)
    for path in tmp_path.iterdir():
        data = path.read_bytes()
        for form in (dek, dek.hex().encode(), base64.b64encode(dek), b"13812341050"):
            assert form not in data, path.name


def test_a_wrong_passphrase_is_a_clear_error(keyring: Keyring, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="wrong passphrase"):
        Keyring.open(tmp_path / "keys.json", "not the passphrase")


def test_tokens_of_another_keystore_do_not_decrypt(keyring: Keyring, tmp_path: Path) -> None:
    token = keyring.cipher("members.mobile").encrypt("13812341050")
    other = Keyring.create(
        tmp_path / "other.json", keyring.keystore.suite, passphrase=PASSPHRASE, **FAST
    )
    other.cipher("members.mobile")
    with pytest.raises(InvalidToken):
        other.decrypt(token)


@settings(max_examples=60, deadline=None)
@given(
    value=st.text(max_size=200),
    context=st.dictionaries(st.text(max_size=8), st.text(max_size=16), max_size=3),
    deterministic=st.booleans(),
)
def test_round_trip_property(
    tmp_path_factory: pytest.TempPathFactory,
    value: str,
    context: dict[str, str],
    deterministic: bool,
) -> None:
    keyring = _shared(tmp_path_factory)
    cipher = keyring.cipher("props.value", deterministic=deterministic)
    assert cipher.decrypt(cipher.encrypt(value, context), context) == value


_KEYRINGS: dict[str, Keyring] = {}


def _shared(factory: pytest.TempPathFactory) -> Keyring:
    if "k" not in _KEYRINGS:
        path = factory.mktemp("prop") / "keys.json"
        _KEYRINGS["k"] = Keyring.create(path, passphrase=PASSPHRASE, **FAST)
    return _KEYRINGS["k"]
