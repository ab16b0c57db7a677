"""The accuracy benchmark's corpus is labelled correctly (tests the corpus, not the detector).

Every gold span must point at text that the entity's generator could have produced: the
surface at the span, decoded from the log style's encoding (percent, ``\\uXXXX``, SQL or
CSV quoting), equals the raw generated value, and that value passes an independent
re-implementation of the entity's check (MOD 11-2, Luhn, GB 32100, allocated prefixes …).
Hard-negative spans must fail those checks.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import ipaddress
import itertools
import json
import re
import sys
import unicodedata
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load_corpus() -> ModuleType:
    path = BENCHMARKS / "corpus.py"
    spec = importlib.util.spec_from_file_location("dataguard_bench_corpus", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus()


@pytest.fixture(scope="module")
def records() -> list:  # type: ignore[type-arg]
    return corpus.build_corpus(1400, 11) + corpus.build_corpus(700, 12)


# -- independent checks -------------------------------------------------------------------


def mod11_2_ok(id18: str) -> bool:
    total = sum((10 if ch in "Xx" else int(ch)) * pow(2, 17 - i, 11) for i, ch in enumerate(id18))
    return total % 11 == 1


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc_ok(code: str) -> bool:
    if not re.fullmatch(f"[{USCC_CHARS}]{{18}}", code):
        return False
    total = sum(USCC_CHARS.index(c) * pow(3, i, 31) for i, c in enumerate(code[:17]))
    return USCC_CHARS.index(code[17]) == (31 - total % 31) % 31


def real_date(yyyymmdd: str) -> bool:
    try:
        day = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return day <= dt.date.today()


def nfkc_digits(s: str) -> str:
    return re.sub(r"[^0-9Xx]", "", unicodedata.normalize("NFKC", s))


MOBILE_RE = re.compile(r"1(3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}")


def valid(entity: str, value: str) -> bool:
    v = unicodedata.normalize("NFKC", value)
    if entity == "CN_MOBILE":
        d = nfkc_digits(v)
        d = d[4:] if d.startswith("0086") else d[2:] if len(d) == 13 else d
        return bool(re.fullmatch(r"(?:\+86|\(\+86\)|0086)?[ -]?[\d -]{11,13}", v)) and bool(
            MOBILE_RE.fullmatch(d)
        )
    if entity == "CN_ID_CARD":
        if len(v) == 18:
            return mod11_2_ok(v) and real_date(v[6:14])
        return len(v) == 15 and v.isdigit() and real_date("19" + v[6:12])
    if entity == "BANK_CARD":
        d = nfkc_digits(v)
        return bool(re.fullmatch(r"[\d -]+", v)) and 15 <= len(d) <= 19 and luhn_ok(d)
    if entity == "CN_LANDLINE":
        return bool(
            re.fullmatch(
                r"(?:\(0\d{2,3}\)|0\d{2,3}|\+86-\d{2,3})[- ]?[2-8][\d -]{5,9}"
                r"(?:(?:-|转)\d{3,4})?",
                v,
            )
        )
    if entity == "EMAIL_ADDRESS":
        local, _, domain = v.partition("@")
        return bool(local) and "." in domain and " " not in v
    if entity == "CN_ADDRESS":
        return bool(re.search(r"(?:区|县|市|旗).+?(?:路|街|道|巷|胡同).*?\d+号", v))
    if entity == "CN_NAME":
        return 2 <= len(v) <= 10 and all("\u4e00" <= c <= "\u9fff" or c == "·" for c in v)
    if entity == "CN_PASSPORT":
        return bool(re.fullmatch(r"[EGDSPH]\d{8}|E[A-HJ-NP-Z]\d{7}", v))
    if entity == "CN_USCC":
        return uscc_ok(v)
    if entity == "CN_LICENSE_PLATE":
        return bool(re.fullmatch(r"[\u4e00-\u9fff][A-HJ-NP-Z]·?[A-HJ-NP-Z0-9]{5,6}", v))
    if entity == "IP_ADDRESS":
        ipaddress.ip_address(v)
        return True
    if entity == "SECRET":
        return bool(v) and not any(c.isspace() for c in v)
    raise AssertionError(f"unknown entity {entity}")


def decode(surface: str) -> str:
    """Undo the encodings the corpus styles apply to a value."""
    s = surface
    if "%" in s:
        s = unquote(s)
    if "\\" in s:
        s = json.loads(f'"{s}"')
    return s.replace("''", "'").replace('""', '"')


# -- the tests ----------------------------------------------------------------------------


def test_deterministic() -> None:
    assert corpus.build_corpus(50, 3) == corpus.build_corpus(50, 3)
    assert corpus.build_corpus(50, 3) != corpus.build_corpus(50, 4)


def test_all_styles_and_entities_present(records: list) -> None:  # type: ignore[type-arg]
    assert {r.style for r in records} == set(corpus.STYLES)
    entities = {s.label for r in records for s in r.gold}
    assert entities >= {
        "CN_MOBILE",
        "CN_LANDLINE",
        "CN_ID_CARD",
        "BANK_CARD",
        "EMAIL_ADDRESS",
        "CN_ADDRESS",
        "CN_NAME",
        "CN_PASSPORT",
        "CN_USCC",
        "CN_LICENSE_PLATE",
        "IP_ADDRESS",
        "SECRET",
    }
    texts = "".join(r.text for r in records)
    assert "%40" in texts  # percent-encoded e-mails in query strings
    assert "\\u" in texts  # JSON escapes
    assert "INSERT INTO" in texts


def test_gold_spans_hold_valid_generated_values(records: list) -> None:  # type: ignore[type-arg]
    for r in records:
        assert len(r.gold) == len(r.raw_values)
        spans = sorted(r.gold, key=lambda s: s.start)
        for a, b in itertools.pairwise(spans):
            assert a.end <= b.start, (r.text, a, b)
        for span, raw in zip(r.gold, r.raw_values, strict=True):
            assert 0 <= span.start < span.end <= len(r.text)
            surface = r.text[span.start : span.end]
            assert decode(surface) == raw, (r.style, surface, raw)
            assert valid(span.label, raw), (span.label, raw, r.text)
            assert surface == surface.strip()


def test_negative_spans_fail_their_checks(records: list) -> None:  # type: ignore[type-arg]
    seen = set()
    for r in records:
        for span in r.negatives:
            value = decode(r.text[span.start : span.end])
            seen.add(span.label)
            if span.label in ("order_number", "card_bad_luhn"):
                assert not luhn_ok(value), value
                if len(value) == 18:
                    assert not (mod11_2_ok(value) and real_date(value[6:14])), value
            elif span.label == "id_bad_check":
                assert not mod11_2_ok(value), value
            elif span.label == "id_bad_date":
                assert mod11_2_ok(value), value
                assert not real_date(value[6:14]), value
            elif span.label == "uscc_bad_check":
                assert not uscc_ok(value), value
            elif span.label == "eleven_digits":
                assert not MOBILE_RE.fullmatch(value), value
            # negatives and gold values never share characters, except the IP of an
            # SSH target (``root@10.0.0.1``), which is gold inside a non-e-mail negative
            for g in r.gold:
                if g.start < span.end and span.start < g.end:
                    assert span.label == "email_lookalike"
                    assert g.label == "IP_ADDRESS"
    assert {"order_number", "id_bad_check", "id_bad_date", "card_bad_luhn"} <= seen
