"""Deadline arithmetic: plain functions, no database.

The rules are those of the product design ("Deadline rules"), so that everyone
computes the same date:

- ``immediate``: due on the start date itself.
- ``fixed``: the date written in the order, kept as written.
- ``calendar_days`` N: start + N days, rolled forward off a weekend or holiday.
- ``business_days`` N: count only business days; the start date is day 0.
- ``months`` N: the same day N months later (clamped to the month's end), then rolled.

Relative rules count from the order's issue date, or from the day it was served
when the rule says ``"from": "served_on"``. All arithmetic is on local dates of
the issuing authority's jurisdiction; a deadline ends at 23:59:59 there.

Every computation returns its explanation as structured steps (so a page can
show it in the reader's language) and as an English sentence that is stored with
the deadline and exported.
"""

from __future__ import annotations

import calendar as pycalendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

import holidays

RULES = ("immediate", "fixed", "calendar_days", "business_days", "months")
STARTS = ("issued_on", "served_on")
# Upper bounds that no real order comes near; they keep a typo from computing a date in year 9999.
MAX_DAYS = 3650
MAX_MONTHS = 120

RuleKind = Literal["immediate", "fixed", "calendar_days", "business_days", "months"]
Start = Literal["issued_on", "served_on"]


class RuleError(ValueError):
    """A deadline rule that cannot be used; ``field`` names the offending key (``rule``, ``days``…)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# --- Calendars ---------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _package_calendar(country: str, subdivision: str, language: str) -> holidays.HolidayBase | None:
    """The holidays package's calendar; built once per process (it expands by year lazily)."""
    if not country:
        return None
    kwargs: dict[str, Any] = {"subdiv": subdivision or None}
    cls = holidays.country_holidays(country, **kwargs).__class__
    if language in getattr(cls, "supported_languages", ()):
        kwargs["language"] = language
    return holidays.country_holidays(country, **kwargs)


@dataclass(frozen=True)
class Calendar:
    """A jurisdiction's legal calendar: the holidays package plus days added or removed by staff.

    ``added`` and ``removed`` map a date to its source ("Easter Monday: Interpretation
    Act s. 35", "proclaimed 2025-…"). ``name`` is how the explanation names it.
    """

    name: str
    country: str
    subdivision: str = ""
    added: Mapping[date, str] = field(default_factory=dict)
    removed: Mapping[date, str] = field(default_factory=dict)

    def holiday_name(self, day: date, language: str = "en") -> str | None:
        """The holiday on ``day``, or None for an ordinary day (weekends are not holidays here)."""
        if day in self.removed:
            return None
        if day in self.added:
            return self.added[day]
        package = _package_calendar(self.country, self.subdivision, "fr" if language.startswith("fr") else "en_CA")
        if package is None:
            return None
        return package.get(day)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday_name(day) is None

    def why_not_business_day(self, day: date, language: str = "en") -> str | None:
        """``"Saturday"``, ``"Sunday"`` or the holiday's name; None on a business day."""
        if day.weekday() == 5:
            return "Saturday" if not language.startswith("fr") else "samedi"
        if day.weekday() == 6:
            return "Sunday" if not language.startswith("fr") else "dimanche"
        return self.holiday_name(day, language)


# --- Rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A deadline rule as written in the case format (``{"rule": "calendar_days", "days": 21}``)."""

    kind: RuleKind
    days: int = 0
    months: int = 0
    fixed_date: date | None = None
    start: Start = "issued_on"

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.kind}
        if self.kind == "fixed":
            data["date"] = self.fixed_date.isoformat() if self.fixed_date else None
        if self.kind in ("calendar_days", "business_days"):
            data["days"] = self.days
        if self.kind == "months":
            data["months"] = self.months
        if self.kind != "fixed" and self.start != "issued_on":
            data["from"] = self.start
        return data


def _int(data: Mapping[str, Any], key: str, upper: int) -> int:
    value = data.get(key)
    if value is None:
        raise RuleError(key, "required for this rule")
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleError(key, f"must be a whole number, not {value!r}")
    if value < 0 or value > upper:
        raise RuleError(key, f"must be between 0 and {upper}, not {value}")
    return value


