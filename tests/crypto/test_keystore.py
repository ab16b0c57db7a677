"""The keystore: life cycle, errors, crash safety, no plaintext on disk, locking."""

from __future__ import annotations

import base64
import errno
import fcntl
import json
import multiprocessing
import os
import stat
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dataguard.crypto import keystore as keystore_mod
from dataguard.crypto.hazmat.kek import ENV_VAR, FileKek, PassphraseSource, derive_kek
from dataguard.crypto.keystore import KeyInfo, KeyRef, Keystore
from dataguard.errors import InvalidToken, UsageError
from dataguard.testing.fake_kms import FakeKms

PW = "correct horse 电池 staple"
FAST = {"n": 2**15}
PHONE = "orders.receiver_phone"
SUBJECT = "subject:110105194912310025"  # a synthetic ID number: personal data in a scope


@pytest.fixture(autouse=True)
def _no_passphrase_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "keys.json"


def create(path: Path, **kw: Any) -> Keystore:
    kw.setdefault("passphrase", PW)
    if kw.get("kek_uri", "file:") == "file:" and kw.get("kdf", "scrypt") == "scrypt":
        kw.setdefault("kdf_params", FAST)
    return Keystore.create(path, **kw)


def doc(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_bytes())
    return data


def prev(path: Path) -> Path:
    return path.with_name(path.name + ".prev")


def temps(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


# -- life cycle -------------------------------------------------------------------------------


def test_create_writes_format_1_with_mode_0600(path: Path) -> None:
    store = create(path)
    assert store.generation == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.with_name("keys.json.lock").stat().st_mode) == 0o600
    d = doc(path)
    assert d["format"] == 1
    assert d["suite"] == "intl"
    assert d["generation"] == 1
    assert d["keys"] == []
    assert set(d) == {
        "format",
        "keystore_id",
        "suite",
        "generation",
        "kek",
        "check",
        "index_key",
        "keys",
    }
    assert set(d["kek"]) == {"uri", "kdf", "params", "salt"}
    assert d["kek"]["uri"] == "file:"
    assert d["kek"]["params"] == {"n": 2**15, "r": 8, "p": 1}
    assert not prev(path).exists()


def test_every_save_is_0600_and_keeps_the_previous_generation(path: Path) -> None:
    store = create(path)
    store.add_key(PHONE)
    store.save()
    store.rotate_key(PHONE)
    store.save()
    assert doc(path)["generation"] == 3
    assert doc(prev(path))["generation"] == 2
    for p in (path, prev(path)):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert Keystore.open(prev(path), PW).keys()[0].state == "active"
    assert temps(path) == []


def test_create_refuses_an_existing_keystore_and_a_missing_directory(path: Path) -> None:
    create(path)
    with pytest.raises(UsageError, match="already exists"):
        create(path)
    with pytest.raises(UsageError, match="does not exist"):
        create(path.parent / "nowhere" / "keys.json")
    other = path.with_name("other.json")
    prev(other).write_text("{}")
    with pytest.raises(UsageError, match=r"other\.json\.prev does"):
        create(other)


def test_add_open_and_read_back(path: Path) -> None:
    store = create(path)
    ref = store.add_key(PHONE)
    assert ref.version == 1
    dek = store.key(ref.id, 1)
    assert len(dek) == 32
    assert store.dirty
    store.save()
    assert not store.dirty
    reopened = Keystore.open(path, PW)
    assert reopened.key(ref.id, 1) == dek
    assert reopened.active(PHONE) == ref
    created = reopened.keys()[0].created
    assert reopened.keys() == [
        KeyInfo(id=ref.id, version=1, scope=PHONE, state="active", created=created)
    ]
    with pytest.raises(UsageError, match="already has a key"):
        reopened.add_key(PHONE)


def test_key_ids_are_random_and_url_safe(tmp_path: Path) -> None:
    a = create(tmp_path / "a.json").add_key(PHONE)
    b = create(tmp_path / "b.json").add_key(PHONE)
    assert a.id != b.id
    for ref in (a, b):
        assert len(ref.id) == 22
        assert base64.urlsafe_b64decode(ref.id + "==")
        assert "orders" not in ref.id


