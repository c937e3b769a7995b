"""Case documents in the API: each investigation lists its documents (not withdrawn) and their versions with
their hashes; each version's file is served to token and session clients with the same rules as the page."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from casework.documents import services as documents
from casework.models import CaseDocument, Investigation, User
from tests.casework.files import SHELL_SCRIPT, pdf_with_text, png_image, upload
from tests.conftest import Ref

LETTER = pdf_with_text("Letter from counsel")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _add(investigation: Investigation, actor: User | None, title: str, name: str, content: bytes) -> CaseDocument:
    return documents.document_add(
        actor=actor,
        investigation=investigation,
        upload=documents.Upload.of(upload(name, content)),
        kind="evidence",
        title=title,
        date=date(2020, 7, 6),
    )


def test_an_investigation_lists_its_documents_and_serves_their_files(
    ref: Ref, alice: User, dave: User, joint_investigation: Investigation, token_client: Callable[[User], APIClient]
) -> None:
    letter = _add(joint_investigation, alice, "Letter", "letter.pdf", LETTER)
    withdrawn = _add(joint_investigation, alice, "Photo", "photo.png", png_image())
    documents.document_withdraw(actor=alice, document=withdrawn, reason="Not this case's")
    client = token_client(alice)
    data = client.get("/api/investigations/PIPEDA-000001/").json()
    assert [d["title"] for d in data["documents"]] == ["Letter"]
    (version,) = data["documents"][0]["versions"]
    assert version["sha256"] == hashlib.sha256(LETTER).hexdigest()
    assert (version["number"], version["filename"], version["content_type"]) == (1, "letter.pdf", "application/pdf")
    url = version["download_url"]
    assert url.endswith(f"/api/investigations/PIPEDA-000001/documents/{letter.pk}/versions/1/file/")
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == LETTER
    assert response["X-Content-Type-Options"] == "nosniff"
    # Another authority's token: 404, as if there were no such file; no token: 401.
    assert token_client(dave).get(url).status_code == 404
    assert APIClient().get(url).status_code == 401


def test_the_files_answers_are_documented_in_the_schema(alice: User, token_client: Callable[[User], APIClient]) -> None:
    schema = token_client(alice).get("/api/schema/", {"format": "json"}).json()
    path = "/api/investigations/{reference}/documents/{document_id}/versions/{version}/file/"
    assert set(schema["paths"][path]["get"]["responses"]) >= {"200", "401", "403", "404"}
    components = schema["components"]["schemas"]
    assert "documents" in components["Investigation"]["properties"]
    assert "sha256" in components["DocumentVersion"]["properties"]


@pytest.mark.parametrize("count", [1, 5])
def test_the_list_costs_a_fixed_number_of_queries_with_documents(
    ref: Ref, alice: User, joint_investigation: Investigation, token_client: Callable[[User], APIClient], count: int
) -> None:
    for n in range(count):
        _add(joint_investigation, alice, f"Letter {n}", "letter.pdf", pdf_with_text(f"Letter {n}"))
    client = token_client(alice)
    with CaptureQueriesContext(connection) as queries:
        data = client.get("/api/investigations/").json()
    # The token, the count, the page; respondents, participations, statutes, documents, their versions, orders,
    # statutory clocks.
    assert len(queries) == 1 + 2 + 7
    assert len(data["results"][0]["documents"]) == count


def test_a_refused_file_never_reaches_the_api(
    ref: Ref, alice: User, joint_investigation: Investigation, token_client: Callable[[User], APIClient]
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _add(joint_investigation, alice, "Script", "letter.pdf", SHELL_SCRIPT)
    assert token_client(alice).get("/api/investigations/PIPEDA-000001/").json()["documents"] == []
