"""The investigation page's "Statutory clocks" section (``casework.extensions.investigation_panels``)."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from django.template.loader import render_to_string

from casework.calendars import authority_today
from casework.models import Investigation, User
from casework.selectors import InvestigationPage
from orders.clocks.selectors import investigation_clocks
from orders.permissions import can_change_clocks
from orders.selectors import due_state


def clocks_panel(request: HttpRequest, investigation: Investigation, page: InvestigationPage) -> str:
    """The clocks, each cited with its source, its due date and explanation, status, stays and extensions,
    and the actions the user may take (three queries, and one to know whether they may start one)."""
    user = cast(User, request.user)
    clocks = investigation_clocks(investigation)
    rows = []
    for clock in clocks:
        today = authority_today(clock.authority)
        rows.append(
            {
                "clock": clock,
                "state": due_state(clock.due_on, clock.status, today, met_on=clock.met_on),
                "can_change": can_change_clocks(user, investigation, clock.authority_id),
            }
        )
    can_start = any(
        can_change_clocks(user, investigation, p.authority_id) for p in page.participations if p.withdrawn_at is None
    )
    return render_to_string(
        "orders/_investigation_clocks.html", {"investigation": investigation, "rows": rows, "can_start": can_start}
    )
