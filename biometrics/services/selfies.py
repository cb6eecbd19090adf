"""Selfies: submission, matching against the references, and the outcome.

Rules: selfie verification before an online claim and at the data update; only
a real non-match (or "not live", when the policy says so) counts towards the
block (JHT_RULES.md, "Identity checks")."""

import logging
import time
import uuid
from pathlib import Path
from typing import IO

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from jmo_portal import metrics
from jmo_portal.exceptions import ApplicationError
from notifications.services import notification_send
from participants.models import BlockKind, Participant
from participants.services.data_update import data_update_selfie_matched
from participants.services.guards import (
    attempt_register_failure,
    attempt_reset,
    block_active,
)
from participants.services.ratelimits import participant_rate_hit

from .. import faces, liveness
from ..imaging import image_decode
from ..models import BiometricPolicy, SelfieAttempt, SelfieStatus
from ..references import matching_references, selfie_reference_add
from .common import (
    BLOCKED,
    OUR_ERROR,
    analyse,
    blocked_error,
    decode_upload,
    selfie_dispatch_on_commit,
)
from .enrolment import reference_required

logger = logging.getLogger(__name__)


def duplicate_error(previous: SelfieAttempt) -> ApplicationError:
    if previous.is_pending:
        message = _("This photo is already being checked. Please wait for the result.")
    else:
        message = _(
            "You sent the same photo again. Take a new photo: follow the tips on "
            "the guidance page. This did not use up an attempt."
        )
    return ApplicationError(message, code="same_image")


