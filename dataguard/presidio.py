"""Presidio adapter: dataguard's recognizers inside a presidio ``AnalyzerEngine``.

Install the extra (``pip install 'dataguard[presidio]'``) and build an engine::

    from dataguard.presidio import analyzer_engine

    engine = analyzer_engine()                      # or analyzer_engine(["CN_MOBILE"])
    results = engine.analyze("手机号13812345678", language="zh")
    # [type: CN_MOBILE, start: 3, end: 14, score: 0.85]

A presidio user with an existing registry adds our recognizers to it, or only one::

    from dataguard.presidio import DataguardPresidioRecognizer, add_to_registry
    from dataguard.recognizers.mobile import MobileRecognizer

    add_to_registry(registry)                                   # all of them
    registry.add_recognizer(DataguardPresidioRecognizer(MobileRecognizer()))

The results are the native engine's: each :class:`DataguardPresidioRecognizer` delegates to a
:class:`dataguard.Detector` holding its one recognizer plus every suppressor (UUIDs, hex
digests, masked values), so spans and scores, normalisation, validation and dataguard's
Chinese, English and pinyin context words all apply unchanged. The recognizers declare no
presidio ``context`` words, so presidio's lemma enhancer does not boost a score a second time.

What differs from the native :class:`~dataguard.Detector`: presidio resolves overlaps only
*within one entity type* (``EntityRecognizer.remove_duplicates`` drops a result contained in
a same-type result of equal or higher score). Overlaps between entities, e.g. an 18-digit
run that is both a valid ID number and a Luhn-valid card, are all returned, whereas dataguard
keeps one finding per stretch of text. Pass the results through :func:`resolve_like_dataguard`
to get the native answer.

Only our recognizers are loaded: presidio's own predefined recognizers are not, because
their ``\\b``-delimited patterns fail between a CJK character and a digit
(``手机号13812345678``) and they are written for English text. :func:`analyzer_engine` uses
:class:`NullNlpEngine`, which needs no spaCy model and never downloads anything; nothing
in this module touches the network.

Importing ``presidio_analyzer`` takes seconds (it imports spaCy): this module is imported
only by those who ask for it, never by ``dataguard`` itself or the fast path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from presidio_analyzer import (
    AnalysisExplanation,
    AnalyzerEngine,
    EntityRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

from dataguard.detect.engine import DEFAULT_MIN_SCORE, Detector
from dataguard.detect.finding import Finding
from dataguard.detect.overlap import resolve_overlaps
from dataguard.detect.recognizer import Recognizer
from dataguard.detect.registry import load_recognizers
from dataguard.errors import UsageError

__all__ = [
    "LANGUAGE",
    "DataguardPresidioRecognizer",
    "NullNlpEngine",
    "add_to_registry",
    "analyzer_engine",
    "recognizers_for_presidio",
    "resolve_like_dataguard",
]

#: The presidio language code our recognizers declare.
LANGUAGE = "zh"


class DataguardPresidioRecognizer(EntityRecognizer):
    """One native dataguard recognizer as a presidio ``EntityRecognizer``.

    Args:
        recognizer: the dataguard recognizer to wrap (not a suppressor).
        suppressors: suppressor recognizers applied with it (default: every built-in and
            plugin suppressor), so hard negatives are dropped exactly as natively.
        min_score: findings below this score are not returned (dataguard's default 0.5).

    Raises:
        UsageError: *recognizer* is a suppressor, which reports nothing on its own.
    """

    def __init__(
        self,
        recognizer: Recognizer,
        suppressors: Iterable[Recognizer] | None = None,
        *,
        min_score: float = DEFAULT_MIN_SCORE,
    ) -> None:
        if recognizer.suppress_only:
            raise UsageError(f"{recognizer.name} is a suppressor and reports no entity")
        if suppressors is None:
            suppressors = [r for r in load_recognizers() if r.suppress_only]
        self.dataguard_recognizer = recognizer
        self._presidio_name = f"dataguard.{recognizer.name}"
        self._detector = Detector(
            recognizers=[recognizer, *(s for s in suppressors if s.suppress_only)],
            min_score=min_score,
        )
        # No presidio context words: dataguard's context scoring already ran inside the
        # detector, and presidio's lemma enhancer would boost the score a second time.
        super().__init__(
            supported_entities=[recognizer.entity],
            name=self._presidio_name,
            supported_language=LANGUAGE,
            context=[],
        )

    def load(self) -> None:
        """Nothing to load: the detector is compiled in the constructor."""

    def analyze(
        self,
        text: str,
        entities: Sequence[str] | None = None,
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        """Results for *text*; empty when *entities* does not ask for this recognizer's."""
        entity = self.dataguard_recognizer.entity
        if entities and entity not in entities:
            return []
        return [self._result(f) for f in self._detector.detect(text)]

    def _result(self, finding: Finding) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self._presidio_name,
            original_score=finding.score,
            # Never the value: only what found it, and a masked preview's length.
            textual_explanation=(
                f"dataguard {finding.recognizer}: {finding.entity} "
                f"({len(finding)} characters) after validation and context"
            ),
        )
        return RecognizerResult(
            entity_type=finding.entity,
            start=finding.start,
            end=finding.end,
            score=finding.score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self._presidio_name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                # dataguard's own context scoring already ran: presidio must not add to it.
                RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
            },
        )


