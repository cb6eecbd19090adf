from celery import shared_task


@shared_task(acks_late=True)
def notification_deliver(notification_id: int) -> bool:
    from .services import notification_deliver

    return notification_deliver(notification_id=notification_id)


@shared_task
def notification_sweep() -> int:
    """Re-dispatch notifications whose delivery message was lost."""
    from jmo_portal import metrics
    from jmo_portal.dispatch import dispatch

    from .services import notifications_undelivered

    ids = notifications_undelivered()
    sent = sum(dispatch(notification_deliver, pk) for pk in ids)
    metrics.SWEEP_REDISPATCHES.labels(kind="notification").inc(sent)
    return len(ids)
