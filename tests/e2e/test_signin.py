"""Signing in, in a real browser: turning on two-factor sign-in, signing in with a code, and pages that keep to the CSP.

Personas (tests/conftest.py): bob is an OIPC-BC investigator, carol OIPC-BC legal staff, root a
superuser; erin, made here, is OIPC-BC's manager. The authenticator app is played by
django_otp.oath.totp, fed the key the page shows as text.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django_otp.oath import totp
from playwright.sync_api import ConsoleMessage, Page, expect

from casework.models import Investigation, User
from orders.models import Order
from tests.conftest import Ref, _user
from tests.e2e.helpers import field
from tests.e2e.menu import open_user_menu
from tests.orders.conftest import bc_order  # noqa: F401 - the fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Shot = Callable[[str], Path]
SignIn = Callable[[Page, User], Page]


def app_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app given ``secret`` (base32, as the page shows it) displays."""
    key = secret.replace(" ", "")
    return f"{totp(base64.b32decode(key + '=' * (-len(key) % 8)), drift=steps_ahead):06d}"


@pytest.fixture
def csp_violations(page: Page) -> Iterator[list[str]]:
    """What the browser refused because of the Content-Security-Policy, as it says in the console."""
    refused: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", listen)
    yield refused


def test_a_person_turns_on_two_factor_sign_in_and_signs_in_with_a_code(
    page: Page, sign_in: SignIn, shot: Shot, bob: User, csp_violations: list[str]
) -> None:
    sign_in(page, bob)
    open_user_menu(page)
    page.get_by_role("link", name="Security").click()
    expect(page.get_by_role("heading", name="Sign-in and security", level=1)).to_be_visible()
    expect(page.locator("#two-factor-state")).to_contain_text("Off")
    expect(page.locator("svg.qr-code")).to_be_visible()
    secret = page.locator("#two-factor-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret)
    shot("enrolment")

    field(page, "Code from your authenticator app").fill(app_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("status")).to_contain_text("Two-factor sign-in is on")
    expect(page.locator("#two-factor-state")).to_contain_text("On: signing in asks for your password")
    shot("turned on")

    open_user_menu(page)
    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    field(page, "Username").fill("bob")
    field(page, "Password").fill("password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your code", level=1)).to_be_visible()
    shot("code step")
    # The code just used is refused; the app's next one (30 s on) is accepted.
    field(page, "Code from your authenticator app").fill(app_code(secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    page.wait_for_timeout(1100)  # after a wrong code, the app's device waits a second before the next try
    field(page, "Code from your authenticator app").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/investigations/$"))
    open_user_menu(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    shot("signed in")
    assert csp_violations == []


def test_the_pages_with_scripts_and_pictures_keep_to_the_content_security_policy(
    page: Page,
    sign_in: SignIn,
    shot: Shot,
    ref: Ref,
    root: User,
    joint_investigation: Investigation,
    bc_order: Order,  # noqa: F811 - the fixture imported above
    csp_violations: list[str],
) -> None:
    erin = _user("erin", ref.oipc_bc, is_manager=True)
    sign_in(page, erin)
    page.goto("/dashboard/")
    expect(page.locator("#canvas-weeks")).to_have_attribute("data-drawn", "true")
    shot("dashboard")
    page.goto(f"/investigations/{joint_investigation.reference}/")
    expect(page.get_by_role("img", name=re.compile("Timeline of the investigation"))).to_be_visible()
    shot("investigation with its timeline")
    page.goto("/api/docs/")
    expect(page.locator("#swagger-ui .info")).to_be_visible()
    shot("api docs")
    # The admin site signs in through the same page.
    page.goto("/")
    open_user_menu(page)
    page.get_by_role("button", name="Sign out").click()
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/admin/$"))
    field(page, "Username").fill("root")
    field(page, "Password").fill("password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Reference data, users and cases")).to_be_visible()
    shot("admin")
    assert csp_violations == []
