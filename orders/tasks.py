"""Celery tasks: thin wrappers that call the alert engine (see orders.alerts)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

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
