"""A selfie sent while Redis is down is saved (202), then decided once it is back."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from biometrics.models import SelfieAttempt, SelfieStatus
from biometrics.services import selfie_sweep
from jmo_portal.processes import Worker
from tests.biometrics import images
from tests.conftest import selfie_decided, worker_env

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_selfie_uploaded_while_redis_is_down_is_accepted_and_decided_later(
    redis_down, participant_user, obama_reference, tmp_path
):
    client = APIClient()
    client.force_authenticate(participant_user)
    response = client.post(
        "/api/v1/biometrics/selfies/",
        {"image": SimpleUploadedFile("s.jpg", images.raw("obama", 2), "image/jpeg")},
        format="multipart",
    )
    assert response.status_code == 202, response.content[:300]
    attempt = SelfieAttempt.objects.get(pk=response.json()["id"])
    assert attempt.status == SelfieStatus.QUEUED  # the row is the truth

    redis_down.start()  # back, and empty: the message never got there
    worker = Worker(
        worker_env(TEST_CELERY_BROKER_URL=redis_down.url), tmp_path / "w.log"
    )
    worker.start()
    try:
        # What beat runs every minute, a minute later.
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
            assert selfie_sweep() == 1
        decided = selfie_decided(attempt.pk)
    finally:
        worker.stop()
    assert decided.status == SelfieStatus.MATCHED
