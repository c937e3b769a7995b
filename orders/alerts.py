"""The alert engine: the sweep that raises a deadline's alerts, and their delivery by e-mail and digest.

Which rung of the ladder a deadline is on is ``orders.deadlines.alert_ladder``'s rule;
days are counted in the issuing authority's time zone.

The database is the record of what is owed. The sweep finds deadlines through an
indexed query, inserts each (deadline, due date, level) once — a unique
constraint makes a second sweep, a retry or a rival worker a no-op — creates
the notifications in the same transaction, and only after commit asks Celery to
deliver the e-mails. If the broker is down, the notifications stay ``pending``
and the next sweep asks again: nothing depends on Redis keeping a message.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import smtplib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from casework.models import Authority, Investigation, User
from casework.permissions import users_who_may_see
from orders.deadlines import current_level, ladder, local_today
from orders.deadlines.alert_ladder import day_starts_at, first_rung_day, is_rung_offset, next_rung_day
from orders.models import (
    ACTIVE_DEADLINE_STATUSES,
    ORDER_STATUSES_NOT_ALERTING,
    Alert,
    Deadline,
    InvestigationClock,
    NextRung,
    Notification,
    Order,
    Term,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RaisedAlert:
    """An alert a sweep raised: an order's term (``order``, ``term``) or an investigation's
    statutory clock (``investigation``, ``clock``: the rule's code)."""

    authority: str
    order: str
    term: int
    level: str
    due_on: date
    investigation: str = ""
    clock: str = ""

    def as_dict(self) -> dict[str, Any]:
        if self.clock:
            return {
                "authority": self.authority,
                "investigation": self.investigation,
                "clock": self.clock,
                "level": self.level,
                "due_on": self.due_on.isoformat(),
            }
        return {
            "authority": self.authority,
            "order": self.order,
            "term": self.term,
            "level": self.level,
            "due_on": self.due_on.isoformat(),
        }


# --- The sweep --------------------------------------------------------------------------------------
#
# The next rung. Each deadline that can alert has a ``NextRung``, the instant from which the
# sweep owes it a look: local midnight of the first rung not yet looked at. The sweep reads only
# the deadlines whose instant has come (the index orders_nextrung_at), so a sweep with nothing
# due reads nothing, whatever the number of deadlines held. The rungs are a narrow table of their
# own: the sweep moves the rung of every deadline it reads, which in orders_deadline would write
# an entry in each of its indexes.
#
# The invariant: the next rung is never later than the start of the first rung whose alert is
# still owed. It holds because each writer sets a value no later than that:
# - the services (orders.services), whenever a due date or whether a deadline may alert changes,
#   and the bulk loaders (``deadlines_set_next_rung``), set the start of the due date's *first*
#   rung: no alert can be owed before it. A deadline whose first rung is past (an extension to a
#   date 10 days away, an order unstayed) is looked at by the next sweep, which raises its current
#   rung if that was never raised, as the sweep always did;
# - the sweep raises the current rung (or finds it raised) and sets the start of the *next* rung
#   after today: the current one is raised, and no level between them exists.
# A deadline that cannot alert (not running, no due date, its order stayed, draft or ended) has
# none; the sweep deletes one it finds on such a deadline. The sweep assumes time runs forward: a
# sweep ``--now`` in the past does not raise rungs that a later sweep has moved past.


def _due(now: datetime) -> list[tuple[int, date | None, str, int]]:
    """The running deadlines whose next rung has come: (id, due date, order status, authority id).

    Read through orders_nextrung_at; their rungs are locked for this sweep, ``FOR UPDATE SKIP
    LOCKED``: a deadline another sweep is raising, or a service is moving the rung of, is left to
    that transaction; its next rung stays due, so the next sweep sees it if it still owes an
    alert. Concurrent sweeps so never wait for each other nor raise the same deadline's alerts.
    A service that changes a deadline the sweep holds waits for the sweep to commit before it
    sets the deadline's rung again, as if the sweep had run just before it.
    """
    return list(
        NextRung.objects.filter(at__lte=now, deadline__status__in=ACTIVE_DEADLINE_STATUSES)
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("deadline_id", "deadline__due_on", "deadline__order__status", "deadline__order__authority_id")
    )


def sweep_deadlines(now: datetime | None = None) -> list[RaisedAlert]:
    """Raise every alert due at ``now``; safe to run twice, concurrently, or after an outage.

    1. Lock the running deadlines whose next rung has come (``_due``); nothing else is read.
    2. Compute each one's current rung in its authority's time zone, and the start of its next
       rung; a deadline found unable to alert (its order stayed…) gets none.
    3. INSERT the (deadline, due date, level) rows, ignoring conflicts, tagged with this sweep's id,
       and move each deadline's next rung forward, in one statement each.
    4. The rows with this sweep's id are the alerts this sweep raised: notify their recipients
       (one INSERT … SELECT, see ``notifications_create``).
    5. After commit, ask a worker to deliver the e-mails still owed (these and any earlier ones).

    Steps 3 and 4 handle plain tuples and set-based SQL rather than model instances: a
    sweep after an outage over a million deadlines raises tens of thousands of alerts at
    once (docs/performance.md).
    """
    now = now or timezone.now()
    rungs = ladder()
    sweep_id = uuid.uuid4()
    with transaction.atomic():
        due = _due(now)
        wanted: list[tuple[int, date, str]] = []
        next_rungs: list[tuple[int, datetime | None]] = []
        if due:
            zones = dict(Authority.objects.values_list("pk", "jurisdiction__time_zone"))
            days: dict[str, date] = {}  # each time zone's date at ``now``
            for pk, due_on, order_status, authority_id in due:
                if due_on is None or order_status in ORDER_STATUSES_NOT_ALERTING:
                    next_rungs.append((pk, None))  # it cannot alert: whatever set its next rung was wrong
                    continue
                level, next_at = _rung_now(due_on, zones[authority_id], now, days, rungs)
                if level is not None:
                    wanted.append((pk, due_on, level))
                next_rungs.append((pk, next_at))
        alerts_insert(wanted, raised_at=now, sweep_id=sweep_id)
        next_rungs_write(next_rungs, existing=True)
        raised: list[RaisedAlert] = []
        if wanted:
            raised = [
                RaisedAlert(authority, number, term, level, due_on)
                for due_on, level, authority, number, term in Alert.objects.filter(
                    sweep_id=sweep_id, deadline__isnull=False
                )
                .order_by("deadline_id")
                .values_list(
                    "due_on",
                    "level",
                    "deadline__order__authority__code",
                    "deadline__order__number",
                    "deadline__term__number",
                )
            ]
        if raised:
            notifications_create(sweep_id=sweep_id, now=now)
        transaction.on_commit(enqueue_delivery)
    return raised


def sweep(now: datetime | None = None) -> list[RaisedAlert]:
    """One whole sweep, what beat's task and ``manage.py sweep_deadlines`` run: the orders' deadlines,
    then the investigations' statutory clocks, each in its own transaction."""
    now = now or timezone.now()
    return [*sweep_deadlines(now), *sweep_clocks(now)]


def _rung_now(
    due_on: date, zone: str, now: datetime, days: dict[str, date], rungs: dict[str, Any]
) -> tuple[str | None, datetime]:
    """The rung reached at ``now`` by what is due ``due_on`` (None before the first) and the start of the next.

    ``days`` remembers each time zone's date at ``now`` across the sweep. Shared by deadlines and clocks.
    """
    today = days.get(zone) or days.setdefault(zone, local_today(now, zone))
    return current_level(due_on, today, rungs), _starts_at(next_rung_day(due_on, today, rungs), zone)


# --- Statutory clocks (orders.clocks) ----------------------------------------------------------------
#
# Swept in the same transaction and the same way as the deadlines: the running clocks whose next rung
# has come (the partial index orders_clock_next_rung), locked SKIP LOCKED, one alert per (clock, due
# date, level) by the constraint orders_alert_clock_once_per_level, notified to who may see the case.


def _clocks_due(now: datetime) -> list[tuple[int, date, int]]:
    """The running clocks whose next rung has come: (id, due date, authority id), locked for this sweep."""
    return list(
        InvestigationClock.objects.filter(status__in=ACTIVE_DEADLINE_STATUSES, next_alert_at__lte=now)
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", "due_on", "authority_id")
    )


def sweep_clocks(now: datetime | None = None) -> list[RaisedAlert]:
    """Raise every statutory clock alert due at ``now``: ``sweep_deadlines``'s steps, for the clocks.

    1. Lock the running clocks whose next rung has come (``_clocks_due``).
    2. Each one's current rung in its authority's time zone, and the start of the next.
    3. INSERT the (clock, due date, level) rows ignoring conflicts; move the next rungs forward.
    4. Notify the recipients of the alerts this sweep raised (``clock_notifications_create``).
    5. After commit, ask a worker to deliver the e-mails.
    """
    now = now or timezone.now()
    rungs = ladder()
    sweep_id = uuid.uuid4()
    with transaction.atomic():
        due = _clocks_due(now)
        if not due:
            return []
        zones = dict(Authority.objects.values_list("pk", "jurisdiction__time_zone"))
        days: dict[str, date] = {}
        wanted: list[tuple[int, date, str]] = []
        next_rungs: list[tuple[int, datetime | None]] = []
        for pk, due_on, authority_id in due:
            level, next_at = _rung_now(due_on, zones[authority_id], now, days, rungs)
            if level is not None:
                wanted.append((pk, due_on, level))
            next_rungs.append((pk, next_at))
        alerts_insert(wanted, raised_at=now, sweep_id=sweep_id, column="clock_id")
        _clock_next_rungs_write(next_rungs)
        raised: list[RaisedAlert] = []
        if wanted:
            raised = [
                RaisedAlert(authority, "", 0, level, due_on, investigation=reference, clock=code)
                for due_on, level, authority, reference, code in Alert.objects.filter(
                    sweep_id=sweep_id, clock__isnull=False
                )
                .order_by("clock_id")
                .values_list(
                    "due_on", "level", "clock__authority__code", "clock__investigation__reference", "clock__rule__code"
                )
            ]
        if raised:
            clock_notifications_create(sweep_id=sweep_id, now=now)
        transaction.on_commit(enqueue_delivery)
    return raised


@functools.lru_cache(maxsize=65536)
def _starts_at(day: date, time_zone: str) -> datetime:
    """``day_starts_at``, remembered: a sweep or a loader asks for the same few thousand (day, zone)."""
    return day_starts_at(day, time_zone)


def next_rung_of(
    *, status: str, due_on: date | None, order_status: str, time_zone: str, rungs: dict[str, Any] | None = None
) -> datetime | None:
    """The next rung a deadline gets when its due date or whether it may alert changes (the services').

    The start of the due date's first rung in the authority's time zone, or None when it cannot
    alert: not running, no due date yet, or its order does not alert.
    """
    if status not in ACTIVE_DEADLINE_STATUSES or due_on is None or order_status in ORDER_STATUSES_NOT_ALERTING:
        return None
    return _starts_at(first_rung_day(due_on, rungs or ladder()), time_zone)


def deadlines_set_next_rung(deadlines: QuerySet[Deadline] | Iterable[int]) -> int:
    """Set the next rung of ``deadlines`` (a QuerySet or ids) as the services would; returns how many changed.

    For the loaders that write deadlines in bulk (``bulk_create``, ``update``, SQL) and for
    ``manage.py recompute_next_rungs``: each deadline gets the start of its due date's first
    rung (``next_rung_of``), so that the next sweep looks at every one that may owe an alert
    and raises what is owed (nothing already raised: the constraint sees to it). Reads the
    deadlines in one query, writes only those whose value changes.
    """
    if not isinstance(deadlines, QuerySet):
        deadlines = Deadline.objects.filter(pk__in=list(deadlines))
    rungs = ladder()
    zones = dict(Authority.objects.values_list("pk", "jurisdiction__time_zone"))
    # A deadline that is not running and has no next rung keeps none: not even read.
    rows = (
        deadlines.filter(Q(next_rung__isnull=False) | Q(status__in=ACTIVE_DEADLINE_STATUSES))
        .order_by()
        .values_list("pk", "status", "due_on", "order__status", "order__authority_id", "next_rung__at")
    )
    changed: list[tuple[int, datetime | None]] = []
    for pk, status, due_on, order_status, authority_id, stored in rows.iterator(chunk_size=20_000):
        value = next_rung_of(
            status=status, due_on=due_on, order_status=order_status, time_zone=zones[authority_id], rungs=rungs
        )
        if value != stored:
            changed.append((pk, value))
    next_rungs_write(changed)
    return len(changed)


def next_rungs_write(rows: list[tuple[int, datetime | None]], *, existing: bool = False) -> None:
    """Write (deadline id, next rung) pairs: a rung is set, or deleted where it is None.

    No history and no ``updated_at``: the rung is derived from what the history records (the due
    date, the statuses, the ladder). On PostgreSQL one statement per 50 000 rows over arrays
    (``unnest``). ``existing``: every deadline with a rung has one already (the sweep, which read
    them), so a plain UPDATE does instead of an INSERT … ON CONFLICT.
    """
    if not rows:
        return
    gone = [pk for pk, value in rows if value is None]
    kept = [(pk, value) for pk, value in rows if value is not None]
    if connection.vendor != "postgresql":
        for start in range(0, len(gone), 500):
            NextRung.objects.filter(deadline_id__in=gone[start : start + 500]).delete()
        NextRung.objects.bulk_create(
            [NextRung(deadline_id=pk, at=value) for pk, value in kept],
            update_conflicts=True,
            unique_fields=["deadline"],
            update_fields=["at"],
            batch_size=500,
        )
        return
    # The table's name from the model, values as parameters.
    table = NextRung._meta.db_table
    if existing:
        write = f"""UPDATE {table} AS n SET at = r.at
            FROM unnest(%s::bigint[], %s::timestamptz[]) AS r(id, at) WHERE n.deadline_id = r.id"""  # noqa: S608
    else:
        write = f"""INSERT INTO {table} (deadline_id, at) SELECT id, at
            FROM unnest(%s::bigint[], %s::timestamptz[]) AS r(id, at)
            ON CONFLICT (deadline_id) DO UPDATE SET at = EXCLUDED.at"""  # noqa: S608
    delete = f"DELETE FROM {table} WHERE deadline_id = ANY(%s::bigint[])"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(gone), 50_000):
            cursor.execute(delete, [gone[start : start + 50_000]])
        for start in range(0, len(kept), 50_000):
            batch = kept[start : start + 50_000]
            cursor.execute(write, [[r[0] for r in batch], [r[1] for r in batch]])


