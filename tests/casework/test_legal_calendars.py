"""The statutory legal calendars: each jurisdiction's holidays as its Interpretation Act lists them.

Three kinds of checks, so that a holiday can be neither added nor lost unnoticed:

1. For the four Canadian calendars of the Clearview case, every holiday of
   2020–2035 against the statute's list, computed here a second way from the text
   (Easter Mondays written out), with the days the package calls "observed" that
   must be working days.
2. Every calendar file against a reviewed snapshot of its holidays for 2020–2035
   (``data/legal_holidays_2020_2035.json``): a change to a file must change the
   snapshot in the same commit. ``UPDATE_LEGAL_SNAPSHOT=1 pytest …`` rewrites it.
3. A comparison with the ``holidays`` package that names each deliberate
   difference and why: the package may drift, the statute may not.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest

from casework.calendars import Calendar, CalendarDataError, legal_calendar, legal_calendars
from casework.calendars.legal import parse_calendar

YEARS = range(2020, 2036)
SNAPSHOT = Path(__file__).parent / "data" / "legal_holidays_2020_2035.json"
MONDAY = 0

# Easter Sunday, Western, 2020–2035 (from the Church's tables, written out).
EASTER = {
    2020: date(2020, 4, 12),
    2021: date(2021, 4, 4),
    2022: date(2022, 4, 17),
    2023: date(2023, 4, 9),
    2024: date(2024, 3, 31),
    2025: date(2025, 4, 20),
    2026: date(2026, 4, 5),
    2027: date(2027, 3, 28),
    2028: date(2028, 4, 16),
    2029: date(2029, 4, 1),
    2030: date(2030, 4, 21),
    2031: date(2031, 4, 13),
    2032: date(2032, 3, 28),
    2033: date(2033, 4, 17),
    2034: date(2034, 4, 9),
    2035: date(2035, 3, 25),
}


def nth_monday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(MONDAY - first.weekday()) % 7 + 7 * (n - 1))


def monday_before_may_25(year: int) -> date:
    day = date(year, 5, 24)
    while day.weekday() != MONDAY:
        day -= timedelta(days=1)
    return day


def canada_day(year: int) -> date:
    """Holidays Act s 2: 1 July, or 2 July when 1 July is a Sunday."""
    first = date(year, 7, 1)
    return first + timedelta(days=1) if first.weekday() == 6 else first


def federal(year: int) -> dict[date, str]:
    """Interpretation Act, RSC 1985, c I-21, s 35(1)."""
    days = {
        date(year, 1, 1): "new_years_day",
        EASTER[year] - timedelta(days=2): "good_friday",
        EASTER[year] + timedelta(days=1): "easter_monday",
        monday_before_may_25(year): "victoria_day",
        canada_day(year): "canada_day",
        nth_monday(year, 9, 1): "labour_day",
        nth_monday(year, 10, 2): "thanksgiving_day",
        date(year, 11, 11): "remembrance_day",
        date(year, 12, 25): "christmas_day",
    }
    if year >= 2021:
        days[date(year, 9, 30)] = "truth_and_reconciliation"
    return days


def quebec(year: int) -> dict[date, str]:
    """Loi d'interprétation, RLRQ c I-16, art. 61(23): no 2 January, no 26 December, no 25 June."""
    return {
        date(year, 1, 1): "january_1",
        EASTER[year] - timedelta(days=2): "good_friday",
        EASTER[year] + timedelta(days=1): "easter_monday",
        monday_before_may_25(year): "sovereigns_birthday",
        date(year, 6, 24): "national_holiday",
        canada_day(year): "confederation",
        nth_monday(year, 9, 1): "labour_day",
        nth_monday(year, 10, 2): "second_monday_october",
        date(year, 12, 25): "december_25",
    }


