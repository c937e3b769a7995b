"""/healthz: the database and the broker, as JSON, and the workers' last heartbeats."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from casework.models import WorkerHeartbeat
from config.celery import app as celery_app

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def unreachable_broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the Celery app at a port where nothing listens, for the length of a test.

    Celery reads CELERY_BROKER_URL from the environment before its own
    configuration, so both are changed (monkeypatch restores the environment).
    """
    url = "redis://127.0.0.1:1/0"
    saved = celery_app.conf.broker_url
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    celery_app.conf.update(broker_url=url)
    try:
        yield url
    finally:
        celery_app.conf.update(broker_url=saved)


@pytest.mark.django_db
def test_it_answers_ok_when_the_database_and_broker_answer(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["broker"]["transport"] == celery_app.conf.broker_url.split("://", 1)[0]
    assert body["workers"] == []


@pytest.mark.django_db
def test_it_answers_503_naming_the_error_when_the_broker_is_unreachable(
    client: Client, unreachable_broker: str
) -> None:
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is True
    broker = body["checks"]["broker"]
    assert broker["ok"] is False
    assert broker["transport"] == "redis"
    assert "127.0.0.1:1" in broker["error"]


@pytest.mark.django_db
def test_it_lists_the_workers_with_the_age_of_their_heartbeat(client: Client) -> None:
    WorkerHeartbeat.objects.create(worker="celery@web-1", seen_at=NOW - timedelta(seconds=42))
    WorkerHeartbeat.objects.create(worker="celery@worker-2", seen_at=NOW - timedelta(minutes=10))

    with time_machine.travel(NOW, tick=False):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["workers"] == [
        {"worker": "celery@web-1", "seen_at": "2024-05-01T11:59:18+00:00", "age_seconds": 42},
        {"worker": "celery@worker-2", "seen_at": "2024-05-01T11:50:00+00:00", "age_seconds": 600},
    ]


@pytest.mark.django_db
def test_it_lists_workers_without_changing_the_status_when_the_broker_is_down(
    client: Client, unreachable_broker: str
) -> None:
    WorkerHeartbeat.objects.create(worker="celery@worker-1", seen_at=NOW)

    with time_machine.travel(NOW + timedelta(seconds=5), tick=False):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["workers"] == [
        {"worker": "celery@worker-1", "seen_at": "2024-05-01T12:00:00+00:00", "age_seconds": 5}
    ]


def test_it_only_answers_get(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
