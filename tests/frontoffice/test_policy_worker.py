"""A policy change reaches a running Celery worker without a restart."""

import pytest

from biometrics.models import SelfieAttempt
from biometrics.selectors import biometric_status
from biometrics.services import face_reference_create, selfie_submit
from participants.models import Block
from tests.biometrics import images
from tests.conftest import selfie_decided, staff_api

pytestmark = pytest.mark.services


def _fail(participant, person: str, n: int) -> SelfieAttempt:
    attempt = selfie_submit(participant=participant, image=images.raw(person, n))
    return selfie_decided(attempt.pk)


def test_raising_max_attempts_applies_in_the_running_worker(
    celery_worker, participant_user, admin_user
):
    obama = participant_user.participant
    face_reference_create(
        participant=obama, image=images.raw("obama", 1), source="registry"
    )
    assert _fail(obama, "biden", 1).counted
    assert _fail(obama, "kit_harington", 3).counted
    admin = staff_api(admin_user)
    response = admin.patch("/api/v1/policy/", {"max_attempts": 5}, format="json")
    assert response.status_code == 200
    third = _fail(obama, "alex_lacamoire", 2)  # decided by the worker process
    assert third.counted and third.guidance_params == {"n": 2}
    assert not Block.objects.active().filter(participant=obama).exists()
    assert biometric_status(participant=obama)["attempts_left"] == 2
