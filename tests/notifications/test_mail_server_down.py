"""A notification while the mail server refuses connections: the SMS the member
chose still goes (before, the failed email stopped the delivery before the SMS
was queued, for every try), and the email is tried again by the sweep."""

import datetime as dt
import socket

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications.models import SmsMessage
from notifications.services import (
    notification_deliver,
    notification_send,
    notifications_undelivered,
)
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_sms_goes_while_the_mail_server_is_down_and_the_email_follows(
    settings, django_capture_on_commit_callbacks
):
    participant = ParticipantFactory(phone="081234560077", notify_sms=True)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
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
