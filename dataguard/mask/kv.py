"""Where the values of keys sit in a log line: JSON, logfmt / key=value, query strings.

:func:`key_spans` returns, for one line and one format, every scalar value that sits under
a key, as a :class:`KeySpan` with offsets into the line (code points). The masker masks a
span whole when its key is sensitive (``password=…``), and uses the key as the field of
the findings inside it. Offsets are exact: text between spans is never touched.

Formats:
    ``plain``: no keys. ``json``: the line is a JSON object (else it is treated as plain);
    every string and number value, with its innermost key, and the ``kv`` reading of a
    string value (a log line wrapped in JSON: :attr:`KeySpan.inner`). ``kv``: ``key=value``
    pairs (logfmt, Java ``toString``, query strings ``?a=1&b=2`` in nginx and Apache access
    logs), ``key: value`` and Chinese labels (``收货地址：…``, the whole run of ideographs
    before the colon being the key), ``"key": value`` fragments embedded in text, a Python
    dict's ``'key': 'value'``, XML elements holding text (``<mobile>…</mobile>``,
    ``<地址>…</地址>``, namespaces dropped from the key), XML naming a value in a name or
    key attribute (``<field name="xm">…</field>``, ``<add key="…" value="…"/>``) and JSON
    written into HTML
    (``&quot;phone&quot;:&quot;…&quot;``). ``auto``: ``json`` for a line that is a JSON
    object, ``kv`` otherwise. Empty markers (``-``, ``null``) and a template's placeholders
    (``?``, ``#{mobile}``, ``${DB_PASSWORD}``) are no values.
"""

from __future__ import annotations

import functools
import json
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate

from dataguard import json_text
from dataguard.detect.normalize import CONTROL_SEQUENCE
from dataguard.mask.keys import canonical_key
from dataguard.recognizers.secret import STATUS_WORDS

__all__ = ["FORMATS", "KeySpan", "digits_after", "key_spans", "member_role", "words_after"]

FORMATS = ("auto", "plain", "json", "kv", "logfmt", "nginx", "apache")


@dataclass(frozen=True, slots=True)
class KeySpan:
    """A value under a key: ``line[start:end]`` is the raw value (without its quotes).

    ``key`` is the innermost key (``phone``); ``path`` the dotted path to the value
    (``user.phone``; array positions are not part of it), equal to ``key`` outside JSON.
    ``kind`` is ``"string"`` (inside JSON quotes: the replacement must be JSON-escaped),
    ``"number"`` (a bare JSON number: the replacement must be quoted), ``"xml"`` (XML or
    HTML text: ``<``, ``&`` and quotes escaped as entities) or ``"raw"``.
    """

    key: str
    start: int
    end: int
    kind: str = "raw"
    path: str = ""
    #: An unquoted ``key=value`` value, which ends at the first space or comma: a name or
    #: an address written in words (``address=Room 401, No. 90 Wensan Road``) goes on
    #: past it (:func:`words_after`).
    bare: bool = False
    #: The values under keys *inside* a JSON string value, a log line wrapped in JSON
    #: (Docker's ``{"log":"… password=… address=…\\n"}``, journald's ``MESSAGE``): the
    #: masker reads them when the string's own key is not sensitive (a sensitive key's
    #: value is masked whole). Offsets are into the line, kind ``"string"``.
    inner: tuple[KeySpan, ...] = ()

    @property
    def field(self) -> str:
        """The name policies match field rules against: the path, else the key."""
        return self.path or self.key


