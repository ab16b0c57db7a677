"""Chinese personal names, reported only where a label or field says they are names."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import ClassVar

from dataguard.detect.recognizer import Pattern, Recognizer

from ._tabular import PHP_STRING_TYPE, csv_column, repeat, sql_insert_column, xml_element

__all__ = ["NameRecognizer", "surnames"]


def _data(name: str) -> str:
    return files("dataguard.recognizers").joinpath(f"data/{name}").read_text("utf-8")


@cache
def _word_list(name: str) -> frozenset[str]:
    """The entries of a one-per-line file of ``data/``, its ``#`` comment lines left out."""
    return frozenset(
        line.strip()
        for line in _data(name).splitlines()
        if line.strip() and not line.startswith("#")
    )


def surnames() -> frozenset[str]:
    """Single and compound surnames from ``data/cn_surnames.txt``."""
    return _word_list("cn_surnames.txt")


@cache
def _place_names(*, counties: bool = True) -> frozenset[str]:
    """Division names and their suffix-less forms: ``张家口`` is a city, not a person.
    Without *counties*: provinces and prefectures only (``杭州``, ``朝阳``)."""
    found: set[str] = set()
    for line in _data("cn_divisions.tsv").splitlines():
        if line and not line.startswith("#"):
            _, name, level = line.split("\t")[:3]
            if level == "county" and not counties:
                continue
            found.add(name)
            if len(name) > 2 and name[-1] in "省市区县盟旗":
                found.add(name[:-1])
    return frozenset(found)


def _surname_regex() -> str:
    names = surnames()
    compound = sorted(n for n in names if len(n) == 2)
    single = "".join(sorted(n for n in names if len(n) == 1))
    return "(?:" + "|".join(compound) + "|[" + single + "])"


_CJK = r"[\u4e00-\u9fff]"
# ref. GB/T 28039-2011 (Chinese names in Roman letters) §5.5: the separator of minority and
# transliterated names is the middle dot (U+00B7; ・ and • are common stand-ins).
_DOT = "[·•・‧]"
# Words that may directly follow a name in run-on text (收件人张三电话…).
_FOLLOWERS = (
    "电话|手机|联系|地址|住址|身份|性别|年龄|先生|女士|小姐|您好|你好|来电|致电|签收|"
    # ref. customer-service logs: 客户张伟反映…, 用户李娜投诉…, 客户王芳表示….
    "反映|反馈|表示|投诉|咨询|询问|要求|申请|办理|认为|称|"
    # ref. bank-transfer text run together: 户名王芳开户行工商银行.
    "开户|"
    # ref. court records: 原告张伟诉…, 被告李娜一案 (not the 投 of 投诉, 上诉, 起诉, 申诉:
    # 用户张磊投诉 is 张磊).
    "(?<![投上起申])诉|一案|"
    # ref. medical and nursing records: 患者李娜因头痛入院, 家属沈嘉怡陪同, 家属王芳签字.
    "因(?!此)|陪同|签字|签名|"
    # ref. lending, collection and payment logs: 客户王芳逾期30天, 还款人黄丽丽还款500元,
    # 担保人刘德华签署担保合同, 客户张伟提现200元.
    "逾期|还款|借款|贷款|放款|提额|签署|签约|签订|支付|付款|退款|缴费|充值|提现|续费|"
    "的|已|正在|在|于|和|与|说|收"
)
# A mask character right after it means the name was masked already: 欧阳** is the display
# mask of 欧阳娜娜, and reading 欧阳 as a name masked it again (欧***), so masking a masked
# text changed it.
# A name does not end in 于, 在 or 已 right before a date or number: 用户马云于2026-11-27注册
# is 马云 at a time (the greedy given name took 于, as a digit may follow a name).
_END = r"(?:(?<![于在已])|(?![ \t]?[0-9]))(?=[^\u4e00-\u9fff*＊]|$|" + _FOLLOWERS + ")"
# The first part of a dotted name does not start with a pronoun or verb of self-introduction
# (用户：我叫热依拉·阿不都 is 热依拉·阿不都; 用户：本人古丽娜尔·吐尔逊 is 古丽娜尔·吐尔逊).
_MINORITY_FIRST = r"[\u4e00-\u6210\u6212-\u672b\u672d-\u9fff]"  # no 我 (U+6211), 本 (U+672C)
# The parts after a dot are as short as the end allows: 古丽娜尔·阿不都反映… ends at 都.


def _dotted(first: str, rest: str) -> str:
    """A dotted minority name whose first part is a *first* character and up to seven
    *rest* characters; the parts after a dot are as short as the end allows."""
    return first + rest + "{0,7}" + _DOT + _CJK + "{1,10}?(?:" + _DOT + _CJK + "{1,10}?)?"


_MINORITY = _dotted(_MINORITY_FIRST, _CJK)
# Given-name characters: any ideograph but the particles 的 了 是, which no given name
# holds and which follow a name in run-on text (用户张伟的手机号 is 张伟, not 张伟的).
_GIVEN = "[\u4e00-\u4e85\u4e87-\u662e\u6630-\u7683\u7685-\u9fff]"


def _full_name(minority: str, given: str = _GIVEN, length: str = "{1,2}") -> str:
    """A full name: a dotted minority name (*minority*), or a surname and a given name of
    *length* characters of the class *given* (one or two of :data:`_GIVEN`)."""
    return "(?:" + minority + "|" + _surname_regex() + given + length + ")"


_FULL_NAME = _full_name(_MINORITY)
_NAME = "(?P<value>" + _FULL_NAME + _END + ")"
# ref. SMS and notification templates: 尊敬的张伟先生, 亲爱的李娜女士, 【顺丰】王芳您好. The
# salutation, or an honorific or greeting right after the name, is the context.
# What the sender calls the person: 尊敬的客户张伟; alone it is no name (尊敬的车主).
_TITLES = "(?:客户|会员|用户|旅客|乘客|业主|车主|顾客|同学|家长|老师|学员)"
_SALUTATION = "(?:尊敬的|亲爱的)(?:" + _TITLES + "|(?!" + _TITLES + "))"
# Or the name before the title (a bank's 尊敬的刘德华客户, a school's 亲爱的王小明同学):
# a full name of three characters or more, then the title, which ends it. Two characters
# before a title are mostly a tier or a brand (黄金会员, 金卡客户, 华为用户, 东航旅客),
# and so are three that are one or start with one of these (云闪付用户, 储蓄卡客户,
# 黄金卡会员).
_NOT_BEFORE_TITLES = (
    "(?!全球通|储蓄卡|信用卡|借记卡|贷记卡|白金卡|云闪付|易方达|华夏基|钱大掌|爱奇艺|优酷|"
    "支付宝|沃尔玛|万科|宽带|固话|黄金|白金|钻石|金卡|银卡|高端|年费|付费|终身|房贷|车贷)"
)
_NAME_BEFORE_TITLE = "(?P<value>" + _full_name(_MINORITY, _CJK, "{2}") + ")" + _TITLES
# A full name before an honorific, which ends it (its given name may be any ideographs).
_NAME_BEFORE_HONORIFIC = "(?P<value>" + _full_name(_MINORITY, _CJK) + ")"
_NAME_BEFORE_GREETING = (
    # A dotted name's first part may be any ideographs: not a request's opening words
    # (麻烦转告努尔兰·哈力克女士 is 努尔兰·哈力克, found by cn_name_relay).
    "(?<![\u4e00-\u9fff])(?!麻烦|请|转告|通知|告诉|交给|转交)"
    + _NAME_BEFORE_HONORIFIC
    + "(?:先生|女士|小姐|您好|你好)"  # consumed, not looked ahead: the prefilter
    # then names only lines holding one of these, not every line of Chinese text
)
# A vCard line's start, and the group a property may carry (item1.FN: Apple's exports).
_VCARD_GROUP = r"^(?:[A-Za-z0-9-]+\.)?"
# ref. HL7 v2.x §2.5 (segments, fields, components): a segment starts a line, follows the
# \r that ends the one before, or a log prefix's space or quote; fields are split by |
# and components by ^. A name field's family and given name are its first two
# components (刘^德华^^^^^L), or its first holds the whole name (刘德华); a repetition
# (~) or further component ends it.
_HL7_SEGMENT_START = r"(?:(?<=[\r\n\t \"'>:])|^)"
# Where a name component ends: the next component, repetition or field, or the segment.
_HL7_NAME_END = r"(?=[|^~\r]|$)"
_HL7_NAME = (
    "(?P<value>" + _surname_regex() + r"\^" + _GIVEN + "{1,2}|" + _FULL_NAME + ")" + _HL7_NAME_END
)


