import datetime as dt
import uuid

import pytest
from django.utils import timezone

from biometrics.models import CalibrationRun, LivenessRun, SelfieAttempt, SelfieStatus
from biometrics.selectors import (
    biometric_status,
    liveness_shares,
    selfie_verified_since,
    tradeoff,
)
from participants.models import BlockKind
from participants.services.guards import attempt_register_failure


def _attempt(participant, status, **fields):
    return SelfieAttempt.objects.create(
        participant=participant,
        status=status,
        image_sha256=uuid.uuid4().hex,  # one photo is one attempt (unique index)
        **fields,
    )


def test_selfie_verified_since_needs_a_match_after_the_moment(participant):
    since = timezone.now()
    _attempt(participant, SelfieStatus.NOT_MATCHED, counted=True)
    assert selfie_verified_since(participant=participant, since=since) is None
    old = _attempt(participant, SelfieStatus.MATCHED)
    SelfieAttempt.objects.filter(pk=old.pk).update(
        created_at=since - dt.timedelta(minutes=1)
    )
    assert selfie_verified_since(participant=participant, since=since) is None
    new = _attempt(participant, SelfieStatus.MATCHED)
    assert selfie_verified_since(participant=participant, since=since) == new


def test_biometric_status_counts_and_blocks(participant):
    assert biometric_status(participant=participant) == {
        "attempts_used": 0,
        "max_attempts": 3,
        "attempts_left": 3,
        "blocked": False,
        "block_reason": "",
    }
    for _ in range(3):
        attempt_register_failure(
            participant=participant,
            kind=BlockKind.BIOMETRIC,
            max_attempts=3,
            reason="three failures",
        )
    status = biometric_status(participant=participant)
    assert status["blocked"] is True
    assert status["attempts_left"] == 0
    assert status["block_reason"] == "three failures"


def test_tradeoff_compounds_error_rates_over_the_attempts(db):
    CalibrationRun.objects.create(
        dataset="unit",
        genuine_distances=[0.30, 0.40, 0.50, 0.55],
        impostor_distances=[0.45, 0.70, 0.80, 0.90],
        lookalike_distances=[0.45, 0.70],
    )
    result = tradeoff(threshold=0.48, max_attempts=3)
    assert result["frr"] == pytest.approx(0.5)
    assert result["far"] == pytest.approx(0.25)
    assert result["genuine_blocked"] == pytest.approx(0.125)
    assert result["impostor_accepted"] == pytest.approx(1 - 0.75**3)
    assert result["lookalike_accepted"] == pytest.approx(1 - 0.5**3)


def test_tradeoff_without_a_calibration_run_has_no_figures(db):
    result = tradeoff(threshold=0.5, max_attempts=3)
    assert result["run_id"] is None and result["frr"] is None


def test_not_live_results_that_use_an_attempt_add_to_the_genuine_blocks(db):
    CalibrationRun.objects.create(
        dataset="unit",
        genuine_distances=[0.30, 0.40, 0.50, 0.55],
        impostor_distances=[0.45, 0.70, 0.80, 0.90],
    )
    LivenessRun.objects.create(
        dataset="unit",
        genuine=10,
        genuine_not_live=2,
        genuine_retry=2,
        attacks=50,
        attacks_live=1,
    )
    shares = liveness_shares()
    # A retry is redone for free: not live is a share of the 8 decided checks.
    assert shares["genuine_not_live"] == pytest.approx(2 / 8)
    assert shares["genuine_retry"] == pytest.approx(0.2)
    assert shares["attacks_live"] == pytest.approx(0.02)
    plain = tradeoff(threshold=0.48, max_attempts=3)
    live = tradeoff(threshold=0.48, max_attempts=3, not_live=shares["genuine_not_live"])
    assert plain["genuine_blocked"] == pytest.approx(0.5**3)
    # A try fails when the check (1/4) or the match (1/2) does: 1 - 3/4 * 1/2.
    assert live["genuine_blocked"] == pytest.approx(0.625**3)
    assert live["impostor_accepted"] == plain["impostor_accepted"]


def test_liveness_shares_without_a_run(db):
    assert liveness_shares() == {"liveness_run_id": None}
