"""An investigator's day on the demo data, in English and in French; axe-core and a tablet's width on every
main page, as each kind of demo user.

bc.investigator (Bianca Bains, OIPC-BC) lists the investigations by an authority's code, opens the
Clearview case, jumps through its table of contents and folds a section, adds an authority taking
part with the statutes it enforces (the only ones offered once it is chosen), assigns a colleague
and opens an investigation by typing names in the searchable choices, records an event, and
switches language. Each step is checked with axe-core (serious and critical violations fail) and
leaves a screenshot under test-results/e2e/.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils.translation import gettext, override
from playwright.sync_api import Browser, Page, expect

from casework.models import Authority, Statute, User
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_daily_use import LAPTOP, TABLET, accessible, choose_language, no_sideways_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Shot = Callable[[str], Path]

CLEARVIEW = "PIPEDA-039525"
OTHER = {"en": "fr", "fr": "en"}


@pytest.fixture
def demo() -> None:
    """The demo data (seed_demo), its users given the personas' password."""
    call_command("seed_demo", stdout=StringIO())
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


def words(language: str) -> Callable[[str], str]:
    """The page's words in ``language``, from the compiled catalogue (a string it lacks stays English)."""

    def translate(text: str) -> str:
        with override(language):
            return gettext(text)

    return translate


