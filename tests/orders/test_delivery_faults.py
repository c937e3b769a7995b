"""Alert e-mail delivery under faults: a worker killed mid-delivery, a frozen relay, a relay down for hours.

The mail relay is a real SMTP server (aiosmtpd, tests/fault_helpers.py) that keeps what it
accepted, so "received" below means what a relay took, with its Message-ID. The state machine
under test (orders.alerts): pending → sending (a worker's claim) → sent, or back to pending
with a backoff, or failed after the retry window; a claim left by a dead worker is owed again.
"""

from __future__ import annotations

import os
import signal
import smtplib
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections, transaction
from django.db.models import F, Min
from django.test import Client
from django.utils import timezone

from casework.models import Investigation, User
from orders import alerts
from orders.alerts import deliver_notifications, notifications_reclaim, send_digests, sweep_deadlines
from orders.models import Notification, Order
from tests.celery_helpers import broker
from tests.fault_helpers import FrozenRelay, PrivateRedis, Relay, WorkerProcess, use_relay, wait_until

T7 = datetime(2022, 1, 18, 17, 0, tzinfo=UTC)  # 09:00 in Vancouver: T-7 of the order's 2022-01-25


class WorkerKilled(BaseException):  # noqa: N818 - it is what it stands for
    """Stands for SIGKILL in-process: not an Exception, so nothing in delivery catches it."""


