"""The regex rewrite that scan forms depend on."""

from __future__ import annotations

import re

import pytest

from dataguard.detect.regex_tools import (
    CLASS_OPENER,
    ESCAPE,
    IN_CLASS,
    OUTSIDE,
    class_opener_end,
    group_end,
    pieces,
    requires_char,
    strip_lookarounds,
)


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        ("(a)(b)", "(?:a)(?:b)"),
        ("(?P<v>x)", "(?:x)"),
        (r"\(a\)", r"\(a\)"),
        ("[(]x[)]", "[(]x[)]"),
        ("[^)]+", "[^)]+"),
        ("(?:a)(?=b)", "(?:a)"),
    ],
)
def test_captures_become_non_capturing(regex: str, expected: str) -> None:
    assert strip_lookarounds(regex) == expected
    assert re.compile(strip_lookarounds(regex)).groups == 0


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        ("(?<![0-9])1[3-9][0-9]{9}(?![0-9])", "1[3-9][0-9]{9}"),
        ("(?:(?<![0-9])|(?<=x))a", "(?:|)a"),
        ("a(?=[)])b", "ab"),
    ],
)
def test_strip_lookarounds(regex: str, expected: str) -> None:
    assert strip_lookarounds(regex) == expected


@pytest.mark.parametrize(
    "text", ["13812345678", "x13812345678y", "9913812345678", "138 1234 5678", ""]
)
def test_stripped_pattern_matches_a_superset(text: str) -> None:
    original = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
    superset = re.compile(strip_lookarounds(original.pattern))
    if original.search(text):
        assert superset.search(text)


def test_unbalanced_group_is_an_error() -> None:
    with pytest.raises(ValueError, match="unbalanced"):
        strip_lookarounds("(?=abc")


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        (r"a\r?\n", True),
        (r"[\n]", True),  # a one-character class is a literal
        (r"(?:x\n|y\n)z", True),
        (r"(?:\r?\n){2,}", True),
        (r"(?i:key)\n", True),
        (r"a\n?", False),
        (r"(?:a|\n)", False),
        (r"(?:\n){0,2}", False),
        (r"[\r\n]", False),  # a class counts as not requiring (errs towards False)
        (r"(?=\n)", False),
        (r"a$", False),
    ],
)
def test_requires_char(regex: str, expected: bool) -> None:
    assert requires_char(regex, "\n") is expected


@pytest.mark.parametrize(
    ("regex", "opener_end"),
    [("[a]", 1), ("[^a]", 2), ("[]a]", 2), ("[^]a]", 3), ("[^^]", 2), ("[]]", 2)],
)
def test_a_class_opener_takes_a_leading_caret_then_a_literal_bracket(
    regex: str, opener_end: int
) -> None:
    assert class_opener_end(regex, 0) == opener_end
    re.compile(regex)  # each is a valid class in Python's syntax


@pytest.mark.parametrize(
    ("regex", "stripped"),
    [
        (r"(?![^]x])a[]y]", r"a[]y]"),  # a ] opening a class does not end it
        (r"a(?=[^])])b", r"ab"),
        (r"([]()])(?<![^]])", r"(?:[]()])"),
    ],
)
def test_lookarounds_holding_bracket_classes_are_removed_whole(regex: str, stripped: str) -> None:
    assert strip_lookarounds(regex) == stripped
    assert group_end("(?=[^])])x", 0) == len("(?=[^])])")


def test_pieces_reads_escapes_and_classes_once_for_every_walker() -> None:
    regex = r"a[^]\]x](\[)"
    assert [(regex[s:e], kind) for s, e, kind in pieces(regex)] == [
        ("a", OUTSIDE),
        ("[^]", CLASS_OPENER),  # a leading ] is a literal, not the class's end
        ("\\]", ESCAPE),
        ("x", IN_CLASS),
        ("]", IN_CLASS),  # the class ends here
        ("(", OUTSIDE),
        ("\\[", ESCAPE),  # an escaped [ opens no class
        (")", OUTSIDE),
    ]
