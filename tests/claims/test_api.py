import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override
from rest_framework.test import APIClient

from claims.models import Claim, ClaimStatus
from participants.models import Block
from tests.claims.helpers import make_participant, pass_selfie, png_upload
from tests.conftest import member_api, staff_api, staff_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant():
    return make_participant()


def test_the_whole_claim_through_the_api(
    bank, participant, django_capture_on_commit_callbacks
):
    api = member_api(participant)
    response = api.post("/api/v1/claims/", {"claim_type": "resign"}, format="json")
    assert response.status_code == 201, response.json()
    ref = response.json()["reference"]
    assert response.json()["next_step"] == "kpj"
    assert (
        api.post("/api/v1/claims/", {"claim_type": "resign"}, format="json").status_code
        == 409
    )

    wrong = api.post(f"/api/v1/claims/{ref}/kpj-check/", {"kpj_number": "99999999999"})
    assert wrong.status_code == 400 and wrong.json()["attempts_left"] == 2
    ok = api.post(f"/api/v1/claims/{ref}/kpj-check/", {"kpj_number": participant.kpj})
    assert ok.status_code == 200 and ok.json()["kpj_verified"]

    account = {"bank_code": "MANDIRI", "account_number": "1300012345678",
               "account_holder": participant.full_name}  # fmt: skip
    response = api.put(f"/api/v1/claims/{ref}/bank-account/", account, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["bank_account"]["account_number"].endswith("5678")
    assert "1300012345678" not in str(response.json())

    early = api.post(f"/api/v1/claims/{ref}/submit/")
    assert early.status_code == 400 and early.json()["code"] == "not_ready"
    pass_selfie(participant)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/claims/{ref}/submit/")
    assert response.status_code == 200
    assert response.json()["status"] == ClaimStatus.APPROVED
    detail = api.get(f"/api/v1/claims/{ref}/").json()
    assert detail["status"] == "paid"
    assert [e["to_status"] for e in detail["timeline"]] == [
        "draft", "submitted", "approved", "paid",
    ]  # fmt: skip
    assert detail["gross"] == 12_000_000 and detail["net"] == 12_000_000
    assert api.post(f"/api/v1/claims/{ref}/submit/").status_code == 409
    assert len(api.get("/api/v1/claims/").json()) == 1


def test_the_kpj_lock_answers_423(participant):
    api = member_api(participant)
    ref = api.post("/api/v1/claims/", {"claim_type": "resign"}).json()["reference"]
    codes = [
        api.post(
            f"/api/v1/claims/{ref}/kpj-check/", {"kpj_number": "99999999999"}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 423, 423]
    locked = api.post(
        f"/api/v1/claims/{ref}/kpj-check/", {"kpj_number": participant.kpj}
    )
    assert locked.status_code == 423 and locked.json()["code"] == "kpj_locked"
    # Locked while the member read Indonesian; the desk may read English.
    block = Block.objects.active().get(participant=participant, kind="kpj")
    with override("en"):
        assert block.reason_text == "Too many wrong KPJ numbers during a claim"


def test_a_malformed_kpj_is_a_400_with_attempts_left_in_the_request_language(
    participant,
):
    api = member_api(participant)
    ref = api.post("/api/v1/claims/", {"claim_type": "resign"}).json()["reference"]
    url = f"/api/v1/claims/{ref}/kpj-check/"
    api.post(url, {"kpj_number": "99999999999"})  # one wrong number: 2 left
    english = api.post(url, {"kpj_number": "12ab"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert english.json() == {
        "detail": "A KPJ number has 11 digits.",
        "code": "kpj_format",
        "attempts_left": 2,
    }
    missing = api.post(url, {}, format="json", HTTP_ACCEPT_LANGUAGE="id")
    assert missing.status_code == 400
    assert missing.json()["detail"] == "Nomor KPJ terdiri dari 11 angka."
    assert missing.json()["attempts_left"] == 2
    assert Claim.objects.get(reference=ref).kpj_verified_at is None


def test_another_participants_claim_is_a_404_and_unchanged(participant):
    owner_api = member_api(participant)
    ref = owner_api.post("/api/v1/claims/", {"claim_type": "resign"}).json()[
        "reference"
    ]
    intruder = member_api(make_participant())
    assert intruder.get(f"/api/v1/claims/{ref}/").status_code == 404
    response = intruder.post(
        f"/api/v1/claims/{ref}/kpj-check/", {"kpj_number": participant.kpj}
    )
    assert response.status_code == 404
    assert intruder.post(f"/api/v1/claims/{ref}/submit/").status_code == 404
    assert Claim.objects.get(reference=ref).kpj_verified_at is None


def test_forged_types_and_amounts_are_refused(participant):
    api = member_api(participant)
    response = api.post("/api/v1/claims/", {"claim_type": "jackpot"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "claim_type"
    response = api.post(
        "/api/v1/claims/",
        {"claim_type": "resign", "amount": 999_000_000},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "read_only"
    death = api.post("/api/v1/claims/", {"claim_type": "death"}, format="json")
    assert death.status_code == 400 and death.json()["code"] == "not_online"
    assert not Claim.objects.exists()


def test_documents_upload_through_the_api(bank):
    participant = make_participant(balance=20_000_000)
    api = member_api(participant)
    ref = api.post("/api/v1/claims/", {"claim_type": "resign"}).json()["reference"]
    response = api.post(
        f"/api/v1/claims/{ref}/documents/", {"kind": "ktp", "file": png_upload()},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 201 and response.json()["documents"] == ["ktp"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("kk.pdf", b"not a pdf at all")
    response = api.post(
        f"/api/v1/claims/{ref}/documents/",
        {"kind": "kk", "file": fake},
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["code"] == "file_type"


def test_staff_and_anonymous_get_no_claims(front_office_user):
    assert APIClient().get("/api/v1/claims/").status_code in (401, 403)
    staff = staff_api(front_office_user)
    assert staff.get("/api/v1/claims/").status_code == 403


@pytest.mark.django_db
def test_a_json_null_body_is_a_clear_400_not_a_server_error(participant_api):
    # Found by fuzzing the schema: `null` is valid JSON but not an object.
    response = participant_api.post(
        "/api/v1/claims/", "null", content_type="application/json"
    )
    assert response.status_code == 400


def test_the_portals_own_timeline_notes_speak_the_readers_language(
    bank, participant, claims_officer_user
):
    """A note the portal writes (not an officer's words) is stored in the source
    language and shown in each reader's, in the API and on the member's and the
    desk's timelines: before, it stayed in the language of the request that caused
    it."""
    from claims import services
    from tests.claims.helpers import ready_claim

    claim = ready_claim(participant)
    services.claim_submit(claim=claim)
    member = Client()
    member.force_login(participant.user)
    officer = staff_login(claims_officer_user)
    desk = reverse("frontoffice:claim", args=[claim.reference])
    said = {"en": "Approved automatically: online claim."}
    said["id"] = "Disetujui otomatis: klaim online."
    for language, other in (("id", "en"), ("en", "id")):
        api = member_api(participant)
        answer = api.get(
            f"/api/v1/claims/{claim.reference}/", HTTP_ACCEPT_LANGUAGE=language
        )
        notes = {e["note"] for e in answer.json()["timeline"] if e["note"]}
        assert said[language] in notes
        for client, url in ((member, claim.get_absolute_url()), (officer, desk)):
            page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
            assert said[language] in page and said[other] not in page
