"""What the orders API shows of each resource (read-only); investigations are casework's (``casework.api``).

Related rows are nested as small "reference" objects (an order's authority code,
number and URL) rather than bare ids, so that a client can follow them. The
viewsets fetch everything a serializer reads (``select_related``/``prefetch_related``):
a serializer here never causes a query of its own.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import NoReverseMatch
from django.urls import reverse as django_reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework.api.serializers import InvestigationRefSerializer, absolute_url
from orders.deadlines import deadline_ends_at, explanation_for_reader
from orders.models import (
    Deadline,
    DeadlineStatus,
    Extension,
    InvestigationClock,
    Order,
    OrderDocument,
    OrderStatus,
    Stay,
    Term,
)


def order_api_url(serializer: serializers.Serializer[Any], order: Order) -> str:
    return absolute_url(serializer, "api:order-detail", authority=order.authority.code, number=order.number)


def document_download_path(document: OrderDocument) -> str:
    """The page that serves a document's file (it checks visibility again)."""
    kwargs = {"authority": document.order.authority.code, "number": document.order.number, "pk": document.pk}
    try:
        return django_reverse("orders:document_download", kwargs=kwargs)
    except NoReverseMatch:
        # The download page is built apart from the API; its path is fixed by the design.
        return "/orders/{authority}/{number}/documents/{pk}/download/".format(**kwargs)


def _enum(choices: type[models.TextChoices]) -> dict[str, Any]:
    return {"type": "string", "enum": list(choices.values)}


# Orders, deadlines and documents each have a ``status`` with a different set of
# values: a named component for each keeps the schema's enums apart (a class, not
# an annotated instance, because DRF copies declared fields and the copy would lose it).
@extend_schema_field(_enum(OrderStatus), component_name="OrderStatus")
class OrderStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=OrderStatus.choices, read_only=True, **kwargs)


@extend_schema_field(_enum(DeadlineStatus), component_name="DeadlineStatus")
class DeadlineStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=DeadlineStatus.choices, read_only=True, **kwargs)


@extend_schema_field(_enum(OrderDocument.Status), component_name="DocumentStatus")
class DocumentStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=OrderDocument.Status.choices, read_only=True, **kwargs)


# --- Small reference objects -------------------------------------------------------------------


class OrderRefSerializer(serializers.Serializer[Order]):
    authority = serializers.CharField(source="authority.code", read_only=True)
    number = serializers.CharField(read_only=True)
    status = OrderStatusField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, order: Order) -> str:
        return order_api_url(self, order)


# --- Deadlines, terms, orders --------------------------------------------------------------------


class StaySerializer(serializers.ModelSerializer[Stay]):
    class Meta:
        model = Stay
        fields = ["started_on", "lifted_on", "days_left", "due_on_before", "reason"]


class ExtensionSerializer(serializers.ModelSerializer[Extension]):
    class Meta:
        model = Extension
        fields = ["granted_on", "previous_due_on", "new_due_on", "reason"]


class DeadlineBriefSerializer(serializers.ModelSerializer[Deadline]):
    """A deadline inside its term (the full record is at ``url``)."""

    url = serializers.SerializerMethodField()
    rule = serializers.JSONField(read_only=True, help_text='For example {"rule": "calendar_days", "days": 90}.')
    status = DeadlineStatusField()

    class Meta:
        model = Deadline
        fields = ["id", "url", "rule", "due_on", "original_due_on", "status", "met_on"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, deadline: Deadline) -> str:
        return absolute_url(self, "api:deadline-detail", pk=deadline.pk)


class TermInOrderSerializer(serializers.ModelSerializer[Term]):
    deadline = DeadlineBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Term
        fields = ["id", "number", "text", "text_fr", "qualifier", "daily_penalty", "penalty_currency", "deadline"]


class OrderSerializer(serializers.ModelSerializer[Order]):
    authority = serializers.CharField(source="authority.code", read_only=True)
    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField(help_text="The order's page in the application.")
    investigation = InvestigationRefSerializer(read_only=True)
    status = OrderStatusField()
    terms = TermInOrderSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "authority",
            "number",
            "url",
            "page_url",
            "investigation",
            "title",
            "legal_basis",
            "status",
            "issued_on",
            "served_on",
            "signatory_name",
            "signatory_title",
            "terms",
            "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, order: Order) -> str:
        return order_api_url(self, order)

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, order: Order) -> str:
        return absolute_url(self, "orders:detail", authority=order.authority.code, number=order.number)


class TermSerializer(serializers.ModelSerializer[Term]):
    url = serializers.SerializerMethodField()
    order = OrderRefSerializer(read_only=True)
    investigation = InvestigationRefSerializer(source="order.investigation", read_only=True)
    deadline = DeadlineBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Term
        fields = [
            "id",
            "url",
            "order",
            "investigation",
            "number",
            "text",
            "text_fr",
            "qualifier",
            "daily_penalty",
            "penalty_currency",
            "deadline",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, term: Term) -> str:
        return absolute_url(self, "api:term-detail", pk=term.pk)


