"""KEK providers: passphrase sources, the file KEK, the fake KMS and entry-point providers."""

from __future__ import annotations

import os
import sys
import textwrap
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dataguard.crypto.hazmat import kek as kek_mod
from dataguard.crypto.hazmat.kek import (
    ARGON2ID_DEFAULTS,
    ENTRY_POINT_GROUP,
    ENV_VAR,
    SCRYPT_DEFAULTS,
    FileKek,
    KeyEncryptionKey,
    PassphraseSource,
    derive_kek,
    kek_schemes,
    make_check,
    open_kek,
    verify_check,
)
from dataguard.errors import InvalidToken, UsageError
from dataguard.testing.fake_kms import FakeKms, FakeKmsKey, default_kms

FAST = {"n": 2**15}  # the floor: quick enough for tests


@pytest.fixture(autouse=True)
def _no_passphrase_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)


def new_file_kek(passphrase: str = "pw", suite: str = "intl", **kw: Any) -> FileKek:
    options: dict[str, Any] = {"kdf_params": FAST, **kw}
    kek = open_kek(
        "file:", passphrase=PassphraseSource.from_value(passphrase), suite=suite, **options
    )
    assert isinstance(kek, FileKek)
    return kek


# -- passphrase sources -----------------------------------------------------------------------


def test_passphrase_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "s3cret 密码")
    assert PassphraseSource.from_env().read() == "s3cret 密码".encode()
    monkeypatch.setenv("OTHER_VAR", "x")
    assert PassphraseSource.from_env("OTHER_VAR").read() == b"x"


@pytest.mark.parametrize("value", [None, ""])
def test_an_unset_or_empty_environment_variable_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is not None:
        monkeypatch.setenv(ENV_VAR, value)
    with pytest.raises(UsageError, match=ENV_VAR) as info:
        PassphraseSource.from_env().read()
    assert "--passphrase-fd" in str(info.value)


def _pipe_with(data: bytes) -> int:
    read_end, write_end = os.pipe()
    os.write(write_end, data)
    os.close(write_end)
    return read_end


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"secret\n", b"secret"),
        (b"secret", b"secret"),  # EOF without a newline
        (b"secret\r\nthe rest is not read\n", b"secret"),
        ("密码 with spaces\n".encode(), "密码 with spaces".encode()),
    ],
)
def test_passphrase_from_a_file_descriptor(data: bytes, expected: bytes) -> None:
    fd = _pipe_with(data)
    assert PassphraseSource.from_fd(fd).read() == expected
    with pytest.raises(OSError):  # read, then closed
        os.fstat(fd)


def test_an_empty_file_descriptor_and_a_bad_one_are_refused() -> None:
    with pytest.raises(UsageError, match="empty"):
        PassphraseSource.from_fd(_pipe_with(b"\n")).read()
    read_end, write_end = os.pipe()
    os.close(read_end)
    os.close(write_end)
    with pytest.raises(UsageError, match=f"file descriptor {read_end}"):
        PassphraseSource.from_fd(read_end).read()
    with pytest.raises(UsageError, match="file descriptor number"):
        PassphraseSource.from_fd(-1)


def test_the_prompt_asks_twice_only_for_a_new_passphrase() -> None:
    asked: list[str] = []

    def getpass(prompt: str) -> str:
        asked.append(prompt)
        return "pw"

    source = PassphraseSource.from_prompt(getpass=getpass)
    assert source.read() == b"pw"
    assert len(asked) == 1
    assert source.read(confirm=True) == b"pw"
    assert len(asked) == 3


def test_the_prompt_refuses_differing_answers_and_an_empty_one() -> None:
    answers = iter(["one", "two"])
    source = PassphraseSource.from_prompt(getpass=lambda _: next(answers))
    with pytest.raises(UsageError, match="differ"):
        source.read(confirm=True)
    with pytest.raises(UsageError, match="empty"):
        PassphraseSource.from_prompt(getpass=lambda _: "").read(confirm=True)


def test_a_value_is_normalised_to_nfc_and_an_empty_one_refused() -> None:
    composed = unicodedata.normalize("NFC", "café")
    decomposed = unicodedata.normalize("NFD", "café")
    assert composed != decomposed
    assert (
        PassphraseSource.from_value(composed).read()
        == PassphraseSource.from_value(decomposed).read()
    )
    with pytest.raises(UsageError, match="empty"):
        PassphraseSource.from_value(b"").read()


