"""From a table's sampled values to one :class:`~dataguard.scan.report.ColumnReport` per column.

Shared by every scan source (live databases, SQL dumps, files). For each table:

1. every sampled value becomes text (:func:`as_text`: integral DECIMAL and float phone
   numbers lose their ``.0``, JSON documents are serialised, binary data is skipped);
2. blanks and placeholders are counted apart (:mod:`.placeholders`);
3. the protection form of the rest is read (:mod:`.protection`); a column that is mostly
   masked, hashed or encrypted is judged by its name and comment, because its values
   cannot show what they were;
4. otherwise one detection batch for the whole table feeds
   :func:`~dataguard.scan.classify.classify_column` per column, with the column comment as
   evidence beside the name;
5. the grade, mandates and action follow (:mod:`.grading`), and up to three masked
   previews are made with the ``display`` profile.

Columns whose declared type cannot hold personal data (dates, booleans, small integers) are
reported clean without detection.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import functools
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from dataguard.detect import Detector, Finding
from dataguard.mask.apply import Masker
from dataguard.scan.classify import (
    KEY_CHECKED_VALUES,
    ColumnClass,
    classify_by_keys,
    classify_column,
    column_context,
    name_column,
)
from dataguard.scan.grading import Scheme, action_for, grade, mandates_for
from dataguard.scan.naming import entity_of_comment, entity_of_name
from dataguard.scan.pairs import key_entity, key_value_pairs
from dataguard.scan.placeholders import is_placeholder
from dataguard.scan.protection import PROTECTED, column_protection, masked_entities, value_form
from dataguard.scan.report import ColumnReport, Evidence
from dataguard.sources.catalog import ColumnInfo
from dataguard.sources.mojibake import read_behind_latin1
from dataguard.sources.sparse import zero_number

__all__ = [
    "MAX_VALUE_CHARS",
    "SUMMARY_COLUMN",
    "TITLE_COLUMN",
    "TableAssessor",
    "as_text",
    "read_in_part",
]

#: The columns ``scan files`` reports a spreadsheet's title lines above its header and a
#: bill's summary below its records under: a few lines of text, where one finding is the
#: account holder's (用户:张伟), not a stray among thousands of values.
TITLE_COLUMN = "<title>"
SUMMARY_COLUMN = "<summary>"
#: Longer values are cut for detection: a scan samples, it does not read whole documents.
#: It reads their head and tail (:func:`read_in_part`), where a post, a ticket or a mail
#: puts who wrote it and how to reach them.
MAX_VALUE_CHARS = 8192
#: Values whose protection form is read, per column.
PROTECTION_SAMPLE = 256
#: Previews per column.
PREVIEWS = 3

# ref. SQL type names (SQL:2016, PostgreSQL, MySQL) that hold no personal data by type.
_NO_PERSONAL_TYPES = re.compile(
    r"^(?:DATE|TIME|TIMESTAMP|DATETIME|INTERVAL|YEAR|BOOL|BOOLEAN|BIT|TINYINT|SMALLINT|"
    r"INT2|UUID|SERIAL|SMALLSERIAL|MONEY|REAL|FLOAT|DOUBLE|BLOB|LONGBLOB|MEDIUMBLOB|BYTEA|"
    r"BINARY|VARBINARY|ENUM|SET|GEOMETRY|POINT)\b",
    re.IGNORECASE,
)
_BINARY = ("BLOB", "LONGBLOB", "MEDIUMBLOB", "BYTEA", "BINARY", "VARBINARY")
_SMALL_INTEGERS = ("TINYINT", "SMALLINT", "INT2")
_PASSWORD_WORDS = re.compile(r"(?i)passw|passwd|pwd|密码")
# An empty JSON object or array: a JSON column's "nothing" (``ext json DEFAULT ('{}')``),
# like NULL. Counted as a value, it made the one document of two that held an address and
# an e-mail "a single finding in 2 sampled values", and the column clean.
_EMPTY_TEXT = re.compile(r"\s*(?:\{\s*\}|\[\s*\])?\s*")
#: Entities one finding of which in a free-text column is personal data already: each is
#: validated (GB 11643 check character and birth date, Luhn, an allocated mobile prefix),
#: and none is a word of prose, as a name or an address found by shape can be.
_PERSONAL_ALONE = frozenset({"CN_ID_CARD", "BANK_CARD", "CN_MOBILE"})


def as_text(value: Any) -> str | None:
    """*value* as the text a person would read, or None for NULL, dates and times.

    Integral numbers print without a fraction (a phone number stored as DECIMAL(11,0) or
    DOUBLE reads ``13812341050``, not ``13812341050.0``). Bytes are decoded as UTF-8; bytes
    that are not UTF-8 are decoded with ``surrogateescape``, so that the detector still
    reads any text among them (a serialised object) and
    :func:`~dataguard.scan.protection.value_form` can tell a raw digest or ciphertext from
    its bytes (a ``BINARY(32)`` hash column was judged by its name alone, as plaintext).
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, decimal.Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return str(int(value))
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e19 else repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "surrogateescape")
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return None
    return str(value)


