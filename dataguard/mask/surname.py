"""surname: keep a Chinese name's surname, mask the given name."""

from __future__ import annotations

from dataclasses import dataclass

from dataguard.mask._chars import check_mask_char
from dataguard.mask.operator import MaskContext, Operator
from dataguard.recognizers.name import surnames

__all__ = ["Surname"]


@dataclass(frozen=True)
class Surname(Operator):
    """Keep the surname (compound ones too: ``欧阳``), one mask character per other character.

    Convention (standards.md §2): ``张三`` → ``张*``, ``欧阳娜娜`` → ``欧阳**``. Compound
    surnames come from the shipped 百家姓 list; a name that does not start with a known
    surname keeps its first character. A one-character value is masked whole.

    >>> Surname().apply("欧阳娜娜", MaskContext("CN_NAME"))
    '欧阳**'
    """

    name = "surname"
    summary = "keep the surname, mask the given name (张*, 欧阳**)"

    char: str = "*"

    def __post_init__(self) -> None:
        check_mask_char(self.char)

    def apply(self, value: str, context: MaskContext) -> str:
        if len(value) <= 1:
            return self.char * len(value)
        keep = 2 if len(value) > 2 and value[:2] in surnames() else 1
        return value[:keep] + self.char * (len(value) - keep)