def test_rotate_key_keeps_old_versions_readable(path: Path) -> None:
    store = create(path)
    v1 = store.add_key(PHONE)
    old = store.key(v1.id, 1)
    v2 = store.rotate_key(PHONE)
    assert v2 == KeyRef(v1.id, 2)
    assert store.active(PHONE) == v2
    store.save()
    reopened = Keystore.open(path, PW)
    assert reopened.key(v1.id, 1) == old
    assert reopened.key(v1.id, 2) != old
    infos = reopened.keys()
    assert [(k.version, k.state) for k in infos] == [(1, "retired"), (2, "active")]
    with pytest.raises(UsageError, match="no key to rotate"):
        reopened.rotate_key("orders.other")


def test_bad_scopes_and_missing_keys(path: Path) -> None:
    store = create(path)
    for bad in ["", "orders..phone", "orders phone", "a" * 201, "subject:", "x:y"]:
        with pytest.raises(UsageError, match="scope"):
            store.add_key(bad)
    with pytest.raises(UsageError, match="no active key"):
        store.active(PHONE)
    with pytest.raises(InvalidToken):
        store.key("A" * 22, 1)


def test_subject_scopes_are_stored_as_a_keyed_hash(path: Path) -> None:
    store = create(path)
    ref = store.add_key(SUBJECT)
    other = store.add_key("subject:110105194912310033")
    store.save()
    raw = path.read_bytes()
    assert b"110105194912310025" not in raw
    scopes = [k["scope"] for k in doc(path)["keys"]]
    assert all(s.startswith("subject-hmac:") for s in scopes)
    assert scopes[0] != scopes[1]
    reopened = Keystore.open(path, PW)
    assert reopened.active(SUBJECT) == ref
    assert reopened.active("subject:110105194912310033") == other
    with pytest.raises(UsageError) as info:
        reopened.add_key(SUBJECT)
    assert "110105194912310025" not in str(info.value)
    # Another keystore hashes the same subject differently (its own index key).
    elsewhere = create(path.with_name("b.json"))
    elsewhere.add_key(SUBJECT)
    assert elsewhere.keys()[0].scope != scopes[0]


def test_gm_keystores_use_16_byte_keys(path: Path) -> None:
    store = create(path, suite="gm")
    ref = store.add_key(PHONE)
    store.add_key(SUBJECT)
    store.save()
    assert len(store.key(ref.id, 1)) == 16
    reopened = Keystore.open(path, PW)
    assert reopened.suite == "gm"
    assert reopened.key(ref.id, 1) == store.key(ref.id, 1)
    assert reopened.active(SUBJECT).version == 1
    with pytest.raises(UsageError, match="unknown cipher suite"):
        create(path.with_name("x.json"), suite="aes128")


def test_argon2id_keystores(path: Path) -> None:
    store = create(path, kdf="argon2id", kdf_params={"memory_kib": 19 * 1024})
    ref = store.add_key(PHONE)
    store.save()
    assert doc(path)["kek"]["kdf"] == "argon2id"
    assert Keystore.open(path, PW).key(ref.id, 1) == store.key(ref.id, 1)


def test_the_clock_is_injectable(path: Path) -> None:
    def clock() -> datetime:
        return datetime(2025, 1, 31, 8, 0, tzinfo=UTC)

    store = create(path, clock=clock)
    store.add_key(PHONE)
    store.destroy(PHONE)
    [info] = store.keys()
    assert info.created == "2025-01-31T08:00:00Z"
    assert info.destroyed == "2025-01-31T08:00:00Z"


# -- passphrases ------------------------------------------------------------------------------


def test_a_wrong_passphrase_is_a_clear_user_error(path: Path) -> None:
    create(path).save()
    with pytest.raises(UsageError, match=f"wrong passphrase for keystore {path}"):
        Keystore.open(path, "not it")


def test_passphrase_from_the_environment_and_from_a_file_descriptor(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, PW)
    ref = create(path, passphrase=PassphraseSource.from_env()).add_key(PHONE)
    store = Keystore.open(path, PassphraseSource.from_env())
    with pytest.raises(InvalidToken):  # add_key was not saved
        store.key(ref.id, 1)
    read_end, write_end = os.pipe()
    os.write(write_end, PW.encode() + b"\n")
    os.close(write_end)
    assert Keystore.open(path, PassphraseSource.from_fd(read_end)).generation == 1
    monkeypatch.setenv(ENV_VAR, "wrong")
    with pytest.raises(UsageError, match=f"environment variable {ENV_VAR}"):
        Keystore.open(path, PassphraseSource.from_env())


