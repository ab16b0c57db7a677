"""Names labelled by what stands beside them (``recognizers/name_beside.py``): a phone or
ID cell, a bracketed mobile, an act, an English role word."""

from __future__ import annotations

import random

import pytest
from dataguard.recognizers.name import _place_names
from dataguard.recognizers.name_beside import NameBesideRecognizer, common_words
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataguard import Detector
from dataguard.mask import Masker
from dataguard.testing import generators as gen


@pytest.fixture(scope="module")
def beside_only() -> Detector:
    return Detector(recognizers=[NameBesideRecognizer()])


def _names(detector: Detector, text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector.detect(text) if f.entity == "CN_NAME"]


def _unlabelled_word(name: str) -> bool:
    """A generated name that is also a common word (江南) or a place (武强, a county) is
    left to the labelled forms."""
    return name in common_words() or name in _place_names()


_SEPARATORS = st.sampled_from([",", "，", "\t", " | ", '","', "','", ", ", " ", "  "])


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**6), sep=_SEPARATORS, lead=st.sampled_from(["", "7,", "| "]))
def test_a_generated_name_before_a_mobile_or_id_cell_is_found(
    beside_only: Detector, seed: int, sep: str, lead: str
) -> None:
    rng = random.Random(seed)
    name = gen.chinese_name(rng)
    if _unlabelled_word(name):
        return
    personal = gen.mobile_digits(rng) if rng.random() < 0.5 else gen.id_card(rng)
    quote = sep[0] if sep[0] in "\"'" else ""
    text = f"{lead}{quote}{name}{sep}{personal}{quote},{rng.randrange(100)}"
    assert _names(beside_only, text) == [name]


@settings(max_examples=150, deadline=None)
@given(word=st.sampled_from(sorted(common_words())), sep=_SEPARATORS)
def test_a_common_word_in_that_cell_is_not_a_name(
    beside_only: Detector, word: str, sep: str
) -> None:
    assert _names(beside_only, f"{word}{sep}13812341050") == []


@pytest.mark.parametrize(
    "text",
    [
        "王芳,2024-05-17,13812341050",  # the phone is not the next cell
        "王芳,13812341050123",  # a longer digit run is no mobile
        "今天王芳,13812341050",  # inside a sentence, not a cell
        "杭州,13812341050",  # a prefecture
        "余杭,13812341050",  # a county: a region column
        "王府井店,13812341050",  # a shop
        "张先生,13812341050",  # a title, as after a label
    ],
)
def test_cells_that_are_not_a_name_before_a_phone(beside_only: Detector, text: str) -> None:
    assert _names(beside_only, text) == []


_BRACKETS = st.sampled_from([("(", ")"), ("（", "）"), (" (", ")"), ("(+86 ", ")")])


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    brackets=_BRACKETS,
    lead=st.sampled_from(["", "sms to ", "[", "经办：", "，"]),
)
def test_a_generated_name_before_its_bracketed_mobile_is_found(
    beside_only: Detector, seed: int, brackets: tuple[str, str], lead: str
) -> None:
    rng = random.Random(seed)
    name = gen.chinese_name(rng)
    if _unlabelled_word(name):
        return
    contact = f"{name}{brackets[0]}{gen.mobile_digits(rng)}{brackets[1]}"
    assert _names(beside_only, f"{lead}{contact} ok") == [name]
    # After a verb that takes a person, the name starts after the verb, a dotted one too
    # (客服已联系买买提·艾力 once took the words before it in).
    assert _names(beside_only, f"客服已联系{contact} ok") == [name]
    # Inside another run of ideographs a surname-led name's start is unknown: left alone.
    # (A dotted name may start anywhere: 订单买买提·艾力 is masked whole, nothing leaks.)
    if "·" not in name:
        assert _names(beside_only, f"订单{contact} ok") == []


@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    role=st.sampled_from(["user", "Customer", "driver", "approved by", "created by"]),
)
def test_a_generated_name_after_an_english_role_word_is_found(
    beside_only: Detector, seed: int, role: str
) -> None:
    name = gen.chinese_name(random.Random(seed))
    if _unlabelled_word(name):
        return
    assert _names(beside_only, f"[audit] {role} {name} (uid=7) changed phone") == [name]
    assert _names(beside_only, f"[audit] super{role.split()[-1]} {name} (uid=7)") == []


