"""Statutory clocks on ``/api/investigations/``: read-only, cited with their source, seen as the page shows them."""

from __future__ import annotations

from collections.abc import Callable

from rest_framework.test import APIClient

from casework.models import User
from casework.services import investigation_update
from orders.models import InvestigationClock
from tests.conftest import Ref
from tests.orders.clocks import conftest as clock_fixtures

# The clocks' fixtures (tests/orders/clocks/conftest.py), used by name.
clock_rules = clock_fixtures.clock_rules
pipeda_clock = clock_fixtures.pipeda_clock


def test_the_investigation_carries_its_clocks_cited_and_explained(
    pipeda_clock: InvestigationClock, alice: User, token_client: Callable[[User], APIClient]
) -> None:
    client = token_client(alice)
    data = client.get(f"/api/investigations/{pipeda_clock.investigation.reference}/").json()
    (clock,) = data["clocks"]
    assert clock["authority"] == "OPC" and clock["rule"] == "PIPEDA-13-1" and clock["citation"] == "PIPEDA s. 13(1)"
    assert clock["source"].startswith("https://www.laws-lois.justice.gc.ca/") and clock["verified"] is True
    assert clock["started_on"] == "2020-02-21" and clock["due_on"] == "2021-02-22" and clock["status"] == "open"
    assert clock["explanation"]
    french = client.get(
        f"/api/investigations/{pipeda_clock.investigation.reference}/", headers={"Accept-Language": "fr"}
    ).json()
    assert french["clocks"][0]["explanation"] != clock["explanation"]
    listed = client.get("/api/investigations/").json()["results"]
    assert [c["rule"] for c in listed[0]["clocks"]] == ["PIPEDA-13-1"]


def test_another_authoritys_staff_see_it_as_the_page_does_and_cannot_write(
    pipeda_clock: InvestigationClock, bob: User, token_client: Callable[[User], APIClient]
) -> None:
    client = token_client(bob)  # OIPC-BC takes part: the page shows every clock of the case
    url = f"/api/investigations/{pipeda_clock.investigation.reference}/"
    assert [c["rule"] for c in client.get(url).json()["clocks"]] == ["PIPEDA-13-1"]
    assert client.patch(url, {"clocks": []}, format="json").status_code == 405


def test_an_unassigned_colleague_on_a_confidential_case_gets_404(
    pipeda_clock: InvestigationClock, alice: User, ref: Ref, token_client: Callable[[User], APIClient]
) -> None:
    investigation_update(actor=alice, investigation=pipeda_clock.investigation, confidential=True)
    colleague = User.objects.create_user("opc-colleague", authority=ref.opc, is_investigator=True)
    client = token_client(colleague)
    assert client.get(f"/api/investigations/{pipeda_clock.investigation.reference}/").status_code == 404
    assert client.get("/api/investigations/").json()["count"] == 0
