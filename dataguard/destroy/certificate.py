"""``destroy certificate`` and ``destroy check``: a signed certificate anyone can check offline.

The certificate (``P.certificate.json``, format ``dataguard.destroy.certificate/1``)
follows the fields of NIST SP 800-88 Rev. 1's Certificate of Sanitization (Appendix G),
adapted to data (standards.md §6; Rev. 1 was superseded by Rev. 2 on 2025-09-26, and the
certificate says which one it follows):

* what was sanitised: per target, the database table, files or subject keys, and counts;
* the method: category (``Purge`` for cryptographic erase, ``Clear`` for a file overwrite,
  and for SQL deletes ``Delete (logical)``, which is not a media sanitisation at all) and
  technique, each with its limits stated, never more than was done;
* whether backups exist and whether the method reaches them;
* tool and version; verification method and result; who performed (operator), approved
  and verified it, and who issued the certificate; the times of each step;
* the plan's hash and the audit log's chain head (entry count and hash) when it was issued.

The plan, approval, run record and verification are embedded whole (they hold counts and
keyed hashes only), so :func:`check_certificate` can check every signature and every link
between them with nothing but the certificate; given the plan file, the roster or the
audit log, it checks those too.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataguard import __version__
from dataguard.destroy.approval import (
    APPROVAL_FORMAT,
    check_approval,
    read_approval,
    read_plan,
)
from dataguard.destroy.documents import (
    Companions,
    Document,
    check_document,
    plan_algorithm,
    read_document,
    seal,
    write_atomically,
    write_document,
)
from dataguard.destroy.plan import PLAN_FORMAT, utc_stamp
from dataguard.destroy.run import RUN_FORMAT
from dataguard.destroy.verify import VERIFICATION_FORMAT, VERIFIERS
from dataguard.errors import UsageError
from dataguard.identity import Identity, PublicIdentity

__all__ = [
    "CERTIFICATE_FORMAT",
    "STANDARD",
    "AuditAnchor",
    "CheckResult",
    "check_certificate",
    "issue_certificate",
]

CERTIFICATE_FORMAT = "dataguard.destroy.certificate/1"
STANDARD = (
    "NIST SP 800-88 Rev. 1 (2014), Appendix G certificate fields, adapted to data; "
    "Rev. 1 was superseded by Rev. 2 on 2025-09-26"
)
_ISSUERS = ("operator", "auditor")

_ROWS_METHOD = {
    "category": "Delete (logical)",
    "technique": "SQL DELETE by key in batched transactions, journaled",
    "limits": (
        "not a NIST media sanitisation: the database's free pages, write-ahead log, binary "
        "log and replicas may keep deleted rows until overwritten or vacuumed"
    ),
}
_KEYS_METHOD = {
    "category": "Purge",
    "technique": "cryptographic erase: every version of each subject's DEK destroyed",
    "limits": (
        "reaches every copy of data encrypted under these keys, backups included, once no "
        "copy of the keystore that still wraps the keys can be opened (keystore backups)"
    ),
}


@dataclass(frozen=True)
class AuditAnchor:
    """The audit log's chain head when the certificate was issued: the last entry's seq and
    hash (:func:`dataguard.audit.chain_head`)."""

    log: str
    seq: int
    head: str
    suite: str

    def to_dict(self) -> dict[str, Any]:
        """As the certificate records it."""
        return {"log": self.log, "seq": self.seq, "head": self.head, "suite": self.suite}


def _what(plan_entry: Mapping[str, Any], run_entry: Mapping[str, Any]) -> str:
    kind = plan_entry["kind"]
    if kind == "rows":
        schema = f"{plan_entry['schema']}." if plan_entry.get("schema") else ""
        return (
            f"{run_entry['deleted']:,} rows of table {schema}{plan_entry['table']} in "
            f"{plan_entry['database']}"
        )
    if kind == "files":
        return f"{run_entry['cleared']:,} files ({plan_entry['bytes']:,} bytes planned)"
    return (
        f"{run_entry['destroyed'] + run_entry['already']:,} data subjects' keys in keystore "
        f"{plan_entry['keystore_id']}"
    )


def _method(plan_entry: Mapping[str, Any], run_entry: Mapping[str, Any]) -> dict[str, Any]:
    if plan_entry["kind"] == "rows":
        return dict(_ROWS_METHOD)
    if plan_entry["kind"] == "keys":
        return dict(_KEYS_METHOD)
    from dataguard.destroy.files import limitation_note, method

    systems = sorted({f["filesystem"] for f in run_entry["files"]}) or ["unknown"]
    return {**method(), "limits": " ".join(limitation_note(s) for s in systems)}


def _backups(kind: str) -> str:
    if kind == "keys":
        return "reached: backups of the encrypted data cannot be decrypted any more"
    return "not reached: copies in backups taken before the run still hold this data"


def _items(plan: Document, run: Document, verification: Document) -> list[dict[str, Any]]:
    runs = {t["id"]: t for t in run.body["targets"]}
    checks = {t["id"]: t for t in verification.body["targets"]}
    items = []
    for entry in plan.body["targets"]:
        target = entry["id"]
        if entry["kind"] == "rows" and entry.get("exempt"):
            continue
        check = checks[target]
        items.append(
            {
                "target": target,
                "what": _what(entry, runs[target]),
                "method": _method(entry, runs[target]),
                "backups": _backups(entry["kind"]),
                "verification": {
                    "method": check["method"],
                    "result": "passed" if check["passed"] else "failed",
                    "details": {
                        k: v
                        for k, v in check.items()
                        if k not in ("id", "kind", "method", "passed")
                    },
                },
            }
        )
    return items


def issue_certificate(
    plan_path: str | os.PathLike[str],
    issuer: Identity,
    *,
    audit: AuditAnchor | None = None,
    roster: Sequence[PublicIdentity] | None = None,
    now: _dt.datetime | None = None,
) -> Document:
    """Issue, sign and write the certificate of *plan_path*'s verified run (and its HTML).

    UsageError unless the plan was approved, run and verified, and the verification passed:
    a certificate is never issued for a failed or missing verification.
    """
    plan_path = Path(plan_path).resolve()
    plan = read_plan(plan_path)
    approval = read_approval(plan, plan_path, roster=roster)
    companions = Companions(plan_path)
    algorithm = plan_algorithm(plan)
    run = read_document(companions.run, RUN_FORMAT, algorithm)
    verification = read_document(companions.verification, VERIFICATION_FORMAT, algorithm)
    if run.body["plan_hash"] != plan.hash or verification.body["plan_hash"] != plan.hash:
        raise UsageError("the run record or the verification belongs to another plan")
    if verification.body["run_hash"] != run.hash:
        raise UsageError("the verification is of another run record")
    if not verification.body["passed"]:
        failed = [t["id"] for t in verification.body["targets"] if not t["passed"]]
        raise UsageError(
            f"the verification failed for {', '.join(failed)}; no certificate is issued for a "
            "run that did not destroy everything it planned"
        )
    if issuer.role not in _ISSUERS:
        raise UsageError(f"{issuer.name!r} is an {issuer.role}; an operator or auditor issues")
    issued = utc_stamp(now)
    body = {
        "certificate_id": str(uuid.uuid4()),
        "standard": STANDARD,
        "organisation": plan.body.get("organisation"),
        "name": plan.body["name"],
        "reason": plan.body["reason"],
        "plan_hash": plan.hash,
        "items": _items(plan, run, verification),
        "exemptions": plan.body["exemptions"],
        "tool": {"name": "dataguard", "version": __version__},
        "people": {
            "operator": run.signer.to_dict(),
            "planned_by": plan.signer.to_dict(),
            "approver": approval.signer.to_dict(),
            "verifier": verification.signer.to_dict(),
            "issuer": issuer.public.to_dict(),
        },
        "times": {
            "planned": plan.body["created"],
            "approved": approval.body["approved"],
            "run_started": run.body["started"],
            "run_finished": run.body["finished"],
            "verified": verification.body["verified"],
            "issued": issued,
        },
        "audit": audit.to_dict() if audit else None,
        "documents": {
            "plan": plan.to_dict(),
            "approval": approval.to_dict(),
            "run": run.to_dict(),
            "verification": verification.to_dict(),
        },
    }
    document = seal(CERTIFICATE_FORMAT, body, issuer, algorithm)
    write_document(companions.certificate, document)
    from dataguard.destroy.certificate_html import render_certificate

    write_atomically(companions.certificate_html, render_certificate(document).encode("utf-8"))
    return document


@dataclass
class CheckResult:
    """What :func:`check_certificate` found: ``ok`` when ``problems`` is empty."""

    certificate_id: str | None = None
    checks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problem found."""
        return not self.problems


