"""``destroy run``: execute an approved plan, journaled, resumable, never beyond the plan.

Before anything is touched the run checks the plan's signature and hash, its rows files,
the approval (of this very plan, by an approver who is not its operator), that the person
running it is an operator other than the approver, that the keystore is the plan's (its
destroy key made the row hashes) and that destroy.toml is the one the plan pinned.

Then, target by target, in plan order (rows that reference other targets' rows first:
:mod:`dataguard.destroy.order`):

* **rows**: the rows the rule and holds select *now* are read by key, a page at a time;
  only those whose row hash is in the plan are deleted (a row added since the plan, or a
  row a hold added since protects, stays), in batches of ``batch`` rows, one transaction
  each, with an ``intent`` journal line before and a ``done`` line after the commit;
* **files**: each planned file is cleared (:func:`~dataguard.destroy.files.clear_file`:
  overwrite, rename, unlink) unless it changed since the plan;
* **keys**: the planned subjects' DEKs are destroyed in the keystore (crypto-shredding).

A run that stops (a crash, a kill, a lost connection) is started again with the same
command: the journal (:mod:`dataguard.destroy.journal`) says what is done, an interrupted
batch is settled exactly, and the run goes on. When every target is done the operator
signs the run record ``P.run.json``.

*faults* is a test seam: it is called with the name of each point where a crash matters
(``rows.before-delete``, ``rows.before-commit``, ``rows.after-commit``,
``files.before-clear``, ``keys.before-destroy``) and may raise or kill the process there.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataguard.destroy.approval import check_rows_files, read_approval, read_plan
from dataguard.destroy.config import DestroyConfig, load_config
from dataguard.destroy.documents import (
    Companions,
    Document,
    destroy_key,
    plan_algorithm,
    seal,
    write_document,
)
from dataguard.destroy.files import PlannedFile, clear_file
from dataguard.destroy.journal import Journal, Pending, pack_hashes, unpack_hashes
from dataguard.destroy.plan import utc_stamp
from dataguard.destroy.selection import bind, row_hasher
from dataguard.destroy.subject_keys import shred_keys
from dataguard.errors import UsageError
from dataguard.identity import Identity, PublicIdentity
from dataguard.sources.database import describe_url, read_write_engine

if TYPE_CHECKING:
    from dataguard.crypto.keyring import Keyring

__all__ = [
    "DEFAULT_BATCH",
    "RUN_FORMAT",
    "Faults",
    "Progress",
    "open_rows",
    "plan_inputs",
    "planned_hashes",
    "run_plan",
]

RUN_FORMAT = "dataguard.destroy.run/1"
#: Rows deleted per transaction.
DEFAULT_BATCH = 5000
#: Keys read per round trip.
PAGE = 20_000

Faults = Callable[[str], None]
Progress = Callable[[str, int], None]


def _no_fault(_point: str) -> None:
    return None


def plan_inputs(
    plan: Document, keyring: Keyring, config: str | os.PathLike[str] | DestroyConfig | None
) -> tuple[bytes, DestroyConfig]:
    """The destroy key and destroy.toml, as the plan pinned them (UsageError otherwise).

    *keyring* must be the plan's keystore (its destroy key made the row hashes and the
    config's keyed hash); *config* defaults to the path the plan recorded.
    """
    if keyring.keystore.keystore_id != plan.body["keystore_id"]:
        raise UsageError(
            f"{keyring.keystore.path} is not the plan's keystore ({plan.body['keystore_id']})"
        )
    key = destroy_key(keyring)
    if not isinstance(config, DestroyConfig):
        config = load_config(config or plan.body["config"]["path"])
    if not config.matches(key, plan.body["config"]["mac"], plan_algorithm(plan)):
        raise UsageError(
            f"{config.path} changed since the plan was made (or is another file); a run uses "
            "exactly the approved configuration: make and approve a new plan"
        )
    return key, config


def planned_hashes(plan_path: Path, entry: Mapping[str, Any]) -> set[bytes]:
    """The row hashes of a planned rows target (its rows file, checked by the caller)."""
    if not entry.get("rows_file"):
        return set()
    data = (Companions(plan_path).rows / entry["rows_file"]).read_bytes()
    return {data[i : i + 16] for i in range(0, len(data), 16)}


def open_rows(entry: Mapping[str, Any], config: DestroyConfig, *, write: bool) -> Any:
    """The [[rows]] target of *entry*, bound to its table (engine read-write or read-only)."""
    from dataguard.sources.database import read_only_engine

    target = next((t for t in config.rows if t.target_id == entry["id"]), None)
    if target is None:
        raise UsageError(f"{entry['id']} is in the plan but not in {config.path}")
    cutoff_text = entry["rule"].get("cutoff")
    cutoff = (
        _dt.datetime.strptime(cutoff_text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=_dt.UTC)
        if cutoff_text
        else None
    )
    if describe_url(target.database) != entry["database"]:
        # url_env may name another database now: a plan runs where it was made.
        raise UsageError(
            f"{entry['id']}: the plan was made on {entry['database']}, the configuration now "
            f"names {describe_url(target.database)}; nothing was done there"
        )
    engine = (read_write_engine if write else read_only_engine)(target.database)
    try:
        bound = bind(target, config, engine, cutoff)
    except BaseException:
        engine.dispose()
        raise
    if list(bound.key) != list(entry["key"]):
        engine.dispose()
        raise UsageError(f"{entry['id']}: the table's key changed since the plan")
    return bound


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _database_error(target: str, exc: Exception) -> UsageError:
    import sqlalchemy as sa

    if isinstance(exc, sa.exc.IntegrityError):
        # The database's own message is not repeated: PostgreSQL's names the key's values.
        return UsageError(
            f"{target}: the database refused to delete a batch ({type(exc).__name__}): "
            "rows outside the plan still reference it through a foreign key (another "
            "table's rows, or rows the plan keeps); destroy those first (a [[rows]] target "
            "for their table in a new plan) or keep these. Nothing of the refused batch was "
            "deleted; the batches the journal records as done stay done"
        )
    return UsageError(
        f"{target}: the database failed ({type(exc).__name__}); nothing beyond the journal's "
        "last done batch is assumed; run the same command again to resume"
    )


@dataclass
class _Run:
    plan: Document
    plan_path: Path
    config: DestroyConfig
    key: bytes
    algorithm: str
    journal: Journal
    pending: Pending
    batch: int
    faults: Faults
    progress: Progress | None
    keyrings: Mapping[str, Keyring]

    def rows(self, entry: Mapping[str, Any]) -> None:
        if entry.get("exempt") or not entry["rows"]:
            return
        target = entry["id"]
        planned = planned_hashes(self.plan_path, entry)
        bound = open_rows(entry, self.config, write=True)
        engine = bound.engine
        try:
            self._settle(bound, target)
            number = self.pending.batches(target)
            hasher = row_hasher(self.key, target, self.algorithm)
            for page in bound.pages(engine.connect, PAGE):
                members = []
                for key in page:
                    hashed = hasher(key)
                    if hashed in planned:
                        members.append((key, hashed))
                for chunk in _chunks(members, self.batch):
                    self.journal.write(
                        "intent",
                        {
                            "target": target,
                            "batch": number,
                            "rows": len(chunk),
                            "hashes": pack_hashes([h for _, h in chunk]),
                        },
                    )
                    self.faults("rows.before-delete")
                    with engine.begin() as connection:
                        deleted = connection.execute(bound.delete([k for k, _ in chunk])).rowcount
                        self.faults("rows.before-commit")
                    self.faults("rows.after-commit")
                    self.journal.write(
                        "done", {"target": target, "batch": number, "deleted": deleted}
                    )
                    number += 1
                    if self.progress:
                        self.progress(target, deleted)
        except Exception as exc:
            import sqlalchemy as sa

            if isinstance(exc, sa.exc.SQLAlchemyError):
                raise _database_error(target, exc) from None
            raise
        finally:
            engine.dispose()

    def _settle(self, bound: Any, target: str) -> None:
        """Settle the batches an interrupted run intended but did not record as done."""
        intents = self.pending.open_intents.get(target, {})
        if not intents:
            return
        wanted: set[bytes] = set()
        for line in intents.values():
            wanted |= unpack_hashes(line["hashes"])
        present: set[bytes] = set()
        hasher = row_hasher(self.key, target, self.algorithm)
        # A full key scan: a row of the batch may no longer match the rule, and must still
        # count as present (not as deleted by the interrupted run).
        for page in bound.pages(bound.engine.connect, PAGE, everything=True):
            for key in page:
                hashed = hasher(key)
                if hashed in wanted:
                    present.add(hashed)
        for number, line in sorted(intents.items()):
            hashes = unpack_hashes(line["hashes"])
            self.journal.write(
                "settled",
                {
                    "target": target,
                    "batch": number,
                    "deleted": len(hashes - present),
                    "remaining": len(hashes & present),
                },
            )

    def files(self, entry: Mapping[str, Any]) -> None:
        target = entry["id"]
        done = self.pending.done.get(target, {})
        intents = self.pending.open_intents.get(target, {})
        for number, raw in enumerate(entry["files"], 1):
            if number in done:
                continue
            planned = PlannedFile.from_dict(raw)
            resume = intents.get(number, {}).get("inode")
            try:
                inode: int | None = os.lstat(planned.path).st_ino
            except OSError:
                inode = None
            self.journal.write(
                "intent",
                {
                    "target": target,
                    "batch": number,
                    "inode": resume if resume is not None else inode,
                },
            )
            self.faults("files.before-clear")
            outcome = clear_file(planned, self.key, self.algorithm, resume_inode=resume)
            self.journal.write("done", {"target": target, "batch": number, **outcome.to_dict()})
            if self.progress:
                self.progress(target, 1)

    def keys(self, entry: Mapping[str, Any]) -> None:
        target = entry["id"]
        keyring = self.keyrings.get(entry["keystore_id"])
        if keyring is None:
            raise UsageError(
                f"{target}: open the keystore {entry['keystore']} (it holds the subjects' keys)"
            )
        self.journal.write("intent", {"target": target, "batch": 1})
        self.faults("keys.before-destroy")
        counts = shred_keys(keyring, entry, self.config.subjects, self.key, self.algorithm)
        self.journal.write("done", {"target": target, "batch": 1, **counts})


def _summaries(plan: Document, journal: Journal) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    pending = journal.pending()
    starts = [line["time"] for line in journal.lines() if line["event"] == "start"]
    targets = []
    for entry in plan.body["targets"]:
        target, kind = entry["id"], entry["kind"]
        lines = pending.done.get(target, {}).values()
        summary: dict[str, Any] = {"id": target, "kind": kind}
        if kind == "rows":
            summary.update(
                planned=entry["rows"],
                exempt=bool(entry.get("exempt")),
                deleted=pending.total(target, "deleted"),
                batches=len(pending.done.get(target, {})),
            )
        elif kind == "files":
            outcomes = [dict(line) for line in lines]
            summary["files"] = [
                {k: o[k] for k in ("path", "state", "bytes_overwritten", "filesystem")}
                for o in outcomes
            ]
            for state in ("cleared", "absent", "changed"):
                summary[state] = sum(1 for o in outcomes if o["state"] == state)
        else:
            summary.update(
                keystore_id=entry["keystore_id"],
                planned=len(entry["subjects"]),
                destroyed=pending.total(target, "destroyed"),
                already=pending.total(target, "already"),
            )
        targets.append(summary)
    return targets, {"started": starts[0] if starts else None, "attempts": len(starts)}


def run_plan(
    plan_path: str | os.PathLike[str],
    keyring: Keyring,
    operator: Identity,
    *,
    config: str | os.PathLike[str] | DestroyConfig | None = None,
    keyrings: Sequence[Keyring] = (),
    roster: Sequence[PublicIdentity] | None = None,
    batch: int = DEFAULT_BATCH,
    faults: Faults | None = None,
    progress: Progress | None = None,
    on_target: Callable[[Mapping[str, Any]], None] | None = None,
) -> Document:
    """Run the approved plan at *plan_path* (module docstring); return the signed run record.

    *keyring* is the plan's keystore (destroy key); *keyrings* are the keystores of its
    ``keys`` targets (the plan's keyring serves its own). Calling it again after a crash
    resumes; after a finished run it raises UsageError.
    """
    if batch < 1:
        raise UsageError("the batch size is at least 1 row")
    plan_path = Path(plan_path).resolve()
    plan = read_plan(plan_path)
    check_rows_files(plan, plan_path)
    approval = read_approval(plan, plan_path, roster=roster)
    if operator.role != "operator":
        raise UsageError(f"{operator.name!r} is an {operator.role}; an operator runs a plan")
    if operator.public.same_holder(approval.signer):
        raise UsageError(f"{operator.name!r} approved this plan and cannot also run it")
    companions = Companions(plan_path)
    if companions.run.exists():
        raise UsageError(f"{plan_path} has already run ({companions.run}); verify it next")
    key, loaded = plan_inputs(plan, keyring, config)
    algorithm = plan_algorithm(plan)
    opened = {k.keystore.keystore_id: k for k in (keyring, *keyrings)}
    with Journal(companions.journal) as journal:
        pending = journal.pending()
        journal.write("start", {"plan_hash": plan.hash, "operator": operator.name})
        run = _Run(
            plan,
            plan_path,
            loaded,
            key,
            algorithm,
            journal,
            pending,
            batch,
            faults or _no_fault,
            progress,
            opened,
        )
        for entry in plan.body["targets"]:
            if entry["id"] in pending.done_targets:
                continue
            getattr(run, entry["kind"])(entry)
            journal.write("target-done", {"target": entry["id"]})
            if on_target:
                on_target(entry)
        journal.write("finish")
        targets, times = _summaries(plan, journal)
    body = {
        "plan_hash": plan.hash,
        "plan_name": plan.body["name"],
        "approval_hash": approval.hash,
        "operator": operator.public.to_dict(),
        "started": times["started"],
        "finished": utc_stamp(),
        "attempts": times["attempts"],
        "databases": sorted({describe_url(t.database) for t in loaded.rows}),
        "targets": targets,
    }
    document = seal(RUN_FORMAT, body, operator, algorithm)
    write_document(companions.run, document)
    return document
