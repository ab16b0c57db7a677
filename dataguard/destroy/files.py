"""Clearing files for certified destruction: overwrite in place, then unlink.

The method is NIST SP 800-88 Rev. 1 **Clear** (standards.md §6): every byte of the file is
overwritten once with random data from :func:`os.urandom`, the data are forced to the device
(``fsync``), the file is renamed to a random name in its own directory (to hide the name, as
GNU ``shred -u`` does), and then unlinked, with the directory synced after each step.
:data:`METHOD` is what a certificate records about it.

What this does not do, and a certificate must not claim (standards.md §6, and GNU shred's own
manual): overwriting in place is best effort only. On an SSD, wear levelling and
over-provisioning keep old copies the file system can no longer address; a journaled file system
may hold copies in its journal; a copy-on-write or log-structured one (btrfs, ZFS, bcachefs, APFS,
F2FS) writes the new data to new blocks and leaves the old ones; snapshots and backups are never
reached. This is therefore never **Purge**: only a sanitize command or cryptographic erase is,
and only crypto-shredding (destroying each data subject's key) reaches backups.
:func:`limitation_note` gives the honest sentence for the file system a file was on.

Formats:

* a *pattern* is a shell glob relative to a base directory (an absolute pattern is allowed):
  ``*``, ``?`` and ``[...]`` match within one name, ``**`` as a whole component matches any
  number of directories (zero included). As in a shell, a wildcard does not match a name that
  starts with a dot unless the pattern's component does too (``.*``). Only regular files are
  planned; directories a pattern matches are walked through, never destroyed.
* symbolic links are never followed by a wildcard and never destroyed: a symlink a pattern
  reaches is skipped and reported in the plan's notes, and its target is untouched. Directories
  named literally in a pattern (``exports/2024/*.csv``) are resolved as ``cd`` would.
* a :class:`PlannedFile` identifies a file's content by an HMAC under the plan's key
  (HMAC-SHA-256 for suite ``intl``, HMAC-SM3 for suite ``gm``): a plan can show that the file
  cleared is the file approved without holding a plaintext hash of personal data
  (architecture.md, convention 6).
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import secrets
import stat
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Final

from cryptography.hazmat.primitives import hashes, hmac

from dataguard.errors import UsageError

__all__ = [
    "METHOD",
    "FileOutcome",
    "PlannedFile",
    "clear_file",
    "content_mac",
    "expand_patterns",
    "filesystem_of",
    "limitation_note",
    "method",
    "plan_files",
]

# ref. NIST SP 800-88 Rev. 1 §2.5 and Table 5-1 (Clear: overwrite with non-sensitive data);
# standards.md §6: a certificate names the revision it follows and never says Purge here.
METHOD: Final[Mapping[str, str]] = MappingProxyType(
    {
        "category": "Clear",
        "technique": "overwrite (1 pass, random data) then unlink",
        "standard": "NIST SP 800-88 Rev. 1",
    }
)

#: Read and write size of the HMAC and of the overwrite.
CHUNK: Final = 1 << 20

#: The MAC algorithms by name: ``sha256`` for suite ``intl``, ``sm3`` for suite ``gm``.
_HASHES: Final[Mapping[str, type[hashes.HashAlgorithm]]] = MappingProxyType(
    {"sha256": hashes.SHA256, "sm3": hashes.SM3}
)
#: Shortest key accepted: 128 bits, as the crypto suites require of a MAC key.
MIN_KEY_SIZE: Final = 16
#: SHA-256 and SM3 both give 32-byte MACs: 64 hex digits.
_MAC_HEX = re.compile(r"[0-9a-f]{64}")
_MAGIC = re.compile(r"[*?[]")
_STATES: Final = frozenset({"cleared", "absent", "changed"})
_NAME_ALPHABET: Final = string.ascii_lowercase + string.digits


def method() -> dict[str, str]:
    """A fresh copy of :data:`METHOD`, ready to be put in a certificate and serialised."""
    return dict(METHOD)


def _os_reason(exc: OSError) -> str:
    # The OS reason only: str(exc) of some calls repeats arguments, never contents, but the
    # strerror is all a user needs.
    return exc.strerror or type(exc).__name__


# -- the plan ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedFile:
    """One file in a destruction plan.

    Attributes:
        path: the absolute, resolved path.
        size: its size in bytes when planned.
        content_mac: hex HMAC of its content under the plan's key (:func:`content_mac`).
    """

    path: str
    size: int
    content_mac: str

    def __post_init__(self) -> None:
        if not isinstance(self.path, str) or not os.path.isabs(self.path):
            raise ValueError(f"a planned file's path must be absolute, not {self.path!r}")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 0:
            raise ValueError(f"a planned file's size must be a non-negative integer: {self.path}")
        if not isinstance(self.content_mac, str) or not _MAC_HEX.fullmatch(self.content_mac):
            raise ValueError(
                f"a planned file's content_mac must be 64 lower-case hex digits: {self.path}"
            )

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping that :meth:`from_dict` reads back."""
        return {"path": self.path, "size": self.size, "content_mac": self.content_mac}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> PlannedFile:
        """Read :meth:`to_dict`'s output; :class:`ValueError` naming the problem otherwise."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a planned file is a mapping, not {type(data).__name__}")
        expected = {"path", "size", "content_mac"}
        missing = sorted(expected - data.keys())
        unknown = sorted(str(key) for key in data.keys() - expected)
        if missing or unknown:
            raise ValueError(
                f"a planned file needs {sorted(expected)}; missing {missing}, unknown {unknown}"
            )
        path, size, mac = data["path"], data["size"], data["content_mac"]
        if not isinstance(path, str):
            raise ValueError(f"a planned file's path is a string, not {type(path).__name__}")
        if isinstance(size, bool) or not isinstance(size, int):
            raise ValueError(f"a planned file's size is an integer, not {type(size).__name__}")
        if not isinstance(mac, str):
            raise ValueError(f"a planned file's content_mac is a string, not {type(mac).__name__}")
        return cls(path=path, size=size, content_mac=mac)


def _split_pattern(pattern: str, base: Path) -> tuple[Path, list[str]]:
    """The literal directory the pattern starts from, and the components left to match."""
    path = Path(pattern)
    anchor = Path(path.anchor) if path.is_absolute() else base
    parts = list(path.parts[1:] if path.is_absolute() else path.parts)
    # Literal leading directories are taken as named; the last component is always matched
    # (never resolved), so that a symlink named literally is still refused.
    while len(parts) > 1 and not _MAGIC.search(parts[0]):
        anchor = anchor / parts.pop(0)
    return anchor.resolve(), parts


def _matches(name: str, part: str) -> bool:
    if name.startswith(".") and not part.startswith("."):
        return False
    return fnmatch.fnmatchcase(name, part)


def _skip_symlink(problems: dict[Path, str], link: Path) -> None:
    problems[link] = f"skipped symlink {link} (symlinks are never followed nor destroyed)"


def _unreadable(problems: dict[Path, str], path: Path, exc: OSError) -> None:
    problems[path] = f"cannot read {path}: {_os_reason(exc)}; nothing in it is planned"


def _walk(directory: Path, parts: list[str], problems: dict[Path, str]) -> Iterator[Path]:
    """Regular files under *directory* matching *parts*, never through a symlink."""
    part, rest = parts[0], parts[1:]
    if part == "**":
        yield from _walk_recursive(directory, rest, problems)
        return
    if not _MAGIC.search(part):
        # No symlink was passed to get here, so normalising ".." is what the OS would do.
        candidates = [Path(os.path.normpath(directory / part))]
    else:
        try:
            with os.scandir(directory) as entries:
                names = sorted(entry.name for entry in entries)
        except (FileNotFoundError, NotADirectoryError):
            return
        except OSError as exc:
            _unreadable(problems, directory, exc)
            return
        candidates = [directory / name for name in names if _matches(name, part)]
    for candidate in candidates:
        try:
            mode = candidate.lstat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            _unreadable(problems, candidate, exc)
            continue
        if stat.S_ISLNK(mode):
            _skip_symlink(problems, candidate)
        elif not rest:
            if stat.S_ISREG(mode):
                yield candidate
        elif stat.S_ISDIR(mode):
            yield from _walk(candidate, rest, problems)


def _walk_recursive(directory: Path, rest: list[str], problems: dict[Path, str]) -> Iterator[Path]:
    """``**``: *rest* matched in *directory* and every non-hidden directory below it."""
    if rest:
        yield from _walk(directory, rest, problems)
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as exc:
        _unreadable(problems, directory, exc)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = Path(entry.path)
        if entry.is_symlink():
            _skip_symlink(problems, child)
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk_recursive(child, rest, problems)
        elif not rest and entry.is_file(follow_symlinks=False):
            # A trailing ``**`` matches every file below, as glob.glob(recursive=True) does.
            yield child


def expand_patterns(
    patterns: Sequence[str], base: Path, *, notes: list[str] | None = None
) -> list[Path]:
    """The regular files the shell globs *patterns* match, sorted and de-duplicated.

    Relative patterns start at *base*; absolute ones at the root. ``**`` matches any number of
    directories. Symbolic links are never followed and never returned. What is left out is
    reported, one line each, appended to *notes* when a list is given (:func:`plan_files`
    always gives one): every pattern that matched no regular file, every symlink a pattern
    reached, and every directory that could not be listed. Notes hold patterns, paths and OS
    reasons only. An empty pattern raises :class:`UsageError`.
    """
    found: set[Path] = set()
    problems: dict[Path, str] = {}
    base = Path(base).resolve()
    for pattern in patterns:
        if not pattern.strip():
            raise UsageError("an empty file pattern matches nothing; name files or globs")
        anchor, parts = _split_pattern(pattern, base)
        matched = set(_walk(anchor, parts, problems)) if parts else set()
        if not matched and notes is not None:
            notes.append(f"pattern {pattern!r} matched no regular file")
        found |= matched
    if notes is not None:
        notes.extend(problems[path] for path in sorted(problems))
    return sorted(found)


def _hash_of(algorithm: str) -> hashes.HashAlgorithm:
    try:
        return _HASHES[algorithm]()
    except KeyError:
        raise UsageError(
            f"unknown MAC algorithm {algorithm!r}; use 'sha256' (suite intl) or 'sm3' (suite gm)"
        ) from None


def _check_key(key: bytes) -> None:
    if len(key) < MIN_KEY_SIZE:
        raise ValueError(f"a content MAC key needs at least {MIN_KEY_SIZE} bytes, not {len(key)}")


def _mac_of_fd(fd: int, key: bytes, algorithm: str, chunk: int) -> str:
    mac = hmac.HMAC(key, _hash_of(algorithm))
    os.lseek(fd, 0, os.SEEK_SET)
    while block := os.read(fd, chunk):
        mac.update(block)
    return mac.finalize().hex()


def _open_no_follow(path: Path, flags: int) -> int:
    # O_NONBLOCK: a FIFO swapped in for a planned file must not hang the run (no effect on
    # regular files).
    return os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)


def content_mac(path: Path, key: bytes, algorithm: str = "sha256") -> str:
    """Hex HMAC of the file's content under *key*, read in 1 MiB chunks.

    *algorithm* is ``"sha256"`` (suite ``intl``) or ``"sm3"`` (suite ``gm``); *key* has at least
    16 bytes. A symlink is not followed: it raises :class:`UsageError`, as does any OS error,
    with the path and the OS's reason.
    """
    _check_key(key)
    _hash_of(algorithm)
    try:
        fd = _open_no_follow(Path(path), os.O_RDONLY)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {_os_reason(exc)}") from None
    try:
        return _mac_of_fd(fd, key, algorithm, CHUNK)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {_os_reason(exc)}") from None
    finally:
        os.close(fd)


def plan_files(
    patterns: Sequence[str], base: Path, key: bytes, algorithm: str = "sha256"
) -> tuple[list[PlannedFile], list[str]]:
    """The files *patterns* match, each with its size and content MAC, and the plan's notes.

    Notes are human-readable lines holding patterns and paths only: patterns that matched
    nothing, symlinks skipped, and files with other hard links (clearing overwrites the data
    every name shares, but removes only the planned name).
    """
    _check_key(key)
    _hash_of(algorithm)
    notes: list[str] = []
    planned: list[PlannedFile] = []
    for path in expand_patterns(patterns, base, notes=notes):
        # Size and MAC come from one open file, so they describe the same content.
        size, links, mac = _read_planned(path, key, algorithm)
        if links > 1:
            notes.append(
                f"{path} has {links - 1} other hard link(s): clearing overwrites the data they "
                "share but removes only this name"
            )
        planned.append(PlannedFile(path=str(path), size=size, content_mac=mac))
    return planned, notes


def _read_planned(path: Path, key: bytes, algorithm: str) -> tuple[int, int, str]:
    try:
        fd = _open_no_follow(path, os.O_RDONLY)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {_os_reason(exc)}") from None
    try:
        status = os.fstat(fd)
        return status.st_size, status.st_nlink, _mac_of_fd(fd, key, algorithm, CHUNK)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {_os_reason(exc)}") from None
    finally:
        os.close(fd)


# -- file systems and their limits -------------------------------------------------------------


def _unescape_mount(field: str) -> str:
    # ref. proc(5), /proc/pid/mountinfo: space, tab, newline and backslash are octal-escaped.
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def filesystem_of(path: Path) -> str:
    """The file system type *path* is on (``ext4``, ``btrfs``, ``overlay``, ``tmpfs``…).

    Read from ``/proc/self/mountinfo``: the mount with the longest mount point that is a prefix
    of the path (the last one listed wins when mounts are stacked). ``"unknown"`` where that
    file cannot be read (not Linux) or nothing matches.
    """
    target = os.path.abspath(path)
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as mounts:
            lines = mounts.read().splitlines()
    except OSError:
        return "unknown"
    best, best_length = "unknown", -1
    for line in lines:
        fields = line.split(" ")
        try:
            mount_point = _unescape_mount(fields[4])
            fstype = fields[fields.index("-", 6) + 1]
        except (IndexError, ValueError):
            continue
        inside = (
            mount_point == "/"
            or target == mount_point
            or target.startswith(mount_point.rstrip("/") + "/")
        )
        if inside and len(mount_point) >= best_length:
            best, best_length = fstype, len(mount_point)
    return best or "unknown"


# ref. GNU coreutils manual, "shred invocation" (file systems where overwriting in place is not
# effective), and the file systems' own documentation for which are copy-on-write or journaled.
_COPY_ON_WRITE: Final = frozenset({"btrfs", "zfs", "bcachefs", "apfs", "f2fs", "nilfs2", "refs"})
_JOURNALED: Final = frozenset(
    {"ext3", "ext4", "xfs", "jfs", "reiserfs", "ntfs", "ntfs3", "hfsplus", "ocfs2", "gfs2"}
)
_MEMORY: Final = frozenset({"tmpfs", "ramfs", "devtmpfs"})
_OVERLAY: Final = frozenset({"overlay", "overlayfs", "aufs", "unionfs"})
_NETWORK: Final = frozenset({"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "ceph", "glusterfs"})
_PLAIN: Final = frozenset({"ext2", "vfat", "msdos", "exfat"})

_ALWAYS: Final = (
    " On an SSD or other flash storage, wear levelling and over-provisioning keep old copies "
    "that no overwrite reaches, and backups and snapshots are never reached: this is Clear, "
    "not Purge; only crypto-shredding reaches backups."
)


def limitation_note(filesystem: str) -> str:
    """An honest sentence on what an overwrite on *filesystem* may leave behind.

    Always ends with the limits that hold everywhere: SSD wear levelling and over-provisioning,
    backups and snapshots, and that this is Clear, not Purge.
    """
    kind = filesystem.lower()
    if kind in _COPY_ON_WRITE:
        first = (
            f"{filesystem} is copy-on-write or log-structured: the overwrite went to new blocks "
            "and the old blocks, with the original data, survive until reused."
        )
    elif kind in _JOURNALED:
        first = (
            f"{filesystem} is journaled: the overwrite reached the file's blocks, but the "
            "journal may still hold copies of the data."
        )
    elif kind in _MEMORY:
        first = (
            f"{filesystem} lives in memory: the data were overwritten in RAM, but pages may have "
            "been copied or swapped out before."
        )
    elif kind in _OVERLAY or kind.startswith("fuse.overlay"):
        first = (
            f"{filesystem} is an overlay: only the upper layer's copy was overwritten; a copy in "
            "a lower layer (an image layer, for instance) is untouched."
        )
    elif kind in _NETWORK or kind.startswith("fuse"):
        first = (
            f"{filesystem} is a network or user-space file system: the server decides where the "
            "data go, and it may keep copies or snapshots."
        )
    elif kind in _PLAIN:
        first = f"{filesystem} overwrites data in place, so the file's blocks were overwritten."
    else:
        first = (
            f"The file system ({filesystem}) could not be judged, so whether the overwrite "
            "reached the original blocks is unknown."
        )
    return first + _ALWAYS


# -- clearing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one planned file.

    Attributes:
        path: the planned path.
        state: ``"cleared"`` (overwritten and unlinked), ``"absent"`` (already gone) or
            ``"changed"`` (now differs from the plan, or is no longer a regular file: not
            touched).
        bytes_overwritten: bytes of random data written (0 unless cleared).
        filesystem: the file system the path is on (:func:`filesystem_of`).
    """

    path: str
    state: str
    bytes_overwritten: int
    filesystem: str

    def __post_init__(self) -> None:
        if self.state not in _STATES:
            raise ValueError(f"a file outcome's state is one of {sorted(_STATES)}")

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "path": self.path,
            "state": self.state,
            "bytes_overwritten": self.bytes_overwritten,
            "filesystem": self.filesystem,
        }


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    except OSError as exc:
        # Some file systems cannot sync a directory; the rename and unlink still happened.
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _overwrite(fd: int, size: int, chunk: int) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    remaining = size
    while remaining:
        block = memoryview(os.urandom(min(chunk, remaining)))
        while block:
            written = os.write(fd, block)
            block = block[written:]
            remaining -= written
    os.fsync(fd)


