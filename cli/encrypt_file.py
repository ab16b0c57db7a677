"""``dataguard encrypt file`` / ``dataguard decrypt file``: chosen columns of an export.

The command objects are :data:`encrypt_file_command` and :data:`decrypt_file_command`
(click commands named ``file``), meant to sit under ``dataguard encrypt`` and
``dataguard decrypt``.

CSV, TSV and Parquet go through the batch redaction pipeline
(:func:`dataguard.redact.redact_file`: streamed, encodings, BOM and line endings kept,
output renamed into place only when complete) with a policy that pins every column of
the file by an exact ``[fields]`` rule: the chosen columns to the verbatim ``encrypt``
or ``decrypt`` operator (:mod:`dataguard.mask.table`, action ``apply``: every non-empty
value exactly as read, never classified, scanned or normalised), the others to ``keep``.
JSON lines are edited in place, top-level key by top-level key, so every byte outside
the chosen values stays as it was (the redaction pipeline's JSONL path scans and
normalises, which a cipher must not do).
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import polars as pl
from dataguard.cli.errors import EXIT_FINDINGS, exit_on_sigterm, user_errors
from dataguard.cli.keys import KeyringOnDemand, keystore_options
from dataguard.cli.options import OutputFile
from dataguard.cli.redact import exit_at_once_when_interrupted
from dataguard.cli.trail import Trail, audited

from dataguard.detect import Detector
from dataguard.errors import InvalidToken, UsageError
from dataguard.mask import Masker, OperatorEnv
from dataguard.mask.decrypt import CIPHERTEXT_PREFIX, Decrypt
from dataguard.mask.operator import Operator
from dataguard.mask.policy import Policy, Rule
from dataguard.redact import check_paths, redact_file, refuse_data_in_header, temporary_path
from dataguard.sources.tables import open_table, read_error, table_format

__all__ = ["JSON_LITERAL", "decrypt_file_command", "encrypt_file_command"]

#: The context a JSON value other than a plain string is encrypted under: its exact JSON
#: text is the plaintext (``42``, ``true``, ``{"a": 1}``, a string written with escapes),
#: so decrypting restores the very bytes. ``dataguard decrypt --context json=literal``.
JSON_LITERAL: Mapping[str, str] = {"json": "literal"}
_FORMATS = ("csv", "tsv", "parquet", "jsonl")
_KEEP = Rule("keep")

ENCRYPT_FILE_HELP = """Encrypt chosen columns of a CSV, TSV, Parquet or JSONL file.

Every non-empty value of each --column (whatever it looks like: nothing is
detected or classified) becomes a dg1: token under the key scope PREFIX.COLUMN,
where PREFIX is --scope-prefix or the file's name without its extension; the
scope's key is created on first use. Other columns are copied untouched. In
JSONL, a column is a top-level key; a value that is not a plain string (a
number, true, an object) is encrypted as its exact JSON text.

The output appears only when complete; the input is never overwritten.
`dataguard decrypt file` reverses it, and `dataguard decrypt TOKEN` reads one
value.

\b
Examples:
  dataguard encrypt file orders.csv -o orders.enc.csv --column receiver_phone
  dataguard encrypt file members.parquet -o m.parquet --column mobile --column id_card \\
      --scope-prefix members --deterministic          # equal values, equal tokens
  dataguard encrypt file 订单.csv -o enc.csv --column 手机号 --scope 手机号=orders.mobile
  dataguard encrypt file events.jsonl -o events.enc.jsonl --column phone

Exit status: 0 done, 2 usage or input error.
"""

DECRYPT_FILE_HELP = """Decrypt chosen columns of a file that `dataguard encrypt file` wrote.

Every non-empty value of each --column must be a dg1: token that this keystore
decrypts; the key is found by the id the token carries. If any value is not a
token or does not decrypt (another keystore, a destroyed key, a changed byte),
nothing is written: the count per column is reported (never the values) and
the exit status is 1.

\b
Examples:
  dataguard decrypt file orders.enc.csv -o orders.csv --column receiver_phone
  dataguard decrypt file events.enc.jsonl -o events.jsonl --column phone

