"""``dataguard destroy`` (plan, approve, run, verify, certificate, check, status)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from dataguard.cli.errors import EXIT_FINDINGS, EXIT_OK, user_errors
from dataguard.cli.identity import Acting, acting_options, open_identity
from dataguard.cli.keys import open_keyring
from dataguard.cli.options import OutputFile
from dataguard.cli.trail import Trail, audited

from dataguard.audit import default_audit_log_path
from dataguard.crypto.keyring import Keyring
from dataguard.destroy.documents import Companions, Document
from dataguard.errors import UsageError
from dataguard.identity import Identity, PublicIdentity, find_identity, load_roster

if TYPE_CHECKING:
    from dataguard.destroy.certificate import AuditAnchor
    from dataguard.destroy.config import DestroyConfig

# The destroy modules are imported inside the commands: they pull in SQLAlchemy and polars,
# and every other command's start-up must not pay for them.
#: Rows deleted per transaction (dataguard.destroy.run.DEFAULT_BATCH).
DEFAULT_BATCH = 5000

__all__ = ["destroy_group"]

DESTROY_HELP = """Certified destruction: plan, approve, run, verify, certify.

Data whose authorisation has lapsed is destroyed by an operator, after an
approver (never the operator) signed the plan, then verified and
certified so that a third party can check it (Ele.me 5.10, 5.12; NIST
SP 800-88 Rev. 1). Every step writes an entry to the audit log.

\b
Examples:
  dataguard destroy plan --config destroy.toml -o plan.json --as olga
  dataguard destroy approve plan.json --as arun --identity-keystore arun.json
  dataguard destroy run plan.json --as olga      # again after a crash: resumes
  dataguard destroy verify plan.json --as audrey
  dataguard destroy certificate plan.json --as audrey
  dataguard destroy check plan.certificate.json --roster roster.json --log audit.jsonl
  dataguard destroy status plan.json

--keystore is the team keystore (destroy key, audit key, subject keys);
your identity is in --identity-keystore (default: the same keystore).
destroy.toml's format and the method's limits: docs/destruction.md.
"""

_ROSTER = click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Only trust signers listed in this roster (JSON list of `identity export`s).",
)
_PLAN = click.argument("plan", type=click.Path(dir_okay=False, path_type=Path))
_CONFIG = click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="destroy.toml (default: the path the plan recorded).",
)
_LOG = click.option(
    "--log",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The audit log (default: $DATAGUARD_AUDIT_LOG or ~/.local/share/dataguard/).",
)


def _roster(path: Path | None) -> list[PublicIdentity] | None:
    return load_roster(path) if path else None


def _acting(trail: Trail, acting: Acting) -> tuple[Keyring, Identity]:
    """The team keyring (attached to the audit trail) and the identity acting."""
    team = trail.attach(open_keyring(acting.keystore, acting.passphrase_fd))
    identity = find_identity(open_identity(team, acting), acting.as_name)
    trail.actor = identity.name
    trail.role = identity.role
    trail.details["fingerprint"] = identity.fingerprint
    return team, identity


def _plan_and_config(plan: Path, config_path: Path | None) -> tuple[Document, DestroyConfig]:
    """The plan (checked) and its destroy.toml: --config, else the path the plan recorded.

    The CLI needs the config before the run to open the [[keys]] keystores; the run checks
    it against the plan's keyed hash.
    """
    from dataguard.destroy.approval import read_plan
    from dataguard.destroy.config import load_config

    planned = read_plan(plan)
    return planned, load_config(config_path or planned.body["config"]["path"])


def _other_keyrings(config: DestroyConfig, team: Keyring) -> list[Keyring]:
    """The keystores of [[keys]] targets other than the team's, opened by passphrase_env."""
    from dataguard.crypto.hazmat.kek import PassphraseSource

    opened = []
    for target in config.keys:
        if target.keystore == team.keystore.path.resolve():
            continue
        if not target.keystore.exists():
            raise UsageError(f"no keystore at {target.keystore} ([[keys]] in {config.path})")
        source = None
        if target.passphrase_env:
            if not os.environ.get(target.passphrase_env):
                raise UsageError(
                    f"${target.passphrase_env} (the passphrase of {target.keystore}) is not set"
                )
            source = PassphraseSource.from_env(target.passphrase_env)
        opened.append(Keyring.open(target.keystore, source))
    return opened


