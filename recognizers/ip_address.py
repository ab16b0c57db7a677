"""IPv4 and IPv6 addresses."""

from __future__ import annotations

import ipaddress
from typing import ClassVar

from dataguard.detect.recognizer import ALNUM_BEFORE_NOT, Pattern, Recognizer

# ref. RFC 791 dotted-decimal, as read by RFC 6943 §3.1.1 / Python's ``ipaddress``: four
# decimal octets 0-255, no leading zeros (``01`` is octal in inet_aton, so ambiguous).
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_IPV4 = r"(?:" + _OCTET + r"\.){3}" + _OCTET
# Not inside a longer dotted run (``1.2.3.4.5``, OIDs, ``jquery-1.2.3.4.min.js``) nor glued
# to letters or digits (``v1.2.3.4``); a logged ``\n`` escape counts as a boundary. Nor a
# product version in a User-Agent (RFC 9110 §10.1.5 ``product/version``: ``Chrome/120.0.0.0``).
_V4_BEFORE = ALNUM_BEFORE_NOT + r"(?<![.\\])(?<![A-Za-z]/)"
_V4_AFTER = r"(?![0-9A-Za-z])(?!\.[0-9A-Za-z])"

# ref. RFC 4291 §2.2 text forms: eight groups of 1-4 hex digits; ``::`` for one run of
# zero groups; the last 32 bits may be dotted IPv4 (``::ffff:192.0.2.1``). The regex is a
# superset; ``ipaddress.IPv6Address`` decides.
_H = r"[0-9A-Fa-f]{1,4}"
_IPV6 = (
    r"(?:(?:"
    + _H
    + r":){7}"
    + _H
    + r"|(?:"
    + _H
    + r":){6}"
    + _IPV4
    + r"|(?:"
    + _H
    + r"(?::"
    + _H
    + r")*)?::(?:(?:"
    + _H
    + r":)*(?:"
    + _IPV4
    + r"|"
    + _H
    + r"))?)"
)
# Not starting inside a longer address: not after ``::`` nor after ``<hex>:``, unless that
# hex letter ends a word (``ip:fe80::1``, ``src:fe80::1`` and ``登录IP：`` are labels).
_V6_BEFORE = ALNUM_BEFORE_NOT + r"(?<![.\\])(?<!::)(?<!(?<![G-Zg-z_])[0-9A-Fa-f]:)"
# ref. RFC 4007 §11.2: a zone index (``fe80::1%eth0``) is left outside the span.
# Nor glued to a mask character: ``A：：6****5`` is a masked ID number after two colons,
# not the address ``A::6`` (masking it again would change what was masked once).
_V6_AFTER = r"(?![0-9A-Za-z:*])(?!\.[0-9A-Za-z])"


class IpAddressRecognizer(Recognizer):
    """An IPv4 or IPv6 address.

    Format: IPv4 dotted decimal (RFC 791), each octet 0-255 without leading zeros; IPv6 in
    full, compressed (``::``) or IPv4-embedded form (RFC 4291 §2.2). Checked with the
    standard library's :mod:`ipaddress`; the unspecified addresses ``0.0.0.0`` and ``::``
    are not anyone's address, and neither is an IPv6 address written with one group
    (``::1``). Version strings are not addresses: ``v1.2.3.4`` is glued to
    a letter, ``version=1.2.3.4`` and ``build 1.2.3.4`` carry negative context, and four
    numbers inside a longer dotted run (``1.2.3.4.5``, OIDs) are not taken.

    Examples:
        match: 192.168.1.10
        match: client=⟦10.0.0.1⟧:8080
        match: ⟦203.0.113.7⟧ - - [02/Jan/2024:10:00:00 +0800] "GET / HTTP/1.1" 200
        match: 登录IP：⟦2001:db8::8a2e:370:7334⟧
        match: [⟦fe80::1⟧]:443
        match: 2001:0db8:0000:0000:0000:ff00:0042:8329
        no-match: version=1.2.3.4
        no-match: v1.2.3.4
        no-match: 1.2.3.4.5
        no-match: 2024.01.02
        no-match: 192.168.01.1
        no-match: 256.1.1.1
        no-match: 12:30:45
        no-match: tt@163.com:::0991
        no-match: [::1]:443
    """

    entity: ClassVar[str] = "IP_ADDRESS"
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("ipv4", _V4_BEFORE + _IPV4 + _V4_AFTER, 0.6),
        Pattern("ipv6", _V6_BEFORE + _IPV6 + _V6_AFTER, 0.6),
    )
    context: ClassVar[tuple[str, ...]] = (
        "IP地址",
        "IP",
        "地址",
        "登录IP",
        "来源",
        "客户端",
        "ip_address",
        "ipaddr",
        "addr",
        "client",
        "remote",
        "host",
        "server",
        "src",
        "dst",
        "source",
        "x-forwarded-for",
        "x-real-ip",
        "服务器",
        "dizhi",
        "kehuduan",
    )
    negative_context: ClassVar[tuple[str, ...]] = (
        "version",
        "ver.",
        "build",
        "release",
        "版本",
        "版本号",
        "oid",
        "netmask",
        "mask",
        "掩码",
        "banben",
    )
    validated_score: ClassVar[float] = 0.8
    specificity: ClassVar[int] = 40
    description: ClassVar[str] = "IPv4 or IPv6 address"
    validation: ClassVar[str] = (
        "parsed by Python's ipaddress (octets 0-255, no leading zeros; RFC 4291 groups); "
        "not the unspecified address; not inside a longer dotted run"
    )
    standard: ClassVar[str] = "RFC 791, RFC 4291 §2.2, RFC 5952"

    def validate(self, value: str) -> bool | None:
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return False
        if address.version == 6 and sum(1 for g in value.split(":") if g) < 2:
            # ::1 and ::991 write one group: loopback, or digits after "::" in some other
            # notation (a masked log's ":::0991-****578"), never a person's address.
            return False
        return not address.is_unspecified
