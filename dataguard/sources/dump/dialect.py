"""Which SQL dialect a dump is written in, when the caller says ``auto``."""

from __future__ import annotations

import re

DIALECTS = ("auto", "mysql", "postgresql")

_DIALECT_MARKERS = re.compile(
    r"(?P<postgresql>PostgreSQL database dump|pg_dump|SET\s+search_path|"
    r"set_config\('search_path'|SET\s+standard_conforming_strings|"
    r"COPY\s+[^;\n]+\s+FROM\s+stdin)"
    r"|(?P<mysql>`|\bENGINE\s*=|/\*!\d{5}|MySQL dump|MariaDB dump|\bLOCK\s+TABLES\b|"
    r"\bAUTO_INCREMENT\b)",
    re.I,
)


def marked_dialect(head: str) -> str | None:
    """The dialect whose marker comes first in *head*, or None when it has none."""
    match = _DIALECT_MARKERS.search(head)
    return match.lastgroup if match else None


def detect_dialect(head: str) -> str:
    """The dialect whose marker comes first in *head*; mysql when there is none."""
    return marked_dialect(head) or "mysql"
