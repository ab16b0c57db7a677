"""The generated PostgreSQL database that ``benchmarks/scan_db.py`` scans, and its truth.

:func:`ensure_database` builds (or reuses) a database of business tables like those of
Chinese e-commerce, logistics, payment, CRM, HR, education, hotel and ride-hailing systems:
by default 220 tables and 10.5 M rows (with ``dg_bench_meta``: 221 tables, 2,577 columns), six
tables of 0.8-2 M rows hold 80% of the rows, 33 tables of 18-85 k rows 15%, and the other
181 tables 165 to 17 k rows each. Columns are:

* personal data under informative names (``mobile``, ``receiver_phone``, ``id_card``,
  ``bank_card_no``, ``email``, ``address``, ``real_name``, ``passport_no``, ``credit_code``,
  ``plate_no``, ``login_ip``, ``access_token`` ...) and under uninformative ones (``c3``,
  ``ext_field2``, ``remark``, ``data``), with or without a Chinese column comment
  (``COMMENT ON COLUMN ... IS '身份证号'``); mobile numbers in ``BIGINT`` columns; IPs in
  ``INET`` columns; some columns mostly NULL;
* dirty personal data: a share of placeholders (``无``, ``N/A``, ``''``), ID numbers with a
  wrong check character or date, card numbers failing Luhn, legacy 15-digit IDs;
* free text with personal data inside sentences (remarks, customer-service chat, SMS
  contents, operation logs) and JSON / ``jsonb`` documents with nested personal data;
* look-alikes holding no personal data: order and trade numbers (16-19 digits failing Luhn),
  tracking numbers, SKU codes and EAN barcodes, amounts (``13800.00``), epoch timestamps,
  snowflake ids, 11-digit serials that are not mobiles, UUIDs, versions, postcodes, company
  and product names, province / city columns, status codes;
* already protected columns: masked (``138****1050``), SHA-256 / MD5 hex digests, base64
  ciphertext, often under names and comments that say what they protect (``mobile_enc``,
  ``手机号(密文)``): their truth is "no personal data".

Values come from :mod:`dataguard.testing.generators` (never Faker). Generating 10 M rows one
value at a time in Python would take most of an hour, so per value family a pool of
``pool`` distinct values (default 50,000) is generated once, each column mixes pools in its
own proportions (say 92% valid IDs, 3% wrong check character, 5% placeholders), and the rows
draw from the mix with numpy; polars writes the CSV text that ``COPY ... FROM STDIN`` loads.
Values therefore repeat, as they do in real tables.

Truth, per column: ``entity`` (a standards.md §1 name, or None), ``entities`` (every entity
the column holds: several for free text and JSON), ``kind`` (``value``, ``text``, ``json``
or ``none``), the value ``family`` and whether the name / comment is informative. It is
written to ``benchmarks/out/scan_db_truth.json`` and kept inside the database, in the
table ``dg_bench_meta`` (its two columns are part of the truth too, as "no personal data").
The marker row there names the generator version, seed and sizes; a database with the same
marker is reused, anything else is rebuilt.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import random
import string
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from dataguard.testing import generators as gen

#: Bump when anything below changes the database, so a stale one is rebuilt.
GENERATOR_VERSION = 1
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dg_bench_scan"
#: The database the ``CREATE DATABASE`` runs in (AUTOCOMMIT).
ADMIN_DB = "test"
DEFAULT_SEED = 20240611
DEFAULT_TABLES = 220
DEFAULT_ROWS = 10_500_000
DEFAULT_POOL = 50_000
META_TABLE = "dg_bench_meta"
HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TRUTH_PATH = OUT / "scan_db_truth.json"
#: Rows per CSV chunk handed to COPY.
CHUNK_ROWS = 200_000

# ---------------------------------------------------------------------------------------------
# Value pools
# ---------------------------------------------------------------------------------------------

_PLACEHOLDERS = ("", "无", "暂无", "N/A", "null", "-", "0", "未知", "待补充", "test", "/")
_CARRIERS = (("SF", 12), ("YT", 13), ("JDX", 12), ("JT", 13), ("DPK", 12), ("", 12), ("", 14))
_BRANDS = ("华为", "小米", "农夫山泉", "三只松鼠", "李宁", "安踏", "格力", "美的", "Apple", "OPPO")
_ITEMS = ("手机", "矿泉水", "坚果礼盒", "运动鞋", "空调", "电饭煲", "耳机", "T恤", "充电宝", "台灯")
_SPECS = ("黑色", "白色", "256G", "550ml*24瓶", "XL", "42码", "1.5匹", "4L", "礼盒装", "标准版")
_CITIES = ("杭州", "上海", "北京", "深圳", "成都", "武汉", "南京", "苏州", "西安", "厦门")
_CO_WORDS = ("云帆", "数智", "恒通", "鼎盛", "华信", "锦程", "星河", "远景", "博雅", "汇丰源")
_CO_KINDS = ("科技有限公司", "贸易有限公司", "网络科技有限公司", "物流有限公司", "餐饮管理有限公司")
_STATUS = ("WAIT_PAY", "PAID", "SHIPPED", "FINISHED", "CLOSED", "待发货", "已完成", "退款中")
_CHANNELS = ("alipay", "wechat", "unionpay", "balance", "app", "h5", "mini_program")
_BANKS = ("中国工商银行", "中国建设银行", "中国农业银行", "招商银行", "中国银行", "杭州银行")
_PROVINCES = ("浙江省", "广东省", "江苏省", "四川省", "北京市", "上海市", "湖北省", "山东省")
_CITY_NAMES = ("杭州市", "广州市", "南京市", "成都市", "武汉市", "青岛市", "宁波市", "深圳市")
_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15",
    "Mozilla/5.0 (Linux; Android 13; M2012K11AC) AppleWebKit/537.36 Chrome/116.0 Mobile",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
    "okhttp/4.9.3",
    "MicroMessenger/8.0.44 NetType/WIFI Language/zh_CN",
)
_PLAIN_REMARKS = (
    "请尽快发货",
    "不要放快递柜，送货上门",
    "周末不在家，工作日送",
    "已电话确认",
    "客户要求开具电子发票",
    "包装破损，已补发",
    "系统自动关闭",
    "优惠券已退回",
    "",
)
_CHAT_PLAIN = (
    "您好，请问有什么可以帮您？",
    "好的，我帮您查一下",
    "快递显示已签收了",
    "麻烦尽快处理，谢谢",
    "已为您登记，请耐心等待",
    "还有其他问题吗？",
)


def _choose(rng: random.Random, items: Sequence[str]) -> str:
    return items[rng.randrange(len(items))]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choices(string.digits, k=n))


def _secret_values(rng: random.Random, n: int) -> dict[str, list[str]]:
    """Secret values by shape: ``token`` (tokens, JWTs, AKIA keys), ``password``, ``sms``."""
    out: dict[str, list[str]] = {"token": [], "password": [], "sms": []}
    while min(len(v) for v in out.values()) < n:
        s = gen.secret_snippet(rng)
        value = s.text[s.start : s.end]
        if value.isdigit():
            key = "sms"
        elif s.text.lower().startswith(("pass", "pwd")):
            key = "password"
        else:
            key = "token"
        if len(out[key]) < n:
            out[key].append(value)
    return out


def _trade_no(rng: random.Random) -> str:
    while True:
        number = gen.order_number(rng)
        if len(number) == 19:
            return number


def _tracking_no(rng: random.Random) -> str:
    prefix, n = _choose(rng, _CARRIERS)
    return prefix + ("7" if not prefix else "") + _digits(rng, n - (0 if prefix else 1))


def _sku(rng: random.Random) -> str:
    if rng.random() < 0.4:
        body = "69" + _digits(rng, 10)  # EAN-13, a Chinese GS1 prefix; checksum ignored
        return body + str(rng.randrange(10))
    letters = "".join(rng.choices(string.ascii_uppercase, k=rng.randint(2, 3)))
    return f"{letters}-{_digits(rng, rng.randint(4, 8))}"


def _product(rng: random.Random) -> str:
    return f"{_choose(rng, _BRANDS)}{_choose(rng, _ITEMS)} {_choose(rng, _SPECS)}"


def _company(rng: random.Random) -> str:
    return f"{_choose(rng, _CITIES)}{_choose(rng, _CO_WORDS)}{_choose(rng, _CO_KINDS)}"


def _username(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.4:
        return f"user_{rng.randint(1000, 99999999)}"
    if roll < 0.7:
        return f"wx_{rng.getrandbits(40):010x}"
    return f"{_choose(rng, ('admin', 'ops', 'kefu', 'dev', 'sys'))}{rng.randint(1, 999):03d}"


def _masked_mobile(rng: random.Random) -> str:
    d = gen.mobile_digits(rng)
    return d[:3] + "****" + d[7:] if rng.random() < 0.8 else "*******" + d[7:]


def _cipher(rng: random.Random) -> str:
    text = base64.b64encode(rng.randbytes(rng.choice((16, 24, 32, 48)))).decode("ascii")
    return text if rng.random() < 0.8 else f"ENC({text})"


def _md5(rng: random.Random) -> str:
    return hashlib.md5(rng.randbytes(16), usedforsecurity=False).hexdigest()


def _url(rng: random.Random) -> str:
    host = _choose(rng, ("img.example.cn", "cdn.shop.example.com", "oss.example.com.cn"))
    return (
        f"https://{host}/{_choose(rng, ('item', 'avatar', 'banner'))}/{rng.getrandbits(48):x}.jpg"
    )


def _vin(rng: random.Random) -> str:
    alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    return "L" + "".join(rng.choices(alphabet, k=16))


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# Free text: (template, entities it carries). The truth of a text column is the union of
# the entities of its templates (its PII templates are all drawn over a big enough sample).
_RemarkT = tuple[Callable[[random.Random], str], frozenset[str]]
_REMARK_PII: tuple[_RemarkT, ...] = (
    (lambda r: f"客户来电{gen.mobile_digits(r)}要求改地址", frozenset({"CN_MOBILE"})),
    (
        lambda r: f"收件人{gen.chinese_name(r)}，电话{gen.mobile(r)}",
        frozenset({"CN_NAME", "CN_MOBILE"}),
    ),
    (lambda r: f"改寄到{gen.address(r)}，到了打电话", frozenset({"CN_ADDRESS"})),
    (lambda r: f"退款到银行卡{gen.bank_card(r)}", frozenset({"BANK_CARD"})),
    (lambda r: f"发票发到邮箱{gen.email(r)}", frozenset({"EMAIL_ADDRESS"})),
    (lambda r: f"实名认证失败，身份证号{gen.id_card(r)}", frozenset({"CN_ID_CARD"})),
    (lambda r: f"座机{gen.landline(r)}，白天有人", frozenset({"CN_LANDLINE"})),
)
_REMARK_MOBILE: tuple[_RemarkT, ...] = (
    (lambda r: f"客户来电{gen.mobile_digits(r)}要求改地址", frozenset({"CN_MOBILE"})),
    (lambda r: f"联系不上，备用号码{gen.mobile(r)}", frozenset({"CN_MOBILE"})),
    (lambda r: f"请送货前打{gen.mobile_digits(r)}", frozenset({"CN_MOBILE"})),
)
_CHAT_PII: tuple[_RemarkT, ...] = (
    (lambda r: f"我的手机号是{gen.mobile_digits(r)}", frozenset({"CN_MOBILE"})),
    (lambda r: f"地址改成{gen.address(r)}吧", frozenset({"CN_ADDRESS"})),
    (lambda r: f"收货人写{gen.chinese_name(r)}就行", frozenset({"CN_NAME"})),
    (
        lambda r: f"订单{gen.order_number(r)}怎么还没到，电话{gen.mobile(r)}",
        frozenset({"CN_MOBILE"}),
    ),
)
_LOG_PII: tuple[_RemarkT, ...] = (
    (
        lambda r: f"用户{gen.mobile_digits(r)}登录成功，IP {gen.ipv4(r)}",
        frozenset({"CN_MOBILE", "IP_ADDRESS"}),
    ),
    (
        lambda r: f"login ok uid={r.randint(10000, 9999999)} ip={gen.ipv4(r)}",
        frozenset({"IP_ADDRESS"}),
    ),
    (
        lambda r: f"修改手机号 old={gen.mobile_digits(r)} new={gen.mobile_digits(r)}",
        frozenset({"CN_MOBILE"}),
    ),
)
_LOG_PLAIN = (
    lambda r: f"导出报表 rows={r.randint(1, 50000)} cost={r.randint(5, 9000)}ms",
    lambda r: f"定时任务 job_{r.randint(1, 99)} 执行完成",
    lambda r: f"更新订单状态 {gen.order_number(r)} -> {_choose(r, _STATUS)}",
    lambda r: f"request_id={gen.uuid_string(r)} status=200",
)
_SMS_PII: tuple[_RemarkT, ...] = (
    (
        lambda r: f"【优选商城】您的验证码是{_digits(r, 6)}，5分钟内有效，请勿泄露",
        frozenset({"SECRET"}),
    ),
    (lambda r: f"【优选商城】验证码：{_digits(r, 6)}。如非本人操作请忽略", frozenset({"SECRET"})),
)
_SMS_PLAIN = (
    lambda r: f"【优选商城】您的订单{gen.order_number(r)}已发货，请注意查收",
    lambda r: "【优选商城】会员日全场满199减30，回T退订",
    lambda r: f"【优选商城】您已成功支付{gen.amount(r)}元",
)


def _text_pool(
    rng: random.Random,
    n: int,
    pii: Sequence[_RemarkT],
    plain: Sequence[Callable[[random.Random], str]],
    rate: float,
) -> list[str]:
    out = []
    for _ in range(n):
        if rng.random() < rate:
            out.append(pii[rng.randrange(len(pii))][0](rng))
        else:
            out.append(plain[rng.randrange(len(plain))](rng))
    return out


def _plain_remark(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return f"补发订单{gen.order_number(rng)}"
    if roll < 0.25:
        return f"差价{gen.amount(rng)}元已退回"
    return _choose(rng, _PLAIN_REMARKS)


def _entities(templates: Sequence[_RemarkT]) -> frozenset[str]:
    out: set[str] = set()
    for _, ents in templates:
        out |= ents
    return frozenset(out)


#: Text pool -> (entities, rate of PII sentences).
TEXT_POOLS: dict[str, tuple[frozenset[str], float]] = {
    "remark_pii": (_entities(_REMARK_PII), 0.30),
    "remark_mobile": (_entities(_REMARK_MOBILE), 0.40),
    "chat": (_entities(_CHAT_PII), 0.35),
    "log_msg": (_entities(_LOG_PII), 0.40),
    "sms_content": (_entities(_SMS_PII), 0.50),
}
JSON_POOLS: dict[str, frozenset[str]] = {
    "json_receiver": frozenset({"CN_NAME", "CN_MOBILE", "CN_ADDRESS"}),
    "json_device": frozenset({"IP_ADDRESS"}),
    "json_kyc": frozenset({"CN_NAME", "CN_ID_CARD", "BANK_CARD"}),
    "json_auth": frozenset({"SECRET"}),
}


def build_pools(seed: int, size: int) -> dict[str, list[str]]:
    """Every string pool by name: *size* values each (placeholders and the like fewer)."""
    pools: dict[str, list[str]] = {}

    def rng_for(name: str) -> random.Random:
        return random.Random(f"{seed}:{name}")

    def many(name: str, fn: Callable[[random.Random], str], n: int = size) -> None:
        r = rng_for(name)
        pools[name] = [fn(r) for _ in range(n)]

    small = max(size // 10, 100)
    # personal data
    many("mobile", gen.mobile)
    many("mobile_plain", gen.mobile_digits)
    many("landline", gen.landline)
    many("id_card", gen.id_card)
    many("id_card_legacy", gen.id_card_legacy, small)
    many("bank_card", gen.bank_card)
    many("bank_card_plain", gen.bank_card_digits)
    many("email", gen.email)
    many("address", gen.address)
    many("name", gen.chinese_name)
    many("passport", gen.passport)
    many("uscc", gen.uscc)
    many("plate", gen.license_plate)
    many("ipv4", gen.ipv4)
    pools.update(_secret_values(rng_for("secret"), size))
    # dirt
    pools["placeholder"] = list(_PLACEHOLDERS)
    many("id_bad_check", gen.id_card_bad_check, small)
    many("id_bad_date", gen.id_card_bad_date, small)
    pools["bad_id"] = pools["id_bad_check"] + pools["id_bad_date"]
    many("card_bad_luhn", gen.bank_card_luhn_invalid, small)
    many("uscc_bad_check", gen.uscc_bad_check, small)
    # look-alikes and plain business data
    many("order_no", gen.order_number)
    many("trade_no", _trade_no)
    many("tracking_no", _tracking_no)
    many("sku", _sku)
    many("amount_text", gen.amount)
    many("timestamp_text", gen.timestamp)
    many("date_text", gen.date_string)
    many("uuid", gen.uuid_string)
    many("sha256", gen.hex_hash)
    many("md5", _md5)
    many("masked_mobile", _masked_mobile)
    many("masked_any", gen.masked_value)
    many("cipher", _cipher)
    many("version", gen.version_string, small)
    many("postcode", gen.postcode, small)
    many("eleven_digits", gen.eleven_digits_not_mobile)
    many("product", _product, small)
    many("company", _company, small)
    many("username", _username)
    many("url", _url)
    many("vin", _vin)
    pools["status_text"] = list(_STATUS)
    pools["channel"] = list(_CHANNELS)
    pools["bank_name"] = list(_BANKS)
    pools["province"] = list(_PROVINCES)
    pools["city"] = list(_CITY_NAMES)
    pools["ua"] = list(_UA)
    many("remark_plain", _plain_remark, small)
    # free text with personal data inside
    r = rng_for("remark_pii")
    pools["remark_pii"] = _text_pool(r, size, _REMARK_PII, (_plain_remark,), 0.30)
    r = rng_for("remark_mobile")
    pools["remark_mobile"] = _text_pool(r, size, _REMARK_MOBILE, (_plain_remark,), 0.40)
    r = rng_for("chat")
    chat_plain = [lambda rr: _choose(rr, _CHAT_PLAIN)]
    pools["chat"] = _text_pool(r, size, _CHAT_PII, chat_plain, 0.35)
    r = rng_for("log_msg")
    pools["log_msg"] = _text_pool(r, size, _LOG_PII, _LOG_PLAIN, 0.40)
    r = rng_for("sms_content")
    pools["sms_content"] = _text_pool(r, size, _SMS_PII, _SMS_PLAIN, 0.50)
    # JSON documents
    r = rng_for("json")
    pools["json_receiver"] = [
        _json(
            {
                "receiver": {"name": gen.chinese_name(r), "mobile": gen.mobile_digits(r)},
                "address": gen.address(r),
                "postcode": gen.postcode(r),
                "tags": ["vip"] if r.random() < 0.2 else [],
            }
        )
        for _ in range(size)
    ]
    pools["json_device"] = [
        _json(
            {
                "ip": gen.ipv4(r),
                "os": _choose(r, ("Android 13", "iOS 17.2", "Windows 10", "HarmonyOS 4")),
                "app_version": gen.version_string(r),
                "net": _choose(r, ("wifi", "4g", "5g")),
            }
        )
        for _ in range(size)
    ]
    pools["json_kyc"] = [
        _json(
            {
                "realName": gen.chinese_name(r),
                "idCard": gen.id_card(r),
                "bank": {"cardNo": gen.bank_card_digits(r), "bankName": _choose(r, _BANKS)},
                "score": r.randint(60, 100),
            }
        )
        for _ in range(size)
    ]
    pools["json_auth"] = [
        _json(
            {
                "access_token": pools["token"][i],
                "expires_in": 7200,
                "scope": _choose(r, ("snsapi_base", "read", "read write")),
            }
        )
        for i in range(size)
    ]
    pools["json_plain"] = [
        _json(
            {
                "color": _choose(r, ("黑色", "白色", "红色")),
                "size": _choose(r, ("S", "M", "L", "XL")),
                "channel": _choose(r, _CHANNELS),
                "count": r.randint(1, 20),
            }
        )
        for _ in range(small)
    ]
    return pools


# ---------------------------------------------------------------------------------------------
# Column families: what a column holds, its truth and how it may be named
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    """A kind of column.

    Attributes:
        key: the family name (recorded in the truth).
        entity: the truth entity (None: no personal data).
        sqltype: the PostgreSQL type.
        names: informative column names.
        comments: Chinese column comments.
        mix: (pool, weight) the values come from; a pool name starting ``np:`` is a
            numpy-generated typed column.
        nulls: share of NULL values.
        kind: ``value``, ``text`` or ``json`` (``none`` when entity is None).
        entities: every entity the column holds (defaults to {entity}).
        rename: may the column get an uninformative name.
    """

    key: str
    entity: str | None
    sqltype: str
    names: tuple[str, ...]
    comments: tuple[str, ...]
    mix: tuple[tuple[str, float], ...]
    nulls: float = 0.0
    kind: str = "value"
    entities: frozenset[str] = frozenset()
    rename: bool = True


def _f(
    key: str,
    entity: str | None,
    sqltype: str,
    names: str,
    comments: str,
    mix: Sequence[tuple[str, float]] | str,
    nulls: float = 0.0,
    rename: bool = True,
) -> Family:
    if isinstance(mix, str):
        mix = ((mix, 1.0),)
    kind = "value" if entity else "none"
    return Family(
        key,
        entity,
        sqltype,
        tuple(names.split()),
        tuple(comments.split()),
        tuple(mix),
        nulls,
        kind,
        frozenset({entity}) if entity else frozenset(),
        rename,
    )


def _text(key: str, pool: str, names: str, comments: str, sqltype: str = "TEXT") -> Family:
    if pool in TEXT_POOLS:
        ents, kind = TEXT_POOLS[pool][0], "text"
    else:
        ents, kind = JSON_POOLS[pool], "json"
    primary = "CN_MOBILE" if "CN_MOBILE" in ents else sorted(ents)[0]
    return Family(
        key,
        primary,
        sqltype,
        tuple(names.split()),
        tuple(comments.split()),
        ((pool, 1.0),),
        0.05,
        kind,
        ents,
        False,
    )


#: Families with no personal data, one pool each: key | SQL type | pool (``np:`` numpy) |
#: names | comments.
_LOOKALIKES = """
order_no     | VARCHAR(32)   | order_no       | order_no order_sn out_trade_no     | 订单号
trade_no     | VARCHAR(32)   | trade_no       | trade_no serial_no pay_serial      | 交易流水号
tracking_no  | VARCHAR(32)   | tracking_no    | tracking_no waybill_no express_no  | 运单号
sku          | VARCHAR(32)   | sku            | sku_code barcode goods_code        | 商品编码 条码
amount_text  | VARCHAR(20)   | amount_text    | amount_str pay_amount_str          | 金额
amount       | NUMERIC(12,2) | np:amount      | amount pay_amount total_fee price  | 金额 实付金额
epoch_ms     | BIGINT        | np:epoch_ms    | create_time_ms ts event_ts expire_at | 时间戳
epoch_text   | VARCHAR(16)   | timestamp_text | timestamp req_ts                   | 请求时间戳
date_text    | VARCHAR(32)   | date_text      | biz_date pay_date_str              | 业务日期
snowflake    | BIGINT        | np:snowflake   | biz_id flow_id trace_no            | 业务ID
serial11     | BIGINT        | np:serial11    | seq_no serial                      | 序列号
bad_id       | VARCHAR(18)   | bad_id         | biz_serial ref_code                | 业务编号
uuid         | VARCHAR(36)   | uuid           | request_id trace_id device_id      | 请求ID 设备ID
version      | VARCHAR(16)   | version        | app_version os_version             | 版本号
postcode     | VARCHAR(6)    | postcode       | postcode zip_code                  | 邮编
status_text  | VARCHAR(16)   | status_text    | status order_status state          | 状态
status_int   | SMALLINT      | np:status      | status type level gender source    | 状态 类型
channel      | VARCHAR(16)   | channel        | channel pay_channel platform       | 渠道
bank_name    | VARCHAR(32)   | bank_name      | bank_name open_bank                | 开户行
product      | VARCHAR(128)  | product        | product_name goods_name title      | 商品名称
company      | VARCHAR(128)  | company        | company_name merchant_name shop_name
    | 公司名称 商户名称
