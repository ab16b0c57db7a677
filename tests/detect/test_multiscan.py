"""The Hyperscan pass (dataguard.detect.multiscan) never hides a line that holds a candidate.

The batch path's answer rests on one claim: for every pattern Hyperscan covers, a line
where some candidate passes the anchored check is among the lines Hyperscan reports. These
tests hold the claim on generated log lines and on random text over the safe characters,
check that Hyperscan and Python's ``re`` read the class escapes alike on every safe
character, and run the batch path without Hyperscan (the pure fallback) against the
single-text path too.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any, ClassVar

import polars as pl
import pytest
from conftest import forget_regex_cache
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard import Detector
from dataguard.detect import engine, multiscan
from dataguard.detect.batch import BatchScanner
from dataguard.detect.engine import _SMALL_BATCH
from dataguard.detect.normalize import normalize
from dataguard.detect.recognizer import (
    ALNUM_AFTER_NOT,
    ALNUM_BEFORE_NOT,
    DIGITS_AFTER_NOT,
    DIGITS_BEFORE_NOT,
    Pattern,
    Recognizer,
)
from dataguard.detect.scan import scan_form
from tests.detect.test_batch_parity import log_lines

hs = pytest.importorskip("hyperscan")

# Every character of SAFE_LINE_CHARS, plus a few outside it.
SAFE = (
    ["\t"]
    + [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0x2018, 0x201E)]
    + [chr(c) for c in range(0x3000, 0x3040)]
    + [chr(c) for c in range(0x4E00, 0x9FA6)]
)


@pytest.fixture(scope="module")
def scanner(detector: Detector) -> BatchScanner:
    return BatchScanner(detector._alternatives, hyperscan=True)


def test_safe_class_matches_its_python_twin() -> None:
    assert all(multiscan.line_is_safe(ch) for ch in SAFE)
    for outside in ["\n", "\x1c", "\x7f", "é", "\u00b7", "\uff10", "\u9fa6", "\U00020000"]:
        assert not multiscan.line_is_safe("abc" + outside)
        assert (
            pl.Series(["abc" + outside]).str.contains("[^" + multiscan.SAFE_LINE_CHARS + "]").item()
        )
    assert not pl.Series(SAFE).str.contains("[^" + multiscan.SAFE_LINE_CHARS + "]").any()


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        (r"[0-9]{11}", r"[0-9]{11}"),
        (r"[\u4e00-\u9fff]+", r"[\x{4e00}-\x{9fff}]+"),
        (r"(?i:token)[ \t]*[:：=]", r"(?i:token)[ \t]*[:：=]"),
        (r"\\?[\"'](?:a|b)\.\s\d\w\x41", r"\\?[\"'](?:a|b)\.\s\d\w\x41"),
        (r"\bword", None),  # \b differs at CJK/digit edges; left to polars
        (r"\Aa", None),
        (r"a{,3}", None),  # PCRE reads {,3} literally
        (r"(?x: a )", None),
        (r"(?P<v>a)", None),
        (r"[[:alpha:]]", None),
        (r"a{1,2}+a", None),  # possessive
        (r"a++b", None),
        (r"\++a+?", r"\++a+?"),  # an escaped + then a quantifier; lazy is fine
    ],
)
def test_hyperscan_syntax(regex: str, expected: str | None) -> None:
    assert multiscan.hyperscan_syntax(regex) == expected


@pytest.mark.parametrize(
    "regex", [r"\s", r"\S", r"\d", r"\D", r"\w", r"\W", r".", r"[^0-9A-Za-z]", r"(?i:[a-z])"]
)
def test_class_escapes_agree_on_every_safe_character(regex: str) -> None:
    database = hs.Database()
    database.compile(
        expressions=[f"^{regex}$".encode()],
        ids=[0],
        elements=1,
        flags=[multiscan._flags()],
    )
    ends: list[int] = []
    database.scan(
        "\n".join(SAFE).encode("utf-8"),
        match_event_handler=lambda _i, _s, end, _f, _c: ends.append(end),
    )
    starts = pl.Series([len(ch.encode("utf-8")) + 1 for ch in SAFE]).cum_sum().to_list()
    line_ending_at = {start: i for i, start in enumerate(starts)}  # list.index: quadratic
    by_hyperscan = {SAFE[line_ending_at[end + 1]] for end in ends}
    by_python = {ch for ch in SAFE if re.fullmatch(regex, ch)}
    assert by_hyperscan == by_python


def test_prefilter_form_consumes_the_trailing_boundary() -> None:
    form = scan_form(Pattern("p", DIGITS_BEFORE_NOT + r"1[3-9][0-9]{9}" + DIGITS_AFTER_NOT, 0.5))
    assert form.prefilter == r"(?:^|[^0-9])(?:1[3-9][0-9]{9})(?:$|[^0-9])"
    assert re.search(form.prefilter, "a13812345678b")
    assert re.search(form.prefilter, "13812345678")
    assert not re.search(form.prefilter, "1381234567890")  # a 13-digit timestamp


def test_prefilter_form_consumes_a_boundary_among_several_trailing_lookaheads() -> None:
    regex = ALNUM_BEFORE_NOT + r"[1-9][0-9]{14,18}" + ALNUM_AFTER_NOT + r"(?!\.[0-9])"
    form = scan_form(Pattern("p", regex, 0.5))
    assert form.prefilter.endswith(r"(?:[1-9][0-9]{14,18})(?:$|[^0-9A-Za-z])")
    assert re.search(form.prefilter, "card=6222021234567890128&x")
    assert not re.search(form.prefilter, "6222021234567890128123")  # 22 digits
    # A top-level alternation: the lookahead binds to one branch only, so nothing is consumed.
    form = scan_form(Pattern("p", r"a|b" + DIGITS_AFTER_NOT, 0.5))
    assert form.prefilter == r"(?:a|b)"


def test_default_detector_uses_hyperscan(scanner: BatchScanner) -> None:
    assert scanner.multi is not None
    # The big name and address alternations are too large; the rest is covered.
    assert sum(scanner.covered) >= len(scanner.covered) - 8


def _verified_pairs(scanner: BatchScanner, texts: list[str]) -> set[tuple[int, int]]:
    """(alternative, line) pairs where some candidate passes the anchored check (by re)."""
    pairs = set()
    for k, (alt, covered) in enumerate(zip(scanner.alternatives, scanner.covered, strict=True)):
        if not covered:
            continue
        for n, text in enumerate(texts):
            if any(alt.verify(text, m.start(2)) for m in alt.form.python.finditer(text)):
                pairs.add((k, n))
    return pairs


def _reported_pairs(scanner: BatchScanner, texts: list[str]) -> set[tuple[int, int]]:
    assert scanner.multi is not None
    found = scanner.multi.scan(pl.Series(texts, dtype=pl.String))
    return set(zip(found["k"].to_list(), found["n"].to_list(), strict=True))


# Digits, separators, escapes and the words and CJK characters patterns are built from.
PIECES = [
    *"0123456789" * 6,
    *"Xx-+@._ :=()\t\"'\\nrtAEGHKSYZaeiklmnopstz",
    *["手机", "身份证", "京", "中", "密码", "：", "。", "姓名", "街道", "\u3000", "token="],
]
SAFE_TEXT = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(log_lines(), SAFE_TEXT), min_size=1, max_size=12))
def test_no_line_with_a_verified_candidate_is_skipped(
    scanner: BatchScanner, lines: list[str]
) -> None:
    texts = [t for t in (normalize(line).text for line in lines) if multiscan.line_is_safe(t)]
    assert _verified_pairs(scanner, texts) <= _reported_pairs(scanner, texts)


class Spanning(Recognizer):
    """'a', anything but 'b', then 'c': a match can run across the line separator."""

    entity: ClassVar[str] = "SPAN"
    patterns: ClassVar[tuple[Pattern, ...]] = (Pattern("span", r"a[^b]*c", 0.9),)
    description = validation = standard = "test"


def test_matches_spanning_lines_only_add_pairs() -> None:
    detector = Detector(recognizers=[Spanning()])
    scanner = BatchScanner(detector._alternatives, hyperscan=True)
    texts = ["xa", "c", "ac", "b"]
    assert _reported_pairs(scanner, texts) == {(0, 1), (0, 2)}  # "a\nc" spans lines 0-1
    assert _verified_pairs(scanner, texts) == {(0, 2)}
    lines = texts + ["z"] * _SMALL_BATCH
    assert detector.detect_lines(lines) == [detector.detect(x) for x in lines]


@settings(max_examples=60, deadline=None)
@given(st.lists(log_lines(), min_size=1, max_size=30))
def test_batch_without_hyperscan_equals_single(lines: list[str]) -> None:
    padded = lines + [""] * _SMALL_BATCH
    detector = _pure_detector()
    assert detector.detect_lines(padded)[: len(lines)] == [detector.detect(x) for x in lines]


_pure: Detector | None = None


def _pure_detector() -> Detector:
    """A detector whose batch path runs every pattern in polars (no Hyperscan)."""
    global _pure
    if _pure is None:
        _pure = Detector()
        _pure._batch = BatchScanner(_pure._alternatives, hyperscan=False)
    return _pure


_prefiltered: Detector | None = None


def _prefiltered_detector() -> Detector:
    """A detector whose single-text path uses the Hyperscan prefilter from its first text."""
    global _prefiltered
    if _prefiltered is None:
        _prefiltered = Detector()
        _prefiltered._multi = _prefiltered._load_prefilter()
        assert _prefiltered._multi
    return _prefiltered


@settings(max_examples=150, deadline=None)
@given(st.lists(log_lines(), min_size=1, max_size=10))
def test_single_texts_through_the_prefilter_equal_the_pure_path(
    detector: Detector, lines: list[str]
) -> None:
    prefiltered = _prefiltered_detector()
    for line in lines:
        assert prefiltered.detect(line) == detector.detect(line)
        assert prefiltered.detect(line, field="mobile") == detector.detect(line, field="mobile")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(SAFE[:200] + list("13862@.:=张王省市区路号")), max_size=60))
def test_random_safe_text_through_the_prefilter_equals_the_pure_path(
    detector: Detector, text: str
) -> None:
    assert _prefiltered_detector().detect(text) == detector.detect(text)


def test_the_prefilter_loads_after_a_few_texts_and_is_shared_with_batches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fresh = Detector()
    for _ in range(engine.PREFILTER_AFTER):
        fresh.detect("tel 13812341050")
    assert fresh._multi is None  # a one-off `dataguard mask` never loads it
    fresh.detect("tel 13812341050")
    assert fresh._multi
    # With the prefilter, a few hundred lines are faster one by one than as a batch.
    fresh.detect_lines(["tel 13812341050"] * (2 * _SMALL_BATCH))
    assert fresh._batch is None
    fresh.detect_lines(["tel 13812341050"] * engine._SMALL_BATCH_PREFILTERED)
    assert fresh._batch is not None
    assert fresh._batch.multi is fresh._multi
    upfront = Detector()
    assert upfront.load_prefilter()
    assert upfront.load_prefilter()  # idempotent
    assert upfront._multi
    batch_first = Detector()
    batch_first.detect_lines(["tel 13812341050"] * (2 * _SMALL_BATCH))
    assert batch_first._batch is not None
    assert batch_first._multi is batch_first._batch.multi  # the single path uses it at once
    monkeypatch.setenv("DATAGUARD_NO_HYPERSCAN", "1")
    off = Detector()
    for _ in range(engine.PREFILTER_AFTER + 1):
        assert [f.entity for f in off.detect("tel 13812341050")] == ["CN_MOBILE"]
    assert off._multi is False
    assert not Detector().load_prefilter()


def test_switched_off_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAGUARD_NO_HYPERSCAN", "1")
    assert not multiscan.available()
    detector = Detector()
    lines = [f"tel 1381234567{i % 10} ok" for i in range(40)]
    assert detector.detect_lines(lines) == [detector.detect(x) for x in lines]
    assert detector._batch is not None
    assert detector._batch.multi is None


def test_without_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multiscan, "_hs", None)
    assert not multiscan.available()


def test_database_is_cached_on_disk(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, detector: Detector
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(multiscan, "_compiled", {})
    rng = random.Random(7)
    alternatives = [a for a in detector._alternatives if a.recognizer.entity == "CN_MOBILE"]
    first = multiscan.MultiScanner(alternatives)
    files = list((tmp_path / "dataguard").glob("hyperscan-*.bin"))
    assert len(files) == 1
    monkeypatch.setattr(multiscan, "_compiled", {})
    second = multiscan.MultiScanner(alternatives)
    texts = pl.Series([f"x{rng.randrange(10**10, 10**11)}1" for _ in range(5)] + ["13812345678"])
    assert second.covered == first.covered
    assert second.scan(texts).sort("n").equals(first.scan(texts).sort("n"))
    files[0].write_bytes(b"junk")  # a damaged cache is rebuilt, not trusted
    monkeypatch.setattr(multiscan, "_compiled", {})
    assert multiscan.MultiScanner(alternatives).covered == first.covered


def test_a_cold_compile_is_announced_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, detector: Detector
) -> None:
    """The first run on a machine compiles for seconds: the CLI says so (the hook), a run
    that finds the database on disk says nothing."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(multiscan, "_compiled", {})
    told: list[Path] = []
    monkeypatch.setattr(multiscan, "on_cold_compile", told.append)
    alternatives = [a for a in detector._alternatives if a.recognizer.entity == "CN_MOBILE"]
    multiscan.MultiScanner(alternatives)
    assert told == [tmp_path / "dataguard"]
    monkeypatch.setattr(multiscan, "_compiled", {})
    multiscan.MultiScanner(alternatives)
    assert told == [tmp_path / "dataguard"]


