"""``dataguard mask``, ``dataguard filter`` and ``dataguard profiles``."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click
from dataguard.cli.errors import EXIT_OK, exit_on_sigterm, user_errors
from dataguard.cli.io import open_inputs, silence_closed_stdout, total_size
from dataguard.cli.keys import KeyringOnDemand, keystore_options
from dataguard.cli.options import (
    OutputFile,
    entities_option,
    interactive_and_jobs,
    jobs_option,
    line_buffered_option,
    log_encoding_option,
    min_score_option,
    parse_entities,
    profile_option,
)

from dataguard.errors import UsageError
from dataguard.mask import PROFILES, MaskContext, OperatorEnv, load_policy
from dataguard.mask.kv import FORMATS
from dataguard.mask.master_key import ENV_VAR, key_from_env, key_from_fd
from dataguard.mask.operator import operator_classes
from dataguard.mask.profiles import EXAMPLES
from dataguard.mask.stream import GBK_LINES, MaskerSpec, filter_stream

__all__ = ["filter_command", "mask_command", "profiles_command"]


class _KeyOnDemand:
    """Reads the master key the first time a keyed operator asks, then remembers it."""

    def __init__(self, fd: int | None) -> None:
        self.fd = fd
        self.key: bytes | None = None

    def __call__(self) -> bytes:
        if self.key is None:
            self.key = key_from_fd(self.fd) if self.fd is not None else key_from_env()
        return self.key


def _spec(
    profile: str,
    fmt: str,
    entities: str | None,
    min_score: float,
    key_fd: int | None,
    keys: KeyringOnDemand | None = None,
) -> MaskerSpec:
    """Load and check the policy now (bad rules and missing keys fail before any input)."""
    policy = load_policy(profile)
    key = _KeyOnDemand(key_fd)
    extras = keys if keys is not None else KeyringOnDemand(None, None)
    policy.compile(OperatorEnv(master_key=key, extras=extras))
    used = extras if extras.used else None  # the encrypt operator asked for the keyring
    return MaskerSpec(policy, fmt, parse_entities(entities), min_score, key.key, used)


_key_fd_option = click.option(
    "--key-fd",
    type=int,
    metavar="FD",
    help="Read the master key for keyed profiles from this file descriptor "
    "(default: the DATAGUARD_MASK_KEY environment variable).",
)

MASK_HELP = """Mask personal data in the TEXT arguments; print one masked line per TEXT.

A TEXT of `-` reads values from stdin, one per line: a column of values masked as
an entity (`cut -d, -f3 members.csv | dataguard mask --as CN_MOBILE -`).

\b
Examples:
  dataguard mask 13812341050                    # ******1050
  dataguard mask '邮箱 tt@163.com 电话 0571-88881123'
  dataguard mask --as CN_MOBILE 13812341050     # mask as given, no detection
  dataguard mask --profile hutool 13812341050   # 138****1050
  DATAGUARD_MASK_KEY=... dataguard mask -p pseudonymize 13812341050

For files and pipes use `dataguard filter`.
"""


@click.command("mask", help=MASK_HELP)
@click.argument("texts", nargs=-1, required=True, metavar="TEXT...")
@profile_option
@click.option("--as", "as_entity", metavar="ENTITY", help="Mask each TEXT whole as this entity.")
@entities_option
@min_score_option
@_key_fd_option
@keystore_options
@user_errors
def mask_command(
    texts: tuple[str, ...],
    profile: str,
    as_entity: str | None,
    entities: str | None,
    min_score: float,
    key_fd: int | None,
    keystore: Path | None,
    passphrase_fd: int | None,
) -> None:
    keys = KeyringOnDemand(keystore, passphrase_fd, command="mask")
    spec = _spec(profile, "plain", entities, min_score, key_fd, keys)
    masker = spec.build()
    entity = as_entity.strip().upper() if as_entity else None
    if entity is not None and entity not in masker.detector.entities:
        raise UsageError(f"unknown entity {entity}; known: {', '.join(masker.detector.entities)}")
    for text in _values(texts):
        if entity is not None:
            click.echo(masker.mask_value(text, entity))
        else:
            click.echo(masker.mask(text))


def _values(texts: tuple[str, ...]) -> Iterator[str]:
    """The TEXT arguments, each ``-`` replaced by the lines of stdin."""
    for text in texts:
        if text == "-":
            for line in sys.stdin:
                yield line.rstrip("\r\n")
        else:
            yield text


FILTER_HELP = """Mask personal data in log lines: read FILES (or stdin), write stdout.

