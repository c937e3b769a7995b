"""The operations page (/operations/): what the background work owes, for administrators only."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from casework.models import User, WorkerHeartbeat
from orders import alerts
from orders.models import Notification, Order, OrderDocument
from orders.operations.backlog import backlog
from orders.operations.services import notifications_retry_failed

T7 = datetime(2022, 1, 18, 17, 0, tzinfo=UTC)


@pytest.fixture
def admin(ref: Any) -> User:
    return User.objects.create_user("operator", authority=ref.opc, is_administrator=True)


@pytest.fixture
def emails(bc_order: Order, monkeypatch: pytest.MonkeyPatch) -> list[Notification]:
    """Five e-mails owed to five members of OIPC-BC's legal team (carol has no address: skipped)."""
    monkeypatch.setattr(alerts, "enqueue_delivery", lambda: None)
    for n in range(1, 6):
        User.objects.create_user(f"legal-{n}", authority=bc_order.authority, is_legal=True, email=f"l{n}@example.org")
    alerts.sweep_deadlines(T7)
    return list(Notification.objects.filter(email_status="pending").order_by("pk"))


def set_statuses(rows: list[Notification], *statuses: str) -> None:
    for row, status in zip(rows, statuses, strict=False):
        extra = {"email_claim": uuid.uuid4(), "email_claimed_at": T7} if status == "sending" else {}
        Notification.objects.filter(pk=row.pk).update(email_status=status, email_error=f"{status} error", **extra)


def test_it_is_for_administrators_and_superusers_only(
    client: Client, bob: User, carol: User, admin: User, root: User
) -> None:
    assert client.get("/operations/").status_code == 302  # to sign in
    for user in (bob, carol):
        client.force_login(user)
        assert client.get("/operations/").status_code == 403
        assert client.post("/operations/retry-emails/").status_code == 403
    for user in (admin, root):
        client.force_login(user)
        assert client.get("/operations/").status_code == 200
    assert client.get("/operations/retry-emails/").status_code == 405


@pytest.mark.parametrize("rows", [1, 5], ids=["one row", "many rows"])
def test_it_shows_the_backlog_in_a_fixed_number_of_queries(
    client: Client, admin: User, emails: list[Notification], rows: int, django_assert_num_queries: Callable[..., Any]
) -> None:
    set_statuses(emails[:rows], *(["failed"] * rows))
    WorkerHeartbeat.objects.create(worker="celery@worker-1", seen_at=timezone.now() - timedelta(seconds=30))
    client.force_login(admin)
    client.get("/operations/")  # the session's first request saves it: not what is counted
    # 1 session, 2 user, 3 e-mails owed and failed, 4 documents, 5 bundles, 6 the failed e-mails
    # with their recipients, 7 the workers, 8 the bell's unread count.
    with django_assert_num_queries(8):
        response = client.get("/operations/")
    assert response.status_code == 200
    assert f'id="email-failed">{rows}<'.encode() in response.content
    assert response.content.count(b"failed error") == rows
    assert b"celery@worker-1" in response.content


def test_it_counts_what_is_owed_retrying_being_sent_and_failed(emails: list[Notification], bc_order: Order) -> None:
    set_statuses(emails, "pending", "pending", "sending", "digest", "failed")
    Notification.objects.filter(pk=emails[1].pk).update(email_attempts=2)
    OrderDocument.objects.create(
        order=bc_order, language="en", version=1, order_status="issued", requested_at=T7 - timedelta(minutes=20)
    )

    now = T7 + timedelta(minutes=45)
    summary = backlog(now)
    email = summary.as_json()["email"]
    assert {key: email[key] for key in ("pending", "retrying", "sending", "digest", "failed")} == {
        "pending": 2,
        "retrying": 1,
        "sending": 1,
        "digest": 1,
        "failed": 1,
    }
    assert email["oldest_owed_at"] == T7.isoformat() and email["oldest_owed_age_seconds"] == 45 * 60
    assert summary.documents.pending == 1 and summary.late_documents and summary.late_emails
    assert summary.ok is False


def test_sending_again_takes_only_failed_emails_and_asks_for_delivery_after_the_commit(
    client: Client,
    admin: User,
    emails: list[Notification],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    set_statuses(emails, "failed", "failed", "sending", "skipped", "sent")
    asked: list[bool] = []
    monkeypatch.setattr(alerts, "enqueue_delivery", lambda: asked.append(True))
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/operations/retry-emails/", follow=True)

    assert b"2 failed e-mails will be sent again." in response.content
    assert asked == [True]
    rows = {row.pk: row for row in Notification.objects.filter(pk__in=[e.pk for e in emails])}
    assert [rows[e.pk].email_status for e in emails] == ["pending", "pending", "sending", "skipped", "sent"]
    retried = rows[emails[0].pk]
    assert retried.email_attempts == 0 and retried.email_retry_until is not None
    assert retried.email_retry_until > timezone.now() + timedelta(hours=71)


def test_the_admin_action_goes_through_the_same_service(admin: User, emails: list[Notification]) -> None:
    set_statuses(emails, "failed", "sending")
    assert notifications_retry_failed(actor=admin, ids=[emails[0].pk, emails[1].pk]) == 1
    assert Notification.objects.get(pk=emails[1].pk).email_status == "sending"


def test_healthz_reports_the_backlog_and_keeps_its_status(
    client: Client, emails: list[Notification], django_assert_num_queries: Callable[..., Any]
) -> None:
    set_statuses(emails, "failed")
    # 1 the database check, 2 the workers, 3 e-mails, 4 documents, 5 bundles.
    with django_assert_num_queries(5):
        response = client.get("/healthz")

    assert response.status_code == 200  # reported, for the alerting; the web process still serves
    body = response.json()
    assert set(body) == {"status", "checks", "workers", "backlog"}
    assert body["status"] == "ok"
    assert body["backlog"]["ok"] is False
    assert body["backlog"]["email"]["failed"] == 1
    assert body["backlog"]["email"]["pending"] == 4
    assert body["backlog"]["documents"] == {
        "pending": 0,
        "oldest_pending_at": None,
        "oldest_pending_age_seconds": None,
        "failed_recently": 0,
    }
    assert body["backlog"]["exports"] == {"waiting": 0, "building": 0, "failed_recently": 0}
