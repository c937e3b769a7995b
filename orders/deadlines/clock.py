"""When a deadline ends, what day it is where the authority sits, and what lateness costs."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo


def deadline_ends_at(due_on: date, time_zone: str) -> datetime:
    """The instant a deadline ends: 23:59:59 on its due date in the authority's time zone.

    On the calendar's last day the instant would not fit in UTC (pages convert it): it is
    taken a day earlier there. Such a date cannot be entered (``casework.dates``); this
    keeps a page answering for one stored before the bounds existed.
    """
    due_on = min(due_on, date.max - timedelta(days=1))
    return datetime.combine(due_on, time(23, 59, 59), tzinfo=ZoneInfo(time_zone))


def local_today(now: datetime, time_zone: str) -> date:
    """The date it is at ``now`` (an aware instant) in ``time_zone``."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(ZoneInfo(time_zone)).date()


def days_late(due_on: date, today: date) -> int:
    """Days late after the due date; the due date itself is not counted."""
    return max(0, (today - due_on).days)


def penalty_accrued(*, due_on: date, today: date, daily_amount: Decimal) -> Decimal:
    """The daily penalty accrued by ``today``: days late (due date not counted) × the daily amount."""
    return daily_amount * days_late(due_on, today)
