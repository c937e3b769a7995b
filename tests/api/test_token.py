"""API tokens: the /accounts/api-token/ page, and authenticating with ``Authorization: Token …``."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from casework.models import User
from tests.api.conftest import World

PAGE = "/accounts/api-token/"


@pytest.fixture
def bobs_browser(bob: User) -> Client:
    client = Client()
    client.force_login(bob)
    return client


def _api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_it_asks_for_sign_in(db: None) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Client().post(PAGE, {"action": "create"}).status_code == 302
    assert not Token.objects.exists()


def test_it_says_when_there_is_no_token(bobs_browser: Client) -> None:
    response = bobs_browser.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>API token</h1>" in page
    assert "You have no token" in page
    assert 'href="/api/"' in page
    assert 'value="revoke"' not in page


def test_it_creates_a_token_shows_it_once_and_it_opens_the_api(
    world: World, bob: User, bobs_browser: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="orders.api.tokens"):
        response = bobs_browser.post(PAGE, {"action": "create"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = Token.objects.get(user=bob).key
    assert f'value="{key}"' in response.content.decode()
    # The log says who, never the key.
    assert "API token created for user bob" in caplog.text
    assert key not in caplog.text

    later = bobs_browser.get(PAGE).content.decode()
    assert key not in later
    assert f"…{key[-4:]}" in later

    listed = _api(key).get("/api/orders/")
    assert listed.status_code == 200
    assert [row["number"] for row in listed.json()["results"]] == ["P21-08"]


def test_it_replaces_a_token_and_the_old_one_stops_working(world: World, bob: User, bobs_browser: Client) -> None:
    bobs_browser.post(PAGE, {"action": "create"})
    old = Token.objects.get(user=bob).key
    bobs_browser.post(PAGE, {"action": "create"})
    new = Token.objects.get(user=bob).key
    assert new != old
    assert _api(old).get("/api/orders/").status_code == 401
    assert _api(new).get("/api/orders/").status_code == 200


def test_it_revokes_the_token(world: World, bob: User, bobs_browser: Client, caplog: pytest.LogCaptureFixture) -> None:
    bobs_browser.post(PAGE, {"action": "create"})
    key = Token.objects.get(user=bob).key
    with caplog.at_level(logging.INFO, logger="orders.api.tokens"):
        response = bobs_browser.post(PAGE, {"action": "revoke"}, follow=True)
    assert "API token revoked for user bob" in caplog.text
    assert not Token.objects.filter(user=bob).exists()
    assert "Your API token was revoked" in response.content.decode()
    assert "You have no token" in response.content.decode()
    assert _api(key).get("/api/orders/").status_code == 401
    # Revoking again is harmless and says so.
    assert "You had no API token" in bobs_browser.post(PAGE, {"action": "revoke"}, follow=True).content.decode()


def test_it_refuses_an_unknown_action(bob: User, bobs_browser: Client) -> None:
    response = bobs_browser.post(PAGE, {"action": "steal"}, follow=True)
    assert "Choose to create or to revoke the token." in response.content.decode()
    assert not Token.objects.exists()


def test_it_touches_only_the_signed_in_users_token(bob: User, carol: User, bobs_browser: Client) -> None:
    carols = Token.objects.create(user=carol)
    bobs_browser.post(PAGE, {"action": "create"})
    bobs_browser.post(PAGE, {"action": "revoke"})
    assert Token.objects.get(user=carol).key == carols.key
