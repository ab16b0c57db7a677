"""ip: keep the network part of an IP address."""

from __future__ import annotations

from dataclasses import dataclass

from dataguard.mask._chars import check_mask_char
from dataguard.mask.operator import MaskContext, Operator

__all__ = ["Ip"]


@dataclass(frozen=True)
class Ip(Operator):
    """Keep the first ``keep`` groups of an address; each other group becomes one ``char``.

    Convention: an IPv4 address keeps its first two octets (``192.168.*.*``, a /16, which
    still tells the network apart), an IPv6 address its first ``keep`` groups.

    >>> Ip().apply("10.23.145.8", MaskContext("IP_ADDRESS"))
    '10.23.*.*'
    """

    name = "ip"
    summary = "keep the first 2 groups of an IP address (192.168.*.*)"

    keep: int = 2
    char: str = "*"

    def __post_init__(self) -> None:
        check_mask_char(self.char)
        if self.keep < 0:
            raise ValueError("keep must not be negative")

    def apply(self, value: str, context: MaskContext) -> str:
        sep = ":" if ":" in value else "."
        groups = value.split(sep)
        return sep.join(g if i < self.keep or not g else self.char for i, g in enumerate(groups))
