"""``destroy verify``: prove the run destroyed what the plan said, and record the proof.

Per target, a method a third party can understand and a result:

* **rows**: a full key scan of the table: every row's key is hashed and compared with the
  plan's row hashes; none may remain. The rule is queried again, and the rows it selects
  now that are not in the plan (added since) and the rows legal holds keep are counted:
  they were left alone on purpose.
* **files**: none of the planned paths exists any more.
* **keys**: each subject's canary, encrypted under the subject's key when the plan was
  made, is decrypted with the keystore as it is now; every decryption must fail.

The verifier (an ``operator`` or an ``auditor``) signs ``P.verification.json``.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataguard.destroy.approval import check_rows_files, read_approval, read_plan
from dataguard.destroy.config import DestroyConfig
from dataguard.destroy.documents import (
    Companions,
    Document,
    plan_algorithm,
    read_document,
    seal,
    write_document,
)
from dataguard.destroy.plan import utc_stamp
from dataguard.destroy.run import (
    PAGE,
    RUN_FORMAT,
    open_rows,
    plan_inputs,
    planned_hashes,
)
from dataguard.destroy.selection import row_hasher
from dataguard.destroy.subject_keys import verify_keys
from dataguard.errors import UsageError
from dataguard.identity import Identity, PublicIdentity

if TYPE_CHECKING:
    from dataguard.crypto.keyring import Keyring

__all__ = ["VERIFICATION_FORMAT", "VERIFIERS", "verify_plan"]

VERIFICATION_FORMAT = "dataguard.destroy.verification/1"
#: The roles that may verify a run.
VERIFIERS = ("operator", "auditor")


def _verify_rows(
    plan_path: Path, entry: Mapping[str, Any], config: DestroyConfig, key: bytes, algorithm: str
) -> dict[str, Any]:
    import sqlalchemy as sa

    target = entry["id"]
    result: dict[str, Any] = {"id": target, "kind": "rows"}
    if entry.get("exempt"):
        result.update(
            method="none: the table is exempt (enterprise registration information)",
            remaining=0,
            passed=True,
        )
        return result
    planned = planned_hashes(plan_path, entry)
    bound = open_rows(entry, config, write=False)
    try:
        remaining = 0
        scanned = 0
        hasher = row_hasher(key, target, algorithm)
        for page in bound.pages(bound.engine.connect, PAGE, everything=True):
            scanned += len(page)
            remaining += sum(1 for k in page if hasher(k) in planned)
        with bound.engine.connect() as connection:
            selected = connection.execute(bound.count(bound.selectable)).scalar_one()
            held = 0
            if bound.held is not None:
                condition = sa.and_(bound.rule, sa.func.coalesce(bound.held, sa.true()))
                held = connection.execute(bound.count(condition)).scalar_one()
    except Exception as exc:
        if isinstance(exc, sa.exc.SQLAlchemyError):
            raise UsageError(f"{target}: the database failed ({type(exc).__name__})") from None
        raise
    finally:
        bound.engine.dispose()
    result.update(
        method=(
            "full key scan: every row's key hashed and compared with the plan's row hashes; "
            "the rule queried again"
        ),
        rows_scanned=scanned,
        remaining=remaining,
        selected_not_in_plan=selected,
        held=held,
        passed=remaining == 0,
    )
    return result


def _verify_files(entry: Mapping[str, Any]) -> dict[str, Any]:
    present = [f["path"] for f in entry["files"] if os.path.lexists(f["path"])]
    return {
        "id": entry["id"],
        "kind": "files",
        "method": "each planned path looked up: it must no longer exist",
        "files": len(entry["files"]),
        "still_present": present,
        "passed": not present,
    }


def _verify_keys(entry: Mapping[str, Any], keyrings: Mapping[str, Keyring]) -> dict[str, Any]:
    keyring = keyrings.get(entry["keystore_id"])
    if keyring is None:
        raise UsageError(f"{entry['id']}: open the keystore {entry['keystore']} to verify it")
    verdict = verify_keys(keyring, entry)
    return {
        "id": entry["id"],
        "kind": "keys",
        "method": (
            "each subject's canary (encrypted under its key when the plan was made) decrypted "
            "with the keystore as it is now: every decryption must fail"
        ),
        "keystore_id": verdict.keystore_id,
        "subjects": verdict.subjects,
        "still_readable": verdict.still_readable,
        "passed": verdict.passed,
    }


def verify_plan(
    plan_path: str | os.PathLike[str],
    keyring: Keyring,
    verifier: Identity,
    *,
    config: str | os.PathLike[str] | DestroyConfig | None = None,
    keyrings: Sequence[Keyring] = (),
    roster: Sequence[PublicIdentity] | None = None,
    now: _dt.datetime | None = None,
) -> Document:
    """Verify the finished run of *plan_path*; write and return the signed verification.

    The document is written whether or not every target passed (``body["passed"]``): a
    failed verification is a result too. Open keystores afresh (from disk) for *keyrings*.
    """
    plan_path = Path(plan_path).resolve()
    plan = read_plan(plan_path)
    check_rows_files(plan, plan_path)
    read_approval(plan, plan_path, roster=roster)
    if verifier.role not in VERIFIERS:
        raise UsageError(
            f"{verifier.name!r} is an {verifier.role}; an operator or auditor verifies"
        )
    companions = Companions(plan_path)
    algorithm = plan_algorithm(plan)
    run = read_document(companions.run, RUN_FORMAT, algorithm)
    if run.body["plan_hash"] != plan.hash:
        raise UsageError(f"{companions.run} records the run of another plan")
    key, loaded = plan_inputs(plan, keyring, config)
    opened = {k.keystore.keystore_id: k for k in (keyring, *keyrings)}
    results = []
    for entry in plan.body["targets"]:
        if entry["kind"] == "rows":
            results.append(_verify_rows(plan_path, entry, loaded, key, algorithm))
        elif entry["kind"] == "files":
            results.append(_verify_files(entry))
        else:
            results.append(_verify_keys(entry, opened))
    body = {
        "plan_hash": plan.hash,
        "run_hash": run.hash,
        "verifier": verifier.public.to_dict(),
        "verified": utc_stamp(now),
        "targets": results,
        "passed": all(r["passed"] for r in results),
    }
    document = seal(VERIFICATION_FORMAT, body, verifier, algorithm)
    write_document(companions.verification, document)
    return document
