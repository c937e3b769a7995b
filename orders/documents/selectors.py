"""An order's documents as the pages read them: languages, the latest ready version, the panel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from orders.documents.pdf import LANGUAGES, term_text
from orders.models import Order, OrderDocument, Term


def document_languages(order: Order) -> list[str]:
    """The languages the order's authority issues in (``Authority.issues_in``); English if it says none."""
    languages = [language for language in order.authority.issues_in or [] if language in LANGUAGES]
    return languages or ["en"]


def documents_for_order(order: Order) -> QuerySet[OrderDocument]:
    """Every document of the order, newest version first in each language (one query)."""
    return OrderDocument.objects.filter(order=order).select_related("requested_by").order_by("language", "-version")


def document_latest_ready(order: Order, language: str) -> OrderDocument | None:
    """The newest ready document of the order in ``language``."""
    return (
        OrderDocument.objects.filter(order=order, language=language, status=OrderDocument.Status.READY)
        .order_by("-version")
        .first()
    )


@dataclass(frozen=True)
class LanguageDocuments:
    """The order's documents in one language, for the documents panel."""

    language: str
    label: str
    versions: list[OrderDocument]
    latest_ready: OrderDocument | None
    # Terms without text in this language: the PDF would show their other text.
    missing_terms: list[int]

    @property
    def pending(self) -> bool:
        return any(document.status == OrderDocument.Status.PENDING for document in self.versions)


@dataclass(frozen=True)
class DocumentsPanel:
    languages: list[LanguageDocuments]
    can_render: bool

    @property
    def pending(self) -> list[OrderDocument]:
        return [d for lang in self.languages for d in lang.versions if d.status == OrderDocument.Status.PENDING]


def documents_panel(order: Order, terms: Sequence[Term], *, can_render: bool) -> DocumentsPanel:
    """What the order page's documents panel shows; ``terms`` are the page's (no query). One query."""
    documents = list(documents_for_order(order))
    labels = dict(OrderDocument.Language.choices)
    languages = []
    for language in document_languages(order):
        versions = [document for document in documents if document.language == language]
        languages.append(
            LanguageDocuments(
                language=language,
                label=str(labels[language]),
                versions=versions,
                latest_ready=next((d for d in versions if d.status == OrderDocument.Status.READY), None),
                missing_terms=[term.number for term in terms if term_text(term, language)[1] != language],
            )
        )
    return DocumentsPanel(languages=languages, can_render=can_render)


def document_filename(document: OrderDocument) -> str:
    """The download's name: ``OIPC-BC-P21-08-en-v2.pdf`` (codes and numbers are already file-safe)."""
    order = document.order
    return f"{order.authority.code}-{order.number}-{document.language}-v{document.version}.pdf"