#: HL7 segments and the positions of their name fields.
_HL7_NAME_FIELDS = (("PID", 5), ("PID", 6), ("NK1", 2), ("GT1", 3))


def _hl7_field(position: int) -> str:
    """The fields of a segment before field *position* (1-based, after the segment ID).

    Written ``{n,n}``, not ``{n}``: the prefilter opens bounded repeats to ``{n,}``, and
    Hyperscan finds five exact repeats before the name alternation "too large".
    """
    skipped = str(position - 1)
    return r"\|(?:[^|\r\n]*\|){" + skipped + "," + skipped + "}"


# ref. customer-service chat: 麻烦转告李秀英女士明天来取件, 请通知张伟先生. A verb that
# takes a person, then a full name and an honorific. Any ideograph before the name would
# read 周末王女士 as the name 周末王; these verbs cannot end such a phrase.
_RELAY = "(?:转告|通知|告诉|转交给|交给)"
_NAME_AFTER_RELAY = _NAME_BEFORE_HONORIFIC + "(?:先生|女士|小姐)"
# ref. customer-service calls: 请问是邹丽女士吗？, 您是张伟先生吗. Whom an agent asks for.
_ASKED = "请问(?:您|你)?是|(?:您|你)是"
# A key's or value's quote (after a Python literal's b or u: ``'name': b'\xe5…'``), escaped
# once or more (JSON inside a JSON string inside a
# JSON string: \\\"name\\\": \\\"张三\\\"), percent-encoded (``%22name%22:%22张三%22``,
# a JSON payload in a query string, whose quotes stay escaped when scanned) or an HTML
# entity (JSON written into HTML or XML: ``&quot;name&quot;:&quot;张三&quot;``).
_QUOTE = r"""(?:[bu]?\\{0,7}["']|%2[27]|\\x2[27]|&quot;)?"""
# ref. standards.md §1 CN_NAME context: labels of name fields in Chinese forms and logs.
_LABELS = (
    "真实姓名|客户姓名|用户姓名|姓名|名字|收件人|收货人|紧急联系人|联系人|寄件人|签收人|持卡人|"
    "开户名|开户人|账户名|户名|客户经理|用户名|经办人|负责人|申请人|投保人|"
    "被保险人|受益人|法定代表人|乘机人|乘车人|入住人|就诊人|患者姓名|学生姓名|xingming"
)
# Who speaks in a customer-service transcript (客户：您好…, 用户：麻烦改地址…) is written
# as a name label is (客户：王芳). After their colon a name must end where a clause
# does: a transcript's sentence that opens with a surname character (麻烦, 高兴, 王府井)
# was read as a name.
_SPEAKERS = "客户|用户"
_SPEAKER_COLON = "(?:" + _SPEAKERS + ")" + _QUOTE + r"[ \t]*[:：][ \t]*" + _QUOTE
_SPEAKER_NAME_END = r"(?=[，,。.！!？?；;、：:\s|)）\]】\"'&<]|$)"
# ref. bank transfer and loan records (payee, payer, borrower, guarantor) and the
# who-did-it fields of audit logs and approval flows. Labels in text only: the CSV and
# INSERT column patterns repeat their labels once per column position, and with these
# too Hyperscan refused the INSERT one (it was then scanned on every line of every batch).
_RECORD_LABELS = (
    "收款人|付款人|汇款人|借款人|担保人|共同借款人|监护人|操作人|操作员|审批人|审核人|"
    # ref. loan and collection records: who repays or owes (还款人黄丽丽, 债务人：张伟).
    "还款人|共同还款人|贷款人|债务人|抵押人|出质人|"
    "创建人|修改人|处理人|提交人|下单人|订购人|预订人|报案人|投诉人|"
    # ref. vouchers and approval slips: who checked, approved, entered or handled it
    # (经办人：陈静  复核人：赵磊; 制单人, 记账人 on accounting vouchers).
    "复核人|核对人|批准人|登记人|录入人|发起人|验收人|签字人|经手人|承办人|制单人|记账人|"
    "交接人|委托人|代理人|举报人|见证人|推荐人|缴费人|领款人|"
    # ref. clinic, property and HR records: who the record is about (患者：王秀兰，女，68岁).
    "患者|病人|车主|业主|租客|房东|住户|家长|员工|"
    # ref. hospital and loan records: who came with or stands for the patient or
    # borrower (家属沈嘉怡陪同, 陪护人：陈静, 配偶：王芳).
    "患者家属|家属|陪护人|陪同人|陪诊人|配偶|"
    # ref. insurance and examination records: 参保人 刘德华, 被保人：…, 考生 李小龙.
    "参保人|被保人|考生|"
    # ref. real-estate, lease, logistics and invoice records: who brokered, introduced,
    # vouched, rented, shipped or invoiced (经纪人：王芳, a column commented 经纪人).
    "经纪人|介绍人|邀请人|保证人|证明人|责任人|联络人|签约人|授权人|被授权人|"
    "承租人|出租人|购房人|购买人|户主|发货人|托运人|开票人|收票人|领用人|借用人|"
    # ref. court and police records: the parties (当事人：…, 原告 张伟, 报警人 李娜).
    "当事人|原告(?![席方])|被告(?![席方])|证人|受害人|被害人|报警人|"
    # ref. contracts and their signing logs: the parties (乙方：赵磊; a company's name is
    # too long to end as a name does).
    "甲方|乙方|丙方|"
    # ref. order and waybill logs: 收货信息：张三，138…，地址… (name, phone, address).
    "收货人信息|收件人信息|寄件人信息|联系人信息|收货信息|收件信息|寄件信息|"
    # ref. parcel lockers and pick-up codes: 取件人：黄晓明, 代收人：李娜.
    "取件人|取货人|提货人|代收人|"
    # ref. payment receipts: 收款方：刘强 (a company there is no name: too long to end one).
    "收款方|付款方|汇款方|"
    # ref. business registration and KYC records: 法人 王建国 (the legal representative),
    # and trip and order records: 乘客 张伟 (12306 and airline itineraries), 买家：邹丽.
    "法人代表|法人(?!代表)|乘客|旅客|住客|房客|买家|卖家|"
    # ref. housing-fund and deposit records: 缴存人：刘德华, 存款人 王芳.
    "缴存人|存款人|持有人|账户持有人|缴款人|"
    # ref. CRM and sales records: 销售代表：周杰, 对接人：王芳.
    "销售代表|客户代表|业务员|销售员|对接人|跟进人|"
    # ref. school and clinic records: 学生：何晓明, 医生：王芳, 班主任 刘洋.
    "学生|学员|老师|教师|班主任|医生|医师|主治医生|护士|"
    # ref. a spreadsheet's title and footer lines: who made or exported the sheet
    # (制表人：李娜, 导出人：张三丰, 填报人 王芳).
    "制表人|导出人|填表人|填报人|统计人"
)
# ref. delivery and ride apps: 快递员刘洋已取件, 骑手张伟已接单 (a courier's name is personal
# data too). After these come as often what the courier does (骑手马上到, 快递员明天到), so
# the name may not end in what such clauses end in (cn_name_self_is's rule).
_COURIERS = "快递员|配送员|派件员|送货员|外卖员|骑手"
# A second label (客户：收件人努尔兰·哈力克): a dotted name may start with any character,
# so without this the first label's match took 收件人 into the name.
_SECOND_LABEL_WORD = (
    r"(?:(?:收件人|收货人|联系人|寄件人|签收人|持卡人|姓名|客户|用户|取件人|代收人|"
    + _COURIERS
    + r")[ \t]*[:：]?[ \t]*)"
)
_SECOND_LABEL = _SECOND_LABEL_WORD + "?"
# ref. waybill tracking: 已由王芳签收, 由李娜代收. Who signed for a parcel: 由, a name, the act.
_SIGNED_BY = "由(?P<value>" + _FULL_NAME + ")(?:签收|代收|代签|取件|领取)"
# ref. self-introductions in chat (我叫张三, 我的名字是张三, 本人姓名张三).
_SELF = "我叫|我的名字(?:是|叫)|本人姓名(?:是|为)?[:：]?"
# ref. customer-service chat: 您好，我是张伟，手机…; 本人王芳，身份证号…. After 我是 and
# 本人 come roles and places as often as names (我是房东, 我是东北人, 本人申请), so the
# name must end the clause: punctuation, the end of the text, or what a caller says next
# about themselves (电话, 手机, 想, 要 …), not just any word (我是王府井店的 is no name).
_SELF_IS = "我是|本人(?:是)?"
# ref. customer-service chat: 我老公叫雷芳, 她叫王芳, 我妈的名字是李秀兰. Who a caller's
# relative or colleague is called; the name must end the clause, as after 我是 (他叫车了
# and 她叫外卖 are no names). Not after a bare 是: 他是高手，她是白领 are no names. Not
# 其他 (其他叫法很多 is "other names for it").
_CALLED = (
    "(?:(?<![其吉])[他她]|我?(?:老公|老婆|丈夫|妻子|爱人|先生|太太|儿子|女儿|孩子|爸爸|妈妈|爸|妈|父亲|母亲"
    "|哥哥|姐姐|弟弟|妹妹|朋友|同事|男朋友|女朋友|对象|室友|家人))(?:叫做?|的名字(?:是|叫))"
)
# ref. customer-service chat and delivery notices: 我老公陈志强也可能签收, 快递员王建国会
# 在今天下午联系您. What a relative or a courier named will do next, after the name.
_WILL = "也|会|将|就|可能|稍后|马上|预计|今天|明天|下午|上午|晚上|已经|刚刚|代|帮"
# A caller's relative or colleague named right after the word for them (我老公陈志强): a
# full name of three characters, none of them a particle, since two after such a word are
# as often a word (我同事黄金也买了, 我老公高兴也).
_RELATIVE = (
    "我(?:老公|老婆|丈夫|妻子|爱人|儿子|女儿|爸爸|妈妈|父亲|母亲|哥哥|姐姐|弟弟|妹妹|朋友|同事"
    "|男朋友|女朋友|室友)"
)
_NOT_PARTICLE = "(?:(?![也都会就将在和说了])" + _GIVEN + ")"
_NAME_AFTER_RELATIVE = "(?P<value>" + _full_name(_MINORITY, _NOT_PARTICLE, "{2}") + ")"
_CLAUSE_END = (
    r"(?=[，,。.！!？?；;、：:\s~～）)]|$|电话|手机|号码|联系|身份证|我的|我想|我要|想|要|请|麻烦"
    r"|啊|呀|哈|呢|吧|正在"
    # Where the caller speaks from (我是王芳这边, 我是张伟那边的人).
    r"|这边|那边"
    # Whose relative or colleague the caller is (我是王芳的家属, 本人是张伟的妈妈): only a
    # person has them, so the name may be followed by 的 and one of these.
    r"|的(?:家属|家人|亲属|妈妈|母亲|爸爸|父亲|老公|丈夫|老婆|妻子|爱人|儿子|女儿|孩子|哥哥|姐姐|弟弟"
    r"|妹妹|朋友|同事|室友|邻居|助理|秘书|代理人))"
)
# Who a caller says they are, when it is not their name, ends in one of these, which no
# common given name does: a role (我是房东, 我是商家, 我是程序员, 本人是车主), where they
# are from (我是杭州人), or a clause cut off by the end of the line (我是有问题, 我是明天到).
_ROLE_ENDING = "[人员者客户主商方家工长到题了过去来说买卖问找看拿体天年月号点次个些样么吗]"
# A name where a role or a clause may stand instead: its last character is none of those.
_NAME_NOT_A_CLAUSE = (
    "(?P<value>(?:"
    + _MINORITY
    + "|"
    + _surname_regex()
    + _GIVEN
    + "?(?!"
    + _ROLE_ENDING
    # 骑手张伟正在配送: 正在 ("is now") follows the name; it does not end it.
    + "|正在"
    + ")"
    + _GIVEN
    + "))"
)
# ref. common field names for a person's name in JSON APIs, Java beans and SQL columns.
_KEYS = (
    r"(?i:real_?name|user_?name|full_?name|cust(?:omer)?_?name|receiver(?:_?name)?|"
    r"recipient(?:_?name)?|consignee(?:_?name)?|contact(?:_?name)?|"
    r"(?:card_?)?holder(?:_?name)?|acc(?:oun)?t_?name|name|xingming|"
    r"(?:payee|payer|remitter|beneficiary|borrower|guarantor|applicant|buyer|seller|"
    r"legal_?(?:person|rep(?:resentative)?))(?:_?name)?|"
    r"(?:operator|creator|updater|modifier|approver|reviewer)(?:_?name)?|(?:buyer_?|seller_?|user_?)?nick(?:_?name)?|user|"
    # ref. who-did-it and who-owns-it fields of workflow, ticket and CRM records, and the
    # people of order, transport and care records (createdBy, assignee, driverName).
    r"(?:user_?)?display_?name|(?:created|updated|modified|approved|reviewed|submitted|assigned|"
    r"handled)_?by(?:_?name)?|(?:owner|assignee|reporter|handler|sales(?:man|person)?|"
    r"driver|courier|rider|doctor|nurse|teacher|student|patient|passenger|guest|"
    r"emp(?:loyee)?|staff|manager|leader|"
    # ref. referral, agency and customer-service records: who referred, invited or served.
    r"agent|referr?er|referee|inviter|invitee|introducer|customer|client|"
    # ref. meeting and approval records: who took part (participants, attendees).
    r"participant|attendee|"
    # ref. school, insurance and HR records: a student's parents, an insured's relatives.
    r"parent|father|mother|guardian|spouse|emergency_?contact|relative|insured|"
    r"policy_?holder|depositor)(?:_?name)?|"
    # ref. ArcSight CEF source and destination user (suser=, duser=).
    r"[sd]user|"
    # ref. LDAP attributes of a person (RFC 4519; an LDIF export's cn:, givenName:).
    r"cn|given_?name|"
    # Pinyin initials of government and hospital systems (dataguard.mask.keys): 姓名,
    # 联系人, 收件人, 收货人, 负责人, 法定代表人, 客户姓名, 患者姓名.
    r"xm|lxr|sjr|shr|fzr|fddbr|khxm|hzxm|"
    # ref. the National Healthcare Security Administration's settlement interface
    # (``"psn_name":…`` beside psn_no and certno) and hospital systems (<PatName>, brxm).
    r"psn_?name|pat_?name|brxm)"
)
# A name column of a CSV header or an INSERT column list.
_COLUMN = (
    "(?:" + _LABELS + ")|"
    r"(?i:(?:[a-z]+_?)?(?:real_?name|full_?name|cust(?:omer)?_?name|receiver_?name|"
    r"recipient_?name|consignee(?:_?name)?|contact_?name|holder_?name|acc(?:oun)?t_?name)|"
    r"name|xingming)"
)
_CSV_NAME = '"?' + _NAME + r'"?(?=[,\r\n]|$)'
# The first character of a key (or its quote) is tested first, a cheap lookahead, before the
# boundary lookbehind and the case-insensitive alternation. An escaped ``&`` or ``?``
# (``%26``, ``%3F``), or any escape the normaliser keeps, also starts a key: the query
# string of a URL inside a query string (``redirect=…%3Fid%3D7%26name%3D%25E5…``), whose
# own ``&`` stays escaped when scanned, or a percent-encoded JSON payload (``%2C%22name``).
# ref. SF Express's and other carriers' order APIs: the side of a waybill before a key
# (j_contact 寄件联系人, d_contact 到件联系人; s_ sender, r_ receiver).
_SIDE = r"(?:[JjDdSsRr]_)?"
_KEY_START = (
    r"""(?=[\\"'%&RrUuFfCcNnXxAaHhOoPpBbGgMmDdSsEeLlTtKkJj])"""
    r"(?:(?<![A-Za-z0-9_])|(?<=%[0-9A-Fa-f]{2})|(?<=\\x[0-9A-Fa-f]{2}))"
)