def _clock_next_rungs_write(rows: list[tuple[int, datetime | None]]) -> None:
    """Write (clock id, next rung) pairs: a few hundred clocks at most, one UPDATE per value."""
    by_value: dict[datetime | None, list[int]] = {}
    for pk, value in rows:
        by_value.setdefault(value, []).append(pk)
    for value, pks in by_value.items():
        for start in range(0, len(pks), 500):
            InvestigationClock.objects.filter(pk__in=pks[start : start + 500]).update(next_alert_at=value)


@dataclass(frozen=True)
class NextRungProblem:
    """A deadline whose next rung breaks the sweep's invariant (``next_rung_problems``)."""

    deadline_id: int
    next_alert_at: datetime | None
    problem: str

    def as_dict(self) -> dict[str, Any]:
        stored = self.next_alert_at.isoformat() if self.next_alert_at else None
        return {"deadline": self.deadline_id, "next_alert_at": stored, "problem": self.problem}


def next_rung_problems(
    now: datetime | None = None, deadlines: QuerySet[Deadline] | None = None
) -> list[NextRungProblem]:
    """The deadlines whose next rung is missing or wrong at ``now`` (``recompute_next_rungs --check``, tests).

    Right is what the writers above leave: none when a deadline cannot alert; otherwise the start
    of a rung of its due date, in its authority's time zone, no later than the first alert still
    owed: once it is past ``now`` the current rung's alert is raised, and so is every rung it skips.
    Reads every deadline that can alert or has a next rung, and their alerts for their due dates:
    a command's or a test's work, not a page's.
    """
    now = now or timezone.now()
    rungs = ladder()
    if deadlines is None:
        deadlines = Deadline.objects.all()
    deadlines = deadlines.filter(Q(next_rung__isnull=False) | Q(status__in=ACTIVE_DEADLINE_STATUSES))
    zones = dict(Authority.objects.values_list("pk", "jurisdiction__time_zone"))
    raised: dict[int, set[str]] = {}
    for deadline_id, level in Alert.objects.filter(
        deadline__in=deadlines.values("pk"), due_on=F("deadline__due_on")
    ).values_list("deadline_id", "level"):
        raised.setdefault(deadline_id, set()).add(level)
    problems: list[NextRungProblem] = []
    rows = deadlines.order_by("pk").values_list(
        "pk", "status", "due_on", "order__status", "order__authority_id", "next_rung__at"
    )
    for pk, status, due_on, order_status, authority_id, stored in rows.iterator(chunk_size=20_000):
        zone = zones[authority_id]
        may_alert = next_rung_of(status=status, due_on=due_on, order_status=order_status, time_zone=zone, rungs=rungs)
        if may_alert is None or due_on is None:
            if stored is not None:
                problems.append(NextRungProblem(pk, stored, "set, though the deadline cannot alert"))
            continue
        if stored is None:
            problems.append(NextRungProblem(pk, stored, "missing"))
            continue
        problem = _next_rung_problem(due_on, stored, zone, now, raised.get(pk, set()), rungs)
        if problem:
            problems.append(NextRungProblem(pk, stored, problem))
    return problems