def test_a_new_keystore_asks_the_passphrase_twice(path: Path) -> None:
    answers = iter(["one", "two"])
    source = PassphraseSource.from_prompt(getpass=lambda _: next(answers))
    with pytest.raises(UsageError, match="differ"):
        create(path, passphrase=source)
    assert not path.exists()


def test_no_passphrase_is_a_user_error(path: Path) -> None:
    with pytest.raises(UsageError, match=ENV_VAR):
        Keystore.create(path)
    create(path)
    with pytest.raises(UsageError, match="--passphrase-fd"):
        Keystore.open(path)


# -- tampering and damage ---------------------------------------------------------------------


def _edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    d = doc(path)
    change(d)
    path.write_text(json.dumps(d))


def test_a_flipped_byte_in_a_wrapped_dek_fails_on_use(path: Path) -> None:
    store = create(path)
    a = store.add_key(PHONE)
    b = store.add_key("orders.email")
    store.save()

    def flip(d: dict[str, Any]) -> None:
        blob = bytearray(base64.b64decode(d["keys"][0]["wrapped"]))
        blob[-5] ^= 0x01
        d["keys"][0]["wrapped"] = base64.b64encode(bytes(blob)).decode()

    _edit(path, flip)
    reopened = Keystore.open(path, PW)  # the passphrase check still passes
    with pytest.raises(InvalidToken) as info:
        reopened.key(a.id, 1)
    assert str(info.value) == ""
    assert reopened.key(b.id, 1) == store.key(b.id, 1)


def test_a_wrapped_dek_moved_to_another_key_fails(path: Path) -> None:
    store = create(path)
    a = store.add_key(PHONE)
    store.add_key("orders.email")
    store.save()

    def swap(d: dict[str, Any]) -> None:
        d["keys"][1]["wrapped"] = d["keys"][0]["wrapped"]

    _edit(path, swap)
    reopened = Keystore.open(path, PW)
    assert reopened.key(a.id, 1) == store.key(a.id, 1)
    with pytest.raises(InvalidToken):
        reopened.key(reopened.keys()[1].id, 1)

    def rescope(d: dict[str, Any]) -> None:
        d["keys"][0]["scope"] = "orders.other"

    _edit(path, rescope)
    with pytest.raises(InvalidToken):
        Keystore.open(path, PW).key(a.id, 1)


def test_damaged_and_missing_files_are_user_errors(path: Path) -> None:
    with pytest.raises(UsageError, match="no keystore at"):
        Keystore.open(path, PW)
    create(path).save()
    good = path.read_bytes()
    path.write_bytes(good[:-40])
    with pytest.raises(UsageError, match=r"damaged \(not JSON\).*keys\.json\.prev"):
        Keystore.open(path, PW)
    _write_json(path, {**json.loads(good), "format": 2})
    with pytest.raises(UsageError, match="format 2"):
        Keystore.open(path, PW)
    _write_json(path, {**json.loads(good), "generation": "x"})
    with pytest.raises(UsageError, match="generation"):
        Keystore.open(path, PW)
    path.rename(prev(path))
    with pytest.raises(UsageError, match="mv "):
        Keystore.open(path, PW)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data))


# -- KEK rotation -----------------------------------------------------------------------------


def test_kek_rotation_keeps_every_dek(path: Path) -> None:
    store = create(path)
    refs = [store.add_key(PHONE), store.rotate_key(PHONE), store.add_key(SUBJECT)]
    store.save()
    deks = {r: store.key(r.id, r.version) for r in refs}
    before = doc(path)
    store.rotate_kek("a new passphrase")
    store.save()
    after = doc(path)
    assert after["kek"]["salt"] != before["kek"]["salt"]
    assert [k["wrapped"] for k in after["keys"]] != [k["wrapped"] for k in before["keys"]]
    assert [k["scope"] for k in after["keys"]] == [k["scope"] for k in before["keys"]]
    reopened = Keystore.open(path, "a new passphrase")
    assert {r: reopened.key(r.id, r.version) for r in refs} == deks
    assert reopened.active(SUBJECT) == refs[2]
    # Neither the file nor its previous generation opens with the old passphrase.
    for p in (path, prev(path)):
        with pytest.raises(UsageError, match="wrong passphrase"):
            Keystore.open(p, PW)