username     | VARCHAR(64)   | username       | username login_name operator creator
    | 登录名 操作人
url          | VARCHAR(255)  | url            | avatar_url image_url pic_url       | 图片地址
ua           | VARCHAR(255)  | ua             | user_agent ua                      | UA
vin          | VARCHAR(17)   | vin            | vin frame_no                       | 车架号
province     | VARCHAR(32)   | province       | province                           | 省份
city         | VARCHAR(32)   | city           | city                               | 城市
remark_plain | VARCHAR(255)  | remark_plain   | remark description node_desc       | 说明 描述
json_plain   | JSONB         | json_plain     | ext attrs spec_json                | 扩展属性
ts           | TIMESTAMP     | np:ts          | pay_time send_time login_time event_time | 时间
qty          | INTEGER       | np:qty         | quantity stock points num          | 数量
flag         | BOOLEAN       | np:bool        | is_default enabled is_vip          | 是否
ref_id       | BIGINT        | np:ref_id      | user_id shop_id order_id uid app_id | 用户ID 关联ID
"""
#: Look-alikes kept under their own names (a province column is a province column).
_KEEP_NAMES = frozenset({"province", "city"})


#: Families of plaintext personal data, whole values: key | entity | SQL type | pools with
#: weights (``np:`` numpy) | NULL share | rename (may get an uninformative name) | names |
#: comments. Weights below 1 are the dirt: placeholders, wrong check characters, legacy IDs.
_PERSONAL = """
mobile         | CN_MOBILE        | VARCHAR(20)  | mobile:.7 mobile_plain:.26 placeholder:.04 | 0
  | y | mobile phone mobile_no user_mobile contact_phone receiver_phone buyer_mobile
        reserved_mobile phone_number | 手机号 手机号码 联系电话 收货人电话 预留手机号
