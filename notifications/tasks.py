from celery import shared_task


@shared_task(acks_late=True)
def notification_deliver(notification_id: int) -> bool:
    from .services import notification_deliver

    return notification_deliver(notification_id=notification_id)


@shared_task
def notification_sweep() -> int:
    """Re-dispatch notifications whose delivery message was lost."""
    from .services import notifications_undelivered

    ids = notifications_undelivered()
    for pk in ids:
        notification_deliver.delay(pk)
    return len(ids)
