"""Pages of 50 (``page_size`` up to 200), and a fixed number of queries per page whatever its size."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from casework.models import Participation, User
from casework.services import investigation_open, participation_add
from orders.models import OrderDocument
from tests.api.conftest import World, make_document, make_order
from tests.conftest import Ref


def _add_bc_cases(ref: Ref, count: int) -> None:
    """``count`` more OIPC-BC investigations (OPC joining), each with an order of two terms and a document."""
    for n in range(count):
        investigation = investigation_open(
            actor=None,
            reference=f"P22-{n:04d}",
            title=f"Case {n}",
            origin="complaint",
            opened_on=date(2021, 6, 1),
            lead_authority=ref.oipc_bc,
            respondents=[ref.clearview],
            lead_statutes=[ref.pipa_bc],
            assign_actor=False,
        )
        participation_add(
            actor=None,
            investigation=investigation,
            authority=ref.opc,
            role=Participation.Role.JOINT,
            statutes=[ref.pipeda],
        )
        order = make_order(investigation, "OIPC-BC", f"P22-{n:02d}", terms=2)
        make_document(order)


# Queries for one page, after the token's (1, with its user):
# the count, the page, then each prefetch (see the viewsets' comments).
QUERIES = {
    # respondents, participations, their statutes, case documents (their versions: none here), orders,
    # statutory clocks
    "/api/investigations/": 1 + 2 + 6,
    "/api/orders/": 1 + 2 + 1,  # terms with their deadlines
    "/api/terms/": 1 + 2,
    "/api/deadlines/": 1 + 2 + 2,  # stays, extensions
    "/api/documents/": 1 + 2,
}


def _count_queries(client: APIClient, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.json()["count"]


@pytest.mark.parametrize("path", sorted(QUERIES))
def test_it_lists_with_a_fixed_number_of_queries(
    path: str, world: World, ref: Ref, bob: User, token_client: Callable[[User], APIClient]
) -> None:
    client = token_client(bob)
    few_queries, few = _count_queries(client, path)
    _add_bc_cases(ref, 4)
    many_queries, many = _count_queries(client, path)
    assert many > few > 0
    assert few_queries == many_queries == QUERIES[path]


def test_it_shows_one_object_with_a_fixed_number_of_queries(
    world: World, bob: User, token_client: Callable[[User], APIClient]
) -> None:
    client = token_client(bob)
    # The token, the order (authority and investigation joined), its terms with their deadlines.
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/orders/OIPC-BC/P21-08/").status_code == 200
    assert len(queries) == 3
    # The token, the investigation, then respondents, participations, statutes, case documents, orders,
    # statutory clocks.
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/investigations/PIPEDA-000001/").status_code == 200
    assert len(queries) == 8


def test_it_pages_by_50_and_lets_the_client_choose_up_to_200(
    world: World, ref: Ref, bob: User, token_client: Callable[[User], APIClient]
) -> None:
    _add_bc_cases(ref, 3)
    client = token_client(bob)
    first = client.get("/api/documents/", {"page_size": 2}).json()
    assert (
        first["count"]
        == OrderDocument.objects.filter(order__investigation__participations__authority=ref.oipc_bc)
        .exclude(order__investigation__confidential=True)
        .count()
    )
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"] and "page_size=2" in first["next"]
    second = client.get(first["next"]).json()
    assert {row["id"] for row in second["results"]}.isdisjoint({row["id"] for row in first["results"]})
    everything = client.get("/api/documents/").json()
    assert everything["next"] is None and len(everything["results"]) == everything["count"]
    assert client.get("/api/documents/", {"page": 99}).status_code == 404


def test_it_cuts_a_page_size_above_200_to_200(
    world: World, bob: User, token_client: Callable[[User], APIClient]
) -> None:
    OrderDocument.objects.bulk_create(
        [
            OrderDocument(
                order=world.bc_order,
                language="en",
                version=version,
                order_status="issued",
                requested_at=world.documents[0].requested_at,
            )
            for version in range(3, 213)
        ]
    )
    page = token_client(bob).get("/api/documents/", {"page_size": 5000}).json()
    assert page["count"] == 212
    assert len(page["results"]) == 200
    assert "page=2" in page["next"]
