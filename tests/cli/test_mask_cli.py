"""``dataguard mask``, ``dataguard filter`` and ``dataguard profiles`` as scripts use them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from dataguard.cli.main import cli

KEY = "a-test-key-that-is-long-enough-0123456789"


def run(
    args: list[str], stdin: bytes = b"", env: dict[str, str] | None = None
) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(cli, args, input=stdin, env=env)
    return result.exit_code, result.stdout_bytes, result.stderr


def dataguard(
    args: list[str], stdin: bytes = b"", **kwargs: object
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "dataguard.cli.main", *args],
        input=stdin,
        capture_output=True,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


# -- mask -------------------------------------------------------------------------------------


def test_mask_reproduces_the_ele_me_examples() -> None:
    code, out, _ = run(
        ["mask", "13812341050", "0571-88881123", "tt@163.com", "浙江省杭州市西湖区文三路90号1幢"]
    )
    assert code == 0
    assert out.decode().splitlines() == [
        "******1050",
        "0571-*****123",
        "tt**@1**.com",
        "浙江省杭州市西湖区****",
    ]


def test_mask_as_an_entity_skips_detection() -> None:
    code, out, _ = run(["mask", "--as", "cn_id_card", "11010519491231002X"])
    assert (code, out) == (0, b"1****************X\n")


def test_mask_reads_a_column_of_values_from_stdin_for_a_dash() -> None:
    code, out, _ = run(["mask", "--as", "CN_MOBILE", "-"], stdin=b"13812341050\n13912345678\r\n")
    assert (code, out) == (0, b"******1050\n******5678\n")
    code, out, _ = run(
        ["mask", "tt@163.com", "-"], stdin="住址浙江省杭州市西湖区文三路90号\n".encode()
    )
    assert (code, out.decode()) == (0, "tt**@1**.com\n住址浙江省杭州市西湖区****\n")


def test_mask_as_an_unknown_entity_is_a_usage_error() -> None:
    code, _, err = run(["mask", "--as", "PHONE", "13812341050"])
    assert code == 2
    assert "unknown entity" in err
    assert "13812341050" not in err


def test_mask_with_a_policy_file(tmp_path: Path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text(
        'base = "display"\n[entities.CN_MOBILE]\noperator = "mask_range"\nstart = 3\nend = 7\n'
    )
    code, out, _ = run(["mask", "-p", str(policy), "tel 13812341050"])
    assert (code, out) == (0, b"tel 138****1050\n")


def test_keyed_profile_without_a_key_says_how_to_give_one() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATAGUARD_MASK_KEY"}
    proc = dataguard(["mask", "-p", "pseudonymize", "13812341050"], env=env)
    assert proc.returncode == 2
    assert b"DATAGUARD_MASK_KEY" in proc.stderr
    assert b"Traceback" not in proc.stderr
    assert b"13812341050" not in proc.stderr


def test_pseudonyms_are_stable_across_runs_and_key_sources(tmp_path: Path) -> None:
    env = {**os.environ, "DATAGUARD_MASK_KEY": KEY}
    first = dataguard(["mask", "-p", "pseudonymize", "tel 13812341050"], env=env)
    second = dataguard(["mask", "-p", "pseudonymize", "tel 138 1234 1050"], env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(b"tel ")
    assert b"1050" not in first.stdout
    assert first.stdout == second.stdout
    read, write = os.pipe()
    os.write(write, KEY.encode())
    os.close(write)
    env_without = {k: v for k, v in os.environ.items() if k != "DATAGUARD_MASK_KEY"}
    via_fd = dataguard(
        ["mask", "-p", "pseudonymize", "--key-fd", str(read), "tel 13812341050"],
        env=env_without,
        pass_fds=(read,),
    )
    os.close(read)
    assert via_fd.stdout == first.stdout, via_fd.stderr


def test_a_short_key_is_refused() -> None:
    env = {**os.environ, "DATAGUARD_MASK_KEY": "short"}
    proc = dataguard(["mask", "-p", "surrogate", "13812341050"], env=env)
    assert proc.returncode == 2
    assert b"too short" in proc.stderr


# -- filter -----------------------------------------------------------------------------------


def test_filter_masks_stdin_line_by_line_and_keeps_everything_else() -> None:
    data = (
        "plain line\n"
        '{"user": "x", "phone": "13812341050", "password": "hunter2", "n": 1}\n'
        "GET /a?mobile=13812341050&token=abc123&q=1 HTTP/1.1\n"
        "\xff not utf8\n"
    ).encode("utf-8", "surrogateescape")
    data = data.replace("\xff".encode(), b"\xff")
    code, out, _ = run(["filter"], data)
    assert code == 0
    assert out.split(b"\n") == [
        b"plain line",
        b'{"user": "x", "phone": "******1050", "password": "******", "n": 1}',
        b"GET /a?mobile=******1050&token=******&q=1 HTTP/1.1",
        b"\xff not utf8",
        b"",
    ]


def test_filter_masks_passwords_on_logged_command_lines() -> None:
    # cron, CI and audit logs record the commands run, with the passwords given to them;
    # ports (-p 2222, -P3306) and prompts (a bare -p) stay.
    data = (
        b"CRON[2211]: (root) CMD (mysqldump -uroot -pSup3rS3cret -P3306 shop | gzip > a.gz)\n"
        b"+ sshpass -p 'Dep10y!' ssh -p 2222 deploy@build\n"
        b"$ curl -sS --user 'ops:P@ss w0rd' https://api.example.com/v1\n"
        b"sqlplus -s scott/T1ger_pw@orcl @report.sql\n"
        b"mysql -h db -u root -p shop\n"
    )
    code, out, _ = run(["filter"], data)
    assert code == 0
    assert out.decode().splitlines() == [
        "CRON[2211]: (root) CMD (mysqldump -uroot -p****** -P3306 shop | gzip > a.gz)",
        "+ sshpass -p ****** ssh -p 2222 deploy@build",
        "$ curl -sS --user 'ops:******' https://api.example.com/v1",
        "sqlplus -s scott/******@orcl @report.sql",
        "mysql -h db -u root -p shop",
    ]


def test_filter_plain_format_ignores_keys() -> None:
    line = b"phone=unknown tel 13812341050\n"
    assert run(["filter", "--format", "plain"], line)[1] == b"phone=unknown tel ******1050\n"
    # Under a phone key the value is masked as a mobile (last 4 kept) although no pattern matched.
    assert run(["filter"], line)[1] == b"phone=******nown tel ******1050\n"


def test_filter_reads_files_in_order_and_writes_stats(tmp_path: Path) -> None:
    a = tmp_path / "a.log"
    b = tmp_path / "b.log"
    a.write_bytes(b"tel 13812341050\n")
    b.write_bytes(b"mail tt@163.com\nnone\n")
    stats = tmp_path / "stats.json"
    code, out, _ = run(["filter", str(a), str(b), "--stats", str(stats)])
    assert code == 0
    assert out.decode() == "tel ******1050\nmail tt**@1**.com\nnone\n"
    doc = json.loads(stats.read_text())
    assert doc["lines"] == 3
    assert doc["lines_changed"] == 2
    assert doc["entities"] == {"CN_MOBILE": 1, "EMAIL_ADDRESS": 1}
    assert doc["operators"] == {"email": 1, "keep_ends": 1}
    assert "13812341050" not in stats.read_text()


def test_filter_reads_a_rotated_gzip_log_as_its_lines(tmp_path: Path) -> None:
    """A logrotate'd app.log.1.gz used to pass through as binary, personal data and all."""
    import gzip

    rotated = tmp_path / "app.log.1.gz"
    rotated.write_bytes(gzip.compress(b"tel 13812341050\nmail tt@163.com\n"))
    code, out, _ = run(["filter", str(rotated)])
    assert code == 0
    assert out.decode() == "tel ******1050\nmail tt**@1**.com\n"
    code, out, _ = run(["filter"], rotated.read_bytes())  # zcat-less, on stdin
    assert code == 0
    assert out.decode() == "tel ******1050\nmail tt**@1**.com\n"
    code, out, _ = run(["detect", str(rotated)])
    assert code == 1  # findings
    assert json.loads(out.decode().splitlines()[0])["spans"][0]["entity"] == "CN_MOBILE"