def read_in_part(value: str) -> str:
    """*value*, or, longer than :data:`MAX_VALUE_CHARS`, its first and last halves of
    that many characters on two lines.

    Only the first 8,192 characters were read: a CMS post's or a ticket's contact line
    at its end (``如有问题请联系13812341050``) went unseen, and the column was reported
    clean, "no personal data in 300 sampled values"."""
    if len(value) <= MAX_VALUE_CHARS:
        return value
    half = MAX_VALUE_CHARS // 2
    return value[:half] + "\n" + value[-half:]


def _noting_partial(report: ColumnReport, cut: int) -> ColumnReport:
    """*report* with a reason saying that *cut* of its values were read in part."""
    if not cut:
        return report
    half = MAX_VALUE_CHARS // 2
    reason = (
        f"{cut} sampled values longer than {MAX_VALUE_CHARS:,} characters were read in "
        f"part: their first and last {half:,}"
    )
    evidence = dataclasses.replace(report.evidence, reasons=(*report.evidence.reasons, reason))
    return dataclasses.replace(report, evidence=evidence)


def _noting_garbled(report: ColumnReport, garbled: Mapping[str, int]) -> ColumnReport:
    """*report* with a reason saying how many of its values were UTF-8 or GBK stored as
    latin1 (what every client but the application that wrote them shows as 乱码)."""
    reasons = tuple(
        f"{count} sampled values are {encoding} stored in a latin1 column (mojibake to any "
        f"other client), read as {encoding}"
        for encoding, count in garbled.items()
        if count
    )
    if not reasons:
        return report
    evidence = dataclasses.replace(report.evidence, reasons=(*reasons, *report.evidence.reasons))
    return dataclasses.replace(report, evidence=evidence)