def test_kek_rotation_between_providers_and_kdfs(path: Path) -> None:
    kms = FakeKms(seed=b"seed")
    store = create(path)
    ref = store.add_key(PHONE)
    dek = store.key(ref.id, 1)
    store.rotate_kek(kek_uri="fake-kms://orders", kek_options={"kms": kms})
    store.save()
    assert doc(path)["kek"] == {"uri": "fake-kms://orders"}
    on_kms = Keystore.open(path, kek_options={"kms": kms})
    assert on_kms.key(ref.id, 1) == dek
    on_kms.rotate_kek("back to a passphrase", kek_uri="file:", kdf="argon2id")
    on_kms.save()
    assert doc(path)["kek"]["kdf"] == "argon2id"
    assert Keystore.open(path, "back to a passphrase").key(ref.id, 1) == dek


def test_a_failed_kek_rotation_changes_nothing(path: Path) -> None:
    kms = FakeKms(seed=b"seed")
    store = create(path, kek_uri="fake-kms://a", kek_options={"kms": kms})
    ref = store.add_key(PHONE)
    store.save()
    with kms.outage(), pytest.raises(InvalidToken):
        store.rotate_kek(kek_uri="fake-kms://b", kek_options={"kms": kms})
    assert store.kek_uri == "fake-kms://a"
    assert not store.dirty
    assert len(store.key(ref.id, 1)) == 32
    with pytest.raises(UsageError, match="passphrase"):
        store.rotate_kek(kek_uri="file:")
    assert store.kek_uri == "fake-kms://a"


# -- the fake KMS as KEK ----------------------------------------------------------------------


def test_a_fake_kms_keystore(path: Path) -> None:
    kms = FakeKms(seed=b"seed")
    store = create(path, kek_uri="fake-kms://orders", kek_options={"kms": kms})
    refs = [store.add_key(PHONE), store.add_key(SUBJECT)]
    store.save()
    reopened = Keystore.open(path, kek_options={"kms": FakeKms(seed=b"seed")})
    assert [reopened.key(r.id, 1) for r in refs] == [store.key(r.id, 1) for r in refs]
    with kms.outage(), pytest.raises(InvalidToken):
        store.key(refs[0].id, 1)
    with pytest.raises(UsageError, match="fake-kms://orders cannot open keystore"):
        Keystore.open(path, kek_options={"kms": FakeKms(seed=b"other")})
    kms.calls.clear()
    store.rotate_kek()
    assert kms.calls.count(("unwrap", "orders")) == 2
    assert kms.calls.count(("wrap", "orders")) == 4  # two DEKs, the index key, the check


# -- destruction ------------------------------------------------------------------------------


def test_destroy_a_subject_removes_every_wrapped_copy(path: Path) -> None:
    store = create(path)
    keep = store.add_key(PHONE)
    gone = store.add_key(SUBJECT)
    store.save()
    store.rotate_key(SUBJECT)
    store.save()
    wrapped = [k["wrapped"] for k in doc(path)["keys"] if k["id"] == gone.id]
    assert len(wrapped) == 2
    assert any(w in prev(path).read_text() for w in wrapped)
    destroyed = store.destroy(SUBJECT)
    assert destroyed == [KeyRef(gone.id, 1), KeyRef(gone.id, 2)]
    with pytest.raises(InvalidToken):
        store.key(gone.id, 1)
    store.save()
    for p in [path, prev(path), *temps(path)]:
        text = p.read_text()
        assert not any(w in text for w in wrapped), p
    tombstones = [k for k in doc(path)["keys"] if k["id"] == gone.id]
    assert {(k["state"], k["scope"], k["wrapped"]) for k in tombstones} == {
        ("destroyed", None, None)
    }
    reopened = Keystore.open(path, PW)
    with pytest.raises(InvalidToken):
        reopened.key(gone.id, 2)
    assert reopened.key(keep.id, 1) == store.key(keep.id, 1)
    with pytest.raises(UsageError, match="nothing was destroyed"):
        reopened.destroy(SUBJECT)
    # The subject can get a new key; it is a new id.
    assert reopened.add_key(SUBJECT).id != gone.id


