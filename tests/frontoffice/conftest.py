import pytest
from django.contrib.auth.models import Group
from django.test import Client

from biometrics.services import face_reference_create
from participants.models import BlockKind
from participants.services.guards import attempt_register_failure
from tests.biometrics import images
from tests.conftest import staff_login
from tests.factories import UserFactory


def login(user) -> Client:
    """Staff log in through the real desk login (password and TOTP code)."""
    if user.is_staff or user.is_superuser:
        return staff_login(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def participant(participant_user):
    return participant_user.participant


@pytest.fixture
def obama(participant):
    """The participant is Obama (reference from demo photo 1)."""
    face_reference_create(
        participant=participant, image=images.raw("obama", 1), source="registry"
    )
    return participant


def make_block(participant, kind: str = BlockKind.KPJ):
    state = None
    for _ in range(3):
        state = attempt_register_failure(
            participant=participant, kind=kind, max_attempts=3, reason="test lock"
        )
    return state.block


@pytest.fixture
def kpj_block(participant):
    return make_block(participant, BlockKind.KPJ)


@pytest.fixture
def reviewer(claims_officer_user, bank):
    return login(claims_officer_user)


@pytest.fixture
def second_reviewer(db):
    """Another claims officer, for the four-eyes rule and appeals."""
    user = UserFactory(username="claims_officer_2", is_staff=True)
    user.groups.add(Group.objects.get(name="claims_officer"))
    return login(user)


@pytest.fixture
def officer(front_office_user):
    return login(front_office_user)


@pytest.fixture
def admin(admin_user):
    return login(admin_user)
