"""Order documents (orders.documents): versions, fingerprints, the task, the pages and the command.

Rendering is real (WeasyPrint); files go to a temporary MEDIA_ROOT.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from casework.models import Authority, User
from orders import tasks
from orders.documents import selectors as document_selectors
from orders.documents import services as documents
from orders.models import Order, OrderDocument
from orders.services import order_set_status
from tests.conftest import Ref

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Document ids sent to the worker (the broker is not what these tests are about)."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.document_render, "delay", lambda document_id: sent.append(document_id))
    return sent


def stored_bytes(document: OrderDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


# --- Services ----------------------------------------------------------------------------------------


def test_it_numbers_versions_and_enqueues_after_the_commit(
    bc_order: Order, carol: User, enqueued: list[int], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = documents.document_request(order=bc_order, language="en", user=carol)
        assert enqueued == []  # not before the commit: the worker would not find the row
    second = documents.document_request(order=bc_order, language="en", user=carol, pdfa=True)

    assert len(callbacks) == 1 and enqueued == [first.pk]
    assert (first.version, first.status, first.order_status, first.requested_by) == (1, "pending", "issued", carol)
    assert (second.version, second.pdfa) == (2, True)
    assert first.history.get().history_change_reason == "rendering requested"


def test_it_renders_a_ready_document_whose_sha256_matches_its_file(bc_order: Order, carol: User, media: Path) -> None:
    document = documents.document_render_now(order=bc_order, language="en", user=carol)

    data = stored_bytes(document)
    assert document.status == "ready" and document.error == ""
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    assert document.pages == len(pypdf.PdfReader(io.BytesIO(data)).pages)
    assert document.rendered_at is not None
    assert Path(document.file.path).name == "OIPC-BC-P21-08-en-v1.pdf"
    assert Path(document.file.path).is_relative_to(media)
    assert [h.history_change_reason for h in document.history.order_by("history_id")] == [
        "rendering requested",
        "rendered",
    ]


def test_it_never_overwrites_an_issued_orders_document(bc_order: Order, carol: User, media: Path) -> None:
    first = documents.document_render_now(order=bc_order, language="en", user=carol)
    first_bytes = stored_bytes(first)
    order_set_status(actor=carol, order=bc_order, status="complied", reason="Done.")

    second = documents.document_render_now(order=bc_order, language="en", user=carol)

    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert stored_bytes(first) == first_bytes and hashlib.sha256(first_bytes).hexdigest() == first.sha256
    assert first.file.name != second.file.name
    assert (first.order_status, second.order_status) == ("issued", "complied")
    assert len(files_under(media)) == 2
    assert document_selectors.document_latest_ready(bc_order, "en") == second


def test_a_redelivered_render_does_nothing(bc_order: Order, carol: User, enqueued: list[int], media: Path) -> None:
    document = documents.document_request(order=bc_order, language="en", user=carol)
    assert tasks.document_render.run(document.pk) == "ready"
    rendered = OrderDocument.objects.get(pk=document.pk)

    assert tasks.document_render.run(document.pk) == "ready"  # the message came again

    again = OrderDocument.objects.get(pk=document.pk)
    assert (again.file.name, again.sha256, again.rendered_at) == (
        rendered.file.name,
        rendered.sha256,
        rendered.rendered_at,
    )
    assert len(files_under(media)) == 1
    assert again.history.count() == 2


def test_the_loser_of_a_race_keeps_nothing(
    bc_order: Order, carol: User, enqueued: list[int], media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers render the same pending document: the second to finish finds it taken and drops its file."""
    document = documents.document_request(order=bc_order, language="en", user=carol)
    real = documents.render_order_pdf_with_pages

    def rival_finishes_first(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(documents, "render_order_pdf_with_pages", real)
        documents.document_render(document_id=document.pk)  # the other worker, start to end
        return real(*args, **kwargs)

    monkeypatch.setattr(documents, "render_order_pdf_with_pages", rival_finishes_first)
    result = documents.document_render(document_id=document.pk)

    assert result.status == "ready"
    assert len(files_under(media)) == 1
    assert stored_bytes(result) and hashlib.sha256(stored_bytes(result)).hexdigest() == result.sha256


def test_it_records_why_rendering_failed_and_leaves_it_failed(
    bc_order: Order, carol: User, enqueued: list[int], monkeypatch: pytest.MonkeyPatch, media: Path
) -> None:
    document = documents.document_request(order=bc_order, language="en", user=carol)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("the template is broken")

    monkeypatch.setattr(documents, "render_order_pdf_with_pages", broken)
    assert tasks.document_render.run(document.pk) == "failed"
    monkeypatch.undo()
    assert tasks.document_render.run(document.pk) == "failed"  # a failed document is not rendered again

    failed = OrderDocument.objects.get(pk=document.pk)
    assert failed.error == "ValueError: the template is broken"
    assert failed.file.name == "" and failed.sha256 == ""
    assert files_under(media) == []


def test_it_refuses_a_language_the_authority_does_not_issue_in(bc_order: Order, carol: User) -> None:
    with pytest.raises(ValidationError, match="OIPC-BC issues its orders in English, not in French"):
        documents.document_request(order=bc_order, language="fr", user=carol)
    assert not OrderDocument.objects.exists()


def test_it_lists_the_authoritys_languages(ref: Ref, bc_order: Order) -> None:
    assert document_selectors.document_languages(bc_order) == ["en"]
    Authority.objects.filter(pk=ref.oipc_bc.pk).update(issues_in=["en", "fr"])
    bc_order.authority.refresh_from_db()
    assert document_selectors.document_languages(bc_order) == ["en", "fr"]
    Authority.objects.filter(pk=ref.oipc_bc.pk).update(issues_in=[])
    bc_order.authority.refresh_from_db()
    assert document_selectors.document_languages(bc_order) == ["en"]


@pytest.mark.django_db(transaction=True)
def test_versions_stay_in_order_under_concurrent_requests(
    require_postgres: None, bc_order: Order, carol: User, enqueued: list[int]
) -> None:
    """The order's row lock numbers versions one after the other (no unique-constraint collision)."""
    import threading

    from django.db import connection

    errors: list[BaseException] = []

    def request() -> None:
        try:
            documents.document_request(order=bc_order, language="en", user=carol)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    # transaction=True: the fixtures are committed, so the threads' own connections see the order.
    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(OrderDocument.objects.values_list("version", flat=True)) == [1, 2, 3, 4]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_requested_document(
    monkeypatch: pytest.MonkeyPatch, redis_url: str, bc_order: Order, carol: User
) -> None:
    """The request commits, the task goes through Redis, a worker renders: the document becomes ready."""
    import time
    import uuid

    from celery.contrib.testing.worker import start_worker

    from config.celery import app as celery_app
    from tests.celery_helpers import broker

    options = {"visibility_timeout": 3600, "global_keyprefix": f"casetracker-test-{uuid.uuid4().hex}:"}
    with broker(monkeypatch, redis_url, options):
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            document = documents.document_request(order=bc_order, language="en", user=carol)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and OrderDocument.objects.get(pk=document.pk).status == "pending":
                time.sleep(0.2)
    document.refresh_from_db()
    assert document.status == "ready", document.error
    assert hashlib.sha256(stored_bytes(document)).hexdigest() == document.sha256


# --- Pages ----------------------------------------------------------------------------------------------


def render_url(order: Order) -> str:
    return reverse("orders:document_render", args=[order.authority.code, order.number])


def test_legal_staff_render_from_the_order_page(
    client: Client, bc_order: Order, carol: User, enqueued: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(carol)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(render_url(bc_order), {"language": "en", "pdfa": "1"})

    document = OrderDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith("/orders/OIPC-BC/P21-08/#documents-heading")
    assert (document.requested_by, document.pdfa, enqueued) == (carol, True, [document.pk])
    page = client.get(reverse("orders:detail", args=["OIPC-BC", "P21-08"])).content.decode()
    assert "rendering…" in page
    assert "js/order-documents.js" in page  # the panel polls until it is done
    status = reverse("orders:document_status", args=["OIPC-BC", "P21-08", document.pk])
    assert f'data-pending-status-urls="{status}?format=json"' in page


def test_a_bad_language_is_an_error_message_not_a_crash(client: Client, bc_order: Order, carol: User) -> None:
    client.force_login(carol)
    response = client.post(render_url(bc_order), {"language": "de"}, follow=True)
    assert "OIPC-BC issues its orders in English, not in de." in response.content.decode()
    assert not OrderDocument.objects.exists()


def test_others_who_see_the_order_may_not_render_it(client: Client, bc_order: Order, bob: User) -> None:
    client.force_login(bob)  # OIPC-BC investigator: sees the order, is not legal staff
    assert client.post(render_url(bc_order), {"language": "en"}).status_code == 403
    assert not OrderDocument.objects.exists()


def test_who_may_not_see_the_order_gets_404_everywhere(
    client: Client, bc_order: Order, carol: User, dave: User
) -> None:
    document = documents.document_render_now(order=bc_order, language="en", user=carol)
    client.force_login(dave)  # CAI: not part of this investigation
    args = ["OIPC-BC", "P21-08", document.pk]
    assert client.post(render_url(bc_order), {"language": "en"}).status_code == 404
    assert client.get(reverse("orders:document_status", args=args)).status_code == 404
    assert client.get(reverse("orders:document_status", args=args) + "?format=json").status_code == 404
    assert client.get(reverse("orders:document_download", args=args)).status_code == 404


def test_anyone_who_sees_the_order_downloads_a_ready_document(
    client: Client, bc_order: Order, carol: User, bob: User
) -> None:
    document = documents.document_render_now(order=bc_order, language="en", user=carol)
    client.force_login(bob)

    response = client.get(reverse("orders:document_download", args=["OIPC-BC", "P21-08", document.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="OIPC-BC-P21-08-en-v1.pdf"'
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert hashlib.sha256(body).hexdigest() == document.sha256 == response["X-Content-SHA256"]


def test_it_has_nothing_to_download_before_the_document_is_ready(
    client: Client, bc_order: Order, carol: User, enqueued: list[int]
) -> None:
    document = documents.document_request(order=bc_order, language="en", user=carol)
    client.force_login(carol)
    url = reverse("orders:document_download", args=["OIPC-BC", "P21-08", document.pk])
    assert client.get(url).status_code == 404


def test_a_document_is_only_found_under_its_own_order(
    client: Client, ref: Ref, bc_order: Order, carol: User, joint_investigation: Any
) -> None:
    from orders.services import order_draft, term_add

    other = order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="P21-09", legal_basis="s. 52"
    )
    term_add(actor=carol, order=other, text="Stop.", deadline_rule={"rule": "immediate"})
    document = documents.document_render_now(order=bc_order, language="en", user=carol)
    client.force_login(carol)
    assert client.get(reverse("orders:document_download", args=["OIPC-BC", "P21-09", document.pk])).status_code == 404


def test_the_status_answers_in_json_and_as_a_page(client: Client, bc_order: Order, carol: User, bob: User) -> None:
    document = documents.document_render_now(order=bc_order, language="en", user=carol)
    client.force_login(bob)
    url = reverse("orders:document_status", args=["OIPC-BC", "P21-08", document.pk])

    status = json.loads(client.get(url + "?format=json").content)
    page = client.get(url).content.decode()

    assert status["status"] == "ready" and status["version"] == 1 and status["sha256"] == document.sha256
    assert status["download_url"] == reverse("orders:document_download", args=["OIPC-BC", "P21-08", document.pk])
    assert document.sha256 in page and "Download the PDF" in page
    assert "<h1>Order P21-08: PDF in English, version 1</h1>" in page


def test_the_order_page_offers_the_download_and_says_which_texts_are_missing(
    client: Client, ref: Ref, bc_order: Order, carol: User, bob: User
) -> None:
    document = documents.document_render_now(order=bc_order, language="en", user=carol)
    Authority.objects.filter(pk=ref.oipc_bc.pk).update(issues_in=["en", "fr"])

    client.force_login(bob)
    page = client.get(reverse("orders:detail", args=["OIPC-BC", "P21-08"])).content.decode()

    assert reverse("orders:document_download", args=["OIPC-BC", "P21-08", document.pk]) in page
    assert "Download version 1 (English)" in page
    assert "Terms 1, 2 have no text in French" in page
    assert "Render in French" not in page  # bob may not render
    client.force_login(carol)
    page = client.get(reverse("orders:detail", args=["OIPC-BC", "P21-08"])).content.decode()
    assert "Render a new version in English" in page and "Render in French" in page


# --- The command ------------------------------------------------------------------------------------------


def test_the_command_renders_records_and_writes_the_file(bc_order: Order, tmp_path: Path) -> None:
    output = tmp_path / "order.pdf"
    err = io.StringIO()

    call_command("render_order", "OIPC-BC", "P21-08", "--lang", "en", "--output", str(output), stderr=err)

    document = OrderDocument.objects.get()
    assert (document.status, document.requested_by, document.version) == ("ready", None, 1)
    assert output.read_bytes() == stored_bytes(document)
    assert document.sha256 in err.getvalue()
    call_command("render_order", "OIPC-BC", "P21-08", "--lang", "en", "--pdfa", "--output", str(output), stderr=err)
    assert OrderDocument.objects.get(version=2).pdfa


def test_the_command_names_what_is_wrong(bc_order: Order, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No order P99-99 of authority OIPC-BC"):
        call_command("render_order", "OIPC-BC", "P99-99", "--lang", "en", "--output", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="issues its orders in English, not in French"):
        call_command("render_order", "OIPC-BC", "P21-08", "--lang", "fr", "--output", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("versions", [0, 3])
def test_the_documents_panel_costs_one_query_whatever_the_versions(
    client: Client,
    bc_order: Order,
    carol: User,
    enqueued: list[int],
    versions: int,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    for _ in range(versions):
        documents.document_render_now(order=bc_order, language="en", user=carol)
    if versions:
        documents.document_request(order=bc_order, language="en", user=carol)  # and one pending
    client.force_login(carol)
    # As tests/orders/test_views.py counts the order page: 12 of them are the page without
    # the panel, 1 is the order's documents with who asked for each (documents_for_order).
    with django_assert_num_queries(13):
        response = client.get(reverse("orders:detail", args=["OIPC-BC", "P21-08"]))
    assert response.content.decode().count("Version ") == versions + (1 if versions else 0)
