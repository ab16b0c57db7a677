"""A labelled corpus of synthetic log records for the accuracy benchmark.

Each record is one text in one log style (nginx access line, JSON log, Java key=value log,
MySQL slow-log SQL, Chinese customer-service chat, CSV header + row or a row with no header,
config file) with generated personal data and hard negatives embedded in it. Gold spans are known by
construction: the builder appends pieces and records where each value landed, *after*
the style's own encoding (percent-encoding in query strings, ``\\uXXXX`` in JSON, SQL
quote doubling), so a gold span covers the value's surface form. The detector never
labels its own test data.

``build_corpus(n_records, seed)`` is deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from dataguard.testing import generators as g

__all__ = ["STYLES", "Record", "Span", "build_corpus"]

Encoder = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Span:
    """``text[start:end]`` is a gold value of ``label`` (an entity) or a hard negative."""

    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class Record:
    """One corpus text with its gold spans and its hard-negative spans."""

    text: str
    style: str
    gold: tuple[Span, ...]
    negatives: tuple[Span, ...] = ()
    #: raw (pre-encoding) value of each gold span, same order: lets tests check the
    #: generator's output independently of the surface encoding.
    raw_values: tuple[str, ...] = ()


def _identity(s: str) -> str:
    return s


def _json_escape(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)[1:-1]


def _json_escape_ascii(s: str) -> str:
    return json.dumps(s, ensure_ascii=True)[1:-1]


def _percent(s: str) -> str:
    return quote(s, safe="")


def _sql_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("'", "''")


@dataclass
class _Builder:
    parts: list[str] = field(default_factory=list)
    pos: int = 0
    gold: list[Span] = field(default_factory=list)
    raw_values: list[str] = field(default_factory=list)
    negatives: list[Span] = field(default_factory=list)

    def raw(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def text(self, s: str, enc: Encoder = _identity) -> None:
        self.raw(enc(s))

    def value(self, s: str, entity: str, enc: Encoder = _identity) -> None:
        surface = enc(s)
        self.gold.append(Span(self.pos, self.pos + len(surface), entity))
        self.raw_values.append(s)
        self.raw(surface)

    def item(self, it: _Item, enc: Encoder = _identity) -> None:
        """Append an item: a positive value, a secret with its key, or a hard negative."""
        if it.entity is not None:
            self.text(it.text[: it.start], enc)
            self.value(it.text[it.start : it.end], it.entity, enc)
            self.text(it.text[it.end :], enc)
            return
        surface = enc(it.text)
        self.negatives.append(Span(self.pos, self.pos + len(surface), it.kind))
        # an SSH target ``user@10.0.0.1`` is not an e-mail, but the IP in it is an IP
        m = re.search(r"@(\d+\.\d+\.\d+\.\d+)$", it.text)
        if m is not None:
            ip_start = self.pos + len(enc(it.text[: m.start(1)]))
            self.gold.append(Span(ip_start, ip_start + len(enc(m.group(1))), "IP_ADDRESS"))
            self.raw_values.append(m.group(1))
        self.raw(surface)

    def build(self, style: str) -> Record:
        return Record(
            "".join(self.parts),
            style,
            tuple(self.gold),
            tuple(self.negatives),
            tuple(self.raw_values),
        )


@dataclass(frozen=True, slots=True)
class _Item:
    """A generated value: ``text[start:end]`` is ``entity``; entity None = hard negative."""

    text: str
    entity: str | None
    kind: str
    start: int = 0
    end: int = 0


# Relative frequencies of what fills a slot.
_POSITIVE_WEIGHTS: dict[str, int] = {
    "CN_MOBILE": 20,
    "CN_LANDLINE": 8,
    "CN_ID_CARD": 14,
    "BANK_CARD": 10,
    "EMAIL_ADDRESS": 10,
    "CN_ADDRESS": 8,
    "CN_NAME": 6,
    "CN_PASSPORT": 3,
    "CN_USCC": 3,
    "CN_LICENSE_PLATE": 3,
    "IP_ADDRESS": 5,
    "SECRET": 6,
}
_NEGATIVE_WEIGHTS: dict[str, int] = {
    "order_number": 8,
    "card_bad_luhn": 5,
    "id_bad_check": 6,
    "id_bad_date": 4,
    "uscc_bad_check": 2,
    "timestamp": 5,
    "eleven_digits": 4,
    "uuid": 4,
    "sha256_hex": 2,
    "docker_digest": 1,
    "version": 3,
    "amount": 4,
    "date": 3,
    "postcode": 3,
    "masked": 5,
    "email_lookalike": 3,
    "java_annotation": 1,
}
_NEGATIVE_SHARE = 0.35

# Field / column names under which each entity or negative is logged.
_FIELDS: dict[str, tuple[str, ...]] = {
    "CN_MOBILE": ("mobile", "phone", "tel", "contactPhone", "shouji", "receiverMobile"),
    "CN_LANDLINE": ("landline", "officeTel", "telephone", "fixedPhone", "tel"),
    "CN_ID_CARD": ("idCard", "id_no", "idNumber", "sfzh", "certNo"),
    "BANK_CARD": ("bankCard", "cardNo", "card_number", "acctNo"),
    "EMAIL_ADDRESS": ("email", "mail", "contactEmail"),
    "CN_ADDRESS": ("address", "addr", "shippingAddress", "dizhi"),
    "CN_NAME": ("name", "receiverName", "realName", "contactName"),
    "CN_PASSPORT": ("passport", "passportNo"),
    "CN_USCC": ("uscc", "creditCode", "socialCreditCode"),
    "CN_LICENSE_PLATE": ("plateNo", "carNumber", "licensePlate"),
    "IP_ADDRESS": ("clientIp", "ip", "remoteAddr"),
    "SECRET": ("password", "token", "access_token", "secret", "pwd"),
    "order_number": ("orderNo", "tradeNo", "outTradeNo"),
    "card_bad_luhn": ("serialNo", "bizNo"),
    "id_bad_check": ("refNo", "docNo", "bizNo"),
    "id_bad_date": ("refNo", "docNo", "seq"),
    "uscc_bad_check": ("bizCode", "refCode"),
    "timestamp": ("ts", "timestamp", "createdAt"),
    "eleven_digits": ("userId", "uid", "memberNo"),
    "uuid": ("traceId", "requestId"),
    "sha256_hex": ("sha256", "checksum", "digest"),
    "docker_digest": ("image",),
    "version": ("version", "appVersion"),
    "amount": ("amount", "totalFee", "price"),
    "date": ("date", "createTime"),
    "postcode": ("zip", "postcode"),
    "masked": ("maskedPhone", "display", "masked"),
    "email_lookalike": ("icon", "target", "ref"),
    "java_annotation": ("annotation",),
}
_CSV_HEADERS: dict[str, tuple[str, ...]] = {
    "CN_MOBILE": ("手机号", "mobile"),
    "CN_LANDLINE": ("座机", "telephone"),
    "CN_ID_CARD": ("身份证号", "id_card"),
    "BANK_CARD": ("银行卡号", "bank_card"),
    "EMAIL_ADDRESS": ("邮箱", "email"),
    "CN_ADDRESS": ("地址", "address"),
    "CN_NAME": ("姓名", "name"),
    "CN_PASSPORT": ("护照号", "passport_no"),
    "CN_USCC": ("统一社会信用代码", "credit_code"),
    "CN_LICENSE_PLATE": ("车牌号", "plate_no"),
    "IP_ADDRESS": ("IP", "client_ip"),
    "SECRET": ("密码", "password"),
}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _secret_value(rng: random.Random) -> str:
    """A bare secret value for key=value styles, where the field name is the key."""
    while True:
        snippet = g.secret_snippet(rng)
        if "验证码" not in snippet.text and "短信" not in snippet.text:
            return snippet.text[snippet.start : snippet.end]


def _positive(rng: random.Random, entity: str, *, bare: bool) -> _Item:
    """A positive item; ``bare`` secrets are only the value (the caller writes the key)."""
    if entity == "SECRET":
        if bare:
            v = _secret_value(rng)
            return _Item(v, entity, "SECRET", 0, len(v))
        s = g.secret_snippet(rng)
        return _Item(s.text, entity, "SECRET", s.start, s.end)
    ipv6 = entity == "IP_ADDRESS" and rng.random() < 0.15
    v = g.ipv6(rng) if ipv6 else g.POSITIVES[entity](rng)
    if entity == "CN_ID_CARD" and rng.random() < 0.08:
        v = g.id_card_legacy(rng)
    return _Item(v, entity, entity, 0, len(v))


def _slot(rng: random.Random, *, bare: bool = True, allow: tuple[str, ...] = ()) -> _Item:
    if rng.random() < _NEGATIVE_SHARE:
        kind = _pick(rng, _NEGATIVE_WEIGHTS)
        return _Item(g.NEGATIVES[kind](rng), None, kind)
    weights = (
        {k: v for k, v in _POSITIVE_WEIGHTS.items() if k in allow} if allow else _POSITIVE_WEIGHTS
    )
    return _positive(rng, _pick(rng, weights), bare=bare)


def _log_time(rng: random.Random) -> str:
    return (
        f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    )


# -- styles -------------------------------------------------------------------------------

_UAS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.109 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2f) NetType/WIFI",
    "okhttp/4.9.3",
    "Dalvik/2.1.0 (Linux; U; Android 13; V2229A Build/TP1A.220624.014)",
)
_PATHS = (
    "/api/v1/user/info",
    "/api/order/create",
    "/login",
    "/member/bind",
    "/pay/notify",
    "/api/v2/address/save",
    "/sms/send",
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _nginx(rng: random.Random) -> Record:
    b = _Builder()
    b.value(g.ipv4(rng), "IP_ADDRESS")
    b.raw(
        f" - - [{rng.randint(1, 28):02d}/{rng.choice(_MONTHS)}/2024:"
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} +0800] "
    )
    b.raw(f'"{rng.choice(("GET", "POST"))} {rng.choice(_PATHS)}?')
    for i in range(rng.randint(1, 4)):
        if i:
            b.raw("&")
        it = _slot(rng, allow=tuple(k for k in _POSITIVE_WEIGHTS if k != "CN_NAME"))
        b.raw(rng.choice(_FIELDS[it.kind]) + "=")
        needs = not all((c.isalnum() and c.isascii()) or c in "._-" for c in it.text)
        enc = _percent if needs or rng.random() < 0.3 else _identity
        b.item(it, enc)
    b.raw(f'&_={rng.randint(1, 999)} HTTP/1.1" {rng.choice((200, 200, 302, 404, 500))} ')
    b.raw(f'{rng.randint(100, 99999)} "-" "{rng.choice(_UAS)}"')
    return b.build("nginx")


_MSGS = (
    "用户登录成功",
    "下单成功",
    "update profile",
    "绑定银行卡",
    "send sms",
    "实名认证通过",
    "收货地址变更",
    "payment callback",
)


def _json_log(rng: random.Random) -> Record:
    b = _Builder()
    enc = _json_escape_ascii if rng.random() < 0.3 else _json_escape
    b.raw(f'{{"ts":"{_log_time(rng)}.{rng.randint(0, 999):03d}","level":"INFO",')
    b.raw(f'"logger":"com.example.{rng.choice(("UserService", "OrderController", "PayNotify"))}",')
    b.raw('"msg":"')
    b.text(rng.choice(_MSGS), enc)
    if rng.random() < 0.5:  # free text with an embedded value
        b.text(rng.choice(("，手机号", " phone ", "，联系人", ", detail: ", "，")), enc)
        b.item(_slot(rng, bare=False), enc)
    b.raw('"')
    for _ in range(rng.randint(1, 4)):
        it = _slot(rng)
        b.raw(f',"{rng.choice(_FIELDS[it.kind])}":"')
        b.item(it, enc)
        b.raw('"')
    b.raw("}")
    return b.build("json")


def _java_kv(rng: random.Random) -> Record:
    b = _Builder()
    b.raw(f"{_log_time(rng)}.{rng.randint(0, 999):03d} {rng.choice(('INFO', 'WARN', 'DEBUG'))} ")
    b.raw(f"[http-nio-8080-exec-{rng.randint(1, 20)}] c.e.s.{rng.choice(('UserSvc', 'OrderSvc'))}")
    b.raw(" - ")
    b.text(rng.choice(_MSGS))
    to_string = rng.random() < 0.3  # Lombok toString: ``User(name=…, mobile=…)``
    if to_string:
        b.raw(f" {rng.choice(('User', 'OrderDTO', 'Receiver'))}(")
        sep = ", "
    else:
        b.raw(" ")
        sep = rng.choice((", ", " ", "|", "&"))
    for i in range(rng.randint(1, 4)):
        if i:
            b.raw(sep)
        it = _slot(rng)
        b.raw(rng.choice(_FIELDS[it.kind]) + ("=" if to_string else rng.choice(("=", ":", ": "))))
        b.item(it)
    if to_string:
        b.raw(")")
    return b.build("java_kv")


_SQL_COLUMNS = {
    "CN_MOBILE": "mobile",
    "CN_LANDLINE": "tel",
    "CN_ID_CARD": "id_card",
    "BANK_CARD": "card_no",
    "EMAIL_ADDRESS": "email",
    "CN_ADDRESS": "address",
    "CN_NAME": "real_name",
    "CN_PASSPORT": "passport_no",
    "CN_USCC": "credit_code",
    "CN_LICENSE_PLATE": "plate_no",
    "IP_ADDRESS": "login_ip",
    "SECRET": "password",
}


def _sql(rng: random.Random) -> Record:
    b = _Builder()
    b.raw(f"# Query_time: {rng.randint(1, 30)}.{rng.randint(0, 999999):06d}  Lock_time: 0.000")
    b.raw(f"  Rows_sent: {rng.randint(0, 50)}  Rows_examined: {rng.randint(1, 99999)} SET ")
    b.item(_Item(g.timestamp(rng)[:10], None, "timestamp"))
    b.raw("; ")
    items = [_slot(rng) for _ in range(rng.randint(1, 4))]
    cols = [_SQL_COLUMNS.get(it.kind, rng.choice(_FIELDS[it.kind])) for it in items]
    roll = rng.random()
    if roll < 0.5:
        b.raw(f"INSERT INTO t_user (id, {', '.join(cols)}) VALUES ({rng.randint(1, 99999)}")
        for it in items:
            b.raw(", '")
            b.item(it, _sql_escape)
            b.raw("'")
        b.raw(");")
    else:
        b.raw("SELECT * FROM t_member WHERE " if roll < 0.8 else "UPDATE t_member SET ")
        joiner = " AND " if roll < 0.8 else ", "
        for i, (it, col) in enumerate(zip(items, cols, strict=True)):
            if i:
                b.raw(joiner)
            b.raw(f"{col} = '")
            b.item(it, _sql_escape)
            b.raw("'")
        b.raw(";" if roll < 0.8 else f" WHERE id = {rng.randint(1, 99999)};")
    return b.build("sql")


# (text before, entity or negative kind, text after); the chat puts punctuation after CJK
# values (names, addresses, IDN e-mails) so their end is not ambiguous.
_CHAT_LINES: tuple[tuple[str, str, str], ...] = (
    ("我的手机号是", "CN_MOBILE", "，麻烦帮我查一下"),
    ("电话：", "CN_MOBILE", "，随时联系"),
    ("手机", "CN_MOBILE", "已经停机了，换成这个号码"),
    ("公司座机", "CN_LANDLINE", "，工作日可以打"),
    ("身份证号", "CN_ID_CARD", "，请核实"),
    ("我的身份证是", "CN_ID_CARD", "。"),
    ("退款请打到银行卡", "BANK_CARD", "，户名是我本人"),
    ("卡号 ", "BANK_CARD", " 麻烦尽快处理"),
    ("邮箱 ", "EMAIL_ADDRESS", " 收不到邮件"),
    ("发到我邮箱", "EMAIL_ADDRESS", "，谢谢"),
    ("收货地址改成", "CN_ADDRESS", "，谢谢"),
    ("地址：", "CN_ADDRESS", "。"),
    ("收件人：", "CN_NAME", "，"),
    ("我叫", "CN_NAME", "，是会员"),
    ("您好，我是", "CN_NAME", "，想查一下订单"),
    ("本人", "CN_NAME", "，身份证在附件里"),
    ("我是", "CN_NAME", "的家属，想问一下检查结果"),
    ("我是", "CN_NAME", "这边，订单还没到"),
    ("麻烦转告", "CN_NAME", "女士明天来取件"),
    ("快递员", "CN_NAME", "已取件，请留意"),
    ("您的快递已由", "CN_NAME", "签收"),
    ("取件人：", "CN_NAME", "，取件码8-3-1024"),
    ("我是", "self_description", "，"),
    ("本人是", "self_description", "。"),
    ("客户", "CN_NAME", "反映快递还没到"),
    ("用户", "CN_NAME", "投诉配送太慢"),
    ("护照号码", "CN_PASSPORT", "，办理签证用"),
    ("开发票，统一社会信用代码", "CN_USCC", "。"),
    ("车牌号", "CN_LICENSE_PLATE", "，停在B2层"),
    ("", "SECRET", ""),
    ("订单号", "order_number", "怎么还没发货？"),
    ("流水号", "card_bad_luhn", "，转账失败了"),
    ("单据编号", "id_bad_check", "，麻烦查询"),
    ("编号", "id_bad_date", "，请查收"),
    ("金额", "amount", "元，已经付款"),
    ("邮编", "postcode", "。"),
    ("您尾号", "masked", "的手机已绑定"),
    ("会员号", "eleven_digits", "，积分不对"),
)


def _chat_value(rng: random.Random, label: str) -> _Item:
    if label in g.NEGATIVES:
        return _Item(g.NEGATIVES[label](rng), None, label)
    return _positive(rng, label, bare=False)


def _chat(rng: random.Random) -> Record:
    b = _Builder()
    b.raw(f"[{_log_time(rng)}] ")
    agent = rng.choice(("客服小美", "客服-阿强", "在线客服"))
    b.text(f"{agent}：您好，请问有什么可以帮您？ 用户：")
    lines = rng.sample(_CHAT_LINES, rng.randint(1, 3))
    for i, (before, label, after) in enumerate(lines):
        if i:
            b.text(rng.choice(("；", " ", "。")))
        it = _chat_value(rng, label)
        b.text(before)
        if it.entity == "EMAIL_ADDRESS" and not it.text.isascii() and not before.endswith(" "):
            b.text(" ")
        b.item(it)
        if it.entity == "EMAIL_ADDRESS" and not it.text.isascii():
            b.text(" ")
        b.text(after)
    b.text(rng.choice((f" {agent}：好的，已为您登记。", " 客服：稍等", "")))
    return b.build("chat")


def _csv_field(b: _Builder, it: _Item, rng: random.Random) -> None:
    quoted = "," in it.text or '"' in it.text or rng.random() < 0.2
    enc: Encoder = (lambda s: s.replace('"', '""')) if quoted else _identity
    if quoted:
        b.raw('"')
    b.item(it, enc)
    if quoted:
        b.raw('"')


# Words a row with no header may hold where a name could stand, each starting with a
# surname character: relations, times, balances, brands, districts, habits.
_ROW_WORDS = (
    *("家属", "母亲", "爱人", "孙子", "周末", "周日", "白天", "凌晨", "夏天", "何时"),
    *("余额", "金额", "黄金", "白金", "金卡", "钱包", "常用", "常客", "游客", "来源"),
    *("万科", "龙湖", "华润", "银泰", "万达", "余杭", "萧山", "江南", "高新区", "经开区"),
    *("马上", "方便", "安心", "安居", "程序", "文件", "章程", "宋体", "高铁", "法务"),
)


def _name_or_row_word(rng: random.Random) -> _Item:
    if rng.random() < 0.25:
        return _Item(rng.choice(_ROW_WORDS), None, "row_word")
    return _positive(rng, "CN_NAME", bare=True)


def _headerless_row(rng: random.Random) -> Record:
    """A CSV row with no header line (an export pasted into a log): an id, a name or a
    word where a name could stand, a mobile or an ID number, then a few other cells. One
    time in four a notification line instead, the mobile in brackets after the name; one
    time in eight an operation-log line, the name (or the word) before what was done."""
    b = _Builder()
    roll = rng.random()
    if roll < 0.125:
        b.raw(f"{_log_time(rng)} ")
        b.item(_name_or_row_word(rng))
        b.raw(rng.choice((" 修改了收货地址", " 登录成功", " 导出了订单报表", " 提交了退款申请")))
        return b.build("csv")
    if roll < 0.375:
        b.raw(rng.choice(("sms sent to ", "notify ok: ", "[审批] 经办：", "callee=[")))
        b.item(_name_or_row_word(rng))
        b.raw(rng.choice(("(", "（", " (")))
        b.item(_positive(rng, "CN_MOBILE", bare=True))
        b.raw(rng.choice((")", "）")))
        return b.build("csv")
    b.raw(f"{rng.randint(1, 99999)},")
    b.item(_name_or_row_word(rng))
    b.raw(",")
    b.item(_positive(rng, rng.choice(("CN_MOBILE", "CN_ID_CARD")), bare=True))
    for _ in range(rng.randint(0, 2)):
        b.raw(",")
        _csv_field(b, _slot(rng), rng)
    return b.build("csv")


def _csv(rng: random.Random) -> Record:
    if rng.random() < 0.25:
        return _headerless_row(rng)
    b = _Builder()
    chinese = rng.random() < 0.5
    n = rng.randint(2, 5)
    items = [_slot(rng) for _ in range(n)]
    headers = [
        _CSV_HEADERS[it.kind][0 if chinese else 1]
        if it.kind in _CSV_HEADERS
        else rng.choice(_FIELDS[it.kind])
        for it in items
    ]
    b.raw("id," + ",".join(headers) + "\n")
    b.raw(str(rng.randint(1, 99999)))
    for it in items:
        b.raw(",")
        _csv_field(b, it, rng)
    return b.build("csv")


def _config(rng: random.Random) -> Record:
    b = _Builder()
    yaml = rng.random() < 0.4
    b.raw("# generated config\n")
    if yaml:
        b.raw("app:\n  name: order-service\n")
    else:
        b.raw("server.port=8080\n")
    for _ in range(rng.randint(1, 4)):
        it = _slot(rng)
        key = rng.choice(_FIELDS[it.kind])
        if yaml:
            b.raw(f"  {key}: ")
            quoted = rng.random() < 0.5
            b.raw('"' if quoted else "")
            b.item(it)
            b.raw('"\n' if quoted else "\n")
        else:
            b.raw(f"{rng.choice(('app', 'spring.datasource', 'notify', 'admin'))}.{key}=")
            b.item(it)
            b.raw("\n")
    if rng.random() < 0.3:
        b.raw("# 联系人：")
        b.item(_positive(rng, "CN_NAME", bare=True))
        b.raw(" 电话：")
        b.item(_positive(rng, "CN_MOBILE", bare=True))
        b.raw("\n")
    return b.build("config")


STYLES: dict[str, Callable[[random.Random], Record]] = {
    "nginx": _nginx,
    "json": _json_log,
    "java_kv": _java_kv,
    "sql": _sql,
    "chat": _chat,
    "csv": _csv,
    "config": _config,
}


def build_corpus(n_records: int, seed: int = 0) -> list[Record]:
    """*n_records* labelled records across all styles (round robin), deterministic in *seed*."""
    rng = random.Random(seed)
    styles = list(STYLES.values())
    return [styles[i % len(styles)](rng) for i in range(n_records)]


if __name__ == "__main__":
    for record in build_corpus(14, 1):
        print(f"--- {record.style}")
        print(record.text)
        for span in record.gold:
            print(
                f"    {span.label:<16} [{span.start}:{span.end}] "
                f"{record.text[span.start : span.end]}"
            )
        for span in record.negatives:
            print(
                f"    neg:{span.label:<12} [{span.start}:{span.end}] "
                f"{record.text[span.start : span.end]}"
            )
