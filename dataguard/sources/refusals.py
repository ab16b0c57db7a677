"""A server refusing one table, told apart from a database that cannot be read at all.

DBAs scan with an audit account, and audit accounts are narrow: ``SELECT`` granted schema
by schema or table by table, and a ``statement_timeout`` (``max_execution_time``) so a
careless query cannot load production. One table the account may not read, or whose
sample outlasts the timeout, is that table's problem, not the scan's: the other tables are
still worth reporting, and the refused one must be named with what to grant. A dead
connection or wrong credentials, by contrast, end the scan.

ref. PostgreSQL Appendix A (SQLSTATE codes): 42501 insufficient_privilege, 57014
query_canceled (statement_timeout), 55P03 lock_not_available (lock_timeout). MySQL server
error reference: 1142 ER_TABLEACCESS_DENIED_ERROR, 1143 ER_COLUMNACCESS_DENIED_ERROR, 3024
ER_QUERY_TIMEOUT (max_execution_time), 1205 ER_LOCK_WAIT_TIMEOUT; MariaDB 1969
ER_STATEMENT_TIMEOUT (max_statement_time).
"""

from __future__ import annotations

from typing import Any

__all__ = ["DENIED", "TIMED_OUT", "TIMEOUT_SETTINGS", "account", "refusal"]

#: What :func:`refusal` returns for a missing privilege.
DENIED = "permission denied"
#: What :func:`refusal` returns for a statement or lock timeout.
TIMED_OUT = "timeout"

#: Where each database sets the timeout a refused read outlasted, for the advice in errors.
TIMEOUT_SETTINGS = (
    "PostgreSQL: ALTER ROLE … SET statement_timeout or lock_timeout; MySQL: "
    "max_execution_time; MariaDB: max_statement_time"
)

_POSTGRES = {"42501": DENIED, "57014": TIMED_OUT, "55P03": TIMED_OUT}
_MYSQL = {1142: DENIED, 1143: DENIED, 3024: TIMED_OUT, 1205: TIMED_OUT, 1969: TIMED_OUT}


def refusal(exc: BaseException) -> str | None:
    """:data:`DENIED` or :data:`TIMED_OUT` when *exc* (an SQLAlchemy ``DBAPIError`` or the
    driver's own exception) is the server refusing one statement on one table; None for
    anything else (a lost connection, a syntax error, bad credentials)."""
    orig = getattr(exc, "orig", exc)
    args = getattr(orig, "args", ())
    if args and isinstance(args[0], int):  # PyMySQL / mysqlclient: (errno, message)
        return _MYSQL.get(args[0])
    # psycopg (and psycopg2's pgcode). PyMySQL sets a sqlstate too ("42000" for many
    # errors), so the MySQL error number is read first.
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return _POSTGRES.get(sqlstate) if isinstance(sqlstate, str) else None


def account(url: Any, fallback: str) -> str:
    """The database account of *url* (an SQLAlchemy URL) as a ``GRANT`` names it: the user
    on PostgreSQL, ``'user'@'%'`` on MySQL/MariaDB (an account is a user and a host there);
    *fallback* when the URL names no user."""
    if not url.username:
        return fallback
    if url.get_backend_name() in ("mysql", "mariadb"):
        return f"'{url.username}'@'%'"
    return str(url.username)
