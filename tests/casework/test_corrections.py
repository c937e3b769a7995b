"""Corrections with history: edit, withdraw and restore events, findings, recommendations, respondents and
participations, from the investigation page; nothing of a case deleted from the browser.

Personas (tests/conftest.py): alice, the OPC investigator who opened the joint investigation
(PIPEDA-000001, OIPC-BC joining) and so is assigned to it; bob, an OIPC-BC investigator not
assigned; carol, OIPC-BC legal; dave, a CAI manager (another authority).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from casework import services
from casework.interchange import case_export, case_import
from casework.models import (
    Event,
    Finding,
    Investigation,
    Organization,
    Participation,
    Recommendation,
    RespondentWithdrawal,
    User,
)
from casework.permissions import investigations_visible_to, users_who_may_see
from casework.selectors import investigation_history, investigation_page
from tests.conftest import Ref


@pytest.fixture
def case(ref: Ref, alice: User, joint_investigation: Investigation) -> Investigation:
    """The joint investigation with an event, a finding of each authority, and a recommendation."""
    services.event_add(
        actor=alice, investigation=joint_investigation, date=date(2020, 7, 6), kind="respondent_action", summary="Left."
    )
    services.event_add(
        actor=alice, investigation=joint_investigation, date=date(2020, 7, 6), kind="respondent_action", summary="Left."
    )
    opc = services.finding_record(
        actor=alice,
        investigation=joint_investigation,
        authority=ref.opc,
        statute=ref.pipeda,
        issue="consent",
        conclusion="not_well_founded",
        issued_on=date(2021, 2, 2),
    )
    services.finding_record(
        actor=alice,
        investigation=joint_investigation,
        authority=ref.oipc_bc,
        statute=ref.pipa_bc,
        issue="consent",
        conclusion="well_founded",
        issued_on=date(2021, 2, 2),
    )
    services.recommendation_add(actor=alice, investigation=joint_investigation, text="Stop collecting.", findings=[opc])
    services.recommendation_add(actor=alice, investigation=joint_investigation, text="Delete.", findings=[opc])
    return joint_investigation


def _event(case: Investigation, *, last: bool = False) -> Event:
    event = case.events.order_by("-pk" if last else "pk").first()
    assert event is not None
    return event


def _reasons(model: Any, pk: int) -> list[str]:
    return list(
        model.history.filter(id=pk)
        .order_by("history_date", "history_id")
        .values_list("history_change_reason", flat=True)
    )


# --- The rules ------------------------------------------------------------------------------------


def test_a_correction_records_who_when_why_and_before_and_after(ref: Ref, alice: User, case: Investigation) -> None:
    finding = Finding.objects.get(participation__authority=ref.opc)
    services.finding_update(
        actor=alice,
        finding=finding,
        reason="The report says well-founded",
        statute=ref.pipeda,
        issue="consent",
        conclusion="well_founded",
        issued_on=date(2021, 2, 2),
    )
    latest = Finding.history.filter(id=finding.pk).latest("history_date")
    assert (latest.history_user, latest.history_change_reason) == (alice, "corrected: The report says well-founded")
    before = latest.prev_record
    assert (before.conclusion, latest.conclusion) == ("not_well_founded", "well_founded")
    # The history shows it, with the why.
    entries = investigation_history(alice, case)
    corrected = next(e for e in entries if e.kind == "finding" and e.action == "changed")
    assert corrected.who == "alice"
    assert corrected.label.endswith("— corrected: The report says well-founded")
    assert [(c.label, c.old, c.new) for c in corrected.changes] == [("conclusion", "not well-founded", "well-founded")]


def test_a_correction_needs_a_reason_and_a_real_change(ref: Ref, alice: User, case: Investigation) -> None:
    event = _event(case)
    assert event is not None
    with pytest.raises(ValidationError) as refused:
        services.event_update(actor=alice, event=event, reason="  ", summary="Clearview left Canada.")
    assert refused.value.message_dict == {"reason": ["Say why, for the record."]}
    event.refresh_from_db()
    assert event.summary == "Left."
    count = Event.history.filter(id=event.pk).count()
    services.event_update(actor=alice, event=event, reason="", summary="Left.")  # nothing changed: nothing recorded
    assert Event.history.filter(id=event.pk).count() == count


def test_a_refused_correction_leaves_the_row_as_it_was(ref: Ref, alice: User, case: Investigation) -> None:
    finding = Finding.objects.get(participation__authority=ref.opc)
    with pytest.raises(ValidationError, match="does not apply"):
        services.finding_update(actor=alice, finding=finding, reason="x", statute=ref.pipa_bc)
    with pytest.raises(ValidationError):
        services.event_update(actor=alice, event=_event(case), reason="x", date=date(9999, 1, 1))
    assert _event(case).date == date(2020, 7, 6)


def test_withdraw_and_restore_keep_everything_and_say_why(ref: Ref, alice: User, case: Investigation) -> None:
    duplicate = _event(case, last=True)
    services.event_withdraw(actor=alice, event=duplicate, reason="Entered twice")
    duplicate.refresh_from_db()
    assert (duplicate.withdrawn, duplicate.withdrawn_by, duplicate.withdrawal_reason) == (True, alice, "Entered twice")
    page = investigation_page(alice, case)
    assert duplicate not in page.events and page.withdrawn.events == [duplicate]
    with pytest.raises(ValidationError, match="restore it before correcting it"):
        services.event_update(actor=alice, event=duplicate, reason="x", summary="y")
    with pytest.raises(ValidationError, match="already withdrawn"):
        services.event_withdraw(actor=alice, event=duplicate, reason="again")
    services.event_restore(actor=alice, event=duplicate, reason="It was a second, distinct departure")
    assert _reasons(Event, duplicate.pk) == [
        "event added",
        "withdrawn: Entered twice",
        "restored: It was a second, distinct departure",
    ]
    assert Event.objects.filter(pk=duplicate.pk).exists()


def test_a_withdrawn_part_leaves_the_case_file_and_the_timeline(ref: Ref, alice: User, case: Investigation) -> None:
    first = case.recommendations.get(number=1)
    services.recommendation_withdraw(actor=alice, recommendation=first, reason="Made by mistake")
    finding = Finding.objects.get(participation__authority=ref.oipc_bc)
    services.finding_withdraw(actor=alice, finding=finding, reason="Not BC's finding yet")
    services.event_withdraw(actor=alice, event=_event(case, last=True), reason="Twice")
    exported = case_export(case)["investigation"]
    assert len(exported["events"]) == 1
    assert [f["authority"] for f in exported["findings"]] == ["OPC"]
    # Numbered in order among those left: recommendation 2 is the file's first.
    assert [(r["number"], r["text"]) for r in exported["recommendations"]] == [(1, "Delete.")]
    assert exported["recommendations"][0]["follows_from"] == [0]
    # The export imports again, and exports the same.
    exported["reference"] = "PIPEDA-COPY"
    copy = case_import({"format": "case-tracker/1", "investigation": exported}, actor=None)
    again = case_export(copy)["investigation"]
    assert again == exported


def test_a_recommendation_corrected_with_the_findings_it_follows_from(
    ref: Ref, alice: User, case: Investigation
) -> None:
    recommendation = case.recommendations.get(number=1)
    bc = Finding.objects.get(participation__authority=ref.oipc_bc)
    services.recommendation_update(
        actor=alice,
        recommendation=recommendation,
        reason="Both findings support it",
        text="Stop collecting images.",
        findings=[*recommendation.findings.all(), bc],
        made_on=None,
        response="refused",
        responded_on=date(2021, 3, 1),
        response_text="",
    )
    recommendation.refresh_from_db()
    assert recommendation.text == "Stop collecting images." and recommendation.findings.count() == 2
    assert _reasons(Recommendation, recommendation.pk)[-2:] == [
        "corrected: Both findings support it",
        "corrected: Both findings support it",
    ]
    with pytest.raises(ValidationError, match="Give the date of the respondent's answer"):
        services.recommendation_update(
            actor=alice, recommendation=recommendation, reason="x", response="accepted", responded_on=None
        )


def test_a_participation_is_corrected_and_the_lead_changes_hands(ref: Ref, alice: User, case: Investigation) -> None:
    bc = case.participations.get(authority=ref.oipc_bc)
    services.participation_update(
        actor=alice, participation=bc, reason="BC's file number was mistyped", file_number="P20-81997"
    )
    lead = case.participations.get(role="lead")
    with pytest.raises(ValidationError, match="An investigation has one lead"):
        services.participation_update(actor=alice, participation=lead, reason="x", role="joint")
    services.participation_update(actor=alice, participation=bc, reason="BC leads now", role="lead")
    roles = dict(case.participations.values_list("authority__code", "role"))
    assert roles == {"OPC": "joint", "OIPC-BC": "lead"}
    # A statute a finding rests on stays.
    with pytest.raises(ValidationError, match=re.escape(f"rests on {ref.pipa_bc.short_name}")):
        services.participation_update(actor=alice, participation=bc, reason="x", statutes=[])


def test_withdrawing_a_participation_hides_the_case_from_that_authority(
    ref: Ref, alice: User, bob: User, carol: User, case: Investigation
) -> None:
    bc = case.participations.get(authority=ref.oipc_bc)
    with pytest.raises(ValidationError, match=f"{ref.oipc_bc.name_en} has findings in this investigation"):
        services.participation_withdraw(actor=alice, participation=bc, reason="Added by mistake")
    services.finding_withdraw(
        actor=alice, finding=Finding.objects.get(participation=bc), reason="Recorded for the wrong authority"
    )
    assert case in investigations_visible_to(bob)
    services.participation_withdraw(actor=alice, participation=bc, reason="Added by mistake")
    # The rule in both directions agrees: BC's staff no longer see it, nor are they notified of it.
    assert case not in investigations_visible_to(bob) and case not in investigations_visible_to(carol)
    assert users_who_may_see({(case.pk, bob.pk), (case.pk, alice.pk)}) == {(case.pk, alice.pk)}
    with pytest.raises(ValidationError, match="withdrawn: restore it instead"):
        services.participation_add(actor=alice, investigation=case, authority=ref.oipc_bc, role="joint")
    lead = case.participations.get(role="lead")
    with pytest.raises(ValidationError, match="The lead authority cannot be withdrawn"):
        services.participation_withdraw(actor=alice, participation=lead, reason="x")
    finding = Finding.objects.get(participation=bc)
    with pytest.raises(ValidationError, match="restore it first"):
        services.finding_restore(actor=alice, finding=finding, reason="x")
    services.participation_restore(actor=alice, participation=bc, reason="BC does take part")
    assert case in investigations_visible_to(bob)


def test_respondents_are_corrected_withdrawn_and_restored(ref: Ref, alice: User, case: Investigation) -> None:
    # A typo in the name names another organization: replaced here only.
    other_case = services.investigation_open(
        actor=None,
        reference="OTHER-1",
        title="Other",
        origin="complaint",
        opened_on=date(2021, 1, 1),
        lead_authority=ref.opc,
        respondents=[ref.clearview],
    )
    corrected = services.respondent_correct(
        actor=alice,
        investigation=case,
        organization=ref.clearview,
        reason="The legal name has no comma",
        name="Clearview AI Inc.",
        country="US",
        kind="company",
    )
    assert list(case.respondents.all()) == [corrected]
    assert list(other_case.respondents.all()) == [ref.clearview]
    # Kind and website are the organization's facts: corrected on it.
    services.respondent_correct(
        actor=alice,
        investigation=case,
        organization=corrected,
        reason="Its website",
        name="Clearview AI Inc.",
        country="US",
        kind="company",
        website="https://www.clearview.ai",
    )
    corrected.refresh_from_db()
    assert corrected.website == "https://www.clearview.ai"
    # Withdrawing the only respondent is refused; with two, the withdrawn one is kept and restorable.
    with pytest.raises(ValidationError, match="at least one respondent"):
        services.respondent_withdraw(actor=alice, investigation=case, organization=corrected, reason="x")
    police = Organization.objects.create(name="Example Police Service", country="CA", kind="public_body")
    services.investigation_set_respondents(actor=alice, investigation=case, respondents=[corrected, police])
    withdrawal = services.respondent_withdraw(
        actor=alice, investigation=case, organization=police, reason="Not a respondent in this case"
    )
    assert list(case.respondents.all()) == [corrected]
    assert investigation_page(alice, case).withdrawn.respondents == [withdrawal]
    services.respondent_restore(actor=alice, withdrawal=withdrawal, reason="It is, after all")
    assert set(case.respondents.all()) == {corrected, police}
    withdrawal.refresh_from_db()
    assert withdrawal.restored_by == alice and withdrawal.restoration_reason == "It is, after all"
    assert RespondentWithdrawal.objects.count() == 1


# --- The pages and who may use them ----------------------------------------------------------------


def _url(name: str, case: Investigation, **kwargs: Any) -> str:
    return reverse(f"casework:{name}", kwargs={"reference": case.reference, **kwargs})


def _targets(ref: Ref, case: Investigation) -> dict[str, dict[str, Any]]:
    event = _event(case, last=True)
    finding = Finding.objects.get(participation__authority=ref.oipc_bc)
    assert event is not None
    return {
        "event": {"event_id": event.pk},
        "finding": {"finding_id": finding.pk},
        "recommendation": {"number": 2},
        "participant": {"authority": "OIPC-BC"},
        "respondent": {"respondent_id": ref.clearview.pk},
    }


def test_who_may_correct_withdraw_and_restore(
    ref: Ref, alice: User, bob: User, carol: User, dave: User, case: Investigation
) -> None:
    targets = _targets(ref, case)

    def answers(user: User | None) -> set[int]:
        client = Client()
        if user is not None:
            client.force_login(user)
        codes = set()
        for kind, keys in targets.items():
            for action in ("edit", "withdraw", "restore"):
                url = _url(f"{kind}_{action}", case, **keys)
                codes.add(client.get(url).status_code)
                codes.add(client.post(url, {}).status_code)
        return codes

    assert answers(None) == {302}  # to sign in
    assert answers(dave) == {404}  # another authority: as if it did not exist
    assert answers(carol) == {403} and answers(bob) == {403}  # they see it but may not change it
    # The assigned investigator: each form (an empty POST is refused on its form: 200); the
    # respondent's restore page needs a withdrawal (404 until there is one).
    client = Client()
    client.force_login(alice)
    assert client.get(_url("event_edit", case, **targets["event"])).status_code == 200
    assert client.get(_url("respondent_restore", case, **targets["respondent"])).status_code == 404


def test_an_investigator_corrects_and_withdraws_from_the_page(
    client: Client, ref: Ref, alice: User, case: Investigation
) -> None:
    client.force_login(alice)
    page = client.get(_url("investigation_detail", case)).content.decode()
    event = _event(case, last=True)
    finding = Finding.objects.get(participation__authority=ref.opc)
    assert _url("event_withdraw", case, event_id=event.pk) in page
    assert _url("finding_edit", case, finding_id=finding.pk) in page
    assert _url("participant_withdraw", case, authority="OIPC-BC") in page
    assert _url("participant_withdraw", case, authority="OPC") not in page  # the lead

    response = client.post(_url("event_withdraw", case, event_id=event.pk), {"reason": "Entered twice"})
    assert response.status_code == 302 and response["Location"].endswith("#withdrawn-heading")
    response = client.post(
        _url("finding_edit", case, finding_id=finding.pk),
        {
            "authority": ref.opc.pk,
            "statute": ref.pipeda.pk,
            "provision": "s. 6.1",
            "issue": "consent",
            "conclusion": "well_founded",
            "issued_on": "2021-02-02",
            "reason": "The report says well-founded",
        },
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.conclusion, finding.provision) == ("well_founded", "s. 6.1")

    page = client.get(_url("investigation_detail", case)).content.decode()
    assert "Withdrawn from the case" in page and "Entered twice" in page
    assert _url("event_restore", case, event_id=event.pk) in page
    history = client.get(_url("investigation_history", case) + "?partial=1").content.decode()
    assert "withdrawn: Entered twice" in history and "corrected: The report says well-founded" in history


def test_a_form_without_a_reason_is_refused_and_nothing_changes(
    client: Client, ref: Ref, alice: User, case: Investigation
) -> None:
    client.force_login(alice)
    event = _event(case)
    response = client.post(
        _url("event_edit", case, event_id=event.pk),
        {"date": "2020-07-07", "date_precision": "day", "kind": "respondent_action", "summary": "Left Canada."},
    )
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    event.refresh_from_db()
    assert event.date == date(2020, 7, 6)
    response = client.post(_url("participant_withdraw", case, authority="OIPC-BC"), {"reason": "Mistake"})
    assert response.status_code == 200
    assert escape(f"{ref.oipc_bc.name_en} has findings in this investigation: withdraw them first.") in (
        response.content.decode()
    )
    assert not Participation.objects.get(investigation=case, authority=ref.oipc_bc).withdrawn


def test_the_page_escapes_what_people_typed_in_a_reason(client: Client, alice: User, case: Investigation) -> None:
    client.force_login(alice)
    event = _event(case)
    client.post(_url("event_withdraw", case, event_id=event.pk), {"reason": "<script>alert(1)</script>"})
    page = client.get(_url("investigation_detail", case)).content.decode()
    history = client.get(_url("investigation_history", case) + "?partial=1").content.decode()
    for html in (page, history):
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
