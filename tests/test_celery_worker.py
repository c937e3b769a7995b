"""A real Celery worker, over a real broker, runs the heartbeat task into the database.

Eager mode would skip what matters here (serialisation, routing, the broker, the
worker's own database connection), so each test starts a worker in a thread with
``celery.contrib.testing.worker.start_worker`` and sends the task through a broker:
Redis (marked ``redis``: skipped on a laptop without it, a failure under CI=true),
and the embedded filesystem broker that ``make run`` uses.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from celery.app.trace import reset_worker_optimizations, setup_worker_optimizations
from celery.contrib.testing.worker import start_worker

from casework.models import WorkerHeartbeat
from casework.tasks import worker_heartbeat
from config.celery import app as celery_app
from tests.celery_helpers import broker

WAIT_SECONDS = 20.0
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def wait_for_heartbeat(worker: str) -> WorkerHeartbeat:
    """Poll the database (bounded) until ``worker`` has recorded its heartbeat."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        heartbeat = WorkerHeartbeat.objects.filter(worker=worker).first()
        if heartbeat is not None:
            return heartbeat
        time.sleep(0.1)
    pytest.fail(f"no heartbeat from {worker} within {WAIT_SECONDS:.0f} s")


def run_heartbeat_through_a_worker(hostname: str) -> WorkerHeartbeat:
    # The `celery worker` command sets up its tracer with the node name, which is
    # what a task sees as request.hostname; the embedded test worker does not.
    setup_worker_optimizations(celery_app, hostname)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, hostname=hostname, shutdown_timeout=30):
            before = time.time()
            worker_heartbeat.delay()
            heartbeat = wait_for_heartbeat(hostname)
    finally:
        reset_worker_optimizations(celery_app)
    # The row is the worker's own: its node name and the moment it ran the task.
    assert heartbeat.seen_at.timestamp() >= before - 1
    return heartbeat


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_heartbeat_sent_through_redis(monkeypatch: pytest.MonkeyPatch, redis_url: str) -> None:
    import redis

    # Keys under a prefix of this run's own: another test run using the same Redis
    # (a colleague's, or a second CI job) neither sees nor steals these messages.
    prefix = f"casetracker-test-{uuid.uuid4().hex}:"
    options = {"visibility_timeout": 3600, "global_keyprefix": prefix}
    try:
        with broker(monkeypatch, redis_url, options):
            heartbeat = run_heartbeat_through_a_worker("redis-worker@tests")
    finally:
        client = redis.Redis.from_url(redis_url)
        leftovers = list(client.scan_iter(match=f"{prefix}*"))
        if leftovers:
            client.delete(*leftovers)

    assert heartbeat.worker == "redis-worker@tests"
    assert WorkerHeartbeat.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_heartbeat_sent_through_the_embedded_broker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folders = {name: tmp_path / "broker" / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    options = {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
        "store_processed": False,
    }

    with broker(monkeypatch, "filesystem://", options):
        heartbeat = run_heartbeat_through_a_worker("filesystem-worker@tests")

    assert heartbeat.worker == "filesystem-worker@tests"
    # The worker consumed the message: nothing is left in the queue folder.
    assert list(folders["queue"].iterdir()) == []


@pytest.mark.django_db
def test_a_worker_keeps_one_row_and_forgets_workers_gone_for_a_week() -> None:
    # The task itself, run in-process: what a worker does on every beat.
    WorkerHeartbeat.objects.create(worker="celery@retired", seen_at=T0 - timedelta(days=8))
    WorkerHeartbeat.objects.create(worker="celery@resting", seen_at=T0 - timedelta(days=6))

    with time_machine.travel(T0, tick=False):
        worker_heartbeat.apply()
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        worker_heartbeat.apply()

    rows = dict(WorkerHeartbeat.objects.values_list("worker", "seen_at"))
    this_worker = next(name for name in rows if name != "celery@resting")
    assert rows == {"celery@resting": T0 - timedelta(days=6), this_worker: T0 + timedelta(minutes=1)}
