"""Staff alerts and the notice to a replaced email while the mail server is down.

Before, they were sent with send_mail on the spot: an outage dropped them (the
error was logged and forgotten). Now each is a notification row written with the
event and delivered by the notifications worker: delivered once the server is
back (by the beat sweep when the first try failed or its message was lost),
and only once.
"""

import datetime as dt
import logging

import pytest
from django.utils import timezone

from claims import tasks
from notifications import tasks as notification_tasks
from notifications.models import Notification
from participants.services.data_update import record_changes
from tests.claims.helpers import under_review
from tests.claims.test_bank_change import change
from tests.claims.test_delays import days_later
from tests.conftest import _staff_user, closed_port
from tests.smtp_server import SmtpServer, use_smtp

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_down(settings):
    """The portal's mail server refuses connections; `.back()` starts it."""
    port = closed_port()
    use_smtp(settings, port)
    servers = []

    class Outage:
        def back(self) -> SmtpServer:
            servers.append(SmtpServer(port))
            return servers[-1]

    yield Outage()
    for server in servers:
        server.stop()


def _sweep_later(time_machine, minutes: int = 3) -> None:
    """The beat sweep, `minutes` later (a notification is swept after 2 minutes)."""
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=minutes))
    notification_tasks.notification_sweep()


def test_a_supervisor_alert_waits_out_the_outage_and_is_emailed_once(
    bank, mail_down, time_machine, django_capture_on_commit_callbacks, caplog
):
    supervisor = _staff_user("supervisor", "admin")
    claim = under_review()
    days_later(time_machine, 10)
    with (
        caplog.at_level(logging.INFO),
        django_capture_on_commit_callbacks(execute=True),  # the first try fails
    ):
        assert tasks.claims_overdue_alert() == 1
    alert = Notification.objects.get(kind="supervisor_alert")
    assert alert.delivered_at is None and alert.delivery_attempts == 1

    server = mail_down.back()
    _sweep_later(time_machine)
    _sweep_later(time_machine)  # a second sweep sends nothing more
    assert tasks.claims_overdue_alert() == 0
    [alerted] = _to(server, supervisor.email)
    assert claim.reference in alerted["Subject"]
    assert supervisor.email not in caplog.text


def test_the_replaced_email_hears_of_a_bank_change_after_a_lost_message(
    bank, mail_down, time_machine, django_capture_on_commit_callbacks
):
    claim = under_review()
    participant = claim.participant
    old_email = participant.email
    record_changes(  # an email replaced last week, as the profile records it
        participant=participant, target=participant, actor=None, channel="online",
        values={"email": "dewi.baru@example.id"},
    )  # fmt: skip
    participant.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=False):  # the broker lost it
        assert change(claim).status_code == 200
    title = Notification.objects.get(kind="claim_bank_changed").title

    server = mail_down.back()
    _sweep_later(time_machine)
    _sweep_later(time_machine)
    [old] = _to(server, old_email)  # the one it replaced
    assert old["Subject"] == title
    new = [m["Subject"] for m in _to(server, "dewi.baru@example.id")]
    assert new.count(title) == 1  # the contact on file
    inbox = participant.notifications.filter(email="")
    assert inbox.filter(kind__startswith="claim_bank").count() == 1  # not per address


def _to(server: SmtpServer, address: str) -> list:
    return [message for to, message in server.messages if to == [address]]
