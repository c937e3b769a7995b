"""Statutory clocks in a real browser: an OPC investigator opens the Clearview case and finds the PIPEDA
s. 13(1) clock cited with its due date, then starts a clock on another case, stays it and lifts the stay;
the pages have no serious accessibility violation; each step leaves a screenshot under test-results/e2e/.

Personas (tests/conftest.py): alice, an OPC investigator, assigned to both cases.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from casework import services
from casework.models import Investigation, User
from orders.clocks.reference import clock_rules_sync
from orders.clocks.services import clock_start
from orders.models import ClockRule
from tests.conftest import Ref
from tests.e2e.axe import serious_violations
from tests.e2e.helpers import choose, field

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Shot = Callable[[str], Path]
SignIn = Callable[[Page, User], Page]


def _open(ref: Ref, reference: str, title: str, opened_on: date, alice: User) -> Investigation:
    investigation = services.investigation_open(
        actor=None,
        reference=reference,
        title=title,
        origin="complaint",
        opened_on=opened_on,
        lead_authority=ref.opc,
        respondents=[ref.clearview],
        lead_statutes=[ref.pipeda],
        assign_actor=False,
    )
    services.investigation_set_assignees(actor=None, investigation=investigation, assignees=[alice])
    return investigation


@pytest.fixture
def cases(ref: Ref, alice: User) -> tuple[Investigation, Investigation]:
    clock_rules_sync()
    clearview = _open(ref, "PIPEDA-039525", "Joint investigation of Clearview AI, Inc.", date(2020, 2, 21), alice)
    clock_start(
        actor=None,
        investigation=clearview,
        authority=ref.opc,
        rule=ClockRule.objects.get(code="PIPEDA-13-1"),
        started_on=date(2020, 2, 21),
    )
    other = _open(ref, "PIPEDA-041200", "Complaint about Example Retail Ltd. (fictional)", date(2024, 3, 4), alice)
    return clearview, other


def test_an_opc_investigator_sees_the_pipeda_clock_then_starts_stays_and_lifts_one(
    page: Page, sign_in: SignIn, shot: Shot, alice: User, cases: tuple[Investigation, Investigation]
) -> None:
    clearview, other = cases
    sign_in(page, alice)

    page.goto(f"/investigations/{clearview.reference}/")
    section = page.locator("#statutory-clocks")
    expect(section.get_by_role("heading", name="Statutory clocks")).to_be_visible()
    expect(section.get_by_role("link", name="PIPEDA s. 13(1)")).to_have_attribute(
        "href", re.compile(r"laws-lois\.justice\.gc\.ca/eng/acts/P-8\.6/section-13")
    )
    # One year after 2020-02-21 is a Sunday: due the Monday after.
    expect(section.locator('time[datetime="2021-02-22"]').first).to_be_visible()
    contents = page.get_by_role("navigation", name="On this page")
    expect(contents.get_by_role("link", name="Statutory clocks")).to_be_visible()
    section.scroll_into_view_if_needed()
    shot("the Clearview case's PIPEDA clock")
    assert serious_violations(page) == []

    page.goto(f"/investigations/{other.reference}/")
    page.locator("#statutory-clocks").get_by_role("link", name="Start a clock").click()
    choose(page, "Statutory clock", _rule_option(page))
    field(page, "Counted from").fill("2024-03-04")
    shot("start a clock")
    assert serious_violations(page) == []
    page.get_by_role("button", name=re.compile("Start")).click()
    clock = page.locator("#statutory-clocks article")
    expect(clock).to_contain_text("PIPEDA s. 13(1)")
    expect(clock.locator('time[datetime="2025-03-04"]')).to_be_visible()

    clock.get_by_role("link", name="Stay").click()
    field(page, "Stayed from").fill("2024-06-03")
    field(page, "Reason").fill("Adjourned while the complainant answers (fictional).")
    page.get_by_role("button", name=re.compile("Stay")).click()
    clock = page.locator("#statutory-clocks article")
    expect(clock).to_contain_text("stayed")
    shot("the clock stayed")

    clock.get_by_role("link", name="Lift the stay").click()
    field(page, "Lifted on").fill("2024-06-17")
    page.get_by_role("button", name=re.compile("Lift")).click()
    clock = page.locator("#statutory-clocks article")
    # 14 days stayed: due 14 days later, 2025-03-18.
    expect(clock.locator('time[datetime="2025-03-18"]')).to_be_visible()
    expect(clock).to_contain_text("Adjourned while the complainant answers")
    shot("the stay lifted")
    assert serious_violations(page) == []


def _rule_option(page: Page) -> str:
    """The visible text of the PIPEDA rule's option in the start form's select."""
    option = page.get_by_label(re.compile(r"^\s*Statutory clock")).locator("option", has_text="13(1)").first
    return option.inner_text().strip()
