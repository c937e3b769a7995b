"""The notification bell's number, on every page for signed-in staff."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import IntegerField, Subquery
from django.http import HttpRequest

from casework.models import Authority, User
from orders.permissions import notifications_visible_to

_CACHE_ATTRIBUTE = "_orders_unread_notifications"

# The bell counts this many unread notifications at most, and shows "99+" from there on.
UNREAD_CAP = 100


class _CappedCount(Subquery):
    """The number of rows of a (sliced) queryset, as a scalar subquery: ``(SELECT COUNT(*) FROM (…))``."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS capped)"
    output_field = IntegerField()


def notifications(request: HttpRequest) -> dict[str, Any]:
    """``unread_notifications``: how many of the user's notifications are unread, counted up to
    ``UNREAD_CAP`` (the bell says "99+" past 99); nothing for anonymous users.

    The count walks the partial index orders_notification_unread and stops at ``UNREAD_CAP``
    notifications the user may see, so that it costs the same whether they have 100 unread or 20 000. The page header
    also names the user's authority, which costs a query of its own; when that is
    still to be fetched, the count rides along in the same query (and the authority
    is cached on the user), so the bell costs no query more on a page.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Templates rendered inside the page with the request (a django-tables2 table) run
    # the context processors again: count once per request.
    cached: int | None = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = _unread(cast(User, user))
        setattr(request, _CACHE_ATTRIBUTE, cached)
    return {"unread_notifications": cached}


def _unread(user: User) -> int:
    # Only what the user may (still) see: a confidential case they were unassigned from is not counted.
    unread = notifications_visible_to(user).filter(read_at__isnull=True).order_by().values("pk")[:UNREAD_CAP]
    counted = _CappedCount(unread)
    authority_field = User._meta.get_field("authority")
    if user.authority_id is not None and not authority_field.is_cached(user):  # type: ignore[union-attr]
        authority = Authority.objects.filter(pk=user.authority_id).annotate(unread_notifications=counted).first()
        if authority is not None:  # (deleted meanwhile: PROTECT makes that unlikely)
            authority_field.set_cached_value(user, authority)  # type: ignore[union-attr]
            count: int = authority.unread_notifications  # type: ignore[attr-defined]
            return count
    # Read beside the user's row (one query, whatever the user's authority).
    return cast(int, User.objects.filter(pk=user.pk).annotate(unread=counted).values_list("unread", flat=True).get())
