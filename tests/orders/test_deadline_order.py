"""A deadline carries its term's order (``Deadline.order``), and nothing can give it another one.

The dashboard counts an order's deadlines through ``Deadline.order`` without reading the
terms (docs/dashboard.md, *Cost*): the copy must always be the term's order. Every way
deadlines are written sets it (the services, the demo's bulk loader, the case import,
which goes through the services); the ORM refuses a missing or different one, and on
PostgreSQL so does the database (migration ``orders/0005_deadline_order``).
"""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from casework.models import User
from orders.models import Deadline, Order, Term
from orders.services import order_draft
from tests.conftest import Ref

pytestmark = pytest.mark.django_db

RULE = {"rule": "fixed", "date": "2022-03-01"}


@pytest.fixture
def other_order(ref: Ref, bc_order: Order, carol: User) -> Order:
    """A second draft in the same investigation: a plausible wrong order."""
    return order_draft(
        actor=carol, investigation=bc_order.investigation, authority=ref.oipc_bc, number="P21-09", legal_basis="-"
    )


@pytest.fixture
def bare_term(bc_order: Order) -> Term:
    """A term of ``bc_order`` with no deadline yet."""
    return Term.objects.create(order=bc_order, number=9, text="Report on the steps taken.")


def test_it_gives_the_services_deadlines_their_terms_order(bc_order: Order) -> None:
    deadlines = Deadline.objects.filter(term__order=bc_order)
    assert deadlines.count() == 2
    assert set(deadlines.values_list("order_id", flat=True)) == {bc_order.pk}


def test_it_gives_the_demos_deadlines_their_terms_order() -> None:
    call_command("seed_demo", "--synthetic", "5", stdout=StringIO())
    assert Deadline.objects.exists()
    assert not Deadline.objects.exclude(order=F("term__order")).exists()


def test_the_orm_refuses_a_deadline_of_another_order_than_its_terms(bare_term: Term, other_order: Order) -> None:
    with pytest.raises(ValueError, match="must be its term's order"):
        Deadline(term=bare_term, order=other_order, rule=RULE).save()
    with pytest.raises(ValidationError) as wrong:
        Deadline(term=bare_term, order=other_order, rule=RULE).full_clean()
    assert wrong.value.message_dict["order"] == ["A deadline's order must be its term's order."]
    with pytest.raises(ValueError, match="needs its term's order"):
        Deadline(rule=RULE).save()  # no term either: nothing to take the order from
    assert not Deadline.objects.filter(term=bare_term).exists()


def test_a_deadline_created_without_its_order_takes_its_terms(bare_term: Term) -> None:
    """As the admin's form does: the order is not one of its fields."""
    deadline = Deadline(term=bare_term, rule=RULE)
    deadline.full_clean(exclude=["due_on"])
    assert deadline.order_id == bare_term.order_id
    Deadline(term=bare_term, rule=RULE).save()
    assert Deadline.objects.get(term=bare_term).order_id == bare_term.order_id


def test_the_orm_checks_an_existing_deadline_without_reading_its_term(
    bc_order: Order, django_assert_num_queries: Callable[..., Any]
) -> None:
    deadline = Deadline.objects.get(term__order=bc_order, term__number=1)
    deadline.note = "Checked."
    # The UPDATE and its history row, no read of the term: an existing deadline's term and
    # order never change.
    with django_assert_num_queries(2):
        deadline.save(update_fields=["note"])


@pytest.mark.usefixtures("require_postgres")
def test_the_database_refuses_a_deadline_whose_order_is_not_its_terms(
    bare_term: Term, bc_order: Order, other_order: Order
) -> None:
    def refused(write: Callable[[], Any]) -> None:
        with pytest.raises(IntegrityError, match="orders_deadline_order_of_term"), transaction.atomic():
            with connection.cursor() as cursor:
                # The check is deferred to the commit, like Django's foreign keys: ask for it now.
                cursor.execute("SET CONSTRAINTS orders_deadline_order_of_term IMMEDIATE")
            write()

    # bulk_create and update() skip save(): only the database stands in the way.
    refused(lambda: Deadline.objects.bulk_create([Deadline(term=bare_term, order=other_order, rule=RULE)]))
    existing = Deadline.objects.filter(term__order=bc_order, term__number=1)
    refused(lambda: existing.update(order=other_order))
    refused(lambda: Term.objects.filter(pk=existing.get().term_id).update(order=other_order))
    assert existing.get().order_id == bc_order.pk
