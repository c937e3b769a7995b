"""Legal calendars: each jurisdiction's holidays as its statute defines them, read from data files.

A deadline that falls on a holiday moves to the next business day, and a statute
that counts "days" without holidays (BC PIPA s. 1) skips them. Which days are
holidays is a question of law: the Interpretation Act's definition of "holiday"
(Canada RSC 1985 c I-21 s. 35, Quebec RLRQ c I-16 art. 61(23), British Columbia
RSBC 1996 c 238 s. 29, Alberta RSA 2000 c I-8 s. 28(1)(v)…), not an employment
law's list of paid days and not a holidays package's. In particular no
substitute ("observed") day counts unless the statute itself provides it.

Each calendar is a TOML file in ``casework/calendars/data/`` that a lawyer can
read and check against the statute: every holiday with its date rule, its names
in English and French, its citation and whether its text was verified. The
format is documented in ``docs/legal-calendars.md``. The rules work for any
year; nothing is seeded by range.

Days proclaimed once (a day of mourning) are listed in the file too, but they
are loaded into the admin-editable ``HolidayAdjustment`` table, where staff add
or remove days with their source; ``casework.calendars.Calendar`` combines both.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter

DATA_DIR = Path(__file__).resolve().parent / "data"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SATURDAY, SUNDAY = 5, 6
VERIFIED_VALUES = ("yes", "partly", "no")
# The date rules a holiday may use; exactly one per holiday.
DATE_RULES = ("date", "easter", "orthodox_easter", "weekday")
HOLIDAY_KEYS = frozenset(
    {
        "key",
        "name_en",
        "name_fr",
        "citation",
        "date",
        "easter",
        "orthodox_easter",
        "weekday",
        "month",
        "nth",
        "before",
        "on_or_after",
        "since",
        "until",
        "except_years",
        "if_sunday",
        "if_saturday",
        "also_if_sunday",
        "also_if_saturday",
        "verified",
        "note",
    }
)
CALENDAR_KEYS = frozenset(
    {
        "jurisdiction",
        "name_en",
        "name_fr",
        "statute",
        "url",
        "time_rule",
        "verified",
        "verification",
        "non_business_weekdays",
        "holidays",
        "proclaimed",
    }
)
PROCLAIMED_KEYS = frozenset({"date", "name_en", "name_fr", "source", "verified", "load", "note"})


class CalendarDataError(ValueError):
    """A calendar file that does not follow the format; the message names the file and the entry."""


@dataclass(frozen=True)
class Holiday:
    """One holiday on one day: what a deadline explanation cites."""

    day: date
    key: str
    name_en: str
    name_fr: str
    citation: str
    verified: bool

    def name(self, language: str = "en") -> str:
        return self.name_fr if language.startswith("fr") and self.name_fr else self.name_en


def _month_day(value: object, where: str) -> tuple[int, int]:
    if not isinstance(value, str) or len(value) != 5 or value[2] != "-":
        raise CalendarDataError(f"{where}: a month-day is written MM-DD, not {value!r}")
    try:
        month, day = int(value[:2]), int(value[3:])
        date(2024, month, day)  # a leap year, so that 02-29 is a valid month-day
    except ValueError:
        raise CalendarDataError(f"{where}: {value!r} is not a month-day") from None
    return month, day


def _int(data: Mapping[str, Any], key: str, where: str, *, low: int, high: int) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise CalendarDataError(f"{where}: {key} must be a whole number from {low} to {high}, not {value!r}")
    return value


@dataclass(frozen=True)
class HolidayRule:
    """A holiday as the statute defines it: how its date is found each year, and what moves it."""

    key: str
    name_en: str
    name_fr: str
    citation: str
    verified: bool
    note: str = ""
    fixed: tuple[int, int] | None = None
    easter_offset: int | None = None
    orthodox: bool = False
    weekday: int | None = None
    month: int | None = None
    nth: int | None = None
    before: tuple[int, int] | None = None
    on_or_after: tuple[int, int] | None = None
    since: int | None = None
    until: int | None = None
    # Years in which a proclamation replaced the rule's day by another (listed under [[proclaimed]]).
    except_years: frozenset[int] = frozenset()
    # Days later (earlier if negative) the statute moves it when it falls on a Sunday / Saturday (0: it stays).
    if_sunday: int = 0
    if_saturday: int = 0
    # Days later the statute adds a further holiday when it falls on a Sunday / Saturday (0: none).
    also_if_sunday: int = 0
    also_if_saturday: int = 0

    @classmethod
    def parse(cls, data: Mapping[str, Any], where: str, *, default_verified: bool) -> HolidayRule:
        unknown = set(data) - HOLIDAY_KEYS
        if unknown:
            raise CalendarDataError(f"{where}: unknown keys {sorted(unknown)}")
        for key in ("key", "name_en", "name_fr", "citation"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                raise CalendarDataError(f"{where}: {key} is required (text)")
        where = f"{where} ({data['key']})"
        rules = [rule for rule in DATE_RULES if rule in data]
        if len(rules) != 1:
            raise CalendarDataError(f"{where}: give exactly one date rule of {', '.join(DATE_RULES)}")
        kwargs: dict[str, Any] = {}
        if "date" in data:
            kwargs["fixed"] = _month_day(data["date"], where)
        elif "easter" in data or "orthodox_easter" in data:
            name = "easter" if "easter" in data else "orthodox_easter"
            kwargs["easter_offset"] = _int(data, name, where, low=-100, high=100)
            kwargs["orthodox"] = name == "orthodox_easter"
        else:
            weekday = data["weekday"]
            if weekday not in WEEKDAYS:
                raise CalendarDataError(f"{where}: weekday must be one of {', '.join(WEEKDAYS)}, not {weekday!r}")
            kwargs["weekday"] = WEEKDAYS.index(weekday)
            anchors = [a for a in ("month", "before", "on_or_after") if a in data]
            if len(anchors) != 1:
                raise CalendarDataError(
                    f"{where}: a weekday needs exactly one of month (with nth), before, on_or_after"
                )
            if "month" in data:
                kwargs["month"] = _int(data, "month", where, low=1, high=12)
                nth = _int(data, "nth", where, low=-5, high=5)
                if not nth:
                    raise CalendarDataError(f"{where}: nth is required with month (1 to 5, or -1 for the last)")
                kwargs["nth"] = nth
            elif "before" in data:
                kwargs["before"] = _month_day(data["before"], where)
            else:
                kwargs["on_or_after"] = _month_day(data["on_or_after"], where)
        for key in ("since", "until"):
            kwargs[key] = _int(data, key, where, low=1, high=9999)
        excepted = data.get("except_years", [])
        if not isinstance(excepted, list) or any(
            isinstance(y, bool) or not isinstance(y, int) or not 1 <= y <= 9999 for y in excepted
        ):
            raise CalendarDataError(f"{where}: except_years must be a list of years")
        kwargs["except_years"] = frozenset(excepted)
        # A move may go back (the Netherlands' King's Day: 26 April when 27 April is a Sunday); an addition goes on.
        for key in ("if_sunday", "if_saturday"):
            kwargs[key] = _int(data, key, where, low=-7, high=7) or 0
        for key in ("also_if_sunday", "also_if_saturday"):
            kwargs[key] = _int(data, key, where, low=1, high=7) or 0
        verified = data.get("verified", default_verified)
        if not isinstance(verified, bool):
            raise CalendarDataError(f"{where}: verified must be true or false")
        note = data.get("note", "")
        if not isinstance(note, str):
            raise CalendarDataError(f"{where}: note must be text")
        return cls(
            key=data["key"],
            name_en=data["name_en"],
            name_fr=data["name_fr"],
            citation=data["citation"],
            verified=verified,
            note=note,
            **kwargs,
        )

    def _base_day(self, year: int) -> date | None:
        """The day the rule gives in ``year`` before any Sunday/Saturday rule; None when it gives none."""
        if self.fixed is not None:
            month, day_of_month = self.fixed
            if (month, day_of_month) == (2, 29) and not _is_leap(year):
                return None
            return date(year, month, day_of_month)
        if self.easter_offset is not None:
            return easter(year, EASTER_ORTHODOX if self.orthodox else EASTER_WESTERN) + timedelta(
                days=self.easter_offset
            )
        weekday = self.weekday if self.weekday is not None else 0
        if self.month is not None and self.nth is not None:
            if self.nth > 0:
                first = date(year, self.month, 1)
                found = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (self.nth - 1))
                return found if found.month == self.month else None
            last = date(year, 12, 31) if self.month == 12 else date(year, self.month + 1, 1) - timedelta(days=1)
            found = last - timedelta(days=(last.weekday() - weekday) % 7 + 7 * (-self.nth - 1))
            return found if found.month == self.month else None
        if self.before is not None:
            anchor = date(year, *self.before)
            return anchor - timedelta(days=(anchor.weekday() - weekday) % 7 or 7)
        if self.on_or_after is not None:
            anchor = date(year, *self.on_or_after)
            return anchor + timedelta(days=(weekday - anchor.weekday()) % 7)
        return None

    def days(self, year: int) -> list[tuple[date, bool]]:
        """The days this holiday falls on for the rule's ``year``: (day, added by a weekend rule).

        A Sunday/Saturday rule may carry the day into the next year (31 December
        moved to 2 January); callers ask for the years around the one they need.
        """
        if (self.since is not None and year < self.since) or (self.until is not None and year > self.until):
            return []
        if year in self.except_years:
            return []
        try:
            base = self._base_day(year)
            if base is None:
                return []
            moved = {SUNDAY: self.if_sunday, SATURDAY: self.if_saturday}.get(base.weekday(), 0)
            day = base + timedelta(days=moved)
            found = [(day, False)]
            extra = {SUNDAY: self.also_if_sunday, SATURDAY: self.also_if_saturday}.get(base.weekday(), 0)
            if extra:
                found.append((base + timedelta(days=extra), True))
        except (OverflowError, ValueError):
            # Year 1 or 9999: the rule's day lies outside the dates Python can hold.
            return []
        return found


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@dataclass(frozen=True)
class ProclaimedDay:
    """A day proclaimed once as a holiday (a day of mourning), with its source."""

    day: date
    name_en: str
    name_fr: str
    source: str
    verified: bool
    note: str = ""
    # Whether the reference data loads it as an adjustment: by default only a verified day; an unverified one
    # only when the file says so (then every explanation that skips it marks it not verified).
    load: bool = False


@dataclass(frozen=True)
class LegalCalendar:
    """A jurisdiction's statutory calendar, as its data file states it."""

    code: str
    name_en: str
    name_fr: str
    statute: str
    url: str
    time_rule: str
    verified: str
    verification: str
    non_business_weekdays: frozenset[int]
    holidays: tuple[HolidayRule, ...]
    proclaimed: tuple[ProclaimedDay, ...] = field(default=())

    def name(self, language: str = "en") -> str:
        return self.name_fr if language.startswith("fr") and self.name_fr else self.name_en

    def holidays_in(self, year: int) -> dict[date, Holiday]:
        """Every holiday of ``year`` by day (proclaimed days excluded: they live in the adjustments table)."""
        return _holidays_in(self, year)

    def holiday(self, day: date) -> Holiday | None:
        return self.holidays_in(day.year).get(day)


