"""Settings for the test suite: the production settings with test-only secrets and speed-ups.

DATABASE_URL and CELERY_BROKER_URL still come from the environment, so CI runs the
suite against the real PostgreSQL and Redis.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")
# Sign-in hardening that the suite turns on only where it is the subject (tests/test_signin.py):
# the test client speaks plain HTTP; a second factor required of legal staff and administrators
# would send every persona who signs in with force_login() to enrolment; an idle timeout would
# sign out a test that travels in time; the API throttles would count across tests.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("TWO_FACTOR_REQUIRED_ROLES", "")
os.environ.setdefault("DJANGO_SESSION_IDLE_SECONDS", "0")
os.environ.setdefault("API_THROTTLE_USER_RATE", "100000/minute")
os.environ.setdefault("API_THROTTLE_TOKEN_FAILURE_RATE", "100000/minute")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# Serve static files from the finders in tests: no collectstatic, no "No directory at" warning.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# django-axes needs the request to authenticate(), which Client.login() does not pass; the
# lockout tests turn it on (tests/test_signin.py), and sign in through the pages as people do.
AXES_ENABLED = False
