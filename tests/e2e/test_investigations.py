"""An investigator's day, and what another authority's staff may not see, in a real browser.

Personas (tests/conftest.py): bob is an OIPC-BC investigator; dave a CAI manager.
``joint_investigation`` is PIPEDA-000001, led by the OPC with OIPC-BC joining.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from casework.models import Investigation, Organization, User
from casework.services import investigation_open
from tests.conftest import Ref
from tests.e2e.helpers import choose, field

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Shot = Callable[[str], Path]
SignIn = Callable[[Page, User], Page]


@pytest.fixture
def bc_alone(ref: Ref) -> Investigation:
    """An investigation OIPC-BC runs alone: bob sees it, the CAI's staff do not."""
    retailer = Organization.objects.create(name="Example Retail Ltd.", country="CA")
    return investigation_open(
        actor=None,
        reference="P20-00002",
        title="Investigation of Example Retail Ltd.",
        summary="Loyalty-card data shared with an example marketing firm.",
        origin="complaint",
        opened_on=date(2020, 6, 1),
        lead_authority=ref.oipc_bc,
        respondents=[retailer],
        lead_statutes=[ref.pipa_bc],
    )


def test_investigator_finds_opens_and_records(
    page: Page,
    sign_in: SignIn,
    shot: Shot,
    bob: User,
    ref: Ref,
    joint_investigation: Investigation,
    bc_alone: Investigation,
) -> None:
    sign_in(page, bob)
    expect(page.get_by_role("heading", name="Investigations", level=1)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="investigations")).to_have_text("2 investigations")
    shot("investigations list")

    # Filter by an authority taking part, and search words of the title.
    search = page.get_by_role("search", name="Find investigations")
    search.get_by_label("Authority taking part", exact=True).select_option(label=f"OPC – {ref.opc.name}")
    search.get_by_label("Search").fill("example corp")
    search.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"authority=\d+"))
    expect(page.get_by_role("status").filter(has_text="investigation")).to_have_text("1 investigation")
    table = page.get_by_role("table", name=re.compile("Investigations you can see"))
    expect(table.get_by_role("row")).to_have_count(2)  # the header and one investigation
    expect(table).not_to_contain_text("P20-00002")
    shot("filtered by OPC and searched")

    table.get_by_role("link", name="PIPEDA-000001").click()
    expect(page.get_by_role("heading", name="Joint investigation of Example Corp.", level=1)).to_be_visible()
    participants = page.get_by_role("table", name=re.compile("Authorities taking part"))
    expect(participants).to_contain_text("OPC")
    expect(participants).to_contain_text("OIPC-BC")
    shot("joint investigation page")

    # Open a new investigation, with a respondent that is not on file yet.
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Investigations").click()
    page.get_by_role("link", name="Open an investigation").click()
    expect(page.get_by_role("heading", name="Open an investigation", level=1)).to_be_visible()
    field(page, "Reference").fill("P24-00101")
    field(page, "Title").fill("Investigation of Example Analytics Inc.")
    choose(page, "Origin", "complaint")
    field(page, "Opened on").fill("2024-03-04")
    field(page, "Summary").fill("A complaint about location data sold to an example broker.")
    page.get_by_role("checkbox", name=re.compile(r"^PIPA \(BC\)")).check()
    field(page, "Your authority's file number").fill("P24-00101")
    field(page, "New respondent's name").fill("Example Analytics Inc.")
    field(page, "New respondent's country").fill("ca")
    choose(page, "New respondent is a", "company")
    shot("open an investigation form")
    page.get_by_role("button", name="Open the investigation").click()

    page.wait_for_url("**/investigations/P24-00101/")
    expect(page.get_by_role("status").filter(has_text="is open")).to_contain_text("Investigation P24-00101 is open.")
    expect(page.get_by_role("heading", name="Investigation of Example Analytics Inc.", level=1)).to_be_visible()
    facts = page.get_by_role("region", name="Key facts")
    expect(facts).to_contain_text("Example Analytics Inc.")
    expect(facts).to_contain_text("CA")
    expect(page.get_by_role("region", name="Assigned staff")).to_contain_text("bob")
    shot("new investigation page")

    # An event on the timeline.
    page.get_by_role("link", name="Add an event").click()
    field(page, "Date").fill("2024-03-04")
    choose(page, "Kind", "investigation launched")
    field(page, "What happened").fill("The commissioner opened the file on the complaint.")
    field(page, "Source").fill("https://example.org/news/2024-03-04")
    page.get_by_role("button", name="Add the event").click()
    page.wait_for_url("**/investigations/P24-00101/")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("The commissioner opened the file on the complaint.")
    expect(timeline).to_contain_text("Investigation launched")
    shot("event added")

    # The OPC joins and applies PIPEDA: now there is a statute that OIPC-BC does not apply.
    page.get_by_role("link", name="Add an authority").click()
    choose(page, "Authority", f"OPC – {ref.opc.name}")
    choose(page, "Role", "joint")
    field(page, "Statutes it applies").select_option(label="PIPEDA (S.C. 2000, c. 5) – OPC")
    page.get_by_role("button", name="Add the authority").click()
    page.wait_for_url("**/investigations/P24-00101/")
    expect(page.get_by_role("table", name=re.compile("Authorities taking part"))).to_contain_text("PIPEDA")

    # Only the statutes the chosen authority applies here are offered: OIPC-BC does not apply PIPEDA
    # (the server refuses it too: tests/casework/test_views.py). A finding without its statute is
    # refused, on the statute field.
    page.get_by_role("link", name="Record a finding").click()
    expect(page.get_by_role("heading", name="Record a finding", level=1)).to_be_visible()
    statute = field(page, "Statute")
    expect(statute.locator("option", has_text="PIPEDA")).to_be_enabled()
    choose(page, "Authority", f"OIPC-BC – {ref.oipc_bc.name}")
    expect(statute.locator("option", has_text="PIPEDA")).to_be_disabled()
    expect(statute.locator("option", has_text="PIPEDA")).to_be_hidden()
    field(page, "Issue").fill("consent")
    choose(page, "Conclusion", "well-founded")
    field(page, "Issued on").fill("2024-09-30")
    page.get_by_role("button", name="Record the finding").click()

    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("Nothing was saved")
    expect(errors.get_by_role("link", name="Statute")).to_be_visible()
    statute = field(page, "Statute")
    expect(statute).to_have_attribute("aria-invalid", "true")
    # The error is tied to the field: a screen reader reads it with the field.
    expect(statute).to_have_accessible_description(re.compile(re.escape("This field is required.")))
    # What was typed is kept.
    expect(field(page, "Issue")).to_have_value("consent")
    shot("finding refused on the statute field")

    statute.select_option(label="PIPA (BC) (S.B.C. 2003, c. 63)")
    page.get_by_role("button", name="Record the finding").click()
    page.wait_for_url("**/investigations/P24-00101/")
    expect(page.get_by_role("status").filter(has_text="finding")).to_contain_text("The finding was recorded.")
    findings = page.get_by_role("region", name="Findings")
    expect(findings).to_contain_text("PIPA (BC): consent")
    expect(findings).to_contain_text("Well-founded")
    shot("finding recorded")


def test_another_authority_gets_not_found(
    page: Page, sign_in: SignIn, shot: Shot, dave: User, bc_alone: Investigation
) -> None:
    """A CAI manager who types the address of an OIPC-BC investigation gets the 404 page, which says nothing of it."""
    sign_in(page, dave)
    expect(page.get_by_role("table", name=re.compile("Investigations you can see"))).to_have_count(0)

    response = page.goto(f"/investigations/{bc_alone.reference}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found", level=1)).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text(bc_alone.title)
    expect(page).not_to_have_title(re.compile(bc_alone.title))
    shot("not found")

    page.get_by_role("link", name="Back to the investigations").click()
    expect(page.get_by_role("heading", name="Investigations", level=1)).to_be_visible()