def _check_embedded(body: Mapping[str, Any], result: CheckResult) -> dict[str, Document]:
    found: dict[str, Document] = {}
    formats = {
        "plan": PLAN_FORMAT,
        "approval": APPROVAL_FORMAT,
        "run": RUN_FORMAT,
        "verification": VERIFICATION_FORMAT,
    }
    documents = body.get("documents") or {}
    for name, kind in formats.items():
        try:
            found[name] = check_document(documents.get(name), kind, f"the embedded {name}")
            result.checks.append(
                f"{name}: hash and signature of {found[name].signer.name!r} "
                f"({found[name].signer.role}, {found[name].signer.fingerprint}) verify"
            )
        except UsageError as exc:
            result.problems.append(str(exc))
    return found


def _check_links(
    body: Mapping[str, Any], docs: Mapping[str, Document], result: CheckResult
) -> None:
    plan, approval = docs.get("plan"), docs.get("approval")
    run, verification = docs.get("run"), docs.get("verification")
    if plan is None:
        return
    if body.get("plan_hash") != plan.hash:
        result.problems.append("the certificate's plan_hash is not the embedded plan's hash")
    if approval is not None:
        try:
            check_approval(plan, approval)
            result.checks.append("approval: of this plan, by an approver who is not its operator")
        except UsageError as exc:
            result.problems.append(str(exc))
    for name, doc in (("run", run), ("verification", verification)):
        if doc is not None and doc.body.get("plan_hash") != plan.hash:
            result.problems.append(f"the embedded {name} is not of the embedded plan")
    if run is not None and verification is not None:
        if verification.body.get("run_hash") != run.hash:
            result.problems.append("the verification is not of the embedded run record")
        if not verification.body.get("passed"):
            result.problems.append("the embedded verification did not pass")
        if approval is not None and run.signer.same_holder(approval.signer):
            result.problems.append("the run was performed by its approver")
        if run.signer.role != "operator":
            result.problems.append("the run was not performed by an operator")
        if verification.signer.role not in VERIFIERS:
            result.problems.append("the verification was not made by an operator or auditor")
    people = body.get("people") or {}
    expected = {"planned_by": plan, "approver": approval, "operator": run, "verifier": verification}
    for role, doc in expected.items():
        if doc is not None and people.get(role) != doc.signer.to_dict():
            result.problems.append(f"the certificate's {role} is not the embedded signer")


