"""The ``aws-kms://`` KEK provider: DEKs wrapped by an AWS KMS key (``dataguard[aws]``).

.. warning:: hazmat (see :mod:`dataguard.crypto.hazmat`). Call the keystore
   (:mod:`dataguard.crypto.keystore`), not this module.

The URI names a symmetric KMS key (``SYMMETRIC_DEFAULT``, usage ``ENCRYPT_DECRYPT``) as KMS
itself accepts it::

    aws-kms://alias/dataguard
    aws-kms://1234abcd-12ab-34cd-56ef-1234567890ab
    aws-kms://arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    aws-kms://arn:aws-cn:kms:cn-north-1:123456789012:alias/dataguard

:meth:`AwsKmsKek.wrap` is ``kms:Encrypt`` and :meth:`AwsKmsKek.unwrap` ``kms:Decrypt`` with
the key's ARN as ``KeyId``; the keystore's associated data becomes the KMS *encryption
context* (:func:`encryption_context`)::

    {"dataguard": "keystore/1", "aad": base64(SHA-256(aad))}

KMS authenticates the context with the ciphertext, so a wrapped DEK copied to another key
id, version, scope or keystore does not decrypt, exactly as with the passphrase KEK. The
context is hashed because KMS writes it in clear into CloudTrail: the log then shows that
dataguard used the key, not which purposes the keystore holds. The fixed ``dataguard``
entry lets an IAM or key policy allow the key only for dataguard keystores
(``kms:EncryptionContext:dataguard``). A wrapped DEK is ``0x01 || CiphertextBlob``.

The key is looked up with ``kms:DescribeKey`` when the KEK is opened: a missing, disabled
or unsuitable key, refused access, missing credentials or an unreachable endpoint are a
:class:`~dataguard.errors.UsageError` naming the URI and what to do (never a credential),
and so is any failure of ``kms:Encrypt``. Every failure of ``kms:Decrypt`` is an opaque
:class:`~dataguard.errors.InvalidToken`. :attr:`AwsKmsKek.meta` (stored in the keystore)
is ``{"key_arn", "region"}`` as KMS reported them; a keystore opened again uses that ARN,
not what an alias points to now, so re-pointing an alias never strands wrapped keys:
``Keystore.rotate_kek()`` moves a keystore to the alias's new target.

Options (``open_kek(uri, **options)``, or a keystore's ``kek_options``): ``client``, a
boto3 KMS client to use as is (the test seam); or ``region``, ``endpoint_url`` and
``profile`` for the client made here; any other option is refused, so that a misspelt
``endpoint_url`` cannot quietly send requests elsewhere. Credentials come from boto3's chain
(environment, ``~/.aws``, SSO, instance or task roles), never from the URI. Without
options, boto3 reads ``AWS_DEFAULT_REGION`` (and, here, ``AWS_REGION`` too), ``AWS_PROFILE``
and ``AWS_ENDPOINT_URL_KMS``; the region of a key ARN is used when no region is given.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from dataguard.errors import InvalidToken, UsageError

__all__ = ["SCHEME", "AwsKmsKek", "encryption_context", "open_aws_kek"]

#: The KEK URI scheme: ``aws-kms://<key id, key ARN, alias or alias ARN>``.
SCHEME = "aws-kms"
_PREFIX = f"{SCHEME}://"
_INSTALL = "pip install 'dataguard[aws]'"
_OPTIONS = ("client", "region", "endpoint_url", "profile")

# ref. AWS KMS API Reference, "KeyId" (Encrypt, Decrypt, DescribeKey): a key id (UUID, or
# mrk- for a multi-region key), a key ARN, an alias name or an alias ARN; an alias name is
# `alias/` and 1-250 of [A-Za-z0-9/_-].
_KEY_ID = r"(?:mrk-)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}"
_ALIAS = r"alias/[A-Za-z0-9/_-]{1,250}"
_ARN_PREFIX = r"arn:aws(?:-[a-z]+)*:kms:(?P<region>[a-z]{2}(?:-[a-z]+)+-\d):\d{12}:"
_KEY_REF = re.compile(rf"(?:{_KEY_ID}|{_ALIAS}|{_ARN_PREFIX}(?:key/{_KEY_ID}|{_ALIAS}))\Z")
_KEY_ARN = re.compile(rf"{_ARN_PREFIX}key/{_KEY_ID}\Z")

#: Wrapped-key layout version: ``0x01 || CiphertextBlob``.
_VERSION = 1
_CONTEXT_LABEL = "keystore/1"
_MAX_BLOB = 6144  # KMS's largest CiphertextBlob

# ref. AWS KMS API Reference, "Common Errors" and the errors of DescribeKey / Encrypt.
_CREDENTIAL_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredTokenException",
        "ExpiredToken",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "MissingAuthenticationToken",
    }
)
_TRANSIENT_CODES = frozenset(
    {
        "DependencyTimeoutException",
        "KMSInternalException",
        "KeyUnavailableException",
        "ThrottlingException",
        "LimitExceededException",
        "ServiceUnavailable",
        "InternalFailure",
    }
)


def encryption_context(aad: bytes) -> dict[str, str]:
    """The KMS encryption context for the keystore's associated data *aad*.

    ``{"dataguard": "keystore/1", "aad": base64(SHA-256(aad))}``: KMS binds it to the
    ciphertext (so it binds *aad*), and logs it in clear in CloudTrail (so it is hashed).
    """
    digest = base64.b64encode(hashlib.sha256(aad).digest()).decode("ascii")
    return {"dataguard": _CONTEXT_LABEL, "aad": digest}


def _botocore() -> Any:
    try:
        import boto3  # noqa: F401  (the client below needs it; say so now)
        import botocore.exceptions
    except ImportError:
        raise UsageError(
            f"the {SCHEME} KEK needs boto3, which is not installed: {_INSTALL}"
        ) from None
    return botocore.exceptions


def _shown_endpoint(client: Any) -> str:
    """The client's endpoint for messages, without any user:password part."""
    url = str(getattr(getattr(client, "meta", None), "endpoint_url", "") or "")
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _region_of(client: Any) -> str | None:
    region = getattr(getattr(client, "meta", None), "region_name", None)
    return region if isinstance(region, str) else None