@pytest.mark.parametrize(
    ("regex", "relaxed"),
    [
        (r"a{1,10}?b", r"a{1,}?b"),
        (r"[0-9]{2,4}-x{3}", r"[0-9]{2,}-x{3}"),
        (r"\{1,2}", r"\{1,2}"),  # an escaped brace is a literal
        (r"[{1,2}]", r"[{1,2}]"),  # so is a brace inside a class
        (r"[]{1,2}]{0,5}", r"[]{1,2}]{0,}"),
        (r"[^]x]{1,3}", r"[^]x]{1,}"),
    ],
)
def test_relax_repeats(regex: str, relaxed: str) -> None:
    assert multiscan.relax_repeats(regex) == relaxed


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab{}1,2", max_size=12))
def test_relaxed_regex_matches_a_superset(text: str) -> None:
    for regex in (r"a{1,2}b", r"(?:ab){0,2}a", r"[ab]{2,3}\{1,2}", r"b{2,2}"):
        if re.search(regex, text):
            assert re.search(multiscan.relax_repeats(regex), text)


@pytest.mark.parametrize(
    ("regex", "widest"),
    [(r"ab", 0), (r"a{2}", 0), (r"a{1,10}b[0-9]{0,400}?", 400), (r"\{1,500}x{0,3}", 3)],
)
def test_widest_bound(regex: str, widest: int) -> None:
    assert multiscan._widest_bound(regex) == widest


