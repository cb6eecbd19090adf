"""The one way to queue work: after commit, and a broker error never fails the caller.

The database row is the truth and the Celery message only a hint. If the broker is
down when the message is sent (kombu OperationalError, a redis ConnectionError, a
refused socket), the error is logged and the row waits for its beat sweep, which
dispatches it again. Every app queues its tasks through these two functions.
"""

import logging
from functools import partial

from celery import Task
from django.db import transaction
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a publish raises when the broker is away: kombu wraps most of them in
# OperationalError; redis and socket errors can escape from the connection pool.
BROKER_ERRORS = (KombuError, RedisError, OSError)


def dispatch(task: Task, *args, **kwargs) -> bool:
    """Send `task(*args, **kwargs)` now; False (logged) when the broker is away."""
    try:
        # retry=False: fail fast inside a request; the sweep is the retry.
        task.apply_async(args, kwargs, retry=False)
    except BROKER_ERRORS as exc:
        logger.warning(
            "%s%r not dispatched (broker error: %s); left for the sweep",
            task.name,
            args,
            exc.__class__.__name__,
        )
        from jmo_portal import metrics

        metrics.DISPATCH_FAILURES.labels(task=task.name).inc()
        return False
    return True


def dispatch_on_commit(task: Task, *args, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` once the current transaction commits."""
    transaction.on_commit(partial(dispatch, task, *args, **kwargs))