Every line comes out, in order, with only its findings replaced; invalid UTF-8 and
binary bytes pass through unchanged (GBK logs: --encoding gbk, or auto). Values
under sensitive keys (password=, "token":, phone=, idcard= ...) are masked even
when they match no pattern.

\b
Formats (--format):
  auto    JSON lines as JSON, anything else as key=value text (default)
  plain   text only, no keys
  json    JSON lines: every value, with its key as context; key order and
          formatting kept byte for byte
  kv, logfmt, nginx, apache
          key=value pairs, query strings (?phone=...&token=...)

\b
Examples:
  dataguard filter app.log > app.masked.log
  tail -F /var/log/app.log | dataguard filter --line-buffered
  kubectl logs -f pod | dataguard filter --format json
  dataguard filter --profile strict --stats stats.json big.log > out.log
  dataguard filter -p policy.toml -j 0 huge.log > out.log    # all CPUs
  dataguard filter --encoding gbk windows-service.log > out.log

Output is flushed after every block read, so lines that trickle in come out at
once; --line-buffered (default on a terminal) answers each line before reading
the next. Exit status: 0 done, 2 usage or input error.
"""


@click.command("filter", help=FILTER_HELP)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
@profile_option
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="How lines are read for keys.",
)
@entities_option
@min_score_option
@line_buffered_option
@jobs_option
@log_encoding_option("Lines are written back in their own encoding.")
@click.option(
    "--stats",
    "stats_path",
    type=OutputFile(str),
    help="Write counts per entity and per operator to this JSON file (never values).",
)
@_key_fd_option
@keystore_options
@user_errors
def filter_command(
    files: tuple[str, ...],
    profile: str,
    fmt: str,
    entities: str | None,
    min_score: float,
    line_buffered: bool | None,
    jobs: int,
    encoding: str,
    stats_path: str | None,
    key_fd: int | None,
    keystore: Path | None,
    passphrase_fd: int | None,
) -> None:
    spec = _spec(
        profile,
        fmt,
        entities,
        min_score,
        key_fd,
        KeyringOnDemand(keystore, passphrase_fd, "filter"),
    )
    interactive, jobs = interactive_and_jobs(files, line_buffered, jobs)
    stats: Counter[str] = Counter()
    # SIGTERM (a pipeline shutting down) ends the run like Ctrl-C: stats still get written.
    exit_on_sigterm()
    try:
        with ExitStack() as stack:
            streams = open_inputs(stack, files)
            total = total_size(files)
            progress = None
            if total is not None and sys.stderr.isatty() and not sys.stdout.isatty():
                progress = stack.enter_context(
                    click.progressbar(length=total, label="masking", file=sys.stderr)
                )
            filter_stream(
                streams,
                sys.stdout.buffer,
                spec,
                jobs=jobs,
                line_buffered=interactive,
                on_bytes=None if progress is None else progress.update,
                stats=stats,
                encoding=encoding,
                on_first_gbk=lambda: click.echo(_FIRST_GBK_NOTE, err=True),
            )
    except BrokenPipeError:
        silence_closed_stdout()
        raise SystemExit(EXIT_OK) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    finally:
        if stats_path is not None:
            _write_stats(Path(stats_path), spec, stats)
        if stats.get(GBK_LINES):
            click.echo(
                f"note: {stats[GBK_LINES]:,} line(s) are not UTF-8 but GBK Chinese text: "
                "numbers in them were masked, names and addresses could not be read; "
                "pass --encoding auto (or gbk)",
                err=True,
            )


# Said as soon as the first such line is written, and counted at the end: a pipe from
# tail -F may never end.
_FIRST_GBK_NOTE = (
    "note: a line is not UTF-8 but GBK Chinese text: its numbers are masked, its names and "
    "addresses cannot be read; pass --encoding auto (or gbk). More are counted at the end"
)


def _write_stats(path: Path, spec: MaskerSpec, stats: Counter[str]) -> None:
    """Counts per entity and per operator; written atomically."""
    doc: dict[str, Any] = {
        "profile": spec.policy.name,
        "lines": stats.get("lines", 0),
        "lines_changed": stats.get("lines_changed", 0),
        "bytes": stats.get("bytes", 0),
        "by_key": stats.get("by_key", 0),
        # Lines read as UTF-8 that are GBK text: their names and addresses went unread.
        "lines_gbk_read_as_utf8": stats.get(GBK_LINES, 0),
        "entities": {k[7:]: v for k, v in sorted(stats.items()) if k.startswith("entity:")},
        "operators": {k[9:]: v for k, v in sorted(stats.items()) if k.startswith("operator:")},
    }
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "utf-8")
    os.replace(tmp, path)


PROFILES_HELP = """List the masking profiles, each with what it does to an example of every entity.

