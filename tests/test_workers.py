"""dataguard.workers.in_order: input order, a bounded number of calls in flight."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from dataguard.workers import in_order


def test_results_come_in_input_order_whatever_finishes_first() -> None:
    def slow_for_small(n: int) -> int:
        time.sleep(0.01 * (5 - n % 5))
        return n * n

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(in_order(pool, slow_for_small, range(20), window=4)) == [
            n * n for n in range(20)
        ]


def test_no_more_than_window_calls_are_ever_submitted_at_once() -> None:
    lock = threading.Lock()
    submitted_not_done = 0
    peak = 0

    def work(n: int) -> int:
        nonlocal submitted_not_done
        time.sleep(0.005)
        with lock:
            submitted_not_done -= 1
        return n

    def items() -> object:
        nonlocal submitted_not_done, peak
        for n in range(30):
            with lock:
                submitted_not_done += 1
                peak = max(peak, submitted_not_done)
            yield n

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(in_order(pool, work, items(), window=3)) == list(range(30))  # type: ignore[arg-type]
    assert peak == 3


def test_an_error_is_raised_when_its_turn_comes() -> None:
    def fails_on_three(n: int) -> int:
        if n == 3:
            raise ValueError("three")
        return n

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = in_order(pool, fails_on_three, range(10), window=2)
        assert [next(results) for _ in range(3)] == [0, 1, 2]
        with pytest.raises(ValueError, match="three"):
            next(results)


def test_a_result_is_handed_on_while_the_next_item_is_still_awaited() -> None:
    # A stream whose second item comes only after the first result was handed on: the
    # old in_order read a whole window of items first and waited for ever.
    first_handed_on = threading.Event()

    def trickle() -> object:
        yield 1
        assert first_handed_on.wait(timeout=10), "the first result never came"
        yield 2

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = in_order(pool, lambda n: n * 10, trickle(), window=4)  # type: ignore[arg-type]
        assert next(results) == 10
        first_handed_on.set()
        assert list(results) == [20]


def test_an_error_from_the_items_comes_after_every_result_before_it() -> None:
    def items() -> object:
        yield from range(3)
        raise OSError("input vanished")

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = in_order(pool, lambda n: n, items(), window=2)  # type: ignore[arg-type]
        assert [next(results) for _ in range(3)] == [0, 1, 2]
        with pytest.raises(OSError, match="input vanished"):
            next(results)


def test_stopping_early_stops_taking_items() -> None:
    taken: list[int] = []

    def items() -> object:
        for n in range(1000):
            taken.append(n)
            yield n

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = in_order(pool, lambda n: n, items(), window=3)  # type: ignore[arg-type]
        assert next(results) == 0
        results.close()
        time.sleep(0.5)
    assert len(taken) <= 5
