"""Certified destruction: plan, approve, run, verify and certify (standards.md §6).

The workflow (docs/destruction.md)::

    plan = make_plan(load_config("destroy.toml"), keyring, operator, "plan.json")
    approve("plan.json", approver)                  # someone other than the operator
    run_plan("plan.json", keyring, operator)        # journaled; call again to resume
    verify_plan("plan.json", keyring, auditor)
    issue_certificate("plan.json", keyring, auditor)
    check_certificate("plan.certificate.json")      # offline, by anyone

Modules: :mod:`.config` (destroy.toml), :mod:`.plan`, :mod:`.approval`, :mod:`.run`
(with :mod:`.journal`, :mod:`.selection`, :mod:`.files`, :mod:`.subject_keys`),
:mod:`.verify`, :mod:`.certificate`, :mod:`.documents` (signed JSON) and
:mod:`.exemptions` (what is never destroyed).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dataguard.destroy.approval import approve
    from dataguard.destroy.config import DestroyConfig, load_config
    from dataguard.destroy.plan import make_plan
    from dataguard.destroy.run import run_plan
    from dataguard.destroy.verify import verify_plan

__all__ = [
    "DestroyConfig",
    "approve",
    "load_config",
    "make_plan",
    "run_plan",
    "verify_plan",
]

# Imported on first use: the CLI imports this package at start-up, and the run modules
# pull in SQLAlchemy and polars, which `dataguard filter` must not wait for.
_HOMES = {
    "DestroyConfig": "config",
    "approve": "approval",
    "load_config": "config",
    "make_plan": "plan",
    "run_plan": "run",
    "verify_plan": "verify",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"dataguard.destroy.{home}"), name)
