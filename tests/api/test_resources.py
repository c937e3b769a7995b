"""What each API resource shows, the browsable root, and JSON 404s for paths no route takes."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from casework.models import User
from orders.models import OrderDocument
from tests.api.conftest import World


def test_it_lists_the_resources_at_the_root(world: World, bob: User, token_client: Callable[[User], APIClient]) -> None:
    response = token_client(bob).get("/api/")
    assert response.status_code == 200
    assert set(response.json()) == {"investigations", "orders", "terms", "deadlines", "documents"}
    assert response.json()["orders"] == "http://testserver/api/orders/"


def test_it_is_browsable_for_a_signed_in_user(world: World, bob: User) -> None:
    client = Client()
    client.force_login(bob)
    response = client.get("/api/orders/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "P21-08" in response.content.decode()


def test_it_shows_an_investigation_with_its_participants_and_orders(
    world: World, bob: User, token_client: Callable[[User], APIClient]
) -> None:
    data = token_client(bob).get("/api/investigations/PIPEDA-000001/").json()
    assert data["reference"] == "PIPEDA-000001"
    assert data["page_url"] == "http://testserver/investigations/PIPEDA-000001/"
    assert data["respondents"] == [{"name": "Clearview AI, Inc.", "kind": "company", "country": "US"}]
    assert {(p["authority"], p["role"], tuple(p["statutes"])) for p in data["participants"]} == {
        ("OPC", "lead", ("PIPEDA",)),
        ("OIPC-BC", "joint", ("PIPA-BC",)),
    }
    assert data["orders"] == [
        {
            "authority": "OIPC-BC",
            "number": "P21-08",
            "status": "issued",
            "url": "http://testserver/api/orders/OIPC-BC/P21-08/",
        }
    ]


def test_it_shows_an_order_with_its_terms_and_deadlines(
    world: World, bob: User, token_client: Callable[[User], APIClient]
) -> None:
    data = token_client(bob).get("/api/orders/OIPC-BC/P21-08/").json()
    assert data["investigation"] == {
        "reference": "PIPEDA-000001",
        "url": "http://testserver/api/investigations/PIPEDA-000001/",
    }
    assert data["page_url"] == "http://testserver/orders/OIPC-BC/P21-08/"
    assert (data["status"], data["issued_on"], data["legal_basis"]) == ("issued", "2021-12-14", "PIPA s. 52")
    first = data["terms"][0]
    assert first["number"] == 1
    assert first["text"] == "Cease offering the service in BC."
    assert first["deadline"]["rule"] == {"rule": "fixed", "date": "2022-01-25"}
    assert first["deadline"]["due_on"] == "2022-01-25"
    assert first["deadline"]["status"] == "open"
    assert [term["number"] for term in data["terms"]] == [1, 2]


def test_it_shows_a_deadline_ending_in_the_authoritys_time_zone(
    world: World, bob: User, token_client: Callable[[User], APIClient]
) -> None:
    client = token_client(bob)
    url = client.get("/api/orders/OIPC-BC/P21-08/").json()["terms"][0]["deadline"]["url"]
    data = client.get(url).json()
    # 23:59:59 in Vancouver (PST in January), not UTC.
    assert data["ends_at"] == "2022-01-25T23:59:59-08:00"
    assert data["time_zone"] == "America/Vancouver"
    assert data["order"]["number"] == "P21-08"
    assert data["term"]["number"] == 1
    assert data["explanation"]
    assert data["stays"] == [] and data["extensions"] == []


def test_it_gives_a_ready_documents_download_address_and_none_for_a_pending_one(
    world: World, bob: User, token_client: Callable[[User], APIClient]
) -> None:
    rows = token_client(bob).get("/api/documents/").json()["results"]
    by_version = {row["version"]: row for row in rows}
    ready = OrderDocument.objects.get(order=world.bc_order, version=1)
    assert by_version[1]["download_url"] == "http://testserver" + reverse(
        "orders:document_download", kwargs={"authority": "OIPC-BC", "number": "P21-08", "pk": ready.pk}
    )
    assert by_version[1]["sha256"] == "a" * 64
    assert by_version[2]["status"] == "pending"
    assert by_version[2]["download_url"] is None


def test_it_answers_json_404_for_paths_no_route_takes(
    world: World, bob: User, token_client: Callable[[User], APIClient]
) -> None:
    client = token_client(bob)
    for path in ("/api/terms/1.5/", "/api/nothing/", "/api/orders/OIPC-BC/", "/api/investigations/%C2%84/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found."}, path
    assert APIClient().get("/api/nothing/").status_code == 401


def test_it_refuses_to_write(world: World, carol: User, token_client: Callable[[User], APIClient]) -> None:
    client = token_client(carol)
    assert client.post("/api/orders/", {"number": "X"}).status_code == 405
    assert client.delete("/api/orders/OIPC-BC/P21-08/").status_code == 405
    assert client.patch("/api/investigations/PIPEDA-000001/", {"title": "x"}).status_code == 405


def test_it_explains_a_deadline_in_the_requests_language(
    world: World, bob: User, token_client: Callable[[User], APIClient]
) -> None:
    client = token_client(bob)
    url = client.get("/api/orders/OIPC-BC/P21-08/").json()["terms"][0]["deadline"]["url"]
    english = client.get(url).json()["explanation"]
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").json()["explanation"]
    assert english == "Fixed date written in the order: 25 January 2022 (kept as written)."
    assert french.startswith("Date fixe") and "le 25 janvier 2022" in french
