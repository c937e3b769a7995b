"""The PDF bundle: a ZIP of order PDFs with a manifest, built in the background.

``export_bundle_request`` records the job and enqueues ``orders.tasks.export_bundle``, which
calls ``export_bundle_build`` (see its docstring for the steps). A bundle names only orders
its owner sees when it is requested and still sees when it is built
(``orders.permissions.exports_visible_to``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from casework.models import User
from orders.documents.selectors import document_languages
from orders.documents.services import document_render_now
from orders.exports.spreadsheets import csv_stream
from orders.models import (
    ExportJob,
    Order,
    OrderDocument,
)
from orders.permissions import check_may_export_bundles, exports_visible_to, get_orders_for_user, orders_visible_to

log = logging.getLogger(__name__)


# A bundle is read by people, one order after another: past a few hundred, narrow the filters.
MAX_BUNDLE_ORDERS = 200
# A bundle still waiting this long after it was asked for lost its task (the broker was down):
# ``exports_resume`` sends it to a worker again...
RESEND_AFTER = timedelta(minutes=2)
# ...and a bundle waiting or being built this long (200 orders take a few minutes) was lost
# with its worker: it is marked failed with the reason, and its owner can ask again.
GIVE_UP_AFTER = timedelta(hours=1)


class BundleError(Exception):
    """Why a bundle could not be built: stored on the job and shown to its owner."""


def export_list(user: User, limit: int = 20) -> QuerySet[ExportJob]:
    """The user's recent exports, newest first (one query)."""
    return exports_visible_to(user).order_by("-created_at", "-pk")[:limit]


def export_bundle_request(*, user: User, orders: Iterable[Order], language: str = "") -> ExportJob:
    """Record a bundle of ``orders`` for ``user`` and ask a worker to build it once the job is committed.

    403 for those who are not legal staff, 404 if an order is not visible to ``user``;
    ``language`` blank bundles each order in every language its authority issues in.
    """
    check_may_export_bundles(user)
    ids = {order.pk for order in orders}
    if not ids:
        raise ValidationError(_("Choose at least one order."), code="empty")
    if len(ids) > MAX_BUNDLE_ORDERS:
        raise ValidationError(
            _("A bundle holds at most %(max)d orders; you chose %(n)d. Narrow the filters.")
            % {"max": MAX_BUNDLE_ORDERS, "n": len(ids)},
            code="too_many",
        )
    get_orders_for_user(user, ids)  # the same check as the page's: a service is the last line
    with transaction.atomic():
        job = ExportJob(user=user, language=language, total=len(ids), created_at=timezone.now())
        job.full_clean()
        job.save()
        job.orders.set(sorted(ids))
        job_id = job.pk
        transaction.on_commit(lambda: _enqueue_bundle(job_id))
    log.info("export %s requested by %s: %d orders", job.pk, user.username, len(ids))
    return job


def _enqueue_bundle(job_id: int) -> None:
    from orders.tasks import export_bundle as export_bundle_task

    try:
        export_bundle_task.delay(job_id)
    except Exception as exc:  # the broker is down: the job stays waiting and can be asked for again
        log.warning("could not enqueue export %s: %s", job_id, exc)


@dataclass(frozen=True)
class ManifestEntry:
    order: str
    authority: str
    language: str
    version: int
    filename: str
    sha256: str
    size: int
    issued_on: str
    status: str


MANIFEST_COLUMNS = tuple(ManifestEntry.__dataclass_fields__)


def bundle_languages(job: ExportJob, order: Order) -> list[str]:
    """The job's language if the order's authority issues in it; else each language it issues in.

    A document exists only in a language its authority issues in (``orders.documents``
    refuses the others): a bundle asked for in French carries a BC order in English.
    """
    issued = document_languages(order)
    if job.language and job.language in issued:
        return [job.language]
    return issued


def document_filename(document: OrderDocument, order: Order) -> str:
    """The name a document has in a bundle: the same as its download's (``OIPC-BC-P21-08-en-v2.pdf``)."""
    return f"{order.authority.code}-{order.number}-{document.language}-v{document.version}.pdf"


