"""``dataguard detect`` and ``dataguard recognizers`` as scripts use them."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from dataguard.cli.io import batches
from dataguard.cli.main import cli

MOBILE = "13812345678"


def run(args: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, input=stdin)
    return result.exit_code, result.stdout, result.stderr


def spans_of(stdout: str) -> list[list[tuple[int, int, str]]]:
    return [
        [(s["start"], s["end"], s["entity"]) for s in json.loads(line)["spans"]]
        for line in stdout.splitlines()
    ]


def test_one_object_per_record_in_order_with_offsets_into_the_record() -> None:
    code, out, _ = run(["detect"], f"手机号{MOBILE}\nnothing\nx {MOBILE}\n".encode())
    assert code == 1
    assert spans_of(out) == [[(3, 14, "CN_MOBILE")], [], [(2, 13, "CN_MOBILE")]]


def test_output_never_contains_the_value() -> None:
    _, out, err = run(["detect"], f"tel {MOBILE}\n".encode())
    assert MOBILE not in out + err


def test_no_findings_exits_zero_and_exit_zero_flag() -> None:
    assert run(["detect"], b"nothing here\n")[0] == 0
    assert run(["detect", "--exit-zero"], f"{MOBILE}\n".encode())[0] == 0


def test_files_are_read_in_order(tmp_path: Path) -> None:
    a = tmp_path / "a.log"
    b = tmp_path / "b.log"
    a.write_text(f"{MOBILE}\n", encoding="utf-8")
    b.write_text("none\n", encoding="utf-8")
    _, out, _ = run(["detect", str(b), str(a)])
    assert spans_of(out) == [[], [(0, 11, "CN_MOBILE")]]


def test_invalid_utf8_is_read_and_counted_one_code_point_per_byte() -> None:
    _, out, _ = run(["detect"], b"\xff\xfe " + MOBILE.encode() + b"\n")
    assert spans_of(out) == [[(3, 14, "CN_MOBILE")]]


def test_crlf_and_missing_final_newline() -> None:
    _, out, _ = run(["detect"], f"{MOBILE}\r\nx {MOBILE}".encode())
    assert spans_of(out) == [[(0, 11, "CN_MOBILE")], [(2, 13, "CN_MOBILE")]]


def test_jsonl_field_with_nested_path_and_bad_lines() -> None:
    stdin = (
        json.dumps({"msg": {"text": f"call {MOBILE}"}}) + "\n{broken\n" + '{"other": 1}\n'
    ).encode()
    code, out, err = run(["detect", "--jsonl", "--field", "msg.text"], stdin)
    lines = [json.loads(line) for line in out.splitlines()]
    assert [len(x["spans"]) for x in lines] == [1, 0, 0]
    assert lines[1]["error"] == "not valid JSON"
    assert code == 2
    assert "line 2" in err


def test_jsonl_field_holding_an_object_or_array_is_an_error_not_an_empty_result() -> None:
    # {"spans": []} used to say "nothing here" about a mobile number inside the object.
    stdin = "".join(
        json.dumps({"text": value}) + "\n"
        for value in ({"a": MOBILE}, [MOBILE], MOBILE, int(MOBILE), None)
    ).encode()
    code, out, err = run(["detect", "--jsonl"], stdin)
    lines = [json.loads(line) for line in out.splitlines()]
    assert [x.get("error") for x in lines] == [
        "the field is an object, not text", "the field is an array, not text", None, None, None
    ]  # fmt: skip
    assert [len(x["spans"]) for x in lines] == [0, 0, 1, 1, 0]
    assert code == 2
    assert "line 1" in err
    assert MOBILE not in err


@pytest.mark.parametrize("encoding", ["gbk", "auto"])
def test_gbk_records_are_read_with_encoding(encoding: str) -> None:
    # Read as UTF-8 the name and the address were undecodable: only the phone was found.
    line = "收件人：张三，电话13812341050，地址：浙江省杭州市西湖区文三路100号"
    stdin = line.encode("gbk") + b"\n"
    _, out, _ = run(["detect"], stdin)
    assert [s[2] for s in spans_of(out)[0]] == ["CN_MOBILE"]
    code, out, _ = run(["detect", "--encoding", encoding], stdin)
    assert code == 1
    found = spans_of(out)[0]
    assert [s[2] for s in found] == ["CN_NAME", "CN_MOBILE", "CN_ADDRESS"]
    assert [line[a:b] for a, b, _ in found][:2] == ["张三", "13812341050"]


def test_entities_filter_and_unknown_entity() -> None:
    assert run(["detect", "--entities", "CN_MOBILE"], f"{MOBILE}\n".encode())[0] == 1
    code, _, err = run(["detect", "--entities", "NOT_AN_ENTITY"], b"x\n")
    assert code == 2
    assert "dataguard recognizers" in err


def test_missing_file_is_a_clear_error() -> None:
    code, _, err = run(["detect", "/nonexistent/x.log"])
    assert code == 2
    assert err.startswith("error: cannot read")


def test_parallel_jobs_give_the_same_output() -> None:
    stdin = "".join(f"{i} {MOBILE if i % 3 else 'none'}\n" for i in range(9000)).encode()
    serial = run(["detect"], stdin)[1]
    parallel = run(["detect", "--jobs", "2"], stdin)[1]
    assert serial == parallel
    assert len(serial.splitlines()) == 9000


@pytest.mark.parametrize("mode", [[], ["--jobs", "2"], ["--jsonl", "--field", "m"]])
def test_lines_that_trickle_into_a_pipe_are_answered_before_the_next(mode: list[str]) -> None:
    # Not line-buffered (stdin is a pipe): a batch is what has arrived, not 32,768 lines.
    proc = subprocess.Popen(
        [sys.executable, "-m", "dataguard.cli.main", "detect", *mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    try:
        for text in (f"tel {MOBILE}", "nothing here"):
            record = json.dumps({"m": text}) if "--jsonl" in mode else text
            proc.stdin.write(record.encode() + b"\n")
            proc.stdin.flush()
            spans = json.loads(proc.stdout.readline())["spans"]
            assert [(s["start"], s["entity"]) for s in spans] == (
                [(4, "CN_MOBILE")] if MOBILE in text else []
            )
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    assert proc.returncode == 1  # a finding was reported


def test_batches_hold_whole_records_and_respect_the_cap() -> None:
    long_record = b"x" * 100_000 + MOBILE.encode()
    data = b"a\r\n" + long_record + b"\n" + b"b\n" * 10 + b"last"
    seen: list[int] = []
    got = list(batches([io.BytesIO(data)], 4, seen.append, block=1024))
    assert all(len(batch) <= 4 for batch in got)
    assert [r for batch in got for r in batch] == ["a", long_record.decode()] + ["b"] * 10 + [
        "last"
    ]
    assert sum(seen) == len(data)


def test_recognizers_lists_entities_as_table_and_json() -> None:
    code, out, _ = run(["recognizers"])
    assert code == 0
    assert "CN_MOBILE" in out
    rows = json.loads(run(["recognizers", "--format", "json"])[1])
    assert {"entity", "description", "validation", "standard"} <= set(rows[0])


@pytest.mark.parametrize("args", [["--help"], ["detect", "--help"], ["recognizers", "--help"]])
def test_help_teaches_with_examples(args: list[str]) -> None:
    code, out, _ = run(args)
    assert code == 0
    assert "Examples:" in out


def test_version() -> None:
    code, out, _ = run(["--version"])
    assert code == 0
    assert "dataguard" in out


def test_closed_stdout_ends_quietly() -> None:
    proc = subprocess.run(
        f"yes 'x {MOBILE}' | head -n 200000 | {sys.executable} -m dataguard.cli.main detect"
        " | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stdout.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_summary_counts_entities_on_stderr_without_values() -> None:
    code, out, err = run(["detect", "--summary"], f"{MOBILE}\nx\n{MOBILE} {MOBILE}\n".encode())
    assert code == 1
    assert "3 record(s), 3 finding(s)" in err
    assert "CN_MOBILE" in err
    assert MOBILE not in err
    assert len(out.splitlines()) == 3
