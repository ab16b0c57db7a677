"""dataguard.sources.compressed: compressed input read as the text it holds."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dataguard.errors import UsageError
from dataguard.sources.compressed import (
    compression_of,
    decompressed_copy,
    decompressing,
    open_decompressed,
)

TEXT = "".join(f"{i} 手机 13812341050\n" for i in range(5000)).encode()


@pytest.mark.parametrize(
    ("compress", "kind"),
    [(gzip.compress, "gzip"), (bz2.compress, "bzip2"), (lzma.compress, "xz")],
)
def test_compressed_files_read_as_their_text(tmp_path: Path, compress, kind: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "app.log.1"  # no telling suffix: the magic bytes decide
    path.write_bytes(compress(TEXT))
    assert compression_of(path.read_bytes()[:8]) == kind
    with open_decompressed(path) as stream:
        assert stream.read() == TEXT


def test_plain_files_are_opened_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    path.write_bytes(b"\x1f plain, though it starts like gzip's first byte\n")
    with open_decompressed(path) as stream:
        assert stream.read() == path.read_bytes()


def test_concatenated_gzip_members_are_read_on(tmp_path: Path) -> None:
    path = tmp_path / "both.gz"  # cat a.gz b.gz > both.gz
    path.write_bytes(gzip.compress(b"a 13812341050\n") + gzip.compress(b"b tt@163.com\n"))
    with open_decompressed(path) as stream:
        assert stream.read() == b"a 13812341050\nb tt@163.com\n"


def test_a_truncated_stream_hands_on_what_came_before_then_says_so(tmp_path: Path) -> None:
    data = gzip.compress(TEXT, compresslevel=1)
    path = tmp_path / "rotated.gz"
    path.write_bytes(data[: len(data) // 2])
    read = bytearray()

    def read_all() -> None:
        with open_decompressed(path) as stream:
            while chunk := stream.read1(1 << 16):  # type: ignore[attr-defined]
                read.extend(chunk)

    with pytest.raises(UsageError, match=r"rotated\.gz: the gzip data is truncated or corrupt"):
        read_all()
    assert len(read) > len(TEXT) // 4
    assert TEXT.startswith(read)


@pytest.mark.parametrize(
    ("head", "message"),
    [(b"\x28\xb5\x2f\xfd\x00\x00", r"zstd -dc \S*x\.zst"), (b"PK\x03\x04rest", "unzip it")],
)
def test_zstd_and_zip_are_refused_with_what_to_run(
    tmp_path: Path, head: bytes, message: str
) -> None:
    path = tmp_path / "x.zst"
    path.write_bytes(head)
    with pytest.raises(UsageError, match=message):
        open_decompressed(path)


def test_a_buffered_stream_is_peeked_and_left_open() -> None:
    raw = io.BufferedReader(io.BytesIO(gzip.compress(TEXT)))  # as stdin is
    with decompressing(raw, "stdin") as stream:
        assert stream.read() == TEXT
    assert not raw.closed
    plain = io.BufferedReader(io.BytesIO(b"x 13812341050\n"))
    assert decompressing(plain, "stdin") is plain
    # A stream that cannot peek: the sniffed bytes are put back.
    assert decompressing(io.BytesIO(b"x 13812341050\n"), "stdin").read() == b"x 13812341050\n"
    assert decompressing(io.BytesIO(gzip.compress(TEXT)), "stdin").read() == TEXT


def test_a_killed_runs_decompressed_copy_is_removed_by_the_next(tmp_path: Path) -> None:
    # A copy holds the export's personal data in plain text; its process is gone.
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = tmp_path / f".dataguard-{gone.pid}-abc123"
    stale.mkdir()
    (stale / "orders.csv").write_text("mobile\n13812341050\n", "utf-8")
    running = tmp_path / f".dataguard-{os.getppid()}-def456"  # a live process's
    running.mkdir()
    other = tmp_path / ".dataguard-notes"
    other.mkdir()
    link = tmp_path / f".dataguard-{gone.pid}-link"
    link.symlink_to(running)
    source = tmp_path / "orders.csv.gz"
    source.write_bytes(gzip.compress(b"mobile\n13912345678\n"))
    copy = decompressed_copy(source, tmp_path)
    try:
        assert copy.read_bytes() == b"mobile\n13912345678\n"
        assert copy.name == "orders.csv"
        assert not stale.exists()
        assert running.exists()
        assert other.exists()
        assert link.is_symlink()
    finally:
        shutil.rmtree(copy.parent)
