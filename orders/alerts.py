"""The alert engine: which rung of the ladder a deadline is on, the sweep that raises it, and delivery.

The ladder (``settings.ORDERS_ALERT_LADDER``) names days relative to the due date:
``T-30``, ``T-14``, ``T-7``, ``T-1`` before it, ``T0`` on it, ``T+1`` the first
day late and every 7 days after (``T+8``, ``T+15``…) while it stays open. Days
are counted in the issuing authority's time zone.

The database is the record of what is owed. The sweep finds deadlines through an
indexed query, inserts each (deadline, due date, level) once — a unique
constraint makes a second sweep, a retry or a rival worker a no-op — creates
the notifications in the same transaction, and only after commit asks Celery to
deliver the e-mails. If the broker is down, the notifications stay ``pending``
and the next sweep asks again: nothing depends on Redis keeping a message.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from casework.models import User
from orders.deadlines import local_today
from orders.models import ACTIVE_DEADLINE_STATUSES, Alert, Deadline, Notification

log = logging.getLogger(__name__)

DEFAULT_LADDER: dict[str, Any] = {"before": [30, 14, 7, 1], "on_due": True, "late_first": 1, "late_every": 7}


def ladder() -> dict[str, Any]:
    return {**DEFAULT_LADDER, **getattr(settings, "ORDERS_ALERT_LADDER", {})}


def level_name(offset: int) -> str:
    """``T-7`` for 7 days before, ``T0`` on the day, ``T+8`` 8 days late."""
    if offset == 0:
        return "T0"
    return f"T{offset:+d}"


def level_offset(level: str) -> int:
    return 0 if level == "T0" else int(level[1:])


def current_level(due_on: date, today: date, rungs: dict[str, Any] | None = None) -> str | None:
    """The most urgent rung reached on ``today`` (None before the first rung).

    Catch-up after an outage is this function: a sweep that missed T-14 and T-7
    and runs at T-3 raises T-7 only, not a flood of stale rungs.
    """
    rungs = rungs or ladder()
    offset = (today - due_on).days
    late_first = int(rungs["late_first"])
    late_every = int(rungs["late_every"])
    if offset >= late_first:
        return level_name(late_first + (offset - late_first) // late_every * late_every)
    if offset >= 0 and rungs["on_due"]:
        return "T0"
    reached = [-days for days in rungs["before"] if -days <= offset]
    return level_name(max(reached)) if reached else None


def rung_dates(due_on: date, until: date, rungs: dict[str, Any] | None = None) -> list[tuple[str, date]]:
    """Every rung of a due date up to ``until`` (for the page that shows the ladder)."""
    rungs = rungs or ladder()
    found = [(level_name(-d), due_on - timedelta(days=d)) for d in sorted(rungs["before"], reverse=True)]
    if rungs["on_due"]:
        found.append(("T0", due_on))
    offset = int(rungs["late_first"])
    while due_on + timedelta(days=offset) <= until:
        found.append((level_name(offset), due_on + timedelta(days=offset)))
        offset += int(rungs["late_every"])
    return found


@dataclass(frozen=True)
class RaisedAlert:
    authority: str
    order: str
    term: int
    level: str
    due_on: date

    def as_dict(self) -> dict[str, Any]:
        return {
            "authority": self.authority,
            "order": self.order,
            "term": self.term,
            "level": self.level,
            "due_on": self.due_on.isoformat(),
        }


def _candidates(now: datetime) -> Iterable[tuple[int, date | None, str, str, str, int]]:
    """Active deadlines whose first rung may have been reached: (id, due_on, tz, authority, order, term).

    Uses the partial index orders_deadline_active_due. A deadline further away
    than the ladder's first rung (plus a day for time zones) cannot be due yet.
    """
    horizon = now.date() + timedelta(days=max(ladder()["before"], default=0) + 1)
    return (
        Deadline.objects.filter(status__in=ACTIVE_DEADLINE_STATUSES, due_on__isnull=False, due_on__lte=horizon)
        .exclude(term__order__status__in=["draft", "withdrawn", "quashed", "complied", "stayed"])
        .values_list(
            "pk",
            "due_on",
            "term__order__authority__jurisdiction__time_zone",
            "term__order__authority__code",
            "term__order__number",
            "term__number",
        )
        .iterator(chunk_size=5000)
    )


def sweep_deadlines(now: datetime | None = None) -> list[RaisedAlert]:
    """Raise every alert due at ``now``; safe to run twice, concurrently, or after an outage.

    1. Compute each candidate's current rung in its authority's time zone.
    2. INSERT the (deadline, due date, level) rows, ignoring conflicts, tagged with this sweep's id.
    3. The rows with this sweep's id are the alerts this sweep raised: notify their recipients.
    4. After commit, ask a worker to deliver the e-mails still owed (these and any earlier ones).
    """
    now = now or timezone.now()
    rungs = ladder()
    sweep_id = uuid.uuid4()
    wanted: list[Alert] = []
    described: dict[tuple[int, date, str], RaisedAlert] = {}
    for pk, due_on, tz, authority, number, term in _candidates(now):
        if due_on is None:  # excluded by the query; narrows the type
            continue
        level = current_level(due_on, local_today(now, tz), rungs)
        if level is None:
            continue
        wanted.append(Alert(deadline_id=pk, due_on=due_on, level=level, raised_at=now, sweep_id=sweep_id))
        described[(pk, due_on, level)] = RaisedAlert(authority, number, term, level, due_on)
    with transaction.atomic():
        Alert.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=2000)
        raised = list(Alert.objects.filter(sweep_id=sweep_id).order_by("deadline_id"))
        notifications_create(raised, now=now)
        transaction.on_commit(enqueue_delivery)
    return [described[(a.deadline_id, a.due_on, a.level)] for a in raised]


def recipients_for(deadline_ids: Iterable[int]) -> dict[int, list[User]]:
    """Each deadline's people: the order's assigned staff and its authority's legal team."""
    ids = list(deadline_ids)
    deadlines = (
        Deadline.objects.filter(pk__in=ids).select_related("term__order").prefetch_related("term__order__assignees")
    )
    authority_ids = {d.term.order.authority_id for d in deadlines}
    legal = User.objects.filter(authority_id__in=authority_ids, is_legal=True, is_active=True)
    legal_by_authority: dict[int, list[User]] = {}
    for user in legal:
        legal_by_authority.setdefault(user.authority_id or 0, []).append(user)
    result: dict[int, list[User]] = {}
    for d in deadlines:
        people = {u.pk: u for u in d.term.order.assignees.all() if u.is_active}
        people.update({u.pk: u for u in legal_by_authority.get(d.term.order.authority_id, [])})
        result[d.pk] = list(people.values())
    return result


