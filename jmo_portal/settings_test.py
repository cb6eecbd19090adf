"""Test settings: PostgreSQL and Redis when they answer, SQLite and eager tasks otherwise.

REQUIRE_SERVICES=1 (set by .ci/run) turns a missing PostgreSQL or Redis into an
error instead of a quiet fallback.
"""

import os
import socket
import tempfile

from .settings import *  # noqa: F403
from .settings import _caches, env

REQUIRE_SERVICES = env.bool("REQUIRE_SERVICES", default=False)


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


POSTGRES_AVAILABLE = _answers("127.0.0.1", 5432)
REDIS_AVAILABLE = _answers("127.0.0.1", 6379)
if REQUIRE_SERVICES and not (POSTGRES_AVAILABLE and REDIS_AVAILABLE):
    raise RuntimeError(
        "REQUIRE_SERVICES=1 but PostgreSQL (5432) or Redis (6379) does not answer"
    )

if "DATABASE_URL" not in os.environ and POSTGRES_AVAILABLE:
    DATABASES = {"default": env.db_url_config("postgres://postgres@127.0.0.1:5432/jmo")}
DATABASES["default"]["CONN_MAX_AGE"] = 0
# The API fuzz test imports jmo_portal.wsgi into the test process: its statement
# timeout would then hold for every connection of the session (the tests of the
# timeout run gunicorn on the deployed settings: tests/test_database_faults.py).
DB_STATEMENT_TIMEOUT_SECONDS = 0
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default=None)}

# Unit tests run tasks eagerly; the integration tests start a real worker and turn
# eager mode off (tests/conftest.py, celery_worker fixture).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = env.str(
    "TEST_CELERY_BROKER_URL",
    default="redis://127.0.0.1:6379/15" if REDIS_AVAILABLE else "memory://",
)

# Shared with the worker processes the tests start (policy versions, throttles).
CACHES = _caches(CELERY_BROKER_URL)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The worker started by the tests shares this folder through TEST_MEDIA_ROOT.
MEDIA_ROOT = env.str("TEST_MEDIA_ROOT", default="") or tempfile.mkdtemp(
    prefix="jmo-test-media-"
)
# The tests read phone codes from the console backend; a worker started by the SMS
# tests sends through the gateway simulator instead (TEST_SMS_BACKEND).
SMS_BACKEND = env.str("TEST_SMS_BACKEND", default="jmo_portal.sms.ConsoleSmsBackend")
LANGUAGE_CODE = "id"
STORAGES = {
    "default": {"BACKEND": "jmo_portal.storage.MediaStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