def test_filter_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(["filter", str(tmp_path / "nope.log")])
    assert code == 2
    assert "error:" in err


def test_filter_bad_profile_is_a_usage_error() -> None:
    code, _, err = run(["filter", "-p", "nosuch"], b"x\n")
    assert code == 2
    assert "dataguard profiles" in err


def test_filter_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    big = tmp_path / "big.log"
    big.write_bytes(b"tel 13812341050 and more text here\n" * 200_000)
    proc = subprocess.run(
        f"{sys.executable} -m dataguard.cli.main filter {big} | head -n 2",
        shell=True,
        capture_output=True,
        check=False,
        timeout=120,  # a filter that never ends after its reader left is the failure
    )
    assert proc.stdout == b"tel ******1050 and more text here\n" * 2
    assert b"Traceback" not in proc.stderr
    assert b"Error" not in proc.stderr


@pytest.mark.parametrize("mode", [["--line-buffered"], ["--block-buffered", "-j", "2"]])
def test_filter_answers_lines_that_trickle_in_before_the_next(mode: list[str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "dataguard.cli.main", "filter", *mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    try:
        for phone in ("13812341050", "13912345678"):
            proc.stdin.write(f"tel {phone}\n".encode())
            proc.stdin.flush()
            # The answer arrives while stdin is still open: nothing waits for a full block.
            assert proc.stdout.readline() == f"tel ******{phone[-4:]}\n".encode()
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    assert proc.returncode == 0


# -- profiles ---------------------------------------------------------------------------------


def test_profiles_lists_every_profile_with_examples() -> None:
    code, out, _ = run(["profiles", "--format", "json"], env={"DATAGUARD_MASK_KEY": ""})
    assert code == 0
    rows = {r["profile"]: r for r in json.loads(out)}
    assert set(rows) >= {"display", "hutool", "strict", "pseudonymize", "surrogate"}
    assert rows["display"]["examples"]["CN_MOBILE"] == ["13812341050", "******1050"]
    assert rows["strict"]["examples"]["CN_NAME"][1] == "<CN_NAME>"
    assert rows["pseudonymize"]["examples"] is None  # keyed: no key, no examples
    code, out, _ = run(["profiles", "--format", "json"], env={"DATAGUARD_MASK_KEY": KEY})
    rows = {r["profile"]: r for r in json.loads(out)}
    assert rows["surrogate"]["examples"]["CN_MOBILE"][1] != "13812341050"


def test_profiles_show_prints_a_loadable_policy(tmp_path: Path) -> None:
    code, out, _ = run(["profiles", "--show", "display"])
    assert code == 0
    policy = tmp_path / "start.toml"
    policy.write_bytes(out)
    code, masked, err = run(["mask", "-p", str(policy), "13812341050"])
    assert (code, masked) == (0, b"******1050\n"), err


@pytest.mark.parametrize("command", ["mask", "filter", "profiles"])
def test_every_command_has_examples_in_its_help(command: str) -> None:
    code, out, _ = run([command, "--help"])
    assert code == 0
    assert b"Examples:" in out
