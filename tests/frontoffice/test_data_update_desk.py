"""The desk's member work in API v1 and pages: search, reference photo, data update."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from rest_framework.test import APIClient

from participants.models import AuditRecord, DataUpdate, ProfileChange
from tests.biometrics import images
from tests.conftest import staff_api, staff_login
from tests.data_update import DESK_FIELDS
from tests.journey import CONTACT, EMERGENCY, POPULATION, registry_member

pytestmark = pytest.mark.django_db
DESK = "/api/v1/desk/participants/"


@pytest.fixture
def fo_api(front_office_user):
    client = staff_api(front_office_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _enrol(fo_api, member, **fields):
    body = {
        "image": SimpleUploadedFile("ref.jpg", images.raw("obama", 1)),
        "reason": "No Dukcapil photo; e-KTP checked",
        "identity_checked": "true",
        **fields,
    }
    return fo_api.post(f"{DESK}{member.pk}/reference/", body, format="multipart")


def _desk_update(fo_api, member, **changes):
    body = {
        "documents_seen": ["ktp", "kk"],
        "corrections": DESK_FIELDS,
        "reason": "Member came with e-KTP and KK",
        **changes,
    }
    return fo_api.post(f"{DESK}{member.pk}/data-update/", body, format="json")


def test_the_desk_finds_members_who_are_not_blocked(fo_api, participant):
    for q in (participant.nik, participant.kpj, participant.full_name[:6]):
        rows = fo_api.get(DESK, {"q": q}).json()["results"]
        assert [r["id"] for r in rows] == [participant.pk]
        assert participant.nik not in str(rows)


def test_a_reference_needs_the_identity_check_and_a_face(fo_api, participant):
    refused = _enrol(fo_api, participant, identity_checked="false")
    assert refused.status_code == 400
    assert refused.json()["code"] == "identity_not_checked"
    no_face = _enrol(
        fo_api, participant, image=SimpleUploadedFile("x.jpg", images.no_face())
    )
    assert no_face.status_code == 400
    assert not participant.face_references.exists()
    enrolled = _enrol(fo_api, participant)
    assert enrolled.status_code == 201 and enrolled.json()["source"] == "desk"
    audit = AuditRecord.objects.get(action="face_reference_create")
    assert audit.participant == participant and "Dukcapil" in audit.reason


def test_the_desk_update_needs_a_reference_documents_and_a_reason(fo_api, participant):
    assert _desk_update(fo_api, participant).json()["code"] == "no_reference"
    _enrol(fo_api, participant)
    missing_kk = _desk_update(fo_api, participant, documents_seen=["ktp"])
    assert missing_kk.json()["code"] == "documents_not_seen"
    assert _desk_update(fo_api, participant, reason=" ").json()["code"] == "reason"
    participant.refresh_from_db()
    assert participant.profile_confirmed_at is None
    assert not ProfileChange.objects.exists()


def test_an_identity_correction_is_audited_and_confirms_the_data(
    fo_api, participant, front_office_user
):
    _enrol(fo_api, participant)
    old_name = participant.full_name
    answer = _desk_update(
        fo_api, participant, corrections={**DESK_FIELDS, "full_name": "Budi Santosa"}
    )
    assert answer.status_code == 200 and answer.json()["channel"] == "desk"
    participant.refresh_from_db()
    assert participant.full_name == "Budi Santosa"
    assert participant.profile_confirmed_at is not None
    audit = AuditRecord.objects.get(action="identity_correct")
    assert audit.old_value == {"full_name": old_name}
    assert audit.new_value == {"full_name": "Budi Santosa"}
    assert audit.actor == front_office_user
    change = ProfileChange.objects.get(participant=participant, field="full_name")
    assert (change.old_value, change.actor, change.channel) == (
        old_name,
        front_office_user,
        "desk",
    )
    assert DataUpdate.objects.get(participant=participant).documents_seen == [
        "kk",
        "ktp",
    ]


@pytest.mark.parametrize(
    ("corrections", "field"),
    [
        ({"nik": "1234"}, "nik"),
        ({"birth_date": "1999-01-01"}, "birth_date"),  # no longer matches the NIK
        ({"kk_number": "12"}, "kk_number"),
        ({"emergency_phone": "12"}, "emergency_phone"),
    ],
)
def test_a_wrong_correction_is_a_field_error_and_changes_nothing(
    fo_api, participant, corrections, field
):
    _enrol(fo_api, participant)
    answer = _desk_update(
        fo_api, participant, corrections={**DESK_FIELDS, **corrections}
    )
    assert answer.status_code == 400
    assert field in answer.json()["errors"]
    participant.refresh_from_db()
    assert participant.profile_confirmed_at is None
    assert not ProfileChange.objects.exists()


def test_another_members_nik_cannot_be_given(
    fo_api, participant, other_participant_user
):
    _enrol(fo_api, participant)
    other_nik = other_participant_user.participant.nik
    answer = _desk_update(
        fo_api, participant, corrections={**DESK_FIELDS, "nik": other_nik}
    )
    assert answer.status_code == 400 and "nik" in answer.json()["errors"]


def test_a_member_without_a_photo_finishes_online_after_the_desk_enrols_one(
    tmp_path, fo_api, django_capture_on_commit_callbacks
):
    member = registry_member(tmp_path, photo=None)
    call = APIClient(HTTP_ACCEPT_LANGUAGE="id")
    from participants.services.accounts import account_create

    user = account_create(participant=member, email=member.email, password="x-Pass-123")
    call.force_authenticate(user)
    call.put("/api/v1/profile/membership/", {"correct": True})
    selfie = {"image": SimpleUploadedFile("s.jpg", images.raw("obama", 2))}
    refused = call.post("/api/v1/biometrics/selfies/", selfie, format="multipart")
    assert refused.status_code == 409 and "kantor cabang" in refused.json()["detail"]

    assert _enrol(fo_api, member).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        sent = call.post(
            "/api/v1/biometrics/selfies/",
            {"image": SimpleUploadedFile("s.jpg", images.raw("obama", 2))},
            format="multipart",
        )
    attempt = call.get(f"/api/v1/biometrics/selfies/{sent.json()['id']}/").json()
    assert attempt["status"] == "matched"
    assert "biometric" not in call.get("/api/v1/profile/").json()["missing"]
    assert call.put("/api/v1/profile/contact/", CONTACT).status_code == 200
    assert call.put("/api/v1/profile/population/", POPULATION).status_code == 200
    assert call.put("/api/v1/profile/emergency/", EMERGENCY).status_code == 200
    assert call.get("/api/v1/profile/").json()["missing"] == ["phone"]


def test_the_desk_page_confirms_the_data(client, front_office_user, participant):
    from biometrics.services import face_reference_create

    face_reference_create(
        participant=participant, image=images.raw("obama", 1), source="registry"
    )
    staff_login(front_office_user, client)
    url = f"/desk/participants/{participant.pk}/data-update/"
    page = client.get(url)
    assert participant.full_name.encode() in page.content
    form = {**DESK_FIELDS, "full_name": participant.full_name, "nik": participant.nik,
            "birth_date": participant.birth_date.isoformat(), "gender": participant.gender,
            "phone": participant.phone, "reason": "walk-in", "ktp_seen": "on"}  # fmt: skip
    refused = client.post(url, form)
    assert refused.status_code == 200 and b"ktp_seen" in refused.content
    done = client.post(url, {**form, "kk_seen": "on"})
    assert done.status_code == 302
    participant.refresh_from_db()
    assert participant.profile_confirmed_at is not None


@pytest.mark.parametrize(
    ("corrections", "field"),
    [
        ({"phone": 81234567890}, "phone"),  # was a 500 (TypeError)
        ({"nik": 3302010101850001}, "nik"),  # was a 500
        ({"mother_maiden_name": "Siti\x00"}, "mother_maiden_name"),  # was a 500
        ({"full_name": ["a"]}, "full_name"),  # was stored as "['a']"
        ({"address": {"street": "x"}}, "address"),
        ({"postal_code": None}, "postal_code"),
        ({"kk_number": True}, "kk_number"),
    ],
)
def test_a_correction_that_is_not_a_text_is_a_field_error_and_changes_nothing(
    fo_api, participant, corrections, field
):
    """Found by an adversarial API run: numbers and NUL characters were 500s, a
    list became the member's name as Python text."""
    _enrol(fo_api, participant)
    before = (participant.full_name, participant.nik, participant.phone)
    answers = {}
    with translation.override("id"):  # keep the request's language in this test
        for lang in ("en", "id"):
            answer = fo_api.post(
                f"{DESK}{participant.pk}/data-update/",
                {
                    "documents_seen": ["ktp", "kk"],
                    "corrections": {**DESK_FIELDS, **corrections},
                    "reason": "Member came with e-KTP and KK",
                },
                format="json",
                HTTP_ACCEPT_LANGUAGE=lang,
            )
            assert answer.status_code == 400, answer.content
            assert answer.json()["code"] == "invalid"
            answers[lang] = answer.json()["errors"]["corrections"]
            assert set(answers[lang]) == {field}
    assert answers["en"] != answers["id"]  # in the request's language
    participant.refresh_from_db()
    assert (participant.full_name, participant.nik, participant.phone) == before
    assert participant.profile_confirmed_at is None
    assert not ProfileChange.objects.exists()
    assert not DataUpdate.objects.filter(participant=participant).exists()
