"""The documents in the case file: the ``documents`` manifest of ``case-tracker/1`` and the case ZIP that carries
the files; export → import → export round-trips; a hostile ZIP is refused, all or nothing."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from casework import services
from casework.documents import services as documents
from casework.documents.archive import CaseArchive, write_case_archive
from casework.documents.storage import case_documents_storage
from casework.interchange import CaseFormatError, case_dumps, case_export, case_import
from casework.models import CaseDocument, Investigation, User
from tests.casework.files import docx_with_text, pdf_with_text, png_image, upload
from tests.conftest import Ref

LETTER = pdf_with_text("Letter from counsel", "We decline.")
SIGNED = pdf_with_text("Letter from counsel", "We decline. (signed)")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def filed(ref: Ref, alice: User, joint_investigation: Investigation) -> Investigation:
    """The joint investigation with a finding, a letter in two versions that concerns it, and a photo."""
    finding = services.finding_record(
        actor=alice,
        investigation=joint_investigation,
        authority=ref.opc,
        statute=ref.pipeda,
        issue="consent",
        conclusion="well_founded",
        issued_on=date(2021, 2, 2),
    )
    letter = documents.document_add(
        actor=alice,
        investigation=joint_investigation,
        upload=documents.Upload.of(upload("letter.pdf", LETTER)),
        kind="correspondence_in",
        title="Letter from counsel",
        date=date(2020, 7, 6),
        author="Counsel for Clearview AI",
        confidentiality="confidential",
        finding=finding,
    )
    documents.document_version_add(
        actor=alice, document=letter, upload=documents.Upload.of(upload("letter.pdf", SIGNED)), note="signed"
    )
    documents.document_add(
        actor=alice,
        investigation=joint_investigation,
        upload=documents.Upload.of(upload("photo.png", png_image())),
        kind="evidence",
        title="Screenshot of the search page",
        date=date(2020, 2, 21),
    )
    withdrawn = documents.document_add(
        actor=alice,
        investigation=joint_investigation,
        upload=documents.Upload.of(upload("minutes.docx", docx_with_text("Minutes"))),
        kind="other",
        title="Minutes filed here by mistake",
        date=date(2020, 3, 1),
    )
    documents.document_withdraw(actor=alice, document=withdrawn, reason="Another case's")
    return joint_investigation


def _zip(investigation: Investigation) -> bytes:
    out = io.BytesIO()
    write_case_archive(case_export(investigation), investigation, out)
    return out.getvalue()


def _rewrite(archive: bytes, change: Any) -> bytes:
    """The archive with its case.json changed by ``change(document)``, its files as they were."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "case.json":
                document = json.loads(data)
                change(document)
                data = case_dumps(document).encode()
            target.writestr(info.filename, data)
    return out.getvalue()


def test_the_export_lists_the_documents_with_their_hashes(filed: Investigation) -> None:
    manifest = case_export(filed)["investigation"]["documents"]
    assert [d["title"] for d in manifest] == ["Screenshot of the search page", "Letter from counsel"]
    letter = manifest[1]
    assert (letter["kind"], letter["confidentiality"], letter["finding"]) == ("correspondence_in", "confidential", 0)
    assert [v["number"] for v in letter["versions"]] == [1, 2]
    first = letter["versions"][0]
    assert first["sha256"] == hashlib.sha256(LETTER).hexdigest() and first["size"] == len(LETTER)
    assert first["file"] == "documents/002/v1/letter.pdf" and first["content_type"] == "application/pdf"
    assert first["uploaded_by"] == "alice" and first["uploaded_at"].endswith("Z")
    assert list(case_export(filed)["investigation"])[-1] == "documents"


def test_a_case_without_documents_exports_as_before(joint_investigation: Investigation) -> None:
    assert "documents" not in case_export(joint_investigation)["investigation"]


def test_the_zip_round_trips(filed: Investigation) -> None:
    first = _zip(filed)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        names = archive.namelist()
        assert names[0] == "case.json"
        assert set(names[1:]) == {
            "documents/001/v1/photo.png",
            "documents/002/v1/letter.pdf",
            "documents/002/v2/letter.pdf",
        }
        assert archive.read("documents/002/v2/letter.pdf") == SIGNED

    def rename(document: dict[str, Any]) -> None:
        document["investigation"]["reference"] = "PIPEDA-COPY"

    with CaseArchive(io.BytesIO(_rewrite(first, rename))) as opened:
        copy = case_import(opened.document(), actor=None, files=opened)
    again = case_export(copy)
    original = case_export(filed)
    original["investigation"]["reference"] = "PIPEDA-COPY"
    assert case_dumps(again) == case_dumps(original)
    version = CaseDocument.objects.get(investigation=copy, title="Letter from counsel").versions.get(number=2)
    assert version.uploaded_by is None and version.uploaded_by_name == "alice"
    with version.file.open("rb") as stored:
        assert stored.read() == SIGNED


