"""The registry import: participants loads the row, biometrics enrols its photo.

Both in the row's one transaction (participants.services.registry.member_import_row),
so a photo that cannot be a face reference leaves nothing of the row behind.
"""

from collections.abc import Mapping
from pathlib import Path

from biometrics.models import FaceReferenceSource
from biometrics.services import face_reference_create
from participants.models import Participant
from participants.services.registry import Outcome, member_import_row
from participants.services.registry_csv import MemberRow


def _registry_photo(participant: Participant, row: MemberRow) -> bool:
    """The registry photo becomes the first face reference (never replaces one)."""
    if not row.photo or participant.face_references.exists():
        return False
    face_reference_create(
        participant=participant, image=row.photo, source=FaceReferenceSource.REGISTRY
    )
    return True


def registry_member_import(*, values: Mapping, photos_dir: Path | None) -> Outcome:
    return member_import_row(
        values=values, photos_dir=photos_dir, after_save=_registry_photo
    )