# key=value: a key not glued to a word before it; the value quoted (after a Python literal's
# prefix: password=b'…') or up to a delimiter. TOML, INI and SQL put spaces around the
# sign (id_card = '…', WHERE mobile = '…'); == is a comparison, => an arrow.
_KV = re.compile(
    r"(?<![\w.\-])(?P<key>[A-Za-z_\u4e00-\u9fff][\w.\-\u4e00-\u9fff]{0,63})"
    r"(?:=|[ \t]+=(?![=>])[ \t]*)"
    r"(?:(?:[bBuU]|[rR][bB]?|[bB][rR])?(?:\"(?P<dq>(?:[^\"\\\n]|\\.)*)\"|'(?P<sq>[^'\n]*)')"
    r"|(?P<bare>[^\s&,;'\"<>()\[\]{}\x00-\x1f\x7f]*))"
)
# key: value, as YAML, log messages and forms write it (``address: Room 401, No. 90 Wensan
# Road``, ``bank_account: 0200…``), and Chinese labels (``收货地址：文三路90``,
# ``身份证:44030519911010281x``): a Latin key that is a word of its own, followed by a
# colon and a space (not ``http://`` nor ``12:30``), or a Chinese label that is the whole
# run of ideographs before a colon (``请求地址：`` is not ``地址：``); the value runs to a
# space or a separator. Only sensitive keys matter: the detector finds the rest.
_LABEL_COLON = re.compile(
    # Not the HTTP headers whose value is a scheme and a credential (Authorization:
    # Bearer …, Cookie: a=1; b=2): the detector reads those whole.
    r"(?:(?<![\w.\-])(?!(?i:(?:proxy-)?authorization|(?:set-)?cookie)[ \t]*:)"
    # An invoice's or a waybill's "Ship to:" is a key of two words.
    r"(?P<key>(?i:(?:ship|bill|deliver)[ _]to)|[A-Za-z_][\w.\-]{0,63})[ \t]*:[ \t]+"
    r"|(?<!\w)(?P<label>[\u4e00-\u9fff]{1,16})[ \t]*[：:][ \t]*)"
    # A quoted value (收货地址："文三路90"): the value without its quotes.
    r"[\"'“‘]?"
    r"(?P<bare>[^\s，,；;。、|&'\"<>()\[\]{}：（）【】「」《》“”‘’\x00-\x1f\x7f]+)"
)
# "key": value fragments (JSON inside a text line).
_JSON_PAIR = re.compile(
    r"\"(?P<key>[^\"\\\n]{1,64})\"\s*:\s*"
    r"(?:\"(?P<dq>(?:[^\"\\\n]|\\.)*)\"|(?P<num>-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?))"
)
# ref. SQL in statement and slow logs, and MyBatis's parameter lines: a key-value table's
# rows written as literals, the key's right before the value's (INSERT INTO t_user_attr …
# VALUES (1, 'password', '…'); ==> Parameters: 1(Long), password(String), …(String)). The
# value sits in a lookahead, so that each literal is also the key of the next one.
_SQL_KEY_LITERAL = re.compile(
    r"'(?P<key>[A-Za-z_][\w.\-]{0,63})'"
    # Not a dict repr's next key ({'password': 'x', 'note': …}): no colon after the value.
    r"(?=[ \t]*,[ \t]*'(?P<sq>(?:[^'\\\n]|\\.|'')*)'(?![ \t]*:))"
)
# ref. the same tables' updates: ``UPDATE sys_config SET config_value = '…' WHERE
# config_key = 'db.password'``, the value in SET, its key in WHERE (one column each).
_SQL_UPDATE_KEY = re.compile(
    r"(?i:\bset)[ \t]+[`\"]?[A-Za-z_][\w.]*[`\"]?[ \t]*=[ \t]*'(?P<value>(?:[^'\\\n]|\\.|'')*)'"
    r"[ \t]+(?i:where)[ \t]+[`\"]?[A-Za-z_][\w.]*[`\"]?[ \t]*=[ \t]*"
    r"'(?P<key>[A-Za-z_][\w.\-]{0,63})'"
)
_MYBATIS_KEY_PARAMETER = re.compile(
    r"(?<![\w.\-])(?P<key>[A-Za-z_][\w.\-]{0,63})\(String\),[ \t]*"
    r"(?=(?P<bare>[^\n]*?)\(String\)(?:,[ \t]|[ \t]*$))"
)
# ref. Spring's FieldError.toString, logged with every MethodArgumentNotValidException and
# BindException: ``Field error in object 'loginForm' on field 'password': rejected value
# [hunter2]; codes […]``: the value a validator refused under its field's name (a password
# too short, a mistyped ID number), up to the bracket before ``; codes``.
_REJECTED_VALUE = re.compile(
    r"on field '(?P<key>[A-Za-z_][\w.\-\[\]]{0,63})': rejected value "
    r"\[(?P<rejected>[^\n]*?)\](?=; codes \[|$)"
)
# 'key': value pairs of a Python dict's repr (``logger.info("%s", payload)``), whose strings
# are single-quoted, or double-quoted when they hold a single quote.
_PY_PAIR = re.compile(
    r"'(?P<key>[^'\\\n]{1,64})'\s*:\s*"
    r"(?:[bu]?'(?P<sq>(?:[^'\\\n]|\\.)*)'|[bu]?\"(?P<dq>(?:[^\"\\\n]|\\.)*)\""
    r"|(?P<num>-?[0-9]+(?:\.[0-9]+)?))"
)
# An XML element holding text (SOAP and bank-interface logs): ``<mobile>…</mobile>``,
# ``<ns:CertNo>…</ns:CertNo>``; the key is the element's local name, the value its text
# up to the closing tag of the same name (no nested elements), or the text of a CDATA
# section, which WeChat Pay's and many Chinese open platforms' XML write every value in
# (``<receiver_name><![CDATA[…]]></receiver_name>``): raw text, not entity-escaped.
_XML_ELEMENT = re.compile(
    r"<(?:[A-Za-z_][\w.\-]*:)?(?P<key>[A-Za-z_\u4e00-\u9fff][\w.\-]{0,63})(?:\s[^<>]*)?>"
    r"(?:<!\[CDATA\[(?P<cdata>(?:(?!\]\]>)[^\n])*)\]\]>|(?P<xml>[^<>]*))"
    r"</(?:[A-Za-z_][\w.\-]*:)?(?P=key)>"
)
# ref. XML that names its fields in an attribute: Solr and Lucene documents (``<field
# name="xm">…</field>``), data-exchange and report formats (``<column name="MOBILE">``),
# Java's properties XML (``<entry key="password">…</entry>``), MyBatis and Spring
# parameters (``<param name="realName">``). The attribute names the value better than the
# element does: the key is the attribute's value, the value the element's text.
_XML_NAMED_ELEMENT = re.compile(
    r"<(?P<tag>[A-Za-z_][\w.\-:]{0,63})\s[^<>]*?(?<![\w\-:])(?i:name|key)[ \t]*=[ \t]*"
    r"(?P<q>[\"'])(?P<key>[^\"'<>\n]{1,64})(?P=q)[^<>]*?(?<!/)>"
    r"(?:<!\[CDATA\[(?P<cdata>(?:(?!\]\]>)[^\n])*)\]\]>|(?P<xml>[^<>]*))</(?P=tag)>"
)
# …or both in attributes: .NET ``<appSettings>`` (``<add key="DbPassword" value="…"/>``),
# Spring bean properties (``<property name="password" value="…"/>``), Ant and Maven
# properties.
_XML_NAME_VALUE = re.compile(
    r"<[A-Za-z_][\w.\-:]{0,63}\s[^<>]*?(?<![\w\-:])(?i:name|key)[ \t]*=[ \t]*"
    r"(?P<q>[\"'])(?P<key>[^\"'<>\n]{1,64})(?P=q)[ \t]+(?:[^<>]*?[ \t])?(?i:value)[ \t]*=[ \t]*"
    r"(?P<v>[\"'])(?P<xml>(?:(?!(?P=v))[^<>\n])*)(?P=v)"
)
# "key": "value" of JSON written into HTML or XML: ``&quot;phone&quot;:&quot;…&quot;``.
_ESCAPED_JSON_PAIR = re.compile(
    r"&quot;(?P<key>[^&\n]{1,64}?)&quot;\s*:\s*&quot;(?P<xml>(?:(?!&quot;)[^\n<>])*)&quot;"
)
# One token of a JSON text and the white space before it (one match per token: logs
# write ", " and ": " between most tokens, and a match of its own for each space was a
# third of the loop).
_JSON_TOKEN = re.compile(
    r"[ \t\r\n]*"
    r"(\"(?:[^\"\\]|\\.)*\"|[{}\[\]:,]|-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
    r"|true|false|null)"
)
#: The kind of a value by the group that matched it: a bare JSON number, or text inside
#: XML or HTML (its replacement is entity-escaped).
_KINDS = {"num": "number", "xml": "xml"}
# Empty markers: what a log or an export writes for "no value" under any key, a
# sensitive one too. Masked, ``phone: N/A`` became ``phone: ******`` and
# ``"realName":"未知"`` became ``"未*"``: a value that was never there, shown as one masked
# (batch redaction keeps the same words, scan.placeholders). Not words a password could be
# (``test``, ``unknown``): those are values. Not MySQL's ``\N`` either: the raw text here
# is JSON's escaped newline too.
_EMPTY = frozenset(
    {"", "-", "null", "none", "nil", "undefined"}
    | {"n/a", "(null)", "<null>", "[null]", "无", "暂无", "未知", "未填", "不详"}
)
_LONGEST_EMPTY = max(map(len, _EMPTY))
# A template's placeholder, where a value will go: SQL parameters (``mobile=?``, ``$1``,
# ``:mobile``), MyBatis (``#{mobile}``), Spring and shell variables (``${DB_PASSWORD}``),
# printf (``%s``) and SLF4J (``{}``). Masked, a MyBatis or Hibernate statement lost what it
# says (``SET real_name=*, mobile=******``) and a placeholder its name (``******{mobile}``).
# A default after the colon (``${DB_PASSWORD:s3cret}``) is a value.
_PLACEHOLDER = re.compile(
    r"\?|\$[0-9]{1,2}|:[A-Za-z_]\w{0,63}|%[sd]|\{\}"
    r"|[$#]\{[A-Za-z_][\w.\-]{0,63}(?::(?P<default>[^{}\s]*))?\}"
)


