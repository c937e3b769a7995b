"""The database holds the order rules on its own, whatever code writes to it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.models import Alert, Deadline, Extension, Notification, Order, Stay, Term
from tests.conftest import Ref


def refused(write: Callable[[], Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_an_issued_order_has_its_date_and_is_served_after(bc_order: Order, ref: Ref) -> None:
    base = {"investigation": bc_order.investigation, "authority": ref.oipc_bc, "legal_basis": "-"}
    refused(lambda: Order.objects.create(number="N-1", status="issued", **base))
    refused(
        lambda: Order.objects.create(
            number="N-2", status="issued", issued_on=date(2022, 1, 2), served_on=date(2022, 1, 1), **base
        )
    )
    refused(lambda: Order.objects.create(number="N-3", status="obeyed", **base))
    Order.objects.create(number="N-4", **base)  # a draft needs no date


def test_a_term_has_text_and_a_penalty_has_a_currency(bc_order: Order) -> None:
    refused(lambda: Term.objects.create(order=bc_order, number=9))
    refused(lambda: Term.objects.create(order=bc_order, number=1, text="Duplicate number."))
    refused(lambda: Term.objects.create(order=bc_order, number=10, text="Pay.", daily_penalty=100))


def test_an_alert_is_raised_once_per_level(bc_order: Order) -> None:
    deadline = Deadline.objects.get(term__order=bc_order, term__number=1)
    values = {"deadline": deadline, "due_on": date(2022, 1, 25), "level": "T-7", "raised_at": timezone.now()}
    Alert.objects.create(sweep_id="00000000-0000-0000-0000-000000000001", **values)
    refused(lambda: Alert.objects.create(sweep_id="00000000-0000-0000-0000-000000000002", **values))


def test_one_stay_runs_at_a_time_and_extensions_move_later(bc_order: Order) -> None:
    deadline = Deadline.objects.get(term__order=bc_order, term__number=1)
    stay = {"deadline": deadline, "days_left": 3, "due_on_before": date(2022, 1, 25), "reason": "court"}
    Stay.objects.create(started_on=date(2022, 1, 20), **stay)
    refused(lambda: Stay.objects.create(started_on=date(2022, 1, 21), **stay))
    refused(lambda: Stay.objects.create(started_on=date(2022, 1, 21), lifted_on=date(2022, 1, 20), **stay))
    refused(
        lambda: Extension.objects.create(
            deadline=deadline,
            granted_on=date(2022, 1, 1),
            previous_due_on=date(2022, 1, 25),
            new_due_on=date(2022, 1, 25),
            reason="none",
        )
    )


def test_a_met_deadline_has_its_date(bc_order: Order) -> None:
    deadline = Deadline.objects.get(term__order=bc_order, term__number=1)
    refused(lambda: Deadline.objects.filter(pk=deadline.pk).update(status="met"))
    refused(lambda: Deadline.objects.filter(pk=deadline.pk).update(status="late-ish"))


def test_a_person_is_notified_once_per_alert(bc_order: Order, carol: Any) -> None:
    deadline = Deadline.objects.get(term__order=bc_order, term__number=1)
    alert = Alert.objects.create(
        deadline=deadline,
        due_on=date(2022, 1, 25),
        level="T0",
        raised_at=timezone.now(),
        sweep_id="00000000-0000-0000-0000-000000000003",
    )
    Notification.objects.create(user=carol, alert=alert, created_at=timezone.now())
    refused(lambda: Notification.objects.create(user=carol, alert=alert, created_at=timezone.now()))
