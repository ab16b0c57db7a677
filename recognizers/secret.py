"""Credentials in logs: passwords, tokens, cookies, session ids, API keys, SMS codes."""

from __future__ import annotations

import re
from typing import ClassVar

from dataguard.detect.recognizer import Pattern, Recognizer

from ._tabular import PHP_STRING_TYPE, csv_column, sql_insert_column, xml_element

__all__ = ["SecretRecognizer"]

# ref. Feishu ISV security spec (standards.md §1 SECRET): logs must not contain Cookie,
# SessionID, phone numbers or verification codes; Youzan 7.4: no plaintext passwords.
# Key names: the key word may end a longer name (db_password, accessToken, client_secret).
_KEY = (
    r"(?=[PpSsTtAaIiRrCcJjEeMm])(?i:pass(?:word|wd|code)|pwd|secret(?:_?key)?|"
    r"(?:(?:access|refresh|id|auth|session|csrf)[_-]?)?token|"
    # ref. cloud credentials: AWS ``aws_secret_access_key`` / ``secretAccessKey``, and
    # signing, encryption and master keys of application configs.
    r"(?:api|app|private|access|signing|encrypt(?:ion)?|master)[_-]?key|"
    r"jsessionid|phpsessid|asp\.net_sessionid|session[_-]?id)"
)
# A key's quote, escaped once or more (JSON serialised into JSON strings: \\\"password\\\"),
# also percent-encoded: a JSON payload in a query string or form body
# (``data=%7B%22password%22%3A%22…%22%7D``) keeps its quotes escaped when scanned.
_Q = r"""(?:\\{0,7}["']|%2[27]|\\x2[27])"""
# After the key: its closing quote, and a PHP array key's bracket (``print_r``:
# ``[password] => …``).
_KEY_END = _Q + r"?\]?"
# …or, in a Chinese message, a full-width colon or a copula (您的token为…, password是…).
# PHP's ``var_dump`` writes a string's type and byte length after the arrow
# (``["password"]=> string(8) "…"``).
_SEP = r"[ \t]*(?:=>" + PHP_STRING_TYPE + r"|[:：=]|是|为)[ \t]*"
# A bare value is printable ASCII and ends at &, whitespace, a comma or semicolon, a quote,
# a backslash (the \n of logged JSON), a closing bracket, a | (the field separator of
# ``k=v|k=v`` logs) or any non-ASCII character (``pwd=abc123。电话…`` in chat); a quoted
# value runs to its closing quote. Three patterns, not one with lookbehinds, so that each
# matches no further than its value.
# A quote followed by a closing bracket or a comma is the end of a JSON string that held
# the key, not the start of a value: {"a": "PASSWORD:"} holds no secret.
# A Python literal's prefix before its quote: bytes or text logged with their repr
# (``'password': b'hunter2'``).
_PY_LITERAL = r"(?:[bBuU]|[rR][bB]?|[bB][rR])"
_PY_PREFIX = _PY_LITERAL + "?"
_DOUBLE = _PY_PREFIX + r"""\\{0,7}"(?P<value>(?![\]},])[^"\\\r\n]+)"""
_SINGLE = _PY_PREFIX + r"""'(?P<value>[^'\\\r\n]+)'"""
# A bare value never opens a structure: {"password": []} holds no secret to report.
# A character of a bare value: printable ASCII but space, quotes, ``&``, ``)``, ``,``,
# ``;``, ``<``, ``>``, ``\``, ``]``, ``|`` and ``}``.
_BARE_CHAR = r"[!#-%(*+\--:=?-\[^-{~]"
# Nor is it var_dump's type tag (``string(8) "…"``: the quoted value follows it), nor
# the words of Spring's FieldError (``on field 'password': rejected value […]``).
_BARE = (
    r"""(?P<value>(?![\[{(]|%2[27]|string\([0-9]|rejected value \[|"""
    + _PY_LITERAL
    + r"""['"])"""
    + _BARE_CHAR
    + "+)"
)
# …and a value between escaped quotes ends at the closing one.
# (nginx writes quotes as \x22: ``{\x22password\x22:\x22…\x22}``.)
_ESCAPED_QUOTE = r"(?:%2[27]|\\x2[27])"
_PERCENT_QUOTED = (
    _ESCAPED_QUOTE
    + r"(?P<value>(?:(?!"
    + _ESCAPED_QUOTE
    + ")"
    + _BARE_CHAR
    + ")+)"
    + _ESCAPED_QUOTE
)
# An XML element's name or key attribute holding a key (name="db.password"), its quote
# closed; then the value attribute of the same element, or the element's text. A
# placeholder (${jdbc.password}, #{pwd}) is no value.
# (A name's words before the key unbounded: a {0,40} gap before the key's alternation cost
# Hyperscan 15 s to compile for each of the two patterns using it.)
_XML_NAMED = r"(?<![\w:-])(?i:name|key)[ \t]*=[ \t]*[\"'][\w.\-]*?" + _KEY + r"[\"']"
_NOT_PLACEHOLDER = r"(?![$#%]\{)"
_XML_VALUE_ATTRIBUTE = (
    r"[ \t]+(?:[^<>\r\n]*?[ \t])?(?i:value)[ \t]*=[ \t]*[\"']"
    + _NOT_PLACEHOLDER
    + r"(?P<value>[^\"'<>\r\n]+)[\"']"
)
_XML_ELEMENT_TEXT = (
    r"[^<>\r\n]*>(?:<!\[CDATA\[)?" + _NOT_PLACEHOLDER + r"(?P<value>[^<>\]\r\n]+)(?:\]\]>)?</"
)
# ref. RFC 6265 §4.2 (Cookie) and §4.1 (Set-Cookie): the header value is the secret; it is
# reported whole, to the end of the line or the closing quote of a logged header map.
_COOKIE = r"(?=[SsCc])(?<![A-Za-z-])(?i:set-cookie|cookies?)"
# ref. RFC 6750 §2.1 (Bearer) and RFC 7617 §2 (Basic): the credential after the scheme.
_AUTH_SCHEME = r"(?i:bearer|basic|token)[ \t]+"
_TOKEN68 = r"(?P<value>[A-Za-z0-9._~+/-]{8,}=*)(?![A-Za-z0-9._~+/=-])"
_URI_USERINFO = (
    r"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:/?#@\[\]]*:"
    r"(?P<value>[^\s/?#\[\]]+)@(?=[A-Za-z0-9\[])"
)
# ref. MySQL CREATE/ALTER USER … IDENTIFIED [WITH plugin] BY 'pw', SET PASSWORD [FOR u] =
# 'pw' | PASSWORD('pw'); PostgreSQL CREATE/ALTER ROLE … [ENCRYPTED] PASSWORD 'pw': the
# statements a database's general, audit or statement log records verbatim.
_SQL_CREDENTIAL = (
    r"(?=[IiPpWwEeUuSs])(?<![A-Za-z0-9_])(?i:"
    r"identified[ \t]+(?:with[ \t]+[A-Za-z_]+[ \t]+)?(?:by|as)(?:[ \t]+password)?[ \t]*"
    r"|set[ \t]+password(?:[ \t]+for[ \t]+[^=\r\n;]{1,80}?)?[ \t]*=[ \t]*"
    r"(?:password[ \t]*\([ \t]*)?"
    r"|password[ \t]*\([ \t]*"
    r"|(?:with|encrypted|unencrypted)[ \t]+password[ \t]+"
    r")'(?P<value>(?:[^'\\\r\n]|''|\\.)+)'"
)
# ref. command lines that cron, CI, shell history, ``ps`` snapshots and audit (EXECVE)
# logs record: a password given as an option. Long options with a space before the value
# (``--password pw``, ``--token tok``; ``--password=pw`` is a key=value) and the
# single-dash long options of keytool and openssl; ``--no-password`` and
# ``--password-file f`` take no secret. A value is quoted (quotes kept in the span) or runs
# to whitespace or a shell separator.
_CLI_VALUE = r"""(?P<value>'[^'\r\n]+'|"[^"\r\n]+"|(?![-'"])[^\s'"|;&<>]+)"""
_CLI_LONG_OPTION = (
    r"(?=-)(?<![A-Za-z0-9_-])(?:--(?!no-)(?:[A-Za-z0-9]+[_-])*(?:"
    + _KEY
    + r"|(?i:pass(?:phrase)?))|-(?:src|dest)?(?:store|key)pass)[ \t]+"
    + _CLI_VALUE
)
# ref. each program's manual: the short options that take a password, anchored on the
# program (``-p`` is a port for ssh and redis-cli): mysql/mariadb clients ``-ppw`` (glued;
# a bare ``-p`` prompts), 7-Zip and RAR ``-ppw``, sshpass ``-p pw``, ``docker|podman
# login -p pw``, mongo shells and tools ``-p pw``, redis-cli ``-a pw``, OpenLDAP clients
# ``-w pw``, sqlcmd/bcp and zip/unzip ``-P pw``, curl ``-u user:pw`` (the part after the
# colon), openssl ``-passin pass:pw``. The option must follow the program within one
# command (no ``|``, ``;`` or ``&`` between them), at most 400 characters on: bounded, so
# that a huge line repeating a program name costs linear time, not quadratic.
# (The skipped arguments are optional and lazy, ``??``: a greedy optional would prefer a
# later option, ``sshpass -p pw ssh -p 2222`` reporting the port.)
_CLI_ARGS = r"[ \t](?:[^\r\n|;&]{0,400}?[ \t])??"
_CURL_USER = r"(?:-u|--user|-U|--proxy-user)[ \t]*"
_CLI_PROGRAM_OPTION = (
    r"(?=[A-Za-z7])(?<![A-Za-z0-9_.-])(?:"
    r"(?:mysql(?:dump|admin|import|check|show|binlog|pump|sh)?|mariadb(?:-dump|-admin)?"
    r"|7za?|7zz|rar|unrar)(?:\.exe)?" + _CLI_ARGS + r"-p(?=[^\s])"
    r"|sshpass" + _CLI_ARGS + r"-p[ \t]*"
    r"|(?:(?:docker|podman|nerdctl|buildah|skopeo)[ \t]+|helm[ \t]+registry[ \t]+)login"
    + _CLI_ARGS
    + r"-p[ \t]+"
    r"|mongo(?:sh|dump|restore|export|import|stat|top|files)?(?:\.exe)?" + _CLI_ARGS + r"-p[ \t]+"
    r"|redis-cli(?:\.exe)?" + _CLI_ARGS + r"-a[ \t]+"
    r"|ldap(?:search|add|modify|delete|passwd|whoami|compare|modrdn)" + _CLI_ARGS + r"-w[ \t]+"
    r"|(?:sqlcmd|bcp|osql|zip|unzip)(?:\.exe)?" + _CLI_ARGS + r"-P[ \t]+"
    r"|curl(?:\.exe)?" + _CLI_ARGS + _CURL_USER + r"[^\s:'\"]*:"
    r"|openssl" + _CLI_ARGS + r"-pass(?:in|out)?[ \t]+['\"]?pass:"
    r")(?P<value>'[^'\r\n]+'|\"[^\"\r\n]+\"|[^\s'\"|;&<>]+)"
)
# curl's quoted ``-u 'user:pass word'``: the password runs to the closing quote.
_CLI_CURL_QUOTED_USER = (
    r"(?=[Cc])(?<![A-Za-z0-9_.-])curl(?:\.exe)?"
    + _CLI_ARGS
    + _CURL_USER
    + r"""['"][^\s:'"]*:(?P<value>[^'"\r\n]+)['"]"""
)
# ref. Oracle's connect string ``user/password@service`` on the command line of sqlplus,
# SQL*Loader and Data Pump, as their ``userid=`` parameter, and in a JDBC URL
# (``jdbc:oracle:thin:scott/tiger@//db:1521/ORCL``): the password ends at the ``@`` or at
# whitespace.
_CLI_ORACLE_LOGIN = (
    r"(?=[SsEeIiUuJj])(?<![A-Za-z0-9_.-])(?:(?:sqlplus|sqlldr|expdp|impdp)(?:\.exe)?"
    r"(?:[ \t]+-[A-Za-z]+)*[ \t]+|(?i:userid)[ \t]*=[ \t]*|(?i:jdbc:oracle:(?:thin|oci8?)):)"
    r"['\"]?[A-Za-z0-9_$#]+/"
    r"(?P<value>[^\s'\"|;&<>@/]+)(?=[@\s'\"]|$)"
)
# ref. Chinese SMS templates (验证码 / 校验码 / 动态码): a 4-8 digit one-time code.
_CODE_KEY = (
    r"(?=[短验校动确VvSsOoCcYyLl])(?:短信验证码|验证码|校验码|动态码|动态密码|确认码|"
    r"(?i:verification[ _]code|verify_?code|(?:sms|otp|login)[ _-]?code|otp|"
    # ref. login and sign-up form bodies: captcha=, vcode=, checkCode=, validateCode=,
    # yzm= (pinyin of 验证码).
    r"captcha(?:_?code)?|v_?code|check_?code|valid(?:ate)?_?code|yzm))"
)
# ref. PCI DSS 3.3.2 (card verification codes are never stored after authorisation) and
# the card-binding requests of payment logs: cvv=123, "cvv2":"123", 安全码：123. Three or
# four digits (four on American Express cards) after the key; a camel-cased key too
# (cardCvv).
_CVV_KEY = (
    r"(?=[CcSs安卡])(?:(?<![A-Za-z])(?i:cv[vcn]2?|card_?security_?code)|(?<=[a-z_])C(?i:v[vcn])2?"
    r"|(?:卡片?背面)?安全码|卡背面(?:后)?三位(?:数字?)?)"
)
# A JSON string's quote, escaped once or more inside a JSON string, or percent-encoded in a
# query string (the normaliser keeps %22: a decoded quote would end the value early).
_JSON_QUOTE = r'(?:\\{0,3}"|%22)'
# Or an opening bracket, as SMS templates and Java log templates wrap the code
# (验证码【384920】, 发送验证码[{}]成功).
_CODE_SEP = (
    r"""(?:\\?["'])?[ \t]*(?:[:：=]|是|为|is|[\[【(（])?[ \t]*(?:[:：][ \t]*)?(?:\\?["'])?"""
)

