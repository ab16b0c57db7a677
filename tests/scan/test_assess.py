"""TableAssessor on hand-made samples: evidence from names and comments, dirty values."""

from __future__ import annotations

import decimal
import random

from dataguard.detect import Detector
from dataguard.scan.assess import TableAssessor, as_text
from dataguard.scan.grading import SCHEMES
from dataguard.sources.catalog import ColumnInfo
from dataguard.testing import generators as gen


def _assessor() -> TableAssessor:
    return TableAssessor(Detector(), SCHEMES["S1-S4"])


def test_half_invalid_ids_under_an_id_name_and_comment_are_still_ids() -> None:
    rng = random.Random(1)
    values = [gen.id_card(rng) for _ in range(50)] + [gen.id_card_bad_check(rng) for _ in range(50)]
    values += ["12345678901", "N/A", None, ""]
    column = ColumnInfo("id_card", "VARCHAR(18)", comment="身份证号")
    (report,) = _assessor().assess("employees", [column], {"id_card": values})
    assert (report.entity, report.kind, report.protection) == ("CN_ID_CARD", "value", "plaintext")
    evidence = report.evidence
    assert (evidence.sampled, evidence.non_empty, evidence.placeholders) == (104, 102, 2)
    assert evidence.valid == 50
    assert evidence.invalid == 50  # shaped like an ID, failing MOD 11-2
    assert (evidence.name, evidence.comment) == ("CN_ID_CARD", "CN_ID_CARD")
    assert report.grade == "S3"


def test_a_comment_alone_names_a_column() -> None:
    rng = random.Random(2)
    column = ColumnInfo("c3", "VARCHAR(32)", comment="收货人手机号")
    values = [gen.mobile_digits(rng) for _ in range(30)]
    (report,) = _assessor().assess("orders", [column], {"c3": values})
    assert (report.entity, report.evidence.name, report.evidence.comment) == (
        "CN_MOBILE",
        None,
        "CN_MOBILE",
    )


def test_a_comment_is_context_for_the_values_it_describes() -> None:
    """``referrer`` COMMENT '推荐人': the name says nothing, the comment names a role, and
    the names under it were read as words of no one's (a name column needs context)."""
    rng = random.Random(4)
    names = [gen.chinese_name(rng) for _ in range(3)]
    columns = [
        ColumnInfo("referrer", "VARCHAR(32)", comment="推荐人"),
        ColumnInfo("agent", "VARCHAR(32)", comment="代理人姓名"),
    ]
    reports = _assessor().assess("t_referral", columns, {"referrer": names, "agent": names})
    for report in reports:
        assert (report.entity, report.evidence.valid, report.evidence.invalid) == (
            "CN_NAME",
            3,
            0,
        )
        assert not set(report.previews) & set(names)


def test_numbers_read_as_people_write_them() -> None:
    assert as_text(decimal.Decimal("13812341050")) == "13812341050"
    assert as_text(decimal.Decimal("13812341050.00")) == "13812341050"
    assert as_text(13812341050.0) == "13812341050"
    assert as_text(decimal.Decimal("10.50")) == "10.50"
    assert as_text({"tel": "13812341050"}) == '{"tel": "13812341050"}'
    assert as_text(b"\xe5\xbc\xa0") == "张"  # UTF-8 bytes are text
    assert as_text(b"\xff\xfe") == "\udcff\udcfe"  # other bytes stay recoverable
    assert as_text(None) is None


def test_masked_values_without_a_name_still_show_their_entity() -> None:
    rng = random.Random(3)
    values = []
    for _ in range(40):
        card = gen.bank_card_digits(rng)
        values.append(card[:6] + "*" * (len(card) - 10) + card[-4:])
    (report,) = _assessor().assess("t", [ColumnInfo("x1", "VARCHAR(32)")], {"x1": values})
    assert (report.entity, report.protection, report.action) == ("BANK_CARD", "masked", "none")
    assert report.mandates == ()


def test_a_name_without_a_single_shaped_value_loses() -> None:
    values = [f"400-{i:03d}-{i * 7 % 10000:04d}" for i in range(1, 31)]  # service hotlines
    (report,) = _assessor().assess(
        "products", [ColumnInfo("service_phone", "VARCHAR(20)")], {"service_phone": values}
    )
    assert report.entity is None
    assert "none of 30 values is shaped like one" in report.evidence.reasons[0]


