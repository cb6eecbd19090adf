import datetime as dt

from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import override

from jmo_portal.dispatch import dispatch_on_commit
from participants.models import Participant

from .models import Notification

CLAIM_TIMEOUT = dt.timedelta(seconds=120)


def notification_send(
    *,
    participant: Participant,
    key: str,
    kind: str,
    title: str,
    body: str,
    link: str = "",
    channel: str = Notification.Channel.EMAIL,
) -> Notification:
    """Create the in-app notification once per `key` and deliver it after commit.

    `title` and `body` may be lazy translations: they are rendered in the
    participant's language.
    """
    with override(participant.language or "id"):
        notification, created = Notification.objects.get_or_create(
            key=key,
            defaults={
                "participant": participant,
                "kind": kind,
                "title": str(title),
                "body": str(body),
                "link": link,
                "channel": channel,
            },
        )
    if created and channel != Notification.Channel.INBOX:
        from .tasks import notification_deliver as notification_deliver_task

        # A broker outage leaves the row undelivered for notification_sweep.
        dispatch_on_commit(notification_deliver_task, notification.pk)
    return notification


def notification_deliver(*, notification_id: int) -> bool:
    """Send email (and SMS) once; safe to run twice: claims the row first.

    A claim older than CLAIM_SECONDS belongs to a worker that died mid-send, so
    the sweep may take it over (at worst one repeated email, never a lost one).
    """
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, delivered_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .update(claimed_at=now, delivery_attempts=F("delivery_attempts") + 1)
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("participant").get(
        pk=notification_id
    )
    participant = notification.participant
    # The member's choice of channels; an event may also ask for SMS itself.
    # The SMS is queued first (once per reference): a mail server that refuses
    # fails this delivery for the sweep to retry, and must not hold the SMS back.
    wants_sms = participant.notify_sms or (
        notification.channel == Notification.Channel.EMAIL_SMS
    )
    if wants_sms and participant.phone:
        from .sms import sms_queue

        sms_queue(
            participant=participant,
            reference=f"notification-{notification.pk}",
            text=f"{notification.title}. {notification.body}",
        )
    if participant.email and participant.notify_email:
        send_mail(
            notification.title,
            notification.body,
            None,
            [participant.email],
        )
    Notification.objects.filter(pk=notification_id).update(delivered_at=timezone.now())
    return True


def notification_mark_read(*, participant: Participant, notification_id: int) -> None:
    Notification.objects.filter(
        pk=notification_id, participant=participant, read_at__isnull=True
    ).update(read_at=timezone.now())


def notifications_undelivered() -> list[int]:
    cutoff = timezone.now() - CLAIM_TIMEOUT
    return list(
        Notification.objects.filter(delivered_at__isnull=True, created_at__lt=cutoff)
        .exclude(channel=Notification.Channel.INBOX)
        .filter(delivery_attempts__lt=10)
        .values_list("pk", flat=True)[:500]
    )
