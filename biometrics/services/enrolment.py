"""Face references: a photo becomes the reference a selfie is matched against; the
biometric policy numbers.

Rule: no officer takes the reference photo of their own membership
(JHT_RULES.md, "Identity checks")."""

import uuid
from collections import OrderedDict
from pathlib import Path
from typing import IO

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from jmo_portal.exceptions import ApplicationError
from participants.models import Participant
from participants.services.audit import audit_record
from participants.services.conflicts import staff_conflict_refuse
from participants.services.policy import policy_singleton_update

from .. import faces
from ..models import BiometricPolicy, FaceReference, FaceReferenceSource
from .common import analyse, decode_upload

# Encodings of photos already seen in this process, by pixel hash: the demo world
# gives many participants the same few photos.
_ENCODING_CACHE: OrderedDict[str, list[float]] = OrderedDict()
_ENCODING_CACHE_SIZE = 256


def face_reference_create(
    *,
    participant: Participant,
    image: bytes | IO[bytes] | Path,
    source: str,
    actor: AbstractBaseUser | None = None,
    reason: str = "",
) -> FaceReference:
    """Decode a photo safely, require exactly one face and store its encoding.

    A desk reference is audited with the reason and the references before it;
    no officer takes the reference photo of their own membership.
    """
    staff_conflict_refuse(actor=actor, participant=participant)
    if source not in FaceReferenceSource.values:
        raise ApplicationError(_("Unknown reference source."), code="invalid_source")
    policy = BiometricPolicy.current()
    decoded = decode_upload(image, policy)
    encoding = _ENCODING_CACHE.get(decoded.sha256)
    if encoding is None:
        analysis = analyse(
            decoded.rgb, policy, check_quality=False, jitters=faces.REFERENCE_JITTERS
        )
        if analysis.findings:
            raise ApplicationError(
                _("This photo cannot be a face reference: %(reason)s")
                % {"reason": _(analysis.findings[0].message)},
                code=f"reference_{analysis.findings[0].code}",
            )
        encoding = [float(x) for x in analysis.encoding]
        _ENCODING_CACHE[decoded.sha256] = encoding
        while len(_ENCODING_CACHE) > _ENCODING_CACHE_SIZE:
            _ENCODING_CACHE.popitem(last=False)
    with transaction.atomic():
        reference = FaceReference(
            participant=participant,
            encoding=encoding,
            source=source,
            photo_sha256=decoded.sha256,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        reference.photo.save(
            f"{uuid.uuid4().hex}.jpg", ContentFile(decoded.jpeg), False
        )
        reference.full_clean()
        reference.save()
        if source == FaceReferenceSource.DESK:
            before = FaceReference.objects.filter(participant=participant).exclude(
                pk=reference.pk
            )
            audit_record(
                actor=actor,
                action="face_reference_create",
                participant=participant,
                reason=reason,
                old_value={
                    "reference_ids": sorted(before.values_list("pk", flat=True))
                },
                new_value={"reference_id": reference.pk, "source": source},
            )
    return reference


def reference_required(*, participant: Participant) -> None:
    if not participant.face_references.exists():
        raise ApplicationError(
            _(
                "We have no reference photo for you yet. Please visit a front-office "
                "desk to have your photo taken."
            ),
            code="no_reference",
            status=409,
        )


def biometric_policy_update(
    *, values: dict, actor: AbstractBaseUser, reason: str
) -> dict[str, tuple]:
    """Change the attempt limit, threshold and the other biometric policy numbers."""
    return policy_singleton_update(
        model=BiometricPolicy, values=values, actor=actor, reason=reason
    )
