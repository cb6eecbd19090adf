"""Liveness: one-time challenges and the burst of frames answering one."""

import hashlib
import secrets
import time
import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from jmo_portal.exceptions import ApplicationError
from participants.models import BlockKind, Participant
from participants.services.guards import block_active
from participants.services.ratelimits import participant_rate_hit

from . import liveness
from .imaging import DecodedImage, image_decode
from .models import BiometricPolicy, LivenessChallenge, SelfieAttempt
from .services.common import blocked_error, selfie_dispatch_on_commit
from .services.enrolment import reference_required
from .services.selfies import duplicate_error, same_photo

CHALLENGE_LIFETIME = timedelta(minutes=2)
# Frame times come from the phone's clock, relative to when it got the challenge:
# allow this much clock and network slack beyond the server's own elapsed time.
CLOCK_SLACK_MS = 3000


def _liveness_off() -> ApplicationError:
    return ApplicationError(
        _("The liveness check is off: send one photo in the field `image`."),
        code="liveness_off",
        status=409,
    )


def pick_turn() -> str:
    """Left or right, unpredictably (a replayed recording cannot know which)."""
    return secrets.choice([liveness.STEP_TURN_LEFT, liveness.STEP_TURN_RIGHT])


def _session_digest(session_key: str) -> str:
    return salted_hmac("biometrics.challenge-session", session_key).hexdigest()[:64]


def liveness_challenge_create(
    *, participant: Participant, session_key: str
) -> LivenessChallenge:
    """A random head turn (and a blink when the policy asks) with a one-time nonce,
    to be answered from the login (`session_key`: page session or API token) that
    asked for it."""
    policy = BiometricPolicy.current()
    if not policy.liveness_required:
        raise _liveness_off()
    if block_active(participant=participant, kind=BlockKind.BIOMETRIC):
        raise blocked_error(participant)
    participant_rate_hit(name="liveness_challenge", participant=participant)
    reference_required(participant=participant)
    steps = [pick_turn()]
    if policy.liveness_blink:
        steps.append(liveness.STEP_BLINK)
    challenge = LivenessChallenge(
        participant=participant,
        nonce=secrets.token_urlsafe(32),
        session=_session_digest(session_key),
        steps=steps,
        expires_at=timezone.now() + CHALLENGE_LIFETIME,
    )
    challenge.full_clean()
    challenge.save()
    return challenge


def _challenge_error(code: str) -> ApplicationError:
    messages = {
        "challenge_unknown": _(
            "This camera check is not valid. Start the selfie again from the button."
        ),
        "challenge_used": _(
            "This camera check was already used. Start the selfie again from the button."
        ),
        "challenge_expired": _(
            "The camera check expired (2 minutes). Start the selfie again from the "
            "button."
        ),
    }
    return ApplicationError(messages[code], code=code)


def _frames_error(code: str) -> ApplicationError:
    messages = {
        "frame_count": _(
            "Send %(min)d to %(max)d camera frames with their times. Start again."
        )
        % {"min": liveness.MIN_FRAMES, "max": liveness.MAX_FRAMES},
        "frames_out_of_order": _(
            "The camera frames are not in the order they were taken. Start again."
        ),
    }
    return ApplicationError(messages[code], code=code)


def _parse_times(raw: str, count: int) -> list[int]:
    if not liveness.MIN_FRAMES <= count <= liveness.MAX_FRAMES:
        raise _frames_error("frame_count")
    try:
        times = [int(part) for part in (raw or "").split(",")]
    except ValueError:
        raise _frames_error("frame_count") from None
    if len(times) != count:
        raise _frames_error("frame_count")
    ordered = all(b > a for a, b in zip(times, times[1:], strict=False))
    if not ordered or times[0] < 0 or times[-1] - times[0] > liveness.MAX_SPAN_MS:
        raise _frames_error("frames_out_of_order")
    return times


def _check_challenge(
    challenge: LivenessChallenge | None, participant: Participant, session: str
) -> LivenessChallenge:
    # Another participant's nonce, or one asked for from another login, is
    # answered like an unknown one: nothing leaks.
    if (
        challenge is None
        or challenge.participant_id != participant.pk
        or not constant_time_compare(challenge.session, session)
    ):
        raise _challenge_error("challenge_unknown")
    if challenge.used_at is not None:
        raise _challenge_error("challenge_used")
    if challenge.expires_at <= timezone.now():
        raise _challenge_error("challenge_expired")
    return challenge


def selfie_submit_live(
    *,
    participant: Participant,
    session_key: str,
    challenge: str,
    frames: list,
    frame_times_ms: str,
) -> SelfieAttempt:
    """Check the nonce and the frames, store them and queue the liveness check.

    The nonce is spent in the transaction that stores the attempt; any refusal
    (400) stores nothing and uses no attempt.
    """
    started = time.perf_counter()
    policy = BiometricPolicy.current()
    if not policy.liveness_required:
        raise _liveness_off()
    if block_active(participant=participant, kind=BlockKind.BIOMETRIC):
        raise blocked_error(participant)
    # Counted with the photo uploads, refusals included: a `retry` uses no attempt,
    # so without the limit a burst of checks would cost the member nothing and keep
    # the workers busy.
    participant_rate_hit(name="selfie_upload", participant=participant)
    found = LivenessChallenge.objects.filter(nonce=str(challenge or "")[:64]).first()
    session = _session_digest(session_key)
    found = _check_challenge(found, participant, session)
    times = _parse_times(frame_times_ms, len(frames))
    elapsed_ms = (timezone.now() - found.created_at).total_seconds() * 1000
    if times[-1] > elapsed_ms + CLOCK_SLACK_MS:
        raise _frames_error("frames_out_of_order")
    decoded: list[DecodedImage] = [
        image_decode(
            image=frame,
            max_bytes=policy.max_upload_bytes,
            max_pixels=policy.max_pixels,
            long_side=liveness.FRAME_LONG_SIDE,
        )
        for frame in frames
    ]
    digest = hashlib.sha256("".join(d.sha256 for d in decoded).encode()).hexdigest()
    previous = same_photo(participant, digest)
    if previous is not None:
        raise duplicate_error(previous)
    first = decoded[0]
    attempt = SelfieAttempt(
        participant=participant,
        image_sha256=digest,
        width=first.width,
        height=first.height,
        frame_times_ms=times,
        timings={
            "decode": round(sum(d.timings["decode"] for d in decoded), 1),
            "upload": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    names: list[str] = []
    try:
        with transaction.atomic():
            locked = LivenessChallenge.objects.select_for_update().get(pk=found.pk)
            locked = _check_challenge(locked, participant, session)  # parallel use
            locked.used_at = timezone.now()
            locked.save(update_fields=["used_at"])
            attempt.challenge = locked
            stem = f"biometrics/selfies/{participant.pk}/{uuid.uuid4().hex}"
            for n, frame in enumerate(decoded):
                names.append(
                    default_storage.save(f"{stem}-{n}.jpg", ContentFile(frame.jpeg))
                )
            attempt.frames = names
            attempt.image.save(
                f"{uuid.uuid4().hex}.jpg", ContentFile(first.jpeg), False
            )
            attempt.full_clean(validate_constraints=False)
            attempt.save()
            selfie_dispatch_on_commit(attempt.pk)
    except (IntegrityError, ApplicationError) as exc:
        for name in names:
            default_storage.delete(name)
        if attempt.image:
            attempt.image.delete(save=False)
        if isinstance(exc, ApplicationError):
            raise
        raise duplicate_error(same_photo(participant, digest) or attempt) from None
    return attempt
