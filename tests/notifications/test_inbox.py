import pytest

from notifications.models import Notification
from notifications.services import notification_send
from tests.conftest import staff_login

pytestmark = pytest.mark.django_db


def _note(user, key: str, link: str = "") -> Notification:
    return notification_send(
        participant=user.participant,
        key=key,
        kind="test",
        title=f"Judul {key}",
        body="Isi pesan",
        link=link,
        channel=Notification.Channel.INBOX,
    )


def test_the_inbox_lists_only_the_participants_own_messages(
    client, participant_user, other_participant_user
):
    _note(participant_user, "mine")
    _note(other_participant_user, "theirs")
    client.force_login(participant_user)
    html = client.get("/messages/").content.decode()
    assert "Judul mine" in html
    assert "Judul theirs" not in html


def test_opening_a_message_marks_it_read_and_follows_its_link(client, participant_user):
    note = _note(participant_user, "claim", link="/claims/")
    client.force_login(participant_user)
    response = client.post(f"/messages/{note.pk}/open/")
    assert response.status_code == 302 and response.url == "/claims/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_another_participants_message_is_a_404_and_stays_unread(
    client, participant_user, other_participant_user
):
    theirs = _note(other_participant_user, "theirs")
    client.force_login(participant_user)
    assert client.post(f"/messages/{theirs.pk}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_link_to_another_site_is_never_followed(client, participant_user):
    note = _note(participant_user, "forged", link="https://evil.example/login")
    client.force_login(participant_user)
    response = client.post(f"/messages/{note.pk}/open/")
    assert response.url == "/messages/"


def test_opening_needs_a_post_and_a_participant_login(
    client, participant_user, front_office_user
):
    note = _note(participant_user, "get")
    assert client.get("/messages/").status_code == 302  # to the login page
    client.force_login(participant_user)
    assert client.get(f"/messages/{note.pk}/open/").status_code == 405
    note.refresh_from_db()
    assert note.read_at is None
    staff_login(front_office_user, client)
    assert client.get("/messages/").status_code == 403


def test_a_long_inbox_is_paged(client, participant_user):
    for i in range(25):
        _note(participant_user, f"n{i}")
    client.force_login(participant_user)
    first = client.get("/messages/").content.decode()
    assert first.count('<li class="notification') == 20
    assert 'href="?page=2"' in first and 'aria-label="Halaman pesan"' in first
    second = client.get("/messages/?page=2").content.decode()
    assert second.count('<li class="notification') == 5