class TableAssessor:
    """Assesses the columns of tables from their samples.

    Args:
        detector: the detection engine.
        grading: the grading scheme.
        keys: extra sensitive column names (canonical key → entity), on top of the built-ins.
    """

    def __init__(
        self, detector: Detector, grading: Scheme, keys: Mapping[str, str] | None = None
    ) -> None:
        self.detector = detector
        self.grading = grading
        self.keys = None if keys is None else dict(keys)
        self._previewer = Masker("display", detector=detector)
        self._shapes: dict[str, re.Pattern[str] | None] = {}

    def assess(
        self, table: str, columns: Sequence[ColumnInfo], sample: Mapping[str, Sequence[Any]]
    ) -> list[ColumnReport]:
        """One report per column of *table*, from *sample* (column name → sampled values)."""
        real: dict[str, list[str]] = {}
        counts: dict[str, tuple[int, int, int]] = {}
        garbled: dict[str, dict[str, int]] = {}
        cut: dict[str, int] = {}
        for column in columns:
            raw = sample.get(column.name, ())
            # Zero in a number column is its "nothing" (BIGINT NOT NULL DEFAULT 0), like NULL.
            texts = [as_text(v) for v in raw if not zero_number(v)]
            texts, garbled[column.name] = read_behind_latin1(texts)
            whole = [v for v in texts if v is not None and not _EMPTY_TEXT.fullmatch(v)]
            cut[column.name] = sum(len(v) > MAX_VALUE_CHARS for v in whole)
            present = [read_in_part(v) for v in whole]
            kept = [v for v in present if not _placeholder(v)]
            real[column.name] = kept
            counts[column.name] = (len(raw), len(present), len(present) - len(kept))
        judged = {c.name: self._by_type(table, c) for c in columns}
        # One detection batch for the table (much cheaper than one per column), each
        # distinct value once per column: status codes, cities and flags repeat a lot.
        distinct = list(
            dict.fromkeys(
                (c.name, v) for c in columns if judged[c.name] is None for v in real[c.name]
            )
        )
        context = {c.name: column_context(c.name, c.comment) for c in columns}
        found = self.detector.detect_lines(
            [v for _, v in distinct], fields=[context[name] for name, _ in distinct]
        )
        by_pair = dict(zip(distinct, found, strict=True))
        # Key-value tables (attr_key, attr_value): a value column read row by row under
        # its key (dataguard.scan.pairs).
        keyed = key_value_pairs(real, self.keys)
        reports = []
        for column in columns:
            by_type = judged[column.name]
            if by_type is not None:
                reports.append(by_type)
                continue
            if column.name in keyed:
                key_column = keyed[column.name]
                rows = list(zip(sample[key_column], sample[column.name], strict=True))
                reports.append(
                    self._assess_by_key(table, column, key_column, rows, *counts[column.name])
                )
                continue
            values = real[column.name]
            per_value = [by_pair[column.name, v] for v in values]
            reports.append(
                self._assess_column(table, column, values, per_value, *counts[column.name])
            )
        return [
            _noting_partial(
                _noting_garbled(report, garbled.get(report.column, {})), cut.get(report.column, 0)
            )
            for report in reports
        ]

    # -- one column ---------------------------------------------------------------------

    def _assess_by_key(
        self,
        table: str,
        column: ColumnInfo,
        key_column: str,
        rows: list[tuple[Any, Any]],
        sampled: int,
        non_empty: int,
        placeholders: int,
    ) -> ColumnReport:
        """The value column of a key-value pair: each sampled value is what its row's key
        names (``real_name`` → CN_NAME, ``password`` → SECRET), or what the engine finds
        in it with its key as the field."""
        pairs = [(as_text(k) or "", as_text(v)) for k, v in rows]
        texts = [
            (k, read_in_part(v)) for k, v in pairs if v is not None and not _EMPTY_TEXT.fullmatch(v)
        ]
        real = [(k, v) for k, v in texts if not _placeholder(v)]
        named = {k: key_entity(k, self.keys) for k in dict.fromkeys(k for k, _ in real)}
        entities: Counter[str] = Counter(e for k, _ in real if (e := named[k]) is not None)
        examples = {k: e for k, e in named.items() if e}
        rest = [(k, v) for k, v in real if not named[k]]
        found = self.detector.detect_lines([v for _, v in rest], fields=[k for k, _ in rest])
        hits = sum(1 for f in found if f)
        for (key, _), findings in zip(rest, found, strict=True):
            for f in findings:
                entities[f.entity] += 1
                examples.setdefault(key, f.entity)
        values = [v for _, v in real]
        protection, forms = column_protection(values[:PROTECTION_SAMPLE])
        if not entities:
            return _clean(
                column, sampled, non_empty, forms, placeholders, table,
                reason=f"values named by {key_column}, none of them personal",
            )  # fmt: skip
        named_keys = ", ".join(f"{k} ({e})" for k, e in list(examples.items())[:6])
        verdict = ColumnClass(
            column.name,
            "text",
            None,
            1.0,
            len(values),
            partial=hits + sum(1 for k, _ in real if named[k]),
            entities=dict(entities),
            evidence=(f"each value is what its row's {key_column} names: {named_keys}",),
        )
        rest_found = iter(found)
        per_value = [[] if named[k] else list(next(rest_found)) for k, _ in real]
        return self._personal(
            table, column, verdict, None, None, protection, forms, sampled, non_empty,
            placeholders, values, per_value, [k for k, _ in real],
        )  # fmt: skip

    def _by_type(self, table: str, column: ColumnInfo) -> ColumnReport | None:
        """A clean report for a column whose type cannot hold personal data, else None."""
        declared = column.type.strip().upper()
        if not _NO_PERSONAL_TYPES.match(declared):
            return None
        if declared.startswith(_BINARY):
            return None  # may hold UTF-8 text: as_text decides per value
        if declared.startswith(_SMALL_INTEGERS) and (
            entity_of_name(column.name, self.keys) or entity_of_comment(column.comment)
        ):
            return None  # a code named like something: worth reading
        # Dates, times and booleans hold no entity whatever they are called
        # (``pwd_update_date``, 密码更新时间).
        return _clean(column, table=table)

    def _assess_column(
        self,
        table: str,
        column: ColumnInfo,
        values: list[str],
        found: list[list[Finding]],
        sampled: int,
        non_empty: int,
        placeholders: int,
    ) -> ColumnReport:
        real = values
        # The form of most values shows in a few hundred of them.
        protection, forms = column_protection(real[:PROTECTION_SAMPLE])
        by_name = entity_of_name(column.name, self.keys)
        by_comment = entity_of_comment(column.comment)
        named = by_name or by_comment
        if protection in PROTECTED or protection == "weak-hash":
            exposed = self._plaintext_part(column, real, found, protection)
            if exposed is not None:
                verdict, plain, plain_found = exposed
                return self._personal(
                    table, column, verdict, by_name, by_comment, "plaintext", forms, sampled,
                    non_empty, placeholders, plain, plain_found,
                )  # fmt: skip
            if named == "SECRET" and protection == "opaque-ciphertext":
                # Random tokens in a token column are the credentials themselves.
                protection = "plaintext"
            elif named is None:
                # Masked values still show what they were (length and kept ends).
                named = _masked_majority(real) if protection == "masked" else None
                if named is None:
                    return _clean(
                        column, sampled, non_empty, forms, placeholders, table,
                        reason=f"most values are {protection}, and nothing says of what",
                    )  # fmt: skip
                return self._protected(
                    table, column, named, None, None, protection, forms, sampled,
                    non_empty, placeholders,
                )  # fmt: skip
            else:
                return self._protected(
                    table, column, named, by_name, by_comment, protection, forms, sampled,
                    non_empty, placeholders,
                )  # fmt: skip
        verdict = self._classify(column, real, found)
        if verdict.kind == "clean":
            # JSON members naming each other's fields ([{"name": "姓名", "value": …}])
            # hold what the masker masks by key and no pattern finds.
            keyed = classify_by_keys(column.name, real, self._previewer)
            if keyed is None:
                return _clean(column, sampled, non_empty, forms, placeholders, table, verdict)
            verdict = keyed
        hits = verdict.whole + verdict.partial
        if (
            verdict.kind == "text"
            and hits < min(2, len(real))
            and not verdict.entities.keys() & _PERSONAL_ALONE
            and column.name not in (TITLE_COLUMN, SUMMARY_COLUMN)
        ):
            # One finding in a sample of many is as likely a false positive as a leak,
            # unless it is one that validates (a remark holding one customer's mobile).
            return _clean(
                column, sampled, non_empty, forms, placeholders, table,
                reason=f"a single finding in {len(real)} sampled values",
            )  # fmt: skip
        if (
            verdict.kind == "value"
            and verdict.entity != "SECRET"  # a password or an SMS code can look like anything
            and verdict.whole == 0
            and len(real) >= 5
            and not self._invalid(verdict.entity or "", real, found)
        ):
            # The name says it, but not one value is even shaped like one: a
            # ``service_phone`` of 400 numbers holds no one's phone.
            return _clean(
                column, sampled, non_empty, forms, placeholders, table,
                reason=f"named {verdict.entity}, but none of {len(real)} values is shaped like one",
            )  # fmt: skip
        return self._personal(
            table, column, verdict, by_name, by_comment, protection, forms, sampled, non_empty,
            placeholders, real, found,
        )  # fmt: skip

    def _personal(
        self,
        table: str,
        column: ColumnInfo,
        verdict: ColumnClass,
        by_name: str | None,
        by_comment: str | None,
        protection: str,
        forms: Counter[str],
        sampled: int,
        non_empty: int,
        placeholders: int,
        values: list[str],
        found: list[list[Finding]],
        fields: list[str] | None = None,
    ) -> ColumnReport:
        """The report of a column holding personal data; *fields*: each value's field
        (a key-value table's keys), else the column's name."""
        ranked = tuple(e for e, _ in Counter(verdict.entities).most_common())
        entity = verdict.entity or (ranked[0] if ranked else None)
        entities = ranked if verdict.kind == "text" else (entity,) if entity else ()
        if verdict.kind == "value" and entity:
            invalid = self._invalid(entity, values, found)
            entities = (entity,)
        else:
            invalid = 0
        reasons = list(verdict.evidence)
        if placeholders:
            reasons.append(f"{placeholders} placeholder values (12345678901, N/A, …) ignored")
        if invalid:
            reasons.append(f"{invalid} values shaped like {entity} fail its validation")
        confidence = verdict.confidence
        if verdict.kind == "text":
            # The share of rows with findings is not the doubt: a remark column where a
            # third of the rows hold phone numbers certainly holds personal data.
            hits = verdict.partial + verdict.whole
            confidence = min(1.0, 0.6 + 0.08 * hits)
        if by_name and by_comment and by_name == by_comment == entity:
            confidence = min(1.0, confidence + 0.1)
        # In a value column personal data is plaintext unless most values are protected.
        if verdict.kind == "text":
            protection = "plaintext"
        evidence = Evidence(
            name=by_name,
            comment=by_comment,
            sampled=sampled,
            non_empty=non_empty,
            valid=verdict.whole if verdict.kind == "value" else 0,
            invalid=invalid,
            partial=verdict.partial,
            placeholders=placeholders,
            forms=dict(forms),
            reasons=tuple(reasons),
        )
        previews = self._previews(
            verdict.kind, entity, values, fields or [column.name] * len(values), found
        )
        return self._report(
            table, column, verdict.kind, entities, confidence, protection, evidence, previews
        )

    def _classify(
        self, column: ColumnInfo, values: list[str], found: list[list[Finding]]
    ) -> ColumnClass:
        """*column*'s class from its *values* and their findings (names read as a whole)."""
        verdict = classify_column(
            column.name,
            values,
            self.detector,
            keys=self.keys,
            found=found,
            comment=column.comment,
        )
        return name_column(verdict, values, self.detector)

    def _plaintext_part(
        self, column: ColumnInfo, values: list[str], found: list[list[Finding]], protection: str
    ) -> tuple[ColumnClass, list[str], list[list[Finding]]] | None:
        """The class of a mostly protected column's plaintext values, when they hold
        personal data, with those values and their findings; else None.

        A column half-way through an encryption migration, or written to by a service
        that bypasses it (80% ciphertext, 20% plaintext phones), was reported by its
        majority form, ``opaque-ciphertext``, "0 in plaintext": the plaintext rows are the
        leak the scan is for. Two plaintext values with findings are needed (one is as
        likely a stray), and the plaintext values alone are classified.
        """
        plain = [i for i, value in enumerate(values) if value_form(value) == "plaintext"]
        if sum(1 for i in plain if found[i]) < 2:
            return None
        plain_values = [values[i] for i in plain]
        plain_found = [found[i] for i in plain]
        verdict = self._classify(column, plain_values, plain_found)
        if verdict.kind == "clean":
            return None
        note = (
            f"{len(plain)} of {len(values)} sampled values are plaintext, the others mostly "
            f"{protection}: the column is protected in part"
        )
        verdict = dataclasses.replace(verdict, evidence=(note, *verdict.evidence))
        return verdict, plain_values, plain_found

    def _protected(
        self,
        table: str,
        column: ColumnInfo,
        named: str,
        by_name: str | None,
        by_comment: str | None,
        protection: str,
        forms: Counter[str],
        sampled: int,
        non_empty: int,
        placeholders: int,
    ) -> ColumnReport:
        share = forms[protection] / max(1, sum(forms.values()))
        if by_name:
            said = f"column name {column.name!r} names {named}"
        elif by_comment:
            said = f"column comment names {named}"
        else:
            said = f"the masked values keep the length and ends of {named}"
        reasons = (
            said,
            f"{forms[protection]}/{sum(forms.values())} sampled values are {protection}",
        )
        evidence = Evidence(
            name=by_name,
            comment=by_comment,
            sampled=sampled,
            non_empty=non_empty,
            placeholders=placeholders,
            forms=dict(forms),
            reasons=reasons,
        )
        confidence = min(1.0, 0.5 + share / 2)
        return self._report(table, column, "value", (named,), confidence, protection, evidence, ())

    def _report(
        self,
        table: str,
        column: ColumnInfo,
        kind: str,
        entities: tuple[str, ...],
        confidence: float,
        protection: str,
        evidence: Evidence,
        previews: tuple[str, ...],
    ) -> ColumnReport:
        """The report of a personal column: grade, mandates and action follow (:mod:`.grading`)."""
        password = bool(_PASSWORD_WORDS.search(column.name + " " + (column.comment or "")))
        return ColumnReport(
            table=table,
            column=column.name,
            type=column.type,
            comment=column.comment,
            kind=kind,
            entity=entities[0] if entities else None,
            entities=entities,
            confidence=confidence,
            protection=protection,
            grade=grade(entities, self.grading),
            mandates=tuple(mandates_for(entities, protection)),
            action=action_for(entities, kind, protection, password),
            evidence=evidence,
            previews=previews,
        )

    def _invalid(self, entity: str, values: list[str], found: list[list[Finding]]) -> int:
        """Values shaped like *entity* with no finding: they failed validation."""
        if entity not in self._shapes:
            self._shapes[entity] = _python_regex(self.detector.value_shape(entity))
        pattern = self._shapes[entity]
        if pattern is None:
            return 0
        return sum(
            1 for v, f in zip(values, found, strict=True) if not f and pattern.match(v.strip())
        )

    def _previews(
        self,
        kind: str,
        entity: str | None,
        values: list[str],
        fields: list[str],
        found: list[list[Finding]],
    ) -> tuple[str, ...]:
        """Masked examples; for free text, only values with findings.

        A remark column's first values are often 你好 or [图片], which show a reader
        nothing; and a text value without a finding would be shown as it is, so whatever
        personal data the detector missed in it (a name in a sentence) would reach the
        report in plaintext.
        """
        candidates = list(zip(values, fields, strict=True))
        if kind == "text":
            found_in = [c for c, f in zip(candidates, found, strict=True) if f]
            if not found_in:  # a column masked by key alone (classify_by_keys)
                return tuple(islice(self._masked_by_key(candidates), PREVIEWS))
            candidates = found_in
        picked = list(dict.fromkeys(c for c in candidates if c[0].strip()))[:PREVIEWS]
        if kind == "value" and entity:
            masked = [self._previewer.mask_value(v.strip(), entity, field=n) for v, n in picked]
        else:
            masked = [_cut(self._previewer.mask(v, field=n)) for v, n in picked]
        # Undecodable bytes of a binary value (as_text) show as U+FFFD: a report is UTF-8.
        return tuple(_UNDECODABLE.sub("\ufffd", m) for m in masked)

    def _masked_by_key(self, candidates: list[tuple[str, str]]) -> Iterator[str]:
        """The distinct JSON values of *candidates* (value, field) the masker changes by
        key, masked as it masks them (:meth:`Masker.mask` reads no keys)."""
        for value, field in dict.fromkeys(candidates[:KEY_CHECKED_VALUES]):
            if '"' in value:
                (masked,) = self._previewer.mask_lines([value], fields=[field])
                if masked != value:
                    yield _UNDECODABLE.sub("\ufffd", _cut(masked))


