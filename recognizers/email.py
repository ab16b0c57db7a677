"""E-mail addresses, including Chinese (IDN) domains and Chinese local parts."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import ClassVar

from dataguard.detect.recognizer import ALNUM_BEFORE_NOT, Pattern, Recognizer

_CJK = "\u4e00-\u9fff"


@cache
def tlds() -> frozenset[str]:
    """Every delegated top-level domain, lower case, Unicode and ``xn--`` forms."""
    text = files("dataguard.recognizers").joinpath("data/tlds.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _cjk_tlds() -> str:
    # Longest first, so that ``中文网`` is tried before a shorter TLD it might start with;
    # then alphabetical, so the regex is the same in every process (a set's order is not).
    names = sorted((t for t in tlds() if re.fullmatch(f"[{_CJK}]+", t)), key=lambda t: (-len(t), t))
    return "|".join(map(re.escape, names))


# ref. RFC 5322 §3.2.3 atext, restricted to what mail providers accept in practice
# (letters, digits, ``_ + -``; dots only between atoms, RFC 5322 §3.4.1 dot-atom). Quotes,
# ``= ? & /`` are left out: in URLs, SQL and JSON they delimit the address.
_ATOM = r"[A-Za-z0-9_+\-]+"
_LOCAL_ASCII = _ATOM + r"(?:\." + _ATOM + r")*"
# ref. RFC 6532 §3.2 (UTF-8 local parts): a local part holding Chinese characters.
# A Chinese character directly followed by an ASCII atom character is where Chinese text
# runs into an ASCII address (``联系人zhugao@…``, ``发到我邮箱791868678@…``): the address
# stops at CJK text on either side (standards.md §1), so such a local part is not taken
# whole and the ASCII pattern finds the address after the Chinese text. Only a dot joins
# Chinese to ASCII atoms (``张三.2024@…``).
_CJK_ATOM = f"[{_CJK}A-Za-z0-9_+\\-]+"
_LOCAL_CJK = (
    f"(?=[A-Za-z0-9_+.\\-]*[{_CJK}])(?![{_CJK}A-Za-z0-9_+.\\-]*[{_CJK}][A-Za-z0-9_+\\-])"
    + _CJK_ATOM
    + r"(?:\."
    + _CJK_ATOM
    + r")*"
)
# An ASCII local part starts where no address character (nor ``word.``) precedes it, or
# right after a logged ``\n`` / ``\t`` / ``\r`` escape; never in ``ssh://git@…`` URLs.
_BEFORE_ASCII = ALNUM_BEFORE_NOT + r"(?<![_+\-\\])(?<![A-Za-z0-9_+\-]\.)(?<!//)"
# A Chinese local part cannot be told apart from Chinese text running into it
# (``请发到用户@例子.中国``), so it must follow white space or punctuation (ASCII after
# NFKC, or CJK), or be the whole text (a cell or field value).
_DELIMITER = r"[\s:;,<>\"'()\[\]{}=|，。：；、“”‘’《》【】]"
# ref. RFC 1035 §2.3.1 labels (letters, digits, inner hyphens, at most 63) and RFC 5890
# U-labels: an IDN label in Chinese.
_LABEL = f"[A-Za-z0-9{_CJK}](?:[A-Za-z0-9{_CJK}\\-]{{0,61}}[A-Za-z0-9{_CJK}])?"
# ref. IANA root zone (recognizers/data/tlds.txt): an ASCII TLD, or an xn-- A-label, ends
# at anything but a letter, digit or hyphen, so ``163.com谢谢`` ends at ``.com``; a Chinese
# TLD is one of the delegated ones, so ``例子.中国谢谢`` ends at ``.中国``.
_TLD = r"(?:(?:xn--[A-Za-z0-9\-]{2,59}|[A-Za-z]{2,63})(?![A-Za-z0-9\-])|(?:" + _cjk_tlds() + r"))"
# The domain must not go on with ``.label`` (no shorter domain by backtracking), and an
# scp-style ``git@github.com:org/repo.git`` is an SSH URL, not an address.
_AFTER = f"(?!\\.[A-Za-z0-9{_CJK}])(?!:[A-Za-z~/._\\-])"
_DOMAIN = r"(?:" + _LABEL + r"\.)+" + _TLD + _AFTER
_BEFORE_CJK = r"(?:(?<=" + _DELIMITER + r")|^(?=" + _LOCAL_CJK + "@" + _DOMAIN + r"\s*\Z))"


def _bracketed(word: str) -> str:
    """*word* in any case inside ( ), [ ], { } or < >, blanks around: ``[at]``, ``(DOT)``."""
    return rf"[ \t]*(?:\((?i:{word})\)|\[(?i:{word})\]|\{{(?i:{word})\}}|<(?i:{word})>)[ \t]*"


# ref. chat and forum text that spells an address so that filters and harvesters miss it:
# ``zhangsan#qq.com`` ("replace # with @"), ``zhang.san(at)163.com``, ``li [at] example
# [dot] com``. A bracketed ``at`` / ``dot`` says so by itself; a bare ``#`` is read as ``@``
# only before a large mail provider's domain (``issue#12.md`` and URL fragments are not).
_AT_WORD = _bracketed("at")
_DOT_WORD = _bracketed("dot")
_HASH_AT = r"[ \t]*#[ \t]*"
_MAIL_PROVIDERS = (
    "qq.com|vip.qq.com|foxmail.com|163.com|vip.163.com|126.com|yeah.net|188.com|"
    "sina.com|sina.cn|vip.sina.com|sohu.com|139.com|189.cn|wo.cn|aliyun.com|"
    "gmail.com|outlook.com|hotmail.com|live.com|msn.com|yahoo.com|icloud.com|me.com"
)
_OBFUSCATED = (
    "(?:"
    + _AT_WORD
    + "(?:"
    + _LABEL
    + r"(?:\.|"
    + _DOT_WORD
    + "))+"
    + r"[A-Za-z]{2,63}(?![A-Za-z0-9\-])|"
    + _HASH_AT
    + "(?i:"
    + _MAIL_PROVIDERS.replace(".", r"\.")
    + r")(?![A-Za-z0-9\-]))"
    + _AFTER
)
# …or in bare words, ``zhangsan AT qq DOT com``: every dot a word too, and since English
# runs into that (``look at asp dot net``), reported only beside a context word (邮箱,
# email, mail …), from its own lower score.
_BARE_AT = r"[ \t]+(?:at|AT)[ \t]+"
_BARE_DOT = r"[ \t]+(?:dot|DOT)[ \t]+"
_ASCII_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_SPELLED = _BARE_AT + "(?:" + _ASCII_LABEL + _BARE_DOT + ")+" + r"[A-Za-z]{2,63}(?![A-Za-z0-9\-])"
_UNOBFUSCATE = re.compile(f"(?P<at>{_AT_WORD}|{_HASH_AT}|{_BARE_AT})|{_DOT_WORD}|{_BARE_DOT}")
_SPELLED_AT = re.compile(_BARE_AT)

_SPLIT = re.compile(r"^(?P<local>.+)@(?P<domain>[^@]+)$")
# ref. Apple / Android density-suffixed asset names (``logo@2x.png``, ``icon@1.5x.jpg``).
_DENSITY_ASSET = re.compile(r"^[0-9]+(?:\.[0-9]+)?x\.[^.]+$", re.IGNORECASE)


class EmailRecognizer(Recognizer):
    """An e-mail address (RFC 5322 addr-spec as used in practice), ASCII or Chinese.

    Format: ``local@domain``. The local part is dot-separated atoms of letters, digits
    and ``_ + -`` (``zhang.san+news``). A local part in Chinese (``用户@例子.中国``) is
    taken only after white space or punctuation, or when the address is the whole text
    (a cell), since it cannot be told apart from Chinese text running into it. The domain
    has at least one dot and ends in a delegated TLD (IANA root zone, Unicode or
    ``xn--``); the address stops where Chinese text starts (``联系邮箱tt@163.com谢谢``).

    Not addresses: ``logo@2x.png`` (no such TLD; density-suffixed asset), ``user@10.0.0.1``,
    ``root@localhost``, Java annotations, docker digests ``nginx@sha256:…``, npm
    ``@types/node``, and SSH remotes ``git@github.com:org/repo.git`` or
    ``ssh://git@host/…`` (a login on a host, not a mailbox; ``tt@163.com:8080`` with a
    port is still an address).

    Examples:
        match: tt@163.com
        match: 联系邮箱⟦tt@163.com⟧谢谢
        match: 下单成功，联系人⟦zhugao@corp.example.com.cn⟧
        match: zhang.san+news@example.com.cn
        match: 用户@例子.中国
        match: email=⟦user@例子.公司⟧&x=1
        match: {"email":"⟦Li_Lei-2024@mail.qq.com⟧"}
        no-match: logo@2x.png
        no-match: user@10.0.0.1
        no-match: root@localhost
        no-match: @RequestMapping("/x")
        no-match: docker pull nginx@sha256:0f2c8b9e4d1a
        no-match: git@github.com:org/repo.git
        no-match: tt**@1**.com
        no-match: 请发到用户@例子.中国谢谢
        match: 邮箱：⟦zhangsan#qq.com⟧（#换成@）
        match: email me: ⟦zhang.san(at)163.com⟧
        match: 邮箱：⟦zhangsan AT qq DOT com⟧ 谢谢
        match: mail me at ⟦li.lei at example dot com dot cn⟧
        no-match: look at asp dot net
        no-match: 邮箱：zhangsan AT qq DOT notatld
        match: contact ⟦li.lei [at] example [dot] com⟧ for details
        no-match: see issue#12.md and page#section.com
        no-match: meet me at example.com
    """

    entity: ClassVar[str] = "EMAIL_ADDRESS"
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("email", _BEFORE_ASCII + _LOCAL_ASCII + "@" + _DOMAIN, 0.5),
        Pattern("email_cjk_local", _BEFORE_CJK + _LOCAL_CJK + "@" + _DOMAIN, 0.5),
        Pattern("email_obfuscated", _BEFORE_ASCII + _LOCAL_ASCII + _OBFUSCATED, 0.5),
        Pattern("email_spelled", _BEFORE_ASCII + _LOCAL_ASCII + _SPELLED, 0.3),
    )
    context: ClassVar[tuple[str, ...]] = (
        "邮箱",
        "电子邮件",
        "电邮",
        "邮件",
        "邮件地址",
        "联系方式",
        "email",
        "e-mail",
        "mail",
        "mailbox",
        "contact",
        "youxiang",
        "dianziyoujian",
        "yx",
    )
    negative_context: ClassVar[tuple[str, ...]] = ()
    validated_score: ClassVar[float] = 0.95
    specificity: ClassVar[int] = 70
    description: ClassVar[str] = "E-mail address, including Chinese (IDN) domains"
    validation: ClassVar[str] = (
        "domain has a dot and a delegated TLD (IANA list via the Public Suffix List); "
        "RFC 5321 lengths (local part 64, domain 253, label 63); no density assets (@2x.png)"
    )
    standard: ClassVar[str] = "RFC 5322 §3.4.1, RFC 6531/6532 (internationalised), RFC 5890"

    def validate(self, value: str) -> bool | None:
        spelled = False
        if "@" not in value:  # an obfuscated address: validated as what it spells
            spelled = _SPELLED_AT.search(value) is not None
            value = _UNOBFUSCATE.sub(lambda m: "@" if m["at"] else ".", value)
        m = _SPLIT.match(value)
        if m is None:
            return False
        local, domain = m.group("local"), m.group("domain")
        labels = domain.split(".")
        # ref. RFC 5321 §4.5.3.1: local part at most 64 octets, domain at most 255 (253
        # without the trailing root dot); RFC 1035 §2.3.4: a label at most 63.
        if len(local.encode("utf-8")) > 64 or len(domain) > 253:
            return False
        if len(labels) < 2 or any(not 0 < len(label) <= 63 for label in labels):
            return False
        if labels[-1].lower() not in tlds():
            return False
        if _DENSITY_ASSET.match(domain) is not None:
            return False
        # Spelled in bare words: its pattern's score, which only a context word lifts.
        return None if spelled else True
