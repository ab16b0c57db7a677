"""Shared fixtures (one default detector per session) and hypothesis profiles."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from dataguard import Detector
from dataguard.detect import regex_cache

# CI runs the same examples every time (a red build must be reproducible); a developer's
# run explores new ones. HYPOTHESIS_PROFILE=dev forces exploration anywhere.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def detector() -> Detector:
    """The default detector; its single-text path never loads the Hyperscan prefilter, so
    that ``detect`` stays an independent reference for the batch path's parity tests
    (tests/detect/test_multiscan.py holds the prefiltered single-text path to it)."""
    pure = Detector()
    pure._multi = False
    return pure


@pytest.fixture(autouse=True)
def _no_masking_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that need a key, a keystore or an identity set one; a developer's own must not
    leak in (a test would then sign or decrypt with it)."""
    for variable in (
        "DATAGUARD_MASK_KEY",
        "DATAGUARD_KEYSTORE",
        "DATAGUARD_KEYSTORE_PASSPHRASE",
        "DATAGUARD_KEYSTORE_NEW_PASSPHRASE",
        "DATAGUARD_IDENTITY_KEYSTORE",
        "DATAGUARD_IDENTITY_PASSPHRASE",
    ):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture(autouse=True)
def _audit_log_of_the_test(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Commands record into a log of the test's own, never the developer's home.

    It sits outside ``tmp_path``, so tests that list their directory do not see it; a test
    that reads it takes ``os.environ["DATAGUARD_AUDIT_LOG"]`` or sets its own. The actor
    is left to the login name unless a test sets ``DATAGUARD_ACTOR``.
    """
    log = tmp_path_factory.mktemp("audit") / "audit.jsonl"
    monkeypatch.setenv("DATAGUARD_AUDIT_LOG", str(log))
    monkeypatch.delenv("DATAGUARD_ACTOR", raising=False)


# -- real database servers ------------------------------------------------------------------
# PostgreSQL and MariaDB are real servers: their URLs come from DATAGUARD_TEST_POSTGRES_URL
# and DATAGUARD_TEST_MYSQL_URL (defaults: the local services). Without a reachable server a
# test skips, naming the variable, unless DATAGUARD_REQUIRE_DATABASES is set (``.ci/run``
# sets it), in which case it fails.

SERVER_URLS = {
    "postgresql": (
        "DATAGUARD_TEST_POSTGRES_URL",
        "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    ),
    "mariadb": ("DATAGUARD_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test"),
}


def server_url(name: str) -> str:
    """The URL of the *name* server (``postgresql`` or ``mariadb``), or skip / fail."""
    import sqlalchemy as sa

    variable, default = SERVER_URLS[name]
    url = os.environ.get(variable, default)
    try:
        engine = sa.create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
        return url
    except ImportError:
        message = f"{name} driver not installed: pip install 'dataguard[postgres,mysql]'"
    except Exception as exc:  # any other failure means "not reachable"
        message = f"{name} not reachable ({type(exc).__name__}); set {variable} to a reachable URL"
    if os.environ.get("DATAGUARD_REQUIRE_DATABASES"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database of each kind, dropped afterwards.

    SQLite: a file in tmp_path. MariaDB: a new database on the server. PostgreSQL: a new
    database on the server (so a scan of "every schema" sees only this test's tables).
    """
    import sqlalchemy as sa

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    url = sa.engine.make_url(server_url(request.param))
    name = f"dg_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            if request.param == "postgresql":
                connection.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
            else:
                connection.execute(sa.text(f"DROP DATABASE {name}"))
        admin.dispose()


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder, and the regex cache's in-process state forgotten before and
    after."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    forget_regex_cache()
    yield tmp_path / "dataguard"
    forget_regex_cache()


def forget_regex_cache() -> None:
    """Forget what the regex cache read or computed, as a new process would."""
    regex_cache._compiled.clear()
    regex_cache._entries = None
    regex_cache._dirty = False
