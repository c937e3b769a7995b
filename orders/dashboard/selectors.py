"""The compliance dashboard's reads: a few aggregate queries, each grouped in the database.

Every function here is a pure read, scoped by what ``user`` may see (the orders
through ``orders_visible_to(user)``, the deadlines through the same rule with
their order joined once), and costs exactly one SQL query whatever the number of
orders and deadlines (or none, when it only regroups rows already read), so that
each can be timed on its own by the benchmark (``bench/``) and compared with its
raw SQL. The definitions below are the ones docs/dashboard.md states; the
deadlines list's filters (``orders.dashboard.forms.DeadlineFilter``) reuse the
same ``Q`` objects, so a figure and the list it links to always agree.

The deadline figures are one query over the deadlines of the visible orders,
read from one covering index by order (``orders_deadline_order_counts``): a
deadline carries its order (``Deadline.order``), so the terms are not read at
all. Its WHERE is the union of the definitions it counts; the ``FILTER`` of each
count then tells the figures apart.

Each definition takes the path from a deadline to its order (``prefix``): its
own ``order`` (``VIA_ORDER``: the figures and the tables) or its term's
(``VIA_TERM``, the default: the deadlines list, whose columns and sorting join
the order through the term, so that its filters share that join). Both reach
the same order: the database and ``Deadline.save`` see to it.

``today`` is one date for the whole page (the view takes it in the signed-in
user's authority's time zone): figures are counted against it, and so are the
days left or late in the dashboard's tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from casework.models import Authority, User
from casework.permissions import investigations_visible_to
from orders.dashboard import tallies
from orders.deadlines import local_today
from orders.models import (
    ACTIVE_DEADLINE_STATUSES,
    ORDER_STATUSES_NOT_RUNNING,
    OWED_DEADLINE_STATUSES,
    Deadline,
    DeadlineStatus,
    Order,
    OrderStatus,
)
from orders.permissions import orders_visible_to

if TYPE_CHECKING:
    from orders.dashboard.forms import DeadlineFilter

# Orders a court holds: their overdue deadlines wait for its decision (held_by_court_q).
ORDER_STATUSES_HELD_BY_COURT = tallies.HELD_BY_COURT
# The paths from a deadline to its order (see the module's docstring).
VIA_ORDER = "order__"
VIA_TERM = "term__order__"
DUE_SOON_DAYS = 30
WEEKS_AHEAD = 12
TABLE_ROWS = 10
# Time to compliance: days from the order's issue to the day a term was met, in these buckets
# (lower bound included, upper bound included; ``None`` = no upper bound).
COMPLIANCE_BUCKETS = tallies.COMPLIANCE_BUCKETS


# --- The sets everything is counted in -------------------------------------------------------


def dashboard_orders(user: User, *, authority: Authority | None = None) -> QuerySet[Order]:
    """The orders the dashboard counts: those ``user`` may see, issued (no drafts), of ``authority`` if given."""
    orders = orders_visible_to(user).exclude(status=OrderStatus.DRAFT)
    if authority is not None:
        orders = orders.filter(authority=authority)
    return orders


def running_order_q(prefix: str = VIA_TERM) -> Q:
    """The order still runs: issued and not complied, quashed or withdrawn (a stayed order still runs)."""
    return ~Q(**{f"{prefix}status__in": ORDER_STATUSES_NOT_RUNNING})


def pending_q(prefix: str = VIA_TERM) -> Q:
    """A deadline whose clock runs on a running order."""
    return Q(status__in=ACTIVE_DEADLINE_STATUSES, due_on__isnull=False) & running_order_q(prefix)


def due_between_q(first: date, last: date, prefix: str = VIA_TERM) -> Q:
    """Pending and due from ``first`` to ``last``, both included."""
    return pending_q(prefix) & Q(due_on__gte=first, due_on__lte=last)


def overdue_q(today: date, prefix: str = VIA_TERM) -> Q:
    """Due before ``today`` and still owed (open, extended or closed as missed) on a running order."""
    return Q(status__in=OWED_DEADLINE_STATUSES, due_on__lt=today, due_on__isnull=False) & running_order_q(prefix)


def held_by_court_q(prefix: str = VIA_TERM) -> Q:
    """The order is held by a court: stayed, or under judicial review. Staff wait for the court there;
    the dashboard lists such overdue deadlines apart from those they can act on."""
    return Q(**{f"{prefix}status__in": ORDER_STATUSES_HELD_BY_COURT})


def stayed_q(prefix: str = VIA_TERM) -> Q:
    """Paused by a stay, on a running order."""
    return Q(status=DeadlineStatus.STAYED) & running_order_q(prefix)


def met_between_q(start: date, end: date) -> Q:
    """Met from ``start`` to ``end``, both included (whatever the order's status now)."""
    return Q(status=DeadlineStatus.MET, met_on__gte=start, met_on__lte=end)


def on_time_q() -> Q:
    """Met on or before the due date (the current one: an extension moves it)."""
    return Q(met_on__lte=F("due_on"))


def days_to_comply_q(low: int | None, high: int | None, prefix: str = VIA_TERM) -> Q:
    """Met between ``low`` and ``high`` days (both included) after the order's issue date."""
    q = Q()
    if low is not None:
        q &= Q(met_on__gte=F(f"{prefix}issued_on") + timedelta(days=low))
    if high is not None:
        q &= Q(met_on__lte=F(f"{prefix}issued_on") + timedelta(days=high))
    return q


def dashboard_deadlines(
    user: User, *, authority: Authority | None = None, prefix: str = VIA_TERM
) -> QuerySet[Deadline]:
    """The deadlines of ``dashboard_orders``: the same rule, with the order joined once.

    ``orders_visible_to`` is "the order's investigation is one ``user`` may see";
    applied through the join (rather than as ``order__in=<visible orders>``) the
    order is read once per deadline, from ``orders_order_visible`` alone, and the
    conditions on its status share that join. ``prefix`` is the path to the order
    (``VIA_ORDER`` or ``VIA_TERM``); the definitions applied to these deadlines
    must take the same one, or the order is joined twice.
    """
    deadlines = Deadline.objects.filter(**{f"{prefix}investigation__in": investigations_visible_to(user)}).exclude(
        **{f"{prefix}status": OrderStatus.DRAFT}
    )
    if authority is not None:
        deadlines = deadlines.filter(**{f"{prefix}authority": authority})
    return deadlines


# --- Headline figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    open_orders: int
    due_soon: int
    overdue: int
    stayed: int
    met_in_period: int
    met_on_time: int

    @property
    def on_time_percent(self) -> int | None:
        """Share of the deadlines met in the period that were met on time (rounded), ``None`` if none was met."""
        if not self.met_in_period:
            return None
        return round(100 * self.met_on_time / self.met_in_period)


@dataclass(frozen=True)
class WeekCount:
    first: date  # the week's first day (today, today + 7, …)
    last: date
    count: int


@dataclass(frozen=True)
class ComplianceBucket:
    low: int
    high: int | None
    count: int


@dataclass(frozen=True)
class DeadlineFigures:
    """Every deadline figure of the page: what is owed today on running orders, and the period's compliance."""

    due_soon: int
    overdue: int
    stayed: int
    weeks: list[WeekCount]
    # Of the overdue: those on an order a court holds (stayed, under judicial review).
    overdue_held: int
    met_in_period: int
    met_on_time: int
    buckets: list[ComplianceBucket]


def week_spans(today: date, weeks: int = WEEKS_AHEAD) -> list[tuple[date, date]]:
    """The chart's weeks counted from today: (today, today + 6), (today + 7, today + 13), …"""
    return [(today + timedelta(days=7 * n), today + timedelta(days=7 * n + 6)) for n in range(weeks)]


def deadline_figures(
    user: User, *, authority: Authority | None = None, today: date, start: date, end: date
) -> DeadlineFigures:
    """Every deadline figure of the page (one query): from the tallies on PostgreSQL, live elsewhere.

    Both count the same deadlines; ``tests/orders/test_dashboard_tallies.py`` checks it for
    users of every role and authority after every kind of change.
    """
    if tallies.enabled():
        return _deadline_figures_tallied(user, authority=authority, today=today, start=start, end=end)
    return deadline_figures_live(user, authority=authority, today=today, start=start, end=end)


def deadline_figures_live(
    user: User, *, authority: Authority | None = None, today: date, start: date, end: date
) -> DeadlineFigures:
    """Due soon, overdue, stayed, due per week, met in the period, on time, time to compliance: one query.

    PostgreSQL reads the visible orders from ``orders_order_visible`` and, for
    each, its deadlines from ``orders_deadline_order_counts`` (order, with the due
    date, status and day met), both from the index alone: no term and no table row
    is read. The WHERE is the definitions joined by OR (pending and due from today
    to the chart's last day, owed and due before today, stayed, met in the period);
    the ``FILTER`` of each count then tells the figures apart. One query for them
    all costs less than one per figure: each would read the visible orders again.
    The counts are of ``order_id`` (never null) rather than the primary key, which
    the index does not hold (``COUNT(*)`` cannot take a filter in the ORM).
    """
    spans = week_spans(today)
    soon_last = today + timedelta(days=DUE_SOON_DAYS)
    window_last = max(soon_last, spans[-1][1])
    via = VIA_ORDER
    overdue, stayed, met = overdue_q(today, via), stayed_q(via), met_between_q(start, end)
    counts = (
        dashboard_deadlines(user, authority=authority, prefix=via)
        .filter(due_between_q(today, window_last, via) | overdue | stayed | met)
        .aggregate(
            due_soon=Count("order", filter=due_between_q(today, soon_last, via)),
            overdue=Count("order", filter=overdue),
            overdue_held=Count("order", filter=overdue & held_by_court_q(via)),
            stayed=Count("order", filter=stayed),
            met_in_period=Count("order", filter=met),
            met_on_time=Count("order", filter=met & on_time_q()),
            **{
                f"w{n}": Count("order", filter=due_between_q(first, last, via)) for n, (first, last) in enumerate(spans)
            },
            **{
                f"b{n}": Count("order", filter=met & days_to_comply_q(low, high, via))
                for n, (low, high) in enumerate(COMPLIANCE_BUCKETS)
            },
        )
    )
    return DeadlineFigures(
        due_soon=counts["due_soon"],
        overdue=counts["overdue"],
        stayed=counts["stayed"],
        overdue_held=counts["overdue_held"],
        weeks=[WeekCount(first, last, counts[f"w{n}"]) for n, (first, last) in enumerate(spans)],
        met_in_period=counts["met_in_period"],
        met_on_time=counts["met_on_time"],
        buckets=[ComplianceBucket(low, high, counts[f"b{n}"]) for n, (low, high) in enumerate(COMPLIANCE_BUCKETS)],
    )


# --- Orders by status ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthorityStatusCounts:
    authority_id: int
    code: str
    counts: dict[str, int]  # status → orders

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def running(self) -> int:
        """Orders still running: issued and not complied, quashed or withdrawn."""
        return sum(n for status, n in self.counts.items() if status not in ORDER_STATUSES_NOT_RUNNING)


def orders_by_status(user: User, *, authority: Authority | None = None) -> list[AuthorityStatusCounts]:
    """``orders_by_status_live``'s rows (one query): from the tallies on PostgreSQL, live elsewhere."""
    if tallies.enabled():
        return _orders_by_status_tallied(user, authority=authority)
    return orders_by_status_live(user, authority=authority)


def orders_by_status_live(user: User, *, authority: Authority | None = None) -> list[AuthorityStatusCounts]:
    """Issued orders per issuing authority and status, authorities by code (one GROUP BY query).

    Without ``authority`` the rows also say which authorities the filter offers
    (``dashboard_authorities``) and, summed, the open orders (``open_orders``):
    the page reads the visible orders once for the three.
    """
    rows = (
        dashboard_orders(user, authority=authority)
        .order_by()
        .values("authority_id", "authority__code", "status")
        .annotate(n=Count("pk"))
        .order_by("authority__code", "status")
    )
    return _by_authority(rows)


def _by_authority(rows: Iterable[Mapping[str, Any]]) -> list[AuthorityStatusCounts]:
    by_authority: dict[int, AuthorityStatusCounts] = {}
    for row in rows:
        entry = by_authority.setdefault(
            row["authority_id"], AuthorityStatusCounts(row["authority_id"], row["authority__code"], {})
        )
        entry.counts[row["status"]] = row["n"]
    return list(by_authority.values())


def of_authority(rows: list[AuthorityStatusCounts], authority: Authority | None) -> list[AuthorityStatusCounts]:
    """The rows of ``authority`` only (all of them if ``None``): no query."""
    return [row for row in rows if authority is None or row.authority_id == authority.pk]


def open_orders(rows: list[AuthorityStatusCounts]) -> int:
    """Running orders, summed from ``orders_by_status``: the same set as ``running_order_q`` (no query)."""
    return sum(row.running for row in rows)


# --- Tables -------------------------------------------------------------------------------------------


def _table_rows(deadlines: QuerySet[Deadline], limit: int) -> list[Deadline]:
    """The first ``limit`` deadlines by due date, with their term and order (one query).

    The order is joined once, through ``Deadline.order`` (the one the filters use),
    and handed to the term, whose order it is: the tables read ``deadline.term.order``.
    """
    rows = list(
        deadlines.select_related("term", "order__authority__jurisdiction", "order__investigation").order_by(
            "due_on", "order__authority__code", "order__number", "term__number"
        )[:limit]
    )
    for deadline in rows:
        deadline.term.order = deadline.order
    return rows


def deadlines_next(
    user: User, *, authority: Authority | None = None, today: date, limit: int = TABLE_ROWS
) -> list[Deadline]:
    """The next pending deadlines from today, soonest first (one query)."""
    deadlines = dashboard_deadlines(user, authority=authority, prefix=VIA_ORDER)
    return _table_rows(deadlines.filter(pending_q(VIA_ORDER), due_on__gte=today), limit)


def deadlines_overdue(
    user: User, *, authority: Authority | None = None, today: date, limit: int = TABLE_ROWS
) -> list[Deadline]:
    """The overdue deadlines, most days late first (one query)."""
    deadlines = dashboard_deadlines(user, authority=authority, prefix=VIA_ORDER)
    return _table_rows(deadlines.filter(overdue_q(today, VIA_ORDER)), limit)


@dataclass(frozen=True)
class OverdueTables:
    """The overdue deadlines staff can act on, and those on orders a court holds, each most days late first."""

    actionable: list[Deadline]
    held: list[Deadline]


def deadlines_overdue_split(
    user: User, *, authority: Authority | None = None, today: date, limit: int = TABLE_ROWS
) -> OverdueTables:
    """``deadlines_overdue`` in two tables of at most ``limit`` rows each, in one query.

    The first ``limit`` overdue deadlines of each group (held by a court or not) are two
    ``LIMIT``ed subqueries joined by ``UNION ALL``, each walking the owed deadlines by due date
    (``orders_deadline_owed_due``) and stopping after its rows: what it reads does not grow
    with the overdue deadlines held, as numbering them all by a window function did. The
    outer query fetches those rows with their term and order, joined as in ``_table_rows``.
    """
    order = ["due_on", "order__authority__code", "order__number", "term__number"]
    overdue = dashboard_deadlines(user, authority=authority, prefix=VIA_ORDER).filter(overdue_q(today, VIA_ORDER))
    parts = [
        group.order_by(*order).values("pk")[:limit].query.sql_with_params()
        for group in (overdue.exclude(held_by_court_q(VIA_ORDER)), overdue.filter(held_by_court_q(VIA_ORDER)))
    ]
    # The ORM's own SQL and parameters for each part: nothing from input is spliced in.
    # (Each part in a FROM: SQLite takes no LIMIT in a bare member of a UNION.)
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) part{n}" for n, (sql, _) in enumerate(parts))  # noqa: S608
    first_of_each = RawSQL(union, tuple(p for _, ps in parts for p in ps))  # noqa: S611
    held = Case(When(held_by_court_q(VIA_ORDER), then=Value(True)), default=Value(False), output_field=BooleanField())
    rows = list(
        Deadline.objects.filter(pk__in=first_of_each)
        .annotate(held=held)
        .select_related("term", "order__authority__jurisdiction", "order__investigation")
        .order_by(*order)
    )
    for deadline in rows:
        deadline.term.order = deadline.order
    return OverdueTables(
        actionable=[row for row in rows if not row.held],  # type: ignore[attr-defined]
        held=[row for row in rows if row.held],  # type: ignore[attr-defined]
    )