def british_columbia(year: int) -> dict[date, str]:
    """Interpretation Act, RSBC 1996, c 238, s 29: with Easter Monday and December 26."""
    days = {
        date(year, 1, 1): "new_years_day",
        nth_monday(year, 2, 3): "family_day_third_monday",
        EASTER[year] - timedelta(days=2): "good_friday",
        EASTER[year] + timedelta(days=1): "easter_monday",
        monday_before_may_25(year): "victoria_day",
        canada_day(year): "canada_day",
        nth_monday(year, 8, 1): "british_columbia_day",
        nth_monday(year, 9, 1): "labour_day",
        nth_monday(year, 10, 2): "thanksgiving_day",
        date(year, 11, 11): "remembrance_day",
        date(year, 12, 25): "christmas_day",
        date(year, 12, 26): "december_26",
    }
    if year >= 2023:
        days[date(year, 9, 30)] = "truth_and_reconciliation"
    return days


def alberta(year: int) -> dict[date, str]:
    """Interpretation Act, RSA 2000, c I-8, s 28(1)(v), as far as it could be established (not verified)."""
    return {
        date(year, 1, 1): "new_years_day",
        nth_monday(year, 2, 3): "family_day",
        EASTER[year] - timedelta(days=2): "good_friday",
        EASTER[year] + timedelta(days=1): "easter_monday",
        monday_before_may_25(year): "victoria_day",
        canada_day(year): "canada_day",
        nth_monday(year, 9, 1): "labour_day",
        nth_monday(year, 10, 2): "thanksgiving_day",
        date(year, 11, 11): "remembrance_day",
        date(year, 12, 25): "christmas_day",
    }


STATUTE_LISTS: dict[str, Callable[[int], dict[date, str]]] = {
    "CA": federal,
    "CA-QC": quebec,
    "CA-BC": british_columbia,
    "CA-AB": alberta,
}


@pytest.mark.parametrize("code", sorted(STATUTE_LISTS))
def test_every_holiday_of_2020_to_2035_is_the_statutes(code: str) -> None:
    calendar = legal_calendar(code)
    assert calendar is not None
    for year in YEARS:
        found = {day: holiday.key for day, holiday in calendar.holidays_in(year).items()}
        assert found == STATUTE_LISTS[code](year), f"{code} {year}"


def test_the_easter_mondays_of_quebec_and_british_columbia_are_holidays() -> None:
    mondays = [
        date(2020, 4, 13),
        date(2021, 4, 5),
        date(2022, 4, 18),
        date(2023, 4, 10),
        date(2024, 4, 1),
        date(2025, 4, 21),
        date(2026, 4, 6),
        date(2027, 3, 29),
        date(2028, 4, 17),
        date(2029, 4, 2),
        date(2030, 4, 22),
        date(2031, 4, 14),
        date(2032, 3, 29),
        date(2033, 4, 18),
        date(2034, 4, 10),
        date(2035, 3, 26),
    ]
    for code in ("CA-QC", "CA-BC", "CA"):
        calendar = Calendar.statutory(code)
        for day in mondays:
            assert calendar.holiday_name(day) == "Easter Monday", (code, day)


@pytest.mark.parametrize(
    ("code", "day"),
    [
        # Christmas or New Year's Day on a weekend: employment law's substitute days are working days here.
        ("CA", date(2021, 12, 27)),
        ("CA", date(2022, 1, 3)),
        ("CA", date(2022, 12, 26)),
        ("CA", date(2028, 1, 3)),
        ("CA-QC", date(2021, 12, 27)),
        ("CA-QC", date(2022, 1, 3)),
        ("CA-QC", date(2022, 12, 26)),
        ("CA-QC", date(2027, 12, 27)),
        ("CA-QC", date(2028, 1, 3)),
        ("CA-BC", date(2021, 12, 27)),
        ("CA-BC", date(2022, 1, 3)),
        ("CA-BC", date(2027, 12, 28)),
        ("CA-BC", date(2028, 1, 3)),
        ("CA-AB", date(2022, 12, 27)),
        ("CA-AB", date(2028, 1, 3)),
        # Quebec: 25 June when 24 June is a Sunday is the Loi sur la fête nationale's, not art. 61(23)'s.
        ("CA-QC", date(2029, 6, 25)),
        ("CA-QC", date(2035, 6, 25)),
        # Quebec has neither 2 January nor 26 December; the federal calendar has no Boxing Day.
        ("CA-QC", date(2026, 1, 2)),
        ("CA-QC", date(2025, 12, 26)),
        ("CA", date(2025, 12, 26)),
    ],
)
def test_substitute_days_are_working_days(code: str, day: date) -> None:
    calendar = Calendar.statutory(code)
    assert day.weekday() < 5
    assert calendar.is_business_day(day), f"{day} is a working day in {code}"