def _value_at(line: str, start: int, end: int) -> tuple[int, int] | None:
    """The value in ``line[start:end]``: None for an empty marker (``-``, ``null`` …) or a
    placeholder, the default of ``${NAME:default}``, else *start* and *end*.

    An unquoted value stops at ``{``, so a placeholder may end after *end*
    (``password=${DB_PASSWORD}`` reads ``$``).
    """
    if end - start <= _LONGEST_EMPTY and line[start:end].lower() in _EMPTY:
        return None
    m = _PLACEHOLDER.match(line, start)
    if m is None or m.end() < end:
        return (start, end)
    if m["default"]:
        return m.span("default")
    return None


def key_spans(line: str, fmt: str = "auto") -> list[KeySpan]:
    """Values under keys in *line* (see the module docstring for the formats)."""
    if fmt == "plain":
        return []
    if fmt in ("json", "auto"):
        spans = _json_spans(line)
        if spans is not None or fmt == "json":
            return spans or []
    return _kv_spans(line)


# ref. ECMA-48 §5.4: control sequences, as coloured console logs write them around keys
# and values (logrus: ``ESC[36mphone ESC[0m=13812341050``; Spring Boot, Docker Compose).
# The keys are read as a terminal shows the line, without them.
_CONTROL_SEQUENCE = re.compile(CONTROL_SEQUENCE)


