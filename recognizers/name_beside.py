"""Chinese personal names that what stands beside them labels: a phone, ID or card number (the
name cell of a row that has no header, a name with its mobile in brackets), what the person
did (``张伟 修改了收货地址``) or an English word for who they are (``user 张伟``,
``approved by 王芳``)."""

from __future__ import annotations

import re
from typing import ClassVar

from dataguard.detect.recognizer import Pattern, ideographs_except

from ._tabular import repeat
from .name import (
    _DOT,
    _END,
    _FULL_NAME,
    _GIVEN,
    _NAME,
    _NOT_BEFORE_TITLES,
    _RECORD_LABELS,
    _SECOND_LABEL_WORD,
    _SPEAKER_COLON,
    _SPEAKER_NAME_END,
    _TITLES,
    NameRecognizer,
    _dotted,
    _full_name,
    _place_names,
    _surname_regex,
    _word_list,
)

__all__ = ["NameBesideRecognizer", "common_words"]

# A cell of a delimited row (an export pasted into a log, a headerless CSV, a SQL VALUES
# list, a Markdown table): a comma (ASCII or full-width), a tab or a pipe, with the quotes
# CSV and SQL add; or spaces alone, as a delivery cell or a contact line writes name,
# phone and address (``武桂英 13912340215 安徽省合肥市…``); or an underscore, as file and
# folder names join them (``陈静_13812345678_简历.pdf``).
_CELL_SEP = r"""["']?(?:[ \t]*[,，\t|_][ \t]*|[ \t]+)["']?"""
# A cell starts a row, or follows a separator, a SQL VALUES list's bracket or a bound
# parameter list's (``params=[赵六, 137…]``, as ORMs and JDBC wrappers log them); consumed,
# not a lookbehind: the scan form would start at a tab that ``[ \t]*`` can take, and the
# anchored check there would look behind the tab.
# Or a space after an ASCII word, as a log message writes name and phone after its level,
# time or a key (``INFO 王芳 138…``, ``10:00:01 王芳 138… 浙江省…``).
# ref. loan applications and hospital records: a contact's relation to the person, then the
# contact (紧急联系人1:母亲 孙丽 137…, 联系人：配偶：刘洋，138…).
_RELATION = (
    "(?:母亲|父亲|妈妈|爸爸|配偶|丈夫|妻子|儿子|女儿|子女"
    "|同事|朋友|亲属|兄弟|姐妹|哥哥|姐姐|弟弟|妹妹)"
)
# The blanks padding a cell are bounded: every tab of a run starts a row, and an unbounded
# run made Python's re read the rest of the run from each one (quadratic: 0.5 s for a line
# of 6,000 tabs); a name padded further than that after a tab is found from a later tab.
_ROW_START = r"""(?:^|[\r\n,，\t|(\[]|[!-~][ \t]|""" + _RELATION + r"""[ \t:：])[ \t]{0,64}["']?"""
# The cell after the name: a mobile (``+86``, ``(+86)`` and grouped forms included:
# ``+86 137 6279 8788``) or an ID number (18 characters, or the legacy 15 digits).
_MOBILE = r"(?:\(\+?86\)|\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}"
# …or a UnionPay card number (62…, 16-19 digits), as a bank statement's payee row writes
# it (TXN|…|周杰伦|6217…|中国建设银行…).
_PERSONAL_CELL = r"(?:" + _MOBILE + r"|\d{17}[\dXx]|\d{15}|62\d{14,17})(?![\dXx])"
# A contact written name-then-mobile in brackets, ASCII or full-width (``张伟(138…)``,
# ``王芳（+86 139…）``), as notification and audit logs write a person. The name must not
# continue a run of ideographs or a word (``订单王芳(…)`` could be ``单王芳``): it starts
# the text, follows a character that is neither, or follows a verb that takes a person
# (``已通知王芳(…)``, ``客服已联系买买提·艾力(…)``), consumed.
_CONTACT_VERBS = "通知|联系|致电|告知|提醒|转告|告诉|回访|呼叫"
_CONTACT_START = r"(?:^|[^\u4e00-\u9fff·A-Za-z0-9_]|(?:" + _CONTACT_VERBS + ")了?)"


