"""``shop``: an e-commerce back end (a Youzan / Taobao-style store with its own members).

Imitates the tables a Chinese online shop really has: members and their delivery
addresses, orders carrying the receiver's name, phone and address, order items, payments
with card numbers and the payment platform's callback text, invoices, customer-service
chat, login logs, OAuth access tokens and products.

Traps:

* plaintext next to its own protected copies: ``members.mobile`` beside ``mobile_masked``
  (``138****1050``) and ``mobile_hash`` (SHA-256 hex); ``id_card_enc`` is base64
  ciphertext; ``payments.card_no_masked``; ``access_tokens.refresh_token_hash``;
* dirt in personal columns: placeholders (``13800000000``, ``12345678901``,
  ``00000000000``), ``''`` / ``N/A`` / ``无``, NULLs; ``orders.receiver_phone`` mixes
  plaintext with platform-masked numbers and privacy numbers with extensions
  (``17012345678转1234``); ``member_addresses.phone`` mixes mobiles and landlines;
* digit strings that are not personal data: ``order_no`` (16–19 digits failing Luhn),
  ``out_trade_no``, 28-digit Alipay / WeChat ``trade_no``, 11–12 digit JD-style
  ``sku_code`` (starting 10–12, no mobile prefix), EAN-13 ``barcode``, invoice codes
  and 20-digit invoice numbers, ``400``/``800`` service numbers, postcodes;
* address pieces that are not an address (``province`` / ``city`` / ``district``,
  ``login_logs.location``) beside one that is, written without its province
  (``detail_address``);
* Chinese text that is not a name: nicknames (``王者归来``), brand-like product names
  (``张小泉``, ``王老吉``, ``李宁``); invoice titles mixing people and companies;
* personal data inside free text (``cs_messages.content``, ``orders.buyer_memo``), inside a
  JSON column (``orders.ext_json``: invoice title, tax number, e-mail) and masked inside
  callback text (``payments.notify_raw``);
* user agents whose ``Chrome/120.0.0.0`` is a dotted quad but not an IP address;
  WeChat openids and device ids that look random but are not secrets; a long HTML
  ``description``; an always-NULL spare column ``ext_field1``.
"""

from __future__ import annotations

import datetime as dt
import random

from dataguard.testing import generators as g
from dataguard.testing.schemas._model import (
    ColumnSpec,
    Gen,
    Mix,
    RowContext,
    SchemaSpec,
    TableSpec,
)
from dataguard.testing.schemas._types import (
    BIGINT,
    DATE,
    DATETIME,
    INT,
    TINYINT,
    JSONDocument,
    char,
    decimal_,
    long_text,
    varchar,
)
from dataguard.testing.schemas._values import (
    MOBILE_PLACEHOLDERS,
    address_parts,
    after,
    alipay_trade_no,
    ciphertext_b64,
    company_name,
    const,
    created_at,
    date_of_birth,
    digits,
    dirty,
    ean13,
    id_column,
    integer,
    ip_any,
    mask_card,
    mask_email,
    mask_mobile,
    masked_mobile,
    maybe_null,
    moment,
    money,
    not_luhn,
    pick,
    ref,
    sha256_hex,
    timestamp_gen,
    tracking_no,
    use,
    user_agent,
    virtual_number,
    wechat_transaction_id,
    weighted,
)

__all__ = ["SCHEMA"]

_NICKNAMES = (
    "快乐的小鱼",
    "追风少年",
    "一只猫",
    "阳光男孩",
    "糖糖",
    "王者归来",
    "李子柒粉丝",
    "momo",
    "Lucky",
    "jerry_2019",
    "小确幸",
    "吃货一枚",
    "张开翅膀",
    "sunshine",
    "陈年旧事",
)


