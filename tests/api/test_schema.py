"""The OpenAPI schema validates, and the API keeps to it (schemathesis, every GET operation)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from casework.models import User
from tests.api.conftest import World


def test_it_generates_a_valid_schema_without_warnings(db: None, tmp_path) -> None:
    out = tmp_path / "schema.yaml"
    # --fail-on-warn: an unannotated field or an enum naming collision fails here, not in a client.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out), stdout=StringIO())
    text = out.read_text()
    assert text.startswith("openapi: 3.")
    for path in ("/api/investigations/", "/api/orders/{authority}/{number}/", "/api/terms/", "/api/deadlines/{id}/"):
        assert f"  {path}:" in text


def test_it_serves_the_schema_to_signed_in_users(bob: User, token_client: Callable[[User], APIClient]) -> None:
    response = token_client(bob).get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    assert set(schema["paths"]) >= {"/api/orders/", "/api/documents/{id}/", "/api/investigations/{reference}/"}


def test_it_serves_the_schema_as_a_swagger_ui_page_with_local_assets(bob: User, client: Any) -> None:
    client.force_login(bob)
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("api:schema") in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()  # no asset from a CDN
    client.logout()
    assert client.get(reverse("api:docs")).status_code == 401


@pytest.fixture
def api_token(world: World, carol: User) -> str:
    return Token.objects.create(user=carol).key


@pytest.fixture
def api_schema(api_token: str) -> Iterator[schemathesis.BaseSchema]:
    """The schema as the application serves it, fetched with a token, run against the WSGI application.

    The WSGI handler closes the database connection at the end of each request, which
    would end the test's transaction (on PostgreSQL): as Django's test client does,
    keep the connection open meanwhile.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json", get_wsgi_application(), headers={"Authorization": f"Token {api_token}"}
        )
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.auth(refresh_interval=None)
class CarolsToken:
    """carol's token, as schemathesis's own auth: its checks then also try each call without it and with a bad one."""

    def get(self, case: schemathesis.Case, ctx: Any) -> str:
        return Token.objects.get(user__username="carol").key

    def set(self, case: schemathesis.Case, data: str, ctx: Any) -> None:
        case.headers["Authorization"] = f"Token {data}"


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_answers_every_get_operation_as_its_schema_says(case: schemathesis.Case, api_token: str) -> None:
    # The default checks: no server error, documented status codes, content types and bodies,
    # and authentication enforced (a call without the token, or with a wrong one, is refused).
    case.call_and_validate()


def test_the_schema_describes_the_investigations_clocks(bob: User, token_client: Callable[[User], APIClient]) -> None:
    schema = token_client(bob).get(reverse("api:schema"), {"format": "json"}).json()
    clock = schema["components"]["schemas"]["Clock"]
    assert set(clock["properties"]) >= {"authority", "rule", "citation", "source", "verified", "due_on", "explanation"}
    assert all(prop.get("readOnly") for prop in clock["properties"].values())
    investigation = next(
        value
        for name, value in schema["components"]["schemas"].items()
        if name.startswith("Investigation") and "clocks" in value.get("properties", {})
    )
    assert investigation["properties"]["clocks"]["readOnly"] is True