def _config_error(uri: str, exc: BaseException, client: Any, operation: str) -> UsageError:
    """*exc* (a botocore error) as a message naming *uri* and what to do, no credentials."""
    errors = _botocore()
    region = _region_of(client) or "?"
    where = f"the KEK {uri} (KMS in region {region})"
    if isinstance(exc, errors.ClientError):
        code = str(exc.response.get("Error", {}).get("Code", "") or "error")
        seen = f"{code} on {operation}"
        if code == "NotFoundException":
            return UsageError(
                f"{where}: no such KMS key ({seen}); check the key id, ARN or alias and the "
                "region (AWS_REGION or the `region` option; a key ARN names its own region)"
            )
        if code in ("DisabledException", "KMSInvalidStateException"):
            return UsageError(
                f"{where}: the KMS key is disabled or pending deletion ({seen}); enable it "
                "(`aws kms enable-key`) or cancel its deletion (`aws kms cancel-key-deletion`)"
            )
        if code in ("AccessDeniedException", "AccessDenied"):
            return UsageError(
                f"{where}: access denied ({seen}); the caller needs kms:DescribeKey, "
                "kms:Encrypt and kms:Decrypt on the key (IAM policy and key policy)"
            )
        if code in _CREDENTIAL_CODES:
            return UsageError(
                f"{where}: KMS refused the AWS credentials ({seen}): they are invalid or "
                "expired; renew them in boto3's credential chain (environment, ~/.aws, SSO, "
                "instance role), never in the KEK URI"
            )
        if code == "InvalidKeyUsageException":
            return UsageError(
                f"{where}: the key cannot encrypt ({seen}); use a symmetric encryption key "
                "(KeySpec SYMMETRIC_DEFAULT, KeyUsage ENCRYPT_DECRYPT)"
            )
        if code in _TRANSIENT_CODES:
            return UsageError(f"{where}: KMS is unavailable or throttling ({seen}); try again")
        return UsageError(f"{where}: KMS refused ({seen}); check the key and your permissions")
    if isinstance(exc, errors.NoCredentialsError | errors.PartialCredentialsError):
        return UsageError(
            f"{where}: no AWS credentials found; give boto3 some (AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/credentials, SSO or an instance "
            "role), never in the KEK URI"
        )
    if isinstance(exc, errors.CredentialRetrievalError):
        return UsageError(
            f"{where}: the AWS credentials could not be fetched ({type(exc).__name__}); check "
            "the profile's credential_process, SSO login or role"
        )
    if isinstance(exc, errors.ConnectionError | errors.HTTPClientError):
        return UsageError(
            f"{where}: cannot reach the KMS endpoint {_shown_endpoint(client)} "
            f"({type(exc).__name__}); check the network, the region and the endpoint "
            "(the `endpoint_url` option or AWS_ENDPOINT_URL_KMS)"
        )
    return UsageError(
        f"{where}: {operation} failed ({type(exc).__name__}); check the KMS client's "
        "configuration (region, endpoint, credentials)"
    )


