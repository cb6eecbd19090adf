"""The desk pages: search, a participant's blocks and history, unblock."""

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from biometrics.models import FaceReference, SelfieAttempt
from biometrics.services import biometric_policy_update
from jmo_portal.exceptions import ApplicationError
from notifications.models import Notification
from participants.models import AuditRecord, Block, BlockKind
from participants.services.guards import attempt_state
from tests.biometrics import images, liveness_frames
from tests.conftest import totp_code
from tests.frontoffice.conftest import make_block

# The in-person identity checklist, every box ticked.
CHECKLIST = {"ektp_seen": "on", "ektp_matches": "on", "face_matches": "on"}


def test_search_by_kpj_finds_the_participant_with_the_nik_masked(
    officer, participant, kpj_block
):
    response = officer.get(reverse("frontoffice:index"), {"q": participant.kpj})
    html = response.content.decode()
    assert response.status_code == 200
    assert participant.full_name in html
    assert participant.nik not in html
    assert participant.nik[-4:] in html


def test_search_by_nik_and_by_name(officer, participant, other_participant_user):
    other = other_participant_user.participant
    by_nik = officer.get(reverse("frontoffice:index"), {"q": participant.nik})
    assert participant.full_name in by_nik.content.decode()
    assert other.full_name not in by_nik.content.decode()
    by_name = officer.get(
        reverse("frontoffice:index"), {"q": participant.full_name.lower()}
    )
    assert participant.full_name in by_name.content.decode()


def test_participant_page_shows_blocks_and_the_failed_selfies(
    officer, obama, django_capture_on_commit_callbacks
):
    from biometrics.services import selfie_submit

    for person in ("biden", "kit_harington", "rose_leslie"):
        with django_capture_on_commit_callbacks(execute=True):
            selfie_submit(participant=obama, image=images.raw(person, 1))
    response = officer.get(reverse("frontoffice:participant", args=[obama.pk]))
    html = response.content.decode()
    assert Block.objects.active().filter(participant=obama, kind="biometric")
    assert 'data-kind="biometric"' in html
    for attempt in SelfieAttempt.objects.filter(participant=obama):
        assert reverse("frontoffice:selfie-thumbnail", args=[attempt.pk]) in html
        assert f"{attempt.distance:.3f}" in html
    assert obama.nik not in html
    thumb = officer.get(
        reverse("frontoffice:selfie-thumbnail", args=[attempt.pk])
    )  # the officer may see it
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/jpeg"


