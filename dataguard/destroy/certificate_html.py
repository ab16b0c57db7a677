"""The printable HTML form of a destruction certificate (``P.certificate.html``).

One page a data protection officer can open offline, print on A4 or attach to a ticket. It
shows every field of the certificate's body (see
:func:`dataguard.destroy.certificate.issue_certificate`) in English with Chinese
subtitles, and lists the embedded plan, approval, run record and verification by format,
hash and signer rather than repeating their JSON.

It is self-contained like the scan report (:mod:`dataguard.scan.html`): inline CSS, no
script at all, no font, image or request from anywhere else, and a Content-Security-Policy
``<meta>`` that forbids all of those. Every value goes through :func:`html.escape`: a
certificate is a file, and whoever could edit it could write markup into it. The page is a
rendering; the signed JSON, checked with ``dataguard destroy check``, is what counts.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

from dataguard.destroy.documents import Document

__all__ = ["render_certificate"]

_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_PEOPLE = (
    ("operator", "Operator (performed the run)", "执行人"),
    ("planned_by", "Planned by", "计划人"),
    ("approver", "Approver", "批准人"),
    ("verifier", "Verifier", "验证人"),
    ("issuer", "Issuer of this certificate", "签发人"),
)
_TIMES = (
    ("planned", "Planned", "计划"),
    ("approved", "Approved", "批准"),
    ("run_started", "Run started", "开始执行"),
    ("run_finished", "Run finished", "执行完毕"),
    ("verified", "Verified", "验证"),
    ("issued", "Certificate issued", "签发"),
)
_METHOD = (("category", "Category"), ("technique", "Technique"), ("limits", "Limits"))

_CSS = """
:root { --fg: #1a202c; --muted: #5a6474; --line: #d9dee5; --soft: #eef1f5; --accent: #24446f;
  --bad: #c53030; --bad-bg: #fff1f1; --ok: #276749; --ok-bg: #eaf6ef;
  --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f6f9; color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, "Noto Sans CJK SC",
    "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
main { max-width: 900px; margin: 20px auto; padding: 28px 32px; background: #fff;
  border: 1px solid var(--line); border-top: 6px solid var(--accent); }
h1 { font-size: 24px; margin: 0; }
h2 { font-size: 17px; margin: 22px 0 8px; border-bottom: 1px solid var(--line);
  padding-bottom: 4px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
.zh { color: var(--muted); font-weight: 400; margin-left: 6px; }
.subtitle { color: var(--muted); font-size: 16px; margin: 2px 0 14px; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.mono, code { font-family: var(--mono); font-size: 12px; overflow-wrap: anywhere; }
p { margin: 0 0 8px; }
table { width: 100%; border-collapse: collapse; font-size: 13px; margin: 4px 0 10px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px;
  border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
thead th { background: var(--soft); font-size: 12px; }
table.facts th { width: 28%; font-weight: 600; color: #2d3748; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.item { border: 1px solid var(--line); border-radius: 6px; padding: 4px 14px 8px;
  margin: 10px 0; }
.pill { display: inline-block; padding: 0 8px; border-radius: 4px; font-weight: 700; }
.pill.ok { color: var(--ok); background: var(--ok-bg); }
.pill.bad { color: var(--bad); background: var(--bad-bg); }
pre { white-space: pre-wrap; background: var(--soft); padding: 6px 10px; border-radius: 4px; }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
@media print {
  @page { size: A4 portrait; margin: 14mm; }
  body { background: #fff; font-size: 11px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; margin: 0; padding: 0; border: 0; }
  .item, tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
"""


def _e(value: object) -> str:
    """*value* as escaped HTML text (quotes too)."""
    return html.escape(str(value), quote=True)


def _map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _value(value: object) -> str:
    """Any JSON value as escaped, readable text."""
    if value is None:
        return '<span class="muted">—</span>'
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple):
        if not value:
            return '<span class="muted">none</span>'
        return ", ".join(_value(v) for v in value)
    if isinstance(value, Mapping):
        return f'<span class="mono">{_e(json.dumps(value, ensure_ascii=False))}</span>'
    return _e(value)


def _h2(english: str, chinese: str) -> str:
    return f'<h2>{english}<span class="zh">{chinese}</span></h2>'


def _facts(rows: list[tuple[str, str]]) -> str:
    """A two-column table; labels are this module's own text, values already escaped."""
    cells = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows)
    return f'<table class="facts"><tbody>{cells}</tbody></table>'


def _result(result: object) -> str:
    good = result == "passed"
    return f'<span class="pill {"ok" if good else "bad"}">{_e(result)}</span>'


def _item(item: Mapping[str, Any]) -> str:
    method = _map(item.get("method"))
    verification = _map(item.get("verification"))
    rows = [(label, _value(method.get(key))) for key, label in _METHOD]
    rows += [(_e(k), _value(v)) for k, v in method.items() if k not in dict(_METHOD)]
    details = _map(verification.get("details"))
    detail_rows = "".join(
        f"<tr><td>{_e(k)}</td><td>{_value(v)}</td></tr>" for k, v in details.items()
    )
    detail_table = (
        f'<table class="small"><thead><tr><th>Detail</th><th>Value</th></tr></thead>'
        f"<tbody>{detail_rows}</tbody></table>"
        if detail_rows
        else ""
    )
    return (
        f'<section class="item"><h3><span class="mono">{_e(item.get("target"))}</span></h3>'
        + _facts(
            [
                ("What · 销毁对象", _value(item.get("what"))),
                *[(f"Method: {label}", value) for label, value in rows],
                ("Backups · 备份", _value(item.get("backups"))),
                ("Verification method · 验证方法", _value(verification.get("method"))),
                ("Verification result · 验证结果", _result(verification.get("result"))),
            ]
        )
        + detail_table
        + "</section>"
    )


def _exemptions(exemptions: list[Any]) -> str:
    holds = [_map(x) for x in exemptions if _map(x).get("kind") == "legal-hold"]
    enterprise = [_map(x) for x in exemptions if _map(x).get("kind") == "enterprise-registration"]
    other = [
        x
        for x in exemptions
        if _map(x).get("kind") not in ("legal-hold", "enterprise-registration")
    ]
    parts = [_h2("Exemptions", "豁免（保留未销毁）")]
    if not exemptions:
        parts.append('<p class="muted">No exemptions. 无豁免。</p>')
    if holds:
        rows = "".join(
            f'<tr><td class="mono">{_e(h.get("target"))}</td><td>{_e(h.get("hold"))}</td>'
            f'<td class="num">{_value(h.get("rows"))}</td></tr>'
            for h in holds
        )
        parts.append(
            '<h3>Legal holds<span class="zh">法律保全</span> '
            '<span class="mono small muted">legal-hold</span></h3><table><thead><tr>'
            '<th>Target</th><th>Hold</th><th class="num">Rows kept</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )
    if enterprise:
        rows = "".join(
            f'<tr><td class="mono">{_e(x.get("target"))}</td><td>{_e(x.get("evidence"))}</td>'
            f"<td>{_e(x.get('rule'))}</td>"
            f'<td class="num">{_value(x.get("rows"))}</td></tr>'
            for x in enterprise
        )
        parts.append(
            '<h3>Enterprise registration information<span class="zh">企业注册信息</span> '
            '<span class="mono small muted">enterprise-registration</span></h3>'
            "<table><thead><tr><th>Target</th><th>Evidence</th><th>Rule</th>"
            f'<th class="num">Rows kept</th></tr></thead><tbody>{rows}</tbody></table>'
        )
    if other:
        items = "".join(f"<li>{_value(x)}</li>" for x in other)
        parts.append(f"<h3>Other exemptions</h3><ul>{items}</ul>")
    return "".join(parts)


def _person(who: Mapping[str, Any]) -> str:
    return (
        f"<td>{_e(who.get('name'))}</td><td>{_e(who.get('role'))}</td>"
        f'<td><span class="mono">{_e(who.get("fingerprint"))}</span>'
        f'<div class="mono small muted">public key {_e(who.get("public_key"))}</div></td>'
    )


def _people(people: Mapping[str, Any]) -> str:
    rows = "".join(
        f'<tr><th>{label}<span class="zh">{zh}</span></th>{_person(_map(people.get(key)))}</tr>'
        for key, label, zh in _PEOPLE
    )
    return (
        _h2("People", "责任人")
        + "<table><thead><tr><th>Part</th><th>Name</th><th>Role</th>"
        + f"<th>Fingerprint (SHA-256 of the Ed25519 key)</th></tr></thead><tbody>{rows}</tbody>"
        + "</table>"
    )


def _audit(anchor: object) -> str:
    if not isinstance(anchor, Mapping):
        return _h2("Audit anchor", "审计日志锚点") + (
            '<p class="muted">No audit anchor recorded: the certificate names no audit log '
            "chain head. 未记录审计日志锚点。</p>"
        )
    return _h2("Audit anchor", "审计日志锚点") + _facts(
        [
            ("Head entry (seq)", _value(anchor.get("seq"))),
            ("Chain head", f'<span class="mono">{_e(anchor.get("head"))}</span>'),
            ("Suite", _e(anchor.get("suite"))),
            ("Log", f'<span class="mono">{_e(anchor.get("log"))}</span>'),
        ]
    )


def _documents(documents: Mapping[str, Any]) -> str:
    rows = "".join(
        f'<tr><td>{_e(name)}</td><td class="mono">{_e(_map(d).get("format"))}</td>'
        f'<td class="mono">{_e(_map(d).get("hash"))}</td>'
        f"<td>{_e(_map(_map(d).get('signer')).get('name'))} "
        f'({_e(_map(_map(d).get("signer")).get("role"))})<div class="mono small muted">'
        f"{_e(_map(_map(d).get('signer')).get('fingerprint'))}</div></td></tr>"
        for name, d in documents.items()
    )
    return (
        _h2("Embedded documents", "内嵌文件")
        + '<p class="small muted">Embedded whole in the signed JSON; listed here by hash.</p>'
        + "<table><thead><tr><th>Document</th><th>Format</th><th>Hash</th><th>Signer</th></tr>"
        + f"</thead><tbody>{rows}</tbody></table>"
    )


def render_certificate(document: Document) -> str:
    """The certificate *document* as one self-contained, printable HTML page (UTF-8 text)."""
    body = document.body
    tool = _map(body.get("tool"))
    times = _map(body.get("times"))
    items = [_map(x) for x in _list(body.get("items"))]
    signer = document.signer
    content = (
        "<header><h1>Certificate of Sanitization</h1>"
        '<p class="subtitle">数据销毁证明</p></header>'
        + _facts(
            [
                (
                    "Certificate id · 证书编号",
                    f'<span class="mono">{_e(body.get("certificate_id"))}</span>',
                ),
                ("Standard · 依据标准", _value(body.get("standard"))),
                ("Organisation · 机构", _value(body.get("organisation"))),
                ("Name · 名称", _value(body.get("name"))),
                ("Reason · 销毁原因", _value(body.get("reason"))),
            ]
        )
        + _h2("What was sanitised", "销毁内容与方法")
        + ("".join(_item(i) for i in items) or '<p class="muted">No items.</p>')
        + _exemptions(_list(body.get("exemptions")))
        + _people(_map(body.get("people")))
        + _h2("Times (UTC)", "时间")
        + _facts(
            [(f'{en}<span class="zh">{zh}</span>', _value(times.get(k))) for k, en, zh in _TIMES]
        )
        + _h2("Tool and plan", "工具与计划")
        + _facts(
            [
                ("Tool · 工具", f"{_e(tool.get('name'))} {_e(tool.get('version'))}"),
                ("Plan hash · 计划哈希", f'<span class="mono">{_e(body.get("plan_hash"))}</span>'),
            ]
        )
        + _audit(body.get("audit"))
        + _documents(_map(body.get("documents")))
        + _h2("Signature", "签名")
        + _facts(
            [
                ("Format", f'<span class="mono">{_e(document.kind)}</span>'),
                ("Hash of the body", f'<span class="mono">{_e(document.hash)}</span>'),
                ("Signature (Ed25519)", f'<span class="mono">{_e(document.signature)}</span>'),
                (
                    "Signed by · 签名人",
                    f"{_e(signer.name)} ({_e(signer.role)}) "
                    f'<span class="mono">{_e(signer.fingerprint)}</span>',
                ),
            ]
        )
        + _h2("How to check this certificate", "如何核验")
        + "<p>This page is a rendering; the signed JSON certificate is what counts. Check it "
        "offline, with the plan file, the roster of trusted identities and the audit log when "
        "you have them:</p>"
        + "<pre><code>dataguard destroy check CERT.json [--plan PLAN] [--roster ROSTER] "
        "[--log AUDIT_LOG]</code></pre>"
        + "<p>It checks the certificate's hash and signature, every embedded document's hash, "
        "signature and role, and the links between them.</p>"
        + "<footer>Rendered by dataguard from a signed certificate. "
        "本页仅为证书的可读呈现，以签名的 JSON 文件为准。</footer>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="generator" content="dataguard">\n'
        f"<title>Certificate of Sanitization · {_e(body.get('name'))}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n<main>{content}</main>\n</body>\n</html>\n"
    )