# A column holding credentials in a CSV header or an INSERT column list: a credential key,
# possibly at the end of a longer name (login_password, userPwd), or 密码 / 口令.
_COLUMN = r"(?:[A-Za-z0-9]+[_-]?)?" + _KEY + r"|[\u4e00-\u9fff]{0,4}(?:密码|口令)"
_CSV_VALUE = r""""?(?P<value>[^,"\r\n]+)"?(?=[,\r\n]|$)"""
_SQL_VALUE = r"""'(?P<value>(?:[^'\\\r\n]|''|\\.)+)'"""


def _shape(prefix: str, body: str) -> str:
    """A token shape not embedded in a longer identifier; the literal prefix is tested first
    (a cheap lookahead) so that the boundary lookbehind runs only where the prefix is."""
    return f"(?={prefix})(?<![A-Za-z0-9_-]){body}(?![A-Za-z0-9_-])"


#: What a message says about a credential rather than the credential: ``token: expired``,
#: ``密码：错误``, ``auth: success`` (masked, the message lost what went wrong).
STATUS_WORDS = frozenset(
    [
        "错误",
        "正确",
        "成功",
        "失败",
        "为空",
        "空",
        "无",
        "无效",
        "有效",
        "有误",
        "未知",
        "未设置",
        "已设置",
        "已修改",
        "已重置",
        "已过期",
        "过期",
        "不正确",
        "不一致",
        "success",
        "succeeded",
        "successful",
        "ok",
        "failed",
        "failure",
        "fail",
        "error",
        "invalid",
        "valid",
        "expired",
        "required",
        "incorrect",
        "wrong",
        "missing",
        "empty",
        "unknown",
        "mismatch",
        "true",
        "false",
    ]
)
# Values that are placeholders, masks or empty markers, not secrets.
_PLACEHOLDER = re.compile(
    r"""(?ix)
    [*xX•●#.?-]+                                  # ******, xxxx, ----
    | null | none | nil | undefined | true | false | empty | n/?a | \(?null\)? | <null>
    | \$\{.* | \$[A-Z_][A-Z0-9_]* | \{\{.* | \{[^}]*\} | %\(?\w*\)?s | %s
    | <[^>]*>? | \[?(?:redacted|filtered|masked|hidden|removed|protected|secret)\]?
    | \*+(?:redacted|filtered)\*+
    | enc\(.*\)?                                    # jasypt ENC(…) is ciphertext
    | /[\w./-]*                                      # a path: PWD=/home/app
    """
)