def _kv_spans(line: str) -> list[KeySpan]:
    if "\x1b" in line:
        return _through_control_sequences(line)
    return _kv_spans_of(line)


def _through_control_sequences(line: str) -> list[KeySpan]:
    """The spans of *line* read without its control sequences, offsets mapped back: a
    colour code after ``phone=`` was read as the value, and masking it broke the colours
    (``phone=******[1m******5678``)."""
    kept: list[str] = []
    at: list[int] = []  # the offset in line of each kept character
    previous = 0
    for m in _CONTROL_SEQUENCE.finditer(line):
        kept.append(line[previous : m.start()])
        at.extend(range(previous, m.start()))
        previous = m.end()
    kept.append(line[previous:])
    at.extend(range(previous, len(line)))
    at.append(len(line))

    def mapped(span: KeySpan) -> KeySpan:
        start = at[span.start]
        end = at[span.end - 1] + 1 if span.end > span.start else start
        inner = tuple(map(mapped, span.inner))
        return replace(span, start=start, end=end, inner=inner)

    return [mapped(span) for span in _kv_spans_of("".join(kept))]


def _kv_spans_of(line: str) -> list[KeySpan]:
    pairs = (
        _matches(line, (_KV, _JSON_PAIR)) if "=" in line or '":' in line or '" :' in line else []
    )
    if "':" in line or "' :" in line:
        pairs = pairs + _matches(line, (_PY_PAIR,))
    if "'," in line or "' ," in line:
        pairs = pairs + _matches(line, (_SQL_KEY_LITERAL,))
    if "(String)," in line:
        pairs = pairs + _matches(line, (_MYBATIS_KEY_PARAMETER,))
    if "rejected value [" in line:
        pairs = pairs + _matches(line, (_REJECTED_VALUE,))
    if ": " in line or ":\t" in line or "：" in line or (":" in line and not line.isascii()):
        pairs = pairs + _label_spans(line, pairs)
    # XML elements and HTML-escaped pairs name their keys more closely than an attribute
    # or pair around them (data-user="{&quot;pwd&quot;:…}"): an outer span holding one
    # gives way to it.
    # Listed before _XML_ELEMENT: where both read a value, the named reading is kept.
    marked = [
        regex
        for regex, mark in (
            (_XML_NAMED_ELEMENT, "</"),
            (_XML_ELEMENT, "</"),
            (_XML_NAME_VALUE, "alue"),  # value=, Value=
            (_ESCAPED_JSON_PAIR, "&quot;"),
        )
        if mark in line
    ]
    inner = _matches(line, marked) if marked else []
    if "where" in line or "WHERE" in line:
        # An UPDATE's value under the key its WHERE names, not under its own column.
        inner = inner + _updated_values(line)
    if "SET" in line or "set" in line or "Set" in line:  # HSET, hmset, HSet …
        inner = inner + _redis_hash_fields(line)
    if inner and pairs:
        pairs = _not_holding(pairs, inner)
    spans = sorted(pairs + inner, key=lambda s: s.start)
    # A value can be found twice (a=1 inside a JSON string); keep the outermost.
    kept: list[KeySpan] = []
    for span in spans:
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return _named_fields(line, kept) if '"' in line else kept


