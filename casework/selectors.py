"""Reads for the casework pages.

Each selector owns its ``select_related``/``prefetch_related`` so that a page
costs a fixed number of SQL queries whatever the amount of data; the tests in
``tests/casework/test_views.py`` lock those numbers. What a user may see is
decided by ``casework.permissions`` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from casework.documents.selectors import case_documents
from casework.history import HISTORY_LIMIT, HistoryEntry, Tracked, historical, history
from casework.lookups import AmongIds
from casework.models import (
    CORRECTED,
    REASON_PREFIXES,
    RESTORED,
    WITHDRAWN,
    CaseDocument,
    DocumentVersion,
    Event,
    Finding,
    Investigation,
    InvestigationLink,
    Organization,
    Participation,
    Recommendation,
    RespondentWithdrawal,
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
    A filter value the list does not know (an unknown authority code, a stage that does not
    exist) gives no rows, and its error is shown above the list: every row would be a wrong answer.
    """
    queryset = investigations_visible_to(user)
    if filters is not None:
        if not filters.is_valid():
            return queryset.none()
        queryset = filters.filter_queryset(queryset)
    return queryset.prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.filter(withdrawn_at__isnull=True)
            .select_related("authority")
            .order_by(PARTICIPATION_ORDER, "authority__code"),
        ),
        "respondents",
    )


# --- The home page --------------------------------------------------------------------------

HOME_INVESTIGATIONS = 10


def investigations_assigned(user: User) -> QuerySet[Investigation]:
    """The open investigations ``user`` is assigned to (and may see), most recently opened first,
    with their participations and authorities (two queries a page)."""
    assigned = Investigation.assignees.through.objects.filter(investigation_id=OuterRef("pk"), user_id=user.pk)
    return (
        investigations_visible_to(user)
        .filter(Exists(assigned), closed_on__isnull=True)
        .exclude(stage=Investigation.Stage.CLOSED)
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.filter(withdrawn_at__isnull=True)
                .select_related("authority")
                .order_by(PARTICIPATION_ORDER, "authority__code"),
            )
        )
        .order_by("-opened_on", "reference")
    )


# --- The investigation page ------------------------------------------------------------


@dataclass(frozen=True)
class RelatedInvestigation:
    """A link shown on the page, seen from this investigation (``outgoing``: this one links to it)."""

    link: InvestigationLink
    other: Investigation
    outgoing: bool


