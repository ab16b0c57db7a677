"""Clearing files: planning by glob, keyed content MACs, overwrite-then-unlink, honest limits.

Every test works on real files under tmp_path; nothing of the file system is mocked.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dataguard.destroy.files import (
    METHOD,
    FileOutcome,
    PlannedFile,
    clear_file,
    content_mac,
    expand_patterns,
    filesystem_of,
    limitation_note,
    method,
    plan_files,
)
from dataguard.errors import UsageError

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
SECRET = "姓名,手机号\n张三,13812345678\n".encode()


def write(path: Path, data: bytes = SECRET) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def plan_one(path: Path, algorithm: str = "sha256") -> PlannedFile:
    planned, notes = plan_files([str(path)], path.parent, KEY, algorithm)
    assert len(planned) == 1, notes
    return planned[0]


# -- globbing ----------------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    base = tmp_path / "base"
    for name in ("a.csv", "b.txt", "sub/c.csv", "sub/deep/d.csv", ".hidden.csv", "sub/.e.csv"):
        write(base / name)
    return base


def test_relative_globs_and_recursive_double_star(tree: Path) -> None:
    assert expand_patterns(["*.csv"], tree) == [tree / "a.csv"]
    assert expand_patterns(["**/*.csv"], tree) == [
        tree / "a.csv",
        tree / "sub" / "c.csv",
        tree / "sub" / "deep" / "d.csv",
    ]
    assert expand_patterns(["sub/**/*.csv"], tree) == [
        tree / "sub" / "c.csv",
        tree / "sub" / "deep" / "d.csv",
    ]
    assert expand_patterns(["?.txt"], tree) == [tree / "b.txt"]
    assert expand_patterns(["[ab].*"], tree) == [tree / "a.csv", tree / "b.txt"]


def test_trailing_double_star_matches_every_file_below(tree: Path) -> None:
    assert expand_patterns(["sub/**"], tree) == [
        tree / "sub" / "c.csv",
        tree / "sub" / "deep" / "d.csv",
    ]


def test_hidden_names_need_a_dotted_pattern(tree: Path) -> None:
    assert tree / ".hidden.csv" not in expand_patterns(["*", "**/*"], tree)
    assert expand_patterns([".*.csv"], tree) == [tree / ".hidden.csv"]
    assert expand_patterns(["sub/.e.csv"], tree) == [tree / "sub" / ".e.csv"]


def test_absolute_patterns_ignore_the_base(tree: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert expand_patterns([str(tree / "sub" / "*.csv")], elsewhere) == [tree / "sub" / "c.csv"]
    assert expand_patterns([str(tree / "**" / "d.csv")], elsewhere) == [
        tree / "sub" / "deep" / "d.csv"
    ]


def test_results_are_sorted_deduplicated_and_regular_files_only(tree: Path) -> None:
    found = expand_patterns(["**/*.csv", "*.csv", "sub/c.csv", "*", "sub"], tree)
    assert found == sorted(set(found))
    assert found == [
        tree / "a.csv",
        tree / "b.txt",
        tree / "sub" / "c.csv",
        tree / "sub" / "deep" / "d.csv",
    ]
    assert all(path.is_absolute() for path in found)


def test_results_are_resolved(tree: Path) -> None:
    assert expand_patterns(["sub/../sub/./c.csv"], tree) == [tree.resolve() / "sub" / "c.csv"]


def test_patterns_matching_nothing_are_noted(tree: Path) -> None:
    notes: list[str] = []
    assert expand_patterns(["*.parquet", "missing/*.csv", "sub", "*.csv"], tree, notes=notes) == [
        tree / "a.csv"
    ]
    assert len(notes) == 3
    assert "'*.parquet'" in notes[0]
    assert "'missing/*.csv'" in notes[1]
    assert "'sub'" in notes[2]  # a directory is not a regular file


def test_an_empty_pattern_is_a_usage_error(tree: Path) -> None:
    with pytest.raises(UsageError, match="empty"):
        expand_patterns([" "], tree)


def test_symlinked_files_are_skipped_reported_and_their_targets_untouched(tmp_path: Path) -> None:
    base = tmp_path / "base"
    target = write(tmp_path / "outside" / "target.csv")
    write(base / "real.csv")
    (base / "link.csv").symlink_to(target)
    (base / "dangling.csv").symlink_to(tmp_path / "nowhere.csv")

    planned, notes = plan_files(["*.csv", "link.csv"], base, KEY)
    assert [item.path for item in planned] == [str(base / "real.csv")]
    assert any(str(base / "link.csv") in note and "symlink" in note for note in notes)
    assert any(str(base / "dangling.csv") in note for note in notes)
    assert "'link.csv'" in notes[0]  # named literally, still refused

    for item in planned:
        assert clear_file(item, KEY).state == "cleared"
    assert target.read_bytes() == SECRET
    assert (base / "link.csv").is_symlink()


def test_symlinked_directories_are_never_followed(tmp_path: Path) -> None:
    base = tmp_path / "base"
    outside = write(tmp_path / "outside" / "secret.csv")
    write(base / "sub" / "own.csv")
    (base / "sub" / "linked").symlink_to(outside.parent, target_is_directory=True)

    own = base / "sub" / "own.csv"
    for pattern, expected in (("**/*.csv", [own]), ("sub/**", [own]), ("sub/*/*.csv", [])):
        notes: list[str] = []
        assert expand_patterns([pattern], base, notes=notes) == expected
        assert notes[-1].startswith(f"skipped symlink {base / 'sub' / 'linked'} ")
    assert outside.read_bytes() == SECRET


@pytest.mark.skipif(os.geteuid() == 0, reason="root may list any directory")
def test_unreadable_directories_are_noted(tmp_path: Path) -> None:
    write(tmp_path / "locked" / "f.csv")
    (tmp_path / "locked").chmod(0)
    notes: list[str] = []
    try:
        assert expand_patterns(["**/*.csv"], tmp_path, notes=notes) == []
    finally:
        (tmp_path / "locked").chmod(0o700)
    assert any(str(tmp_path / "locked") in note and "Permission denied" in note for note in notes)


def test_a_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    write(tmp_path / "a.csv")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert expand_patterns(["**/*.csv", "loop/**/*.csv"], tmp_path) == [tmp_path / "a.csv"]


# -- content MACs ------------------------------------------------------------------------------


def test_content_mac_is_an_hmac_sha256_of_the_content(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv")
    assert content_mac(path, KEY) == hmac.new(KEY, SECRET, hashlib.sha256).hexdigest()


def test_content_mac_streams_files_longer_than_one_chunk(tmp_path: Path) -> None:
    data = os.urandom((1 << 20) * 2 + 12345)
    path = write(tmp_path / "big.bin", data)
    assert content_mac(path, KEY) == hmac.new(KEY, data, hashlib.sha256).hexdigest()


def test_content_mac_is_keyed(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv")
    assert content_mac(path, KEY) != content_mac(path, OTHER_KEY)
    assert content_mac(path, KEY) != hashlib.sha256(SECRET).hexdigest()


def test_content_mac_sm3_for_the_gm_suite(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv")
    mac = content_mac(path, KEY, "sm3")
    assert len(mac) == 64
    assert mac != content_mac(path, KEY, "sha256")
    assert mac != content_mac(path, OTHER_KEY, "sm3")
    if "sm3" in hashlib.algorithms_available:  # an independent check where OpenSSL offers SM3
        assert mac == hmac.new(KEY, SECRET, "sm3").hexdigest()


def test_content_mac_refuses_bad_algorithms_keys_and_symlinks(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv")
    with pytest.raises(UsageError, match="'sm3'"):
        content_mac(path, KEY, "md5")
    with pytest.raises(ValueError, match="16 bytes"):
        content_mac(path, b"short")
    (tmp_path / "link").symlink_to(path)
    with pytest.raises(UsageError, match="link"):
        content_mac(tmp_path / "link", KEY)


def test_read_errors_name_the_path_and_reason_never_the_content(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        content_mac(tmp_path, KEY)  # a directory cannot be read as a file
    message = str(caught.value)
    assert str(tmp_path) in message
    assert "directory" in message.lower()
    with pytest.raises(UsageError, match="No such file"):
        content_mac(tmp_path / "missing", KEY)


# -- plans -------------------------------------------------------------------------------------


def test_plan_records_path_size_and_keyed_mac(tree: Path) -> None:
    planned, notes = plan_files(["**/*.csv"], tree, KEY)
    assert notes == []
    assert [item.path for item in planned] == [
        str(tree / "a.csv"),
        str(tree / "sub" / "c.csv"),
        str(tree / "sub" / "deep" / "d.csv"),
    ]
    first = planned[0]
    assert first.size == len(SECRET)
    assert first.content_mac == hmac.new(KEY, SECRET, hashlib.sha256).hexdigest()
    assert SECRET.decode() not in json.dumps([item.to_dict() for item in planned])


def test_plan_notes_other_hard_links(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv")
    os.link(path, tmp_path / "g.dat")
    _, notes = plan_files(["*.csv"], tmp_path, KEY)
    assert len(notes) == 1
    assert "1 other hard link" in notes[0]


def test_planned_file_round_trips_through_json(tmp_path: Path) -> None:
    planned = plan_one(write(tmp_path / "f.csv"))
    assert PlannedFile.from_dict(json.loads(json.dumps(planned.to_dict()))) == planned


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"path": "/a", "size": 1}, "missing"),
        ({"path": "/a", "size": 1, "content_mac": "0" * 64, "extra": 1}, "unknown"),
        ({"path": 1, "size": 1, "content_mac": "0" * 64}, "path"),
        ({"path": "relative", "size": 1, "content_mac": "0" * 64}, "absolute"),
        ({"path": "/a", "size": "1", "content_mac": "0" * 64}, "size"),
        ({"path": "/a", "size": True, "content_mac": "0" * 64}, "size"),
        ({"path": "/a", "size": -1, "content_mac": "0" * 64}, "size"),
        ({"path": "/a", "size": 1, "content_mac": "xyz"}, "hex"),
        ({"path": "/a", "size": 1, "content_mac": "0" * 63}, "hex"),
        ({"path": "/a", "size": 1, "content_mac": None}, "content_mac"),
    ],
)
def test_planned_file_from_dict_rejects_bad_data(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PlannedFile.from_dict(data)


# -- clearing ----------------------------------------------------------------------------------


def test_clear_overwrites_the_data_in_place_before_unlinking(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv")
    planned = plan_one(path)
    # Both outlive the name: they show what became of the inode's data.
    fd = os.open(path, os.O_RDONLY)
    os.link(path, tmp_path / "hard-link")
    try:
        outcome = clear_file(planned, KEY)
        after = os.pread(fd, len(SECRET) + 10, 0)
    finally:
        os.close(fd)
    assert outcome == FileOutcome(str(path), "cleared", len(SECRET), filesystem_of(path))
    assert len(after) == len(SECRET)
    assert after != SECRET
    assert SECRET[:6] not in after
    assert (tmp_path / "hard-link").read_bytes() == after


def test_clear_hides_the_name_and_leaves_nothing_in_the_directory(tmp_path: Path) -> None:
    path = write(tmp_path / "customers.csv")
    os.link(path, tmp_path / "keep")
    inode = path.stat().st_ino
    assert clear_file(plan_one(path), KEY).state == "cleared"
    # Neither the planned name nor the random name it was renamed to is left.
    assert os.listdir(tmp_path) == ["keep"]
    assert (tmp_path / "keep").stat().st_ino == inode
    assert (tmp_path / "keep").stat().st_nlink == 1
    assert (tmp_path / "keep").read_bytes() != SECRET


def test_a_file_changed_since_planning_is_untouched(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv")
    planned = plan_one(path)
    same_size = bytes(reversed(SECRET))
    path.write_bytes(same_size)
    outcome = clear_file(planned, KEY)
    assert (outcome.state, outcome.bytes_overwritten) == ("changed", 0)
    assert path.read_bytes() == same_size

    path.write_bytes(SECRET + b"more")
    assert clear_file(planned, KEY).state == "changed"
    assert path.read_bytes() == SECRET + b"more"


def test_the_wrong_key_or_algorithm_counts_as_changed(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv")
    planned = plan_one(path)
    assert clear_file(planned, OTHER_KEY).state == "changed"
    assert clear_file(planned, KEY, "sm3").state == "changed"
    assert path.read_bytes() == SECRET


def test_a_path_that_became_a_symlink_is_changed_and_its_target_untouched(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "f.csv")
    planned = plan_one(path)
    target = write(tmp_path / "target.csv")  # same content and size: only the link differs
    path.unlink()
    path.symlink_to(target)
    assert clear_file(planned, KEY).state == "changed"
    assert path.is_symlink()
    assert target.read_bytes() == SECRET


def test_a_path_that_became_a_directory_is_changed(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv")
    planned = plan_one(path)
    path.unlink()
    path.mkdir()
    assert clear_file(planned, KEY).state == "changed"
    assert path.is_dir()


def test_a_missing_file_is_absent(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv")
    planned = plan_one(path)
    path.unlink()
    outcome = clear_file(planned, KEY)
    assert (outcome.state, outcome.bytes_overwritten) == ("absent", 0)
    assert outcome.filesystem
    gone = PlannedFile(str(tmp_path / "no-dir" / "f.csv"), 1, "0" * 64)
    assert clear_file(gone, KEY).state == "absent"


def test_clearing_twice_reports_absent_the_second_time(tmp_path: Path) -> None:
    planned = plan_one(write(tmp_path / "f.csv"))
    assert clear_file(planned, KEY).state == "cleared"
    assert clear_file(planned, KEY).state == "absent"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_permission_denied_is_a_usage_error_naming_path_and_reason(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv")
    planned = plan_one(path)
    path.chmod(0o400)
    with pytest.raises(UsageError) as caught:
        clear_file(planned, KEY)
    message = str(caught.value)
    assert str(path) in message
    assert "Permission denied" in message
    assert SECRET.decode() not in message
    assert path.read_bytes() == SECRET


def test_os_errors_are_usage_errors_naming_path_and_reason(tmp_path: Path) -> None:
    # A running executable cannot be opened for writing (ETXTBSY), even by root.
    sleep = shutil.which("sleep")
    if sleep is None:
        pytest.skip("no sleep executable to run")
    path = tmp_path / "running"
    shutil.copy(sleep, path)
    planned = plan_one(path)
    process = subprocess.Popen([str(path), "30"])
    try:
        with pytest.raises(UsageError) as caught:
            clear_file(planned, KEY)
    finally:
        process.kill()
        process.wait()
    message = str(caught.value)
    assert str(path) in message
    assert "Text file busy" in message
    assert content_mac(path, KEY) == planned.content_mac


def test_a_large_file_is_wholly_overwritten(tmp_path: Path) -> None:
    data = os.urandom(5 * 1000 * 1000 + 7)
    path = write(tmp_path / "big.bin", data)
    planned = plan_one(path)
    fd = os.open(path, os.O_RDONLY)
    try:
        outcome = clear_file(planned, KEY)
        after = os.pread(fd, len(data) + 1, 0)
    finally:
        os.close(fd)
    assert (outcome.state, outcome.bytes_overwritten) == ("cleared", len(data))
    assert len(after) == len(data)
    # Every 4 KiB block was rewritten (a random block repeating its predecessor is impossible
    # in practice).
    block = 4096
    assert all(after[i : i + block] != data[i : i + block] for i in range(0, len(data), block))
    assert not path.exists()


def test_small_chunks_cover_the_whole_length(tmp_path: Path) -> None:
    data = b"x" * 10_001
    path = write(tmp_path / "f.bin", data)
    planned = plan_one(path)
    os.link(path, tmp_path / "view")
    assert clear_file(planned, KEY, chunk=1000).bytes_overwritten == len(data)
    after = (tmp_path / "view").read_bytes()
    assert len(after) == len(data)
    assert after.count(b"x") < 200  # random bytes: about 39 of 10,001 are "x"


def test_an_empty_file_is_cleared(tmp_path: Path) -> None:
    path = write(tmp_path / "empty", b"")
    outcome = clear_file(plan_one(path), KEY)
    assert (outcome.state, outcome.bytes_overwritten) == ("cleared", 0)
    assert not path.exists()


def test_the_gm_suite_plans_and_clears_with_hmac_sm3(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv")
    planned = plan_one(path, "sm3")
    assert planned.content_mac == content_mac(path, KEY, "sm3")
    assert clear_file(planned, KEY, "sha256").state == "changed"
    assert clear_file(planned, KEY, "sm3").state == "cleared"
    assert not path.exists()


def test_file_outcome_serialises() -> None:
    outcome = FileOutcome("/a/b", "cleared", 3, "ext4")
    assert json.loads(json.dumps(outcome.to_dict())) == {
        "path": "/a/b",
        "state": "cleared",
        "bytes_overwritten": 3,
        "filesystem": "ext4",
    }
    with pytest.raises(ValueError, match="state"):
        FileOutcome("/a/b", "purged", 3, "ext4")


# -- limits and method -------------------------------------------------------------------------


def test_filesystem_of_names_the_file_system(tmp_path: Path) -> None:
    kind = filesystem_of(tmp_path)
    assert kind
    assert kind == filesystem_of(tmp_path / "not" / "yet" / "there")
    if Path("/proc/self/mountinfo").exists():
        assert kind != "unknown"
        assert filesystem_of(Path("/proc/self")) == "proc"


@pytest.mark.parametrize(
    ("filesystem", "says"),
    [
        ("btrfs", "old blocks"),
        ("zfs", "old blocks"),
        ("ext4", "journal"),
        ("xfs", "journal"),
        ("tmpfs", "memory"),
        ("overlay", "lower layer"),
        ("nfs4", "server"),
        ("ext2", "in place"),
        ("unknown", "unknown"),
        ("weirdfs", "could not be judged"),
    ],
)
def test_limitation_note_is_honest(filesystem: str, says: str) -> None:
    note = limitation_note(filesystem)
    assert says in note
    assert "SSD" in note
    assert "backups" in note
    assert "crypto-shredding" in note
    assert "not Purge" in note


def test_the_method_is_clear_never_purge() -> None:
    assert dict(METHOD) == {
        "category": "Clear",
        "technique": "overwrite (1 pass, random data) then unlink",
        "standard": "NIST SP 800-88 Rev. 1",
    }
    record = method()
    record["category"] = "tampered"
    assert METHOD["category"] == "Clear"
    assert json.loads(json.dumps(method())) == dict(METHOD)
    with pytest.raises(TypeError):
        METHOD["category"] = "Purge"  # type: ignore[index]
