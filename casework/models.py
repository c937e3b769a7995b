"""The casework domain: who regulates what, and the investigations they run.

Rules that span rows (a finding's statute must be one its authority applies,
an investigator may only edit what they are assigned to) live in
``casework.services``; what the database can hold on its own is a constraint here.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.calendars.legal import legal_calendars
from casework.dates import EARLIEST_DATE, LATEST_DATE
from casework.documents.storage import case_documents_storage

CODE_VALIDATOR = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]*$",
    _("Use capital letters, digits and hyphens only (for example OIPC-BC)."),
)
REFERENCE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Use letters, digits, dots, hyphens and underscores only (for example PIPEDA-039525)."),
)
# Words that name pages under /investigations/ and so cannot be references.
RESERVED_REFERENCES = frozenset({"new"})


def validate_reference_not_reserved(value: str) -> None:
    if value.lower() in RESERVED_REFERENCES:
        raise ValidationError(_("%(value)s is reserved; choose another reference."), params={"value": value})


def validate_legal_date(value: date) -> None:
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("%(value)s is outside the dates accepted (%(earliest)s to %(latest)s)."),
            params={
                "value": value.isoformat(),
                "earliest": EARLIEST_DATE.isoformat(),
                "latest": LATEST_DATE.isoformat(),
            },
            code="date_out_of_range",
        )


COUNTRY_VALIDATOR = RegexValidator(r"^[A-Z]{2}$", _("Use a two-letter ISO 3166 country code (for example CA)."))
CURRENCY_VALIDATOR = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 currency code (for example CAD)."))
LANGUAGE_CODES = ("en", "fr", "de", "el", "it", "nl", "sv")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not an IANA time zone (for example America/Toronto)."), params={"value": value}
        )


def validate_legal_calendar(value: str) -> None:
    if value and value not in legal_calendars():
        raise ValidationError(
            _("%(value)s is not a legal calendar; choose one of %(codes)s."),
            params={"value": value, "codes": ", ".join(sorted(legal_calendars()))},
        )


def validate_languages(value: object) -> None:
    if not isinstance(value, list) or not value or any(code not in LANGUAGE_CODES for code in value):
        raise ValidationError(
            _("Give a non-empty list of language codes among %(codes)s."), params={"codes": ", ".join(LANGUAGE_CODES)}
        )


class BilingualNameMixin(models.Model):
    """A record named in English and French; ``name`` answers in the active language."""

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        if (get_language() or "en").startswith("fr") and self.name_fr:
            return self.name_fr
        return self.name_en


class Jurisdiction(BilingualNameMixin):
    """A legal territory: its time zone and the statutory calendar that counts its days."""

    code = models.CharField(_("code"), max_length=16, unique=True, validators=[CODE_VALIDATOR])
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    legal_calendar = models.CharField(
        _("legal calendar"),
        max_length=16,
        blank=True,
        validators=[validate_legal_calendar],
        help_text=_(
            "The statutory calendar whose holidays move and skip this jurisdiction's deadlines (its Interpretation "
            "Act's list, from casework/calendars/data/; see docs/legal-calendars.md). Empty for a supranational "
            "jurisdiction such as the EU, whose deadlines are counted in each authority's own calendar."
        ),
    )
    official_languages = models.JSONField(
        _("official languages"), default=list, validators=[validate_languages], help_text=_('For example ["en", "fr"].')
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        constraints = [
            models.CheckConstraint(condition=~Q(time_zone=""), name="casework_jurisdiction_time_zone_set"),
            models.CheckConstraint(condition=~Q(pk=F("parent")), name="casework_jurisdiction_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class Authority(BilingualNameMixin):
    """A privacy regulator and its powers."""

    code = models.CharField(_("code"), max_length=16, unique=True, validators=[CODE_VALIDATOR])
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="authorities"
    )
    can_issue_orders = models.BooleanField(
        _("may issue binding orders"),
        default=False,
        help_text=_("Whether the authority's statutes give it the power to make binding orders."),
    )
    powers = models.TextField(
        _("powers"), blank=True, help_text=_("Its enforcement powers, in words, with the statute.")
    )
    max_fine = models.DecimalField(
        _("maximum fine"), max_digits=16, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    max_fine_currency = models.CharField(
        _("currency of the maximum fine"), max_length=3, blank=True, validators=[CURRENCY_VALIDATOR]
    )
    max_fine_note = models.CharField(_("about the maximum fine"), max_length=300, blank=True)
    order_number_format = models.CharField(
        _("order number format"),
        max_length=60,
        blank=True,
        help_text=_("How its order numbers look, for example P{yy}-{seq:02d} for P21-08."),
    )
    issues_in = models.JSONField(
        _("languages its documents are issued in"),
        default=list,
        validators=[validate_languages],
        help_text=_('For example ["fr"] for the CAI, ["en", "fr"] for federal authorities.'),
    )
    judicial_review_stay = models.CharField(
        _("stay by law on judicial review"),
        max_length=300,
        blank=True,
        help_text=_(
            "The provision under which an application for judicial review brought before the time to comply ends "
            "stays the authority's order from the day it is brought (for example Personal Information Protection "
            "Act, SBC 2003, c 63, s 53(2)); empty when a stay needs a court's order."
        ),
    )
    judicial_review_stay_fr = models.CharField(_("stay by law on judicial review (French)"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.TextField(_("postal address (letterhead)"), blank=True)
    signatory_name = models.CharField(_("signatory"), max_length=200, blank=True)
    signatory_title_en = models.CharField(_("signatory's title (English)"), max_length=200, blank=True)
    signatory_title_fr = models.CharField(_("signatory's title (French)"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_fine__isnull=True) | ~Q(max_fine_currency=""),
                name="casework_authority_fine_has_currency",
            ),
            models.CheckConstraint(
                condition=Q(max_fine__isnull=True) | Q(max_fine__gte=0), name="casework_authority_fine_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Statute(models.Model):
    """A law that an authority applies in its findings."""

    class Sector(models.TextChoices):
        PRIVATE = "private", _("private sector")
        PUBLIC = "public", _("public sector")
        HEALTH = "health", _("health information")
        GENERAL = "general", _("all sectors")

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[CODE_VALIDATOR])
    short_name = models.CharField(_("short name"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    citation = models.CharField(_("citation"), max_length=200)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="statutes"
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices, default=Sector.PRIVATE)
    enforced_by = models.ManyToManyField(Authority, verbose_name=_("enforced by"), related_name="statutes")
    url = models.URLField(_("official text"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("statute")
        verbose_name_plural = _("statutes")

    def __str__(self) -> str:
        return self.short_name

    @property
    def title(self) -> str:
        if (get_language() or "en").startswith("fr") and self.title_fr:
            return self.title_fr
        return self.title_en

    @property
    def name(self) -> str:
        """How a sentence names it: the short name in English, the French title in French (if it has one)."""
        if (get_language() or "en").startswith("fr") and self.title_fr:
            return self.title_fr
        return self.short_name


class User(AbstractUser):
    """A staff member: one authority, and any of the four roles."""

    authority = models.ForeignKey(
        Authority,
        verbose_name=_("authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("The authority this person works for; they see the investigations it takes part in."),
    )
    is_investigator = models.BooleanField(_("investigator"), default=False)
    is_legal = models.BooleanField(_("legal"), default=False)
    is_manager = models.BooleanField(_("manager"), default=False)
    is_administrator = models.BooleanField(
        _("administrator"), default=False, help_text=_("Manages reference data and users in the admin site.")
    )

    class AlertEmail(models.TextChoices):
        IMMEDIATE = "immediate", _("an e-mail for each alert")
        DAILY_DIGEST = "daily_digest", _("one daily digest")
        NONE = "none", _("no e-mail (in-app only)")

    alert_email = models.CharField(
        _("deadline alert e-mails"),
        max_length=16,
        choices=AlertEmail.choices,
        default=AlertEmail.IMMEDIATE,
        help_text=_("How deadline alerts reach you by e-mail; they always appear in the app."),
    )

    class Meta:
        verbose_name = _("staff user")
        verbose_name_plural = _("staff users")

    @property
    def role_labels(self) -> list[str]:
        names = [
            (self.is_investigator, _("investigator")),
            (self.is_legal, _("legal")),
            (self.is_manager, _("manager")),
            (self.is_administrator, _("administrator")),
        ]
        return [str(label) for flag, label in names if flag]


class Organization(models.Model):
    """A respondent: a company, or a public body such as a police force."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        PUBLIC_BODY = "public_body", _("public body")
        NON_PROFIT = "non_profit", _("non-profit")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMPANY)
    country = models.CharField(_("country"), max_length=2, validators=[COUNTRY_VALIDATOR])
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="casework_organization_unique_name_country"),
            models.CheckConstraint(condition=~Q(name=""), name="casework_organization_name_set"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class Withdrawable(models.Model):
    """A part of a case that is corrected rather than deleted: withdrawn (with who, when and why), then maybe restored.

    Nothing of a case is deleted from the browser: a withdrawn row stays, out of the case as it
    stands (its page sections, exports, timeline and counts) but listed as withdrawn on the
    investigation page, in the history, and restorable (``casework.services.withdraw`` / ``restore``).
    """

    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "casework.User",
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.CharField(_("why it was withdrawn"), max_length=500, blank=True)

    class Meta:
        abstract = True

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


# How the services record why a person corrected, withdrew or restored a row: the history row's reason
# is "corrected: <why>", "withdrawn: <why>" or "restored: <why>" (shown in the investigation's history).
CORRECTED, WITHDRAWN, RESTORED = "corrected", "withdrawn", "restored"
REASON_PREFIXES = (CORRECTED, WITHDRAWN, RESTORED)


def withdrawal_has_reason(name: str) -> models.CheckConstraint:
    """A withdrawn row says why: the reason is set exactly when it is withdrawn."""
    return models.CheckConstraint(
        condition=(Q(withdrawn_at__isnull=True) & Q(withdrawal_reason=""))
        | (Q(withdrawn_at__isnull=False) & ~Q(withdrawal_reason="")),
        name=name,
    )


class InvestigationOrigin(models.TextChoices):
    COMPLAINT = "complaint", _("complaint")
    COMMISSIONER_INITIATED = "commissioner_initiated", _("commissioner-initiated")
    BREACH_REPORT = "breach_report", _("breach report")
    REFERRAL = "referral", _("referral")


class ChoiceLabelsModel(models.Model):
    """``get_<field>_display()`` read from a table of the field's choices built once, not on every call.

    Django builds ``dict(make_hashable(field.flatchoices))`` on each call, which looks up the
    translation of every choice's label to hash it: a list's statuses cost a third of its page's
    rendering. The table keeps the labels lazy, so that each call still answers in the reader's
    language; a value that is not a choice is answered as itself, as Django does.
    """

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field) -> Any:  # type: ignore[type-arg]
        labels = field.__dict__.get("_choice_labels")
        if labels is None:
            labels = field.__dict__["_choice_labels"] = dict(make_hashable(field.flatchoices))
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


