"""Settings for the benchmark: the production settings, as a deployment runs them, minus what needs servers.

Debug off (cached templates, no SQL kept per request except while measured), the
benchmark database from ``DATABASE_URL``, static files served from the finders (no
``collectstatic`` needed), an in-memory broker (the sweep's after-commit e-mail
enqueue goes nowhere) and the test client's host allowed.
"""

import os
import warnings

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
# The test client speaks plain HTTP in-process: no redirect to HTTPS (a deployment sits behind TLS).
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ["CELERY_BROKER_URL"] = "memory://"
os.environ.setdefault("LOG_LEVEL", "WARNING")

from config.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Static files come from the finders: no collected folder is expected.
warnings.filterwarnings("ignore", message="No directory at")
# PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost: for
# this application's short queries that costs 0.5–2 s per query and saves nothing
# (docs/performance.md). The production settings connect with jit = off
# (config/settings.py); BENCH_JIT=on measures with it.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    _jit = "on" if os.environ.get("BENCH_JIT", "off") == "on" else "off"
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c jit={_jit}"  # noqa: F405
