"""The API's filters, and the 400s for bad values that name the parameter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

from casework.models import User
from orders.models import Deadline
from tests.api.conftest import World


@pytest.fixture
def client(world: World, root: User, token_client: Callable[[User], APIClient]) -> APIClient:
    """The superuser sees all three investigations: the filters alone narrow the lists."""
    return token_client(root)


def _orders(client: APIClient, **params: str) -> list[str]:
    response = client.get("/api/orders/", params)
    assert response.status_code == 200, response.json()
    return sorted(f"{row['authority']} {row['number']}" for row in response.json()["results"])


def test_it_filters_orders_by_authority_reference_number_and_status(client: APIClient) -> None:
    assert _orders(client) == ["CAI 1023283-S", "OIPC-BC P21-08", "OIPC-BC P21-99"]
    assert _orders(client, authority="OIPC-BC") == ["OIPC-BC P21-08", "OIPC-BC P21-99"]
    assert _orders(client, reference="CAI-1020") == ["CAI 1023283-S"]
    assert _orders(client, authority="OIPC-BC", number="P21-99") == ["OIPC-BC P21-99"]
    assert _orders(client, status="issued") == ["CAI 1023283-S", "OIPC-BC P21-08", "OIPC-BC P21-99"]
    assert _orders(client, status="complied") == []


def test_it_finds_nothing_for_a_well_formed_authority_or_reference_that_matches_nothing(client: APIClient) -> None:
    # The same as for an authority or investigation the user may not see: an empty list, not an error.
    assert _orders(client, authority="OIPC-ZZ") == []
    assert _orders(client, reference="NO-SUCH") == []


def test_it_keeps_both_due_bounds_on_the_same_deadline(client: APIClient, world: World) -> None:
    first, second = (
        Deadline.objects.filter(term__order=world.bc_order).order_by("term__number").values_list("due_on", flat=True)
    )
    assert first is not None and second is not None and first < second
    between = {"due_after": str(first + timedelta(days=1)), "due_before": str(second - timedelta(days=1))}
    # One deadline before the range and one after it: the order has none *in* it.
    assert "OIPC-BC P21-08" not in _orders(client, **between)
    assert "OIPC-BC P21-08" in _orders(client, due_after=str(first), due_before=str(first))
    deadlines = client.get("/api/deadlines/", {"due_after": str(first), "due_before": str(first)}).json()["results"]
    assert {row["due_on"] for row in deadlines} == {str(first)}
    assert {row["order"]["number"] for row in deadlines} >= {"P21-08"}


def test_it_filters_deadlines_terms_and_documents(client: APIClient, world: World) -> None:
    deadlines = client.get("/api/deadlines/", {"authority": "OIPC-BC", "number": "P21-08"}).json()
    assert deadlines["count"] == 2
    assert client.get("/api/deadlines/", {"status": "met"}).json()["count"] == 0
    assert client.get("/api/deadlines/", {"reference": "CAI-1020"}).json()["count"] == 1
    terms = client.get("/api/terms/", {"reference": "PIPEDA-000001", "status": "open"}).json()
    assert [row["number"] for row in terms["results"]] == [1, 2]
    documents = client.get("/api/documents/", {"language": "fr"}).json()["results"]
    assert [(row["order"]["authority"], row["language"]) for row in documents] == [("CAI", "fr")]
    assert client.get("/api/documents/", {"status": "pending"}).json()["count"] == 1


def test_it_filters_investigations(client: APIClient, world: World) -> None:
    def references(**params: str) -> list[str]:
        response = client.get("/api/investigations/", params)
        assert response.status_code == 200, response.json()
        return sorted(row["reference"] for row in response.json()["results"])

    assert references(authority="OPC") == ["PIPEDA-000001"]
    assert references(authority="OIPC-BC") == ["P21-SECRET", "PIPEDA-000001"]
    assert references(search="confidential") == ["P21-SECRET"]
    assert references(search="cai-10") == ["CAI-1020"]
    assert references(stage="closed") == []
    assert references(reference="CAI-1020") == ["CAI-1020"]
    first_due = Deadline.objects.filter(term__order=world.bc_order).order_by("due_on").first()
    assert first_due is not None and first_due.due_on is not None
    due = str(first_due.due_on)
    assert "PIPEDA-000001" in references(due_after=due, due_before=due)


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/orders/", {"due_before": "25/01/2022"}, "due_before"),
        ("/api/orders/", {"due_after": "2022-02-30"}, "due_after"),
        ("/api/orders/", {"due_after": ""}, "due_after"),
        ("/api/orders/", {"status": "sort_of"}, "status"),
        ("/api/orders/", {"status": ""}, "status"),
        ("/api/orders/", {"authority": "oipc bc"}, "authority"),
        ("/api/deadlines/", {"status": "late"}, "status"),
        ("/api/terms/", {"due_before": "tomorrow"}, "due_before"),
        ("/api/documents/", {"language": "de"}, "language"),
        ("/api/investigations/", {"stage": "over"}, "stage"),
        ("/api/investigations/", {"authority": "<script>"}, "authority"),
        ("/api/investigations/", {"search": "x" * 1_000_000}, "search"),  # more than 200 characters
        ("/api/orders/", {"page_size": "0"}, "page_size"),
        ("/api/orders/", {"page_size": "many"}, "page_size"),
    ],
)
def test_it_answers_400_naming_the_bad_parameter(
    client: APIClient, path: str, params: dict[str, str], field: str
) -> None:
    response = client.get(path, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0]


def test_it_accepts_empty_free_text(client: APIClient) -> None:
    assert client.get("/api/orders/", {"reference": "", "number": ""}).json()["count"] == 3
    assert client.get("/api/investigations/", {"search": ""}).json()["count"] == 3


def test_it_lets_the_browsable_filter_form_send_empty_fields(world: World, bob: User) -> None:
    browser = Client()
    browser.force_login(bob)
    # The form sends every field; the empty ones mean "any".
    response = browser.get(
        "/api/deadlines/?reference=PIPEDA-000001&authority=&number=&status=&due_before=&due_after=",
        HTTP_ACCEPT="text/html",
    )
    assert response.status_code == 200
    assert "Cease offering the service in BC." in response.content.decode()
    assert "Investigation reference" in response.content.decode()  # the filter form's labels
