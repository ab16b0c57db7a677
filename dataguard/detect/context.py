"""Context scoring: words near a candidate, or the field it sits in, move its score.

Presidio's context enhancer adds a fixed boost when a context word occurs near a match;
dataguard does the same with Chinese, English and pinyin words, and adds *negative*
context (``订单号`` next to a Luhn-valid 18-digit number makes it an order number, not a
card). When positive and negative words both occur before the candidate, the nearest
wins; words after it count only when none come before.
Matching is case-insensitive and runs on the normalised text, so ``%E6%89%8B%E6%9C%BA``
counts as ``手机``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["CONTEXT_AFTER", "CONTEXT_BEFORE", "NEGATIVE_BEFORE", "POSITIVE_BOOST", "ContextScorer"]

#: How many characters before and after a candidate are searched for context words.
CONTEXT_BEFORE = 32
CONTEXT_AFTER = 16
#: Negative words before a candidate are looked for this near only …
NEGATIVE_BEFORE = 16
# … and count only when they label the value itself
# (``订单号：``, ``orderNo=``, ``"orderNo":"``): not across another key. In ``订单已创建
# buyer=张伟(13812341050)`` the order is the line's subject and the phone is the buyer's;
# read as an order number it went out unmasked.
_ANOTHER_KEY = re.compile(
    r"""[\s,，;；|&(（{\[]["']?[A-Za-z_\u4e00-\u9fff][\w.\-\u4e00-\u9fff]{0,31}["']?[ \t]*[=:：]"""
)
# … nor when the word only begins a longer key about something else: in ``订单备注：放门口，
# 联系不上打186…`` the value is the order's remark, and the phone in it went out unmasked.
# The key's rest must then name an identifier (``订单号：``, ``订单编号=``, ``orderNo:``).
_KEY_GOES_ON = re.compile(r"""([A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]{0,15})["']?[ \t]*[=:：]""")
_IDENTIFIER_KEY = re.compile(r"(?i)(?:号码?|编号|单号|id|no|num(?:ber)?|sn|code)$")
# A negative word after the value labels it only within the value's own field: in
# ``sms_log|2026-11-27|13586091390|您的订单已发货`` the order is the next field's message,
# and the phone read as an order number went out unmasked.
_FIELD_SEPARATOR = re.compile(r"[|,，;；。!！?？\t]")
#: presidio's default context similarity factor and the floor it lifts a score to.
POSITIVE_BOOST = 0.35
POSITIVE_FLOOR = 0.4
NEGATIVE_PENALTY = 0.5
#: Field names whose signal a scorer remembers (then it starts again).
_FIELDS_REMEMBERED = 4096


def _words_regex(words: tuple[str, ...], flags: int = re.IGNORECASE) -> re.Pattern[str] | None:
    if not words:
        return None
    ordered = sorted({w.lower() for w in words}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered), flags)


def _caseless_or_ascii(words: tuple[str, ...]) -> bool:
    """Whether every character of *words* is ASCII or has no case (CJK, digits…).

    Then, on ASCII text, matching the lowercased words case-sensitively against the
    lowercased text finds exactly what ``re.IGNORECASE`` finds on the text: ASCII letters
    fold among themselves, and the special folds of ``re`` (``ſ`` and ``s``, the Kelvin
    sign and ``k``…) need a non-ASCII character on one side or the other.
    """
    return all(
        ch.isascii() or ch.lower() == ch.upper() == ch.casefold() == ch for w in words for ch in w
    )


@dataclass(frozen=True)
class ContextScorer:
    """Applies one recognizer's positive and negative context words to a candidate."""

    positive: re.Pattern[str] | None
    negative: re.Pattern[str] | None
    #: The same words, case-sensitive, for lowercased ASCII text (None: not applicable).
    #: Python's ``re`` scans a case-sensitive alternation about four times faster.
    folded: tuple[re.Pattern[str] | None, re.Pattern[str] | None] | None = None
    #: Words that make a field name negative whatever positive words it holds.
    field_vetoes: re.Pattern[str] | None = None
    #: Signals of field names seen so far: a column's or a key's every value asks again.
    _fields: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(
        cls,
        positive: tuple[str, ...],
        negative: tuple[str, ...],
        field_vetoes: tuple[str, ...] = (),
    ) -> ContextScorer:
        folded = None
        if _caseless_or_ascii(positive + negative):
            folded = (_words_regex(positive, 0), _words_regex(negative, 0))
        return cls(
            _words_regex(positive), _words_regex(negative), folded, _words_regex(field_vetoes)
        )

    def signal_in_field(self, name: str | None) -> int:
        """+1, -1 or 0 for a structured record's field name (column name, JSON key)."""
        if not name:
            return 0
        signal = self._fields.get(name)
        if signal is None:
            signal = 0
            if self.field_vetoes is not None and self.field_vetoes.search(name):
                signal = -1
            elif self.positive is not None and self.positive.search(name):
                signal = 1
            elif self.negative is not None and self.negative.search(name):
                signal = -1
            if len(self._fields) >= _FIELDS_REMEMBERED:
                self._fields.clear()  # JSON logs may hold endless distinct keys
            self._fields[name] = signal
        return signal

    def signal_near(self, text: str, start: int, end: int, lowered: str | None = None) -> int:
        """+1, -1 or 0 from the context words around ``text[start:end]``.

        The nearest word *before* the candidate decides; words after it count only when
        there is none before, since in ``key=value`` and JSON logs the word after a value
        is usually the next field's key. The window never crosses a line break.

        ``lowered``, when given, is ``text.lower()`` of an ASCII *text*; the words are
        then matched case-sensitively in it (same matches, see :func:`_caseless_or_ascii`).
        """
        positive, negative = self.positive, self.negative
        if lowered is not None and self.folded is not None:
            text = lowered
            positive, negative = self.folded
        # Before: the word ending last wins, positive on a tie. finditer's matches end in
        # increasing order, so each regex's last match is its nearest.
        # The line break is looked for in the window only: from the text's start, a
        # line of megabytes (one JSON document) made every candidate cost its offset.
        lo = max(0, start - CONTEXT_BEFORE)
        lo = max(lo, text.rfind("\n", lo, start) + 1)
        positive_end = negative_end = -1
        if positive is not None:
            for m in positive.finditer(text, lo, start):
                positive_end = m.end()
        if negative is not None:
            for m in negative.finditer(text, max(lo, start - NEGATIVE_BEFORE), start):
                negative_end = m.end()
            if negative_end >= 0 and (
                _ANOTHER_KEY.search(text, negative_end, start)
                or _begins_another_key(text, negative_end, start)
            ):
                negative_end = -1  # it labels another key's value, not this one
        if positive_end >= 0 or negative_end >= 0:
            return 1 if positive_end >= negative_end else -1
        # After (only without a word before): the word starting first wins, positive on a tie.
        hi = min(len(text), end + CONTEXT_AFTER)
        newline = text.find("\n", end, hi)
        if newline >= 0:
            hi = newline
        after = None if positive is None else positive.search(text, end, hi)
        against = None if negative is None else negative.search(text, end, hi)
        if (
            against is not None
            and (after is None or against.start() < after.start())
            and _FIELD_SEPARATOR.search(text, end, against.start()) is None
        ):
            return -1
        return 0 if after is None else 1


def _begins_another_key(text: str, word_end: int, start: int) -> bool:
    """Whether the negative word ending at *word_end* begins a key that goes on, before
    *start*, into something other than an identifier (``订单备注：`` but not ``订单号：``)."""
    key = _KEY_GOES_ON.match(text, word_end, start)
    return key is not None and _IDENTIFIER_KEY.search(key[1]) is None


def apply_signal(score: float, signal: int) -> float:
    """The score after a context signal (+1 boost with floor, -1 penalty, 0 unchanged)."""
    if signal > 0:
        return min(1.0, max(score + POSITIVE_BOOST, POSITIVE_FLOOR))
    if signal < 0:
        return max(0.0, score - NEGATIVE_PENALTY)
    return score
