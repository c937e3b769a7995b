from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from casework.models import Investigation, User
from orders.models import Order
from orders.services import order_draft, order_issue, term_add
from tests.conftest import Ref


@pytest.fixture
def bc_order(ref: Ref, joint_investigation: Investigation, carol: User) -> Order:
    """OIPC-BC's order in the joint investigation, issued 2021-12-14, two terms; carol (legal) drafted it."""
    order = order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="P21-08", legal_basis="PIPA s. 52"
    )
    term_add(
        actor=carol,
        order=order,
        text="Cease offering the service in BC.",
        deadline_rule={"rule": "fixed", "date": "2022-01-25"},
    )
    term_add(actor=carol, order=order, text="Delete the images.", deadline_rule={"rule": "business_days", "days": 60})
    return order_issue(actor=carol, order=order, issued_on=date(2021, 12, 14))


@pytest.fixture
def order_due_in_a_week(ref: Ref, joint_investigation: Investigation, carol: User) -> Order:
    """An order whose deadline is a week away today, so that today's sweep raises its T-7 alert now."""
    from orders.deadlines import local_today

    today = local_today(timezone.now(), ref.bc.time_zone)
    order = order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="F-1", legal_basis="PIPA s. 52"
    )
    term_add(
        actor=carol,
        order=order,
        text="Delete the images.",
        deadline_rule={"rule": "fixed", "date": (today + timedelta(days=7)).isoformat()},
    )
    return order_issue(actor=carol, order=order, issued_on=today - timedelta(days=30))