mobile_sparse  | CN_MOBILE        | VARCHAR(20)  | mobile_plain:.95 placeholder:.05 | .8
  | y | backup_mobile spare_phone emergency_phone mobile2 | 备用手机号 紧急联系电话
mobile_bigint  | CN_MOBILE        | BIGINT       | np:mobile:1 | 0
  | y | mobile phone user_phone mobile_num | 手机号 用户手机
landline       | CN_LANDLINE      | VARCHAR(32)  | landline:.95 placeholder:.05 | 0
  | y | office_tel landline fixed_tel company_tel telephone_no | 座机 办公电话 固定电话 公司电话
id_card        | CN_ID_CARD       | VARCHAR(18)  | id_card:.88 id_card_legacy:.03 id_bad_check:.03
        id_bad_date:.02 placeholder:.04 | 0
  | y | id_card id_no cert_no sfzh idcard_num identity_no id_number | 身份证号 身份证号码 证件号码
id_or_passport | CN_ID_CARD       | VARCHAR(32)  | id_card:.85 passport:.12 placeholder:.03 | 0
  | y | id_no cert_no guest_cert_no | 证件号码 证件号
bank_card      | BANK_CARD        | VARCHAR(32)  | bank_card:.6 bank_card_plain:.33
        card_bad_luhn:.03 placeholder:.04 | 0
  | y | bank_card_no card_no bank_account acct_no settle_card payee_account
        | 银行卡号 收款账号 结算卡号 卡号