def _latest_ready(orders: Sequence[Order]) -> dict[tuple[int, str], OrderDocument]:
    """The newest ready document of each (order, language), in one query."""
    latest: dict[tuple[int, str], OrderDocument] = {}
    documents = OrderDocument.objects.filter(order__in=orders, status=OrderDocument.Status.READY).order_by(
        "order_id", "language", "-version"
    )
    for document in documents:
        latest.setdefault((document.order_id, document.language), document)
    return latest


def _render(order: Order, language: str, user: User) -> OrderDocument:
    """Render the missing document now, in this worker (``orders.documents`` owns rendering and storing)."""
    try:
        document = document_render_now(order=order, language=language, user=user)
    except Exception as exc:
        log.exception("export: rendering %s (%s) failed", order, language)
        raise BundleError(
            _("The %(language)s PDF of %(order)s could not be rendered: %(error)s")
            % {"language": OrderDocument.Language(language).label, "order": order, "error": exc}
        ) from exc
    if document.status != OrderDocument.Status.READY:
        raise BundleError(
            _("The %(language)s PDF of %(order)s could not be rendered: %(error)s")
            % {
                "language": OrderDocument.Language(language).label,
                "order": order,
                "error": document.error or _("no reason given"),
            }
        )
    return document


def _read(document: OrderDocument, order: Order) -> bytes:
    """The stored PDF, checked against its recorded SHA-256 (a bundle never carries a changed file)."""
    try:
        with document.file.open("rb") as stream:
            data = stream.read()
    except OSError as exc:
        raise BundleError(
            _("The stored PDF of %(order)s (%(language)s) cannot be read.")
            % {"order": order, "language": document.get_language_display()}
        ) from exc
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise BundleError(
            _("The stored PDF of %(order)s (%(language)s) does not match its SHA-256; it was not bundled.")
            % {"order": order, "language": document.get_language_display()}
        )
    return data


def manifest_csv(entries: Sequence[ManifestEntry]) -> bytes:
    rows = ([getattr(entry, name) for name in MANIFEST_COLUMNS] for entry in entries)
    return "".join(csv_stream(MANIFEST_COLUMNS, rows)).encode("utf-8")


def manifest_json(job: ExportJob, entries: Sequence[ManifestEntry]) -> bytes:
    document = {
        "format": "case-tracker-bundle/1",
        "export": job.pk,
        "requested_by": job.user.get_username(),
        "requested_at": job.created_at.isoformat(),
        "language": job.language or None,
        "documents": [asdict(entry) for entry in entries],
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _write_zip(job: ExportJob, orders: Sequence[Order], target: IO[bytes]) -> list[ManifestEntry]:
    latest = _latest_ready(orders)
    entries: list[ManifestEntry] = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, order in enumerate(orders, start=1):
            for language in bundle_languages(job, order):
                document = latest.get((order.pk, language)) or _render(order, language, job.user)
                data = _read(document, order)
                filename = document_filename(document, order)
                # PDFs are compressed already: stored as they are, so their bytes match the manifest.
                archive.writestr(filename, data, compress_type=zipfile.ZIP_STORED)
                entries.append(
                    ManifestEntry(
                        order=order.number,
                        authority=order.authority.code,
                        language=language,
                        version=document.version,
                        filename=filename,
                        sha256=document.sha256,
                        size=len(data),
                        issued_on=order.issued_on.isoformat() if order.issued_on else "",
                        status=order.status,
                    )
                )
            # Progress for the status page; a plain UPDATE, outside any long transaction, so pollers see it.
            ExportJob.objects.filter(pk=job.pk).update(done=done)
        archive.writestr("manifest.csv", manifest_csv(entries))
        archive.writestr("manifest.json", manifest_json(job, entries))
    return entries


def _sha256_and_size(stream: IO[bytes]) -> tuple[str, int]:
    stream.seek(0)
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def _fail(job: ExportJob, reason: str) -> None:
    ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
        status=ExportJob.Status.FAILED, error=reason[:1000], finished_at=timezone.now()
    )


