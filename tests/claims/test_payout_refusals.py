"""Bank refusals end the payout: read in the participant's language, never re-sent."""

import logging

import pytest
import requests
from django.conf import settings
from django.core import mail

from claims import services
from claims.bank.simulator import CLOSED_AFTER_CHECK, INVALID_ACCOUNT
from claims.models import ClaimStatus, PayoutStatus
from notifications.models import Notification
from tests.claims.helpers import make_participant, ready_claim

pytestmark = pytest.mark.django_db


def _approved(participant, capture, **bank):
    claim = ready_claim(participant, **bank)
    with capture(execute=False):  # the test drives the payout
        services.claim_submit(claim=claim)
    claim.refresh_from_db()
    return claim, claim.payouts.get()


@pytest.mark.parametrize(
    ("account", "language", "reason"),
    [
        (CLOSED_AFTER_CHECK, "id", "rekening sudah ditutup"),
        (INVALID_ACCOUNT, "en", "the account number does not exist at this bank"),
    ],
)
def test_a_refused_transfer_fails_with_a_reason_in_the_participants_language(
    bank, django_capture_on_commit_callbacks, client, account, language, reason
):
    participant = make_participant(language=language)
    claim, payout = _approved(
        participant, django_capture_on_commit_callbacks, account_number=account
    )
    services.payout_send(payout_id=payout.pk)
    payout.refresh_from_db()
    claim.refresh_from_db()
    assert payout.status == PayoutStatus.FAILED
    assert claim.status == ClaimStatus.PAYOUT_FAILED
    message = Notification.objects.get(kind="claim_payout_failed")
    assert reason in message.body
    # The claim page shows why and asks for another account.
    client.force_login(participant.user)
    page = client.get(claim.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
    assert reason in page.content.decode()
    # Never sent again as it is: the sweep leaves it, the bank has it once.
    assert services.payout_sweep(stale_seconds=0)["dispatched"] == 0
    sent = [t for t in bank.transfers() if t["idempotency_key"] == claim.reference]
    assert len(sent) == 1


def test_a_reused_idempotency_key_is_a_409_at_the_bank(bank):
    body = {
        "external_id": "K409", "amount": 5, "bank_code": "BCA",
        "account_holder_name": "A", "account_number": "123456",
    }  # fmt: skip
    headers = {"X-API-Key": settings.BANK_API_KEY, "Idempotency-Key": "k-409"}
    url = f"{bank.url}/disbursements"
    first = requests.post(url, json=body, headers=headers, timeout=5)
    same = requests.post(url, json=body, headers=headers, timeout=5)
    other = requests.post(url, json={**body, "amount": 6}, headers=headers, timeout=5)
    assert first.status_code == same.status_code == 200
    assert same.json() == first.json()
    assert other.status_code == 409
    assert other.json()["error_code"] == "IDEMPOTENCY_KEY_REUSED"


def test_a_key_conflict_stops_the_payout_and_alerts_the_officers(
    bank, django_capture_on_commit_callbacks, claims_officer_user, caplog
):
    participant = make_participant()
    claim, payout = _approved(participant, django_capture_on_commit_callbacks)
    # Someone else's transfer already went to the bank under this claim's key.
    requests.post(
        f"{bank.url}/disbursements",
        json={"external_id": claim.reference, "amount": 1, "bank_code": "BCA",
              "account_holder_name": "X", "account_number": "5550001"},
        headers={"X-API-Key": settings.BANK_API_KEY,
                 "Idempotency-Key": claim.reference},
        timeout=5,
    )  # fmt: skip
    with (
        caplog.at_level(logging.ERROR, logger="claims"),
        django_capture_on_commit_callbacks(execute=True),  # the alert's delivery
    ):
        services.payout_send(payout_id=payout.pk)
    payout.refresh_from_db()
    claim.refresh_from_db()
    assert (payout.status, payout.failure_code) == ("failed", "IDEMPOTENCY_KEY_REUSED")
    assert claim.status == ClaimStatus.APPROVED  # no new account asked for
    assert [m.to for m in mail.outbox] == [[claims_officer_user.email]]
    assert claim.reference in mail.outbox[0].body
    assert "Idempotency-Key conflict" in caplog.text
    assert services.payout_sweep(stale_seconds=0)["dispatched"] == 0


def test_a_payout_unsettled_after_n_sweeps_alerts_the_officers_once(
    bank, django_capture_on_commit_callbacks, claims_officer_user, settings
):
    settings.PAYOUT_ALERT_AFTER_SWEEPS = 3
    bank.flags(error_rate=1)  # the bank answers 503 to every transfer
    participant = make_participant()
    claim, payout = _approved(participant, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        alerts = [services.payout_sweep(stale_seconds=0)["alerted"] for _ in range(5)]
    assert alerts == [0, 0, 1, 0, 0]
    payout.refresh_from_db()
    assert payout.status in (PayoutStatus.QUEUED, PayoutStatus.SENDING)
    assert len(mail.outbox) == 1
    assert claim.reference in mail.outbox[0].body