def _next_rung_problem(
    due_on: date, stored: datetime, zone: str, now: datetime, raised: set[str], rungs: dict[str, Any]
) -> str | None:
    """What is wrong with ``stored`` as the next rung of a deadline due ``due_on`` that can alert, or None."""
    day = local_today(stored, zone)
    if _starts_at(day, zone) != stored or not is_rung_offset((day - due_on).days, rungs):
        return f"not the start of a rung of {due_on.isoformat()} in {zone}"
    if stored <= now:
        return None  # the next sweep looks at it
    today = local_today(now, zone)
    level = current_level(due_on, today, rungs)
    if level is not None and level not in raised:
        return f"after {level}, owed now and not raised"
    skipped = next_rung_day(due_on, today, rungs)
    while skipped < day:
        level = current_level(due_on, skipped, rungs)
        if level is not None and level not in raised:
            return f"after {level} ({skipped.isoformat()}), not raised"
        skipped = next_rung_day(due_on, skipped, rungs)
    return None


def alerts_insert(
    rows: list[tuple[int, date, str]], *, raised_at: datetime, sweep_id: uuid.UUID, column: str = "deadline_id"
) -> None:
    """INSERT (deadline, due date, level) rows as alerts of this sweep; a row that exists already is skipped.

    ``column`` says what the ids are: deadlines (``deadline_id``) or statutory clocks (``clock_id``).
    On PostgreSQL, one statement per 50 000 rows over arrays (``unnest``): building model
    instances for each row cost more than the whole database work. Elsewhere, ``bulk_create``.
    """
    if column not in ("deadline_id", "clock_id"):
        raise ValueError(f"alerts are about deadlines or clocks, not {column!r}")
    if not rows:
        return
    if connection.vendor != "postgresql":
        alerts = [
            Alert(**{column: d}, due_on=due, level=lv, raised_at=raised_at, sweep_id=sweep_id) for d, due, lv in rows
        ]
        Alert.objects.bulk_create(alerts, ignore_conflicts=True, batch_size=2000)
        return
    sql = f"""
        INSERT INTO {Alert._meta.db_table} ({column}, due_on, level, raised_at, sweep_id)
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


def notifications_create(*, sweep_id: uuid.UUID, now: datetime) -> int:
    """One notification per (alert of this sweep, recipient who may see its investigation); returns how many.

    1. The candidates, in one SELECT: the order's assigned staff and its authority's legal
       team, active ones, each once per alert, with the investigation the alert is about.
    2. Keep only those who may see that investigation (``casework.permissions.users_who_may_see``,
       the rule every page applies): a confidential investigation's alerts reach only the
       people assigned to it, never a colleague of the same team who is not.
    3. Insert them; the e-mail status is skipped for those who want no e-mail or have no
       address, waiting for the digest for those who chose it, to send otherwise. Conflicts
       are ignored, keeping the (user, alert) constraint's promise if one exists already.
    """
    alert = Alert._meta.db_table
    deadline = Deadline._meta.db_table
    term = Term._meta.db_table
    order = Order._meta.db_table
    assignees = Order.assignees.through._meta.db_table
    user = User._meta.db_table
    sql = f"""
        SELECT r.alert_id, r.user_id, r.investigation_id
        FROM (
            SELECT a.id AS alert_id, oa.user_id AS user_id, o.investigation_id AS investigation_id
            FROM {alert} a JOIN {deadline} d ON d.id = a.deadline_id JOIN {term} t ON t.id = d.term_id
            JOIN {order} o ON o.id = t.order_id JOIN {assignees} oa ON oa.order_id = o.id
            WHERE a.sweep_id = %s
            UNION
            SELECT a.id, lu.id, o.investigation_id
            FROM {alert} a JOIN {deadline} d ON d.id = a.deadline_id JOIN {term} t ON t.id = d.term_id
            JOIN {order} o ON o.id = t.order_id
            JOIN {user} lu ON lu.authority_id = o.authority_id AND lu.is_legal
            WHERE a.sweep_id = %s
        ) r JOIN {user} u ON u.id = r.user_id
        WHERE u.is_active
    """  # noqa: S608 - table names from the models, values as parameters
    sweep = Alert._meta.get_field("sweep_id").get_db_prep_value(sweep_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [sweep, sweep])
        candidates = cursor.fetchall()
    return _notify(candidates, now)


def clock_notifications_create(*, sweep_id: uuid.UUID, now: datetime) -> int:
    """One notification per (clock alert of this sweep, recipient who may see its investigation); returns how many.

    The candidates: the investigation's assignees who belong to the clock's authority, and that
    authority's legal staff and managers, active ones. Then as ``notifications_create``: only those
    who may see the investigation (a confidential one: its assignees), e-mail as each chose.
    """
    alert = Alert._meta.db_table
    clock = InvestigationClock._meta.db_table
    assignees = Investigation.assignees.through._meta.db_table
    user = User._meta.db_table
    sql = f"""
        SELECT r.alert_id, r.user_id, r.investigation_id
        FROM (
            SELECT a.id AS alert_id, ia.user_id AS user_id, c.investigation_id AS investigation_id
            FROM {alert} a JOIN {clock} c ON c.id = a.clock_id
            JOIN {assignees} ia ON ia.investigation_id = c.investigation_id
            JOIN {user} au ON au.id = ia.user_id AND au.authority_id = c.authority_id
            WHERE a.sweep_id = %s
            UNION
            SELECT a.id, lu.id, c.investigation_id
            FROM {alert} a JOIN {clock} c ON c.id = a.clock_id
            JOIN {user} lu ON lu.authority_id = c.authority_id AND (lu.is_legal OR lu.is_manager)
            WHERE a.sweep_id = %s
        ) r JOIN {user} u ON u.id = r.user_id
        WHERE u.is_active
    """  # noqa: S608 - table names from the models, values as parameters
    sweep = Alert._meta.get_field("sweep_id").get_db_prep_value(sweep_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [sweep, sweep])
        candidates = cursor.fetchall()
    return _notify(candidates, now)


def _notify(candidates: list[tuple[int, int, int]], now: datetime) -> int:
    """Insert the notifications of (alert, user, investigation) ``candidates`` whose user may see the case."""
    allowed = users_who_may_see((investigation, user_id) for _, user_id, investigation in candidates)
    recipients = {
        pk: (preference, bool(address))
        for pk, preference, address in User.objects.filter(
            pk__in={user_id for _, user_id, _ in candidates}
        ).values_list("pk", "alert_email", "email")
    }
    rows = [
        (user_id, alert_id, _first_email_status(*recipients[user_id]))
        for alert_id, user_id, investigation in candidates
        if (investigation, user_id) in allowed
    ]
    _notifications_insert(rows, now)
    return len(rows)


def _notifications_insert(rows: list[tuple[int, int, str]], now: datetime) -> None:
    """INSERT (user, alert, e-mail status) rows created ``now``; one that exists already is skipped.

    On PostgreSQL, one statement per 50 000 rows over arrays (``unnest``), as ``alerts_insert``:
    a first sweep at full scale notifies more than 100 000 people, and building the model
    instances and their SQL cost more than inserting them. The columns not given are those
    that start empty (NULL), or as the model's defaults say.
    """
    if connection.vendor != "postgresql":
        notifications = [
            Notification(user_id=user_id, alert_id=alert_id, created_at=now, email_status=status)
            for user_id, alert_id, status in rows
        ]
        Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=5000)
        return
    sql = f"""
        INSERT INTO {Notification._meta.db_table}
            (user_id, alert_id, created_at, email_status, email_attempts, email_error, email_claimed_for_digest)
        SELECT u, a, %s, st, 0, '', false FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[]) AS r(u, a, st)
        ON CONFLICT DO NOTHING
    """  # noqa: S608 - the table name from the model, values as parameters
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 50_000):
            batch = rows[start : start + 50_000]
            cursor.execute(sql, [now, [r[0] for r in batch], [r[1] for r in batch], [r[2] for r in batch]])


def _first_email_status(preference: str, has_address: bool) -> str:
    if preference == User.AlertEmail.NONE or not has_address:
        return Notification.Email.SKIPPED
    if preference == User.AlertEmail.DAILY_DIGEST:
        return Notification.Email.DIGEST
    return Notification.Email.PENDING


def enqueue_delivery() -> None:
    """Ask a worker to deliver owed e-mails; if the broker is down, the next sweep asks again."""
    from orders.tasks import deliver_notifications as deliver_notifications_task

    try:
        deliver_notifications_task.apply_async(retry=False)
    except Exception as exc:  # the broker is unreachable: the rows stay pending in the database
        log.warning("could not enqueue e-mail delivery (will retry on the next sweep): %s", exc)


# --- Delivery -------------------------------------------------------------------------------------------
#
# Each e-mail is claimed, sent and recorded on its own (docs/deadlines-and-alerts.md, "Delivery"):
# a short UPDATE claims it (pending → sending), the relay is spoken to outside any transaction or
# lock, and another short UPDATE records the outcome where the claim is still ours. A worker killed
# in between leaves one row "sending", which a later run sends again (at least once).

# What a notification's e-mail, digest line or list row reads of its alert, whichever kind it is.
NOTIFICATION_RELATED = (
    "alert__deadline__term__order__authority__jurisdiction",
    "alert__deadline__term__order__investigation",
    "alert__clock__authority__jurisdiction",
    "alert__clock__investigation",
    "alert__clock__rule__statute",
)
NO_LONGER_VISIBLE = "not sent: the recipient may no longer see the investigation"
UNKNOWN_OUTCOME = "outcome unknown: the worker sending it stopped; sent again"
# What the row keeps of an error message (Notification.email_error's max_length).
ERROR_LENGTH = 500
# Replies about one message rather than the relay: the other e-mails can still go.
MESSAGE_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: ``sent``, ``retry``, ``failed`` or ``skipped``; whether the relay failed."""

    counted_as: str
    relay_down: bool = False


