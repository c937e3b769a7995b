"""Case documents: the upload's rules with hostile files, versions, the text and its search, the pages
and who may use them.

Personas (tests/conftest.py): alice is the OPC investigator who opened the joint investigation
(PIPEDA-000001, OIPC-BC joining), so she is assigned to it; bob is an OIPC-BC investigator
(not assigned); carol is OIPC-BC legal; dave a CAI manager (another authority).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from casework import services
from casework.documents import services as documents
from casework.documents.extraction import Limits, extract_text
from casework.documents.storage import case_documents_storage
from casework.documents.uploads import clean_filename, inspect_upload
from casework.models import CaseDocument, DocumentVersion, Investigation, User
from casework.selectors import investigation_list
from tests.casework.files import (
    DOCX_TYPE,
    ELF_EXECUTABLE,
    SHELL_SCRIPT,
    SVG_IMAGE,
    WEB_PAGE,
    docx_with_text,
    docx_zip_bomb,
    pdf_bomb,
    pdf_with_text,
    png_image,
    upload,
)
from tests.conftest import Ref

LETTER = pdf_with_text("Letter from counsel for Clearview AI", "Our client declines to delete the biometric arrays.")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    """Each test's files in a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _add(
    investigation: Investigation,
    actor: User | None,
    name: str = "letter.pdf",
    content: bytes = LETTER,
    **fields: Any,
) -> CaseDocument:
    values = {
        "kind": "correspondence_in",
        "title": "Letter from counsel",
        "date": date(2020, 7, 6),
        "author": "Counsel for Clearview AI",
        **fields,
    }
    return documents.document_add(
        actor=actor,
        investigation=investigation,
        upload=documents.Upload.of(upload(name, content)),
        **values,
    )


def _read_text(version: DocumentVersion) -> DocumentVersion:
    """The worker's part, run here."""
    result = documents.document_text_extract(version_id=version.pk)
    assert result is not None
    return result


# --- The upload's rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("letter.pdf", SHELL_SCRIPT, "The name ends in .pdf but the content is plain text"),
        ("page.html", WEB_PAGE, "Web pages, SVG and XML files are not accepted"),
        ("notes.txt", WEB_PAGE, "This file is a web page or other markup"),
        ("letter.pdf", WEB_PAGE, "This file is a web page or other markup"),
        ("logo.png", SVG_IMAGE, "This file is a web page or other markup"),
        ("report.pdf", ELF_EXECUTABLE, "This kind of file is not accepted (its content is: application/x-executable"),
        ("photo.jpg.exe", png_image(), "The name ends in .exe but the content is PNG"),
        ("archive.zip", io.BytesIO(b"PK\x05\x06" + b"\x00" * 18).getvalue(), "This kind of file is not accepted"),
        ("empty.pdf", b"", "The file is empty."),
    ],
)
def test_it_refuses_hostile_files_by_their_content_with_a_message(name: str, content: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        inspect_upload(name, content[:8192], len(content))
    assert refused.value.messages[0].startswith(message), refused.value.messages


def test_it_reads_the_type_from_the_content_not_the_name_or_the_browser() -> None:
    assert inspect_upload("letter.pdf", LETTER, len(LETTER)).content_type == "application/pdf"
    # No extension: the content's is added.
    assert inspect_upload("scan", png_image(), 100).filename == "scan.png"
    assert inspect_upload("minutes.docx", docx_with_text("x"), 300).content_type == DOCX_TYPE
    text = inspect_upload("notes.txt", b"Call with counsel, 6 July 2020.\n", 32)
    assert (text.content_type, text.accepted.inline) == ("text/plain", False)


def test_it_refuses_a_file_over_the_limit(settings: Any) -> None:
    settings.CASE_DOCUMENTS_MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError) as refused:
        inspect_upload("big.pdf", LETTER, 2 * 1024 * 1024)
    assert refused.value.messages == ["The file is 2.0\xa0MB; the limit is 1.0\xa0MB."]


