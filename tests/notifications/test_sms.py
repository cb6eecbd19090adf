"""SMS through the gateway simulator over HTTP: channels chosen on the profile page,
delivery reports by callback to a live portal, and the faults the sweep repairs."""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from claims import services as claims
from jmo_portal.processes import Worker
from jmo_portal.sms import SmsTransientError
from notifications.models import Notification, SmsMessage
from notifications.sms import sms_deliver, sms_queue, sms_report, sms_sweep
from notifications.sms_simulator import DEFAULT_FLAGS, UNREACHABLE
from tests.claims.helpers import make_participant, ready_claim
from tests.conftest import require_services, wait_for, worker_env
from tests.factories import ParticipantFactory, UserFactory

S = SmsMessage.Status


@pytest.fixture
def gateway(sms_simulator, settings):
    """The portal sends SMS through the simulator; reports come at once."""
    settings.SMS_BACKEND = "jmo_portal.sms.HttpSmsBackend"
    settings.SMS_API_URL = sms_simulator.url
    sms_simulator.flags(**{**DEFAULT_FLAGS, "deliver_delay_ms": 0})
    return sms_simulator


def _choose(participant, **channels) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(participant.user)
    data = {name: "on" for name, on in channels.items() if on}
    response = client.post("/profile/channels/", data, follow=True)
    assert response.status_code == 200
    return response


def _sent(gateway, reference: str) -> list[dict]:
    return [m for m in gateway.messages() if m["reference"] == reference]


@pytest.mark.django_db(transaction=True)
def test_claim_news_reaches_a_member_by_sms_with_its_delivery_report(
    live_server, gateway, bank, settings
):
    settings.SITE_URL = live_server.url  # the gateway reports to this portal
    participant = make_participant(balance=9_000_000, phone="081234560001")
    page = _choose(participant, email=False, sms=True)
    assert "Your notification channels are saved." in page.content.decode()
    claims.claim_submit(claim=ready_claim(participant))  # paid at once (online)

    kinds = ["claim_submitted", "claim_approved", "claim_paid"]
    for kind in kinds:
        notification = Notification.objects.get(participant=participant, kind=kind)
        reference = f"notification-{notification.pk}"
        # The gateway's report reached the portal (answered 2xx), and took effect.
        wait_for(
            lambda r=reference: (
                [m["report_state"] for m in _sent(gateway, r)] == ["sent"]
            ),
            timeout=15,
        )
        assert SmsMessage.objects.get(reference=reference).status == S.DELIVERED
        [sent] = _sent(gateway, reference)
        assert sent["recipient"] == "081234560001"
        assert notification.title in sent["text"]
    assert mail.outbox == []  # email switched off; the inbox still has all three
    assert participant.notifications.count() >= 3


@pytest.fixture
def sms_worker(gateway, bank, live_server, settings):
    """A real Celery worker on Redis that sends SMS through the simulator."""
    require_services(postgres=True, redis=True)
    from jmo_portal.celery import app

    settings.SITE_URL = live_server.url  # the gateway reports to this portal
    app.control.purge()
    env = worker_env(
        BANK_API_URL=settings.BANK_API_URL, SITE_URL=live_server.url,
        TEST_SMS_BACKEND="jmo_portal.sms.HttpSmsBackend", SMS_API_URL=gateway.url,
    )  # fmt: skip
    worker = Worker(env, Path(settings.MEDIA_ROOT) / f"worker-{time.time_ns()}.log")
    worker.start()
    app.conf.task_always_eager = False
    try:
        yield worker.proc
    finally:
        app.conf.task_always_eager = True
        worker.stop()


def test_a_worker_texts_a_paid_claim_and_the_report_comes_back(sms_worker, gateway):
    participant = make_participant(balance=7_000_000, phone="081234560009")
    _choose(participant, email=True, sms=True)
    claims.claim_submit(claim=ready_claim(participant))

    def reported() -> bool:
        sent = [m for m in gateway.messages() if m["recipient"] == "081234560009"]
        return len(sent) == 3 and {m["report_state"] for m in sent} == {"sent"}

    wait_for(reported, timeout=60, interval=0.5)  # three SMS, three reports taken
    sms = SmsMessage.objects.filter(participant=participant)
    assert sorted(sms.values_list("status", flat=True)) == [S.DELIVERED] * 3


