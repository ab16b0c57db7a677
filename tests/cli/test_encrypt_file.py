"""``encrypt file`` / ``decrypt file`` (dataguard.cli.encrypt_file), invoked as command objects.

Also the pieces they stand on: the verbatim ``apply`` action of the table redactor
(dataguard.mask.table) and the ``decrypt`` operator (dataguard.mask.decrypt) in a policy.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import polars as pl
import pytest
from click.testing import CliRunner, Result
from dataguard.cli.encrypt_file import decrypt_file_command, encrypt_file_command
from dataguard.cli.keys import decrypt_command
from dataguard.cli.redact import redact_command

from dataguard.crypto.hazmat.wire import Envelope
from dataguard.crypto.keyring import Keyring
from dataguard.mask import Masker, OperatorEnv
from dataguard.mask.decrypt import Decrypt
from dataguard.mask.operator import MaskContext
from dataguard.mask.policy import Policy, Rule
from dataguard.mask.table import TableRedactor

PASSPHRASE = "a long enough test passphrase"
FAST: dict[str, Any] = {"kdf_params": {"n": 2**15, "r": 8, "p": 1}}

# Values chosen to break anything that scans, normalises or re-quotes: full-width digits,
# percent and \u escapes, a comma and quotes, surrounding spaces, a value that already
# looks like a token, CJK.
ORDERS = (
    "order_id,mobile,remark,amount\n"
    '1001,13812341050,"电话 13912345678, 到了打",12.50\n'
    "1002,,tt%40163.com,99.00\n"
    "1003,１３８１２３４１０５０, padded ,0\n"
    '1004,13812341050,"say ""hi""",7\n'
    "1005,dg1:not-really-a-token,\\u624b\\u673a,\n"
)


@pytest.fixture(autouse=True)
def _restore_sigterm() -> Iterator[None]:
    """The commands install a SIGTERM handler; the test process gets its own back."""
    before = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, before)


def make_keystore(path: Path) -> Keyring:
    return Keyring.create(path, passphrase=PASSPHRASE, **FAST)


@pytest.fixture
def keystore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keys" / "keystore.json"
    path.parent.mkdir()
    make_keystore(path)
    monkeypatch.setenv("DATAGUARD_KEYSTORE", str(path))
    monkeypatch.setenv("DATAGUARD_KEYSTORE_PASSPHRASE", PASSPHRASE)
    return path


def invoke(command: click.Command, *args: object) -> Result:
    return CliRunner().invoke(command, [str(a) for a in args])


def encrypt(*args: object) -> Result:
    return invoke(encrypt_file_command, *args)


def decrypt(*args: object) -> Result:
    return invoke(decrypt_file_command, *args)


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def csv_rows(path: Path) -> list[dict[str, str | None]]:
    frame = pl.read_csv(path, infer_schema=False)
    return frame.to_dicts()


# -- CSV -------------------------------------------------------------------------------------


def test_csv_round_trip_gives_back_the_bytes(keystore: Path, tmp_path: Path) -> None:
    src, enc, dec = tmp_path / "orders.csv", tmp_path / "orders.enc.csv", tmp_path / "out.csv"
    src.write_text(ORDERS, "utf-8")
    result = encrypt(src, "-o", enc, "--column", "mobile", "--column", "remark")
    assert result.exit_code == 0, result.output
    assert "encrypted mobile: 4 of 4 value(s) under scope orders.mobile" in result.stderr
    assert "encrypted remark: 5 of 5 value(s) under scope orders.remark" in result.stderr
    before, after = csv_rows(src), csv_rows(enc)
    for old, new in zip(before, after, strict=True):
        assert (new["order_id"], new["amount"]) == (old["order_id"], old["amount"])
        for column in ("mobile", "remark"):
            if old[column]:
                assert str(new[column]).startswith("dg1:")
            else:
                assert new[column] == old[column]
    text = enc.read_text("utf-8")
    # Long or non-ASCII enough never to occur in base64url by chance ("hi" would, 1 in 100).
    for secret in ("13812341050", "１３８", "tt%40163", "电话", "padded"):
        assert secret not in text
    # Randomised: the same phone twice gives two tokens.
    assert after[0]["mobile"] != after[3]["mobile"]

    result = decrypt(enc, "-o", dec, "--column", "mobile", "--column", "remark")
    assert result.exit_code == 0, result.output
    assert "decrypted mobile: 4 value(s)" in result.stderr
    assert dec.read_bytes() == src.read_bytes()


