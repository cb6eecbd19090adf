"""Pieces the selfie and reference services share: decoding an upload within the
policy's limits, the face analysis, the "blocked" refusal, the per-participant rate
limits and the queueing of a selfie for matching."""

from pathlib import Path
from typing import IO

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jmo_portal.dispatch import dispatch_on_commit
from jmo_portal.exceptions import ApplicationError
from participants.models import Participant

from .. import faces
from ..imaging import DecodedImage, image_decode
from ..models import BiometricPolicy


def decode_upload(
    image: bytes | IO[bytes] | Path, policy: BiometricPolicy
) -> DecodedImage:
    return image_decode(
        image=image,
        max_bytes=policy.max_upload_bytes,
        max_pixels=policy.max_pixels,
    )


def analyse(
    decoded_rgb: np.ndarray,
    policy: BiometricPolicy,
    *,
    check_quality: bool = True,
    jitters: int = 1,
) -> faces.FaceAnalysis:
    return faces.face_analyse(
        decoded_rgb,
        **policy.quality_limits,
        check_quality=check_quality,
        jitters=jitters,
    )


# Stored as a selfie's guidance too (an English msgid, translated when shown).
BLOCKED = gettext_noop(
    "Face verification is blocked after too many failed attempts. Please "
    "visit a BPJS Ketenagakerjaan front-office desk with your e-KTP to "
    "unblock it."
)
OUR_ERROR = gettext_noop(
    "We could not check your photo because of a problem on our side. "
    "Please try again; this did not use up an attempt."
)


def blocked_error(participant: Participant) -> ApplicationError:
    return ApplicationError(
        _(BLOCKED),
        code="blocked",
        status=423,
        extra={"attempts_left": 0, "blocked": True},
    )


def selfie_dispatch_on_commit(attempt_id: int) -> None:
    from ..tasks import selfie_process as selfie_process_task

    dispatch_on_commit(selfie_process_task, attempt_id)
