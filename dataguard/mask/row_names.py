"""A row's name, where it recurs in the row's free text, masked as its name column masks it.

An export holds a person's name in a name column and again in the row's remarks, chat or
search text (a ticket's ``客户万华来电咨询退款``, a PostgreSQL ``tsvector`` of ``'万华':1``).
The name column is masked whole; in free text the detector finds a name by its context (a
label, a phone beside it, an honorific). A name that is also a common word or a place
(万华, 江南, 于洋) and stands with no such context is no name the detector may lift from
text, and it went out in the remark while its column was masked. The row says whose name
it is: wherever the name column's value occurs in the same row's text columns, it is
replaced by that column's masked value, so both read the same (``万*``).

Only Chinese names (at least two characters, the first an ideograph) are followed: a short
Latin value such as ``Li`` occurs inside words. A name already masked in the text by the
engine no longer occurs there, so nothing is masked twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from dataguard.detect.repeats import FOLLOWED_NAME

__all__ = ["mask_row_names"]

Tally = Callable[[str, int, int], None]


def mask_row_names(
    original: pl.DataFrame,
    redacted: pl.DataFrame,
    pairs: Sequence[tuple[str, str]],
    tally: Tally,
) -> pl.DataFrame:
    """*redacted* with each (name column, text column) pair of *pairs* applied (module
    docstring). *original* is the batch as read; *tally* is called with the text column,
    the rows it changed that nothing had changed before, and the names it masked there."""
    columns: dict[str, pl.Series] = {}
    for name_column, text_column in pairs:
        text = columns.get(text_column, redacted.get_column(text_column))
        if text.dtype != pl.String:
            continue
        names = original.get_column(name_column).cast(pl.String)
        frame = pl.DataFrame({"text": text, "name": names})
        hit = frame.select(
            (
                pl.col("name").str.contains(FOLLOWED_NAME)
                & pl.col("text").str.contains(pl.col("name"), literal=True)
            ).fill_null(False)
        ).to_series()
        if not hit.any():
            continue
        masked = redacted.get_column(name_column).cast(pl.String)
        before = original.get_column(text_column)
        out = text.to_list()
        untouched = 0
        rows = hit.arg_true().to_list()
        for row in rows:
            if before.dtype == pl.String and out[row] == before[row]:
                untouched += 1
            out[row] = out[row].replace(names[row], masked[row] or "")
        columns[text_column] = pl.Series(text_column, out, dtype=pl.String)
        tally(text_column, untouched, len(rows))
    return redacted.with_columns(list(columns.values())) if columns else redacted
