"""Column types of a database result: chosen before the rows stream, and never lossy."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import polars as pl
import pytest

from dataguard.errors import UsageError
from dataguard.sources.db_columns import column_types, sqlite_storage, to_frame

sa = pytest.importorskip("sqlalchemy")

NAMES = ["id", "mobile", "profile", "amount", "seen"]
FIRST = [
    (1, 13812341050, {"phone": "13912345678"}, Decimal("10.50"), dt.date(2024, 1, 2)),
    (2, None, None, Decimal("3.00"), None),
]


def test_types_follow_the_first_values_and_json_is_text() -> None:
    types = {t.name: t for t in column_types(NAMES, FIRST)}
    assert types["id"].dtype == pl.Int64
    assert not types["id"].as_text
    assert types["mobile"].dtype == pl.Int64
    assert types["profile"].as_text
    assert types["profile"].dtype == pl.String
    assert types["amount"].dtype == pl.Decimal(38, 2)
    assert types["seen"].dtype == pl.Date
    frame = to_frame("t", list(types.values()), FIRST, 1)
    assert json.loads(frame["profile"][0]) == {"phone": "13912345678"}
    assert frame["amount"].to_list() == [Decimal("10.50"), Decimal("3.00")]


def test_lists_and_driver_value_classes_are_text() -> None:
    # A query's PostgreSQL array (a list) and inet / uuid (objects polars cannot hold).
    import ipaddress
    import uuid

    rows = [
        (["13812341050", "13912345678"], ipaddress.ip_address("10.1.2.3"), uuid.UUID(int=7)),
        (None, None, None),
    ]
    types = column_types(["phones", "ip", "ref"], rows)
    assert all(t.as_text and t.dtype == pl.String for t in types)
    frame = to_frame("t", types, rows, 1)
    assert json.loads(frame["phones"][0]) == ["13812341050", "13912345678"]
    assert frame["ip"].to_list() == ["10.1.2.3", None]
    assert frame["ref"][0] == "00000000-0000-0000-0000-000000000007"


def test_durations_are_text_as_mysql_prints_time() -> None:
    # MySQL TIME (PyMySQL: timedelta) failed the CSV writer as a polars Duration.
    rows = [(dt.timedelta(hours=838, minutes=59, seconds=59),), (-dt.timedelta(seconds=90),)]
    types = column_types(["call_time"], rows)
    assert types[0].as_text
    assert to_frame("t", types, rows, 1)["call_time"].to_list() == ["838:59:59", "-00:01:30"]


def test_a_column_empty_in_the_first_rows_takes_its_declared_type_or_text() -> None:
    declared = {"id": sa.Integer(), "mobile": sa.String(20), "profile": sa.JSON(),
                "amount": sa.Numeric(), "seen": sa.DateTime(timezone=True)}  # fmt: skip
    empty = [(None,) * len(NAMES)]
    types = {t.name: t for t in column_types(NAMES, empty, declared)}
    assert types["id"].dtype == pl.Int64
    assert not types["id"].as_text
    # Text, losslessly: no declared scale, no time zone to give the column.
    assert all(types[n].as_text for n in ("mobile", "profile", "amount", "seen"))
    later = [(7, 13812341050, ["a", {"b": 1}], Decimal("1.125"), dt.datetime(2024, 1, 2, 3, 4))]
    frame = to_frame("t", list(types.values()), later, 1001)
    assert frame.row(0) == (7, "13812341050", '["a", {"b": 1}]', "1.125", "2024-01-02 03:04:00")


def test_values_of_several_kinds_make_a_text_column_but_ints_and_floats_stay_numbers() -> None:
    rows = [(1, 1), ("138-1234-1050", 2.5)]
    types = column_types(["phone", "amount"], rows)
    assert types[0].as_text
    assert types[1].dtype == pl.Float64
    assert to_frame("t", types, rows, 1).rows() == [("1", 1.0), ("138-1234-1050", 2.5)]


@pytest.mark.parametrize(
    ("later", "kind"),
    [
        ((3, "13812341050"), "str"),  # another kind in a typed column
        ((3, Decimal("1.125")), "more than 2 decimal places"),  # polars would round it
        ((3, 2**70), "out of range"),
    ],
)
def test_a_later_value_that_does_not_fit_is_an_error_naming_column_and_row_not_value(
    later: tuple[object, object], kind: str
) -> None:
    types = column_types(["id", "amount"], [(1, Decimal("1.50")), (2, Decimal("2.25"))])
    if kind == "out of range":
        types = column_types(["id", "amount"], [(1, 5), (2, 6)])
    first: object = 1 if kind == "out of range" else Decimal("1.00")
    with pytest.raises(UsageError) as raised:
        to_frame("db#t", types, [(3, first), later], 50_001)
    message = str(raised.value)
    assert "column 'amount'" in message
    assert kind in message
    assert ("50,002" if kind != "out of range" else "50,001 to 50,002") in message
    assert str(later[1]) not in message


def test_a_decimal_with_trailing_zeros_beyond_the_scale_fits() -> None:
    types = column_types(["amount"], [(Decimal("1.50"),)])
    frame = to_frame("t", types, [(Decimal("2.500"),)], 1)
    assert frame["amount"].to_list() == [Decimal("2.50")]


def test_a_query_whose_decimals_vary_in_places_is_read_as_text() -> None:
    types = column_types(["amount"], [(Decimal("1.5"),), (Decimal("123456789012.125"),)])
    assert types[0].as_text
    assert to_frame("t", types, [(Decimal("0.0001"),)], 1)["amount"][0] == "0.0001"


def test_binary_values_in_a_text_column_are_refused_by_name() -> None:
    types = column_types(["note"], [("a",), (1,)])
    with pytest.raises(UsageError, match="column 'note' holds a value \\(binary\\) at row 2"):
        to_frame("t", types, [("b",), (b"\x00\x01",)], 1)


def test_sqlite_storage_names_mixed_columns() -> None:
    engine = sa.create_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (a INTEGER, b, c TEXT, d INTEGER)"))
        connection.execute(
            sa.text("INSERT INTO t VALUES (1, 1, 'x', 1), ('y', 2.5, 'z', NULL), (2, 3, NULL, 4)")
        )
        storage = sqlite_storage(connection, "(SELECT * FROM t)", ["a", "b", "c", "d"])
    assert storage == {"a": "text", "b": "real"}
