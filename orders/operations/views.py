"""The operations page (/operations/): what the background work still owes, for administrators.

Administrators and superusers only (``orders.operations.can_operate``; others get 403). It
shows the e-mails owed, retrying, being sent and failed, the oldest one owed, the documents
and bundles pending, and the workers' heartbeats; one button sends the failed e-mails again.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from casework.models import User, WorkerHeartbeat
from orders.operations.backlog import backlog, failed_notifications
from orders.operations.services import notifications_retry_failed
from orders.permissions import can_operate


def _operator(request: HttpRequest) -> User:
    user = cast(User, request.user)
    if not can_operate(user):
        raise PermissionDenied(_("The operations page is for administrators."))
    return user


@login_required
@require_GET
def operations(request: HttpRequest) -> HttpResponse:
    """The backlog of the background work.

    Queries, whatever the data size: 1 session, 2 user, 3 e-mails owed and failed, 4 documents,
    5 bundles, 6 the latest failed e-mails with their recipients, 7 the workers' heartbeats;
    while the template renders, 8 the unread count (bell).
    """
    _operator(request)
    return render(
        request,
        "orders/operations.html",
        {
            "backlog": backlog(),
            "failed": failed_notifications(),
            "workers": list(WorkerHeartbeat.objects.order_by("-seen_at", "worker")),
        },
    )


@login_required
@require_POST
def operations_retry_emails(request: HttpRequest) -> HttpResponse:
    """Send every e-mail that failed for good once more (``notifications_retry_failed``)."""
    user = _operator(request)
    count = notifications_retry_failed(actor=user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d failed e-mail will be sent again.", "%(count)d failed e-mails will be sent again.", count
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("No e-mail had failed."))
    return redirect("orders:operations")
