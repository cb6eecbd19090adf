import pytest
from django.conf import settings
from django.urls import reverse

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


def test_a_wrong_password_gets_a_clear_error(client, participant_user):
    response = client.post(
        LOGIN, {"username": participant_user.email, "password": "salah"}
    )

    assert response.status_code == 200
    assert "The email or password is wrong." in response.content.decode()
    assert not response.context["user"].is_authenticated
