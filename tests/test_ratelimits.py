"""Rate limits: selfie uploads per participant, the kiosk, every anonymous POST."""

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from biometrics.models import SelfieAttempt
from biometrics.services import face_reference_create
from frontoffice.models import WalkInTicket
from tests.biometrics import images

pytestmark = pytest.mark.django_db
SELFIES = "/api/v1/biometrics/selfies/"


def _upload(client, data: bytes):
    return client.post(
        SELFIES,
        {"image": SimpleUploadedFile("s.jpg", data, content_type="image/jpeg")},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_selfie_uploads_are_limited_per_participant_quality_rejects_included(
    participant_api, participant_user, settings, django_capture_on_commit_callbacks
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "selfie_upload": (3, 900)}
    face_reference_create(
        participant=participant_user.participant,
        image=images.raw("obama", 1),
        source="registry",
    )
    for bad in (images.dark(), images.no_face(), images.blurred()):
        with django_capture_on_commit_callbacks(execute=True):
            assert _upload(participant_api, bad).status_code == 202
    assert SelfieAttempt.objects.filter(status="rejected_quality").count() == 3

    response = _upload(participant_api, images.raw("obama", 2))

    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled" and 0 < body["retry_after"] <= 900
    assert body["detail"].startswith("Too many requests.")
    assert response["Retry-After"] == str(body["retry_after"])
    assert SelfieAttempt.objects.count() == 3


def test_the_public_kiosk_is_limited_per_address(settings, branch):
    limit, _window = django_settings.RATE_LIMITS["kiosk"]
    kiosk = Client(REMOTE_ADDR="10.7.7.7")
    kiosk.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("frontoffice:kiosk", args=["pusat"])
    for _ in range(limit):
        assert kiosk.post(url, {"reason": "other"}).status_code == 200
    assert WalkInTicket.objects.count() == limit

    refused = kiosk.post(url, {"reason": "other"})

    assert refused.status_code == 429
    assert "Too many requests." in refused.content.decode()
    assert WalkInTicket.objects.count() == limit
    other_kiosk = Client(REMOTE_ADDR="10.7.7.8")
    assert other_kiosk.post(url, {"reason": "other"}).status_code == 200


def test_every_anonymous_post_is_limited_per_address_in_indonesian_first():
    limit, _window = django_settings.RATE_LIMITS["anonymous_post"]
    visitor = Client(REMOTE_ADDR="10.8.8.8")
    url = reverse("participants:password_reset")
    for _ in range(limit):
        assert visitor.post(url, {"email": "x@example.id"}).status_code == 302

    refused = visitor.post(url, {"email": "x@example.id"})
    api = Client(REMOTE_ADDR="10.8.8.8").post(
        "/api/v1/auth/token/", {"username": "a", "password": "b"}
    )

    assert refused.status_code == 429
    assert "Terlalu banyak permintaan" in refused.content.decode()
    assert api.status_code == 429 and api.json()["code"] == "throttled"


def test_logged_in_posts_are_not_counted_as_anonymous(participant_user):
    limit, _window = django_settings.RATE_LIMITS["anonymous_post"]
    member = Client(REMOTE_ADDR="10.8.8.9")
    member.force_login(participant_user)
    for _ in range(limit + 1):
        response = member.post(reverse("set_language"), {"language": "id"})
    assert response.status_code == 302
