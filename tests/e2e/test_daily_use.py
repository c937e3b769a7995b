"""A legal officer's and a manager's day, in English and in French, at a laptop's width and a tablet's.

Personas (tests/conftest.py): carol is OIPC-BC legal staff; erin, made here, is OIPC-BC's
manager. OIPC-BC issues in English and French here, and every term has both texts.
On every main page axe-core (vendored, static/vendor/axe-core/) must find no violation
rated serious or critical; each step leaves a screenshot under test-results/e2e/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from casework.models import Finding, Investigation, User
from casework.services import finding_record
from orders import services
from orders.deadlines import local_today
from orders.models import Deadline, Order
from tests.conftest import Ref, _user
from tests.e2e.axe import serious_violations
from tests.e2e.menu import open_user_menu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Shot = Callable[[str], Path]
SignIn = Callable[[Page, User], Page]

LAPTOP = {"width": 1366, "height": 800}
TABLET = {"width": 768, "height": 1024}

TERMS = {
    "P26-01": [
        ("Cease collecting images of individuals in British Columbia.", "Cesser de recueillir des images en C.-B."),
        ("Report to the Commissioner on the steps taken.", "Rendre compte au commissaire des mesures prises."),
        ("Name a privacy officer.", "Désigner un responsable de la protection des renseignements."),
    ],
    "P26-02": [("Delete the images already collected.", "Supprimer les images déjà recueillies.")],
}
WORDS = {
    "en": {
        "language": "English",
        "orders": "Orders",
        "deadlines": "My deadlines",
        "dashboard": "Dashboard",
        "term": "Cease collecting images",
        "held": "Overdue, held by a court",
        "act": r"^Overdue:\s+to act on$",
        "unknown": "matches nothing",
        "refusal": "already met",
        "status": "Change the status",
    },
    "fr": {
        "language": "Français",
        "orders": "Ordonnances",
        "deadlines": "Mes échéances",
        "dashboard": "Tableau de bord",
        "term": "Cesser de recueillir des images",
        "held": "En retard, suspendus par un tribunal",
        "act": r"^En retard\s*:\s*à traiter$",
        "unknown": "ne correspond à rien",
        "refusal": "déjà respecté",
        "status": "Changer le statut",
    },
}


def bc_today(ref: Ref) -> date:
    return local_today(timezone.now(), ref.bc.time_zone)


@pytest.fixture
def day(ref: Ref, joint_investigation: Investigation, carol: User) -> dict[str, Order]:
    """OIPC-BC, bilingual: P26-01 (one term overdue, one coming, one met), P26-02 (overdue, under judicial
    review), P26-03 (a draft)."""
    ref.oipc_bc.issues_in = ["en", "fr"]
    ref.oipc_bc.name_fr = "Commissariat à l’information et à la protection de la vie privée de la C.-B."
    ref.oipc_bc.save(update_fields=["issues_in", "name_fr"])
    ref.pipa_bc.title_fr = "Loi sur la protection des renseignements personnels"
    ref.pipa_bc.save(update_fields=["title_fr"])
    finding_record(
        actor=None,
        investigation=joint_investigation,
        authority=ref.oipc_bc,
        statute=ref.pipa_bc,
        issue="consent",
        conclusion=Finding.Conclusion.WELL_FOUNDED,
        issued_on=date(2021, 2, 2),
    )
    today = bc_today(ref)
    orders = {}
    for number, issued_ago, dues in (("P26-01", 60, (-10, 20, 5)), ("P26-02", 90, (-30,))):
        order = services.order_draft(
            actor=carol,
            investigation=joint_investigation,
            authority=ref.oipc_bc,
            number=number,
            legal_basis="PIPA (BC) s. 52",
            recitals="The Commissioner found that the images were collected without consent.",
            recitals_fr="Le commissaire a conclu que les images avaient été recueillies sans consentement.",
        )
        for (text, text_fr), due in zip(TERMS[number], dues, strict=True):
            services.term_add(
                actor=carol,
                order=order,
                text=text,
                text_fr=text_fr,
                deadline_rule={"rule": "fixed", "date": (today + timedelta(days=due)).isoformat()},
            )
        orders[number] = services.order_issue(actor=carol, order=order, issued_on=today - timedelta(days=issued_ago))
    met = Deadline.objects.get(term__order=orders["P26-01"], term__number=3)
    services.deadline_close(actor=carol, deadline=met, status="met", on=today, reason="Named.")
    services.order_set_status(actor=carol, order=orders["P26-02"], status="under_judicial_review", reason="Filed.")
    orders["P26-03"] = services.order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="P26-03", legal_basis="s. 52"
    )
    return orders


def choose_language(page: Page, language: str) -> None:
    """Switch with the header's language buttons (the choice is kept for the next pages)."""
    group = page.get_by_role("group", name=re.compile("^(Language|Langue)$"))
    group.get_by_role("button", name=WORDS[language]["language"]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def accessible(page: Page) -> None:
    problems = serious_violations(page)
    assert problems == [], "axe-core found serious or critical violations:\n" + "\n".join(problems)


def visit(page: Page, url: str, shot: Shot, what: str) -> None:
    """Open ``url``, check it with axe, take its picture."""
    page.goto(url)
    expect(page.locator("h1")).to_have_count(1)
    accessible(page)
    shot(what)


def header_fits_one_line(page: Page) -> None:
    """The brand, the links, the languages, the bell and the user menu share one row of the header."""
    tops = page.evaluate(
        """() => [...document.querySelectorAll(
            '.app-header .navbar-brand, .app-header .nav-link, .language-switch .btn, #notification-bell, #user-menu'
        )].map((element) => Math.round(element.getBoundingClientRect().top + element.offsetHeight / 2))"""
    )
    assert len(tops) >= 7 and max(tops) - min(tops) <= 6, tops
    assert page.evaluate("() => document.querySelector('.app-header').offsetHeight") < 80


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 1, f"the page scrolls sideways by {width} px at {page.viewport_size}"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_legal_officers_day_on_the_orders_pages(
    page: Page, sign_in: SignIn, shot: Shot, carol: User, day: dict[str, Order], language: str
) -> None:
    words = WORDS[language]
    page.set_viewport_size(LAPTOP)
    sign_in(page, carol)
    choose_language(page, language)
    header_fits_one_line(page)

    # The user menu: who is signed in, and the account's pages.
    menu = open_user_menu(page)
    expect(menu).to_contain_text("carol")
    expect(menu).to_contain_text("OIPC-BC")
    expect(menu.get_by_role("link")).to_have_count(4)  # preferences, API token, security, password
    shot("user menu")
    page.keyboard.press("Escape")

    nav = page.get_by_role("navigation", name=re.compile("navigation", re.IGNORECASE))
    nav.get_by_role("link", name=words["orders"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["orders"])
    accessible(page)
    shot("orders")

    # Links name the authority by its code; an unknown one says so and lists nothing.
    page.goto("/orders/?authority=oipc-bc")
    expect(page.locator("#orders tbody tr")).to_have_count(3)
    expect(page.locator("#id_authority")).to_have_value("OIPC-BC")
    page.goto("/orders/?authority=OIPC-XX")
    expect(page.locator("#filter-errors")).to_contain_text(words["unknown"])
    expect(page.locator("#orders")).to_have_count(0)
    accessible(page)
    shot("unknown authority")

    # The order: one choice of the moves allowed now, one button.
    visit(page, "/orders/OIPC-BC/P26-01/", shot, "order")
    status = page.get_by_role("region", name=re.compile(rf"^{words['status']}"))
    expect(status.get_by_role("button")).to_have_count(1)
    options = status.locator("select option")
    expect(options).to_have_count(8)  # "Choose…" and the seven moves an issued order may make

    # A met deadline's close form explains itself instead of refusing on submit.
    visit(page, "/orders/OIPC-BC/P26-01/terms/3/close/", shot, "met deadline close form")
    expect(page.get_by_role("alert")).to_contain_text(words["refusal"])
    expect(page.locator("form button[type=submit]", has_text=re.compile("Close|Clore|Fermer"))).to_have_count(0)

    visit(page, "/orders/OIPC-BC/P26-01/history/", shot, "order history")
    visit(page, "/orders/OIPC-BC/P26-01/issue/", shot, "issue page of an issued order")

    nav.get_by_role("link", name=words["deadlines"]).click()
    expect(page.locator("#deadlines")).to_contain_text(words["term"])
    accessible(page)
    shot("my deadlines")

    visit(page, "/orders/deadlines/?authority=OIPC-BC", shot, "deadlines list")
    expect(page.locator("#deadline-list")).to_contain_text(words["term"])

    open_user_menu(page).get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    accessible(page)
    shot("preferences")

    # A tablet: the links fold into the menu button; the bell and the user menu stay in view.
    page.set_viewport_size(TABLET)
    page.goto("/orders/OIPC-BC/P26-01/")
    expect(page.locator("#user-menu")).to_be_visible()
    expect(page.locator("#notification-bell")).to_be_visible()
    no_sideways_scroll(page)
    accessible(page)
    shot("order at 768 px")
    for url in ("/orders/", "/orders/deadlines/", "/orders/deadlines/mine/", "/investigations/"):
        page.goto(url)
        no_sideways_scroll(page)
    shot("investigations at 768 px")
    page.goto("/orders/OIPC-BC/P26-01/")
    page.get_by_role("button", name=re.compile("menu", re.IGNORECASE)).click()
    expect(page.locator("#main-menu.show")).to_be_visible()  # unfolded, its transition over
    expect(nav.get_by_role("link", name=words["dashboard"])).to_be_visible()
    expect(page.get_by_role("group", name=re.compile("^(Language|Langue)$"))).to_be_visible()
    shot("menu open at 768 px")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_managers_day_on_the_dashboard(
    page: Page, sign_in: SignIn, shot: Shot, ref: Ref, day: dict[str, Order], language: str
) -> None:
    words = WORDS[language]
    erin = _user("erin", ref.oipc_bc, is_manager=True)
    page.set_viewport_size(LAPTOP)
    sign_in(page, erin)
    choose_language(page, language)
    header_fits_one_line(page)

    page.get_by_role("link", name=words["dashboard"]).click()
    for key in ("weeks", "status", "compliance"):
        expect(page.locator(f"#canvas-{key}")).to_have_attribute("data-drawn", "true")
    # The period that applies is in its fields.
    today = bc_today(ref)
    expect(page.locator("#id_end")).to_have_value(today.isoformat())
    expect(page.locator("#id_start")).to_have_value((today - timedelta(days=364)).isoformat())
    # Overdue: what staff can act on, apart from what a court holds.
    act = page.get_by_role("region", name=re.compile(words["act"]))
    held = page.get_by_role("region", name=words["held"])
    expect(act).to_contain_text("P26-01")
    expect(act).not_to_contain_text("P26-02")
    expect(held).to_contain_text("P26-02")
    expect(act).to_contain_text(words["term"])
    accessible(page)
    shot("dashboard")

    page.locator("#figure-overdue").click()
    page.wait_for_url(re.compile(r"overdue=yes"))
    expect(page.locator("#deadline-list tbody tr")).to_have_count(2)
    accessible(page)
    shot("overdue deadlines")

    page.set_viewport_size(TABLET)
    page.goto("/dashboard/")
    expect(page.locator("#canvas-status")).to_have_attribute("data-drawn", "true")
    no_sideways_scroll(page)
    accessible(page)
    shot("dashboard at 768 px")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_casework_pages_pass_axe(
    page: Page,
    sign_in: SignIn,
    shot: Shot,
    carol: User,
    day: dict[str, Order],
    joint_investigation: Investigation,
    language: str,
) -> None:
    page.set_viewport_size(LAPTOP)
    sign_in(page, carol)
    choose_language(page, language)
    reference = joint_investigation.reference
    visit(page, "/investigations/", shot, "investigations")
    visit(page, f"/investigations/{reference}/", shot, "investigation")
    visit(page, f"/investigations/{reference}/history/", shot, "investigation history")
    visit(page, "/notifications/", shot, "notifications")
    visit(page, "/accounts/two-factor/", shot, "security")
    visit(page, "/accounts/api-token/", shot, "api token")
    visit(page, "/orders/exports/", shot, "exports")