@pytest.fixture(autouse=True)
def _no_enqueue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sweep asks a worker to deliver after its commit; these tests run delivery themselves."""
    monkeypatch.setattr(alerts, "enqueue_delivery", lambda: None)


def legal_team(order: Order, count: int, *, digest: bool = False) -> list[User]:
    """``count`` members of the order's authority's legal team, each with an address."""
    return [
        User.objects.create_user(
            f"legal-{n:02d}",
            authority=order.authority,
            is_legal=True,
            email=f"legal-{n:02d}@example.org",
            alert_email="daily_digest" if digest else "immediate",
        )
        for n in range(1, count + 1)
    ]


def statuses() -> Counter[str]:
    return Counter(Notification.objects.values_list("email_status", flat=True))


def owed_ids() -> list[int]:
    return list(Notification.objects.filter(email_status="pending").order_by("pk").values_list("pk", flat=True))


# --- Claim, send, record: each e-mail on its own --------------------------------------------------------


def test_each_email_is_claimed_sent_and_recorded_on_its_own(bc_order: Order, settings: Any) -> None:
    legal_team(bc_order, 3)
    sweep_deadlines(T7)  # carol has no address: her e-mail is skipped
    with Relay() as relay:
        use_relay(settings, relay.port)
        assert deliver_notifications(now=T7) == {"sent": 3, "failed": 0, "retry": 0, "skipped": 0}
        assert deliver_notifications(now=T7) == {"sent": 0, "failed": 0, "retry": 0, "skipped": 0}

    assert sorted(relay.recipients) == ["legal-01@example.org", "legal-02@example.org", "legal-03@example.org"]
    assert len(set(relay.message_ids)) == 3
    sent = Notification.objects.filter(email_status="sent")
    assert sent.count() == 3
    assert not sent.filter(email_claim__isnull=False).exists()  # no claim outlives its send


def test_the_message_id_is_the_same_each_time_an_email_is_sent(bc_order: Order) -> None:
    legal_team(bc_order, 1)
    sweep_deadlines(T7)
    deliver_notifications(now=T7)
    Notification.objects.filter(email_status="sent").update(email_status="pending")
    deliver_notifications(now=T7)

    first, second = (message.extra_headers["Message-ID"] for message in mail.outbox)
    assert first == second and first.startswith("<alert-")


def test_a_recipient_who_may_no_longer_see_the_case_is_skipped(
    bc_order: Order, joint_investigation: Investigation
) -> None:
    legal_team(bc_order, 2)
    sweep_deadlines(T7)
    # Confidential since the alert: only those assigned to it may see it, and these are not.
    Investigation.objects.filter(pk=joint_investigation.pk).update(confidential=True)

    assert deliver_notifications(now=T7) == {"sent": 0, "failed": 0, "retry": 0, "skipped": 2}
    assert mail.outbox == []
    assert set(
        Notification.objects.filter(user__username__startswith="legal").values_list("email_error", flat=True)
    ) == {alerts.NO_LONGER_VISIBLE}


# --- A worker killed mid-delivery --------------------------------------------------------------------------


def test_an_email_the_relay_never_accepted_is_sent_once_after_its_claim_times_out(bc_order: Order) -> None:
    legal_team(bc_order, 4)
    sweep_deadlines(T7)
    real = alerts.send_message
    calls = 0

    def dies_on_the_second(message: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise WorkerKilled  # the worker dies before the relay accepted the message
        real(message)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(alerts, "send_message", dies_on_the_second)
        with pytest.raises(WorkerKilled):
            deliver_notifications(now=T7)
    assert statuses() == Counter({"sent": 1, "sending": 1, "pending": 2, "skipped": 1})

    # Another worker, a minute later: the claim is young, so it is its worker's still.
    assert deliver_notifications(now=T7 + timedelta(minutes=1))["sent"] == 2
    assert statuses()["sending"] == 1
    # Past the sending timeout the claim is taken for a dead worker's: the e-mail is owed again.
    assert deliver_notifications(now=T7 + timedelta(minutes=11))["sent"] == 1

    assert statuses() == Counter({"sent": 4, "skipped": 1})
    recipients = [message.to[0] for message in mail.outbox]
    assert sorted(recipients) == [f"legal-0{n}@example.org" for n in range(1, 5)]  # each once
    again = Notification.objects.get(email_attempts=2)
    assert again.email_error == "" and again.email_status == "sent"


def test_an_email_accepted_just_before_its_worker_died_is_sent_again_with_the_same_message_id(
    bc_order: Order, settings: Any
) -> None:
    """At least once: the one e-mail whose outcome the dead worker never recorded goes again.

    The doubt covers that one e-mail (the window is between the relay's "250" and the UPDATE
    that records it), and the copy carries the same Message-ID, by which mail systems know it.
    """
    legal_team(bc_order, 3)
    sweep_deadlines(T7)
    real = alerts.send_message
    calls = 0

    def dies_after_the_second(message: Any) -> None:
        nonlocal calls
        real(message)
        calls += 1
        if calls == 2:
            raise WorkerKilled  # the relay has it; the worker dies before recording it

    with Relay() as relay:
        use_relay(settings, relay.port)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(alerts, "send_message", dies_after_the_second)
            with pytest.raises(WorkerKilled):
                deliver_notifications(now=T7)
        deliver_notifications(now=T7 + timedelta(minutes=11))

    copies = Counter(relay.message_ids)
    assert sorted(copies.values()) == [1, 1, 2]  # one e-mail twice, the same Message-ID; the others once
    assert statuses() == Counter({"sent": 3, "skipped": 1})


def test_a_claim_past_the_retry_window_is_failed_not_sent_again(bc_order: Order) -> None:
    legal_team(bc_order, 1)
    sweep_deadlines(T7)
    pk = owed_ids()[0]
    Notification.objects.filter(pk=pk).update(email_status="sending", email_claim=uuid.uuid4(), email_claimed_at=T7)

    assert notifications_reclaim(T7 + timedelta(hours=73)) == 1
    row = Notification.objects.get(pk=pk)
    assert (row.email_status, row.email_error) == ("failed", alerts.UNKNOWN_OUTCOME)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("killed", ["the whole worker", "its pool process"])
def test_a_worker_killed_mid_delivery_loses_no_email_and_sends_none_twice(
    require_postgres: None,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    order_due_in_a_week: Order,
    killed: str,
) -> None:
    """The finding: 44 owed, 60 received. Here 12 are owed, a relay answers each after 0.2 s, and
    the worker is SIGKILLed while the relay holds the 5th message (before its "250").

    1. The whole worker: what it had sent is recorded, one row is left "sending", the rest
       pending. The supervisor starts it again; beat's next tick sends the rest.
    2. Only its pool process: the worker gives the task back to the broker at once
       (task_reject_on_worker_lost); a new pool process sends the rest.
    Either way, once the claim is older than the sending timeout (aged here rather than
    waited for) the next tick sends the one that was in flight: 12 received, each once.
    """
    from orders.tasks import deliver_notifications as deliver_task

    legal_team(order_due_in_a_week, 12)
    sweep_deadlines()
    assert statuses()["pending"] == 12

    with PrivateRedis() as private_redis, Relay(delay=0.2) as relay:
        worker = WorkerProcess(
            broker_url=private_redis.url,
            relay_port=relay.port,
            log_path=tmp_path / "worker.log",
            pool="solo" if killed == "the whole worker" else "prefork",
        )
        with worker, broker(monkeypatch, private_redis.url, {"visibility_timeout": 3600}):
            if killed == "the whole worker":
                relay.on_hang = lambda: os.killpg(worker.pid, signal.SIGKILL)
            else:
                relay.on_hang = lambda: os.kill(worker.pool_child(), signal.SIGKILL)
            relay.hang_on = 5
            deliver_task.delay()

            if killed == "the whole worker":
                wait_until(lambda: not worker.alive, timeout=20, what="the worker to die")
                assert len(relay.messages) == 4
                assert statuses() == Counter({"sent": 4, "sending": 1, "pending": 7, "skipped": 1})
                worker.start()  # what Restart=always (or make run's loop) does
                deliver_task.delay()  # beat's next tick
            wait_until(lambda: statuses()["sent"] == 11, timeout=20, what="the other e-mails to go")
            assert statuses()["sending"] == 1

            # Ten minutes on (the sending timeout): the claim is a dead worker's.
            Notification.objects.filter(email_status="sending").update(
                email_claimed_at=F("email_claimed_at") - timedelta(minutes=11)
            )
            deliver_task.delay()
            wait_until(lambda: statuses()["sent"] == 12, timeout=20, what="the e-mail in flight to be sent again")

    assert len(relay.messages) == 12
    assert Counter(relay.recipients) == Counter({f"legal-{n:02d}@example.org": 1 for n in range(1, 13)})
    assert len(set(relay.message_ids)) == 12


# --- A frozen relay -------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_frozen_relay_times_out_and_no_row_is_locked_meanwhile(
    require_postgres: None, bc_order: Order, settings: Any
) -> None:
    legal_team(bc_order, 3)
    sweep_deadlines(T7)
    results: list[dict[str, int]] = []

    with FrozenRelay() as relay:
        use_relay(settings, relay.port, timeout=2)

        def deliver() -> None:
            try:
                results.append(deliver_notifications(now=T7))
            finally:
                connection.close()

        started = time.monotonic()
        thread = threading.Thread(target=deliver)
        thread.start()
        wait_until(lambda: statuses()["sending"] == 1, timeout=5, what="the claim")

        # While the worker waits on the relay: no transaction of its is open, and another one can
        # update (and lock) every notification at once, without waiting.
        open_transactions = []
        with connections["default"].cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%%'"
            )
            open_transactions.append(cursor.fetchone()[0])
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            locked = list(Notification.objects.select_for_update(nowait=True).values_list("pk", flat=True))
            Notification.objects.update(read_at=timezone.now())
        assert open_transactions == [0]
        assert len(locked) == 4

        thread.join(timeout=20)
        elapsed = time.monotonic() - started

    assert results == [{"sent": 0, "failed": 0, "retry": 1, "skipped": 0}]
    assert 1.5 < elapsed < 10, elapsed  # EMAIL_TIMEOUT, once: the relay failed, so the run stopped
    tried = Notification.objects.get(email_attempts=1)
    assert tried.email_status == "pending" and "timed out" in tried.email_error
    assert tried.email_next_attempt_at == T7 + timedelta(minutes=1)
    assert statuses() == Counter({"pending": 3, "skipped": 1})  # the others untouched, still owed


# --- A relay down for hours -----------------------------------------------------------------------------------


def test_it_backs_off_up_to_an_hour_for_up_to_three_days() -> None:
    assert [alerts.retry_delay(n) // timedelta(minutes=1) for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_an_outage_of_hours_is_retried_reported_and_delivered_when_it_ends(
    bc_order: Order, root: User, settings: Any
) -> None:
    legal_team(bc_order, 5)
    client = Client()
    client.force_login(root)
    relay = Relay()  # not started: connections to its port are refused
    use_relay(settings, relay.port, timeout=2)

    with time_machine.travel(T7, tick=False) as traveller:
        sweep_deadlines()
        # Beat's per-minute delivery over five hours of outage.
        for minute in range(5 * 60):
            traveller.move_to(T7 + timedelta(minutes=minute))
            deliver_notifications()
        tried = Notification.objects.filter(email_attempts__gt=0)
        assert statuses() == Counter({"pending": 5, "skipped": 1})
        assert tried.count() == 5 and all("ConnectionRefusedError" in row.email_error for row in tried)
        # An hour apart at most, by now: 1, 2, 4… minutes, then hourly.
        assert max(tried.values_list("email_attempts", flat=True)) == 10

        health = client.get("/healthz")
        assert health.status_code == 200  # a mail outage does not take the web site out of rotation
        email = health.json()["backlog"]["email"]
        assert health.json()["backlog"]["ok"] is False
        assert (email["pending"], email["retrying"], email["failed"]) == (5, 5, 0)
        assert email["oldest_owed_at"] == T7.isoformat()
        assert email["oldest_owed_age_seconds"] == 5 * 3600 - 60
        page = client.get("/operations/")
        assert page.status_code == 200
        assert b'id="email-pending">5<' in page.content and b'id="email-retrying">5<' in page.content

        relay.start()
        try:
            # The first retry after the relay came back (within the hour) shows that it works:
            # the e-mails waiting on a backoff go at once with it.
            first_retry = Notification.objects.aggregate(next=Min("email_next_attempt_at"))["next"]
            assert T7 + timedelta(minutes=299) < first_retry <= T7 + timedelta(minutes=299 + 60)
            traveller.move_to(first_retry)
            assert deliver_notifications()["sent"] == 5
        finally:
            relay.stop()
        assert client.get("/healthz").json()["backlog"]["ok"] is True

    assert sorted(relay.recipients) == [f"legal-0{n}@example.org" for n in range(1, 6)]
    assert statuses() == Counter({"sent": 5, "skipped": 1})


def test_after_the_retry_window_emails_are_failed_shown_and_sent_again_by_an_administrator(
    bc_order: Order, root: User, settings: Any
) -> None:
    settings.ORDERS_EMAIL_RETRY_HOURS = 3
    legal_team(bc_order, 3)
    client = Client()
    client.force_login(root)
    relay = Relay()
    use_relay(settings, relay.port, timeout=2)

    with time_machine.travel(T7, tick=False) as traveller:
        sweep_deadlines()
        for minute in range(0, 5 * 60, 5):  # beat every minute; every fifth is enough here
            traveller.move_to(T7 + timedelta(minutes=minute))
            deliver_notifications()
        assert statuses() == Counter({"failed": 3, "skipped": 1})
        assert deliver_notifications() == {"sent": 0, "failed": 0, "retry": 0, "skipped": 0}  # never retried

        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.json()["backlog"]["ok"] is False
        assert health.json()["backlog"]["email"]["failed"] == 3
        page = client.get("/operations/")
        assert b'id="email-failed">3<' in page.content
        assert page.content.count(b"ConnectionRefusedError") == 3

        relay.start()
        try:
            response = client.post("/operations/retry-emails/", follow=True)
            assert b"3 failed e-mails will be sent again." in response.content
            assert deliver_notifications()["sent"] == 3
        finally:
            relay.stop()

    assert len(relay.messages) == 3
    assert statuses() == Counter({"sent": 3, "skipped": 1})


def test_a_permanent_refusal_is_failed_at_once(bc_order: Order, monkeypatch: pytest.MonkeyPatch) -> None:
    legal_team(bc_order, 2)
    sweep_deadlines(T7)

    def unknown_user(message: Any) -> None:
        if message.to == ["legal-01@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"legal-01@example.org": (550, b"5.1.1 No such user")})
        mail.outbox.append(message)

    monkeypatch.setattr(alerts, "send_message", unknown_user)
    # The refusal is about that message: the other one still goes.
    assert deliver_notifications(now=T7) == {"sent": 1, "failed": 1, "retry": 0, "skipped": 0}
    assert Notification.objects.get(user__username="legal-01").email_status == "failed"


# --- The daily digests ---------------------------------------------------------------------------------------


def test_a_digest_killed_mid_send_goes_back_to_wait_and_is_sent_once(bc_order: Order) -> None:
    legal_team(bc_order, 1, digest=True)
    sweep_deadlines(datetime(2022, 1, 24, 17, 0, tzinfo=UTC))  # T-1
    sweep_deadlines(datetime(2022, 1, 25, 9, 0, tzinfo=UTC))  # T0 (01:00 in Vancouver): the same digest

    def killed(message: Any) -> None:
        raise WorkerKilled

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(alerts, "send_message", killed)
        with pytest.raises(WorkerKilled):
            send_digests(now=datetime(2022, 1, 25, 12, 0, tzinfo=UTC))
    assert statuses()["sending"] == 2
    assert send_digests(now=datetime(2022, 1, 25, 12, 1, tzinfo=UTC)) == 0  # claimed: left to its worker

    later = datetime(2022, 1, 25, 12, 11, tzinfo=UTC)
    assert notifications_reclaim(later) == 2
    assert statuses()["digest"] == 2  # back to the digest, not to single e-mails
    assert send_digests(now=later, due_only=True) == 1  # the per-minute task
    assert len(mail.outbox) == 1 and "2 alerts" in mail.outbox[0].subject
    assert statuses() == Counter({"sent": 2, "skipped": 2})  # carol has no address


def test_a_failed_digest_is_retried_by_the_minute_task_with_backoff(bc_order: Order, settings: Any) -> None:
    legal_team(bc_order, 1, digest=True)
    sweep_deadlines(T7)
    noon = datetime(2022, 1, 19, 12, 0, tzinfo=UTC)
    relay = Relay()
    use_relay(settings, relay.port, timeout=2)

    assert send_digests(now=noon) == 0  # refused
    row = Notification.objects.get(user__username="legal-01")
    assert (row.email_status, row.email_attempts, row.email_next_attempt_at) == (
        "digest",
        1,
        noon + timedelta(minutes=1),
    )
    with relay:
        assert send_digests(now=noon + timedelta(seconds=30), due_only=True) == 0  # not before its time
        assert send_digests(now=noon + timedelta(minutes=1), due_only=True) == 1
    assert len(relay.messages) == 1


def test_a_digest_a_lost_daily_run_owed_goes_with_the_next_minute_task(bc_order: Order) -> None:
    legal_team(bc_order, 1, digest=True)
    sweep_deadlines(T7)  # raised at 17:00 on the 18th: owed at noon on the 19th

    assert send_digests(now=datetime(2022, 1, 19, 11, 59, tzinfo=UTC), due_only=True) == 0
    assert send_digests(now=datetime(2022, 1, 19, 12, 1, tzinfo=UTC), due_only=True) == 1
    assert send_digests(now=datetime(2022, 1, 19, 12, 2, tzinfo=UTC), due_only=True) == 0
    assert len(mail.outbox) == 1


def test_the_digest_hour_is_read_from_the_settings(settings: Any) -> None:
    settings.ORDERS_DIGEST_HOUR_UTC = 6
    assert alerts.last_digest_time(datetime(2022, 1, 19, 5, 0, tzinfo=UTC)) == datetime(2022, 1, 18, 6, tzinfo=UTC)
    assert alerts.last_digest_time(datetime(2022, 1, 19, 6, 0, tzinfo=UTC)) == datetime(2022, 1, 19, 6, tzinfo=UTC)
    assert date(2022, 1, 19) == alerts.last_digest_time(datetime(2022, 1, 19, 23, 0, tzinfo=UTC)).date()
