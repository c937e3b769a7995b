"""The orders list's filters: authority, status, investigation reference, and words.

Every filter of the orders app names an authority by its code in the address
(``?authority=OIPC-BC``, any case), as people write it and as the dashboard's links do;
an older link's number is still understood. A value that matches nothing is an error
shown on the form, and the list then shows no row (``StrictFilterSet``): a mistyped
authority or status never silently answers with every order.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from casework.filters import SEARCH_MAX_LENGTH
from casework.lookups import among_ids_read_first
from casework.models import Authority, Investigation
from casework.permissions import investigations_visible_to
from orders.models import ORDER_STATUSES_NOT_RUNNING, Order, OrderStatus


def _authority_label(authority: Authority) -> str:
    return f"{authority.code} – {authority.name}"


class AuthorityField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An authority chosen by its code (``OIPC-BC``, any case) or by its number; the options carry codes."""

    default_error_messages = {  # noqa: RUF012 - Django's own pattern
        "invalid_choice": _(
            "Select a valid choice: “%(value)s” is not the code of an authority offered here (for example OIPC-BC)."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._chosen: Authority | None = None

    def label_from_instance(self, obj: Any) -> str:
        return _authority_label(obj)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Authority):
            return value.code
        return super().prepare_value(value)

    def to_python(self, value: Any) -> Authority | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        lookup = {"pk": int(text)} if text.isdigit() else {"code__iexact": text}
        try:
            chosen: Authority = self.queryset.get(**lookup)  # type: ignore[union-attr]
        except (Authority.DoesNotExist, Authority.MultipleObjectsReturned, ValueError) as error:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text[:40]}
            ) from error
        self._chosen = chosen
        return chosen

    def bound_data(self, data: Any, initial: Any) -> Any:
        # The option of the authority found (an old link's number, a lower-case code) shows as chosen.
        if self._chosen is not None and data not in self.empty_values:
            return self._chosen.code
        return super().bound_data(data, initial)


class AuthorityFilter(django_filters.ModelChoiceFilter):
    field_class = AuthorityField


# The errors that answer with no row: a value naming nothing offered, or words longer than a search takes.
REFUSED = ("invalid_choice", "max_length")


class StrictFilterSet(django_filters.FilterSet):
    """Filters that answer a value matching nothing (an unknown authority, status or choice), or words
    longer than a search takes, with no row.

    The error is shown on the form. A malformed value (a date that is no date) is only
    reported and left out, as before: the other filters still apply.
    """

    def unknown_values(self) -> bool:
        """Whether a filter was given a value that names nothing it offers."""
        self.is_valid()
        return any(error.code in REFUSED for errors in self.form.errors.as_data().values() for error in errors)

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.unknown_values():
            return queryset.none()
        return super().filter_queryset(queryset)


class OrderFilter(StrictFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Words in the number, title, legal basis or investigation title."),
    )
    authority = AuthorityFilter(
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
        for name in ("q", "investigation"):
            self.form.fields[name].widget.attrs["type"] = "search"

    def filter_running(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        # Drafts are not running either: nothing is owed on them yet.
        not_running = Q(status__in=ORDER_STATUSES_NOT_RUNNING)
        return queryset.exclude(not_running) if value == "yes" else queryset.filter(not_running)

    def filter_search(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        """The orders whose number, title or legal basis, or whose investigation's title, hold the words.

        The investigations whose title holds the words are read first, from their trigram index
        (casework/0002), as a set of ids (``AmongIds``): an OR across the join to the investigation
        would test every order against the words. They are only those the user may see (the
        request's user; the list's own visibility rule applies to the result in any case), so that
        the orders of the others are not even read. The order's own columns have trigram indexes
        too (orders/0018): for words that few orders hold, PostgreSQL reads both kinds of match
        from the indexes; for words most hold ("s. 52"), it walks the list's index.
        """
        value = value.strip()
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        investigations = investigations_visible_to(user) if user is not None else Investigation.objects.all()
        by_title = investigations.filter(title__icontains=value).order_by().values_list("pk", flat=True)
        return queryset.filter(
            Q(number__icontains=value)
            | Q(title__icontains=value)
            | Q(legal_basis__icontains=value)
            | among_ids_read_first("investigation_id", by_title)
        )
