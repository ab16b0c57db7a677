"""The ``aws-kms://`` KEK provider against a real KMS API: moto in server mode, over HTTP.

Needs boto3 (``pip install 'dataguard[aws]'``) and moto's server (``moto[server]``, in
``dataguard[dev]``); skipped otherwise, naming them, unless DATAGUARD_REQUIRE_AWS is set.
The server runs in a thread on a free local port; the tests reach it the way users reach
KMS, through boto3 and an endpoint URL. Error mappings that moto cannot produce (a
disabled key refusing Decrypt, access denied) use botocore's Stubber on a real client.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dataguard.crypto.hazmat.kek import ENV_VAR, kek_schemes, open_kek
from dataguard.crypto.keyring import Keyring
from dataguard.crypto.keystore import Keystore
from dataguard.errors import InvalidToken, UsageError

EXTRA = "pip install 'dataguard[aws]' and 'moto[server]' (both in 'dataguard[dev]')"
if os.environ.get("DATAGUARD_REQUIRE_AWS"):
    import boto3
    import moto.server  # noqa: F401  (fail loudly when required)
boto3 = pytest.importorskip("boto3", reason=EXTRA)
moto_server = pytest.importorskip("moto.server", reason=EXTRA)
from botocore.stub import Stubber  # noqa: E402  (after the skip: botocore comes with boto3)

from dataguard.crypto.hazmat.aws_kms import AwsKmsKek, encryption_context  # noqa: E402

REGION = "cn-north-1"  # the aws-cn partition: ARNs are arn:aws-cn:kms:…
PW = "correct horse 电池 staple"
FAST = {"n": 2**15}
PHONE = "orders.receiver_phone"
SUBJECT = "subject:110105194912310025"  # a synthetic ID number
SECRET_KEY = "dataguard-test-secret-access-key-0123456789"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials and a region; nothing from the developer's ~/.aws or instance."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # an unreachable endpoint fails at once


@pytest.fixture
def kms(endpoint: str) -> Any:
    return boto3.client("kms", endpoint_url=endpoint, region_name=REGION)


@pytest.fixture
def options(endpoint: str) -> dict[str, Any]:
    return {"endpoint_url": endpoint, "region": REGION}


def new_key(kms: Any, alias: str | None = None) -> tuple[str, str]:
    """A new symmetric KMS key: its ARN, and ``aws-kms://alias/…`` pointing at it."""
    arn: str = kms.create_key(Description="dataguard test KEK")["KeyMetadata"]["Arn"]
    alias = alias or f"alias/dataguard-{uuid.uuid4().hex[:12]}"
    kms.create_alias(AliasName=alias, TargetKeyId=arn)
    return arn, f"aws-kms://{alias}"


def key_id(arn: str) -> str:
    """The key id at the end of a key ARN (moto's DisableKey and friends want the id)."""
    return arn.rsplit("/", 1)[1]


@pytest.fixture
def key(kms: Any) -> tuple[str, str]:
    return new_key(kms)


def doc(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_bytes())
    return data


def forms(secret: bytes) -> list[bytes]:
    out = [secret, secret.hex().encode(), secret.hex().upper().encode()]
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        out += [encode(secret), encode(secret).rstrip(b"=")]
    return out


