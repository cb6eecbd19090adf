import datetime as dt

import pytest
import requests
from django.conf import settings

from claims import services
from claims.bank.simulator import CLOSED_AFTER_CHECK
from claims.models import ClaimStatus, Payout, PayoutStatus
from notifications.models import Notification
from tests.claims.helpers import make_participant, ready_claim
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db


def _approved(participant, capture, **bank):
    claim = ready_claim(participant, **bank)
    with capture(execute=False):  # keep the payout queued: the test drives it
        services.claim_submit(claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    return claim, claim.payouts.get()


def test_sending_twice_moves_the_money_once(bank, django_capture_on_commit_callbacks):
    from claims.bank import client

    participant = make_participant(balance=9_000_000)
    claim, payout = _approved(participant, django_capture_on_commit_callbacks)
    # A worker POSTed and was killed before saving the answer: the row is queued.
    client.disbursement_create(
        idempotency_key=payout.idempotency_key,
        payload={
            "external_id": payout.idempotency_key, "amount": payout.amount,
            "bank_code": payout.bank_code, "account_number": payout.account_number,
            "account_holder_name": payout.account_holder,
        },
    )  # fmt: skip
    services.payout_send(payout_id=payout.pk)
    services.payout_send(payout_id=payout.pk)
    services.payout_apply(payout_id=payout.pk, bank_status="COMPLETED")
    claim.refresh_from_db()
    participant.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert participant.balance == 0 and participant.paid_out_total == 9_000_000
    transfers = [t for t in bank.transfers() if t["external_id"] == claim.reference]
    assert len(transfers) == 1
    assert (
        Notification.objects.filter(participant=participant, kind="claim_paid").count()
        == 1
    )


def test_the_callback_settles_a_pending_transfer_once(
    bank, client, django_capture_on_commit_callbacks
):
    bank.flags(settle_delay_ms=60_000)
    participant = make_participant()
    claim, payout = _approved(participant, django_capture_on_commit_callbacks)
    services.payout_send(payout_id=payout.pk)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAYOUT_PENDING
    payout.refresh_from_db()
    body = {"id": payout.bank_id, "external_id": claim.reference, "status": "COMPLETED"}
    url = "/claims/bank/callback/"
    assert client.post(url, body, content_type="application/json").status_code == 403
    headers = {"X-Callback-Token": settings.BANK_CALLBACK_TOKEN}
    forged = {**body, "external_id": "JHT-NOPE"}
    assert (
        client.post(
            url, forged, content_type="application/json", headers=headers
        ).status_code
        == 404
    )
    for _ in range(2):
        response = client.post(
            url, body, content_type="application/json", headers=headers
        )
        assert response.status_code == 204
    claim.refresh_from_db()
    participant.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert participant.paid_out_total == claim.gross
    assert list(claim.events.values_list("to_status", flat=True))[-2:] == [
        "payout_pending",
        "paid",
    ]


def test_a_dropped_callback_is_settled_by_polling(
    bank, django_capture_on_commit_callbacks
):
    bank.flags(settle_delay_ms=50, drop_callbacks=1)
    participant = make_participant()
    claim, payout = _approved(participant, django_capture_on_commit_callbacks)
    services.payout_send(payout_id=payout.pk)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PENDING

    def polled():
        services.payout_poll(payout_id=payout.pk)
        payout.refresh_from_db()
        return payout.status == PayoutStatus.COMPLETED

    wait_for(polled, timeout=10)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID


def test_a_timeout_is_retried_with_the_same_key_and_pays_once(
    bank, django_capture_on_commit_callbacks, monkeypatch
):
    from claims.bank.client import BankTransientError

    monkeypatch.setenv("BANK_TIMEOUT_SECONDS", "0.5")
    bank.flags(timeout_next=1, timeout_seconds=1.5)
    participant = make_participant()
    claim, payout = _approved(participant, django_capture_on_commit_callbacks)
    with pytest.raises(BankTransientError):
        services.payout_send(payout_id=payout.pk)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.SENDING and "Timeout" in payout.last_error
    services.payout_send(payout_id=payout.pk)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert (
        len([t for t in bank.transfers() if t["external_id"] == claim.reference]) == 1
    )


def test_a_failed_transfer_returns_the_claim_to_fix_the_account_then_pays_once(
    bank, django_capture_on_commit_callbacks
):
    participant = make_participant()
    claim, payout = _approved(
        participant,
        django_capture_on_commit_callbacks,
        account_number=CLOSED_AFTER_CHECK,
    )
    services.payout_send(payout_id=payout.pk)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAYOUT_FAILED
    assert Notification.objects.filter(kind="claim_payout_failed").count() == 1
    participant.refresh_from_db()
    assert participant.paid_out_total == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_bank_account_set(
            claim=claim,
            bank_code="BNI",
            account_number="7770001234",
            account_holder=participant.full_name,
        )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    keys = list(claim.payouts.order_by("pk").values_list("idempotency_key", "status"))
    assert keys == [(claim.reference, "failed"), (f"{claim.reference}-R1", "completed")]
    completed = [t for t in bank.transfers() if t["status"] == "COMPLETED"]
    assert [
        t["external_id"] for t in completed if claim.reference in t["external_id"]
    ] == [f"{claim.reference}-R1"]
    participant.refresh_from_db()
    assert participant.paid_out_total == claim.gross


def test_the_sweep_redispatches_a_lost_message_and_polls_pending(
    bank, django_capture_on_commit_callbacks
):
    participant = make_participant()
    claim, payout = _approved(participant, django_capture_on_commit_callbacks)
    assert services.payout_sweep(stale_seconds=3600)["send"] == 0  # not stale yet
    result = services.payout_sweep(stale_seconds=0)
    assert result == {"send": 1, "poll": 0, "dispatched": 1, "alerted": 0}
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert services.payout_sweep(stale_seconds=0)["send"] == 0


def test_the_simulator_requires_the_api_key_and_an_idempotency_key(bank):
    body = {
        "external_id": "X1", "amount": 5, "bank_code": "BCA",
        "account_holder_name": "A", "account_number": "123456",
    }  # fmt: skip
    url = f"{bank.url}/disbursements"
    assert requests.post(url, json=body, timeout=5).status_code == 401
    key = {"X-API-Key": settings.BANK_API_KEY}
    assert requests.post(url, json=body, headers=key, timeout=5).status_code == 400
    first = requests.post(
        url, json=body, headers={**key, "Idempotency-Key": "k-1"}, timeout=5
    )
    again = requests.post(
        url,
        json={**body, "amount": 999},
        headers={**key, "Idempotency-Key": "k-1"},
        timeout=5,
    )
    assert first.status_code == 200
    assert again.status_code == 409  # the same key for another transfer
    listed = requests.get(
        url, params={"external_id": "X1"}, headers=key, timeout=5
    ).json()
    assert len(listed) == 1 and listed[0]["amount"] == 5


def test_a_rejected_transfer_and_the_cooling_period(
    bank, django_capture_on_commit_callbacks
):
    from claims.models import ClaimPolicy

    ClaimPolicy.objects.filter(pk=1).update(bank_cooling_hours=24)
    bank.flags(fail_next=1)
    participant = make_participant()
    claim, payout = _approved(participant, django_capture_on_commit_callbacks)
    services.payout_send(payout_id=payout.pk)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAYOUT_FAILED
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_bank_account_set(
            claim=claim, bank_code="BRI", account_number="4440001234",
            account_holder=participant.full_name,
        )  # fmt: skip
    second = claim.payouts.order_by("-pk").first()
    assert second.not_before is not None  # waits for the cooling period
    assert second.status == PayoutStatus.QUEUED
    assert services.payout_sweep(stale_seconds=0)["send"] == 0


def test_the_sweep_task_runs_and_a_second_run_is_harmless(
    bank, django_capture_on_commit_callbacks
):
    from claims.tasks import payout_sweep

    participant = make_participant()
    claim, _payout = _approved(participant, django_capture_on_commit_callbacks)
    Payout.objects.filter(claim=claim).update(
        updated_at=claim.created_at - dt.timedelta(minutes=5)
    )
    assert payout_sweep.delay().get()["send"] == 1
    assert payout_sweep.delay().get()["send"] == 0
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
