"""The system checks of casework.checks, through ``manage.py check`` and one by one."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.checks import registry
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from casework import checks


def _ids(messages: list) -> list[str]:
    return [message.id for message in messages]


def _filesystem_broker(folder: Path) -> dict[str, object]:
    return {
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_BROKER_TRANSPORT_OPTIONS": {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        },
    }


def test_they_are_registered() -> None:
    registered = registry.registry.get_checks()
    assert checks.check_time_zone in registered
    assert checks.check_embedded_broker in registered
    assert checks.check_secret_key in registered


def test_the_project_passes_them() -> None:
    call_command("check", fail_level="WARNING")


def test_it_refuses_a_time_zone_other_than_utc() -> None:
    with override_settings(TIME_ZONE="America/Toronto"):
        assert _ids(checks.check_time_zone()) == ["casework.E001"]
        with pytest.raises(SystemCheckError, match=r"casework\.E001"):
            call_command("check")


def test_it_refuses_naive_datetimes() -> None:
    with override_settings(USE_TZ=False):
        assert _ids(checks.check_time_zone()) == ["casework.E002"]


def test_it_creates_the_embedded_brokers_folders(tmp_path: Path) -> None:
    with override_settings(**_filesystem_broker(tmp_path / "var" / "broker")):
        assert checks.check_embedded_broker() == []
    assert (tmp_path / "var" / "broker" / "queue").is_dir()
    assert (tmp_path / "var" / "broker" / "control").is_dir()


def test_it_reports_a_broker_folder_that_cannot_be_created(tmp_path: Path) -> None:
    # A folder cannot be made under a plain file (and this holds for root, unlike permissions).
    blocker = tmp_path / "var"
    blocker.write_text("not a directory")

    with override_settings(**_filesystem_broker(blocker / "broker")):
        messages = checks.check_embedded_broker()
        with pytest.raises(SystemCheckError, match=r"casework\.E003"):
            call_command("check")

    assert set(_ids(messages)) == {"casework.E003"}
    assert str(blocker / "broker" / "queue") in messages[0].msg


def test_it_warns_about_a_broker_folder_relative_to_the_current_directory(tmp_path: Path) -> None:
    settings = _filesystem_broker(tmp_path)
    options = dict(settings["CELERY_BROKER_TRANSPORT_OPTIONS"])  # type: ignore[call-overload]
    del options["control_folder"]

    with override_settings(CELERY_BROKER_URL="filesystem://", CELERY_BROKER_TRANSPORT_OPTIONS=options):
        assert _ids(checks.check_embedded_broker()) == ["casework.W001"]


def test_it_ignores_the_folders_with_another_broker(tmp_path: Path) -> None:
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/0", CELERY_BROKER_TRANSPORT_OPTIONS={}):
        assert checks.check_embedded_broker() == []


def test_it_refuses_the_development_secret_key_in_production() -> None:
    with override_settings(DEBUG=False, SECRET_KEY=checks.DEVELOPMENT_SECRET_KEY):
        assert _ids(checks.check_secret_key()) == ["casework.E004"]
        with pytest.raises(SystemCheckError, match=r"casework\.E004"):
            call_command("check")


def test_it_accepts_the_development_secret_key_in_debug() -> None:
    with override_settings(DEBUG=True, SECRET_KEY=checks.DEVELOPMENT_SECRET_KEY):
        assert checks.check_secret_key() == []


def test_it_accepts_a_real_secret_key_in_production() -> None:
    with override_settings(DEBUG=False, SECRET_KEY="e2b0c1c6a7f64b1e9f3d5a8c0b7e4d2f-a-long-random-string"):
        assert checks.check_secret_key() == []
