"""HL7 v2 messages as hospital interface engines log them (HL7 v2.x §2.5, §3.4).

Expected outputs are written by hand from the display rules (standards.md §2): a name
keeps its surname and its family^given separator, a mobile keeps its last 4 digits, a
landline its area code and last 3, an ID number its first and last character, an address
its divisions down to the county.
"""

from __future__ import annotations

import pytest

from dataguard.mask.apply import Masker

# An ADT^A01 admission, segments joined by \r as on the wire.
MESSAGE = "\r".join(
    [
        r"MSH|^~\&|HIS|LIS|||20261128093000||ADT^A01|MSG0001|P|2.4",
        "PID|1||1234567^^^HIS^MR~110101199003074514^^^CHN^NNCHN||刘^德华^^^^^L|王^芳"
        "|19900307|M|||北京市朝阳区建国路88号||13812341050",
        "NK1|1|欧阳娜娜|MTH^母亲|||010-62345678",
        "GT1|1||张三丰^ZHANG SAN FENG|",
        "PV1|1|I|内科^01^02||||1001^李^医生",
    ]
)
MASKED = "\r".join(
    [
        r"MSH|^~\&|HIS|LIS|||20261128093000||ADT^A01|MSG0001|P|2.4",
        "PID|1||1234567^^^HIS^MR~1****************4^^^CHN^NNCHN||刘^**^^^^^L|王^*"
        "|19900307|M|||北京市朝阳区****||******1050",
        "NK1|1|欧阳**|MTH^母亲|||010-*****678",
        "GT1|1||张**^ZHANG *** ****|",
        "PV1|1|I|内科^01^02||||1001^李^医生",
    ]
)


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_names_in_an_hl7_message_are_masked(lines: int) -> None:
    """PID-5 (patient), PID-6 (mother's maiden name), NK1-2 (next of kin) and GT1-3
    (guarantor) went out as they were: the fields are family^given or a bare name, with
    no label a name pattern knows. The pinyin after a Chinese name is the same person."""
    assert Masker().mask_lines([MESSAGE] * lines) == [MASKED] * lines


@pytest.mark.parametrize("lines", [1, 40], ids=["line", "batch"])
def test_one_segment_per_log_line(lines: int) -> None:
    """Engines that log a segment per line, after a timestamp and a level."""
    segments = [
        "2026-11-28 09:30:00 INFO recv PID|1||P001||李娜||19851201|F",
        "2026-11-28 09:30:00 INFO recv NK1|1|LI^XIAO MING|FTH^父亲|",
    ]
    masked = [
        "2026-11-28 09:30:00 INFO recv PID|1||P001||李*||19851201|F",
        "2026-11-28 09:30:00 INFO recv NK1|1|LI^**** ****|FTH^父亲|",
    ]
    assert Masker().mask_lines(segments * lines) == masked * lines


def test_fields_that_are_no_names_stay() -> None:
    """A name field's place in another segment (PV1-3 is a location), a test patient's
    placeholder and a segment ID inside a word are left alone."""
    lines = [
        "PV1|1|I|内科^01^02||||",
        "PID|1||P001||测试^患者|",
        "XPID|1||P001||刘德华|",
    ]
    assert Masker().mask_lines(lines) == lines