def _openid(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    return "oUpF8u" + "".join(rng.choice(alphabet) for _ in range(22))


def _province(ctx: RowContext) -> str:
    parts = address_parts(ctx.rng)
    ctx.values["_address"] = parts
    return parts[0]


def _address_part(index: int) -> Gen:
    """Part *index* of the address drawn by :func:`_province` for this row."""
    return lambda ctx: ctx.values["_address"][index]


def _money_text(rng: random.Random) -> str:
    return f"{rng.randint(9, 2999)}.{rng.randint(0, 99):02d}"


members = TableSpec(
    "members",
    "会员表",
    (
        id_column("会员ID"),
        ColumnSpec(
            "member_no",
            varchar(32),
            "会员编号",
            use(lambda r: "M" + moment(r).strftime("%Y%m%d") + digits(r, 6)),
        ),
        ColumnSpec(
            "nickname",
            varchar(64),
            "昵称",
            pick(*_NICKNAMES),
            trap="Chinese nicknames, some starting with a common surname",
        ),
        ColumnSpec(
            "real_name",
            varchar(32),
            "真实姓名",
            dirty(use(g.chinese_name), null=0.12, blank=0.03),
            "CN_NAME",
            "plaintext",
        ),
        ColumnSpec(
            "mobile",
            varchar(20),
            "手机号",
            dirty(use(g.mobile), blank=0.02, placeholder=0.04, placeholders=MOBILE_PLACEHOLDERS),
            "CN_MOBILE",
            "plaintext",
            trap="placeholders and +86 / spaced / full-width forms",
        ),
        ColumnSpec(
            "mobile_masked", varchar(20), "手机号(脱敏展示)", masked_mobile, "CN_MOBILE", "masked"
        ),
        ColumnSpec(
            "mobile_hash",
            char(64),
            "手机号SHA256摘要",
            use(lambda r: sha256_hex(g.mobile_digits(r))),
            "CN_MOBILE",
            "hashed",
            trap="64 hex chars; only the name says what was hashed",
        ),
        ColumnSpec(
            "email",
            varchar(128),
            "邮箱",
            maybe_null(use(g.email), 0.4),
            "EMAIL_ADDRESS",
            "plaintext",
        ),
        ColumnSpec("gender", TINYINT, "性别:0未知 1男 2女", integer(0, 2)),
        ColumnSpec(
            "birthday",
            DATE,
            "生日",
            maybe_null(date_of_birth, 0.5),
            trap="personal but not a §1 entity",
        ),
        ColumnSpec(
            "id_card_enc",
            varchar(128),
            "身份证号(AES加密)",
            maybe_null(use(lambda r: ciphertext_b64(r, 18)), 0.6),
            "CN_ID_CARD",
            "encrypted",
        ),
        ColumnSpec("level", TINYINT, "会员等级", integer(1, 6)),
        ColumnSpec("points", INT, "积分", integer(0, 50000)),
        ColumnSpec("register_ip", varchar(45), "注册IP", use(ip_any), "IP_ADDRESS", "plaintext"),
        ColumnSpec(
            "wx_openid",
            varchar(64),
            "微信OpenID",
            maybe_null(use(_openid), 0.3),
            trap="random-looking identifier that is not a secret",
        ),
        created_at("注册时间"),
        ColumnSpec(
            "ext_field1",
            varchar(64),
            "备用字段1",
            const(None),
            trap="reserved spare column, always NULL",
        ),
    ),
)

member_addresses = TableSpec(
    "member_addresses",
    "会员收货地址",
    (
        id_column(),
        ColumnSpec("member_id", BIGINT, "会员ID", ref("members"), nullable=False),
        ColumnSpec("consignee", varchar(32), "收货人", use(g.chinese_name), "CN_NAME", "plaintext"),
        ColumnSpec(
            "phone",
            varchar(32),
            "联系电话",
            use(lambda r: g.mobile_digits(r) if r.random() < 0.8 else g.landline(r)),
            frozenset({"CN_MOBILE", "CN_LANDLINE"}),
            "plaintext",
            trap="mobiles and landlines in one column",
        ),
        ColumnSpec("province", varchar(16), "省", _province, trap="province alone is no address"),
        ColumnSpec("city", varchar(16), "市", _address_part(1)),
        ColumnSpec("district", varchar(16), "区/县", _address_part(2)),
        ColumnSpec(
            "detail_address",
            varchar(128),
            "详细地址",
            _address_part(3),
            "CN_ADDRESS",
            "plaintext",
            trap="address below the county, no province",
        ),
        ColumnSpec("postcode", char(6), "邮政编码", use(g.postcode)),
        ColumnSpec("tag", varchar(8), "地址标签", pick("家", "公司", "学校", "")),
        ColumnSpec("is_default", TINYINT, "是否默认地址", weighted((1, 1), (0, 2))),
    ),
    scale=1.5,
)

_MEMO = Mix(
    (
        ("blank", 60, const("")),
        (
            "note",
            25,
            pick(
                "尽快发货",
                "不要放驿站，放门卫",
                "周末送货",
                "礼品包装，不要放发票",
                "送人的，别放价签",
                "发顺丰",
            ),
        ),
        ("mobile", 10, use(lambda r: f"到了打我电话{g.mobile_digits(r)}")),
        ("landline", 5, use(lambda r: f"工作日送公司，前台电话{g.landline(r)}")),
    )
)


def _order_ext(ctx: RowContext) -> dict[str, object]:
    r = ctx.rng
    doc: dict[str, object] = {
        "source": r.choice(("app", "mini_program", "h5", "pc")),
        "coupon": {"id": r.randint(1000, 9999), "amount": r.choice(("5.00", "10.00", "20.00"))},
        "delivery": {"time": r.choice(("不限", "工作日", "周末")), "carrier": "SF"},
    }
    if r.random() < 0.4:
        personal = r.random() < 0.5
        doc["invoice"] = {
            "type": "电子普通发票",
            "title": g.chinese_name(r) if personal else company_name(r),
            "taxNo": None if personal else g.uscc(r),
            "receiver": {"email": g.email(r)},
        }
    return doc


def _receiver_phone() -> Mix:
    return dirty(
        use(g.mobile),
        placeholder=0.03,
        placeholders=MOBILE_PLACEHOLDERS,
        other=(("masked", 0.10, masked_mobile), ("privacy_number", 0.05, use(virtual_number))),
    )


orders = TableSpec(
    "orders",
    "订单主表",
    (
        id_column("订单ID"),
        ColumnSpec(
            "order_no",
            varchar(32),
            "订单编号",
            use(g.order_number),
            nullable=False,
            trap="16-19 digits failing Luhn, some starting 62",
        ),
        ColumnSpec(
            "out_trade_no",
            varchar(64),
            "商户订单号(支付用)",
            use(lambda r: "T" + moment(r).strftime("%Y%m%d%H%M%S") + digits(r, 6)),
        ),
        ColumnSpec("member_id", BIGINT, "会员ID", ref("members"), nullable=False),
        ColumnSpec(
            "receiver_name", varchar(32), "收货人姓名", use(g.chinese_name), "CN_NAME", "plaintext"
        ),
        ColumnSpec(
            "receiver_phone",
            varchar(32),
            "收货人电话",
            _receiver_phone(),
            "CN_MOBILE",
            "plaintext",
            trap="plaintext mixed with platform-masked and privacy numbers",
        ),
        ColumnSpec(
            "receiver_address", varchar(255), "收货地址", use(g.address), "CN_ADDRESS", "plaintext"
        ),
        ColumnSpec("total_amount", decimal_(12, 2), "订单总金额", money(9.9, 19999)),
        ColumnSpec("pay_amount", decimal_(12, 2), "实付金额", money(9.9, 19999)),
        ColumnSpec(
            "status", TINYINT, "订单状态:0待付款 1待发货 2已发货 3已完成 4已关闭", integer(0, 4)
        ),
        ColumnSpec(
            "buyer_memo",
            varchar(255),
            "买家留言",
            _MEMO,
            frozenset({"CN_MOBILE", "CN_LANDLINE"}),
            "plaintext",
            in_text=True,
            trap="mostly empty; personal data in a minority of rows",
        ),
        ColumnSpec(
            "ext_json",
            JSONDocument(),
            "扩展信息(发票等)",
            _order_ext,
            frozenset({"CN_NAME", "CN_USCC", "EMAIL_ADDRESS"}),
            "plaintext",
            in_text=True,
            trap="nested JSON, personal data in 40% of documents",
        ),
        created_at("下单时间"),
        ColumnSpec("paid_at", DATETIME, "支付时间", after("created_at", 5, 1800, null=0.15)),
    ),
    scale=3,
)

_PRODUCT_TITLES = (
    "Apple iPhone 15 Pro Max 256GB 原色钛金属",
    "小米14 Ultra 16GB+512GB 黑色",
    "华为 Mate 60 Pro 12GB+512GB 雅川青",
    "李宁 韦德之道11 篮球鞋 男款 42码",
    "王老吉 凉茶 310ml*24罐 整箱",
    "三只松鼠 每日坚果 750g/30包",
    "农夫山泉 饮用天然水 550ml*24瓶",
    "周大福 足金吊坠 约2.05g",
    "张小泉 不锈钢菜刀 家用",
    "老干妈 风味豆豉油制辣椒 280g",
    "李锦记 蒸鱼豉油 410ml",
    "王致和 白腐乳 340g",
    "良品铺子 猪肉脯 200g",
    "安踏 KT9 篮球鞋 43码",
)

order_items = TableSpec(
    "order_items",
    "订单明细",
    (
        id_column(),
        ColumnSpec("order_id", BIGINT, "订单ID", ref("orders"), nullable=False),
        ColumnSpec(
            "sku_code",
            varchar(32),
            "SKU编码",
            use(
                lambda r: (
                    "100" + digits(r, 9) if r.random() < 0.5 else g.eleven_digits_not_mobile(r)
                )
            ),
            trap="11-12 digit numbers starting 10-12, no mobile prefix",
        ),
        ColumnSpec(
            "product_name",
            varchar(128),
            "商品名称",
            pick(*_PRODUCT_TITLES),
            trap="brand names that look like personal names",
        ),
        ColumnSpec("quantity", INT, "购买数量", integer(1, 5)),
        ColumnSpec("unit_price", decimal_(10, 2), "单价", money(1, 9999)),
    ),
    scale=6,
)


def _pay_channel(ctx: RowContext) -> str:
    return ctx.rng.choices(("alipay", "wechat", "unionpay"), weights=(45, 40, 15))[0]


def _card_no(ctx: RowContext) -> str | None:
    if ctx.values["pay_channel"] != "unionpay":
        return None
    card = g.bank_card_digits(ctx.rng)
    ctx.values["_card"] = card
    if ctx.rng.random() < 0.7:
        return card
    return ctx.rng.choice(" -").join(card[i : i + 4] for i in range(0, len(card), 4))


def _card_masked(ctx: RowContext) -> str | None:
    card = ctx.values.get("_card")
    return None if card is None else mask_card(card)


def _card_holder(ctx: RowContext) -> str | None:
    return g.chinese_name(ctx.rng) if ctx.values["pay_channel"] == "unionpay" else None


def _trade_no(ctx: RowContext) -> str:
    channel = ctx.values["pay_channel"]
    if channel == "alipay":
        return alipay_trade_no(ctx.rng)
    if channel == "wechat":
        return wechat_transaction_id(ctx.rng)
    return not_luhn(lambda r: "62" + digits(r, 17))(ctx.rng)


def _notify_raw(ctx: RowContext) -> str:
    r = ctx.rng
    channel = ctx.values["pay_channel"]
    trade_no = ctx.values["trade_no"]
    if channel == "alipay":
        buyer = mask_mobile(g.mobile_digits(r)) if r.random() < 0.7 else mask_email(g.email(r))
        return (
            f"gmt_create={moment(r):%Y-%m-%d+%H:%M:%S}&charset=utf-8&notify_type=trade_status_sync"
            f"&buyer_logon_id={buyer}&buyer_id=2088{digits(r, 12)}&trade_no={trade_no}"
            f"&total_amount={_money_text(r)}&trade_status=TRADE_SUCCESS&sign_type=RSA2"
        )
    if channel == "wechat":
        return (
            f"<xml><appid>wx{digits(r, 16)}</appid><mch_id>19{digits(r, 8)}</mch_id>"
            f"<openid>{_openid(r)}</openid><transaction_id>{trade_no}</transaction_id>"
            f"<total_fee>{r.randint(100, 99999)}</total_fee>"
            "<result_code>SUCCESS</result_code></xml>"
        )
    card = ctx.values.get("_card") or g.bank_card_digits(r)
    return (
        f"respCode=00&respMsg=success&accNo={mask_card(card)}&queryId={trade_no}"
        f"&txnAmt={r.randint(100, 99999)}"
    )


payments = TableSpec(
    "payments",
    "支付流水",
    (
        id_column(),
        ColumnSpec("order_id", BIGINT, "订单ID", ref("orders"), nullable=False),
        ColumnSpec("pay_channel", varchar(16), "支付渠道:alipay/wechat/unionpay", _pay_channel),
        ColumnSpec(
            "trade_no",
            varchar(64),
            "支付平台交易号",
            _trade_no,
            trap="28-digit Alipay/WeChat numbers; 19-digit 62… numbers failing Luhn",
        ),
        ColumnSpec(
            "card_no",
            varchar(32),
            "银行卡号",
            _card_no,
            "BANK_CARD",
            "plaintext",
            trap="NULL except for card payments",
        ),
        ColumnSpec(
            "card_no_masked", varchar(32), "银行卡号(脱敏)", _card_masked, "BANK_CARD", "masked"
        ),
        ColumnSpec("card_holder", varchar(32), "持卡人", _card_holder, "CN_NAME", "plaintext"),
        ColumnSpec("amount", decimal_(12, 2), "支付金额", money(0.01, 19999)),
        ColumnSpec(
            "notify_raw",
            varchar(1000),
            "支付回调原文",
            _notify_raw,
            frozenset({"CN_MOBILE", "EMAIL_ADDRESS", "BANK_CARD"}),
            "masked",
            in_text=True,
            trap="form-encoded / XML text whose personal values are already masked",
        ),
        ColumnSpec("paid_at", DATETIME, "支付完成时间", timestamp_gen),
    ),
    scale=3,
)


def _invoice_code(ctx: RowContext) -> str | None:
    if ctx.rng.random() < 0.5:
        return None  # fully digital invoices have no code
    return (
        "0"
        + ctx.rng.choice(("3300", "4403", "1100", "3100"))
        + ctx.rng.choice(("21", "22", "23", "24"))
        + digits(ctx.rng, 5)
    )


def _invoice_no(ctx: RowContext) -> str:
    if ctx.values["invoice_code"] is None:
        return (
            ctx.rng.choice(("23", "24", "25"))
            + ctx.rng.choice(("33", "44", "11", "31"))
            + ("2" + digits(ctx.rng, 15))
        )
    return digits(ctx.rng, 8)


def _buyer_title(ctx: RowContext) -> str:
    return g.chinese_name(ctx.rng) if ctx.values["title_type"] == 1 else company_name(ctx.rng)


def _buyer_tax_no(ctx: RowContext) -> str | None:
    return None if ctx.values["title_type"] == 1 else g.uscc(ctx.rng)


invoices = TableSpec(
    "invoices",
    "发票记录",
    (
        id_column(),
        ColumnSpec("order_id", BIGINT, "订单ID", ref("orders"), nullable=False),
        ColumnSpec(
            "invoice_code",
            varchar(12),
            "发票代码",
            _invoice_code,
            trap="12 digits; NULL for fully digital invoices",
        ),
        ColumnSpec("invoice_no", varchar(20), "发票号码", _invoice_no, trap="8 or 20 digits"),
        ColumnSpec("title_type", TINYINT, "抬头类型:1个人 2企业", weighted((1, 3), (2, 2))),
        ColumnSpec(
            "buyer_title",
            varchar(100),
            "发票抬头",
            _buyer_title,
            "CN_NAME",
            "plaintext",
            trap="personal names mixed with company names",
        ),
        ColumnSpec(
            "buyer_tax_no", varchar(20), "购买方纳税人识别号", _buyer_tax_no, "CN_USCC", "plaintext"
        ),
        ColumnSpec(
            "buyer_email", varchar(128), "收票邮箱", use(g.email), "EMAIL_ADDRESS", "plaintext"
        ),
        ColumnSpec(
            "buyer_phone", varchar(20), "收票手机", use(g.mobile_digits), "CN_MOBILE", "plaintext"
        ),
        ColumnSpec("amount", decimal_(12, 2), "开票金额", money(1, 19999)),
        ColumnSpec("issued_at", DATETIME, "开票时间", timestamp_gen),
    ),
    scale=0.8,
)

_CHAT_ENTITIES = frozenset(
    {
        "CN_MOBILE",
        "CN_LANDLINE",
        "CN_ADDRESS",
        "CN_NAME",
        "BANK_CARD",
        "CN_ID_CARD",
        "EMAIL_ADDRESS",
    }
)
_CHAT = Mix(
    (
        (
            "chat",
            14,
            pick(
                "在吗？",
                "你好",
                "好的，谢谢",
                "[图片]",
                "这个尺码偏大吗？",
                "什么时候有货？",
                "可以开发票吗",
                "收到了，质量不错",
            ),
        ),
        (
            "agent",
            12,
            pick(
                "亲，您好，很高兴为您服务～",
                "亲，已为您加急处理，请耐心等待哦",
                "亲，还有其他可以帮您的吗？",
                "亲，稍等，正在为您查询",
            ),
        ),
        ("order_no", 8, use(lambda r: f"你好，我的订单{g.order_number(r)}什么时候发货？")),
        ("tracking_no", 5, use(lambda r: f"快递单号{tracking_no(r)}三天没更新了")),
        (
            "privacy_hint",
            4,
            const("亲，为保护您的隐私，请勿在聊天中发送身份证号、银行卡号等信息哦"),
        ),
        (
            "card_tail",
            4,
            use(lambda r: f"亲，退款{_money_text(r)}元将原路退回尾号{digits(r, 4)}的银行卡"),
        ),
        (
            "address",
            8,
            use(
                lambda r: (
                    f"地址改一下：{g.address(r)}，收件人{g.chinese_name(r)}，电话{g.mobile(r)}"
                )
            ),
        ),
        ("mobile", 6, use(lambda r: f"我换号了，新号码{g.mobile(r)}，之前那个不用了")),
        ("landline", 2, use(lambda r: f"白天打我单位电话{g.landline(r)}")),
        (
            "bank_card",
            3,
            use(lambda r: f"退款直接打到我卡上吧，{g.bank_card(r)}，户名{g.chinese_name(r)}"),
        ),
        ("id_card", 3, use(lambda r: f"实名认证一直失败，身份证号{g.id_card(r)}，帮我看下")),
        ("email", 3, use(lambda r: f"电子发票发我邮箱{g.email(r)}")),
        (
            "masked",
            3,
            use(lambda r: f"亲，您预留的手机号是{mask_mobile(g.mobile_digits(r))}，请核对"),
        ),
    )
)

cs_messages = TableSpec(
    "cs_messages",
    "客服会话消息",
    (
        id_column(),
        ColumnSpec("session_id", char(36), "会话ID", use(g.uuid_string)),
        ColumnSpec("member_id", BIGINT, "会员ID", ref("members")),
        ColumnSpec("sender", TINYINT, "发送方:1客户 2客服", integer(1, 2)),
        ColumnSpec(
            "agent_name",
            varchar(32),
            "客服昵称",
            pick("客服-小美", "客服-阿杰", "售后-橙子", "机器人小蜜"),
        ),
        ColumnSpec("msg_type", varchar(16), "消息类型", weighted(("text", 9), ("image", 1))),
        ColumnSpec(
            "content",
            long_text(),
            "消息内容",
            _CHAT,
            _CHAT_ENTITIES,
            "plaintext",
            in_text=True,
            trap="free text: personal data in a third of messages, order and tracking "
            "numbers, context words without values, masked numbers",
        ),
        created_at("发送时间"),
    ),
    scale=4,
)

login_logs = TableSpec(
    "login_logs",
    "会员登录日志",
    (
        id_column(),
        ColumnSpec("member_id", BIGINT, "会员ID", ref("members")),
        ColumnSpec("login_ip", varchar(45), "登录IP", use(ip_any), "IP_ADDRESS", "plaintext"),
        ColumnSpec(
            "user_agent",
            varchar(512),
            "User-Agent",
            user_agent,
            trap="Chrome/120.0.0.0 is a dotted quad, not an IP",
        ),
        ColumnSpec("device_id", varchar(64), "设备ID", use(g.uuid_string)),
        ColumnSpec(
            "login_type", varchar(16), "登录方式", pick("password", "sms", "wechat", "alipay")
        ),
        ColumnSpec("result", TINYINT, "结果:1成功 0失败", weighted((1, 9), (0, 1))),
        ColumnSpec(
            "location",
            varchar(64),
            "登录地点",
            pick(
                "浙江省杭州市",
                "广东省深圳市",
                "内网IP",
                "中国|0|上海|上海市|电信",
                "北京市",
                "未知",
            ),
            trap="province/city from IP lookup, not an address",
        ),
        ColumnSpec("login_time", DATETIME, "登录时间", timestamp_gen),
    ),
    scale=5,
)


def _jwt(rng: random.Random) -> str:
    while True:
        snippet = g.secret_snippet(rng)
        value = snippet.text[snippet.start : snippet.end]
        if value.startswith("eyJ"):
            return value


access_tokens = TableSpec(
    "access_tokens",
    "OAuth访问令牌",
    (
        id_column(),
        ColumnSpec("member_id", BIGINT, "会员ID", ref("members")),
        ColumnSpec(
            "client_id", varchar(32), "客户端", pick("app_ios", "app_android", "mini_program")
        ),
        ColumnSpec(
            "access_token", varchar(1024), "访问令牌(JWT)", use(_jwt), "SECRET", "plaintext"
        ),
        ColumnSpec(
            "refresh_token_hash",
            char(64),
            "刷新令牌SHA256",
            use(lambda r: sha256_hex(r.randbytes(24).hex())),
            "SECRET",
            "hashed",
        ),
        ColumnSpec(
            "client_ip", varchar(45), "签发时客户端IP", use(ip_any), "IP_ADDRESS", "plaintext"
        ),
        created_at("签发时间"),
        ColumnSpec("expires_at", DATETIME, "过期时间", after("created_at", 7200, 7200)),
        ColumnSpec("revoked", TINYINT, "是否吊销", weighted((0, 9), (1, 1))),
    ),
    scale=0.5,
)


def _service_number(rng: random.Random) -> str:
    """A nationwide 400 / 800 service number (``400-820-8820``): no area code."""
    head, a, b = rng.choice(("400", "800")), digits(rng, 3), digits(rng, 4)
    return rng.choice((f"{head}-{a}-{b}", f"{head}{a}{b}", f"{head} {a} {b}"))


def _description(ctx: RowContext) -> str:
    r = ctx.rng
    title = ctx.values["title"]
    image = r.randbytes(8).hex()
    spec = (
        f"<table><tr><td>型号</td><td>{title.split()[0]}-{r.randint(100, 999)}</td></tr>"
        f"<tr><td>尺寸</td><td>{r.randint(100, 300)}.{r.randint(0, 9)}×{r.randint(50, 90)}"
        f".{r.randint(0, 9)}×8.{r.randint(0, 9)}mm</td></tr>"
        f"<tr><td>生产许可证编号</td><td>SC{digits(r, 14)}</td></tr>"
        f"<tr><td>执行标准</td><td>GB/T {r.randint(1000, 40000)}-20{r.randint(10, 24)}</td></tr>"
        f"<tr><td>版本</td><td>{g.version_string(r)}</td></tr></table>"
    )
    notice = (
        "<p>温馨提示：由于拍摄光线及显示器差异，图片与实物可能存在轻微色差，请以实物为准。"
        "七天无理由退换货，退换货请联系在线客服，请勿直接寄回。</p>"
    )
    return (
        f'<div class="detail"><p><img src="https://img.shop.example.cn/{image}/detail_1@2x.jpg"/>'
        f"</p><h2>{title}</h2>{spec}{notice * r.randint(1, 3)}</div>"
    )


products = TableSpec(
    "products",
    "商品",
    (
        id_column("商品ID"),
        ColumnSpec("spu_code", varchar(32), "SPU编码", use(lambda r: "SPU" + digits(r, 10))),
        ColumnSpec(
            "barcode",
            char(13),
            "商品条码(EAN-13)",
            use(ean13),
            trap="13-digit GS1 barcode with a valid check digit",
        ),
        ColumnSpec("title", varchar(128), "商品标题", pick(*_PRODUCT_TITLES)),
        ColumnSpec("price", decimal_(10, 2), "售价", money(1, 9999)),
        ColumnSpec("stock", INT, "库存", integer(0, 5000)),
        ColumnSpec("supplier_name", varchar(100), "供应商名称", use(company_name)),
        ColumnSpec(
            "supplier_uscc",
            varchar(18),
            "供应商统一社会信用代码",
            use(g.uscc),
            "CN_USCC",
            "plaintext",
        ),
        ColumnSpec(
            "service_phone",
            varchar(20),
            "售后电话",
            use(_service_number),
            trap="400/800 service numbers have no area code: not landlines",
        ),
        ColumnSpec(
            "description",
            long_text(),
            "商品详情(HTML)",
            _description,
            trap="long HTML with sizes, licence numbers, versions and logo@2x.jpg",
        ),
        ColumnSpec(
            "created_at",
            DATETIME,
            "上架时间",
            lambda ctx: dt.datetime(2022, 6, 1) + dt.timedelta(hours=ctx.index * 7),
        ),
    ),
    scale=0.5,
)

SCHEMA = SchemaSpec(
    "shop",
    "E-commerce store: members, addresses, orders, payments, invoices, chat, logins, tokens.",
    (
        members,
        member_addresses,
        orders,
        order_items,
        payments,
        invoices,
        cs_messages,
        login_logs,
        access_tokens,
        products,
    ),
)
