"""Settings of the case tracker, read only from the environment.

Every knob has a default that works on a laptop with no servers: SQLite under
``var/`` and an embedded (filesystem) Celery broker. Production sets
``DATABASE_URL`` (PostgreSQL) and ``CELERY_BROKER_URL`` (Redis). A bad value
fails at start-up with ``ImproperlyConfigured``, never later in a worker.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def env_bool(name: str, default: bool) -> bool:
    """A boolean from the environment; anything but a clear yes/no is an error."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """A whole number from the environment, at least ``minimum``; anything else is an error."""
    raw = env.str(name, default="").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_rate(name: str, default: str) -> str:
    """A DRF throttle rate, "N/second|minute|hour|day"; anything else is an error at start."""
    raw = env.str(name, default=default).strip()
    count, _, period = raw.partition("/")
    if not (count.isdigit() and int(count) > 0 and period in {"second", "minute", "hour", "day"}):
        raise ImproperlyConfigured(f"{name} must look like 120/minute (per second, minute, hour or day), not {raw!r}")
    return raw


DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (any long random string), "
            "or set DJANGO_DEBUG=true for a development machine."
        )
    SECRET_KEY = "development-only-key-not-for-production"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # Swagger UI's files, served as our static files (no CDN).
    "drf_spectacular_sidecar",
    # Sign-in hardening (see "Sign-in" below): TOTP devices, lockout records, the CSP header.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "casework",
    "orders",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The Content-Security-Policy header (CONTENT_SECURITY_POLICY below); static files answered
    # by WhiteNoise above do not need it.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # ?case=<id> picks among investigations or orders sharing a key that a user may both see.
    "casework.namesakes.NamesakeMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs out a session idle or old past its limits, then sends those who owe a second
    # factor to it (or to enrolment) before any other page. After messages: both say why.
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the signed-in user on history rows written during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The notification bell's unread count (one query, none for anonymous users).
                "orders.context_processors.notifications",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'casetracker.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: wait for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # PostgreSQL's JIT compiles every query whose estimated cost passes jit_above_cost: on
    # these tables that costs 0.03–2 s per query and saves nothing (docs/performance.md).
    # Options given in DATABASE_URL (?options=…) come first; a jit setting there wins.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if "jit" not in _options.get("options", ""):
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) are for PostgreSQL; SQLite, for development and tests, builds them
# without their extra columns, which is all right there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "casework.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "casework:investigation_list"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages and time -----------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
# Short dates in ISO 8601 in both languages, as Canadian offices write them (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Instants are stored in UTC; a deadline's local date is computed in the issuing
# authority's own time zone, never in this one.
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static and media files -------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"

# Case documents (docs/case-documents.md): the files staff upload to an investigation. Served only
# by the download view, which checks who may see the case; never from a public URL.
CASE_DOCUMENTS_STORAGE = env.str("CASE_DOCUMENTS_STORAGE", default="local").strip().lower()
if CASE_DOCUMENTS_STORAGE == "local":
    # A folder of MEDIA_ROOT: one machine, or a volume every web and worker process mounts.
    _case_documents_storage: dict[str, Any] = {"BACKEND": "casework.documents.storage.LocalCaseDocumentsStorage"}
elif CASE_DOCUMENTS_STORAGE == "s3":
    # An S3-compatible bucket (AWS, MinIO, Ceph…) through django-storages: several machines share it.
    _bucket = env.str("CASE_DOCUMENTS_S3_BUCKET", default="").strip()
    if not _bucket:
        raise ImproperlyConfigured("CASE_DOCUMENTS_STORAGE=s3 needs CASE_DOCUMENTS_S3_BUCKET (the bucket's name)")
    _case_documents_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            # Empty: AWS itself; otherwise the store's address, e.g. https://minio.example.org:9000
            "endpoint_url": env.str("CASE_DOCUMENTS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("CASE_DOCUMENTS_S3_REGION", default="") or None,
            # Empty: boto3's own chain (AWS_ACCESS_KEY_ID…, an instance role).
            "access_key": env.str("CASE_DOCUMENTS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("CASE_DOCUMENTS_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("CASE_DOCUMENTS_S3_PREFIX", default="case-documents").strip("/"),
            # Private objects, never replaced: names are random and a version is never rewritten.
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "addressing_style": env.str("CASE_DOCUMENTS_S3_ADDRESSING_STYLE", default="") or None,
        },
    }
else:
    raise ImproperlyConfigured(f"CASE_DOCUMENTS_STORAGE must be local or s3, not {CASE_DOCUMENTS_STORAGE!r}")
# The largest file one may upload, in megabytes (checked while the upload streams in).
CASE_DOCUMENTS_MAX_UPLOAD_MB = env_int("CASE_DOCUMENTS_MAX_UPLOAD_MB", default=25, minimum=1)
# Bounds of the text extraction (a child process of the worker): seconds, megabytes of memory,
# characters of text kept (what the search reads), megabytes of a .docx's XML read.
CASE_DOCUMENTS_EXTRACT_SECONDS = env_int("CASE_DOCUMENTS_EXTRACT_SECONDS", default=60, minimum=1)
CASE_DOCUMENTS_EXTRACT_MEMORY_MB = env_int("CASE_DOCUMENTS_EXTRACT_MEMORY_MB", default=512, minimum=64)
CASE_DOCUMENTS_TEXT_MAX_CHARS = env_int("CASE_DOCUMENTS_TEXT_MAX_CHARS", default=300_000, minimum=1000)
CASE_DOCUMENTS_EXTRACT_XML_MB = env_int("CASE_DOCUMENTS_EXTRACT_XML_MB", default=50, minimum=1)

STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "case_documents": _case_documents_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- The API ------------------------------------------------------------------------
# Read-only JSON under /api/ for legal teams' tools; the same visibility as the pages
# (casework.permissions / orders.permissions). Session or token authentication.
REST_FRAMEWORK = {
    # Token first: a request without credentials gets 401 with "WWW-Authenticate: Token",
    # which tells a client how to sign in (session first would answer 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's TokenAuthentication, with wrong tokens counted per address (accounts/throttling.py).
        "accounts.throttling.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Privacy investigation case tracker API",
    "DESCRIPTION": "Read access to investigations, orders, terms, deadlines and order documents.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- E-mail -----------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="case-tracker@localhost")
# Seconds each step of a conversation with the SMTP relay may take (connecting, each command):
# a frozen or black-holed relay fails the send after this instead of holding a worker forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", default=20, minimum=1)
# Alert e-mails (orders.alerts): a failed send is tried again after 1, 2, 4… minutes, at most
# ORDERS_EMAIL_RETRY_MAX_MINUTES apart, until ORDERS_EMAIL_RETRY_HOURS after its alert; then it
# is marked failed (shown on /healthz and /operations/, where it can be sent again).
ORDERS_EMAIL_RETRY_MAX_MINUTES = env_int("ORDERS_EMAIL_RETRY_MAX_MINUTES", default=60, minimum=1)
ORDERS_EMAIL_RETRY_HOURS = env_int("ORDERS_EMAIL_RETRY_HOURS", default=72, minimum=1)
# A worker's claim on an e-mail ("sending") older than this was left by a worker that died
# mid-send: the e-mail is owed again (at least once; see docs/deadlines-and-alerts.md).
# It must outlast a live send, so check orders.E002 wants it above 10 × EMAIL_TIMEOUT.
ORDERS_EMAIL_SENDING_TIMEOUT_SECONDS = env_int("ORDERS_EMAIL_SENDING_TIMEOUT_SECONDS", default=600, minimum=60)
# The hour (UTC) of the daily digest: 12:00 UTC is the morning across Canada.
ORDERS_DIGEST_HOUR_UTC = env_int("ORDERS_DIGEST_HOUR_UTC", default=12)
if ORDERS_DIGEST_HOUR_UTC > 23:
    raise ImproperlyConfigured(f"ORDERS_DIGEST_HOUR_UTC must be an hour from 0 to 23, not {ORDERS_DIGEST_HOUR_UTC}")

# --- Celery -------------------------------------------------------------------------
# The default broker is kombu's filesystem transport under var/broker: a real
# broker (a worker and beat in other processes consume from it) that needs no
# server. Production sets CELERY_BROKER_URL=redis://...
EMBEDDED_BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.split("://", 1)[0] not in {"filesystem", "redis", "rediss", "memory"}:
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL must be redis://, rediss:// or filesystem://, not {CELERY_BROKER_URL!r}"
    )
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(EMBEDDED_BROKER_DIR / "queue"),
        "data_folder_out": str(EMBEDDED_BROKER_DIR / "queue"),
        "processed_folder": str(EMBEDDED_BROKER_DIR / "processed"),
        "store_processed": False,
        # Broadcast/control messages (worker pings): inside var/, not the working directory.
        "control_folder": str(EMBEDDED_BROKER_DIR / "control"),
    }
else:
    # Tasks here are short; the sweep never relies on ETA tasks (see design).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker started while Redis is down waits for it (rather than exiting after 100 tries).
# A worker that loses Redis while it holds an unacknowledged message exits all the same
# (kombu 5.7's Redis transport, docs/operations.md "Supervision"): run workers under a
# supervisor that restarts them. What is owed is in the database, not in Redis.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Each run records the worker that took it; /healthz shows how long ago.
    # A message not taken within 55 s is dropped: the next one is coming.
    "worker-heartbeat": {
        "task": "casework.tasks.worker_heartbeat",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Raises the deadline alerts that are due; idempotent, and it catches up after an
    # outage, so a sweep not taken before the next one is due is dropped.
    "sweep-deadlines": {
        "task": "orders.tasks.sweep_deadlines",
        "schedule": 15 * 60.0,
        "options": {"expires": 14 * 60},
    },
    # E-mails owed (new alerts, retries after their backoff, claims left by a worker that died,
    # digests a lost daily run left waiting); the sweep also asks after each run.
    "deliver-notifications": {
        "task": "orders.tasks.deliver_notifications",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # PDFs and export bundles whose task was lost (a broker outage, a killed worker): a PDF is sent
    # again a minute after its message was lost or two after its worker died, a bundle after two
    # minutes; marked failed after an hour (orders.documents.services / orders.exports.bundles).
    "resume-background-work": {
        "task": "orders.tasks.resume_background_work",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # The text of case documents whose task was lost (casework.documents.services.document_text_resume).
    "resume-document-text": {
        "task": "casework.tasks.document_text_resume",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
    # The daily digest for those who chose it (ORDERS_DIGEST_HOUR_UTC above).
    "send-digests": {
        "task": "orders.tasks.send_digests",
        "schedule": crontab(hour=ORDERS_DIGEST_HOUR_UTC, minute=0),
        "options": {"expires": 3600},
    },
}

# The alert ladder: days before the due date, on it, then the first day late and every N days after.
ORDERS_ALERT_LADDER = {
    "before": env.list("ORDERS_ALERT_DAYS_BEFORE", cast=int, default=[30, 14, 7, 1]),
    "on_due": True,
    "late_first": 1,
    "late_every": env.int("ORDERS_ALERT_LATE_EVERY", default=7),
}

# --- Libraries ---------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Demo --------------------------------------------------------------------------
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo-password")

# --- Security in production --------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Sign-in hardening: HTTPS, sessions, lockout, second factor, CSP (docs/security-signin.md) ---
# HTTPS: plain-HTTP requests redirected (on by default with debug off), and HSTS, which browsers
# remember for SECURE_HSTS_SECONDS: off until the operator chooses a duration.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer's health probe may speak plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
if SECURE_HSTS_PRELOAD and not (SECURE_HSTS_INCLUDE_SUBDOMAINS and SECURE_HSTS_SECONDS >= 31536000):
    # What the browsers' preload list demands; a header that cannot be preloaded is a mistake.
    raise ImproperlyConfigured(
        "DJANGO_SECURE_HSTS_PRELOAD needs DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS=true "
        "and DJANGO_SECURE_HSTS_SECONDS of at least 31536000 (a year)"
    )

# Reverse proxies in front of the web processes that append the client's address to
# X-Forwarded-For: lockouts and API throttles count by the address found there (0: the peer).
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", default=0)

# Sessions: signed out after DJANGO_SESSION_IDLE_SECONDS without a request (0: never), and
# DJANGO_SESSION_MAX_AGE_SECONDS after signing in whatever happens (accounts.middleware).
SESSION_IDLE_SECONDS = env_int("DJANGO_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_MAX_AGE_SECONDS", default=12 * 3600, minimum=60)
SESSION_COOKIE_SAMESITE = "Lax"

# Lockout (django-axes): after AXES_FAILURE_LIMIT failed sign-ins for one username, or from one
# address, both are refused, the right password too, until AXES_COOLOFF_MINUTES have passed
# since the last failure. Wrong second-factor codes count as failures too (accounts.views).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", default=15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Attempts while locked out do not push the end of the lockout back: the time the lockout page
# names stays true, and an attacker cannot keep a person locked out for ever at no cost.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success does not wipe the failures: with lockout by address, a guesser with an account of
# their own would otherwise reset their address's count by signing in to it between guesses.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Never written into the attempt records (the password field never is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
if PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Second factor (django-otp, TOTP). Roles that must have one before using anything else
# (superusers count as administrators). Off in debug so that the demo users sign in with a
# password alone; the sign-in page then says that it is not enforced.
TWO_FACTOR_ROLES = ("investigator", "legal", "manager", "administrator")
TWO_FACTOR_REQUIRED_ROLES = [
    role.strip().lower()
    for role in env.str("TWO_FACTOR_REQUIRED_ROLES", default="" if DEBUG else "legal,administrator").split(",")
    if role.strip()
]
if unknown_roles := sorted(set(TWO_FACTOR_REQUIRED_ROLES) - set(TWO_FACTOR_ROLES)):
    raise ImproperlyConfigured(
        f"TWO_FACTOR_REQUIRED_ROLES: unknown role(s) {', '.join(unknown_roles)}; "
        f"choose among {', '.join(TWO_FACTOR_ROLES)}"
    )
# The name authenticator apps show beside the code.
OTP_TOTP_ISSUER = env.str("TWO_FACTOR_ISSUER", default="Case tracker")
# The admin lists people's devices (to remove a lost phone's) without showing their keys.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A password-reset link works for an hour (Django's default is three days).
PASSWORD_RESET_TIMEOUT = 3600

# Content Security Policy (django-csp): scripts, styles, fonts and images from this site only;
# no inline script or style anywhere, no plugins, no framing. The Swagger UI page adds a nonce
# for its own inline start-up script and style (config/api_urls.py), and only there.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws some icons (select arrows, the menu button) as data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# API throttles (accounts/throttling.py): requests per signed-in user (token or session), and
# wrong tokens per address, counted before DRF answers 401. Over the rate: 429 with Retry-After.
# (Requests without credentials are refused before any throttle: every API view needs sign-in.)
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["accounts.throttling.UserRateThrottle"]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "user": env_rate("API_THROTTLE_USER_RATE", "120/minute"),
    "token_failure": env_rate("API_THROTTLE_TOKEN_FAILURE_RATE", "10/hour"),
}
# 0, not None: None would trust whatever X-Forwarded-For a client sends.
REST_FRAMEWORK["NUM_PROXIES"] = PROXY_COUNT

# The cache: counters of the API throttles. Per process by default; production sets a Redis
# URL so that every web process counts together.
CACHES = {"default": env.cache_url("DJANGO_CACHE_URL", default="locmemcache://")}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports every layout step at INFO and fontTools every subset table: only
    # their warnings (an unloadable resource, a missing glyph) belong in the log.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
