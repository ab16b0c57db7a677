"""``dataguard keys``, ``encrypt``, ``decrypt`` and the ``encrypt`` operator, through the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from dataguard.cli.main import cli

PASSPHRASE = "a long enough test passphrase"


@pytest.fixture
def keystore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keys.json"
    monkeypatch.setenv("DATAGUARD_KEYSTORE", str(path))
    monkeypatch.setenv("DATAGUARD_KEYSTORE_PASSPHRASE", PASSPHRASE)
    result = CliRunner().invoke(cli, ["keys", "init"])
    assert result.exit_code == 0, result.output
    return path


def run(*args: object, stdin: str | None = None) -> object:
    return CliRunner().invoke(cli, list(map(str, args)), input=stdin)


def test_encrypt_decrypt_round_trip_with_context(keystore: Path) -> None:
    encrypted = run("encrypt", "--scope", "members.mobile", "--context", "row=7", "13812341050")
    assert encrypted.exit_code == 0, encrypted.output
    token = encrypted.stdout.strip()
    assert token.startswith("dg1:")
    assert "13812341050" not in keystore.read_text("utf-8")
    decrypted = run("decrypt", "--context", "row=7", token)
    assert (decrypted.exit_code, decrypted.stdout) == (0, "13812341050\n")
    wrong_row = run("decrypt", "--context", "row=8", token)
    assert wrong_row.exit_code == 1
    assert wrong_row.stdout == "\n"  # one output line per input line
    assert "token 1 does not decrypt" in wrong_row.stderr


def test_a_dash_reads_stdin_as_unix_tools_do(keystore: Path) -> None:
    encrypted = run("encrypt", "--scope", "members.mobile", "-", stdin="13812341050\n")
    assert encrypted.exit_code == 0, encrypted.output
    token = encrypted.stdout.strip()
    assert token.startswith("dg1:")
    decrypted = run("decrypt", "-", stdin=token + "\n")
    assert (decrypted.exit_code, decrypted.stdout) == (0, "13812341050\n")


def test_stdin_lines_and_blind_index(keystore: Path) -> None:
    result = run(
        "encrypt", "--scope", "m.phone", "--deterministic", "--blind-index",
        stdin="13812341050\n13812341050\n13912345678\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) == 3
    assert rows[0] == rows[1]  # deterministic token, same index
    assert rows[0][1] != rows[2][1]


def test_list_rotate_and_destroy(keystore: Path) -> None:
    token = run("encrypt", "--scope", "subject:42", "浙江省杭州市").stdout.strip()
    assert run("keys", "rotate", "subject:42").exit_code == 0
    listing = run("keys", "list")
    assert listing.exit_code == 0
    assert "42" not in listing.stdout.replace("\t", " ").split()  # scopes of subjects are hashed
    # header, the audit log's key (made by keys init), version 1 (retired), version 2
    assert len(listing.stdout.splitlines()) == 4
    assert run("decrypt", token).stdout == "浙江省杭州市\n"
    assert run("keys", "destroy", "subject:42", "--yes").exit_code == 0
    shredded = run("decrypt", token)
    assert shredded.exit_code == 1


def test_kek_rotation_needs_the_new_passphrase(
    keystore: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = run("encrypt", "--scope", "members.mobile", "13812341050").stdout.strip()
    read, write = os.pipe()
    os.write(write, b"the brand new passphrase\n")
    os.close(write)
    rotated = run("keys", "rotate", "--kek", "--new-passphrase-fd", read)
    assert rotated.exit_code == 0, rotated.output
    old = run("decrypt", token)
    assert old.exit_code == 2
    assert "wrong passphrase" in old.stderr
    monkeypatch.setenv("DATAGUARD_KEYSTORE_PASSPHRASE", "the brand new passphrase")
    assert run("decrypt", token).stdout == "13812341050\n"


def test_errors_say_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAGUARD_KEYSTORE", str(tmp_path / "missing.json"))
    monkeypatch.setenv("DATAGUARD_KEYSTORE_PASSPHRASE", PASSPHRASE)
    result = run("encrypt", "--scope", "a.b", "x")
    assert result.exit_code == 2
    assert "run `dataguard keys init` first" in result.stderr
    monkeypatch.delenv("DATAGUARD_KEYSTORE_PASSPHRASE")
    assert run("keys", "init").exit_code == 2  # no passphrase source, not a terminal


def test_the_encrypt_operator_in_filter_and_redact(keystore: Path, tmp_path: Path) -> None:
    policy = tmp_path / "encrypt.toml"
    policy.write_text('[entities.CN_MOBILE]\noperator = "encrypt"\ndeterministic = true\n', "utf-8")
    line = '{"msg": "客户电话13812341050", "id": 1}\n'
    filtered = run("filter", "-p", policy, "-j", "2", stdin=line * 3)
    assert filtered.exit_code == 0, filtered.output
    out = filtered.stdout.splitlines()
    assert len(out) == 3
    assert out[0] == out[1] == out[2]
    record = json.loads(out[0])
    token = record["msg"][len("客户电话") :]
    assert token.startswith("dg1:")
    assert run("decrypt", token).stdout == "13812341050\n"

    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("id,mobile\n1,13812341050\n2,13912345678\n", "utf-8")
    redacted = run("redact", src, "-o", dst, "-p", policy)
    assert redacted.exit_code == 0, redacted.output
    rows = dst.read_text("utf-8").splitlines()[1:]
    tokens = [r.split(",")[1] for r in rows]
    assert run("decrypt", *tokens).stdout == "13812341050\n13912345678\n"


def test_a_policy_without_encrypt_needs_no_keystore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAGUARD_KEYSTORE", str(tmp_path / "none.json"))
    result = run("mask", "13812341050")
    assert (result.exit_code, result.stdout) == (0, "******1050\n")


def test_randomised_encryption_hides_equal_values_in_a_redacted_table(
    keystore: Path, tmp_path: Path
) -> None:
    policy = tmp_path / "encrypt.toml"
    policy.write_text('[entities.CN_MOBILE]\noperator = "encrypt"\n', "utf-8")
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("id,mobile\n1,13812341050\n2,13812341050\n3,13812341050\n", "utf-8")
    result = run("redact", src, "-o", dst, "-p", policy)
    assert result.exit_code == 0, result.output
    tokens = [r.split(",")[1] for r in dst.read_text("utf-8").splitlines()[1:]]
    assert len(set(tokens)) == 3  # the same phone, three different ciphertexts
    assert run("decrypt", *tokens).stdout == "13812341050\n" * 3


def test_a_jsonl_export_can_be_encrypted_by_policy(keystore: Path, tmp_path: Path) -> None:
    policy = tmp_path / "encrypt.toml"
    policy.write_text('[entities.CN_MOBILE]\noperator = "encrypt"\n', "utf-8")
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text('{"id": 1, "mobile": "13812341050", "note": "ok"}\n', "utf-8")
    result = run("redact", src, "-o", dst, "-p", policy)
    assert result.exit_code == 0, result.output
    record = json.loads(dst.read_text("utf-8"))
    assert record["note"] == "ok"
    assert run("decrypt", record["mobile"]).stdout == "13812341050\n"


def test_randomised_encryption_inside_free_text_differs_per_row(
    keystore: Path, tmp_path: Path
) -> None:
    policy = tmp_path / "encrypt.toml"
    policy.write_text('[entities.CN_MOBILE]\noperator = "encrypt"\n', "utf-8")
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("id,remark\n" + "".join(f"{i},请联系13812341050\n" for i in range(3)), "utf-8")
    result = run("redact", src, "-o", dst, "-p", policy)
    assert result.exit_code == 0, result.output
    remarks = [r.split(",", 1)[1] for r in dst.read_text("utf-8").splitlines()[1:]]
    assert len(set(remarks)) == 3
    tokens = [r[len("请联系") :] for r in remarks]
    assert run("decrypt", *tokens).stdout == "13812341050\n" * 3


@pytest.mark.parametrize("deterministic", [False, True])
def test_every_encrypted_cell_of_a_column_decrypts_to_its_value(
    keystore: Path, tmp_path: Path, deterministic: bool
) -> None:
    # Full-width digits and text around the phone fail the column's shape as read; they
    # were sent through the engine, which encrypted the phone inside, and then the column
    # operator encrypted that ciphertext again: decrypt gave back a ciphertext.
    policy = tmp_path / "encrypt.toml"
    mode = str(deterministic).lower()
    policy.write_text(f'[entities.CN_MOBILE]\noperator = "encrypt"\ndeterministic = {mode}\n')
    cells = ["13812341050", "１３９１２３４５６７８", "tel 13712345678", "13612345678 / 备用"]
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("id,mobile\n" + "".join(f"{i},{c}\n" for i, c in enumerate(cells * 5)), "utf-8")
    result = run("redact", src, "-o", dst, "-p", policy)
    assert result.exit_code == 0, result.output
    tokens = [r.split(",", 1)[1] for r in dst.read_text("utf-8").splitlines()[1:]]
    assert all(t.startswith("dg1:") for t in tokens)
    # Normalised as every masking operator sees its value (full-width digits read as ASCII).
    expected = ["13812341050", "13912345678", "tel 13712345678", "13612345678 / 备用"] * 5
    assert run("decrypt", *tokens).stdout.splitlines() == expected
