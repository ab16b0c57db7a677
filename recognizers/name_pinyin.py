"""Chinese personal names written in Hanyu Pinyin, where a name key, a salutation or an
airline record says they are names."""

from __future__ import annotations

import re
from typing import ClassVar

from dataguard.detect.recognizer import Pattern, Recognizer

from .name import (
    _HL7_NAME_END,
    _HL7_NAME_FIELDS,
    _HL7_SEGMENT_START,
    _KEY_SEP,
    _KEY_START,
    _KEYS,
    _QUOTE,
    NameRecognizer,
    _hl7_field,
    _word_list,
)

__all__ = ["PinyinNameRecognizer", "is_pinyin_name", "pinyin_surname_at"]

# ref. GB/T 28039-2011 (Chinese names in Roman letters) §5: surname and given name as two
# words, the given name's syllables written together (Zhang Xiaoming; ZHANG Xiaoming in
# capitals for the surname), or in Western order (Xiaoming Zhang). Some records split the
# given name (Zhang Xiao Ming). A word is at most six letters per syllable.
_WORD = "[A-Za-z]{1,12}"
_NAME_WORDS = "(?P<value>" + _WORD + "(?:[ \t]" + _WORD + "){1,2})"
# Where a name under a key ends: a quote, a separator, the end, or the next key (a three-word
# reading backs off to two when its third word is the next key: passenger=ZHANG WEI seat=…).
_KEY_VALUE_END = r"""(?=["&,;<)\]}\r\n]|$|[ \t]+[A-Za-z_][\w.\-]*[ \t]*[=:])"""
# Where a name after a salutation ends: punctuation or the end of the line.
_SALUTATION_END = r"(?=[,，:：!！.。;；\r\n]|$)"
# ref. IATA passenger name records (PNR, e-ticket and boarding-pass logs): SURNAME/GIVEN
# then a title: ZHANG/WEI MR, OUYANG/NANA MS, LI/XIAOMING MSTR. The title is required:
# without it, HE/SHE and AN/OR read like names.
_PNR = (
    r"(?<![A-Za-z0-9_])(?P<value>[A-Z]{1,6}/[A-Z]{1,12})[ \t]?"
    r"(?:MR|MRS|MS|MISS|MSTR|CHD|INF)(?![A-Za-z])"
)
_SALUTATION = r"(?<![A-Za-z])(?:Dear|Hi|Hello|Mr\.?|Mrs\.?|Ms\.?|Miss|Madam)[ \t]+"
# ref. English logs and tickets that write a contact as its phone with the name in
# brackets (user 13586091390 (Wang Fang) complained), or the name with its phone in
# brackets (Wang Fang (13586091390)): the mobile or ID number says the words are a person.
_PHONE_OR_ID = r"(?<![0-9])(?:\+?86[- ]?)?(?:1[3-9][0-9]{9}|[0-9]{17}[0-9Xx])(?![0-9])"
_AFTER_PHONE = _PHONE_OR_ID + r"[ \t]?[(（][ \t]?" + _NAME_WORDS + r"[ \t]?[)）]"
_BEFORE_PHONE = (
    r"(?<![A-Za-z])(?P<value>"
    + _WORD
    + r"[ \t]"
    + _WORD
    + r")[ \t]?[(（][ \t]?"
    + _PHONE_OR_ID
    + r"[ \t]?[)）]"
)


def _syllable_count(word: str, limit: int) -> int | None:
    """How few pinyin syllables *word* (lower case) splits into, if at most *limit*."""
    syllables = _word_list("pinyin_syllables.txt")
    best: list[int | None] = [0] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            before = best[start]
            if before is not None and word[start:end] in syllables:
                count = before + 1
                current = best[end]
                if current is None or count < current:
                    best[end] = count
    found = best[len(word)]
    return found if found is not None and found <= limit else None


def pinyin_surname_at(value: str) -> int | None:
    """Where the surname is in *value* read as a Chinese name in pinyin, or None if it does
    not read as one: the index, in ``re.split(r"([ \t/]+)", value.strip())`` (words and
    the separators between them), of the surname word.

    A name reads as one when a surname of ``data/pinyin_surnames.txt`` is its first or
    last word and the other words hold one or two syllables in all; each word capitalised,
    in capitals or in lower case, not mixed (``McDonald``). The first word wins (``Li Na``).
    """
    parts = re.split(r"([ \t/]+)", value.strip())
    words = parts[::2]
    if not 2 <= len(words) <= 3 or not all(w.isalpha() and w.isascii() for w in words):
        return None
    if not all(w.istitle() or w.isupper() or w.islower() for w in words):
        return None
    lowered = [w.lower() for w in words]
    surnames = _word_list("pinyin_surnames.txt")
    for at, given in ((0, lowered[1:]), (len(words) - 1, lowered[:-1])):
        if lowered[at] not in surnames:
            continue
        counts = [_syllable_count(w, 2) for w in given]
        if all(c is not None for c in counts) and sum(c or 0 for c in counts) <= 2:
            return 2 * at
    return None


