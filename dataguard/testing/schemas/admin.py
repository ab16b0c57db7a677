"""``admin``: a RuoYi-style admin back end (the most used Spring Boot admin scaffold in China).

Column names, types and comments follow RuoYi's own DDL (``sys_user``, ``sys_dept``,
``sys_oper_log``, ``sys_logininfor``, ``sys_config``): ``user_name`` / ``nick_name`` /
``phonenumber``, CHAR(1) flags, ``create_by`` / ``create_time``, ``''`` rather than NULL
for missing values. The first two users are RuoYi's shipped seed users (``admin`` and
``ry``, nick name 若依, ``15888888888``).

Traps:

* ``sys_user.user_name`` is an account name, but one in five users logs in with a mobile
  number; ``nick_name`` holds the person's real name; ``password`` is a bcrypt hash
  (``$2a$10$…``); ``email`` / ``phonenumber`` default to ``''``;
* ``sys_oper_log.oper_param`` is JSON inside a VARCHAR (the request body RuoYi logs, with
  ``phonenumber``, ``nickName``, ``email``); ``error_msg`` now and then quotes a phone in a
  SQL error (``Duplicate entry '138…' for key …``); ``json_result`` is JSON without
  personal data; ``ancestors`` (``0,100,101``) and ``method`` are digit- and dot-rich;
* ``sys_config.config_value`` is mostly harmless settings, with an initial password
  (``123456``), cloud access keys and an IP blacklist in a few rows;
* ``sys_logininfor``: IPs, browsers and OS versions (``Mac OS X 10_15_7``) and messages.
"""

from __future__ import annotations

import json
import random
import string

from dataguard.testing import generators as g
from dataguard.testing.schemas._model import (
    ColumnSpec,
    Gen,
    Mix,
    RowContext,
    SchemaSpec,
    TableSpec,
)
from dataguard.testing.schemas._types import BIGINT, DATETIME, INT, char, varchar
from dataguard.testing.schemas._values import (
    Preset,
    after,
    bcrypt_like,
    const,
    dirty,
    id_column,
    integer,
    ip_any,
    login_name,
    maybe_null,
    moment,
    pick,
    ref,
    timestamp_gen,
    use,
    weighted,
)

__all__ = ["SCHEMA"]


def _audit() -> tuple[ColumnSpec, ...]:
    """RuoYi's audit columns: create_by, create_time, update_by, update_time."""
    return (
        ColumnSpec("create_by", varchar(64), "创建者", pick("admin", "ry")),
        ColumnSpec("create_time", DATETIME, "创建时间", timestamp_gen),
        ColumnSpec("update_by", varchar(64), "更新者", weighted(("admin", 3), ("", 2))),
        ColumnSpec("update_time", DATETIME, "更新时间", after("create_time", 60, 10**7, 0.4)),
    )


_DEPTS = (
    "若依科技",
    "深圳总公司",
    "长沙分公司",
    "研发部门",
    "市场部门",
    "测试部门",
    "财务部门",
    "运维部门",
    "市场部门",
    "财务部门",
    "客服中心",
    "法务部",
)

sys_dept = TableSpec(
    "sys_dept",
    "部门表",
    (
        id_column("部门id", "dept_id"),
        ColumnSpec("parent_id", BIGINT, "父部门id", lambda ctx: 0 if ctx.index == 0 else 100),
        ColumnSpec(
            "ancestors",
            varchar(50),
            "祖级列表",
            lambda ctx: "0" if ctx.index == 0 else f"0,100,{100 + ctx.index % 3}",
            trap="comma-separated digit lists",
        ),
        ColumnSpec("dept_name", varchar(30), "部门名称", lambda ctx: _DEPTS[ctx.index]),
        ColumnSpec("order_num", INT, "显示顺序", lambda ctx: ctx.index),
        ColumnSpec(
            "leader",
            varchar(20),
            "负责人",
            Preset(("若依",), use(g.chinese_name)),
            "CN_NAME",
            "plaintext",
        ),
        ColumnSpec(
            "phone",
            varchar(11),
            "联系电话",
            Preset(("15888888888",), use(g.mobile_digits)),
            "CN_MOBILE",
            "plaintext",
        ),
        ColumnSpec(
            "email",
            varchar(50),
            "邮箱",
            Preset(("ry@qq.com",), use(g.email)),
            "EMAIL_ADDRESS",
            "plaintext",
        ),
        ColumnSpec("status", char(1), "部门状态（0正常 1停用）", const("0")),
        ColumnSpec("del_flag", char(1), "删除标志（0代表存在 2代表删除）", const("0")),
        *_audit(),
    ),
    primary_key=("dept_id",),
    fixed_rows=len(_DEPTS),
)