def parse_rule(data: object) -> Rule:
    """Read and check a rule; a bad one raises RuleError naming the key."""
    if not isinstance(data, Mapping):
        raise RuleError("rule", 'a deadline must be an object such as {"rule": "fixed", "date": "2022-01-25"}')
    kind = data.get("rule")
    if kind not in RULES:
        if kind is None:
            raise RuleError("rule", "required")
        raise RuleError("rule", f"unknown rule {kind!r}")
    allowed = {"rule", "from"} | {
        "fixed": {"date"},
        "calendar_days": {"days"},
        "business_days": {"days"},
        "months": {"months"},
        "immediate": set(),
    }[kind]
    for key in data:
        if key not in allowed:
            raise RuleError(key, f"not used by the {kind} rule")
    start = data.get("from", "issued_on")
    if start not in STARTS:
        raise RuleError("from", f"must be issued_on or served_on, not {start!r}")
    if kind == "fixed":
        if "from" in data:
            raise RuleError("from", "a fixed date does not count from anything")
        raw = data.get("date")
        if not isinstance(raw, str):
            raise RuleError("date", "required: the date written in the order (YYYY-MM-DD)")
        try:
            fixed = date.fromisoformat(raw)
        except ValueError:
            raise RuleError("date", f"{raw!r} is not a date (use YYYY-MM-DD)") from None
        return Rule(kind="fixed", fixed_date=fixed)
    if kind in ("calendar_days", "business_days"):
        return Rule(kind=kind, days=_int(data, "days", MAX_DAYS), start=start)
    if kind == "months":
        return Rule(kind="months", months=_int(data, "months", MAX_MONTHS), start=start)
    return Rule(kind="immediate", start=start)


# --- Computation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    """A day that did not count, or that the date rolled over, and why."""

    day: date
    reason: str


@dataclass(frozen=True)
class Computation:
    """A due date and how it was reached."""

    due_on: date
    rule: Rule
    start_on: date | None
    calendar: str
    skipped: tuple[Skipped, ...] = ()
    rolled_from: date | None = None
    explanation: str = ""

    def steps(self) -> dict[str, Any]:
        """The explanation as data (stored with the deadline, rendered in the reader's language)."""
        return {
            "rule": self.rule.as_dict(),
            "start_on": self.start_on.isoformat() if self.start_on else None,
            "calendar": self.calendar,
            "skipped": [{"date": s.day.isoformat(), "reason": s.reason} for s in self.skipped],
            "rolled_from": self.rolled_from.isoformat() if self.rolled_from else None,
            "due_on": self.due_on.isoformat(),
        }


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day where there is no such day."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    last_day = pycalendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def roll_forward(day: date, cal: Calendar) -> tuple[date, list[Skipped]]:
    """The first business day on or after ``day``, with the days rolled over."""
    skipped: list[Skipped] = []
    while not cal.is_business_day(day):
        skipped.append(Skipped(day, cal.why_not_business_day(day) or ""))
        day += timedelta(days=1)
    return day, skipped


def add_business_days(start: date, days: int, cal: Calendar) -> tuple[date, list[Skipped]]:
    """Count ``days`` business days after ``start`` (day 0), with the days not counted."""
    day = start
    counted = 0
    skipped: list[Skipped] = []
    while counted < days:
        day += timedelta(days=1)
        if cal.is_business_day(day):
            counted += 1
        else:
            skipped.append(Skipped(day, cal.why_not_business_day(day) or ""))
    return day, skipped


def compute_due(rule: Rule, *, issued_on: date, served_on: date | None, cal: Calendar) -> Computation:
    """The due date of ``rule`` for an order issued (and perhaps served) on these dates.

    A rule counted from ``served_on`` cannot be computed before the order is served:
    that raises RuleError("from", …) so that the page can say what is missing.
    """
    if rule.kind == "fixed":
        if rule.fixed_date is None:
            raise RuleError("date", "required: the date written in the order (YYYY-MM-DD)")
        result = Computation(due_on=rule.fixed_date, rule=rule, start_on=None, calendar=cal.name)
        return _explained(result)
    if rule.start == "served_on":
        if served_on is None:
            raise RuleError("from", "counts from the day the order was served, which is not recorded yet")
        start = served_on
    else:
        start = issued_on
    skipped: list[Skipped] = []
    rolled_from: date | None = None
    if rule.kind == "immediate":
        due = start
    elif rule.kind == "business_days":
        due, skipped = add_business_days(start, rule.days, cal)
    else:
        if rule.kind == "calendar_days":
            target = start + timedelta(days=rule.days)
        else:
            target = add_months(start, rule.months)
        due, skipped = roll_forward(target, cal)
        if due != target:
            rolled_from = target
    result = Computation(
        due_on=due, rule=rule, start_on=start, calendar=cal.name, skipped=tuple(skipped), rolled_from=rolled_from
    )
    return _explained(result)


