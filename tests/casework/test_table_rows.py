"""The lists' rows, written in Python (``WrittenRowsTable.body_rows``), are the rows django-tables2 writes.

Each table of the product is filled from the demo data (drafts, issued and stayed orders,
confidential investigations, deadlines met, open and paused) and from a few hostile rows, as
the page's users see them, in English and in French; its rows are compared with the ones
django-tables2's own loop (``row.items``, ``column.attrs.td``, ``{{ cell }}``) writes for the
same page.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from io import StringIO
from itertools import count
from typing import Any

import django_tables2 as tables
import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from casework import selectors as casework_selectors
from casework.filters import InvestigationFilter
from casework.models import Investigation, User
from casework.tables import InvestigationTable, WrittenRowsTable, configure
from orders import selectors as orders_selectors
from orders.dashboard import selectors as dashboard_selectors
from orders.dashboard.forms import DeadlineFilter
from orders.filters import OrderFilter
from orders.models import Deadline, Order, OrderStatus
from orders.tables import DeadlineListTable, DeadlineTable, OrderTable

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 15, tzinfo=UTC)

# django-tables2's own body loop, with the first cell as the row's header (as the product's template does).
STOCK_BODY = Template(
    "{% for row in table.paginated_rows %}<tr {{ row.attrs.as_html }}>"
    "{% for column, cell in row.items %}"
    '{% if forloop.first %}<th scope="row" {{ column.attrs.td.as_html }}>{{ cell }}</th>'
    "{% else %}<td {{ column.attrs.td.as_html }}>{{ cell }}</td>{% endif %}"
    "{% endfor %}</tr>{% endfor %}"
)


@pytest.fixture
def demo(db: None) -> None:
    call_command("seed_demo", "--synthetic", "40", stdout=StringIO())


def _request(user: User, **params: Any) -> Any:
    request = RequestFactory().get("/", params)
    request.user = user
    return request


def _compare(table: tables.Table) -> int:
    table._counter = count()  # rows alternate "even", "odd" from the first, as on a page that writes them once
    stock = STOCK_BODY.render(Context({"table": table}))
    written = table.body_rows()
    assert "".join(written) == stock
    return len(written)


def _tables_for(user: User, **params: Any) -> list[tables.Table]:
    request = _request(user, **params)
    today = NOW.date()
    return [
        configure(
            InvestigationTable(
                casework_selectors.investigation_list(user, InvestigationFilter(request.GET, request=request))
            ),
            request,
        ),
        configure(
            OrderTable(orders_selectors.order_list(user, OrderFilter(request.GET, request=request)), now=NOW), request
        ),
        configure(DeadlineTable(orders_selectors.deadlines_mine(user), now=NOW), request),
        configure(
            DeadlineListTable(
                dashboard_selectors.deadline_list(user, DeadlineFilter(request.GET, today=today)), today=today
            ),
            request,
        ),
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("username", ["bc.legal", "bc.manager", "opc.investigator", "qc.manager"])
def test_it_writes_the_rows_django_tables2_writes(demo: None, username: str, language: str) -> None:
    user = User.objects.get(username=username)
    rows = 0
    with translation.override(language):
        for params in ({}, {"per_page": "100"}, {"sort": "-issued_on", "page": "2"}, {"status": "met"}):
            for table in _tables_for(user, **params):
                rows += _compare(table)
    assert rows > 100  # the demo data fills the tables: the comparison is of rows, not of empty pages


def test_it_escapes_what_users_typed(demo: None) -> None:
    user = User.objects.get(username="opc.investigator")
    hostile = '<script>alert("x")</script> & "quotes"'
    Investigation.objects.filter(
        pk__in=casework_selectors.investigation_list(user, InvestigationFilter({}, request=_request(user))).values(
            "pk"
        )[:3]
    ).update(title=hostile)
    table = _tables_for(user)[0]
    written = "".join(table.body_rows())
    assert "<script>" not in written
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in written
    _compare(table)


def test_it_computes_attributes_per_row_where_a_column_asks_for_it(demo: None) -> None:
    class Marked(InvestigationTable):
        stage = tables.Column(empty_values=(), attrs={"td": {"data-stage": lambda record: record.stage, "class": "x"}})

    user = User.objects.get(username="opc.investigator")
    request = _request(user)
    table = configure(
        Marked(casework_selectors.investigation_list(user, InvestigationFilter({}, request=request))), request
    )
    written = "".join(table.body_rows())
    on_the_page = [row.record.stage for row in table.paginated_rows]
    assert re.findall(r'data-stage="(\w+)"', written) == on_the_page
    assert len(set(on_the_page)) > 1  # the rows differ: one attribute for all would not pass
    _compare(table)


def test_it_writes_every_row_of_a_table_not_paginated(demo: None) -> None:
    user = User.objects.get(username="opc.investigator")
    request = _request(user)
    table = InvestigationTable(casework_selectors.investigation_list(user, InvestigationFilter({}, request=request)))
    assert (
        _compare(table)
        == Investigation.objects.filter(pk__in=casework_selectors.investigation_list(user).values("pk")).count()
    )


def test_it_says_when_a_page_has_no_row(db: None) -> None:
    user = User.objects.create_user(username="nobody", password="x")
    request = _request(user)
    table = configure(InvestigationTable(Investigation.objects.none()), request)
    assert table.body_rows() == []
    assert isinstance(table, WrittenRowsTable)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_status_is_labelled_as_django_labels_it(demo: None, language: str) -> None:
    """``get_<field>_display()`` (``ChoiceLabelsModel``) answers what Django's own does, in the reader's language."""
    from django.db import models

    checked = 0
    with translation.override(language):
        for obj, name in [
            *((order, "status") for order in Order.objects.all()[:50]),
            *((deadline, "status") for deadline in Deadline.objects.all()[:50]),
            *((investigation, "stage") for investigation in Investigation.objects.all()[:50]),
            *((investigation, "origin") for investigation in Investigation.objects.all()[:10]),
        ]:
            field = type(obj)._meta.get_field(name)
            djangos = models.Model._get_FIELD_display  # type: ignore[attr-defined]
            assert getattr(obj, f"get_{name}_display")() == djangos(obj, field)
            checked += 1
        order = Order.objects.first()
        assert order is not None
        assert order.get_status_display() == str(OrderStatus(order.status).label)
        order.status = "no-such-status"
        assert order.get_status_display() == "no-such-status"
    assert checked > 100
