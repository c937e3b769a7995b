"""Order rules through the services: who may issue, status transitions, stays, extensions, revisions."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from casework.models import HolidayAdjustment, Investigation, User
from orders.models import Deadline, Order, OrderStatus
from orders.services import (
    deadline_close,
    deadline_extend,
    deadline_preview,
    deadline_stay,
    deadline_stay_lift,
    deadlines_recompute,
    order_draft,
    order_issue,
    order_record_service,
    order_revise,
    order_set_status,
    proceeding_decide,
    proceeding_grant_stay,
    proceeding_record,
    submission_assess,
    submission_record,
    term_add,
)
from tests.conftest import Ref


def test_it_refuses_an_order_for_the_opc_saying_why(ref: Ref, joint_investigation: Investigation, alice: User) -> None:
    with pytest.raises(ValidationError) as caught:
        order_draft(actor=alice, investigation=joint_investigation, authority=ref.opc, number="X-1", legal_basis="-")
    assert "OPC cannot issue binding orders" in str(caught.value.message_dict["authority"])
    assert not Order.objects.exists()


def test_it_refuses_an_authority_that_does_not_take_part(ref: Ref, joint_investigation: Investigation) -> None:
    with pytest.raises(ValidationError) as caught:
        order_draft(actor=None, investigation=joint_investigation, authority=ref.cai, number="1", legal_basis="-")
    assert "does not take part" in str(caught.value)


def test_it_computes_due_dates_on_issue(bc_order: Order) -> None:
    first, second = (t.deadline for t in bc_order.terms.order_by("number"))
    assert first.due_on == date(2022, 1, 25)
    # 60 BC business days from 2021-12-14: 27 December and 3 January count, Family Day 2022-02-21 does not
    assert second.due_on == second.original_due_on == date(2022, 3, 9)
    assert second.explanation.startswith("60 business days from 14 December 2021")
    assert bc_order.status == OrderStatus.ISSUED


def test_numbers_are_unique_per_authority(
    bc_order: Order, ref: Ref, joint_investigation: Investigation, carol: User
) -> None:
    # Among every order for the system, among the orders they may see for a person (casework.namesakes).
    for actor in (None, carol):
        with pytest.raises(ValidationError):
            order_draft(
                actor=actor, investigation=joint_investigation, authority=ref.oipc_bc, number="P21-08", legal_basis="-"
            )


def test_an_issued_order_is_never_edited_in_place(bc_order: Order) -> None:
    with pytest.raises(ValidationError) as caught:
        term_add(actor=None, order=bc_order, text="More.", deadline_rule={"rule": "immediate"})
    assert "record an amendment" in str(caught.value)


def test_it_records_an_amendment_with_who_when_why(bc_order: Order, carol: User) -> None:
    revision = order_revise(
        actor=carol,
        order=bc_order,
        kind="amendment",
        made_on=date(2022, 1, 5),
        reason="Typo in the term",
        term_texts={1: {"text": "Cease offering the service in B.C."}},
    )
    assert revision.changes == {
        "term 1 text": ["Cease offering the service in BC.", "Cease offering the service in B.C."]
    }
    assert revision.made_by == carol
    term = bc_order.terms.get(number=1)
    assert term.history.first().history_user == carol


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["complied"], "upheld"),
        (["withdrawn"], "issued"),
        (["under_judicial_review", "quashed"], "complied"),
    ],
)
def test_it_refuses_transitions_that_make_no_sense(bc_order: Order, path: list[str], refused: str) -> None:
    for status in path:
        order_set_status(actor=None, order=bc_order, status=status)
    with pytest.raises(ValidationError) as caught:
        order_set_status(actor=None, order=bc_order, status=refused)
    assert "cannot become" in str(caught.value)


def test_a_draft_is_issued_only_through_issue(ref: Ref, joint_investigation: Investigation) -> None:
    order = order_draft(
        actor=None, investigation=joint_investigation, authority=ref.oipc_bc, number="P1", legal_basis="-"
    )
    with pytest.raises(ValidationError):
        order_set_status(actor=None, order=order, status="issued")
    with pytest.raises(ValidationError) as caught:
        order_issue(actor=None, order=order, issued_on=date(2022, 1, 1))
    assert "at least one term" in str(caught.value)


def test_a_bilingual_authority_needs_both_texts(ref: Ref, joint_investigation: Investigation) -> None:
    ref.oipc_bc.issues_in = ["en", "fr"]
    ref.oipc_bc.save()
    order = order_draft(
        actor=None, investigation=joint_investigation, authority=ref.oipc_bc, number="P2", legal_basis="-"
    )
    term_add(actor=None, order=order, text="Stop.", deadline_rule={"rule": "immediate"})
    with pytest.raises(ValidationError) as caught:
        order_issue(actor=None, order=order, issued_on=date(2022, 1, 1))
    assert caught.value.messages == ["Term 1 has no French text."]


def test_a_rule_counted_from_service_waits_for_the_service_date(ref: Ref, joint_investigation: Investigation) -> None:
    order = order_draft(
        actor=None, investigation=joint_investigation, authority=ref.oipc_bc, number="P3", legal_basis="-"
    )
    term_add(
        actor=None,
        order=order,
        text="Delete.",
        deadline_rule={"rule": "calendar_days", "days": 50, "from": "served_on"},
    )
    order_issue(actor=None, order=order, issued_on=date(2021, 12, 7))
    deadline = Deadline.objects.get(term__order=order)
    assert deadline.due_on is None
    order_record_service(actor=None, order=order, served_on=date(2021, 12, 15))
    deadline.refresh_from_db()
    assert deadline.due_on == date(2022, 2, 3)


def test_it_previews_a_rule_and_names_a_bad_one(bc_order: Order, ref: Ref, joint_investigation: Investigation) -> None:
    draft = order_draft(
        actor=None, investigation=joint_investigation, authority=ref.oipc_bc, number="P4", legal_basis="-"
    )
    preview = deadline_preview(order=draft, deadline_rule={"rule": "fixed", "date": "2030-01-02"})
    assert preview is not None
    assert preview.due_on == date(2030, 1, 2)
    with pytest.raises(ValidationError) as caught:
        deadline_preview(order=draft, deadline_rule={"rule": "weeks", "weeks": 2})
    assert caught.value.message_dict["deadline_rule"] == ["rule: unknown rule 'weeks'"]


def test_a_stay_pauses_and_resumes_with_the_days_left(bc_order: Order, carol: User) -> None:
    deadline = bc_order.terms.get(number=1).deadline  # due 2022-01-25
    deadline_stay(actor=carol, deadline=deadline, started_on=date(2022, 1, 15), reason="Court stay")
    deadline.refresh_from_db()
    assert deadline.status == "stayed"
    with pytest.raises(ValidationError):
        deadline_stay(actor=carol, deadline=deadline, started_on=date(2022, 1, 16), reason="Again")
    deadline_stay_lift(actor=carol, deadline=deadline, lifted_on=date(2022, 6, 1))
    deadline.refresh_from_db()
    # 10 days were left; 2022-06-11 is a Saturday → Monday 2022-06-13
    assert deadline.due_on == date(2022, 6, 13)
    assert deadline.status == "open"
    assert "10 calendar days left" in deadline.explanation


def test_an_extension_moves_the_date_later_only(bc_order: Order, carol: User) -> None:
    deadline = bc_order.terms.get(number=1).deadline
    with pytest.raises(ValidationError):
        deadline_extend(actor=carol, deadline=deadline, new_due_on=date(2022, 1, 20), reason="Earlier?")
    with pytest.raises(ValidationError):
        deadline_extend(actor=carol, deadline=deadline, new_due_on=date(2022, 2, 20), reason=" ")
    extension = deadline_extend(actor=carol, deadline=deadline, new_due_on=date(2022, 2, 25), reason="Asked in time")
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.status, extension.previous_due_on) == (
        date(2022, 2, 25),
        "extended",
        date(2022, 1, 25),
    )


def test_a_sufficient_submission_marks_the_deadline_met(bc_order: Order, carol: User) -> None:
    term = bc_order.terms.get(number=1)
    submission = submission_record(
        actor=carol, order=bc_order, term=term, received_on=date(2022, 1, 20), summary="Affidavit of deletion"
    )
    submission_assess(actor=carol, submission=submission, assessment="sufficient", assessed_on=date(2022, 1, 24))
    term.deadline.refresh_from_db()
    assert (term.deadline.status, term.deadline.met_on) == ("met", date(2022, 1, 20))
    with pytest.raises(ValidationError):
        deadline_close(actor=carol, deadline=term.deadline, status="missed")


def test_a_court_stay_and_decision_drive_the_order(bc_order: Order, carol: User) -> None:
    proceeding = proceeding_record(
        actor=carol,
        order=bc_order,
        court="Supreme Court of British Columbia",
        file_number="S-220000",
        filed_on=date(2022, 1, 20),
    )
    bc_order.refresh_from_db()
    assert bc_order.status == "under_judicial_review"
    proceeding_grant_stay(actor=carol, proceeding=proceeding, stay_from=date(2022, 1, 21))
    bc_order.refresh_from_db()
    assert bc_order.status == "stayed"
    assert set(Deadline.objects.filter(term__order=bc_order).values_list("status", flat=True)) == {"stayed"}
    proceeding_decide(
        actor=carol, proceeding=proceeding, outcome="upheld", decided_on=date(2024, 12, 18), citation="2024 BCSC 2311"
    )
    bc_order.refresh_from_db()
    assert bc_order.status == "upheld"
    first = Deadline.objects.get(term__order=bc_order, term__number=1)
    # 4 days were left on 2022-01-21; 2024-12-22 is a Sunday → Monday 23
    assert (first.status, first.due_on) == ("open", date(2024, 12, 23))


def test_recompute_reports_what_moved_after_a_holiday_change(bc_order: Order, ref: Ref) -> None:
    second = bc_order.terms.get(number=2).deadline
    before = second.due_on
    HolidayAdjustment.objects.create(
        jurisdiction=ref.bc, day=date(2022, 1, 10), change="add", name="Proclaimed day", source="test proclamation"
    )
    moved = deadlines_recompute(actor=None, deadlines=list(Deadline.objects.filter(term__order=bc_order)))
    # One more day not counted: 2022-03-09 (Wednesday) becomes Thursday 2022-03-10
    assert [(d.pk, b, a) for d, b, a in moved] == [(second.pk, before, date(2022, 3, 10))]
    second.refresh_from_db()
    assert "10 January 2022 (Proclaimed day (test proclamation))" in second.explanation


def test_the_recompute_command_reports_and_records_moves(bc_order: Order, ref: Ref) -> None:
    import json
    from io import StringIO

    from django.core.management import call_command

    HolidayAdjustment.objects.create(
        jurisdiction=ref.bc, day=date(2022, 1, 10), change="add", name="Proclaimed day", source="test proclamation"
    )
    out = StringIO()
    call_command("recompute_deadlines", "--dry-run", "--json", stdout=out)
    assert json.loads(out.getvalue())["moved"][0]["after"] == "2022-03-10"
    assert Deadline.objects.get(term__order=bc_order, term__number=2).due_on == date(2022, 3, 9)
    out = StringIO()
    call_command("recompute_deadlines", stdout=out)
    assert "OIPC-BC P21-08 term 2: 2022-03-09 → 2022-03-10" in out.getvalue()
    deadline = Deadline.objects.get(term__order=bc_order, term__number=2)
    assert deadline.history.first().history_change_reason == (
        "recomputed: 2022-03-09 → 2022-03-10 (the holidays under the Interpretation Act, RSBC 1996, c 238, s 29)"
    )


def test_a_court_stay_leaves_a_deadline_waiting_for_service_alone(ref: Ref, joint_investigation: Investigation) -> None:
    order = order_draft(
        actor=None, investigation=joint_investigation, authority=ref.oipc_bc, number="P5", legal_basis="-"
    )
    term_add(actor=None, order=order, text="Stop.", deadline_rule={"rule": "fixed", "date": "2022-02-01"})
    term_add(
        actor=None,
        order=order,
        text="Delete.",
        deadline_rule={"rule": "calendar_days", "days": 50, "from": "served_on"},
    )
    order_issue(actor=None, order=order, issued_on=date(2021, 12, 7))
    proceeding = proceeding_record(actor=None, order=order, court="Court of King's Bench of Alberta")
    proceeding_grant_stay(actor=None, proceeding=proceeding, stay_from=date(2022, 1, 10))
    statuses = dict(Deadline.objects.filter(term__order=order).values_list("term__number", "status"))
    assert statuses == {1: "stayed", 2: "open"}
