"""The investigations table: what each row shows, how it sorts and pages.

Cells read only what ``selectors.investigation_list`` prefetched (participations
with their authorities, respondents), so a page costs the same queries for 1 or 100 rows.
"""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Case, QuerySet, Value, When
from django.http import HttpRequest
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from casework.models import Investigation, InvestigationStage, Participation

PER_PAGE = 25
MAX_PER_PAGE = 100
# A list counts its rows up to this many: past it, the page says "more than 10,000" and pages through
# the first 10,000 only (narrower filters reach the rest). The exact total of a huge list costs a read
# of every row it holds, and tells the reader no more than that.
COUNT_CAP = 10_000

# Stages sort in the order a case moves through them, not alphabetically.
STAGE_ORDER = Case(
    *(When(stage=value, then=Value(position)) for position, value in enumerate(InvestigationStage.values)),
    default=Value(len(InvestigationStage.values)),
)


def _participations(record: Investigation) -> list[Participation]:
    return list(record.participations.all())  # prefetched


class InvestigationTable(tables.Table):
    reference = tables.Column(
        verbose_name=_("Reference"),
        linkify=("casework:investigation_detail", {"reference": tables.A("reference")}),
    )
    title = tables.Column(verbose_name=_("Title"), orderable=False)
    lead_authority = tables.Column(verbose_name=_("Lead authority"), empty_values=(), orderable=False)
    authorities = tables.Column(verbose_name=_("Authorities taking part"), empty_values=(), orderable=False)
    respondents = tables.Column(verbose_name=_("Respondents"), empty_values=(), orderable=False)
    stage = tables.Column(verbose_name=_("Stage"))
    opened_on = tables.DateColumn(verbose_name=_("Opened on"), format="Y-m-d", attrs={"td": {"class": "text-nowrap"}})

    class Meta:
        model = Investigation
        fields = ("reference", "title", "lead_authority", "authorities", "respondents", "stage", "opened_on")
        sequence = fields
        template_name = "casework/_investigation_table.html"
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
    """Sort from ``?sort=`` and paginate from ``?page=``/``?per_page=`` (capped).

    django-tables2's RequestConfig would take any ``per_page``, so paging is done here.
    """
    tables.RequestConfig(request, paginate=False).configure(table)
    per_page = per_page_from(request)
    paging = {"paginator_class": CappedPaginator, "per_page": per_page}
    try:
        table.paginate(page=request.GET.get("page", 1), **paging)
    except PageNotAnInteger:
        table.paginate(page=1, **paging)
    except EmptyPage:
        table.paginate(page=table.paginator.num_pages, **paging)
    return table


class CappedPaginator(Paginator):
    """A paginator that counts at most ``COUNT_CAP`` + 1 rows (``SELECT COUNT(*) FROM (… LIMIT 10001)``).

    ``count`` is the number of rows up to the cap and ``capped`` says there are more: the
    list's pages then cover its first ``COUNT_CAP`` rows. The count reads at most that many
    rows, whatever the size of the list.
    """

    cap = COUNT_CAP

    @cached_property
    def _counted(self) -> int:
        rows: Any = self.object_list
        # A table's rows wrap its data, which wraps the queryset: count that, unsorted (any rows will do).
        queryset = getattr(getattr(rows, "data", None), "data", rows)
        if isinstance(queryset, QuerySet):
            return queryset.order_by()[: self.cap + 1].count()
        return min(len(rows), self.cap + 1)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap

    @property
    def cap_label(self) -> str:
        """The cap written out in the reader's language ("10,000", "10 000")."""
        return number_format(self.cap, force_grouping=True)
