"""The per-column memory of masked values: bounded, and never wrong when it overflows."""

from __future__ import annotations

import polars as pl
import pytest

import dataguard.mask.table as table
from dataguard.mask import Masker
from dataguard.mask.table import TableRedactor
from tests.redact.test_parallel import _orders


def test_an_overflow_forgets_the_oldest_values_this_batch_does_not_need(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(table, "_MEMO_SIZE", 4)
    memo = {"a": "A", "b": "B", "c": "C", "d": "D"}
    fresh = table._not_remembered(memo, ["b", "x", "y"])
    assert fresh == ["x", "y"]
    # Two places were needed: "a" and "c" (the oldest not asked for) go, "b" stays.
    assert list(memo) == ["b", "d"]


def test_a_batch_larger_than_the_memo_keeps_what_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table, "_MEMO_SIZE", 2)
    memo = {"a": "A", "b": "B"}
    assert table._not_remembered(memo, ["a", "b", "x", "y", "z"]) == ["x", "y", "z"]
    assert memo == {"a": "A", "b": "B"}


def test_a_tiny_memo_gives_the_same_output_as_a_large_one(monkeypatch: pytest.MonkeyPatch) -> None:
    orders = _orders(160, seed=3)
    # Values repeat across batches, so the memo is used, overflows and is reused.
    frame = pl.concat([orders, orders.sample(fraction=1.0, shuffle=True, seed=1)])

    def redacted() -> pl.DataFrame:
        redactor = TableRedactor(Masker())
        plan = redactor.plan(orders)
        return pl.concat(list(redactor.apply_batches(frame.lazy(), plan, batch_rows=30)))

    large = redacted()
    monkeypatch.setattr(table, "_MEMO_SIZE", 7)
    assert redacted().equals(large)
    assert (large["mobile"] != frame["mobile"]).all()


def test_entity_counts_are_per_row_whatever_the_memo_and_batches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    orders = _orders(160, seed=3)
    # The same remarks again, shuffled: a remark repeated on n rows counts n times.
    frame = pl.concat([orders, orders.sample(fraction=1.0, shuffle=True, seed=1)])
    remarks = frame["remark"].to_list()
    mobiles = sum(r.startswith("客户来电") for r in remarks)
    cards = sum(r.startswith("退款到") for r in remarks)
    assert mobiles > 0
    assert cards > 0

    def remark_counts(batch_rows: int) -> dict[str, int]:
        redactor = TableRedactor(Masker())
        plan = redactor.plan(orders)
        for _ in redactor.apply_batches(frame.lazy(), plan, batch_rows=batch_rows):
            pass
        return {k: v for k, v in redactor.counts["remark"].items() if k.startswith("entity:")}

    expected = {"entity:CN_MOBILE": mobiles, "entity:BANK_CARD": cards}
    assert remark_counts(1000) == expected
    monkeypatch.setattr(table, "_MEMO_SIZE", 7)
    assert remark_counts(30) == expected
