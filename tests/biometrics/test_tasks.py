"""Tasks: queued on commit, sweep re-dispatch of lost work, retention purge."""

import datetime as dt

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone

from biometrics import tasks
from biometrics.models import LivenessChallenge, SelfieAttempt, SelfieStatus
from biometrics.services import selfie_submit
from tests.biometrics import images


@pytest.fixture
def queued(participant, obama_reference, django_capture_on_commit_callbacks):
    """An attempt whose message was lost: its on-commit dispatch never ran."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attempt = selfie_submit(participant=participant, image=images.raw("obama", 2))
    assert len(callbacks) == 1  # selfie_process is queued only after commit
    return attempt


def test_selfie_process_is_queued_on_commit_and_runs(
    participant, obama_reference, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attempt = selfie_submit(participant=participant, image=images.raw("obama", 2))
        assert SelfieAttempt.objects.get(pk=attempt.pk).status == SelfieStatus.QUEUED
    assert len(callbacks) == 1
    attempt.refresh_from_db()
    assert attempt.status == SelfieStatus.MATCHED
    assert tasks.selfie_process(attempt.pk) == SelfieStatus.MATCHED  # second run: no-op


def test_sweep_redispatches_a_lost_queued_attempt(
    queued, django_capture_on_commit_callbacks
):
    assert tasks.selfie_sweep() == 0  # too recent to be called lost
    SelfieAttempt.objects.filter(pk=queued.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.selfie_sweep() == 1
    queued.refresh_from_db()
    assert queued.status == SelfieStatus.MATCHED
    assert tasks.selfie_sweep() == 0


def test_sweep_takes_over_an_attempt_whose_worker_died(
    queued, django_capture_on_commit_callbacks
):
    SelfieAttempt.objects.filter(pk=queued.pk).update(
        status=SelfieStatus.PROCESSING,
        dispatch_count=1,
        processing_started_at=timezone.now() - dt.timedelta(minutes=10),
    )
    with django_capture_on_commit_callbacks(execute=True):
        tasks.selfie_sweep()
    queued.refresh_from_db()
    assert queued.status == SelfieStatus.MATCHED
    assert queued.dispatch_count == 2


def test_sweep_gives_up_after_repeated_crashes_without_counting(queued):
    SelfieAttempt.objects.filter(pk=queued.pk).update(
        status=SelfieStatus.PROCESSING,
        dispatch_count=3,
        processing_started_at=timezone.now() - dt.timedelta(minutes=10),
    )
    tasks.selfie_sweep()
    queued.refresh_from_db()
    assert queued.status == SelfieStatus.ERROR
    assert queued.counted is False and queued.guidance


def test_retention_purge_deletes_old_images_and_keeps_the_outcome(
    participant, obama_reference, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attempt = selfie_submit(participant=participant, image=images.raw("biden", 1))
    attempt.refresh_from_db()
    name = attempt.image.name
    assert default_storage.exists(name)
    assert tasks.selfie_retention_purge() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert tasks.selfie_retention_purge() == 1
        assert tasks.selfie_retention_purge() == 0
    attempt.refresh_from_db()
    assert not default_storage.exists(name)
    assert not attempt.image and attempt.image_purged_at is not None
    assert attempt.distance is not None and attempt.status == SelfieStatus.NOT_MATCHED


def test_a_purge_backlog_beyond_one_runs_budget_is_purged_by_the_runs_it_queues(
    participant, obama_reference, monkeypatch, django_capture_on_commit_callbacks
):
    """The budget spent after each image: each run purges one and queues the next
    (run at once here: eager) until no image past retention is left."""
    with django_capture_on_commit_callbacks(execute=True):
        for name, n in (("biden", 1), ("biden", 2), ("obama", 2)):
            selfie_submit(participant=participant, image=images.raw(name, n))
    names = [a.image.name for a in SelfieAttempt.objects.all()]
    assert len(names) == 3 and all(default_storage.exists(n) for n in names)
    monkeypatch.setattr(tasks, "BATCH_BUDGET_SECONDS", 0)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert tasks.selfie_retention_purge.delay().get() == 1
    assert not any(default_storage.exists(n) for n in names)
    assert not SelfieAttempt.objects.filter(image_purged_at=None).exists()


def test_retention_purge_deletes_challenges_never_answered(participant):
    now = timezone.now()

    def challenge(nonce: str, used: bool) -> LivenessChallenge:
        return LivenessChallenge.objects.create(
            participant=participant,
            nonce=nonce,
            steps=["turn_left"],
            expires_at=now + dt.timedelta(minutes=2),
            used_at=now if used else None,
        )

    challenge("a" * 43, used=False)
    answered = challenge("b" * 43, used=True)
    tasks.selfie_retention_purge()
    assert LivenessChallenge.objects.count() == 2
    with time_machine.travel(now + dt.timedelta(days=31)):
        tasks.selfie_retention_purge()
    assert list(LivenessChallenge.objects.all()) == [answered]
