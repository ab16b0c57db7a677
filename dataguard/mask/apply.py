"""The masker: apply a policy to the findings in a text, a batch of lines or a record.

Masking replaces exactly the spans of findings (and of values under sensitive keys) and
nothing else: every character outside them is copied as it was. Each replacement is
encoded the way its original was written, so the container stays valid:

* a value written with percent escapes (``tt%40163.com`` in a query string) gets its
  replacement percent-encoded (``tt**%401**.com``), in the value's own encoding (UTF-8,
  or GBK as legacy Chinese sites write query strings);
* a value written with ``\\uXXXX`` escapes (JSON logs) gets non-ASCII characters of its
  replacement escaped the same way;
* a value written with nginx's ``\\xHH`` byte escapes (a request body in an access log)
  gets the bytes of its replacement's non-ASCII characters escaped the same way, in the
  value's own encoding (UTF-8, or GBK);
* a value written with C-style octal escapes (protobuf's text format, ``git`` paths)
  gets the bytes of its replacement's non-ASCII characters escaped in octal;
* a value written with HTML/XML numeric character references (``&#24352;``, ``&#x5F20;``)
  gets every character of its replacement outside printable ASCII, and ``& < > " '``,
  written as references in the same base; one written with JavaScript's ``escape()``
  (``%u5F20``) gets its replacement escaped the way ``escape()`` writes it, and one in
  quoted-printable (``=E5=BC=A0``, vCard 2.1) gets its replacement's bytes outside ASCII
  written so; a MIME encoded-word of a mail header (``=?UTF-8?B?5byg5LiJ?=``) becomes one
  again, in its charset and form;
* a value that is base64 of a JSON object (``eyJ…``) gets the JSON inside masked and
  encoded again;
* a value inside a JSON string gets a JSON-escaped replacement; a bare JSON number under
  a sensitive key becomes a JSON string (``13812341050`` → ``"******1050"``), since a mask
  is not a number;
* a value inside XML or HTML text (``<mobile>…</mobile>``) gets ``<``, ``>``, ``&`` and
  quotes of its replacement written as entities (``&lt;CN_MOBILE&gt;``).

Operators see the normalised value (full-width digits folded, escapes decoded): see
:mod:`dataguard.mask.operator`.
"""

from __future__ import annotations

import base64
import html
import json
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, unquote_to_bytes

from dataguard.detect import Detector, Finding
from dataguard.detect.normalize import (
    CHARACTER_REFERENCE,
    CONTROL_SEQUENCE,
    JS_ESCAPE,
    QUOTED_PRINTABLE,
    UNDECODABLE_BYTE,
    base64_json,
    byte_array,
    byte_array_json,
    encoded_word,
    ldif_text,
    normalize,
)
from dataguard.mask.kv import KeySpan, digits_after, key_spans, member_role, words_after
from dataguard.mask.operator import MaskContext, Operator, OperatorEnv
from dataguard.mask.policy import CompiledPolicy, Policy, load_policy

__all__ = ["Masker", "Replacement"]