def test_december_26_is_a_holiday_in_british_columbia_whatever_the_weekday() -> None:
    calendar = Calendar.statutory("CA-BC")
    for year in YEARS:
        assert calendar.holiday_name(date(year, 12, 26)) == "December 26"


def test_the_federal_calendar_works_for_any_year_and_the_day_of_mourning_is_an_adjustment() -> None:
    calendar = Calendar.statutory("CA")
    # No seeded range: 2031 and 2124 have their holidays.
    assert calendar.holiday_name(date(2031, 4, 14)) == "Easter Monday"
    assert calendar.holiday_name(date(2124, 9, 30)) == "National Day for Truth and Reconciliation"
    assert calendar.holiday_name(date(2020, 9, 30)) is None  # in force 2021-08-03
    # 2022-09-19 is not a rule: the file lists it as proclaimed, loaded as an adjustment.
    assert calendar.holiday_name(date(2022, 9, 19)) is None
    proclaimed = legal_calendar("CA").proclaimed  # type: ignore[union-attr]
    assert [(p.day, p.load, p.verified) for p in proclaimed] == [(date(2022, 9, 19), True, False)]


def test_every_holiday_has_a_citation_and_names_in_both_languages() -> None:
    for code, calendar in legal_calendars().items():
        assert calendar.statute and calendar.name_en and calendar.name_fr, code
        for rule in calendar.holidays:
            assert rule.citation.strip() and rule.name_en.strip() and rule.name_fr.strip(), (code, rule.key)


def test_every_calendar_file_matches_its_reviewed_snapshot() -> None:
    found = {
        code: {
            day.isoformat(): f"{holiday.key}{'' if holiday.verified else ' (not verified)'}"
            for year in YEARS
            for day, holiday in calendar.holidays_in(year).items()
        }
        for code, calendar in sorted(legal_calendars().items())
    }
    if os.environ.get("UPDATE_LEGAL_SNAPSHOT") == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert sorted(found) == sorted(expected), "a calendar file was added or removed: review the snapshot"
    for code in expected:
        added = sorted(set(found[code].items()) - set(expected[code].items()))
        lost = sorted(set(expected[code].items()) - set(found[code].items()))
        assert (added, lost) == ([], []), f"{code}: holidays added {added}, lost {lost}"


# --- The holidays package: where it and the statute part, and why ----------------------------------