@pytest.mark.parametrize(
    ("given", "cleaned"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\system.ini", "system.ini"),
        ("C:\\Users\\x\\lettre du 3 mai.pdf", "lettre du 3 mai.pdf"),
        (".htaccess", "htaccess"),
        ("a\x00b\nc;rm -rf $HOME.pdf", "a_b_c_rm -rf _HOME.pdf"),
        ("<script>alert(1)</script>.pdf", "script_.pdf"),
        ("<img src=x onerror=alert(1)>.pdf", "img src=x onerror=alert(1)_.pdf"),
        ("../", "document"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_it_cleans_names(given: str, cleaned: str) -> None:
    assert clean_filename(given) == cleaned


# --- Versions, storage -------------------------------------------------------------------------------


def test_a_new_upload_is_a_new_version_never_an_overwrite(
    ref: Ref, alice: User, joint_investigation: Investigation
) -> None:
    document = _add(joint_investigation, alice, name="../../letter.pdf")
    signed = pdf_with_text("Letter from counsel (signed)")
    version = documents.document_version_add(
        actor=alice, document=document, upload=documents.Upload.of(upload("letter.pdf", signed)), note="signed copy"
    )
    first, second = document.versions.order_by("number")
    assert (first.number, second.number) == (1, 2) and second == version
    assert first.filename == "letter.pdf"  # the folders are gone
    assert first.sha256 == hashlib.sha256(LETTER).hexdigest() and first.size == len(LETTER)
    assert second.sha256 == hashlib.sha256(signed).hexdigest()
    assert (first.uploaded_by, first.uploaded_by_name) == (alice, "alice")
    storage = case_documents_storage()
    # Both files are kept, under random names that say nothing of the case or the file.
    assert first.file.name != second.file.name
    for stored in (first, second):
        name = str(stored.file.name)
        assert "letter" not in name and joint_investigation.reference not in name
        assert len(name.rsplit("/", 1)[-1]) == 32
    with storage.open(str(first.file.name)) as kept:
        assert kept.read() == LETTER
    # Recorded in the history with who.
    assert DocumentVersion.history.filter(id=second.pk).get().history_user == alice


def test_a_refused_upload_stores_nothing(ref: Ref, alice: User, joint_investigation: Investigation) -> None:
    with pytest.raises(ValidationError):
        _add(joint_investigation, alice, name="letter.pdf", content=SHELL_SCRIPT)
    assert not CaseDocument.objects.exists()
    folder = Path(case_documents_storage().path(""))
    assert not folder.exists() or not any(path.is_file() for path in folder.rglob("*"))


def test_a_failed_save_removes_the_file_it_stored(
    ref: Ref, alice: User, joint_investigation: Investigation, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise ValidationError("the database said no")

    monkeypatch.setattr(documents, "save_recorded", refuse)
    document = CaseDocument.objects.create(
        investigation=joint_investigation, kind="evidence", title="Photo", date=date(2020, 7, 6)
    )
    with pytest.raises(ValidationError):
        documents.document_version_add(
            actor=alice, document=document, upload=documents.Upload.of(upload("photo.png", png_image()))
        )
    folder = Path(case_documents_storage().path(""))
    assert not any(path.is_file() for path in folder.rglob("*"))


def test_the_finding_a_document_concerns_must_be_this_investigations(
    ref: Ref, alice: User, joint_investigation: Investigation
) -> None:
    other = services.investigation_open(
        actor=alice,
        reference="PIPEDA-000009",
        title="Another",
        origin="complaint",
        opened_on=date(2021, 1, 1),
        lead_authority=ref.opc,
        respondents=[ref.clearview],
        lead_statutes=[ref.pipeda],
    )
    finding = services.finding_record(
        actor=alice,
        investigation=other,
        authority=ref.opc,
        statute=ref.pipeda,
        issue="consent",
        conclusion="well_founded",
        issued_on=date(2021, 2, 2),
    )
    with pytest.raises(ValidationError, match="Choose a finding of this investigation"):
        _add(joint_investigation, alice, finding=finding)


# --- The text, read by a worker ----------------------------------------------------------------------


def test_the_worker_reads_a_pdfs_text_once(
    ref: Ref, alice: User, joint_investigation: Investigation, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[int] = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = _add(joint_investigation, alice)
    assert len(callbacks) == 1  # the text is asked for after the commit
    version = document.versions.get()
    assert version.text_status == "pending"
    read = _read_text(version)
    assert read.text_status == "done" and "declines to delete the biometric arrays" in read.text
    # Twice, or by a second worker: nothing more (the claim is gone).
    assert documents.document_text_extract(version_id=version.pk) is None
    assert sent == []


def test_an_image_owes_no_text(ref: Ref, alice: User, joint_investigation: Investigation) -> None:
    document = _add(joint_investigation, alice, name="photo.png", content=png_image(), kind="evidence", title="Photo")
    assert document.versions.get().text_status == "none"


def test_a_zip_bomb_docx_is_refused_by_the_reader_and_the_worker_is_unhurt(
    ref: Ref, alice: User, joint_investigation: Investigation
) -> None:
    bomb = docx_zip_bomb(200)
    assert len(bomb) < 1024 * 1024  # about half a megabyte: accepted as an upload
    document = _add(joint_investigation, alice, name="minutes.docx", content=bomb, title="Minutes")
    version = _read_text(document.versions.get())
    assert version.text_status == "failed"
    assert "word/document.xml says it is 200 MB once uncompressed" in version.text_error
    # The next document is read as usual: this process and the readers after it are fine.
    assert _read_text(_add(joint_investigation, alice).versions.get()).text_status == "done"


def test_the_reader_stops_at_its_limit_whatever_the_archive_claims(tmp_path: Path) -> None:
    # A bomb whose central directory lies about the size: the counter stops it all the same.
    bomb = tmp_path / "liar.docx"
    bomb.write_bytes(docx_zip_bomb(20))
    with zipfile.ZipFile(bomb) as archive:
        declared = archive.getinfo("word/document.xml").file_size
    data = bomb.read_bytes()
    # Say 1 KB instead of the real size, wherever the archive records it.
    patched = data.replace(declared.to_bytes(8, "little"), (1024).to_bytes(8, "little")).replace(
        declared.to_bytes(4, "little"), (1024).to_bytes(4, "little")
    )
    assert patched != data
    bomb.write_bytes(patched)
    result = extract_text(bomb, "docx", Limits(seconds=30, memory_mb=512, max_chars=10_000, xml_bytes=5 * 1024 * 1024))
    assert not result.ok
    assert "larger than 5 MB once uncompressed" in result.error or "cannot be uncompressed" in result.error


def test_the_reader_is_bounded_in_time_memory_and_output(tmp_path: Path) -> None:
    text = tmp_path / "long.txt"
    text.write_text("word " * 100_000)
    result = extract_text(text, "plain", Limits(seconds=30, memory_mb=512, max_chars=1000, xml_bytes=1024))
    assert result.ok and len(result.text) == 1000
    # A PDF whose one page expands to 400 MB: stopped by the reader's limits, not a crash of the caller.
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(pdf_bomb(400))
    assert bomb.stat().st_size < 2 * 1024 * 1024
    stopped = extract_text(bomb, "pdf", Limits(seconds=30, memory_mb=256, max_chars=1000, xml_bytes=1024))
    assert not stopped.ok and stopped.error
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    assert not extract_text(broken, "pdf", Limits(30, 512, 1000, 1024)).ok


def test_a_lost_text_task_is_sent_again_and_read_once(
    ref: Ref, alice: User, joint_investigation: Investigation, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time_machine

    sent: list[int] = []
    monkeypatch.setattr(documents, "_enqueue_text", sent.append)
    version = _add(joint_investigation, alice).versions.get()
    assert documents.document_text_resume() == []  # too recent: its task may still come
    with time_machine.travel(version.uploaded_at.timestamp() + 3600, tick=False):
        assert documents.document_text_resume() == [version.pk]
        _read_text(version)
        assert documents.document_text_resume() == []
    assert sent == [version.pk]


# --- The search -------------------------------------------------------------------------------------


def test_the_list_finds_an_investigation_by_a_word_in_a_documents_text(
    ref: Ref, alice: User, joint_investigation: Investigation
) -> None:
    from casework.filters import InvestigationFilter

    other = services.investigation_open(
        actor=alice,
        reference="PIPEDA-000010",
        title="Unrelated",
        origin="complaint",
        opened_on=date(2021, 1, 1),
        lead_authority=ref.opc,
        respondents=[ref.clearview],
    )
    document = _add(joint_investigation, alice)
    assert list(investigation_list(alice, InvestigationFilter({"q": "biometric"}))) == []  # not read yet
    _read_text(document.versions.get())
    assert list(investigation_list(alice, InvestigationFilter({"q": "biometric"}))) == [joint_investigation]
    assert list(investigation_list(alice, InvestigationFilter({"q": "Letter from counsel"}))) == [joint_investigation]
    assert other not in investigation_list(alice, InvestigationFilter({"q": "declines"}))
    # Withdrawn: no longer found.
    documents.document_withdraw(actor=alice, document=document, reason="filed in the wrong case")
    assert list(investigation_list(alice, InvestigationFilter({"q": "biometric"}))) == []


def test_postgres_search_is_full_text_with_stems(
    require_postgres: None, ref: Ref, alice: User, joint_investigation: Investigation
) -> None:
    from casework.filters import InvestigationFilter

    document = _add(joint_investigation, alice, content=pdf_with_text("The company refuses the recommendations."))
    _read_text(document.versions.get())
    version = document.versions.get()
    assert version.search_vector
    for words in ("refused", "recommendation", "company refuses", '"refuses the"'):
        assert list(investigation_list(alice, InvestigationFilter({"q": words}))) == [joint_investigation], words
    assert list(investigation_list(alice, InvestigationFilter({"q": "company -refuses"}))) == []


# --- The pages and who may use them ----------------------------------------------------------------


def _url(name: str, investigation: Investigation, **kwargs: Any) -> str:
    return reverse(f"casework:{name}", kwargs={"reference": investigation.reference, **kwargs})


def test_an_investigator_uploads_from_the_page(client: Client, alice: User, joint_investigation: Investigation) -> None:
    client.force_login(alice)
    url = _url("document_add", joint_investigation)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "file": upload("Lettre de l'avocat.pdf", LETTER, "text/html"),  # the browser's word: ignored
            "kind": "correspondence_in",
            "title": "Letter from counsel",
            "date": "2020-07-06",
            "author": "Counsel",
            "confidentiality": "confidential",
        },
    )
    document = CaseDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == _url(
        "document_detail", joint_investigation, document_id=document.pk
    )
    version = document.versions.get()
    assert (version.content_type, version.filename) == ("application/pdf", "Lettre de l'avocat.pdf")
    page = client.get(_url("investigation_detail", joint_investigation)).content.decode()
    assert "Letter from counsel" in page and "Confidential" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("letter.pdf", SHELL_SCRIPT, "The name ends in .pdf but the content is plain text"),
        ("page.html", WEB_PAGE, "Web pages, SVG and XML files are not accepted"),
    ],
)
def test_the_page_shows_why_a_file_was_refused(
    client: Client, alice: User, joint_investigation: Investigation, name: str, content: bytes, message: str
) -> None:
    client.force_login(alice)
    response = client.post(
        _url("document_add", joint_investigation),
        {
            "file": upload(name, content),
            "kind": "evidence",
            "title": "T",
            "date": "2020-07-06",
            "confidentiality": "internal",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html and message in html.replace("&#x27;", "'")
    assert not CaseDocument.objects.exists()


def test_an_oversized_upload_is_dropped_as_it_streams_in(
    client: Client, alice: User, joint_investigation: Investigation, settings: Any
) -> None:
    settings.CASE_DOCUMENTS_MAX_UPLOAD_MB = 1
    client.force_login(alice)
    big = LETTER + b"%" + b"x" * (2 * 1024 * 1024)
    response = client.post(
        _url("document_add", joint_investigation),
        {
            "file": upload("big.pdf", big),
            "kind": "evidence",
            "title": "T",
            "date": "2020-07-06",
            "confidentiality": "internal",
        },
    )
    assert response.status_code == 200
    assert "The file is larger than the limit of 1.0" in response.content.decode()
    assert not CaseDocument.objects.exists()
    folder = Path(case_documents_storage().path(""))
    assert not folder.exists() or not any(path.is_file() for path in folder.rglob("*"))


def test_the_upload_still_checks_the_csrf_token(alice: User, joint_investigation: Investigation) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        _url("document_add", joint_investigation),
        {"file": upload("letter.pdf", LETTER), "kind": "evidence", "title": "T", "date": "2020-07-06"},
    )
    assert response.status_code == 403
    assert not CaseDocument.objects.exists()


def test_downloads_are_safe_to_open(client: Client, alice: User, joint_investigation: Investigation) -> None:
    letter = _add(joint_investigation, alice)
    photo = _add(joint_investigation, alice, name="photo.png", content=png_image(), kind="evidence", title="Photo")
    notes = _add(joint_investigation, alice, name="notes.txt", content=b"Notes: <b>not a page</b>\n", title="Notes")
    client.force_login(alice)

    def get(document: CaseDocument) -> Any:
        return client.get(_url("document_download", joint_investigation, document_id=document.pk, version=1))

    pdf = get(letter)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline")
    assert b"".join(pdf.streaming_content) == LETTER
    png = get(photo)
    assert (png["Content-Type"], png["Content-Disposition"].split(";")[0]) == ("image/png", "inline")
    assert "sandbox" in png["Content-Security-Policy"]
    text = get(notes)
    assert text["Content-Type"] == "text/plain" and text["Content-Disposition"].startswith("attachment")
    assert "sandbox" in text["Content-Security-Policy"] and "default-src 'none'" in text["Content-Security-Policy"]
    for response in (pdf, png, text):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
    # A version that does not exist, or a document of another case: 404.
    assert (
        client.get(_url("document_download", joint_investigation, document_id=letter.pk, version=9)).status_code == 404
    )


@pytest.fixture
def confidential(ref: Ref, bob: User) -> Investigation:
    """An OIPC-BC confidential investigation bob opened (so he is assigned); another BC colleague is not."""
    return services.investigation_open(
        actor=bob,
        reference="P20-SECRET",
        title="A confidential case",
        origin="complaint",
        opened_on=date(2020, 3, 1),
        lead_authority=ref.oipc_bc,
        respondents=[ref.clearview],
        lead_statutes=[ref.pipa_bc],
        confidential=True,
    )


def test_who_may_see_and_use_documents(
    client: Client,
    ref: Ref,
    alice: User,
    bob: User,
    carol: User,
    dave: User,
    joint_investigation: Investigation,
    confidential: Investigation,
) -> None:
    letter = _add(joint_investigation, alice)
    secret = _add(confidential, bob, title="Secret letter")
    colleague = User.objects.create_user(username="bea", authority=ref.oipc_bc, is_investigator=True)

    def answers(user: User | None, investigation: Investigation, document: CaseDocument) -> dict[str, int]:
        browser = Client()
        if user is not None:
            browser.force_login(user)
        keys = {"document_id": document.pk}
        return {
            "detail": browser.get(_url("document_detail", investigation, **keys)).status_code,
            "download": browser.get(_url("document_download", investigation, version=1, **keys)).status_code,
            "add": browser.get(_url("document_add", investigation)).status_code,
            "version": browser.post(_url("document_version_add", investigation, **keys), {}).status_code,
            "withdraw": browser.post(_url("document_withdraw", investigation, **keys), {"reason": "x"}).status_code,
        }

    # Another authority's user: 404 for everything, the file included.
    assert set(answers(dave, joint_investigation, letter).values()) == {404}
    # A colleague of the same authority not assigned to a confidential case: 404 likewise.
    assert set(answers(colleague, confidential, secret).values()) == {404}
    # Not signed in: to the sign-in page.
    anonymous = answers(None, joint_investigation, letter)
    assert set(anonymous.values()) == {302}
    # Those who see the case but may not change it (legal, an unassigned investigator): read, not write.
    for reader in (carol, bob):
        assert answers(reader, joint_investigation, letter) == {
            "detail": 200,
            "download": 200,
            "add": 403,
            "version": 403,
            "withdraw": 403,
        }
    assert not CaseDocument.objects.get(pk=letter.pk).withdrawn
    # The assigned investigator: everything (the empty new version is refused on its form, 200).
    assert answers(alice, joint_investigation, letter) == {
        "detail": 200,
        "download": 200,
        "add": 200,
        "version": 200,
        "withdraw": 302,
    }
    # A document id of another investigation through this one's URL: 404.
    client.force_login(bob)
    assert client.get(_url("document_detail", joint_investigation, document_id=secret.pk)).status_code == 404


def test_withdraw_and_restore_a_document(client: Client, alice: User, joint_investigation: Investigation) -> None:
    document = _add(joint_investigation, alice)
    client.force_login(alice)
    response = client.post(
        _url("document_withdraw", joint_investigation, document_id=document.pk), {"reason": "Filed in the wrong case"}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (
        document.withdrawn
        and document.withdrawn_by == alice
        and document.withdrawal_reason == "Filed in the wrong case"
    )
    page = client.get(_url("investigation_detail", joint_investigation)).content.decode()
    assert "Withdrawn from the case" in page and "Filed in the wrong case" in page
    # Still there to read and download, marked.
    assert (
        client.get(_url("document_download", joint_investigation, document_id=document.pk, version=1)).status_code
        == 200
    )
    client.post(_url("document_restore", joint_investigation, document_id=document.pk), {"reason": "It belongs here"})
    document.refresh_from_db()
    assert not document.withdrawn
    reasons = list(
        CaseDocument.history.filter(id=document.pk)
        .order_by("history_date")
        .values_list("history_change_reason", flat=True)
    )
    assert reasons == ["document added", "withdrawn: Filed in the wrong case", "restored: It belongs here"]


def test_correct_a_documents_details(client: Client, alice: User, joint_investigation: Investigation) -> None:
    document = _add(joint_investigation, alice)
    client.force_login(alice)
    url = _url("document_edit", joint_investigation, document_id=document.pk)
    data = {
        "kind": "correspondence_in",
        "title": "Letter from counsel, 6 July 2020",
        "date": "2020-07-06",
        "author": "Counsel",
        "confidentiality": "privileged",
        "description": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "Say why" not in response.content.decode()  # the field says it
    assert "This field is required" in response.content.decode()
    assert client.post(url, {**data, "reason": "The date belongs in the title"}).status_code == 302
    document.refresh_from_db()
    assert (document.title, document.confidentiality) == ("Letter from counsel, 6 July 2020", "privileged")


# --- Query counts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 6])
def test_the_document_page_and_the_case_page_cost_a_fixed_number_of_queries(
    client: Client,
    alice: User,
    joint_investigation: Investigation,
    count: int,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    for n in range(count):
        document = _add(joint_investigation, alice, title=f"Letter {n}")
        documents.document_version_add(
            actor=alice, document=document, upload=documents.Upload.of(upload("v2.pdf", pdf_with_text(f"v2 {n}")))
        )
    client.force_login(alice)
    # 1 session, 2 user, 3 the investigation (permissions), 4 the document with what it concerns,
    # 5 its versions with who uploaded them, 6 may the user edit (assigned?), 7 the user's authority
    # and unread count (page header and bell).
    with django_assert_num_queries(7):
        response = client.get(_url("document_detail", joint_investigation, document_id=document.pk))
    assert response.status_code == 200
    # The investigation page: one query for all its documents with their versions, whatever their number
    # (20 here, tests/casework/test_views.py counts 21 with the findings recommendations follow from).
    with django_assert_num_queries(20):
        response = client.get(_url("investigation_detail", joint_investigation))
    assert response.content.decode().count('id="document-') == count
