"""The API's read-only viewsets.

Each queryset starts from ``investigations_visible_to`` / ``orders_visible_to``
(the rule written once, in ``casework.permissions`` and ``orders.permissions``),
so a detail the user may not see answers 404 like a missing one, and a list
never shows it. Each viewset fetches what its serializer reads, so a page of a
list costs the same number of queries whatever its size (the tests lock them).
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import F, Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, views, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from casework.models import Investigation, Participation, User
from casework.permissions import investigations_visible_to, pick_namesake
from orders.api import filters, serializers
from orders.api.pagination import ApiPagination
from orders.models import Deadline, Extension, Order, OrderDocument, Stay, Term
from orders.permissions import orders_visible_to


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=OpenApiTypes.OBJECT, description=description)


# With session authentication listed first, DRF answers 403 (not 401) to a request that is not signed in.
NOT_SIGNED_IN = {
    401: _error('Not signed in or an invalid token: {"detail": "…"}.'),
    403: _error('Not signed in (no session, no "Authorization: Token <key>") or an invalid token: {"detail": "…"}.'),
}
NOT_FOUND = _error('Missing, or not visible to you (the same answer): {"detail": "No … matches the given query."}.')


def list_responses(serializer: type[Serializer[Any]]) -> dict[int, Any]:
    return {
        200: serializer,
        400: _error('A filter\'s value is invalid; each field named with its errors: {"due_before": ["…"]}.'),
        **NOT_SIGNED_IN,
        404: _error('No such page: {"detail": "Invalid page."}.'),
    }


def detail_responses(serializer: type[Serializer[Any]]) -> dict[int, Any]:
    return {200: serializer, **NOT_SIGNED_IN, 404: NOT_FOUND}


# References and order numbers share this alphabet (casework.models.REFERENCE_VALIDATOR).
KEY_REGEX = r"[A-Za-z0-9][A-Za-z0-9._-]*"
AUTHORITY_CODE_REGEX = r"[A-Z0-9][A-Z0-9-]*"  # casework.models.CODE_VALIDATOR


class _ApiView:
    pagination_class = ApiPagination

    @property
    def user(self) -> User:
        return cast(User, self.request.user)  # type: ignore[attr-defined]


@extend_schema_view(
    list=extend_schema(
        summary="Investigations the user may see", responses=list_responses(serializers.InvestigationSerializer)
    ),
    retrieve=extend_schema(
        summary="One investigation, by its reference",
        responses=detail_responses(serializers.InvestigationSerializer),
    ),
)
class InvestigationViewSet(_ApiView, viewsets.ReadOnlyModelViewSet[Investigation]):
    """Investigations the user's authority takes part in (a confidential one only if the user is assigned to it)."""

    serializer_class = serializers.InvestigationSerializer
    filterset_class = filters.InvestigationApiFilter
    lookup_field = "reference"
    lookup_value_regex = KEY_REGEX

    def get_queryset(self) -> QuerySet[Investigation]:
        # Queries for a page: the count, the page, then respondents, participations,
        # their statutes and the orders (one each).
        return investigations_visible_to(self.user).prefetch_related(
            "respondents",
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("authority")
                .prefetch_related("statutes")
                .order_by("role", "authority__code"),
            ),
            Prefetch(
                "orders", queryset=Order.objects.select_related("authority").order_by("authority__code", "number")
            ),
        )

    def get_object(self) -> Investigation:
        # References are unique among what a user may see (casework.namesakes); ?case= picks among namesakes.
        investigation = pick_namesake(self.get_queryset().filter(reference=self.kwargs["reference"]))
        if investigation is None:
            raise Http404("No such investigation.")
        return investigation


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
class OrderViewSet(_ApiView, mixins.ListModelMixin, viewsets.GenericViewSet[Order]):
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
class OrderDetailView(_ApiView, generics.RetrieveAPIView[Order]):
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
class TermViewSet(_ApiView, viewsets.ReadOnlyModelViewSet[Term]):
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
class DeadlineViewSet(_ApiView, viewsets.ReadOnlyModelViewSet[Deadline]):
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
class OrderDocumentViewSet(_ApiView, viewsets.ReadOnlyModelViewSet[OrderDocument]):
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


class NotFoundView(views.APIView):
    """Any other path under /api/ (ending in a slash): a JSON 404, after authentication like the rest.

    Without it a malformed key (``/api/terms/1.5/``) would miss every route and get
    the site's HTML 404 page, which an API client cannot read.
    """

    schema = None  # not an operation of the API

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise NotFound()
