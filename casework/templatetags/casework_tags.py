"""Small presentation helpers for the casework templates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from typing import TYPE_CHECKING

from django import template
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.extensions import TitledPanel, home_panels, investigation_panels
from casework.models import Event, Investigation, User

if TYPE_CHECKING:
    from casework.selectors import InvestigationPage

register = template.Library()

# Bootstrap's alert colours for Django's message levels; the text label says the same in words.
_ALERT_CLASSES = {"debug": "secondary", "info": "info", "success": "success", "warning": "warning", "error": "danger"}
_ALERT_ICONS = {
    "debug": "bi-bug",
    "info": "bi-info-circle-fill",
    "success": "bi-check-circle-fill",
    "warning": "bi-exclamation-triangle-fill",
    "error": "bi-x-octagon-fill",
}


@register.filter
def alert_class(level_tag: str) -> str:
    return _ALERT_CLASSES.get(level_tag, "info")


@register.filter
def alert_icon(level_tag: str) -> str:
    return _ALERT_ICONS.get(level_tag, "bi-info-circle-fill")


@register.filter
def alert_label(level_tag: str) -> str:
    labels = {
        "debug": _("Debug"),
        "info": _("Information"),
        "success": _("Done"),
        "warning": _("Warning"),
        "error": _("Error"),
    }
    return labels.get(level_tag, _("Information"))


@register.filter
def person(user: User | None) -> str:
    """A user's full name, or their username; "system" when a change had no user."""
    if user is None:
        return _("system")
    return user.get_full_name() or user.username


@register.filter
def event_date(event: Event) -> SafeString:
    """The event's date as precise as it is known: "February 2022" when only the month is."""
    if event.date_precision == Event.Precision.MONTH:
        return format_html(
            '<time datetime="{}">{}</time>', event.date.strftime("%Y-%m"), date_format(event.date, "YEAR_MONTH_FORMAT")
        )
    return format_html('<time datetime="{}">{}</time>', event.date.isoformat(), date_format(event.date, "DATE_FORMAT"))


@register.simple_tag(takes_context=True, name="investigation_panels")
def investigation_panels_tag(
    context: template.Context, investigation: Investigation, page: InvestigationPage
) -> SafeString:
    """The sections other apps add to the investigation page (``casework.extensions.investigation_panels``)."""
    request = context["request"]
    # Each panel's HTML comes from its template (escaped there); anything else is escaped here.
    parts = (conditional_escape(panel(request, investigation, page)) for panel in investigation_panels)
    return mark_safe("".join(parts))  # noqa: S308


# The investigation page's own sections, in the order of the page: (heading id, title). The main
# column's come first, then what other apps add (investigation_panels), then the side column's.
_MAIN_SECTIONS = (
    ("summary-heading", gettext_lazy("Summary")),
    ("participants-heading", gettext_lazy("Authorities taking part")),
    ("timeline-heading", gettext_lazy("Timeline")),
    ("findings-heading", gettext_lazy("Findings")),
    ("recommendations-heading", gettext_lazy("Recommendations")),
    ("documents-heading", gettext_lazy("Documents")),
)
_WITHDRAWN_SECTION = ("withdrawn-heading", gettext_lazy("Withdrawn from the case"))
_SIDE_SECTIONS = (
    ("facts-heading", gettext_lazy("Key facts")),
    ("staff-heading", gettext_lazy("Assigned staff")),
    ("related-heading", gettext_lazy("Related investigations")),
    ("history-heading", gettext_lazy("History")),
)
_FIRST_HEADING = re.compile(r"<h2\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h2>", re.DOTALL)


@dataclass(frozen=True)
class PageContents:
    """The investigation page's table of contents (heading id, title) and other apps' sections' HTML."""

    entries: list[tuple[str, str]]
    panels: SafeString


@register.simple_tag(takes_context=True)
def investigation_contents(
    context: template.Context, investigation: Investigation, page: InvestigationPage
) -> PageContents:
    """Renders the panels of ``casework.extensions.investigation_panels`` once, and lists every section.

    A ``TitledPanel`` is listed by its registered title; a bare panel by its first ``<h2 id=…>``;
    a panel that renders nothing is not listed.
    """
    request = context["request"]
    entries: list[tuple[str, str]] = [(anchor, str(title)) for anchor, title in _MAIN_SECTIONS]
    if page.withdrawn:
        entries.append((_WITHDRAWN_SECTION[0], str(_WITHDRAWN_SECTION[1])))
    parts = []
    for panel in investigation_panels:
        html = str(conditional_escape(panel(request, investigation, page)))
        if not html.strip():
            continue
        parts.append(html)
        if isinstance(panel, TitledPanel):
            entries.append((panel.anchor, str(panel.title)))
        elif found := _FIRST_HEADING.search(html):
            entries.append((unescape(found.group(1)), unescape(strip_tags(found.group(2))).strip()))
    entries.extend((anchor, str(title)) for anchor, title in _SIDE_SECTIONS)
    # Each panel's HTML comes from its template (escaped there); anything else was escaped above.
    return PageContents(entries=entries, panels=mark_safe("".join(parts)))  # noqa: S308


@register.simple_tag(takes_context=True, name="home_panels")
def home_panels_tag(context: template.Context) -> SafeString:
    """The sections other apps add to the home page (``casework.extensions.home_panels``)."""
    request = context["request"]
    parts = (conditional_escape(panel(request)) for panel in home_panels)
    return mark_safe("".join(parts))  # noqa: S308
