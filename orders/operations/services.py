"""The operations page's one repair: send e-mails that failed for good once more."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from casework.models import User
from orders import alerts
from orders.models import Notification

log = logging.getLogger(__name__)


@transaction.atomic
def notifications_retry_failed(*, actor: User, ids: list[int] | None = None) -> int:
    """Send e-mails that failed for good once more (all of them, or those with ``ids``); returns how many.

    Only failed ones: one being sent would go twice, one skipped because its recipient may no
    longer see the investigation must stay unsent (delivery checks again before sending). Each
    is sent as a single e-mail, digest or not, and is retried as a new one would be, for
    ORDERS_EMAIL_RETRY_HOURS from now; delivery is asked for after the commit.
    """

    failed = Notification.objects.filter(email_status=Notification.Email.FAILED)
    if ids is not None:
        failed = failed.filter(pk__in=ids)
    count = failed.update(
        email_status=Notification.Email.PENDING,
        email_attempts=0,
        email_next_attempt_at=None,
        email_retry_until=timezone.now() + alerts.retry_window(),
    )
    if count:
        log.info("%s asked to send %d failed e-mail(s) again", actor, count)
        transaction.on_commit(alerts.enqueue_delivery)
    return count
