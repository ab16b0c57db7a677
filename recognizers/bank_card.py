"""Payment card numbers (PANs): UnionPay and older domestic BINs, Visa, Mastercard, …"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from dataguard.detect.recognizer import ALNUM_AFTER_NOT, ALNUM_BEFORE_NOT, Pattern, Recognizer

from ._context import ORDER_FIELD_WORDS

if TYPE_CHECKING:
    import polars as pl

# A decimal point followed by digits makes the run a number (an amount), not a card.
_BEFORE = ALNUM_BEFORE_NOT + r"(?<![0-9]\.)"
_AFTER = ALNUM_AFTER_NOT + r"(?!\.[0-9])"
# A grouped number does not continue into a further group of digits on either side.
_GROUP_BEFORE = _BEFORE + r"(?<![0-9][- ])"
_GROUP_AFTER = _AFTER + r"(?![- ][0-9])"

# ref. ISO/IEC 7812-1: a PAN is 8-19 digits; payment cards in use here are 15-19, the
# first digit (major industry identifier) is never 0.
_BARE = r"[1-9][0-9]{14,18}"
# ref. ISO/IEC 7812 printing practice: groups of 4 (4-4-4-3 … 4-4-4-4-3), spaces or dashes.
_GROUPED = r"[1-9][0-9]{3}(?:[- ][0-9]{4}){2}[- ](?:[0-9]{4}(?:[- ][0-9]{1,3})?|[0-9]{3})"
# ref. bank statements and payment back-office exports: the six-digit issuer prefix (BIN),
# a dash, then the rest (622202-7302157368195). Dash only: a space between a six-digit
# number and a longer one is as often two numbers (a postcode and a phone, say).
_BIN_SPLIT = r"[1-9][0-9]{5}-[0-9]{9,13}"
# ref. American Express card layout: 15 digits grouped 4-6-5.
_AMEX = r"3[47][0-9]{2}[- ][0-9]{6}[- ][0-9]{5}"

# ref. ISO/IEC 7812-1 issuer identification numbers as published by the schemes
# (UnionPay 62; ICBC 9558, ABC 9559 and BOC 601382, BOCOM 601428 from before UnionPay;
# Visa 4; Mastercard 51-55 and 2221-2720; Amex 34/37; JCB 3528-3589; Discover 6011,
# 644-649, 65): (lowest prefix, highest prefix, allowed lengths).
_KNOWN_BINS: tuple[tuple[str, str, frozenset[int]], ...] = (
    ("62", "62", frozenset(range(16, 20))),
    ("9558", "9559", frozenset(range(16, 20))),
    ("601382", "601382", frozenset(range(16, 20))),
    ("601428", "601428", frozenset(range(16, 20))),
    ("4", "4", frozenset({16, 19})),
    ("51", "55", frozenset({16})),
    ("2221", "2720", frozenset({16})),
    ("34", "34", frozenset({15})),
    ("37", "37", frozenset({15})),
    ("3528", "3589", frozenset(range(16, 20))),
    ("6011", "6011", frozenset(range(16, 20))),
    ("644", "649", frozenset(range(16, 20))),
    ("65", "65", frozenset(range(16, 20))),
)


def luhn_ok(digits: str) -> bool:
    """True when *digits* passes the Luhn (ISO/IEC 7812-1 annex B, mod 10) check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def known_bin(digits: str) -> bool:
    """True when *digits* starts with a known issuer prefix and has that scheme's length."""
    for low, high, lengths in _KNOWN_BINS:
        if low <= digits[: len(low)] <= high and len(digits) in lengths:
            return True
    return False


