"""The compliance dashboard and the deadlines list it leads to.

Who may come: the dashboard is for managers, legal staff, administrators and
superusers (``orders.dashboard.can_see_dashboard``; others get 403); the deadlines
list is for every signed-in user, like the orders list. Both count and list only
what the user may see (``orders.permissions.orders_visible_to``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from casework.models import Authority, User
from casework.tables import configure
from orders.clocks.dashboard import clocks_section
from orders.dashboard import selectors as dashboard
from orders.dashboard.forms import DashboardForm, DeadlineFilter
from orders.models import Deadline, OrderStatus
from orders.permissions import can_see_dashboard
from orders.selectors import DueState, due_state
from orders.tables import DeadlineListTable


def _staff(request: HttpRequest) -> User:
    return cast(User, request.user)


# --- Links to the filtered lists -------------------------------------------------------------------


def _url(name: str, params: list[tuple[str, Any]]) -> str:
    query = urlencode([(key, str(value)) for key, value in params if value not in (None, "")])
    return f"{reverse(name)}?{query}" if query else reverse(name)


def _scope(authority: Authority | None) -> list[tuple[str, Any]]:
    return [("authority", authority.code if authority else None)]


def deadlines_url(authority: Authority | None, *params: tuple[str, Any]) -> str:
    return _url("orders:deadline_list", [*_scope(authority), *params])


def orders_url(authority: Authority | None, *params: tuple[str, Any]) -> str:
    return _url("orders:list", [*_scope(authority), *params])


def _pending(first: date, last: date) -> tuple[tuple[str, Any], ...]:
    return (
        ("status", "open"),
        ("status", "extended"),
        ("running", "yes"),
        ("due_after", first.isoformat()),
        ("due_before", last.isoformat()),
    )


def _met(start: date, end: date) -> tuple[tuple[str, Any], ...]:
    return (("status", "met"), ("met_after", start.isoformat()), ("met_before", end.isoformat()))


# --- The dashboard ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int
    url: str
    note: str = ""


@dataclass(frozen=True)
class TableRow:
    deadline: Deadline
    state: DueState


def _figures(
    figures: dashboard.Figures, authority: Authority | None, start: date, end: date, today: date, overdue_held: int
) -> list[Figure]:
    soon_last = today + timedelta(days=dashboard.DUE_SOON_DAYS)
    period = _("from %(start)s to %(end)s") % {
        "start": date_format(start, "SHORT_DATE_FORMAT"),
        "end": date_format(end, "SHORT_DATE_FORMAT"),
    }
    if figures.on_time_percent is None:
        on_time_note = _("no deadline was met %(period)s") % {"period": period}
    else:
        on_time_note = _("%(percent)s%% of the %(met)s deadlines met %(period)s") % {
            "percent": figures.on_time_percent,
            "met": figures.met_in_period,
            "period": period,
        }
    return [
        Figure("open-orders", _("Open orders"), figures.open_orders, orders_url(authority, ("running", "yes"))),
        Figure(
            "due-soon",
            _("Deadlines due in the next 30 days"),
            figures.due_soon,
            deadlines_url(authority, *_pending(today, soon_last)),
            _("to %(date)s") % {"date": date_format(soon_last, "SHORT_DATE_FORMAT")},
        ),
        Figure(
            "overdue",
            _("Overdue deadlines"),
            figures.overdue,
            deadlines_url(authority, ("overdue", "yes")),
            ngettext(
                "%(held)s of them on an order held by a court",
                "%(held)s of them on orders held by a court",
                overdue_held,
            )
            % {"held": overdue_held}
            if overdue_held
            else _("none held by a court"),
        ),
        Figure(
            "stayed",
            _("Stayed deadlines"),
            figures.stayed,
            deadlines_url(authority, ("status", "stayed"), ("running", "yes")),
        ),
        Figure(
            "on-time",
            _("Deadlines met on time"),
            figures.met_on_time,
            deadlines_url(authority, *_met(start, end), ("on_time", "yes")),
            on_time_note,
        ),
    ]


def _bucket_label(low: int, high: int | None) -> str:
    if high is None:
        return _("more than %(n)s days") % {"n": low - 1}
    return _("%(low)s–%(high)s days") % {"low": low, "high": high}


def _charts(
    authority: Authority | None,
    start: date,
    end: date,
    weeks: list[dashboard.WeekCount],
    by_status: list[dashboard.AuthorityStatusCounts],
    buckets: list[dashboard.ComplianceBucket],
) -> dict[str, Any]:
    """The three charts' data, labels and links: what dashboard.js draws and the tables show (no query)."""
    statuses = [
        (value, str(label)) for value, label in OrderStatus.choices if any(value in row.counts for row in by_status)
    ]
    return {
        "weeks": {
            "title": _("Deadlines due per week, next 12 weeks"),
            "labels": [date_format(week.first, "SHORT_DATE_FORMAT") for week in weeks],
            "ranges": [
                _("%(first)s to %(last)s")
                % {
                    "first": date_format(week.first, "SHORT_DATE_FORMAT"),
                    "last": date_format(week.last, "SHORT_DATE_FORMAT"),
                }
                for week in weeks
            ],
            "series": [
                {
                    "label": _("Deadlines due"),
                    "data": [week.count for week in weeks],
                    "urls": [deadlines_url(authority, *_pending(week.first, week.last)) for week in weeks],
                }
            ],
        },
        "status": {
            "title": _("Orders by status and issuing authority"),
            "labels": [row.code for row in by_status],
            "totals": [row.total for row in by_status],
            "series": [
                {
                    "label": label,
                    "key": value,
                    "data": [row.counts.get(value, 0) for row in by_status],
                    "urls": [_url("orders:list", [("authority", row.code), ("status", value)]) for row in by_status],
                }
                for value, label in statuses
            ],
        },
        "compliance": {
            "title": _("Time to compliance: days from the order's issue to the term met"),
            "labels": [_bucket_label(bucket.low, bucket.high) for bucket in buckets],
            "series": [
                {
                    "label": _("Deadlines met"),
                    "data": [bucket.count for bucket in buckets],
                    "urls": [
                        deadlines_url(
                            authority,
                            *_met(start, end),
                            ("days_to_comply_min", bucket.low),
                            ("days_to_comply_max", bucket.high),
                        )
                        for bucket in buckets
                    ],
                }
            ],
        },
    }


