"""``logistics``: an express-delivery system (waybills, tracking events, drivers).

Imitates a courier's order system under China's real-name delivery rules: the sender's ID
number is kept (encrypted, with a masked copy); the receiver appears on privacy waybills
as ``张*`` / ``138****5678``, with the full mobile SM4-encrypted for the courier app.

Traps:

* tracking numbers (``SF`` + 13 digits, 12–14 pure digits), linked order numbers, pickup
  codes (``3-2-1024``) and VINs (17 chars, GB 16735) that are not personal data;
* ``receiver_phone_enc`` is SM4-ECB ciphertext in upper-case hex: 32 hex chars, the same
  shape as an MD5 digest, told apart only by its comment (``SM4加密``);
* ``drivers.driver_license_no``: a Chinese driving licence number is the ID number;
* free-text tracking events naming couriers and their phones, mixed with depot names at
  district level (not addresses); a JSON ``sign_info`` with the signer's name and the
  pickup station's landline.
"""

from __future__ import annotations

import random
import string

from dataguard.testing import generators as g
from dataguard.testing.schemas._model import ColumnSpec, Mix, RowContext, SchemaSpec, TableSpec
from dataguard.testing.schemas._types import (
    BIGINT,
    DATETIME,
    TINYINT,
    JSONDocument,
    char,
    decimal_,
    varchar,
)
from dataguard.testing.schemas._values import (
    after,
    ciphertext_b64,
    company_name,
    created_at,
    id_column,
    mask_id,
    mask_name,
    masked_mobile,
    mobile_or_landline,
    money,
    pick,
    ref,
    sm4_ecb_hex,
    timestamp_gen,
    tracking_no,
    use,
    weighted,
)

__all__ = ["SCHEMA"]

_CARRIERS = ("顺丰速运", "中通快递", "圆通速递", "韵达快递", "京东物流", "EMS")
_STATIONS = ("阳光花园", "翠苑一区", "金色家园", "万科城", "锦绣华庭", "东部软件园")
_DEPOTS = ("杭州", "上海", "广州", "成都", "武汉", "北京", "深圳", "苏州")


def _pickup_code(rng: random.Random) -> str:
    return f"{rng.randint(1, 9)}-{rng.randint(1, 6)}-{rng.randint(1000, 9999)}"


def _sign_info(ctx: RowContext) -> dict[str, object] | None:
    r = ctx.rng
    if ctx.values["status"] != 3:
        return None
    by_self = r.random() < 0.6
    return {
        "signer": {"type": "本人" if by_self else "代收", "name": g.chinese_name(r)},
        "station": None
        if by_self
        else {"name": f"菜鸟驿站({r.choice(_STATIONS)}店)", "phone": g.landline(r)},
        "pickupCode": _pickup_code(r),
        "gps": {"lat": round(r.uniform(22, 40), 6), "lng": round(r.uniform(103, 122), 6)},
    }


waybills = TableSpec(
    "waybills",
    "运单",
    (
        id_column("运单ID"),
        ColumnSpec(
            "tracking_no",
            varchar(32),
            "运单号",
            use(tracking_no),
            nullable=False,
            trap="carrier prefixes or 12-14 pure digits",
        ),
        ColumnSpec("carrier", varchar(16), "快递公司", pick(*_CARRIERS)),
        ColumnSpec("order_no", varchar(32), "关联订单号", use(g.order_number)),
        ColumnSpec(
            "sender_name", varchar(32), "寄件人姓名", use(g.chinese_name), "CN_NAME", "plaintext"
        ),
        ColumnSpec(
            "sender_phone",
            varchar(32),
            "寄件人电话",
            use(mobile_or_landline),
            frozenset({"CN_MOBILE", "CN_LANDLINE"}),
            "plaintext",
        ),
        ColumnSpec(
            "sender_address", varchar(255), "寄件地址", use(g.address), "CN_ADDRESS", "plaintext"
        ),
        ColumnSpec(
            "sender_id_card_enc",
            varchar(128),
            "寄件人身份证号(实名寄递,AES加密)",
            use(lambda r: ciphertext_b64(r, 18)),
            "CN_ID_CARD",
            "encrypted",
        ),
        ColumnSpec(
            "sender_id_card_masked",
            varchar(18),
            "寄件人身份证号(脱敏)",
            use(lambda r: mask_id(g.id_card(r))),
            "CN_ID_CARD",
            "masked",
        ),
        ColumnSpec(
            "receiver_name_masked",
            varchar(32),
            "收件人姓名(隐私面单)",
            use(lambda r: mask_name(g.chinese_name(r))),
            "CN_NAME",
            "masked",
        ),
        ColumnSpec(
            "receiver_phone_masked",
            varchar(20),
            "收件人电话(隐私面单)",
            masked_mobile,
            "CN_MOBILE",
            "masked",
        ),
        ColumnSpec(
            "receiver_phone_enc",
            varchar(64),
            "收件人手机号(SM4加密)",
            use(lambda r: sm4_ecb_hex(r, 11)),
            "CN_MOBILE",
            "encrypted",
            trap="32 hex chars like an MD5 digest; only the comment says SM4",
        ),
        ColumnSpec(
            "receiver_address", varchar(255), "收件地址", use(g.address), "CN_ADDRESS", "plaintext"
        ),
        ColumnSpec("weight_kg", decimal_(8, 2), "重量(kg)", money(0.1, 30)),
        ColumnSpec("freight", decimal_(8, 2), "运费", money(6, 120)),
        ColumnSpec("courier_id", BIGINT, "派件员ID", ref("drivers")),
        ColumnSpec(
            "status",
            TINYINT,
            "状态:0已下单 1已揽收 2运输中 3已签收",
            weighted((0, 1), (1, 1), (2, 2), (3, 6)),
        ),
        ColumnSpec(
            "sign_info",
            JSONDocument(),
            "签收信息",
            _sign_info,
            frozenset({"CN_NAME", "CN_LANDLINE"}),
            "plaintext",
            in_text=True,
            trap="nested JSON with GPS decimals and pickup codes; NULL until signed",
        ),
        created_at("下单时间"),
        ColumnSpec("signed_at", DATETIME, "签收时间", after("created_at", 36000, 400000, 0.4)),
    ),
    scale=2,
)

