"""Column types that behave the same on SQLite, PostgreSQL and MariaDB.

SQLAlchemy's generic types get most of the way; two need help:

* JSON documents are ``jsonb`` on PostgreSQL, ``JSON`` on MariaDB (an alias of LONGTEXT with
  a ``json_valid`` check) and plain ``TEXT`` on SQLite, where applications store JSON as text.
* ``DECIMAL`` on SQLite: SQLAlchemy binds Decimals as floats there, which would silently
  round an 18-digit ID number stored in ``DECIMAL(18,0)``. :class:`ExactNumeric` binds
  integers (scale 0) or decimal text instead and keeps the declared ``DECIMAL(p, s)``.
"""

from __future__ import annotations

import decimal
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

__all__ = [
    "BIGINT",
    "DATE",
    "DATETIME",
    "INT",
    "TEXT",
    "TINYINT",
    "ExactNumeric",
    "JSONDocument",
    "char",
    "decimal_",
    "long_text",
    "varchar",
]

_MYSQL = ("mysql", "mariadb")


def dumps(value: object) -> str:
    """JSON text as Chinese applications write it: UTF-8, no ``\\uXXXX`` escapes."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class JSONDocument(TypeDecorator[Any]):
    """A JSON column: ``jsonb`` (PostgreSQL), ``JSON`` (MariaDB), ``TEXT`` (SQLite)."""

    impl = sa.JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.JSONB())
        if dialect.name in _MYSQL:
            return dialect.type_descriptor(mysql.JSON())
        return dialect.type_descriptor(sa.Text())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is not None and dialect.name not in ("postgresql", *_MYSQL):
            return dumps(value)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if isinstance(value, str) and dialect.name not in ("postgresql", *_MYSQL):
            return json.loads(value)
        return value


class _SQLiteDecimal(UserDefinedType[Any]):
    """``DECIMAL(p, s)`` in SQLite DDL with no float conversion on the way in."""

    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        self.precision = precision
        self.scale = scale

    def get_col_spec(self, **_kw: Any) -> str:
        return f"DECIMAL({self.precision}, {self.scale})"


class ExactNumeric(TypeDecorator[Any]):
    """``DECIMAL(p, s)`` that stores exact values on SQLite too (see the module docstring)."""

    impl = sa.Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__(precision=precision, scale=scale)
        self.precision = precision
        self.scale = scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return _SQLiteDecimal(self.precision, self.scale)
        return dialect.type_descriptor(sa.Numeric(self.precision, self.scale))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        number = decimal.Decimal(value)
        return int(number) if self.scale == 0 else str(number)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None or isinstance(value, decimal.Decimal):
            return value
        return decimal.Decimal(str(value)).quantize(decimal.Decimal(1).scaleb(-self.scale))


def varchar(length: int) -> TypeEngine[Any]:
    """``VARCHAR(length)``; lengths count characters (utf8mb4 on MariaDB)."""
    return sa.String(length)


def char(length: int) -> TypeEngine[Any]:
    """``CHAR(length)``."""
    return sa.CHAR(length)


def decimal_(precision: int, scale: int) -> TypeEngine[Any]:
    """``DECIMAL(precision, scale)``, exact on every dialect."""
    return ExactNumeric(precision, scale)


def long_text() -> TypeEngine[Any]:
    """``TEXT`` (``MEDIUMTEXT`` on MariaDB, where TEXT stops at 64 KB)."""
    return sa.Text().with_variant(mysql.MEDIUMTEXT(), *_MYSQL)


TINYINT: TypeEngine[Any] = sa.SmallInteger().with_variant(mysql.TINYINT(), *_MYSQL)
INT: TypeEngine[Any] = sa.Integer()
BIGINT: TypeEngine[Any] = sa.BigInteger()
TEXT: TypeEngine[Any] = sa.Text()
DATE: TypeEngine[Any] = sa.Date()
DATETIME: TypeEngine[Any] = sa.DateTime()