def _check_audit(anchor: Mapping[str, Any] | None, log: Path, result: CheckResult) -> None:
    from dataguard.audit import verify

    if not anchor:
        result.problems.append("the certificate records no audit chain head to check against")
        return
    # A third party has no audit key: the hash chain, and the anchored head in it.
    chain = verify(log, None, suite=str(anchor.get("suite", "intl")))
    result.problems.extend(f"audit log {log}: {p}" for p in chain.problems)
    seq = anchor.get("seq")
    found = chain.hashes.get(seq) if isinstance(seq, int) else None
    if found is None:
        result.problems.append(
            f"audit log {log} no longer holds entry {seq}, the head the certificate recorded"
        )
    elif found != anchor.get("head"):
        result.problems.append(
            f"audit log {log}: entry {seq} is not the head the certificate recorded"
        )
    elif not chain.problems:
        result.checks.append(
            f"audit log: its hash chain verifies and holds the recorded head (entry {seq})"
        )


def check_certificate(
    path: str | os.PathLike[str],
    *,
    plan: str | os.PathLike[str] | None = None,
    roster: Sequence[PublicIdentity] | None = None,
    audit_log: str | os.PathLike[str] | None = None,
) -> CheckResult:
    """Check the certificate at *path* offline; every problem found is listed.

    Always: the certificate's hash and issuer signature, the embedded plan, approval, run
    record and verification (hashes, signatures, roles, links). With *plan*: the plan file
    is the certified one. With *roster*: every signer is in it. With *audit_log*: its hash
    chain verifies and still holds the head the certificate recorded.
    """
    result = CheckResult()
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the certificate {path}: {exc}") from None
    try:
        certificate = check_document(raw, CERTIFICATE_FORMAT, str(path))
    except UsageError as exc:
        result.problems.append(str(exc))
        return result
    body = certificate.body
    result.certificate_id = str(body.get("certificate_id"))
    result.checks.append(
        f"certificate: hash and signature of {certificate.signer.name!r} "
        f"({certificate.signer.role}, {certificate.signer.fingerprint}) verify"
    )
    if certificate.signer.role not in _ISSUERS:
        result.problems.append("the certificate was not issued by an operator or auditor")
    if (body.get("people") or {}).get("issuer") != certificate.signer.to_dict():
        result.problems.append("the certificate's issuer is not its signer")
    docs = _check_embedded(body, result)
    _check_links(body, docs, result)
    if plan is not None:
        try:
            on_disk = read_plan(plan)
            if on_disk.hash == body.get("plan_hash"):
                result.checks.append(f"plan file {plan}: it is the certified plan")
            else:
                result.problems.append(f"the plan file {plan} is not the certified plan")
        except UsageError as exc:
            result.problems.append(str(exc))
    if roster is not None:
        signers = [certificate.signer, *(d.signer for d in docs.values())]
        untrusted = [s for s in signers if s not in roster]
        for signer in untrusted:
            result.problems.append(
                f"{signer.name!r} ({signer.role}, {signer.fingerprint}) is not in the roster"
            )
        if not untrusted:
            result.checks.append("roster: every signer is in it with that role and key")
    if audit_log is not None:
        _check_audit(body.get("audit"), Path(audit_log), result)
    return result