#: Entities whose values are words: an unquoted one goes on past its first space
#: (:func:`~dataguard.mask.kv.words_after`).
_WORDY_ENTITIES = frozenset({"CN_NAME", "CN_ADDRESS"})
#: …and of phone keys, whose values go on over digit groups
#: (:func:`~dataguard.mask.kv.digits_after`).
_PHONE_ENTITIES = frozenset({"CN_MOBILE", "CN_LANDLINE"})
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_TWICE_PERCENT = re.compile(r"%25[0-9A-Fa-f]{2}")
_UNICODE_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}")
_HEX_ESCAPE = re.compile(r"\\x([0-9A-Fa-f]{2})")
_OCTAL_ESCAPE = re.compile(r"\\([23][0-7]{2})")
_CHARACTER_REFERENCE = re.compile(CHARACTER_REFERENCE)
_JS_ESCAPE = re.compile(JS_ESCAPE)
_QUOTED_PRINTABLE = re.compile(QUOTED_PRINTABLE)
#: What JavaScript's escape() leaves as it is (ECMA-262 B.2.1.1).
_JS_UNESCAPED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@*_+-./")
# Already-masked values under sensitive keys are left alone, so masking is idempotent.
_ALREADY_MASKED = re.compile(r"\*\*|^<[A-Z_]+>$|^[A-Z][A-Z_]*_[0-9a-f]{8,64}$")
# Characters an unreserved percent-encoded replacement may keep (RFC 3986) plus the mask.
_URL_SAFE = "-._~*"
# A key as kv.py reads one: a word before "=" (key=value) or before ":" after a quote
# ("key": value). Wider than kv.py on purpose: this only selects lines to read properly.
# Character classes are spelled out: Unicode \w makes Rust's regex three times slower here.
# The word is unbounded where kv.py stops at 64 characters: a bounded repeat of a class
# this large is ten times slower in Rust's regex (0.60 s against 0.06 s per 10 MB of log),
# and a longer word is no key to kv.py: selecting its line costs one needless read at most.
# (``key: value`` and Chinese labels, ``收货地址：…``, too: :data:`dataguard.mask.kv._LABEL_COLON`;
# this reads every colon, and the exact reading decides.)
_KEY_BEFORE_VALUE = (
    # An XML attribute naming the value (<field name="xm">, <add key="password" value=…>),
    # first: at its start the name=/key= word would be read instead.
    r"(?:(?i:name|key)[ \t]*=[ \t]*[\"']"
    r"[A-Za-z_\x{4e00}-\x{9fff}][A-Za-z0-9_.\-\x{4e00}-\x{9fff}]*[\"']|"
    # …and a JSON member naming a field whose value a sibling holds ({"name": "密码",
    # "value": …}: kv.py's _NAME_KEYS).
    r"\"(?i:key|name|field(?:_?(?:name|key|code))?|label|attr(?:_?(?:name|key))?|attribute"
    r"|param(?:_?(?:name|key))?|prop(?:erty)?(?:_?name)?)\"[ \t]*:[ \t]*\""
    r"[A-Za-z_\x{4e00}-\x{9fff}][A-Za-z0-9_.\-\x{4e00}-\x{9fff}]*\"|"
    # …and a SQL literal or a MyBatis parameter before the value's (kv.py's
    # _SQL_KEY_LITERAL, _MYBATIS_KEY_PARAMETER).
    # (Not the next literal's quote: Rust's regex has no lookahead, and a match ending
    # there would hide that literal, the key of the one after it.)
    r"'[A-Za-z_][A-Za-z0-9_.\-]*'[ \t]*,|[A-Za-z_][A-Za-z0-9_.\-]*\(String\),|"
    # After a colour code (logrus: ESC[36mpassword ESC[0m=…), as kv.py reads keys.
    r"(?:" + CONTROL_SEQUENCE + r")?"
    r"(?:(?i:(?:ship|bill|deliver)[ _]to)|"  # two words, as kv's colon reading has them
    r"[A-Za-z_\x{4e00}-\x{9fff}][A-Za-z0-9_.\-\x{4e00}-\x{9fff}]*)"
    # = (after spaces too: TOML, INI, SQL), a quote and a colon (its quote escaped in a
    # JSON string: {"body":"{\"pwd\":…}"}),
    # or a colon.
    r"(?:" + CONTROL_SEQUENCE + r")?(?:[ \t]*=|\\?[\"'][ \t]*:|[ \t]*[:：])"
    # Or an XML element's closing tag (``</ns:AcctNo>``), its prefix dropped as kv.py does.
    r"|</(?:[A-Za-z_][A-Za-z0-9_.\-]*:)?"
    r"[A-Za-z_\x{4e00}-\x{9fff}][A-Za-z0-9_.\-\x{4e00}-\x{9fff}]*>)"
)
# An escaped ideograph before a colon or ``=`` (a label inside a JSON string).
_ESCAPED_LABEL = r"\\u[4-9][0-9a-fA-F]{3}(?:\\u[fF][fF]1[aA]|[:=])"
# An UPDATE setting a value where a key column is a literal (kv.py's _SQL_UPDATE_KEY).
_SQL_UPDATE_BY_KEY = r"(?i:\bset)[ \t][^\n]*'[ \t]+(?i:where)[ \t][^\n]*=[ \t]*'"
# A Redis hash command (kv.py's _REDIS_HASH_SET).
_REDIS_HASH_SET = r"(?i:\bh(?:m?set|setnx))\b"
# Lines whose keys _KEY_BEFORE_VALUE cannot see, read whenever they hold one of these.
_KEYED_OTHERWISE = "|".join(
    f"(?:{regex})" for regex in (_ESCAPED_LABEL, _SQL_UPDATE_BY_KEY, _REDIS_HASH_SET)
)
# A bare JSON number long enough to be personal data (after ``:``, ``[`` or ``,``).
_BARE_NUMBER = r"[:\[,][ \t]*-?[0-9]{5,}"
# Below this many lines polars' per-call cost outweighs reading keys in Python.
_SMALL_BATCH = 16


