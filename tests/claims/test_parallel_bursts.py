"""Identical claim requests sent at once (a double tap, a retrying app, two tabs):
one takes effect, the others get a clear 4xx, and the database stays consistent.
Two members racing on each other's claims change nothing."""

from collections import Counter
from pathlib import Path

import pytest
from django.test import Client

from claims import services
from claims.bank.simulator import CLOSED_AFTER_CHECK
from claims.models import (
    Claim,
    ClaimAppeal,
    ClaimDocument,
    ClaimEvent,
    ClaimStatus,
    Payout,
)
from notifications.models import Notification
from tests.bursts import api_clients, burst, outcomes, refusals_are_clear
from tests.claims.helpers import make_participant, png_upload, ready_claim
from tests.claims.helpers import under_review as claim_under_review
from tests.conftest import require_services

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
S = ClaimStatus
N = 6


@pytest.fixture(autouse=True)
def _postgres(deployed_policy_rows):
    require_services(postgres=True)


def _url(claim: Claim, action: str = "") -> str:
    return f"/api/v1/claims/{claim.reference}/{action}"


def _moves(claim: Claim) -> Counter:
    """How often the claim entered each status (events within a status left out)."""
    events = ClaimEvent.objects.filter(claim=claim)
    return Counter(e.to_status for e in events if e.from_status != e.to_status)


def _kinds(participant) -> Counter:
    return Counter(
        Notification.objects.filter(participant=participant).values_list(
            "kind", flat=True
        )
    )


def test_parallel_starts_open_one_claim():
    participant = make_participant()
    clients = api_clients(participant.user, 8)
    # A few rounds: the loser that reads the winner's claim in the eligibility
    # check, not at the first look or at the insert, comes only now and then.
    for _round in range(3):
        responses = burst(
            [
                lambda c=c: c.post("/api/v1/claims/", {"claim_type": "resign"})
                for c in clients
            ]
        )
        assert outcomes(responses) == {(201, None): 1, (409, "active_claim"): 7}
        refusals_are_clear(responses)
        claim = Claim.objects.active().get(participant=participant)
        assert ClaimEvent.objects.filter(claim=claim).count() == 1
        services.claim_cancel(claim=claim)


def test_a_double_tap_on_the_start_page_opens_one_claim():
    participant = make_participant()
    clients = [Client(HTTP_ACCEPT_LANGUAGE="en") for _ in range(4)]
    for client in clients:
        client.force_login(participant.user)
    responses = burst(
        [
            lambda c=c: c.post("/claims/start/", {"claim_type": "resign"})
            for c in clients
        ]
    )
    assert [r.status_code for r in responses] == [302] * 4
    claim = Claim.objects.get(participant=participant)
    # One tap goes on with the claim; the others are told one is in progress.
    assert sorted(r.url for r in responses) == sorted(
        [f"/claims/{claim.reference}/continue/"] + ["/claims/"] * 3
    )
    told = [c.get("/claims/").content.decode() for c in clients]
    assert sum("You already have a claim in progress." in page for page in told) == 3


def test_parallel_submits_approve_pay_and_notify_once(bank):
    participant = make_participant()
    claim = ready_claim(participant)
    clients = api_clients(participant.user, N)
    responses = burst([lambda c=c: c.post(_url(claim, "submit/")) for c in clients])
    assert outcomes(responses) == {(200, None): 1, (409, "conflict"): N - 1}
    refusals_are_clear(responses)
    claim.refresh_from_db()
    assert claim.status == S.PAID
    assert _moves(claim) == {S.DRAFT: 1, S.SUBMITTED: 1, S.APPROVED: 1, S.PAID: 1}
    payout = Payout.objects.get(claim=claim)
    assert payout.amount == claim.net
    sent = [t for t in bank.transfers() if t["external_id"] == claim.reference]
    assert len(sent) == 1
    kinds = _kinds(participant)
    assert kinds["claim_submitted"] == kinds["claim_approved"] == 1


def test_parallel_uploads_of_one_document_keep_one_file(bank, settings):
    participant = make_participant(balance=20_000_000)
    claim = ready_claim(participant, npwp="123456789012345")
    kind = claim.requirements[0]["kind"]
    clients = api_clients(participant.user, N)
    responses = burst(
        [
            lambda c=c: c.post(
                _url(claim, "documents/"),
                {"kind": kind, "file": png_upload()},
                format="multipart",
            )
            for c in clients
        ]
    )
    # Each upload replaces the one before it: all succeed, one row and one file stay.
    assert outcomes(responses) == {(201, None): N}
    document = ClaimDocument.objects.get(claim=claim, kind=kind)
    folder = Path(settings.MEDIA_ROOT) / "claims" / claim.reference
    files = sorted(p.name for p in folder.iterdir())
    assert files == [document.file.name.rsplit("/", 1)[-1]]


