"""Normalisation of text before scanning, with offsets mapped back to the original.

Personal data hides behind encodings in logs. Before scanning, the engine rewrites:

* compatibility forms by NFKC: full-width digits and letters (``１３８…`` → ``138…``),
  the ideographic space, Kangxi radicals;
* CJK Radicals Supplement characters, which NFKC leaves alone, to the ideograph they stand
  for (``⻄`` → ``西``); # ref. Unicode 15 CJK Radicals Supplement block, U+2E80–U+2EFF;
* the dashes of General Punctuation (``‐ ‑ ‒ – — ―``) and the minus sign ``−`` to ``-``
  (``0571—88881234``), which NFKC leaves alone too;
* percent-encoded UTF-8 runs of URLs and query strings (``a%40b.com`` → ``a@b.com``,
  ``%E6%89%8B%E6%9C%BA`` → ``手机``), twice-encoded ones too: a URL inside a query
  string (``redirect=https%3A%2F%2Fx.com%2Fcb%3Femail%3Dtt%2540163.com``) has its own
  escapes encoded again, ``%40`` as ``%2540``;
* JSON ``\\uXXXX`` escapes, surrogate pairs included (``\\u624b\\u673a`` → ``手机``);
* ``\\xHH`` byte escapes, as nginx writes a request body or header into its access log
  (``escape=default``: ``{\\x22phone\\x22:\\x2213812341050\\x22}``, a name as
  ``\\xE5\\xBC\\xA0``), decoded as UTF-8 (or GBK) like percent escapes, quotes kept escaped;
* HTML and XML numeric character references (``&#24352;&#19977;``, ``&#x5F20;``), as XML
  written in an ASCII encoding and HTML-escaping frameworks write every character outside
  ASCII, and JavaScript's ``escape()`` form ``%u5F20`` (legacy Chinese web front ends
  sending ``name=%u5F20%u4E09``), each decoded to its character;
* MIME encoded-words of mail headers (RFC 2047: ``From: =?UTF-8?B?5byg5LiJ?= <zs@…>``,
  ``=?GB2312?B?1cXI/Q==?=``, ``=?utf-8?Q?=E5=BC=A0?=``), decoded whole, as one unit (the
  masker writes a masked one back as an encoded-word: :func:`encoded_word`);
* quoted-printable UTF-8 (RFC 2045 §6.7), as vCard 2.1 contact exports (Android's) and
  mail bodies write text outside ASCII (``FN;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0=E4=B8=89``
  is 张三): runs of whole UTF-8 characters of two bytes or more only, so a ``key=AB`` is
  never read as one;
* C-style octal escapes of bytes 0x80-0xFF, as protobuf's text format (gRPC request logs,
  Go's ``%v`` and C++'s ``DebugString`` of a message), ``git``'s quoted paths and
  ``strace`` write text that is not ASCII (``name: "\\345\\274\\240"`` is 张), decoded
  the same way.
* a byte array printed as numbers that holds a JSON object, as RocketMQ logs message
  bodies (Java's ``[123, 34, 110, …]``) and Go prints a ``[]byte`` (``[123 34 110 …]``):
  decoded whole, as one unit, like base64 JSON below;
* an LDIF attribute's base64 value (``displayName:: 5byg5LiJ``, RFC 2849), as LDAP and
  Active Directory exports write every value outside ASCII: decoded whole, as one unit
  (``displayName: 张三``); the masker writes a masked one back in base64;
* base64 of a JSON object (``eyJ…``: ``{"`` encoded), as gateways pass the caller's
  identity to services in a header (``X-User-Info: eyJuYW1lIjoi…``) and message queues log
  payloads: decoded whole, as one unit, so a finding inside maps to the whole token (the
  masker masks the JSON inside and encodes it again). Not a part of a JWT or another
  dotted token (``eyJ….eyJ….sig``): those are credentials, found as such.

Every change is recorded as an edit, so a span found in the normalised text maps back to
the exact surface form in the original (a finding covers the whole ``%40`` escape). Text
that needs none of this (plain ASCII and CJK) is returned as is, with no mapping cost.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import re
import unicodedata
from dataclasses import dataclass

from dataguard import json_text
from dataguard.detect.regex_tools import first_char_hint

__all__ = [
    "BASE64_JSON",
    "BYTE_ARRAY_JSON",
    "CHARACTER_REFERENCE",
    "CONTROL_SEQUENCE",
    "ENCODED_WORD",
    "ESCAPES",
    "IME_DOT",
    "JS_ESCAPE",
    "LDIF_BASE64",
    "NEEDS_WORK",
    "QUOTED_PRINTABLE",
    "UNDECODABLE_BYTE",
    "NormalizedText",
    "base64_json",
    "byte_array",
    "byte_array_json",
    "encoded_word",
    "gbk_text",
    "ldif_text",
    "normalize",
]

# ref. Unicode General Punctuation dashes, which NFKC leaves alone: a Chinese input method
# or a word processor types them between an area code and its number (0571—88881234
# went out unmasked), read as the ASCII hyphen.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
# ref. Unicode CJK Radicals Supplement: simplified-form radicals seen in mixed-script text.
_RADICALS = str.maketrans(
    {
        "⺁": "厂",
        "⺇": "几",
        "⺈": "刀",
        "⺊": "卜",
        "⺌": "小",
        "⺍": "小",
        "⺎": "兀",
        "⺏": "尢",
        "⺐": "尢",
        "⺑": "尢",
        "⺒": "巳",
        "⺓": "幺",
        "⺔": "彐",
        "⺖": "心",
        "⺗": "心",
        "⺘": "手",
        "⺙": "攴",
        "⺛": "无",
        "⺜": "日",
        "⺝": "月",
        "⺞": "歹",
        "⺟": "母",
        "⺠": "民",
        "⺡": "水",
        "⺢": "水",
        "⺣": "火",
        "⺤": "爪",
        "⺥": "爪",
        "⺦": "丬",
        "⺧": "牛",
        "⺨": "犬",
        "⺩": "王",
        "⺪": "疋",
        "⺫": "目",
        "⺬": "示",
        "⺭": "示",
        "⺮": "竹",
        "⺯": "糸",
        "⺰": "纟",
        "⺱": "网",
        "⺲": "网",
        "⺳": "网",
        "⺴": "网",
        "⺵": "网",
        "⺶": "羊",
        "⺷": "羊",
        "⺸": "羊",
        "⺹": "老",
        "⺺": "肀",
        "⺻": "聿",
        "⺼": "肉",
        "⺽": "臼",
        "⺾": "艸",
        "⺿": "艸",
        "⻀": "艸",
        "⻁": "虎",
        "⻂": "衣",
        "⻃": "襾",
        "⻄": "西",
        "⻅": "见",
        "⻆": "角",
        "⻇": "角",
        "⻈": "讠",
        "⻉": "贝",
        "⻊": "足",
        "⻋": "车",
        "⻌": "辶",
        "⻍": "辶",
        "⻎": "辶",
        "⻏": "阝",
        "⻐": "金",
        "⻑": "長",
        "⻒": "镸",
        "⻓": "长",
        "⻔": "门",
        "⻕": "阝",
        "⻖": "阝",
        "⻗": "雨",
        "⻘": "青",
        "⻙": "韦",
        "⻚": "页",
        "⻛": "风",
        "⻜": "飞",
        "⻝": "食",
        "⻞": "食",
        "⻟": "食",
        "⻠": "饣",
        "⻡": "首",
        "⻢": "马",
        "⻣": "骨",
        "⻤": "鬼",
        "⻥": "鱼",
        "⻦": "鸟",
        "⻧": "卤",
        "⻨": "麦",
        "⻩": "黄",
        "⻪": "黾",
        "⻫": "斉",
        "⻬": "齐",
        "⻭": "歯",
        "⻮": "齿",
        "⻯": "竜",
        "⻰": "龙",
        "⻱": "龜",
        "⻲": "亀",
        "⻳": "龟",
    }
)

#: One byte the input's decoding could not read: ``surrogateescape`` carries it as a lone
#: surrogate (U+DC80-U+DCFF), and encoding back the same way writes the same byte.
UNDECODABLE_BYTE = re.compile("[\udc80-\udcff]")

# ref. ECMA-48 §5.4: a control sequence is CSI (ESC [), parameter bytes 0x30-0x3F,
# intermediate bytes 0x20-0x2F and a final byte 0x40-0x7E. Coloured console logs wrap
# values in them (ESC[36m13812341050ESC[0m), and a JSON log that captured such output
# holds them as \u001b[36m. Each becomes one space: a boundary, as it is on screen.
_AFTER_ESC = r"\[[0-?]*[ -/]*[@-~]"
#: One control sequence as written raw (ESC, then the rest), in a syntax both Python's
#: ``re`` and polars' (Rust) regex read: the key readers read keys through them.
CONTROL_SEQUENCE = r"\x1b" + _AFTER_ESC
_ANSI = r"(?:\x1b|\\u001[bB])" + _AFTER_ESC

#: One HTML/XML numeric character reference (decimal or hex) and one JavaScript ``escape()``
#: unit of a UTF-16 code unit; in both regex dialects.
CHARACTER_REFERENCE = r"&#(?:[0-9]{2,7}|[xX][0-9A-Fa-f]{2,6});"
JS_ESCAPE = r"%u[0-9A-Fa-f]{4}"
_WORD_CHARSET = r"[A-Za-z0-9_.:-]{1,40}"
_WORD_TEXT = r"[!->@-~]{0,900}"  # printable ASCII but "?"
#: An RFC 2047 encoded-word: charset, B (base64) or Q (quoted-printable), text.
ENCODED_WORD = r"=\?" + _WORD_CHARSET + r"\?[BbQq]\?" + _WORD_TEXT + r"\?="
#: A UTF-8 character of two bytes or more in quoted-printable (``=E5=BC=A0``).
QUOTED_PRINTABLE = r"=[C-F][0-9A-F](?:=[89AB][0-9A-F]){1,3}"

# Characters that never change under normalisation are copied in bulk; only these are
# looked at one by one: percent runs, \u escape runs, and anything outside ASCII and the
# CJK Unified Ideographs block.
#: Base64 (standard or URL-safe) of a JSON object, whole: not glued to other token characters
#: and not a dot-separated part (JWT, itsdangerous), so Python's ``re`` only.
BASE64_JSON = r"(?<![A-Za-z0-9+/_.-])eyJ[A-Za-z0-9+/_-]{12,65536}={0,2}(?![A-Za-z0-9+/=_.-])"
_BASE64_JSON = re.compile(BASE64_JSON)
#: A byte array printed as a list of numbers that holds a JSON object (``{"`` is 123, 34):
#: Java's ``Arrays.toString(byte[])``, signed and comma-separated, as RocketMQ's
#: ``Message`` and ``MessageExt`` print every message body (``body=[123, 34, 110, …]``),
#: and Go's ``%v`` of a ``[]byte``, unsigned and space-separated (``[123 34 110 …]``).
BYTE_ARRAY_JSON = r"\[123(?:, 34(?:, -?[0-9]{1,3})+| 34(?: [0-9]{1,3})+)\]"
_BYTE_ARRAY_JSON = re.compile(BYTE_ARRAY_JSON)
#: An LDIF attribute's base64 value (RFC 2849 §2: ``displayName:: 5byg5LiJ``, as LDAP
#: and Active Directory exports write every value outside ASCII), from its second colon to
#: the end of the line. Python's ``re`` only (a lookbehind).
#: A space after the colons, as ldapsearch and ldifde write it, and two characters or more
#: (eight base64 digits): an IPv6 address's ``::c9e9`` (one character, had it been base64)
#: is none.
LDIF_BASE64 = r"(?<=[A-Za-z0-9;-]):: [A-Za-z0-9+/]{8,65536}={0,2}(?=[ \t\r]*$)"
_LDIF_BASE64 = re.compile(LDIF_BASE64)
_SPECIAL_RUNS = (
    BASE64_JSON
    + "|"
    + LDIF_BASE64
    + "|"
    + BYTE_ARRAY_JSON
    + "|"
    + _ANSI
    + r"|(?:%(?:25)?[0-9A-Fa-f]{2})+|(?:\\{1,4}u[0-9A-Fa-f]{4})+|(?:\\x[0-9A-Fa-f]{2})+"
    + r"|(?:\\[23][0-7]{2})+"
    + "|(?:"
    + CHARACTER_REFERENCE
    + ")+|(?:"
    + JS_ESCAPE
    + ")+|"
    + ENCODED_WORD
    + "|(?:"
    + QUOTED_PRINTABLE
    + ")+"
    + r"|[^\x00-\x7f\u4e00-\u9fff%\\]+"
)
# With a lookahead of the characters a run can start with, re rejects most positions with
# one class test instead of trying all seven alternatives: the same runs, found in a third
# of the time on the lines of the benchmark log that need normalising.
_SPECIAL = re.compile((first_char_hint(_SPECIAL_RUNS) or "") + f"(?:{_SPECIAL_RUNS})")
# One escaped byte: ``%XX``, or ``%25XX`` (the ``%`` of ``%XX`` escaped again).
_PERCENT_BYTE = re.compile(r"%(?:25)?([0-9A-Fa-f]{2})")
_ONCE_ESCAPED = re.compile(r"((?:%[0-9A-Fa-f]{2})+)")
#: The ideographic full stop a Chinese input method types in an email or a domain
#: (``zhangsan@qq。com``): read as ``.`` between ASCII letters or digits. NFKC leaves it,
#: and a sentence's own 。 (after Chinese text, or at the end) is left too.
IME_DOT = r"[0-9A-Za-z]\u3002[0-9A-Za-z]"
#: Text in which this regex finds nothing is returned by :func:`normalize` unchanged.
#: Python's ``re`` and Rust's ``regex`` read it alike, so polars can pick out such values
#: (the vectorised masks, which must give what the operator gives the normalised value).
#: The encodings :func:`normalize` decodes, as their first characters (percent, ``\\u``,
#: ``\\x`` and octal escapes, base64 JSON, ANSI colour codes). In both regex dialects.
ESCAPES = (
    r"%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\x[0-9A-Fa-f]{2}|\\[23][0-7]{2}|eyJ[A-Za-z0-9+/_-]{12}|"
    r"\x1b|\[123(?:, | )34[, ]|[A-Za-z0-9;-]:: [A-Za-z0-9+/]{8}|"
    + CHARACTER_REFERENCE
    + "|"
    + JS_ESCAPE
    + "|"
    + QUOTED_PRINTABLE
    + r"|=\?"
    + _WORD_CHARSET
    + r"\?[BbQq]\?"
)
NEEDS_WORK = ESCAPES + r"|[^\x00-\x7f\u3002\u4e00-\u9fff]|" + IME_DOT
_NEEDS_WORK = re.compile(NEEDS_WORK)
_IME_DOT = re.compile(IME_DOT)
_ANSI_RE = re.compile(_ANSI)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """The normalised text plus the edits that map its offsets back to the original.

    ``edits`` holds ``(norm_start, orig_start, norm_len, orig_len)`` for every replaced
    unit, sorted; an offset outside every edit is shifted by the edits before it.
    """

    original: str
    text: str
    edits: tuple[tuple[int, int, int, int], ...] = ()

    @property
    def identity(self) -> bool:
        """True when the normalised text is the original (no mapping needed)."""
        return not self.edits

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the normalised text onto the original text."""
        if not self.edits:
            return start, end
        return self._map(start, is_end=False), self._map(end - 1, is_end=True)

    def _map(self, pos: int, *, is_end: bool) -> int:
        i = bisect.bisect_right(self.edits, pos, key=_norm_start) - 1
        if i < 0:
            return pos + 1 if is_end else pos
        n_start, o_start, n_len, o_len = self.edits[i]
        if pos < n_start + n_len:  # inside a replaced unit: the span covers all of it
            return o_start + o_len if is_end else o_start
        shifted = pos + (o_start + o_len) - (n_start + n_len)
        return shifted + 1 if is_end else shifted


