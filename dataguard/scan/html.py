"""The HTML form of a :class:`~dataguard.scan.report.ScanReport` (``--format html``).

One file a DBA can open offline, attach to a ticket or print. It is self-contained: inline
CSS, a little inline JavaScript (sorting and filtering the column table, opening the
collapsed sections before printing) that nothing depends on, and no font, image, script or
request from anywhere else. A Content-Security-Policy ``<meta>`` forbids all of those too,
and lets only this module's own script run (by its hash), so a value that slipped past
escaping could still fetch nothing and run nothing.

Every text taken from the report goes through :func:`html.escape`: table names, column
names and comments come from the scanned database, and whoever may run DDL there writes
them. The page shows what the report holds and nothing else: names, counts, grades and
masked previews (architecture convention 6).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from dataguard.scan.grading import SCHEMES
from dataguard.scan.protection import PROTECTED
from dataguard.scan.report import FORMAT_VERSION, ColumnReport, ScanReport

__all__ = ["GRADE_RAMP", "grade_colours", "render_html"]

#: Badge colours from least to most sensitive: blue, green, amber, orange, dark red. Each
#: carries white text at a WCAG AA contrast of at least 4.5:1.
GRADE_RAMP: tuple[str, ...] = ("#2b6cb0", "#2f855a", "#975a16", "#c05621", "#9b2c2c")
# Light tints of the ramp, for matrix cells (dark text on them).
_TINTS: tuple[str, ...] = ("#e3edf8", "#e3f2e9", "#f8eedb", "#fbe6d8", "#f6dede")
_UNGRADED = "#718096"

# The order baseline changes are shown in; other keys follow, alphabetically.
_CHANGES: dict[str, tuple[str, str]] = {
    # key in the baseline: (tag, what the count means); see dataguard.scan.baseline
    "new": ("new", "new personal columns"),
    "changed": ("changed", "changed: entity, grade or protection"),
    "gone": ("gone", "no longer personal"),
    "new_plaintext": ("now plaintext", "newly in plaintext"),
}

_CJK_SANS = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
_CJK_SANS += '"Microsoft YaHei", "WenQuanYi Micro Hei"'

_CSS = (
    """
