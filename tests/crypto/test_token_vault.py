"""TokenVault (dataguard.crypto.token_vault) on SQLite, PostgreSQL and MariaDB.

The PostgreSQL and MariaDB cases use real servers through the ``empty_database`` fixture
(tests/conftest.py); they skip, naming the variable, when a server is not reachable.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from dataguard.crypto.hazmat.wire import Envelope
from dataguard.crypto.keyring import Keyring
from dataguard.crypto.token_vault import (
    TokenExpired,
    TokenNotFound,
    TokenRevoked,
    TokenVault,
    TokenVaultError,
)
from dataguard.errors import InvalidToken, UsageError

PASSPHRASE = "correct horse battery staple"
#: The lowest scrypt cost the keystore accepts.
FAST: dict[str, Any] = {"kdf_params": {"n": 2**15, "r": 8, "p": 1}}
GITHUB = "ghp_R2VuZXJhdGVkVGVzdFRva2VuT25seTAwMDAwMDAw"  # synthetic, shaped like a PAT
WEBHOOK = "whsec_c3ludGhldGljLXdlYmhvb2stc2VjcmV0LTEyMzQ1"
START = datetime(2024, 6, 1, 8, 30, 15, tzinfo=UTC)


class Clock:
    """A settable clock (the vault's test seam)."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring.create(tmp_path / "keys.json", passphrase=PASSPHRASE, **FAST)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def vault(keyring: Keyring, empty_database: str, clock: Clock) -> Iterator[TokenVault]:
    with TokenVault(keyring, empty_database, clock=clock) as opened:
        yield opened


def rows(vault: TokenVault) -> list[dict[str, object]]:
    """Every row of the vault's table, every column, as the database returns it."""
    with vault.engine.connect() as connection:
        result = connection.execute(sa.text(f"SELECT * FROM {vault.table_name} ORDER BY name"))
        return [dict(row._mapping) for row in result]


def execute(vault: TokenVault, sql: str, **params: object) -> None:
    with vault.engine.begin() as connection:
        connection.execute(sa.text(sql), params)


# -- storing and fetching --------------------------------------------------------------------


def test_store_and_fetch_round_trip(vault: TokenVault) -> None:
    vault.store("github:alice", GITHUB)
    vault.store("payments-webhook", WEBHOOK, expires_at=START + timedelta(days=30))
    vault.store("unicode:张三", "令牌-ü-🔑")
    assert vault.fetch("github:alice") == GITHUB
    assert vault.fetch("payments-webhook") == WEBHOOK
    assert vault.fetch("unicode:张三") == "令牌-ü-🔑"
    listed = {info.name: info for info in vault.list()}
    assert sorted(listed) == ["github:alice", "payments-webhook", "unicode:张三"]
    hook = listed["payments-webhook"]
    assert hook.created_at == START
    assert hook.expires_at == START + timedelta(days=30)
    assert hook.revoked_at is None
    assert hook.key_version == 1
    assert hook.state(START) == "active"
    assert listed["github:alice"].expires_at is None


def test_storing_again_replaces_the_token(vault: TokenVault, clock: Clock) -> None:
    vault.store("github:alice", "first-token-value", expires_at=START + timedelta(hours=1))
    clock.advance(timedelta(minutes=5))
    vault.store("github:alice", GITHUB)
    assert vault.fetch("github:alice") == GITHUB
    (row,) = rows(vault)
    assert row["expires_at"] is None
    assert vault.list()[0].created_at == START + timedelta(minutes=5)
    assert "first-token-value" not in repr(rows(vault))


def test_no_plaintext_in_the_table(vault: TokenVault, empty_database: str) -> None:
    vault.store("github:alice", GITHUB)
    vault.store("payments-webhook", WEBHOOK)
    vault.store("github:alice", GITHUB + "-replaced")
    everything = repr(rows(vault))
    for secret in (GITHUB, WEBHOOK, "R2VuZXJhdGVkVGVzdFRva2Vu", "c3ludGhldGlj"):
        assert secret not in everything
    for row in rows(vault):
        assert str(row["ciphertext"]).startswith("dg1:")
    if empty_database.startswith("sqlite:"):
        raw = Path(sa.engine.make_url(empty_database).database or "").read_bytes()
        assert GITHUB.encode() not in raw
        assert WEBHOOK.encode() not in raw


def test_missing_names_raise_key_error(vault: TokenVault) -> None:
    with pytest.raises(KeyError):
        vault.fetch("nobody")
    with pytest.raises(TokenNotFound, match="no token is stored under 'nobody'"):
        vault.revoke("nobody")
    assert issubclass(TokenNotFound, TokenVaultError)
    assert issubclass(TokenVaultError, UsageError)


def test_names_are_exact_on_every_database(vault: TokenVault) -> None:
    vault.store("github:alice", GITHUB)
    vault.store("GitHub:Alice", WEBHOOK)  # MySQL's default collation would call them equal
    assert vault.fetch("github:alice") == GITHUB
    assert vault.fetch("GitHub:Alice") == WEBHOOK
    with pytest.raises(TokenNotFound):
        vault.fetch("GITHUB:ALICE")
    assert [i.name for i in vault.list()] == sorted(["GitHub:Alice", "github:alice"])


def test_bad_arguments_fail_with_a_usage_error(vault: TokenVault) -> None:
    for name in ("", "x" * 256, "alice ", " alice"):
        with pytest.raises(UsageError, match="token name"):
            vault.store(name, GITHUB)
    with pytest.raises(UsageError, match="non-empty"):
        vault.store("a", "")
    with pytest.raises(UsageError, match="timezone-aware"):
        vault.store("a", GITHUB, expires_at=datetime(2030, 1, 1))  # naive: refused
    with pytest.raises(UsageError, match="already passed"):
        vault.store("a", GITHUB, expires_at=START - timedelta(seconds=1))
    assert rows(vault) == []


# -- what someone who can write the table cannot do ------------------------------------------


def test_swapped_rows_do_not_decrypt(vault: TokenVault) -> None:
    vault.store("github:alice", GITHUB)
    vault.store("github:bob", WEBHOOK)
    by_name = {r["name"]: r["ciphertext"] for r in rows(vault)}
    table = vault.table_name
    execute(vault, f"UPDATE {table} SET ciphertext = :c WHERE name = 'github:alice'",
            c=by_name["github:bob"])  # fmt: skip
    execute(vault, f"UPDATE {table} SET ciphertext = :c WHERE name = 'github:bob'",
            c=by_name["github:alice"])  # fmt: skip
    for name in ("github:alice", "github:bob"):
        with pytest.raises(InvalidToken) as info:
            vault.fetch(name)
        assert str(info.value) == ""


def test_a_row_copied_under_a_new_name_does_not_decrypt(vault: TokenVault) -> None:
    vault.store("github:alice", GITHUB)
    execute(
        vault,
        f"INSERT INTO {vault.table_name} (name, ciphertext, created_at) "
        f"SELECT 'github:mallory', ciphertext, created_at FROM {vault.table_name}",
    )
    with pytest.raises(InvalidToken):
        vault.fetch("github:mallory")
    assert vault.fetch("github:alice") == GITHUB


def test_an_extended_expiry_does_not_decrypt(vault: TokenVault, clock: Clock) -> None:
    vault.store("github:alice", GITHUB, expires_at=START + timedelta(hours=1))
    execute(vault, f"UPDATE {vault.table_name} SET expires_at = NULL")
    with pytest.raises(InvalidToken):
        vault.fetch("github:alice")
    later = datetime(2099, 1, 1)  # the table keeps naive UTC
    execute(vault, f"UPDATE {vault.table_name} SET expires_at = :e", e=later)
    clock.advance(timedelta(hours=2))
    with pytest.raises(InvalidToken):
        vault.fetch("github:alice")


# -- revoking, expiring ----------------------------------------------------------------------


def test_revoke_wipes_the_ciphertext(vault: TokenVault, clock: Clock) -> None:
    vault.store("github:alice", GITHUB)
    vault.store("github:bob", WEBHOOK)
    clock.advance(timedelta(minutes=1))
    vault.revoke("github:alice")
    with pytest.raises(TokenRevoked, match="revoked"):
        vault.fetch("github:alice")
    alice, bob = rows(vault)
    assert alice["ciphertext"] == ""
    assert alice["revoked_at"] is not None
    assert str(bob["ciphertext"]).startswith("dg1:")
    info = vault.list()[0]
    assert (info.revoked_at, info.key_version) == (START + timedelta(minutes=1), None)
    assert info.state(clock()) == "revoked"
    clock.advance(timedelta(minutes=1))
    vault.revoke("github:alice")  # again: nothing changes
    assert vault.list()[0].revoked_at == START + timedelta(minutes=1)
    # Clearing revoked_at in the table brings nothing back: the ciphertext is gone.
    execute(vault, f"UPDATE {vault.table_name} SET revoked_at = NULL")
    with pytest.raises(InvalidToken):
        vault.fetch("github:alice")
    assert vault.fetch("github:bob") == WEBHOOK
    # A new token may be stored under a revoked name.
    vault.store("github:alice", GITHUB + "-new")
    assert vault.fetch("github:alice") == GITHUB + "-new"


def test_expiry_follows_the_clock(vault: TokenVault, clock: Clock) -> None:
    vault.store("github:alice", GITHUB, expires_at=START + timedelta(hours=1, microseconds=7))
    clock.advance(timedelta(minutes=59, seconds=59))
    assert vault.fetch("github:alice") == GITHUB
    clock.advance(timedelta(seconds=1))  # the expiry is kept to the second, rounded down
    with pytest.raises(TokenExpired, match="expired at 2024-06-01T09:30:15"):
        vault.fetch("github:alice")
    assert vault.list()[0].state(clock()) == "expired"


# -- rotation --------------------------------------------------------------------------------


def versions(vault: TokenVault) -> dict[str, int]:
    return {
        str(r["name"]): Envelope.from_text(str(r["ciphertext"])).key_version
        for r in rows(vault)
        if r["ciphertext"]
    }


def test_rotate_key_re_encrypts_every_token(vault: TokenVault, keyring: Keyring) -> None:
    vault.store("github:alice", GITHUB)
    vault.store("payments-webhook", WEBHOOK, expires_at=START + timedelta(days=1))
    vault.store("github:bob", "revoked-before-rotation")
    vault.revoke("github:bob")
    before = {r["name"]: r["ciphertext"] for r in rows(vault)}
    assert versions(vault) == {"github:alice": 1, "payments-webhook": 1}
    assert vault.rotate_key() == 2
    assert versions(vault) == {"github:alice": 2, "payments-webhook": 2}
    assert keyring.keystore.active("tokens").version == 2
    after = {r["name"]: r["ciphertext"] for r in rows(vault)}
    assert after["github:alice"] != before["github:alice"]
    assert after["github:bob"] == ""
    assert vault.fetch("github:alice") == GITHUB
    assert vault.fetch("payments-webhook") == WEBHOOK
    with pytest.raises(TokenRevoked):
        vault.fetch("github:bob")
    assert {i.name: i.key_version for i in vault.list()} == {
        "github:alice": 2,
        "github:bob": None,
        "payments-webhook": 2,
    }
    # A reopened keyring (another process) reads the rotated tokens.
    reopened = Keyring.open(keyring.keystore.path, PASSPHRASE)
    again = TokenVault(reopened, vault.engine)
    assert again.fetch("github:alice") == GITHUB


def test_rotate_key_is_all_or_nothing(vault: TokenVault) -> None:
    vault.store("github:alice", GITHUB)
    vault.store("github:bob", WEBHOOK)
    execute(vault, f"UPDATE {vault.table_name} SET ciphertext = :c WHERE name = 'github:bob'",
            c=rows(vault)[0]["ciphertext"])  # fmt: skip
    with pytest.raises(UsageError, match="'github:bob' does not decrypt"):
        vault.rotate_key()
    assert versions(vault) == {"github:alice": 1, "github:bob": 1}  # rolled back
    assert vault.fetch("github:alice") == GITHUB


# -- the table -------------------------------------------------------------------------------


def test_a_second_vault_shares_the_table(keyring: Keyring, empty_database: str) -> None:
    with TokenVault(keyring, empty_database, table="api_tokens") as first:
        first.store("github:alice", GITHUB)
    with TokenVault(keyring, empty_database, table="api_tokens") as second:
        assert second.fetch("github:alice") == GITHUB
        assert "api_tokens" in repr(second)
    # The table name is bound too: a row copied to another vault's table does not decrypt.
    with TokenVault(keyring, empty_database) as other:
        execute(
            other,
            "INSERT INTO dataguard_tokens (name, ciphertext, created_at) "
            "SELECT name, ciphertext, created_at FROM api_tokens",
        )
        with pytest.raises(InvalidToken):
            other.fetch("github:alice")


def test_the_table_is_checked_when_the_vault_opens(keyring: Keyring, empty_database: str) -> None:
    engine = sa.create_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE not_tokens (id INTEGER PRIMARY KEY)"))
    with pytest.raises(UsageError, match=r"not a token vault .*ciphertext"):
        TokenVault(keyring, engine, table="not_tokens")
    with pytest.raises(UsageError, match="bad token table name"):
        TokenVault(keyring, engine, table="tokens; DROP TABLE x")
    with pytest.raises(UsageError, match="bad key scope"):
        TokenVault(keyring, engine, scope="no spaces allowed")
    engine.dispose()


def test_default_url_is_a_file_apart_from_the_keystore(
    keyring: Keyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with TokenVault(keyring) as vault:
        vault.store("a", GITHUB)
    assert (tmp_path / "home" / ".local" / "share" / "dataguard" / "tokens.db").is_file()
