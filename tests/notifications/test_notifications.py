import pytest
from django.core import mail

from notifications.models import Notification
from notifications.services import notification_deliver, notification_send
from tests.conftest import wait_for
from tests.factories import ParticipantFactory


@pytest.mark.django_db
def test_a_notification_is_created_once_and_emailed_after_commit(
    django_capture_on_commit_callbacks,
):
    participant = ParticipantFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = notification_send(
            participant=participant, key="k1", kind="test", title="Halo", body="Isi"
        )
        second = notification_send(
            participant=participant, key="k1", kind="test", title="Halo", body="Isi"
        )
    assert first.pk == second.pk
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [participant.email]
    # A retried delivery sends nothing more.
    assert notification_deliver(notification_id=first.pk) is False
    assert len(mail.outbox) == 1


def test_a_real_worker_delivers_a_notification(celery_worker):
    participant = ParticipantFactory()
    notification = notification_send(
        participant=participant, key="worker-1", kind="test", title="Halo", body="Isi"
    )

    def delivered():
        return Notification.objects.filter(
            pk=notification.pk, delivered_at__isnull=False
        ).exists()

    assert wait_for(delivered, timeout=30)
