"""Reads for the order pages.

Each selector owns its ``select_related``/``prefetch_related`` so that a page
costs a fixed number of SQL queries whatever the number of orders, terms or
notifications; ``tests/orders/test_views.py`` locks those numbers. What a user
may see is decided by ``orders.permissions`` only.

Days left and days late are counted in the issuing authority's time zone
(``local_today``), never in the server's: at 20:00 in Vancouver on the due date
it is already the next day in UTC, and the deadline is not late yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from casework.dates import shift
from casework.history import HISTORY_LIMIT, HistoryEntry, Tracked, historical, history
from casework.models import Authority, Investigation, User
from casework.tables import CappedPaginator
from orders.bilingual import language_in_sentence
from orders.deadlines import (
    days_late,
    deadline_ends_at,
    explanation_for_reader,
    ladder,
    local_today,
    penalty_accrued,
    rung_dates,
)
from orders.models import (
    ACTIVE_DEADLINE_STATUSES,
    ORDER_STATUSES_NOT_ALERTING,
    ORDER_STATUSES_NOT_RUNNING,
    ORDER_TRANSITIONS,
    OWED_DEADLINE_STATUSES,
    PENDING_DEADLINE_STATUSES,
    Alert,
    ComplianceSubmission,
    CourtProceeding,
    Deadline,
    DeadlineStatus,
    Extension,
    Notification,
    Order,
    OrderDocument,
    OrderStatus,
    Stay,
    Term,
)
from orders.permissions import can_change_order, notifications_visible_to, orders_visible_to

if TYPE_CHECKING:
    from orders.filters import OrderFilter

# What "my deadlines" lists: deadlines still owed, paused ones included.
NOTIFICATIONS_PER_PAGE = 50
NOTIFICATIONS_COUNT_CAP = 1_000  # 20 pages of the newest


# --- Due dates as people read them ---------------------------------------------------------


@dataclass(frozen=True)
class DueState:
    """Where a due date stands on ``today`` (a local date of the issuing authority).

    ``tone`` is for styling only ("late", "today", "soon", "later", "paused", "closed", "unknown");
    ``text`` says the same in words, so that colour is never the only signal.
    """

    today: date
    days_left: int | None
    days_late: int | None
    text: str
    tone: str


def due_state(due_on: date | None, status: str, today: date, *, met_on: date | None = None) -> DueState:
    """Days left or late for a deadline in ``status`` due on ``due_on``, seen on ``today``."""
    if due_on is None:
        return DueState(today, None, None, _("no due date yet (counts from service)"), "unknown")
    if status == DeadlineStatus.STAYED:
        return DueState(today, None, None, _("stayed: the clock is paused"), "paused")
    if status == DeadlineStatus.MET:
        late = days_late(due_on, met_on) if met_on else 0
        if late:
            text = ngettext("met %(n)d day late", "met %(n)d days late", late) % {"n": late}
        else:
            text = _("met on time")
        return DueState(today, None, late or None, text, "closed")
    if status == DeadlineStatus.WAIVED:
        return DueState(today, None, None, _("waived"), "closed")
    left = (due_on - today).days
    if left > 0:
        text = ngettext("%(n)d day left", "%(n)d days left", left) % {"n": left}
        return DueState(today, left, None, text, "soon" if left <= 7 else "later")
    if left == 0:
        return DueState(today, 0, None, _("due today"), "today")
    late = days_late(due_on, today)
    return DueState(today, None, late, ngettext("%(n)d day late", "%(n)d days late", late) % {"n": late}, "late")


class LocalToday:
    """Today's date per time zone, computed once per zone for one page (``now`` is fixed for the page)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or timezone.now()
        self._dates: dict[str, date] = {}

    def __call__(self, time_zone: str) -> date:
        if time_zone not in self._dates:
            self._dates[time_zone] = local_today(self.now, time_zone)
        return self._dates[time_zone]


