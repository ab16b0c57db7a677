"""Key-value column pairs (``dataguard/scan/pairs.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataguard.mask.keys import SENSITIVE_KEYS
from dataguard.scan.files import scan_files
from dataguard.scan.pairs import key_value_pairs


@pytest.mark.parametrize(
    ("columns", "pairs"),
    [
        # The stems agree: EAV, WordPress meta, settings and form answers.
        ({"user_id": ["1"], "attr_key": ["real_name"], "attr_value": ["张三"]},
         {"attr_value": "attr_key"}),
        ({"meta_key": ["billing_phone", "nickname"], "meta_value": ["x", "y"]},
         {"meta_value": "meta_key"}),
        ({"config_key": ["db.password"], "config_value": ["x"]}, {"config_value": "config_key"}),
        ({"FieldName": ["身份证号"], "FieldValue": ["x"]}, {"FieldValue": "FieldName"}),
        ({"name": ["mobile"], "value": ["x"]}, {"value": "name"}),
        # No sensitive key among the sampled keys: a product's or a metric's name and value.
        ({"name": ["苹果", "香蕉"], "value": ["5.0", "3.2"]}, {}),
        ({"metric_name": ["cpu", "mem"], "metric_value": ["0.5", "0.7"]}, {}),
        # Stems that differ, or no key column.
        ({"attr_key": ["password"], "config_value": ["x"]}, {}),
        ({"real_name": ["张三"], "value": ["x"]}, {}),
    ],
)  # fmt: skip
def test_pairs_are_named_key_and_value_with_one_stem_and_a_sensitive_key(
    columns: dict[str, list[str]], pairs: dict[str, str]
) -> None:
    assert key_value_pairs(columns, SENSITIVE_KEYS) == pairs


def test_scan_reads_a_value_column_under_its_keys(tmp_path: Path) -> None:
    """A meta table's value column was reported as holding mobiles only (found by shape):
    the name, the address and the password beside them were not seen."""
    path = tmp_path / "usermeta.csv"
    path.write_text(
        "umeta_id,user_id,meta_key,meta_value\n"
        "1,7,nickname,lily\n"
        "2,7,billing_first_name,李娜\n"
        "3,7,billing_phone,13812341050\n"
        "4,7,billing_address_1,文三路90号3幢502\n"
        "5,7,db_password,S3cr3t!pw\n",
        "utf-8",
    )
    report = scan_files([path])
    columns = {c.column: c for c in report.columns}
    value = columns["meta_value"]
    assert value.kind == "text"
    assert set(value.entities) == {"CN_NAME", "CN_MOBILE", "CN_ADDRESS", "SECRET"}
    assert value.grade is not None
    assert "each value is what its row's meta_key names" in value.evidence.reasons[0]
    assert columns["meta_key"].entity is None
    text = report.to_json()
    for secret in ("李娜", "13812341050", "文三路90号", "S3cr3t!pw"):
        assert secret not in text
