"""Reads of case documents for the pages, the search, the API and the case file, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import F, Q, Subquery

from casework.extensions import document_attachments
from casework.lookups import AmongIds
from casework.models import CaseDocument, DocumentVersion, Investigation


@dataclass(frozen=True)
class CaseDocuments:
    """An investigation's documents, each with ``versions`` (oldest first) and ``current`` (the newest)."""

    active: list[CaseDocument]
    withdrawn: list[CaseDocument]


def _with_versions(versions: list[DocumentVersion]) -> list[CaseDocument]:
    documents: dict[int, CaseDocument] = {}
    for version in versions:
        document = documents.setdefault(version.document_id, version.document)
        document.version_list = [*getattr(document, "version_list", []), version]  # type: ignore[attr-defined]
        version.document = document
    for document in documents.values():
        document.current = document.version_list[-1]  # type: ignore[attr-defined]
    return list(documents.values())


def case_documents(investigation: Investigation) -> CaseDocuments:
    """Every document of the investigation with its versions: one query (versions, their documents, the
    finding each concerns, who uploaded and who withdrew), split into those in the case and those withdrawn."""
    versions = list(
        DocumentVersion.objects.filter(document__investigation=investigation)
        .select_related(
            "document__finding__statute",
            "document__finding__participation__authority",
            "document__withdrawn_by",
            "uploaded_by",
        )
        .defer("text", "search_vector")
        .order_by("document__date", "document__pk", "number")
    )
    documents = _with_versions(versions)
    for document in documents:
        document.investigation = investigation
    return CaseDocuments(
        active=[d for d in documents if not d.withdrawn], withdrawn=[d for d in documents if d.withdrawn]
    )


def document_versions(document: CaseDocument) -> list[DocumentVersion]:
    """A document's versions, newest first, with who uploaded them (one query)."""
    versions = list(document.versions.select_related("uploaded_by").defer("text", "search_vector").order_by("-number"))
    for version in versions:
        version.document = document
    return versions


def attachment_label(document: CaseDocument) -> tuple[str, str] | None:
    """What another app's object the document is attached to says of itself: (label, URL), or None."""
    content_type = document.attached_type
    if content_type is None:
        return None
    attachment = document_attachments.get(f"{content_type.app_label}.{content_type.model}")
    target = document.attached_to
    if attachment is None or target is None:
        return None
    return attachment.describe(target)


def documents_matching(words: str) -> Q:
    """Investigations with a document (in the case, not withdrawn) whose title or text holds ``words``.

    On PostgreSQL the text is matched by full-text search (``websearch`` syntax: words, "a phrase",
    -not), in English (stemmed: "refused" finds "refuses") or as written (French, names), through
    the GIN-indexed ``search_vector``; on SQLite by a plain case-insensitive match. The ids of those
    investigations are read once, first (``AmongIds``), not tested investigation by investigation.
    """
    versions = DocumentVersion.objects.filter(document__withdrawn_at__isnull=True)
    if connection.vendor == "postgresql":
        query = SearchQuery(words, config="english", search_type="websearch") | SearchQuery(
            words, config="simple", search_type="websearch"
        )
        versions = versions.filter(search_vector=query)
    else:
        versions = versions.filter(text__icontains=words)
    titled = CaseDocument.objects.filter(withdrawn_at__isnull=True, title__icontains=words)
    return Q(AmongIds(F("pk"), Subquery(versions.order_by().values("document__investigation_id")))) | Q(
        AmongIds(F("pk"), Subquery(titled.order_by().values("investigation_id")))
    )
