"""Switching the interface to French from the navigation bar, and back."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from casework.models import Investigation, User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Shot = Callable[[str], Path]
SignIn = Callable[[Page, User], Page]


def test_switch_to_french_and_back(
    page: Page, sign_in: SignIn, shot: Shot, bob: User, joint_investigation: Investigation
) -> None:
    sign_in(page, bob)  # the browser asks for English (en-CA)
    page.get_by_role("link", name=joint_investigation.reference).click()
    page.wait_for_url(f"**/investigations/{joint_investigation.reference}/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    languages = page.get_by_role("group", name=re.compile("^(Language|Langue)$"))  # named in the page's language
    french = languages.get_by_role("button", name="Français")
    expect(french).to_have_attribute("lang", "fr")  # the name is read in French
    expect(french).to_have_attribute("aria-pressed", "false")

    french.click()
    # The same page again, now in French.
    page.wait_for_url(f"**/investigations/{joint_investigation.reference}/")
    expect(html).to_have_attribute("lang", "fr")
    expect(languages.get_by_role("button", name="Français")).to_have_attribute("aria-pressed", "true")
    expect(languages.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "false")
    # The interface is in French (the committed catalogue), and so are the dates: opened on 2020-02-21.
    nav = page.get_by_role("navigation", name=re.compile("navigation", re.IGNORECASE))
    expect(nav.get_by_role("link", name="Enquêtes")).to_be_visible()
    expect(nav.get_by_role("link", name="Investigations", exact=True)).to_have_count(0)
    expect(page.get_by_role("region", name=re.compile("facts|faits", re.IGNORECASE))).to_contain_text("21 février 2020")
    shot("investigation in French")

    # The choice stays for the next pages.
    nav.get_by_role("link", name="Enquêtes").click()
    page.wait_for_url("**/investigations/")
    expect(html).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquêtes")

    languages.get_by_role("button", name="English").click()
    page.wait_for_url("**/investigations/")
    expect(html).to_have_attribute("lang", "en")
