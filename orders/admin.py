"""Admin for orders: for administrators and operators; staff work in the order pages.

Changelists name their joins so that they run a fixed number of queries. Models
with history use SimpleHistoryAdmin so that admin edits join the audit trail.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from casework.models import User
from orders.alerts import deadlines_set_next_rung
from orders.models import (
    Alert,
    CalendarFeed,
    ComplianceSubmission,
    CourtProceeding,
    Deadline,
    ExportJob,
    Extension,
    Notification,
    Order,
    OrderDocument,
    OrderRevision,
    Stay,
    Term,
)


class TermInline(admin.StackedInline):
    model = Term
    extra = 0
    fields = ["number", "text", "text_fr", "qualifier", "daily_penalty", "penalty_currency"]


# Links typed without a scheme are https (Django 6's default; silences its deprecation warning).
URL_HTTPS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


class ProceedingInline(admin.TabularInline):
    model = CourtProceeding
    formfield_overrides = URL_HTTPS
    extra = 0
    fields = ["kind", "court", "file_number", "filed_on", "decided_on", "outcome", "citation"]


class RevisionInline(admin.TabularInline):
    model = OrderRevision
    extra = 0
    fields = ["kind", "made_on", "reason", "made_by", "recorded_at"]
    readonly_fields = ["recorded_at"]


@admin.register(Order)
class OrderAdmin(SimpleHistoryAdmin):
    list_display = ["number", "authority", "investigation", "issued_on", "served_on", "status"]
    list_filter = ["status", "authority"]
    search_fields = ["number", "investigation__reference", "investigation__title", "legal_basis"]
    list_select_related = ["authority", "investigation"]
    autocomplete_fields = ["investigation", "authority"]
    filter_horizontal = ["assignees"]
    date_hierarchy = "issued_on"
    inlines = [TermInline, ProceedingInline, RevisionInline]

    def save_model(self, request: HttpRequest, obj: Order, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # An edit here goes past the services: the sweep's next rungs follow the status it saved.
        deadlines_set_next_rung(Deadline.objects.filter(order=obj))


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "qualifier", "daily_penalty", "penalty_currency"]
    list_filter = ["qualifier", "order__authority"]
    search_fields = ["text", "text_fr", "order__number"]
    list_select_related = ["order__authority"]
    raw_id_fields = ["order"]


class StayInline(admin.TabularInline):
    model = Stay
    extra = 0
    fields = ["started_on", "lifted_on", "days_left", "due_on_before", "reason", "recorded_by"]
    raw_id_fields = ["proceeding", "recorded_by"]


class ExtensionInline(admin.TabularInline):
    model = Extension
    extra = 0
    fields = ["granted_on", "previous_due_on", "new_due_on", "reason", "recorded_by"]
    raw_id_fields = ["recorded_by"]


@admin.register(Deadline)
class DeadlineAdmin(SimpleHistoryAdmin):
    list_display = ["term", "due_on", "original_due_on", "status", "verified"]
    list_filter = ["status", "verified", "term__order__authority"]
    search_fields = ["term__order__number", "term__text", "explanation"]
    list_select_related = ["term__order__authority"]
    raw_id_fields = ["term"]
    readonly_fields = ["explanation", "steps", "next_alert_at"]
    date_hierarchy = "due_on"
    inlines = [StayInline, ExtensionInline]

    def save_model(self, request: HttpRequest, obj: Deadline, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # An edit here goes past the services: the sweep's next rung follows the date and status it saved.
        deadlines_set_next_rung([obj.pk])


@admin.register(ComplianceSubmission)
class ComplianceSubmissionAdmin(SimpleHistoryAdmin):
    list_display = ["order", "term", "received_on", "assessment", "assessed_on", "assessed_by"]
    list_filter = ["assessment", "order__authority"]
    search_fields = ["order__number", "summary"]
    list_select_related = ["order__authority", "term__order__authority", "assessed_by"]
    raw_id_fields = ["order", "term", "assessed_by"]


@admin.register(CourtProceeding)
class CourtProceedingAdmin(SimpleHistoryAdmin):
    formfield_overrides = URL_HTTPS
    list_display = ["order", "kind", "court", "file_number", "filed_on", "outcome", "decided_on", "citation"]
    list_filter = ["kind", "outcome", "order__authority"]
    search_fields = ["order__number", "court", "file_number", "citation"]
    list_select_related = ["order__authority"]
    raw_id_fields = ["order"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Alerts are raised by the sweep only; the admin shows them, it does not make them."""

    list_display = ["deadline", "level", "due_on", "raised_at"]
    list_filter = ["level", "deadline__term__order__authority"]
    list_select_related = ["deadline__term__order__authority"]
    search_fields = ["deadline__term__order__number"]
    date_hierarchy = "raised_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "alert", "created_at", "read_at", "email_status", "email_attempts", "email_error"]
    list_filter = ["email_status", ("read_at", admin.EmptyFieldListFilter)]
    list_select_related = [
        "user",
        "alert__deadline__term__order__authority",
        "alert__clock__rule",
        "alert__clock__investigation",
    ]
    search_fields = ["user__username", "alert__deadline__term__order__number"]
    raw_id_fields = ["user", "alert"]
    actions = ["retry_email"]

    @admin.action(description=_("Send the failed e-mails again"))
    def retry_email(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        # Through the service: only failed e-mails (one being sent would go twice), a new retry window.
        from orders.operations.services import notifications_retry_failed

        actor = cast(User, request.user)
        count = notifications_retry_failed(actor=actor, ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d failed e-mail will be sent again.", "%(count)d failed e-mails will be sent again.", count
            )
            % {"count": count},
        )


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by services only: the admin shows them and may delete them, nothing else."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ExportJob)
class ExportJobAdmin(_ReadOnlyAdmin):
    list_display = ["pk", "user", "status", "language", "done", "total", "size", "created_at", "finished_at"]
    list_filter = ["status", "language"]
    list_select_related = ["user"]
    search_fields = ["user__username", "sha256"]
    date_hierarchy = "created_at"
    exclude = ["orders"]
    readonly_fields = ["order_list"]

    @admin.display(description=_("orders"))
    def order_list(self, obj: ExportJob) -> str:
        return ", ".join(str(order) for order in obj.orders.select_related("authority").order_by("authority__code"))


@admin.register(CalendarFeed)
class CalendarFeedAdmin(_ReadOnlyAdmin):
    """The secret itself is never shown: only whose feed it is and when it was last read."""

    list_display = ["user", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "created_at", "last_used_at"]


@admin.register(OrderDocument)
class OrderDocumentAdmin(SimpleHistoryAdmin):
    """Rendered PDFs: written once by orders.documents, never edited, added or deleted here (they are the record)."""

    list_display = ["order", "language", "version", "status", "pdfa", "pages", "size", "requested_by", "rendered_at"]
    list_filter = ["status", "language", "pdfa", "order__authority"]
    list_select_related = ["order__authority", "requested_by"]
    search_fields = ["order__number", "order__authority__code", "sha256"]
    date_hierarchy = "requested_at"
    readonly_fields = [
        "order",
        "language",
        "version",
        "pdfa",
        "status",
        "file",
        "sha256",
        "size",
        "pages",
        "error",
        "order_status",
        "requested_by",
        "requested_at",
        "rendered_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
