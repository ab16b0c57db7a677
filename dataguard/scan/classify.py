"""Classifying a column from a sample of its values: which entity, how sure, and why.

For each column the classifier looks at two kinds of evidence:

* **the values**: every sampled value goes through the detector with the column name as
  context; a value is *whole* when one finding covers it entirely (``13812341050`` in a
  ``mobile`` column) and *partial* when findings sit inside longer text (a remark);
* **the name** (and, for database columns, the comment): a column named like a sensitive
  key (``phone``, ``receiver_mobile``, ``身份证号``: :mod:`dataguard.scan.naming`) implies
  its entity even when the values are dirty.

The verdict is one of three kinds: ``value`` (the whole value is personal data of one
entity: masked as that entity, vectorised), ``text`` (personal data inside free text:
every value goes through the detection engine) or ``clean``. Evidence carries counts and
the column name, never a value.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dataguard.detect import Detector, Finding
from dataguard.scan.naming import entity_of_comment, entity_of_name

if TYPE_CHECKING:
    from dataguard.mask.apply import Masker

__all__ = ["ColumnClass", "classify_by_keys", "classify_column", "column_context", "name_column"]

#: Share of non-empty sampled values that must be wholly one entity for a ``value`` column.
WHOLE_RATIO = 0.5
#: Share of values with findings inside that makes a ``text`` column.
TEXT_RATIO = 0.001
#: A column is a name column when this share of its distinct values are names …
NAME_COLUMN_SHARE = 0.8
#: … and it has at least this many distinct values.
NAME_COLUMN_MIN_DISTINCT = 20
_CJK_SHORT = re.compile(r"^[\u4e00-\u9fff][\u4e00-\u9fff·]{1,9}$")
#: Sampled values of a clean column :func:`classify_by_keys` asks the masker about.
KEY_CHECKED_VALUES = 200


@dataclass(frozen=True)
class ColumnClass:
    """The classification of one column.

    Attributes:
        column: the column name.
        kind: ``value``, ``text`` or ``clean`` (see the module docstring).
        entity: the entity of a ``value`` column (None otherwise).
        confidence: in [0, 1]: the share of sampled values that confirm the verdict,
            raised when the name agrees.
        sampled: non-empty values looked at.
        whole: values wholly of the entity.
        partial: values with findings inside longer text.
        entities: findings per entity over the sample.
        evidence: human-readable reasons (names and counts only).
    """

    column: str
    kind: str
    entity: str | None
    confidence: float
    sampled: int
    whole: int = 0
    partial: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used in plans and reports."""
        return {
            "column": self.column,
            "kind": self.kind,
            "entity": self.entity,
            "confidence": round(self.confidence, 3),
            "sampled": self.sampled,
            "whole": self.whole,
            "partial": self.partial,
            "entities": dict(sorted(self.entities.items())),
            "evidence": list(self.evidence),
        }


def column_context(column: str, comment: str | None) -> str:
    """What the detector reads as the field of a column's values: its name and comment.

    ``referrer`` COMMENT '推荐人' holds names, and only the comment says so: with the name
    alone a scan read its values as strings of no one's.
    """
    return f"{column} {comment}" if comment else column


def classify_column(
    column: str,
    values: Sequence[str],
    detector: Detector,
    *,
    keys: dict[str, str] | None = None,
    found: Sequence[Sequence[Finding]] | None = None,
    comment: str | None = None,
) -> ColumnClass:
    """Classify *column* from its sampled non-empty *values* (strings).

    ``keys`` maps canonical key names to entities (default: the built-in sensitive keys).
    ``found`` gives the values' findings when the caller detected them already (one batch
    for all the columns of a table is much cheaper than one per column). ``comment`` is
    the column comment of a database column: evidence when the name says nothing.
    """
    by_name = entity_of_name(column, keys)
    by_comment = entity_of_comment(comment)
    named = by_name or by_comment
    if found is None:
        context = column_context(column, comment)
        found = detector.detect_lines(list(values), fields=[context] * len(values))
    whole: Counter[str] = Counter()
    entities: Counter[str] = Counter()
    partial = 0
    for value, findings in zip(values, found, strict=True):
        entities.update(f.entity for f in findings)
        stripped = value.strip()
        if len(findings) == 1 and value[findings[0].start : findings[0].end] == stripped:
            whole[findings[0].entity] += 1
        elif findings:
            partial += 1
    n = len(values)
    evidence: list[str] = []
    if by_name:
        evidence.append(f"column name {column!r} names {by_name}")
    if by_comment:
        evidence.append(f"column comment names {by_comment}")
    best, best_count = whole.most_common(1)[0] if whole else (None, 0)
    if best is not None:
        evidence.append(f"{best_count}/{n} sampled values are valid {best}")
    if partial:
        evidence.append(f"{partial}/{n} sampled values hold personal data inside text")
    share = best_count / n if n else 0.0
    if best is not None and share >= WHOLE_RATIO and partial <= best_count:
        confidence = min(1.0, share + (0.1 if named == best else 0.0))
        return ColumnClass(
            column,
            "value",
            best,
            confidence,
            n,
            best_count,
            partial,
            dict(entities),
            tuple(evidence),
        )
    if named and partial / max(n, 1) < WHOLE_RATIO:
        # The name says what the column is; dirty or sparse values do not unsay it.
        confidence = max(0.6, whole[named] / n if n else 0.6)
        return ColumnClass(
            column,
            "value",
            named,
            confidence,
            n,
            whole[named],
            partial,
            dict(entities),
            tuple(evidence),
        )
    if n and (partial + sum(whole.values())) / n >= TEXT_RATIO:
        confidence = (partial + sum(whole.values())) / n
        return ColumnClass(
            column,
            "text",
            None,
            confidence,
            n,
            sum(whole.values()),
            partial,
            dict(entities),
            tuple(evidence),
        )
    evidence.append(f"no personal data in {n} sampled values")
    return ColumnClass(column, "clean", None, 1.0, n, 0, 0, dict(entities), tuple(evidence))


