"""Forms of the investigation pages.

Forms check what a single field can check and offer only sensible choices; the
rules that span rows (a statute the authority enforces, one lead per
investigation…) stay in ``casework.services``, whose ``ValidationError`` a view
hands to ``ServiceForm.add_service_error`` so that it appears on the right field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.calendars import authority_today
from casework.models import (
    COUNTRY_VALIDATOR,
    EARLIEST_DATE,
    LATEST_DATE,
    REFERENCE_VALIDATOR,
    Authority,
    Conclusion,
    Event,
    EventKind,
    Finding,
    Investigation,
    InvestigationLink,
    InvestigationOrigin,
    InvestigationStage,
    Organization,
    Participation,
    Recommendation,
    RecommendationResponse,
    Statute,
    User,
    validate_legal_date,
)
from casework.permissions import investigations_visible_to
from casework.widgets import SearchableSelectMultiple, StatuteCheckboxes, StatuteSelect, StatuteSelectMultiple

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DateInput(forms.DateInput):
    """A native date picker; its value is always ISO 8601, whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date_field(label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = "") -> forms.DateField:
    # Bounded at the boundary: a date in year 9999 is refused here, naming the field, not stored.
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(attrs={"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}),
        help_text=help_text,
        validators=[validate_legal_date],
    )


# The same bounded date field and finding label for the forms of casework's sub-packages.
def date_field(label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = "") -> forms.DateField:
    return _date_field(label, required=required, help_text=help_text)


class CountryCodeField(forms.CharField):
    """A two-letter country code, accepted in either case."""

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).upper()


class DescribedChoiceField(forms.ModelChoiceField):
    """A model choice whose options are labelled by ``describe`` (code and name, citation…)."""

    def __init__(self, *args: Any, describe: Callable[[Any], str], **kwargs: Any) -> None:
        self.describe = describe
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self.describe(obj)


class DescribedMultipleChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, *args: Any, describe: Callable[[Any], str], **kwargs: Any) -> None:
        self.describe = describe
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self.describe(obj)


class ServiceForm(forms.Form):
    """A form whose submission is handed to a service.

    ``service_fields`` maps a field named in the service's ValidationError to this
    form's field when their names differ.
    """

    service_fields: ClassVar[dict[str, str]] = {}

    @property
    def has_required_fields(self) -> bool:
        return any(field.required for field in self.fields.values())

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the matching field, or above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            target = self.service_fields.get(name, name)
            if target != NON_FIELD_ERRORS and target in self.fields:
                self.add_error(target, errors)
            else:
                self.add_error(None, errors)


# Option labels: what a person needs to tell the choices apart.


def _authority_label(authority: Authority) -> str:
    return f"{authority.code} – {authority.name}"


def _statute_label(statute: Statute) -> str:
    return f"{statute.name} ({statute.citation})"


def _statute_with_enforcers(statute: Statute) -> str:
    enforcers = ", ".join(authority.code for authority in statute.enforced_by.all())
    return f"{statute.name} ({statute.citation}) – {enforcers}"


def _finding_label(finding: Finding) -> str:
    provision = f" {finding.provision}" if finding.provision else ""
    return (
        f"{finding.participation.authority.code} – {finding.statute.name}{provision}: "
        f"{finding.issue} ({finding.get_conclusion_display()})"
    )


finding_label = _finding_label


def _enforcers(statute: Statute) -> list[int]:
    return [authority.pk for authority in statute.enforced_by.all()]


def _staff_label(user: User) -> str:
    name = user.get_full_name() or user.username
    authority = user.authority.code if user.authority else "—"
    roles = ", ".join(user.role_labels)
    return f"{name} ({authority}{' – ' + roles if roles else ''})"