def _named_fields(line: str, spans: list[KeySpan]) -> list[KeySpan]:
    """*spans*, a value read under the field name its neighbour in the same JSON object
    gives it (``{"name":"密码","value":"…"}`` inside a text line; see _NAME_KEYS)."""
    out = list(spans)
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        between = line[a.end : b.start]
        if "{" in between or "}" in between or len(between) > 80:
            continue  # not members of one object
        roles = (member_role(a.key), member_role(b.key))
        if roles == ("name", "value"):
            out[k + 1] = replace(b, key=line[a.start : a.end], path="")
        elif roles == ("value", "name"):
            out[k] = replace(a, key=line[b.start : b.end], path="")
    return out


# More words of an unquoted value: after spaces or a comma, a word that is not the next
# key (``, city=``, `` status:``); never past a quote, bracket, ``&``, ``;`` or line end.
_MORE_WORDS = re.compile(
    r"(?:[ \t]*,[ \t]*|[ \t]+)(?![\w.\-\u4e00-\u9fff]{1,64}[=:])[!#-%*+\--:?-Z^-z|~]+"
)
#: Words an unquoted value may go on for (an address is rarely longer).
_MAX_MORE_WORDS = 16


def words_after(line: str, span: KeySpan) -> KeySpan:
    """*span*, an unquoted value, widened over the words after it that belong to it.

    ``receiver_name=Zhang Wei city=HZ``, ``User(address=Room 401, No. 90 Wensan Road,
    city=Hangzhou)``: a ``key=value`` reader stops at the first space or comma, and the
    rest of a name or an address would go out beside its mask. A value in Latin script
    goes on over Latin words that are not a key (followed by ``=`` or ``:``), up to a
    quote, a bracket, ``&``, ``;`` or the end of the line (Chinese ones are written without
    spaces, and the detector finds where they end). For values that are words by nature (names,
    addresses); a password or a number ends where it ends, and so does a value of a query
    string (``?address=…&x=1 HTTP/1.1``), whose spaces are encoded.
    """
    key_at = span.start - len(span.key) - 1  # key=value: the key, then "="
    if line[span.start - 1 : span.start] == "=" and key_at > 0 and line[key_at - 1] in "?&":
        return span  # a query string's value: its spaces are encoded (+, %20)
    value = line[span.start : span.end]
    if not value.isascii() or "\\" in value:
        # Chinese names and addresses are written without spaces (also when escaped
        # inside a JSON string: \u897f\u6eaa…).
        return span
    return _widened(line, span, _MORE_WORDS, _MAX_MORE_WORDS)


