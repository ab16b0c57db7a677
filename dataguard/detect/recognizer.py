"""The recognizer contract: what one file under ``recognizers/`` declares.

A recognizer is a small class (detect-secrets' plugins; presidio's ``PatternRecognizer``
contract) that declares:

* ``entity``: the public entity name (``CN_MOBILE`` …);
* ``patterns``: ``Pattern(name, regex, score)`` triples, Python ``re`` syntax. Digit
  boundaries are lookarounds (:data:`DIGITS_BEFORE_NOT` / :data:`DIGITS_AFTER_NOT`), never
  ``\\b``, which fails between a CJK character and a digit (architecture.md §3);
* ``validate(value)``: the tri-state validator of presidio: ``True`` confirms (the score is
  raised to ``validated_score``), ``False`` rejects the candidate, ``None`` keeps the score;
* ``context``: words (Chinese, English, pinyin) whose presence near a candidate, or in the
  field name of a structured record, raises its score; ``negative_context`` lowers it;
  ``field_vetoes``: words that make a field name lower it whatever else it holds;
* documentation used by ``dataguard recognizers``: ``description``, ``validation``,
  ``standard``.

The class docstring lists examples as ``match: TEXT`` and ``no-match: TEXT`` lines under an
``Examples:`` heading. A ``match`` example is found as exactly one finding of the entity;
the span is the whole text, or the part between ``⟦`` and ``⟧`` when the text marks one.
A ``no-match`` example yields no finding of the entity. The test-suite runs every example,
so documentation and behaviour cannot drift (sqlfluff's rule docstrings).

Suppressors (``suppress_only = True``) report nothing themselves: any finding lying wholly
inside one of their matches is dropped. They carry the hard negatives that are easier to
recognise positively (UUIDs, hex digests, docker digests, already-masked values).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from dataguard.detect.regex_cache import compile_cached
from dataguard.errors import RecognizerError

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "ALNUM_AFTER_NOT",
    "ALNUM_BEFORE_NOT",
    "DIGITS_AFTER_NOT",
    "DIGITS_BEFORE_NOT",
    "Example",
    "Pattern",
    "Recognizer",
    "ideographs_except",
]

# Boundaries for digit-shaped values. After NFKC normalisation every digit is ASCII, so
# ASCII classes suffice. A value is not embedded in a longer digit run, nor in a run of
# letters and digits (hex hashes, base64, identifiers like ``a13812345678f``); the escape
# sequences ``\n``, ``\t``, ``\r`` of logged JSON do count as a boundary, and so does an
# escape the normaliser keeps (a quote or ``&`` as ``%22``, ``%26``, ``\u0027``): a
# percent-encoded JSON payload reads ``%22phone%22:%2213812341050%22`` when scanned.
DIGITS_BEFORE_NOT = r"(?<![0-9])"
DIGITS_AFTER_NOT = r"(?![0-9])"
ALNUM_BEFORE_NOT = (
    r"(?:(?<![0-9A-Za-z])|(?<=\\[ntr])|(?<=%[0-9A-Fa-f]{2})|(?<=\\u[0-9A-Fa-f]{4})"
    r"|(?<=\\x[0-9A-Fa-f]{2}))"
)
ALNUM_AFTER_NOT = r"(?![0-9A-Za-z])"


def ideographs_except(excluded: str) -> str:
    """The CJK Unified Ideographs block (U+4E00-U+9FFF) without the characters of
    *excluded*, as a character class of literal characters."""
    ranges: list[str] = []
    low = 0x4E00
    for code in sorted(set(map(ord, excluded))):
        if code > low:
            ranges.append(f"{chr(low)}-{chr(code - 1)}" if code - 1 > low else chr(low))
        low = code + 1
    ranges.append(f"{chr(low)}-\u9fff")
    return "[" + "".join(ranges) + "]"


_EXAMPLE_LINE = re.compile(r"^\s*(match|no-match):\s?(.*?)\s*$")
_SPAN_MARK = re.compile(r"⟦(.*?)⟧")


@dataclass(frozen=True, slots=True)
class Pattern:
    """A named regular expression with the score its bare match earns (presidio's contract)."""

    name: str
    regex: str
    score: float


@dataclass(frozen=True, slots=True)
class Example:
    """One documented example: the text, whether it must match, and the expected span."""

    text: str
    should_match: bool
    start: int
    end: int

    @classmethod
    def parse(cls, kind: str, raw: str) -> Example:
        """Parse the text after ``match:`` / ``no-match:``, honouring ``⟦…⟧`` span marks."""
        marked = _SPAN_MARK.search(raw)
        if marked is None:
            return cls(raw, kind == "match", 0, len(raw))
        text = raw[: marked.start()] + marked.group(1) + raw[marked.end() :]
        start = marked.start()
        return cls(text, kind == "match", start, start + len(marked.group(1)))


class Recognizer:
    """Base class of every recognizer. Subclasses declare class attributes; see module doc."""

    entity: ClassVar[str] = ""
    patterns: ClassVar[tuple[Pattern, ...]] = ()
    context: ClassVar[tuple[str, ...]] = ()
    negative_context: ClassVar[tuple[str, ...]] = ()
    #: Words that, in a field or column name, say it holds something else whatever
    #: context words it holds too (公积金账号 names an account, but not a bank's).
    field_vetoes: ClassVar[tuple[str, ...]] = ()
    #: Report only when a context word is present (names in free text).
    requires_context: ClassVar[bool] = False
    #: The score a candidate reaches when ``validate`` returns True.
    validated_score: ClassVar[float] = 0.9
    #: Overlap tie-breaker: among equally scored overlapping findings the more specific
    #: entity wins (an ID number is not also a bank card).
    specificity: ClassVar[int] = 50
    suppress_only: ClassVar[bool] = False
    #: Whether suppressor spans (UUIDs, hex digests: machine-made shapes that hide no
    #: phone number) remove this entity's findings. Not a credential's: a session id or
    #: an API token is often just such a hex string.
    suppressible: ClassVar[bool] = True
    #: A regex (Rust syntax, no lookarounds) that a whole cell holding just one value of
    #: this entity matches, for entities whose patterns need a label (names): batch
    #: redaction masks such cells in a column of this entity without running detection.
    #: None: the patterns' cores serve.
    value_shape: ClassVar[str | None] = None
    supported_language: ClassVar[str] = "zh"
    description: ClassVar[str] = ""
    validation: ClassVar[str] = ""
    standard: ClassVar[str] = ""

    @property
    def name(self) -> str:
        """The recognizer's name: its class name."""
        return type(self).__name__

    def validate(self, value: str) -> bool | None:
        """Tri-state check of a candidate's text: True confirms, False rejects, None keeps."""
        return None

    def reject_many(self, pattern: str, core: pl.Expr) -> pl.Expr | None:
        """Column-wise rejection for the batch path, or None (the default) to opt out.

        ``core`` is a polars expression over the text that pattern ``pattern``'s scan form
        core matched at each candidate start. Return a boolean expression that is True
        only where :meth:`validate` would certainly return False for the value the full
        pattern matches there. It may say False for values validate rejects (they are
        then validated in Python); it must never say True for one it would not reject,
        or the batch path would lose findings. Override only for patterns whose verified
        value is always the core's text (fixed length, or a maximal run bounded by
        lookaheads), and hold it to ``validate`` with a property test.
        """
        return None

    def check(self) -> None:
        """Fail early on a malformed declaration (constructors fail early, not on first use)."""
        cls = type(self)
        if not cls.suppress_only and not re.fullmatch(r"[A-Z][A-Z0-9_]*", cls.entity):
            raise RecognizerError(f"{self.name}: entity must be UPPER_SNAKE_CASE")
        if not cls.patterns:
            raise RecognizerError(f"{self.name}: declares no patterns")
        for pattern in cls.patterns:
            if not 0.0 < pattern.score <= 1.0:
                raise RecognizerError(f"{self.name}/{pattern.name}: score outside (0, 1]")
            try:
                compile_cached(pattern.regex)  # the anchored check's, compiled once
            except re.error as exc:
                raise RecognizerError(f"{self.name}/{pattern.name}: bad regex: {exc}") from None
        if not cls.suppress_only and not (cls.description and cls.validation and cls.standard):
            raise RecognizerError(f"{self.name}: description, validation and standard required")

    @classmethod
    def examples(cls) -> list[Example]:
        """The ``match:`` / ``no-match:`` examples documented in the class docstring."""
        found: list[Example] = []
        for line in (cls.__doc__ or "").splitlines():
            m = _EXAMPLE_LINE.match(line)
            if m:
                found.append(Example.parse(m.group(1), m.group(2)))
        return found
