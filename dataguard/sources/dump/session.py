"""What the dump has set so far: its dialect, string quoting, delimiter and default schema.

mysqldump and pg_dump change these as they go (``SET … SQL_MODE``, ``DELIMITER``, ``USE db``,
``SET search_path``, ``standard_conforming_strings``); the scanners read by the rules in force.
"""

from __future__ import annotations

import re

from dataguard.sources.dump.lexemes import IDENT, unquote

_SQL_MODE = re.compile(r"SQL_MODE\s*=\s*'([^']*)'", re.I)
_SEARCH_PATH = re.compile(
    r"(?:SET\s+search_path\s*(?:=|TO)\s*(?P<set>[^;]*)"
    r"|set_config\s*\(\s*'search_path'\s*,\s*'(?P<config>[^']*)')",
    re.I,
)
_CONFORMING = re.compile(r"SET\s+standard_conforming_strings\s*(?:=|TO)\s*'?(on|off)", re.I)
_USE = re.compile(rf"USE\s+(?P<db>{IDENT})\s*$", re.I)


def qualified(schema: str | None, name: str) -> str:
    """``schema.name``, or ``name`` without a schema."""
    return f"{schema}.{name}" if schema else name


class Session:
    """The settings in force at the current place in one dump."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.mysql = dialect == "mysql"
        self.backslash = self.mysql  # MySQL escapes with \; PostgreSQL standard strings do not
        self.delimiter = ";"
        self.default_schema: str | None = None  # USE db / search_path

    def qualify(self, parts: list[str]) -> tuple[str | None, str]:
        """(schema, table) of a possibly qualified name; the default schema fills a bare one."""
        if len(parts) >= 2:
            return parts[-2], parts[-1]
        return self.default_schema, parts[0]

    def sql_mode(self, text: str) -> None:
        """Follow NO_BACKSLASH_ESCAPES in a ``SQL_MODE='…'`` setting (MySQL's ``SET`` or
        ``/*!40101 SET … */`` conditional comment)."""
        mode = _SQL_MODE.search(text)
        if mode:
            self.backslash = "NO_BACKSLASH_ESCAPES" not in mode.group(1).upper()

    def use(self, text: str) -> None:
        """``USE db``: bare names that follow are in *db*."""
        use = _USE.match(text.strip())
        if use:
            self.default_schema = unquote(use.group("db"))

    def setting(self, text: str) -> None:
        """``SET …`` or ``SELECT pg_catalog.set_config(…)``: search_path, string quoting."""
        path = _SEARCH_PATH.search(text)
        if path:
            value = path.group("set") if path.group("set") is not None else path.group("config")
            schemas = [
                unquote(s.strip().strip("'"))
                for s in (value or "").split(",")
                if s.strip().strip("'")
            ]
            schemas = [s for s in schemas if s not in ("pg_catalog", "$user")]
            self.default_schema = schemas[0] if schemas else None
        conforming = _CONFORMING.search(text)
        if conforming and not self.mysql:
            self.backslash = conforming.group(1).lower() == "off"
        if self.mysql:
            self.sql_mode(text)
