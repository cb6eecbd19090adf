"""Through the real parts: a Celery worker process on Redis matches real photos."""

import pytest

from biometrics.models import BiometricPolicy, SelfieStatus
from biometrics.services import face_reference_create, selfie_submit
from jmo_portal.exceptions import ApplicationError
from participants.models import Block
from tests.biometrics import images
from tests.conftest import selfie_decided

pytestmark = pytest.mark.services


@pytest.fixture
def obama(celery_worker, participant_user):
    participant = participant_user.participant
    face_reference_create(
        participant=participant, image=images.raw("obama", 1), source="registry"
    )
    return participant


def test_the_worker_matches_the_same_person_and_not_another(obama):
    threshold = BiometricPolicy.current().match_threshold
    same = selfie_submit(participant=obama, image=images.raw("obama", 3))
    other = selfie_submit(participant=obama, image=images.raw("biden", 2))
    same, other = selfie_decided(same.pk), selfie_decided(other.pk)
    assert (same.status, same.counted) == (SelfieStatus.MATCHED, False)
    assert same.distance <= float(threshold) == float(same.threshold_used)
    assert (other.status, other.counted) == (SelfieStatus.NOT_MATCHED, True)
    assert other.distance > float(threshold)


def test_the_worker_blocks_after_max_attempts(obama):
    for person, n in [("biden", 1), ("kit_harington", 3), ("alex_lacamoire", 2)]:
        attempt = selfie_submit(participant=obama, image=images.raw(person, n))
        assert selfie_decided(attempt.pk).counted
    block = Block.objects.active().get(participant=obama)
    assert block.kind == "biometric"
    with pytest.raises(ApplicationError) as exc:
        selfie_submit(participant=obama, image=images.raw("obama", 2))
    assert exc.value.status == 423
