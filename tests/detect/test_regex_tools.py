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
    first_char_hint,
    group_end,
    pieces,
    requires_char,
    sre_searches_fast,
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
        # A group left with empty alternatives only is dropped (Python's re tried each).
        ("(?:(?<![0-9])|(?<=x))a", "a"),
        ("((?<![0-9])|(?<=x))a", "a"),
        # ... unless a quantifier follows it, which would then apply to what came before.
        ("x(?:(?<![0-9])|(?<=x))?a", "x(?:|)?a"),
        ("(?:b|(?<=x))a", "(?:b|)a"),
        ("(?i:(?=a))b", "(?i:)b"),
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


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        (r"\d{3}", r"(?=(?:[\d]))"),
        (r"\bfoo", r"(?=(?:[\U00000066]))"),
        # Lookarounds consume nothing: the first character is the next item's.
        ("(?<![0-9])(?:[ab]c|%)", r"(?=(?:[\U00000061\U00000062\U00000025]))"),
        ("(?:a|b)?[^x]y", r"(?=(?:[\U00000061\U00000062]|[^\U00000078]))"),
        # Optional items add the next item's first characters; case-insensitive letters
        # stay under (?i), so that re's own case folding decides.
        (
            "(?:[bu]?x|%2)?(?i:na)",
            r"(?=(?:[\U00000062\U00000075\U00000078\U00000025]|(?i:[\U0000006e])))",
        ),
        ("(?i)ab", r"(?=(?-i:(?i:[\U00000061])))"),
    ],
)
def test_first_char_hint(regex: str, expected: str) -> None:
    assert first_char_hint(regex) == expected


@pytest.mark.parametrize("regex", ["a?", "(?:a|)", ".x", r"(a?)\1b", "(?=a)", "(?a:x)", ""])
def test_first_char_hint_gives_none_when_it_cannot_tell(regex: str) -> None:
    assert first_char_hint(regex) is None


@pytest.mark.parametrize("regex", ["ab", "[^a-z]b", '"(?i:name)"', "()(eyJ[A-Za-z0-9_-]{8,})"])
def test_no_hint_where_re_searches_for_a_prefix_itself(regex: str) -> None:
    assert sre_searches_fast(regex)
    assert first_char_hint(regex) is None


def test_a_hint_for_one_group() -> None:
    regex = "(<)((?:x)?(?i:ab))"  # a scan form: boundary, then core
    assert first_char_hint(regex) is None  # re searches for the "<" itself
    assert first_char_hint("()((?:x)?(?i:ab))", group=2) == (
        r"(?=(?:[\U00000078]|(?i:[\U00000061])))"
    )


# Strings where Unicode case folding matters: the long s folds to s, the Kelvin sign to k,
# the dotted capital I and dotless i to i only in some engines.
_FOLDS = ["ſecret=x", "paſſword:1", "Kelvin_name=\u5f20\u4f1f", "\u0130d_token=a", "\u0131d=1"]


@pytest.mark.parametrize(
    "regex",
    [
        "(?i:secret|password)[=:]x?",
        "(?i:kelvin_name)=.",
        "(?:[bu]?[\"']|%2[27])?(?i:id_token|id)=.",
        r"(?:\s|,)*(?i:k)",
        "(?:a|b)?[^x](?i:s)",
    ],
)
@pytest.mark.parametrize("text", [*_FOLDS, "x SECRET=x", "\"ID=1 u'id_token=2", ", K k"])
def test_hint_never_changes_a_match(regex: str, text: str) -> None:
    hint = first_char_hint(regex)
    assert hint is not None
    plain = [(m.start(), m.end()) for m in re.finditer(regex, text)]
    hinted = [(m.start(), m.end()) for m in re.finditer(hint + regex, text)]
    assert hinted == plain


def test_sre_searches_fast_where_re_has_a_prefix() -> None:
    assert sre_searches_fast("()(eyJ[A-Za-z0-9_-]{8,})")
    assert sre_searches_fast('()("(?i:name)")')
    assert not sre_searches_fast("()((?:[bu]?[\"'])?(?i:real_?name|name)=)")
