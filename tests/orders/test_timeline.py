"""The case timeline on the investigation page: its items, their order, the picture and its cost."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from casework import services as casework_services
from casework.models import Investigation, User
from casework.selectors import investigation_page
from orders.models import CourtProceeding, Order
from orders.services import (
    deadline_close,
    deadline_stay,
    deadline_stay_lift,
    order_draft,
    order_issue,
    proceeding_decide,
    proceeding_record,
    term_add,
)
from orders.timeline import investigation_timeline
from tests.conftest import Ref

pytestmark = pytest.mark.django_db


def _detail(investigation: Investigation) -> str:
    return reverse("casework:investigation_detail", args=[investigation.reference])


@pytest.fixture
def full_case(ref: Ref, alice: User, carol: User, joint_investigation: Investigation, bc_order: Order) -> Investigation:
    """The joint investigation with an event, a finding, P21-08 (stayed, then met) and a court decision."""
    casework_services.event_add(
        actor=alice, investigation=joint_investigation, date=date(2020, 7, 6), kind="respondent_action", summary="Left."
    )
    casework_services.finding_record(
        actor=alice,
        investigation=joint_investigation,
        authority=ref.opc,
        statute=ref.pipeda,
        issue="consent",
        conclusion="well_founded",
        issued_on=date(2021, 2, 2),
    )
    first, second = (term.deadline for term in bc_order.terms.select_related("deadline").order_by("number"))
    deadline_stay(actor=carol, deadline=second, started_on=date(2022, 1, 10), reason="Court stay.")
    deadline_stay_lift(actor=carol, deadline=second, lifted_on=date(2022, 3, 1))
    deadline_close(actor=carol, deadline=first, status="met", on=date(2022, 1, 20))
    proceeding = proceeding_record(
        actor=carol, order=bc_order, court="Supreme Court of British Columbia", filed_on=date(2022, 1, 28)
    )
    proceeding_decide(
        actor=carol, proceeding=proceeding, decided_on=date(2024, 12, 18), outcome="upheld", citation="2024 BCSC 2311"
    )
    return joint_investigation


def test_it_puts_every_kind_of_item_on_one_axis_in_date_order(
    client: Client, alice: User, full_case: Investigation
) -> None:
    client.force_login(alice)
    response = client.get(_detail(full_case))
    assert response.status_code == 200
    page = response.content.decode()
    section = page[page.index('id="case-timeline"') :]
    listed = re.findall(r'<li data-kind="([a-z_]+)">\s*<time datetime="([0-9-]+)"', section)
    assert listed == [
        ("opened", "2020-02-21"),
        ("event", "2020-07-06"),
        ("finding", "2021-02-02"),
        ("order_issued", "2021-12-14"),
        ("stay", "2022-01-10"),
        ("deadline_met", "2022-01-20"),
        ("deadline_due", "2022-01-25"),
        ("court_filed", "2022-01-28"),
        ("deadline_due", mock_due(full_case)),
        ("court_decided", "2024-12-18"),
    ]
    # The picture: one mark per item, each with its title, and a legend by shape.
    svg = section[section.index("<svg") : section.index("</svg>")]
    assert svg.count('class="mark ') == len(listed)
    assert "2024 BCSC 2311: order upheld (OIPC-BC P21-08)" in svg
    assert "Court decision" in section and "Deadline due" in section


def mock_due(investigation: Investigation) -> str:
    """The second term's due date after its stay (computed by the services, not by this test)."""
    order = investigation.orders.get()
    due = order.terms.get(number=2).deadline.due_on
    assert due is not None
    return due.isoformat()


def _timeline_of(client: Client, investigation: Investigation) -> str:
    page = client.get(_detail(investigation)).content.decode()
    start = page.index('id="case-timeline"')
    return page[start : page.index("</section>", start)]


def test_it_shows_an_order_once_issued_and_not_as_a_draft(
    client: Client, ref: Ref, carol: User, alice: User, joint_investigation: Investigation
) -> None:
    # A draft is not on the timeline: nothing is owed on it yet.
    order = order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="P99-01", legal_basis="s. 52"
    )
    term_add(actor=carol, order=order, text="Do it.", deadline_rule={"rule": "fixed", "date": "2022-01-25"})
    client.force_login(alice)
    assert "P99-01" not in _timeline_of(client, joint_investigation)
    order_issue(actor=carol, order=order, issued_on=date(2021, 12, 1))
    assert "Order OIPC-BC P99-01 issued" in _timeline_of(client, joint_investigation)


def test_it_escapes_what_users_typed(client: Client, alice: User, joint_investigation: Investigation) -> None:
    casework_services.event_add(
        actor=alice, investigation=joint_investigation, date=date(2020, 3, 1), kind="other", summary="<b>x</b>"
    )
    client.force_login(alice)
    page = client.get(_detail(joint_investigation)).content.decode()
    assert "&lt;b&gt;x&lt;/b&gt;" in page[page.index('id="case-timeline"') :]
    assert "<b>x</b>" not in page


@pytest.mark.parametrize("orders", [1, 6])
def test_it_costs_five_queries_whatever_the_number_of_orders(
    ref: Ref,
    alice: User,
    carol: User,
    joint_investigation: Investigation,
    orders: int,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    for n in range(orders):
        order = order_draft(
            actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number=f"Q-{n}", legal_basis="s. 52"
        )
        for days in (10, 20):
            term_add(actor=carol, order=order, text="Do.", deadline_rule={"rule": "calendar_days", "days": days})
        order = order_issue(actor=carol, order=order, issued_on=date(2021, 12, 1 + n))
        CourtProceeding.objects.create(order=order, court="Court", filed_on=date(2022, 1, 3))
    page = investigation_page(alice, joint_investigation)
    # 1 the recorded stage changes, 2 the orders, 3 their terms with deadlines, 4 the stays, 5 the proceedings.
    with django_assert_num_queries(5):
        timeline = investigation_timeline(
            alice, joint_investigation, events=page.events, participations=page.participations
        )
    assert sum(item.kind == "deadline_due" for item in timeline.items) == 2 * orders
    assert sum(item.kind == "court_filed" for item in timeline.items) == orders


def test_it_shows_another_authoritys_staff_no_order_of_an_investigation_they_cannot_see(
    dave: User, alice: User, bc_order: Order, joint_investigation: Investigation
) -> None:
    page = investigation_page(alice, joint_investigation)
    timeline = investigation_timeline(dave, joint_investigation, events=page.events, participations=page.participations)
    assert not [item for item in timeline.items if item.kind.startswith(("order", "deadline"))]
