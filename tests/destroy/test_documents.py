"""Signed documents, hashes and keyed hashes of a destruction run; row keys and row hashes.

Hashes are checked against hashlib/hmac and a published SM3 vector, signatures against
forged, altered and re-labelled documents; files are real files under tmp_path.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import os
import stat
import uuid
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from dataguard.crypto.keyring import Keyring
from dataguard.destroy.documents import (
    DESTROY_SCOPE,
    Companions,
    Document,
    canonical,
    check_document,
    destroy_key,
    digest,
    hash_algorithm,
    keyed_digest,
    keyed_digest_bytes,
    read_document,
    seal,
    write_atomically,
    write_document,
)
from dataguard.destroy.selection import ROW_HASH_SIZE, encode_key, row_hash
from dataguard.errors import UsageError
from dataguard.identity import Identity, create_identity

PASSPHRASE = "correct horse battery"
FAST = {"kdf_params": {"n": 2**15, "r": 8, "p": 1}}
PLAN = "dataguard.destroy.plan/1"
APPROVAL = "dataguard.destroy.approval/1"
KEY = bytes(range(32))
BODY: dict[str, Any] = {
    "name": "orders-retention",
    "reason": "授权已过期",
    "targets": [{"id": "rows:orders", "rows": 3}],
    "suite": "intl",
}


def make_keyring(path: Path, suite: str = "intl") -> Keyring:
    return Keyring.create(path, suite, passphrase=PASSPHRASE, **FAST)


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return make_keyring(tmp_path / "k.json")


@pytest.fixture
def operator(keyring: Keyring) -> Identity:
    return create_identity(keyring, "alice", "operator")


@pytest.fixture
def mallory(tmp_path: Path) -> Identity:
    return create_identity(make_keyring(tmp_path / "mallory.json"), "mallory", "operator")


def sealed_dict(signer: Identity, algorithm: str = "sha256") -> dict[str, Any]:
    # Through JSON, as a reader sees it.
    return json.loads(json.dumps(seal(PLAN, BODY, signer, algorithm).to_dict()))


# -- canonical JSON and digests --------------------------------------------------------------


def test_canonical_json_is_sorted_compact_utf8() -> None:
    value = {"b": [1, {"z": None, "a": True}], "a": "张三", "é": 1.5}
    assert canonical(value) == '{"a":"张三","b":[1,{"a":true,"z":null}],"é":1.5}'.encode()


def test_canonical_json_ignores_insertion_order() -> None:
    assert canonical({"a": 1, "b": 2}) == canonical({"b": 2, "a": 1})


@pytest.mark.parametrize("value", [float("nan"), float("inf"), {"x": [float("-inf")]}])
def test_canonical_json_refuses_nan_and_infinity(value: object) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        canonical(value)


def test_sha256_digest_equals_hashlib() -> None:
    for data in (b"", b"abc", canonical(BODY), bytes(range(256)) * 40):
        assert digest(data) == hashlib.sha256(data).hexdigest()
        assert digest(data, "sha256") == hashlib.sha256(data).hexdigest()


def test_sm3_digest_matches_the_gbt_32905_vectors() -> None:
    # GB/T 32905-2016, appendix A: examples 1 ("abc") and 2 ("abcd" * 16).
    assert digest(b"abc", "sm3") == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert digest(b"abcd" * 16, "sm3") == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def test_unknown_hash_algorithms_are_refused() -> None:
    with pytest.raises(UsageError, match="unknown hash 'md5'"):
        digest(b"abc", "md5")
    with pytest.raises(UsageError, match="unknown hash"):
        keyed_digest(KEY, b"l", b"abc", "sha1")


def test_hash_algorithm_of_each_suite() -> None:
    assert hash_algorithm("intl") == "sha256"
    assert hash_algorithm("gm") == "sm3"
    with pytest.raises(UsageError, match="unknown suite 'aes'"):
        hash_algorithm("aes")


def test_keyed_digest_is_hmac_of_label_nul_data() -> None:
    expected = hmac.new(KEY, b"config\x00" + b"some bytes", hashlib.sha256).hexdigest()
    assert keyed_digest(KEY, b"config", b"some bytes") == expected
    assert keyed_digest_bytes(KEY, b"config", b"some bytes") == bytes.fromhex(expected)


def test_keyed_digest_keeps_labels_and_keys_apart() -> None:
    base = keyed_digest(KEY, b"row", b"data")
    assert keyed_digest(KEY, b"config", b"data") != base
    assert keyed_digest(bytes(32), b"row", b"data") != base
    # The separator stops label and data from sliding into each other.
    assert keyed_digest(KEY, b"ro", b"wdata") != keyed_digest(KEY, b"row", b"data")


def test_keyed_digest_sm3_is_hmac_sm3() -> None:
    # hashlib may lack SM3 (OpenSSL builds differ): cryptography's own HMAC is the reference.
    independent = crypto_hmac.HMAC(KEY, hashes.SM3())
    independent.update(b"row\x00data")
    assert keyed_digest(KEY, b"row", b"data", "sm3") == independent.finalize().hex()
    assert keyed_digest(KEY, b"row", b"data", "sm3") != keyed_digest(KEY, b"row", b"data")


# -- the destroy key -------------------------------------------------------------------------


@pytest.mark.parametrize("suite", ["intl", "gm"])
def test_destroy_key_is_hkdf_of_the_destroy_scope(tmp_path: Path, suite: str) -> None:
    keyring = make_keyring(tmp_path / "k.json", suite)
    key = destroy_key(keyring)
    ref = keyring.keystore.active(DESTROY_SCOPE)
    dek = keyring.keystore.key(ref.id, ref.version)
    algorithm: hashes.HashAlgorithm = hashes.SM3() if suite == "gm" else hashes.SHA256()
    assert key == HKDF(algorithm, 32, None, b"dataguard/destroy/keyed-hash/1").derive(dek)
    assert len(key) == 32


def test_destroy_key_is_made_once_saved_and_stable(tmp_path: Path) -> None:
    keyring = make_keyring(tmp_path / "k.json")
    first = destroy_key(keyring)
    assert destroy_key(keyring) == first
    assert destroy_key(Keyring.open(tmp_path / "k.json", PASSPHRASE)) == first
    assert destroy_key(make_keyring(tmp_path / "other.json")) != first
    assert first not in (tmp_path / "k.json").read_bytes()


# -- seal and check --------------------------------------------------------------------------


def test_seal_hashes_the_canonical_body_and_signs_the_hash(operator: Identity) -> None:
    document = seal(PLAN, BODY, operator, "sha256")
    assert document.hash == hashlib.sha256(canonical(BODY)).hexdigest()
    assert document.signer == operator.public
    assert operator.public.verify(PLAN, document.hash.encode(), document.signature)
    assert not operator.public.verify(APPROVAL, document.hash.encode(), document.signature)
    assert set(document.to_dict()) == {"format", "body", "hash", "signer", "signature"}
    assert document.to_dict()["format"] == PLAN


def test_seal_and_check_round_trip(operator: Identity) -> None:
    for algorithm in ("sha256", "sm3"):
        raw = sealed_dict(operator, algorithm)
        checked = check_document(raw, PLAN, "plan.json")
        assert checked == Document(PLAN, BODY, raw["hash"], operator.public, raw["signature"])
        assert check_document(raw, PLAN, "plan.json", algorithm).hash == raw["hash"]


def test_the_sm3_hash_is_sm3_of_the_canonical_body(operator: Identity) -> None:
    document = seal(PLAN, BODY, operator, "sm3")
    independent = hashes.Hash(hashes.SM3())
    independent.update(canonical(BODY))
    assert document.hash == independent.finalize().hex()


def test_a_pinned_algorithm_refuses_the_other_one(operator: Identity) -> None:
    raw = sealed_dict(operator, "sm3")
    with pytest.raises(UsageError, match="changed after it was made"):
        check_document(raw, PLAN, "plan.json", "sha256")


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["body"].update(reason="授权已过期!"),
        lambda d: d["body"]["targets"][0].update(rows=4),
        lambda d: d["body"].update(extra=None),
        lambda d: d["body"].pop("suite"),
    ],
)
def test_a_changed_body_is_refused(operator: Identity, change: Any) -> None:
    raw = sealed_dict(operator)
    change(raw)
    with pytest.raises(UsageError, match=r"plan\.json was changed after it was made"):
        check_document(raw, PLAN, "plan.json")


def test_one_changed_byte_in_the_file_is_refused(operator: Identity, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    write_document(path, seal(PLAN, BODY, operator, "sha256"))
    data = path.read_bytes()
    assert b'"rows": 3' in data
    path.write_bytes(data.replace(b'"rows": 3', b'"rows": 2'))
    with pytest.raises(UsageError, match="changed after it was made"):
        read_document(path, PLAN)


def test_a_recomputed_hash_without_a_new_signature_is_refused(operator: Identity) -> None:
    raw = sealed_dict(operator)
    raw["body"]["targets"][0]["rows"] = 30
    raw["hash"] = hashlib.sha256(canonical(raw["body"])).hexdigest()
    with pytest.raises(UsageError, match=r"signature of 'alice' \(.*\) does not verify"):
        check_document(raw, PLAN, "plan.json")


def test_a_signature_by_another_identity_is_refused(operator: Identity, mallory: Identity) -> None:
    raw = sealed_dict(operator)
    forged = copy.deepcopy(raw)
    forged["signature"] = mallory.sign(PLAN, raw["hash"].encode())
    with pytest.raises(UsageError, match="does not verify"):
        check_document(forged, PLAN, "plan.json")
    # Claiming alice's name with mallory's key: the fingerprint no longer matches.
    claimed = copy.deepcopy(raw)
    claimed["signer"]["public_key"] = mallory.public.public_key
    with pytest.raises(UsageError, match="fingerprint does not match"):
        check_document(claimed, PLAN, "plan.json")
    # ...and with a matching fingerprint, alice's signature does not verify under it.
    claimed["signer"]["fingerprint"] = mallory.fingerprint
    with pytest.raises(UsageError, match="does not verify"):
        check_document(claimed, PLAN, "plan.json")


def test_a_document_of_one_kind_never_passes_for_another(operator: Identity) -> None:
    raw = sealed_dict(operator)
    with pytest.raises(UsageError, match=r"is not a dataguard\.destroy\.approval/1 document"):
        check_document(raw, APPROVAL, "approval.json")
    relabelled = {**raw, "format": APPROVAL}  # same hash and signature, another purpose
    with pytest.raises(UsageError, match="does not verify"):
        check_document(relabelled, APPROVAL, "approval.json")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "format None"),
        ([], "format None"),
        ({"body": {}}, "format None"),
        ({"format": "dataguard.destroy.plan/2", "body": {}}, "format 'dataguard.destroy.plan/2'"),
        ({"format": PLAN}, "no body"),
        ({"format": PLAN, "body": [1]}, "no body"),
        ({"format": PLAN, "body": {}}, "an identity is a JSON object"),
    ],
)
def test_malformed_documents_are_usage_errors(raw: Any, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        check_document(raw, PLAN, "plan.json")


def test_a_missing_signature_or_hash_is_refused(operator: Identity) -> None:
    raw = sealed_dict(operator)
    with pytest.raises(UsageError, match="does not verify"):
        check_document({k: v for k, v in raw.items() if k != "signature"}, PLAN, "p")
    with pytest.raises(UsageError, match="hash is not 64 hex digits"):
        check_document({k: v for k, v in raw.items() if k != "hash"}, PLAN, "p")


# Regressions: a document with a non-ASCII `hash` once raised TypeError from
# hmac.compare_digest, and one whose body holds NaN a ValueError from canonical().
def test_fixed_bug_a_non_ascii_hash_is_a_usage_error(operator: Identity) -> None:
    raw = sealed_dict(operator)
    raw["hash"] = "é" * 64
    with pytest.raises(UsageError):
        check_document(raw, PLAN, "plan.json")


def test_fixed_bug_a_nan_in_a_read_body_is_a_usage_error(
    operator: Identity, tmp_path: Path
) -> None:
    path = tmp_path / "plan.json"
    write_document(path, seal(PLAN, BODY, operator, "sha256"))
    path.write_text(path.read_text(encoding="utf-8").replace('"rows": 3', '"rows": NaN'))
    with pytest.raises(UsageError):
        read_document(path, PLAN)


# -- files ---------------------------------------------------------------------------------


def test_write_and_read_a_document(operator: Identity, tmp_path: Path) -> None:
    path = tmp_path / "plans" / "p.json"
    document = seal(PLAN, BODY, operator, "sha256")
    write_document(path, document)
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert "授权已过期" in text  # readable, not \u-escaped
    assert json.loads(text) == document.to_dict()
    assert read_document(path, PLAN) == document


def test_read_document_errors_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no plan document at"):
        read_document(tmp_path / "missing.json", PLAN)
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(UsageError, match="cannot read"):
        read_document(tmp_path / "bad.json", PLAN)
    (tmp_path / "gbk.json").write_bytes('{"a": "张"}'.encode("gbk"))
    with pytest.raises(UsageError, match="cannot read"):
        read_document(tmp_path / "gbk.json", PLAN)


def test_documents_are_written_mode_0600_and_leave_no_temporary_file(
    operator: Identity, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    path = folder / "p.json"
    write_document(path, seal(PLAN, BODY, operator, "sha256"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(os.listdir(folder)) == ["p.json"]


def test_an_existing_readable_file_is_replaced_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(b"old")
    path.chmod(0o644)
    write_atomically(path, b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["p.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(b"old")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(path, b"new")
    monkeypatch.undo()
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["p.json"]


def test_companion_file_names() -> None:
    plan = Path("/srv/plans/orders-2026.json")
    companions = Companions(plan)
    assert companions.plan == plan
    assert companions.rows == Path("/srv/plans/orders-2026.rows")
    assert companions.approval == Path("/srv/plans/orders-2026.approval.json")
    assert companions.journal == Path("/srv/plans/orders-2026.journal")
    assert companions.run == Path("/srv/plans/orders-2026.run.json")
    assert companions.verification == Path("/srv/plans/orders-2026.verification.json")
    assert companions.certificate == Path("/srv/plans/orders-2026.certificate.json")
    assert companions.certificate_html == Path("/srv/plans/orders-2026.certificate.html")


def test_companions_of_a_plan_without_the_json_suffix() -> None:
    companions = Companions(Path("plans/P"))
    assert companions.journal == Path("plans/P.journal")
    assert companions.approval == Path("plans/P.approval.json")


# -- row keys and row hashes (dataguard.destroy.selection) -----------------------------------


def test_encode_key_known_answers() -> None:
    # Per value: a type tag, the byte length, ":" and the bytes.
    assert encode_key([1]) == b"i1:1"
    assert encode_key(["1"]) == b"s1:1"
    assert encode_key([b"1"]) == b"b1:1"
    assert encode_key([True]) == b"?1:1"
    assert encode_key([-42, "张"]) == b"i3:-42s3:\xe5\xbc\xa0"
    assert encode_key([]) == b""


def test_encode_key_tells_types_apart() -> None:
    encoded = [encode_key([v]) for v in (1, "1", b"1", True, 1.0, Decimal("1"))]
    assert len(set(encoded)) == len(encoded)
    assert encode_key([False]) != encode_key([0])


def test_encode_key_keeps_value_boundaries() -> None:
    assert encode_key(["a", "bc"]) != encode_key(["ab", "c"])
    assert encode_key(["a", ""]) != encode_key(["", "a"])
    assert encode_key([12, 3]) != encode_key([1, 23])
    assert encode_key([b"a:b"]) != encode_key([b"a", b"b"])


def test_encode_key_of_other_types() -> None:
    ident = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert encode_key([ident]) == b"u16:" + ident.bytes
    assert encode_key([Decimal("1.50")]) == encode_key([Decimal("1.5")])
    assert encode_key([date(2024, 2, 29)]) == b"t10:2024-02-29"
    assert encode_key([datetime(2024, 2, 29, 1, 2, 3)]) == b"t19:2024-02-29T01:02:03"
    assert encode_key([bytearray(b"xy")]) == encode_key([memoryview(b"xy")]) == b"b2:xy"


def test_encode_key_refuses_null() -> None:
    with pytest.raises(UsageError, match="NULL"):
        encode_key([1, None])


def test_row_hash_is_16_bytes_of_a_keyed_hmac() -> None:
    value = row_hash(KEY, "rows:orders", [1001], "sha256")
    assert ROW_HASH_SIZE == 16
    assert len(value) == 16
    message = b"row\x00" + b"rows:orders\x00" + b"i4:1001"
    assert value == hmac.new(KEY, message, hashlib.sha256).digest()[:16]


def test_row_hash_depends_on_key_target_values_and_algorithm() -> None:
    base = row_hash(KEY, "rows:orders", [1001], "sha256")
    assert row_hash(KEY, "rows:orders", [1001], "sha256") == base
    assert row_hash(bytes(32), "rows:orders", [1001], "sha256") != base
    assert row_hash(KEY, "rows:archive.orders", [1001], "sha256") != base
    assert row_hash(KEY, "rows:orders", ["1001"], "sha256") != base
    assert row_hash(KEY, "rows:orders", [1002], "sha256") != base
    sm3 = row_hash(KEY, "rows:orders", [1001], "sm3")
    assert len(sm3) == 16
    assert sm3 != base
