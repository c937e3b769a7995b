"""Query expressions that tell PostgreSQL's planner how to read a set of ids."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import BigIntegerField, BooleanField, F, Func, Q, QuerySet, Value


class AmongIds(Func):
    """``column`` is one of the ids a subquery returns: ``AmongIds(F("investigation_id"), Subquery(ids))``.

    Written ``column = ANY(ARRAY(subquery))`` on PostgreSQL: the subquery runs once, first, and
    each id is looked up through the index of ``column``; two of them ORed become one bitmap of
    both indexes. ``column IN (subquery)``, the same test, lets the planner hash the subquery and
    scan the whole table instead, which it does when it expects more than a few rows, however few
    there are. Elsewhere (SQLite) ``column IN (subquery)``.
    """

    arity = 2
    template = "%(expressions)s"
    arg_joiner = " IN "
    output_field = BooleanField()
    conditional = True

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # The subquery compiles with its parentheses: ARRAY(SELECT …).
        return self.as_sql(
            compiler, connection, template="%(expressions)s)", arg_joiner=" = ANY(ARRAY", **extra_context
        )


def among_ids_read_first(column: str, ids: QuerySet[Any]) -> Q:
    """``column`` is one of ``ids`` (a one-column queryset), which is read now, in a query of its own.

    For a set that several queries of a page test (a list's count and its rows): read once, it
    reaches each of them as one array parameter (``column = ANY(%s)`` on PostgreSQL), whose size
    the planner then knows, instead of a subquery each of them runs again. Elsewhere
    ``column IN (subquery)``, SQLite's limit on parameters being what it is.
    """
    if connection.vendor != "postgresql":
        return Q(**{f"{column}__in": ids})
    return Q(
        _AnyOfArray(F(column), Value(list(ids.values_list(flat=True)), output_field=ArrayField(BigIntegerField())))
    )


class _AnyOfArray(Func):
    """``column = ANY(array)``."""

    arity = 2
    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()
    conditional = True
