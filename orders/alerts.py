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
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from casework.models import User
from orders.deadlines import local_today
from orders.models import ACTIVE_DEADLINE_STATUSES, Alert, Deadline, Notification, Order, Term

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
    3. The rows with this sweep's id are the alerts this sweep raised: notify their recipients
       (one INSERT … SELECT, see ``notifications_create``).
    4. After commit, ask a worker to deliver the e-mails still owed (these and any earlier ones).

    Steps 2 and 3 handle plain tuples and set-based SQL rather than model instances: a
    sweep after an outage over a million deadlines raises tens of thousands of alerts at
    once (docs/performance.md).
    """
    now = now or timezone.now()
    rungs = ladder()
    sweep_id = uuid.uuid4()
    wanted: list[tuple[int, date, str]] = []
    described: dict[tuple[int, date, str], RaisedAlert] = {}
    for pk, due_on, tz, authority, number, term in _candidates(now):
        if due_on is None:  # excluded by the query; narrows the type
            continue
        level = current_level(due_on, local_today(now, tz), rungs)
        if level is None:
            continue
        wanted.append((pk, due_on, level))
        described[(pk, due_on, level)] = RaisedAlert(authority, number, term, level, due_on)
    with transaction.atomic():
        alerts_insert(wanted, raised_at=now, sweep_id=sweep_id)
        raised = list(
            Alert.objects.filter(sweep_id=sweep_id)
            .order_by("deadline_id")
            .values_list("deadline_id", "due_on", "level")
        )
        if raised:
            notifications_create(sweep_id=sweep_id, now=now)
        transaction.on_commit(enqueue_delivery)
    return [described[key] for key in raised]


def alerts_insert(rows: list[tuple[int, date, str]], *, raised_at: datetime, sweep_id: uuid.UUID) -> None:
    """INSERT (deadline, due date, level) rows as alerts of this sweep; a row that exists already is skipped.

    On PostgreSQL, one statement per 50 000 rows over arrays (``unnest``): building model
    instances for each row cost more than the whole database work. Elsewhere, ``bulk_create``.
    """
    if connection.vendor != "postgresql":
        alerts = [
            Alert(deadline_id=d, due_on=due, level=lv, raised_at=raised_at, sweep_id=sweep_id) for d, due, lv in rows
        ]
        Alert.objects.bulk_create(alerts, ignore_conflicts=True, batch_size=2000)
        return
    sql = f"""
        INSERT INTO {Alert._meta.db_table} (deadline_id, due_on, level, raised_at, sweep_id)
        SELECT d, due, lv, %s, %s FROM unnest(%s::bigint[], %s::date[], %s::varchar[]) AS r(d, due, lv)
        ON CONFLICT DO NOTHING
    """  # noqa: S608 - the table name from the model, values as parameters
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 50_000):
            batch = rows[start : start + 50_000]
            cursor.execute(
                sql,
                [raised_at, sweep_id, [r[0] for r in batch], [r[1] for r in batch], [r[2] for r in batch]],
            )


def notifications_create(*, sweep_id: uuid.UUID, now: datetime) -> None:
    """One notification per (alert of this sweep, recipient), in one INSERT … SELECT.

    The recipients: the order's assigned staff and its authority's legal team, active
    ones, each once. The e-mail status: skipped for those who want no e-mail or have no
    address, waiting for the digest for those who chose it, to send otherwise.
    ``ON CONFLICT DO NOTHING`` keeps the (user, alert) constraint's promise if a
    notification exists already. PostgreSQL and SQLite both run it.
    """
    email = User.AlertEmail
    status = Notification.Email
    alert = Alert._meta.db_table
    deadline = Deadline._meta.db_table
    term = Term._meta.db_table
    order = Order._meta.db_table
    assignees = Order.assignees.through._meta.db_table
    user = User._meta.db_table
    sql = f"""
        INSERT INTO {Notification._meta.db_table}
            (user_id, alert_id, created_at, read_at, email_status, email_attempts, email_error, emailed_at,
             email_next_attempt_at)
        SELECT u.id, r.alert_id, %s, NULL,
               CASE WHEN u.alert_email = %s OR u.email = '' THEN %s WHEN u.alert_email = %s THEN %s ELSE %s END,
               0, '', NULL, NULL
        FROM (
            SELECT a.id AS alert_id, oa.user_id AS user_id
            FROM {alert} a JOIN {deadline} d ON d.id = a.deadline_id JOIN {term} t ON t.id = d.term_id
            JOIN {assignees} oa ON oa.order_id = t.order_id
            WHERE a.sweep_id = %s
            UNION
            SELECT a.id, lu.id
            FROM {alert} a JOIN {deadline} d ON d.id = a.deadline_id JOIN {term} t ON t.id = d.term_id
            JOIN {order} o ON o.id = t.order_id
            JOIN {user} lu ON lu.authority_id = o.authority_id AND lu.is_legal
            WHERE a.sweep_id = %s
        ) r JOIN {user} u ON u.id = r.user_id
        WHERE u.is_active
        ON CONFLICT DO NOTHING
    """  # noqa: S608 - table names from the models, values as parameters
    sweep = Alert._meta.get_field("sweep_id").get_db_prep_value(sweep_id, connection)
    params = [
        Notification._meta.get_field("created_at").get_db_prep_value(now, connection),
        email.NONE,
        status.SKIPPED,
        email.DAILY_DIGEST,
        status.DIGEST,
        status.PENDING,
        sweep,
        sweep,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


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
