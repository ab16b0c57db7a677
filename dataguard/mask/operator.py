"""The operator contract: how one detected value is turned into its masked form.

An operator is a small frozen dataclass whose fields are its parameters, so a policy file
(``operator = "keep_ends"``, ``first = 3``) maps onto it one to one and an unknown or
mistyped parameter is a clear :class:`~dataguard.errors.UsageError`. It receives the
*normalised* value (full-width digits folded, ``%40`` and ``\\u0040`` decoded: see
:mod:`dataguard.detect.normalize`) and a :class:`MaskContext` (entity, field, record), and
returns the replacement. The applier (:mod:`dataguard.mask.apply`) re-encodes the
replacement the way the original was encoded, so operators never think about containers.

Operators that need key material (``pseudonymize``, ``surrogate`` and, with the crypto
package, ``encrypt``) get it from the :class:`OperatorEnv` handed to :meth:`from_params`,
never from a parameter: keys do not belong in policy files. A key-less profile never asks
for a key.

Built-in operators are found by reflection over the modules of :mod:`dataguard.mask`;
third-party ones register under the ``dataguard.operators`` entry-point group::

    [project.entry-points."dataguard.operators"]
    vault = "my_package.mask:VaultOperator"
"""

from __future__ import annotations

import dataclasses
import types
import typing
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, ClassVar

from dataguard._discovery import classes_in_package
from dataguard.errors import UsageError
from dataguard.mask.master_key import key_from_env

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "ENTRY_POINT_GROUP",
    "MaskContext",
    "Operator",
    "OperatorEnv",
    "build_operator",
    "keyring_of",
    "operator_classes",
]

ENTRY_POINT_GROUP = "dataguard.operators"


@dataclass(frozen=True, slots=True)
class MaskContext:
    """Where a value came from.

    Attributes:
        entity: the entity it was detected as (``CN_MOBILE``), or the entity its key implies.
        field: the field, key or column it sat under (``user.phone``), if known.
        record: a stable record identifier (primary key, line number), if known; the
            ``encrypt`` operator binds ciphertexts to it as associated data.
    """

    entity: str
    field: str | None = None
    record: str | None = None


@dataclass(frozen=True)
class OperatorEnv:
    """What operators may draw on besides their parameters.

    Attributes:
        master_key: returns the masking master key (called only by keyed operators, and
            only when the policy is loaded, so a missing key fails early). By default it
            reads ``DATAGUARD_MASK_KEY`` (:func:`dataguard.mask.master_key.key_from_env`).
        extras: named resources for plugin operators (the crypto package adds its keyring).
    """

    master_key: Callable[[], bytes] = key_from_env
    extras: Mapping[str, Any] = dataclasses.field(default_factory=dict)


def keyring_of(env: OperatorEnv, operator: str, *, hint: str = "") -> Any:
    """The keyring in ``env.extras["keyring"]`` (the crypto operators' keys), or a UsageError.

    Raised when the policy is loaded, before any value is read; *hint* ends the message.
    """
    keyring = env.extras.get("keyring")
    if keyring is None:
        raise UsageError(
            f"the {operator} operator needs a keystore: pass --keystore (or set "
            f"DATAGUARD_KEYSTORE) and its passphrase{hint}"
        )
    return keyring


