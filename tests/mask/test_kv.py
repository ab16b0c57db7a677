"""Values under keys (dataguard/mask/kv.py) and masking inside containers (standards.md §2:
"Masking must never change the text around a finding, and must handle a finding inside JSON,
URL-encoded query strings and CSV quoting without breaking the container").
"""

from __future__ import annotations

import base64
import csv
import io
import itertools
import json
import random
import re
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataguard.mask import Masker
from dataguard.mask.kv import FORMATS, KeySpan, key_spans, words_after
from dataguard.testing import generators as g


def spans(line: str, fmt: str = "auto") -> list[tuple[str, str, str]]:
    """(key, raw value text, kind) of every span, checking the offsets on the way."""
    out = []
    for s in key_spans(line, fmt):
        assert isinstance(s, KeySpan)
        assert 0 <= s.start <= s.end <= len(line)
        out.append((s.key, line[s.start : s.end], s.kind))
    return out


def assert_masks(masker: Masker, cases: dict[str, str], lines: int) -> None:
    """Each line of *cases* masked into its expected text, alone (*lines* 1) or in a batch
    of *lines* copies (the batch path reads keys and finds values its own way)."""
    for line, expected in cases.items():
        assert masker.mask_lines([line] * lines) == [expected] * lines, line


@pytest.fixture(scope="module")
def masker() -> Masker:
    return Masker("display")


def mask1(masker: Masker, line: str) -> str:
    return masker.mask_lines([line])[0]


# -- key_spans: JSON ----------------------------------------------------------------------


NESTED = (
    '{"user": {"phone": "13812341050", "tags": ["a", {"email": "tt@163.com"}]}, '
    '"n": 42, "f": -1.5e3, "ok": true, "x": null, "e": "", "d": "-"}'
)


@pytest.mark.parametrize("fmt", ["json", "auto"])
def test_json_nested_objects_and_arrays(fmt: str) -> None:
    assert spans(NESTED, fmt) == [
        ("phone", "13812341050", "string"),
        ("tags", "a", "string"),  # an array's items sit under the array's key
        ("email", "tt@163.com", "string"),
        ("n", "42", "number"),
        ("f", "-1.5e3", "number"),
    ]


def test_json_escaped_quotes_and_backslashes() -> None:
    line = r'{"msg": "say \"hi\" C:\\dir 13812341050", "k\"q": "v"}'
    assert spans(line, "json") == [
        ("msg", r"say \"hi\" C:\\dir 13812341050", "string"),
        ('k"q', "v", "string"),
    ]


def test_json_unicode_escapes_in_keys_and_values() -> None:
    line = r'{"\u624b\u673a": "\u0031\u0033\u0038", "name": "\u5f20\u4e09"}'
    assert spans(line, "json") == [
        ("手机", r"\u0031\u0033\u0038", "string"),  # the key is decoded, the value raw
        ("name", r"\u5f20\u4e09", "string"),
    ]


def test_json_whitespace_and_unicode_text() -> None:
    line = '{ "地址" : "浙江省杭州市西湖区文三路90号" ,\t"a" : [ 1 , "x" ] }'
    assert spans(line, "json") == [
        ("地址", "浙江省杭州市西湖区文三路90号", "string"),
        ("a", "1", "number"),
        ("a", "x", "string"),
    ]


def test_json_innermost_non_empty_key() -> None:
    line = '{"outer": {"": "v1", "inner": {"deep": "v2"}, "after": "v3"}}'
    assert spans(line, "json") == [
        ("outer", "v1", "string"),
        ("deep", "v2", "string"),
        ("after", "v3", "string"),
    ]


@pytest.mark.parametrize(
    "line",
    ['{"a": 1,}', '{"a": "x"', "{'a': 'x'}", '{"a": x}', "{not json at all"],
)
def test_invalid_json_gives_nothing_in_json_format(line: str) -> None:
    assert key_spans(line, "json") == []


def test_invalid_json_falls_back_to_kv_in_auto() -> None:
    assert spans('{"phone": "13812341050",}', "auto") == [("phone", "13812341050", "string")]
    assert spans('{"a": 1,} phone=13812341050', "auto") == [
        ("a", "1", "number"),
        ("phone", "13812341050", "raw"),
    ]


def test_json_array_line_is_not_an_object() -> None:
    assert key_spans('[{"phone": "13812341050"}]', "json") == []


def test_plain_has_no_keys() -> None:
    assert key_spans(NESTED, "plain") == []
    assert key_spans("phone=13812341050", "plain") == []


def test_formats() -> None:
    assert {"auto", "plain", "json", "kv", "logfmt", "nginx", "apache"} <= set(FORMATS)


# -- key_spans: kv / logfmt / query strings -----------------------------------------------


def test_logfmt_quoted_and_empty_values() -> None:
    line = (
        "level=info user=alice phone=\"138 1234 1050\" note='hi there' "
        'empty= dash=- nil=null q="" esc="a\\"b"'
    )
    assert spans(line, "kv") == [
        ("level", "info", "raw"),
        ("user", "alice", "raw"),
        ("phone", "138 1234 1050", "raw"),
        ("note", "hi there", "raw"),
        ("esc", 'a\\"b', "raw"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "UPDATE t_user SET real_name=?, mobile=?, id_card=? WHERE id=?",
        "WHERE real_name = #{realName} AND mobile=#{mobile}",
        "spring.datasource.password=${DB_PASSWORD}",
        'password="${DB_PASSWORD}" phone=$1 name=:name',
        "phone=%s name=%s mobile={}",
        '{"password": "${DB_PASSWORD}", "mobile": "?"}',
        "密码：${DB_PASSWORD}",
    ],
)
def test_placeholders_are_no_values(line: str) -> None:
    # SQL parameters, MyBatis, Spring and printf placeholders: masked, a statement lost
    # what it says (SET real_name=*, mobile=******) and a placeholder its name.
    assert spans(line, "auto") == []


def test_a_placeholder_default_is_a_value() -> None:
    assert spans("password: ${DB_PASSWORD:s3cret} token=${T:} pwd=$ecret", "kv") == [
        ("password", "s3cret", "raw"),
        ("pwd", "$ecret", "raw"),
    ]
    assert spans('{"password": "${DB_PASSWORD:s3cret}"}', "json") == [
        ("password", "s3cret", "string")
    ]


def test_kv_keys_with_dots_dashes_and_chinese() -> None:
    assert spans("order.remark=x buyer-tel=1 手机号=13812341050", "kv") == [
        ("order.remark", "x", "raw"),
        ("buyer-tel", "1", "raw"),
        ("手机号", "13812341050", "raw"),
    ]


def test_kv_values_stop_at_delimiters() -> None:
    assert spans("a=1,b=2;c=3 d=(x) e=[y]", "kv") == [
        ("a", "1", "raw"),
        ("b", "2", "raw"),
        ("c", "3", "raw"),
    ]


def test_nginx_query_string_with_percent_encoding() -> None:
    line = (
        '10.0.0.1 - - [17/May/2024:10:00:00 +0800] "GET /api/user?phone=13812341050'
        '&email=tt%40163.com&name=%E5%BC%A0%E4%B8%89&empty=&x=1 HTTP/1.1" 200 512 "-" "curl/8"'
    )
    for fmt in ("kv", "nginx", "apache", "auto"):
        assert spans(line, fmt) == [
            ("phone", "13812341050", "raw"),
            ("email", "tt%40163.com", "raw"),
            ("name", "%E5%BC%A0%E4%B8%89", "raw"),
            ("x", "1", "raw"),
        ]


def test_json_fragments_in_text() -> None:
    line = 'resp={"phone": "13812341050", "n": 42, "ok": true} took 3ms'
    assert spans(line, "kv") == [
        ("phone", "13812341050", "string"),
        ("n", "42", "number"),
    ]


def test_kv_inside_json_fragment_is_found_once() -> None:
    line = 'payload: {"msg": "phone=13812341050"}'
    assert spans(line, "kv") == [("msg", "phone=13812341050", "string")]


def test_kv_without_keys() -> None:
    assert key_spans("no keys here 13812341050", "kv") == []
    assert key_spans("", "auto") == []


# -- key_spans: JSON reference walk (property) --------------------------------------------

_EMPTY = {"", "-", "null", "none", "nil", "undefined", "n/a", "(null)", "<null>", "[null]"}
_EMPTY |= {"无", "暂无", "未知", "未填", "不详"}


# Reference: a template's placeholder without a default (SQL, MyBatis, Spring, printf).
_PLACEHOLDER = re.compile(
    r"\?|%[sd]|\{\}|\$[0-9]{1,2}|:[A-Za-z_]\w{0,63}|[#$]\{[A-Za-z_][\w.\-]{0,63}\}"
)
_KEYS = st.sampled_from(
    ["phone", "mobile", "email", "name", "real_name", "id_card", "addr", "password", "note"]
) | st.from_regex(r"[a-z][a-z_]{0,9}", fullmatch=True)
_SCALARS = (
    st.text(max_size=20)
    | st.integers(-(10**6), 10**6)
    | st.booleans()
    | st.none()
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=15,
)


def _walk(node: Any, key: str | None, ascii_only: bool = False) -> list[tuple[str, Any]]:
    """Reference: (innermost non-empty key, value) of every non-empty scalar, in order.
    An empty marker is one as the line writes it (``未知``, not ``\\u672a\\u77e5``)."""
    out: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _walk(v, k or key, ascii_only)
    elif isinstance(node, list):
        for v in node:
            out += _walk(v, key, ascii_only)
    elif isinstance(node, bool) or node is None:
        pass
    elif isinstance(node, str):
        written = json.dumps(node, ensure_ascii=ascii_only)[1:-1]
        if key is not None and written.lower() not in _EMPTY and not _PLACEHOLDER.fullmatch(node):
            out.append((key, node))
    elif key is not None:
        out.append((key, node))
    return out