@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    act=st.sampled_from(["修改了收货地址", "登录成功", "导出了订单报表", "删除了用户"]),
)
def test_a_generated_name_before_what_the_person_did_is_found(
    beside_only: Detector, seed: int, act: str
) -> None:
    name = gen.chinese_name(random.Random(seed))
    if _unlabelled_word(name):
        return
    assert _names(beside_only, f"2026-11-27 10:00:01 {name} {act}") == [name]
    assert _names(beside_only, f"已通知{name} {act}") == [name]  # after a contact verb
    if "·" not in name:  # a dotted name may start anywhere (see the bracketed form)
        assert _names(beside_only, f"订单{name} {act}") == []


# Where each form reads a name, with a common word in its place.
_WORD_PLACES = st.sampled_from(
    [
        "notify {}(13812341050)",
        "notify {}（+86 138 1234 1050）",
        "2026-11-27 {} 修改了配置",
        "grouped by {} desc",
    ]
)


@settings(max_examples=200, deadline=None)
@given(word=st.sampled_from(sorted(common_words())), place=_WORD_PLACES)
def test_a_common_word_where_a_name_could_stand_is_not_a_name(
    beside_only: Detector, word: str, place: str
) -> None:
    assert _names(beside_only, place.format(word)) == []


def test_the_word_list_is_words_not_the_generators_names() -> None:
    words = common_words()
    assert 10_000 < len(words) < 30_000
    assert {"家属", "余额", "马上", "黄金"} <= words
    # jieba tags names nr*: the names a test generator draws must mostly not be listed.
    rng = random.Random(3)
    names = {gen.chinese_name(rng) for _ in range(2000)}
    assert len(names & words) < len(names) * 0.02


def test_rows_of_an_export_pasted_into_a_log_are_masked() -> None:
    out = Masker().mask(
        "导出：\n1,王芳,13912345678,浙江省杭州市西湖区文三路100号\n2,家属,13812341050"
    )
    assert "王芳" not in out
    assert "1,王*," in out
    assert "2,家属," in out


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 10**6), speaker=st.sampled_from(["客户", "用户"]))
def test_a_generated_name_after_a_speakers_colon_is_found(
    beside_only: Detector, seed: int, speaker: str
) -> None:
    rng = random.Random(seed)
    name = gen.chinese_name(rng)
    if _unlabelled_word(name):
        return
    end = rng.choice(["，电话13812341050", " 已下单", "", "|VIP"])
    assert _names(beside_only, f"{speaker}：{name}{end}") == [name]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(word=st.sampled_from(sorted(common_words())), speaker=st.sampled_from(["客户", "用户"]))
def test_a_transcripts_sentence_after_a_speakers_colon_is_no_name(
    detector: Detector, word: str, speaker: str
) -> None:
    """A customer-service transcript writes each turn after 客户： or 用户：, and a turn
    that opened with a surname character (麻烦改地址…, 高兴，…) was masked as a name."""
    for text in (f"{speaker}：{word}，谢谢", f"{speaker}：{word}改地址到上海"):
        assert _names(detector, text) == [], text


def test_a_word_that_starts_with_a_name_label_is_no_label(detector: Detector) -> None:
    """原告方 (the plaintiff's side), 原告席 and 法人代表 start with the labels 原告 and 法人,
    and what followed them was read as a name (方改, 代表). Every common word that starts
    with a label, in the two sentences of the property test above."""
    from dataguard.recognizers.name import NameRecognizer

    labels = [word for word in NameRecognizer.context if len(word) >= 2]
    words = [w for w in common_words() if any(w.startswith(label) for label in labels)]
    assert len(words) > 10  # the check has something to check
    found = {
        text: _names(detector, text)
        for word in words
        for text in (f"客户：{word}，谢谢", f"客户：{word}改地址到上海")
    }
    assert {text: names for text, names in found.items() if names} == {}


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**6), title=st.sampled_from(["客户", "会员", "车主", "同学"]))
def test_a_two_character_name_before_a_customer_title_is_found(
    beside_only: Detector, seed: int, title: str
) -> None:
    """Bank and carrier SMS greet 尊敬的王芳客户: a two-character name there went out."""
    rng = random.Random(seed)
    name = gen.chinese_name(rng)
    if len(name) != 2 or _unlabelled_word(name):
        return
    assert _names(beside_only, f"尊敬的{name}{title}，您尾号1234的卡入账500元") == [name]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(word=st.sampled_from(sorted(w for w in common_words() if len(w) == 2)))
def test_a_tier_or_brand_before_a_customer_title_is_no_name(detector: Detector, word: str) -> None:
    assert _names(detector, f"尊敬的{word}会员，您的积分即将过期") == []
