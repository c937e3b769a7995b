"""Order documents' services: render an order as a PDF, one version per rendering (reads: ``selectors``).

A document is written once. ``document_request`` makes a pending row with the
next version for (order, language) and asks a worker to render it;
``document_render`` renders it and marks it ready (file, SHA-256, size, pages)
or failed (why). Rendering again makes a new version, so the documents of an
issued order stay exactly as they were served: their SHA-256 says so.

A version number is never lost: a rendering whose worker died is finished under the same
version (``documents_resume``), and the next request after a failed one takes the failed
version's number again (it has no file, so nothing that was served changes).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from casework.models import User
from casework.services import save_recorded
from orders.documents.pdf import render_order_pdf_with_pages
from orders.documents.selectors import document_filename, document_languages
from orders.models import Order, OrderDocument

logger = logging.getLogger(__name__)

# What the row keeps of an error message (OrderDocument.error's max_length).
ERROR_LENGTH = 1000
# A document no worker has started this long after it was asked for lost its message (a
# broker that was down): ``documents_resume`` (every minute) asks a worker again...
RESEND_AFTER = timedelta(minutes=2)
# ...and one whose rendering started this long ago without finishing lost its worker: no
# rendering outlives the task's hard time limit (orders.tasks.document_render, 60 s), so its
# claim is stale, and another worker renders the same version.
RENDER_STALE_AFTER = timedelta(seconds=75)
# A document whose renderings stopped this many times (a worker killed each time: a
# document that exhausts memory, say) is marked failed rather than tried for ever...
MAX_RENDER_ATTEMPTS = 3
# ...as is one still pending this long after it was asked for, so that the page stops waiting.
GIVE_UP_AFTER = timedelta(hours=1)


# --- Services ------------------------------------------------------------------------------------------


def _check_language(order: Order, language: str) -> None:
    if language not in document_languages(order):
        # The languages' names, not their codes; a code we do not know (a forged form) is shown as it came.
        labels = dict(OrderDocument.Language.choices)
        raise ValidationError(
            {
                "language": _("%(authority)s issues its orders in %(languages)s, not in %(language)s.")
                % {
                    "authority": order.authority.code,
                    # Translators: joins the last two languages of a list, as in "English and French".
                    "languages": get_text_list([str(labels[code]) for code in document_languages(order)], _("and")),
                    "language": labels.get(language, language),
                }
            }
        )


def _enqueue(document_id: int) -> None:
    """Ask a worker to render; with the broker down the document stays pending and ``documents_resume`` asks again."""
    from orders.tasks import document_render as document_render_task

    try:
        document_render_task.delay(document_id)
    except Exception as error:  # noqa: BLE001 - the request was recorded; the resume task sends it later
        logger.warning("Could not enqueue document %s: %s", document_id, error)


def _create_pending(*, order: Order, language: str, user: User | None, pdfa: bool) -> OrderDocument:
    """The pending row with the next version for (order, language); the caller holds a transaction.

    The order's row is locked first, so two requests at once number their
    versions one after the other instead of colliding on the unique constraint.
    If the latest version failed (it has no file), the request takes it again: its
    history keeps the failure, and the versions that exist stay 1, 2, 3… with no gap.
    """
    locked = Order.objects.select_for_update().select_related("authority").get(pk=order.pk)
    _check_language(locked, language)
    latest = OrderDocument.objects.filter(order=locked, language=language).order_by("-version").first()
    if latest is not None and latest.status == OrderDocument.Status.FAILED:
        latest.pdfa = pdfa
        latest.status = OrderDocument.Status.PENDING
        latest.error = ""
        latest.order_status = locked.status
        latest.requested_by = user
        latest.requested_at = timezone.now()
        latest.rendered_at = None
        latest.render_started_at = None
        latest.render_attempts = 0
        return save_recorded(
            latest,
            actor=user,
            reason="rendering requested again",
            update_fields=[
                "pdfa",
                "status",
                "error",
                "order_status",
                "requested_by",
                "requested_at",
                "rendered_at",
                "render_started_at",
                "render_attempts",
            ],
        )
    last = latest.version if latest is not None else None
    document = OrderDocument(
        order=locked,
        language=language,
        version=(last or 0) + 1,
        pdfa=pdfa,
        status=OrderDocument.Status.PENDING,
        order_status=locked.status,
        requested_by=user,
        requested_at=timezone.now(),
    )
    return save_recorded(document, actor=user, reason="rendering requested")


@transaction.atomic
def document_request(*, order: Order, language: str, user: User | None, pdfa: bool = False) -> OrderDocument:
    """Ask for a new version of the order's PDF in ``language``; a worker renders it after the commit."""
    document = _create_pending(order=order, language=language, user=user, pdfa=pdfa)
    document_id = document.pk
    transaction.on_commit(lambda: _enqueue(document_id))
    return document


def _finish(document_id: int, **fields: object) -> bool:
    """Write the outcome if the document is still pending: the conditional UPDATE is the claim.

    Returns whether this call wrote it (False: another worker got there first).
    The history row is recorded against the requester, with what changed.
    """
    with transaction.atomic():
        claimed = OrderDocument.objects.filter(pk=document_id, status=OrderDocument.Status.PENDING).update(**fields)
        if claimed:
            # .update() bypasses simple_history: save the row we now own once more (same
            # values) so that its history records the outcome.
            document = OrderDocument.objects.get(pk=document_id)
            reason = "rendered" if document.status == OrderDocument.Status.READY else "rendering failed"
            save_recorded(document, actor=None, reason=reason, update_fields=["status"])
    return bool(claimed)