@settings(max_examples=300)
@given(obj=st.dictionaries(_KEYS, _JSON, max_size=5), ascii_only=st.booleans())
def test_json_spans_match_a_reference_walk(obj: dict[str, Any], ascii_only: bool) -> None:
    line = json.dumps(obj, ensure_ascii=ascii_only)
    found = key_spans(line, "json")
    expected = _walk(obj, None, ascii_only)
    assert [s.key for s in found] == [k for k, _ in expected]
    for span, (_, value) in zip(found, expected, strict=True):
        raw = line[span.start : span.end]
        if span.kind == "string":
            assert json.loads(f'"{raw}"') == value
        else:
            assert span.kind == "number"
            assert json.loads(raw) == value


# -- Masker.mask_lines: JSON --------------------------------------------------------------


def _outside(line: str, ranges: list[tuple[int, int]]) -> re.Pattern[str]:
    """A pattern matching *line* with any text in place of each range."""
    parts, at = [], 0
    for start, end in sorted(ranges):
        parts.append(re.escape(line[at:start]))
        parts.append("(.*?)")
        at = end
    parts.append(re.escape(line[at:]))
    return re.compile("".join(parts), re.DOTALL)


def _shape(node: Any) -> Any:
    if isinstance(node, dict):
        return [(k, _shape(v)) for k, v in node.items()]
    if isinstance(node, list):
        return [_shape(v) for v in node]
    return None


JSON_LINE = (
    '{"ts": "2024-05-17T10:00:00+08:00", "level": "INFO", "user": {"id": 1024, '
    '"phone": "13812341050", "email": "tt@163.com", "address": '
    '"浙江省杭州市西湖区文三路90号1幢"}, "note": "联系人手机13912345678，谢谢", '
    '"amount": 13800.00, "items": [{"sku": "A-1", "qty": 2}], "ok": true}'
)


def test_json_line_stays_valid_with_same_keys_and_untouched_bytes(masker: Masker) -> None:
    out = mask1(masker, JSON_LINE)
    before, after = json.loads(JSON_LINE), json.loads(out)
    assert _shape(after) == _shape(before)
    assert list(after) == list(before)
    assert after["user"]["phone"] == "******1050"
    assert after["user"]["email"] == "tt**@1**.com"
    assert after["user"]["address"] == "浙江省杭州市西湖区****"
    assert after["note"] == "联系人手机******5678，谢谢"
    # values that are not personal data are unchanged, as values and as raw text
    for key in ("ts", "level", "amount", "items", "ok"):
        assert after[key] == before[key]
    assert after["user"]["id"] == 1024
    for raw in ('"ts": "2024-05-17T10:00:00+08:00"', '"amount": 13800.00', '"qty": 2'):
        assert raw in out
    # every character outside the masked values is as it was
    masked = [(s.start, s.end) for s in key_spans(JSON_LINE, "json")]
    assert _outside(JSON_LINE, masked).fullmatch(out)


def test_json_number_under_sensitive_key_becomes_string(masker: Masker) -> None:
    line = '{"phone": 13812341050, "idno": 11010519491231002, "card_no": 6222021234567890128}'
    out = mask1(masker, line)
    assert out == (
        '{"phone": "******1050", "idno": "1***************2", "card_no": "622202*********0128"}'
    )
    assert json.loads(out)["phone"] == "******1050"


def test_json_non_value_sensitive_key_masked_whole(masker: Masker) -> None:
    out = mask1(masker, '{"phone": "tbd", "password": "hunter2", "token": "abc"}')
    assert json.loads(out) == {"phone": "******", "password": "******", "token": "******"}


@pytest.mark.parametrize(
    "key",
    ["accessKey", "access_key_id", "AccessKeySecret", "aws_secret_access_key", "x-api-key",
     "acctNo", "account_number", "receiverMobile", "contact_tel", "certificateNo"],
)  # fmt: skip
def test_cloud_credential_and_account_keys_are_sensitive(masker: Masker, key: str) -> None:
    # Aliyun/AWS key pairs and common Java bean names; their values went out as they were.
    out = json.loads(mask1(masker, json.dumps({key: "v4lu3Xyz9"})))
    assert "v4lu3Xyz9" not in out[key]


def test_json_number_finding_under_ordinary_key_stays_valid(masker: Masker) -> None:
    out = mask1(masker, '{"n": 13812341050, "x": 1}')
    assert json.loads(out) == {"n": "******1050", "x": 1}


def test_json_escaped_quotes_survive(masker: Masker) -> None:
    line = r'{"msg": "他说\"电话13812341050\"", "path": "C:\\tmp"}'
    out = mask1(masker, line)
    assert out == r'{"msg": "他说\"电话******1050\"", "path": "C:\\tmp"}'
    assert json.loads(out)["msg"] == '他说"电话******1050"'


def test_json_unicode_escaped_key_is_a_sensitive_key(masker: Masker) -> None:
    out = mask1(masker, r'{"\u624b\u673a": "tbd"}')  # 手机
    assert out == r'{"\u624b\u673a": "******"}'


def test_json_unicode_escaped_ascii_value(masker: Masker) -> None:
    line = r'{"email": "tt\u0040163.com", "msg": "\ud83d\ude00 13812341050"}'
    out = mask1(masker, line)
    assert json.loads(out) == {"email": "tt**@1**.com", "msg": "\U0001f600 ******1050"}
    assert out.endswith(r'"msg": "\ud83d\ude00 ******1050"}')


def test_json_unicode_escaped_value_under_key(masker: Masker) -> None:
    # The replacement is escaped once, the way the original was (not "\\u6b27…").
    out = mask1(masker, r'{"real_name": "\u6b27\u9633\u5a1c\u5a1c"}')  # 欧阳娜娜
    assert json.loads(out) == {"real_name": "欧阳**"}
    assert out == r'{"real_name": "\u6b27\u9633**"}'


def test_json_unicode_escaped_finding_in_text(masker: Masker) -> None:
    line = json.dumps({"note": "收货地址浙江省杭州市西湖区文三路90号1幢", "n": 1})  # ASCII
    out = mask1(masker, line)
    assert json.loads(out) == {"note": "收货地址浙江省杭州市西湖区****", "n": 1}
    assert out.isascii()


def test_kv_unicode_escaped_value_keeps_its_escapes(masker: Masker) -> None:
    assert mask1(masker, r"real_name=\u5f20\u4e09 x=1") == r"real_name=\u5f20* x=1"


def test_json_fragment_in_text(masker: Masker) -> None:
    line = 'resp={"phone": 13812341050, "email": "tt@163.com", "n": 42} took 3ms'
    assert mask1(masker, line) == (
        'resp={"phone": "******1050", "email": "tt**@1**.com", "n": 42} took 3ms'
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"tel": "0571-88881123"}', '{"tel": "0571-*****123"}'),
        ("联系电话=0571-88881123", "联系电话=0571-*****123"),
    ],
)
def test_landline_under_a_phone_key_gets_the_landline_mask(
    masker: Masker, line: str, expected: str
) -> None:
    assert mask1(masker, line) == expected


# -- Masker.mask_lines: query strings, kv, CSV --------------------------------------------


def test_percent_encoded_email_stays_percent_encoded(masker: Masker) -> None:
    assert mask1(masker, "GET /a?email=tt%40163.com&x=1") == "GET /a?email=tt**%401**.com&x=1"
    # found by the detector, not by the key
    assert mask1(masker, "GET /a?q=tt%40163.com&x=1") == "GET /a?q=tt**%401**.com&x=1"


def test_a_url_in_a_query_string_is_masked_and_stays_twice_encoded(masker: Masker) -> None:
    # OAuth-style redirects carry a whole query string, escaped again; its email, mobile
    # and name went through unmasked when only once-escaped text was decoded.
    line = (
        "GET /login?next=https%3A%2F%2Fx.com%2Fcb%3Femail%3Dtt%2540163.com"
        "%26mobile%3D13812341050%26name%3D%25E5%25BC%25A0%25E4%25B8%2589 HTTP/1.1"
    )
    out = mask1(masker, line)
    assert out == (
        "GET /login?next=https%3A%2F%2Fx.com%2Fcb%3Femail%3Dtt**%25401**.com"
        "%26mobile%3D******1050%26name%3D%25E5%25BC%25A0* HTTP/1.1"
    )
    inner = unquote(unquote(out.split("next=")[1].split(" ")[0]))
    assert inner == "https://x.com/cb?email=tt**@1**.com&mobile=******1050&name=张*"


def test_percent_encoded_name_stays_percent_encoded(masker: Masker) -> None:
    line = "GET /a?receiver_name=%E6%AC%A7%E9%98%B3%E5%A8%9C%E5%A8%9C&page=2 HTTP/1.1"
    out = mask1(masker, line)
    assert out == "GET /a?receiver_name=%E6%AC%A7%E9%98%B3**&page=2 HTTP/1.1"
    assert unquote(out.split("=")[1].split("&")[0]) == "欧阳**"


def test_gbk_percent_encoded_values_stay_gbk(masker: Masker) -> None:
    # name=张伟 and addr=杭州市西湖区文三路 as a GBK site encodes them; the masks are
    # written back in GBK (张 is D5 C5; 杭州市西湖区 BA BC D6 DD CA D0 CE F7 BA FE C7 F8).
    line = (
        "GET /s?name=%D5%C5%CE%B0&addr=%BA%BC%D6%DD%CA%D0%CE%F7%BA%FE%C7%F8%CE%C4%C8%FD"
        "%C2%B790%BA%C5&page=2 HTTP/1.1"
    )
    assert mask1(masker, line) == (
        "GET /s?name=%D5%C5*&addr=%BA%BC%D6%DD%CA%D0%CE%F7%BA%FE%C7%F8****&page=2 HTTP/1.1"
    )