class TermBriefSerializer(serializers.ModelSerializer[Term]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Term
        fields = ["id", "url", "number", "text", "text_fr"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, term: Term) -> str:
        return absolute_url(self, "api:term-detail", pk=term.pk)


class DeadlineSerializer(serializers.ModelSerializer[Deadline]):
    url = serializers.SerializerMethodField()
    order = OrderRefSerializer(source="term.order", read_only=True)
    investigation = InvestigationRefSerializer(source="term.order.investigation", read_only=True)
    term = TermBriefSerializer(read_only=True)
    rule = serializers.JSONField(read_only=True, help_text='For example {"rule": "calendar_days", "days": 90}.')
    ends_at = serializers.SerializerMethodField(
        help_text="23:59:59 on the due date in the issuing authority's time zone (null without a due date)."
    )
    status = DeadlineStatusField()
    time_zone = serializers.CharField(source="term.order.authority.jurisdiction.time_zone", read_only=True)
    explanation = serializers.SerializerMethodField(
        help_text="How the date was reached, in the request's language (Accept-Language: en or fr)."
    )
    stays = StaySerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)

    class Meta:
        model = Deadline
        fields = [
            "id",
            "url",
            "order",
            "investigation",
            "term",
            "rule",
            "due_on",
            "original_due_on",
            "ends_at",
            "time_zone",
            "status",
            "met_on",
            "explanation",
            "stays",
            "extensions",
            "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, deadline: Deadline) -> str:
        return absolute_url(self, "api:deadline-detail", pk=deadline.pk)

    def get_explanation(self, deadline: Deadline) -> str:
        # The same text as the order page's, rebuilt from the stored steps.
        return explanation_for_reader(deadline.steps, deadline.explanation)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_ends_at(self, deadline: Deadline) -> str | None:
        if deadline.due_on is None:
            return None
        # ISO 8601 with the local offset, e.g. 2022-01-25T23:59:59-08:00.
        return deadline_ends_at(deadline.due_on, deadline.term.order.authority.jurisdiction.time_zone).isoformat()


# --- Documents -----------------------------------------------------------------------------------


class OrderDocumentSerializer(serializers.ModelSerializer[OrderDocument]):
    url = serializers.SerializerMethodField()
    order = OrderRefSerializer(read_only=True)
    investigation = InvestigationRefSerializer(source="order.investigation", read_only=True)
    status = DocumentStatusField()
    order_status = OrderStatusField(help_text="The order's status when it was rendered.")
    download_url = serializers.SerializerMethodField(
        help_text="Where the PDF is downloaded (with the same sign-in); null until the document is ready."
    )

    class Meta:
        model = OrderDocument
        fields = [
            "id",
            "url",
            "order",
            "investigation",
            "language",
            "version",
            "pdfa",
            "status",
            "sha256",
            "size",
            "pages",
            "error",
            "order_status",
            "requested_at",
            "rendered_at",
            "download_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, document: OrderDocument) -> str:
        return absolute_url(self, "api:document-detail", pk=document.pk)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, document: OrderDocument) -> str | None:
        if document.status != OrderDocument.Status.READY:
            return None
        request = self.context.get("request")
        path = document_download_path(document)
        return request.build_absolute_uri(path) if request is not None else path


# --- Statutory clocks (on /api/investigations/, orders.api.extensions) -----------------------------------


class ClockSerializer(serializers.ModelSerializer[InvestigationClock]):
    """A statutory clock of the investigation, read-only: the rule cited with its source and whether it was
    verified in the statute's own text, the dates, the status and how the date was reached."""

    authority = serializers.CharField(source="authority.code", read_only=True)
    rule = serializers.CharField(source="rule.code", read_only=True)
    citation = serializers.SerializerMethodField()
    source = serializers.URLField(source="rule.source", read_only=True)
    verified = serializers.BooleanField(source="rule.verified", read_only=True)
    status = serializers.ChoiceField(choices=DeadlineStatus.choices, read_only=True)
    explanation = serializers.SerializerMethodField(
        help_text="How the date was reached, in the request's language (Accept-Language: en or fr)."
    )

    class Meta:
        model = InvestigationClock
        fields = [
            "authority",
            "rule",
            "citation",
            "source",
            "verified",
            "started_on",
            "due_on",
            "original_due_on",
            "status",
            "met_on",
            "explanation",
        ]
        read_only_fields = fields

    def get_citation(self, clock: InvestigationClock) -> str:
        return f"{clock.rule.statute.short_name} {clock.rule.provision}"

    def get_explanation(self, clock: InvestigationClock) -> str:
        return explanation_for_reader(clock.steps, clock.explanation)
