"""Presentation helpers for the order templates."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orders import tables
from orders.bilingual import Bilingual, language_in_sentence, message_date, reader_language, term_text
from orders.deadlines import Computation, explanation_for_reader
from orders.models import Deadline, Term
from orders.permissions import can_see_dashboard
from orders.selectors import DueState

register = template.Library()

_ORDER_STATUS_CLASSES = {
    "draft": "text-bg-light border",
    "issued": "text-bg-primary",
    "complied": "text-bg-success",
    "partly_complied": "text-bg-info",
    "not_complied": "text-bg-danger",
    "stayed": "text-bg-info",
    "under_judicial_review": "text-bg-warning",
    "upheld": "text-bg-primary",
    "quashed": "text-bg-secondary",
    "varied": "text-bg-primary",
    "withdrawn": "text-bg-secondary",
}


@register.filter
def due_badge(state: DueState | None) -> SafeString | str:
    """Days left or late as a badge whose text says it (colour is only a second signal)."""
    return "" if state is None else tables.due_badge(state)


@register.filter
def status_class(status: str) -> str:
    return _ORDER_STATUS_CLASSES.get(status, "text-bg-light border")


@register.filter
def rule_text(rule: Any) -> str:
    """A deadline rule in words: "60 business days from the day of issue"."""
    if not isinstance(rule, dict):
        return ""
    kind = rule.get("rule")
    start = _("the day of service") if rule.get("from") == "served_on" else _("the day of issue")
    if kind == "fixed":
        written = rule.get("date")
        try:
            shown = message_date(date.fromisoformat(str(written)))
        except ValueError:
            shown = str(written)
        return _("Fixed date written in the order: %(date)s") % {"date": shown}
    if kind == "immediate":
        return _("Immediately: on %(start)s") % {"start": start}
    if kind == "calendar_days":
        days = int(rule.get("days", 0))
        return ngettext("%(n)d calendar day from %(start)s", "%(n)d calendar days from %(start)s", days) % {
            "n": days,
            "start": start,
        }
    if kind == "business_days":
        days = int(rule.get("days", 0))
        return ngettext("%(n)d business day from %(start)s", "%(n)d business days from %(start)s", days) % {
            "n": days,
            "start": start,
        }
    if kind == "months":
        months = int(rule.get("months", 0))
        return ngettext("%(n)d month from %(start)s", "%(n)d months from %(start)s", months) % {
            "n": months,
            "start": start,
        }
    return str(kind)


@register.filter
def deadline_explanation(deadline: Deadline | Computation | None) -> str:
    """How the date was reached, in the reader's language (``orders.deadlines.explanation_for_reader``)."""
    if deadline is None:
        return ""
    if isinstance(deadline, Computation):
        return explanation_for_reader(deadline.steps(), deadline.explanation)
    return explanation_for_reader(deadline.steps, deadline.explanation)


def bilingual_html(value: Bilingual, words: int | None = None) -> SafeString:
    """The text, escaped; in a ``lang`` span when it is not in the reader's language (screen readers switch voice)."""
    text = Truncator(value.text).words(words) if words else value.text
    if value.language == reader_language():
        return format_html("{}", text)
    return format_html('<span lang="{}">{}</span>', value.language, text)


@register.filter
def reader_term_text(term: Term | None, words: int | None = None) -> SafeString | str:
    """A term's text in the reader's language (its other text when it has none), ``|reader_term_text:12`` truncated."""
    if term is None:
        return ""
    return bilingual_html(term_text(term), int(words) if words else None)


@register.filter
def language_name(code: str) -> str:
    """A language code as its name inside a sentence: "English", « anglais » (lower case in French)."""
    return language_in_sentence(str(code))


@register.filter
def reader_term_plain(term: Term | None, words: int | None = None) -> str:
    """``reader_term_text`` for plain text (e-mails): no markup, nothing escaped."""
    if term is None:
        return ""
    text = term_text(term).text
    return Truncator(text).words(int(words)) if words else text


@register.filter
def revision_change_label(key: str) -> str:
    """``"term 2 text_fr"`` (how ``order_revise`` names a change) in words."""
    parts = key.split()
    if len(parts) == 3 and parts[0] == "term":
        language = _("French") if parts[2] == "text_fr" else _("English")
        return _("Term %(n)s (%(language)s)") % {"n": parts[1], "language": language}
    if key == "served_on":
        return _("Served on")
    return key


# --- The dashboard ----------------------------------------------------------------------------------


@register.filter
def index(sequence: Any, position: int) -> Any:
    """``values|index:n``: the n-th item (the dashboard's tables walk parallel lists); "" when out of range."""
    try:
        return sequence[int(position)]
    except (IndexError, TypeError, ValueError, KeyError):
        return ""


@register.filter
def may_see_dashboard(user: Any) -> bool:
    """Whether to offer the dashboard in the menu: managers, legal staff, administrators, superusers (no query)."""
    return can_see_dashboard(user)
