"""Exports: the CSV files, the PDF bundle, the calendar feed and the case JSON download.

Personas (tests/conftest.py): ``bc_order`` is OIPC-BC's order P21-08 in ``joint_investigation``
(OPC lead, OIPC-BC joint), issued 2021-12-14, term 1 due on 2022-01-25, term 2 sixty
business days after issue; carol (OIPC-BC legal) drafted it. bob is an OIPC-BC
investigator, alice an OPC investigator, dave a CAI manager (CAI takes no part); ``quinn``
here is CAI legal staff, who may export bundles but sees nothing of this investigation.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casework.interchange import case_export
from casework.models import Investigation, User
from casework.services import investigation_link, investigation_open
from orders import services
from orders.exports import bundles, feeds, spreadsheets
from orders.models import CalendarFeed, Deadline, ExportJob, Order, OrderDocument
from orders.tasks import export_bundle as export_bundle_task
from tests.conftest import Ref
from tests.orders.test_pages_permissions import make_user

pytestmark = pytest.mark.django_db

ORDERS_CSV = reverse("orders:orders_csv")
DEADLINES_CSV = reverse("orders:deadlines_csv")
EXPORT_NEW = reverse("orders:export_new")
NumQueries = Callable[..., Any]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def quinn(ref: Ref) -> User:
    return make_user("quinn", ref.cai, is_legal=True)


def _issued(investigation: Investigation, authority: Any, number: str, *, actor: User, title: str = "") -> Order:
    order = services.order_draft(
        actor=actor, investigation=investigation, authority=authority, number=number, legal_basis="s. 52", title=title
    )
    services.term_add(
        actor=actor, order=order, text=f"Do {number}.", deadline_rule={"rule": "fixed", "date": "2022-03-01"}
    )
    return services.order_issue(actor=actor, order=order, issued_on=date(2021, 12, 14))


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _rows(response: Any) -> list[list[str]]:
    body = _body(response)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _ready_document(order: Order, language: str, version: int, data: bytes) -> OrderDocument:
    document = OrderDocument(
        order=order,
        language=language,
        version=version,
        status=OrderDocument.Status.READY,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        pages=1,
        order_status=order.status,
        requested_at=timezone.now(),
        rendered_at=timezone.now(),
    )
    document.file.save(
        f"{order.authority.code}-{order.number}-{language}-v{version}.pdf", ContentFile(data), save=False
    )
    document.save()
    return document


def _request_bundle(client: Client, user: User, orders: list[Order], language: str = "") -> ExportJob:
    client.force_login(user)
    response = client.post(EXPORT_NEW, {"orders": [order.pk for order in orders], "language": language})
    assert response.status_code == 302, response.content.decode()
    job = ExportJob.objects.get(user=user)
    assert response["Location"] == reverse("orders:export_detail", args=[job.pk])
    return job


# --- CSV ---------------------------------------------------------------------------------------------


def test_it_exports_the_orders_the_user_sees_as_csv_for_excel(client: Client, bc_order: Order, carol: User) -> None:
    client.force_login(carol)
    response = client.get(ORDERS_CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="orders-')
    header, *rows = _rows(response)
    assert header == list(spreadsheets.ORDER_COLUMNS)
    assert rows == [
        [
            "OIPC-BC",
            "P21-08",
            "",
            "issued",
            "2021-12-14",
            "",
            "2022-01-25",
            "PIPA s. 52",
            "PIPEDA-000001",
            "Joint investigation of Example Corp.",
            "http://testserver/orders/OIPC-BC/P21-08/",
        ]
    ]


def test_it_leaves_out_of_the_csv_what_the_user_may_not_see(client: Client, bc_order: Order, dave: User) -> None:
    client.force_login(dave)
    for url in (ORDERS_CSV, DEADLINES_CSV, f"{DEADLINES_CSV}?mine=1"):
        for query in ({}, {"investigation": "PIPEDA-000001"}):
            response = client.get(url, query)
            assert response.status_code == 200
            assert len(_rows(response)) == 1  # the header only: CAI takes no part in the investigation


def test_it_asks_for_sign_in_before_a_csv(client: Client, bc_order: Order) -> None:
    for url in (ORDERS_CSV, DEADLINES_CSV):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_makes_csv_cells_safe_from_formula_injection(
    client: Client, ref: Ref, joint_investigation: Investigation, carol: User
) -> None:
    order = services.order_draft(
        actor=carol,
        investigation=joint_investigation,
        authority=ref.oipc_bc,
        number="P21-66",
        legal_basis="+1 s. 52",
        title='=HYPERLINK("http://evil.example","click")',
    )
    services.term_add(
        actor=carol, order=order, text="@SUM(A1:A2) -2", deadline_rule={"rule": "fixed", "date": "2022-03-01"}
    )
    services.order_issue(actor=carol, order=order, issued_on=date(2021, 12, 14))
    client.force_login(carol)
    (row,) = _rows(client.get(ORDERS_CSV))[1:]
    assert row[2] == '\'=HYPERLINK("http://evil.example","click")'
    assert row[7] == "'+1 s. 52"
    (deadline_row,) = _rows(client.get(DEADLINES_CSV))[1:]
    assert deadline_row[spreadsheets.DEADLINE_COLUMNS.index("term_text")] == "'@SUM(A1:A2) -2"
    assert spreadsheets.csv_cell("-3") == "'-3"
    assert spreadsheets.csv_cell(-3) == -3  # numbers are numbers, not formulas
    assert spreadsheets.csv_cell("\tcmd") == "'\tcmd"


def test_it_honours_the_order_list_filters_in_the_csv(
    client: Client, ref: Ref, joint_investigation: Investigation, bc_order: Order, carol: User
) -> None:
    _issued(joint_investigation, ref.oipc_bc, "P21-09", actor=carol, title="Second order")
    services.order_set_status(actor=carol, order=bc_order, status="under_judicial_review")
    client.force_login(carol)
    assert [row[1] for row in _rows(client.get(ORDERS_CSV))[1:]] == ["P21-08", "P21-09"]
    assert [row[1] for row in _rows(client.get(ORDERS_CSV, {"q": "second"}))[1:]] == ["P21-09"]
    assert [row[1] for row in _rows(client.get(ORDERS_CSV, {"status": "under_judicial_review"}))[1:]] == ["P21-08"]
    deadlines = _rows(client.get(DEADLINES_CSV, {"status": "issued"}))[1:]
    assert [(row[1], row[2]) for row in deadlines] == [("P21-09", "1")]


@pytest.mark.parametrize("count", [1, 6])
def test_it_streams_the_orders_csv_in_a_fixed_number_of_queries(
    client: Client,
    ref: Ref,
    joint_investigation: Investigation,
    carol: User,
    count: int,
    django_assert_num_queries: NumQueries,
) -> None:
    for index in range(count):
        _issued(joint_investigation, ref.oipc_bc, f"P21-{index:02d}", actor=carol)
    client.force_login(carol)
    # 1 session, 2 user, 3 the authority chosen in the filter, 4 the orders with their authority,
    # jurisdiction, investigation and next due date (all rows, streamed).
    with django_assert_num_queries(4):
        response = client.get(ORDERS_CSV, {"authority": ref.oipc_bc.pk})
        rows = _rows(response)
    assert len(rows) == count + 1


@pytest.mark.parametrize("count", [1, 6])
def test_it_streams_the_deadlines_csv_in_a_fixed_number_of_queries(
    client: Client,
    ref: Ref,
    joint_investigation: Investigation,
    carol: User,
    count: int,
    django_assert_num_queries: NumQueries,
) -> None:
    for index in range(count):
        _issued(joint_investigation, ref.oipc_bc, f"P21-{index:02d}", actor=carol)
    client.force_login(carol)
    # 1 session, 2 user, 3 the deadlines of the visible issued orders with their term, order,
    # authority, jurisdiction and investigation.
    with django_assert_num_queries(3):
        rows = _rows(client.get(DEADLINES_CSV))
    assert len(rows) == count + 1
    # The "my deadlines" rows: the same three queries.
    with django_assert_num_queries(3):
        rows = _rows(client.get(DEADLINES_CSV, {"mine": "1"}))
    assert len(rows) == count + 1


def test_it_exports_deadlines_with_days_left_in_the_authority_time_zone(
    client: Client, ref: Ref, joint_investigation: Investigation, bc_order: Order, carol: User
) -> None:
    services.order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="P21-99", legal_basis="s. 52"
    )  # a draft: its dates are previews, not owed, and not exported
    client.force_login(carol)
    # 2022-01-20 at 20:00 in Vancouver is already the 21st in UTC: 5 days left there, not 4.
    with time_machine.travel(datetime(2022, 1, 21, 4, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        header, first, second = _rows(client.get(DEADLINES_CSV))
    row = dict(zip(header, first, strict=True))
    assert row["authority"] == "OIPC-BC"
    assert row["order"] == "P21-08"
    assert row["term"] == "1"
    assert row["due_on"] == "2022-01-25"
    assert row["ends_at"] == "2022-01-25T23:59:59-08:00"  # local time, with its offset
    assert row["time_zone"] == "America/Vancouver"
    assert row["status"] == "open"
    assert row["days_left"] == "5"
    assert row["state"] == "5 days left"
    assert json.loads(row["rule"]) == {"rule": "fixed", "date": "2022-01-25"}
    assert "25 January 2022" in row["explanation"]
    assert row["url"] == "http://testserver/orders/OIPC-BC/P21-08/#term-1"
    assert dict(zip(header, second, strict=True))["term"] == "2"
    deadline = Deadline.objects.get(term__order=bc_order, term__number=1)
    services.deadline_close(actor=carol, deadline=deadline, status="met", on=date(2022, 1, 20))
    with time_machine.travel(datetime(2022, 1, 21, 4, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        met = dict(zip(header, _rows(client.get(DEADLINES_CSV))[1], strict=True))
    assert (met["status"], met["days_left"], met["state"]) == ("met", "", "met on time")


# --- The bundle: requesting it --------------------------------------------------------------------


def test_it_offers_legal_staff_the_filtered_orders_to_bundle(
    client: Client, ref: Ref, joint_investigation: Investigation, bc_order: Order, carol: User
) -> None:
    _issued(joint_investigation, ref.oipc_bc, "P21-09", actor=carol, title="Second order")
    client.force_login(carol)
    page = client.get(EXPORT_NEW, {"q": "second"}).content.decode()
    assert "<h1>Export order PDFs</h1>" in page
    assert 'name="orders" value="{}"'.format(Order.objects.get(number="P21-09").pk) in page
    assert f'name="orders" value="{bc_order.pk}"' not in page
    assert "Include OIPC-BC P21-09" in page


def test_it_refuses_bundles_to_staff_who_are_not_legal(client: Client, bc_order: Order, bob: User) -> None:
    client.force_login(bob)
    assert client.get(EXPORT_NEW).status_code == 403
    assert client.post(EXPORT_NEW, {"orders": [bc_order.pk]}).status_code == 403
    assert not ExportJob.objects.exists()
    with pytest.raises(PermissionDenied):
        bundles.export_bundle_request(user=bob, orders=[bc_order])


def test_it_answers_404_for_a_bundle_of_an_order_the_user_may_not_see(
    client: Client, bc_order: Order, quinn: User
) -> None:
    client.force_login(quinn)
    assert client.get(EXPORT_NEW).status_code == 200
    assert client.post(EXPORT_NEW, {"orders": [bc_order.pk]}).status_code == 404
    assert client.post(EXPORT_NEW, {"orders": [999999]}).status_code == 404
    assert not ExportJob.objects.exists()
    with pytest.raises(Http404):
        bundles.export_bundle_request(user=quinn, orders=[bc_order])


def test_it_says_what_is_wrong_with_a_bundle_request(
    client: Client, bc_order: Order, carol: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(carol)
    response = client.post(EXPORT_NEW, {"language": "de"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was exported." in page
    assert "Choose at least one order." in page
    assert "Select a valid choice." in page
    monkeypatch.setattr(bundles, "MAX_BUNDLE_ORDERS", 0)
    with pytest.raises(ValidationError, match="at most 0 orders"):
        bundles.export_bundle_request(user=carol, orders=[bc_order])
    assert not ExportJob.objects.exists()


def test_it_records_the_job_and_enqueues_its_build_after_commit(
    client: Client, bc_order: Order, carol: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        job = _request_bundle(client, carol, [bc_order], language="en")
    assert len(callbacks) == 1
    assert (job.status, job.total, job.done, job.language) == ("pending", 1, 0, "en")
    assert list(job.orders.all()) == [bc_order]


# --- The bundle: building it -------------------------------------------------------------------------


def test_it_builds_a_zip_whose_manifests_match_its_files(
    client: Client, ref: Ref, joint_investigation: Investigation, bc_order: Order, carol: User
) -> None:
    second = _issued(joint_investigation, ref.oipc_bc, "P21-09", actor=carol)
    _ready_document(bc_order, "en", 1, b"%PDF-1.7 old version")
    _ready_document(bc_order, "en", 2, b"%PDF-1.7 P21-08 newest")
    _ready_document(second, "en", 1, b"%PDF-1.7 P21-09")
    job = _request_bundle(client, carol, [second, bc_order])

    built = bundles.export_bundle_build(job_id=job.pk)

    assert built is not None
    assert (built.status, built.done, built.total, built.error) == ("ready", 2, 2, "")
    assert built.finished_at is not None
    data = built.file.read()
    assert built.sha256 == hashlib.sha256(data).hexdigest()
    assert built.size == len(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == [
        "OIPC-BC-P21-08-en-v2.pdf",
        "OIPC-BC-P21-09-en-v1.pdf",
        "manifest.csv",
        "manifest.json",
    ]
    assert archive.read("OIPC-BC-P21-08-en-v2.pdf") == b"%PDF-1.7 P21-08 newest"
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["export"] == job.pk
    assert manifest["requested_by"] == "carol"
    for entry in manifest["documents"]:
        content = archive.read(entry["filename"])
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["size"] == len(content)
    assert manifest["documents"][0] == {
        "order": "P21-08",
        "authority": "OIPC-BC",
        "language": "en",
        "version": 2,
        "filename": "OIPC-BC-P21-08-en-v2.pdf",
        "sha256": hashlib.sha256(b"%PDF-1.7 P21-08 newest").hexdigest(),
        "size": 22,
        "issued_on": "2021-12-14",
        "status": "issued",
    }
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert [(row["filename"], row["sha256"]) for row in rows] == [
        (entry["filename"], entry["sha256"]) for entry in manifest["documents"]
    ]
    # The owner downloads it, with its name.
    response = client.get(reverse("orders:export_download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="orders-export-{job.pk}.zip"'
    assert _body(response) == data
    page = client.get(reverse("orders:export_detail", args=[job.pk])).content.decode()
    assert built.sha256 in page
    assert f"Download orders-export-{job.pk}.zip" in page


def test_it_renders_a_missing_document_and_counts_progress(
    client: Client,
    ref: Ref,
    joint_investigation: Investigation,
    bc_order: Order,
    carol: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    second = _issued(joint_investigation, ref.oipc_bc, "P21-09", actor=carol)
    _ready_document(second, "en", 1, b"%PDF-1.7 P21-09")
    job = _request_bundle(client, carol, [bc_order, second], language="en")
    seen: list[int] = []
    read = bundles._read

    def read_and_note(document: OrderDocument, order: Order) -> bytes:
        seen.append(ExportJob.objects.get(pk=job.pk).done)
        return read(document, order)

    monkeypatch.setattr(bundles, "_read", read_and_note)

    built = bundles.export_bundle_build(job_id=job.pk)

    assert built is not None and built.status == "ready", built and built.error
    assert seen == [0, 1]  # the status page saw one order done before the second was added
    rendered = OrderDocument.objects.get(order=bc_order)
    assert (rendered.status, rendered.version, rendered.requested_by) == ("ready", 1, carol)
    archive = zipfile.ZipFile(built.file)
    assert archive.read("OIPC-BC-P21-08-en-v1.pdf").startswith(b"%PDF-")


def test_it_falls_back_to_the_languages_an_authority_issues_in(
    client: Client, ref: Ref, bc_order: Order, carol: User
) -> None:
    _ready_document(bc_order, "en", 1, b"%PDF english")
    job = _request_bundle(client, carol, [bc_order], language="fr")  # OIPC-BC issues in English only
    built = bundles.export_bundle_build(job_id=job.pk)
    assert built is not None and built.status == "ready"
    assert "OIPC-BC-P21-08-en-v1.pdf" in zipfile.ZipFile(built.file).namelist()
    ref.oipc_bc.issues_in = ["en", "fr"]
    ref.oipc_bc.save(update_fields=["issues_in"])
    bc_order.refresh_from_db()
    job_fr = ExportJob.objects.create(user=carol, total=1, created_at=timezone.now(), language="fr")
    assert bundles.bundle_languages(job_fr, bc_order) == ["fr"]
    job_fr.language = ""
    assert bundles.bundle_languages(job_fr, bc_order) == ["en", "fr"]


def test_it_fails_with_the_reason_when_a_document_cannot_be_rendered(
    client: Client, bc_order: Order, carol: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the fonts are missing")

    monkeypatch.setattr("orders.documents.services.render_order_pdf_with_pages", broken)
    job = _request_bundle(client, carol, [bc_order])

    built = bundles.export_bundle_build(job_id=job.pk)

    assert built is not None
    assert built.status == "failed"
    assert built.error == (
        "The English PDF of OIPC-BC P21-08 could not be rendered: RuntimeError: the fonts are missing"
    )
    assert not built.file
    page = client.get(reverse("orders:export_detail", args=[job.pk])).content.decode()
    assert "The export failed:" in page
    assert "the fonts are missing" in page
    assert client.get(reverse("orders:export_download", args=[job.pk])).status_code == 404
    status = client.get(reverse("orders:export_status", args=[job.pk])).json()
    assert (status["status"], status["error"], status["download_url"]) == ("failed", built.error, None)


def test_it_refuses_to_bundle_a_file_that_does_not_match_its_sha256(
    client: Client, bc_order: Order, carol: User
) -> None:
    document = _ready_document(bc_order, "en", 1, b"%PDF original")
    Path(document.file.path).write_bytes(b"%PDF tampered")
    job = _request_bundle(client, carol, [bc_order])
    built = bundles.export_bundle_build(job_id=job.pk)
    assert built is not None
    assert built.status == "failed"
    assert "does not match its SHA-256" in built.error


def test_it_builds_a_bundle_once_however_often_the_task_runs(client: Client, bc_order: Order, carol: User) -> None:
    _ready_document(bc_order, "en", 1, b"%PDF once")
    job = _request_bundle(client, carol, [bc_order])
    assert export_bundle_task(job.pk) == "ready"
    job.refresh_from_db()
    first = (job.file.name, job.sha256, job.finished_at)
    assert export_bundle_task(job.pk) is None  # redelivered: the claim fails, nothing changes
    assert bundles.export_bundle_build(job_id=job.pk) is None
    job.refresh_from_db()
    assert (job.file.name, job.sha256, job.finished_at) == first


def test_it_fails_a_bundle_whose_owner_lost_sight_of_an_order(
    client: Client, bc_order: Order, carol: User, joint_investigation: Investigation
) -> None:
    _ready_document(bc_order, "en", 1, b"%PDF secret")
    job = _request_bundle(client, carol, [bc_order])
    Investigation.objects.filter(pk=joint_investigation.pk).update(confidential=True)  # carol is not assigned
    built = bundles.export_bundle_build(job_id=job.pk)
    assert built is not None
    assert built.status == "failed"
    assert built.error == "Some of these orders are no longer visible to you; nothing was bundled."


def test_it_hides_a_ready_bundle_once_its_owner_may_no_longer_see_an_order(
    client: Client, bc_order: Order, carol: User, joint_investigation: Investigation
) -> None:
    _ready_document(bc_order, "en", 1, b"%PDF secret")
    job = _request_bundle(client, carol, [bc_order])
    bundles.export_bundle_build(job_id=job.pk)
    download = reverse("orders:export_download", args=[job.pk])
    assert client.get(download).status_code == 200
    Investigation.objects.filter(pk=joint_investigation.pk).update(confidential=True)
    assert client.get(download).status_code == 404
    assert "P21-08" not in client.get(reverse("orders:export_detail", args=[job.pk])).content.decode()


def test_it_shows_an_export_to_its_owner_only(
    client: Client, bc_order: Order, carol: User, alice: User, root: User, quinn: User
) -> None:
    _ready_document(bc_order, "en", 1, b"%PDF mine")
    job = _request_bundle(client, carol, [bc_order])
    bundles.export_bundle_build(job_id=job.pk)
    urls = [
        reverse(name, args=[job.pk])
        for name in ("orders:export_detail", "orders:export_status", "orders:export_download")
    ]
    for other in (alice, quinn, root):  # alice sees the order; root sees everything: still not theirs
        client.force_login(other)
        for url in urls:
            assert client.get(url).status_code == 404, (other, url)
    client.logout()
    assert client.get(urls[0]).status_code == 302


def test_it_reports_progress_as_json_and_lists_recent_exports(client: Client, bc_order: Order, carol: User) -> None:
    job = _request_bundle(client, carol, [bc_order])
    ExportJob.objects.filter(pk=job.pk).update(status="running")
    response = client.get(reverse("orders:export_status", args=[job.pk]))
    assert response["Cache-Control"].startswith("max-age=0")
    assert response.json() == {
        "id": job.pk,
        "status": "running",
        "status_display": "building",
        "total": 1,
        "done": 0,
        "percent": 0,
        "progress_text": "0 of 1 order bundled",
        "error": "",
        "sha256": "",
        "size": None,
        "download_url": None,
    }
    page = client.get(reverse("orders:export_detail", args=[job.pk])).content.decode()
    assert f'data-poll="{reverse("orders:export_status", args=[job.pk])}"' in page
    assert '<progress id="export-bar" class="w-100 mb-2" max="1" value="0">' in page
    listing = client.get(reverse("orders:export_list")).content.decode()
    assert f"Export {job.pk}" in listing
    assert "Building" in listing


# --- The calendar feed --------------------------------------------------------------------------------


def _feed_url(user: User) -> str:
    return reverse("orders:calendar_feed", args=[feeds.calendar_feed_get_or_create(user=user).token])


def _events(response: Any) -> list[Any]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))


def test_it_serves_a_user_open_deadlines_as_an_icalendar_feed(client: Client, bc_order: Order, carol: User) -> None:
    events = _events(client.get(_feed_url(carol)))  # no sign-in: the secret is the credential
    assert [str(event["summary"]) for event in events] == [
        "OIPC-BC P21-08 term 1 due",
        "OIPC-BC P21-08 term 2 due",
    ]
    first = events[0]
    deadline = Deadline.objects.get(term__order=bc_order, term__number=1)
    assert str(first["uid"]) == f"deadline-{deadline.pk}@case-tracker"
    assert first.decoded("dtstart") == date(2022, 1, 25)
    assert first.decoded("dtend") == date(2022, 1, 26)
    description = str(first["description"])
    assert "Cease offering the service in BC." in description
    assert deadline.explanation in description
    assert "http://testserver/orders/OIPC-BC/P21-08/#term-1" in description
    # The UID is the same on the next read, and after the due date moves (an extension).
    services.deadline_extend(actor=carol, deadline=deadline, new_due_on=date(2022, 2, 25), reason="Asked.")
    moved = _events(client.get(_feed_url(carol)))
    again = next(event for event in moved if str(event["uid"]) == f"deadline-{deadline.pk}@case-tracker")
    assert again.decoded("dtstart") == date(2022, 2, 25)


def test_it_leaves_out_closed_paused_draft_and_invisible_deadlines(
    client: Client, ref: Ref, joint_investigation: Investigation, bc_order: Order, carol: User, dave: User
) -> None:
    services.order_draft(
        actor=carol, investigation=joint_investigation, authority=ref.oipc_bc, number="P21-99", legal_basis="s. 52"
    )
    first = Deadline.objects.get(term__order=bc_order, term__number=1)
    services.deadline_close(actor=carol, deadline=first, status="met", on=date(2022, 1, 20))
    assert [str(e["summary"]) for e in _events(client.get(_feed_url(carol)))] == ["OIPC-BC P21-08 term 2 due"]
    assert _events(client.get(_feed_url(dave))) == []  # another authority: nothing of this order
    # Visibility is decided when the feed is read: a now-confidential investigation drops out.
    Investigation.objects.filter(pk=joint_investigation.pk).update(confidential=True)
    assert _events(client.get(_feed_url(carol))) == []
    Investigation.objects.filter(pk=joint_investigation.pk).update(confidential=False)
    second = Deadline.objects.get(term__order=bc_order, term__number=2)
    services.deadline_stay(actor=carol, deadline=second, started_on=date(2022, 1, 5), reason="Court stay.")
    assert _events(client.get(_feed_url(carol))) == []  # a paused clock has no due date to show


def test_it_answers_404_for_an_unknown_or_disabled_feed(client: Client, bc_order: Order, carol: User) -> None:
    assert client.get(reverse("orders:calendar_feed", args=["not-a-secret"])).status_code == 404
    url = _feed_url(carol)
    User.objects.filter(pk=carol.pk).update(is_active=False)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("count", [1, 6])
def test_it_serves_the_feed_in_a_fixed_number_of_queries(
    client: Client,
    ref: Ref,
    joint_investigation: Investigation,
    carol: User,
    count: int,
    django_assert_num_queries: NumQueries,
) -> None:
    for index in range(count):
        _issued(joint_investigation, ref.oipc_bc, f"P21-{index:02d}", actor=carol)
    url = _feed_url(carol)
    # 1 the feed and its user, 2 noting when it was read, 3 the deadlines with their term, order,
    # authority and jurisdiction.
    with django_assert_num_queries(3):
        events = _events(client.get(url))
    assert len(events) == count
    assert CalendarFeed.objects.get(user=carol).last_used_at is not None


def test_it_resets_the_feed_so_the_old_address_stops_working(client: Client, bc_order: Order, carol: User) -> None:
    old = _feed_url(carol)
    client.force_login(carol)
    page = client.get(reverse("orders:preferences")).content.decode()
    assert f'value="http://testserver{old}"' in page
    assert 'href="/accounts/api-token/"' in page
    assert "Reset the calendar address" in page
    reset = reverse("orders:calendar_reset")
    assert "<h1>Reset the calendar address?</h1>" in client.get(reset).content.decode()
    assert client.get(old).status_code == 200  # asking is not resetting
    response = client.post(reset, follow=True)
    assert response.redirect_chain == [(reverse("orders:preferences"), 302)]
    assert "Your calendar address was reset." in response.content.decode()
    new = _feed_url(carol)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert f'value="http://testserver{new}"' in response.content.decode()


def test_it_makes_one_feed_per_user_with_a_long_secret(carol: User) -> None:
    feed = feeds.calendar_feed_get_or_create(user=carol)
    assert feeds.calendar_feed_get_or_create(user=carol) == feed
    assert len(feed.token) >= 43
    assert feeds.calendar_feed_reset(user=carol).token != feed.token
    assert CalendarFeed.objects.filter(user=carol).count() == 1


# --- The case JSON download -----------------------------------------------------------------------------


def test_it_downloads_the_case_json_from_the_investigation_page(
    client: Client, ref: Ref, joint_investigation: Investigation, bc_order: Order, alice: User, bob: User
) -> None:
    hidden = investigation_open(
        actor=alice,
        reference="PIPEDA-000002",
        title="A confidential one",
        origin="complaint",
        opened_on=date(2021, 1, 1),
        lead_authority=ref.opc,
        respondents=[ref.clearview],
        confidential=True,
    )
    investigation_link(actor=alice, from_investigation=joint_investigation, to_investigation=hidden)
    url = reverse("casework:investigation_export", args=["PIPEDA-000001"])
    client.force_login(alice)
    assert (
        f'href="{url}"' in client.get(reverse("casework:investigation_detail", args=["PIPEDA-000001"])).content.decode()
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="PIPEDA-000001.json"'
    document = json.loads(response.content)
    assert document == case_export(joint_investigation)  # alice is assigned to both: she sees the link
    assert document["investigation"]["orders"][0]["number"] == "P21-08"
    # bob (OIPC-BC) sees the case but not the confidential investigation it links to.
    client.force_login(bob)
    document = json.loads(client.get(url).content)
    assert document["investigation"]["related"] == []
    assert "PIPEDA-000002" not in client.get(url).content.decode()


def test_it_answers_404_for_the_json_of_a_case_the_user_may_not_see(
    client: Client, joint_investigation: Investigation, dave: User
) -> None:
    client.force_login(dave)
    assert client.get(reverse("casework:investigation_export", args=["PIPEDA-000001"])).status_code == 404
    assert client.get(reverse("casework:investigation_export", args=["NOPE-1"])).status_code == 404


# --- Admin --------------------------------------------------------------------------------------------------


def test_it_shows_exports_and_feeds_read_only_in_the_admin_without_the_secret(
    client: Client, bc_order: Order, carol: User, root: User
) -> None:
    _ready_document(bc_order, "en", 1, b"%PDF admin")
    job = _request_bundle(client, carol, [bc_order])
    feed = feeds.calendar_feed_get_or_create(user=carol)
    client.force_login(root)
    for name, obj in (("exportjob", job), ("calendarfeed", feed)):
        changelist = client.get(reverse(f"admin:orders_{name}_changelist"))
        assert changelist.status_code == 200
        change = client.get(reverse(f"admin:orders_{name}_change", args=[obj.pk]))
        assert change.status_code == 200
        assert feed.token not in changelist.content.decode() + change.content.decode()
        assert client.get(reverse(f"admin:orders_{name}_add")).status_code == 403
    assert "OIPC-BC P21-08" in client.get(reverse("admin:orders_exportjob_change", args=[job.pk])).content.decode()