def _avatar(ctx: RowContext) -> str:
    if ctx.rng.random() < 0.5:
        return ""
    at = moment(ctx.rng)
    return f"/profile/avatar/{at:%Y/%m/%d}/blob_{at:%Y%m%d%H%M%S}A{ctx.rng.randint(1, 999):03d}.png"


sys_user = TableSpec(
    "sys_user",
    "用户信息表",
    (
        id_column("用户ID", "user_id"),
        ColumnSpec("dept_id", BIGINT, "部门ID", ref("sys_dept")),
        ColumnSpec(
            "user_name",
            varchar(30),
            "用户账号",
            Preset(
                ("admin", "ry"),
                Mix((("valid", 0.2, use(g.mobile_digits)), ("account", 0.8, use(login_name)))),
            ),
            "CN_MOBILE",
            "plaintext",
            trap="account names; one user in five logs in with a mobile number",
        ),
        ColumnSpec(
            "nick_name",
            varchar(30),
            "用户昵称",
            Preset(("若依", "若依"), use(g.chinese_name)),
            "CN_NAME",
            "plaintext",
            trap="RuoYi keeps the real name in nick_name",
        ),
        ColumnSpec("user_type", varchar(2), "用户类型（00系统用户）", const("00")),
        ColumnSpec(
            "email",
            varchar(50),
            "用户邮箱",
            Preset(("ry@163.com", "ry@qq.com"), dirty(use(g.email), blank=0.15)),
            "EMAIL_ADDRESS",
            "plaintext",
        ),
        ColumnSpec(
            "phonenumber",
            varchar(11),
            "手机号码",
            Preset(("15888888888", "15666666666"), dirty(use(g.mobile_digits), blank=0.1)),
            "CN_MOBILE",
            "plaintext",
        ),
        ColumnSpec("sex", char(1), "用户性别（0男 1女 2未知）", pick("0", "1", "2")),
        ColumnSpec("avatar", varchar(100), "头像地址", _avatar),
        ColumnSpec(
            "password",
            varchar(100),
            "密码",
            use(bcrypt_like),
            "SECRET",
            "hashed",
            trap="bcrypt hashes ($2a$10$…)",
        ),
        ColumnSpec("status", char(1), "帐号状态（0正常 1停用）", weighted(("0", 9), ("1", 1))),
        ColumnSpec(
            "del_flag", char(1), "删除标志（0代表存在 2代表删除）", weighted(("0", 19), ("2", 1))
        ),
        ColumnSpec(
            "login_ip",
            varchar(128),
            "最后登录IP",
            Preset(("127.0.0.1",), use(ip_any)),
            "IP_ADDRESS",
            "plaintext",
        ),
        ColumnSpec("login_date", DATETIME, "最后登录时间", timestamp_gen),
        ColumnSpec("pwd_update_date", DATETIME, "密码最后更新时间", maybe_null(timestamp_gen, 0.3)),
        *_audit(),
        ColumnSpec(
            "remark",
            varchar(500),
            "备注",
            Preset(("管理员", "测试员"), weighted(("", 6), (None, 3), ("外包人员", 1))),
        ),
    ),
    primary_key=("user_id",),
)

# RuoYi's LogAspect drops password, oldPassword, newPassword and confirmPassword from the
# logged request body, so oper_param never holds a password.


def _oper(ctx: RowContext) -> tuple[str, int, str, str, str]:
    """(title, business_type, method, request_method, url) of one admin action."""
    return ctx.rng.choice(
        (
            ("用户管理", 2, "SysUserController.edit()", "PUT", "/system/user"),
            ("用户管理", 1, "SysUserController.add()", "POST", "/system/user"),
            ("用户管理", 2, "SysUserController.resetPwd()", "PUT", "/system/user/resetPwd"),
            ("部门管理", 2, "SysDeptController.edit()", "PUT", "/system/dept"),
            ("参数管理", 2, "SysConfigController.edit()", "PUT", "/system/config"),
            ("角色管理", 4, "SysRoleController.dataScope()", "PUT", "/system/role/dataScope"),
        )
    )


def _title(ctx: RowContext) -> str:
    oper = _oper(ctx)
    ctx.values["_oper"] = oper
    return oper[0]


