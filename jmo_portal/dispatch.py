"""The one way to queue work: after commit, and a broker error never fails the caller.

The database row is the truth and the Celery message only a hint. If the broker is
down when the message is sent (kombu OperationalError, a redis ConnectionError, a
refused socket), the error is logged and the row waits for its beat sweep, which
dispatches it again. Every app queues its tasks through these two functions.

A broker that hangs (accepts connections, never answers) costs each send the
broker timeout (settings.BROKER_TIMEOUT_SECONDS), and one request may send
several (a claim submission: the payout and two notifications). After a send
that timed out, the process leaves the broker alone for BROKER_RETRY_SECONDS:
one request waits, the others answer at once, and the sweeps send the work. A
refused connection fails at once and pauses nothing.
"""

import logging
import time
from functools import partial

from celery import Task
from django.conf import settings
from django.db import transaction
from kombu.exceptions import KombuError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What a publish raises when the broker is away: kombu wraps most of them in
# OperationalError; redis and socket errors can escape from the connection pool.
BROKER_ERRORS = (KombuError, RedisError, OSError)
BROKER_RETRY_SECONDS = 10.0
# Process-wide: until when sends are left to the sweeps after a timeout.
_health = {"paused_until": 0.0}


def dispatch(task: Task, *args, **kwargs) -> bool:
    """Send `task(*args, **kwargs)` now; False (logged) when the broker is away."""
    if time.monotonic() < _health["paused_until"]:
        _not_dispatched(task, args, "a timeout a moment ago")
        return False
    try:
        # retry=False: fail fast inside a request; the sweep is the retry.
        task.apply_async(args, kwargs, retry=False)
    except BROKER_ERRORS as exc:
        if _timed_out(exc):
            _health["paused_until"] = time.monotonic() + BROKER_RETRY_SECONDS
        _not_dispatched(task, args, exc.__class__.__name__)
        return False
    return True


def _timed_out(exc: BaseException | None) -> bool:
    """Whether a socket timeout is behind `exc` (kombu wraps it in its own error)."""
    for _ in range(10):  # a chain is short; never follow a cycle for ever
        if exc is None:
            return False
        if isinstance(exc, TimeoutError | RedisTimeoutError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _not_dispatched(task: Task, args: tuple, why: str) -> None:
    logger.warning(
        "%s%r not dispatched (broker error: %s); left for the sweep",
        task.name,
        args,
        why,
    )
    from jmo_portal import metrics

    metrics.DISPATCH_FAILURES.labels(task=task.name).inc()


# Batch tasks (the nightly insights rollup, the yearly yield, the selfie purge)
# work in committed steps for BATCH_BUDGET_SECONDS (Budget), then queue
# themselves again for the rest. Their time limits stay under the broker's visibility timeout, past which Redis hands
# an unacknowledged (acks_late) task to a second worker while the first still runs.
BATCH_BUDGET_SECONDS = 120


class Budget:
    """The time a batch run may take (None: no limit), from its creation."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds, self._began = seconds, time.monotonic()

    def spent(self) -> bool:
        elapsed = time.monotonic() - self._began
        return self.seconds is not None and elapsed >= self.seconds


def batch_limits() -> dict:
    """Celery time limits for a batch task: a step started at the budget's end
    still finishes, and the task is over before Redis would redeliver it."""
    visible = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    return {"soft_time_limit": visible - 60, "time_limit": visible - 30}


def dispatch_on_commit(task: Task, *args, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` once the current transaction commits."""
    transaction.on_commit(partial(dispatch, task, *args, **kwargs))
