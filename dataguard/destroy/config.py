"""destroy.toml: what a destruction run targets, and what it must never touch.

The file is the operator's input; it may name data subjects (their ids are personal data),
so it is kept like any other file holding personal data, and the plan made from it records
only counts and keyed hashes. Format (TOML; every key documented in docs/destruction.md)::

    name = "orders-retention-2026-11"                   # required: names the plan
    reason = "authorisation lapsed (Ele.me 5.12)"       # required: why this data goes

    [database]                          # the default database of [[rows]] targets
    url = "postgresql+psycopg://dba@db/shop"     # or url_env = "SHOP_DB_URL"

    [subjects]                          # data subjects whose data goes (optional)
    ids = ["u1001", "u1002"]            # and/or file = "subjects.txt" (one id a line)

    [[rows]]                            # rows of a table, by retention rule and/or subject
    table = "orders"                    # schema = "public" optional; database = "…" optional
    key = ["id"]                        # optional: the primary key is read from the catalogue
    date_column = "created_at"          # with older_than: rows older than 3 years
    older_than = "3y"                   # Ny, Nm (months), Nd (days)
    where = "consent_expired = 1"       # optional SQL condition (trusted operator input)
    subject_column = "user_id"          # optional: only rows of the [subjects]

    [[holds]]                           # legal holds: matching rows are never destroyed
    name = "litigation-2026-17"
    table = "orders"                    # or "*" for every [[rows]] target
    where = "order_no = 'A-1001'"       # and/or subjects = ["u1002"] (via subject_column)

    [[files]]                           # files by path or glob (relative to this file)
    paths = ["exports/2023-*.csv"]

    [[keys]]                            # crypto-shredding: the [subjects]' own DEKs
    keystore = "team-keys.json"         # relative to this file; passphrase_env optional

A condition in ``where`` is SQL written by the operator and approved with the plan (its
text is part of what the approver signs); it runs as given.
"""

from __future__ import annotations

import hmac
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dataguard.errors import UsageError

__all__ = [
    "DestroyConfig",
    "FilesTarget",
    "Hold",
    "KeysTarget",
    "RowsTarget",
    "load_config",
    "older_than_cutoff",
]

_AGE = re.compile(r"\s*(\d{1,4})\s*([ymd])\s*\Z")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_$]{0,62}\Z")
_TOP_KEYS = {
    "name",
    "reason",
    "organisation",
    "database",
    "subjects",
    "rows",
    "holds",
    "files",
    "keys",
}
_MAX_SUBJECTS = 1_000_000
_RELATIVE_SQLITE = re.compile(r"(sqlite(?:\+\w+)?:///)(?!/)(.*)\Z", re.DOTALL)


@dataclass(frozen=True)
class RowsTarget:
    """Rows of one table: a retention rule (date + age, SQL condition) and/or subjects."""

    table: str
    database: str
    schema: str | None = None
    key: tuple[str, ...] = ()
    date_column: str | None = None
    older_than: str | None = None
    where: str | None = None
    subject_column: str | None = None

    @property
    def target_id(self) -> str:
        """``rows:[schema.]table``: how plans, journals and certificates name the target."""
        return f"rows:{self.schema + '.' if self.schema else ''}{self.table}"


@dataclass(frozen=True)
class Hold:
    """A legal hold: rows of *table* (``*``: every table) matching it are never destroyed."""

    name: str
    table: str
    where: str | None = None
    subjects: tuple[str, ...] = ()

    def applies_to(self, target: RowsTarget) -> bool:
        """Whether this hold covers *target*'s table."""
        return self.table in ("*", target.table)


@dataclass(frozen=True)
class FilesTarget:
    """Files by path or glob, relative to the config file's folder."""

    patterns: tuple[str, ...]


@dataclass(frozen=True)
class KeysTarget:
    """The subjects' own DEKs in one keystore (crypto-shredding)."""

    keystore: Path
    passphrase_env: str | None = None


@dataclass(frozen=True)
class DestroyConfig:
    """A parsed destroy.toml (see the module docstring)."""

    path: Path
    name: str
    reason: str
    organisation: str | None
    rows: tuple[RowsTarget, ...]
    holds: tuple[Hold, ...]
    files: tuple[FilesTarget, ...]
    keys: tuple[KeysTarget, ...]
    subjects: tuple[str, ...] = field(repr=False)
    #: The bytes the plan's keyed hash of the configuration covers (file and subjects file).
    raw: bytes = field(repr=False, default=b"")

    def __repr__(self) -> str:
        return (
            f"DestroyConfig({str(self.path)!r}, name={self.name!r}, rows={len(self.rows)}, "
            f"files={len(self.files)}, keys={len(self.keys)}, subjects={len(self.subjects)})"
        )

    def mac(self, key: bytes, algorithm: str = "sha256") -> str:
        """HMAC of the configuration's bytes under *key* (how a plan pins its config)."""
        from dataguard.destroy.documents import keyed_digest

        return keyed_digest(key, b"config", self.raw, algorithm)

    def matches(self, key: bytes, mac: str, algorithm: str = "sha256") -> bool:
        """Whether this configuration is the one a plan's *mac* was made of."""
        return hmac.compare_digest(self.mac(key, algorithm), mac)


