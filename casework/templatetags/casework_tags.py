"""Small presentation helpers for the casework templates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from casework.extensions import home_panels, investigation_panels
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


@register.simple_tag(takes_context=True, name="home_panels")
def home_panels_tag(context: template.Context) -> SafeString:
    """The sections other apps add to the home page (``casework.extensions.home_panels``)."""
    request = context["request"]
    parts = (conditional_escape(panel(request)) for panel in home_panels)
    return mark_safe("".join(parts))  # noqa: S308