# The digit groups of a phone number written with spaces (``phone=+1 415 555 0100``,
# ``tel: +44 20 7946 0958``), after a value that is itself a number's start.
_NUMBER_START = re.compile(r"\+?[0-9][0-9()\-]*")
_MORE_DIGITS = re.compile(r"[ \t]+[0-9]{1,5}(?:-[0-9]{1,5})?(?![\w.:：=\-])")
#: Digit groups a phone number may go on for (a country code and three groups).
_MAX_MORE_DIGITS = 4


def digits_after(line: str, span: KeySpan) -> KeySpan:
    """*span*, an unquoted number, widened over the digit groups after it.

    A ``key=value`` or ``key: value`` reader stops at the first space, and under a phone
    key the rest of a number written in groups went out beside its mask (``phone=******
    415 555 0100``): a foreign number no recognizer finds is masked by its key alone.
    """
    if _NUMBER_START.fullmatch(line, span.start, span.end) is None:
        return span
    return _widened(line, span, _MORE_DIGITS, _MAX_MORE_DIGITS)


def _widened(line: str, span: KeySpan, more: re.Pattern[str], limit: int) -> KeySpan:
    """*span* widened over at most *limit* matches of *more* right after it."""
    end = span.end
    for _ in range(limit):
        m = more.match(line, end)
        if m is None:
            break
        end = m.end()
    if end == span.end:
        return span
    return KeySpan(span.key, span.start, end, span.kind, span.path, bare=True)


def _not_holding(outer: list[KeySpan], inner: list[KeySpan]) -> list[KeySpan]:
    """The *outer* spans that hold none of the *inner* spans whole.

    Sorted by start, the inner span with the earliest end among those starting at or after
    an outer span's start decides: O((n + m) log m), as a huge line with thousands of
    pairs and elements needs (a pairwise check was O(n·m)).
    """
    inner = sorted(inner, key=lambda s: s.start)
    starts = [s.start for s in inner]
    earliest_end = [s.end for s in inner]  # from here on: the least end
    for k in range(len(inner) - 2, -1, -1):
        earliest_end[k] = min(earliest_end[k], earliest_end[k + 1])
    kept = []
    for span in outer:
        k = bisect_left(starts, span.start)
        if k == len(inner) or earliest_end[k] > span.end:
            kept.append(span)
    return kept


# ref. Redis's hash commands as MONITOR, the slow log and clients' debug logs write them:
# ``"HSET" "user:42" "name" "张三" "mobile" "138…"`` (quoted, MONITOR) or ``HSET user:42
# name 张三`` (redis-cli): after the hash's key, fields and values alternate.
_REDIS_HASH_SET = re.compile(r"(?<![\w\"])\"?(?i:hset|hmset|hsetnx)\"?[ \t]+")
_REDIS_ARGUMENT = re.compile(r'"((?:[^"\\\n]|\\.)*)"|([^\s"]+)')
_BLANKS = re.compile(r"[ \t]*")


def _redis_hash_fields(line: str) -> list[KeySpan]:
    """The values of Redis hash commands in *line*, each under its field."""
    spans = []
    for command in _REDIS_HASH_SET.finditer(line):
        arguments: list[tuple[str, int, int]] = []  # text, start, end (of the text)
        at = command.end()
        while (m := _REDIS_ARGUMENT.match(line, at)) is not None:
            group = 1 if m.group(1) is not None else 2
            arguments.append((m.group(group), *m.span(group)))
            at = _BLANKS.match(line, m.end()).end()  # type: ignore[union-attr]
            if at == m.end():
                break  # no blank after it: the command's arguments end
        # The hash's key first, then field, value, field, value…
        for (name, _, _), (_, start, end) in zip(arguments[1::2], arguments[2::2], strict=False):
            value = _value_at(line, start, end)
            if value is not None:
                spans.append(KeySpan(name, *value, "raw"))
    return spans


def _updated_values(line: str) -> list[KeySpan]:
    """The values ``UPDATE … SET value_column = '…' WHERE key_column = 'key'`` sets, each
    under the key its WHERE names (the key comes after the value: :func:`_matches` reads
    the value's group as closing last)."""
    spans = []
    for m in _SQL_UPDATE_KEY.finditer(line):
        value = _value_at(line, *m.span("value"))
        if value is not None:
            spans.append(KeySpan(m["key"], *value, "raw"))
    return spans