def _clock(now: datetime | None) -> Callable[[], datetime]:
    """The time for each step: the one given (tests, the command), else the real time at that step."""
    if now is None:
        return timezone.now
    return lambda: now


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4… minutes, at most ORDERS_EMAIL_RETRY_MAX_MINUTES."""
    minutes = 2 ** min(max(0, attempts - 1), 20)
    return timedelta(minutes=min(minutes, settings.ORDERS_EMAIL_RETRY_MAX_MINUTES))


def retry_window() -> timedelta:
    """How long after its alert an e-mail is still tried: then a failed attempt is its last."""
    return timedelta(hours=settings.ORDERS_EMAIL_RETRY_HOURS)


def _out_of_retries(created_at: datetime, retry_until: datetime | None, now: datetime) -> bool:
    """Whether a failed attempt at ``now`` is the last (an administrator's "send again" moves the end)."""
    return (retry_until or created_at + retry_window()) <= now


def sending_timeout() -> timedelta:
    """A claim older than this was left by a worker that died mid-send (a live send takes seconds)."""
    return timedelta(seconds=settings.ORDERS_EMAIL_SENDING_TIMEOUT_SECONDS)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]


def _relay_unavailable(exc: BaseException) -> bool:
    """The relay could not be reached, timed out, hung up or refused the session (not one message)."""
    return isinstance(exc, OSError) and not isinstance(exc, MESSAGE_REFUSALS)


