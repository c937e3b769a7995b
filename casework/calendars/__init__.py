"""Each jurisdiction's legal calendar: the holidays its statute defines, and days staff add or remove.

- ``legal``: the statutory calendars, read from the TOML files in ``data/``
  (``docs/legal-calendars.md`` documents the format and the sources).
- ``calendar``: ``Calendar``, what deadline arithmetic counts in, and
  ``calendar_for(jurisdiction)`` that builds it from the database.
"""

from casework.calendars.calendar import Calendar, authority_today, calendar_for
from casework.calendars.legal import CalendarDataError, Holiday, LegalCalendar, legal_calendar, legal_calendars

__all__ = [
    "Calendar",
    "CalendarDataError",
    "Holiday",
    "authority_today",
    "LegalCalendar",
    "calendar_for",
    "legal_calendar",
    "legal_calendars",
]