#: Names in a JSON array under a name key are found at its first this many positions:
#: nine, the passengers an airline booking (PNR) holds at most. One pattern per position;
#: nine with unbounded gaps cost the Hyperscan compile 30.7 s cold, against 26.5 s for
#: four with gaps of at most 64 characters (the bounded gaps took it to 90 s at nine).
_ARRAY_POSITIONS = 9
#: Names in a MyBatis ``<== Row:`` line are found at its first this many columns.
_ROW_POSITIONS = 6

# After a Chinese label and its quote: ``:``, ``：``, ``=`` or ``=>`` (PHP's
# ``array('姓名' => …)``, a bracketed key of ``print_r`` and ``var_dump``: ``[姓名] =>``),
# then the value's quote.
_LABEL_SEP = r"\]?[ \t]*(?:=>" + PHP_STRING_TYPE + r"|[:：=])[ \t]*" + _QUOTE
# ``:`` or ``=`` (JSON, YAML, key=value), ``=>`` (PHP ``print_r`` and ``var_export``, Perl
# ``Data::Dumper``, Ruby hashes); a PHP array key is bracketed: ``[name] => 张三``, and
# ``var_dump`` puts the type before the value: ``["name"]=> string(6) "张三"``; or a
# bracket, as a Java template writes it (name[{}]).
_KEY_SEP = r"(?:\]?[ \t]*(?:=>" + PHP_STRING_TYPE + r"|[:=])[ \t]*|[\[【(（])"


