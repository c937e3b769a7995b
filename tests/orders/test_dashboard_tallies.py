"""The dashboard's kept counts (PostgreSQL): its figures equal the live counts, for every user, after every change.

On PostgreSQL the dashboard reads its deadline figures and its orders by status from summary
rows kept by triggers (``orders.dashboard.tallies``), plus the confidential investigations a
user is assigned to, read live. Each test makes one kind of change through the interface that
makes it (a service, the case import, the bulk loader, the admin) on the demo's data, then
checks, for every user (every role of every authority, a superuser, an inactive user, staff
without an authority), with and without an authority filter and over two periods, that the
figures are those of the live queries (``*_live``), and that ``rebuild_dashboard_counts
--check`` finds no difference.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from casework import services as casework_services
from casework.interchange import case_export, case_import
from casework.models import Authority, Investigation, Participation, User
from orders import services
from orders.dashboard import tallies
from orders.dashboard.selectors import (
    COMPLIANCE_BUCKETS,
    deadline_figures,
    deadline_figures_live,
    orders_by_status,
    orders_by_status_live,
)
from orders.demo import load_synthetic_orders
from orders.models import CourtProceeding, Deadline, NextRung, Order

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)
PERIODS = [(TODAY - timedelta(days=364), TODAY), (date(2015, 1, 1), TODAY + timedelta(days=400))]


@pytest.fixture
def world(require_postgres: None) -> Iterator[Investigation]:
    """The demo with 30 synthetic cases, one confidential case with orders (its lead's manager and legal
    assigned), an inactive manager and staff without an authority; yields the confidential case."""
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", "--synthetic", "30", stdout=StringIO())
        case = (
            Investigation.objects.filter(orders__status__in=["issued", "stayed", "under_judicial_review"])
            .exclude(confidential=True)
            .order_by("reference")
            .first()
        )
        assert case is not None
        casework_services.investigation_update(actor=None, investigation=case, confidential=True)
        lead = case.participations.get(role=Participation.Role.LEAD).authority
        staff = list(User.objects.filter(authority=lead, username__endswith=(".manager")))
        staff += list(User.objects.filter(authority=lead, username__endswith=".legal"))
        casework_services.investigation_set_assignees(actor=None, investigation=case, assignees=staff)
        User.objects.create_user("gone.manager", authority=lead, is_manager=True, is_active=False)
        User.objects.create_user("nowhere.admin", authority=None, is_staff=True)
        yield case


def assert_counts_match() -> None:
    """Every user's figures from the tallies equal the live ones; the kept counts equal the live rows."""
    users = list(User.objects.select_related("authority"))
    assert len(users) > 10
    compared = 0
    for user in users:
        rows = orders_by_status_live(user)
        assert orders_by_status(user) == rows, user.username
        authorities: list[Authority | None] = [None, *Authority.objects.filter(pk__in=[r.authority_id for r in rows])]
        for authority in authorities:
            assert orders_by_status(user, authority=authority) == orders_by_status_live(user, authority=authority)
            for start, end in PERIODS:
                tallied = deadline_figures(user, authority=authority, today=TODAY, start=start, end=end)
                live = deadline_figures_live(user, authority=authority, today=TODAY, start=start, end=end)
                assert tallied == live, (user.username, authority, start, end)
                compared += 1
    assert compared > len(users)
    call_command("rebuild_dashboard_counts", "--check", stdout=StringIO())


def _a_deadline(*, status: str, order_statuses: tuple[str, ...] = ("issued",), **filters: object) -> Deadline:
    deadline = (
        Deadline.objects.filter(status=status, order__status__in=order_statuses, **filters)
        .select_related("order")
        .order_by("pk")
        .first()
    )
    assert deadline is not None, (status, order_statuses)
    return deadline


def test_the_demo_loaded_in_bulk_is_counted_as_the_live_rows(world: Investigation) -> None:
    assert Deadline.objects.filter(order__investigation=world).exists()
    assert_counts_match()


def test_an_assignee_counts_the_confidential_case_and_a_colleague_does_not(world: Investigation) -> None:
    lead = world.participations.get(role=Participation.Role.LEAD).authority
    assignee = world.assignees.get(username__endswith=".manager")
    colleague = User.objects.create_user("other.manager", authority=lead, is_manager=True)
    start, end = PERIODS[1]
    mine = deadline_figures(assignee, today=TODAY, start=start, end=end)
    theirs = deadline_figures(colleague, today=TODAY, start=start, end=end)
    assert mine != theirs
    assert sum(r.total for r in orders_by_status(assignee)) > sum(r.total for r in orders_by_status(colleague))
    assert_counts_match()


def test_it_counts_an_order_issued(world: Investigation) -> None:
    case = Investigation.objects.filter(confidential=False, participations__authority__code="OIPC-BC").first()
    assert case is not None
    bc = Authority.objects.get(code="OIPC-BC")
    with time_machine.travel(NOW, tick=False):
        order = services.order_draft(actor=None, investigation=case, authority=bc, number="T-1", legal_basis="s. 52")
        services.term_add(actor=None, order=order, text="Stop.", deadline_rule={"rule": "fixed", "date": "2026-03-20"})
        services.term_add(
            actor=None, order=order, text="Delete.", deadline_rule={"rule": "fixed", "date": "2026-01-20"}
        )
        assert_counts_match()  # a draft counts nowhere
        services.order_issue(actor=None, order=order, issued_on=date(2025, 12, 1))
    assert_counts_match()


