"""Sparse columns: a column the sample sees (almost) empty is classified from more values.

Planned clean, a column is copied as it is: the phones of a column filled in one row in
five thousand went into the redacted output unmasked (the sample drew none of them). Each
test here makes such a column and checks that none of its personal data survives.
"""

from __future__ import annotations

import csv
import random
import uuid
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from conftest import server_url
from dataguard.cli.main import cli

from dataguard.mask import Masker
from dataguard.redact import redact_file
from dataguard.sources.sparse import SPARSE_BELOW, new_text_values, thin_columns
from dataguard.testing import generators as gen

ROWS = 60_000
EVERY = 5_000  # a value in one row of five thousand: 12 in all


def _sparse_rows(seed: int) -> tuple[list[dict[str, str]], list[str]]:
    """Rows with an uninformatively named sparse mobile column (``c7``), a sparse remark
    holding ID numbers in sentences, and dense clean columns; and the personal values."""
    rng = random.Random(seed)
    rows, personal = [], []
    for i in range(ROWS):
        c7 = remark = ""
        if i % EVERY == 17:
            c7 = gen.mobile_digits(rng)
            remark = f"客户身份证 {gen.id_card(rng)} 已核验"
            personal += [c7, remark.split()[1]]
        rows.append({"id": str(i), "c7": c7, "remark": remark, "status": "ok"})
    return rows, personal


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_sparse_csv_column_is_classified_from_more_values_and_masked(tmp_path: Path) -> None:
    rows, personal = _sparse_rows(1)
    src, out = tmp_path / "export.csv", tmp_path / "out.csv"
    _write_csv(src, rows)
    report = redact_file(src, out, Masker())
    plans = {c["column"]: c for c in report["columns"]}
    assert (plans["c7"]["action"], plans["c7"]["entity"]) == ("mask", "CN_MOBILE")
    assert plans["remark"]["action"] == "engine"
    assert plans["status"]["action"] == "keep"
    assert report["sparse_columns"] == ["c7", "remark"]
    text = out.read_text("utf-8")
    assert not [value for value in personal if value in text]
    assert len(text.splitlines()) == ROWS + 1
    # Hand-written display masks (standards.md §2) of the first filled row.
    first = text.splitlines()[18].split(",")
    assert first[1] == "******" + personal[0][-4:]
    assert first[2] == "客户身份证 " + personal[1][0] + "*" * 16 + personal[1][-1] + " 已核验"


def test_a_sparse_parquet_int64_column_is_masked(tmp_path: Path) -> None:
    rng = random.Random(2)
    phones = [int(gen.mobile_digits(rng)) for _ in range(ROWS // EVERY)]
    column = [phones[i // EVERY] if i % EVERY == 3 else None for i in range(ROWS)]
    src, out = tmp_path / "export.parquet", tmp_path / "out.parquet"
    pl.DataFrame(
        {"id": range(ROWS), "k2": column}, schema={"id": pl.Int64, "k2": pl.Int64}
    ).write_parquet(src)
    report = redact_file(src, out, Masker())
    assert report["sparse_columns"] == ["k2"]
    masked = pl.read_parquet(out)["k2"].drop_nulls().to_list()
    assert masked == ["******" + str(p)[-4:] for p in phones]


def test_a_number_column_that_defaults_to_zero_is_sparse_too(tmp_path: Path) -> None:
    """``BIGINT NOT NULL DEFAULT 0`` with a phone in a few rows: zero is its "nothing"."""
    rng = random.Random(6)
    phones = [int(gen.mobile_digits(rng)) for _ in range(ROWS // EVERY)]
    column = [phones[i // EVERY] if i % EVERY == 3 else 0 for i in range(ROWS)]
    src, out = tmp_path / "export.parquet", tmp_path / "out.parquet"
    pl.DataFrame({"id": range(ROWS), "c9": column}).write_parquet(src)
    report = redact_file(src, out, Masker())
    assert report["sparse_columns"] == ["c9"]
    masked = pl.read_parquet(out)["c9"].to_list()
    assert [v for v in masked if v != "0"] == ["******" + str(p)[-4:] for p in phones]


def test_a_file_the_sample_reads_whole_has_nothing_more_to_show(tmp_path: Path) -> None:
    src = tmp_path / "small.csv"
    src.write_text("id,c7\n" + "".join(f"{i},\n" for i in range(50)) + "50,13812341050\n", "utf-8")
    report = redact_file(src, tmp_path / "out.csv", Masker())
    assert report["sparse_columns"] == []
    assert "13812341050" not in (tmp_path / "out.csv").read_text("utf-8")


def test_the_cli_says_which_columns_it_looked_at_again(tmp_path: Path) -> None:
    rows, personal = _sparse_rows(3)
    src = tmp_path / "export.csv"
    _write_csv(src, rows)
    result = CliRunner().invoke(cli, ["redact", str(src), "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert "classified from more values (the sample saw them almost empty): c7, remark" in (
        result.stderr
    )
    assert "would mask c7 as CN_MOBILE" in result.stderr
    assert not [value for value in personal if value in result.output + result.stderr]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql", "mariadb"])
def test_a_sparse_database_column_is_masked(kind: str, tmp_path: Path) -> None:
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'sparse.db'}" if kind == "sqlite" else server_url(kind)
    table = f"dg_test_{uuid.uuid4().hex[:10]}"
    rows, personal = _sparse_rows(4)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(f"CREATE TABLE {table} (id INTEGER, c7 VARCHAR(20), remark TEXT, status TEXT)")
        )
        connection.execute(
            sa.text(f"INSERT INTO {table} VALUES (:id, :c7, :remark, :status)"),
            [{**row, "c7": row["c7"] or None} for row in rows],
        )
    try:
        out = tmp_path / "out.csv"
        report = redact_file(None, out, Masker(), database=url, table=table)
        assert report["sparse_columns"] == ["c7", "remark"]
        text = out.read_text("utf-8")
        assert not [value for value in personal if value in text]
        assert len(text.splitlines()) == ROWS + 1
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP TABLE {table}"))
        engine.dispose()


def test_thin_columns_and_new_values_count_a_sampled_row_once() -> None:
    sample = pl.DataFrame(
        {
            "dense": [str(i + 1) for i in range(SPARSE_BELOW)],
            "thin": ["13812341050"] + [""] * (SPARSE_BELOW - 1),
            "when": [None] * SPARSE_BELOW,
        },
        schema={"dense": pl.String, "thin": pl.String, "when": pl.Date},
    )
    assert thin_columns(sample) == ["thin"]  # dates are left out; the dense one is not thin
    drawn = pl.DataFrame({"thin": ["13812341050", "13812341050", " ", "13912345678"]})
    # One copy of the sampled value is the sampled row itself; the second is another row.
    assert new_text_values(drawn, sample) == {"thin": ["13812341050", "13912345678"]}
    assert new_text_values(drawn, sample, values=1) == {"thin": ["13812341050"]}