def test_an_nginx_request_body_is_masked_and_stays_byte_escaped(masker: Masker) -> None:
    # log_format … "$request_body": nginx writes quotes and non-ASCII bytes as \xHH. The
    # number was glued to the hex digits of \x22 and the name was bytes: all went out.
    line = (
        r'10.0.0.1 - - [26/Nov/2026:10:00:01 +0800] "POST /api/order HTTP/1.1" 200 12 '
        r'"{\x22phone\x22:\x2213812341050\x22,\x22name\x22:\x22\xE5\xBC\xA0\xE4\xBC\x9F\x22,'
        r'\x22password\x22:\x22hunter22\x22,\x22idCard\x22:\x2211010519491231002X\x22}"'
    )
    assert mask1(masker, line) == (
        r'10.0.*.* - - [26/Nov/2026:10:00:01 +0800] "POST /api/order HTTP/1.1" 200 12 '
        r'"{\x22phone\x22:\x22******1050\x22,\x22name\x22:\x22\xE5\xBC\xA0*\x22,'
        r'\x22password\x22:\x22******\x22,\x22idCard\x22:\x221****************X\x22}"'
    )


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("lines", [1, 600])  # the single-text path, and the batch path
def test_base64_json_in_a_header_is_masked_inside_and_stays_base64(
    masker: Masker, lines: int
) -> None:
    # A gateway passes the caller to services as base64 JSON (X-User-Info: eyJ…), and the
    # request log printed it: phone, name and ID went out, encoded but readable.
    line = "X-User-Info: " + _b64(
        '{"name":"张伟","phone":"13812341050","idCard":"11010519491231002X","city":"杭州"}'
    )
    expected = "X-User-Info: " + _b64(
        '{"name":"张*","phone":"******1050","idCard":"1****************X","city":"杭州"}'
    )
    assert masker.mask_lines([line] * lines) == [expected] * lines
    # After a key's "=" (a query string, key=value), URL-safe and unpadded.
    token = base64.urlsafe_b64encode(b'{"mobile":"13812341050"}').decode().rstrip("=")
    masked = base64.urlsafe_b64encode(b'{"mobile":"******1050"}').decode().rstrip("=")
    assert mask1(masker, f"GET /cb?state={token}&code=x HTTP/1.1") == (
        f"GET /cb?state={masked}&code=x HTTP/1.1"
    )
    assert mask1(masker, expected) == expected  # masking twice changes nothing
    # A JWT is a credential, masked whole as before; a token with nothing inside stays.
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMzgxMjM0MTA1MCJ9.c2lnbmF0dXJlMTIz"
    assert mask1(masker, f"Authorization: Bearer {jwt}") == "Authorization: Bearer ******"
    assert mask1(masker, "data=" + _b64('{"type":"ping"}')) == "data=" + _b64('{"type":"ping"}')
    # Under a credential key the token may be the credential itself: masked whole, and so
    # is a token holding a credential (a credential found anywhere in it spans all of it).
    session = _b64('{"uid":7,"exp":1732600000}')
    assert mask1(masker, f"session={session} ok") == "session=****** ok"
    assert mask1(masker, f'{{"token":"{session}"}}') == '{"token":"******"}'
    assert masker.mask_value(session, "SECRET") == "******"
    # Under another sensitive key a token with nothing to mask inside is masked whole too.
    ping = _b64('{"type":"ping"}')
    assert mask1(masker, f'{{"phone":"{ping}"}}') != f'{{"phone":"{ping}"}}'
    with_password = _b64('{"phone":"13812341050","password":"hunter22"}')
    assert mask1(masker, f"X-User-Info: {with_password}") == "X-User-Info: ******"


def _java_bytes(text: str) -> str:
    """*text* as Java's Arrays.toString prints its UTF-8 bytes (signed, ", ")."""
    return "[" + ", ".join(str(b - 256 if b > 127 else b) for b in text.encode()) + "]"


@pytest.mark.parametrize("lines", [1, 600])  # the single-text path, and the batch path
def test_a_rocketmq_message_body_is_masked_inside_and_stays_a_byte_array(
    masker: Masker, lines: int
) -> None:
    """RocketMQ's Message and MessageExt print their body as Java's byte array: every
    order's receiver, phone and address went out as numbers anyone can decode."""
    body = '{"receiver":"张伟","phone":"13812341050","addr":"浙江省杭州市西湖区文三路90号"}'
    line = (
        "SendResult [sendStatus=SEND_OK] MessageExt [brokerName=broker-a, queueId=0, "
        f"body={_java_bytes(body)}, transactionId=null]"
    )
    # By hand: a name keeps its surname, a mobile its last 4 digits, an address its
    # divisions down to the county.
    masked_body = '{"receiver":"张*","phone":"******1050","addr":"浙江省杭州市西湖区****"}'
    expected = line.replace(_java_bytes(body), _java_bytes(masked_body))
    assert masker.mask_lines([line] * lines) == [expected] * lines
    assert mask1(masker, expected) == expected  # masking twice changes nothing
    # Go's %v of a []byte: unsigned, space-separated.
    go = "[" + " ".join(str(b) for b in body.encode()) + "]"
    go_masked = "[" + " ".join(str(b) for b in masked_body.encode()) + "]"
    assert mask1(masker, f"publish body={go} topic=order") == (
        f"publish body={go_masked} topic=order"
    )
    # Nothing inside to mask: the array stays as it was.
    ping = _java_bytes('{"type":"ping"}')
    assert mask1(masker, f"body={ping}") == f"body={ping}"


def test_a_protobuf_text_message_is_masked_and_stays_octal_escaped(masker: Masker) -> None:
    # protobuf's text format (a gRPC interceptor logging a request; Go's %v of a message;
    # Python's text_format) writes every byte >= 0x80 as an octal escape: the name
    # 张伟 and the address went out as \345\274\240\344\274\237 and so on.
    line = (
        r'2026-11-26 10:00:01 INFO grpc req=user_id:7 real_name:"\345\274\240\344\274\237" '
        r'mobile:"13812341050" address:"\346\265\231\346\261\237\347\234\201\346\235\255'
        r"\345\267\236\345\270\202\350\245\277\346\271\226\345\214\272\346\226\207"
        r'\344\270\211\350\267\25790\345\217\267"'
    )
    # 张 is \345\274\240 and 浙江省杭州市西湖区 its nine characters, as UTF-8 in octal.
    assert mask1(masker, line) == (
        r'2026-11-26 10:00:01 INFO grpc req=user_id:7 real_name:"\345\274\240*" '
        r'mobile:"******1050" address:"\346\265\231\346\261\237\347\234\201\346\235\255'
        r'\345\267\236\345\270\202\350\245\277\346\271\226\345\214\272****"'
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("receiver_name=Zhang Wei city=HZ", "receiver_name=Zhang *** city=HZ"),
        (
            "User(realName=Zhang Wei, address=Room 401, No. 90 Wensan Road, city=Hangzhou)",
            "User(realName=Zhang ***, address=****, city=Hangzhou)",
        ),
        ("address=Room 401, No. 90 Wensan Road, Xihu District", "address=****"),
        ("address=Room 401&x=1", "address=****&x=1"),
        # a query string's value ends at the space before the protocol
        (
            'GET /o?address=%E6%9D%AD%E5%B7%9E%E5%B8%82%E8%A5%BF%E6%B9%96%E5%8C%BA1 HTTP/1.1"',
            'GET /o?address=%E6%9D%AD%E5%B7%9E%E5%B8%82%E8%A5%BF%E6%B9%96%E5%8C%BA**** HTTP/1.1"',
        ),
        # a password is one word: what follows it is the log's own text
        ("password=s3cret login ok", "password=****** login ok"),
    ],
)
def test_a_name_or_address_in_words_is_masked_to_the_next_key(
    masker: Masker, line: str, expected: str
) -> None:
    # key=value readers stop at the first space: "Wei" and "No. 90 Wensan Road" went out.
    assert mask1(masker, line) == expected


def test_e_commerce_delivery_keys_are_sensitive(masker: Masker) -> None:
    # Shipping fields of order APIs: an English address, a Latin name and a foreign number
    # under them are found by no recognizer, only by their keys.
    line = (
        '{"shippingAddress":"Room 401, No. 90 Wensan Road","consigneeName":"Zhang Wei",'
        '"consignee_mobile":"+1 415 555 0100","收件人":"Li Na","配送地址":"Flat 2, 8 Queen St"}'
    )
    assert mask1(masker, line) == (
        '{"shippingAddress":"****","consigneeName":"Zhang ***",'
        '"consignee_mobile":"******0100","收件人":"Li **","配送地址":"****"}'
    )


def test_words_after_stops_before_the_next_key() -> None:
    line = "a=x y, z b=1 c:2"
    (first, *_) = key_spans(line, "kv")
    widened = words_after(line, first)
    assert line[widened.start : widened.end] == "x y, z"
    assert words_after("a=x", KeySpan("a", 2, 3, bare=True)).end == 3


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[a-z]{1,8}", fullmatch=True),
            st.lists(st.from_regex(r"[A-Za-z0-9.]{1,6}", fullmatch=True), min_size=1, max_size=4),
        ),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from([" ", ", ", "&"]),
)
def test_widened_values_never_reach_the_next_key(
    pairs: list[tuple[str, list[str]]], separator: str
) -> None:
    line = separator.join(f"{key}={' '.join(words)}" for key, words in pairs)
    spans = key_spans(line, "kv")
    keys_at = [m.start() for m in re.finditer(r"(?<![\w.\-])[a-z]{1,8}=", line)]
    for span in spans:
        widened = words_after(line, span)
        assert widened.start == span.start
        assert widened.end >= span.end
        assert not any(span.start < at < widened.end for at in keys_at)


def test_python_bytes_literals_are_masked_inside_their_quotes(masker: Masker) -> None:
    # Only the b was masked, and 'hunter22' went out beside it.
    line = (
        "kwargs={'password': b'hunter22'} password=b'hunter22' "
        "name=b'\\xe5\\xbc\\xa0\\xe4\\xbc\\x9f'"
    )
    assert mask1(masker, line) == (
        "kwargs={'password': b'******'} password=b'******' name=b'\\xe5\\xbc\\xa0*'"
    )


