"""The deadlines list (/orders/deadlines/): the dashboard's drill-down target."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from casework.models import Investigation, User
from orders.models import Deadline, Order
from orders.services import deadline_close, deadline_stay, order_draft, order_issue, order_set_status, term_add
from tests.conftest import Ref

pytestmark = pytest.mark.django_db

URL = reverse("orders:deadline_list")


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 3, 2, 18, 0, tzinfo=UTC), tick=False):
        yield


def rows(client: Client, **params: Any) -> list[str]:
    """The listed deadlines as "NUMBER/term" (the table's rows, in order)."""
    response = client.get(URL, params)
    assert response.status_code == 200
    return [
        f"{d.term.order.number}/{d.term.number}"
        for d in (row.record for row in response.context["table"].page.object_list)
    ]


@pytest.fixture
def second_order(ref: Ref, carol: User, joint_investigation: Investigation) -> Order:
    order = order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="P26-01", legal_basis="s. 52"
    )
    term_add(actor=carol, order=order, text="Report back.", deadline_rule={"rule": "fixed", "date": "2026-03-20"})
    return order_issue(actor=carol, order=order, issued_on=date(2026, 2, 2))


def test_it_lists_the_deadlines_the_user_may_see_soonest_first(
    client: Client, carol: User, bc_order: Order, second_order: Order
) -> None:
    client.force_login(carol)
    assert rows(client) == ["P21-08/1", "P21-08/2", "P26-01/1"]


def test_it_hides_deadlines_of_investigations_the_user_does_not_take_part_in(
    client: Client, dave: User, bc_order: Order
) -> None:
    client.force_login(dave)
    assert rows(client) == []


def test_it_leaves_out_drafts(client: Client, ref: Ref, carol: User, joint_investigation: Investigation) -> None:
    draft = order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="DRAFT-1", legal_basis="s. 52"
    )
    term_add(actor=carol, order=draft, text="Later.", deadline_rule={"rule": "fixed", "date": "2026-04-01"})
    client.force_login(carol)
    assert rows(client) == []


def test_it_filters_by_due_dates_status_and_overdue(
    client: Client, carol: User, bc_order: Order, second_order: Order
) -> None:
    deadline_close(actor=carol, deadline=bc_order.terms.get(number=1).deadline, status="met", on=date(2022, 1, 20))
    client.force_login(carol)
    assert rows(client, due_after="2026-03-01", due_before="2026-03-31") == ["P26-01/1"]
    assert rows(client, overdue="yes") == ["P21-08/2"]
    assert rows(client, overdue="no") == ["P21-08/1", "P26-01/1"]
    assert rows(client, status="met") == ["P21-08/1"]
    assert rows(client, status=["met", "open"]) == ["P21-08/1", "P21-08/2", "P26-01/1"]
    assert rows(client, status="met", on_time="yes", met_after="2022-01-01", met_before="2022-12-31") == ["P21-08/1"]
    # Issued 2021-12-14, met 2022-01-20: 37 days.
    assert rows(client, status="met", days_to_comply_min=31, days_to_comply_max=60) == ["P21-08/1"]
    assert rows(client, status="met", days_to_comply_max=30) == []
    assert rows(client, status="met", days_to_comply_min=38) == []


def test_it_filters_by_authority_and_by_orders_still_running(
    client: Client, ref: Ref, carol: User, bc_order: Order, second_order: Order
) -> None:
    order_set_status(actor=carol, order=second_order, status="withdrawn", reason="Settled.")
    client.force_login(carol)
    assert rows(client, running="yes") == ["P21-08/1", "P21-08/2"]
    assert rows(client, running="no") == ["P26-01/1"]
    assert rows(client, authority=ref.oipc_bc.pk) == ["P21-08/1", "P21-08/2", "P26-01/1"]
    # The overdue filter counts only orders still running.
    assert rows(client, overdue="yes") == ["P21-08/1", "P21-08/2"]


def test_it_says_days_left_or_late_and_links_each_row(
    client: Client, carol: User, bc_order: Order, second_order: Order
) -> None:
    deadline_stay(
        actor=carol, deadline=second_order.terms.get().deadline, started_on=date(2026, 2, 20), reason="Court stay."
    )
    client.force_login(carol)
    page = client.get(URL).content.decode()
    assert "1497 days late" in page  # 2022-01-25 → 2026-03-02 in Vancouver
    assert "stayed: the clock is paused" in page
    assert 'href="/orders/OIPC-BC/P21-08/#term-2"' in page


def test_it_shows_an_error_for_a_bad_date_and_ignores_it(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    response = client.get(URL, {"due_after": "not-a-date"})
    assert "Enter a valid date." in response.content.decode()
    assert len(response.context["table"].page.object_list) == 2


def test_it_asks_anonymous_visitors_to_sign_in(client: Client) -> None:
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("count", [1, 30])
def test_it_costs_the_same_queries_whatever_the_number_of_rows(
    client: Client,
    ref: Ref,
    carol: User,
    joint_investigation: Investigation,
    count: int,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    for n in range(count):
        order = order_draft(
            actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number=f"Q-{n}", legal_basis="s. 52"
        )
        term_add(actor=carol, order=order, text="Do it.", deadline_rule={"rule": "fixed", "date": "2026-05-01"})
        order_issue(actor=carol, order=order, issued_on=date(2026, 2, 1))
    client.force_login(carol)
    # 1 session, 2 user, 3 the user's authority with its jurisdiction (today), 4 the bell's
    # unread count, 5 the authorities offered by the filter, 6 the paginator's count, 7 the page.
    with django_assert_num_queries(7):
        response = client.get(URL, {"per_page": "50", "overdue": "no"})
    assert response.context["table"].paginator.count == count


def test_its_status_filter_does_not_make_the_database_sort_every_row_for_distinct(
    client: Client, carol: User, bc_order: Order
) -> None:
    """A deadline has one status: ``DISTINCT`` over every column (JSON included) is useless and sorted
    all the matching deadlines before the page (3 s at full scale, docs/performance.md)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(carol)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"status": ["open", "met"]})
    assert response.status_code == 200
    expected = Deadline.objects.filter(term__order=bc_order, status__in=["open", "met"]).count()
    assert expected and response.context["table"].paginator.count == expected
    assert not [q["sql"] for q in queries.captured_queries if "DISTINCT" in q["sql"].upper()]