def recognizers_for_presidio(
    entities: Iterable[str] | None = None, *, min_score: float = DEFAULT_MIN_SCORE
) -> list[EntityRecognizer]:
    """Presidio recognizers for every dataguard recognizer of *entities* (default: all).

    Raises:
        UsageError: an entity is unknown.
    """
    pool = load_recognizers()
    suppressors = [r for r in pool if r.suppress_only]
    known = sorted({r.entity for r in pool if not r.suppress_only})
    wanted = set(known) if entities is None else {e.strip().upper() for e in entities}
    unknown = wanted - set(known)
    if unknown:
        raise UsageError(f"unknown entity {', '.join(sorted(unknown))}; known: {', '.join(known)}")
    return [
        DataguardPresidioRecognizer(r, suppressors, min_score=min_score)
        for r in pool
        if not r.suppress_only and r.entity in wanted
    ]


def add_to_registry(
    registry: RecognizerRegistry, entities: Iterable[str] | None = None
) -> RecognizerRegistry:
    """Add dataguard's recognizers to an existing presidio *registry* and return it.

    The registry must list ``"zh"`` among its ``supported_languages`` for an
    ``AnalyzerEngine`` built on it to accept ``language="zh"``; it is added if missing.
    """
    if LANGUAGE not in registry.supported_languages:
        registry.supported_languages = [*registry.supported_languages, LANGUAGE]
    for recognizer in recognizers_for_presidio(entities):
        registry.add_recognizer(recognizer)
    return registry


class NullNlpEngine(NlpEngine):
    """An NLP engine that does nothing: no spaCy model, no download, empty artifacts.

    dataguard's recognizers are regular expressions with validators and their own context
    scoring; they need no tokens, lemmas or named entities.
    """

    def __init__(self, languages: Sequence[str] = (LANGUAGE,)) -> None:
        self._languages = list(languages)
        self._empty: dict[str, NlpArtifacts] = {}

    def load(self) -> None:
        """Build one empty artifacts object per language (shared: nothing mutates it)."""
        from spacy.tokens import Doc  # presidio depends on spaCy; no model is needed
        from spacy.vocab import Vocab

        vocab = Vocab()
        self._empty = {
            language: NlpArtifacts(
                entities=[],
                tokens=Doc(vocab, words=[]),
                tokens_indices=[],
                lemmas=[],
                nlp_engine=self,
                language=language,
                scores=[],
            )
            for language in self._languages
        }

    def is_loaded(self) -> bool:
        """True once :meth:`load` has run."""
        return bool(self._empty)

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        """Empty artifacts for *language*."""
        try:
            return self._empty[language]
        except KeyError:
            raise ValueError(
                f"language {language!r} not configured; this engine supports {self._languages}"
            ) from None

    def process_batch(
        self,
        texts: Iterable[str],
        language: str,
        batch_size: int = 1,
        n_process: int = 1,
        **kwargs: Any,
    ) -> Iterator[tuple[str, NlpArtifacts]]:
        """``(text, empty artifacts)`` for each text."""
        for text in texts:
            yield str(text), self.process_text(str(text), language)

    def is_stopword(self, word: str, language: str) -> bool:
        """No stop-word list: always False."""
        return False

    def is_punct(self, word: str, language: str) -> bool:
        """No punctuation model: always False."""
        return False

    def get_supported_entities(self) -> list[str]:
        """No NER, so no entities."""
        return []

    def get_supported_languages(self) -> list[str]:
        """The languages this engine was configured for."""
        return list(self._languages)


def analyzer_engine(
    entities: Iterable[str] | None = None, *, min_score: float = DEFAULT_MIN_SCORE
) -> AnalyzerEngine:
    """An offline ``AnalyzerEngine`` for ``language="zh"`` holding only our recognizers.

    Args:
        entities: dataguard entities to load (default: all).
        min_score: passed to each recognizer (dataguard's default 0.5).
    """
    registry = RecognizerRegistry(
        recognizers=recognizers_for_presidio(entities, min_score=min_score),
        supported_languages=[LANGUAGE],
    )
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=NullNlpEngine([LANGUAGE]),
        supported_languages=[LANGUAGE],
    )


_SPECIFICITY_BY_ENTITY: dict[str, int] | None = None


def _specificity(entity: str) -> int:
    global _SPECIFICITY_BY_ENTITY
    if _SPECIFICITY_BY_ENTITY is None:
        table: dict[str, int] = {}
        for r in load_recognizers():
            if not r.suppress_only:
                table[r.entity] = max(table.get(r.entity, 0), r.specificity)
        _SPECIFICITY_BY_ENTITY = table
    return _SPECIFICITY_BY_ENTITY.get(entity, Recognizer.specificity)


def resolve_like_dataguard(results: Iterable[RecognizerResult]) -> list[RecognizerResult]:
    """*results* with overlaps between entities resolved as dataguard does, in text order.

    Highest score wins; on equal scores the longer span, then the more specific entity
    (see :mod:`dataguard.detect.overlap`).
    """
    by_key: dict[tuple[str, int, int], RecognizerResult] = {}
    candidates: list[tuple[Finding, int]] = []
    for result in results:
        key = (result.entity_type, result.start, result.end)
        by_key[key] = result
        finding = Finding(result.entity_type, result.start, result.end, result.score, "")
        candidates.append((finding, _specificity(result.entity_type)))
    return [by_key[(f.entity, f.start, f.end)] for f in resolve_overlaps(candidates)]
