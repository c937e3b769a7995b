"""Where case documents are stored and how large they may be: from the environment, refused at start if wrong.

Each case starts a fresh Python with config.settings, as manage.py, gunicorn and the workers do
(``tests.test_settings.start_django``).
"""

from __future__ import annotations

import json

from tests.test_settings import start_django

SHOW = (
    "import json, django; from django.conf import settings; django.setup();"
    "from django.core.files.storage import storages;"
    "s = storages['case_documents'];"
    "print(json.dumps({'class': type(s).__module__ + '.' + type(s).__name__,"
    " 'bucket': getattr(s, 'bucket_name', None), 'endpoint': getattr(s, 'endpoint_url', None),"
    " 'location': getattr(s, 'location', None), 'acl': getattr(s, 'default_acl', None),"
    " 'overwrite': getattr(s, 'file_overwrite', None), 'limit': settings.CASE_DOCUMENTS_MAX_UPLOAD_MB}))"
)


def _show(**environ: str) -> dict[str, object]:
    result = start_django(SHOW, DJANGO_DEBUG="true", **environ)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_documents_go_to_media_root_by_default(tmp_path: object) -> None:
    shown = _show(MEDIA_ROOT=str(tmp_path))
    assert shown["class"] == "casework.documents.storage.LocalCaseDocumentsStorage"
    assert shown["location"] == f"{tmp_path}/case-documents"
    assert shown["limit"] == 25


def test_an_s3_compatible_store_when_the_environment_says_so() -> None:
    shown = _show(
        CASE_DOCUMENTS_STORAGE="s3",
        CASE_DOCUMENTS_S3_BUCKET="case-files",
        CASE_DOCUMENTS_S3_ENDPOINT_URL="https://minio.example.org:9000",
        CASE_DOCUMENTS_MAX_UPLOAD_MB="100",
    )
    assert shown == {
        "class": "storages.backends.s3.S3Storage",
        "bucket": "case-files",
        "endpoint": "https://minio.example.org:9000",
        "location": "case-documents",
        "acl": "private",
        "overwrite": False,
        "limit": 100,
    }


def test_it_refuses_a_bad_storage_setting() -> None:
    for environ, message in (
        ({"CASE_DOCUMENTS_STORAGE": "ftp"}, "CASE_DOCUMENTS_STORAGE must be local or s3, not 'ftp'"),
        ({"CASE_DOCUMENTS_STORAGE": "s3"}, "CASE_DOCUMENTS_STORAGE=s3 needs CASE_DOCUMENTS_S3_BUCKET"),
        ({"CASE_DOCUMENTS_MAX_UPLOAD_MB": "0"}, "CASE_DOCUMENTS_MAX_UPLOAD_MB must be at least 1, not 0"),
        ({"CASE_DOCUMENTS_EXTRACT_MEMORY_MB": "lots"}, "CASE_DOCUMENTS_EXTRACT_MEMORY_MB must be a whole number"),
    ):
        result = start_django(DJANGO_DEBUG="true", **environ)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and message in result.stderr, result.stderr
