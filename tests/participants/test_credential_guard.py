"""One credential guard for every door where a secret is tried."""

import re
import threading

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from participants.models import CredentialCounter
from participants.services.credentials import LIMITS, credential_check
from tests.conftest import require_services, totp_code

LIMIT = LIMITS["password"].per_account
COOL_OFF = LIMITS["password"].cool_off_seconds
TOKEN = "/api/v1/auth/token/"


def _en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _login_door(path: str, user, password: str, address="10.0.0.1"):
    """Post one password (and for staff the TOTP code) to a page login form."""
    client = _en(Client(REMOTE_ADDR=address))
    data = {"username": user.username, "password": password}
    if user.is_staff:
        data["otp_token"] = totp_code(user)
    return client.post(path, data)


def _token(username: str, password: str, address="10.0.0.1"):
    client = APIClient(REMOTE_ADDR=address)
    return client.post(
        TOKEN, {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE="en"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "door", ["participants:login", "frontoffice:login", "admin:login", "api"]
)
def test_every_password_door_pauses_after_the_limit_even_for_the_right_password(
    door, participant_user, admin_user
):
    user = admin_user if door == "admin:login" else participant_user
    if door == "frontoffice:login":
        user = admin_user

    def attempt(password):
        if door == "api":
            return _token(user.username, password)
        return _login_door(reverse(door), user, password)

    with time_machine.travel("2026-12-01 09:00", tick=False) as clock:
        for _ in range(LIMIT):
            wrong = attempt("salah")
            assert wrong.status_code in (200, 400)
        paused = attempt("Rahasia-123")
        if door == "api":
            assert paused.status_code == 429
            body = paused.json()
            assert body["code"] == "throttled"
            assert 0 < body["retry_after"] <= COOL_OFF
            assert paused["Retry-After"] == str(body["retry_after"])
            assert "Too many wrong tries" in body["detail"]
        else:
            assert paused.status_code == 200
            assert (
                "Too many wrong passwords for this account" in paused.content.decode()
            )
            assert "_auth_user_id" not in paused.wsgi_request.session

        clock.shift(COOL_OFF + 1)
        right = attempt("Rahasia-123")
    assert right.status_code in (200, 302)
    if door == "api":
        assert right.json()["token"]
    else:
        assert right.wsgi_request.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_the_pause_message_is_indonesian_first(participant_user):
    for _ in range(LIMIT + 1):
        response = APIClient().post(
            TOKEN, {"username": participant_user.username, "password": "salah"}
        )
    assert response.status_code == 429
    assert "Terlalu banyak" in response.json()["detail"]


@pytest.mark.django_db
def test_one_address_guessing_many_accounts_is_paused_but_others_are_not(
    participant_user,
):
    per_address = LIMITS["password"].per_address
    for number in range(per_address):
        _token(f"nobody{number}@example.id", "salah", address="10.9.9.9")

    assert (
        _token(participant_user.username, "Rahasia-123", "10.9.9.9").status_code == 429
    )
    assert (
        _token(participant_user.username, "Rahasia-123", "10.1.1.1").status_code == 200
    )


@pytest.mark.django_db
def test_a_right_password_clears_the_account_count(participant_user):
    for _round in range(2):
        for _ in range(LIMIT - 1):
            _token(participant_user.username, "salah")
        assert _token(participant_user.username, "Rahasia-123").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_parallel_wrong_passwords_counts_exactly_up_to_the_limit(
    participant_user,
):
    require_services(postgres=True)
    tries = 2 * LIMIT
    barrier = threading.Barrier(tries)
    statuses: list[int] = []

    def guess():
        from django.db import connection

        client = APIClient(REMOTE_ADDR="10.2.2.2")
        barrier.wait()
        try:
            response = client.post(
                TOKEN, {"username": participant_user.username, "password": "salah"}
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [400] * LIMIT + [429] * LIMIT
    account = CredentialCounter.objects.get(kind="password", scope="account")
    assert account.failures == LIMIT


@pytest.fixture
def member(db):
    from tests.factories import ParticipantFactory

    return ParticipantFactory(email="siti@example.id")


def test_activation_codes_are_counted_per_member_across_new_codes(member):
    client = _en(Client(REMOTE_ADDR="10.3.3.3"))
    data = {
        "nik": member.nik,
        "kpj": member.kpj,
        "full_name": member.full_name,
        "birth_date": member.birth_date.isoformat(),
    }
    client.post(reverse("participants:activate"), data)
    client.post(reverse("participants:activate_email"), {"email": member.email})
    code_url = reverse("participants:activate_code")
    limit = LIMITS["activation_code"].per_account
    for number in range(limit):
        if number and number % 5 == 0:  # each code allows five tries
            client.post(reverse("participants:activate_code_resend"))
        code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
        client.post(code_url, {"code": f"{(int(code) + 1) % 1000000:06d}"})
    client.post(reverse("participants:activate_code_resend"))
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)

    page = client.post(code_url, {"code": code})

    assert "Too many wrong tries" in page.content.decode()
    assert page.wsgi_request.session.get("_auth_user_id") is None
    assert client.get(reverse("participants:activate_password")).url == code_url


@pytest.mark.django_db
def test_guessing_password_reset_links_gets_a_429_page(participant_user):
    uid = urlsafe_base64_encode(force_bytes(participant_user.pk))
    client = _en(Client(REMOTE_ADDR="10.4.4.4"))
    limit = LIMITS["password_reset"].per_account
    for number in range(limit):
        bad = reverse("participants:password_reset_confirm", args=[uid, f"x-{number}"])
        assert client.get(bad).status_code == 200  # "this link does not work"

    good = default_token_generator.make_token(participant_user)
    response = client.get(
        reverse("participants:password_reset_confirm", args=[uid, good])
    )

    assert response.status_code == 429
    assert "Too many wrong tries" in response.content.decode()


@pytest.mark.django_db
def test_credential_check_is_callable_for_other_secrets_such_as_a_phone_code():
    calls = []

    def wrong():
        calls.append(1)
        return False

    limit = LIMITS["phone_otp"].per_account
    for _ in range(limit):
        assert (
            credential_check(
                kind="phone_otp", account="42", address="10.5.5.5", verify=wrong
            )
            is False
        )
    from participants.services.credentials import CredentialThrottled

    with pytest.raises(CredentialThrottled) as raised:
        credential_check(
            kind="phone_otp", account="42", address="10.5.5.5", verify=wrong
        )
    assert len(calls) == limit and raised.value.status == 429


@pytest.mark.django_db
def test_phone_codes_of_the_data_update_go_through_the_guard(participant_user):
    from jmo_portal.exceptions import ApplicationError
    from jmo_portal.sms import ConsoleSmsBackend
    from participants.services.credentials import CredentialThrottled
    from participants.services.data_update import (
        data_update_phone_code_send,
        data_update_phone_verify,
        data_update_start,
    )

    member = participant_user.participant
    if not member.phone:
        member.phone = "081234567890"
        member.save(update_fields=["phone"])
    data_update_start(participant=member)
    limit = LIMITS["phone_otp"].per_account
    for number in range(limit):
        if number % 5 == 0:  # five tries a code
            data_update_phone_code_send(participant=member)
            sent = re.search(r"\b(\d{6})\b", ConsoleSmsBackend.sent[-1][1])
            wrong = f"{(int(sent.group(1)) + 1) % 1000000:06d}"
        with pytest.raises(ApplicationError):
            data_update_phone_verify(participant=member, code=wrong, address="10.6.6.6")
    data_update_phone_code_send(participant=member)
    code = re.search(r"\b(\d{6})\b", ConsoleSmsBackend.sent[-1][1]).group(1)

    with pytest.raises(CredentialThrottled):
        data_update_phone_verify(participant=member, code=code, address="10.6.6.6")
