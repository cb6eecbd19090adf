"""Staff two-factor authentication: desk, admin and API need password and code."""

import re
from base64 import b32decode

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from rest_framework.test import APIClient

from participants.services.credentials import LIMITS
from tests.conftest import STAFF_PASSWORD, staff_api, staff_login, totp_code

pytestmark = pytest.mark.django_db
DESK_LOGIN = reverse("frontoffice:login")


def _en() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _desk_login(client, user, code: str | None):
    data = {"username": user.username, "password": STAFF_PASSWORD}
    if code is not None:
        data["otp_token"] = code
    return client.post(DESK_LOGIN, data)


def test_the_desk_needs_the_code_after_the_password(front_office_user):
    client = _en()
    missing = _desk_login(client, front_office_user, None)
    assert missing.status_code == 200
    assert (
        "Enter the 6-digit code from your authenticator app."
        in missing.content.decode()
    )
    wrong = _desk_login(client, front_office_user, "000000")
    assert "The code is wrong." in wrong.content.decode()
    assert client.get("/desk/").status_code == 302

    right = _desk_login(client, front_office_user, totp_code(front_office_user))

    assert right.status_code == 302
    assert client.get("/desk/").status_code == 200


def test_a_staff_session_without_the_code_is_no_login_anywhere(
    front_office_user, admin_user
):
    # The participants' login page takes a password only.
    for user in (front_office_user, admin_user):
        client = Client()
        client.post(
            reverse("participants:login"),
            {"username": user.username, "password": STAFF_PASSWORD},
        )
        assert client.get("/desk/").url.startswith(DESK_LOGIN)
        assert client.get("/admin/").url.startswith("/admin/login/")
        assert client.get("/api/v1/desk/blocks/").status_code in (401, 403)
        assert client.get("/api/v1/policy/").status_code in (401, 403)


def test_the_admin_login_asks_for_the_code(admin_user):
    client = _en()
    page = client.get("/admin/login/").content.decode()
    assert 'name="otp_token"' in page
    data = {"username": admin_user.username, "password": STAFF_PASSWORD}
    refused = client.post("/admin/login/", {**data, "otp_token": "123"})
    assert client.get("/admin/").status_code == 302
    assert "The code is wrong." in refused.content.decode()

    client.post("/admin/login/", {**data, "otp_token": totp_code(admin_user)})

    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_works_once():
    out = _create_staff("rina")
    codes = re.search(r"recovery codes \(single use, shown once\): (.+)", out).group(1)
    code = codes.split()[0]
    from django.contrib.auth import get_user_model

    rina = get_user_model().objects.get(username="rina")
    first, second = _en(), _en()
    assert _desk_login(first, rina, code).status_code == 302
    assert _desk_login(second, rina, code).status_code == 200
    assert second.get("/desk/").status_code == 302


def test_staff_api_tokens_need_the_code(front_office_user):
    api = APIClient()
    body = {"username": front_office_user.username, "password": STAFF_PASSWORD}
    no_code = api.post("/api/v1/auth/token/", body, HTTP_ACCEPT_LANGUAGE="en")
    assert no_code.status_code == 400 and no_code.json()["code"] == "otp_required"
    wrong = api.post("/api/v1/auth/token/", {**body, "otp_token": "000000"})
    assert wrong.status_code == 400 and wrong.json()["code"] == "otp_wrong"

    assert staff_api(front_office_user).get("/api/v1/desk/blocks/").status_code == 200


def test_wrong_codes_are_counted_by_the_credential_guard(front_office_user):
    limit = LIMITS["staff_otp"].per_account
    api = APIClient()
    body = {"username": front_office_user.username, "password": STAFF_PASSWORD}
    for _ in range(limit):
        api.post("/api/v1/auth/token/", {**body, "otp_token": "000000"})

    paused = api.post(
        "/api/v1/auth/token/", {**body, "otp_token": totp_code(front_office_user)}
    )

    assert paused.status_code == 429 and paused.json()["code"] == "throttled"


def _create_staff(username: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(
        "create_staff", username, "--role", "front_office",
        "--password", STAFF_PASSWORD, stdout=out,
    )  # fmt: skip
    return out.getvalue()


def test_create_staff_prints_the_secret_that_the_app_uses():
    out = _create_staff("budi_desk")
    secret = re.search(r"authenticator secret \(shown once\): (\w+)", out).group(1)
    assert "otpauth://totp/" in out
    from django.contrib.auth import get_user_model

    budi = get_user_model().objects.get(username="budi_desk")
    client = Client()
    # The code an authenticator app computes from the printed secret.
    assert (
        _desk_login(client, budi, f"{totp(b32decode(secret)):06d}").status_code == 302
    )
    assert client.get("/desk/").status_code == 200


def test_the_idle_staff_fixture_logs_in_through_the_real_flow(front_office_user):
    client = staff_login(front_office_user)
    assert client.session.get("otp_device_id")
