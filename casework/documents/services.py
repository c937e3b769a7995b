"""Every write to case documents: a document and its first file, a new version, a correction, the text.

Like ``casework.services``: keyword-only, checked (the upload's rules first, before anything is
written), inside a transaction, recorded with who and why in the history. A version is never
changed or overwritten: its file is stored under a new random name, and a failed save removes
the file it had just stored. The text is read after the commit, by a worker
(``casework.tasks.document_text_extract``), claimed so that two workers never read the same version.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.documents.extraction import Limits, extract_text
from casework.documents.storage import case_documents_storage, new_storage_name
from casework.documents.uploads import ACCEPTED, HEAD_BYTES, Inspection, inspect_upload
from casework.models import CaseDocument, DocumentVersion, Finding, Investigation, User
from casework.services import restore, save_recorded, update_recorded, withdraw

logger = logging.getLogger(__name__)

# A version whose text no worker has read this long after it was stored lost its task (a broker
# outage, a killed worker): the periodic resume sends it again.
TEXT_RESUME_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class Upload:
    """A file to store: a stream, its name as given, and its size (Django's UploadedFile, or a file of a case ZIP)."""

    stream: IO[bytes]
    name: str
    size: int

    @classmethod
    def of(cls, uploaded: Any) -> Upload:
        return cls(stream=uploaded, name=str(uploaded.name or ""), size=int(uploaded.size))


def inspect(upload: Upload) -> Inspection:
    """The upload's rules (``casework.documents.uploads``), from its first bytes and its size."""
    upload.stream.seek(0)
    head = upload.stream.read(HEAD_BYTES)
    upload.stream.seek(0)
    return inspect_upload(upload.name, head, upload.size)


def _digest(stream: IO[bytes]) -> tuple[str, int]:
    stream.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


@contextmanager
def _stored(stream: IO[bytes]) -> Iterator[str]:
    """Store the stream under a new random name; remove it again if what follows fails."""
    storage = case_documents_storage()
    stream.seek(0)
    name = storage.save(new_storage_name(), File(stream))
    try:
        yield name
    except BaseException:
        try:
            storage.delete(name)
        except Exception:  # the failure that matters is the one being raised
            logger.exception("could not remove the stored file %s after a failed save", name)
        raise


def _version_create(
    *,
    actor: User | None,
    document: CaseDocument,
    upload: Upload,
    inspection: Inspection,
    note: str = "",
    uploaded_at: datetime | None = None,
    uploaded_by_name: str | None = None,
    expected_sha256: str | None = None,
) -> DocumentVersion:
    """The next version of ``document``: stored, hashed, recorded; its text read after the commit.

    1. Lock the document's row, so that two uploads at once get distinct numbers.
    2. Hash the file (and check it against ``expected_sha256``, for a case ZIP's manifest).
    3. Store it under a random name, then record the version; if recording fails, the file goes.
    4. After the commit, a worker reads its text (or nothing is owed, for an image).
    """
    CaseDocument.objects.select_for_update().filter(pk=document.pk).first()
    number = (document.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    sha256, size = _digest(upload.stream)
    if expected_sha256 is not None and sha256 != expected_sha256:
        raise ValidationError(
            {
                "sha256": _("The file's SHA-256 is %(found)s, not %(expected)s.")
                % {"found": sha256, "expected": expected_sha256}
            }
        )
    has_text = bool(inspection.accepted.text)
    with _stored(upload.stream) as name:
        version = save_recorded(
            DocumentVersion(
                document=document,
                number=number,
                file=name,
                filename=inspection.filename,
                content_type=inspection.content_type,
                size=size,
                sha256=sha256,
                uploaded_by=actor,
                uploaded_by_name=uploaded_by_name
                if uploaded_by_name is not None
                else (actor.username if actor else ""),
                uploaded_at=uploaded_at or timezone.now(),
                note=note.strip(),
                text_status=DocumentVersion.Text.PENDING if has_text else DocumentVersion.Text.NONE,
            ),
            actor=actor,
            reason="version uploaded" if number > 1 else "document uploaded",
        )
    if has_text:
        transaction.on_commit(lambda: _enqueue_text(version.pk))
    return version


def _enqueue_text(version_id: int) -> None:
    from casework.tasks import document_text_extract

    try:
        document_text_extract.delay(version_id)
    except Exception:
        # The broker is down: the version waits as "pending", and the periodic resume sends it again.
        logger.exception("could not queue the text of document version %s", version_id)


def _check_finding(investigation: Investigation, finding: Finding | None) -> None:
    if finding is None:
        return
    if finding.participation.investigation_id != investigation.pk or finding.withdrawn:
        raise ValidationError({"finding": _("Choose a finding of this investigation.")})


def _attached(obj: models.Model | None) -> dict[str, Any]:
    if obj is None:
        return {"attached_type": None, "attached_id": None}
    return {"attached_type": ContentType.objects.get_for_model(obj), "attached_id": obj.pk}


@transaction.atomic
def document_add(
    *,
    actor: User | None,
    investigation: Investigation,
    upload: Upload,
    kind: str,
    title: str,
    date: date,
    author: str = "",
    confidentiality: str = CaseDocument._meta.get_field("confidentiality").default,
    description: str = "",
    finding: Finding | None = None,
    attached_to: models.Model | None = None,
    note: str = "",
    uploaded_at: datetime | None = None,
    uploaded_by_name: str | None = None,
    expected_sha256: str | None = None,
) -> CaseDocument:
    """Add a document to the case file with its first file (version 1). The upload's rules come first."""
    inspection = inspect(upload)
    _check_finding(investigation, finding)
    document = save_recorded(
        CaseDocument(
            investigation=investigation,
            kind=kind,
            title=title.strip(),
            date=date,
            author=author.strip(),
            confidentiality=confidentiality,
            description=description,
            finding=finding,
            created_by=actor,
            **_attached(attached_to),
        ),
        actor=actor,
        reason="document added",
    )
    _version_create(
        actor=actor,
        document=document,
        upload=upload,
        inspection=inspection,
        note=note,
        uploaded_at=uploaded_at,
        uploaded_by_name=uploaded_by_name,
        expected_sha256=expected_sha256,
    )
    return document


@transaction.atomic
def document_version_add(
    *,
    actor: User | None,
    document: CaseDocument,
    upload: Upload,
    note: str = "",
    uploaded_at: datetime | None = None,
    uploaded_by_name: str | None = None,
    expected_sha256: str | None = None,
) -> DocumentVersion:
    """A new file for the document: the next version. The earlier ones stay as they are."""
    if document.withdrawn:
        raise ValidationError(_("This document was withdrawn: restore it before adding a version."))
    inspection = inspect(upload)
    return _version_create(
        actor=actor,
        document=document,
        upload=upload,
        inspection=inspection,
        note=note,
        uploaded_at=uploaded_at,
        uploaded_by_name=uploaded_by_name,
        expected_sha256=expected_sha256,
    )


DOCUMENT_EDITABLE_FIELDS = ("kind", "title", "date", "author", "confidentiality", "description", "finding")


@transaction.atomic
def document_update(*, actor: User | None, document: CaseDocument, reason: str, **changes: Any) -> CaseDocument:
    """Correct what is said of a document (its files are versions: they are not edited)."""
    if "finding" in changes:
        _check_finding(document.investigation, changes["finding"])
    for name in ("title", "author"):
        if name in changes:
            changes[name] = str(changes[name]).strip()
    return update_recorded(document, changes, DOCUMENT_EDITABLE_FIELDS, actor=actor, reason=reason)[0]


@transaction.atomic
def document_withdraw(*, actor: User | None, document: CaseDocument, reason: str) -> CaseDocument:
    """Out of the case file as it stands (its list, exports, timeline, search); its files are kept."""
    withdraw(document, actor=actor, reason=reason)
    return document


@transaction.atomic
def document_restore(*, actor: User | None, document: CaseDocument, reason: str) -> CaseDocument:
    restore(document, actor=actor, reason=reason)
    return document


# --- The text, read by a worker ------------------------------------------------------------------


def extraction_limits() -> Limits:
    return Limits(
        seconds=settings.CASE_DOCUMENTS_EXTRACT_SECONDS,
        memory_mb=settings.CASE_DOCUMENTS_EXTRACT_MEMORY_MB,
        max_chars=settings.CASE_DOCUMENTS_TEXT_MAX_CHARS,
        xml_bytes=settings.CASE_DOCUMENTS_EXTRACT_XML_MB * 1024 * 1024,
    )


def document_text_extract(*, version_id: int) -> DocumentVersion | None:
    """Read a version's text, once: what the worker's task does.

    1. Claim it: ``pending`` → ``extracting`` in one UPDATE; no row changed means another worker
       has it, or it is done: nothing to do.
    2. Copy the file from the storage to a temporary file (the storage may be a bucket).
    3. Read it in the bounded child process (``casework.documents.extraction``).
    4. Record the text (``done``) or why there is none (``failed``), only if the claim still holds,
       and, on PostgreSQL, its search vector.

    A storage error leaves it ``pending`` again, for the periodic resume.
    """
    owned = DocumentVersion.objects.filter(pk=version_id, text_status=DocumentVersion.Text.PENDING).update(
        text_status=DocumentVersion.Text.EXTRACTING, text_claimed_at=timezone.now()
    )
    if not owned:
        return None
    version = DocumentVersion.objects.get(pk=version_id)
    claim = DocumentVersion.objects.filter(pk=version_id, text_status=DocumentVersion.Text.EXTRACTING)
    accepted = ACCEPTED.get(version.content_type)
    if accepted is None or not accepted.text:
        claim.update(text_status=DocumentVersion.Text.NONE, text_claimed_at=None)
        return DocumentVersion.objects.get(pk=version_id)
    try:
        with tempfile.NamedTemporaryFile(prefix="casedoc-", suffix=accepted.extensions[0]) as copy:
            with version.file.open("rb") as stored:
                shutil.copyfileobj(stored, copy, 1024 * 1024)
            copy.flush()
            result = extract_text(copy.name, accepted.text, extraction_limits())
    except OSError:
        logger.exception("could not read the file of document version %s from the storage", version_id)
        claim.update(text_status=DocumentVersion.Text.PENDING, text_claimed_at=None)
        return None
    if result.ok:
        # PostgreSQL refuses a NUL character in text.
        text = result.text.replace("\x00", "")
        claim.update(text=text, text_status=DocumentVersion.Text.DONE, text_error="", text_claimed_at=None)
        if connection.vendor == "postgresql":
            # English stems ("refused" finds "refuses"); simple keeps every word as written (French, names).
            DocumentVersion.objects.filter(pk=version_id).update(
                search_vector=SearchVector("text", config="english") + SearchVector("text", config="simple")
            )
    else:
        claim.update(
            text="", text_status=DocumentVersion.Text.FAILED, text_error=result.error[:300], text_claimed_at=None
        )
    return DocumentVersion.objects.get(pk=version_id)


def document_text_resume(*, now: datetime | None = None) -> list[int]:
    """The versions whose text is owed and whose task was lost: sent again (beat runs this every few minutes).

    A claim older than three times the reading's time limit belonged to a worker that died: it
    goes back to ``pending`` first. Returns the versions sent.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=3 * settings.CASE_DOCUMENTS_EXTRACT_SECONDS + 60)
    DocumentVersion.objects.filter(text_status=DocumentVersion.Text.EXTRACTING, text_claimed_at__lt=stale).update(
        text_status=DocumentVersion.Text.PENDING, text_claimed_at=None
    )
    owed = list(
        DocumentVersion.objects.filter(
            text_status=DocumentVersion.Text.PENDING, uploaded_at__lt=now - TEXT_RESUME_AFTER
        ).values_list("pk", flat=True)[:500]
    )
    for version_id in owed:
        _enqueue_text(version_id)
    return owed
