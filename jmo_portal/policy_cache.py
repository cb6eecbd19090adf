"""Policy rows read once per process, seen again after an admin saves one.

Each process keeps the policy values it has read, together with the version
they were read under. The version lives in the shared cache (Redis in the
deployed stack: every web process and worker reads the same key) and every
save of a policy row sets a new one, so the next read in any process loads the
row again. A read costs no query; inside a request the version is fetched from
the cache once (at the first policy read), outside a request (tasks, commands)
at every read.

A save inside a transaction that is later rolled back must leave nothing
behind: while the transaction that saved a policy is open, this thread reads
policy rows from the database and keeps nothing; its commit sets a new version
again, for the processes that read the old row meanwhile. When the cache does
not answer, policies are read from the database (slower, never stale), and the
process leaves the cache alone for CACHE_RETRY_SECONDS: a Redis that hangs (stopped,
a network black hole) cost every request the socket timeout before. A version
that could not be written is written at the first read that reaches the cache
again, so no process keeps what it read before the outage.
"""

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection, transaction

VERSION_KEY = "policy:version"
CACHE_RETRY_SECONDS = 10.0

log = logging.getLogger(__name__)
# Process-wide: {key: (version, value)}.
_memo: dict[str, tuple[str, Any]] = {}
# Process-wide: until when the cache is left alone after a failure, and whether
# a new version is still to be written.
_health = {"down_until": 0.0, "bump_pending": False}
# Per thread: whether a request is running, the version it read, and the outer
# transaction that saved a policy row (while it is open, nothing is kept).
_local = threading.local()


def _request_started(**_kwargs) -> None:
    _local.in_request = True
    _local.version = None


def _request_finished(**_kwargs) -> None:
    _local.in_request = False
    _local.version = None


request_started.connect(_request_started, dispatch_uid="policy_cache_started")
request_finished.connect(_request_finished, dispatch_uid="policy_cache_finished")


def _cache_failed(what: str) -> None:
    """Leave the cache alone for a while; forget what was read under its versions."""
    _health["down_until"] = time.monotonic() + CACHE_RETRY_SECONDS
    _memo.clear()
    log.warning("policy cache: %s; reading the database", what, exc_info=True)


def _new_version() -> None:
    _local.version = None
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
        _health["bump_pending"] = False
        return
    except Exception:
        _cache_failed("could not set a new version")
    # A Redis out of memory refuses the write but still serves the old version,
    # so the other processes would keep the old policy: delete it (Redis allows a
    # DEL then), and they read the database until a version can be written.
    try:
        cache.delete(VERSION_KEY)
    except Exception:  # unreachable: write the version once it answers again
        _health["bump_pending"] = True


def _version() -> str | None:
    """The current version, or None when the cache does not answer."""
    in_request = getattr(_local, "in_request", False)
    if in_request and getattr(_local, "version", None):
        return _local.version
    if time.monotonic() < _health["down_until"]:
        return None
    try:
        if _health["bump_pending"]:
            cache.set(VERSION_KEY, uuid.uuid4().hex, None)
            _health["bump_pending"] = False
        version = cache.get(VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(VERSION_KEY, version, None):
                version = cache.get(VERSION_KEY)
    except Exception:
        _cache_failed("no version")
        return None
    if in_request:
        _local.version = version
    return version


def _saving_transaction_open() -> bool:
    block = getattr(_local, "saved_in", None)
    if block is None:
        return False
    blocks = connection.atomic_blocks
    if blocks and blocks[0] is block:
        return True
    _local.saved_in = None  # committed or rolled back since
    return False


def policy_read(key: str, load: Callable[[], Any]) -> Any:
    """`load()` once per process and policy version; callers must not mutate it."""
    if _saving_transaction_open():
        return load()
    version = _version()
    if version is None:
        return load()
    hit = _memo.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = load()
    _memo[key] = (version, value)
    return value


def policy_changed() -> None:
    """Called by every save of a policy row: all processes read policies again."""
    _memo.clear()
    _new_version()
    if connection.in_atomic_block and connection.atomic_blocks:
        _local.saved_in = connection.atomic_blocks[0]
        transaction.on_commit(_new_version)


def check_shared_cache(app_configs=None, **kwargs) -> list:
    """System check: with tasks on a broker (several processes), the policy
    version needs a cache every process shares."""
    from django.conf import settings
    from django.core import checks

    backend = settings.CACHES["default"]["BACKEND"]
    several = not settings.CELERY_TASK_ALWAYS_EAGER or not settings.DEBUG
    if several and backend.endswith(("LocMemCache", "DummyCache")):
        return [
            checks.Warning(
                "The cache is process memory: a policy saved in one process is "
                "not seen by the others until they restart.",
                hint="Set CACHE_URL to a Redis shared by every web process and "
                "worker (or CELERY_BROKER_URL to Redis, which the cache then uses).",
                id="jmo.W001",
            )
        ]
    return []