# A dotted name's first part may be any ideographs (帕提古丽), so from the text's start it
# would take the words before a name in (``客服已联系买买提·艾力``); here it holds none of
# the characters of 已 and the contact verbs above, which transliterations do not use
# (提 and 力 they do: 买买提·艾力), and the scan finds the verb and the name after it.
_NOT_IN_TRANSLITERATIONS = "已再请通联致知系电诉访呼叫醒"
_CONTACT_FULL_NAME = _full_name(
    _dotted(
        ideographs_except(_NOT_IN_TRANSLITERATIONS + "我本"),
        ideographs_except(_NOT_IN_TRANSLITERATIONS),
    )
)
_CONTACT_NAME = "(?P<value>" + _CONTACT_FULL_NAME + _END + ")"
# …ended by what a pattern matches after it instead (给您转账, 的耐心服务): consumed, not
# looked ahead, since scan and prefilter forms drop lookarounds, and a name alone after
# any non-word character would make every line of Chinese text a candidate.
_CONTACT_NAME_BEFORE = "(?P<value>" + _CONTACT_FULL_NAME + ")"
# Its mobile or ID number in brackets (张伟(138…), 张三伟 (4403…)), or after a slash.
_NUMBER_BESIDE = (
    r"(?:[ \t]?[(（][ \t]*(?=(?:"
    + _MOBILE
    + r"|\d{17}[\dXx])[ \t]*[)）])"
    # …or after a slash, as waybills and contact cells write it (邹丽/15626018159).
    + r"|[ \t]?[/／][ \t]?(?="
    + _PERSONAL_CELL
    + "))"
)
# ref. English log messages about a person (``user 张伟 (uid=1001) changed phone``,
# ``approved by 王芳``): the English noun for who they are, or ``by``, then the name.
_ENGLISH_ROLES = (
    r"(?i:user|customer|buyer|seller|member|receiver|recipient|consignee|sender|payee|payer|"
    r"driver|courier|rider|passenger|guest|patient|student|employee|staff|applicant|holder|"
    r"contact|operator|approver|reviewer|owner|assignee|reporter|by|"
    # …or whom something is for, sent to or came from (failed for 张伟, sms sent to 王芳,
    # transfer from 李娜).
    r"for|to|from|"
    # …or greets them (Hi 邹丽, your order has shipped).
    r"hi|hello|dear)"
)
# ref. audit and operation logs (``张伟 修改了收货地址``, ``INFO 王芳 登录成功``): a name, a
# space, then what the person did. The name starts the text or follows neither an
# ideograph nor a word character, as before a bracketed mobile.
_ACTS = (
    "修改|删除|新增|添加|登录|登入|退出|注销|提交|下单|申请|审批|审核|批准|驳回|创建|更新|"
    "导出|导入|下载|上传|查看|查询|取消|确认|支付|付款|退款|签收|转账|绑定|解绑|重置|编辑|"
    "发起|撤回|完成|操作|访问"
)
# ref. customer-service chat: 邹丽的手机号是…, 这是邹丽的身份证, 帮邹丽下的单, 给邹丽打电话.
# Whose phone, ID or address it is says the words before 的 are a person; a word that
# takes a person (是, 给, 帮 …) may stand before the name inside a run of ideographs.
# (查下 and 看一下 too: 帮我查下陈静的订单.)
_TAKES_A_PERSON = "(?:是|给|帮|替|跟|和|与|找|问|让|把|查一?下|看一?下)"
_PERSONAL_ATTRIBUTE = (
    "的(?:手机|电话|联系方式|身份证|证件|住址|家庭住址|地址|银行卡|卡号|邮箱|微信|QQ|qq|账号|"
    "户口|护照|车牌|订单|包裹|快递)"
)
_DONE_FOR_A_PERSON = "(?:打个?电话|回个?电话|回电|发个?短信|发消息|发微信|下的单|下单|付款|签收)"
# The name fields whose new value a chat asks for (改成…): who receives, who is contacted.
_NAME_FIELD_WORDS = "(?:收件人|收货人|联系人|签收人|姓名|名字)"
# ref. approval, meeting, trip and policy records: a label of several people, then their
# names in a list (审批人：张伟、李娜、王芳; 参会人员：张伟，李娜). The first name after
# a label of NameRecognizer's is read there too; each is read here at its position.
_PEOPLE_LABELS = (
    "(?:审批人|抄送人?|参会人员?|与会人员|出席人员|参与人员?|成员|组员|团队成员|联系人|"
    "负责人|经办人|收件人|乘客|乘机人|入住人|被保险人|家庭成员|执行人|处理人|值班人员?)"
)
_LIST_SEP = "[、，,/]"
#: Names in a list after a people label are found at its first this many positions.
_LIST_POSITIONS = 6
# ref. uploads that HR, KYC, school and hospital systems name after the person and the
# document (张伟_身份证正面.jpg, 李娜-简历.pdf, 王芳的毕业证.png, 刘洋身份证.png), logged
# with their paths: the document and a file type after the name say whose file it is.
_DOCUMENTS = (
    "身份证|简历|户口本|户口簿|户籍|毕业证|学位证|学历|体检|劳动合同|合同|银行卡|驾驶证|"
    "行驶证|护照|结婚证|出生证|社保卡|医保卡|工资|收入证明|在职证明|离职证明|征信|证件照|"
    "照片|头像|签名|房产证|病历|诊断|检查报告|入职|offer|Offer|OFFER|CV|cv|resume|Resume"
)
_FILE_TYPES = r"(?i:jpe?g|png|gif|bmp|webp|heic|tiff?|pdf|docx?|xlsx?|pptx?|txt|zip|rar|7z|ofd)"
# Cells that end like an organisation, a place or a facility are not people: 高新区,
# 王府井店, 李庄村, 黄河路; nor a card (upgrade to 白金卡).
_NOT_PERSON_ENDINGS = tuple("区县市省镇乡村路街道店厂馆院局处所站部司行组队班仓卡")