def test_a_photo_held_up_to_the_camera_blocks_and_the_desk_sees_why(
    officer, obama, admin_user, django_capture_on_commit_callbacks
):
    biometric_policy_update(
        values={"liveness_required": True, "max_attempts": 1},
        actor=admin_user,
        reason="Liveness pilot",
    )
    api = APIClient()
    api.force_authenticate(obama.user)
    challenge = api.post(liveness_frames.CHALLENGES).json()
    frames = liveness_frames.print_attack(challenge["steps"])
    with django_capture_on_commit_callbacks(execute=True):
        liveness_frames.send(api, challenge["nonce"], frames)
    block = Block.objects.active().get(participant=obama, kind="biometric")
    with translation.override("id"):
        assert "pemeriksaan kamera" in block.reason_text.lower()
    with translation.override("en"):
        html = officer.get(
            reverse("frontoffice:participant", args=[obama.pk]),
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
        reason = block.reason_text
    assert "the face showed no depth: a photo or a screen?" in html
    assert "could not confirm a person in front of the camera" in reason
    assert reason in html


def test_a_camera_check_without_a_face_shows_the_desk_what_the_member_was_told(
    officer, obama, admin_user, django_capture_on_commit_callbacks
):
    biometric_policy_update(
        values={"liveness_required": True}, actor=admin_user, reason="Pilot"
    )
    api = APIClient()
    api.force_authenticate(obama.user)
    challenge = api.post(liveness_frames.CHALLENGES).json()
    with django_capture_on_commit_callbacks(execute=True):
        liveness_frames.send(api, challenge["nonce"], [images.no_face()] * 8)
    attempt = SelfieAttempt.objects.get(participant=obama)
    assert (attempt.status, attempt.liveness["reason"]) == ("retry", "no_face")
    html = officer.get(
        reverse("frontoffice:participant", args=[obama.pk])
    ).content.decode()
    with translation.override("id"):
        assert f"({attempt.guidance_text})" in html
    assert "(no_face)" not in html


def test_unblock_needs_every_checklist_box_and_a_reason(officer, kpj_block):
    url = reverse("frontoffice:unblock", args=[kpj_block.pk])
    response = officer.post(
        url, {"ektp_seen": "on", "ektp_matches": "on", "reason": "Seen in person"}
    )
    assert response.status_code == 200
    response = officer.post(
        url,
        {**CHECKLIST, "reason": " "},
    )
    assert response.status_code == 200
    kpj_block.refresh_from_db()
    assert kpj_block.is_active
    assert not AuditRecord.objects.exists()


def test_unblock_lifts_the_block_resets_the_count_and_audits(
    officer, front_office_user, participant, kpj_block
):
    response = officer.post(
        reverse("frontoffice:unblock", args=[kpj_block.pk]),
        {
            **CHECKLIST,
            "reason": "e-KTP checked at the desk",
        },
    )
    assert response.status_code == 302
    kpj_block.refresh_from_db()
    assert kpj_block.lifted_by == front_office_user
    state = attempt_state(participant=participant, kind=BlockKind.KPJ, max_attempts=3)
    assert state.attempts_used == 0 and not state.blocked
    record = AuditRecord.objects.get(action="unblock_kpj")
    assert record.actor == front_office_user
    assert record.reason == "e-KTP checked at the desk"
    note = Notification.objects.get(key=f"unblocked-{kpj_block.pk}")
    assert note.participant == participant and "daring" in note.body


def test_a_desk_photo_becomes_the_new_reference_and_is_audited(
    officer, front_office_user, obama
):
    block = make_block(obama, BlockKind.BIOMETRIC)
    photo = images.photo("obama", 2)
    with photo.open("rb") as fh:
        response = officer.post(
            reverse("frontoffice:unblock", args=[block.pk]),
            {
                **CHECKLIST,
                "reason": "Face re-taken",
                "photo": fh,
            },
        )
    assert response.status_code == 302
    reference = FaceReference.objects.get(participant=obama, source="desk")
    assert reference.created_by == front_office_user
    record = AuditRecord.objects.get(action="face_reference_create")
    previous = FaceReference.objects.filter(participant=obama).exclude(pk=reference.pk)
    assert record.reason == "Face re-taken"
    assert record.old_value == {"reference_ids": sorted(r.pk for r in previous)}
    assert record.new_value["reference_id"] == reference.pk
    assert AuditRecord.objects.filter(action="unblock_biometric").exists()


def test_a_photo_without_a_face_keeps_the_block_and_says_why(officer, obama):
    block = make_block(obama, BlockKind.BIOMETRIC)
    response = officer.post(
        reverse("frontoffice:unblock", args=[block.pk]),
        {
            **CHECKLIST,
            "reason": "Face re-taken",
            "photo": _upload(images.no_face()),
        },
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    block.refresh_from_db()
    assert block.is_active
    assert not FaceReference.objects.filter(source="desk").exists()


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")


def test_staff_login_page_leads_to_the_desk(client, front_office_user):
    response = client.post(
        reverse("frontoffice:login"),
        {
            "username": front_office_user.username,
            "password": "Rahasia-123",
            "otp_token": totp_code(front_office_user),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("frontoffice:index")


def test_a_claims_officer_is_sent_to_the_claims_queue(claims_officer_user):
    from tests.frontoffice.conftest import login

    response = login(claims_officer_user).get(reverse("frontoffice:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("frontoffice:claims")


def _png(width: int, height: int) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (width, height), 128).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (lambda: b"GIF89a not really a photo", "not a photo"),
        (lambda: _png(9000, 9000), "too many pixels"),
    ],
)
def test_the_desk_photo_goes_through_the_selfies_safe_decoding(
    officer, obama, data, says
):
    block = make_block(obama, BlockKind.BIOMETRIC)
    with translation.override("id"):  # the request's "en" must not leak on
        response = officer.post(
            reverse("frontoffice:unblock", args=[block.pk]),
            {
                **CHECKLIST,
                "reason": "Face re-taken",
                "photo": _upload(data()),
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert says in response.content.decode()
    block.refresh_from_db()
    assert block.is_active
    assert not FaceReference.objects.filter(source="desk").exists()
    assert not AuditRecord.objects.exists()


def test_participant_page_lists_each_wrong_kpj_entry_that_led_to_the_lock(officer):
    from claims.services import claim_kpj_check, claim_start
    from tests.claims.helpers import make_participant

    participant = make_participant()
    claim = claim_start(participant=participant, claim_type="resign")
    for _ in range(3):
        with pytest.raises(ApplicationError):
            claim_kpj_check(claim=claim, kpj_number="99999999999")
    page = officer.get(reverse("frontoffice:participant", args=[participant.pk]))
    section = (
        page.content.decode().split('id="failed-entries"')[1].split("</section>")[0]
    )
    assert section.count("<tr><td>") == 3
    assert section.count("tag danger") == 1  # the third one locked the KPJ
    assert "99999999999" not in section  # what was typed is not kept
