"""A deadline's computation in words, in the reader's language (English or French).

``compute_due`` (``orders.deadlines.rules``) records how a date was reached as structured
steps; ``explain_steps`` turns them into sentences that cite the calendar by its statute
and write dates as the statutes do ("Monday, January 24, 2022", "lundi 24 janvier 2022").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def _counted_from(steps: Mapping[str, Any]) -> str | None:
    """What a statutory clock counts from, in words (None for an order's deadline: its issue or service)."""
    counted_from = steps.get("counted_from")
    if counted_from == "complaint":
        return _("complaint filed or investigation initiated")
    if counted_from == "review_request":
        return _("request for review received")
    return None


def _clock_head(kind: object, n: int, start: str, counted_from: str, calendar: str) -> str:
    """The first words of a statutory clock's sentence: the period and what it counts from."""
    values = {"n": n, "date": start, "start": counted_from, "calendar": calendar}
    if kind == "business_days":
        return (
            ngettext(
                "%(n)d business day from %(date)s (%(start)s), not counting Saturdays, Sundays or the %(calendar)s",
                "%(n)d business days from %(date)s (%(start)s), not counting Saturdays, Sundays or the %(calendar)s",
                n,
            )
            % values
        )
    if kind == "calendar_days":
        return (
            ngettext("%(n)d calendar day from %(date)s (%(start)s)", "%(n)d calendar days from %(date)s (%(start)s)", n)
            % values
        )
    return ngettext("%(n)d month from %(date)s (%(start)s)", "%(n)d months from %(date)s (%(start)s)", n) % values


def _main_sentence(steps: Mapping[str, Any], french: bool) -> str:
    rule = steps.get("rule") or {}
    kind = rule.get("rule")
    counted_from = _counted_from(steps)
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
        if counted_from is not None:
            head = _clock_head(kind, n, start, counted_from, calendar).replace("%", "%%")
        elif served:
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
        if counted_from is not None:
            text = _clock_head(kind, n, start, counted_from, calendar).replace("%", "%%")
        elif served:
            text = ngettext(
                "%(n)d calendar day from %(date)s (service)", "%(n)d calendar days from %(date)s (service)", n
            )
        else:
            text = ngettext("%(n)d calendar day from %(date)s (issue)", "%(n)d calendar days from %(date)s (issue)", n)
    else:
        n = int(rule.get("months", 0))
        if counted_from is not None:
            text = _clock_head(kind, n, start, counted_from, calendar).replace("%", "%%")
        elif served:
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


def change_sentence(change: Mapping[str, Any], steps: Mapping[str, Any], french: bool) -> str:
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
        lines.extend(change_sentence(change, steps, french) for change in steps.get("changes") or [])
    return "\n".join(lines)


def explanation_for_reader(steps: object, stored: str, language: str | None = None) -> str:
    """How the date was reached, in the reader's language (the active one by default), rebuilt from the steps.

    The stored English ``explanation`` is shown as is when the steps do not say the
    same (recorded before the steps held stays and extensions, or by hand): the
    steps rendered in English must be that text word for word.
    """
    if not isinstance(steps, dict) or not steps.get("rule"):
        return stored
    language = language or translation.get_language() or "en"
    try:
        if steps.get("waiting_for") is None and explain_steps(steps, "en") != stored:
            return stored
        return explain_steps(steps, language)
    except (KeyError, TypeError, ValueError, AttributeError):
        return stored


class Explained(Protocol):
    """What carries a computed date and its explanation: an order's deadline, an investigation's clock."""

    steps: dict[str, Any]
    explanation: str


def add_change(record: Explained, change: Mapping[str, Any]) -> None:
    """Append a stay, a lifting or an extension to ``record``'s steps and to its English explanation.

    The explanation is the steps rendered in English; one recorded before the steps
    said everything (it no longer renders to the stored text) gets the new line
    appended instead, so that nothing it said is lost.
    """
    line = explain_steps({**record.steps, "changes": [dict(change)]}, "en").split("\n")[-1]
    in_step = bool(record.steps.get("rule")) and explain_steps(record.steps, "en") == record.explanation
    record.steps = {**record.steps, "changes": [*record.steps.get("changes", []), dict(change)]}
    if in_step:
        record.explanation = explain_steps(record.steps, "en")
    else:
        record.explanation = f"{record.explanation}\n{line}".strip()
