"""Column classification (:func:`dataguard.scan.classify.classify_column`), plans and sampling."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import polars as pl
import pytest

from dataguard.detect import Detector
from dataguard.mask import Masker
from dataguard.mask.table import TableRedactor
from dataguard.redact import redact_file
from dataguard.scan.classify import classify_column
from dataguard.sources.tables import open_table, sample_rows
from dataguard.testing import generators as gen

DIRTY = ["n/a", "未知", "-", "待补充", "无", "none", "暂无", "0", "NULL", "见备注"]
COUNT = re.compile(r"\b\d+/\d+\b")


def mobiles(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [gen.mobile_digits(rng) for _ in range(n)]


def assert_no_value_in(classification: object, values: list[str]) -> None:
    text = json.dumps(classification.to_dict(), ensure_ascii=False)  # type: ignore[attr-defined]
    for value in values:
        if len(value) >= 2 and value not in ("none", "NULL"):
            assert value not in text, value


@pytest.mark.parametrize("valid", [5, 3])
def test_a_mobile_column_with_dirty_values_is_still_a_mobile_column(
    detector: Detector, valid: int
) -> None:
    values = mobiles(valid) + DIRTY[: 10 - valid]
    found = classify_column("mobile", values, detector)
    assert (found.kind, found.entity) == ("value", "CN_MOBILE")
    assert found.sampled == 10
    assert found.whole == valid
    assert "column name 'mobile' names CN_MOBILE" in found.evidence
    assert f"{valid}/10 sampled values are valid CN_MOBILE" in found.evidence
    assert 0.0 < found.confidence <= 1.0
    assert_no_value_in(found, values)


def test_without_the_name_a_mostly_dirty_column_is_not_a_value_column(detector: Detector) -> None:
    values = mobiles(3) + DIRTY[:7]
    found = classify_column("col7", values, detector)
    assert found.kind == "text"  # findings are masked by the engine, value by value
    assert found.entity is None
    assert not any("key" in e for e in found.evidence)
    assert "3/10 sampled values are valid CN_MOBILE" in found.evidence


def test_a_clean_mobile_column_is_confident(detector: Detector) -> None:
    values = mobiles(20, seed=3)
    found = classify_column("buyer_contact", values, detector)
    assert (found.kind, found.entity, found.whole, found.partial) == ("value", "CN_MOBILE", 20, 0)
    assert found.confidence == 1.0
    assert found.evidence == ("20/20 sampled values are valid CN_MOBILE",)


def test_a_remark_column_with_embedded_pii_goes_to_the_engine(detector: Detector) -> None:
    rng = random.Random(5)
    values = [
        f"顾客要求送到{gen.address(rng)}，电话{gen.mobile_digits(rng)}",
        "周末不送货",
        f"发票抬头见邮箱 {gen.email(rng)} 谢谢",
        "已电话确认",
        f"退款到卡号 {gen.bank_card_digits(rng)}",
    ]
    found = classify_column("remark", values, detector)
    assert found.kind == "text"
    assert found.entity is None
    assert found.partial == 3
    assert "3/5 sampled values hold personal data inside text" in found.evidence
    assert all(COUNT.search(e) for e in found.evidence)
    assert_no_value_in(found, values)
    for value in values:  # not even the PII inside them
        for finding in detector.detect(value, field="remark"):
            piece = value[finding.start : finding.end]
            assert piece not in json.dumps(found.to_dict(), ensure_ascii=False)

    plan = TableRedactor(Masker()).plan(pl.DataFrame({"remark": values}))
    (column,) = plan.columns
    assert (column.action, column.entity, column.operator) == ("engine", None, "engine")


def test_order_numbers_and_amounts_are_clean(detector: Detector) -> None:
    rng = random.Random(9)
    orders = [gen.order_number(rng) for _ in range(30)]
    found = classify_column("order_id", orders, detector)
    assert (found.kind, found.entity, found.whole, found.partial) == ("clean", None, 0, 0)
    assert found.evidence == ("no personal data in 30 sampled values",)
    amounts = [gen.amount(rng) for _ in range(30)]
    assert classify_column("amount", amounts, detector).kind == "clean"


def test_evidence_holds_counts_and_never_a_value(detector: Detector) -> None:
    rng = random.Random(21)
    columns = {
        "mobile": [gen.mobile(rng) for _ in range(12)],
        "id_card": [gen.id_card(rng) for _ in range(12)],
        "email": [gen.email(rng) for _ in range(12)],
        "收货地址": [gen.address(rng) for _ in range(12)],
        "card": [gen.bank_card(rng) for _ in range(12)],
        "note": [f"联系人{gen.chinese_name(rng)} {gen.landline(rng)}" for _ in range(12)],
    }
    for name, values in columns.items():
        found = classify_column(name, values, detector)
        assert found.kind in ("value", "text"), name
        assert found.evidence, name
        assert any(COUNT.search(e) for e in found.evidence), name
        assert_no_value_in(found, values)


def test_the_plan_uses_the_policy_operators() -> None:
    frame = pl.DataFrame(
        {
            "mobile": ["13812341050", "13912345678"],
            "amount": ["1.00", "2.00"],
            "note": ["电话 13812341050", "无"],
        }
    )
    plan = TableRedactor(Masker()).plan(frame).to_dict()
    by_name = {c["column"]: c for c in plan["columns"]}
    assert list(by_name) == ["mobile", "amount", "note"]
    assert (by_name["mobile"]["action"], by_name["mobile"]["entity"]) == ("mask", "CN_MOBILE")
    assert by_name["mobile"]["operator"] == "keep_ends"
    assert by_name["amount"]["action"] == "keep"
    assert by_name["note"]["action"] == "engine"
    assert by_name["mobile"]["classification"]["sampled"] == 2
    text = json.dumps(plan, ensure_ascii=False)
    assert "13812341050" not in text
    assert "13912345678" not in text


# -- seeded sampling --------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3000 rows: a row number, a mostly-clean note column, mobiles."""
    rng = random.Random(77)
    path = tmp_path_factory.mktemp("sampling") / "big.csv"
    lines = ["row,note,mobile"]
    for i in range(3000):
        note = f"备注{gen.mobile_digits(rng)}" if rng.random() < 0.3 else f"第{i}单"
        lines.append(f"{i},{note},{gen.mobile_digits(rng)}")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_same_seed_same_sample_other_seed_other_sample(big_csv: Path) -> None:
    source = open_table(big_csv, "csv")
    try:
        first = sample_rows(source, 100, 5)
        again = sample_rows(source, 100, 5)
        other = sample_rows(source, 100, 6)
    finally:
        source.close()
    assert first.equals(again)
    assert not first.equals(other)
    assert 0 < first.height <= 100
    rows = [int(r) for r in first["row"].to_list()]
    assert rows == sorted(rows)
    assert max(rows) >= 2000  # spread over the file, not its first rows


