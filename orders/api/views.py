"""The orders API's read-only viewsets (investigations are casework's: ``casework.api``).

Each queryset starts from ``orders_visible_to`` (the rule written once, in
``orders.permissions``, on ``casework.permissions``),
so a detail the user may not see answers 404 like a missing one, and a list
never shows it. Each viewset fetches what its serializer reads, so a page of a
list costs the same number of queries whatever its size (the tests lock them).
"""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, viewsets

from casework.api.base import AUTHORITY_CODE_REGEX, KEY_REGEX, ApiView, detail_responses, list_responses
from casework.models import User
from casework.permissions import pick_namesake
from orders.api import filters, serializers
from orders.models import Deadline, Extension, Order, OrderDocument, Stay, Term
from orders.permissions import orders_visible_to


def _orders(user: User) -> QuerySet[Order]:
    # Queries for a page: the count, the page (with authority and investigation), the terms with their deadlines.
    return (
        orders_visible_to(user)
        .select_related("authority", "investigation")
        .prefetch_related(Prefetch("terms", queryset=Term.objects.select_related("deadline").order_by("number")))
    )


@extend_schema_view(
    list=extend_schema(summary="Orders the user may see", responses=list_responses(serializers.OrderSerializer))
)
class OrderViewSet(ApiView, mixins.ListModelMixin, viewsets.GenericViewSet[Order]):
    """Orders of the investigations the user may see. One order is at /api/orders/AUTHORITY/NUMBER/."""

    serializer_class = serializers.OrderSerializer
    filterset_class = filters.OrderApiFilter

    def get_queryset(self) -> QuerySet[Order]:
        return _orders(self.user)


@extend_schema(
    summary="One order, by its issuing authority's code and its number",
    responses=detail_responses(serializers.OrderSerializer),
    parameters=[
        OpenApiParameter(
            "authority",
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            description="The issuing authority's code, for example OIPC-BC.",
            pattern=f"^{AUTHORITY_CODE_REGEX}$",
        ),
        OpenApiParameter(
            "number",
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            description="The order's number, for example P21-08.",
            pattern=f"^{KEY_REGEX}$",
        ),
    ],
)
class OrderDetailView(ApiView, generics.RetrieveAPIView[Order]):
    """An order's URL key is the one of its page: the authority's code and the number (unique per authority)."""

    serializer_class = serializers.OrderSerializer

    def get_queryset(self) -> QuerySet[Order]:
        return _orders(self.user)

    def get_object(self) -> Order:
        queryset = self.get_queryset().filter(authority__code=self.kwargs["authority"], number=self.kwargs["number"])
        # Numbers are unique among what a user may see (casework.namesakes); ?case= picks among namesakes.
        order = pick_namesake(queryset)
        if order is None:
            raise Http404("No such order.")
        return order


@extend_schema_view(
    list=extend_schema(
        summary="Terms of the orders the user may see", responses=list_responses(serializers.TermSerializer)
    ),
    retrieve=extend_schema(summary="One term", responses=detail_responses(serializers.TermSerializer)),
)
class TermViewSet(ApiView, viewsets.ReadOnlyModelViewSet[Term]):
    """What the orders require, each with its deadline; filter by order with authority and number."""

    serializer_class = serializers.TermSerializer
    filterset_class = filters.TermApiFilter

    def get_queryset(self) -> QuerySet[Term]:
        # Queries for a page: the count and the page (order, authority, investigation, deadline joined).
        return (
            Term.objects.filter(order__in=orders_visible_to(self.user))
            .select_related("order__authority", "order__investigation", "deadline")
            .order_by("order__authority__code", "order__number", "number")
        )


@extend_schema_view(
    list=extend_schema(
        summary="Deadlines of the orders the user may see", responses=list_responses(serializers.DeadlineSerializer)
    ),
    retrieve=extend_schema(
        summary="One deadline, with its stays and extensions",
        responses=detail_responses(serializers.DeadlineSerializer),
    ),
)
class DeadlineViewSet(ApiView, viewsets.ReadOnlyModelViewSet[Deadline]):
    """Due dates, soonest first; each ends at 23:59:59 on its due date in the issuing authority's time zone."""

    serializer_class = serializers.DeadlineSerializer
    filterset_class = filters.DeadlineApiFilter

    def get_queryset(self) -> QuerySet[Deadline]:
        # Queries for a page: the count, the page (term, order, authority, jurisdiction,
        # investigation joined), the stays, the extensions.
        return (
            Deadline.objects.filter(term__order__in=orders_visible_to(self.user))
            .select_related("term__order__authority__jurisdiction", "term__order__investigation")
            .prefetch_related(
                Prefetch("stays", queryset=Stay.objects.order_by("started_on", "pk")),
                Prefetch("extensions", queryset=Extension.objects.order_by("granted_on", "pk")),
            )
            # Soonest first, then those with no due date yet (counting from a service not recorded), on every database.
            .order_by(F("due_on").asc(nulls_last=True), "pk")
        )


@extend_schema_view(
    list=extend_schema(
        summary="Rendered documents (PDFs) of the orders the user may see",
        responses=list_responses(serializers.OrderDocumentSerializer),
    ),
    retrieve=extend_schema(
        summary="One document; its file is at download_url",
        responses=detail_responses(serializers.OrderDocumentSerializer),
    ),
)
class OrderDocumentViewSet(ApiView, viewsets.ReadOnlyModelViewSet[OrderDocument]):
    """The rows only: the PDF itself is served by the order's download page, which checks visibility again."""

    serializer_class = serializers.OrderDocumentSerializer
    filterset_class = filters.OrderDocumentApiFilter

    def get_queryset(self) -> QuerySet[OrderDocument]:
        # Queries for a page: the count and the page (order, authority, investigation joined).
        return (
            OrderDocument.objects.filter(order__in=orders_visible_to(self.user))
            .select_related("order__authority", "order__investigation")
            .order_by("order__authority__code", "order__number", "language", "-version")
        )
