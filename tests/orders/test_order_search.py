"""The orders list's search (``?q=``): what it matches, what it never shows, and how PostgreSQL reads it.

Personas as in ``test_views.py``: carol is OIPC-BC legal staff, bob an OIPC-BC investigator,
dave a CAI manager whose authority does not take part in ``joint_investigation``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import Investigation, User
from casework.services import investigation_open
from orders import services
from orders.models import Order
from tests.conftest import Ref

pytestmark = pytest.mark.django_db

URL = reverse("orders:list")
NUMBERS = ("P21-08", "P22-09", "P23-10", "CAI-2021-1", "P24-11")


def _draft(investigation: Investigation, authority: Any, number: str, **fields: str) -> Order:
    return services.order_draft(
        actor=None,
        investigation=investigation,
        authority=authority,
        number=number,
        legal_basis=fields.pop("legal_basis", "s. 52"),
        title=fields.pop("title", ""),
    )


def _investigation(
    ref: Ref, reference: str, title: str, authority: Any, *, confidential: bool = False
) -> Investigation:
    return investigation_open(
        actor=None,
        reference=reference,
        title=title,
        origin="complaint",
        opened_on=date(2021, 1, 1),
        lead_authority=authority,
        respondents=[ref.clearview],
        confidential=confidential,
        assign_actor=False,
    )


@pytest.fixture
def orders(ref: Ref, bc_order: Order, carol: User) -> dict[str, Order]:
    """P21-08 (the joint investigation, "Example Corp."); P22-09 titled "Facial recognition images";
    P23-10 under "PIPA s. 52(3)"; CAI-2021-1 in CAI's own investigation titled "Location data";
    P24-11 in OIPC-BC's confidential "Location data of minors", to which carol is not assigned."""
    own = _investigation(ref, "BC-2", "Another BC investigation", ref.oipc_bc)
    cai = _investigation(ref, "CAI-1", "Location data", ref.cai)
    secret = _investigation(ref, "BC-3", "Location data of minors", ref.oipc_bc, confidential=True)
    return {
        "P21-08": bc_order,
        "P22-09": _draft(own, ref.oipc_bc, "P22-09", title="Facial recognition images"),
        "P23-10": _draft(own, ref.oipc_bc, "P23-10", legal_basis="PIPA s. 52(3)"),
        "CAI-2021-1": _draft(cai, ref.cai, "CAI-2021-1"),
        "P24-11": _draft(secret, ref.oipc_bc, "P24-11"),
    }


def _found(client: Client, words: str, **params: str) -> set[str]:
    html = client.get(URL, {"q": words, **params}).content.decode()
    return {number for number in NUMBERS if f">{number}<" in html}


def test_it_matches_the_number_title_legal_basis_and_investigation_title(
    client: Client, carol: User, orders: dict[str, Order]
) -> None:
    client.force_login(carol)
    assert _found(client, "p21-0") == {"P21-08"}  # the number, any case
    assert _found(client, "RECOGNITION") == {"P22-09"}  # the order's title
    assert _found(client, "52(3)") == {"P23-10"}  # the legal basis
    assert _found(client, "example corp") == {"P21-08"}  # the investigation's title
    assert _found(client, "another bc") == {"P22-09", "P23-10"}
    assert _found(client, "s. 52") == {"P21-08", "P22-09", "P23-10"}  # every visible order's basis
    assert _found(client, "no such words") == set()
    # The other filters still apply to what the words found.
    assert _found(client, "s. 52", status="issued") == {"P21-08"}
    assert _found(client, "another bc", investigation="bc-2", status="draft") == {"P22-09", "P23-10"}


def test_it_never_finds_what_the_user_may_not_see(
    client: Client, ref: Ref, carol: User, bob: User, dave: User, orders: dict[str, Order]
) -> None:
    # Another authority's investigation, and a confidential one carol is not assigned to: neither their
    # titles nor their orders' own words find them.
    client.force_login(carol)
    assert _found(client, "location data") == set()
    assert _found(client, "CAI-2021") == set()
    assert _found(client, "P24-11") == set()
    # Assigned, she finds it; CAI's manager finds CAI's order, never OIPC-BC's.
    orders["P24-11"].investigation.assignees.add(carol)
    assert _found(client, "location data") == {"P24-11"}
    client.force_login(dave)
    assert _found(client, "location data") == {"CAI-2021-1"}
    assert _found(client, "s. 52") == {"CAI-2021-1"}
    client.force_login(bob)
    assert _found(client, "location data") == set()


def test_markup_and_long_words_are_searched_as_text(client: Client, carol: User, orders: dict[str, Order]) -> None:
    client.force_login(carol)
    response = client.get(URL, {"q": "<script>alert(1)</script>%_"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert _found(client, "%") == set()  # LIKE's wildcards are the characters themselves
    # Megabytes of words: no row, and the form says why.
    response = client.get(URL, {"q": "s. 52" + "x" * 1_000_000})
    assert response.status_code == 200
    html = response.content.decode()
    assert "at most 200 characters" in html
    assert not {number for number in NUMBERS if f">{number}<" in html}


@pytest.mark.parametrize("words", ["s. 52", "another bc", "no such words"])
def test_a_search_costs_a_fixed_number_of_queries(
    client: Client,
    carol: User,
    orders: dict[str, Order],
    words: str,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    client.force_login(carol)
    # The plain list's six (test_views.test_it_lists_with_a_fixed_number_of_queries); on PostgreSQL one
    # more, before the count: the visible investigations whose title holds the words, read once for
    # the count and the page (casework.lookups.among_ids_read_first). No row found: no page to read.
    expected = 6 + (connection.vendor == "postgresql") - (words == "no such words")
    with django_assert_num_queries(expected):
        assert client.get(URL, {"q": words}).status_code == 200


def test_postgresql_has_the_trigram_indexes_and_reads_the_matching_titles_first(
    require_postgres: None, client: Client, carol: User, orders: dict[str, Order]
) -> None:
    """Which plan PostgreSQL picks depends on the volume (docs/performance.md measures it at full scale);
    what does not: the indexes exist, and the investigations matched by title are a set read once, first."""
    client.force_login(carol)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, {"q": "location"})
    (count,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert '"orders_order"."investigation_id" = ANY(' in count and "ANY(ARRAY(SELECT" not in count
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'orders_order'")
        indexes = dict(cursor.fetchall())
    for index, column in (
        ("orders_order_number_trgm", "number"),
        ("orders_order_title_trgm", "title"),
        ("orders_order_legal_basis_trgm", "legal_basis"),
    ):
        assert f"gin (upper(({column})::text) gin_trgm_ops)" in indexes[index]
