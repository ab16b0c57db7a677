"""``destroy plan``: what a destruction run will destroy, as a signed document with a hash.

The operator makes the plan from destroy.toml. It records, for each target:

* rows: the database (password hidden), table, key, the rule as written, the cutoff
  instant ``older_than`` resolved to, how many rows go, how many matching rows legal holds
  keep, and the row hashes of the rows that go (``P.rows/<n>.bin``: sorted 16-byte keyed
  hashes; the plan holds their count and SHA-256/SM3 digest);
* files: each file's path, size and keyed content hash (:mod:`dataguard.destroy.files`);
* keys: per keystore, the subjects' keyed hashes, key ids and canaries
  (:mod:`dataguard.destroy.subject_keys`);

and the exemptions it honoured: legal holds with the rows each kept, and tables exempted
whole as enterprise registration information (Ele.me 5.12). Subject ids, row keys and
file contents never appear: only counts and keyed hashes. The plan pins its config by a
keyed hash, so a run refuses a config edited after approval.

Planning reads; it never writes to a database (its sessions are read-only).
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataguard import __version__
from dataguard.destroy import files as file_targets
from dataguard.destroy.config import DestroyConfig, RowsTarget, older_than_cutoff
from dataguard.destroy.documents import (
    Companions,
    Document,
    destroy_key,
    digest,
    hash_algorithm,
    seal,
    write_atomically,
    write_document,
)
from dataguard.destroy.exemptions import ENTERPRISE_RULE, enterprise_registration_evidence
from dataguard.destroy.order import foreign_keys
from dataguard.destroy.selection import bind, row_hasher
from dataguard.destroy.subject_keys import plan_keys
from dataguard.errors import UsageError
from dataguard.sources.database import read_only_engine

if TYPE_CHECKING:
    from dataguard.crypto.keyring import Keyring
    from dataguard.identity import Identity

__all__ = ["PLAN_FORMAT", "make_plan", "utc_stamp"]

PLAN_FORMAT = "dataguard.destroy.plan/1"
#: Keys read per round trip while planning.
PAGE = 10_000

Progress = Callable[[str, int], None]


def utc_stamp(moment: _dt.datetime | None = None) -> str:
    """UTC time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return (moment or _dt.datetime.now(_dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_where_text(target: RowsTarget) -> None:
    """Refuse a ``where`` holding personal data: the plan records it, and it must not."""
    if target.where:
        kinds = _pii_kinds(target.where)
        if kinds:
            raise UsageError(
                f"{target.target_id}: the where condition holds personal data "
                f"({', '.join(kinds)}); list subjects in [subjects] instead, so the plan "
                "records only their keyed hashes"
            )


def _pii_kinds(text: str) -> list[str]:
    from dataguard import detect

    return sorted({f.entity for f in detect(text)})


def _plan_rows(
    target: RowsTarget,
    config: DestroyConfig,
    number: int,
    key: bytes,
    algorithm: str,
    now: _dt.datetime,
    rows_dir: Path,
    progress: Progress | None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    import sqlalchemy as sa

    cutoff = older_than_cutoff(target.older_than, now) if target.older_than else None
    engine = read_only_engine(target.database)
    try:
        bound = bind(target, config, engine, cutoff)
        entry: dict[str, Any] = {
            "id": target.target_id,
            "kind": "rows",
            "database": bound.database,
            "dialect": engine.dialect.name,
            "schema": target.schema,
            "table": target.table,
            "key": list(bound.key),
            "rule": {
                "date_column": target.date_column,
                "older_than": target.older_than,
                "cutoff": utc_stamp(cutoff) if cutoff else None,
                "where": target.where,
                "subject_column": target.subject_column,
            },
            "holds": list(bound.holds),
        }
        exemptions: list[dict[str, Any]] = []
        with engine.connect() as connection:
            matching = connection.execute(bound.count(bound.rule)).scalar_one()
        evidence = enterprise_registration_evidence(target.table, [c.name for c in bound.table.c])
        if evidence:
            exemptions.append(
                {
                    "target": target.target_id,
                    "kind": "enterprise-registration",
                    "rule": ENTERPRISE_RULE,
                    "evidence": evidence,
                    "rows": matching,
                }
            )
            entry.update(rows=0, held=matching, exempt=True, rows_file=None, rows_digest=None)
            return entry, exemptions
        hashes: list[bytes] = []
        hasher = row_hasher(key, target.target_id, algorithm)
        for page in bound.pages(engine.connect, PAGE):
            hashes.extend(hasher(k) for k in page)
            if progress:
                progress(target.target_id, len(page))
        hashes.sort()
        if len(set(hashes)) != len(hashes):
            raise UsageError(f"{target.target_id}: two rows share a key; the key is not unique")
        blob = b"".join(hashes)
        name = f"{number}.bin"
        write_atomically(rows_dir / name, blob)
        held = matching - len(hashes)
        if bound.held is not None:
            with engine.connect() as connection:
                for hold_name, clause in zip(bound.holds, bound.hold_clauses, strict=True):
                    kept = connection.execute(
                        bound.count(sa.and_(bound.rule, sa.func.coalesce(clause, sa.true())))
                    ).scalar_one()
                    exemptions.append(
                        {
                            "target": target.target_id,
                            "kind": "legal-hold",
                            "hold": hold_name,
                            "rows": kept,
                        }
                    )
        entry.update(
            rows=len(hashes),
            held=held,
            exempt=False,
            rows_file=name,
            rows_digest=digest(blob, algorithm),
        )
        return entry, exemptions
    except Exception as exc:
        if isinstance(exc, UsageError):
            raise
        import sqlalchemy as sa

        if isinstance(exc, sa.exc.SQLAlchemyError):
            raise UsageError(
                f"{target.target_id}: the database refused the selection "
                f"({type(exc).__name__}); check the where conditions and columns"
            ) from None
        raise
    finally:
        engine.dispose()


def _plan_files(config: DestroyConfig, key: bytes, algorithm: str) -> list[dict[str, Any]]:
    targets = []
    for number, target in enumerate(config.files, 1):
        planned, notes = file_targets.plan_files(
            target.patterns, config.path.parent, key, algorithm
        )
        targets.append(
            {
                "id": f"files:{number}",
                "kind": "files",
                "patterns": list(target.patterns),
                "files": [p.to_dict() for p in planned],
                "bytes": sum(p.size for p in planned),
                "notes": notes,
            }
        )
    return targets


def _plan_targets(
    config: DestroyConfig,
    keyrings: dict[Path, Keyring],
    key: bytes,
    algorithm: str,
    now: _dt.datetime,
    companions: Companions,
    progress: Progress | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every target's plan entry, and the exemptions honoured: rows targets in the order
    they can be deleted in (:mod:`dataguard.destroy.order`), then files, then keys."""
    targets: list[dict[str, Any]] = []
    exemptions: list[dict[str, Any]] = []
    references = foreign_keys(config.rows)
    for number, target in enumerate(references.order, 1):
        entry, exempt = _plan_rows(
            target, config, number, key, algorithm, now, companions.rows, progress
        )
        entry["notes"] = references.notes[target.target_id]
        targets.append(entry)
        exemptions.extend(exempt)
    targets.extend(_plan_files(config, key, algorithm))
    for keys_target in config.keys:
        opened = keyrings.get(keys_target.keystore)
        if opened is None:
            raise UsageError(f"keystore {keys_target.keystore} of a [[keys]] target is not open")
        entry = plan_keys(opened, config.subjects, key, algorithm)
        entry.update(id=f"keys:{entry['keystore_id']}", kind="keys")
        targets.append(entry)
    return targets, exemptions


def make_plan(
    config: DestroyConfig,
    keyring: Keyring,
    operator: Identity,
    out: str | os.PathLike[str],
    *,
    keyrings: Sequence[Keyring] = (),
    now: _dt.datetime | None = None,
    progress: Progress | None = None,
) -> Document:
    """Make, sign and write the plan for *config* at *out* (and its ``.rows`` folder).

    *keyring* is the team keyring (destroy key, audit key); *operator* signs; *keyrings*
    are the other keystores of [[keys]] targets, found by path, as in
    :func:`~dataguard.destroy.run.run_plan` (the team keyring serves its own path).
    """
    if operator.role != "operator":
        raise UsageError(f"{operator.name!r} is an {operator.role}; a plan is made by an operator")
    out = Path(out).resolve()
    if out.exists():
        raise UsageError(f"{out} exists; a plan is never overwritten (choose another name)")
    companions = Companions(out)
    if companions.rows.exists():
        raise UsageError(f"{companions.rows} exists; choose another plan name")
    for target in config.rows:
        _check_where_text(target)  # before anything is read or written
    now = now or _dt.datetime.now(_dt.UTC)
    algorithm = hash_algorithm(keyring.suite.name)
    key = destroy_key(keyring)
    by_path = {k.keystore.path.resolve(): k for k in (keyring, *keyrings)}
    try:
        targets, exemptions = _plan_targets(
            config, by_path, key, algorithm, now, companions, progress
        )
    except BaseException:
        # A plan that could not be made leaves nothing behind (its rows files are unsigned).
        shutil.rmtree(companions.rows, ignore_errors=True)
        raise
    body = {
        "name": config.name,
        "reason": config.reason,
        "organisation": config.organisation,
        "created": utc_stamp(now),
        "tool": {"name": "dataguard", "version": __version__},
        "suite": keyring.suite.name,
        "keystore_id": keyring.keystore.keystore_id,
        "config": {"path": str(config.path), "mac": config.mac(key, algorithm)},
        "subjects": len(config.subjects),
        "targets": targets,
        "exemptions": exemptions,
    }
    document = seal(PLAN_FORMAT, body, operator, algorithm)
    write_document(out, document)
    return document