def test_tokens_are_ordinary_dg1_tokens_under_the_scopes(keystore: Path, tmp_path: Path) -> None:
    src, enc = tmp_path / "orders.csv", tmp_path / "enc.csv"
    src.write_text(ORDERS, "utf-8")
    result = encrypt(src, "-o", enc, "--column", "mobile", "--scope-prefix", "shop.orders")
    assert result.exit_code == 0, result.output
    token = str(csv_rows(enc)[0]["mobile"])
    assert invoke(decrypt_command, token).stdout == "13812341050\n"
    keyring = Keyring.open(keystore, PASSPHRASE)
    ref = keyring.keystore.active("shop.orders.mobile")
    assert Envelope.from_text(token).key_id == ref.id
    scopes = {k.scope for k in keyring.keystore.keys()}  # noqa: SIM118
    assert scopes == {"audit", "shop.orders.mobile"}  # audit: the audit log's key


def test_deterministic_mode_gives_equal_tokens(keystore: Path, tmp_path: Path) -> None:
    src, enc = tmp_path / "orders.csv", tmp_path / "enc.csv"
    src.write_text(ORDERS, "utf-8")
    result = encrypt(src, "-o", enc, "--column", "mobile", "--deterministic")
    assert result.exit_code == 0, result.output
    rows = csv_rows(enc)
    assert rows[0]["mobile"] == rows[3]["mobile"]  # 13812341050 twice
    assert rows[0]["mobile"] != rows[2]["mobile"]  # its full-width form is another value
    again = tmp_path / "again.csv"
    assert encrypt(src, "-o", again, "--column", "mobile", "--deterministic").exit_code == 0
    assert again.read_bytes() == enc.read_bytes()
    dec = tmp_path / "dec.csv"
    assert decrypt(enc, "-o", dec, "--column", "mobile").exit_code == 0
    assert dec.read_bytes() == src.read_bytes()


def test_gbk_tsv_keeps_its_encoding(keystore: Path, tmp_path: Path) -> None:
    text = "编号\t姓名\t手机号\r\n1\t张三\t13812341050\r\n2\t李四\t13912345678\r\n"
    src, enc, dec = tmp_path / "会员.tsv", tmp_path / "enc.tsv", tmp_path / "dec.tsv"
    src.write_bytes(text.encode("gbk"))
    # A Chinese column name cannot be part of a key scope: the error says what to do.
    refused = encrypt(src, "-o", enc, "--column", "手机号")
    assert refused.exit_code == 2
    assert "--scope '手机号=SCOPE'" in refused.stderr
    assert not enc.exists()
    args = ["--column", "手机号", "--column", "姓名", "--scope", "手机号=members.mobile",
            "--scope", "姓名=members.name"]  # fmt: skip
    result = encrypt(src, "-o", enc, *args)
    assert result.exit_code == 0, result.output
    encrypted = enc.read_bytes().decode("gbk")
    assert encrypted.startswith("编号\t姓名\t手机号\r\n1\tdg1:")
    assert "张三" not in encrypted
    assert decrypt(enc, "-o", dec, "--column", "手机号", "--column", "姓名").exit_code == 0
    assert dec.read_bytes() == src.read_bytes()


def test_parquet_round_trip(keystore: Path, tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {"id": [1, 2, 3], "mobile": ["13812341050", None, ""], "city": ["杭州", "上海", None]}
    )
    src, enc, dec = tmp_path / "m.parquet", tmp_path / "enc.parquet", tmp_path / "dec.parquet"
    frame.write_parquet(src)
    assert encrypt(src, "-o", enc, "--column", "mobile").exit_code == 0
    encrypted = pl.read_parquet(enc)
    assert str(encrypted["mobile"][0]).startswith("dg1:")
    assert encrypted["mobile"][1:].to_list() == [None, ""]
    assert encrypted["id"].to_list() == [1, 2, 3]
    assert decrypt(enc, "-o", dec, "--column", "mobile").exit_code == 0
    assert pl.read_parquet(dec).equals(frame)


