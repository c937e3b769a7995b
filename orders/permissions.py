"""Who may see and change orders: written once here, used by the pages (and by downloads, exports and the API).

An order is seen by whoever sees its investigation (``casework.permissions``):
anything else answers 404, exactly as if it did not exist. Changing an order
(drafting, issuing, recording stays, submissions, court proceedings…) is the
work of the issuing authority's legal staff; others who see it get 403.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from casework.models import Investigation, Participation, User
from casework.permissions import investigations_visible_to, pick_namesake
from orders.models import Notification, Order


def orders_visible_to(user: User) -> QuerySet[Order]:
    """The orders ``user`` may see: those of the investigations they may see (one subquery, no joins)."""
    return Order.objects.filter(investigation__in=investigations_visible_to(user))


def notifications_visible_to(user: User) -> QuerySet[Notification]:
    """The user's notifications about orders they may (still) see: the list, the bell's number, the e-mails.

    A notification raised while the user could see the case stays in the database, but is
    neither shown nor counted once they are unassigned from it (or their authority leaves it).
    """
    return Notification.objects.filter(
        user_id=user.pk, alert__deadline__order__investigation__in=investigations_visible_to(user)
    )


def can_change_order(user: User, order: Order) -> bool:
    """Legal staff of the issuing authority change its orders (superusers change all). Costs no query."""
    if user.is_superuser:
        return True
    return bool(user.is_legal) and user.authority_id is not None and user.authority_id == order.authority_id


def get_order_for_user(user: User, authority_code: str, number: str, *, write: bool = False) -> Order:
    """The order, or 404 if the user may not see it; with ``write``, 403 if they see it but may not change it."""
    order = pick_namesake(
        orders_visible_to(user)
        .select_related("authority__jurisdiction", "investigation")
        .filter(authority__code=authority_code, number=number)
    )
    if order is None:
        raise Http404("No such order.")
    if write and not can_change_order(user, order):
        raise PermissionDenied(
            _("Only the legal staff of %(authority)s may change its orders.") % {"authority": order.authority.code}
        )
    return order


def may_draft_orders(user: User) -> bool:
    """Who may open the page that drafts an order: legal staff of an authority, and superusers.

    Whether their authority may issue orders at all is the service's rule
    (``orders.services.check_may_issue_orders``): the page shows its message.
    """
    return user.is_superuser or (bool(user.is_legal) and user.authority_id is not None)


def can_draft_order(user: User, investigation: Investigation, participations: Iterable[Participation]) -> bool:
    """Whether drafting an order in ``investigation`` would succeed for ``user`` (for showing the button).

    Legal staff of an authority with order-making power that takes part in it;
    a superuser when any such authority takes part. ``participations`` are the
    investigation's, with their authorities (already fetched by the page: no query).
    """
    if not may_draft_orders(user):
        return False
    for participation in participations:
        if participation.investigation_id != investigation.pk or not participation.authority.can_issue_orders:
            continue
        if user.is_superuser or participation.authority_id == user.authority_id:
            return True
    return False


def check_may_draft(user: User) -> None:
    """403 for those who may not draft orders at all (investigators, managers)."""
    if not may_draft_orders(user):
        raise PermissionDenied(_("Only legal staff may draft orders."))
