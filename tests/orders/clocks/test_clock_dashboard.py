"""The statutory clocks on the dashboard, on the clocks list and on the home page: only the user's
authority's clocks, in the investigations they may see, in a fixed number of queries."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from casework.models import User
from casework.services import investigation_open, investigation_update
from orders.clocks.services import clock_stay
from orders.models import ClockRule, InvestigationClock
from tests.conftest import Ref, _user

# 2021-01-15 in Toronto: the PIPEDA clock of 2020-02-21 is due on 2021-02-22, within 30 days plus a week.
NOW = datetime.fromisoformat("2021-01-30T17:00:00+00:00")


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def opc_manager(ref: Ref) -> User:
    return _user("olivia", ref.opc, is_manager=True)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _figures(response: Any) -> dict[str, int]:
    return {figure.key: figure.value for figure in response.context["clocks"]["figures"]}


def _more_clocks(ref: Ref, alice: User, rule: ClockRule, count: int) -> list[InvestigationClock]:
    from orders.clocks.services import clock_start

    clocks = []
    for n in range(count):
        investigation = investigation_open(
            actor=alice,
            reference=f"PIPEDA-9{n:05d}",
            title=f"Case {n}",
            origin="complaint",
            opened_on=date(2020, 1, 2),
            lead_authority=ref.opc,
            respondents=[ref.clearview],
            lead_statutes=[ref.pipeda],
        )
        # Half overdue (started in 2019), half coming.
        started = date(2019, 6, 3 + n % 20) if n % 2 else date(2020, 3, 2 + n % 20)
        clocks.append(
            clock_start(actor=alice, investigation=investigation, authority=ref.opc, rule=rule, started_on=started)
        )
    return clocks


def test_the_dashboard_counts_the_users_authoritys_clocks(
    pipeda_clock: InvestigationClock, opc_manager: User, frozen: None
) -> None:
    response = _client(opc_manager).get(reverse("orders:dashboard"))
    assert response.status_code == 200
    assert _figures(response) == {"clocks-running": 1, "clocks-due-soon": 1, "clocks-overdue": 0, "clocks-stayed": 0}
    html = response.content.decode()
    link = reverse("casework:investigation_detail", args=[pipeda_clock.investigation.reference])
    assert f'href="{link}#clock-{pipeda_clock.pk}"' in html
    assert 'href="/clocks/?state=due-soon"' in html


def test_another_authoritys_clocks_are_never_counted(
    pipeda_clock: InvestigationClock, carol: User, frozen: None
) -> None:
    # carol (OIPC-BC legal) sees the joint investigation, but the clock is the OPC's.
    response = _client(carol).get(reverse("orders:dashboard"))
    assert set(_figures(response).values()) == {0}
    assert pipeda_clock.investigation.reference not in response.content.decode().split("statutory-clocks")[1]
    listed = _client(carol).get(reverse("orders:clock_list"))
    assert pipeda_clock.investigation.reference not in listed.content.decode()


def test_an_unassigned_colleague_does_not_count_a_confidential_cases_clock(
    pipeda_clock: InvestigationClock, alice: User, opc_manager: User, frozen: None
) -> None:
    investigation_update(actor=alice, investigation=pipeda_clock.investigation, confidential=True)
    assert set(_figures(_client(opc_manager).get(reverse("orders:dashboard"))).values()) == {0}
    html = _client(opc_manager).get(reverse("orders:clock_list")).content.decode()
    assert pipeda_clock.investigation.reference not in html
    # Assigned, she counts it again.
    pipeda_clock.investigation.assignees.add(opc_manager)
    assert _figures(_client(opc_manager).get(reverse("orders:dashboard")))["clocks-running"] == 1


def test_a_superuser_counts_the_chosen_authoritys_clocks(
    pipeda_clock: InvestigationClock, root: User, ref: Ref, frozen: None
) -> None:
    from orders.clocks.selectors import clock_figures

    assert _figures(_client(root).get(reverse("orders:dashboard")))["clocks-running"] == 1
    # The dashboard's filter offers the authorities with orders; the figures follow the one chosen.
    assert clock_figures(root, authority=ref.oipc_bc, today=date(2021, 1, 30)).running == 0
    assert clock_figures(root, authority=ref.opc, today=date(2021, 1, 30)).running == 1


def test_the_figures_agree_with_the_lists_they_link_to(
    ref: Ref, alice: User, opc_manager: User, clock_rules: dict[str, ClockRule], frozen: None
) -> None:
    clocks = _more_clocks(ref, alice, clock_rules["PIPEDA-13-1"], 6)
    clock_stay(actor=alice, clock=clocks[0], started_on=date(2021, 1, 4), reason="Adjourned.")
    client = _client(opc_manager)
    figures = _figures(client.get(reverse("orders:dashboard")))
    assert figures == {"clocks-running": 5, "clocks-due-soon": 0, "clocks-overdue": 3, "clocks-stayed": 1}
    for state, key in [("running", "clocks-running"), ("overdue", "clocks-overdue"), ("stayed", "clocks-stayed")]:
        html = client.get(reverse("orders:clock_list"), {"state": state}).content.decode()
        assert html.count('class="font-monospace text-nowrap"') == figures[key], state


def test_the_clocks_list_takes_hostile_and_unknown_states(pipeda_clock: InvestigationClock, alice: User) -> None:
    client = _client(alice)
    response = client.get(reverse("orders:clock_list"), {"state": "<script>x</script>", "page": "9999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>x</script>" not in html and "Unknown state" in html
    assert pipeda_clock.investigation.reference in html
    assert Client().get(reverse("orders:clock_list")).status_code == 302  # to sign-in


@pytest.mark.parametrize("count", [1, 12])
def test_the_dashboard_and_the_list_cost_the_same_queries_whatever_the_clocks(
    ref: Ref,
    alice: User,
    opc_manager: User,
    clock_rules: dict[str, ClockRule],
    count: int,
    django_assert_num_queries: Callable[..., Any],
    frozen: None,
) -> None:
    _more_clocks(ref, alice, clock_rules["PIPEDA-13-1"], count)
    client = _client(opc_manager)
    # 1 session, 2 user, 3 the user's authority (today), 4 orders by status, 5 the deadline figures,
    # 6 the next deadlines, 7 the overdue deadlines, 8 the clock figures, 9 the next and overdue
    # clocks, 10 the bell (no order here: the filter offers no authority, and fetches none; with orders,
    # one more, see tests/orders/test_dashboard.py).
    with django_assert_num_queries(10):
        response = client.get(reverse("orders:dashboard"))
    assert sum(_figures(response).values()) >= count
    # 1 session, 2 user, 3 the user's authority (today), 4 the count, 5 the page, 6 the bell.
    with django_assert_num_queries(6):
        response = client.get(reverse("orders:clock_list"))
    assert re.search(rf">\s*{count} clocks?\s*<", response.content.decode())


def test_the_home_page_shows_the_next_clock_of_each_case_assigned(
    pipeda_clock: InvestigationClock, alice: User, bob: User, frozen: None
) -> None:
    html = _client(alice).get("/").content.decode()
    assert "Your cases&#x27; next statutory clocks" in html or "Your cases' next statutory clocks" in html
    assert f"#clock-{pipeda_clock.pk}" in html and "22 février" not in html
    # bob (OIPC-BC) is assigned too, but the clock is the OPC's.
    pipeda_clock.investigation.assignees.add(bob)
    assert f"#clock-{pipeda_clock.pk}" not in _client(bob).get("/").content.decode()