def _norm_start(edit: tuple[int, int, int, int]) -> int:
    return edit[0]


def _fold(char: str) -> str:
    """NFKC with CJK radical supplements folded first."""
    return unicodedata.normalize("NFKC", char.translate(_RADICALS).translate(_DASHES))


_SEPARATORS = frozenset("\"'&,;|<>")


def _kept(ch: str) -> bool:
    """Whether an escape decoding to *ch* stays escaped: a control character or a record
    separator.

    Such escapes (``%00``, ``%0A``, ``%22``, ``%26``, ``\\u000a``) stay as they are while
    the escapes around them decode (``%22%E5%BC%A0%22`` → ``%22张%22``): a decoded ``&`` or
    quote would cut an encoded value in two (``password=ab%26cd``), and a decoded line
    break would cut the line's context windows. A value right after a kept escape still
    starts there (``ALNUM_BEFORE_NOT``). Spaces decode between digits only
    (``138%201234%205678`` is a grouped mobile number; ``password=a%20b`` keeps its
    ``%20``): see :func:`_spaces_between_digits_only`.
    """
    return ch in _SEPARATORS or unicodedata.category(ch) == "Cc"


def _percent_units(run: str) -> list[tuple[int, str]] | None:
    """``(escape length, character)`` per character of a percent-encoded UTF-8 run.

    A byte is ``%XX`` (3 characters) or, encoded twice, ``%25XX`` (5). A run that does not
    decode that way (``%25`` then literal hex digits) is read once-encoded, ``%25`` as ``%``.
    """
    units = _decode_bytes([(m[0], int(m[1], 16)) for m in _PERCENT_BYTE.finditer(run)])
    if units is not None or "%25" not in run:
        return units
    once: list[tuple[int, str]] = []
    for piece in _ONCE_ESCAPED.split(run):  # escape runs, and the literal text between
        if piece.startswith("%"):
            decoded = _decode_bytes(
                [(piece[i : i + 3], int(piece[i + 1 : i + 3], 16)) for i in range(0, len(piece), 3)]
            )
            if decoded is None:
                return None
            once.extend(decoded)
        else:
            once.extend((1, ch) for ch in piece)
    return once