def test_only_the_named_columns_even_with_similar_names(keystore: Path, tmp_path: Path) -> None:
    # Policy field rules match a dotted path's last part and globs; the pins must not.
    src, enc = tmp_path / "t.csv", tmp_path / "enc.csv"
    src.write_text("mobile,home.mobile,mobile*,x\n1,2,3,4\n", "utf-8")
    star = encrypt(src, "-o", enc, "--column", "mobile*")
    assert star.exit_code == 2  # "t.mobile*" is no key scope: name one
    assert "--scope 'mobile*=SCOPE'" in star.stderr
    runs = [
        (0, ["--column", "mobile"]),
        (1, ["--column", "home.mobile"]),
        (2, ["--column", "mobile*", "--scope", "mobile*=t.star"]),
    ]
    for position, args in runs:
        result = encrypt(src, "-o", enc, "--force", *args)
        assert result.exit_code == 0, result.output
        header, row = enc.read_text("utf-8").splitlines()
        assert header == "mobile,home.mobile,mobile*,x"
        cells = row.split(",")
        assert [c.startswith("dg1:") for c in cells] == [i == position for i in range(4)]


def test_columns_differing_only_in_case_are_refused(keystore: Path, tmp_path: Path) -> None:
    src, enc = tmp_path / "t.csv", tmp_path / "enc.csv"
    src.write_text("Mobile,mobile\n1,2\n", "utf-8")
    result = encrypt(src, "-o", enc, "--column", "mobile")
    assert result.exit_code == 2
    assert "cannot be told apart from" in result.stderr
    assert "(columns are matched without case); rename one" in result.stderr
    assert listing(tmp_path) == ["keys", "t.csv"]


def test_a_missing_column_is_named(keystore: Path, tmp_path: Path) -> None:
    src = tmp_path / "orders.csv"
    src.write_text(ORDERS, "utf-8")
    result = encrypt(src, "-o", tmp_path / "enc.csv", "--column", "phone")
    assert result.exit_code == 2
    assert "has no column 'phone' (its columns: order_id, mobile, remark, amount)" in result.stderr
    assert listing(tmp_path) == ["keys", "orders.csv"]


def test_columns_are_named_as_redaction_reads_them(keystore: Path, tmp_path: Path) -> None:
    """The header was the first line split by commas: a spreadsheet's title above it, or
    a ;-separated export, gave "has no column", though the redaction pipeline that does
    the work reads both; and the first line of a file without a header, echoed as "its
    columns", put a phone and a name into the error message."""
    src, enc, dec = tmp_path / "bill.csv", tmp_path / "enc.csv", tmp_path / "out.csv"
    src.write_bytes(
        "sep=;\r\n交易记录明细;;\r\n交易时间;交易对方;金额\r\n"
        "2026-10-31 18:20:11;李娜;500.00\r\n2026-10-30 12:01:02;美团;35.50\r\n".encode("gbk")
    )
    result = encrypt(src, "-o", enc, "--column", "交易对方", "--scope", "交易对方=bills.party")
    assert result.exit_code == 0, result.output
    assert "encrypted 交易对方: 2 of 2 value(s) under scope bills.party" in result.stderr
    lines = enc.read_bytes().decode("gbk").split("\r\n")
    assert lines[:3] == ["sep=;", "交易记录明细;;", "交易时间;交易对方;金额"]
    assert lines[3].startswith("2026-10-31 18:20:11;dg1:")
    assert lines[3].endswith(";500.00")
    result = decrypt(enc, "-o", dec, "--column", "交易对方")
    assert result.exit_code == 0, result.output
    assert dec.read_bytes() == src.read_bytes()

    headless = tmp_path / "phones.csv"
    headless.write_text("13812341050,张三丰\n13912345678,李娜\n", "utf-8")
    result = encrypt(headless, "-o", tmp_path / "p.csv", "--column", "mobile")
    assert result.exit_code == 2
    assert "column 1 of the header holds a CN_MOBILE value" in result.stderr
    assert "13812341050" not in result.output
    assert "张三丰" not in result.output


