"""``hr``: a human-resources system (employee master data, payroll, departments).

Imitates a home-grown HR database: an ``employees`` master with ID number, salary card,
household (户籍) and current address, 籍贯 and an emergency contact; an ``employee_ext``
table migrated from an older system whose columns are called ``c1``…``c4`` and
``ext_field1``, so only their comments (``身份证号``, ``护照号码``) say what they hold;
monthly ``payroll`` records; ``departments``.

Traps:

* dirty ID numbers: wrong MOD 11-2 check chars, impossible birth dates, legacy 15-digit
  numbers, ``000000000000000000`` placeholders, blanks and NULLs (``employees.id_card``);
* ID numbers in a ``DECIMAL(18,0)`` column (``si_account``: the social-security account is
  the ID number; the ones ending in ``X`` could not be stored) and mobiles in a ``BIGINT``
  column (``mobile``, with ``0`` and ``13800000000`` placeholders);
* uninformative names: ``employee_ext.c3`` (comment 身份证号) and ``ext_field1`` (comment
  护照号码); on SQLite, which keeps no comments, only the values remain;
* card numbers with typos (Luhn fails) among real ones; a masked copy
  (``payroll.bank_account_masked``); a legacy MD5-shaped digest of the ID number
  (``payroll.id_card_digest``, 32 hex chars);
* personal but not a §1 entity: ``birthday``, ``native_place`` (籍贯, province and city
  only), ``salary``; 12-digit housing-fund numbers; an always-NULL spare column.
"""

from __future__ import annotations

import datetime as dt
import random

from dataguard.testing import generators as g
from dataguard.testing.schemas._model import ColumnSpec, Mix, RowContext, SchemaSpec, TableSpec
from dataguard.testing.schemas._types import (
    BIGINT,
    DATE,
    DATETIME,
    TINYINT,
    char,
    decimal_,
    varchar,
)
from dataguard.testing.schemas._values import (
    ID_PLACEHOLDERS,
    address_parts,
    const,
    created_at,
    date_of_birth,
    digits,
    dirty,
    id_card_digits,
    id_column,
    integer,
    legacy_hex32,
    login_name,
    mask_card,
    maybe_null,
    mobile_or_landline,
    money,
    pick,
    ref,
    timestamp_gen,
    use,
    weighted,
)

__all__ = ["SCHEMA"]

_DEPARTMENTS = (
    "总经办",
    "人力资源部",
    "财务部",
    "技术研发部",
    "产品部",
    "市场部",
    "销售一部",
    "销售二部",
    "客户服务部",
    "仓储物流部",
    "法务部",
    "行政部",
)

departments = TableSpec(
    "departments",
    "部门",
    (
        id_column("部门ID"),
        ColumnSpec("dept_code", varchar(16), "部门编码", lambda ctx: f"D{ctx.index + 1:03d}"),
        ColumnSpec("dept_name", varchar(32), "部门名称", lambda ctx: _DEPARTMENTS[ctx.index]),
        ColumnSpec("parent_id", BIGINT, "上级部门ID", lambda ctx: 0 if ctx.index == 0 else 1),
        ColumnSpec(
            "manager_name", varchar(32), "部门负责人", use(g.chinese_name), "CN_NAME", "plaintext"
        ),
        ColumnSpec(
            "office_phone",
            varchar(32),
            "办公电话",
            use(g.landline),
            "CN_LANDLINE",
            "plaintext",
            trap="area codes, extensions (-1234, 转1234)",
        ),
        ColumnSpec("cost_center", varchar(16), "成本中心", use(lambda r: "CC" + digits(r, 4))),
        created_at(),
    ),
    fixed_rows=len(_DEPARTMENTS),
)

_ID_CARD = dirty(
    use(g.id_card),
    null=0.02,
    blank=0.03,
    placeholder=0.02,
    placeholders=ID_PLACEHOLDERS,
    other=(
        ("bad_check", 0.06, use(g.id_card_bad_check)),
        ("bad_date", 0.02, use(g.id_card_bad_date)),
        ("legacy", 0.03, use(g.id_card_legacy)),
    ),
)


def _native_place(ctx: RowContext) -> str:
    """籍贯 as forms take it: ``浙江省杭州市``, ``浙江杭州`` or a municipality (``上海市``)."""
    province, city, _, _ = address_parts(ctx.rng)
    if province == city:
        return province if ctx.rng.random() < 0.5 else province.removesuffix("市")
    if ctx.rng.random() < 0.5:
        return province + city
    return province[:2] + city.removesuffix("市")


