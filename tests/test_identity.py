"""Identities: roles, Ed25519 keys derived from a keystore, signatures, rosters.

Real keystores under tmp_path; signatures are checked with cryptography's own Ed25519 and
key derivation with its own HKDF, never with the code under test alone.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from dataguard.crypto.keyring import Keyring
from dataguard.errors import UsageError
from dataguard.identity import (
    ROLES,
    Identity,
    PublicIdentity,
    create_identity,
    find_identity,
    identities,
    load_roster,
)

PASSPHRASE = "correct horse battery"
FAST = {"kdf_params": {"n": 2**15, "r": 8, "p": 1}}  # the lowest cost the keystore accepts
# RFC 8032 section 7.1, TEST 1: the public key of an all-known secret key.
RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"


def make_keyring(path: Path, suite: str = "intl") -> Keyring:
    return Keyring.create(path, suite, passphrase=PASSPHRASE, **FAST)


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return make_keyring(tmp_path / "k.json")


def raw_signed_message(purpose: str, payload: bytes) -> bytes:
    # The documented format: b"dataguard/" + purpose + b"\x00" + payload.
    return b"dataguard/" + purpose.encode("ascii") + b"\x00" + payload


# -- create, find, list ----------------------------------------------------------------------


def test_create_find_and_list(keyring: Keyring) -> None:
    alice = create_identity(keyring, "alice", "operator")
    bob = create_identity(keyring, "bob", "approver")
    assert (alice.name, alice.role) == ("alice", "operator")
    assert (bob.name, bob.role) == ("bob", "approver")
    assert alice.public.public_key != bob.public.public_key

    found = find_identity(keyring, "alice")
    assert found.public == alice.public
    assert [(i.name, i.role) for i in identities(keyring)] == [
        ("alice", "operator"),
        ("bob", "approver"),
    ]
    assert identities(keyring) == [alice.public, bob.public]


def test_identities_are_listed_sorted_by_name(keyring: Keyring) -> None:
    for name, role in (("zoe", "auditor"), ("adam", "admin"), ("mia", "operator")):
        create_identity(keyring, name, role)
    assert [i.name for i in identities(keyring)] == ["adam", "mia", "zoe"]


def test_an_empty_keystore_lists_nothing(keyring: Keyring) -> None:
    assert identities(keyring) == []


def test_find_without_a_name_takes_the_only_identity(keyring: Keyring) -> None:
    made = create_identity(keyring, "ops-bot", "operator")
    assert find_identity(keyring).public == made.public


def test_find_without_a_name_refuses_none_or_several(keyring: Keyring) -> None:
    with pytest.raises(UsageError, match="holds: none"):
        find_identity(keyring)
    create_identity(keyring, "alice", "operator")
    create_identity(keyring, "bob", "approver")
    with pytest.raises(UsageError, match="holds: alice, bob"):
        find_identity(keyring)


def test_find_an_unknown_name_says_how_to_make_it(keyring: Keyring) -> None:
    create_identity(keyring, "alice", "operator")
    with pytest.raises(UsageError, match=r"no identity 'carol'.*identity create carol"):
        find_identity(keyring, "carol")


def test_every_role_can_be_created(keyring: Keyring) -> None:
    assert ROLES == ("operator", "approver", "auditor", "admin")
    for number, role in enumerate(ROLES):
        assert create_identity(keyring, f"user{number}", role).role == role


def test_one_name_holds_one_role(keyring: Keyring) -> None:
    create_identity(keyring, "alice", "operator")
    with pytest.raises(UsageError, match=r"'alice' already exists with role 'operator'"):
        create_identity(keyring, "alice", "approver")
    with pytest.raises(UsageError, match="already exists with role 'operator'"):
        create_identity(keyring, "alice", "operator")
    assert [(i.name, i.role) for i in identities(keyring)] == [("alice", "operator")]


def test_one_role_is_also_enforced_after_reopening(tmp_path: Path) -> None:
    create_identity(make_keyring(tmp_path / "k.json"), "alice", "operator")
    reopened = Keyring.open(tmp_path / "k.json", PASSPHRASE)
    with pytest.raises(UsageError, match="already exists with role 'operator'"):
        create_identity(reopened, "alice", "auditor")


@pytest.mark.parametrize(
    "name",
    ["", "-alice", "al ice", "alice.ops", "张三", "a" * 65, "alice\n", "a/b", "13812345678@x"],
)
def test_bad_names_are_refused(keyring: Keyring, name: str) -> None:
    with pytest.raises(UsageError, match="identity name is 1 to 64"):
        create_identity(keyring, name, "operator")
    assert identities(keyring) == []


@pytest.mark.parametrize("name", ["a", "_svc", "ops-bot", "A1_b-2", "a" * 64])
def test_good_names_are_accepted(keyring: Keyring, name: str) -> None:
    assert create_identity(keyring, name, "auditor").name == name


@pytest.mark.parametrize("role", ["", "root", "Operator", "operator ", "approvers"])
def test_bad_roles_are_refused(keyring: Keyring, role: str) -> None:
    with pytest.raises(UsageError, match="unknown role"):
        create_identity(keyring, "alice", role)
    assert identities(keyring) == []


def test_find_with_a_bad_name_is_a_usage_error(keyring: Keyring) -> None:
    with pytest.raises(UsageError, match="identity name"):
        find_identity(keyring, "not a name")


# -- keys --------------------------------------------------------------------------------------


def test_the_same_keystore_reopened_derives_the_same_key(tmp_path: Path) -> None:
    made = create_identity(make_keyring(tmp_path / "k.json"), "alice", "operator")
    reopened = Keyring.open(tmp_path / "k.json", PASSPHRASE)
    again = find_identity(reopened, "alice")
    assert again.public == made.public
    assert again.fingerprint == made.fingerprint
    assert again._private.private_bytes_raw() == made._private.private_bytes_raw()


def test_two_keystores_give_the_same_name_different_keys(tmp_path: Path) -> None:
    first = create_identity(make_keyring(tmp_path / "a.json"), "alice", "operator")
    second = create_identity(make_keyring(tmp_path / "b.json"), "alice", "operator")
    assert first.public.public_key != second.public.public_key
    assert first.fingerprint != second.fingerprint


@pytest.mark.parametrize("suite", ["intl", "gm"])
def test_the_key_is_hkdf_of_the_scope_dek(tmp_path: Path, suite: str) -> None:
    keyring = make_keyring(tmp_path / "k.json", suite)
    made = create_identity(keyring, "alice", "approver")
    ref = keyring.keystore.active("identity.approver.alice")
    dek = keyring.keystore.key(ref.id, ref.version)
    algorithm: hashes.HashAlgorithm = hashes.SM3() if suite == "gm" else hashes.SHA256()
    seed = HKDF(algorithm, 32, None, b"dataguard/identity/ed25519/1\x00approver.alice").derive(dek)
    assert made._private.private_bytes_raw() == seed
    expected_public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    assert made.public.public_key == expected_public.hex()


def test_the_private_key_never_reaches_the_keystore_file(tmp_path: Path) -> None:
    keyring = make_keyring(tmp_path / "k.json")
    made = create_identity(keyring, "alice", "operator")
    create_identity(keyring, "bob", "auditor")  # a second save: k.json.prev holds the first
    private = made._private.private_bytes_raw()
    assert len(private) == 32
    stored = b"".join(p.read_bytes() for p in sorted(tmp_path.iterdir()) if p.is_file())
    assert (tmp_path / "k.json").exists()
    for form in (
        private,
        private.hex().encode(),
        base64.b64encode(private),
        base64.urlsafe_b64encode(private).rstrip(b"="),
        base64.b64encode(private).rstrip(b"="),
    ):
        assert form not in stored


def test_public_identity_fingerprint_is_sha256_prefix_of_the_raw_key() -> None:
    public = PublicIdentity("alice", "operator", RFC8032_PUBLIC)
    expected = hashlib.sha256(bytes.fromhex(RFC8032_PUBLIC)).digest()[:16].hex()
    assert public.fingerprint == expected
    assert len(public.fingerprint) == 32


def test_an_identity_from_a_known_key_has_the_rfc8032_public_key() -> None:
    identity = Identity("alice", "operator", Ed25519PrivateKey.from_private_bytes(RFC8032_SECRET))
    assert identity.public.public_key == RFC8032_PUBLIC


def test_repr_shows_name_role_and_fingerprint_only(keyring: Keyring) -> None:
    made = create_identity(keyring, "alice", "operator")
    text = repr(made)
    assert text == f"Identity('alice', role='operator', fingerprint={made.fingerprint!r})"
    assert made._private.private_bytes_raw().hex() not in text


# -- signatures --------------------------------------------------------------------------------


def test_a_signature_verifies_for_its_purpose_and_payload_only(keyring: Keyring) -> None:
    alice = create_identity(keyring, "alice", "approver")
    signature = alice.sign("dataguard.destroy.approval/1", b"plan-hash")
    assert len(signature) == 128
    public = alice.public
    assert public.verify("dataguard.destroy.approval/1", b"plan-hash", signature)
    assert not public.verify("dataguard.destroy.certificate/1", b"plan-hash", signature)
    assert not public.verify("dataguard.destroy.approval/1", b"plan-hasH", signature)


def test_domain_separation_between_purposes(keyring: Keyring) -> None:
    alice = create_identity(keyring, "alice", "approver")
    signature = alice.sign("a", b"payload")
    assert alice.public.verify("a", b"payload", signature)
    assert not alice.public.verify("b", b"payload", signature)
    # The purpose is not just a prefix of the payload.
    assert not alice.public.verify("", b"apayload", signature)


def test_another_identity_does_not_verify(keyring: Keyring, tmp_path: Path) -> None:
    alice = create_identity(keyring, "alice", "approver")
    other = create_identity(make_keyring(tmp_path / "other.json"), "alice", "approver")
    signature = alice.sign("a", b"payload")
    assert not other.public.verify("a", b"payload", signature)


@pytest.mark.parametrize(
    "damage",
    [
        lambda s: s[:-2] + ("00" if s[-2:] != "00" else "01"),  # a flipped byte
        lambda s: s[:-2],  # one byte short
        lambda s: s + "00",  # one byte long
        lambda s: "zz" + s[2:],  # not hex
        lambda s: "",
        lambda s: "0" * 128,
        lambda s: s[:64] + "\u00e9" * 64,  # not ASCII
    ],
)
def test_a_damaged_signature_is_false_not_an_exception(
    keyring: Keyring, damage: Callable[[str], str]
) -> None:
    alice = create_identity(keyring, "alice", "operator")
    signature = alice.sign("a", b"payload")
    damaged = damage(signature)
    assert damaged != signature
    assert alice.public.verify("a", b"payload", damaged) is False


def test_a_non_string_signature_is_false(keyring: Keyring) -> None:
    alice = create_identity(keyring, "alice", "operator")
    assert alice.public.verify("a", b"payload", None) is False  # type: ignore[arg-type]


def test_the_signature_is_plain_ed25519_over_the_documented_message(keyring: Keyring) -> None:
    alice = create_identity(keyring, "alice", "approver")
    payload = "计划哈希".encode()
    signature = alice.sign("dataguard.destroy.plan/1", payload)
    exported = json.loads(json.dumps(alice.public.to_dict()))
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(exported["public_key"]))
    key.verify(bytes.fromhex(signature), raw_signed_message("dataguard.destroy.plan/1", payload))
    with pytest.raises(InvalidSignature):
        key.verify(bytes.fromhex(signature), raw_signed_message("dataguard.destroy.run/1", payload))
    with pytest.raises(InvalidSignature):
        key.verify(bytes.fromhex(signature), payload)  # the bare payload is not what is signed


def test_a_signature_made_outside_verifies_inside() -> None:
    private = Ed25519PrivateKey.from_private_bytes(RFC8032_SECRET)
    signature = private.sign(raw_signed_message("a", b"payload")).hex()
    public = PublicIdentity("alice", "operator", RFC8032_PUBLIC)
    assert public.verify("a", b"payload", signature)
    assert not public.verify("a", b"payload", private.sign(b"payload").hex())


# -- public identities -------------------------------------------------------------------------


def test_same_holder_is_same_name_or_same_key() -> None:
    other_key = "11" * 32
    alice = PublicIdentity("alice", "operator", RFC8032_PUBLIC)
    assert alice.same_holder(PublicIdentity("alice", "approver", other_key))  # same name
    assert alice.same_holder(PublicIdentity("bob", "approver", RFC8032_PUBLIC))  # same key
    assert alice.same_holder(alice)
    assert not alice.same_holder(PublicIdentity("bob", "approver", other_key))


def test_to_dict_from_dict_round_trip() -> None:
    alice = PublicIdentity("alice", "operator", RFC8032_PUBLIC)
    data = alice.to_dict()
    assert set(data) == {"name", "role", "public_key", "fingerprint"}
    assert PublicIdentity.from_dict(data) == alice
    without = {k: v for k, v in data.items() if k != "fingerprint"}
    assert PublicIdentity.from_dict(without) == alice


def test_from_dict_rejects_a_wrong_fingerprint() -> None:
    data = PublicIdentity("alice", "operator", RFC8032_PUBLIC).to_dict()
    data["fingerprint"] = "0" * 32
    with pytest.raises(UsageError, match="fingerprint does not match"):
        PublicIdentity.from_dict(data)


def test_from_dict_rejects_a_swapped_key_under_an_old_fingerprint() -> None:
    data = PublicIdentity("alice", "operator", RFC8032_PUBLIC).to_dict()
    data["public_key"] = "11" * 32
    with pytest.raises(UsageError, match="fingerprint does not match"):
        PublicIdentity.from_dict(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "JSON object"),
        (["alice"], "JSON object"),
        ({"role": "operator", "public_key": RFC8032_PUBLIC}, "no 'name'"),
        ({"name": "alice", "public_key": RFC8032_PUBLIC}, "no 'role'"),
        ({"name": "alice", "role": "operator"}, "no 'public_key'"),
        ({"name": "alice", "role": "root", "public_key": RFC8032_PUBLIC}, "unknown role"),
        ({"name": "a b", "role": "operator", "public_key": RFC8032_PUBLIC}, "identity name"),
        ({"name": "alice", "role": "operator", "public_key": "ab"}, "64 lower-case hex"),
        ({"name": "alice", "role": "operator", "public_key": RFC8032_PUBLIC.upper()}, "hex"),
    ],
)
def test_from_dict_rejects_malformed_identities(data: object, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        PublicIdentity.from_dict(data)


# -- rosters -----------------------------------------------------------------------------------


def write_roster(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_roster_is_a_list(tmp_path: Path) -> None:
    alice = PublicIdentity("alice", "operator", RFC8032_PUBLIC)
    bob = PublicIdentity("bob", "approver", "11" * 32)
    roster = write_roster(tmp_path / "r.json", [alice.to_dict(), bob.to_dict()])
    assert load_roster(roster) == [alice, bob]
    assert load_roster(str(roster)) == [alice, bob]


def test_a_roster_may_be_one_object(tmp_path: Path) -> None:
    alice = PublicIdentity("alice", "operator", RFC8032_PUBLIC)
    assert load_roster(write_roster(tmp_path / "r.json", alice.to_dict())) == [alice]


def test_a_roster_exported_from_a_keystore_verifies_its_signatures(
    keyring: Keyring, tmp_path: Path
) -> None:
    alice = create_identity(keyring, "alice", "approver")
    roster = load_roster(write_roster(tmp_path / "r.json", [alice.public.to_dict()]))
    assert roster[0].verify("a", b"payload", alice.sign("a", b"payload"))


def test_a_repeated_identical_entry_is_allowed(tmp_path: Path) -> None:
    alice = PublicIdentity("alice", "operator", RFC8032_PUBLIC).to_dict()
    assert len(load_roster(write_roster(tmp_path / "r.json", [alice, alice]))) == 2


def test_a_roster_giving_one_name_two_roles_is_refused(tmp_path: Path) -> None:
    entries = [
        PublicIdentity("alice", "operator", RFC8032_PUBLIC).to_dict(),
        PublicIdentity("alice", "approver", "11" * 32).to_dict(),
    ]
    with pytest.raises(UsageError, match="gives 'alice' two roles or two keys"):
        load_roster(write_roster(tmp_path / "r.json", entries))


def test_a_roster_giving_one_key_two_names_is_refused(tmp_path: Path) -> None:
    entries = [
        PublicIdentity("alice", "operator", RFC8032_PUBLIC).to_dict(),
        PublicIdentity("bob", "approver", RFC8032_PUBLIC).to_dict(),
    ]
    with pytest.raises(UsageError, match="two roles or two keys"):
        load_roster(write_roster(tmp_path / "r.json", entries))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[{", "cannot read the roster"),
        ("", "cannot read the roster"),
        ('"alice"', "JSON list of identities"),
        ("42", "JSON list of identities"),
        ('[{"name": "alice"}]', "no 'role'"),
        ("[1]", "JSON object"),
    ],
)
def test_a_malformed_roster_is_a_usage_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "r.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load_roster(path)


def test_a_missing_or_non_utf8_roster_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read the roster"):
        load_roster(tmp_path / "missing.json")
    (tmp_path / "latin.json").write_bytes(b'[{"name": "\xe9"}]')
    with pytest.raises(UsageError, match="cannot read the roster"):
        load_roster(tmp_path / "latin.json")