# -- JSON lines ------------------------------------------------------------------------------

EVENTS = (
    '{"id": 1, "phone": "13812341050", "n": 42, "esc": "\\u624b\\u673a", "obj": {"a": [1]}}\r\n'
    "\n"
    '{"id":2,"phone":null,"n":1.50e3,"esc":"","obj":true,"note":"keep \\"me\\""}\n'
    '{"id": 3, "other": "13812341050", "phone": "13812341050", "nested": {"phone": "x"}}\n'
    '  {"phone" : "a/b\\/c"  }  '
)


def test_jsonl_round_trip_gives_back_the_bytes(keystore: Path, tmp_path: Path) -> None:
    src, enc, dec = tmp_path / "events.jsonl", tmp_path / "enc.jsonl", tmp_path / "dec.jsonl"
    src.write_bytes(EVENTS.encode("utf-8"))
    columns = ["--column", "phone", "--column", "n", "--column", "esc", "--column", "obj"]
    result = encrypt(src, "-o", enc, *columns)
    assert result.exit_code == 0, result.output
    assert "encrypted phone: 3 of 3 value(s) under scope events.phone" in result.stderr
    lines = enc.read_bytes().split(b"\n")
    assert len(lines) == len(EVENTS.encode().split(b"\n"))
    assert lines[0].endswith(b"\r")  # CRLF kept
    assert lines[1] == b""  # the blank line kept
    records = [json.loads(line) for line in lines if line.strip()]
    for record in records:
        for key in ("phone", "n", "obj"):
            if record.get(key) is not None:
                assert str(record[key]).startswith("dg1:"), key
    assert records[1]["esc"] == ""  # empty stays empty
    assert records[1]["note"] == 'keep "me"'
    assert records[2]["other"] == "13812341050"  # another key: untouched
    assert records[2]["nested"] == {"phone": "x"}  # top-level keys only
    assert b'"id":2,"phone":null,' in enc.read_bytes()  # spacing outside the values kept
    assert b"13812341050" not in b"".join(lines[:1] + lines[4:])

    result = decrypt(enc, "-o", dec, *columns)
    assert result.exit_code == 0, result.output
    assert dec.read_bytes() == src.read_bytes()


def test_json_literals_read_back_with_their_context(keystore: Path, tmp_path: Path) -> None:
    src, enc = tmp_path / "e.jsonl", tmp_path / "enc.jsonl"
    src.write_text('{"n": 42, "s": "42"}\n', "utf-8")
    assert encrypt(src, "-o", enc, "--column", "n", "--column", "s").exit_code == 0
    record = json.loads(enc.read_text("utf-8"))
    assert invoke(decrypt_command, record["s"]).stdout == "42\n"
    assert invoke(decrypt_command, record["n"]).exit_code == 1  # bound to json=literal
    literal = invoke(decrypt_command, "--context", "json=literal", record["n"])
    assert literal.stdout == "42\n"


def test_jsonl_deterministic_and_errors(keystore: Path, tmp_path: Path) -> None:
    src, enc = tmp_path / "e.jsonl", tmp_path / "enc.jsonl"
    src.write_text('{"p": "1"}\n{"p": "1"}\n{"p": "2"}\n', "utf-8")
    assert encrypt(src, "-o", enc, "--column", "p", "--deterministic").exit_code == 0
    tokens = [json.loads(line)["p"] for line in enc.read_text("utf-8").splitlines()]
    assert tokens[0] == tokens[1] != tokens[2]
    assert encrypt(src, "-o", enc, "--column", "p", "--force").exit_code == 0
    tokens = [json.loads(line)["p"] for line in enc.read_text("utf-8").splitlines()]
    assert tokens[0] != tokens[1]

    absent = encrypt(src, "-o", tmp_path / "x.jsonl", "--column", "q")
    assert (absent.exit_code, absent.stderr) == (2, "error: e.jsonl: no line has the key 'q'\n")
    src.write_text('{"p": "1"}\n[1, 2]\n', "utf-8")
    broken = encrypt(src, "-o", tmp_path / "x.jsonl", "--column", "p")
    assert broken.exit_code == 2
    assert "line 2 is not a JSON object" in broken.stderr
    to_csv = encrypt(src, "-o", tmp_path / "x.csv", "--column", "p")
    assert "JSONL is written to JSONL only" in to_csv.stderr
    assert listing(tmp_path) == ["e.jsonl", "enc.jsonl", "keys"]


