import pytest

from biometrics.models import FaceReference
from biometrics.services import face_reference_create
from jmo_portal.exceptions import ApplicationError
from participants.models import AuditRecord
from tests.biometrics import images


def test_it_stores_a_128_float_encoding_and_a_private_photo(participant):
    reference = face_reference_create(
        participant=participant, image=images.raw("biden", 1), source="registry"
    )
    reference.refresh_from_db()
    assert len(reference.encoding) == 128
    assert all(isinstance(x, float) for x in reference.encoding)
    assert reference.photo.name.startswith(f"biometrics/references/{participant.pk}/")
    assert reference.source == "registry"


def test_it_accepts_a_file_object(participant, tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(images.raw("rose_leslie", 1))
    with path.open("rb") as fh:
        reference = face_reference_create(
            participant=participant, image=fh, source="demo"
        )
    assert reference.pk
    assert face_reference_create(participant=participant, image=path, source="demo").pk


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (images.two_faces, "reference_several_faces"),
        (images.no_face, "reference_no_face"),
        (images.not_an_image, "not_an_image"),
        (images.truncated, "damaged_image"),
    ],
)
def test_it_refuses_photos_without_exactly_one_face(participant, make, code):
    with pytest.raises(ApplicationError) as exc:
        face_reference_create(participant=participant, image=make(), source="registry")
    assert exc.value.code == code
    assert not FaceReference.objects.exists()


def test_a_desk_retake_is_audited_with_the_officer(participant, front_office_user):
    reference = face_reference_create(
        participant=participant,
        image=images.raw("obama", 2),
        source="desk",
        actor=front_office_user,
    )
    assert reference.created_by == front_office_user
    record = AuditRecord.objects.get(action="face_reference_create")
    assert record.actor == front_office_user
    assert record.new_value["reference_id"] == reference.pk


def test_it_refuses_an_unknown_source(participant):
    with pytest.raises(ApplicationError):
        face_reference_create(participant=participant, image=b"x", source="selfie")