def _skipped_text(skipped: tuple[Skipped, ...], *, weekends: bool) -> str:
    named = [f"{s.day.isoformat()} ({s.reason})" for s in skipped if weekends or s.reason not in ("Saturday", "Sunday")]
    return ", ".join(named)


def explain(c: Computation) -> str:
    """An English sentence saying how the date was reached."""
    rule = c.rule
    start_word = "service" if rule.start == "served_on" else "issue"
    if rule.kind == "fixed":
        return f"Fixed date written in the order: {c.due_on.isoformat()} (kept as written)."
    start_on = c.start_on or c.due_on
    if rule.kind == "immediate":
        return f"Immediately: due on the day of {start_word}, {start_on.isoformat()}."
    if rule.kind == "business_days":
        holidays_skipped = _skipped_text(c.skipped, weekends=False)
        weekend_days = sum(1 for s in c.skipped if s.reason in ("Saturday", "Sunday"))
        parts = [f"{rule.days} business days from {start_on.isoformat()} ({start_word}) in the {c.calendar} calendar"]
        if weekend_days:
            parts.append(f"not counting {weekend_days} weekend days")
        if holidays_skipped:
            parts.append(f"skipping {holidays_skipped}")
        return ", ".join(parts) + f" → {c.due_on.isoformat()}."
    if rule.kind == "calendar_days":
        head = f"{rule.days} calendar days from {start_on.isoformat()} ({start_word})"
    else:
        head = f"{rule.months} months from {start_on.isoformat()} ({start_word})"
    if c.rolled_from is None:
        return f"{head} → {c.due_on.isoformat()}, a business day in the {c.calendar} calendar."
    return (
        f"{head} → {c.rolled_from.isoformat()}, rolled forward over {_skipped_text(c.skipped, weekends=True)} "
        f"in the {c.calendar} calendar → {c.due_on.isoformat()}."
    )


def _explained(c: Computation) -> Computation:
    return Computation(
        due_on=c.due_on,
        rule=c.rule,
        start_on=c.start_on,
        calendar=c.calendar,
        skipped=c.skipped,
        rolled_from=c.rolled_from,
        explanation=explain(c),
    )


# --- Stays, the end of a day, penalties ---------------------------------------------------------


def resume_after_stay(*, due_on: date, stayed_on: date, lifted_on: date, cal: Calendar) -> tuple[date, str]:
    """The new due date when a stay that began on ``stayed_on`` is lifted on ``lifted_on``.

    The clock pauses: the calendar days that were left when the stay began (never
    fewer than zero) are added to the day it was lifted, then rolled forward off a
    non-business day as for ``calendar_days``.
    """
    if lifted_on < stayed_on:
        raise RuleError("lifted_on", "a stay cannot be lifted before it began")
    days_left = max(0, (due_on - stayed_on).days)
    target = lifted_on + timedelta(days=days_left)
    new_due, skipped = roll_forward(target, cal)
    text = (
        f"Stayed on {stayed_on.isoformat()} with {days_left} calendar days left; lifted on {lifted_on.isoformat()}"
        f" → {target.isoformat()}"
    )
    if not skipped:
        return new_due, text + ", a business day."
    text += f", rolled forward over {_skipped_text(tuple(skipped), weekends=True)} in the {cal.name} calendar"
    return new_due, text + f" → {new_due.isoformat()}."


def deadline_ends_at(due_on: date, time_zone: str) -> datetime:
    """The instant a deadline ends: 23:59:59 on its due date in the authority's time zone."""
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
