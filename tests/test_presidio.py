"""The presidio adapter returns what the native engine returns.

Overlap semantics differ, and the parity test says how it handles that: presidio's
``AnalyzerEngine`` de-duplicates only within one entity type (``remove_duplicates`` drops a
result contained in a same-type result with an equal or higher score), while dataguard keeps
one finding per stretch of text across entities. The adapter therefore returns, per line,
every native finding plus possibly cross-entity overlaps (an 18-digit run that is both an ID
number and a Luhn-valid card). The test compares

* after resolving overlaps the dataguard way (``resolve_like_dataguard``): must be equal;
* raw: every native finding must be among presidio's results, and whatever presidio adds must
  overlap a native finding of another entity (nothing new appears in clean text).
"""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

presidio_analyzer = pytest.importorskip("presidio_analyzer")

from dataguard import Detector  # noqa: E402
from dataguard.detect.registry import builtin_recognizers  # noqa: E402
from dataguard.presidio import (  # noqa: E402
    DataguardPresidioRecognizer,
    NullNlpEngine,
    add_to_registry,
    analyzer_engine,
    recognizers_for_presidio,
    resolve_like_dataguard,
)
from dataguard.testing import generators as gen  # noqa: E402

Span = tuple[str, int, int]

# -- a deterministic corpus from dataguard.testing.generators -------------------------------

_KEYS = {
    "CN_MOBILE": ("手机号", "phone=", '"mobile": "'),
    "CN_LANDLINE": ("联系电话", "tel=", "座机："),
    "CN_ID_CARD": ("身份证:", "id_no=", "证件号码 "),
    "BANK_CARD": ("卡号", "card_no=", "银行卡："),
    "EMAIL_ADDRESS": ("邮箱", "email=", "mail to "),
    "CN_ADDRESS": ("地址：", "addr=", "收货地址"),
    "CN_NAME": ("收件人", "name=", "姓名："),
}


def _line(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randrange(1, 4)):
        if rng.random() < 0.5:
            entity = rng.choice(sorted(gen.POSITIVES))
            prefix = rng.choice(_KEYS.get(entity, ("", "value=", "：")))
            parts.append(prefix + gen.POSITIVES[entity](rng))
        else:
            kind = rng.choice(sorted(gen.NEGATIVES))
            prefix = rng.choice(("订单号", f"{kind}=", "", "ref "))
            parts.append(prefix + gen.NEGATIVES[kind](rng))
    if rng.random() < 0.2:
        parts.append(gen.secret_snippet(rng).text)
    sep = rng.choice((" ", "，", " | ", "&"))
    return f"2024-05-{rng.randrange(1, 29):02d}T10:00:00Z INFO " + sep.join(parts)


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    rng = random.Random(20240517)
    return [_line(rng) for _ in range(300)]


@pytest.fixture(scope="module")
def engine() -> presidio_analyzer.AnalyzerEngine:
    return analyzer_engine()


def _spans(results: list[presidio_analyzer.RecognizerResult]) -> set[Span]:
    return {(r.entity_type, r.start, r.end) for r in results}


# -- parity ----------------------------------------------------------------------------------


def test_parity_with_native_detector(
    corpus: list[str], engine: presidio_analyzer.AnalyzerEngine, detector: Detector
) -> None:
    assert len(corpus) >= 200
    found = 0
    for line in corpus:
        native = {(f.entity, f.start, f.end) for f in detector.detect(line)}
        raw = engine.analyze(line, language="zh")
        assert _spans(resolve_like_dataguard(raw)) == native, line
        found += len(native)
    assert found >= 150  # the corpus really exercises the recognizers


def test_raw_results_only_add_cross_entity_overlaps(
    corpus: list[str], engine: presidio_analyzer.AnalyzerEngine, detector: Detector
) -> None:
    for line in corpus:
        native = {(f.entity, f.start, f.end) for f in detector.detect(line)}
        raw = _spans(engine.analyze(line, language="zh"))
        assert native <= raw, line
        for entity, start, end in raw - native:
            assert any(e != entity and s < end and start < t for e, s, t in native), (
                line,
                entity,
                start,
                end,
            )


