"""The orders list's filters: authority, status, investigation reference, and words."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from casework.models import Authority
from orders.models import ORDER_STATUSES_NOT_RUNNING, Order, OrderStatus


def _authority_label(authority: Authority) -> str:
    return f"{authority.code} – {authority.name}"


class OrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_("Words in the number, title, legal basis or investigation title."),
    )
    authority = django_filters.ModelChoiceFilter(
        label=_("Issuing authority"),
        # Only authorities that may issue orders can have any.
        queryset=Authority.objects.filter(can_issue_orders=True).order_by("code"),
        empty_label=_("Any authority"),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OrderStatus.choices, empty_label=_("Any status"))
    # The dashboard's "open orders" lead here: issued, and neither complied, quashed nor withdrawn.
    running = django_filters.ChoiceFilter(
        label=_("Still running"),
        choices=(("yes", _("Yes")), ("no", _("No"))),
        method="filter_running",
        empty_label=_("Either"),
        help_text=_("Issued, and neither complied, quashed nor withdrawn."),
    )
    investigation = django_filters.CharFilter(
        label=_("Investigation reference"),
        field_name="investigation__reference",
        lookup_expr="icontains",
        help_text=_("All or part of it, for example PIPEDA-039525."),
    )

    class Meta:
        model = Order
        fields = ["q", "authority", "status", "running", "investigation"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["authority"].label_from_instance = _authority_label  # type: ignore[attr-defined]
        for name in ("q", "investigation"):
            self.form.fields[name].widget.attrs["type"] = "search"

    def filter_running(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        # Drafts are not running either: nothing is owed on them yet.
        not_running = Q(status__in=ORDER_STATUSES_NOT_RUNNING)
        return queryset.exclude(not_running) if value == "yes" else queryset.filter(not_running)

    def filter_search(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(title__icontains=value)
            | Q(legal_basis__icontains=value)
            | Q(investigation__title__icontains=value)
        )
