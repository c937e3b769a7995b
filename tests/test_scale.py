"""Scale: the lists and pages cost the same number of SQL queries with a few investigations and with many.

The data is the demo's own generator (``seed_demo`` and ``--synthetic N``): first a
small set, then, since the generator only adds what is missing, a larger one in the
same database. The lists show more rows at the larger size; the investigation and
order pages are the Clearview case's, the richest of the demo (the number of rows a
page shows is tested in tests/casework/test_views.py and tests/orders/test_views.py). The
benchmark (``bench/run.py``, docs/performance.md) checks the same at 100 000 investigations.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.demo.synthetic import DEFAULT_SEED, load_synthetic
from casework.models import Authority, User
from casework.permissions import investigations_visible_to
from orders.clocks.demo import load_synthetic_clocks
from orders.demo import SYNTHETIC_PREFIX, load_synthetic_orders
from orders.models import Order
from orders.permissions import orders_visible_to

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 60


class _Null:
    def write(self, *args: Any) -> None:
        pass

    def flush(self) -> None:
        pass


def _grow(n: int) -> None:
    load_synthetic(n, seed=DEFAULT_SEED)
    load_synthetic_orders(n, seed=DEFAULT_SEED)
    load_synthetic_clocks(n, seed=DEFAULT_SEED)


def _queries(client: Client, url: str, params: dict[str, Any] | None = None) -> int:
    """How many SQL queries one GET of ``url`` costs (it must succeed)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(queries.captured_queries)


# What each page costs, whatever the size of the database:
EXPECTED = {
    # 1 session, 2 user, 3 the paginator's count, 4 the user's authority (page header),
    # 5 the authorities offered by the filter form, 6 the page of investigations,
    # 7 their participations with their authorities, 8 their respondents.
    "investigations list": 8,
    # The same, and the authority chosen in the filter (validated by the form). The search
    # and the other filters are conditions of queries 3 and 6, not queries of their own.
    "investigations list, searched and filtered": 9,
    # 1 session, 2 user, 3 the investigation, 4 participations with their authorities,
    # 5 their statutes, 6 their findings, 7 recommendations, 8 the findings they follow
    # from, 9 events, 10 the case documents' versions, 11 the withdrawn findings,
    # 12 the withdrawn respondents, 13 related investigations, 14 respondents, 15 assigned
    # staff; 16 whether the user is assigned, 17 the user's authority (header); 18 the
    # orders section; the statutory clocks: 19 the clocks, 20 their stays, 21 their
    # extensions; the timeline: 22 the stage history, 23 the orders, 24 their terms
    # with deadlines, 25 stays, 26 court proceedings.
    "investigation page": 26,
    # Loaded by the page after it: 1 session, 2 user, 3 the investigation, 4 the linked
    # references the user may see, 5-17 the investigation, its respondents, its assignees,
    # participations, their statutes, findings, recommendations, their findings, events,
    # links, respondents' withdrawals, case documents, their versions.
    "investigation history": 17,
    # 1 session, 2 user, 3 the paginator's count, 4 the user's authority (header),
    # 5 the authorities offered by the filter form, 6 the page of orders with their
    # authority, its time zone, investigation and next due date.
    "orders list": 6,
    # The same, and the authority chosen in the filter; on PostgreSQL also the visible investigations
    # whose title holds the words, read once for the count and the page (orders.filters.filter_search).
    "orders list, searched and filtered": 8 if connection.vendor == "postgresql" else 7,
    # 1 session, 2 user, 3 the order with its authority, jurisdiction and investigation,
    # 4 terms with their deadlines, 5 stays, 6 extensions, 7 alerts, 8 assigned staff,
    # 9 compliance submissions, 10 court proceedings, 11 revisions, 12 the documents,
    # 13 the user's authority (header).
    "order page": 13,
    # Loaded by the page after it: 1 session, 2 user, 3 the order; 4-12 the order, its
    # assigned staff, terms, deadlines, stays, extensions, submissions, proceedings, documents.
    "order history": 12,
    # 1 session, 2 user, 3 the user's authority with its jurisdiction (today), 4 orders by
    # status and authority, 5 every deadline figure and chart, 6 the next deadlines, 7 the
    # overdue deadlines, 8 the statutory clocks' figures, 9 the next and overdue clocks, 10 the
    # bell, 11 the authorities offered by the filter.
    "dashboard": 11,
}


def test_it_runs_the_same_number_of_queries_with_more_data(client: Client) -> None:
    call_command("seed_demo", stdout=_Null())
    investigator = User.objects.get(username="bc.investigator")
    bc = Authority.objects.get(code="OIPC-BC")
    investigations = reverse("casework:investigation_list")
    orders = reverse("orders:list")
    searched = {"q": "e", "authority": bc.pk, "respondent": "Example", "per_page": 100}
    seen: list[dict[str, int]] = []
    counts: list[dict[str, int]] = []

    _grow(SMALL)
    # The demo legal user who sees the most synthetic orders (who depends on the generator's draws).
    legal = max(
        User.objects.filter(username__in=["bc.legal", "ab.legal", "qc.legal"]).order_by("username"),
        key=lambda user: orders_visible_to(user).filter(number__startswith=SYNTHETIC_PREFIX).count(),
    )
    # The richest case of the demo, and its order issued by the legal user's authority:
    # the same two pages at both sizes, in a database that grew around them.
    reference = "PIPEDA-039525"
    order = Order.objects.select_related("authority").get(investigation__reference=reference, authority=legal.authority)
    for n in (SMALL, LARGE):
        _grow(n)
        seen.append(
            {
                "investigations": investigations_visible_to(investigator).count(),
                "orders": orders_visible_to(legal).count(),
            }
        )
        client.force_login(investigator)
        size = {
            "investigations list": _queries(client, investigations, {"per_page": 100}),
            "investigations list, searched and filtered": _queries(client, investigations, searched),
            "investigation page": _queries(client, reverse("casework:investigation_detail", args=[reference])),
            "investigation history": _queries(
                client, reverse("casework:investigation_history", args=[reference]), {"partial": 1}
            ),
        }
        client.force_login(legal)
        size["orders list"] = _queries(client, orders, {"per_page": 100})
        size["orders list, searched and filtered"] = _queries(
            client, orders, {"q": "SYN", "authority": legal.authority_id, "per_page": 100}
        )
        size["order page"] = _queries(client, reverse("orders:detail", args=[order.authority.code, order.number]))
        size["order history"] = _queries(
            client, reverse("orders:history", args=[order.authority.code, order.number]), {"partial": 1}
        )
        size["dashboard"] = _queries(client, reverse("orders:dashboard"))
        counts.append(size)

    # The larger size really is larger…
    assert seen[1]["investigations"] >= seen[0]["investigations"] * 2, seen
    assert seen[1]["orders"] >= seen[0]["orders"] * 2, seen
    # …and no page cost one query more for it.
    assert counts[0] == counts[1] == EXPECTED, (seen, counts)
