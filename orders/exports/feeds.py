"""The iCalendar feed of a user's deadlines.

``calendar_feed_get_or_create`` and ``calendar_feed_reset`` manage the secret in the feed's
address; ``calendar_ics`` writes the feed with the ``icalendar`` library.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

import icalendar
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import User
from orders.bilingual import term_text
from orders.deadlines import explanation_for_reader
from orders.models import (
    ACTIVE_DEADLINE_STATUSES,
    ORDER_STATUSES_NOT_RUNNING,
    CalendarFeed,
    Deadline,
)
from orders.permissions import orders_visible_to

log = logging.getLogger(__name__)

# The UID domain of the calendar events: fixed, so that a UID never changes with the host name.
UID_DOMAIN = "case-tracker"


AbsoluteUrl = Callable[[str], str]


# --- The calendar feed --------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def calendar_feed_get_or_create(*, user: User) -> CalendarFeed:
    """The user's calendar secret, made on first use (two requests at once make only one: the row is unique)."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(user=user, token=_new_token(), created_at=timezone.now())
    except IntegrityError:  # another request made it first
        return CalendarFeed.objects.get(user=user)


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """Replace the user's secret: the old address stops working at once (it answers 404)."""
    feed = calendar_feed_get_or_create(user=user)
    feed.token = _new_token()
    feed.created_at = timezone.now()
    feed.last_used_at = None
    feed.full_clean()
    feed.save(update_fields=["token", "created_at", "last_used_at"])
    log.info("calendar feed of %s reset", user.username)
    return feed


def calendar_feed_for_token(token: str, *, now: datetime | None = None) -> CalendarFeed:
    """The feed this secret opens, with its user (active); 404 for an unknown secret. Notes the use."""
    try:
        feed = CalendarFeed.objects.select_related("user").get(token=token, user__is_active=True)
    except CalendarFeed.DoesNotExist:
        raise Http404("No such calendar.") from None
    feed.last_used_at = now or timezone.now()
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=feed.last_used_at)
    return feed


def calendar_deadlines(user: User) -> QuerySet[Deadline]:
    """The open deadlines of the running orders ``user`` may see now, with a due date (one query)."""
    return (
        Deadline.objects.filter(status__in=ACTIVE_DEADLINE_STATUSES, due_on__isnull=False)
        .filter(term__order__in=orders_visible_to(user))
        .exclude(term__order__status__in=ORDER_STATUSES_NOT_RUNNING)
        .select_related("term__order__authority__jurisdiction")
        .order_by("due_on", "term__order__authority__code", "term__order__number", "term__number")
    )


def deadline_uid(deadline: Deadline) -> str:
    """Stable per deadline: a moved due date updates the same event in the calendar program."""
    return f"deadline-{deadline.pk}@{UID_DOMAIN}"


def calendar_ics(deadlines: Iterable[Deadline], *, absolute: AbsoluteUrl, now: datetime | None = None) -> bytes:
    """An iCalendar document: one all-day event per deadline, on its due date."""
    stamp = now or timezone.now()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Case tracker//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Case tracker deadlines"))
    for deadline in deadlines:
        if deadline.due_on is None:
            continue
        term = deadline.term
        order = term.order
        url = absolute(reverse("orders:detail", args=[order.authority.code, order.number]) + f"#term-{term.number}")
        summary = _("%(authority)s %(number)s term %(term)d due") % {
            "authority": order.authority.code,
            "number": order.number,
            "term": term.number,
        }
        ends = _("Ends at 23:59:59 %(zone)s.") % {"zone": order.authority.jurisdiction.time_zone}
        # The term and the explanation in the reader's language (the request's), as the pages show them.
        explanation = explanation_for_reader(deadline.steps, deadline.explanation)
        description = "\n\n".join(part for part in (term_text(term).text, explanation, ends, url) if part)
        event = icalendar.Event()
        event.add("uid", deadline_uid(deadline))
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.due_on)
        if deadline.due_on < date.max:  # an all-day event without DTEND lasts the one day anyway
            event.add("dtend", deadline.due_on + timedelta(days=1))
        event.add("summary", summary)
        event.add("description", description)
        event.add("url", url)
        event.add("last-modified", deadline.updated_at)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
