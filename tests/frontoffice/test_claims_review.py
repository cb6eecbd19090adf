"""The claims officer's queue: documents, findings, tax preview, four-eyes rule."""

import pytest
from django.urls import reverse

from claims.models import ClaimStatus
from participants.models import AuditRecord
from tests.claims.helpers import under_review


def test_the_queue_shows_claims_above_the_cap_with_the_nik_masked(reviewer, db):
    claim = under_review(20_000_000)
    html = reviewer.get(reverse("frontoffice:claims")).content.decode()
    assert claim.reference in html
    assert claim.participant.nik not in html
    detail = reviewer.get(reverse("frontoffice:claim", args=[claim.reference]))
    html = detail.content.decode()
    assert "Rp 20.000.000" in html  # gross in the tax preview
    document = claim.documents.first()
    url = reverse("frontoffice:claim-document", args=[claim.reference, document.pk])
    assert url in html
    file = reviewer.get(url)
    assert file.status_code == 200 and file["Content-Type"] == "image/png"


def test_a_claim_under_the_four_eyes_amount_is_approved_by_one_officer(
    reviewer, claims_officer_user, db
):
    claim = under_review(20_000_000)
    reviewer.post(
        reverse("frontoffice:decide", args=[claim.reference]),
        {"decision": "approve", "note": "documents fine"},
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert claim.decided_by == claims_officer_user


def test_a_large_claim_needs_a_second_different_officer(reviewer, second_reviewer, db):
    claim = under_review(60_000_000)
    url = reverse("frontoffice:decide", args=[claim.reference])
    reviewer.post(url, {"decision": "approve", "note": "ok"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_REVIEW
    assert AuditRecord.objects.filter(action="claim_first_approval").count() == 1
    reviewer.post(url, {"decision": "approve", "note": "ok again"})  # same officer
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_REVIEW
    second_reviewer.post(url, {"decision": "approve", "note": "agreed"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


def test_a_rejection_needs_a_reason(reviewer, db):
    claim = under_review(20_000_000)
    url = reverse("frontoffice:decide", args=[claim.reference])
    reviewer.post(url, {"decision": "reject", "note": ""})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_REVIEW
    reviewer.post(url, {"decision": "reject", "note": "The letter is unreadable."})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    assert claim.decision_note == "The letter is unreadable."


@pytest.mark.parametrize("decision", [None, "rejct", "approve "])
def test_a_decision_that_is_none_of_the_three_changes_nothing(reviewer, db, decision):
    """Anything but approve, return or reject rejected the claim before."""
    claim = under_review(20_000_000)
    body = {"note": "looked at it"} | ({"decision": decision} if decision else {})
    page = reviewer.post(
        reverse("frontoffice:decide", args=[claim.reference]), body, follow=True
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_REVIEW
    assert "Pilih setujui, kembalikan, atau tolak." in page.content.decode()