def test_byte_escapes_are_written_back_in_their_own_case(masker: Masker) -> None:
    line = r"body=mobile=13812341050&name=\xe5\xbc\xa0\xe4\xbc\x9f"
    assert mask1(masker, line) == r"body=mobile=******1050&name=\xe5\xbc\xa0*"


def test_nginx_line_keeps_everything_but_the_values(masker: Masker) -> None:
    line = (
        '10.0.0.1 - - [17/May/2024:10:00:00 +0800] "GET /api?phone=13812341050&page=2 '
        'HTTP/1.1" 200 512 "-" "Mozilla/5.0"'
    )
    out = Masker("display", fmt="nginx").mask_lines([line])[0]
    assert out == line.replace("13812341050", "******1050").replace("10.0.0.1", "10.0.*.*")


def test_logfmt_values(masker: Masker) -> None:
    line = "user=alice phone=\"138 1234 5678\" note='hi there' password=hunter2 token=abc"
    assert mask1(masker, line) == (
        "user=alice phone=\"******5678\" note='hi there' password=****** token=******"
    )


def test_already_masked_values_are_left_alone(masker: Masker) -> None:
    lines = [
        '{"phone": "******1050", "password": "******", "email": "tt**@1**.com"}',
        "phone=<CN_MOBILE> mobile=138****1050",
    ]
    assert masker.mask_lines(lines) == lines


def test_mask_lines_is_idempotent(masker: Masker) -> None:
    lines = [
        '{"user": {"phone": "13812341050", "email": "tt@163.com"}, "n": 1}',
        "GET /a?email=tt%40163.com&phone=13812341050",
        "password=hunter2 电话0571-88881123 收件人张三",
        '{"note": "联系人手机13912345678", "idno": "11010519491231002X"}',
        # Compound surnames: the display mask keeps them (欧阳**), and 欧阳 alone was then
        # read as a name and masked again (欧***).
        '收件人欧阳娜娜电话13812341050 {"realName": "司马相如"} consignee=上官婉儿, city=杭州',
    ]
    once = masker.mask_lines(lines)
    assert once != lines
    assert masker.mask_lines(once) == once


def test_batch_reads_the_keys_single_lines_read(masker: Masker) -> None:
    """A batch (keys picked out in polars) masks as each line alone (every line read).

    Lines with a bare JSON number are read only when they have a finding: a finding in
    a number still becomes a string, a number without one is left as it was.
    """
    lines = [
        '{"n": 13812341050, "ts": 1715911200000}',  # a finding in a bare number
        '{"ts": 1715911200000, "qty": 20240517}',  # bare numbers, no finding
        '{"order": {"amount": 138123, "phone": "tbd"}}',  # a sensitive key, no pattern
        "SET timestamp=1715911200; SELECT 1 FROM t WHERE id = 13812341050",
        "password=hunter2 ts=1715911200000",
        "[1715911200000, 13912345678]",
        "plain text without keys 13812341050",
    ] * 3
    assert len(lines) >= 16  # the polars selection, not the small-batch path
    batch = masker.mask_lines(lines)
    assert batch == [masker.mask_lines([line])[0] for line in lines]
    assert json.loads(batch[0]) == {"n": "******1050", "ts": 1715911200000}
    assert batch[1] == lines[1]
    assert json.loads(batch[2]) == {"order": {"amount": 138123, "phone": "******"}}


@pytest.mark.parametrize(
    "line",
    [
        "地址：浙江省杭州市西湖区文三路90号1幢",
        '{"address": "浙江省杭州市西湖区文三路90号1幢"}',
        JSON_LINE,
    ],
)
def test_mask_lines_is_idempotent_for_addresses(masker: Masker, line: str) -> None:
    once = mask1(masker, line)
    assert "浙江省杭州市西湖区****" in once
    assert mask1(masker, once) == once


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"password": []}', {"password": []}),
        ('{"password": {}}', {"password": {}}),
        ('{"token": [1]}', {"token": ["******"]}),
        ('{"password": ["hunter2"]}', {"password": ["******"]}),
    ],
)
def test_container_under_credential_key_stays_valid_json(
    masker: Masker, line: str, expected: Any
) -> None:
    assert json.loads(mask1(masker, line)) == expected


def test_csv_quoted_fields_keep_their_number(masker: Masker) -> None:
    line = (
        '2,"备注: 他说""电话13812341050"", 收件",'
        '"浙江省杭州市西湖区文三路90号1幢, 2单元",tt@163.com,x'
    )
    out = mask1(masker, line)
    before = next(csv.reader(io.StringIO(line)))
    after = next(csv.reader(io.StringIO(out)))
    assert len(after) == len(before) == 5
    assert after == [
        "2",
        '备注: 他说"电话******1050", 收件',
        "浙江省杭州市西湖区****, 2单元",
        "tt**@1**.com",
        "x",
    ]


def test_format_selection() -> None:
    line = '{"phone": "tbd"}'
    assert Masker("display", fmt="plain").mask_lines([line]) == [line]
    assert Masker("display", fmt="json").mask_lines([line]) == ['{"phone": "******"}']
    kv = "buyer_phone=tbd"
    assert Masker("display", fmt="json").mask_lines([kv]) == [kv]
    assert Masker("display", fmt="kv").mask_lines([kv]) == ["buyer_phone=******"]
    assert Masker("display", fmt="logfmt").mask_lines([kv]) == ["buyer_phone=******"]


def test_mask_lines_counts_by_key(masker: Masker) -> None:
    m = Masker("display")
    m.mask_lines(['{"phone": "tbd", "password": "x"}'])
    assert m.stats["by_key"] == 2
    assert m.stats["entity:CN_MOBILE"] >= 1


def test_mask_record_reads_a_value_under_the_field_its_object_names() -> None:
    """A form payload as a dict ({"name": "密码", "value": …}, DingTalk's and Feishu's
    approval widgets) went through mask_record with "value" as the key: the password and
    the bare name were kept, which mask_lines masks in the same JSON as text."""
    record = {
        "form": [
            {"name": "姓名", "value": "王芳"},
            {"name": "密码", "value": "abc123"},
            {"name": "事由", "value": "出差"},
        ],
        "attrs": [{"key": "password", "value": "S3cr3t!pw"}, {"key": "vip", "value": 3}],
    }
    # Display masks by hand: a name keeps its surname, a password is six stars.
    assert Masker().mask_record(record) == {
        "form": [
            {"name": "姓名", "value": "王*"},
            {"name": "密码", "value": "******"},
            {"name": "事由", "value": "出差"},
        ],
        "attrs": [{"key": "password", "value": "******"}, {"key": "vip", "value": 3}],
    }


def test_mask_record_keeps_order_and_turns_numbers_to_strings() -> None:
    m = Masker("display")
    record = {"id": 7, "phone": 13812341050, "note": "邮箱 tt@163.com", "ok": True, "z": None}
    out = m.mask_record(record)
    assert list(out) == list(record)
    assert out == {
        "id": 7,
        "phone": "******1050",
        "note": "邮箱 tt**@1**.com",
        "ok": True,
        "z": None,
    }
    assert record["phone"] == 13812341050  # the input is not modified


# -- property: generated personal data in random JSON -------------------------------------

_PERSONAL = {
    "CN_MOBILE": g.mobile,
    "CN_LANDLINE": g.landline,
    "CN_ID_CARD": g.id_card,
    "BANK_CARD": g.bank_card,
    "EMAIL_ADDRESS": g.email,
    "CN_ADDRESS": g.address,
    "CN_NAME": g.chinese_name,
    "IP_ADDRESS": g.ipv4,
}


@st.composite
def _personal_text(draw: st.DrawFn) -> str:
    entity = draw(st.sampled_from(sorted(_PERSONAL)))
    value = _PERSONAL[entity](random.Random(draw(st.integers(0, 2**32))))
    prefix = draw(st.sampled_from(["", "手机 ", "联系人：", "addr=", 'say "', "a\\b "]))
    suffix = draw(st.sampled_from(["", "，谢谢", " ok", '"', "\n", "\t"]))
    return prefix + value + suffix


_LEAF = (
    _personal_text()
    | st.text(max_size=12)
    | st.integers(-(10**5), 10**5)
    | st.booleans()
    | st.none()
)
_KEY = st.sampled_from(
    ["phone", "mobile", "email", "real_name", "id_card", "address", "password", "note", "msg"]
) | st.from_regex(r"[a-z][a-z_]{0,9}", fullmatch=True)
_DOC = st.dictionaries(
    _KEY,
    st.recursive(
        _LEAF,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEY, inner, max_size=3),
        max_leaves=10,
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_DOC, ascii_only=st.booleans(), compact=st.booleans())
def test_masked_json_lines_stay_valid(
    masker: Masker, doc: dict[str, Any], ascii_only: bool, compact: bool
) -> None:
    separators = (",", ":") if compact else (", ", ": ")
    line = json.dumps(doc, ensure_ascii=ascii_only, separators=separators)
    out = mask1(masker, line)
    after = json.loads(out)  # valid JSON
    assert _shape(after) == _shape(doc)  # same keys, same order, same nesting
    # nothing outside the values changed
    ranges = [(s.start, s.end) for s in key_spans(line, "json")]
    assert _outside(line, ranges).fullmatch(out)


def test_batch_selection_of_long_and_dotted_keys(masker: Masker) -> None:
    """Keys up to kv.py's 64 characters, dotted paths and longer words, in a batch."""
    long_key = "a" * 70
    lines = [
        "user.profile.phone=tbd",  # a dotted key is its last part: a sensitive key
        f"{'x' * 60}_password=hunter2",  # 69 characters: no key to kv.py (SECRET finds it)
        f"{long_key}=13812341050",  # too long a key: its value is still a finding
        f"{'k' * 64}=tbd",  # 64 characters: a key, not a sensitive one
    ] * 5
    batch = masker.mask_lines(lines)
    assert batch == [masker.mask_lines([line])[0] for line in lines]
    assert batch[:4] == [
        "user.profile.phone=******",
        f"{'x' * 60}_password=******",
        f"{long_key}=******1050",
        f"{'k' * 64}=tbd",
    ]