def _masked_majority(values: list[str]) -> str | None:
    """The entity most masked tokens in *values* were, or None."""
    counts = Counter(e for v in values for e in masked_entities(v))
    return counts.most_common(1)[0][0] if counts else None


_placeholder = functools.lru_cache(maxsize=65536)(is_placeholder)


_UNDECODABLE = re.compile("[\ud800-\udfff]")
_RUST_CODEPOINT = re.compile(r"\\x\{([0-9a-fA-F]+)\}")


def _python_regex(shape: str | None) -> re.Pattern[str] | None:
    """A value shape (written for polars' Rust regex engine) compiled for Python's ``re``.

    The two dialects differ in code-point escapes: Rust's ``\\x{4e00}`` is ``\\U00004e00``.
    """
    if shape is None:
        return None
    try:
        return re.compile(_RUST_CODEPOINT.sub(lambda m: f"\\U{int(m[1], 16):08x}", shape))
    except re.error:
        return None


def _cut(text: str, limit: int = 80) -> str:
    """*text* cut to *limit* characters around its first mask (``*``), so a long JSON blob's
    preview shows where the personal data sits, not only its first fields."""
    if len(text) <= limit:
        return text
    first = text.find("*")
    if first < limit * 3 // 4:
        return text[: limit - 1] + "…"
    start = first - limit // 4
    if start + limit - 1 >= len(text):
        return "…" + text[len(text) - (limit - 1) :]
    return "…" + text[start : start + limit - 2] + "…"


def _clean(
    column: ColumnInfo,
    sampled: int = 0,
    non_empty: int = 0,
    forms: Counter[str] | None = None,
    placeholders: int = 0,
    table: str = "",
    verdict: ColumnClass | None = None,
    reason: str | None = None,
) -> ColumnReport:
    if reason is not None:
        reasons: tuple[str, ...] = (reason,)
    elif verdict is not None:
        reasons = verdict.evidence
    else:
        reasons = (f"type {column.type} holds no personal data",)
    return ColumnReport(
        table=table,
        column=column.name,
        type=column.type,
        comment=column.comment,
        kind="clean",
        entity=None,
        entities=(),
        confidence=verdict.confidence if verdict else 1.0,
        protection=None,
        grade=None,
        mandates=(),
        action="none",
        evidence=Evidence(
            sampled=sampled,
            non_empty=non_empty,
            placeholders=placeholders,
            forms=dict(forms or {}),
            reasons=tuple(reasons),
        ),
    )
