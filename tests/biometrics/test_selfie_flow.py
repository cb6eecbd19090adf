"""selfie_submit + selfie_process in-process (tasks eager): outcomes and counting."""

import pytest
from django.utils.translation import override

from biometrics.models import BiometricPolicy, SelfieAttempt, SelfieStatus
from biometrics.selectors import biometric_status
from biometrics.services import selfie_process, selfie_submit
from jmo_portal.exceptions import ApplicationError
from notifications.models import Notification
from participants.models import Block
from participants.services.guards import block_lift
from tests.biometrics import images


def _send(participant, data: bytes, capture) -> SelfieAttempt:
    with capture(execute=True):
        attempt = selfie_submit(participant=participant, image=data)
    attempt.refresh_from_db()
    return attempt


@pytest.fixture
def send(participant, obama_reference, django_capture_on_commit_callbacks):
    return lambda data: _send(participant, data, django_capture_on_commit_callbacks)


def test_the_same_person_matches_and_resets_the_count(send, participant):
    failed = send(images.raw("biden", 1))
    assert failed.status == SelfieStatus.NOT_MATCHED and failed.counted
    attempt = send(images.raw("obama", 2))
    assert attempt.status == SelfieStatus.MATCHED
    assert attempt.counted is False
    assert attempt.distance < float(attempt.threshold_used)
    assert set(attempt.timings) >= {"decode", "detect", "encode", "process"}
    assert biometric_status(participant=participant)["attempts_used"] == 0


def test_a_different_person_is_not_matched_and_uses_an_attempt(send, participant):
    attempt = send(images.raw("kit_harington", 1))
    assert attempt.status == SelfieStatus.NOT_MATCHED
    assert attempt.counted is True
    assert attempt.distance > float(attempt.threshold_used)
    assert attempt.guidance_params == {"n": 2}
    with override("id"):
        assert "2" in attempt.guidance_text
    assert biometric_status(participant=participant)["attempts_left"] == 2
    note = Notification.objects.get(key=f"selfie-not-matched-{attempt.pk}")
    assert note.participant == participant


@pytest.mark.parametrize(
    ("make", "word"),
    [
        (images.dark, "gelap"),
        (images.blurred, "buram"),
        (images.tiny_face, "dekat"),
        (images.two_faces, "satu"),
        (images.no_face, "wajah"),
    ],
)
def test_a_poor_photo_is_rejected_without_using_an_attempt(
    send, participant, make, word
):
    attempt = send(make())
    assert attempt.status == SelfieStatus.REJECTED_QUALITY
    assert attempt.counted is False
    with override("id"):
        assert word in attempt.guidance_text.lower()
    assert biometric_status(participant=participant)["attempts_used"] == 0


def test_the_same_photo_again_after_a_failure_is_refused_for_free(send, participant):
    send(images.dark())
    with pytest.raises(ApplicationError) as exc:
        send(images.dark())
    assert exc.value.code == "same_image"
    assert SelfieAttempt.objects.count() == 1


def test_failures_up_to_the_limit_block_and_notify_once(send, participant):
    people = ["biden", "kit_harington", "rose_leslie"]
    attempts = [send(images.raw(p, 1)) for p in people]
    assert [a.counted for a in attempts] == [True, True, True]
    block = Block.objects.active().get(participant=participant)
    assert block.kind == "biometric"
    assert Notification.objects.filter(key=f"biometric-block-{block.pk}").count() == 1
    with pytest.raises(ApplicationError) as exc:
        send(images.raw("obama", 3))
    assert (exc.value.status, exc.value.code) == (423, "blocked")


def test_each_failure_and_the_block_reach_the_inbox_and_the_email(
    send, participant, mailoutbox
):
    for person in ["biden", "kit_harington", "rose_leslie"]:
        send(images.raw(person, 1))
    kinds = list(
        Notification.objects.filter(participant=participant)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["biometric_not_matched"] * 3 + ["biometric_blocked"]
    assert not Notification.objects.filter(delivered_at__isnull=True).exists()
    assert [m.to for m in mailoutbox] == [[participant.email]] * 4
    block = Notification.objects.get(kind="biometric_blocked")
    assert mailoutbox[-1].subject == block.title and "e-KTP" in mailoutbox[-1].body


def test_raising_the_limit_later_does_not_unblock(send, participant, front_office_user):
    for person in ["biden", "kit_harington", "rose_leslie"]:
        send(images.raw(person, 1))
    policy = BiometricPolicy.current()
    policy.max_attempts = 5
    policy.save()
    assert biometric_status(participant=participant)["blocked"] is True
    block_lift(
        block=Block.objects.get(participant=participant),
        actor=front_office_user,
        reason="identity checked",
    )
    assert send(images.raw("obama", 3)).status == SelfieStatus.MATCHED


def test_processing_twice_changes_nothing(send, participant):
    attempt = send(images.raw("biden", 2))
    again = selfie_process(attempt_id=attempt.pk)
    assert again.status == SelfieStatus.NOT_MATCHED
    assert biometric_status(participant=participant)["attempts_used"] == 1


def test_a_participant_without_a_reference_is_sent_to_the_desk(participant):
    with pytest.raises(ApplicationError) as exc:
        selfie_submit(participant=participant, image=images.raw("obama", 2))
    assert exc.value.code == "no_reference"
