"""The investigations list's filters.

Filters on related rows (an authority taking part, a respondent's name) use
``Exists`` subqueries: a join would repeat an investigation once per matching
row, and ``distinct()`` would fight the table's ordering and the paginator's count.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from casework.models import Authority, Investigation, InvestigationStage, Participation


def _authority_label(authority: Authority) -> str:
    return f"{authority.code} – {authority.name}"


class InvestigationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_("Words in the reference, title or summary."),
    )
    authority = django_filters.ModelChoiceFilter(
        label=_("Authority taking part"),
        queryset=Authority.objects.order_by("code"),
        method="filter_authority",
        empty_label=_("Any authority"),
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=InvestigationStage.choices, empty_label=_("Any stage")
    )
    respondent = django_filters.CharFilter(
        label=_("Respondent"), method="filter_respondent", help_text=_("Part of the respondent's name.")
    )
    confidential = django_filters.BooleanFilter(
        label=_("Confidentiality"),
        widget=forms.Select(
            choices=[("", _("Any")), ("true", _("Confidential only")), ("false", _("Not confidential"))]
        ),
    )

    class Meta:
        model = Investigation
        fields = ["q", "authority", "stage", "respondent", "confidential"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["authority"].label_from_instance = _authority_label  # type: ignore[attr-defined]
        for name in ("q", "respondent"):
            self.form.fields[name].widget.attrs["type"] = "search"

    def filter_search(self, queryset: QuerySet[Investigation], name: str, value: str) -> QuerySet[Investigation]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value) | Q(summary__icontains=value))

    def filter_authority(
        self, queryset: QuerySet[Investigation], name: str, value: Authority | None
    ) -> QuerySet[Investigation]:
        if value is None:
            return queryset
        return queryset.filter(Exists(Participation.objects.filter(investigation=OuterRef("pk"), authority=value)))

    def filter_respondent(self, queryset: QuerySet[Investigation], name: str, value: str) -> QuerySet[Investigation]:
        value = value.strip()
        if not value:
            return queryset
        respondents = Investigation.respondents.through.objects.filter(
            investigation_id=OuterRef("pk"), organization__name__icontains=value
        )
        return queryset.filter(Exists(respondents))
