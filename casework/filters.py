"""The investigations list's filters.

Filters on related rows (an authority taking part, a respondent's name, a document's
text, an assignee) use ``Exists`` subqueries: a join would repeat an investigation once per
matching row, and ``distinct()`` would fight the table's ordering and the paginator's count.

An authority is named in the URL by its code (``?authority=OIPC-BC``) or, as the form sends
it, by its id. A value the list does not know (an unknown code, stage or choice) is an error
shown above the list, which then shows nothing rather than every row
(``casework.selectors.investigation_list``).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from casework.documents.selectors import documents_matching
from casework.models import Authority, Investigation, InvestigationStage, Participation


def _authority_label(authority: Authority) -> str:
    return f"{authority.code} – {authority.name}"


class AuthorityField(forms.ModelChoiceField):
    """An authority by its id (what the select sends) or its code (``OIPC-BC``, in a link someone wrote)."""

    def to_python(self, value: Any) -> Authority | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text.isdigit():
            found = Authority.objects.filter(code__iexact=text).first()
            if found is None:
                raise forms.ValidationError(
                    _("There is no authority with the code %(value)s."), code="invalid_choice", params={"value": text}
                )
            return found
        return super().to_python(text)  # type: ignore[no-any-return]


class AuthorityFilter(django_filters.ModelChoiceFilter):
    field_class = AuthorityField


ASSIGNED_TO_ME = "me"
# The most a search takes: longer words match no title, and SQLite refuses LIKE patterns of 50 000 characters.
SEARCH_MAX_LENGTH = 200


class InvestigationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Words in the reference, title or summary, or in a document's title or text."),
    )
    assigned = django_filters.ChoiceFilter(
        label=_("Assigned"),
        choices=[(ASSIGNED_TO_ME, _("Assigned to me"))],
        empty_label=_("Anyone or no one"),
        method="filter_assigned",
    )
    authority = AuthorityFilter(
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
    # A choice, not a BooleanFilter: that one reads an unknown value ("?confidential=maybe") as "any"
    # and shows every row, where an unknown value must be an error.
    confidential = django_filters.ChoiceFilter(
        label=_("Confidentiality"),
        choices=[("true", _("Confidential only")), ("false", _("Not confidential"))],
        empty_label=_("Any"),
        method="filter_confidential",
    )

    class Meta:
        model = Investigation
        fields = ["q", "assigned", "authority", "stage", "respondent", "confidential"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["authority"].label_from_instance = _authority_label  # type: ignore[attr-defined]
        for name in ("q", "respondent"):
            self.form.fields[name].widget.attrs["type"] = "search"

    def filter_queryset(self, queryset: QuerySet[Investigation]) -> QuerySet[Investigation]:
        # Words longer than a search takes answer with no row (and the form's error), not with every row.
        if self.is_bound and "q" in self.errors:
            return queryset.none()
        return super().filter_queryset(queryset)  # type: ignore[no-any-return]

    def filter_search(self, queryset: QuerySet[Investigation], name: str, value: str) -> QuerySet[Investigation]:
        value = value.strip()
        if not value:
            return queryset
        # The investigation's own words tested on its row: the planner reads them from the trigram
        # indexes (casework/0002) when they are rare, and walks the list's order when they are common,
        # stopping at the page's last row; the documents' matches are read once, first.
        own = Q(reference__icontains=value) | Q(title__icontains=value) | Q(summary__icontains=value)
        return queryset.filter(own | documents_matching(value))

    def filter_assigned(self, queryset: QuerySet[Investigation], name: str, value: str) -> QuerySet[Investigation]:
        user = getattr(self.request, "user", None)
        if value != ASSIGNED_TO_ME or user is None or not user.is_authenticated:
            return queryset
        assigned = Investigation.assignees.through.objects.filter(investigation_id=OuterRef("pk"), user_id=user.pk)
        return queryset.filter(Exists(assigned))

    def filter_authority(
        self, queryset: QuerySet[Investigation], name: str, value: Authority | None
    ) -> QuerySet[Investigation]:
        if value is None:
            return queryset
        return queryset.filter(Exists(Participation.objects.filter(investigation=OuterRef("pk"), authority=value)))

    def filter_confidential(self, queryset: QuerySet[Investigation], name: str, value: str) -> QuerySet[Investigation]:
        if not value:
            return queryset
        return queryset.filter(confidential=value == "true")

    def filter_respondent(self, queryset: QuerySet[Investigation], name: str, value: str) -> QuerySet[Investigation]:
        value = value.strip()
        if not value:
            return queryset
        respondents = Investigation.respondents.through.objects.filter(
            investigation_id=OuterRef("pk"), organization__name__icontains=value
        )
        return queryset.filter(Exists(respondents))