def test_there_is_no_argument_or_file_source_and_repr_hides_the_value() -> None:
    assert {name for name in vars(PassphraseSource) if name.startswith("from_")} == {
        "from_env",
        "from_fd",
        "from_prompt",
        "from_value",
    }
    assert "hunter2" not in repr(PassphraseSource.from_value("hunter2"))


# -- key derivation ---------------------------------------------------------------------------


def test_kdf_defaults_follow_owasp() -> None:
    assert dict(SCRYPT_DEFAULTS) == {"n": 2**17, "r": 8, "p": 1}
    assert dict(ARGON2ID_DEFAULTS) == {"time_cost": 3, "memory_kib": 64 * 1024, "parallelism": 1}


@pytest.mark.parametrize(
    ("kdf", "params", "message"),
    [
        ("scrypt", {"n": 2**14}, "too weak"),
        ("scrypt", {"n": 40000}, "power of two"),
        ("scrypt", {"r": 4}, "r ≥ 8"),
        ("scrypt", {"n": 2**20, "r": 16}, "1 GiB"),
        ("scrypt", {"q": 1}, "parameters"),
        ("scrypt", {"n": "65536"}, "integer"),
        ("argon2id", {"memory_kib": 8 * 1024}, "too weak"),
        ("argon2id", {"time_cost": 1}, "too weak"),
        ("argon2id", {"parallelism": 0}, "parallelism"),
        ("pbkdf2", {}, "not an algorithm"),
        ("md5", {}, "Feishu forbids MD5"),
        ("sha1", {}, "SHA-1"),
        ("sha-256", {}, "unknown key-derivation"),
    ],
)
def test_weak_or_unknown_kdf_settings_are_refused(
    kdf: str, params: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        derive_kek(b"pw", kdf, params, b"s" * 16, 32)


def test_derivation_is_deterministic_and_needs_a_real_salt() -> None:
    a = derive_kek(b"pw", "scrypt", FAST, b"s" * 16, 32)
    assert a == derive_kek(b"pw", "scrypt", FAST, b"s" * 16, 32)
    assert a != derive_kek(b"pw", "scrypt", FAST, b"t" * 16, 32)
    assert a != derive_kek(b"pW", "scrypt", FAST, b"s" * 16, 32)
    argon = derive_kek(b"pw", "argon2id", {}, b"s" * 16, 16)
    assert len(argon) == 16
    with pytest.raises(UsageError, match="salt"):
        derive_kek(b"pw", "scrypt", FAST, b"short", 32)


# -- the file KEK -----------------------------------------------------------------------------


@pytest.mark.parametrize(("suite", "size"), [("intl", 32), ("gm", 16)])
def test_file_kek_wraps_and_unwraps(suite: str, size: int) -> None:
    kek = new_file_kek(suite=suite)
    assert isinstance(kek, KeyEncryptionKey)
    assert len(kek._key) == size
    dek = os.urandom(size)
    wrapped = kek.wrap(dek, b"aad")
    assert wrapped[0] == 1
    assert len(wrapped) == 1 + 12 + size + 16
    assert kek.unwrap(wrapped, b"aad") == dek
    assert kek.wrap(dek, b"aad") != wrapped  # a fresh nonce every time


def test_file_kek_unwrap_failures_are_opaque() -> None:
    kek = new_file_kek()
    wrapped = kek.wrap(b"k" * 32, b"aad")
    flipped = bytearray(wrapped)
    flipped[20] ^= 1
    for blob, aad in [
        (bytes(flipped), b"aad"),
        (wrapped, b"other aad"),
        (wrapped[:20], b"aad"),
        (b"\x02" + wrapped[1:], b"aad"),
        (b"", b"aad"),
    ]:
        with pytest.raises(InvalidToken) as info:
            kek.unwrap(blob, aad)
        assert str(info.value) == ""


def test_the_meta_rederives_the_same_kek_and_holds_no_key() -> None:
    kek = new_file_kek(passphrase="pw", kdf="argon2id", kdf_params={"memory_kib": 19 * 1024})
    meta = kek.meta
    assert set(meta) == {"kdf", "params", "salt"}
    assert meta["kdf"] == "argon2id"
    assert meta["params"] == {"time_cost": 3, "memory_kib": 19 * 1024, "parallelism": 1}
    wrapped = kek.wrap(b"k" * 32, b"aad")
    again = open_kek("file:", passphrase=PassphraseSource.from_value("pw"), keystore_meta=meta)
    assert again.unwrap(wrapped, b"aad") == b"k" * 32
    wrong = open_kek("file:", passphrase=PassphraseSource.from_value("pW"), keystore_meta=meta)
    with pytest.raises(InvalidToken):
        wrong.unwrap(wrapped, b"aad")
    assert kek._key.hex() not in repr(meta)
    assert "pw" not in repr(kek)


def test_a_new_file_kek_asks_the_prompt_twice() -> None:
    asked: list[str] = []

    def getpass(prompt: str) -> str:
        asked.append(prompt)
        return "pw"

    open_kek("file:", passphrase=PassphraseSource.from_prompt(getpass=getpass), kdf_params=FAST)
    assert len(asked) == 2


def test_file_kek_usage_errors() -> None:
    with pytest.raises(UsageError, match=ENV_VAR):
        open_kek("file:")
    with pytest.raises(UsageError, match="takes no address"):
        open_kek("file:///etc/keys", passphrase=PassphraseSource.from_value("pw"))
    with pytest.raises(UsageError, match="damaged"):
        open_kek(
            "file:",
            passphrase=PassphraseSource.from_value("pw"),
            keystore_meta={"kdf": "scrypt", "params": FAST},
        )


def test_the_check_tells_a_wrong_passphrase_apart() -> None:
    kek = new_file_kek(passphrase="right")
    blob = make_check(kek, "ctx")
    verify_check(kek, blob, "ctx", where="keys.json")
    other = open_kek(
        "file:", passphrase=PassphraseSource.from_value("wrong"), keystore_meta=kek.meta
    )
    with pytest.raises(UsageError, match=r"wrong passphrase for keystore keys\.json"):
        verify_check(other, blob, "ctx", where="keys.json")
    with pytest.raises(UsageError, match="wrong passphrase"):
        verify_check(kek, blob, "other context", where="keys.json")


def test_the_check_names_a_wrong_kms_key() -> None:
    kms = FakeKms(seed=b"seed")
    blob = make_check(kms.key("a"), "ctx")
    with pytest.raises(UsageError, match="fake-kms://b cannot open keystore k"):
        verify_check(kms.key("b"), blob, "ctx", where="k")


# -- the registry -----------------------------------------------------------------------------


def test_unknown_schemes_list_the_known_ones() -> None:
    with pytest.raises(UsageError, match="unknown KEK scheme 'nope'") as info:
        open_kek("nope://key")
    assert "fake-kms" in str(info.value)
    assert "file" in str(info.value)
    assert ENTRY_POINT_GROUP in str(info.value)
    with pytest.raises(UsageError, match="URI"):
        open_kek("no-colon")
    assert {"file", "fake-kms"} <= set(kek_schemes())


@pytest.mark.parametrize(
    "uri", ["fake-kms://user:hunter2@host/key", "vault-transit://host/key?token=hunter2"]
)
def test_a_uri_with_a_password_is_refused(uri: str) -> None:
    with pytest.raises(UsageError, match="password or token") as info:
        open_kek(uri)
    assert "hunter2" not in str(info.value)


# -- the fake KMS -----------------------------------------------------------------------------


def test_the_fake_kms_is_deterministic_per_seed_and_name() -> None:
    a, b, c = FakeKms(seed=b"seed"), FakeKms(seed=b"seed"), FakeKms(seed=b"other")
    wrapped = a.key("orders").wrap(b"d" * 32, b"aad")
    assert b.key("orders").unwrap(wrapped, b"aad") == b"d" * 32
    for kek in (c.key("orders"), a.key("orders2")):
        with pytest.raises(InvalidToken):
            kek.unwrap(wrapped, b"aad")
    with pytest.raises(InvalidToken):
        a.key("orders").unwrap(wrapped, b"other")
    assert a.calls == [("wrap", "orders"), ("unwrap", "orders2"), ("unwrap", "orders")]


def test_the_fake_kms_failure_switch() -> None:
    kms = FakeKms(seed=b"seed")
    key = kms.key("orders")
    wrapped = key.wrap(b"d" * 32, b"")
    with kms.outage():
        with pytest.raises(InvalidToken):
            key.unwrap(wrapped, b"")
        with pytest.raises(InvalidToken):
            key.wrap(b"d" * 32, b"")
    assert key.unwrap(wrapped, b"") == b"d" * 32
    kms.failing = True
    with pytest.raises(InvalidToken):
        key.unwrap(wrapped, b"")


def test_the_fake_kms_through_open_kek() -> None:
    kek = open_kek("fake-kms://orders/phone")
    assert isinstance(kek, FakeKmsKey)
    assert isinstance(kek, KeyEncryptionKey)
    assert kek.uri == "fake-kms://orders/phone"
    assert kek.unwrap(default_kms().key("orders/phone").wrap(b"x", b""), b"") == b"x"
    mine = FakeKms(seed=b"s")
    assert open_kek("fake-kms://k", kms=mine).unwrap(mine.key("k").wrap(b"y", b""), b"") == b"y"
    with pytest.raises(UsageError, match="fake KMS key name"):
        open_kek("fake-kms://")


# -- entry-point providers --------------------------------------------------------------------

PROVIDER = """
from dataguard.testing.fake_kms import FakeKms

RECEIVED = []
_KMS = FakeKms(seed=b"vault")


class TransitKey:
    def __init__(self, uri, version):
        self.uri = uri
        self.meta = {"key_version": version}
        self._key = _KMS.key(uri.split("://", 1)[1])

    def wrap(self, dek, aad):
        return self._key.wrap(dek, aad)

    def unwrap(self, wrapped, aad):
        return self._key.unwrap(wrapped, aad)


def open_transit(uri, *, keystore_meta=None, **kwargs):
    RECEIVED.append((uri, keystore_meta, kwargs))
    version = keystore_meta["key_version"] if keystore_meta else 7
    return TransitKey(uri, version)


def open_broken(uri, **kwargs):
    return "not a key"


def open_file(uri, **kwargs):
    raise AssertionError("a plugin must not replace the built-in file provider")
"""


@pytest.fixture
def provider(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A small installed distribution on sys.path with three ``dataguard.kms`` entry points."""
    module = f"dg_test_transit_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(PROVIDER), encoding="utf-8")
    dist = tmp_path / "dg_test_transit-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: dg-test-transit\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\n"
        f"test-transit = {module}:open_transit\n"
        f"test-broken = {module}:open_broken\n"
        f"test-missing = {module}_nowhere:open\n"
        f"file = {module}:open_file\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield module
    sys.modules.pop(module, None)


def test_an_entry_point_provider_is_found_by_scheme(provider: str) -> None:
    assert "test-transit" in kek_schemes()
    source = PassphraseSource.from_value("unused")
    kek = open_kek("test-transit://orders", passphrase=source, suite="gm", region="cn-hz")
    assert isinstance(kek, KeyEncryptionKey)
    assert kek.unwrap(kek.wrap(b"d" * 16, b"a"), b"a") == b"d" * 16
    (uri, meta, kwargs) = sys.modules[provider].RECEIVED[-1]
    assert uri == "test-transit://orders"
    assert meta is None
    assert kwargs == {"passphrase": source, "suite": "gm", "region": "cn-hz"}


def test_entry_point_providers_that_misbehave(provider: str) -> None:
    with pytest.raises(UsageError, match="returned str"):
        open_kek("test-broken://x")
    with pytest.raises(UsageError, match="cannot be loaded: ModuleNotFoundError"):
        open_kek("test-missing://x")
    # Built-ins win over an entry point of the same name.
    source = PassphraseSource.from_value("p")
    assert isinstance(open_kek("file:", passphrase=source, kdf_params=FAST), FileKek)


def test_an_entry_point_provider_backs_a_keystore(provider: str, tmp_path: Path) -> None:
    from dataguard.crypto.keystore import Keystore

    path = tmp_path / "keys.json"
    store = Keystore.create(path, kek_uri="test-transit://orders")
    ref = store.add_key("orders.receiver_phone")
    store.save()
    dek = store.key(ref.id, ref.version)
    reopened = Keystore.open(path)
    assert reopened.key(ref.id, ref.version) == dek
    assert reopened.kek_uri == "test-transit://orders"
    (_uri, meta, _kwargs) = sys.modules[provider].RECEIVED[-1]
    assert meta == {"key_version": 7}  # the provider's meta came back from the file


def test_the_module_documents_the_entry_point_group() -> None:
    assert kek_mod.__doc__ is not None
    assert '"dataguard.kms"' in kek_mod.__doc__
