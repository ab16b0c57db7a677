"""Compressed input, read as the text it holds: rotated logs arrive gzipped.

``logrotate`` compresses yesterday's log (``app.log.1.gz``) and exports are shipped as
``orders.csv.gz``. Read as bytes, a compressed file is binary junk in which no value can be
found, so a filter would pass it through unchanged, personal data and all, and a scan would
report it clean. Instead the format is told by its magic bytes (not by the file name, which
may lie or be absent on stdin) and the file is decompressed on the fly:

* gzip (``1f 8b``, RFC 1952; several members, as ``cat a.gz b.gz`` makes, are read on),
* bzip2 (``BZh``), xz (``fd 37 7a 58 5a 00``), with the standard library;
* zstd and zip are refused by name with what to run instead: the standard library reads
  neither, and a zip archive holds files, not one stream of lines.

A stream that ends early or is corrupt stops the read with a :class:`~dataguard.errors.
UsageError` saying so; what was decompressed before that point has been read.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import shutil
import stat
import tempfile
import zlib
from pathlib import Path
from typing import BinaryIO, cast

from dataguard.errors import UsageError

__all__ = [
    "CAT",
    "HANDLED",
    "SUFFIXES",
    "compression_of",
    "compression_of_file",
    "compression_of_name",
    "decompressed_copy",
    "decompressing",
    "decompressor",
    "open_decompressed",
    "open_output",
    "process_alive",
    "remove_stale_copies",
]

#: The compression each file-name suffix stands for (``orders.csv.gz``).
SUFFIXES = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd"}
#: The command that writes each compression's data to stdout, for messages.
CAT = {"gzip": "zcat", "bzip2": "bzcat", "xz": "xzcat", "zstd": "zstdcat"}
#: Compressions read and written here (the others are refused with what to run).
HANDLED = ("gzip", "bzip2", "xz")
_COPY_CHUNK = 1 << 20
#: Decompressed copies live in folders named ``.dataguard-<pid>-<random>``.
_COPY_PREFIX = ".dataguard-"

# ref. RFC 1952 §2.3.1 (gzip ID1 ID2), the bzip2 and xz file formats, RFC 8878 §3.1.1
# (zstd frame magic 0xFD2FB528, little-endian), APPNOTE.TXT §4.3.7 (zip local header).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"PK\x03\x04", "zip"),
)
_HEAD = max(len(magic) for magic, _ in _MAGIC)
_REFUSED = {
    "zstd": "decompress it first: zstd -dc {name} | dataguard …",
    "zip": "a zip archive holds files, not lines: unzip it and pass the files",
}
_ERRORS = (EOFError, OSError, zlib.error, lzma.LZMAError)


def compression_of(head: bytes) -> str | None:
    """The compression whose magic bytes start *head*, or None (plain data)."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None


def compression_of_file(path: str | os.PathLike[str]) -> str | None:
    """The compression of the file at *path*, by its first bytes, or None (plain data)."""
    with open(path, "rb") as handle:
        return compression_of(handle.read(_HEAD))


class _Decompressed(io.RawIOBase):
    """A decompressing reader whose failures name the input, never a traceback."""

    def __init__(self, inner: BinaryIO, name: str, kind: str, owned: BinaryIO | None) -> None:
        super().__init__()
        self._inner = inner
        self._name = name
        self._kind = kind
        self._owned = owned  # the file under the decompressor, closed with it (not stdin)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            # read1: one decompression step, so the text before a corrupt or missing
            # end is handed on before the error is raised.
            data = self._inner.read1(len(buffer))  # type: ignore[attr-defined]
        except _ERRORS:
            raise UsageError(
                f"{self._name}: the {self._kind} data is truncated or corrupt "
                "(cut short while it was written?)"
            ) from None
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._inner.close()
            if self._owned is not None:
                self._owned.close()
        finally:
            super().close()


