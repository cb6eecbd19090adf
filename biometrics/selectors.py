"""Reads that other apps and the pages rely on."""

from datetime import datetime

from django.http import Http404

from participants.models import BlockKind, Participant
from participants.services.guards import attempt_state

from .calibration import choose_threshold
from .models import (
    BiometricPolicy,
    CalibrationRun,
    GuidanceItem,
    LivenessRun,
    SelfieAttempt,
    SelfieStatus,
)


def selfie_verified_since(
    *, participant: Participant, since: datetime
) -> SelfieAttempt | None:
    """The latest `matched` selfie created at or after `since` (claims require one)."""
    return (
        SelfieAttempt.objects.for_participant(participant)
        .filter(status=SelfieStatus.MATCHED, created_at__gte=since)
        .order_by("-created_at")
        .first()
    )


def face_reference_exists(*, participant: Participant) -> bool:
    return participant.face_references.exists()


def biometric_status(*, participant: Participant) -> dict:
    policy = BiometricPolicy.current()
    state = attempt_state(
        participant=participant,
        kind=BlockKind.BIOMETRIC,
        max_attempts=policy.max_attempts,
    )
    return {
        "attempts_used": state.attempts_used,
        "max_attempts": state.max_attempts,
        "attempts_left": state.attempts_left,
        "blocked": state.blocked,
        "block_reason": state.block.reason_text if state.block else "",
    }


def liveness_required() -> bool:
    return BiometricPolicy.current().liveness_required


def selfie_attempt_get(*, participant: Participant, attempt_id: int) -> SelfieAttempt:
    """The participant's own attempt; anyone else's id is a 404."""
    attempt = (
        SelfieAttempt.objects.for_participant(participant).filter(pk=attempt_id).first()
    )
    if attempt is None:
        raise Http404
    return attempt


def guidance_item_list() -> list[GuidanceItem]:
    return list(GuidanceItem.objects.filter(active=True))


def _share(values: list[float], predicate) -> float | None:
    if not values:
        return None
    return sum(1 for v in values if predicate(v)) / len(values)


def liveness_shares(run: LivenessRun | None = None) -> dict:
    """What liveness costs genuine members and what it stops, from the latest
    `evaluate_liveness` run. `genuine_not_live` is a share of the decided checks
    (a `retry` is redone for free); the others of all sequences."""
    run = run or LivenessRun.objects.first()
    if run is None:
        return {"liveness_run_id": None}
    decided = run.genuine - run.genuine_retry
    return {
        "liveness_run_id": run.pk,
        "liveness_dataset": run.dataset,
        "liveness_sequences": run.genuine,
        "liveness_attacks": run.attacks,
        "genuine_not_live": run.genuine_not_live / decided if decided else None,
        "genuine_retry": run.genuine_retry / run.genuine if run.genuine else None,
        "attacks_live": run.attacks_live / run.attacks if run.attacks else None,
    }


def suggested_threshold(
    *, max_attempts: int, run: CalibrationRun | None = None
) -> float | None:
    """The largest threshold at which a look-alike impostor of the calibration run
    gets through within `max_attempts` tries at most 1% of the time: the rule that
    chose the default (calibration.choose_threshold), for the policy's own limit.
    None without a run or without look-alike pairs in it."""
    run = run or CalibrationRun.objects.first()
    if run is None or not run.lookalike_distances:
        return None
    return choose_threshold(run.lookalike_distances, tries=max_attempts)


def tradeoff(
    *,
    threshold: float,
    max_attempts: int,
    run: CalibrationRun | None = None,
    not_live: float | None = None,
) -> dict:
    """Expected effect of a threshold and attempt limit, from a calibration run.

    Assumes independent tries: a genuine participant is blocked when all N tries
    fail, FRR(t)^N; an impostor gets in within N tries with 1-(1-FAR(t))^N.
    Real tries of one person are correlated, so the blocked share is a floor.
    `not_live`: the share of a genuine member's camera checks refused as not live,
    when that uses an attempt; a try then fails when the check or the match does.
    """
    run = run or CalibrationRun.objects.first()
    threshold = float(threshold)
    result = {
        "threshold": threshold,
        "max_attempts": max_attempts,
        "run_id": None,
        "dataset": "",
        "frr": None,
        "far": None,
        "lookalike_far": None,
        "genuine_blocked": None,
        "impostor_accepted": None,
        "lookalike_accepted": None,
        "genuine_pairs": 0,
        "impostor_pairs": 0,
        "lookalike_pairs": 0,
        "lookalike_label": "",
    }
    if run is None:
        return result
    frr = _share(run.genuine_distances, lambda d: d > threshold)
    far = _share(run.impostor_distances, lambda d: d <= threshold)
    hard = _share(run.lookalike_distances, lambda d: d <= threshold)
    result.update(
        run_id=run.pk,
        dataset=run.dataset,
        frr=frr,
        far=far,
        lookalike_far=hard,
        genuine_blocked=None
        if frr is None
        else (1 - (1 - (not_live or 0.0)) * (1 - frr)) ** max_attempts,
        impostor_accepted=None if far is None else 1 - (1 - far) ** max_attempts,
        lookalike_accepted=None if hard is None else 1 - (1 - hard) ** max_attempts,
        genuine_pairs=len(run.genuine_distances),
        impostor_pairs=len(run.impostor_distances),
        lookalike_pairs=len(run.lookalike_distances),
        lookalike_label=run.lookalike_label,
    )
    return result