_NEXT_WORD = re.compile(r"[ \t]+[^\s&,;'\"<>()\[\]{}]+")


def _matches(line: str, regexes: Sequence[re.Pattern[str]]) -> list[KeySpan]:
    spans: list[KeySpan] = []
    for regex in regexes:
        for m in regex.finditer(line):
            # The value's group closes last (the key's closes before it, none is nested),
            # so lastgroup names it: dq, sq, bare, num, xml, cdata or rejected.
            group = m.lastgroup
            assert group is not None
            value = _value_at(line, *m.span(group))
            if value is None:
                continue
            start, end = value
            if group == "bare" and line.startswith((": ", ":\t"), end - 1):
                # A label for a value, not one (db.password=password: hunter2): the value
                # runs on over the word after it, or the masked label hid it.
                more = _NEXT_WORD.match(line, end)
                end = more.end() if more else end
            kind = _KINDS.get(group, "string" if regex is _JSON_PAIR else "raw")
            spans.append(KeySpan(m.group("key"), start, end, kind, bare=group == "bare"))
    return spans


def _label_spans(line: str, pairs: list[KeySpan]) -> list[KeySpan]:
    """The values of ``key: value`` and Chinese labels whose label and value no *pairs*
    value touches: a ``key=value`` or ``"key":`` pair holding one (``note=a: b``,
    ``msg: {"phone": …}``) is the outer reading.

    Among the pairs starting before a label's end, the greatest end decides: O((n + m)
    log m) on a huge line with thousands of both.
    """
    outer = sorted(pairs, key=lambda s: s.start)
    starts = [s.start for s in outer]
    greatest_end = list(accumulate((s.end for s in outer), max))
    spans: list[KeySpan] = []
    for m in _LABEL_COLON.finditer(line):
        k = bisect_left(starts, m.end())
        if k and greatest_end[k - 1] > m.start():
            continue
        value = _value_at(line, *m.span("bare"))
        if value is None or line[value[0] : value[1]].lower() in STATUS_WORDS:
            continue
        start, end = value
        spans.append(KeySpan(m["key"] or m["label"], start, end, "raw", bare=True))
    return spans


# ref. Canal's row-change messages (MySQL binlog to Kafka): ``mysqlType`` and ``sqlType``
# map each column to its type (``"mysqlType":{"real_name":"varchar(32)"}``, ``"sqlType":
# {"mobile":12}``): column names over types, not values. Masked as what the column name
# says, the type became ``v**********`` and the consumer reading it failed.
_TYPE_MAPS = frozenset({"mysqltype", "sqltype"})


def _json_spans(line: str) -> list[KeySpan] | None:
    """Scalar values of a JSON object line with their innermost keys; None if not JSON."""
    stripped = line.lstrip()
    if not stripped.startswith("{"):
        return None
    try:
        json_text.loads(line)
    except ValueError:  # a too deep document too
        return None
    spans: list[KeySpan] = []
    # Parser state: a stack of containers; in an object, the key awaiting its value.
    stack: list[str | None] = []  # None for arrays, else the object's pending key
    # Per container: an object's field name and the indexes in spans of its values
    # (_NAME_KEYS, _VALUE_KEYS); None for arrays.
    fields: list[_NamedField | None] = []
    expect_key = False
    pos = 0
    for m in _JSON_TOKEN.finditer(line):
        if m.start() != pos:  # cannot happen for valid JSON; be safe
            return None
        pos = m.end()
        token = m.group(1)
        first = token[0]
        if first == "{":
            stack.append("")
            fields.append(_NamedField())
            expect_key = True
        elif first == "[":
            stack.append(None)
            fields.append(None)
        elif first in "}]":
            stack.pop()
            named = fields.pop()
            if named is not None and named.name:
                for k in named.values:
                    spans[k] = replace(spans[k], key=named.name, path=named.name)
        elif first == ",":
            expect_key = bool(stack) and stack[-1] is not None
        elif first == ":":
            expect_key = False
        elif first == '"' and expect_key:
            stack[-1] = json.loads(token) if "\\" in token else token[1:-1]
        else:
            key = next((k for k in reversed(stack) if k), None)
            # A member of an object (not an array's element) may name its field or hold
            # the field's value.
            named = fields[-1] if stack and stack[-1] else None
            member = member_role(stack[-1] or "") if named is not None else ""
            if named is not None and first == '"' and member == "name":
                named.name = json.loads(token) if "\\" in token else token[1:-1]
            read = len(spans)
            in_type_map = len(stack) > 1 and (stack[-2] or "").lower() in _TYPE_MAPS
            if key is not None and token not in ("true", "false", "null") and not in_type_map:
                path = key if len(stack) == 1 else ".".join(k for k in stack if k)
                start, end = m.span(1)
                if first == '"':
                    value = _value_at(line, start + 1, end - 1)
                    if value is not None:
                        inner = (
                            _inside_string(line, start + 1, end - 1)
                            if _MAY_HOLD_KEYS.search(line, start + 1, end - 1)
                            else ()
                        )
                        spans.append(KeySpan(key, *value, "string", path, inner=inner))
                else:
                    spans.append(KeySpan(key, start, end, "number", path))
            if named is not None and member == "value" and len(spans) > read:
                named.values.append(read)
    return spans


