"""Settings for the test suite: the production settings with test-only secrets and speed-ups.

DATABASE_URL and CELERY_BROKER_URL still come from the environment, so CI runs the
suite against the real PostgreSQL and Redis.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# Serve static files from the finders in tests: no collectstatic, no "No directory at" warning.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
