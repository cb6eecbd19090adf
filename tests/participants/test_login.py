import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

LOGIN = reverse("participants:login")
pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_login_page_links_to_activation_and_password_reset(client):
    page = client.get(LOGIN).content.decode()

    assert 'type="email" name="username"' in page and 'class="card"' in page
    assert reverse("participants:activate") in page
    assert reverse("participants:password_reset") in page


def test_a_participant_logs_in_with_the_email_in_any_case(client, participant_user):
    response = client.post(
        LOGIN,
        {"username": participant_user.email.upper(), "password": "Rahasia-123"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("participants:dashboard")
    assert response.context["user"] == participant_user
    # The app's token login takes it the same way.
    token = APIClient().post(
        "/api/v1/auth/token/",
        {"username": participant_user.email.upper(), "password": "Rahasia-123"},
        format="json",
    )
    assert token.status_code == 200 and token.json()["token"]


def test_a_wrong_password_gets_a_clear_error(client, participant_user):
    response = client.post(
        LOGIN, {"username": participant_user.email, "password": "salah"}
    )

    assert response.status_code == 200
    assert "The email or password is wrong." in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_many_wrong_passwords_pause_the_login_for_a_while_not_for_good(
    client, participant_user
):
    import time_machine

    from participants.services.credentials import LIMITS

    LOGIN_MAX_FAILURES = LIMITS["password"].per_account
    LOGIN_PAUSE_SECONDS = LIMITS["password"].cool_off_seconds

    wrong = {"username": participant_user.email, "password": "salah"}
    right = {"username": participant_user.email.upper(), "password": "Rahasia-123"}
    with time_machine.travel("2026-12-01 09:00", tick=False) as clock:
        for _ in range(LOGIN_MAX_FAILURES):
            client.post(LOGIN, wrong)
        paused = client.post(LOGIN, right)  # even the right password waits
        assert paused.status_code == 200
        assert "Too many wrong passwords for this account" in paused.content.decode()
        assert reverse("participants:password_reset") in paused.content.decode()
        assert "_auth_user_id" not in client.session

        clock.shift(LOGIN_PAUSE_SECONDS + 1)
        response = client.post(LOGIN, right)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(participant_user.pk)


def test_a_successful_login_clears_the_count(client, participant_user):
    from participants.services.credentials import LIMITS

    LOGIN_MAX_FAILURES = LIMITS["password"].per_account

    wrong = {"username": participant_user.email, "password": "salah"}
    right = {"username": participant_user.email, "password": "Rahasia-123"}
    for _ in range(LOGIN_MAX_FAILURES - 1):
        client.post(LOGIN, wrong)
    assert client.post(LOGIN, right).status_code == 302
    client.logout()
    for _ in range(LOGIN_MAX_FAILURES - 1):
        client.post(LOGIN, wrong)
    assert client.post(LOGIN, right).status_code == 302