# Brands and card tiers that start with a surname character and are no common word of
# data/cn_words.txt, written before a customer title in notifications (尊敬的华为用户,
# 申通客户, 花呗用户, 白卡会员, 蔚来车主).
_BRANDS_BEFORE_TITLES = (
    "华为|荣耀|申通|花呗|白卡|蔚来|吉利|金卡|银卡|爱奇|万达|苏宁|平安|国美|京东|东航"
)


def common_words() -> frozenset[str]:
    """Common words that start with a surname character, from ``data/cn_words.txt``."""
    return _word_list("cn_words.txt")


# Sentence-final particles, and with them the verbs of a short reply (到, 来, 走, 见, 退, 好).
_PARTICLES = "呢吗吧啊呀嘛哦啦么哈咯"
_TURN_ENDINGS = frozenset(_PARTICLES + "到来走见退好")


class NameBesideRecognizer(NameRecognizer):
    """A Chinese personal name labelled by what stands beside it, not by a name label.

    Format: the name forms of :class:`NameRecognizer`, in one of these places:

    * a row's cell, at the start of the row or after a separator (``,`` ``，`` tab ``|``
      or spaces, quotes allowed), when the next cell holds a mobile number or an ID number:
      a row with no header (an export pasted into a log, ``王芳,13912345678,浙江省…``, a
      SQL ``VALUES`` list, a Markdown table) says whose it is by its shape;
    * before its mobile or ID number in brackets, ``张伟(138…)``, or after a slash,
      ``邹丽/156…``, the name starting the text or following a character that is neither
      an ideograph nor a word character;
    * before a space and what the person did (``张伟 修改了收货地址``, ``王芳 登录成功``),
      as audit and operation logs write an actor, the name starting as above;
    * after an English word for who the person is (``user``, ``customer``, ``driver`` …),
      ``by`` or a greeting, as English log messages write a Chinese name (``approved by
      王芳``, ``Hi 邹丽,``);
    * after a speaker's colon in a transcript or log (``客户：王芳，…``), ending a clause;
    * in what a message does to a person: an @ mention, a greeting (``您好邹丽，``), a
      transfer's payee or payer (``转账给黄丽丽``, ``张三丰给您转账``), thanks
      (``感谢黄丽丽的耐心服务``), the new value of a name field (``收件人，改成雷芳``), whose
      phone, ID or address it is (``邹丽的手机号``, ``这是邹丽的身份证``), or whom one
      calls or orders for (``给邹丽打电话``, ``帮邹丽下的单``);
    * a whole lexeme of a PostgreSQL ``tsvector`` (``'13812341050':2 '张伟':1``), a search
      column that copies its row's text.

    Since no name label says so, a word in that place must not read as a name: besides
    what :class:`NameRecognizer` rejects, every division name (counties too: ``余杭,138…``
    is a region column), values ending like an organisation or a place (``高新区``,
    ``王府井店``) and the common words of ``data/cn_words.txt`` (``家属``, ``余额``,
    ``马上``: 16,340 words of jieba's dictionary that start with a surname) are rejected;
    a name that is also a common word (``江南``) is left to the labelled forms.

    Examples:
        match: ⟦王芳⟧,13912345678,浙江省杭州市西湖区文三路100号
        match: 2026-11-28 10:00:01 INFO ⟦王芳⟧ 13812345678 浙江省杭州市
        match: upload ok path=/data/upload/⟦张伟⟧_身份证正面.jpg
        match: saved /home/hr/简历/⟦李娜⟧-简历.pdf
        match: 附件：⟦王芳⟧的毕业证.PNG
        match: file=⟦刘洋⟧身份证.png size=1.2MB
        match: attachment: ⟦陈静⟧_13812345678_简历.pdf
        no-match: saved /data/公司_营业执照.pdf
        no-match: file=北京_简历模板.docx
        match: id=1 ⟦王芳⟧ 13812345678
        no-match: ERROR 查询 13812345678 失败
        no-match: sms 高新区 13812345678
        match: 参会人员：⟦张伟⟧
        match: 审批人：本人、⟦李娜⟧
        match: 参会人员：本人，待定，⟦王芳⟧
        no-match: 参会人员：北京，上海，广州
        match: 备注：请联系⟦王芳⟧ 13712345678
        match: 有问题联系⟦王芳⟧，电话13712345678
        match: 已致电⟦李娜⟧13912345678
        no-match: 联系司机 13812345678
        no-match: 联系方式 13812345678
        no-match: 联系快递员 13812345678
        match: 7,⟦赵敏⟧,"+86 13812341050",2024-05-17
        match: 5797,⟦苏刚⟧,+86 152 9645 9074
        match: 96170,⟦艾力·买买提⟧,(+86)18135324152,32
        match: 69394,⟦唐超⟧,330102950204629
        match: INSERT INTO users VALUES (1,'⟦赵敏⟧','13812341050');
        match: sql: INSERT INTO t_user(name,phone) VALUES (?,?) params=[⟦赵六⟧, 13700001111]
        match: | ⟦李娜⟧ | 13812341050 | 浙江省杭州市 |
        match: ⟦欧阳娜娜⟧，11010519491231002X
        match: ⟦帕提古丽·库尔班⟧,13812341050
        match: 导出\t⟦陈静⟧\t13812341050
        match: ⟦武桂英⟧ 13912340215 安徽省合肥市蜀山区长江西路100号
        no-match: 明天 13812341050 联系
        no-match: 张经理 13812341050
        no-match: 周末,13812341050
        no-match: 家属,13812341050
        no-match: 余杭,13812341050,已发货
        no-match: 高新区,13812341050
        no-match: 王小明今天打了13812341050
        no-match: 王芳,2024-05-17,13812341050
        match: TXN|20261127|D|1000.00|CNY|⟦周杰伦⟧|6217000010012345677|建设银行|工资
        no-match: 已付款,6217000010012345677
        match: args=[13586091390, ⟦张三丰⟧]
        match: 13912340215,⟦武桂英⟧,安徽省合肥市蜀山区
        match: "11010519491231002X","⟦欧阳娜娜⟧"
        no-match: 13812341050,已发货
        no-match: 13812341050,高新区
        no-match: 13812341050 联系人
        no-match: 13812341050,张先生
        no-match: 13812341050,王芳芳芳
        match: sms sent to ⟦张伟⟧(13812341050) ok
        match: 审批人：财务部，经办：⟦王芳⟧（+86 139 1234 5678）
        match: [⟦李秀英⟧ (13812341050)]
        match: 已通知⟦王芳⟧(13812341050)
        match: 客服已联系⟦买买提·艾力⟧（13812341050）
        no-match: 订单王芳(13812341050)
        no-match: 已通知家属(13812341050)
        no-match: 紧急联系人：家属(13812341050)
        no-match: 周末(13812341050)
        no-match: 杭州(13812341050)
        no-match: 张先生(13812341050)
        no-match: 王芳(13812341050123)
        match: [audit] user ⟦张伟⟧ (uid=1001) changed phone
        match: ⟦张伟⟧登录成功
        match: 2026-11-28 10:00:01 INFO ⟦李娜⟧下单成功，订单号E2026
        no-match: 管理员登录成功
        no-match: 平台支付成功
        match: GET /api/user/⟦张伟⟧/profile HTTP/1.1
        match: GET /v1/customers/⟦欧阳娜娜⟧?fields=all
        no-match: GET /api/user/杭州/orders
        match: refund 7 approved by ⟦王芳⟧ at 10:00
        match: ERROR sms failed for ⟦张伟⟧
        match: transfer from ⟦李娜⟧ received
        no-match: INFO membership upgraded to 白金卡
        no-match: city changed from 北京 to 上海
        match: Customer ⟦欧阳娜娜⟧ placed order 7
        no-match: user 登录成功
        no-match: sorted by 时间 desc
        no-match: shipped by 杭州仓 today
        no-match: customer 张先生 called
        no-match: grouped by 黄金 weight
        match: 2026-11-27 10:00:01 ⟦张伟⟧ 修改了收货地址
        match: INFO [⟦王芳⟧ 登录成功]
        no-match: 周末 下单量上涨
        no-match: 管理员 删除了用户
        match: 已通知⟦张伟⟧ 修改地址
        match: @⟦李雷⟧ 请审核一下这个工单
        match: 工单已指派 @⟦欧阳娜娜⟧，请跟进
        no-match: @全体成员 请注意
        no-match: zhang@李雷.com
        no-match: @家属 请联系
        match: 转账给⟦黄丽丽⟧ 500元 备注：房租
        no-match: 转账给商家 500元
        no-match: 转账给对方账户
        no-match: 订单张伟 修改地址
        match: 实名认证通过：张*伟 → ⟦张三伟⟧ (440305199110102819)
        match: INFO ⟦邹丽⟧/15626018159
        match: 收件人信息 ⟦王芳⟧ / 13812341050 / 杭州
        no-match: 订单/13812341050
        match: INFO Hi ⟦邹丽⟧, your order has shipped
        match: 您好⟦邹丽⟧，您的包裹已签收
        match: 您好，⟦孙悟空⟧，您的快递到了
        no-match: 您好，欢迎光临，
        no-match: 你好，王经理，
        no-match: 您好，客户，
        no-match: 您好，包邮，今天下单明天发
        no-match: 您好世界，
        no-match: 您好，请问有什么可以帮您
        match: ⟦张三丰⟧给您转账500元
        match: 【支付宝】⟦王芳⟧向你付款100.00元
        no-match: 对方给您转账500元
        match: 感谢⟦黄丽丽⟧的耐心服务
        match: 谢谢⟦张伟⟧！
        match: 恭喜⟦林志玲⟧获得一等奖
        no-match: 感谢平安的支持
        no-match: 感谢大家的耐心等待
        no-match: 谢谢您！
        match: ⟦邹丽⟧的手机号是15626018159
        match: 这是⟦邹丽⟧的身份证，请核对
        match: 我帮⟦邹丽⟧下的单
        match: 客服已给⟦邹丽⟧打电话
        no-match: 这是商家的电话
        no-match: 给家里打电话
        no-match: 帮同事下的单
        match: 客户：⟦王芳⟧，电话13812341050
        match: 用户: ⟦张三丰⟧
        no-match: 用户：麻烦改地址到上海市浦东新区
        no-match: 用户：高兴，谢谢你们
        match: 尊敬的⟦王芳⟧客户，您尾号1234的储蓄卡入账500元
        match: 亲爱的⟦李娜⟧同学，请于周五前提交作业
        no-match: 尊敬的华为用户，您的手机已升级
        no-match: 尊敬的黄金会员，您的积分即将过期
        no-match: 尊敬的平安客户，您的保单已生效
        match: 用户：帮我改一下收件人，改成⟦雷芳⟧
        match: 收件人姓名写错了，应该是⟦诸葛思远⟧
        match: 用户：收件人写⟦刘洋⟧，电话不变
        match: 用户：帮我查下⟦陈静⟧的订单
        no-match: 用户：收件人写错了
        match: 客服：请问是哪位？ 用户：⟦王芳⟧呢？
        no-match: 用户：马上到。
        no-match: 用户：余额呢？
        no-match: 收件人地址改成杭州市
        no-match: 联系人电话改成13812341050
        match: '13812341050':2 '⟦秦雨桐⟧':1 'vip':3
        match: '⟦张伟⟧':1A,4 '杭州':2
        no-match: '本科':2 '杭州市':1 '高兴':3 '黄金':5
        no-match: tag='张伟':1
        match: 紧急联系人1:母亲 ⟦孙丽⟧ 13712345678
        match: 订单备注：送给⟦郭颖⟧的生日礼物
        match: 寄给⟦张伟⟧，谢谢
        no-match: 送给老师的礼物
        no-match: 寄给杭州的包裹
        no-match: 发给客户的通知
        match: 联系人：配偶：⟦刘洋⟧，13812341050
        no-match: 紧急联系人1:母亲 13712345678
        match: 患者⟦李娜⟧因头痛入院
        match: 员工⟦张伟⟧（工号E001）已离职
        no-match: XX科技有限公司员工花名册（2026年11月）
        no-match: 员工福利（2026年）
        no-match: 患者满意度（2026年）
        no-match: 员工和家属（共12人）
    """

    patterns = (
        # A record's role run on into the name (患者李娜因…, 员工张伟（工号…）, 家属王芳签字):
        # here, not among NameRecognizer's labels, since the run-on words are as often a
        # compound (员工福利, 员工花名册, 患者满意度, 考生须知, 员工通讯录) whose tail reads
        # as a name: common words are rejected. Nor a conjunction (员工和家属).
        Pattern("cn_name_record_run_on", "(?:" + _RECORD_LABELS + ")(?![和与及跟同])" + _NAME, 0.5),
        Pattern(
            "cn_name_row",
            _ROW_START + _NAME + _CELL_SEP + "(?=" + _PERSONAL_CELL + ")",
            0.5,
        ),
        # …or the cell after one (``args=[13586091390, 张三丰]``, a 手机号,姓名 export): the
        # name is a whole cell.
        Pattern(
            "cn_name_row_after",
            _ROW_START + _PERSONAL_CELL + _CELL_SEP + _NAME + r"""["']?(?=[,，\t|)\] ]|$)""",
            0.5,
        ),
        Pattern("cn_name_bracketed_mobile", _CONTACT_START + _CONTACT_NAME + _NUMBER_BESIDE, 0.5),
        Pattern("cn_name_actor", _CONTACT_START + _CONTACT_NAME + r"[ \t]+(?=" + _ACTS + ")", 0.5),
        # …or right before an act and its outcome, as a log message starts
        # (``张伟登录成功``, ``李娜下单成功``, ``王芳签收了``).
        Pattern(
            "cn_name_actor_glued",
            r"(?:^|[^\u4e00-\u9fff·A-Za-z0-9_])"
            + _CONTACT_NAME_BEFORE
            + "(?=(?:登录|登入|注册|注销|退出|下单|支付|付款|签收|提交|修改|删除)(?:了|成功|失败))",
            0.5,
        ),
        # ref. REST paths that name a person (``GET /api/user/张伟/profile``, its
        # percent-encoded form decoded): the resource's noun, then the name as a segment.
        Pattern(
            "cn_name_url_segment",
            r"/(?i:users?|customers?|members?|employees?|staff|patients?|students?|persons?"
            r"|people|contacts?|drivers?|buyers?|sellers?)/" + _CONTACT_NAME + r"(?=[/?#;\s]|$)",
            0.5,
        ),
        # ref. order remarks and service notes: whom to contact, then the number to call
        # (``请联系王芳 137…``, ``致电李娜13912345678``, ``联系王芳，电话137…``).
        Pattern(
            "cn_name_contacted_mobile",
            "(?:"
            + _CONTACT_VERBS
            + ")了?"
            + _CONTACT_NAME
            + r"[ \t]*(?:[，,：:][ \t]*)?(?:电话|手机号?|(?i:tel|phone))?[：:]?[ \t]*(?="
            + _MOBILE
            + r"(?!\d))",
            0.5,
        ),
        Pattern(
            "cn_name_english_role",
            # The name is a whole token: not 白白 of 白白的, as after a label it may be.
            r"(?<![A-Za-z0-9_])" + _ENGLISH_ROLES + r"[ \t]+" + _NAME + r"(?![\u4e00-\u9fff])",
            0.5,
        ),
        # ref. DingTalk, Feishu and WeCom messages and work orders: ``@李雷 请审核``. Not
        # an e-mail's @ (a word character before it); the name is a whole token.
        Pattern(
            "cn_name_mention",
            r"(?<![A-Za-z0-9_.%+-])@" + _CONTACT_NAME + r"(?=[\s,，:：;；、)）]|$)",
            0.5,
        ),
        # ref. notification templates: ``您好邹丽，您的包裹已签收``: the greeting, then the
        # name ending its clause.
        Pattern(
            "cn_name_greeted",
            "(?:您好|你好)[，,]?[ \t]?" + _CONTACT_NAME_BEFORE + r"(?:[，,！!：:]|[ \t]*$)",
            0.5,
        ),
        # ref. payment and transfer notes: ``转账给黄丽丽 500元``, ``已付款给王芳``.
        Pattern(
            "cn_name_payee",
            "(?:转账给|转给|汇款给|付款给|打款给|还款给)" + _CONTACT_NAME + r"(?![\u4e00-\u9fff])",
            0.5,
        ),
        # ref. order remarks and parcel notes: whom a gift or parcel is for (``送给郭颖的
        # 生日礼物``, ``寄给张伟``, ``发给王芳，谢谢``).
        Pattern(
            "cn_name_gift_recipient",
            "(?:送给|寄给|发给)" + _CONTACT_NAME + r"(?=的|[^\u4e00-\u9fff]|$)",
            0.5,
        ),
        # …and the payer of a payment notice: ``张三丰给您转账500元``, ``王芳向你付款``.
        Pattern(
            "cn_name_payer",
            _CONTACT_START + _CONTACT_NAME_BEFORE + "[给向][您你](?:转账|付款|汇款|打款|转了)",
            0.5,
        ),
        Pattern(
            "cn_name_possessor",
            "(?:"
            + _CONTACT_START
            + "|"
            + _TAKES_A_PERSON
            + ")"
            + _CONTACT_NAME_BEFORE
            + _PERSONAL_ATTRIBUTE,
            0.5,
        ),
        Pattern(
            "cn_name_phoned",
            "(?:给|帮|替|跟|和|与)" + _CONTACT_NAME_BEFORE + _DONE_FOR_A_PERSON,
            0.5,
        ),
        # ref. customer-service chat and reviews: ``感谢黄丽丽的耐心服务``, ``谢谢张伟！``,
        # ``恭喜林志玲获得一等奖``: whom one thanks or congratulates, a whole word.
        Pattern(
            "cn_name_thanked",
            "(?:感谢|谢谢|表扬|恭喜)"
            + _CONTACT_NAME_BEFORE
            + r"(?:的|[，,。.！!、~～\s]|$|老师|师傅|同学|获得|荣获)",
            0.5,
        ),
        # ref. customer-service transcripts and logs: a speaker's label as a name label
        # (客户：王芳，电话…); after it a transcript's sentences too (用户：麻烦改地址…,
        # 用户：马上到。), so a name ends a clause and is no common word.
        Pattern(
            "cn_name_speaker_colon",
            _SPEAKER_COLON
            + "(?!"
            + _SECOND_LABEL_WORD
            + ")(?P<value>"
            + _FULL_NAME
            # …before a particle (用户：王芳呢？ asks for 王芳), which no name ends in.
            + ")(?<!["
            + _PARTICLES
            + "])["
            + _PARTICLES
            + "]?"
            + _SPEAKER_NAME_END,
            0.5,
        ),
        # ref. bank, carrier and school SMS: ``尊敬的王芳客户``, ``亲爱的李娜同学``. A name of
        # two characters before the title (three are NameRecognizer's): brands and tiers
        # stand there as often (尊敬的华为用户, 黄金会员, 苏宁会员), so it is no common word,
        # place or brand.
        Pattern(
            "cn_name_salutation_title_short",
            "(?=[尊亲])(?:尊敬的|亲爱的)"
            + _NOT_BEFORE_TITLES
            + "(?!"
            + _BRANDS_BEFORE_TITLES
            + ")(?P<value>"
            + _surname_regex()
            + _GIVEN
            + ")"
            + _TITLES,
            0.5,
        ),
        Pattern(
            "cn_name_document_file",
            r"""(?:^|[/\\=:：\s"'(（\[【,，])"""
            # A surname and a given name (no dotted name: with its repeated classes before
            # the file's rest, Hyperscan took 16 s to compile the pattern).
            + "(?P<value>"
            + _surname_regex()
            + _GIVEN
            + "{1,2})"
            + r"(?:[_\-－—·. ]|的)?(?:"
            + _DOCUMENTS
            # The file's type is looked ahead for, as the prefilter need not run it (its
            # unbounded rest of a name cost Hyperscan seconds to compile).
            + r""")(?=[^/\\\s"'<>|]*?\."""
            + _FILE_TYPES
            + "(?![A-Za-z0-9]))",
            0.5,
        ),
        *(
            Pattern(
                f"cn_name_listed_{k}",
                _PEOPLE_LABELS
                + r"[ \t]*[:：][ \t]*"
                + repeat("[\u4e00-\u9fff·]{2,6}[ \t]*" + _LIST_SEP + "[ \t]*", k)
                + _NAME,
                0.5,
            )
            for k in range(_LIST_POSITIONS)
        ),
        # ref. PostgreSQL §8.11.2 (tsvector): a search column's lexemes, each quoted and
        # followed by its positions (``'13812341050':2 '张伟':1A``). A lexeme that is a
        # whole name, and no common word or place, is the name a row's text held,
        # copied into its search index.
        Pattern(
            "cn_name_tsvector",
            r"(?:^|(?<= ))'" + _NAME + r"':[0-9]+[A-D]?(?:,[0-9]+[A-D]?)*(?= '|$)",
            0.5,
        ),
        # ref. order changes in chat: ``帮我改一下收件人，改成雷芳``, ``收件人姓名写错了，
        # 应该是诸葛思远``: the new name of a name field, ending its clause.
        Pattern(
            "cn_name_changed_to",
            _NAME_FIELD_WORDS
            # …or what to write or fill in (收件人写刘洋, 联系人填王芳).
            + r"[^\r\n。！？!?]{0,8}?"
            + r"(?:改成|改为|换成|更正为|修改为|应该是|应为|写成?|填成?|填写|留)了?"
            + _NAME
            + r"(?![\u4e00-\u9fff])",
            0.5,
        ),
    )
    description: ClassVar[str] = (
        "Chinese personal name (beside its phone or ID, an act, an English role word, an "
        "@ mention, a greeting, a transfer's payee or payer, thanks, or a name field's new "
        "value)"
    )
    validation: ClassVar[str] = (
        "as CN_NAME, and not a division name or a common word (jieba's dictionary)"
    )

    def validate(self, value: str) -> bool | None:
        # A dotted minority name (帕提古丽·库尔班) is no word or place.
        if (
            not re.search(_DOT, value)
            and (
                value in common_words()
                or value in _place_names()
                or value.endswith(_NOT_PERSON_ENDINGS)
                # A common word, then a particle or a verb of coming and going: a customer's
                # whole turn (马上到, 余额呢, 方便吗: 马, 余, 方 are surnames), no name, which
                # never ends so (a given name of 子涵 after 金, or 欧阳's 平, still is one).
                or (len(value) == 3 and value[2] in _TURN_ENDINGS and value[:2] in common_words())
            )
        ):
            return False
        return super().validate(value)
