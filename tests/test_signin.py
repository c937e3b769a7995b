"""Signing in, hardened: lockout, second factor, password reset and change, session limits, CSP, HTTPS, API throttles.

Personas (tests/conftest.py): ``carol`` (OIPC-BC legal), ``bob`` (OIPC-BC investigator), ``root``
(superuser). Their password is "password". Addresses: carol's office is 198.51.100.7, bob's
198.51.100.8; "mallory", who guesses, works from 203.0.113.66.

The suite's settings leave lockout, required roles, the idle limit and tight API rates off
(config/settings_test.py); each test here turns on what it is about.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings as SettingsWrapper
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from casework.models import User

LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"
TWO_FACTOR = "/accounts/two-factor/"
HOME = "/investigations/"
PASSWORD = "password"
CAROLS_OFFICE = "198.51.100.7"
BOBS_OFFICE = "198.51.100.8"
MALLORY = "203.0.113.66"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def browser(address: str = CAROLS_OFFICE) -> Client:
    return Client(REMOTE_ADDR=address)


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def signed_in(client: Client) -> bool:
    return client.get(HOME).status_code == 200


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or ``steps_ahead`` periods of 30 s later)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead):06d}"


def with_app(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)


@pytest.fixture
def lockout(settings: SettingsWrapper) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


@pytest.fixture
def required_roles(settings: SettingsWrapper) -> None:
    settings.TWO_FACTOR_REQUIRED_ROLES = ["legal", "administrator"]


@pytest.fixture
def frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


# --- Lockout ------------------------------------------------------------------------------------


def test_it_locks_an_account_after_the_failure_limit_and_refuses_the_right_password_until_the_cool_off(
    lockout: None, carol: User, frozen: time_machine.Traveller
) -> None:
    # Guesses from three addresses: the account's count is what locks it.
    assert sign_in(browser(MALLORY), "carol", "guess-1").status_code == 200  # the form again, with its error
    assert sign_in(browser("203.0.113.67"), "carol", "guess-2").status_code == 200
    locked = sign_in(browser("203.0.113.68"), "carol", "guess-3")
    assert locked.status_code == 429

    carols_browser = browser()
    refused = sign_in(carols_browser, "carol")
    assert refused.status_code == 429
    assert not signed_in(carols_browser)

    frozen.shift(timedelta(minutes=14))
    assert sign_in(carols_browser, "carol").status_code == 429
    frozen.shift(timedelta(minutes=1, seconds=1))
    assert sign_in(carols_browser, "carol")["Location"] == HOME
    assert signed_in(carols_browser)


def test_it_locks_an_address_out_whatever_the_usernames_it_tries(
    lockout: None, carol: User, bob: User, frozen: time_machine.Traveller
) -> None:
    mallory = browser(MALLORY)
    for username in ("carol", "bob", "nobody"):
        sign_in(mallory, username, "guess")
    # Bob's own password from that address is refused; from bob's office it works (his count is 1).
    assert sign_in(browser(MALLORY), "bob").status_code == 429
    assert sign_in(browser(BOBS_OFFICE), "bob").status_code == 302


def test_it_says_when_to_try_again(lockout: None, carol: User, frozen: time_machine.Traveller) -> None:
    for attempt in range(3):
        response = sign_in(browser(MALLORY), "carol", f"guess-{attempt}")
    page = response.content.decode()
    assert "Sign-in blocked for now" in page
    assert "Try again in 15 minutes, after 09:15 UTC" in page
    assert response["Retry-After"] == "900"


def test_it_does_not_extend_the_lockout_for_attempts_during_it(
    lockout: None, carol: User, frozen: time_machine.Traveller
) -> None:
    for attempt in range(3):
        sign_in(browser(MALLORY), "carol", f"guess-{attempt}")
    frozen.shift(timedelta(minutes=10))
    assert sign_in(browser(MALLORY), "carol", "guess-again").status_code == 429
    frozen.shift(timedelta(minutes=5, seconds=1))
    assert sign_in(browser(), "carol").status_code == 302


# --- The second factor ------------------------------------------------------------------------------


def test_it_enrols_an_authenticator_app_confirmed_with_a_code(client: Client, bob: User) -> None:
    client.force_login(bob)
    page = client.get(TWO_FACTOR).content.decode()
    assert "Off: your password alone signs you in" in page
    assert '<svg viewBox="' in page and 'class="qr-code"' in page  # drawn here, no image service
    device = TOTPDevice.objects.get(user=bob, confirmed=False)
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page)
    assert secret is not None
    key = secret.group(1).replace(" ", "")
    assert base64.b32decode(key + "=" * (-len(key) % 8)) == device.bin_key

    wrong = client.post(
        TWO_FACTOR, {"action": "confirm", "code": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=bob, confirmed=True).exists()

    device.refresh_from_db()
    device.throttle_reset()  # the wrong code above made the next try wait a second
    response = client.post(TWO_FACTOR, {"action": "confirm", "code": code_for(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=bob).confirmed
    # This session proved the app: it goes on without being asked for a code.
    page = client.get(TWO_FACTOR).content.decode()
    assert "On: signing in asks for your password, then for a code" in page
    assert signed_in(client)


def test_it_asks_for_a_code_after_the_password_once_an_app_is_on(client: Client, bob: User) -> None:
    device = with_app(bob)
    response = sign_in(client, "bob", next=HOME + "?status=open")
    assert response["Location"] == CODE
    assert not signed_in(client)

    page = client.get(CODE).content.decode()
    assert "Enter your code" in page and "bob" in page
    wrong = client.post(CODE, {"code": "12345"})
    assert "Enter the six digits the app shows." in wrong.content.decode()
    assert not signed_in(client)

    response = client.post(CODE, {"code": code_for(device)})
    assert response["Location"] == HOME + "?status=open"
    assert signed_in(client)


def test_it_refuses_a_code_already_used(bob: User) -> None:
    device = with_app(bob)
    first = browser()
    sign_in(first, "bob")
    code = code_for(device)
    first.post(CODE, {"code": code})
    assert signed_in(first)

    second = browser()
    sign_in(second, "bob")
    page = second.post(CODE, {"code": code}).content.decode()
    assert "That code is not right" in page
    assert not signed_in(second)


def test_it_makes_the_next_code_wait_after_a_wrong_one(
    client: Client, bob: User, frozen: time_machine.Traveller
) -> None:
    device = with_app(bob)
    sign_in(client, "bob")
    client.post(CODE, {"code": "000001"})
    page = client.post(CODE, {"code": code_for(device)}).content.decode()
    assert "Too many wrong codes: wait 1 second, then try again." in page
    assert not signed_in(client)
    frozen.shift(timedelta(seconds=2))
    assert client.post(CODE, {"code": code_for(device)})["Location"] == HOME


def test_it_counts_wrong_codes_with_the_failed_sign_ins(
    lockout: None, bob: User, frozen: time_machine.Traveller
) -> None:
    device = with_app(bob)
    client = browser(BOBS_OFFICE)
    sign_in(client, "bob")
    for attempt in range(3):
        device.refresh_from_db()
        device.throttle_reset()  # only the lockout is under test here, not the app's own delays
        response = client.post(CODE, {"code": f"99999{attempt}"})
    assert response.status_code == 429
    assert client.post(CODE, {"code": code_for(device)}).status_code == 429
    assert not signed_in(client)


def test_it_asks_for_the_password_again_five_minutes_after_it(
    client: Client, bob: User, frozen: time_machine.Traveller
) -> None:
    device = with_app(bob)
    sign_in(client, "bob")
    frozen.shift(timedelta(minutes=5, seconds=1))
    response = client.post(CODE, {"code": code_for(device)})
    assert response["Location"].startswith(LOGIN)
    assert not signed_in(client)


def test_it_sends_a_role_that_requires_it_to_enrolment_before_anything_else(
    required_roles: None, client: Client, carol: User, bob: User
) -> None:
    client.force_login(carol)
    response = client.get(HOME)
    assert response["Location"] == f"{TWO_FACTOR}?next=/investigations/"
    assert client.get(reverse("orders:list"))["Location"].startswith(TWO_FACTOR)
    page = client.get(response["Location"]).content.decode()
    assert "Your role requires two-factor sign-in: set it up to go on." in page

    device = TOTPDevice.objects.get(user=carol)
    response = client.post(TWO_FACTOR, {"action": "confirm", "code": code_for(device), "next": HOME})
    assert response["Location"] == HOME
    assert signed_in(client)

    # An investigator is not obliged (by default).
    investigator = Client()
    investigator.force_login(bob)
    assert signed_in(investigator)


def test_it_asks_a_session_signed_in_without_the_code_for_it(client: Client, bob: User) -> None:
    device = with_app(bob)
    client.force_login(bob)  # as the admin's own form would have, before /admin/login/ came here
    response = client.get(HOME)
    assert response["Location"] == f"{CODE}?next=/investigations/"
    response = client.post(response["Location"], {"code": code_for(device)})
    assert response["Location"] == HOME
    assert signed_in(client)


def test_the_admin_site_requires_the_second_factor(required_roles: None, client: Client, root: User) -> None:
    assert client.get("/admin/login/?next=/admin/casework/")["Location"] == f"{LOGIN}?next=/admin/casework/"
    client.force_login(root)
    assert client.get("/admin/")["Location"] == f"{TWO_FACTOR}?next=/admin/"

    device = with_app(root)
    client.force_login(root)
    assert client.get("/admin/")["Location"] == f"{CODE}?next=/admin/"
    client.post(f"{CODE}?next=/admin/", {"code": code_for(device)})
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_refuses_a_signed_in_person_without_staff_status(client: Client, bob: User) -> None:
    client.force_login(bob)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_it_removes_the_app_only_with_the_password(client: Client, bob: User) -> None:
    device = with_app(bob)
    sign_in(client, "bob")
    client.post(CODE, {"code": code_for(device)})

    page = client.post("/accounts/two-factor/remove/", {"password": "not-it"}).content.decode()
    assert "That is not your password." in page
    assert TOTPDevice.objects.filter(user=bob).exists()

    response = client.post("/accounts/two-factor/remove/", {"password": PASSWORD})
    assert response["Location"] == TWO_FACTOR
    assert not TOTPDevice.objects.filter(user=bob).exists()
    assert signed_in(client)
    client.logout()
    assert sign_in(client, "bob")["Location"] == HOME  # no code asked any more


def test_the_sign_in_page_says_when_two_factor_is_not_enforced(client: Client, settings: SettingsWrapper) -> None:
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    assert "Two-factor sign-in is not required on this server" in client.get(LOGIN).content.decode()
    settings.TWO_FACTOR_REQUIRED_ROLES = ["legal"]
    assert "Two-factor sign-in is not required" not in client.get(LOGIN).content.decode()


# --- Passwords ------------------------------------------------------------------------------------


def test_it_e_mails_a_reset_link_that_sets_a_new_password(client: Client, carol: User) -> None:
    User.objects.filter(pk=carol.pk).update(email="carol@oipc.example")
    response = client.post("/accounts/password-reset/", {"email": "carol@oipc.example"})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    message: Any = mail.outbox[0]
    assert message.to == ["carol@oipc.example"]
    assert message.subject == "Reset your password for the case tracker at testserver"
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", str(message.body))
    assert link is not None
    assert link.group(0) in message.alternatives[0][0]

    form = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "a-long-new-secret-7", "new_password2": "a-long-new-secret-7"}
    )
    assert done["Location"] == "/accounts/password-reset/done/"
    assert sign_in(Client(), "carol", "a-long-new-secret-7")["Location"] == HOME
    # The link works once.
    assert "This link does not work" in client.get(link.group(1), follow=True).content.decode()


def test_it_answers_the_same_whether_or_not_an_account_has_the_address(client: Client, carol: User) -> None:
    User.objects.filter(pk=carol.pk).update(email="carol@oipc.example")
    known = client.post("/accounts/password-reset/", {"email": "carol@oipc.example"}, follow=True)
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.org"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [("/accounts/password-reset/sent/", 302)]
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert csrf.sub("", known.content.decode()) == csrf.sub("", unknown.content.decode())
    assert len(mail.outbox) == 1


def test_it_changes_the_password_of_a_signed_in_person(client: Client, bob: User) -> None:
    client.force_login(bob)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "another-long-secret-9", "new_password2": "another-long-secret-9"},
    )
    assert response["Location"] == "/accounts/password/done/"
    assert signed_in(client)  # this session goes on
    assert sign_in(Client(), "bob", "another-long-secret-9")["Location"] == HOME


# --- Session limits ---------------------------------------------------------------------------------


def test_it_signs_out_after_the_idle_time_but_not_before(
    settings: SettingsWrapper, client: Client, bob: User, frozen: time_machine.Traveller
) -> None:
    settings.SESSION_IDLE_SECONDS = 30 * 60
    client.force_login(bob)
    frozen.shift(timedelta(minutes=29))
    assert signed_in(client)
    frozen.shift(timedelta(minutes=29))  # 58 minutes in, but 29 since the last request
    assert signed_in(client)
    frozen.shift(timedelta(minutes=30, seconds=1))
    response = client.get(HOME, follow=True)
    assert response.redirect_chain[0] == (f"{LOGIN}?next=/investigations/", 302)
    assert "You were signed out after 30 minutes without activity." in response.content.decode()
    assert not signed_in(client)


def test_it_signs_out_at_the_maximum_age_even_when_active(
    settings: SettingsWrapper, client: Client, bob: User, frozen: time_machine.Traveller
) -> None:
    settings.SESSION_IDLE_SECONDS = 30 * 60
    settings.SESSION_COOKIE_AGE = 2 * 3600
    client.force_login(bob)
    for _ in range(5):
        frozen.shift(timedelta(minutes=20))
        assert signed_in(client)
    frozen.shift(timedelta(minutes=20, seconds=1))  # 2 hours and a second after signing in
    response = client.get(HOME, follow=True)
    assert "a sign-in lasts at most 2 hours" in response.content.decode()
    assert not signed_in(client)


# --- Content Security Policy and HTTPS -------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {part[0]: part[1:] for part in parts}


@pytest.mark.parametrize(
    "url", [LOGIN, HOME, "/orders/", TWO_FACTOR, "/accounts/password/", "/accounts/password-reset/"]
)
def test_the_pages_have_a_content_security_policy_without_inline_script(
    client: Client, bob: User, joint_investigation: object, url: str
) -> None:
    if url != LOGIN and "reset" not in url:
        client.force_login(bob)
    response = client.get(url)
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not EVENT_HANDLER.search(html)
    assert not STYLE_ATTRIBUTE.search(html)


def test_the_investigation_page_with_its_timeline_has_no_style_attribute(
    client: Client, bob: User, joint_investigation: object
) -> None:
    client.force_login(bob)
    html = client.get(reverse("casework:investigation_detail", args=["PIPEDA-000001"])).content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not STYLE_ATTRIBUTE.search(html)


def test_only_the_api_docs_page_allows_its_inline_script_by_a_nonce(client: Client, bob: User) -> None:
    client.force_login(bob)
    response = client.get("/api/docs/")
    policy = _directives(response["Content-Security-Policy"])
    nonce = next(source for source in policy["script-src"] if source.startswith("'nonce-"))
    assert "'unsafe-inline'" not in policy["script-src"]
    assert f'<script nonce="{nonce[7:-1]}">' in response.content.decode()


def test_it_redirects_to_https_and_sends_hsts_as_configured(client: Client, settings: SettingsWrapper) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(LOGIN)
    assert response.status_code == 301 and response["Location"] == "https://testserver/accounts/login/"
    secure = client.get(LOGIN, secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    # The health probe answers over plain HTTP.
    assert client.get("/healthz").status_code != 301


# --- API throttles -------------------------------------------------------------------------------------


@pytest.fixture
def api_rates(settings: SettingsWrapper) -> Iterator[None]:
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/minute", "token_failure": "2/hour"},
    }
    yield
    cache.clear()


def test_the_api_answers_429_with_retry_after_past_a_persons_rate(
    api_rates: None, carol: User, frozen: time_machine.Traveller
) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=carol).key}")
    assert [api.get("/api/orders/").status_code for _ in range(3)] == [200, 200, 200]
    throttled = api.get("/api/orders/")
    assert throttled.status_code == 429
    assert throttled["Retry-After"] == "60"
    frozen.shift(timedelta(seconds=61))
    assert api.get("/api/orders/").status_code == 200


def test_the_api_throttles_wrong_tokens_per_address_even_the_right_one_after(
    api_rates: None, carol: User, frozen: time_machine.Traveller
) -> None:
    key = Token.objects.create(user=carol).key
    guesser = APIClient(REMOTE_ADDR=MALLORY)
    for guess in ("a" * 40, "b" * 40):
        guesser.credentials(HTTP_AUTHORIZATION=f"Token {guess}")
        assert guesser.get("/api/orders/").status_code == 401
    guesser.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    refused = guesser.get("/api/orders/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 3500

    carols_tool = APIClient(REMOTE_ADDR=CAROLS_OFFICE)
    carols_tool.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert carols_tool.get("/api/orders/").status_code == 200