_TRACE = Mix(
    (
        (
            "transit",
            40,
            use(
                lambda r: (
                    f"快件已从【{r.choice(_DEPOTS)}转运中心】发出，下一站"
                    f"【{r.choice(_DEPOTS)}转运中心】"
                )
            ),
        ),
        ("arrived", 20, use(lambda r: f"快件已到达【{r.choice(_DEPOTS)}转运中心】")),
        (
            "delivering",
            20,
            use(
                lambda r: (
                    f"【{r.choice(_DEPOTS)}西湖区营业部】的派件员"
                    f"{g.chinese_name(r)}（{g.mobile_digits(r)}）正在派件，"
                    "请保持电话畅通"
                )
            ),
        ),
        (
            "station",
            10,
            use(
                lambda r: (
                    f"快件已由【菜鸟驿站({r.choice(_STATIONS)}店)】代收，"
                    f"取件码{_pickup_code(r)}，如有疑问请联系{g.landline(r)}"
                )
            ),
        ),
        ("signed", 10, use(lambda r: f"快件已签收，签收人：{g.chinese_name(r)}，感谢使用")),
    )
)

waybill_traces = TableSpec(
    "waybill_traces",
    "物流轨迹",
    (
        id_column(),
        ColumnSpec("tracking_no", varchar(32), "运单号", use(tracking_no)),
        ColumnSpec("event_time", DATETIME, "轨迹时间", timestamp_gen),
        ColumnSpec("action", varchar(16), "动作", pick("揽收", "发出", "到达", "派件", "签收")),
        ColumnSpec(
            "description",
            varchar(255),
            "轨迹描述",
            _TRACE,
            frozenset({"CN_NAME", "CN_MOBILE", "CN_LANDLINE"}),
            "plaintext",
            in_text=True,
            trap="depot names at district level are not addresses; pickup codes",
        ),
    ),
    scale=5,
)

# ref. GB 16735-2019: VINs use digits and capital letters except I, O and Q.
_VIN_CHARS = "".join(c for c in string.ascii_uppercase + string.digits if c not in "IOQ")


def _vin(rng: random.Random) -> str:
    return "L" + "".join(rng.choice(_VIN_CHARS) for _ in range(16))


drivers = TableSpec(
    "drivers",
    "司机/派件员",
    (
        id_column(),
        ColumnSpec("name", varchar(32), "姓名", use(g.chinese_name), "CN_NAME", "plaintext"),
        ColumnSpec("mobile", varchar(20), "手机号", use(g.mobile_digits), "CN_MOBILE", "plaintext"),
        ColumnSpec("id_card", char(18), "身份证号", use(g.id_card), "CN_ID_CARD", "plaintext"),
        ColumnSpec(
            "driver_license_no",
            varchar(18),
            "驾驶证号",
            use(g.id_card),
            "CN_ID_CARD",
            "plaintext",
            trap="a Chinese driving licence number is the ID number",
        ),
        ColumnSpec(
            "plate_no",
            varchar(16),
            "车牌号",
            use(g.license_plate),
            "CN_LICENSE_PLATE",
            "plaintext",
            trap="new-energy 8-char plates and 京A·12345 forms",
        ),
        ColumnSpec("vin", char(17), "车架号(VIN)", use(_vin), trap="17 chars, not an ID"),
        ColumnSpec("carrier_name", varchar(100), "所属承运商", use(company_name)),
        ColumnSpec(
            "carrier_uscc",
            varchar(18),
            "承运商统一社会信用代码",
            use(g.uscc),
            "CN_USCC",
            "plaintext",
        ),
        ColumnSpec(
            "settle_card", varchar(32), "结算银行卡号", use(g.bank_card), "BANK_CARD", "plaintext"
        ),
        created_at("入职时间"),
    ),
    scale=0.2,
)

SCHEMA = SchemaSpec(
    "logistics",
    "Express delivery: waybills with privacy waybill fields, tracking events, drivers.",
    (waybills, waybill_traces, drivers),
)
