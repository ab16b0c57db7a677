"""What column names and comments say a column holds (dataguard.scan.naming)."""

from __future__ import annotations

import pytest

from dataguard.scan.naming import entity_of_comment, entity_of_name


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("mobile", "CN_MOBILE"),
        ("receiver_mobile", "CN_MOBILE"),
        ("receiverMobile", "CN_MOBILE"),
        ("emergency_contact_phone", "CN_MOBILE"),
        ("phonenumber", "CN_MOBILE"),
        ("phone_hash", "CN_MOBILE"),  # a protected phone column is still about phones
        ("id_card_enc", "CN_ID_CARD"),
        ("ID_CARD_NO", "CN_ID_CARD"),
        ("bank_card_no", "BANK_CARD"),
        ("身份证号", "CN_ID_CARD"),
        ("receiver_name", "CN_NAME"),
        ("login_password", "SECRET"),
        ("access_token", "SECRET"),
        ("passport_no", "CN_PASSPORT"),
        ("home_address", "CN_ADDRESS"),
        # Pinyin initials of government and hospital schemas.
        ("xm", "CN_NAME"),
        ("lxr", "CN_NAME"),
        ("LXDH", "CN_MOBILE"),
        ("sfzhm", "CN_ID_CARD"),
        ("yhkh", "BANK_CARD"),
        ("jtzz", "CN_ADDRESS"),
        ("hjdz", "CN_ADDRESS"),
        ("xmmc", None),  # 项目名称
        # A number counts a column among its kind: the second phone, a repeated header.
        ("mobile2", "CN_MOBILE"),
        ("phone_3", "CN_MOBILE"),
        ("联系电话2", "CN_MOBILE"),
        ("id_card_2", "CN_ID_CARD"),
        ("order_no2", None),
        ("md5", None),
        ("ipv4", None),
        ("dh", None),  # 单号 as often as 电话
        ("kh", None),  # 客户 as often as 卡号
        # Names that only look related.
        ("order_no", None),
        ("mobile_verified", None),
        ("phone_count", None),
        ("trade_no", None),
        ("sku_code", None),
        ("tracking_no", None),
        ("name", None),  # bare 'name' names products and services more often than people
        ("c3", None),
    ],
)
def test_entity_of_name(name: str, entity: str | None) -> None:
    assert entity_of_name(name) == entity


@pytest.mark.parametrize(
    ("comment", "entity"),
    [
        ("身份证号", "CN_ID_CARD"),
        ("收货人手机号", "CN_MOBILE"),
        ("收货人姓名", "CN_NAME"),
        ("收货地址", "CN_ADDRESS"),
        ("登录IP地址", "IP_ADDRESS"),
        ("固定电话", "CN_LANDLINE"),
        ("银行卡号（加密）", "BANK_CARD"),
        ("用户邮箱", "EMAIL_ADDRESS"),
        ("登录密码", "SECRET"),
        ("护照号码", "CN_PASSPORT"),
        ("统一社会信用代码", "CN_USCC"),
        ("车牌号", "CN_LICENSE_PLATE"),
        # A keyword that describes a flag, a key or a kind, not the value.
        ("手机号是否验证", None),
        ("地址ID", None),
        ("邮箱类型", None),
        ("订单编号", None),
        ("创建时间", None),
        ("", None),
        (None, None),
    ],
)
def test_entity_of_comment(comment: str | None, entity: str | None) -> None:
    assert entity_of_comment(comment) == entity