def _permanently_refused(exc: BaseException) -> bool:
    """A 5xx reply about this message (an unknown recipient…): trying again cannot help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    return isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError) and exc.smtp_code >= 500


def _message_id(key: str) -> str:
    """The same Message-ID every time the same e-mail is sent: a copy sent again after a worker died
    mid-send (at-least-once) is recognisably the same message, which mail systems may discard."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
    return f"<{key}@{domain}>"


def send_message(message: EmailMessage) -> None:
    """Hand one message to the relay: the only place alert e-mail leaves (EMAIL_TIMEOUT bounds each step)."""
    message.send()


def notifications_reclaim(now: datetime | None = None) -> int:
    """E-mails left "sending" by a worker that died mid-send are owed again; returns how many.

    Whether the relay had accepted such an e-mail is unknown. The policy is at least once: a
    deadline alert must not be lost, and the doubt covers one e-mail per worker killed (the one
    it was sending), sent again with the same Message-ID. The unknown attempt counts as one;
    one past the retry window is marked failed instead, for an administrator to see.
    """
    now = now or timezone.now()
    stale = Notification.objects.filter(
        email_status=Notification.Email.SENDING, email_claimed_at__lt=now - sending_timeout()
    ).values_list("pk", "email_claim", "email_claimed_for_digest", "created_at", "email_retry_until")
    reclaimed = 0
    for pk, claim, for_digest, created_at, retry_until in stale:
        gave_up = _out_of_retries(created_at, retry_until, now)
        back_to = Notification.Email.DIGEST if for_digest else Notification.Email.PENDING
        # Conditional on the claim: a worker that was only slow and recorded meanwhile wins.
        reclaimed += Notification.objects.filter(
            pk=pk, email_status=Notification.Email.SENDING, email_claim=claim
        ).update(
            email_status=Notification.Email.FAILED if gave_up else back_to,
            email_claim=None,
            email_claimed_for_digest=False,
            email_attempts=F("email_attempts") + 1,
            email_error=UNKNOWN_OUTCOME,
            email_next_attempt_at=None if gave_up else now,
        )
    if reclaimed:
        log.warning("%d e-mail(s) left sending by a worker that stopped are owed again", reclaimed)
    return reclaimed


