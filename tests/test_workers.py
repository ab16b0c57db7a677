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
