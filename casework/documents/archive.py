"""The case as one ZIP: its ``case-tracker/1`` file and its documents' files; and reading one back.

Layout::

    case.json                           the case, as export_case prints it (with its documents' manifest)
    documents/001/v1/letter.pdf         each version's file, at the ``file`` the manifest names
    documents/001/v2/letter.pdf
    documents/002/v1/photo.png

Reading one (``import_case FILE.zip``) is reading a file someone sent: ``CaseArchive`` opens only
the names the manifest gives, never extracts to disk, refuses more than ``MAX_MEMBERS`` entries,
and reads each entry through a counter that stops at its limit whatever the archive says of its
size (a zip bomb), into a temporary file the import checks (size, SHA-256, type) and stores.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Callable
from typing import IO, Any

from django.utils.translation import gettext as _

from casework.interchange import MAX_FILE_BYTES, CaseFormatError, case_dumps, case_load, document_file_name
from casework.models import DocumentVersion, Investigation

CASE_FILE = "case.json"
MAX_MEMBERS = 20_000
ZIP_MAGIC = b"PK\x03\x04"


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def write_case_archive(document: dict[str, Any], investigation: Investigation, out: IO[bytes]) -> None:
    """Write ``document`` (``case_export``'s, maybe narrowed to what a user may see) and its files to ``out``.

    Each file is read from the storage as it is written (one at a time), at the name the
    manifest gives it (``document_file_name``, from the same order as ``document_manifest``).
    """
    versions = (
        DocumentVersion.objects.filter(document__investigation=investigation, document__withdrawn_at__isnull=True)
        .only("document_id", "number", "file", "filename")
        .order_by("document__date", "document__pk", "number")
    )
    positions: dict[int, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(CASE_FILE, case_dumps(document).encode("utf-8"))
        for version in versions:
            position = positions.setdefault(version.document_id, len(positions) + 1)
            name = document_file_name(position, version)
            with version.file.open("rb") as source, archive.open(name, "w", force_zip64=True) as target:
                while chunk := source.read(1024 * 1024):
                    target.write(chunk)


class CaseArchive:
    """A case ZIP opened for import: its ``case.json`` and, on demand, the files its manifest names."""

    def __init__(self, source: str | os.PathLike[str] | IO[bytes]) -> None:
        try:
            self.zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError) as exc:
            raise CaseFormatError("", _("not a readable ZIP file: %(error)s") % {"error": exc}) from None
        infos = self.zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise CaseFormatError("", _("the ZIP holds more than %(count)d entries") % {"count": MAX_MEMBERS})
        self.members = {info.filename: info for info in infos if not info.is_dir()}

    def __enter__(self) -> CaseArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zip.close()

    def document(self) -> object:
        """The case file inside (at most 10 MB, like a case file on its own)."""
        stream = self.open(CASE_FILE, MAX_FILE_BYTES)
        if stream is None:
            raise CaseFormatError("", _("the ZIP has no %(name)s") % {"name": CASE_FILE})
        with stream:
            return case_load(stream)

    def open(self, name: str, limit: int) -> IO[bytes] | None:
        """A temporary copy of the entry ``name``, read through a counter; None if there is none."""
        info = self.members.get(name)
        if info is None or ".." in name.split("/") or name.startswith("/"):
            return None
        too_large: Callable[[], CaseFormatError] = lambda: CaseFormatError(  # noqa: E731
            "", _("%(name)s is larger than %(limit)d bytes") % {"name": name, "limit": limit}
        )
        if info.file_size > limit:
            raise too_large()
        copy = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned to the caller
        read = 0
        try:
            with self.zip.open(info) as entry:
                while chunk := entry.read(1024 * 1024):
                    read += len(chunk)
                    if read > limit:
                        raise too_large()
                    copy.write(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:
            copy.close()
            raise CaseFormatError("", _("%(name)s cannot be read: %(error)s") % {"name": name, "error": exc}) from None
        except BaseException:
            copy.close()
            raise
        copy.seek(0)
        return copy  # type: ignore[return-value]
