"""What the pages read of statutory clocks, each in a fixed number of queries."""

from __future__ import annotations

from casework.models import Investigation
from orders.models import InvestigationClock


def investigation_clocks(investigation: Investigation) -> list[InvestigationClock]:
    """The investigation's clocks with their rules, statutes, authorities, stays and extensions (3 queries)."""
    return list(
        InvestigationClock.objects.filter(investigation=investigation)
        .select_related("rule__statute", "authority__jurisdiction")
        .prefetch_related("stays", "extensions")
        .order_by("due_on", "pk")
    )

