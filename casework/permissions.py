"""Who may see and do what: written once here, used by pages, downloads, exports and the API.

A user sees an investigation only if their authority takes part in it, and a
confidential one only if they are assigned to it. Anything a user may not see
answers 404, exactly as if it did not exist, so that its existence is not revealed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from casework.models import CaseDocument, DocumentVersion, Investigation, Participation, User
from casework.namesakes import requested_case

M = TypeVar("M", bound=Model)

# The rule is written twice below, once for each direction it is asked in, side by side so that
# they are read and changed together; tests/casework/test_visibility_rule.py proves on random data
# that they agree:
#   investigations_visible_to(user)      – the SQL filter the pages, lists, exports, feeds and API use;
#   may_see(...) / users_who_may_see()   – the same rule over an investigation's facts, for the
#                                          channels that start from the investigation (alerts,
#                                          notifications, e-mails, digests).


def investigations_visible_to(user: User) -> QuerySet[Investigation]:
    """The investigations ``user`` may see (no duplicates, no joins that multiply rows)."""
    if not user.is_authenticated or not user.is_active:
        return Investigation.objects.none()
    if user.is_superuser:
        return Investigation.objects.all()
    if user.authority_id is None:
        return Investigation.objects.none()
    # A withdrawn participation (an authority recorded by mistake, or gone) no longer counts.
    takes_part = Exists(
        Participation.objects.filter(
            investigation=OuterRef("pk"), authority_id=user.authority_id, withdrawn_at__isnull=True
        )
    )
    assigned = Exists(Investigation.assignees.through.objects.filter(investigation_id=OuterRef("pk"), user_id=user.pk))
    return Investigation.objects.filter(takes_part).filter(Q(confidential=False) | assigned)


def may_see(user: User, *, authority_ids: Collection[int], confidential: bool, assignee_ids: Collection[int]) -> bool:
    """Whether ``user`` may see an investigation with these facts: the rule of ``investigations_visible_to``.

    ``authority_ids`` are the authorities taking part in it, ``assignee_ids`` the users assigned to it.
    """
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.authority_id is None or user.authority_id not in authority_ids:
        return False
    return not confidential or user.pk in assignee_ids


def users_who_may_see(pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of the (investigation id, user id) ``pairs``, those where the user may see the investigation.

    Four queries whatever the number of pairs: the investigations' confidentiality, their
    participating authorities, their assignees, and the users.
    """
    pairs = set(pairs)
    if not pairs:
        return set()
    investigation_ids = {investigation for investigation, _ in pairs}
    confidential = dict(Investigation.objects.filter(pk__in=investigation_ids).values_list("pk", "confidential"))
    authorities: dict[int, set[int]] = defaultdict(set)
    for investigation, authority in Participation.objects.filter(
        investigation_id__in=investigation_ids, withdrawn_at__isnull=True
    ).values_list("investigation_id", "authority_id"):
        authorities[investigation].add(authority)
    assignees: dict[int, set[int]] = defaultdict(set)
    for investigation, assignee in Investigation.assignees.through.objects.filter(
        investigation_id__in=investigation_ids
    ).values_list("investigation_id", "user_id"):
        assignees[investigation].add(assignee)
    users = User.objects.in_bulk({user for _, user in pairs})
    return {
        (investigation, user_id)
        for investigation, user_id in pairs
        if investigation in confidential
        and user_id in users
        and may_see(
            users[user_id],
            authority_ids=authorities[investigation],
            confidential=confidential[investigation],
            assignee_ids=assignees[investigation],
        )
    }


def pick_namesake(candidates: QuerySet[M]) -> M | None:
    """Of the visible objects sharing a key, the one ``?case=`` asked for, else the oldest; None if none.

    One query: the chosen object carries the others in ``namesakes`` (almost always empty), so
    that its page can name them without a query of its own.
    """
    found = list(candidates.order_by("pk")[:20])
    if not found:
        return None
    wanted = requested_case.get()
    chosen = next((obj for obj in found if obj.pk == wanted), found[0])
    chosen.namesakes = [obj for obj in found if obj.pk != chosen.pk]  # type: ignore[attr-defined]
    return chosen


def can_edit_investigation(user: User, investigation: Investigation) -> bool:
    """Investigators edit the investigations they are assigned to (superusers edit all)."""
    if user.is_superuser:
        return True
    if not user.is_investigator:
        return False
    return investigation.assignees.filter(pk=user.pk).exists()


def can_assign_staff(
    user: User,
    investigation: Investigation,
    *,
    participations: Iterable[Participation] | None = None,
    can_edit: bool | None = None,
) -> bool:
    """Who may assign their authority's staff to a visible investigation: an assigned investigator,
    and legal staff and administrators of an authority taking part (superusers: anyone).

    What they may change is their own authority's assignees only
    (``casework.services.investigation_set_assignees``). Pass ``participations`` when the
    page has them already (no query then for legal staff and administrators), and ``can_edit``
    when it has asked ``can_edit_investigation`` already (no query then for investigators).
    """
    if user.is_superuser:
        return True
    if user.authority_id is None:
        return False
    if user.is_legal or user.is_administrator:
        if participations is None:
            return investigation.participations.filter(
                authority_id=user.authority_id, withdrawn_at__isnull=True
            ).exists()
        return any(p.authority_id == user.authority_id and not p.withdrawn for p in participations)
    return can_edit_investigation(user, investigation) if can_edit is None else can_edit


def can_open_investigation(user: User) -> bool:
    return user.is_superuser or (user.is_investigator and user.authority_id is not None)


def get_investigation_for_user(user: User, reference: str, *, write: bool = False) -> Investigation:
    """The investigation, or 404 if the user may not see it (or, with ``write``, may not edit it).

    A visible investigation that the user may not edit answers 403 on write
    pages: they know it exists, and are told that they may not change it.
    References are unique among what a user may see (``casework.namesakes``): when
    the user may see two, the request's ``?case=`` picks one, else the older.
    """
    investigation = pick_namesake(investigations_visible_to(user).filter(reference=reference))
    if investigation is None:
        raise Http404("No such investigation.")
    if write and not can_edit_investigation(user, investigation):
        raise PermissionDenied(_("Only investigators assigned to this investigation may change it."))
    return investigation


def get_document_for_user(user: User, reference: str, document_id: int, *, write: bool = False) -> CaseDocument:
    """A document of the investigation ``reference``, or 404 if the user may not see the investigation.

    Its file is served to whoever may see the investigation, whatever the document's
    confidentiality mark (a mark for the reader, not a rule); with ``write``, only to those who
    may change the investigation (403 for others who see it).
    """
    investigation = get_investigation_for_user(user, reference, write=write)
    document = (
        CaseDocument.objects.filter(investigation=investigation, pk=document_id)
        .select_related(
            "finding__statute", "finding__participation__authority", "withdrawn_by", "created_by", "attached_type"
        )
        .first()
    )
    if document is None:
        raise Http404("No such document.")
    document.investigation = investigation  # already fetched
    return document


def get_document_version_for_user(user: User, reference: str, document_id: int, number: int) -> DocumentVersion:
    """One version of a document the user may see (the download), or 404."""
    document = get_document_for_user(user, reference, document_id)
    version = DocumentVersion.objects.filter(document=document, number=number).first()
    if version is None:
        raise Http404("No such version.")
    version.document = document
    return version
