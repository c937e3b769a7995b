"""Query expressions that tell PostgreSQL's planner how to read a set of ids."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Func


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
