"""E-mail addresses: TLD list, validator, CJK boundaries."""

from __future__ import annotations

import pytest
from dataguard.recognizers.email import EmailRecognizer, tlds
from hypothesis import given
from hypothesis import strategies as st

from dataguard import Detector

_TLDS = ["com", "cn", "net", "org", "io", "中国", "公司", "网络", "xn--fiqs8s"]
_LOCAL = st.from_regex(r"[A-Za-z0-9_+-]{1,12}(?:\.[A-Za-z0-9_+-]{1,8}){0,2}", fullmatch=True)
_LABEL = st.one_of(
    st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True),
    st.text(alphabet="例子测试公司邮箱网", min_size=1, max_size=4),
)
_CJK_TEXT = st.text(alphabet="联系邮箱请发到谢谢您好的是", max_size=6)


def _spans(detector: Detector, text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in detector.detect(text) if f.entity == "EMAIL_ADDRESS"]


def test_tld_list_is_the_iana_root_zone() -> None:
    known = tlds()
    assert {"com", "cn", "org", "中国", "公司", "xn--fiqs8s", "xn--55qx5d"} <= known
    assert not {"png", "jpg", "localhost", "local", "git", "internal"} & known
    assert 1000 < len(known) < 3000


@pytest.mark.parametrize(
    ("value", "verdict"),
    [
        ("tt@163.com", True),
        ("tt@163.COM", True),
        ("用户@例子.中国", True),
        ("tt@example.png", False),
        ("logo@2x.mov", False),
        ("icon@1.5x.mov", False),
        ("a" * 65 + "@example.com", False),
        ("tt@" + "a" * 64 + ".com", False),
        ("tt@" + ("a" * 60 + ".") * 5 + "com", False),
        ("no-at-sign.example.com", False),
    ],
)
def test_validate(value: str, verdict: bool) -> None:
    assert EmailRecognizer().validate(value) is verdict


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"msg":"sent to\\ntt@163.com"}', "tt@163.com"),
        ("a\\tli.lei@example.org", "li.lei@example.org"),
        ("...tt@163.com...", "tt@163.com"),
        ("tt@163.com:8080", "tt@163.com"),
        ("EMAIL: Zhang.San@Example.COM.CN", "Zhang.San@Example.COM.CN"),
        ("见附件（tt@例子.网络）", "tt@例子.网络"),
        ("邮箱tt%40163.com谢谢", "tt%40163.com"),
    ],
)
def test_boundaries(detector: Detector, text: str, value: str) -> None:
    assert [text[s:e] for s, e in _spans(detector, text)] == [value]


@pytest.mark.parametrize(
    "text",
    [
        "git@gitlab.example.com:group/project.git",
        "ssh://git@github.com/org/repo.git",
        "@types/node",
        "pkg@1.2.3",
        "user@host",
        "tt@163.com.invalidtld",
    ],
)
def test_not_addresses(detector: Detector, text: str) -> None:
    assert _spans(detector, text) == []


@given(
    local=_LOCAL,
    labels=st.lists(_LABEL, min_size=1, max_size=3),
    tld=st.sampled_from(_TLDS),
    before=_CJK_TEXT,
    after=_CJK_TEXT,
)
def test_addresses_stop_at_cjk_text_on_both_sides(
    detector: Detector, local: str, labels: list[str], tld: str, before: str, after: str
) -> None:
    address = f"{local}@{'.'.join(labels)}.{tld}"
    # Punctuation at the end: an address that is the whole text may have a Chinese local
    # part, which would then swallow ``before`` (documented in EmailRecognizer).
    text = f"{before}{address}{after}。"
    assert _spans(detector, text) == [(len(before), len(before) + len(address))]


@given(
    local=_LOCAL,
    labels=st.lists(_LABEL, min_size=1, max_size=3),
    tld=st.sampled_from(_TLDS),
    lead=st.sampled_from(["，", "。", " ", "：", '"', "、"]),
    before=_CJK_TEXT.filter(bool),
)
def test_chinese_text_after_punctuation_is_not_a_local_part(
    detector: Detector, local: str, labels: list[str], tld: str, lead: str, before: str
) -> None:
    # Regression: ``下单成功，联系人zhugao@corp.example.com.cn`` was taken whole, with a
    # Chinese local part ``联系人zhugao``.
    address = f"{local}@{'.'.join(labels)}.{tld}"
    text = f"下单成功{lead}{before}{address}，谢谢"
    start = len(f"下单成功{lead}{before}")
    assert _spans(detector, text) == [(start, start + len(address))]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("下单成功，联系人zhugao@corp.example.com.cn", "zhugao@corp.example.com.cn"),
        ("。发到我邮箱791868678@aliyun.com，谢谢", "791868678@aliyun.com"),
        ("send sms，手机号tao.xiaoming@邮件.网络", "tao.xiaoming@邮件.网络"),
        ("联系人 用户@例子.中国", "用户@例子.中国"),
        ("收件人：张三.2024@例子.中国", "张三.2024@例子.中国"),
        ("用户@例子.中国", "用户@例子.中国"),
    ],
)
def test_chinese_local_parts_only_in_narrow_cases(
    detector: Detector, text: str, value: str
) -> None:
    assert [text[s:e] for s, e in _spans(detector, text)] == [value]


@given(local=_LOCAL, label=_LABEL, ext=st.sampled_from(["png", "jpg", "gif", "webp", "svg"]))
def test_file_names_are_not_addresses(detector: Detector, local: str, label: str, ext: str) -> None:
    assert _spans(detector, f"src={local}@{label}.{ext}") == []
