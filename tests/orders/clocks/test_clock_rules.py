"""Each statute's clock computed in its authority's legal calendar, explained, with its source."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from casework.models import Investigation, User
from orders.clocks.reference import clock_rules_sync, rules_data
from orders.clocks.services import clock_start
from orders.deadlines import explain_steps
from orders.models import ClockRule, InvestigationClock
from tests.conftest import Ref


def test_the_data_file_names_a_source_for_every_rule_and_marks_the_unverified() -> None:
    rules = {r["code"]: r for r in rules_data()}
    assert set(rules) == {"PIPEDA-13-1", "PIPA-BC-50-8", "PIPA-AB-50-5"}
    assert rules["PIPEDA-13-1"]["verified"] is True
    assert rules["PIPA-BC-50-8"]["verified"] is False
    assert rules["PIPA-AB-50-5"]["verified"] is False
    assert all(r["source"].startswith("https://") for r in rules.values())
    assert all(r["note"] for r in rules.values())


def test_the_sync_loads_the_rules_whose_statutes_exist_and_writes_nothing_twice(ref: Ref) -> None:
    assert clock_rules_sync() == 2  # PIPEDA and PIPA-BC; PIPA-AB's statute is not in the test data
    assert clock_rules_sync() == 0
    ClockRule.objects.filter(code="PIPEDA-13-1").update(verified=False)
    assert clock_rules_sync() == 1
    assert ClockRule.objects.get(code="PIPEDA-13-1").verified is True


def test_pipeda_s_13_1_is_one_year_rolled_off_a_sunday(pipeda_clock: InvestigationClock) -> None:
    # 2021-02-21 is a Sunday: the report is due Monday 2021-02-22 (Interpretation Act s. 26).
    assert pipeda_clock.due_on == date(2021, 2, 22)
    assert pipeda_clock.original_due_on == date(2021, 2, 22)
    assert pipeda_clock.status == "open"
    assert pipeda_clock.explanation.startswith(
        "12 months from 21 February 2020 (complaint filed or investigation initiated) → 21 February 2021, "
        "not a business day: moved forward over 21 February 2021 (Sunday)"
    )
    assert pipeda_clock.explanation.endswith("→ 22 February 2021.")
    french = explain_steps(pipeda_clock.steps, "fr")
    assert "21 février 2020" in french and "22 février 2021" in french


def test_bc_pipa_counts_90_days_without_saturdays_sundays_or_bc_holidays(
    ref: Ref, joint_investigation: Investigation, bob: User, clock_rules: dict[str, ClockRule]
) -> None:
    clock = clock_start(
        actor=bob,
        investigation=joint_investigation,
        authority=ref.oipc_bc,
        rule=clock_rules["PIPA-BC-50-8"],
        started_on=date(2021, 12, 14),
    )
    # 90 business days in BC's calendar from Tuesday 2021-12-14, the weekdays not counted being Family Day
    # (2022-02-21), Good Friday (2022-04-15) and Easter Monday (2022-04-18, a holiday of BC's Interpretation
    # Act): Friday 2022-04-22.
    assert clock.due_on == date(2022, 4, 22)
    assert "90 business days from 14 December 2021 (request for review received)" in clock.explanation
    assert "Family Day" in clock.explanation and "Easter Monday" in clock.explanation


def test_a_clock_runs_only_for_a_statute_the_authority_applies(
    ref: Ref, joint_investigation: Investigation, alice: User, clock_rules: dict[str, ClockRule]
) -> None:
    with pytest.raises(ValidationError, match="does not apply"):
        clock_start(
            actor=alice,
            investigation=joint_investigation,
            authority=ref.opc,
            rule=clock_rules["PIPA-BC-50-8"],
            started_on=date(2020, 2, 21),
        )


def test_one_clock_per_rule_and_authority(pipeda_clock: InvestigationClock, ref: Ref, alice: User) -> None:
    with pytest.raises(ValidationError, match="already running"):
        clock_start(
            actor=alice,
            investigation=pipeda_clock.investigation,
            authority=ref.opc,
            rule=pipeda_clock.rule,
            started_on=date(2020, 3, 1),
        )
