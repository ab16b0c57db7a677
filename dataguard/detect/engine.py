"""The detection engine: every recognizer's patterns, validators and context in one place.

How a text is scanned (docs/engine.md has the full story):

1. :func:`~dataguard.detect.normalize.normalize` rewrites full-width forms, percent and
   ``\\uXXXX`` escapes, keeping a map back to the original offsets.
2. Each pattern's scan form (:mod:`~dataguard.detect.scan`) yields candidate starts; the
   full pattern, lookarounds included, is matched anchored at each.
3. Validators run only on those candidates; context words near them (or the field name
   of a structured record) move their score.
4. Overlaps are resolved (:mod:`~dataguard.detect.overlap`) and spans mapped back.
5. A name found once is found wherever else it stands in the text
   (:mod:`~dataguard.detect.repeats`).

:meth:`Detector.detect` runs step 2 with Python's ``re``; :meth:`Detector.detect_lines`
runs it for a whole batch in Rust through polars (:mod:`~dataguard.detect.batch`), after
one Hyperscan pass that rules lines out per pattern (:mod:`~dataguard.detect.multiscan`),
so Python never touches the bytes between candidates. Both give the same findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from dataguard.detect import regex_cache
from dataguard.detect.context import ContextScorer, apply_signal
from dataguard.detect.finding import Finding, preview_of
from dataguard.detect.normalize import normalize
from dataguard.detect.overlap import resolve_overlaps
from dataguard.detect.recognizer import Pattern, Recognizer
from dataguard.detect.registry import load_recognizers
from dataguard.detect.repeats import with_repeats
from dataguard.detect.scan import ScanForm, scan_form
from dataguard.errors import UsageError

if TYPE_CHECKING:
    from dataguard.detect.batch import BatchScanner
    from dataguard.detect.multiscan import MultiScanner

__all__ = ["DEFAULT_MIN_SCORE", "Detector", "detect"]

DEFAULT_MIN_SCORE = 0.5
#: Below this many lines the batch path's fixed cost (one polars pass per pattern) loses
#: to scanning the lines one by one.
_SMALL_BATCH = 16
_SMALL_TEXT = 16_384
#: The same once the single-text path has its Hyperscan prefilter (:meth:`Detector.detect`
#: about 51 µs a line of the mixed benchmark log; the batch path about 65 µs a line in
#: batches of 512, 47 µs of 1,024, 35 µs of 2,048, 29 µs of 8,000: the paths cross near
#: 900 lines).
_SMALL_BATCH_PREFILTERED = 512
_SMALL_TEXT_PREFILTERED = 96 * 1024
#: Single texts longer than this (code points) go to Rust's regex engine, which runs in
#: time linear in the text whatever the pattern; Python's ``re`` does not: a scan form
#: whose core starts with a run can read the rest of the run from every position in it.
#: The built-in forms consume a boundary where that would happen (scan.py), so this
#: bounds what another pattern could cost. Below it ``re`` is the faster (a dense 8 KB line
#: of findings: 55 ms, polars 81 ms).
LONG_TEXT = 16_384
#: Single texts scanned before :meth:`Detector.detect` loads the Hyperscan prefilter
#: (0.05 s from its disk cache, seconds the first time it is compiled): a one-off
#: ``dataguard mask`` never pays for it; a logging filter or a line-buffered pipe soon
#: does, and then runs only the scan forms it names (144 → 13 µs a service log line).
PREFILTER_AFTER = 32


@dataclass(frozen=True)
class _Alternative:
    """One recognizer pattern, ready to scan: its scan form and its context scorer."""

    recognizer: Recognizer
    pattern: Pattern
    scorer: ContextScorer
    form: ScanForm
    #: Whether the pattern has a ``(?P<value>…)`` group: the finding then covers only
    #: that group (``password=⟦hunter2⟧``), since Python lookbehinds must be fixed-width.
    has_value_group: bool
    #: ``form.verify.match``, bound once (the anchored check runs per candidate).
    match: Callable[[str, int], re.Match[str] | None]

    @classmethod
    def of(cls, recognizer: Recognizer, pattern: Pattern) -> _Alternative:
        form = scan_form(pattern)
        return cls(
            recognizer,
            pattern,
            ContextScorer.of(
                recognizer.context, recognizer.negative_context, recognizer.field_vetoes
            ),
            form,
            "value" in form.verify.groupindex,
            form.verify.match,
        )

    def verify(self, text: str, start: int) -> tuple[int, int] | None:
        """The candidate's span if the full pattern matches anchored at ``start``."""
        m = self.form.verify.match(text, start)
        if m is None:
            return None
        if self.has_value_group and m.start("value") >= 0:
            return m.start("value"), m.end("value")
        return start, m.end()


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
        extra = list(extra_recognizers)
        pool.extend(extra)
        #: Whether ``Detector(self.entities, min_score=self.min_score)`` builds this same
        #: detector in another process (worker processes do): not when recognizers were
        #: given here rather than installed.
        self.rebuildable = recognizers is None and not extra
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
        #: Entities whose findings suppressor spans do not remove (credentials).
        self._unsuppressed = frozenset(
            r.entity for r in self.recognizers if not r.suppress_only and not r.suppressible
        )
        self._alternatives: tuple[_Alternative, ...] = tuple(
            _Alternative.of(r, p) for r in ordered for p in r.patterns
        )
        regex_cache.flush()  # the next process reads what this one compiled
        self._batch: BatchScanner | None = None
        #: The Hyperscan prefilter of the single-text path (:meth:`_scan_forms_for`): None
        #: until loaded, False where Hyperscan is not available.
        self._multi: MultiScanner | Literal[False] | None = None
        self._single_texts = 0
        #: Alternatives whose every match holds a line break (built on first use).
        self._line_break_only: frozenset[int] | None = None

    def value_shape(self, entity: str | None) -> str | None:
        """A Rust regex matching a value that is exactly one candidate of *entity*, or None.

        Built from the scan-form cores of the entity's patterns (lookaround-free, so polars
        can run them): ``^(?:core1|core2…)$``. A recognizer's own ``value_shape`` wins.
        Shapes say nothing about validity: a shaped value may fail its checksum.
        """
        if entity is None:
            return None
        from dataguard.detect.batch import rust_accepts

        cores = []
        for alt in self._alternatives:
            if alt.recognizer.entity != entity or alt.recognizer.suppress_only:
                continue
            if alt.recognizer.value_shape is not None:
                return alt.recognizer.value_shape
            core = alt.form.core
            if core and rust_accepts(f"^(?:{core})$"):
                cores.append(core)
        if not cores:
            return None
        return "^(?:" + "|".join(f"(?:{c})" for c in cores) + ")$"

    # -- single texts -------------------------------------------------------------------

    def detect(self, text: str, *, field: str | None = None) -> list[Finding]:
        """Findings in *text*, in order, offsets in code points of *text*.

        ``field`` is the name of the field or column the text came from; it counts as
        context (``{"mobile": "13812345678"}``).
        """
        if not text or not self._alternatives:
            return []
        if len(text) > LONG_TEXT:
            return self._detect_batch([text], lambda _: field)[0]
        return self._detect_single(text, field)

    def _detect_single(self, text: str, field: str | None) -> list[Finding]:
        """:meth:`detect` with Python's ``re`` running the scan forms."""
        norm = normalize(text)
        scanned = norm.text
        candidates = (
            (alt, m.start(2))
            for alt in self._scan_forms_for(scanned)
            for m in alt.form.python.finditer(scanned)
        )
        return self._evaluate(scanned, candidates, norm.to_original, field)

    def _scan_forms_for(self, text: str) -> Sequence[_Alternative]:
        """The alternatives whose scan forms may match *text*.

        Left out: those whose every match holds a line break, when *text* holds none (the
        CSV column patterns: a header line, then a row), and, once :data:`PREFILTER_AFTER`
        texts have been scanned, those the Hyperscan prefilter covers but does not name
        for *text* (:mod:`~dataguard.detect.multiscan`). Neither can yield a candidate
        that passes the anchored check, so no finding changes; the order is kept.
        """
        self._single_texts += 1
        if self._multi is None and self._single_texts > PREFILTER_AFTER:
            self._multi = self._load_prefilter()
        if self._line_break_only is None:
            self._line_break_only = frozenset(
                k for k, alt in enumerate(self._alternatives) if alt.form.line_break_only
            )
        skip = self._line_break_only if "\n" not in text else frozenset()
        multi = self._multi
        if multi and multi.scans(text):
            keep: Iterable[int] = sorted((multi.patterns_in(text) | multi.uncovered) - skip)
        elif skip:
            keep = (k for k in range(len(self._alternatives)) if k not in skip)
        else:
            return self._alternatives
        return [self._alternatives[k] for k in keep]

    def load_prefilter(self) -> bool:
        """Load the single-text path's Hyperscan prefilter now; whether there is one.

        :meth:`detect` loads it by itself after :data:`PREFILTER_AFTER` texts (about
        0.05 s from its disk cache); a caller that wants steady per-line latency from the
        first line (``dataguard filter --line-buffered``, the ``logging`` filter) loads it
        up front instead. Idempotent.
        """
        if self._multi is None:
            self._multi = self._load_prefilter()
        return bool(self._multi)

    def _load_prefilter(self) -> MultiScanner | Literal[False]:
        """The detector's Hyperscan prefilter, shared with the batch path; False without."""
        from dataguard.detect import multiscan  # loads Hyperscan: only when used

        if self._batch is not None:
            return self._batch.multi or False
        if not multiscan.available():
            return False
        return multiscan.MultiScanner(self._alternatives)

    def _evaluate(
        self,
        text: str,
        candidates: Iterable[tuple[_Alternative, int]],
        to_original: Callable[[int, int], tuple[int, int]],
        field: str | None = None,
    ) -> list[Finding]:
        """Verify, validate and score candidate starts; resolve overlaps (shared by paths)."""
        found: list[tuple[Finding, int]] = []
        shadows: list[tuple[int, int]] = []
        names: dict[int, tuple[int, int]] = {}  # id(finding) -> span in text
        # Context words match the lowercased text of an ASCII line faster (context.py).
        lowered = text.lower() if text.isascii() else None
        min_score = self.min_score
        # Suppressor candidates (UUIDs, digests: a third of all in logs) matter only around
        # a finding, so they are checked after the others, and only if one was found.
        suppressors: list[tuple[_Alternative, int]] = []
        for alt, at in candidates:
            if alt.recognizer.suppress_only:
                suppressors.append((alt, at))
                continue
            m = alt.match(text, at)  # alt.verify, inlined: this loop runs per candidate
            if m is None:
                continue
            if alt.has_value_group and m.start("value") >= 0:
                start, end = m.span("value")
            else:
                start, end = at, m.end()
            recognizer = alt.recognizer
            value = text[start:end]
            verdict = recognizer.validate(value)
            if verdict is False:
                continue
            score = alt.pattern.score
            if verdict is True:
                score = max(score, recognizer.validated_score)
            signal = alt.scorer.signal_in_field(field) if field else 0
            if not signal:
                signal = alt.scorer.signal_near(text, start, end, lowered)
            if recognizer.requires_context and signal <= 0:
                continue
            if signal:
                score = apply_signal(score, signal)
            if score < min_score:
                continue
            o_start, o_end = to_original(start, end)
            finding = Finding(
                recognizer.entity, o_start, o_end, score, recognizer.name, preview_of(value)
            )
            found.append((finding, recognizer.specificity))
            if recognizer.entity == "CN_NAME":
                names[id(finding)] = (start, end)
        if not found:
            return []
        # A suppressor span holds a finding only if it starts at or before it; where offsets
        # are the original's, one starting after every finding cannot matter.
        last_start = max(f.start for f, _ in found) if to_original is _identity else None
        for alt, at in suppressors:
            if last_start is not None and at > last_start and not alt.has_value_group:
                continue
            span = alt.verify(text, at)
            if span is not None and alt.recognizer.validate(text[span[0] : span[1]]) is not False:
                shadows.append(to_original(*span))
        if len(found) == 1 and not shadows:  # nothing to resolve (most lines)
            kept = [found[0][0]]
        else:
            kept = resolve_overlaps(found, shadows, self._unsuppressed)
        # A name found once stands unmasked nowhere else in the text (repeats.py).
        return with_repeats(text, kept, names, to_original) if names else kept

    # -- structured records -----------------------------------------------------------

    def detect_record(self, record: Mapping[str, Any]) -> dict[str, list[Finding]]:
        """Findings per field of a (nested) record; keys are paths like ``user.phones[0]``.

        Strings and numbers are scanned (phone numbers are often stored as integers); the
        innermost key is context for the value under it. Records with many fields go
        through the batch path.
        """
        leaves = list(_leaves(record, ""))
        found = self.detect_lines([v for _, _, v in leaves], fields=[k for _, k, _ in leaves])
        return {path: f for (path, _, _), f in zip(leaves, found, strict=True) if f}

    # -- batches of lines -------------------------------------------------------------

    def detect_lines(
        self, lines: Sequence[str], *, fields: Sequence[str | None] | None = None
    ) -> list[list[Finding]]:
        """Findings for each line of a batch, equal to ``[detect(l) for l in lines]``.

        ``fields`` optionally names, per line, the field or column it came from (context,
        as in :meth:`detect`). Rust (through polars) scans the whole batch for candidate
        starts; Python only verifies and scores candidates (:mod:`dataguard.detect.batch`).
        """
        if fields is not None and len(fields) != len(lines):
            raise ValueError("fields must name one field per line")
        field_of = (lambda i: None) if fields is None else fields.__getitem__
        small_batch, small_text = (
            (_SMALL_BATCH_PREFILTERED, _SMALL_TEXT_PREFILTERED)
            if self._multi
            else (_SMALL_BATCH, _SMALL_TEXT)
        )
        if len(lines) < small_batch and sum(map(len, lines)) < small_text:
            # polars' per-call overhead outweighs the scan; a long line still goes to Rust,
            # since Python's re scans it ~50x slower.
            return [self.detect(line, field=field_of(i)) for i, line in enumerate(lines)]
        return self._detect_batch(lines, field_of)

    def _detect_batch(
        self, lines: Sequence[str], field_of: Callable[[int], str | None]
    ) -> list[list[Finding]]:
        """:meth:`detect_lines` with Rust (through polars) running the scan forms."""
        if self._batch is None:
            from dataguard.detect.batch import BatchScanner  # imports polars: only when used

            self._batch = BatchScanner(self._alternatives, multi=self._multi or None)
            if self._multi is None:  # the single-text path shares the batch path's
                self._multi = self._batch.multi or False
        results: list[list[Finding]] = [[] for _ in lines]
        for index, text, candidates, normalized in self._batch.scan(lines):
            if candidates is None:  # the line cannot go through polars
                results[index] = self._detect_single(text, field_of(index))
            else:
                to_original = _identity if normalized is None else normalized.to_original
                results[index] = self._evaluate(text, candidates, to_original, field_of(index))
        return results


def _identity(start: int, end: int) -> tuple[int, int]:
    return start, end


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
