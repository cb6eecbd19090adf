from celery import shared_task
from django.conf import settings

from jmo_portal.sms import SmsTransientError


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


@shared_task(
    acks_late=True,
    autoretry_for=(SmsTransientError,),
    retry_backoff=5,
    max_retries=5,
)
def sms_deliver(sms_id: int) -> str:
    """Send one SMS; a gateway that does not answer is tried again (then the sweep)."""
    from .sms import sms_deliver

    return sms_deliver(sms_id=sms_id).status


@shared_task(acks_late=True)
def sms_poll(sms_id: int) -> str:
    from .sms import sms_poll

    return sms_poll(sms_id=sms_id).status


@shared_task
def sms_sweep() -> dict:
    """Re-send queued SMS whose message was lost; poll the ones never reported."""
    from .sms import sms_sweep

    return sms_sweep(stale_seconds=settings.SWEEP_SECONDS)
