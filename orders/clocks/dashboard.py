"""The dashboard's statutory clocks (figures and short lists, beside the orders' deadlines) and the
clocks list they link to: what to show, with the links, from ``orders.clocks.selectors`` (two queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from casework.models import Authority, User
from orders.clocks import selectors
from orders.models import InvestigationClock
from orders.selectors import DueState, due_state


@dataclass(frozen=True)
class ClockFigure:
    key: str
    label: str
    value: int
    url: str
    note: str = ""


@dataclass(frozen=True)
class ClockRow:
    clock: InvestigationClock
    state: DueState


def clock_list_url(state: str | None = None) -> str:
    query = urlencode({"state": state}) if state else ""
    return f"{reverse('orders:clock_list')}?{query}" if query else reverse("orders:clock_list")


def clocks_section(user: User, *, authority: Authority | None, today: date) -> dict[str, Any]:
    """What ``templates/orders/_dashboard_clocks.html`` shows: the figures, the next and the overdue clocks.

    Two queries (``clock_figures``, ``clock_tables``). Staff see their own authority's clocks
    whatever authority the dashboard shows; a superuser, the chosen authority's (all without one).
    """
    counted_for = authority if user.is_superuser else None
    figures = selectors.clock_figures(user, authority=counted_for, today=today)
    tables = selectors.clock_tables(user, authority=counted_for, today=today)
    soon_last = today + timedelta(days=selectors.CLOCKS_DUE_SOON_DAYS)
    return {
        "scope": counted_for if user.is_superuser else user.authority,
        "every_authority": user.is_superuser and counted_for is None,
        "figures": [
            ClockFigure("clocks-running", _("Running clocks"), figures.running, clock_list_url("running")),
            ClockFigure(
                "clocks-due-soon",
                _("Clocks due in the next 30 days"),
                figures.due_soon,
                clock_list_url("due-soon"),
                _("to %(date)s") % {"date": date_format(soon_last, "SHORT_DATE_FORMAT")},
            ),
            ClockFigure("clocks-overdue", _("Overdue clocks"), figures.overdue, clock_list_url("overdue")),
            ClockFigure("clocks-stayed", _("Stayed clocks"), figures.stayed, clock_list_url("stayed")),
        ],
        "next_rows": [ClockRow(c, due_state(c.due_on, c.status, today)) for c in tables.next],
        "overdue_rows": [ClockRow(c, due_state(c.due_on, c.status, today)) for c in tables.overdue],
        "overdue_count": figures.overdue,
        "list_url": clock_list_url(),
        "overdue_url": clock_list_url("overdue"),
    }