# ref. PostgreSQL errors.c / ri_triggers.c: ``Key (c1, c2)=(v1, v2)``; one alternative per
# position of the name column among the key's first four columns (regexes cannot count).
_PG_KEY_COLUMN = r'"?[A-Za-z_][A-Za-z0-9_$]*"?'
_PG_KEY_VALUE = r"[^,()\r\n]*"
_PG_KEY_DETAIL = (
    r"(?=[Kk])Key \((?:"
    + "|".join(
        repeat(_PG_KEY_COLUMN + ", ", k)
        + f'"?{_KEYS}"?(?:, {_PG_KEY_COLUMN})*\\)=\\('
        + repeat(_PG_KEY_VALUE + ", ", k)
        for k in range(4)
    )
    + ")"
    + _NAME
    + "(?=[,)])"
)

# Words that open a clause after a label like 客户 and start with a surname character
# (来 is one): 客户来电要求… is "the customer called", not a customer named 来电.
_NOT_NAME_STARTS = frozenset(
    (
        *("来电", "来信", "来访", "来店", "来过", "来了", "来问", "来取"),
        # Words a chat line opens with before 张先生 / 王女士 (cn_name_greeting), which
        # start with a surname character: 明天张先生来取件, 周末王女士来过, 谢谢李先生.
        # Not the weekdays: 周一鸣 and 周一凡 are names.
        *("明天", "明早", "明晚", "明年", "后天", "周末", "谢谢", "多谢"),
        # Payment words that start with a surname character: 客户付款100元, 用户充值100元,
        # 客户支付成功 are what the customer did (付, 充, 支, 续, 代, 申, 解 are surnames).
        *("付款", "充值", "支付", "续费", "代扣", "申购", "解冻"),
        # Compounds of a record's role that data/cn_words.txt lacks: 员工花名册,
        # 员工关怀, 员工年假, 考生须知, 员工晋升.
        *("花名册", "关怀", "年假", "须知", "晋升"),
    )
)

# ref. standards.md §1 CN_NAME: values that follow a name label but are not names.
_NOT_NAMES = frozenset(
    (
        "管理员",
        "管理",
        "经理",
        "信息",
        "名称",
        "全部",
        "公司",
        "司机",
        "师傅",
        "平台",
        "国家",
        "家人",
        "成功",
        "时间",
        "文件",
        "明细",
        "方式",
        "金额",
        "单位",
        "车辆",
        "高级",
        "万能",
        "和平",
        "有效",
        "能力",
        "路径",
        "东西",
        "未知",
        "匿名",
        "保密",
        "测试",
        "同上",
        "本人",
        # Shop talk that starts with a surname character and is not in jieba's dictionary
        # (您好，包邮，…).
        "包邮",
        "包退",
        "包换",
        # Salutations that start with a surname character: 亲爱的顾客, 尊敬的贵宾.
        "顾客",
        "贵宾",
        "家长",
        "业主",
        # After 我是 / 本人 (cn_name_self_is): what callers say they are or do.
        "房东",
        "全职",
        "单亲",
        "申请",
        "平安",
        "本地",
        "新来",
        "第一次",
        "通过",
        "高中生",
        # Relations an emergency-contact field holds instead of a name (紧急联系人：家属).
        *("家属", "亲属", "母亲", "父亲", "爱人", "配偶", "丈夫", "妻子", "儿子", "女儿"),
        *("朋友", "同事", "邻居", "室友", "亲戚"),
    )
)
# Units of an organisation end like this: 法务部, 财务部门, 长沙分公司, 数据中心.
# So do places that sign for parcels: 由杭州仓签收, 由菜鸟驿站代收, 由收发室签收.
_ORGANISATION_SUFFIXES = (
    *("部", "部门", "公司", "中心", "管理", "分局", "厅", "办公室"),
    *("仓", "驿站", "网点", "柜", "室"),
)
# Titles and placeholders after a surname: 张先生, 王总, 李某 are not full names.
_NOT_GIVEN = frozenset(
    (
        "先生",
        "女士",
        "小姐",
        "总",
        "经理",
        "老师",
        "师傅",
        "同学",
        "某",
        "某某",
        "工",
        "医生",
        "护士",
        "律师",
        "主任",
        "阿姨",
        "哥",
        "姐",
        "叔",
        "太太",
        "夫人",
        "教授",
        "博士",
        "警官",
        "书记",
        "总监",
        "董",
        # The customer titles of notifications (尊敬的东门会员: 东门 is a compound surname).
        *("客户", "会员", "用户", "旅客", "乘客", "业主", "车主", "顾客", "家长", "学员"),
    )
)