def _mobile_int(rng: random.Random) -> int:
    return int(g.mobile_digits(rng))


_POSITIONS = ("专员", "主管", "经理", "高级工程师", "工程师", "总监", "助理", "实习生")
_BANKS = ("中国工商银行", "中国建设银行", "中国农业银行", "招商银行", "中国银行")

employees = TableSpec(
    "employees",
    "员工信息",
    (
        id_column("员工ID"),
        ColumnSpec(
            "emp_no", varchar(16), "工号", lambda ctx: f"E{2015 + ctx.index % 10}{ctx.index:05d}"
        ),
        ColumnSpec("name", varchar(32), "姓名", use(g.chinese_name), "CN_NAME", "plaintext"),
        ColumnSpec("gender", TINYINT, "性别:1男 2女", integer(1, 2)),
        ColumnSpec(
            "id_card",
            varchar(18),
            "身份证号",
            _ID_CARD,
            "CN_ID_CARD",
            "plaintext",
            trap="bad check chars, bad dates, legacy 15-digit, placeholders, blanks",
        ),
        ColumnSpec("birthday", DATE, "出生日期", date_of_birth, trap="personal, not a §1 entity"),
        ColumnSpec(
            "native_place",
            varchar(32),
            "籍贯",
            _native_place,
            trap="province and city only: not an address",
        ),
        ColumnSpec(
            "household_address", varchar(255), "户籍地址", use(g.address), "CN_ADDRESS", "plaintext"
        ),
        ColumnSpec(
            "current_address",
            varchar(255),
            "现居住地址",
            maybe_null(use(g.address), 0.1),
            "CN_ADDRESS",
            "plaintext",
        ),
        ColumnSpec(
            "mobile",
            BIGINT,
            "手机号码",
            dirty(
                use(_mobile_int),
                null=0.03,
                placeholder=0.03,
                placeholders=(13800000000, 0, 12345678901),
            ),
            "CN_MOBILE",
            "plaintext",
            trap="numbers in a BIGINT column",
        ),
        ColumnSpec(
            "email",
            varchar(64),
            "企业邮箱",
            use(lambda r: login_name(r) + "@corp.example.com.cn"),
            "EMAIL_ADDRESS",
            "plaintext",
        ),
        ColumnSpec("dept_id", BIGINT, "部门ID", ref("departments")),
        ColumnSpec("position", varchar(32), "职位", pick(*_POSITIONS)),
        ColumnSpec(
            "hire_date",
            DATE,
            "入职日期",
            lambda ctx: dt.date(2012, 1, 1) + dt.timedelta(days=ctx.rng.randint(0, 4700)),
        ),
        ColumnSpec(
            "salary",
            decimal_(12, 2),
            "月薪(元)",
            money(3500, 80000),
            trap="personal, not a §1 entity; DECIMAL money",
        ),
        ColumnSpec("bank_name", varchar(32), "工资卡开户行", pick(*_BANKS)),
        ColumnSpec(
            "bank_account",
            varchar(32),
            "工资卡号",
            dirty(
                use(g.bank_card),
                null=0.03,
                other=(("bad_luhn", 0.05, use(g.bank_card_luhn_invalid)),),
            ),
            "BANK_CARD",
            "plaintext",
            trap="typos: a share fails Luhn",
        ),
        ColumnSpec(
            "si_account",
            decimal_(18, 0),
            "社保账号(同身份证号)",
            maybe_null(use(lambda r: int(id_card_digits(r))), 0.05),
            "CN_ID_CARD",
            "plaintext",
            trap="ID numbers stored as DECIMAL(18,0)",
        ),
        ColumnSpec(
            "housing_fund_no",
            varchar(20),
            "公积金账号",
            use(lambda r: str(r.randint(1, 9)) + digits(r, 11)),
            trap="12-digit account numbers that are not cards",
        ),
        ColumnSpec(
            "emergency_contact",
            varchar(32),
            "紧急联系人",
            use(g.chinese_name),
            "CN_NAME",
            "plaintext",
        ),
        ColumnSpec(
            "emergency_relation",
            varchar(8),
            "与本人关系",
            pick("父亲", "母亲", "配偶", "兄弟", "姐妹", "朋友"),
        ),
        ColumnSpec(
            "emergency_phone",
            varchar(32),
            "紧急联系人电话",
            use(mobile_or_landline),
            frozenset({"CN_MOBILE", "CN_LANDLINE"}),
            "plaintext",
        ),
        ColumnSpec(
            "status", TINYINT, "在职状态:1在职 2离职 3试用", weighted((1, 8), (2, 1), (3, 1))
        ),
        created_at(),
    ),
)

