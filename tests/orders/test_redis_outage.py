"""Redis goes away while a worker runs a task, and comes back: what was owed still goes out, once.

The finding: with celery and kombu 5.7.0 and redis-py 8.2, a worker that loses Redis while it
holds an unacknowledged message (a running task, with acks_late, or a retry waiting for its
time) exits with ``AttributeError: 'NoneType' object has no attribute 'hostname'`` from
kombu's Redis transport (closing the channel tries to put the message back through a
connection that collect() has already cleared). No setting prevents it (docs/operations.md,
"Supervision"), so workers run under a supervisor that restarts them; this test plays the
supervisor (systemd's Restart=always, ``make run``'s loop) and proves that, Redis having lost
every message, the database still says what is owed and the next tick of beat sends it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.models import F

from casework.models import User
from orders.alerts import sweep_deadlines
from orders.models import Notification, Order
from orders.services import order_draft, order_issue, term_add
from orders.tasks import deliver_notifications
from tests.celery_helpers import broker
from tests.fault_helpers import PrivateRedis, Relay, WorkerProcess, wait_until, worker_log_on_failure


class Supervisor:
    """Restart the worker whenever it exits, as ``Restart=always`` does (after a second)."""

    def __init__(self, worker: WorkerProcess) -> None:
        self.worker = worker
        self.restarts = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.wait(0.2):
            if not self.worker.alive:
                time.sleep(1)
                if not self._stop.is_set():
                    self.restarts += 1
                    self.worker.start(wait=False)

    def __enter__(self) -> Supervisor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def sent_count() -> int:
    return Notification.objects.filter(email_status="sent").count()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_after_redis_comes_back_everything_owed_goes_out_once(
    require_postgres: None,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    order_due_in_a_week: Order,
    carol: User,
) -> None:
    """1. Eight e-mails owed; a worker (prefork, two processes, as make run starts it) sends them through a relay
       that answers each after 0.5 s.
    2. After the second, Redis stops. The worker exits or survives (the finding: it exits);
       the supervisor restarts it, and the new worker waits for Redis.
    3. While Redis is down a sweep raises another alert: its e-mails are recorded as owed, and
       the sweep's request to deliver them is lost with the broker.
    4. Redis comes back empty. Beat's next tick sends what the database says is owed; a claim
       left by a worker that died is taken back after its timeout (aged here).
    Every e-mail reaches the relay exactly once.
    """
    for n in range(1, 9):
        User.objects.create_user(
            f"legal-{n:02d}", authority=order_due_in_a_week.authority, is_legal=True, email=f"legal-{n:02d}@example.org"
        )
    sweep_deadlines()
    assert Notification.objects.filter(email_status="pending").count() == 8

    with PrivateRedis() as private_redis, Relay(delay=0.5) as relay:
        worker = WorkerProcess(
            broker_url=private_redis.url,
            relay_port=relay.port,
            log_path=tmp_path / "worker.log",
            pool="prefork",
            concurrency=2,
        )
        with (
            worker,
            worker_log_on_failure(worker),
            broker(monkeypatch, private_redis.url, {"visibility_timeout": 3600}),
            Supervisor(worker) as supervisor,
        ):
            deliver_notifications.delay()
            wait_until(lambda: len(relay.messages) >= 2, timeout=20, what="the first e-mails")
            private_redis.stop()

            # The worker's fate without Redis: with kombu 5.7.0 it exits within a second or two.
            died = False
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline and not died:
                died = supervisor.restarts > 0
                time.sleep(0.1)

            # A second order falls due meanwhile: the sweep records its e-mails as owed.
            due_on, issued_on = order_due_in_a_week.terms.get().deadline.due_on, order_due_in_a_week.issued_on
            assert due_on is not None and issued_on is not None
            second = order_draft(
                actor=carol,
                investigation=order_due_in_a_week.investigation,
                authority=order_due_in_a_week.authority,
                number="F-2",
                legal_basis="PIPA s. 52",
            )
            term_add(
                actor=carol,
                order=second,
                text="Report.",
                deadline_rule={"rule": "fixed", "date": due_on.isoformat()},
            )
            order_issue(actor=carol, order=second, issued_on=issued_on)
            assert len(sweep_deadlines()) == 1  # its request to deliver is lost: the broker is down

            private_redis.start()  # empty: every message it held is gone

            finished = worker.log().count(" succeeded in ")
            deliver_notifications.delay()  # beat's next tick, taken once the worker has (re)connected
            wait_until(
                lambda: worker.log().count(" succeeded in ") > finished, timeout=30, what="the tick's delivery to end"
            )
            # A claim still "sending" now is a dead worker's: ten minutes on it is owed again (aged, not waited for).
            if Notification.objects.filter(email_status="sending").exists():
                Notification.objects.filter(email_status="sending").update(
                    email_claimed_at=F("email_claimed_at") - timedelta(minutes=11)
                )
                deliver_notifications.delay()
            wait_until(lambda: sent_count() == 16, timeout=30, what="every owed e-mail to be sent")

    assert len(set(relay.message_ids)) == len(relay.message_ids)
    assert len(relay.messages) == 16  # 8 users × 2 alerts, each once
    assert Counter(relay.recipients) == Counter({f"legal-{n:02d}@example.org": 2 for n in range(1, 9)})
    # Recorded for the report: whether this Celery/kombu let the worker survive (5.7.0: it did not).
    print(f"worker exited when Redis went away: {died}; restarts by the supervisor: {supervisor.restarts}")  # noqa: T201
