"""Thin Celery wrappers around participants.services (ids in, services do the work)."""

from celery import shared_task
from django.utils import timezone

from jmo_portal.dispatch import BATCH_BUDGET_SECONDS, batch_limits, dispatch


@shared_task(acks_late=True, **batch_limits())
def yield_post_previous_year() -> int:
    """Beat, every day of January: credit last year's yield (safe to run again:
    once per member). A registry outlasts one run's budget: the task queues itself
    again while members are left; were that message lost, the next day goes on."""
    from .services.registry import yield_post_year

    run = yield_post_year(
        year=timezone.localdate().year - 1, budget_seconds=BATCH_BUDGET_SECONDS
    )
    if not run.finished:
        dispatch(yield_post_previous_year)
    return run.credited