_REMARK = Mix(
    (
        ("blank", 70, const("")),
        ("note", 20, pick("试用期延长一个月", "外派上海分公司", "2023年度优秀员工", "返聘")),
        ("spouse", 10, use(lambda r: f"配偶：{g.chinese_name(r)}，电话{g.mobile_digits(r)}")),
    )
)

employee_ext = TableSpec(
    "employee_ext",
    "员工扩展信息(旧系统迁移)",
    (
        id_column(),
        ColumnSpec("employee_id", BIGINT, "员工ID", lambda ctx: ctx.index + 1, nullable=False),
        ColumnSpec(
            "c1",
            varchar(16),
            "民族",
            weighted(("汉族", 90), ("回族", 3), ("壮族", 3), ("维吾尔族", 2), ("满族", 2)),
        ),
        ColumnSpec("c2", varchar(16), "政治面貌", pick("群众", "中共党员", "共青团员")),
        ColumnSpec(
            "c3",
            varchar(32),
            "身份证号",
            maybe_null(use(g.id_card), 0.3),
            "CN_ID_CARD",
            "plaintext",
            trap="name c3: the comment is the only name evidence",
        ),
        ColumnSpec("c4", varchar(16), "学历", pick("本科", "硕士", "大专", "博士", "高中")),
        ColumnSpec(
            "ext_field1",
            varchar(32),
            "护照号码",
            maybe_null(use(g.passport), 0.8),
            "CN_PASSPORT",
            "plaintext",
            trap="name ext_field1: the comment is the only name evidence; 80% NULL",
        ),
        ColumnSpec(
            "ext_field2",
            varchar(64),
            "备用",
            const(None),
            trap="reserved spare column, always NULL",
        ),
        ColumnSpec(
            "car_plate",
            varchar(16),
            "停车登记车牌",
            maybe_null(use(g.license_plate), 0.6),
            "CN_LICENSE_PLATE",
            "plaintext",
        ),
        ColumnSpec(
            "remark",
            varchar(255),
            "备注",
            _REMARK,
            frozenset({"CN_NAME", "CN_MOBILE"}),
            "plaintext",
            in_text=True,
            trap="personal data in one row in ten",
        ),
    ),
)


def _pay_month(ctx: RowContext) -> str:
    month = ctx.index % 18
    return f"{2024 + month // 12}-{month % 12 + 1:02d}"


payroll = TableSpec(
    "payroll",
    "工资发放记录",
    (
        id_column(),
        ColumnSpec("employee_id", BIGINT, "员工ID", ref("employees"), nullable=False),
        ColumnSpec("pay_month", char(7), "发薪月份(yyyy-MM)", _pay_month),
        ColumnSpec("gross_pay", decimal_(12, 2), "应发工资", money(3500, 80000)),
        ColumnSpec("social_insurance", decimal_(12, 2), "个人社保", money(300, 3000)),
        ColumnSpec("income_tax", decimal_(12, 2), "个人所得税", money(0, 20000)),
        ColumnSpec("net_pay", decimal_(12, 2), "实发工资", money(3000, 60000)),
        ColumnSpec(
            "bank_account_masked",
            varchar(32),
            "收款卡号(脱敏)",
            use(lambda r: mask_card(g.bank_card_digits(r))),
            "BANK_CARD",
            "masked",
        ),
        ColumnSpec(
            "id_card_digest",
            char(32),
            "身份证号MD5",
            use(lambda r: legacy_hex32(g.id_card(r))),
            "CN_ID_CARD",
            "hashed",
            trap="32 hex chars, a legacy MD5-style digest",
        ),
        ColumnSpec("paid_at", DATETIME, "发放时间", timestamp_gen),
    ),
    scale=3,
)

SCHEMA = SchemaSpec(
    "hr",
    "HR system: departments, employee master data, a migrated extension table, payroll.",
    (departments, employees, employee_ext, payroll),
)
