"""Periodic housekeeping run by the Celery workers."""

from __future__ import annotations

import socket
from datetime import timedelta

from celery import Task, shared_task
from django.utils import timezone

from casework.models import WorkerHeartbeat

# A worker not seen for this long is forgotten: hostnames change with every
# container restart, and /healthz should list today's workers, not every one
# that ever ran.
FORGET_WORKERS_AFTER = timedelta(days=7)


@shared_task(bind=True, ignore_result=True)
def worker_heartbeat(self: Task[[], None]) -> None:
    """Record that the worker running this task is alive (beat sends it every minute).

    The row is keyed by the worker's node name (``celery@host``), so the same
    worker updates one row however often it runs; /healthz reports its age.
    """
    worker = self.request.hostname or f"celery@{socket.gethostname()}"
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"seen_at": now})
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_WORKERS_AFTER).delete()


@shared_task(bind=True, ignore_result=True, max_retries=5, acks_late=True)
def document_text_extract(self: Task[[int], None], version_id: int) -> None:
    """Read the text of a document version (``casework.documents.services.document_text_extract``).

    Idempotent: the service claims the version, so a redelivered message does nothing.
    """
    from casework.documents.services import document_text_extract as extract

    extract(version_id=version_id)


@shared_task(ignore_result=True)
def document_text_resume() -> None:
    """Send again the texts whose task was lost (beat, every five minutes)."""
    from casework.documents.services import document_text_resume as resume

    resume()
