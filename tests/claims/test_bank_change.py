"""The bank account changed before the decision: the bank's name inquiry, the
cooling period set on the policy page, notices on the old and new contact."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from claims import services
from claims.bank.simulator import NAME_MISMATCH_ACCOUNT
from claims.models import ClaimStatus, Payout, PayoutStatus
from claims.services.bank_change import bank_change_old_contact_tell
from jmo_portal.sms import ConsoleSmsBackend
from tests.claims.helpers import under_review
from tests.claims.test_review import officer
from tests.conftest import member_api, staff_api
from tests.data_update import confirm_data_at_desk

pytestmark = pytest.mark.django_db
S = ClaimStatus
NEW = {"bank_code": "BNI", "account_number": "0099887766"}


def change(claim, **account):
    return member_api(claim.participant).put(
        f"/api/v1/claims/{claim.reference}/bank-account/",
        {**NEW, "account_holder": claim.participant.full_name, **account},
        format="json",
    )


def test_a_change_under_review_is_checked_recorded_and_told_on_both_contacts(
    bank, django_capture_on_commit_callbacks
):
    claim = under_review()
    participant = claim.participant
    old_phone = participant.phone
    confirm_data_at_desk(participant, phone="081377778888")  # a new phone on file
    participant.refresh_from_db()
    ConsoleSmsBackend.sent.clear()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = change(claim)
    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert (claim.bank_code, claim.account_number) == ("BNI", "0099887766")
    assert claim.status == S.UNDER_REVIEW and claim.bank_changed_at is not None
    assert claim.review_round == 1  # earlier first approvals no longer count
    event = claim.events.last()
    assert "••••7766" in event.note and "0099887766" not in event.note
    phones = [phone for phone, _text in ConsoleSmsBackend.sent]
    assert participant.phone in phones and old_phone in phones
    assert [m.to for m in mail.outbox] == [[participant.email]]
    assert "0099887766" not in mail.outbox[0].body
    # The old contact's notice is queued once per change: asked again, no second.
    bank_change_old_contact_tell(claim=claim, title="t", body="b")
    assert [phone for phone, _text in ConsoleSmsBackend.sent].count(old_phone) == 1


def test_an_account_in_another_name_is_refused_and_nothing_changes(bank):
    claim = under_review()
    response = change(claim, account_number=NAME_MISMATCH_ACCOUNT)
    assert response.status_code == 400 and response.json()["code"] == "name_mismatch"
    claim.refresh_from_db()
    assert claim.account_number == "1234567890" and claim.bank_changed_at is None
    assert claim.review_round == 0


def test_the_payout_waits_the_cooling_period_from_the_policy_page(
    bank, admin_user, time_machine, django_capture_on_commit_callbacks
):
    policy = staff_api(admin_user).patch(
        "/api/v1/policy/",
        {"bank_cooling_hours": 24, "reason": "fraud cases after account changes"},
        format="json",
    )
    assert policy.status_code == 200 and policy.json()["bank_cooling_hours"] == 24
    claim = under_review()
    assert change(claim).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_approve(claim=claim, actor=officer("o1"))
    payout = Payout.objects.get(claim=claim)
    claim.refresh_from_db()
    assert payout.not_before == claim.bank_changed_at + dt.timedelta(hours=24)

    def sent() -> list[str]:  # the shared simulator holds other tests' transfers
        return [
            t["account_number"]
            for t in bank.transfers()
            if t["external_id"] == claim.reference
        ]

    assert payout.status == PayoutStatus.QUEUED and sent() == []
    time_machine.move_to(payout.not_before + dt.timedelta(minutes=5))
    services.payout_send(payout_id=payout.pk)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.COMPLETED
    assert sent() == ["0099887766"]


def test_no_change_once_the_payout_is_on_its_way(bank):
    claim = under_review()
    services.claim_approve(claim=claim, actor=officer("o1"))
    response = change(claim)
    assert response.status_code == 409
    claim.refresh_from_db()
    assert claim.account_number == "1234567890"


def test_the_claim_page_offers_the_change_before_the_decision(bank, client):
    claim = under_review()
    client.force_login(claim.participant.user)
    html = client.get(reverse("claims:detail", args=[claim.reference])).content
    assert b'id="change-bank"' in html
    assert client.get(reverse("claims:bank", args=[claim.reference])).status_code == 200
