"""encrypt: replace a value with its envelope ciphertext, so authorised holders can get it back.

Where masking destroys a value, ``encrypt`` keeps it for whoever holds the keystore: the
replacement is a ``dg1:`` token (:mod:`dataguard.crypto.keyring`) under the DEK of scope
``<prefix>.<entity>`` (``mask.cn_mobile`` by default) or a fixed ``scope``. ``dataguard
decrypt`` reads it back. Deterministic mode (``deterministic = true``) gives equal tokens
for equal values, so an encrypted export still joins; it leaks that equality.

The keyring comes from :class:`~dataguard.mask.operator.OperatorEnv` (``extras["keyring"]``),
never from a policy parameter; a policy using ``encrypt`` without one fails when it is
loaded, before any text is read. Policy::

    [entities.CN_MOBILE]
    operator = "encrypt"
    deterministic = true
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from dataguard.errors import UsageError
from dataguard.mask.operator import MaskContext, Operator, OperatorEnv, keyring_of

__all__ = ["Encrypt"]

_CIPHERS = "_dataguard_ciphers"


@dataclass(frozen=True)
class Encrypt(Operator):
    """The value's envelope ciphertext (``dg1:…``), decryptable with the keystore."""

    name: ClassVar[str] = "encrypt"
    summary: ClassVar[str] = "an envelope ciphertext (dg1:…) that `dataguard decrypt` reverses"
    idempotent: ClassVar[bool] = False
    # The whole value becomes one ciphertext: nothing of it, other personal data inside
    # included, is readable without the keystore. Running the engine over a column's
    # value first encrypted the phone inside "tel 13812341050" (or a full-width phone),
    # and then the column's operator encrypted that ciphertext again: decrypt gave back
    # a ciphertext, not the value.
    drops_other_data: ClassVar[bool] = True

    scope: str = ""
    prefix: str = "mask"
    deterministic: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, Any], env: OperatorEnv) -> Operator:
        """Build from policy parameters, with the keyring of ``env.extras["keyring"]``."""
        operator = super().from_params(params, env)
        keyring = keyring_of(env, cls.name, hint="; `dataguard keys init` makes one")
        object.__setattr__(operator, "_keyring", keyring)
        object.__setattr__(operator, _CIPHERS, {})
        return operator

    def _scope(self, entity: str) -> str:
        return self.scope or f"{self.prefix}.{entity.lower()}"

    def apply(self, value: str, context: MaskContext) -> str:
        ciphers: dict[str, Any] = getattr(self, _CIPHERS, None) or {}
        keyring = getattr(self, "_keyring", None)
        if keyring is None:
            raise UsageError("the encrypt operator was built without a keystore")
        scope = self._scope(context.entity)
        cipher = ciphers.get(scope)
        if cipher is None:
            cipher = ciphers[scope] = keyring.cipher(scope, deterministic=self.deterministic)
        return str(cipher.encrypt(value))