# (package's country, subdivision) for each calendar compared.
PACKAGE = {
    "CA": ("CA", None),
    "CA-QC": ("CA", "QC"),
    "CA-BC": ("CA", "BC"),
    "CA-AB": ("CA", "AB"),
    "FR": ("FR", None),
}
OBSERVED = "employment law's substitute days, not in any Interpretation Act"
CANADA_DAY_SUNDAY = (
    "1 July on a Sunday: the statute's holiday is 2 July (Holidays Act s 2(2)); the Sunday is one anyway"
)
DELIBERATE: dict[str, dict[str, dict[str, str]]] = {
    "CA": {
        "package_only": {
            "Christmas Day (observed)": OBSERVED,
            "New Year's Day (observed)": OBSERVED,
            "Canada Day": CANADA_DAY_SUNDAY,
        },
        "statute_only": {
            "easter_monday": "s 35(1) lists it; the package's national calendar does not",
            "victoria_day": "s 35(1); the package puts it in its 'government' category only",
            "thanksgiving_day": "s 35(1), a day appointed by proclamation as a day of thanksgiving",
            "remembrance_day": "s 35(1)",
            "truth_and_reconciliation": "s 35(1) since SC 2021, c 11",
            "canada_day": CANADA_DAY_SUNDAY,
        },
    },
    "CA-QC": {
        "package_only": {
            "Christmas Day (observed)": OBSERVED,
            "New Year's Day (observed)": OBSERVED,
            "Saint Jean Baptiste Day (observed)": "25 June when 24 June is a Sunday: the Loi sur la fête nationale's",
            "Canada Day": CANADA_DAY_SUNDAY,
        },
        "statute_only": {"easter_monday": "art. 61(23)(d)"},
    },
    "CA-BC": {
        "package_only": {
            "Christmas Day (observed)": OBSERVED,
            "New Year's Day (observed)": OBSERVED,
            "National Day for Truth and Reconciliation (observed)": OBSERVED,
            "Canada Day": CANADA_DAY_SUNDAY,
            "Funeral of Her Majesty the Queen Elizabeth II": (
                "2022-09-19: whether s 29(d) takes in the federal day of mourning is not settled; not counted "
                "(docs/legal-calendars.md)"
            ),
        },
        "statute_only": {"easter_monday": "s 29(a)", "december_26": "s 29(c): the date, whatever the weekday"},
    },
    "CA-AB": {
        "package_only": {
            "Christmas Day (observed)": OBSERVED,
            "New Year's Day (observed)": OBSERVED,
            "Remembrance Day (observed)": OBSERVED,
            "Canada Day": CANADA_DAY_SUNDAY,
        },
        "statute_only": {"easter_monday": "s 28(1)(v) as far as established (not verified)"},
    },
    "FR": {"package_only": {}, "statute_only": {}},
}


@pytest.mark.parametrize("code", sorted(PACKAGE))
def test_the_package_differs_from_the_statute_only_where_we_say_why(code: str) -> None:
    country, subdivision = PACKAGE[code]
    package = holidays.country_holidays(
        country, subdiv=subdivision, years=YEARS, language="en_US" if country == "FR" else "en_CA"
    )
    calendar = legal_calendar(code)
    assert calendar is not None
    statute = {day: holiday for year in YEARS for day, holiday in calendar.holidays_in(year).items()}
    package_only = Counter(name for day, name in package.items() if day not in statute)
    statute_only = Counter(holiday.key for day, holiday in statute.items() if day not in package)
    assert set(package_only) == set(DELIBERATE[code]["package_only"]), package_only
    assert set(statute_only) == set(DELIBERATE[code]["statute_only"]), statute_only


# --- The file format: bad files get a message that names the entry ---------------------------------


@pytest.mark.parametrize(
    ("holiday", "message"),
    [
        ({"key": "x", "name_en": "X", "name_fr": "X", "citation": "s 1"}, "exactly one date rule"),
        ({"key": "x", "name_en": "X", "name_fr": "X", "citation": "s 1", "date": "13-01"}, "not a month-day"),
        (
            {"key": "x", "name_en": "X", "name_fr": "X", "citation": "s 1", "weekday": "mon", "month": 1, "nth": 1},
            "weekday",
        ),
        ({"key": "x", "name_en": "X", "name_fr": "X", "citation": "s 1", "weekday": "monday", "month": 1}, "nth"),
        ({"key": "x", "name_en": "X", "name_fr": "X", "citation": "", "easter": 1}, "citation is required"),
        ({"key": "x", "name_en": "X", "name_fr": "X", "citation": "s 1", "easter": 1, "observed": 1}, "unknown keys"),
    ],
)
def test_a_bad_calendar_file_is_refused_naming_the_entry(holiday: dict, message: str) -> None:
    data = {
        "jurisdiction": "XX",
        "name_en": "holidays of X",
        "name_fr": "jours fériés de X",
        "statute": "X Act",
        "verified": "no",
        "verification": "test",
        "holidays": [holiday],
    }
    with pytest.raises(CalendarDataError) as caught:
        parse_calendar(data, "XX.toml")
    assert "XX.toml: holidays[0]" in str(caught.value)
    assert message in str(caught.value)