def _next_due() -> Subquery:
    """The soonest due date among an order's running deadlines (NULL when none runs)."""
    return Subquery(
        Deadline.objects.filter(term__order=OuterRef("pk"), status__in=ACTIVE_DEADLINE_STATUSES, due_on__isnull=False)
        .order_by("due_on")
        .values("due_on")[:1],
        output_field=models.DateField(),
    )


# --- The orders list ------------------------------------------------------------------------


def order_list(user: User, filters: OrderFilter | None = None) -> QuerySet[Order]:
    """The orders ``user`` may see, narrowed by the list's filters, ready for its table.

    A page costs one query (with its authority, investigation, the authority's time zone
    and next due date), plus the paginator's count. An invalid filter value is ignored
    (its error is shown on the form).

    The time zone (``authority_time_zone``) is a subquery that PostgreSQL computes for the
    page's rows only: a join to the jurisdictions, when a search makes the planner expect
    a handful of rows, was read again for each jurisdiction (70 ms at full scale).
    """
    queryset = orders_visible_to(user)
    if filters is not None:
        filters.is_valid()
        queryset = filters.filter_queryset(queryset)
    return (
        queryset.select_related("authority", "investigation")
        .annotate(next_due=_next_due(), authority_time_zone=_authority_time_zone())
        .order_by(F("issued_on").desc(nulls_first=True), "authority_code", "number")
    )


def _authority_time_zone() -> Subquery:
    """The time zone of the order's authority (its jurisdiction's)."""
    return Subquery(
        Authority.objects.filter(pk=OuterRef("authority_id")).values("jurisdiction__time_zone")[:1],
        output_field=models.CharField(),
    )


# --- The investigation page's Orders section ---------------------------------------------------


@dataclass(frozen=True)
class OrderSummary:
    order: Order
    next_due: date | None
    state: DueState | None


def investigation_orders(user: User, investigation: Investigation, now: datetime | None = None) -> list[OrderSummary]:
    """The orders of ``investigation`` that ``user`` may see, with their next due date (one query)."""
    today = LocalToday(now)
    orders = (
        orders_visible_to(user)
        .filter(investigation=investigation)
        .select_related("authority__jurisdiction")
        .annotate(next_due=_next_due())
        .order_by(F("issued_on").desc(nulls_first=True), "authority_code", "number")
    )
    summaries = []
    for order in orders:
        # A draft's dates are previews, not yet owed.
        next_due: date | None = None if order.is_draft else order.next_due  # type: ignore[attr-defined]
        state = None
        if next_due is not None and order.status not in ORDER_STATUSES_NOT_RUNNING:
            state = due_state(next_due, DeadlineStatus.OPEN, today(order.authority.jurisdiction.time_zone))
        summaries.append(OrderSummary(order, next_due, state))
    return summaries


# --- The order page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rung:
    level: str
    day: date


@dataclass(frozen=True)
class Penalty:
    """The daily penalty accrued: days late (the due date itself not counted) × the daily amount."""

    daily: Decimal
    currency: str
    days: int
    accrued: Decimal
    until: date  # the day counted up to: today, or the day the term was met


@dataclass
class TermView:
    term: Term
    deadline: Deadline | None
    state: DueState
    ends_at: datetime | None
    penalty: Penalty | None
    stays: list[Stay]
    running_stay: Stay | None
    extensions: list[Extension]
    alerts: list[Alert]
    rungs_to_come: list[Rung]
    can_stay: bool = False
    can_lift: bool = False
    can_extend: bool = False
    can_close: bool = False


@dataclass
class OrderPage:
    order: Order
    time_zone: str
    today: date
    can_change: bool
    terms: list[TermView]
    assignees: list[User]
    submissions: list[ComplianceSubmission]
    proceedings: list[CourtProceeding]
    revisions: list[Any]
    next_statuses: list[tuple[str, str]]

    @property
    def is_draft(self) -> bool:
        return self.order.status == OrderStatus.DRAFT