email          | EMAIL_ADDRESS    | VARCHAR(128) | email:.94 placeholder:.06 | .1
  | y | email mail contact_email notify_email user_email | 邮箱 电子邮箱 联系邮箱
address        | CN_ADDRESS       | VARCHAR(255) | address:.96 placeholder:.04 | 0
  | y | address receiver_address detail_addr home_addr reg_address shipping_address
        | 地址 收货地址 详细地址 家庭住址 注册地址
name           | CN_NAME          | VARCHAR(64)  | name:.97 placeholder:.03 | 0
  | y | real_name receiver_name consignee contact_name cust_name emp_name payer_name
        legal_person guest_name driver_name owner_name
        | 姓名 真实姓名 收货人 联系人 客户姓名 法人代表
passport       | CN_PASSPORT      | VARCHAR(20)  | passport:.97 placeholder:.03 | .3
  | y | passport_no passport travel_doc_no | 护照号 护照号码
uscc           | CN_USCC          | VARCHAR(18)  | uscc:.95 uscc_bad_check:.02 placeholder:.03 | 0
  | y | credit_code uscc social_credit_code tax_no unified_code
        | 统一社会信用代码 纳税人识别号 信用代码
plate          | CN_LICENSE_PLATE | VARCHAR(16)  | plate:.97 placeholder:.03 | 0
  | y | plate_no car_no license_plate vehicle_no | 车牌号 车牌号码
