"""Whether a table's column names are a header or a line of data.

A CSV/TSV file or a sheet without a header line has its first record taken for column
names: batch redaction would never mask it and every report would print it. A column name
in which the detector finds personal data (a phone, an ID, a card, an email…) marks the
line as data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataguard.detect.engine import Detector

__all__ = ["personal_column_name"]


def personal_column_name(names: Sequence[object], detector: Detector) -> tuple[int, str]:
    """``(position from 1, entity)`` of the first name holding personal data, or
    ``(0, "")`` when none does (the names can be a header).

    >>> from dataguard.detect import Detector
    >>> personal_column_name(["id", "13812341050"], Detector())
    (2, 'CN_MOBILE')
    >>> personal_column_name(["id", "mobile", "手机号"], Detector())
    (0, '')
    """
    found = detector.detect_lines([str(name) for name in names])
    for number, findings in enumerate(found, 1):
        if findings:
            return number, findings[0].entity
    return 0, ""