# ref. form and approval payloads (DingTalk's form_component_values, Feishu's approval
# widgets, low-code form builders, EAV attribute lists): an object names its field in one
# member and holds its value in another ({"name": "姓名", "value": "张三"},
# {"fieldName": "密码", "fieldValue": "…"}, {"key": "phone", "value": "…"}). The value is
# read under the field's name.
_NAME_KEYS = frozenset(
    (
        *("key", "name", "field", "fieldname", "fieldkey", "fieldcode", "label"),
        *("attr", "attrname", "attrkey", "attribute", "param", "paramname", "paramkey"),
        *("property", "propertyname", "propname"),
    )
)
_VALUE_KEYS = frozenset(
    (
        *("value", "val", "fieldvalue", "attrvalue", "attributevalue", "paramvalue"),
        *("propertyvalue", "propvalue"),
    )
)


@functools.lru_cache(maxsize=4096)  # a log's keys repeat: folded once each
def member_role(key: str) -> str:
    """``name`` for a member that names its object's field, ``value`` for one holding
    the field's value, else ``""``."""
    folded = canonical_key(key)
    return "name" if folded in _NAME_KEYS else "value" if folded in _VALUE_KEYS else ""


@dataclass
class _NamedField:
    """What :func:`_json_spans` knows of an object being read: the name one of its
    members gives its field, and the indexes of its value members' spans."""

    name: str = ""
    values: list[int] = field(default_factory=list)


# A JSON string value that may hold keys of its own (key=value, key: value, a label, an
# XML element, an escaped character that may be one of these).
_MAY_HOLD_KEYS = re.compile(r"=|:[ \t]|：|</|\\u|[\u4e00-\u9fff]:|\"[ \t]*:|':")
_SIMPLE_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}


def _inside_string(line: str, start: int, end: int) -> tuple[KeySpan, ...]:
    """The key spans of the text a JSON string holds (``line[start:end]``, its content
    between the quotes), with offsets into *line* and kind ``"string"``: each replacement
    is then JSON-escaped, so the line stays valid JSON."""
    text, offsets = _decoded(line, start, end)
    at = (lambda i: start + i) if offsets is None else offsets.__getitem__
    return tuple(
        KeySpan(s.key, at(s.start), at(s.end), "string", s.path, s.bare) for s in _kv_spans(text)
    )


def _decoded(line: str, start: int, end: int) -> tuple[str, list[int] | None]:
    """The content of a JSON string, decoded, and the offset in *line* of each decoded
    character and of the end (None when nothing is escaped: the offsets are the same)."""
    if "\\" not in line[start:end]:
        return line[start:end], None
    chars: list[str] = []
    offsets: list[int] = []
    i = start
    while i < end:
        offsets.append(i)
        if line[i] != "\\":
            chars.append(line[i])
            i += 1
        elif line[i + 1] != "u":
            chars.append(_SIMPLE_ESCAPES[line[i + 1]])
            i += 2
        else:
            code = int(line[i + 2 : i + 6], 16)
            i += 6
            if 0xD800 <= code < 0xDC00 and line.startswith("\\u", i):
                low = int(line[i + 2 : i + 6], 16)
                if 0xDC00 <= low < 0xE000:  # a surrogate pair is one character
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
            chars.append(chr(code))
    offsets.append(end)
    return "".join(chars), offsets
