"""Grades, mandates and recommended actions for columns that hold personal data.

Ele.me 8.1 requires data to be classified and graded; a column is graded by the most
sensitive entity found in it (就高从严, "take the higher, apply the stricter").

Three schemes (standards.md §5):

``S1-S4`` (default)
    cloud practice, Alibaba's GB/T 43697 template: name S1, email and landline S2, bank
    card S3. dataguard places the other entities by the same logic: identity documents
    with bank cards (S3), contact details and locators with email (S2), credentials above
    all (S4), enterprise credit codes with names (S1).
``GB/T 43697``
    GB/T 43697-2024 grades data core / important / general. Whether personal data is
    *important* depends on its scale and domain (the standard's Annex G), which one column
    cannot tell; per column dataguard says ``general``, and ``general-sensitive`` for
    sensitive personal information (PIPL art. 28, GB/T 35273-2020 appendix B: identity
    documents, financial accounts, credentials).
``JR/T 0197``
    JR/T 0197-2020 levels 1-5 for finance, with JR/T 0171-2020's classes of personal
    financial information: C3 (authentication information: passwords, tokens) is level 4,
    C2 (information that identifies a person or an account: ID, card, phone, name,
    address) level 3, C1 (internal information: IPs, plates) level 2.

Mandate: Youzan 7.4 (personal data must not be stored in plaintext nor under weak
algorithms). Actions: ``encrypt`` (the application needs the value back: envelope
encryption under managed keys, standards.md §3), ``hash`` (passwords: a password KDF),
``mask`` (keep the column, hide the value: free text, locators), ``drop`` (credentials
inside free text have no business being stored), ``rehash`` (a weak hash), ``none``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["SCHEMES", "Scheme", "action_for", "grade", "mandates_for", "scheme"]


@dataclass(frozen=True)
class Scheme:
    """A grading scheme: a grade per entity and the grades' order (least sensitive first)."""

    name: str
    order: tuple[str, ...]
    grades: dict[str, str]
    cite: str

    def rank(self, grade_name: str) -> int:
        """The position of *grade_name* in :attr:`order` (higher is more sensitive)."""
        return self.order.index(grade_name)


SCHEMES: dict[str, Scheme] = {
    s.name: s
    for s in (
        Scheme(
            "S1-S4",
            ("S1", "S2", "S3", "S4"),
            {
                "CN_NAME": "S1",
                "CN_USCC": "S1",
                "EMAIL_ADDRESS": "S2",
                "CN_LANDLINE": "S2",
                "CN_MOBILE": "S2",
                "CN_ADDRESS": "S2",
                "CN_LICENSE_PLATE": "S2",
                "IP_ADDRESS": "S2",
                "BANK_CARD": "S3",
                "CN_ID_CARD": "S3",
                "CN_PASSPORT": "S3",
                "SECRET": "S4",
            },
            "Alibaba's GB/T 43697 classification template (cloud practice S1-S4)",
        ),
        Scheme(
            "GB/T 43697",
            ("general", "general-sensitive", "important", "core"),
            {
                "CN_NAME": "general",
                "CN_USCC": "general",
                "EMAIL_ADDRESS": "general",
                "CN_LANDLINE": "general",
                "CN_MOBILE": "general",
                "CN_ADDRESS": "general",
                "CN_LICENSE_PLATE": "general",
                "IP_ADDRESS": "general",
                "BANK_CARD": "general-sensitive",
                "CN_ID_CARD": "general-sensitive",
                "CN_PASSPORT": "general-sensitive",
                "SECRET": "general-sensitive",
            },
            "GB/T 43697-2024 with PIPL art. 28 sensitive personal information",
        ),
        Scheme(
            "JR/T 0197",
            ("1", "2", "3", "4", "5"),
            {
                "CN_USCC": "2",
                "IP_ADDRESS": "2",
                "CN_LICENSE_PLATE": "2",
                "CN_NAME": "3",
                "EMAIL_ADDRESS": "3",
                "CN_LANDLINE": "3",
                "CN_MOBILE": "3",
                "CN_ADDRESS": "3",
                "BANK_CARD": "3",
                "CN_ID_CARD": "3",
                "CN_PASSPORT": "3",
                "SECRET": "4",
            },
            "JR/T 0197-2020 levels with JR/T 0171-2020 C1-C3 classes",
        ),
    )
}

_ALIASES = {
    "s1-s4": "S1-S4",
    "s": "S1-S4",
    "gbt43697": "GB/T 43697",
    "gb/t43697": "GB/T 43697",
    "43697": "GB/T 43697",
    "jrt0197": "JR/T 0197",
    "jr/t0197": "JR/T 0197",
    "0197": "JR/T 0197",
}


def scheme(name: str) -> Scheme:
    """The scheme called *name* (case, spaces and dashes ignored: ``gbt-43697`` works)."""
    if name in SCHEMES:
        return SCHEMES[name]
    key = name.lower().replace(" ", "").replace("_", "")
    found = _ALIASES.get(key) or _ALIASES.get(key.replace("-", ""))
    if found is None:
        raise ValueError(f"unknown grading scheme {name!r}; choose one of {', '.join(SCHEMES)}")
    return SCHEMES[found]


def grade(entities: Iterable[str], grading: Scheme) -> str | None:
    """The grade of a column holding *entities*: the most sensitive one's (就高从严)."""
    grades = [grading.grades[e] for e in entities if e in grading.grades]
    return max(grades, key=grading.rank) if grades else None


#: Entities that are not a natural person's data (an enterprise's credit code is public
#: registration information, which Ele.me 5.12 even forbids destroying).
NOT_PERSONAL = frozenset({"CN_USCC"})


def mandates_for(entities: Iterable[str], protection: str) -> list[str]:
    """The mandates a column breaks, by clause (empty when it breaks none)."""
    personal = [e for e in entities if e not in NOT_PERSONAL]
    if not personal:
        return []
    if protection == "plaintext":
        return ["Youzan 7.4: personal data stored in plaintext"]
    if protection == "weak-hash":
        return ["Youzan 7.4: personal data under a weak algorithm (MD5/SHA-1 sized hash)"]
    return []


def action_for(entities: Iterable[str], kind: str, protection: str, password: bool) -> str:
    """The recommended action for a column (see the module docstring).

    ``kind`` is the classifier's verdict (``value`` or ``text``); ``password`` says the
    name marks a password (hash it with a KDF, never encrypt it).
    """
    found = set(entities) - NOT_PERSONAL
    if not found:
        return "none"
    if protection == "weak-hash":
        return "rehash"
    if protection != "plaintext":
        return "none"
    if kind == "text":
        return "drop" if found == {"SECRET"} else "mask"
    if "SECRET" in found and password:
        return "hash"
    if found <= {"IP_ADDRESS", "CN_LICENSE_PLATE"}:
        return "mask"
    return "encrypt"