def _oper_param(ctx: RowContext) -> str:
    r = ctx.rng
    method = ctx.values["_oper"][2]
    if method.startswith("SysUserController.resetPwd"):
        body: dict[str, object] = {"userId": r.randint(3, 300), "params": {}}
    elif method.startswith("SysUserController"):
        body = {
            "admin": False,
            "createBy": "admin",
            "deptId": r.randint(100, 111),
            "email": g.email(r),
            "nickName": g.chinese_name(r),
            "params": {},
            "phonenumber": g.mobile_digits(r),
            "postIds": [r.randint(1, 4)],
            "roleIds": [2],
            "sex": r.choice("012"),
            "status": "0",
            "userId": r.randint(3, 300),
            "userName": login_name(r),
        }
    elif method.startswith("SysDeptController"):
        body = {
            "deptId": r.randint(100, 111),
            "deptName": r.choice(_DEPTS),
            "leader": g.chinese_name(r),
            "phone": g.mobile_digits(r),
            "email": g.email(r),
            "orderNum": r.randint(1, 9),
            "params": {},
        }
    elif method.startswith("SysConfigController"):
        body = {
            "configId": r.randint(1, 13),
            "configKey": "sys.account.captchaEnabled",
            "configValue": r.choice(("true", "false")),
            "params": {},
        }
    else:
        body = {"roleId": r.randint(2, 9), "dataScope": "2", "deptIds": [103, 104], "params": {}}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _error_msg(ctx: RowContext) -> str:
    if ctx.values["status"] == 0:
        return ""
    if ctx.rng.random() < 0.5:
        return (
            "\n### Error updating database.  Cause: "
            "java.sql.SQLIntegrityConstraintViolationException: Duplicate entry "
            f"'{g.mobile_digits(ctx.rng)}' for key 'sys_user.idx_phonenumber'"
        )
    return f"新增用户'{login_name(ctx.rng)}'失败，登录账号已存在"


sys_oper_log = TableSpec(
    "sys_oper_log",
    "操作日志记录",
    (
        id_column("日志主键", "oper_id"),
        ColumnSpec("title", varchar(50), "模块标题", _title),
        ColumnSpec(
            "business_type",
            INT,
            "业务类型（0其它 1新增 2修改 3删除）",
            lambda ctx: ctx.values["_oper"][1],
        ),
        ColumnSpec(
            "method",
            varchar(200),
            "方法名称",
            lambda ctx: "com.ruoyi.web.controller.system." + ctx.values["_oper"][2],
            trap="dotted names",
        ),
        ColumnSpec("request_method", varchar(10), "请求方式", lambda ctx: ctx.values["_oper"][3]),
        ColumnSpec("operator_type", INT, "操作类别（0其它 1后台用户 2手机端用户）", const(1)),
        ColumnSpec("oper_name", varchar(50), "操作人员", weighted(("admin", 5), ("ry", 2))),
        ColumnSpec("dept_name", varchar(50), "部门名称", pick("研发部门", "测试部门", "运维部门")),
        ColumnSpec("oper_url", varchar(255), "请求URL", lambda ctx: ctx.values["_oper"][4]),
        ColumnSpec("oper_ip", varchar(128), "主机地址", use(ip_any), "IP_ADDRESS", "plaintext"),
        ColumnSpec(
            "oper_location",
            varchar(255),
            "操作地点",
            pick("内网IP", "浙江省 杭州市", "广东省 深圳市", "XX XX"),
        ),
        ColumnSpec(
            "oper_param",
            varchar(2000),
            "请求参数",
            _oper_param,
            frozenset({"CN_MOBILE", "CN_NAME", "EMAIL_ADDRESS"}),
            "plaintext",
            in_text=True,
            trap="JSON text in a VARCHAR; personal data only in user and dept edits",
        ),
        ColumnSpec(
            "json_result", varchar(2000), "返回参数", const('{"msg":"操作成功","code":200}')
        ),
        ColumnSpec("status", INT, "操作状态（0正常 1异常）", weighted((0, 9), (1, 1))),
        ColumnSpec(
            "error_msg",
            varchar(2000),
            "错误消息",
            _error_msg,
            "CN_MOBILE",
            "plaintext",
            in_text=True,
            trap="a phone quoted in a SQL error in one row in twenty",
        ),
        ColumnSpec("oper_time", DATETIME, "操作时间", timestamp_gen),
        ColumnSpec("cost_time", BIGINT, "消耗时间", integer(3, 2500)),
    ),
    primary_key=("oper_id",),
    scale=3,
)