class RecordingClient:
    """A boto3 KMS client that records the arguments of every call (the ``client`` seam)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def call(**kwargs: Any) -> Any:
            self.calls.append((name, kwargs))
            return attribute(**kwargs)

        return call


# -- the keystore on AWS KMS ------------------------------------------------------------------


def test_the_scheme_is_built_in() -> None:
    assert "aws-kms" in kek_schemes()


@pytest.mark.parametrize("suite", ["intl", "gm"])
def test_keystore_life_cycle_on_kms(
    tmp_path: Path, key: tuple[str, str], options: dict[str, Any], suite: str
) -> None:
    arn, uri = key
    path = tmp_path / "keys.json"
    store = Keystore.create(path, suite, uri, kek_options=options)
    assert doc(path)["kek"] == {"uri": uri, "key_arn": arn, "region": REGION}
    assert arn.startswith("arn:aws-cn:kms:cn-north-1:")
    phone = store.add_key(PHONE)
    store.add_key(SUBJECT)
    store.save()
    rotated = store.rotate_key(PHONE)
    store.save()
    assert rotated.version == 2

    keyring = Keyring.open(path, kek_options=options)
    token = keyring.cipher(PHONE).encrypt("13812345678", {"row": "1"})
    subject_token = keyring.cipher(SUBJECT).encrypt("浙江省杭州市")
    assert keyring.rotate(PHONE).version == 3
    newer = keyring.cipher(PHONE).encrypt("13912345678")

    again = Keyring.open(path, kek_options=options)  # no passphrase: KMS holds the KEK
    assert again.keystore.kek_uri == uri
    assert again.decrypt(token, {"row": "1"}) == "13812345678"
    assert again.decrypt(subject_token) == "浙江省杭州市"
    assert again.decrypt(newer) == "13912345678"
    with pytest.raises(InvalidToken):
        again.decrypt(token, {"row": "2"})

    # No plaintext key anywhere on disk: DEKs and the index key exist only wrapped by KMS.
    reopened = Keystore.open(path, kek_options=options)
    secrets = [reopened.key(i.id, i.version) for i in reopened.keys()]  # noqa: SIM118
    secrets.append(reopened._index_key)
    assert len(secrets) == 5
    assert all(len(s) == (16 if suite == "gm" else 32) for s in secrets[:4])
    files = [p for p in tmp_path.iterdir() if p.is_file()]
    assert len(files) >= 3  # keystore, .prev, .lock
    for file in files:
        data = file.read_bytes()
        for secret in secrets:
            for form in forms(secret):
                assert form not in data, (file.name, form)
    for entry in doc(path)["keys"]:
        assert base64.b64decode(entry["wrapped"])[0] == 1  # 0x01 || CiphertextBlob
    assert phone.id == reopened.active(PHONE).id


def test_kms_calls_name_the_key_arn_and_a_hashed_context(
    tmp_path: Path, key: tuple[str, str], kms: Any
) -> None:
    arn, uri = key
    client = RecordingClient(kms)
    store = Keystore.create(tmp_path / "keys.json", kek_uri=uri, kek_options={"client": client})
    store.add_key(PHONE)
    store.add_key(SUBJECT)
    store.save()
    assert client.calls[0] == ("describe_key", {"KeyId": uri[len("aws-kms://") :]})
    crypto = [kwargs for name, kwargs in client.calls if name in ("encrypt", "decrypt")]
    assert crypto
    for kwargs in crypto:
        assert kwargs["KeyId"] == arn  # the alias was resolved once, at open
        context = kwargs["EncryptionContext"]
        assert set(context) == {"dataguard", "aad"}
        assert context["dataguard"] == "keystore/1"
        assert len(base64.b64decode(context["aad"])) == 32  # SHA-256: CloudTrail sees no scope
    shown = json.dumps([kwargs.get("EncryptionContext") for kwargs in crypto])
    assert PHONE not in shown
    assert "110105194912310025" not in shown


def test_the_encryption_context_binds_the_associated_data(
    key: tuple[str, str], kms: Any, options: dict[str, Any]
) -> None:
    arn, uri = key
    kek = open_kek(uri, **options)
    assert isinstance(kek, AwsKmsKek)
    assert (kek.uri, kek.key_arn, kek.meta) == (uri, arn, {"key_arn": arn, "region": REGION})
    dek, aad = os.urandom(32), b"dataguard.keystore/1\x00dek\x00some keystore"
    wrapped = kek.wrap(dek, aad)
    assert kek.unwrap(wrapped, aad) == dek
    # Interoperable: KMS itself decrypts the blob with the documented context.
    direct = kms.decrypt(
        CiphertextBlob=wrapped[1:], KeyId=arn, EncryptionContext=encryption_context(aad)
    )
    assert direct["Plaintext"] == dek
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.decrypt(CiphertextBlob=wrapped[1:], EncryptionContext=encryption_context(b"other"))
    flipped = bytearray(wrapped)
    flipped[-5] ^= 1
    for bad_blob, bad_aad in [
        (wrapped, aad + b"x"),
        (wrapped, b""),
        (bytes(flipped), aad),
        (b"\x02" + wrapped[1:], aad),
        (wrapped[:1], aad),
        (b"", aad),
    ]:
        with pytest.raises(InvalidToken) as raised:
            kek.unwrap(bad_blob, bad_aad)
        assert str(raised.value) == ""
    _, other_uri = new_key(kms)
    other = open_kek(other_uri, **options)
    with pytest.raises(InvalidToken):
        other.unwrap(wrapped, aad)  # another KMS key


def test_a_wrapped_dek_moved_to_another_entry_does_not_unwrap(
    tmp_path: Path, key: tuple[str, str], options: dict[str, Any]
) -> None:
    _, uri = key
    path = tmp_path / "keys.json"
    store = Keystore.create(path, kek_uri=uri, kek_options=options)
    a, b = store.add_key(PHONE), store.add_key("orders.email")
    store.rotate_key(PHONE)
    store.save()
    d = doc(path)
    entries = d["keys"]
    entries[0]["wrapped"], entries[1]["wrapped"] = entries[1]["wrapped"], entries[0]["wrapped"]
    entries[2]["wrapped"] = entries[0]["wrapped"]  # version 1's DEK under version 2's name
    path.write_text(json.dumps(d), "utf-8")
    moved = Keystore.open(path, kek_options=options)
    for ref in (a, b):
        with pytest.raises(InvalidToken):
            moved.key(ref.id, ref.version)
    with pytest.raises(InvalidToken):
        moved.key(a.id, 2)


def test_a_disabled_or_deleted_kms_key_is_a_clear_error_at_open(
    tmp_path: Path, key: tuple[str, str], kms: Any, options: dict[str, Any]
) -> None:
    arn, uri = key
    path = tmp_path / "keys.json"
    store = Keystore.create(path, kek_uri=uri, kek_options=options)
    store.add_key(PHONE)
    store.save()
    kms.disable_key(KeyId=key_id(arn))
    with pytest.raises(UsageError) as raised:
        Keystore.open(path, kek_options=options)
    message = str(raised.value)
    assert uri in message
    assert "is Disabled, not Enabled" in message
    assert "enable-key" in message
    assert SECRET_KEY not in message
    kms.enable_key(KeyId=key_id(arn))
    assert Keystore.open(path, kek_options=options).active(PHONE)
    kms.schedule_key_deletion(KeyId=key_id(arn), PendingWindowInDays=7)
    with pytest.raises(UsageError, match="PendingDeletion"):
        Keystore.open(path, kek_options=options)
    kms.cancel_key_deletion(KeyId=key_id(arn))


def _stubbed(arn: str) -> tuple[Any, Stubber]:
    client = boto3.client("kms", region_name=REGION, endpoint_url="http://127.0.0.1:9")
    stubber = Stubber(client)
    stubber.add_response(
        "describe_key",
        {"KeyMetadata": {"KeyId": arn.rsplit("/", 1)[1], "Arn": arn, "KeyState": "Enabled"}},
        {"KeyId": "alias/dataguard"},
    )
    return client, stubber


def test_kms_failures_on_unwrap_are_opaque_and_on_wrap_say_what_to_do() -> None:
    # moto does not refuse a disabled key's Encrypt and Decrypt; real KMS does
    # (DisabledException), so the mapping is checked on a stubbed client.
    arn = f"arn:aws-cn:kms:{REGION}:123456789012:key/{uuid.uuid4()}"
    client, stubber = _stubbed(arn)
    for code in ("DisabledException", "AccessDeniedException", "KMSInternalException"):
        stubber.add_client_error("decrypt", service_error_code=code, service_message="nope")
    stubber.add_client_error(
        "encrypt",
        service_error_code="DisabledException",
        service_message=f"{arn} is disabled.",
    )
    stubber.add_client_error(
        "encrypt",
        service_error_code="AccessDeniedException",
        service_message="User: arn:aws-cn:iam::123456789012:user/alice is not authorized",
    )
    with stubber:
        kek = open_kek("aws-kms://alias/dataguard", client=client)
        for _ in range(3):
            with pytest.raises(InvalidToken) as opaque:
                kek.unwrap(b"\x01" + b"x" * 100, b"aad")
            assert str(opaque.value) == ""
        with pytest.raises(UsageError) as disabled:
            kek.wrap(os.urandom(32), b"aad")
        assert "aws-kms://alias/dataguard" in str(disabled.value)
        assert "DisabledException on Encrypt" in str(disabled.value)
        assert "enable-key" in str(disabled.value)
        with pytest.raises(UsageError) as denied:
            kek.wrap(os.urandom(32), b"aad")
        message = str(denied.value)
        assert "kms:Encrypt" in message
        assert "kms:DescribeKey" in message
        assert "alice" not in message  # AWS's own message (principals, ARNs) is not echoed
        stubber.assert_no_pending_responses()


def test_access_denied_and_unsuitable_keys_at_open() -> None:
    arn = f"arn:aws-cn:kms:{REGION}:123456789012:key/{uuid.uuid4()}"
    client = boto3.client("kms", region_name=REGION, endpoint_url="http://127.0.0.1:9")
    with Stubber(client) as stubber:
        stubber.add_client_error("describe_key", service_error_code="AccessDeniedException")
        with pytest.raises(UsageError, match=r"access denied.*kms:DescribeKey"):
            open_kek("aws-kms://alias/dataguard", client=client)
        for usage, spec in [("SIGN_VERIFY", "RSA_2048"), ("GENERATE_VERIFY_MAC", "HMAC_256")]:
            stubber.add_response(
                "describe_key",
                {
                    "KeyMetadata": {
                        "KeyId": arn.rsplit("/", 1)[1],
                        "Arn": arn,
                        "KeyState": "Enabled",
                        "KeyUsage": usage,
                        "KeySpec": spec,
                    }
                },
            )
            with pytest.raises(UsageError, match="symmetric encryption key"):
                open_kek(f"aws-kms://{arn}", client=client)


def test_an_unknown_alias_or_key_is_a_usage_error(tmp_path: Path, options: dict[str, Any]) -> None:
    path = tmp_path / "keys.json"
    for uri in ("aws-kms://alias/no-such-alias", f"aws-kms://{uuid.uuid4()}"):
        with pytest.raises(UsageError) as raised:
            Keystore.create(path, kek_uri=uri, kek_options=options)
        message = str(raised.value)
        assert uri in message
        assert "no such KMS key" in message
        assert REGION in message
    assert not path.exists()


def test_the_keystore_pins_the_key_an_alias_pointed_to(
    tmp_path: Path, key: tuple[str, str], kms: Any, options: dict[str, Any]
) -> None:
    first, uri = key
    path = tmp_path / "keys.json"
    keyring = Keyring.create(path, kek_uri=uri, kek_options=options)
    token = keyring.cipher(PHONE).encrypt("13812345678")
    second = kms.create_key()["KeyMetadata"]["Arn"]
    kms.update_alias(AliasName=uri[len("aws-kms://") :], TargetKeyId=second)
    # Re-pointing the alias strands nothing: the keystore names the key it was wrapped by.
    store = Keystore.open(path, kek_options=options)
    assert store._kek.key_arn == first  # type: ignore[attr-defined]
    # And rotate_kek moves it to the alias's new target (same URI, same options).
    store.rotate_kek()
    store.save()
    assert doc(path)["kek"] == {"uri": uri, "key_arn": second, "region": REGION}
    kms.disable_key(KeyId=key_id(first))
    assert Keyring.open(path, kek_options=options).decrypt(token) == "13812345678"
    kms.enable_key(KeyId=key_id(first))


def test_kek_rotation_from_a_passphrase_to_kms_and_back(
    tmp_path: Path, key: tuple[str, str], options: dict[str, Any]
) -> None:
    arn, uri = key
    path = tmp_path / "keys.json"
    keyring = Keyring.create(path, passphrase=PW, kdf_params=FAST)
    token = keyring.cipher(PHONE).encrypt("13812345678")
    subject = keyring.cipher(SUBJECT).encrypt("张三")

    with Keystore.locked(path, PW) as store:
        store.rotate_kek(kek_uri=uri, kek_options=options)
    for file in (path, path.with_name("keys.json.prev")):
        kek = doc(file)["kek"]
        assert kek == {"uri": uri, "key_arn": arn, "region": REGION}  # no salt, no KDF left
    on_kms = Keyring.open(path, kek_options=options)
    assert on_kms.decrypt(token) == "13812345678"
    assert on_kms.decrypt(subject) == "张三"

    with Keystore.locked(path, kek_options=options) as store:
        store.rotate_kek("a new passphrase", kek_uri="file:", kdf_params=FAST)
    assert doc(path)["kek"]["uri"] == "file:"
    assert "key_arn" not in doc(path)["kek"]
    back = Keyring.open(path, "a new passphrase")
    assert back.decrypt(token) == "13812345678"
    assert back.decrypt(subject) == "张三"
    with pytest.raises(UsageError, match="wrong passphrase"):
        Keystore.open(path, PW)


def test_another_key_in_the_meta_fails_the_check(
    tmp_path: Path, key: tuple[str, str], kms: Any, options: dict[str, Any]
) -> None:
    _, uri = key
    path = tmp_path / "keys.json"
    Keystore.create(path, kek_uri=uri, kek_options=options)
    d = doc(path)
    d["kek"]["key_arn"] = new_key(kms)[0]
    path.write_text(json.dumps(d), "utf-8")
    with pytest.raises(UsageError, match="cannot open keystore"):
        Keystore.open(path, kek_options=options)
    d["kek"]["key_arn"] = "not an ARN"
    path.write_text(json.dumps(d), "utf-8")
    with pytest.raises(UsageError, match="damaged"):
        Keystore.open(path, kek_options=options)


# -- URIs, options and configuration errors ---------------------------------------------------


def test_key_ids_and_arns_name_the_same_key(
    key: tuple[str, str], options: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    arn, uri = key
    key_id = arn.rsplit("/", 1)[1]
    alias = uri[len("aws-kms://") :]
    alias_arn = arn.rsplit(":", 1)[0] + ":" + alias
    for name in (key_id, arn, alias, alias_arn):
        kek = open_kek(f"aws-kms://{name}", **options)
        assert isinstance(kek, AwsKmsKek)
        assert kek.key_arn == arn
        assert kek.uri == f"aws-kms://{name}"
    # A key ARN needs no region: the ARN names it.
    region_free = {"endpoint_url": options["endpoint_url"]}
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert isinstance(open_kek(f"aws-kms://{arn}", **region_free), AwsKmsKek)


@pytest.mark.parametrize(
    "uri",
    [
        "aws-kms://",
        "aws-kms://dataguard",
        "aws-kms://alias/",
        "aws-kms://alias/a b",
        "aws-kms://alias/x?region=cn-north-1",
        "aws-kms://arn:aws:s3:::bucket",
        "aws-kms://arn:aws:kms:cn-north-1:123:key/abc",
    ],
)
def test_a_uri_that_names_no_key_is_refused(uri: str) -> None:
    with pytest.raises(UsageError, match=r"names no KMS key|AWS KMS KEK URI"):
        open_kek(uri, client=object())


def test_credentials_never_go_into_the_uri() -> None:
    with pytest.raises(UsageError, match="password or token"):
        open_kek("aws-kms://alias/x?token=abc")
    with pytest.raises(UsageError, match="password or token"):
        open_kek("aws-kms://user:secret@alias/x")


def test_bad_options_are_refused(endpoint: str) -> None:
    with pytest.raises(UsageError, match="takes the options client, region"):
        open_kek("aws-kms://alias/x", endpoint=endpoint)  # a typo is not ignored
    with pytest.raises(UsageError, match="either a `client`"):
        open_kek("aws-kms://alias/x", client=object(), region=REGION)
    arn = f"arn:aws-cn:kms:{REGION}:123456789012:key/{uuid.uuid4()}"
    with pytest.raises(UsageError, match=r"lives in region cn-north-1.*for cn-northwest-1"):
        open_kek(f"aws-kms://{arn}", region="cn-northwest-1", endpoint_url=endpoint)


def test_no_credentials_is_a_usage_error_without_secrets(
    monkeypatch: pytest.MonkeyPatch, options: dict[str, Any]
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(UsageError) as raised:
        open_kek("aws-kms://alias/dataguard", **options)
    message = str(raised.value)
    assert "aws-kms://alias/dataguard" in message
    assert "no AWS credentials" in message
    assert "never in the KEK URI" in message


def test_an_unreachable_endpoint_is_a_usage_error(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = f"http://user:hunter2@127.0.0.1:{port}"
    with pytest.raises(UsageError) as raised:
        Keystore.create(
            tmp_path / "keys.json",
            kek_uri="aws-kms://alias/dataguard",
            kek_options={"endpoint_url": endpoint},
        )
    message = str(raised.value)
    assert f"cannot reach the KMS endpoint http://127.0.0.1:{port}" in message
    assert "hunter2" not in message
    assert SECRET_KEY not in message
    assert not (tmp_path / "keys.json").exists()


def test_no_region_and_no_profile_are_usage_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UsageError, match="no AWS profile 'nope'"):
        open_kek("aws-kms://alias/dataguard", profile="nope")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    with pytest.raises(UsageError, match="no AWS region; set AWS_REGION"):
        open_kek("aws-kms://alias/dataguard")


def test_without_boto3_the_message_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # `import boto3` now fails
    with pytest.raises(UsageError, match=r"pip install 'dataguard\[aws\]'"):
        open_kek("aws-kms://alias/dataguard")


def test_boto3_reads_region_and_endpoint_from_the_environment(
    tmp_path: Path, key: tuple[str, str], endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, uri = key
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", endpoint)
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", REGION)
    path = tmp_path / "keys.json"
    token = Keyring.create(path, kek_uri=uri).cipher(PHONE).encrypt("13812345678")
    assert Keyring.open(path).decrypt(token) == "13812345678"


# -- the command line -------------------------------------------------------------------------


def test_the_cli_with_an_aws_kms_keystore(
    tmp_path: Path, key: tuple[str, str], endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataguard.cli.main import cli

    _, uri = key
    path = tmp_path / "keys.json"
    monkeypatch.setenv("DATAGUARD_KEYSTORE", str(path))
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", endpoint)  # boto3 reads it; no CLI option

    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, list(args))

    created = run("keys", "init", "--kek", uri)
    assert created.exit_code == 0, created.output
    assert f"KEK {uri}" in created.stderr
    # No passphrase anywhere (no fd, no variable, no terminal): KMS holds the KEK.
    encrypted = run("encrypt", "--scope", PHONE, "13812345678")
    assert encrypted.exit_code == 0, encrypted.output
    token = encrypted.stdout.strip()
    assert run("keys", "rotate", PHONE).exit_code == 0
    listing = run("keys", "list")
    assert listing.exit_code == 0, listing.output
    # header, the audit log's key (made by keys init), version 1, version 2
    assert len(listing.stdout.splitlines()) == 4
    assert run("decrypt", token).stdout == "13812345678\n"
    # Re-wrapping under the same KMS key needs no passphrase either.
    rewrapped = run("keys", "rotate", "--kek")
    assert rewrapped.exit_code == 0, rewrapped.output
    assert run("decrypt", token).stdout == "13812345678\n"

    # A passphrase keystore moves to KMS with `keys rotate --kek --to URI`.
    moved = tmp_path / "moved.json"
    Keystore.create(moved, passphrase=PW, kdf_params=FAST)
    monkeypatch.setenv("DATAGUARD_KEYSTORE", str(moved))
    monkeypatch.setenv(ENV_VAR, PW)
    old_token = run("encrypt", "--scope", PHONE, "13812345678").stdout.strip()
    assert run("keys", "rotate", "--kek", "--to", uri).exit_code == 0
    monkeypatch.delenv(ENV_VAR)
    assert json.loads(moved.read_text("utf-8"))["kek"]["uri"] == uri
    assert run("decrypt", old_token).stdout == "13812345678\n"

    # A passphrase keystore opened with no passphrase source still says what to give.
    monkeypatch.setenv("DATAGUARD_KEYSTORE", str(tmp_path / "file.json"))
    Keystore.create(tmp_path / "file.json", passphrase=PW, kdf_params=FAST)
    refused = run("keys", "list")
    assert refused.exit_code == 2
    assert "--passphrase-fd" in refused.stderr
    assert ENV_VAR in refused.stderr