def next_statuses(order: Order) -> list[tuple[str, str]]:
    """The statuses an order may move to from the status page (a draft is issued on its own page)."""
    allowed = ORDER_TRANSITIONS.get(order.status, frozenset())
    return [
        (value, str(label))
        for value, label in OrderStatus.choices
        if value in allowed and not (order.status == OrderStatus.DRAFT and value == OrderStatus.ISSUED)
    ]


def _penalty(term: Term, deadline: Deadline, today: date) -> Penalty | None:
    """The penalty accrued so far; none while stayed or once waived."""
    if term.daily_penalty is None or deadline.due_on is None:
        return None
    if deadline.status in (DeadlineStatus.WAIVED, DeadlineStatus.STAYED):
        return None
    # A met term stops accruing on the day it was met.
    until = (deadline.met_on or today) if deadline.status == DeadlineStatus.MET else today
    return Penalty(
        daily=term.daily_penalty,
        currency=term.penalty_currency,
        days=days_late(deadline.due_on, until),
        accrued=penalty_accrued(due_on=deadline.due_on, today=until, daily_amount=term.daily_penalty),
        until=until,
    )


def _rungs_to_come(deadline: Deadline, today: date, order: Order) -> list[Rung]:
    """The ladder's rungs still ahead for the current due date (none when the deadline does not run)."""
    if (
        deadline.due_on is None
        or deadline.status not in ACTIVE_DEADLINE_STATUSES
        or order.status in ORDER_STATUSES_NOT_ALERTING
    ):
        return []
    rungs = ladder()
    # Late rungs repeat while the deadline stays open: show the next one only.
    until = shift(max(today, deadline.due_on), int(rungs["late_every"]))
    return [Rung(level, day) for level, day in rung_dates(deadline.due_on, until, rungs) if day > today]


def _term_view(term: Term, order: Order, today: date, time_zone: str, can_change: bool) -> TermView:
    deadline: Deadline | None = getattr(term, "deadline", None)
    if deadline is None:  # every term is created with its deadline; a row added by hand may lack one
        return TermView(term, None, due_state(None, "", today), None, None, [], None, [], [], [])
    stays = list(deadline.stays.all())  # prefetched
    running = next((stay for stay in stays if stay.lifted_on is None), None)
    issued = order.status != OrderStatus.DRAFT
    if issued:
        state = due_state(deadline.due_on, deadline.status, today, met_on=deadline.met_on)
    else:  # a draft's dates are previews: nothing is owed yet
        state = DueState(today, None, None, _("preview: the order is not issued yet"), "unknown")
    return TermView(
        term=term,
        deadline=deadline,
        state=state,
        ends_at=deadline_ends_at(deadline.due_on, time_zone) if deadline.due_on else None,
        penalty=_penalty(term, deadline, today) if issued else None,
        stays=stays,
        running_stay=running,
        extensions=list(deadline.extensions.all()),
        alerts=list(deadline.alerts.all()),
        rungs_to_come=_rungs_to_come(deadline, today, order) if issued else [],
        can_stay=can_change and issued and deadline.status in ACTIVE_DEADLINE_STATUSES and deadline.due_on is not None,
        can_lift=can_change and deadline.status == DeadlineStatus.STAYED and running is not None,
        can_extend=can_change and issued and deadline.status in OWED_DEADLINE_STATUSES and deadline.due_on is not None,
        can_close=can_change and issued and deadline.status not in ("met", "waived"),
    )


def order_terms(order: Order) -> QuerySet[Term]:
    """An order's terms with their deadlines, stays, extensions and alerts: four queries however many."""
    return (
        order.terms.select_related("deadline")
        .prefetch_related(
            Prefetch(
                "deadline__stays",
                queryset=Stay.objects.select_related("recorded_by", "proceeding").order_by("started_on", "pk"),
            ),
            Prefetch(
                "deadline__extensions",
                queryset=Extension.objects.select_related("recorded_by").order_by("granted_on", "pk"),
            ),
            Prefetch("deadline__alerts", queryset=Alert.objects.order_by("raised_at", "pk")),
        )
        .order_by("number")
    )


