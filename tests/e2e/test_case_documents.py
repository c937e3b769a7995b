"""Issue 12 in a real browser: an OIPC-BC investigator files a letter and a photo in the Clearview case, finds the
letter by a word of its text from the investigations list, corrects a finding and withdraws an event; a user of
an authority that takes no part gets 404 for every file.

Personas (tests/conftest.py): bob, an OIPC-BC investigator; an OAIC investigator made here (Australia's
commissioner, not part of this Canadian investigation).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from casework import services
from casework.documents.services import document_text_extract
from casework.models import Authority, CaseDocument, DocumentVersion, Finding, Investigation, Jurisdiction, User
from tests.casework.files import pdf_with_text, png_image
from tests.conftest import Ref
from tests.e2e.helpers import choose, field

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Shot = Callable[[str], Path]
SignIn = Callable[[Page, User], Page]


@pytest.fixture
def clearview(ref: Ref, bob: User) -> Investigation:
    """The joint investigation of Clearview AI (the OPC leading, OIPC-BC joining), bob assigned, with its
    launch, the company's departure from Canada, and BC's finding recorded with the wrong conclusion."""
    investigation = services.investigation_open(
        actor=None,
        reference="PIPEDA-039525",
        title="Joint investigation of Clearview AI, Inc.",
        summary="Scraping of billions of facial images from the internet to build a facial recognition tool.",
        origin="commissioner_initiated",
        opened_on=date(2020, 2, 21),
        lead_authority=ref.opc,
        respondents=[ref.clearview],
        lead_statutes=[ref.pipeda],
        lead_file_number="PIPEDA-039525",
        assign_actor=False,
    )
    services.participation_add(
        actor=None,
        investigation=investigation,
        authority=ref.oipc_bc,
        role="joint",
        statutes=[ref.pipa_bc],
        file_number="P20-81997",
    )
    services.investigation_set_assignees(actor=None, investigation=investigation, assignees=[bob])
    services.event_add(
        actor=None,
        investigation=investigation,
        date=date(2020, 2, 21),
        kind="launched",
        summary="The four commissioners open a joint investigation.",
    )
    services.event_add(
        actor=None,
        investigation=investigation,
        date=date(2020, 7, 6),
        kind="respondent_action",
        summary="Clearview AI stops offering its service in Canada.",
    )
    services.event_add(
        actor=None,
        investigation=investigation,
        date=date(2020, 7, 6),
        kind="respondent_action",
        summary="Clearview AI stops offering its service in Canada (entered twice).",
    )
    services.finding_record(
        actor=None,
        investigation=investigation,
        authority=ref.oipc_bc,
        statute=ref.pipa_bc,
        issue="consent",
        conclusion="not_well_founded",
        issued_on=date(2021, 2, 2),
        report_reference="PIPEDA Findings #2021-001",
    )
    return investigation


@pytest.fixture
def oaic_investigator(db: None) -> User:
    australia = Jurisdiction.objects.create(
        code="AU", name_en="Australia", time_zone="Australia/Sydney", official_languages=["en"]
    )
    oaic = Authority.objects.create(
        code="OAIC", name_en="Office of the Australian Information Commissioner", jurisdiction=australia
    )
    user = User(username="oaic.investigator", authority=oaic, is_investigator=True)
    user.set_password("password")
    user.save()
    return user


def test_an_investigator_files_finds_corrects_and_withdraws(
    page: Page,
    sign_in: SignIn,
    shot: Shot,
    tmp_path: Path,
    settings: Any,
    ref: Ref,
    bob: User,
    oaic_investigator: User,
    clearview: Investigation,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    letter_file = tmp_path / "Letter from counsel 2020-07-06.pdf"
    letter_file.write_bytes(
        pdf_with_text(
            "Letter from counsel for Clearview AI, Inc.",
            "Our client has withdrawn from Canada and declines to delete",
            "the biometric arrays it holds.",
        )
    )
    photo_file = tmp_path / "search-page.png"
    photo_file.write_bytes(png_image(320, 180))

    sign_in(page, bob)
    # Home: the cases assigned to me.
    page.goto("/")
    expect(page.get_by_role("heading", name="Your work", level=1)).to_be_visible()
    mine = page.get_by_role("table", name=re.compile("Open investigations assigned to you"))
    expect(mine).to_contain_text("PIPEDA-039525")
    expect(page.get_by_role("heading", name="Your next order deadlines")).to_be_visible()
    shot("home: assigned to me")
    mine.get_by_role("link", name="PIPEDA-039525").click()
    expect(page.get_by_role("heading", name="Joint investigation of Clearview AI, Inc.", level=1)).to_be_visible()

    # The letter, as the respondent's counsel sent it.
    documents = page.get_by_role("region", name="Documents")
    expect(documents).to_contain_text("No documents yet.")
    documents.get_by_role("link", name="Add a document").click()
    expect(page.get_by_role("heading", name="Add a document", level=1)).to_be_visible()
    field(page, "File").set_input_files(letter_file)
    choose(page, "Kind", "correspondence received")
    field(page, "Title").fill("Letter from counsel for Clearview AI")
    field(page, "Date of the document").fill("2020-07-06")
    field(page, "Author or sender").fill("Counsel for Clearview AI, Inc.")
    choose(page, "Confidentiality mark", "confidential")
    shot("add the letter")
    page.get_by_role("button", name="Upload and add").click()
    page.wait_for_url(re.compile(r"/investigations/PIPEDA-039525/documents/\d+/$"))
    expect(page.get_by_role("status").filter(has_text="added")).to_contain_text(
        "“Letter from counsel for Clearview AI” was added to the case file."
    )
    versions = page.get_by_role("table", name="The document's versions, newest first")
    expect(versions).to_contain_text("Letter from counsel 2020-07-06.pdf")
    expect(versions).to_contain_text("application/pdf")
    letter = CaseDocument.objects.get(title="Letter from counsel for Clearview AI")
    version = letter.versions.get()
    expect(versions).to_contain_text(version.sha256)
    expect(versions).to_contain_text("Waiting to be read")
    shot("the letter's page")

    # The worker's part: the letter's text is read for the search.
    read = document_text_extract(version_id=version.pk)
    assert read is not None and read.text_status == "done", read and read.text_error

    # The photo, as evidence.
    page.get_by_role("link", name="PIPEDA-039525").first.click()
    page.get_by_role("region", name="Documents").get_by_role("link", name="Add a document").click()
    field(page, "File").set_input_files(photo_file)
    choose(page, "Kind", "evidence")
    field(page, "Title").fill("Screenshot of the search page")
    field(page, "Date of the document").fill("2020-02-21")
    page.get_by_role("button", name="Upload and add").click()
    page.wait_for_url(re.compile(r"/documents/\d+/$"))
    photo = CaseDocument.objects.get(title="Screenshot of the search page")
    page.get_by_role("link", name="PIPEDA-039525").first.click()
    documents = page.get_by_role("region", name="Documents")
    expect(documents.get_by_role("row")).to_have_count(3)  # the header and two documents
    expect(documents).to_contain_text("Confidential")
    expect(documents).to_contain_text("search-page.png")
    documents.scroll_into_view_if_needed()
    shot("the case file with two documents")

    # The image opens in the browser (inline), the letter too; both with nosniff.
    for document in (letter, photo):
        response = page.request.get(f"/investigations/PIPEDA-039525/documents/{document.pk}/versions/1/download/")
        assert response.status == 200
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-disposition"].startswith("inline")
    page.goto(f"/investigations/PIPEDA-039525/documents/{photo.pk}/versions/1/download/")
    shot("the photo opened")
    page.go_back()

    # Found by a word of the letter's text, from the investigations list.
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Investigations").click()
    search = page.get_by_role("search", name="Find investigations")
    search.get_by_label("Search").fill("biometric")
    search.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"q=biometric"))
    expect(page.get_by_role("status").filter(has_text="investigation")).to_have_text("1 investigation")
    table = page.get_by_role("table", name=re.compile("Investigations you can see"))
    expect(table).to_contain_text("PIPEDA-039525")
    shot("found by a word of the letter")
    search = page.get_by_role("search", name="Find investigations")
    search.get_by_label("Search").fill("zeppelin")
    search.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status").filter(has_text="investigation")).to_have_text("0 investigations")
    page.goto("/investigations/?q=biometric")
    page.get_by_role("table", name=re.compile("Investigations you can see")).get_by_role(
        "link", name="PIPEDA-039525"
    ).click()

    # Correct BC's finding: the report found it well-founded.
    findings = page.get_by_role("region", name="Findings")
    findings.get_by_role("link", name="Correct the finding on consent").click()
    expect(page.get_by_role("heading", name="Correct a finding", level=1)).to_be_visible()
    expect(field(page, "Issue")).to_have_value("consent")
    choose(page, "Conclusion", "well-founded")
    field(page, "Why the correction").fill("The report of findings says well-founded.")
    shot("correct a finding")
    page.get_by_role("button", name="Save the correction").click()
    page.wait_for_url("**/investigations/PIPEDA-039525/")
    expect(page.get_by_role("status").filter(has_text="corrected")).to_contain_text("The finding was corrected.")
    expect(page.get_by_role("region", name="Findings")).to_contain_text("Well-founded")
    assert Finding.objects.get(participation__investigation=clearview).conclusion == "well_founded"

    # Withdraw the event entered twice.
    timeline = page.get_by_role("region", name="Timeline")
    twice = timeline.get_by_role("listitem").filter(has_text="entered twice")
    twice.get_by_role("link", name=re.compile("^Withdraw")).click()
    expect(page.get_by_role("heading", name="Withdraw an event", level=1)).to_be_visible()
    field(page, "Why withdraw it").fill("Entered twice: the same departure.")
    page.get_by_role("button", name="Withdraw").click()
    page.wait_for_url(re.compile(r"/investigations/PIPEDA-039525/#withdrawn-heading$"))
    expect(page.get_by_role("region", name="Timeline")).not_to_contain_text("entered twice")
    withdrawn = page.get_by_role("region", name="Withdrawn from the case")
    expect(withdrawn).to_contain_text("entered twice")
    expect(withdrawn).to_contain_text("Entered twice: the same departure.")
    expect(withdrawn).to_contain_text("Withdrawn by bob")
    expect(withdrawn.get_by_role("link", name=re.compile("^Restore"))).to_be_visible()
    shot("the event withdrawn, kept and restorable")
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text("withdrawn: Entered twice: the same departure.")
    expect(history).to_contain_text("corrected: The report of findings says well-founded.")
    history.scroll_into_view_if_needed()
    shot("the history says who, when and why")

    # Another authority's investigator: every file, every document page, 404.
    page.context.clear_cookies()  # signed out
    sign_in(page, oaic_investigator)
    urls = [
        f"/investigations/PIPEDA-039525/documents/{document.pk}/{suffix}"
        for document in (letter, photo)
        for suffix in ("", "versions/1/download/")
    ]
    for url in urls:
        assert page.request.get(url).status == 404, url
    response = page.goto(urls[1])
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Not found", level=1)).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Clearview")
    shot("another authority: not found")
    assert DocumentVersion.objects.count() == 2
