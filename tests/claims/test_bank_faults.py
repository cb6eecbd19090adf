"""The bank gateway misbehaving: statuses that are no refusal, broken bodies, cuts.

None of them may fail a payout (which asks the member for another account and is
never sent again) or crash the task: each is a transient error, the payout waits
with the error noted, and the next send with the same key pays it once.
"""

import time

import pytest

from claims import services
from claims.bank.client import BankTransientError
from claims.models import ClaimStatus, PayoutStatus
from jmo_portal.exceptions import ApplicationError
from tests.claims.helpers import make_participant, ready_claim
from tests.odd_gateway import ANSWERS

pytestmark = pytest.mark.django_db


def _transfers(bank, claim) -> list[dict]:
    """This claim's transfers (the simulator is shared by the session's tests)."""
    return [t for t in bank.transfers() if t["external_id"] == claim.reference]


def _submitted(capture) -> tuple:
    """A claim submitted online, and its payout, not sent yet."""
    claim = ready_claim(make_participant())
    with capture(execute=False):
        services.claim_submit(claim=claim)
    return claim, claim.payouts.get()


def test_no_odd_answer_fails_or_crashes_a_payout_and_it_is_paid_once_after(
    bank, odd_gateway, settings, django_capture_on_commit_callbacks
):
    claim, payout = _submitted(django_capture_on_commit_callbacks)
    settings.BANK_API_URL = odd_gateway.url
    for name in ANSWERS:
        odd_gateway.answer(name)
        with pytest.raises(BankTransientError):
            services.payout_send(payout_id=payout.pk)
        with pytest.raises(BankTransientError):
            services.payout_poll(payout_id=payout.pk)
        payout.refresh_from_db()
        claim.refresh_from_db()
        assert (payout.status, claim.status) == (
            PayoutStatus.SENDING,
            ClaimStatus.APPROVED,
        ), name
        assert payout.last_error.startswith("POST /disbursements"), name
    assert _transfers(bank, claim) == []
    settings.BANK_API_URL = bank.url  # the gateway behaves again
    services.payout_send(payout_id=payout.pk)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert [t["external_id"] for t in _transfers(bank, claim)] == [claim.reference]


def test_an_account_check_the_bank_cannot_answer_says_so(bank, odd_gateway, settings):
    participant = make_participant()
    claim = services.claim_start(participant=participant, claim_type="resign")
    services.claim_kpj_check(claim=claim, kpj_number=participant.kpj)
    settings.BANK_API_URL = odd_gateway.url
    for name in ANSWERS:
        odd_gateway.answer(name)
        with pytest.raises(ApplicationError) as caught:
            services.claim_bank_account_set(
                claim=claim, bank_code="BCA", account_number="1234567890",
                account_holder=participant.full_name,
            )  # fmt: skip
        assert caught.value.code == "bank_unavailable", name
    claim.refresh_from_db()
    assert claim.account_number == ""


@pytest.mark.parametrize("headers", [False, True], ids=["body", "headers"])
def test_an_answer_dripped_a_byte_at_a_time_is_given_up_on(
    headers,
    bank,
    odd_gateway,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """Each byte comes within the read timeout; the whole answer does not come
    within connect + read timeout, so the call ends (before, it waited for all of
    the body; for headers dripped, it still did)."""
    monkeypatch.setenv("BANK_TIMEOUT_SECONDS", "0.3")
    claim, payout = _submitted(django_capture_on_commit_callbacks)
    settings.BANK_API_URL = odd_gateway.url
    # ~8 s for the whole answer; given up on at 3.05 + 0.3 s.
    odd_gateway.answer("a whole answer", drip=0.1, headers=headers)
    started = time.monotonic()
    with pytest.raises(BankTransientError, match="Timeout"):
        services.payout_send(payout_id=payout.pk)
    assert time.monotonic() - started < 4.5
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.SENDING


@pytest.mark.parametrize(
    ("token", "body", "status"),
    [
        ("dev-callback-token", "[1, 2]", 400),  # JSON, but not an object
        ("dev-callback-token", '"COMPLETED"', 400),
        ("tokén-ü", '{"external_id": "JHT-X"}', 403),  # non-ASCII token header
    ],
)
def test_an_odd_bank_callback_is_refused_not_a_server_error(
    client, settings, token, body, status
):
    token = settings.BANK_CALLBACK_TOKEN if token == "dev-callback-token" else token
    response = client.post(
        "/claims/bank/callback/", body, content_type="application/json",
        headers={"X-Callback-Token": token},
    )  # fmt: skip
    assert response.status_code == status