def deliver_notifications(now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Send the immediate e-mails owed, each claimed, sent and recorded on its own; returns the counts.

    1. Claims left by a worker that died are owed again (``notifications_reclaim``).
    2. Read the ids owed now, oldest first (the partial index orders_notification_owed), no lock.
    3. For each (``_deliver_one``): claim it with ``UPDATE … SET email_status='sending' WHERE
       email_status='pending'`` (a row another worker claimed first is left to it); check that
       the recipient may still see the investigation; send outside any transaction or lock;
       record the outcome where the claim is still ours.
    4. If the relay itself failed (refused, timed out, hung up), stop: the others would fail the
       same way, each after a timeout, and stay pending for the next run. If e-mail went out and
       nothing failed, the e-mails waiting on a backoff go too: the relay works again.
    Run it outside any transaction (the task does): each statement commits on its own.
    """
    clock = _clock(now)
    counts = {"sent": 0, "failed": 0, "retry": 0, "skipped": 0}
    notifications_reclaim(clock())
    token = uuid.uuid4()
    for waiting_on_backoff in (False, True):
        if waiting_on_backoff and (counts["sent"] == 0 or counts["retry"] or counts["failed"]):
            break
        for pk in _owed_ids(clock(), limit=limit - sum(counts.values()), waiting_on_backoff=waiting_on_backoff):
            outcome = _deliver_one(pk, token=token, clock=clock, waiting_on_backoff=waiting_on_backoff)
            if outcome is None:  # another worker claimed it first
                continue
            counts[outcome.counted_as] += 1
            if outcome.relay_down:
                return counts
    return counts


def _owed_ids(now: datetime, *, limit: int, waiting_on_backoff: bool) -> list[int]:
    owed = Notification.objects.filter(email_status=Notification.Email.PENDING)
    if waiting_on_backoff:
        owed = owed.filter(email_next_attempt_at__gt=now)
    else:
        owed = owed.filter(Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now))
    return list(owed.order_by("created_at", "pk").values_list("pk", flat=True)[: max(limit, 0)])


def _record(pk: int, token: uuid.UUID, **fields: Any) -> bool:
    """Write an attempt's outcome if the claim is still ours (False: a reconciliation took it back)."""
    recorded = Notification.objects.filter(pk=pk, email_status=Notification.Email.SENDING, email_claim=token).update(
        email_claim=None, email_claimed_for_digest=False, **fields
    )
    if not recorded:
        log.warning("notification %s: the claim was taken back before its outcome was recorded", pk)
    return bool(recorded)


def _deliver_one(
    pk: int, *, token: uuid.UUID, clock: Callable[[], datetime], waiting_on_backoff: bool
) -> Outcome | None:
    """Claim, check, send and record one e-mail; None if another worker claimed it first."""
    now = clock()
    due = Q() if waiting_on_backoff else Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now)
    claimed = Notification.objects.filter(due, pk=pk, email_status=Notification.Email.PENDING).update(
        email_status=Notification.Email.SENDING, email_claim=token, email_claimed_at=now, email_claimed_for_digest=False
    )
    if not claimed:
        return None
    notification = Notification.objects.select_related(*NOTIFICATION_RELATED, "user__authority").get(pk=pk)
    investigation = notification.alert.investigation_id
    if (investigation, notification.user_id) not in users_who_may_see([(investigation, notification.user_id)]):
        # Unassigned (or moved) since the alert: the e-mail would tell them of a case they may not see.
        _record(pk, token, email_status=Notification.Email.SKIPPED, email_error=NO_LONGER_VISIBLE)
        return Outcome("skipped")
    attempts = notification.email_attempts + 1
    try:
        _send_alert_email(notification)
    except Exception as exc:  # SMTP and template errors are recorded, then retried with backoff
        last = _out_of_retries(notification.created_at, notification.email_retry_until, clock())
        return _record_failure(pk, token, exc, attempts=attempts, last=last, now=clock())
    _record(
        pk,
        token,
        email_status=Notification.Email.SENT,
        email_attempts=attempts,
        emailed_at=clock(),
        email_error="",
        email_next_attempt_at=None,
    )
    return Outcome("sent")


