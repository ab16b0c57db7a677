"""Every operator's polars expression gives :meth:`Operator.apply`'s output, or null.

Batch redaction (``dataguard.mask.table._mask_distinct``) masks the clean values of a
column with the operator's ``expression`` and sends the values it leaves null to
``apply``, the definition. So an expression may decline a value but never differ from
``apply``; these tests throw generated values at each one, grouped and ungrouped, short,
already masked, full-width, over the vectorised length limit, with several ``@`` or none,
and compare. (The address mask has its own, larger test: test_address_expression.py.)
"""

from __future__ import annotations

import random

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataguard.mask.email import Email
from dataguard.mask.fixed import Fixed
from dataguard.mask.keep import Keep
from dataguard.mask.keep_ends import KeepEnds
from dataguard.mask.operator import MaskContext, Operator
from dataguard.mask.remove import Remove
from dataguard.testing import generators as g

CONTEXT = MaskContext("BANK_CARD", "card")

OPERATORS: list[Operator] = [
    KeepEnds(first=6, last=4),  # display's bank card
    KeepEnds(first=0, last=4, width=6),  # display's mobile (Ele.me 8.4)
    KeepEnds(first=1, last=1),  # display's ID number
    KeepEnds(first=3, last=0, char="#"),
    KeepEnds(first=0, last=0, width=0),
    Email(),
    Email(local_keep=1, domain_keep=3),
    Fixed(text="<hidden>"),
    Keep(),
    Remove(),
]

_GENERATED = (
    g.mobile,
    g.mobile_digits,
    g.bank_card,
    g.bank_card_digits,
    g.id_card,
    g.landline,
    g.email,
)


@st.composite
def values(draw: st.DrawFn) -> str:
    """A value of the kinds batch redaction meets in a column, as read."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return draw(st.text(max_size=12))
    if kind == 1:  # very short, or only separators and stars (already masked whole)
        return draw(st.text(alphabet="0123456789 -()*\u3000@.", max_size=6))
    value = draw(st.sampled_from(_GENERATED))(rng)
    if kind == 2:
        value = g.to_fullwidth(value)
    elif kind == 3:  # masked once already
        value = KeepEnds(first=6, last=4).apply(value, CONTEXT)
    elif kind == 4:  # longer than the expressions' constant runs of mask characters
        value = value * draw(st.integers(20, 40))
    elif kind == 5:
        value = draw(st.sampled_from(("", "a@", "@", "x@y@z.com "))) + value
    return value


def _expression_outputs(operator: Operator, batch: list[str]) -> list[str | None] | None:
    expression = operator.expression(pl.col("v"), CONTEXT)
    if expression is None:
        return None
    frame = pl.DataFrame({"v": batch}, schema={"v": pl.String})
    # with_columns, as _mask_distinct does: a constant (fixed, remove) fills every row.
    return frame.with_columns(out=expression)["out"].to_list()


@pytest.mark.parametrize("operator", OPERATORS, ids=repr)
@settings(max_examples=150, deadline=None)
@given(batch=st.lists(values(), min_size=1, max_size=30))
def test_expression_is_apply_or_null(operator: Operator, batch: list[str]) -> None:
    outputs = _expression_outputs(operator, batch)
    assert outputs is not None
    for value, out in zip(batch, outputs, strict=True):
        if out is not None:
            assert out == operator.apply(value, CONTEXT)


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        # standards.md §2 (Ele.me 8.4 examples and the display conventions)
        (KeepEnds(first=0, last=4, width=6), "13812341050", "******1050"),
        (KeepEnds(first=0, last=4, width=6), "138 1234 1050", "******1050"),
        (KeepEnds(first=6, last=4), "6222021234567890128", "622202*********0128"),
        (Email(), "tt@163.com", "tt**@1**.com"),
    ],
)
def test_expression_examples(operator: Operator, value: str, expected: str) -> None:
    assert _expression_outputs(operator, [value]) == [expected]
    assert operator.apply(value, CONTEXT) == expected


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        # A dot among the domain's kept characters: apply() keeps it (found by hypothesis).
        (Email(), "@..0"),
        (Email(), "ab@.x.com"),
        (Email(local_keep=1, domain_keep=3), "a@b.com.cn"),
        (Email(local_keep=1, domain_keep=3), "a@mail.corp.cn"),
    ],
)
def test_email_expression_leaves_kept_dots_to_apply(operator: Operator, value: str) -> None:
    assert _expression_outputs(operator, [value]) in ([None], [operator.apply(value, CONTEXT)])


def test_grouped_values_are_left_to_apply_when_separators_stay() -> None:
    # Length-preserving keep_ends keeps separators in place: apply() does that, the
    # expression declines (a measured choice: a list.eval form was no faster).
    operator = KeepEnds(first=6, last=4)
    assert _expression_outputs(operator, ["6222 0212 3456 7890 128"]) == [None]
    assert operator.apply("6222 0212 3456 7890 128", CONTEXT) == "6222 02** **** ***0 128"
