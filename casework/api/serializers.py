"""What the API shows of investigations (read-only), and the small reference objects other resources nest.

Related rows are nested as small "reference" objects (an investigation's reference and
URL) rather than bare ids, so that a client can follow them. The viewsets fetch
everything a serializer reads: a serializer here never causes a query of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from casework.extensions import InvestigationApiExtension
from casework.models import CaseDocument, DocumentVersion, Investigation, Organization, Participation


def absolute_url(serializer: serializers.Serializer[Any], viewname: str, **kwargs: Any) -> str:
    return reverse(viewname, kwargs=kwargs, request=serializer.context.get("request"))


class InvestigationRefSerializer(serializers.Serializer[Investigation]):
    reference = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, investigation: Investigation) -> str:
        return absolute_url(self, "api:investigation-detail", reference=investigation.reference)


class RespondentSerializer(serializers.ModelSerializer[Organization]):
    class Meta:
        model = Organization
        fields = ["name", "kind", "country"]


class ParticipantSerializer(serializers.ModelSerializer[Participation]):
    authority = serializers.CharField(source="authority.code", read_only=True)
    statutes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Participation
        fields = ["authority", "role", "statutes", "file_number", "joined_on"]


class DocumentVersionSerializer(serializers.ModelSerializer[DocumentVersion]):
    uploaded_by = serializers.CharField(source="uploaded_by_name", read_only=True)
    download_url = serializers.SerializerMethodField(
        help_text="Where the file is downloaded, with the same authentication (token or session)."
    )

    class Meta:
        model = DocumentVersion
        fields = ["number", "filename", "content_type", "size", "sha256", "uploaded_at", "uploaded_by", "download_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, version: DocumentVersion) -> str:
        document = version.document
        return absolute_url(
            self,
            "api:investigation-document-file",
            reference=document.investigation.reference,
            document_id=document.pk,
            version=version.number,
        )


class CaseDocumentSerializer(serializers.ModelSerializer[CaseDocument]):
    """A document of the case file (not withdrawn), with its versions, oldest first."""

    versions = DocumentVersionSerializer(many=True, read_only=True)

    class Meta:
        model = CaseDocument
        fields = ["id", "kind", "title", "date", "author", "confidentiality", "versions"]


class InvestigationSerializer(serializers.ModelSerializer[Investigation]):
    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField(help_text="The investigation's page in the application.")
    respondents = RespondentSerializer(many=True, read_only=True)
    participants = ParticipantSerializer(source="participations", many=True, read_only=True)
    documents = CaseDocumentSerializer(many=True, read_only=True, help_text="The case file's documents.")

    class Meta:
        model = Investigation
        fields = [
            "reference",
            "url",
            "page_url",
            "title",
            "summary",
            "origin",
            "opened_on",
            "closed_on",
            "stage",
            "disposition",
            "confidential",
            "respondents",
            "participants",
            "documents",
            "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, investigation: Investigation) -> str:
        return absolute_url(self, "api:investigation-detail", reference=investigation.reference)

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, investigation: Investigation) -> str:
        return absolute_url(self, "casework:investigation_detail", reference=investigation.reference)


def extended_investigation_serializer(
    extensions: Iterable[InvestigationApiExtension],
) -> type[InvestigationSerializer]:
    """``InvestigationSerializer`` with the extensions' fields, before ``updated_at`` (same name: same schema)."""
    fields = {name: make() for extension in extensions for name, make in extension.fields.items()}
    if not fields:
        return InvestigationSerializer
    own = InvestigationSerializer.Meta.fields
    meta = type("Meta", (InvestigationSerializer.Meta,), {"fields": [*own[:-1], *fields, own[-1]]})
    attributes = {"__module__": __name__, "__qualname__": "InvestigationSerializer", "Meta": meta, **fields}
    return type("InvestigationSerializer", (InvestigationSerializer,), attributes)