class InvestigationStage(models.TextChoices):
    INTAKE = "intake", _("intake")
    EARLY_RESOLUTION = "early_resolution", _("early resolution")
    INVESTIGATION = "investigation", _("investigation")
    PRELIMINARY_REPORT = "preliminary_report", _("preliminary report")
    REPORT_ISSUED = "report_issued", _("report of findings issued")
    INQUIRY = "inquiry", _("inquiry")
    ORDERS = "orders", _("orders issued")
    FOLLOW_UP = "follow_up", _("follow-up of recommendations")
    JUDICIAL_REVIEW = "judicial_review", _("before the courts")
    CLOSED = "closed", _("closed")


class Conclusion(models.TextChoices):
    NO_JURISDICTION = "no_jurisdiction", _("no jurisdiction")
    DECLINED = "declined", _("declined to investigate")
    DISCONTINUED = "discontinued", _("discontinued")
    WITHDRAWN = "withdrawn", _("withdrawn")
    EARLY_RESOLVED = "early_resolved", _("early resolved")
    SETTLED = "settled", _("settled")
    NOT_WELL_FOUNDED = "not_well_founded", _("not well-founded")
    WELL_FOUNDED = "well_founded", _("well-founded")
    WELL_FOUNDED_CONDITIONALLY_RESOLVED = (
        "well_founded_conditionally_resolved",
        _("well-founded and conditionally resolved"),
    )
    WELL_FOUNDED_RESOLVED = "well_founded_resolved", _("well-founded and resolved")
    RESOLVED = "resolved", _("resolved")
    CONDITIONALLY_RESOLVED = "conditionally_resolved", _("conditionally resolved")


