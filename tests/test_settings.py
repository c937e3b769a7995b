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
OUR_VARIABLES = (
    "DJANGO_",
    "DATABASE_",
    "CELERY_",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "AXES_",
    "TWO_FACTOR_",
    "API_THROTTLE_",
)


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


# --- Sign-in hardening (docs/security.md, "Signing in") ----------------------------------------------------

PRODUCTION_KEY = "a-long-random-production-key"


def _settings_of(names: str, **environ: str) -> list[str]:
    code = SETUP + f"; print(*[repr(getattr(settings, name)) for name in {names.split()!r}], sep='|')"
    result = start_django(code, **environ)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split("|")


def test_https_and_hsts_come_from_the_environment() -> None:
    names = "SECURE_SSL_REDIRECT SECURE_HSTS_SECONDS SECURE_HSTS_INCLUDE_SUBDOMAINS SECURE_HSTS_PRELOAD"
    assert _settings_of(names, DJANGO_DEBUG="true") == ["False", "0", "False", "False"]
    # Production redirects to HTTPS unless told otherwise; HSTS stays off until chosen.
    assert _settings_of(names, DJANGO_SECRET_KEY=PRODUCTION_KEY) == ["True", "0", "False", "False"]
    assert _settings_of(
        names,
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_HSTS_SECONDS="31536000",
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        DJANGO_SECURE_HSTS_PRELOAD="true",
    ) == ["False", "31536000", "True", "True"]


def test_sessions_lockout_and_api_rates_come_from_the_environment() -> None:
    names = "SESSION_IDLE_SECONDS SESSION_COOKIE_AGE AXES_FAILURE_LIMIT AXES_COOLOFF_TIME REST_FRAMEWORK"
    defaults = _settings_of(names, DJANGO_DEBUG="true")
    assert defaults[:4] == ["1800", "43200", "5", "datetime.timedelta(seconds=900)"]
    assert "'user': '120/minute', 'token_failure': '10/hour'" in defaults[4]
    chosen = _settings_of(
        names,
        DJANGO_DEBUG="true",
        DJANGO_SESSION_IDLE_SECONDS="600",
        DJANGO_SESSION_MAX_AGE_SECONDS="28800",
        AXES_FAILURE_LIMIT="10",
        AXES_COOLOFF_MINUTES="60",
        API_THROTTLE_USER_RATE="1000/hour",
        API_THROTTLE_TOKEN_FAILURE_RATE="5/day",
    )
    assert chosen[:4] == ["600", "28800", "10", "datetime.timedelta(seconds=3600)"]
    assert "'user': '1000/hour', 'token_failure': '5/day'" in chosen[4]


def test_two_factor_is_required_of_legal_staff_and_administrators_except_in_debug() -> None:
    assert _settings_of("TWO_FACTOR_REQUIRED_ROLES", DJANGO_SECRET_KEY=PRODUCTION_KEY) == ["['legal', 'administrator']"]
    assert _settings_of("TWO_FACTOR_REQUIRED_ROLES", DJANGO_DEBUG="true") == ["[]"]
    chosen = _settings_of(
        "TWO_FACTOR_REQUIRED_ROLES", DJANGO_DEBUG="true", TWO_FACTOR_REQUIRED_ROLES=" Legal, manager "
    )
    assert chosen == ["['legal', 'manager']"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_SECURE_SSL_REDIRECT", "sometimes", "DJANGO_SECURE_SSL_REDIRECT must be true or false"),
        ("DJANGO_SECURE_HSTS_SECONDS", "a year", "DJANGO_SECURE_HSTS_SECONDS must be a whole number, not 'a year'"),
        (
            "DJANGO_SECURE_HSTS_PRELOAD",
            "true",
            "DJANGO_SECURE_HSTS_PRELOAD needs DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS",
        ),
        ("DJANGO_SESSION_IDLE_SECONDS", "-5", "DJANGO_SESSION_IDLE_SECONDS must be at least 0, not -5"),
        ("DJANGO_SESSION_MAX_AGE_SECONDS", "0", "DJANGO_SESSION_MAX_AGE_SECONDS must be at least 60"),
        ("AXES_FAILURE_LIMIT", "0", "AXES_FAILURE_LIMIT must be at least 1, not 0"),
        ("AXES_COOLOFF_MINUTES", "15m", "AXES_COOLOFF_MINUTES must be a whole number"),
        ("TWO_FACTOR_REQUIRED_ROLES", "legal,judge", "TWO_FACTOR_REQUIRED_ROLES: unknown role(s) judge"),
        ("API_THROTTLE_USER_RATE", "lots", "API_THROTTLE_USER_RATE must look like 120/minute"),
        ("DJANGO_PROXY_COUNT", "two", "DJANGO_PROXY_COUNT must be a whole number"),
    ],
)
def test_it_refuses_a_bad_sign_in_setting(variable: str, value: str, message: str) -> None:
    result = start_django(DJANGO_DEBUG="true", **{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
