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
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from casework.calendars import Calendar
from casework.dates import EARLIEST_DATE, LATEST_DATE

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


# --- Stays, the end of a day, penalties ---------------------------------------------------------


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
        text = _change_sentence(change, {}, french=False)
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


# --- The explanation in the reader's language ----------------------------------------------------

_WEEKEND = ("Saturday", "Sunday")
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def legal_date(value: object, french: bool) -> str:
    """A date as legal text writes it: "14 December 2021", « 1er janvier 2022 » (ISO text in, words out)."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return str(value)
    if not isinstance(value, date):
        return str(value or "")
    if french:
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {_MONTHS_FR[value.month - 1]} {value.year}"
    return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"


def _calendar_of(data: Mapping[str, Any], french: bool) -> str:
    """The calendar's name as the active language's sentence uses it."""
    if french:
        return str(data.get("calendar_fr") or data.get("calendar", ""))
    return str(data.get("calendar", ""))


def _skipped_words(skipped: list[Mapping[str, Any]], *, weekends: bool, french: bool) -> str:
    named = []
    for s in skipped:
        if not weekends and s.get("reason") in _WEEKEND:
            continue
        reason = (s.get("reason_fr") or s.get("reason")) if french else s.get("reason")
        named.append(f"{legal_date(s.get('date'), french)} ({reason})")
    return ", ".join(named)


def _main_sentence(steps: Mapping[str, Any], french: bool) -> str:
    rule = steps.get("rule") or {}
    kind = rule.get("rule")
    served = rule.get("from") == "served_on"
    due = legal_date(steps.get("due_on"), french)
    if kind == "fixed":
        return _("Fixed date written in the order: %(date)s (kept as written).") % {"date": due}
    start = legal_date(steps.get("start_on") or steps.get("due_on"), french)
    if kind == "immediate":
        if served:
            return _("Immediately: due on the day of service, %(date)s.") % {"date": start}
        return _("Immediately: due on the day of issue, %(date)s.") % {"date": start}
    calendar = _calendar_of(steps, french)
    skipped = list(steps.get("skipped") or [])
    if kind == "business_days":
        n = int(rule.get("days", 0))
        if served:
            head = ngettext(
                "%(n)d business day from %(date)s (service), not counting Saturdays, Sundays or the %(calendar)s",
                "%(n)d business days from %(date)s (service), not counting Saturdays, Sundays or the %(calendar)s",
                n,
            )
        else:
            head = ngettext(
                "%(n)d business day from %(date)s (issue), not counting Saturdays, Sundays or the %(calendar)s",
                "%(n)d business days from %(date)s (issue), not counting Saturdays, Sundays or the %(calendar)s",
                n,
            )
        parts = [head % {"n": n, "date": start, "calendar": calendar}]
        weekend_days = sum(1 for s in skipped if s.get("reason") in _WEEKEND)
        if weekend_days:
            parts.append(
                ngettext("%(n)d weekend day not counted", "%(n)d weekend days not counted", weekend_days)
                % {"n": weekend_days}
            )
        holidays_skipped = _skipped_words(skipped, weekends=False, french=french)
        if holidays_skipped:
            parts.append(_("holidays not counted: %(days)s") % {"days": holidays_skipped})
        return _("%(parts)s → %(due)s.") % {"parts": _("; ").join(parts), "due": due}
    if kind == "calendar_days":
        n = int(rule.get("days", 0))
        if served:
            text = ngettext(
                "%(n)d calendar day from %(date)s (service)", "%(n)d calendar days from %(date)s (service)", n
            )
        else:
            text = ngettext("%(n)d calendar day from %(date)s (issue)", "%(n)d calendar days from %(date)s (issue)", n)
    else:
        n = int(rule.get("months", 0))
        if served:
            text = ngettext("%(n)d month from %(date)s (service)", "%(n)d months from %(date)s (service)", n)
        else:
            text = ngettext("%(n)d month from %(date)s (issue)", "%(n)d months from %(date)s (issue)", n)
    head = text % {"n": n, "date": start}
    rolled_from = steps.get("rolled_from")
    if rolled_from is None:
        return _("%(head)s → %(due)s, a business day (neither a Saturday, a Sunday nor one of the %(calendar)s).") % {
            "head": head,
            "due": due,
            "calendar": calendar,
        }
    return _(
        "%(head)s → %(target)s, not a business day: moved forward over %(days)s to the next day that is "
        "neither a Saturday, a Sunday nor one of the %(calendar)s → %(due)s."
    ) % {
        "head": head,
        "target": legal_date(rolled_from, french),
        "days": _skipped_words(skipped, weekends=True, french=french),
        "calendar": calendar,
        "due": due,
    }


def _change_sentence(change: Mapping[str, Any], steps: Mapping[str, Any], french: bool) -> str:
    if change.get("kind") == "extension":
        return _("Extended from %(from)s to %(to)s: %(reason)s") % {
            "from": legal_date(change.get("from"), french),
            "to": legal_date(change.get("to"), french),
            "reason": change.get("reason", ""),
        }
    if change.get("kind") == "statutory_stay":
        provision = change.get("provision_fr") if french else change.get("provision")
        return _(
            "Stayed by law from %(filed)s, the day an application for judicial review was filed within the "
            "compliance period (%(provision)s)."
        ) % {"filed": legal_date(change.get("filed_on"), french), "provision": provision or change.get("provision")}
    n = int(change.get("days_left", 0))
    values = {
        "stayed": legal_date(change.get("stayed_on"), french),
        "n": n,
        "lifted": legal_date(change.get("lifted_on"), french),
        "target": legal_date(change.get("target"), french),
        "due": legal_date(change.get("due_on"), french),
    }
    skipped = list(change.get("skipped") or [])
    if not skipped:
        return (
            ngettext(
                "Stayed on %(stayed)s with %(n)d calendar day left; lifted on %(lifted)s → %(target)s, a business day.",
                "Stayed on %(stayed)s with %(n)d calendar days left; lifted on %(lifted)s → %(target)s, "
                "a business day.",
                n,
            )
            % values
        )
    values["days"] = _skipped_words(skipped, weekends=True, french=french)
    values["calendar"] = _calendar_of(change if "calendar" in change else steps, french)
    return (
        ngettext(
            "Stayed on %(stayed)s with %(n)d calendar day left; lifted on %(lifted)s → %(target)s, not a business "
            "day: moved forward over %(days)s to the next day that is neither a Saturday, a Sunday nor one of the "
            "%(calendar)s → %(due)s.",
            "Stayed on %(stayed)s with %(n)d calendar days left; lifted on %(lifted)s → %(target)s, not a business "
            "day: moved forward over %(days)s to the next day that is neither a Saturday, a Sunday nor one of the "
            "%(calendar)s → %(due)s.",
            n,
        )
        % values
    )


def explain_steps(steps: Mapping[str, Any], language: str) -> str:
    """How the date was reached, in ``language``, from a deadline's ``steps``.

    In English it is the stored explanation, word for word: the main sentence,
    then one line per stay lifted or extension granted (``steps["changes"]``).
    """
    french = language.startswith("fr")
    with translation.override(language):
        if steps.get("waiting_for") == "served_on":
            return _("Counts from the day the order is served, which is not recorded yet.")
        lines = [_main_sentence(steps, french)]
        lines.extend(_change_sentence(change, steps, french) for change in steps.get("changes") or [])
    return "\n".join(lines)


def deadline_ends_at(due_on: date, time_zone: str) -> datetime:
    """The instant a deadline ends: 23:59:59 on its due date in the authority's time zone.

    On the calendar's last day the instant would not fit in UTC (pages convert it): it is
    taken a day earlier there. Such a date cannot be entered (``casework.dates``); this
    keeps a page answering for one stored before the bounds existed.
    """
    due_on = min(due_on, date.max - timedelta(days=1))
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
