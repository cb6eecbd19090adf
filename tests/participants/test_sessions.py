"""API tokens expire, "log out everywhere" ends tokens and page sessions, staff idle out."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import staff_login

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"


def _token(user) -> str:
    response = APIClient().post(
        TOKEN, {"username": user.username, "password": "Rahasia-123"}
    )
    assert response.status_code == 200
    return response.json()["token"]


def _api(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_an_api_token_expires_and_a_new_login_issues_a_new_one(participant_user):
    ttl = dt.timedelta(seconds=settings.API_TOKEN_TTL_SECONDS)
    with time_machine.travel("2026-12-01 09:00", tick=False) as clock:
        token = _token(participant_user)
        assert _api(token).get("/api/v1/me/").status_code == 200

        clock.shift(ttl + dt.timedelta(seconds=1))
        expired = _api(token).get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
        assert expired.status_code == 401
        assert expired.json()["detail"] == "Your session has expired. Log in again."

        fresh = _token(participant_user)
    assert fresh != token
    with time_machine.travel("2026-12-02 09:01", tick=False):
        assert _api(fresh).get("/api/v1/me/").status_code == 200


def test_logout_everywhere_through_the_api_ends_tokens_and_page_sessions(
    participant_user,
):
    phone, laptop = Client(), Client()
    for browser in (phone, laptop):
        browser.post(
            reverse("participants:login"),
            {"username": participant_user.username, "password": "Rahasia-123"},
        )
        assert browser.get(reverse("participants:dashboard")).status_code == 200
    token = _token(participant_user)

    response = _api(token).post("/api/v1/auth/logout-everywhere/")

    assert response.status_code == 200 and response.json()["ended"] == 3
    assert _api(token).get("/api/v1/me/").status_code == 401
    for browser in (phone, laptop):
        assert browser.get(reverse("participants:dashboard")).status_code == 302


def test_logout_everywhere_from_a_page(participant_user):
    other = Client()
    other.force_login(participant_user)
    browser = Client()
    browser.post(
        reverse("participants:login"),
        {"username": participant_user.username, "password": "Rahasia-123"},
    )
    token = _token(participant_user)

    response = browser.post(reverse("participants:logout_everywhere"))

    assert response.status_code == 302
    assert _api(token).get("/api/v1/me/").status_code == 401
    assert browser.get(reverse("participants:dashboard")).status_code == 302


def test_staff_sessions_end_after_fifteen_idle_minutes(front_office_user):
    desk = Client()
    with time_machine.travel("2026-12-01 09:00", tick=False) as clock:
        staff_login(front_office_user, desk)
        assert desk.get(reverse("frontoffice:index")).status_code == 200
        clock.shift(dt.timedelta(minutes=14))
        assert desk.get(reverse("frontoffice:index")).status_code == 200  # slides
        clock.shift(dt.timedelta(minutes=14))
        assert desk.get(reverse("frontoffice:index")).status_code == 200
        clock.shift(dt.timedelta(minutes=15, seconds=1))
        assert desk.get(reverse("frontoffice:index")).status_code == 302


def test_a_participant_session_does_not_idle_out_after_fifteen_minutes(
    participant_user,
):
    browser = Client()
    with time_machine.travel("2026-12-01 09:00", tick=False) as clock:
        browser.post(
            reverse("participants:login"),
            {"username": participant_user.username, "password": "Rahasia-123"},
        )
        clock.shift(dt.timedelta(minutes=30))
        assert browser.get(reverse("participants:dashboard")).status_code == 200