ip             | IP_ADDRESS       | VARCHAR(64)  | ipv4:1 | 0
  | y | login_ip client_ip last_ip register_ip op_ip remote_addr | 登录IP 客户端IP 注册IP 操作IP
ip_inet        | IP_ADDRESS       | INET         | ipv4:1 | 0
  | y | login_ip client_ip ip_addr | 登录IP 客户端IP
token          | SECRET           | VARCHAR(512) | token:1 | 0
  | y | access_token refresh_token session_id api_secret app_secret auth_token
        | 访问令牌 刷新令牌 会话ID 密钥
password       | SECRET           | VARCHAR(64)  | password:1 | 0
  | y | password pwd login_pwd | 密码 登录密码
sms_code       | SECRET           | VARCHAR(8)   | sms:1 | 0
  | n | sms_code verify_code captcha | 验证码 短信验证码
"""
#: Already protected columns (masked, hashed, encrypted): no plaintext personal data, though
#: their names and comments say what they protect. Same layout as _LOOKALIKES.
_PROTECTED = """
masked_mobile | VARCHAR(20)  | masked_mobile | mobile_mask phone_masked receiver_phone_mask
    | 手机号(脱敏) 脱敏手机号
masked_any    | VARCHAR(32)  | masked_any    | id_card_mask card_no_mask name_mask | 脱敏展示
sha256        | CHAR(64)     | sha256        | mobile_hash id_card_sha256 phone_digest
    | 手机号摘要 身份证号哈希
md5           | CHAR(32)     | md5           | password_md5 sign | 签名
cipher        | VARCHAR(128) | cipher        | mobile_enc id_card_encrypt bank_card_cipher name_enc
    | 手机号(密文) 身份证号(加密) 银行卡号密文
"""


def _records(text: str) -> list[str]:
    """Lines of a table above, continuation lines (indented) joined to their record."""
    out: list[str] = []
    for line in text.strip().splitlines():
        if line.startswith(" "):
            out[-1] += " " + line.strip()
        else:
            out.append(line)
    return out


def _personal(record: str) -> Family:
    key, entity, sqltype, mix, nulls, rename, names, comments = (
        part.strip() for part in record.split("|")
    )
    weights = []
    for item in mix.split():
        pool, weight = item.rsplit(":", 1)
        weights.append((pool, float(weight)))
    return _f(key, entity, sqltype, names, comments, weights, float(nulls), rename == "y")


def _lookalike(record: str, *, rename: bool = True) -> Family:
    key, sqltype, pool, names, comments = (part.strip() for part in record.split("|"))
    return _f(key, None, sqltype, names, comments, pool, rename=rename and key not in _KEEP_NAMES)


FAMILIES: dict[str, Family] = {
    f.key: f
    for f in (
        *(_personal(r) for r in _records(_PERSONAL)),
        # free text and JSON with personal data inside
        _text("remark_pii", "remark_pii", "remark memo note buyer_remark", "备注 买家留言"),
        _text("remark_mobile", "remark_mobile", "remark memo seller_memo", "备注 卖家备注"),
        _text("chat", "chat", "content msg_content message", "消息内容 聊天内容"),
        _text("log_msg", "log_msg", "detail log_msg message op_detail", "日志内容 操作详情"),
        _text("sms_content", "sms_content", "content sms_content", "短信内容"),
        _text("json_receiver", "json_receiver", "ext_info receiver_info data", "扩展信息", "JSONB"),
        _text("json_device", "json_device", "device_info client_info extra", "设备信息", "JSONB"),
        _text("json_kyc", "json_kyc", "auth_info ext_data", "认证信息", "JSON"),
        _text("json_auth", "json_auth", "token_info oauth_data", "授权信息", "JSONB"),
        *(_lookalike(r) for r in _records(_LOOKALIKES)),
        *(_lookalike(r, rename=False) for r in _records(_PROTECTED)),
    )
}


#: The already protected families (their truth: no plaintext personal data).
PROTECTED_FAMILIES = frozenset(r.split("|", 1)[0].strip() for r in _records(_PROTECTED))

#: Uninformative column names (used in place of a family's own names now and then).
UNINFORMATIVE = (
    *("c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "col_a", "col_b", "ext_field"),
    *("ext_field1", "ext_field2", "ext1", "ext2", "attr1", "attr2", "field1", "field2"),
    *("reserve1", "reserve2", "bak1", "f1", "f2", "x1", "value", "info", "data", "extra1"),
)
#: Chance that a renamable column gets an uninformative name; then the chance of a comment.
RENAME_RATE = 0.2
COMMENT_RATE_INFORMATIVE = 0.75
COMMENT_RATE_UNINFORMATIVE = 0.5

# ---------------------------------------------------------------------------------------------
# Table templates
# ---------------------------------------------------------------------------------------------

#: stem -> (table comment, families). Every table also gets ``id`` and a few common columns.
#: stem, table comment, families. Every table also gets ``id`` and a few common columns.
_TEMPLATES = """
user             用户表        username name mobile email id_card status_int ip md5 url ref_id
order            订单表        order_no ref_id name mobile address amount amount status_text
                              trade_no remark_mobile channel ts
order_item       订单明细      order_no sku product qty amount amount_text json_plain
payment_flow     支付流水      trade_no order_no bank_card bank_name amount ts channel name
                              epoch_ms