def test_destroy_by_id_and_by_version(path: Path) -> None:
    store = create(path)
    ref = store.add_key(PHONE)
    store.rotate_key(PHONE)
    store.rotate_key(PHONE)
    assert store.destroy(ref.id, version=1) == [KeyRef(ref.id, 1)]
    infos = store.keys()
    assert [k.state for k in infos] == ["destroyed", "retired", "active"]
    assert store.keys()[0].scope == PHONE  # a purpose scope is no personal data
    assert store.destroy(ref.id) == [KeyRef(ref.id, 2), KeyRef(ref.id, 3)]
    with pytest.raises(UsageError, match="already destroyed"):
        store.destroy(ref.id)
    with pytest.raises(UsageError, match="nothing was destroyed"):
        store.destroy("orders.unknown")
    assert store.add_key(PHONE).id != ref.id


# -- crash safety -----------------------------------------------------------------------------


class Crash(BaseException):
    """A simulated power cut: not an OSError, so nothing cleans up after it."""


def _crash_on_call(monkeypatch: pytest.MonkeyPatch, target: Any, name: str, n: int) -> None:
    real = getattr(target, name)
    calls = {"n": 0}

    def fake(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == n:
            raise Crash
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, fake)


CRASH_POINTS = [
    ("write", os, "write", 1),  # while writing the new generation
    ("write prev", os, "write", 2),  # while writing the previous generation
    ("fsync", os, "fsync", 1),
    ("replace prev", os, "replace", 1),  # before PATH.prev is replaced
    ("replace path", os, "replace", 2),  # PATH.prev replaced, PATH not yet
    ("sync dir", keystore_mod, "_fsync_dir", 2),  # PATH replaced, not yet synced
]


@pytest.mark.parametrize("shred", [False, True], ids=["rotate", "destroy"])
@pytest.mark.parametrize(
    ("where", "target", "name", "n"), CRASH_POINTS, ids=[c[0] for c in CRASH_POINTS]
)
def test_a_crash_during_save_leaves_the_old_or_the_new_generation(
    path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shred: bool,
    where: str,
    target: Any,
    name: str,
    n: int,
) -> None:
    store = create(path)
    ref = store.add_key(SUBJECT)
    store.add_key(PHONE)
    store.save()
    old = path.read_bytes()
    if shred:
        store.destroy(SUBJECT)
    else:
        store.rotate_key(PHONE)
    with monkeypatch.context() as m:
        _crash_on_call(m, target, name, n)
        with pytest.raises(Crash):
            store.save()
    generation = doc(path)["generation"]
    assert generation in (2, 3)
    if generation == 2:
        assert path.read_bytes() == old
    reopened = Keystore.open(path, PW)  # whole, and opens
    assert reopened.generation == generation
    if generation == 2 or not shred:
        assert len(reopened.key(ref.id, 1)) == 32
    assert Keystore.open(prev(path), PW).generation in (1, 2, 3)  # whole, and opens
    if shred and generation == 3:  # the destroyed key is gone from both files
        wrapped = next(k for k in json.loads(old)["keys"] if k["id"] == ref.id)["wrapped"]
        assert wrapped not in path.read_text()
        assert wrapped not in prev(path).read_text()
    # The next save works and sweeps the crashed save's temporary files.
    again = Keystore.open(path, PW)
    again.add_key("orders.other")
    again.save()
    assert temps(path) == []


@pytest.mark.parametrize(
    ("name", "n", "code"),
    [
        ("write", 1, errno.ENOSPC),
        ("write", 2, errno.ENOSPC),
        ("fsync", 1, errno.ENOSPC),
        ("fsync", 2, errno.EDQUOT),
        ("replace", 1, errno.EROFS),
        ("replace", 2, errno.EROFS),
    ],
)
def test_a_full_disk_leaves_the_keystore_unchanged(
    path: Path, monkeypatch: pytest.MonkeyPatch, name: str, n: int, code: int
) -> None:
    store = create(path)
    store.add_key(PHONE)
    store.save()
    store.add_key("orders.email")
    store.save()
    old, old_prev = path.read_bytes(), prev(path).read_bytes()
    ref = store.rotate_key(PHONE)
    real = getattr(os, name)
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == n:
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(os, name, failing)
        with pytest.raises(UsageError, match="unchanged") as info:
            store.save()
    if code in (errno.ENOSPC, errno.EDQUOT):
        assert "disk is full" in str(info.value)
    assert path.read_bytes() == old
    if name != "replace" or n == 1:
        assert prev(path).read_bytes() == old_prev
    assert temps(path) == []
    assert store.dirty
    store.save()  # space freed: the change was kept in memory
    assert Keystore.open(path, PW).active(PHONE) == ref


