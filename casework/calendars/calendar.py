"""The calendar a deadline is counted in: the statute's holidays, corrected by staff.

``Calendar`` is plain data (no database): the jurisdiction's statutory calendar
(``casework.calendars.legal``) plus the days staff added (a proclaimed day of
mourning) or removed, each with its source. ``calendar_for`` builds it from a
``Jurisdiction`` and its ``HolidayAdjustment`` rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone

from casework.calendars.legal import SATURDAY, SUNDAY, WEEKDAYS, Holiday, LegalCalendar, legal_calendar

if TYPE_CHECKING:
    from casework.models import Authority, HolidayAdjustment, Jurisdiction

WEEKEND = frozenset({SATURDAY, SUNDAY})
# Appended to the name of a holiday whose statutory text was not verified, so that no explanation presents it as fact.
UNVERIFIED_EN = " [not verified]"
UNVERIFIED_FR = " [non vérifié]"


@dataclass(frozen=True)
class Calendar:
    """A jurisdiction's legal calendar for deadline arithmetic.

    ``name``/``name_fr`` say what the holidays are, as an explanation cites them
    ("holidays under the Interpretation Act, RSBC 1996, c 238, s 29"). ``added``
    maps a day to the holiday staff added; ``removed`` maps a day to the source
    of its removal.
    """

    name: str
    name_fr: str = ""
    legal: LegalCalendar | None = None
    added: Mapping[date, Holiday] = field(default_factory=dict)
    removed: Mapping[date, str] = field(default_factory=dict)

    @classmethod
    def statutory(
        cls, code: str, *, added: Iterable[Holiday] = (), removed: Mapping[date, str] | None = None
    ) -> Calendar:
        """The calendar of a jurisdiction code from its data file alone (tests, tools); KeyError if none."""
        legal = legal_calendar(code)
        if legal is None:
            raise KeyError(f"no legal calendar for {code}")
        return cls(
            name=legal.name_en,
            name_fr=legal.name_fr,
            legal=legal,
            added={h.day: h for h in added},
            removed=dict(removed or {}),
        )

    @property
    def non_business_weekdays(self) -> frozenset[int]:
        # Saturdays and Sundays never count as business days (the product's rule), whatever else the statute adds.
        return WEEKEND | (self.legal.non_business_weekdays if self.legal else frozenset())

    def holiday(self, day: date) -> Holiday | None:
        """The holiday on ``day``, or None for an ordinary day (weekends are not holidays here)."""
        if day in self.removed:
            return None
        if day in self.added:
            return self.added[day]
        if self.legal is None:
            return None
        return self.legal.holiday(day)

    def holiday_name(self, day: date, language: str = "en") -> str | None:
        holiday = self.holiday(day)
        if holiday is None:
            return None
        french = language.startswith("fr")
        suffix = "" if holiday.verified else (UNVERIFIED_FR if french else UNVERIFIED_EN)
        return holiday.name(language) + suffix

    def is_business_day(self, day: date) -> bool:
        return day.weekday() not in self.non_business_weekdays and self.holiday(day) is None

    def why_not_business_day(self, day: date, language: str = "en") -> str | None:
        """``"Saturday"``, ``"Sunday"`` or the holiday's statutory name; None on a business day."""
        french = language.startswith("fr")
        if day.weekday() == SATURDAY:
            return "samedi" if french else "Saturday"
        if day.weekday() == SUNDAY:
            return "dimanche" if french else "Sunday"
        name = self.holiday_name(day, language)
        if name is None and day.weekday() in self.non_business_weekdays:
            return WEEKDAYS[day.weekday()]
        return name


def adjustment_holiday(adjustment: HolidayAdjustment) -> Holiday:
    """A day added by staff as the explanation cites it: its name and its source."""
    return Holiday(
        day=adjustment.day,
        key="adjustment",
        name_en=f"{adjustment.name} ({adjustment.source})",
        name_fr=f"{adjustment.name_fr or adjustment.name} ({adjustment.source})",
        citation=adjustment.source,
        verified=adjustment.verified,
    )


def no_statute_names(jurisdiction: Jurisdiction) -> tuple[str, str]:
    """How a calendar with no statutory file is named: say so rather than pretend."""
    return (
        f"holidays recorded by staff for {jurisdiction.name_en} (no statutory calendar on file)",
        f"jours fériés inscrits par le personnel pour {jurisdiction.name_fr or jurisdiction.name_en} "
        "(aucun calendrier légal au dossier)",
    )


def calendar_for(jurisdiction: Jurisdiction, adjustments: list[HolidayAdjustment] | None = None) -> Calendar:
    """The calendar of ``jurisdiction``; pass ``adjustments`` when they were prefetched."""
    if adjustments is None:
        adjustments = list(jurisdiction.holiday_adjustments.all())
    added = {a.day: adjustment_holiday(a) for a in adjustments if a.adds}
    removed = {a.day: a.source for a in adjustments if not a.adds}
    legal = legal_calendar(jurisdiction.legal_calendar)
    if legal is None:
        name, name_fr = no_statute_names(jurisdiction)
    else:
        name, name_fr = legal.name_en, legal.name_fr
    return Calendar(name=name, name_fr=name_fr, legal=legal, added=added, removed=removed)


def authority_today(authority: Authority, now: datetime | None = None) -> date:
    """The date it is for ``authority``: legal events (granted, served, met, stayed) are dated in its time zone.

    One "today" for every legal date the product records or proposes, whatever the
    server's or the user's time zone: at 17:00 in Vancouver on 6 December it is
    already 7 December in UTC, and a BC extension granted then is dated 6 December.
    """
    now = now or timezone.now()
    return now.astimezone(ZoneInfo(authority.jurisdiction.time_zone)).date()