def sign_in(page: Page, username: str) -> None:
    """Through the sign-in page, as a demo user (named in the header by their full name)."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/investigations/$"))


@contextmanager
def step(page: Page, shot: Shot, what: str) -> Iterator[None]:
    yield
    accessible(page)
    shot(what)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_investigators_day(page: Page, shot: Shot, demo: None, language: str) -> None:
    t = words(language)
    page.set_viewport_size(LAPTOP)
    sign_in(page, "bc.investigator")
    choose_language(page, language)

    with step(page, shot, "investigations of OIPC-BC, by its code"):
        page.goto("/investigations/?authority=OIPC-BC")
        expect(page.get_by_role("link", name=CLEARVIEW)).to_be_visible()
    with step(page, shot, "an unknown code: a message, no rows"):
        page.goto("/investigations/?authority=NOPE")
        expect(page.get_by_role("alert")).to_contain_text(
            t("There is no authority with the code %(value)s.") % {"value": "NOPE"}
        )
        expect(page.get_by_role("link", name=CLEARVIEW)).to_have_count(0)

    page.goto("/investigations/?authority=oipc-bc")
    page.get_by_role("link", name=CLEARVIEW).click()
    page.wait_for_url(f"**/investigations/{CLEARVIEW}/")

    # The table of contents leads to each section; a folded section opens when its entry is followed.
    contents = page.get_by_role("navigation", name=re.compile("^(On this page|Sur cette page)$"))
    with step(page, shot, "Clearview, jumped to its findings"):
        contents.get_by_role("link", name=t("Findings"), exact=True).click()
        expect(page).to_have_url(re.compile("#findings-heading$"))
        expect(page.get_by_role("heading", name=t("Findings"), level=2)).to_be_in_viewport()
    timeline = page.get_by_role("button", name=t("Timeline"), exact=True)
    expect(timeline).to_have_attribute("aria-expanded", "true")
    timeline.click()
    expect(timeline).to_have_attribute("aria-expanded", "false")
    expect(page.locator("ol.timeline")).to_be_hidden()
    shot("the timeline folded")
    contents.get_by_role("link", name=t("Timeline"), exact=True).click()
    expect(timeline).to_have_attribute("aria-expanded", "true")
    expect(page.locator("ol.timeline")).to_be_visible()
    # Every section, the other apps' included, is listed, each leading to a heading of the page.
    for href in contents.get_by_role("link").evaluate_all("(links) => links.map((a) => a.getAttribute('href'))"):
        expect(page.locator(f"h2{href}")).to_have_count(1)

    # An authority joins: once it is chosen, only the statutes it enforces are offered.
    ontario = Authority.objects.get(code="IPC-ON")
    fippa_on = Statute.objects.get(enforced_by=ontario, short_name="FIPPA (Ontario)")
    page.get_by_role("link", name=t("Add an authority")).click()
    statutes = page.locator("#id_statutes")
    expect(statutes.locator("option:not([hidden])")).to_have_count(Statute.objects.count())
    page.locator("#id_authority").select_option(str(ontario.pk))
    expect(statutes.locator("option:not([hidden])")).to_have_count(ontario.statutes.count())
    with step(page, shot, "statutes of the chosen authority"):
        statutes.select_option(str(fippa_on.pk))
    page.get_by_role("button", name=t("Add the authority")).click()
    page.wait_for_url(f"**/investigations/{CLEARVIEW}/")
    expect(page.get_by_role("region", name=t("Authorities taking part"))).to_contain_text("IPC-ON")

    # A colleague is assigned by typing part of her name in the searchable choice.
    page.get_by_role("link", name=t("Assign staff")).first.click()
    staff = page.get_by_role("combobox", name=t("Assigned staff"))
    with step(page, shot, "a colleague found by typing"):
        staff.click()
        staff.press_sequentially("Bergs")
        # The list follows the typing (Tom Select filters as the letters come): the one match is active.
        expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(1)
        expect(page.get_by_role("option", name=re.compile("Ben Bergstrom"))).to_have_class(re.compile(r"\bactive\b"))
    staff.press("Enter")
    staff.press("Escape")
    page.get_by_role("button", name=t("Save the assignments")).click()
    page.wait_for_url(f"**/investigations/{CLEARVIEW}/")
    expect(page.get_by_role("region", name=t("Assigned staff"))).to_contain_text("Ben Bergstrom")

    # An event on the timeline.
    page.get_by_role("link", name=t("Add an event")).click()
    page.locator("#id_date").fill("2026-03-02")
    page.locator("#id_summary").fill("Clearview answers the commissioners' letter.")
    with step(page, shot, "an event being added"):
        pass
    page.get_by_role("button", name=t("Add the event")).click()
    page.wait_for_url(f"**/investigations/{CLEARVIEW}/")
    expect(page.get_by_role("region", name=t("Timeline"))).to_contain_text("Clearview answers the commissioners")

    # A new investigation, its respondent found by typing.
    page.goto("/investigations/")
    page.get_by_role("link", name=t("Open an investigation")).click()
    page.locator("#id_reference").fill("BC-2026-0042")
    page.locator("#id_title").fill("A police force's use of facial recognition")
    respondents = page.get_by_role("combobox", name=t("Respondents"))
    respondents.click()
    respondents.press_sequentially("Mounted")
    expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(1)
    expect(page.get_by_role("option", name="Royal Canadian Mounted Police")).to_have_class(re.compile(r"\bactive\b"))
    respondents.press("Enter")
    respondents.press("Escape")
    # Nothing found: the box says so.
    respondents.press_sequentially("zzqq")
    expect(page.locator(".ts-dropdown .no-results")).to_be_visible()
    with step(page, shot, "a new investigation's respondent chosen by typing"):
        respondents.press("Escape")
    page.get_by_role("button", name=t("Open the investigation")).click()
    page.wait_for_url("**/investigations/BC-2026-0042/")
    expect(page.get_by_role("region", name=t("Key facts"))).to_contain_text("Royal Canadian Mounted Police")

    # The other language, then the case at a tablet's width.
    page.goto(f"/investigations/{CLEARVIEW}/")
    choose_language(page, OTHER[language])
    expect(page).to_have_title(re.compile(re.escape(words(OTHER[language])("Case tracker")) + "$"))
    page.set_viewport_size(TABLET)
    no_sideways_scroll(page)
    with step(page, shot, "Clearview in the other language at 768 px"):
        pass


def _main_pages() -> dict[str, list[str]]:
    """Every main page, as the demo user who uses it."""
    case = f"/investigations/{CLEARVIEW}"
    order = "/orders/OIPC-BC/P21-08"
    return {
        "bc.investigator": [
            "/",
            "/investigations/",
            "/investigations/?authority=NOPE",
            f"{case}/",
            f"{case}/history/",
            "/investigations/new/",
            f"{case}/edit/",
            f"{case}/participants/add/",
            f"{case}/participants/OIPC-BC/edit/",
            f"{case}/events/add/",
            f"{case}/findings/add/",
            f"{case}/recommendations/add/",
            f"{case}/related/add/",
            f"{case}/assignees/",
            f"{case}/documents/add/",
            "/notifications/",
            "/accounts/preferences/",
            "/accounts/api-token/",
            "/accounts/two-factor/",
        ],
        "bc.legal": [
            "/orders/",
            "/orders/?authority=NOPE",
            f"{order}/",
            f"{order}/history/",
            "/orders/deadlines/",
            "/orders/deadlines/mine/",
            "/orders/exports/",
            "/orders/exports/new/",
            f"{case}/orders/new/",
        ],
        "bc.manager": ["/dashboard/", "/orders/deadlines/?held=yes"],
        "admin": ["/operations/"],
    }


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_main_page_passes_axe_and_fits_a_tablet(page: Page, shot: Shot, demo: None, language: str) -> None:
    for username, urls in _main_pages().items():
        page.context.clear_cookies()
        page.set_viewport_size(LAPTOP)
        sign_in(page, username)
        choose_language(page, language)
        for url in urls:
            for size in (LAPTOP, TABLET):
                page.set_viewport_size(size)
                response = page.goto(url)
                assert response is not None and response.status == 200, f"{url}: {response and response.status}"
                expect(page.locator("h1")).to_have_count(1)
                no_sideways_scroll(page)
                accessible(page)
            shot(f"{username} {url}")


def test_the_choices_work_without_javascript(browser: Browser, live_server: Any, demo: None) -> None:
    """Without JavaScript the searchable choices are plain multi-selects, labelled, and the forms work."""
    context = browser.new_context(base_url=live_server.url, locale="en-CA", java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "bc.investigator")
        page.goto(f"/investigations/{CLEARVIEW}/assignees/")
        staff = page.get_by_role("listbox", name="Assigned staff")
        expect(staff).to_be_visible()
        colleague = User.objects.get(username="bc.legal")
        chosen = User.objects.filter(username__in=["bc.investigator", "bc.legal"])
        staff.select_option([str(user.pk) for user in chosen])
        page.get_by_role("button", name="Save the assignments").click()
        page.wait_for_url(f"**/investigations/{CLEARVIEW}/")
        expect(page.get_by_role("region", name="Assigned staff")).to_contain_text(colleague.get_full_name())
        # Every statute is offered until the server hears of the authority; it refuses one it does not enforce.
        page.goto(f"/investigations/{CLEARVIEW}/participants/add/")
        ontario = Authority.objects.get(code="IPC-ON")
        page.locator("#id_authority").select_option(str(ontario.pk))
        pipeda = Statute.objects.get(code="PIPEDA")
        page.locator("#id_statutes").select_option(str(pipeda.pk))
        page.get_by_role("button", name="Add the authority").click()
        expect(page.get_by_role("alert")).to_contain_text(f"{ontario.name_en} does not enforce {pipeda.short_name}.")
    finally:
        context.close()
