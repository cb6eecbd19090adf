"""The SMS gateway answering oddly or not at all.

A message is never failed for good by an answer that says nothing about it (a
wrong API key, a rate limit, a proxy's page, a broken body): the sweep sends it
again with the same key. A phone code asked for meanwhile gets a clear message.
"""

import re
import time

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from jmo_portal.sms import SmsTransientError
from notifications.models import SmsMessage
from notifications.sms import sms_deliver, sms_poll, sms_queue
from notifications.sms_simulator import DEFAULT_FLAGS
from participants.models import DataUpdate
from tests.conftest import closed_port
from tests.factories import ParticipantFactory
from tests.odd_gateway import ANSWERS

pytestmark = pytest.mark.django_db
S = SmsMessage.Status


@pytest.fixture
def http_sms(settings):
    settings.SMS_BACKEND = "jmo_portal.sms.HttpSmsBackend"
    settings.SMS_TIMEOUT = 0.5
    return settings


def test_no_odd_answer_fails_or_crashes_an_sms(http_sms, odd_gateway):
    http_sms.SMS_API_URL = odd_gateway.url
    participant = ParticipantFactory(phone="081234560009")
    message = sms_queue(participant=participant, reference="odd-1", text="Hai")
    for name in ANSWERS:
        odd_gateway.answer(name)
        with pytest.raises(SmsTransientError):
            sms_deliver(sms_id=message.pk)
        SmsMessage.objects.filter(pk=message.pk).update(status=S.ACCEPTED)
        with pytest.raises(SmsTransientError):
            sms_poll(sms_id=message.pk)
        SmsMessage.objects.filter(pk=message.pk).update(status=S.QUEUED)
        message.refresh_from_db()
        assert (message.status, message.error_code) == (S.QUEUED, ""), name


@pytest.mark.parametrize(
    ("headers", "proxy"),
    [(False, False), (True, False), (True, True)],
    ids=["body", "headers", "headers-through-a-proxy"],
)
def test_an_answer_dripped_a_byte_at_a_time_is_given_up_on(
    headers, proxy, http_sms, odd_gateway, monkeypatch
):
    """Each byte within the read timeout, the whole answer not within connect +
    read timeout: the SMS stays queued for the sweep (before, a dripped status
    line and headers held the worker as long as the gateway went on; through a
    proxy from the environment, 12 s)."""
    http_sms.SMS_API_URL = odd_gateway.url
    if proxy:  # the dripping server is the proxy; the gateway's name never resolves
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", odd_gateway.url)
        http_sms.SMS_API_URL = "http://sms-gateway.invalid"
    http_sms.SMS_TIMEOUT = 0.3
    odd_gateway.answer("a whole answer", drip=0.1, headers=headers)  # ~8 s
    participant = ParticipantFactory(phone="081234560011")
    message = sms_queue(participant=participant, reference="drip-1", text="Hai")
    started = time.monotonic()
    with pytest.raises(SmsTransientError, match="Timeout"):
        sms_deliver(sms_id=message.pk)
    assert time.monotonic() - started < 4.5  # connect 3.05 + read 0.3
    message.refresh_from_db()
    assert message.status == S.QUEUED


@pytest.mark.parametrize("gateway", ["down", "odd"])
def test_a_phone_code_asked_while_the_gateway_is_away_says_so_in_indonesian(
    gateway, http_sms, request
):
    from tests.claims.helpers import make_participant

    if gateway == "down":
        http_sms.SMS_API_URL = f"http://127.0.0.1:{closed_port()}"
    else:
        server = request.getfixturevalue("odd_gateway")
        server.answer("an HTML 200")
        http_sms.SMS_API_URL = server.url
    participant = make_participant(phone="081234560010")
    api = APIClient(HTTP_ACCEPT_LANGUAGE="id")
    api.force_authenticate(participant.user)
    response = api.post(reverse("participants_api:profile-phone-code"))
    assert response.status_code == 503, response.content
    assert response.json()["code"] == "sms_unavailable"
    assert "SMS belum dapat dikirim" in response.json()["detail"]


@pytest.mark.parametrize(
    ("token", "body", "status"),
    [("good", "[1, 2]", 400), ("tokén-ü", '{"reference": "x"}', 403)],
)
def test_an_odd_delivery_report_is_refused_not_a_server_error(
    client, settings, token, body, status
):
    token = settings.SMS_CALLBACK_TOKEN if token == "good" else token
    response = client.post(
        reverse("notifications:sms-report"), body, content_type="application/json",
        headers={"X-Callback-Token": token},
    )  # fmt: skip
    assert response.status_code == status


def test_a_phone_code_the_gateway_refused_costs_nothing_one_it_may_have_sent_counts(
    http_sms, sms_simulator
):
    """Refused (422) or the gateway not reached (nothing sent): the send is not
    counted and the earlier code still works. No answer in time after the gateway took it: the code may have
    arrived, so it counts and it works."""
    from tests.claims.helpers import make_participant

    http_sms.SMS_API_URL = sms_simulator.url
    sms_simulator.flags(**{**DEFAULT_FLAGS, "timeout_seconds": "1"})
    participant = make_participant(phone="081234560021")
    api = APIClient(HTTP_ACCEPT_LANGUAGE="id")
    api.force_authenticate(participant.user)
    send = reverse("participants_api:profile-phone-code")
    verify = reverse("participants_api:profile-phone-verify")

    def codes() -> list[str]:
        return [
            re.search(r"\b(\d{6})\b", m["text"]).group(1)
            for m in sms_simulator.messages()
            if m["recipient"] == participant.phone
        ]

    def codes_sent() -> int:
        return DataUpdate.objects.get(
            participant=participant, confirmed_at=None
        ).codes_sent

    assert api.post(send).status_code == 200
    sms_simulator.flags(refuse_next=1)
    refused = api.post(send)
    assert refused.status_code == 503 and refused.json()["code"] == "sms_unavailable"
    assert (codes_sent(), len(codes())) == (1, 1)  # not counted: nothing left
    http_sms.SMS_API_URL = f"http://127.0.0.1:{closed_port()}"  # gateway down
    down = api.post(send)
    assert down.status_code == 503 and down.json()["code"] == "sms_unavailable"
    assert codes_sent() == 1  # never reached it: not counted either
    http_sms.SMS_API_URL = sms_simulator.url
    assert api.post(verify, {"code": codes()[0]}).status_code == 200  # still good

    sms_simulator.flags(timeout_next=1)
    unknown = api.post(send)
    assert unknown.status_code == 503 and unknown.json()["code"] == "sms_unavailable"
    assert (codes_sent(), len(codes())) == (2, 2)  # it may have arrived: counted
    assert api.post(verify, {"code": codes()[1]}).status_code == 200