def dashboard_authorities(rows: list[AuthorityStatusCounts]) -> QuerySet[Authority]:
    """The authorities the filter offers: those that issued an order the user may see.

    ``rows`` are ``orders_by_status(user)`` without an authority, so that the
    visible orders are not read again: one query by primary key.
    """
    return Authority.objects.filter(pk__in=[row.authority_id for row in rows]).order_by("code")


# --- The page's today, the deadlines list -------------------------------------------------------


def page_today(user: User) -> date:
    """Today in the user's authority's time zone (UTC for staff without one).

    Fetches the authority with its jurisdiction (one query) and sets it on the user,
    so that the page header and the bell do not fetch it again.
    """
    if user.authority_id is None:
        return local_today(timezone.now(), "UTC")
    user.authority = Authority.objects.select_related("jurisdiction").get(pk=user.authority_id)
    return local_today(timezone.now(), user.authority.jurisdiction.time_zone)


def deadline_list(user: User, filters: DeadlineFilter) -> QuerySet[Deadline]:
    """The deadlines of the issued orders ``user`` may see, filtered, with what the table shows (one query a page).

    Everything reaches the order through ``Deadline.order`` (``VIA_ORDER``), as the
    dashboard does: the visibility, the filters, the sort and the columns share one join
    (``orders.tables.DeadlineListTable`` reads the order there), and the count reads no term.
    """
    deadlines = dashboard_deadlines(user, prefix=VIA_ORDER)
    filters.is_valid()  # an invalid value is ignored; its error is shown on the form
    return (
        filters.filter_queryset(deadlines)
        .select_related("term", "order__authority__jurisdiction", "order__investigation")
        .order_by(F("due_on").asc(nulls_last=True), "order__authority__code", "order__number", "term__number")
    )


