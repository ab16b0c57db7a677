"""Recipe: :class:`TokenVault`, access tokens stored encrypted in a database table.

Ele.me 5.7 / 8.5 ask that access tokens be stored encrypted by an approved scheme. A vault
keeps each token (an API key, an OAuth refresh token, a webhook secret) under a *name*
(``github:alice``, ``payments-webhook``) in one table of any SQLAlchemy database (SQLite,
PostgreSQL, MySQL/MariaDB), encrypted by a randomised :class:`~dataguard.crypto.keyring.
FieldCipher` under the DEK of one scope (``tokens`` by default)::

    vault = TokenVault(keyring, "postgresql+psycopg://app@db/app")
    vault.store("github:alice", token, expires_at=datetime(2025, 1, 1, tzinfo=UTC))
    vault.fetch("github:alice")        # the token; TokenExpired after 2025-01-01
    vault.revoke("github:alice")       # the ciphertext is wiped: TokenRevoked from now on
    vault.list()                       # names, dates and key versions; never tokens
    vault.rotate_key()                 # a new DEK version, every token re-encrypted under it

The table (created when missing; ``dataguard_tokens`` by default)::

    name        VARCHAR(255) primary key (utf8mb4_bin on MySQL/MariaDB: exact names)
    ciphertext  TEXT         dg1: token; '' once revoked
    created_at  DATETIME     UTC, when the current token was stored
    expires_at  DATETIME     UTC, or NULL: never
    revoked_at  DATETIME     UTC, or NULL: not revoked

What binds what: each ciphertext is bound (as associated data) to the vault's table, the
row's name and its expiry, so someone who can write the table but does not hold the
keystore cannot move a token to another name, swap two rows, or extend an expiry: the
token then fails to decrypt (:class:`~dataguard.errors.InvalidToken`, no detail). Times
are kept in UTC to the second (an expiry is rounded down), the same on every database.

Revoking overwrites the ciphertext with an empty value in the same statement that sets
``revoked_at``: the token cannot be decrypted from the table afterwards. Databases may
keep old row versions in their files until they are reused (PostgreSQL until VACUUM; the
vault turns on SQLite's ``secure_delete`` for engines it creates); those hold ciphertext,
never plaintext, and :meth:`Keyring.destroy <dataguard.crypto.keyring.Keyring.destroy>`
of the vault's scope makes every copy unreadable (crypto-shredding).

Errors: a missing name raises :class:`TokenNotFound` (a ``KeyError``); a revoked or
expired token raises :class:`TokenRevoked` / :class:`TokenExpired`. All three are
:class:`TokenVaultError`, a :class:`~dataguard.errors.UsageError`: they say what happened
to the name, never anything about the token. ``clock`` (a callable returning an aware
``datetime``) is the test seam for expiry and timestamps (architecture.md, convention 8).
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from dataguard.crypto.hazmat.wire import Envelope
from dataguard.crypto.keyring import FieldCipher, Keyring
from dataguard.errors import InvalidToken, UsageError

__all__ = [
    "DEFAULT_TABLE",
    "TokenExpired",
    "TokenInfo",
    "TokenNotFound",
    "TokenRevoked",
    "TokenVault",
    "TokenVaultError",
    "default_vault_url",
]

DEFAULT_TABLE = "dataguard_tokens"
DEFAULT_SCOPE = "tokens"
#: The longest name a vault stores (the primary key; fits MySQL's index limits in utf8mb4).
MAX_NAME = 255
#: The longest token, in UTF-8 bytes: its ciphertext must fit a MySQL TEXT (64 KiB).
MAX_TOKEN_BYTES = 32 * 1024
_TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}\Z")
_COLUMNS = ("name", "ciphertext", "created_at", "expires_at", "revoked_at")
_UPSERT_DIALECTS = ("sqlite", "postgresql", "mysql", "mariadb")
# MySQL/MariaDB compare text without case by default: names must be exact everywhere.
_NAME_TYPE = sa.String(MAX_NAME).with_variant(
    mysql.VARCHAR(MAX_NAME, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
)


class TokenVaultError(UsageError):
    """Something happened to a stored token (see the subclasses); never says its value."""


class TokenNotFound(TokenVaultError, KeyError):
    """No token is stored under this name (a ``KeyError`` too)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class TokenRevoked(TokenVaultError):
    """The token was revoked: its ciphertext is gone; store a new one under the name."""