@dataclass
class Withdrawn:
    """What was withdrawn from the case: listed apart on the page, with who, when and why, to restore."""

    participations: list[Participation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    respondents: list[RespondentWithdrawal] = field(default_factory=list)
    documents: list[CaseDocument] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(
            (self.participations, self.findings, self.recommendations, self.events, self.respondents, self.documents)
        )


@dataclass
class InvestigationPage:
    """What the page shows. ``participations``, ``events``, ``recommendations`` and ``documents`` are those
    in the case (each participation's ``findings`` too); ``withdrawn`` the rest."""

    investigation: Investigation
    respondents: list[Organization]
    participations: list[Participation]
    events: list[Event]
    recommendations: list[Recommendation]
    related: list[RelatedInvestigation]
    assignees: list[User]
    documents: list[CaseDocument] = field(default_factory=list)
    withdrawn: Withdrawn = field(default_factory=Withdrawn)

    @property
    def has_findings(self) -> bool:
        return any(participation.findings.all() for participation in self.participations)  # prefetched


def investigation_page(user: User, investigation: Investigation) -> InvestigationPage:
    """Everything the investigation page shows, for an investigation ``user`` may see.

    Queries, whatever the number of rows: respondents; participations with their
    authorities; their statutes; their findings with the statute; events;
    recommendations; the findings they follow from; assigned staff; the related
    investigations in both directions (only those ``user`` may see); the documents with
    their versions; the withdrawn findings; the withdrawn respondents. Withdrawn
    participations, events and recommendations come with the others and are set apart here.
    The history is a page of its own, which the investigation page loads after it
    (``investigation_history``).
    """
    findings = (
        Finding.objects.filter(withdrawn_at__isnull=True)
        .select_related("statute")
        .order_by("issued_on", "statute__code", "pk")
    )
    all_participations = list(
        investigation.participations.select_related("authority", "withdrawn_by")
        .prefetch_related("statutes", Prefetch("findings", queryset=findings))
        .order_by(PARTICIPATION_ORDER, "authority__code")
    )
    all_recommendations = list(
        investigation.recommendations.select_related("withdrawn_by")
        .prefetch_related(
            Prefetch(
                "findings",
                queryset=Finding.objects.filter(withdrawn_at__isnull=True)
                .select_related("statute", "participation__authority")
                .order_by("issued_on"),
            )
        )
        .order_by("number")
    )
    all_events = list(investigation.events.select_related("withdrawn_by").order_by("date", "pk"))
    documents = case_documents(investigation)
    withdrawn = Withdrawn(
        participations=[p for p in all_participations if p.withdrawn],
        findings=list(
            Finding.objects.filter(participation__investigation=investigation, withdrawn_at__isnull=False)
            .select_related("statute", "participation__authority", "withdrawn_by")
            .order_by("issued_on", "pk")
        ),
        recommendations=[r for r in all_recommendations if r.withdrawn],
        events=[e for e in all_events if e.withdrawn],
        respondents=list(
            investigation.respondent_withdrawals.filter(restored_at__isnull=True)
            .select_related("organization", "withdrawn_by")
            .order_by("-withdrawn_at")
        ),
        documents=documents.withdrawn,
    )
    # The other side's visibility is a correlated EXISTS for each of the investigation's few links,
    # not ``IN (visible investigations)``, for which PostgreSQL hashed every visible investigation
    # (a cost that grew with the table: 95 ms at full scale).
    visible = investigations_visible_to(user)
    links = InvestigationLink.objects.select_related("from_investigation", "to_investigation").filter(
        Q(from_investigation=investigation) & Exists(visible.filter(pk=OuterRef("to_investigation_id")))
        | Q(to_investigation=investigation) & Exists(visible.filter(pk=OuterRef("from_investigation_id")))
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
        participations=[p for p in all_participations if not p.withdrawn],
        events=[e for e in all_events if not e.withdrawn],
        recommendations=[r for r in all_recommendations if not r.withdrawn],
        related=related,
        assignees=list(investigation.assignees.select_related("authority").order_by("last_name", "username")),
        documents=documents.active,
        withdrawn=withdrawn,
    )


# --- History -----------------------------------------------------------------------------


def _tracked_models() -> tuple[Tracked[Investigation], ...]:
    historical_participation = historical(Participation)
    historical_document = historical(CaseDocument)
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
            ("authority", "withdrawn_by"),
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
            ("statute", "withdrawn_by"),
            lambda row: (
                _("finding under %(statute)s on %(issue)s")
                % {"statute": row.statute.short_name if row.statute else f"#{row.statute_id}", "issue": row.issue}
            ),
        ),
        Tracked(
            Recommendation,
            lambda inv: Q(investigation_id=inv.pk),
            ("withdrawn_by",),
            lambda row: _("recommendation %(number)s") % {"number": row.number},
        ),
        Tracked(
            Event,
            lambda inv: Q(investigation_id=inv.pk),
            ("withdrawn_by",),
            lambda row: _("event of %(date)s") % {"date": date_format(row.date, "DATE_FORMAT")},
        ),
        Tracked(
            InvestigationLink,
            lambda inv: Q(from_investigation_id=inv.pk) | Q(to_investigation_id=inv.pk),
            (),
            lambda row: _("link between investigations"),  # named in _entry, after the visibility check
        ),
        Tracked(
            RespondentWithdrawal,
            lambda inv: Q(investigation_id=inv.pk),
            ("organization", "withdrawn_by", "restored_by"),
            lambda row: (
                _("withdrawal of the respondent %(name)s")
                % {"name": row.organization.name if row.organization else f"#{row.organization_id}"}
            ),
        ),
        Tracked(
            CaseDocument,
            lambda inv: Q(investigation_id=inv.pk),
            ("finding", "withdrawn_by", "created_by"),
            lambda row: _("document “%(title)s”") % {"title": row.title},
        ),
        Tracked(
            # Through every document the investigation ever had.
            DocumentVersion,
            lambda inv: Q(document_id__in=historical_document.objects.filter(investigation_id=inv.pk).values("id")),
            ("document", "uploaded_by"),
            lambda row: (
                _("version %(number)s of “%(title)s” (%(filename)s)")
                % {
                    "number": row.number,
                    "title": row.document.title if row.document else f"#{row.document_id}",
                    "filename": row.filename,
                }
            ),
        ),
    )
    # The parent a row hangs from is never shown as a change; nor a file's random storage name.
    return tuple(replace(t, skipped=_PARENTS) for t in tracked)


_PARENTS = frozenset({"investigation", "participation", "document", "file"})


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
            return _with_reason(tracked.describe(row), row.history_change_reason)
        other_id = (
            row.to_investigation_id if row.from_investigation_id == investigation.pk else row.from_investigation_id
        )
        if other_id not in visible_links:
            return None
        return _("link with %(reference)s") % {"reference": visible_links[other_id]}

    return history(investigation, _tracked_models(), limit=limit, label=label)


def _with_reason(label: str, reason: str | None) -> str:
    """The entry's label with the why of a correction, a withdrawal or a restoration, as the person gave it.

    The services record it as the history row's reason ("corrected: the source gives 7 July",
    casework.services.REASON_PREFIXES); other reasons are the system's own words, not shown.
    """
    action, _sep, why = (reason or "").partition(": ")
    if action not in REASON_PREFIXES or not why:
        return label
    words = {CORRECTED: _("corrected"), WITHDRAWN: _("withdrawn"), RESTORED: _("restored")}
    # Translators: a history entry's subject, then why a person corrected, withdrew or restored it:
    # "event of 6 July 2020 — withdrawn: entered twice".
    return _("%(label)s — %(action)s: %(why)s") % {"label": label, "action": words[action], "why": why}


def _visible_linked_references(user: User, investigation: Investigation) -> dict[int, str]:
    historical_link = historical(InvestigationLink)
    linked = historical_link.objects.filter(
        Q(from_investigation_id=investigation.pk) | Q(to_investigation_id=investigation.pk)
    )
    # The few linked ids are read first and looked up by id (``AmongIds``): ``pk IN (subquery)`` let
    # the planner test every investigation the user may see against them (36 ms at full scale).
    visible = investigations_visible_to(user).filter(
        Q(AmongIds(F("pk"), Subquery(linked.values("from_investigation_id"))))
        | Q(AmongIds(F("pk"), Subquery(linked.values("to_investigation_id"))))
    )
    return dict(visible.order_by().values_list("pk", "reference"))
