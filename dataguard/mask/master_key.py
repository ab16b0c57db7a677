"""Where the masking master key comes from: an environment variable or a file descriptor.

Keyed operators (``pseudonymize``, ``surrogate``) derive their keys from one master key.
It is read from ``DATAGUARD_MASK_KEY`` or from an inherited file descriptor (a secrets
manager piping it in: ``dataguard filter --key-fd 3 3< <(vault kv get …)``), never from a
file path: keys do not sit in plaintext on disk (Ele.me 5.7). With the crypto package a
keyring will be a third source.
"""

from __future__ import annotations

import os

from dataguard.errors import UsageError

__all__ = ["ENV_VAR", "MIN_KEY_BYTES", "key_from_env", "key_from_fd"]

ENV_VAR = "DATAGUARD_MASK_KEY"
#: 256 bits: the Feishu floor for symmetric keys, applied to HMAC keys as well.
MIN_KEY_BYTES = 32


def _checked(key: bytes, where: str) -> bytes:
    key = key.strip()
    if len(key) < MIN_KEY_BYTES:
        raise UsageError(
            f"the masking key from {where} is too short: it needs at least {MIN_KEY_BYTES} "
            "bytes (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)"
        )
    return key


def key_from_env(name: str = ENV_VAR) -> bytes:
    """The key in environment variable *name*; UsageError when unset or short."""
    value = os.environ.get(name)
    if not value:
        raise UsageError(
            f"this policy uses a keyed operator but {name} is not set; set it to a secret of "
            f"at least {MIN_KEY_BYTES} characters, or pass --key-fd"
        )
    return _checked(value.encode("utf-8"), name)


def key_from_fd(fd: int) -> bytes:
    """The key read (to its end) from file descriptor *fd*, which is then closed."""
    try:
        with os.fdopen(fd, "rb", closefd=True) as stream:
            data = stream.read(4096)
    except OSError as exc:
        raise UsageError(
            f"cannot read the masking key from file descriptor {fd}: {exc.strerror}"
        ) from None
    return _checked(data, f"file descriptor {fd}")
