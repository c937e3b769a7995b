"""Legal staff's path through an order, in a real browser: draft, preview a deadline, issue,
stay and lift, compliance, status; then the alerts of a deadline that comes near.

Personas (tests/conftest.py): carol is OIPC-BC legal staff. ``joint_investigation`` is
PIPEDA-000001, led by the OPC with OIPC-BC joining. Dates are counted from today in
British Columbia (the issuing authority's time zone), as the pages count them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from casework.calendars import calendar_for
from casework.models import Investigation, User
from orders import services
from orders.deadlines import legal_date, local_today, resume_after_stay
from orders.models import Deadline, Notification, Order
from tests.conftest import Ref
from tests.e2e.helpers import choose, field

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Shot = Callable[[str], Path]
SignIn = Callable[[Page, User], Page]

NUMBER = "P24-07"
TERM_1 = "Cease collecting images of individuals in British Columbia."
TERM_2 = "Report to the Commissioner on the steps taken."


def bc_today(ref: Ref) -> date:
    return local_today(timezone.now(), ref.bc.time_zone)


def term(page: Page, number: int) -> Locator:
    """The card of term ``number`` on the order page."""
    return page.get_by_role("article", name=re.compile(rf"^Term {number}\b"))


def message(page: Page, text: str) -> None:
    """The page says ``text`` in its status message (after a redirect)."""
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def due_date(card: Locator, due_on: date, time_zone: str) -> None:
    """The card shows ``due_on`` as its deadline, which ends at 23:59:59 that day in ``time_zone``."""
    ends_at = datetime.combine(due_on, time(23, 59, 59), ZoneInfo(time_zone)).astimezone(UTC)
    shown = card.locator(f'time[datetime="{ends_at.isoformat()}"]')
    expect(shown).to_have_text(f"{due_on:%A} {due_on.day} {due_on:%B %Y}")


def days_left(days: int) -> str:
    return f"{days} day left" if days == 1 else f"{days} days left"


def test_legal_drafts_issues_stays_and_closes_an_order(
    page: Page, sign_in: SignIn, shot: Shot, carol: User, ref: Ref, joint_investigation: Investigation
) -> None:
    today = bc_today(ref)
    issued_on = today - timedelta(days=20)
    stayed_on = today - timedelta(days=10)
    fixed_on = today + timedelta(days=60)

    sign_in(page, carol)
    page.get_by_role("link", name="PIPEDA-000001").click()
    page.get_by_role("region", name="Orders").get_by_role("link", name="Draft an order").click()
    expect(page.get_by_role("heading", name="Draft an order", level=1)).to_be_visible()
    field(page, "Order number").fill(NUMBER)
    field(page, "Title").fill("Order to Example Corp.")
    field(page, "Legal basis").fill("PIPA s. 52")
    field(page, "Recitals (English)").fill("The Commissioner found that Example Corp. collected without consent.")
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url(f"**/orders/OIPC-BC/{NUMBER}/")
    message(page, f"Draft order {NUMBER} was created.")
    expect(page.get_by_role("heading", name=re.compile(rf"^Order {NUMBER}"), level=1)).to_be_visible()
    shot("draft created")

    # Term 1: 30 business days. Preview first: the date and how it was reached, nothing saved.
    terms = page.get_by_role("region", name="Terms and deadlines")
    terms.get_by_role("link", name="Add a term").click()
    field(page, "Text (English)").fill(TERM_1)
    field(page, "Text (French)").fill("Cesser de recueillir des images de personnes en Colombie-Britannique.")
    choose(page, "Deadline rule", "Business days (weekends and holidays not counted)")
    field(page, "Number of days").fill("30")
    expect(page.get_by_role("radio", name="the day the order is issued")).to_be_checked()
    page.get_by_role("button", name="Preview the due date").click()

    preview = page.get_by_role("status", name="Preview of the deadline")
    expect(preview).to_be_visible()
    order = Order.objects.get(authority=ref.oipc_bc, number=NUMBER)
    expected = services.deadline_preview(order=order, deadline_rule={"rule": "business_days", "days": 30})
    assert expected is not None and expected.due_on is not None
    expect(preview.locator(f'time[datetime="{expected.due_on.isoformat()}"]')).to_be_visible()
    expect(preview).to_contain_text(f"30 business days from {legal_date(today, False)}")
    expect(preview).to_contain_text(f"→ {legal_date(expected.due_on, False)}.")
    expect(preview).to_contain_text("Nothing was saved.")
    # The form keeps what was typed, ready to add.
    expect(field(page, "Number of days")).to_have_value("30")
    assert not order.terms.exists()
    shot("term 1 previewed")
    page.get_by_role("button", name="Add the term").click()
    page.wait_for_url(f"**/orders/OIPC-BC/{NUMBER}/")
    message(page, "Term 1 was added.")

    # Term 2: a fixed date.
    terms.get_by_role("link", name="Add a term").click()
    field(page, "Text (English)").fill(TERM_2)
    field(page, "Text (French)").fill("Faire rapport au commissaire des mesures prises.")
    choose(page, "Deadline rule", "Fixed date written in the order")
    field(page, "Date written in the order").fill(fixed_on.isoformat())
    page.get_by_role("button", name="Add the term").click()
    page.wait_for_url(f"**/orders/OIPC-BC/{NUMBER}/")
    message(page, "Term 2 was added.")
    expect(term(page, 2)).to_contain_text(TERM_2)
    shot("draft with two terms")

    # Issue it, dated three weeks ago.
    page.get_by_role("toolbar", name="Actions on this order").get_by_role("link", name="Issue").click()
    expect(page.get_by_role("region", name="Before issuing")).to_contain_text("Nothing is missing.")
    field(page, "Issued on").fill(issued_on.isoformat())
    shot("issue form")
    page.get_by_role("button", name="Issue the order").click()
    page.wait_for_url(f"**/orders/OIPC-BC/{NUMBER}/")
    message(page, f"Order {NUMBER} is issued; its due dates are computed.")
    expect(page.get_by_text("Status: issued", exact=True)).to_be_visible()

    first = Deadline.objects.get(term__order=order, term__number=1)
    assert first.due_on is not None
    card_1, card_2 = term(page, 1), term(page, 2)
    due_date(card_1, first.due_on, ref.bc.time_zone)
    expect(card_1).to_contain_text(f"30 business days from {legal_date(issued_on, False)}")
    expect(card_1).to_contain_text(f"→ {legal_date(first.due_on, False)}.")
    expect(card_1).to_contain_text(days_left((first.due_on - today).days))
    due_date(card_2, fixed_on, ref.bc.time_zone)
    expect(card_2).to_contain_text(f"Fixed date written in the order: {legal_date(fixed_on, False)} (kept as written).")
    expect(card_2).to_contain_text(days_left(60))
    shot("order issued")

    # A stay, recorded today, that began ten days ago: the clock is paused.
    card_1.get_by_role("link", name="Stay").click()
    expect(page.get_by_role("heading", name="Stay the deadline of term 1", level=1)).to_be_visible()
    field(page, "Stayed from").fill(stayed_on.isoformat())
    field(page, "Reason").fill("Stay granted by the court pending judicial review.")
    page.get_by_role("button", name="Stay the deadline").click()
    page.wait_for_url(f"**/orders/OIPC-BC/{NUMBER}/")
    message(page, "The deadline of term 1 is stayed.")
    expect(card_1).to_contain_text("stayed: the clock is paused")
    expect(card_1).to_contain_text("Status: stayed")
    expect(card_1).to_contain_text("still running")
    expect(card_1.get_by_role("link", name="Stay", exact=True)).to_have_count(0)
    shot("term 1 stayed")

    # Lifted today: the days that were left when it began count again from today.
    new_due, _ = resume_after_stay(due_on=first.due_on, stayed_on=stayed_on, lifted_on=today, cal=calendar_for(ref.bc))
    card_1.get_by_role("link", name="Lift the stay").click()
    expect(field(page, "Lifted on")).to_have_value(today.isoformat())
    page.get_by_role("button", name="Lift the stay").click()
    page.wait_for_url(f"**/orders/OIPC-BC/{NUMBER}/")
    message(page, f"The stay is lifted; term 1 is now due on {new_due.isoformat()}.")
    due_date(card_1, new_due, ref.bc.time_zone)
    expect(card_1).to_contain_text(f"Stayed on {legal_date(stayed_on, False)}")
    expect(card_1).to_contain_text(f"lifted on {legal_date(today, False)}")
    expect(card_1).to_contain_text("First due date:")
    expect(card_1).to_contain_text("Status: open")
    expect(card_1).to_contain_text(days_left((new_due - today).days))
    shot("stay lifted")

    # The respondent's submission for term 1, assessed as showing compliance: the deadline is met.
    submissions = page.get_by_role("region", name="Compliance submissions")
    submissions.get_by_role("link", name="Record a submission").click()
    choose(page, "Term it answers", f"1. {TERM_1}")
    field(page, "What the respondent sent").fill("A sworn statement that collection in BC stopped.")
    page.get_by_role("button", name="Record the submission").click()
    page.wait_for_url(f"**/orders/OIPC-BC/{NUMBER}/")
    message(page, "The compliance submission was recorded.")
    expect(submissions).to_contain_text("Not assessed yet")
    submissions.get_by_role("link", name=re.compile(r"^Assess\b")).click()
    page.get_by_role("radio", name="shows compliance").check()
    field(page, "Assessment note").fill("Checked against the respondent's logs.")
    page.get_by_role("button", name="Record the assessment").click()
    page.wait_for_url(f"**/orders/OIPC-BC/{NUMBER}/")
    message(page, "The assessment was recorded.")
    expect(submissions).to_contain_text("Shows compliance")
    expect(card_1).to_contain_text("Status: met")
    expect(card_1).to_contain_text("met on time")
    shot("term 1 met")

    # The order is complied with.
    status = page.get_by_role("region", name=re.compile(r"^Change the status"))
    status.get_by_label("Reason (optional)").fill("Every term is met.")
    status.get_by_label("New status").select_option(label="Complied")
    status.get_by_role("button", name="Change the status").click()
    page.wait_for_url(f"**/orders/OIPC-BC/{NUMBER}/")
    message(page, "The order is now complied.")
    expect(page.get_by_text("Status: complied", exact=True)).to_be_visible()
    history = page.get_by_role("table", name=re.compile("Changes to this order"))
    expect(history).to_contain_text("carol")
    shot("order complied")


def test_alerts_of_a_deadline_due_soon(
    page: Page, sign_in: SignIn, shot: Shot, carol: User, ref: Ref, joint_investigation: Investigation
) -> None:
    """The sweep raises T-7 for a deadline due in a week: the bell shows it, and so do my deadlines."""
    today = bc_today(ref)
    order = services.order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number=NUMBER, legal_basis="PIPA s. 52"
    )
    services.term_add(
        actor=carol,
        order=order,
        text=TERM_1,
        deadline_rule={"rule": "fixed", "date": (today + timedelta(7)).isoformat()},
    )
    services.order_issue(actor=carol, order=order, issued_on=today)

    sign_in(page, carol)
    bell = page.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(bell).to_have_accessible_name("Notifications")
    call_command("sweep_deadlines")
    assert Notification.objects.filter(user=carol, read_at__isnull=True).count() == 1

    page.get_by_role("link", name="My deadlines").click()
    expect(page.get_by_role("heading", name="My deadlines", level=1)).to_be_visible()
    expect(bell).to_have_accessible_name("Notifications 1 unread")
    deadlines = page.get_by_role("table", name=re.compile("Deadlines still owed"))
    rows = deadlines.get_by_role("row").filter(has_text=NUMBER)
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("7 days left")
    expect(rows).to_contain_text("PIPEDA-000001")
    expect(rows).to_contain_text(TERM_1)
    shot("my deadlines")

    bell.click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    alerts = page.get_by_role("table", name=re.compile("Your notifications"))
    row = alerts.get_by_role("row").filter(has_text=NUMBER)
    expect(row).to_contain_text("T-7")
    expect(row).to_contain_text("Unread")
    shot("notifications")

    page.get_by_role("button", name="Mark all read").click()
    message(page, "1 notification marked read.")
    expect(bell).to_have_accessible_name("Notifications")
    expect(row).to_contain_text("Read")
    shot("notifications read")

    row.get_by_role("link", name=NUMBER).click()
    page.wait_for_url(re.compile(rf"/orders/OIPC-BC/{NUMBER}/#term-1$"))
    term(page, 1).get_by_text(re.compile(r"^Alerts: 1 raised")).click()
    expect(term(page, 1)).to_contain_text("T-7")