class _Joined(io.RawIOBase):
    """*head*, then the rest of *stream*: the bytes read to sniff, put back."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        super().__init__()
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def decompressing(stream: BinaryIO, name: str) -> BinaryIO:
    """*stream* decompressed when its first bytes say it is compressed; else *stream*.

    The first bytes are peeked (stdin and other buffered streams), which waits for them
    to arrive; from a stream that cannot peek they are read and put back. Closing the
    result does not close *stream*.

    Raises:
        UsageError: zstd or zip, which are not read (the message says what to run).
    """
    peek = getattr(stream, "peek", None)
    if peek is not None:
        return decompressor(stream, name, peek(_HEAD)[:_HEAD], owned=None)
    head = stream.read(_HEAD)  # no peek (an in-memory stream): read, then put back
    joined = cast(BinaryIO, io.BufferedReader(_Joined(head, stream)))
    return decompressor(joined, name, head, owned=None)


def open_decompressed(path: str | os.PathLike[str]) -> BinaryIO:
    """*path* opened for reading bytes, decompressed if it is compressed (see the module
    docstring); closing the result closes the file."""
    handle = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    try:
        head = handle.read(_HEAD)
        handle.seek(0)
        return decompressor(handle, os.fspath(path), head, owned=handle)
    except BaseException:
        handle.close()
        raise


def decompressor(
    stream: BinaryIO, name: str, head: bytes, owned: BinaryIO | None = None
) -> BinaryIO:
    """*stream* decompressed when *head* (its first bytes, still unread) says it is
    compressed; else *stream*. *owned* is closed with the result. Raises UsageError for
    zstd and zip (see :func:`decompressing`)."""
    kind = compression_of(head)
    if kind is None:
        return stream
    if kind in _REFUSED:
        raise UsageError(f"{name} is {kind}-compressed; " + _REFUSED[kind].format(name=name))
    inner: BinaryIO
    if kind == "gzip":
        inner = cast(BinaryIO, gzip.GzipFile(fileobj=stream, mode="rb"))
    elif kind == "bzip2":
        inner = cast(BinaryIO, bz2.BZ2File(stream))
    else:
        inner = cast(BinaryIO, lzma.LZMAFile(stream))  # noqa: SIM115 - closed with the result
    raw = _Decompressed(inner, name, kind, owned)
    return cast(BinaryIO, io.BufferedReader(raw, 1 << 20))


def compression_of_name(path: str | os.PathLike[str]) -> str | None:
    """The compression *path*'s last suffix names (``.gz``, ``.bz2``, ``.xz``, ``.zst``)."""
    return SUFFIXES.get(Path(path).suffix.lower())


def decompressed_copy(path: Path, directory: Path | None = None) -> Path:
    """*path* decompressed into a new private folder in *directory* (None: the system's
    temporary folder), under its name less the compression suffix (``orders.csv.gz`` →
    ``…/orders.csv``, so that messages about the copy name the file the user knows).

    Streams 1 MiB at a time: memory stays flat whatever the size. The caller removes the
    folder (``shutil.rmtree(copy.parent)``); the copy of a run killed outright is removed
    by the next one in the same folder (:func:`remove_stale_copies`).

    Raises:
        UsageError: zstd or zip (not read), or a truncated or corrupt stream (nothing is
            left behind).
    """
    parent = Path(directory) if directory is not None else Path(tempfile.gettempdir())
    remove_stale_copies(parent)
    # The process id in the name lets a later run remove the copy of one killed outright.
    folder = Path(tempfile.mkdtemp(prefix=f"{_COPY_PREFIX}{os.getpid()}-", dir=parent))
    name = path.name
    if compression_of_name(path) is not None:
        name = path.with_suffix("").name
    copy = folder / (name or "input")
    try:
        with open_decompressed(path) as source, copy.open("wb") as target:
            shutil.copyfileobj(source, target, _COPY_CHUNK)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return copy


class _GzipWriter(gzip.GzipFile):
    """gzip at level 6 (the ``gzip`` command's default; Python's 9 costs about three times
    as much for 2-3% less), with no file name or time stamp in the header (the file is
    written under a temporary name, and the same input should give the same bytes); closing
    it closes the file."""

    def __init__(self, path: Path) -> None:
        self._raw = path.open("wb")
        super().__init__(filename="", mode="wb", compresslevel=6, fileobj=self._raw, mtime=0)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()


def process_alive(pid: int) -> bool:
    """Whether process *pid* exists (one of another user's counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_copies(parent: Path) -> None:
    """Remove this user's decompressed copies in *parent* whose process is gone.

    A copy holds an export's personal data in plain text; a run killed outright (SIGKILL,
    power loss) cannot remove its own. Only folders of this user, not symbolic links, named
    by :func:`decompressed_copy` with the id of a process that no longer exists.
    """
    try:
        candidates = list(parent.glob(f"{_COPY_PREFIX}*-*"))
    except OSError:
        return
    for folder in candidates:
        pid = folder.name[len(_COPY_PREFIX) :].split("-", 1)[0]
        try:
            info = folder.lstat()
        except OSError:
            continue
        if (
            pid.isdigit()
            and int(pid) != os.getpid()
            and stat.S_ISDIR(info.st_mode)
            and info.st_uid == os.getuid()
            and not process_alive(int(pid))
        ):
            shutil.rmtree(folder, ignore_errors=True)


def open_output(path: Path, kind: str | None = None) -> BinaryIO:
    """*path* opened for writing bytes, through a *kind* compressor (gzip, bzip2, xz) when
    one is given."""
    if kind is None:
        return path.open("wb")
    if kind == "gzip":
        return cast(BinaryIO, _GzipWriter(path))
    if kind == "bzip2":
        return cast(BinaryIO, bz2.BZ2File(path, mode="wb"))
    if kind == "xz":
        return cast(BinaryIO, lzma.LZMAFile(path, mode="wb"))
    raise UsageError(f"{path.name}: cannot write {kind}; write plain or .gz, .bz2, .xz")
