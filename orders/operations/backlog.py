"""What the background work still owes, for /healthz and the operations page.

One query per kind of work (e-mails, documents, export bundles), each through a partial
index, so that a load balancer may ask every few seconds.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min, Q
from django.utils import timezone

from orders.models import OWED_EMAIL_STATUSES, ExportJob, Notification, OrderDocument

log = logging.getLogger(__name__)

# An e-mail owed for longer than this, or a document pending for longer, is late: the backlog
# is not "ok" (its retries are spaced up to an hour apart; a rendering takes seconds).
EMAIL_LATE_AFTER = timedelta(minutes=30)
DOCUMENT_LATE_AFTER = timedelta(minutes=10)
# Documents and bundles that failed within this period are reported (failures of a user's
# request are shown to that user; the count tells an operator whether something is wrong).
RECENT_FAILURES = timedelta(days=1)


@dataclass(frozen=True)
class EmailBacklog:
    # To send now or after a backoff (``retrying`` of them failed at least once).
    pending: int
    retrying: int
    # Claimed by a worker (a few seconds each), or left by one that died (owed again after a timeout).
    sending: int
    # Waiting for the daily digest, by choice.
    digest: int
    # Given up after the retry window, or refused for good by the relay: sent only if an administrator asks.
    failed: int
    # The oldest e-mail to send now (pending or sending; digests wait by design).
    oldest_owed_at: datetime | None


@dataclass(frozen=True)
class DocumentBacklog:
    pending: int
    oldest_pending_at: datetime | None
    failed_recently: int


@dataclass(frozen=True)
class ExportBacklog:
    waiting: int
    building: int
    failed_recently: int


@dataclass(frozen=True)
class Backlog:
    email: EmailBacklog
    documents: DocumentBacklog
    exports: ExportBacklog
    now: datetime

    @property
    def late_emails(self) -> bool:
        oldest = self.email.oldest_owed_at
        return oldest is not None and self.now - oldest > EMAIL_LATE_AFTER

    @property
    def late_documents(self) -> bool:
        oldest = self.documents.oldest_pending_at
        return oldest is not None and self.now - oldest > DOCUMENT_LATE_AFTER

    @property
    def ok(self) -> bool:
        """Nothing failed for good, nothing late: what /healthz reports (it never changes the status code)."""
        return not (self.email.failed or self.late_emails or self.late_documents)

    def as_json(self) -> dict[str, Any]:
        def age(instant: datetime | None) -> int | None:
            return None if instant is None else round((self.now - instant).total_seconds())

        email = asdict(self.email)
        email["oldest_owed_at"] = self.email.oldest_owed_at.isoformat() if self.email.oldest_owed_at else None
        email["oldest_owed_age_seconds"] = age(self.email.oldest_owed_at)
        documents = asdict(self.documents)
        oldest_document = self.documents.oldest_pending_at
        documents["oldest_pending_at"] = oldest_document.isoformat() if oldest_document else None
        documents["oldest_pending_age_seconds"] = age(oldest_document)
        return {"ok": self.ok, "email": email, "documents": documents, "exports": asdict(self.exports)}


def email_backlog() -> EmailBacklog:
    """One query, over the partial indexes of owed and failed e-mails."""
    status = Notification.Email
    now_owed = Q(email_status__in=[status.PENDING, status.SENDING])
    row = Notification.objects.filter(
        Q(email_status__in=OWED_EMAIL_STATUSES) | Q(email_status=status.FAILED)
    ).aggregate(
        pending=Count("pk", filter=Q(email_status=status.PENDING)),
        retrying=Count("pk", filter=Q(email_status=status.PENDING, email_attempts__gt=0)),
        sending=Count("pk", filter=Q(email_status=status.SENDING)),
        digest=Count("pk", filter=Q(email_status=status.DIGEST)),
        failed=Count("pk", filter=Q(email_status=status.FAILED)),
        oldest_owed_at=Min("created_at", filter=now_owed),
    )
    return EmailBacklog(**row)


def document_backlog(now: datetime) -> DocumentBacklog:
    """One query: the pending documents (partial index) and those that failed recently."""
    row = OrderDocument.objects.filter(
        Q(status=OrderDocument.Status.PENDING)
        | Q(status=OrderDocument.Status.FAILED, rendered_at__gte=now - RECENT_FAILURES)
    ).aggregate(
        pending=Count("pk", filter=Q(status=OrderDocument.Status.PENDING)),
        oldest_pending_at=Min("requested_at", filter=Q(status=OrderDocument.Status.PENDING)),
        failed_recently=Count("pk", filter=Q(status=OrderDocument.Status.FAILED)),
    )
    return DocumentBacklog(**row)


def export_backlog(now: datetime) -> ExportBacklog:
    """One query over the export jobs (a small table: one row per bundle asked for)."""
    status = ExportJob.Status
    row = ExportJob.objects.filter(
        Q(status__in=[status.PENDING, status.RUNNING]) | Q(status=status.FAILED, finished_at__gte=now - RECENT_FAILURES)
    ).aggregate(
        waiting=Count("pk", filter=Q(status=status.PENDING)),
        building=Count("pk", filter=Q(status=status.RUNNING)),
        failed_recently=Count("pk", filter=Q(status=status.FAILED)),
    )
    return ExportBacklog(**row)


def backlog(now: datetime | None = None) -> Backlog:
    """What the background work owes: three queries."""
    now = now or timezone.now()
    return Backlog(email=email_backlog(), documents=document_backlog(now), exports=export_backlog(now), now=now)


def failed_notifications(limit: int = 20) -> list[Notification]:
    """The latest e-mails that failed for good, with what the page shows of them (one query)."""
    return list(
        Notification.objects.filter(email_status=Notification.Email.FAILED)
        .select_related("user", "alert__deadline__term__order__authority", "alert__clock__authority")
        .order_by("-created_at", "-pk")[:limit]
    )