# -- failures: exit status, and nothing written ----------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_wrong_keystore_writes_nothing(
    keystore: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    src, enc = tmp_path / f"orders{suffix}", tmp_path / f"enc{suffix}"
    if suffix == ".csv":
        src.write_text(ORDERS, "utf-8")
    else:
        src.write_bytes(EVENTS.encode("utf-8"))
    columns = ["--column", "mobile" if suffix == ".csv" else "phone"]
    assert encrypt(src, "-o", enc, *columns).exit_code == 0
    dec = tmp_path / f"dec{suffix}"

    other = tmp_path / "other.json"
    make_keystore(other)
    monkeypatch.setenv("DATAGUARD_KEYSTORE", str(other))
    result = decrypt(enc, "-o", dec, *columns)
    assert result.exit_code == 1
    assert "distinct value(s) are not dg1: tokens or do not decrypt" in result.stderr
    assert f"nothing written to {dec}" in result.stderr
    assert "13812341050" not in result.output
    assert not dec.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    # An existing output stays as it was, even with --force.
    dec.write_text("earlier output\n", "utf-8")
    assert decrypt(enc, "-o", dec, *columns, "--force").exit_code == 1
    assert dec.read_text("utf-8") == "earlier output\n"

    # A wrong passphrase is a usage error, before anything is read.
    monkeypatch.setenv("DATAGUARD_KEYSTORE", str(keystore))
    monkeypatch.setenv("DATAGUARD_KEYSTORE_PASSPHRASE", "not the passphrase at all")
    wrong = decrypt(enc, "-o", tmp_path / f"d2{suffix}", *columns)
    assert wrong.exit_code == 2
    assert not (tmp_path / f"d2{suffix}").exists()


def test_plaintext_in_an_encrypted_column_fails_the_run(keystore: Path, tmp_path: Path) -> None:
    src, dec = tmp_path / "orders.csv", tmp_path / "dec.csv"
    src.write_text(ORDERS, "utf-8")
    result = decrypt(src, "-o", dec, "--column", "mobile")
    assert result.exit_code == 1
    assert "error: mobile: 3 distinct value(s)" in result.stderr
    assert "13812341050" not in result.output
    assert not dec.exists()


def test_the_output_must_not_exist_or_be_the_input(keystore: Path, tmp_path: Path) -> None:
    src, enc = tmp_path / "orders.csv", tmp_path / "enc.csv"
    src.write_text(ORDERS, "utf-8")
    enc.write_text("keep me\n", "utf-8")
    exists = encrypt(src, "-o", enc, "--column", "mobile")
    assert exists.exit_code == 2
    assert "pass --force" in exists.stderr
    assert enc.read_text("utf-8") == "keep me\n"
    same = encrypt(src, "-o", src, "--column", "mobile", "--force")
    assert same.exit_code == 2
    assert src.read_text("utf-8") == ORDERS


# -- the pieces underneath -------------------------------------------------------------------


def test_the_decrypt_operator_in_a_redaction_policy(keystore: Path, tmp_path: Path) -> None:
    src, enc, out = tmp_path / "orders.csv", tmp_path / "enc.csv", tmp_path / "out.csv"
    src.write_text(ORDERS, "utf-8")
    assert encrypt(src, "-o", enc, "--column", "mobile").exit_code == 0
    policy = tmp_path / "decrypt.toml"
    policy.write_text('[fields.mobile]\noperator = "decrypt"\n', "utf-8")
    result = invoke(redact_command, enc, "-o", out, "-p", policy)
    assert result.exit_code == 0, result.output
    rows = csv_rows(out)
    assert [r["mobile"] for r in rows] == [r["mobile"] for r in csv_rows(src)]
    assert rows[0]["remark"] != "电话 13912345678, 到了打"  # the rest is still redacted