def older_than_cutoff(age: str, now: datetime) -> datetime:
    """The instant *age* (``3y``, ``18m``, ``90d``) before *now* (calendar arithmetic, UTC)."""
    match = _AGE.match(age)
    if not match:
        raise UsageError(f'older_than {age!r}: write a number and y, m or d, e.g. "3y"')
    count, unit = int(match.group(1)), match.group(2)
    if unit == "d":
        from datetime import timedelta

        return now - timedelta(days=count)
    months = count * 12 if unit == "y" else count
    year, month = divmod(now.month - 1 - months, 12)
    year += now.year
    month += 1
    # Clamp the day: three years before 29 February is 28 February.
    for day in (now.day, 30, 29, 28):
        try:
            return now.replace(year=year, month=month, day=min(now.day, day))
        except ValueError:
            continue
    raise UsageError(f"older_than {age!r} reaches before the year 1")  # pragma: no cover


def _where(path: Path, section: str) -> str:
    return f"{path}: [{section}]"


def _string(table: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> Any:
    value = table.get(key)
    if value is None:
        if required:
            raise UsageError(f"{where}: `{key}` is required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{where}: `{key}` must be a non-empty string")
    return value.strip()


def _identifier(table: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> Any:
    value = _string(table, key, where, required=required)
    if value is not None and not _IDENT.match(value):
        raise UsageError(f"{where}: `{key}` {value!r} is not a plain SQL identifier")
    return value


def _unknown(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise UsageError(f"{where}: unknown key(s) {', '.join(extra)}; see docs/destruction.md")


def _list_of_tables(doc: Mapping[str, Any], key: str, path: Path) -> list[Mapping[str, Any]]:
    value = doc.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise UsageError(f"{path}: `{key}` is a list of tables, written [[{key}]]")
    return value


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise UsageError(f"{what} is a list of strings")
    items = []
    for item in value:
        if isinstance(item, int) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str) or not item.strip():
            raise UsageError(f"{what} is a list of non-empty strings")
        items.append(item.strip())
    return tuple(items)


def _database(doc: Mapping[str, Any], path: Path) -> str | None:
    section = doc.get("database")
    if section is None:
        return None
    if not isinstance(section, Mapping):
        raise UsageError(f"{path}: [database] is a table with url or url_env")
    where = _where(path, "database")
    _unknown(section, {"url", "url_env"}, where)
    return _url(section, where, path.parent)


def _url(section: Mapping[str, Any], where: str, base: Path) -> str | None:
    url = _string(section, "url", where)
    variable = _string(section, "url_env", where)
    if url and variable:
        raise UsageError(f"{where}: give url or url_env, not both")
    if variable:
        url = os.environ.get(variable)
        if not url:
            raise UsageError(f"{where}: url_env names ${variable}, which is not set")
    relative = _RELATIVE_SQLITE.match(url or "")
    if url and relative and relative.group(2) not in ("", ":memory:"):
        # A relative SQLite path is relative to the config file, like every other path here.
        url = relative.group(1) + str((base / relative.group(2)).resolve())
    return url


def _subjects(doc: Mapping[str, Any], path: Path) -> tuple[tuple[str, ...], bytes]:
    section = doc.get("subjects")
    if section is None:
        return (), b""
    if not isinstance(section, Mapping):
        raise UsageError(f"{path}: [subjects] is a table with ids and/or file")
    where = _where(path, "subjects")
    _unknown(section, {"ids", "file"}, where)
    ids = list(_strings(section.get("ids", []), f"{where}: `ids`"))
    raw = b""
    name = _string(section, "file", where)
    if name:
        file = (path.parent / name).resolve()
        try:
            raw = file.read_bytes()
            text = raw.decode("utf-8")
        except OSError as exc:
            raise UsageError(
                f"{where}: cannot read the subjects file {file}: {exc.strerror}"
            ) from None
        except UnicodeDecodeError:
            raise UsageError(f"{where}: the subjects file {file} is not UTF-8") from None
        ids.extend(line.strip() for line in text.splitlines() if line.strip())
    if len(ids) > _MAX_SUBJECTS:
        raise UsageError(f"{where}: more than {_MAX_SUBJECTS:,} subjects; split the run")
    return tuple(dict.fromkeys(ids)), raw


def _rows(doc: Mapping[str, Any], path: Path, default_url: str | None) -> list[RowsTarget]:
    targets = []
    for number, table in enumerate(_list_of_tables(doc, "rows", path), 1):
        where = _where(path, f"rows #{number}")
        _unknown(
            table,
            {
                "table",
                "schema",
                "database",
                "key",
                "date_column",
                "older_than",
                "where",
                "subject_column",
            },
            where,
        )
        url = default_url
        if "database" in table:
            url = _url({"url": table["database"]}, where, path.parent)
        if not url:
            raise UsageError(f"{where}: no database: add [database] url or a database key")
        key = table.get("key", [])
        if isinstance(key, str):
            key = [key]
        key_columns = _strings(key, f"{where}: `key`")
        for column in key_columns:
            if not _IDENT.match(column):
                raise UsageError(f"{where}: key column {column!r} is not a plain SQL identifier")
        target = RowsTarget(
            table=_identifier(table, "table", where, required=True),
            database=url,
            schema=_identifier(table, "schema", where),
            key=key_columns,
            date_column=_identifier(table, "date_column", where),
            older_than=_string(table, "older_than", where),
            where=_string(table, "where", where),
            subject_column=_identifier(table, "subject_column", where),
        )
        if (target.date_column is None) != (target.older_than is None):
            raise UsageError(f"{where}: date_column and older_than go together")
        if target.older_than:
            older_than_cutoff(target.older_than, datetime.now(UTC))  # validates the text
        if not (target.older_than or target.where or target.subject_column):
            raise UsageError(
                f"{where}: say which rows go: older_than + date_column, where, or subject_column"
                " (a whole table is never destroyed by default)"
            )
        targets.append(target)
    ids = [t.target_id for t in targets]
    if len(set(ids)) != len(ids):
        raise UsageError(f"{path}: a table appears in two [[rows]] targets; merge them")
    return targets


def _holds(doc: Mapping[str, Any], path: Path) -> list[Hold]:
    holds = []
    for number, table in enumerate(_list_of_tables(doc, "holds", path), 1):
        where = _where(path, f"holds #{number}")
        _unknown(table, {"name", "table", "where", "subjects"}, where)
        hold = Hold(
            name=_string(table, "name", where, required=True),
            table=_string(table, "table", where, required=True),
            where=_string(table, "where", where),
            subjects=_strings(table.get("subjects", []), f"{where}: `subjects`"),
        )
        if not hold.where and not hold.subjects:
            raise UsageError(f"{where}: a hold needs where and/or subjects")
        holds.append(hold)
    return holds


def _files(doc: Mapping[str, Any], path: Path) -> list[FilesTarget]:
    targets = []
    for number, table in enumerate(_list_of_tables(doc, "files", path), 1):
        where = _where(path, f"files #{number}")
        _unknown(table, {"paths"}, where)
        patterns = _strings(table.get("paths", []), f"{where}: `paths`")
        if not patterns:
            raise UsageError(f"{where}: `paths` lists at least one path or glob")
        targets.append(FilesTarget(patterns))
    return targets


def _keys(doc: Mapping[str, Any], path: Path) -> list[KeysTarget]:
    targets = []
    for number, table in enumerate(_list_of_tables(doc, "keys", path), 1):
        where = _where(path, f"keys #{number}")
        _unknown(table, {"keystore", "passphrase_env"}, where)
        keystore = _string(table, "keystore", where, required=True)
        targets.append(
            KeysTarget(
                keystore=(path.parent / keystore).resolve(),
                passphrase_env=_string(table, "passphrase_env", where),
            )
        )
    return targets


def load_config(path: str | os.PathLike[str]) -> DestroyConfig:
    """Read and check destroy.toml at *path*; UsageError naming the section on any problem."""
    path = Path(path).resolve()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the destruction config {path}: {exc.strerror}") from None
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path} is not valid TOML: {exc}") from None
    _unknown(doc, _TOP_KEYS, str(path))
    subjects, subjects_raw = _subjects(doc, path)
    rows = _rows(doc, path, _database(doc, path))
    holds = _holds(doc, path)
    for hold in holds:
        if hold.table != "*" and hold.table not in {t.table for t in rows}:
            raise UsageError(
                f"{path}: hold {hold.name!r} names table {hold.table!r}, which no [[rows]] "
                "target destroys (a typo would leave the rows it means unprotected)"
            )
        if hold.subjects and not any(t.subject_column for t in rows if hold.applies_to(t)):
            raise UsageError(
                f"{path}: hold {hold.name!r} holds subjects, but its table has no subject_column"
            )
    keys = _keys(doc, path)
    needs_subjects = [t.target_id for t in rows if t.subject_column] + (["keys"] if keys else [])
    if needs_subjects and not subjects:
        raise UsageError(
            f"{path}: {', '.join(needs_subjects)} select by subject, but [subjects] lists none"
        )
    config = DestroyConfig(
        path=path,
        name=_string(doc, "name", str(path), required=True),
        reason=_string(doc, "reason", str(path), required=True),
        organisation=_string(doc, "organisation", str(path)),
        rows=tuple(rows),
        holds=tuple(holds),
        files=tuple(_files(doc, path)),
        keys=tuple(keys),
        subjects=subjects,
        raw=raw + b"\x00" + subjects_raw,
    )
    if not (config.rows or config.files or config.keys):
        raise UsageError(f"{path}: nothing to destroy: add [[rows]], [[files]] or [[keys]]")
    return config
