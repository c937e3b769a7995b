"""The investigation page's "Statutory clocks" section (``casework.extensions.investigation_panels``)."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from casework.calendars import authority_today
from casework.extensions import TitledPanel
from casework.models import Investigation, User
from casework.selectors import InvestigationPage
from orders.clocks.selectors import clocks_of_my_cases, investigation_clocks
from orders.permissions import can_change_clocks
from orders.selectors import due_state


def clocks_panel(request: HttpRequest, investigation: Investigation, page: InvestigationPage) -> str:
    """The clocks, each cited with its source, its due date and explanation, status, stays and extensions,
    and the actions the user may take: one query without clocks, three with them (their stays and
    extensions); who may act is read from the page's assignees."""
    user = cast(User, request.user)
    clocks = investigation_clocks(investigation)
    rows = []
    for clock in clocks:
        today = authority_today(clock.authority)
        rows.append(
            {
                "clock": clock,
                "state": due_state(clock.due_on, clock.status, today, met_on=clock.met_on),
                "can_change": can_change_clocks(user, investigation, clock.authority_id, assignees=page.assignees),
            }
        )
    can_start = any(
        can_change_clocks(user, investigation, p.authority_id, assignees=page.assignees)
        for p in page.participations
        if p.withdrawn_at is None
    )
    return render_to_string(
        "orders/_investigation_clocks.html", {"investigation": investigation, "rows": rows, "can_start": can_start}
    )


# Listed in the page's table of contents by this title, linked to the section's heading.
clocks_titled_panel = TitledPanel(render=clocks_panel, title=_("Statutory clocks"), anchor="clocks-heading")


# How many of the user's cases' next clocks the home page lists.
HOME_CLOCKS = 10


def home_clocks_panel(request: HttpRequest) -> str:
    """The home page's next statutory clock of each open case assigned to the user (their authority's
    clocks; one query), beside their next order deadlines (``orders.panels.home_deadlines_panel``)."""
    user = cast(User, request.user)
    if user.authority_id is None and not user.is_superuser:
        return ""
    rows = [
        {"clock": clock, "state": due_state(clock.due_on, clock.status, authority_today(clock.authority))}
        for clock in clocks_of_my_cases(user, limit=HOME_CLOCKS)
    ]
    return render_to_string("orders/_home_clocks.html", {"rows": rows, "more": len(rows) == HOME_CLOCKS})
