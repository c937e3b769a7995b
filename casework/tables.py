"""The lists' tables: how a page of rows is written, sorted and paged; the investigations table.

Cells read only what ``selectors.investigation_list`` prefetched (participations
with their authorities, respondents), so a page costs the same queries for 1 or 100 rows.
"""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

import django_tables2 as tables
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Case, QuerySet, Value, When
from django.http import HttpRequest
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_tables2.columns.base import BoundColumn
from django_tables2.rows import BoundRow
from django_tables2.utils import signature

from casework.models import Investigation, InvestigationStage, Participation

PER_PAGE = 25
MAX_PER_PAGE = 100
# A list counts its rows up to this many: past it, the page says "more than 5,000" and pages through
# the first 5,000 only (200 pages; narrower filters reach the rest). The exact total of a huge list costs
# a read of every row it holds (4 µs a deadline with its visibility: 40 ms for 10 000 at full scale),
# and tells the reader no more than that.
COUNT_CAP = 5_000
# A search (``?q=``) counts its matches up to this many: words that thousands of rows hold are read
# from the indexes match by match, and past a thousand the reader narrows the words, not pages on.
SEARCH_COUNT_CAP = 1_000

# Stages sort in the order a case moves through them, not alphabetically.
STAGE_ORDER = Case(
    *(When(stage=value, then=Value(position)) for position, value in enumerate(InvestigationStage.values)),
    default=Value(len(InvestigationStage.values)),
)


class _Row(BoundRow):
    """django-tables2's row, but the render methods' signatures are read once per table, not once per cell,
    and a cell whose render method reads only the record is not given its value (never empty, never linked)."""

    _table: WrittenRowsTable

    def _get_and_render_with(self, bound_column: BoundColumn, render_func: Any, default: Any) -> Any:
        if render_func == self._call_render and not bound_column.link and not bound_column.column.empty_values:
            wanted, catch_all = self._table.render_signature(bound_column)
            if not catch_all and "value" not in wanted:
                return self._call_render(bound_column)
        return super()._get_and_render_with(bound_column, render_func, default)

    def _call_render(self, bound_column: BoundColumn, value: Any = None) -> Any:
        wanted, catch_all = self._table.render_signature(bound_column)
        offered = self._optional_cell_arguments(bound_column, value)
        if catch_all:
            content = bound_column.render(**offered)
        elif any(name not in offered for name in wanted):
            content = None  # what django_tables2.utils.call_with_appropriate does
        else:
            content = bound_column.render(**{name: offered[name] for name in wanted})
        return bound_column.link(content, **offered) if bound_column.link else content


class WrittenRowsTable(tables.Table):
    """A table whose body rows are written in Python, once per page, by ``body_rows``.

    django-tables2 renders each cell through the template engine: per cell it computes and
    joins the column's attributes again and inspects the render method's signature again,
    which was half of a list page's time with 25 rows. ``body_rows`` writes the same cells
    (the same values, escaping and localization as ``{{ cell }}``, the same attributes;
    tests/casework/test_table_rows.py compares them with django-tables2's own loop), reading
    each column's attributes once unless one of them is computed per row.
    """

    caption: Any = ""

    def render_signature(self, bound_column: BoundColumn) -> tuple[tuple[str, ...], str | None]:
        cache: dict[str, tuple[tuple[str, ...], str | None]] = self.__dict__.setdefault("_render_signatures", {})
        if bound_column.name not in cache:
            cache[bound_column.name] = signature(bound_column.render)
        return cache[bound_column.name]

    def _cell_attrs_vary(self, bound_column: BoundColumn) -> bool:
        sources = [dict(self.attrs), dict(bound_column.column.attrs)]
        return any(
            callable(value) for source in sources for key in ("td", "cell") for value in source.get(key, {}).values()
        )

    def body_rows(self) -> list[SafeString]:
        """The page's rows, each ``<tr>…</tr>``; the first cell of a row is its header (``<th scope="row">``)."""
        columns = list(self.columns)
        fixed = {column.name: column.attrs["td"].as_html() for column in columns if not self._cell_attrs_vary(column)}
        context = Context()  # autoescape on, localization as the page's: what {{ cell }} does
        self._counter = count()  # rows alternate "even", "odd" from the first, however often they are written
        rows: list[SafeString] = []
        for record in self.paginated_rows.data:  # the page's records, or all of them if it is not paginated
            row = _Row(record, table=self)
            cells = []
            for position, column in enumerate(columns):
                content = row.get_cell(column.name)
                attrs = fixed.get(column.name)
                if attrs is None:  # attributes computed from the row: as BoundRow.items() sets them up
                    column.current_value, column.current_record = content, record
                    attrs = column.attrs["td"].as_html()
                html = render_value_in_context(content, context)
                if position == 0:
                    cells.append(f'<th scope="row" {attrs}>{html}</th>')
                else:
                    cells.append(f"<td {attrs}>{html}</td>")
            # Every piece was escaped above: the attributes by as_html, the contents by render_value_in_context.
            rows.append(mark_safe(f"<tr {row.attrs.as_html()}>{''.join(cells)}</tr>"))  # noqa: S308
        return rows


def _participations(record: Investigation) -> list[Participation]:
    return list(record.participations.all())  # prefetched