def test_it_follows_a_stay_its_lifting_and_an_extension(world: Investigation) -> None:
    deadline = _a_deadline(status="open", due_on__isnull=False)
    with time_machine.travel(NOW, tick=False):
        services.deadline_stay(actor=None, deadline=deadline, started_on=TODAY - timedelta(days=3), reason="court")
        assert_counts_match()
        services.deadline_stay_lift(actor=None, deadline=deadline, lifted_on=TODAY)
        assert_counts_match()
        deadline.refresh_from_db()
        assert deadline.due_on is not None
        services.deadline_extend(
            actor=None, deadline=deadline, new_due_on=deadline.due_on + timedelta(days=40), reason="asked"
        )
    assert_counts_match()


@pytest.mark.parametrize("status", ["met", "missed", "waived"])
def test_it_follows_a_deadline_closed(world: Investigation, status: str) -> None:
    deadline = _a_deadline(status="open", due_on__isnull=False)
    with time_machine.travel(NOW, tick=False):
        services.deadline_close(actor=None, deadline=deadline, status=status, on=TODAY - timedelta(days=1))
    assert_counts_match()


def test_it_follows_a_court_challenge_its_stay_and_its_decision(world: Investigation) -> None:
    order = _a_deadline(status="open", due_on__isnull=False).order
    with time_machine.travel(NOW, tick=False):
        proceeding = services.proceeding_record(actor=None, order=order, court="BCSC", filed_on=TODAY)
        assert_counts_match()  # under judicial review: its overdue deadlines are held by a court
        services.proceeding_grant_stay(actor=None, proceeding=proceeding, stay_from=TODAY)
        assert_counts_match()
        services.proceeding_decide(
            actor=None, proceeding=proceeding, outcome=CourtProceeding.Outcome.QUASHED, decided_on=TODAY
        )
    assert_counts_match()


def test_a_sweep_moving_next_rungs_changes_no_count(world: Investigation) -> None:
    """The sweep and the loaders write next rungs (orders_nextrung, no deadline row); a change after them,
    in the same transaction, is counted."""
    from django.db import transaction

    from orders.alerts import deadlines_set_next_rung, sweep_deadlines

    with time_machine.travel(NOW, tick=False):
        assert sweep_deadlines(now=NOW)  # raises alerts and moves their deadlines' next rungs
    assert_counts_match()
    deadline = _a_deadline(status="open", due_on__isnull=False)
    with transaction.atomic():
        NextRung.objects.all().delete()
        assert deadlines_set_next_rung(Deadline.objects.all())
        with time_machine.travel(NOW, tick=False):
            services.deadline_close(actor=None, deadline=deadline, status="met", on=TODAY - timedelta(days=1))
        assert_counts_match()
    assert_counts_match()


def test_it_follows_an_order_status_change(world: Investigation) -> None:
    order = _a_deadline(status="open", due_on__isnull=False).order
    with time_machine.travel(NOW, tick=False):
        services.order_set_status(actor=None, order=order, status="complied", reason="done")
    assert_counts_match()


def test_it_follows_a_case_deleted_and_imported_again(world: Investigation) -> None:
    case = Investigation.objects.filter(orders__isnull=False, confidential=False).order_by("reference").first()
    assert case is not None
    exported = case_export(case)
    Order.objects.filter(investigation=case).delete()
    case.delete()
    assert_counts_match()
    with time_machine.travel(NOW, tick=False):
        case_import(copy.deepcopy(exported), actor=None)
    assert_counts_match()


def test_it_counts_orders_made_by_the_bulk_loader(world: Investigation) -> None:
    with time_machine.travel(NOW, tick=False):
        assert load_synthetic_orders(45, seed=7, bulk=True) >= 0
    assert_counts_match()


def test_it_follows_a_change_of_confidentiality(world: Investigation) -> None:
    casework_services.investigation_update(actor=None, investigation=world, confidential=False)
    assert_counts_match()
    casework_services.investigation_update(actor=None, investigation=world, confidential=True)
    assert_counts_match()


def test_it_follows_a_participation_added_withdrawn_and_restored(world: Investigation) -> None:
    case = (
        Investigation.objects.filter(orders__status="issued", confidential=False)
        .exclude(participations__authority__code="CAI")
        .order_by("reference")
        .first()
    )
    assert case is not None
    cai = Authority.objects.get(code="CAI")
    participation = casework_services.participation_add(
        actor=None, investigation=case, authority=cai, role=Participation.Role.JOINT
    )
    assert_counts_match()
    casework_services.participation_withdraw(actor=None, participation=participation, reason="recorded by mistake")
    assert_counts_match()
    participation.refresh_from_db()
    casework_services.participation_restore(actor=None, participation=participation, reason="it does take part")
    assert_counts_match()


def test_it_follows_deletions_in_the_admin(world: Investigation, client: Client) -> None:
    root = User.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(root)
    order = _a_deadline(status="met").order
    response = client.post(f"/admin/orders/order/{order.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Order.objects.filter(pk=order.pk).exists()
    assert_counts_match()


def test_the_check_finds_a_count_gone_wrong_and_the_rebuild_mends_it(world: Investigation) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {tallies.DEADLINE_TALLY} SET n = n + 1 WHERE scope = %s", [tallies.ALL])  # noqa: S608
    with pytest.raises(CommandError, match="differ from the live rows"):
        call_command("rebuild_dashboard_counts", "--check", stdout=StringIO())
    call_command("rebuild_dashboard_counts", stdout=StringIO())
    assert_counts_match()


def test_the_selectors_count_with_the_tallies_buckets() -> None:
    assert COMPLIANCE_BUCKETS is tallies.COMPLIANCE_BUCKETS
