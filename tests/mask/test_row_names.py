"""A row's name followed into the row's text (``dataguard/mask/row_names.py``)."""

from __future__ import annotations

import polars as pl

from dataguard.mask.row_names import mask_row_names


def _run(
    original: dict[str, list[str | None]], redacted: dict[str, list[str | None]]
) -> tuple[pl.DataFrame, list[tuple[str, int, int]]]:
    calls: list[tuple[str, int, int]] = []
    out = mask_row_names(
        pl.DataFrame(original),
        pl.DataFrame(redacted),
        [("name", "remark")],
        lambda column, changed, names: calls.append((column, changed, names)),
    )
    return out, calls


def test_the_rows_name_is_masked_in_its_text_as_its_column_masks_it() -> None:
    original = {
        "name": ["万华", "江南", "王芳", None, "Li", "欧阳娜娜"],
        "remark": ["万华来电咨询退款", "江南已付款", "无", "万华", "Link ok", "欧阳**来电"],
    }
    redacted = {
        "name": ["万*", "江*", "王*", None, "L*", "欧阳**"],
        # The engine found nothing in the first three; it masked the last already.
        "remark": ["万华来电咨询退款", "江南已付款", "无", "万华", "Link ok", "欧阳**来电"],
    }
    out, calls = _run(original, redacted)
    assert out.get_column("remark").to_list() == [
        "万*来电咨询退款",
        "江*已付款",
        "无",
        "万华",  # a row without a name: nothing to follow
        "Link ok",  # a Latin name is not followed (Li inside Link)
        "欧阳**来电",
    ]
    assert out.get_column("name").to_list() == redacted["name"]
    assert calls == [("remark", 2, 2)]


def test_a_row_the_engine_changed_already_is_not_counted_again() -> None:
    original = {"name": ["于洋"], "remark": ["于洋 13812341050"]}
    redacted = {"name": ["于*"], "remark": ["于洋 ******1050"]}
    out, calls = _run(original, redacted)
    assert out.get_column("remark").to_list() == ["于* ******1050"]
    assert calls == [("remark", 0, 1)]


def test_nothing_to_follow_leaves_the_frame_as_it_was() -> None:
    original = {"name": ["王芳"], "remark": ["已发货"]}
    out, calls = _run(original, dict(original, name=["王*"]))
    assert out.get_column("remark").to_list() == ["已发货"]
    assert calls == []
