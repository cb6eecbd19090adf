"""20 parallel failing selfies count exactly max_attempts and make one block."""

import threading

import pytest
from django.db import connection

from biometrics.models import SelfieAttempt, SelfieStatus
from biometrics.services import face_reference_create, selfie_submit
from jmo_portal.exceptions import ApplicationError
from notifications.models import Notification
from participants.models import AttemptCounter, Block
from tests.biometrics import images
from tests.conftest import require_services

PARALLEL = 20


def _submit_at_once(participant, uploads: list[bytes]) -> list[str]:
    """Submit every upload from its own thread at the same instant; the outcomes."""
    barrier = threading.Barrier(len(uploads))
    outcomes: list[str] = []

    def upload(data: bytes) -> None:
        try:
            barrier.wait()
            # Tasks run eagerly on commit: each thread submits and matches at once.
            selfie_submit(participant=participant, image=data)
            outcomes.append("accepted")
        except ApplicationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(d,)) for d in uploads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_parallel_failures_never_count_past_the_limit(participant_user):
    require_services(postgres=True)
    participant = participant_user.participant
    face_reference_create(
        participant=participant, image=images.raw("obama", 1), source="registry"
    )
    # Twenty different photos of someone else (a crop each, so none is a duplicate).
    uploads = [images.variant("biden", 2, i * 2) for i in range(PARALLEL)]
    outcomes = _submit_at_once(participant, uploads)
    assert len(outcomes) == PARALLEL
    # Past the per-participant upload limit the rest are throttled (429).
    assert set(outcomes) <= {"accepted", "blocked", "throttled"}
    counted = SelfieAttempt.objects.filter(participant=participant, counted=True)
    assert counted.count() == 3
    assert Block.objects.filter(participant=participant).count() == 1
    assert AttemptCounter.objects.get(participant=participant).attempts_used == 3
    assert not SelfieAttempt.objects.filter(status=SelfieStatus.MATCHED).exists()
    assert Notification.objects.filter(kind="biometric_blocked").count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_double_tap_sending_one_photo_twice_at_once_counts_once(participant_user):
    require_services(postgres=True)
    participant = participant_user.participant
    face_reference_create(
        participant=participant, image=images.raw("obama", 1), source="registry"
    )
    outcomes = _submit_at_once(participant, [images.raw("biden", 2)] * 6)
    assert sorted(outcomes) == ["accepted"] + ["same_image"] * 5
    assert SelfieAttempt.objects.filter(participant=participant).count() == 1
    assert AttemptCounter.objects.get(participant=participant).attempts_used == 1