def _token(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


# (name, key, value or value maker, type, remark); RuoYi's shipped rows first.
_CONFIG: tuple[tuple[str, str, object, str, str], ...] = (
    (
        "主框架页-默认皮肤样式名称",
        "sys.index.skinName",
        "skin-blue",
        "Y",
        "蓝色 skin-blue、绿色 skin-green、紫色 skin-purple、红色 skin-red、黄色 skin-yellow",
    ),
    ("用户管理-账号初始密码", "sys.user.initPassword", "123456", "Y", "初始化密码 123456"),
    (
        "主框架页-侧边栏主题",
        "sys.index.sideTheme",
        "theme-dark",
        "Y",
        "深色主题theme-dark，浅色主题theme-light",
    ),
    (
        "账号自助-验证码开关",
        "sys.account.captchaEnabled",
        "true",
        "Y",
        "是否开启验证码功能（true开启，false关闭）",
    ),
    (
        "账号自助-是否开启用户注册功能",
        "sys.account.registerUser",
        "false",
        "Y",
        "是否开启注册用户功能（true开启，false关闭）",
    ),
    (
        "用户登录-黑名单列表",
        "sys.login.blackIPList",
        lambda r: ";".join(g.ipv4(r) for _ in range(3)),
        "Y",
        "设置登录IP黑名单限制，多个匹配项以;分隔，支持匹配（*通配、网段）",
    ),
    (
        "用户管理-密码字符范围",
        "sys.account.chrtype",
        "0",
        "Y",
        "默认任意字符范围，0任意（密码可以输入任意字符）",
    ),
    (
        "用户管理-初始密码修改策略",
        "sys.account.initPasswordModify",
        "1",
        "Y",
        "0：初始密码修改策略关闭，没有任何提示，1：提醒用户",
    ),
    (
        "短信服务-AccessKeyId",
        "sms.aliyun.accessKeyId",
        lambda r: "LTAI5t" + _token(r, 18),
        "N",
        "阿里云短信",
    ),
    (
        "短信服务-AccessKeySecret",
        "sms.aliyun.accessKeySecret",
        lambda r: _token(r, 30),
        "N",
        "阿里云短信",
    ),
    ("微信支付-APIv3密钥", "wxpay.apiV3Key", lambda r: _token(r, 32), "N", ""),
    ("系统-版本号", "sys.version", "3.8.8", "N", ""),
    ("文件上传-大小限制(MB)", "sys.upload.maxSize", "50", "N", ""),
)


def _config_field(i: int) -> Gen:
    def gen(ctx: RowContext) -> object:
        value = _CONFIG[ctx.index][i]
        return value(ctx.rng) if callable(value) else value

    return gen


sys_config = TableSpec(
    "sys_config",
    "参数配置表",
    (
        ColumnSpec("config_id", INT, "参数主键", lambda ctx: ctx.index + 1, nullable=False),
        ColumnSpec("config_name", varchar(100), "参数名称", _config_field(0)),
        ColumnSpec("config_key", varchar(100), "参数键名", _config_field(1)),
        ColumnSpec(
            "config_value",
            varchar(500),
            "参数键值",
            _config_field(2),
            frozenset({"SECRET", "IP_ADDRESS"}),
            "plaintext",
            in_text=True,
            trap="mostly settings; an initial password, access keys, an IP blacklist",
        ),
        ColumnSpec("config_type", char(1), "系统内置（Y是 N否）", _config_field(3)),
        *_audit(),
        ColumnSpec("remark", varchar(500), "备注", _config_field(4)),
    ),
    primary_key=("config_id",),
    fixed_rows=len(_CONFIG),
)

sys_logininfor = TableSpec(
    "sys_logininfor",
    "系统访问记录",
    (
        id_column("访问ID", "info_id"),
        ColumnSpec(
            "user_name",
            varchar(50),
            "用户账号",
            Mix((("valid", 0.2, use(g.mobile_digits)), ("account", 0.8, use(login_name)))),
            "CN_MOBILE",
            "plaintext",
            trap="one login in five uses a mobile number",
        ),
        ColumnSpec("ipaddr", varchar(128), "登录IP地址", use(ip_any), "IP_ADDRESS", "plaintext"),
        ColumnSpec(
            "login_location", varchar(255), "登录地点", pick("内网IP", "浙江省 杭州市", "XX XX")
        ),
        ColumnSpec(
            "browser",
            varchar(50),
            "浏览器类型",
            pick("Chrome 12", "Chrome Mobile", "Firefox 12", "Safari", "Mobile Safari"),
        ),
        ColumnSpec(
            "os",
            varchar(50),
            "操作系统",
            pick("Windows 10", "Mac OS X 10_15_7", "Android 1.x", "iOS 17_4_1"),
        ),
        ColumnSpec("status", char(1), "登录状态（0成功 1失败）", weighted(("0", 8), ("1", 2))),
        ColumnSpec(
            "msg",
            varchar(255),
            "提示消息",
            pick("登录成功", "退出成功", "验证码错误", "用户不存在/密码错误", "验证码已失效"),
        ),
        ColumnSpec("login_time", DATETIME, "访问时间", timestamp_gen),
    ),
    primary_key=("info_id",),
    scale=4,
)

SCHEMA = SchemaSpec(
    "admin",
    "RuoYi-style admin back end: users, departments, operation and login logs, settings.",
    (sys_dept, sys_user, sys_oper_log, sys_config, sys_logininfor),
)