def test_same_seed_same_plan(big_csv: Path) -> None:
    def plan(seed: int) -> list[dict[str, object]]:
        report = redact_file(big_csv, None, Masker(), dry_run=True, sample=100, seed=seed)
        return report["columns"]  # type: ignore[return-value]

    first = plan(5)
    assert plan(5) == first
    by_name = {c["column"]: c for c in first}
    assert by_name["mobile"]["entity"] == "CN_MOBILE"
    assert by_name["note"]["action"] == "engine"
    # The evidence counts come from the sample (about 100 rows), not the whole file.
    evidence = " ".join(by_name["mobile"]["evidence"])  # type: ignore[arg-type]
    match = re.search(r"(\d+)/(\d+) sampled values are valid", evidence)
    assert match is not None
    assert int(match[2]) <= 100


def test_a_column_of_bare_names_is_masked_as_names_whatever_its_header(tmp_path: Path) -> None:
    """``scan`` called such a column personal (a column of surname-led names is its own
    context), while ``redact`` planned it clean and copied every name."""
    rng = random.Random(11)
    names = [gen.chinese_name(rng) for _ in range(300)]
    source = tmp_path / "contacts.csv"
    rows = [f"{n},{gen.mobile_digits(rng)},{rng.randrange(1, 99)}" for n in names]
    source.write_text("c1,c2,c3\n" + "\n".join(rows) + "\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    report = redact_file(source, target, Masker())
    by_name = {c["column"]: c for c in report["columns"]}  # type: ignore[union-attr]
    assert (by_name["c1"]["action"], by_name["c1"]["entity"]) == ("mask", "CN_NAME")
    out = pl.read_csv(target, infer_schema=False)
    assert out.height == 300
    kept = [n for n, m in zip(names, out["c1"].to_list(), strict=True) if n == m]
    assert kept == []
    assert all(m[0] == n[0] for n, m in zip(names, out["c1"].to_list(), strict=True))


def test_a_column_of_few_repeated_short_words_stays_clean(tmp_path: Path) -> None:
    """Statuses and cities are short ideographs too, but a handful repeated: not people."""
    rng = random.Random(12)
    words = ["王府井", "高新区", "张江", "李庄", "已完成", "待发货", "刘家", "黄山"]
    source = tmp_path / "orders.csv"
    rows = [f"{rng.choice(words)},{rng.randrange(10**6)}" for _ in range(300)]
    source.write_text("c1,c2\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = redact_file(source, tmp_path / "out.csv", Masker())
    by_name = {c["column"]: c for c in report["columns"]}  # type: ignore[union-attr]
    assert by_name["c1"]["action"] == "keep"


@pytest.mark.parametrize(
    "header",
    [
        "乘客",
        "患者",
        "经办人",
        "申请人",
        "员工",
        "seller_name",
        "driver_name",
        "operator_name",
        # Labels the name recognizer reads in text (推荐人：…) head columns too.
        "推荐人",
        "代理人",
        "委托人",
        "快递员",
        "referrer",
        "agent_name",
    ],
)
def test_a_few_names_under_a_role_header_are_masked(tmp_path: Path, header: str) -> None:
    """Too few rows for the column to be its own context (a daily export of three
    passengers): the header says what the values are, as ``收货人`` and ``payee_name`` do."""
    rng = random.Random(13)
    names = [gen.chinese_name(rng) for _ in range(3)]
    source = tmp_path / "small.csv"
    source.write_text(
        f"id,{header}\n" + "".join(f"{i},{n}\n" for i, n in enumerate(names)), encoding="utf-8"
    )
    target = tmp_path / "out.csv"
    report = redact_file(source, target, Masker())
    by_name = {c["column"]: c for c in report["columns"]}  # type: ignore[union-attr]
    assert (by_name[header]["action"], by_name[header]["entity"]) == ("mask", "CN_NAME")
    masked = pl.read_csv(target, infer_schema=False)[header].to_list()
    assert [m[0] for m in masked] == [n[0] for n in names]  # the surname is kept
    assert not set(masked) & set(names)


@pytest.mark.parametrize("header", ["工资账户", "收款账号", "对公账户", "payee_account"])
def test_account_numbers_under_an_account_header_are_masked(tmp_path: Path, header: str) -> None:
    """A payroll export's accounts carry no Luhn digit (a passbook's 0200…, a corporate
    account's 21 digits): one Luhn-valid card among them made the column text, and the
    engine, which sees no account label in a bare cell, copied the rest."""
    rng = random.Random(14)
    accounts = ["0200004509012345678", "110061234018800012345", gen.bank_card_digits(rng)]
    source = tmp_path / "payroll.csv"
    source.write_text(
        f"id,{header}\n" + "".join(f"{i},{a}\n" for i, a in enumerate(accounts)),
        encoding="utf-8",
    )
    target = tmp_path / "out.csv"
    report = redact_file(source, target, Masker())
    by_name = {c["column"]: c for c in report["columns"]}  # type: ignore[union-attr]
    assert (by_name[header]["action"], by_name[header]["entity"]) == ("mask", "BANK_CARD")
    masked = pl.read_csv(target, infer_schema=False)[header].to_list()
    assert not set(masked) & set(accounts)
    assert [(m[:6], m[-4:]) for m in masked] == [(a[:6], a[-4:]) for a in accounts]
