from __future__ import annotations

from datetime import date

import pytest

from casework.models import Investigation, User
from orders.clocks.reference import clock_rules_sync
from orders.clocks.services import clock_start
from orders.models import ClockRule, InvestigationClock
from tests.conftest import Ref


@pytest.fixture
def clock_rules(ref: Ref) -> dict[str, ClockRule]:
    """The rules of orders/clocks/data/rules.toml whose statutes the test reference data holds (PIPEDA, PIPA-BC)."""
    clock_rules_sync()
    return {rule.code: rule for rule in ClockRule.objects.all()}


@pytest.fixture
def pipeda_clock(
    ref: Ref, joint_investigation: Investigation, alice: User, clock_rules: dict[str, ClockRule]
) -> InvestigationClock:
    """PIPEDA s. 13(1) for the OPC, from 2020-02-21 (the investigation initiated): due 2021-02-22."""
    return clock_start(
        actor=alice,
        investigation=joint_investigation,
        authority=ref.opc,
        rule=clock_rules["PIPEDA-13-1"],
        started_on=date(2020, 2, 21),
    )