# ref. GB 18030: legacy Chinese sites and clients percent-encode in GBK
# (``name=%D5%C5%CE%B0`` is 张伟). A run that is not UTF-8 is read as GB 18030 only when it
# decodes to ASCII, CJK ideographs and CJK or full-width punctuation (with the middle dot of
# minority names, 帕提古丽·库尔班, and the dashes, quotes and ellipsis Chinese text writes
# in GBK's own), two characters or more of them not ASCII: almost any byte pairs decode as
# GB 18030, and a signature or a cipher text must not become text to scan.
_GBK_TEXT = re.compile(
    "[\x00-\x7f\u00b7\u2014\u2018\u2019\u201c\u201d\u2026\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e]+"
)


def gbk_text(text: str) -> bool:
    """Whether *text*, decoded from bytes that are not UTF-8 as GB 18030, is Chinese text
    (above): also how a log line read as UTF-8 is told to be GBK
    (:func:`dataguard.sources.logs.reads_as_gbk`)."""
    return _GBK_TEXT.fullmatch(text) is not None and sum(not ch.isascii() for ch in text) >= 2


def _decode_bytes(escapes: list[tuple[str, int]]) -> list[tuple[int, str]] | None:
    """``(escape length, character)`` per character of ``(escape, byte)`` pairs; a kept
    character (:func:`_kept`) is its escapes, unchanged. UTF-8, else GBK text (above)."""
    raw = bytes(byte for _, byte in escapes)
    encoding = "utf-8"
    try:
        decoded = raw.decode(encoding)
    except UnicodeDecodeError:
        encoding = "gb18030"
        try:
            decoded = raw.decode(encoding)
        except UnicodeDecodeError:
            return None
        if not gbk_text(decoded):
            return None  # a lone character is more likely UTF-8 cut short (x=%E6%89)
    units = []
    at = 0
    for ch in decoded:
        width = len(ch.encode(encoding))
        source = "".join(escape for escape, _ in escapes[at : at + width])
        units.append((len(source), source if _kept(ch) else ch))
        at += width
    return units