# -- XML elements and HTML-escaped JSON ----------------------------------------------------

SOAP = (
    "<request><custName>张伟</custName><mobile>13812341050</mobile>"
    "<password>abc123</password><ns:AcctNo>6217000010012345674</ns:AcctNo>"
    "<city>杭州</city></request>"
)


def test_xml_elements_holding_text_are_key_spans() -> None:
    assert spans(SOAP) == [
        ("custName", "张伟", "xml"),
        ("mobile", "13812341050", "xml"),
        ("password", "abc123", "xml"),
        ("AcctNo", "6217000010012345674", "xml"),  # the namespace prefix is dropped
        ("city", "杭州", "xml"),
    ]
    assert spans("<a><b>x</c></a> 1 < 2") == []  # no element closes with its own name


def test_xml_values_are_masked_by_key_and_tags_stay_valid_xml(masker: Masker) -> None:
    """A bank-interface log: the password and an account number that fails Luhn went out
    as they were (no pattern finds them; only their element names say what they are)."""
    import xml.etree.ElementTree as ET

    masked = mask1(masker, SOAP)
    # Written by hand from the display rules (names keep the surname, cards 6 + 4, secrets
    # become six stars, a mobile its last 4).
    assert masked == (
        "<request><custName>张*</custName><mobile>******1050</mobile>"
        "<password>******</password><ns:AcctNo>621700*********5674</ns:AcctNo>"
        "<city>杭州</city></request>"
    )
    # In a stream's batches too (the filter's): the prefilter that picks the lines whose
    # keys are read did not know closing tags, and these values went out as they were.
    assert masker.mask_lines([SOAP] * 40) == [masked] * 40
    chinese = "<客户><姓名>张三</姓名><收货地址>西溪湿地东门</收货地址></客户>"
    assert set(masker.mask_lines([chinese] * 40)) == {
        "<客户><姓名>张*</姓名><收货地址>****</收货地址></客户>"
    }
    strict = mask1(Masker("strict"), SOAP.replace("ns:", ""))
    assert "<mobile>&lt;CN_MOBILE&gt;</mobile>" in strict
    assert [e.tag for e in ET.fromstring(strict)] == [
        "custName", "mobile", "password", "AcctNo", "city"
    ]  # fmt: skip


def test_json_written_into_html_is_masked_by_key(masker: Masker) -> None:
    line = (
        '<div data-user="{&quot;name&quot;:&quot;张伟&quot;,'
        '&quot;pwd&quot;:&quot;s3&amp;cret&quot;}">'
    )
    assert mask1(masker, line) == (
        '<div data-user="{&quot;name&quot;:&quot;张*&quot;,&quot;pwd&quot;:&quot;******&quot;}">'
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20)), max_size=8),
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20)), min_size=1, max_size=8),
)
def test_outer_spans_holding_an_inner_one_give_way(
    outer: list[tuple[int, int]], inner: list[tuple[int, int]]
) -> None:
    from dataguard.mask.kv import _not_holding

    outer_spans = [KeySpan("o", a, a + n) for a, n in outer]
    inner_spans = [KeySpan("i", a, a + n) for a, n in inner]
    holds = [  # the definition, pair by pair
        o
        for o in outer_spans
        if not any(o.start <= i.start and i.end <= o.end for i in inner_spans)
    ]
    assert _not_holding(outer_spans, inner_spans) == holds


# -- key: value and Chinese labels ---------------------------------------------------------


def test_colon_labels_are_keys() -> None:
    assert spans("收货地址：文三路90 手机:138 address: Room 401 请求地址：/api/v1", "kv") == [
        ("收货地址", "文三路90", "raw"),
        ("手机", "138", "raw"),
        ("address", "Room", "raw"),
        ("请求地址", "/api/v1", "raw"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "see http://example.com at 12:30:00",  # no space after the colon: no key
        "订单收货地址是文三路",  # no colon
        "Authorization: Bearer abc",  # the detector reads these headers whole
        "Cookie: a=1",
    ],
)
def test_what_is_no_colon_label(line: str) -> None:
    assert [k for k, _, _ in spans(line, "kv") if k not in ("a",)] == []


def test_a_pair_holding_a_colon_label_is_the_outer_span() -> None:
    # The label's value too: masked as the label alone, the value after it went out
    # (db.password=password: hunter2 → db.password=****** hunter2).
    assert spans("note=a: b", "kv") == [("note", "a: b", "raw")]
    assert spans("db.password = password: hunter2 x", "kv") == [
        ("db.password", "password: hunter2", "raw")
    ]
    assert spans('msg: {"phone": "138"}', "kv") == [("phone", "138", "string")]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # An address no recognizer reads as one (no 号, a landmark), under its label.
        ("收货地址：文三路90", "收货地址：****"),
        ('收货地址："文三路90"', '收货地址："****"'),
        ("address: 'Room 401'", "address: '****'"),
        ("地址：西溪湿地东门 保安室", "地址：**** 保安室"),
        # A mistyped ID number (bad check character) is still someone's.
        ("身份证：44030519911010281x 校验失败", "身份证：4****************x 校验失败"),
        (
            "address: Room 1502, No. 90 Wensan Road, Xihu District, Hangzhou",
            "address: ****",
        ),
        # Only a label that is a sensitive key, whole: 请求地址 is a request's URL.
        ("请求地址：/api/v1/user", "请求地址：/api/v1/user"),
        ("时间：12:30:00 用户：admin", "时间：12:30:00 用户：admin"),
        # The value ends at a full-width bracket: what follows is the log's own words.
        (
            "投保人：邹丽 被保险人：邹小明（子女）出生日期：2018-05-01",
            "投保人：邹* 被保险人：邹**（子女）出生日期：2018-05-01",
        ),
        ("ERROR: connection refused", "ERROR: connection refused"),
    ],
)
def test_values_under_colon_labels_are_masked_by_their_keys(
    masker: Masker, line: str, expected: str
) -> None:
    assert mask1(masker, line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("phone=+1 415 555 0100 status=ok", "phone=******0100 status=ok"),
        ("receiver_phone: +44 20 7946 0958", "receiver_phone: ******0958"),
        ("phone=138 12:00", "phone=****** 12:00"),  # a time is no digit group
    ],
)
def test_a_phone_written_in_groups_is_masked_whole_by_its_key(
    masker: Masker, line: str, expected: str
) -> None:
    # key=value readers stop at the first space: "415 555 0100" went out.
    assert mask1(masker, line) == expected


def test_many_labels_and_pairs_on_one_huge_line_stay_fast_and_disjoint() -> None:
    line = " ".join(f"k{i}=v{i} 地址：文三路{i}" for i in range(5000))
    found = key_spans(line, "kv")
    assert len(found) == 10000
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_sql_and_template_placeholders_come_out_as_they_were(masker: Masker) -> None:
    lines = [
        "==>  Preparing: UPDATE t_user SET real_name=?, mobile=?, id_card=? WHERE id=?",
        "WHERE real_name = #{realName} AND mobile=#{mobile}",
        "spring.datasource.password=${DB_PASSWORD}",
    ]
    assert masker.mask_lines(lines) == lines
    assert mask1(masker, "password: ${DB_PASSWORD:s3cret}") == "password: ${DB_PASSWORD:******}"


def test_python_dict_reprs_are_read_by_their_keys() -> None:
    line = "payload={'password': 'hunter2', 'note': \"it's 5\", 'n': 42, 'b': b'x'} done"
    assert spans(line, "kv") == [
        ("password", "hunter2", "raw"),
        ("note", "it's 5", "raw"),
        ("n", "42", "number"),
        ("b", "x", "raw"),
    ]
    assert spans("it's a 'test', isn't it? 'a' :-)", "kv") == []


def test_xml_elements_with_chinese_names_are_read() -> None:
    assert spans("<客户><姓名>张三</姓名><地址>西溪湿地东门</地址></客户>", "kv") == [
        ("姓名", "张三", "xml"),
        ("地址", "西溪湿地东门", "xml"),
    ]


def test_values_under_python_and_xml_keys_are_masked(masker: Masker) -> None:
    line = "{'password': 'hunter2', 'address': 'Room 5, No. 9 Road', 'remark': 'hi'}"
    assert mask1(masker, line) == "{'password': '******', 'address': '****', 'remark': 'hi'}"
    assert mask1(masker, "{'地址': '西溪湿地东门'}") == "{'地址': '****'}"
    assert mask1(masker, "<地址>西溪湿地东门</地址>") == "<地址>****</地址>"


# A WeChat Pay notification: every value in a CDATA section.
WECHAT_PAY = (
    "<xml><appid><![CDATA[wx2421b1c4370ec43b]]></appid>"
    "<password><![CDATA[Hunter2x]]></password><realname><![CDATA[张三丰]]></realname>"
    "<address><![CDATA[Room 401, No. 8 Lane]]></address><note><![CDATA[a<b & c]]></note></xml>"
)


def test_cdata_sections_are_values_of_their_elements() -> None:
    assert spans(WECHAT_PAY, "kv") == [
        ("appid", "wx2421b1c4370ec43b", "raw"),  # raw text: CDATA escapes nothing
        ("password", "Hunter2x", "raw"),
        ("realname", "张三丰", "raw"),
        ("address", "Room 401, No. 8 Lane", "raw"),
        ("note", "a<b & c", "raw"),
    ]


