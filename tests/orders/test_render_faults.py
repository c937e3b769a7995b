"""Order PDFs whose worker died mid-render: finished under the same version, or failed without a gap.

The finding: a killed render stayed pending 2 to 7 minutes, and a render killed mid-way left a
pending document with no file that used up a version number. Now a worker claims a document
when it starts (``render_started_at``), the resume task (every minute) sends one whose claim is
older than any rendering can last to a worker again, the same row and version, and after
``MAX_RENDER_ATTEMPTS`` stopped renderings marks it failed; the next request takes the failed
version's number again.
"""

from __future__ import annotations

import hashlib
import signal
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db.models import F
from django.utils import timezone

from casework.models import User
from orders import tasks
from orders.documents import services as documents
from orders.models import Order, OrderDocument, Term
from tests.celery_helpers import broker
from tests.fault_helpers import PrivateRedis, WorkerProcess, wait_until, worker_log_on_failure


class WorkerKilled(BaseException):  # noqa: N818 - it is what it stands for
    """Stands for SIGKILL in-process: not an Exception, so the rendering code does not catch it."""


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Document ids sent to a worker."""
    queue: list[int] = []
    monkeypatch.setattr(tasks.document_render, "delay", queue.append)
    return queue


def killed_mid_render(document_id: int) -> None:
    """A worker claims the document, starts rendering and dies."""

    def dies(*args: Any, **kwargs: Any) -> Any:
        raise WorkerKilled

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(documents, "render_order_pdf_with_pages", dies)
        with pytest.raises(WorkerKilled):
            documents.document_render(document_id=document_id)


def test_a_render_killed_mid_way_is_finished_under_its_own_version(
    bc_order: Order, carol: User, sent: list[int], media: Path
) -> None:
    document = documents.document_request(order=bc_order, language="en", user=carol)
    killed_mid_render(document.pk)
    document.refresh_from_db()
    assert (document.status, document.render_attempts, document.file.name) == ("pending", 1, "")

    # The message comes again at once (a pool process killed): a claim this young is a live worker's.
    assert documents.document_render(document_id=document.pk).status == "pending"
    started = document.render_started_at
    assert started is not None
    assert documents.documents_resume(now=started + timedelta(seconds=70)) == {"resent": 0, "failed": 0}
    # Past any rendering's time limit the worker is dead: the resume task (every minute) sends it again.
    with time_machine.travel(started + timedelta(seconds=80)):
        assert documents.documents_resume() == {"resent": 1, "failed": 0}
        assert sent == [document.pk]
        assert tasks.document_render.run(document.pk) == "ready"

    document.refresh_from_db()
    assert (document.version, document.render_attempts) == (1, 2)
    assert hashlib.sha256(Path(document.file.path).read_bytes()).hexdigest() == document.sha256
    assert documents.document_request(order=bc_order, language="en", user=carol).version == 2


def test_a_document_whose_renderings_keep_dying_is_failed_and_its_version_taken_again(
    bc_order: Order, carol: User, sent: list[int]
) -> None:
    document = documents.document_request(order=bc_order, language="en", user=carol)
    for _ in range(documents.MAX_RENDER_ATTEMPTS):
        OrderDocument.objects.filter(pk=document.pk).update(render_started_at=timezone.now() - timedelta(minutes=5))
        killed_mid_render(document.pk)
        OrderDocument.objects.filter(pk=document.pk).update(render_started_at=timezone.now() - timedelta(minutes=5))

    assert documents.documents_resume() == {"resent": 0, "failed": 1}
    document.refresh_from_db()
    assert document.status == "failed"
    assert document.error == "Rendering stopped 3 times without finishing; ask for the PDF again."

    again = documents.document_request(order=bc_order, language="en", user=carol, pdfa=True)
    assert (again.pk, again.version, again.status, again.pdfa, again.render_attempts) == (
        document.pk,
        1,
        "pending",
        True,
        0,
    )
    assert [h.history_change_reason for h in again.history.order_by("history_id")][-2:] == [
        "rendering failed",
        "rendering requested again",
    ]
    assert tasks.document_render.run(again.pk) == "ready"
    assert list(OrderDocument.objects.values_list("version", "status")) == [(1, "ready")]


def test_a_failed_version_under_a_ready_one_is_not_taken_again(bc_order: Order, carol: User, sent: list[int]) -> None:
    """Only the latest version is taken again: versions stay in the order they were asked for."""
    first = documents.document_request(order=bc_order, language="en", user=carol)
    assert tasks.document_render.run(first.pk) == "ready"
    assert documents.document_request(order=bc_order, language="en", user=carol).version == 2


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_killed_mid_render_leaves_the_version_to_the_next_worker(
    require_postgres: None,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    media: Path,
    bc_order: Order,
    carol: User,
) -> None:
    """A real worker, SIGKILLed while it renders an order of 400 terms; another worker finishes it."""
    Term.objects.bulk_create(
        Term(order=bc_order, number=100 + n, text=f"Term {n}: " + "Delete the images. " * 20) for n in range(400)
    )

    with PrivateRedis() as private_redis, broker(monkeypatch, private_redis.url, {"visibility_timeout": 3600}):
        worker = WorkerProcess(broker_url=private_redis.url, media_root=media, log_path=tmp_path / "worker.log")
        with worker, worker_log_on_failure(worker):
            document = documents.document_request(order=bc_order, language="en", user=carol)
            wait_until(
                lambda: OrderDocument.objects.filter(pk=document.pk, render_started_at__isnull=False).exists(),
                timeout=20,
                what="the rendering to start",
                interval=0.02,
            )
            worker.process.send_signal(signal.SIGKILL)  # type: ignore[union-attr]
            worker.process.wait(timeout=10)  # type: ignore[union-attr]
            document.refresh_from_db()
            assert (document.status, document.file.name) == ("pending", ""), "the rendering finished before the kill"

            worker.start()  # the supervisor
            # A minute and a quarter on (aged here rather than waited for), the claim is stale:
            # the resume task's next run sends the document to a worker again.
            OrderDocument.objects.filter(pk=document.pk).update(
                render_started_at=F("render_started_at") - timedelta(seconds=80)
            )
            assert documents.documents_resume()["resent"] == 1
            wait_until(
                lambda: OrderDocument.objects.get(pk=document.pk).status != "pending",
                timeout=60,
                what="the second worker to render it",
                interval=0.2,
            )

    document.refresh_from_db()
    assert (document.status, document.version, document.render_attempts) == ("ready", 1, 2), document.error
    assert hashlib.sha256(Path(document.file.path).read_bytes()).hexdigest() == document.sha256
    assert [path.name for path in media.rglob("*.pdf")] == ["OIPC-BC-P21-08-en-v1.pdf"]