_UNICODE_ESCAPE = re.compile(r"(\\+)u([0-9A-Fa-f]{4})")


def _escape_units(run: str) -> list[tuple[int, str]] | None:
    """``(escape length, character)`` per character of a run of JSON ``\\uXXXX`` escapes;
    a kept character (:func:`_kept`) is its escape, unchanged.

    JSON serialised into a JSON string escapes its escapes again: Python's ``json.dumps``
    writes 张 as ``\\u5f20``, and a log line holding that text as a string value shows
    ``\\\\u5f20`` (two backslashes; four a level deeper). A run whose escapes all carry
    1, 2 or 4 backslashes is decoded; any other run (a literal backslash before an escape)
    is left as it is.
    """
    escapes = [(m[1], m[2]) for m in _UNICODE_ESCAPE.finditer(run)]
    slashes = {len(b) for b, _ in escapes}
    if len(slashes) != 1 or not slashes <= {1, 2, 4}:
        return None
    return _utf16_units(run, [h for _, h in escapes], slashes.pop() + 5)


def _utf16_units(run: str, codes: list[str], width: int) -> list[tuple[int, str]] | None:
    """``(escape length, character)`` per character of *run*, escapes of *width*
    characters each holding one UTF-16 code unit of *codes* (hex); a character past U+FFFF
    is a surrogate pair, two escapes. A kept character (:func:`_kept`) is its escapes."""
    try:
        decoded = str(json.loads('"' + "".join(f"\\u{h}" for h in codes) + '"'))
    except ValueError:
        return None
    # Lone surrogates cannot be scanned meaningfully; leave such runs untouched.
    if any("\ud800" <= ch <= "\udfff" for ch in decoded):
        return None
    units = []
    at = 0
    for ch in decoded:
        size = width if ord(ch) < 0x10000 else 2 * width
        units.append((size, run[at : at + size] if _kept(ch) else ch))
        at += size
    return units