logistics_track  物流轨迹      tracking_no order_no name mobile masked_mobile status_text
                              remark_plain ts
login_log        登录日志      ref_id ip_inet json_device ua ts status_int token
sms_send_log     短信发送记录  mobile_bigint sms_content sku ts status_int uuid
oauth_token      授权令牌      ref_id token token epoch_ms channel json_auth
merchant         商户信息      company uscc name mobile landline address bank_card email
                              status_int
employee         员工信息      username name id_card mobile email address bank_card amount
                              passport mobile_sparse bank_name
parking_record   停车记录      plate name mobile vin ts amount status_int
crm_customer     客户档案      name mobile landline email address company remark_pii
                              json_plain province city
real_name_auth   实名认证      ref_id name id_card bank_card mobile status_int json_kyc url
invoice          发票信息      company uscc amount email mobile address order_no status_text
cs_chat          客服会话      uuid chat username ts status_int
hotel_checkin    入住登记      name id_or_passport mobile ts amount qty sku
student          学生信息      sku name id_card name mobile address company status_int
                              date_text
ride_order       网约车订单    order_no name mobile plate masked_mobile address amount qty ts
operation_log    操作日志      username ip status_text log_msg ts uuid
sys_config       系统配置      sku json_plain remark_plain version flag
product          商品信息      sku product amount qty url remark_plain status_int json_plain
coupon           优惠券        sku amount ts ts ref_id status_text
address_book     收货地址簿    ref_id name mobile province city address postcode flag
user_ext         用户扩展      ref_id json_receiver mobile id_card email status_int
track_event      埋点事件      uuid json_device epoch_ms ua version channel
user_secure      用户加密字段  ref_id cipher sha256 cipher masked_mobile masked_any md5
bank_transfer    转账记录      bank_card bank_card name amount trade_no remark_plain ts
points_log       积分流水      ref_id qty status_text order_no epoch_text snowflake
notify_config    通知配置      email url token flag remark_plain
visa_apply       签证申请      name passport mobile email date_text status_text
enterprise       企业登记      company uscc name amount address landline bad_id
device           设备信息      uuid ip version version ua serial11
account          账户表        username password mobile email sms_code ts
"""


def _parse_templates(text: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    out: dict[str, tuple[str, list[str]]] = {}
    last = ""
    for line in text.strip().splitlines():
        if line.startswith(" "):  # a continuation line: more families of the last table
            out[last][1].extend(line.split())
            continue
        stem, comment, *families = line.split()
        out[stem] = (comment, families)
        last = stem
    return {k: (c, tuple(f)) for k, (c, f) in out.items()}


TEMPLATES = _parse_templates(_TEMPLATES)

#: The big tables, in order, with their share of the big-table rows.
BIG = (
    ("order", 0.24),
    ("login_log", 0.21),
    ("sms_send_log", 0.18),
    ("logistics_track", 0.15),
    ("payment_flow", 0.12),
    ("order_item", 0.10),
)
BIG_SHARE = 0.80
MEDIUM_TABLE_SHARE = 0.15
MEDIUM_ROW_SHARE = 0.15
_PREFIXES = ("t_", "tb_", "ods_", "dwd_", "biz_", "")
_SUFFIXES = ("", "_2023", "_2024", "_bak", "_his", "_01", "_02", "_03", "_tmp", "_v2")
#: Common columns added to tables: (name, family).
_COMMON = (
    ("created_at", "ts"),
    ("updated_at", "ts"),
    ("is_deleted", "status_int"),
    ("tenant_id", "ref_id"),
    ("creator", "username"),
)


@dataclass
class ColumnPlan:
    name: str
    family: str
    comment: str | None
    informative: bool


@dataclass
class TablePlan:
    name: str
    template: str
    comment: str
    rows: int
    columns: list[ColumnPlan]


def _row_counts(n_tables: int, total: int, rng: random.Random) -> list[int]:
    n_big = min(len(BIG), max(1, n_tables // 20))
    n_medium = max(0, min(n_tables - n_big, round(n_tables * MEDIUM_TABLE_SHARE)))
    n_small = n_tables - n_big - n_medium
    if n_small <= 0:
        n_medium, n_small = max(0, n_tables - n_big - 1), min(1, n_tables - n_big)
    shares = [s for _, s in BIG[:n_big]]
    big_rows = total * BIG_SHARE if n_medium + n_small else total
    counts = [round(big_rows * s / sum(shares)) for s in shares]
    rest = total - sum(counts)
    medium_rows = rest * (MEDIUM_ROW_SHARE / (1 - BIG_SHARE)) if n_small else rest
    medium_w = [rng.uniform(0.2, 1.8) for _ in range(n_medium)]
    counts += [max(1, round(medium_rows * w / sum(medium_w))) for w in medium_w]
    small_rows = total - sum(counts)
    small_w = [rng.lognormvariate(0, 1) for _ in range(n_small)]
    counts += [max(50, round(small_rows * w / sum(small_w))) for w in small_w]
    return counts


def plan_tables(n_tables: int, total_rows: int, seed: int) -> list[TablePlan]:
    """The tables to build: names, sizes and columns (deterministic for a seed)."""
    rng = random.Random(f"{seed}:plan")
    counts = _row_counts(n_tables, total_rows, rng)
    n_big = min(len(BIG), max(1, n_tables // 20))
    stems = [stem for stem, _ in BIG[:n_big]]
    others = sorted(TEMPLATES)
    while len(stems) < n_tables:
        stems.append(others[(len(stems) - n_big) % len(others)])
    used: set[str] = set()
    plans: list[TablePlan] = []
    for i, (stem, rows) in enumerate(zip(stems, counts, strict=True)):
        if i < n_big:
            name = f"t_{stem}"
        else:
            name = ""
            while not name or name in used:
                name = f"{rng.choice(_PREFIXES)}{stem}{rng.choice(_SUFFIXES)}"
                if name in used:
                    name += f"_{rng.randint(10, 99)}"
        used.add(name)
        comment, families = TEMPLATES[stem]
        columns = [ColumnPlan("id", "pk", "主键", True)]
        taken = {"id"}
        for fam_key in families:
            columns.append(_column(rng, FAMILIES[fam_key], taken))
        for col, fam_key in _COMMON:
            if rng.random() < 0.6 and col not in taken:
                taken.add(col)
                fam = FAMILIES[fam_key]
                comment_c = rng.choice(fam.comments) if rng.random() < 0.5 else None
                columns.append(ColumnPlan(col, fam_key, comment_c, True))
        if rng.random() < 0.3:  # a reserved spare column, never filled
            spare = _unique(rng.choice(("spare1", "reserved", "ext_col")), taken)
            columns.append(ColumnPlan(spare, "spare", None, False))
        plans.append(TablePlan(name, stem, comment, rows, columns))
    return plans


def _unique(name: str, taken: set[str]) -> str:
    base, n = name, 2
    while name in taken:
        name = f"{base}_{n}"
        n += 1
    taken.add(name)
    return name


def _column(rng: random.Random, fam: Family, taken: set[str]) -> ColumnPlan:
    if fam.rename and rng.random() < RENAME_RATE:
        name = _unique(rng.choice(UNINFORMATIVE), taken)
        comment = rng.choice(fam.comments) if rng.random() < COMMENT_RATE_UNINFORMATIVE else None
        return ColumnPlan(name, fam.key, comment, False)
    name = _unique(rng.choice(fam.names), taken)
    comment = rng.choice(fam.comments) if rng.random() < COMMENT_RATE_INFORMATIVE else None
    return ColumnPlan(name, fam.key, comment, True)


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

_SOURCE_SIZE = 20_000
_TS_FIRST = np.datetime64("2021-01-01T00:00:00", "s")
_TS_SPAN = 3 * 365 * 86400


class Values:
    """Draws column values from the pools, vectorised (numpy indices, polars gathers)."""

    def __init__(self, pools: dict[str, list[str]], seed: int) -> None:
        self.pools = {k: pl.Series(k, v, dtype=pl.String) for k, v in pools.items()}
        self.seed = seed
        self.mobile_ints = pl.Series("m", [int(m) for m in pools["mobile_plain"]], dtype=pl.Int64)

    def source(self, fam: Family, rng: np.random.Generator) -> pl.Series:
        """The column's mix: pools in their weights (and NULLs), to draw rows from."""
        parts = []
        for pool, weight in fam.mix:
            k = max(1, round(_SOURCE_SIZE * weight))
            series = self.pools[pool]
            idx = rng.integers(0, len(series), k)
            parts.append(series.gather(idx))
        if fam.nulls:
            k = round(_SOURCE_SIZE * fam.nulls / (1 - fam.nulls))
            parts.append(pl.Series("x", [None] * k, dtype=pl.String))
        return pl.concat(parts)

    def draw(
        self, fam: Family, source: pl.Series | None, n: int, rng: np.random.Generator
    ) -> pl.Series:
        pool = fam.mix[0][0]
        if pool == "np:mobile":
            return self.mobile_ints.gather(rng.integers(0, len(self.mobile_ints), n))
        if pool == "np:amount":
            values = np.round(rng.gamma(1.5, 180.0, n), 2)
            return pl.Series(values)
        if pool == "np:epoch_ms":
            return pl.Series(rng.integers(1_600_000_000_000, 1_800_000_000_000, n))
        if pool == "np:snowflake":
            return pl.Series(rng.integers(1_400_000_000_000_000_000, 1_900_000_000_000_000_000, n))
        if pool == "np:serial11":
            return pl.Series(rng.integers(10_000_000_000, 12_999_999_999, n))
        if pool == "np:status":
            return pl.Series(rng.integers(0, 10, n).astype(np.int16))
        if pool == "np:qty":
            return pl.Series(rng.integers(0, 5000, n).astype(np.int32))
        if pool == "np:bool":
            return pl.Series(rng.random(n) < 0.3)
        if pool == "np:ref_id":
            return pl.Series(rng.integers(1, 50_000_000, n))
        if pool == "np:ts":
            secs = rng.integers(0, _TS_SPAN, n)
            return pl.Series((_TS_FIRST + secs.astype("timedelta64[s]")).astype("datetime64[ms]"))
        if pool == "np:spare":
            return pl.Series([None] * n, dtype=pl.String)
        assert source is not None
        return source.gather(rng.integers(0, len(source), n))


