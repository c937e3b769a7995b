"""The admin site: reference data (jurisdictions, authorities, statutes), users and their roles.

Staff do their daily work in the application's own pages; the admin is for
administrators and operators. Models with history use ``SimpleHistoryAdmin``, so
that an admin edit is in the same audit trail as any other (the request middleware
records who made it). Every changelist names its joins (``list_select_related``,
or a prefetch in ``get_queryset``) so that it runs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldOpts
    from django.utils.functional import _StrPromise

from casework.calendars import legal_calendar
from casework.models import (
    Authority,
    CaseDocument,
    DocumentVersion,
    Event,
    Finding,
    HolidayAdjustment,
    Investigation,
    InvestigationLink,
    Jurisdiction,
    Organization,
    Participation,
    Recommendation,
    RespondentWithdrawal,
    Statute,
    User,
    WorkerHeartbeat,
)

admin.site.site_header = _("Case tracker administration")
admin.site.site_title = _("Case tracker")
admin.site.index_title = _("Reference data, users and cases")

# Sources and websites are https today; a bare "example.org" should become https://example.org
# (Django 6's default, asked for here rather than by a transitional setting).
HTTPS_URLS: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


# --- Reference data -----------------------------------------------------------------


# Holiday data feeds the deadline rules; dates already computed move only when recomputed.
RECOMPUTE_NOTE = _(
    "Deadlines already computed do not move by themselves: after a change, run "
    "“manage.py recompute_deadlines”, which reports and records every date that moves."
)


class HolidayAdjustmentInline(admin.TabularInline):
    model = HolidayAdjustment
    extra = 0
    fields = ["day", "change", "name", "name_fr", "source", "verified"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "parent", "time_zone", "legal_calendar"]
    list_filter = ["legal_calendar"]
    search_fields = ["code", "name_en", "name_fr"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    inlines = [HolidayAdjustmentInline]
    readonly_fields = ["statutory_holidays"]
    fieldsets = [
        (None, {"fields": ["code", "name_en", "name_fr", "parent", "official_languages"]}),
        (
            _("Counting days"),
            {"fields": ["time_zone", "legal_calendar", "statutory_holidays"], "description": RECOMPUTE_NOTE},
        ),
    ]

    @admin.display(description=_("statutory holidays this year and next"))
    def statutory_holidays(self, obj: Jurisdiction) -> str:
        """The calendar file's holidays, so that an administrator sees what the statute gives before editing."""
        calendar = legal_calendar(obj.legal_calendar) if obj else None
        if calendar is None:
            return str(_("No statutory calendar: only the days below count as holidays."))
        year = timezone.localdate().year
        rows = [
            (day.isoformat(), holiday.name_en, holiday.citation, "" if holiday.verified else str(_("not verified")))
            for y in (year, year + 1)
            for day, holiday in calendar.holidays_in(y).items()
        ]
        return format_html(
            "<p>{}</p><ul>{}</ul>",
            calendar.statute,
            format_html_join("", "<li>{} {} ({}) {}</li>", rows),
        )


@admin.register(HolidayAdjustment)
class HolidayAdjustmentAdmin(SimpleHistoryAdmin):
    list_display = ["jurisdiction", "day", "change", "name", "source", "verified"]
    list_filter = ["change", "jurisdiction"]
    search_fields = ["name", "source", "jurisdiction__code"]
    list_select_related = ["jurisdiction"]
    autocomplete_fields = ["jurisdiction"]
    date_hierarchy = "day"
    fieldsets = [
        (
            None,
            {
                "fields": ["jurisdiction", "day", "change", "name", "name_fr", "source", "verified"],
                "description": RECOMPUTE_NOTE,
            },
        )
    ]


@admin.register(Authority)
class AuthorityAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["code", "name_en", "jurisdiction", "can_issue_orders", "max_fine", "max_fine_currency"]
    list_filter = ["can_issue_orders", "jurisdiction"]
    search_fields = ["code", "name_en", "name_fr"]
    list_select_related = ["jurisdiction"]
    autocomplete_fields = ["jurisdiction"]
    fieldsets = [
        (None, {"fields": ["code", "name_en", "name_fr", "jurisdiction", "website"]}),
        (
            _("Powers"),
            {
                "fields": [
                    "can_issue_orders",
                    "powers",
                    "max_fine",
                    "max_fine_currency",
                    "max_fine_note",
                    "order_number_format",
                ]
            },
        ),
        (
            _("Documents"),
            {"fields": ["issues_in", "address", "signatory_name", "signatory_title_en", "signatory_title_fr"]},
        ),
    ]