class _RowsProgress:
    """A progress bar per target on stderr when it is a terminal; nothing in pipes."""

    def __init__(self, totals: Mapping[str, int], verb: str) -> None:
        self.enabled = sys.stderr.isatty()
        self.totals = totals
        self.verb = verb
        self.target: str | None = None
        self.bar: Any = None

    def __call__(self, target: str, count: int) -> None:
        if not self.enabled:
            return
        if target != self.target:
            self.close()
            self.target = target
            self.bar = click.progressbar(
                length=self.totals.get(target) or None,
                label=f"{self.verb} {target}",
                file=sys.stderr,
                show_eta=True,
                show_pos=True,
            )
            self.bar.__enter__()
        self.bar.update(count)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _plan_totals(plan_path: Path) -> dict[str, int]:
    try:
        body = json.loads(plan_path.read_text(encoding="utf-8"))["body"]
        return {t["id"]: int(t.get("rows") or len(t.get("files") or [])) for t in body["targets"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


@click.group("destroy", help=DESTROY_HELP)
def destroy_group() -> None:
    """The ``dataguard destroy`` command group."""


@destroy_group.command("plan")
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="destroy.toml: the targets and holds.",
)
@click.option(
    "-o",
    "--output",
    type=OutputFile(),
    default=Path("destroy-plan.json"),
    show_default=True,
    help="The plan to write (never overwritten).",
)
@acting_options
@user_errors
def destroy_plan_command(
    config_path: Path,
    output: Path,
    acting: Acting,
) -> None:
    """Make and sign the plan: what goes (counts, keyed hashes), what is exempt.

    Reads the databases read-only. The plan and its OUTPUT.rows/ folder hold
    no personal data; destroy.toml (which may list subject ids) stays yours.
    """
    from dataguard.destroy.config import load_config
    from dataguard.destroy.plan import make_plan

    with audited("destroy.plan", role="operator") as trail:
        team, operator = _acting(trail, acting)
        config = load_config(config_path)
        others = _other_keyrings(config, team)
        progress = _RowsProgress({}, "reading")
        try:
            document = make_plan(
                config,
                team,
                operator,
                output,
                keyrings=others,
                progress=progress,
            )
        finally:
            progress.close()
        body = document.body
        trail.details.update(
            plan_hash=document.hash,
            targets=len(body["targets"]),
            exemptions=len(body["exemptions"]),
        )
    click.echo(f"plan {output}: hash {document.hash}")
    _echo_targets(document.body["targets"])
    for exemption in document.body["exemptions"]:
        click.echo(f"  exempt: {_describe_exemption(exemption)}")
    click.echo(f"next: an approver runs `dataguard destroy approve {output}`")


def _echo_targets(targets: Sequence[Mapping[str, Any]]) -> None:
    """Each planned target on a line, a rows target's notes (foreign keys) under it."""
    for target in targets:
        click.echo(f"  {_describe_planned(target)}")
        if target["kind"] == "rows":
            for note in target.get("notes", ()):  # older plans have none
                click.echo(f"    note: {note}")


def _describe_planned(target: Mapping[str, Any]) -> str:
    kind = target["kind"]
    if kind == "rows":
        if target.get("exempt"):
            return f"{target['id']}: exempt (enterprise registration information)"
        return f"{target['id']}: {target['rows']:,} rows ({target['held']:,} held)"
    if kind == "files":
        notes = f"; {len(target['notes'])} notes" if target["notes"] else ""
        return f"{target['id']}: {len(target['files']):,} files, {target['bytes']:,} bytes{notes}"
    return (
        f"{target['id']}: {len(target['subjects']):,} subject keys "
        f"({target['absent']:,} subjects have none there)"
    )


def _describe_exemption(exemption: Mapping[str, Any]) -> str:
    if exemption["kind"] == "legal-hold":
        held = f"{exemption['rows']:,}"
        return f"{exemption['target']}: legal hold {exemption['hold']!r} keeps {held} rows"
    return f"{exemption['target']}: {exemption['rule']} ({exemption['evidence']})"


@destroy_group.command("approve")
@_PLAN
@_ROSTER
@acting_options
@user_errors
def destroy_approve_command(
    plan: Path,
    roster: Path | None,
    acting: Acting,
) -> None:
    """Sign PLAN's hash as an approver (never its operator).

    Read the plan first (`dataguard destroy status PLAN`, or the JSON): what
    you sign is exactly what will run; a plan changed afterwards will not.
    """
    from dataguard.destroy.approval import approve

    with audited("destroy.approve", role="approver") as trail:
        _team, approver = _acting(trail, acting)
        document = approve(plan, approver, roster=_roster(roster))
        trail.details.update(plan_hash=document.body["plan_hash"])
    click.echo(f"approved {plan} (hash {document.body['plan_hash']}) as {approver.name}")
    click.echo(f"next: the operator runs `dataguard destroy run {plan}`")


@destroy_group.command("run")
@_PLAN
@_CONFIG
@_ROSTER
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH,
    show_default=True,
    help="Rows deleted per transaction.",
)
@acting_options
@user_errors
def destroy_run_command(
    plan: Path,
    config_path: Path | None,
    roster: Path | None,
    batch: int,
    acting: Acting,
) -> None:
    """Run the approved PLAN; run it again after a crash to resume.

    Deletes rows in batched transactions with a journal (PLAN.journal),
    clears files (overwrite, then unlink) and destroys subject keys. Nothing
    outside the plan is touched; rows a hold protects stay.
    """
    from dataguard.destroy.run import run_plan

    with audited("destroy.run", role="operator") as trail:
        team, operator = _acting(trail, acting)
        planned, config = _plan_and_config(plan, config_path)
        progress = _RowsProgress(_plan_totals(plan), "destroying")

        def on_target(entry: Mapping[str, Any]) -> None:
            from dataguard.cli.trail import record

            record(
                team,
                "destroy.target",
                role="operator",
                outcome="ok",
                actor=operator.name,
                details={
                    "target": entry["id"],
                    "kind": entry["kind"],
                    "plan_hash": trail.details.get("plan_hash"),
                },
            )

        trail.details["plan_hash"] = planned.hash
        try:
            document = run_plan(
                plan,
                team,
                operator,
                config=config,
                keyrings=_other_keyrings(config, team),
                roster=_roster(roster),
                batch=batch,
                progress=progress,
                on_target=on_target,
            )
        finally:
            progress.close()
        _summarise_run(document.body["targets"], trail.details)
    for target in document.body["targets"]:
        click.echo(f"  {_describe_run(target)}")
    click.echo(
        f"ran {plan} ({document.body['attempts']} attempt(s)); next: "
        f"`dataguard destroy verify {plan}`"
    )


