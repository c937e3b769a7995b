"""The e-mail delivery settings: the SMTP timeout, the retries, the claims, and the check that ties them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from orders.checks import check_email_timeouts

BASE_DIR = Path(__file__).resolve().parent.parent
NAMES = (
    "EMAIL_TIMEOUT",
    "ORDERS_EMAIL_RETRY_MAX_MINUTES",
    "ORDERS_EMAIL_RETRY_HOURS",
    "ORDERS_EMAIL_SENDING_TIMEOUT_SECONDS",
    "ORDERS_DIGEST_HOUR_UTC",
)


def settings_in_a_fresh_process(**environ: str) -> subprocess.CompletedProcess[str]:
    """config.settings read by a new Python, as manage.py and the worker read it, with debug on."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EMAIL_", "ORDERS_", "DJANGO_"))}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "true", **environ}
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(NAMES)!r}}}))"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_defaults_bound_a_send_and_retry_for_three_days() -> None:
    started = settings_in_a_fresh_process()
    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout.splitlines()[-1]) == {
        "EMAIL_TIMEOUT": 20,
        "ORDERS_EMAIL_RETRY_MAX_MINUTES": 60,
        "ORDERS_EMAIL_RETRY_HOURS": 72,
        "ORDERS_EMAIL_SENDING_TIMEOUT_SECONDS": 600,
        "ORDERS_DIGEST_HOUR_UTC": 12,
    }


def test_they_come_from_the_environment() -> None:
    started = settings_in_a_fresh_process(EMAIL_TIMEOUT="5", ORDERS_EMAIL_RETRY_HOURS="24", ORDERS_DIGEST_HOUR_UTC="6")
    assert started.returncode == 0, started.stderr
    values = json.loads(started.stdout.splitlines()[-1])
    assert (values["EMAIL_TIMEOUT"], values["ORDERS_EMAIL_RETRY_HOURS"], values["ORDERS_DIGEST_HOUR_UTC"]) == (5, 24, 6)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("EMAIL_TIMEOUT", "soon"),
        ("EMAIL_TIMEOUT", "0"),
        ("ORDERS_EMAIL_RETRY_HOURS", "-1"),
        ("ORDERS_DIGEST_HOUR_UTC", "24"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(name: str, value: str) -> None:
    started = settings_in_a_fresh_process(**{name: value})
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and name in started.stderr


def test_a_claim_must_outlast_ten_steps_of_the_smtp_timeout(settings: Any) -> None:
    settings.EMAIL_TIMEOUT = 20
    settings.ORDERS_EMAIL_SENDING_TIMEOUT_SECONDS = 600
    assert check_email_timeouts() == []
    settings.ORDERS_EMAIL_SENDING_TIMEOUT_SECONDS = 200
    [error] = check_email_timeouts()
    assert error.id == "orders.E002"
    settings.EMAIL_TIMEOUT = None  # Django's default: no timeout at all
    assert [error.id for error in check_email_timeouts()] == ["orders.E002"]