class AwsKmsKek:
    """A KEK held by AWS KMS: wraps with ``kms:Encrypt``, unwraps with ``kms:Decrypt``.

    Build one with :func:`open_aws_kek` (or ``open_kek("aws-kms://…")``). *key_arn* is the
    key every call names (``KeyId``); *uri* is the URI the keystore records. A wrapped
    key is::

        version (1 byte, = 1) || the CiphertextBlob of kms:Encrypt

    with :func:`encryption_context` of the associated data. :attr:`meta` is
    ``{"key_arn", "region"}``; the key itself never leaves KMS.
    """

    def __init__(self, client: Any, *, uri: str, key_arn: str) -> None:
        match = _KEY_ARN.match(key_arn)
        if match is None:
            raise UsageError(f"{key_arn!r} is not the ARN of a KMS key")
        self._client = client
        self._uri = uri
        self._key_arn = key_arn
        self._region = match["region"]
        self._errors = _botocore()

    def __repr__(self) -> str:
        return f"AwsKmsKek({self._uri!r}, key_arn={self._key_arn!r})"

    @property
    def uri(self) -> str:
        """``aws-kms://`` and the key as the URI named it (an alias stays an alias)."""
        return self._uri

    @property
    def key_arn(self) -> str:
        """The ARN of the KMS key that wraps and unwraps."""
        return self._key_arn

    @property
    def meta(self) -> dict[str, Any]:
        """``{"key_arn", "region"}``: what the keystore stores to find the same key again."""
        return {"key_arn": self._key_arn, "region": self._region}

    def wrap(self, dek: bytes, aad: bytes) -> bytes:
        """``1 || kms:Encrypt(dek, context(aad))``; :class:`UsageError` if KMS refuses."""
        try:
            response = self._client.encrypt(
                KeyId=self._key_arn,
                Plaintext=dek,
                EncryptionContext=encryption_context(aad),
                EncryptionAlgorithm="SYMMETRIC_DEFAULT",
            )
        except (self._errors.ClientError, self._errors.BotoCoreError) as exc:
            raise _config_error(self._uri, exc, self._client, "Encrypt") from None
        blob = response.get("CiphertextBlob")
        if not isinstance(blob, bytes) or not blob:
            raise UsageError(f"the KEK {self._uri}: KMS Encrypt returned no ciphertext")
        return bytes([_VERSION]) + blob

    def unwrap(self, wrapped: bytes, aad: bytes) -> bytes:
        """The DEK of :meth:`wrap`; :class:`InvalidToken` for any failure, KMS's included."""
        if not 1 < len(wrapped) <= 1 + _MAX_BLOB or wrapped[0] != _VERSION:
            raise InvalidToken
        try:
            response = self._client.decrypt(
                CiphertextBlob=bytes(wrapped[1:]),
                KeyId=self._key_arn,
                EncryptionContext=encryption_context(aad),
                EncryptionAlgorithm="SYMMETRIC_DEFAULT",
            )
        except (self._errors.ClientError, self._errors.BotoCoreError):
            raise InvalidToken from None
        plain = response.get("Plaintext")
        if not isinstance(plain, bytes):
            raise InvalidToken
        return plain


def _key_ref(uri: str) -> str:
    if not isinstance(uri, str) or not uri.lower().startswith(_PREFIX):
        raise UsageError(f"an AWS KMS KEK URI is {_PREFIX}<key id, key ARN or alias>, not {uri!r}")
    ref = uri[len(_PREFIX) :]
    if not _KEY_REF.match(ref):
        raise UsageError(
            f"{uri!r} names no KMS key: write {_PREFIX}alias/NAME, {_PREFIX}<key id> or "
            f"{_PREFIX}arn:aws:kms:REGION:ACCOUNT:key/<key id> (credentials, region and "
            "endpoint never go into the URI)"
        )
    return ref


def _make_client(
    uri: str, region: str | None, endpoint_url: str | None, profile: str | None
) -> Any:
    errors = _botocore()
    import boto3

    try:
        session = boto3.session.Session(profile_name=profile, region_name=region)
        if session.region_name is None and os.environ.get("AWS_REGION"):
            # boto3 reads AWS_DEFAULT_REGION only; AWS_REGION is what the other AWS SDKs,
            # Lambda and ECS set, so honour it rather than fail.
            session = boto3.session.Session(
                profile_name=profile, region_name=os.environ["AWS_REGION"]
            )
        return session.client("kms", endpoint_url=endpoint_url)
    except errors.ProfileNotFound:
        raise UsageError(
            f"the KEK {uri}: there is no AWS profile {profile!r} (the `profile` option or "
            "AWS_PROFILE); add it to ~/.aws/config or name another"
        ) from None
    except errors.NoRegionError:
        raise UsageError(
            f"the KEK {uri}: no AWS region; set AWS_REGION (or AWS_DEFAULT_REGION, or a "
            "profile's region), give the `region` option, or name the key by its ARN"
        ) from None
    except (ValueError, errors.BotoCoreError) as exc:  # e.g. a malformed endpoint URL
        raise UsageError(
            f"the KEK {uri}: cannot make a KMS client ({type(exc).__name__}); check the "
            "region and the endpoint URL"
        ) from None