def order_page(user: User, order: Order, now: datetime | None = None) -> OrderPage:
    """Everything the order page shows, for an order ``user`` may see (``order`` has its authority and jurisdiction).

    Queries, whatever the number of terms: terms with their deadlines; stays;
    extensions; alerts; assigned staff; compliance submissions (with their term
    and assessor); court proceedings; revisions (with who made them). The history is a page of its
    own, which the order page loads after it (``order_history``).
    """
    time_zone = order.authority.jurisdiction.time_zone
    today = local_today(now or timezone.now(), time_zone)
    can_change = can_change_order(user, order)
    terms = [_term_view(term, order, today, time_zone, can_change) for term in order_terms(order)]
    return OrderPage(
        order=order,
        time_zone=time_zone,
        today=today,
        can_change=can_change,
        terms=terms,
        assignees=list(order.assignees.select_related("authority").order_by("last_name", "username")),
        submissions=list(
            order.compliance_submissions.select_related("term", "assessed_by").order_by("received_on", "pk")
        ),
        proceedings=list(order.proceedings.order_by(F("filed_on").asc(nulls_last=True), "pk")),
        revisions=list(order.revisions.select_related("made_by").order_by("recorded_at", "pk")),
        next_statuses=next_statuses(order),
    )


# --- The order's history --------------------------------------------------------------------------


def _number(related: Any, raw_id: Any) -> str:
    return str(related.number) if related is not None else f"#{raw_id}"


def _order_terms_ever(order: Order) -> QuerySet[Any]:
    """Ids of every term the order ever had, deleted ones included."""
    return historical(Term).objects.filter(order_id=order.pk).values("id")


def _order_deadlines_ever(order: Order) -> QuerySet[Any]:
    return historical(Deadline).objects.filter(term_id__in=_order_terms_ever(order)).values("id")


def _language_name(code: str) -> str:
    """The language's name inside a sentence in the reader's language ("French", « anglais »), or the code."""
    return language_in_sentence(code)


# The parent a row hangs from, and the deadline's computation as data (its explanation,
# shown in words, says the same): never shown as changes.
_SKIPPED = frozenset({"order", "term", "deadline", "steps"})


def _tracked_models() -> tuple[Tracked[Order], ...]:
    tracked: tuple[Tracked[Order], ...] = (
        Tracked(Order, lambda o: Q(id=o.pk), (), lambda row: _("order %(number)s") % {"number": row.number}),
        Tracked(Term, lambda o: Q(order_id=o.pk), (), lambda row: _("term %(n)s") % {"n": row.number}),
        Tracked(
            Deadline,
            lambda o: Q(term_id__in=_order_terms_ever(o)),
            ("term",),
            lambda row: _("deadline of term %(n)s") % {"n": _number(row.term, row.term_id)},
            # The stored explanation is English; the reader's language is rebuilt from the row's steps.
            presenters={"explanation": lambda row, value: explanation_for_reader(row.steps, str(value))},
        ),
        Tracked(
            Stay,
            lambda o: Q(deadline_id__in=_order_deadlines_ever(o)),
            ("deadline__term",),
            lambda row: (
                _("stay of the deadline of term %(n)s")
                % {"n": _number(row.deadline.term if row.deadline else None, row.deadline_id)}
            ),
        ),
        Tracked(
            Extension,
            lambda o: Q(deadline_id__in=_order_deadlines_ever(o)),
            ("deadline__term",),
            lambda row: (
                _("extension of the deadline of term %(n)s")
                % {"n": _number(row.deadline.term if row.deadline else None, row.deadline_id)}
            ),
        ),
        Tracked(
            ComplianceSubmission,
            lambda o: Q(order_id=o.pk),
            (),
            lambda row: (
                _("compliance submission received on %(date)s") % {"date": date_format(row.received_on, "DATE_FORMAT")}
            ),
        ),
        Tracked(
            CourtProceeding,
            lambda o: Q(order_id=o.pk),
            (),
            lambda row: _("court proceeding in %(court)s") % {"court": row.court},
        ),
        Tracked(
            OrderDocument,
            lambda o: Q(order_id=o.pk),
            (),
            lambda row: (
                _("PDF version %(version)s (%(language)s)")
                % {"version": row.version, "language": _language_name(row.language)}
            ),
        ),
    )
    return tuple(replace(t, skipped=_SKIPPED) for t in tracked)


