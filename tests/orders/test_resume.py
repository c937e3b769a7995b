"""Lost background work (orders.documents.documents_resume, orders.exports.exports_resume).

A PDF or a bundle whose task never ran (the broker was down when it was asked for) or
died with its worker is sent to a worker again after two minutes, and marked failed
with the reason after an hour; finished work is never touched.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from casework.models import User
from orders import tasks
from orders.documents import services as documents
from orders.exports import bundles
from orders.models import ExportJob, Order, OrderDocument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """What was sent to the workers, by task."""
    queues: dict[str, list[int]] = {"documents": [], "exports": []}
    monkeypatch.setattr(tasks.document_render, "delay", lambda pk: queues["documents"].append(pk))
    monkeypatch.setattr(tasks.export_bundle, "delay", lambda pk: queues["exports"].append(pk))
    return queues


def _document(order: Order, user: User, *, minutes_ago: int) -> OrderDocument:
    document = documents.document_request(order=order, language="en", user=user)
    OrderDocument.objects.filter(pk=document.pk).update(requested_at=timezone.now() - timedelta(minutes=minutes_ago))
    return document


def _job(order: Order, user: User, *, minutes_ago: int, status: str = "pending") -> ExportJob:
    job = bundles.export_bundle_request(user=user, orders=[order], language="en")
    ExportJob.objects.filter(pk=job.pk).update(
        status=status, created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return job


def test_it_sends_a_stale_pending_document_again_and_leaves_a_fresh_one(
    bc_order: Order, carol: User, sent: dict[str, list[int]]
) -> None:
    fresh = _document(bc_order, carol, minutes_ago=1)
    stale = _document(bc_order, carol, minutes_ago=10)

    assert documents.documents_resume() == {"resent": 1, "failed": 0}
    assert sent["documents"] == [stale.pk]
    assert {d.pk: d.status for d in OrderDocument.objects.all()} == {fresh.pk: "pending", stale.pk: "pending"}


def test_a_resent_document_is_rendered_once(bc_order: Order, carol: User, sent: dict[str, list[int]]) -> None:
    stale = _document(bc_order, carol, minutes_ago=10)
    documents.documents_resume()
    for pk in sent["documents"] * 2:  # the lost message turns up after all: two deliveries
        documents.document_render(document_id=pk)

    stale.refresh_from_db()
    assert stale.status == "ready" and stale.sha256
    assert documents.documents_resume() == {"resent": 0, "failed": 0}


def test_it_gives_up_on_a_document_pending_for_an_hour_with_the_reason(
    bc_order: Order, carol: User, sent: dict[str, list[int]]
) -> None:
    lost = _document(bc_order, carol, minutes_ago=61)
    ready = documents.document_render_now(order=bc_order, language="en", user=carol)
    OrderDocument.objects.filter(pk=ready.pk).update(requested_at=timezone.now() - timedelta(days=2))

    assert documents.documents_resume() == {"resent": 0, "failed": 1}
    lost.refresh_from_db()
    assert lost.status == "failed" and "did not finish within 60 minutes" in lost.error
    assert lost.history.first().history_change_reason == "rendering failed"  # type: ignore[union-attr]
    assert OrderDocument.objects.get(pk=ready.pk).status == "ready"
    assert sent["documents"] == []


def test_it_keeps_a_document_pending_when_the_broker_is_down(
    bc_order: Order, carol: User, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    def broker_down(pk: int) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.document_render, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        document = documents.document_request(order=bc_order, language="en", user=carol)

    assert OrderDocument.objects.get(pk=document.pk).status == "pending"


def test_it_sends_a_waiting_bundle_again_and_fails_one_lost_with_its_worker(
    bc_order: Order, carol: User, sent: dict[str, list[int]]
) -> None:
    fresh = _job(bc_order, carol, minutes_ago=1)
    waiting = _job(bc_order, carol, minutes_ago=5)
    building = _job(bc_order, carol, minutes_ago=30, status="running")
    lost = _job(bc_order, carol, minutes_ago=90, status="running")
    never_started = _job(bc_order, carol, minutes_ago=90)

    assert bundles.exports_resume() == {"resent": 1, "failed": 2}
    assert sent["exports"] == [waiting.pk]
    statuses = dict(ExportJob.objects.values_list("pk", "status"))
    assert statuses == {
        fresh.pk: "pending",
        waiting.pk: "pending",
        building.pk: "running",
        lost.pk: "failed",
        never_started.pk: "failed",
    }
    assert "not finished within 60 minutes" in ExportJob.objects.get(pk=lost.pk).error


def test_a_resent_bundle_is_built_once_and_finished_ones_are_left_alone(
    bc_order: Order, carol: User, sent: dict[str, list[int]]
) -> None:
    waiting = _job(bc_order, carol, minutes_ago=5)
    bundles.exports_resume()
    for pk in sent["exports"] * 2:
        tasks.export_bundle(pk)
    ExportJob.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(hours=3))

    assert bundles.exports_resume() == {"resent": 0, "failed": 0}
    assert ExportJob.objects.get(pk=waiting.pk).status == "ready"


def test_the_periodic_task_resumes_both(bc_order: Order, carol: User, sent: dict[str, list[int]]) -> None:
    _document(bc_order, carol, minutes_ago=10)
    _job(bc_order, carol, minutes_ago=10)

    assert tasks.resume_background_work() == {
        "documents": {"resent": 1, "failed": 0},
        "exports": {"resent": 1, "failed": 0},
    }
