"""JSON nested deeper than Python's recursion limit, where logs and exports hold JSON.

``json.loads`` raises RecursionError, not ValueError, on ``{"a":{"a":…}}`` a few thousand
levels deep: a filter crashed on such a line with a traceback and wrote nothing of the lines
around it, ``redact`` and ``detect --jsonl`` printed tracebacks. Such a line is read as text
(its findings still masked) where JSON is optional, and is an error naming its line where
JSON is required.
"""

from __future__ import annotations

import base64
import json
import logging
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from dataguard.cli.main import cli

from dataguard.json_text import loads
from dataguard.logging import MaskingFilter
from dataguard.mask import Masker

MOBILE = "13812341050"
DEPTH = sys.getrecursionlimit() * 5
NESTED = '{"a":' * DEPTH + f'"{MOBILE}"' + "}" * DEPTH
ARRAYS = "[" * DEPTH + "]" * DEPTH


def invoke(args: list[str], stdin: bytes = b"") -> tuple[int, bytes, str]:
    result = CliRunner().invoke(cli, args, input=stdin)
    return result.exit_code, result.stdout_bytes, result.stderr


def test_loads_says_too_deep_as_a_value_error() -> None:
    with pytest.raises(ValueError, match="nested too deeply"):
        loads(NESTED)
    assert loads('{"a": [1]}') == {"a": [1]}


@pytest.mark.parametrize("fmt", ["auto", "json"])
def test_the_filter_reads_a_too_deep_line_as_text_and_keeps_every_line(fmt: str) -> None:
    lines = [f'{{"phone":"{MOBILE}"}}', NESTED, ARRAYS, f"tel {MOBILE}"]
    code, out, err = invoke(["filter", "-f", fmt], ("\n".join(lines) + "\n").encode())
    assert (code, err) == (0, "")
    masked = out.decode().splitlines()
    assert len(masked) == 4
    assert MOBILE not in out.decode()
    assert masked[1] == NESTED.replace(MOBILE, "******1050")
    assert masked[2] == ARRAYS


def test_the_masker_and_the_logging_filter_mask_a_too_deep_message() -> None:
    assert Masker().mask_lines([NESTED]) == [NESTED.replace(MOBILE, "******1050")]
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "%s", (NESTED,), None)
    assert MaskingFilter().filter(record)
    assert MOBILE not in record.getMessage()


def test_base64_of_a_too_deep_object_is_masked_as_a_token() -> None:
    token = base64.b64encode(NESTED.encode()).decode()
    masked = Masker().mask_lines([f"X-User-Info: {token} phone={MOBILE}"])[0]
    assert MOBILE not in masked


def test_detect_jsonl_names_a_too_deep_line_not_json() -> None:
    stdin = f'{{"text":"tel {MOBILE}"}}\n{NESTED}\n'.encode()
    code, out, err = invoke(["detect", "--jsonl", "--field", "text"], stdin)
    answers = [json.loads(line) for line in out.decode().splitlines()]
    assert code == 2
    assert [a.get("error") for a in answers] == [None, "not valid JSON"]
    assert "Traceback" not in err


def test_redact_refuses_a_too_deep_jsonl_line_by_number(tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    source.write_text(f'{{"phone":"{MOBILE}"}}\n{NESTED}\n', encoding="utf-8")
    target = tmp_path / "out.jsonl"
    code, _, err = invoke(["redact", str(source), "-o", str(target)])
    assert code == 2
    assert "line 2 is JSON nested too deeply" in err
    assert MOBILE not in err
    assert not target.exists()