class RecommendationResponse(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    PARTLY_ACCEPTED = "partly_accepted", _("partly accepted")
    REFUSED = "refused", _("refused")
    NO_RESPONSE = "no_response", _("no response")


class EventKind(models.TextChoices):
    LAUNCHED = "launched", _("investigation launched")
    ANNOUNCEMENT = "announcement", _("announcement")
    RESPONDENT_ACTION = "respondent_action", _("respondent action")
    MEDIA_REPORT = "media_report", _("media report")
    REPORT_ISSUED = "report_issued", _("report issued")
    ORDER_ISSUED = "order_issued", _("order issued")
    COURT_FILING = "court_filing", _("court filing")
    COURT_DECISION = "court_decision", _("court decision")
    COMPLIANCE = "compliance", _("compliance")
    OTHER = "other", _("other")


class Investigation(ChoiceLabelsModel):
    """One investigation; a joint one has several participations."""

    Origin = InvestigationOrigin

    Stage = InvestigationStage

    # Unique among what each user may see, not across the database (casework.namesakes): no oracle.
    reference = models.CharField(
        _("reference"), max_length=64, db_index=True, validators=[REFERENCE_VALIDATOR, validate_reference_not_reserved]
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True, max_length=20000)
    origin = models.CharField(_("origin"), max_length=32, choices=Origin.choices)
    opened_on = models.DateField(_("opened on"), validators=[validate_legal_date])
    closed_on = models.DateField(_("closed on"), null=True, blank=True, validators=[validate_legal_date])
    stage = models.CharField(_("stage"), max_length=32, choices=Stage.choices, default=Stage.INVESTIGATION)
    disposition = models.CharField(
        _("disposition"),
        max_length=48,
        choices=Conclusion.choices,
        blank=True,
        help_text=_("The outcome once it is known (per statute, see the findings)."),
    )
    confidential = models.BooleanField(
        _("confidential"), default=False, help_text=_("Only staff assigned to it may see a confidential investigation.")
    )
    respondents = models.ManyToManyField(Organization, verbose_name=_("respondents"), related_name="investigations")
    assignees = models.ManyToManyField(
        User, verbose_name=_("assigned staff"), related_name="assigned_investigations", blank=True
    )
    related = models.ManyToManyField(
        "self", verbose_name=_("related investigations"), through="InvestigationLink", symmetrical=False, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[respondents, assignees])

    class Meta:
        ordering = ["-opened_on", "reference"]
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="casework_investigation_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(origin__in=InvestigationOrigin.values), name="casework_investigation_origin_valid"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=InvestigationStage.values), name="casework_investigation_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(disposition="") | Q(disposition__in=Conclusion.values),
                name="casework_investigation_disposition_valid",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="casework_investigation_title_set"),
        ]
        indexes = [
            # The investigations list filters by stage and sorts by opening date.
            models.Index(fields=["stage", "-opened_on"], name="casework_inv_stage_opened"),
            # The investigations list's default order, newest first: a page is read from this
            # index and stops after its rows, instead of sorting every visible investigation.
            models.Index(F("opened_on").desc(), "reference", name="casework_inv_list_order"),
            # A list's count tests each of an authority's investigations for what it may see and the
            # filters ask (confidential, stage): from this index alone, without reading the table's
            # rows (the count of OIPC-BC's 4 037 open, not confidential: 40 ms → 28 ms at full scale).
            models.Index(fields=["id"], include=["confidential", "stage"], name="casework_inv_visibility"),
            # Its search (reference, title, summary: icontains) uses trigram indexes on
            # PostgreSQL, created by migration 0002 only there (SQLite has no GIN).
        ]

    def __str__(self) -> str:
        return f"{self.reference} – {self.title}"

    def clean(self) -> None:
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("An investigation cannot close before it opened.")})
        # "Today" anywhere on Earth (the date line's UTC+14): an office's own today is never refused as future.
        if self.opened_on and self.opened_on > (timezone.now() + timedelta(hours=14)).date():
            raise ValidationError({"opened_on": _("The opening date cannot be in the future.")})


