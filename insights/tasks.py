import datetime as dt

from celery import shared_task
from django.utils import timezone

# A catch-up after days without the nightly run, or the first build of the
# history, outlasts the worker's default time limits (60/90 s). The task gives
# itself BUDGET_SECONDS of passes (one up to CATCH_UP_DAYS days, ~15 s) and queues
# itself again for the rest; its limits stay under the broker's visibility timeout
# (300 s), past which Redis would hand the unacknowledged task to another worker.
BUDGET_SECONDS = 120
SOFT_TIME_LIMIT = 240
TIME_LIMIT = 270


@shared_task(acks_late=True, soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT)
def insights_rollup_pending() -> int:
    """Nightly: roll up the days not built yet (safe to run twice: days rebuild
    whole); queues itself again while days are left. Returns the days built."""
    from jmo_portal.dispatch import dispatch

    from .rollup import insights_rollup_pending as rollup

    today = timezone.localdate()
    built = rollup(today=today, budget_seconds=BUDGET_SECONDS)
    if built and built[-1] < today - dt.timedelta(days=1):
        dispatch(insights_rollup_pending)  # lost: the next night goes on
    return len(built)