@dataclass(frozen=True, slots=True)
class Replacement:
    """One masked span: where it was (original offsets), what it was, how it was masked."""

    start: int
    end: int
    entity: str
    operator: str
    by_key: bool


class Masker:
    """Masks text, lines and records with a policy.

    Args:
        policy: a built-in profile name (``"display"``), a policy file path, or a
            :class:`~dataguard.mask.policy.Policy`.
        detector: the detector to use (default: all entities, default min score).
        env: key material for keyed operators (pseudonymize, surrogate).
        fmt: how lines are read for keys (:mod:`dataguard.mask.kv`): ``auto`` (default),
            ``plain``, ``json``, ``kv``/``logfmt``/``nginx``/``apache``.

    Attributes:
        stats: counts per ``entity:<name>``, ``operator:<name>`` and ``by_key``; never
            values.

    Raises:
        UsageError: unknown profile or operator, bad parameters, or a keyed operator with
            no key; raised here, before any text is masked.
    """

    def __init__(
        self,
        policy: str | Path | Policy = "display",
        *,
        detector: Detector | None = None,
        env: OperatorEnv | None = None,
        fmt: str = "auto",
    ) -> None:
        loaded = policy if isinstance(policy, Policy) else load_policy(policy)
        #: What the policy's operators were built with (keys, the encrypt keyring).
        self.env = env if env is not None else OperatorEnv()
        self.policy: CompiledPolicy = loaded.compile(self.env)
        self.detector = detector or Detector()
        self.fmt = "kv" if fmt in ("logfmt", "nginx", "apache") else fmt
        self.stats: Counter[str] = Counter()

    def fork(self) -> Masker:
        """A masker sharing this one's policy, detector and format, with its own counts."""
        twin = object.__new__(Masker)
        twin.policy = self.policy
        twin.env = self.env
        twin.detector = self.detector
        twin.fmt = self.fmt
        twin.stats = Counter()
        return twin

    # -- values -------------------------------------------------------------------------

    def mask_value(self, value: str, entity: str, *, field: str | None = None) -> str:
        """*value* masked as *entity* (no detection): ``dataguard mask --as``, by-key values.

        Base64 of a JSON object is a container: the JSON inside is masked and encoded again
        (:meth:`_masked_container`), except under a credential key, where the token may
        itself be the credential, and when nothing inside is masked: then it is masked whole.
        """
        inner = None if entity == "SECRET" else self._masked_container(value)
        if inner is not None and inner != value:  # else (nothing inside) masked whole
            return inner
        context = MaskContext(entity, field)
        operator = self.policy.operator_for(context)
        self.stats[f"entity:{entity}"] += 1
        self.stats[f"operator:{operator.name}"] += 1
        return _replacement(operator, value, context)

    # -- texts --------------------------------------------------------------------------

    def mask(self, text: str, *, field: str | None = None) -> str:
        """*text* with every finding masked (no key handling: a single value or sentence)."""
        return self._apply(text, self.detector.detect(text, field=field), [], field)

    def _masked_container(self, surface: str) -> str | None:
        """*surface* masked inside, if it is base64 of a JSON object (a gateway's
        ``X-User-Info`` header) or a printed byte array holding one (a RocketMQ message
        body, ``[123, 34, …]``), else None.

        The normaliser decodes such a token whole, so every finding in it spans the whole
        token; the JSON inside is masked as a log line is (its findings and sensitive keys,
        counted as such) and encoded again as it was (base64: its alphabet and padding; a
        byte array: signed or not, its separator), so it stays what it was for whatever
        reads it.
        """
        if surface.startswith("["):
            array = byte_array_json(surface)
            if array is None:
                return None
            (masked,) = self.mask_lines([array[0]])
            return byte_array(masked.encode("utf-8"), signed=array[1])
        decoded = base64_json(surface)
        if decoded is None:
            return None
        (masked,) = self.mask_lines([decoded])
        raw = masked.encode("utf-8")
        urlsafe = "-" in surface or "_" in surface
        encoded = (base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)).decode()
        return encoded if surface.endswith("=") else encoded.rstrip("=")

    def mask_lines(
        self,
        lines: Sequence[str],
        *,
        fields: Sequence[str | None] | None = None,
        per_line: list[Counter[str]] | None = None,
        found: Sequence[Sequence[Finding]] | None = None,
    ) -> list[str]:
        """Each line masked: findings by the batch detector, plus values of sensitive keys.

        Lines are read in :attr:`fmt`; ``fields`` (one per line) names the field each
        line came from, when it came from one. ``per_line``, when given, receives one
        :class:`~collections.Counter` per line with what masking it counted, *instead*
        of :attr:`stats` (a caller that masks each distinct value once can then count
        per row). ``found``: the lines' findings, when the caller detected them already
        (with the same *fields*).
        """
        if found is None:
            found = self.detector.detect_lines(lines, fields=fields)
        keyed, numbers = self._lines_with_keys(lines)
        out: list[str] = []
        for i, (line, findings) in enumerate(zip(lines, found, strict=True)):
            read = i in keyed or (findings and i in numbers)
            spans = key_spans(line, self.fmt) if read else []
            field = fields[i] if fields is not None else None
            if not findings and not spans:
                out.append(line)
                if per_line is not None:
                    per_line.append(Counter())
                continue
            if per_line is None:
                out.append(self._apply(line, findings, spans, field))
                continue
            total = self.stats
            counted: Counter[str] = Counter()
            self.stats = counted
            try:
                out.append(self._apply(line, findings, spans, field))
            finally:
                self.stats = total
            per_line.append(counted)
        return out

    def _lines_with_keys(self, lines: Sequence[str]) -> tuple[set[int] | range, set[int]]:
        """Indexes of the lines whose keys need reading: always, and if they have findings.

        Reading keys costs far more than finding them, so when the policy has no field
        rules (which need every key), only lines with a sensitive key are always read:
        polars pulls every ``key=`` / ``"key":`` out of the batch, folds it like
        :func:`~dataguard.mask.keys.canonical_key` and looks it up, in Rust. Lines with a
        bare JSON number (the second set) matter only when a finding sits in one, so they
        are read only when they have findings: timestamps and ids make them a third of a
        typical log's flagged lines, nearly all without a finding.
        """
        if self.fmt == "plain" or not lines:
            return set(), set()
        if self.policy.fields or len(lines) < _SMALL_BATCH:
            return range(len(lines)), set()
        import polars as pl  # the batch path already depends on it

        from dataguard.detect.batch import storable

        keys = list(self.policy.policy.keys)
        frame = pl.DataFrame({"t": pl.Series([storable(x) for x in lines], dtype=pl.String)})
        hits = (
            frame.with_row_index("i")
            .select("i", k=pl.col("t").str.extract_all(_KEY_BEFORE_VALUE))
            .explode("k")
            .drop_nulls("k")
            .with_columns(
                pl.col("k")
                .str.replace("(?:" + CONTROL_SEQUENCE + r")?\s*\\?[\"']?\s*[=:：>]$", "")
                .str.replace(r"^</(?:.*:)?|^" + CONTROL_SEQUENCE, "")
                .str.replace_all(
                    r"^(?i:name|key)[ \t]*=[ \t]*[\"']|^\"[^\"]*\"[ \t]*:[ \t]*\"|^'"
                    r"|'[ \t]*,$|\(String\),$|[\"']$",
                    "",
                )
                .str.replace(r"^.*\.", "")
                .str.replace_all(r"[\s_\-\[\]]", "")
                .str.to_lowercase()
            )
            .filter(pl.col("k").is_in(keys))
        )
        # A Chinese label escaped in a JSON string ({"message": "\u6536…\u5740\uff1a…"},
        # as json.dumps writes it) shows no key until decoded; an UPDATE's value comes
        # before the key its WHERE names; a Redis hash command names its fields with no
        # sign: those lines are read too (one scan of the batch for the three).
        # A finding in a bare JSON number must become a quoted string: those lines too.
        marks = frame.select(
            keyed=pl.col("t").str.contains(_KEYED_OTHERWISE),
            numbers=pl.col("t").str.contains(_BARE_NUMBER),
        )
        keyed = marks["keyed"].arg_true().to_list()
        numbers = marks["numbers"].arg_true().to_list()
        return set(hits["i"].to_list()) | set(keyed), set(numbers)

    def _apply(
        self, text: str, findings: Sequence[Finding], spans: Sequence[KeySpan], field: str | None
    ) -> str:
        edits = list(self._plan(text, findings, spans, field))
        if not edits:
            return text
        pieces: list[str] = []
        at = 0
        for start, end, replacement in edits:
            pieces.append(text[at:start])
            pieces.append(replacement)
            at = end
        pieces.append(text[at:])
        return "".join(pieces)

    def _plan(
        self, text: str, findings: Sequence[Finding], spans: Sequence[KeySpan], field: str | None
    ) -> Iterator[tuple[int, int, str]]:
        """Non-overlapping ``(start, end, replacement)`` in order.

        Key spans are sorted and disjoint (:func:`~dataguard.mask.kv.key_spans`), and so are
        findings, so each finding finds the key spans it touches by bisection: a line with
        thousands of both (a huge line's piece) costs O(n log n), not O(n²).
        """
        if not spans:  # most lines, and every table cell: findings alone
            alone = [-1] * len(findings)
            return iter(self._finding_edits(text, findings, spans, alone, set(), field))
        # A log line wrapped in a JSON string ({"log":"… address=…"}): its own keys are
        # read, unless the string's key is sensitive and masks it whole.
        keyed: list[tuple[KeySpan, str | None]] = []
        for s in spans:
            entity = self.policy.entity_of_key(s.key)
            if s.inner and entity is None:
                keyed.extend((t, self.policy.entity_of_key(t.key)) for t in s.inner)
            else:
                keyed.append((s, entity))
        entities = [entity for _, entity in keyed]
        spans = [
            words_after(text, s)
            if s.bare and entity in _WORDY_ENTITIES
            else digits_after(text, s)
            if s.bare and entity in _PHONE_ENTITIES
            else s
            for s, entity in keyed
        ]
        starts = [s.start for s in spans]
        # For each finding, the index of the key span holding it whole, or -1.
        holder: list[int] = []
        # Key spans that a finding reaches past (receiverPhone=+86 138 …, where the
        # key=value reading stops at the first space): the finding is the real extent.
        overridden: set[int] = set()
        for f in findings:
            first = max(bisect_right(starts, f.start) - 1, 0)
            last = bisect_left(starts, f.end) - 1
            inside = -1
            for k in range(first, last + 1):
                span = spans[k]
                if span.start < f.end and f.start < span.end:
                    if span.start <= f.start and f.end <= span.end:
                        inside = k
                    if (f.start, f.end) != (span.start, span.end) and not (
                        span.start <= f.start and f.end <= span.end
                    ):
                        overridden.add(k)
                    elif text[span.start : span.end].strip() == text[f.start : f.end]:
                        # The detector recognised the whole value ({"tel": "0571-…"} is a
                        # landline): its entity is more precise than the key's.
                        overridden.add(k)
            holder.append(inside)
        edits: list[tuple[int, int, str]] = []
        forced: set[int] = set()
        for k, (span, entity) in enumerate(zip(spans, entities, strict=True)):
            if entity is None or k in overridden:
                continue
            raw = text[span.start : span.end]
            if _already_masked(raw, entity):
                continue
            value = json.loads(f'"{raw}"') if span.kind == "string" else raw
            masked = self.mask_value(value, entity, field=span.field)
            self.stats["by_key"] += 1
            edits.append((span.start, span.end, _encode_like(raw, masked, span.kind)))
            forced.add(k)
        edits.extend(self._finding_edits(text, findings, spans, holder, forced, field))
        edits.sort()
        return iter(edits)

    def _finding_edits(
        self,
        text: str,
        findings: Sequence[Finding],
        spans: Sequence[KeySpan],
        holder: Sequence[int],
        forced: set[int],
        field: str | None,
    ) -> list[tuple[int, int, str]]:
        """The findings' edits, in order: each masked where it is, as its entity in the field
        of the key span holding it (``holder``: that span's index, or -1: then *field*).
        Findings in a span already masked whole for its key (``forced``) are left to it.

        The operator is looked up once per entity and field and the counts are added once
        per text: most texts are a log line or a table cell with one field for all.
        """
        chosen: dict[tuple[str, str | None], tuple[MaskContext, Operator]] = {}
        counted: list[str] = []
        edits: list[tuple[int, int, str]] = []
        for f, k in zip(findings, holder, strict=True):
            if k in forced:
                continue
            where = spans[k].field if k >= 0 else field
            pair = chosen.get((f.entity, where))
            if pair is None:
                context = MaskContext(f.entity, where)
                pair = chosen[f.entity, where] = (context, self.policy.operator_for(context))
            context, operator = pair
            surface = text[f.start : f.end]
            # The JSON inside, masked and encoded again; a credential (token=eyJ…) whole.
            inner = None if f.entity == "SECRET" else self._masked_container(surface)
            if inner is not None and inner != surface:
                edits.append((f.start, f.end, inner))
                continue
            ldif = ldif_text(surface) if surface.startswith("::") else None
            if ldif is not None:  # RFC 2849: the masked value in base64 again
                # Masked as a line (手机13812341050 keeps its words), else whole as the
                # finding's entity (a name found by its attribute: displayName:: …).
                (masked,) = self.mask_lines([ldif])
                if masked == ldif:
                    masked = _replacement(operator, ldif, context)
                edits.append((f.start, f.end, ":: " + base64.b64encode(masked.encode()).decode()))
                counted += (f"entity:{f.entity}", f"operator:{operator.name}")
                continue
            masked = _replacement(operator, surface, context)
            counted += (f"entity:{f.entity}", f"operator:{operator.name}")
            kind = spans[k].kind if k >= 0 else "raw"
            if kind == "number":
                # A mask is no number: the whole JSON number becomes a string around it.
                span = spans[k]
                whole = text[span.start : f.start] + masked + text[f.end : span.end]
                edits.append((span.start, span.end, json.dumps(whole, ensure_ascii=False)))
                continue
            edits.append((f.start, f.end, _encode_like(surface, masked, kind)))
        self.stats.update(counted)
        edits.sort()
        return edits

    # -- records ------------------------------------------------------------------------

    def mask_record(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of a (nested) record with its values masked; key order kept.

        Values under sensitive keys are masked whole; other strings and numbers are
        scanned, with their key as context. A masked number becomes a string.
        """
        leaves: list[tuple[tuple[Any, ...], str | None, Any]] = list(_leaves(record, ()))
        texts = [str(v) for _, _, v in leaves]
        keys = [k for _, k, _ in leaves]
        found = self.detector.detect_lines(texts, fields=keys)
        result: Any = _copy(record)
        for (path, key, value), text, findings in zip(leaves, texts, found, strict=True):
            entity = self.policy.entity_of_key(key) if key is not None else None
            dotted = ".".join(str(step) for step in path if isinstance(step, str))
            whole = len(findings) == 1 and text.strip() == text[findings[0].start : findings[0].end]
            if entity is not None and not whole and not _already_masked(text, entity):
                masked = self.mask_value(text, entity, field=dotted or key)
                self.stats["by_key"] += 1
            elif findings:
                masked = self._apply(text, findings, [], dotted or key)
            else:
                continue
            if masked != text or not isinstance(value, str):
                _assign(result, path, masked)
        return dict(result)


def _already_masked(value: str, entity: str) -> bool:
    """Whether a value under a sensitive key already went through masking.

    Never for secrets: a password may well contain ``**``, and their operator (a
    constant) is idempotent anyway.
    """
    return entity != "SECRET" and _ALREADY_MASKED.search(value) is not None


def _percent_encoding(surface: str) -> str:
    """The encoding of *surface*'s percent escapes: UTF-8, or GB 18030 where they are not
    UTF-8 (legacy Chinese sites percent-encode GBK: ``%D5%C5`` is 张)."""
    raw = unquote_to_bytes(unquote(surface) if _TWICE_PERCENT.search(surface) else surface)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _replacement(operator: Operator, value: str, context: MaskContext) -> str:
    """*operator*'s replacement for *value*, keeping none of its undecodable bytes.

    A line that is not UTF-8 (a GBK log read as UTF-8) holds its bytes as lone surrogates,
    written back as the same bytes. A mask keeping a value's first character kept the first
    byte of a GBK name under ``real_name=``: half a character, which leaks and leaves the
    line in no encoding at all; an operator with nothing to replace returned them all.
    """
    return UNDECODABLE_BYTE.sub("*", operator.apply(normalize(value).text, context))


def _encode_like(surface: str, masked: str, kind: str) -> str:
    """*masked* written the way *surface* was (see the module docstring)."""
    if kind == "raw" and not any(mark in surface for mark in ("%", "\\", "&#", "=")):
        return masked  # nothing to write differently (most findings)
    word = encoded_word(surface) if surface.startswith("=?") else None
    if word is not None:  # RFC 2047: the replacement in the word's charset and form
        return _as_encoded_word(masked, *word[1:])
    if _QUOTED_PRINTABLE.search(surface):  # RFC 2045 §6.7: bytes outside ASCII, and "="
        masked = _escape_bytes(masked, "utf-8", "={:02X}", special="=")
    if _CHARACTER_REFERENCE.search(surface):  # references escape what XML needs escaped
        return _as_references(masked, hexadecimal="&#x" in surface or "&#X" in surface)
    if _JS_ESCAPE.search(surface):  # JavaScript's escape(): %uXXXX, and %XX below 256
        return _js_escaped(masked)
    if _PERCENT.search(surface):
        # In the surface's own encoding: a GBK-encoded query string stays GBK.
        encoding = _percent_encoding(surface)
        masked = quote(masked, safe=_URL_SAFE, encoding=encoding)  # ASCII from here on
        if _TWICE_PERCENT.search(surface):  # a URL in a query string: escaped again
            masked = quote(masked, safe=_URL_SAFE)
    if _HEX_ESCAPE.search(surface):  # nginx's \xHH: every byte outside printable ASCII
        encoding = _percent_encoding(_HEX_ESCAPE.sub(r"%\1", surface))
        # Upper-case hex as nginx writes it, lower-case as Python's repr of bytes does.
        lower = any(m[1] != m[1].upper() for m in _HEX_ESCAPE.finditer(surface))
        hex_format = "\\x{:02x}" if lower else "\\x{:02X}"
        masked = _escape_bytes(masked, encoding, hex_format)
    if _OCTAL_ESCAPE.search(surface):  # protobuf text format: bytes >= 0x80 in octal
        encoding = _percent_encoding(_OCTAL_ESCAPE.sub(_octal_as_percent, surface))
        masked = _escape_bytes(masked, encoding, "\\{:03o}")
    escaped = _UNICODE_ESCAPE.search(surface) is not None
    if kind == "string":  # inside a JSON string: quotes, backslashes (and non-ASCII) escaped
        return json.dumps(masked, ensure_ascii=escaped)[1:-1]
    if kind == "number":  # a bare JSON number: the mask becomes a string
        return json.dumps(masked, ensure_ascii=escaped)
    if kind == "xml":  # XML or HTML text: a <CN_MOBILE> tag must not open an element
        return html.escape(masked)
    if escaped:
        masked = masked.encode("ascii", "backslashreplace").decode("ascii")
        masked = re.sub(r"\\U([0-9a-f]{8})", lambda m: _utf16_escape(int(m.group(1), 16)), masked)
        masked = re.sub(r"\\x([0-9a-f]{2})", r"\\u00\1", masked)
    return masked


def _as_encoded_word(masked: str, charset: str, form: str) -> str:
    """*masked* as an RFC 2047 encoded-word in *charset*, B (base64) or Q form."""
    raw = masked.encode(charset.split("*", 1)[0], "replace")
    if form == "B":
        text = base64.b64encode(raw).decode("ascii")
    else:  # Q: printable ASCII but "=", "?", "_" as itself, a space as "_", bytes as =XX
        text = "".join(
            "_" if b == 0x20 else chr(b) if 0x20 < b < 0x7F and b not in b"=?_" else f"={b:02X}"
            for b in raw
        )
    return f"=?{charset}?{form}?{text}?="


def _as_references(masked: str, *, hexadecimal: bool) -> str:
    """*masked* with each character outside printable ASCII, and ``& < > " '``, written
    as a numeric character reference (``&#x5F20;`` or ``&#24352;``)."""
    form = "&#x{:X};" if hexadecimal else "&#{};"
    return "".join(
        ch if " " <= ch <= "~" and ch not in "&<>\"'" else form.format(ord(ch)) for ch in masked
    )


def _js_escaped(masked: str) -> str:
    """*masked* as JavaScript's ``escape()`` writes it: ``%XX`` below U+0100, ``%uXXXX``
    above (a surrogate pair past U+FFFF), letters, digits and ``@*_+-./`` as they are."""
    out = []
    for ch in masked:
        code = ord(ch)
        if ch in _JS_UNESCAPED:
            out.append(ch)
        elif code < 0x100:
            out.append(f"%{code:02X}")
        elif code < 0x10000:
            out.append(f"%u{code:04X}")
        else:
            code -= 0x10000
            out.append(f"%u{0xD800 + (code >> 10):04X}%u{0xDC00 + (code & 0x3FF):04X}")
    return "".join(out)


def _octal_as_percent(match: re.Match[str]) -> str:
    return f"%{int(match[1], 8):02X}"


def _escape_bytes(masked: str, encoding: str, byte_format: str, special: str = '"\\') -> str:
    """*masked* with each character outside printable ASCII, and each of *special* (a quote
    and a backslash; quoted-printable's ``=``), written as its bytes in *encoding*, each
    byte through *byte_format* (``\\x{:02X}``, ``\\{:03o}``, ``={:02X}``)."""
    return "".join(
        ch
        if " " <= ch <= "~" and ch not in special
        else "".join(byte_format.format(b) for b in ch.encode(encoding, "replace"))
        for ch in masked
    )


def _utf16_escape(code: int) -> str:
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _leaves(
    node: Any, path: tuple[Any, ...], key: str | None = None
) -> Iterator[tuple[tuple[Any, ...], str | None, Any]]:
    """Each scalar of *node*: its path, the key it is read under, and itself. A member
    holding the value of a field another member names (``{"name": "密码", "value": …}``,
    as approval and form payloads write fields) is read under that name, as
    :func:`dataguard.mask.kv.key_spans` reads it in a line."""
    if isinstance(node, Mapping):
        named = next(
            (v for k, v in node.items() if isinstance(v, str) and member_role(str(k)) == "name"),
            None,
        )
        for k, v in node.items():
            own = str(k)
            under = named if named is not None and member_role(own) == "value" else own
            yield from _leaves(v, (*path, k), under)
    elif isinstance(node, list | tuple):
        for i, v in enumerate(node):
            yield from _leaves(v, (*path, i), key)
    elif isinstance(node, str | int | float) and not isinstance(node, bool):
        yield path, key, node


def _copy(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [_copy(v) for v in node]
    return node


def _assign(root: Any, path: tuple[Any, ...], value: Any) -> None:
    node = root
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