\b
Examples:
  dataguard profiles
  dataguard profiles --show display > my-policy.toml   # a policy to start from
  dataguard profiles --format json

Keyed profiles (pseudonymize, surrogate) show examples only when DATAGUARD_MASK_KEY
is set.
"""


@click.command("profiles", help=PROFILES_HELP)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
@click.option("--show", metavar="NAME", help="Print this profile as a TOML policy file.")
@user_errors
def profiles_command(fmt: str, show: str | None) -> None:
    if show is not None:
        if show not in PROFILES:
            raise UsageError(f"no built-in profile {show!r}; choose from {', '.join(PROFILES)}")
        click.echo(_as_toml(show))
        return
    rows = [_profile_row(name) for name in PROFILES]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['profile']}: {row['description']}")
        if row["examples"] is None:
            click.echo("  (examples need a key: set DATAGUARD_MASK_KEY)")
        else:
            for entity, (value, masked) in row["examples"].items():
                click.echo(f"  {entity:<17} {value}  →  {masked}")
        click.echo()


def _profile_row(name: str) -> dict[str, Any]:
    policy = PROFILES[name]
    classes = operator_classes()
    rules = [policy.default, *policy.entities.values()]
    if any(classes[r.operator].keyed for r in rules if r.operator in classes) and not (
        os.environ.get(ENV_VAR)
    ):
        return {"profile": name, "description": policy.description, "examples": None}
    compiled = policy.compile(OperatorEnv(master_key=key_from_env))
    examples = {}
    for entity, value in EXAMPLES.items():
        context = MaskContext(entity)
        examples[entity] = (value, compiled.operator_for(context).apply(value, context))
    return {"profile": name, "description": policy.description, "examples": examples}


def _as_toml(name: str) -> str:
    policy = PROFILES[name]
    lines = [
        f"# dataguard masking policy, starting from the built-in {name!r} profile.",
        f"# {policy.description}",
        f'base = "{name}"',
        "",
        "[default]",
        policy.default.to_toml(),
    ]
    for entity, rule in policy.entities.items():
        lines += ["", f"[entities.{entity}]", rule.to_toml()]
    lines += [
        "",
        '# [fields."order.remark"]   # findings under a field or column',
        '# operator = "tag"',
        "",
        "# [keys]                     # keys whose values are masked whatever they hold",
        '# buyer_tel = "CN_MOBILE"',
    ]
    return "\n".join(lines)