def selfie_submit(
    *, participant: Participant, image: bytes | IO[bytes] | Path
) -> SelfieAttempt:
    """Check the upload, store it and queue matching. Raises 423 when blocked."""
    started = time.perf_counter()
    policy = BiometricPolicy.current()
    if block_active(participant=participant, kind=BlockKind.BIOMETRIC):
        raise blocked_error(participant)
    # Every upload counts, quality rejects and repeats included: each one runs
    # the decoder and the face detector.
    participant_rate_hit(name="selfie_upload", participant=participant)
    reference_required(participant=participant)
    if policy.liveness_required:
        # A file can be any photo, which is what liveness is there to stop.
        raise ApplicationError(
            _(
                "Take the selfie with the camera on this page: it asks you to turn "
                "your head. A photo file cannot be used. If your camera does not "
                "work, visit a front-office desk."
            ),
            code="liveness_required",
            status=409,
        )
    decoded = decode_upload(image, policy)
    previous = same_photo(participant, decoded.sha256)
    if previous is not None:
        raise duplicate_error(previous)
    attempt = SelfieAttempt(
        participant=participant,
        image_sha256=decoded.sha256,
        width=decoded.width,
        height=decoded.height,
        timings={
            **decoded.timings,
            "upload": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    try:
        with transaction.atomic():
            attempt.image.save(
                f"{uuid.uuid4().hex}.jpg", ContentFile(decoded.jpeg), False
            )
            # The unique index decides races, not a check here (see below).
            attempt.full_clean(validate_constraints=False)
            attempt.save()
            selfie_dispatch_on_commit(attempt.pk)
    except IntegrityError:
        # A double tap sent the same photo twice at once: the partial unique
        # index lets only the first in, so it is stored and counted once.
        attempt.image.delete(save=False)
        raise duplicate_error(
            same_photo(participant, decoded.sha256) or attempt
        ) from None
    return attempt


def same_photo(participant: Participant, sha256: str) -> SelfieAttempt | None:
    """An earlier attempt with the same pixels, except one that failed on our side."""
    return (
        SelfieAttempt.objects.for_participant(participant)
        .filter(image_sha256=sha256)
        .exclude(status=SelfieStatus.ERROR)
        .first()
    )


def _claim(attempt_id: int) -> int | None:
    """queued -> processing with a conditional UPDATE; the new dispatch count is the token."""
    now = timezone.now()
    claimed = SelfieAttempt.objects.filter(
        pk=attempt_id, status=SelfieStatus.QUEUED
    ).update(
        status=SelfieStatus.PROCESSING,
        processing_started_at=now,
        updated_at=now,
        dispatch_count=F("dispatch_count") + 1,
    )
    if not claimed:
        return None
    return SelfieAttempt.objects.values_list("dispatch_count", flat=True).get(
        pk=attempt_id
    )


def _load_pixels(attempt: SelfieAttempt, policy: BiometricPolicy) -> np.ndarray:
    with attempt.image.open("rb") as fh:
        return decode_upload(fh, policy).rgb


def selfie_process(*, attempt_id: int) -> SelfieAttempt:
    """Quality pre-check, then compare with the references; idempotent."""
    token = _claim(attempt_id)
    attempt = SelfieAttempt.objects.select_related("participant").get(pk=attempt_id)
    if token is None:
        return attempt
    started = time.perf_counter()
    policy = BiometricPolicy.current()
    timings = dict(attempt.timings)
    distance: float | None = None
    analysis: faces.FaceAnalysis | None = None
    live: liveness.LivenessResult | None = None
    try:
        if attempt.challenge_id:
            live = _check_liveness(attempt, policy)
            analysis = live.analysis
            timings.update(live.timings)
        else:
            analysis = analyse(_load_pixels(attempt, policy), policy)
        if analysis is not None:
            timings.update(analysis.timings)
        if analysis is not None and analysis.ok:
            references = matching_references(participant=attempt.participant)
            distances = faces.face_distances(
                analysis.encoding, [r.encoding for r in references]
            )
            distance = faces.combined_distance(distances)
            timings["distances"] = {
                r.source: round(float(d), 4)
                for r, d in zip(references, distances, strict=True)
            }
    except Exception:
        # The row must reach a final state; the participant loses no attempt.
        logger.exception("selfie %s could not be analysed", attempt_id)
    timings["process"] = round((time.perf_counter() - started) * 1000, 1)
    timings["queue_to_decision"] = round(
        (timezone.now() - attempt.created_at).total_seconds() * 1000, 1
    )
    return _finish(
        attempt_id=attempt_id,
        token=token,
        policy=policy,
        analysis=analysis,
        distance=distance,
        timings=timings,
        live=live,
    )


def _check_liveness(
    attempt: SelfieAttempt, policy: BiometricPolicy
) -> liveness.LivenessResult:
    frames = []
    for name in attempt.frames:
        with default_storage.open(name, "rb") as fh:
            frames.append(
                image_decode(
                    image=fh,
                    max_bytes=policy.max_upload_bytes,
                    max_pixels=policy.max_pixels,
                    long_side=liveness.FRAME_LONG_SIDE,
                ).rgb
            )
    return liveness.liveness_check(
        frames,
        steps=attempt.challenge.steps,
        quality=policy.quality_limits,
    )


@transaction.atomic
def _finish(
    *,
    attempt_id: int,
    token: int,
    policy: BiometricPolicy,
    analysis: faces.FaceAnalysis | None,
    distance: float | None,
    timings: dict,
    live: liveness.LivenessResult | None = None,
) -> SelfieAttempt:
    """Record the outcome under the participant's row lock (counting must not race).

    Guidance and findings are stored as English msgids with their values; each
    reader sees them in their own language (SelfieAttempt.guidance_text)."""
    attempt = SelfieAttempt.objects.select_related("participant").get(pk=attempt_id)
    participant = attempt.participant
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    attempt = SelfieAttempt.objects.select_for_update().get(pk=attempt_id)
    if attempt.status != SelfieStatus.PROCESSING or attempt.dispatch_count != token:
        return attempt  # a later dispatch owns this attempt now
    attempt.timings = timings
    attempt.threshold_used = policy.match_threshold
    attempt.guidance_params = {}
    if analysis is not None:
        attempt.quality_findings = [f.as_dict() for f in analysis.findings]
        attempt.quality_findings.append({"code": "metrics", **analysis.metrics})
    blocked = block_active(participant=participant, kind=BlockKind.BIOMETRIC)
    if live is not None:
        attempt.liveness = {
            "outcome": live.outcome,
            "reason": live.reason,
            **live.metrics,
        }
    if live is not None and live.outcome == "retry" and blocked is None:
        attempt.status = SelfieStatus.RETRY
        attempt.guidance = live.message
    elif live is not None and live.outcome == "not_live" and blocked is None:
        attempt.status = SelfieStatus.NOT_LIVE
        attempt.guidance = gettext_noop(
            "We could not confirm that you were in front of the camera. Hold the "
            "phone yourself, face the light and follow the picture."
        )
        if policy.not_live_counts:
            _count_failure(attempt=attempt, policy=policy)
    elif analysis is None or (analysis.ok and distance is None):
        attempt.status = SelfieStatus.ERROR
        attempt.guidance = OUR_ERROR
    elif analysis.findings:
        attempt.status = SelfieStatus.REJECTED_QUALITY
        attempt.guidance = analysis.findings[0].message
    elif blocked is not None:
        # Uploaded before the block, finished after it: never counted, never a pass.
        attempt.status = SelfieStatus.ERROR
        attempt.distance = distance
        attempt.guidance = BLOCKED
    else:
        attempt.distance = distance
        if distance <= float(policy.match_threshold):
            attempt.status = SelfieStatus.MATCHED
            attempt_reset(participant=participant, kind=BlockKind.BIOMETRIC)
            selfie_reference_add(attempt=attempt, analysis=analysis, policy=policy)
            data_update_selfie_matched(participant=participant, at=attempt.created_at)
        else:
            attempt.status = SelfieStatus.NOT_MATCHED
            state = _count_failure(attempt=attempt, policy=policy)
            attempt.guidance, attempt.guidance_params = _not_matched_guidance(
                state.attempts_left
            )
    attempt.full_clean()
    attempt.save()
    metrics.SELFIE_DECISION_SECONDS.observe(
        (timezone.now() - attempt.created_at).total_seconds()
    )
    return attempt


def _count_failure(*, attempt: SelfieAttempt, policy: BiometricPolicy):
    """Use up an attempt (not matched, or not live when the policy says so)."""
    participant = attempt.participant
    attempt.counted = True
    # The desk reads the reason: a block after a photo held up to the camera is
    # one to check with particular care.
    reason = (
        gettext_noop(
            "Face verification failed %(n)d times in a row; the last camera check "
            "could not confirm a person in front of the camera."
        )
        if attempt.status == SelfieStatus.NOT_LIVE
        else gettext_noop("Face did not match %(n)d times in a row.")
    )
    state = attempt_register_failure(
        participant=participant,
        kind=BlockKind.BIOMETRIC,
        max_attempts=policy.max_attempts,
        reason=reason,
        reason_params={"n": policy.max_attempts},
    )
    _notify_failure(attempt=attempt, attempts_left=state.attempts_left)
    if state.block is not None:
        _notify_block(participant=participant, block_id=state.block.pk)
    return state


def _not_matched_guidance(attempts_left: int) -> tuple[str, dict]:
    """The guidance's msgid and its values."""
    if attempts_left <= 0:
        return gettext_noop(
            "Your face did not match our records. Face verification is now "
            "blocked: please visit a front-office desk with your e-KTP."
        ), {}
    return gettext_noop(
        "Your face did not match our records. Take off glasses or contact lenses, "
        "face the light and try again. Attempts left: %(n)d."
    ), {"n": attempts_left}


def _notify_failure(*, attempt: SelfieAttempt, attempts_left: int) -> None:
    """Tell the member an attempt was used: someone else may be using their face."""
    participant = attempt.participant
    with override(participant.language or "id"):
        values = {
            "when": timezone.localtime(attempt.created_at).strftime("%d-%m-%Y %H:%M"),
            "n": attempts_left,
        }
        if attempt.status == SelfieStatus.NOT_LIVE:
            kind, title, body = (
                "biometric_not_live",
                _("Camera check not confirmed"),
                _(
                    "A camera check on %(when)s could not confirm that a person was "
                    "in front of the camera. Attempts left: %(n)d. If this was not "
                    "you, someone may be using a photo of you: contact BPJS "
                    "Ketenagakerjaan."
                ),
            )
        else:
            kind, title, body = (
                "biometric_not_matched",
                _("Face verification did not match"),
                _(
                    "A selfie sent on %(when)s did not match your reference photo. "
                    "Attempts left: %(n)d. If this was not you, contact BPJS "
                    "Ketenagakerjaan."
                ),
            )
        notification_send(
            participant=participant,
            key=f"selfie-not-matched-{attempt.pk}",
            kind=kind,
            title=title,
            body=body % values,
            link=reverse("biometrics:guidance"),
        )


def _notify_block(*, participant: Participant, block_id: int) -> None:
    with override(participant.language or "id"):
        notification_send(
            participant=participant,
            key=f"biometric-block-{block_id}",
            kind="biometric_blocked",
            title=_("Face verification blocked"),
            body=_(
                "Face verification was blocked after too many selfies that did not "
                "match. Visit a BPJS Ketenagakerjaan front-office desk with your "
                "e-KTP to unblock it."
            ),
            link=reverse("biometrics:guidance"),
        )
