"""Legal staff bundle order PDFs in a real browser: choose orders, follow the progress, download the ZIP.

Personas (tests/conftest.py): carol is OIPC-BC legal staff; ``bc_order`` is OIPC-BC's P21-08 in
``joint_investigation``. The bundle is built by calling the task's service from the test (the
worker's part): the page, which polls its status while it waits, must then offer the download.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from casework.models import Investigation, User
from orders import services
from orders.exports.bundles import export_bundle_build
from orders.models import ExportJob, Order, OrderDocument
from tests.conftest import Ref
from tests.orders.conftest import bc_order  # noqa: F401 - the fixture, used from this folder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Shot = Callable[[str], Path]
SignIn = Callable[[Page, User], Page]


def _issued(investigation: Investigation, authority: Any, number: str, actor: User) -> Order:
    order = services.order_draft(
        actor=actor, investigation=investigation, authority=authority, number=number, legal_basis="PIPA s. 52"
    )
    services.term_add(
        actor=actor, order=order, text="Report back.", deadline_rule={"rule": "fixed", "date": "2022-03-01"}
    )
    return services.order_issue(actor=actor, order=order, issued_on=date(2021, 12, 20))


def _ready_document(order: Order, data: bytes) -> None:
    document = OrderDocument(
        order=order,
        language="en",
        version=1,
        status=OrderDocument.Status.READY,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        order_status=order.status,
        requested_at=timezone.now(),
    )
    document.file.save(f"{order.number}.pdf", ContentFile(data), save=False)
    document.save()


def test_legal_bundles_orders_follows_progress_and_downloads(
    page: Page,
    sign_in: SignIn,
    shot: Shot,
    settings: Any,
    tmp_path: Path,
    ref: Ref,
    joint_investigation: Investigation,
    bc_order: Order,  # noqa: F811
    carol: User,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    second = _issued(joint_investigation, ref.oipc_bc, "P21-09", carol)
    _issued(joint_investigation, ref.oipc_bc, "P21-10", carol)
    _ready_document(second, b"%PDF-1.7 P21-09 as served")

    sign_in(page, carol)
    page.goto("/orders/")
    page.get_by_role("button", name="Export").click()
    shot("export menu")
    page.get_by_role("link", name="Their PDFs (ZIP)…").click()
    expect(page.get_by_role("heading", name="Export order PDFs", level=1)).to_be_visible()
    orders = page.get_by_role("table")
    expect(orders.get_by_role("checkbox")).to_have_count(3)
    page.get_by_label("Include OIPC-BC P21-10").uncheck()
    expect(page.get_by_label("Include OIPC-BC P21-08")).to_be_checked()
    shot("orders chosen")
    page.get_by_role("button", name="Build the ZIP").click()

    page.wait_for_url(re.compile(r"/orders/exports/\d+/$"))
    job = ExportJob.objects.get(user=carol)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Export {job.pk}: order PDFs")
    status = page.get_by_role("status").filter(has_text="orders bundled")
    expect(status).to_contain_text("Waiting: 0 of 2 orders bundled")
    expect(page.locator("progress")).to_have_attribute("max", "2")
    shot("waiting")

    # The worker's part: P21-08 has no PDF yet and is rendered; P21-09's stored PDF is reused.
    built = export_bundle_build(job_id=job.pk)
    assert built is not None and built.status == "ready", built and built.error

    download_link = page.get_by_role("link", name=f"Download orders-export-{job.pk}.zip")
    expect(download_link).to_be_visible()  # the page saw the job finish by itself
    expect(page.get_by_role("status")).to_contain_text("Ready: 2 of 2 orders bundled")
    expect(page.locator("progress")).to_have_attribute("value", "2")
    expect(page.get_by_text(built.sha256)).to_be_visible()
    shot("ready")

    with page.expect_download() as info:
        download_link.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name == f"orders-export-{job.pk}.zip"
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == built.sha256
    archive = zipfile.ZipFile(saved)
    assert archive.namelist() == [
        "OIPC-BC-P21-08-en-v1.pdf",
        "OIPC-BC-P21-09-en-v1.pdf",
        "manifest.csv",
        "manifest.json",
    ]
    assert archive.read("OIPC-BC-P21-09-en-v1.pdf") == b"%PDF-1.7 P21-09 as served"
    manifest = json.loads(archive.read("manifest.json"))
    for entry in manifest["documents"]:
        assert hashlib.sha256(archive.read(entry["filename"])).hexdigest() == entry["sha256"]

    page.get_by_role("link", name="Exports").click()
    expect(page.get_by_role("heading", name="Your exports", level=1)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(rf"Export {job.pk}\b"))).to_contain_text("Ready")
    shot("exports list")


def test_a_user_copies_and_resets_the_calendar_address(
    page: Page,
    sign_in: SignIn,
    shot: Shot,
    bc_order: Order,  # noqa: F811
    carol: User,
) -> None:
    sign_in(page, carol)
    page.goto("/orders/deadlines/mine/")
    shot("my deadlines")
    page.get_by_role("link", name="Subscribe in a calendar").click()
    expect(page.get_by_role("heading", name="Your deadlines in a calendar program", level=2)).to_be_visible()
    address = page.get_by_label("Your calendar address")
    old = address.input_value()
    assert re.fullmatch(r"http://[^/]+/calendar/[A-Za-z0-9_-]{43}\.ics", old)
    feed = page.request.get(old)
    assert feed.status == 200
    assert "SUMMARY:OIPC-BC P21-08 term 1 due" in feed.text()
    expect(page.get_by_role("link", name="Your API token")).to_have_attribute("href", "/accounts/api-token/")
    shot("preferences")

    page.get_by_role("link", name="Reset the calendar address…").click()
    expect(page.get_by_role("heading", name="Reset the calendar address?", level=1)).to_be_visible()
    page.get_by_role("button", name="Reset the address").click()
    expect(page.get_by_role("status").filter(has_text="Your calendar address was reset.")).to_be_visible()
    new = page.get_by_label("Your calendar address").input_value()
    assert new != old
    assert page.request.get(old).status == 404
    assert page.request.get(new).status == 200
    shot("reset")
