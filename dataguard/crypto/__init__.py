"""Encryption recipes: what the CLI, masking and scanning code call (issue [5/6]).

The recipes (field encryption, keyrings, token vaults) sit on top of
:mod:`dataguard.crypto.hazmat`, which holds the raw AEAD suites, the wire format and the
crypto policy; call the recipes, not hazmat (architecture.md, convention 4, after
pyca/cryptography's Fernet over its primitives). Every decryption failure raises one opaque
:class:`dataguard.errors.InvalidToken`.
"""

from __future__ import annotations

__all__: list[str] = []