def test_free_text_previews_show_only_values_with_findings() -> None:
    """A remark column's first values were 你好 and [图片]: previews that showed a reader
    nothing of what the column holds. A value without a finding is never shown: it would
    go out as it is, with whatever the detector missed in it."""
    values = ["你好", "[图片]", "好的", "谢谢"] * 10 + ["到了打我电话13812341050", "邮箱tt@163.com"]
    column = ColumnInfo("buyer_memo", "TEXT")
    (report,) = _assessor().assess("orders", [column], {"buyer_memo": values})
    assert report.kind == "text"
    # Display masks written by hand: a mobile keeps its last 4, an email 2 + 1 characters.
    assert report.previews == ("到了打我电话******1050", "邮箱tt**@1**.com")


def test_a_long_preview_is_cut_around_its_first_mask() -> None:
    blob = '{"source":"app","coupon":{"id":1280,"amount":"10.00"},"delivery":{"time":"周末"},'
    values = [blob + f'"receiver":{{"email":"tt{i}@163.com"}}}}' for i in range(20)]
    column = ColumnInfo("ext_json", "TEXT")
    (report,) = _assessor().assess("orders", [column], {"ext_json": values})
    assert all(len(p) <= 80 for p in report.previews)
    assert all('"email":"tt**@1**.com"}}' in p for p in report.previews)


def test_one_validated_value_in_a_remark_column_is_reported() -> None:
    """A DBA's remark column with one customer's mobile in its sample was reported clean
    ("a single finding in … sampled values"): a number that validates is no false
    positive. One name found by shape in prose still is not enough."""
    rng = random.Random(5)
    prose = ["客户要求周末送货", "已电话确认", "请放门卫", "加急处理"] * 25
    remark = ColumnInfo("remark", "TEXT", comment="客户备注")
    for planted, expected in (
        (f"改电话{gen.mobile_digits(rng)}", "text"),
        (f"身份证{gen.id_card(rng)}", "text"),
        ("王府井店周末送货", "clean"),
    ):
        (report,) = _assessor().assess("orders", [remark], {"remark": [*prose, planted]})
        assert report.kind == expected, planted


def test_empty_json_documents_count_as_empty_values() -> None:
    """A JSON column's ``{}`` and ``[]`` are its "nothing", like NULL: counted as values,
    they made the one document of two that held an address and an e-mail "a single finding
    in 2 sampled values", and the column was reported clean."""
    document = '{"addr": "浙江省杭州市西湖区文三路90号", "email": "zw@example.com"}'
    column = ColumnInfo("ext", "JSON")
    (report,) = _assessor().assess("t_member", [column], {"ext": [document, "{}", " [ ] ", None]})
    assert report.kind == "text"
    assert (report.evidence.sampled, report.evidence.non_empty) == (4, 1)
    assert report.entities == ("CN_ADDRESS", "EMAIL_ADDRESS")


def test_json_members_that_name_each_others_fields_are_read_by_key() -> None:
    """An approval form stored in a JSON column names each field in one member and holds
    its value in another (DingTalk's form_component_values): a bare name and a password
    match no pattern, and the column was reported clean."""
    values = [
        f'[{{"name": "姓名", "value": "{name}"}}, {{"name": "密码", "value": "S3cret!{i}"}}]'
        for i, name in enumerate(["张伟", "李娜", "王芳"] * 10)
    ]
    column = ColumnInfo("form", "JSONB")
    (report,) = _assessor().assess("approval", [column], {"form": values})
    assert report.kind == "text"
    assert set(report.entities) == {"CN_NAME", "SECRET"}
    # Display masks by hand: a name keeps its surname, a password is six stars.
    assert report.previews == tuple(
        f'[{{"name": "姓名", "value": "{n}*"}}, {{"name": "密码", "value": "******"}}]'
        for n in "张李王"
    )
    # JSON whose members name nothing personal stays clean.
    clean = ['[{"name": "事由", "value": "出差"}]'] * 30
    (report,) = _assessor().assess("approval", [column], {"form": clean})
    assert report.kind == "clean"


def test_a_long_documents_contact_line_at_its_end_is_read() -> None:
    # Values were cut at their first 8,192 characters: a post whose author left a phone at
    # the end was "no personal data in 40 sampled values".
    rng = random.Random(5)
    body = "这是一段很长的文章内容，" * 2_000
    posts = [body + f"如有问题请联系{gen.mobile_digits(rng)}" for _ in range(40)]
    short = ["请尽快发货"] * 10
    column = ColumnInfo("body", "TEXT")
    (report,) = _assessor().assess("posts", [column], {"body": posts + short})
    assert (report.entity, report.kind) == ("CN_MOBILE", "text")
    assert report.evidence.reasons[-1] == (
        "40 sampled values longer than 8,192 characters were read in part: "
        "their first and last 4,096"
    )
    (clean,) = _assessor().assess("posts", [column], {"body": [body] * 3})
    assert clean.evidence.reasons == (
        "no personal data in 3 sampled values",
        "3 sampled values longer than 8,192 characters were read in part: "
        "their first and last 4,096",
    )
