"""The alert engine: the ladder, the sweep's exactly-once guarantee, notifications and e-mail delivery."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from casework.models import User
from config.celery import app as celery_app
from orders.alerts import deliver_notifications, send_digests, sweep_deadlines
from orders.deadlines import current_level
from orders.models import Alert, Deadline, Notification, Order
from orders.services import deadline_close, deadline_extend, deadline_stay, order_set_status
from tests.celery_helpers import broker

UTC = ZoneInfo("UTC")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if "+" not in text else datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2021, 12, 25), None),  # T-31
        (date(2021, 12, 26), "T-30"),
        (date(2022, 1, 10), "T-30"),  # T-15
        (date(2022, 1, 11), "T-14"),
        (date(2022, 1, 17), "T-14"),  # T-8 is still on the T-14 rung
        (date(2022, 1, 18), "T-7"),
        (date(2022, 1, 22), "T-7"),  # catch-up at T-3: the most urgent rung reached, T-7
        (date(2022, 1, 24), "T-1"),
        (date(2022, 1, 25), "T0"),
        (date(2022, 1, 26), "T+1"),
        (date(2022, 2, 1), "T+1"),  # T+7
        (date(2022, 2, 2), "T+8"),
        (date(2022, 2, 9), "T+15"),
        (date(2022, 2, 17), "T+22"),  # T+23
    ],
)
def test_it_names_the_current_rung(today: date, expected: str | None) -> None:
    assert current_level(date(2022, 1, 25), today) == expected


def term_one(order: Order) -> Deadline:
    return Deadline.objects.get(term__order=order, term__number=1)


def test_it_raises_each_rung_once(bc_order: Order) -> None:
    now = at("2022-01-18T17:00:00")  # Vancouver 09:00, 2022-01-18 = T-7 of 2022-01-25
    first = sweep_deadlines(now)
    assert [(a.order, a.term, a.level, a.due_on) for a in first] == [("P21-08", 1, "T-7", date(2022, 1, 25))]
    assert sweep_deadlines(now) == []
    assert sweep_deadlines(at("2022-01-19T17:00:00")) == []
    assert Alert.objects.count() == 1


def test_it_counts_days_in_the_authoritys_time_zone(bc_order: Order) -> None:
    # 07:59 UTC on 2022-01-18 is still 2022-01-17 in Vancouver (T-8: the T-14 rung)
    assert [a.level for a in sweep_deadlines(at("2022-01-18T07:59:00"))] == ["T-14"]
    assert [a.level for a in sweep_deadlines(at("2022-01-18T08:00:00"))] == ["T-7"]


def test_after_an_outage_it_raises_the_most_urgent_rung_only(bc_order: Order) -> None:
    raised = sweep_deadlines(at("2022-02-05T20:00:00"))  # T+11, term 1; term 2 is due later
    assert [(a.term, a.level) for a in raised] == [(1, "T+8")]


def test_it_is_quiet_while_stayed_met_or_waived(bc_order: Order, carol: User) -> None:
    deadline = term_one(bc_order)
    deadline_stay(actor=carol, deadline=deadline, started_on=date(2022, 1, 10), reason="stay")
    assert sweep_deadlines(at("2022-01-25T20:00:00")) == []
    other = Deadline.objects.get(term__order=bc_order, term__number=2)
    deadline_close(actor=carol, deadline=other, status="waived", reason="withdrawn term")
    assert sweep_deadlines(at("2022-03-25T20:00:00")) == []


def test_a_stayed_order_raises_nothing(bc_order: Order) -> None:
    order_set_status(actor=None, order=bc_order, status="stayed")
    assert sweep_deadlines(at("2022-01-25T20:00:00")) == []


def test_an_extension_starts_a_new_ladder(bc_order: Order, carol: User) -> None:
    assert [a.level for a in sweep_deadlines(at("2022-01-24T20:00:00"))] == ["T-1"]
    deadline_extend(actor=carol, deadline=term_one(bc_order), new_due_on=date(2022, 3, 1), reason="granted")
    raised = sweep_deadlines(at("2022-01-31T20:00:00"))  # T-29 of the new date
    assert [(a.level, a.due_on) for a in raised] == [("T-30", date(2022, 3, 1))]


def test_it_notifies_assigned_staff_and_the_legal_team(bc_order: Order, carol: User, bob: User) -> None:
    User.objects.create_user(
        "erin", authority=bc_order.authority, is_legal=True, email="erin@example.org", alert_email="daily_digest"
    )
    User.objects.create_user(
        "frank",
        authority=bc_order.authority,
        is_legal=True,
        email="",
    )
    bc_order.assignees.add(bob)
    carol.email = "carol@example.org"
    carol.save()
    bob.email = "bob@example.org"
    bob.save()
    sweep_deadlines(at("2022-01-18T17:00:00"))
    rows = dict(Notification.objects.values_list("user__username", "email_status"))
    assert rows == {"carol": "pending", "bob": "pending", "erin": "digest", "frank": "skipped"}


@pytest.mark.django_db(transaction=True)
def test_the_email_is_sent_after_commit_and_recorded(bc_order: Order, carol: User) -> None:
    celery_app.conf.task_always_eager = True
    try:
        carol.email = "carol@example.org"
        carol.save()
        sweep_deadlines(at("2022-01-18T17:00:00"))
    finally:
        celery_app.conf.task_always_eager = False
    assert len(mail.outbox) == 1
    assert "[T-7]" in mail.outbox[0].subject and "P21-08" in mail.outbox[0].subject
    assert "2022-01-25" in mail.outbox[0].body
    notification = Notification.objects.get()
    assert (notification.email_status, notification.email_attempts) == ("sent", 1)


def test_a_failed_delivery_is_recorded_and_retried_with_backoff(bc_order: Order, carol: User, monkeypatch) -> None:
    carol.email = "carol@example.org"
    carol.save()
    sweep_deadlines(at("2022-01-18T17:00:00"))

    def broken(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("orders.alerts.send_message", broken)
    assert deliver_notifications(now=at("2022-01-18T17:01:00")) == {"sent": 0, "failed": 0, "retry": 1, "skipped": 0}
    notification = Notification.objects.get()
    assert notification.email_error == "ConnectionRefusedError: SMTP server down"
    assert notification.email_next_attempt_at == at("2022-01-18T17:02:00")
    # not before the backoff has passed
    monkeypatch.undo()
    assert deliver_notifications(now=at("2022-01-18T17:01:30"))["sent"] == 0
    assert deliver_notifications(now=at("2022-01-18T17:02:00"))["sent"] == 1
    assert len(mail.outbox) == 1


def test_the_daily_digest_gathers_alerts_into_one_email(bc_order: Order, carol: User) -> None:
    carol.email = "carol@example.org"
    carol.alert_email = "daily_digest"
    carol.save()
    sweep_deadlines(at("2022-01-18T17:00:00"))
    sweep_deadlines(at("2022-01-24T17:00:00"))
    assert deliver_notifications()["sent"] == 0
    assert send_digests() == 1
    assert len(mail.outbox) == 1
    assert "2 alerts" in mail.outbox[0].subject
    assert send_digests() == 0


@pytest.mark.django_db(transaction=True)
def test_an_alert_is_delivered_on_the_next_sweep_when_the_broker_was_down(
    bc_order: Order, carol: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    carol.email = "carol@example.org"
    carol.save()
    celery_app.conf.broker_connection_timeout = 1
    with broker(monkeypatch, "redis://127.0.0.1:1/0", {}):  # nothing listens there
        raised = sweep_deadlines(at("2022-01-18T17:00:00"))
    assert [a.level for a in raised] == ["T-7"]
    assert mail.outbox == []
    assert Notification.objects.get().email_status == "pending"
    # the broker is back: the next sweep raises nothing new but delivers what is owed
    celery_app.conf.task_always_eager = True
    try:
        assert sweep_deadlines(at("2022-01-18T17:15:00")) == []
    finally:
        celery_app.conf.task_always_eager = False
    assert len(mail.outbox) == 1
    assert Notification.objects.get().email_status == "sent"


def test_the_command_prints_json(bc_order: Order) -> None:
    out = StringIO()
    call_command("sweep_deadlines", "--now", "2022-01-25T12:00:00-08:00", "--json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload == {
        "now": "2022-01-25T12:00:00-08:00",
        "raised": 1,
        "alerts": [{"authority": "OIPC-BC", "order": "P21-08", "term": 1, "level": "T0", "due_on": "2022-01-25"}],
    }


def test_the_command_refuses_a_naive_or_bad_now(bc_order: Order) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no time zone"):
        call_command("sweep_deadlines", "--now", "2022-01-25T12:00:00")
    with pytest.raises(CommandError, match="not an ISO-8601"):
        call_command("sweep_deadlines", "--now", "tomorrow")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_raise_each_alert_once(require_postgres: None, bc_order: Order) -> None:
    # Many deadlines on the same rung, swept by two threads released at the same moment.
    from orders.services import order_draft, order_issue, term_add

    for n in range(20):
        order = order_draft(
            actor=None,
            investigation=bc_order.investigation,
            authority=bc_order.authority,
            number=f"C-{n}",
            legal_basis="-",
        )
        term_add(actor=None, order=order, text="Do it.", deadline_rule={"rule": "fixed", "date": "2022-01-25"})
        order_issue(actor=None, order=order, issued_on=date(2021, 12, 14))
    now = at("2022-01-18T17:00:00")
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait()
            results.append(len(sweep_deadlines(now)))
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(results) == 21  # P21-08 term 1 and the 20 others, between the two sweeps
    assert Alert.objects.count() == 21
    assert Alert.objects.values("deadline", "due_on", "level").distinct().count() == 21
