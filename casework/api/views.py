"""``/api/investigations/``: the investigations the user may see.

The queryset starts from ``investigations_visible_to`` (the rule written once, in
``casework.permissions``), so an investigation the user may not see answers 404 like a
missing one, and a list never shows it. It fetches what the serializer reads, so a page
costs the same number of queries whatever its size (the tests lock them).

The apps built on casework add fields, their prefetches and filters
(``casework.extensions.investigation_api``); ``investigation_viewset`` builds the view
with them when the URLs are loaded, after every app is ready.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404
from django_filters import FilterSet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import views, viewsets
from rest_framework.request import Request

from casework.api.base import KEY_REGEX, NOT_FOUND, NOT_SIGNED_IN, ApiView, detail_responses, list_responses
from casework.api.filters import InvestigationApiFilter
from casework.api.serializers import InvestigationSerializer, extended_investigation_serializer
from casework.documents.views import version_response
from casework.extensions import InvestigationApiExtension, investigation_api
from casework.models import CaseDocument, DocumentVersion, Investigation, Participation
from casework.permissions import get_document_version_for_user, investigations_visible_to, pick_namesake


class InvestigationViewSet(ApiView, viewsets.ReadOnlyModelViewSet[Investigation]):
    """Investigations the user's authority takes part in (a confidential one only if the user is assigned to it)."""

    serializer_class = InvestigationSerializer
    filterset_class: type[FilterSet] = InvestigationApiFilter
    lookup_field = "reference"
    lookup_value_regex = KEY_REGEX
    # What the extensions' fields read, fetched with each page.
    extra_prefetch: Sequence[str | Prefetch] = ()

    def get_queryset(self) -> QuerySet[Investigation]:
        # Queries for a page: the count, the page, then respondents, participations, their
        # statutes, the documents, their versions, and one for each extension's prefetch.
        # What was withdrawn is not part of the case as it stands: left out, as in the exports.
        return investigations_visible_to(self.user).prefetch_related(
            "respondents",
            Prefetch(
                "participations",
                queryset=Participation.objects.filter(withdrawn_at__isnull=True)
                .select_related("authority")
                .prefetch_related("statutes")
                .order_by("role", "authority__code"),
            ),
            Prefetch(
                "documents",
                queryset=CaseDocument.objects.filter(withdrawn_at__isnull=True)
                .prefetch_related(
                    Prefetch(
                        "versions", queryset=DocumentVersion.objects.defer("text", "search_vector").order_by("number")
                    )
                )
                .order_by("date", "pk"),
            ),
            *self.extra_prefetch,
        )

    def get_object(self) -> Investigation:
        # References are unique among what a user may see (casework.namesakes); ?case= picks among namesakes.
        investigation = pick_namesake(self.get_queryset().filter(reference=self.kwargs["reference"]))
        if investigation is None:
            raise Http404("No such investigation.")
        return investigation


class DocumentFileView(ApiView, views.APIView):
    """One version's file, as the investigation page serves it, to token or session clients alike."""

    @extend_schema(
        summary="The file of one version of a case document",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **NOT_SIGNED_IN, 404: NOT_FOUND},
    )
    def get(self, request: Request, reference: str, document_id: int, version: int) -> FileResponse:
        return version_response(get_document_version_for_user(self.user, reference, document_id, version))


def _extended_filterset(extensions: Iterable[InvestigationApiExtension]) -> type[FilterSet]:
    """``InvestigationApiFilter`` with the extensions' filters after its own (same name: same schema)."""
    added = [extension.filterset for extension in extensions if extension.filterset is not None]
    if not added:
        return InvestigationApiFilter
    names = [name for filterset in added for name in filterset.declared_filters]
    meta = type("Meta", (InvestigationApiFilter.Meta,), {"fields": [*InvestigationApiFilter.Meta.fields, *names]})
    return type("InvestigationApiFilter", (*added, InvestigationApiFilter), {"__module__": __name__, "Meta": meta})


def investigation_viewset() -> type[InvestigationViewSet]:
    """The investigations' view with what the apps registered (``casework.extensions.investigation_api``)."""
    extensions = list(investigation_api)
    serializer = extended_investigation_serializer(extensions)
    attributes = {
        "__module__": __name__,
        "serializer_class": serializer,
        "filterset_class": _extended_filterset(extensions),
        "extra_prefetch": tuple(item for extension in extensions for item in extension.prefetch()),
    }
    view = type("InvestigationViewSet", (InvestigationViewSet,), attributes)
    return extend_schema_view(
        list=extend_schema(summary="Investigations the user may see", responses=list_responses(serializer)),
        retrieve=extend_schema(summary="One investigation, by its reference", responses=detail_responses(serializer)),
    )(view)
