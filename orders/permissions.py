"""Every "may this user see / do this" of the orders app, written once here.

The pages, the API, the tasks, the e-mails and the exports all ask this module (and
``casework.permissions``, which it builds on); no other module of the app decides access.

- Orders: seen by whoever sees their investigation; anything else answers 404, exactly
  as if it did not exist. Changing an order (drafting, issuing, recording stays,
  submissions, court proceedings…) is the work of the issuing authority's legal staff;
  others who see it get 403. Only an authority with order-making power issues orders.
- Notifications: a user's own, about orders they may still see.
- Documents: those of orders the user may see.
- Exports: a user's own bundles whose every order they still see; bundles are for legal staff.
- The dashboard: managers, legal staff, administrators. The operations page: administrators.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from casework.lookups import RowByRow
from casework.models import Authority, Investigation, Participation, User
from casework.permissions import (
    can_edit_investigation,
    get_investigation_for_user,
    investigations_visible_to,
    pick_namesake,
)
from orders.models import ExportJob, InvestigationClock, Notification, Order, OrderDocument

# Who may open the dashboard: managers (it is theirs), legal staff (they track the
# deadlines and court challenges of their authority's orders), administrators and
# superusers. Investigators work from their investigations and "my deadlines".
DASHBOARD_ROLES = ("is_manager", "is_legal", "is_administrator")


# --- Orders --------------------------------------------------------------------------------------


def orders_visible_to(user: User) -> QuerySet[Order]:
    """The orders ``user`` may see: those of the investigations they may see (one subquery, no joins)."""
    return Order.objects.filter(investigation__in=investigations_visible_to(user))


def notifications_visible_to(user: User) -> QuerySet[Notification]:
    """The user's notifications about orders and investigations' clocks they may (still) see: the list, the
    bell's number, the e-mails.

    A notification raised while the user could see the case stays in the database, but is
    neither shown nor counted once they are unassigned from it (or their authority leaves it).

    Each notification's investigation (its order's, or its clock's) is tested on its own, by a correlated
    ``EXISTS`` that PostgreSQL answers from the indexes (the investigation, its participation, its
    assignment): a page of notifications, or the bell's capped count, then costs what it reads,
    not what the user may see (PostgreSQL would otherwise hash every visible investigation first).
    """
    investigation = Coalesce(
        OuterRef("alert__deadline__order__investigation_id"), OuterRef("alert__clock__investigation_id")
    )
    return Notification.objects.filter(
        Exists(investigations_visible_to(user).filter(RowByRow(F("pk"), investigation))),
        user_id=user.pk,
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
            _("Only the legal staff of %(authority)s may change its orders.") % {"authority": order.authority.name}
        )
    return order


def may_draft_orders(user: User) -> bool:
    """Who may open the page that drafts an order: legal staff of an authority, and superusers.

    Whether their authority may issue orders at all is the service's rule
    (``check_may_issue_orders``): the page shows its message.
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


def check_may_issue_orders(authority: Authority) -> None:
    """Only an authority with order-making power may issue a binding order."""
    if not authority.can_issue_orders:
        raise ValidationError(
            {
                "authority": _(
                    "%(authority)s cannot issue binding orders: its statutes give it no order-making power "
                    "(it makes findings and recommendations, and may go to court)."
                )
                % {"authority": authority.code}
            }
        )


# --- Documents -----------------------------------------------------------------------------------


def get_document_for_user(user: User, pk: int) -> OrderDocument:
    """A document of an order ``user`` may see, or 404 (the same answer as a document that does not exist)."""
    try:
        return OrderDocument.objects.select_related("order__authority").get(pk=pk, order__in=orders_visible_to(user))
    except OrderDocument.DoesNotExist:
        raise Http404("No such document.") from None


# --- Exports -------------------------------------------------------------------------------------


def may_export_bundles(user: User) -> bool:
    """Legal staff export bundles of order PDFs (superusers too). Costs no query."""
    return bool(user.is_active) and (user.is_superuser or bool(user.is_legal))


