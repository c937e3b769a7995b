"""The audit trail as people read it: who changed what, when, from what to what.

Every change goes through a service that records it with django-simple-history; this
module turns those history rows into the entries an object's page shows. It is written
once for every app: an app describes which audited models hang from its object
(``Tracked``) and which fields are bookkeeping, and ``history`` does the rest:

1. For each audited model, one query fetches its newest ``limit`` history rows and the
   row before each, so that a change is shown as old → new.
2. One query per many-to-many field fetches the sets those rows recorded.
3. The entries are merged, newest first, at most ``limit``.

The number of queries depends on the models tracked, never on the data.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from simple_history.utils import get_m2m_reverse_field_name

from casework.models import Finding, User

HISTORY_LIMIT = 50
NEWEST_FIRST = ("-history_date", "-history_id")
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
# Bookkeeping that is never shown as a change, whatever the model.
BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "recorded_at"})

Root = TypeVar("Root", bound=models.Model)


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


@dataclass(frozen=True)
class HistoryView:
    """What ``_history.html`` shows: the entries, newest first, and how many at most."""

    history: list[HistoryEntry]
    history_limit: int = HISTORY_LIMIT


@dataclass(frozen=True)
class Tracked(Generic[Root]):
    """How one audited model's history is found for a root object (an investigation, an order) and described.

    ``condition`` selects the model's history rows that belong to the root; ``select``
    names the relations fetched with them (for ``describe`` and the values shown);
    ``skipped`` adds the fields not shown as changes (the parent a row hangs from).
    """

    model: type[models.Model]
    condition: Callable[[Root], Q]
    select: tuple[str, ...]
    describe: Callable[[Any], str]
    skipped: frozenset[str] = field(default_factory=frozenset)
    # How some fields' values read in the reader's language, from the history row they were recorded on
    # (a deadline's stored English explanation, rebuilt from its steps): field name → (row, value) → text.
    presenters: Mapping[str, Callable[[Any, object], str]] = field(default_factory=dict)


def historical(model: type[models.Model]) -> Any:
    return model.history.model  # type: ignore[attr-defined]


def user_label(user: User) -> str:
    return user.get_full_name() or user.username


def m2m_label(obj: models.Model) -> str:
    if isinstance(obj, User):
        return user_label(obj)
    if isinstance(obj, Finding):
        return f"{obj.statute.short_name}: {obj.issue}"
    return str(obj)


# The relations fetched with each many-to-many snapshot, so that ``m2m_label`` costs no query.
M2M_SELECT: Mapping[type[models.Model], tuple[str, ...]] = {Finding: ("statute",)}


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


def previous_row(historical_model: type[models.Model]) -> Subquery:
    """The id of the history row recorded just before the outer one, for the same object."""
    return Subquery(
        historical_model._default_manager.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by(*NEWEST_FIRST)
        .values("history_id")[:1]
    )


def _history_ids(tracked: Tracked[Root], root: Root, limit: int) -> Q:
    """The newest ``limit`` history rows of one model, and the row before each (two subqueries).

    Subqueries rather than Python lists, so that each query runs, and is counted, even when
    a model has no history yet: the page's query count does not depend on the data.
    """
    history_model = historical(tracked.model)
    newest = history_model.objects.filter(tracked.condition(root)).order_by(*NEWEST_FIRST)
    return Q(history_id__in=newest.values("history_id")[:limit]) | Q(
        history_id__in=newest.annotate(previous_id=previous_row(history_model)).values("previous_id")[:limit]
    )


def _historical_rows(tracked: Tracked[Root], root: Root, limit: int) -> tuple[list[Any], dict[int, Any]]:
    """The newest ``limit`` history rows of one model and, by row, the row before it (one query)."""
    history_model = historical(tracked.model)
    rows = list(
        # The object's own condition first (indexed, a handful of rows), then the newest ids and
        # their predecessors (which share it): alone, the two IN (…) OR IN (…) subqueries make
        # PostgreSQL scan the whole history table (seconds with a million deadlines, see docs/performance.md).
        history_model.objects.filter(tracked.condition(root))
        .filter(_history_ids(tracked, root, limit))
        .select_related("history_user", *tracked.select)
        .annotate(previous_id=previous_row(history_model))
        .order_by(*NEWEST_FIRST)
    )
    by_id = {row.history_id: row for row in rows}
    # A predecessor is older than all of the newest ``limit`` rows, so those come first.
    latest = rows[:limit]
    return latest, {row.history_id: by_id.get(row.previous_id) for row in latest}


def _m2m_snapshots(tracked: Tracked[Root], root: Root, limit: int) -> dict[str, dict[int, list[str]]]:
    """For each many-to-many field of a model: history row id → the labels of the set it recorded."""
    history_model = historical(tracked.model)
    snapshots: dict[str, dict[int, list[str]]] = {}
    for m2m_field in history_model._history_m2m_fields:
        m2m_history = getattr(history_model, m2m_field.name).model
        target = get_m2m_reverse_field_name(m2m_field)
        select = [target, *(f"{target}__{name}" for name in M2M_SELECT.get(m2m_field.related_model, ()))]
        sets: dict[int, list[str]] = {}
        rows = (
            m2m_history.objects.filter(_history_ids(tracked, root, limit))
            .select_related(*select)
            .order_by("m2m_history_id")
        )
        for row in rows:
            related = getattr(row, target)
            label = m2m_label(related) if related is not None else f"#{getattr(row, f'{target}_id')}"
            sets.setdefault(row.history_id, []).append(label)
        snapshots[m2m_field.name] = sets
    return snapshots


def _field_changes(
    row: Any,
    before: Any,
    skipped: Collection[str],
    presenters: Mapping[str, Callable[[Any, object], str]] | None = None,
) -> Iterable[FieldChange]:
    m2m_names = [m2m.name for m2m in row._history_m2m_fields]
    # foreign_keys_are_objs=False: compares raw ids, so diffing costs no query.
    delta = row.diff_against(before, excluded_fields=[*skipped, *m2m_names])
    for change in delta.changes:
        model_field = row._meta.get_field(change.field)
        present = (presenters or {}).get(change.field)
        if present is not None:
            old = Truncator(present(before, change.old)).chars(400) if change.old else "—"
            new = Truncator(present(row, change.new)).chars(400) if change.new else "—"
        else:
            old, new = format_value(before, model_field, change.old), format_value(row, model_field, change.new)
        yield FieldChange(str(model_field.verbose_name), old, new)


def history(
    root: Root,
    tracked_models: Sequence[Tracked[Root]],
    *,
    limit: int = HISTORY_LIMIT,
    label: Callable[[Tracked[Root], Any], str | None] | None = None,
) -> list[HistoryEntry]:
    """The audit trail of ``root`` and what hangs from it, newest first, at most ``limit`` entries.

    ``label`` may name a row otherwise than ``Tracked.describe``, or return None to leave
    the row out (a link to an investigation the reader may not see: not even its existence).
    """
    entries: list[HistoryEntry] = []
    for tracked in tracked_models:
        rows, previous = _historical_rows(tracked, root, limit)
        snapshots = _m2m_snapshots(tracked, root, limit)
        skipped = BOOKKEEPING | tracked.skipped
        for row in rows:
            text = tracked.describe(row) if label is None else label(tracked, row)
            if text is None:
                continue
            before = previous[row.history_id]
            changes: list[FieldChange] = []
            if row.history_type == "~" and before is not None:
                changes.extend(_field_changes(row, before, skipped, tracked.presenters))
                for name, sets in snapshots.items():
                    old, new = sets.get(before.history_id, []), sets.get(row.history_id, [])
                    if sorted(old) != sorted(new):
                        verbose = getattr(tracked.model._meta.get_field(name), "verbose_name", name)
                        changes.append(FieldChange(str(verbose), ", ".join(old) or "—", ", ".join(new) or "—"))
            entries.append(
                HistoryEntry(
                    when=row.history_date,
                    who=user_label(row.history_user) if row.history_user else None,
                    action=ACTIONS.get(row.history_type, row.history_type),
                    kind=str(tracked.model._meta.verbose_name),
                    label=text,
                    changes=tuple(changes),
                )
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]
