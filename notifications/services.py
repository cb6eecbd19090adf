import datetime as dt
import smtplib

from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import override

from jmo_portal.dispatch import dispatch_on_commit
from participants.models import Participant

from .models import Notification

CLAIM_TIMEOUT = dt.timedelta(seconds=120)
# A short outage is tried again every sweep; a long one (a mail server down for
# hours) every RETRY_LATER, for two days, before the row is given up.
QUICK_TRIES = 10
RETRY_LATER = dt.timedelta(minutes=30)
MAX_TRIES = QUICK_TRIES + 96


class MailRefused(smtplib.SMTPException):
    """The mail server refused the recipient; unlike smtplib's error (and so the
    task's log line), it does not name the address. `permanent`: a 5xx answer to
    the recipient (no such mailbox, a bad address), which no retry will change."""

    def __init__(self, notification: Notification, code: int, *, permanent=False):
        again = "not tried again" if permanent else "tried again later"
        super().__init__(f"notification {notification.pk}: SMTP {code}, {again}")
        self.permanent = permanent


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
        _deliver_on_commit(notification)
    return notification


def contact_digest(value: str, *, length: int = 16) -> str:
    """A short keyed digest of an email address or phone number, for keys and
    references that must not hold it (a bare hash of a phone number is reversed
    by trying them all)."""
    return salted_hmac("notifications.contact", value).hexdigest()[:length]


def notification_email(
    *,
    email: str,
    key: str,
    kind: str,
    title: str,
    body: str,
    participant: Participant | None = None,
) -> Notification:
    """Email `email` once per `key` (and address), delivered like any notification.

    For an address that is not the participant's contact on file (the one it
    replaced, a staff member's); it is no inbox message. The stored key holds a
    digest of the address, not the address.
    """
    notification, created = Notification.objects.get_or_create(
        key=f"{key}:{contact_digest(email.strip().lower())}",
        defaults={"participant": participant, "email": email, "kind": kind,
                  "title": str(title)[:200], "body": str(body)},
    )  # fmt: skip
    if created:
        _deliver_on_commit(notification)
    return notification


def _deliver_on_commit(notification: Notification) -> None:
    from .tasks import notification_deliver as notification_deliver_task

    # A broker outage leaves the row undelivered for notification_sweep.
    dispatch_on_commit(notification_deliver_task, notification.pk)


def notification_deliver(*, notification_id: int) -> bool:
    """Send email (and SMS) once; safe to run twice: claims the row first.

    A claim older than CLAIM_TIMEOUT belongs to a worker that died mid-send, so
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
    try:
        if notification.email:
            _email(notification, notification.email)
        else:
            _participant_deliver(notification)
    except MailRefused as exc:
        if exc.permanent:  # the sweep leaves it; the inbox still holds it
            Notification.objects.filter(pk=notification_id).update(
                delivery_attempts=MAX_TRIES
            )
        raise
    Notification.objects.filter(pk=notification_id).update(delivered_at=timezone.now())
    return True


def _participant_deliver(notification: Notification) -> None:
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
        _email(notification, participant.email)


def _email(notification: Notification, address: str) -> None:
    try:
        send_mail(notification.title, notification.body, None, [address])
    except smtplib.SMTPRecipientsRefused as exc:
        code = next(iter(exc.recipients.values()))[0]
        raise MailRefused(notification, code, permanent=500 <= code < 600) from None
    except smtplib.SMTPResponseException as exc:  # its text may quote the address
        # A refused sender or login, or a message refused whole: the server's or
        # our configuration, which an operator mends; so tried again.
        raise MailRefused(notification, exc.smtp_code) from None


def notification_mark_read(*, participant: Participant, notification_id: int) -> None:
    Notification.objects.filter(
        pk=notification_id, participant=participant, read_at__isnull=True
    ).update(read_at=timezone.now())


def notifications_undelivered() -> list[int]:
    now = timezone.now()
    due = Q(delivery_attempts__lt=QUICK_TRIES) | Q(
        delivery_attempts__lt=MAX_TRIES, claimed_at__lt=now - RETRY_LATER
    )
    return list(
        Notification.objects.filter(
            delivered_at__isnull=True, created_at__lt=now - CLAIM_TIMEOUT
        )
        .exclude(channel=Notification.Channel.INBOX)
        .filter(due)
        .values_list("pk", flat=True)[:500]
    )
