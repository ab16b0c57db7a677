"""address: hide everything below the county level (Ele.me 8.4)."""

from __future__ import annotations

from dataclasses import dataclass

from dataguard.mask.operator import MaskContext, Operator
from dataguard.recognizers.address import split_at_county

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
    summary = "keep province, prefecture and county; hide the rest (Ele.me)"

    fill: str = "****"

    def __post_init__(self) -> None:
        if any(ch in self.fill for ch in "\"'\\,\n\r\t"):
            raise ValueError("fill must not contain quotes, backslashes, commas or breaks")

    def apply(self, value: str, context: MaskContext) -> str:
        head, tail = split_at_county(value)
        if not head:
            return self.fill
        if not tail or tail.strip("*") == "":
            # Down to the county is what Ele.me 8.4 shows; a head alone (or a head already
            # followed by a mask) is left as it is, so masking masked text changes nothing.
            return value
        return head + self.fill