class NameRecognizer(Recognizer):
    """A Chinese personal name after a name label or in a name field.

    Format: a surname from ``data/cn_surnames.txt`` (the single surnames of 百家姓 plus
    common modern ones, and compound surnames such as 欧阳, 司马, 上官, 诸葛) followed by one
    or two given-name characters; or a minority / transliterated name joined by a middle dot
    (``买买提·艾力``, ``阿沛·阿旺晋美``). Names are too easily confused with words to be
    reported in free text: a candidate needs a label right before it (姓名, 收件人, 联系人,
    客户, 持卡人, 户名 …), a key (``"name":``, ``realName=``, ``consignee:`` …) or a
    structured field whose name is a name field (``detect_record({"name": "张三"})``).
    A self-introduction (我叫张三) and a name column (a CSV header, an INSERT column list;
    see ``_tabular.py``) count as labels.
    Titles (张先生, 王总), place names (张家口, 杭州; not a county's two characters, 梁平,
    which are as often a given name) and placeholders are rejected.

    Examples:
        match: 收件人：⟦张三⟧，电话13812345678
        match: {"realName":"⟦欧阳娜娜⟧","mobile":"13812345678"}
        match: 联系人⟦王小明⟧电话13912345678
        match: 客户⟦张伟⟧反映快递未送达
        match: 客户⟦迪丽娜尔·阿不都⟧反映快递还没到
        match: 客户：收件人⟦努尔兰·哈力克⟧，地址广州市天河区
        match: 用户：用户⟦迪丽娜尔·阿不都⟧投诉配送太慢
        match: INFO order created, consignee=⟦司马相如⟧, city=杭州
        match: Array ( [id] => 7 [name] => ⟦张伟⟧ [mobile] => 13812341050 )
        match: array(2) { ["id"]=> int(7) ["name"]=> string(6) "⟦张伟⟧" }
        match: Array ( [姓名] => ⟦张伟⟧ [手机] => 13812341050 )
        match: ["姓名"]=> string(6) "⟦张伟⟧"
        match: {:name=>"⟦张伟⟧", :city=>"杭州"}
        match: {"meetingId":7,"participants":["⟦张伟⟧"]}
        match: 姓名：⟦买买提·艾力⟧
        match: 用户[⟦张三丰⟧]修改手机号[13812341050]
        match: 操作人【⟦李娜⟧】审批通过
        match: 医保卡号 1234567890 参保人 ⟦刘德华⟧
        match: 经纪人：⟦王芳⟧，带看 3 次
        match: 原告⟦张伟⟧诉某公司合同纠纷一案
        match: 被告：⟦李娜⟧，女
        match: 用户⟦张磊⟧投诉配送太慢
        match: array('姓名' => '⟦张三丰⟧')
        match: update user name[⟦张三丰⟧] phone[13812341050]
        match: {"快递员":"⟦刘强⟧","骑手":"⟦张伟⟧"}
        match: {"referrer":"⟦诸葛亮⟧","agent":"⟦黄月英⟧"}
        no-match: agent=Mozilla/5.0 referrer=https://example.com/
        match: INFO Customer: ⟦张三丰⟧, Mobile: 135 8609 1390
        no-match: customer=1001 client=curl/8.4
        no-match: getName(张三丰)
        no-match: 用户[admin]登录成功，客户（VIP）
        match: GET /login?next=%2Fcb%3Fid%3D7%26name%3D⟦%25E5%25BC%25A0%25E4%25B8%2589⟧ HTTP/1.1
        match: 尊敬的⟦张伟⟧先生，您的订单已发货
        match: 亲爱的会员⟦欧阳娜娜⟧：您的积分即将过期
        match: 尊敬的⟦刘德华⟧客户，您尾号5678的储蓄卡于11月28日消费100.00元
        match: 亲爱的⟦王小明⟧同学，你好
        no-match: 尊敬的车主，您的车辆年检即将到期
        no-match: 尊敬的黄金会员，您的积分即将过期
        no-match: 尊敬的储蓄卡客户：您的账户变动
        match: 【顺丰】⟦王芳⟧您好，您的快递已到
        no-match: 亲爱的顾客您好，感谢您的支持
        no-match: 【通知】王先生您好
        no-match: 请李总您好转告
        no-match: 明天张先生来取件
        no-match: 谢谢李先生
        match: 麻烦转告⟦李秀英⟧女士明天来取件
        match: 客服：已通知⟦张伟⟧先生，请留意电话
        match: 用户：麻烦转告⟦努尔兰·哈力克⟧女士明天来取件
        match: 单据编号230102198605297921，麻烦查询 麻烦转告⟦古丽娜尔·吐尔逊⟧女士明天来取件
        no-match: 麻烦转告王女士明天来取件
        no-match: 请通知物业管理处
        match: 【菜鸟驿站】您的包裹已到，取件人：⟦黄晓明⟧
        match: 快递员⟦刘洋⟧已取件，电话13812341050
        match: 您的快递已由⟦王芳⟧签收，感谢使用
        match: 包裹由⟦李娜⟧代收
        no-match: 包裹由门卫代收
        no-match: 已由本人签收
        no-match: 包裹由杭州仓签收
        match: 骑手⟦张伟⟧已接单，预计30分钟送达
        match: 用户：快递员⟦迪丽娜尔·阿不都⟧已取件，请留意
        match: 骑手⟦张伟⟧正在配送，请保持电话畅通
        match: 好的，快递员⟦王建国⟧会在今天下午联系您
        match: 骑手⟦张伟⟧预计10分钟送达
        no-match: 快递员会在今天下午联系您
        match: 用户：我是⟦王芳⟧正在排队
        no-match: 骑手马上到，请保持电话畅通
        no-match: 快递员明天到
        match: ==> Parameters: 7(Long), ⟦张三⟧(String), 13812345678(String)
        match: <ns:Customer><ns:Name>⟦李娜⟧</ns:Name><ns:CertNo>x</ns:CertNo></ns:Customer>
        match: <receiver_name><![CDATA[⟦黄药师⟧]]></receiver_name>
        match: &quot;realName&quot;:&quot;⟦张伟⟧&quot;
        match: binding parameter [2] as [VARCHAR] - [⟦张伟⟧]
        match: binding parameter (1:VARCHAR) <- [⟦王芳⟧]
        no-match: binding parameter [3] as [VARCHAR] - [杭州]
        match: DETAIL:  Key (real_name, mobile)=(⟦张伟⟧, 13812341050) already exists.
        match: Duplicate entry '⟦张伟⟧' for key 'users.uk_real_name'
        match: Duplicate entry '110101199003071233-⟦张伟⟧' for key 'uk_id_name'
        match: on field 'contacts[0].name': rejected value [⟦李娜⟧]; codes [NotBlank]
        match: {"resourceType":"Patient","name":[{"use":"official","text":"⟦张伟⟧","family":"张"}]}
        match: "contact":[{"name":{"text":"⟦李娜⟧"}}]
        no-match: {"code":{"text":"高血压"},"name":{"text":"血常规"}}
        no-match: DETAIL:  Key (city)=(杭州) already exists.
        no-match: <city>杭州</city><status>已发货</status>
        no-match: ==> Parameters: 杭州(String), 已发货(String), 王府井店(String)
        match: DETAIL:  parameters: $1 = '⟦赵磊⟧', $2 = '13712345678'
        no-match: DETAIL:  parameters: $1 = '杭州', $2 = '已发货', $3 = '2026-11-28'
        match: <==        Row: 7, ⟦张伟⟧, 13812341050, 2024-05-17 10:00:01
        match: <==        Row: 7, 杭州, 已发货, ⟦李娜⟧
        no-match: <==        Row: 7, 杭州, 已发货, 王府井店
        no-match: <==    Columns: id, real_name, phone
        no-match: 张家口今天下雪了
        no-match: 姓名：未填写
        no-match: 紧急联系人：母亲，电话13812341050
        no-match: login ok name=admin
        match: 客服：请问您是？ 用户：您好，我是⟦张伟⟧，手机13812341050
        match: 用户：你好我是⟦王建国⟧想查一下订单
        match: 本人⟦欧阳娜娜⟧，身份证号见附件
        match: 用户：我是⟦热依拉·阿不都⟧，订单没收到
        match: 用户：我是⟦王芳⟧的家属，她住院了
        match: 用户：我是⟦王芳⟧这边，订单还没到
        match: 用户: 我老公叫⟦雷芳⟧，他的电话是13383016613
        match: 客户：我老公⟦陈志强⟧也可能签收，他电话是139 1234 5678
        match: 我妈妈⟦李秀兰⟧身份证丢了
        no-match: 我老公也可能签收
        no-match: 我同事黄金也买了
        no-match: 我老公高兴也
        match: 我爸爸⟦张建国⟧的电话打不通
        no-match: 我朋友明天来取
        match: 她的名字是⟦李秀兰⟧。
        no-match: 他叫车了，马上到
        no-match: 她是程序员，在杭州
        no-match: 他是高手，她是白领。
        no-match: 其他叫法很多
        match: {"buyer":"⟦邹丽⟧","seller":"⟦雷芳⟧"}
        match: legal_person=⟦王建国⟧ contact_name=⟦李强⟧
        match: 企业认证: 法人 ⟦王建国⟧ 联系人手机 13586091390
        match: 乘客 ⟦张伟⟧ 身份证 440304195007268736 车次 G1234
        match: 买家：⟦邹丽⟧ 卖家：⟦雷芳⟧
        match: 客服小王：您好，请问是⟦邹丽⟧女士吗？
        match: <input type="text" name="realName" value="⟦邹丽⟧">
        match: <input name='consignee' class="form-control" value='⟦王建国⟧'/>
        no-match: <input name="keyword" value="张三丰太极拳">
        match: SELECT id FROM t_user WHERE real_name LIKE '%⟦邹丽⟧%' LIMIT 10
        match: where `name` like '⟦王芳⟧%'
        no-match: WHERE title LIKE '%张伟%'
        match: 销售代表：⟦周杰⟧ 客户：⟦吴彦祖⟧ 意向：高
        match: 学生：⟦何晓明⟧ 家长：⟦何大伟⟧ 电话：13586091390
        match: 下单人叫⟦邹丽⟧
        no-match: 学生会主席竞选开始
        no-match: 法人单位：杭州某某科技有限公司
        no-match: 买家已付款，卖家发货中
        no-match: 用户：我是杭州这边的客户
        no-match: 用户：我是杭州的用户
        no-match: 我是公司的同事
        no-match: 用户：我是房东，押金什么时候退
        no-match: 我是杭州人。
        no-match: 用户：我是有问题
        no-match: 本人申请。
        no-match: 我是王府井店的店员
        no-match: 客户来电要求改地址
        no-match: 王小明今天没来上班
        no-match: 收货人：张先生
        no-match: 收件人：欧阳**，电话******5678
        match: 用户⟦张伟⟧的手机号13812341050
        match: 收货信息：⟦张伟⟧，13812341050，浙江省杭州市西湖区文三路90号
        match: 账号6222021234567890128户名⟦王芳⟧开户行工商银行
        match: 1732600000.1 [0 10.0.0.5:5123] "HSET" "user:7" "name" "⟦张伟⟧" "mobile" "x"
        match: ldap bind ok dn="CN=⟦张伟⟧,OU=销售部,DC=corp,DC=example,DC=com"
        match: {"ticket":7,"assignee":"⟦王芳⟧","createdBy":"⟦李娜⟧"}
        match: {"tid":7,"buyerNick":"⟦张伟⟧","sellerNick":"杭州小店"}
        match: {"flight":"MU5101","passengers":["⟦张伟⟧"]}
        match: {"passengers":["MU5101","1","2","3","4","5","6","7","⟦李秀英⟧"]}
        no-match: {"names":["order-service","杭州"]}
        match: CEF:0|Vendor|Product|1.0|100|Login|5|suser=⟦张伟⟧ src=10.0.0.1
        no-match: {"owner":"root","handler":"订单处理"}
        match: From: ⟦王小明⟧ <wangxm@example.com>
        match: To: "⟦张伟⟧" <zhangwei@163.com>, "⟦李娜⟧"<lina@qq.com>
        no-match: From: "客服中心" <service@example.com>
        no-match: From: 张先生 <zhang@example.com>
        no-match: {"realName":"司马**"}
        match: 我老婆叫⟦刘芳芳⟧也可以签收
        match: {"j_contact":"⟦张三⟧","j_tel":"010-62345678"}
        match: d_contact=⟦李四⟧&d_tel=13912345678
        match: {"parentName":"⟦王大明⟧","grade":3}
        match: 公积金 缴存人：⟦刘德华⟧ 公积金账号：123456789012
        match: xm[⟦刘备⟧]
        match: lxr=⟦张飞⟧&lxdh=13812341050
        no-match: wangxm=abc 刘备
        match: FN:⟦张三丰⟧
        match: item1.FN;CHARSET=UTF-8:⟦欧阳娜娜⟧
        match: N:⟦张;三丰⟧;;;
        match: N;CHARSET=UTF-8:⟦李娜⟧;;;;
        no-match: FN:中国移动客服
        no-match: N:;;;;
        match: PID|1||1234567^^^HIS^MR||⟦刘^德华⟧^^^^^L||19900307|M
        match: HL7 recv: PID|1||P001||⟦欧阳娜娜⟧|⟦张^芳⟧|
        match: NK1|1|⟦刘^芳⟧|MTH^母亲|
        match: GT1|1||⟦王建国⟧|
        no-match: PID|1||P001||测试^患者|
        no-match: PV1|1|I|内科^01^02||||
        match: {"psn_no":"33010000000012345678","psn_name":"⟦张伟⟧","certno":"x"}
        match: <Request><PatName>⟦黄晓明⟧</PatName></Request>
        match: 合同签署 甲方:杭州某某小额贷款有限公司 乙方:⟦赵磊⟧
        match: 家属⟦沈嘉怡⟧陪同
        match: 患者⟦李娜⟧因头痛入院
        match: 陪护人:⟦陈静⟧ 床位12
        match: 配偶：⟦王芳⟧，职业：教师
        match: 家属⟦王芳⟧签字
        no-match: 家属已签字
        no-match: 某大学家属院3栋
        no-match: 客户：原告席改地址到上海
        match: 客户⟦王芳⟧逾期30天，已转入M2
        match: 还款人⟦黄丽丽⟧还款500元
        match: 担保人⟦刘德华⟧签署担保合同
        match: 债务人：⟦张伟⟧，欠款12000元
        no-match: 客户付款100元
        no-match: 用户充值100元
        no-match: 借款人逾期3天未还款
    """

    entity: ClassVar[str] = "CN_NAME"
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "cn_name_label",
            "(?:"
            + _LABELS
            + ")"
            + _QUOTE
            + r"[ \t]*(?:"
            + _LABEL_SEP
            # ref. Java log templates: 用户[{}]修改手机号, 收件人【{}】, 操作人({})审批.
            + r"|是|为|叫|[\[【(（「])?"
            + _SECOND_LABEL
            + _NAME,
            0.5,
        ),
        # A record's role (员工, 患者, 借款人 …) names whom it is about with a separator or a
        # space between them (员工：高峰, 患者 李娜, 操作人(王芳)). Run on, it is as often a
        # compound word (员工福利, 员工花名册, 患者满意度, 考生须知): that form is
        # NameBesideRecognizer's, which rejects common words.
        Pattern(
            "cn_name_record_label",
            "(?:"
            + _RECORD_LABELS
            + ")"
            + _QUOTE
            + r"(?:[ \t]*(?:"
            + _LABEL_SEP
            + r"|是|为|叫|[\[【(（「])|[ \t]+)"
            + _SECOND_LABEL
            + _NAME,
            0.5,
        ),
        # A speaker label as a name label, but for its colon (客户张伟反映, 用户=张三).
        Pattern(
            "cn_name_speaker",
            "(?:"
            + _SPEAKERS
            + ")"
            + _QUOTE
            + r"[ \t]*(?:(?:=>|=)[ \t]*"
            + _QUOTE
            + r"|是|为|叫|[\[【(（「])?"
            + _SECOND_LABEL
            + _NAME,
            0.5,
        ),
        # After a name label after a speaker's colon (用户：快递员迪丽娜尔·阿不都已取件) a
        # name ends as it does after a label (right after the colon: NameBesideRecognizer).
        Pattern("cn_name_speaker_colon_label", _SPEAKER_COLON + _SECOND_LABEL_WORD + _NAME, 0.5),
        Pattern(
            "cn_name_key",
            _KEY_START + _QUOTE + _SIDE + _KEYS + _QUOTE + _KEY_SEP + _QUOTE + _NAME,
            0.5,
        ),
        # ref. HL7 FHIR's HumanName (Patient.name, RelatedPerson.name, Practitioner.name):
        # ``"name":[{"use":"official","text":"张三",…}]``, the whole name in text.
        Pattern(
            "cn_name_fhir_text",
            r'(?=")"name"[ \t]*:[ \t]*\[?[ \t]*\{'
            r'(?:[ \t]*"[A-Za-z]+"[ \t]*:[ \t]*"[^"\\\r\n]*"[ \t]*,)*[ \t]*'
            r'"text"[ \t]*:[ \t]*"' + _NAME + '"',
            0.5,
        ),
        # ref. Spring's FieldError (``Field error in object 'form' on field
        # 'contacts[0].name': rejected value [张三]; codes […]``): the last part of the
        # field's path is the key.
        Pattern(
            "cn_name_rejected_value",
            r"(?=o)on field '(?:[\w\[\]]+\.)*" + _KEYS + r"': rejected value \[" + _NAME + r"\]",
            0.5,
        ),
        # A JSON array of names under a name key, plural or not ("passengers":["张三",
        # "李四"]): one pattern per position, as candidates of one pattern never overlap.
        *(
            Pattern(
                f"cn_name_json_array_{k}",
                _KEY_START
                + '"'
                + _KEYS
                + r's?"[ \t]*:[ \t]*\[[ \t]*'
                + repeat(r'"[^"\\\r\n]*"[ \t]*,[ \t]*', k)
                + '"'
                + _NAME
                + '"',
                0.5,
            )
            for k in range(_ARRAY_POSITIONS)
        ),
        Pattern("cn_name_self", "(?=[我本])(?:" + _SELF + ")" + _NAME, 0.5),
        Pattern(
            "cn_name_called",
            # What the one named will do next (我老婆叫刘芳芳也可以签收) ends it too.
            _CALLED + _NAME_NOT_A_CLAUSE + "(?:" + _CLAUSE_END + "|(?=" + _WILL + "))",
            0.5,
        ),
        Pattern(
            "cn_name_relative",
            "(?=我)"
            + _RELATIVE
            + _NAME_AFTER_RELATIVE
            + "(?:"
            + _CLAUSE_END
            + "|(?="
            + _WILL
            + "|的))",
            0.5,
        ),
        Pattern(
            "cn_name_self_is",
            "(?=[我本])(?:" + _SELF_IS + ")" + _NAME_NOT_A_CLAUSE + _CLAUSE_END,
            0.5,
        ),
        # A whole field value ({"name": "张三"}); the field name supplies the context, so
        # the base score is below the default threshold: only a name field lifts it.
        Pattern("cn_name_field", r"^[ \t]*" + _NAME + r"[ \t]*$", 0.3),
        # The value under a name column of a CSV export or an INSERT statement.
        Pattern("cn_name_csv_column", csv_column(_COLUMN, _CSV_NAME), 0.5),
        Pattern("cn_name_sql_column", sql_insert_column(_COLUMN, "'" + _NAME + "'"), 0.5),
        # ref. XML element text (SOAP and bank-interface logs): <custName>张三</custName>,
        # <ns:Name>张三</ns:Name>; the element's local name is the key.
        Pattern(
            "cn_name_xml_element",
            xml_element(_KEYS, _NAME + r"(?=(?:\]\]>)?</)"),
            0.5,
        ),
        # ref. HTML forms logged or captured in page snapshots: <input name="realName"
        # value="张三">, the field's name attribute before its value.
        Pattern(
            "cn_name_html_input",
            r"""(?=[Nn])(?<![A-Za-z-])(?i:name)=["']"""
            + _KEYS
            + r"""["'][^<>\r\n]{0,80}?(?<![A-Za-z-])(?i:value)=["']"""
            + _NAME
            + "[\"']",
            0.5,
        ),
        # ref. SQL in slow and audit logs: WHERE real_name LIKE '%张三%' (the key is a
        # column, the value a pattern with its wildcards).
        Pattern(
            "cn_name_sql_like",
            '(?<![A-Za-z0-9_])[`"]?' + _KEYS + "[`\"]?[ \t]+(?i:like)[ \t]+'%?" + _NAME + "%?'",
            0.5,
        ),
        # ref. Redis MONITOR output: "HSET" "user:7" "name" "张三" (field and value are
        # two quoted arguments).
        Pattern(
            "cn_name_redis_field",
            '(?=")"' + _KEYS + '"[ \t]+"' + _NAME + '"',
            0.5,
        ),
        # ref. RFC 5322 §3.4 name-addr (``display-name <addr-spec>``): the display name
        # of a mailbox in mail headers, mail-server and notification logs (``From: 王小明
        # <wangxm@…>``, ``"张伟" <zhangwei@…>``) names the person the address belongs to.
        Pattern(
            "cn_name_mail_display",
            "(?<![\u4e00-\u9fff])" + _QUOTE + _NAME + _QUOTE + r"[ \t]*<(?=[^<>\s@]{1,64}@)",
            0.5,
        ),
        # ref. RFC 6350 §6.2.1-6.2.2 (vCard FN and N): a contacts export (.vcf) gives each
        # card's formatted name and its family;given name lines of their own (FN:张三丰,
        # N:张;三丰;;;), after a group (item1.) and parameters (FN;CHARSET=UTF-8:) or not.
        Pattern(
            "cn_name_vcard",
            _VCARD_GROUP + r"FN(?:;[^:\r\n]*)?:" + _NAME + r"[ \t]*\r?$",
            0.5,
        ),
        Pattern(
            "cn_name_vcard_n",
            _VCARD_GROUP
            + r"N(?:;[^:\r\n]*)?:(?P<value>"
            # Family and given name in their fields, or the whole name in the first.
            + _surname_regex()
            + ";"
            + _GIVEN
            + "{1,2}|"
            + _FULL_NAME
            + r")(?=;|[ \t]*\r?$)",
            0.5,
        ),
        # ref. HL7 v2.x §3.4.2 (PID-5 patient name, PID-6 mother's maiden name), §3.4.5
        # (NK1-2 next of kin), §6.5.5 (GT1-3 guarantor): hospital interface engines log
        # whole messages, a segment per line or joined by \r. A name (XPN) is
        # family^given^…, or the whole Chinese name in its first component.
        *(
            Pattern(
                f"cn_name_hl7_{segment.lower()}{position}",
                _HL7_SEGMENT_START + segment + _hl7_field(position) + _HL7_NAME,
                0.5,
            )
            for segment, position in _HL7_NAME_FIELDS
        ),
        # ref. RFC 4514 distinguished names (LDAP binds, Active Directory audit logs): an
        # enterprise directory's common name is the person's name (CN=张三,OU=销售部,DC=…).
        Pattern(
            "cn_name_ldap_dn",
            r"(?<![A-Za-z])(?i:cn)=" + _NAME + r"(?=,[ \t]*(?i:ou|dc|o|l|st|c|cn|uid)=)",
            0.5,
        ),
        Pattern("cn_name_salutation", "(?=[尊亲])" + _SALUTATION + _NAME, 0.5),
        Pattern(
            "cn_name_salutation_title",
            "(?=[尊亲])(?:尊敬的|亲爱的)" + _NOT_BEFORE_TITLES + _NAME_BEFORE_TITLE,
            0.5,
        ),
        Pattern("cn_name_greeting", _NAME_BEFORE_GREETING, 0.5),
        # Scored above the greeting, whose dotted-name form reads 麻烦转告努尔兰·哈力克女士
        # from its first ideograph: where both match, the verb marks where the name starts.
        Pattern(
            "cn_name_relay",
            "(?=[转通告交请您你])(?:" + _RELAY + "|" + _ASKED + ")" + _NAME_AFTER_RELAY,
            0.6,
        ),
        Pattern("cn_name_signed_by", _SIGNED_BY, 0.5),
        Pattern(
            "cn_name_courier",
            "(?=[快配派送外骑])(?:"
            + _COURIERS
            # …or the key of a JSON object or key=value pair ({"快递员":"刘强"}, 骑手=张伟).
            + ")"
            + _QUOTE
            + r"[ \t]*(?:"
            + _LABEL_SEP
            + ")?"
            + _NAME_NOT_A_CLAUSE
            + "(?:(?="
            + _WILL
            + ")|"
            + _END
            + ")",
            0.5,
        ),
        # ref. MyBatis's SQL debug log (BaseJdbcLogger): ``==> Parameters: 张三(String),
        # 138…(String)``, each bound value followed by its Java type. The column list is on
        # the ``Preparing:`` line before; a whole String parameter that reads as a name is one.
        Pattern(
            "cn_name_mybatis_parameter",
            r"(?:Parameters:[ \t]*|,[ \t])" + _NAME + r"\(String\)",
            0.5,
        ),
        # ref. PostgreSQL's server log (log_min_duration_statement, log_statement with
        # prepared statements; PostgreSQL 15 §20.8): ``DETAIL:  parameters: $1 = '赵磊',
        # $2 = '137…'``, the statement with its $n on the line before. As for MyBatis, a
        # whole text parameter that reads as a name is one.
        Pattern(
            "cn_name_postgres_parameter",
            r"(?:parameters:[ \t]*|,[ \t])\$[0-9]{1,4} = '" + _NAME + r"'(?=,|[ \t]*$)",
            0.5,
        ),
        # ref. MyBatis's result-set logging (BaseJdbcLogger at TRACE): ``<==    Columns: id,
        # real_name, phone`` then ``<==        Row: 7, 张三, 138…``, values joined with ", ".
        # The column names are on the line before; a whole value that reads as a name is
        # one, as for a bound String parameter. One pattern per position (candidates of
        # one pattern never overlap), each anchored at the Row: label.
        *(
            Pattern(
                f"cn_name_mybatis_row_{k}",
                r"(?=<)<==[ \t]+Row:[ \t]" + repeat(r"[^,\r\n]*, ", k) + _NAME + r"(?=, |[ \t]*$)",
                0.5,
            )
            for k in range(_ROW_POSITIONS)
        ),
        # ref. PostgreSQL's unique-violation detail (``DETAIL:  Key (real_name, mobile)=(张三,
        # 138…) already exists.``): the value at the name column's position; and MySQL's
        # ``Duplicate entry '张三' for key 'users.uk_real_name'`` (a key over several columns
        # joins their values with ``-``: the name first or after an ID, as a real-name table's
        # key over (id_no, name) has it), where the index's name says what it holds.
        Pattern("cn_name_unique_key_detail", _PG_KEY_DETAIL, 0.5),
        Pattern(
            "cn_name_duplicate_entry",
            r"(?=[Dd])Duplicate entry '(?:[^'\r\n]*-)?"
            + _NAME
            + r"(?:-[^'\r\n]*)?' for key '(?:[\w$]+\.)?[\w$]*(?i:name|xingming)[\w$]*'",
            0.5,
        ),
        # ref. Hibernate's bind logging (org.hibernate.type.descriptor.sql.BasicBinder at
        # TRACE: ``binding parameter [1] as [VARCHAR] - [张三]``; Hibernate 6
        # org.hibernate.orm.jdbc.bind: ``binding parameter (1:VARCHAR) <- [张三]``): a whole
        # character parameter that reads as a name is one, as under MyBatis.
        Pattern(
            "cn_name_hibernate_binding",
            r"(?:(?i:n?varchar|n?char|longn?varchar|n?clob)\][ \t]*-[ \t]*"
            r"|(?i:n?varchar|n?char|longn?varchar|n?clob)\)[ \t]*<-[ \t]*)\[" + _NAME + r"\]",
            0.5,
        ),
    )
    # Every label that introduces a name in text names a column of names too (a header
    # 推荐人 or 代理人 over 诸葛亮, 王五: copied while the list here was kept by hand), and
    # so do the role headers dataguard.mask.keys names as CN_NAME columns.
    context: ClassVar[tuple[str, ...]] = (
        *dict.fromkeys(
            # A label's lookahead (原告(?!席): 原告席 is the plaintiff's seat) is no word.
            re.sub(r"\(\?!\[?\w+\]?\)", "", word)
            for word in (_LABELS + "|" + _RECORD_LABELS + "|" + _COURIERS).split("|")
        ),
        "shoujianren",
        "shouhuoren",
        "lianxiren",
        "xingming",
        # A payment bill's counterparty column (交易对方 of WeChat Pay's and Alipay's).
        "交易对方",
        # FHIR's HumanName.given (dataguard.mask.keys): the given names.
        "given",
        # Pinyin initials naming name fields (dataguard.mask.keys): 姓名, 联系人, 收件人,
        # 收货人, 负责人, 法定代表人. Words match inside longer ones, so these lift only
        # what reads as a full name on its own (a field's whole value) or beside its label.
        "xm",
        "lxr",
        "sjr",
        "shr",
        "fzr",
        "fddbr",
        "name",
        "consignee",
        "receiver",
        "recipient",
        "contact",
        "holder",
        "seller",
        "driver",
        "passenger",
        "patient",
        "borrower",
        "guarantor",
        "applicant",
        "operator",
        "handler",
        "employee",
        "staff",
        "owner",
        "agent",
        "referrer",
        "referee",
        "inviter",
        "introducer",
        "linkman",
        "leader",
        "legal_person",
        "legalperson",
        "legal_rep",
        "legalrep",
    )
    # Context words match inside field names, and the payer (付款方) is in the payment
    # method (收/付款方式 of Alipay's bill, whose 余额宝 and 花呗 read as names).
    field_vetoes: ClassVar[tuple[str, ...]] = ("付款方式", "收款方式", "汇款方式", "支付方式")
    # Every pattern but cn_name_field carries its label (a context word) or its column;
    # cn_name_field scores below the threshold unless its field name lifts it.
    # A bare cell of a name column: 2-4 ideographs, or a dotted minority name.
    value_shape: ClassVar[str | None] = (
        r"^(?:[\x{4e00}-\x{9fff}]{2,4}|[\x{4e00}-\x{9fff}]{1,10}·[\x{4e00}-\x{9fff}]{1,10})$"
    )
    requires_context: ClassVar[bool] = False
    specificity: ClassVar[int] = 20
    description: ClassVar[str] = "Chinese personal name (with a name label or field)"
    validation: ClassVar[str] = (
        "known surname (百家姓 and compound surnames) or a dotted minority name; "
        "titles, placeholders and place names (but a county's two characters) rejected; "
        "only with context"
    )
    standard: ClassVar[str] = "standards.md §1 CN_NAME; 百家姓 surnames; GB/T 28039-2011"

    def validate(self, value: str) -> bool | None:
        if re.search(_DOT, value):
            return None
        if value in _NOT_NAMES or value[:2] in _NOT_NAME_STARTS or value[:3] in _NOT_NAME_STARTS:
            return False
        # A longer division name (张家口) and a province's or prefecture's (杭州, the
        # value of many a log parameter) are places; a county's two-character name (梁平,
        # 东丽, 高平, 安平) is as often a given name, and after a name label (姓名：梁平,
        # {"name": "梁平"}) leaving it unmasked leaks a person, masking a place costs little.
        if value in _place_names() and (len(value) > 2 or value in _place_names(counties=False)):
            return False
        if value.endswith(_ORGANISATION_SUFFIXES):
            return False
        surname = value[:2] if value[:2] in surnames() and len(value) > 2 else value[:1]
        given = value[len(surname) :]
        return False if given in _NOT_GIVEN or given.startswith("某") else None
