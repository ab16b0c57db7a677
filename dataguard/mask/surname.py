"""surname: keep a Chinese name's surname, mask the given name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dataguard.mask._chars import check_mask_char
from dataguard.mask.operator import MaskContext, Operator
from dataguard.recognizers.name import surnames
from dataguard.recognizers.name_pinyin import pinyin_surname_at

__all__ = ["Surname"]

# What separates the family from the given name where a format gives each a field: vCard
# N (RFC 6350 §6.2.2) and HL7 v2 XPN components.
_FAMILY_GIVEN = (";", "^")


#: Fields of given names alone (HL7 FHIR's HumanName.given; forms' first names).
_GIVEN_ONLY = frozenset({"given", "givenname", "firstname"})


def _given_only(field: str) -> bool:
    """Whether *field* (a key or a dotted path, ``name[0].given``) holds given names."""
    last = re.sub(r"(?:\[[^\]]*\])+$", "", field).rsplit(".", 1)[-1]  # no list index
    return re.sub(r"[\W_]", "", last).lower() in _GIVEN_ONLY


@dataclass(frozen=True)
class Surname(Operator):
    """Keep the surname (compound ones too: ``欧阳``), one mask character per other character.

    Convention (standards.md §2): ``张三`` → ``张*``, ``欧阳娜娜`` → ``欧阳**``. Compound
    surnames come from the shipped 百家姓 list; a name that does not start with a known
    surname keeps its first character. A one-character value is masked whole. A name in
    pinyin keeps its surname word, first or last, and each other letter is masked:
    ``Zhang Wei`` → ``Zhang ***``, ``Xiaoming Li`` → ``******** Li``, ``ZHANG/WEI`` →
    ``ZHANG/***``. A vCard ``N`` value holds the family name in a field of its own
    (RFC 6350 §6.2.2): ``张;三丰`` → ``张;**``, its separator kept; so does an HL7 name
    (XPN, HL7 v2.x §2.A.88): ``刘^德华`` → ``刘^**``. A field of given names alone (FHIR's
    ``given``, ``given_name``, ``first_name``) has no surname: ``娜娜`` → ``**``.

    >>> Surname().apply("欧阳娜娜", MaskContext("CN_NAME"))
    '欧阳**'
    """

    name = "surname"
    summary = "keep the surname, mask the given name (张*, 欧阳**)"

    char: str = "*"

    def __post_init__(self) -> None:
        check_mask_char(self.char)

    def apply(self, value: str, context: MaskContext) -> str:
        if context.field is not None and _given_only(context.field):
            # A field of given names holds no surname to keep (FHIR's given: 娜娜).
            return "".join(ch if ch in " \t" else self.char for ch in value)
        if self._masked_pinyin(value):  # Zhang ***: masked already, kept (idempotent)
            return value
        mark = next((m for m in _FAMILY_GIVEN if m in value), "")
        if mark:  # vCard N family;given, HL7 XPN family^given
            family, _, given = value.partition(mark)
            kept = (mark, " ", "\t")  # as a pinyin name's spaces are kept
            return family + mark + "".join(ch if ch in kept else self.char for ch in given)
        keep = pinyin_surname_at(value) if value.isascii() else None
        if keep is not None:
            words = re.split(r"([ \t/]+)", value.strip())
            masked = [
                w if i == keep or not w.isalpha() else self.char * len(w)
                for i, w in enumerate(words)
            ]
            start = len(value) - len(value.lstrip())
            return value[:start] + "".join(masked) + value[start + len(value.strip()) :]
        if len(value) <= 1:
            return self.char * len(value)
        keep = 2 if len(value) > 2 and value[:2] in surnames() else 1
        return value[:keep] + self.char * (len(value) - keep)

    def _masked_pinyin(self, value: str) -> bool:
        """Whether *value* is this operator's mask of a pinyin name: one word of letters, a
        surname's shape, and the others only mask characters (``Zhang ***``)."""
        words = re.split(r"[ \t/]+", value.strip())
        letters = [w for w in words if w.isalpha() and w.isascii()]
        masks = [w for w in words if w and set(w) == {self.char}]
        return len(words) >= 2 and len(letters) == 1 and len(letters) + len(masks) == len(words)