def _email_status(user: User) -> str:
    if user.alert_email == User.AlertEmail.NONE or not user.email:
        return Notification.Email.SKIPPED
    if user.alert_email == User.AlertEmail.DAILY_DIGEST:
        return Notification.Email.DIGEST
    return Notification.Email.PENDING


def notifications_create(alerts: list[Alert], *, now: datetime) -> None:
    people = recipients_for(a.deadline_id for a in alerts)
    rows = [
        Notification(user=user, alert=alert, created_at=now, email_status=_email_status(user))
        for alert in alerts
        for user in people.get(alert.deadline_id, [])
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)


def enqueue_delivery() -> None:
    """Ask a worker to deliver owed e-mails; if the broker is down, the next sweep asks again."""
    from orders.tasks import deliver_notifications as deliver_notifications_task

    try:
        deliver_notifications_task.apply_async(retry=False)
    except Exception as exc:  # the broker is unreachable: the rows stay pending in the database
        log.warning("could not enqueue e-mail delivery (will retry on the next sweep): %s", exc)


MAX_EMAIL_ATTEMPTS = 6


def _backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8, 16 minutes… between attempts."""
    return timedelta(minutes=2 ** max(0, attempts - 1))


def deliver_notifications(now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Send the immediate e-mails owed; each row is claimed so that two workers never send it twice."""
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0, "retry": 0}
    owed = Q(email_status=Notification.Email.PENDING) & (
        Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now)
    )
    with transaction.atomic():
        batch = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(owed)
            .select_related(
                "user", "alert__deadline__term__order__authority", "alert__deadline__term__order__investigation"
            )
            .order_by("created_at", "pk")[:limit]
        )
        for notification in batch:
            try:
                _send_alert_email(notification)
            except Exception as exc:  # SMTP and template errors are recorded, then retried with backoff
                notification.email_attempts += 1
                notification.email_error = f"{type(exc).__name__}: {exc}"[:500]
                if notification.email_attempts >= MAX_EMAIL_ATTEMPTS:
                    notification.email_status = Notification.Email.FAILED
                    counts["failed"] += 1
                else:
                    notification.email_next_attempt_at = now + _backoff(notification.email_attempts)
                    counts["retry"] += 1
            else:
                notification.email_attempts += 1
                notification.email_status = Notification.Email.SENT
                notification.emailed_at = now
                notification.email_error = ""
                counts["sent"] += 1
            notification.save(
                update_fields=["email_status", "email_attempts", "email_error", "emailed_at", "email_next_attempt_at"]
            )
    return counts


def _send_alert_email(notification: Notification) -> None:
    alert = notification.alert
    context = {
        "notification": notification,
        "alert": alert,
        "deadline": alert.deadline,
        "order": alert.deadline.term.order,
        "user": notification.user,
    }
    with translation.override(_user_language(notification.user)):
        subject = render_to_string("orders/emails/alert-subject.txt", context).strip()
        body = render_to_string("orders/emails/alert-body.txt", context)
        html = render_to_string("orders/emails/alert-body.html", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notification.user.email], html_message=html)


def _user_language(user: User) -> str:
    authority = user.authority
    if authority is not None and authority.issues_in == ["fr"]:
        return "fr"
    return "en"


def send_digests(now: datetime | None = None) -> int:
    """One e-mail per user gathering the alerts waiting for their daily digest."""
    now = now or timezone.now()
    sent = 0
    users = User.objects.filter(
        Exists(Notification.objects.filter(user=OuterRef("pk"), email_status=Notification.Email.DIGEST))
    )
    for user in users:
        with transaction.atomic():
            items = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(user=user, email_status=Notification.Email.DIGEST)
                .select_related("alert__deadline__term__order__authority")
                .order_by("alert__due_on")
            )
            if not items:
                continue
            context = {"user": user, "items": items, "now": now}
            with translation.override(_user_language(user)):
                subject = render_to_string("orders/emails/digest-subject.txt", context).strip()
                body = render_to_string("orders/emails/digest-body.txt", context)
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
            except Exception as exc:
                Notification.objects.filter(pk__in=[n.pk for n in items]).update(
                    email_error=f"{type(exc).__name__}: {exc}"[:500]
                )
                continue
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(
                email_status=Notification.Email.SENT, emailed_at=now, email_error=""
            )
            sent += 1
    return sent
