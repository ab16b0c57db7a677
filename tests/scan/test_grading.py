"""Grades, mandates and actions (dataguard.scan.grading), per standards.md §5."""

from __future__ import annotations

import pytest

from dataguard.scan.grading import SCHEMES, action_for, grade, mandates_for, scheme


def test_the_alibaba_template_examples_of_standards_5() -> None:
    s1_s4 = SCHEMES["S1-S4"]
    # "name S1, email and landline S2, bank card S3"
    assert grade(["CN_NAME"], s1_s4) == "S1"
    assert grade(["EMAIL_ADDRESS"], s1_s4) == "S2"
    assert grade(["CN_LANDLINE"], s1_s4) == "S2"
    assert grade(["BANK_CARD"], s1_s4) == "S3"


def test_a_column_takes_its_most_sensitive_entity() -> None:
    # 就高从严: a remark with names and ID numbers is graded as ID numbers.
    assert grade(["CN_NAME", "CN_ID_CARD", "CN_MOBILE"], SCHEMES["S1-S4"]) == "S3"
    assert grade(["CN_NAME", "SECRET"], SCHEMES["JR/T 0197"]) == "4"
    assert grade(["CN_MOBILE", "CN_ID_CARD"], SCHEMES["GB/T 43697"]) == "general-sensitive"
    assert grade([], SCHEMES["S1-S4"]) is None


def test_every_scheme_grades_every_entity() -> None:
    entities = set(SCHEMES["S1-S4"].grades)
    for graded in SCHEMES.values():
        assert set(graded.grades) == entities, graded.name
        assert set(graded.grades.values()) <= set(graded.order)


@pytest.mark.parametrize(
    "name", ["S1-S4", "s1-s4", "GB/T 43697", "gbt-43697", "JR/T 0197", "jrt0197"]
)
def test_scheme_names_are_forgiving(name: str) -> None:
    assert scheme(name).name in SCHEMES


def test_an_unknown_scheme_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="S1-S4"):
        scheme("ISO 27001")


def test_mandates() -> None:
    assert mandates_for(["CN_MOBILE"], "plaintext") == [
        "Youzan 7.4: personal data stored in plaintext"
    ]
    assert "weak algorithm" in mandates_for(["CN_ID_CARD"], "weak-hash")[0]
    assert mandates_for(["CN_MOBILE"], "hashed") == []
    assert mandates_for(["CN_MOBILE"], "masked") == []
    # An enterprise's credit code is public registration data, not a person's.
    assert mandates_for(["CN_USCC"], "plaintext") == []


@pytest.mark.parametrize(
    ("entities", "kind", "protection", "password", "action"),
    [
        (["CN_ID_CARD"], "value", "plaintext", False, "encrypt"),
        (["SECRET"], "value", "plaintext", True, "hash"),
        (["SECRET"], "value", "plaintext", False, "encrypt"),  # tokens are needed back
        (["SECRET"], "text", "plaintext", False, "drop"),
        (["CN_MOBILE", "CN_NAME"], "text", "plaintext", False, "mask"),
        (["IP_ADDRESS"], "value", "plaintext", False, "mask"),
        (["CN_MOBILE"], "value", "weak-hash", False, "rehash"),
        (["CN_MOBILE"], "value", "masked", False, "none"),
        (["CN_USCC"], "value", "plaintext", False, "none"),
    ],
)
def test_actions(
    entities: list[str], kind: str, protection: str, password: bool, action: str
) -> None:
    assert action_for(entities, kind, protection, password) == action
