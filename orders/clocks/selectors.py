"""What the pages read of statutory clocks, each in a fixed number of queries.

Who sees which clock: the clocks of the investigations the user may see
(``orders.permissions.clocks_visible_to``). The dashboard, its list and the home page
count a clock only for its own authority's staff (a clock is that authority's duty):
``clocks_of_authority`` scopes them to the user's authority, or, for a superuser, to the
authority chosen on the dashboard (every authority's when none is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from casework.models import Authority, Investigation, User
from orders.models import (
    ACTIVE_DEADLINE_STATUSES,
    OWED_DEADLINE_STATUSES,
    DeadlineStatus,
    InvestigationClock,
)
from orders.permissions import clocks_visible_to

# "Due soon" on the dashboard: within this many days from today, as for the orders' deadlines.
CLOCKS_DUE_SOON_DAYS = 30
# Rows in each of the dashboard's short lists of clocks.
CLOCK_TABLE_ROWS = 5

# What each figure and the list's ``state`` filter mean (the figure and the list it links to agree).
CLOCK_STATES = ("running", "due-soon", "overdue", "stayed")


def investigation_clocks(investigation: Investigation) -> list[InvestigationClock]:
    """The investigation's clocks with their rules, statutes, authorities, stays and extensions.

    One query without clocks, three with them (their stays and their extensions).
    """
    return list(
        InvestigationClock.objects.filter(investigation=investigation)
        .select_related("rule__statute", "authority__jurisdiction")
        .prefetch_related("stays", "extensions")
        .order_by("due_on", "pk")
    )


def clocks_of_authority(user: User, authority: Authority | None = None) -> QuerySet[InvestigationClock]:
    """The clocks ``user`` may see that the dashboard counts: their own authority's (none without one);
    a superuser's, ``authority``'s or every authority's."""
    clocks = clocks_visible_to(user)
    if user.is_superuser:
        return clocks.filter(authority=authority) if authority is not None else clocks
    if user.authority_id is None:
        return clocks.none()
    return clocks.filter(authority_id=user.authority_id)


def state_q(state: str, today: date) -> Q:
    """A clock in ``state`` on ``today``: running (open or extended, whatever its date), due within
    ``CLOCKS_DUE_SOON_DAYS`` (running, due from today), overdue (running or missed, due before today), stayed."""
    if state == "running":
        return Q(status__in=ACTIVE_DEADLINE_STATUSES)
    if state == "due-soon":
        return Q(
            status__in=ACTIVE_DEADLINE_STATUSES,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=CLOCKS_DUE_SOON_DAYS),
        )
    if state == "overdue":
        return Q(status__in=OWED_DEADLINE_STATUSES, due_on__lt=today)
    if state == "stayed":
        return Q(status=DeadlineStatus.STAYED)
    raise ValueError(f"unknown clock state {state!r}")


@dataclass(frozen=True)
class ClockFigures:
    running: int
    due_soon: int
    overdue: int
    stayed: int


def clock_figures(user: User, *, authority: Authority | None = None, today: date) -> ClockFigures:
    """The dashboard's clock figures (one query, through the partial index of owed clocks and the rest)."""
    counts = (
        clocks_of_authority(user, authority)
        .filter(status__in=(*OWED_DEADLINE_STATUSES, DeadlineStatus.STAYED))
        .aggregate(
            running=Count("pk", filter=state_q("running", today)),
            due_soon=Count("pk", filter=state_q("due-soon", today)),
            overdue=Count("pk", filter=state_q("overdue", today)),
            stayed=Count("pk", filter=state_q("stayed", today)),
        )
    )
    return ClockFigures(**counts)


@dataclass(frozen=True)
class ClockTables:
    """The next running clocks (soonest first) and the overdue ones (most days late first)."""

    next: list[InvestigationClock]
    overdue: list[InvestigationClock]


def clock_tables(
    user: User, *, authority: Authority | None = None, today: date, limit: int = CLOCK_TABLE_ROWS
) -> ClockTables:
    """The dashboard's two short lists of clocks, in one query.

    Both lists are in ascending due date (the soonest coming; the longest overdue), so one
    window numbers each list's rows, partitioned by "overdue or not", and keeps ``limit`` of each.
    """
    overdue = state_q("overdue", today)
    coming = Q(status__in=ACTIVE_DEADLINE_STATUSES, due_on__gte=today)
    rows = (
        clocks_of_authority(user, authority)
        .filter(overdue | coming)
        .annotate(is_overdue=ExpressionWrapper(overdue, output_field=BooleanField()))
        .annotate(row=Window(RowNumber(), partition_by=[F("is_overdue")], order_by=[F("due_on").asc(), F("pk").asc()]))
        .filter(row__lte=limit)
        .select_related("investigation", "authority", "rule__statute")
        .order_by("due_on", "pk")
    )
    clocks = list(rows)
    return ClockTables(
        next=[clock for clock in clocks if not clock.is_overdue],  # type: ignore[attr-defined]
        overdue=[clock for clock in clocks if clock.is_overdue],  # type: ignore[attr-defined]
    )


def clock_list(user: User, *, state: str | None, today: date) -> QuerySet[InvestigationClock]:
    """The clocks of the list page (``orders:clock_list``): the dashboard's, in ``state`` (any owed or
    stayed clock without one), soonest first, with what the table shows (one query a page)."""
    clocks = clocks_of_authority(user)
    if state:
        clocks = clocks.filter(state_q(state, today))
    else:
        clocks = clocks.filter(status__in=(*OWED_DEADLINE_STATUSES, DeadlineStatus.STAYED))
    return clocks.select_related("investigation", "authority", "rule__statute").order_by("due_on", "pk")


def clocks_of_my_cases(user: User, *, limit: int) -> list[InvestigationClock]:
    """The home page's "assigned to me": for each open investigation ``user`` is assigned to, its next
    running clock of the user's authority, soonest first, at most ``limit`` (one query)."""
    assigned = Investigation.assignees.through.objects.filter(
        investigation_id=OuterRef("investigation_id"), user_id=user.pk
    )
    clocks = (
        clocks_of_authority(user)
        .filter(Exists(assigned), status__in=ACTIVE_DEADLINE_STATUSES, investigation__closed_on__isnull=True)
        .exclude(investigation__stage=Investigation.Stage.CLOSED)
        .annotate(
            row=Window(RowNumber(), partition_by=[F("investigation_id")], order_by=[F("due_on").asc(), F("pk").asc()])
        )
        .filter(row=1)
        .select_related("investigation", "authority__jurisdiction", "rule__statute")
        .order_by("due_on", "pk")
    )
    return list(clocks[:limit])
