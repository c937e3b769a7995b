"""Celery tasks: thin wrappers that call the alert engine (see orders.alerts).

Every task is safe to run twice (each claims its rows), so a task that met a database that
refused connections for a moment is retried with backoff rather than dropped: Celery's
Django fix-up closes the broken connection after the failed run, and the retry opens a new
one. What a task still owes after its retries is in the database, where the next periodic
run finds it (docs/security-faults.md).
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from orders import alerts

# The database refused or dropped the connection (a restart, a fail-over, a full pool).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# Retried 1, 2, 4, 8, 16 s… apart (with jitter), at most a minute apart, five times.
DATABASE_RETRY: dict[str, Any] = {
    "autoretry_for": DATABASE_UNAVAILABLE,
    "retry_backoff": 1,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="orders.tasks.sweep_deadlines", ignore_result=True, **DATABASE_RETRY)
def sweep_deadlines() -> int:
    """Beat runs this every 15 minutes; exactly one beat runs in production. Orders' deadlines and
    investigations' statutory clocks alike (``orders.alerts.sweep``)."""
    return len(alerts.sweep())


@shared_task(name="orders.tasks.deliver_notifications", ignore_result=True, **DATABASE_RETRY)
def deliver_notifications() -> dict[str, Any]:
    """Send owed alert e-mails, and digests a failed or lost daily run owes (every minute, and after each sweep).

    SMTP failures are recorded per notification and retried with their own backoff
    (orders.alerts), not by Celery.
    """
    counts: dict[str, Any] = alerts.deliver_notifications()
    counts["digests"] = alerts.send_digests(due_only=True)
    return counts


@shared_task(name="orders.tasks.send_digests", ignore_result=True, **DATABASE_RETRY)
def send_digests() -> int:
    return alerts.send_digests()


@shared_task(name="orders.tasks.export_bundle", ignore_result=True, **DATABASE_RETRY)
def export_bundle(job_id: int) -> str | None:
    """Build one PDF bundle (orders.exports.export_bundle_build claims it: a redelivery does nothing)."""
    from orders.exports.bundles import export_bundle_build

    job = export_bundle_build(job_id=job_id)
    return job.status if job is not None else None


@shared_task(
    name="orders.tasks.document_render",
    ignore_result=True,
    # Storage and database trouble; rendering errors are the document's outcome, not retried.
    autoretry_for=(OSError, ConnectionError, TimeoutError, *DATABASE_UNAVAILABLE),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    # A rendering takes a second or two. The soft limit makes a runaway one the document's
    # failure; the hard one ends its process. No rendering outlives a minute, so a claim older
    # than RENDER_STALE_AFTER (75 s) was left by a worker that died (orders.documents).
    soft_time_limit=45,
    time_limit=60,
)
def document_render(document_id: int) -> str:
    """Render one order document (orders.documents.document_render): a redelivered message does nothing.

    Rendering errors are recorded on the document as its failure; storage and
    database errors are retried with backoff.
    """
    from orders.documents.services import document_render as render

    return render(document_id=document_id).status


@shared_task(name="orders.tasks.resume_background_work", ignore_result=True, **DATABASE_RETRY)
def resume_background_work() -> dict[str, dict[str, int]]:
    """PDFs and bundles whose task was lost (broker down, worker killed): ask again, or give up after an hour."""
    from orders.documents.services import documents_resume
    from orders.exports.bundles import exports_resume

    return {"documents": documents_resume(), "exports": exports_resume()}
