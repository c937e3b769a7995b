"""The case timeline draws the case file's documents at their dates, and leaves out what was withdrawn."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from casework import services as casework_services
from casework.documents import services as documents
from casework.models import Investigation, User
from casework.selectors import investigation_page
from orders.timeline import investigation_timeline
from tests.casework.files import pdf_with_text, upload
from tests.conftest import Ref

pytestmark = pytest.mark.django_db


def test_documents_and_corrections_on_the_timeline(
    client: Client, ref: Ref, alice: User, joint_investigation: Investigation, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    letter = documents.document_add(
        actor=alice,
        investigation=joint_investigation,
        upload=documents.Upload.of(upload("letter.pdf", pdf_with_text("Letter"))),
        kind="correspondence_in",
        title="Letter from counsel",
        date=date(2020, 7, 6),
    )
    event = casework_services.event_add(
        actor=alice, investigation=joint_investigation, date=date(2020, 8, 1), kind="other", summary="Entered twice."
    )
    casework_services.event_withdraw(actor=alice, event=event, reason="Twice")
    page = investigation_page(alice, joint_investigation)
    timeline = investigation_timeline(
        alice, joint_investigation, events=page.events, participations=page.participations, documents=page.documents
    )
    documents_lane = next(lane for lane in timeline.lanes if lane.key == "documents")
    assert [mark.item.label for mark in documents_lane.marks] == ["Correspondence received: Letter from counsel"]
    assert documents_lane.marks[0].item.url == reverse(
        "casework:document_detail", args=[joint_investigation.reference, letter.pk]
    )
    assert not any(item.label.startswith("Entered twice") for item in timeline.items)
    client.force_login(alice)
    html = client.get(reverse("casework:investigation_detail", args=[joint_investigation.reference])).content.decode()
    assert "mark mark-document" in html and 'data-kind="document"' in html
