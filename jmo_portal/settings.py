"""JMO Portal settings: every value comes from the environment (see .env.example)."""

import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _secret(name: str, default: str | None = None) -> str | None:
    """A secret from NAME, or from the file named by NAME_FILE (docker secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text().strip()
    return env.str(name, default=default)


DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = _secret(
    "DJANGO_SECRET_KEY", default="dev-only-insecure-key" if DEBUG else None
)
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG=False")
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG=False"
    )
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The project's own apps, in their floors (ARCHITECTURE.md), lowest first.
PROJECT_APPS = [
    "participants",
    "notifications",
    "biometrics",
    "claims",
    "frontoffice",
    "tutorials",
    "insights",
    "demo",
]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "simple_history",
    "health_check",
    "django_prometheus",
    "django_guid",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # A request id for every log line of the request and of the tasks it queues.
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "jmo_portal.middleware.NulPathMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jmo_portal.middleware.StaffSecondFactorMiddleware",
    "jmo_portal.middleware.StaffIdleTimeoutMiddleware",
    "jmo_portal.middleware.AnonymousPostLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "jmo_portal.urls"
WSGI_APPLICATION = "jmo_portal.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
# A kept connection is checked before a request reuses it: after PostgreSQL restarts
# (or drops idle connections) the next request reconnects instead of answering 500.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # libpq waits for ever for a server that accepts the connection and never
    # answers (a stopped server process, a stuck pooler): the request hung until
    # gunicorn killed its worker. Past this, the member gets the 503 page.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT_SECONDS", default=5)
    )
# A web request's query that runs or waits (a lock held elsewhere, an overloaded
# server) past this is cancelled by PostgreSQL: the transaction rolls back and the
# member gets the 503 page, before gunicorn's own timeout (30 s in compose) kills
# the worker. Web processes only (jmo_portal/wsgi.py): the worker, beat and the
# management commands (migrate, import_members, the insights rollups) may run
# long statements on purpose. 0 turns it off.
DB_STATEMENT_TIMEOUT_SECONDS = env.float("DB_STATEMENT_TIMEOUT_SECONDS", default=20)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for the write lock instead of failing when the in-process tasks and the
    # web request write at the same moment.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# The login throttle keeps its counts here, and the policy version every process
# checks (jmo_portal.policy_cache): it must be shared by every web process and
# worker. CACHE_URL, else the Celery broker's Redis (own keys), else process
# memory (development: one process, tasks in-process).
def _caches(broker_url: str) -> dict:
    if env.str("CACHE_URL", default=""):
        cache = env.cache_url("CACHE_URL")
    elif broker_url.startswith(("redis://", "rediss://")):
        cache = {
            "BACKEND": "jmo_portal.cache.SharedRedisCache",
            "LOCATION": broker_url,
            "KEY_PREFIX": "jmo-cache",
        }
    else:
        cache = env.cache_url("CACHE_URL", default="locmemcache://")
    if "redis" in cache["BACKEND"].lower():
        # A cache call takes a millisecond; redis-py waits 5 s by default, which
        # every request paid while Redis hung (jmo_portal.policy_cache).
        seconds = env.float("CACHE_TIMEOUT_SECONDS", default=1.0)
        options = cache.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", seconds)
        options.setdefault("socket_timeout", seconds)
    return {"default": cache}


CACHES = _caches(env.str("CELERY_BROKER_URL", default=""))

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id first (jmo_portal.hashers: why); the others verify older hashes,
# which are rehashed at the next login.
PASSWORD_HASHERS = [
    "jmo_portal.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Every password check goes through the one credential guard (participants.backends).
AUTHENTICATION_BACKENDS = ["participants.backends.GuardedModelBackend"]
LOGIN_URL = "participants:login"
LOGIN_REDIRECT_URL = "participants:dashboard"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
CSRF_FAILURE_VIEW = "jmo_portal.errors.csrf_failure"
# The project's own catalogue, then Indonesian for DRF's messages that DRF's own
# catalogue leaves out (locale/drf: API errors are in the request's language).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "drf"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Private media (selfies, reference photos, claim documents): never served by a
# public URL; views stream them after an access check.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/private-media/"
STORAGES = {
    "default": {"BACKEND": "jmo_portal.storage.MediaStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Django waits for the SMTP server for ever by default: a server that accepts and
# never answers held a page (activation code) or a worker (notifications) until
# gunicorn or Celery killed it.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT_SECONDS", default=10.0)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="JMO Portal <noreply@jmo.example>"
)
SMS_BACKEND = env.str("SMS_BACKEND", default="jmo_portal.sms.ConsoleSmsBackend")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "participants.authentication.ExpiringTokenAuthentication",
        "participants.authentication.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: API.md's errors are JSON whatever the client accepts. With DRF's
    # browsable renderer, `Accept: text/html` got an HTML page for every answer,
    # errors included (the API is documented at /api/docs/).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "jmo_portal.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "jmo_portal.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "jmo_portal.api.Pagination",
    "PAGE_SIZE": 24,
}
# API tokens expire (a new login issues a new one); "log out everywhere" ends
# them all at once.
API_TOKEN_TTL_SECONDS = env.int("API_TOKEN_TTL_SECONDS", default=24 * 3600)
# Staff two-factor (django-otp): the credential guard counts wrong codes, so
# django-otp's own delays are off (one mechanism).
OTP_TOTP_ISSUER = "JMO Portal"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Rate limits {name: (requests, window seconds)} (participants.services.ratelimits):
# selfie uploads per participant (quality rejects and camera checks included),
# camera-check challenges per participant, claim documents per participant (each
# is decoded or parsed: up to a second for a 6 MB PDF, refused ones included), the
# public kiosk per address, and every anonymous POST per address.
RATE_LIMITS = {
    "selfie_upload": (
        env.int("RATE_SELFIE_UPLOADS", default=10),
        env.int("RATE_SELFIE_WINDOW_SECONDS", default=15 * 60),
    ),
    "liveness_challenge": (
        env.int("RATE_LIVENESS_CHALLENGES", default=20),
        env.int("RATE_SELFIE_WINDOW_SECONDS", default=15 * 60),
    ),
    "document_upload": (
        env.int("RATE_DOCUMENT_UPLOADS", default=30),
        env.int("RATE_DOCUMENT_WINDOW_SECONDS", default=15 * 60),
    ),
    "kiosk": (env.int("RATE_KIOSK_POSTS", default=30), 10 * 60),
    "anonymous_post": (env.int("RATE_ANONYMOUS_POSTS", default=60), 10 * 60),
}
# Staff page sessions end after this many idle seconds (participants' do not).
STAFF_IDLE_SECONDS = env.int("STAFF_IDLE_SECONDS", default=15 * 60)
SPECTACULAR_SETTINGS = {
    "TITLE": "JMO Portal API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # drf-spectacular's default, then every operation's error answers
    # (jmo_portal.api.schema_error_statuses), for /api/schema/ and `manage.py
    # spectacular` alike.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "jmo_portal.api.schema_error_statuses",
    ],
}

# Celery. Without a broker the tasks run in-process (eagerly) after commit.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# One worker process per core (face matching is CPU-bound and each process runs
# dlib with one native thread: see jmo_portal/celery.py); WORKER_CONCURRENCY
# overrides it on a machine shared with other services.
CELERY_WORKER_CONCURRENCY = env.int("WORKER_CONCURRENCY", default=os.cpu_count() or 1)
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# When Redis goes away the worker reconnects (forever) instead of exiting, notices
# a dead connection within health_check_interval, and gives the unacknowledged
# (acks_late) tasks back to be redelivered.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Sending a task while Redis is away fails within a fraction of a second (kombu's
# connect retries: one, at once) instead of kombu's default of ~6 s of retries per
# message: a request that queues work answers at once, and the row waits for its
# sweep (jmo_portal.dispatch). The worker's own reconnection loop is separate
# (CELERY_BROKER_CONNECTION_MAX_RETRIES).
# Redis answers a command within a millisecond; one that hangs (accepts, never
# answers) held each send for the socket timeout, retried by redis-py
# (retry_on_timeout) and by kombu: 60 s a message with the 15 s it had, and a claim
# submission sends three. Now a send gives up within 2 x BROKER_TIMEOUT_SECONDS.
# The worker's BRPOP is not cut by it: kombu asks Redis to answer within 1 s
# (brpop_timeout) and reads only once the socket is readable; a BRPOP connection
# that stays silent is dropped by kombu's health check (health_check_interval).
BROKER_TIMEOUT_SECONDS = env.float("BROKER_TIMEOUT_SECONDS", default=1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "visibility_timeout": 300,
    "health_check_interval": 10,
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_keepalive": True,
}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# The beat sweeps (jmo_portal/celery.py) run every SWEEP_SECONDS and send again the
# payouts and SMS whose message has been waiting that long: work whose message was
# lost goes out within two sweeps of the broker's return.
SWEEP_SECONDS = env.float("SWEEP_SECONDS", default=60)
CELERY_TIMEZONE = TIME_ZONE

BANK_API_URL = env.str("BANK_API_URL", default="http://127.0.0.1:8765")
# Officers are alerted about a payout still not settled after this many sweeps.
PAYOUT_ALERT_AFTER_SWEEPS = env.int("PAYOUT_ALERT_AFTER_SWEEPS", default=10)
DEV_BANK_SECRETS = {
    "BANK_API_KEY": "dev-bank-key",
    "BANK_CALLBACK_TOKEN": "dev-callback-token",
}
BANK_API_KEY = _secret("BANK_API_KEY", default=DEV_BANK_SECRETS["BANK_API_KEY"])
BANK_CALLBACK_TOKEN = _secret(
    "BANK_CALLBACK_TOKEN", default=DEV_BANK_SECRETS["BANK_CALLBACK_TOKEN"]
)
if not DEBUG:
    for _name, _dev_value in DEV_BANK_SECRETS.items():
        if globals()[_name] in ("", _dev_value):
            raise ImproperlyConfigured(
                f"{_name} must be set to a real secret when DJANGO_DEBUG=False"
            )
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The SMS gateway (jmo_portal/sms.py) when SMS_BACKEND is
# jmo_portal.sms.HttpSmsBackend; `manage.py run_sms_simulator` stands in for it.
SMS_API_URL = env.str("SMS_API_URL", default="http://127.0.0.1:8766")
SMS_API_KEY = _secret("SMS_API_KEY", default="dev-sms-key")
SMS_CALLBACK_TOKEN = _secret("SMS_CALLBACK_TOKEN", default="dev-sms-callback-token")
SMS_TIMEOUT = env.float("SMS_TIMEOUT_SECONDS", default=5.0)
if not DEBUG and SMS_BACKEND.endswith("HttpSmsBackend"):
    for _name in ("SMS_API_KEY", "SMS_CALLBACK_TOKEN"):
        if globals()[_name] in ("", "dev-sms-key", "dev-sms-callback-token"):
            raise ImproperlyConfigured(
                f"{_name} must be set to a real secret when DJANGO_DEBUG=False"
            )

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Off only for the plain-HTTP compose demo on localhost.
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    STORAGES = {
        "default": {"BACKEND": "jmo_portal.storage.MediaStorage"},
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from our own
# static files, never inline; photos from the camera as blob:/data: URLs. The API
# docs page loosens it for the Swagger UI bundle only (jmo_portal/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Logs: one JSON object a line (python-json-logger) when LOG_JSON is on (default
# with DEBUG off), with the request id (django-guid) that follows the work into the
# Celery tasks it queues; long digit runs (NIK, KPJ, accounts) are always masked.
LOG_JSON = env.bool("LOG_JSON", default=not DEBUG)
LOG_FILTERS = ["redact", "request_id"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "jmo_portal.logging.RedactPersonalData"},
        "request_id": {"()": "django_guid.log_filters.CorrelationId"},
    },
    "formatters": {
        "json": {"()": "jmo_portal.logging.json_formatter"},
        "text": {"format": "%(levelname)s %(name)s [%(correlation_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": LOG_FILTERS,
            "formatter": "json" if LOG_JSON else "text",
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django_guid": {"level": "WARNING"},
        # pypdf's warnings on a damaged claim document quote its bytes (names,
        # addresses of an ID card): kept out of the logs.
        "pypdf": {"level": "ERROR"},
    },
}
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "INTEGRATIONS": [CeleryIntegration(log_parent=False)],
}

# Prometheus: /metrics/ answers staff users and these addresses (the scraper).
# With several processes (gunicorn workers, the Celery worker) each writes its
# counters under PROMETHEUS_MULTIPROC_DIR and the scrape adds them up.
if env.str("PROMETHEUS_MULTIPROC_DIR", default=""):
    Path(env.str("PROMETHEUS_MULTIPROC_DIR")).mkdir(parents=True, exist_ok=True)
else:
    # prometheus_client goes multiprocess when the variable merely exists: empty
    # (as .env.example has it) it would write its files into the working folder.
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1/32", "::1"])
