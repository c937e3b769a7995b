"""Order documents: ask for a rendering, follow it, download the PDF.

Who may come is ``orders.permissions`` again: a document of an order the user may
not see answers 404, like a missing one; rendering is for the issuing authority's
legal staff (403 for others who see the order); anyone who sees the order may
download its ready documents.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casework.models import User
from orders.bilingual import language_in_sentence
from orders.documents.selectors import document_filename
from orders.documents.services import document_request
from orders.models import OrderDocument
from orders.permissions import get_document_for_user, get_order_for_user


def _document(request: HttpRequest, authority: str, number: str, pk: int) -> OrderDocument:
    """The document, if the user may see its order and it belongs to the order in the URL; 404 otherwise."""
    document = get_document_for_user(cast(User, request.user), pk)
    if document.order.authority.code != authority or document.order.number != number:
        raise Http404("No such document.")
    return document


def _status(document: OrderDocument) -> dict[str, object]:
    order = document.order
    ready = document.status == OrderDocument.Status.READY
    return {
        "id": document.pk,
        "language": document.language,
        "version": document.version,
        "status": document.status,
        "status_label": str(document.get_status_display()),
        "pdfa": document.pdfa,
        "sha256": document.sha256 or None,
        "size": document.size,
        "pages": document.pages,
        "error": document.error or None,
        "download_url": (
            reverse("orders:document_download", args=[order.authority.code, order.number, document.pk])
            if ready
            else None
        ),
    }


@login_required
@require_POST
def document_render(request: HttpRequest, authority: str, number: str) -> HttpResponse:
    user = cast(User, request.user)
    order = get_order_for_user(user, authority, number, write=True)
    language = request.POST.get("language", "")
    try:
        document = document_request(order=order, language=language, user=user, pdfa=bool(request.POST.get("pdfa")))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(
            request,
            _("Version %(version)s of the %(language)s PDF is being rendered; this page shows when it is ready.")
            % {"version": document.version, "language": language_in_sentence(document.language)},
        )
    return redirect(reverse("orders:detail", args=[order.authority.code, order.number]) + "#documents-heading")


@login_required
@require_GET
def document_status(request: HttpRequest, authority: str, number: str, pk: int) -> HttpResponse:
    """The document's state: JSON for the order page's poll (``?format=json``), else a small page."""
    document = _document(request, authority, number, pk)
    if request.GET.get("format") == "json":
        return JsonResponse(_status(document))
    return render(request, "orders/document_status.html", {"document": document, "order": document.order})


@login_required
@require_GET
def document_download(request: HttpRequest, authority: str, number: str, pk: int) -> FileResponse:
    document = _document(request, authority, number, pk)
    if document.status != OrderDocument.Status.READY:
        raise Http404("The document is not ready.")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document_filename(document),
        content_type="application/pdf",
    )
    # Lets a recipient check the file against the fingerprint shown on the order page.
    response["X-Content-SHA256"] = document.sha256
    return response
