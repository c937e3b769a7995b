"""The alert ladder: the days, relative to a due date, on which a deadline raises an alert.

The ladder (``settings.ORDERS_ALERT_LADDER``) names days relative to the due date:
``T-30``, ``T-14``, ``T-7``, ``T-1`` before it, ``T0`` on it, ``T+1`` the first
day late and every 7 days after (``T+8``, ``T+15``…) while it stays open. Plain
functions of dates: the sweep (``orders.alerts``) and the order page both read it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings

from casework.dates import shift

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
    found = [(level_name(-d), shift(due_on, -d)) for d in sorted(rungs["before"], reverse=True)]
    if rungs["on_due"]:
        found.append(("T0", due_on))
    offset = int(rungs["late_first"])
    # At the calendar's end a rung would repeat forever on date.max: stop there.
    while shift(due_on, offset) <= until and shift(due_on, offset) < date.max:
        found.append((level_name(offset), shift(due_on, offset)))
        offset += int(rungs["late_every"])
    return found
