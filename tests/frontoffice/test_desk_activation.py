"""An activation lock (made by the activation flow) is listed and lifted at the
desk exactly like a KPJ or face block."""

import datetime as dt

import pytest
from django.urls import reverse

from jmo_portal.exceptions import ApplicationError
from participants.models import AuditRecord, Block, BlockKind
from participants.services.activation import activation_start
from tests.conftest import staff_api
from tests.factories import ParticipantFactory

CHECKLIST = {"ektp_seen": "on", "ektp_matches": "on", "face_matches": "on"}


@pytest.fixture
def locked(db):
    """A registry member (no login yet) who typed a wrong KPJ three times."""
    member = ParticipantFactory()
    for _ in range(3):
        with pytest.raises(ApplicationError):
            activation_start(
                nik=member.nik,
                kpj="00000000000",
                full_name=member.full_name,
                birth_date=member.birth_date,
            )
    return member


def _try_activation(member):
    return activation_start(
        nik=member.nik,
        kpj=member.kpj,
        full_name=member.full_name,
        birth_date=member.birth_date,
    )


def test_the_desk_finds_shows_and_lifts_an_activation_lock(officer, locked):
    block = Block.objects.active().get(participant=locked)
    assert block.kind == BlockKind.ACTIVATION
    with pytest.raises(ApplicationError) as refused:
        _try_activation(locked)
    assert refused.value.code == "activation_locked"

    found = officer.get(reverse("frontoffice:index"), {"q": locked.kpj})
    html = found.content.decode()
    assert locked.full_name in html and locked.nik not in html
    page = officer.get(reverse("frontoffice:participant", args=[locked.pk]))
    html = page.content.decode()
    assert 'data-kind="activation"' in html
    assert reverse("frontoffice:unblock", args=[block.pk]) in html

    url = reverse("frontoffice:unblock", args=[block.pk])
    forged = officer.post(url, {**CHECKLIST, "face_matches": "false", "reason": "x"})
    assert forged.status_code == 200
    block.refresh_from_db()
    assert block.is_active

    response = officer.post(url, {**CHECKLIST, "reason": "e-KTP seen at the desk"})
    assert response.status_code == 302
    block.refresh_from_db()
    assert not block.is_active
    assert AuditRecord.objects.get(action="unblock_activation").participant == locked
    assert _try_activation(locked).activation is not None


def test_the_api_lists_and_lifts_an_activation_lock(front_office_user, locked):
    api = staff_api(front_office_user)
    rows = api.get("/api/v1/desk/blocks/", {"q": locked.nik}).json()["results"]
    assert [r["kind"] for r in rows] == ["activation"]
    response = api.post(
        f"/api/v1/desk/blocks/{rows[0]['id']}/unblock/",
        {"reason": "e-KTP seen", "identity_checked": True},
        format="json",
    )
    assert response.status_code == 200
    assert _try_activation(locked).activation is not None
    assert dt.datetime.fromisoformat(response.json()["lifted_at"])
