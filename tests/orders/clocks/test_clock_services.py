"""Stay, lift, extend, close a statutory clock: the due date, the status, the history, the next rung."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from casework.models import User
from orders.clocks.services import clock_close, clock_extend, clock_stay, clock_stay_lift
from orders.models import InvestigationClock


def test_a_stay_pauses_the_clock_and_its_lifting_adds_the_days_left(
    pipeda_clock: InvestigationClock, alice: User
) -> None:
    assert pipeda_clock.next_alert_at is not None
    stay = clock_stay(
        actor=alice, clock=pipeda_clock, started_on=date(2020, 7, 6), reason="Waiting for the respondent."
    )
    assert stay.days_left == (date(2021, 2, 22) - date(2020, 7, 6)).days
    pipeda_clock.refresh_from_db()
    assert pipeda_clock.status == "stayed"
    assert pipeda_clock.next_alert_at is None  # no alerts while stayed
    lifted = clock_stay_lift(actor=alice, clock=pipeda_clock, lifted_on=date(2020, 8, 5))
    # 231 days left from 2020-08-05: 2021-03-24, a Wednesday.
    assert lifted.due_on == date(2021, 3, 24)
    assert lifted.status == "open"
    assert lifted.next_alert_at is not None
    assert lifted.explanation.splitlines()[-1].startswith("Stayed on 6 July 2020 with 231 calendar days left")
    assert [h.history_change_reason for h in lifted.history.order_by("history_date")] == [
        "clock started",
        "stayed",
        "stay lifted",
    ]
    assert {h.history_user for h in lifted.history.all()} == {alice}


def test_an_extension_moves_the_date_later_with_its_reason_and_provision(
    pipeda_clock: InvestigationClock, alice: User
) -> None:
    extension = clock_extend(
        actor=alice,
        clock=pipeda_clock,
        new_due_on=date(2021, 4, 30),
        reason="Notice to the parties",
        provision="s. 50(5)(a)",
        granted_on=date(2021, 2, 1),
    )
    assert extension.previous_due_on == date(2021, 2, 22)
    pipeda_clock.refresh_from_db()
    assert pipeda_clock.due_on == date(2021, 4, 30)
    assert pipeda_clock.original_due_on == date(2021, 2, 22)
    assert pipeda_clock.status == "extended"
    assert pipeda_clock.explanation.splitlines()[-1] == (
        "Extended from 22 February 2021 to 30 April 2021: Notice to the parties (s. 50(5)(a))"
    )
    with pytest.raises(ValidationError, match="later than"):
        clock_extend(actor=alice, clock=pipeda_clock, new_due_on=date(2021, 4, 1), reason="Earlier")
    with pytest.raises(ValidationError):
        clock_extend(actor=alice, clock=pipeda_clock, new_due_on=date(2021, 6, 1), reason="  ")


def test_met_closes_the_clock_and_stops_its_alerts(pipeda_clock: InvestigationClock, alice: User) -> None:
    met = clock_close(
        actor=alice, clock=pipeda_clock, status="met", on=date(2021, 2, 2), reason="PIPEDA Findings #2021-001"
    )
    assert (met.status, met.met_on, met.next_alert_at) == ("met", date(2021, 2, 2), None)
    with pytest.raises(ValidationError, match="already"):
        clock_close(actor=alice, clock=met, status="waived")
    with pytest.raises(ValidationError, match="Only a running clock"):
        clock_stay(actor=alice, clock=met, started_on=date(2021, 3, 1), reason="x")


def test_a_stay_cannot_be_lifted_twice_nor_before_it_began(pipeda_clock: InvestigationClock, alice: User) -> None:
    with pytest.raises(ValidationError, match="not stayed"):
        clock_stay_lift(actor=alice, clock=pipeda_clock, lifted_on=date(2020, 8, 5))
    clock_stay(actor=alice, clock=pipeda_clock, started_on=date(2020, 7, 6), reason="Adjourned.")
    with pytest.raises(ValidationError):
        clock_stay_lift(actor=alice, clock=pipeda_clock, lifted_on=date(2020, 7, 1))
