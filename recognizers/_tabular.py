"""Column-aware patterns: a value under its column name in CSV and SQL ``INSERT`` text,
and under its element name in XML.

Not a recognizer (the registry skips ``_`` modules). In a CSV export (header line, then a
row) or a SQL ``INSERT INTO t (id, real_name, …) VALUES (1, '张三', …)`` the column name is
the value's label, but it is not next to the value: it sits at the same position of the
header or of the column list. Regexes cannot count, so a pattern has one alternative
per column position (``COLUMNS`` of them); each requires the column name at position *k* of the
header or column list and takes the value at position *k* of the next line or of the
``VALUES`` list. Only the first row after a header, and the first tuple of a ``VALUES``
list, are reached.
"""

from __future__ import annotations

from dataguard.detect.recognizer import Pattern

#: Column positions covered (0-based); a wider table's later columns are not reached.
COLUMNS = 8

#: ref. PHP's ``var_dump``: a string's type and byte length between the arrow and the value
#: (``["password"]=> string(8) "…"``), which a key-value pattern skips after ``=>``.
PHP_STRING_TYPE = r"(?:[ \t]*string\([0-9]{1,9}\))?"

# ref. RFC 4180 §2: a field is either quoted ("…", a quote doubled inside) or has no comma,
# quote or line break.
_CSV_FIELD = r'(?:"(?:[^"\r\n]|"")*"|[^,"\r\n]*)'
# ref. MySQL INSERT syntax: a column name, optionally back-quoted; a value is a quoted string
# (quotes doubled or backslash-escaped), or a bare literal (number, NULL).
_SQL_COLUMN = r"`?[A-Za-z_][A-Za-z0-9_]*`?"
_SQL_VALUE = r"(?:'(?:[^'\\\r\n]|''|\\.)*'|[^,()'\r\n]*)"


def repeat(regex: str, times: int) -> str:
    """*regex* exactly *times* times; nothing for 0 (Hyperscan refuses ``{0}``)."""
    return f"(?:{regex}){{{times}}}" if times else ""


def csv_column(header: str, value: str) -> str:
    """A regex for *value* in the row right under a *header* column of a CSV header line.

    *header* must match a whole header field (it is wrapped in optional quotes); *value*
    should hold a ``(?P<value>…)`` group and match a whole field, optionally quoted. One
    alternative per column position, all sharing the value at the end.
    """
    positions = []
    for k in range(COLUMNS):
        skip = repeat(_CSV_FIELD + ",", k)
        positions.append(skip + f'"?(?:{header})"?(?=[,\\r\\n])(?:,[^\\r\\n]*)?\\r?\\n' + skip)
    return r"(?m:^)(?:" + "|".join(positions) + ")" + value


def sql_insert_column(column: str, value: str) -> str:
    """A regex for *value* in the first ``VALUES`` tuple of an INSERT, under *column*.

    *column* must match a whole column name; *value* should hold a ``(?P<value>…)`` group
    and match a whole quoted value (quotes included). One alternative per column
    position, all sharing the value at the end.
    """
    positions = []
    for k in range(COLUMNS):
        cols = repeat(_SQL_COLUMN + r"[ \t]*,[ \t]*", k)
        vals = repeat(_SQL_VALUE + r"[ \t]*,[ \t]*", k)
        positions.append(
            cols
            + f"`?(?:{column})`?[ \\t]*(?:,[^()\\r\\n]*)?\\)[ \\t]*(?i:values)[ \\t]*\\([ \\t]*"
            + vals
        )
    return (
        r"(?=[Ii])(?i:insert[ \t]+into)[ \t]+[`A-Za-z0-9_.]+[ \t]*\([ \t]*(?:"
        + "|".join(positions)
        + ")"
        + value
    )


def xml_element(name: str, value: str) -> str:
    """A regex for *value* as the text of an XML element named *name* (SOAP and
    bank-interface messages: ``<custName>…``, ``<ns:userPwd>…``; a namespace prefix and
    attributes allowed), or the text of a CDATA section in it (WeChat Pay's and many Chinese
    open platforms' XML: ``<receiver_name><![CDATA[…]]></receiver_name>``). *value* takes
    the text and whatever must follow it (``(?:]]>)?</``).

    The opening ``<`` is looked behind, not matched: Hyperscan compiles the prefilter form
    of such a pattern in 0.01 s that way, in up to 1.4 s with a leading literal ``<``.
    """
    return r"(?<=<)(?:[A-Za-z_][\w.\-]*:)?(?:" + name + r")(?:\s[^<>]*)?>(?:<!\[CDATA\[)?" + value


def column_patterns(name: str, column: str, value: str, score: float) -> tuple[Pattern, Pattern]:
    """Two patterns for a bare *value* regex under a *column* name: in a CSV export (the
    value whole, optionally quoted) and in an INSERT statement (the value quoted), named
    ``{name}_csv_column`` and ``{name}_sql_column``."""
    return (
        Pattern(
            f"{name}_csv_column",
            csv_column(column, '"?(?P<value>' + value + r')"?(?=[,\r\n]|$)'),
            score,
        ),
        Pattern(
            f"{name}_sql_column", sql_insert_column(column, "'(?P<value>" + value + ")'"), score
        ),
    )