class RespondentsMixin(forms.Form):
    """Pick existing respondents and/or type a new one's name and country."""

    respondents = forms.ModelMultipleChoiceField(
        label=_("Respondents"),
        queryset=Organization.objects.order_by("name", "country"),
        required=False,
        widget=SearchableSelectMultiple(),
        help_text=_("Type part of a name to find it; choose one or more."),
    )
    new_respondent_name = forms.CharField(
        label=_("New respondent's name"),
        max_length=200,
        required=False,
        help_text=_("If the respondent is not in the list above."),
    )
    new_respondent_country = CountryCodeField(
        label=_("New respondent's country"),
        max_length=2,
        min_length=2,
        required=False,
        validators=[COUNTRY_VALIDATOR],
        help_text=_("Two-letter code, for example US or CA."),
    )
    new_respondent_kind = forms.ChoiceField(
        label=_("New respondent is a"), choices=Organization.Kind.choices, initial=Organization.Kind.COMPANY
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        name = (cleaned.get("new_respondent_name") or "").strip()
        if name and not cleaned.get("new_respondent_country") and "new_respondent_country" not in self.errors:
            self.add_error("new_respondent_country", _("Give the new respondent's country."))
        if not name and not cleaned.get("respondents") and "respondents" not in self.errors:
            self.add_error("respondents", _("Choose a respondent, or type a new respondent's name."))
        return cleaned


RESPONDENT_SERVICE_FIELDS = {
    "name": "new_respondent_name",
    "country": "new_respondent_country",
    "kind": "new_respondent_kind",
}


class InvestigationOpenForm(RespondentsMixin, ServiceForm):
    service_fields = RESPONDENT_SERVICE_FIELDS

    reference = forms.CharField(
        label=_("Reference"),
        max_length=64,
        validators=[REFERENCE_VALIDATOR],
        help_text=_("The file number the investigation is known by, for example PIPEDA-039525. It cannot be changed."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    origin = forms.ChoiceField(label=_("Origin"), choices=InvestigationOrigin.choices)
    opened_on = _date_field(_("Opened on"))
    stage = forms.ChoiceField(
        label=_("Stage"), choices=InvestigationStage.choices, initial=InvestigationStage.INVESTIGATION
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    confidential = forms.BooleanField(
        label=_("Confidential"),
        required=False,
        help_text=_("Only staff assigned to a confidential investigation may see it."),
    )
    lead_authority = DescribedChoiceField(
        label=_("Lead authority"),
        queryset=Authority.objects.order_by("code"),
        required=False,
        describe=_authority_label,
    )
    lead_statutes = DescribedMultipleChoiceField(
        describe=_statute_label,
        label=_("Statutes your authority applies"),
        queryset=Statute.objects.order_by("code"),
        required=False,
        widget=StatuteCheckboxes,
    )
    lead_file_number = forms.CharField(
        label=_("Your authority's file number"),
        max_length=64,
        required=False,
        help_text=_("Leave empty if it is the reference."),
    )

    field_order = [
        "reference",
        "title",
        "origin",
        "opened_on",
        "stage",
        "summary",
        "confidential",
        "lead_authority",
        "lead_statutes",
        "lead_file_number",
        "respondents",
        "new_respondent_name",
        "new_respondent_country",
        "new_respondent_kind",
    ]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        # The user's authority's today (a legal date), not the server's.
        today = authority_today(user.authority) if user.authority is not None else timezone.localdate()
        kwargs.setdefault("initial", {"opened_on": today})
        super().__init__(*args, **kwargs)
        self.user = user
        statutes = cast(forms.ModelMultipleChoiceField, self.fields["lead_statutes"])
        if user.authority_id is not None:
            # The lead is the user's own authority, which applies only the statutes it enforces.
            del self.fields["lead_authority"]
            statutes.queryset = Statute.objects.filter(enforced_by=user.authority_id).order_by("code")
        else:
            self.fields["lead_authority"].required = True
            self.fields["lead_statutes"].label = _("Statutes the lead authority applies")
            self.fields["lead_statutes"].help_text = _("Those the chosen lead authority enforces.")
            self.fields["lead_file_number"].label = _("The lead authority's file number")
            statutes.queryset = Statute.objects.prefetch_related("enforced_by").order_by("code")
            cast(StatuteCheckboxes, statutes.widget).setup(authority_field="lead_authority", authorities_of=_enforcers)

    def chosen_lead_authority(self) -> Authority:
        if self.user.authority is not None:
            return self.user.authority
        authority: Authority = self.cleaned_data["lead_authority"]
        return authority


class InvestigationEditForm(RespondentsMixin, ServiceForm):
    service_fields = RESPONDENT_SERVICE_FIELDS

    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    origin = forms.ChoiceField(label=_("Origin"), choices=InvestigationOrigin.choices)
    stage = forms.ChoiceField(label=_("Stage"), choices=InvestigationStage.choices)
    disposition = forms.ChoiceField(
        label=_("Disposition"),
        choices=[("", _("Not yet known")), *Conclusion.choices],
        required=False,
        help_text=_("The outcome once it is known (the findings give it per statute)."),
    )
    opened_on = _date_field(_("Opened on"))
    closed_on = _date_field(_("Closed on"), required=False, help_text=_("Leave empty while it is open."))
    confidential = forms.BooleanField(
        label=_("Confidential"),
        required=False,
        help_text=_("Only staff assigned to a confidential investigation may see it."),
    )

    field_order = [
        "title",
        "summary",
        "origin",
        "stage",
        "disposition",
        "opened_on",
        "closed_on",
        "confidential",
        "respondents",
        "new_respondent_name",
        "new_respondent_country",
        "new_respondent_kind",
    ]

    def __init__(self, *args: Any, investigation: Investigation, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "title": investigation.title,
                "summary": investigation.summary,
                "origin": investigation.origin,
                "stage": investigation.stage,
                "disposition": investigation.disposition,
                "opened_on": investigation.opened_on,
                "closed_on": investigation.closed_on,
                "confidential": investigation.confidential,
                "respondents": list(investigation.respondents.all()),
            },
        )
        super().__init__(*args, **kwargs)


class ParticipantAddForm(ServiceForm):
    authority = DescribedChoiceField(
        describe=_authority_label,
        label=_("Authority"),
        queryset=Authority.objects.none(),
        error_messages={"invalid_choice": _("Choose an authority that does not already take part.")},
        help_text=_(
            "Authorities that already take part are not listed, nor those withdrawn (restore them from the "
            "investigation's page)."
        ),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Participation.Role.choices, initial=Participation.Role.JOINT)
    statutes = DescribedMultipleChoiceField(
        describe=_statute_with_enforcers,
        label=_("Statutes it applies"),
        queryset=Statute.objects.prefetch_related("enforced_by").order_by("code"),
        required=False,
        widget=StatuteSelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Only statutes the authority enforces (once an authority is chosen, only its statutes are listed); "
            "hold Ctrl (⌘ on a Mac) to choose several."
        ),
    )
    file_number = forms.CharField(label=_("Its file number"), max_length=64, required=False)
    joined_on = _date_field(_("Joined on"), required=False)

    def __init__(self, *args: Any, investigation: Investigation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        authority = cast(forms.ModelChoiceField, self.fields["authority"])
        taking_part = Participation.objects.filter(investigation=investigation, authority=OuterRef("pk"))
        authority.queryset = Authority.objects.exclude(Exists(taking_part)).order_by("code")
        statutes = self.fields["statutes"]
        cast(StatuteSelectMultiple, statutes.widget).setup(authority_field="authority", authorities_of=_enforcers)


class EventAddForm(ServiceForm):
    """Mirrors ``services.event_add``: its cleaned data are the service's arguments."""

    date = _date_field(_("Date"))
    date_precision = forms.ChoiceField(
        label=_("Precision of the date"),
        choices=Event.Precision.choices,
        initial=Event.Precision.DAY,
        widget=forms.RadioSelect,
        help_text=_("Choose 'month only' when the source gives the month but not the day (any day of it will do)."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    summary = forms.CharField(label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    source = forms.URLField(
        label=_("Source"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("A link to the public source (news release, report, court decision)."),
    )
    verified = forms.BooleanField(
        label=_("Verified against the source"),
        required=False,
        initial=True,
        help_text=_("Untick when the fact could not be checked; the timeline then marks it as unverified."),
    )
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, help_text=_("For example why it could not be verified.")
    )


class FindingRecordForm(ServiceForm):
    """Mirrors ``services.finding_record``: its cleaned data are the service's arguments."""

    authority = DescribedChoiceField(label=_("Authority"), queryset=Authority.objects.none(), describe=_authority_label)
    statute = DescribedChoiceField(
        describe=_statute_label,
        label=_("Statute"),
        queryset=Statute.objects.none(),
        widget=StatuteSelect,
        help_text=_("One the authority applies in this investigation."),
    )
    provision = forms.CharField(
        label=_("Provision"), max_length=120, required=False, help_text=_("For example s. 6.1, 7(1).")
    )
    issue = forms.CharField(label=_("Issue"), max_length=200, help_text=_("For example consent, appropriate purposes."))
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Conclusion.choices)
    issued_on = _date_field(_("Issued on"))
    report_reference = forms.CharField(
        label=_("Report reference"),
        max_length=120,
        required=False,
        help_text=_("For example PIPEDA Findings #2021-001."),
    )
    text = forms.CharField(label=_("Text"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, investigation: Investigation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        authority = cast(forms.ModelChoiceField, self.fields["authority"])
        statute = cast(forms.ModelChoiceField, self.fields["statute"])
        authority.queryset = Authority.objects.filter(
            Exists(
                Participation.objects.filter(
                    investigation=investigation, authority=OuterRef("pk"), withdrawn_at__isnull=True
                )
            )
        ).order_by("code")
        applied = Participation.statutes.through.objects.filter(
            participation__investigation=investigation,
            participation__withdrawn_at__isnull=True,
            statute=OuterRef("pk"),
        )
        statute.queryset = Statute.objects.filter(Exists(applied)).order_by("code")
        # Which authority applies which statute here: the choices follow the authority chosen.
        appliers: dict[int, list[int]] = {}
        for statute_id, authority_id in Participation.statutes.through.objects.filter(
            participation__investigation=investigation, participation__withdrawn_at__isnull=True
        ).values_list("statute_id", "participation__authority_id"):
            appliers.setdefault(statute_id, []).append(authority_id)
        cast(StatuteSelect, statute.widget).setup(
            authority_field="authority", authorities_of=lambda obj: appliers.get(obj.pk, [])
        )


class RecommendationAddForm(ServiceForm):
    text = forms.CharField(label=_("Recommendation"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))
    findings = DescribedMultipleChoiceField(
        describe=_finding_label,
        label=_("Follows from the findings"),
        queryset=Finding.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    made_on = _date_field(_("Made on"), required=False)
    response = forms.ChoiceField(
        label=_("Respondent's answer"),
        choices=RecommendationResponse.choices,
        initial=RecommendationResponse.NO_RESPONSE,
    )
    responded_on = _date_field(_("Answered on"), required=False, help_text=_("Required once there is an answer."))
    response_text = forms.CharField(
        label=_("What the respondent said"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, investigation: Investigation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        findings = cast(forms.ModelMultipleChoiceField, self.fields["findings"])
        findings.queryset = (
            Finding.objects.filter(participation__investigation=investigation, withdrawn_at__isnull=True)
            .select_related("statute", "participation__authority")
            .order_by("issued_on", "participation__authority__code", "statute__code", "pk")
        )


class RecommendationRespondForm(ServiceForm):
    """Mirrors ``services.recommendation_respond``."""

    response = forms.ChoiceField(label=_("Respondent's answer"), choices=RecommendationResponse.choices)
    responded_on = _date_field(_("Answered on"), required=False, help_text=_("Required once there is an answer."))
    response_text = forms.CharField(
        label=_("What the respondent said"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, recommendation: Recommendation, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "response": recommendation.response,
                "responded_on": recommendation.responded_on,
                "response_text": recommendation.response_text,
            },
        )
        super().__init__(*args, **kwargs)


class LinkAddForm(ServiceForm):
    service_fields = {"to_investigation": "reference", "from_investigation": "reference"}

    reference = forms.CharField(
        label=_("Reference of the related investigation"),
        max_length=64,
        help_text=_("For example PIPEDA-039525."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of link"), choices=InvestigationLink.Kind.choices, initial=InvestigationLink.Kind.RELATED
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, user: User, investigation: Investigation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.investigation = investigation

    def clean_reference(self) -> Investigation:
        reference = str(self.cleaned_data["reference"]).strip()
        # Invisible investigations answer exactly like missing ones.
        other = investigations_visible_to(self.user).filter(reference=reference).first()
        if other is None:
            raise ValidationError(
                _("No investigation you can see has the reference %(reference)s."), params={"reference": reference}
            )
        if InvestigationLink.objects.filter(from_investigation=self.investigation, to_investigation=other).exists():
            raise ValidationError(_("These investigations are already linked."))
        return other


class AssigneesForm(ServiceForm):
    assignees = DescribedMultipleChoiceField(
        describe=_staff_label,
        label=_("Assigned staff"),
        queryset=User.objects.none(),
        required=False,
        widget=SearchableSelectMultiple,
        help_text=_(
            "Staff of your authority. Assigned investigators may edit the investigation; each authority taking "
            "part assigns its own people."
        ),
    )

    def __init__(self, *args: Any, investigation: Investigation, user: User, **kwargs: Any) -> None:
        current = list(investigation.assignees.select_related("authority"))
        kwargs.setdefault(
            "initial", {"assignees": [u for u in current if user.is_superuser or u.authority_id == user.authority_id]}
        )
        super().__init__(*args, **kwargs)
        assignees = cast(forms.ModelMultipleChoiceField, self.fields["assignees"])
        taking_part = Participation.objects.filter(investigation=investigation, authority=OuterRef("authority_id"))
        staff: QuerySet[User] = User.objects.filter(Exists(taking_part), is_active=True)
        if not user.is_superuser:
            # Each authority assigns its own people (casework.services.investigation_set_assignees).
            staff = staff.filter(authority=user.authority)
        assignees.queryset = staff.select_related("authority").order_by("authority__code", "last_name", "username")
        # Shown, not offered: the other authorities' assignees, whom only their own authority changes.
        self.others = [u for u in current if not user.is_superuser and u.authority_id != user.authority_id]


# --- Corrections ------------------------------------------------------------------------------


class ReasonMixin(forms.Form):
    """Why a person corrects, withdraws or restores something: required, kept in the history."""

    reason_label: ClassVar[StrOrPromise] = _("Why the correction")

    reason = forms.CharField(
        label=_("Why"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the history with your name and the time."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = self.reason_label


def _initial(obj: Any, names: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


class EventEditForm(ReasonMixin, EventAddForm):
    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        kwargs.setdefault("initial", _initial(event, EventAddForm.base_fields))
        super().__init__(*args, **kwargs)


class FindingEditForm(ReasonMixin, FindingRecordForm):
    def __init__(self, *args: Any, finding: Finding, **kwargs: Any) -> None:
        initial = _initial(finding, [n for n in FindingRecordForm.base_fields if n != "authority"])
        initial["authority"] = finding.participation.authority
        kwargs.setdefault("initial", initial)
        super().__init__(*args, investigation=finding.participation.investigation, **kwargs)


class RecommendationEditForm(ReasonMixin, RecommendationAddForm):
    def __init__(self, *args: Any, recommendation: Recommendation, **kwargs: Any) -> None:
        initial = _initial(recommendation, [n for n in RecommendationAddForm.base_fields if n != "findings"])
        initial["findings"] = list(recommendation.findings.filter(withdrawn_at__isnull=True))
        kwargs.setdefault("initial", initial)
        super().__init__(*args, investigation=recommendation.investigation, **kwargs)


class ParticipationEditForm(ReasonMixin, ServiceForm):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Participation.Role.choices,
        help_text=_("Making this authority the lead makes the present lead a joint participant."),
    )
    statutes = DescribedMultipleChoiceField(
        describe=_statute_label,
        label=_("Statutes it applies"),
        queryset=Statute.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only statutes the authority enforces."),
    )
    file_number = forms.CharField(label=_("Its file number"), max_length=64, required=False)
    joined_on = _date_field(_("Joined on"), required=False)

    def __init__(self, *args: Any, participation: Participation, **kwargs: Any) -> None:
        initial = _initial(participation, ("role", "file_number", "joined_on"))
        initial["statutes"] = list(participation.statutes.all())
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        statutes = cast(forms.ModelMultipleChoiceField, self.fields["statutes"])
        statutes.queryset = Statute.objects.filter(enforced_by=participation.authority_id).order_by("code")


class RespondentCorrectForm(ReasonMixin, ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    country = CountryCodeField(
        label=_("Country"),
        max_length=2,
        min_length=2,
        validators=[COUNTRY_VALIDATOR],
        help_text=_("Two-letter code, for example US or CA."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Organization.Kind.choices)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        kwargs.setdefault("initial", _initial(organization, ("name", "country", "kind", "website")))
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = _(
            "A new name or country names another organization: it replaces this one in this investigation only."
        )


class WithdrawForm(ReasonMixin, ServiceForm):
    reason_label = _("Why withdraw it")


class RestoreForm(ReasonMixin, ServiceForm):
    reason_label = _("Why restore it")
