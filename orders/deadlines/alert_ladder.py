"""The alert ladder: the days, relative to a due date, on which a deadline raises an alert.

The ladder (``settings.ORDERS_ALERT_LADDER``) names days relative to the due date:
``T-30``, ``T-14``, ``T-7``, ``T-1`` before it, ``T0`` on it, ``T+1`` the first
day late and every 7 days after (``T+8``, ``T+15``…) while it stays open. Plain
functions of dates: the sweep (``orders.alerts``) and the order page both read it.

A *rung* is a day on which the level may change (``T-30``, ``T-14``… ``T+1``, ``T+8``…);
the level reached on a day (``current_level``) is the last rung's. Each deadline keeps the
start of the next rung the sweep must look at (``NextRung.at``):
``first_rung_day`` when its due date is set, ``next_rung_day`` once the sweep raised the
current one, each taken from local midnight in the authority's time zone (``day_starts_at``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from casework.dates import shift

DEFAULT_LADDER: dict[str, Any] = {"before": [30, 14, 7, 1], "on_due": True, "late_first": 1, "late_every": 7}


def ladder() -> dict[str, Any]:
    """The ladder in the settings, over the defaults; a value that cannot be a ladder is refused by name."""
    rungs = {**DEFAULT_LADDER, **getattr(settings, "ORDERS_ALERT_LADDER", {})}
    if not all(isinstance(days, int) for days in rungs["before"]):
        raise ImproperlyConfigured(f"ORDERS_ALERT_DAYS_BEFORE must be whole numbers of days, not {rungs['before']!r}")
    if not isinstance(rungs["late_first"], int) or not isinstance(rungs["late_every"], int) or rungs["late_every"] < 1:
        raise ImproperlyConfigured(
            "ORDERS_ALERT_LATE_EVERY must be a whole number of days, at least 1, "
            f"not {rungs['late_every']!r} (first late rung {rungs['late_first']!r})"
        )
    return rungs


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


# --- The next rung (``NextRung.at``) --------------------------------------------------------------
#
# Offsets are days from the due date (``T-7`` is -7). The rungs are every offset at which
# ``current_level`` may change: the days before, the due date (when ``on_due``), and the
# first late day then every ``late_every`` days. A rung where the level happens not to change
# (a ladder naming a day twice) costs the sweep one look, never an alert.


def first_rung_offset(rungs: dict[str, Any] | None = None) -> int:
    """The ladder's first rung: before it, no level is reached (``current_level`` is None)."""
    rungs = rungs or ladder()
    late_first = int(rungs["late_first"])
    return min([-int(days) for days in rungs["before"]] + ([0] if rungs["on_due"] else []) + [late_first])


def next_rung_offset(offset: int, rungs: dict[str, Any] | None = None) -> int:
    """The first rung after ``offset`` (there is always one: the late rungs never end)."""
    rungs = rungs or ladder()
    late_first = int(rungs["late_first"])
    late_every = int(rungs["late_every"])
    after = [-int(days) for days in rungs["before"] if -int(days) > offset]
    if rungs["on_due"] and offset < 0:
        after.append(0)
    if offset < late_first:
        after.append(late_first)
    else:
        after.append(late_first + ((offset - late_first) // late_every + 1) * late_every)
    return min(after)


def is_rung_offset(offset: int, rungs: dict[str, Any] | None = None) -> bool:
    """Whether the level may change ``offset`` days from the due date."""
    rungs = rungs or ladder()
    late_first = int(rungs["late_first"])
    if offset >= late_first and (offset - late_first) % int(rungs["late_every"]) == 0:
        return True
    return offset in {-int(days) for days in rungs["before"]} or (bool(rungs["on_due"]) and offset == 0)


def first_rung_day(due_on: date, rungs: dict[str, Any] | None = None) -> date:
    """The day of a due date's first rung (``T-30`` with the default ladder)."""
    return shift(due_on, first_rung_offset(rungs))


def next_rung_day(due_on: date, today: date, rungs: dict[str, Any] | None = None) -> date:
    """The day of the first rung after ``today`` (the sweep has raised today's)."""
    return shift(due_on, next_rung_offset((today - due_on).days, rungs))


def day_starts_at(day: date, time_zone: str) -> datetime:
    """The first instant of ``day`` in ``time_zone``, in UTC: local midnight.

    Where a change of clocks skips midnight (clocks go from 23:59:59 to 01:00), Python reads
    the missing 00:00 with the offset before the change: the instant of the change, which is
    the day's first instant there too. ``local_today`` of the result is ``day``.
    """
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(time_zone)).astimezone(UTC)