def is_pinyin_name(value: str) -> bool:
    """Whether *value* reads as a Chinese name in pinyin (:func:`pinyin_surname_at`)."""
    return pinyin_surname_at(value) is not None


class PinyinNameRecognizer(Recognizer):
    """A Chinese personal name in Hanyu Pinyin (GB/T 28039-2011), with a name's context.

    Format: two or three words of letters, one of the first and the last a Chinese surname
    in pinyin (``data/pinyin_surnames.txt``: every reading of the surnames of
    :class:`NameRecognizer`, built from pypinyin's table), the others one or two pinyin
    syllables in all (``data/pinyin_syllables.txt``): ``Zhang Wei``, ``ZHANG Xiaoming``,
    ``Xiaoming Zhang``, ``Ouyang Nana``, ``Li Xiao Ming``. English words are rarely all
    syllables (``Order Service``, ``Hello World`` are not; ``He She`` would be), so a
    name needs what says it is one: a name key (``"name": "Zhang Wei"``, ``realName=``,
    the keys of :class:`NameRecognizer`), a salutation (``Dear Zhang Wei``), an airline
    record's ``SURNAME/GIVEN`` followed by a title (``ZHANG/WEI MR``), a mobile or ID number
    beside it in brackets (``13586091390 (Wang Fang)``, ``Zhang Wei (13812341050)``), or a
    name field.

    Examples:
        match: {"name":"⟦Zhang Wei⟧","mobile":"13812341050"}
        match: passenger=⟦ZHANG XIAOMING⟧ seat=32A
        match: Dear ⟦Wang Fang⟧, your order has shipped
        match: Hello ⟦Xiaoming Li⟧,
        match: PNR 7KQ2LM ⟦OUYANG/NANA⟧ MS CA1831 PEK-SHA
        match: boarding pass issued to ⟦LI/XIAOMING⟧MR
        no-match: {"name":"order-service","env":"prod"}
        no-match: {"name":"Order Service"}
        no-match: Dear Customer, your order has shipped
        no-match: Hello World
        no-match: see HE/SHE and AN/OR in the manual
        no-match: {"name":"John Smith"}
        no-match: Dear Zhang Wei's team
        match: Dear ⟦Li Xiao Ming⟧: welcome
        match: report: user 13586091390 (⟦Wang Fang⟧) complained; callback to 0574-37990751
        match: callback requested by ⟦Zhang Wei⟧ (13812341050) at 10:00
        no-match: 13812341050 (Home Phone)
        no-match: Order Service (13812341050)
        match: NK1|1|⟦WANG^FANG⟧|MTH^MOTHER|
        match: PID|1||P1||⟦LIU^DE HUA⟧^^^^^L|
        no-match: PID|1||P1||TEST^PATIENT|
    """

    entity: ClassVar[str] = "CN_NAME"
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "cn_name_pinyin_key",
            _KEY_START + _QUOTE + _KEYS + _QUOTE + _KEY_SEP + _QUOTE + _NAME_WORDS + _KEY_VALUE_END,
            0.5,
        ),
        Pattern("cn_name_pinyin_salutation", _SALUTATION + _NAME_WORDS + _SALUTATION_END, 0.5),
        Pattern("cn_name_pnr", _PNR, 0.5),
        Pattern("cn_name_pinyin_after_phone", _AFTER_PHONE, 0.5),
        Pattern("cn_name_pinyin_before_phone", _BEFORE_PHONE, 0.5),
        # ref. HL7 v2.x XPN (see NameRecognizer): ZHANG^SAN FENG, or the pinyin after the
        # Chinese name (张三丰^ZHANG SAN FENG), as hospital systems write it for the
        # wristband and the insurer.
        *(
            Pattern(
                f"cn_name_pinyin_hl7_{segment.lower()}{position}",
                _HL7_SEGMENT_START
                + segment
                + _hl7_field(position)
                + r"(?:[\u4e00-\u9fff·]{2,16}\^)?(?P<value>"
                + _WORD
                + "(?:[ \t^]"
                + _WORD
                + "){1,2})"
                + _HL7_NAME_END,
                0.5,
            )
            for segment, position in _HL7_NAME_FIELDS
        ),
        # A whole field value; the field name lifts the score, as for cn_name_field.
        Pattern("cn_name_pinyin_field", r"^[ \t]*" + _NAME_WORDS + r"[ \t]*$", 0.3),
    )
    context: ClassVar[tuple[str, ...]] = NameRecognizer.context
    specificity: ClassVar[int] = 20
    description: ClassVar[str] = (
        "Chinese personal name in pinyin (under a name key, Dear …, PNR, beside a phone)"
    )
    validation: ClassVar[str] = (
        "a pinyin surname first or last, the rest one or two pinyin syllables; "
        "only with a name key, a salutation, an airline title, a phone or ID in brackets "
        "or a name field"
    )
    standard: ClassVar[str] = "standards.md §1 CN_NAME; GB/T 28039-2011"

    def validate(self, value: str) -> bool | None:
        # An HL7 name's components are split by ^ (ZHANG^SAN FENG).
        return None if is_pinyin_name(value.replace("^", " ")) else False