def export_bundle_build(*, job_id: int) -> ExportJob | None:
    """Build a requested bundle; ``None`` when another run has it already (or it is done).

    1. Claim the job: ``UPDATE … SET status='running' WHERE status='pending'``. Only the
       run that changed the row goes on, so a redelivered or repeated task does nothing.
    2. Take the orders its owner still sees (all of them, or the bundle fails: it must
       not carry an order its owner lost access to meanwhile).
    3. For each order and language (the job's, or each its authority issues in), take
       the newest ready PDF, or render one now (``orders.documents.document_render_now``);
       check the file against its SHA-256 and add it; count the order as done.
    4. Add manifest.csv and manifest.json (order, authority, language, version,
       filename, sha256, size, issued_on, status), store the ZIP in the media storage,
       record its own SHA-256 and size, and mark the job ready. Any failure marks it
       failed with the reason, which its owner sees.
    """
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
        status=ExportJob.Status.RUNNING, done=0
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    try:
        orders = list(
            orders_visible_to(job.user)
            .filter(pk__in=job.orders.values("pk"))
            .select_related("authority", "investigation")
            .order_by("authority__code", "number")
        )
        if len(orders) != job.total:
            raise BundleError(_("Some of these orders are no longer visible to you; nothing was bundled."))
        with tempfile.TemporaryFile() as archive:
            entries = _write_zip(job, orders, archive)
            sha256, size = _sha256_and_size(archive)
            job.file.save(f"orders-export-{job.pk}.zip", File(archive), save=False)
    except BundleError as error:
        _fail(job, str(error))
        log.warning("export %s failed: %s", job_id, error)
    except Exception as error:
        log.exception("export %s failed", job_id)
        _fail(job, _("The bundle could not be built (%(error)s).") % {"error": type(error).__name__})
    else:
        ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
            status=ExportJob.Status.READY,
            file=job.file.name,
            sha256=sha256,
            size=size,
            done=job.total,
            error="",
            finished_at=timezone.now(),
        )
        log.info("export %s ready: %d documents, %d bytes", job_id, len(entries), size)
    job.refresh_from_db()
    return job


def exports_resume(*, now: datetime | None = None) -> dict[str, int]:
    """Bundles whose task was lost: waiting past ``RESEND_AFTER``, sent to a worker again;
    waiting or running past ``GIVE_UP_AFTER``, marked failed with the reason.

    Safe to repeat: the build claims its job (``export_bundle_build``), so a job sent twice
    is built once, and a conditional UPDATE never fails a job that finished meanwhile.
    """
    now = now or timezone.now()
    active = (ExportJob.Status.PENDING, ExportJob.Status.RUNNING)
    reason = _("The bundle was not finished within %(minutes)d minutes; ask for it again.") % {
        "minutes": GIVE_UP_AFTER // timedelta(minutes=1)
    }
    failed = ExportJob.objects.filter(status__in=active, created_at__lt=now - GIVE_UP_AFTER).update(
        status=ExportJob.Status.FAILED, error=reason, finished_at=now
    )
    resent = list(
        ExportJob.objects.filter(
            status=ExportJob.Status.PENDING, created_at__lt=now - RESEND_AFTER, created_at__gte=now - GIVE_UP_AFTER
        ).values_list("pk", flat=True)
    )
    for job_id in resent:
        _enqueue_bundle(job_id)
    if failed or resent:
        log.warning("exports: %d sent to a worker again, %d given up", len(resent), failed)
    return {"resent": len(resent), "failed": failed}


def export_status(job: ExportJob) -> dict[str, Any]:
    """What the status page polls: status, progress, and the reason or the download's fingerprint."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_display": str(job.get_status_display()),
        "total": job.total,
        "done": job.done,
        "percent": round(100 * job.done / job.total) if job.total else 0,
        "progress_text": ngettext(
            "%(done)d of %(total)d order bundled", "%(done)d of %(total)d orders bundled", job.total
        )
        % {"done": job.done, "total": job.total},
        "error": job.error,
        "sha256": job.sha256,
        "size": job.size,
        "download_url": reverse("orders:export_download", args=[job.pk])
        if job.status == ExportJob.Status.READY
        else None,
    }


def export_filename(job: ExportJob) -> str:
    return f"orders-export-{job.pk}.zip"
