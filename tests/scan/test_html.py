"""The HTML scan report: structure, escaping, self-containment, and how Chromium draws it.

The structural tests parse the page with the standard library's :mod:`html.parser`. The
browser tests run Debian's headless Chromium (``apt-get install -y chromium``): a screenshot
decoded with zlib and struct (no imaging library), the DOM after the page's own script ran,
and the page's width at 1280 px. Without Chromium they skip, naming the package, unless
DATAGUARD_REQUIRE_CHROMIUM is set (``.ci/run`` sets it), in which case they fail.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import sqlite3
import struct
import subprocess
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dataguard.scan.baseline import Changes
from dataguard.scan.grading import SCHEMES
from dataguard.scan.html import GRADE_RAMP, grade_colours, render_html
from dataguard.scan.report import ColumnReport, Evidence, ScanReport, TableSummary
from dataguard.testing import generators as g

SCRIPT_COMMENT = '<script>alert("证件号")</script>'
EVIL_COLUMN = '"><img src=http://evil.example/x.png onerror=alert(1)>'
LONG_NAME = "receiver_" + "x" * 140  # no break opportunity: must wrap, not overflow
LONG_PREVIEW = "客户留言：" + "*" * 150 + "5678"

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class Doc(HTMLParser):
    """A parsed page: every element with its attributes, the text, and the text per id."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text_by_id: dict[str, str] = defaultdict(str)
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self.unbalanced: list[str] = []
        self._stack: list[tuple[str, str | None]] = []
        self._chunks: list[str] = []
        self.feed(text)
        self.close()
        self.text = "".join(self._chunks)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag not in VOID:
            self._stack.append((tag, attributes.get("id")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self._stack or self._stack[-1][0] != tag:
            self.unbalanced.append(tag)
            return
        self._stack.pop()

    def handle_data(self, data: str) -> None:
        current = self._stack[-1][0] if self._stack else ""
        if current == "style":
            self.styles.append(data)
        elif current == "script":
            self.scripts.append(data)
        else:
            self._chunks.append(data)
        for _, element_id in self._stack:
            if element_id:
                self.text_by_id[element_id] += data

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == name]

    def by_class(self, css: str) -> list[dict[str, str | None]]:
        return [a for _, a in self.elements if css in (a.get("class") or "").split()]


# -- a report with every feature ------------------------------------------------------------


def _column(
    table: str,
    column: str,
    entity: str | None,
    grade: str | None,
    *,
    protection: str = "plaintext",
    comment: str | None = None,
    kind: str = "value",
    previews: tuple[str, ...] = (),
    action: str | None = None,
    reasons: tuple[str, ...] = (),
) -> ColumnReport:
    personal = entity is not None
    mandates: tuple[str, ...] = ()
    if personal and protection == "plaintext":
        mandates = ("Youzan 7.4: personal data stored in plaintext",)
    return ColumnReport(
        table=table,
        column=column,
        type="VARCHAR(64)",
        comment=comment,
        kind=kind if personal else "clean",
        entity=entity,
        entities=(entity,) if entity else (),
        confidence=0.93 if personal else 0.0,
        protection=protection if personal else None,
        grade=grade,
        mandates=mandates,
        action=action or ("encrypt" if mandates else "none"),
        evidence=Evidence(
            name=entity,
            sampled=200,
            non_empty=190,
            valid=180 if personal else 0,
            invalid=3 if personal else 0,
            placeholders=7 if personal else 0,
            forms={protection: 190},
            reasons=reasons
            or (
                (f"190/190 sampled values are valid {entity}",)
                if personal
                else ("no personal data in 190 values",)
            ),
        ),
        previews=previews,
    )


def sample_report(scheme: str = "S1-S4") -> ScanReport:
    """Personal columns at every grade of *scheme*, hostile names, a baseline."""
    order = SCHEMES[scheme].order
    grade = {e: SCHEMES[scheme].grades[e] for e in SCHEMES[scheme].grades}
    columns = [
        _column(
            "users",
            "real_name",
            "CN_NAME",
            grade["CN_NAME"],
            comment="姓名",
            previews=("张*", "欧阳**"),
        ),
        _column(
            "users",
            "mobile",
            "CN_MOBILE",
            grade["CN_MOBILE"],
            comment="手机号码",
            previews=("138****5678",),
        ),
        _column(
            "users",
            "id_card",
            "CN_ID_CARD",
            grade["CN_ID_CARD"],
            comment=SCRIPT_COMMENT,
            previews=("1****************X",),
        ),
        _column(
            "users", "password", "SECRET", grade["SECRET"], protection="weak-hash", action="rehash"
        ),
        _column("users", "created_at", None, None),
        _column(
            "orders",
            "receiver_addr",
            "CN_ADDRESS",
            grade["CN_ADDRESS"],
            kind="text",
            action="mask",
            previews=(LONG_PREVIEW,),
        ),
        _column(
            "orders", "bank_card", "BANK_CARD", grade["BANK_CARD"], protection="dataguard-encrypted"
        ),
        _column("orders", LONG_NAME, "CN_MOBILE", grade["CN_MOBILE"], comment="收货人电话"),
        _column("orders", "amount", None, None),
        _column("sku", "title", None, None, comment="商品标题"),
        _column("sku", EVIL_COLUMN, None, None, reasons=("no personal data in 200 values",)),
    ]
    # Every grade of the scheme must have a column, so every colour is drawn.
    present = {c.grade for c in columns}
    entities = sorted(grade, key=lambda e: e)
    for missing in (g_ for g_ in order if g_ not in present):
        entity = next((e for e in entities if grade[e] == missing), "CN_NAME")
        columns.append(_column("extra", f"col_{missing}", entity, missing))
    return ScanReport(
        target="postgresql+psycopg://app:***@db.internal:5432/shop",
        source="database",
        scheme=scheme,
        sample=1000,
        seed=7,
        started="2026-11-25T09:30:00+00:00",
        seconds=12.5,
        tables=[
            TableSummary("users", 120000, 5, "用户", 1000),
            TableSummary("orders", 3_500_000, 4, None, 1000),
            TableSummary("sku", 800, 2, "<b>商品</b>", 800),
        ],
        columns=columns,
        baseline=Changes(
            new=("orders.bank_card", "users.id_card"),
            changed=("users.mobile",),
            gone=("legacy.phone",),
            new_plaintext=("users.id_card", "users.mobile"),
            details={"users.mobile": ["grade: S1 → S2", "protection: masked → plaintext"]},
        ).to_dict(),
    )


@pytest.fixture(scope="module")
def report() -> ScanReport:
    return sample_report()


@pytest.fixture(scope="module")
def page(report: ScanReport) -> str:
    return render_html(report)


@pytest.fixture(scope="module")
def doc(page: str) -> Doc:
    return Doc(page)


# -- structure ------------------------------------------------------------------------------


def test_markup_is_balanced(doc: Doc) -> None:
    assert doc.unbalanced == []
    assert doc.tags("html")
    assert doc.tags("body")


def test_every_column_appears(report: ScanReport, doc: Doc) -> None:
    anchored = {k: v for k, v in doc.text_by_id.items() if k.startswith("col-")}
    assert len(anchored) == len(report.columns)
    texts = list(anchored.values())
    for c in report.columns:
        assert any(c.column in t for t in texts), c.key


def test_personal_rows_carry_the_verdict(report: ScanReport, doc: Doc) -> None:
    ids = [a.get("id") or "" for a in doc.tags("tr")]
    table_rows = [doc.text_by_id[i] for i in ids if i.startswith("col-")]
    for c in report.personal:
        row = next(r for r in table_rows if c.column in r and c.table in r)
        for part in (c.type, c.entity, c.grade, c.protection, c.action, *c.mandates):
            assert part, (c.key, part)
            assert part in row, (c.key, part)
        for preview in c.previews:
            assert preview in row
        if c.comment:
            assert c.comment in row
        for reason in c.evidence.reasons:
            assert reason in row
        assert f"{c.confidence:.0%}" in row


def test_script_in_a_comment_is_text_not_markup(page: str, doc: Doc) -> None:
    assert len(doc.tags("script")) == 1  # the page's own, nothing from the report
    assert SCRIPT_COMMENT not in page
    assert "&lt;script&gt;alert(&quot;证件号&quot;)&lt;/script&gt;" in page
    assert SCRIPT_COMMENT in doc.text  # shown to the reader as written
    assert EVIL_COLUMN in doc.text
    assert doc.tags("img") == []
    assert not any(a.get("onerror") for _, a in doc.elements)
    assert "<b>商品</b>" in doc.text  # a table comment, as text
    assert "&lt;b&gt;商品&lt;/b&gt;" in page


def test_no_external_resources(page: str, doc: Doc) -> None:
    for tag in ("link", "img", "iframe", "object", "embed", "base", "form", "audio", "video"):
        assert doc.tags(tag) == [], tag
    external = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
    for tag, attrs in doc.elements:
        for name in ("src", "href", "action", "srcset", "poster", "data", "formaction"):
            value = attrs.get(name)
            if value is not None:
                assert not external.match(value), (tag, name, value)
    for a in doc.tags("a"):
        assert (a.get("href") or "").startswith("#")
    assert all(s.get("src") is None for s in doc.tags("script"))
    css = "".join(doc.styles)
    assert "@import" not in css
    assert "url(" not in css
    assert "@font-face" not in css
    assert not re.search(r"https?://|//[a-z]", "".join(doc.scripts))
    policy = next(
        m.get("content") or ""
        for m in doc.tags("meta")
        if m.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in policy


def test_utf8_and_cjk_fonts(page: str, doc: Doc) -> None:
    metas = doc.tags("meta")
    assert metas[0] == {"charset": "utf-8"}  # first in <head>, within the first 1024 bytes
    assert page.index('<meta charset="utf-8">') < 1024
    css = "".join(doc.styles)
    for font in ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei"):
        assert f'"{font}"' in css
    assert "sans-serif" in css
    assert "手机号码" in page  # characters, not character references


def test_print_stylesheet(doc: Doc) -> None:
    css = "".join(doc.styles)
    assert "@media print" in css
    assert "print-color-adjust: exact" in css


def test_header_facts(report: ScanReport, doc: Doc) -> None:
    header = doc.text
    assert report.target in header
    assert "2026-11-25 09:30:00 UTC" in header
    assert "S1-S4" in header
    assert "1000 rows per table" in header
    assert "read-only" in header.lower()
    assert "12.5 s" in header
    assert "app:***@" in header


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_summary_follows_the_scheme_order(scheme: str) -> None:
    report = sample_report(scheme)
    doc = Doc(render_html(report))
    cards = [a.get("data-grade") for a in doc.by_class("grade-card")]
    assert cards == list(reversed(SCHEMES[scheme].order))  # most sensitive first
    counts = Counter(c.grade for c in report.personal)
    colours = grade_colours(scheme)
    assert len(set(colours.values())) == len(SCHEMES[scheme].order)
    page = render_html(report)
    for grade_name in SCHEMES[scheme].order:
        assert f"background:{colours[grade_name]}" in page
        assert counts[grade_name] >= 1


def test_summary_counts(report: ScanReport, doc: Doc) -> None:
    plaintext = sum(1 for c in report.personal if c.protection == "plaintext")
    violating = sum(1 for c in report.personal if c.mandates)
    figures = [a for a in doc.by_class("figure")]
    assert figures
    text = doc.text
    assert f"{plaintext}personal columns in plaintext" in text
    assert f"{violating}columns violating a mandate" in text
    assert "Youzan 7.4: personal data stored in plaintext" in text


def test_matrix_rows_are_tables_with_personal_data(report: ScanReport, page: str) -> None:
    section = page[page.index('id="matrix"') : page.index('id="columns"')]
    doc = Doc(section)
    body_rows = len(doc.tags("tr")) - 2  # header and totals
    assert body_rows == len({c.table for c in report.personal})
    assert "sku" not in doc.text  # a clean table has no row
    for c in report.personal:
        assert c.entity
        assert c.entity in doc.text


def test_clean_tables_are_collapsed(page: str) -> None:
    section = page[page.index('id="clean"') :]
    doc = Doc(section)
    details = doc.tags("details")
    assert details
    assert all("open" not in d for d in details)
    assert "1 clean table" in doc.text
    assert "sku" in doc.text


def test_baseline_section(report: ScanReport, page: str) -> None:
    doc = Doc(page[page.index('id="changes"') : page.index('id="matrix"')])
    assert "Changes since baseline" in doc.text
    assert "legacy.phone" in doc.text  # gone: no column to link to
    assert "grade: S1 → S2; protection: masked → plaintext" in doc.text
    assert "now plaintext" in doc.text
    hrefs = {a.get("href") for a in doc.tags("a")}
    ids = {c.key: f"#col-{i}" for i, c in enumerate(report.columns)}
    for key in ("users.id_card", "users.mobile", "orders.bank_card"):
        assert ids[key] in hrefs
    # the per-column table tags what changed
    columns = Doc(page[page.index('id="columns"') :])
    assert [a for a in columns.by_class("tag") if "new_plaintext" in (a.get("class") or "")]
    without = ScanReport(**{**report.__dict__, "baseline": None})
    assert 'id="changes"' not in render_html(without)


def test_empty_report() -> None:
    report = ScanReport(
        "sqlite:///empty.db", "database", "S1-S4", 10, 0, "2026-01-01T00:00:00+00:00"
    )
    doc = Doc(render_html(report))
    assert doc.unbalanced == []
    assert "No personal data was found." in doc.text


def test_unknown_scheme_still_renders() -> None:
    report = sample_report()
    report.scheme = "house rules"
    doc = Doc(render_html(report))
    assert [a.get("data-grade") for a in doc.by_class("grade-card")] == ["S4", "S3", "S2", "S1"]


# -- a real scan ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A SQLite shop and the plaintext values in it (which the report must not show)."""
    path = tmp_path_factory.mktemp("shop") / "shop.db"
    rng = random.Random(11)
    values: list[str] = []
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE users (id INTEGER, mobile VARCHAR(20), id_card VARCHAR(18), "
            "email VARCHAR(64), note TEXT)"
        )
        db.execute("CREATE TABLE sku (id INTEGER, title VARCHAR(64), price VARCHAR(12))")
        for i in range(60):
            row = (i, g.mobile_digits(rng), g.id_card(rng), g.email(rng))
            values += row[1:]
            db.execute("INSERT INTO users VALUES (?, ?, ?, ?, ?)", (*row, "<script>x</script>"))
            db.execute("INSERT INTO sku VALUES (?, ?, ?)", (i, f"商品{i}", g.amount(rng)))
    return path, values


def test_real_scan_report(shop: tuple[Path, list[str]]) -> None:
    from dataguard.scan.database import scan_database

    path, values = shop
    report = scan_database(f"sqlite:///{path}")
    page = render_html(report)
    doc = Doc(page)
    assert doc.unbalanced == []
    for c in report.columns:
        assert c.column in doc.text
    assert {"mobile", "id_card", "email"} <= {c.column for c in report.personal}
    leaked = [v for v in values if v in page]
    assert leaked == []  # only masked previews reach the page
    assert len(doc.tags("script")) == 1


# -- the page in a browser ------------------------------------------------------------------


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    message = "Chromium is not installed; install the Debian package: apt-get install -y chromium"
    if os.environ.get("DATAGUARD_REQUIRE_CHROMIUM"):
        pytest.fail(message)
    pytest.skip(message)


def _chromium_run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium (the new headless mode, the only one since Chromium 132)."""
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",  # tests run as root in containers
        "--disable-gpu",
        "--disable-dev-shm-usage",  # containers have a small /dev/shm
        "--hide-scrollbars",
        "--force-device-scale-factor=1",  # PNG pixels = CSS pixels
        "--no-first-run",
        "--enable-logging=stderr",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def _page_file(tmp_path: Path, html_text: str, name: str = "report.html") -> Path:
    path = tmp_path / name
    path.write_text(html_text, encoding="utf-8")
    return path


def _png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB rows of an 8-bit, non-interlaced RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, bytearray(), b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert (depth, interlace) == (8, 0), "only 8-bit, non-interlaced PNGs"
    assert colour in (2, 6), "only RGB and RGBA PNGs"
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(bytes(idat))
    assert len(raw) == height * (stride + 1)
    # ref. PNG specification (ISO/IEC 15948) §9: filter types 0-4, Paeth predictor.
    low7, high = int.from_bytes(b"\x7f" * stride), int.from_bytes(b"\x80" * stride)
    rows: list[bytes] = []
    prev = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 0xFF
        elif kind == 2:  # bytewise addition of whole rows without carries
            a, b = int.from_bytes(row), int.from_bytes(prev)
            row = bytearray((((a & low7) + (b & low7)) ^ ((a ^ b) & high)).to_bytes(stride))
        elif kind == 3:
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = row[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                row[i] = (row[i] + pred) & 0xFF
        else:
            assert kind == 0, f"bad filter {kind}"
        rows.append(bytes(row))
        prev = bytes(row)
    if bpp == 4:
        rows = [b"".join(r[i : i + 3] for i in range(0, stride, 4)) for r in rows]
    return width, height, rows


def _pixels(rows: Iterable[bytes]) -> Counter[bytes]:
    counts: Counter[bytes] = Counter()
    for row in rows:
        counts.update(row[i : i + 3] for i in range(0, len(row), 3))
    return counts


def _rgb(colour: str) -> bytes:
    return bytes.fromhex(colour.lstrip("#"))


@pytest.mark.slow
def test_screenshot(tmp_path: Path, report: ScanReport, page: str) -> None:
    path = _page_file(tmp_path, page)
    shot = tmp_path / "report.png"
    _chromium_run(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", path.as_uri())
    assert shot.exists()
    assert shot.stat().st_size > 10_000
    width, height, rows = _png(shot.read_bytes())
    assert (width, height) == (1280, 2000)
    pixels = _pixels(rows)
    total = width * height
    white = pixels[b"\xff\xff\xff"]
    assert pixels.most_common(1)[0][1] < 0.9 * total, "the page is one colour"
    assert total - white > 0.15 * total, "the page is mostly white"
    ink = sum(n for rgb, n in pixels.items() if sum(rgb) < 3 * 110)
    assert ink > 0.005 * total, "almost no dark pixels: no text was drawn"
    colours = grade_colours(report.scheme)
    for grade_name, colour in colours.items():
        # the summary's grade bands are solid blocks of the grade colour
        assert pixels[_rgb(colour)] > 1500, (grade_name, colour, pixels[_rgb(colour)])
    assert set(colours.values()) <= set(GRADE_RAMP)


@pytest.mark.slow
def test_rendered_dom(tmp_path: Path, report: ScanReport, page: str) -> None:
    path = _page_file(tmp_path, page)
    result = _chromium_run(tmp_path, "--dump-dom", path.as_uri())
    dom = result.stdout
    assert 'data-js="on"' in dom, "the page's script did not run (Content-Security-Policy?)"
    assert "Refused to" not in result.stderr  # no CSP violation
    doc = Doc(dom)
    for c in report.columns:
        assert c.column in doc.text
    assert SCRIPT_COMMENT in doc.text
    assert len(doc.tags("script")) == 1
    assert not doc.tags("img")
    filters = doc.by_class("filter")
    assert filters
    assert all("hidden" not in f for f in filters)


@pytest.mark.slow
def test_layout_at_1280px(tmp_path: Path, page: str) -> None:
    """No horizontal scrolling at 1280 px, and the column table's header row stays in view."""
    # The report's policy lets only its own script run; this copy drops the policy and adds
    # a probe that scrolls into the middle of the column table and measures.
    probe = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    script = """<script>
    var table = document.getElementById("personal-columns");
    var th = table.querySelector("thead th");
    window.scrollTo(0, table.getBoundingClientRect().top + window.scrollY + 300);
    document.body.setAttribute("data-width", String(document.documentElement.scrollWidth));
    document.body.setAttribute("data-table", String(Math.round(table.getBoundingClientRect().top)));
    document.body.setAttribute("data-th", String(Math.round(th.getBoundingClientRect().top)));
    </script></body>"""
    path = _page_file(tmp_path, probe.replace("</body>", script), "probe.html")
    result = _chromium_run(tmp_path, "--window-size=1280,600", "--dump-dom", path.as_uri())
    found = dict(re.findall(r'data-(width|table|th)="(-?\d+)"', result.stdout))
    assert set(found) == {"width", "table", "th"}, result.stdout[:500]
    assert int(found["width"]) <= 1280
    assert int(found["table"]) < 0  # scrolled past the table's top...
    assert int(found["th"]) == 0  # ...and its header row sticks to the top of the window
