"""``dataguard detect`` and ``dataguard recognizers``."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from typing import Any

import click
from dataguard.cli.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, user_errors
from dataguard.cli.io import (
    batches,
    open_inputs,
    silence_closed_stdout,
    total_size,
)
from dataguard.cli.options import (
    entities_option,
    interactive_and_jobs,
    jobs_option,
    line_buffered_option,
    log_encoding_option,
    min_score_option,
    parse_entities,
)

from dataguard import json_text
from dataguard.detect import Detector, Finding
from dataguard.detect.parallel import detect_batches
from dataguard.detect.registry import load_recognizers

__all__ = ["detect_command", "recognizers_command"]

#: Lines per batch when input streams in: large enough that polars' fixed cost per batch
#: (one planned scan per pattern) is spread thin, small enough to keep memory flat.
_BATCH_LINES = 32_768

DETECT_HELP = """Find personal data in text, one record per line; print one JSON object per record.

Reads FILES in order (stdin when none, or `-`). Each output line is
{"spans": [{"start": 0, "end": 11, "entity": "CN_MOBILE", "score": 0.9}]}
in the same order as the input; offsets are code points into the record text
(the line without its newline). No value is ever printed.

\b
Examples:
  dataguard detect app.log
  echo '手机号13812345678' | dataguard detect
  dataguard detect --jsonl --field message events.jsonl
  dataguard detect --entities CN_MOBILE,CN_ID_CARD --min-score 0.8 app.log
  tail -f app.log | dataguard detect --line-buffered
  dataguard detect --summary app.log > spans.jsonl   # counts per entity on stderr

Invalid UTF-8 is read, not rejected: each undecodable byte counts as one code point.
GBK or GB18030 text needs --encoding (read as UTF-8 its Chinese is undecodable and
names and addresses are not found); offsets are then code points of the decoded text.
With --jsonl, a line that is not valid JSON, or whose field holds an object or an
array, yields {"spans": [], "error": "..."} and the command exits 2 at the end; a
missing or null field yields no spans, a number is scanned as its text.

Exit status: 0 no findings, 1 findings, 2 usage or input error (--exit-zero: 0 on findings).
"""


def _field_value(record: Any, path: Sequence[str]) -> Any:
    node = record
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _spans(findings: list[Finding]) -> dict[str, Any]:
    return {"spans": [f.to_dict() for f in findings]}


def _progress_bar(stack: ExitStack, files: Sequence[str]) -> Any:
    """A progress bar on stderr for regular files when stderr is a terminal, else None."""
    total = total_size(files)
    if total is None or not sys.stderr.isatty():
        return None
    return stack.enter_context(
        click.progressbar(length=total, label="scanning", file=sys.stderr, show_pos=False)
    )


def _print_summary(records: int, counts: Counter[str]) -> None:
    found = sum(counts.values())
    click.echo(f"{records} record(s), {found} finding(s)", err=True)
    for entity, n in counts.most_common():
        click.echo(f"  {entity:<18} {n}", err=True)


def _scan_json_batch(
    detector: Detector, batch: list[str], path: Sequence[str]
) -> list[dict[str, Any]]:
    """One output object per JSON line: spans in the value at ``path``, or an error."""
    out: list[dict[str, Any]] = []
    texts: list[str] = []
    slots: list[int] = []
    for text in batch:
        try:
            record = json_text.loads(text)
        except ValueError:
            out.append({"spans": [], "error": "not valid JSON"})
            continue
        value = _field_value(record, path)
        if isinstance(value, dict | list):
            # No record text to point offsets into: say so rather than report no spans.
            kind = "an object" if isinstance(value, dict) else "an array"
            out.append({"spans": [], "error": f"the field is {kind}, not text"})
            continue
        out.append({"spans": []})
        if value is not None and not isinstance(value, bool):
            slots.append(len(out) - 1)
            texts.append(str(value))
    found = detector.detect_lines(texts, fields=[path[-1]] * len(texts))
    for slot, findings in zip(slots, found, strict=True):
        out[slot] = _spans(findings)
    return out


@click.command("detect", help=DETECT_HELP)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--jsonl", is_flag=True, help="Records are JSON lines; scan the value of --field.")
@click.option(
    "--field",
    default="text",
    show_default=True,
    help="With --jsonl: the field to scan; a dotted path reaches nested objects (a.b).",
)
@entities_option
@min_score_option
@line_buffered_option
@jobs_option
@log_encoding_option("Offsets are code points of the decoded record.")
@click.option(
    "--summary",
    is_flag=True,
    help="After the run, print counts per entity to stderr (never values).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@user_errors
def detect_command(
    files: tuple[str, ...],
    jsonl: bool,
    field: str,
    entities: str | None,
    min_score: float,
    line_buffered: bool | None,
    jobs: int,
    encoding: str,
    summary: bool,
    exit_zero: bool,
) -> None:
    detector = Detector(parse_entities(entities), min_score=min_score)
    interactive, jobs = interactive_and_jobs(files, line_buffered, jobs)
    path = field.split(".")
    seen = 0
    bad_records = 0
    first_bad = 0
    out = sys.stdout
    counts: Counter[str] = Counter()
    try:
        with ExitStack() as stack:
            streams = open_inputs(stack, files)
            progress = _progress_bar(stack, files)
            records = batches(
                streams,
                1 if interactive else _BATCH_LINES,
                None if progress is None else progress.update,
                encoding=encoding,
            )
            results: Iterator[list[dict[str, Any]]]
            if jsonl:
                results = (_scan_json_batch(detector, batch, path) for batch in records)
            else:
                results = (
                    [_spans(f) for f in found]
                    for found in detect_batches(records, detector, jobs=jobs)
                )
            for lines in results:
                for obj in lines:
                    seen += 1
                    if "error" in obj:
                        bad_records += 1
                        first_bad = first_bad or seen
                    counts.update(span["entity"] for span in obj["spans"])
                    out.write(json.dumps(obj) + "\n")
                if interactive:
                    out.flush()
            out.flush()
    except BrokenPipeError:
        silence_closed_stdout()
        raise SystemExit(EXIT_OK) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    if summary:
        _print_summary(seen, counts)
    if bad_records:
        click.echo(
            f"error: {bad_records} record(s) could not be scanned: not valid JSON, or the "
            f"field holds an object or array (first at line {first_bad}); their output lines "
            'carry an "error" key; point --field at the text inside',
            err=True,
        )
        raise SystemExit(EXIT_USAGE)
    raise SystemExit(EXIT_FINDINGS if counts and not exit_zero else EXIT_OK)


RECOGNIZERS_HELP = """List the entities dataguard detects, how each is validated, and its standard.

\b
Examples:
  dataguard recognizers
  dataguard recognizers --format json | jq '.[].entity'
"""


@click.command("recognizers", help=RECOGNIZERS_HELP)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@user_errors
def recognizers_command(fmt: str) -> None:
    rows = [
        {
            "entity": r.entity,
            "recognizer": r.name,
            "description": r.description,
            "validation": r.validation,
            "standard": r.standard,
        }
        for r in sorted(load_recognizers(), key=lambda r: (r.entity, r.name))
        if not r.suppress_only
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(click.style(row["entity"], bold=True) + f"  {row['description']}")
        click.echo(f"    validation: {row['validation']}")
        click.echo(f"    standard:   {row['standard']}")
