"""A worker SIGKILLed while it decides a selfie: after the restart the selfie is
decided once, by the sweep, within a few minutes (the member waits on the page).

A task cannot run past Celery's hard time limit, so an attempt still marked
processing after that (plus a margin) belongs to a dead worker; before, the
sweep waited 5 minutes whatever the limit. The dispatch token keeps a late
finisher from deciding twice.
"""

import datetime as dt
import time

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from biometrics.models import SelfieAttempt, SelfieStatus
from biometrics.services import selfie_submit, selfie_sweep
from biometrics.services.upkeep import STUCK_PROCESSING
from jmo_portal.processes import Worker
from tests.biometrics import images
from tests.conftest import selfie_decided, worker_env

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_stuck_attempt_is_taken_over_soon_after_the_hard_time_limit():
    limit = dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    assert limit < STUCK_PROCESSING <= limit + dt.timedelta(seconds=60)


def test_a_worker_killed_mid_decision_is_decided_once_after_the_restart(
    broker, participant, obama_reference, tmp_path
):
    worker = Worker(worker_env(), tmp_path / "w.log")
    worker.start()
    try:
        attempt = selfie_submit(participant=participant, image=images.raw("obama", 2))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = SelfieAttempt.objects.values_list("status", flat=True).get(
                pk=attempt.pk
            )
            if status != SelfieStatus.QUEUED:
                break
            time.sleep(0.005)
        assert status == SelfieStatus.PROCESSING, "decided before the kill"
        worker.kill()  # SIGKILL in the middle of the decision
        worker.start()
        attempt.refresh_from_db()
        assert attempt.status == SelfieStatus.PROCESSING
        # What beat runs every minute, once the hard time limit has passed.
        later = timezone.now() + STUCK_PROCESSING + dt.timedelta(seconds=1)
        with time_machine.travel(later):
            assert selfie_sweep() == 1
        decided = selfie_decided(attempt.pk)
    finally:
        worker.stop()
    assert decided.status == SelfieStatus.MATCHED
    assert decided.dispatch_count == 2
    assert SelfieAttempt.objects.filter(participant=participant).count() == 1
