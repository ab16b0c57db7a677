"""The on-disk cache stays within its budget, dropping what was used longest ago."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dataguard.detect import disk_cache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(disk_cache, "BUDGET_BYTES", 10_000)
    return disk_cache.cache_dir()


def _aged(path: Path, seconds_ago: int) -> None:
    when = path.stat().st_mtime - seconds_ago
    os.utime(path, (when, when))


def test_the_entries_used_longest_ago_go_once_the_budget_is_passed(cache: Path) -> None:
    cache.mkdir(parents=True)
    for k in range(4):  # written by earlier runs, 0 the oldest
        (cache / f"hyperscan-{k}.bin").write_bytes(b"x" * 3_000)
        _aged(cache / f"hyperscan-{k}.bin", 100 - k)
    disk_cache.touch(cache / "hyperscan-0.bin")  # …but used just now
    (cache / "notes.txt").write_bytes(b"y" * 5_000)  # not the cache's: left alone
    disk_cache.store(cache / "re-build.json", b"z" * 3_000)
    left = sorted(p.name for p in cache.iterdir())
    # 5 entries of 3,000 bytes against a budget of 10,000: the two least recently used go.
    assert left == ["hyperscan-0.bin", "hyperscan-3.bin", "notes.txt", "re-build.json"]


def test_a_file_just_written_stays_even_past_the_budget(cache: Path) -> None:
    disk_cache.store(cache / "hyperscan-old.bin", b"x" * 3_000)
    disk_cache.store(cache / "hyperscan-big.bin", b"x" * 20_000)
    assert sorted(p.name for p in cache.iterdir()) == ["hyperscan-big.bin"]


def test_an_unwritable_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    disk_cache.store(disk_cache.cache_dir() / "hyperscan-0.bin", b"x")  # no error
    disk_cache.touch(disk_cache.cache_dir() / "hyperscan-0.bin")
    assert blocker.read_text() == "not a folder"
