"""address: hide everything below the county level (Ele.me 8.4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dataguard.detect.normalize import NEEDS_WORK
from dataguard.mask.operator import MaskContext, Operator
from dataguard.recognizers.address import split_at_county, walk_steps

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Address"]


@dataclass(frozen=True)
class Address(Operator):
    """Keep the province, prefecture and county; replace the rest with ``fill``.

    Ele.me 8.4: ``浙江省杭州市西湖区文三路90号1幢`` → ``浙江省杭州市西湖区****``. The
    administrative head comes from the shipped GB/T 2260 gazetteer
    (:func:`~dataguard.recognizers.address.split_at_county`); an address that starts below
    the county is replaced by the fill alone, and one with nothing below the county
    (``浙江省杭州市西湖区``) is shown as it is, as the rule allows. The fill has a fixed
    length, so the length of the hidden part does not show.

    >>> Address().apply("浙江省杭州市西湖区文三路90号1幢", MaskContext("CN_ADDRESS"))
    '浙江省杭州市西湖区****'
    """

    name = "address"
    drops_other_data = True
    summary = "keep province, prefecture and county; hide the rest (Ele.me)"

    fill: str = "****"

    def __post_init__(self) -> None:
        if any(ch in self.fill for ch in "\"'\\,\n\r\t"):
            raise ValueError("fill must not contain quotes, backslashes, commas or breaks")

    def expression(self, column: pl.Expr, context: MaskContext) -> pl.Expr | None:
        """:meth:`apply` (Ele.me 8.4) in polars: the gazetteer walk replayed in Rust.

        Input: addresses as text (``浙江省杭州市西湖区文三路90号1幢``); output: what
        :meth:`apply` returns (``浙江省杭州市西湖区****``), or null where the value is not in
        normal form (full-width characters, ``%``/``\\u`` escapes: :meth:`apply` gets the
        normalised value, so those go to it). The head is found with
        :func:`~dataguard.recognizers.address.walk_steps`: one pass per level the walk can
        have reached (start, province, prefecture), each a regex over the rows at that
        level, then lookups for the short-form rule and the level reached.
        """
        import polars as pl

        # The walk's state lives in a struct, one field per variable, each pass adding fields
        # with struct.with_fields: an expression has no variables, and a step's result
        # written inline at each use would run its regex and lookups again for each.
        state = pl.struct(v=column, pos=pl.lit(0, pl.Int64), last=pl.lit(-1, pl.Int8))
        v, pos, last = pl.field("v"), pl.field("pos"), pl.field("last")
        skip, rest, name = pl.field("skip"), pl.field("rest"), pl.field("name")
        for level, step in walk_steps().items():
            # Levels strictly descend, so a row reaches this pass at most once and only
            # after the passes for shallower levels: three passes replay every walk. Rows
            # at another level get a null rest, which the regex and lookups skip.
            here = last == level
            # After the first division the walk skips one space before the next.
            space = (v.str.slice(pos, 1) == " ") if level >= 0 else pl.lit(False)
            state = state.struct.with_fields(skip=pl.when(here & space).then(1).otherwise(0))
            state = state.struct.with_fields(rest=pl.when(here).then(v.str.slice(pos + skip)))
            # The longest name starting the rest, or null: the walk's first candidate.
            state = state.struct.with_fields(name=rest.str.extract(step.pattern, 0))
            # A short form followed by a lower-level suffix (中山路) names a road: the walk
            # takes a shorter name instead, which depends on the name alone.
            after = rest.str.slice(name.str.len_chars(), 1)
            state = state.struct.with_fields(
                blocked=name.is_in(list(step.fallback)) & after.is_in(list(step.suffixes))
            )
            blocked = pl.field("blocked")
            instead = (
                pl.when(blocked)
                .then(name)
                .replace_strict(step.fallback, default=None, return_dtype=pl.String)
            )
            state = state.struct.with_fields(name=pl.when(blocked).then(instead).otherwise(name))
            state = state.struct.with_fields(
                pos=pl.when(name.is_not_null())
                .then(pos + skip + name.str.len_chars())
                .otherwise(pos),
                last=pl.when(name.is_not_null())
                .then(name.replace_strict(step.level, default=None, return_dtype=pl.Int8))
                .otherwise(last),
            )
        head = pl.field("pos")
        tail = v.str.slice(head)
        masked = (
            pl.when(head == 0)
            .then(pl.lit(self.fill))
            .when(tail.str.contains(r"^\**$"))  # apply(): nothing or only a mask below
            .then(v)
            .otherwise(pl.concat_str(v.str.slice(0, head), pl.lit(self.fill)))
        )
        # Taken from the struct, so the walk runs once (not once per use of its result).
        out = state.struct.with_fields(out=masked).struct.field("out")
        declined = column.is_null() | column.str.contains(NEEDS_WORK)
        return pl.when(declined).then(None).otherwise(out)

    def apply(self, value: str, context: MaskContext) -> str:
        head, tail = split_at_county(value)
        if not head:
            return self.fill
        if not tail or tail.strip("*") == "":
            # Down to the county is what Ele.me 8.4 shows; a head alone (or a head already
            # followed by a mask) is left as it is, so masking masked text changes nothing.
            return value
        return head + self.fill