@pytest.mark.parametrize("lines", [1, 40])
def test_values_in_cdata_sections_are_masked_by_key(lines: int) -> None:
    """The password, the name and the address of a WeChat Pay notification went out as
    they were: the element reading stopped at the CDATA section's ``<``."""
    masked = Masker().mask_lines([WECHAT_PAY] * lines)
    # Written by hand from the display rules (secrets six stars, names keep the surname,
    # addresses in words hidden whole).
    expected = (
        "<xml><appid><![CDATA[wx2421b1c4370ec43b]]></appid>"
        "<password><![CDATA[******]]></password><realname><![CDATA[张**]]></realname>"
        "<address><![CDATA[****]]></address><note><![CDATA[a<b & c]]></note></xml>"
    )
    assert masked == [expected] * lines


def test_keys_inside_a_json_string_are_read() -> None:
    """Docker's json-file driver wraps each line: {"log":"… address=…\\n"}."""
    line = (
        '{"log":"update address=Room 401 idcard=44030519911010281x '
        '\\u6536\\u8d27\\u5730\\u5740\\uff1a\\u897f\\u6eaa ok\\n","stream":"stdout"}'
    )
    (log, stream) = key_spans(line, "json")
    assert (stream.key, stream.inner) == ("stream", ())
    assert [(s.key, line[s.start : s.end], s.kind) for s in log.inner] == [
        ("address", "Room", "string"),
        ("idcard", "44030519911010281x", "string"),
        ("收货地址", "\\u897f\\u6eaa", "string"),
    ]
    escaped = '{"msg":"{\\"password\\":\\"hunter2\\",\\"n\\":\\"\\ud83d\\ude00 a=1\\"}"}'
    (msg,) = key_spans(escaped, "json")
    assert [(s.key, escaped[s.start : s.end]) for s in msg.inner] == [
        ("password", "hunter2"),
        ("n", "\\ud83d\\ude00 a=1"),
    ]


def test_a_log_line_wrapped_in_json_is_masked_by_its_keys(masker: Masker) -> None:
    lines = [
        '{"log":"update address=Room 401, No. 90 Wensan Road idcard=44030519911010281x '
        '\\u6536\\u8d27\\u5730\\u5740\\uff1a\\u897f\\u6eaa\\u6e7f\\u5730 ok\\n","stream":"stdout"}',
        '{"password":"a=b c: d","msg":"{\\"pwd\\":\\"x=1\\",\\"address\\":\\"Room 5\\"}"}',
    ]
    assert masker.mask_lines(lines) == [
        '{"log":"update address=**** idcard=4****************x '
        '\\u6536\\u8d27\\u5730\\u5740\\uff1a**** ok\\n","stream":"stdout"}',
        # A sensitive key's string is masked whole, not read inside.
        '{"password":"******","msg":"{\\"pwd\\":\\"******\\",\\"address\\":\\"****\\"}"}',
    ]
    for out in masker.mask_lines(lines):
        json.loads(out)
    # A big batch picks the lines whose keys it reads in polars first: an escaped key
    # (\"pwd\":) and an escaped label (\u5730\u5740\uff1a) are keys too.
    assert masker.mask_lines(lines * 20) == masker.mask_lines(lines) * 20
    escaped_label = '{"message": "\\u6536\\u8d27\\u5730\\u5740\\uff1a\\u897f\\u6eaa\\u6e7f"}'
    assert (
        masker.mask_lines([escaped_label] * 20)
        == ['{"message": "\\u6536\\u8d27\\u5730\\u5740\\uff1a****"}'] * 20
    )


def test_a_status_after_a_colon_is_no_value(masker: Masker) -> None:
    # The message says what happened to the value: masked, it lost what went wrong.
    assert spans("登录失败 密码：错误 auth: success token: Expired", "kv") == []
    lines = ["登录失败 密码：错误", "auth: success", "token: expired, retry", "密码：Abc123x"]
    assert masker.mask_lines(lines) == [*lines[:3], "密码：******"]


def test_an_address_after_ship_to_is_masked(masker: Masker) -> None:
    lines = [
        "Ship to: Room 1502, No. 90 Wensan Road, Xihu District, Hangzhou",
        "Bill To: 5 Chang An Avenue, Beijing; tel 0571-88881123",
    ]
    expected = ["Ship to: ****", "Bill To: ****; tel 0571-*****123"]
    assert masker.mask_lines(lines) == expected
    # A big batch picks the lines whose keys it reads in polars first.
    assert masker.mask_lines(lines * 20) == expected * 20


def test_the_name_of_a_real_name_verification_request_is_masked(masker: Masker) -> None:
    """Alipay's and WeChat's face and ID checks send the certificate's name beside its
    number: the number was masked by its shape, the name went out."""
    line = "实名认证 request: certName=王菲&certNo=11010119900307451X&bizCode=FACE"
    assert mask1(masker, line) == (
        "实名认证 request: certName=王*&certNo=1****************X&bizCode=FACE"
    )
    assert mask1(masker, '{"id_card_name":"王菲"}') == '{"id_card_name":"王*"}'


# A coloured console log (logrus, Spring Boot, Docker Compose): colour codes around keys
# and values. ESC is written as \x1b.
COLOURED = (
    "\x1b[36mINFO\x1b[0m[0000] login ok  \x1b[36mpassword\x1b[0m=Hunter2x "
    "\x1b[36maddress\x1b[0m=Room 401, No. 8 Lane \x1b[36muser\x1b[0m=bob "
    "phone=\x1b[1m13812341050\x1b[0m 收货地址：\x1b[1m西溪湿地东门\x1b[0m"
)


def test_keys_are_read_through_colour_codes() -> None:
    assert spans(COLOURED, "kv") == [
        ("password", "Hunter2x", "raw"),
        ("address", "Room", "raw"),  # words_after widens it, as without colours
        ("user", "bob", "raw"),
        ("phone", "13812341050", "raw"),  # not the colour code before it
        ("收货地址", "西溪湿地东门", "raw"),
    ]


@pytest.mark.parametrize("lines", [1, 40])
def test_colour_codes_survive_masking(lines: int) -> None:
    """The colour code after ``phone=`` was read as the value and masked
    (``phone=******[1m******5678``: the terminal showed garbage), and in a stream's batches
    a key wrapped in colour codes was not read at all (the address went out)."""
    masked = Masker().mask_lines([COLOURED] * lines)
    # Written by hand from the display rules; every colour code kept.
    expected = (
        "\x1b[36mINFO\x1b[0m[0000] login ok  \x1b[36mpassword\x1b[0m=****** "
        "\x1b[36maddress\x1b[0m=**** \x1b[36muser\x1b[0m=bob "
        "phone=\x1b[1m******1050\x1b[0m 收货地址：\x1b[1m****\x1b[0m"
    )
    assert masked == [expected] * lines


# Values no shape finds alone: a two-character name, an address without its divisions,
# an account without a Luhn digit, a code.
_PINYIN_VALUES = {
    "xm": "刘备",
    "lxr": "张飞",
    "jtzz": "人民南路四段1号3栋502",
    "yhzh": "1234567890123",
    "yzm": "8842",
}


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_pinyin_initial_keys_mask_their_values(masker: Masker, lines: int) -> None:
    """Government, hospital and state-enterprise systems name fields by pinyin initials
    (xm 姓名, lxr 联系人, jtzz 家庭住址); their values went out as they were."""
    record = json.dumps(_PINYIN_VALUES, ensure_ascii=False)
    query = "&".join(f"{k}={v}" for k, v in _PINYIN_VALUES.items())
    bracketed = " ".join(f"{k}[{v}]" for k, v in _PINYIN_VALUES.items())  # a Java template
    labelled = "，".join(f"{k}：{v}" for k, v in _PINYIN_VALUES.items())
    forms = (record, "GET /api/register?" + query, f"INFO {query.replace('&', ' ')}")
    for line in (*forms, bracketed, labelled):
        for masked in masker.mask_lines([line] * lines):
            for value in _PINYIN_VALUES.values():
                assert value not in masked, (line, masked)


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_character_references_and_javascript_escapes_are_masked_in_their_own_form(
    masker: Masker, lines: int
) -> None:
    """XML written in an ASCII encoding and legacy front ends' escape() sent names, phones
    and addresses as &#24352; and %u5F20: they went out as they were."""
    cases = {
        # Display masks by hand, each replacement written the way its value was.
        "<realName>&#24352;&#19977;&#20016;</realName><tel>&#49;&#51;&#56;&#49;&#50;&#51;"
        "&#52;&#49;&#48;&#53;&#48;</tel>": "<realName>&#24352;**</realName><tel>******1050</tel>",
        "<span>收货人：&#x674E;&#x56DB;</span> 电话：&#x31;&#x33;&#x39;12345678": (
            "<span>收货人：&#x674E;*</span> 电话：******5678"
        ),
        "name=%u5F20%u4E09&tel=13812341050&addr=%u5317%u4EAC%u5E02%u671D%u9633%u533A%u5EFA"
        "%u56FD%u8DEF88%u53F7": "name=%u5F20*&tel=******1050&addr=%u5317%u4EAC%u5E02%u671D"
        "%u9633%u533A****",
    }
    for line, expected in cases.items():
        assert masker.mask_lines([line] * lines) == [expected] * lines


_VCARDS = {
    # vCard 3.0 (RFC 6350 §6.2.1-6.2.2), and 2.1 in quoted-printable as Android exports it.
    "FN:张三丰": "FN:张**",
    "item1.FN;CHARSET=UTF-8:欧阳娜娜": "item1.FN;CHARSET=UTF-8:欧阳**",
    "N:张;三丰;;;": "N:张;**;;;",
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0;=E4=B8=89=E4=B8=B0;;;": (
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0;**;;;"
    ),
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0=E4=B8=89=E4=B8=B0": (
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0**"
    ),
    "ORG:中国移动客服": "ORG:中国移动客服",
}


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_a_contacts_exports_names_are_masked(masker: Masker, lines: int) -> None:
    """A .vcf through the filter kept every FN and N: the phones and addresses were
    masked, the names they belong to were not."""
    for line, expected in _VCARDS.items():
        assert masker.mask_lines([line] * lines) == [expected] * lines, line