# One dict per (calendar, year): building it is a few dozen date computations.
@lru_cache(maxsize=4096)
def _holidays_in(calendar: LegalCalendar, year: int) -> dict[date, Holiday]:
    found: dict[date, Holiday] = {}
    # A holiday of the year before or after may be moved into this one (31 December to 2 January, or back).
    for rule_year in (year - 1, year, year + 1):
        if not 1 <= rule_year <= 9999:
            continue
        for rule in calendar.holidays:
            for day, added in rule.days(rule_year):
                if day.year != year or day in found:
                    continue
                found[day] = Holiday(
                    day=day,
                    key=rule.key,
                    name_en=rule.name_en + (" (additional day)" if added else ""),
                    name_fr=rule.name_fr + (" (jour additionnel)" if added else ""),
                    citation=rule.citation,
                    verified=rule.verified,
                )
    return dict(sorted(found.items()))


def parse_calendar(data: Mapping[str, Any], source: str) -> LegalCalendar:
    """Check a calendar file's content and build it; CalendarDataError names what is wrong."""
    unknown = set(data) - CALENDAR_KEYS
    if unknown:
        raise CalendarDataError(f"{source}: unknown keys {sorted(unknown)}")
    for key in ("jurisdiction", "name_en", "name_fr", "statute", "verified", "verification"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise CalendarDataError(f"{source}: {key} is required (text)")
    if data["verified"] not in VERIFIED_VALUES:
        raise CalendarDataError(f"{source}: verified must be one of {', '.join(VERIFIED_VALUES)}")
    weekdays = data.get("non_business_weekdays", ["saturday", "sunday"])
    if not isinstance(weekdays, list) or any(w not in WEEKDAYS for w in weekdays):
        raise CalendarDataError(f"{source}: non_business_weekdays must be a list of weekday names")
    # In a file verified only in part, each holiday not read in the text says "verified = false" itself.
    default_verified = data["verified"] != "no"
    holidays = tuple(
        HolidayRule.parse(item, f"{source}: holidays[{index}]", default_verified=default_verified)
        for index, item in enumerate(data.get("holidays", []))
    )
    keys = [h.key for h in holidays]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise CalendarDataError(f"{source}: holiday keys used twice: {duplicates}")
    proclaimed = []
    for index, item in enumerate(data.get("proclaimed", [])):
        where = f"{source}: proclaimed[{index}]"
        unknown = set(item) - PROCLAIMED_KEYS
        if unknown:
            raise CalendarDataError(f"{where}: unknown keys {sorted(unknown)}")
        for key in ("name_en", "name_fr", "source"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise CalendarDataError(f"{where}: {key} is required (text)")
        day = item.get("date")
        if isinstance(day, str):
            try:
                day = date.fromisoformat(day)
            except ValueError:
                raise CalendarDataError(f"{where}: {day!r} is not a date (YYYY-MM-DD)") from None
        if not isinstance(day, date):
            raise CalendarDataError(f"{where}: date is required (YYYY-MM-DD)")
        proclaimed.append(
            ProclaimedDay(
                day=day,
                name_en=item["name_en"],
                name_fr=item["name_fr"],
                source=item["source"],
                verified=bool(item.get("verified", False)),
                note=str(item.get("note", "")),
                load=bool(item.get("load", item.get("verified", False))),
            )
        )
    return LegalCalendar(
        code=data["jurisdiction"],
        name_en=data["name_en"],
        name_fr=data["name_fr"],
        statute=data["statute"],
        url=str(data.get("url", "")),
        time_rule=str(data.get("time_rule", "")),
        verified=data["verified"],
        verification=data["verification"],
        non_business_weekdays=frozenset(WEEKDAYS.index(w) for w in weekdays),
        holidays=holidays,
        proclaimed=tuple(proclaimed),
    )


@cache
def legal_calendars() -> dict[str, LegalCalendar]:
    """Every calendar file, by jurisdiction code; read once per process."""
    calendars: dict[str, LegalCalendar] = {}
    for path in sorted(DATA_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            try:
                data = tomllib.load(handle)
            except tomllib.TOMLDecodeError as exc:
                raise CalendarDataError(f"{path.name}: not valid TOML ({exc})") from None
        calendar = parse_calendar(data, path.name)
        if f"{calendar.code}.toml" != path.name:
            raise CalendarDataError(
                f"{path.name}: its jurisdiction is {calendar.code}; name the file {calendar.code}.toml"
            )
        calendars[calendar.code] = calendar
    return calendars


def legal_calendar(code: str) -> LegalCalendar | None:
    """The statutory calendar of a jurisdiction code, or None when there is no file for it."""
    return legal_calendars().get(code) if code else None