def _summarise_run(targets: list[Mapping[str, Any]], details: dict[str, Any]) -> None:
    details["rows_deleted"] = sum(t.get("deleted", 0) for t in targets if t["kind"] == "rows")
    details["files_cleared"] = sum(t.get("cleared", 0) for t in targets if t["kind"] == "files")
    details["keys_destroyed"] = sum(
        t.get("destroyed", 0) + t.get("already", 0) for t in targets if t["kind"] == "keys"
    )


def _describe_run(target: Mapping[str, Any]) -> str:
    if target["kind"] == "rows":
        if target["exempt"]:
            return f"{target['id']}: exempt"
        return f"{target['id']}: {target['deleted']:,} of {target['planned']:,} rows deleted"
    if target["kind"] == "files":
        return (
            f"{target['id']}: {target['cleared']} cleared, {target['absent']} already gone, "
            f"{target['changed']} changed since the plan (left alone)"
        )
    return f"{target['id']}: {target['destroyed'] + target['already']} subject keys destroyed"


@destroy_group.command("verify")
@_PLAN
@_CONFIG
@_ROSTER
@acting_options
@user_errors
def destroy_verify_command(
    plan: Path,
    config_path: Path | None,
    roster: Path | None,
    acting: Acting,
) -> None:
    """Check that the run destroyed everything planned; sign the verification.

    Rows: a full key scan finds none of the plan's rows. Files: none exists.
    Keys: every subject's canary fails to decrypt. Exit 0 passed, 1 failed.
    """
    from dataguard.destroy.verify import verify_plan

    with audited("destroy.verify", role="auditor") as trail:
        team, verifier = _acting(trail, acting)
        _planned, config = _plan_and_config(plan, config_path)
        document = verify_plan(
            plan,
            team,
            verifier,
            config=config,
            keyrings=_other_keyrings(config, team),
            roster=_roster(roster),
        )
        passed = document.body["passed"]
        trail.details.update(plan_hash=document.body["plan_hash"], passed=passed)
        trail.outcome = "ok" if passed else "failed"
    for target in document.body["targets"]:
        state = "passed" if target["passed"] else "FAILED"
        click.echo(f"  {target['id']}: {state}: {target['method']}")
    if passed:
        click.echo(f"verified; next: `dataguard destroy certificate {plan}`")
    else:
        click.echo("verification FAILED: see the targets above", err=True)
    sys.exit(EXIT_OK if passed else EXIT_FINDINGS)