def _record_failure(pk: int, token: uuid.UUID, exc: Exception, *, attempts: int, last: bool, now: datetime) -> Outcome:
    relay_down = _relay_unavailable(exc)
    log.warning("notification %s: e-mail attempt %d failed: %s", pk, attempts, _error_text(exc))
    if last or _permanently_refused(exc):
        _record(
            pk, token, email_status=Notification.Email.FAILED, email_attempts=attempts, email_error=_error_text(exc)
        )
        return Outcome("failed", relay_down)
    _record(
        pk,
        token,
        email_status=Notification.Email.PENDING,
        email_attempts=attempts,
        email_error=_error_text(exc),
        email_next_attempt_at=now + retry_delay(attempts),
    )
    return Outcome("retry", relay_down)


def _send_alert_email(notification: Notification) -> None:
    alert = notification.alert
    context: dict[str, Any] = {"notification": notification, "alert": alert, "user": notification.user}
    # An order's deadline, or an investigation's statutory clock: each has its own e-mail.
    name = "clock-alert" if alert.clock_id is not None else "alert"
    if alert.clock is not None:
        context["clock"] = alert.clock
    else:
        context["deadline"] = alert.deadline
        context["order"] = alert.deadline.term.order  # type: ignore[union-attr]
    with translation.override(_user_language(notification.user)):
        subject = render_to_string(f"orders/emails/{name}-subject.txt", context).strip()
        body = render_to_string(f"orders/emails/{name}-body.txt", context)
        html = render_to_string(f"orders/emails/{name}-body.html", context)
    message = EmailMultiAlternatives(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.user.email],
        headers={"Message-ID": _message_id(f"alert-{notification.alert_id}-to-{notification.user_id}")},
    )
    message.attach_alternative(html, "text/html")
    send_message(message)