@admin.register(Statute)
class StatuteAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["code", "short_name", "citation", "jurisdiction", "sector", "enforcers"]
    list_filter = ["sector", "jurisdiction"]
    search_fields = ["code", "short_name", "title_en", "title_fr", "citation"]
    list_select_related = ["jurisdiction"]
    autocomplete_fields = ["jurisdiction"]
    filter_horizontal = ["enforced_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Statute]:
        # One extra query for the "enforced by" column, whatever the page size.
        return super().get_queryset(request).prefetch_related("enforced_by")

    @admin.display(description=_("enforced by"))
    def enforcers(self, obj: Statute) -> str:
        return ", ".join(sorted(authority.code for authority in obj.enforced_by.all()))


# --- Users ------------------------------------------------------------------------------

_ROLES_FIELDSET: tuple[_StrPromise, _FieldOpts] = (
    _("Authority and roles"),
    {"fields": ("authority", "is_investigator", "is_legal", "is_manager", "is_administrator", "alert_email")},
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "authority",
        "is_investigator",
        "is_legal",
        "is_manager",
        "is_administrator",
        "is_staff",
        "is_active",
    ]
    list_filter = [
        "authority",
        "is_investigator",
        "is_legal",
        "is_manager",
        "is_administrator",
        "alert_email",
        "is_staff",
        "is_superuser",
        "is_active",
    ]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_select_related = ["authority"]
    autocomplete_fields = ["authority"]
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), _ROLES_FIELDSET)
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, _ROLES_FIELDSET)


# --- Cases --------------------------------------------------------------------------------


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "kind", "country", "website"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    fields = ["authority", "role", "statutes", "file_number", "joined_on"]
    autocomplete_fields = ["authority", "statutes"]


class EventInline(admin.TabularInline):
    formfield_overrides = HTTPS_URLS
    model = Event
    extra = 0
    fields = ["date", "date_precision", "kind", "summary", "source", "verified"]


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = ["number", "text", "findings", "made_on", "response", "responded_on", "response_text"]
    autocomplete_fields = ["findings"]


class InvestigationLinkInline(admin.TabularInline):
    model = InvestigationLink
    fk_name = "from_investigation"
    extra = 0
    fields = ["to_investigation", "kind", "note"]
    autocomplete_fields = ["to_investigation"]
    verbose_name = _("related investigation")
    verbose_name_plural = _("related investigations")