def order_history(order: Order, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """The audit trail of an order and what hangs from it, newest first, at most ``limit`` entries.

    ``casework.history.history`` over the order, its terms, deadlines, stays, extensions,
    compliance submissions, court proceedings and PDF versions (and the order's assigned staff).
    """
    return history(order, _tracked_models(), limit=limit)


# --- My deadlines ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRow:
    deadline: Deadline
    order: Order
    state: DueState
    ends_at: datetime | None


def deadlines_mine(user: User) -> QuerySet[Deadline]:
    """Deadlines still owed on the orders ``user`` is assigned to, and — for legal staff — all their authority's.

    Only orders the user may see, that are issued and still running; soonest
    first, those with no date yet (counted from a service not recorded) last.
    One query, with the order, its authority, jurisdiction and investigation.
    """
    if not user.is_authenticated:
        return Deadline.objects.none()
    assigned = Exists(Order.assignees.through.objects.filter(order_id=OuterRef("term__order_id"), user_id=user.pk))
    mine = Q(assigned)
    if user.is_legal and user.authority_id is not None:
        mine |= Q(term__order__authority_id=user.authority_id)
    return (
        Deadline.objects.filter(status__in=PENDING_DEADLINE_STATUSES)
        .filter(term__order__in=orders_visible_to(user))
        .exclude(term__order__status__in=ORDER_STATUSES_NOT_RUNNING)
        .filter(mine)
        .select_related("term__order__authority__jurisdiction", "term__order__investigation")
        .order_by(
            F("due_on").asc(nulls_last=True), "term__order__authority__code", "term__order__number", "term__number"
        )
    )


def deadline_rows(deadlines: Iterable[Deadline], now: datetime | None = None) -> list[DeadlineRow]:
    today = LocalToday(now)
    rows = []
    for deadline in deadlines:
        order = deadline.term.order
        time_zone = order.authority.jurisdiction.time_zone
        rows.append(
            DeadlineRow(
                deadline=deadline,
                order=order,
                state=due_state(deadline.due_on, deadline.status, today(time_zone), met_on=deadline.met_on),
                ends_at=deadline_ends_at(deadline.due_on, time_zone) if deadline.due_on else None,
            )
        )
    return rows


# --- Notifications ------------------------------------------------------------------------------------


def notification_list(user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first, about orders they may (still) see.

    One query for a page, with the alert, its deadline, term, order and authority.
    """
    return (
        notifications_visible_to(user)
        .select_related(
            "alert__deadline__term__order__authority",
            "alert__clock__investigation",
            "alert__clock__authority",
            "alert__clock__rule__statute",
        )
        .order_by("-created_at", "-pk")
    )


def notification_page(user: User, number: Any) -> Page[Notification]:
    """One page of ``notification_list`` (its count, up to ``NOTIFICATIONS_COUNT_CAP`` + 1, then its rows).

    A user of many years has tens of thousands of notifications, each counted through its
    alert's deadline, order and investigation (who may still see it): all of them cost half a
    second a page, 10 000 of them 130 ms. Past the cap the page says "more than 1,000" and
    pages through the newest ones, which are the ones a notification is for.
    """
    paginator = CappedPaginator(
        notification_list(user), NOTIFICATIONS_PER_PAGE, cap=NOTIFICATIONS_COUNT_CAP, count_in_order=True
    )
    return paginator.get_page(number)


def unread_count(user: User) -> int:
    """The bell's number: the unread notifications about cases the user may (still) see; one COUNT."""
    return notifications_visible_to(user).filter(read_at__isnull=True).count()
