"""API v1 after submission: the desk's return/approve/reject, the member's fix,
cancel and appeal; forged references and wrong states change nothing."""

import pytest
from django.contrib.auth.models import Group

from claims.models import Claim, ClaimAppeal, ClaimCorrection, ClaimStatus
from tests.claims.helpers import make_participant, png_upload, under_review
from tests.conftest import _staff_user, member_api, staff_api

pytestmark = pytest.mark.django_db
S = ClaimStatus


@pytest.fixture
def desk(claims_officer_user):
    return staff_api(claims_officer_user)


@pytest.fixture
def desk2(db):
    return staff_api(_staff_user("claims_officer_2", "claims_officer"))


def test_return_fix_and_approve_through_the_api(bank, desk, desk2):
    claim = under_review()
    ref = claim.reference
    response = desk.post(
        f"/api/v1/desk/claims/{ref}/return/",
        {"reason": "Use an account in your own name", "fields": ["bank_account"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "returned"

    member = member_api(claim.participant)
    detail = member.get(f"/api/v1/claims/{ref}/").json()
    assert detail["correction"]["reason"] == "Use an account in your own name"
    [item] = detail["correction"]["fields"]
    assert (item["field"], item["fixed"]) == ("bank_account", False)
    refused = member.post(
        f"/api/v1/claims/{ref}/documents/", {"kind": "ktp", "file": png_upload()},
        format="multipart",
    )  # fmt: skip
    assert refused.status_code == 409 and refused.json()["code"] == "not_requested"
    early = member.post(f"/api/v1/claims/{ref}/submit/")
    assert early.status_code == 400 and early.json()["code"] == "not_ready"

    account = {"bank_code": "BNI", "account_number": "0099887766",
               "account_holder": claim.participant.full_name}  # fmt: skip
    fixed = member.put(f"/api/v1/claims/{ref}/bank-account/", account, format="json")
    assert fixed.status_code == 200, fixed.json()
    assert fixed.json()["correction"]["fields"][0]["fixed"] is True
    again = member.post(f"/api/v1/claims/{ref}/submit/")
    assert again.status_code == 200 and again.json()["status"] == "under_review"
    approved = desk2.post(
        f"/api/v1/desk/claims/{ref}/approve/", {"reason": "ok"}, format="json"
    )
    assert approved.status_code == 200
    assert approved.json()["decided"] is True
    events = member.get(f"/api/v1/claims/{ref}/").json()["timeline"]
    # The account change is on the timeline as an event within the status.
    assert any("7766" in e["note"] for e in events if e["from_status"] == "returned")
    moves = [e["to_status"] for e in events if e["from_status"] != e["to_status"]]
    assert moves[:6] == [
        "draft", "submitted", "under_review", "returned", "under_review", "approved",
    ]  # fmt: skip


def test_reject_then_one_appeal_decided_by_another_officer(bank, desk, desk2):
    claim = under_review()
    ref = claim.reference
    member = member_api(claim.participant)
    assert desk.post(f"/api/v1/desk/claims/{ref}/reject/", {}).status_code == 400
    rejected = desk.post(
        f"/api/v1/desk/claims/{ref}/reject/", {"reason": "Unsigned letter"}
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert member.get(f"/api/v1/claims/{ref}/").json()["can_appeal"] is True
    blank = member.post(f"/api/v1/claims/{ref}/appeal/", {"reason": " "})
    assert blank.status_code == 400
    appeal = member.post(
        f"/api/v1/claims/{ref}/appeal/", {"reason": "Signed on page two"}
    )
    assert appeal.status_code == 200, appeal.json()
    assert appeal.json()["status"] == "appealed"
    assert appeal.json()["appeal"]["reason"] == "Signed on page two"
    same = desk.post(f"/api/v1/desk/claims/{ref}/approve/", {}, format="json")
    assert same.status_code == 409 and same.json()["code"] == "four_eyes_appeal"
    other = desk2.post(f"/api/v1/desk/claims/{ref}/reject/", {"reason": "Still no"})
    assert other.status_code == 200 and other.json()["status"] == "rejected"
    second = member.post(f"/api/v1/claims/{ref}/appeal/", {"reason": "again"})
    assert second.status_code == 409 and second.json()["code"] == "already_appealed"
    assert ClaimAppeal.objects.get(claim=claim).outcome == "rejected"


def test_cancel_through_the_api_and_not_after_approval(bank, desk):
    claim = under_review()
    member = member_api(claim.participant)
    response = member.post(f"/api/v1/claims/{claim.reference}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert response.json()["can_cancel"] is False

    paid = under_review()
    desk.post(f"/api/v1/desk/claims/{paid.reference}/approve/", {}, format="json")
    paid.refresh_from_db()
    status = paid.status
    member = member_api(paid.participant)
    english = member.post(
        f"/api/v1/claims/{paid.reference}/cancel/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 409 and english.json()["code"] == "not_cancellable"
    assert "can no longer be cancelled" in english.json()["detail"]
    indonesian = member.post(
        f"/api/v1/claims/{paid.reference}/cancel/", HTTP_ACCEPT_LANGUAGE="id"
    )
    assert indonesian.status_code == 409
    assert "tidak dapat dibatalkan" in indonesian.json()["detail"]
    paid.refresh_from_db()
    assert paid.status == status


def test_another_members_reference_is_a_404_and_changes_nothing(bank, desk):
    claim = under_review()
    ref = claim.reference
    intruder = member_api(make_participant())
    assert intruder.post(f"/api/v1/claims/{ref}/cancel/").status_code == 404
    desk.post(f"/api/v1/desk/claims/{ref}/reject/", {"reason": "No"})
    response = intruder.post(f"/api/v1/claims/{ref}/appeal/", {"reason": "mine!"})
    assert response.status_code == 404
    assert Claim.objects.get(pk=claim.pk).status == S.REJECTED
    assert not ClaimAppeal.objects.exists()
    unknown = desk.post("/api/v1/desk/claims/JHT000000XXXX/return/", {"reason": "x"})
    assert unknown.status_code == 404


def test_wrong_state_and_bad_fields_are_refused_in_the_users_language(bank, desk):
    claim = under_review()
    ref = claim.reference
    bad = desk.post(
        f"/api/v1/desk/claims/{ref}/return/",
        {"reason": "Need it", "fields": ["passport"]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "return_fields"
    assert "bank_account" in bad.json()["allowed"]
    member = member_api(claim.participant)
    early = member.post(
        f"/api/v1/claims/{ref}/appeal/", {"reason": "x"}, HTTP_ACCEPT_LANGUAGE="id"
    )
    assert early.status_code == 409 and early.json()["code"] == "conflict"
    assert "tidak dapat dilakukan" in early.json()["detail"]
    desk.post(f"/api/v1/desk/claims/{ref}/return/", {"reason": "KK",
              "fields": ["kk"]}, format="json")  # fmt: skip
    twice = desk.post(
        f"/api/v1/desk/claims/{ref}/return/", {"reason": "KK", "fields": ["kk"]},
        format="json",
    )  # fmt: skip
    assert twice.status_code == 409
    approve = desk.post(f"/api/v1/desk/claims/{ref}/approve/", {}, format="json")
    assert approve.status_code == 409
    assert ClaimCorrection.objects.filter(claim=claim).count() == 1
    assert Claim.objects.get(pk=claim.pk).status == S.RETURNED


def test_only_claims_officers_decide(bank, front_office_user):
    claim = under_review()
    desk = staff_api(front_office_user)
    for action in ("return", "approve", "reject"):
        response = desk.post(
            f"/api/v1/desk/claims/{claim.reference}/{action}/", {"reason": "x"}
        )
        assert response.status_code == 403
    member = member_api(claim.participant)
    assert (
        member.post(f"/api/v1/desk/claims/{claim.reference}/approve/", {}).status_code
        == 403
    )
    assert Claim.objects.get(pk=claim.pk).status == S.UNDER_REVIEW
    assert Group.objects.filter(name="claims_officer").exists()


def test_the_schema_documents_every_status_of_the_new_operations(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/claims/{reference}/cancel/",
        "/api/v1/claims/{reference}/appeal/",
        "/api/v1/desk/claims/{reference}/return/",
        "/api/v1/desk/claims/{reference}/approve/",
        "/api/v1/desk/claims/{reference}/reject/",
        "/api/v1/claims/{reference}/submit/",  # how a member answers a return
        "/api/v1/claims/{reference}/documents/",
        "/api/v1/claims/{reference}/bank-account/",
    ):
        method = "put" if path.endswith("bank-account/") else "post"
        responses = paths[path][method]["responses"]
        success = "201" if path.endswith("documents/") else "200"
        assert {success, "400", "401", "403", "404", "409"} <= set(responses), path
    claim = schema["components"]["schemas"]["ClaimOutput"]["properties"]
    assert {"delay", "correction", "appeal", "can_cancel", "can_appeal"} <= set(claim)


def test_a_cancelled_or_rejected_claim_is_refused_with_its_own_reason(bank, desk):
    cancelled = under_review()
    member = member_api(cancelled.participant)
    url = f"/api/v1/claims/{cancelled.reference}/cancel/"
    member.post(url)
    again = member.post(url, HTTP_ACCEPT_LANGUAGE="id").json()
    assert again["code"] == "not_cancellable"
    assert again["detail"] == "Klaim ini sudah dibatalkan."

    rejected = under_review()
    desk.post(
        f"/api/v1/desk/claims/{rejected.reference}/reject/",
        {"reason": "Surat resign tidak terbaca"}, format="json",
    )  # fmt: skip
    member = member_api(rejected.participant)
    refused = member.post(
        f"/api/v1/claims/{rejected.reference}/cancel/", HTTP_ACCEPT_LANGUAGE="id"
    ).json()
    assert refused["code"] == "not_cancellable"
    assert "ditolak" in refused["detail"] and "sedang dikirim" not in refused["detail"]