@admin.register(Investigation)
class InvestigationAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "stage", "origin", "opened_on", "authorities", "respondent_names"]
    list_filter = ["stage", "origin", "confidential", "participations__authority"]
    search_fields = ["reference", "title", "respondents__name", "participations__file_number"]
    date_hierarchy = "opened_on"
    autocomplete_fields = ["respondents", "assignees"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ParticipationInline, EventInline, RecommendationInline, InvestigationLinkInline]
    fieldsets = [
        (None, {"fields": ["reference", "title", "summary", "origin", "respondents"]}),
        (_("Progress"), {"fields": ["opened_on", "closed_on", "stage", "disposition"]}),
        (_("Access"), {"fields": ["confidential", "assignees"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Investigation]:
        # Two extra queries for the authorities and respondents columns, whatever the page size.
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("participations", queryset=Participation.objects.select_related("authority")),
                "respondents",
            )
        )

    @admin.display(description=_("authorities"))
    def authorities(self, obj: Investigation) -> str:
        # Sorted in Python: an order_by() here would defeat the prefetch.
        parts = sorted(obj.participations.all(), key=lambda p: (p.role != Participation.Role.LEAD, p.authority.code))
        return ", ".join(part.authority.code for part in parts)

    @admin.display(description=_("respondents"))
    def respondent_names(self, obj: Investigation) -> str:
        return ", ".join(sorted(org.name for org in obj.respondents.all()))


@admin.register(Participation)
class ParticipationAdmin(SimpleHistoryAdmin):
    list_display = ["investigation", "authority", "role", "file_number", "joined_on"]
    list_filter = ["role", "authority"]
    search_fields = ["investigation__reference", "authority__code", "file_number"]
    list_select_related = ["investigation", "authority"]
    autocomplete_fields = ["investigation", "authority", "statutes"]


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ["investigation", "authority", "statute", "provision", "issue", "conclusion", "issued_on"]
    list_filter = ["conclusion", "participation__authority", "statute"]
    search_fields = ["issue", "provision", "report_reference", "participation__investigation__reference"]
    list_select_related = ["participation__investigation", "participation__authority", "statute"]
    autocomplete_fields = ["participation", "statute"]
    date_hierarchy = "issued_on"

    @admin.display(description=_("investigation"), ordering="participation__investigation__reference")
    def investigation(self, obj: Finding) -> str:
        return obj.participation.investigation.reference

    @admin.display(description=_("authority"), ordering="participation__authority__code")
    def authority(self, obj: Finding) -> str:
        return obj.participation.authority.code


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["investigation", "number", "short_text", "response", "responded_on"]
    list_filter = ["response"]
    search_fields = ["text", "investigation__reference"]
    list_select_related = ["investigation"]
    autocomplete_fields = ["investigation", "findings"]

    @admin.display(description=_("text"))
    def short_text(self, obj: Recommendation) -> str:
        return obj.text[:100]


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["date", "investigation", "kind", "short_summary", "verified"]
    list_filter = ["kind", "verified", "date_precision"]
    search_fields = ["summary", "note", "investigation__reference"]
    list_select_related = ["investigation"]
    autocomplete_fields = ["investigation"]
    date_hierarchy = "date"

    @admin.display(description=_("what happened"))
    def short_summary(self, obj: Event) -> str:
        return obj.summary[:100]


@admin.register(InvestigationLink)
class InvestigationLinkAdmin(SimpleHistoryAdmin):
    list_display = ["from_investigation", "to_investigation", "kind", "note"]
    list_filter = ["kind"]
    search_fields = ["from_investigation__reference", "to_investigation__reference", "note"]
    list_select_related = ["from_investigation", "to_investigation"]
    autocomplete_fields = ["from_investigation", "to_investigation"]


@admin.register(RespondentWithdrawal)
class RespondentWithdrawalAdmin(SimpleHistoryAdmin):
    """Written by the investigation page's Withdraw and Restore (casework.services); here to look at."""

    list_display = ["investigation", "organization", "withdrawn_at", "withdrawn_by", "restored_at"]
    list_filter = ["restored_at"]
    search_fields = ["investigation__reference", "organization__name", "withdrawal_reason"]
    list_select_related = ["investigation", "organization", "withdrawn_by"]
    autocomplete_fields = ["investigation", "organization"]
    readonly_fields = ["withdrawn_by", "restored_by"]


class DocumentVersionInline(admin.TabularInline):
    """Versions are never edited: a new file is a new version, uploaded from the document's page."""

    model = DocumentVersion
    extra = 0
    can_delete = False
    fields = ("number", "filename", "content_type", "size", "sha256", "uploaded_at", "uploaded_by_name", "text_status")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CaseDocument)
class CaseDocumentAdmin(SimpleHistoryAdmin):
    """What is said of a document; its files are its versions (read-only here, served only by the download view)."""

    list_display = ["title", "investigation", "kind", "date", "confidentiality", "withdrawn_at"]
    list_filter = ["kind", "confidentiality"]
    search_fields = ["title", "author", "investigation__reference"]
    list_select_related = ["investigation"]
    autocomplete_fields = ["investigation", "finding"]
    date_hierarchy = "date"
    readonly_fields = ["created_by", "created_at", "withdrawn_by", "attached_type", "attached_id"]
    inlines = [DocumentVersionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A document comes with its file: added from the investigation's page, where the upload's rules apply.
        return False


@admin.register(DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    """Each uploaded file: to look at (its hash, type, the state of its text); never changed."""

    list_display = ["filename", "document", "number", "content_type", "size", "uploaded_at", "text_status"]
    list_filter = ["text_status", "content_type"]
    search_fields = ["filename", "sha256", "document__title", "document__investigation__reference"]
    list_select_related = ["document"]
    # Not the file: it has no URL (only the download view serves it, after checking who may see the case).
    readonly_fields = [
        field.name for field in DocumentVersion._meta.fields if field.name not in ("search_vector", "file")
    ]
    exclude = ["search_vector", "file"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DocumentVersion | None = None) -> bool:
        # The change page shows it, read-only (Django shows a read-only "view" page then).
        return False


# --- Operations -------------------------------------------------------------------------


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Written by the workers (casework.tasks.worker_heartbeat); here to look at, or to forget a worker."""

    list_display = ["worker", "seen_at", "age"]
    search_fields = ["worker"]
    ordering = ["-seen_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: WorkerHeartbeat | None = None) -> bool:
        return False

    @admin.display(description=_("seconds ago"))
    def age(self, obj: WorkerHeartbeat) -> int:
        return round((timezone.now() - obj.seen_at).total_seconds())
