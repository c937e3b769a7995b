"""The orders API's filters (django-filter): ``reference``, ``authority``, ``number``, ``status``,
``due_before``, ``due_after``… built on casework's (``casework.api.filters``).

A bad value (a malformed authority code, an unknown status, a date that is not
YYYY-MM-DD, an empty date or status) answers 400 with the field's name and the
reason, e.g. ``{"due_before": ["Enter a valid date."]}``. A well-formed reference
or authority code that matches nothing gives an empty list, whether it exists or not. Filters on related rows use
``Exists`` subqueries, so that a row is never repeated by a join.

``due_before`` and ``due_after`` are inclusive and, on orders and investigations,
must hold for the *same* deadline: an order "with a deadline due in January" is
not one with a deadline in December and another in February.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from casework.api.filters import StrictFilterSet, authority_filter, choice_filter, reference_filter
from orders.models import Deadline, DeadlineStatus, Order, OrderDocument, OrderStatus, Term

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _number_filter(field_name: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        field_name=field_name, label=_("Order number"), help_text=_("The order's number (for example P21-08).")
    )


def _date_filter(label: StrOrPromise, help_text: StrOrPromise) -> django_filters.DateFilter:
    # ISO 8601 only: Django's other input formats (10/25/2006) are ambiguous across countries.
    return django_filters.DateFilter(
        method="_collect_due", input_formats=["%Y-%m-%d"], label=label, help_text=help_text
    )


class DueRangeFilterSet(StrictFilterSet):
    """``due_before``/``due_after`` applied together to one deadline, through ``due_range()``."""

    due_before = _date_filter(_("Due on or before"), _("Due on or before this date (YYYY-MM-DD)."))
    due_after = _date_filter(_("Due on or after"), _("Due on or after this date (YYYY-MM-DD)."))

    def _collect_due(self, queryset: QuerySet[Any], name: str, value: date) -> QuerySet[Any]:
        # Applied in filter_queryset once both bounds are known.
        return queryset

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = super().filter_queryset(queryset)
        due = Q()
        if self.form.cleaned_data.get("due_before") is not None:
            due &= Q(due_on__lte=self.form.cleaned_data["due_before"])
        if self.form.cleaned_data.get("due_after") is not None:
            due &= Q(due_on__gte=self.form.cleaned_data["due_after"])
        if due:
            queryset = self.due_range(queryset, due)
        return queryset

    def due_range(self, queryset: QuerySet[Any], due: Q) -> QuerySet[Any]:
        raise NotImplementedError


class OrderApiFilter(DueRangeFilterSet):
    reference = reference_filter("investigation__reference")
    authority = authority_filter("authority__code")
    number = _number_filter("number")
    status = choice_filter(OrderStatus.choices)

    class Meta:
        model = Order
        fields = ["reference", "authority", "number", "status", "due_before", "due_after"]

    def due_range(self, queryset: QuerySet[Any], due: Q) -> QuerySet[Any]:
        """Orders with a deadline due in the range."""
        return queryset.filter(Exists(Deadline.objects.filter(due, term__order=OuterRef("pk"))))


class TermApiFilter(DueRangeFilterSet):
    reference = reference_filter("order__investigation__reference")
    authority = authority_filter("order__authority__code")
    number = _number_filter("order__number")
    status = choice_filter(
        DeadlineStatus.choices, field_name="deadline__status", help_text=_("The status of the term's deadline.")
    )

    class Meta:
        model = Term
        fields = ["reference", "authority", "number", "status", "due_before", "due_after"]

    def due_range(self, queryset: QuerySet[Any], due: Q) -> QuerySet[Any]:
        return queryset.filter(Exists(Deadline.objects.filter(due, term=OuterRef("pk"))))


class DeadlineApiFilter(DueRangeFilterSet):
    reference = reference_filter("term__order__investigation__reference")
    authority = authority_filter("term__order__authority__code")
    number = _number_filter("term__order__number")
    status = choice_filter(DeadlineStatus.choices)

    class Meta:
        model = Deadline
        fields = ["reference", "authority", "number", "status", "due_before", "due_after"]

    def due_range(self, queryset: QuerySet[Any], due: Q) -> QuerySet[Any]:
        return queryset.filter(due)


class OrderDocumentApiFilter(StrictFilterSet):
    reference = reference_filter("order__investigation__reference")
    authority = authority_filter("order__authority__code")
    number = _number_filter("order__number")
    status = choice_filter(OrderDocument.Status.choices)
    language = choice_filter(OrderDocument.Language.choices, label=_("Language"))

    class Meta:
        model = OrderDocument
        fields = ["reference", "authority", "number", "status", "language"]


class InvestigationDueRangeFilter(DueRangeFilterSet):
    """``due_before``/``due_after`` on /api/investigations/ (``casework.extensions.investigation_api``)."""

    def due_range(self, queryset: QuerySet[Any], due: Q) -> QuerySet[Any]:
        """Investigations with an order that has a deadline due in the range."""
        return queryset.filter(Exists(Deadline.objects.filter(due, term__order__investigation=OuterRef("pk"))))