def _recording_compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The expressions Hyperscan is asked to compile one by one, from now on."""
    tried: list[str] = []
    real = multiscan._compiles

    def recording(expression: str) -> bool:
        tried.append(expression)
        return real(expression)

    monkeypatch.setattr(multiscan, "_compiles", recording)
    return tried


def test_a_wide_bound_is_compiled_opened_up_first(
    monkeypatch: pytest.MonkeyPatch, fresh_cache: Path
) -> None:
    # As written, curl's command-line pattern took Hyperscan 46 s to compile.
    tried = _recording_compiles(monkeypatch)
    narrow, wide = r"ab{1,5}c", r"curl[ -~]{0,400}?-u"
    compiled = multiscan._build([narrow, wide])
    assert compiled.covered == (True, True)
    assert tried == [narrow, r"curl[ -~]{0,}?-u"]


def test_which_form_hyperscan_accepts_is_kept_on_disk(
    monkeypatch: pytest.MonkeyPatch, fresh_cache: Path
) -> None:
    """Trying each expression alone was 50 of a cold build's 74 s; another pattern set
    (``--entities``, an edited pattern) tries only the expressions it has not seen."""
    tried = _recording_compiles(monkeypatch)
    refused = r"(?<=a)b"  # Hyperscan has no lookbehind
    first = multiscan._build([r"ab{1,5}c", refused])
    assert first.covered == (True, False)
    assert tried == [r"ab{1,5}c", refused]
    forget_regex_cache()  # a new process reads the verdicts from the file
    tried.clear()
    second = multiscan._build([refused, r"ab{1,5}c", r"x{2,3}y"])
    assert second.covered == (False, True, True)
    assert tried == [r"x{2,3}y"]


def test_too_large_patterns_are_covered_relaxed(scanner: BatchScanner) -> None:
    covered = {
        alt.pattern.name
        for alt, ok in zip(scanner.alternatives, scanner.covered, strict=True)
        if ok
    }
    assert {"cn_address_admin", "cn_name_label", "cn_name_self"} <= covered


def test_threads_can_share_a_detector() -> None:
    from concurrent.futures import ThreadPoolExecutor

    detector = Detector()
    rng = random.Random(3)
    batches = [
        [f"u{n} tel 1{rng.choice('3456789')}{rng.randrange(10**9):09d} id {n}" for n in range(200)]
        for _ in range(8)
    ]
    expected = [[detector.detect(line) for line in batch] for batch in batches]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(detector.detect_lines, batches)) == expected


def test_a_cache_others_can_write_is_not_trusted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, detector: Detector
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(multiscan, "_compiled", {})
    alternatives = [a for a in detector._alternatives if a.recognizer.entity == "CN_MOBILE"]
    multiscan.MultiScanner(alternatives)
    (cached,) = (tmp_path / "dataguard").glob("hyperscan-*.bin")
    assert cached.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "dataguard").stat().st_mode & 0o077 == 0
    builds: list[int] = []
    real_build = multiscan._build

    def counting_build(expressions: Any) -> Any:
        builds.append(1)
        return real_build(expressions)

    monkeypatch.setattr(multiscan, "_build", counting_build)
    monkeypatch.setattr(multiscan, "_compiled", {})
    multiscan.MultiScanner(alternatives)
    assert builds == []  # the private cache is used
    cached.chmod(0o666)  # anyone could now replace what decides which lines are scanned
    monkeypatch.setattr(multiscan, "_compiled", {})
    multiscan.MultiScanner(alternatives)
    assert builds == [1]


def test_every_pattern_but_the_csv_column_ones_is_in_the_database() -> None:
    """A pattern Hyperscan refuses is scanned by polars on every line of every batch: the
    INSERT-column name pattern, grown by a longer label list, once cost the filter 7%.
    The CSV column patterns of names, secrets, credit codes and bank accounts are refused
    (their header-then-row form is too large); every match of theirs holds a line break, so
    polars runs them only on texts holding one, never on a log line."""
    detector = Detector()
    assert detector.load_prefilter()
    multi = detector._multi
    assert isinstance(multi, multiscan.MultiScanner)
    uncovered = {
        alt.pattern.name
        for alt, covered in zip(detector._alternatives, multi.covered, strict=True)
        if not covered
    }
    assert uncovered == {
        "secret_csv_column",
        "cn_name_csv_column",
        "cn_uscc_csv_column",
        "bank_account_csv_column",
    }
