"""The compliance dashboard: its figures, scoping, filters, drill-down links, access and query counts.

The figures are checked against the demo's real state (``seed_demo --synthetic``)
recomputed a second way: walking the objects in Python, with visibility decided
from the participations and assignments directly, not through the selectors.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from casework.models import Investigation, User
from orders.dashboard.selectors import dashboard_deadlines, page_today
from orders.models import Deadline, Order
from orders.permissions import orders_visible_to
from orders.services import deadline_close, deadline_stay, order_draft, order_issue, term_add
from tests.conftest import Ref

pytestmark = pytest.mark.django_db

# A fixed instant: the synthetic data's dates are drawn around it.
NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
NOT_RUNNING = {"draft", "withdrawn", "quashed", "complied"}


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def demo(frozen: None) -> None:
    call_command("seed_demo", "--synthetic", "30", stdout=StringIO())


def demo_user(username: str) -> User:
    return User.objects.select_related("authority__jurisdiction").get(username=username)


# --- The second way: plain Python over the objects -----------------------------------------------


def sees(user: User, investigation: Investigation) -> bool:
    if user.is_superuser:
        return True
    takes_part = any(p.authority_id == user.authority_id for p in investigation.participations.all())
    assigned = any(person.pk == user.pk for person in investigation.assignees.all())
    return takes_part and (not investigation.confidential or assigned)


def visible_orders(user: User, authority_id: int | None = None) -> list[Order]:
    orders = Order.objects.select_related("investigation").prefetch_related(
        "investigation__participations", "investigation__assignees", "terms__deadline"
    )
    return [
        order
        for order in orders
        if order.status != "draft"
        and sees(user, order.investigation)
        and (authority_id is None or order.authority_id == authority_id)
    ]


@dataclass
class Expected:
    open_orders: int
    due_soon: int
    overdue: int
    stayed: int
    met_in_period: int
    met_on_time: int
    weeks: list[int]
    by_status: dict[str, Counter[str]]
    buckets: list[int]


def expected(user: User, today: date, start: date, end: date, authority_id: int | None = None) -> Expected:
    orders = visible_orders(user, authority_id)
    result = Expected(0, 0, 0, 0, 0, 0, [0] * 12, {}, [0] * 6)
    bounds = [(0, 30), (31, 60), (61, 90), (91, 180), (181, 365), (366, 10**6)]
    for order in orders:
        running = order.status not in NOT_RUNNING
        result.open_orders += running
        result.by_status.setdefault(order.authority.code, Counter())[order.status] += 1
        for term in order.terms.all():
            deadline: Deadline = term.deadline
            due = deadline.due_on
            if running and due is not None and deadline.status in ("open", "extended"):
                days = (due - today).days
                result.due_soon += 0 <= days <= 30
                if 0 <= days < 84:
                    result.weeks[days // 7] += 1
            if running and due is not None and due < today and deadline.status in ("open", "extended", "missed"):
                result.overdue += 1
            if running and deadline.status == "stayed":
                result.stayed += 1
            if deadline.status == "met" and deadline.met_on and start <= deadline.met_on <= end:
                result.met_in_period += 1
                result.met_on_time += due is not None and deadline.met_on <= due
                took = (deadline.met_on - order.issued_on).days if order.issued_on else -1
                for n, (low, high) in enumerate(bounds):
                    if low <= took <= high:
                        result.buckets[n] += 1
    return result


def figures_of(response: Any) -> dict[str, int]:
    return {figure.key: figure.value for figure in response.context["figures"]}


def listed(client: Client, url: str) -> int:
    """How many rows the list behind a link has, as its page says it ("12 deadlines")."""
    response = client.get(url)
    assert response.status_code == 200, url
    match = re.search(r'class="results-count" role="status">\s*(\d+) ', response.content.decode())
    assert match, url
    return int(match.group(1))


def check_page_against_objects(client: Client, user: User, **params: Any) -> Expected:
    client.force_login(user)
    response = client.get(reverse("orders:dashboard"), params)
    assert response.status_code == 200
    context = response.context
    today, start, end = context["today"], context["start"], context["end"]
    authority = context["authority"]
    want = expected(user, today, start, end, authority.pk if authority else None)
    assert figures_of(response) == {
        "open-orders": want.open_orders,
        "due-soon": want.due_soon,
        "overdue": want.overdue,
        "stayed": want.stayed,
        "on-time": want.met_on_time,
    }
    charts = context["charts"]
    assert charts["weeks"]["series"][0]["data"] == want.weeks
    assert charts["compliance"]["series"][0]["data"] == want.buckets
    drawn = {
        code: Counter({series["key"]: series["data"][n] for series in charts["status"]["series"] if series["data"][n]})
        for n, code in enumerate(charts["status"]["labels"])
    }
    assert drawn == want.by_status
    # Every figure's link lists exactly what it counted.
    for figure in context["figures"]:
        assert listed(client, figure.url) == figure.value, figure.key
    return want


# --- The demo's real state ---------------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
def test_it_shows_the_demos_figures_as_the_objects_say(client: Client) -> None:
    # One seeding for the four points of view (it is the slow part).
    for username in ("bc.manager", "opc.manager", "qc.manager", "admin"):
        want = check_page_against_objects(client, demo_user(username))
        # The demo has life on every figure a manager of BC sees.
        if username == "bc.manager":
            assert want.open_orders and want.overdue and want.due_soon and want.stayed and want.met_on_time


@pytest.mark.usefixtures("demo")
def test_it_counts_an_authority_and_a_period_as_the_objects_say(client: Client) -> None:
    user = demo_user("bc.manager")
    bc = user.authority
    assert bc is not None
    want = check_page_against_objects(client, user, authority=bc.pk, start="2020-01-01", end="2026-03-02")
    assert set(want.by_status) <= {"OIPC-BC"}


@pytest.mark.usefixtures("demo")
def test_its_chart_links_list_what_the_bars_count(client: Client) -> None:
    client.force_login(demo_user("bc.manager"))
    charts = client.get(reverse("orders:dashboard")).context["charts"]
    for key in ("weeks", "status", "compliance"):
        for series in charts[key]["series"]:
            for value, url in zip(series["data"], series["urls"], strict=True):
                if value or key == "weeks":
                    assert listed(client, url) == value, url


@pytest.mark.usefixtures("demo")
def test_it_never_counts_an_order_the_manager_may_not_see(client: Client) -> None:
    bc, opc = demo_user("bc.manager"), demo_user("opc.manager")
    seen_by_bc = {order.pk for order in visible_orders(bc)}
    seen_by_opc = {order.pk for order in visible_orders(opc)}
    assert seen_by_bc - seen_by_opc, "the demo has BC orders the OPC does not see"
    client.force_login(opc)
    response = client.get(reverse("orders:dashboard"))
    assert figures_of(response)["open-orders"] == sum(
        1 for order in visible_orders(opc) if order.status not in NOT_RUNNING
    )
    page = response.content.decode()
    for order in Order.objects.filter(pk__in=seen_by_bc - seen_by_opc):
        assert f">{order.number}<" not in page


@pytest.mark.usefixtures("demo")
def test_its_deadlines_are_those_of_the_issued_orders_the_user_may_see() -> None:
    # dashboard_deadlines applies orders_visible_to's rule through a join (for its plan):
    # it must keep selecting exactly the deadlines of the orders that function returns.
    for username in ("bc.manager", "opc.manager", "qc.manager", "admin"):
        user = demo_user(username)
        orders = orders_visible_to(user).exclude(status="draft")
        want = set(Deadline.objects.filter(term__order__in=orders).values_list("pk", flat=True))
        assert want, username
        assert set(dashboard_deadlines(user).values_list("pk", flat=True)) == want, username


# --- Small data: scoping, filters, access, query counts ------------------------------------------------


def test_it_shows_another_authoritys_manager_nothing_of_an_investigation_they_do_not_take_part_in(
    client: Client, dave: User, bc_order: Order, frozen: None
) -> None:
    client.force_login(dave)
    response = client.get(reverse("orders:dashboard"))
    assert response.status_code == 200
    assert set(figures_of(response).values()) == {0}
    assert "P21-08" not in response.content.decode()


def test_it_counts_an_overdue_deadline_and_lists_it(client: Client, carol: User, bc_order: Order, frozen: None) -> None:
    client.force_login(carol)  # legal staff may see the dashboard too
    response = client.get(reverse("orders:dashboard"))
    figures = figures_of(response)
    # Both terms of P21-08 are past due in 2026 and still open.
    assert figures["overdue"] == 2
    assert figures["open-orders"] == 1
    assert [row.deadline.term.number for row in response.context["overdue_rows"]] == [1, 2]
    assert response.context["overdue_rows"][0].state.days_late == (page_today(carol) - date(2022, 1, 25)).days
    assert 'href="/orders/OIPC-BC/P21-08/#term-1"' in response.content.decode()


def test_it_counts_met_on_time_within_the_period_only(
    client: Client, carol: User, bc_order: Order, frozen: None
) -> None:
    first, second = (term.deadline for term in bc_order.terms.select_related("deadline").order_by("number"))
    deadline_close(actor=carol, deadline=first, status="met", on=date(2022, 1, 20), reason="Done.")
    deadline_close(actor=carol, deadline=second, status="met", on=date(2025, 12, 1), reason="Done late.")
    client.force_login(carol)
    default = figures_of(client.get(reverse("orders:dashboard")))
    assert default["on-time"] == 0  # met in 2025-12 but late; 2022 is outside the last 12 months
    wide = client.get(reverse("orders:dashboard"), {"start": "2022-01-01", "end": "2026-03-01"})
    assert figures_of(wide)["on-time"] == 1
    assert "50%" in wide.content.decode()


def test_it_counts_a_stayed_deadline(client: Client, carol: User, bc_order: Order, frozen: None) -> None:
    deadline = bc_order.terms.get(number=2).deadline
    deadline_stay(actor=carol, deadline=deadline, started_on=date(2022, 1, 10), reason="Court stay.")
    client.force_login(carol)
    figures = figures_of(client.get(reverse("orders:dashboard")))
    assert figures["stayed"] == 1
    assert figures["overdue"] == 1


def test_it_refuses_a_period_that_ends_before_it_starts(client: Client, carol: User, bc_order: Order) -> None:
    client.force_login(carol)
    response = client.get(reverse("orders:dashboard"), {"start": "2025-01-01", "end": "2024-01-01"})
    assert response.status_code == 200
    assert "The period must start on or before the day it ends." in response.content.decode()


def test_it_ignores_an_authority_the_user_sees_no_order_of(
    client: Client, ref: Ref, carol: User, bc_order: Order
) -> None:
    client.force_login(carol)
    response = client.get(reverse("orders:dashboard"), {"authority": ref.cai.pk})
    assert response.context["authority"] is None
    assert "Select a valid choice" in response.content.decode()


def test_it_answers_403_to_investigators(client: Client, bob: User) -> None:
    client.force_login(bob)
    assert client.get(reverse("orders:dashboard")).status_code == 403


def test_it_sends_anonymous_visitors_to_sign_in(client: Client) -> None:
    response = client.get(reverse("orders:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_offers_the_dashboard_in_the_menu_to_managers_only(client: Client, bob: User, dave: User) -> None:
    client.force_login(bob)
    assert reverse("orders:dashboard") not in client.get(reverse("orders:list")).content.decode()
    client.force_login(dave)
    assert f'href="{reverse("orders:dashboard")}"' in client.get(reverse("orders:list")).content.decode()


def test_it_lets_superusers_in(client: Client, root: User, bc_order: Order) -> None:
    client.force_login(root)
    response = client.get(reverse("orders:dashboard"))
    assert response.status_code == 200
    assert figures_of(response)["open-orders"] == 1


@pytest.mark.parametrize("count", [1, 12])
def test_it_costs_the_same_queries_whatever_the_data_size(
    client: Client,
    ref: Ref,
    carol: User,
    joint_investigation: Investigation,
    count: int,
    django_assert_num_queries: Callable[..., Any],
    frozen: None,
) -> None:
    for n in range(count):
        order = order_draft(
            actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number=f"Q-{n}", legal_basis="s. 52"
        )
        term_add(actor=carol, order=order, text="Do it.", deadline_rule={"rule": "calendar_days", "days": 10 + 9 * n})
        term_add(actor=carol, order=order, text="And this.", deadline_rule={"rule": "fixed", "date": "2022-01-25"})
        order_issue(actor=carol, order=order, issued_on=date(2026, 2, 1) - timedelta(days=n))
    client.force_login(carol)
    # 1 session, 2 user, 3 the user's authority with its jurisdiction (today), 4 orders by
    # status and authority (also the open orders and the filter's authorities), 5 every
    # deadline figure with deadlines per week and time to compliance, 6 the next deadlines,
    # 7 the overdue deadlines, 8 the statutory clocks' figures, 9 the next and overdue clocks
    # (tests/orders/clocks/test_clock_dashboard.py), 10 the bell's unread count, 11 the authorities
    # offered by the filter.
    with django_assert_num_queries(11):
        response = client.get(reverse("orders:dashboard"))
    assert figures_of(response)["open-orders"] == count
    assert figures_of(response)["overdue"] == Deadline.objects.filter(due_on__lt=date(2026, 3, 2)).count() >= count