FAMILIES["spare"] = Family("spare", None, "VARCHAR(64)", (), (), (("np:spare", 1.0),), kind="none")
FAMILIES["pk"] = Family("pk", None, "BIGINT", ("id",), (), (("np:pk", 1.0),), kind="none")


def _seed_of(seed: int, table: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{table}".encode()).digest()[:8], "little")


# ---------------------------------------------------------------------------------------------
# The database
# ---------------------------------------------------------------------------------------------


def conninfo(url: str, database: str | None = None) -> dict[str, Any]:
    """psycopg connection keywords for an SQLAlchemy URL (optionally another database)."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    out: dict[str, Any] = {"dbname": database or u.database}
    for key, value in (
        ("host", u.host),
        ("port", u.port),
        ("user", u.username),
        ("password", u.password),
    ):
        if value is not None:
            out[key] = value
    return out


def database_url(url: str, n_tables: int, total_rows: int) -> str:
    """*url*, with its database renamed for non-default sizes (``dg_bench_scan_t20_r100000``).

    A quick run thereby never replaces the big database.
    """
    from sqlalchemy.engine import make_url

    if n_tables == DEFAULT_TABLES and total_rows == DEFAULT_ROWS:
        return url
    u = make_url(url)
    return u.set(database=f"{u.database}_t{n_tables}_r{total_rows}").render_as_string(
        hide_password=False
    )


def truth_path(n_tables: int, total_rows: int) -> Path:
    """``benchmarks/out/scan_db_truth.json`` (``scan_db_truth_t20_r100000.json`` if not default)."""
    if n_tables == DEFAULT_TABLES and total_rows == DEFAULT_ROWS:
        return TRUTH_PATH
    return OUT / f"scan_db_truth_t{n_tables}_r{total_rows}.json"


def _config(n_tables: int, total_rows: int, seed: int, pool: int) -> dict[str, Any]:
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "tables": n_tables,
        "rows": total_rows,
        "pool": pool,
    }


def read_meta(url: str) -> dict[str, Any] | None:
    """The marker of an existing benchmark database (config, truth, stats), or None."""
    import psycopg

    info = conninfo(url)
    try:
        with psycopg.connect(**info, connect_timeout=10) as conn:
            rows = conn.execute(f"SELECT key, value FROM {META_TABLE}").fetchall()
    except psycopg.OperationalError:
        return None  # no such database (or no server: ensure_database will say so)
    except psycopg.errors.UndefinedTable:
        return None
    return {k: v for k, v in rows}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _create_table(conn: Any, plan: TablePlan) -> None:
    cols = ", ".join(f"{_quote(c.name)} {FAMILIES[c.family].sqltype}" for c in plan.columns)
    conn.execute(f"CREATE TABLE {_quote(plan.name)} ({cols})")
    conn.execute(f"COMMENT ON TABLE {_quote(plan.name)} IS {_literal(plan.comment)}")
    for c in plan.columns:
        if c.comment:
            conn.execute(
                f"COMMENT ON COLUMN {_quote(plan.name)}.{_quote(c.name)} IS {_literal(c.comment)}"
            )


def _load_table(url: str, plan: TablePlan, values: Values, seed: int) -> float:
    import psycopg

    started = time.perf_counter()
    rng = np.random.default_rng(_seed_of(seed, plan.name))
    sources = {
        c.name: None
        if FAMILIES[c.family].mix[0][0].startswith("np:")
        else values.source(FAMILIES[c.family], rng)
        for c in plan.columns
        if c.name != "id"
    }
    cols = ", ".join(_quote(c.name) for c in plan.columns)
    with psycopg.connect(**conninfo(url)) as conn:
        conn.execute("SET synchronous_commit = off")
        _create_table(conn, plan)
        copy_sql = f"COPY {_quote(plan.name)} ({cols}) FROM STDIN (FORMAT csv)"
        with conn.cursor() as cur, cur.copy(copy_sql) as copy:
            for start in range(0, plan.rows, CHUNK_ROWS):
                n = min(CHUNK_ROWS, plan.rows - start)
                data: dict[str, pl.Series] = {"id": pl.Series(np.arange(start + 1, start + n + 1))}
                for c in plan.columns[1:]:
                    data[c.name] = values.draw(FAMILIES[c.family], sources[c.name], n, rng).alias(
                        c.name
                    )
                buf = io.BytesIO()
                pl.DataFrame(data).write_csv(
                    buf,
                    include_header=False,
                    datetime_format="%Y-%m-%d %H:%M:%S",
                    float_precision=2,
                )
                copy.write(buf.getbuffer())
        conn.execute(f"ALTER TABLE {_quote(plan.name)} ADD PRIMARY KEY (id)")
        conn.commit()
    return time.perf_counter() - started


def truth_of(plans: Sequence[TablePlan]) -> dict[str, Any]:
    """The truth: per table its rows and, per column, entity, entities, kind and family."""
    tables: dict[str, Any] = {}
    for plan in plans:
        columns = {}
        for c in plan.columns:
            fam = FAMILIES[c.family]
            columns[c.name] = {
                "entity": fam.entity,
                "entities": sorted(fam.entities),
                "kind": fam.kind,
                "family": fam.key,
                "type": fam.sqltype,
                "informative_name": c.informative,
                "comment": c.comment is not None,
            }
        tables[f"public.{plan.name}"] = {
            "rows": plan.rows,
            "template": plan.template,
            "columns": columns,
        }
    tables[f"public.{META_TABLE}"] = {
        "rows": 3,
        "template": "meta",
        "columns": {
            k: {
                "entity": None,
                "entities": [],
                "kind": "none",
                "family": "meta",
                "type": t,
                "informative_name": True,
                "comment": False,
            }
            for k, t in (("key", "TEXT"), ("value", "JSONB"))
        },
    }
    return tables


def build(
    url: str,
    n_tables: int,
    total_rows: int,
    seed: int,
    pool: int,
    *,
    jobs: int = 2,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Drop and (re)build the database at *url*; its marker (config, truth, stats).

    A database that exists is dropped only when it is a benchmark database: its name starts
    with ``dg_bench`` or it holds the marker table (so a mistyped ``--url`` cannot drop
    someone's data).
    """
    import psycopg

    info = conninfo(url)
    dbname = info["dbname"]
    with psycopg.connect(**conninfo(url, ADMIN_DB), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
        if exists.fetchone() and not dbname.startswith("dg_bench") and read_meta(url) is None:
            raise RuntimeError(
                f"refusing to drop database {dbname!r}: it is not a benchmark database (no "
                f"{META_TABLE} table); name a new database in --url"
            )
        admin.execute(f"DROP DATABASE IF EXISTS {_quote(dbname)} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {_quote(dbname)}")
    t0 = time.perf_counter()
    plans = plan_tables(n_tables, total_rows, seed)
    pool_size = min(pool, max(1000, total_rows // 4))
    log(f"  generating value pools ({pool_size:,} values per family) ...")
    values = Values(build_pools(seed, pool_size), seed)
    t_pools = time.perf_counter() - t0
    log(f"  pools in {t_pools:.1f} s; loading {len(plans)} tables with COPY ({jobs} at a time) ...")
    t1 = time.perf_counter()
    order = sorted(plans, key=lambda p: -p.rows)
    done = 0
    with ThreadPoolExecutor(max_workers=jobs) as pool_ex:
        for plan, seconds in zip(
            order, pool_ex.map(lambda p: _load_table(url, p, values, seed), order), strict=True
        ):
            done += 1
            if plan.rows >= 100_000:
                log(
                    f"    {plan.name}: {plan.rows:,} rows, {len(plan.columns)} columns, "
                    f"{seconds:.1f} s"
                )
    t_load = time.perf_counter() - t1
    log(f"  loaded in {t_load:.1f} s; ANALYZE ...")
    t2 = time.perf_counter()
    truth = truth_of(plans)
    with psycopg.connect(**info, autocommit=True) as conn:
        conn.execute("ANALYZE")
    t_analyze = time.perf_counter() - t2
    stats = {
        "tables": len(plans) + 1,
        "columns": sum(len(t["columns"]) for t in truth.values()),
        "rows": sum(p.rows for p in plans),
        "pool_seconds": t_pools,
        "load_seconds": t_load,
        "analyze_seconds": t_analyze,
        "total_seconds": time.perf_counter() - t0,
        "jobs": jobs,
    }
    config = _config(n_tables, total_rows, seed, pool)
    with psycopg.connect(**info) as conn:
        conn.execute(f"CREATE TABLE {META_TABLE} (key TEXT PRIMARY KEY, value JSONB NOT NULL)")
        with conn.cursor() as cur:
            for key, value in (("config", config), ("truth", truth), ("stats", stats)):
                cur.execute(
                    f"INSERT INTO {META_TABLE} (key, value) VALUES (%s, %s::jsonb)",
                    (key, json.dumps(value, ensure_ascii=False)),
                )
        conn.commit()
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    stats["database_bytes"] = size
    with psycopg.connect(**info) as conn:
        conn.execute(
            f"UPDATE {META_TABLE} SET value = %s::jsonb WHERE key = 'stats'", (json.dumps(stats),)
        )
        conn.commit()
    return {"config": config, "truth": truth, "stats": stats}


def ensure_database(
    url: str,
    n_tables: int = DEFAULT_TABLES,
    total_rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    pool: int = DEFAULT_POOL,
    *,
    rebuild: bool = False,
    jobs: int = 2,
    log: Callable[[str], None] = print,
) -> tuple[dict[str, Any], bool]:
    """The database's marker (config, truth, stats) and whether it was built now.

    Reused when its marker names the same generator version, seed and sizes. The truth is
    written to :func:`truth_path` either way.
    """
    config = _config(n_tables, total_rows, seed, pool)
    meta = None if rebuild else read_meta(url)
    built = False
    if meta is None or meta.get("config") != config:
        reason = "--rebuild" if rebuild else ("no marker" if meta is None else "marker differs")
        log(f"building the database ({reason}) ...")
        meta = build(url, n_tables, total_rows, seed, pool, jobs=jobs, log=log)
        built = True
    OUT.mkdir(parents=True, exist_ok=True)
    truth_path(n_tables, total_rows).write_text(
        json.dumps(
            {"config": meta["config"], "stats": meta["stats"], "tables": meta["truth"]},
            ensure_ascii=False,
            indent=1,
        )
        + "\n"
    )
    return meta, built