class InvestigationTable(WrittenRowsTable):
    caption = _("Investigations you can see. Column headers with links sort the table.")

    reference = tables.Column(
        verbose_name=_("Reference"),
        linkify=("casework:investigation_detail", {"reference": tables.A("reference")}),
    )
    title = tables.Column(verbose_name=_("Title"), orderable=False)
    lead_authority = tables.Column(verbose_name=_("Lead authority"), empty_values=(), orderable=False)
    authorities = tables.Column(verbose_name=_("Authorities taking part"), empty_values=(), orderable=False)
    respondents = tables.Column(verbose_name=_("Respondents"), empty_values=(), orderable=False)
    stage = tables.Column(verbose_name=_("Stage"), empty_values=())
    opened_on = tables.Column(verbose_name=_("Opened on"), attrs={"td": {"class": "text-nowrap"}})

    class Meta:
        model = Investigation
        fields = ("reference", "title", "lead_authority", "authorities", "respondents", "stage", "opened_on")
        sequence = fields
        template_name = "_table.html"
        attrs = {"class": "table table-hover align-middle", "id": "investigations"}
        empty_text = _("No investigation matches these filters.")

    def render_title(self, value: str, record: Investigation) -> SafeString:
        if record.confidential:
            return format_html(
                '{} <span class="badge text-bg-warning">{} {}</span>',
                value,
                format_html('<span class="{}" aria-hidden="true"></span>', "bi bi-lock-fill"),
                _("Confidential"),
            )
        return format_html("{}", value)

    def render_lead_authority(self, record: Investigation) -> SafeString | str:
        for participation in _participations(record):
            if participation.role == Participation.Role.LEAD:
                return format_html(
                    '<abbr title="{}">{}</abbr>', participation.authority.name, participation.authority.code
                )
        return "—"

    def render_authorities(self, record: Investigation) -> SafeString:
        return format_html_join(
            ", ",
            '<abbr class="text-nowrap" title="{}">{}</abbr>',
            ((p.authority.name, p.authority.code) for p in _participations(record)),
        )

    def render_respondents(self, record: Investigation) -> SafeString:
        return format_html_join("; ", "{}", ((organization.name,) for organization in record.respondents.all()))

    def render_opened_on(self, value: date) -> SafeString:
        return format_html('<time datetime="{}">{}</time>', value.isoformat(), value.isoformat())

    def render_stage(self, record: Investigation) -> str:
        return capfirst(record.get_stage_display())

    def order_stage(
        self, queryset: QuerySet[Investigation], is_descending: bool
    ) -> tuple[QuerySet[Investigation], bool]:
        direction = "-" if is_descending else ""
        ordered = queryset.annotate(stage_position=STAGE_ORDER).order_by(f"{direction}stage_position", "reference")
        return ordered, True

    def order_reference(
        self, queryset: QuerySet[Investigation], is_descending: bool
    ) -> tuple[QuerySet[Investigation], bool]:
        return queryset.order_by("-reference" if is_descending else "reference"), True

    def order_opened_on(
        self, queryset: QuerySet[Investigation], is_descending: bool
    ) -> tuple[QuerySet[Investigation], bool]:
        # The reference breaks ties, so that pages never repeat or skip a row.
        direction = "-" if is_descending else ""
        return queryset.order_by(f"{direction}opened_on", "reference"), True


def per_page_from(request: HttpRequest) -> int:
    """``?per_page=`` within 1…MAX_PER_PAGE; anything else gives the default."""
    try:
        per_page = int(request.GET.get("per_page", PER_PAGE))
    except ValueError:
        return PER_PAGE
    return max(1, min(per_page, MAX_PER_PAGE))


def configure(table: tables.Table, request: HttpRequest) -> tables.Table:
    """Sort from ``?sort=`` and paginate from ``?page=``/``?per_page=`` (capped); count up to ``COUNT_CAP``
    rows, or ``SEARCH_COUNT_CAP`` when the list is searched (``?q=``).

    django-tables2's RequestConfig would take any ``per_page``, so paging is done here.
    """
    tables.RequestConfig(request, paginate=False).configure(table)
    per_page = per_page_from(request)
    paging: dict[str, Any] = {"paginator_class": CappedPaginator, "per_page": per_page}
    if request.GET.get("q", "").strip():
        paging["cap"] = SEARCH_COUNT_CAP
    try:
        table.paginate(page=request.GET.get("page", 1), **paging)
    except PageNotAnInteger:
        table.paginate(page=1, **paging)
    except EmptyPage:
        table.paginate(page=table.paginator.num_pages, **paging)
    return table


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` + 1 rows (``SELECT COUNT(*) FROM (… LIMIT 5001)``).

    ``count`` is the number of rows up to the cap (``COUNT_CAP`` unless given) and ``capped``
    says there are more: the list's pages then cover its first ``cap`` rows. The count reads
    at most that many rows, whatever the size of the list.
    """

    cap = COUNT_CAP

    def __init__(self, *args: Any, cap: int | None = None, count_in_order: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if cap is not None:
            self.cap = cap
        # Counting the first rows in the list's own order, from an index that holds it, costs what it
        # reads; unsorted, PostgreSQL may hash a whole joined table first (notifications_page).
        self.count_in_order = count_in_order

    @cached_property
    def _counted(self) -> int:
        rows: Any = self.object_list
        # A table's rows wrap its data, which wraps the queryset: count that, unsorted (any rows will do).
        queryset = getattr(getattr(rows, "data", None), "data", rows)
        if isinstance(queryset, QuerySet):
            # The ids alone: the rows' annotations (an order's next due date, its time zone) are
            # the page's to compute, not the count's, which would compute them for every row it counts.
            if not self.count_in_order:
                queryset = queryset.order_by()
            return queryset.values("pk")[: self.cap + 1].count()
        return min(len(rows), self.cap + 1)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap

    @property
    def cap_label(self) -> str:
        """The cap written out in the reader's language ("5,000", "5 000")."""
        return number_format(self.cap, force_grouping=True)
