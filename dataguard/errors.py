"""The dataguard exception tree.

Two tones (architecture.md §7): :class:`UsageError` and its children say what to do
next and are shown to users without a traceback (the CLI exits 2); crypto failures
(:class:`InvalidToken`) say nothing about why they failed.

No exception message may contain a detected value: callers pass masked previews.
"""

from __future__ import annotations

__all__ = ["DataguardError", "InvalidToken", "RecognizerError", "UsageError"]


class DataguardError(Exception):
    """Base class of every error dataguard raises on purpose."""


class UsageError(DataguardError):
    """The user or their configuration asked for the impossible; the message says what to do."""


class RecognizerError(DataguardError):
    """A recognizer is malformed (bad pattern, missing metadata, failing docstring vectors)."""


class InvalidToken(DataguardError):
    """Raised for any decryption failure, deliberately without detail.

    A wrong key, a failed tag, a truncated or malformed ciphertext, an unknown suite or
    version, and a ciphertext moved to another row or column all raise this one exception
    with an empty message (architecture.md, convention 7): telling the cases apart would
    help an attacker probing the system, and nothing here may echo the ciphertext or the
    plaintext.
    """
