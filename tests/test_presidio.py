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
import uuid

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

Span = tuple[str, int, int]

# -- a small deterministic corpus (dataguard.testing.generators did not exist yet) ----------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "150", "186", "177", "199"]) + f"{rng.randrange(10**8):08d}"


def _id_card(rng: random.Random) -> str:
    # ref. GB 11643-1999: region, birth date, sequence, ISO 7064 MOD 11-2 check character.
    body = (
        rng.choice(["110101", "310104", "330106", "440305"])
        + f"{rng.randrange(1960, 2005)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
        + f"{rng.randrange(1000):03d}"
    )
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def _luhn(prefix: str, length: int, rng: random.Random) -> str:
    # ref. ISO/IEC 7812-1 Annex B (Luhn).
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def _line(rng: random.Random) -> str:
    name = rng.choice(["zhang.wei", "li_na", "wangfang88", "chen+log"])
    values = [
        f"手机号{_mobile(rng)}",
        f"phone=+86 {_mobile(rng)[:3]} {_mobile(rng)[3:7]} 5678",
        f"身份证:{_id_card(rng)}",
        f"card_no={_luhn('622202', 19, rng)}",
        f"email={name}@example.com.cn",
        f"联系电话0571-8888{rng.randrange(1000, 9999)}",
        f"client_ip=10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
        f"订单号{_luhn('62', 18, rng)}",
        f"trace_id={uuid.UUID(int=rng.getrandbits(128)).hex}",
        f"request_id={uuid.UUID(int=rng.getrandbits(128))}",
        f"ts={rng.randrange(1_600_000_000_000, 1_800_000_000_000)}",
        f"amount={rng.randrange(100000)}.{rng.randrange(100):02d}",
        f"masked=138****{rng.randrange(10000):04d}",
        "中文客服：您好，请问有什么可以帮您？",
    ]
    picked = rng.sample(values, rng.randrange(1, 4))
    return f"2024-05-{rng.randrange(1, 29):02d}T10:00:00Z INFO " + " ".join(picked)


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
    assert found >= 50  # the corpus really exercises the recognizers


def test_raw_results_only_add_cross_entity_overlaps(
    corpus: list[str], engine: presidio_analyzer.AnalyzerEngine, detector: Detector
) -> None:
    for line in corpus:
        native = {(f.entity, f.start, f.end) for f in detector.detect(line)}
        raw = _spans(engine.analyze(line, language="zh"))
        assert native <= raw, line
        for entity, start, end in raw - native:
            assert any(
                e != entity and s < end and start < t for e, s, t in native
            ), (line, entity, start, end)


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
