"""Normalisation rewrites encodings and maps every span back to its surface form."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataguard.detect.normalize import normalize


def test_plain_ascii_and_cjk_are_untouched() -> None:
    norm = normalize("订单 order 42 已发货")
    assert norm.identity
    assert norm.text == "订单 order 42 已发货"


def test_full_width_digits_become_ascii_and_map_back() -> None:
    original = "手机１３８１２３４５６７８。"
    norm = normalize(original)
    assert norm.text == "手机13812345678。"
    start, end = norm.to_original(2, 13)
    assert original[start:end] == "１３８１２３４５６７８"


def test_percent_escape_is_decoded_and_the_span_covers_the_escape() -> None:
    original = "GET /u?email=tt%40163.com&x=1"
    norm = normalize(original)
    assert "tt@163.com" in norm.text
    i = norm.text.index("tt@")
    start, end = norm.to_original(i, i + len("tt@163.com"))
    assert original[start:end] == "tt%40163.com"


def test_percent_encoded_utf8_context_words_are_decoded() -> None:
    assert normalize("q=%E6%89%8B%E6%9C%BA").text == "q=手机"


def test_invalid_percent_utf8_is_left_alone() -> None:
    assert normalize("x=%E6%89").text == "x=%E6%89"


def test_percent_encoded_gbk_text_is_decoded() -> None:
    # Legacy Chinese sites percent-encode GBK: 张 is D5 C5, 伟 CE B0, 电话 B5 E7 BB B0.
    original = "GET /s?name=%D5%C5%CE%B0&q=%B5%E7%BB%B013812341050"
    norm = normalize(original)
    assert norm.text == "GET /s?name=张伟&q=电话13812341050"
    i = norm.text.index("张伟")
    assert original[slice(*norm.to_original(i, i + 2))] == "%D5%C5%CE%B0"


def test_percent_bytes_that_are_neither_utf8_nor_gbk_text_are_left_alone() -> None:
    # GBK A8 A2 is á: a run decoding to anything but ASCII, CJK ideographs and CJK
    # punctuation is a signature or cipher text, not text to scan.
    assert normalize("sig=%A8%A2%A8%A2").text == "sig=%A8%A2%A8%A2"
    assert normalize("sig=%81%30%81%30").text == "sig=%81%30%81%30"


def test_nginx_byte_escapes_decode_and_quotes_stay_escaped() -> None:
    # nginx (escape=default) logs a request body's quotes and non-ASCII bytes as \xHH:
    # 张 is E5 BC A0 in UTF-8; a kept \x22 is a boundary, as %22 is.
    original = r"{\x22name\x22:\x22\xE5\xBC\xA0\xE4\xBC\x9F\x22,\x22m\x22:\x2213812341050\x22}"
    norm = normalize(original)
    assert norm.text == r"{\x22name\x22:\x22张伟\x22,\x22m\x22:\x2213812341050\x22}"
    i = norm.text.index("张伟")
    assert original[slice(*norm.to_original(i, i + 2))] == r"\xE5\xBC\xA0\xE4\xBC\x9F"


def test_octal_byte_escapes_decode_as_protobuf_writes_them() -> None:
    # protobuf's text format writes each byte >= 0x80 in octal: 张 is \345\274\240.
    original = r'real_name:"\345\274\240\344\274\237" mobile:"13812341050"'
    norm = normalize(original)
    assert norm.text == 'real_name:"张伟" mobile:"13812341050"'
    i = norm.text.index("伟")
    assert original[slice(*norm.to_original(i, i + 1))] == r"\344\274\237"
    # Not bytes >= 0x80 (\101 is A), or not UTF-8 / GBK text: left as written.
    for kept in (r"C:\101\102", r"\345\274", r"x\377\376y"):
        assert normalize(kept).text == kept


def test_base64_of_a_json_object_decodes_whole() -> None:
    # A gateway's identity header: base64 of {"phone":"13812341050"}, unpadded.
    token = base64.b64encode(b'{"phone":"13812341050"}').decode().rstrip("=")
    original = f"X-User-Info: {token} ok"
    norm = normalize(original)
    assert norm.text == 'X-User-Info: {"phone":"13812341050"} ok'
    i = norm.text.index("138")
    assert original[slice(*norm.to_original(i, i + 11))] == token  # the whole token
    url_safe = base64.urlsafe_b64encode('{"n": "王芳"}'.encode()).decode()
    assert url_safe == "eyJuIjogIueOi-iKsyJ9"  # the URL-safe alphabet: - for +
    assert normalize(url_safe).text == normalize(url_safe.replace("-", "+")).text
    assert normalize(url_safe).text == '{"n": "王芳"}'
    # Not decoded: a JWT's parts, base64 that is not of a JSON object, a token glued to more.
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMzgxMjM0MTA1MCJ9.c2lnbmF0dXJl"
    not_object = base64.b64encode(b'{"a": 1').decode()  # cut short: not JSON
    for kept in (jwt, f"Bearer {jwt}", not_object, "xeyJhbGciOiJIUzI1NiJ9", "eyJ+/_-abcdefghijkl"):
        assert normalize(kept).text == kept


def test_a_printed_byte_array_of_a_json_object_decodes_whole() -> None:
    # RocketMQ's MessageExt.toString: body=Arrays.toString(byte[]), Java's signed bytes;
    # Go's %v of a []byte: unsigned, space-separated.
    body = '{"n":"王芳"}'.encode()
    java = "[" + ", ".join(str(b - 256 if b > 127 else b) for b in body) + "]"
    go = "[" + " ".join(str(b) for b in body) + "]"
    assert java.startswith("[123, 34, 110, 34, 58, 34, -25, -114, -117")
    for array in (java, go):
        original = f"MessageExt [queueId=0, body={array}, transactionId=null]"
        norm = normalize(original)
        assert norm.text == 'MessageExt [queueId=0, body={"n":"王芳"}, transactionId=null]'
        i = norm.text.index("王")
        assert original[slice(*norm.to_original(i, i + 2))] == array  # the whole array
    # Not decoded: numbers that are no bytes of the form (a signed 200, an unsigned -1),
    # bytes that are no JSON object, an array of ints.
    for kept in ("[123, 34, 200, 34, 58]", "[123 34 -1 34 58 125]", "[123, 34, 97, 34]", "[1, 2]"):
        assert normalize(kept).text == kept


def test_an_ldif_base64_value_decodes_whole() -> None:
    # RFC 2849: an LDAP export writes a value outside ASCII in base64 after "::".
    original = "displayName:: " + base64.b64encode("张三丰".encode()).decode()
    norm = normalize(original)
    assert norm.text == "displayName: 张三丰"
    i = norm.text.index("张")
    assert original[slice(*norm.to_original(i, i + 3))] == original[len("displayName") :]
    # Not decoded: ASCII (LDIF writes it as it is), a C++ name, an IPv6 address whose
    # tail is base64 of s\u05fd, no space after the colons, one character's four digits.
    for kept in (
        "objectClass:: " + base64.b64encode(b"person").decode(),
        "std::abcdefgh",
        "peer fe80::c9e9",
        "cn::5byg5LiJ",
        "sn:: 5byg",
    ):
        assert normalize(kept).text == kept


def test_twice_percent_encoded_runs_decode_and_spans_cover_the_escapes() -> None:
    # A URL inside a query string: its own escapes are escaped again (%40 as %2540).
    original = "next=%2Fcb%3Femail%3Dtt%2540163.com%26name%3D%25E5%25BC%25A0"
    norm = normalize(original)
    assert norm.text == "next=/cb?email=tt@163.com%26name=张"
    i = norm.text.index("tt@")
    assert original[slice(*norm.to_original(i, i + 10))] == "tt%2540163.com"
    j = norm.text.index("张")
    assert original[slice(*norm.to_original(j, j + 1))] == "%25E5%25BC%25A0"


def test_percent25_before_hex_that_is_no_escape_reads_once_encoded() -> None:
    # %25AB: byte 0xAB alone is not UTF-8, so the run is %25 (a percent sign) then "AB".
    assert normalize("rate=50%25ABC").text == "rate=50%ABC"


def test_json_unicode_escapes_including_surrogate_pairs() -> None:
    assert normalize(r'{"k":"\u624b\u673a"}').text == '{"k":"手机"}'
    assert normalize(r"\ud83d\ude00").text == "\U0001f600"
    assert normalize(r"\ud83d alone").text == r"\ud83d alone"


def test_numeric_character_references_decode_and_map_back() -> None:
    # XML written in an ASCII encoding: every character outside ASCII is a reference.
    original = "<realName>&#24352;&#19977;</realName><m>&#x31;&#x33;&#x38;12341050</m>"
    norm = normalize(original)
    assert norm.text == "<realName>张三</realName><m>13812341050</m>"
    i = norm.text.index("张")
    assert original[slice(*norm.to_original(i, i + 2))] == "&#24352;&#19977;"
    j = norm.text.index("138")
    assert original[slice(*norm.to_original(j, j + 11))] == "&#x31;&#x33;&#x38;12341050"
    # What would end a value stays a reference; references to no character stay as written.
    assert normalize("a&#38;b&#34;&#60;").text == "a&#38;b&#34;&#60;"
    for nothing in ("&#0;", "&#xD800;", "&#x110000;", "&#24352"):
        assert normalize(nothing).text == nothing


def test_javascript_escape_units_decode_and_map_back() -> None:
    # escape("张三") in a legacy front end's query string; a pair for a character past U+FFFF.
    original = "name=%u5F20%u4E09&face=%uD83D%uDE00&t=%u5F20%20x"
    norm = normalize(original)
    assert norm.text == "name=张三&face=\U0001f600&t=张%20x"
    i = norm.text.index("三")
    assert original[slice(*norm.to_original(i, i + 1))] == "%u4E09"
    assert normalize("x=%uD83D").text == "x=%uD83D"  # half a pair is no character
    assert normalize("x=%u0026y").text == "x=%u0026y"  # & would end the value


def test_quoted_printable_utf8_decodes_and_maps_back() -> None:
    # vCard 2.1 as Android exports contacts: N's family and given name, FN whole.
    original = "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0;=E4=B8=89;;;"
    norm = normalize(original)
    assert norm.text == "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:张;三;;;"
    i = norm.text.index("张")
    assert original[slice(*norm.to_original(i, i + 3))] == "=E5=BC=A0;=E4=B8=89"
    # Single bytes, cut characters and key=value pairs are left as they are.
    for kept in ("a=AB b=C3 c=4F", "k=E5=BC", "x=E5=BC=4F"):
        assert normalize(kept).text == kept


def test_mime_encoded_words_decode_whole() -> None:
    # RFC 2047, as mail headers carry a display name: base64 or Q, UTF-8 or GB2312.
    original = "From: =?UTF-8?B?5byg5LiJ?= <zs@example.com>"
    norm = normalize(original)
    assert norm.text == "From: 张三 <zs@example.com>"
    assert original[slice(*norm.to_original(6, 7))] == "=?UTF-8?B?5byg5LiJ?="  # one unit
    assert normalize("=?GB2312?B?1cXI/Q==?=").text == "张三"
    assert normalize("=?utf-8?q?=E6=9D=8E_=E5=9B=9B?=").text == "李 四"
    for kept in ("=?utf-8?B?!!!?=", "=?no-such-charset?B?5byg?=", "=?utf-8?B?AAEC?="):
        assert normalize(kept).text == kept  # not base64, no charset, control bytes


def test_cjk_radical_supplement_folds_to_the_ideograph() -> None:
    assert normalize("⻄湖区").text == "西湖区"


# Pieces of text: single characters (percent, backslash and hex digits make escapes of
# their own) and whole octal and \xHH escapes (张 is \345\274\240).
_PIECES = [
    *"ab1２%4０\\u00e6手⻄X&#;",
    r"\345",
    r"\274",
    r"\240",
    r"\x22",
    "&#24352;",
    "&#x5F20;",
    "%u5F20",
    "%uD83D",
    "=E5=BC=A0",
    "=",
    "C3",
    "=?UTF-8?B?5byg5LiJ?=",
    "?",
]


@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_mapped_spans_stay_inside_the_original(text: str) -> None:
    norm = normalize(text)
    n = len(norm.text)
    for start in range(n):
        for end in range(start + 1, n + 1):
            o_start, o_end = norm.to_original(start, end)
            assert 0 <= o_start < o_end <= len(text)


def test_a_value_inside_an_escape_run_maps_to_its_own_escapes() -> None:
    original = "q=%E7%94%B5%E8%AF%9D%2B8613812345678"
    norm = normalize(original)
    assert norm.text == "q=电话+8613812345678"
    i = norm.text.index("+")
    start, end = norm.to_original(i, len(norm.text))
    assert original[start:end] == "%2B8613812345678"


def test_unicode_escapes_map_one_character_at_a_time() -> None:
    original = r'{"m":"\u624b\u673a\uff11\uff13"}'
    norm = normalize(original)
    assert norm.text == '{"m":"手机13"}'
    i = norm.text.index("1")
    start, end = norm.to_original(i, i + 2)
    assert original[start:end] == r"\uff11\uff13"


def test_escapes_that_decode_to_separators_or_controls_stay_escaped() -> None:
    assert normalize("pwd=0%00&x=%0A&z=%22q%22%26").text == "pwd=0%00&x=%0A&z=%22q%22%26"
    assert normalize(r"a\u000ab").text == r"a\u000ab"


def test_kept_escapes_do_not_stop_the_rest_of_their_run_from_decoding() -> None:
    # A percent-encoded JSON payload: the quotes and the comma stay escaped, the braces,
    # the colons and the name decode.
    original = "data=%7B%22name%22%3A%22%E5%BC%A0%E4%BC%9F%22%2C%22m%22%3A%2213812341050%22%7D"
    norm = normalize(original)
    assert norm.text == "data={%22name%22:%22张伟%22%2C%22m%22:%2213812341050%22}"
    i = norm.text.index("张")
    assert original[slice(*norm.to_original(i, i + 2))] == "%E5%BC%A0%E4%BC%9F"
    j = norm.text.index("138")
    assert original[slice(*norm.to_original(j, j + 11))] == "13812341050"
    assert normalize(r"\u0027\u5f20\u0027").text == r"\u0027张\u0027"


def test_encoded_spaces_decode_so_grouped_numbers_are_found() -> None:
    assert normalize("tel=138%201234%205678").text == "tel=138 1234 5678"


def test_ansi_colour_codes_become_one_space_each() -> None:
    # A coloured console log: ESC[36m13812341050ESC[0m, where the m of the code glued to the
    # number hid it from the digit-run boundary.
    original = "user \x1b[36m13812341050\x1b[0m mail \x1b[1;31mtt@163.com\x1b[0m"
    norm = normalize(original)
    assert norm.text == "user  13812341050  mail  tt@163.com "
    i = norm.text.index("138")
    assert original[slice(*norm.to_original(i, i + 11))] == "13812341050"
    j = norm.text.index("tt@")
    assert original[slice(*norm.to_original(j, j + 10))] == "tt@163.com"
    # The same codes captured into a JSON log (docker's json-file driver).
    assert normalize(r"\u001b[32mINFO\u001b[0m").text == " INFO "


def test_an_escaped_space_decodes_between_digits_only() -> None:
    # A grouped number needs its spaces; a password with one must not end at it
    # (password=a%20b was masked as far as "a", and %20b went out as it was).
    assert normalize("tel=138%201234%205678").text == "tel=138 1234 5678"
    assert normalize("password=a%20b").text == "password=a%20b"
    assert normalize("password=0%2520&x=1").text == "password=0%2520&x=1"
    # Two escaped spaces before digits: the first stays escaped, and so must the second
    # (read against the first's last hex digit it decoded, and %201234 went out).
    assert normalize("password=a%20%201234").text == "password=a%20%201234"
    assert normalize("q=%E6%89%8B%E6%9C%BA%20138").text == "q=手机%20138"


def test_unicode_escapes_escaped_again_decode() -> None:
    # Python's json.dumps writes 张 as \u5f20; logged as a JSON string value it reads
    # \\u5f20, a level deeper \\\\u5f20. Names and addresses there went out unmasked.
    original = r'{"payload": "{\"name\": \"\\u5f20\\u4f1f\"}"}'
    norm = normalize(original)
    assert norm.text == r'{"payload": "{\"name\": \"张伟\"}"}'
    i = norm.text.index("张")
    assert original[slice(*norm.to_original(i, i + 2))] == r"\\u5f20\\u4f1f"
    assert normalize(r"\\\\u5f20").text == "张"
    assert normalize(r"a\\\u5f20").text == r"a\\\u5f20"  # a literal backslash, then 张: left alone


@pytest.mark.parametrize("dash", ["\u2010", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212"])
def test_unicode_dashes_read_as_hyphens_and_map_back(dash: str) -> None:
    # An input method's em dash between area code and number: 0571—88881234 went out
    # unmasked.
    original = f"电话 0571{dash}88881234 谢谢"
    norm = normalize(original)
    assert norm.text == "电话 0571-88881234 谢谢"
    start, end = norm.to_original(3, 16)
    assert original[start:end] == f"0571{dash}88881234"


def test_an_ideographic_full_stop_between_ascii_letters_is_a_dot() -> None:
    # A Chinese input method types 。 for the dot: zhangsan@qq。com went out unmasked.
    assert normalize("邮箱 zhangsan@qq。com 谢谢").text == "邮箱 zhangsan@qq.com 谢谢"
    assert normalize("好的。谢谢").text == "好的。谢谢"  # a sentence's own full stop
    assert normalize("ok。").text == "ok。"
    assert normalize("。abc").text == "。abc"


_RUN_PIECES = st.sampled_from(
    [
        "%40",
        "%2540",
        "%E5%BC%A0",
        "\\u5f20",
        "\\\\u5f20",
        "\\x22",
        "\\345",
        "\x1b[36m",
        "eyJuYW1lIjoiYWJjZGVmZ2gifQ",
        "ｅ",
        "１３８",
        "。",
        "张",
        "a",
        "e",
        "1",
        " ",
        "=",
        "\\",
        "%",
        "&#24352;",
        "&#x31;",
        "&#38;",
        "%u5F20",
        "&",
        "#",
        "=E5=BC=A0",
        "=C3",
        "=A9",
        "=?UTF-8?B?5byg5LiJ?=",
        "=?",
    ]
)


@given(st.lists(_RUN_PIECES, max_size=12).map("".join))
def test_the_hinted_run_finder_finds_the_same_runs(text: str) -> None:
    """normalize's run finder carries a first-character lookahead; the runs are the ones
    of the runs' regex as written."""
    import re

    from dataguard.detect import normalize as module

    written = [m.span() for m in re.finditer(module._SPECIAL_RUNS, text)]
    assert [m.span() for m in module._SPECIAL.finditer(text)] == written
