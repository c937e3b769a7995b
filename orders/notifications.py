"""The two writes of the notification pages: mark notifications read, choose how alerts are e-mailed.

Services in the house style (keyword-only, validated, atomic). A user only ever
touches their own notifications: the ids are filtered by ``user``, so a forged
id marks nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import User
from orders.models import Notification
from orders.permissions import notifications_visible_to


@transaction.atomic
def notification_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s unread notifications read (those with ``ids``, or all with None); return how many.

    One conditional UPDATE: a notification already read keeps its first read time. Only the
    notifications the user may still see are touched (and counted in the answer).
    """
    unread = Notification.objects.filter(
        pk__in=notifications_visible_to(user).filter(read_at__isnull=True).values("pk")
    )
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


@transaction.atomic
def user_set_alert_email(*, user: User, value: str) -> User:
    """Choose how deadline alerts reach ``user`` by e-mail: each one, a daily digest, or none."""
    if value not in User.AlertEmail.values:
        raise ValidationError({"alert_email": _("Choose one of the options offered.")})
    user.alert_email = value
    user.save(update_fields=["alert_email"])
    return user
