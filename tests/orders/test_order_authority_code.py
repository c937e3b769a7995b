"""The orders list sorts by the issuing authority's code kept on each order (orders/0015's triggers)."""

from __future__ import annotations

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from casework.models import Investigation, User
from orders.models import Order
from orders.services import order_draft
from tests.conftest import Ref

pytestmark = pytest.mark.django_db


def _stored_code(order: Order) -> str:
    return Order.objects.values_list("authority_code", flat=True).get(pk=order.pk)


def test_an_order_keeps_its_authoritys_code_whatever_is_written(bc_order: Order, ref: Ref) -> None:
    assert bc_order.authority_code == "OIPC-BC" == _stored_code(bc_order)
    # A row written without the code (a bulk update, a loader) still gets its authority's.
    Order.objects.filter(pk=bc_order.pk).update(authority_code="")
    assert _stored_code(bc_order) == "OIPC-BC"
    Order.objects.filter(pk=bc_order.pk).update(authority=ref.opc)
    assert _stored_code(bc_order) == ref.opc.code


def test_an_authority_renamed_renames_its_orders_codes(bc_order: Order, ref: Ref) -> None:
    ref.oipc_bc.code = "OIPC-BC2"
    ref.oipc_bc.save()
    assert _stored_code(bc_order) == "OIPC-BC2"
    assert not Order.objects.exclude(authority_code=F("authority__code")).exists()


def test_the_list_shows_drafts_first_then_by_authority_code_and_number(
    client: Client, ref: Ref, joint_investigation: Investigation, carol: User, bc_order: Order
) -> None:
    for number in ("P21-10", "P21-09"):
        order_draft(
            actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number=number, legal_basis="PIPA"
        )
    client.force_login(carol)
    html = client.get(reverse("orders:list")).content.decode()
    # The drafts (no issue date) on top, by number; then the order issued in 2021.
    positions = [html.index(number) for number in ("P21-09", "P21-10", "P21-08")]
    assert positions == sorted(positions)
