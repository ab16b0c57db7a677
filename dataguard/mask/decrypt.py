"""decrypt: turn a ``dg1:`` token back into the value it holds (the mirror of ``encrypt``).

For whoever holds the keystore: ``dataguard decrypt file`` runs it over chosen columns,
and a policy can name it for a column::

    [fields.receiver_phone]
    operator = "decrypt"

The key is found by the id and version the token carries, so no scope is needed. The
operator is *verbatim* (:mod:`dataguard.mask.table`): a column pinned to it by a
``[fields]`` rule is not classified or scanned; each non-empty value goes to it exactly
as stored. A value that is not a token, or does not decrypt (another keystore, a
destroyed key, a flipped byte, a token bound to a context), is left as it was and
counted, per field, in :attr:`Decrypt.failures`, which the caller checks after the run
(``dataguard decrypt file`` then writes nothing and exits 1); nothing about the value or
why it failed is said anywhere. The table redactor runs the operator once per distinct
value, so the counts are of distinct values.

The keyring comes from :class:`~dataguard.mask.operator.OperatorEnv`
(``extras["keyring"]``), never from a policy parameter, as for ``encrypt``.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from dataguard.errors import InvalidToken, UsageError
from dataguard.mask.operator import MaskContext, Operator, OperatorEnv, keyring_of

__all__ = ["CIPHERTEXT_PREFIX", "Decrypt"]

#: How the text form of every ciphertext starts (:mod:`dataguard.crypto.hazmat.wire`).
CIPHERTEXT_PREFIX = "dg1:"


@dataclass(frozen=True)
class Decrypt(Operator):
    """The value a ``dg1:`` token holds; anything else is left as it was and counted.

    Attributes:
        failures: per field (``""`` when the context names none), how many values were
            not tokens or did not decrypt since the operator was built; never the values.
    """

    name: ClassVar[str] = "decrypt"
    summary: ClassVar[str] = "the value a dg1: token holds (needs the keystore)"
    idempotent: ClassVar[bool] = False
    #: Sees whole values exactly as stored: a token must not be scanned or normalised.
    verbatim: ClassVar[bool] = True

    @classmethod
    def from_params(cls, params: Mapping[str, Any], env: OperatorEnv) -> Operator:
        """Build from policy parameters, with the keyring of ``env.extras["keyring"]``."""
        operator = super().from_params(params, env)
        object.__setattr__(operator, "_keyring", keyring_of(env, cls.name))
        object.__setattr__(operator, "_failures", Counter())
        object.__setattr__(operator, "_lock", threading.Lock())
        return operator

    @property
    def failures(self) -> Counter[str]:
        """Values that did not decrypt, per field (see the class docstring); a copy."""
        counted: Counter[str] | None = getattr(self, "_failures", None)
        if counted is None:  # built without from_params: it never ran
            return Counter()
        with self._lock:  # type: ignore[attr-defined]
            return Counter(counted)

    def apply(self, value: str, context: MaskContext) -> str:
        keyring = getattr(self, "_keyring", None)
        if keyring is None:
            raise UsageError("the decrypt operator was built without a keystore")
        if value.startswith(CIPHERTEXT_PREFIX):
            try:
                return str(keyring.decrypt(value))
            except InvalidToken:
                pass
        with self._lock:  # type: ignore[attr-defined]
            self._failures[context.field or ""] += 1  # type: ignore[attr-defined]
        return value