Exit status: 0 done, 1 values did not decrypt (nothing written), 2 usage or input
error.
"""


def _file_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """SOURCE, -o, --column, formats, --encoding, --force and the keystore options."""
    decorators: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
        click.argument("source", type=click.Path(dir_okay=False, path_type=Path)),
        click.option(
            "-o",
            "--output",
            required=True,
            metavar="DST",
            type=OutputFile(),
            help="The file to write (renamed into place when complete).",
        ),
        click.option(
            "--column",
            "columns",
            required=True,
            multiple=True,
            metavar="NAME",
            help="A column (JSONL: a top-level key) to process; repeat it.",
        ),
        click.option(
            "--from",
            "source_format",
            type=click.Choice(_FORMATS),
            help="Input format (default: from the extension).",
        ),
        click.option(
            "--to",
            "target_format",
            type=click.Choice(_FORMATS),
            help="Output format (default: from the extension).",
        ),
        click.option(
            "--encoding",
            default="auto",
            show_default=True,
            help="CSV/TSV text encoding: auto (UTF-8, else GB18030), gbk ...",
        ),
        click.option("--force", is_flag=True, help="Replace an existing output file."),
        keystore_options,
    ]
    for decorate in reversed(decorators):
        func = decorate(func)
    return func


@click.command("file", help=ENCRYPT_FILE_HELP)
@_file_options
@click.option(
    "--scope-prefix",
    metavar="PREFIX",
    help="Scopes are PREFIX.COLUMN (default: the file name without extension).",
)
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    metavar="COLUMN=SCOPE",
    help="The key scope of one column, for names that cannot be part of a scope.",
)
@click.option(
    "--deterministic",
    is_flag=True,
    help="Equal values give equal tokens (joins still work); leaks equality.",
)
@user_errors
def encrypt_file_command(
    source: Path,
    output: Path,
    columns: tuple[str, ...],
    source_format: str | None,
    target_format: str | None,
    encoding: str,
    force: bool,
    keystore: Path | None,
    passphrase_fd: int | None,
    scope_prefix: str | None,
    scopes: tuple[str, ...],
    deterministic: bool,
) -> None:
    job = _Job.prepare(source, output, columns, source_format, target_format, force)
    extras = KeyringOnDemand(keystore, passphrase_fd)
    with audited("encrypt.file", role="operator") as trail:
        keyring = trail.attach(extras["keyring"])
        job.describe(trail)
        trail.details["deterministic"] = deterministic
        chosen = _scopes(job.columns, scopes, scope_prefix or source.stem)
        for column, scope in chosen.items():
            try:
                keyring.cipher(scope, deterministic=deterministic)  # fail early; makes the key
            except UsageError as exc:
                raise UsageError(
                    f"column {column!r}: {exc}; pass --scope-prefix, or --scope '{column}=SCOPE'"
                ) from None
        rules = {
            c: Rule("encrypt", {"scope": s, "deterministic": deterministic})
            for c, s in chosen.items()
        }
        if job.fmt == "jsonl":
            ciphers = {c: keyring.cipher(s, deterministic=deterministic) for c, s in chosen.items()}
            stats = job.run_jsonl(
                lambda column, raw, value: _encrypt_json(ciphers[column], raw, value)
            )
        else:
            stats = job.run_table(rules, encoding, extras)
        job.count(trail)
    for column in job.columns:
        counts = stats[column]
        click.echo(
            f"encrypted {column}: {counts['changed']:,} of {counts['values']:,} value(s) "
            f"under scope {chosen[column]}",
            err=True,
        )


@click.command("file", help=DECRYPT_FILE_HELP)
@_file_options
@user_errors
def decrypt_file_command(
    source: Path,
    output: Path,
    columns: tuple[str, ...],
    source_format: str | None,
    target_format: str | None,
    encoding: str,
    force: bool,
    keystore: Path | None,
    passphrase_fd: int | None,
) -> None:
    job = _Job.prepare(source, output, columns, source_format, target_format, force)
    extras = KeyringOnDemand(keystore, passphrase_fd)
    with audited("decrypt.file", role="operator") as trail:
        keyring = trail.attach(extras["keyring"])
        job.describe(trail)
        if job.fmt == "jsonl":
            stats = job.run_jsonl(lambda _column, raw, value: _decrypt_json(keyring, raw, value))
        else:
            stats = job.run_table({c: Rule("decrypt") for c in job.columns}, encoding, extras)
        job.count(trail)
        if trail.details["failed"]:
            # Values that do not decrypt failed authentication; nothing was written.
            trail.outcome = "failed"
    failed = {c: stats[c]["failed"] for c in job.columns if stats[c]["failed"]}
    for column in job.columns:
        counts = stats[column]
        if column in failed:
            click.echo(
                f"error: {column}: {failed[column]:,} distinct value(s) are not dg1: tokens "
                "or do not decrypt with this keystore",
                err=True,
            )
        else:
            click.echo(f"decrypted {column}: {counts['changed']:,} value(s)", err=True)
    if failed:
        click.echo(f"error: nothing written to {output}", err=True)
        raise SystemExit(EXIT_FINDINGS)


# -- one run ---------------------------------------------------------------------------------


@dataclass
class _Job:
    """One file, its chosen columns and where the output goes (checked up front)."""

    source: Path
    output: Path
    fmt: str
    out_fmt: str
    columns: tuple[str, ...]
    stats: dict[str, Counter[str]] = field(default_factory=dict)

    @classmethod
    def prepare(
        cls,
        source: Path,
        output: Path,
        columns: tuple[str, ...],
        source_format: str | None,
        target_format: str | None,
        force: bool,
    ) -> _Job:
        fmt = table_format(source, source_format)
        out_fmt = table_format(output, target_format)
        if "xlsx" in (fmt, out_fmt):
            raise UsageError("workbooks are not supported here: save the sheet as CSV")
        if (fmt == "jsonl") != (out_fmt == "jsonl"):
            raise UsageError("JSONL is written to JSONL only (--to jsonl)")
        check_paths(source, output, force)
        unique = tuple(dict.fromkeys(columns))
        return cls(source, output, fmt, out_fmt, unique, {c: Counter() for c in unique})

    @contextlib.contextmanager
    def _commit(self) -> Iterator[Path]:
        """A temporary file beside the output, renamed into place unless a failure is counted.

        Ctrl-C or SIGTERM remove it and exit (the redaction command's own handling).
        """
        exit_on_sigterm()
        with exit_at_once_when_interrupted():
            temporary = temporary_path(self.output)
            try:
                yield temporary
                if not any(c["failed"] for c in self.stats.values()):
                    os.replace(temporary, self.output)
            finally:
                temporary.unlink(missing_ok=True)

    def describe(self, trail: Trail) -> None:
        """What the audit entry says of the job: file names, format and column names."""
        trail.details.update(
            source=self.source.name,
            output=self.output.name,
            format=self.fmt,
            columns=",".join(self.columns),
        )

    def count(self, trail: Trail) -> None:
        """The job's counts, summed over its columns, in the audit entry (never values)."""
        for name in ("values", "changed", "failed"):
            trail.details[name] = sum(c[name] for c in self.stats.values())

    # -- tables: through the redaction pipeline ----------------------------------------------

    def run_table(
        self, rules: Mapping[str, Rule], encoding: str, extras: Mapping[str, Any]
    ) -> dict[str, Counter[str]]:
        header = _header(self.source, self.fmt, encoding)
        missing = [c for c in self.columns if c not in header]
        if missing:
            # A first line of data is no header, and its values no column names to echo.
            refuse_data_in_header(
                self.source.name,
                header,
                Masker(detector=Detector()),
                hint="the file needs a header line naming its columns",
            )
            raise UsageError(
                f"{self.source.name} has no column {', '.join(map(repr, missing))} "
                f"(its columns: {', '.join(header)})"
            )
        masker = Masker(
            _pinning_policy(header, rules), detector=Detector(), env=OperatorEnv(extras=extras)
        )
        operators = _check_pins(masker, header, rules)
        with self._commit() as temporary:
            report = redact_file(
                self.source,
                temporary,
                masker,
                source_format=self.fmt,
                target_format=self.out_fmt,
                encoding=encoding,
                force=True,
            )
            for entry in report["columns"]:
                if entry["column"] in self.stats:
                    counts = self.stats[entry["column"]]
                    counts["values"] = entry.get("values", 0)
                    counts["changed"] = entry.get("changed", 0)
            for column, operator in operators.items():
                if isinstance(operator, Decrypt):
                    self.stats[column]["failed"] = operator.failures[column]
        return self.stats

    # -- JSON lines: edited in place ---------------------------------------------------------

    def run_jsonl(self, transform: _Transform) -> dict[str, Counter[str]]:
        wanted = set(self.columns)
        seen: set[str] = set()
        failed: dict[str, set[str]] = {c: set() for c in self.columns}
        with self._commit() as temporary:
            with self.source.open("rb") as src, temporary.open("wb") as dst:
                for number, raw in enumerate(src, start=1):
                    body, ending = _split_line(raw)
                    bom = b""
                    if number == 1 and body.startswith(codecs.BOM_UTF8):
                        bom, body = codecs.BOM_UTF8, body[len(codecs.BOM_UTF8) :]
                    try:
                        line = body.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        raise UsageError(
                            f"{self.source.name}: line {number} is not UTF-8 (byte {exc.start})"
                        ) from None
                    if not line.strip():
                        dst.write(raw)
                        continue
                    try:
                        members = _members(line)
                    except ValueError:
                        raise UsageError(
                            f"{self.source.name}: line {number} is not a JSON object"
                        ) from None
                    pieces, at = [], 0
                    for key, value, start, end in members:
                        if key not in wanted:
                            continue
                        seen.add(key)
                        counts = self.stats[key]
                        if value is not None:
                            counts["values"] += 1
                        if value is None or value == "":
                            continue
                        raw_value = line[start:end]
                        replacement = transform(key, raw_value, value)
                        if replacement is None:
                            failed[key].add(raw_value)
                            self.stats[key]["failed"] = len(failed[key])
                            continue
                        pieces += [line[at:start], replacement]
                        at = end
                        counts["changed"] += 1
                    pieces.append(line[at:])
                    dst.write(bom + "".join(pieces).encode("utf-8") + ending)
            unseen = [c for c in self.columns if c not in seen]
            if unseen:
                raise UsageError(
                    f"{self.source.name}: no line has the key {', '.join(map(repr, unseen))}"
                )
        return self.stats


#: How one JSON value is rewritten: (column, its exact JSON text, its parsed value) → the
#: replacement JSON text, or None when it cannot be (counted as failed).
_Transform = Callable[[str, str, Any], "str | None"]


def _encrypt_json(cipher: Any, raw: str, value: Any) -> str:
    """A JSON string holding *value*'s token; non-canonical values go in as JSON text."""
    if isinstance(value, str) and json.dumps(value, ensure_ascii=False) == raw:
        token = cipher.encrypt(value)
    else:
        token = cipher.encrypt(raw, JSON_LITERAL)
    return f'"{token}"'


def _decrypt_json(keyring: Any, raw: str, value: Any) -> str | None:
    """The JSON text a token held: a string, or the exact literal; None if it does not."""
    if not isinstance(value, str) or not value.startswith(CIPHERTEXT_PREFIX):
        return None
    try:
        return json.dumps(keyring.decrypt(value), ensure_ascii=False)
    except InvalidToken:
        pass
    try:
        literal: str = keyring.decrypt(value, JSON_LITERAL)
        json.loads(literal)  # a literal is always valid JSON: never write broken lines
    except (InvalidToken, ValueError):
        return None
    return literal


# -- the pinning policy ----------------------------------------------------------------------


def _scopes(columns: tuple[str, ...], pairs: tuple[str, ...], prefix: str) -> dict[str, str]:
    """Each column's key scope: its ``--scope COLUMN=SCOPE``, else ``PREFIX.COLUMN``."""
    given: dict[str, str] = {}
    for pair in pairs:
        column, sep, scope = pair.rpartition("=")
        if not sep or not column or not scope:
            raise UsageError(f"--scope takes COLUMN=SCOPE, not {pair!r}")
        if column not in columns:
            raise UsageError(f"--scope {pair!r} names a column that no --column gives")
        given[column] = scope
    return {c: given.get(c, f"{prefix}.{c}") for c in columns}


_GLOB = re.compile(r"([*?\[])")


def _pinning_policy(header: list[str], rules: Mapping[str, Rule]) -> Policy:
    """A policy with an exact ``[fields]`` rule for every column of *header*.

    Field rules match case-insensitively, on the dotted path or its last part, as globs:
    glob characters are escaped, and dotted names come first, so each column meets its
    own rule before any other (:func:`_check_pins` makes sure).
    """
    ordered = sorted(header, key=lambda name: "." not in name)
    fields = {_GLOB.sub(r"[\1]", c.lower()): rules.get(c, _KEEP) for c in ordered}
    return Policy("encrypt-file", _KEEP, {}, fields, {}, "chosen columns of a file")


def _check_pins(
    masker: Masker, header: list[str], rules: Mapping[str, Rule]
) -> dict[str, Operator]:
    """The operator of each chosen column; UsageError if a column would get another's."""
    chosen: dict[str, Operator] = {}
    for column in header:
        operator = masker.policy.field_operator(column)
        rule = rules.get(column, _KEEP)
        pinned = operator is not None and operator.name == rule.operator
        if not pinned or any(getattr(operator, k, None) != v for k, v in rule.params.items()):
            twins = [c for c in header if c != column and c.lower() == column.lower()]
            raise UsageError(
                f"column {column!r} cannot be told apart from {', '.join(map(repr, twins))} "
                "(columns are matched without case); rename one"
                if twins
                else f"column {column!r} cannot be told apart from another column; rename it"
            )
        assert operator is not None
        if column in rules:
            if operator.name == "encrypt":
                # encrypt.py's operator has no verbatim switch of its own: these instances,
                # built for this run only, take whole values (mask/table.py, action apply).
                object.__setattr__(operator, "verbatim", True)
            chosen[column] = operator
    return chosen


def _header(path: Path, fmt: str, encoding: str) -> list[str]:
    """The column names of a CSV, TSV or Parquet file, as the redaction pipeline reads
    them: after Excel's ``sep=`` line and a spreadsheet's title lines, split by the
    file's own separator (``;`` or ``|`` too). Read cheaply (no data)."""
    if fmt == "parquet":
        try:
            return list(pl.read_parquet_schema(path))
        except Exception as exc:  # polars/arrow error types vary; never echo data
            raise UsageError(
                f"{path.name}: not a readable Parquet file ({type(exc).__name__})"
            ) from None
    source = open_table(path, fmt, encoding)
    try:
        return source.frame.collect_schema().names()
    except pl.exceptions.PolarsError as exc:
        raise read_error(source, exc) from None
    finally:
        source.close()


# -- JSON lines ------------------------------------------------------------------------------

_WS = re.compile(r"[ \t\r\n]*")
_DECODER = json.JSONDecoder()


def _split_line(raw: bytes) -> tuple[bytes, bytes]:
    for ending in (b"\r\n", b"\n"):
        if raw.endswith(ending):
            return raw[: -len(ending)], ending
    return raw, b""


def _members(line: str) -> list[tuple[str, Any, int, int]]:
    """``(key, value, start, end)`` of each top-level member of a JSON object *line*.

    ``line[start:end]`` is the value's exact JSON text. ValueError if the line is not
    exactly one JSON object.
    """
    at = _skip(line, 0)
    if not line.startswith("{", at):
        raise ValueError("not an object")
    at = _skip(line, at + 1)
    members: list[tuple[str, Any, int, int]] = []
    if line.startswith("}", at):
        at += 1
    else:
        while True:
            if not line.startswith('"', at):
                raise ValueError("a key must be a string")
            key, at = _DECODER.raw_decode(line, at)
            at = _skip(line, at)
            if not line.startswith(":", at):
                raise ValueError("':' expected")
            start = _skip(line, at + 1)
            value, end = _DECODER.raw_decode(line, start)
            members.append((key, value, start, end))
            at = _skip(line, end)
            if line.startswith(",", at):
                at = _skip(line, at + 1)
                continue
            if line.startswith("}", at):
                at += 1
                break
            raise ValueError("',' or '}' expected")
    if _skip(line, at) != len(line):
        raise ValueError("text after the object")
    return members


def _skip(line: str, at: int) -> int:
    match = _WS.match(line, at)
    return match.end() if match else at