def _claim(document_id: int, now: datetime) -> bool:
    """Start rendering a pending document, unless a worker started it less than ``RENDER_STALE_AFTER`` ago.

    One conditional UPDATE: of two workers given the same document, one renders it.
    """
    startable = Q(render_started_at__isnull=True) | Q(render_started_at__lt=now - RENDER_STALE_AFTER)
    return bool(
        OrderDocument.objects.filter(startable, pk=document_id, status=OrderDocument.Status.PENDING).update(
            render_started_at=now, render_attempts=F("render_attempts") + 1
        )
    )


def document_render(*, document_id: int) -> OrderDocument:
    """Render a pending document and mark it ready or failed; any other document is left untouched.

    1. Nothing to do unless the document is pending and no live worker is rendering it (a
       redelivered task, a second worker): ``_claim``.
    2. Render outside any transaction (seconds of CPU; no lock held meanwhile).
    3. Store the file under a new name (storage never overwrites), then write the
       outcome with ``UPDATE … WHERE status='pending'``; if another worker won, its
       file is the document and ours is deleted.
    Errors in rendering (a template, WeasyPrint) mark the document failed with the
    reason; errors in storing the file propagate, for the task to retry.
    """
    document = OrderDocument.objects.select_related("order__authority__jurisdiction", "order__investigation").get(
        pk=document_id
    )
    if document.status != OrderDocument.Status.PENDING or not _claim(document_id, timezone.now()):
        return document
    try:
        rendered = render_order_pdf_with_pages(document.order, document.language, pdfa=document.pdfa)
    except Exception as error:  # noqa: BLE001 - any rendering error is the document's outcome, recorded
        logger.exception("Rendering document %s failed", document_id)
        reason = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
        _finish(document_id, status=OrderDocument.Status.FAILED, error=reason, rendered_at=timezone.now())
        return OrderDocument.objects.get(pk=document_id)
    name = document.file.field.generate_filename(document, document_filename(document))
    stored = document.file.storage.save(name, ContentFile(rendered.data))
    won = _finish(
        document_id,
        status=OrderDocument.Status.READY,
        file=stored,
        sha256=hashlib.sha256(rendered.data).hexdigest(),
        size=len(rendered.data),
        pages=rendered.pages,
        error="",
        rendered_at=timezone.now(),
    )
    if not won:
        document.file.storage.delete(stored)
    return OrderDocument.objects.get(pk=document_id)


def document_render_now(*, order: Order, language: str, user: User | None = None, pdfa: bool = False) -> OrderDocument:
    """Request and render a version in this process (``render_order``, export bundles): no worker involved."""
    with transaction.atomic():
        document = _create_pending(order=order, language=language, user=user, pdfa=pdfa)
    return document_render(document_id=document.pk)


def documents_resume(*, now: datetime | None = None) -> dict[str, int]:
    """Documents whose rendering was lost, found every minute (the partial index orders_document_pending).

    1. Given up, marked failed with the reason (the user can ask again, under the same
       version): pending past ``GIVE_UP_AFTER``, or whose renderings stopped
       ``MAX_RENDER_ATTEMPTS`` times.
    2. Sent to a worker again, the same document and version: one never started past
       ``RESEND_AFTER`` (its message was lost), one whose claim is past ``RENDER_STALE_AFTER``
       (its worker died mid-render).

    Safe to run at any time and on several machines: rendering a pending document twice
    stores one file (``_claim`` and ``_finish``) and a finished one is never touched.
    """
    now = now or timezone.now()
    pending = OrderDocument.objects.filter(status=OrderDocument.Status.PENDING)
    stale_claim = Q(render_started_at__lt=now - RENDER_STALE_AFTER)
    failed = 0
    for document_id, attempts in pending.filter(
        Q(requested_at__lt=now - GIVE_UP_AFTER) | (stale_claim & Q(render_attempts__gte=MAX_RENDER_ATTEMPTS))
    ).values_list("pk", "render_attempts"):
        if attempts >= MAX_RENDER_ATTEMPTS:
            reason = _("Rendering stopped %(count)d times without finishing; ask for the PDF again.") % {
                "count": attempts
            }
        else:
            reason = _("Rendering did not finish within %(minutes)d minutes; ask for the PDF again.") % {
                "minutes": GIVE_UP_AFTER // timedelta(minutes=1)
            }
        if _finish(document_id, status=OrderDocument.Status.FAILED, error=reason, rendered_at=now):
            logger.warning("Document %s given up: %s", document_id, reason)
            failed += 1
    never_started = Q(render_started_at__isnull=True, requested_at__lt=now - RESEND_AFTER)
    resent = list(
        pending.filter(never_started | stale_claim, requested_at__gte=now - GIVE_UP_AFTER)
        .exclude(render_attempts__gte=MAX_RENDER_ATTEMPTS)
        .values_list("pk", flat=True)
    )
    for document_id in resent:
        _enqueue(document_id)
    if resent:
        logger.info("Documents sent to a worker again: %s", resent)
    return {"resent": len(resent), "failed": failed}
