"""A notification while the mail server refuses connections: the SMS the member
chose still goes (before, the failed email stopped the delivery before the SMS
was queued, for every try), and the email is tried again by the sweep, for as
long as an outage may last."""

import datetime as dt
import logging

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications.models import SmsMessage
from notifications.services import (
    QUICK_TRIES,
    notification_deliver,
    notification_email,
    notification_send,
    notifications_undelivered,
)
from notifications.tasks import notification_sweep
from tests.conftest import closed_port
from tests.factories import ParticipantFactory
from tests.smtp_server import SmtpServer, use_smtp

pytestmark = pytest.mark.django_db


def test_the_sms_goes_while_the_mail_server_is_down_and_the_email_follows(
    settings, django_capture_on_commit_callbacks
):
    participant = ParticipantFactory(phone="081234560077", notify_sms=True)
    use_smtp(settings, closed_port())
    with django_capture_on_commit_callbacks(execute=False):
        notification = notification_send(
            participant=participant, key="down-1", kind="test", title="Klaim",
            body="Dibayar",
        )  # fmt: skip
    with pytest.raises(OSError):  # the task fails; the row stays undelivered
        notification_deliver(notification_id=notification.pk)
    assert SmsMessage.objects.filter(participant=participant).count() == 1
    notification.refresh_from_db()
    assert notification.delivered_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        assert notification.pk in notifications_undelivered()  # the sweep's list
        assert notification_deliver(notification_id=notification.pk) is True
    assert [m.to for m in mail.outbox] == [[participant.email]]
    assert SmsMessage.objects.filter(participant=participant).count() == 1  # once


def test_an_email_to_an_address_outlasts_a_hung_worker_and_a_long_outage(
    settings, silent_server, time_machine, django_capture_on_commit_callbacks
):
    """A staff alert or a replaced contact's notice (`notification_email`): a try
    that hangs is not repeated while it may still be sending; an outage of hours
    is tried every half hour (before, the sweep gave up after 10 tries, about 20
    minutes); the server back, it is sent once."""
    with django_capture_on_commit_callbacks(execute=False):  # the message was lost
        notification = notification_email(
            email="staf@bpjs.example", key="alert-1", kind="officer_alert",
            title="[JMO Portal] Payout", body="Stopped",
        )  # fmt: skip
    use_smtp(settings, silent_server)  # no greeting: the worker waits, then fails
    with pytest.raises(OSError):
        notification_deliver(notification_id=notification.pk)
    assert notification_deliver(notification_id=notification.pk) is False  # claimed

    port = closed_port()
    use_smtp(settings, port)  # down for hours
    for _sweep in range(12):
        time_machine.move_to(timezone.now() + dt.timedelta(minutes=3))
        notification_sweep()
    notification.refresh_from_db()
    assert notification.delivery_attempts == QUICK_TRIES  # then every half hour
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=31))
    server = SmtpServer(port)
    try:
        notification_sweep()
        time_machine.move_to(timezone.now() + dt.timedelta(minutes=31))
        notification_sweep()
    finally:
        server.stop()
    assert [to for to, _message in server.messages] == [["staf@bpjs.example"]]
    notification.refresh_from_db()
    assert notification.delivered_at is not None
    assert notification.participant is None


def test_a_refused_recipient_is_not_named_in_the_log_nor_tried_again(
    smtp_server, caplog, time_machine
):
    """smtplib's SMTPRecipientsRefused holds the address; the task's failure line
    (Celery logs the exception) says only which notification and the SMTP code.
    A 5xx answer (no such mailbox) is final: two days of retries would change
    nothing and mark the portal as a sender of junk; a 4xx one is tried again."""
    from notifications.tasks import notification_deliver as deliver_task

    smtp_server.refused.add("bekas@example.id")
    smtp_server.busy.add("penuh@example.id")
    gone, busy = (
        notification_email(
            email=address, key="refused-1", kind="t", title="T", body="B"
        )
        for address in ("bekas@example.id", "penuh@example.id")
    )
    with caplog.at_level(logging.INFO):
        deliver_task.delay(gone.pk)
        deliver_task.delay(busy.pk)
    assert f"notification {gone.pk}: SMTP 550, not tried again" in caplog.text
    assert f"notification {busy.pk}: SMTP 450, tried again later" in caplog.text
    assert "bekas@" not in caplog.text and "penuh@" not in caplog.text
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=5))
    assert notifications_undelivered() == [busy.pk]
    smtp_server.busy.clear()
    notification_sweep()
    assert [to for to, _message in smtp_server.messages] == [["penuh@example.id"]]
    gone.refresh_from_db()
    busy.refresh_from_db()
    assert gone.delivered_at is None and busy.delivered_at is not None
