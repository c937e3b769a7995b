"""Days proclaimed once as holidays, from the statutory calendar files, as holiday adjustments.

The statutory calendars (``casework/calendars/data/*.toml``) hold each
jurisdiction's Interpretation Act holidays as rules that work for any year. A day
proclaimed once (the National Day of Mourning of 2022-09-19) is not a rule: the
files list it under ``[[proclaimed]]`` with its source, and it becomes a
``HolidayAdjustment`` of every jurisdiction counted in that calendar, where
administrators see it beside the days they add or remove themselves. A day whose
proclamation was not read is loaded only when its file says ``load = true``.

Loading is idempotent: a day that already has an adjustment (added here or by an
administrator, whatever it says) is left alone.
"""

from __future__ import annotations

from django.db import transaction

from casework.calendars import legal_calendars
from casework.models import HolidayAdjustment, Jurisdiction
from casework.services import save_recorded


@transaction.atomic
def load_proclaimed_days() -> int:
    """Add each calendar file's proclaimed days to the jurisdictions counted in it; returns how many were added."""
    added = 0
    calendars = legal_calendars()
    for jurisdiction in Jurisdiction.objects.exclude(legal_calendar=""):
        calendar = calendars.get(jurisdiction.legal_calendar)
        if calendar is None or not calendar.proclaimed:
            continue
        present = set(
            HolidayAdjustment.objects.filter(
                jurisdiction=jurisdiction, day__in=[p.day for p in calendar.proclaimed]
            ).values_list("day", flat=True)
        )
        for day in calendar.proclaimed:
            if day.day in present or not day.load:
                continue
            save_recorded(
                HolidayAdjustment(
                    jurisdiction=jurisdiction,
                    day=day.day,
                    change=HolidayAdjustment.Change.ADD,
                    name=day.name_en,
                    name_fr=day.name_fr,
                    source=day.source,
                    verified=day.verified,
                ),
                actor=None,
                reason="reference data loaded",
            )
            added += 1
    return added
