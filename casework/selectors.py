"""Reads for the casework pages.

Each selector owns its ``select_related``/``prefetch_related`` so that a page
costs a fixed number of SQL queries whatever the amount of data; the tests in
``tests/casework/test_views.py`` lock those numbers. What a user may see is
decided by ``casework.permissions`` only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Case, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from simple_history.utils import get_m2m_reverse_field_name

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

HISTORY_LIMIT = 50
NEWEST_FIRST = ("-history_date", "-history_id")


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


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str | None  # None: the change was made by the system (a command, an import)
    action: str  # "created", "changed" or "deleted"
    kind: str
    label: str
    changes: tuple[FieldChange, ...] = ()


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


@dataclass(frozen=True)
class HistoryView:
    """What ``_history.html`` shows: the entries, newest first, and how many at most."""

    history: list[HistoryEntry]
    history_limit: int = HISTORY_LIMIT


@dataclass(frozen=True)
class _Tracked:
    """How one audited model's history is found for an investigation and described."""

    model: type[models.Model]
    condition: Callable[[Investigation], Q]
    select: tuple[str, ...]
    describe: Callable[[Any], str]


def user_label(user: User) -> str:
    return user.get_full_name() or user.username


def m2m_label(obj: models.Model) -> str:
    if isinstance(obj, User):
        return user_label(obj)
    if isinstance(obj, Finding):
        return f"{obj.statute.short_name}: {obj.issue}"
    return str(obj)


