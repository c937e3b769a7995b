"""The investigation page's clocks: cited with their source, actions for who may change them, 404 for the others."""

from __future__ import annotations

from django.test import Client

from casework.interchange import case_export, case_import
from casework.models import User
from casework.services import investigation_update
from orders.models import InvestigationClock
from tests.conftest import Ref


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_the_pipeda_clock_cited_with_its_source(pipeda_clock: InvestigationClock, alice: User) -> None:
    response = _client(alice).get(f"/investigations/{pipeda_clock.investigation.reference}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Statutory clocks" in html
    assert 'href="https://www.laws-lois.justice.gc.ca/eng/acts/P-8.6/section-13-20030101.html"' in html
    assert "PIPEDA s. 13(1)" in html
    assert f"/clocks/{pipeda_clock.pk}/stay/" in html  # alice: assigned OPC investigator


def test_another_authoritys_investigator_sees_it_but_may_not_change_it(
    pipeda_clock: InvestigationClock, bob: User
) -> None:
    pipeda_clock.investigation.assignees.add(bob)
    client = _client(bob)
    html = client.get(f"/investigations/{pipeda_clock.investigation.reference}/").content.decode()
    assert "PIPEDA s. 13(1)" in html and f"/clocks/{pipeda_clock.pk}/stay/" not in html
    url = f"/investigations/{pipeda_clock.investigation.reference}/clocks/{pipeda_clock.pk}/stay/"
    refused = client.post(url, {"started_on": "2020-07-06", "reason": "x"})
    assert refused.status_code == 403
    assert pipeda_clock.authority.name in refused.content.decode()  # named by its name, not its code


def test_stay_through_the_page_then_hostile_input_is_refused(pipeda_clock: InvestigationClock, alice: User) -> None:
    base = f"/investigations/{pipeda_clock.investigation.reference}/clocks/{pipeda_clock.pk}"
    client = _client(alice)
    response = client.post(f"{base}/stay/", {"started_on": "2020-07-06", "reason": "<script>alert(1)</script>"})
    assert response.status_code == 302
    page = client.get(f"/investigations/{pipeda_clock.investigation.reference}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert client.post(f"{base}/extend/", {"new_due_on": "not a date", "reason": "x"}).status_code == 200


def test_the_unassigned_colleague_on_a_confidential_case_and_anonymous_get_404_or_login(
    pipeda_clock: InvestigationClock, alice: User, ref: Ref
) -> None:
    investigation_update(actor=alice, investigation=pipeda_clock.investigation, confidential=True)
    colleague = User.objects.create_user("opc-colleague", authority=ref.opc, is_investigator=True, is_legal=True)
    url = f"/investigations/{pipeda_clock.investigation.reference}/clocks/{pipeda_clock.pk}/stay/"
    assert _client(colleague).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to sign-in


def test_the_case_file_carries_the_clock_and_imports_it_again(pipeda_clock: InvestigationClock, alice: User) -> None:
    from orders.clocks.services import clock_close

    clock_close(
        actor=alice, clock=pipeda_clock, status="met", on=pipeda_clock.started_on.replace(year=2021, month=2, day=2)
    )
    exported = case_export(pipeda_clock.investigation)
    (clock,) = exported["investigation"]["clocks"]
    assert clock["rule"] == "PIPEDA-13-1" and clock["due_on"] == "2021-02-22" and clock["status"] == "met"
    assert clock["citation"] == "PIPEDA s. 13(1)" and clock["verified"] is True
    exported["investigation"]["reference"] = "PIPEDA-000002"
    copy = case_import(exported, actor=None)
    again = case_export(copy)
    again["investigation"]["reference"] = "PIPEDA-000001"
    assert again["investigation"]["clocks"] == exported["investigation"]["clocks"]


def test_a_french_reader_gets_the_rules_french_title_and_text(pipeda_clock: InvestigationClock, alice: User) -> None:
    response = _client(alice).get(
        f"/investigations/{pipeda_clock.investigation.reference}/", headers={"Accept-Language": "fr"}
    )
    html = response.content.decode()
    assert "Rapport de conclusions&nbsp;:" in html
    assert "Dans l&#x27;année suivant" in html or "Dans l'année suivant" in html
