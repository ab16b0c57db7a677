"""The detection engine: every recognizer compiled into one scanner.

How a text is scanned:

1. :func:`~dataguard.detect.normalize.normalize` rewrites full-width forms, percent and
   ``\\uXXXX`` escapes, keeping a map back to the original offsets.
2. One combined regular expression, ``(pattern0)|(pattern1)|…`` over all recognizers,
   finds the leftmost position where *any* pattern matches (one pass, not one per
   recognizer). At that position the remaining alternatives are tried too, so an 18-digit
   run that fails the ID checksum can still be a Luhn-valid card.
3. Validators run only on those candidates; context words near them (or the field name
   of a structured record) move their score.
4. Overlaps are resolved (:mod:`~dataguard.detect.overlap`) and spans mapped back.

For batches of lines, :meth:`Detector.detect_lines` first runs a vectorised prefilter in
polars (Rust regex, no Python per byte) that proves most lines hold no candidate at all;
only the rest reach step 2.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dataguard.detect.context import ContextScorer, apply_signal
from dataguard.detect.finding import Finding, preview_of
from dataguard.detect.normalize import normalize
from dataguard.detect.overlap import resolve_overlaps
from dataguard.detect.recognizer import Pattern, Recognizer
from dataguard.detect.regex_tools import uncapture
from dataguard.detect.registry import load_recognizers
from dataguard.errors import UsageError

__all__ = ["DEFAULT_MIN_SCORE", "Detector", "detect"]

DEFAULT_MIN_SCORE = 0.5


@dataclass(frozen=True)
class _Alternative:
    recognizer: Recognizer
    pattern: Pattern
    scorer: ContextScorer
    #: The pattern on its own when it has a ``(?P<value>…)`` group: the finding covers only
    #: that group (``password=⟦hunter2⟧``), since Python lookbehinds must be fixed-width.
    value_regex: re.Pattern[str] | None

    @classmethod
    def of(cls, recognizer: Recognizer, pattern: Pattern) -> _Alternative:
        compiled = re.compile(pattern.regex)
        return cls(
            recognizer,
            pattern,
            ContextScorer.of(recognizer.context, recognizer.negative_context),
            compiled if "value" in compiled.groupindex else None,
        )

    def value_span(self, text: str, start: int, end: int) -> tuple[int, int]:
        """The reported span of a candidate matched at ``[start, end)``."""
        if self.value_regex is None:
            return start, end
        m = self.value_regex.match(text, start)
        if m is None or m.start("value") < 0:
            return start, end
        return m.start("value"), m.end("value")


def _alternation(alternatives: Sequence[_Alternative]) -> re.Pattern[str]:
    return re.compile("|".join(f"({uncapture(a.pattern.regex)})" for a in alternatives))


class Detector:
    """A reusable, configured detector.

    Args:
        entities: only report these entities (default: all known).
        min_score: drop findings scoring below this (default 0.5).
        recognizers: replace the built-in and plugin recognizers entirely.
        extra_recognizers: add these to the default set.

    Raises:
        UsageError: an unknown entity was asked for, or ``min_score`` is outside [0, 1].
    """

    def __init__(
        self,
        entities: Iterable[str] | None = None,
        *,
        min_score: float = DEFAULT_MIN_SCORE,
        recognizers: Iterable[Recognizer] | None = None,
        extra_recognizers: Iterable[Recognizer] = (),
    ) -> None:
        if not 0.0 <= min_score <= 1.0:
            raise UsageError(f"min score must be between 0 and 1, not {min_score}")
        pool = list(load_recognizers() if recognizers is None else recognizers)
        pool.extend(extra_recognizers)
        for recognizer in pool:
            recognizer.check()
        known = sorted({r.entity for r in pool if not r.suppress_only})
        wanted = set(known) if entities is None else {e.strip().upper() for e in entities}
        unknown = wanted - set(known)
        if unknown:
            raise UsageError(
                f"unknown entity {', '.join(sorted(unknown))}; "
                f"run `dataguard recognizers` to list them ({', '.join(known)})"
            )
        self.min_score = min_score
        self.entities: tuple[str, ...] = tuple(sorted(wanted))
        self.recognizers: tuple[Recognizer, ...] = tuple(
            r for r in pool if r.suppress_only or r.entity in wanted
        )
        ordered = sorted(self.recognizers, key=lambda r: -r.specificity)
        self._alternatives: tuple[_Alternative, ...] = tuple(
            _Alternative.of(r, p)
            for r in ordered
            for p in r.patterns
        )
        # _rest[i] matches alternatives i.. only, to find every alternative at a position.
        self._rest: tuple[re.Pattern[str], ...] = tuple(
            _alternation(self._alternatives[i:]) for i in range(len(self._alternatives))
        )
        self._prefilter: Any = None

    # -- single texts -------------------------------------------------------------------

    def detect(self, text: str, *, field: str | None = None) -> list[Finding]:
        """Findings in *text*, in order, offsets in code points of *text*.

        ``field`` is the name of the field or column the text came from; it counts as
        context (``{"mobile": "13812345678"}``).
        """
        if not text or not self._alternatives:
            return []
        norm = normalize(text)
        scanned = norm.text
        candidates: list[tuple[Finding, int]] = []
        shadows: list[tuple[int, int]] = []
        for alt, match_start, match_end in self._candidates(scanned):
            recognizer = alt.recognizer
            start, end = alt.value_span(scanned, match_start, match_end)
            value = scanned[start:end]
            verdict = recognizer.validate(value)
            if verdict is False:
                continue
            if recognizer.suppress_only:
                shadows.append(norm.to_original(start, end))
                continue
            score = alt.pattern.score
            if verdict is True:
                score = max(score, recognizer.validated_score)
            signal = alt.scorer.signal_in_field(field) or alt.scorer.signal_near(
                scanned, start, end
            )
            if recognizer.requires_context and signal <= 0:
                continue
            score = apply_signal(score, signal)
            if score < self.min_score:
                continue
            o_start, o_end = norm.to_original(start, end)
            finding = Finding(
                recognizer.entity, o_start, o_end, score, recognizer.name, preview_of(value)
            )
            candidates.append((finding, recognizer.specificity))
        return resolve_overlaps(candidates, shadows)

    def _candidates(self, text: str) -> Iterator[tuple[_Alternative, int, int]]:
        """Every (alternative, start, end) the patterns match, leftmost position first."""
        rest = self._rest
        alternatives = self._alternatives
        search = rest[0].search
        n = len(alternatives)
        pos = 0
        while pos <= len(text):
            m = search(text, pos)
            if m is None:
                return
            at = m.start()
            index = (m.lastindex or 1) - 1
            yield alternatives[index], at, m.end()
            # Other patterns may match at the same position (ID vs card vs mobile).
            while index + 1 < n:
                m2 = rest[index + 1].match(text, at)
                if m2 is None:
                    break
                index = index + 1 + (m2.lastindex or 1) - 1
                yield alternatives[index], at, m2.end()
            # Step one character, not to the match end: a candidate may start inside a
            # rejected one (a mobile number inside a non-card group of digits). Boundary
            # lookbehinds make the positions inside a value fail fast.
            pos = at + 1

    # -- structured records -----------------------------------------------------------

    def detect_record(self, record: Mapping[str, Any]) -> dict[str, list[Finding]]:
        """Findings per field of a (nested) record; keys are paths like ``user.phones[0]``.

        Strings and numbers are scanned (phone numbers are often stored as integers); the
        innermost key is context for the value under it.
        """
        results: dict[str, list[Finding]] = {}
        for path, key, value in _leaves(record, ""):
            findings = self.detect(value, field=key)
            if findings:
                results[path] = findings
        return results

    # -- batches of lines -------------------------------------------------------------

    def detect_lines(self, lines: Sequence[str]) -> list[list[Finding]]:
        """Findings for each line of a batch; lines the prefilter clears are not scanned."""
        from dataguard.detect.prefilter import Prefilter

        if self._prefilter is None:
            self._prefilter = Prefilter(self.recognizers)
        flags = self._prefilter.flags(lines)
        return [self.detect(line) if flag else [] for line, flag in zip(lines, flags, strict=True)]


def _leaves(node: Any, path: str, key: str | None = None) -> Iterator[tuple[str, str | None, str]]:
    if isinstance(node, Mapping):
        for k, v in node.items():
            yield from _leaves(v, f"{path}.{k}" if path else str(k), str(k))
    elif isinstance(node, list | tuple):
        for i, v in enumerate(node):
            yield from _leaves(v, f"{path}[{i}]", key)
    elif isinstance(node, bool) or node is None:
        return
    elif isinstance(node, str | int | float):
        yield path, key, str(node)


_default: Detector | None = None


def detect(text: str, *, field: str | None = None) -> list[Finding]:
    """Findings in *text* with the default detector (all entities, min score 0.5)."""
    global _default
    if _default is None:
        _default = Detector()
    return _default.detect(text, field=field)