def _user_language(user: User) -> str:
    authority = user.authority
    if authority is not None and authority.issues_in == ["fr"]:
        return "fr"
    return "en"


def last_digest_time(now: datetime) -> datetime:
    """The latest ORDERS_DIGEST_HOUR_UTC at or before ``now``."""
    today = now.astimezone(UTC).replace(hour=settings.ORDERS_DIGEST_HOUR_UTC, minute=0, second=0, microsecond=0)
    return today if today <= now else today - timedelta(days=1)


def send_digests(now: datetime | None = None, *, due_only: bool = False) -> int:
    """One e-mail per user gathering the alerts waiting for their daily digest; returns how many went.

    For each user with rows waiting (and whose retry time, if any, has come):
    1. Claim them in one UPDATE (digest → sending, one token for the lot); rows another
       worker claimed are not among them.
    2. Rows whose investigation the user may no longer see are skipped.
    3. Send the digest outside any transaction; record it sent, or put the rows back to wait
       for a retry with backoff (failed past the retry window), where the claim is still ours.
    ``due_only`` (the per-minute delivery task): only digests a failed or lost daily run owes,
    rows retrying or raised before the last digest hour. A relay failure stops the run.
    """
    clock = _clock(now)
    now = clock()
    waiting = Q(email_status=Notification.Email.DIGEST) & (
        Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now)
    )
    if due_only:
        waiting &= Q(email_attempts__gt=0) | Q(created_at__lt=last_digest_time(now))
    sent = 0
    users = User.objects.filter(Exists(Notification.objects.filter(waiting, user=OuterRef("pk")))).order_by("pk")
    for user in users:
        token = uuid.uuid4()
        claimed = Notification.objects.filter(waiting, user=user).update(
            email_status=Notification.Email.SENDING,
            email_claim=token,
            email_claimed_at=clock(),
            email_claimed_for_digest=True,
        )
        if not claimed:  # another worker took them
            continue
        waiting_rows = list(
            Notification.objects.filter(email_claim=token, email_status=Notification.Email.SENDING)
            .select_related(*NOTIFICATION_RELATED)
            .order_by("alert__due_on", "pk")
        )
        allowed = users_who_may_see((n.alert.investigation_id, user.pk) for n in waiting_rows)
        items = [n for n in waiting_rows if (n.alert.investigation_id, user.pk) in allowed]
        hidden = [n.pk for n in waiting_rows if n not in items]
        if hidden:
            Notification.objects.filter(pk__in=hidden, email_claim=token).update(
                email_status=Notification.Email.SKIPPED,
                email_error=NO_LONGER_VISIBLE,
                email_claim=None,
                email_claimed_for_digest=False,
            )
        if not items:
            continue
        try:
            _send_digest_email(user, items, now=clock())
        except Exception as exc:  # recorded on each row, then retried with backoff
            _digest_failed(items, token, exc, now=clock())
            if _relay_unavailable(exc):
                break
            continue
        Notification.objects.filter(pk__in=[n.pk for n in items], email_claim=token).update(
            email_status=Notification.Email.SENT,
            emailed_at=clock(),
            email_error="",
            email_attempts=F("email_attempts") + 1,
            email_next_attempt_at=None,
            email_claim=None,
            email_claimed_for_digest=False,
        )
        sent += 1
    return sent


def _send_digest_email(user: User, items: list[Notification], *, now: datetime) -> None:
    context = {"user": user, "items": items, "now": now}
    with translation.override(_user_language(user)):
        subject = render_to_string("orders/emails/digest-subject.txt", context).strip()
        body = render_to_string("orders/emails/digest-body.txt", context)
    # The same set of alerts sent again keeps its Message-ID.
    key = hashlib.sha256(",".join(str(n.pk) for n in sorted(items, key=lambda n: n.pk)).encode()).hexdigest()[:24]
    message = EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], headers={"Message-ID": _message_id(f"digest-{key}")}
    )
    send_message(message)


def _digest_failed(items: list[Notification], token: uuid.UUID, exc: Exception, *, now: datetime) -> None:
    log.warning("digest for user %s failed: %s", items[0].user_id, _error_text(exc))
    attempts = max(n.email_attempts for n in items) + 1
    for item in items:
        gave_up = _permanently_refused(exc) or _out_of_retries(item.created_at, item.email_retry_until, now)
        Notification.objects.filter(pk=item.pk, email_claim=token, email_status=Notification.Email.SENDING).update(
            email_status=Notification.Email.FAILED if gave_up else Notification.Email.DIGEST,
            email_attempts=F("email_attempts") + 1,
            email_error=_error_text(exc),
            email_next_attempt_at=None if gave_up else now + retry_delay(attempts),
            email_claim=None,
            email_claimed_for_digest=False,
        )
