"""pg_dump's archive formats, read as the plain SQL that ``pg_restore`` writes from them.

Most PostgreSQL backups are not plain SQL: ``pg_dump -Fc`` (custom, the format the
PostgreSQL documentation recommends), ``-Ft`` (tar) and ``-Fd`` (a directory of one file per
table) write archives whose table data is compressed and whose layout only ``pg_restore``
reads. Read as text, a custom archive is binary junk: the dump reader stopped at its first
``/*`` ("unterminated comment") and a DBA learnt nothing about the backup.

``pg_restore --file=- ARCHIVE`` turns any of the three into the plain script that
``pg_dump -Fp`` would have written (``CREATE TABLE``, ``COMMENT ON``, ``COPY … FROM stdin``),
with no server: it is part of every PostgreSQL client installation (``postgresql-client`` on
Debian). :class:`RestoredScript` runs it and hands its output to the dump reader as a stream,
so an archive of any size is read in bounded memory, like a plain dump.

Told apart by content, not by name (ref. PostgreSQL ``src/bin/pg_dump/pg_backup_archiver.c``
and ``pg_backup_tar.c``):

* custom: the file starts with the magic ``PGDMP``;
* tar: a POSIX tar file (``ustar`` at byte 257) whose first member is ``toc.dat``;
* directory: a directory holding ``toc.dat``.

Errors: no ``pg_restore`` on ``PATH``, an archive written by a newer PostgreSQL than the
``pg_restore`` here ("unsupported version … in file header"), and a truncated or corrupt
archive each raise a :class:`~dataguard.errors.UsageError` naming the archive and quoting
``pg_restore``'s own message, which is about the archive's structure and never its rows.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import IO

from dataguard.errors import UsageError

__all__ = ["HEAD_BYTES", "RestoredScript", "archive_format", "archive_size", "head_format"]

_CUSTOM_MAGIC = b"PGDMP"
_TAR_MAGIC_AT = 257  # POSIX ustar header: the magic "ustar" at this offset
_TAR_FIRST_MEMBER = b"toc.dat\x00"
_TOC = "toc.dat"
#: How many bytes of a file :func:`head_format` needs to tell an archive.
HEAD_BYTES = _TAR_MAGIC_AT + 8
_MESSAGE_CHARS = 300  # of pg_restore's message, quoted in errors


def archive_format(path: Path) -> str | None:
    """``"custom"``, ``"tar"`` or ``"directory"`` when *path* is a pg_dump archive, else None
    (a plain SQL dump, compressed or not, or anything else)."""
    if path.is_dir():
        return "directory" if (path / _TOC).is_file() else None
    try:
        with open(path, "rb") as handle:
            return head_format(handle.read(HEAD_BYTES))
    except OSError:
        return None


def head_format(head: bytes) -> str | None:
    """``"custom"`` or ``"tar"`` when the bytes *head* (at least :data:`HEAD_BYTES` of
    them) start a pg_dump archive file, else None."""
    if head.startswith(_CUSTOM_MAGIC):
        return "custom"
    if head[_TAR_MAGIC_AT : _TAR_MAGIC_AT + 5] == b"ustar" and head.startswith(_TAR_FIRST_MEMBER):
        return "tar"
    return None


def archive_size(path: Path) -> int:
    """Bytes in the archive at *path*: the file's size, or the sum of a directory's files."""
    if path.is_dir():
        return sum(entry.stat().st_size for entry in path.iterdir() if entry.is_file())
    return path.stat().st_size


class RestoredScript(io.RawIOBase):
    """The plain SQL script of a pg_dump archive, as a readable byte stream.

    ``pg_restore`` runs while the stream is read; its messages go to a temporary file so a
    full pipe can never stall it. At the end of the script, a failed ``pg_restore`` (a
    truncated archive, say) raises :class:`~dataguard.errors.UsageError`: what was read
    before it has been read, and the caller learns the script is incomplete. *schema_only*
    leaves the table data out (``--schema-only``): what ``dataguard lint`` needs. :meth:`tell`
    gives the archive bytes ``pg_restore`` has read so far where the system shows them
    (Linux ``/proc``), else 0 until the end, for progress bars sized by the archive.
    """

    def __init__(self, path: Path, kind: str, *, schema_only: bool = False) -> None:
        super().__init__()
        self._name = str(path)
        self._kind = kind
        self._size = archive_size(path)
        program = shutil.which("pg_restore")
        if program is None:
            raise UsageError(
                f"{path} is a pg_dump {kind}-format archive, which dataguard reads through "
                "pg_restore, and pg_restore is not on PATH: install the PostgreSQL client "
                "(postgresql-client), or convert it where it is installed with "
                f"`pg_restore --file=dump.sql {path.name}` and scan dump.sql"
            )
        self._messages = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        try:
            # the program is pg_restore from PATH and the path one argument: no shell
            self._process = subprocess.Popen(  # noqa: S603
                [program, "--file=-", f"--format={kind}"]
                + (["--schema-only"] if schema_only else [])
                + [str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self._messages,
            )
        except OSError as exc:
            self._messages.close()
            raise UsageError(f"cannot run pg_restore for {path}: {exc.strerror}") from None
        assert self._process.stdout is not None
        self._stdout: IO[bytes] = self._process.stdout
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._stdout.read1(len(buffer))  # type: ignore[attr-defined]
        if not data and not self._done:
            self._done = True
            self._check(self._process.wait())
        buffer[: len(data)] = data
        return len(data)

    def tell(self) -> int:
        if self._done:
            return self._size
        try:
            with open(f"/proc/{self._process.pid}/io", "rb") as stats:
                for line in stats:
                    if line.startswith(b"rchar:"):
                        return min(int(line.split()[1]), self._size)
        except (OSError, ValueError):
            pass
        return 0

    def _check(self, returncode: int) -> None:
        if returncode == 0:
            return
        self._messages.seek(0)
        lines = self._messages.read().decode("utf-8", "replace").splitlines()
        errors = [line for line in lines if "error:" in line] or lines or ["no message"]
        message = errors[0].split("error:", 1)[-1].strip()[:_MESSAGE_CHARS]
        hint = (
            "it was written by a newer PostgreSQL: use that version's pg_restore"
            if "version" in message
            else "the archive is cut short or damaged: the backup is incomplete"
        )
        raise UsageError(
            f"{self._name}: pg_restore could not read this {self._kind}-format archive "
            f"({message}); {hint}"
        )

    def close(self) -> None:
        if self.closed:
            return
        try:
            if self._process.poll() is None:
                self._process.kill()
            self._stdout.close()
            self._process.wait()
            self._messages.close()
        finally:
            super().close()
