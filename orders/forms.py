"""Forms of the order pages.

Like ``casework.forms``: a form checks what a single field can check and offers
only sensible choices; the rules (who may issue, which status may follow which,
how a due date moves) stay in ``orders.services``, whose ``ValidationError`` the
view hands to ``ServiceForm.add_service_error`` so that it lands on the right field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from casework.forms import DateInput, DescribedChoiceField, ServiceForm
from casework.models import (
    CURRENCY_VALIDATOR,
    EARLIEST_DATE,
    LATEST_DATE,
    Authority,
    Investigation,
    Participation,
    User,
    validate_legal_date,
)
from orders.deadlines import MAX_DAYS, MAX_MONTHS
from orders.models import ComplianceSubmission, CourtProceeding, Order, OrderRevision, OrderStatus, Term

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _date_field(label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = "") -> forms.DateField:
    # Bounded at the boundary: a date in year 9999 is refused here, naming the field, not stored.
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(attrs={"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}),
        help_text=help_text,
        validators=[validate_legal_date],
    )


def _text_field(label: StrOrPromise, *, required: bool = True, rows: int = 3, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("max_length", 5000)
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def _authority_label(authority: Authority) -> str:
    return f"{authority.code} – {authority.name}"


def term_label(term: Term) -> str:
    text = term.text or term.text_fr
    return f"{term.number}. {text[:80]}{'…' if len(text) > 80 else ''}"


class CurrencyField(forms.CharField):
    """A three-letter currency code, accepted in either case."""

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).strip().upper()


# --- Orders -----------------------------------------------------------------------------------


class OrderFieldsForm(ServiceForm):
    """The fields of a draft: what ``order_draft`` and ``order_update_draft`` take."""

    number = forms.CharField(
        label=_("Order number"),
        max_length=40,
        help_text=_("Unique for the authority, for example P21-08. Letters, digits, dots, hyphens, underscores."),
    )
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300, help_text=_("For example PIPA s. 52."))
    recitals = _text_field(_("Recitals (English)"), required=False, rows=5, max_length=50000)
    recitals_fr = _text_field(_("Recitals (French)"), required=False, rows=5, max_length=50000)
    signatory_name = forms.CharField(
        label=_("Signed by"), max_length=200, required=False, help_text=_("Leave empty for the authority's signatory.")
    )
    signatory_title = forms.CharField(label=_("Signatory's title"), max_length=200, required=False)


class OrderDraftForm(OrderFieldsForm):
    """Drafting in an investigation: the authority is the user's own; a superuser chooses one taking part."""

    authority = DescribedChoiceField(
        label=_("Issuing authority"), queryset=Authority.objects.none(), describe=_authority_label
    )

    field_order = ["authority", "number", "title", "legal_basis", "recitals", "recitals_fr"]

    def __init__(self, *args: Any, user: User, investigation: Investigation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user.authority_id is not None:
            del self.fields["authority"]
        else:
            authority = cast(forms.ModelChoiceField, self.fields["authority"])
            taking_part = Participation.objects.filter(investigation=investigation, authority=OuterRef("pk"))
            authority.queryset = Authority.objects.filter(Exists(taking_part)).order_by("code")

    def chosen_authority(self) -> Authority:
        if self.user.authority is not None:
            return self.user.authority
        authority: Authority = self.cleaned_data["authority"]
        return authority


class OrderEditForm(OrderFieldsForm):
    note = _text_field(_("Note"), required=False, help_text=_("For staff; not part of the order."))

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(order, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)


class OrderIssueForm(ServiceForm):
    issued_on = _date_field(_("Issued on"))
    served_on = _date_field(
        _("Served on"),
        required=False,
        help_text=_("The day the respondent received the order, if known; it can be recorded later."),
    )


class OrderServiceForm(ServiceForm):
    served_on = _date_field(_("Served on"), help_text=_("The day the respondent received the order."))


class OrderStatusForm(ServiceForm):
    """Any status is accepted here so that a refused move gets the service's explanation;
    only the allowed ones are offered."""

    status = forms.ChoiceField(label=_("New status"), choices=OrderStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.choices = choices  # type: ignore[attr-defined]


class OrderReviseForm(ServiceForm):
    """An amendment or variation: the reason, and each term's new texts (pre-filled with the current ones)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=OrderRevision.Kind.choices)
    made_on = _date_field(_("Made on"))
    reason = _text_field(_("Why"), help_text=_("For example the court's decision, or the reconsideration."))

    def __init__(self, *args: Any, terms: list[Term], **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        for term in terms:
            initial.setdefault(f"term_{term.number}_text", term.text)
            initial.setdefault(f"term_{term.number}_text_fr", term.text_fr)
        super().__init__(*args, **kwargs)
        self.terms = terms
        for term in terms:
            self.fields[f"term_{term.number}_text"] = _text_field(
                _("Term %(n)s (English)") % {"n": term.number}, required=False, max_length=20000
            )
            self.fields[f"term_{term.number}_text_fr"] = _text_field(
                _("Term %(n)s (French)") % {"n": term.number}, required=False, max_length=20000
            )

    def term_texts(self) -> dict[int, dict[str, str]]:
        """The changed texts only, by term number (what ``order_revise`` takes)."""
        changed: dict[int, dict[str, str]] = {}
        for term in self.terms:
            for name in ("text", "text_fr"):
                value = self.cleaned_data[f"term_{term.number}_{name}"].strip()
                if value != getattr(term, name):
                    changed.setdefault(term.number, {})[name] = value
        return changed


# --- Terms and their deadline rule ---------------------------------------------------------------

RULE_CHOICES = [
    ("fixed", _("Fixed date written in the order")),
    ("calendar_days", _("Calendar days (rolled forward off a weekend or holiday)")),
    ("business_days", _("Business days (weekends and holidays not counted)")),
    ("months", _("Months (same day, rolled forward off a weekend or holiday)")),
    ("immediate", _("Immediately")),
]
START_CHOICES = [
    ("issued_on", _("the day the order is issued")),
    ("served_on", _("the day the order is served")),
]


class TermAddForm(ServiceForm):
    """A term and its deadline rule; ``deadline_rule()`` gives the rule as the case format writes it."""

    service_fields = {"deadline_rule": "rule"}

    text = _text_field(_("Text (English)"), required=False, rows=4, max_length=20000)
    text_fr = _text_field(_("Text (French)"), required=False, rows=4, max_length=20000)
    qualifier = forms.ChoiceField(label=_("Qualifier"), choices=Term.Qualifier.choices, initial=Term.Qualifier.ABSOLUTE)
    rule = forms.ChoiceField(
        label=_("Deadline rule"),
        choices=RULE_CHOICES,
        help_text=_("Fill in the fields below that the rule uses: the date, the days or the months."),
    )
    date = _date_field(_("Date written in the order"), required=False, help_text=_("For a fixed date."))
    days = forms.IntegerField(
        label=_("Number of days"),
        required=False,
        min_value=0,
        max_value=MAX_DAYS,
        help_text=_("For calendar or business days."),
    )
    months = forms.IntegerField(
        label=_("Number of months"), required=False, min_value=0, max_value=MAX_MONTHS, help_text=_("For months.")
    )
    start = forms.ChoiceField(
        label=_("Counted from"),
        choices=START_CHOICES,
        initial="issued_on",
        required=False,  # empty: from issue, as the case format reads a rule without "from"
        widget=forms.RadioSelect,
        help_text=_("Not used by a fixed date."),
    )
    daily_penalty = forms.DecimalField(
        label=_("Penalty per day late"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    penalty_currency = CurrencyField(
        label=_("Currency of the penalty"),
        max_length=3,
        required=False,
        validators=[CURRENCY_VALIDATOR],
        help_text=_("Three letters, for example CAD or EUR."),
    )
    verified = forms.BooleanField(
        label=_("Deadline checked against the order"),
        required=False,
        initial=True,
        help_text=_("Untick when the deadline could not be checked."),
    )
    note = forms.CharField(label=_("Note on the deadline"), max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("text") or "").strip() and not (cleaned.get("text_fr") or "").strip():
            self.add_error("text", _("Give the term's text in English, French or both."))
        if cleaned.get("daily_penalty") is not None and not cleaned.get("penalty_currency"):
            if "penalty_currency" not in self.errors:
                self.add_error("penalty_currency", _("Give the currency of the penalty."))
        return cleaned

    def deadline_rule(self) -> dict[str, Any]:
        """The rule as data; a missing number is left out, so that the rule engine names it."""
        data = self.cleaned_data
        kind = data["rule"]
        rule: dict[str, Any] = {"rule": kind}
        if kind == "fixed":
            if data.get("date"):
                rule["date"] = data["date"].isoformat()
            return rule
        if kind in ("calendar_days", "business_days") and data.get("days") is not None:
            rule["days"] = data["days"]
        if kind == "months" and data.get("months") is not None:
            rule["months"] = data["months"]
        if data.get("start") == "served_on":
            rule["from"] = "served_on"
        return rule


# --- Deadlines ----------------------------------------------------------------------------------------


class DeadlineStayForm(ServiceForm):
    started_on = _date_field(_("Stayed from"))
    reason = _text_field(_("Reason"), help_text=_("For example the court's order, or the authority's decision."))


class DeadlineLiftForm(ServiceForm):
    lifted_on = _date_field(_("Lifted on"))


class DeadlineExtendForm(ServiceForm):
    new_due_on = _date_field(_("New due date"))
    reason = _text_field(_("Reason"))
    granted_on = _date_field(
        _("Granted on"), required=False, help_text=_("Leave empty for today in the issuing authority's time zone.")
    )


class DeadlineCloseForm(ServiceForm):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("met", _("met")), ("missed", _("missed")), ("waived", _("waived"))],
        widget=forms.RadioSelect,
    )
    on = _date_field(
        _("Met on"),
        required=False,
        help_text=_("For a met deadline; leave empty for today in the issuing authority's time zone."),
    )
    reason = forms.CharField(label=_("Note"), max_length=500, required=False)


# --- Compliance and the courts -----------------------------------------------------------------------


class SubmissionRecordForm(ServiceForm):
    term = DescribedChoiceField(
        label=_("Term it answers"),
        queryset=Term.objects.none(),
        required=False,
        empty_label=_("The whole order"),
        describe=term_label,
    )
    received_on = _date_field(_("Received on"))
    summary = _text_field(_("What the respondent sent"), rows=5, max_length=20000)

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["term"]).queryset = order.terms.order_by("number")


class SubmissionAssessForm(ServiceForm):
    service_fields = {"assessment_note": "note", "assessed_on": "assessed_on"}

    assessment = forms.ChoiceField(
        label=_("Assessment"),
        choices=[c for c in ComplianceSubmission.Assessment.choices if c[0] != "pending"],
        widget=forms.RadioSelect,
        help_text=_("A submission that shows compliance with a term marks its deadline met on the day received."),
    )
    note = _text_field(_("Assessment note"), required=False, max_length=20000)
    assessed_on = _date_field(_("Assessed on"), required=False, help_text=_("Leave empty for today."))


class ProceedingRecordForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=CourtProceeding.Kind.choices)
    court = forms.CharField(
        label=_("Court"), max_length=200, help_text=_("For example Supreme Court of British Columbia.")
    )
    file_number = forms.CharField(label=_("Court file number"), max_length=100, required=False)
    filed_on = _date_field(_("Filed on"), required=False)
    citation = forms.CharField(label=_("Citation"), max_length=200, required=False)
    source = forms.URLField(label=_("Source"), max_length=500, required=False, assume_scheme="https")
    verified = forms.BooleanField(label=_("Verified against the source"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ProceedingStayForm(ServiceForm):
    service_fields = {"stay_granted_from": "stay_from", "stay_granted_to": "stay_to"}

    stay_from = _date_field(
        _("Stay granted from"), help_text=_("Every running deadline of the order is paused from this day.")
    )
    stay_to = _date_field(_("Stay granted until"), required=False, help_text=_("Leave empty if open-ended."))


class ProceedingDecideForm(ServiceForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[c for c in CourtProceeding.Outcome.choices if c[0] != "pending"]
    )
    decided_on = _date_field(_("Decided on"))
    citation = forms.CharField(
        label=_("Citation"), max_length=200, required=False, help_text=_("For example 2024 BCSC 2311.")
    )


# --- Notifications ---------------------------------------------------------------------------------------


class AlertEmailForm(ServiceForm):
    alert_email = forms.ChoiceField(
        label=_("Deadline alerts by e-mail"),
        choices=User.AlertEmail.choices,
        widget=forms.RadioSelect,
        help_text=_("Alerts always appear under Notifications in the app."),
    )
