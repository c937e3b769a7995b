"""System checks for the configuration the case tracker depends on.

They run at ``manage.py check``, ``migrate``, ``runserver`` and when a Celery worker
starts (Celery's Django fix-up runs them), so a bad deploy fails at once rather
than at night in a worker. Registered in ``CaseworkConfig.ready()``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

# The key config/settings.py falls back to when DJANGO_DEBUG=true and no key is set.
DEVELOPMENT_SECRET_KEY = "development-only-key-not-for-production"  # noqa: S105 - what we refuse, not what we use


def check_time_zone(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Instants are stored and compared in UTC; deadlines use each authority's own zone."""
    errors: list[CheckMessage] = []
    if settings.TIME_ZONE != "UTC":
        errors.append(
            Error(
                f"TIME_ZONE is {settings.TIME_ZONE!r}; it must be 'UTC'.",
                hint="Deadlines are computed in the issuing authority's time zone, never in TIME_ZONE.",
                id="casework.E001",
            )
        )
    if not settings.USE_TZ:
        errors.append(
            Error(
                "USE_TZ is False; it must be True.",
                hint="Naive datetimes would shift deadlines and alerts across time zones and DST changes.",
                id="casework.E002",
            )
        )
    return errors


def _creatable(folder: Path) -> str | None:
    """Why ``folder`` cannot be made a writable directory, or None if it can.

    Creating it is the check: kombu's filesystem transport writes into these
    folders but never creates them, and runserver and the worker both run the
    checks at start, so this is also what lets a plain ``manage.py runserver``
    send tasks on a fresh checkout.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"
    if not os.access(folder, os.W_OK | os.X_OK):
        return "not writable"
    return None


def check_embedded_broker(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """With ``CELERY_BROKER_URL=filesystem://``, its folders must exist or be creatable."""
    if not str(getattr(settings, "CELERY_BROKER_URL", "")).startswith("filesystem://"):
        return []
    options: dict[str, Any] = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {})
    messages: list[CheckMessage] = []
    names = ["data_folder_in", "data_folder_out", "control_folder"]
    if options.get("store_processed"):
        names.append("processed_folder")
    for name in names:
        value = options.get(name)
        if not value or not Path(value).is_absolute():
            # kombu then falls back to a folder relative to the current directory
            # ("data_in", "control"...), which differs between web and worker.
            messages.append(
                Warning(
                    f"CELERY_BROKER_TRANSPORT_OPTIONS[{name!r}] is {value!r}: the filesystem broker will use a "
                    "folder relative to the current directory.",
                    hint="Give an absolute folder under var/broker/ in config/settings.py.",
                    id="casework.W001",
                )
            )
            continue
        problem = _creatable(Path(value))
        if problem is not None:
            messages.append(
                Error(
                    f"The embedded broker's folder {value} ({name}) cannot be created: {problem}.",
                    hint="Make var/ writable by the user running the web and worker processes, "
                    "or set CELERY_BROKER_URL=redis://...",
                    id="casework.E003",
                )
            )
    return messages


def check_secret_key(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Outside DEBUG the secret key must be one of the deployment's own."""
    if settings.DEBUG:
        return []
    key = str(settings.SECRET_KEY)
    if key == DEVELOPMENT_SECRET_KEY or key.startswith("django-insecure-"):
        return [
            Error(
                "SECRET_KEY is the development key, and DEBUG is off.",
                hint="Set DJANGO_SECRET_KEY to a long random string kept secret, "
                'for example: python -c "import secrets; print(secrets.token_urlsafe(50))"',
                id="casework.E004",
            )
        ]
    return []
