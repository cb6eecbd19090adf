"""Liveness over API v1: the challenge, its one-time nonce, and the frames it answers."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import override
from rest_framework.test import APIClient

from biometrics.models import (
    BiometricPolicy,
    LivenessChallenge,
    SelfieAttempt,
    SelfieStatus,
)
from biometrics.services import face_reference_create
from notifications.models import Notification
from participants.services.sessions import token_issue
from tests.biometrics import images, liveness_frames
from tests.biometrics.liveness_frames import CHALLENGES, SELFIES, send


@pytest.fixture
def live_on(db):
    policy = BiometricPolicy.current()
    policy.liveness_required = True
    policy.save()
    return policy


@pytest.fixture
def obama(participant_user, live_on):
    participant = participant_user.participant
    face_reference_create(
        participant=participant, image=images.raw("obama", 1), source="registry"
    )
    return participant


@pytest.fixture
def api(participant_user):
    client = APIClient()
    client.force_authenticate(participant_user)
    return client


def test_a_challenge_has_a_nonce_a_turn_and_two_minutes(api, obama):
    response = api.post(CHALLENGES)
    assert response.status_code == 201
    body = response.json()
    assert len(body["nonce"]) >= 32
    assert body["steps"] in (["turn_left"], ["turn_right"])
    challenge = LivenessChallenge.objects.get(nonce=body["nonce"])
    assert challenge.participant == obama and challenge.used_at is None
    lifetime = challenge.expires_at - challenge.created_at
    assert timedelta(seconds=119) < lifetime <= timedelta(minutes=2)


def test_no_challenge_while_liveness_is_off(api, participant_user):
    face_reference_create(
        participant=participant_user.participant,
        image=images.raw("obama", 1),
        source="registry",
    )
    response = api.post(CHALLENGES)
    assert (response.status_code, response.json()["code"]) == (409, "liveness_off")


def test_a_photo_file_is_refused_while_liveness_is_on(api, obama):
    response = api.post(
        SELFIES,
        {"image": SimpleUploadedFile("s.jpg", images.raw("obama", 2), "image/jpeg")},
        format="multipart",
    )
    assert (response.status_code, response.json()["code"]) == (409, "liveness_required")
    assert "kamera" in response.json()["detail"].lower()
    assert not SelfieAttempt.objects.exists()


def test_a_genuine_turn_is_live_and_matches_then_the_nonce_is_spent(
    api, obama, django_capture_on_commit_callbacks
):
    challenge = api.post(CHALLENGES).json()
    frames = liveness_frames.genuine(challenge["steps"])
    with django_capture_on_commit_callbacks(execute=True):
        response = send(api, challenge["nonce"], frames)
    assert response.status_code == 202
    attempt = SelfieAttempt.objects.get(pk=response.json()["id"])
    assert attempt.status == SelfieStatus.MATCHED, attempt.liveness
    assert attempt.liveness["outcome"] == "live"
    assert len(attempt.frames) == 8 and attempt.frame_times_ms[-1] == 1400
    detail = api.get(f"{SELFIES}{attempt.pk}/").json()
    assert "liveness" not in detail  # the reason is for staff only
    again = send(
        api, challenge["nonce"], liveness_frames.genuine(challenge["steps"], 2)
    )
    assert (again.status_code, again.json()["code"]) == (400, "challenge_used")
    assert SelfieAttempt.objects.count() == 1


def test_a_hand_held_print_is_not_live_and_uses_an_attempt(
    api, obama, django_capture_on_commit_callbacks
):
    challenge = api.post(CHALLENGES).json()
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            api, challenge["nonce"], liveness_frames.print_attack(challenge["steps"])
        )
    attempt = SelfieAttempt.objects.get(pk=response.json()["id"])
    assert attempt.status == SelfieStatus.NOT_LIVE, attempt.liveness
    assert attempt.counted and attempt.liveness["reason"] == "flat"
    with override("id"):
        assert "kamera" in attempt.guidance_text.lower()
    # The member hears of it in their language: someone may be using their photo.
    note = Notification.objects.get(participant=obama)
    assert note.kind == "biometric_not_live"
    assert "foto Anda" in note.body and "Sisa percobaan: 2" in note.body


def test_an_expired_nonce_is_refused(api, obama):
    challenge = api.post(CHALLENGES).json()
    LivenessChallenge.objects.filter(nonce=challenge["nonce"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = send(
        api, challenge["nonce"], liveness_frames.genuine(challenge["steps"])
    )
    assert (response.status_code, response.json()["code"]) == (400, "challenge_expired")
    assert not SelfieAttempt.objects.exists()


def test_another_participants_nonce_is_unknown(
    api, obama, other_participant_user, live_on
):
    other = APIClient()
    other.force_authenticate(other_participant_user)
    face_reference_create(
        participant=other_participant_user.participant,
        image=images.raw("biden", 1),
        source="registry",
    )
    foreign = other.post(CHALLENGES).json()
    response = send(api, foreign["nonce"], liveness_frames.genuine(["turn_left"]))
    assert (response.status_code, response.json()["code"]) == (400, "challenge_unknown")
    missing = send(api, "no-such-nonce", liveness_frames.genuine(["turn_left"]))
    assert missing.json()["code"] == "challenge_unknown"
    assert LivenessChallenge.objects.get(nonce=foreign["nonce"]).used_at is None


def test_a_nonce_is_answered_only_from_the_login_that_asked(obama, participant_user):
    # The member's phone asks; the same member's laptop session and API token are
    # other logins: for them the nonce does not exist.
    phone, laptop, app = APIClient(), APIClient(), APIClient()
    phone.force_login(participant_user)
    laptop.force_login(participant_user)
    app.credentials(
        HTTP_AUTHORIZATION=f"Token {token_issue(user=participant_user).key}"
    )
    challenge = phone.post(CHALLENGES).json()
    frames = liveness_frames.genuine(challenge["steps"])
    for other in (laptop, app):
        response = send(other, challenge["nonce"], frames)
        assert (response.status_code, response.json()["code"]) == (
            400,
            "challenge_unknown",
        )
    assert LivenessChallenge.objects.get(nonce=challenge["nonce"]).used_at is None
    assert not SelfieAttempt.objects.exists()
    assert send(phone, challenge["nonce"], frames).status_code == 202
    # An API client answers its own challenges.
    own = app.post(CHALLENGES).json()
    own_frames = liveness_frames.genuine(own["steps"], 2)
    assert send(app, own["nonce"], own_frames).status_code == 202


@pytest.mark.parametrize(
    "times",
    ["0,200,400,300,800,1000,1200,1400", "0,200,400,600", "0,20000,1,2,3,4,5,6"],
)
def test_frames_out_of_order_or_miscounted_are_refused(api, obama, times):
    challenge = api.post(CHALLENGES).json()
    frames = liveness_frames.genuine(challenge["steps"])
    response = send(api, challenge["nonce"], frames, times)
    assert response.status_code == 400
    assert response.json()["code"] in ("frames_out_of_order", "frame_count")
    assert not SelfieAttempt.objects.exists()
    # Nothing was spent: the same challenge still takes a correct burst.
    assert LivenessChallenge.objects.get(nonce=challenge["nonce"]).used_at is None


def test_frames_without_a_face_ask_to_retry_for_free(
    api, obama, django_capture_on_commit_callbacks
):
    challenge = api.post(CHALLENGES).json()
    empty = [images.no_face()] * 8
    with django_capture_on_commit_callbacks(execute=True):
        response = send(api, challenge["nonce"], empty)
    attempt = SelfieAttempt.objects.get(pk=response.json()["id"])
    assert (attempt.status, attempt.counted) == (SelfieStatus.RETRY, False)
    assert attempt.liveness["reason"] == "no_face"
    guidance = api.get(f"{SELFIES}{attempt.pk}/", HTTP_ACCEPT_LANGUAGE="id")
    with override("id"):
        assert guidance.json()["guidance"] == attempt.guidance_text


def test_camera_checks_count_against_the_selfie_upload_limit(
    api, obama, settings, django_capture_on_commit_callbacks
):
    # A `retry` uses no attempt, and a refused burst stores nothing: both still
    # count, or a burst of checks would cost nothing and keep the workers busy.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "selfie_upload": (2, 900)}
    first = api.post(CHALLENGES).json()
    with django_capture_on_commit_callbacks(execute=True):
        retry = send(api, first["nonce"], [images.no_face()] * 8)
    assert SelfieAttempt.objects.get(pk=retry.json()["id"]).status == SelfieStatus.RETRY
    second = api.post(CHALLENGES).json()
    frames = liveness_frames.genuine(second["steps"])
    assert send(api, second["nonce"], frames, "0,200,400,300").status_code == 400

    response = send(api, second["nonce"], frames)

    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled" and 0 < body["retry_after"] <= 900
    assert SelfieAttempt.objects.count() == 1
    assert LivenessChallenge.objects.get(nonce=second["nonce"]).used_at is None


def test_challenges_are_limited_per_participant(api, obama, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "liveness_challenge": (2, 900)}
    assert [api.post(CHALLENGES).status_code for _ in range(2)] == [201, 201]
    response = api.post(CHALLENGES)
    assert (response.status_code, response.json()["code"]) == (429, "throttled")
    assert LivenessChallenge.objects.filter(participant=obama).count() == 2


def test_a_frame_of_another_face_anywhere_in_the_burst_is_not_live(
    api, obama, django_capture_on_commit_callbacks
):
    # The member turns, but one frame facing the camera after the turn (neither
    # the one matched nor the turned one nor the last) shows someone else.
    challenge = api.post(CHALLENGES).json()
    frames = liveness_frames.genuine(challenge["steps"])
    frames[6] = images.raw("biden", 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(api, challenge["nonce"], frames)
    attempt = SelfieAttempt.objects.get(pk=response.json()["id"])
    assert attempt.status == SelfieStatus.NOT_LIVE, attempt.liveness
    assert attempt.liveness["reason"] == "different_faces"


def test_frames_too_long_for_their_small_copy_are_refused_before_anything_is_stored(
    api, obama, django_capture_on_commit_callbacks
):
    # 1600 x 480: a 480-px frame copy would be 144 px high, under the 160-px
    # minimum; the worker refused its own copy and the attempt ended in "error".
    challenge = api.post(CHALLENGES).json()
    wide = images.jpeg(images.load("obama", 5).resize((1600, 480)))
    with django_capture_on_commit_callbacks(execute=True):
        response = send(api, challenge["nonce"], [wide] * 8)
    assert (response.status_code, response.json()["code"]) == (400, "image_odd_shape")
    assert not SelfieAttempt.objects.exists()
    assert LivenessChallenge.objects.get(nonce=challenge["nonce"]).used_at is None
