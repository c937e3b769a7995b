"""config/settings.py reads the environment and refuses bad values at start-up.

Each case starts a fresh Python with DJANGO_SETTINGS_MODULE=config.settings, as
manage.py, gunicorn and the worker do, from an environment cleared of our knobs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from celery.schedules import crontab
from celery.schedules import schedule as celery_schedule
from django.conf import settings

from casework import checks
from config.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent.parent
SETUP = "import django; from django.conf import settings; django.setup()"
# Every variable the settings read, removed so that the machine's own cannot leak in.
OUR_VARIABLES = ("DJANGO_", "DATABASE_", "CELERY_", "EMAIL_URL", "DEFAULT_FROM_EMAIL", "MEDIA_ROOT", "STATIC_ROOT")


def start_django(code: str = SETUP, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(OUR_VARIABLES)}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **environ)
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_starts_in_debug_with_no_configuration() -> None:
    result = start_django(DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_it_starts_in_production_with_a_secret_key() -> None:
    result = start_django(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="a-long-random-production-key")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_it_refuses_a_debug_value_that_is_not_yes_or_no(value: str) -> None:
    result = start_django(DJANGO_DEBUG=value, DJANGO_SECRET_KEY="a-long-random-production-key")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"DJANGO_DEBUG must be true or false, not {value!r}" in result.stderr


def test_it_refuses_to_start_in_production_without_a_secret_key() -> None:
    result = start_django(DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_manage_py_names_the_settings_error_instead_of_a_later_one() -> None:
    code = "import sys, runpy; sys.argv = ['manage.py', 'check']; runpy.run_path('manage.py', run_name='__main__')"
    result = start_django(code, DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set" in result.stderr
    assert "AppRegistryNotReady" not in result.stderr


def test_it_defaults_to_production_so_a_missing_debug_needs_a_key() -> None:
    result = start_django()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("url", ["amqp://guest:guest@localhost:5672//", "sqs://", "localhost:6379"])
def test_it_refuses_a_broker_of_an_unsupported_kind(url: str) -> None:
    result = start_django(DJANGO_DEBUG="true", CELERY_BROKER_URL=url)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "CELERY_BROKER_URL must be redis://, rediss:// or filesystem://" in result.stderr


def test_it_refuses_a_bad_secure_cookies_value() -> None:
    result = start_django(DJANGO_SECRET_KEY="a-long-random-production-key", DJANGO_SECURE_COOKIES="sometimes")
    assert result.returncode != 0
    assert "DJANGO_SECURE_COOKIES must be true or false" in result.stderr


def test_the_development_key_is_the_one_the_system_check_refuses() -> None:
    result = start_django(SETUP + "; print(settings.SECRET_KEY)", DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == checks.DEVELOPMENT_SECRET_KEY


def test_the_default_broker_is_the_embedded_one_under_var() -> None:
    code = SETUP + "; print(settings.CELERY_BROKER_URL, settings.CELERY_BROKER_TRANSPORT_OPTIONS['data_folder_in'])"
    result = start_django(code, DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
    broker_url, folder = result.stdout.split()
    assert broker_url == "filesystem://"
    assert Path(folder).is_relative_to(BASE_DIR / "var")


def test_the_beat_schedule_names_registered_tasks_with_an_expiry() -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    heartbeat = schedule["worker-heartbeat"]
    assert heartbeat["schedule"] == 60.0
    assert heartbeat["options"] == {"expires": 55}
    celery_app.loader.import_default_modules()
    for name, entry in schedule.items():
        assert entry["task"] in celery_app.tasks, f"beat entry {name!r} names an unknown task"
        # A periodic message must not outlive its period, or a stopped worker finds a pile of them.
        expires = entry["options"]["expires"]  # type: ignore[index]
        assert expires > 0, f"beat entry {name!r} has no expiry"
        period = _period_seconds(entry["schedule"])
        if period is not None:
            assert expires <= period, f"beat entry {name!r} outlives its period"


def _period_seconds(schedule: object) -> float | None:
    """The period of a fixed-interval schedule; None for a crontab."""
    if isinstance(schedule, int | float):
        return float(schedule)
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    if isinstance(schedule, celery_schedule) and not isinstance(schedule, crontab):
        return float(schedule.seconds)
    return None
