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
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from django.utils import translation

from casework.calendars import Calendar
from casework.dates import EARLIEST_DATE, LATEST_DATE
from orders.deadlines.explanations import change_sentence, explain_steps

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
# The calendar is the jurisdiction's statutory one (``casework.calendars``): its
# holidays are the Interpretation Act's, never a package's substitute days.


class DateOutOfRange(RuleError):
    """A computed date past the last day the product can hold (year 9999)."""


def _next_day(day: date, field: str = "days") -> date:
    if day == date.max:
        raise DateOutOfRange(field, "the due date would fall after 9999-12-31")
    return day + timedelta(days=1)


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
        if not EARLIEST_DATE <= fixed <= LATEST_DATE:
            raise RuleError(
                "date",
                f"{raw} is outside the dates accepted ({EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()})",
            )
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
    reason_fr: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"date": self.day.isoformat(), "reason": self.reason, "reason_fr": self.reason_fr or self.reason}


def _skipped(day: date, cal: Calendar) -> Skipped:
    return Skipped(day, cal.why_not_business_day(day, "en") or "", cal.why_not_business_day(day, "fr") or "")


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
    calendar_fr: str = ""

    def steps(self) -> dict[str, Any]:
        """The explanation as data (stored with the deadline, rendered in the reader's language)."""
        steps: dict[str, Any] = {
            "rule": self.rule.as_dict(),
            "start_on": self.start_on.isoformat() if self.start_on else None,
            "calendar": self.calendar,
            "skipped": [s.as_dict() for s in self.skipped],
            "rolled_from": self.rolled_from.isoformat() if self.rolled_from else None,
            "due_on": self.due_on.isoformat(),
        }
        if self.calendar_fr:
            steps["calendar_fr"] = self.calendar_fr
        return steps


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day where there is no such day."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    if year > date.max.year:
        raise DateOutOfRange("months", "the due date would fall after 9999-12-31")
    month = month_index % 12 + 1
    last_day = pycalendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def add_days(start: date, days: int) -> date:
    """``start`` + ``days`` calendar days; a result past year 9999 is a RuleError, not an OverflowError."""
    try:
        return start + timedelta(days=days)
    except OverflowError:
        raise DateOutOfRange("days", "the due date would fall after 9999-12-31") from None


def roll_forward(day: date, cal: Calendar) -> tuple[date, list[Skipped]]:
    """The first business day on or after ``day``, with the days rolled over."""
    skipped: list[Skipped] = []
    while not cal.is_business_day(day):
        skipped.append(_skipped(day, cal))
        day = _next_day(day)
    return day, skipped


def add_business_days(start: date, days: int, cal: Calendar) -> tuple[date, list[Skipped]]:
    """Count ``days`` business days after ``start`` (day 0), with the days not counted."""
    day = start
    counted = 0
    skipped: list[Skipped] = []
    while counted < days:
        day = _next_day(day)
        if cal.is_business_day(day):
            counted += 1
        else:
            skipped.append(_skipped(day, cal))
    return day, skipped


def compute_due(rule: Rule, *, issued_on: date, served_on: date | None, cal: Calendar) -> Computation:
    """The due date of ``rule`` for an order issued (and perhaps served) on these dates.

    A rule counted from ``served_on`` cannot be computed before the order is served:
    that raises RuleError("from", …) so that the page can say what is missing. A
    date past year 9999 raises ``DateOutOfRange`` (a RuleError naming the field).
    """
    if rule.kind == "fixed":
        if rule.fixed_date is None:
            raise RuleError("date", "required: the date written in the order (YYYY-MM-DD)")
        result = Computation(
            due_on=rule.fixed_date, rule=rule, start_on=None, calendar=cal.name, calendar_fr=cal.name_fr
        )
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
            target = add_days(start, rule.days)
        else:
            target = add_months(start, rule.months)
        due, skipped = roll_forward(target, cal)
        if due != target:
            rolled_from = target
    result = Computation(
        due_on=due,
        rule=rule,
        start_on=start,
        calendar=cal.name,
        skipped=tuple(skipped),
        rolled_from=rolled_from,
        calendar_fr=cal.name_fr,
    )
    return _explained(result)


def explain(c: Computation) -> str:
    """An English sentence saying how the date was reached (stored with the deadline and exported)."""
    return explain_steps(c.steps(), "en")


def _explained(c: Computation) -> Computation:
    return Computation(
        due_on=c.due_on,
        rule=c.rule,
        start_on=c.start_on,
        calendar=c.calendar,
        skipped=c.skipped,
        rolled_from=c.rolled_from,
        explanation=explain(c),
        calendar_fr=c.calendar_fr,
    )


# --- Stays, extensions, stays by law ---------------------------------------------------------


def stay_change(*, due_on: date, stayed_on: date, lifted_on: date, cal: Calendar) -> dict[str, Any]:
    """A stay lifted, as an entry of ``steps["changes"]`` (rendered by ``explain_steps``).

    The clock pauses: the calendar days that were left when the stay began (never
    fewer than zero) are added to the day it was lifted, then rolled forward off a
    non-business day as for ``calendar_days``.
    """
    if lifted_on < stayed_on:
        raise RuleError("lifted_on", "a stay cannot be lifted before it began")
    days_left = max(0, (due_on - stayed_on).days)
    target = add_days(lifted_on, days_left)
    new_due, skipped = roll_forward(target, cal)
    change: dict[str, Any] = {
        "kind": "stay",
        "stayed_on": stayed_on.isoformat(),
        "days_left": days_left,
        "lifted_on": lifted_on.isoformat(),
        "target": target.isoformat(),
        "skipped": [s.as_dict() for s in skipped],
        "due_on": new_due.isoformat(),
        "calendar": cal.name,
    }
    if cal.name_fr:
        change["calendar_fr"] = cal.name_fr
    return change


def resume_after_stay(*, due_on: date, stayed_on: date, lifted_on: date, cal: Calendar) -> tuple[date, str]:
    """The new due date when a stay that began on ``stayed_on`` is lifted on ``lifted_on``, and its English line."""
    change = stay_change(due_on=due_on, stayed_on=stayed_on, lifted_on=lifted_on, cal=cal)
    with translation.override("en"):
        text = change_sentence(change, {}, french=False)
    return date.fromisoformat(change["due_on"]), text


def extension_change(*, from_on: date, to_on: date, reason: str) -> dict[str, Any]:
    """An extension as an entry of ``steps["changes"]``; the reason is kept as written."""
    return {"kind": "extension", "from": from_on.isoformat(), "to": to_on.isoformat(), "reason": reason.strip()}


def stay_from_filing_change(*, filed_on: date, provision: str, provision_fr: str) -> dict[str, Any]:
    """A statutory stay that began on the day a judicial review was filed, as an entry of ``steps["changes"]``."""
    return {
        "kind": "statutory_stay",
        "filed_on": filed_on.isoformat(),
        "provision": provision,
        "provision_fr": provision_fr,
    }