def _tracked_models() -> tuple[_Tracked, ...]:
    historical_participation = Participation.history.model  # type: ignore[attr-defined]
    return (
        _Tracked(
            Investigation,
            lambda inv: Q(id=inv.pk),
            (),
            lambda row: _("investigation %(reference)s") % {"reference": row.reference},
        ),
        _Tracked(
            Participation,
            lambda inv: Q(investigation_id=inv.pk),
            ("authority",),
            lambda row: (
                _("participation of %(authority)s")
                % {"authority": row.authority.code if row.authority else f"#{row.authority_id}"}
            ),
        ),
        _Tracked(
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
        _Tracked(
            Recommendation,
            lambda inv: Q(investigation_id=inv.pk),
            (),
            lambda row: _("recommendation %(number)s") % {"number": row.number},
        ),
        _Tracked(
            Event,
            lambda inv: Q(investigation_id=inv.pk),
            (),
            lambda row: _("event of %(date)s") % {"date": date_format(row.date, "DATE_FORMAT")},
        ),
        _Tracked(
            InvestigationLink,
            lambda inv: Q(from_investigation_id=inv.pk) | Q(to_investigation_id=inv.pk),
            (),
            lambda row: _("link between investigations"),  # named in _entry, after the visibility check
        ),
    )


# Fields that are bookkeeping, or the parent the row hangs from: never shown as changes.
_SKIPPED_FIELDS = {"id", "created_at", "updated_at", "investigation", "participation"}
_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def format_value(row: models.Model, model_field: models.Field[Any, Any], value: object) -> str:
    """A historical value as a person reads it, without touching the database."""
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(model_field, models.ForeignKey):
        # Only relations fetched with select_related are named; anything else would cost a query.
        if model_field.is_cached(row):
            related = getattr(row, model_field.name)
            return m2m_label(related) if related is not None else f"#{value}"
        return f"#{value}"
    return Truncator(str(value)).chars(200)


def _history_ids(tracked: _Tracked, investigation: Investigation, limit: int) -> Q:
    """The newest ``limit`` history rows of one model, and the row before each (two subqueries).

    Subqueries rather than Python lists, so that each query runs, and is counted, even when
    a model has no history yet: the page's query count does not depend on the data.
    """
    historical = tracked.model.history.model  # type: ignore[attr-defined]
    newest = historical.objects.filter(tracked.condition(investigation)).order_by(*NEWEST_FIRST)
    return Q(history_id__in=newest.values("history_id")[:limit]) | Q(
        history_id__in=newest.annotate(previous_id=previous_row(historical)).values("previous_id")[:limit]
    )


def previous_row(historical: type[models.Model]) -> Subquery:
    """The id of the history row recorded just before the outer one, for the same object."""
    return Subquery(
        historical._default_manager.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by(*NEWEST_FIRST)
        .values("history_id")[:1]
    )


def _historical_rows(tracked: _Tracked, investigation: Investigation, limit: int) -> tuple[list[Any], dict[int, Any]]:
    """The newest ``limit`` history rows of one model and, by row, the row before it (one query)."""
    historical = tracked.model.history.model  # type: ignore[attr-defined]
    rows = list(
        # The object's own condition first (indexed, a handful of rows), then the newest ids and
        # their predecessors (which share it): alone, the two IN (…) OR IN (…) subqueries make
        # PostgreSQL scan the whole history table (seconds with a million deadlines, see docs/performance.md).
        historical.objects.filter(tracked.condition(investigation))
        .filter(_history_ids(tracked, investigation, limit))
        .select_related("history_user", *tracked.select)
        .annotate(previous_id=previous_row(historical))
        .order_by(*NEWEST_FIRST)
    )
    by_id = {row.history_id: row for row in rows}
    # A predecessor is older than all of the newest ``limit`` rows, so those come first.
    latest = rows[:limit]
    return latest, {row.history_id: by_id.get(row.previous_id) for row in latest}


def _m2m_snapshots(tracked: _Tracked, investigation: Investigation, limit: int) -> dict[str, dict[int, list[str]]]:
    """For each many-to-many field of a model: history row id → the labels of the set it recorded."""
    historical = tracked.model.history.model  # type: ignore[attr-defined]
    snapshots: dict[str, dict[int, list[str]]] = {}
    for m2m_field in historical._history_m2m_fields:
        m2m_history = getattr(historical, m2m_field.name).model
        target = get_m2m_reverse_field_name(m2m_field)
        select = [target]
        if m2m_field.related_model is Finding:
            select.append(f"{target}__statute")
        sets: dict[int, list[str]] = {}
        rows = (
            m2m_history.objects.filter(_history_ids(tracked, investigation, limit))
            .select_related(*select)
            .order_by("m2m_history_id")
        )
        for row in rows:
            related = getattr(row, target)
            label = m2m_label(related) if related is not None else f"#{getattr(row, f'{target}_id')}"
            sets.setdefault(row.history_id, []).append(label)
        snapshots[m2m_field.name] = sets
    return snapshots


def investigation_history(user: User, investigation: Investigation, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """The audit trail of an investigation and what hangs from it, newest first, at most ``limit`` entries.

    1. For each audited model (investigation, participations, findings, recommendations,
       events, links), one query fetches its newest ``limit`` history rows and the row
       before each, so that a change is shown as old → new.
    2. One query per many-to-many field (respondents, assignees, statutes, findings
       followed) fetches the sets those rows recorded.
    3. One query names the linked investigations that ``user`` may see; links to the
       others are left out, so that the history does not reveal that they exist.
    """
    entries: list[HistoryEntry] = []
    visible_links = _visible_linked_references(user, investigation)
    for tracked in _tracked_models():
        rows, previous = _historical_rows(tracked, investigation, limit)
        snapshots = _m2m_snapshots(tracked, investigation, limit)
        for row in rows:
            entry = _entry(tracked, row, previous[row.history_id], snapshots, investigation, visible_links)
            if entry is not None:
                entries.append(entry)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def _visible_linked_references(user: User, investigation: Investigation) -> dict[int, str]:
    historical_link = InvestigationLink.history.model  # type: ignore[attr-defined]
    linked = historical_link.objects.filter(
        Q(from_investigation_id=investigation.pk) | Q(to_investigation_id=investigation.pk)
    )
    visible = investigations_visible_to(user).filter(
        Q(pk__in=linked.values("from_investigation_id")) | Q(pk__in=linked.values("to_investigation_id"))
    )
    return dict(visible.values_list("pk", "reference"))


def _entry(
    tracked: _Tracked,
    row: Any,
    before: Any | None,
    snapshots: dict[str, dict[int, list[str]]],
    investigation: Investigation,
    visible_links: dict[int, str],
) -> HistoryEntry | None:
    """One line of the history; None for a link to an investigation the user may not see (not even its existence)."""
    label = tracked.describe(row)
    if tracked.model is InvestigationLink:
        other_id = (
            row.to_investigation_id if row.from_investigation_id == investigation.pk else row.from_investigation_id
        )
        if other_id not in visible_links:
            return None
        label = _("link with %(reference)s") % {"reference": visible_links[other_id]}
    changes: list[FieldChange] = []
    if row.history_type == "~" and before is not None:
        changes.extend(_field_changes(row, before))
        for name, sets in snapshots.items():
            old, new = sets.get(before.history_id, []), sets.get(row.history_id, [])
            if sorted(old) != sorted(new):
                verbose = getattr(tracked.model._meta.get_field(name), "verbose_name", name)
                changes.append(FieldChange(str(verbose), ", ".join(old) or "—", ", ".join(new) or "—"))
    return HistoryEntry(
        when=row.history_date,
        who=user_label(row.history_user) if row.history_user else None,
        action=_ACTIONS.get(row.history_type, row.history_type),
        kind=str(tracked.model._meta.verbose_name),
        label=label,
        changes=tuple(changes),
    )


def _field_changes(row: Any, before: Any) -> Iterable[FieldChange]:
    m2m_names = [m2m.name for m2m in row._history_m2m_fields]
    # foreign_keys_are_objs=False: compares raw ids, so diffing costs no query.
    delta = row.diff_against(before, excluded_fields=[*_SKIPPED_FIELDS, *m2m_names])
    for change in delta.changes:
        model_field = row._meta.get_field(change.field)
        yield FieldChange(
            str(model_field.verbose_name),
            format_value(before, model_field, change.old),
            format_value(row, model_field, change.new),
        )
