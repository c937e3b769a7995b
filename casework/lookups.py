"""Query expressions that tell PostgreSQL's planner how to read a set of ids.

Each is a test ``column = something`` that PostgreSQL reads differently when written with ``ANY``:
elsewhere (SQLite) it is written plainly.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import BigIntegerField, BooleanField, CharField, F, Func, Q, QuerySet, Value


class _AnyOf(Func):
    """``left <joiner> right``; on PostgreSQL ``left = ANY(<opening> right <closing>)``."""

    arity = 2
    template = "%(expressions)s"
    output_field = BooleanField()
    conditional = True
    # How each one is written on PostgreSQL, after "left = ANY(" and after "right".
    opening = ""
    closing = ")"

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="%(expressions)s" + self.closing,
            arg_joiner=" = ANY(" + self.opening,
            **extra_context,
        )


class AmongIds(_AnyOf):
    """``column`` is one of the ids a subquery returns: ``AmongIds(F("investigation_id"), Subquery(ids))``.

    Written ``column = ANY(ARRAY(subquery))`` on PostgreSQL: the subquery runs once, first, and
    each id is looked up through the index of ``column``; two of them ORed become one bitmap of
    both indexes. ``column IN (subquery)``, the same test, lets the planner hash the subquery and
    scan the whole table instead, which it does when it expects more than a few rows, however few
    there are. Elsewhere (SQLite) ``column IN (subquery)``.
    """

    arg_joiner = " IN "
    opening = "ARRAY"  # the subquery compiles with its parentheses: ARRAY(SELECT …)


class RowByRow(_AnyOf):
    """``left = right``, written for PostgreSQL as ``left = ANY(ARRAY[right])``: the same test, which it can
    neither hash nor turn into a hashed semi-join, so that a correlated ``EXISTS`` is looked up per row."""

    arg_joiner = " = "
    opening = "ARRAY["
    closing = "])"


class _AmongArray(_AnyOf):
    """``column = ANY(array)``, the array a parameter (PostgreSQL only)."""


class _IdArray(Func):
    """A text parameter cast to an array of ids (PostgreSQL)."""

    template = "%(expressions)s::bigint[]"
    output_field = ArrayField(BigIntegerField())


def among_ids_read_first(column: str, ids: QuerySet[Any]) -> Q:
    """``column`` is one of ``ids`` (``values_list(name, flat=True)``), which is read now, in a query of its own.

    For a set that several queries of a page test (a list's count and its rows): read once, it
    reaches each of them as one array parameter (``column = ANY(%s)`` on PostgreSQL), whose size
    the planner then knows, instead of a subquery each of them runs again. Elsewhere
    ``column IN (subquery)``, SQLite's limit on parameters being what it is.
    """
    if connection.vendor != "postgresql":
        return Q(**{f"{column}__in": ids})
    # One text parameter, '{1,2,3}', cast to an array: passed as a list, each id was prepared and
    # adapted on its own and written into the SQL as ARRAY[1,2,3] (1 000 ids: ~4 ms a query).
    written = "{" + ",".join(str(int(value)) for value in ids) + "}"
    return Q(_AmongArray(F(column), _IdArray(Value(written, output_field=CharField()))))
