"""Chinese names: surname list, context requirement, rejections, structured fields."""

from __future__ import annotations

import pytest
from dataguard.recognizers.name import _NOT_NAMES, NameRecognizer, _place_names, surnames
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dataguard import Detector


@pytest.fixture(scope="module")
def name_only() -> Detector:
    return Detector(recognizers=[NameRecognizer()])


def _spans(detector: Detector, text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector.detect(text) if f.entity == "CN_NAME"]


def test_surname_list() -> None:
    names = surnames()
    assert 480 <= len(names) <= 600
    assert {"张", "王", "李", "赵", "肖", "覃"} <= names
    compound = {n for n in names if len(n) == 2}
    assert {
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
    } <= compound
    assert {"宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木"} <= compound
    assert all(len(n) in (1, 2) for n in names)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("姓名：张三", ["张三"]),
        ("收件人：欧阳娜娜，电话13812345678", ["欧阳娜娜"]),
        ("联系人王小明电话13912345678", ["王小明"]),
        ("尊敬的客户张伟您好", ["张伟"]),
        ("持卡人:诸葛亮", ["诸葛亮"]),
        ('{"realName": "司马相如"}', ["司马相如"]),
        ("customer_name=上官婉儿&x=1", ["上官婉儿"]),
        ("姓名：买买提·艾力", ["买买提·艾力"]),
        ("姓名：阿沛・阿旺晋美", ["阿沛・阿旺晋美"]),
        # no context: never reported in free text
        ("张三今天来了", []),
        ("王小明", []),
        ("张家口", []),
        # labels followed by what is not a name
        ("姓名：未填写", []),
        ("姓名：张家口", []),
        # a two-character county name is also a given name: after a label it is a name
        ("姓名：梁平", ["梁平"]),
        ('{"name": "高平", "city": "杭州"}', ["高平"]),
        ("收货人：张先生", []),
        ("联系人：王总", []),
        ("客户经理：", []),
        ("name=admin", []),
        ('{"filename": "张三.txt"}', []),
    ],
)
def test_spans(name_only: Detector, text: str, expected: list[str]) -> None:
    assert _spans(name_only, text) == expected


def test_names_deep_in_a_json_array_under_a_name_key(name_only: Detector) -> None:
    # Positions 5 to 9 and elements longer than 64 characters before a name were not read.
    names = ["张伟", "李娜", "王芳", "刘洋", "陈静", "杨帆", "欧阳娜娜", "王建国", "李秀英"]
    text = '{"flight":"MU5101","passengers":[' + ",".join(f'"{n}"' for n in names) + "]}"
    assert _spans(name_only, text) == names
    long_note = "a remark that runs well past sixty-four characters, as remarks do"
    assert _spans(name_only, '{"names":["' + long_note + '","王芳"]}') == ["王芳"]


def test_structured_field_supplies_the_context(name_only: Detector) -> None:
    found = name_only.detect_record({"name": "张三", "city": "张三", "remark": "欧阳娜娜"})
    assert list(found) == ["name"]
    assert [(f.start, f.end) for f in found["name"]] == [(0, 2)]


def test_validator() -> None:
    r = NameRecognizer()
    assert r.validate("张三") is None
    assert r.validate("买买提·艾力") is None
    assert r.validate("张先生") is False
    assert r.validate("欧阳某") is False
    assert r.validate("管理员") is False
    assert r.validate("张家口") is False
    assert r.validate("梁平") is None  # 梁平区 of Chongqing, and a given name


_GIVEN = st.text(alphabet="伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英", min_size=1, max_size=2)
_LABELS = st.sampled_from(["姓名：", "收件人：", "联系人", "持卡人: ", "户名=", '"realName":"'])


@settings(max_examples=200, deadline=None)
@given(surname=st.sampled_from(sorted(surnames())), given_name=_GIVEN, label=_LABELS)
def test_generated_names_after_a_label(
    name_only: Detector, surname: str, given_name: str, label: str
) -> None:
    name = surname + given_name
    # 张家港 is a city: rejected by design; 东丽 (a district too) is a name after a label
    assume(len(name) == 2 or name not in _place_names())
    assume(name not in _NOT_NAMES)  # 和平 is a word after a label too
    text = f"2024-05-01 INFO {label}{name}，电话13812345678"
    assert _spans(name_only, text) == [name]
    assert _spans(name_only, f"今天{name}来了") == []


def test_a_bare_name_needs_its_field_name() -> None:
    # cn_name_field scores below the default threshold; only a name field lifts it
    detector = Detector(entities=["CN_NAME"])
    assert detector.detect("王小明") == []
    assert [f.entity for f in detector.detect("王小明", field="realName")] == ["CN_NAME"]
    assert detector.detect("王小明", field="remark") == []


def test_every_name_key_is_context_for_a_column_of_names() -> None:
    """A header the masker reads as a name key (乘客, 员工姓名, payee_name …) is also
    context for the detector, so that ``scan`` finds the names under it valid."""
    from dataguard.mask.keys import SENSITIVE_KEYS

    context = [w.lower() for w in NameRecognizer.context]
    keys = [k for k, entity in SENSITIVE_KEYS.items() if entity == "CN_NAME"]
    assert keys
    assert [k for k in keys if not any(w in k for w in context)] == []