class Participation(Withdrawable):
    """An authority's part in an investigation, the statutes it applies and its own file number."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead")
        JOINT = "joint", _("joint")
        PARALLEL = "parallel", _("parallel (foreign)")
        OBSERVER = "observer", _("observer")

    investigation = models.ForeignKey(
        Investigation, verbose_name=_("investigation"), on_delete=models.CASCADE, related_name="participations"
    )
    authority = models.ForeignKey(
        Authority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    statutes = models.ManyToManyField(Statute, verbose_name=_("statutes applied"), related_name="participations")
    file_number = models.CharField(_("its file number"), max_length=64, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True, validators=[validate_legal_date])

    history = HistoricalRecords(m2m_fields=[statutes])

    class Meta:
        ordering = ["investigation", "role", "authority__code"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "authority"], name="casework_participation_once_per_authority"
            ),
            models.UniqueConstraint(
                fields=["investigation"],
                condition=Q(role="lead"),
                name="casework_participation_one_lead",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["lead", "joint", "parallel", "observer"]),
                name="casework_participation_role_valid",
            ),
            withdrawal_has_reason("casework_participation_withdrawal_reason"),
            # The lead is the investigation's lead authority: it is corrected, never withdrawn.
            models.CheckConstraint(
                condition=~Q(role="lead") | Q(withdrawn_at__isnull=True),
                name="casework_participation_lead_not_withdrawn",
            ),
        ]
        indexes = [
            # investigations_visible_to(): "does this user's authority take part?" Only the participations
            # not withdrawn, which is all that the question reads: an authority's investigations come
            # from this index alone (no table rows), 15 888 of them at full scale in 2.5 ms instead of 8.
            models.Index(
                fields=["authority", "investigation"],
                name="casework_part_active",
                condition=Q(withdrawn_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority.code} ({self.get_role_display()})"


class Finding(Withdrawable):
    """A conclusion by one participating authority under one statute."""

    Conclusion = Conclusion

    # Through the participation, the database itself guarantees that the
    # authority making the finding takes part in the investigation.
    participation = models.ForeignKey(
        Participation, verbose_name=_("authority"), on_delete=models.CASCADE, related_name="findings"
    )
    statute = models.ForeignKey(Statute, verbose_name=_("statute"), on_delete=models.PROTECT, related_name="findings")
    provision = models.CharField(_("provision"), max_length=120, blank=True, help_text=_("For example s. 6.1, 7(1)."))
    issue = models.CharField(_("issue"), max_length=200, help_text=_("For example consent, appropriate purposes."))
    conclusion = models.CharField(_("conclusion"), max_length=48, choices=Conclusion.choices)
    issued_on = models.DateField(_("issued on"), validators=[validate_legal_date])
    report_reference = models.CharField(_("report reference"), max_length=120, blank=True)
    text = models.TextField(_("text"), blank=True, max_length=20000)

    history = HistoricalRecords()

    class Meta:
        ordering = ["issued_on", "participation__authority__code", "statute__code", "pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.CheckConstraint(
                condition=Q(conclusion__in=Conclusion.values), name="casework_finding_conclusion_valid"
            ),
            models.CheckConstraint(condition=~Q(issue=""), name="casework_finding_issue_set"),
            models.UniqueConstraint(
                fields=["participation", "statute", "provision", "issue"], name="casework_finding_once_per_issue"
            ),
            withdrawal_has_reason("casework_finding_withdrawal_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.statute.short_name}: {self.issue} – {self.get_conclusion_display()}"


class Recommendation(Withdrawable):
    """A recommendation to the respondent and its answer."""

    Response = RecommendationResponse

    investigation = models.ForeignKey(
        Investigation, verbose_name=_("investigation"), on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    text = models.TextField(_("text"), max_length=20000)
    findings = models.ManyToManyField(
        Finding, verbose_name=_("follows from"), related_name="recommendations", blank=True
    )
    made_on = models.DateField(_("made on"), null=True, blank=True, validators=[validate_legal_date])
    response = models.CharField(
        _("respondent's answer"), max_length=16, choices=Response.choices, default=Response.NO_RESPONSE
    )
    responded_on = models.DateField(_("answered on"), null=True, blank=True, validators=[validate_legal_date])
    response_text = models.TextField(_("what the respondent said"), blank=True, max_length=20000)

    history = HistoricalRecords(m2m_fields=[findings])

    class Meta:
        ordering = ["investigation", "number"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(fields=["investigation", "number"], name="casework_recommendation_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="casework_recommendation_number_positive"),
            models.CheckConstraint(
                condition=Q(response__in=RecommendationResponse.values), name="casework_recommendation_response_valid"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="casework_recommendation_text_set"),
            withdrawal_has_reason("casework_recommendation_withdrawal_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class Event(Withdrawable):
    """A dated entry on the case's timeline, with its source."""

    Kind = EventKind

    class Precision(models.TextChoices):
        DAY = "day", _("exact day")
        MONTH = "month", _("month only")

    investigation = models.ForeignKey(
        Investigation, verbose_name=_("investigation"), on_delete=models.CASCADE, related_name="events"
    )
    date = models.DateField(_("date"), validators=[validate_legal_date])
    date_precision = models.CharField(
        _("date precision"),
        max_length=8,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text=_("'Month only' when the source gives the month but not the day."),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    summary = models.TextField(_("what happened"), max_length=5000)
    source = models.URLField(_("source"), max_length=500, blank=True)
    verified = models.BooleanField(
        _("verified"), default=True, help_text=_("Untick when the fact could not be checked against a public source.")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="casework_event_kind_valid"),
            models.CheckConstraint(
                condition=Q(date_precision__in=["day", "month"]), name="casework_event_precision_valid"
            ),
            models.CheckConstraint(condition=~Q(summary=""), name="casework_event_summary_set"),
            withdrawal_has_reason("casework_event_withdrawal_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.summary[:60]}"


class InvestigationLink(models.Model):
    """A link from one investigation to a related one (shown on both)."""

    class Kind(models.TextChoices):
        RELATED = "related", _("related")
        PARALLEL_FOREIGN = "parallel_foreign", _("parallel foreign investigation")
        SAME_RESPONDENT = "same_respondent", _("same respondent")
        FOLLOW_UP = "follow_up", _("follow-up")

    from_investigation = models.ForeignKey(
        Investigation, verbose_name=_("from"), on_delete=models.CASCADE, related_name="links_out"
    )
    to_investigation = models.ForeignKey(
        Investigation, verbose_name=_("to"), on_delete=models.CASCADE, related_name="links_in"
    )
    kind = models.CharField(_("kind of link"), max_length=24, choices=Kind.choices, default=Kind.RELATED)
    note = models.CharField(_("note"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("related investigation")
        verbose_name_plural = _("related investigations")
        constraints = [
            models.UniqueConstraint(fields=["from_investigation", "to_investigation"], name="casework_link_once"),
            models.CheckConstraint(
                condition=~Q(from_investigation=F("to_investigation")), name="casework_link_not_to_itself"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["related", "parallel_foreign", "same_respondent", "follow_up"]),
                name="casework_link_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_investigation_id} → {self.to_investigation_id} ({self.kind})"


class RespondentWithdrawal(models.Model):
    """A respondent taken off an investigation, with who, when and why; restorable.

    The investigation's respondents stay a plain many-to-many set (what every page, export and
    PDF reads): withdrawing removes the organization from the set and records this row;
    restoring puts it back and closes the row. The set's own history records both changes too.
    """

    investigation = models.ForeignKey(
        Investigation,
        verbose_name=_("investigation"),
        on_delete=models.CASCADE,
        related_name="respondent_withdrawals",
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("respondent"), on_delete=models.PROTECT, related_name="withdrawals"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"))
    withdrawn_by = models.ForeignKey(
        User, verbose_name=_("withdrawn by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.CharField(_("why it was withdrawn"), max_length=500)
    restored_at = models.DateTimeField(_("restored at"), null=True, blank=True)
    restored_by = models.ForeignKey(
        User, verbose_name=_("restored by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    restoration_reason = models.CharField(_("why it was restored"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["investigation", "-withdrawn_at"]
        verbose_name = _("withdrawn respondent")
        verbose_name_plural = _("withdrawn respondents")
        constraints = [
            # The investigation page lists the open ones: at most one per respondent.
            models.UniqueConstraint(
                fields=["investigation", "organization"],
                condition=Q(restored_at__isnull=True),
                name="casework_respondent_withdrawal_one_open",
            ),
            models.CheckConstraint(condition=~Q(withdrawal_reason=""), name="casework_respondent_withdrawal_reason"),
            models.CheckConstraint(
                condition=Q(restored_at__isnull=True) | ~Q(restoration_reason=""),
                name="casework_respondent_withdrawal_restoration_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} withdrawn from {self.investigation_id}"


class DocumentKind(models.TextChoices):
    COMPLAINT = "complaint", _("complaint")
    EVIDENCE = "evidence", _("evidence")
    CORRESPONDENCE_IN = "correspondence_in", _("correspondence received")
    CORRESPONDENCE_OUT = "correspondence_out", _("correspondence sent")
    REPORT = "report_of_findings", _("report of findings")
    OTHER = "other", _("other")


class Confidentiality(models.TextChoices):
    """A mark for the reader; who may open the file is the case's rule (casework.permissions), whatever the mark."""

    PUBLIC = "public", _("public")
    INTERNAL = "internal", _("internal")
    CONFIDENTIAL = "confidential", _("confidential")
    PRIVILEGED = "privileged", _("privileged (solicitor–client)")


class CaseDocument(Withdrawable):
    """A document of the case file: what it is, its date, its author or sender, its mark; its files are its versions.

    It may also concern one finding, and (``attached_to``, a generic link, so that casework names
    no model of the apps built on it) an object another app owns, such as an order or a
    compliance submission.
    """

    Kind = DocumentKind

    investigation = models.ForeignKey(
        Investigation, verbose_name=_("investigation"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date of the document"), validators=[validate_legal_date])
    author = models.CharField(
        _("author or sender"),
        max_length=200,
        blank=True,
        help_text=_("Who wrote or sent it, for example the respondent's counsel."),
    )
    confidentiality = models.CharField(
        _("confidentiality mark"), max_length=16, choices=Confidentiality.choices, default=Confidentiality.INTERNAL
    )
    description = models.TextField(_("description"), max_length=5000, blank=True)
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("concerns the finding"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    attached_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("attached to (type)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attached_id = models.PositiveBigIntegerField(_("attached to (id)"), null=True, blank=True)
    attached_to = GenericForeignKey("attached_type", "attached_id")
    created_by = models.ForeignKey(
        User, verbose_name=_("added by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["investigation", "date", "pk"]
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="casework_document_kind_valid"),
            models.CheckConstraint(
                condition=Q(confidentiality__in=Confidentiality.values), name="casework_document_confidentiality_valid"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="casework_document_title_set"),
            models.CheckConstraint(
                condition=Q(attached_type__isnull=True, attached_id__isnull=True)
                | Q(attached_type__isnull=False, attached_id__isnull=False),
                name="casework_document_attached_both_or_neither",
            ),
            withdrawal_has_reason("casework_document_withdrawal_reason"),
        ]
        indexes = [
            # The investigation page and the case file list a case's documents by date.
            models.Index(fields=["investigation", "date"], name="casework_document_inv_date"),
            # What is attached to one object of another app (an order's page).
            models.Index(fields=["attached_type", "attached_id"], name="casework_document_attached"),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.title}"

    def clean(self) -> None:
        if self.finding_id is not None and self.investigation_id is not None:
            finding_case = Finding.objects.filter(pk=self.finding_id).values_list(
                "participation__investigation_id", flat=True
            )
            if finding_case.first() != self.investigation_id:
                raise ValidationError({"finding": _("Choose a finding of this investigation.")})


class TextStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be read")
    EXTRACTING = "extracting", _("being read")
    DONE = "done", _("read")
    NONE = "none", _("no text to read")
    FAILED = "failed", _("could not be read")


# Versions whose text a worker still owes (the resume task finds them by the index below).
OWED_TEXT_STATUSES = (TextStatus.PENDING, TextStatus.EXTRACTING)


class DocumentVersion(models.Model):
    """One file of a document, as uploaded: never changed, never overwritten; a new upload is a new version.

    The file is kept under a random name (``casework.documents.storage``); its name as given
    (cleaned), its type as read from its content, its size and SHA-256 are recorded with who
    uploaded it and when. The text read from it (``text``) feeds the investigations' search.
    """

    Text = TextStatus

    document = models.ForeignKey(
        CaseDocument, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"), validators=[MinValueValidator(1)])
    file = models.FileField(_("file"), storage=case_documents_storage, max_length=255)
    filename = models.CharField(_("file name"), max_length=160)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, validators=[RegexValidator(r"^[0-9a-f]{64}$")])
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who uploaded it, as a name: kept when the version comes from another installation's case file.
    uploaded_by_name = models.CharField(_("uploaded by (name)"), max_length=150, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    # The text read by a worker (casework.documents.extraction); not part of the history.
    text = models.TextField(_("text"), blank=True)
    text_status = models.CharField(_("text"), max_length=16, choices=TextStatus.choices, default=TextStatus.PENDING)
    text_error = models.CharField(_("why the text could not be read"), max_length=300, blank=True)
    text_claimed_at = models.DateTimeField(_("text claimed at"), null=True, blank=True)
    # PostgreSQL only (full-text search, GIN-indexed by migration 0006 there); SQLite searches ``text``.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=["text", "text_status", "text_error", "text_claimed_at", "search_vector"]
    )

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="casework_document_version_once"),
            models.UniqueConstraint(fields=["file"], name="casework_document_version_file_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="casework_document_version_number_positive"),
            models.CheckConstraint(
                condition=Q(text_status__in=TextStatus.values), name="casework_document_version_text_status_valid"
            ),
        ]
        indexes = [
            # casework.tasks.document_text_resume: the versions whose text is still owed.
            models.Index(
                fields=["text_status", "uploaded_at"],
                condition=Q(text_status__in=OWED_TEXT_STATUSES),
                name="casework_docver_text_owed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} (v{self.number})"


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker ran the periodic heartbeat task; /healthz reports its age."""

    worker = models.CharField(_("worker"), max_length=200, unique=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker} @ {self.seen_at.isoformat()}"


class HolidayAdjustment(models.Model):
    """A day added to or removed from a jurisdiction's legal calendar, with its source.

    The statutory calendars (``casework.calendars``) hold the holidays each
    Interpretation Act defines; this table holds what they cannot: a day
    proclaimed once (a day of mourning), or a correction staff make with its
    source before the data file is. Deadline computation reads both.
    """

    class Change(models.TextChoices):
        ADD = "add", _("add a holiday")
        REMOVE = "remove", _("remove a holiday")

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.CASCADE, related_name="holiday_adjustments"
    )
    day = models.DateField(_("day"), validators=[validate_legal_date])
    change = models.CharField(_("change"), max_length=8, choices=Change.choices)
    name = models.CharField(_("name"), max_length=120, help_text=_("For example National Day of Mourning."))
    name_fr = models.CharField(
        _("name (French)"), max_length=120, blank=True, help_text=_("For example Journée nationale de deuil.")
    )
    source = models.CharField(
        _("source"), max_length=500, help_text=_("Why: the statute, proclamation or correction this rests on.")
    )
    verified = models.BooleanField(
        _("verified"),
        default=True,
        help_text=_("Whether the source's text was read; explanations mark a day that was not."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["jurisdiction", "day"]
        verbose_name = _("holiday adjustment")
        verbose_name_plural = _("holiday adjustments")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "day"], name="casework_holiday_adjustment_once_per_day"),
            models.CheckConstraint(condition=Q(change__in=["add", "remove"]), name="casework_holiday_change_valid"),
            models.CheckConstraint(condition=~Q(source=""), name="casework_holiday_source_set"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction.code} {self.day.isoformat()} {self.change} {self.name}"

    @property
    def adds(self) -> bool:
        """Whether the day is added to the statute's holidays (rather than removed from them)."""
        return self.change == self.Change.ADD
