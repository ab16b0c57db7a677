"""Policies: which operator masks which entity, field and key.

A policy is a named set of rules, built in (:mod:`dataguard.mask.profiles`) or read from
TOML::

    # my-policy.toml
    base = "display"              # inherit a built-in profile (or "./other.toml")

    [default]                     # entities without a rule of their own
    operator = "tag"

    [entities.CN_MOBILE]          # any operator and its parameters
    operator = "keep_ends"
    first = 3
    last = 4

    [fields."order.remark"]       # findings under this field or column (exact path, last
    operator = "tag"              # key, or a glob like "*_remark"); case-insensitive

    [keys]                        # values under these keys are masked as this entity even
    buyer_tel = "CN_MOBILE"       # when no pattern matches; false drops an inherited key
    name = false

Resolution for a value: a matching ``[fields]`` rule, then the entity's rule, then
``[default]``. :meth:`Policy.compile` builds every operator once, so a bad parameter or
a missing key fails when the policy is loaded, not on the millionth line.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataguard.errors import UsageError
from dataguard.mask.keys import canonical_key
from dataguard.mask.operator import MaskContext, Operator, OperatorEnv, build_operator

__all__ = ["CompiledPolicy", "Policy", "Rule", "load_policy"]


@dataclass(frozen=True)
class Rule:
    """An operator name and its parameters."""

    operator: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, table: Any, where: str) -> Rule:
        """A rule from a TOML table ``{operator = "…", param = …}``."""
        if not isinstance(table, Mapping) or not isinstance(table.get("operator"), str):
            raise UsageError(f'{where} needs an operator, e.g. operator = "tag"')
        params = {k: v for k, v in table.items() if k != "operator"}
        return cls(table["operator"], params)

    def to_toml(self) -> str:
        """The rule as TOML table lines."""
        lines = [f"operator = {_toml_value(self.operator)}"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in self.params.items()]
        return "\n".join(lines)


def keep_rule(field: str) -> str:
    """The policy line that copies *field* unchanged, for error messages that suggest it:
    ``[fields.photo] operator = "keep"``; a key TOML cannot write bare (a struct field's
    path, ``buyer.photo``) is quoted, ``[fields."buyer.photo"]``."""
    return f'[fields.{_toml_key(field)}] operator = "keep"'


def pin_rule(field: str, entity: str) -> str:
    """The policy lines that pin *field* to *entity*, for messages that suggest it:
    ``[keys] ext_ref = "CN_MOBILE"`` (a key TOML cannot write bare is quoted)."""
    return f'[keys] {_toml_key(field)} = "{entity}"'


def _toml_key(field: str) -> str:
    """*field* as a TOML key: bare when TOML allows it, else quoted."""
    return field if re.fullmatch(r"[A-Za-z0-9_-]+", field) else _toml_value(field)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


@dataclass(frozen=True)
class Policy:
    """Rules per entity, per field and for everything else, plus the sensitive keys."""

    name: str
    default: Rule
    entities: Mapping[str, Rule] = field(default_factory=dict)
    fields: Mapping[str, Rule] = field(default_factory=dict)
    keys: Mapping[str, str] = field(default_factory=dict)
    description: str = ""

    def derive(self, table: Mapping[str, Any], name: str) -> Policy:
        """This policy with the rules of a parsed policy file laid over it."""
        known = {"base", "description", "default", "entities", "fields", "keys"}
        unknown = sorted(set(table) - known)
        if unknown:
            raise UsageError(
                f"policy {name}: unknown section {', '.join(unknown)} "
                f"(expected {', '.join(sorted(known))})"
            )
        default = self.default
        if "default" in table:
            default = Rule.parse(table["default"], f"policy {name}: [default]")
        entities = dict(self.entities)
        for entity, rule in _table(table, "entities", name).items():
            entities[entity.upper()] = Rule.parse(rule, f"policy {name}: [entities.{entity}]")
        fields = dict(self.fields)
        for pattern, rule in _table(table, "fields", name).items():
            fields[pattern.lower()] = Rule.parse(rule, f'policy {name}: [fields."{pattern}"]')
        keys = dict(self.keys)
        for key, entity in _table(table, "keys", name).items():
            if entity is False:
                keys.pop(canonical_key(key), None)
            elif isinstance(entity, str) and entity:
                keys[canonical_key(key)] = entity.upper()
            else:
                raise UsageError(f"policy {name}: [keys] {key} must name an entity or be false")
        description = table.get("description", self.description)
        return Policy(name, default, entities, fields, keys, str(description))

    def compile(self, env: OperatorEnv | None = None) -> CompiledPolicy:
        """Build every operator now (bad parameters and missing keys fail here)."""
        env = env or OperatorEnv()
        cache: dict[Rule, Operator] = {}

        def build(rule: Rule) -> Operator:
            key = Rule(rule.operator, tuple(sorted(rule.params.items())))  # type: ignore[arg-type]
            if key not in cache:
                op = build_operator(rule.operator, rule.params, env)
                if op.keyed:
                    env.master_key()  # a missing key fails at load, not mid-stream
                cache[key] = op
            return cache[key]

        return CompiledPolicy(
            self,
            build(self.default),
            {e: build(r) for e, r in self.entities.items()},
            [(p, build(r)) for p, r in self.fields.items()],
        )


def _table(table: Mapping[str, Any], section: str, name: str) -> Mapping[str, Any]:
    value = table.get(section, {})
    if not isinstance(value, Mapping):
        raise UsageError(f"policy {name}: [{section}] must be a table")
    return value


@dataclass(frozen=True)
class CompiledPolicy:
    """A policy with its operators built; :meth:`operator_for` picks one per value."""

    policy: Policy
    default: Operator
    entities: Mapping[str, Operator]
    fields: list[tuple[str, Operator]]

    def operators(self) -> list[Operator]:
        """Every operator the policy built: the default, per entity, per field."""
        return [self.default, *self.entities.values(), *(op for _, op in self.fields)]

    def operator_for(self, context: MaskContext) -> Operator:
        """The operator for a value: field rule, else entity rule, else the default."""
        by_field = self.field_operator(context.field) if context.field else None
        return by_field or self.entities.get(context.entity, self.default)

    def field_operator(self, field: str) -> Operator | None:
        """The operator of the first ``[fields]`` rule matching *field*, or None.

        A rule matches the field's dotted path, its last key, or (a glob) the path.
        """
        path = field.lower()
        last = path.rsplit(".", 1)[-1]
        for pattern, op in self.fields:
            if pattern in (path, last) or fnmatch.fnmatchcase(path, pattern):
                return op
        return None

    def keeps(self, field: str) -> bool:
        """Whether a ``[fields]`` rule pins *field* to ``keep`` (copied as it is)."""
        rule = self.field_operator(field)
        return rule is not None and rule.name == "keep"

    def entity_of_key(self, key: str) -> str | None:
        """The entity a sensitive key implies (``password`` → ``SECRET``), or None."""
        return self.policy.keys.get(canonical_key(key))


def load_policy(spec: str | Path, *, _seen: tuple[str, ...] = ()) -> Policy:
    """A built-in profile by name, or a TOML policy file (following its ``base`` chain)."""
    from dataguard.mask.profiles import PROFILES  # profiles build on this module

    text_spec = str(spec)
    if text_spec in PROFILES:
        return PROFILES[text_spec]
    path = Path(text_spec)
    if not path.is_file():
        raise UsageError(
            f"no profile or policy file {text_spec!r}; built-in profiles: "
            f"{', '.join(PROFILES)} (run `dataguard profiles`)"
        )
    resolved = str(path.resolve())
    if resolved in _seen:
        raise UsageError(f"policy {path}: its base chain loops back to itself")
    try:
        table = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"policy {path} is not valid TOML: {exc}") from None
    base_spec = table.get("base", "display")
    if not isinstance(base_spec, str):
        raise UsageError(f'policy {path}: base must be a profile name or a file, e.g. "display"')
    if base_spec not in PROFILES:
        base_spec = str(path.parent / base_spec)
    base = load_policy(base_spec, _seen=(*_seen, resolved))
    return base.derive(table, path.name)