_REFERENCE = re.compile(r"&#(?:([0-9]+)|[xX]([0-9A-Fa-f]+));")


def _reference_units(run: str) -> list[tuple[int, str]] | None:
    """``(reference length, character)`` per reference of a run of HTML/XML numeric
    character references; a kept character (:func:`_kept`) is its reference, unchanged.
    A reference to no character (a surrogate, past U+10FFFF, NUL) leaves the run as it is."""
    units = []
    for m in _REFERENCE.finditer(run):
        code = int(m[1]) if m[1] is not None else int(m[2], 16)
        if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        ch = chr(code)
        units.append((len(m[0]), m[0] if _kept(ch) else ch))
    return units


def _js_escape_units(run: str) -> list[tuple[int, str]] | None:
    """``(escape length, character)`` per character of a run of JavaScript ``escape()``
    units (``%u5F20``; a character past U+FFFF is two, a surrogate pair)."""
    return _utf16_units(run, [run[i + 2 : i + 6] for i in range(0, len(run), 6)], 6)


_ENCODED_WORD = re.compile(rf"=\?({_WORD_CHARSET})\?([BbQq])\?({_WORD_TEXT})\?=")


def encoded_word(token: str) -> tuple[str, str, str] | None:
    """``(text, charset, B or Q)`` of an RFC 2047 encoded-word (``=?UTF-8?B?5byg5LiJ?=``
    is 张三), or None when *token* is none, or its bytes are not text in its charset."""
    m = _ENCODED_WORD.fullmatch(token)
    if m is None:
        return None
    charset, form, body = m[1], m[2].upper(), m[3]
    try:
        if form == "B":
            raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
        else:  # Q: "_" is a space, =XX a byte
            raw = re.sub(
                rb"=([0-9A-Fa-f]{2})",
                lambda b: bytes([int(b[1], 16)]),
                body.replace("_", " ").encode("ascii"),
            )
        text = raw.decode(charset.split("*", 1)[0])  # RFC 2231's charset*language
    except (binascii.Error, ValueError, LookupError):  # UnicodeDecodeError is a ValueError
        return None
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        return None  # bytes, not a header's text
    return text, charset, form


