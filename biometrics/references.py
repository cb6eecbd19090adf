"""Which references a selfie is compared with, and when a selfie becomes one."""

import uuid

from django.core.files.base import ContentFile

from participants.models import Participant

from . import faces
from .models import BiometricPolicy, FaceReference, FaceReferenceSource, SelfieAttempt

# The three references a selfie is compared with (the newest of each kind).
REFERENCE_KINDS = (
    (FaceReferenceSource.REGISTRY, FaceReferenceSource.DEMO),
    (FaceReferenceSource.DESK,),
    (FaceReferenceSource.SELFIE,),
)


def matching_references(*, participant: Participant) -> list[FaceReference]:
    """Up to three references: registry (or demo), desk, and a selfie after a desk check."""
    chosen = []
    for sources in REFERENCE_KINDS:
        newest = participant.face_references.filter(source__in=sources).first()
        if newest is not None:
            chosen.append(newest)
    return chosen


def selfie_reference_add(
    *, attempt: SelfieAttempt, analysis: faces.FaceAnalysis, policy: BiometricPolicy
) -> None:
    """A matched selfie becomes the third reference only after a desk check.

    It must have matched the desk photo itself (taken after an officer checked the
    e-KTP), and only the first such selfie after each desk photo is kept. A registry
    photo never promotes a selfie: a look-alike who once slipped past it cannot make
    their own face a reference and widen the door for later tries.
    """
    desk = attempt.participant.face_references.filter(
        source=FaceReferenceSource.DESK
    ).first()
    distance_to_desk = attempt.timings.get("distances", {}).get("desk")
    if desk is None or distance_to_desk is None or analysis.encoding is None:
        return
    if distance_to_desk > float(policy.match_threshold):
        return
    if attempt.participant.face_references.filter(
        source=FaceReferenceSource.SELFIE, created_at__gt=desk.created_at
    ).exists():
        return
    reference = FaceReference(
        participant=attempt.participant,
        encoding=[float(x) for x in analysis.encoding],
        source=FaceReferenceSource.SELFIE,
        photo_sha256=attempt.image_sha256,
    )
    with attempt.image.open("rb") as fh:
        reference.photo.save(f"{uuid.uuid4().hex}.jpg", ContentFile(fh.read()), False)
    reference.full_clean()
    reference.save()
