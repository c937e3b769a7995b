"""Backups: a ``pg_dump`` of a seeded database, restored into an empty one with MEDIA_ROOT copied beside
it, gives the Clearview case back whole, with its order PDF, by the commands docs/operations.md gives.

Everything runs as an operator would: ``manage.py`` in processes of their own against databases this
test creates (uniquely named) and drops, and ``pg_dump``/``pg_restore``/``psql`` from PATH.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import skip_or_fail

BASE_DIR = Path(__file__).resolve().parent.parent
CASE = "PIPEDA-039525"  # the Clearview AI joint investigation


def _server() -> dict[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        skip_or_fail(f"this test needs PostgreSQL (DATABASE_URL is {url or 'unset'})")
    parts = urlsplit(url)
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if shutil.which(tool) is None]
    if missing:
        skip_or_fail(f"{', '.join(missing)} not on PATH")
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": str(parts.port or 5432),
        "user": parts.username or "postgres",
        "password": parts.password or "",
    }


def _run(*command: str, env: dict[str, str] | None = None) -> str:
    completed = subprocess.run(  # noqa: S603 - our own commands
        list(command), cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, f"{' '.join(command)} failed:\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout


@pytest.fixture
def server() -> dict[str, str]:
    return _server()


@pytest.fixture
def two_databases(server: dict[str, str]) -> Iterator[tuple[str, str]]:
    """An empty database to seed and back up, and the name of one to restore into; both dropped after."""
    suffix = uuid.uuid4().hex[:10]
    names = (f"casetracker_backup_{suffix}", f"casetracker_restored_{suffix}")
    env = {**os.environ, "PGPASSWORD": server["password"]}
    psql = ["psql", "-h", server["host"], "-p", server["port"], "-U", server["user"], "-d", "postgres", "-v"]
    _run(*psql, "ON_ERROR_STOP=1", "-c", f'CREATE DATABASE "{names[0]}"', env=env)
    try:
        yield names
    finally:
        for name in names:
            _run(*psql, "ON_ERROR_STOP=1", "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', env=env)


def _manage(database: str, media: Path, server: dict[str, str], *args: str) -> str:
    password = f":{server['password']}" if server["password"] else ""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{database}",
        "MEDIA_ROOT": str(media),
        "CELERY_BROKER_URL": "memory://",
    }
    return _run(sys.executable, "manage.py", *args, env=env)


DOCUMENTS = (
    "import json; from orders.models import OrderDocument as D; "
    "print(json.dumps([[d.order.number, d.language, d.version, d.status, d.file.name, d.sha256] "
    "for d in D.objects.select_related('order').order_by('pk')]))"
)


def test_a_restored_dump_gives_the_clearview_case_back_whole(
    server: dict[str, str], two_databases: tuple[str, str], tmp_path: Path
) -> None:
    source, restored = two_databases
    media, media_copy = tmp_path / "media", tmp_path / "media-restored"
    dump = tmp_path / "casetracker.dump"
    pg = ["-h", server["host"], "-p", server["port"], "-U", server["user"]]
    env = {**os.environ, "PGPASSWORD": server["password"]}

    # A fresh database, seeded, with one order PDF rendered into MEDIA_ROOT.
    _manage(source, media, server, "migrate", "--noinput")
    _manage(source, media, server, "seed_demo")
    _manage(
        source, media, server, "render_order", "OIPC-BC", "P21-08", "--lang", "en", "--output", str(tmp_path / "p.pdf")
    )
    before = _manage(source, media, server, "export_case", CASE)
    documents_before = json.loads(_manage(source, media, server, "shell", "--no-imports", "-c", DOCUMENTS))

    # The backup (docs/operations.md): the database, and MEDIA_ROOT beside it.
    _run("pg_dump", *pg, "--format=custom", f"--file={dump}", source, env=env)
    shutil.copytree(media, media_copy)

    # The restore: into an empty database, then migrate (a dump from an older version is brought up to date).
    _run("psql", *pg, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", f'CREATE DATABASE "{restored}"', env=env)
    _run("pg_restore", *pg, "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump), env=env)
    assert "No migrations to apply" in _manage(restored, media_copy, server, "migrate", "--noinput")

    after = _manage(restored, media_copy, server, "export_case", CASE)
    assert json.loads(after) == json.loads(before)
    assert after == before
    documents_after = json.loads(_manage(restored, media_copy, server, "shell", "--no-imports", "-c", DOCUMENTS))
    assert documents_after == documents_before
    [[number, language, version, status, name, sha256]] = documents_after
    assert (number, language, version, status) == ("P21-08", "en", 1, "ready")
    stored = (media_copy / name).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == sha256
    assert stored == (tmp_path / "p.pdf").read_bytes()