def name_column(verdict: ColumnClass, values: Sequence[str], detector: Detector) -> ColumnClass:
    """*verdict*, or a ``value`` verdict of ``CN_NAME`` when the column is one of personal
    names with no name evidence.

    Names are found only with context (standards §1 CN_NAME): in free text a surname
    and two ideographs are too often a word. A *column* whose values are nearly all
    such names, and diverse, is the context: each distinct value is checked again as if
    under a 姓名 label, and the column is a name column when at least
    :data:`NAME_COLUMN_SHARE` of them are then wholly a name. Only a column
    :func:`classify_column` found clean, or found to hold names only, is looked at;
    ``scan`` and ``redact`` both ask, so that a column one calls personal the other masks.
    """
    if not (
        verdict.kind == "clean"
        or (verdict.kind == "text" and verdict.entities.keys() == {"CN_NAME"})
    ):
        return verdict
    distinct = list(dict.fromkeys(v.strip() for v in values))
    if len(distinct) < NAME_COLUMN_MIN_DISTINCT or len(distinct) < len(values) / 3:
        return verdict  # a handful of values repeated: categories, not people
    if sum(1 for v in distinct if _CJK_SHORT.match(v)) < NAME_COLUMN_SHARE * len(distinct):
        return verdict
    found = detector.detect_lines(distinct, fields=["姓名"] * len(distinct))
    whole = sum(
        1
        for v, f in zip(distinct, found, strict=True)
        if len(f) == 1 and f[0].entity == "CN_NAME" and f[0].end - f[0].start == len(v)
    )
    if whole < NAME_COLUMN_SHARE * len(distinct):
        return verdict
    return ColumnClass(
        verdict.column,
        "value",
        "CN_NAME",
        whole / len(distinct),
        len(values),
        whole,
        0,
        {"CN_NAME": whole},
        (f"{whole}/{len(distinct)} distinct values are personal names (surname, given name)",),
    )


def classify_by_keys(column: str, values: Sequence[str], masker: Masker) -> ColumnClass | None:
    """A ``text`` verdict for a column the detector finds nothing in but whose JSON values
    the masker masks by key alone, else None.

    Members that name each other's fields hold values no pattern finds: a list of
    key-value structs read as JSON (``[{"key": "password", "value": "…"}]``), a DingTalk
    form stored in a JSON column (``[{"name": "姓名", "value": "张三"}]``). The masker
    reads them (:func:`dataguard.mask.kv.key_spans`); classified by findings alone, the
    column was clean and copied. Only values holding a quote are asked about, at most
    :data:`KEY_CHECKED_VALUES`.
    """
    shaped = [v for v in values if '"' in v][:KEY_CHECKED_VALUES]
    if not shaped:
        return None
    per_line: list[Counter[str]] = []
    masked = masker.mask_lines(shaped, fields=[column] * len(shaped), per_line=per_line)
    changed = sum(a != b for a, b in zip(masked, shaped, strict=True))
    if not changed:
        return None
    entities: Counter[str] = Counter()
    for counts in per_line:
        entities.update({k[7:]: n for k, n in counts.items() if k.startswith("entity:")})
    return ColumnClass(
        column,
        "text",
        None,
        changed / len(shaped),
        len(values),
        partial=changed,
        entities=dict(entities),
        evidence=(
            f"{changed}/{len(shaped)} sampled values hold personal data under keys their "
            "JSON members name",
        ),
    )
