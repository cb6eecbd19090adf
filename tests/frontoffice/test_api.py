"""API v1: /desk/blocks/, /desk/blocks/{id}/unblock/ (shared/API.md)."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from participants.models import AuditRecord, BlockKind
from tests.conftest import staff_api, totp_code
from tests.frontoffice.conftest import make_block

BLOCKS = "/api/v1/desk/blocks/"


@pytest.fixture
def fo_api(front_office_user):
    return staff_api(front_office_user)


def test_blocks_lists_active_blocks_with_the_nik_masked(
    fo_api, participant, other_participant_user
):
    block = make_block(participant, BlockKind.BIOMETRIC)
    other = make_block(other_participant_user.participant, BlockKind.KPJ)
    body = fo_api.get(BLOCKS).json()
    assert {row["id"] for row in body["results"]} == {block.pk, other.pk}
    row = next(r for r in body["results"] if r["id"] == block.pk)
    assert row["participant"]["nik_masked"].endswith(participant.nik[-4:])
    assert participant.nik not in str(body)
    assert row["kind"] == "biometric"


@pytest.mark.parametrize("field", ["kpj", "nik", "full_name"])
def test_blocks_are_searchable_by_kpj_nik_and_name(
    fo_api, participant, other_participant_user, field
):
    block = make_block(participant)
    make_block(other_participant_user.participant)
    body = fo_api.get(BLOCKS, {"q": getattr(participant, field)}).json()
    assert [row["id"] for row in body["results"]] == [block.pk]


@pytest.mark.parametrize(
    "payload",
    [
        {"reason": "seen", "identity_checked": False},
        {"reason": "seen", "identity_checked": "yes"},
        {"reason": "seen"},
        {"reason": "", "identity_checked": True},
        {"reason": "   ", "identity_checked": True},
        {"identity_checked": True},
    ],
)
def test_unblock_refuses_without_the_check_or_a_reason(fo_api, kpj_block, payload):
    response = fo_api.post(f"{BLOCKS}{kpj_block.pk}/unblock/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["detail"]
    kpj_block.refresh_from_db()
    assert kpj_block.is_active
    assert not AuditRecord.objects.exists()


def test_unblock_lifts_and_a_second_call_is_a_conflict(
    fo_api, kpj_block, front_office_user
):
    url = f"{BLOCKS}{kpj_block.pk}/unblock/"
    payload = {"reason": "e-KTP seen", "identity_checked": True}
    response = fo_api.post(url, payload, format="json")
    assert response.status_code == 200
    assert response.json()["lifted_at"]
    assert fo_api.get(BLOCKS).json()["results"] == []
    assert fo_api.post(url, payload, format="json").status_code == 409
    assert AuditRecord.objects.filter(actor=front_office_user).count() == 1


def test_unblock_of_an_unknown_block_is_404(fo_api):
    response = fo_api.post(
        f"{BLOCKS}999999/unblock/",
        {"reason": "x", "identity_checked": True},
        format="json",
    )
    assert response.status_code == 404


def test_token_login_works_for_staff(front_office_user, kpj_block):
    client = APIClient()
    token = client.post(
        "/api/v1/auth/token/",
        {
            "username": front_office_user.username,
            "password": "Rahasia-123",
            "otp_token": totp_code(front_office_user),
        },
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(BLOCKS).json()["count"] == 1


def test_the_desk_and_policy_endpoints_are_in_the_openapi_schema(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "get" in schema["paths"]["/api/v1/desk/blocks/"]
    assert "post" in schema["paths"]["/api/v1/desk/blocks/{id}/unblock/"]
    assert {"get", "patch"} <= set(schema["paths"]["/api/v1/policy/"])


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"reason": "seen"}, "identity_not_checked"),
        ({"identity_checked": True}, "reason"),
    ],
)
def test_a_missing_field_gets_the_clear_error_in_the_requests_language(
    fo_api, kpj_block, payload, code
):
    url = f"{BLOCKS}{kpj_block.pk}/unblock/"
    with translation.override("id"):  # keep the request's language in this test
        english = fo_api.post(url, payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
        indonesian = fo_api.post(url, payload, format="json", HTTP_ACCEPT_LANGUAGE="id")
    assert (english.status_code, indonesian.status_code) == (400, 400)
    assert english.json()["code"] == indonesian.json()["code"] == code
    assert english.json()["detail"] != indonesian.json()["detail"]
    assert "Some fields" not in indonesian.json()["detail"]
    kpj_block.refresh_from_db()
    assert kpj_block.is_active