def base64_json(token: str) -> str | None:
    """The JSON object text *token* (base64, standard or URL-safe, padded or not) encodes,
    or None when it is not that: bytes that are not UTF-8, or text that is not an object."""
    if not token.startswith("eyJ") or not _BASE64_JSON.fullmatch(token):
        return None  # the first test is cheap: callers ask of every finding
    body = token.rstrip("=")
    urlsafe = "-" in body or "_" in body
    if urlsafe and ("+" in body or "/" in body):
        return None  # two alphabets in one token: not base64 of anything
    padded = body + "=" * (-len(body) % 4)
    try:
        raw = base64.b64decode(padded, altchars=b"-_" if urlsafe else None, validate=True)
        text = raw.decode("utf-8")
        value = json_text.loads(text)
    except (binascii.Error, ValueError):  # UnicodeDecodeError and JSONDecodeError too
        return None
    return text if isinstance(value, dict) else None


def ldif_text(token: str) -> str | None:
    """The text an LDIF base64 value (``:: 5byg5LiJ``, :data:`LDIF_BASE64` without its
    attribute name) holds, or None: bytes that are not UTF-8 text, or text with no
    character outside ASCII (which LDIF writes as it is: ``std::abcd`` is no value)."""
    body = token.lstrip(":").strip()
    try:
        text = base64.b64decode(body, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):  # UnicodeDecodeError is a ValueError
        return None
    if text.isascii() or any(unicodedata.category(ch) == "Cc" for ch in text):
        return None
    return text


