"""The on-disk cache of compiled regexes and scan forms (dataguard.detect.regex_cache).

A ``Detector()`` took 1.6 s to build, 1.3 s of it Python's ``re`` compiling the same 200
patterns in every process. The cache keeps what ``re`` generates and hands it back to
``_sre``; these tests hold what comes back to what ``re.compile`` makes, and check that a
cache file nobody should trust, or one with broken contents, is never used.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import forget_regex_cache as _forget

from dataguard.detect import Detector, regex_cache
from dataguard.detect.recognizer import Recognizer
from dataguard.detect.registry import load_recognizers


def _recognizers() -> list[Recognizer]:
    return list(load_recognizers())


def _texts() -> list[str]:
    """Every example line of every recognizer, matches and non-matches."""
    return [e.text for r in _recognizers() for e in r.examples()]


def _matches(pattern: object, texts: list[str]) -> list[list[tuple[int, int]]]:
    import re

    assert isinstance(pattern, re.Pattern)
    return [[m.span() for m in pattern.finditer(t)] for t in texts]


def test_patterns_from_the_cache_are_those_re_compiles(fresh_cache: Path) -> None:
    import re

    regexes = [p.regex for r in _recognizers() for p in r.patterns]
    texts = _texts()
    for regex in regexes:
        regex_cache.compile_cached(regex)
    regex_cache.flush()
    assert list(fresh_cache.glob("re-*.json")), "nothing was stored"
    _forget()  # a new process: everything now comes from the file
    for regex in regexes:
        cached = regex_cache.compile_cached(regex)
        expected = re.compile(regex)
        assert (cached.pattern, cached.flags, cached.groups, cached.groupindex) == (
            expected.pattern,
            expected.flags,
            expected.groups,
            expected.groupindex,
        )
        assert _matches(cached, texts) == _matches(expected, texts), regex[:60]
    assert not regex_cache._dirty  # nothing had to be compiled afresh


def test_a_detector_built_from_the_cache_finds_what_a_cold_one_finds(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without Hyperscan, whose database would be compiled afresh in this empty cache
    # folder (seconds): every scan form then runs in Python, from the cache.
    monkeypatch.setenv("DATAGUARD_NO_HYPERSCAN", "1")
    texts = _texts()
    cold = [[(f.entity, f.start, f.end) for f in Detector().detect(t)] for t in texts]
    assert regex_cache._entries  # the cold build compiled and stored its patterns
    _forget()
    from dataguard.detect import scan

    scan._scan_form.cache_clear()
    warm_detector = Detector()
    warm = [[(f.entity, f.start, f.end) for f in warm_detector.detect(t)] for t in texts]
    assert warm == cold
    assert not regex_cache._dirty


def test_a_cache_file_others_can_write_is_not_read(fresh_cache: Path) -> None:
    regex_cache.compile_cached(r"\d{11}")
    regex_cache.flush()
    (path,) = fresh_cache.glob("re-*.json")
    entries = json.loads(path.read_text("utf-8"))
    assert "re:0:\\d{11}" in entries
    os.chmod(path, 0o666)
    _forget()
    regex_cache.compile_cached(r"\d{11}")
    assert regex_cache._dirty  # compiled afresh: the file was not read


@pytest.mark.parametrize(
    "broken",
    [
        [32, [1, 2, 3], 0, {}, [None]],  # code _sre refuses
        "not a list",
        [32, [], 0],
    ],
)
def test_broken_entries_are_compiled_afresh(fresh_cache: Path, broken: object) -> None:
    import re

    regex = r"(?P<p>1[3-9]\d{9})"
    regex_cache.compile_cached(regex)
    regex_cache.flush()
    (path,) = fresh_cache.glob("re-*.json")
    entries = json.loads(path.read_text("utf-8"))
    entries[f"re:0:{regex}"] = broken
    path.write_text(json.dumps(entries), "utf-8")
    _forget()
    cached = regex_cache.compile_cached(regex)
    assert cached.groupindex == re.compile(regex).groupindex
    assert cached.findall("a13812341050b") == ["13812341050"]


def test_strings_are_kept_per_version_of_the_code_that_makes_them(fresh_cache: Path) -> None:
    calls: list[str] = []

    def compute() -> list[str]:
        calls.append("x")
        return ["form", "yes"]

    assert regex_cache.cached_strings("v1", "k", compute) == ["form", "yes"]
    assert regex_cache.cached_strings("v1", "k", compute) == ["form", "yes"]
    assert len(calls) == 1
    assert regex_cache.cached_strings("v2", "k", compute) == ["form", "yes"]
    assert len(calls) == 2  # another version of the code: worked out again
    assert regex_cache.cached_strings(None, "k", compute) == ["form", "yes"]
    assert len(calls) == 3  # no version (the source could not be read): nothing kept


def test_the_version_of_the_scan_form_code_changes_with_its_source(tmp_path: Path) -> None:
    import importlib.util

    module = tmp_path / "dg_form_probe.py"
    module.write_text("A = 1\n", "utf-8")
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        first = regex_cache.code_version("dg_form_probe")
        module.write_text("A = 2\n", "utf-8")
        importlib.invalidate_caches()
        assert regex_cache.code_version("dg_form_probe") not in (None, first)
        assert regex_cache.code_version("no_such_module_here") is None
    finally:
        sys.path.remove(str(tmp_path))


def test_hyperscan_expressions_from_the_cache_are_those_worked_out(fresh_cache: Path) -> None:
    from dataguard.detect import multiscan

    prefilters = [alt.form.prefilter for alt in Detector()._alternatives]
    cold = [multiscan._expression(p) for p in prefilters]
    regex_cache.flush()
    _forget()
    warm = [multiscan._expression(p) for p in prefilters]
    assert warm == cold
    assert not regex_cache._dirty


def test_polars_verdicts_on_patterns_are_kept_and_read_by_a_new_process(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asking polars whether it compiles each pattern took 0.1-0.15 s of every filter's,
    redaction's and worker's start."""
    import polars as pl

    from dataguard.detect import batch

    accepted, refused = r"1[3-9]\d{9}", r"(?<=tel)\d{11}"  # Rust's regex has no lookbehind
    assert (batch.rust_accepts(accepted), batch.rust_accepts(refused)) == (True, False)
    regex_cache.flush()
    _forget()  # as a new process: only the file is left

    def polars_asked(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("polars was asked again")

    monkeypatch.setattr(pl, "Series", polars_asked)
    assert (batch.rust_accepts(accepted), batch.rust_accepts(refused)) == (True, False)
