"""Reads for the casework pages.

Each selector owns its ``select_related``/``prefetch_related`` so that a page
costs a fixed number of SQL queries whatever the amount of data; the tests in
``tests/casework/test_views.py`` lock those numbers. What a user may see is
decided by ``casework.permissions`` only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from casework.history import HISTORY_LIMIT, HistoryEntry, Tracked, historical, history
from casework.models import (
    Event,
    Finding,
    Investigation,
    InvestigationLink,
    Organization,
    Participation,
    Recommendation,
    User,
)
from casework.permissions import investigations_visible_to

if TYPE_CHECKING:
    from casework.filters import InvestigationFilter

# The lead first, then joint, parallel and observing authorities.
PARTICIPATION_ORDER = Case(
    When(role=Participation.Role.LEAD, then=Value(0)),
    When(role=Participation.Role.JOINT, then=Value(1)),
    When(role=Participation.Role.PARALLEL, then=Value(2)),
    default=Value(3),
)


# --- The investigations list ---------------------------------------------------------


def investigation_list(user: User, filters: InvestigationFilter | None = None) -> QuerySet[Investigation]:
    """The investigations ``user`` may see, narrowed by the list page's filters, ready for its table.

    Evaluating a page of it costs three queries: the page itself, the participations
    with their authorities, and the respondents (plus the paginator's count).
    An invalid filter value is ignored (its error is shown on the form); the others apply.
    """
    queryset = investigations_visible_to(user)
    if filters is not None:
        filters.is_valid()  # builds cleaned_data, which holds only the valid values
        queryset = filters.filter_queryset(queryset)
    return queryset.prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("authority").order_by(PARTICIPATION_ORDER, "authority__code"),
        ),
        "respondents",
    )


# --- The investigation page ------------------------------------------------------------


@dataclass(frozen=True)
class RelatedInvestigation:
    """A link shown on the page, seen from this investigation (``outgoing``: this one links to it)."""

    link: InvestigationLink
    other: Investigation
    outgoing: bool


@dataclass
class InvestigationPage:
    investigation: Investigation
    respondents: list[Organization]
    participations: list[Participation]
    events: list[Event]
    recommendations: list[Recommendation]
    related: list[RelatedInvestigation]
    assignees: list[User]

    @property
    def has_findings(self) -> bool:
        return any(participation.findings.all() for participation in self.participations)  # prefetched


def investigation_page(user: User, investigation: Investigation) -> InvestigationPage:
    """Everything the investigation page shows, for an investigation ``user`` may see.

    Queries, whatever the number of rows: respondents; participations with their
    authorities; their statutes; their findings with the statute; events;
    recommendations; the findings they follow from; assigned staff; the related
    investigations in both directions (only those ``user`` may see). The history is
    a page of its own, which the investigation page loads after it (``investigation_history``).
    """
    findings = Finding.objects.select_related("statute").order_by("issued_on", "statute__code", "pk")
    participations = list(
        investigation.participations.select_related("authority")
        .prefetch_related("statutes", Prefetch("findings", queryset=findings))
        .order_by(PARTICIPATION_ORDER, "authority__code")
    )
    recommendations = list(
        investigation.recommendations.prefetch_related(
            Prefetch(
                "findings",
                queryset=Finding.objects.select_related("statute", "participation__authority").order_by("issued_on"),
            )
        ).order_by("number")
    )
    visible = investigations_visible_to(user)
    links = InvestigationLink.objects.select_related("from_investigation", "to_investigation").filter(
        Q(from_investigation=investigation, to_investigation__in=visible)
        | Q(to_investigation=investigation, from_investigation__in=visible)
    )
    related = sorted(
        (
            RelatedInvestigation(
                link=link,
                other=link.to_investigation
                if link.from_investigation_id == investigation.pk
                else link.from_investigation,
                outgoing=link.from_investigation_id == investigation.pk,
            )
            for link in links
        ),
        key=lambda item: item.other.reference,
    )
    return InvestigationPage(
        investigation=investigation,
        respondents=list(investigation.respondents.order_by("name")),
        participations=participations,
        events=list(investigation.events.order_by("date", "pk")),
        recommendations=recommendations,
        related=related,
        assignees=list(investigation.assignees.select_related("authority").order_by("last_name", "username")),
    )


# --- History -----------------------------------------------------------------------------


def _tracked_models() -> tuple[Tracked[Investigation], ...]:
    historical_participation = historical(Participation)
    tracked: tuple[Tracked[Investigation], ...] = (
        Tracked(
            Investigation,
            lambda inv: Q(id=inv.pk),
            (),
            lambda row: _("investigation %(reference)s") % {"reference": row.reference},
        ),
        Tracked(
            Participation,
            lambda inv: Q(investigation_id=inv.pk),
            ("authority",),
            lambda row: (
                _("participation of %(authority)s")
                % {"authority": row.authority.code if row.authority else f"#{row.authority_id}"}
            ),
        ),
        Tracked(
            # Through every participation the investigation ever had, deleted ones included.
            Finding,
            lambda inv: Q(
                participation_id__in=historical_participation.objects.filter(investigation_id=inv.pk).values("id")
            ),
            ("statute",),
            lambda row: (
                _("finding under %(statute)s on %(issue)s")
                % {"statute": row.statute.short_name if row.statute else f"#{row.statute_id}", "issue": row.issue}
            ),
        ),
        Tracked(
            Recommendation,
            lambda inv: Q(investigation_id=inv.pk),
            (),
            lambda row: _("recommendation %(number)s") % {"number": row.number},
        ),
        Tracked(
            Event,
            lambda inv: Q(investigation_id=inv.pk),
            (),
            lambda row: _("event of %(date)s") % {"date": date_format(row.date, "DATE_FORMAT")},
        ),
        Tracked(
            InvestigationLink,
            lambda inv: Q(from_investigation_id=inv.pk) | Q(to_investigation_id=inv.pk),
            (),
            lambda row: _("link between investigations"),  # named in _entry, after the visibility check
        ),
    )
    # The parent a row hangs from is never shown as a change.
    return tuple(replace(t, skipped=_PARENTS) for t in tracked)


_PARENTS = frozenset({"investigation", "participation"})


def investigation_history(user: User, investigation: Investigation, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """The audit trail of an investigation and what hangs from it, newest first, at most ``limit`` entries.

    ``casework.history.history`` over the investigation, its participations, findings,
    recommendations, events and links; then one query names the linked investigations
    that ``user`` may see: links to the others are left out, so that the history does not
    reveal that they exist.
    """
    visible_links = _visible_linked_references(user, investigation)

    def label(tracked: Tracked[Investigation], row: Any) -> str | None:
        if tracked.model is not InvestigationLink:
            return tracked.describe(row)
        other_id = (
            row.to_investigation_id if row.from_investigation_id == investigation.pk else row.from_investigation_id
        )
        if other_id not in visible_links:
            return None
        return _("link with %(reference)s") % {"reference": visible_links[other_id]}

    return history(investigation, _tracked_models(), limit=limit, label=label)


def _visible_linked_references(user: User, investigation: Investigation) -> dict[int, str]:
    historical_link = historical(InvestigationLink)
    linked = historical_link.objects.filter(
        Q(from_investigation_id=investigation.pk) | Q(to_investigation_id=investigation.pk)
    )
    visible = investigations_visible_to(user).filter(
        Q(pk__in=linked.values("from_investigation_id")) | Q(pk__in=linked.values("to_investigation_id"))
    )
    return dict(visible.values_list("pk", "reference"))