def _anchor(log: Path, suite: str) -> AuditAnchor | None:
    from dataguard.audit import chain_head
    from dataguard.destroy.certificate import AuditAnchor

    head = chain_head(log)
    if head is None:
        return None
    seq, digest = head
    return AuditAnchor(str(log), seq, digest, suite)


@destroy_group.command("certificate")
@_PLAN
@_ROSTER
@_LOG
@acting_options
@user_errors
def destroy_certificate_command(
    plan: Path,
    roster: Path | None,
    log: Path | None,
    acting: Acting,
) -> None:
    """Issue the signed certificate (PLAN.certificate.json and .html).

    Only for a run whose verification passed. It embeds the plan, approval,
    run record and verification, and the audit log's chain head.
    """
    from dataguard.destroy.certificate import issue_certificate

    with audited("destroy.certificate", role="auditor", log=log) as trail:
        team, issuer = _acting(trail, acting)
        anchor = _anchor(log or default_audit_log_path(), team.suite.name)
        document = issue_certificate(plan, issuer, audit=anchor, roster=_roster(roster))
        trail.details.update(
            certificate_id=document.body["certificate_id"], plan_hash=document.body["plan_hash"]
        )
    companions = Companions(Path(plan).resolve())
    click.echo(f"certificate {companions.certificate} ({companions.certificate_html.name})")
    click.echo(f"  id {document.body['certificate_id']}, hash {document.hash}")
    click.echo(f"check it: `dataguard destroy check {companions.certificate}`")


@destroy_group.command("check")
@click.argument("certificate", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Also check that this plan file is the certified one.",
)
@_ROSTER
@click.option(
    "--log",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Also check this audit log's hash chain and the recorded head.",
)
@user_errors
def destroy_check_command(
    certificate: Path, plan_path: Path | None, roster: Path | None, log: Path | None
) -> None:
    """Check CERTIFICATE offline: signatures, the plan, the audit chain.

    Needs no keystore: anyone holding the certificate can run it. Exit 0
    valid, 1 problems found (each listed).
    """
    from dataguard.destroy.certificate import check_certificate

    result = check_certificate(certificate, plan=plan_path, roster=_roster(roster), audit_log=log)
    for check in result.checks:
        click.echo(f"  ok: {check}")
    for problem in result.problems:
        click.echo(f"  PROBLEM: {problem}", err=True)
    verdict = "valid" if result.ok else f"INVALID ({len(result.problems)} problems)"
    click.echo(f"{certificate}: {verdict}, certificate {result.certificate_id}")
    sys.exit(EXIT_OK if result.ok else EXIT_FINDINGS)


@destroy_group.command("status")
@_PLAN
@user_errors
def destroy_status_command(plan: Path) -> None:
    """Where PLAN stands: approved, run (journal progress), verified, certified."""
    from dataguard.destroy.approval import read_plan
    from dataguard.destroy.journal import Journal

    document = read_plan(plan)
    companions = Companions(Path(plan).resolve())
    click.echo(f"plan {plan}: {document.body['name']!r}, hash {document.hash}")
    click.echo(f"  made by {document.signer.name} on {document.body['created']}")
    _echo_targets(document.body["targets"])
    steps: list[tuple[str, Callable[[], bool]]] = [
        ("approved", companions.approval.exists),
        ("run finished", companions.run.exists),
        ("verified", companions.verification.exists),
        ("certified", companions.certificate.exists),
    ]
    for label, done in steps:
        click.echo(f"  {label}: {'yes' if done() else 'no'}")
    if companions.journal.exists() and not companions.run.exists():
        pending = Journal(companions.journal).pending()
        done_targets = len(pending.done_targets)
        click.echo(
            f"  journal: {done_targets} of {len(document.body['targets'])} targets done; "
            "`destroy run` resumes"
        )
