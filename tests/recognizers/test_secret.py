"""Secrets: key=value forms, placeholders, headers, known token shapes."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from dataguard.recognizers.secret import SecretRecognizer
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dataguard import Detector


@pytest.fixture(scope="module")
def secret_only() -> Detector:
    return Detector(recognizers=[SecretRecognizer()])


def _spans(detector: Detector, text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector.detect(text) if f.entity == "SECRET"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("password=hunter2", ["hunter2"]),
        ("password=hunter2&next=/", ["hunter2"]),
        ("passwd: hunter2 user=bob", ["hunter2"]),
        ("pwd=hunter2;", ["hunter2"]),
        ('{"token":"abc123def"}', ["abc123def"]),
        ('{"token": "abc 123"}', ["abc 123"]),
        ("refresh_token=r1r2r3r4,", ["r1r2r3r4"]),
        ("accessToken=tok_12345", ["tok_12345"]),
        ("api_key='k-123456'", ["k-123456"]),
        ("apikey => K123456", ["K123456"]),
        ("X-Auth-Token: t0k3n", ["t0k3n"]),
        ("JSESSIONID=0A1B2C3D4E5F", ["0A1B2C3D4E5F"]),
        ("sessionid=abcdef123456", ["abcdef123456"]),
        ("Cookie: a=1; b=2  ", ["a=1; b=2"]),
        ("Set-Cookie: sid=1; Path=/\nnext line", ["sid=1; Path=/"]),
        ("Authorization: Bearer abcdefgh12345678", ["abcdefgh12345678"]),
        ("Authorization: Basic dXNlcjpwYXNz", ["dXNlcjpwYXNz"]),
        ("您的验证码是 482913", ["482913"]),
        ("验证码：4829", ["4829"]),
        ("校验码为48291305", ["48291305"]),
        ("动态码 123456，请勿泄露", ["123456"]),
        ("密码：Abc12345", ["Abc12345"]),
        ("登录密码是 Abc12345。", ["Abc12345"]),
        (
            "token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig",
            ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig"],
        ),
        ("key AKIAQWERTYUIOPASDFGH used", ["AKIAQWERTYUIOPASDFGH"]),
        ("sk_live_abcdefghijklmnop1234", ["sk_live_abcdefghijklmnop1234"]),
        ("AKIDabcdefghijklmnopqrstuvwxyz123456", ["AKIDabcdefghijklmnopqrstuvwxyz123456"]),
        ("-----BEGIN PRIVATE KEY-----", ["-----BEGIN PRIVATE KEY-----"]),
        # not secrets
        ("password=", []),
        ("password=&user=bob", []),
        ("password=******", []),
        ("password=xxxxxx", []),
        ("token=null", []),
        ('{"token": null}', []),
        ("password=${DB_PASSWORD}", []),
        ("password={{ db_password }}", []),
        ("password=%s", []),
        ("password=<password>", []),
        ("secret=[REDACTED]", []),
        ("password=ENC(abcdef)", []),
        ("PWD=/home/app", []),
        ("token_type=bearer", []),
        ("max_tokens=512", []),
        ("验证码已发送至13812345678", []),
        ("验证码错误", []),
        ("密码错误", []),
        ("密码为空", []),
        ("AKIAQWERTYUIOPASDFGHJ", []),
        ("xAKIAQWERTYUIOPASDFGH", []),
    ],
)
def test_spans(secret_only: Detector, text: str, expected: list[str]) -> None:
    assert _spans(secret_only, text) == expected


_VALUE = st.from_regex(r"[A-Za-z0-9!@#$%^*_+.-]{4,24}", fullmatch=True)
_KEYS = st.sampled_from(
    [
        "password",
        "db_password",
        "passwd",
        "pwd",
        "token",
        "access_token",
        "refresh_token",
        "secret",
        "client_secret",
        "api_key",
        "apikey",
        "JSESSIONID",
        "PHPSESSID",
        "sessionid",
    ]
)
_FORMS = st.sampled_from(
    [
        "GET /x?{k}={v}&page=2 HTTP/1.1",
        '{{"{k}":"{v}","ok":true}}',
        "{k}: '{v}'",
        "User({k}={v}, id=1)",
        "{k} = {v}",
    ]
)


@settings(max_examples=200, deadline=None)
@given(key=_KEYS, value=_VALUE, form=_FORMS)
def test_generated_key_value_secrets_span_the_value_only(
    secret_only: Detector, key: str, value: str, form: str
) -> None:
    assume(SecretRecognizer().validate(value) is not False)
    if form.startswith("GET "):  # a query string carries the value percent-encoded
        value = quote(value, safe="")
    text = form.format(k=key, v=value)
    assert _spans(secret_only, text) == [value]


@settings(max_examples=100, deadline=None)
@given(
    code=st.from_regex(r"[0-9]{4,8}", fullmatch=True),
    template=st.sampled_from(
        [
            "【某某】您的验证码是 {c}，5分钟内有效",
            "验证码：{c}",
            '{{"smsCode":"{c}"}}',
            "verification code is {c}.",
        ]
    ),
)
def test_generated_sms_codes(secret_only: Detector, code: str, template: str) -> None:
    assert _spans(secret_only, template.format(c=code)) == [code]


def test_several_secrets_on_one_line(secret_only: Detector) -> None:
    text = "GET /cb?password=x1y2z3&token=abc123def&user=bob 验证码：482913"
    assert _spans(secret_only, text) == ["x1y2z3", "abc123def", "482913"]
