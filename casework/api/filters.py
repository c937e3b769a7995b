"""The API's filters (django-filter): the strict filter set every resource uses, the filters they
share (``reference``, ``authority``, a status), and the investigations' own.

A bad value (a malformed authority code, an unknown status, an empty date or status)
answers 400 with the field's name and the reason, e.g. ``{"stage": ["Select a valid
choice…"]}``. A well-formed reference or authority code that matches nothing gives an
empty list, whether it exists or not. Filters on related rows use ``Exists`` subqueries,
so that a row is never repeated by a join.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from casework.filters import SEARCH_MAX_LENGTH
from casework.models import CODE_VALIDATOR, Investigation, InvestigationStage, Participation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ISSUER_HELP = _("The issuing authority's code (for example OIPC-BC).")
ISSUER_LABEL = _("Issuing authority")
AUTHORITY_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]*$"  # casework.models.CODE_VALIDATOR


def reference_filter(field_name: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        field_name=field_name,
        label=_("Investigation reference"),
        help_text=_("The investigation's reference, exactly (for example PIPEDA-039525)."),
    )


def choice_filter(choices: Any, **kwargs: Any) -> django_filters.ChoiceFilter:
    kwargs.setdefault("label", _("Status"))
    return django_filters.ChoiceFilter(choices=choices, empty_label=_("Any"), **kwargs)


def authority_filter(
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


class StrictFilterSet(django_filters.FilterSet):
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


class InvestigationApiFilter(StrictFilterSet):
    """The investigations' filters; other apps add theirs (``casework.extensions.investigation_api``)."""

    reference = reference_filter("reference")
    authority = authority_filter(
        "authority",
        _("An authority taking part, by its code (for example OIPC-BC)."),
        label=_("Authority taking part"),
        method="filter_authority",
    )
    stage = choice_filter(InvestigationStage.choices, label=_("Stage"))
    search = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        help_text=_("Words in the reference, title or summary."),
        max_length=SEARCH_MAX_LENGTH,
    )

    class Meta:
        model = Investigation
        fields = ["reference", "authority", "stage", "search"]

    def filter_authority(self, queryset: QuerySet[Investigation], name: str, value: str) -> QuerySet[Investigation]:
        takes_part = Participation.objects.filter(investigation=OuterRef("pk"), authority__code=value)
        return queryset.filter(Exists(takes_part))

    def filter_search(self, queryset: QuerySet[Investigation], name: str, value: str) -> QuerySet[Investigation]:
        value = value.strip()
        if not value:
            return queryset
        # As the list's search (casework.filters): the words tested on the row, which the planner reads
        # from the trigram indexes when they are rare and in the list's order when they are common.
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value) | Q(summary__icontains=value))
