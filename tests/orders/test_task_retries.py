"""A database that refuses connections for a moment: the tasks retry with backoff instead of losing work."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection

from casework.models import User
from orders import alerts, tasks
from orders.alerts import sweep_deadlines
from orders.models import Notification, Order
from tests.celery_helpers import broker
from tests.fault_helpers import DatabaseGate, PrivateRedis, Relay, WorkerProcess, wait_until, worker_log_on_failure


@pytest.mark.parametrize(
    "task",
    [
        tasks.sweep_deadlines,
        tasks.deliver_notifications,
        tasks.send_digests,
        tasks.export_bundle,
        tasks.document_render,
        tasks.resume_background_work,
    ],
    ids=lambda task: task.name,
)
def test_every_task_retries_when_the_database_is_unavailable(task: Any) -> None:
    assert OperationalError in task.autoretry_for
    assert task.max_retries >= 5 and task.retry_backoff


def test_a_retried_delivery_sends_what_the_first_try_could_not(
    bc_order: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eagerly: the first run meets OperationalError, the retry delivers."""
    from datetime import UTC, datetime

    User.objects.create_user("legal-01", authority=bc_order.authority, is_legal=True, email="legal-01@example.org")
    monkeypatch.setattr(alerts, "enqueue_delivery", lambda: None)
    sweep_deadlines(datetime(2022, 1, 18, 17, 0, tzinfo=UTC))
    real = alerts.deliver_notifications
    calls = 0

    def refused_once(*args: Any, **kwargs: Any) -> dict[str, int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")
        return real(*args, **kwargs)

    monkeypatch.setattr(alerts, "deliver_notifications", refused_once)
    tasks.deliver_notifications.apply()

    assert calls == 2
    assert Notification.objects.get(user__username="legal-01").email_status == "sent"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_whose_database_refuses_connections_for_a_moment_delivers_when_it_is_back(
    require_postgres: None,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    order_due_in_a_week: Order,
) -> None:
    """A real worker reaches PostgreSQL through a gate that the test closes (connections refused,
    open ones cut, as during a restart or fail-over) while the delivery task runs, then opens."""
    monkeypatch.setattr(alerts, "enqueue_delivery", lambda: None)
    for n in range(1, 4):
        User.objects.create_user(
            f"legal-{n:02d}", authority=order_due_in_a_week.authority, is_legal=True, email=f"legal-{n:02d}@example.org"
        )
    sweep_deadlines()
    settings = connection.settings_dict

    with (
        PrivateRedis() as private_redis,
        Relay() as relay,
        DatabaseGate(int(settings["PORT"] or 5432)) as gate,
        broker(monkeypatch, private_redis.url, {"visibility_timeout": 3600}),
    ):
        worker = WorkerProcess(
            broker_url=private_redis.url,
            relay_port=relay.port,
            log_path=tmp_path / "worker.log",
            database_url=gate.url(settings["NAME"], settings["USER"]),
        )
        with worker, worker_log_on_failure(worker):
            gate.close()
            tasks.deliver_notifications.delay()
            wait_until(lambda: " retry: Retry in " in worker.log(), timeout=20, what="the task to be retried")
            assert Counter(Notification.objects.values_list("email_status", flat=True))["pending"] == 3
            gate.open()
            wait_until(
                lambda: Notification.objects.filter(email_status="sent").count() == 3,
                timeout=60,
                what="the retried task to deliver",
            )
            assert "OperationalError" in worker.log()

    assert sorted(relay.recipients) == ["legal-01@example.org", "legal-02@example.org", "legal-03@example.org"]