:root {
  --fg: #1a202c; --muted: #5a6474; --line: #d9dee5; --soft: #eef1f5; --bg: #f4f6f9;
  --accent: #24446f; --bad: #c53030; --bad-bg: #fff1f1; --warn: #975a16; --warn-bg: #fdf6e7;
  --ok: #276749; --ok-bg: #eaf6ef;
  --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono",
    "Noto Sans Mono CJK SC", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    """
    + _CJK_SANS
    + """, sans-serif;
}
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
main { max-width: 1240px; margin: 0 auto; padding: 0 20px 40px; }
h1, h2, h3 { line-height: 1.25; margin: 0; }
h2 { font-size: 18px; margin-bottom: 12px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
p { margin: 0 0 8px; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.nowrap { white-space: nowrap; }

header.top {
  background: #fff; border-bottom: 1px solid var(--line); border-top: 4px solid var(--accent);
  margin-bottom: 20px;
}
header.top .inner { max-width: 1240px; margin: 0 auto; padding: 18px 20px 16px; }
.eyebrow {
  font-size: 12px; letter-spacing: .08em; text-transform: uppercase; color: var(--muted);
  font-weight: 600;
}
h1 { font-size: 24px; margin: 2px 0 12px; overflow-wrap: anywhere; }
h1 .target { font-family: var(--mono); font-size: 20px; font-weight: 600; }
.facts {
  display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 8px 24px; margin: 0;
}
.facts div { min-width: 0; }
.facts dt { font-size: 12px; color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.readonly {
  margin-top: 12px; padding: 8px 12px; border-radius: 6px; font-size: 13px;
  background: var(--ok-bg); color: var(--ok); border: 1px solid #bfe3cd;
}
.readonly.no { background: var(--warn-bg); color: var(--warn); border-color: #f0d9a8; }
nav.toc { margin-top: 12px; font-size: 13px; }
nav.toc a { margin-right: 16px; }

section.card {
  background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 18px 20px; margin-bottom: 18px;
}
.grades { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 16px; }
.grade-card {
  flex: 1 1 0; min-width: 120px; border: 1px solid var(--line); border-radius: 8px;
  overflow: hidden; background: #fff;
}
.grade-card .band { color: #fff; font-weight: 700; padding: 6px 12px; font-size: 13px; }
.grade-card .count { font-size: 30px; font-weight: 700; padding: 4px 12px 0; }
.grade-card .what { font-size: 12px; color: var(--muted); padding: 0 12px 10px; }
.grade-card.zero .count { color: #a0aab8; }
.figures {
  display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 12px;
}
.figure { border-left: 4px solid var(--line); padding: 2px 0 2px 12px; }
.figure .n { font-size: 22px; font-weight: 700; }
.figure .l { font-size: 12px; color: var(--muted); }
.figure.bad { border-left-color: var(--bad); }
.figure.bad .n { color: var(--bad); }
.figure.ok { border-left-color: var(--ok); }
ul.plain { list-style: none; padding: 0; margin: 0; }
ul.plain li { margin: 2px 0; }
ul.reasons { margin: 4px 0 0; padding-left: 16px; }
.cols2 { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 32px; }

table {
  width: 100%; table-layout: fixed; border-collapse: separate; border-spacing: 0;
  font-size: 13px;
}
th, td {
  text-align: left; vertical-align: top; padding: 7px 9px; border-bottom: 1px solid var(--line);
  overflow-wrap: anywhere; min-width: 0;
}
thead th {
  position: sticky; top: 0; z-index: 2; background: var(--soft); font-size: 12px;
  font-weight: 700; color: #2d3748; border-bottom: 2px solid #c3cad5;
}
tbody tr:nth-child(even) td { background: #fafbfc; }
tbody tr:target td { background: #fff8db; }
th.sortable { cursor: pointer; user-select: none; }
th.sortable:hover::after, th.sortable:focus::after { content: " \\2195"; color: #a0aab8; }
th[aria-sort="ascending"]::after { content: " \\25B2"; color: var(--accent); }
th[aria-sort="descending"]::after { content: " \\25BC"; color: var(--accent); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: 700; background: var(--soft); border-bottom: 0; }

.badge {
  display: inline-block; min-width: 28px; padding: 1px 8px; border-radius: 999px;
  color: #fff; font-weight: 700; font-size: 12px; text-align: center; white-space: nowrap;
}
.pill {
  display: inline-block; padding: 0 7px; border-radius: 4px; font-size: 12px;
  border: 1px solid var(--line); background: var(--soft); max-width: 100%;
}
.pill.bad { color: var(--bad); background: var(--bad-bg); border-color: #f3c2c2; }
.pill.warn { color: var(--warn); background: var(--warn-bg); border-color: #f0d9a8; }
.pill.ok { color: var(--ok); background: var(--ok-bg); border-color: #bfe3cd; }
.pill.act { color: #fff; background: #2d3748; border-color: #2d3748; }
.pill.none { color: var(--muted); }
.tag {
  display: inline-block; font-size: 11px; font-weight: 700; padding: 0 5px; border-radius: 3px;
  text-transform: uppercase; letter-spacing: .04em; vertical-align: 1px;
}
.tag.new { background: #e9d8fd; color: #553c9a; }
.tag.changed { background: #feebc8; color: #7b341e; }
.tag.gone { background: #e2e8f0; color: #4a5568; }
.tag.new_plaintext { background: var(--bad-bg); color: var(--bad); border: 1px solid #f3c2c2; }
.changes .figures { margin-bottom: 12px; }
.tag + .tag { margin-left: 4px; }

.matrix th, .matrix td { padding: 6px 6px; }
.matrix td.cell { font-size: 12px; }
.matrix td.cell a { display: block; }
.matrix td.empty { color: #c3cad5; text-align: center; }
.matrix th.entity { font-size: 11px; }
.col-name { font-weight: 700; }
.col-table { color: var(--muted); font-size: 12px; }
.col-type { font-family: var(--mono); font-size: 11.5px; color: #4a5568; }
.comment { font-size: 12px; color: #4a5568; font-style: italic; }
.conf { font-size: 12px; color: var(--muted); }
.ev { display: flex; flex-wrap: wrap; gap: 0 10px; font-size: 11.5px; color: var(--muted); }
.ev span { white-space: nowrap; }
.ev b { color: var(--fg); font-variant-numeric: tabular-nums; }
.ev .zero b { color: #a0aab8; font-weight: 400; }
.ev .hot b { color: var(--bad); }
.previews code {
  display: block; background: var(--soft); border-radius: 3px; padding: 1px 5px; margin: 0 0 3px;
}
.mandate { font-size: 12px; color: var(--bad); margin-top: 4px; }
.filter { margin: 0 0 10px; }
.filter input {
  width: 320px; max-width: 100%; padding: 6px 10px; border: 1px solid #c3cad5;
  border-radius: 6px; font: inherit;
}
details { margin-top: 6px; }
details > summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
details[open] > summary { margin-bottom: 8px; }
.clean-table { padding: 6px 0; border-top: 1px solid var(--soft); }
.clean-table .cols { font-size: 12px; color: #4a5568; }
.changes ul { margin: 0 0 8px; padding-left: 18px; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 24px; }

@media (max-width: 900px) {
  .cols2 { grid-template-columns: 1fr; }
  .facts { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { background: #fff; font-size: 11px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  header.top { border: 0; margin: 0 0 8px; }
  header.top .inner, main { max-width: none; padding: 0; }
  section.card { border: 0; padding: 0; margin: 0 0 14px; break-inside: auto; }
  nav.toc, .filter { display: none !important; }
  thead th { position: static; }
  thead { display: table-header-group; }
  tr, .grade-card, .clean-table { break-inside: avoid; }
  h2 { break-after: avoid; }
  a { color: inherit; }
  tbody tr:nth-child(even) td { background: #fff; }
}
"""
)

# Optional enhancements; the page is complete without them.
_SCRIPT = """
(function () {
  document.documentElement.setAttribute("data-js", "on");
  function key(td) {
    var v = td.getAttribute("data-sort");
    return v === null ? td.textContent.trim().toLowerCase() : v;
  }
  function cmp(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (!isNaN(x) && !isNaN(y) && String(x) === a && String(y) === b) { return x - y; }
    return a < b ? -1 : a > b ? 1 : 0;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, i) {
      th.classList.add("sortable");
      th.tabIndex = 0;
      th.title = "Sort";
      function sort() {
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        table.querySelectorAll("thead th").forEach(function (h) {
          h.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        rows.sort(function (a, b) { return dir * cmp(key(a.cells[i]), key(b.cells[i])); });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
    });
  });
  document.querySelectorAll(".filter").forEach(function (box) {
    var input = box.querySelector("input");
    var table = document.getElementById(box.getAttribute("data-table"));
    var count = box.querySelector(".shown");
    box.hidden = false;
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase(), shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        var hit = !q || r.textContent.toLowerCase().indexOf(q) !== -1;
        r.hidden = !hit;
        if (hit) { shown += 1; }
      });
      count.textContent = shown;
    });
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
})();
"""

_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
# default-src 'none' forbids every fetch (fonts, images, frames, connections); styles may be
# inline; only the script above runs.
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; "
    f"script-src 'sha256-{_SCRIPT_HASH}'; base-uri 'none'; form-action 'none'"
)


def _e(value: object) -> str:
    """*value* as escaped HTML text (quotes too: safe in attribute values)."""
    return html.escape(str(value), quote=True)


def _breakable(value: object) -> str:
    """Escaped *value* with break opportunities after ``_`` and ``.`` (long identifiers)."""
    text = _e(value)
    return text.replace("_", "_<wbr>").replace(".", ".<wbr>")


def _order(report: ScanReport) -> tuple[str, ...]:
    """The report's grades, least sensitive first (the scheme's order when it is known)."""
    known = SCHEMES.get(report.scheme)
    order = list(known.order) if known else []
    order += sorted({c.grade for c in report.columns if c.grade and c.grade not in order})
    return tuple(order)


def _slots(count: int) -> list[int]:
    """Ramp positions for *count* grades: the most sensitive grade always gets dark red."""
    ramp = len(GRADE_RAMP)
    if count <= ramp:
        return list(range(ramp - count, ramp))
    return [round(i * (ramp - 1) / (count - 1)) for i in range(count)]


def grade_colours(scheme: str, extra: Iterable[str] = ()) -> dict[str, str]:
    """Badge colour per grade of *scheme* (and of *extra* unknown grades, placed after)."""
    known = SCHEMES.get(scheme)
    order = list(known.order) if known else []
    order += [g for g in extra if g not in order]
    return {g: GRADE_RAMP[s] for g, s in zip(order, _slots(len(order)), strict=True)}


class _Grades:
    """Colours and ranks of one report's grades."""

    def __init__(self, report: ScanReport) -> None:
        self.order = _order(report)
        self.slot = dict(zip(self.order, _slots(len(self.order)), strict=True))

    def rank(self, grade: str | None) -> int:
        """Higher is more sensitive; ungraded columns rank lowest."""
        return self.order.index(grade) if grade in self.order else -1

    def badge(self, grade: str | None) -> str:
        if grade is None or grade not in self.slot:
            label = "—" if grade is None else grade
            return f'<span class="badge" style="background:{_UNGRADED}">{_e(label)}</span>'
        colour = GRADE_RAMP[self.slot[grade]]
        return f'<span class="badge" style="background:{colour}">{_e(grade)}</span>'

    def tint(self, grade: str | None) -> str:
        if grade is None or grade not in self.slot:
            return "#f1f3f6"
        return _TINTS[self.slot[grade]]


def _plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def _rows(rows: int) -> str:
    """A row estimate, short (``3.5 M``), with the exact figure as a tooltip."""
    if rows >= 10**9:
        short = f"{rows / 10**9:.1f}".removesuffix(".0") + "\u2009bn"
    elif rows >= 10**6:
        short = f"{rows / 10**6:.1f}".removesuffix(".0") + "\u2009M"
    elif rows >= 10**4:
        short = f"{rows // 1000:,}\u2009k"
    else:
        short = f"{rows:,}"
    return f'<span title="{rows:,}">{_e(short)}</span>'


def _duration(seconds: float) -> str:
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _when(started: str) -> str:
    """The start time for people (UTC stays UTC; anything unparsable is shown as given)."""
    try:
        when = dt.datetime.fromisoformat(started)
    except ValueError:
        return _e(started)
    text = when.strftime("%Y-%m-%d %H:%M:%S")
    offset = when.utcoffset()
    if offset is not None:
        text += " UTC" if offset == dt.timedelta(0) else when.strftime(" UTC%z")
    return f'<time datetime="{_e(started)}">{_e(text)}</time>'


def _protection_pill(protection: str | None) -> str:
    if protection is None:
        return '<span class="muted">—</span>'
    if protection == "plaintext":
        css = "bad"
    elif protection == "weak-hash":
        css = "warn"
    elif protection in PROTECTED:
        css = "ok"
    else:
        css = ""
    return f'<span class="pill {css}">{_e(protection)}</span>'


def _action_pill(action: str) -> str:
    css = "none" if action == "none" else "act"
    return f'<span class="pill {css}">{_e(action)}</span>'


def _baseline_status(baseline: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """``table.column`` → the baseline lists it appears in (``new``, ``new_plaintext``…)."""
    status: dict[str, list[str]] = defaultdict(list)
    for change, items in (baseline or {}).items():
        if not isinstance(items, list):
            continue
        for item in items:
            key = _item_key(item)
            if key is not None and change not in status[key]:
                status[key].append(str(change))
    return dict(status)


def _tag(change: str) -> str:
    label = _CHANGES.get(change, (change, ""))[0]
    css = change if change in _CHANGES else ""
    return f'<span class="tag {_e(css)}">{_e(label)}</span>'


def _item_key(item: object) -> str | None:
    if isinstance(item, str):
        return item
    if isinstance(item, Mapping):
        for name in ("key", "column"):
            if isinstance(item.get(name), str):
                value = item[name]
                table = item.get("table")
                return f"{table}.{value}" if name == "column" and table else value
    return None


class _Page:
    """The pieces of one report's page."""

    def __init__(self, report: ScanReport) -> None:
        self.report = report
        self.grades = _Grades(report)
        self.personal = sorted(
            report.personal,
            key=lambda c: (
                -self.grades.rank(c.grade),
                c.protection != "plaintext",
                c.table,
                c.column,
            ),
        )
        self.ids = {id(c): f"col-{i}" for i, c in enumerate(report.columns)}
        self.status = _baseline_status(report.baseline)
        self.by_key = {c.key: c for c in report.columns}
        self.key_ids = {k: self.ids[id(c)] for k, c in self.by_key.items()}
        personal_tables = {c.table for c in self.personal}
        names = [t.table for t in report.tables]
        names += sorted({c.table for c in report.columns} - set(names))
        self.personal_tables = [t for t in names if t in personal_tables]
        self.clean_tables = [t for t in names if t not in personal_tables]
        self.summaries = {t.table: t for t in report.tables}

    # -- header ------------------------------------------------------------------------------

    def header(self) -> str:
        r = self.report
        known = SCHEMES.get(r.scheme)
        scheme = _e(r.scheme)
        if known is not None:
            scheme += f'<div class="small muted">{_e(known.cite)}</div>'
        scanned = f"{_plural(len(self.table_names), 'table')}, {_plural(len(r.columns), 'column')}"
        facts = [
            ("Started", _when(r.started)),
            ("Duration", _e(_duration(r.seconds))),
            ("Source", _e(r.source)),
            ("Scanned", scanned),
            ("Sample", f"{_e(r.sample)} rows per table, seed {_e(r.seed)}"),
            ("Grading scheme", scheme),
        ]
        if r.read_only:
            note = (
                "Read-only scan: the source was opened read-only, so the scan could not "
                "change it. This report holds names, counts and masked previews only; no "
                "sampled value appears in plaintext."
            )
            ro = f'<p class="readonly">{note}</p>'
        else:
            note = (
                "The source was not opened read-only. This report holds names, counts and "
                "masked previews only; no sampled value appears in plaintext."
            )
            ro = f'<p class="readonly no">{note}</p>'
        ro += "".join(f'<p class="readonly no">{_e(n)}</p>' for n in r.notes)
        items = "".join(f"<div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in facts)
        toc = [("summary", "Summary")]
        if r.baseline is not None:
            toc.append(("changes", "Changes since baseline"))
        toc += [("matrix", "Tables × entities"), ("columns", "Personal columns")]
        toc.append(("clean", "Clean tables and columns"))
        links = "".join(f'<a href="#{a}">{t}</a>' for a, t in toc)
        return (
            '<header class="top"><div class="inner">'
            '<div class="eyebrow">dataguard · personal data scan report</div>'
            f'<h1><span class="target">{_e(r.target)}</span></h1>'
            f'<dl class="facts">{items}</dl>{ro}<nav class="toc">{links}</nav>'
            "</div></header>"
        )

    @property
    def table_names(self) -> list[str]:
        return self.personal_tables + self.clean_tables

    # -- summary -----------------------------------------------------------------------------

    def summary(self) -> str:
        by_grade = Counter(c.grade for c in self.personal)
        cards = []
        grades: list[str | None] = list(reversed(self.grades.order))
        if by_grade[None]:
            grades.append(None)
        for grade in grades:
            n = by_grade[grade]
            colour = GRADE_RAMP[self.grades.slot[grade]] if grade is not None else _UNGRADED
            label = grade if grade is not None else "ungraded"
            cards.append(
                f'<div class="grade-card{" zero" if n == 0 else ""}" data-grade="{_e(label)}">'
                f'<div class="band" style="background:{colour}">{_e(label)}</div>'
                f'<div class="count">{n}</div>'
                f'<div class="what">personal {"column" if n == 1 else "columns"}</div></div>'
            )
        personal = self.personal
        plaintext = sum(1 for c in personal if c.protection == "plaintext")
        violating = sum(1 for c in personal if c.mandates)
        figures = [
            (len(personal), f"personal columns of {len(self.report.columns)}", ""),
            (
                len(self.personal_tables),
                f"tables with personal data of {len(self.table_names)}",
                "",
            ),
            (plaintext, "personal columns in plaintext", "bad" if plaintext else "ok"),
            (violating, "columns violating a mandate", "bad" if violating else "ok"),
        ]
        figs = "".join(
            f'<div class="figure {css}"><div class="n">{n}</div><div class="l">{_e(label)}</div>'
            "</div>"
            for n, label, css in figures
        )
        mandates = Counter(m for c in personal for m in c.mandates)
        actions = Counter(c.action for c in personal)
        lists = ""
        if mandates or actions:
            m_items = (
                "".join(
                    f'<li><span class="mandate">{_e(m)}</span> — {_plural(n, "column")}</li>'
                    for m, n in mandates.most_common()
                )
                or '<li class="muted">No mandate is violated.</li>'
            )
            a_items = "".join(
                f"<li>{_action_pill(a)} {_plural(n, 'column')}</li>"
                for a, n in actions.most_common()
            )
            lists = (
                '<div class="cols2"><div><h3>Mandates violated</h3>'
                f'<ul class="plain">{m_items}</ul></div>'
                f'<div><h3>Recommended actions</h3><ul class="plain">{a_items}</ul></div></div>'
            )
        lead = (
            "<p>No personal data was found.</p>"
            if not personal
            else '<p class="muted">Personal columns by grade, most sensitive first.</p>'
        )
        return (
            '<section class="card" id="summary"><h2>Summary</h2>'
            f'{lead}<div class="grades">{"".join(cards)}</div>'
            f'<div class="figures">{figs}</div>{lists}</section>'
        )

    # -- baseline ----------------------------------------------------------------------------

    def changes(self) -> str:
        baseline = self.report.baseline
        if baseline is None:
            return ""
        lists = {k: v for k, v in baseline.items() if isinstance(v, list)}
        details = baseline.get("details")
        details = details if isinstance(details, Mapping) else {}
        chips = []
        for change in [*(k for k in _CHANGES if k in lists), *sorted(set(lists) - set(_CHANGES))]:
            n = len(lists[change])
            css = "bad" if change == "new_plaintext" and n else ""
            chips.append(
                f'<div class="figure {css}"><div class="n">{n}</div>'
                f'<div class="l">{_e(_CHANGES.get(change, (change, ""))[1] or change)}</div></div>'
            )
        rows = []
        for change in ("new", "changed", "gone"):
            for item in lists.get(change, []):
                rows.append(self._change_row(change, item, details))
        table = ""
        if rows:
            table = (
                '<table class="sortable"><colgroup><col style="width:22%">'
                '<col style="width:30%"><col style="width:8%"><col style="width:40%">'
                "</colgroup><thead><tr><th>Change</th><th>Column</th><th>Grade</th>"
                f"<th>What changed</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            )
        elif not any(lists.values()):
            table = '<p class="muted">Nothing changed.</p>'
        others = []
        for change in sorted(set(lists) - set(_CHANGES), key=str):
            items = "".join(f"<li>{self._change_link(i)}</li>" for i in lists[change])
            others.append(f"<h3>{_e(change)}</h3><ul>{items}</ul>")
        for change, value in baseline.items():
            if change in lists or change == "details":
                continue
            others.append(f"<p><strong>{_e(change)}:</strong> {_e(value)}</p>")
        return (
            '<section class="card changes" id="changes"><h2>Changes since baseline</h2>'
            f'<div class="figures">{"".join(chips)}</div>{table}{"".join(others)}</section>'
        )

    def _change_link(self, item: object) -> str:
        key = _item_key(item)
        if key is None:
            return _e(item)
        if key in self.key_ids:
            return f'<a href="#{self.key_ids[key]}">{_breakable(key)}</a>'
        return _breakable(key)

    def _change_row(self, change: str, item: object, details: Mapping[str, Any]) -> str:
        key = _item_key(item) or str(item)
        column = self.by_key.get(key)
        tags = "".join(_tag(s) for s in self.status.get(key, [change]))
        if key in details and isinstance(details[key], list):
            what = "; ".join(_e(d) for d in details[key])
        elif isinstance(item, Mapping):
            what = "; ".join(f"{_e(k)}: {_e(v)}" for k, v in item.items() if k != "key")
        elif change == "gone":
            what = '<span class="muted">no personal data now</span>'
        elif column is not None and column.personal:
            what = f"{_breakable(column.entity)}, {_e(column.protection or '')}"
        else:
            what = ""
        grade = ""
        if column is not None and column.personal:
            grade = self.grades.badge(column.grade)
        return (
            f"<tr><td>{tags}</td><td>{self._change_link(item)}</td><td>{grade}</td>"
            f"<td>{what}</td></tr>"
        )

    # -- matrix ------------------------------------------------------------------------------

    def _entity_grade(self, entity: str) -> str | None:
        known = SCHEMES.get(self.report.scheme)
        if known is not None and entity in known.grades:
            return known.grades[entity]
        grades = [c.grade for c in self.personal if c.entity == entity]
        return max(grades, key=self.grades.rank) if grades else None

    def matrix(self) -> str:
        head = '<section class="card" id="matrix"><h2>Tables × entities</h2>'
        if not self.personal:
            return head + '<p class="muted">No table holds personal data.</p></section>'
        cells: dict[tuple[str, str], list[ColumnReport]] = defaultdict(list)
        for c in self.personal:
            for entity in c.entities or (c.entity,):
                if entity is not None:
                    cells[c.table, entity].append(c)
        entity_names = {e for _, e in cells}
        entities = sorted(entity_names, key=lambda e: (-self.grades.rank(self._entity_grade(e)), e))
        top: dict[str, str | None] = {}
        for c in self.personal:
            if self.grades.rank(c.grade) > self.grades.rank(top.get(c.table)):
                top[c.table] = c.grade
            else:
                top.setdefault(c.table, c.grade)
        tables = sorted(self.personal_tables, key=lambda t: (-self.grades.rank(top[t]), t))
        # The table name, row estimate and grade take a quarter; entities share the rest.
        width = 75.0 / len(entities)
        cols = '<col style="width:14%"><col style="width:6%"><col style="width:5%">'
        cols += "".join(f'<col style="width:{width:.1f}%">' for _ in entities)
        ths = "".join(
            f'<th class="entity" title="{_e(e)}">{_breakable(e)}<br>'
            f"{self.grades.badge(self._entity_grade(e))}</th>"
            for e in entities
        )
        rows = []
        for t in tables:
            summary = self.summaries.get(t)
            est = "" if summary is None or summary.rows is None else _rows(summary.rows)
            tds = []
            for e in entities:
                found = cells.get((t, e), [])
                if not found:
                    tds.append('<td class="empty">·</td>')
                    continue
                links = "".join(
                    f'<a href="#{self.ids[id(c)]}">{_breakable(c.column)}</a>' for c in found
                )
                tint = self.grades.tint(self._entity_grade(e))
                tds.append(f'<td class="cell" style="background:{tint}">{links}</td>')
            rows.append(
                f'<tr><td class="col-name">{_breakable(t)}</td>'
                f'<td class="num nowrap">{est}</td>'
                f'<td data-sort="{self.grades.rank(top[t])}">{self.grades.badge(top[t])}</td>'
                f"{''.join(tds)}</tr>"
            )
        totals = "".join(
            f'<td class="num">{sum(len(v) for (_, e2), v in cells.items() if e2 == e)}</td>'
            for e in entities
        )
        return (
            head + '<p class="muted">Each cell names the columns of a table that hold an entity; '
            "the table's grade is its most sensitive column's.</p>"
            + f'<table class="matrix sortable"><colgroup>{cols}</colgroup><thead><tr>'
            '<th>Table</th><th class="num">Rows (est.)</th><th>Grade</th>'
            f"{ths}</tr></thead><tbody>{''.join(rows)}</tbody>"
            f"<tfoot><tr><td>Columns</td><td></td><td></td>{totals}</tr></tfoot></table>"
            "</section>"
        )

    # -- columns -----------------------------------------------------------------------------

    def columns(self) -> str:
        head = '<section class="card" id="columns"><h2>Personal columns</h2>'
        if not self.personal:
            return head + '<p class="muted">None.</p></section>'
        rows = "".join(self._column_row(c) for c in self.personal)
        n = len(self.personal)
        return (
            head + '<p class="muted">Most sensitive first; within a grade, plaintext first. '
            "Previews are masked.</p>"
            + f'<div class="filter" data-table="personal-columns" hidden>'
            '<input type="search" placeholder="Filter: name, entity, grade, action…"'
            ' aria-label="Filter columns"> '
            f'<span class="small muted"><span class="shown">{n}</span> of {n} shown</span></div>'
            '<table class="sortable" id="personal-columns"><colgroup>'
            '<col style="width:6%"><col style="width:17%"><col style="width:12%">'
            '<col style="width:11%"><col style="width:14%"><col style="width:25%">'
            '<col style="width:15%"></colgroup><thead><tr>'
            "<th>Grade</th><th>Column</th><th>Entity</th><th>Protection</th>"
            "<th>Action · mandates</th><th>Evidence</th><th>Masked previews</th>"
            f"</tr></thead><tbody>{rows}</tbody></table></section>"
        )

    def _column_cell(self, c: ColumnReport) -> str:
        tags = "".join(_tag(s) for s in self.status.get(c.key, []))
        tag = f" {tags}" if tags else ""
        comment = f'<div class="comment">{_e(c.comment)}</div>' if c.comment else ""
        return (
            f'<div class="col-table">{_breakable(c.table)}</div>'
            f'<div class="col-name">{_breakable(c.column)}{tag}</div>'
            f'<div class="col-type">{_e(c.type)}</div>{comment}'
        )

    def _column_row(self, c: ColumnReport) -> str:
        others = [e for e in c.entities if e != c.entity]
        entity = f"<strong>{_breakable(c.entity)}</strong>"
        if c.kind == "text":
            entity += '<div class="small muted">inside free text</div>'
        if others:
            entity += f'<div class="small">also {", ".join(_breakable(e) for e in others)}</div>'
        entity += f'<div class="conf">confidence {c.confidence:.0%}</div>'
        mandates = "".join(f'<div class="mandate">{_e(m)}</div>' for m in c.mandates)
        previews = (
            "".join(f"<code>{_e(p)}</code>" for p in c.previews)
            if c.previews
            else '<span class="muted">—</span>'
        )
        return (
            f'<tr id="{self.ids[id(c)]}">'
            f'<td data-sort="{self.grades.rank(c.grade)}">{self.grades.badge(c.grade)}</td>'
            f'<td data-sort="{_e(c.key.lower())}">{self._column_cell(c)}</td>'
            f"<td>{entity}</td>"
            f"<td>{_protection_pill(c.protection)}</td>"
            f"<td>{_action_pill(c.action)}{mandates}</td>"
            f'<td data-sort="{c.evidence.valid}">{_evidence(c)}</td>'
            f'<td class="previews">{previews}</td></tr>'
        )

    # -- clean -------------------------------------------------------------------------------

    def clean(self) -> str:
        columns = [c for c in self.report.columns if not c.personal]
        in_personal = [c for c in columns if c.table in set(self.personal_tables)]
        by_table: dict[str, list[ColumnReport]] = defaultdict(list)
        for c in columns:
            by_table[c.table].append(c)
        parts = ['<section class="card" id="clean"><h2>Clean tables and columns</h2>']
        if in_personal:
            rows = "".join(
                f'<tr id="{self.ids[id(c)]}"><td>{_breakable(c.table)}</td>'
                f'<td class="col-name">{_breakable(c.column)}</td>'
                f'<td class="col-type">{_e(c.type)}</td>'
                f"<td>{_e(c.comment) if c.comment else ''}</td>"
                f"<td>{_reasons(c.evidence.reasons)}</td></tr>"
                for c in in_personal
            )
            parts.append(
                "<details><summary>"
                f"{_plural(len(in_personal), 'clean column')} in tables with personal data"
                "</summary>"
                '<table><colgroup><col style="width:18%"><col style="width:18%">'
                '<col style="width:12%"><col style="width:20%"><col style="width:32%">'
                "</colgroup><thead><tr><th>Table</th><th>Column</th><th>Type</th>"
                f"<th>Comment</th><th>Why clean</th></tr></thead><tbody>{rows}</tbody></table>"
                "</details>"
            )
        if self.clean_tables:
            items = []
            for t in self.clean_tables:
                summary = self.summaries.get(t)
                facts = []
                if summary is not None:
                    if summary.rows is not None:
                        facts.append(f"~{summary.rows:,} rows")
                    facts.append(_plural(summary.columns, "column"))
                    if summary.sampled:
                        facts.append(f"{summary.sampled:,} sampled")
                comment = ""
                if summary is not None and summary.comment:
                    comment = f' <span class="comment">{_e(summary.comment)}</span>'
                cols = ", ".join(
                    f'<span id="{self.ids[id(c)]}"><strong>{_breakable(c.column)}</strong>'
                    f' <span class="muted">{_e(c.type)}</span></span>'
                    for c in by_table.get(t, [])
                )
                items.append(
                    f'<div class="clean-table"><span class="col-name">{_breakable(t)}</span> '
                    f'<span class="small muted">{_e(" · ".join(facts))}</span>{comment}'
                    f'<div class="cols">{cols}</div></div>'
                )
            parts.append(
                f"<details><summary>{_plural(len(self.clean_tables), 'clean table')}"
                f"</summary>{''.join(items)}</details>"
            )
        if not in_personal and not self.clean_tables:
            parts.append('<p class="muted">Every scanned column holds personal data.</p>')
        parts.append("</section>")
        return "".join(parts)


def _reasons(reasons: Iterable[str]) -> str:
    items = "".join(f"<li>{_e(r)}</li>" for r in reasons)
    return f'<ul class="reasons small">{items}</ul>' if items else ""


def _evidence(c: ColumnReport) -> str:
    ev = c.evidence
    counts = [
        ("sampled", ev.sampled),
        ("non-empty", ev.non_empty),
        ("valid", ev.valid),
        ("invalid", ev.invalid),
        ("partial", ev.partial),
        ("placeholders", ev.placeholders),
    ]
    # Values that fail validation or look like placeholders deserve a second look.
    hot = {"invalid", "placeholders"}
    grid = "".join(
        f'<span class="{"zero" if v == 0 else "hot" if k in hot else ""}"><b>{v:,}</b> {k}</span>'
        for k, v in counts
    )
    hints = []
    if ev.name:
        hints.append(f"name: {_breakable(ev.name)}")
    if ev.comment:
        hints.append(f"comment: {_breakable(ev.comment)}")
    if ev.forms:
        hints.append(", ".join(f"{_e(k)} {v:,}" for k, v in sorted(ev.forms.items())))
    extra = f'<div class="small muted">{" · ".join(hints)}</div>' if hints else ""
    return f'<div class="ev">{grid}</div>{extra}{_reasons(ev.reasons)}'


def render_html(report: ScanReport) -> str:
    """The report as one self-contained HTML page (UTF-8 text; see the module docstring)."""
    page = _Page(report)
    body = (
        page.header()
        + "<main>"
        + page.summary()
        + page.changes()
        + page.matrix()
        + page.columns()
        + page.clean()
        + "<footer>Generated by dataguard from a scan report (format "
        + f"{FORMAT_VERSION}). Previews are masked; no sampled value is shown in "
        "plaintext.</footer></main>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="generator" content="dataguard">\n'
        f"<title>dataguard scan · {_e(report.target)}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n{body}\n"
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )
