"""The header's user menu (templates/base.html): the account's pages and signing out are inside it."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


def user_menu(page: Page) -> Locator:
    """The user menu's button: the signed-in person's name, read after "Your account"."""
    return page.locator("#user-menu")


def open_user_menu(page: Page) -> Locator:
    """Open the user menu (if it is not open) and return its list of links."""
    button = user_menu(page)
    if button.get_attribute("aria-expanded") != "true":
        button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    menu = page.locator("ul.user-menu")
    expect(menu).to_be_visible()
    return menu


def sign_out(page: Page) -> None:
    open_user_menu(page).get_by_role("button", name="Sign out").click()
