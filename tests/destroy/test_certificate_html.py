"""The HTML rendering of a certificate: every field shown, everything escaped, self-contained."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from dataguard.destroy.certificate_html import render_certificate
from dataguard.destroy.documents import Document, seal
from dataguard.identity import Identity

CERTIFICATE_FORMAT = "dataguard.destroy.certificate/1"
STANDARD = (
    "NIST SP 800-88 Rev. 1 (2014), Appendix G certificate fields, adapted to data; "
    "Rev. 1 was superseded by Rev. 2 on 2025-09-26"
)
_VOID = {"meta", "br", "wbr", "hr", "img", "input", "link", "col"}


def _identity(name: str, role: str) -> Identity:
    return Identity(name, role, Ed25519PrivateKey.generate())


def _certificate(*, audit: bool = True, result: str = "passed", text: str = "") -> Document:
    operator = _identity("olga", "operator")
    planner = _identity("pete", "operator")
    approver = _identity("anna", "approver")
    auditor = _identity("vera", "auditor")
    plan = seal("dataguard.destroy.plan/1", {"name": "p"}, planner, "sha256")
    approval = seal("dataguard.destroy.approval/1", {"plan": plan.hash}, approver, "sha256")
    run = seal("dataguard.destroy.run/1", {"plan_hash": plan.hash}, operator, "sha256")
    verification = seal("dataguard.destroy.verification/1", {"passed": True}, auditor, "sha256")
    body: dict[str, Any] = {
        "certificate_id": "0b7f3c1e-5a1d-4c8e-9a51-6e1f1f0c2d3a",
        "standard": STANDARD,
        "organisation": f"Acme Data Ltd{text}",
        "name": f"orders-retention-2025{text}",
        "reason": f"retention period of 3 years expired{text}",
        "plan_hash": plan.hash,
        "items": [
            {
                "target": "rows:1",
                "what": "1,204 rows of table shop.orders in sqlite:///shop.db",
                "method": {
                    "category": "Delete (logical)",
                    "technique": "SQL DELETE by key in batched transactions, journaled",
                    "limits": "not a NIST media sanitisation: free pages may keep rows",
                },
                "backups": "not reached: copies in backups taken before the run still hold it",
                "verification": {
                    "method": "full key scan: every row's key hashed and compared",
                    "result": result,
                    "details": {
                        "rows_scanned": 98765,
                        "remaining": 0,
                        "selected_not_in_plan": 0,
                        "held": 17,
                        "note": f"scan done{text}",
                    },
                },
            },
            {
                "target": "files:1",
                "what": "3 files (4,096 bytes planned)",
                "method": {
                    "category": "Clear",
                    "technique": "overwrite (1 pass, random data) then unlink",
                    "standard": "NIST SP 800-88 Rev. 1",
                    "limits": "ext4 is journaled: the journal may still hold copies.",
                },
                "backups": "not reached: copies in backups still hold this data",
                "verification": {
                    "method": "each planned path looked up: it must no longer exist",
                    "result": "passed",
                    "details": {"files": 3, "still_present": []},
                },
            },
        ],
        "exemptions": [
            {"target": "rows:1", "kind": "legal-hold", "hold": "litigation-2024-17", "rows": 17},
            {
                "target": "rows:2",
                "kind": "enterprise-registration",
                "rule": "Ele.me 5.12: enterprise registration information is never destroyed",
                "evidence": f"table name 'company_registration'{text}",
                "rows": 5321,
            },
        ],
        "tool": {"name": "dataguard", "version": "0.9.1"},
        "people": {
            "operator": operator.public.to_dict(),
            "planned_by": planner.public.to_dict(),
            "approver": approver.public.to_dict(),
            "verifier": auditor.public.to_dict(),
            "issuer": auditor.public.to_dict(),
        },
        "times": {
            "planned": "2025-10-01T08:00:00Z",
            "approved": "2025-10-02T09:30:00Z",
            "run_started": "2025-10-03T01:00:00Z",
            "run_finished": "2025-10-03T01:12:44Z",
            "verified": "2025-10-03T02:00:00Z",
            "issued": "2025-10-03T02:05:00Z",
        },
        "audit": (
            {
                "log": "/var/log/dataguard/audit.jsonl",
                "seq": 4312,
                "head": "9f" * 32,
                "suite": "intl",
            }
            if audit
            else None
        ),
        "documents": {
            "plan": plan.to_dict(),
            "approval": approval.to_dict(),
            "run": run.to_dict(),
            "verification": verification.to_dict(),
        },
    }
    return seal(CERTIFICATE_FORMAT, body, auditor, "sha256")


def _shown(value: Any) -> str:
    """How the page writes a leaf value."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return html.escape(str(value), quote=True)


def _leaves(value: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, f"{path}[{i}]")]
    return [(path, value)]


def test_every_field_of_the_body_appears() -> None:
    certificate = _certificate()
    page = render_certificate(certificate)
    body = dict(certificate.body)
    documents = body.pop("documents")
    missing = [(p, v) for p, v in _leaves(body) if v is not None and _shown(v) not in page]
    assert missing == []
    for name, embedded in documents.items():
        assert name in page
        for value in (embedded["format"], embedded["hash"], embedded["signer"]["fingerprint"]):
            assert value in page
        assert embedded["signature"] not in page  # listed, not repeated whole
    for value in (certificate.hash, certificate.signature, certificate.signer.fingerprint):
        assert value in page
    assert certificate.signer.name in page
    assert "NIST SP 800-88 Rev. 1" in page
    assert "superseded by Rev. 2" in page
    assert "Certificate of Sanitization" in page
    assert "数据销毁证明" in page
    assert "Ele.me 5.12" in page
    assert "litigation-2024-17" in page


def test_how_to_check_paragraph() -> None:
    page = render_certificate(_certificate())
    assert (
        "dataguard destroy check CERT.json [--plan PLAN] [--roster ROSTER] [--log AUDIT_LOG]"
        in page
    )
    assert "the signed JSON certificate is what counts" in page


def test_script_in_values_is_escaped() -> None:
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    page = render_certificate(_certificate(text=attack))
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_failed_verification_is_shown_failed() -> None:
    page = render_certificate(_certificate(result="failed"))
    assert '<span class="pill bad">failed</span>' in page
    ok = render_certificate(_certificate())
    assert '<span class="pill bad">' not in ok
    assert '<span class="pill ok">passed</span>' in ok


def test_absent_audit_anchor() -> None:
    page = render_certificate(_certificate(audit=False))
    assert "No audit anchor recorded" in page
    assert "No audit anchor recorded" not in render_certificate(_certificate())


def test_no_external_resources() -> None:
    page = render_certificate(_certificate())
    assert "http://" not in page
    assert "https://" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert "<script" not in page
    assert "@import" not in page
    assert "url(" not in page
    assert "default-src 'none'" in html.unescape(page)
    assert "@media print" in page
    assert "A4" in page


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.seen: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add(tag)
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()


@pytest.mark.parametrize("audit", [True, False])
def test_html_parses_and_tags_balance(audit: bool) -> None:
    parser = _Balance()
    parser.feed(render_certificate(_certificate(audit=audit, text="<b>&")))
    parser.close()
    assert parser.errors == []
    assert parser.stack == []
    assert {"html", "head", "body", "main", "table", "h1", "h2", "style"} <= parser.seen
