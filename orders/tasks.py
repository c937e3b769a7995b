"""Celery tasks: thin wrappers that call the alert engine (see orders.alerts)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import OperationalError

from orders import alerts


@shared_task(name="orders.tasks.sweep_deadlines", ignore_result=True)
def sweep_deadlines() -> int:
    """Beat runs this every 15 minutes; exactly one beat runs in production."""
    return len(alerts.sweep_deadlines())


@shared_task(
    name="orders.tasks.deliver_notifications",
    ignore_result=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def deliver_notifications() -> dict[str, Any]:
    """Send owed alert e-mails; failures are recorded per notification and retried with backoff."""
    return alerts.deliver_notifications()


@shared_task(name="orders.tasks.send_digests", ignore_result=True)
def send_digests() -> int:
    return alerts.send_digests()


@shared_task(name="orders.tasks.export_bundle", ignore_result=True)
def export_bundle(job_id: int) -> str | None:
    """Build one PDF bundle (orders.exports.export_bundle_build claims it: a redelivery does nothing)."""
    from orders.exports import export_bundle_build

    job = export_bundle_build(job_id=job_id)
    return job.status if job is not None else None


@shared_task(
    name="orders.tasks.document_render",
    ignore_result=True,
    # Storage and database trouble; rendering errors are the document's outcome, not retried.
    autoretry_for=(OSError, ConnectionError, TimeoutError, OperationalError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def document_render(document_id: int) -> str:
    """Render one order document (orders.documents.document_render): a redelivered message does nothing.

    Rendering errors are recorded on the document as its failure; storage and
    database errors are retried with backoff.
    """
    from orders.documents import document_render as render

    return render(document_id=document_id).status


@shared_task(name="orders.tasks.resume_background_work", ignore_result=True)
def resume_background_work() -> dict[str, dict[str, int]]:
    """PDFs and bundles whose task was lost (broker down, worker killed): ask again, or give up after an hour."""
    from orders.documents import documents_resume
    from orders.exports import exports_resume

    return {"documents": documents_resume(), "exports": exports_resume()}
