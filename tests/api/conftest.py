"""Fixtures for the API tests: three investigations seen by different people, with orders and documents.

- ``joint_investigation`` (OPC leads, OIPC-BC joins) with ``bc_order`` (tests/orders/conftest.py):
  seen by alice (OPC), bob and carol (OIPC-BC), root; not by dave (CAI).
- ``cai_investigation`` with ``cai_order``: seen by dave and root only.
- ``secret_investigation``: OIPC-BC's, confidential, nobody assigned, with ``secret_order``: root only.
Each order has one rendered document (``ready``) and the BC order a pending one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from casework.models import Investigation, User
from casework.services import investigation_open
from orders.models import Order, OrderDocument
from orders.services import order_draft, order_issue, term_add
from tests.conftest import Ref
from tests.orders.conftest import bc_order  # noqa: F401  (a fixture, used by name)


def make_document(order: Order, *, language: str = "en", version: int = 1, ready: bool = True) -> OrderDocument:
    """A document row as the renderer leaves it (the API never opens the file)."""
    now = timezone.now()
    return OrderDocument.objects.create(
        order=order,
        language=language,
        version=version,
        status=OrderDocument.Status.READY if ready else OrderDocument.Status.PENDING,
        file=f"orders/documents/2026/{order.number}-{language}-v{version}.pdf" if ready else "",
        sha256="a" * 64 if ready else "",
        size=1234 if ready else None,
        pages=2 if ready else None,
        order_status=order.status,
        requested_at=now,
        rendered_at=now if ready else None,
    )


def make_order(investigation: Investigation, authority_code: str, number: str, *, terms: int = 1) -> Order:
    from casework.models import Authority

    authority = Authority.objects.get(code=authority_code)
    order = order_draft(actor=None, investigation=investigation, authority=authority, number=number, legal_basis="s. 1")
    for n in range(terms):
        term_add(
            actor=None,
            order=order,
            text=f"Do thing {n + 1}.",
            text_fr=f"Faire la chose {n + 1}.",
            deadline_rule={"rule": "calendar_days", "days": 30 * (n + 1)},
        )
    return order_issue(actor=None, order=order, issued_on=date(2021, 12, 14))


@pytest.fixture
def cai_investigation(ref: Ref) -> Investigation:
    return investigation_open(
        actor=None,
        reference="CAI-1020",
        title="Enquête de la CAI",
        origin="complaint",
        opened_on=date(2020, 3, 1),
        lead_authority=ref.cai,
        respondents=[ref.clearview],
        lead_statutes=[ref.qc_private],
        assign_actor=False,
    )


@pytest.fixture
def cai_order(cai_investigation: Investigation) -> Order:
    return make_order(cai_investigation, "CAI", "1023283-S")


@pytest.fixture
def secret_investigation(ref: Ref) -> Investigation:
    return investigation_open(
        actor=None,
        reference="P21-SECRET",
        title="A confidential BC file",
        origin="breach_report",
        opened_on=date(2021, 1, 5),
        lead_authority=ref.oipc_bc,
        respondents=[ref.clearview],
        lead_statutes=[ref.pipa_bc],
        confidential=True,
        assign_actor=False,
    )


@pytest.fixture
def secret_order(secret_investigation: Investigation) -> Order:
    return make_order(secret_investigation, "OIPC-BC", "P21-99")


@dataclass
class World:
    bc_order: Order
    cai_order: Order
    secret_order: Order
    documents: list[OrderDocument]


@pytest.fixture
def world(bc_order: Order, cai_order: Order, secret_order: Order, bob: User, dave: User) -> World:  # noqa: F811
    documents = [
        make_document(bc_order),
        make_document(bc_order, version=2, ready=False),
        make_document(cai_order, language="fr"),
        make_document(secret_order),
    ]
    return World(bc_order, cai_order, secret_order, documents)


@pytest.fixture
def token_client() -> Callable[[User], APIClient]:
    """An API client that authenticates as ``user`` with a token (``Authorization: Token …``)."""

    def make(user: User) -> APIClient:
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
