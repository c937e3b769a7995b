"""Where case documents' files are kept: the ``case_documents`` storage of ``settings.STORAGES``.

By default a folder under ``MEDIA_ROOT`` (one machine, or a shared volume); with
``CASE_DOCUMENTS_STORAGE=s3`` an S3-compatible bucket (django-storages), which every web and
worker process reaches from any machine. The code only ever goes through Django's storage API,
so it does not know which. Files are never served from the storage directly: only the download
view, which checks who may see the case, reads them (``casework.documents.views``).
"""

from __future__ import annotations

import os
import secrets
from functools import cached_property

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages

STORAGE_ALIAS = "case_documents"


def case_documents_storage() -> Storage:
    """The storage the ``DocumentVersion.file`` field uses (a callable: settings may change in tests)."""
    return storages[STORAGE_ALIAS]


def new_storage_name() -> str:
    """A name nobody can guess or derive from the case: 192 random bits, two letters of it as a folder.

    Neither the investigation, the document nor the uploaded name appears in it, and it is never
    reused, so a new version never overwrites anything.
    """
    token = secrets.token_urlsafe(24)
    return f"{token[:2].lower()}/{token}"


class LocalCaseDocumentsStorage(FileSystemStorage):
    """``MEDIA_ROOT/case-documents``, following ``MEDIA_ROOT`` wherever it is set (a test's too); no URL.

    Files are written by the web process that received them and read by the workers (the text)
    and the download view: on several machines, share the folder or use the S3 storage.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(base_url=None, **kwargs)  # type: ignore[arg-type]

    @cached_property
    def base_location(self) -> str:
        location = getattr(self, "_location", None)  # an explicit location=…, if any
        return self._value_or_setting(location, os.path.join(settings.MEDIA_ROOT, "case-documents"))

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Case documents have no public URL: they are served by the download view.")
