"""The federal legal calendar: Interpretation Act holidays the ``holidays`` package leaves out.

Federal deadlines are counted in the ``CA`` jurisdiction's calendar, which is the
package's national Canadian calendar (``holidays.CA`` without a subdivision). That
calendar holds the holidays observed across Canada (New Year's Day, Good Friday,
Canada Day, Labour Day, Christmas Day), but subsection 35(1) of the Interpretation
Act, R.S.C. 1985, c. I-21, names more: Easter Monday, Victoria Day, National Day
for Truth and Reconciliation (since 2021-08-03, S.C. 2021, c. 11), Remembrance Day,
and any day appointed by proclamation as a day of thanksgiving (Thanksgiving Day).
Boxing Day is not among them (it is a general holiday of the Canada Labour Code,
not a holiday of the Interpretation Act), so it is not added.

Each missing day becomes a ``HolidayAdjustment`` of ``CA`` that adds it, with the
Act as its source. The dates come from the package itself: Easter Monday is the
day after Easter Sunday, three days after the national calendar's Good Friday; the
others are in the package's ``government`` category of the national calendar
(federal public service holidays), taken by name. The package's "(observed)"
substitute days are an employment rule, not the Act's, and are left out.

Loading is idempotent: a day that already has an adjustment (added here or by an
administrator, whatever it says) is left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import holidays
from django.db import transaction

from casework.models import HolidayAdjustment, Jurisdiction
from casework.services import save_recorded

FEDERAL_JURISDICTION = "CA"
INTERPRETATION_ACT = "Interpretation Act, R.S.C. 1985, c. I-21, s. 35"
# The years the demo's deadlines fall in, with room on both sides.
FEDERAL_HOLIDAY_YEARS = range(2020, 2031)

EASTER_MONDAY = "Easter Monday"
TRUTH_AND_RECONCILIATION = "National Day for Truth and Reconciliation"
# Names as the holidays package gives them (en_CA) in the "government" category of the national calendar.
FROM_GOVERNMENT_CATEGORY = ("Victoria Day", TRUTH_AND_RECONCILIATION, "Thanksgiving Day", "Remembrance Day")
# Added to s. 35(1) by S.C. 2021, c. 11 (in force 2021-08-03): first observed on 2021-09-30.
TRUTH_AND_RECONCILIATION_SINCE = 2021


def interpretation_act_holidays(years: Iterable[int]) -> dict[date, str]:
    """The s. 35 holidays missing from the package's national calendar, by date, for ``years``.

    Raises LookupError when the package no longer gives one of them for a year
    (a new package version renamed it): better a loud seed than a silent gap.
    """
    years = list(years)
    public = holidays.country_holidays("CA", years=years, language="en_CA")
    government = holidays.country_holidays("CA", years=years, categories=("government",), language="en_CA")
    found: dict[date, str] = {}
    for year in years:
        good_friday = [day for day, name in public.items() if day.year == year and name == "Good Friday"]
        if len(good_friday) != 1:
            raise LookupError(f"the holidays package gives no Good Friday for Canada in {year}")
        found[good_friday[0] + timedelta(days=3)] = EASTER_MONDAY
        for wanted in FROM_GOVERNMENT_CATEGORY:
            if wanted == TRUTH_AND_RECONCILIATION and year < TRUTH_AND_RECONCILIATION_SINCE:
                continue
            days = [day for day, name in government.items() if day.year == year and name == wanted]
            if len(days) != 1:
                raise LookupError(f"the holidays package gives no {wanted} for Canada in {year}")
            found[days[0]] = wanted
    return dict(sorted(found.items()))


@transaction.atomic
def load_federal_holidays(years: Iterable[int] = FEDERAL_HOLIDAY_YEARS) -> int:
    """Add the Interpretation Act holidays of ``years`` to the ``CA`` calendar; returns how many were added."""
    jurisdiction = Jurisdiction.objects.get(code=FEDERAL_JURISDICTION)
    wanted = interpretation_act_holidays(years)
    present = set(
        HolidayAdjustment.objects.filter(jurisdiction=jurisdiction, day__in=wanted).values_list("day", flat=True)
    )
    added = 0
    for day, name in wanted.items():
        if day in present:
            continue
        save_recorded(
            HolidayAdjustment(
                jurisdiction=jurisdiction,
                day=day,
                change=HolidayAdjustment.Change.ADD,
                name=name,
                source=INTERPRETATION_ACT,
            ),
            actor=None,
            reason="reference data loaded",
        )
        added += 1
    return added
