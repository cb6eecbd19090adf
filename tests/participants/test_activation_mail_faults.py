"""The mail server refusing or hanging while an activation code is sent.

The member gets a clear message in their language at once (no 500, no page that
waits for ever), the request keeps the code it had (nothing half-saved: no code
that never left, no code used up from the hourly allowance), and the next try
goes through once the server is back.
"""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from participants.models import ActivationRequest
from tests.conftest import closed_port
from tests.factories import ParticipantFactory, nik_for
from tests.smtp_server import use_smtp

pytestmark = pytest.mark.django_db
START = reverse("participants:activate")
EMAIL = reverse("participants:activate_email")
CODE = reverse("participants:activate_code")
RESEND = reverse("participants:activate_code_resend")
NOT_SENT = "Email belum dapat dikirim saat ini"


@pytest.fixture
def member():
    born = dt.date(1990, 5, 2)
    return ParticipantFactory(
        full_name="Dewi Lestari", birth_date=born, gender="F",
        nik=nik_for(born, "F", 9), kpj="22345678901", email="dewi@example.id",
    )  # fmt: skip


@pytest.mark.parametrize("server", ["refusing", "hanging"])
def test_a_mail_server_down_gets_a_clear_message_and_changes_nothing(
    server, client, member, settings, request
):
    port = (
        closed_port()
        if server == "refusing"
        else request.getfixturevalue("silent_server")
    )
    data = {"nik": member.nik, "kpj": member.kpj, "full_name": member.full_name,
            "birth_date": member.birth_date.isoformat()}  # fmt: skip
    assert client.post(START, data).url == EMAIL
    use_smtp(settings, port)
    response = client.post(EMAIL, {"email": "dewi.baru@example.id"})
    assert NOT_SENT in response.content.decode()
    activation = ActivationRequest.objects.get(participant=member)
    assert (activation.email, activation.code_hash, activation.codes_sent) == (
        "dewi@example.id", "", 0,
    )  # fmt: skip
    assert client.get(CODE).url == EMAIL  # no code to type: none was sent

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert client.post(EMAIL, {"email": "dewi.baru@example.id"}).url == CODE
    first = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    use_smtp(settings, port)  # down again: "send a new code" keeps the first one
    response = client.post(RESEND, follow=True)
    assert NOT_SENT in response.content.decode()
    activation.refresh_from_db()
    assert activation.codes_sent == 1
    assert client.post(CODE, {"code": first}).status_code == 302
    activation.refresh_from_db()
    assert activation.email_verified_at is not None


def test_the_deployed_settings_give_the_mail_server_a_timeout():
    from jmo_portal import settings as deployed

    assert 0 < deployed.EMAIL_TIMEOUT <= 30


@pytest.mark.parametrize("server", ["refusing", "hanging"])
def test_a_password_reset_while_the_mail_server_is_down_says_so_to_everyone(
    server, client, settings, request
):
    """The same answer for a known and an unknown address (no 500 that tells
    which addresses have an account), and it says the email did not go."""
    from tests.factories import UserFactory

    port = (
        closed_port()
        if server == "refusing"
        else request.getfixturevalue("silent_server")
    )
    UserFactory(username="known@example.id", email="known@example.id")
    use_smtp(settings, port)
    reset = reverse("participants:password_reset")
    for address in ("known@example.id", "nobody@example.id"):
        response = client.post(reset, {"email": address})
        assert response.status_code == 200, address
        assert NOT_SENT in response.content.decode(), address


def test_a_password_reset_checks_and_mails_over_one_smtp_connection(
    client, smtp_server
):
    """Before, the check opened one connection and Django's form a second one."""
    from tests.factories import UserFactory

    UserFactory(username="known@example.id", email="known@example.id")
    reset = reverse("participants:password_reset")
    assert client.post(reset, {"email": "known@example.id"}).status_code == 302
    assert smtp_server.connections == 1
    [(to, message)] = smtp_server.messages
    assert to == ["known@example.id"] and "/password-reset/" in message.get_payload()
    assert client.post(reset, {"email": "nobody@example.id"}).status_code == 302
    assert (smtp_server.connections, len(smtp_server.messages)) == (2, 1)