def byte_array_json(token: str) -> tuple[str, bool] | None:
    """The JSON object text a printed byte array (:data:`BYTE_ARRAY_JSON`) holds, and
    whether it is Java's signed form; None when *token* is no such array, its numbers are
    no bytes of its form, or its bytes no UTF-8 JSON object."""
    if not _BYTE_ARRAY_JSON.fullmatch(token):
        return None
    signed = "," in token
    numbers = [int(n) for n in token[1:-1].split(", " if signed else " ")]
    low, high = (-128, 127) if signed else (0, 255)
    if not all(low <= n <= high for n in numbers):
        return None
    try:
        text = bytes(n % 256 for n in numbers).decode("utf-8")
        value = json_text.loads(text)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError too
        return None
    return (text, signed) if isinstance(value, dict) else None


def byte_array(raw: bytes, signed: bool) -> str:
    """*raw* printed as :func:`byte_array_json` reads it: ``[123, 34, …]`` (Java's signed
    bytes) or ``[123 34 …]`` (Go's)."""
    if signed:
        return "[" + ", ".join(str(b - 256 if b > 127 else b) for b in raw) + "]"
    return "[" + " ".join(map(str, raw)) + "]"


def _byte_escape_units(
    run: str, width: int, digits_at: int, base: int
) -> list[tuple[int, str]] | None:
    """:func:`_decode_bytes` of a run of byte escapes *width* characters each, the byte's
    digits (in *base*) from *digits_at* to the escape's end."""
    return _decode_bytes(
        [
            (run[i : i + width], int(run[i + digits_at : i + width], base))
            for i in range(0, len(run), width)
        ]
    )


