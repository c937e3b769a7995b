"""The admin site: every page of every registered model loads, and changelists don't grow N+1 queries."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection, models
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.models import HolidayAdjustment, Investigation, Organization, Participation, User, WorkerHeartbeat
from casework.services import (
    event_add,
    finding_record,
    investigation_link,
    investigation_open,
    recommendation_add,
)
from tests.conftest import Ref


@pytest.fixture
def case(ref: Ref, alice: User, joint_investigation: Investigation) -> Investigation:
    """The joint investigation with one of everything: finding, recommendation, event, link; and a worker."""
    finding = finding_record(
        actor=alice,
        investigation=joint_investigation,
        authority=ref.opc,
        statute=ref.pipeda,
        issue="consent",
        conclusion="well_founded",
        issued_on=date(2021, 2, 2),
    )
    recommendation_add(
        actor=alice, investigation=joint_investigation, text="Stop collecting images.", findings=[finding]
    )
    event_add(
        actor=alice, investigation=joint_investigation, date=date(2020, 2, 21), kind="launched", summary="Launched."
    )
    other = investigation_open(
        actor=alice,
        reference="PIPEDA-000002",
        title="Use of the tool by a police force",
        origin="complaint",
        opened_on=date(2020, 7, 1),
        lead_authority=ref.opc,
        respondents=[ref.clearview],
    )
    investigation_link(actor=alice, from_investigation=joint_investigation, to_investigation=other)
    WorkerHeartbeat.objects.create(worker="celery@worker-1", seen_at=timezone.now())
    HolidayAdjustment.objects.create(
        jurisdiction=ref.ca, day=date(2021, 4, 5), change="add", name="Easter Monday", source="Interpretation Act"
    )
    return joint_investigation


def registered_models() -> list[type[models.Model]]:
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


def test_every_casework_model_is_registered() -> None:
    labels = {model._meta.label for model in admin.site._registry}
    assert {
        "casework.Jurisdiction",
        "casework.Authority",
        "casework.Statute",
        "casework.User",
        "casework.Organization",
        "casework.Investigation",
        "casework.Participation",
        "casework.Finding",
        "casework.Recommendation",
        "casework.Event",
        "casework.InvestigationLink",
        "casework.WorkerHeartbeat",
        "casework.HolidayAdjustment",
    } <= labels


@pytest.mark.parametrize("model", registered_models(), ids=lambda model: model._meta.label)
def test_its_pages_load_for_a_superuser(
    client: Client, root: User, case: Investigation, model: type[models.Model]
) -> None:
    client.force_login(root)
    info = (model._meta.app_label, model._meta.model_name)
    model_admin = admin.site._registry[model]

    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "example"}).status_code == 200

    # Read-only models (heartbeats, written by the workers) have no add page.
    request = RequestFactory().get("/")
    request.user = root
    add_status = client.get(reverse("admin:{}_{}_add".format(*info))).status_code
    assert add_status == (200 if model_admin.has_add_permission(request) else 403)

    obj = model._default_manager.order_by("pk").first()
    if obj is None:  # another app's model that this fixture does not fill
        return
    assert client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200
    assert client.get(reverse("admin:{}_{}_history".format(*info), args=[obj.pk])).status_code == 200


def test_an_admin_edit_is_in_the_history_with_who_made_it(
    client: Client, root: User, case: Investigation, ref: Ref
) -> None:
    client.force_login(root)
    url = reverse("admin:casework_organization_change", args=[ref.clearview.pk])

    response = client.post(url, {"name": "Clearview AI, Inc.", "kind": "company", "country": "US", "notes": "Hi"})

    assert response.status_code == 302, response.content
    latest = Organization.history.filter(id=ref.clearview.pk).latest("history_date")
    assert latest.notes == "Hi"
    assert latest.history_user == root


def test_a_user_without_staff_status_cannot_open_it(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.get(reverse("admin:casework_investigation_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def _open_investigations(ref: Ref, count: int, start: int = 0) -> None:
    """``count`` investigations, each with a row of every kind that has a changelist."""
    previous = None
    for number in range(start, start + count):
        respondent = Organization.objects.create(name=f"Example Corp. {number}", country="CA")
        investigation = investigation_open(
            actor=None,
            reference=f"TEST-{number:04d}",
            title=f"Example investigation {number}",
            origin="complaint",
            opened_on=date(2020, 1, 1) + timedelta(days=40 * number),
            lead_authority=ref.opc,
            lead_statutes=[ref.pipeda],
            respondents=[respondent, ref.clearview],
        )
        Participation.objects.create(investigation=investigation, authority=ref.oipc_bc, role="joint")
        finding = finding_record(
            actor=None,
            investigation=investigation,
            authority=ref.opc,
            statute=ref.pipeda,
            issue="consent",
            conclusion="well_founded",
            issued_on=investigation.opened_on,
        )
        recommendation_add(actor=None, investigation=investigation, text="Delete the images.", findings=[finding])
        event_add(
            actor=None, investigation=investigation, date=investigation.opened_on, kind="launched", summary="Opened."
        )
        if previous is not None:
            investigation_link(actor=None, from_investigation=previous, to_investigation=investigation)
        previous = investigation
        User.objects.create_user(username=f"staff{number}", authority=ref.oipc_bc, is_legal=True)
        WorkerHeartbeat.objects.create(worker=f"celery@worker-{number}", seen_at=timezone.now())
        HolidayAdjustment.objects.create(
            jurisdiction=ref.bc, day=date(2020, 1, 1) + timedelta(days=number), change="add", name="Day", source="Test"
        )


def _changelist_queries(client: Client, model: type[models.Model]) -> list[str]:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("rows", [1, 20])
def test_the_investigation_changelist_runs_a_fixed_number_of_queries(
    client: Client, root: User, ref: Ref, rows: int, django_assert_num_queries: Any
) -> None:
    _open_investigations(ref, rows)
    client.force_login(root)
    url = reverse("admin:casework_investigation_changelist")

    # 1 session, 2 user, 3 authorities for the filter, 4 filtered count, 5 total count,
    # 6 the page of investigations, 7 their participations with authorities, 8 their respondents,
    # 9 the unread notifications (orders' context processor, on every page),
    # 10-11 date hierarchy (the range, then the years, months or days in it).
    with django_assert_num_queries(11):
        response = client.get(url)

    assert response.status_code == 200
    assert response.context["cl"].result_count == rows


@pytest.mark.parametrize(
    "model",
    [model for model in registered_models() if model._meta.app_label == "casework"],
    ids=lambda model: model._meta.label,
)
def test_no_casework_changelist_queries_per_row(
    client: Client, root: User, ref: Ref, model: type[models.Model]
) -> None:
    client.force_login(root)
    _open_investigations(ref, 2)
    few = _changelist_queries(client, model)

    _open_investigations(ref, 10, start=2)
    many = _changelist_queries(client, model)

    assert len(many) == len(few), "\n".join(many)
