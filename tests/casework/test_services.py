"""The casework rules that span rows, through the services, and the audit trail they write."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from casework import services
from casework.models import Investigation, Participation, User
from tests.conftest import Ref


def test_it_records_who_did_what_and_why(joint_investigation: Investigation, alice: User) -> None:
    services.investigation_update(actor=alice, investigation=joint_investigation, stage="report_issued")
    latest = joint_investigation.history.first()
    assert latest is not None
    assert (latest.history_user, latest.history_change_reason, latest.stage) == (
        alice,
        "investigation updated",
        "report_issued",
    )
    assert latest.prev_record is not None and latest.prev_record.stage == "investigation"


def test_a_refused_edit_leaves_the_object_as_it_was(joint_investigation: Investigation, alice: User) -> None:
    with pytest.raises(ValidationError) as caught:
        services.investigation_update(actor=alice, investigation=joint_investigation, closed_on=date(2019, 1, 1))
    assert "closed_on" in caught.value.message_dict
    assert joint_investigation.closed_on is None


def test_an_authority_applies_only_the_statutes_it_enforces(ref: Ref, joint_investigation: Investigation) -> None:
    with pytest.raises(ValidationError) as caught:
        services.participation_add(
            actor=None, investigation=joint_investigation, authority=ref.cai, role="joint", statutes=[ref.pipeda]
        )
    assert caught.value.message_dict["statutes"] == [f"{ref.cai.name_en} does not enforce {ref.pipeda.short_name}."]


def test_an_investigation_has_one_lead_and_each_authority_once(ref: Ref, joint_investigation: Investigation) -> None:
    with pytest.raises(ValidationError) as caught:
        services.participation_add(
            actor=None, investigation=joint_investigation, authority=ref.cai, role=Participation.Role.LEAD
        )
    assert "already has a lead" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        services.participation_add(actor=None, investigation=joint_investigation, authority=ref.oipc_bc, role="joint")
    assert f"{ref.oipc_bc.name_en} already takes part" in str(caught.value)


def test_a_finding_is_made_under_a_statute_its_authority_applies(ref: Ref, joint_investigation: Investigation) -> None:
    with pytest.raises(ValidationError) as caught:
        services.finding_record(
            actor=None,
            investigation=joint_investigation,
            authority=ref.opc,
            statute=ref.pipa_bc,
            issue="consent",
            conclusion="well_founded",
            issued_on=date(2021, 2, 2),
        )
    message = f"{ref.opc.name_en} does not apply {ref.pipa_bc.short_name} in this investigation."
    assert caught.value.message_dict["statute"] == [message]
    with pytest.raises(ValidationError) as caught:
        services.finding_record(
            actor=None,
            investigation=joint_investigation,
            authority=ref.cai,
            statute=ref.qc_private,
            issue="consent",
            conclusion="well_founded",
            issued_on=date(2021, 2, 2),
        )
    assert "does not take part" in str(caught.value)


def test_recommendations_are_numbered_and_answered_with_a_date(joint_investigation: Investigation, ref: Ref) -> None:
    finding = services.finding_record(
        actor=None,
        investigation=joint_investigation,
        authority=ref.opc,
        statute=ref.pipeda,
        issue="consent",
        conclusion="well_founded",
        issued_on=date(2021, 2, 2),
    )
    first = services.recommendation_add(
        actor=None, investigation=joint_investigation, text="Stop.", findings=[finding], made_on=date(2021, 2, 2)
    )
    second = services.recommendation_add(actor=None, investigation=joint_investigation, text="Delete.")
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(ValidationError) as caught:
        services.recommendation_respond(actor=None, recommendation=first, response="refused", responded_on=None)
    assert caught.value.message_dict["responded_on"] == ["Give the date of the respondent's answer."]
    with pytest.raises(ValidationError):
        services.recommendation_respond(
            actor=None, recommendation=first, response="refused", responded_on=date(2021, 1, 1)
        )
    services.recommendation_respond(actor=None, recommendation=first, response="refused", responded_on=date(2021, 2, 3))
    first.refresh_from_db()
    assert first.response == "refused"


def test_only_staff_of_taking_part_authorities_are_assigned(
    joint_investigation: Investigation, bob: User, dave: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.investigation_set_assignees(actor=None, investigation=joint_investigation, assignees=[bob, dave])
    assert "dave" in caught.value.message_dict["assignees"][0]
    services.investigation_set_assignees(actor=None, investigation=joint_investigation, assignees=[bob])
    assert list(joint_investigation.assignees.all()) == [bob]


def test_links_are_refused_to_itself_and_twice(ref: Ref, joint_investigation: Investigation, alice: User) -> None:
    other = services.investigation_open(
        actor=alice,
        reference="PA-2",
        title="Other",
        origin="complaint",
        opened_on=date(2020, 2, 28),
        lead_authority=ref.opc,
        respondents=[ref.clearview],
    )
    with pytest.raises(ValidationError):
        services.investigation_link(actor=None, from_investigation=other, to_investigation=other)
    services.investigation_link(actor=None, from_investigation=joint_investigation, to_investigation=other)
    for a, b in [(joint_investigation, other), (other, joint_investigation)]:
        with pytest.raises(ValidationError) as caught:
            services.investigation_link(actor=None, from_investigation=a, to_investigation=b)
        assert caught.value.message_dict["to_investigation"] == ["These investigations are already linked."]


def test_the_reference_new_is_reserved(ref: Ref, alice: User) -> None:
    with pytest.raises(ValidationError) as caught:
        services.investigation_open(
            actor=alice,
            reference="new",
            title="T",
            origin="complaint",
            opened_on=date(2020, 1, 1),
            lead_authority=ref.opc,
            respondents=[ref.clearview],
        )
    assert "reserved" in str(caught.value.message_dict["reference"])
