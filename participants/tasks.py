"""Thin Celery wrappers around participants.services (ids in, services do the work)."""

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True)
def yield_post_previous_year() -> int:
    """Beat, 1 January: credit last year's yield (safe to run twice: once per member)."""
    from .services.registry import yield_post_year

    return yield_post_year(year=timezone.localdate().year - 1).credited