def _b_word(text: str, charset: str = "UTF-8") -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_a_display_name_in_a_mime_encoded_word_is_masked_and_stays_one(
    masker: Masker, lines: int
) -> None:
    """Mail headers carry a name outside ASCII as an RFC 2047 encoded-word: in a mail
    server's log the address was masked and the name beside it went out."""
    cases = {
        f"postfix/cleanup: header From: {_b_word('张三丰')} <zsf@example.com> from x": (
            f"postfix/cleanup: header From: {_b_word('张**')} <zs**@e**.com> from x"
        ),
        f"To: {_b_word('张三', 'GB2312')} <zs@example.cn>": (
            f"To: {_b_word('张*', 'GB2312')} <zs**@e**.cn>"
        ),
        "From: =?utf-8?Q?=E6=9D=8E=E5=9B=9B?= <lisi@qq.com>": (
            "From: =?utf-8?Q?=E6=9D=8E*?= <li**@q**.com>"
        ),
        f"Subject: {_b_word('订单号')}": f"Subject: {_b_word('订单号')}",
    }
    for line, expected in cases.items():
        assert masker.mask_lines([line] * lines) == [expected] * lines


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_a_local_number_under_a_landline_key_is_masked(masker: Masker, lines: int) -> None:
    """HR, CRM and enterprise-registry exports write an office, home or fax number
    without its area code; under 座机, 办公电话, 传真 or office_tel it went out as it was."""
    cases = {
        # Landline display mask (Ele.me 8.4) by hand: the last 3 digits, separators and the
        # area code kept, an extension masked whole.
        "办公电话：6234-5678": "办公电话：****-*678",
        "座机: 8888123": "座机: ****123",
        '{"fax": "62345678", "office_tel": "88881234"}': (
            '{"fax": "*****678", "office_tel": "*****234"}'
        ),
        '{"home_phone":"62345678转801"}': '{"home_phone":"*****678转***"}',
        "company_tel=0571-88885678 gddh=62345678": "company_tel=0571-*****678 gddh=*****678",
        "传真：0571-88885678": "传真：0571-*****678",
    }
    assert_masks(masker, cases, lines)


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_xml_that_names_its_fields_in_an_attribute_is_masked_by_that_name(
    masker: Masker, lines: int
) -> None:
    """Solr documents, report formats, Java's properties XML, Spring and .NET configs
    name a value in a name or key attribute: the element's own name (field, column,
    entry, add) says nothing, and names, passwords and tokens went out as they were."""
    cases = {
        # Display masks by hand: a name keeps its surname, a password is six stars.
        '<doc><field name="xm">郑爽</field><field name="city">杭州</field></doc>': (
            '<doc><field name="xm">郑*</field><field name="city">杭州</field></doc>'
        ),
        '<column name="XM">冯小刚</column><column name="MOBILE">13812341050</column>': (
            '<column name="XM">冯**</column><column name="MOBILE">******1050</column>'
        ),
        '<entry key="password">S3cr3t!pw</entry>': '<entry key="password">******</entry>',
        "<entry key='token'><![CDATA[abc123def456]]></entry>": (
            "<entry key='token'><![CDATA[******]]></entry>"
        ),
        '<add key="DbPassword" value="S3cr3t!pw" />': '<add key="DbPassword" value="******" />',
        '<property name="password" value="S3cr3t!pw"/>': (
            '<property name="password" value="******"/>'
        ),
        '<param name="realName">冯小刚</param>': '<param name="realName">冯**</param>',
        # Windows event XML and settings files capitalise the attributes.
        '<Data Name="TargetUserName">zs</Data><Data Name="Password">S3cr3t!pw</Data>': (
            '<Data Name="TargetUserName">zs</Data><Data Name="Password">******</Data>'
        ),
        '<add Key="Password" Value="S3cr3t!pw"/>': '<add Key="Password" Value="******"/>',
        # A placeholder is no value; other names are no keys.
        '<property name="password" value="${jdbc.password}"/>': (
            '<property name="password" value="${jdbc.password}"/>'
        ),
        '<add key="PasswordMinLength" value="8" /><a name="top">Top</a>': (
            '<add key="PasswordMinLength" value="8" /><a name="top">Top</a>'
        ),
    }
    assert_masks(masker, cases, lines)


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_a_value_is_read_under_the_field_name_its_object_gives_it(
    masker: Masker, lines: int
) -> None:
    """Approval and form payloads (DingTalk's form_component_values, Feishu's widgets,
    EAV attribute lists) name a field in one member and hold its value in another: a name
    and a password under "value" went out as they were."""
    cases = {
        # Display masks by hand: a name keeps its surname, a password is six stars, an
        # address without divisions is masked whole.
        '{"form_component_values":[{"name":"姓名","value":"李四"},'
        '{"name":"密码","value":"abc123"},{"name":"备注","value":"加急"}]}': (
            '{"form_component_values":[{"name":"姓名","value":"李*"},'
            '{"name":"密码","value":"******"},{"name":"备注","value":"加急"}]}'
        ),
        '{"widgets":[{"id":"w1","value":"王芳","type":"input","name":"联系人"}]}': (
            '{"widgets":[{"id":"w1","value":"王*","type":"input","name":"联系人"}]}'
        ),
        '{"attrs":[{"fieldName":"realName","fieldValue":"张三丰"},{"key":"age","value":35}]}': (
            '{"attrs":[{"fieldName":"realName","fieldValue":"张**"},{"key":"age","value":35}]}'
        ),
        # A value that is null, or an object, is no value; in a text line too.
        '{"key":"password","value":null}': '{"key":"password","value":null}',
        'INFO callback body={"name":"password","value":"S3cr3t!pw"} ok': (
            'INFO callback body={"name":"password","value":"******"} ok'
        ),
        'INFO form=[{"value":"文三路90号","name":"地址"},{"name":"城市","value":"杭州"}]': (
            'INFO form=[{"value":"****","name":"地址"},{"name":"城市","value":"杭州"}]'
        ),
    }
    assert_masks(masker, cases, lines)


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_a_social_security_number_is_masked_as_the_id_number_it_is(
    masker: Masker, lines: int
) -> None:
    """Social-security records name the insured's ID number 社会保障号码 (GB 11643 calls
    it 公民身份号码): one with a wrong check digit, which no pattern takes for an ID, went
    out as it was under those labels."""
    bad_check_digit = "110105199003074514"
    for label in ("社会保障号码", "公民身份号码", "社保号"):
        (out,) = set(
            masker.mask_lines([f"社保查询 {label}：{bad_check_digit} 参保地：北京市"] * lines)
        )
        # ID display mask by hand: the first and the last character kept.
        assert out == f"社保查询 {label}：1****************4 参保地：北京市"


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_a_key_value_rows_literals_are_read_key_then_value(masker: Masker, lines: int) -> None:
    """Statement logs and MyBatis write a key-value table's rows as literals, the key's
    right before the value's: the passwords and names of attr_value went out."""
    cases = {
        # Display masks by hand: a password six stars, a name its surname.
        "INSERT INTO t_user_attr (user_id, attr_key, attr_value) VALUES "
        "(1, 'real_name', '张三丰'), (1, 'password', 'S3cr3t!pw'), (1, 'vip', '3');": (
            "INSERT INTO t_user_attr (user_id, attr_key, attr_value) VALUES "
            "(1, 'real_name', '张**'), (1, 'password', '******'), (1, 'vip', '3');"
        ),
        # The key after another literal: each literal is the key of the next one.
        "INSERT INTO t VALUES (1, 'u7', 'db.password', 'S3cr3t!pw', 'x')": (
            "INSERT INTO t VALUES (1, 'u7', 'db.password', '******', 'x')"
        ),
        "==> Parameters: 1(Long), password(String), S3cr3t!pw(String), 2(Long)": (
            "==> Parameters: 1(Long), password(String), ******(String), 2(Long)"
        ),
        # A placeholder is no value; a literal after a non-key stays.
        "VALUES ('password', ?), ('site', 'shop')": "VALUES ('password', ?), ('site', 'shop')",
        # An UPDATE sets the value before its WHERE names the key.
        "UPDATE sys_config SET config_value = 'S3cr3t!pw' WHERE config_key = 'db.password';": (
            "UPDATE sys_config SET config_value = '******' WHERE config_key = 'db.password';"
        ),
        "update t_user_attr set attr_value='张三丰' where attr_key='real_name' and user_id=7": (
            "update t_user_attr set attr_value='张**' where attr_key='real_name' and user_id=7"
        ),
        "UPDATE sys_config SET config_value = '商城' WHERE config_key = 'site.title'": (
            "UPDATE sys_config SET config_value = '商城' WHERE config_key = 'site.title'"
        ),
    }
    assert_masks(masker, cases, lines)


