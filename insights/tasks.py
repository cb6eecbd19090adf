from celery import shared_task


@shared_task(acks_late=True)
def insights_rollup_pending() -> int:
    """Nightly: roll up every day not built yet (safe to run twice: days rebuild whole)."""
    from .rollup import insights_rollup_pending as rollup

    return len(rollup())