def test_a_verbatim_operator_takes_the_column_over(keystore: Path) -> None:
    keyring = Keyring.open(keystore, PASSPHRASE)
    phones = keyring.cipher("t.mobile")
    tokens = [phones.encrypt(v) for v in ("13812341050", "１３８１２３４１０５０")]
    frame = pl.DataFrame({"mobile": [tokens[0], tokens[1], tokens[0], None, "", "plain"]})
    policy = Policy("t", Rule("tag"), {}, {"mobile": Rule("decrypt")}, {})
    masker = Masker(policy, env=OperatorEnv(extras={"keyring": keyring}))
    redactor = TableRedactor(masker)
    plan = redactor.plan(frame)
    (column,) = plan.columns
    assert (column.action, column.operator, column.pinned) == ("apply", "decrypt", True)
    out = redactor.apply(frame.lazy(), plan).collect()
    assert out["mobile"].to_list() == [
        "13812341050",
        "１３８１２３４１０５０",  # exactly as encrypted: never normalised
        "13812341050",
        None,
        "",
        "plain",  # not a token: left as it was, counted
    ]
    (operator,) = [op for _, op in masker.policy.fields]
    assert isinstance(operator, Decrypt)
    assert operator.failures == {"mobile": 1}
    assert redactor.counts["mobile"]["changed"] == 3


def test_the_decrypt_operator_needs_a_keyring() -> None:
    from dataguard.errors import UsageError

    with pytest.raises(UsageError, match="needs a keystore"):
        Masker(Policy("t", Rule("decrypt")))
    with pytest.raises(UsageError, match="built without a keystore"):
        Decrypt().apply("dg1:x", MaskContext("X"))
    assert Decrypt().failures == {}


def test_no_value_words_stay_under_a_randomised_encrypt_policy(keystore: Path) -> None:
    """Encrypted row by row, as the per-value path masks them: blanks and the words an
    export writes for no value are left, each phone gets its own token."""
    keyring = Keyring.open(keystore, PASSPHRASE)
    words = ["NULL", " ", "N/A", "无"]
    frame = pl.DataFrame({"mobile": ["13812341050"] * 16 + words})
    policy = Policy("t", Rule("tag"), {"CN_MOBILE": Rule("encrypt")}, {}, {})
    masker = Masker(policy, env=OperatorEnv(extras={"keyring": keyring}))
    redactor = TableRedactor(masker)
    plan = redactor.plan(frame)
    assert [(c.action, c.operator) for c in plan.columns] == [("mask", "encrypt")]
    out = redactor.apply(frame.lazy(), plan).collect()["mobile"].to_list()
    assert out[16:] == words
    assert len(set(out[:16])) == 16  # randomised: each row its own token
    phones = keyring.cipher("mask.cn_mobile")
    assert {phones.decrypt(token) for token in out[:16]} == {"13812341050"}


def test_stray_values_under_a_randomised_encrypt_policy(keystore: Path) -> None:
    """A clean column's strays go through the engine row by row when the policy encrypts
    (equal values must not give equal tokens); the other values stay as they were."""
    keyring = Keyring.open(keystore, PASSPHRASE)
    statuses = ["已处理"] * 3000
    statuses[100] = statuses[2000] = "客户来电 13812341050"
    frame = pl.DataFrame({"status": statuses})
    policy = Policy("t", Rule("tag"), {"CN_MOBILE": Rule("encrypt")}, {}, {})
    masker = Masker(policy, env=OperatorEnv(extras={"keyring": keyring}))
    redactor = TableRedactor(masker)
    plan = redactor.plan(frame.sample(200, seed=1))  # the sample holds no stray
    assert [c.action for c in plan.columns] == ["keep"]
    out = redactor.apply(frame.lazy(), plan).collect()["status"].to_list()
    first, second = out[100], out[2000]
    assert first.startswith("客户来电 ")
    assert "13812341050" not in first
    assert first != second  # randomised: no memo shared between equal values
    assert out[:100] + out[101:2000] + out[2001:] == ["已处理"] * 2998
    phones = keyring.cipher("mask.cn_mobile")  # the encrypt operator's default scope
    assert phones.decrypt(first.removeprefix("客户来电 ")) == "13812341050"
    assert redactor.counts["status"]["changed"] == 2