def _random_name(directory: Path, length: int) -> Path:
    # Same length as the old name where possible, so the file system is likely to reuse the
    # directory entry's slot (what shred -u aims for); never shorter than 8 characters.
    for _ in range(100):
        name = "".join(secrets.choice(_NAME_ALPHABET) for _ in range(min(max(length, 8), 255)))
        candidate = directory / name
        if not os.path.lexists(candidate):
            return candidate
    raise UsageError(f"cannot find a free random name in {directory}")


def clear_file(
    planned: PlannedFile,
    key: bytes,
    algorithm: str = "sha256",
    *,
    chunk: int = CHUNK,
    resume_inode: int | None = None,
) -> FileOutcome:
    """Overwrite the planned file once with random data, hide its name, and unlink it.

    Nothing is touched unless the file is still the one planned: a missing path is
    ``"absent"``; a path that is now a symlink or not a regular file, or whose size or content
    MAC (under *key* and *algorithm*, as planned) differ, is ``"changed"``. Otherwise the file
    is opened for writing without truncation and without following symlinks, overwritten over
    its whole length with :func:`os.urandom` data, synced, renamed to a random name in its
    directory, and unlinked, the directory being synced after the rename and the unlink.

    *resume_inode*: a resumed run's journal says an earlier attempt began overwriting the file
    with this inode; when the path still holds that inode at the planned size, its content no
    longer matching (it is part overwritten) does not stop the clearing.

    OS errors (permission denied, a read-only file system…) raise :class:`UsageError` with the
    path and the OS's reason, never file contents.
    """
    _check_key(key)
    _hash_of(algorithm)
    if chunk < 1:
        raise ValueError("chunk must be positive")
    path = Path(planned.path)
    filesystem = filesystem_of(path)

    def outcome(state: str, written: int = 0) -> FileOutcome:
        return FileOutcome(planned.path, state, written, filesystem)

    try:
        # lstat first: a device or FIFO swapped in for the file is never even opened.
        seen = path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return outcome("absent")
    except OSError as exc:
        raise UsageError(f"cannot examine {path}: {_os_reason(exc)}") from None
    if not stat.S_ISREG(seen.st_mode) or seen.st_size != planned.size:
        return outcome("changed")
    try:
        fd = _open_no_follow(path, os.O_RDWR)
    except FileNotFoundError:
        return outcome("absent")
    except OSError as exc:
        # The path became a symlink (ELOOP) or a directory since the lstat.
        if exc.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
            return outcome("changed")
        hint = ""
        if exc.errno in (errno.EACCES, errno.EPERM):
            hint = "; make it writable by this user or run as its owner"
        raise UsageError(f"cannot open {path} for overwriting: {_os_reason(exc)}{hint}") from None
    try:
        try:
            opened = os.fstat(fd)
            if (opened.st_dev, opened.st_ino) != (seen.st_dev, seen.st_ino) or (
                opened.st_size != planned.size
            ):
                return outcome("changed")
            mac = _mac_of_fd(fd, key, algorithm, chunk)
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {_os_reason(exc)}") from None
        resumed = resume_inode is not None and resume_inode == opened.st_ino
        if not resumed and not secrets.compare_digest(mac, planned.content_mac):
            return outcome("changed")
        try:
            _overwrite(fd, planned.size, chunk)
        except OSError as exc:
            raise UsageError(
                f"overwriting {path} failed part-way: {_os_reason(exc)}; it is partly "
                "overwritten and still present"
            ) from None
    finally:
        os.close(fd)

    directory = path.parent
    current = path
    try:
        hidden = _random_name(directory, len(path.name))
        os.rename(path, hidden)
        current = hidden
        moved = hidden.lstat()
        if (moved.st_dev, moved.st_ino) != (opened.st_dev, opened.st_ino):
            # Another file took the name between the overwrite and the rename: put it back.
            os.rename(hidden, path)
            raise UsageError(
                f"{path} was replaced while being cleared: the overwritten data are no longer "
                "under that name; plan and approve again"
            )
        _sync_directory(directory)
        os.unlink(hidden)
    except OSError as exc:
        raise UsageError(
            f"{path} was overwritten but could not be removed (now named {current}): "
            f"{_os_reason(exc)}"
        ) from None
    try:
        _sync_directory(directory)
    except OSError as exc:
        raise UsageError(
            f"{path} was overwritten and unlinked, but {directory} could not be synced: "
            f"{_os_reason(exc)}"
        ) from None
    return outcome("cleared", planned.size)
