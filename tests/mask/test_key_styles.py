"""Every sensitive key, written the ways logs write keys, masks its value.

Found by writing keys in 28 separator styles: 60 of 532 values went out (``密码[…]``,
``{'地址': '…'}``, ``<姓名>…</姓名>``, ``array('密码' => '…')``, ``token为…``). Prose styles
(``password is …``, ``name 张三``, ``password -> …``) are left to the detector's shapes:
a bare word before a value says too little.
"""

from __future__ import annotations

import random

import pytest

from dataguard.mask.apply import Masker
from dataguard.testing import generators as gen

_RNG = random.Random(20261127)
_NAME = gen.chinese_name(_RNG)
_VALUES = {
    "phone": gen.mobile_digits(_RNG),
    "手机号": gen.mobile_digits(_RNG),
    "联系电话": gen.mobile_digits(_RNG),
    "idcard": gen.id_card(_RNG),
    "身份证号": gen.id_card(_RNG),
    "email": "zhang.san@example.com",
    "邮箱": "li.si@example.com",
    "name": _NAME,
    "姓名": _NAME,
    "收货人": _NAME,
    "联系人": _NAME,
    "address": "浙江省杭州市西湖区文三路90号",
    "收货地址": "浙江省杭州市西湖区文三路90号",
    "password": "Hunter2Pass",
    "密码": "Hunter2Pass",
    "token": "abcd1234efgh5678",
    "bank_card": gen.bank_card_digits(_RNG),
    "银行卡号": gen.bank_card_digits(_RNG),
}
_STYLES = (
    "{k}={v}",
    "{k}: {v}",
    "{k}:{v}",
    '"{k}":"{v}"',
    '{k}="{v}"',
    "<{k}>{v}</{k}>",
    "{k}[{v}]",
    "{k}({v})",
    "{k} => {v}",
    "{k}：{v}",
    "{k} = {v}",
    "{k}={v};",
    "{k}={v}|x=1",
    "[{k}={v}]",
    "{k}【{v}】",
    "{k}为{v}",
    "{k}是{v}",
    "{k}:'{v}'",
    "'{k}': '{v}'",
    "--{k}={v}",
    "{k}%3D{v}",
    "?{k}={v}&a=1",
)
# A stack frame writes checkToken(AuthService.java:42), a method call getName(张三).
_NOT_A_KEY = {("password", "{k}({v})"), ("token", "{k}({v})")}
# An English name key before a Chinese copula is not how anyone writes.
_NOT_WRITTEN = {("name", "{k}为{v}"), ("name", "{k}是{v}")}


@pytest.fixture(scope="module")
def masker() -> Masker:
    return Masker()


_CASES = [(k, s) for k in _VALUES for s in _STYLES if (k, s) not in _NOT_A_KEY | _NOT_WRITTEN]


def _line(key: str, style: str) -> str:
    return "2026-11-27 12:00:01 INFO x " + style.format(k=key, v=_VALUES[key]) + " done"


@pytest.mark.parametrize(("key", "style"), _CASES)
def test_the_value_under_a_sensitive_key_is_masked(masker: Masker, key: str, style: str) -> None:
    value = _VALUES[key]
    (out,) = masker.mask_lines([_line(key, style)])
    assert value not in out
    assert out.startswith("2026-11-27 12:00:01 INFO x ")
    assert out.endswith(" done")


def test_every_style_is_masked_in_a_streams_batch(masker: Masker) -> None:
    """The filter masks a stream in batches, where a prefilter picks the lines whose keys
    are read: XML closing tags were unknown to it, and ``<address>…</address>`` went out."""
    outs = masker.mask_lines([_line(k, s) for k, s in _CASES])
    leaked = [(k, s) for (k, s), out in zip(_CASES, outs, strict=True) if _VALUES[k] in out]
    assert leaked == []
