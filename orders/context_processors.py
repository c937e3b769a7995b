"""The notification bell's number, on every page for signed-in staff."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Count, IntegerField, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from casework.models import Authority, User
from orders.permissions import notifications_visible_to

_CACHE_ATTRIBUTE = "_orders_unread_notifications"


def notifications(request: HttpRequest) -> dict[str, Any]:
    """``unread_notifications``: how many of the user's notifications are unread; nothing for anonymous users.

    The count uses the partial index orders_notification_unread. The page header
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
    unread = notifications_visible_to(user).filter(read_at__isnull=True)
    authority_field = User._meta.get_field("authority")
    if user.authority_id is None or authority_field.is_cached(user):  # type: ignore[union-attr]
        return unread.count()
    counted = unread.order_by().values("user_id").annotate(n=Count("pk")).values("n")
    authority = (
        Authority.objects.filter(pk=user.authority_id)
        .annotate(unread_notifications=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)))
        .first()
    )
    if authority is None:  # deleted meanwhile (PROTECT makes that unlikely)
        return unread.count()
    authority_field.set_cached_value(user, authority)  # type: ignore[union-attr]
    count: int = authority.unread_notifications  # type: ignore[attr-defined]
    return count