def _units(special: str) -> list[tuple[int, str]] | None:
    """The replacement of one special match, one ``(length, text)`` unit per character.

    Each decoded character is its own unit, so a value that starts inside an escape run
    (``%E7%94%B5%E8%AF%9D%2B86…``) maps back to where *it* starts, not to the run's start.
    """
    if _ANSI_RE.fullmatch(special):
        return [(len(special), " ")]
    if special.startswith("eyJ"):
        decoded = base64_json(special)
        return None if decoded is None else [(len(special), decoded)]
    if special.startswith("::"):
        text = ldif_text(special)
        return None if text is None else [(len(special), ": " + text)]
    if special.startswith("[123"):
        array = byte_array_json(special)
        return None if array is None else [(len(special), array[0])]
    if special.startswith("=?"):
        word = encoded_word(special)
        return None if word is None else [(len(special), _fold(word[0]))]
    if special.startswith("&#"):
        units = _reference_units(special)
    elif special.startswith("%u"):
        units = _js_escape_units(special)
    elif special[0] == "%" and len(special) >= 3:
        units = _percent_units(special)
    elif special.startswith("\\x"):  # \xHH
        units = _byte_escape_units(special, 4, 2, 16)
    elif special[0] == "=":  # quoted-printable UTF-8: =HH
        units = _byte_escape_units(special, 3, 1, 16)
    elif special.startswith(("\\2", "\\3")):  # octal escapes of bytes 0x80-0xFF: \OOO
        units = _byte_escape_units(special, 4, 1, 8)
    elif special.startswith("\\"):
        units = _escape_units(special)
    elif _fold(special) == special:
        return None  # a run already in normal form (most Chinese punctuation-free text)
    else:
        units = [(1, ch) for ch in special]
    if units is None:
        return None
    return [(length, _fold(ch)) for length, ch in units]


def _spaces_between_digits_only(
    text: str, start: int, end: int, units: list[tuple[int, str]]
) -> list[tuple[int, str]]:
    """*units* of the escape run ``text[start:end]`` with each escaped space kept escaped
    unless digits stand on both sides of it.

    An encoded space groups a number (``138%201234%205678``), and there it decodes; inside
    a value it must not (``password=a%20b`` decoded would end at ``a``, and ``%20b`` of the
    password would go out as it was).
    """
    out = list(units)
    at = start
    for k, (length, unit) in enumerate(units):
        if unit == " " and length > 1 and not _ANSI_RE.match(text, at):  # not a colour code
            # The decoded neighbours: a space kept escaped before this one reads as its
            # escape's last hex digit, which is no digit of the text.
            before = units[k - 1][1][-1:] if k else text[start - 1 : start]
            after = units[k + 1][1][:1] if k + 1 < len(units) else text[end : end + 1]
            if not (before.isascii() and before.isdigit() and after.isascii() and after.isdigit()):
                out[k] = (length, text[at : at + length])
        at += length
    return out


def normalize(text: str) -> NormalizedText:
    """Normalise *text* for scanning; see the module docstring for what changes."""
    if _NEEDS_WORK.search(text) is None:
        return NormalizedText(text, text)
    pieces: list[str] = []
    edits: list[tuple[int, int, int, int]] = []
    orig_pos = 0
    norm_len = 0
    for m in _SPECIAL.finditer(text):
        if m.group() == "\u3002":  # NFKC leaves it alone: see IME_DOT
            units = [(1, ".")] if m.start() and _IME_DOT.match(text, m.start() - 1) else None
        else:
            units = _units(m.group())
        if units is None:
            continue
        if any(u == " " and n > 1 for n, u in units):
            units = _spaces_between_digits_only(text, m.start(), m.end(), units)
        plain = text[orig_pos : m.start()]
        pieces.append(plain)
        norm_len += len(plain)
        at = m.start()
        for length, replacement in units:
            if replacement != text[at : at + length]:
                edits.append((norm_len, at, len(replacement), length))
            pieces.append(replacement)
            norm_len += len(replacement)
            at += length
        orig_pos = m.end()
    if not edits:
        return NormalizedText(text, text)
    pieces.append(text[orig_pos:])
    return NormalizedText(text, "".join(pieces), tuple(edits))
