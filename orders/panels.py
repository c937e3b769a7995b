"""The orders app's sections of the investigation page, registered with casework in ``OrdersConfig.ready()``.

Casework never imports orders: its page renders whatever ``casework.extensions.investigation_panels``
holds, after its own sections, in this order:

1. ``orders_panel``: the investigation's orders the user may see, and whether they may draft one.
2. ``timeline_panel``: the investigation's life on one axis.

And one section of the home page (``casework.extensions.home_panels``): ``home_deadlines_panel``.

Each renders its template with its own context only, as an ``{% include … only %}`` would.
"""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from django.template.loader import render_to_string

from casework.models import Investigation, User
from casework.selectors import InvestigationPage
from orders.permissions import can_draft_order
from orders.selectors import deadline_rows, deadlines_mine, investigation_orders
from orders.timeline import investigation_timeline


def orders_panel(request: HttpRequest, investigation: Investigation, page: InvestigationPage) -> str:
    """The Orders section: one query (the orders with their authorities and next due dates); whether the
    user may draft is read from the participations the page already fetched."""
    user = cast(User, request.user)
    section = {
        "investigation": investigation,
        "orders": investigation_orders(user, investigation),
        "can_draft": can_draft_order(user, investigation, page.participations),
    }
    return render_to_string("orders/_investigation_orders.html", {"section": section})


def timeline_panel(request: HttpRequest, investigation: Investigation, page: InvestigationPage) -> str:
    """The timeline: the page's events and findings are reused as fetched; orders, deadlines, stays and
    court proceedings cost four queries, the recorded stage changes one (see ``orders.timeline``)."""
    user = cast(User, request.user)
    timeline = investigation_timeline(
        user, investigation, events=page.events, participations=page.participations, documents=page.documents
    )
    return render_to_string("orders/_timeline.html", {"timeline": timeline, "investigation": investigation})


# --- The home page (casework.extensions.home_panels) ----------------------------------------------

HOME_DEADLINES = 8


def home_deadlines_panel(request: HttpRequest) -> str:
    """The signed-in user's next order deadlines (``deadlines_mine``: the orders assigned to them and,
    for legal staff, their authority's): one query for the first few, one for how many in all."""
    user = cast(User, request.user)
    deadlines = deadlines_mine(user)
    rows = deadline_rows(deadlines[:HOME_DEADLINES])
    total = len(rows) if len(rows) < HOME_DEADLINES else deadlines.count()
    return render_to_string("orders/_home_deadlines.html", {"rows": rows, "total": total})