def test_scores_match_native(engine: presidio_analyzer.AnalyzerEngine, detector: Detector) -> None:
    text = "手机号13812345678，备用 +86 139 1234 5678"
    native = {(f.entity, f.start, f.end): f.score for f in detector.detect(text)}
    presidio = {
        (r.entity_type, r.start, r.end): r.score for r in engine.analyze(text, language="zh")
    }
    assert presidio == native


def test_explanation_names_recognizer_not_value(engine: presidio_analyzer.AnalyzerEngine) -> None:
    value = "13812345678"
    results = engine.analyze(f"手机号{value}", language="zh", return_decision_process=True)
    assert [r.entity_type for r in results] == ["CN_MOBILE"]
    explanation = results[0].analysis_explanation
    assert explanation.recognizer == "dataguard.MobileRecognizer"
    assert value not in (explanation.textual_explanation or "")
    assert "MobileRecognizer" in explanation.textual_explanation


def test_entities_argument_filters(engine: presidio_analyzer.AnalyzerEngine) -> None:
    text = "手机号13812345678"
    assert engine.analyze(text, language="zh", entities=["CN_MOBILE"])
    only_mobile = analyzer_engine(["cn_mobile"])
    assert {r.entity_type for r in only_mobile.analyze(text, language="zh")} == {"CN_MOBILE"}
    assert {r.supported_entities[0] for r in recognizers_for_presidio(["CN_MOBILE"])} == {
        "CN_MOBILE"
    }


def test_unknown_entity_is_a_usage_error() -> None:
    from dataguard.errors import UsageError

    with pytest.raises(UsageError, match="NOT_AN_ENTITY"):
        recognizers_for_presidio(["NOT_AN_ENTITY"])


# -- registration into a presidio user's registry --------------------------------------------


def test_single_recognizer_in_existing_registry() -> None:
    from presidio_analyzer import AnalyzerEngine, PatternRecognizer, RecognizerRegistry

    # A presidio user's registry, already holding one of their own recognizers.
    own = PatternRecognizer(
        supported_entity="EMPLOYEE_ID", deny_list=["工号A1024"], supported_language="zh"
    )
    registry = RecognizerRegistry(recognizers=[own], supported_languages=["zh"])
    mobile = next(r for r in builtin_recognizers() if r.entity == "CN_MOBILE")
    registry.add_recognizer(DataguardPresidioRecognizer(mobile))
    engine = AnalyzerEngine(
        registry=registry, nlp_engine=NullNlpEngine(["zh"]), supported_languages=["zh"]
    )
    text = "工号A1024 手机号13812345678"
    assert _spans(engine.analyze(text, language="zh")) == {
        ("EMPLOYEE_ID", 0, 7),
        ("CN_MOBILE", 11, 22),
    }


def test_add_to_registry_adds_language_and_recognizers() -> None:
    from presidio_analyzer import RecognizerRegistry

    registry = RecognizerRegistry(supported_languages=["en"])
    add_to_registry(registry)
    assert "zh" in registry.supported_languages
    entities = registry.get_supported_entities(languages=["zh"])
    assert "CN_MOBILE" in entities
    assert len(registry.recognizers) == len(recognizers_for_presidio())


def test_suppressor_cannot_be_wrapped() -> None:
    from dataguard.detect.recognizer import Pattern, Recognizer
    from dataguard.errors import UsageError

    class _Suppressor(Recognizer):
        patterns = (Pattern("x", "x", 0.5),)
        suppress_only = True

    with pytest.raises(UsageError, match="suppressor"):
        DataguardPresidioRecognizer(_Suppressor())


def test_null_nlp_engine_rejects_unconfigured_language() -> None:
    nlp = NullNlpEngine(["zh"])
    nlp.load()
    assert nlp.is_loaded()
    assert nlp.process_text("x", "zh").tokens is not None
    with pytest.raises(ValueError, match="not configured"):
        nlp.process_text("x", "en")


def test_dataguard_import_does_not_load_presidio() -> None:
    code = "import sys, dataguard; dataguard.detect('x'); print('presidio_analyzer' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