@login_required
@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The compliance dashboard.

    Queries, whatever the data size: 1 session, 2 user, 3 the user's authority and
    its jurisdiction (today), 4 orders by status and issuing authority (also the
    open orders and which authorities the filter offers), 5 every deadline figure
    and the weekly and time-to-compliance charts, 6 the next deadlines, 7 the
    overdue deadlines (those staff can act on and those a court holds, numbered by a window
    function: one query), 8 the statutory clocks' figures and 9 their next and overdue lists
    (orders.clocks.dashboard); while the template renders, 10 the unread count (bell) and
    11 the authorities the filter offers (by primary key).
    """
    user = _staff(request)
    if not can_see_dashboard(user):
        raise PermissionDenied(_("The dashboard is for managers, legal staff and administrators."))
    today = dashboard.page_today(user)
    # Every authority's orders, once: the filter's choices, then the chosen authority's rows.
    all_by_status = dashboard.orders_by_status(user)
    form = DashboardForm(request.GET or None, authorities=dashboard.dashboard_authorities(all_by_status), today=today)
    authority, start, end = form.choices()
    by_status = dashboard.of_authority(all_by_status, authority)
    counts = dashboard.deadline_figures(user, authority=authority, today=today, start=start, end=end)
    figures = dashboard.Figures(
        open_orders=dashboard.open_orders(by_status),
        due_soon=counts.due_soon,
        overdue=counts.overdue,
        stayed=counts.stayed,
        met_in_period=counts.met_in_period,
        met_on_time=counts.met_on_time,
    )
    charts = _charts(authority, start, end, counts.weeks, by_status, counts.buckets)
    next_rows = [
        TableRow(d, due_state(d.due_on, d.status, today, met_on=d.met_on))
        for d in dashboard.deadlines_next(user, authority=authority, today=today)
    ]
    overdue = dashboard.deadlines_overdue_split(user, authority=authority, today=today)
    overdue_rows = [TableRow(d, due_state(d.due_on, d.status, today, met_on=d.met_on)) for d in overdue.actionable]
    held_rows = [TableRow(d, due_state(d.due_on, d.status, today, met_on=d.met_on)) for d in overdue.held]
    context = {
        "form": form,
        "authority": authority,
        "start": start,
        "end": end,
        "today": today,
        "figures": _figures(figures, authority, start, end, today, counts.overdue_held),
        "charts": charts,
        "next_rows": next_rows,
        "overdue_rows": overdue_rows,
        "next_url": deadlines_url(
            authority, ("status", "open"), ("status", "extended"), ("running", "yes"), ("due_after", today.isoformat())
        ),
        "overdue_url": deadlines_url(authority, ("overdue", "yes"), ("held", "no")),
        "overdue_count": figures.overdue - counts.overdue_held,
        "held_rows": held_rows,
        "held_url": deadlines_url(authority, ("overdue", "yes"), ("held", "yes")),
        "held_count": counts.overdue_held,
        "clocks": clocks_section(user, authority=authority, today=today),
    }
    return render(request, "orders/dashboard.html", context)


# --- The deadlines list -----------------------------------------------------------------------------


@login_required
@require_GET
def deadline_list(request: HttpRequest) -> HttpResponse:
    """Queries: session, user, the user's authority (today), the bell, the authorities offered, the count, the page."""
    user = _staff(request)
    today = dashboard.page_today(user)
    filters = DeadlineFilter(request.GET, today=today)
    table = configure(DeadlineListTable(dashboard.deadline_list(user, filters), today=today), request)
    context = {
        "filter": filters,
        "table": table,
        "today": today,
        "filtered": any(request.GET.get(name) for name in filters.filters),
        "may_see_dashboard": can_see_dashboard(user),
    }
    return render(request, "orders/deadline_list.html", context)
