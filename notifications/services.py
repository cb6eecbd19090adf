import datetime as dt

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import override

from jmo_portal.sms import sms_send
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

        # robust: a broker outage must not fail the caller's request; the row stays
        # undelivered and notification_sweep sends it later.
        transaction.on_commit(
            lambda: notification_deliver_task.delay(notification.pk), robust=True
        )
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
    if participant.email:
        send_mail(
            notification.title,
            notification.body,
            None,
            [participant.email],
        )
    if notification.channel == Notification.Channel.EMAIL_SMS and participant.phone:
        sms_send(phone=participant.phone, text=notification.title)
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
