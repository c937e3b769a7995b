"""The dashboard's filter form and the deadlines list's filters.

The deadlines list is where the dashboard's figures and charts lead: its filters
are built from the same ``Q`` objects as the figures (``orders.dashboard``), so a
count and the list behind it cannot disagree.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from casework.models import Authority
from orders.dashboard import selectors as dashboard
from orders.filters import AuthorityField, AuthorityFilter, StrictFilterSet
from orders.models import Deadline, DeadlineStatus

# The longest period the dashboard accepts (ten years), and the default (the last twelve months).
MAX_PERIOD_DAYS = 3653
DEFAULT_PERIOD_DAYS = 365
YES_NO = (("yes", _("Yes")), ("no", _("No")))


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months: from a year ago (excluded) to today (included)."""
    return today - timedelta(days=DEFAULT_PERIOD_DAYS - 1), today


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DashboardForm(forms.Form):
    """Authority (among those the user sees orders of) and period (for the compliance measures)."""

    authority = AuthorityField(
        label=_("Issuing authority"),
        queryset=Authority.objects.none(),
        required=False,
        empty_label=_("All the authorities you can see"),
    )
    start = forms.DateField(label=_("Period from"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Period to"), required=False, widget=DateInput())

    def __init__(self, data: Any, *, authorities: QuerySet[Authority], today: date) -> None:
        super().__init__(data)
        self.today = today
        field = self.fields["authority"]
        field.queryset = authorities  # type: ignore[attr-defined]
        start, end = default_period(today)
        self.fields["start"].help_text = _("Deadlines met in this period are measured; default: the last 12 months.")
        self.fields["start"].widget.attrs["placeholder"] = start.isoformat()
        self.fields["end"].widget.attrs["placeholder"] = end.isoformat()
        # The period that applies is shown in the fields, default included: an empty date field reads as
        # "no period" (and a browser shows its own mm/dd/yyyy there).
        if self.is_bound:
            data = dict(self.data.items())  # the last value of each key, as a QueryDict's get() gives
            for name, default in (("start", start), ("end", end)):
                if not data.get(name):
                    data[name] = default.isoformat()
            self.data = data
        else:
            self.initial = {"start": start, "end": end}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        default_start, default_end = default_period(self.today)
        start = cleaned.get("start") or default_start
        end = cleaned.get("end") or default_end
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        if start > end:
            raise forms.ValidationError(_("The period must start on or before the day it ends."), code="order")
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise forms.ValidationError(_("The period may not be longer than ten years."), code="too_long")
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def choices(self) -> tuple[Authority | None, date, date]:
        """The authority and period asked for, or the defaults when the form is not valid."""
        if self.is_valid():
            data = self.cleaned_data
            return data.get("authority"), data["start"], data["end"]
        start, end = default_period(self.today)
        return None, start, end


class DeadlineFilter(StrictFilterSet):
    """The deadlines list's filters; each narrows with the dashboard's own definitions."""

    authority = AuthorityFilter(
        label=_("Issuing authority"),
        field_name="order__authority",
        queryset=Authority.objects.filter(can_issue_orders=True).order_by("code"),
        empty_label=_("Any authority"),
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Deadline status"),
        choices=DeadlineStatus.choices,
        # A deadline has one status: no row can come twice, and DISTINCT over every column
        # (JSON included) would sort all the matching deadlines before the page (seconds at scale).
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any status."),
    )
    due_after = django_filters.DateFilter(
        label=_("Due on or after"), field_name="due_on", lookup_expr="gte", widget=DateInput()
    )
    due_before = django_filters.DateFilter(
        label=_("Due on or before"), field_name="due_on", lookup_expr="lte", widget=DateInput()
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=YES_NO,
        method="filter_overdue",
        empty_label=_("Either"),
        help_text=_("Due date passed and still owed (open, extended or missed) on an order still running."),
    )
    held = django_filters.ChoiceFilter(
        label=_("Order held by a court"),
        choices=YES_NO,
        method="filter_held",
        empty_label=_("Either"),
        help_text=_("The order is stayed or under judicial review: its deadlines wait for the court."),
    )
    running = django_filters.ChoiceFilter(
        label=_("Order still running"),
        choices=YES_NO,
        method="filter_running",
        empty_label=_("Either"),
        help_text=_("Neither complied, quashed nor withdrawn."),
    )
    met_after = django_filters.DateFilter(
        label=_("Met on or after"), field_name="met_on", lookup_expr="gte", widget=DateInput()
    )
    met_before = django_filters.DateFilter(
        label=_("Met on or before"), field_name="met_on", lookup_expr="lte", widget=DateInput()
    )
    on_time = django_filters.ChoiceFilter(
        label=_("Met on time"), choices=YES_NO, method="filter_on_time", empty_label=_("Either")
    )
    days_to_comply_min = django_filters.NumberFilter(
        label=_("Met at least this many days after issue"), method="filter_days_min", min_value=0
    )
    days_to_comply_max = django_filters.NumberFilter(
        label=_("Met at most this many days after issue"), method="filter_days_max", min_value=0
    )

    class Meta:
        model = Deadline
        fields: list[str] = []

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def filter_overdue(self, queryset: QuerySet[Deadline], name: str, value: str) -> QuerySet[Deadline]:
        q = dashboard.overdue_q(self.today, dashboard.VIA_ORDER)
        return queryset.filter(q) if value == "yes" else queryset.exclude(q)

    def filter_held(self, queryset: QuerySet[Deadline], name: str, value: str) -> QuerySet[Deadline]:
        q = dashboard.held_by_court_q(dashboard.VIA_ORDER)
        return queryset.filter(q) if value == "yes" else queryset.exclude(q)

    def filter_running(self, queryset: QuerySet[Deadline], name: str, value: str) -> QuerySet[Deadline]:
        q = dashboard.running_order_q(dashboard.VIA_ORDER)
        return queryset.filter(q) if value == "yes" else queryset.exclude(q)

    def filter_on_time(self, queryset: QuerySet[Deadline], name: str, value: str) -> QuerySet[Deadline]:
        met = Q(status=DeadlineStatus.MET, met_on__isnull=False)
        if value == "yes":
            return queryset.filter(met & dashboard.on_time_q())
        return queryset.filter(met).exclude(dashboard.on_time_q())

    def filter_days_min(self, queryset: QuerySet[Deadline], name: str, value: Any) -> QuerySet[Deadline]:
        return queryset.filter(dashboard.days_to_comply_q(int(value), None, dashboard.VIA_ORDER))

    def filter_days_max(self, queryset: QuerySet[Deadline], name: str, value: Any) -> QuerySet[Deadline]:
        return queryset.filter(dashboard.days_to_comply_q(None, int(value), dashboard.VIA_ORDER))
