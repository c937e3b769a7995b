"""Form widgets that JavaScript improves and that work without it.

- ``SearchableSelectMultiple``: a multi-select that ``static/js/searchable-select.js`` turns into a
  Tom Select box (type to search, remove with a button or Backspace). Without JavaScript it stays
  a plain multi-select. Tom Select's own words come from Django's catalogue, in data attributes.
- ``AuthorityStatutes``: statute choices, each marked with the authorities it may be chosen for
  (``data-authorities``); ``static/js/statute-filter.js`` offers only those of the authority
  chosen in the form's field named by ``data-authority-field``. The server still checks
  (``casework.services``): the browser only spares a refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

TOM_SELECT_JS = "vendor/tom-select/js/tom-select.complete.min.js"
TOM_SELECT_CSS = "vendor/tom-select/css/tom-select.bootstrap5.min.css"


class SearchableSelectMultiple(forms.SelectMultiple):
    class Media:
        css = {"all": [TOM_SELECT_CSS]}
        js = [TOM_SELECT_JS, "js/searchable-select.js"]

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base: dict[str, Any] = {
            "size": 8,
            "data-searchable": "",
            # Tom Select's messages, in the reader's language (lazy: read when the page is rendered).
            "data-no-results": _("No match. Try other letters."),
            "data-remove-title": _("Remove"),
            "data-placeholder": _("Type to search…"),
        }
        super().__init__(attrs={**base, **(attrs or {})})


class AuthorityStatutes(forms.widgets.ChoiceWidget):
    """Marks each statute option with the ids of the authorities it may be chosen for."""

    authority_field: str
    authorities_of: Callable[[Any], Iterable[int]]

    def setup(self, *, authority_field: str, authorities_of: Callable[[Any], Iterable[int]]) -> None:
        self.authority_field = authority_field
        self.authorities_of = authorities_of
        self.attrs["data-authority-field"] = authority_field

    def create_option(
        self,
        name: str,
        value: Any,
        label: int | str,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None and hasattr(self, "authorities_of"):
            option["attrs"]["data-authorities"] = " ".join(str(pk) for pk in self.authorities_of(instance))
        return option


class StatuteSelectMultiple(AuthorityStatutes, forms.SelectMultiple):
    class Media:
        js = ["js/statute-filter.js"]


class StatuteCheckboxes(AuthorityStatutes, forms.CheckboxSelectMultiple):
    class Media:
        js = ["js/statute-filter.js"]


class StatuteSelect(AuthorityStatutes, forms.Select):
    class Media:
        js = ["js/statute-filter.js"]
