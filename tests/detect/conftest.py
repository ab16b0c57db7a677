"""Fixtures shared by the detection tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dataguard.detect import regex_cache


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
