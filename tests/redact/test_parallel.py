"""Batch redaction on worker processes (``dataguard redact --jobs``): the same output.

Workers are real spawned processes here. Inputs of one batch stay in one process, so
the tests lower the threshold (``dataguard.redact.BATCH_ROWS``) or call
:meth:`TableRedactor.apply_batches` with small batches to reach the worker path on
small inputs.
"""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
import pytest

import dataguard.redact
from dataguard.detect import Detector
from dataguard.detect.registry import load_recognizers
from dataguard.errors import UsageError
from dataguard.mask import Masker, OperatorEnv, load_policy
from dataguard.mask.stream import MaskerSpec
from dataguard.mask.table import TableRedactor
from dataguard.redact import redact_file
from dataguard.sources.tables import open_table
from dataguard.testing import generators as gen
from tests.redact.test_redact import ORDERS, ORDERS_MASKED


def _orders(rows: int, seed: int) -> pl.DataFrame:
    """Generated orders: PII columns, filler, and remarks with PII in some rows."""
    rng = random.Random(seed)
    columns: dict[str, list[str]] = {
        "order_id": [],
        "mobile": [],
        "id_card": [],
        "email": [],
        "address": [],
        "remark": [],
    }
    for _ in range(rows):
        columns["order_id"].append(gen.order_number(rng))
        columns["mobile"].append(gen.mobile(rng))
        columns["id_card"].append(gen.id_card(rng))
        columns["email"].append(gen.email(rng))
        columns["address"].append(gen.address(rng))
        remark = rng.choice(
            (f"客户来电{gen.mobile(rng)}", f"退款到{gen.bank_card(rng)}", "请尽快发货", "")
        )
        columns["remark"].append(remark)
    return pl.DataFrame(columns)


@pytest.fixture(scope="module")
def orders() -> pl.DataFrame:
    return _orders(240, seed=7)


def _run(
    masker: Masker, frame: pl.DataFrame, jobs: int, key: bytes | None = None
) -> tuple[pl.DataFrame, dict[str, dict[str, int]], int]:
    redactor = TableRedactor(masker)
    plan = redactor.plan(frame)
    spec = MaskerSpec(masker.policy.policy, key=key)
    batches = list(redactor.apply_batches(frame.lazy(), plan, jobs=jobs, spec=spec, batch_rows=25))
    counts = {column: dict(found) for column, found in redactor.counts.items()}
    return pl.concat(batches), counts, redactor.rows


def test_workers_give_the_same_rows_in_the_same_order_and_the_same_counts(
    orders: pl.DataFrame,
) -> None:
    single, single_counts, single_rows = _run(Masker(), orders, jobs=1)
    parallel, parallel_counts, parallel_rows = _run(Masker(), orders, jobs=2)
    assert parallel.equals(single)
    assert parallel_counts == single_counts
    assert parallel_rows == single_rows == orders.height
    # Something was masked: the comparison is not between two copies of the input.
    assert (parallel["mobile"] != orders["mobile"]).all()
    assert single_counts["remark"]["changed"] > 0


def test_the_masking_key_reaches_the_workers(orders: pl.DataFrame) -> None:
    key = b"k" * 32
    masker = Masker(load_policy("pseudonymize"), env=OperatorEnv(master_key=lambda: key))
    single, _, _ = _run(masker, orders, jobs=1)
    parallel, _, _ = _run(masker, orders, jobs=2, key=key)
    assert parallel.equals(single)
    assert not (parallel["mobile"] == orders["mobile"]).any()


def test_redact_file_with_jobs_writes_the_hand_masked_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dataguard.redact, "BATCH_ROWS", 0)  # reach the workers on 2 rows
    src, dst = tmp_path / "orders.csv", tmp_path / "out.csv"
    src.write_text(ORDERS, "utf-8")
    report = redact_file(src, dst, Masker(), jobs=2)
    assert report["jobs"] == 2
    assert dst.read_text("utf-8") == ORDERS_MASKED
    remark = next(c for c in report["columns"] if c["column"] == "remark")
    assert (remark["values"], remark["changed"]) == (2, 1)
    assert report["rows"] == 2


def test_one_batch_stays_in_one_process(tmp_path: Path) -> None:
    src, dst = tmp_path / "orders.csv", tmp_path / "out.csv"
    src.write_text(ORDERS, "utf-8")
    report = redact_file(src, dst, Masker(), jobs=2)
    assert report["jobs"] == 1
    assert dst.read_text("utf-8") == ORDERS_MASKED


@pytest.mark.parametrize(
    "masker",
    [
        # A keyring among the operator extras: keys never leave this process.
        pytest.param(lambda: Masker(env=OperatorEnv(extras={"keyring": object()})), id="keyring"),
        # Recognizers given in code: a worker could not build the same detector.
        pytest.param(
            lambda: Masker(detector=Detector(recognizers=load_recognizers())), id="detector"
        ),
    ],
)
def test_what_workers_cannot_rebuild_runs_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, masker: object
) -> None:
    monkeypatch.setattr(dataguard.redact, "BATCH_ROWS", 0)
    src, dst = tmp_path / "orders.csv", tmp_path / "out.csv"
    src.write_text(ORDERS, "utf-8")
    report = redact_file(src, dst, masker(), jobs=2)  # type: ignore[operator]
    assert report["jobs"] == 1
    assert dst.read_text("utf-8") == ORDERS_MASKED


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_batch_check_stops_the_stream_at_the_batch_it_refuses(
    tmp_path: Path, jobs: int
) -> None:
    """``check`` sees every batch as read, in this process, also when workers mask; the
    stream stops at the batch it refuses."""
    src = tmp_path / "in.csv"
    good = [f"1381234{i:04d},1" for i in range(100)]
    src.write_text("\n".join(["mobile,x", *good, "13912345678", "13812349999,2"]) + "\n")
    source = open_table(src, "csv")
    masker = Masker()
    redactor = TableRedactor(masker)
    plan = redactor.plan(source.frame.head(10).collect())
    batches = redactor.apply_batches(
        source.frame,
        plan,
        jobs=jobs,
        spec=MaskerSpec(masker.policy.policy),
        batch_rows=25,
        check=source.check_batch,
    )
    seen: list[int] = []
    with pytest.raises(UsageError, match="record 102 has 1 fields where the header has 2"):
        seen.extend(batch.height for batch in batches)
    # The refused batch is never handed on (with workers, reading ahead, fewer come first).
    assert seen == [25] * len(seen)
    assert len(seen) == 4 or (jobs > 1 and len(seen) < 4)
