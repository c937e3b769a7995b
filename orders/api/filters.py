"""The API's filters (django-filter): ``reference``, ``authority``, ``status``, ``due_before``, ``due_after``…

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
from drf_spectacular.utils import extend_schema_field

from casework.models import CODE_VALIDATOR, Investigation, InvestigationStage, Participation
from orders.models import Deadline, DeadlineStatus, Order, OrderDocument, OrderStatus, Term

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ISSUER_HELP = _("The issuing authority's code (for example OIPC-BC).")
ISSUER_LABEL = _("Issuing authority")


def _reference_filter(field_name: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        field_name=field_name,
        label=_("Investigation reference"),
        help_text=_("The investigation's reference, exactly (for example PIPEDA-039525)."),
    )


def _number_filter(field_name: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        field_name=field_name, label=_("Order number"), help_text=_("The order's number (for example P21-08).")
    )


def _choice_filter(choices: Any, **kwargs: Any) -> django_filters.ChoiceFilter:
    kwargs.setdefault("label", _("Status"))
    return django_filters.ChoiceFilter(choices=choices, empty_label=_("Any"), **kwargs)


AUTHORITY_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]*$"  # casework.models.CODE_VALIDATOR


def _authority_filter(
    field_name: str, help_text: StrOrPromise = ISSUER_HELP, label: StrOrPromise = ISSUER_LABEL, **kwargs: Any
) -> django_filters.CharFilter:
    """An authority by its code (OIPC-BC): a malformed code is a 400, an unknown one finds nothing.

    Like ``reference``: an authority that exists but takes no part in anything the user may
    see, and one that does not exist, give the same empty list.
    """
    schema = {"type": "string", "pattern": AUTHORITY_CODE_PATTERN}
    return extend_schema_field(schema)(
        django_filters.CharFilter(
            field_name=field_name, validators=[CODE_VALIDATOR], label=label, help_text=help_text, **kwargs
        )
    )


def _date_filter(label: StrOrPromise, help_text: StrOrPromise) -> django_filters.DateFilter:
    # ISO 8601 only: Django's other input formats (10/25/2006) are ambiguous across countries.
    return django_filters.DateFilter(
        method="_collect_due", input_formats=["%Y-%m-%d"], label=label, help_text=help_text
    )


class _StrictFilterSet(django_filters.FilterSet):
    """A parameter given empty (``?status=``) is a 400, except for free text (``reference``, ``search``).

    django-filter ignores empty values, as an HTML form needs; a client sending an
    empty date or status has a bug that it should hear about.
    """

    def is_valid(self) -> bool:
        valid = super().is_valid()
        renderer = getattr(self.request, "accepted_renderer", None)
        if getattr(renderer, "format", None) == "api":
            # The browsable API's filter form sends every field, the empty ones too.
            return valid
        for name, filter_ in self.filters.items():
            free_text = isinstance(filter_, django_filters.CharFilter) and not filter_.extra.get("validators")
            if not free_text and name in self.data and self.data.get(name) == "":
                self.form.add_error(name, _("This parameter is empty: give a value or leave it out."))
                valid = False
        return valid


class _DueRangeFilterSet(_StrictFilterSet):
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


class InvestigationApiFilter(_DueRangeFilterSet):
    reference = _reference_filter("reference")
    authority = _authority_filter(
        "authority",
        _("An authority taking part, by its code (for example OIPC-BC)."),
        label=_("Authority taking part"),
        method="filter_authority",
    )
    stage = _choice_filter(InvestigationStage.choices, label=_("Stage"))
    search = django_filters.CharFilter(
        method="filter_search", label=_("Search"), help_text=_("Words in the reference, title or summary.")
    )

    class Meta:
        model = Investigation
        fields = ["reference", "authority", "stage", "search", "due_before", "due_after"]

    def filter_authority(self, queryset: QuerySet[Investigation], name: str, value: str) -> QuerySet[Investigation]:
        takes_part = Participation.objects.filter(investigation=OuterRef("pk"), authority__code=value)
        return queryset.filter(Exists(takes_part))

    def filter_search(self, queryset: QuerySet[Investigation], name: str, value: str) -> QuerySet[Investigation]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value) | Q(summary__icontains=value))

    def due_range(self, queryset: QuerySet[Any], due: Q) -> QuerySet[Any]:
        """Investigations with an order that has a deadline due in the range."""
        return queryset.filter(Exists(Deadline.objects.filter(due, term__order__investigation=OuterRef("pk"))))


class OrderApiFilter(_DueRangeFilterSet):
    reference = _reference_filter("investigation__reference")
    authority = _authority_filter("authority__code")
    number = _number_filter("number")
    status = _choice_filter(OrderStatus.choices)

    class Meta:
        model = Order
        fields = ["reference", "authority", "number", "status", "due_before", "due_after"]

    def due_range(self, queryset: QuerySet[Any], due: Q) -> QuerySet[Any]:
        """Orders with a deadline due in the range."""
        return queryset.filter(Exists(Deadline.objects.filter(due, term__order=OuterRef("pk"))))


class TermApiFilter(_DueRangeFilterSet):
    reference = _reference_filter("order__investigation__reference")
    authority = _authority_filter("order__authority__code")
    number = _number_filter("order__number")
    status = _choice_filter(
        DeadlineStatus.choices, field_name="deadline__status", help_text=_("The status of the term's deadline.")
    )

    class Meta:
        model = Term
        fields = ["reference", "authority", "number", "status", "due_before", "due_after"]

    def due_range(self, queryset: QuerySet[Any], due: Q) -> QuerySet[Any]:
        return queryset.filter(Exists(Deadline.objects.filter(due, term=OuterRef("pk"))))


class DeadlineApiFilter(_DueRangeFilterSet):
    reference = _reference_filter("term__order__investigation__reference")
    authority = _authority_filter("term__order__authority__code")
    number = _number_filter("term__order__number")
    status = _choice_filter(DeadlineStatus.choices)

    class Meta:
        model = Deadline
        fields = ["reference", "authority", "number", "status", "due_before", "due_after"]

    def due_range(self, queryset: QuerySet[Any], due: Q) -> QuerySet[Any]:
        return queryset.filter(due)


class OrderDocumentApiFilter(_StrictFilterSet):
    reference = _reference_filter("order__investigation__reference")
    authority = _authority_filter("order__authority__code")
    number = _number_filter("order__number")
    status = _choice_filter(OrderDocument.Status.choices)
    language = _choice_filter(OrderDocument.Language.choices, label=_("Language"))

    class Meta:
        model = OrderDocument
        fields = ["reference", "authority", "number", "status", "language"]