def _ldif(attribute: str, value: str) -> str:
    """An LDIF line with its value in base64 (RFC 2849 §2)."""
    return f"{attribute}:: " + base64.b64encode(value.encode()).decode()


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_an_ldif_exports_base64_values_are_masked_and_stay_base64(
    masker: Masker, lines: int
) -> None:
    """LDAP and Active Directory exports write every value outside ASCII in base64
    (displayName:: 5byg5LiJ): a directory's names and phones went out, encoded but
    readable by anyone."""
    cases = {
        # Display masks by hand, encoded again: a name keeps its surname, a mobile its
        # last 4 digits, the words around it stay.
        _ldif("dn", "cn=张三,ou=销售部,dc=example,dc=com"): _ldif(
            "dn", "cn=张*,ou=销售部,dc=example,dc=com"
        ),
        _ldif("displayName", "张三丰"): _ldif("displayName", "张**"),
        _ldif("cn", "欧阳娜娜"): _ldif("cn", "欧阳**"),
        _ldif("description", "手机13812341050"): _ldif("description", "手机******1050"),
        # ASCII is written as it is in LDIF: base64 of it, or a C++ name, is no value.
        "objectClass:: " + base64.b64encode(b"person").decode(): (
            "objectClass:: " + base64.b64encode(b"person").decode()
        ),
        "using std::abcd": "using std::abcd",
    }
    assert_masks(masker, cases, lines)


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_springs_rejected_values_are_masked_under_their_field(masker: Masker, lines: int) -> None:
    """Spring logs every failed form or DTO validation as ``Field error in object … on field
    'password': rejected value [hunter2]; codes […]``: the refused name went out, and a
    refused password came out as ``'password': ****** value [hunter2]`` (the word
    ``rejected`` read as the value)."""
    head = "Field error in object 'form' on field"
    cases = {
        # Display masks by hand: a password six stars, a name its surname, an ID its first
        # and last characters (its check digit wrong: only the field says it is one).
        f"{head} 'password': rejected value [hunter2]; codes [Size.form.password]": (
            f"{head} 'password': rejected value [******]; codes [Size.form.password]"
        ),
        f"{head} 'realName': rejected value [张伟]; codes [Size]": (
            f"{head} 'realName': rejected value [张*]; codes [Size]"
        ),
        f"{head} 'contacts[0].name': rejected value [李娜]; codes [NotBlank]": (
            f"{head} 'contacts[0].name': rejected value [李*]; codes [NotBlank]"
        ),
        f"{head} 'idCard': rejected value [110105199003074514]; codes [Pattern]": (
            f"{head} 'idCard': rejected value [1****************4]; codes [Pattern]"
        ),
        # Nothing personal under another field, nor a null.
        f"{head} 'age': rejected value [-1]; codes [Min]": (
            f"{head} 'age': rejected value [-1]; codes [Min]"
        ),
        f"{head} 'realName': rejected value [null]; codes [NotNull]": (
            f"{head} 'realName': rejected value [null]; codes [NotNull]"
        ),
    }
    assert_masks(masker, cases, lines)


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_canals_column_types_are_kept_and_its_rows_masked(masker: Masker, lines: int) -> None:
    """Canal writes MySQL's binlog to Kafka as JSON, each column's type under its name
    (mysqlType, sqlType): masked as what the name says, ``varchar(32)`` became
    ``v**********`` and the consumer reading the types failed."""
    types = (
        '"mysqlType":{"id":"bigint","real_name":"varchar(32)","mobile":"char(11)"},'
        '"sqlType":{"id":-5,"real_name":12,"mobile":1}'
    )
    line = (
        '{"data":[{"id":"1","real_name":"张伟","mobile":"13812345678","pwd":"x9"}],'
        f'"database":"shop",{types},"old":[{{"real_name":"王芳"}}],"table":"t_user",'
        '"type":"UPDATE"}'
    )
    # Display masks by hand: a name keeps its surname, a mobile its last 4 digits, a
    # password six stars; the types as they were.
    expected = (
        '{"data":[{"id":"1","real_name":"张*","mobile":"******5678","pwd":"******"}],'
        f'"database":"shop",{types},"old":[{{"real_name":"王*"}}],"table":"t_user",'
        '"type":"UPDATE"}'
    )
    assert masker.mask_lines([line] * lines) == [expected] * lines


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_a_key_with_spaces_around_its_equals_sign_is_read(masker: Masker, lines: int) -> None:
    """TOML, INI and SQL put spaces around the sign (id_card = '…', WHERE mobile = '…'):
    an ID number with a wrong check digit, which only its key says is one, went out."""
    cases = {
        # Display masks by hand: an ID its first and last characters, a landline the last
        # 3 digits of a local number.
        "id_card = '110105199003074514'": "id_card = '1****************4'",
        "select * from t where sfzh = '110105199003074514'": (
            "select * from t where sfzh = '1****************4'"
        ),
        "座机 = 6234-5678": "座机 = ****-*678",
        # A comparison and an arrow are no signs; a key of nothing personal stays.
        "if (id_card == '110105199003074514')": "if (id_card == '110105199003074514')",
        "level = 3": "level = 3",
    }
    assert_masks(masker, cases, lines)


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_a_fhir_resources_names_are_masked(masker: Masker, lines: int) -> None:
    """HL7 FHIR writes a person's name as a HumanName: the whole name in text, the given
    names in a list beside the family name. Both went out: text is no name key, and a
    given name alone reads as no name."""
    line = (
        '{"resourceType":"Patient","name":[{"use":"official","text":"张伟","family":"张",'
        '"given":["伟"]}],"contact":[{"name":{"text":"欧阳娜娜","family":"欧阳",'
        '"given":["娜娜"]}}],"code":{"text":"高血压"}}'
    )
    # Display masks by hand: a name keeps its surname (欧阳 is one); a field of given
    # names keeps nothing, as it holds no surname.
    expected = (
        '{"resourceType":"Patient","name":[{"use":"official","text":"张*","family":"张",'
        '"given":["*"]}],"contact":[{"name":{"text":"欧阳**","family":"欧阳",'
        '"given":["**"]}}],"code":{"text":"高血压"}}'
    )
    assert masker.mask_lines([line] * lines) == [expected] * lines
    assert (
        masker.mask_lines(["first_name=小明 last_name=王"] * lines)
        == ["first_name=** last_name=王"] * lines
    )


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_sms_gateway_codes_are_masked(masker: Masker, lines: int) -> None:
    """Feishu: no verification codes in logs. The SMS gateways' requests carry the code
    as a template parameter (Alibaba Cloud's TemplateParam, Tencent Cloud's
    TemplateParamSet), and apps store it in Redis under a key naming it: all went out."""
    cases = {
        # Display masks by hand: a mobile keeps its last 4 digits, a code is six stars.
        'SendSms PhoneNumbers=13812341050&TemplateParam={"code":"384920"}': (
            'SendSms PhoneNumbers=******1050&TemplateParam={"code":"******"}'
        ),
        '{"TemplateCode":"SMS_1","TemplateParam":"{\\"code\\":\\"384920\\"}"}': (
            '{"TemplateCode":"SMS_1","TemplateParam":"{\\"code\\":\\"******\\"}"}'
        ),
        '{"TemplateId":"1234567","TemplateParamSet":["384920","5"]}': (
            '{"TemplateId":"1234567","TemplateParamSet":["******","5"]}'
        ),
        "verify code ok: mobile=13812341050 code=384920": (
            "verify code ok: mobile=******1050 code=******"
        ),
        "redis SET sms:code:13812341050 384920 EX 300": (
            "redis SET sms:code:******1050 ****** EX 300"
        ),
        # A provider's answer keeps its code.
        "短信发送结果 code=1001": "短信发送结果 code=1001",
    }
    assert_masks(masker, cases, lines)


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_redis_hash_fields_are_masked_under_their_names(masker: Masker, lines: int) -> None:
    """Redis's MONITOR and clients' debug logs write a hash's fields and values in turn,
    with no sign between them: a name and an ID number with a wrong check digit went out
    (a password only where its field name said so to the secret patterns)."""
    monitor = '1732600000.123456 [0 127.0.0.1:51234] "HSET" "user:42" "name" "杨磊" '
    cases = {
        # Display masks by hand: a name keeps its surname, an ID its first and last
        # characters, a password is six stars; the hash's key and other fields stay.
        monitor + '"id_card" "110105199003074514" "vip" "3"': (
            # (the client's IP address keeps its first two parts)
            monitor.replace("0.0.1", "0.*.*").replace("杨磊", "杨*")
            + '"id_card" "1****************4" "vip" "3"'
        ),
        "HSET user:42 real_name 杨磊 sfzh 110105199003074514": (
            "HSET user:42 real_name 杨* sfzh 1****************4"
        ),
        "redis> HMSET u:1 password S3cret! level 2": "redis> HMSET u:1 password ****** level 2",
        # The hash's key is no field; another command stays.
        "HSET real_name 杨磊": "HSET real_name 杨磊",
        "SET real_name 杨磊": "SET real_name 杨磊",
    }
    assert_masks(masker, cases, lines)


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_hospital_and_medical_insurance_records_are_masked_by_key(
    masker: Masker, lines: int
) -> None:
    """The National Healthcare Security Administration's settlement interface names the
    insured ``psn_name`` (beside psn_no and certno), hospital systems ``PatName``; a
    medical-insurance card number (医保卡号) passes Luhn one time in ten, and only then
    was it masked. All went out as they were."""
    cases = {
        # Display masks by hand: a name keeps its surname, a card its first six and last
        # four digits, a ten-digit card nothing.
        '{"psn_no":"33010000000012345678","psn_name":"张伟","insutype":"310"}': (
            '{"psn_no":"33010000000012345678","psn_name":"张*","insutype":"310"}'
        ),
        "<Request><PatName>黄晓明</PatName></Request>": (
            "<Request><PatName>黄**</PatName></Request>"
        ),
        '{"医保卡号":"330112345678","就诊卡号":"0012345678"}': (
            '{"医保卡号":"330112**5678","就诊卡号":"**********"}'
        ),
        "配偶：王芳，陪护人:陈静": "配偶：王*，陪护人:陈*",
    }
    assert_masks(masker, cases, lines)


@pytest.mark.parametrize(
    "line",
    [
        "phone: N/A",
        '{"mobile": "n/a", "realName": "未知", "idCard": "(Null)"}',
        "buyer_phone=<null> id_no=[NULL] name=无 address=不详",
        "mobile=(NULL)\tname=暂无",
    ],
)
def test_an_empty_marker_under_a_sensitive_key_is_no_value(masker: Masker, line: str) -> None:
    """``phone: N/A`` became ``phone: ******`` and ``"realName":"未知"`` ``"未*"``: a value
    that was never there, shown as one masked. Batch redaction keeps the same words."""
    assert mask1(masker, line) == line


def test_a_password_that_is_a_placeholder_word_is_still_masked(masker: Masker) -> None:
    assert mask1(masker, "password=test token=unknown") == "password=****** token=******"
