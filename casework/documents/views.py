"""The case documents' pages: add a document, upload a new version, correct, withdraw, restore, download.

Who may come is ``casework.permissions``: a document of an investigation the user may not see
answers 404 like a missing one; adding and correcting need the right to change the
investigation (403 for others who see it); whoever sees the investigation may download its files.

Uploads stream through ``SizeLimitUploadHandler``, which drops a file past the size limit as it
arrives, so an oversized upload is refused with a message without being kept anywhere. For that
the upload views read the request body themselves, after installing the handler: they are
exempt from the CSRF middleware, which would read it first, and check the token right after
(``csrf_protect``), as Django's documentation on upload handlers shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from casework.documents import services
from casework.documents.forms import DocumentAddForm, DocumentEditForm, DocumentVersionForm
from casework.documents.selectors import attachment_label, document_versions
from casework.documents.uploads import ACCEPTED, max_upload_bytes, too_large_message
from casework.forms import RestoreForm, ServiceForm, WithdrawForm
from casework.models import CaseDocument, DocumentVersion, Investigation, User
from casework.permissions import (
    can_edit_investigation,
    get_document_for_user,
    get_document_version_for_user,
    get_investigation_for_user,
)

FORM_TEMPLATE = "casework/investigation_form.html"
# Room for the form's other fields around the file in a multipart body.
FORM_OVERHEAD_BYTES = 64 * 1024


def _staff(request: HttpRequest) -> User:
    return cast(User, request.user)


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


# --- Uploads ----------------------------------------------------------------------------------


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts each uploaded file's bytes as they arrive and drops the file past the limit.

    The dropped file is never stored (not even in a temporary file past the limit); the view
    sees no file and ``request.upload_too_large`` set, and says so on the form.
    """

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True  # type: ignore[union-attr]
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Install the size limit before the body is read, then check the CSRF token as usual."""
    protected = csrf_protect(view)

    @csrf_exempt
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.upload_too_large = False  # type: ignore[attr-defined]
        if request.method == "POST":
            limit = max_upload_bytes()
            request.upload_handlers.insert(0, SizeLimitUploadHandler(request, limit))
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
            if declared > limit + FORM_OVERHEAD_BYTES:
                # Far too large whatever it holds: said at once, before reading it.
                request.upload_too_large = True  # type: ignore[attr-defined]
        return protected(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _upload_refused(request: HttpRequest, form: ServiceForm) -> bool:
    """Whether the upload was dropped for its size (said on the form's file field)."""
    if getattr(request, "upload_too_large", False):
        form.errors.pop("file", None)
        form.add_error("file", too_large_message())
        return True
    return False


def _form_page(
    request: HttpRequest,
    form: ServiceForm,
    *,
    title: str,
    submit: str,
    investigation: Investigation,
    intro: str = "",
    multipart: bool = False,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "submit_label": submit,
        "investigation": investigation,
        "intro": intro,
        "multipart": multipart,
    }
    return render(request, FORM_TEMPLATE, context)


def _to_document(document: CaseDocument) -> HttpResponseRedirect:
    return redirect("casework:document_detail", reference=document.investigation.reference, document_id=document.pk)


@login_required
@require_http_methods(["GET", "POST"])
@upload_view
def document_add(request: HttpRequest, reference: str) -> HttpResponse:
    user = _staff(request)
    investigation = get_investigation_for_user(user, reference, write=True)
    form = DocumentAddForm(_data(request), _files(request), investigation=investigation, user=user)
    if form.is_bound and _upload_refused(request, form):
        pass
    elif form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_add(
                actor=user,
                investigation=investigation,
                upload=services.Upload.of(data["file"]),
                kind=data["kind"],
                title=data["title"],
                date=data["date"],
                author=data["author"],
                confidentiality=data["confidentiality"],
                description=data["description"],
                finding=data["finding"],
                attached_to=data.get("attached_to"),
            )
        except ValidationError as error:
            _file_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” was added to the case file.") % {"title": document.title})
            return _to_document(document)
    return _form_page(
        request,
        form,
        title=_("Add a document"),
        submit=_("Upload and add"),
        investigation=investigation,
        multipart=True,
    )


def _file_errors(form: ServiceForm, error: ValidationError) -> None:
    """The upload's refusals (a plain message) go on the file field; the others where they belong."""
    if hasattr(error, "error_dict"):
        form.add_service_error(error)
    else:
        form.add_error("file", error)


@login_required
@require_http_methods(["GET", "POST"])
@upload_view
def document_version_add(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    user = _staff(request)
    document = get_document_for_user(user, reference, document_id, write=True)
    form = DocumentVersionForm(_data(request), _files(request))
    if form.is_bound and _upload_refused(request, form):
        pass
    elif form.is_valid():
        try:
            version = services.document_version_add(
                actor=user,
                document=document,
                upload=services.Upload.of(form.cleaned_data["file"]),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _file_errors(form, error)
        else:
            messages.success(
                request,
                _("Version %(number)s of “%(title)s” was uploaded; the earlier ones are kept.")
                % {"number": version.number, "title": document.title},
            )
            return _to_document(document)
    return _form_page(
        request,
        form,
        title=_("Upload a new version"),
        submit=_("Upload the new version"),
        investigation=document.investigation,
        intro=document.title,
        multipart=True,
    )


# --- Reading ------------------------------------------------------------------------------------


@login_required
@require_GET
def document_detail(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    user = _staff(request)
    document = get_document_for_user(user, reference, document_id)
    investigation = document.investigation
    context = {
        "investigation": investigation,
        "document": document,
        "versions": document_versions(document),
        "attachment": attachment_label(document),
        "can_edit": can_edit_investigation(user, investigation),
    }
    return render(request, "casework/document_detail.html", context)


def version_response(version: DocumentVersion) -> FileResponse:
    """The file of a version, for a user already allowed to see it (the page and the API serve it alike).

    1. Its type is the one read from its content when it was uploaded, never the browser's.
    2. Only PDFs and images (``inline`` types) are shown in the browser; anything else is a download.
    3. ``X-Content-Type-Options: nosniff``: the browser keeps to that type (a text file is never run as a page).
    4. Anything but a PDF gets a policy that runs nothing (``sandbox``, no source allowed); a PDF is
       left to the browser's own viewer, which such a policy would stop.
    5. ``Cache-Control: private, no-store``: no shared cache keeps a case's file.
    """
    accepted = ACCEPTED.get(version.content_type)
    inline = accepted is not None and accepted.inline
    response = FileResponse(
        version.file.open("rb"),
        as_attachment=not inline,
        filename=version.filename,
        content_type=version.content_type if accepted is not None else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-SHA256"] = version.sha256
    if version.content_type == "application/pdf":
        response._csp_exempt = True  # type: ignore[attr-defined]  # read by django-csp
    else:
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
@require_GET
def document_download(request: HttpRequest, reference: str, document_id: int, version: int) -> FileResponse:
    return version_response(get_document_version_for_user(_staff(request), reference, document_id, version))


# --- Corrections --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    user = _staff(request)
    document = get_document_for_user(user, reference, document_id, write=True)
    form = DocumentEditForm(_data(request), document=document)
    if form.is_valid():
        data = form.cleaned_data
        changes = {name: data[name] for name in services.DOCUMENT_EDITABLE_FIELDS}
        try:
            services.document_update(actor=user, document=document, reason=data["reason"], **changes)
        except ValidationError as error:
            form.add_service_error(error)
            document.refresh_from_db()
        else:
            messages.success(request, _("The document's details were corrected."))
            return _to_document(document)
    return _form_page(
        request,
        form,
        title=_("Correct the document's details"),
        submit=_("Save the correction"),
        investigation=document.investigation,
        intro=document.title,
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_withdraw(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    user = _staff(request)
    document = get_document_for_user(user, reference, document_id, write=True)
    form = WithdrawForm(_data(request))
    if form.is_valid():
        try:
            with transaction.atomic():
                services.document_withdraw(actor=user, document=document, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("“%(title)s” was withdrawn; it stays in the record and can be restored.") % {"title": document.title},
            )
            return redirect(reverse("casework:investigation_detail", args=[reference]) + "#withdrawn-heading")
    return _form_page(
        request,
        form,
        title=_("Withdraw the document"),
        submit=_("Withdraw"),
        investigation=document.investigation,
        intro=_(
            "“%(title)s” leaves the case file as it stands (its list, exports, timeline and search); its files and "
            "its history are kept, and it can be restored."
        )
        % {"title": document.title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_restore(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    user = _staff(request)
    document = get_document_for_user(user, reference, document_id, write=True)
    form = RestoreForm(_data(request))
    if form.is_valid():
        try:
            services.document_restore(actor=user, document=document, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("“%(title)s” is back in the case file.") % {"title": document.title})
            return _to_document(document)
    return _form_page(
        request,
        form,
        title=_("Restore the document"),
        submit=_("Restore"),
        investigation=document.investigation,
        intro=document.title,
    )
