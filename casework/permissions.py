"""Who may see and do what: written once here, used by pages, downloads, exports and the API.

A user sees an investigation only if their authority takes part in it, and a
confidential one only if they are assigned to it. Anything a user may not see
answers 404, exactly as if it did not exist, so that its existence is not revealed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from casework.models import Investigation, Participation, User


def investigations_visible_to(user: User) -> QuerySet[Investigation]:
    """The investigations ``user`` may see (no duplicates, no joins that multiply rows)."""
    if not user.is_authenticated or not user.is_active:
        return Investigation.objects.none()
    if user.is_superuser:
        return Investigation.objects.all()
    if user.authority_id is None:
        return Investigation.objects.none()
    takes_part = Exists(Participation.objects.filter(investigation=OuterRef("pk"), authority_id=user.authority_id))
    assigned = Exists(Investigation.assignees.through.objects.filter(investigation_id=OuterRef("pk"), user_id=user.pk))
    return Investigation.objects.filter(takes_part).filter(Q(confidential=False) | assigned)


def can_edit_investigation(user: User, investigation: Investigation) -> bool:
    """Investigators edit the investigations they are assigned to (superusers edit all)."""
    if user.is_superuser:
        return True
    if not user.is_investigator:
        return False
    return investigation.assignees.filter(pk=user.pk).exists()


def can_open_investigation(user: User) -> bool:
    return user.is_superuser or (user.is_investigator and user.authority_id is not None)


def get_investigation_for_user(user: User, reference: str, *, write: bool = False) -> Investigation:
    """The investigation, or 404 if the user may not see it (or, with ``write``, may not edit it).

    A visible investigation that the user may not edit answers 403 on write
    pages: they know it exists, and are told that they may not change it.
    """
    try:
        investigation = investigations_visible_to(user).get(reference=reference)
    except Investigation.DoesNotExist:
        raise Http404("No such investigation.") from None
    if write and not can_edit_investigation(user, investigation):
        raise PermissionDenied("Only investigators assigned to this investigation may change it.")
    return investigation
