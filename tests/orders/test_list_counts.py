"""The lists count their rows up to a cap: past it they say "More than …" and page through the first rows.

The cap (``casework.tables.COUNT_CAP``, 5 000) is lowered here to 1 so that two rows pass it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import orders.selectors
from casework.models import Investigation, User
from casework.services import investigation_open
from casework.tables import COUNT_CAP, CappedPaginator
from orders.models import Order
from orders.selectors import NOTIFICATIONS_COUNT_CAP
from tests.conftest import Ref
from tests.orders.test_views import _unread_alerts

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap_of_one(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(CappedPaginator, "cap", 1)
    yield


def _second_bc_investigation(actor: User, ref: Ref, title: str) -> Investigation:
    """A second investigation OIPC-BC takes part in (the joint one is the first)."""
    return investigation_open(
        actor=actor,
        reference="P21-000002",
        title=title,
        origin="complaint",
        opened_on=date(2021, 3, 1),
        lead_authority=ref.oipc_bc,
        respondents=[ref.clearview],
    )


def _count_query(queries: CaptureQueriesContext) -> str:
    """The paginator's count: a count over a subquery (the bell's unread count is a plain one)."""
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].upper().startswith("SELECT COUNT(*) FROM (SELECT")]
    assert len(counts) == 1, counts
    return counts[0]


@pytest.mark.parametrize(
    ("url_name", "noun"),
    [
        ("orders:list", "orders"),
        ("orders:deadline_list", "deadlines"),
        ("casework:investigation_list", "investigations"),
    ],
)
def test_a_list_past_the_cap_says_more_than_and_counts_no_further(
    client: Client,
    carol: User,
    bc_order: Order,
    order_due_in_a_week: Order,
    ref: Ref,
    cap_of_one: None,
    url_name: str,
    noun: str,
) -> None:
    if url_name == "casework:investigation_list":
        _second_bc_investigation(carol, ref, "Another case")
    client.force_login(carol)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"More than 1 {noun}" in page
    assert "The pages go as far as the first 1 rows" in page
    assert response.context["table"].paginator.count == 1
    # The count reads at most cap + 1 rows.
    assert "LIMIT 2" in _count_query(queries)


def test_a_list_within_the_cap_says_how_many(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("orders:deadline_list"))
    page = response.content.decode()
    assert "2 deadlines" in page
    assert "More than" not in page
    assert "The pages go as far as" not in page
    assert f"LIMIT {COUNT_CAP + 1}" in _count_query(queries)


def test_the_cap_is_written_in_the_readers_language(carol: User, joint_investigation: Investigation) -> None:
    from django.utils import translation

    paginator = CappedPaginator(Investigation.objects.all(), 25)
    with translation.override("fr"):
        assert paginator.cap_label.replace("\u202f", " ").replace("\xa0", " ") == "5 000"
    with translation.override("en"):
        assert paginator.cap_label == "5,000"


def test_the_notifications_page_past_the_cap_says_more_than_and_counts_no_further(
    client: Client, carol: User, bc_order: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(orders.selectors, "NOTIFICATIONS_COUNT_CAP", 1)
    _unread_alerts(carol, bc_order, 3)
    client.force_login(carol)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("orders:notifications"))
    page = response.content.decode()
    assert "More than 1 notifications" in page
    assert "3 notifications" not in page
    assert response.context["page_obj"].paginator.count == 1
    assert "LIMIT 2" in _count_query(queries)


def test_the_notifications_page_within_the_cap_says_how_many(client: Client, carol: User, bc_order: Order) -> None:
    _unread_alerts(carol, bc_order, 3)
    client.force_login(carol)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("orders:notifications")).content.decode()
    assert "3 notifications, 3 unread" in page
    assert "More than" not in page
    assert f"LIMIT {NOTIFICATIONS_COUNT_CAP + 1}" in _count_query(queries)


@pytest.mark.parametrize("url_name", ["orders:list", "casework:investigation_list"])
def test_a_searched_list_counts_its_matches_up_to_the_search_cap(
    client: Client,
    carol: User,
    bc_order: Order,
    order_due_in_a_week: Order,
    ref: Ref,
    monkeypatch: pytest.MonkeyPatch,
    url_name: str,
) -> None:
    import casework.tables

    monkeypatch.setattr(casework.tables, "SEARCH_COUNT_CAP", 1)
    _second_bc_investigation(carol, ref, "Another case of Example Corp.")
    client.force_login(carol)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(url_name), {"q": "Example Corp"})
    page = response.content.decode()
    assert "More than 1 " in page
    assert response.context["table"].paginator.count == 1
    assert "LIMIT 2" in _count_query(queries)
    # The same list unsearched counts up to the lists' cap.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(url_name))
    assert "More than" not in response.content.decode()
    assert response.context["table"].paginator.count == 2
    assert f"LIMIT {COUNT_CAP + 1}" in _count_query(queries)
