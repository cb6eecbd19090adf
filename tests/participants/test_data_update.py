"""The data update through API v1: field errors, the phone code, history, validity."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from biometrics.services import face_reference_create
from claims.selectors import eligibility_facts
from jmo_portal.sms import ConsoleSmsBackend
from participants.models import Block, DataUpdate, ParticipantProfile, ProfileChange
from participants.services.codes import MAX_CODE_TRIES
from tests.biometrics import images
from tests.claims.helpers import make_participant
from tests.data_update import confirm_data_at_desk
from tests.journey import CONTACT, EMERGENCY, POPULATION

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(participant_user):
    return participant_user.participant


@pytest.fixture
def api(participant_user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="id")
    client.force_authenticate(participant_user)
    return client


def _selfie(api, capture, person: str, n: int) -> dict:
    with capture(execute=True):  # tasks run eagerly, with the real face matcher
        sent = api.post(
            "/api/v1/biometrics/selfies/",
            {"image": SimpleUploadedFile("s.jpg", images.raw(person, n))},
            format="multipart",
        )
    assert sent.status_code == 202, sent.json()
    return api.get(f"/api/v1/biometrics/selfies/{sent.json()['id']}/").json()


@pytest.mark.parametrize(
    ("section", "body", "field", "words"),
    [
        ("population", {**POPULATION, "kk_number": "12345"}, "kk_number", "16 digit"),
        ("population", {**POPULATION, "kk_number": "9902011501150003"}, "kk_number",
         "provinsi"),
        ("population", {**POPULATION, "kk_number": "3302013213150003"}, "kk_number",
         "tanggal"),
        ("population", {**POPULATION, "npwp": "12.345"}, "npwp", "15 atau 16"),
        ("contact", {**CONTACT, "phone": "12345"}, "phone", "nomor HP"),
        ("contact", {**CONTACT, "postal_code": "5311"}, "postal_code", "5 digit"),
        ("emergency", {**EMERGENCY, "phone": "0812"}, "emergency_phone", "nomor HP"),
    ],
)  # fmt: skip
def test_a_wrong_field_gets_an_indonesian_field_error_and_saves_nothing(
    api, member, section, body, field, words
):
    answer = api.put(f"/api/v1/profile/{section}/", body, format="json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert words.lower() in " ".join(answer.json()["errors"][field]).lower()
    assert not ProfileChange.objects.filter(participant=member).exists()
    assert not ParticipantProfile.objects.filter(
        participant=member, kk_number__gt=""
    ).exists()
    assert DataUpdate.objects.filter(population_saved_at__isnull=False).count() == 0


def test_a_change_is_kept_with_old_and_new_value(api, member):
    old_phone = member.phone
    assert api.put("/api/v1/profile/contact/", CONTACT).status_code == 200
    assert ProfileChange.objects.filter(participant=member, field="address").exists()
    # A new phone number is not the number on file until its SMS code is entered:
    # notices and codes keep going to the proven number, and the page shows the
    # new one as waiting.
    member.refresh_from_db()
    assert member.phone == old_phone
    assert not ProfileChange.objects.filter(participant=member, field="phone").exists()
    profile = api.get("/api/v1/profile/").json()
    assert profile["sections"]["contact"]["phone"] == "081322223333"
    assert "phone" in profile["missing"]
    api.post("/api/v1/profile/phone/code/")
    to, text = ConsoleSmsBackend.sent[-1]
    assert to == "081322223333"
    code = text.split(":")[1].split(".")[0].strip()
    assert api.post("/api/v1/profile/phone/verify/", {"code": code}).status_code == 200
    member.refresh_from_db()
    assert member.phone == "081322223333"
    change = ProfileChange.objects.get(participant=member, field="phone")
    assert (change.old_value, change.new_value) == (old_phone, "081322223333")
    assert change.channel == "online"


def test_the_emergency_contact_cannot_be_the_members_own_phone(api, member):
    body = {**EMERGENCY, "phone": member.phone}
    answer = api.put("/api/v1/profile/emergency/", body)
    assert "emergency_phone" in answer.json()["errors"]


def test_identity_fields_are_changed_only_at_the_desk(api):
    answer = api.put("/api/v1/profile/membership/", {"correct": False})
    assert answer.status_code == 409
    assert answer.json()["code"] == "identity_at_desk"
    assert "meja" in answer.json()["detail"].lower()


def test_wrong_sms_codes_are_counted_and_the_code_is_used_once(api, member):
    api.put("/api/v1/profile/contact/", CONTACT)
    api.post("/api/v1/profile/phone/code/")
    _phone, text = ConsoleSmsBackend.sent[-1]
    code = next(w for w in text.replace(".", " ").split() if w.isdigit())
    wrong = "000000" if code != "000000" else "111111"
    for left in range(MAX_CODE_TRIES - 1, 0, -1):
        answer = api.post("/api/v1/profile/phone/verify/", {"code": wrong})
        assert answer.json()["tries_left"] == left
    assert (
        api.post("/api/v1/profile/phone/verify/", {"code": wrong}).json()["code"]
        == "code_exhausted"
    )
    # Even the right code is refused now: a new code must be sent.
    refused = api.post("/api/v1/profile/phone/verify/", {"code": code})
    assert refused.json()["code"] == "code_exhausted"
    assert "phone" in api.get("/api/v1/profile/").json()["missing"]


@pytest.mark.parametrize("typed", ["12", "abcdef", "12345６"])
def test_a_code_that_is_not_six_digits_costs_no_try(api, member, typed):
    api.put("/api/v1/profile/contact/", CONTACT)
    api.post("/api/v1/profile/phone/code/")
    answer = api.post("/api/v1/profile/phone/verify/", {"code": typed})
    assert (answer.status_code, answer.json()["code"]) == (400, "code_format")
    assert answer.json()["detail"] == "Kode terdiri dari 6 angka."
    wrong = api.post("/api/v1/profile/phone/verify/", {"code": "000000"}).json()
    assert wrong.get("tries_left", MAX_CODE_TRIES - 1) == MAX_CODE_TRIES - 1


def test_after_five_codes_the_next_waits_an_hour_then_works(api, member):
    """Five SMS codes, then a wait (429 with retry_after, API.md), then five more:
    before, the sixth request was refused for good and the data update could
    never be finished online."""
    api.put("/api/v1/profile/contact/", CONTACT)
    for _ in range(5):
        assert api.post("/api/v1/profile/phone/code/").status_code == 200
    sent = len(ConsoleSmsBackend.sent)
    refused = api.post("/api/v1/profile/phone/code/")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert 3500 < refused.json()["retry_after"] <= 3600
    assert refused.headers["Retry-After"] == str(refused.json()["retry_after"])
    assert "60 menit" in refused.json()["detail"]
    assert len(ConsoleSmsBackend.sent) == sent  # no SMS
    with time_machine.travel(dt.timedelta(minutes=61)):
        assert api.post("/api/v1/profile/phone/code/").status_code == 200
        code = ConsoleSmsBackend.sent[-1][1].split(":")[1].split(".")[0].strip()
        verified = api.post("/api/v1/profile/phone/verify/", {"code": code})
        assert verified.status_code == 200


def test_a_changed_phone_must_be_verified_again(api, member):
    api.put("/api/v1/profile/contact/", CONTACT)
    api.post("/api/v1/profile/phone/code/")
    code = ConsoleSmsBackend.sent[-1][1].split(":")[1].split(".")[0].strip()
    assert api.post("/api/v1/profile/phone/verify/", {"code": code}).status_code == 200
    assert "phone" not in api.get("/api/v1/profile/").json()["missing"]
    api.put("/api/v1/profile/contact/", {**CONTACT, "phone": "081377778888"})
    assert "phone" in api.get("/api/v1/profile/").json()["missing"]


def test_confirm_lists_what_is_missing_and_changes_nothing(api, member):
    api.put("/api/v1/profile/membership/", {"correct": True})
    answer = api.post("/api/v1/profile/confirm/")
    assert answer.status_code == 400
    assert answer.json()["missing"] == [
        "biometric", "contact", "phone", "population", "emergency",
    ]  # fmt: skip
    member.refresh_from_db()
    assert member.profile_confirmed_at is None


def test_a_member_without_a_reference_photo_is_sent_to_the_desk(
    api, member, client, participant_user
):
    api.put("/api/v1/profile/membership/", {"correct": True})
    answer = api.post(
        "/api/v1/biometrics/selfies/",
        {"image": SimpleUploadedFile("s.jpg", images.raw("obama", 2))},
        format="multipart",
    )
    assert answer.status_code == 409 and answer.json()["code"] == "no_reference"
    client.force_login(participant_user)
    page = client.get("/profile/update/selfie/")
    assert page.status_code == 200
    assert b'id="no-reference"' in page.content
    text = page.content.decode()  # desk help that fits: no talk of a block
    assert "foto acuan" in text and "blokir" not in text.lower()


def test_wrong_membership_data_points_to_a_desk_that_corrects_it(
    client, participant_user
):
    client.force_login(participant_user)
    client.post("/profile/update/", HTTP_ACCEPT_LANGUAGE="id")
    page = client.post("/profile/update/membership/", {"correct": "no"})
    text = page.content.decode()
    assert 'id="identity-at-desk"' in text
    assert "Petugas memperbaiki data Anda" in text
    assert "blokir" not in text.lower()


def test_selfie_failures_in_the_update_and_in_a_claim_share_one_block(
    django_capture_on_commit_callbacks,
):
    member = make_participant(face=False)
    face_reference_create(
        participant=member, image=images.raw("obama", 1), source="registry"
    )
    api = APIClient(HTTP_ACCEPT_LANGUAGE="id")
    api.force_authenticate(member.user)
    capture = django_capture_on_commit_callbacks
    # A re-validation of confirmed data: the claim stays open meanwhile.
    api.put("/api/v1/profile/membership/", {"correct": True})
    for n in (1, 2):
        assert _selfie(api, capture, "biden", n)["status"] == "not_matched"
    claim = api.post("/api/v1/claims/", {"claim_type": "resign"})
    assert claim.status_code == 201
    last = _selfie(api, capture, "kit_harington", 1)
    assert last["status"] == "not_matched" and last["blocked"] is True
    status = api.get("/api/v1/biometrics/status/").json()
    assert status["attempts_used"] == 3 and status["blocked"] is True
    assert Block.objects.filter(participant=member, kind="biometric").count() == 1
    submit = api.post(f"/api/v1/claims/{claim.json()['reference']}/submit/")
    assert submit.status_code in (400, 423)


def test_the_confirmation_expires_after_the_revalidation_period(member):
    confirm_data_at_desk(member)
    assert eligibility_facts(member).profile_confirmed is True
    with time_machine.travel(timezone.now() + dt.timedelta(days=366)):
        assert eligibility_facts(member).profile_confirmed is False


@pytest.mark.parametrize(
    ("phone", "words"),
    [("0812", "nomor HP"), (None, "bukan nomor Anda")],  # None: the member's own
)
def test_the_emergency_page_shows_a_wrong_phone_under_its_field(
    client, participant_user, member, phone, words
):
    """The page's form names the field `phone`, the service `emergency_phone`: the
    error goes under the phone input (it was a server error)."""
    client.force_login(participant_user)
    client.post("/profile/update/", HTTP_ACCEPT_LANGUAGE="id")
    body = {**EMERGENCY, "phone": phone or member.phone}
    page = client.post("/profile/update/emergency/", body, HTTP_ACCEPT_LANGUAGE="id")
    assert page.status_code == 200
    assert words.lower() in " ".join(page.context["form"].errors["phone"]).lower()
    assert not ParticipantProfile.objects.filter(
        participant=member, emergency_name__gt=""
    ).exists()


def test_the_confirmation_does_not_promise_a_claim(
    client, participant_user, monkeypatch
):
    """Still employed or in the waiting period: confirmed data alone opens no claim."""
    from participants.services import data_update

    client.force_login(participant_user)
    client.post("/profile/update/")
    monkeypatch.setattr(data_update, "data_update_confirm", lambda **kwargs: None)
    page = client.post("/profile/update/review/", follow=True).content.decode()
    assert "data Anda sudah terbaru" in page
    assert "Sekarang Anda bisa klaim" not in page
    assert "Halaman Klaim JHT menunjukkan" in page
