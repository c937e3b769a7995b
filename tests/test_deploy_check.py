"""``manage.py check --deploy`` is clean under production settings, as an operator sets them (README, "In production").

It runs in a fresh process from an environment cleared of our variables, as tests/test_settings.py
starts Django, and fails on any warning: a new setting that weakens production shows up here.
"""

from __future__ import annotations

import secrets

from tests.test_settings import start_django

CHECK = "import sys, runpy; sys.argv = ['manage.py', 'check', '--deploy', '--fail-level', 'WARNING']; " + (
    "runpy.run_path('manage.py', run_name='__main__')"
)


def production(**overrides: str) -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "cases.example.org",
        "DJANGO_SECURE_SSL_REDIRECT": "true",
        "DJANGO_SECURE_HSTS_SECONDS": "31536000",
        "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
        "DJANGO_SECURE_HSTS_PRELOAD": "true",
        **overrides,
    }


def test_check_deploy_is_clean_under_production_settings() -> None:
    result = start_django(CHECK, **production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_names_what_production_left_out() -> None:
    # The same run without HSTS and the redirect: the check (and so this test's twin above) sees it.
    result = start_django(
        CHECK,
        **production(
            DJANGO_SECURE_SSL_REDIRECT="false",
            DJANGO_SECURE_HSTS_SECONDS="0",
            DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
            DJANGO_SECURE_HSTS_PRELOAD="false",
        ),
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr
    assert "security.W008" in result.stderr
