import pytest

from biometrics.services import face_reference_create
from tests.biometrics import images


@pytest.fixture
def participant(participant_user):
    return participant_user.participant


@pytest.fixture
def obama_reference(participant):
    """The participant is Obama: reference from demo photo 1 (selfies use others)."""
    return face_reference_create(
        participant=participant, image=images.raw("obama", 1), source="registry"
    )
