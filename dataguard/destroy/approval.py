"""``destroy approve``: an approver, never the plan's operator, signs the plan's hash.

Ele.me 5.10 (standards.md §6): a destruction run is approved by someone other than its
operator before it runs. The approval ``P.approval.json`` is a signed document (format
``dataguard.destroy.approval/1``) whose body holds the plan's hash, its name, the operator's
public identity and the time. A run, a verification and a certificate check it again:

* the plan's hash must equal the approved hash: a plan edited after approval (one byte of
  its body, or a rows file) will not run;
* the approver's role is ``approver``, the plan's signer's ``operator``, and they are not the
  same holder (same name or same key): self-approval is refused;
* with a roster (:func:`dataguard.identity.load_roster`), both must be in it.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dataguard.destroy.documents import (
    Companions,
    Document,
    digest,
    plan_algorithm,
    read_document,
    seal,
    write_document,
)
from dataguard.destroy.plan import PLAN_FORMAT, utc_stamp
from dataguard.errors import UsageError
from dataguard.identity import Identity, PublicIdentity

__all__ = [
    "APPROVAL_FORMAT",
    "approve",
    "check_approval",
    "check_rows_files",
    "read_approval",
    "read_plan",
    "require_trusted",
]

APPROVAL_FORMAT = "dataguard.destroy.approval/1"


def read_plan(path: str | os.PathLike[str]) -> Document:
    """The plan at *path*, its hash and the operator's signature checked (UsageError)."""
    path = Path(path)
    plan = read_document(path, PLAN_FORMAT)
    if plan.signer.role != "operator":
        raise UsageError(f"{path} is signed by {plan.signer.name!r}, who is not an operator")
    return plan


def check_rows_files(plan: Document, plan_path: Path) -> None:
    """Every rows file of *plan* is present and has the digest the plan records."""
    folder = Companions(plan_path).rows
    for target in plan.body["targets"]:
        if target["kind"] != "rows" or not target.get("rows_file"):
            continue
        file = folder / target["rows_file"]
        try:
            data = file.read_bytes()
        except OSError:
            raise UsageError(f"{target['id']}: the plan's rows file {file} is missing") from None
        if digest(data, plan_algorithm(plan)) != target["rows_digest"]:
            raise UsageError(
                f"{target['id']}: the rows file {file} was changed after the plan was made"
            )


def require_trusted(identity: PublicIdentity, roster: Sequence[PublicIdentity] | None) -> None:
    """With a roster, *identity* must be in it with the same role and key."""
    if roster is not None and identity not in roster:
        raise UsageError(
            f"{identity.name!r} ({identity.role}, {identity.fingerprint}) is not in the roster"
        )


def _summary(plan: Document) -> dict[str, Any]:
    counts: dict[str, int] = {"rows": 0, "files": 0, "subject_keys": 0}
    for target in plan.body["targets"]:
        if target["kind"] == "rows":
            counts["rows"] += int(target["rows"])
        elif target["kind"] == "files":
            counts["files"] += len(target["files"])
        else:
            counts["subject_keys"] += len(target["subjects"])
    return counts


def approve(
    plan_path: str | os.PathLike[str],
    approver: Identity,
    *,
    roster: Sequence[PublicIdentity] | None = None,
    now: _dt.datetime | None = None,
) -> Document:
    """Sign *plan_path*'s hash as *approver* and write ``P.approval.json``.

    UsageError when the approver is not an ``approver``, is the plan's operator, is not in
    the roster, when the plan or its rows files were tampered with, or when the plan is
    already approved.
    """
    plan_path = Path(plan_path).resolve()
    plan = read_plan(plan_path)
    check_rows_files(plan, plan_path)
    if approver.role != "approver":
        raise UsageError(f"{approver.name!r} is an {approver.role}; only an approver approves")
    if approver.public.same_holder(plan.signer):
        raise UsageError(
            f"{approver.name!r} made this plan: the operator of a plan cannot approve it "
            "(Ele.me 5.10); ask another approver"
        )
    require_trusted(plan.signer, roster)
    require_trusted(approver.public, roster)
    out = Companions(plan_path).approval
    if out.exists():
        raise UsageError(f"{plan_path} is already approved ({out})")
    body = {
        "plan_hash": plan.hash,
        "plan_name": plan.body["name"],
        "operator": plan.signer.to_dict(),
        "approved": utc_stamp(now),
        "summary": _summary(plan),
    }
    document = seal(APPROVAL_FORMAT, body, approver, plan_algorithm(plan))
    write_document(out, document)
    return document


def check_approval(
    plan: Document,
    approval: Document,
    *,
    roster: Sequence[PublicIdentity] | None = None,
) -> None:
    """The approval is of this very plan, by an approver who is not its operator."""
    if approval.body.get("plan_hash") != plan.hash:
        raise UsageError(
            "the plan was changed after it was approved (its hash is not the approved one); "
            "make a new plan and have it approved"
        )
    if approval.signer.role != "approver":
        raise UsageError(f"the approval is signed by {approval.signer.name!r}, not an approver")
    if approval.signer.same_holder(plan.signer):
        raise UsageError("the plan was approved by its own operator; self-approval is refused")
    require_trusted(plan.signer, roster)
    require_trusted(approval.signer, roster)


def read_approval(
    plan: Document, plan_path: Path, *, roster: Sequence[PublicIdentity] | None = None
) -> Document:
    """The approval beside *plan_path*, checked against *plan* (UsageError if none or bad)."""
    path = Companions(plan_path).approval
    if not path.exists():
        raise UsageError(
            f"{plan_path} is not approved: an approver runs `dataguard destroy approve {plan_path}`"
        )
    approval = read_document(path, APPROVAL_FORMAT, plan_algorithm(plan))
    check_approval(plan, approval, roster=roster)
    return approval
