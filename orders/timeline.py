"""The case timeline: an investigation's life on one time axis, drawn as a server-side SVG.

What casework already fetched for the page (its events, its participations with
their findings, its documents) is reused as it is; the rest costs a fixed number of queries
whatever the number of items: 1 the investigation's recorded stage changes (its
history), 2 the orders the user may see (issued only) with their authorities,
3 their terms with their deadlines, 4 the deadlines' stays, 5 the court proceedings.

Each item has a lane (a row of the picture) and a shape of its own, so the legend
reads by shape as well as colour; the same items are listed in date order for
screen readers and for reading (``TimelineView.items``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from casework.dates import shift
from casework.models import CaseDocument, Event, Investigation, Participation, User
from orders.bilingual import issue_text
from orders.models import Order, OrderStatus, Stay, Term
from orders.permissions import orders_visible_to

# Lanes, top to bottom: (key, label); kinds: key → (lane, shape, colour, legend label).
WIDTH = 1000
LEFT = 130  # room for the lane labels
RIGHT = 20
LANE_HEIGHT = 38
TOP = 10
AXIS_HEIGHT = 34
MARK_RADIUS = 7


def _lanes() -> list[tuple[str, str]]:
    return [
        ("stages", _("Stages")),
        ("events", _("Events")),
        ("findings", _("Findings")),
        ("documents", _("Documents")),
        ("orders", _("Orders")),
        ("deadlines", _("Deadlines")),
        ("stays", _("Stays")),
        ("courts", _("Courts")),
    ]


# Okabe–Ito colours; the shape is the signal that does not depend on colour.
KINDS: dict[str, tuple[str, str, str]] = {
    # kind: (lane, shape, colour)
    "opened": ("stages", "square", "#0072B2"),
    "stage": ("stages", "square-open", "#0072B2"),
    "closed": ("stages", "square", "#000000"),
    "event": ("events", "circle", "#56B4E9"),
    "court_event": ("events", "circle-open", "#56B4E9"),
    "finding": ("findings", "diamond", "#009E73"),
    "document": ("documents", "page", "#555555"),
    "order_issued": ("orders", "triangle", "#D55E00"),
    "order_served": ("orders", "triangle-open", "#D55E00"),
    "deadline_due": ("deadlines", "triangle-down", "#CC79A7"),
    "deadline_met": ("deadlines", "check", "#009E73"),
    "stay": ("stays", "bar", "#E69F00"),
    "court_filed": ("courts", "cross", "#882255"),
    "court_decided": ("courts", "star", "#882255"),
}


def _kind_labels() -> dict[str, str]:
    return {
        "opened": _("opened"),
        "stage": _("stage changed"),
        "closed": _("closed"),
        "event": _("event"),
        "court_event": _("court filing or decision (event)"),
        "finding": _("finding"),
        "document": _("document (by its date)"),
        "order_issued": _("order issued"),
        "order_served": _("order served"),
        "deadline_due": _("deadline due"),
        "deadline_met": _("deadline met"),
        "stay": _("stay (from – to)"),
        "court_filed": _("court proceeding filed"),
        "court_decided": _("court decision"),
    }


@dataclass(frozen=True)
class TimelineItem:
    day: date
    kind: str
    label: str
    end: date | None = None  # spans (stays): the last day, or None while running
    running: bool = False
    url: str = ""
    month_only: bool = False

    @property
    def lane(self) -> str:
        return KINDS[self.kind][0]


@dataclass(frozen=True)
class Mark:
    item: TimelineItem
    x: float
    y: float
    path: str
    colour: str
    filled: bool
    width: float = 0  # spans
    title: str = ""


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Lane:
    key: str
    label: str
    y: float
    marks: list[Mark]


@dataclass
class TimelineView:
    items: list[TimelineItem]
    lanes: list[Lane] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    legend: list[tuple[str, str, str, bool]] = field(default_factory=list)  # (label, path, colour, filled)
    width: int = WIDTH
    height: int = 0
    first: date | None = None
    last: date | None = None
    today_x: float | None = None
    stage_now: str = ""  # the investigation's current stage, written at the end of the stages lane

    @property
    def stage_now_x(self) -> float:
        """Just left of today's line (or of the right edge): where the current stage is written."""
        return (self.today_x or self.width - RIGHT) - 6


# --- Gathering ------------------------------------------------------------------------------------


