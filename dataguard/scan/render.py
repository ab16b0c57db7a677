"""Scan reports as CSV and Markdown (JSON is :meth:`ScanReport.to_json`; HTML is :mod:`.html`).

CSV has one row per column with the fields automation filters on; Markdown is for a ticket
or a wiki page: a summary by grade, then one table row per column holding personal data.
Both carry masked previews only.
"""

from __future__ import annotations

import csv
import io

from dataguard.scan.grading import SCHEMES
from dataguard.scan.report import ColumnReport, ScanReport

__all__ = ["CSV_FIELDS", "render_csv", "render_markdown"]

CSV_FIELDS = (
    "table",
    "column",
    "type",
    "entity",
    "entities",
    "kind",
    "confidence",
    "protection",
    "grade",
    "action",
    "mandates",
    "sampled",
    "valid",
    "invalid",
    "partial",
    "placeholders",
    "comment",
)


def _ordered(report: ScanReport, include_clean: bool) -> list[ColumnReport]:
    """Personal columns, most sensitive grade first, then by table and column."""
    order = SCHEMES[report.scheme].order if report.scheme in SCHEMES else ()
    columns = report.columns if include_clean else report.personal

    def rank(c: ColumnReport) -> int:
        return -order.index(c.grade) if c.grade in order else 1

    return sorted(columns, key=lambda c: (rank(c), c.table, c.column))


def render_csv(report: ScanReport, *, include_clean: bool = False) -> str:
    """One CSV row per column (personal ones only unless *include_clean*)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for c in _ordered(report, include_clean):
        e = c.evidence
        writer.writerow(
            [
                c.table,
                c.column,
                c.type,
                c.entity or "",
                " ".join(c.entities),
                c.kind,
                f"{c.confidence:.2f}",
                c.protection or "",
                c.grade or "",
                c.action,
                "; ".join(c.mandates),
                e.sampled,
                e.valid,
                e.invalid,
                e.partial,
                e.placeholders,
                c.comment or "",
            ]
        )
    return out.getvalue()


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    escaped = str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return escaped.replace("<", "&lt;").replace(">", "&gt;")  # <line> is not an HTML tag


def render_markdown(report: ScanReport, *, include_clean: bool = False) -> str:
    """A Markdown report: header, summary by grade, then the columns."""
    summary = report.summary()
    lines = [
        f"# dataguard scan: {_cell(report.target)}",
        "",
        f"- Scanned {_plural(summary['tables'], 'table')}, {_plural(summary['columns'], 'column')} "
        f"({report.source}, {'read-only' if report.read_only else 'read-write'}), "
        f"sample {report.sample} rows per table, seed {report.seed}, "
        f"{report.seconds:.1f} s, started {report.started}.",
        f"- **{summary['personal_columns']}** columns hold personal data; "
        f"**{summary['plaintext_columns']}** of them in plaintext.",
        f"- Grading scheme: {report.scheme}.",
        *(f"- Note: {_cell(note)}" for note in report.notes),
        "",
    ]
    if report.baseline is not None:
        lines += ["## Changes since the baseline", ""]
        for change in ("new", "changed", "gone"):
            keys = report.baseline.get(change, [])
            lines.append(f"- {change}: {', '.join(map(_cell, keys)) if keys else 'none'}")
        lines.append("")
    lines += ["## By grade", "", "| grade | columns |", "|---|---|"]
    lines += [f"| {g} | {n} |" for g, n in summary["by_grade"].items()]
    lines += [
        "",
        "## Columns",
        "",
        "| grade | table | column | entity | confidence | protection | action | evidence "
        "| previews |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for c in _ordered(report, include_clean):
        lines.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    c.grade or "-",
                    c.table,
                    c.column + (f" ({c.comment})" if c.comment else ""),
                    " ".join(c.entities) or "-",
                    f"{c.confidence:.2f}",
                    c.protection or "-",
                    c.action,
                    "; ".join(c.evidence.reasons),
                    ", ".join(f"`{p}`" for p in c.previews),
                )
            )
            + " |"
        )
    if any(c.mandates for c in report.personal):
        lines += ["", "## Mandates broken", ""]
        for c in _ordered(report, False):
            for m in c.mandates:
                lines.append(f"- `{_cell(c.key)}`: {_cell(m)}")
    return "\n".join(lines) + "\n"
