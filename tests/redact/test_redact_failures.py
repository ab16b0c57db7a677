"""A truncated Parquet file and a killed run: a clear error, no output under the final name."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from dataguard.cli.main import cli

from dataguard.errors import UsageError
from dataguard.mask.apply import Masker
from dataguard.redact import redact_file
from dataguard.testing import generators as gen


def _orders(path: Path, rows: int) -> None:
    rng = random.Random(11)
    pool = [
        f"{i},{gen.mobile_digits(rng)},{gen.id_card(rng)},客户电话{gen.mobile_digits(rng)}"
        for i in range(2000)
    ]
    with path.open("w", encoding="utf-8") as out:
        out.write("id,mobile,id_card,remark\n")
        for i in range(rows):
            out.write(pool[i % len(pool)] + "\n")


def test_a_truncated_parquet_file_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    source = tmp_path / "in.parquet"
    pl.DataFrame({"mobile": ["13812341050"] * 1000, "n": list(range(1000))}).write_parquet(source)
    data = source.read_bytes()
    source.write_bytes(data[: len(data) // 2])
    out = tmp_path / "out.parquet"
    result = CliRunner().invoke(cli, ["redact", str(source), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet"]


def _children(pid: int) -> set[int]:
    """The process ids of *pid*'s children (Linux /proc; empty elsewhere)."""
    found: set[int] = set()
    for listing in Path(f"/proc/{pid}/task").glob("*/children"):
        found.update(int(child) for child in listing.read_text().split())
    return found


def _gone(pids: set[int], within: float) -> set[int]:
    """Wait up to *within* seconds for *pids* to end; return those still running."""
    deadline = time.monotonic() + within
    alive = set(pids)
    while alive and time.monotonic() < deadline:
        alive = {pid for pid in alive if Path(f"/proc/{pid}").exists() and not _zombie(pid)}
        time.sleep(0.1)
    return alive


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return False


def test_a_killed_run_leaves_no_output_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    source = tmp_path / "orders.csv"
    _orders(source, 400_000)
    out = tmp_path / "out.csv"
    # Two worker processes: a killed parent must not leave them behind either.
    proc = subprocess.Popen(
        [sys.executable, "-m", "dataguard.cli.main", "redact", str(source), "-o", str(out), "-j2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    temporary = None
    while time.monotonic() < deadline and proc.poll() is None:
        found = list(tmp_path.glob(".out.csv.dataguard-*.tmp"))
        if found and found[0].stat().st_size > 0:
            temporary = found[0]
            break
        time.sleep(0.05)
    if temporary is None:  # finished before it could be killed: nothing to test
        proc.wait()
        assert out.exists()
        return
    workers = _children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not _gone(workers, within=15), "worker processes outlived their killed parent"
    assert not out.exists()  # nothing under the final name
    assert temporary.exists()  # SIGKILL leaves the temporary file behind...
    result = CliRunner().invoke(cli, ["redact", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert not temporary.exists()  # ...and the next run to the same output removes it
    assert sum(1 for _ in out.open(encoding="utf-8")) == 400_001


def test_sigterm_stops_a_run_at_once_and_leaves_nothing(tmp_path: Path) -> None:
    source = tmp_path / "orders.csv"
    _orders(source, 400_000)
    out = tmp_path / "out.csv"
    proc = subprocess.Popen(
        [sys.executable, "-m", "dataguard.cli.main", "redact", str(source), "-o", str(out), "-j2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.stat().st_size for p in tmp_path.glob(".out.csv.dataguard-*.tmp")):
            break
        time.sleep(0.05)
    if proc.poll() is not None:  # finished before the signal: nothing to test
        return
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    # Workers inherit stderr: this would also time out if one outlived the parent.
    _, err = proc.communicate(timeout=30)
    assert not _gone(workers, within=15)
    assert proc.returncode == 128 + signal.SIGTERM
    assert b"no output was written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.csv"]


def test_an_output_that_cannot_be_written_is_named_before_any_work(tmp_path: Path) -> None:
    # The error named the hidden temporary file (".out.csv.dataguard-<pid>.tmp") and said
    # "cannot read" when the output's folder did not exist; `scan` said so after scanning.
    source = tmp_path / "in.csv"
    _orders(source, 10)
    missing = tmp_path / "no-such-folder" / "out.csv"
    said = f"{missing}: the folder {missing.parent} does not exist"
    result = CliRunner().invoke(cli, ["redact", str(source), "-o", str(missing)])
    assert result.exit_code == 2
    assert said in result.stderr
    db = ["redact", "--from-db", f"sqlite:///{tmp_path / 'x.db'}", "--table", "t"]
    assert said in CliRunner().invoke(cli, [*db, "-o", str(missing)]).stderr
    for command in (["scan", "db", f"sqlite:///{tmp_path / 'x.db'}"], ["filter", str(source)]):
        option = "--stats" if command[0] == "filter" else "-o"
        result = CliRunner().invoke(cli, [*command, option, str(missing)])
        assert (result.exit_code, said in result.stderr) == (2, True)
    with pytest.raises(UsageError, match=f"cannot write {missing}: the folder"):
        redact_file(source, missing, Masker("display"))
    # Not a regular file: renaming the output into place would replace it (as root, the
    # /dev/stdout link itself).
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for target in (fifo, tmp_path):
        with pytest.raises(UsageError, match="exists and is not a regular file"):
            redact_file(source, target, Masker("display"), force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "pipe.csv"]
