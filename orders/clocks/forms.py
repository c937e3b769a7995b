"""The forms of the investigation page's clock actions (each handed to an ``orders.clocks.services`` function)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.forms import ServiceForm
from orders.forms import _date_field, _text_field
from orders.models import ClockRule


def _rule_label(rule: ClockRule) -> str:
    return f"{rule.statute.short_name} {rule.provision} – {rule.title_en}"


class ClockStartForm(ServiceForm):
    rule = forms.ModelChoiceField(label=_("Statutory clock"), queryset=ClockRule.objects.none())
    started_on = _date_field(
        _("Counted from"),
        help_text=_(
            "The day the complaint was filed or the investigation initiated, or the request for review received."
        ),
    )

    def __init__(self, *args: Any, rules: list[ClockRule], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["rule"])  # type: ignore[type-arg]
        field.queryset = ClockRule.objects.filter(pk__in=[r.pk for r in rules]).select_related("statute")
        field.label_from_instance = _rule_label  # type: ignore[method-assign,assignment]


class ClockStayForm(ServiceForm):
    started_on = _date_field(_("Stayed from"))
    reason = _text_field(_("Reason"))
    provision = forms.CharField(label=_("Under"), max_length=300, required=False)


class ClockLiftForm(ServiceForm):
    lifted_on = _date_field(_("Lifted on"))


class ClockExtendForm(ServiceForm):
    new_due_on = _date_field(_("New due date"))
    reason = _text_field(_("Reason"))
    provision = forms.CharField(
        label=_("Under"), max_length=300, required=False, help_text=_("For example PIPA s. 50(5)(a) and (b).")
    )
    granted_on = _date_field(
        _("Granted on"), required=False, help_text=_("Leave empty for today in the authority's time zone.")
    )


class ClockCloseForm(ServiceForm):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("met", _("met")), ("missed", _("missed")), ("waived", _("no longer required"))],
        widget=forms.RadioSelect,
    )
    on = _date_field(_("Met on"), required=False, help_text=_("For a met clock; leave empty for today."))
    reason = forms.CharField(label=_("Note"), max_length=500, required=False)