# --- The same figures from the tallies (PostgreSQL) ------------------------------------------------------
# ``orders.dashboard.tallies`` keeps the counts per scope of viewers; a user's figures are their scope's rows
# plus, read live, the rows of the confidential investigations they are assigned to in their authority's
# scope (a superuser's scope holds every row). One query each, as the live versions.

_CONFIDENTIAL_ASSIGNED = """
    SELECT i.id FROM casework_investigation i
      JOIN casework_investigation_assignees a ON a.investigation_id = i.id AND a.user_id = %(user)s
    WHERE i.confidential AND %(scope)s <> 0 AND EXISTS (
      SELECT 1 FROM casework_participation p
      WHERE p.investigation_id = i.id AND p.authority_id = %(scope)s AND p.withdrawn_at IS NULL)"""


def _tally_params(user: User, authority: Authority | None) -> dict[str, Any] | None:
    """The user's scope and the query's parameters, or ``None`` for a user who sees nothing (counted live)."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        scope = tallies.ALL
    elif user.authority_id is None:
        return None
    else:
        scope = user.authority_id
    return {"scope": scope, "user": user.pk, "authority": authority.pk if authority is not None else None}


def _raw(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _deadline_figures_tallied(
    user: User, *, authority: Authority | None, today: date, start: date, end: date
) -> DeadlineFigures:
    params = _tally_params(user, authority)
    if params is None:
        return deadline_figures_live(user, authority=authority, today=today, start=start, end=end)
    spans = week_spans(today)
    soon_last = today + timedelta(days=DUE_SOON_DAYS)
    params |= {"today": today, "soon": soon_last, "window": max(soon_last, spans[-1][1]), "start": start, "end": end}
    active = ", ".join(f"'{status}'" for status in ACTIVE_DEADLINE_STATUSES)
    owed = ", ".join(f"'{status}'" for status in OWED_DEADLINE_STATUSES)
    met, stayed = DeadlineStatus.MET.value, DeadlineStatus.STAYED.value
    of_authority = "AND authority_id = %(authority)s" if authority is not None else ""
    of_order_authority = of_authority.replace("authority_id", "o.authority_id")
    in_period = f"status = '{met}' AND day BETWEEN %(start)s AND %(end)s"
    counts = [
        f"status IN ({active}) AND day BETWEEN %(today)s AND %(soon)s",
        f"status IN ({owed}) AND day < %(today)s",
        f"status IN ({owed}) AND day < %(today)s AND held",
        f"status = '{stayed}'",
        in_period,
        f"{in_period} AND on_time",
    ]
    for n, (first, last) in enumerate(spans):
        params |= {f"w{n}a": first, f"w{n}b": last}
        counts.append(f"status IN ({active}) AND day BETWEEN %(w{n}a)s AND %(w{n}b)s")
    counts += [f"{in_period} AND bucket = {n}" for n in range(len(COMPLIANCE_BUCKETS))]
    sql = f"""
    WITH r AS (
      SELECT status, day, held, on_time, bucket, n FROM {tallies.DEADLINE_TALLY}
      WHERE scope = %(scope)s AND n <> 0 {of_authority} AND (
        ({in_period}) OR (status IN ({active}) AND day <= %(window)s)
        OR (status IN ({owed}) AND day < %(today)s) OR status = '{stayed}')
      UNION ALL
      SELECT d.status, {tallies.KEY_DAY}, {tallies.KEY_HELD}, {tallies.KEY_ON_TIME}, ({tallies.KEY_BUCKET}), 1
      FROM orders_deadline d JOIN orders_order o ON o.id = d.order_id
      WHERE o.investigation_id IN ({_CONFIDENTIAL_ASSIGNED}) AND {tallies.COUNTED} {of_order_authority}
    )
    SELECT {", ".join(f"COALESCE(SUM(n) FILTER (WHERE {count}), 0)" for count in counts)} FROM r
    """  # noqa: S608 - built from constants (statuses, table names), values as parameters
    values = [int(value) for value in _raw(sql, params)[0]]
    weeks_end = 6 + len(spans)
    return DeadlineFigures(
        due_soon=values[0],
        overdue=values[1],
        overdue_held=values[2],
        stayed=values[3],
        met_in_period=values[4],
        met_on_time=values[5],
        weeks=[WeekCount(first, last, values[6 + n]) for n, (first, last) in enumerate(spans)],
        buckets=[
            ComplianceBucket(low, high, values[weeks_end + n]) for n, (low, high) in enumerate(COMPLIANCE_BUCKETS)
        ],
    )


def _orders_by_status_tallied(user: User, *, authority: Authority | None) -> list[AuthorityStatusCounts]:
    params = _tally_params(user, authority)
    if params is None:
        return orders_by_status_live(user, authority=authority)
    of_authority = "AND authority_id = %(authority)s" if authority is not None else ""
    sql = f"""
    SELECT r.authority_id, a.code, r.status, SUM(r.n) FROM (
      SELECT authority_id, status, n FROM {tallies.ORDER_TALLY} WHERE scope = %(scope)s AND n <> 0 {of_authority}
      UNION ALL
      SELECT authority_id, status, 1 FROM orders_order
      WHERE investigation_id IN ({_CONFIDENTIAL_ASSIGNED}) AND status <> '{OrderStatus.DRAFT.value}' {of_authority}
    ) r JOIN casework_authority a ON a.id = r.authority_id
    GROUP BY r.authority_id, a.code, r.status HAVING SUM(r.n) > 0 ORDER BY a.code, r.status
    """  # noqa: S608 - built from constants (statuses, table names), values as parameters
    rows = _raw(sql, params)
    return _by_authority(
        {"authority_id": authority_id, "authority__code": code, "status": status, "n": int(n)}
        for authority_id, code, status, n in rows
    )