class BankCardRecognizer(Recognizer):
    """A payment card number: 15-19 digits, Luhn-valid, optionally grouped by 4.

    Format: 15-19 digits (most Chinese debit cards have 19, UnionPay BIN ``62``), bare or
    grouped by spaces or dashes in fours (``6222 0212 3456 7890 128``), Amex 4-6-5, or the
    six-digit issuer prefix and the rest split by a dash (``622202-7302157368195``). The Luhn
    check is required: a card-shaped number that fails it is an order or trade number. A known
    issuer prefix (UnionPay 62, older domestic 9558 / 9559 / 601382 / 601428, Visa, Mastercard,
    Amex, JCB, Discover) with the scheme's length confirms the number; an unknown prefix keeps
    the low pattern score (0.4), so it is reported only with context (卡号, card, kahao, …).

    Examples:
        match: 6222021234567890128
        match: 卡号：⟦6222 0212 3456 7890 128⟧
        match: 6222-0212-3456-7894
        match: {"account":"⟦9558801234567890128⟧"}
        match: card_no=⟦8800123456789012342⟧&amt=1
        match: 3712 345678 90120
        match: 绑定银行卡 ⟦622202-7302157368195⟧ 成功
        no-match: 622202-7302157368194
        no-match: 622202-7302157368195-01
        no-match: 6222021234567890127
        no-match: 订单号：6222021234567890128
        no-match: 8800123456789012342
        no-match: 6222********1234
        no-match: sha=ab6222021234567890128f
        no-match: 16222021234567890128
        no-match: 金额 6222021234567894.50
        no-match: ts=1700000000123
    """

    entity: ClassVar[str] = "BANK_CARD"
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("bank_card", _BEFORE + _BARE + _AFTER, 0.4),
        Pattern("bank_card_grouped", _GROUP_BEFORE + _GROUPED + _GROUP_AFTER, 0.4),
        Pattern("bank_card_amex", _GROUP_BEFORE + _AMEX + _GROUP_AFTER, 0.4),
        Pattern("bank_card_bin_split", _GROUP_BEFORE + _BIN_SPLIT + _GROUP_AFTER, 0.4),
    )
    context: ClassVar[tuple[str, ...]] = (
        "卡号",
        "银行卡",
        "银行卡号",
        "储蓄卡",
        "借记卡",
        "信用卡",
        "账号",
        "帐号",
        "账户",
        "card",
        "cardno",
        "card_no",
        "bankcard",
        "bank_card",
        "account",
        "acct",
        "kahao",
        "yhk",
        "yinhangka",
        "zhanghao",
    )
    negative_context: ClassVar[tuple[str, ...]] = (
        "订单",
        "订单号",
        *ORDER_FIELD_WORDS,
        "trade",
        "交易号",
        "流水",
        "trace",
        "txn",
        "serial",
        "tracking",
        "运单",
    )
    specificity: ClassVar[int] = 80
    description: ClassVar[str] = "Payment card number (bank card)"
    validation: ClassVar[str] = (
        "Luhn required; a known issuer prefix with its scheme's length confirms, an unknown "
        "prefix needs context"
    )
    standard: ClassVar[str] = "ISO/IEC 7812-1 (IIN, Luhn); JR/T 0171-2020 (masking practice)"

    def reject_many(self, pattern: str, core: pl.Expr) -> pl.Expr | None:
        """Batch path: Luhn failures of the bare pattern, computed column-wise.

        The bare pattern is a maximal digit run bounded by lookaheads, so the value the
        full pattern verifies is the core itself.
        """
        if pattern != "bank_card":
            return None
        import polars as pl

        # Digits by integer arithmetic, not string slicing (eight times faster): the low 9
        # and the high (up to 10) digits each fit an Int64.
        low = core.str.slice(-9).str.to_integer(strict=False).fill_null(0)
        high = core.str.head(-9).str.to_integer(strict=False).fill_null(0)
        terms = []
        for k in range(19):
            d = (low // 10**k) % 10 if k < 9 else (high // 10 ** (k - 9)) % 10
            terms.append(pl.when(d > 4).then(d * 2 - 9).otherwise(d * 2) if k % 2 else d)
        return pl.sum_horizontal(terms) % 10 != 0

    def validate(self, value: str) -> bool | None:
        digits = "".join(ch for ch in value if ch.isdigit())
        if not 15 <= len(digits) <= 19 or not luhn_ok(digits):
            return False
        return True if known_bin(digits) else None
