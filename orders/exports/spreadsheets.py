"""Orders and deadlines as CSV files, streamed.

What a user may export is what they may see (``orders.permissions.orders_visible_to``).
``csv_stream`` turns rows into UTF-8 text with a byte-order mark (Excel reads the accents
right), every text cell made safe against formula injection (``csv_cell``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db.models import F, QuerySet
from django.urls import reverse

from casework.models import User
from orders.bilingual import term_text
from orders.deadlines import deadline_ends_at, explanation_for_reader
from orders.filters import OrderFilter
from orders.models import (
    ACTIVE_DEADLINE_STATUSES,
    Deadline,
    Order,
    OrderStatus,
)
from orders.permissions import orders_visible_to
from orders.selectors import LocalToday, deadlines_mine, due_state, order_list

# Spreadsheet programs run a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Rows fetched per round trip while a CSV streams (one query still: a server-side cursor on PostgreSQL).
CSV_CHUNK = 2000


AbsoluteUrl = Callable[[str], str]


# --- CSV -------------------------------------------------------------------------------------------


def csv_cell(value: object) -> str | int:
    """One cell: text that a spreadsheet would run as a formula is prefixed with ``'``; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return value
    if isinstance(value, date):
        return value.isoformat()
    text = str(value) if not isinstance(value, Decimal) else format(value, "f")
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file that hands back what is written: ``csv.writer`` then yields each line as a string."""

    def write(self, value: str) -> str:
        return value


def csv_stream(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text, line by line: a byte-order mark and the header first, then the rows as they come."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


ORDER_COLUMNS = (
    "authority",
    "number",
    "title",
    "status",
    "issued_on",
    "served_on",
    "next_due_on",
    "legal_basis",
    "investigation",
    "investigation_title",
    "url",
)


def orders_for_csv(user: User, filters: OrderFilter | None = None) -> QuerySet[Order]:
    """The orders list as the user sees it (same visibility, filters and order): one query."""
    return order_list(user, filters)


def order_csv_rows(orders: Iterable[Order], *, absolute: AbsoluteUrl) -> Iterator[list[object]]:
    for order in orders:
        next_due: date | None = None if order.is_draft else getattr(order, "next_due", None)
        yield [
            order.authority.code,
            order.number,
            order.title,
            order.status,
            order.issued_on,
            order.served_on,
            next_due,
            order.legal_basis,
            order.investigation.reference,
            order.investigation.title,
            absolute(reverse("orders:detail", args=[order.authority.code, order.number])),
        ]


DEADLINE_COLUMNS = (
    "authority",
    "order",
    "term",
    "due_on",
    "ends_at",
    "time_zone",
    "status",
    "days_left",
    "state",
    "rule",
    "explanation",
    "term_text",
    "order_status",
    "investigation",
    "url",
)


def deadlines_for_csv(user: User, filters: OrderFilter | None = None, *, mine: bool = False) -> QuerySet[Deadline]:
    """The deadlines of the orders ``user`` sees (drafts left out: their dates are previews), one query.

    ``filters`` narrows the orders as on the orders list; ``mine`` gives instead exactly
    the "my deadlines" page's rows.
    """
    if mine:
        return deadlines_mine(user)
    orders = orders_visible_to(user).exclude(status=OrderStatus.DRAFT)
    if filters is not None:
        filters.is_valid()
        orders = filters.filter_queryset(orders)
    return (
        Deadline.objects.filter(term__order__in=orders)
        .select_related("term__order__authority__jurisdiction", "term__order__investigation")
        .order_by(
            F("due_on").asc(nulls_last=True), "term__order__authority__code", "term__order__number", "term__number"
        )
    )


def deadline_csv_rows(
    deadlines: Iterable[Deadline], *, absolute: AbsoluteUrl, now: datetime | None = None
) -> Iterator[list[object]]:
    today = LocalToday(now)
    for deadline in deadlines:
        term = deadline.term
        order = term.order
        time_zone = order.authority.jurisdiction.time_zone
        local_today = today(time_zone)
        state = due_state(deadline.due_on, deadline.status, local_today, met_on=deadline.met_on)
        # Days left (negative: days late) only while the clock runs; a met, waived or stayed deadline has none.
        running = deadline.status in ACTIVE_DEADLINE_STATUSES and deadline.due_on is not None
        days_left = (deadline.due_on - local_today).days if running and deadline.due_on else None
        url = reverse("orders:detail", args=[order.authority.code, order.number])
        yield [
            order.authority.code,
            order.number,
            term.number,
            deadline.due_on,
            deadline_ends_at(deadline.due_on, time_zone) if deadline.due_on else None,
            time_zone,
            deadline.status,
            days_left,
            state.text,
            json.dumps(deadline.rule, sort_keys=True, ensure_ascii=False),
            # In the reader's language (the request's), as the pages show them.
            explanation_for_reader(deadline.steps, deadline.explanation),
            term_text(term).text,
            order.status,
            order.investigation.reference,
            absolute(f"{url}#term-{term.number}"),
        ]