class TokenExpired(TokenVaultError):
    """The token's expiry has passed; store a new one under the name."""


@dataclass(frozen=True)
class TokenInfo:
    """What :meth:`TokenVault.list` tells about one stored token: never the token.

    Times are aware UTC datetimes. ``key_version`` is the version of the scope's DEK the
    ciphertext is under (``None`` once revoked).
    """

    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    key_version: int | None

    def state(self, now: datetime) -> str:
        """``revoked``, ``expired`` or ``active`` at *now*."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


def default_vault_url() -> str:
    """``sqlite:///~/.local/share/dataguard/tokens.db``: apart from the keystore's folder."""
    return f"sqlite:///{Path.home() / '.local' / 'share' / 'dataguard' / 'tokens.db'}"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _to_db(moment: datetime) -> datetime:
    """*moment* as the database keeps it: naive UTC, whole seconds (exact everywhere)."""
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def _from_db(value: datetime | str | None) -> datetime | None:
    """A timestamp read back (naive UTC) as an aware UTC datetime; None stays None."""
    return None if value is None else _aware(value)


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):  # a driver that hands back text
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(tzinfo=UTC, microsecond=0)


class TokenVault:
    """Access tokens, encrypted, in a database table (see the module docstring).

    Args:
        keyring: the keyring whose DEK of *scope* encrypts the tokens (created if the
            scope has no key yet).
        url: an SQLAlchemy URL or an ``Engine`` (a given engine is not disposed by
            :meth:`close`); default :func:`default_vault_url`.
        table: the table's name (created if missing; an existing table must have the
            vault's columns).
        scope: the key scope of the tokens.
        clock: returns the current time as an aware ``datetime`` (test seam).

    Raises:
        UsageError: a bad table name or scope, an unsupported database, or an existing
            table that is not a vault's; raised here, not on first use.
    """

    def __init__(
        self,
        keyring: Keyring,
        url: str | sa.Engine | None = None,
        *,
        table: str = DEFAULT_TABLE,
        scope: str = DEFAULT_SCOPE,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if not _TABLE_NAME.match(table):
            raise UsageError(
                f"bad token table name {table!r}: letters, digits and _, at most 63 characters"
            )
        self.keyring = keyring
        self.scope = scope
        self.table_name = table
        self._clock = clock or _utc_now
        self._cipher: FieldCipher = keyring.cipher(scope)  # a bad scope fails here
        self._owns_engine = not isinstance(url, sa.Engine)
        self.engine: sa.Engine = url if isinstance(url, sa.Engine) else self._engine(url)
        if self.engine.dialect.name not in _UPSERT_DIALECTS:
            raise UsageError(
                f"{self.engine.dialect.name} is not supported for a token vault; "
                "use SQLite, PostgreSQL or MySQL/MariaDB"
            )
        metadata = sa.MetaData()
        self._table = sa.Table(
            table,
            metadata,
            sa.Column("name", _NAME_TYPE, primary_key=True),
            sa.Column("ciphertext", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("expires_at", sa.DateTime(), nullable=True),
            sa.Column("revoked_at", sa.DateTime(), nullable=True),
        )
        try:
            self._create_or_check(metadata)
        except BaseException:
            self.close()
            raise

    # -- setup --------------------------------------------------------------------------------

    @staticmethod
    def _engine(url: str | None) -> sa.Engine:
        if url is None:
            url = default_vault_url()
            Path(url.removeprefix("sqlite:///")).parent.mkdir(
                parents=True, exist_ok=True, mode=0o700
            )
        try:
            from dataguard.sources.database import with_installed_driver

            engine = sa.create_engine(with_installed_driver(url))
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
            shown = _describe(url)
            raise UsageError(f"cannot use database URL {shown} for a token vault: {exc}") from None
        if engine.dialect.name == "sqlite":
            # Deleted and overwritten content is zeroed in the file, not left in free pages.
            sa.event.listen(engine, "connect", _sqlite_secure_delete)
        return engine

    def _create_or_check(self, metadata: sa.MetaData) -> None:
        try:
            metadata.create_all(self.engine, checkfirst=True)
            found = sa.inspect(self.engine).get_columns(self.table_name)
        except sa.exc.SQLAlchemyError as exc:
            raise UsageError(
                f"cannot open the token table {self.table_name} in "
                f"{_describe(self.engine.url)}: {type(exc).__name__}"
            ) from None
        columns = {c["name"].lower() for c in found}
        missing = [c for c in _COLUMNS if c not in columns]
        if missing:
            raise UsageError(
                f"table {self.table_name} exists but is not a token vault (no column "
                f"{', '.join(missing)}); pass another table="
            )

    def close(self) -> None:
        """Release the database connections (of an engine the vault created)."""
        if self._owns_engine:
            self.engine.dispose()

    def __enter__(self) -> TokenVault:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"TokenVault({_describe(self.engine.url)!r}, table={self.table_name!r}, "
            f"scope={self.scope!r})"
        )

    # -- tokens -------------------------------------------------------------------------------

    def _context(self, name: str, expires_at: datetime | None) -> Mapping[str, str]:
        """The associated data of *name*'s ciphertext: table, name and expiry."""
        expiry = "" if expires_at is None else _to_db(expires_at).isoformat()
        return {"vault": self.table_name, "name": name, "expires_at": expiry}

    def store(self, name: str, token: str, *, expires_at: datetime | None = None) -> None:
        """Store *token* under *name*, replacing whatever was there (revoked or not).

        *expires_at* (an aware datetime, kept to the second) makes :meth:`fetch` refuse
        the token from then on.
        """
        _check_name(name)
        if not isinstance(token, str) or not token:
            raise UsageError("a token is a non-empty string")
        if len(token.encode("utf-8")) > MAX_TOKEN_BYTES:
            raise UsageError(f"a token is at most {MAX_TOKEN_BYTES} bytes of UTF-8")
        now = self._clock()
        if expires_at is not None:
            if expires_at.tzinfo is None:
                raise UsageError("expires_at must be timezone-aware (e.g. tzinfo=UTC)")
            if _to_db(expires_at) <= _to_db(now):
                raise UsageError(f"expires_at {expires_at.isoformat()} has already passed")
        ciphertext = self._cipher.encrypt(token, self._context(name, expires_at))
        values = {
            "name": name,
            "ciphertext": ciphertext,
            "created_at": _to_db(now),
            "expires_at": None if expires_at is None else _to_db(expires_at),
            "revoked_at": None,
        }
        with self.engine.begin() as connection:
            connection.execute(self._upsert(values))

    def _upsert(self, values: dict[str, Any]) -> Any:
        """An INSERT that replaces the row of the same name, in this database's dialect."""
        changed = {k: v for k, v in values.items() if k != "name"}
        dialect = self.engine.dialect.name
        if dialect in ("mysql", "mariadb"):
            from sqlalchemy.dialects.mysql import insert as mysql_insert

            return mysql_insert(self._table).values(**values).on_duplicate_key_update(**changed)
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            pg = pg_insert(self._table).values(**values)
            return pg.on_conflict_do_update(index_elements=["name"], set_=changed)
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        lite = sqlite_insert(self._table).values(**values)
        return lite.on_conflict_do_update(index_elements=["name"], set_=changed)

    def fetch(self, name: str) -> str:
        """The token stored under *name*.

        Raises:
            TokenNotFound: nothing is stored under *name* (a ``KeyError``).
            TokenRevoked: it was revoked.
            TokenExpired: its expiry has passed.
            InvalidToken: it does not decrypt (moved from another row, an expiry changed
                in the table, a destroyed key); no detail.
        """
        _check_name(name)
        t = self._table
        with self.engine.connect() as connection:
            row = connection.execute(t.select().where(t.c.name == name)).one_or_none()
        if row is None or row.name != name:  # a table made with a case-blind collation
            raise TokenNotFound(f"no token is stored under {name!r}")
        if row.revoked_at is not None:
            raise TokenRevoked(f"the token {name!r} was revoked; store a new one")
        expires_at = _from_db(row.expires_at)
        if expires_at is not None and expires_at <= self._clock().astimezone(UTC):
            raise TokenExpired(f"the token {name!r} expired at {expires_at.isoformat()}")
        if not row.ciphertext:
            raise InvalidToken
        return self.keyring.decrypt(row.ciphertext, self._context(name, expires_at))

    def revoke(self, name: str) -> None:
        """Revoke *name*'s token: ``revoked_at`` set and its ciphertext wiped, for good.

        Revoking a revoked token changes nothing; :class:`TokenNotFound` for no such name.
        """
        _check_name(name)
        t = self._table
        with self.engine.begin() as connection:
            done = connection.execute(
                t.update()
                .where(t.c.name == name, t.c.revoked_at.is_(None))
                .values(ciphertext="", revoked_at=_to_db(self._clock()))
            )
            if done.rowcount == 0:
                exists = connection.execute(sa.select(t.c.name).where(t.c.name == name))
                if exists.first() is None:
                    raise TokenNotFound(f"no token is stored under {name!r}")

    def list(self) -> builtins.list[TokenInfo]:
        """Every stored name with its dates and key version, by name; never a token."""
        t = self._table
        with self.engine.connect() as connection:
            found = connection.execute(t.select()).all()
        rows = sorted(found, key=lambda row: row.name)  # databases order text differently
        return [
            TokenInfo(
                name=row.name,
                created_at=_aware(row.created_at),
                expires_at=_from_db(row.expires_at),
                revoked_at=_from_db(row.revoked_at),
                key_version=_key_version(row.ciphertext),
            )
            for row in rows
        ]

    def rotate_key(self) -> int:
        """Rotate the scope's DEK and re-encrypt every stored token under the new version.

        For retiring an old DEK (tokens under older versions stay readable anyway). The
        re-encryption is one transaction, the rows locked while it runs: either every
        token moves to the new version or none does. Revoked rows have nothing to move.
        Returns how many tokens were re-encrypted.

        If it stops (an error, a lost connection), the transaction is rolled back and the
        scope's key is rotated all the same: every token stays readable under its old
        version; run it again.

        Raises:
            UsageError: a stored token does not decrypt (its row was tampered with); the
                transaction is rolled back, naming the row: revoke it and rotate again.
        """
        self.keyring.rotate(self.scope)
        t = self._table
        moved = 0
        with self.engine.begin() as connection:
            rows = connection.execute(
                t.select().where(t.c.revoked_at.is_(None)).order_by(t.c.name).with_for_update()
            ).all()
            for row in rows:
                if not row.ciphertext:
                    continue
                context = self._context(row.name, _from_db(row.expires_at))
                try:
                    token = self.keyring.decrypt(row.ciphertext, context)
                except InvalidToken:
                    raise UsageError(
                        f"the stored token {row.name!r} does not decrypt; nothing was "
                        "re-encrypted: revoke it, then rotate again"
                    ) from None
                connection.execute(
                    t.update()
                    .where(t.c.name == row.name, t.c.ciphertext == row.ciphertext)
                    .values(ciphertext=self._cipher.encrypt(token, context))
                )
                moved += 1
        return moved


def _key_version(ciphertext: str | None) -> int | None:
    if not ciphertext:
        return None
    try:
        return Envelope.from_text(ciphertext).key_version
    except InvalidToken:
        return None


def _check_name(name: str) -> None:
    # Surrounding spaces are refused: MySQL/MariaDB compare 'a' and 'a ' as equal.
    if not isinstance(name, str) or not name or len(name) > MAX_NAME or name != name.strip():
        raise UsageError(
            f"a token name is a string of 1 to {MAX_NAME} characters, without spaces around it"
        )


def _describe(url: Any) -> str:
    """The URL with its password hidden (all of it, ``@`` included)."""
    from dataguard.sources.database import describe_url  # polars: only when needed

    return describe_url(url)


def _sqlite_secure_delete(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.close()