# -- no plaintext key on disk -----------------------------------------------------------------


def _forms(secret: bytes) -> list[bytes]:
    forms = [secret, secret.hex().encode(), secret.hex().upper().encode()]
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        encoded = encode(secret)
        forms += [encoded, encoded.rstrip(b"=")]
    return forms


@pytest.mark.parametrize("suite", ["intl", "gm"])
def test_no_plaintext_key_material_on_disk(
    path: Path, monkeypatch: pytest.MonkeyPatch, suite: str
) -> None:
    store = create(path, suite=suite)
    refs = [store.add_key(PHONE), store.add_key(SUBJECT), store.add_key("orders.email")]
    store.save()
    refs.append(store.rotate_key(PHONE))
    store.save()
    secrets = [store.key(r.id, r.version) for r in refs]
    store.destroy("orders.email")
    store.save()
    store.add_key("orders.address")
    with monkeypatch.context() as m:  # leave temporary files behind
        _crash_on_call(m, os, "replace", 2)
        with pytest.raises(Crash):
            store.save()
    assert temps(path)
    d = doc(path)
    assert isinstance(store._kek, FileKek)
    kek = derive_kek(
        PW.encode(),
        d["kek"]["kdf"],
        d["kek"]["params"],
        base64.b64decode(d["kek"]["salt"]),
        16 if suite == "gm" else 32,
    )
    assert kek == store._kek._key
    secrets += [kek, store._index_key, PW.encode()]
    files = [p for p in path.parent.iterdir() if p.is_file()]
    assert len(files) >= 4  # keystore, .prev, .lock, temporary files
    for file in files:
        data = file.read_bytes()
        for secret in secrets:
            for form in _forms(secret):
                assert form not in data, (file.name, form)


# -- concurrency ------------------------------------------------------------------------------


def _rotate_locked(path: str) -> None:
    with Keystore.locked(path, PW) as store:
        time.sleep(0.2)  # both processes are now trying
        store.rotate_key(PHONE)


def test_two_processes_rotating_run_one_after_the_other(path: Path) -> None:
    store = create(path)
    ref = store.add_key(PHONE)
    store.save()
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_rotate_locked, args=(str(path),)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    assert [w.exitcode for w in workers] == [0, 0]
    final = Keystore.open(path, PW)
    infos = final.keys()
    assert [(k.version, k.state) for k in infos] == [
        (1, "retired"),
        (2, "retired"),
        (3, "active"),
    ]
    assert final.generation == 4
    assert final.key(ref.id, 1) == store.key(ref.id, 1)


def test_a_writer_that_read_an_older_generation_is_refused(path: Path) -> None:
    create(path).save()
    first = Keystore.open(path, PW)
    second = Keystore.open(path, PW)
    first.add_key(PHONE)
    first.save()
    second.add_key("orders.email")
    with pytest.raises(UsageError, match="changed by another process"):
        second.save()
    infos = Keystore.open(path, PW).keys()
    assert [k.scope for k in infos] == [PHONE]


def test_a_held_lock_makes_a_writer_wait_then_give_up(path: Path) -> None:
    store = create(path, lock_timeout=0.2)
    store.add_key(PHONE)
    fd = os.open(path.with_name("keys.json.lock"), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.pwrite(fd, b"4242\n", 0)
        with pytest.raises(UsageError, match="locked by process 4242"):
            store.save()
    finally:
        os.close(fd)
    store.save()
    assert store.generation == 2


def test_locked_saves_on_success_and_drops_changes_on_error(path: Path) -> None:
    create(path).save()
    with Keystore.locked(path, PW) as store:
        ref = store.add_key(PHONE)
    assert Keystore.open(path, PW).active(PHONE) == ref

    def rotate_then_fail() -> None:
        with Keystore.locked(path, PW) as store:
            store.rotate_key(PHONE)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        rotate_then_fail()
    assert Keystore.open(path, PW).active(PHONE) == ref
    with pytest.raises(UsageError, match="wrong passphrase"), Keystore.locked(path, "x"):
        pass
    with Keystore.locked(path, PW) as store:  # the lock was released every time
        store.save()  # nothing changed: nothing written
        store.rotate_key(PHONE)
    assert Keystore.open(path, PW).generation == 3