def test_the_commands_export_and_import_the_zip(filed: Investigation, tmp_path: Path) -> None:
    exported = tmp_path / "case.zip"
    # The command writes bytes to its output's buffer, as to a redirected standard output.
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    call_command("export_case", filed.reference, "--zip", stdout=stdout)
    stdout.flush()
    archive = stdout.buffer.getvalue()  # type: ignore[attr-defined]
    exported.write_bytes(_rewrite(archive, lambda d: d["investigation"].__setitem__("reference", "PIPEDA-CMD")))
    out = io.StringIO()
    call_command("import_case", str(exported), stdout=out)
    assert out.getvalue().startswith("imported PIPEDA-CMD:")
    assert Investigation.objects.get(reference="PIPEDA-CMD").documents.count() == 2


def test_a_json_file_cannot_carry_documents(filed: Investigation) -> None:
    document = case_export(filed)
    document["investigation"]["reference"] = "PIPEDA-JSON"
    with pytest.raises(CaseFormatError) as refused:
        case_import(document, actor=None)
    assert refused.value.path == "investigation.documents"
    assert "import the case's ZIP export" in refused.value.message
    assert not Investigation.objects.filter(reference="PIPEDA-JSON").exists()


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (lambda v: v.__setitem__("sha256", "0" * 64), "sha256", "the file's SHA-256 is"),
        (lambda v: v.__setitem__("size", 12), "size", "the file is"),
        (lambda v: v.__setitem__("file", "../../../../etc/passwd"), "file", "is not in the archive"),
        (lambda v: v.__setitem__("content_type", "image/png"), "content_type", "the file's content is application/pdf"),
        (lambda v: v.__setitem__("uploaded_at", "2020-07-06T10:00:00"), "uploaded_at", "give the time zone"),
        (lambda v: v.__setitem__("number", 3), "number", "must be 1"),
    ],
)
def test_a_tampered_zip_is_refused_naming_the_field_and_nothing_is_kept(
    filed: Investigation, change: Any, path: str, message: str
) -> None:
    def tamper(document: dict[str, Any]) -> None:
        document["investigation"]["reference"] = "PIPEDA-BAD"
        change(document["investigation"]["documents"][1]["versions"][0])

    files_before = _stored_files()
    with CaseArchive(io.BytesIO(_rewrite(_zip(filed), tamper))) as archive:
        with pytest.raises(CaseFormatError) as refused:
            case_import(archive.document(), actor=None, files=archive)
    assert refused.value.path == f"investigation.documents[1].versions[0].{path}"
    assert message in refused.value.message
    assert not Investigation.objects.filter(reference="PIPEDA-BAD").exists()
    assert _stored_files() == files_before


def _stored_files() -> set[str]:
    folder = Path(case_documents_storage().path(""))
    return {str(path) for path in folder.rglob("*") if path.is_file()} if folder.exists() else set()


def test_a_hostile_file_in_the_zip_is_refused_like_an_upload(filed: Investigation) -> None:
    archive = _zip(filed)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "documents/001/v1/photo.png":
                data = b"<html><script>alert(1)</script></html>"
            if info.filename == "case.json":
                document = json.loads(data)
                document["investigation"]["reference"] = "PIPEDA-HOSTILE"
                photo = document["investigation"]["documents"][0]["versions"][0]
                photo["size"] = 38
                photo["sha256"] = hashlib.sha256(b"<html><script>alert(1)</script></html>").hexdigest()
                data = case_dumps(document).encode()
            target.writestr(info.filename, data)
    with CaseArchive(io.BytesIO(out.getvalue())) as opened:
        with pytest.raises(CaseFormatError, match="web page or other markup"):
            case_import(opened.document(), actor=None, files=opened)


def test_a_zip_bomb_entry_is_stopped_at_its_limit(settings: Any, filed: Investigation) -> None:
    settings.CASE_DOCUMENTS_MAX_UPLOAD_MB = 1
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("case.json", b"{}")
        with archive.open("documents/001/v1/bomb.pdf", "w") as entry:
            for _ in range(50):
                entry.write(b"\0" * 1024 * 1024)
    with CaseArchive(io.BytesIO(out.getvalue())) as opened:
        with pytest.raises(CaseFormatError, match="is larger than 1048576 bytes"):
            opened.open("documents/001/v1/bomb.pdf", 1024 * 1024)
        assert opened.open("../case.json", 1024) is None


def test_an_investigation_page_downloads_its_zip(client: Client, alice: User, dave: User, filed: Investigation) -> None:
    url = reverse("casework:investigation_export_zip", args=[filed.reference])
    client.force_login(dave)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{filed.reference}.zip"'
    with zipfile.ZipFile(io.BytesIO(response.getvalue())) as archive:
        document = json.loads(archive.read("case.json"))
        assert len(document["investigation"]["documents"]) == 2
        assert archive.read("documents/002/v1/letter.pdf") == LETTER


def test_import_case_reads_the_zip_from_standard_input(filed: Investigation, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = _rewrite(_zip(filed), lambda d: d["investigation"].__setitem__("reference", "PIPEDA-STDIN"))

    class Stdin:
        buffer = io.BytesIO(archive)

    monkeypatch.setattr("sys.stdin", Stdin)
    call_command("import_case", "-", stdout=io.StringIO())
    assert Investigation.objects.get(reference="PIPEDA-STDIN").documents.count() == 2
    with pytest.raises(CommandError, match="not a readable ZIP file"):
        Stdin.buffer = io.BytesIO(b"PK\x03\x04 not really a zip")
        call_command("import_case", "-", stdout=io.StringIO())
