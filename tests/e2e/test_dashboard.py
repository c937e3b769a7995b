"""A manager's dashboard in a real browser: figures, charts drawn, a click on a bar and on a figure.

Personas (tests/conftest.py): carol is OIPC-BC legal staff and issues the orders; erin,
made here, is OIPC-BC's manager. Dates count from today in British Columbia.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from casework.models import Investigation, User
from orders.deadlines import local_today
from orders.models import Order
from orders.services import order_draft, order_issue, term_add
from tests.conftest import Ref, _user
from tests.orders.conftest import bc_order  # noqa: F401 - the fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Shot = Callable[[str], Path]
SignIn = Callable[[Page, User], Page]


def test_a_manager_reads_the_dashboard_and_opens_the_lists_behind_it(
    page: Page,
    sign_in: SignIn,
    shot: Shot,
    ref: Ref,
    carol: User,
    joint_investigation: Investigation,
    bc_order: Order,  # noqa: F811 - the fixture imported above
) -> None:
    today = local_today(timezone.now(), ref.bc.time_zone)
    soon = order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="P26-02", legal_basis="s. 52"
    )
    for days in (9, 10):  # the same week, from today: one bar of 2 in the second week
        due = today + timedelta(days=days)
        term_add(actor=carol, order=soon, text=f"Do {days}.", deadline_rule={"rule": "fixed", "date": due.isoformat()})
    order_issue(actor=carol, order=soon, issued_on=today - timedelta(days=3))
    erin = _user("erin", ref.oipc_bc, is_manager=True)

    sign_in(page, erin)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Compliance dashboard", level=1)).to_be_visible()
    overdue = page.locator("#figure-overdue")
    expect(overdue).to_contain_text("2")
    expect(overdue).to_contain_text("Overdue deadlines")
    expect(page.locator("#figure-open-orders")).to_contain_text("2")
    # The three charts are drawn (Chart.js attached to each canvas), each with its table.
    for key in ("weeks", "status", "compliance"):
        expect(page.locator(f"#canvas-{key}")).to_have_attribute("data-drawn", "true")
        expect(page.get_by_role("table", name=re.compile("as a table"))).to_have_count(3)
    drawn = page.evaluate("() => Chart.getChart(document.getElementById('canvas-weeks')).data.datasets[0].data")
    weeks = [0] * 12
    weeks[(9 // 7)] = 2
    weeks[(10 // 7)] = 2
    assert drawn == weeks
    shot("dashboard")

    # A click on the bar of the second week opens the deadlines due that week.
    point = page.evaluate(
        """() => {
             const chart = Chart.getChart(document.getElementById('canvas-weeks'));
             const bar = chart.getDatasetMeta(0).data[1];
             return {x: bar.x, y: (bar.y + bar.base) / 2};
           }"""
    )
    page.locator("#canvas-weeks").click(position=point)
    page.wait_for_url(re.compile(r"/orders/deadlines/\?"))
    expect(page.get_by_role("heading", name="Deadlines", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^\s*2 deadlines\s*$"))
    expect(page.locator("#deadline-list")).to_contain_text("P26-02")
    shot("deadlines due in the week clicked")

    # Back on the dashboard, the overdue figure opens the overdue deadlines.
    page.go_back()
    page.locator("#figure-overdue").click()
    page.wait_for_url(re.compile(r"overdue=yes"))
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^\s*2 deadlines\s*$"))
    expect(page.locator("#deadline-list")).to_contain_text("P21-08")
    expect(page.locator("#deadline-list")).to_contain_text("days late")
    shot("overdue deadlines")
