"""A jurisdiction's legal calendar, from the database: the holidays package plus staff adjustments."""

from __future__ import annotations

from casework.models import HolidayAdjustment, Jurisdiction
from orders.deadlines import Calendar


def calendar_name(jurisdiction: Jurisdiction) -> str:
    """How explanations name the calendar: the jurisdiction and the package calendar behind it."""
    package = jurisdiction.holiday_country + (
        f"-{jurisdiction.holiday_subdivision}" if jurisdiction.holiday_subdivision else ""
    )
    return f"{jurisdiction.name_en} ({package or 'weekends only'})"


def calendar_for(jurisdiction: Jurisdiction, adjustments: list[HolidayAdjustment] | None = None) -> Calendar:
    """The calendar of ``jurisdiction``; pass ``adjustments`` when they were prefetched."""
    if adjustments is None:
        adjustments = list(jurisdiction.holiday_adjustments.all())
    added = {a.day: f"{a.name} ({a.source})" for a in adjustments if a.change == HolidayAdjustment.Change.ADD}
    removed = {a.day: a.source for a in adjustments if a.change == HolidayAdjustment.Change.REMOVE}
    return Calendar(
        name=calendar_name(jurisdiction),
        country=jurisdiction.holiday_country,
        subdivision=jurisdiction.holiday_subdivision,
        added=added,
        removed=removed,
    )
