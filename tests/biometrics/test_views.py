"""Pages: guidance, capture fallback, result, private image access, policy admin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from biometrics.models import BiometricPolicy, GuidanceItem
from biometrics.views import safe_next, tutorial_url
from participants.models import BlockKind
from participants.services.guards import attempt_register_failure
from tests.biometrics import images
from tests.conftest import staff_api, staff_login


def _client(user) -> Client:
    if user.is_staff:
        return staff_login(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_p(participant_user):
    return _client(participant_user)


def _selfie(client, data: bytes, capture, next_url: str = ""):
    with capture(execute=True):
        return client.post(
            reverse("biometrics:capture"),
            {"image": SimpleUploadedFile("s.jpg", data), "next": next_url},
        )


def test_guidance_lists_the_seeded_tips_with_pictures_in_both_languages(client_p):
    assert GuidanceItem.objects.count() == 6
    page = client_p.get(reverse("biometrics:guidance"), HTTP_ACCEPT_LANGUAGE="id")
    html = page.content.decode()
    assert "Lepas kacamata" in html and "softlens" in html
    assert "biometrics/img/no-glasses.svg" in html
    assert tutorial_url("good-selfie") in html
    client_p.cookies["django_language"] = "en"
    english = client_p.get(reverse("biometrics:guidance")).content.decode()
    assert "Take off your glasses" in english


def test_guidance_keeps_a_local_next_through_capture(client_p):
    html = client_p.get(reverse("biometrics:guidance") + "?next=/claims/5/").content
    assert b"/selfie/capture/?next=/claims/5/" in html


@pytest.mark.parametrize(
    "value",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:x",
        "",
    ],
)
def test_only_local_paths_are_honoured_as_next(value):
    assert safe_next(value) == ""


def test_safe_next_keeps_a_local_path():
    assert safe_next("/claims/JHT-1/?step=review") == "/claims/JHT-1/?step=review"


def test_fallback_upload_then_matched_result_offers_next(
    client_p, obama_reference, django_capture_on_commit_callbacks
):
    response = _selfie(
        client_p,
        images.raw("obama", 4),
        django_capture_on_commit_callbacks,
        "/claims/9/",
    )
    assert response.status_code == 302
    page = client_p.get(response["Location"])
    html = page.content.decode()
    assert 'data-status="matched"' in html
    assert 'href="/claims/9/"' in html


def test_an_evil_next_never_becomes_a_link(
    client_p, obama_reference, django_capture_on_commit_callbacks
):
    response = _selfie(
        client_p,
        images.raw("obama", 4),
        django_capture_on_commit_callbacks,
        "https://evil.example/",
    )
    page = client_p.get(response["Location"] + "?next=https://evil.example/")
    html = page.content.decode()
    assert 'href="https://evil.example/' not in html
    assert 'id="continue"' not in html


def test_a_bad_file_on_the_fallback_form_shows_the_message(client_p, obama_reference):
    page = client_p.post(
        reverse("biometrics:capture"),
        {"image": SimpleUploadedFile("s.jpg", images.not_an_image())},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert page.status_code == 200
    assert "bukan foto" in page.content.decode()


def test_blocked_page_says_why_and_where_to_go(client_p, participant):
    for _ in range(3):
        attempt_register_failure(
            participant=participant,
            kind=BlockKind.BIOMETRIC,
            max_attempts=3,
            reason="x",
        )
    html = client_p.get(reverse("biometrics:capture")).content.decode()
    assert 'id="blocked"' in html
    assert "e-KTP" in html
    assert tutorial_url("when-blocked") in html
    assert 'class="card blocked-help"' in html  # the desks' addresses and hours
    assert 'id="video"' not in html


def test_the_result_page_and_image_are_private(
    client_p,
    obama_reference,
    other_participant_user,
    front_office_user,
    claims_officer_user,
    django_capture_on_commit_callbacks,
):
    response = _selfie(
        client_p, images.raw("biden", 2), django_capture_on_commit_callbacks
    )
    result_url = response["Location"]
    attempt_id = int(result_url.rstrip("/").split("/")[-1])
    image_url = reverse("biometrics:selfie-image", args=[attempt_id])
    assert client_p.get(image_url)["Content-Type"] == "image/jpeg"
    other = _client(other_participant_user)
    assert other.get(result_url).status_code == 404
    assert other.get(image_url).status_code == 404
    assert _client(claims_officer_user).get(image_url).status_code == 404
    assert _client(front_office_user).get(image_url).status_code == 200
    assert Client().get(image_url).status_code == 302  # to the login page
    reference_url = reverse("biometrics:reference-photo", args=[obama_reference.pk])
    assert client_p.get(reference_url).status_code == 404
    assert _client(front_office_user).get(reference_url).status_code == 200


def test_policy_changes_are_recorded_with_who_and_old_and_new_values(admin_user):
    """Through the policy API (the admin shows policies read-only): the history row
    names the user and holds old and new values; an out-of-range value changes
    nothing."""
    policy = BiometricPolicy.current()
    api = staff_api(admin_user)
    changed = api.patch(
        "/api/v1/policy/",
        {"max_attempts": 5, "match_threshold": "0.450", "reason": "field study"},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    latest = policy.history.first()
    assert latest.history_user == admin_user
    changes = {
        c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes
    }
    assert changes["max_attempts"] == (3, 5)
    assert str(changes["match_threshold"][1]) == "0.450"
    refused = api.patch(
        "/api/v1/policy/", {"max_attempts": 11, "reason": "x"}, format="json"
    )
    assert refused.status_code == 400  # 1..10 only
    assert BiometricPolicy.current().max_attempts == 5
