"""UTF-16 logs with a byte-order mark (SQL Server's ERRORLOG, PowerShell 5's ``>``):
masked as the text they hold, written back as UTF-16 byte for byte elsewhere.

Read as UTF-8, every character was a byte and a NUL: the filter passed every value through
unmasked and called the lines GBK.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from dataguard.cli.main import cli
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard.mask import PROFILES
from dataguard.mask.stream import MaskerSpec, filter_stream
from dataguard.sources.utf16 import Utf16AsUtf8, sniffed, utf16_codec
from dataguard.testing import generators as gen

SPEC = MaskerSpec(PROFILES["display"], fmt="auto")
MOBILE = "13812341050"
LOG = f"2026-11-28 10:00:01 登录 用户张伟 手机{MOBILE}\r\n邮箱 tt@163.com\r\n没有个人信息的一行\r\n"


def run_filter(data: bytes, **kwargs: object) -> bytes:
    out = io.BytesIO()
    filter_stream([io.BytesIO(data)], out, SPEC, **kwargs)  # type: ignore[arg-type]
    return out.getvalue()


def utf8_filtered(text: str, **kwargs: object) -> str:
    return run_filter(text.encode("utf-8"), **kwargs).decode("utf-8")


@pytest.mark.parametrize(
    ("codec", "mark"), [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")]
)
@pytest.mark.parametrize("options", [{}, {"jobs": 2}, {"line_buffered": True}])
def test_a_utf16_log_is_masked_as_its_text_and_stays_utf16(
    codec: str, mark: bytes, options: dict[str, object]
) -> None:
    data = mark + LOG.encode(codec)
    out = run_filter(data, **options)
    assert out.startswith(mark)
    text = out[2:].decode(codec)
    assert text == utf8_filtered(LOG)
    assert MOBILE not in text
    assert "tt@163.com" not in text
    assert text.splitlines(keepends=True)[2] == "没有个人信息的一行\r\n"


@pytest.mark.parametrize("encoding", ["gbk", "auto"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_utf16_log_is_read_as_utf16_whatever_encoding_says(encoding: str, jobs: int) -> None:
    # --encoding names the encoding of the other logs of the run; a UTF-16 stream's lines,
    # read as UTF-8 once decoded, were decoded as GBK and their names went unseen.
    data = b"\xff\xfe" + LOG.encode("utf-16-le")
    out = run_filter(data, encoding=encoding, jobs=jobs)
    assert out[2:].decode("utf-16-le") == utf8_filtered(LOG)


def test_the_cli_masks_a_utf16_file() -> None:
    data = b"\xff\xfe" + LOG.encode("utf-16-le")
    result = CliRunner().invoke(cli, ["filter"], input=data)
    assert result.exit_code == 0
    assert result.stderr == ""  # no "lines are GBK" note
    assert result.stdout_bytes.decode("utf-16") == utf8_filtered(LOG)


def test_what_is_not_text_comes_back_byte_for_byte() -> None:
    # A lone surrogate (D800 without its pair) and an odd last byte: no character either,
    # both written back as they came, around a masked line.
    body = f"手机{MOBILE}\n".encode("utf-16-le") + b"\x00\xd8" + "x\n".encode("utf-16-le")
    data = b"\xff\xfe" + body + b"\x41"
    out = run_filter(data)
    expected = (
        b"\xff\xfe"
        + "手机******1050\n".encode("utf-16-le")
        + b"\x00\xd8"
        + "x\n".encode("utf-16-le")
    )
    assert out == expected + b"\x41"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
            st.sampled_from(["\n", "\r\n", " ", "，", "姓名：", "手机"]),
            st.integers(0, 2**32).map(lambda seed: gen.mobile(__import__("random").Random(seed))),
        ),
        max_size=20,
    ).map("".join)
)
def test_a_utf16_stream_is_filtered_as_its_utf8_twin(text: str) -> None:
    # A log line starts with its time: UTF-16 is told by an ASCII character (utf16_codec).
    text = "2026-11-28 10:00:01 " + text
    out = run_filter(b"\xff\xfe" + text.encode("utf-16-le"))
    assert out[:2] == b"\xff\xfe"
    assert out[2:].decode("utf-16-le", "surrogatepass") == utf8_filtered(text)


def test_a_huge_utf16_line_is_read_in_pieces() -> None:
    line = "2026-11-28 10:00:01 " + ("数据" * 700_000) + f" 手机{MOBILE} " + ("尾" * 10) + "\n"
    out = run_filter(b"\xff\xfe" + line.encode("utf-16-le"))
    assert out[2:].decode("utf-16-le") == line.replace(MOBILE, "******1050")


def test_marks_are_told_apart() -> None:
    assert utf16_codec(b"\xff\xfeh\x00") == "utf-16-le"
    assert utf16_codec(b"\xfe\xff\x00h") == "utf-16-be"
    assert utf16_codec(b"\xff\xfe") == "utf-16-le"  # the mark alone, so far
    assert utf16_codec(b"\xff\xfe\x00\x00") is None  # UTF-32's mark
    # Junk that starts with the mark, then UTF-8 text: no ASCII code unit (the bytes pair
    # up into ideographs), so it stays a UTF-8 stream whose phone number is masked.
    assert utf16_codec(b"\xff\xfe 13812341050\n") is None
    assert utf16_codec(b"\xff\xfe" + "登录成功".encode("utf-16-le")) is None  # no ASCII yet
    assert utf16_codec(b"\xff\xfe" + "登录 ok".encode("utf-16-le") + b"\x3d") == "utf-16-le"
    assert utf16_codec(b"\xef\xbb\xbfh") is None  # UTF-8's
    stream, codec = sniffed(io.BytesIO(b"\xff\xfeh\x00"))  # no peek: the head is kept
    assert codec == "utf-16-le"
    assert Utf16AsUtf8(stream, codec).read1() == "\ufeffh".encode()


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_detect_reads_a_utf16_log_as_text(encoding: str) -> None:
    data = b"\xff\xfe" + LOG.encode("utf-16-le")
    result = CliRunner().invoke(cli, ["detect", "--encoding", encoding], input=data)
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    # Offsets count the mark, as they count a UTF-8 file's: the record's first character.
    start = ("\ufeff" + LOG).index(MOBILE)
    assert f'"start": {start}, "end": {start + 11}, "entity": "CN_MOBILE"' in first
    assert '"entity": "CN_NAME"' in first


def test_scan_files_reads_a_utf16_log(tmp_path: Path) -> None:
    log = tmp_path / "ERRORLOG"
    log.write_bytes(b"\xff\xfe" + (LOG * 5).encode("utf-16-le"))
    result = CliRunner().invoke(cli, ["scan", "files", str(log), "-f", "json"])
    assert result.exit_code == 1, result.stderr
    (column,) = json.loads(result.stdout)["columns"]
    assert (column["column"], column["kind"]) == ("<line>", "text")
    assert column["evidence"]["reasons"] == ["10/15 sampled values hold personal data inside text"]
    assert MOBILE not in result.stdout


def test_a_utf16_json_lines_file_is_refused_with_what_to_run(tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    source.write_bytes(b"\xff\xfe" + f'{{"phone":"{MOBILE}"}}\r\n'.encode("utf-16-le"))
    result = CliRunner().invoke(cli, ["redact", str(source), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2
    assert "events.jsonl is UTF-16" in result.stderr
    assert "iconv -f utf-16 -t utf-8" in result.stderr
