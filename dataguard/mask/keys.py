"""Sensitive keys: field names whose value is masked whatever it looks like.

A log line ``password=hunter2`` or ``{"phone": "n/a"}`` holds nothing a pattern finds, yet
the key says what the value is. These keys (compared after :func:`canonical_key`) map to
the entity whose rule masks them. Policies add or drop keys (``[keys]`` in a policy file).

Bare ``name`` and ``id`` are deliberately absent: in logs they name services, products and
rows far more often than people; the detector still finds Chinese names under them.
"""

from __future__ import annotations

import re

__all__ = ["SENSITIVE_KEYS", "canonical_key"]

_FOLD = re.compile(r"[\s_\-.\[\]]")


def canonical_key(key: str) -> str:
    """Lower-case, without ``_ - .`` spaces or brackets: ``ID_Card-No`` → ``idcardno``.

    For a dotted path (``user.phone``) only the last component counts.
    """
    last = key.rsplit(".", 1)[-1] if "." in key and not key.endswith(".") else key
    return _FOLD.sub("", last).lower()


def _keys(entity: str, names: str) -> dict[str, str]:
    return {canonical_key(n): entity for n in names.split()}


# ref. the field names of Feishu, Youzan and Ele.me open-platform APIs and common Java /
# Go / Python log conventions; Chinese keys as they appear in CSV headers and JSON logs.
# Government, hospital and state-enterprise systems name fields by the pinyin initials
# of the Chinese words (xm 姓名, sfzh 身份证号, lxdh 联系电话, dz 地址): those initials
# are keys too, where they stand for nothing else as often (not dh, kh, mm, yx).
SENSITIVE_KEYS: dict[str, str] = {
    **_keys(
        "SECRET",
        "password passwd pwd pass secret token access_token refresh_token id_token "
        "api_key apikey api_token private_token x-api-key app_secret client_secret secret_key "
        "private_key access_key access_key_id access_key_secret secret_access_key "
        "aws_secret_access_key cookie set-cookie "
        "session session_id sessionid sid jsessionid authorization auth credential credentials "
        "sms_code smscode verify_code verifycode verification_code captcha otp 密码 验证码 令牌 "
        # ref. PCI DSS 3.3.2: card verification codes.
        "cvv cvv2 cvc cvc2 cvn2 card_cvv 安全码 "
        # Pinyin initials (see _PINYIN below): 验证码, 登录密码, 密码.
        "yzm dlmm mima",
    ),
    **_keys(
        "CN_MOBILE",
        "phone mobile mobile_phone mobilephone cellphone cell_phone phone_number phone_no "
        "phoneno phonenum mobile_no mobileno tel tel_no telephone contact_phone contact_tel "
        "contact_mobile receiver_phone receiver_mobile receiver_tel buyer_phone buyer_mobile "
        "consignee_phone consignee_mobile consignee_tel recipient_phone recipient_mobile "
        "shipping_phone delivery_phone contact_number emergency_phone emergency_contact_phone "
        "shouji 手机 手机号 手机号码 电话 联系电话 联系方式 移动电话 联系手机 收货人电话 "
        "收件人电话 "
        # 手机号, 手机号码, 联系电话, 移动电话, 联系方式 (not dh: 单号 as often as 电话).
        "sjh sjhm lxdh yddh lxfs",
    ),
    **_keys(
        "CN_ID_CARD",
        "id_card idcard id_card_no idcardno id_no idno id_number idnumber identity_card "
        "id_card_number identity_no cert_no certno cert_number certificate_no sfz sfzh "
        "身份证 身份证号 身份证号码 证件号 证件号码 "
        # ref. GB 11643: the number's own name; social-security records use it as the
        # insured's number (社会保障号码 is the 公民身份号码).
        "公民身份号码 居民身份证号码 身份证件号码 社会保障号码 社会保障号 社保号 社保号码 "
        # 身份证号码, 证件号码, 证件号.
        "sfzhm zjhm zjh",
    ),
    **_keys(
        "BANK_CARD",
        "bank_card bankcard bank_card_no bankcardno card_no cardno card_number cardnumber "
        "account_no account_number acct_no bank_account bank_account_no bank_acct_no "
        "银行卡 银行卡号 卡号 银行账号 "
        # ref. payroll, invoice and transfer exports: accounts without a Luhn digit
        # (recognizers/bank_account.py finds them after these labels in text).
        "bank_acct payee_account payer_account settlement_account 银行账户 收款账号 付款账号 "
        "收款账户 付款账户 对公账号 对公账户 结算账号 结算账户 开户账号 工资账户 工资卡号 "
        "对方账号 对方账户 counterparty_account "
        # ref. medical-insurance and social-security cards (医保卡号, 社保卡号: many
        # provinces' 社保卡 is a co-branded bank card) and a hospital's patient card
        # (就诊卡号): card numbers, masked as cards whether or not their digits pass Luhn
        # (the one in ten that did was masked, the others copied).
        "医保卡号 医保卡 社保卡号 社保卡 就诊卡号 medical_card_no medical_insurance_card_no "
        "si_card_no "
        # 银行卡号, 银行账号, 医保卡号, 社保卡号, 就诊卡号 (not kh: 客户 as often as 卡号).
        "yhkh yhzh ybkh sbkh jzkh",
    ),
    **_keys(
        "CN_LANDLINE",
        # ref. HR, CRM and enterprise-registry exports: an office, home or fax number is
        # often written without its area code (座机：6234-5678), which no pattern can
        # tell from any other eight digits; the key says what it is.
        "landline fax fax_no fax_number office_phone office_tel work_phone work_tel "
        "home_phone home_tel company_phone company_tel 座机 座机号 座机号码 固话 固定电话 "
        "办公电话 单位电话 公司电话 家庭电话 住宅电话 宅电 传真 传真号 传真号码 "
        # 固定电话, 办公电话, 座机号 (not cz: 操作 as often as 传真).
        "gddh bgdh",
    ),
    **_keys("EMAIL_ADDRESS", "email e_mail mail email_address 邮箱 电子邮箱 dzyx"),
    **_keys(
        "CN_NAME",
        "real_name realname true_name truename full_name fullname receiver_name "
        "receivername buyer_name consignee contact_name linkman leader 姓名 真实姓名 收货人 "
        "联系人 负责人 legal_person legal_rep legal_representative 法人 法定代表人 "
        "cust_name customer_name client_name holder_name card_holder account_name acct_name "
        "客户姓名 户名 开户名 持卡人 payee_name payer_name remitter_name beneficiary_name "
        "收款人 付款人 收款人姓名 付款人姓名 收款户名 付款户名 "
        # ref. bank statements' and payment bills' counterparty (对方户名 of a 流水 export,
        # 交易对方 of WeChat Pay's and Alipay's bills): a person for a transfer, a red
        # packet or a repayment; a merchant's name is masked with them.
        "对方户名 对方账户名 对方姓名 交易对方 counterparty_name "
        "recipient_name consignee_name shipping_name delivery_name contact_person "
        "patient_name passenger_name applicant_name insured_name guardian_name "
        "emergency_contact_name 收件人 寄件人 签收人 乘机人 就诊人 投保人 被保险人 监护人 "
        # ref. order, trip, clinic and HR exports: who bought, sold, rode, drove or was
        # treated (a header 乘客 or 患者 over a column of names).
        "seller_name driver_name borrower_name guarantor_name "
        "employee_name emp_name staff_name student_name teacher_name doctor_name owner_name "
        "operator_name handler_name 乘客 乘客姓名 旅客 患者 患者姓名 病人 "
        # ref. real-name verification APIs (Alipay's and WeChat's face and ID checks): the
        # name on the certificate beside its number (certName=…&certNo=…).
        "cert_name id_card_name identity_name "
        # ref. the National Healthcare Security Administration's settlement interface
        # (psn_name beside psn_no and certno) and hospital systems' patient records
        # (PatName; brxm: 病人姓名), and who a loan or care record names beside the
        # person (配偶: the spouse; 陪护人: the carer).
        "psn_name pat_name brxm 配偶 配偶姓名 家属姓名 陪护人 "
        # ref. HL7 FHIR HumanName (given: the given names; the family name stays, as a
        # name's mask keeps the surname) and Western forms' first names.
        "given given_name first_name "
        "借款人 担保人 经办人 买家姓名 卖家姓名 车主 业主 员工 员工姓名 学生姓名 "
        # 姓名, 联系人, 收件人, 收货人, 负责人, 法定代表人, 客户姓名, 患者姓名.
        "xm xingming lxr lianxiren sjr shoujianren shr shouhuoren fzr fddbr khxm hzxm",
    ),
    **_keys(
        "CN_ADDRESS",
        "address addr receiver_address detail_address detailaddress home_address "
        "shipping_address delivery_address consignee_address buyer_address billing_address "
        "mailing_address postal_address contact_address full_address address_detail "
        "receiver_addr residence_address residential_address registered_address "
        "household_address 地址 收货地址 详细地址 家庭住址 住址 居住地址 现住址 户籍地址 "
        "通讯地址 联系地址 收件地址 寄件地址 家庭地址 送货地址 配送地址 ship_to bill_to deliver_to "
        # 地址, 详细地址, 家庭住址, 户籍地址, 联系地址, 收货地址, 居住地址, 通讯地址.
        "dz dizhi xxdz jtzz hjdz lxdz shdz jzdz txdz",
    ),
    **_keys(
        "CN_PASSPORT", "passport passport_no passportno travel_doc_no travel_document 护照 护照号"
    ),
}