def test_parallel_bank_changes_after_a_failed_transfer_queue_one_new_payout(bank):
    participant = make_participant()
    claim = ready_claim(participant, account_number=CLOSED_AFTER_CHECK)
    services.claim_submit(claim=claim)  # the transfer fails at once
    claim.refresh_from_db()
    assert claim.status == S.PAYOUT_FAILED
    account = {"bank_code": "BNI", "account_number": "0099887766",
               "account_holder": participant.full_name}  # fmt: skip
    clients = api_clients(participant.user, N)
    responses = burst(
        [lambda c=c: c.put(_url(claim, "bank-account/"), account) for c in clients]
    )
    assert outcomes(responses) == {(200, None): 1, (409, "conflict"): N - 1}
    refusals_are_clear(responses)
    claim.refresh_from_db()
    assert claim.status == S.PAID and claim.account_number == "0099887766"
    assert Payout.objects.filter(claim=claim).count() == 2  # the failed one, one new
    assert _moves(claim)[S.APPROVED] == 2  # at submission, and once more
    assert _kinds(participant)["claim_bank_changed"] == 1


def test_parallel_bank_changes_under_review_start_one_new_round(bank):
    claim = claim_under_review()
    participant = claim.participant
    account = {"bank_code": "BNI", "account_number": "0099887766",
               "account_holder": participant.full_name}  # fmt: skip
    clients = api_clients(participant.user, N)
    responses = burst(
        [lambda c=c: c.put(_url(claim, "bank-account/"), account) for c in clients]
    )
    # The same account sent again is no change: every answer is a success.
    assert outcomes(responses) == {(200, None): N}
    claim.refresh_from_db()
    assert claim.review_round == 1 and claim.status == S.UNDER_REVIEW
    changes = ClaimEvent.objects.filter(claim=claim, note__contains="7766")
    assert changes.count() == 1
    assert _kinds(participant)["claim_bank_changed"] == 1


def test_parallel_cancels_cancel_once():
    participant = make_participant()
    claim = services.claim_start(participant=participant, claim_type="resign")
    clients = api_clients(participant.user, N)
    responses = burst([lambda c=c: c.post(_url(claim, "cancel/")) for c in clients])
    assert outcomes(responses) == {(200, None): 1, (409, "not_cancellable"): N - 1}
    refusals_are_clear(responses)
    assert _moves(claim) == {S.DRAFT: 1, S.CANCELLED: 1}
    assert _kinds(participant)["claim_cancelled"] == 1


def test_parallel_resubmits_after_a_return_start_one_round(bank, claims_officer_user):
    claim = claim_under_review()
    participant = claim.participant
    services.claim_return(
        claim=claim, actor=claims_officer_user, reason="Wrong account",
        fields=["bank_account"],
    )  # fmt: skip
    services.claim_bank_account_set(
        claim=claim, bank_code="BNI", account_number="0099887766",
        account_holder=participant.full_name,
    )  # fmt: skip
    clients = api_clients(participant.user, N)
    responses = burst([lambda c=c: c.post(_url(claim, "submit/")) for c in clients])
    assert outcomes(responses) == {(200, None): 1, (409, "conflict"): N - 1}
    refusals_are_clear(responses)
    claim.refresh_from_db()
    assert claim.status == S.UNDER_REVIEW and claim.review_round == 1
    assert _moves(claim)[S.UNDER_REVIEW] == 2
    assert not claim.corrections.filter(resolved_at=None).exists()


def test_parallel_appeals_make_one_appeal(bank, claims_officer_user):
    claim = claim_under_review()
    participant = claim.participant
    services.claim_reject(claim=claim, actor=claims_officer_user, reason="No proof")
    clients = api_clients(participant.user, N)
    responses = burst(
        [
            lambda c=c: c.post(_url(claim, "appeal/"), {"reason": "I resigned"})
            for c in clients
        ]
    )
    assert outcomes(responses) == {(200, None): 1, (409, "already_appealed"): N - 1}
    refusals_are_clear(responses)
    assert ClaimAppeal.objects.filter(claim=claim).count() == 1
    assert _moves(claim)[S.APPEALED] == 1
    assert _kinds(participant)["claim_appealed"] == 1


def test_two_members_racing_on_each_others_claims_change_nothing(bank):
    first, second = make_participant(), make_participant()
    claims = {first: ready_claim(first), second: ready_claim(second)}
    account = {"bank_code": "BNI", "account_number": "0099887766"}
    calls = []
    for member, other in ((first, second), (second, first)):
        target = claims[other]
        api = api_clients(member.user, 5)
        body = {**account, "account_holder": member.full_name}
        calls += [
            lambda a=api[0], t=target: a.post(_url(t, "submit/")),
            lambda a=api[1], t=target: a.post(_url(t, "cancel/")),
            lambda a=api[2], t=target, b=body: a.put(_url(t, "bank-account/"), b),
            lambda a=api[3], t=target: a.post(
                _url(t, "kpj-check/"), {"kpj_number": "00000000000"}
            ),
            lambda a=api[4], t=target: a.post(
                _url(t, "documents/"),
                {"kind": "ktp", "file": png_upload()},
                format="multipart",
            ),  # fmt: skip
        ]
    before = {c.pk: (c.status, c.account_number) for c in claims.values()}
    events = ClaimEvent.objects.count()
    responses = burst(calls)
    assert outcomes(responses) == {(404, "not_found"): len(calls)}
    refusals_are_clear(responses)
    after = {c.pk: (c.status, c.account_number) for c in Claim.objects.all()}
    assert after == before
    assert ClaimEvent.objects.count() == events
    assert not ClaimDocument.objects.exists()
    assert not Notification.objects.filter(kind__startswith="claim_").exists()
