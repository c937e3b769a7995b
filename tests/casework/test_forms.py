"""The investigation forms: the choices they offer and how a service's objections land on them."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from casework import services
from casework.filters import InvestigationFilter
from casework.forms import (
    AssigneesForm,
    EventAddForm,
    FindingRecordForm,
    InvestigationEditForm,
    InvestigationOpenForm,
    LinkAddForm,
    ParticipantAddForm,
    RecommendationAddForm,
    RecommendationRespondForm,
)
from casework.models import Investigation, User
from tests.conftest import Ref

pytestmark = pytest.mark.django_db


def test_it_limits_the_lead_statutes_to_those_the_users_authority_enforces(ref: Ref, alice: User) -> None:
    form = InvestigationOpenForm(user=alice)
    assert list(form.fields["lead_statutes"].queryset) == [ref.pipeda]  # type: ignore[attr-defined]
    assert "lead_authority" not in form.fields  # it is alice's own authority


def test_it_asks_a_superuser_for_the_lead_authority(ref: Ref, root: User) -> None:
    form = InvestigationOpenForm(user=root)
    assert form.fields["lead_authority"].required


def test_it_uses_a_native_date_picker(alice: User) -> None:
    assert 'type="date"' in str(InvestigationOpenForm(user=alice)["opened_on"])
    assert 'type="date"' in str(EventAddForm()["date"])


def test_it_labels_every_field(ref: Ref, alice: User, joint_investigation: Investigation) -> None:
    recommendation = services.recommendation_add(actor=None, investigation=joint_investigation, text="Stop.")
    forms = [
        InvestigationOpenForm(user=alice),
        InvestigationEditForm(investigation=joint_investigation),
        ParticipantAddForm(investigation=joint_investigation),
        EventAddForm(),
        FindingRecordForm(investigation=joint_investigation),
        RecommendationAddForm(investigation=joint_investigation),
        RecommendationRespondForm(recommendation=recommendation),
        LinkAddForm(user=alice, investigation=joint_investigation),
        AssigneesForm(investigation=joint_investigation, user=alice),
        InvestigationFilter().form,
    ]
    for form in forms:
        for name, field in form.fields.items():
            assert field.label, f"{type(form).__name__}.{name} has no label"


def test_it_needs_a_respondent(ref: Ref, alice: User) -> None:
    base = {"reference": "R-1", "title": "T", "origin": "complaint", "opened_on": "2021-01-01", "stage": "intake"}
    form = InvestigationOpenForm({**base, "new_respondent_kind": "company"}, user=alice)
    assert not form.is_valid()
    assert form.errors["respondents"] == ["Choose a respondent, or type a new respondent's name."]

    form = InvestigationOpenForm(
        {**base, "new_respondent_name": "New Co.", "new_respondent_kind": "company"}, user=alice
    )
    assert not form.is_valid()
    assert form.errors["new_respondent_country"] == ["Give the new respondent's country."]

    form = InvestigationOpenForm(
        {**base, "new_respondent_name": "New Co.", "new_respondent_country": "ca", "new_respondent_kind": "company"},
        user=alice,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["new_respondent_country"] == "CA"


def test_it_refuses_a_malformed_reference(alice: User) -> None:
    form = InvestigationOpenForm({"reference": "has space"}, user=alice)
    assert not form.is_valid()
    assert "reference" in form.errors


def test_it_puts_a_service_error_on_the_matching_field(alice: User) -> None:
    form = InvestigationOpenForm({}, user=alice)
    form.is_valid()
    form.add_service_error(ValidationError({"country": ["Bad country."], "reference": ["Taken."]}))
    assert "Bad country." in form.errors["new_respondent_country"]  # renamed through service_fields
    assert "Taken." in form.errors["reference"]


def test_it_puts_other_service_errors_above_the_form(alice: User) -> None:
    form = EventAddForm({"date": "2021-01-01", "kind": "other", "summary": "S", "date_precision": "day"})
    assert form.is_valid()
    form.add_service_error(ValidationError({"investigation": ["Unknown field."], NON_FIELD_ERRORS: ["Clash."]}))
    form.add_service_error(ValidationError("No field at all."))
    assert form.non_field_errors() == ["Unknown field.", "Clash.", "No field at all."]


def test_it_offers_only_authorities_not_yet_taking_part(ref: Ref, joint_investigation: Investigation) -> None:
    form = ParticipantAddForm(investigation=joint_investigation)
    assert list(form.fields["authority"].queryset) == [ref.cai]  # type: ignore[attr-defined]


def test_it_offers_findings_for_participants_and_the_statutes_they_apply(
    ref: Ref, joint_investigation: Investigation
) -> None:
    form = FindingRecordForm(investigation=joint_investigation)
    assert set(form.fields["authority"].queryset) == {ref.opc, ref.oipc_bc}  # type: ignore[attr-defined]
    assert set(form.fields["statute"].queryset) == {ref.pipeda, ref.pipa_bc}  # type: ignore[attr-defined]


def test_it_offers_only_this_investigations_findings(ref: Ref, joint_investigation: Investigation) -> None:
    own = services.finding_record(
        actor=None,
        investigation=joint_investigation,
        authority=ref.opc,
        statute=ref.pipeda,
        issue="consent",
        conclusion="well_founded",
        issued_on=date(2021, 2, 2),
    )
    other = services.investigation_open(
        actor=None,
        reference="OTHER-1",
        title="Other",
        origin="complaint",
        opened_on=date(2021, 1, 1),
        lead_authority=ref.opc,
        respondents=[ref.clearview],
        lead_statutes=[ref.pipeda],
    )
    services.finding_record(
        actor=None,
        investigation=other,
        authority=ref.opc,
        statute=ref.pipeda,
        issue="consent",
        conclusion="well_founded",
        issued_on=date(2021, 2, 2),
    )
    form = RecommendationAddForm(investigation=joint_investigation)
    assert list(form.fields["findings"].queryset) == [own]  # type: ignore[attr-defined]


def test_it_finds_a_related_investigation_by_reference_among_visible_ones(
    ref: Ref, alice: User, joint_investigation: Investigation
) -> None:
    visible = services.investigation_open(
        actor=None,
        reference="OPC-2",
        title="Visible",
        origin="complaint",
        opened_on=date(2021, 1, 1),
        lead_authority=ref.opc,
        respondents=[ref.clearview],
    )
    form = LinkAddForm({"reference": " OPC-2 ", "kind": "related"}, user=alice, investigation=joint_investigation)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reference"] == visible

    services.investigation_link(actor=None, from_investigation=joint_investigation, to_investigation=visible)
    form = LinkAddForm({"reference": "OPC-2", "kind": "related"}, user=alice, investigation=joint_investigation)
    assert form.errors["reference"] == ["These investigations are already linked."]


def test_it_offers_only_staff_of_participating_authorities(
    ref: Ref, alice: User, bob: User, carol: User, dave: User, root: User, joint_investigation: Investigation
) -> None:
    form = AssigneesForm(investigation=joint_investigation, user=root)
    assert set(form.fields["assignees"].queryset) == {alice, bob, carol}  # type: ignore[attr-defined]
    assert form.initial["assignees"] == [alice]
    # Each authority assigns its own people: carol (OIPC-BC) is offered BC staff, and sees alice as assigned by OPC.
    form = AssigneesForm(investigation=joint_investigation, user=carol)
    assert set(form.fields["assignees"].queryset) == {bob, carol}  # type: ignore[attr-defined]
    assert form.initial["assignees"] == [] and form.others == [alice]


def test_it_starts_the_edit_form_from_the_investigation(ref: Ref, joint_investigation: Investigation) -> None:
    form = InvestigationEditForm(investigation=joint_investigation)
    assert form.initial["title"] == joint_investigation.title
    assert form.initial["respondents"] == [ref.clearview]


def test_it_starts_the_answer_form_from_the_recommendation(joint_investigation: Investigation) -> None:
    recommendation = services.recommendation_add(
        actor=None, investigation=joint_investigation, text="Stop.", response="refused", responded_on=date(2021, 3, 1)
    )
    form = RecommendationRespondForm(recommendation=recommendation)
    assert form.initial["response"] == "refused"
    assert form.initial["responded_on"] == date(2021, 3, 1)


def test_it_lists_nothing_for_an_unknown_filter_value_and_says_why(
    ref: Ref, bob: User, joint_investigation: Investigation
) -> None:
    # Issue 12: an unknown value answers with a message, not with every row (it used to be ignored).
    from casework.selectors import investigation_list

    filters = InvestigationFilter({"stage": "no-such-stage", "q": "joint"})
    assert list(investigation_list(bob, filters)) == []
    assert "stage" in filters.form.errors
    filters = InvestigationFilter({"stage": "investigation", "q": "joint"})
    assert list(investigation_list(bob, filters)) == [joint_investigation]
    filters = InvestigationFilter({"q": "nothing like it"})
    assert list(investigation_list(bob, filters)) == []