def open_aws_kek(
    uri: str,
    *,
    passphrase: object = None,
    keystore_meta: Mapping[str, Any] | None = None,
    suite: str = "intl",
    client: Any = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    profile: str | None = None,
    **options: Any,
) -> AwsKmsKek:
    """The ``aws-kms`` provider: the KMS key *uri* names, checked with ``kms:DescribeKey``.

    With *keystore_meta* (``{"key_arn", "region"}`` as :attr:`AwsKmsKek.meta` gave it) the
    stored key ARN is used, whatever an alias in *uri* points to now. *client* is a boto3
    KMS client to use as is; otherwise one is made from *region* (default: the key ARN's
    region, else boto3's), *endpoint_url* and *profile*. *passphrase* and *suite* are not
    used: the DEK is wrapped by KMS whatever its size. Raises :class:`UsageError` for a bad
    URI or option, and for a key that is missing, not enabled or not a symmetric
    encryption key, refused access, no credentials or an unreachable endpoint.
    """
    del passphrase, suite
    unknown = sorted(options)
    if unknown:
        raise UsageError(
            f"the {SCHEME} KEK takes the options {', '.join(_OPTIONS)}, not {', '.join(unknown)}"
        )
    ref = _key_ref(uri)
    uri = _PREFIX + ref
    pinned: str | None = None
    if keystore_meta is not None and keystore_meta.get("key_arn") is not None:
        stored = keystore_meta["key_arn"]
        if not isinstance(stored, str) or not _KEY_ARN.match(stored):
            raise UsageError(
                f"the keystore's KEK meta holds no valid KMS key ARN ({stored!r}); the file "
                "is damaged: restore it or its previous generation"
            )
        pinned = stored
    target = pinned or ref
    parsed = _KEY_REF.match(target)
    arn_region = parsed["region"] if parsed is not None else None  # None: not an ARN
    if client is not None:
        if region is not None or endpoint_url is not None or profile is not None:
            raise UsageError(
                f"the KEK {uri}: give either a `client` or region / endpoint_url / profile "
                "to make one, not both"
            )
    else:
        client = _make_client(uri, region or arn_region, endpoint_url, profile)
    client_region = _region_of(client)
    if arn_region is not None and client_region is not None and arn_region != client_region:
        raise UsageError(
            f"the KEK {uri}: key {target} lives in region {arn_region}, but the KMS client is "
            f"for {client_region}; a KMS key is used in its own region: drop or fix the "
            "region (the `region` option, AWS_REGION)"
        )
    errors = _botocore()
    try:
        description = client.describe_key(KeyId=target)["KeyMetadata"]
    except (errors.ClientError, errors.BotoCoreError) as exc:
        raise _config_error(uri, exc, client, "DescribeKey") from None
    state = description.get("KeyState")
    if state != "Enabled":
        raise UsageError(
            f"the KEK {uri}: KMS key {description.get('Arn', target)} is {state}, not Enabled; "
            "enable it (`aws kms enable-key --key-id …`), cancel its deletion, or name another "
            "key"
        )
    spec = description.get("KeySpec", "SYMMETRIC_DEFAULT")
    usage = description.get("KeyUsage", "ENCRYPT_DECRYPT")
    if spec != "SYMMETRIC_DEFAULT" or usage != "ENCRYPT_DECRYPT":
        raise UsageError(
            f"the KEK {uri}: KMS key is {spec} for {usage}; a KEK needs a symmetric "
            "encryption key (KeySpec SYMMETRIC_DEFAULT, KeyUsage ENCRYPT_DECRYPT)"
        )
    key_arn = description.get("Arn")
    if not isinstance(key_arn, str) or not _KEY_ARN.match(key_arn):
        raise UsageError(f"the KEK {uri}: KMS described the key without a valid ARN")
    if pinned is not None and key_arn != pinned:
        raise UsageError(
            f"the KEK {uri}: KMS describes {key_arn}, but the keystore was wrapped by "
            f"{pinned}; check the region and account your credentials point to"
        )
    return AwsKmsKek(client, uri=uri, key_arn=key_arn)