class SecretRecognizer(Recognizer):
    """A credential in a log line, config file or request dump: the value, never the key.

    By key: ``password=`` / ``passwd`` / ``pwd`` / ``secret`` / ``token`` / ``access_token`` /
    ``refresh_token`` / ``api_key`` / ``apikey`` / ``JSESSIONID`` / ``PHPSESSID`` /
    ``sessionid`` (also as the end of a longer key: ``db_password``, ``accessToken``), as
    ``key=value``, ``key: value``, ``"key":"value"``, ``key='value'`` (SQL, YAML, JSON, Java
    ``toString``); 密码 / 口令 followed by ``:`` ``：`` ``是`` ``为``; 验证码 / 校验码 / 动态码
    with a 4-8 digit code; ``Authorization: Bearer|Basic <credential>`` (the credential only). A
    bare value ends at ``&``, whitespace, ``,``, ``;``, a quote, a backslash or a closing
    bracket; a quoted value runs to its closing quote. ``Cookie:`` and ``Set-Cookie:``:
    the whole header value to the end of the line or the closing quote, since every cookie
    may be a session credential (``JSESSIONID=…`` alone is a key=value secret).
    The value under a credential column of a CSV header or an INSERT column list is
    reported too (see ``_tabular.py``).

    By shape: JWTs (``eyJ….eyJ….sig``), AWS access key ids (``AKIA`` / ``ASIA`` + 16),
    GitHub tokens (``ghp_`` ``gho_`` ``ghu_`` ``ghs_`` ``ghr_`` + 36, ``github_pat_``), Slack
    tokens (``xoxb-`` …), Stripe live secret keys (``sk_live_``, ``rk_live_``), Alibaba Cloud
    AccessKey ids (``LTAI``), Tencent Cloud SecretIds (``AKID``), Google API keys (``AIza``)
    and PEM private-key header lines.

    Empty values, masks (``******``), ``null`` / ``none``, placeholders (``${DB_PASSWORD}``,
    ``{{token}}``, ``<password>``, ``%s``), ``[REDACTED]``, ``ENC(…)`` ciphertexts and paths
    (``PWD=/home/app``) are not reported.

    On command lines (cron, CI, shell history, ``ps`` and audit logs): ``--password pw``,
    ``--token tok`` and keytool's ``-storepass pw``; per program, the options that take a
    password (mysql ``-ppw``, redis-cli ``-a``, sshpass and ``docker login`` ``-p``, mongo
    ``-p``, ldapsearch ``-w``, sqlcmd and zip ``-P``, 7z ``-ppw``, curl ``-u user:pw``,
    openssl ``pass:pw``) and Oracle's ``user/pw@db``. A quoted value is reported with its
    quotes.

    Examples:
        match: GET /login?user=bob&password=⟦hunter2⟧&next=/
        match: {"access_token":"⟦a1b2c3d4e5f6g7h8⟧","expires_in":7200}
        match: 【某某】您的验证码是 ⟦482913⟧，5分钟内有效
        match: body: "phone=13812341050&captcha=⟦384920⟧"
        match: 验证码【⟦384920⟧】，5分钟内有效
        match: 发送验证码[⟦384920⟧]成功
        match: card: 6217 0099 3518 1909 377 exp 12/28 cvv ⟦123⟧
        match: {"cardNo":"6217009935181909377","cardCvv2":"⟦123⟧"}
        match: 卡背面安全码：⟦4821⟧
        no-match: Cvv check passed
        match: Authorization: Bearer ⟦eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlMTIz⟧
        match: Cookie: ⟦JSESSIONID=9F8E7D6C5B4A; theme=dark⟧
        match: aws_key=⟦AKIAQWERTYUIOPASDFGH⟧
        match: aws_secret_access_key = ⟦wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY⟧
        match: jwt.signing-key: ⟦Zm9vYmFyYmF6cXV4MTIz⟧
        match: X-Auth-Token: ⟦8f14e45fceea167a5a36dedd4bea2543⟧
        match: 1732600000.123456 [0 10.0.0.5:51234] "AUTH" "default" "⟦S3cretRedis⟧"
        match: C: AUTH PLAIN ⟦AHVzZXIAUzNjcmV0U210cA==⟧
        match: 1732600000.1 [0 10.0.0.5:5123] "HSET" "user:7" "db_password" "⟦S3cretPw⟧"
        match: PASS ⟦S3cret!pw⟧
        match: 12 0.5 10.0.0.5 → 10.0.0.9 FTP 70 Request: PASS ⟦S3cret!pw⟧
        match: *cmd* b'PASS ⟦S3cret!pw⟧'
        match: C: a001 LOGIN zhangsan ⟦S3cret!pw⟧
        no-match:  PASS  src/App.test.js
        no-match: --- PASS: TestLogin (0.00s)
        no-match: PASS: test-suite.log
        match: key ⟦sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAB7C⟧ leaked
        no-match: see https://example.com/sk-product-category-name-long-enough-slug
        match: Array ( [user] => bob [password] => ⟦hunter22⟧ )
        match: array(2) { ["user"]=> string(3) "bob" ["password"]=> string(8) "⟦hunter22⟧" }
        match: Array ( [用户名] => bob [密码] => ⟦hunter22⟧ )
        match: ["密码"]=> string(8) "⟦hunter22⟧"
        match: on field 'password': rejected value [⟦hunter2⟧]; codes [Size.loginForm.password]
        no-match: Field error in object 'loginForm' on field 'password': rejected value []
        match: mysqldump -uroot -p⟦S3cretPass⟧ --all-databases
        match: redis-cli -h cache -a ⟦S3cretPass⟧ ping
        match: mongosh --username admin --password ⟦S3cretPass⟧
        match: sqlplus -s scott/⟦tiger⟧@orcl
        match: url=jdbc:oracle:thin:scott/⟦tiger⟧@//db:1521/ORCL
        no-match: url=jdbc:oracle:thin:@//db:1521/ORCL
        no-match: ssh -p 2222 deploy@host
        no-match: mysql -h db -u root -p shop
        no-match: password=
        no-match: password=******
        no-match: {"token": null}
        no-match: db.password=${DB_PASSWORD}
        no-match: 密码错误，请重新输入
        match: 登录失败，用户名[admin]，密码[⟦Hunter2Pass⟧]
        match: refresh token[⟦abcd1234efgh5678⟧] expired
        match: $user = array('密码' => '⟦Hunter2Pass⟧')
        no-match: at com.example.AuthService.checkToken(AuthService.java:42)
        no-match: 密码[]为空
        match: 您的token为⟦abcd1234efgh5678⟧，请妥善保管
        no-match: token是否过期：否，password为空
        match: sms sent: Your temporary password is ⟦Xk9mQ2pL⟧, valid for 24h
        no-match: login failed: password is incorrect
        no-match: token: expired, please log in again
        no-match: token is 3 days old
        match: INFO sms code=⟦384920⟧ sent to 186****1234
        match: SendSms PhoneNumbers=13812341050&TemplateParam={"code":"⟦384920⟧"}
        match: {"TemplateCode":"SMS_1","TemplateParam":"{\\"code\\":\\"⟦384920⟧\\"}"}
        match: {"PhoneNumberSet":["+8613812341050"],"TemplateParamSet":["⟦384920⟧","5"]}
        match: verify code ok: mobile=186****1234 code=⟦384920⟧
        match: 1732600000.1 [0 10.0.0.5:5123] "SET" "sms:code:186****1234" "⟦384920⟧" "EX" "300"
        match: redis SETEX captcha:u7 300 ⟦8391⟧
        no-match: sms send failed, error code=1001
        no-match: 短信发送结果 code=1001
        match: GET /sms?TemplateParam=%7B%22code%22%3A%22⟦384920⟧%22%7D
        no-match: SendSms TemplateCode=SMS_12345678 ok
        no-match: redis SET user:42:name 123456
        match: your login code: ⟦558201⟧
        no-match: INFO http code=200 sent
        no-match: {"密码": ""}
        no-match: token_type=bearer&expires_in=7200
        match: <add key="DbPassword" value="⟦S3cr3t!pw⟧" />
        match: <property name="jdbc.password" value="⟦S3cr3t!pw⟧"/>
        match: <entry key="redis.auth.token">⟦abcd1234efgh5678⟧</entry>
        no-match: <property name="password" value="${jdbc.password}"/>
        no-match: <add key="PasswordMinLength" value="8" />
    """

    entity: ClassVar[str] = "SECRET"
    # A known key prefix of the exact length (AKIA + 16, ghp_ + 36) is near-certain: 0.98, so
    # that ``https://x:ghp_…@github.com`` is a token, not the local part of an email address.
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("secret_kv_double", _KEY + _KEY_END + _SEP + _DOUBLE, 0.85),
        Pattern("secret_kv_single", _KEY + _KEY_END + _SEP + _SINGLE, 0.85),
        Pattern("secret_kv_percent_quoted", _KEY + _KEY_END + _SEP + _PERCENT_QUOTED, 0.85),
        Pattern("secret_kv", _KEY + _KEY_END + _SEP + _BARE, 0.85),
        # ref. Spring's FieldError: ``on field 'password': rejected value [hunter2]; codes
        # […]``, the value a validator refused (too short, too simple) under its field.
        Pattern(
            "secret_rejected_value",
            r"(?=o)on field '(?:[\w\[\]]+\.)*"
            + _KEY
            + r"': rejected value \[(?P<value>[^\]\r\n]+)\](?=; codes \[|$)",
            0.85,
        ),
        Pattern(
            "secret_password_zh",
            # A quoted key and value: PHP's array('密码' => '…'), Python's {'密码': '…'}.
            # A PHP array's bracketed key (``[密码] => …``), var_dump's type tag after it.
            r"(?:密码|口令)['\"]?\]?" + _SEP + r"['\"]?"
            r"(?P<value>(?!['\"])[!-~]+?)(?=[\s，。；、,;\"']|$)",
            0.85,
        ),
        # ref. notification logs: "Your temporary password is Xk9#mQ2p" (not "password is
        # incorrect": the value holds a digit).
        Pattern(
            "secret_is",
            _KEY + r"[ \t]+is[ \t]+(?P<value>(?=[!-~]*[0-9])" + _BARE_CHAR + "{4,})",
            0.85,
        ),
        # ref. Java log templates: 用户名[{}], 密码[{}]; token[{}]. An English key's value
        # in square brackets only: ``checkToken(AuthService.java:42)`` is a stack frame.
        Pattern(
            "secret_bracketed",
            r"(?:(?:密码|口令)[\[【(（]|" + _KEY + r"[\[【])"
            r"(?P<value>[!-'*-\\^-~]+)[\]】)）]",
            0.85,
        ),
        Pattern(
            "secret_sms_code",
            _CODE_KEY + _CODE_SEP + r"(?<![0-9])(?P<value>[0-9]{4,8})(?![0-9])",
            0.85,
        ),
        # ref. the SMS gateways' send APIs, logged with their requests: Alibaba Cloud's
        # SendSms TemplateParam ({"code":"384920"}: its verification templates' variable,
        # JSON inside a query or JSON string), Tencent Cloud's TemplateParamSet and Huawei
        # Cloud's templateParas (the code as the first parameter).
        Pattern(
            "secret_sms_template_code",
            r"(?=[Tt])(?:(?i:templateparam)[^\r\n]{0,40}?"
            + _JSON_QUOTE
            + r"code"
            + _JSON_QUOTE
            + r"[ \t]*:[ \t]*|(?i:templateparamset|templateparas)"
            + _JSON_QUOTE
            + r"?[ \t]*[:=][ \t]*\[[ \t]*)"
            + _JSON_QUOTE
            + r"(?P<value>[0-9]{4,8})"
            + _JSON_QUOTE,
            0.85,
        ),
        # …and a bare code key on a line about an SMS or a verification (verify code ok:
        # mobile=… code=384920), not a status, error or HTTP code.
        Pattern(
            "secret_code_after_sms",
            r"(?=[SsVvOo短验])(?:(?i:sms|verif(?:y|ication)?|otp)|短信|验证)"
            # Not a provider's answer (短信发送结果 code=1001, sms resp {"code":2}).
            r"(?:(?!结果|返回|(?i:result|resp|status|error|err\b))[^\r\n]){0,80}?"
            r"(?<![A-Za-z0-9_.])(?<!status )(?<!error )(?<!http )(?<!return )(?i:code)"
            r"\\{0,3}[\"']?[ \t]*[:=][ \t]*\\{0,3}[\"']?(?P<value>[0-9]{4,8})(?![0-9])",
            0.85,
        ),
        # ref. Redis commands (MONITOR, slow log, a client's debug log) storing a code under
        # its key: SET sms:code:138… 384920 EX 300, SETEX "captcha:…" 300 "8391".
        Pattern(
            "secret_code_stored",
            r"(?<![A-Za-z0-9_])\"?(?i:set|setex|psetex)\"?[ \t]+\"?[^\s\"]*"
            r"(?i:code|captcha|yzm|otp|verify)[^\s\"]*\"?[ \t]+(?:\"?[0-9]+\"?[ \t]+)?"
            r"\"?(?P<value>[0-9]{4,8})\"?(?![0-9])",
            0.85,
        ),
        Pattern(
            "secret_card_cvv",
            _CVV_KEY + _CODE_SEP + r"(?<![0-9])(?P<value>[0-9]{3,4})(?![0-9])",
            0.85,
        ),
        Pattern(
            "secret_cookie_quoted",
            _COOKIE + _Q + r"?[ \t]*[:=][ \t]*" + _DOUBLE,
            0.85,
        ),
        Pattern(
            "secret_cookie",
            _COOKIE + r"[ \t]*:[ \t]*(?P<value>[^\r\n\"\\]*[^\s\"\\])",
            0.85,
        ),
        Pattern(
            "secret_authorization",
            r"(?=[AaPp])(?i:(?:proxy-)?authorization)"
            + _Q
            + "?"
            + r"[ \t]*[:=][ \t]*"
            + _Q
            + "?"
            + _AUTH_SCHEME
            + _TOKEN68,
            0.85,
        ),
        Pattern("secret_bearer", r"(?=[Bb])(?<![A-Za-z])(?i:bearer)[ \t]+" + _TOKEN68, 0.7),
        # ref. XML that names a value in an attribute: .NET appSettings (<add
        # key="DbPassword" value="…"/>), Spring bean properties (<property name="password"
        # value="…"/>), Java's properties XML (<entry key="jdbc.password">…</entry>).
        Pattern("secret_xml_name_value", _XML_NAMED + _XML_VALUE_ATTRIBUTE, 0.85),
        Pattern("secret_xml_named_element", _XML_NAMED + _XML_ELEMENT_TEXT, 0.85),
        # ref. RFC 3986 §3.2.1: the password of a URI's userinfo (postgresql://app:pw@db,
        # jdbc:mysql://root:pw@host, redis://:pw@cache), up to the last @ before the host,
        # since an @ in a password may arrive percent-decoded. Above an email's score:
        # user:pw@host is no email address.
        Pattern("secret_uri_password", _URI_USERINFO, 0.98),
        Pattern("secret_sql_password", _SQL_CREDENTIAL, 0.9),
        Pattern("secret_cli_option", _CLI_LONG_OPTION, 0.85),
        Pattern("secret_cli_program_option", _CLI_PROGRAM_OPTION, 0.85),
        Pattern("secret_cli_curl_quoted_user", _CLI_CURL_QUOTED_USER, 0.85),
        Pattern("secret_cli_oracle_login", _CLI_ORACLE_LOGIN, 0.85),
        # ref. XML element text (SOAP and bank-interface messages), wherever the XML sits (a
        # JSON string, a table cell): <password>…</password>, <ns:userPwd>…</ns:userPwd>.
        Pattern(
            "secret_xml_element",
            xml_element("(?:[A-Za-z0-9]+[_-]?)?" + _KEY, r"(?P<value>[^<>\s][^<>]*?)(?:\]\]>)?</"),
            0.85,
        ),
        # The value under a credential column of a CSV export or an INSERT statement.
        Pattern("secret_csv_column", csv_column(_COLUMN, _CSV_VALUE), 0.85),
        Pattern("secret_sql_column", sql_insert_column(_COLUMN, _SQL_VALUE), 0.85),
        # ref. RFC 7519 §3: a JWT is base64url(header).base64url(payload).signature, and
        # both JSON objects start with {" (base64 eyJ).
        Pattern(
            "secret_jwt",
            _shape("eyJ", r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
            0.95,
        ),
        # ref. AWS IAM identifiers: access key ids AKIA (long-term) / ASIA (temporary) + 16.
        Pattern("secret_aws_key_id", _shape("A[KS]IA", "A[KS]IA[0-9A-Z]{16}"), 0.98),
        # ref. GitHub token formats (2021): ghp_/gho_/ghu_/ghs_/ghr_ + 36, github_pat_ + 82.
        Pattern(
            "secret_github_token",
            _shape("gh", "(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,255})"),
            0.98,
        ),
        # ref. Slack token types: xoxb (bot), xoxa, xoxp (user), xoxr (refresh), xoxs.
        Pattern("secret_slack_token", _shape("xox", "xox[baprs]-[A-Za-z0-9-]{10,}"), 0.98),
        # ref. Stripe API keys: live secret sk_live_ and restricted rk_live_ keys.
        Pattern("secret_stripe_key", _shape("[sr]k_", "[sr]k_live_[A-Za-z0-9]{16,}"), 0.98),
        # ref. Alibaba Cloud RAM AccessKey ids start LTAI; Tencent Cloud SecretIds AKID.
        Pattern("secret_aliyun_key_id", _shape("LTAI", "LTAI[0-9A-Za-z]{12,20}"), 0.98),
        Pattern("secret_tencent_key_id", _shape("AKID", "AKID[0-9A-Za-z]{13,40}"), 0.98),
        # ref. OpenAI (sk-…, sk-proj-…, sk-svcacct-…) and Anthropic (sk-ant-api03-…) API
        # keys: a random body of 32 characters or more, holding capitals and digits (a
        # long sk-… slug is no key).
        Pattern(
            "secret_sk_api_key",
            _shape(
                "sk-",
                r"sk-(?:proj-|svcacct-|ant-(?:api|admin)[0-9]{2}-)?"
                r"(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{32,}",
            ),
            0.95,
        ),
        # ref. Redis MONITOR output, which quotes every argument: "AUTH" ["user"] "password".
        Pattern(
            "secret_redis_auth",
            r'(?=")"(?i:auth)"(?:[ \t]+"[^"\r\n]*")??[ \t]+"(?P<value>[^"\r\n]+)"(?![ \t]+")',
            0.9,
        ),
        # ref. Redis MONITOR and slow-log output: a hash field and its value are two quoted
        # arguments, "HSET" "user:7" "password" "pw" (no ":" or "=" between them).
        Pattern(
            "secret_redis_field",
            r'(?=")"[A-Za-z0-9_.-]*?' + _KEY + r'"[ \t]+"(?P<value>[^"\r\n]+)"',
            0.85,
        ),
        # ref. RFC 4954 §4 / RFC 4616: SMTP AUTH PLAIN carries base64("\0user\0password").
        Pattern(
            "secret_smtp_auth_plain",
            r"(?=[Aa])(?<![A-Za-z])(?i:auth)[ \t]+(?i:plain)[ \t]+"
            r"(?P<value>[A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])",
            0.9,
        ),
        # ref. RFC 959 §4.1.1 (FTP) and RFC 1939 §7 (POP3) ``PASS <password>``, RFC 3501
        # §6.2.3 (IMAP) ``<tag> LOGIN <user> <password>``, as protocol transcripts, packet
        # dumps (tshark ``Request: PASS pw``) and Python's poplib/imaplib debug output
        # (``*cmd* 'PASS pw'``) log them. At a line start only as the whole line, with one
        # space: test runners print ``PASS  src/app.test.js`` and ``--- PASS: TestX``.
        Pattern(
            "secret_protocol_pass",
            r"(?:^[ \t]*(?:(?:[<>]{1,3}|-{1,3}>|[CS]:)[ \t]*)?(?=PASS |[A-Za-z0-9.]+ LOGIN )"
            r"|(?<![A-Za-z])Request:[ \t]+|\*cmd\*[ \t]+b?['\"])"
            r"""(?:PASS|[A-Za-z0-9.]+ LOGIN (?:"[^"\r\n]*"|[^\s"']+)) """
            r"""(?P<value>"[^"\r\n]+"|[^\s'"]+)(?=[ \t]*\r?$|['"])""",
            0.9,
        ),
        # ref. Google Cloud API keys: AIza + 35 characters.
        Pattern("secret_google_api_key", _shape("AIza", "AIza[0-9A-Za-z_-]{35}"), 0.98),
        # ref. RFC 7468 §10 / OpenSSH: the PEM header line of a private key.
        Pattern(
            "secret_private_key",
            r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----",
            0.98,
        ),
    )
    context: ClassVar[tuple[str, ...]] = (
        "password",
        "passwd",
        "token",
        "secret",
        "cookie",
        "session",
        "authorization",
        "credential",
        "apikey",
        "api_key",
        "密码",
        "口令",
        "令牌",
        "密钥",
        "秘钥",
        "凭证",
        "验证码",
        "mima",
        "yanzhengma",
    )
    specificity: ClassVar[int] = 95
    # X-Auth-Token: 8f14e45f…: a token that is 32 hex digits is still a token.
    suppressible: ClassVar[bool] = False
    description: ClassVar[str] = "Credential: password, token, cookie, session id, API key"
    validation: ClassVar[str] = (
        "value after a credential key, or a known token shape (JWT, AKIA…, ghp_…, LTAI…); "
        "empty, masked and placeholder values rejected"
    )
    standard: ClassVar[str] = "Feishu ISV security spec (logs); Youzan 7.4; RFC 6265/6750/7519"

    def validate(self, value: str) -> bool | None:
        # A command-line value is reported with its quotes: -p'pw' (secret_cli_*).
        value = value.strip()
        if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1].strip()
        if not value or _PLACEHOLDER.fullmatch(value) or value.lower() in STATUS_WORDS:
            return False
        return None
