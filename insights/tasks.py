import datetime as dt

from celery import shared_task
from django.utils import timezone

from jmo_portal.dispatch import BATCH_BUDGET_SECONDS, batch_limits, dispatch


@shared_task(acks_late=True, **batch_limits())
def insights_rollup_pending() -> int:
    """Nightly: roll up the days not built yet (safe to run twice: days rebuild
    whole). A first build or a catch-up after nights without beat outlasts one
    run's budget: the task queues itself again while days are left (a lost
    message: the next night goes on). Returns the days built."""
    from .rollup import insights_rollup_pending as rollup

    today = timezone.localdate()
    built = rollup(today=today, budget_seconds=BATCH_BUDGET_SECONDS)
    if built and built[-1] < today - dt.timedelta(days=1):
        dispatch(insights_rollup_pending)
    return len(built)