class Operator(ABC):
    """Base of all operators. Subclasses are frozen dataclasses; their fields are parameters.

    Class attributes:
        name: the name a policy uses (``keep_ends``).
        summary: one line for ``dataguard profiles`` and the docs.
        keyed: True when the operator needs :attr:`OperatorEnv.master_key`.
        idempotent: True when applying it to its own output changes nothing (a mask, a
            tag); False for operators whose output looks like a real value (surrogates).
        drops_other_data: True when the output keeps nothing of the value but what the
            operator chose to keep knowingly (nothing, for a tag or a fixed fill; the
            gazetteer division names, for the address mask; nothing readable without the
            keystore, for encrypt, which decrypts to the whole value). Personal data of another
            kind inside the value then cannot survive it, so batch redaction does not run
            the detection engine over such a column's values first.
    """

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    keyed: ClassVar[bool] = False
    idempotent: ClassVar[bool] = True
    drops_other_data: ClassVar[bool] = False

    @classmethod
    def from_params(cls, params: Mapping[str, Any], env: OperatorEnv) -> Operator:
        """Build the operator from policy parameters, checking names and types."""
        known = {f.name: f for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]
        unknown = sorted(set(params) - set(known))
        if unknown:
            allowed = ", ".join(sorted(known)) or "none"
            raise UsageError(
                f"operator {cls.name!r} has no parameter {', '.join(unknown)} "
                f"(its parameters: {allowed})"
            )
        hints = typing.get_type_hints(cls)
        for key, value in params.items():
            _check_type(cls.name, key, value, hints.get(key, Any))
        try:
            return cls(**params)
        except (TypeError, ValueError) as exc:
            raise UsageError(f"operator {cls.name!r}: {exc}") from None

    @abstractmethod
    def apply(self, value: str, context: MaskContext) -> str:
        """The replacement for *value* (normalised text of one finding)."""

    def expression(self, column: pl.Expr, context: MaskContext) -> pl.Expr | None:
        """The operator as a polars expression over a column of clean values, or None.

        Batch redaction uses it for values that are exactly one token of the entity's
        shape, so the per-value work runs in Rust. The values are as read, not
        normalised: an expression must yield null for a value that :func:`normalize
        <dataguard.detect.normalize.normalize>` would change (the shapes of phones, IDs,
        cards and e-mails cannot match one; the address expression checks), and such a value
        goes through :meth:`apply` instead, as does any value it yields null for.
        The default (None) means: always :meth:`apply`.
        """
        return None

    def describe(self) -> str:
        """``name(param=value, …)`` with the non-default parameters, for listings."""
        parts = []
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.default is not dataclasses.MISSING and value == f.default:
                continue
            parts.append(f"{f.name}={value!r}")
        return f"{self.name}({', '.join(parts)})"


def _check_type(operator: str, key: str, value: Any, hint: Any) -> None:
    """Raise a UsageError when a policy parameter's TOML type does not fit the field."""
    allowed: tuple[type, ...]
    origin = typing.get_origin(hint)
    if hint is Any:
        return
    if origin in (typing.Union, types.UnionType):
        allowed = tuple(a for a in typing.get_args(hint) if isinstance(a, type))
    elif origin is not None:
        allowed = (origin,)
    else:
        allowed = (hint,) if isinstance(hint, type) else ()
    if not allowed:
        return
    if isinstance(value, bool) and bool not in allowed:
        ok = False
    else:
        ok = isinstance(value, allowed) or (float in allowed and isinstance(value, int))
    if not ok:
        wanted = " or ".join(t.__name__ for t in allowed)
        raise UsageError(
            f"operator {operator!r}: parameter {key!r} must be {wanted}, not {type(value).__name__}"
        )


@cache
def operator_classes() -> dict[str, type[Operator]]:
    """Every operator by name: built-ins of :mod:`dataguard.mask`, then entry points."""
    found = {
        cls.name: cls
        for cls in classes_in_package("dataguard.mask", Operator, lambda c: bool(c.name))
    }
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        cls = ep.load()
        if not (isinstance(cls, type) and issubclass(cls, Operator) and cls.name):
            raise UsageError(f"entry point {ep.name!r} is not a named Operator subclass")
        found.setdefault(cls.name, cls)
    return found


def build_operator(name: str, params: Mapping[str, Any], env: OperatorEnv) -> Operator:
    """The operator called *name* with *params*; a UsageError lists the known names."""
    classes = operator_classes()
    cls = classes.get(name)
    if cls is None:
        raise UsageError(
            f"unknown operator {name!r}; known operators: {', '.join(sorted(classes))}"
        )
    return cls.from_params(params, env)
