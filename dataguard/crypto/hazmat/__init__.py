"""Hazardous materials: raw AEAD suites, the ciphertext wire format and the crypto policy.

.. warning::

   This is a hazardous-materials layer, named after pyca/cryptography's ``hazmat``: its
   functions do exactly what they are told and nothing to protect you. Nothing here stops
   you from reusing a nonce, encrypting under the wrong key, dropping the associated data
   that binds a ciphertext to its row and column, or storing a key next to the data it
   protects. Use the recipes in :mod:`dataguard.crypto` unless you know why they cannot do
   what you need.

Modules:

:mod:`~dataguard.crypto.hazmat.suites`
    the two cipher suites, ``intl`` (AES-256-GCM, AES-SIV, HMAC-SHA-256, HKDF-SHA-256) and
    ``gm`` (SM4-GCM, an SM4/HMAC-SM3 SIV, HMAC-SM3, HKDF-SM3), standards.md §3.
:mod:`~dataguard.crypto.hazmat.wire`
    the self-describing, versioned ciphertext (:class:`~dataguard.crypto.hazmat.wire.Envelope`)
    and the canonical associated data.
:mod:`~dataguard.crypto.hazmat.policy`
    which algorithm names configuration may ask for (Feishu: no MD5, DES or SHA-1).
:mod:`~dataguard.crypto.hazmat.kek`
    key-encryption keys (passphrase keystore, KMS adapters) that wrap the data keys.
:mod:`~dataguard.crypto.hazmat.aws_kms`
    the ``aws-kms://`` KEK: AWS KMS through boto3 (``dataguard[aws]``).

Every decryption failure raises :class:`dataguard.errors.InvalidToken`, without detail.
This package never imports the recipes (architecture.md, convention 9).
"""

from __future__ import annotations

__all__: list[str] = []