def _d(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def _order_url(order: Order) -> str:
    return reverse("orders:detail", args=[order.authority.code, order.number])


def _stage_items(investigation: Investigation) -> list[TimelineItem]:
    """Opened, each recorded change of stage (from the audit trail), closed (one query)."""
    stage_labels = dict(Investigation.Stage.choices)
    items = [TimelineItem(investigation.opened_on, "opened", _("Investigation opened"))]
    rows = (
        Investigation.history.filter(id=investigation.pk)  # type: ignore[attr-defined]
        .order_by("history_date", "history_id")
        .values_list("stage", "history_date")
    )
    previous: str | None = None
    for stage, when in rows:
        # The first row is the creation: its stage is not a change, and its date is when it was recorded.
        if previous is not None and stage != previous:
            label = _("Stage: %(stage)s") % {"stage": stage_labels.get(stage, stage)}
            items.append(TimelineItem(timezone.localdate(when), "stage", str(label)))
        previous = stage
    if investigation.closed_on:
        items.append(TimelineItem(investigation.closed_on, "closed", _("Investigation closed")))
    return items


def _event_items(events: Iterable[Event]) -> list[TimelineItem]:
    court = {Event.Kind.COURT_FILING, Event.Kind.COURT_DECISION}
    return [
        TimelineItem(
            event.date,
            "court_event" if event.kind in court else "event",
            Truncator(event.summary).words(24) + ("" if event.verified else " " + _("(unverified)")),
            month_only=event.date_precision == Event.Precision.MONTH,
        )
        for event in events
    ]


def _finding_items(participations: Iterable[Participation]) -> list[TimelineItem]:
    items = []
    for participation in participations:
        for finding in participation.findings.all():  # prefetched by the page
            label = _("%(authority)s finding under %(statute)s: %(issue)s – %(conclusion)s") % {
                "authority": participation.authority.code,
                "statute": finding.statute.short_name,
                "issue": issue_text(finding.issue).text,  # the usual issues in the reader's language
                "conclusion": finding.get_conclusion_display(),
            }
            items.append(TimelineItem(finding.issued_on, "finding", label))
    return items


def _document_items(documents: Iterable[CaseDocument]) -> list[TimelineItem]:
    """Each document of the case file at the date it bears (the page fetched them with their versions)."""
    return [
        TimelineItem(
            document.date,
            "document",
            _("%(kind)s: %(title)s")
            % {"kind": capfirst(document.get_kind_display()), "title": Truncator(document.title).words(16)},
            url=reverse("casework:document_detail", args=[document.investigation.reference, document.pk]),
        )
        for document in documents
    ]


def _orders(user: User, investigation: Investigation) -> list[Order]:
    """The issued orders the user may see, with terms, deadlines, stays and proceedings (four queries)."""
    return list(
        orders_visible_to(user)
        .filter(investigation=investigation)
        .exclude(status=OrderStatus.DRAFT)
        .select_related("authority")
        .prefetch_related(
            Prefetch("terms", queryset=Term.objects.select_related("deadline").order_by("number")),
            Prefetch("terms__deadline__stays", queryset=Stay.objects.order_by("started_on", "pk")),
            "proceedings",
        )
        .order_by("issued_on", "authority__code", "number")
    )


def _order_items(order: Order, today: date) -> list[TimelineItem]:
    url = _order_url(order)
    name = f"{order.authority.code} {order.number}"
    items = []
    if order.issued_on:
        items.append(
            TimelineItem(order.issued_on, "order_issued", _("Order %(order)s issued") % {"order": name}, url=url)
        )
    if order.served_on:
        items.append(
            TimelineItem(order.served_on, "order_served", _("Order %(order)s served") % {"order": name}, url=url)
        )
    for term in order.terms.all():
        deadline = getattr(term, "deadline", None)
        if deadline is None:
            continue
        term_url = f"{url}#term-{term.number}"
        if deadline.due_on:
            label = _("%(order)s term %(n)s due (%(status)s)") % {
                "order": name,
                "n": term.number,
                "status": deadline.get_status_display(),
            }
            items.append(TimelineItem(deadline.due_on, "deadline_due", label, url=term_url))
        if deadline.met_on:
            label = _("%(order)s term %(n)s met") % {"order": name, "n": term.number}
            items.append(TimelineItem(deadline.met_on, "deadline_met", label, url=term_url))
        for stay in deadline.stays.all():
            label = _("%(order)s term %(n)s stayed") % {"order": name, "n": term.number}
            items.append(
                TimelineItem(
                    stay.started_on,
                    "stay",
                    label,
                    end=stay.lifted_on or today,
                    running=stay.lifted_on is None,
                    url=term_url,
                )
            )
    for proceeding in order.proceedings.all():
        court = proceeding.citation or proceeding.court
        if proceeding.filed_on:
            label = _("%(kind)s of %(order)s filed in %(court)s") % {
                "kind": proceeding.get_kind_display(),
                "order": name,
                "court": proceeding.court,
            }
            items.append(TimelineItem(proceeding.filed_on, "court_filed", label, url=url))
        if proceeding.stay_granted_from:
            label = _("Court stay of %(order)s (%(court)s)") % {"order": name, "court": proceeding.court}
            end = proceeding.stay_granted_to
            items.append(
                TimelineItem(
                    proceeding.stay_granted_from, "stay", label, end=end or today, running=end is None, url=url
                )
            )
        if proceeding.decided_on:
            label = _("%(court)s: %(outcome)s (%(order)s)") % {
                "court": court,
                "outcome": proceeding.get_outcome_display(),
                "order": name,
            }
            items.append(TimelineItem(proceeding.decided_on, "court_decided", label, url=url))
    return items


def investigation_timeline(
    user: User,
    investigation: Investigation,
    *,
    events: Sequence[Event],
    participations: Sequence[Participation],
    documents: Sequence[CaseDocument] = (),
    today: date | None = None,
) -> TimelineView:
    """Every dated item of the investigation's life the user may see, in date order, and the picture of it."""
    today = today or timezone.localdate()
    items = [
        *_stage_items(investigation),
        *_event_items(events),
        *_finding_items(participations),
        *_document_items(documents),
    ]
    for order in _orders(user, investigation):
        items.extend(_order_items(order, today))
    lane_order = {key: n for n, (key, _label) in enumerate(_lanes())}
    items.sort(key=lambda item: (item.day, lane_order[item.lane]))
    view = _layout(items, today)
    view.stage_now = _("Stage now: %(stage)s") % {"stage": investigation.get_stage_display()}
    return view


# --- Drawing ---------------------------------------------------------------------------------------


def shape_path(shape: str, x: float, y: float, r: float = MARK_RADIUS) -> str:
    """An SVG path for one mark centred on (x, y)."""
    if shape.startswith("square"):
        s = r * 0.85
        return f"M{x - s:.1f},{y - s:.1f}h{2 * s:.1f}v{2 * s:.1f}h{-2 * s:.1f}z"
    if shape.startswith("circle"):
        return f"M{x - r:.1f},{y:.1f}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0z"
    if shape == "page":
        # A sheet of paper, taller than wide, its top right corner folded.
        w, h, fold = r * 0.75, r * 1.05, r * 0.45
        return (
            f"M{x - w:.1f},{y - h:.1f}L{x + w - fold:.1f},{y - h:.1f}L{x + w:.1f},{y - h + fold:.1f}"
            f"L{x + w:.1f},{y + h:.1f}L{x - w:.1f},{y + h:.1f}z"
        )
    if shape == "diamond":
        return f"M{x:.1f},{y - r:.1f}L{x + r:.1f},{y:.1f}L{x:.1f},{y + r:.1f}L{x - r:.1f},{y:.1f}z"
    if shape.startswith("triangle-down"):
        return f"M{x - r:.1f},{y - r * 0.8:.1f}L{x + r:.1f},{y - r * 0.8:.1f}L{x:.1f},{y + r:.1f}z"
    if shape.startswith("triangle"):
        return f"M{x:.1f},{y - r:.1f}L{x + r:.1f},{y + r * 0.8:.1f}L{x - r:.1f},{y + r * 0.8:.1f}z"
    if shape == "check":
        return f"M{x - r:.1f},{y:.1f}L{x - r * 0.3:.1f},{y + r * 0.8:.1f}L{x + r:.1f},{y - r * 0.8:.1f}"
    if shape == "cross":
        return f"M{x - r:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}M{x + r:.1f},{y - r:.1f}L{x - r:.1f},{y + r:.1f}"
    if shape == "star":
        points = []
        for n in range(10):
            radius = r * 1.1 if n % 2 == 0 else r * 0.45
            angle = math.pi / 2 + n * math.pi / 5
            points.append(f"{x + radius * math.cos(angle):.1f},{y - radius * math.sin(angle):.1f}")
        return "M" + "L".join(points) + "z"
    return f"M{x - r:.1f},{y - 2:.1f}h{2 * r:.1f}v4h{-2 * r:.1f}z"  # bar (legend)


def _filled(shape: str) -> bool:
    return not (shape.endswith("-open") or shape in ("check", "cross"))


def _ticks(first: date, last: date, x_of: Any) -> list[Tick]:
    """Years on a long axis; months (every 1, 3 or 6) on a shorter one."""
    span = (last - first).days
    ticks = []
    if span > 3 * 365:
        for year in range(first.year + 1, last.year + 1):
            ticks.append(Tick(x_of(date(year, 1, 1)), str(year)))
        return ticks
    step = 1 if span <= 200 else 3 if span <= 2 * 365 else 6
    year, month = first.year, first.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        if year > date.max.year:
            break
        day = date(year, month, 1)
        if day > last:
            break
        if (month - 1) % step == 0:
            ticks.append(
                Tick(
                    x_of(day),
                    date_format(day, "YEAR_MONTH_FORMAT") if month == 1 or step >= 3 else date_format(day, "M"),
                )
            )
    return ticks


def _layout(items: list[TimelineItem], today: date) -> TimelineView:
    view = TimelineView(items=items)
    labels = _kind_labels()
    lanes = _lanes()
    view.height = TOP + LANE_HEIGHT * len(lanes) + AXIS_HEIGHT
    view.legend = [
        (labels[kind], shape_path(shape, 10, 10), colour, _filled(shape))
        for kind, (_lane, shape, colour) in KINDS.items()
    ]
    if not items:
        view.lanes = [
            Lane(key, label, TOP + LANE_HEIGHT * n + LANE_HEIGHT / 2, []) for n, (key, label) in enumerate(lanes)
        ]
        return view
    first = min(item.day for item in items)
    # Up to today, so that what is still owed is seen against now.
    last = max(today, *(max(item.day, item.end or item.day) for item in items))
    # A margin on both sides so that the first and last marks are not cut.
    pad = max(7, (last - first).days // 40)
    first, last = shift(first, -pad), shift(last, pad)
    view.first, view.last = first, last
    span = max(1, (last - first).days)
    inner = WIDTH - LEFT - RIGHT

    def x_of(day: date) -> float:
        return round(LEFT + inner * (day - first).days / span, 1)

    if first <= today <= last:
        view.today_x = x_of(today)
    view.ticks = _ticks(first, last, x_of)
    for n, (key, label) in enumerate(lanes):
        y = TOP + LANE_HEIGHT * n + LANE_HEIGHT / 2
        marks: list[Mark] = []
        last_x: float | None = None
        nudge = 0
        for item in (item for item in items if item.lane == key):
            _lane, shape, colour = KINDS[item.kind]
            x = x_of(item.day)
            # Marks closer than a mark's width alternate above and below the lane's line.
            nudge = (nudge + 1) % 3 if last_x is not None and x - last_x < MARK_RADIUS * 1.5 else 0
            offset = (0, -9, 9)[nudge]
            last_x = x
            # Translators: a mark's tooltip on the case timeline, "2024-03-05: Order issued".
            title = _("%(date)s: %(label)s") % {"date": _d(item.day), "label": item.label}
            if item.end is not None:
                end_text = _("still running") if item.running else _d(item.end)
                # Translators: the tooltip of a span (a stay, a deadline) on the case timeline,
                # "2024-03-05 – 2024-06-30: Stay" or "2024-03-05 – still running: Stay".
                title = _("%(start)s – %(end)s: %(label)s") % {
                    "start": _d(item.day),
                    "end": end_text,
                    "label": item.label,
                }
                width = max(3.0, x_of(item.end) - x)
                path = f"M{x:.1f},{y + offset - 5:.1f}h{width:.1f}v10h{-width:.1f}z"
                marks.append(Mark(item, x, y + offset, path, colour, True, width, title))
                continue
            marks.append(Mark(item, x, y + offset, shape_path(shape, x, y + offset), colour, _filled(shape), 0, title))
        view.lanes.append(Lane(key, label, y, marks))
    return view
