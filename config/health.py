"""/healthz: is the database answering, and is the broker reachable?

It also lists the Celery workers that ran the heartbeat task (beat sends it every
minute) and how long ago: informational, since a web process can be healthy while
the workers are being restarted; the operator's monitoring decides what age is
too old.

``backlog`` says what the background work still owes: e-mails to send (retrying, being
sent, waiting for the digest), e-mails that failed for good, documents pending and
bundles. Its ``ok`` is false when an e-mail failed for good, an e-mail has been owed
for more than 30 minutes or a document pending for more than 10: point the alerting at
it. It never changes the status code: the load balancer asks whether this web process
can serve, and a mail relay that is down is no reason to stop serving the pages where
the same alerts are shown.
"""

from __future__ import annotations

import time

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from casework.models import WorkerHeartbeat
from config.celery import app as celery_app
from orders.operations.backlog import backlog


def _check_database() -> dict[str, object]:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not healthy", reported, not raised
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.monotonic() - started) * 1000, 1)}


def _check_broker() -> dict[str, object]:
    started = time.monotonic()
    transport = celery_app.conf.broker_url.split("://", 1)[0]
    try:
        with celery_app.connection_for_write() as conn:
            # One immediate retry absorbs a dropped connection; a load balancer's probe must not wait long.
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:
        return {"ok": False, "transport": transport, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "transport": transport, "ms": round((time.monotonic() - started) * 1000, 1)}


def _workers() -> list[dict[str, object]]:
    """Each worker's last heartbeat and its age in seconds, most recent first."""
    now = timezone.now()
    try:
        rows = list(WorkerHeartbeat.objects.order_by("-seen_at", "worker").values_list("worker", "seen_at"))
    except DatabaseError:  # e.g. before the first migrate: the checks above tell what matters
        return []
    return [
        {"worker": worker, "seen_at": seen_at.isoformat(), "age_seconds": round((now - seen_at).total_seconds())}
        for worker, seen_at in rows
    ]


def _backlog() -> dict[str, object] | None:
    try:
        return backlog().as_json()
    except DatabaseError:  # e.g. before the first migrate: the checks above tell what matters
        return None


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with ``{"status": "ok"}`` when both answer, 503 naming what failed otherwise.

    ``workers`` and ``backlog`` never change the status; without a database they are empty and null.
    """
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(check["ok"] for check in checks.values())
    workers = _workers() if checks["database"]["ok"] else []
    owed = _backlog() if checks["database"]["ok"] else None
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks, "workers": workers, "backlog": owed},
        status=200 if healthy else 503,
    )
