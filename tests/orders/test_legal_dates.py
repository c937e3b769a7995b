"""Due dates as the statutes give them, through the services, for fictional CAI and OIPC-BC orders.

Each order is issued on a day from which its rule reaches Easter Monday, 26 December,
27 December or 3 January of some year; the expected dates are written out. Then: the
stay that BC PIPA s 53(2) imposes when judicial review is brought within the time to
comply, the one "today" of legal dates, and the recomputation of existing deadlines.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from casework.models import HolidayAdjustment, Investigation, Participation, User
from casework.services import participation_add
from orders.models import CourtProceeding, Deadline, Order
from orders.services import (
    deadline_close,
    deadline_extend,
    deadlines_recompute_report,
    order_draft,
    order_issue,
    proceeding_decide,
    proceeding_record,
    submission_assess,
    submission_record,
    term_add,
)
from tests.conftest import Ref

BC_STAY = "Personal Information Protection Act, SBC 2003, c 63, s 53(2)"


@pytest.fixture
def cai_joins(ref: Ref, joint_investigation: Investigation, alice: User) -> Investigation:
    participation_add(
        actor=alice,
        investigation=joint_investigation,
        authority=ref.cai,
        role=Participation.Role.JOINT,
        statutes=[ref.qc_private],
        file_number="1000001",
    )
    return joint_investigation


_numbers = iter(range(1, 10_000))


def _due(authority_order: tuple[Ref, Investigation, str], rule: dict, issued_on: date) -> Deadline:
    ref, investigation, code = authority_order
    authority = ref.cai if code == "CAI" else ref.oipc_bc
    order = order_draft(
        actor=None, investigation=investigation, authority=authority, number=f"T-{next(_numbers)}", legal_basis="-"
    )
    term_add(actor=None, order=order, text="Do it.", text_fr="Le faire.", deadline_rule=rule)
    order_issue(actor=None, order=order, issued_on=issued_on)
    return Deadline.objects.get(term__order=order)


@pytest.mark.parametrize(
    ("code", "rule", "issued_on", "due_on"),
    [
        # --- Commission d'accès à l'information (Quebec, RLRQ c I-16 art. 61(23)) ---
        # 10 days reach Easter Monday 21 April 2025, a holiday (art. 61(23)d)): Tuesday 22 April.
        ("CAI", {"rule": "calendar_days", "days": 10}, date(2025, 4, 11), date(2025, 4, 22)),
        # 30 days reach Easter Monday 29 March 2027: Tuesday 30 March.
        ("CAI", {"rule": "calendar_days", "days": 30}, date(2027, 2, 27), date(2027, 3, 30)),
        # 26 December 2025 (a Friday) is no holiday in Quebec: due that day.
        ("CAI", {"rule": "calendar_days", "days": 10}, date(2025, 12, 16), date(2025, 12, 26)),
        # Christmas 2027 is a Saturday; Monday 27 December is a working day (no substitute day).
        ("CAI", {"rule": "calendar_days", "days": 10}, date(2027, 12, 17), date(2027, 12, 27)),
        # 1 January 2028 is a Saturday; Monday 3 January is a working day.
        ("CAI", {"rule": "calendar_days", "days": 10}, date(2027, 12, 24), date(2028, 1, 3)),
        # 2 January 2026 (a Friday) is no holiday of art. 61(23).
        ("CAI", {"rule": "calendar_days", "days": 1}, date(2026, 1, 1), date(2026, 1, 2)),
        # 24 June 2029 is a Sunday: 25 June is a working day under art. 61(23).
        ("CAI", {"rule": "calendar_days", "days": 10}, date(2029, 6, 14), date(2029, 6, 25)),
        # 10 business days across Good Friday and Easter Monday 2026 (3 and 6 April).
        ("CAI", {"rule": "business_days", "days": 10}, date(2026, 3, 27), date(2026, 4, 14)),
        # --- OIPC-BC (Interpretation Act, RSBC 1996, c 238, s 29) ---
        # Easter Monday 6 April 2026 is a holiday (s 29(a)): Tuesday 7 April.
        ("OIPC-BC", {"rule": "calendar_days", "days": 10}, date(2026, 3, 27), date(2026, 4, 7)),
        # 26 December 2025 (a Friday) is a holiday (s 29(c)): then the weekend, Monday 29 December.
        ("OIPC-BC", {"rule": "calendar_days", "days": 10}, date(2025, 12, 16), date(2025, 12, 29)),
        # Christmas 2022 is a Sunday and 26 December a Monday holiday; Tuesday 27 December is a working day.
        ("OIPC-BC", {"rule": "calendar_days", "days": 10}, date(2022, 12, 17), date(2022, 12, 27)),
        ("OIPC-BC", {"rule": "calendar_days", "days": 9}, date(2022, 12, 17), date(2022, 12, 27)),
        # New Year's Day 2022 is a Saturday; Monday 3 January is a working day.
        ("OIPC-BC", {"rule": "calendar_days", "days": 10}, date(2021, 12, 24), date(2022, 1, 3)),
        # BC PIPA's 30 days (s 1: no Saturdays or holidays) from Order P21-08's day: the OIPC's own date.
        ("OIPC-BC", {"rule": "business_days", "days": 30}, date(2021, 12, 14), date(2022, 1, 25)),
        # The same count from 14 December 2027: 27 and 28 December and 3 January count.
        ("OIPC-BC", {"rule": "business_days", "days": 30}, date(2027, 12, 14), date(2028, 1, 25)),
        # Two months to 26 December 2026 (a Saturday, and a holiday): Monday 28 December.
        ("OIPC-BC", {"rule": "months", "months": 2}, date(2026, 10, 26), date(2026, 12, 28)),
    ],
)
def test_each_rule_gives_the_date_the_statute_gives(
    ref: Ref, cai_joins: Investigation, code: str, rule: dict, issued_on: date, due_on: date
) -> None:
    deadline = _due((ref, cai_joins, code), rule, issued_on)
    assert deadline.due_on == due_on


def test_the_explanation_names_the_statute_and_the_holiday_in_both_languages(
    ref: Ref, cai_joins: Investigation
) -> None:
    from orders.deadlines import explain_steps

    deadline = _due((ref, cai_joins, "OIPC-BC"), {"rule": "calendar_days", "days": 10}, date(2026, 3, 27))
    assert deadline.explanation == (
        "10 calendar days from 27 March 2026 (issue) → 6 April 2026, not a business day: moved forward over "
        "6 April 2026 (Easter Monday) to the next day that is neither a Saturday, a Sunday nor one of the holidays "
        "under the Interpretation Act, RSBC 1996, c 238, s 29 → 7 April 2026."
    )
    assert "6 avril 2026 (lundi de Pâques)" in explain_steps(deadline.steps, "fr")
    assert "→ le 7 avril 2026." in explain_steps(deadline.steps, "fr")


# --- BC PIPA s 53(2): judicial review brought in time stays the order ----------------------------------


@pytest.fixture
def bc_with_stay(ref: Ref) -> Ref:
    ref.oipc_bc.judicial_review_stay = BC_STAY
    ref.oipc_bc.judicial_review_stay_fr = "Personal Information Protection Act, SBC 2003, c 63, par. 53(2)"
    ref.oipc_bc.save(update_fields=["judicial_review_stay", "judicial_review_stay_fr"])
    return ref


def _p21_08(ref: Ref, investigation: Investigation, carol: User) -> Order:
    order = order_draft(
        actor=carol, investigation=investigation, authority=ref.oipc_bc, number="P21-08", legal_basis="PIPA s. 52"
    )
    for text in ("Stop offering the service.", "Delete the images."):
        term_add(actor=carol, order=order, text=text, deadline_rule={"rule": "business_days", "days": 30})
    return order_issue(actor=carol, order=order, issued_on=date(2021, 12, 14))


def test_judicial_review_brought_in_time_stays_the_order_from_the_filing_day(
    bc_with_stay: Ref, joint_investigation: Investigation, carol: User
) -> None:
    order = _p21_08(bc_with_stay, joint_investigation, carol)
    proceeding = proceeding_record(
        actor=carol, order=order, court="Supreme Court of British Columbia", filed_on=date(2022, 1, 21)
    )
    deadlines = list(Deadline.objects.filter(term__order=order).order_by("term__number"))
    assert [(d.status, d.due_on) for d in deadlines] == [("stayed", date(2022, 1, 25))] * 2
    stay = deadlines[0].stays.get()
    assert (stay.started_on, stay.provision, stay.proceeding_id) == (date(2022, 1, 21), BC_STAY, proceeding.pk)
    assert deadlines[0].explanation.split("\n")[-1] == (
        "Stayed by law from 21 January 2022, the day an application for judicial review was filed within the "
        f"compliance period ({BC_STAY})."
    )
    # The court dismisses the petition: the stay ends; 4 calendar days were left.
    proceeding_decide(actor=carol, proceeding=proceeding, outcome="upheld", decided_on=date(2024, 12, 18))
    first = Deadline.objects.get(pk=deadlines[0].pk)
    assert (first.status, first.due_on, first.original_due_on) == ("open", date(2024, 12, 23), date(2022, 1, 25))
    assert first.history.filter(history_change_reason="stayed").exists()
    assert first.history.filter(history_change_reason="stay lifted").exists()


def test_judicial_review_brought_too_late_stays_nothing(
    bc_with_stay: Ref, joint_investigation: Investigation, carol: User
) -> None:
    order = _p21_08(bc_with_stay, joint_investigation, carol)
    proceeding_record(actor=carol, order=order, court="Supreme Court of British Columbia", filed_on=date(2022, 1, 26))
    assert set(Deadline.objects.filter(term__order=order).values_list("status", flat=True)) == {"open"}


def test_no_stay_by_law_where_the_statute_gives_none(ref: Ref, joint_investigation: Investigation, carol: User) -> None:
    order = _p21_08(ref, joint_investigation, carol)  # the fixture's OIPC-BC names no provision
    proceeding_record(actor=carol, order=order, court="Supreme Court of British Columbia", filed_on=date(2022, 1, 21))
    assert set(Deadline.objects.filter(term__order=order).values_list("status", flat=True)) == {"open"}


def test_an_appeal_or_a_stay_application_is_not_a_judicial_review(
    bc_with_stay: Ref, joint_investigation: Investigation, carol: User
) -> None:
    order = _p21_08(bc_with_stay, joint_investigation, carol)
    for kind in (CourtProceeding.Kind.APPEAL, CourtProceeding.Kind.STAY_APPLICATION):
        proceeding_record(actor=carol, order=order, court="Court", kind=kind, filed_on=date(2022, 1, 21))
    assert set(Deadline.objects.filter(term__order=order).values_list("status", flat=True)) == {"open"}


# --- One "today" for legal dates: the issuing authority's ---------------------------------------------

# 03:00 UTC on 7 December 2026 is still 6 December in Vancouver (19:00) and in Toronto (22:00).
EVENING_IN_CANADA = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


@time_machine.travel(EVENING_IN_CANADA, tick=False)
def test_legal_events_are_dated_in_the_issuing_authoritys_time_zone(bc_order: Order, carol: User) -> None:
    first, second = (t.deadline for t in bc_order.terms.order_by("number"))
    extension = deadline_extend(actor=carol, deadline=first, new_due_on=date(2027, 1, 30), reason="Asked in time")
    assert extension.granted_on == date(2026, 12, 6)
    met = deadline_close(actor=carol, deadline=second, status="met")
    assert met.met_on == date(2026, 12, 6)
    submission = submission_record(actor=carol, order=bc_order, received_on=date(2026, 12, 1), summary="Done.")
    assert submission_assess(actor=carol, submission=submission, assessment="sufficient").assessed_on == date(
        2026, 12, 6
    )


@time_machine.travel(EVENING_IN_CANADA, tick=False)
def test_the_forms_propose_and_say_the_authoritys_today(client, carol: User, bc_order: Order) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    client.force_login(carol)
    html = client.get(reverse("orders:deadline_stay", args=["OIPC-BC", "P21-08", 2])).content.decode()
    assert 'value="2026-12-06"' in html
    assert "Dates are OIPC-BC's, in its time zone (America/Vancouver): today there is Dec. 6, 2026" in html


# --- Recomputing existing deadlines ----------------------------------------------------------------


def test_recompute_restates_what_it_does_not_move_and_keeps_closed_dates(bc_order: Order, ref: Ref) -> None:
    first, second = (t.deadline for t in bc_order.terms.order_by("number"))
    deadline_close(actor=None, deadline=first, status="met", on=date(2022, 1, 20))
    # An explanation worded by an older calendar, and a holiday proclaimed after the order was issued.
    Deadline.objects.filter(pk=second.pk).update(
        explanation="60 business days from 2021-12-14 (issue) in the British Columbia (CA-BC) calendar → 2022-03-11.",
        steps={**second.steps, "calendar": "British Columbia (CA-BC)", "due_on": "2022-03-11"},
        due_on=date(2022, 3, 11),
    )
    HolidayAdjustment.objects.create(
        jurisdiction=ref.bc, day=date(2022, 1, 10), change="add", name="Proclaimed day", source="test proclamation"
    )
    report = deadlines_recompute_report(
        actor=None, deadlines=list(Deadline.objects.filter(term__order=bc_order).order_by("term__number"))
    )
    assert [(r.deadline.term.number, r.outcome, r.before, r.after) for r in report] == [
        (2, "moved", date(2022, 3, 11), date(2022, 3, 10))
    ]
    second.refresh_from_db()
    assert second.explanation.startswith("60 business days from 14 December 2021 (issue)")
    assert second.history.first().history_change_reason.startswith("recomputed: 2022-03-11 → 2022-03-10")
    # The met deadline keeps its date; run again, nothing more to do.
    assert Deadline.objects.get(pk=first.pk).due_on == date(2022, 1, 25)
    assert deadlines_recompute_report(actor=None, deadlines=list(Deadline.objects.filter(term__order=bc_order))) == []


def test_the_recompute_command_reports_moved_restated_and_kept(bc_order: Order) -> None:
    second = bc_order.terms.get(number=2).deadline
    Deadline.objects.filter(pk=second.pk).update(explanation="old words")
    out = StringIO()
    call_command("recompute_deadlines", "--dry-run", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert (len(result["moved"]), len(result["restated"]), len(result["kept"])) == (0, 1, 0)
    assert Deadline.objects.get(pk=second.pk).explanation == "old words"  # a dry run changes nothing