def check_may_export_bundles(user: User) -> None:
    if not may_export_bundles(user):
        raise PermissionDenied(_("Only legal staff may export bundles of orders."))


def get_orders_for_user(user: User, ids: Iterable[int]) -> list[Order]:
    """The orders with these ids, or 404 if any is missing or not visible to ``user`` (one query)."""
    wanted = set(ids)
    orders = list(
        orders_visible_to(user)
        .filter(pk__in=wanted)
        .select_related("authority", "investigation")
        .order_by("authority__code", "number")
    )
    if len(orders) != len(wanted):
        raise Http404("No such order.")
    return orders


def exports_visible_to(user: User) -> QuerySet[ExportJob]:
    """The user's own exports whose every order they still see: one holding an order of a case they were
    unassigned from since is gone for them, like a missing one (its page, status, download and list row)."""
    hidden_order = ExportJob.orders.through.objects.filter(exportjob_id=OuterRef("pk")).exclude(
        order_id__in=orders_visible_to(user).values("pk")
    )
    return ExportJob.objects.filter(user_id=user.pk).exclude(Exists(hidden_order))


def get_export_for_user(user: User, pk: int) -> ExportJob:
    """One of ``user``'s own exports that they may still see; anything else answers 404, like a missing one."""
    try:
        return exports_visible_to(user).get(pk=pk)
    except ExportJob.DoesNotExist:
        raise Http404("No such export.") from None


def export_still_visible(job: ExportJob, user: User) -> bool:
    """Whether ``user`` still sees every order of the bundle (one query): else the download answers 404."""
    return not job.orders.exclude(pk__in=orders_visible_to(user).values("pk")).exists()


# --- The dashboard and the operations page -------------------------------------------------------


def can_see_dashboard(user: User) -> bool:
    """Managers, legal staff, administrators and superusers (no query)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or any(getattr(user, role, False) for role in DASHBOARD_ROLES))


def can_operate(user: User) -> bool:
    """The operations page is for administrators (and superusers)."""
    return user.is_active and (user.is_superuser or user.is_administrator)


# --- Statutory clocks (orders.clocks) -----------------------------------------------------------------


def can_change_clocks(
    user: User, investigation: Investigation, authority_id: int | None, *, assignees: Iterable[User] | None = None
) -> bool:
    """Start, stay, lift, extend or close an authority's clocks on an investigation: whoever may edit the
    investigation (``casework.permissions.can_edit_investigation``) and belongs to that authority.

    Pass ``assignees`` when the page has them already (no query then): editing is an assigned
    investigator's, as ``can_edit_investigation`` says.
    """
    if user.is_superuser:
        return True
    if user.authority_id is None or user.authority_id != authority_id:
        return False
    if assignees is not None:
        return user.is_investigator and any(assignee.pk == user.pk for assignee in assignees)
    return can_edit_investigation(user, investigation)


def get_clock_for_user(user: User, reference: str, clock_id: int, *, write: bool = False) -> InvestigationClock:
    """A clock of the investigation ``reference``: 404 if the user may not see the investigation (or no such
    clock there); with ``write``, 403 for those who see it but may not change that authority's clocks."""
    investigation = get_investigation_for_user(user, reference)
    clock = (
        InvestigationClock.objects.filter(investigation=investigation, pk=clock_id)
        .select_related("authority__jurisdiction", "rule__statute", "investigation")
        .first()
    )
    if clock is None:
        raise Http404("No such clock.")
    if write and not can_change_clocks(user, investigation, clock.authority_id):
        raise PermissionDenied(
            _("Only investigators of %(authority)s assigned to this investigation may change its clocks.")
            % {"authority": clock.authority.name}
        )
    return clock


def clocks_visible_to(user: User) -> QuerySet[InvestigationClock]:
    """The statutory clocks ``user`` may see: those of the investigations they may see."""
    return InvestigationClock.objects.filter(investigation__in=investigations_visible_to(user))