@pytest.mark.django_db
def test_a_silent_gateway_and_a_lost_report_are_repaired_by_the_sweep(
    gateway, django_capture_on_commit_callbacks, settings
):
    settings.SMS_TIMEOUT = 0.5
    gateway.flags(
        timeout_next=1, timeout_seconds=2, drop_reports=1, deliver_delay_ms=1500
    )
    participant = make_participant(phone="081234560002")
    with django_capture_on_commit_callbacks(execute=False):  # the test drives it
        message = sms_queue(participant=participant, reference="fault-1", text="Hai")
    with pytest.raises(SmsTransientError):
        sms_deliver(sms_id=message.pk)  # recorded there, but the answer was late
    message.refresh_from_db()
    assert message.status == S.QUEUED and message.attempts == 1

    assert sms_sweep(stale_seconds=0)["send"] == 1  # sent again, same key
    message.refresh_from_db()
    assert message.status == S.ACCEPTED
    assert len(_sent(gateway, "fault-1")) == 1  # one SMS, not two

    wait_for(lambda: _sent(gateway, "fault-1")[0]["status"] == "DELIVERED")
    assert sms_sweep(stale_seconds=0)["poll"] == 1  # no report came: ask
    message.refresh_from_db()
    assert message.status == S.DELIVERED and message.reported_at is not None


@pytest.mark.django_db
def test_a_busy_gateway_is_tried_again_and_an_unreachable_phone_fails(gateway):
    gateway.flags(error_next=1)
    participant = make_participant(phone=UNREACHABLE)
    message = sms_queue(participant=participant, reference="fault-2", text="Hai")
    with pytest.raises(SmsTransientError):  # 503: nothing recorded there
        sms_deliver(sms_id=message.pk)
    assert _sent(gateway, "fault-2") == []
    sms_sweep(stale_seconds=0)
    wait_for(lambda: _sent(gateway, "fault-2")[0]["status"] == "FAILED")
    sms_sweep(stale_seconds=0)  # the report went nowhere (no live portal): poll
    message.refresh_from_db()
    assert message.status == S.FAILED and message.error_code == "ABSENT_SUBSCRIBER"


@pytest.mark.django_db
def test_the_report_endpoint_wants_the_token_and_knows_its_messages(
    client, django_capture_on_commit_callbacks
):
    participant = make_participant(phone="081234560003")
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_queue(participant=participant, reference="r-1", text="Hai")
    message.refresh_from_db()
    assert message.status == S.DELIVERED  # the console backend reports at once
    url = "/notifications/sms/report/"
    body = {"reference": "r-1", "status": "FAILED", "error_code": "X"}
    assert client.post(url, body, content_type="application/json").status_code == 403
    headers = {"X-Callback-Token": settings.SMS_CALLBACK_TOKEN}
    unknown = {**body, "reference": "nope"}
    assert (
        client.post(url, unknown, content_type="application/json", headers=headers)
    ).status_code == 404
    repeat = client.post(url, body, content_type="application/json", headers=headers)
    assert repeat.status_code == 204
    message.refresh_from_db()
    assert message.status == S.DELIVERED  # the first final status wins
    assert sms_report(reference="r-1", status="DELIVERED") == message


@pytest.mark.django_db
def test_sms_needs_a_phone_and_the_inbox_is_always_on():
    participant = ParticipantFactory(phone="")
    participant.user = UserFactory(username=participant.email)
    participant.save()
    page = _choose(participant, email=True, sms=True)
    assert "Add your mobile number" in page.content.decode()
    participant.refresh_from_db()
    assert (participant.notify_email, participant.notify_sms) == (True, False)
    _choose(participant, email=False, sms=False)
    participant.refresh_from_db()
    assert (participant.notify_email, participant.notify_sms) == (False, False)
    assert "checked disabled> In the portal" in (_choose(participant).content.decode())


@pytest.mark.django_db
def test_an_sms_is_queued_once_after_commit_and_a_second_send_is_harmless(
    gateway, django_capture_on_commit_callbacks
):
    participant = make_participant(phone="081234560004")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = sms_queue(participant=participant, reference="once-1", text="Hai")
        again = sms_queue(participant=participant, reference="once-1", text="Hai")
    assert first.pk == again.pk and len(callbacks) == 1
    assert _sent(gateway, "once-1") == []  # nothing leaves before the commit
    callbacks[0]()
    sms_deliver(sms_id=first.pk)  # a redelivered task message
    first.refresh_from_db()
    assert first.status in (S.ACCEPTED, S.DELIVERED) and first.attempts == 1
    assert len(_sent(gateway, "once-1")) == 1
