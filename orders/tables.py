"""The orders table, the "my deadlines" table and the deadlines list's table.

Cells read only what the selectors fetched (authority with its jurisdiction or its time zone,
investigation, the annotated next due date), so a page costs the same queries
for 1 or 100 rows. Days left or late are counted in each authority's time zone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import django_tables2 as tables
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _

from casework.tables import WrittenRowsTable
from orders.bilingual import reader_language, term_text
from orders.models import ORDER_STATUSES_NOT_RUNNING, Deadline, Order
from orders.selectors import DueState, LocalToday, due_state

# Bootstrap badge classes by tone; the badge's text always says the same in words.
TONE_CLASSES = {
    "late": "text-bg-danger",
    "today": "text-bg-warning",
    "soon": "text-bg-warning",
    "later": "text-bg-light border",
    "paused": "text-bg-info",
    "closed": "text-bg-secondary",
    "unknown": "text-bg-light border",
}


def due_badge(state: DueState) -> SafeString:
    return format_html('<span class="badge {}">{}</span>', TONE_CLASSES.get(state.tone, ""), state.text)


def _date(value: date) -> SafeString:
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), value.isoformat())


def order_url(order: Order) -> str:
    return reverse("orders:detail", args=[order.authority.code, order.number])


class OrderTable(WrittenRowsTable):
    caption = _("Orders you can see. Column headers with links sort the table.")

    number = tables.Column(verbose_name=_("Number"), empty_values=())
    authority = tables.Column(verbose_name=_("Authority"), accessor="authority__code")
    investigation = tables.Column(verbose_name=_("Investigation"), accessor="investigation__reference")
    issued_on = tables.Column(verbose_name=_("Issued on"), attrs={"td": {"class": "text-nowrap"}})
    status = tables.Column(verbose_name=_("Status"), empty_values=())
    next_due = tables.Column(verbose_name=_("Next due date"), empty_values=())

    class Meta:
        model = Order
        fields = ("number", "authority", "investigation", "issued_on", "status", "next_due")
        sequence = fields
        template_name = "_table.html"
        attrs = {"class": "table table-hover align-middle", "id": "orders"}
        empty_text = _("No order matches these filters.")

    def __init__(self, *args: Any, now: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = LocalToday(now)

    def render_number(self, record: Order) -> SafeString:
        title = format_html('<br><span class="small fw-normal">{}</span>', record.title) if record.title else ""
        return format_html(
            '<a class="font-monospace text-nowrap" href="{}">{}</a>{}', order_url(record), record.number, title
        )

    def render_authority(self, record: Order) -> SafeString:
        return format_html('<abbr title="{}">{}</abbr>', record.authority.name, record.authority.code)

    def render_investigation(self, record: Order) -> SafeString:
        return format_html(
            '<a class="font-monospace" href="{}">{}</a><br><span class="small">{}</span>',
            reverse("casework:investigation_detail", args=[record.investigation.reference]),
            record.investigation.reference,
            Truncator(record.investigation.title).chars(80),
        )

    def render_issued_on(self, value: date) -> SafeString:
        return _date(value)

    def render_status(self, record: Order) -> str:
        return capfirst(record.get_status_display())

    def render_next_due(self, record: Order) -> SafeString | str:
        next_due: date | None = getattr(record, "next_due", None)
        if next_due is None or record.is_draft:  # a draft's dates are previews, not yet owed
            return "—"
        if record.status in ORDER_STATUSES_NOT_RUNNING:
            return _date(next_due)
        # The list's selector brings the time zone along (orders.selectors.order_list).
        time_zone = getattr(record, "authority_time_zone", None) or record.authority.jurisdiction.time_zone
        state = due_state(next_due, "open", self.today(time_zone))
        return format_html("{}<br>{}", _date(next_due), due_badge(state))

    def order_number(self, queryset: QuerySet[Order], is_descending: bool) -> tuple[QuerySet[Order], bool]:
        direction = "-" if is_descending else ""
        return queryset.order_by(f"{direction}number", "authority_code"), True

    def order_issued_on(self, queryset: QuerySet[Order], is_descending: bool) -> tuple[QuerySet[Order], bool]:
        # Drafts (no date yet) last either way; the number breaks ties so pages never repeat a row.
        key = F("issued_on").desc(nulls_last=True) if is_descending else F("issued_on").asc(nulls_last=True)
        return queryset.order_by(key, "authority_code", "number"), True

    def order_next_due(self, queryset: QuerySet[Order], is_descending: bool) -> tuple[QuerySet[Order], bool]:
        key = F("next_due").desc(nulls_last=True) if is_descending else F("next_due").asc(nulls_last=True)
        return queryset.order_by(key, "authority_code", "number"), True


class DeadlineTable(WrittenRowsTable):
    """Deadlines still owed, soonest first (the order is the selector's; columns do not sort)."""

    caption = _("Deadlines still owed on your orders, soonest first.")

    due_on = tables.Column(verbose_name=_("Due on"), empty_values=(), orderable=False)
    left = tables.Column(verbose_name=_("Days left or late"), empty_values=(), orderable=False)
    status = tables.Column(verbose_name=_("Status"), empty_values=(), orderable=False)
    order = tables.Column(verbose_name=_("Order"), accessor="term__order__number", orderable=False)
    term = tables.Column(verbose_name=_("Term"), accessor="term__number", orderable=False)
    investigation = tables.Column(
        verbose_name=_("Investigation"), accessor="term__order__investigation__reference", orderable=False
    )

    class Meta:
        model = Deadline
        fields = ("due_on", "left", "status", "order", "term", "investigation")
        sequence = fields
        template_name = "_table.html"
        attrs = {"class": "table table-hover align-middle", "id": "deadlines"}
        empty_text = _("No deadline is owed on your orders.")

    def __init__(self, *args: Any, now: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = LocalToday(now)

    def _order(self, record: Deadline) -> Order:
        """The deadline's order, as the selector fetched it (through its term here)."""
        return record.term.order

    def _state(self, record: Deadline) -> DueState:
        time_zone = self._order(record).authority.jurisdiction.time_zone
        return due_state(record.due_on, record.status, self.today(time_zone), met_on=record.met_on)

    def render_due_on(self, record: Deadline) -> SafeString | str:
        if record.due_on is None:
            return str(_("not yet known"))
        time_zone = self._order(record).authority.jurisdiction.time_zone
        return format_html(
            '<time datetime="{}" class="text-nowrap">{}</time><br><span class="small text-body-secondary">{}</span>',
            record.due_on.isoformat(),
            date_format(record.due_on, "DATE_FORMAT"),
            _("ends 23:59:59 %(zone)s") % {"zone": time_zone},
        )

    def render_left(self, record: Deadline) -> SafeString:
        return due_badge(self._state(record))

    def render_status(self, record: Deadline) -> str:
        return capfirst(record.get_status_display())

    def render_order(self, record: Deadline) -> SafeString:
        order = self._order(record)
        return format_html(
            '<abbr title="{}">{}</abbr> <a class="font-monospace text-nowrap" href="{}#term-{}">{}</a>',
            order.authority.name,
            order.authority.code,
            order_url(order),
            record.term.number,
            order.number,
        )

    def render_term(self, record: Deadline) -> SafeString:
        # The reader's language; the other text, marked with its language, only when the term has none.
        text = term_text(record.term)
        shown = Truncator(text.text).words(16)
        if text.language == reader_language():
            return format_html('<span class="fw-semibold">{}</span> {}', record.term.number, shown)
        return format_html(
            '<span class="fw-semibold">{}</span> <span lang="{}">{}</span>', record.term.number, text.language, shown
        )

    def render_investigation(self, record: Deadline) -> SafeString:
        reference = self._order(record).investigation.reference
        return format_html(
            '<a class="font-monospace" href="{}">{}</a>',
            reverse("casework:investigation_detail", args=[reference]),
            reference,
        )


class DeadlineListTable(DeadlineTable):
    """Every deadline matching the filters, soonest first; days left or late counted on the page's today.

    The rows come from ``orders.dashboard.selectors.deadline_list``, which joins each
    deadline's order once, through ``Deadline.order``: the cells read it there.
    """

    caption = _("Deadlines matching the filters, soonest first.")

    order = tables.Column(verbose_name=_("Order"), accessor="order__number", orderable=False)
    investigation = tables.Column(
        verbose_name=_("Investigation"), accessor="order__investigation__reference", orderable=False
    )

    class Meta(DeadlineTable.Meta):
        attrs = {"class": "table table-hover align-middle", "id": "deadline-list"}
        empty_text = _("No deadline matches these filters.")

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page_today = today

    def _order(self, record: Deadline) -> Order:
        return record.order

    def _state(self, record: Deadline) -> DueState:
        # One "today" for the page: the one the overdue filter used.
        return due_state(record.due_on, record.status, self.page_today, met_on=record.met_on)
